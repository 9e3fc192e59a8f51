"""Items at different levels of a generator are different items (issue 18): the curriculum
page shows one item per level, and "Add Fractions with Unlike Denominators" showed the same
sum reversed at levels 1 and 2."""

from __future__ import annotations

import dataclasses
import math
import re
from fractions import Fraction

import pytest

from tutor.catalog import PREVIEW_SEED
from tutor.content.generators.fractions import unlike_level
from tutor.content.items import GENERATORS, Item, ensure_generators_loaded, generate

ensure_generators_loaded()
NUMBER = re.compile(r"-?\d+(?:[./]\d+)?")
SEEDS = range(40)


def same_item(a: Item, b: Item) -> bool:
    """The same numbers in the same words, in any order (``1/5 + 1/2`` is ``1/2 + 1/5``)."""
    return sorted(NUMBER.findall(a.prompt)) == sorted(NUMBER.findall(b.prompt)) and (
        NUMBER.sub("#", a.prompt) == NUMBER.sub("#", b.prompt)
    )


def test_same_item_sees_a_reversed_sum() -> None:
    one, other = generate("fraction_add_unlike", 1, 1), generate("fraction_add_unlike", 2, 1)
    assert same_item(one, one)
    assert not same_item(one, other)
    swapped = one.prompt.replace(one.params["a"], "@").replace(one.params["b"], one.params["a"])
    reversed_ = dataclasses.replace(one, prompt=swapped.replace("@", one.params["b"]))
    assert same_item(one, reversed_)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_the_levels_the_curriculum_shows_differ(name: str) -> None:
    """The preview of each level (the curriculum page's item per level) is its own item,
    at its own level."""
    levels = sorted(GENERATORS[name].levels)
    items = {level: generate(name, level, PREVIEW_SEED) for level in levels}
    for level, item in items.items():
        assert item.difficulty == level
    for low in levels:
        for high in levels:
            if low < high:
                assert not same_item(items[low], items[high]), (
                    f"{name}: levels {low} and {high} show the same item: "
                    f"{items[low].prompt!r} / {items[high].prompt!r}"
                )


@pytest.mark.parametrize("name", ["fraction_add_unlike", "fraction_subtract_unlike"])
def test_unlike_fraction_levels_are_harder_in_order(name: str) -> None:
    """Level 1: one denominator divides the other; 2: no common factor; 3: a common factor
    and neither divides the other. So no item of one level is an item of another."""
    seen: dict[int, list[Item]] = {}
    for level in (1, 2, 3):
        for seed in SEEDS:
            item = generate(name, level, seed)
            a, b = Fraction(item.params["a"]), Fraction(item.params["b"])
            assert a.denominator != b.denominator
            assert unlike_level(a.denominator, b.denominator) == level, item.prompt
            common = math.lcm(a.denominator, b.denominator)
            if level == 3:
                assert common < a.denominator * b.denominator
            seen.setdefault(level, []).append(item)
    for low, high in ((1, 2), (1, 3), (2, 3)):
        assert not any(same_item(x, y) for x in seen[low] for y in seen[high])
