"""Fractions, decimals, percents and ratios."""

from __future__ import annotations

import math
import random

from tutor.content.answers import AnswerPolicy
from tutor.content.generators._util import F, agree, count, dec, fr, mixed, step
from tutor.content.registry import Draft, Step, generator

SIMPLEST = AnswerPolicy(require_simplified=True)
_DENOMS = ((2, 3, 4, 5, 6), (2, 3, 4, 5, 6, 8, 10), (3, 4, 6, 7, 8, 9, 10, 12))


def _proper(rng: random.Random, den: int) -> F:
    return F(rng.randint(1, den - 1), den)


def _simplify_step(value: F, num: int, den: int, kp: str = "fractions.simplify") -> list[Step]:
    g = math.gcd(num, den)
    if g == 1:
        return []
    return [
        step(
            f"Simplify: divide the top and bottom by {g}: {num}/{den} = {fr(value)}.",
            f"约分：分子分母同时除以{g}：{num}/{den} = {fr(value)}。",
            f"{num}/{den} = {fr(value)}",
            kp,
        )
    ]


@generator(
    "fraction_equivalent",
    "fractions.equivalent_multiply",
    also={"fractions.equivalent_simple": 0.5},
)
def fraction_equivalent(difficulty: int, rng: random.Random) -> Draft:
    """a/b = □/(kb): find the missing numerator (k up to 3, 6, 12).

    params: ``num``, ``den`` (the given fraction), ``k`` (the scale factor; the new
    denominator is ``den * k``).
    """
    kp = "fractions.equivalent_multiply"
    den = rng.choice(_DENOMS[difficulty - 1])
    num = rng.randint(1, den - 1)
    k = rng.randint(2, (3, 6, 12)[difficulty - 1])
    steps = (
        step(
            f"The bottom was multiplied by {k}: {den} × {k} = {den * k}.",
            f"分母乘了{k}：{den} × {k} = {den * k}。",
            f"{den} * {k} = {den * k}",
            kp,
        ),
        step(
            f"Multiply the top by the same number: {num} × {k} = {num * k}.",
            f"分子也乘{k}：{num} × {k} = {num * k}。",
            f"{num} * {k} = {num * k}",
            kp,
        ),
        step(
            f"So {num}/{den} = {num * k}/{den * k}.",
            f"所以 {num}/{den} = {num * k}/{den * k}。",
            f"{num}/{den} = {num * k}/{den * k}",
            kp,
        ),
    )
    return Draft(
        f"Fill in the missing numerator: {num}/{den} = □/{den * k}",
        f"在□里填上合适的分子：{num}/{den} = □/{den * k}",
        str(num * k),
        steps,
        params={"num": num, "den": den, "k": k},
    )


@generator("fraction_simplify", "fractions.simplify", also={"mult_div.greatest_common_factor": 0.4})
def fraction_simplify(difficulty: int, rng: random.Random) -> Draft:
    """Write a/b in simplest form; common factors up to 5, 10, 25.

    params: ``num``, ``den`` (the fraction shown), ``gcf`` (their greatest common factor).
    """
    value = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
    g = rng.randint(2, (5, 10, 25)[difficulty - 1])
    num, den = value.numerator * g, value.denominator * g
    steps = (
        step(
            f"The greatest common factor of {num} and {den} is {g}.",
            f"{num}和{den}的最大公因数是{g}。",
            f"{num} / {g} * {den} / {g} = {value.numerator * value.denominator}",
            "mult_div.greatest_common_factor",
        ),
        *_simplify_step(value, num, den),
    )
    return Draft(
        f"Write {num}/{den} in simplest form.",
        f"把{num}/{den}化成最简分数。",
        fr(value),
        steps,
        SIMPLEST,
        params={"num": num, "den": den, "gcf": g},
    )


@generator(
    "fraction_compare", "fractions.compare_unlike", also={"fractions.common_denominator": 0.5}
)
def fraction_compare(difficulty: int, rng: random.Random) -> Draft:
    """Which of two fractions is larger (unlike denominators).

    params: ``a``, ``b`` (the two fractions in the order shown, as strings like ``"3/4"``).
    """
    kp = "fractions.compare_unlike"
    while True:
        a = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
        b = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
        if a != b and a.denominator != b.denominator:
            break
    common = math.lcm(a.denominator, b.denominator)
    an, bn = a * common, b * common
    big = max(a, b)
    sign = ">" if a > b else "<"
    steps = (
        step(
            f"Use the common denominator {common}: {fr(a)} = {an}/{common}.",
            f"通分，公分母是{common}：{fr(a)} = {an}/{common}。",
            f"{fr(a)} = {an}/{common}",
            "fractions.common_denominator",
        ),
        step(
            f"{fr(b)} = {bn}/{common}.",
            f"{fr(b)} = {bn}/{common}。",
            f"{fr(b)} = {bn}/{common}",
            "fractions.common_denominator",
        ),
        step(
            f"Compare the numerators: {an}/{common} {sign} {bn}/{common}, so {fr(a)} {sign} {fr(b)}.",
            f"比较分子：{an}/{common} {sign} {bn}/{common}，所以 {fr(a)} {sign} {fr(b)}。",
            f"{fr(a)} {sign} {fr(b)}",
            kp,
        ),
    )
    return Draft(
        f"Which is larger, {fr(a)} or {fr(b)}? Write the larger fraction.",
        f"{fr(a)}和{fr(b)}哪个大？写出较大的分数。",
        fr(big),
        steps,
        params={"a": fr(a), "b": fr(b)},
    )


def _like(difficulty: int, rng: random.Random, subtract: bool) -> Draft:
    kp = "fractions.subtract_like" if subtract else "fractions.add_like"
    den = rng.choice(((4, 5, 6, 7, 8), (6, 8, 9, 10, 12), (10, 12, 15, 16, 20))[difficulty - 1])
    while True:
        a, b = rng.randint(1, den - 1), rng.randint(1, den - 1)
        total = a - b if subtract else a + b
        if total > 0 and (difficulty == 1) == (math.gcd(total, den) == 1 and total < den):
            break
    value = F(total, den)
    op, op_zh = ("−", "−") if subtract else ("+", "+")
    ascii_op = "-" if subtract else "+"
    steps = [
        step(
            f"The denominators are the same, so {'subtract' if subtract else 'add'} the numerators: {a} {op} {b} = {total}.",
            f"同分母分数相{'减' if subtract else '加'}，分母不变，分子相{'减' if subtract else '加'}：{a} {op_zh} {b} = {total}。",
            f"{a}/{den} {ascii_op} {b}/{den} = {total}/{den}",
            kp,
        ),
        *_simplify_step(value, total, den),
    ]
    answer = fr(value)
    if value > 1 and value.denominator != 1:
        steps.append(
            step(
                f"As a mixed number: {fr(value)} = {mixed(value)}.",
                f"化成带分数：{fr(value)} = {mixed(value)}。",
                f"{fr(value)} = {mixed(value)}",
                "fractions.improper_to_mixed",
            )
        )
    return Draft(
        f"Work out {a}/{den} {op} {b}/{den}. Give your answer in simplest form.",
        f"计算：{a}/{den} {op_zh} {b}/{den}（结果化成最简分数）。",
        answer,
        tuple(steps),
        SIMPLEST,
        params={"a": a, "b": b, "den": den, "op": ascii_op},
    )


@generator("fraction_add_like", "fractions.add_like", also={"fractions.simplify": 0.3})
def fraction_add_like(difficulty: int, rng: random.Random) -> Draft:
    """Add like fractions; levels 2–3 need simplifying, bigger denominators.

    params: ``a``, ``b`` (the numerators), ``den`` (the shared denominator), ``op`` (``"+"``).
    """
    return _like(difficulty, rng, subtract=False)


@generator("fraction_subtract_like", "fractions.subtract_like", also={"fractions.simplify": 0.3})
def fraction_subtract_like(difficulty: int, rng: random.Random) -> Draft:
    """Subtract like fractions; levels 2–3 need simplifying.

    params: ``a``, ``b`` (the numerators), ``den`` (the shared denominator), ``op`` (``"-"``).
    """
    return _like(difficulty, rng, subtract=True)


#: The denominator pairs of each level of unlike fractions, by what finding the common
#: denominator takes: (1) one denominator is a multiple of the other, so the larger one is
#: it; (2) they share no factor, so it is their product; (3) they share a factor and neither
#: divides the other, so it is less than their product (the least common multiple proper).
_UNLIKE_PAIRS = (
    ((2, 4), (2, 6), (3, 6), (4, 8), (2, 8), (5, 10), (3, 9), (4, 12), (6, 12)),
    ((2, 3), (2, 5), (3, 4), (3, 5), (4, 5), (2, 7), (3, 7), (5, 6), (3, 8)),
    ((4, 6), (6, 8), (6, 9), (4, 10), (6, 10), (8, 12), (9, 12), (10, 12), (8, 10)),
)


def unlike_level(den_a: int, den_b: int) -> int:
    """The level of unlike fractions with these denominators (see ``_UNLIKE_PAIRS``)."""
    if den_a % den_b == 0 or den_b % den_a == 0:
        return 1
    return 2 if math.gcd(den_a, den_b) == 1 else 3


def _unlike(difficulty: int, rng: random.Random, subtract: bool) -> Draft:
    while True:
        pair = list(rng.choice(_UNLIKE_PAIRS[difficulty - 1]))
        rng.shuffle(pair)  # the smaller denominator comes first or second
        a = F(rng.choice([n for n in range(1, pair[0]) if math.gcd(n, pair[0]) == 1]), pair[0])
        b = F(rng.choice([n for n in range(1, pair[1]) if math.gcd(n, pair[1]) == 1]), pair[1])
        if not subtract or a > b:
            break
    common = math.lcm(a.denominator, b.denominator)
    an, bn = int(a * common), int(b * common)
    total = an - bn if subtract else an + bn
    value = F(total, common)
    op = "−" if subtract else "+"
    ascii_op = "-" if subtract else "+"
    steps = [
        step(
            f"Find a common denominator: the least common multiple of {a.denominator} and {b.denominator} is {common}.",
            f"通分：{a.denominator}和{b.denominator}的最小公倍数是{common}。",
            f"{fr(a)} {ascii_op} {fr(b)} = {an}/{common} {ascii_op} {bn}/{common}",
            "fractions.common_denominator",
        ),
        step(
            f"{'Subtract' if subtract else 'Add'} the numerators: {an}/{common} {op} {bn}/{common} = {total}/{common}.",
            f"分子相{'减' if subtract else '加'}：{an}/{common} {op} {bn}/{common} = {total}/{common}。",
            f"{an}/{common} {ascii_op} {bn}/{common} = {total}/{common}",
            "fractions.subtract_like" if subtract else "fractions.add_like",
        ),
        *_simplify_step(value, total, common),
    ]
    return Draft(
        f"Work out {fr(a)} {op} {fr(b)}. Give your answer in simplest form.",
        f"计算：{fr(a)} {op} {fr(b)}（结果化成最简分数）。",
        fr(value),
        tuple(steps),
        SIMPLEST,
        params={"a": fr(a), "b": fr(b), "op": ascii_op},
    )


@generator(
    "fraction_add_unlike", "fractions.add_unlike", also={"fractions.common_denominator": 0.5}
)
def fraction_add_unlike(difficulty: int, rng: random.Random) -> Draft:
    """Add unlike fractions: one denominator a multiple of the other (level 1), then
    denominators with no common factor (2), then ones sharing a factor (3).

    params: ``a``, ``b`` (the fractions as strings like ``"3/4"``), ``op`` (``"+"``).
    """
    return _unlike(difficulty, rng, subtract=False)


@generator(
    "fraction_subtract_unlike",
    "fractions.subtract_unlike",
    also={"fractions.common_denominator": 0.5},
)
def fraction_subtract_unlike(difficulty: int, rng: random.Random) -> Draft:
    """Subtract unlike fractions.

    params: ``a``, ``b`` (the fractions as strings, ``a > b``), ``op`` (``"-"``).
    """
    return _unlike(difficulty, rng, subtract=True)


@generator("mixed_to_improper", "fractions.mixed_to_improper", also={"mult_div.facts_7_8_9": 0.1})
def mixed_to_improper(difficulty: int, rng: random.Random) -> Draft:
    """w n/d → improper fraction, wholes up to 3, 9, 20.

    params: ``whole``, ``num``, ``den`` (the mixed number ``whole num/den``).
    """
    kp = "fractions.mixed_to_improper"
    den = rng.choice(_DENOMS[difficulty - 1])
    w = rng.randint(1, (3, 9, 20)[difficulty - 1])
    n = rng.randint(1, den - 1)
    while math.gcd(n, den) != 1:
        n = rng.randint(1, den - 1)
    value = w + F(n, den)
    steps = (
        step(
            f"{count(w, 'whole')} {agree(w, 'makes', 'make')} {w} × {den} = {w * den} parts of size 1/{den}.",
            f"{w}个整体是 {w} × {den} = {w * den} 个1/{den}。",
            f"{w} * {den} = {w * den}",
            kp,
        ),
        step(
            f"Add the {count(n, 'part')}: {w * den} + {n} = {w * den + n}, so {w} {n}/{den} = {w * den + n}/{den}.",
            f"再加上{n}个：{w * den} + {n} = {w * den + n}，所以 {w} {n}/{den} = {w * den + n}/{den}。",
            f"{w} {n}/{den} = {w * den + n}/{den}",
            kp,
        ),
    )
    return Draft(
        f"Write {w} {n}/{den} as an improper fraction.",
        f"把带分数 {w} {n}/{den} 化成假分数。",
        fr(value),
        steps,
        AnswerPolicy(accept_decimal_for_fraction=False),
        params={"whole": w, "num": n, "den": den},
    )


@generator(
    "improper_to_mixed", "fractions.improper_to_mixed", also={"mult_div.divide_with_remainder": 0.4}
)
def improper_to_mixed(difficulty: int, rng: random.Random) -> Draft:
    """Improper fraction → mixed number (the checker accepts any equal fraction form).

    params: ``top``, ``den`` (the improper fraction shown), ``whole``, ``num`` (the quotient
    and remainder of ``top ÷ den``).
    """
    kp = "fractions.improper_to_mixed"
    den = rng.choice(_DENOMS[difficulty - 1])
    w = rng.randint(1, (3, 9, 20)[difficulty - 1])
    n = rng.randint(1, den - 1)
    while math.gcd(n, den) != 1:
        n = rng.randint(1, den - 1)
    value = w + F(n, den)
    top = value.numerator
    steps = (
        step(
            f"Divide: {top} ÷ {den} = {w} remainder {n}, because {den} × {w} + {n} = {top}.",
            f"用除法：{top} ÷ {den} = {w}……{n}，因为 {den} × {w} + {n} = {top}。",
            f"{den} * {w} + {n} = {top}",
            "mult_div.divide_with_remainder",
        ),
        step(
            f"The quotient is the whole number and the remainder is the new numerator: {top}/{den} = {w} {n}/{den}.",
            f"商是整数部分，余数是分子：{top}/{den} = {w} {n}/{den}。",
            f"{top}/{den} = {w} {n}/{den}",
            kp,
        ),
    )
    return Draft(
        f"Write {top}/{den} as a mixed number.",
        f"把假分数 {top}/{den} 化成带分数。",
        mixed(value),
        steps,
        AnswerPolicy(accept_decimal_for_fraction=False),
        params={"top": top, "den": den, "whole": w, "num": n},
    )


@generator("fraction_multiply", "fractions.multiply_fractions", also={"fractions.simplify": 0.3})
def fraction_multiply(difficulty: int, rng: random.Random) -> Draft:
    """a/b × c/d in simplest form; level 3 uses a mixed number.

    params: ``a``, ``b`` (the factors as fraction strings; ``a`` improper at level 3),
    ``a_shown`` (``a`` as the prompt writes it, e.g. ``"2 1/3"``).
    """
    kp = "fractions.multiply_fractions"
    a = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
    b = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
    if difficulty == 3:
        a = a + rng.randint(1, 3)
    shown_a = mixed(a) if a > 1 else fr(a)
    num, den = a.numerator * b.numerator, a.denominator * b.denominator
    value = a * b
    steps = []
    if a > 1:
        steps.append(
            step(
                f"Write the mixed number as an improper fraction: {shown_a} = {fr(a)}.",
                f"先把带分数化成假分数：{shown_a} = {fr(a)}。",
                f"{shown_a} = {fr(a)}",
                "fractions.mixed_to_improper",
            )
        )
    steps.append(
        step(
            f"Multiply tops and bottoms: {fr(a)} × {fr(b)} = {num}/{den}.",
            f"分子乘分子，分母乘分母：{fr(a)} × {fr(b)} = {num}/{den}。",
            f"{fr(a)} * {fr(b)} = {num}/{den}",
            kp,
        )
    )
    steps.extend(_simplify_step(value, num, den))
    return Draft(
        f"Work out {shown_a} × {fr(b)}. Give your answer in simplest form.",
        f"计算：{shown_a} × {fr(b)}（结果化成最简分数）。",
        fr(value),
        tuple(steps),
        SIMPLEST,
        params={"a": fr(a), "b": fr(b), "a_shown": shown_a},
    )


@generator("fraction_divide", "fractions.divide_fractions", also={"fractions.reciprocal": 0.5})
def fraction_divide(difficulty: int, rng: random.Random) -> Draft:
    """a/b ÷ c/d by multiplying by the reciprocal.

    params: ``a`` (the dividend), ``b`` (the divisor), as fraction strings.
    """
    kp = "fractions.divide_fractions"
    a = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
    b = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
    while b == a:  # dividing a number by itself is not worth an item
        b = _proper(rng, rng.choice(_DENOMS[difficulty - 1]))
    if difficulty == 1:
        a = F(rng.randint(1, 5))
        b = F(1, rng.randint(2, 6))
    recip = 1 / b
    value = a / b
    steps = (
        step(
            f"Dividing by {fr(b)} is multiplying by its reciprocal {fr(recip)}.",
            f"除以{fr(b)}等于乘它的倒数{fr(recip)}。",
            f"{fr(b)} * {fr(recip)} = 1",
            "fractions.reciprocal",
        ),
        step(
            f"{fr(a)} × {fr(recip)} = {fr(value)}",
            f"{fr(a)} × {fr(recip)} = {fr(value)}",
            f"{fr(a)} / ({fr(b)}) = {fr(a)} * {fr(recip)} = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        f"Work out {fr(a)} ÷ {fr(b)}. Give your answer in simplest form.",
        f"计算：{fr(a)} ÷ {fr(b)}（结果化成最简分数）。",
        fr(value),
        steps,
        SIMPLEST,
        params={"a": fr(a), "b": fr(b)},
    )


@generator(
    "fraction_of_quantity", "fractions.fraction_of_quantity", also={"mult_div.division_facts": 0.3}
)
def fraction_of_quantity(difficulty: int, rng: random.Random) -> Draft:
    """a/b of N where b divides N: unit fractions, then any, then larger N.

    params: ``num``, ``den`` (the fraction), ``total`` (N).
    """
    kp = "fractions.fraction_of_quantity"
    den = rng.choice(_DENOMS[difficulty - 1])
    num = 1 if difficulty == 1 else rng.randint(1, den - 1)
    part = rng.randint(2, (10, 12, 40)[difficulty - 1])
    total = den * part
    steps = (
        step(
            f"1/{den} of {total} is {total} ÷ {den} = {part}.",
            f"{total}的1/{den}是 {total} ÷ {den} = {part}。",
            f"{total} / {den} = {part}",
            "mult_div.division_facts",
        ),
        step(
            f"{num}/{den} of {total} is {num} × {part} = {num * part}.",
            f"{total}的{num}/{den}是 {num} × {part} = {num * part}。",
            f"{num}/{den} * {total} = {num * part}",
            kp,
        ),
    )
    return Draft(
        f"What is {num}/{den} of {total}?",
        f"{total}的{num}/{den}是多少？",
        str(num * part),
        steps,
        params={"num": num, "den": den, "total": total},
    )


def _decimal_operands(rng: random.Random, difficulty: int) -> tuple[F, F]:
    places = (1, 2, 2)[difficulty - 1]
    high = (99, 999, 9999)[difficulty - 1]
    a = F(rng.randint(11, high), 10**places)
    b = F(rng.randint(11, high), 10 ** rng.randint(1, places))
    return a, b


@generator("decimal_add", "decimals.add", also={"decimals.place_value_thousandths": 0.3})
def decimal_add(difficulty: int, rng: random.Random) -> Draft:
    """Add decimals with tenths, hundredths, mixed places.

    params: ``a``, ``b`` (the addends as decimal strings).
    """
    a, b = _decimal_operands(rng, difficulty)
    steps = (
        step(
            "Line up the decimal points, then add column by column.",
            "小数点对齐，再按数位相加。",
            f"{dec(a)} + {dec(b)} = {dec(a + b)}",
            "decimals.add",
        ),
    )
    return Draft(
        f"Work out {dec(a)} + {dec(b)}.",
        f"计算：{dec(a)} + {dec(b)} = ?",
        dec(a + b),
        steps,
        params={"a": dec(a), "b": dec(b)},
    )


@generator("decimal_subtract", "decimals.subtract", also={"decimals.place_value_thousandths": 0.3})
def decimal_subtract(difficulty: int, rng: random.Random) -> Draft:
    """Subtract decimals with tenths, hundredths, mixed places.

    params: ``a`` (the minuend), ``b`` (the subtrahend), as decimal strings.
    """
    a, b = sorted(_decimal_operands(rng, difficulty), reverse=True)
    if a == b:
        a += F(1)
    steps = (
        step(
            "Line up the decimal points (fill empty places with 0), then subtract.",
            "小数点对齐（位数不够用0补足），再相减。",
            f"{dec(a)} - {dec(b)} = {dec(a - b)}",
            "decimals.subtract",
        ),
        step(
            f"Check: {dec(a - b)} + {dec(b)} = {dec(a)}.",
            f"验算：{dec(a - b)} + {dec(b)} = {dec(a)}。",
            f"{dec(a - b)} + {dec(b)} = {dec(a)}",
            "decimals.add",
        ),
    )
    return Draft(
        f"Work out {dec(a)} − {dec(b)}.",
        f"计算：{dec(a)} − {dec(b)} = ?",
        dec(a - b),
        steps,
        params={"a": dec(a), "b": dec(b)},
    )


@generator("decimal_multiply", "decimals.multiply", also={"mult_div.multiply_2digit_2digit": 0.3})
def decimal_multiply(difficulty: int, rng: random.Random) -> Draft:
    """Decimal × whole, decimal × decimal, two-place decimals.

    params: ``a``, ``b`` (the factors as decimal strings), ``a_places``, ``b_places``
    (their decimal places).
    """
    kp = "decimals.multiply"
    ia = rng.randint(2, (9, 99, 99)[difficulty - 1])
    ib = rng.randint(2, (99, 9, 99)[difficulty - 1])
    pa, pb = (1, 0) if difficulty == 1 else (1, 1) if difficulty == 2 else (2, 1)
    a, b = F(ia, 10**pa), F(ib, 10**pb)
    steps = (
        step(
            f"Multiply as whole numbers: {ia} × {ib} = {ia * ib}.",
            f"先按整数相乘：{ia} × {ib} = {ia * ib}。",
            f"{ia} * {ib} = {ia * ib}",
            "mult_div.multiply_2digit_2digit",
        ),
        step(
            f"The factors have {pa + pb} decimal places in all, so the product has {pa + pb}: {dec(a * b)}.",
            f"两个因数一共有{pa + pb}位小数，积也有{pa + pb}位小数：{dec(a * b)}。",
            f"{dec(a)} * {dec(b)} = {dec(a * b)}",
            kp,
        ),
    )
    return Draft(
        f"Work out {dec(a)} × {dec(b)}.",
        f"计算：{dec(a)} × {dec(b)} = ?",
        dec(a * b),
        steps,
        params={"a": dec(a), "b": dec(b), "a_places": pa, "b_places": pb},
    )


@generator(
    "decimal_divide_whole", "decimals.divide_by_whole", also={"mult_div.long_division_1digit": 0.4}
)
def decimal_divide_whole(difficulty: int, rng: random.Random) -> Draft:
    """A decimal divided by a whole number, exact quotient.

    params: ``dividend`` (a decimal string), ``divisor`` (a whole number).
    """
    kp = "decimals.divide_by_whole"
    d = rng.randint(2, (5, 9, 25)[difficulty - 1])
    q = F(rng.randint(2, (99, 999, 999)[difficulty - 1]), (10, 100, 100)[difficulty - 1])
    n = q * d
    steps = (
        step(
            f"Divide as with whole numbers and keep the decimal point above its place: {dec(n)} ÷ {d} = {dec(q)}.",
            f"按整数除法去除，商的小数点要和被除数的小数点对齐：{dec(n)} ÷ {d} = {dec(q)}。",
            f"{dec(n)} / {d} = {dec(q)}",
            kp,
        ),
        step(
            f"Check: {dec(q)} × {d} = {dec(n)}.",
            f"验算：{dec(q)} × {d} = {dec(n)}。",
            f"{dec(q)} * {d} = {dec(n)}",
            "decimals.multiply",
        ),
    )
    return Draft(
        f"Work out {dec(n)} ÷ {d}.",
        f"计算：{dec(n)} ÷ {d} = ?",
        dec(q),
        steps,
        params={"dividend": dec(n), "divisor": d},
    )


@generator(
    "fraction_to_decimal",
    "decimals.fraction_to_decimal",
    also={"fractions.equivalent_multiply": 0.4},
)
def fraction_to_decimal(difficulty: int, rng: random.Random) -> Draft:
    """a/b as a decimal: b in (2, 5, 10), (4, 20, 25, 50), (8, 16, 40, 125).

    params: ``num``, ``den`` (the fraction, in lowest terms).
    """
    kp = "decimals.fraction_to_decimal"
    den = rng.choice(((2, 5, 10), (4, 20, 25, 50), (8, 16, 40, 125))[difficulty - 1])
    num = rng.randint(1, den - 1)
    while math.gcd(num, den) != 1:
        num = rng.randint(1, den - 1)
    value = F(num, den)
    power = 10
    while (power % den) != 0:
        power *= 10
    k = power // den
    steps = (
        step(
            f"Make the denominator a power of ten: multiply top and bottom by {k}: {num}/{den} = {num * k}/{power}.",
            f"把分母变成10、100或1000：分子分母同乘{k}，{num}/{den} = {num * k}/{power}。",
            f"{num}/{den} = {num * k}/{power}",
            "fractions.equivalent_multiply",
        ),
        step(
            f"{num * k}/{power} = {dec(value)}",
            f"{num * k}/{power} = {dec(value)}",
            f"{num * k}/{power} = {dec(value)}",
            kp,
        ),
    )
    return Draft(
        f"Write {num}/{den} as a decimal.",
        f"把{num}/{den}化成小数。",
        dec(value),
        steps,
        params={"num": num, "den": den},
    )


@generator(
    "percent_of_quantity", "percent.percent_of_quantity", also={"percent.convert_forms": 0.4}
)
def percent_of_quantity(difficulty: int, rng: random.Random) -> Draft:
    """p% of N: 10/25/50%, any multiple of 5%, any whole percent.

    params: ``percent`` (p), ``quantity`` (N).
    """
    kp = "percent.percent_of_quantity"
    if difficulty == 1:
        p = rng.choice((10, 20, 25, 50, 75))
        n = rng.randint(1, 20) * 20
    elif difficulty == 2:
        p = rng.randint(1, 19) * 5
        n = rng.randint(1, 40) * 20
    else:
        p = rng.randint(1, 99)
        n = rng.randint(1, 20) * 100 + rng.choice((0, 50))
    value = F(p * n, 100)
    steps = (
        step(
            f"{p}% means {p}/100.",
            f"{p}%表示{p}/100。",
            f"{p}% = {p}/100",
            "percent.convert_forms",
        ),
        step(
            f"{p}/100 × {n} = {dec(value)}",
            f"{p}/100 × {n} = {dec(value)}",
            f"{p}/100 * {n} = {dec(value)}",
            kp,
        ),
    )
    return Draft(
        f"What is {p}% of {n}?",
        f"{n}的{p}%是多少？",
        dec(value),
        steps,
        params={"percent": p, "quantity": n},
    )


@generator("percent_find", "percent.find_percent", also={"percent.convert_forms": 0.4})
def percent_find(difficulty: int, rng: random.Random) -> Draft:
    """What percent of W is P (whole-number percent).

    params: ``part`` (P), ``whole`` (W).
    """
    kp = "percent.find_percent"
    whole = rng.choice(
        ((10, 20, 50, 100), (20, 25, 40, 50, 200), (40, 80, 125, 250, 400))[difficulty - 1]
    )
    while True:
        part = rng.randint(1, whole)
        if (part * 100) % whole == 0 and part != whole:
            break
    p = part * 100 // whole
    steps = (
        step(
            f"Write the part over the whole: {part}/{whole}.",
            f"用部分除以整体：{part}/{whole}。",
            f"{part}/{whole} = {p}/100",
            "fractions.equivalent_multiply",
        ),
        step(f"{p}/100 = {p}%", f"{p}/100 = {p}%", f"{p}/100 = {p}%", kp),
    )
    return Draft(
        f"What percent of {whole} is {part}?",
        f"{part}是{whole}的百分之几？",
        f"{p}%",
        steps,
        params={"part": part, "whole": whole},
    )


@generator("percent_change", "percent.percent_change", also={"percent.find_percent": 0.5})
def percent_change(difficulty: int, rng: random.Random) -> Draft:
    """Percent increase, then decrease, then either with less friendly numbers.

    params: ``old``, ``new`` (the prices), ``percent`` (the size of the change in %).
    """
    kp = "percent.percent_change"
    old = rng.choice(
        ((10, 20, 50, 100), (20, 40, 50, 80, 200), (25, 40, 60, 75, 120, 250))[difficulty - 1]
    )
    while True:
        p = rng.randint(1, 19) * 5 if difficulty < 3 else rng.randint(1, 60)
        if (old * p) % 100 == 0:
            break
    up = difficulty == 1 or (difficulty == 3 and rng.random() < 0.5)
    new = old + old * p // 100 if up else old - old * p // 100
    change = abs(new - old)
    word, word_zh = ("increase", "增加") if up else ("decrease", "减少")
    steps = (
        step(
            f"The change is {change}: |{new} − {old}| = {change}.",
            f"变化量：|{new} − {old}| = {change}。",
            f"{max(new, old)} - {min(new, old)} = {change}",
            "integers.absolute_value",
        ),
        step(
            f"Divide by the ORIGINAL amount: {change}/{old} = {p}/100 = {p}%.",
            f"除以原来的量：{change}/{old} = {p}/100 = {p}%。",
            f"{change}/{old} = {p}/100 = {p}%",
            kp,
        ),
    )
    return Draft(
        f"A price goes from {old} to {new}. What is the percent {word}?",
        f"价格从{old}元变为{new}元，{word_zh}了百分之几？",
        f"{p}%",
        steps,
        params={"old": old, "new": new, "percent": p},
    )


@generator("ratio_simplify", "ratio.simplify_ratio", also={"mult_div.greatest_common_factor": 0.4})
def ratio_simplify(difficulty: int, rng: random.Random) -> Draft:
    """Write a:b in simplest form (answer like 3:4).

    params: ``first``, ``second`` (the ratio shown), ``gcf`` (their greatest common factor).
    """
    kp = "ratio.simplify_ratio"
    while True:
        a, b = (
            rng.randint(1, (5, 9, 15)[difficulty - 1]),
            rng.randint(1, (5, 9, 15)[difficulty - 1]),
        )
        # b = 1 is left out: the checker reads "4:1" as the fraction 4/1, "not simplified"
        if a != b and b != 1 and math.gcd(a, b) == 1:
            break
    g = rng.randint(2, (5, 12, 25)[difficulty - 1])
    steps = (
        step(
            f"Divide both parts by their greatest common factor {g}: {a * g} ÷ {g} = {a}, {b * g} ÷ {g} = {b}.",
            f"前项和后项同时除以最大公因数{g}：{a * g} ÷ {g} = {a}，{b * g} ÷ {g} = {b}。",
            f"{a * g}:{b * g} = {a}:{b}",
            kp,
        ),
    )
    return Draft(
        f"Write the ratio {a * g}:{b * g} in simplest form.",
        f"把比 {a * g}:{b * g} 化成最简整数比。",
        f"{a}:{b}",
        steps,
        SIMPLEST,
        params={"first": a * g, "second": b * g, "gcf": g},
    )


@generator("unit_rate", "ratio.unit_rate", also={"mult_div.division_facts": 0.3})
def unit_rate(difficulty: int, rng: random.Random) -> Draft:
    """Price per item / speed per hour; whole, then decimal, unit rates.

    params: ``count`` (number of notebooks), ``total`` (their cost, a decimal string).
    """
    kp = "ratio.unit_rate"
    n = rng.randint(2, (5, 9, 12)[difficulty - 1])
    rate = (
        F(rng.randint(2, (10, 30, 99)[difficulty - 1]))
        if difficulty < 3
        else F(rng.randint(11, 999), 10)
    )
    total = rate * n
    steps = (
        step(
            f"Unit rate = total ÷ number of units: {dec(total)} ÷ {n} = {dec(rate)}.",
            f"单价 = 总价 ÷ 数量：{dec(total)} ÷ {n} = {dec(rate)}。",
            f"{dec(total)} / {n} = {dec(rate)}",
            kp,
        ),
    )
    return Draft(
        f"{n} notebooks cost {dec(total)} yuan. How many yuan does one notebook cost?",
        f"{n}本笔记本共{dec(total)}元，每本多少元？",
        dec(rate),
        steps,
        params={"count": n, "total": dec(total)},
    )


@generator("solve_proportion", "ratio.solve_proportions", also={"ratio.equivalent_ratios": 0.5})
def solve_proportion(difficulty: int, rng: random.Random) -> Draft:
    """a/b = x/d: scale factor whole (1), then via unit rate (2), then fractional answer (3).

    params: ``a``, ``b``, ``d`` (the proportion ``a/b = x/d``).
    """
    kp = "ratio.solve_proportions"
    a, b = rng.randint(1, 9), rng.randint(2, 12)
    while a == b:
        b = rng.randint(2, 12)
    if difficulty == 1:
        d = b * rng.randint(2, 6)
    elif difficulty == 2:
        g = rng.randint(2, 4)
        a, b = a * g, b * g
        d = b // g * rng.randint(2, 7)
        while d == b:  # x would just be a
            d = b // g * rng.randint(2, 7)
    else:
        d = rng.randint(2, 30)
        while d % b == 0:
            d = rng.randint(2, 30)
    x = F(a * d, b)
    steps = (
        step(
            f"Cross-multiply: {b} × x = {a} × {d} = {a * d}.",
            f"交叉相乘：{b} × x = {a} × {d} = {a * d}。",
            f"{a} * {d} = {a * d}",
            kp,
        ),
        step(
            f"Divide by {b}: x = {a * d}/{b} = {fr(x)}.",
            f"两边除以{b}：x = {a * d}/{b} = {fr(x)}。",
            f"{a * d}/{b} = {fr(x)}",
            kp,
        ),
        step(
            f"Check: {a}/{b} = {fr(x)}/{d}.",
            f"检验：{a}/{b} = {fr(x)}/{d}。",
            f"{a}/{b} = ({fr(x)})/{d}",
            "ratio.equivalent_ratios",
        ),
    )
    return Draft(
        f"Solve the proportion {a}/{b} = x/{d}.",
        f"解比例：{a}/{b} = x/{d}。",
        f"x = {fr(x)}",
        steps,
        params={"a": a, "b": b, "d": d},
    )
