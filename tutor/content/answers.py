"""Reading and checking students' answers.

Students type answers in many ways: ``3/4``, ``０.７５``, ``1 1/2``, ``75 %``, ``2x+3``,
``x ≥ 3``, ``（２，－１）``. :func:`parse_answer` turns such text into exact sympy objects and
:func:`check_answer` decides whether it is, mathematically, the expected answer.

Safety: the raw text never reaches ``eval``, ``sympify`` or ``parse_expr``. A whitelist lexer
and a small recursive-descent parser build the sympy objects directly, with limits on length,
nesting, exponent size, number size and polynomial degree, so no input can hang or exhaust
memory.

Equivalence of expressions is decided by exact evaluation at pseudo-random rational points
(the Schwartz-Zippel test) instead of ``simplify``: it is exact rational arithmetic, it cannot
blow up on inputs like ``(a+b+n+x+y)^100``, and it is deterministic (fixed seed).
"""

from __future__ import annotations

import functools
import logging
import math
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, NoReturn

import sympy as sp

from tutor.errors import CodedInputError, InputError

__all__ = [
    "MAX_ANSWER_CHARS",
    "UNIT_SETS",
    "AnswerCode",
    "AnswerPolicy",
    "AnswerTooLong",
    "CheckResult",
    "HintCode",
    "ParsedAnswer",
    "UnreadableAnswer",
    "check_answer",
    "normalize",
    "parse_answer",
]

logger = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 200

Kind = Literal["number", "expression", "equation", "inequality", "tuple"]
Form = Literal[
    "integer",
    "fraction",
    "mixed_number",
    "decimal",
    "percent",
    "expression",
    "equation",
    "inequality",
    "tuple",
]
Status = Literal["correct", "incorrect", "unreadable", "not_simplified"]

DEFAULT_VARIABLES: tuple[str, ...] = ("x", "y", "n", "a", "b")

# Limits that keep every answer cheap to build and to compare.
_MAX_DEPTH = 25  # brackets, powers and roots inside each other
_MAX_EXPONENT = 100  # |exponent| of any power
_MAX_ROOT = 12  # denominator of a fractional exponent
_MAX_DIGITS = 2000  # estimated digits of a number produced by a power
_MAX_DEGREE = 1000  # estimated total degree of a polynomial
_MAX_SOLVE_DEGREE = 6  # solution sets are computed exactly up to this degree
_MAX_INEQUALITY_DEGREE = 2
_SAMPLE_POINTS = 6  # agreeing random points needed to call two expressions equal
_SEED = 20240617

_LITERAL_FORMS: frozenset[str] = frozenset(
    {"integer", "fraction", "mixed_number", "decimal", "percent"}
)

#: The message codes the checker gives: what to tell the student (kind, one line, never
#: the answer), rendered into words above this layer by :mod:`tutor.i18n` (content gives
#: codes, never sentences). The parameters each code takes are in the catalogs.
AnswerCode = Literal[
    "answer.correct",
    "answer.incorrect",
    "answer.not_simplified",
    "answer.work_it_out",
    "answer.as_fraction",
    "answer.add_percent",
    "answer.not_solved",
    "answer.just_number",
    "answer.equation_form",  # letter
    "answer.want_point",
    "answer.expand",
    "answer.simplify_root",
    "answer.empty",
    "answer.too_long",  # limit
    "answer.too_big",
    "answer.divide_by_zero",
    "answer.not_real",
    "answer.too_deep",
    "answer.cannot_check",
    "answer.letter_not_used",  # letter, letters
    "answer.letter_not_used_no_letters",  # letter
    "answer.unit_without_number",  # example
    "answer.wrong_unit",  # unit, number, example
    "answer.unreadable",  # text, hint (a HintCode) and the hint's own parameters
]
#: What is wrong in text the checker could not read (``answer.unreadable``'s ``hint``).
HintCode = Literal[
    "answer.hint.double_slash",
    "answer.hint.not_equal_sign",
    "answer.hint.angle_not_equal",
    "answer.hint.round_brackets",
    "answer.hint.stray_dot",
    "answer.hint.dot_without_digits",
    "answer.hint.two_decimal_points",
    "answer.hint.symbol",  # symbol ("" when it cannot be shown), letters
    "answer.hint.symbol_no_letters",  # symbol
    "answer.hint.letters_only",  # letters
    "answer.hint.letters_only_no_letters",
    "answer.hint.missing_after",  # sign
    "answer.hint.empty_brackets",
    "answer.hint.unopened_bracket",
    "answer.hint.comma",
    "answer.hint.percent_sign",
    "answer.hint.ratio_colon",
    "answer.hint.space_between_numbers",
    "answer.hint.number_after",
    "answer.hint.starts_with_sign",  # sign
    "answer.hint.two_signs",  # first, second
    "answer.hint.sign_after_bracket",  # sign
    "answer.hint.check_again",
    "answer.hint.no_letter_relation",
    "answer.hint.too_many_relations",
    "answer.hint.mixed_directions",
    "answer.hint.ratio_letters",
    "answer.hint.power_letters",
    "answer.hint.power_fraction",
    "answer.hint.comma_in_brackets",
    "answer.hint.relation_in_brackets",
    "answer.hint.unclosed_bracket",
]


class UnreadableAnswer(CodedInputError):
    """The student's text could not be read as an answer.

    ``code`` and ``params`` say what to fix, kindly and specifically: render them with
    :func:`tutor.i18n.render` to show the child. ``str()`` is for logs and developers
    (the code and its parameters).
    """

    code: AnswerCode

    def __init__(self, code: AnswerCode, params: Mapping[str, object] | None = None) -> None:
        super().__init__(code, params)


class AnswerTooLong(UnreadableAnswer):
    """The answer is longer than :data:`MAX_ANSWER_CHARS` characters."""


@dataclass(frozen=True)
class ParsedAnswer:
    """An answer read from text.

    ``value`` is a sympy object: a Rational or expression for numbers and expressions, an
    ``Eq`` for equations, a relational (or an ``And`` of two, for ``1 < x < 5``) for
    inequalities, and a tuple of sympy expressions for points. Decimals and percents become
    exact Rationals (``0.75`` is ``3/4``).
    """

    kind: Kind
    value: object
    form: Form
    normalized: str


@dataclass(frozen=True)
class AnswerPolicy:
    """How strictly :func:`check_answer` judges the form of a right value."""

    require_simplified: bool = False
    #: An expansion is the skill: brackets multiplied out (``3(x + 4)`` is not accepted
    #: for ``3x + 12``; it gets "not_simplified").
    require_expanded: bool = False
    accept_decimal_for_fraction: bool = True
    allow_equation_form: bool = True
    tolerance: float | None = None
    #: Units the answer may carry ("24 cm²", "$12.50", "45°"), the first being the one shown
    #: in messages. Empty: a unit makes the answer unreadable, as for any other word.
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer, with what to tell the student: a message ``code`` and
    its ``params`` (render them with :func:`tutor.i18n.render`)."""

    status: Status
    code: AnswerCode
    params: Mapping[str, object]
    parsed: ParsedAnswer | None


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_SUPERSCRIPT_TABLE = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_CHAR_MAP: dict[str, str] = {
    # minus signs and dashes students use as minus
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2043": "-",
    "\ufe63": "-",
    # multiplication signs
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∙": "*",
    "・": "*",
    "✕": "*",
    "✖": "*",
    "∗": "*",
    # division signs and slashes
    "÷": "/",
    "∕": "/",
    "⁄": "/",
    # comparison signs
    "≤": "<=",
    "≦": "<=",
    "⩽": "<=",
    "≥": ">=",
    "≧": ">=",
    "⩾": ">=",
    # invisible characters pasted from documents
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}
_CJK_DOT_BETWEEN_DIGITS = re.compile(r"(?<=\d)。(?=\d)")
_ANSWER_PREFIX = re.compile(r"^(?:答案|答|解)\s*:\s*")
_TRAILING_PUNCTUATION = "。，,;；.!?、"


def _replace_superscripts(match: re.Match[str]) -> str:
    return "^" + match.group(0).translate(_SUPERSCRIPT_TABLE)


def _expand_vulgar_fraction(char: str) -> str:
    """``½`` → `` 1/2 `` (spaced, so that ``1½`` reads as the mixed number ``1 1/2``)."""
    if unicodedata.decomposition(char).startswith("<fraction>"):
        return " " + unicodedata.normalize("NFKC", char).replace("⁄", "/") + " "
    return char


def _map_char(char: str) -> str:
    if char in _CHAR_MAP:
        return _CHAR_MAP[char]
    if char.isspace():
        return " "
    if not char.isascii():
        digit = unicodedata.decimal(char, None)
        if digit is not None:  # Arabic-Indic, Devanagari... digits
            return str(digit)
    return char


def normalize(text: str) -> str:
    """Return ``text`` in the plain ASCII-like syntax the parser reads.

    Applies NFKC (full-width ``３／４`` → ``3/4``), maps unicode minus signs, dashes, ``×``,
    ``÷``, ``·``, ``≤``, ``≥``, superscripts (``x²`` → ``x^2``) and vulgar fractions (``½``),
    collapses whitespace, drops a leading ``答：`` or ``=``, and drops trailing punctuation
    such as ``。``, ``，`` and ``.``. It never fails and never evaluates anything.
    """
    text = _SUPERSCRIPT_RUN.sub(_replace_superscripts, text)
    text = "".join(_expand_vulgar_fraction(c) for c in text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_map_char(c) for c in text)
    text = _CJK_DOT_BETWEEN_DIGITS.sub(".", text)
    text = " ".join(text.split())
    text = _ANSWER_PREFIX.sub("", text)
    while text and text[-1] in _TRAILING_PUNCTUATION:
        text = text[:-1].rstrip()
    if text.startswith("=") and not text.startswith(("==", "=<", "=>")):
        text = text[1:].lstrip()
    return text


# --------------------------------------------------------------------------------------------
# Lexer
# --------------------------------------------------------------------------------------------

_DIGITS = frozenset("0123456789")
_COMMA_GROUP = re.compile(r",(\d{3})(?!\d)")
_SPACE_GROUP = re.compile(r" (\d{3})(?!\d)(?! ?/)")
_MIXED_TAIL = re.compile(r" (\d+) ?/ ?(\d+)(?![\d.^%])")
_DECIMAL_TAIL = re.compile(r"\.(\d+)")
_LETTERS = re.compile(r"[A-Za-z]+")
_VARIABLE_NAME = re.compile(r"[A-Za-z]+")
_RESERVED_WORDS = ("sqrt", "pi")


@dataclass(frozen=True)
class _Tok:
    kind: str  # num mixed var pi sqrt op lpar rpar comma rel colon pct end
    text: str
    value: Any = None
    literal: str = ""  # num: "integer" | "decimal"
    parts: tuple[int, int] = (0, 1)  # mixed: numerator, denominator of the fraction part


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def _could_not_read(text: str, hint: HintCode, params: Mapping[str, object]) -> UnreadableAnswer:
    return UnreadableAnswer("answer.unreadable", {"text": _shown(text), "hint": hint, **params})


class _Lexer:
    """Turns normalised text into tokens; anything outside the whitelist is refused."""

    def __init__(self, text: str, variables: Sequence[str]) -> None:
        self.text = text
        self.variables = variables
        self.names = sorted(set(variables), key=len, reverse=True)
        self.tokens: list[_Tok] = []
        self.depth = 0

    def fail(self, hint: HintCode, **params: object) -> NoReturn:
        raise _could_not_read(self.text, hint, params)

    def allowed(self) -> tuple[str, ...]:
        """The letters the answer may use, each once, in order."""
        return tuple(dict.fromkeys(self.variables))

    def run(self) -> list[_Tok]:
        s = self.text
        i = 0
        while i < len(s):
            c = s[i]
            nxt = s[i + 1] if i + 1 < len(s) else ""
            if c == " ":
                i += 1
            elif c in _DIGITS or (c == "." and nxt in _DIGITS):
                i = self.number(i)
            elif c.isascii() and c.isalpha():
                i = self.letters(i)
            elif c == "π":
                self.tokens.append(_Tok("pi", c))
                i += 1
            elif c == "√":
                self.tokens.append(_Tok("sqrt", c))
                i += 1
            elif c in "+-":
                self.tokens.append(_Tok("op", c))
                i += 1
            elif c == "*":
                if nxt == "*":  # Python-style power
                    self.tokens.append(_Tok("op", "^"))
                    i += 2
                else:
                    self.tokens.append(_Tok("op", "*"))
                    i += 1
            elif c == "/":
                if nxt == "/":
                    self.fail("answer.hint.double_slash")
                self.tokens.append(_Tok("op", "/"))
                i += 1
            elif c == "^":
                self.tokens.append(_Tok("op", "^"))
                i += 1
            elif c == "(":
                self.depth += 1
                self.tokens.append(_Tok("lpar", c))
                i += 1
            elif c == ")":
                self.depth = max(0, self.depth - 1)
                self.tokens.append(_Tok("rpar", c))
                i += 1
            elif c == ",":
                self.tokens.append(_Tok("comma", c))
                i += 1
            elif c in "<>=":
                i = self.relation(i)
            elif c == "%":
                self.tokens.append(_Tok("pct", c))
                i += 1
            elif c == ":":
                self.tokens.append(_Tok("colon", c))
                i += 1
            elif c == "≠" or (c == "!" and nxt == "="):
                self.fail("answer.hint.not_equal_sign")
            elif c in "[]{}":
                self.fail("answer.hint.round_brackets")
            elif c == ".":
                self.fail("answer.hint.stray_dot")
            else:
                # "" names a character that cannot be shown (the catalog says "that symbol")
                symbol = c if c.isprintable() and c != '"' else ""
                if self.allowed():
                    self.fail("answer.hint.symbol", symbol=symbol, letters=self.allowed())
                self.fail("answer.hint.symbol_no_letters", symbol=symbol)
        self.tokens.append(_Tok("end", ""))
        return self.tokens

    def operand_expected(self) -> bool:
        """True where a new number may start (so ``1 1/2`` there is a mixed number)."""
        if not self.tokens:
            return True
        prev = self.tokens[-1]
        if prev.kind == "op":
            return prev.text != "^"
        return prev.kind in ("lpar", "comma", "rel", "colon")

    def number(self, i: int) -> int:
        s = self.text
        j = i
        while j < len(s) and s[j] in _DIGITS:
            j += 1
        digits = s[i:j]
        grouped = False
        # Thousands separators: "1,000" (not inside brackets, where commas separate
        # coordinates) and "1 000" (not before a "/", where it starts a mixed number).
        if 1 <= len(digits) <= 3 and not (digits.startswith("0") and len(digits) > 1):
            sep = _COMMA_GROUP if self.depth == 0 else None
            if j < len(s) and s[j] == " ":
                sep = _SPACE_GROUP
            while sep is not None:
                m = sep.match(s, j)
                if m is None:
                    break
                digits += m.group(1)
                j = m.end()
                grouped = True
        fraction = ""
        m = _DECIMAL_TAIL.match(s, j)
        if m is not None:
            fraction = m.group(1)
            j = m.end()
        elif j < len(s) and s[j] == ".":
            self.fail("answer.hint.dot_without_digits")
        if j < len(s) and s[j] == ".":
            self.fail("answer.hint.two_decimal_points")
        if not fraction and not grouped and self.operand_expected():
            m = _MIXED_TAIL.match(s, j)
            if m is not None:
                numerator, denominator = int(m.group(1)), int(m.group(2))
                if denominator == 0:
                    raise UnreadableAnswer("answer.divide_by_zero")
                whole = int(digits)
                value = sp.Integer(whole) + sp.Rational(numerator, denominator)
                self.tokens.append(
                    _Tok("mixed", s[i : m.end()], value, "", (numerator, denominator))
                )
                return m.end()
        mantissa = int((digits or "0") + fraction)
        value = sp.Rational(mantissa, 10 ** len(fraction))
        literal = "decimal" if fraction else "integer"
        self.tokens.append(_Tok("num", s[i:j], value, literal))
        return j

    def letters(self, i: int) -> int:
        m = _LETTERS.match(self.text, i)
        assert m is not None
        run = m.group(0)
        k = 0
        while k < len(run):
            rest = run[k:]
            lower = rest.lower()
            if lower.startswith("sqrt"):
                self.tokens.append(_Tok("sqrt", rest[:4]))
                k += 4
                continue
            if lower.startswith("pi"):
                self.tokens.append(_Tok("pi", rest[:2]))
                k += 2
                continue
            name = self.match_variable(rest)
            if name is None:
                letters = self.allowed()
                if len(run) == 1:
                    if letters:
                        raise UnreadableAnswer(
                            "answer.letter_not_used", {"letter": run, "letters": letters}
                        )
                    raise UnreadableAnswer("answer.letter_not_used_no_letters", {"letter": run})
                if letters:
                    self.fail("answer.hint.letters_only", letters=letters)
                self.fail("answer.hint.letters_only_no_letters")
            self.tokens.append(_Tok("var", rest[: len(name)], sp.Symbol(name)))
            k += len(name)
        return m.end()

    def match_variable(self, rest: str) -> str | None:
        for name in self.names:
            if rest.startswith(name):
                return name
        # "X" for "x": children use the shift key at random.
        for name in self.names:
            if rest[: len(name)].lower() == name and name.lower() == name:
                return name
        return None

    def relation(self, i: int) -> int:
        s = self.text
        two = s[i : i + 2]
        table = {"<=": "<=", ">=": ">=", "=<": "<=", "=>": ">=", "==": "="}
        if two in table:
            self.tokens.append(_Tok("rel", table[two]))
            return i + 2
        if two == "<>":
            self.fail("answer.hint.angle_not_equal")
        self.tokens.append(_Tok("rel", s[i]))
        return i + 1


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A parsed sub-expression with what we need to judge its written form."""

    value: Any
    form: Form = "expression"
    ops: int = 0  # operations as written (binary, implicit times, powers, roots)
    letters: int = 0  # occurrences of variables as written
    frac: tuple[int, int] | None = None  # numerator, denominator as written
    signed: bool = False
    #: written as a sum of terms (``x + 4``), so brackets around it group a sum
    is_sum: bool = False
    #: a bracketed sum in brackets: ``(x + 4)``
    paren_sum: bool = False
    #: somewhere a bracketed sum is multiplied or raised to a power: ``3(x + 4)``, ``(x+1)^2``
    grouped: bool = False
    #: somewhere a square root of a whole number with a square factor: ``√50``, ``√(4)``
    loose_root: bool = False


@dataclass(frozen=True)
class _Analysis:
    parsed: ParsedAnswer
    parts: tuple[_Node, ...]  # the value; the sides of a relation; the entries of a point


_RELATIONS: dict[str, Any] = {
    "<": sp.StrictLessThan,
    "<=": sp.LessThan,
    ">": sp.StrictGreaterThan,
    ">=": sp.GreaterThan,
}


def _digits(n: int) -> int:
    return max(1, int(abs(n).bit_length() * 0.30103) + 1)


def _max_digits(expr: Any) -> int:
    atoms = expr.atoms(sp.Rational)
    if not atoms:
        return 1
    return max(max(_digits(int(r.p)), _digits(int(r.q))) for r in atoms)


def _degree(expr: Any) -> int:
    """An upper bound on the total degree of ``expr`` (capped, cheap, no expansion)."""
    cap = _MAX_DEGREE * 10
    if expr.is_Symbol:
        return 1
    if not expr.free_symbols:
        return 0
    if expr.is_Add:
        return min(cap, max(_degree(a) for a in expr.args))
    if expr.is_Pow:
        exponent = expr.exp
        if exponent.is_Rational:
            return min(cap, math.ceil(_degree(expr.base) * abs(float(exponent))))
        return cap
    return min(cap, sum(_degree(a) for a in expr.args))


def _has_square_factor(value: Any) -> bool:
    """Whether ``value`` is a whole number above 1 divisible by a square above 1 (√50, √4).

    Trial division by the squares of primes below 1000: exact for radicands up to a
    million (all K12 ones), and bounded in time for the huge ones a fuzzer types.
    """
    if not (value.is_Integer and value > 1):
        return False
    n = int(value)
    return any(n % (p * p) == 0 for p in _SMALL_PRIMES if p * p <= n)


_SMALL_PRIMES = tuple(int(p) for p in sp.primerange(2, 1000))


def _is_bad_number(value: Any) -> bool:
    return bool(value.has(sp.zoo, sp.nan, sp.oo, -sp.oo))


class _Parser:
    """Recursive descent over the tokens, building sympy objects directly."""

    def __init__(self, text: str, tokens: list[_Tok]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    # -- helpers ---------------------------------------------------------------------------

    def fail(self, hint: HintCode, **params: object) -> NoReturn:
        raise _could_not_read(self.text, hint, params)

    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def advance(self) -> _Tok:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def previous(self) -> _Tok | None:
        return self.tokens[self.i - 1] if self.i > 0 else None

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise UnreadableAnswer("answer.too_deep")

    def leave(self) -> None:
        self.depth -= 1

    def is_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.text in ops

    def unexpected(self, tok: _Tok) -> NoReturn:
        prev = self.previous()
        if tok.kind == "end":
            if prev is None:
                raise UnreadableAnswer("answer.empty")
            self.fail("answer.hint.missing_after", sign=prev.text)
        if tok.kind == "rpar":
            if prev is not None and prev.kind == "lpar":
                self.fail("answer.hint.empty_brackets")
            self.fail("answer.hint.unopened_bracket")
        if tok.kind == "comma":
            self.fail("answer.hint.comma")
        if tok.kind == "pct":
            self.fail("answer.hint.percent_sign")
        if tok.kind == "colon":
            self.fail("answer.hint.ratio_colon")
        if tok.kind in ("num", "mixed"):
            if prev is not None and prev.kind in ("num", "mixed", "pct"):
                self.fail("answer.hint.space_between_numbers")
            self.fail("answer.hint.number_after")
        if tok.kind in ("op", "rel"):
            if prev is None:
                self.fail("answer.hint.starts_with_sign", sign=tok.text)
            if prev.kind in ("op", "rel"):
                self.fail("answer.hint.two_signs", first=prev.text, second=tok.text)
            if prev.kind == "lpar":
                self.fail("answer.hint.sign_after_bracket", sign=tok.text)
        self.fail("answer.hint.check_again")  # pragma: no cover - defensive

    # -- grammar ---------------------------------------------------------------------------

    def parse(self) -> tuple[Kind, Any, Form, tuple[_Node, ...]]:
        if self.is_tuple():
            return self.parse_tuple()
        first = self.sum()
        if self.peek().kind == "colon":
            return self.parse_ratio(first)
        sides = [first]
        rels: list[str] = []
        while self.peek().kind == "rel":
            rels.append(self.advance().text)
            sides.append(self.sum())
        if self.peek().kind != "end":
            self.unexpected(self.peek())
        if not rels:
            kind: Kind = "expression" if first.value.free_symbols else "number"
            form: Form = first.form
            return kind, first.value, form, (first,)
        if not any(side.value.free_symbols for side in sides):
            self.fail("answer.hint.no_letter_relation")
        if len(rels) == 1 and rels[0] == "=":
            value = sp.Eq(sides[0].value, sides[1].value, evaluate=False)
            return "equation", value, "equation", tuple(sides)
        if "=" in rels or len(rels) > 2:
            self.fail("answer.hint.too_many_relations")
        if len(rels) == 2 and (rels[0] in ("<", "<=")) != (rels[1] in ("<", "<=")):
            self.fail("answer.hint.mixed_directions")
        parts = [
            _RELATIONS[rel](sides[k].value, sides[k + 1].value, evaluate=False)
            for k, rel in enumerate(rels)
        ]
        relation = parts[0] if len(parts) == 1 else sp.And(*parts, evaluate=False)
        return "inequality", relation, "inequality", tuple(sides)

    def is_tuple(self) -> bool:
        """A point: the whole answer is one pair of brackets with a comma directly inside."""
        if self.tokens[0].kind != "lpar":
            return False
        depth = 0
        comma = False
        for k, tok in enumerate(self.tokens):
            if tok.kind == "lpar":
                depth += 1
            elif tok.kind == "rpar":
                depth -= 1
                if depth == 0:
                    return comma and self.tokens[k + 1].kind == "end"
            elif tok.kind == "comma" and depth == 1:
                comma = True
        return False

    def parse_tuple(self) -> tuple[Kind, Any, Form, tuple[_Node, ...]]:
        self.advance()
        self.enter()
        items = [self.sum()]
        while self.peek().kind == "comma":
            self.advance()
            items.append(self.sum())
        if self.peek().kind != "rpar":
            self.unexpected(self.peek())
        self.advance()
        self.leave()
        if self.peek().kind != "end":
            self.unexpected(self.peek())
        return "tuple", tuple(item.value for item in items), "tuple", tuple(items)

    def parse_ratio(self, first: _Node) -> tuple[Kind, Any, Form, tuple[_Node, ...]]:
        self.advance()
        second = self.sum()
        if self.peek().kind != "end":
            self.unexpected(self.peek())
        if first.value.free_symbols or second.value.free_symbols:
            self.fail("answer.hint.ratio_letters")
        if second.value == 0:
            raise UnreadableAnswer("answer.divide_by_zero")
        value = first.value / second.value
        if first.form == "integer" and second.form == "integer" and not second.signed:
            node = _Node(value, "fraction", 1, 0, (int(first.value), int(second.value)))
        else:
            node = _Node(value, "expression", first.ops + second.ops + 1)
        return "number", value, node.form, (node,)

    def sum(self) -> _Node:
        node = self.term()
        value, ops, letters = node.value, node.ops, node.letters
        grouped, loose_root = node.grouped, node.loose_root
        combined = False
        while self.is_op("+", "-"):
            op = self.advance().text
            rhs = self.term()
            value = value + rhs.value if op == "+" else value - rhs.value
            ops += rhs.ops + 1
            letters += rhs.letters
            grouped, loose_root = grouped or rhs.grouped, loose_root or rhs.loose_root
            combined = True
        if not combined:
            return node
        return _Node(
            value, "expression", ops, letters, is_sum=True, grouped=grouped, loose_root=loose_root
        )

    def term(self) -> _Node:
        first = self.unary()
        value, ops, letters = first.value, first.ops, first.letters
        factors = [first]
        operators: list[str] = []
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text in "*/":
                op = self.advance().text
                factor = self.unary()
            elif tok.kind in ("var", "pi", "sqrt", "lpar"):
                op = "implicit"
                factor = self.power()
            elif tok.kind in ("num", "mixed"):
                self.unexpected(tok)
            else:
                break
            if op == "/":
                if factor.value == 0:
                    raise UnreadableAnswer("answer.divide_by_zero")
                value = value / factor.value
            else:
                value = value * factor.value
            factors.append(factor)
            operators.append(op)
            ops += factor.ops + 1
            letters += factor.letters
        if len(factors) == 1:
            return first
        second = factors[1]
        if (
            operators == ["/"]
            and first.form == "integer"
            and second.form == "integer"
            and not second.signed
        ):
            return _Node(value, "fraction", ops, 0, (int(first.value), int(second.value)))
        multiplied = [
            first,
            *(f for f, op in zip(factors[1:], operators, strict=True) if op != "/"),
        ]
        grouped = any(f.grouped for f in factors) or (
            len(multiplied) > 1 and any(f.paren_sum for f in multiplied)
        )
        loose_root = any(f.loose_root for f in factors)
        return _Node(value, "expression", ops, letters, grouped=grouped, loose_root=loose_root)

    def unary(self) -> _Node:
        negative = False
        signed = False
        while self.is_op("+", "-"):
            negative ^= self.advance().text == "-"
            signed = True
        node = self.power()
        if not signed:
            return node
        value = -node.value if negative else node.value
        # "-(x + 4)" still has its brackets to multiply out
        grouped = node.grouped or (negative and node.paren_sum)
        return replace(node, value=value, signed=True, grouped=grouped)

    def power(self) -> _Node:
        base = self.primary()
        if not self.is_op("^"):
            return base
        self.advance()
        self.enter()
        exponent = self.unary()
        self.leave()
        value = self.make_power(base.value, exponent.value)
        return _Node(
            value,
            "expression",
            base.ops + exponent.ops + 1,
            base.letters,
            grouped=base.grouped or base.paren_sum or exponent.grouped,
            loose_root=base.loose_root or exponent.loose_root,
        )

    def make_power(self, base: Any, exponent: Any) -> Any:
        if exponent.free_symbols:
            self.fail("answer.hint.power_letters")
        if not exponent.is_Rational or exponent.q > _MAX_ROOT:
            # roots of high order make sympy factor large integers: keep them small
            self.fail("answer.hint.power_fraction")
        if abs(exponent) > _MAX_EXPONENT:
            raise UnreadableAnswer("answer.too_big")
        if base == 0 and exponent < 0:
            raise UnreadableAnswer("answer.divide_by_zero")
        if _max_digits(base) * abs(float(exponent)) > _MAX_DIGITS:
            raise UnreadableAnswer("answer.too_big")
        if _degree(base) * abs(float(exponent)) > _MAX_DEGREE:
            raise UnreadableAnswer("answer.too_big")
        return sp.Pow(base, exponent)

    def primary(self) -> _Node:
        tok = self.advance()
        if tok.kind == "num":
            if self.peek().kind == "pct":
                self.advance()
                return _Node(tok.value / 100, "percent")
            form: Form = "decimal" if tok.literal == "decimal" else "integer"
            return _Node(tok.value, form)
        if tok.kind == "mixed":
            return _Node(tok.value, "mixed_number", 0, 0, tok.parts)
        if tok.kind == "var":
            return _Node(tok.value, "expression", 0, 1)
        if tok.kind == "pi":
            return _Node(sp.pi, "expression")
        if tok.kind == "sqrt":
            self.enter()
            negative = False
            while self.is_op("+", "-"):  # "√-4": read it, then refuse it kindly below
                negative ^= self.advance().text == "-"
            radicand = self.primary()
            if negative:
                radicand = _Node(-radicand.value, "expression", radicand.ops, radicand.letters)
            self.leave()
            if not radicand.value.free_symbols and radicand.value.is_negative:
                raise UnreadableAnswer("answer.not_real")
            value = sp.sqrt(radicand.value)
            loose = radicand.loose_root or _has_square_factor(radicand.value)
            return _Node(
                value,
                "expression",
                radicand.ops + 1,
                radicand.letters,
                grouped=radicand.grouped,
                loose_root=loose,
            )
        if tok.kind == "lpar":
            self.enter()
            inner = self.sum()
            nxt = self.peek()
            if nxt.kind == "comma":
                self.fail("answer.hint.comma_in_brackets")
            if nxt.kind == "rel":
                self.fail("answer.hint.relation_in_brackets")
            if nxt.kind == "end":
                self.fail("answer.hint.unclosed_bracket")
            if nxt.kind != "rpar":
                self.unexpected(nxt)
            self.advance()
            self.leave()
            return replace(inner, paren_sum=inner.is_sum, is_sum=False)
        if tok.kind != "end":
            self.i -= 1  # so that messages name the token before the unexpected one
        self.unexpected(tok)


def _validate_variables(variables: Sequence[str]) -> tuple[str, ...]:
    if isinstance(variables, str):
        raise InputError(f"variables must be a sequence of names, not the string {variables!r}")
    names = tuple(variables)
    for name in names:
        if not _VARIABLE_NAME.fullmatch(name) or name.lower() in _RESERVED_WORDS:
            raise InputError(f"{name!r} can't be an answer variable: use plain letters like x")
    return names


def _check_value(value: Any) -> None:
    if _is_bad_number(value):
        raise UnreadableAnswer("answer.divide_by_zero")
    if value.has(sp.I):
        raise UnreadableAnswer("answer.not_real")
    # (-8)^(1/3) is sympy's complex principal root: not an answer a child means
    if (
        not value.free_symbols
        and not value.is_Rational
        and not _const_equal(sp.im(_numeric(value, 30)), sp.Integer(0))
    ):
        raise UnreadableAnswer("answer.not_real")
    if _degree(value) > _MAX_DEGREE:
        raise UnreadableAnswer("answer.too_big")


def _analyse(text: str, variables: Sequence[str]) -> _Analysis:
    names = _validate_variables(variables)
    if len(text.strip()) > MAX_ANSWER_CHARS:
        raise AnswerTooLong("answer.too_long", {"limit": MAX_ANSWER_CHARS})
    normalized = normalize(text)
    if len(normalized) > MAX_ANSWER_CHARS:
        raise AnswerTooLong("answer.too_long", {"limit": MAX_ANSWER_CHARS})
    if not normalized:
        raise UnreadableAnswer("answer.empty")
    tokens = _Lexer(normalized, names).run()
    try:
        kind, value, form, parts = _Parser(normalized, tokens).parse()
        for part in parts:
            _check_value(part.value)
    except UnreadableAnswer:
        raise
    except Exception:  # a sympy corner we did not foresee must not reach the student
        logger.warning("unexpected failure parsing answer %r", normalized, exc_info=True)
        raise UnreadableAnswer("answer.cannot_check") from None
    return _Analysis(ParsedAnswer(kind, value, form, normalized), parts)


def parse_answer(text: str, *, variables: Sequence[str] = DEFAULT_VARIABLES) -> ParsedAnswer:
    """Read a student's answer.

    Accepts integers (``12``, ``-3``, ``1,000``, ``1 000``), fractions (``3/4``), mixed numbers
    (``1 1/2``, ``-1 1/2`` = -3/2), decimals (``0.75``, ``.5``), percents (``75%`` = 3/4),
    expressions over ``variables`` (``2x+3``, ``3(x+1)``, ``x^2``, ``2·x``, ``6÷2``, ``√2``,
    ``π``), equations (``x = 4``), inequalities (``x ≥ 3``, ``1 < x < 5``), points (``(2, -1)``)
    and ratios (``3:4``, read as the number 3/4), in ASCII, full-width or with Chinese
    punctuation.

    Raises:
        AnswerTooLong: more than :data:`MAX_ANSWER_CHARS` characters.
        UnreadableAnswer: anything else that is not an answer; ``.code`` and ``.params``
            say what to fix.
        InputError: ``variables`` holds something that is not a plain name (a caller bug).
    """
    return _analyse(text, variables).parsed


# --------------------------------------------------------------------------------------------
# Equivalence
# --------------------------------------------------------------------------------------------


def _numeric(value: Any, digits: int = 50) -> Any:
    return sp.N(value, digits)


def _const_equal(a: Any, b: Any, tolerance: float | None = None) -> bool:
    """Equality of two constants: exact for rationals, 40 significant digits otherwise."""
    if a.is_Rational and b.is_Rational and tolerance is None:
        return bool(a == b)
    if _is_bad_number(a) or _is_bad_number(b):
        return False
    if a.is_Rational and b.is_Rational:
        return bool(abs(a - b) <= sp.Rational(str(tolerance)))
    va, vb = _numeric(a), _numeric(b)
    if not (va.is_number and vb.is_number):
        return False
    diff = abs(va - vb)
    if tolerance is not None:
        return bool(diff <= sp.Float(tolerance, 50) * (1 + sp.Float(10) ** -30))
    scale = sp.Max(1, abs(va), abs(vb))
    return bool(diff <= scale * sp.Float(10) ** -40)


def _points(symbols: set[Any], count: int) -> list[dict[Any, Any]]:
    # Deterministic pseudo-random points: reproducible verdicts, not a security feature.
    rng = random.Random(_SEED)  # noqa: S311
    ordered = sorted(symbols, key=str)
    points = []
    for _ in range(count):
        points.append(
            {
                s: sp.Rational(rng.choice((-1, 1)) * rng.randint(1, 997), rng.randint(1, 97))
                for s in ordered
            }
        )
    return points


def _exprs_equal(a: Any, b: Any, tolerance: float | None = None) -> bool:
    """``a == b`` as functions of their variables (exact, randomised identity test)."""
    if a == b:
        return True
    symbols = a.free_symbols | b.free_symbols
    if not symbols:
        return _const_equal(a, b, tolerance)
    agreed = 0
    for point in _points(symbols, 4 * _SAMPLE_POINTS):
        va, vb = a.xreplace(point), b.xreplace(point)
        if _is_bad_number(va) or _is_bad_number(vb):
            continue  # a pole of the expression: try another point
        if not _const_equal(va, vb):
            return False
        agreed += 1
        if agreed >= _SAMPLE_POINTS:
            return True
    return False


def _proportional(a: Any, b: Any, *, positive: bool = False) -> bool:
    """``a == k*b`` for a constant ``k`` that is non-zero (and positive when asked)."""
    if a == 0 or b == 0:
        return bool(a == 0 and b == 0)
    symbols = a.free_symbols | b.free_symbols
    if not symbols:
        return False
    ratio: Any = None
    agreed = 0
    for point in _points(symbols, 4 * _SAMPLE_POINTS):
        va, vb = a.xreplace(point), b.xreplace(point)
        if _is_bad_number(va) or _is_bad_number(vb) or _const_equal(vb, sp.Integer(0)):
            continue
        r = va / vb
        if ratio is None:
            if _const_equal(r, sp.Integer(0)):
                return False
            if positive and not bool(_numeric(r, 30).is_positive):
                return False
            ratio = r
        elif not _const_equal(r, ratio):
            return False
        agreed += 1
        if agreed >= _SAMPLE_POINTS:
            return True
    return agreed >= 3


def _real_roots(expr: Any, symbol: Any) -> Any:
    """The real roots of a low-degree polynomial as a FiniteSet, or None when out of reach."""
    if _degree(expr) > _MAX_SOLVE_DEGREE:
        return None
    try:
        poly = sp.Poly(expr, symbol)
    except sp.PolynomialError:
        return None
    if poly.degree() > _MAX_SOLVE_DEGREE:
        return None
    if poly.is_zero:
        return sp.S.Reals
    if poly.domain.is_ZZ or poly.domain.is_QQ:
        return sp.FiniteSet(*sp.real_roots(poly))
    if poly.degree() <= 2:
        return sp.solveset(expr, symbol, sp.S.Reals)
    return None


def _solution_set(diff: Any, symbol: Any) -> Any:
    """The real solution set of ``diff = 0`` in ``symbol``, or None when out of reach."""
    numerator, denominator = sp.fraction(sp.together(diff))
    zeros = _real_roots(numerator, symbol)
    poles = _real_roots(denominator, symbol)
    if zeros is None or poles is None:
        return None
    return sp.Complement(zeros, poles)


def _equations_equivalent(given: Any, expected: Any) -> bool:
    dg = given.lhs - given.rhs
    de = expected.lhs - expected.rhs
    if _proportional(dg, de):
        return True
    symbols = dg.free_symbols | de.free_symbols
    if len(symbols) != 1:
        return False
    (symbol,) = symbols
    sg, se = _solution_set(dg, symbol), _solution_set(de, symbol)
    return sg is not None and se is not None and bool(sg == se)


def _relation_parts(relation: Any) -> list[Any]:
    return list(relation.args) if isinstance(relation, sp.And) else [relation]


def _linear_solution(part: Any, symbol: Any) -> Any:
    """The solution set of a linear inequality ``a·x + b REL 0`` as an interval, or None.

    Almost every K12 inequality is linear; solving it directly takes microseconds, where
    sympy's general solver takes a tenth of a second.
    """
    diff = sp.expand(part.lhs - part.rhs)
    if not diff.is_polynomial(symbol):
        return None
    poly = sp.Poly(diff, symbol)
    if poly.degree() != 1:
        return None
    a, b = poly.all_coeffs()
    if a.free_symbols or b.free_symbols or not (a.is_real and b.is_real):
        return None
    root = -b / a
    # diff REL 0  with diff = a(x - root): dividing by a < 0 flips the relation.
    greater = (part.rel_op in (">", ">=")) == bool(a > 0)
    strict = part.rel_op in (">", "<")
    if greater:
        return sp.Interval(root, sp.oo, left_open=strict)
    return sp.Interval(-sp.oo, root, right_open=strict)


def _inequality_set(relation: Any, symbol: Any) -> Any:
    result: Any = sp.S.Reals
    for part in _relation_parts(relation):
        solved = _linear_solution(part, symbol)
        if solved is None:
            numerator, denominator = sp.fraction(sp.together(part.lhs - part.rhs))
            if max(_degree(numerator), _degree(denominator)) > _MAX_INEQUALITY_DEGREE:
                return None
            solved = sp.solve_univariate_inequality(part, symbol, relational=False)
        result = sp.Intersection(result, solved)
    return result


def _normal_inequality(part: Any) -> tuple[Any, bool]:
    """``part`` as ``d > 0`` (strict) or ``d >= 0``."""
    if part.rel_op in (">", ">="):
        return part.lhs - part.rhs, part.rel_op == ">"
    return part.rhs - part.lhs, part.rel_op == "<"


def _inequalities_equivalent(given: Any, expected: Any) -> bool:
    symbols = given.free_symbols | expected.free_symbols
    if len(symbols) == 1:
        (symbol,) = symbols
        sg, se = _inequality_set(given, symbol), _inequality_set(expected, symbol)
        if sg is not None and se is not None:
            return bool(sg == se)
    gparts = [_normal_inequality(p) for p in _relation_parts(given)]
    eparts = [_normal_inequality(p) for p in _relation_parts(expected)]
    if len(gparts) != len(eparts):
        return False
    return all(
        any(gs == es and _proportional(gd, ed, positive=True) for gd, gs in gparts)
        for ed, es in eparts
    )


def _solved_for(lhs: Any, rhs: Any, symbol: Any) -> int | None:
    """Index of the side that is the value when the relation reads ``symbol = value``."""
    if lhs == symbol and symbol not in rhs.free_symbols:
        return 1
    if rhs == symbol and symbol not in lhs.free_symbols:
        return 0
    return None


def _solved_variable(lhs: Any, rhs: Any) -> tuple[Any, int] | None:
    for side, other in ((lhs, 1), (rhs, 0)):
        if side.is_Symbol:
            index = _solved_for(lhs, rhs, side)
            if index == other:
                return side, other
    return None


def _inequality_solved(relation: Any) -> bool:
    parts = _relation_parts(relation)
    variables = set()
    for part in parts:
        solved = _solved_variable(part.lhs, part.rhs)
        if solved is None:
            return False
        variables.add(solved[0])
    return len(variables) == 1


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------


def _lowest_terms(node: _Node) -> bool:
    if node.frac is None:
        return True
    numerator, denominator = abs(node.frac[0]), node.frac[1]
    if node.form == "fraction":
        return denominator > 1 and math.gcd(numerator, denominator) == 1
    if node.form == "mixed_number":
        return 0 < numerator < denominator and math.gcd(numerator, denominator) == 1
    return True


#: A verdict: the status, the message code and its parameters.
_Verdict = tuple[Status, AnswerCode, Mapping[str, object]]


def _verdict(status: Status, code: AnswerCode, **params: object) -> _Verdict:
    return status, code, params


def _compare_values(given: _Node, expected: _Node, policy: AnswerPolicy) -> _Verdict:
    gv, ev = given.value, expected.value
    numeric = not gv.free_symbols and not ev.free_symbols
    equal = _const_equal(gv, ev, policy.tolerance) if numeric else _exprs_equal(gv, ev)
    if not equal:
        if (
            numeric
            and expected.form == "percent"
            and given.form in ("integer", "decimal", "fraction", "mixed_number")
            and _const_equal(gv, ev * 100, policy.tolerance)
        ):
            return _verdict("not_simplified", "answer.add_percent")
        return _verdict("incorrect", "answer.incorrect")
    if numeric and expected.form in _LITERAL_FORMS and given.form == "expression":
        return _verdict("not_simplified", "answer.work_it_out")
    if expected.form == "integer" and given.form in ("fraction", "mixed_number"):
        return _verdict("not_simplified", "answer.not_simplified")  # "6/2" or "4/2" for 3 or 2
    if (
        not policy.accept_decimal_for_fraction
        and expected.form in ("fraction", "mixed_number")
        and given.form in ("decimal", "percent")
    ):
        return _verdict("not_simplified", "answer.as_fraction")
    if policy.require_expanded and given.grouped and not expected.grouped:
        return _verdict("not_simplified", "answer.expand")
    if policy.require_simplified and given.loose_root and not expected.loose_root:
        return _verdict("not_simplified", "answer.simplify_root")
    if policy.require_simplified and (
        not _lowest_terms(given)
        or given.ops > expected.ops
        or (not numeric and given.letters > expected.letters)
    ):
        return _verdict("not_simplified", "answer.not_simplified")
    return _verdict("correct", "answer.correct")


def _compare(given: _Analysis, expected: _Analysis, policy: AnswerPolicy) -> _Verdict:
    g, e = given.parsed, expected.parsed
    if e.kind in ("number", "expression"):
        if g.kind in ("number", "expression"):
            return _compare_values(given.parts[0], expected.parts[0], policy)
        if g.kind == "equation" and e.kind == "number":
            solved = _solved_variable(given.parts[0].value, given.parts[1].value)
            if solved is not None and not given.parts[solved[1]].value.free_symbols:
                verdict = _compare_values(given.parts[solved[1]], expected.parts[0], policy)
                if verdict[0] == "correct" and not policy.allow_equation_form:
                    return _verdict("not_simplified", "answer.just_number")
                return verdict
        return _verdict("incorrect", "answer.incorrect")

    if e.kind == "equation":
        lhs, rhs = expected.parts[0].value, expected.parts[1].value
        solved = _solved_variable(lhs, rhs)
        if solved is not None:
            symbol, index = solved
            if (
                g.kind in ("number", "expression")
                and symbol not in given.parts[0].value.free_symbols
            ):
                verdict = _compare_values(given.parts[0], expected.parts[index], policy)
                if verdict[0] == "correct" and not policy.allow_equation_form:
                    return _verdict("not_simplified", "answer.equation_form", letter=str(symbol))
                return verdict
            if g.kind == "equation":
                gindex = _solved_for(given.parts[0].value, given.parts[1].value, symbol)
                if gindex is not None:
                    return _compare_values(given.parts[gindex], expected.parts[index], policy)
                if _equations_equivalent(g.value, e.value):
                    return _verdict("not_simplified", "answer.not_solved")
            return _verdict("incorrect", "answer.incorrect")
        if g.kind == "equation" and _equations_equivalent(g.value, e.value):
            return _verdict("correct", "answer.correct")
        return _verdict("incorrect", "answer.incorrect")

    if e.kind == "inequality":
        if g.kind == "inequality" and _inequalities_equivalent(g.value, e.value):
            if _inequality_solved(e.value) and not _inequality_solved(g.value):
                return _verdict("not_simplified", "answer.not_solved")
            return _verdict("correct", "answer.correct")
        return _verdict("incorrect", "answer.incorrect")

    # a point
    if g.kind != "tuple":
        return _verdict("incorrect", "answer.want_point")
    if len(given.parts) != len(expected.parts):
        return _verdict("incorrect", "answer.incorrect")
    verdicts = [
        _compare_values(gp, ep, policy) for gp, ep in zip(given.parts, expected.parts, strict=True)
    ]
    for wanted in ("incorrect", "not_simplified"):
        for verdict in verdicts:
            if verdict[0] == wanted:
                return verdict
    return _verdict("correct", "answer.correct")


# --------------------------------------------------------------------------------------------
# Units ("24 cm²", "$12.50", "45°", "12元")
# --------------------------------------------------------------------------------------------


def _measure_units(
    abbr: str, names: tuple[str, ...], zh: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """A length unit with its square and cube, each with the ways students write them."""
    return {
        abbr: (abbr, *names, *zh),
        f"{abbr}²": (
            f"{abbr}²",
            f"{abbr}2",
            f"sq {abbr}",
            *(f"square {name}" for name in names),
            *(f"平方{word}" for word in zh),
        ),
        f"{abbr}³": (
            f"{abbr}³",
            f"{abbr}3",
            f"cu {abbr}",
            *(f"cubic {name}" for name in names),
            *(f"立方{word}" for word in zh),
        ),
    }


#: Unit sets by the symbol shown to students: every way a unit is written that
#: :func:`check_answer` recognises. Items pick theirs for ``AnswerPolicy.units``
#: (``UNIT_SETS["cm²"]``); the union is used to tell a wrong unit from an unreadable word.
UNIT_SETS: dict[str, tuple[str, ...]] = {
    **_measure_units("mm", ("millimeters", "millimeter", "millimetres", "millimetre"), ("毫米",)),
    **_measure_units("cm", ("centimeters", "centimeter", "centimetres", "centimetre"), ("厘米",)),
    **_measure_units("dm", ("decimeters", "decimeter", "decimetres", "decimetre"), ("分米",)),
    **_measure_units("m", ("meters", "meter", "metres", "metre"), ("米",)),
    **_measure_units(
        "km", ("kilometers", "kilometer", "kilometres", "kilometre"), ("千米", "公里")
    ),
    **_measure_units("in", ("inches", "inch"), ("英寸",)),
    **_measure_units("ft", ("feet", "foot"), ("英尺",)),
    **_measure_units("yd", ("yards", "yard"), ("码",)),
    "mi": ("mi", "miles", "mile", "英里"),
    "g": ("g", "grams", "gram", "grammes", "gramme", "克"),
    "kg": ("kg", "kilograms", "kilogram", "kilos", "kilo", "千克", "公斤"),
    "t": ("t", "tonnes", "tonne", "tons", "ton", "吨"),
    "lb": ("lb", "lbs", "pounds", "pound", "磅"),
    "oz": ("oz", "ounces", "ounce", "盎司"),
    "L": ("L", "liters", "liter", "litres", "litre", "升", "公升"),
    "mL": ("mL", "milliliters", "milliliter", "millilitres", "millilitre", "毫升"),
    "s": ("s", "sec", "secs", "seconds", "second", "秒", "秒钟"),
    "min": ("min", "mins", "minutes", "minute", "分钟", "分"),
    "h": ("h", "hr", "hrs", "hours", "hour", "小时", "时"),
    "days": ("days", "day", "天"),
    "km/h": ("km/h", "kmh", "kph", "km per hour", "千米/时", "千米/小时", "千米每小时"),
    "m/s": ("m/s", "meters per second", "metres per second", "米/秒", "米每秒"),
    "g/cm³": ("g/cm³", "g/cm3", "grams per cubic centimeter", "克/立方厘米"),
    "people/km²": ("people/km²", "people/km2", "/km²", "per km²", "人/平方千米", "人/平方公里"),
    "°": ("°", "degrees", "degree", "deg", "度"),
    "$": ("$", "dollars", "dollar", "美元"),
    "¢": ("¢", "cents", "cent", "美分"),
    "元": ("元", "¥", "yuan", "RMB", "块", "块钱"),
}

# Currency signs may also come first: "$12.50", "¥12".
_PREFIX_UNITS = frozenset({"$", "¥", "£", "€"})
_KNOWN_UNITS: tuple[str, ...] = tuple(u for forms in UNIT_SETS.values() for u in forms)


def _unit_key(unit: str) -> str:
    """One key for all spellings of a written unit: ``cm²``, ``cm^2``, ``CM2`` → ``cm2``."""
    return normalize(unit).casefold().replace("^", "").replace(" ", "")


@functools.lru_cache(maxsize=256)
def _unit_forms(units: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``(written form, key)`` for the item's units and every known unit, longest first.

    Longest first so that "cm" wins over "m" and "sq cm" over "cm".
    """
    forms: dict[str, str] = {}
    for unit in (*units, *_KNOWN_UNITS):
        written = normalize(unit).casefold()
        for form in (written, written.replace("^", "")):
            forms.setdefault(form, _unit_key(unit))
    return tuple(sorted(forms.items(), key=lambda kv: -len(kv[0])))


def _split_unit(text: str, units: tuple[str, ...]) -> tuple[str, str] | None:
    """``(rest, unit key)`` when normalised ``text`` ends (or a currency starts) with a unit."""
    for form, key in _unit_forms(units):
        size = len(form)
        if size > len(text):
            continue
        if text[-size:].casefold() == form:
            # "2min" must not read as "2mi" + "n": a word unit needs a non-letter before it
            before = text[-size - 1] if size < len(text) else " "
            if form[0].isascii() and form[0].isalpha() and before.isascii() and before.isalpha():
                continue
            return text[:-size].rstrip(), key
        if key in _PREFIX_UNITS and text[:size] == form:
            return text[size:].lstrip(), key
    return None


def _with_unit(number: str, unit: str) -> str:
    if _unit_key(unit) in _PREFIX_UNITS:
        return f"{unit}{number}"
    if unit[0].isascii() and unit[0].isalpha():
        return f"{number} {unit}"
    return f"{number}{unit}"  # "45°", "12元"


def _without_unit(given: str, units: tuple[str, ...]) -> str:
    """``given`` with one of the item's units taken off (or ``given`` as it is, if none).

    Raises:
        UnreadableAnswer: the answer carries a unit the item does not use (or only a unit);
            the message names the unit expected.
    """
    text = normalize(given)
    split = _split_unit(text, units)
    if split is None:
        return given
    rest, key = split
    shown = units[0]
    if key in {_unit_key(u) for u in units}:
        if not rest:
            raise UnreadableAnswer(
                "answer.unit_without_number", {"example": _with_unit("12", shown)}
            )
        return rest
    example = "12"
    try:
        if rest and len(rest) <= 12 and parse_answer(rest, variables=()).kind == "number":
            example = rest  # the student's own number: the message never reveals the answer
    except UnreadableAnswer:
        pass
    raise UnreadableAnswer(
        "answer.wrong_unit",
        {"unit": shown, "number": example, "example": _with_unit(example, shown)},
    )


_EXPECTED_LETTERS = tuple("abcdefghijklmnopqrstuvwxyz") + tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@functools.lru_cache(maxsize=1024)
def _analyse_expected(expected: str) -> _Analysis:
    try:
        return _analyse(expected, _EXPECTED_LETTERS)
    except UnreadableAnswer as exc:
        raise InputError(f"expected answer {expected!r} is not valid: {exc}") from None


def check_answer(given: str, expected: str, policy: AnswerPolicy = AnswerPolicy()) -> CheckResult:
    """Judge a student's answer against the expected (canonical) answer.

    Numbers compare exactly (``0.75`` equals ``3/4``; ``0.33`` does not equal ``1/3``) unless
    ``policy.tolerance`` is set; expressions compare as functions; equations and inequalities
    compare by solution set (``3 < x`` equals ``x > 3``; ``x ≥ 3`` does not); points compare
    entry by entry. A right value in the wrong form (``2/4`` when simplifying is the skill,
    ``2×3`` for ``6``, ``2x = 8`` for ``x = 4``) gives ``"not_simplified"``, with a nudge.

    Never raises for anything in ``given``: unreadable text gives status ``"unreadable"``
    (not counted as wrong) with a message saying what to fix.

    Units: when ``policy.units`` is set, one of those units may follow the number
    (``24 cm²``, ``24平方厘米``, ``45°``) or, for a currency sign, come before it (``$12.50``).
    A different known unit (``24 cm`` for an area) is ``"unreadable"``, with a message naming
    the unit expected. Without ``policy.units`` a unit is unreadable like any other word.

    Raises:
        InputError: ``expected`` itself is not a valid answer (a bug in the item generator).
    """
    analysed_expected = _analyse_expected(expected)
    symbols = analysed_expected.parsed.value
    names = {str(s) for s in _free_symbols(symbols)}
    variables = tuple(dict.fromkeys((*DEFAULT_VARIABLES, *sorted(names))))
    try:
        if policy.units and isinstance(given, str) and len(given.strip()) <= MAX_ANSWER_CHARS:
            given = _without_unit(given, policy.units)
        analysed_given = _analyse(given, variables)
    except UnreadableAnswer as exc:
        return CheckResult("unreadable", exc.code, exc.params, None)
    try:
        status, code, params = _compare(analysed_given, analysed_expected, policy)
    except Exception:  # a sympy corner must never crash a student's submission
        logger.warning("could not compare answer %r with %r", given, expected, exc_info=True)
        return CheckResult("unreadable", "answer.cannot_check", {}, analysed_given.parsed)
    return CheckResult(status, code, params, analysed_given.parsed)


def _free_symbols(value: Any) -> set[Any]:
    if isinstance(value, tuple):
        result: set[Any] = set()
        for item in value:
            result |= item.free_symbols
        return result
    return set(value.free_symbols)
