"""Opening the tutor for an app: the store, the language model, the engine and the way in.

:func:`open_school` is all the Streamlit app does to start: it opens the configured store,
builds the configured language model (falling back to the template model, so explanations
always work) and the engine over them, and hands back a :class:`School` — sign-in, the
signed-in user's role facade (:class:`~tutor.access.StudentAPI` or
:class:`~tutor.access.TeacherAPI`) and the public, read-only curriculum
(:class:`~tutor.catalog.Catalog`). Pages talk to these only.

This module also names the types the pages mention (for type hints), so a page imports
nothing below this level.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import TYPE_CHECKING

from tutor.access import School
from tutor.errors import NotFoundError, TutorError
from tutor.settings import Settings

if TYPE_CHECKING:
    from tutor.access import RosterReport as RosterReport
    from tutor.access import StudentAPI as StudentAPI
    from tutor.access import TeacherAPI as TeacherAPI
    from tutor.auth import Session as Session
    from tutor.catalog import Catalog as Catalog
    from tutor.catalog import Kind as Kind
    from tutor.catalog import Language as Language
    from tutor.catalog import Style as Style
    from tutor.engine import ClassReport as ClassReport
    from tutor.engine import Feedback as Feedback
    from tutor.engine import NextItem as NextItem
    from tutor.engine import Placement as Placement
    from tutor.engine import PlacementTurn as PlacementTurn
    from tutor.engine import Turn as Turn
    from tutor.lab import LanguageModel as LanguageModel
    from tutor.llm.serving import Ticket as Ticket
    from tutor.llm.serving import VoiceServer as VoiceServer

__all__ = ["School", "app_model", "demo_ready", "open_school", "voice_server", "warm_model"]

log = logging.getLogger(__name__)


def demo_ready(school: School) -> bool:
    """Whether the demo school (``tutor demo seed``) is in the store, so the sign-in page
    may tell a newcomer its accounts."""
    from tutor.demo import DEMO_TEACHER

    with contextlib.suppress(NotFoundError):
        school.engine.store.get_teacher(DEMO_TEACHER)
        return True
    return False


def app_model(settings: Settings) -> LanguageModel:
    """The configured language model (``TUTOR_LLM``; by default SmolLM2 when pulled, else
    the template model). A model that cannot be built falls back to the template, with the
    reason logged: explanations always work. A model on CUDA starts warming up at once
    (:func:`warm_model`); on a CPU it stays unloaded until its first wording."""
    from tutor import lab

    try:
        model = lab.load_model(settings)
    except TutorError as exc:
        log.warning("language model unavailable, using the template model: %s", exc)
        return lab.template_model()
    warm_model(model)
    return model


def warm_model(model: object) -> threading.Thread | None:
    """Load ``model`` and capture its batched decoder's CUDA graphs in a background thread,
    so that no student's wording waits for a capture (a capture inside a class's first
    minute made first words take seconds: BENCHMARKS.md, class-scale serving). Only for a
    model that batches concurrent calls on this machine and can warm up — the transformers
    backend on CUDA; on a CPU, for the template or a model server it does nothing (the
    model loads lazily, at its first wording). The thread, or None where nothing is warmed.

    Wordings asked for meanwhile wait for the decoder (it is locked while capturing) and
    are then served as usual; a failed warm-up is logged, and the model captures on demand.
    """
    from tutor.llm.serving import concurrency

    warm_up = getattr(model, "warm_up", None)
    # concurrency() > 1 only where concurrent calls share a batched decode (CUDA) or a
    # server takes them; asking it imports nothing for a model pinned to the CPU.
    if not callable(warm_up) or concurrency(model) <= 1:
        return None

    def run() -> None:
        started = time.perf_counter()
        try:
            warm_up()
        except Exception as exc:  # an optimisation only: wordings capture on demand instead
            log.warning("model warm-up failed, graphs will be captured on demand: %s", exc)
            return
        log.info("model warmed up in %.1f s", time.perf_counter() - started)

    thread = threading.Thread(target=run, name="model-warm-up", daemon=True)
    thread.start()
    return thread


def voice_server(
    *, workers: int, max_pending: int, per_student: int, model: object = None
) -> VoiceServer:
    """The app process's queue for the model's wordings (:class:`tutor.llm.serving.VoiceServer`:
    one line per student served round-robin, bounded; the template stands meanwhile). With
    ``model``, at least as many workers as it takes at once
    (:func:`tutor.llm.serving.concurrency`: 32 on CUDA, where concurrent wordings share a
    batched decode, and for a model server; 1 on a CPU)."""
    from tutor.llm.serving import VoiceServer, concurrency

    if model is not None:
        workers = max(workers, concurrency(model))
    return VoiceServer(workers=workers, max_pending=max_pending, per_student=per_student)


def open_school(
    settings: Settings, url: str | None = None, *, model: LanguageModel | None = None
) -> School:
    """The tutor on the store at ``url`` (default: the settings' store), with ``model``
    (default: :func:`app_model`) wording explanations."""
    from tutor import lab
    from tutor.engine import Engine

    store = lab.open_store(url or settings.resolved_store_url, settings)
    log.info("app engine opened on %s", store.url)
    return School(Engine(store, model=model if model is not None else app_model(settings)))
