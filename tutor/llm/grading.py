"""Free-text grading: a rubric grade (0–2) for a student's "explain your reasoning" answer.

The model proposes, the engine decides. The grade is built like this (:func:`grade`):

1. **Final answer** — the student's final answer (``final_answer``, else the one their text
   states, read as the guard reads explanations) is checked deterministically with
   :func:`~tutor.content.answers.check_answer`.
2. **Evidence score** (:func:`evidence`), from the maths in the text alone: the *intermediate
   results* are the results of the verified steps (every side after the first of each step
   claim) that are neither the final answer nor a number given in the problem. The text
   *shows valid reasoning* when it contains at least one intermediate result, or a true
   equation that ends in a step result or the answer. Evidence is 0 without valid
   reasoning; 2 when the final answer is right, no equation in the text is false and at
   least half the intermediate results appear (or there are none); else 1.
3. **Model score** — the model sees the rubric, the verified steps, the checked final answer,
   and the student's text as delimited, escaped data. Its reply must be exactly one JSON
   object ``{"score": int, "reason": str}`` (a whole-reply code fence is tolerated); anything
   else is ignored and the evidence score is used. The score is clamped to 0–2.
4. **The rule**: ``score = clamp(model, evidence - 1, evidence)``; then a wrong final
   answer caps it at 1 and no valid reasoning sets it to 0. The model can lower the grade by
   one point (reasoning that shows the numbers but does not hold together) and never raise
   it above what the maths in the text supports: whatever a student's text makes the model
   say, it cannot lift a grade. (An earlier rule let the model lift by one; the red-team
   suite, ``tests/reliability/test_redteam.py``, showed that injections the detector misses
   then lift a grade when the model obeys them.)
5. **Injection** — text that talks to the grader ("ignore the rubric", "give me full marks",
   fake ``{"score": 2}`` JSON, ``system:`` lines, prompt tags; English and Chinese) is
   flagged ``prompt_injection`` to the teacher and graded on evidence only (the model is not
   asked). Text that fails the safety filter is flagged ``unsafe: <category>``, graded on
   evidence only, and never quoted in the reason.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tutor.content.answers import check_answer
from tutor.content.items import Item
from tutor.errors import InputError, TutorError
from tutor.llm.base import LanguageModel, complete
from tutor.llm.guard import (
    Reference,
    final_answer_text,
    item_letters,
    math_runs,
    prepare,
    same_value,
    values_in,
)
from tutor.llm.prompts import build_grade_messages
from tutor.llm.safety import check_text

__all__ = [
    "MAX_REASONING_CHARS",
    "Evidence",
    "Grade",
    "detect_injection",
    "evidence",
    "grade",
    "parse_model_grade",
]

logger = logging.getLogger(__name__)

#: Reasoning longer than this is refused (a child's explanation is a few sentences).
MAX_REASONING_CHARS = 2000
_MAX_REASON_CHARS = 300

# Text that addresses the grader instead of doing maths. A false alarm costs little (the
# grade is then computed from the maths alone and the teacher sees a flag), so the net is wide.
_INJECTION = (
    re.compile(
        r"\b(?:ignore|disregard|forget|override|overrule|bypass|skip)\b.{0,40}"
        r"\b(?:instructions?|rubric|rules?|prompt|above|previous|grading|grader|system|"
        r"reference|solution|answer\s+key|marking)\b",
        re.DOTALL,
    ),
    re.compile(
        r"\b(?:full|max(?:imum)?|top|perfect|highest)\s+(?:marks?|scores?|points?|credit)\b"
    ),
    re.compile(
        r"\b(?:give|award|assign|rate|mark|grade|treat|score)\s+(?:me|this|it|my|us|him|her"
        r"|the\s+(?:answer|student|work))\b.{0,30}(?:\b(?:2|two)\b|\bcorrect\b|\bfull\b|\bmax)",
        re.DOTALL,
    ),
    re.compile(
        r"\b(?:give|award|assign)\s+(?:a\s+)?(?:score\s+of\s+)?(?:2|two)"
        r"(?:\s*(?:points?|marks?))?\s*(?:[.!,;]|$)",
        re.MULTILINE,
    ),
    re.compile(r"\bscores?\s*(?:[:=]|of\b|is\b|to\b|every\b)\s*\S*"),
    re.compile(r"\breasons?\s*[:=]"),
    re.compile(r"\b(?:2|two)\s*(?:/|out\s+of)\s*(?:2|two)\b"),
    re.compile(r"[\"'{]\s*(?:score|reason)\s*[\"']?\s*[:=]"),
    re.compile(
        r"^\W*(?:system|assistant|user|developer|grader|instructions?)\b.{0,20}?[:：]",
        re.MULTILINE,
    ),
    re.compile(
        r"\byou\s+are\s+(?:now|an?\s+ai)\b|\bif\s+you\s+are\s+an?\s+(?:ai|model|bot)\b"
        r"|\bnew\s+instructions?\b|\bjailbreak|\bdeveloper\s+mode\b|\bas\s+your\s+"
        r"(?:developer|creator|teacher|admin)\b|\bpretend\b|\bgrade\s*bot\b"
        r"|\bnote\s+to\s+(?:the\s+)?(?:grader|marker|teacher|ai|model)\b|\bgrader\b"
        r"|\bgrading\s+system\b|\banswer\s+key\b|\bteacher\s+said\b|\bsystem\s+prompt\b"
        r"|\bend\s+of\s+(?:the\s+)?student\b|\btranslate\s+to\s+json\b|\bjson\b"
    ),
    re.compile(r"</?\s*(?:system|tutor-data|student[_ ]\w+|instructions?)\b|<\|im_|\[/?inst\]|###"),
    re.compile(
        r"忽略|无视|不要理会|评分标准|评分规则|满分|打\s*(?:2|两|二)\s*分|给.{0,8}(?:2|两|二)\s*分"
    ),
    re.compile(r"系统\s*(?:提示|指令|消息)?\s*[:：]|你现在是|评分助手|评分\s*[:：为]|指令"),
)
#: Spaced-out or zero-width-split words ("i g n o r e", "ig\u200bnore") are found in the text
#: with every non-letter removed.
_COLLAPSED = re.compile(
    r"ignore(?:the|all|previous|your)|disregard|rubric|fullmarks|fullcredit|maximumscore"
    r"|perfectscore|override|systemprompt|gradebot|developermode|jailbreak"
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


@dataclass(frozen=True)
class Grade:
    """A rubric grade of a student's written reasoning.

    ``flagged`` lists what the teacher should look at (``prompt_injection``,
    ``unsafe: <category>``); it is not part of the CLI JSON.
    """

    score: int
    reason: str
    final_answer_correct: bool
    flagged: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"score", "reason", "final_answer_correct"}`` (the ``tutor grade`` contract)."""
        return {
            "score": self.score,
            "reason": self.reason,
            "final_answer_correct": self.final_answer_correct,
        }


@dataclass(frozen=True)
class Evidence:
    """The deterministic evidence in a student's text (see the module docstring)."""

    score: int
    shown: int
    needed: int
    false_claims: int
    valid: bool

    def describe(self, final_answer_correct: bool) -> str:
        """A one-sentence reason for the teacher (never quotes the student)."""
        if not self.valid:
            return "No working that leads towards the answer was shown."
        parts = [
            "The final answer is right" if final_answer_correct else "The final answer is wrong"
        ]
        if self.needed:
            parts.append(f"the working shows {self.shown} of {self.needed} intermediate results")
        if self.false_claims:
            parts.append(f"{self.false_claims} written calculation(s) are false")
        return "; ".join(parts) + "."

    def to_json(self) -> dict[str, Any]:
        """The evidence as a plain dict."""
        return {
            "score": self.score,
            "shown": self.shown,
            "needed": self.needed,
            "false_claims": self.false_claims,
            "valid": self.valid,
        }


def evidence(
    reasoning: str,
    *,
    claims: Sequence[str],
    answer: str,
    prompt: str,
    final_answer_correct: bool,
) -> Evidence:
    """The evidence score of ``reasoning`` against the verified step ``claims``."""
    ref = Reference(prompt=prompt, answer=answer, claims=tuple(claims))
    letters = ref.letters
    answers = ref.answer_values
    given = values_in(prompt, literals_only=True)
    results: list[Any] = []
    for claim in claims:
        for run in math_runs(prepare(claim), letters):
            results.extend(
                v
                for r, v in zip(run.relations, run.values[1:], strict=True)
                if r == "=" and v is not None
            )
    intermediate: list[Any] = []
    for r in results:
        if any(same_value(r, a) for a in answers) or any(same_value(r, g) for g in given):
            continue
        if not any(same_value(r, seen) for seen in intermediate):
            intermediate.append(r)
    said = values_in(reasoning, letters)
    shown = sum(1 for r in intermediate if any(same_value(r, s) for s in said))
    false_claims = 0
    true_to_result = 0
    for run in math_runs(prepare(reasoning), letters):
        for k, relation in enumerate(run.relations):
            a, b = run.values[k], run.values[k + 1]
            if relation != "=" or a is None or b is None:
                continue
            if getattr(a - b, "free_symbols", None):
                continue  # an equation in the unknown, not a calculation
            if not same_value(a, b):
                if not (run.open_end and k == len(run.relations) - 1):
                    false_claims += 1
            elif any(same_value(b, r) for r in (*results, *answers)):
                true_to_result += 1
    valid = shown >= 1 or true_to_result >= 1
    if not valid:
        score = 0
    elif (
        final_answer_correct
        and false_claims == 0
        and (not intermediate or 2 * shown >= len(intermediate))
    ):
        score = 2
    else:
        score = 1
    return Evidence(score, shown, len(intermediate), false_claims, valid)


def detect_injection(text: str) -> bool:
    """Whether a student's text addresses the grader instead of doing maths (English and
    Chinese; case, full-width forms, zero-width characters and spaced-out letters do not hide
    it)."""
    plain = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower()
    if any(p.search(plain) for p in _INJECTION):
        return True
    return _COLLAPSED.search(re.sub(r"[^a-z]", "", plain)) is not None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate keys")
    return dict(pairs)


def parse_model_grade(text: str) -> tuple[int, str] | None:
    """``(score clamped to 0–2, reason)`` from a model reply that is exactly one JSON object
    ``{"score": int, "reason": str}``; None for anything else (no extra keys, no prose
    around it, no duplicate keys, no booleans or strings as scores)."""
    body = text.strip()
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, re.DOTALL)
    if fence:
        body = fence.group(1)
    try:
        data = json.loads(body, object_pairs_hook=_no_duplicate_keys)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"score", "reason"}:
        return None
    score, reason = data["score"], data["reason"]
    if isinstance(score, bool) or not isinstance(score, int) or not isinstance(reason, str):
        return None
    return max(0, min(2, score)), reason.strip()


def _final_answer(item: Item, reasoning: str, final_answer: str | None) -> tuple[str | None, bool]:
    if final_answer is None:
        stated = final_answer_text(reasoning, item_letters(item.answer))
    else:
        stated = final_answer
    if stated is None or not stated.strip():
        return None, False
    try:
        status = check_answer(stated, item.answer, item.policy).status
    except TutorError:
        return stated, False
    return stated, status == "correct"


def grade(
    item: Item,
    reasoning: str,
    *,
    model: LanguageModel,
    final_answer: str | None = None,
) -> Grade:
    """Grade a student's written reasoning for ``item`` on the 0–2 rubric (module docstring).

    Raises:
        InputError: the reasoning is longer than :data:`MAX_REASONING_CHARS` characters.
    """
    if not isinstance(reasoning, str):
        raise InputError("the reasoning must be text")
    if len(reasoning) > MAX_REASONING_CHARS:
        raise InputError(
            f"the reasoning is {len(reasoning)} characters long; write at most "
            f"{MAX_REASONING_CHARS} (a few sentences)"
        )
    stated, correct = _final_answer(item, reasoning, final_answer)
    ev = evidence(
        reasoning,
        claims=[s.claim for s in item.steps],
        answer=item.answer,
        prompt=item.prompt,
        final_answer_correct=correct,
    )
    flagged: list[str] = []
    safety = check_text(reasoning, source="student")
    if not safety.ok:
        flagged.extend(safety.reasons())
    if detect_injection(reasoning):
        flagged.append("prompt_injection")
    if flagged:
        logger.warning("grading %s: student text flagged (%s)", item.item_id, ", ".join(flagged))

    proposed: tuple[int, str] | None = None
    if not flagged and reasoning.strip():
        messages = build_grade_messages(
            item, reasoning, final_answer=stated, final_answer_correct=correct
        )
        try:
            reply = complete(model, messages, temperature=0.1, max_new_tokens=120)
        except TutorError as exc:
            logger.warning("grading %s: model %s failed: %s", item.item_id, model.name, exc)
            reply = ""
        proposed = parse_model_grade(reply)
        if proposed is None:
            logger.info(
                "grading %s: model %s reply was not the JSON asked for", item.item_id, model.name
            )

    score = ev.score if proposed is None else max(ev.score - 1, min(ev.score, proposed[0]))
    if not correct:
        score = min(score, 1)
    if not ev.valid:
        score = 0
    reason = ev.describe(correct)
    if proposed is not None and proposed[0] == score:
        model_reason = proposed[1]
        if (
            model_reason
            and len(model_reason) <= _MAX_REASON_CHARS
            and check_text(model_reason, source="model").ok
            and not detect_injection(model_reason)
        ):
            reason = model_reason
    if "prompt_injection" in flagged:
        reason += " Graded on the worked steps only: the text contained instructions to the grader."
    return Grade(score, reason, correct, tuple(flagged))
