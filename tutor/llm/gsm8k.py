"""The explanation pipeline on real word problems: GSM8K (test split, MIT licence).

For each of the first N problems of ``<shared_data_dir>/gsm8k/test.jsonl`` an item is built
the way the engine builds its own: the prompt is the question, the verified answer is the
number after ``####`` (thousands commas removed), and the worked steps are the solution's
calculator annotations ``<<a*b=c>>`` as claims, each proved with sympy through the safe
parser (:func:`tutor.content.items.verify_claim`); annotations that do not read or are false
are dropped and counted. The model is asked for a worked explanation, the raw reply's final
answer is checked (``raw_wrong``: wrong or missing), the guard runs as it does for a student,
and the text that would be shown is checked again independently (``shown_wrong``, which must
be 0) with the fallback rate.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.content.answers import AnswerPolicy
from tutor.content.items import Item, ItemVerificationError, Step, verify_claim
from tutor.errors import InputError, NotFoundError
from tutor.llm.base import LanguageModel
from tutor.llm.explain import GuardedRun, run_guarded
from tutor.llm.guard import GuardStats, Reference, final_answer_text, stated_answer_correct
from tutor.llm.options import ExplainOptions
from tutor.llm.prompts import build_explain_messages

__all__ = [
    "GsmProblem",
    "GsmReport",
    "evaluate",
    "gsm8k_path",
    "load_problems",
    "problem_item",
]

logger = logging.getLogger(__name__)

_ANNOTATION = re.compile(r"<<([^<>]*)>>")
_FINAL = re.compile(r"^####\s*(.+?)\s*$", re.MULTILINE)

#: ``progress(task, done, total)``
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class GsmProblem:
    """One GSM8K problem: its 0-based line number, question, worked solution and answer."""

    index: int
    question: str
    solution: str
    answer: str


@dataclass(frozen=True)
class GsmReport:
    """The evaluation counts (``to_json`` is the ``tutor llm eval-gsm8k`` contract)."""

    n: int
    raw_wrong: int
    shown_wrong: int
    fallback: int
    model: str
    accepted: int = 0
    regenerated: int = 0
    raw_missing: int = 0
    claims: int = 0
    claims_dropped: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"n", "raw_wrong", "shown_wrong", "fallback", "model"}``."""
        return {
            "n": self.n,
            "raw_wrong": self.raw_wrong,
            "shown_wrong": self.shown_wrong,
            "fallback": self.fallback,
            "model": self.model,
        }


def gsm8k_path(shared_data_dir: Path) -> Path:
    """Where the GSM8K test file lives under the shared data folder."""
    return shared_data_dir / "gsm8k" / "test.jsonl"


def load_problems(path: Path, n: int) -> list[GsmProblem]:
    """The first ``n`` problems of a GSM8K jsonl file.

    Raises:
        NotFoundError: the file does not exist.
        InputError: ``n`` below 1 or more than the file has, or a line that is not a GSM8K
            record (JSON with ``question`` and an ``answer`` ending in ``#### <number>``).
    """
    if n < 1:
        raise InputError(f"ask for 1 problem or more, not {n}")
    if not path.is_file():
        raise NotFoundError(
            f"no GSM8K file at {path}: set TUTOR_SHARED_DATA to the folder holding gsm8k/"
        )
    problems: list[GsmProblem] = []
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if len(problems) == n:
                break
            try:
                record = json.loads(line)
                question, solution = str(record["question"]), str(record["answer"])
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{path}, line {index + 1}: not a GSM8K record") from None
            final = _FINAL.search(solution)
            if final is None:
                raise InputError(f"{path}, line {index + 1}: the solution has no '#### answer'")
            answer = final.group(1).replace(",", "").replace("$", "").strip()
            problems.append(GsmProblem(index, question, solution, answer))
    if len(problems) < n:
        raise InputError(f"{path} has {len(problems)} problems, fewer than the {n} asked for")
    return problems


def _claim_holds(claim: str) -> bool:
    try:
        return verify_claim(claim)
    except (ItemVerificationError, InputError, ValueError, TypeError, ZeroDivisionError):
        return False


def problem_item(problem: GsmProblem) -> tuple[Item, int]:
    """The item for ``problem`` and how many of its annotations were dropped (unreadable or
    false)."""
    steps: list[Step] = []
    dropped = 0
    for line in problem.solution.splitlines():
        if line.startswith("####"):
            continue
        text = " ".join(_ANNOTATION.sub("", line).split())
        first = True
        for m in _ANNOTATION.finditer(line):
            claim = m.group(1).strip()
            if "=" not in claim or not _claim_holds(claim):
                dropped += 1
                continue
            steps.append(Step(text=text if first else claim, text_zh="", claim=claim, kp="gsm8k"))
            first = False
    item = Item(
        item_id=f"gsm8k-{problem.index}",
        generator="gsm8k",
        kp="gsm8k",
        difficulty=1,
        seed=problem.index,
        prompt=problem.question,
        prompt_zh=problem.question,
        answer=problem.answer,
        policy=AnswerPolicy(),
        steps=tuple(steps),
    )
    return item, dropped


def evaluate(
    model: LanguageModel,
    problems: list[GsmProblem],
    *,
    temperature: float = 0.3,
    max_tries: int = 3,
    max_new_tokens: int | None = None,
    progress: Progress | None = None,
    on_result: Callable[[GsmProblem, GuardedRun], None] | None = None,
) -> GsmReport:
    """Run the guarded explanation pipeline over ``problems`` (see the module docstring).

    Guard outcomes are counted in a private :class:`GuardStats`, so an evaluation does not
    mix with the process-wide counters of real students. ``on_result`` sees each problem's
    run (raw tries included) as it finishes, e.g. to save them for inspection.
    """
    ExplainOptions(temperature=temperature)  # refuses a temperature outside 0.1–1.0
    stats = GuardStats()
    raw_wrong = raw_missing = shown_wrong = claims = dropped_total = 0
    started = time.perf_counter()
    for done, problem in enumerate(problems, 1):
        item, dropped = problem_item(problem)
        claims += len(item.steps)
        dropped_total += dropped
        ref = Reference.from_item(item)
        messages = build_explain_messages(
            item, kind="explanation", style="friendly", language="en", ref=ref
        )
        run = run_guarded(
            messages,
            ref,
            model=model,
            kind="explanation",
            temperature=temperature,
            max_tries=max_tries,
            stats=stats,
            max_new_tokens=max_new_tokens,
        )
        first = run.raw[0] if run.raw else ""
        if not stated_answer_correct(first, item.answer, item.policy):
            raw_wrong += 1
            if final_answer_text(first) is None:
                raw_missing += 1
        if not stated_answer_correct(run.explanation.text, item.answer, item.policy):
            shown_wrong += 1
            logger.error("a wrong final answer was shown for %s", item.item_id)
        if on_result is not None:
            on_result(problem, run)
        if progress is not None:
            progress("gsm8k", done, len(problems))
    snapshot = stats.snapshot()
    return GsmReport(
        n=len(problems),
        raw_wrong=raw_wrong,
        shown_wrong=shown_wrong,
        fallback=snapshot["fallback"],
        model=model.name,
        accepted=snapshot["accepted"],
        regenerated=snapshot["regenerated"],
        raw_missing=raw_missing,
        claims=claims,
        claims_dropped=dropped_total,
        seconds=time.perf_counter() - started,
        reasons=snapshot["reasons"],
    )
