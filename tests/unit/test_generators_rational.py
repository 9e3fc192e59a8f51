"""Tests for the fraction, decimal, percent, ratio and signed-number generators (rational.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tutor.content.answers import check_answer
from tutor.content.generators import rational
from tutor.content.items import GENERATORS, FunctionGenerator, generate, regenerate

ROOT = Path(__file__).resolve().parents[2]
SEEDS = range(41)

# Knowledge points that fractions.py and algebra.py already covered before this module,
# plus the two decimal comparisons another module owns.
OLD_KPS = {
    "fractions.equivalent_multiply",
    "fractions.simplify",
    "fractions.compare_unlike",
    "fractions.add_like",
    "fractions.subtract_like",
    "fractions.add_unlike",
    "fractions.subtract_unlike",
    "fractions.mixed_to_improper",
    "fractions.improper_to_mixed",
    "fractions.multiply_fractions",
    "fractions.divide_fractions",
    "fractions.fraction_of_quantity",
    "decimals.add",
    "decimals.subtract",
    "decimals.multiply",
    "decimals.divide_by_whole",
    "decimals.fraction_to_decimal",
    "decimals.compare_hundredths",
    "decimals.compare_thousandths",
    "percent.percent_of_quantity",
    "percent.find_percent",
    "percent.percent_change",
    "ratio.simplify_ratio",
    "ratio.unit_rate",
    "ratio.solve_proportions",
    "integers.add_different_signs",
    "integers.subtract",
    "integers.multiply",
    "integers.divide",
    "integers.absolute_value",
}


def _names() -> list[str]:
    return sorted(
        name
        for name, gen in GENERATORS.items()
        if isinstance(gen, FunctionGenerator) and gen.func.__module__ == rational.__name__
    )


NAMES = _names()
CASES = [(name, level) for name in NAMES for level in GENERATORS[name].levels]


def _kp_ids() -> set[str]:
    with (ROOT / "content" / "k12-math" / "knowledge_points.csv").open(encoding="utf-8") as fh:
        return {row["id"] for row in csv.DictReader(fh)}


def test_module_registers_generators() -> None:
    assert len(NAMES) >= 25


def test_covers_at_least_25_new_knowledge_points() -> None:
    kps = {GENERATORS[name].kp for name in NAMES}
    assert not kps & OLD_KPS, kps & OLD_KPS
    assert len(kps) >= 25, sorted(kps)


def test_every_knowledge_point_named_exists() -> None:
    known = _kp_ids()
    for name in NAMES:
        gen = GENERATORS[name]
        assert set(gen.assesses) <= known, (name, set(gen.assesses) - known)
        assert all(0 < w < 1 for kp, w in gen.assesses.items() if kp != gen.kp), name
        assert len(gen.levels) >= 3


@pytest.mark.parametrize(("name", "level"), CASES)
def test_items_verify_and_vary(name: str, level: int) -> None:
    known = _kp_ids()
    prompts = set()
    for seed in SEEDS:
        item = generate(name, level, seed)  # verifies every step claim and the answer
        assert regenerate(item.item_id) == item
        assert check_answer(item.answer, item.answer, item.policy).status == "correct"
        assert item.params, item.item_id
        json.dumps(dict(item.params))
        assert item.prompt.strip() and item.prompt_zh.strip()
        assert item.prompt != item.prompt_zh
        assert all(s.kp in known for s in item.steps), item.item_id
        prompts.add(item.prompt)
    assert len(prompts) >= 10, (name, level, len(prompts))


def test_levels_differ() -> None:
    for name in NAMES:
        levels = GENERATORS[name].levels
        first = {generate(name, levels[0], s).prompt for s in range(10)}
        last = {generate(name, levels[-1], s).prompt for s in range(10)}
        assert first != last, name


# Hand-checked examples: the item each seed makes was read and its answer worked by hand.


def _check(name: str, level: int, seed: int, prompt_part: str, answer: str) -> None:
    item = generate(name, level, seed)
    assert prompt_part in item.prompt, item.prompt
    assert check_answer(answer, item.answer, item.policy).status == "correct", (
        item.prompt,
        item.answer,
    )


def test_hand_checked_mixed_number_subtraction() -> None:
    # 6 1/3 − 5 2/3: rename 6 1/3 as 5 4/3, then 5 4/3 − 5 2/3 = 2/3.
    item = generate("mixed_number_like_add_sub", 3, 40)
    assert item.prompt.startswith("Work out 6 1/3 − 5 2/3.")
    assert item.answer == "2/3"
    assert check_answer("4/6", item.answer, item.policy).status == "not_simplified"
    # 2 5/8 + 1 5/8 = 3 10/8 = 4 1/4; the improper 17/4 is not the mixed number asked for.
    item = generate("mixed_number_like_add_sub", 2, 40)
    assert item.prompt.startswith("Work out 2 5/8 + 1 5/8.")
    assert item.answer == "4 1/4"
    assert check_answer("17/4", item.answer, item.policy).status == "not_simplified"
    assert check_answer("3 10/8", item.answer, item.policy).status == "not_simplified"


@pytest.mark.parametrize(
    ("name", "level", "seed", "prompt_part", "answer"),
    [
        ("round_decimal", 3, 40, "Round 16.6787 to the nearest hundredth.", "16.68"),
        # 13.995 rounds up through two 9s: 13.99|5 -> 14.00
        ("round_decimal", 3, 0, "Round 13.995 to the nearest hundredth.", "14"),
        ("decimal_digit_value", 2, 40, "In 87.136, what is the value of the digit 3?", "0.03"),
        ("percent_fraction_decimal_convert", 3, 40, "Write 154% as a fraction", "77/50"),
        ("discount_and_markup", 1, 40, "costs 400 yuan. It is on sale at 15% off", "340"),
        ("share_in_ratio", 1, 40, "Share 99 in the ratio 3:8", "72"),
        ("repeating_decimal_to_fraction", 2, 40, "Write 0.9292…", "92/99"),
        ("fraction_to_decimal_long_division", 2, 40, "write 5/6 as a decimal", "0.833"),
    ],
)
def test_hand_checked_examples(
    name: str, level: int, seed: int, prompt_part: str, answer: str
) -> None:
    _check(name, level, seed, prompt_part, answer)


def test_wrong_answers_are_rejected() -> None:
    # 5/6 = 0.8333…: 0.834 is a wrong rounding, and 0.83 is to the wrong place.
    item = generate("fraction_to_decimal_long_division", 2, 40)
    assert item.answer == "0.833"
    assert check_answer("0.834", item.answer, item.policy).status == "incorrect"
    assert check_answer("0.83", item.answer, item.policy).status == "incorrect"
    # 154% = 77/50: the decimal 1.54 is the right value but not the fraction asked for.
    item = generate("percent_fraction_decimal_convert", 3, 40)
    assert check_answer("1.54", item.answer, item.policy).status == "not_simplified"
    assert check_answer("154/100", item.answer, item.policy).status == "not_simplified"


def test_params_record_the_draw() -> None:
    item = generate("share_in_ratio", 1, 0)
    ratio, total = item.params["ratio"], item.params["total"]
    assert total % sum(ratio) == 0
    assert int(item.answer) == max(ratio) * total // sum(ratio)
    item = generate("simple_interest", 2, 0)
    p = item.params
    assert float(item.answer) == pytest.approx(p["principal"] * float(p["rate"]) / 100 * p["years"])
