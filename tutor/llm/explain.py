"""Grounded explanations, hints, feedback and whys: the engine plans, the model words, the
guard checks.

:func:`explain` builds the text's plan (:func:`tutor.llm.plan.build_plan`: kind, hint rung,
the verified steps, the diagnosed misconception, the numbers allowed, length and reading
bounds), renders the plan's template (:func:`tutor.llm.plan.render_template`, checked by the
guard; it is ``Explanation.template_text``, what a page shows at once), then asks the model to
reword the plan (:func:`tutor.llm.plan.plan_prompt`) and runs the whole text through the
guard (:func:`tutor.llm.guard.check_output` with the plan: numbers, answer, and reading like
a child would). A rejected text is
regenerated (at most ``max_tries`` tries in all, the temperature halved each retry, never
below 0.1); when every try fails, the plan's template is shown instead (itself checked; as a
last resort the bare verified claims, or for a hint a generic nudge). A model that raises
counts as a failed try (``model_error``). With a language ``gate``
(:class:`tutor.llm.gate.VoiceGate`) that is closed for the plan's language, the model is not
asked at all and the template is shown (``reasons`` says ``gate_closed``).

``Explanation.guard`` says which happened: ``accepted`` (first try), ``regenerated`` (a later
try), ``fallback`` (template). ``reasons`` are the rejection reasons of the failed tries, and
``model`` is the name of the model that was asked. Every outcome is counted in a
:class:`~tutor.llm.guard.GuardStats` (the process-wide one unless one is passed in).

:func:`explain_stream` is for a page: its ``template_text`` is ready at once (no model is
asked for it), and iterating it yields the shown text in pieces. **Streaming rule: nothing
unchecked reaches a student.** A model's text is generated whole and checked whole (loops,
length, the final answer and reading level can only be judged on the whole text) before its
first piece is yielded; until then the page shows the template, and when the guard rejects
every try the pieces are the template's own. A small model writes a hint in about a second on
CPU, so checked sentences streamed one by one would save little and could show a first
sentence whose text is later rejected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

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
from tutor.llm.plan import (
    TextPlan,
    build_plan,
    plan_prompt,
    plan_reference,
    render_template,
)
from tutor.llm.prompts import generic_nudge, without_payload
from tutor.llm.template import render, render_minimal, stream_pieces

if TYPE_CHECKING:
    from tutor.llm.gate import VoiceGate

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
    "explain_template",
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
_MAX_NEW_TOKENS = {"explanation": 320, "hint": 120, "feedback": 160, "why": 120, "working": 160}


@dataclass(frozen=True)
class Explanation:
    """What a student may see, and how the guard got there.

    ``text`` is what to show: the model's wording when ``guard`` is ``accepted`` or
    ``regenerated``, the template's when ``fallback``. ``template_text`` is the plan's
    template (shown at once, before the model's wording is ready); ``kind`` the plan's kind.
    """

    text: str
    guard: GuardOutcome
    reasons: tuple[str, ...]
    model: str
    template_text: str = ""
    kind: str = "explanation"

    def to_json(self) -> dict[str, Any]:
        """``{"text", "guard", "reasons", "model", "template_text", "kind"}`` (the ``tutor
        explain`` contract; the last two were added by issue 15)."""
        return {
            "text": self.text,
            "guard": self.guard,
            "reasons": list(self.reasons),
            "model": self.model,
            "template_text": self.template_text,
            "kind": self.kind,
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
    plan: TextPlan | None = None,
    fallback: str | None = None,
) -> GuardedRun:
    """Ask ``model`` up to ``max_tries`` times and return the first text the guard accepts,
    else the checked template fallback (see the module docstring).

    With a ``plan`` every try is also read against it; ``fallback`` is the (checked) text to
    show when every try fails (default: the template's reply to ``messages``)."""
    if not 1 <= max_tries <= MAX_TRIES_LIMIT:
        raise InputError(f"max_tries must be between 1 and {MAX_TRIES_LIMIT}, not {max_tries}")
    stats = stats or default_guard_stats()
    tokens = max_new_tokens or _MAX_NEW_TOKENS[kind]
    if not getattr(model, "reads_data_block", True):
        messages = without_payload(messages)  # a real model reads instructions, not JSON
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
        rejected = check_output(text, ref, kind=kind, student_answer=student_answer, plan=plan)
        if not rejected:
            outcome: GuardOutcome = "accepted" if attempt == 0 else "regenerated"
            result = Explanation(
                text,
                outcome,
                tuple(dict.fromkeys(reasons)),
                model.name,
                template_text=fallback or "",
                kind=plan.kind if plan else kind,
            )
            stats.record(outcome, reasons)
            return GuardedRun(result, tuple(raw))
        log_rejection(model.name, attempt + 1, rejected)
        reasons.extend(rejected)
    text = fallback or _fallback_text(
        messages, ref, kind=kind, student_answer=student_answer, language=language
    )
    result = Explanation(
        text,
        "fallback",
        tuple(dict.fromkeys(reasons)),
        model.name,
        template_text=fallback or text,
        kind=plan.kind if plan else kind,
    )
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


def checked_template(plan: TextPlan, ref: Reference, variant: int = 0) -> str:
    """The plan's template, checked by the guard like any model text; should the guard
    refuse it (a guard blind spot: the template only repeats verified facts), the bare
    verified claims (explanation, why) or a generic nudge (hint, feedback)."""
    text = render_template(plan, variant)
    rejected = check_output(text, ref, plan=plan)
    if not rejected:
        return text
    log_rejection("template", 1, rejected)
    if plan.may_state_answer:
        return render_minimal(plan.claims, plan.answer, plan.language)
    return generic_nudge(plan.hint_index, plan.language)


def _planned(
    item: Item,
    answer: str | None,
    diagnosis: Diagnosed | None,
    options: ExplainOptions | None,
) -> tuple[TextPlan, Reference, str]:
    plan = build_plan(item, answer, diagnosis, options)
    ref = plan_reference(item, plan)
    return plan, ref, checked_template(plan, ref)


def explain_template(
    item: Item,
    *,
    answer: str | None = None,
    diagnosis: Diagnosed | None = None,
    options: ExplainOptions | None = None,
) -> Explanation:
    """The plan's template alone, with no model (``guard`` ``fallback``, ``model``
    ``"template"``): the first words a page shows, at once."""
    plan, _, template = _planned(item, answer, diagnosis, options)
    return Explanation(template, "fallback", (), "template", template, plan.kind)


def explain(
    item: Item,
    *,
    model: LanguageModel,
    answer: str | None = None,
    diagnosis: Diagnosed | None = None,
    options: ExplainOptions | None = None,
    max_tries: int = 3,
    stats: GuardStats | None = None,
    gate: VoiceGate | None = None,
) -> Explanation:
    """A guarded text of ``options.kind`` about ``item`` for a student (see the module
    docstring): an explanation, a hint at a rung of the ladder, feedback after a wrong
    answer, or the why after a right one.

    ``answer`` is what the student wrote and ``diagnosis`` the engine's diagnosis of it
    (:func:`tutor.diagnosis.answer.diagnose_answer`): a wrong answer and its misconception
    go into the plan. An answer without a diagnosis is not treated as wrong.
    ``options`` default to :class:`~tutor.llm.options.ExplainOptions` ``()`` (a friendly
    English explanation). ``gate`` (None: no gate) keeps the model silent in a language
    where it has not earned its voice.

    Raises:
        InputError: a hint index the item has no step for, or ``max_tries`` outside 1–10
            (the options themselves were checked when they were made).
    """
    if not 1 <= max_tries <= MAX_TRIES_LIMIT:
        raise InputError(f"max_tries must be between 1 and {MAX_TRIES_LIMIT}, not {max_tries}")
    plan, ref, template = _planned(item, answer, diagnosis, options)
    if gate is not None and not gate.speaks(model.name, plan.language):
        stats = stats or default_guard_stats()
        stats.record("fallback", ())
        reason = f"gate_closed: {plan.language}"
        return Explanation(template, "fallback", (reason,), model.name, template, plan.kind)
    run = run_guarded(
        plan_prompt(plan),
        ref,
        model=model,
        kind=plan.kind,
        student_answer=plan.student_answer,
        temperature=(options or ExplainOptions()).temperature,
        max_tries=max_tries,
        language=plan.language,
        stats=stats,
        plan=plan,
        fallback=template,
    )
    return run.explanation


class ExplanationStream(Iterator[str]):
    """The accepted text of :func:`explain`, in pieces.

    :attr:`template_text` is there at once. The model's text is made (and fully guarded) on
    the first ``next()`` or when :attr:`explanation` is read, so a page shows the template
    until then; ``explanation`` then tells the guard outcome.
    """

    def __init__(self, make: Callable[[], Explanation], template_text: str = "") -> None:
        self._make = make
        #: The plan's template: ready before any model is asked (show it at once).
        self.template_text = template_text
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
    gate: VoiceGate | None = None,
) -> ExplanationStream:
    """Like :func:`explain`, but with the template ready at once (``template_text``) and the
    shown text yielded in pieces, each only after the whole text passed the guard.

    The options (and a hint index against the item's steps) are checked here, before
    anything is generated.
    """
    options = options or ExplainOptions()
    first = explain_template(item, answer=answer, diagnosis=diagnosis, options=options)
    return ExplanationStream(
        lambda: explain(
            item,
            model=model,
            answer=answer,
            diagnosis=diagnosis,
            options=options,
            max_tries=max_tries,
            stats=stats,
            gate=gate,
        ),
        template_text=first.template_text,
    )
