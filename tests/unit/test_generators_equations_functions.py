"""Generators for exponents, expressions, equations, inequalities and functions."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tutor.content.answers import check_answer
from tutor.content.generators import equations_functions
from tutor.content.items import GENERATORS, FunctionGenerator, generate, regenerate

SEEDS = range(41)
KP_CSV = Path(__file__).resolve().parents[2] / "content" / "k12-math" / "knowledge_points.csv"
# Knowledge points that algebra.py already covers: this module must add new ones.
OLD_KPS = {
    "exponents.whole_number_exponents",
    "exponents.square_roots",
    "expressions.evaluate",
    "expressions.combine_like_terms",
    "expressions.distributive_property",
    "equations.one_step_add_sub",
    "equations.one_step_mult_div",
    "equations.two_step",
    "equations.variables_both_sides",
    "inequalities.one_step_add_sub",
    "inequalities.flip_negative",
    "inequalities.two_step",
    "functions.slope_two_points",
    "order_ops.mult_before_add",
    "order_ops.with_exponents",
}


def _ours() -> list[FunctionGenerator]:
    return sorted(
        (
            g
            for g in GENERATORS.values()
            if isinstance(g, FunctionGenerator)
            and g.func.__module__ == equations_functions.__name__
        ),
        key=lambda g: g.name,
    )


OURS = _ours()
CASES = [(g.name, level) for g in OURS for level in g.levels]


def test_covers_at_least_25_new_knowledge_points() -> None:
    kps = {g.kp for g in OURS}
    assert not kps & OLD_KPS
    assert len(kps) >= 25
    assert all(len(g.levels) >= 3 for g in OURS)


def test_every_assessed_kp_exists() -> None:
    with KP_CSV.open(encoding="utf-8") as fh:
        known = {row["id"] for row in csv.DictReader(fh)}
    for g in OURS:
        missing = set(g.assesses) - known
        assert not missing, (g.name, missing)
        assert all(0 < w < 1 for kp, w in g.assesses.items() if kp != g.kp)


@pytest.mark.parametrize(("name", "level"), CASES)
def test_items_verify_and_vary(name: str, level: int) -> None:
    prompts = set()
    for seed in SEEDS:
        item = generate(name, level, seed)  # verifies every step claim
        assert regenerate(item.item_id) == item
        assert check_answer(item.answer, item.answer, item.policy).status == "correct"
        assert item.params
        json.dumps(dict(item.params))
        assert item.prompt.strip() and item.prompt_zh.strip()
        assert item.prompt != item.prompt_zh
        prompts.add(item.prompt)
    assert len(prompts) >= 10, f"{name} level {level}: only {len(prompts)} distinct prompts"


@pytest.mark.parametrize(
    "name",
    [
        "exponent_product_rule",
        "exponent_quotient_rule",
        "exponent_power_rule",
        "add_sub_linear",
        "add_sub_polynomials",
    ],
)
def test_question_typed_back_is_not_accepted(name: str) -> None:
    # The checker compares by value, so a simplification item must not take its own question.
    for level in (1, 2, 3):
        for seed in range(15):
            item = generate(name, level, seed)
            status = check_answer(str(item.params["expression"]), item.answer, item.policy).status
            assert status != "correct", item.item_id


# --- hand-checked examples (answers worked out by reading the prompt) ----------------------


def _item(name: str, level: int, seed: int) -> tuple[str, str]:
    item = generate(name, level, seed)
    return item.prompt, item.answer


def test_example_scientific_notation_pair() -> None:
    prompt, answer = _item("scientific_notation", 2, 3)
    assert prompt.startswith("Write 440,000 in scientific notation")
    assert answer == "(4.4, 5)"
    item = generate("scientific_notation", 2, 3)
    assert check_answer("(44, 4)", item.answer, item.policy).status == "incorrect"
    assert check_answer("440000", item.answer, item.policy).status == "incorrect"


def test_example_scientific_division() -> None:
    prompt, answer = _item("scientific_operations", 3, 3)
    assert "(3 × 10^4) ÷ (8 × 10^5)" in prompt
    assert answer == "(3.75, -2)"  # 3/8 = 0.375 and 10^-1 → 3.75 × 10^-2


def test_example_radical_and_exponents() -> None:
    assert _item("radical_simplify", 1, 3) == (
        "Write √32 in simplest form as k√2. What is k?",
        "4",
    )
    prompt, answer = _item("rational_exponent", 3, 3)
    assert "4^(-3/2)" in prompt and answer == "1/8"
    prompt, answer = _item("exponent_zero_negative", 3, 3)
    assert "10^0 + 3^(-1)" in prompt and answer == "4/3"


def test_example_binomial_coefficients() -> None:
    prompt, answer = _item("multiply_binomials", 3, 3)
    assert "(5x - 1)(3x + 4)" in prompt
    assert answer == "(15, 17, -4)"  # 15x^2 + 20x - 3x - 4
    item = generate("special_products", 1, 3)
    assert "(x - 5)^2" in item.prompt and item.answer == "(-10, 25)"
    assert check_answer("(0, 25)", item.answer, item.policy).status == "incorrect"


def test_example_equations_and_systems() -> None:
    prompt, answer = _item("equation_distributive", 3, 3)
    assert "3(x - 7) = -16" in prompt and answer == "x = 5/3"
    prompt, answer = _item("system_elimination", 1, 3)
    assert "5x + 5y = -10 and 4x - 5y = -44" in prompt and answer == "(-6, 4)"
    item = generate("quadratic_by_factoring", 3, 3)
    assert "2x^2 - 11x + 5 = 0" in item.prompt and item.answer == "(1/2, 5)"
    assert check_answer("(5, 1/2)", item.answer, item.policy).status == "incorrect"
    item = generate("equation_x_squared", 1, 3)
    assert "x^2 = 49" in item.prompt and item.answer == "(-7, 7)"


def test_example_inequalities_and_sequences() -> None:
    item = generate("inequality_compound", 3, 3)
    assert "-1 ≤ 11 - 4x < 27" in item.prompt
    assert item.answer == "-4 < x <= 3"
    assert check_answer("x > -4", item.answer, item.policy).status == "incorrect"
    item = generate("inequality_multi_step", 2, 3)
    assert "-9x + 7 < 4x + 137" in item.prompt and item.answer == "x > -10"
    prompt, answer = _item("arithmetic_sequence", 3, 3)
    assert "a_3 = -21 and a_8 = -51" in prompt and answer == "-87"
    item = generate("arithmetic_sequence", 2, 3)
    assert check_answer("8 - 4n", item.answer, item.policy).status == "correct"
