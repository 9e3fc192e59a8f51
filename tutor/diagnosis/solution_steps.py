"""Step-checking features of a written solution, and the linear ranker that reads them.

:mod:`tutor.diagnosis.solutions` reads every line of a student's solution for its arithmetic
(exact sympy) and its quantities. This module turns what those checks say about each step
into a small vector of named features (:func:`step_features`) and scores the steps with a
linear model (:class:`StepRanker`): the step with the highest score is the first wrong
step. ``benchmarks/stepwise_errors.py`` fits the weights (logistic regression, step by
step, on the training folds of the dev file, cross-validated by problem) and compares the
ranker with the rules of :mod:`tutor.diagnosis.solutions`; scoring itself is a dot product,
with no library beyond sympy. No weights are shipped: cross-validation did not prefer the
ranker (BENCHMARKS.md), so ``tutor diagnose solutions`` runs the rules.

Every feature is computed from the problem, the reference solution and the student's
steps only; the teacher's labels never reach this module.

Reusable helpers: :func:`step_checks` (per step: the arithmetic verdict, whether its
results lie on the reference's path, whether an off-path result is still a true fact of
the problem, the dependency chain of the final answer) can serve any caller that checks
multi-step working against a reference.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from tutor.diagnosis.solutions import (
    _FREE_NUMBERS,
    _LET_RE,
    _UNKNOWN_EQUATION_RE,
    Line,
    _contains,
    _true_fact,
    _unit_hint,
    answer_chain,
    problem_numbers,
    read_line,
)

#: The features of a step, in the order of the weight vectors.
FEATURES: tuple[str, ...] = (
    "bias",
    "is_first",
    "position",
    "is_final",
    "is_last_working",
    "no_numbers",
    "has_arithmetic",
    "off_path",
    "off_path_fact",
    "off_stated",
    "first_off",
    "earlier_off",
    "next_off",
    "calculation",
    "foreign_number",
    "reaches_answer",
    "after_answer",
    "in_chain",
    "on_reference",
    "repeats_value",
    "unknown_named",
    "unknown_equation",
    "first_unknown_equation",
    "final_wrong",
    "working_lines",
)


@dataclass(frozen=True)
class StepCheck:
    """What the checks say about one step of a student's solution."""

    index: int
    line: Line
    off: tuple[sp.Rational, ...]  # results neither the problem nor the reference has
    off_facts: tuple[sp.Rational, ...]  # of those, ones computed rightly from the problem
    stated_off: bool  # a line without ``=`` states a new number off the reference's path
    calculation: bool  # its own arithmetic is wrong
    foreign: bool  # it computes with a number from nowhere
    reaches_answer: bool  # it gets the reference's final answer
    on_reference: bool  # every result it gets is a reference quantity
    repeats: bool  # it recomputes a value an earlier step already had


def _reference_values(reference: Sequence[str]) -> tuple[set[sp.Rational], sp.Rational | None]:
    """Every quantity of the reference solution, and its final answer."""
    values: set[sp.Rational] = set()
    lines = [read_line(i, t) for i, t in enumerate(reference)]
    for rl in lines:
        values.update(rl.numbers)
        values.update(eq.left_value for eq in rl.equations)
        values.update(eq.right_value for eq in rl.equations)
    answer = next((rl.numbers[-1] for rl in reversed(lines) if rl.numbers), None)
    return values, answer


def step_checks(problem: str, reference: Sequence[str], student: Sequence[str]) -> list[StepCheck]:
    """Every step's checks, the final answer's line included."""
    given = problem_numbers(problem)
    ref_values, ref_answer = _reference_values(reference)
    out: list[StepCheck] = []
    seen: set[sp.Rational] = set()
    for i, text in enumerate(student):
        line = read_line(i, text)
        results = list(line.results)
        stated: list[sp.Rational] = []
        if not results:
            stated = [v for v in line.numbers if not _contains(given | seen, v)]
        off = tuple(v for v in results if not _contains(ref_values, v))
        known = given | ref_values | seen | _FREE_NUMBERS
        out.append(
            StepCheck(
                index=i,
                line=line,
                off=off,
                off_facts=tuple(v for v in off if _true_fact(line, v, given, "any")),
                stated_off=any(not _contains(ref_values, v) for v in stated),
                calculation=any(not eq.correct for eq in line.equations),
                foreign=bool(line.equations)
                and any(not _contains(known, v) for v in line.operands),
                reaches_answer=ref_answer is not None
                and any(v == ref_answer for v in (results or stated)),
                on_reference=bool(results) and not off,
                repeats=bool(line.equations)
                and any(_contains(seen, eq.right_value) for eq in line.equations)
                and not any(_contains(given, eq.right_value) for eq in line.equations),
            )
        )
        seen.update(line.numbers)
        seen.update(eq.left_value for eq in line.equations)
    return out


def step_features(
    problem: str, reference: Sequence[str], student: Sequence[str]
) -> list[dict[str, float]]:
    """One feature dict (keys: :data:`FEATURES`) per step of the student's solution."""
    checks = step_checks(problem, reference, student)
    n = len(checks)
    if n == 0:
        return []
    final = n - 1
    chain = answer_chain([c.line for c in checks]) or set(range(n))
    _, ref_answer = _reference_values(reference)
    final_numbers = checks[final].line.numbers
    final_wrong = not (ref_answer is not None and final_numbers and final_numbers[-1] == ref_answer)
    named = any(_LET_RE.search(s) for s in student)
    unknown_eq = [
        bool("=" in s and _UNKNOWN_EQUATION_RE.search(s) and not re.search(r"\bI\b", s))
        for s in student
    ]
    first_unknown = next((i for i, u in enumerate(unknown_eq) if u), None) if named else None
    is_off = [bool(c.off) or c.stated_off for c in checks]
    first_off = next((i for i, o in enumerate(is_off[:final]) if o), None)
    answer_at = next((c.index for c in checks[:final] if c.reaches_answer), None)
    working = sum(1 for c in checks[:final] if c.line.equations)
    rows: list[dict[str, float]] = []
    for c in checks:
        i = c.index
        row = {
            "bias": 1.0,
            "is_first": float(i == 0),
            "position": i / max(final, 1),
            "is_final": float(i == final),
            "is_last_working": float(i == final - 1),
            "no_numbers": float(not c.line.numbers),
            "has_arithmetic": float(bool(c.line.equations)),
            "off_path": float(bool(c.off)),
            "off_path_fact": float(bool(c.off) and len(c.off_facts) == len(c.off)),
            "off_stated": float(c.stated_off),
            "first_off": float(first_off == i),
            "earlier_off": float(first_off is not None and first_off < i),
            "next_off": float(i + 1 < final and is_off[i + 1]),
            "calculation": float(c.calculation),
            "foreign_number": float(c.foreign),
            "reaches_answer": float(c.reaches_answer and i < final),
            "after_answer": float(answer_at is not None and i > answer_at),
            "in_chain": float(i in chain),
            "on_reference": float(c.on_reference),
            "repeats_value": float(c.repeats),
            "unknown_named": float(named and bool(_LET_RE.search(student[i]))),
            "unknown_equation": float(named and unknown_eq[i]),
            "first_unknown_equation": float(first_unknown == i),
            "final_wrong": float(final_wrong and i == final),
            "working_lines": math.log1p(working) * float(i == final),
        }
        rows.append(row)
    return rows


def unit_signal(problem: str, reference: Sequence[str], student: Sequence[str]) -> float:
    """1.0 when the reference converts units (a unit word with its factor) and the student's
    working never does, else 0.0."""
    ref_numbers = [n for t in reference for n in read_line(0, t).numbers]
    ref_unit = _unit_hint(" ".join(reference), ref_numbers)
    student_numbers = [n for t in student for n in read_line(0, t).numbers]
    return float(bool(ref_unit) and _unit_hint(" ".join(student), student_numbers) is None)


@dataclass(frozen=True)
class StepRanker:
    """A linear score per step; the highest-scoring step is the first wrong step.

    ``weights`` maps feature names (:data:`FEATURES`) to weights; a missing name weighs 0.
    """

    weights: Mapping[str, float]

    def scores(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """The score of every step."""
        return [sum(self.weights.get(k, 0.0) * v for k, v in row.items()) for row in rows]

    def pick(self, rows: Sequence[Mapping[str, float]]) -> int | None:
        """The highest-scoring step (the earliest of ties); None for no steps."""
        if not rows:
            return None
        s = self.scores(rows)
        return max(range(len(s)), key=lambda i: (s[i], -i))
