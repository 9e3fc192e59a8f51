"""Small helpers shared by the generator modules: number formatting and step building."""

from __future__ import annotations

import random
from fractions import Fraction

from tutor.content.registry import Step

__all__ = [
    "F",
    "agree",
    "article",
    "count",
    "dec",
    "fr",
    "mixed",
    "neg",
    "ordinal",
    "pick_nonzero",
    "step",
]

F = Fraction


def step(text: str, text_zh: str, claim: str, kp: str) -> Step:
    """A worked step (shorthand)."""
    return Step(text=text, text_zh=text_zh, claim=claim, kp=kp)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` with the noun in the number English needs: ``1 ten``, ``3 tens``.

    Only exactly 1 takes the singular (``0 tens``, ``2 tens``). ``plural`` is for nouns that
    do not just add an "s" (``count(n, "box", "boxes")``). A prompt that said "1 tens and 6
    ones" is what this is for; the Chinese text has no plural and does not use it.
    """
    return f"{n} {agree(n, noun, plural if plural is not None else noun + 's')}"


def agree(n: int, one: str, many: str) -> str:
    """``one`` when the count ``n`` is exactly 1, else ``many``: the word that agrees with ``n``.

    For a verb or noun next to a count: ``f"{count(k, 'part')} {agree(k, 'is', 'are')}"``
    reads "1 part is" and "3 parts are".
    """
    return one if n == 1 else many


def article(number: object) -> str:
    """The indefinite article before a number as it is read aloud: "an" for 8, 80–89, 800–899,
    8,000…, 11 and 18 (and 11,000, 18,500…: "an eleven thousand…"), "a" for the rest.

    For a prompt such as ``f"the complement of {article(a)} {a}° angle"``: "an 8° angle",
    "an 18 m shadow", "an 11.25 m shadow", but "a 1.5 m pole" and "a 110 m track".
    """
    text = str(number).lstrip()
    digits = text[: len(text) - len(text.lstrip("0123456789,"))].replace(",", "")
    if not digits:
        raise ValueError(f"article() is for numbers, not {number!r}")
    lead = digits[: len(digits) % 3 or 3]  # the group read first: "18" of 18,500
    return "an" if lead.startswith("8") or lead in ("11", "18") else "a"


def ordinal(n: int) -> str:
    """``n`` as an English ordinal: ``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``23rd``."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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
