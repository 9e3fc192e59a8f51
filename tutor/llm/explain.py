"""Grounded explanations and hints: the model words the verified steps, the guard checks.

:func:`explain` builds the prompt (:mod:`tutor.llm.prompts`), asks the model, and runs the
whole text through the guard (:func:`tutor.llm.guard.check_output`). A rejected text is
regenerated (at most ``max_tries`` tries in all, the temperature halved each retry, never
below 0.1); when every try fails, the template explanation is shown instead (itself checked;
as a last resort the bare verified claims, or for a hint a generic nudge). A model that
raises counts as a failed try (``model_error``).

``Explanation.guard`` says which happened: ``accepted`` (first try), ``regenerated`` (a later
try), ``fallback`` (template). ``reasons`` are the rejection reasons of the failed tries, and
``model`` is the name of the model that was asked. Every outcome is counted in a
:class:`~tutor.llm.guard.GuardStats` (the process-wide one unless one is passed in).

:func:`explain_stream` gives the same accepted text in pieces for a streaming page; the guard
has checked the whole text before the first piece is yielded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from tutor.content.items import Item
from tutor.errors import InputError
from tutor.llm.base import LanguageModel, Message, complete
from tutor.llm.guard import (
    GuardStats,
    Reference,
    check_output,
    default_guard_stats,
    log_rejection,
)
from tutor.llm.options import ExplainOptions, Kind, Language, Style
from tutor.llm.prompts import build_explain_messages, generic_nudge
from tutor.llm.safety import check_text
from tutor.llm.template import render, render_minimal, stream_pieces

__all__ = [
    "MAX_TRIES_LIMIT",
    "ExplainOptions",
    "Explanation",
    "ExplanationStream",
    "GuardedRun",
    "Kind",
    "Language",
    "Style",
    "explain",
    "explain_stream",
    "run_guarded",
]


class Diagnosed(Protocol):
    """What the wording needs of the engine's diagnosis of an answer
    (:class:`tutor.diagnosis.answer.Diagnosis` has this shape): the model words the
    diagnosis, it never makes one."""

    @property
    def status(self) -> str: ...

    @property
    def misconception(self) -> str | None: ...


logger = logging.getLogger(__name__)

GuardOutcome = Literal["accepted", "regenerated", "fallback"]

MAX_TRIES_LIMIT = 10
_MIN_TEMPERATURE = 0.1
_MAX_NEW_TOKENS = {"explanation": 320, "hint": 120}


@dataclass(frozen=True)
class Explanation:
    """What a student may see, and how the guard got there."""

    text: str
    guard: GuardOutcome
    reasons: tuple[str, ...]
    model: str

    def to_json(self) -> dict[str, Any]:
        """``{"text", "guard", "reasons", "model"}`` (the ``tutor explain`` contract)."""
        return {
            "text": self.text,
            "guard": self.guard,
            "reasons": list(self.reasons),
            "model": self.model,
        }


@dataclass(frozen=True)
class GuardedRun:
    """An explanation with the raw text of every try (for evaluation only: ``raw`` texts are
    unchecked and must never be shown to a student)."""

    explanation: Explanation
    raw: tuple[str, ...]


def run_guarded(
    messages: Sequence[Message],
    ref: Reference,
    *,
    model: LanguageModel,
    kind: Kind = "explanation",
    student_answer: str | None = None,
    temperature: float = 0.3,
    max_tries: int = 3,
    language: Language = "en",
    stats: GuardStats | None = None,
    max_new_tokens: int | None = None,
) -> GuardedRun:
    """Ask ``model`` up to ``max_tries`` times and return the first text the guard accepts,
    else the checked template fallback (see the module docstring)."""
    if not 1 <= max_tries <= MAX_TRIES_LIMIT:
        raise InputError(f"max_tries must be between 1 and {MAX_TRIES_LIMIT}, not {max_tries}")
    stats = stats or default_guard_stats()
    tokens = max_new_tokens or _MAX_NEW_TOKENS[kind]
    reasons: list[str] = []
    raw: list[str] = []
    for attempt in range(max_tries):
        temp = max(_MIN_TEMPERATURE, temperature * 0.5**attempt)
        try:
            text = complete(model, messages, temperature=temp, max_new_tokens=tokens).strip()
        except Exception as exc:  # any backend failure is a failed try, never a crash
            logger.warning("model %s failed on try %d: %s", model.name, attempt + 1, exc)
            raw.append("")
            reasons.append(f"model_error: {type(exc).__name__}")
            continue
        raw.append(text)
        rejected = check_output(text, ref, kind=kind, student_answer=student_answer)
        if not rejected:
            outcome: GuardOutcome = "accepted" if attempt == 0 else "regenerated"
            result = Explanation(text, outcome, tuple(dict.fromkeys(reasons)), model.name)
            stats.record(outcome, reasons)
            return GuardedRun(result, tuple(raw))
        log_rejection(model.name, attempt + 1, rejected)
        reasons.extend(rejected)
    text = _fallback_text(
        messages, ref, kind=kind, student_answer=student_answer, language=language
    )
    result = Explanation(text, "fallback", tuple(dict.fromkeys(reasons)), model.name)
    stats.record("fallback", reasons)
    return GuardedRun(result, tuple(raw))


def _fallback_text(
    messages: Sequence[Message],
    ref: Reference,
    *,
    kind: Kind,
    student_answer: str | None,
    language: Language,
) -> str:
    candidates = [render(messages)]
    if kind == "explanation":
        candidates.append(render_minimal(ref.claims, ref.answer, language))
    for text in candidates:
        rejected = check_output(text, ref, kind=kind, student_answer=student_answer)
        if not rejected:
            return text
        log_rejection("template", 1, rejected)
    if kind == "hint":
        return generic_nudge(0, language)
    # The bare verified claims are true by construction; only a guard blind spot gets here.
    logger.error("the guard rejected even the verified claims: %s", candidates[-1])
    return candidates[-1]


def _misconception_text(diagnosis: Diagnosed | None, language: Language) -> str | None:
    if diagnosis is None or not diagnosis.misconception:
        return None
    from tutor.content.misconceptions import get_misconception

    try:
        found = get_misconception(diagnosis.misconception)
    except InputError:
        logger.warning("unknown misconception %r in a diagnosis", diagnosis.misconception)
        return None
    return found.description_zh if language == "zh" else found.description


def explain(
    item: Item,
    *,
    model: LanguageModel,
    answer: str | None = None,
    diagnosis: Diagnosed | None = None,
    options: ExplainOptions | None = None,
    max_tries: int = 3,
    stats: GuardStats | None = None,
) -> Explanation:
    """A guarded worked explanation of ``item`` (or a hint, as ``options`` say) for a student.

    ``answer`` is what the student wrote and ``diagnosis`` the engine's diagnosis of it
    (:func:`tutor.diagnosis.answer.diagnose_answer`): a wrong answer and its misconception
    go into the prompt. An answer without a diagnosis is not treated as wrong.
    ``options`` default to :class:`~tutor.llm.options.ExplainOptions` ``()`` (a friendly
    English explanation).

    Raises:
        InputError: a hint index the item has no step for, or ``max_tries`` outside 1–10
            (the options themselves were checked when they were made).
    """
    options = options or ExplainOptions()
    options.check_hint(item.item_id, len(item.steps))
    wrong = (
        answer is not None
        and diagnosis is not None
        and diagnosis.status == "incorrect"
        and check_text(answer, source="student").ok  # never echo unsafe student text
    )
    kind, language = options.kind, options.language
    misconception = _misconception_text(diagnosis, language) if kind == "explanation" else None
    ref = Reference.from_item(item, extra=misconception or "")
    messages = build_explain_messages(
        item,
        kind=kind,
        style=options.style,
        language=language,
        ref=ref,
        hint_index=options.hint_index,
        answer=answer if wrong else None,
        misconception=misconception,
    )
    run = run_guarded(
        messages,
        ref,
        model=model,
        kind=kind,
        student_answer=answer if wrong else None,
        temperature=options.temperature,
        max_tries=max_tries,
        language=language,
        stats=stats,
    )
    return run.explanation


class ExplanationStream(Iterator[str]):
    """The accepted text of :func:`explain`, in pieces.

    The explanation is made (and fully guarded) on the first ``next()`` or when
    :attr:`explanation` is read, so a page can show a spinner until then; ``explanation``
    then tells the guard outcome.
    """

    def __init__(self, make: Callable[[], Explanation]) -> None:
        self._make = make
        self._result: Explanation | None = None
        self._pieces: Iterator[str] | None = None

    @property
    def explanation(self) -> Explanation:
        """The guarded explanation being streamed."""
        if self._result is None:
            self._result = self._make()
        return self._result

    def __iter__(self) -> ExplanationStream:
        return self

    def __next__(self) -> str:
        if self._pieces is None:
            self._pieces = stream_pieces(self.explanation.text)
        return next(self._pieces)


def explain_stream(
    item: Item,
    *,
    model: LanguageModel,
    answer: str | None = None,
    diagnosis: Diagnosed | None = None,
    options: ExplainOptions | None = None,
    max_tries: int = 3,
    stats: GuardStats | None = None,
) -> ExplanationStream:
    """Like :func:`explain`, but yields the accepted text in pieces (nothing unchecked).

    The options (and a hint index against the item's steps) are checked here, before
    anything is generated.
    """
    options = options or ExplainOptions()
    options.check_hint(item.item_id, len(item.steps))
    return ExplanationStream(
        lambda: explain(
            item,
            model=model,
            answer=answer,
            diagnosis=diagnosis,
            options=options,
            max_tries=max_tries,
            stats=stats,
        )
    )
