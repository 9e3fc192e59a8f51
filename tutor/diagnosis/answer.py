"""Single-answer diagnosis: from a wrong answer to the knowledge point that is really missing.

In order of evidence strength (DESIGN.md, "One answer, end to end"):

1. **rule** — the answer is exactly what a buggy rule of the misconception library gives
   for this item: the misconception and the points it signals (confidence 0.9, shared
   out when several rules give the same answer).
2. **steps** — the student showed working, one step per line: the first line that is
   false (proved with sympy through the safe answer parser, never ``eval``) is matched to
   the verified worked step it was attempting, and that step's knowledge point is the gap
   (confidence 0.6).
3. **semantic** — the working is prose, or its lines show nothing wrong: when a
   :class:`tutor.diagnosis.semantic.SemanticMatcher` is given, the text is matched to the
   descriptions of the misconceptions that can occur on the item (sentence embeddings);
   a match above the thresholds names the misconception and its points, with a
   calibrated confidence of at most 0.5. Never consulted when a rule or a step matched.
4. **none** — no explanation: "unknown cause", handed over to prerequisite probing.

A right answer has status "correct" and no gap. Unreadable answers are not diagnosed.
The diagnosis never raises on what a student types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from tutor.content.answers import (
    MAX_ANSWER_CHARS,
    AnswerPolicy,
    UnreadableAnswer,
    check_answer,
    normalize,
)
from tutor.content.items import Item, ItemVerificationError, verify_claim
from tutor.content.misconceptions import match_misconceptions
from tutor.diagnosis.semantic import SemanticMatcher, is_chinese

__all__ = ["Diagnosis", "diagnose_answer", "first_wrong_step"]

Evidence = Literal["rule", "steps", "semantic", "none"]
#: How a layer above words a message code (``tutor.i18n.render``: code, params, language).
Render = Callable[[str, Mapping[str, object], str], str]

RULE_CONFIDENCE = 0.9
STEPS_CONFIDENCE = 0.6
#: Working longer than this many lines is cut (a child's working is a few lines).
MAX_WORKING_LINES = 30

_SIDES = re.compile(r"(<=|>=|<|>|=)")


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


def _line_is_wrong(item: Item, line: str, solving: bool) -> bool | None:
    """True/False for a readable line of working, None when it cannot be judged."""
    try:
        if solving and any(ch.isalpha() for ch in line):
            # A line of an equation's working is right when it has the same solutions.
            status = check_answer(line, item.answer, AnswerPolicy()).status
            return None if status == "unreadable" else status == "incorrect"
        return not verify_claim(line)
    except (ItemVerificationError, UnreadableAnswer, ValueError, TypeError, ZeroDivisionError):
        return None


def first_wrong_step(item: Item, working: str) -> tuple[int, str] | None:
    """The first wrong line of ``working`` and the knowledge point of the step it attempted.

    A line that states a relation (``=``, ``<``…) is wrong when sympy disproves it; for an
    equation or inequality item, a line in the unknown is wrong when its solutions differ
    from the item's. The line is matched to the verified step whose claim starts from the
    same value (its left side) or, failing that, to the step in the same position among
    the lines read. Lines that cannot be read are skipped.
    """
    lines = [ln.strip() for ln in working.splitlines() if ln.strip()][:MAX_WORKING_LINES]
    solving = _SIDES.search(item.answer) is not None
    position = 0
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_ANSWER_CHARS or not _SIDES.search(line):
            continue
        wrong = _line_is_wrong(item, line, solving)
        if wrong is None:
            continue
        position += 1
        if not wrong:
            continue
        # The step it attempted: the one starting from the same expression as written (all
        # sides of a worked chain have the same value, so values cannot tell them apart).
        left = _compact(_SIDES.split(line)[0])
        for step in item.steps:
            if _compact(_SIDES.split(step.claim)[0]) == left:
                return number, step.kp
        return number, item.steps[min(position - 1, len(item.steps) - 1)].kp
    return None


def _compact(text: str) -> str:
    return normalize(text).replace(" ", "").replace("*", "").strip("()")


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
    if result.status == "correct":
        return Diagnosis("correct", None, (), 1.0, "none", code=code, params=params)
    if result.status in ("unreadable", "not_simplified"):
        return Diagnosis(result.status, None, (), 0.0, "none", code=code, params=params)
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
        )
    if working:
        found = first_wrong_step(item, working)
        if found is not None:
            line, kp = found
            return Diagnosis(
                "incorrect", None, (kp,), STEPS_CONFIDENCE, "steps", line, code=code, params=params
            )
        if semantic is not None:
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
