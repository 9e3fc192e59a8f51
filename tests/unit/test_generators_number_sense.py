"""Tests for the place-value, whole-number, multiplication/division and order-of-operations
item generators (tutor.content.generators.number_sense)."""

from __future__ import annotations

import csv
import json
import math
from functools import cache
from pathlib import Path

import pytest

from tutor.content.answers import check_answer
from tutor.content.generators import number_sense
from tutor.content.items import GENERATORS, FunctionGenerator, Item, generate, regenerate

SEEDS = range(41)
KP_FILE = Path(__file__).resolve().parents[2] / "content" / "k12-math" / "knowledge_points.csv"

# Knowledge points that already had a generator elsewhere before this module was written.
ALREADY_COVERED = {
    "whole_ops.add_2digit_regroup",
    "whole_ops.add_within_1000",
    "whole_ops.add_multidigit",
    "whole_ops.subtract_2digit_regroup",
    "whole_ops.subtract_within_1000",
    "whole_ops.subtract_across_zeros",
    "whole_ops.missing_addend",
    "mult_div.facts_2_5_10",
    "mult_div.facts_3_4_6",
    "mult_div.facts_7_8_9",
    "mult_div.division_facts",
    "mult_div.divide_with_remainder",
    "mult_div.multiply_1digit_multidigit",
    "mult_div.multiply_2digit_2digit",
    "mult_div.long_division_1digit",
    "mult_div.greatest_common_factor",
    "mult_div.least_common_multiple",
    "order_ops.mult_before_add",
    "order_ops.with_exponents",
}


def _ours() -> list[str]:
    return sorted(
        name
        for name, gen in GENERATORS.items()
        if isinstance(gen, FunctionGenerator) and gen.func.__module__ == number_sense.__name__
    )


NAMES = _ours()
CASES = [(name, level) for name in NAMES for level in GENERATORS[name].levels]


@cache
def _items(name: str, level: int) -> tuple[Item, ...]:
    return tuple(generate(name, level, seed) for seed in SEEDS)


def _kp_ids() -> set[str]:
    with KP_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


def test_module_covers_at_least_25_new_knowledge_points() -> None:
    kps = {GENERATORS[name].kp for name in NAMES}
    assert len(kps) >= 25, sorted(kps)
    assert not kps & ALREADY_COVERED


def test_every_assessed_knowledge_point_exists() -> None:
    known = _kp_ids()
    for name in NAMES:
        gen = GENERATORS[name]
        missing = set(gen.assesses) - known
        assert not missing, (name, missing)
        assert all(0 < w < 1 for kp, w in gen.assesses.items() if kp != gen.kp), name
        assert len(gen.levels) >= 3


@pytest.mark.parametrize(("name", "level"), CASES)
def test_items_verify_and_regenerate(name: str, level: int) -> None:
    prompts = set()
    for item in _items(name, level):
        assert regenerate(item.item_id) == item
        assert check_answer(item.answer, item.answer, item.policy).status == "correct"
        assert item.params, item.item_id
        json.dumps(dict(item.params))
        assert item.prompt.strip() and item.prompt_zh.strip()
        assert item.prompt != item.prompt_zh
        assert item.steps
        prompts.add(item.prompt)
    assert len(prompts) >= 10, (name, level, len(prompts))


@pytest.mark.parametrize(("name", "level"), CASES)
def test_a_different_number_is_marked_wrong(name: str, level: int) -> None:
    # Every answer here is a whole number, so one more than it must be judged incorrect.
    item = _items(name, level)[0]
    wrong = str(int(item.answer) + 1)
    assert check_answer(wrong, item.answer, item.policy).status == "incorrect"


def test_levels_differ() -> None:
    # A generator's levels must not make the same items: compare prompts level by level.
    for name in NAMES:
        levels = GENERATORS[name].levels
        sets = [{item.prompt for item in _items(name, level)} for level in levels]
        for k in range(len(sets) - 1):
            assert sets[k] != sets[k + 1], name


# ------------------------------------------------------------------ hand-checked examples


def test_count_next_number_crosses_a_ten() -> None:
    item = generate("count_next_number", 2, 3)
    assert item.params["shown"] == [17, 18, 19]
    assert item.answer == "20"


def test_compare_three_digit_smallest() -> None:
    item = generate("compare_three_digit_pick", 3, 3)
    assert item.params["numbers"] == [186, 187, 180]
    assert item.params["ask"] == "smallest"
    assert item.answer == "180"


def test_round_to_place_carries_across_a_nine() -> None:
    item = generate("round_to_place", 3, 3)
    assert item.params["n"] == 77983
    assert item.answer == "78000"  # 77,983 to the nearest hundred


def test_same_digit_two_places_apart_is_worth_100_times() -> None:
    item = generate("place_value_ten_times", 3, 3)
    assert item.params["n"] == 81715
    assert item.answer == "100"  # the 1 in 1,000 against the 1 in 10


def test_estimate_rounds_before_subtracting() -> None:
    item = generate("estimate_by_rounding", 3, 3)
    assert (item.params["a"], item.params["b"], item.params["unit"]) == (703, 591, 10)
    assert item.answer == "110"  # 700 − 590, not the exact 112


def test_compare_word_problem() -> None:
    item = generate("word_problem_within_20", 2, 3)
    assert item.params["kind"] == "compare"
    assert (item.params["start"], item.params["result"]) == (14, 5)
    assert item.answer == "9"


# ------------------------------------------------------------------ answers from params


def test_answers_recompute_from_params() -> None:
    for level in (1, 2, 3):
        for item in _items("make_ten_sum", level):
            assert int(item.answer) == item.params["a"] + item.params["b"]
        for item in _items("multiply_column_multidigit", level):
            assert int(item.answer) == item.params["a"] * item.params["b"]
        for item in _items("subtract_column_multidigit", level):
            assert int(item.answer) == item.params["a"] - item.params["b"]
        for item in _items("divide_by_two_digit", level):
            p = item.params
            assert p["quotient"] * p["divisor"] == p["dividend"]
            assert int(item.answer) == p["quotient"]
        for item in _items("round_to_10_100", level):
            n, unit = item.params["n"], item.params["unit"]
            assert abs(int(item.answer) - n) <= unit // 2
            assert int(item.answer) % unit == 0


def test_interpret_remainders_answers_follow_the_context() -> None:
    for item in _items("remainder_in_context", 3):
        p = item.params
        assert p["size"] * p["quotient"] + p["remainder"] == p["total"]
        expected = {
            "round_up": p["quotient"] + 1,
            "drop": p["quotient"],
            "left_over": p["remainder"],
        }[p["kind"]]
        assert int(item.answer) == expected


def test_prime_items() -> None:
    for item in _items("pick_the_prime", 3):
        primes = [n for n in item.params["numbers"] if all(n % d for d in range(2, n))]
        assert primes == [int(item.answer)]
    for level in (1, 2, 3):
        for item in _items("prime_factor_missing", level):
            factors = item.params["factors"]
            assert math.prod(factors) == item.params["n"]
            assert all(all(f % d for d in range(2, f)) for f in factors)
    # The factorization is asked for part by part: the number itself is never the answer.
    for item in _items("prime_factor_missing", 2):
        assert int(item.answer) == item.params["factors"].count(2)


def test_nested_brackets_are_shown_as_a_textbook_writes_them() -> None:
    item = generate("nested_brackets", 3, 0)
    assert "{" in item.prompt and "[" in item.prompt and "(" in item.prompt
    # the claims stay in round brackets, which the answer parser reads
    assert all("[" not in s.claim and "{" not in s.claim for s in item.steps)


def test_negative_square_is_not_a_square_of_a_negative() -> None:
    for item in _items("integer_order_ops", 3):
        a, b, c = item.params["a"], item.params["b"], item.params["c"]
        assert int(item.answer) == -(a**2) + b**2 * c
