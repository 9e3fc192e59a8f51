"""Tests for the geometry, measurement and statistics item generators."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tutor.content.answers import check_answer
from tutor.content.items import GENERATORS, Item, generate, regenerate

MODULES = ("geometry", "measurement", "statistics")
SEEDS = range(41)


def _ours() -> list[str]:
    import tutor.content.generators  # noqa: F401  (registers the generators)

    return sorted(
        name
        for name, gen in GENERATORS.items()
        if getattr(gen, "func", None) is not None
        and gen.func.__module__.rsplit(".", 1)[-1] in MODULES  # type: ignore[attr-defined]
    )


NAMES = _ours()
CASES = [(name, level) for name in NAMES for level in GENERATORS[name].levels]


def _kp_ids() -> set[str]:
    path = Path(__file__).resolve().parents[2] / "content" / "k12-math" / "knowledge_points.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize(("name", "level"), CASES)
def test_every_seed_makes_a_verified_reproducible_item(name: str, level: int) -> None:
    prompts = set()
    for seed in SEEDS:
        item = generate(name, level, seed)  # raises if a step claim or the answer is wrong
        assert regenerate(item.item_id) == item
        assert check_answer(item.answer, item.answer, item.policy).status == "correct"
        assert item.params, f"{item.item_id} has no params"
        json.dumps(dict(item.params))
        assert item.prompt.strip() and item.prompt_zh.strip()
        assert item.prompt != item.prompt_zh
        prompts.add(item.prompt)
    assert len(prompts) >= 10, f"{name} level {level}: only {len(prompts)} distinct prompts"


def test_cover_at_least_30_knowledge_points_that_exist() -> None:
    known = _kp_ids()
    kps = {GENERATORS[name].kp for name in NAMES}
    assert len(kps) >= 30, sorted(kps)
    for name in NAMES:
        gen = GENERATORS[name]
        assert gen.kp.split(".")[0] in MODULES
        assert len(gen.levels) >= 3
        for kp, weight in gen.assesses.items():
            assert kp in known, f"{name}: unknown knowledge point {kp}"
            assert 0 < weight <= 1


def test_levels_differ_in_size() -> None:
    # level 3 rectangles are bigger than level 1 ones
    small = max(generate("rectangle_area", 1, s).params["length"] for s in SEEDS)
    big = min(generate("rectangle_area", 3, s).params["length"] for s in SEEDS)
    assert small <= 10 < big


def _item(name: str, level: int, seed: int) -> Item:
    return generate(name, level, seed)


def test_rectangle_area_by_hand() -> None:
    item = _item("rectangle_area", 1, 3)
    p = item.params
    assert item.answer == str(p["length"] * p["width"])
    assert check_answer(f"{item.answer} {p['unit']}²", item.answer, item.policy).status == "correct"
    assert (
        check_answer(f"{item.answer} {p['unit']}", item.answer, item.policy).status == "unreadable"
    )


def test_elapsed_minutes_by_hand() -> None:
    for seed in range(5):
        item = _item("elapsed_minutes", 3, seed)
        assert int(item.answer) == item.params["end"] - item.params["start"]
        assert check_answer(f"{item.answer} minutes", item.answer, item.policy).status == "correct"
        assert check_answer(f"{item.answer}分钟", item.answer, item.policy).status == "correct"


def test_circle_answers_accept_pi_and_close_decimals() -> None:
    item = _item("circle_area", 2, 0)  # in terms of π
    assert item.answer.endswith("pi")
    coefficient = int(item.answer[:-2])
    assert check_answer(f"{coefficient}π", item.answer, item.policy).status == "correct"
    assert check_answer(str(coefficient), item.answer, item.policy).status == "incorrect"
    item = _item("circle_area", 1, 0)  # π ≈ 3.14
    r = item.params["radius"]
    assert check_answer(item.answer, item.answer, item.policy).status == "correct"
    worked_with_pi_key = f"{r * r * 3.14159265:.2f}"
    assert check_answer(worked_with_pi_key, item.answer, item.policy).status == "correct"
    assert check_answer(str(r * r * 3), item.answer, item.policy).status == "incorrect"


def test_pythagoras_by_hand() -> None:
    item = _item("hypotenuse", 1, 0)
    a, b = item.params["a"], item.params["b"]
    assert int(item.answer) ** 2 == a * a + b * b
    item = _item("missing_leg", 3, 0)
    c, a = item.params["c"], item.params["a"]
    assert "sqrt" in item.answer
    decimal = f"{(c * c - a * a) ** 0.5:.2f}"
    assert check_answer(decimal, item.answer, item.policy).status == "correct"


def test_angle_items_take_degrees() -> None:
    item = _item("triangle_third_angle", 1, 0)
    a, b = item.params["angles"]
    assert int(item.answer) == 180 - a - b
    for written in (f"{item.answer}°", f"{item.answer} degrees", f"{item.answer}度"):
        assert check_answer(written, item.answer, item.policy).status == "correct"


def test_midpoint_and_transformations_are_points() -> None:
    item = _item("midpoint_segment", 1, 0)
    p = item.params
    assert item.answer == f"({(p['x1'] + p['x2']) // 2}, {(p['y1'] + p['y2']) // 2})"
    item = _item("transform_point", 2, 0)
    assert item.answer.startswith("(")
    assert check_answer("5", item.answer, item.policy).status == "incorrect"


def test_statistics_by_hand() -> None:
    item = _item("data_mean", 1, 0)
    values = item.params["values"]
    assert int(item.answer) * len(values) == sum(values)
    item = _item("data_range", 3, 0)
    values = item.params["values"]
    assert int(item.answer) == max(values) - min(values)
    item = _item("bag_probability", 2, 0)
    assert check_answer(item.answer, item.answer, item.policy).status == "correct"
    num, den = (int(x) for x in item.answer.split("/")) if "/" in item.answer else (1, 1)
    if den > 1:
        unsimplified = f"{num * 2}/{den * 2}"
        assert check_answer(unsimplified, item.answer, item.policy).status == "not_simplified"


def test_money_accepts_dollars_and_yuan() -> None:
    item = _item("money_total", 3, 0)
    assert check_answer(f"${item.answer}", item.answer, item.policy).status == "correct"
    assert check_answer(f"{item.answer}元", item.answer, item.policy).status == "correct"
    assert check_answer(f"{item.answer} kg", item.answer, item.policy).status == "unreadable"


def test_unknown_seed_kinds_are_refused() -> None:
    from tutor.errors import InputError

    with pytest.raises(InputError):
        generate("rectangle_area", 9, 0)
