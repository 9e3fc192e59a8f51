"""Diagnosing a student's written multi-step solution to a word problem.

Given the problem, a correct reference solution (one step a line) and the student's solution
(a list of steps, the last the final answer), :func:`diagnose_solution` names the first wrong
step, one of the seven error categories of the Verify-then-Generate dataset (see
:data:`CATEGORIES`), the knowledge points implicated and a one-line piece of evidence.

The method uses no language model. Every line is read for its arithmetic (``3 * 4 = 12``,
``$5 + $7 = $12``, ``30/100*2000 = 600``, percentages, number words) and checked with exact
sympy arithmetic; each number the student writes is aligned with the quantities of the problem
and of the reference solution:

* a line whose own arithmetic is wrong is a calculation slip;
* a line whose result matches the reference's final answer, followed by more working, means
  the student reached the answer and went on;
* a line that uses a number found neither in the problem, the reference nor the student's
  earlier lines brings in a quantity from nowhere (extra quantity, or a misread number);
* a line whose result appears neither in the problem nor in the reference went off the
  reference's path (a misunderstanding, a missing quantity, a wrong fact);
* in a solution that names an unknown (``Let x be …``), such an error is placed at the first
  equation in the unknown, where the set-up went wrong;
* unit words with the usual conversion factors (60, 12, 100, 1000, 16 …) in the first wrong
  line, or in the reference where the student has none, point to a unit conversion (off by
  default: cross-validation did not pick it).

Which of these signals locate the step, and the category each maps to, are the
:class:`SolutionSettings`; ``benchmarks/stepwise_errors.py`` chooses them by cross-validation
grouped by problem and reports the held-out figures in BENCHMARKS.md (first wrong step 45.8%
against 40.5% for the simple result baseline; the categories, 27.6%, are no better than always
naming the most common one (28.9%) — the teachers' categories are rarely visible in the numbers).
Settings tried and not chosen by that cross-validation stay available: excusing a result that
is a true fact of the problem (``excuse_facts``), looking only at the lines the final answer
depends on (``chain_only``), placing going-on-past-the-answer at the line that reached it
(``proceeded_at``). Two teachers who mark the same solution agree on its first wrong step only
52% of the time; on solutions where they all agree the method names their step 65% of the time.

The dataset the method was built on (its ``dev.json`` part): Verify-then-Generate dataset,
Daheim, Macina, Kapur, Gurevych, Sachan (2024), CC BY 4.0.

Label blindness: :func:`diagnose_record` drops every label field (:data:`LABEL_FIELDS`) before
the method sees a record, so a record with or without its teacher's labels gives the same
output.
"""

from __future__ import annotations

import ast
import functools
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

#: The dataset's seven error categories, exactly as written there.
CATEGORIES: tuple[str, ...] = (
    "Misunderstanding of a question",
    "Extra quantity or Missing quantity",
    "Missing / Wrong factual knowledge",
    "Calculation error easily solved by a calculator",
    "Unit conversion error",
    "Reached correct solution but proceeded further",
    "None of the above",
)
MISUNDERSTANDING, EXTRA_QUANTITY, FACTUAL, CALCULATION, UNIT, PROCEEDED, NONE_ABOVE = CATEGORIES

#: The fields a record must have; everything else is ignored.
INPUT_FIELDS: tuple[str, ...] = ("problem", "reference_solution", "student_incorrect_solution")

#: The teacher's labels: never read by the method (stripped by :func:`strip_labels`).
LABEL_FIELDS: tuple[str, ...] = (
    "incorrect_index",
    "incorrect_step",
    "error_category",
    "error_description",
    "student_correct_response",
    "dialog_history",
)

#: The signals a finding can carry: the checks of :data:`ALL_CHECKS`, then ``fallback`` (no
#: check fired, the final answer is wrong) and ``none`` (the final answer is right).
SIGNALS: tuple[str, ...] = (
    "calculation",
    "proceeded",
    "foreign_number",
    "off_path",
    "fallback",
    "none",
)


@dataclass(frozen=True)
class SolutionSettings:
    """The method's choices (chosen by grouped cross-validation on the dev file).

    ``signals``: which signals mark a step as wrong, in the order a step is tested.
    ``unit_override``: call the error a unit conversion when the wrong line (or the reference,
    where the student's line has no unit factor) shows unit words with a conversion factor.
    ``stated_results``: a line with no ``=`` whose numbers are new (``so there are 4
    machines``) is checked for those numbers as its results.
    ``excuse_detours``: a result the reference lacks is not an error when later lines that
    use it get back to a reference quantity (:func:`_detour`).
    ``algebra_setup``: in a solution that names an unknown (``Let x be …``), an error found
    after the first equation in the unknown is placed at that equation (the set-up), unless
    it is a calculation slip.
    ``given_results_ok``: a result equal to a number of the problem (not of the reference)
    is on the path; when False only the reference's quantities are.
    ``excuse_facts``: a result the reference lacks is still a true fact of the problem when
    the line computes it rightly from the problem's own numbers (``60 x 4 = 240`` miles in
    4 hours): ``"none"`` never excuses it, ``"one_step"`` excuses one operation on two
    numbers of the problem, ``"any"`` any arithmetic on numbers of the problem only.
    ``chain_only``: only the lines the final answer depends on (traced through the values
    each line takes from earlier lines) can be the first wrong step; a detour the answer
    never uses is not where the solution went wrong.
    ``proceeded_at``: where going on past the reference's answer is placed: ``"next"`` (the
    first line after the answer that computes more) or ``"reached"`` (the line that reached
    the answer, when later working goes on from it).
    ``fallback``: the step named when no signal fires — ``"last_working"`` (the last step
    before the final answer that computes something), ``"first_working"`` or ``"none"`` (null).
    ``category_of``: the category each signal maps to.
    """

    # The defaults are what grouped cross-validation on the dev file chose (see
    # benchmarks/stepwise_errors.py): a wrong computation or a result off the reference's
    # path locates the step; the other checks still decide the category of the step found.
    signals: tuple[str, ...] = ("calculation", "off_path")
    unit_override: bool = False
    stated_results: bool = True
    excuse_detours: bool = False
    algebra_setup: bool = True
    given_results_ok: bool = False
    excuse_facts: str = "none"
    chain_only: bool = False
    proceeded_at: str = "next"
    fallback: str = "last_working"
    category_of: Mapping[str, str] = field(
        default_factory=lambda: {
            "calculation": CALCULATION,
            "proceeded": PROCEEDED,
            "foreign_number": EXTRA_QUANTITY,
            "off_path": MISUNDERSTANDING,
            "fallback": MISUNDERSTANDING,
            "none": NONE_ABOVE,
        }
    )


DEFAULT_SETTINGS = SolutionSettings()

# ---------------------------------------------------------------------------------------------
# Reading numbers and arithmetic out of a line of text
# ---------------------------------------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
    "twice": 2,
    "double": 2,
    "doubled": 2,
    "triple": 3,
    "tripled": 3,
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fourth": 4,
    "fourths": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "tenths": 10,
    "week": 7,
    "weeks": 7,
    "year": 12,
    "hour": 60,
    "hours": 60,
    "minute": 60,
    "minutes": 60,
    "day": 24,
    "days": 24,
    "feet": 12,
    "foot": 12,
    "yard": 3,
    "yards": 3,
    "pound": 16,
    "pounds": 16,
}

#: Unit words and the conversion factors that go with them (for the unit-conversion category).
_UNIT_FACTORS: dict[str, tuple[int, ...]] = {
    "minute": (60,),
    "hour": (60, 24),
    "second": (60,),
    "day": (24, 7, 30, 365),
    "week": (7, 52),
    "month": (12, 30),
    "year": (12, 52, 365),
    "cent": (100,),
    "feet": (12, 3),
    "foot": (12, 3),
    "inch": (12,),
    "yard": (3, 36),
    "ounce": (16,),
    "pound": (16,),
    "gallon": (4, 128),
    "quart": (4,),
    "pint": (2,),
    "cup": (8,),
    "meter": (100, 1000),
    "metre": (100, 1000),
    "centimeter": (100,),
    "kilogram": (1000,),
    "gram": (1000,),
    "liter": (1000,),
    "litre": (1000,),
    "dozen": (12,),
    "mile": (5280,),
}

#: Small numbers a student may use without them being written anywhere (counting, halving,
#: percent as a hundredth).
_FREE_NUMBERS: frozenset[sp.Rational] = frozenset(sp.Rational(n) for n in (0, 1, 2, 100))

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
# not followed by a letter ("0.3x" is no "0"), nor by a decimal part the match left out
_NUMBER_RE = re.compile(rf"(?<![\w.])(?:{_DIGITS})(?![\w]|\.\d)")
_WORD_RE = re.compile(r"[a-z]+")
# Arithmetic allowed in an expression once the line is normalised.
_EXPR_CHARS = r"[\d.+\-*/()% ]"
_TRAILING_EXPR_RE = re.compile(rf"{_EXPR_CHARS}*$")
_LEADING_EXPR_RE = re.compile(rf"^{_EXPR_CHARS}*")


def _join_groups(m: re.Match[str]) -> str:
    """``80 000`` as ``80000`` (a match of digit groups separated by single spaces)."""
    return m.group(1) + m.group(2).replace(" ", "")


def _normalise(line: str) -> str:
    """One line with operators and numbers in plain ASCII arithmetic.

    ``$``, thousands commas and unit-less words between numbers are removed; ``x``/``×``
    between numbers becomes ``*``, ``÷`` becomes ``/``; mixed numbers ``1 1/2`` become
    ``(1+1/2)``.
    """
    s = line.replace("×", "*").replace("÷", "/").replace("−", "-").replace("–", "-")
    s = s.replace("$", "").replace("€", "").replace("£", "")
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    # "$80 000": a space as the thousands separator (a 1-3 digit group, then groups of 3)
    s = re.sub(r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?![\d,/]|\.\d)", _join_groups, s)
    s = s.replace("[", "(").replace("]", ")")
    # "4 weeks * 2 pounds per week = 8": unit words between a number and an operator
    s = re.sub(
        r"(?<=\d)\s+(?:[A-Za-z][A-Za-z'/]*\s+){0,3}?[A-Za-z][A-Za-z'/]*\s*(?=[+*/=-])", " ", s
    )
    s = re.sub(r"(?<=\d)\s*\(", " * (", s)  # "4(6)" is 4 times 6
    s = re.sub(r"(?<=[\d)%])\s+of\s+(?=[\d(.$])", " * ", s)  # "30% of 50", "2/3 of 63"
    # "3 x 4", "3x4", "(2) x (3)": x as a times sign between numbers or brackets
    s = re.sub(r"(?<=[\d)])\s*[xX]\s*(?=[\d(.$])", " * ", s)
    s = re.sub(r"(?<![\d.])(\d+) (\d+)/(\d+)(?![\d.])", r"(\1+\2/\3)", s)
    # "30%" inside arithmetic means a hundredth of 30
    s = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", s)
    return s


def _rational(text: str) -> sp.Rational | None:
    """An exact rational from a number written in a line (``1,200``, ``.5``, ``4.50``)."""
    text = text.replace(",", "")
    try:
        return sp.Rational(text)
    except (TypeError, ValueError, SyntaxError):
        return None


def _evaluate(expr: str) -> sp.Rational | None:
    """The exact value of a numeric expression (numbers, + - * /, brackets), else None."""
    expr = expr.strip()
    if not expr or len(expr) > 200:
        return None
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return None

    def walk(node: ast.AST) -> sp.Rational:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return sp.Rational(str(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, ast.Div):
                if b == 0:
                    raise ZeroDivisionError
                return a / b
        raise ValueError("not plain arithmetic")

    try:
        value = walk(tree)
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    return value if isinstance(value, sp.Rational) else None


def _balanced(expr: str) -> str:
    """``expr`` with unmatched brackets and dangling operators trimmed from its ends."""
    expr = expr.strip()
    changed = True
    while changed and expr:
        changed = False
        if expr.endswith("."):  # the full stop of the sentence, not a decimal point
            expr, changed = expr[:-1].strip(), True
            continue
        if expr[0] in "+*/)" or (expr[0] == "-" and len(expr) > 1 and expr[1] == " "):
            expr, changed = expr[1:].strip(), True
        elif expr[-1] in "+-*/(":
            expr, changed = expr[:-1].strip(), True
        depth_ok = expr.count("(") - expr.count(")")
        if depth_ok > 0 and expr.startswith("("):
            expr, changed = expr[1:].strip(), True
        elif depth_ok < 0 and expr.endswith(")"):
            expr, changed = expr[:-1].strip(), True
    return expr


@dataclass(frozen=True)
class Equation:
    """One ``left = right`` read from a line: ``left`` is arithmetic, ``right`` a number."""

    left: str
    left_value: sp.Rational
    right_text: str
    right_value: sp.Rational
    operands: tuple[sp.Rational, ...]

    @property
    def correct(self) -> bool:
        """Whether the left side equals the right as written (allowing the shown rounding)."""
        return _same(self.left_value, self.right_value, self.right_text)

    @property
    def operation(self) -> str:
        """The main operation of the left side: ``+``, ``-``, ``*``, ``/`` or ``%``."""
        if "/100)" in self.left:
            return "%"
        for op in ("/", "*", "-", "+"):
            if op in self.left:
                return op
        return ""


@dataclass(frozen=True)
class Line:
    """What a line of a solution says in numbers."""

    index: int
    text: str
    numbers: tuple[sp.Rational, ...]
    equations: tuple[Equation, ...]
    results: tuple[sp.Rational, ...] = ()

    @property
    def result(self) -> sp.Rational | None:
        """What the line computes: the last right-hand side, else its last number."""
        if self.equations:
            return self.equations[-1].right_value
        return None

    @property
    def operands(self) -> tuple[sp.Rational, ...]:
        """The numbers the line computes with (left-hand sides), else the numbers it states."""
        if self.equations:
            return tuple(v for eq in self.equations for v in eq.operands)
        return self.numbers


def _same(value: sp.Rational, shown: sp.Rational, shown_text: str = "") -> bool:
    """``value`` equals ``shown``, allowing ``shown`` to be ``value`` rounded as written."""
    if value == shown:
        return True
    decimals = len(shown_text.split(".")[1]) if "." in shown_text else 0
    tolerance = sp.Rational(1, 2 * 10**decimals) if decimals else sp.Rational(1, 2)
    if decimals == 0 and value.q == 1:
        return False  # an integer result must be shown exactly
    return bool(abs(value - shown) <= tolerance)


def _algebra(span: str, beside: str, at_start: bool) -> bool:
    """Whether a numeric ``span`` is only part of an expression with an unknown beside it.

    ``beside`` is the text before a left side (``at_start`` False) or after a right side.
    """
    attached = bool(span) and not (span[-1] if at_start else span[0]).isspace()
    span = span.strip()
    if not span:
        return False
    if at_start:
        if span[-1] in "+-*/(" or (attached and beside[:1].isalpha()):
            return True
        word = re.match(r"\s*([A-Za-z]+)", beside)
    else:
        if span[0] in "+*/)" or (span[0] == "-" and beside.strip()[-1:].isalnum()):
            return True
        if attached and beside[-1:].isalpha():
            return True
        word = re.search(r"([A-Za-z]+)\s*$", beside)
    return bool(word and len(word.group(1)) == 1 and word.group(1) not in "aAI")


@functools.lru_cache(maxsize=4096)
def read_line(index: int, text: str) -> Line:
    """Numbers and ``left = right`` equations of one line of working (cached: pure)."""
    s = _normalise(text)
    numbers = tuple(v for v in (_rational(m) for m in _NUMBER_RE.findall(s)) if v is not None)
    parts = s.split("=")
    equations: list[Equation] = []
    for left_part, right_part in itertools.pairwise(parts):
        left_match = _TRAILING_EXPR_RE.search(left_part)
        right_match = _LEADING_EXPR_RE.search(right_part)
        left_raw = left_match.group(0) if left_match else ""
        right_raw = right_match.group(0) if right_match else ""
        before = left_part[: len(left_part) - len(left_raw)]
        after = right_part[len(right_raw) :]
        if _algebra(left_raw, before, at_start=False) or _algebra(right_raw, after, at_start=True):
            continue  # "x + 35 = 105", "2x = 14": algebra with unknowns, not arithmetic
        left = _balanced(left_raw)
        right = _balanced(right_raw)
        right_numbers = _NUMBER_RE.findall(right)
        if not left or not right_numbers or not re.search(r"\d\s*[-+*/]\s*[\d(.]", left):
            continue  # "half of 30 = 15": a bare number on the left claims no arithmetic
        left_value = _evaluate(left)
        right_value = _evaluate(right)
        if left_value is None or right_value is None:
            continue
        operands = tuple(
            v for v in (_rational(m) for m in _NUMBER_RE.findall(left)) if v is not None
        )
        equations.append(Equation(left, left_value, right_numbers[-1], right_value, operands))
    # every number written straight after "=", arithmetic or algebra ("x = 30"): what the
    # line claims to have found
    results = tuple(
        v
        # "= 2x + 6": a coefficient of an unknown is not a result
        for v in (
            _rational(m) for m in re.findall(rf"=\s*\(?\s*-?\s*({_DIGITS})(?![\d.]*[A-Za-z(])", s)
        )
        if v is not None
    )
    return Line(index, text, numbers, tuple(equations), results)


def problem_numbers(text: str) -> frozenset[sp.Rational]:
    """Every quantity a problem states (see :func:`_problem_numbers`); cached."""
    return _problem_numbers(text)


@functools.lru_cache(maxsize=1024)
def _problem_numbers(text: str) -> frozenset[sp.Rational]:
    """Every quantity a problem states: numerals, number words, fractions and percents.

    A fraction word adds both the count and its unit fraction (``a sixth`` → 6 and 1/6); a
    percent adds both 30 and 3/10.
    """
    s = _normalise(text.lower())
    found: set[sp.Rational] = set()
    for m in _NUMBER_RE.findall(s):
        v = _rational(m)
        if v is not None:
            found.add(v)
    for m in re.findall(r"\((\d+(?:\.\d+)?)/100\)", s):
        v = _rational(m)
        if v is not None:
            found.add(v / 100)
    for a, b in re.findall(r"(\d+)/(\d+)", s):
        if int(b):
            found.add(sp.Rational(int(a), int(b)))
    for word in _WORD_RE.findall(s):
        if word in _NUMBER_WORDS:
            n = sp.Rational(_NUMBER_WORDS[word])
            found.add(n)
            if n:
                found.add(1 / n)
    return frozenset(found)


def _contains(values: Iterable[sp.Rational], v: sp.Rational) -> bool:
    """``v`` is among ``values`` (exactly, or to the cent, as money is written)."""
    return any(v == w or abs(v - w) < sp.Rational(1, 200) for w in values)


def _unit_hint(text: str, numbers: Iterable[sp.Rational]) -> str | None:
    """The unit word of ``text`` whose conversion factor appears among ``numbers``."""
    words = set(_WORD_RE.findall(text.lower()))
    nums = set(numbers)
    for unit, factors in _UNIT_FACTORS.items():
        if any(w.startswith(unit) for w in words) and any(sp.Rational(f) in nums for f in factors):
            return unit
    return None


# ---------------------------------------------------------------------------------------------
# Knowledge points
# ---------------------------------------------------------------------------------------------


_FACT_KPS = {
    0: "mult_div.facts_0_1",
    1: "mult_div.facts_0_1",
    2: "mult_div.facts_2_5_10",
    5: "mult_div.facts_2_5_10",
    10: "mult_div.facts_2_5_10",
    3: "mult_div.facts_3_4_6",
    4: "mult_div.facts_3_4_6",
    6: "mult_div.facts_3_4_6",
    7: "mult_div.facts_7_8_9",
    8: "mult_div.facts_7_8_9",
    9: "mult_div.facts_7_8_9",
}


def _arithmetic_kp(equation: Equation) -> str:
    """The knowledge point of a wrong computation: the fact, or the written method it needs.

    ``3 * 4 = 13`` is a multiplication fact (the harder factor's table); ``47 + 38 = 75`` is
    two-digit addition; decimals and percentages have points of their own.
    """
    op, nums = equation.operation, equation.operands
    whole = all(v.q == 1 and v >= 0 for v in nums) and "." not in equation.left
    if op == "%":
        return "percent.percent_of_quantity"
    if not whole:
        return {
            "+": "decimals.add",
            "-": "decimals.subtract",
            "*": "decimals.multiply",
        }.get(op, "decimals.divide_by_whole")
    big = max((int(v) for v in nums), default=0)
    if op == "*":
        if len(nums) == 2 and big <= 10:
            hard = max(int(v) for v in nums if int(v) in _FACT_KPS)
            return _FACT_KPS[hard]
        return "mult_div.multiply_multidigit"
    if op == "/":
        if len(nums) == 2 and nums[1] <= 10 and equation.left_value <= 10:
            return "mult_div.division_facts"
        return "mult_div.long_division_fluency"
    if op == "-":
        if big <= 20:
            return "whole_ops.subtract_within_20"
        return "whole_ops.subtract_within_1000" if big < 1000 else "whole_ops.subtract_multidigit"
    if big <= 20:
        return "whole_ops.fluency_within_20"
    return "whole_ops.add_within_1000" if big < 1000 else "whole_ops.add_multidigit"


def _kps_for(signal: str, category: str, equation: Equation | None, unit: str | None) -> list[str]:
    """Knowledge points of the default curriculum a diagnosis implicates (may be empty)."""
    kps: list[str] = []
    if category == UNIT or unit:
        kps.append("measurement.unit_conversion")
    if signal == "calculation" and equation is not None:
        kps.append(_arithmetic_kp(equation))
    elif category in (MISUNDERSTANDING, EXTRA_QUANTITY, PROCEEDED):
        kps.append("mult_div.multistep_word_problems")
    if equation is not None and equation.operation == "%" and "percent." not in " ".join(kps):
        kps.append("percent.percent_of_quantity")
    return list(dict.fromkeys(kps))


# ---------------------------------------------------------------------------------------------
# The diagnosis
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """The first wrong step found, the signal that found it, and the evidence in words."""

    step: int | None
    signal: str
    evidence: str
    equation: Equation | None = None


def _fmt(v: sp.Rational) -> str:
    """A number as a student would write it."""
    if v.q == 1:
        return str(v.p)
    return f"{float(v):.4g}"


def _detour(
    index: int, values: Sequence[sp.Rational], lines: Sequence[Line], ref_values: set[sp.Rational]
) -> bool:
    """Whether quantities the reference lacks are a harmless detour.

    They are when a later line that uses one of them gets back onto the reference's path
    (``600 + 600 = 1200`` where the reference has 1200), directly or through further lines.
    """
    final = len(lines) - 1
    frontier = set(values)
    for later in lines[index + 1 : final]:
        if not any(_contains(frontier, v) for v in later.operands or later.numbers):
            continue
        if any(_contains(ref_values, v) for v in later.results):
            return True
        frontier.update(later.results)
    return False


def _true_fact(line: Line, value: sp.Rational, given: frozenset[sp.Rational], kind: str) -> bool:
    """Whether ``line`` gets ``value`` by right arithmetic on the problem's numbers alone.

    ``kind`` ``"one_step"``: one operation on two numbers; ``"any"``: any arithmetic. Such a
    value is a true fact of the problem even when the reference never needs it.
    """
    known = given | _FREE_NUMBERS
    for eq in line.equations:
        if eq.right_value != value or not eq.correct:
            continue
        if kind == "one_step" and len(eq.operands) != 2:
            continue
        if all(_contains(known, v) for v in eq.operands):
            return True
    return False


def answer_chain(lines: Sequence[Line]) -> set[int] | None:
    """The lines the final answer depends on, traced back through values.

    A line depends on the latest earlier line that produced a value it computes with (its
    left-hand operands, or the numbers it states when it has no arithmetic). None when the
    final answer comes from no line (then every line counts).
    """
    if not lines:
        return None
    producer: dict[sp.Rational, int] = {}
    needs: list[set[int]] = []
    for line in lines:
        inputs = line.operands if line.equations else line.numbers
        needs.append({producer[v] for v in inputs if v in producer})
        made = list(line.results) or [v for v in line.numbers if v not in producer]
        for v in made:
            producer[v] = line.index
    final = len(lines) - 1
    start = needs[final]
    if not start:
        return None
    chain: set[int] = set()
    todo = list(start)
    while todo:
        i = todo.pop()
        if i in chain:
            continue
        chain.add(i)
        todo.extend(needs[i])
    return chain


ALL_CHECKS: tuple[str, ...] = ("calculation", "proceeded", "foreign_number", "off_path")


_LET_RE = re.compile(
    r"\b(?:let|call|represent|assume)\b.*(?:\"[a-zA-Z]\"|\b[a-zA-Z]\b(?: be| =| is|\.|,))",
    re.IGNORECASE,
)
_UNKNOWN_EQUATION_RE = re.compile(r"\d\s*[a-zA-Z]\b|\b[a-zA-Z]\s*[-+*/=]|[-+*/=]\s*[a-zA-Z]\b")


def _algebra_setup(student: Sequence[str]) -> int | None:
    """The first line with an equation in an unknown, when the student names one (``Let x
    be …``); None for a solution in plain arithmetic."""
    if not any(_LET_RE.search(step) for step in student):
        return None
    for i, step in enumerate(student[:-1]):
        if "=" in step and _UNKNOWN_EQUATION_RE.search(step) and not re.search(r"\bI\b", step):
            return i
    return None


def line_findings(
    problem: str,
    reference: Sequence[str],
    student: Sequence[str],
    settings: SolutionSettings = DEFAULT_SETTINGS,
) -> list[list[Finding]]:
    """For every step before the final answer, each check of :data:`ALL_CHECKS` that fires.

    The checks see only the problem, the reference and the student's earlier lines.
    """
    given = problem_numbers(problem)
    ref_lines = [read_line(i, t) for i, t in enumerate(reference)]
    ref_values: set[sp.Rational] = set()
    for rl in ref_lines:
        ref_values.update(rl.numbers)
        ref_values.update(eq.left_value for eq in rl.equations)
        ref_values.update(eq.right_value for eq in rl.equations)
    ref_answer = next((rl.numbers[-1] for rl in reversed(ref_lines) if rl.numbers), None)
    lines = [read_line(i, t) for i, t in enumerate(student)]
    final = len(lines) - 1
    chain = answer_chain(lines) if settings.chain_only else None
    seen: set[sp.Rational] = set()
    reached_at: int | None = None
    out: list[list[Finding]] = []
    for line in lines[:final] if final > 0 else lines:
        found: list[Finding] = []
        last_eq = line.equations[-1] if line.equations else None
        bad = next((eq for eq in line.equations if not eq.correct), None)
        if bad is not None:
            found.append(
                Finding(
                    line.index,
                    "calculation",
                    f"step {line.index}: {bad.left} is {_fmt(bad.left_value)}, "
                    f"not {bad.right_text}",
                    bad,
                )
            )
        if (
            settings.proceeded_at == "reached"
            and reached_at is None
            and ref_answer is not None
            and ref_answer in line.results
            and any(later.results for later in lines[line.index + 1 : final])
        ):
            found.append(
                Finding(
                    line.index,
                    "proceeded",
                    f"step {line.index} reaches the answer {_fmt(ref_answer)}, and the "
                    "later steps go on past it",
                    last_eq,
                )
            )
        if settings.proceeded_at == "next" and reached_at is not None and line.results:
            found.append(
                Finding(
                    line.index,
                    "proceeded",
                    f"step {reached_at} already reached the answer "
                    f"{_fmt(ref_answer or sp.Rational(0))}; step {line.index} goes on",
                    last_eq,
                )
            )
        known = given | ref_values | seen | _FREE_NUMBERS
        foreign = [v for v in line.operands if not _contains(known, v)]
        if foreign and line.equations:
            found.append(
                Finding(
                    line.index,
                    "foreign_number",
                    f"step {line.index} uses {_fmt(foreign[0])}, a number found neither "
                    "in the problem, the reference solution nor the earlier steps",
                    last_eq,
                )
            )
        results = list(line.results)
        if settings.stated_results and not results:
            # "so he has 4 machines": a number stated for the first time is a result
            results = [v for v in line.numbers if not _contains(given | seen, v)]
        on_path = given | ref_values if settings.given_results_ok else ref_values
        off = [v for v in results if not _contains(on_path, v)]
        if off and settings.excuse_detours and _detour(line.index, off, lines, ref_values):
            off = []
        if off and settings.excuse_facts != "none":
            off = [v for v in off if not _true_fact(line, v, given, settings.excuse_facts)]
        if off and chain is not None and line.index not in chain:
            off = []
        if off:
            found.append(
                Finding(
                    line.index,
                    "off_path",
                    f"step {line.index} gets {_fmt(off[0])}, a quantity neither the "
                    "problem nor the reference solution has",
                    last_eq,
                )
            )
        out.append(found)
        seen.update(line.numbers)
        seen.update(eq.left_value for eq in line.equations)
        if reached_at is None and ref_answer is not None and ref_answer in line.results:
            reached_at = line.index
    return out


def find_first_wrong(
    problem: str,
    reference: Sequence[str],
    student: Sequence[str],
    settings: SolutionSettings = DEFAULT_SETTINGS,
    per_line: Sequence[Sequence[Finding]] | None = None,
) -> Finding:
    """The first step that one of ``settings.signals`` marks as wrong, with the reason.

    When none does: null if the final answer matches the reference's, else the
    ``settings.fallback`` step. ``per_line``: :func:`line_findings` of the same arguments,
    when the caller has them already.
    """
    if per_line is None:
        per_line = line_findings(problem, reference, student, settings)
    setup = _algebra_setup(student) if settings.algebra_setup else None
    for findings in per_line:
        for signal in settings.signals:
            hit = next((f for f in findings if f.signal == signal), None)
            if hit is not None:
                if setup is not None and setup < (hit.step or 0) and signal != "calculation":
                    return Finding(
                        setup,
                        "off_path",
                        f"step {setup} sets up the equation in an unknown that the later "
                        f"steps solve; {hit.evidence}",
                        hit.equation,
                    )
                return hit
    lines = [read_line(i, t) for i, t in enumerate(student)]
    ref_numbers = [n for t in reference for n in read_line(0, t).numbers]
    ref_answer = ref_numbers[-1] if ref_numbers else None
    final = len(lines) - 1
    final_numbers = lines[final].numbers if lines else ()
    if ref_answer is not None and final_numbers and final_numbers[-1] == ref_answer:
        return Finding(None, "none", "the final answer matches the reference solution's")
    working = [ln.index for ln in lines[:final] if ln.equations]
    if settings.fallback == "none" or not lines:
        return Finding(None, "fallback", "no step shows an error the checks can see")
    if settings.fallback == "first_working" and working:
        step = working[0]
    elif working:
        step = working[-1]
    else:
        step = max(final - 1, 0)
    return Finding(
        step,
        "fallback",
        "no step's arithmetic or quantities are off; the final answer "
        f"differs from the reference's, so step {step} is the likely place",
    )


def diagnose_solution(
    problem: str,
    reference_solution: str,
    student_solution: Sequence[str],
    settings: SolutionSettings = DEFAULT_SETTINGS,
) -> dict[str, Any]:
    """Diagnose one written solution.

    Returns ``{"first_wrong_step": int | None, "category": str, "kps": [str],
    "evidence": str}``; ``category`` is one of :data:`CATEGORIES`. ``first_wrong_step`` is
    null when the final answer matches the reference solution's and nothing else is off.
    The step is the first that ``settings.signals`` mark; its category comes from every
    check of that step (a wrong sum there is a calculation error even when the step was
    found because its result is off the reference's path).
    """
    return diagnose_with_signal(problem, reference_solution, student_solution, settings)[0]


def diagnose_with_signal(
    problem: str,
    reference_solution: str,
    student_solution: Sequence[str],
    settings: SolutionSettings = DEFAULT_SETTINGS,
) -> tuple[dict[str, Any], str]:
    """:func:`diagnose_solution`'s answer and the signal that located the step (one of
    :data:`SIGNALS`; the benchmark learns categories per signal)."""
    reference = [ln for ln in reference_solution.splitlines() if ln.strip()]
    per_line = line_findings(problem, reference, student_solution, settings)
    finding = find_first_wrong(problem, reference, student_solution, settings, per_line)
    step_findings: Sequence[Finding] = []
    if finding.step is not None and finding.step < len(per_line):
        step_findings = per_line[finding.step]
    # the strongest evidence at that step decides the category, in the order of ALL_CHECKS
    main = next((f for check in ALL_CHECKS for f in step_findings if f.signal == check), finding)
    category = settings.category_of.get(main.signal, MISUNDERSTANDING)
    evidence = "; ".join(dict.fromkeys([main.evidence, finding.evidence]))
    unit: str | None = None
    if settings.unit_override and finding.step is not None and main.signal != "calculation":
        line = read_line(finding.step, student_solution[finding.step])
        unit = _unit_hint(line.text, line.numbers)
        unit_note = f"step {finding.step} works with {unit}s and a conversion factor"
        if unit is None:
            ref_numbers = [n for t in reference for n in read_line(0, t).numbers]
            ref_unit = _unit_hint(" ".join(reference), ref_numbers)
            student_numbers = [n for t in student_solution for n in read_line(0, t).numbers]
            if ref_unit and _unit_hint(" ".join(student_solution), student_numbers) is None:
                unit = ref_unit
                unit_note = f"the reference converts {unit}s and the student never does"
        if unit is not None:
            category = UNIT
            evidence += f"; {unit_note}"
    diagnosis = {
        "first_wrong_step": finding.step,
        "category": category,
        "kps": _kps_for(main.signal, category, main.equation, unit),
        "evidence": evidence,
    }
    return diagnosis, finding.signal


def strip_labels(record: Mapping[str, Any]) -> dict[str, Any]:
    """Only the input fields of a record: the teacher's labels never reach the method."""
    return {k: record[k] for k in INPUT_FIELDS if k in record}


def diagnose_record(
    record: Mapping[str, Any], settings: SolutionSettings = DEFAULT_SETTINGS
) -> dict[str, Any]:
    """Diagnose a dataset-layout record (``problem``, ``reference_solution``,
    ``student_incorrect_solution``); label fields are stripped first and never read."""
    clean = strip_labels(record)
    return diagnose_solution(
        str(clean["problem"]),
        str(clean["reference_solution"]),
        [str(s) for s in clean["student_incorrect_solution"]],
        settings,
    )
