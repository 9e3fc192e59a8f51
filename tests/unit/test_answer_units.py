"""Tests for answers written with units (AnswerPolicy.units in tutor.content.answers)."""

from __future__ import annotations

import pytest

from tutor.content.answers import UNIT_SETS, AnswerPolicy, CheckResult, check_answer
from tutor.i18n import render

AREA = AnswerPolicy(units=UNIT_SETS["cm²"])
DEGREES = AnswerPolicy(units=UNIT_SETS["°"])
MONEY = AnswerPolicy(units=UNIT_SETS["$"])
YUAN = AnswerPolicy(units=UNIT_SETS["元"])
MINUTES = AnswerPolicy(units=UNIT_SETS["min"])
KG = AnswerPolicy(units=UNIT_SETS["kg"])


def status(given: str, expected: str, policy: AnswerPolicy) -> str:
    return check_answer(given, expected, policy).status


def said(result: CheckResult) -> str:
    """The checker's message in English, as the CLI prints it."""
    return render(result.code, result.params, "en")


def test_a_number_without_unit_is_still_correct() -> None:
    assert status("24", "24", AREA) == "correct"
    assert status("3.5", "7/2", KG) == "correct"
    assert status("25", "24", AREA) == "incorrect"


@pytest.mark.parametrize(
    "written",
    [
        "24 cm²",
        "24cm²",
        "24 cm^2",
        "24cm2",
        "24 sq cm",
        "24 square centimeters",
        "24 CM²",
        "２４ｃｍ²",
        "24㎠",
        "24平方厘米",
        "24 cm².",
        "答：24平方厘米。",
    ],
)
def test_the_right_unit_is_accepted(written: str) -> None:
    assert status(written, "24", AREA) == "correct"


def test_a_wrong_value_with_the_right_unit_is_incorrect_not_unreadable() -> None:
    assert status("25 cm²", "24", AREA) == "incorrect"


@pytest.mark.parametrize("written", ["24 cm", "24 m²", "24厘米", "24 kg", "24°"])
def test_a_wrong_unit_is_refused_kindly_naming_the_unit(written: str) -> None:
    result = check_answer(written, "24", AREA)
    assert result.status == "unreadable"
    assert result.code == "answer.wrong_unit"
    assert "cm²" in said(result)
    assert "24" in said(result)  # the student's own number, as the example


def test_the_refusal_never_shows_the_expected_answer() -> None:
    result = check_answer("7 cm", "24", AREA)
    assert result.status == "unreadable"
    assert "24" not in said(result)


def test_a_unit_alone_asks_for_the_number() -> None:
    result = check_answer("cm²", "24", AREA)
    assert result.status == "unreadable"
    assert "number" in said(result)


@pytest.mark.parametrize("written", ["24 cm", "24 cm²", "$24", "24°", "24元"])
def test_units_on_an_item_without_units_stay_unreadable(written: str) -> None:
    assert status(written, "24", AnswerPolicy()) == "unreadable"


@pytest.mark.parametrize("written", ["45°", "45 °", "45 degrees", "45 deg", "45度"])
def test_degrees(written: str) -> None:
    assert status(written, "45", DEGREES) == "correct"


def test_degrees_refuse_a_length_unit() -> None:
    result = check_answer("45 cm", "45", DEGREES)
    assert result.status == "unreadable"
    assert "°" in said(result)


@pytest.mark.parametrize("written", ["$12.50", "$ 12.50", "12.50 dollars", "12.5"])
def test_dollars_before_or_after(written: str) -> None:
    assert status(written, "25/2", MONEY) == "correct"


@pytest.mark.parametrize("written", ["12元", "¥12", "￥12", "12 yuan", "12块"])
def test_chinese_money(written: str) -> None:
    assert status(written, "12", YUAN) == "correct"


def test_another_currency_is_a_wrong_unit() -> None:
    assert status("¥12.50", "25/2", MONEY) == "unreadable"


@pytest.mark.parametrize("written", ["95 min", "95min", "95 minutes", "95分钟", "95分"])
def test_minutes_including_zh(written: str) -> None:
    assert status(written, "95", MINUTES) == "correct"


def test_hours_for_a_minutes_answer_are_refused() -> None:
    result = check_answer("95 h", "95", MINUTES)
    assert result.status == "unreadable"
    assert "min" in said(result)


@pytest.mark.parametrize("written", ["3.5 kg", "3.5千克", "3.5公斤", "3 1/2 kg", "7/2 kg"])
def test_mass_with_decimals_fractions_and_zh(written: str) -> None:
    assert status(written, "7/2", KG) == "correct"


def test_grams_are_not_kilograms() -> None:
    assert status("3.5 g", "7/2", KG) == "unreadable"


def test_a_unit_works_with_pi_answers() -> None:
    assert status("16π cm²", "16pi", AREA) == "correct"
    assert status("16pi平方厘米", "16pi", AREA) == "correct"


def test_an_unknown_word_is_unreadable_as_before() -> None:
    result = check_answer("24 apples", "24", AREA)
    assert result.status == "unreadable"
    assert "cm²" not in said(result)


def test_a_word_unit_needs_a_break_before_it() -> None:
    # "min" must not be read as "mi" + "n", nor "2mi" as the number 2 and a stray letter
    assert status("2min", "2", MINUTES) == "correct"
    assert status("2 mi", "2", MINUTES) == "unreadable"
