"""Comparing decimals (tenths to thousandths) and integers: "which is greater?".

The pairs are drawn so that the digits after the point mislead about half of the time in
each direction: sometimes the number with more decimal digits is the smaller one
(0.25 < 0.3, where "25 > 3" misleads), sometimes it is the larger one (0.3 < 0.35, where
"tenths are bigger than hundredths" misleads). That is what lets the misconception library
tell the two wrong ideas apart from a single answer.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from tutor.content.generators._util import F, count, dec, step
from tutor.content.registry import Draft, Step, generator

__all__ = ["decimal_compare_hundredths", "decimal_compare_thousandths", "integer_compare"]


def _decimal(rng: random.Random, whole: int, places: int, *, lead_zero: bool = False) -> Fraction:
    """A decimal ``whole.ddd`` with exactly ``places`` places (its last digit is not 0).

    With ``lead_zero`` the first decimal digit is 0 (like 0.07), a classic trap.
    """
    while True:
        digits = rng.randint(1, 10**places - 1)
        if digits % 10 == 0:
            continue
        if lead_zero and places > 1 and digits >= 10 ** (places - 1):
            continue
        return whole + F(digits, 10**places)


def _places(value: Fraction) -> int:
    text = dec(value)
    return len(text.split(".")[1]) if "." in text else 0


def _padded(value: Fraction, places: int) -> str:
    """``value`` written with exactly ``places`` decimal places (0.3 → 0.30)."""
    text = dec(value)
    have = _places(value)
    if places <= have:
        return text
    return (text if have else text + ".") + "0" * (places - have)


def _compare_steps(numbers: list[Fraction], kp: str, places_kp: str) -> tuple[Step, ...]:
    """Steps: pad every number to the same number of places, then compare place by place."""
    places = max(_places(v) for v in numbers)
    steps = []
    for v in numbers:
        if _places(v) < places:
            steps.append(
                step(
                    f"Give {dec(v)} the same number of decimal places by adding zeros: "
                    f"{dec(v)} = {_padded(v, places)} (adding zeros at the end does not change "
                    "the value).",
                    f"在{dec(v)}的末尾添0，使小数位数相同：{dec(v)} = {_padded(v, places)}"
                    "（小数的末尾添上0，大小不变）。",
                    f"{dec(v)} = {_padded(v, places)}",
                    places_kp,
                )
            )
    ordered = sorted(numbers, reverse=True)
    chain = " > ".join(_padded(v, places) for v in ordered)
    steps.append(
        step(
            f"Compare from the left, place by place: {chain}. "
            f"So the greatest is {dec(ordered[0])}.",
            f"从高位起逐位比较：{chain}，所以最大的是{dec(ordered[0])}。",
            " > ".join(dec(v) for v in ordered),
            kp,
        )
    )
    return tuple(steps)


def _draft(numbers: list[Fraction], kp: str, places_kp: str) -> Draft:
    shown = [dec(v) for v in numbers]
    if len(numbers) == 2:
        prompt = f"Which is greater: {shown[0]} or {shown[1]}? Write the greater number."
        prompt_zh = f"{shown[0]}和{shown[1]}，哪个数大？写出较大的数。"
    else:
        listed = ", ".join(shown)
        prompt = f"Which is the greatest of {listed}? Write the greatest number."
        prompt_zh = f"{'、'.join(shown)}中，哪个数最大？写出最大的数。"
    return Draft(
        prompt,
        prompt_zh,
        dec(max(numbers)),
        _compare_steps(numbers, kp, places_kp),
        params={"numbers": shown},
    )


def _pair(rng: random.Random, whole: int, short: int, long: int, close: bool) -> list[Fraction]:
    """Two different decimals with ``short`` and ``long`` places, shuffled.

    Half of the time the longer one is smaller. With ``close`` they share their first
    decimal digit (4.6 and 4.58), which makes the comparison harder.
    """
    while True:
        s = _decimal(rng, whole, short)
        lead_zero = not close and rng.random() < 0.25
        t = _decimal(rng, whole, long, lead_zero=lead_zero)
        tenths = math.floor(s * 10)
        if close and math.floor(t * 10) not in (tenths, tenths - 1):
            continue
        if s == t:
            continue
        longer_smaller = t < s
        if longer_smaller != (rng.random() < 0.5):
            continue
        pair = [s, t]
        rng.shuffle(pair)
        return pair


@generator(
    "decimal_compare_hundredths",
    "decimals.compare_hundredths",
    also={"decimals.decimal_notation": 0.4},
)
def decimal_compare_hundredths(difficulty: int, rng: random.Random) -> Draft:
    """The greater of a tenths and a hundredths decimal: 0.x vs 0.xy; with wholes; close pairs.

    params: ``numbers`` (the two decimals as strings, in the order shown).
    """
    whole = 0 if difficulty == 1 else rng.randint(1, (0, 20, 99)[difficulty - 1])
    numbers = _pair(rng, whole, 1, 2, close=difficulty == 3)
    return _draft(numbers, "decimals.compare_hundredths", "decimals.decimal_notation")


@generator(
    "decimal_compare_thousandths",
    "decimals.compare_thousandths",
    also={"decimals.place_value_thousandths": 0.5, "decimals.compare_hundredths": 0.3},
)
def decimal_compare_thousandths(difficulty: int, rng: random.Random) -> Draft:
    """The greatest of decimals to thousandths: 0.x vs 0.xyz; 2.xy vs 2.xyz; three numbers.

    params: ``numbers`` (two decimals at levels 1–2, three at level 3, as strings in the
    order shown).
    """
    kp, places_kp = "decimals.compare_thousandths", "decimals.place_value_thousandths"
    if difficulty == 1:
        return _draft(_pair(rng, 0, 1, 3, close=False), kp, places_kp)
    if difficulty == 2:
        whole = rng.randint(0, 30)
        return _draft(_pair(rng, whole, 2, 3, close=rng.random() < 0.5), kp, places_kp)
    whole = rng.randint(0, 9)
    while True:
        # one number of each length, all sharing the whole part: 0.5, 0.45, 0.405
        numbers = [_decimal(rng, whole, places) for places in (1, 2, 3)]
        if len(set(numbers)) == 3:
            rng.shuffle(numbers)
            return _draft(numbers, kp, places_kp)


@generator("integer_compare", "integers.compare_order", also={"integers.number_line": 0.5})
def integer_compare(difficulty: int, rng: random.Random) -> Draft:
    """The greater of two negatives; a negative and a positive; the greatest of three.

    params: ``numbers`` (the integers in the order shown).
    """
    kp = "integers.compare_order"
    while True:
        if difficulty == 1:
            numbers = [-rng.randint(1, 12), -rng.randint(1, 12)]
        elif difficulty == 2:
            numbers = [-rng.randint(1, 20), rng.randint(-20, 20)]
        else:
            numbers = [-rng.randint(1, 50), -rng.randint(1, 50), rng.randint(-50, 50)]
        if len(set(numbers)) == len(numbers) and len({abs(v) for v in numbers}) == len(numbers):
            break
    rng.shuffle(numbers)
    ordered = sorted(numbers, reverse=True)
    shown = ", ".join(str(v) for v in numbers)
    shown_zh = "、".join(str(v) for v in numbers)
    chain = " > ".join(str(v) for v in ordered)
    negatives = sorted(v for v in numbers if v < 0)
    low, other = negatives[0], (negatives[1] if len(negatives) > 1 else ordered[-2])
    if other < 0:
        first = step(
            f"{low} is {count(-low, 'step')} left of 0 and {other} is only {count(-other, 'step')} left of 0, "
            f"so {low} is further left on the number line: {low} < {other}.",
            f"{low}在0左边{-low}个单位，{other}在0左边{-other}个单位，{low}在数轴上更靠左，"
            f"所以 {low} < {other}（负数的绝对值越大，这个数反而越小）。",
            f"({low}) < ({other})",
            "integers.number_line",
        )
    else:
        first = step(
            f"A negative number is left of 0 on the number line, so it is less than {other}: "
            f"{low} < {other}.",
            f"负数在数轴上0的左边，所以比{other}小：{low} < {other}。",
            f"({low}) < {other}",
            "integers.number_line",
        )
    steps = (
        first,
        step(
            f"Order them: {chain}, so the greatest is {ordered[0]}.",
            f"按从大到小排列：{chain}，所以最大的是{ordered[0]}。",
            " > ".join(f"({v})" if v < 0 else str(v) for v in ordered),
            kp,
        ),
    )
    if len(numbers) == 2:
        prompt = f"Which is greater: {numbers[0]} or {numbers[1]}? Write the greater number."
        prompt_zh = f"{numbers[0]}和{numbers[1]}，哪个数大？写出较大的数。"
    else:
        prompt = f"Which is the greatest of {shown}? Write the greatest number."
        prompt_zh = f"{shown_zh}中，哪个数最大？写出最大的数。"
    return Draft(prompt, prompt_zh, str(ordered[0]), steps, params={"numbers": numbers})
