"""Tests for reading and checking students' answers (tutor.content.answers)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import answer_corpus as corpus
from tutor.content.answers import (
    MAX_ANSWER_CHARS,
    AnswerPolicy,
    AnswerTooLong,
    CheckResult,
    ParsedAnswer,
    UnreadableAnswer,
    check_answer,
    normalize,
    parse_answer,
)
from tutor.errors import InputError, TutorError
from tutor.i18n import render

x, y, n, a, b = sp.symbols("x y n a b")


def said(found: CheckResult | UnreadableAnswer) -> str:
    """What the checker tells the student, in English (the code rendered as the CLI does)."""
    return render(found.code, found.params, "en")


R = sp.Rational
S = sp.Integer

# --------------------------------------------------------------------------------------------
# What students type → what we read
# --------------------------------------------------------------------------------------------

PARSE_CASES: list[tuple[str, str, str, Any]] = [
    # integers
    ("12", "number", "integer", S(12)),
    ("  12  ", "number", "integer", S(12)),
    ("-3", "number", "integer", S(-3)),
    ("+3", "number", "integer", S(3)),
    ("1,000", "number", "integer", S(1000)),
    ("1 000", "number", "integer", S(1000)),
    ("12,345,678", "number", "integer", S(12345678)),
    ("1\u00a0000", "number", "integer", S(1000)),  # no-break space from a word processor
    ("(-3)", "number", "integer", S(-3)),
    # fractions and mixed numbers
    ("3/4", "number", "fraction", R(3, 4)),
    (" 3 / 4 ", "number", "fraction", R(3, 4)),
    ("-3/4", "number", "fraction", R(-3, 4)),
    ("2/4", "number", "fraction", R(1, 2)),
    ("1 1/2", "number", "mixed_number", R(3, 2)),
    ("-1 1/2", "number", "mixed_number", R(-3, 2)),
    ("2 3/4", "number", "mixed_number", R(11, 4)),
    ("1½", "number", "mixed_number", R(3, 2)),
    ("½", "number", "fraction", R(1, 2)),
    ("3:4", "number", "fraction", R(3, 4)),  # a ratio reads as its value
    # decimals and percents (exact)
    ("0.75", "number", "decimal", R(3, 4)),
    (".5", "number", "decimal", R(1, 2)),
    ("-.5", "number", "decimal", R(-1, 2)),
    ("1,000.25", "number", "decimal", R(4001, 4)),
    ("0.1", "number", "decimal", R(1, 10)),
    ("75%", "number", "percent", R(3, 4)),
    ("75 %", "number", "percent", R(3, 4)),
    ("12.5%", "number", "percent", R(1, 8)),
    ("-75%", "number", "percent", R(-3, 4)),
    # expressions
    ("2x+3", "expression", "expression", 2 * x + 3),
    ("2x + 3", "expression", "expression", 2 * x + 3),
    ("2 x", "expression", "expression", 2 * x),
    ("3(x+1)", "expression", "expression", 3 * x + 3),
    ("(x+1)(x-1)", "expression", "expression", (x + 1) * (x - 1)),
    ("x^2", "expression", "expression", x**2),
    ("x**2", "expression", "expression", x**2),
    ("x²", "expression", "expression", x**2),
    ("x⁻¹", "expression", "expression", 1 / x),
    ("2·x", "expression", "expression", 2 * x),
    ("2⋅x", "expression", "expression", 2 * x),
    ("X + 1", "expression", "expression", x + 1),
    ("xy", "expression", "expression", x * y),
    ("1/2x", "expression", "expression", x / 2),
    ("-x^2", "expression", "expression", -(x**2)),
    ("2^-1", "number", "expression", R(1, 2)),
    ("2×3", "number", "expression", S(6)),
    ("6÷2", "number", "fraction", S(3)),
    ("√2", "number", "expression", sp.sqrt(2)),
    ("sqrt(8)", "number", "expression", 2 * sp.sqrt(2)),
    ("2√3", "number", "expression", 2 * sp.sqrt(3)),
    ("9π", "number", "expression", 9 * sp.pi),
    ("9pi", "number", "expression", 9 * sp.pi),
    ("4^(1/2)", "number", "expression", S(2)),
    # equations and inequalities
    ("x = 4", "equation", "equation", sp.Eq(x, 4)),
    ("x=4", "equation", "equation", sp.Eq(x, 4)),
    ("4 = x", "equation", "equation", sp.Eq(4, x, evaluate=False)),
    ("x == 4", "equation", "equation", sp.Eq(x, 4)),
    ("y = 2x + 3", "equation", "equation", sp.Eq(y, 2 * x + 3)),
    ("x > 3", "inequality", "inequality", sp.Gt(x, 3)),
    ("x>=3", "inequality", "inequality", sp.Ge(x, 3)),
    ("x ≥ 3", "inequality", "inequality", sp.Ge(x, 3)),
    ("x≤3", "inequality", "inequality", sp.Le(x, 3)),
    ("x =< 3", "inequality", "inequality", sp.Le(x, 3)),
    ("3 < x", "inequality", "inequality", sp.Lt(3, x)),
    ("x <= -2", "inequality", "inequality", sp.Le(x, -2)),
    ("1 < x < 5", "inequality", "inequality", sp.And(sp.Lt(1, x), sp.Lt(x, 5))),
    # points
    ("(2, -1)", "tuple", "tuple", (S(2), S(-1))),
    ("(2,-1)", "tuple", "tuple", (S(2), S(-1))),
    ("(1/2, 0.25)", "tuple", "tuple", (R(1, 2), R(1, 4))),
    ("(1 1/2, 2)", "tuple", "tuple", (R(3, 2), S(2))),
    # unicode minus, dashes, full width, Chinese punctuation
    ("−3", "number", "integer", S(-3)),
    ("–3", "number", "integer", S(-3)),
    ("x − 1", "expression", "expression", x - 1),
    ("３／４", "number", "fraction", R(3, 4)),
    ("－３", "number", "integer", S(-3)),
    ("１２", "number", "integer", S(12)),
    ("０．７５", "number", "decimal", R(3, 4)),
    ("７５％", "number", "percent", R(3, 4)),
    ("（２，－１）", "tuple", "tuple", (S(2), S(-1))),
    ("ｘ＝４", "equation", "equation", sp.Eq(x, 4)),
    ("ｘ＞３", "inequality", "inequality", sp.Gt(x, 3)),
    ("x ≧ 3", "inequality", "inequality", sp.Ge(x, 3)),
    ("3，", "number", "integer", S(3)),
    ("3。", "number", "integer", S(3)),
    ("x = 4。", "equation", "equation", sp.Eq(x, 4)),
    ("0。5", "number", "decimal", R(1, 2)),
    ("3：4", "number", "fraction", R(3, 4)),
    ("答：5", "number", "integer", S(5)),
    ("答案：x = 4", "equation", "equation", sp.Eq(x, 4)),
    ("2×x", "expression", "expression", 2 * x),
    ("6÷3", "number", "fraction", S(2)),
    ("٣", "number", "integer", S(3)),  # Arabic-Indic digit
    ("\u200b12\u200b", "number", "integer", S(12)),  # zero-width spaces
    ("= 4", "number", "integer", S(4)),
    ("5.", "number", "integer", S(5)),
]


def _same(got: object, want: Any) -> bool:
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(map(_same, got, want))
    if (isinstance(want, sp.Basic) and want.is_Relational) or isinstance(want, sp.And):
        return bool(got == want)
    return bool(sp.simplify(sp.sympify(got) - want) == 0)


@pytest.mark.parametrize(("text", "kind", "form", "value"), PARSE_CASES)
def test_parse_table(text: str, kind: str, form: str, value: Any) -> None:
    parsed = parse_answer(text)
    assert isinstance(parsed, ParsedAnswer)
    assert (parsed.kind, parsed.form) == (kind, form)
    assert _same(parsed.value, value), parsed.value


def test_decimals_are_exact_rationals() -> None:
    value = parse_answer("0.1").value
    assert isinstance(value, sp.Rational)
    assert value == R(1, 10)
    assert parse_answer("0.33").value != R(1, 3)


def test_custom_variables() -> None:
    assert parse_answer("2t + 1", variables=("t",)).value == 2 * sp.Symbol("t") + 1
    with pytest.raises(UnreadableAnswer) as info:
        parse_answer("2x", variables=("t",))
    assert said(info.value) == 'The letter "x" isn\'t used in this answer — use t.'


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("  ３／４  ", "3/4"),
        ("（２，－１）", "(2,-1)"),
        ("x  ≥   3", "x >= 3"),
        ("2×3÷4", "2*3/4"),
        ("x²", "x^2"),
        ("1½", "1 1/2"),
        ("3。", "3"),
        ("答：5", "5"),
    ],
)
def test_normalize(text: str, want: str) -> None:
    assert normalize(text) == want


# --------------------------------------------------------------------------------------------
# Refusals, with a specific and kind message
# --------------------------------------------------------------------------------------------

REFUSALS: list[tuple[str, str]] = [
    ("3//4", 'I couldn\'t read "3//4" — write a fraction like 3/4.'),
    ("__import__('os')", '"_" isn\'t used in answers'),
    ("x.__class__", "a dot belongs inside a decimal number"),
    ("lambda", 'I couldn\'t read "lambda"'),
    ("lambda x: x", 'I couldn\'t read "lambda x: x"'),
    ("9^9^9", "too big"),
    ("2^1000", "too big"),
    ("x^101", "too big"),
    ("((((((((((((((((((((((((((1))))))))))))))))))))))))))", "too many brackets"),
    ("", "Please type an answer"),
    ("   ", "Please type an answer"),
    ("。", "Please type an answer"),
    ("2z", 'The letter "z" isn\'t used in this answer — use x, y, n, a or b.'),
    ("2 3", "space between two numbers"),
    ("x2", "for a power use ^"),
    ("0,75", "use a dot for decimals"),
    ("2, -1", "brackets for points"),
    ("(2", "a bracket is missing"),
    ("2)", 'a ")" without a "("'),
    ("()", "the brackets are empty"),
    ("2+", 'something is missing after "+"'),
    ("2+*3", "two signs in a row"),
    ("*3", 'can\'t start with "*"'),
    ("3/0", "divides by zero"),
    ("1 1/0", "divides by zero"),
    ("0^-1", "divides by zero"),
    ("√-4", "isn't a real number"),
    ("(-8)^(1/3)", "isn't a real number"),
    ("2^x", "the power must be a number"),
    ("2^0.123", "simple fraction"),
    ("1.2.3", "only one decimal point"),
    ("x = 4 = 4", 'just one "="'),
    ("1 < x > 3", "point the same way"),
    ("2+2=4", "write just the final answer"),
    ("x ≠ 3", "can't be used in an answer"),
    ("[2, 3]", "round brackets"),
    ("x%", "a % sign goes right after a number"),
    ("x:y", "a ratio like 3:4 uses numbers only"),
    ("3 & 4", '"&" isn\'t used in answers'),
    ("eval(1)", "write just the answer"),
    ("θ", '"θ" isn\'t used in answers'),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSALS)
def test_refusals(text: str, fragment: str) -> None:
    with pytest.raises(UnreadableAnswer) as info:
        parse_answer(text)
    assert fragment in said(info.value)
    assert info.value.code in str(info.value)  # logs and tracebacks name the code
    assert len(said(info.value)) < 200
    result = check_answer(text, "3/4")
    assert result.status == "unreadable"
    assert (result.code, result.params) == (info.value.code, info.value.params)
    assert result.parsed is None


def test_length_limit() -> None:
    assert parse_answer("1" * MAX_ANSWER_CHARS).value == int("1" * MAX_ANSWER_CHARS)
    with pytest.raises(AnswerTooLong) as info:
        parse_answer("1" * (MAX_ANSWER_CHARS + 1))
    assert said(info.value) == (
        "That answer is too long — please write just the answer (at most 200 characters)."
    )
    with pytest.raises(AnswerTooLong):
        parse_answer("x+" * 5000 + "1")  # refused before any work is done
    assert check_answer("1" * 201, "1").status == "unreadable"


def test_exception_hierarchy() -> None:
    assert issubclass(AnswerTooLong, UnreadableAnswer)
    assert issubclass(UnreadableAnswer, InputError)
    assert issubclass(UnreadableAnswer, TutorError)


def test_bad_expected_and_bad_variables_are_caller_errors() -> None:
    with pytest.raises(InputError, match="expected answer"):
        check_answer("3", "3//4")
    with pytest.raises(InputError):
        parse_answer("x", variables=("x_1",))
    with pytest.raises(InputError):
        parse_answer("x", variables="xy")


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------

P = AnswerPolicy()
SIMPLE = AnswerPolicy(require_simplified=True)
NO_DECIMALS = AnswerPolicy(accept_decimal_for_fraction=False)
NO_EQUATIONS = AnswerPolicy(allow_equation_form=False)

CHECK_CASES: list[tuple[str, str, AnswerPolicy, str]] = [
    # numbers: exact
    ("3/4", "3/4", P, "correct"),
    (" ３／４。", "3/4", P, "correct"),
    ("0.75", "3/4", P, "correct"),
    ("75%", "3/4", P, "correct"),
    ("3/4", "0.75", P, "correct"),
    ("0.75", "75%", P, "correct"),
    ("0.33", "1/3", P, "incorrect"),
    ("0.333333", "1/3", P, "incorrect"),
    ("1/3", "1/3", P, "correct"),
    ("-3", "-3", P, "correct"),
    ("−3", "-3", P, "correct"),
    ("3", "-3", P, "incorrect"),
    ("1,000", "1000", P, "correct"),
    ("1 000", "1000", P, "correct"),
    ("1 1/2", "3/2", P, "correct"),
    ("3/2", "1 1/2", P, "correct"),
    ("-1 1/2", "-3/2", P, "correct"),
    ("1 1/2", "-3/2", P, "incorrect"),
    ("(-3)", "-3", P, "correct"),
    # simplest form
    ("2/4", "1/2", P, "correct"),
    ("2/4", "1/2", SIMPLE, "not_simplified"),
    ("1/2", "1/2", SIMPLE, "correct"),
    ("-2/4", "-1/2", SIMPLE, "not_simplified"),
    ("1 2/4", "1 1/2", SIMPLE, "not_simplified"),
    ("1 1/2", "1 1/2", SIMPLE, "correct"),
    ("6/2", "3", P, "not_simplified"),
    ("2×3", "6", P, "not_simplified"),
    ("3+3", "6", P, "not_simplified"),
    ("2(x+1)+1", "2*x + 3", P, "correct"),
    ("2(x+1)+1", "2*x + 3", SIMPLE, "not_simplified"),
    ("x + x + 3", "2*x + 3", SIMPLE, "not_simplified"),
    ("3 + 2x", "2*x + 3", SIMPLE, "correct"),
    # decimals for fractions
    ("0.75", "3/4", NO_DECIMALS, "not_simplified"),
    ("3/4", "3/4", NO_DECIMALS, "correct"),
    ("75", "75%", P, "not_simplified"),
    ("75%", "75%", P, "correct"),
    # expressions
    ("2x+3", "2*x + 3", P, "correct"),
    ("3 + 2x", "2*x + 3", P, "correct"),
    ("2x + 4", "2*x + 3", P, "incorrect"),
    ("x^2 - 1", "(x + 1)*(x - 1)", P, "correct"),
    ("(x-1)(x+1)", "x^2 - 1", P, "correct"),
    ("x^2 + 1", "x^2 - 1", P, "incorrect"),
    ("2y + 3", "2*x + 3", P, "incorrect"),
    ("x/2", "1/2*x", P, "correct"),
    ("√8", "2*sqrt(2)", P, "correct"),
    ("(a+b)^2", "a^2 + 2*a*b + b^2", P, "correct"),
    ("(a+b)^2", "a^2 + b^2", P, "incorrect"),
    # equations
    ("x = 4", "x = 4", P, "correct"),
    ("4 = x", "x = 4", P, "correct"),
    ("x = 4.0", "x = 4", P, "correct"),
    ("x = 5", "x = 4", P, "incorrect"),
    ("y = 4", "x = 4", P, "incorrect"),
    ("4", "x = 4", P, "correct"),
    ("x = 4", "4", P, "correct"),
    ("4", "x = 4", NO_EQUATIONS, "not_simplified"),
    ("x = 4", "4", NO_EQUATIONS, "not_simplified"),
    ("5", "x = 4", P, "incorrect"),
    ("2x = 8", "x = 4", P, "not_simplified"),
    ("x^2 = 16", "x = 4", P, "incorrect"),
    ("x = -1/2", "x = -0.5", P, "correct"),
    ("y = 3 + 2x", "y = 2*x + 3", P, "correct"),
    ("2x - y + 3 = 0", "y = 2*x + 3", P, "not_simplified"),
    ("y = 2x + 4", "y = 2*x + 3", P, "incorrect"),
    ("x^2 - 5x + 6 = 0", "(x - 2)*(x - 3) = 0", P, "correct"),
    ("x^2 = 4", "x^2 - 4 = 0", P, "correct"),
    ("x^2 = 2", "x^2 - 4 = 0", P, "incorrect"),
    # inequalities
    ("x > 3", "x > 3", P, "correct"),
    ("3 < x", "x > 3", P, "correct"),
    ("x ≥ 3", "x > 3", P, "incorrect"),
    ("x > 3", "x >= 3", P, "incorrect"),
    ("x < 3", "x > 3", P, "incorrect"),
    ("3 > x", "x > 3", P, "incorrect"),
    ("x≤-2", "x <= -2", P, "correct"),
    ("-2 >= x", "x <= -2", P, "correct"),
    ("2x > 6", "x > 3", P, "not_simplified"),
    ("-x < -3", "x > 3", P, "not_simplified"),
    ("x = 3", "x > 3", P, "incorrect"),
    ("1 < x < 5", "1 < x < 5", P, "correct"),
    ("5 > x > 1", "1 < x < 5", P, "correct"),
    ("1 <= x < 5", "1 < x < 5", P, "incorrect"),
    ("y > 2x + 1", "y > 2*x + 1", P, "correct"),
    ("2x + 1 < y", "y > 2*x + 1", P, "correct"),
    ("y < 2x + 1", "y > 2*x + 1", P, "incorrect"),
    # points
    ("(2, -1)", "(2, -1)", P, "correct"),
    ("（２，－１）", "(2, -1)", P, "correct"),
    ("(2.0, -1)", "(2, -1)", P, "correct"),
    ("(-1, 2)", "(2, -1)", P, "incorrect"),
    ("(2, -1, 0)", "(2, -1)", P, "incorrect"),
    ("2", "(2, -1)", P, "incorrect"),
    ("(4/2, -1)", "(2, -1)", P, "not_simplified"),
    ("(1/2, 1)", "(2/4, 1)", SIMPLE, "correct"),
    # measurement answers with a tolerance
    ("28.27", "28.274", AnswerPolicy(tolerance=0.01), "correct"),
    ("28.3", "28.274", AnswerPolicy(tolerance=0.01), "incorrect"),
    ("28.3", "28.274", AnswerPolicy(tolerance=0.05), "correct"),
    ("3.14", "pi", AnswerPolicy(tolerance=0.01), "correct"),
    ("3.14", "pi", P, "incorrect"),
    ("9π", "9*pi", P, "correct"),
    # unreadable is not wrong
    ("3//4", "3/4", P, "unreadable"),
    ("", "3/4", P, "unreadable"),
    ("I don't know", "3/4", P, "unreadable"),
    ("t = 4", "x = 4", P, "unreadable"),
    ("t = 4", "t = 4", P, "correct"),  # letters of the expected answer are allowed
]


@pytest.mark.parametrize(("given_text", "expected", "policy", "status"), CHECK_CASES)
def test_check_table(given_text: str, expected: str, policy: AnswerPolicy, status: str) -> None:
    result = check_answer(given_text, expected, policy)
    assert isinstance(result, CheckResult)
    assert result.status == status, result.code
    assert said(result)
    if status == "unreadable":
        assert result.parsed is None or result.code == "answer.cannot_check"
    else:
        assert result.parsed is not None


def test_messages_are_kind_and_do_not_reveal_the_answer() -> None:
    assert said(check_answer("3/4", "3/4")) == "Correct!"
    wrong = check_answer("5/7", "3/4")
    assert said(wrong).startswith("Not quite")
    assert "3/4" not in said(wrong) and "0.75" not in said(wrong)
    assert said(check_answer("2/4", "1/2", SIMPLE)) == (
        "Right value — now write it in simplest form."
    )
    unsolved = check_answer("2x = 24", "x = 12")
    for language in ("en", "zh-Hans"):
        assert "12" not in render(unsolved.code, unsolved.params, language)


# --------------------------------------------------------------------------------------------
# Round trips: canonical strings parse back to the value they were made from
# --------------------------------------------------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789/-.", "０１２３４５６７８９／－．")


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=10**4))
def test_round_trip_fractions(value: Fraction) -> None:
    text = str(value)  # "p/q" or "p"
    parsed = parse_answer(text)
    assert parsed.value == R(value.numerator, value.denominator)
    assert parsed.form == ("integer" if value.denominator == 1 else "fraction")
    assert parse_answer(text.translate(FULL_WIDTH)).value == parsed.value
    assert check_answer(text, text, SIMPLE).status == "correct"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_round_trip_integers(value: int) -> None:
    assert parse_answer(str(value)).value == value
    assert parse_answer(f"{value:,}").value == value
    assert parse_answer(f"{value:,}".replace(",", " ")).value == value
    assert parse_answer(str(value).replace("-", "−")).value == value


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=2, max_value=99).flatmap(
        lambda d: st.tuples(st.integers(min_value=1, max_value=d - 1), st.just(d))
    ),
    st.booleans(),
)
def test_round_trip_mixed_numbers(whole: int, frac: tuple[int, int], negative: bool) -> None:
    num, den = frac
    text = f"{'-' if negative else ''}{whole} {num}/{den}"
    value = (whole + R(num, den)) * (-1 if negative else 1)
    parsed = parse_answer(text)
    assert parsed.value == value
    assert parsed.form == "mixed_number"
    improper = f"{value.p}/{value.q}"
    assert check_answer(text, improper).status == "correct"


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(
        min_value=Decimal("-100000"),
        max_value=Decimal("100000"),
        places=4,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_round_trip_decimals(value: Decimal) -> None:
    text = format(value, "f")
    parsed = parse_answer(text)
    assert parsed.value == R(str(value))  # exact, never a float
    fraction = Fraction(value)
    assert check_answer(text, str(fraction)).status == "correct"


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=-50, max_value=50).filter(bool),
    st.integers(min_value=-50, max_value=50),
    st.sampled_from(["x", "y", "n", "a", "b"]),
)
def test_round_trip_linear_expressions(coef: int, const: int, name: str) -> None:
    symbol = sp.Symbol(name)
    canonical = f"{coef}*{name} + {const}"
    assert parse_answer(canonical).value == coef * symbol + const
    student = f"{const}+{coef}{name}".replace("+-", "-")
    assert check_answer(student, canonical).status == "correct"
    assert check_answer(f"{name} = {const}", f"{name} = {const}").status == "correct"
    assert check_answer(canonical, f"{coef}*{name} + {const + 1}").status == "incorrect"


# --------------------------------------------------------------------------------------------
# Fuzz: nothing but UnreadableAnswer, never a crash. How fast is measured by
# benchmarks/answer_speed.py, not here: a wall-clock bar fails at random on a busy machine.
# --------------------------------------------------------------------------------------------

STATUSES = {"correct", "incorrect", "unreadable", "not_simplified"}


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=60))
def test_fuzz_parse_any_text(text: str) -> None:
    try:
        parse_answer(text)
    except UnreadableAnswer as exc:
        assert said(exc)
        assert exc.code != "answer.cannot_check"


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=60), st.sampled_from(["x = 4", "x > 3", "2*x + 3", "(2, -1)", "3/4"]))
def test_fuzz_check_any_text(text: str, expected: str) -> None:
    result = check_answer(text, expected)
    assert result.status in STATUSES
    assert said(result)


TOKENS = st.sampled_from(corpus.TOKENS)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(TOKENS, max_size=25).map("".join))
def test_fuzz_answer_like_text(text: str) -> None:
    """Text built from answer tokens reaches deep into the parser and the comparisons."""
    try:
        parse_answer(text)
    except UnreadableAnswer as exc:
        assert exc.code != "answer.cannot_check"
    for expected in ("x = 4", "1 < x < 3", "y = 2*x + 1", "(2, -1)"):
        result = check_answer(text, expected)
        assert result.status in STATUSES
        assert result.code != "answer.cannot_check"


@pytest.mark.parametrize(("text", "verdicts"), corpus.HEAVY.items())
def test_heavy_inputs_get_a_verdict_without_expanding(
    text: str, verdicts: tuple[str, str, str, str]
) -> None:
    """Powers that would explode if expanded are compared unexpanded, or refused as too big."""
    for expected, verdict in zip(corpus.EXPECTED, verdicts, strict=True):
        result = check_answer(text, expected)
        assert result.status == verdict, (expected, result)
        if verdict == "unreadable":
            assert result.code == "answer.too_big"


# -- written form: expansions and square roots ------------------------------------------------

EXPANDED = AnswerPolicy(require_simplified=True, require_expanded=True)
SIMPLEST_FORM = AnswerPolicy(require_simplified=True)


@pytest.mark.parametrize(
    ("given", "expected", "status"),
    [
        ("3x+12", "3x+12", "correct"),
        ("12 + 3x", "3x+12", "correct"),
        ("3(x+4)", "3x+12", "not_simplified"),
        ("(x+4)*3", "3x+12", "not_simplified"),
        ("-(x+4)", "-x-4", "not_simplified"),
        ("(x+2)(x+3)", "x^2+5x+6", "not_simplified"),
        ("(x+1)^2", "x^2+2x+1", "not_simplified"),
        ("x^2+2x+1", "x^2+2x+1", "correct"),
        ("3x+13", "3x+12", "incorrect"),
    ],
)
def test_expansion_items_refuse_the_bracketed_question(
    given: str, expected: str, status: str
) -> None:
    assert check_answer(given, expected, EXPANDED).status == status


def test_brackets_are_fine_when_expansion_is_not_the_skill() -> None:
    assert check_answer("3(x+4)", "3x+12").status == "correct"
    assert check_answer("(x+2)(x+3)", "(x+2)(x+3)", EXPANDED).status == "correct"


@pytest.mark.parametrize(
    ("given", "status"),
    [
        ("5sqrt(2)", "correct"),
        ("5√2", "correct"),
        ("sqrt(50)", "not_simplified"),
        ("√50", "not_simplified"),
        ("sqrt(2)*5", "correct"),
        ("4sqrt(2)", "incorrect"),
    ],
)
def test_simplest_radical_form(given: str, status: str) -> None:
    assert check_answer(given, "5sqrt(2)", SIMPLEST_FORM).status == status
