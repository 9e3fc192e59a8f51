"""Tests for the misconception (buggy-rule) library (tutor.content.misconceptions)."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.content import misconceptions as mcs
from tutor.content.answers import check_answer
from tutor.content.items import GENERATORS, Item, generate
from tutor.content.misconceptions import (
    RULES,
    Misconception,
    MisconceptionLibraryError,
    buggy_answer,
    get_misconception,
    load_misconceptions,
    match_misconceptions,
    misconceptions_for_generator,
)
from tutor.errors import NotFoundError, TutorError
from tutor.resources import shipped_path

# Items are measured over seeds 0..SEEDS-1 at every level of each generator. The inequality
# generators get fewer seeds: every check of an inequality answer solves it with sympy
# (~70 ms), and the whole file should stay well under 20 s on two cores.
SEEDS = 15
SLOW_SEEDS = 6
SLOW = frozenset({"inequality_one_step", "inequality_flip", "inequality_two_step"})
MIN_COVERAGE = 0.30
OK_STATUSES = ("correct", "not_simplified")


@functools.cache
def items_of(name: str) -> tuple[Item, ...]:
    """The measured items of one generator (made once for the whole file)."""
    return tuple(
        generate(name, level, seed)
        for level in GENERATORS[name].levels
        for seed in range(SLOW_SEEDS if name in SLOW else SEEDS)
    )


@functools.cache
def answers_of(mc_id: str) -> tuple[tuple[Item, str | None], ...]:
    """Every measured item of the rule's generators with the rule's answer for it."""
    mc = get_misconception(mc_id)
    return tuple((item, RULES[mc_id](item)) for name in mc.generators for item in items_of(name))


def assert_readable_and_wrong(item: Item, answer: str) -> None:
    """The buggy answer is in the answer syntax and judged wrong for ``item``.

    The answer is read with the letters of the item's own answer (an exponent item may use
    m and n), so "incorrect" here also means "readable": an unreadable one is "unreadable".
    """
    result = check_answer(answer, item.answer, item.policy)
    assert result.status == "incorrect", (item.item_id, answer, result.code)
    assert result.parsed is not None


def _kp_ids() -> set[str]:
    path = shipped_path("content/k12-math/knowledge_points.csv")
    with path.open(encoding="utf-8") as fh:
        return {row["id"] for row in csv.DictReader(fh)}


def _item(name: str, **params: Any) -> Item:
    """A real item of ``name`` whose params are replaced (rules read nothing else)."""
    base = generate(name, 1, 0)
    return Item(
        item_id=base.item_id,
        generator=name,
        kp=base.kp,
        difficulty=params.pop("difficulty", base.difficulty),
        seed=0,
        prompt=base.prompt,
        prompt_zh=base.prompt_zh,
        answer=params.pop("answer"),
        policy=base.policy,
        steps=base.steps,
        params=params,
    )


# --------------------------------------------------------------------------------------------
# The data and its cross-checks
# --------------------------------------------------------------------------------------------


def test_library_is_big_enough_and_consistent() -> None:
    library = load_misconceptions()
    assert len(library) >= 110
    ids = [m.id for m in library]
    assert ids == sorted(set(ids))
    assert set(ids) == set(RULES)
    kps = _kp_ids()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for m in library:
        assert re.fullmatch(r"mc\.[a-z0-9_.]+", m.id)
        assert m.signals and set(m.signals) <= kps, m.id
        assert m.generators and set(m.generators) <= set(GENERATORS), m.id
        assert cjk.search(m.description_zh) and not cjk.search(m.description), m.id
    # rules are spread over the areas that have generators
    areas = {g.split("_")[0] for m in library for g in m.generators}
    assert {"fraction", "decimal", "percent", "integer", "equation", "inequality"} <= areas
    # ... and over measurement, geometry, statistics and functions too
    assert {"circle", "triangle", "hypotenuse", "data", "exponent", "arithmetic"} <= areas


def test_load_is_cached() -> None:
    assert load_misconceptions() is load_misconceptions()


def test_get_and_list() -> None:
    mc = get_misconception("mc.frac_add_across")
    assert isinstance(mc, Misconception)
    assert "fraction_add_unlike" in mc.generators
    assert mc in misconceptions_for_generator("fraction_add_unlike")
    listed = misconceptions_for_generator("fraction_divide")
    assert [m.id for m in listed] == sorted(m.id for m in listed)
    assert misconceptions_for_generator("no_such_generator") == ()
    with pytest.raises(NotFoundError, match=r"misconceptions\.csv"):
        get_misconception("mc.not_a_bug")
    with pytest.raises(NotFoundError):
        buggy_answer("mc.not_a_bug", generate("fraction_add_unlike", 1, 0))


HEADER = "id,description,description_zh,signals,generators\n"
GOOD = (
    "mc.frac_add_across,Adds across.,分子分母分别相加。,fractions.add_unlike,fraction_add_unlike\n"
)


@pytest.fixture
def fake_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Point the loader at a temporary misconceptions file (the cache is cleared around it)."""
    path = tmp_path / "misconceptions.csv"
    real = shipped_path

    def fake(relative: str) -> Path:
        return path if relative == mcs.MISCONCEPTIONS_FILE else real(relative)

    monkeypatch.setattr(mcs, "shipped_path", fake)
    load_misconceptions.cache_clear()
    yield path
    monkeypatch.undo()
    load_misconceptions.cache_clear()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("fractions.add_unlike", "fractions.nonsense"), "not knowledge points"),
        (GOOD.replace(",fraction_add_unlike", ",no_such_generator"), "unknown item generators"),
        (GOOD.replace("mc.frac_add_across", "mc.brand_new"), "has no rule function"),
        (GOOD.replace("mc.frac_add_across", "Frac Add"), "must look like"),
        (GOOD + GOOD, "appears twice"),
        (GOOD.replace("Adds across.", ""), "both descriptions"),
    ],
)
def test_bad_rows_are_refused(fake_csv: Path, row: str, message: str) -> None:
    fake_csv.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(MisconceptionLibraryError, match=message) as info:
        load_misconceptions()
    assert isinstance(info.value, TutorError)


def test_rules_without_rows_are_refused(fake_csv: Path) -> None:
    fake_csv.write_text(HEADER + GOOD, encoding="utf-8")  # one row, but 50+ rule functions
    with pytest.raises(MisconceptionLibraryError, match="have no row"):
        load_misconceptions()


def test_the_shipped_file_loads_again_after_the_fake(fake_csv: Path) -> None:
    fake_csv.write_text(HEADER + GOOD, encoding="utf-8")
    with pytest.raises(MisconceptionLibraryError):
        load_misconceptions()
    load_misconceptions.cache_clear()
    fake_csv.write_text(
        (shipped_path(mcs.MISCONCEPTIONS_FILE)).read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert len(load_misconceptions()) == len(RULES)


# --------------------------------------------------------------------------------------------
# Properties of every rule
# --------------------------------------------------------------------------------------------

PAIRS = [(m.id, g) for m in load_misconceptions() for g in m.generators]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_rule_answers_are_readable_wrong_and_matched(data: st.DataObject) -> None:
    mc_id, name = data.draw(st.sampled_from(PAIRS), label="rule, generator")
    item = data.draw(st.sampled_from(items_of(name)), label="item")
    answer = RULES[mc_id](item)
    if answer is None:
        return
    assert_readable_and_wrong(item, answer)
    assert mc_id in [m.id for m in match_misconceptions(item, answer)]
    assert buggy_answer(mc_id, item) == answer


@pytest.mark.parametrize("mc_id", sorted(RULES))
def test_every_rule_applies_often_enough(mc_id: str) -> None:
    """A rule must give an answer for at least 30% of its generators' items.

    Measured over seeds 0..14 at every level of each generator (0..5 for the slow inequality
    generators); every answer found is also checked to be readable and wrong.
    """
    answered = [(item, answer) for item, answer in answers_of(mc_id) if answer is not None]
    total = len(answers_of(mc_id))
    assert total > 0
    assert len(answered) / total >= MIN_COVERAGE, f"{mc_id}: {len(answered)}/{total}"
    for item, answer in answered:
        assert_readable_and_wrong(item, answer)


def test_rules_give_none_for_other_generators() -> None:
    item = generate("powers", 1, 0)
    assert buggy_answer("mc.frac_add_across", item) is None


# --------------------------------------------------------------------------------------------
# match_misconceptions never raises and never blames a right answer
# --------------------------------------------------------------------------------------------

SAMPLE = [generate(name, 2, 1) for name in ("fraction_add_unlike", "integer_add", "distribute")]


@settings(max_examples=120, deadline=None)
@given(
    index=st.integers(0, len(SAMPLE) - 1),
    text=st.one_of(
        st.text(max_size=60),
        st.text(alphabet="0123456789/.-+x() %:<>=", max_size=20),
    ),
)
def test_match_never_raises(index: int, text: str) -> None:
    result = match_misconceptions(SAMPLE[index], text)
    assert isinstance(result, list)
    assert all(isinstance(m, Misconception) for m in result)


@pytest.mark.parametrize("name", sorted({g for m in load_misconceptions() for g in m.generators}))
def test_right_answers_match_nothing(name: str) -> None:
    item = items_of(name)[-1]
    assert match_misconceptions(item, item.answer) == []


def test_unreadable_and_not_simplified_answers_match_nothing() -> None:
    item = _item("fraction_add_unlike", a="1/2", b="1/4", op="+", answer="3/4")
    assert match_misconceptions(item, "6/8") == []  # right value, not in lowest terms
    assert match_misconceptions(item, "two fifths") == []
    assert match_misconceptions(item, "") == []
    assert match_misconceptions(item, 3) == []  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# The classic bugs, by hand
# --------------------------------------------------------------------------------------------

CLASSICS = [
    # (generator, params and answer, misconception, buggy answer)
    (
        "fraction_add_unlike",
        {"a": "1/2", "b": "1/3", "op": "+", "answer": "5/6"},
        "mc.frac_add_across",
        "2/5",
    ),
    (
        "fraction_add_unlike",
        {"a": "1/2", "b": "1/4", "op": "+", "answer": "3/4"},
        "mc.frac_common_den_keep_numerators",
        "1/2",
    ),
    (
        "fraction_subtract_unlike",
        {"a": "3/4", "b": "1/2", "op": "-", "answer": "1/4"},
        "mc.frac_sub_across",
        "1",
    ),
    ("fraction_divide", {"a": "1/2", "b": "1/4", "answer": "2"}, "mc.frac_div_no_invert", "1/8"),
    (
        "fraction_divide",
        {"a": "3/4", "b": "1/2", "answer": "3/2"},
        "mc.frac_div_invert_dividend",
        "2/3",
    ),
    (
        "fraction_divide",
        {"a": "1/2", "b": "1/6", "answer": "3"},
        "mc.frac_div_larger_by_smaller",
        "1/3",
    ),
    (
        "fraction_equivalent",
        {"num": 2, "den": 3, "k": 2, "answer": "4"},
        "mc.frac_equiv_additive",
        "5",
    ),
    (
        "mixed_to_improper",
        {"whole": 2, "num": 1, "den": 3, "answer": "7/3"},
        "mc.mixed_to_improper_add_whole",
        "3/3",
    ),
    (
        "improper_to_mixed",
        {"top": 11, "den": 4, "whole": 2, "num": 3, "answer": "2 3/4"},
        "mc.improper_to_mixed_swap",
        "3 2/4",
    ),
    ("fraction_to_decimal", {"num": 3, "den": 4, "answer": "0.75"}, "mc.frac_to_dec_digits", "3.4"),
    ("subtract_2digit", {"a": 52, "b": 38, "answer": "14"}, "mc.sub_smaller_from_larger", "26"),
    ("subtract_2digit", {"a": 52, "b": 38, "answer": "14"}, "mc.sub_borrow_no_decrement", "24"),
    (
        "subtract_across_zeros",
        {"a": 400, "b": 27, "answer": "373"},
        "mc.sub_borrow_across_zero_stops",
        "473",
    ),
    ("add_2digit", {"a": 47, "b": 38, "answer": "85"}, "mc.add_no_carry", "75"),
    ("add_2digit", {"a": 47, "b": 38, "answer": "85"}, "mc.add_column_sums_written", "715"),
    (
        "multiply_1digit",
        {"a": 37, "b": 4, "answer": "148"},
        "mc.mult_add_carry_before_multiplying",
        "208",
    ),
    (
        "multiply_1digit",
        {"a": 37, "b": 4, "answer": "148"},
        "mc.mult_partial_products_side_by_side",
        "1228",
    ),
    (
        "multiply_2digit",
        {"a": 23, "b": 45, "answer": "1035"},
        "mc.mult_2digit_no_placeholder",
        "207",
    ),
    (
        "multiply_2digit",
        {"a": 23, "b": 45, "answer": "1035"},
        "mc.mult_2digit_matching_places",
        "815",
    ),
    ("decimal_add", {"a": "2.5", "b": "1.25", "answer": "3.75"}, "mc.dec_right_align", "1.5"),
    (
        "decimal_multiply",
        {"a": "0.3", "b": "0.2", "a_places": 1, "b_places": 1, "answer": "0.06"},
        "mc.dec_mult_places_like_addition",
        "0.6",
    ),
    (
        "decimal_compare_hundredths",
        {"numbers": ["0.25", "0.3"], "answer": "0.3"},
        "mc.dec_longer_is_larger",
        "0.25",
    ),
    (
        "decimal_compare_hundredths",
        {"numbers": ["0.4", "0.45"], "answer": "0.45"},
        "mc.dec_shorter_is_larger",
        "0.4",
    ),
    ("integer_compare", {"numbers": [-7, -3], "answer": "-3"}, "mc.int_compare_by_size", "-7"),
    ("integer_subtract", {"a": -3, "b": 5, "answer": "-8"}, "mc.int_sub_smaller_from_larger", "2"),
    ("integer_subtract", {"a": 4, "b": -6, "answer": "10"}, "mc.int_sub_double_negative", "-2"),
    ("integer_add", {"a": -8, "b": 3, "answer": "-5"}, "mc.int_add_sizes_keep_sign", "-11"),
    ("powers", {"base": 2, "exponent": 3, "answer": "8"}, "mc.power_times_exponent", "6"),
    (
        "order_ops_basic",
        {"a": 3, "b": 4, "c": 5, "answer": "23"},
        "mc.order_ops_left_to_right",
        "35",
    ),
    (
        "distribute",
        {"a": 3, "p": 1, "q": 4, "answer": "3x + 12"},
        "mc.distribute_first_term_only",
        "3x + 4",
    ),
    (
        "distribute",
        {"a": -3, "p": 1, "q": -4, "difficulty": 2, "answer": "-3x + 12"},
        "mc.distribute_negative_sign",
        "-3x - 12",
    ),
    (
        "combine_like_terms",
        {"a": 3, "b": 0, "c": 4, "d": 0, "answer": "7x"},
        "mc.combine_multiply_letters",
        "7x^2",
    ),
    (
        "equation_one_step_mult",
        {"form": "ax", "a": 3, "rhs": 12, "answer": "x = 4"},
        "mc.eq_subtract_coefficient",
        "x = 9",
    ),
    (
        "equation_two_step",
        {"a": 2, "b": 6, "c": 14, "answer": "x = 4"},
        "mc.eq_move_without_sign_change",
        "x = 10",
    ),
    (
        "inequality_flip",
        {"a": -2, "rhs": "6", "rel": ">", "answer": "x < -3"},
        "mc.ineq_keep_sign_negative",
        "x > -3",
    ),
    (
        "slope_two_points",
        {"x1": 1, "y1": 2, "x2": 3, "y2": 8, "answer": "3"},
        "mc.slope_run_over_rise",
        "1/3",
    ),
    (
        "slope_two_points",
        {"x1": 1, "y1": 2, "x2": 3, "y2": 8, "answer": "3"},
        "mc.slope_mixed_order",
        "-3",
    ),
    (
        "percent_find",
        {"part": 10, "whole": 50, "answer": "20%"},
        "mc.percent_find_inverted",
        "500%",
    ),
    (
        "percent_change",
        {"old": 40, "new": 50, "percent": 25, "answer": "25%"},
        "mc.percent_change_new_base",
        "20%",
    ),
    (
        "solve_proportion",
        {"a": 2, "b": 3, "d": 6, "answer": "x = 4"},
        "mc.proportion_additive",
        "x = 5",
    ),
    (
        "solve_proportion",
        {"a": 2, "b": 3, "d": 6, "answer": "x = 4"},
        "mc.proportion_divide_wrong_way",
        "x = 9",
    ),
    (
        "missing_addend",
        {"known": 5, "total": 12, "shape": "a+□", "answer": "7"},
        "mc.missing_addend_add_all",
        "17",
    ),
]


# Measurement, geometry, statistics, functions and the newer number generators
CLASSICS += [
    (
        "rectangle_area",
        {"unit": "cm", "length": 5, "width": 3, "answer": "15"},
        "mc.area_perimeter_confused",
        "16",
    ),
    (
        "perimeter_polygon",
        {"unit": "cm", "length": 8, "width": 5, "answer": "26"},
        "mc.perimeter_one_length_one_width",
        "13",
    ),
    (
        "triangle_area",
        {"unit": "cm", "base": 6, "height": 4, "answer": "12"},
        "mc.triangle_area_no_half",
        "24",
    ),
    (
        "parallelogram_area",
        {"unit": "cm", "base": 6, "height": 4, "answer": "24"},
        "mc.parallelogram_area_halved",
        "12",
    ),
    (
        "parallelogram_area",
        {"unit": "cm", "base": 8, "height": 4, "slant_side": 5, "difficulty": 2, "answer": "32"},
        "mc.area_slanted_side_as_height",
        "40",
    ),
    (
        "trapezoid_area",
        {"unit": "cm", "top": 3, "bottom": 5, "height": 4, "answer": "16"},
        "mc.trapezoid_area_no_half",
        "32",
    ),
    (
        "circle_area",
        {"unit": "cm", "diameter": 6, "pi": "exact", "difficulty": 2, "answer": "9pi"},
        "mc.circle_diameter_as_radius",
        "36pi",
    ),
    (
        "circle_area",
        {"unit": "cm", "radius": 5, "pi": "exact", "answer": "25pi"},
        "mc.circle_area_circumference_formula",
        "10pi",
    ),
    (
        "circle_circumference",
        {"unit": "cm", "radius": 3, "pi": "exact", "difficulty": 2, "answer": "6pi"},
        "mc.circumference_radius_diameter_mixed",
        "3pi",
    ),
    (
        "cone_volume",
        {"unit": "cm", "radius": 3, "height": 4, "pi": "exact", "answer": "12pi"},
        "mc.volume_formula_fraction_dropped",
        "36pi",
    ),
    (  # 9:45 to 10:20
        "elapsed_minutes",
        {"start": 585, "end": 620, "answer": "35"},
        "mc.time_hour_as_hundred_minutes",
        "75",
    ),
    (
        "metric_decimal_convert",
        {
            "from_unit": "kg",
            "to_unit": "g",
            "amount": "3",
            "factor": 1000,
            "difficulty": 2,
            "answer": "3000",
        },
        "mc.metric_factor_always_100",
        "300",
    ),
    (
        "unit_convert",
        {
            "big": "m",
            "small": "cm",
            "factor": 100,
            "big_amount": 5,
            "small_amount": 0,
            "answer": "500",
        },
        "mc.unit_convert_wrong_direction",
        "0.05",
    ),
    (
        "complement_supplement",
        {"angle": 40, "ask": "complement", "answer": "50"},
        "mc.complement_supplement_swapped",
        "140",
    ),
    (
        "triangle_third_angle",
        {"angles": [50, 60], "answer": "70"},
        "mc.triangle_angle_sum_360",
        "250",
    ),
    (
        "exterior_angle",
        {"remote": [40, 70], "answer": "110"},
        "mc.exterior_angle_as_interior",
        "70",
    ),
    ("intersecting_angles", {"angle": 70, "answer": "70"}, "mc.vertical_adjacent_confused", "110"),
    (
        "parallel_lines_angles",
        {"angle": 70, "pair": "corresponding", "answer": "70"},
        "mc.parallel_angle_pairs_confused",
        "110",
    ),
    (
        "triangle_third_side",
        {"a": 3, "b": 7, "ask": "largest", "answer": "9"},
        "mc.triangle_inequality_ends_included",
        "10",
    ),
    ("hypotenuse", {"a": 3, "b": 4, "answer": "5"}, "mc.pythagoras_add_sides", "7"),
    ("hypotenuse", {"a": 3, "b": 4, "answer": "5"}, "mc.pythagoras_no_square_root", "25"),
    (
        "missing_leg",
        {"c": 13, "a": 5, "answer": "12"},
        "mc.pythagoras_leg_add_squares",
        "sqrt(194)",
    ),
    (
        "distance_two_points",
        {"x1": 1, "y1": 1, "x2": 4, "y2": 5, "answer": "5"},
        "mc.pythagoras_add_sides",
        "7",
    ),
    (
        "midpoint_segment",
        {"x1": 2, "y1": 4, "x2": 8, "y2": 10, "answer": "(5, 7)"},
        "mc.midpoint_half_difference",
        "(3, 3)",
    ),
    (
        "distance_same_line",
        {"x1": 3, "y1": 2, "x2": 3, "y2": 7, "answer": "5"},
        "mc.distance_add_coordinates",
        "9",
    ),
    (
        "trig_ratio",
        {"opposite": 3, "adjacent": 4, "hypotenuse": 5, "ask": "sin", "answer": "3/5"},
        "mc.trig_opposite_adjacent_swapped",
        "4/5",
    ),
    ("data_mean", {"values": [4, 6, 8], "answer": "6"}, "mc.mean_total_not_divided", "18"),
    ("data_median", {"values": [9, 2, 5], "answer": "5"}, "mc.median_without_sorting", "2"),
    ("data_mode", {"values": [3, 5, 5, 5, 7], "answer": "5"}, "mc.mode_as_frequency", "3"),
    ("data_mode", {"values": [2, 2, 2, 5, 9], "answer": "2"}, "mc.mode_largest_value", "9"),
    ("data_range", {"values": [4, 9, 15], "answer": "11"}, "mc.range_largest_value", "15"),
    ("data_iqr", {"values": [1, 3, 5, 7, 9, 11, 13], "answer": "8"}, "mc.iqr_as_range", "12"),
    (
        "bag_probability",
        {"counts": {"red": 3, "blue": 5}, "want": ["red"], "answer": "3/8"},
        "mc.probability_favourable_to_unfavourable",
        "3/5",
    ),
    (
        "independent_and",
        {"probabilities": ["1/2", "1/6"], "answer": "1/12"},
        "mc.independent_events_add",
        "2/3",
    ),
    (
        "or_probability",
        {"pa": "0.5", "pb": "0.4", "pab": "0.2", "answer": "0.7"},
        "mc.or_probability_double_count",
        "0.9",
    ),
    (
        "table_conditional",
        {
            "table": {"Grade 7": {"art": 12, "sport": 18}, "Grade 8": {"art": 20, "sport": 30}},
            "ask": "P(art | Grade 7)",
            "answer": "2/5",
        },
        "mc.conditional_whole_table_denominator",
        "3/20",
    ),
    (
        "exponent_product_rule",
        {"c1": 1, "c2": 1, "powers1": [["x", 3]], "powers2": [["x", 4]], "answer": "x^7"},
        "mc.exp_product_multiplies_exponents",
        "x^12",
    ),
    (
        "exponent_power_rule",
        {"c": 1, "powers": [["x", 3]], "n": 4, "answer": "x^12"},
        "mc.exp_power_adds_exponents",
        "x^7",
    ),
    (
        "exponent_power_rule",
        {"c": 3, "powers": [["x", 2]], "n": 2, "answer": "9x^4"},
        "mc.exp_power_coefficient_not_raised",
        "3x^4",
    ),
    (
        "exponent_zero_negative",
        {"base": "2", "exponent": -3, "answer": "1/8"},
        "mc.exp_negative_makes_negative",
        "-8",
    ),
    (
        "exponent_cube_root",
        {"radicand": "27", "root": "3", "answer": "3"},
        "mc.cube_root_divide_by_three",
        "9",
    ),
    (
        "scientific_notation",
        {"number": "0.004", "a": "4", "n": -3, "direction": "to_scientific", "answer": "(4, -3)"},
        "mc.sci_notation_exponent_sign",
        "(4, 3)",
    ),
    (
        "arithmetic_sequence",
        {"first": 3, "d": 2, "k": 10, "answer": "21"},
        "mc.sequence_n_not_n_minus_1",
        "23",
    ),
    (
        "discount_and_markup",
        {"price": "150", "rate": 20, "kind": "discount", "item": "jacket", "answer": "120"},
        "mc.percent_as_amount",
        "130",
    ),
    (
        "simple_interest",
        {"principal": 1000, "rate": "3", "years": 4, "ask": "interest", "answer": "120"},
        "mc.simple_interest_one_year",
        "30",
    ),
    (
        "remainder_in_context",
        {"total": 26, "size": 4, "quotient": 6, "remainder": 2, "kind": "round_up", "answer": "7"},
        "mc.remainder_ignored",
        "6",
    ),
    ("round_to_10_100", {"n": 67, "unit": 10, "answer": "70"}, "mc.round_always_down", "60"),
    (
        "round_decimal",
        {"number": "3.48", "places": 1, "answer": "3.5"},
        "mc.round_always_down",
        "3.4",
    ),
    (
        "left_to_right_eval",
        {"numbers": [20, 5, 3], "ops": ["-", "+"], "answer": "18"},
        "mc.order_ops_add_before_subtract",
        "12",
    ),
    (
        "left_to_right_eval",
        {"numbers": [12, 2, 3], "ops": ["/", "*"], "answer": "18"},
        "mc.order_ops_add_before_subtract",
        "2",
    ),
    (
        "ratio_language",
        {"counts": [3, 5], "labels": ["red", "blue"], "ask": "first_to_second", "answer": "3:5"},
        "mc.ratio_part_whole_confused",
        "3:8",
    ),
    (
        "fraction_times_whole",
        {"whole": 3, "numerator": 2, "denominator": 7, "answer": "6/7"},
        "mc.frac_times_whole_both_parts",
        "6/21",
    ),
]


@pytest.mark.parametrize(("name", "params", "mc_id", "expected"), CLASSICS)
def test_classic_bugs(name: str, params: dict[str, Any], mc_id: str, expected: str) -> None:
    item = _item(name, **dict(params))
    got = buggy_answer(mc_id, item)
    assert got is not None
    assert check_answer(got, expected).status == "correct", got
    assert mc_id in [m.id for m in match_misconceptions(item, expected)]


def test_rule_gives_none_where_the_bug_cannot_show() -> None:
    no_regrouping = _item("add_2digit", a=23, b=45, answer="68")
    assert buggy_answer("mc.add_no_carry", no_regrouping) is None
    no_borrow = _item("subtract_2digit", a=58, b=23, answer="35")
    assert buggy_answer("mc.sub_smaller_from_larger", no_borrow) is None
    positive = _item("distribute", a=3, p=1, q=-4, answer="3x - 12")
    assert buggy_answer("mc.distribute_negative_sign", positive) is None
    # 2 × 2 = 2 + 2: adding instead of multiplying lands on the right answer
    same = _item("mult_facts_2_5_10", a=2, b=2, table=2, n=2, product=4, level=1, answer="4")
    assert buggy_answer("mc.mult_facts_add", same) is None


def test_new_rules_give_none_where_the_bug_cannot_show() -> None:
    # a 4 × 4 square: the perimeter and the area are both 16
    square = _item("rectangle_area", unit="cm", length=4, width=4, answer="16")
    assert buggy_answer("mc.area_perimeter_confused", square) is None
    # within one hour, "100 minutes to the hour" never shows
    same_hour = _item("elapsed_minutes", start=545, end=580, answer="35")
    assert buggy_answer("mc.time_hour_as_hundred_minutes", same_hour) is None
    # m and cm really do differ by 100
    m_to_cm = _item(
        "unit_convert",
        big="m",
        small="cm",
        factor=100,
        big_amount=5,
        small_amount=0,
        answer="500",
    )
    assert buggy_answer("mc.metric_factor_always_100", m_to_cm) is None
    # 90 − 120 is no angle
    obtuse = _item("complement_supplement", angle=120, ask="supplement", answer="60")
    assert buggy_answer("mc.complement_supplement_swapped", obtuse) is None
    # 63 rounds down anyway; a "drop the remainder" story wants the quotient
    assert (
        buggy_answer("mc.round_always_down", _item("round_to_10_100", n=63, unit=10, answer="60"))
        is None
    )
    drop = _item(
        "remainder_in_context", total=18, size=4, quotient=4, remainder=2, kind="drop", answer="4"
    )
    assert buggy_answer("mc.remainder_ignored", drop) is None
    # a^0 has no negative exponent to misread; x^2 · x^2 = x^4 either way
    zero = _item("exponent_zero_negative", base="7", exponent=0, answer="1")
    assert buggy_answer("mc.exp_negative_makes_negative", zero) is None
    same = _item(
        "exponent_product_rule",
        c1=1,
        c2=1,
        powers1=[["x", 2]],
        powers2=[["x", 2]],
        answer="x^4",
    )
    assert buggy_answer("mc.exp_product_multiplies_exponents", same) is None
    # the pair (a, n) read with the item's own letters: m and n are fine in an m, n item
    item = _item("exponent_power_rule", c=-2, powers=[["m", 4], ["n", 1]], n=3, answer="-8m^12n^3")
    assert buggy_answer("mc.exp_power_adds_exponents", item) == "-8m^7n^4"


def test_a_wrong_answer_can_match_several_rules_in_id_order() -> None:
    # 52 − 27: both "smaller from larger" and "borrow without decrement" give 35
    item = _item("subtract_2digit", a=52, b=27, answer="25")
    matched = [m.id for m in match_misconceptions(item, "35")]
    assert matched == ["mc.sub_borrow_no_decrement", "mc.sub_smaller_from_larger"]
    assert match_misconceptions(item, "36") == []  # wrong, but no known bug gives it


def test_adding_across_like_denominators_is_named() -> None:
    # Issue 20: 2/12 + 6/12 answered 8/24 was not named. The rule reduced the operands first
    # (2/12 read as 1/6, 6/12 as 1/2) and predicted 2/8, not the 8/24 the student wrote.
    item = _item("fraction_add_like", a=2, b=6, den=12, op="+", answer="2/3")
    got = buggy_answer("mc.frac_add_across", item)
    assert got is not None
    assert check_answer("8/24", got).status in OK_STATUSES, got
    assert [m.id for m in match_misconceptions(item, "8/24")] == ["mc.frac_add_across"]


@pytest.mark.parametrize(
    ("dens", "ask", "answer", "buggy"),
    [([12, 13, 5], "smallest", "1/13", "1/5"), ([3, 8], "larger", "1/3", "1/8")],
)
def test_larger_denominator_thinking_on_unit_fractions_is_named(
    dens: list[int], ask: str, answer: str, buggy: str
) -> None:
    # Issue 20: 1/5 chosen as the smallest of 1/12, 1/13, 1/5 was not named.
    item = _item("unit_fraction_parts", denominators=dens, ask=ask, answer=answer)
    assert buggy_answer("mc.frac_compare_larger_denominator", item) == buggy
    matched = [m.id for m in match_misconceptions(item, buggy)]
    assert matched == ["mc.frac_compare_larger_denominator"]
    # naming one part (level 1) compares nothing
    one_part = _item("unit_fraction_parts", parts=4, thing="cake", answer="1/4")
    assert buggy_answer("mc.frac_compare_larger_denominator", one_part) is None
