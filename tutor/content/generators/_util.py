"""Small helpers shared by the generator modules: number formatting and step building."""

from __future__ import annotations

import random
from fractions import Fraction

from tutor.content.registry import Step

__all__ = ["F", "dec", "fr", "mixed", "neg", "pick_nonzero", "step"]

F = Fraction


def step(text: str, text_zh: str, claim: str, kp: str) -> Step:
    """A worked step (shorthand)."""
    return Step(text=text, text_zh=text_zh, claim=claim, kp=kp)


def fr(value: Fraction | int) -> str:
    """``value`` in answer syntax: ``5``, ``-3/4``."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def neg(value: Fraction | int) -> str:
    """``value`` in brackets when negative, for use inside a claim: ``(-3)``."""
    text = fr(value)
    return f"({text})" if Fraction(value) < 0 else text


def mixed(value: Fraction) -> str:
    """A positive improper fraction as a mixed number: ``7/3`` → ``2 1/3``."""
    whole, rest = divmod(value.numerator, value.denominator)
    if rest == 0:
        return str(whole)
    if whole == 0:
        return fr(value)
    return f"{whole} {rest}/{value.denominator}"


def dec(value: Fraction | int) -> str:
    """An exact decimal string for a value whose denominator divides a power of ten."""
    value = Fraction(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
        if places > 12:
            raise ValueError(f"{value} has no finite decimal form")
    scaled = (value * 10**places).numerator
    if places == 0:
        return f"{sign}{scaled}"
    digits = str(scaled).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def pick_nonzero(rng: random.Random, low: int, high: int) -> int:
    """A random integer in ``[low, high]`` other than 0."""
    while True:
        value = rng.randint(low, high)
        if value != 0:
            return value
