"""Single-answer diagnosis: from a wrong answer to the knowledge point that is really missing.

In order of evidence strength (DESIGN.md, "One answer, end to end"):

1. **rule** — the answer is exactly what a buggy rule of the misconception library gives
   for this item: the misconception and the points it signals (confidence 0.9, shared
   out when several rules give the same answer).
2. **steps** — the student showed working, one step per line: the first line that is
   false (proved with sympy through the safe answer parser, never ``eval``;
   :mod:`tutor.diagnosis.lines`) names the gap. When a buggy rule of the misconception
   library gives exactly that line's wrong value (``2/5 + 1/10 = 3/15``: adding across),
   the misconception and the points it signals (confidence 0.75); otherwise the line is
   matched to the verified worked step it was attempting, and that step's knowledge point
   is the gap (confidence 0.6).
3. **semantic** — the working is prose, or its lines show nothing wrong: when a
   :class:`tutor.diagnosis.semantic.SemanticMatcher` is given, the text is matched to the
   descriptions of the misconceptions that can occur on the item (sentence embeddings);
   a match above the thresholds names the misconception and its points, with a
   calibrated confidence of at most 0.5. Never consulted when a rule or a step matched.
4. **none** — no explanation: "unknown cause", handed over to prerequisite probing.

A right answer has status "correct" and no gap. Unreadable answers are not diagnosed.
Whatever the evidence, :attr:`Diagnosis.working` is the first wrong line of the working
(also under a right answer: a slip in a line is worth a gentle word).
The diagnosis never raises on what a student types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from tutor.content.answers import check_answer
from tutor.content.items import Item
from tutor.content.misconceptions import (
    Misconception,
    get_misconception,
    match_misconceptions,
)
from tutor.diagnosis.lines import MAX_WORKING_LINES, WrongLine, first_wrong_line
from tutor.diagnosis.semantic import SemanticMatcher, is_chinese
from tutor.errors import TutorError

__all__ = ["MAX_WORKING_LINES", "Diagnosis", "WrongLine", "diagnose_answer", "first_wrong_step"]

Evidence = Literal["rule", "steps", "semantic", "none"]
#: How a layer above words a message code (``tutor.i18n.render``: code, params, language).
Render = Callable[[str, Mapping[str, object], str], str]

RULE_CONFIDENCE = 0.9
#: A wrong line of working whose value a buggy rule gives: strong evidence, less than the
#: final answer's own (the line may be a slip the student went on to fix).
LINE_RULE_CONFIDENCE = 0.75
STEPS_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Diagnosis:
    """What a wrong answer shows (the CLI contract of ``tutor diagnose answer``)."""

    status: str
    misconception: str | None
    gap_kps: tuple[str, ...]
    confidence: float
    evidence: Evidence
    #: for step evidence: the 1-based line of the working that went wrong
    line: int | None = None
    #: what to tell the student: the checker's message code and its parameters (content
    #: gives codes; :meth:`message` words them) …
    code: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    #: … and a matched misconception's description, said after it
    note: str = ""
    #: the first wrong line of the shown working (None: none shown, or none wrong), also
    #: when the final answer is right or another evidence explained it
    working: WrongLine | None = None

    def message(self, render: Render, language: str = "en") -> str:
        """The checker's message in ``language`` (worded by ``render``, e.g.
        :func:`tutor.i18n.render`), then the misconception's description when one matched
        (the ``message`` of ``tutor content check`` in English)."""
        said = render(self.code, self.params, language)
        return f"{said} {self.note}" if self.note else said

    def to_json(self) -> dict[str, object]:
        """``{"status", "misconception", "gap_kps", "confidence", "evidence"}``."""
        return {
            "status": self.status,
            "misconception": self.misconception,
            "gap_kps": list(self.gap_kps),
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
        }


def first_wrong_step(item: Item, working: str) -> tuple[int, str] | None:
    """The first wrong line of ``working`` (1-based) and the knowledge point of the step it
    attempted (:func:`tutor.diagnosis.lines.first_wrong_line`); None when no line is wrong."""
    found = first_wrong_line(item, working)
    if found is None or found.kp is None:
        return None
    return found.line, found.kp


def diagnose_answer(
    item: Item,
    answer: str,
    working: str | None = None,
    *,
    semantic: SemanticMatcher | None = None,
) -> Diagnosis:
    """Diagnose one answer to ``item`` (see the module docstring).

    ``semantic`` enables the free-text evidence (e.g.
    :func:`tutor.diagnosis.semantic.default_matcher`); without it the diagnosis never
    loads a model.
    """
    result = check_answer(answer, item.answer, item.policy)
    code, params = result.code, result.params
    if result.status in ("unreadable", "not_simplified"):
        return Diagnosis(result.status, None, (), 0.0, "none", code=code, params=params)
    wrong = first_wrong_line(item, working) if working else None
    if result.status == "correct":
        return Diagnosis("correct", None, (), 1.0, "none", code=code, params=params, working=wrong)
    matches = match_misconceptions(item, answer)
    if matches:
        best = matches[0]
        return Diagnosis(
            "incorrect",
            best.id,
            tuple(best.signals),
            RULE_CONFIDENCE / len(matches),
            "rule",
            note=best.description,
            code=code,
            params=params,
            working=wrong,
        )
    if wrong is not None:
        line_mc = _misconception(wrong.misconception)
        if line_mc is not None:
            return Diagnosis(
                "incorrect",
                line_mc.id,
                tuple(line_mc.signals),
                LINE_RULE_CONFIDENCE,
                "steps",
                wrong.line,
                code=code,
                params=params,
                note=line_mc.description,
                working=wrong,
            )
        if wrong.kp is not None:
            return Diagnosis(
                "incorrect",
                None,
                (wrong.kp,),
                STEPS_CONFIDENCE,
                "steps",
                wrong.line,
                code=code,
                params=params,
                working=wrong,
            )
    if working and semantic is not None:
        found_mc = semantic.match(working, item)
        if found_mc is not None:
            mc = found_mc.misconception
            why = mc.description_zh if is_chinese(working) else mc.description
            return Diagnosis(
                "incorrect",
                mc.id,
                tuple(mc.signals),
                found_mc.confidence,
                "semantic",
                note=why,
                code=code,
                params=params,
            )
    return Diagnosis("incorrect", None, (), 0.0, "none", code=code, params=params)


def _misconception(misconception_id: str | None) -> Misconception | None:
    """The library's misconception (None for no id, or one the library does not have)."""
    if misconception_id is None:
        return None
    try:
        return get_misconception(misconception_id)
    except (TutorError, LookupError):
        return None
