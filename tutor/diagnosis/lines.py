"""A student's shown working, checked line by line (issue 20).

Every line of the working that states a relation is read and checked with exact sympy
arithmetic through the safe answer parser (:func:`tutor.content.answers.parse_answer`,
never ``eval``): an equation ``2/5 + 1/10 = 1/2``, a chain ``2/5 + 1/10 = 4/10 + 1/10 =
5/10``, a line that goes on from the one before (``= 5/10``), comparisons (``1/5 > 1/12``),
with fractions, mixed numbers (``1 1/2``, ``1又1/2``), decimals, ``×``/``÷``/``·``, a unicode
minus, full-width characters (``２／５＋１／１０＝３／１５``), a label in front (``Step 2:``,
``第2步：``, ``2)``) and ``3 x 4`` for a product. Lines that cannot be read (prose, units)
are passed over: only what can be proved wrong is called wrong.

:func:`first_wrong_line` gives the first wrong line as a :class:`WrongLine`: its number
(1-based, counting the lines that are not blank, as the student sees them), the line as
typed, the side that went wrong, the value it should have had — the exact value of the
left side of the false link, written the way the line writes numbers (a decimal for a
line in decimals, a mixed number for one in mixed numbers) — and, when a buggy rule of the
misconception library explains the wrong value, the misconception (``2/5 + 1/10 = 3/15``
is adding across: :data:`LINE_RULES`). A line in the unknown of an equation or inequality
item is wrong when its solutions differ from the item's (then there is no value to give);
a line of an expression item (``3(x + 2) = 3x + 2``) is wrong when the two sides are not
the same expression, and its value is the left side multiplied out.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from tutor.content.answers import (
    MAX_ANSWER_CHARS,
    AnswerPolicy,
    UnreadableAnswer,
    check_answer,
    normalize,
    parse_answer,
)
from tutor.content.items import Item
from tutor.errors import InputError

__all__ = ["LINE_RULES", "MAX_WORKING_LINES", "WrongLine", "first_wrong_line", "read_lines"]

#: Working longer than this many lines is cut (a child's working is a few lines).
MAX_WORKING_LINES = 30

_RELATION = re.compile(r"(<=|>=|<|>|=)")


@dataclass(frozen=True)
class WrongLine:
    """The first wrong line of a student's working."""

    #: 1-based, counting the lines that are not blank (what the student calls "line 2")
    line: int
    #: the line as the student typed it (stripped)
    text: str
    #: the side that is wrong, as written (``3/15``); for a comparison, the whole line
    wrote: str
    #: what it should have been: the exact value of the left side (``1/2``); for a
    #: comparison the line with the right sign; None for a line in an equation's unknown.
    #: It may be the item's answer: a page words it through the ``working`` text plan,
    #: which holds such a value back until the student has the answer
    expected: str | None
    #: the buggy rule that gives exactly the wrong value, if one does (a misconception id)
    misconception: str | None
    #: the knowledge point of the worked step the line attempted
    kp: str | None = None

    def to_json(self) -> dict[str, object]:
        """``{"line", "text", "wrote", "expected", "misconception", "kp"}``."""
        return {
            "line": self.line,
            "text": self.text,
            "wrote": self.wrote,
            "expected": self.expected,
            "misconception": self.misconception,
            "kp": self.kp,
        }


# --------------------------------------------------------------------------------------------
# Reading a line
# --------------------------------------------------------------------------------------------

# "Step 2:", "第2步：", "2)", "(2)", "2、", "2. " (a dot followed by a space: "2.5" is a number)
_LABEL = re.compile(
    r"^\s*(?:step\s*\d+\s*[:.)]?|第\s*\d+\s*步\s*[:：]?|\(\d+\)|\d+\s*[)、]|\d+\.\s+)\s*",
    re.IGNORECASE,
)
_MIXED_ZH = re.compile(r"(\d)\s*又\s*(?=\d)")  # 1又1/2 → 1 1/2
_PARTS_ZH = re.compile(r"(\d+)\s*分之\s*(\d+)")  # 2分之1 → 1/2
_TIMES_X = re.compile(r"(?<=\d)\s*[xX]\s*(?=\d)")  # 3 x 4 → 3 × 4
# A number as written: a mixed number, a fraction, a decimal or a whole number.
_NUMBER = r"(?:\d+\s+\d+\s*/\s*\d+|\d+\s*/\s*\d+|\d+\.\d+|\.\d+|\d+)"
_FRACTION_LITERAL = re.compile(r"(?<![\d.)/])(\d+\s+\d+\s*/\s*\d+|\d+\s*/\s*\d+)(?![\d.(/])")
_LONE_LETTER = re.compile(r"(?<![A-Za-z])[a-z](?![A-Za-z])")
_GLUED = re.compile(r"(?<=[\d)])([a-z]{1,3})(?![A-Za-z(])")


def _clean(line: str) -> str:
    """A line in the syntax the parser reads, ``÷`` kept (see :func:`_side_value`)."""
    text = unicodedata.normalize("NFKC", line)
    text = _LABEL.sub("", text, count=1)
    text = _MIXED_ZH.sub(r"\1 ", text)
    text = _PARTS_ZH.sub(r"\2/\1", text)
    text = _TIMES_X.sub(" × ", text)
    for sign in "\u2212\u2013\u2014\ufe63":
        text = text.replace(sign, "-")
    for sign in "·⋅∙*":
        text = text.replace(sign, "×")
    return " ".join(text.split())


def _letters(text: str) -> tuple[str, ...]:
    stripped = re.sub(r"sqrt|pi", "", text)
    found = set(_LONE_LETTER.findall(stripped))
    for m in _GLUED.finditer(stripped):
        found.update(m.group(1))
    return tuple(sorted(found))


def _side_value(side: str, letters: tuple[str, ...]) -> Any:
    """The exact value of one side. Fractions and mixed numbers are bracketed first, so
    that ``3/4 ÷ 1/2`` is (3/4) ÷ (1/2), as a child means it (the parser alone would read
    3/4/1/2)."""
    bracketed = _FRACTION_LITERAL.sub(r"(\1)", side)
    parsed = parse_answer(bracketed, variables=letters)
    if parsed.kind not in ("number", "expression"):
        raise ValueError(f"{side!r} is not a value")
    return parsed.value


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    sides: tuple[str, ...]
    relations: tuple[str, ...]
    values: tuple[Any, ...]


def read_lines(working: str) -> list[tuple[int, str, _Line | None]]:
    """Each line that is not blank: its number, its text and, when it states a relation
    that can be read, its sides and their values (None otherwise). A line that starts with
    ``=`` goes on from the last side of the line before it."""
    found: list[tuple[int, str, _Line | None]] = []
    lines = [ln.strip() for ln in working.splitlines() if ln.strip()][:MAX_WORKING_LINES]
    previous: str | None = None
    for number, raw in enumerate(lines, 1):
        text = _clean(raw)
        if text.startswith(("=", "<", ">")) and previous is not None:
            text = f"{previous} {text}"
        read = _read(number, raw, text)
        found.append((number, raw, read))
        previous = read.sides[-1] if read is not None else None
    return found


def _read(number: int, raw: str, text: str) -> _Line | None:
    if len(text) > MAX_ANSWER_CHARS or not _RELATION.search(text):
        return None
    pieces = _RELATION.split(text)
    sides = tuple(p.strip() for p in pieces[0::2])
    relations = tuple(pieces[1::2])
    if any(not s for s in sides):
        return None
    letters = _letters(text)
    try:
        values = tuple(_side_value(s, letters) for s in sides)
    except (UnreadableAnswer, InputError, ValueError, TypeError, ZeroDivisionError):
        return None
    return _Line(number, raw, sides, relations, values)


# --------------------------------------------------------------------------------------------
# Judging a line
# --------------------------------------------------------------------------------------------

_HOLDS: dict[str, Callable[[Any], bool]] = {
    "=": lambda d: bool(d == 0),
    "<": lambda d: bool(d.is_negative),
    "<=": lambda d: bool(d.is_nonpositive),
    ">": lambda d: bool(d.is_positive),
    ">=": lambda d: bool(d.is_nonnegative),
}


def _numeric(value: Any) -> bool:
    return not getattr(value, "free_symbols", set())


def _lone_symbol(value: Any) -> bool:
    return isinstance(value, sp.Symbol)


def _judge(line: _Line, item: Item) -> tuple[int, str | None] | None:
    """``(k, expected)`` for the first false link ``k`` of the line (``expected``: what
    its right side should have been), None when the line holds or cannot be judged."""
    solving = _RELATION.search(item.answer) is not None
    for k, relation in enumerate(line.relations):
        a, b = line.values[k], line.values[k + 1]
        if _numeric(a) and _numeric(b):
            diff = sp.nsimplify(a - b) if not (a - b).is_Rational else a - b
            if _HOLDS[relation](diff):
                continue
            if relation == "=":
                return k, _written(a, line.sides[k + 1], line.sides[k])
            right = next(r for r in ("<", "=", ">") if _HOLDS[r](diff))
            return k, f"{line.sides[k]} {right} {line.sides[k + 1]}"
        if solving:
            # A line of an equation's working is right when it has the same solutions.
            claim = f"{line.sides[k]} {relation} {line.sides[k + 1]}"
            try:
                status = check_answer(claim, item.answer, AnswerPolicy()).status
            except (UnreadableAnswer, InputError, ValueError, TypeError):
                return None
            if status == "incorrect":
                return k, None
            if status != "correct":
                return None
            continue
        if relation != "=" or (k == 0 and _lone_symbol(a)):
            continue  # "n = 12" names a quantity; comparisons in letters are not judged
        if sp.expand(a - b) != 0:
            return k, _expression(sp.expand(a))
    return None


def _written(value: Any, wrong: str, left: str) -> str:
    """``value`` written the way the wrong side ``wrong`` writes its number (a decimal for
    ``0.28``, a mixed number for ``2 1/6``, a fraction for ``3/15``); for a whole number
    there, the way the left side writes its numbers."""
    q = Fraction(int(sp.numer(value)), int(sp.denom(value)))
    if q.denominator == 1:
        return str(q.numerator)
    den = q.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    like = wrong if re.search(r"[./]", wrong) else left
    if re.search(r"\d\.\d", like) and den == 1:
        text = f"{float(q):.12f}".rstrip("0")
        return text.rstrip(".")
    if re.search(r"\d\s+\d+\s*/\s*\d", like) and abs(q) > 1:
        whole = int(abs(q))
        rest = abs(q) - whole
        sign = "-" if q < 0 else ""
        return f"{sign}{whole} {rest.numerator}/{rest.denominator}"
    return f"{q.numerator}/{q.denominator}"


def _expression(value: Any) -> str:
    """An expression as a student writes it: ``3x + 6``, ``x^2``."""
    text = str(value).replace("**", "^")
    return re.sub(r"(\d)\*([a-z(])", r"\1\2", text).replace("*", "·")


# --------------------------------------------------------------------------------------------
# Buggy rules on a line: which misconception gives exactly the wrong value
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Num:
    """A number as the student wrote it (``4/10`` keeps its 4 and 10)."""

    value: Fraction
    num: int | None = None
    den: int | None = None
    whole: int | None = None
    places: int = 0

    @property
    def fraction(self) -> bool:
        return self.den is not None

    @property
    def integer(self) -> bool:
        return self.den is None and self.places == 0


_OPERAND = re.compile(
    rf"\s*(\(\s*-\s*{_NUMBER}\s*\)|-?\s*{_NUMBER})\s*"
)  # a number, or a negative one in brackets
_OPERATOR = re.compile(r"\s*([-+×÷^])\s*")


def _number(text: str) -> _Num:
    text = text.strip().strip("()").replace(" ", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("-")
    if "/" in text:
        top, bottom = text.split("/")
        return _Num(sign * Fraction(int(top), int(bottom)), sign * int(top), int(bottom))
    if "." in text:
        return _Num(sign * Fraction(text), places=len(text.split(".")[1]))
    return _Num(Fraction(sign * int(text)))


def _operand(text: str) -> _Num:
    body = text.strip().strip("()").strip()
    m = re.fullmatch(r"(-?)\s*(\d+)\s+(\d+)\s*/\s*(\d+)", body)
    if m:  # a mixed number: 2 1/3
        sign = -1 if m.group(1) else 1
        whole, num, den = int(m.group(2)), int(m.group(3)), int(m.group(4))
        return _Num(sign * (whole + Fraction(num, den)), num, den, whole)
    return _number(body)


def _structure(side: str) -> tuple[list[_Num], list[str]] | None:
    """A side as numbers and operators (``2/5 + 1/10`` → [2/5, 1/10], [+]); None when it
    is not such a plain calculation (brackets, letters)."""
    numbers: list[_Num] = []
    operators: list[str] = []
    pos = 0
    while True:
        m = _OPERAND.match(side, pos)
        if m is None:
            return None
        try:
            numbers.append(_operand(m.group(1)))
        except (ValueError, ZeroDivisionError):
            return None
        pos = m.end()
        if pos == len(side):
            return numbers, operators
        op = _OPERATOR.match(side, pos)
        if op is None:
            return None
        operators.append(op.group(1))
        pos = op.end()


def _column_add(a: int, b: int, *, concatenate: bool) -> int | None:
    da, db = [int(c) for c in reversed(str(a))], [int(c) for c in reversed(str(b))]
    width = max(len(da), len(db))
    da += [0] * (width - len(da))
    db += [0] * (width - len(db))
    sums = [x + y for x, y in zip(da, db, strict=True)]
    if all(s < 10 for s in sums):
        return None
    if concatenate:
        return int("".join(str(s) for s in reversed(sums)))
    return int(sum(s % 10 * 10**k for k, s in enumerate(sums)))


def _column_smaller_from_larger(a: int, b: int) -> int | None:
    top, bottom = [int(c) for c in reversed(str(a))], [int(c) for c in reversed(str(b))]
    if len(bottom) > len(top):
        return None
    bottom += [0] * (len(top) - len(bottom))
    if all(t >= u for t, u in zip(top, bottom, strict=True)):
        return None
    return int(sum(abs(t - u) * 10**k for k, (t, u) in enumerate(zip(top, bottom, strict=True))))


def _binary(a: _Num, op: str, b: _Num) -> list[tuple[str, Fraction | None]]:
    """``(misconception id, the value the buggy rule gives)`` for ``a op b``."""
    out: list[tuple[str, Fraction | None]] = []
    fractions = a.fraction and b.fraction and a.whole is None and b.whole is None
    if op in "+-" and fractions:
        assert a.num is not None and a.den is not None and b.num is not None and b.den is not None
        sign = 1 if op == "+" else -1
        if op == "+":
            out.append(("mc.frac_add_across", Fraction(a.num + b.num, a.den + b.den)))
        elif a.den != b.den and a.num != b.num:
            out.append(("mc.frac_sub_across", Fraction(abs(a.num - b.num), abs(a.den - b.den))))
        if a.den != b.den:
            common = math.lcm(a.den, b.den)
            out.append(
                ("mc.frac_common_den_keep_numerators", Fraction(a.num + sign * b.num, common))
            )
    elif op == "×" and fractions:
        assert a.num is not None and a.den is not None and b.num is not None and b.den is not None
        common = math.lcm(a.den, b.den)
        top = a.num * (common // a.den) * b.num * (common // b.den)
        out.append(("mc.frac_mult_common_denominator", Fraction(top, common)))
    elif op == "×" and (a.fraction or b.fraction) and (a.integer or b.integer):
        whole, part = (a, b) if a.integer else (b, a)
        if whole.value not in (0, 1) and part.whole is None:
            # n × a/b written as na/nb: its value is a/b
            out.append(("mc.frac_times_whole_both_parts", part.value))
    elif op == "×" and a.whole is not None and b.fraction and b.whole is None:
        assert a.num is not None and a.den is not None
        out.append(("mc.frac_mult_mixed_drop_whole", Fraction(a.num, a.den) * b.value))
    elif op == "÷" and a.fraction and b.fraction and a.value and b.value:
        out.append(("mc.frac_div_no_invert", a.value * b.value))
        out.append(("mc.frac_div_invert_dividend", b.value / a.value))
    if a.integer and b.integer:
        x, y = int(a.value), int(b.value)
        if op == "+" and x >= 0 and y >= 0:
            out.append(("mc.add_no_carry", _maybe(_column_add(x, y, concatenate=False))))
            out.append(("mc.add_column_sums_written", _maybe(_column_add(x, y, concatenate=True))))
        if op == "+" and (x < 0 or y < 0):
            out.append(("mc.int_add_wrong_sign", Fraction(-(x + y))))
            if (x < 0) != (y < 0):
                bigger = x if abs(x) >= abs(y) else y
                size = Fraction(abs(x) + abs(y))
                out.append(("mc.int_add_sizes_keep_sign", size if bigger > 0 else -size))
        if op == "-" and x >= 0 and y >= 0:
            out.append(("mc.sub_smaller_from_larger", _maybe(_column_smaller_from_larger(x, y))))
        if op == "-" and y < 0:
            out.append(("mc.int_sub_double_negative", Fraction(x + y)))
        if op == "×":
            if x >= 0 and y >= 0:
                out.append(("mc.mult_facts_add", Fraction(x + y)))
            else:
                out.append(("mc.int_mult_sign_rules", Fraction(-x * y)))
        if op == "÷" and y and (x < 0 or y < 0):
            out.append(("mc.int_mult_sign_rules", -Fraction(x, y)))
        if op == "^" and 0 <= y <= 12:
            out.append(("mc.power_times_exponent", Fraction(x * y)))
    if op == "×" and (a.places or b.places) and not (a.fraction or b.fraction):
        digits = int(str(abs(a.value * 10**a.places))) * int(str(abs(b.value * 10**b.places)))
        sign = -1 if (a.value < 0) != (b.value < 0) else 1
        places = 10 ** max(a.places, b.places)  # the places counted as for adding
        out.append(("mc.dec_mult_places_like_addition", sign * Fraction(digits, places)))
    decimals = not (a.fraction or b.fraction) and a.places != b.places
    if op == "+" and decimals and a.value >= 0 and b.value >= 0:
        whole_a = int(a.value * 10**a.places)
        whole_b = int(b.value * 10**b.places)
        places = 10 ** max(a.places, b.places)  # last digits lined up, not the points
        out.append(("mc.dec_right_align", Fraction(whole_a + whole_b, places)))
    return out


def _maybe(value: int | None) -> Fraction | None:
    return None if value is None else Fraction(value)


_APPLY: dict[str, Callable[[Fraction, Fraction], Fraction]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "×": lambda x, y: x * y,
    "÷": lambda x, y: x / y,
}


def _left_to_right(numbers: list[_Num], operators: list[str]) -> Fraction | None:
    """A calculation of three or more numbers done strictly left to right, when that
    differs from the order of operations (``5 + 3 × 2`` as 16)."""
    if len(operators) < 2 or any(op not in _APPLY for op in operators):
        return None
    if {"+", "-"}.isdisjoint(operators) or {"×", "÷"}.isdisjoint(operators):
        return None  # one kind of operation: left to right is the right order
    value = numbers[0].value
    for op, n in zip(operators, numbers[1:], strict=True):
        if op == "÷" and n.value == 0:
            return None
        value = _APPLY[op](value, n.value)
    return value


def _single(a: _Num, right_side: str) -> list[tuple[str, Fraction | None]]:
    """Rules on a line that rewrites one number (``2 1/3 = 3/3``, ``3/4 = 3.4``)."""
    out: list[tuple[str, Fraction | None]] = []
    if a.whole is not None and a.num is not None and a.den is not None:
        out.append(("mc.mixed_to_improper_add_whole", Fraction(a.whole + a.num, a.den)))
    digits = f"{a.num}.{a.den}"  # 3/4 written 3.4
    plain = a.fraction and a.whole is None and (a.num or 0) >= 0
    if plain and right_side.replace(" ", "") == digits:
        out.append(("mc.frac_to_dec_digits", Fraction(digits)))
    return out


#: The misconceptions a single wrong line is read for, by the shape of its left side (or, for
#: a false comparison, of both sides): each is a buggy rule of the misconception library
#: (``content/k12-math/misconceptions.csv``) recomputed on the numbers of the line as
#: written (``4/10`` stays 4 over 10).
LINE_RULES: tuple[str, ...] = (
    "mc.frac_add_across",
    "mc.frac_sub_across",
    "mc.frac_common_den_keep_numerators",
    "mc.frac_mult_common_denominator",
    "mc.frac_times_whole_both_parts",
    "mc.frac_mult_mixed_drop_whole",
    "mc.frac_div_no_invert",
    "mc.frac_div_invert_dividend",
    "mc.mixed_to_improper_add_whole",
    "mc.frac_to_dec_digits",
    "mc.add_no_carry",
    "mc.add_column_sums_written",
    "mc.sub_smaller_from_larger",
    "mc.int_add_wrong_sign",
    "mc.int_add_sizes_keep_sign",
    "mc.int_sub_double_negative",
    "mc.int_mult_sign_rules",
    "mc.mult_facts_add",
    "mc.power_times_exponent",
    "mc.dec_mult_places_like_addition",
    "mc.dec_right_align",
    "mc.order_ops_left_to_right",
    "mc.frac_compare_larger_denominator",
    "mc.dec_longer_is_larger",
    "mc.dec_shorter_is_larger",
)


def _line_misconception(left: str, right: str, wrote: Any, right_value: Any) -> str | None:
    """The misconception whose buggy rule gives the wrong value ``wrote`` for ``left``."""
    if not _numeric(wrote):
        return None
    shape = _structure(left)
    if shape is None:
        return None
    numbers, operators = shape
    candidates: list[tuple[str, Fraction | None]] = []
    if not operators:
        candidates = _single(numbers[0], right)
    elif len(operators) == 1:
        candidates = _binary(numbers[0], operators[0], numbers[1])
    else:
        candidates = [("mc.order_ops_left_to_right", _left_to_right(numbers, operators))]
    said = Fraction(int(sp.numer(wrote)), int(sp.denom(wrote)))
    right_q = Fraction(int(sp.numer(right_value)), int(sp.denom(right_value)))
    for mc_id, value in candidates:
        if value is not None and value == said and value != right_q:
            return mc_id
    return None


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def _comparison_misconception(left: str, relation: str, right: str) -> str | None:
    """The misconception a false comparison of two numbers follows: the bigger denominator
    read as the bigger fraction (``1/12 > 1/5``), the digits after the point read as a whole
    number (``0.25 > 0.3``), or the shorter decimal read as the bigger (``0.4 > 0.45``)."""
    a, b = _structure(left), _structure(right)
    if a is None or b is None or a[1] or b[1] or relation not in _ORDER:
        return None
    x, y = a[0][0], b[0][0]
    holds = _ORDER[relation]
    unit_like = x.fraction and y.fraction and x.whole is None and y.whole is None
    if unit_like and x.num == y.num and x.den != y.den and holds(x.den, y.den):
        return "mc.frac_compare_larger_denominator"
    if x.places and y.places and x.places != y.places and x.value >= 0 and y.value >= 0:
        digits_x = int(x.value * 10**x.places) % 10**x.places
        digits_y = int(y.value * 10**y.places) % 10**y.places
        if int(x.value) == int(y.value) and holds(digits_x, digits_y):
            return "mc.dec_longer_is_larger"
        if int(x.value) == int(y.value) and holds(-x.places, -y.places):
            return "mc.dec_shorter_is_larger"
    return None


# --------------------------------------------------------------------------------------------
# The first wrong line
# --------------------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return normalize(text).replace(" ", "").replace("*", "").strip("()")


def first_wrong_line(item: Item, working: str) -> WrongLine | None:
    """The first wrong line of ``working`` for ``item`` (see the module docstring), with
    the knowledge point of the worked step it attempted: the step whose claim starts from
    the same expression, or else the step in the same position among the lines read.
    None when no line can be shown wrong. Never raises on what a student types."""
    if not item.steps:
        return None
    position = 0
    for number, raw, line in read_lines(working):
        if line is None:
            continue
        try:
            judged = _judge(line, item)
        except (TypeError, ValueError, ZeroDivisionError, AttributeError):
            continue  # a sympy corner: the line is not judged
        position += 1
        if judged is None:
            continue
        k, expected = judged
        left, right = line.sides[k], line.sides[k + 1]
        misconception = None
        if line.relations[k] == "=":
            misconception = (
                _line_misconception(left, right, line.values[k + 1], line.values[k])
                if _numeric(line.values[k])
                else None
            )
        else:
            misconception = _comparison_misconception(left, line.relations[k], right)
        wrote = right if line.relations[k] == "=" else f"{left} {line.relations[k]} {right}"
        kp = _step_kp(item, line.sides[0], position)
        return WrongLine(number, raw, wrote, expected, misconception, kp)
    return None


def _step_kp(item: Item, left: str, position: int) -> str:
    # The step it attempted: the one starting from the same expression as written (all
    # sides of a worked chain have the same value, so values cannot tell them apart).
    start = _compact(left)
    for step in item.steps:
        if _compact(_RELATION.split(normalize(step.claim))[0]) == start:
            return step.kp
    return item.steps[min(position - 1, len(item.steps) - 1)].kp
