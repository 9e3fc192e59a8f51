"""The template language model: no model at all, just the verified steps, worded.

:class:`TemplateModel` implements :class:`~tutor.llm.base.LanguageModel` deterministically. It
reads the data block that :mod:`tutor.llm.prompts` puts in the system message and

- for an explanation, renders the verified steps in English or Chinese, in the requested
  style, with the student's answer and the diagnosed misconception when the prompt has them,
  ending "So the answer is …" / "所以答案是 …";
- for a hint, renders the one prepared hint for step k (the prompt never carries the final
  answer for a hint);
- for a plan prompt (:func:`tutor.llm.plan.plan_prompt`, every kind of issue 15), renders the
  plan with :func:`tutor.llm.plan.render_template`, phrasing 0;
- for grading, returns the rubric JSON ``{"score", "reason"}`` computed by
  :func:`tutor.llm.grading.evidence` from the student's text and the verified steps.

It is the fake for unit tests and the fallback for everything: it needs no weights, no torch,
and gives the same text for the same prompt. ``temperature`` and ``max_new_tokens`` are
accepted and ignored (the text is short and fixed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from tutor.llm.base import Message
from tutor.llm.plan import CASUAL_WORDS, STEP_LINE
from tutor.llm.prompts import read_payload

__all__ = ["TemplateModel", "render", "render_minimal", "stream_pieces"]

_OPENING = {
    ("en", "friendly"): "Let's work through it together!",
    ("en", "formal"): "Here is the worked solution.",
    ("en", "casual"): "OK, here's how it goes.",
    ("zh", "friendly"): "我们一起来算一算吧！",
    ("zh", "formal"): "解题过程如下。",
    ("zh", "casual"): "来，看看怎么做。",
}
_CLOSING = {
    ("en", "friendly"): "So the answer is {answer}. Great job sticking with it!",
    ("en", "formal"): "Therefore, the answer is {answer}.",
    ("en", "casual"): "So the answer is {answer}. Not so bad, right?",
    ("zh", "friendly"): "所以答案是 {answer}。你真棒，继续加油！",
    ("zh", "formal"): "因此，答案是 {answer}。",
    ("zh", "casual"): "所以答案是 {answer}。不难吧？",
}
_HINT = {
    ("en", "friendly"): "Here's a hint for step {n}: {hint} You can do it!",
    ("en", "formal"): "Hint for step {n}: {hint}",
    ("en", "casual"): "Quick tip for step {n}: {hint} Give it a go!",
    ("zh", "friendly"): "第{n}步的小提示：{hint} 你一定可以的！",
    ("zh", "formal"): "第{n}步提示：{hint}",
    ("zh", "casual"): "第{n}步小窍门：{hint} 试试看！",
}
_YOU_WROTE = {
    "en": "You answered {answer}. Good try, let's see where it went off track.",
    "zh": "你写了 {answer}，我们一起看看是哪里出了问题。",
}
_STYLES = ("formal", "casual", "friendly")
_NO_TASK = "I can explain a practice item once the tutor gives me one."


def _casual_word(language: str, index: int, total: int) -> str:
    words = CASUAL_WORDS[language]
    if index == total - 1 and total > 1:
        return words[-1]
    return words[min(index, len(words) - 2)]


def _explanation(data: dict[str, Any], language: str, style: str) -> str:
    key = (language, style)
    lines = [_OPENING[key]]
    if data.get("student_answer"):
        lines.append(_YOU_WROTE[language].format(answer=data["student_answer"]))
    if data.get("misconception"):
        lines.append(str(data["misconception"]))
    steps = data.get("steps") or []
    for n, step in enumerate(steps):
        lines.append(
            STEP_LINE[key].format(
                n=n + 1, text=step.get("text", ""), word=_casual_word(language, n, len(steps))
            )
        )
    lines.append(_CLOSING[key].format(answer=data.get("answer", "")))
    return "\n".join(lines)


def render_minimal(claims: Sequence[str], answer: str, language: str = "en") -> str:
    """The last-resort explanation: only the verified claims and the answer (no prose)."""
    if language == "zh":
        body = "\n".join(f"第{n}步：{c}" for n, c in enumerate(claims, 1))
        return f"{body}\n所以答案是 {answer}。"
    body = "\n".join(f"Step {n}: {c}" for n, c in enumerate(claims, 1))
    return f"{body}\nSo the answer is {answer}."


def _grade(data: dict[str, Any]) -> str:
    # Imported here: grading imports prompts, which this module also needs at import time.
    from tutor.llm.grading import evidence

    ev = evidence(
        str(data.get("reasoning", "")),
        claims=[str(s.get("claim", "")) for s in data.get("steps") or []],
        answer=str(data.get("answer", "")),
        prompt=str(data.get("problem", "")),
        final_answer_correct=bool(data.get("final_answer_correct")),
    )
    correct = bool(data.get("final_answer_correct"))
    return json.dumps({"score": ev.score, "reason": ev.describe(correct)}, ensure_ascii=False)


def render(messages: Sequence[Message]) -> str:
    """The template's whole reply to ``messages`` (see the module docstring)."""
    data = read_payload(messages)
    if data is None:
        return _NO_TASK
    language = str(data.get("language")) if data.get("language") in ("en", "zh") else "en"
    style = str(data.get("style")) if data.get("style") in _STYLES else "friendly"
    task = data.get("task")
    if task == "plan" and isinstance(data.get("plan"), dict):
        # A plan prompt (tutor.llm.plan.plan_prompt): the template words the plan itself.
        from tutor.llm.plan import TextPlan, render_template

        return render_template(TextPlan.from_json(data["plan"]), 0)
    if task == "grade":
        return _grade(data)
    if task == "hint":
        n = int(data.get("hint_index", 0)) + 1
        return _HINT[(language, style)].format(n=n, hint=data.get("hint", ""))
    return _explanation(data, language, style)


_PIECE = re.compile(r"\S+\s*|\s+")


def stream_pieces(text: str) -> Iterator[str]:
    """``text`` in word-sized pieces (whitespace kept), as a streaming model would send it."""
    for m in _PIECE.finditer(text):
        yield m.group(0)


class TemplateModel:
    """The deterministic template backend (``name`` is ``"template"``)."""

    @property
    def name(self) -> str:
        """Always ``"template"``."""
        return "template"

    def generate(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.3,
        max_new_tokens: int = 256,
    ) -> Iterator[str]:
        """Stream the template reply to ``messages`` in word-sized pieces."""
        return stream_pieces(render(messages))
