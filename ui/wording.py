"""Texts for a student that never keep a page waiting on the language model.

A text (feedback, a hint, the worked solution, a why) is asked for once per tab and
wording: the template's wording comes back at once and is shown; when the app has a
language model (``StudentAPI.words_with_model``), the model's wording is queued on the
process's :class:`~tutor.llm.serving.VoiceServer` (one line per student, served round-robin,
bounded: a class pressing "Explain" together never waits behind one student, and a full queue
leaves the template) and replaces the template when it is ready. Meanwhile a fragment shows
the template with a running spinner and checks every :data:`POLL_S` seconds; when the model is
done it reruns the page once, which then shows the model's text with no polling left.

Both texts are the engine's: the guard has checked the model's wording, and a text the guard
rejects comes back as the template's (``guard == "fallback"``), so nothing unchecked shows.
A model that fails leaves the template on the page (and a warning in the log).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from tutor.mathtext import to_markdown
from tutor.service import voice_server
from ui import state
from ui.state import t

if TYPE_CHECKING:
    from tutor.access import ExplainOptions, StudentAPI
    from tutor.service import Ticket, VoiceServer

__all__ = ["POLL_S", "Wording", "show", "wording"]

log = logging.getLogger(__name__)

#: How often a page with a text still being worded checks for the model's text (seconds).
#: Each check is a small script run in the server's process, which competes with the model
#: for the interpreter (seen by hand: on a loaded 2-core machine the checks of one tab every
#: 0.5 s took most of the process's CPU while SmolLM2 prepared its decoder); once a second
#: adds at most a second to a model's seconds.
POLL_S = 1.0
#: Model wordings made at once across the process. One on a CPU, where one decode at a time
#: is fastest (the fair queue decides whose comes next); the GPU route batches in the model.
WORKERS = 1
#: Model wordings waiting across the process, and per student (a newer one replaces the
#: oldest: the student has moved past it); beyond that the template stands.
MAX_PENDING = 64
PER_STUDENT = 2
#: The per-user session-state key of this tab's texts.
_TEXTS = "texts"


@dataclass
class Wording:
    """One text for the student: the template's, and the model's ticket when asked for."""

    template: str
    model: Ticket | None = None

    @property
    def pending(self) -> bool:
        """The model is still wording it (queued or running)."""
        return self.model is not None and not self.model.final

    @property
    def text(self) -> str:
        """The best text there is now: the model's once done, else the template's (a failed,
        refused or rejected wording leaves the template)."""
        return self.template if self.model is None else self.model.text


@st.cache_resource(show_spinner=False)
def _server() -> VoiceServer:
    # One server per app process, shared by every tab; more workers where the model batches.
    return voice_server(
        workers=WORKERS,
        max_pending=MAX_PENDING,
        per_student=PER_STUDENT,
        model=state.school().engine.model,
    )


def wording(
    api: StudentAPI, key: str, item_id: str, answer: str | None, options: ExplainOptions
) -> Wording | None:
    """The text ``key`` of this tab: asked for on first use (the template at once, the
    model's in the background), kept afterwards. None (with the error shown) when the
    engine refuses it."""
    texts: dict[str, Wording] = state.user_state(_TEXTS, {})
    found = texts.get(key)
    if found is not None:
        return found
    try:
        template = api.explain(item_id, answer, options, template=True).text
    except TutorError as exc:
        state.show_error(exc)
        return None
    made = Wording(template)
    if api.words_with_model(options.language):
        made.model = _server().submit(
            api.user_id, template, lambda: _model_text(api, item_id, answer, options)
        )
    state.set_user_state(_TEXTS, {**texts, key: made})
    return made


def _model_text(
    api: StudentAPI, item_id: str, answer: str | None, options: ExplainOptions
) -> str | None:
    # In a worker thread: no Streamlit calls here, only the engine. None when the guard
    # rejected every try (the template stands, and the ticket says why).
    made = api.explain(item_id, answer, options)
    return None if made.guard == "fallback" else made.text


def forget() -> None:
    """Forget this tab's texts (a new item starts without them)."""
    state.clear_user_state(_TEXTS)


def as_markdown(text: str, literal: str | None = None) -> str:
    """A text for the student as Markdown: its maths typeset (KaTeX, with the plain form
    for a screen reader), everything else shown as written, each line break kept (a worked
    solution is one step per line); ``literal`` (the student's answer, where the text
    quotes it) as typed. HTML: show it with ``unsafe_allow_html=True``."""
    return to_markdown(text, accessible=True, literal=literal)


def show(made: Wording, literal: str | None = None) -> None:
    """Show a text: the final one, or the template with a spinner until the model is done.
    ``literal``: the student's answer, shown as typed where the text quotes it."""
    if made.pending:
        _pending(made, literal)
    else:
        st.markdown(as_markdown(made.text, literal), unsafe_allow_html=True)


@st.fragment(run_every=POLL_S)
def _pending(made: Wording, literal: str | None) -> None:
    if not made.pending:
        # Done: one full rerun shows the model's text where the template was, and stops
        # the polling (this fragment is not drawn again).
        st.rerun()
    st.markdown(as_markdown(made.template, literal), unsafe_allow_html=True)
    # A running status box: Streamlit draws it with a turning spinner (a static line was
    # easy to miss), and it goes when the model's text replaces the template.
    st.status(t("wording_spinner"), state="running")
