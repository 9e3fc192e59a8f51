"""Whole-number addition, subtraction, multiplication and division."""

from __future__ import annotations

import math
import random

from tutor.content.generators._util import count, step
from tutor.content.registry import Draft, Step, generator

_PLACES = ("ones", "tens", "hundreds", "thousands", "ten-thousands", "hundred-thousands")
_PLACES_ZH = ("个位", "十位", "百位", "千位", "万位", "十万位")


def _digits_with(rng: random.Random, n: int, carry: bool, cols: int) -> tuple[int, int]:
    """Two n-digit numbers whose sum carries in the lowest ``cols`` columns (or never)."""
    while True:
        a = [rng.randint(1 if k == n - 1 else 0, 9) for k in range(n)]
        b = [rng.randint(1 if k == n - 1 else 0, 9) for k in range(n)]
        ok = True
        c = 0
        for k in range(n):
            total = a[k] + b[k] + c
            wants = carry and k < cols
            if (total >= 10) != wants:
                ok = False
                break
            c = total // 10
        if ok:
            x = sum(d * 10**k for k, d in enumerate(a))
            y = sum(d * 10**k for k, d in enumerate(b))
            return x, y


def _column_add_steps(a: int, b: int, kp: str) -> list[Step]:
    steps = []
    carry = 0
    n = max(len(str(a)), len(str(b)))
    for k in range(n):
        da, db = a // 10**k % 10, b // 10**k % 10
        total = da + db + carry
        if carry:
            text = f"{_PLACES[k]}: {da} + {db} + {carry} (carried) = {total}"
            zh = f"{_PLACES_ZH[k]}：{da} + {db} + {carry}（进位）= {total}"
            claim = f"{da} + {db} + {carry} = {total}"
        else:
            text = f"{_PLACES[k]}: {da} + {db} = {total}"
            zh = f"{_PLACES_ZH[k]}：{da} + {db} = {total}"
            claim = f"{da} + {db} = {total}"
        if total >= 10:
            text += f"; write {total % 10}, carry 1 to the next place"
            zh += f"，写{total % 10}，向前一位进1"
        steps.append(step(text, zh, claim, kp))
        carry = total // 10
    steps.append(
        step(f"So {a} + {b} = {a + b}.", f"所以 {a} + {b} = {a + b}。", f"{a} + {b} = {a + b}", kp)
    )
    return steps


def _add_draft(a: int, b: int, kp: str) -> Draft:
    return Draft(
        prompt=f"Work out {a} + {b}.",
        prompt_zh=f"计算：{a} + {b} = ?",
        answer=str(a + b),
        steps=tuple(_column_add_steps(a, b, kp)),
        params={"a": a, "b": b},
    )


@generator(
    "add_2digit", "whole_ops.add_2digit_regroup", also={"whole_ops.add_2digit_no_regroup": 0.5}
)
def add_2digit(difficulty: int, rng: random.Random) -> Draft:
    """Two-digit addition: no regrouping, regrouping once, regrouping into the hundreds.

    params: ``a``, ``b`` (the addends).
    """
    while True:
        a, b = _digits_with(rng, 2, difficulty > 1, difficulty - 1)
        if difficulty != 2 or a + b < 100:
            return _add_draft(a, b, "whole_ops.add_2digit_regroup")


@generator(
    "add_within_1000", "whole_ops.add_within_1000", also={"whole_ops.add_2digit_regroup": 0.3}
)
def add_within_1000(difficulty: int, rng: random.Random) -> Draft:
    """Three-digit addition with 0, 1 or 2 regroupings, sum below 1000.

    params: ``a``, ``b`` (the addends).
    """
    while True:
        a, b = _digits_with(rng, 3, difficulty > 1, difficulty - 1)
        if a + b < 1000:
            return _add_draft(a, b, "whole_ops.add_within_1000")


@generator("add_multidigit", "whole_ops.add_multidigit", also={"whole_ops.add_within_1000": 0.3})
def add_multidigit(difficulty: int, rng: random.Random) -> Draft:
    """Standard-algorithm addition of 4-, 5- and 6-digit numbers.

    params: ``a``, ``b`` (the addends).
    """
    n = difficulty + 3
    a = rng.randint(10 ** (n - 1), 10**n - 1)
    b = rng.randint(10 ** (n - 1), 10**n - 1)
    return _add_draft(a, b, "whole_ops.add_multidigit")


def _sub_draft(a: int, b: int, kp: str) -> Draft:
    steps = []
    borrow = 0
    n = len(str(a))
    for k in range(n):
        da, db = a // 10**k % 10 - borrow, b // 10**k % 10
        if da < db:
            steps.append(
                step(
                    f"{_PLACES[k]}: {da} is less than {db}, so regroup 1 from the next place: "
                    f"{da + 10} − {db} = {da + 10 - db}",
                    f"{_PLACES_ZH[k]}：{da}比{db}小，从前一位退1：{da + 10} − {db} = {da + 10 - db}",
                    f"{da} + 10 - {db} = {da + 10 - db}",
                    kp,
                )
            )
            borrow = 1
        else:
            steps.append(
                step(
                    f"{_PLACES[k]}: {da} − {db} = {da - db}",
                    f"{_PLACES_ZH[k]}：{da} − {db} = {da - db}",
                    f"{da} - {db} = {da - db}",
                    kp,
                )
            )
            borrow = 0
    steps.append(
        step(
            f"Check by adding: {a - b} + {b} = {a}.",
            f"用加法验算：{a - b} + {b} = {a}。",
            f"{a - b} + {b} = {a}",
            kp,
        )
    )
    return Draft(
        prompt=f"Work out {a} − {b}.",
        prompt_zh=f"计算：{a} − {b} = ?",
        answer=str(a - b),
        steps=tuple(steps),
        params={"a": a, "b": b},
    )


def _sub_pair(rng: random.Random, n: int, borrows: int) -> tuple[int, int]:
    """a > b, n digits each at most, with exactly ``borrows`` borrows in the low columns."""
    while True:
        a = rng.randint(10 ** (n - 1), 10**n - 1)
        b = rng.randint(10 ** (n - 2) if n > 1 else 1, a - 1)
        count, bw = 0, 0
        for k in range(n):
            da, db = a // 10**k % 10 - bw, b // 10**k % 10
            bw = 1 if da < db else 0
            count += bw
        if count == borrows and b > 0:
            return a, b


@generator(
    "subtract_2digit",
    "whole_ops.subtract_2digit_regroup",
    also={"whole_ops.subtract_2digit_no_regroup": 0.5},
)
def subtract_2digit(difficulty: int, rng: random.Random) -> Draft:
    """Two-digit subtraction: no regrouping; regrouping; regrouping with a larger gap.

    params: ``a`` (the minuend), ``b`` (the subtrahend).
    """
    if difficulty == 1:
        a, b = _sub_pair(rng, 2, 0)
    elif difficulty == 2:
        while True:
            a, b = _sub_pair(rng, 2, 1)
            if b >= 10:
                break
    else:
        while True:
            a, b = rng.randint(101, 198), rng.randint(12, 99)
            if a % 10 < b % 10 and a - b < 100:
                break
    return _sub_draft(a, b, "whole_ops.subtract_2digit_regroup")


@generator(
    "subtract_within_1000",
    "whole_ops.subtract_within_1000",
    also={"whole_ops.subtract_2digit_regroup": 0.3},
)
def subtract_within_1000(difficulty: int, rng: random.Random) -> Draft:
    """Three-digit subtraction with 0, 1 or 2 regroupings.

    params: ``a`` (the minuend), ``b`` (the subtrahend).
    """
    a, b = _sub_pair(rng, 3, difficulty - 1)
    return _sub_draft(a, b, "whole_ops.subtract_within_1000")


@generator(
    "subtract_across_zeros",
    "whole_ops.subtract_across_zeros",
    also={"whole_ops.subtract_within_1000": 0.5},
)
def subtract_across_zeros(difficulty: int, rng: random.Random) -> Draft:
    """Subtract from 100s, 1000s or numbers like 4005 (zeros to regroup across).

    params: ``a`` (the minuend), ``b`` (the subtrahend).
    """
    kp = "whole_ops.subtract_across_zeros"
    if difficulty == 1:
        a = rng.randint(1, 9) * 100
        b = rng.randint(11, 99)
    elif difficulty == 2:
        a = rng.randint(1, 9) * 1000
        b = rng.randint(101, 999)
    else:
        a = rng.randint(1, 9) * 1000 + rng.randint(1, 8)
        b = rng.randint(101, 999)
        while b % 10 <= a % 10:
            b = rng.randint(101, 999)
    a = max(a, b + 1)
    top = a - 1 if a % 10 == 0 else a
    diff = a - b
    steps = (
        step(
            f"Trade 1 from {a} the easy way: {a} = {top} + {a - top}.",
            f"把{a}拆开来算：{a} = {top} + {a - top}。",
            f"{a} = {top} + {a - top}",
            kp,
        ),
        step(
            f"Subtract without regrouping first: {top} − {b} = {top - b}.",
            f"先不退位地减：{top} − {b} = {top - b}。",
            f"{top} - {b} = {top - b}",
            kp,
        ),
        step(
            f"Add back what you took off: {top - b} + {a - top} = {diff}.",
            f"再加回拆出来的数：{top - b} + {a - top} = {diff}。",
            f"{top - b} + {a - top} = {diff}",
            kp,
        ),
        step(
            f"Check: {diff} + {b} = {a}.", f"验算：{diff} + {b} = {a}。", f"{diff} + {b} = {a}", kp
        ),
    )
    return Draft(
        f"Work out {a} − {b}.",
        f"计算：{a} − {b} = ?",
        str(diff),
        steps,
        params={"a": a, "b": b},
    )


@generator("missing_addend", "whole_ops.missing_addend", also={"whole_ops.subtract_within_20": 0.5})
def missing_addend(difficulty: int, rng: random.Random) -> Draft:
    """□ + b = c (or a + □ = c, or a − □ = c) within 20, 100, 1000.

    params: ``known`` (the number shown beside the box), ``total`` (the whole), ``shape``
    (``"a+□"``, ``"□+a"`` or ``"c−□"``: which sentence is shown).
    """
    kp = "whole_ops.missing_addend"
    top = (20, 100, 1000)[difficulty - 1]
    c = rng.randint(top // 2, top)
    a = rng.randint(1, c - 1)
    unknown = c - a
    shape = rng.randint(0, 2)
    if shape == 0:
        text = f"{a} + □ = {c}"
    elif shape == 1:
        text = f"□ + {a} = {c}"
    else:
        text = f"{c} − □ = {a}"
    steps = (
        step(
            f"The unknown part is the whole minus the known part: {c} − {a} = {unknown}.",
            f"未知部分 = 总数 − 已知部分：{c} − {a} = {unknown}。",
            f"{c} - {a} = {unknown}",
            kp,
        ),
        step(
            f"Check: {a} + {unknown} = {c}.",
            f"验算：{a} + {unknown} = {c}。",
            f"{a} + {unknown} = {c}",
            kp,
        ),
    )
    return Draft(
        f"What number goes in the box? {text}",
        f"□里应填几？{text}",
        str(unknown),
        steps,
        params={"known": a, "total": c, "shape": ("a+□", "□+a", "c−□")[shape]},
    )


def _facts(name: str, kp: str, tables: tuple[int, ...]) -> None:
    def make(difficulty: int, rng: random.Random) -> Draft:
        """Table facts: ``a × b`` (levels 1–2) or ``table × □ = product`` (level 3).

        params: ``a``, ``b`` (the factors as shown at levels 1–2), ``table``, ``n`` (the
        table and the other factor), ``product``, ``level``.
        """
        t = rng.choice(tables)
        n = rng.randint(1, 5) if difficulty == 1 else rng.randint(2, 10)
        product = t * n
        a, b = (t, n) if rng.random() < 0.5 else (n, t)
        if difficulty < 3:
            prompt, prompt_zh, answer = f"Work out {a} × {b}.", f"计算：{a} × {b} = ?", str(product)
            steps: tuple[Step, ...] = (
                step(
                    f"{a} × {b} means {count(b, 'group')} of {a}: count by {a}s {count(b, 'time')} "
                    f"to get {product}.",
                    f"{a} × {b} 表示{b}个{a}相加，{a}个{a}个地数{b}次，得{product}。",
                    f"{a} * {b} = {product}",
                    kp,
                ),
            )
        else:
            prompt = f"What number goes in the box? {t} × □ = {product}"
            prompt_zh = f"□里应填几？{t} × □ = {product}"
            answer = str(n)
            steps = (
                step(
                    f"Think: {t} times what makes {product}? {product} ÷ {t} = {n}.",
                    f"想：{t}乘几等于{product}？{product} ÷ {t} = {n}。",
                    f"{product} / {t} = {n}",
                    "mult_div.unknown_factor",
                ),
                step(
                    f"Check: {t} × {n} = {product}.",
                    f"验算：{t} × {n} = {product}。",
                    f"{t} * {n} = {product}",
                    kp,
                ),
            )
        # a, b: the factors in the order shown; at level 3, t × □ = product is shown instead.
        params = {"a": a, "b": b, "table": t, "n": n, "product": product, "level": difficulty}
        return Draft(prompt, prompt_zh, answer, steps, params=params)

    make.__name__ = name
    generator(name, kp, also={"mult_div.unknown_factor": 0.3})(make)


_facts("mult_facts_2_5_10", "mult_div.facts_2_5_10", (2, 5, 10))
_facts("mult_facts_3_4_6", "mult_div.facts_3_4_6", (3, 4, 6))
_facts("mult_facts_7_8_9", "mult_div.facts_7_8_9", (7, 8, 9))


@generator("division_facts", "mult_div.division_facts", also={"mult_div.facts_7_8_9": 0.3})
def division_facts(difficulty: int, rng: random.Random) -> Draft:
    """Table division: divisors 2–5, 2–9, 6–9 with larger quotients.

    params: ``dividend``, ``divisor``.
    """
    kp = "mult_div.division_facts"
    low, high = ((2, 5), (2, 9), (6, 9))[difficulty - 1]
    d = rng.randint(low, high)
    q = (
        rng.randint(2, 5)
        if difficulty == 1
        else rng.randint(2, 9)
        if difficulty == 2
        else rng.randint(6, 10)
    )
    n = d * q
    steps = (
        step(
            f"Think of the multiplication fact: {d} × {q} = {n}.",
            f"想乘法口诀：{d} × {q} = {n}。",
            f"{d} * {q} = {n}",
            "mult_div.facts_7_8_9" if d >= 7 else kp,
        ),
        step(f"So {n} ÷ {d} = {q}.", f"所以 {n} ÷ {d} = {q}。", f"{n} / {d} = {q}", kp),
    )
    return Draft(
        f"Work out {n} ÷ {d}.",
        f"计算：{n} ÷ {d} = ?",
        str(q),
        steps,
        params={"dividend": n, "divisor": d},
    )


def _remainder_parts(difficulty: int, rng: random.Random) -> tuple[int, int, int, int]:
    d = rng.randint(2, 5) if difficulty == 1 else rng.randint(3, 9)
    q = rng.randint(2, 9) if difficulty < 3 else rng.randint(11, 99)
    r = rng.randint(1, d - 1)
    return d * q + r, d, q, r


def _remainder_steps(n: int, d: int, q: int, r: int) -> tuple[Step, ...]:
    kp = "mult_div.divide_with_remainder"
    return (
        step(
            f"Find the biggest multiple of {d} that is not more than {n}: {d} × {q} = {d * q}.",
            f"找不超过{n}的最大的{d}的倍数：{d} × {q} = {d * q}。",
            f"{d} * {q} = {d * q}",
            kp,
        ),
        step(
            f"What is left over: {n} − {d * q} = {r}.",
            f"剩下的：{n} − {d * q} = {r}。",
            f"{n} - {d * q} = {r}",
            kp,
        ),
        step(
            f"The remainder must be less than the divisor: {r} < {d}.",
            f"余数要比除数小：{r} < {d}。",
            f"{r} < {d}",
            kp,
        ),
    )


@generator(
    "division_quotient", "mult_div.divide_with_remainder", also={"mult_div.division_facts": 0.5}
)
def division_quotient(difficulty: int, rng: random.Random) -> Draft:
    """The whole-number quotient of a division that leaves a remainder.

    params: ``dividend``, ``divisor``, ``quotient``, ``remainder``.
    """
    n, d, q, r = _remainder_parts(difficulty, rng)
    return Draft(
        f"{n} ÷ {d} = □ R {r}. What is the quotient □?",
        f"{n} ÷ {d} = □……{r}，商□是多少？",
        str(q),
        _remainder_steps(n, d, q, r),
        params={"dividend": n, "divisor": d, "quotient": q, "remainder": r},
    )


@generator(
    "division_remainder", "mult_div.divide_with_remainder", also={"mult_div.division_facts": 0.5}
)
def division_remainder(difficulty: int, rng: random.Random) -> Draft:
    """The remainder of a division (the parser has no "7 R 2" form, so ask for one number).

    params: ``dividend``, ``divisor``, ``quotient``, ``remainder``.
    """
    n, d, q, r = _remainder_parts(difficulty, rng)
    return Draft(
        f"Divide {n} by {d}. What is the remainder?",
        f"{n} ÷ {d}，余数是多少？",
        str(r),
        _remainder_steps(n, d, q, r),
        params={"dividend": n, "divisor": d, "quotient": q, "remainder": r},
    )


@generator(
    "multiply_1digit",
    "mult_div.multiply_1digit_multidigit",
    also={"mult_div.facts_7_8_9": 0.2, "mult_div.multiplication_properties": 0.3},
)
def multiply_1digit(difficulty: int, rng: random.Random) -> Draft:
    """A 2-, 3- or 4-digit number times a one-digit number, by place value.

    params: ``a`` (the many-digit factor), ``b`` (the one-digit factor).
    """
    kp = "mult_div.multiply_1digit_multidigit"
    n = difficulty + 1
    a = rng.randint(10 ** (n - 1) + 1, 10**n - 1)
    b = rng.randint(2, 9)
    parts = [a // 10**k % 10 * 10**k for k in range(n - 1, -1, -1)]
    parts = [p for p in parts if p]
    steps = [
        step(
            f"Split {a} by place value: {a} = {' + '.join(map(str, parts))}.",
            f"按数位拆开：{a} = {' + '.join(map(str, parts))}。",
            f"{a} = {' + '.join(map(str, parts))}",
            "place_value.expanded_form",
        )
    ]
    for p in parts:
        steps.append(
            step(f"{p} × {b} = {p * b}", f"{p} × {b} = {p * b}", f"{p} * {b} = {p * b}", kp)
        )
    total = " + ".join(str(p * b) for p in parts)
    steps.append(
        step(
            f"Add the parts: {total} = {a * b}.",
            f"把各部分相加：{total} = {a * b}。",
            f"{total} = {a * b}",
            kp,
        )
    )
    return Draft(
        f"Work out {a} × {b}.",
        f"计算：{a} × {b} = ?",
        str(a * b),
        tuple(steps),
        params={"a": a, "b": b},
    )


@generator(
    "multiply_2digit",
    "mult_div.multiply_2digit_2digit",
    also={"mult_div.multiply_1digit_multidigit": 0.5},
)
def multiply_2digit(difficulty: int, rng: random.Random) -> Draft:
    """Two-digit times two-digit: teens, up to 50, up to 99 (partial products).

    params: ``a``, ``b`` (the factors; ``b`` is split into tens and ones).
    """
    kp = "mult_div.multiply_2digit_2digit"
    high = (19, 49, 99)[difficulty - 1]
    a, b = rng.randint(11, high), rng.randint(11, high)
    tens, ones = b // 10 * 10, b % 10
    steps = [
        step(
            f"Split {b} into tens and ones: {b} = {tens} + {ones}.",
            f"把{b}拆成整十数和一位数：{b} = {tens} + {ones}。",
            f"{b} = {tens} + {ones}",
            "place_value.tens_and_ones",
        ),
        step(
            f"{a} × {tens} = {a * tens}",
            f"{a} × {tens} = {a * tens}",
            f"{a} * {tens} = {a * tens}",
            kp,
        ),
    ]
    if ones:
        steps.append(
            step(
                f"{a} × {ones} = {a * ones}",
                f"{a} × {ones} = {a * ones}",
                f"{a} * {ones} = {a * ones}",
                kp,
            )
        )
    steps.append(
        step(
            f"Add the partial products: {a * tens} + {a * ones} = {a * b}.",
            f"把两部分的积相加：{a * tens} + {a * ones} = {a * b}。",
            f"{a * tens} + {a * ones} = {a * b}",
            kp,
        )
    )
    return Draft(
        f"Work out {a} × {b}.",
        f"计算：{a} × {b} = ?",
        str(a * b),
        tuple(steps),
        params={"a": a, "b": b},
    )


@generator("long_division", "mult_div.long_division_1digit", also={"mult_div.division_facts": 0.5})
def long_division(difficulty: int, rng: random.Random) -> Draft:
    """Exact division by a one-digit divisor with 2-, 3- or 4-digit dividends.

    params: ``dividend``, ``divisor``.
    """
    kp = "mult_div.long_division_1digit"
    d = rng.randint(2, 9)
    q = rng.randint(-(-(10**difficulty) // d), (10 ** (difficulty + 1) - 1) // d)
    n = d * q
    steps = []
    rest = n
    for k in range(len(str(q)) - 1, -1, -1):
        chunk = q // 10**k % 10 * 10**k
        if chunk == 0:
            continue
        steps.append(
            step(
                f"Take {count(chunk, 'group')} of {d}: {d} × {chunk} = {d * chunk}; "
                f"{rest} − {d * chunk} = {rest - d * chunk} left.",
                f"商先取{chunk}：{d} × {chunk} = {d * chunk}，{rest} − {d * chunk} = {rest - d * chunk}，还剩{rest - d * chunk}。",
                f"{rest} - {d} * {chunk} = {rest - d * chunk}",
                kp,
            )
        )
        rest -= d * chunk
    steps.append(
        step(f"Check: {q} × {d} = {n}.", f"验算：{q} × {d} = {n}。", f"{q} * {d} = {n}", kp)
    )
    return Draft(
        f"Work out {n} ÷ {d}.",
        f"计算：{n} ÷ {d} = ?",
        str(q),
        tuple(steps),
        params={"dividend": n, "divisor": d},
    )


@generator("gcf", "mult_div.greatest_common_factor", also={"mult_div.factor_pairs": 0.5})
def gcf(difficulty: int, rng: random.Random) -> Draft:
    """Greatest common factor of two numbers up to 30, 60, 150.

    params: ``a``, ``b``.
    """
    kp = "mult_div.greatest_common_factor"
    high = (30, 60, 150)[difficulty - 1]
    while True:
        g = rng.randint(2, high // 4)
        a, b = g * rng.randint(1, high // g), g * rng.randint(1, high // g)
        if a != b and math.gcd(a, b) == g and max(a, b) <= high and min(a, b) > g:
            break
    steps = (
        step(
            f"{a} = {g} × {a // g}",
            f"{a} = {g} × {a // g}",
            f"{a} = {g} * {a // g}",
            "mult_div.factor_pairs",
        ),
        step(
            f"{b} = {g} × {b // g}",
            f"{b} = {g} × {b // g}",
            f"{b} = {g} * {b // g}",
            "mult_div.factor_pairs",
        ),
        step(
            f"{a // g} and {b // g} share no factor except 1, so {g} is the greatest common factor.",
            f"{a // g}和{b // g}除了1没有别的公因数，所以最大公因数是{g}。",
            f"{a} / {g} - {b} / {g} = {a // g - b // g}",
            kp,
        ),
    )
    return Draft(
        f"What is the greatest common factor of {a} and {b}?",
        f"{a}和{b}的最大公因数是多少？",
        str(g),
        steps,
        params={"a": a, "b": b},
    )


@generator("lcm", "mult_div.least_common_multiple", also={"mult_div.multiples": 0.5})
def lcm(difficulty: int, rng: random.Random) -> Draft:
    """Least common multiple of two numbers up to 10, 15, 25.

    params: ``a``, ``b``.
    """
    kp = "mult_div.least_common_multiple"
    high = (10, 15, 25)[difficulty - 1]
    while True:
        a, b = rng.randint(2, high), rng.randint(2, high)
        m = math.lcm(a, b)
        if a != b and m not in (a, b) and m <= 200:
            break
    g = math.gcd(a, b)
    steps = (
        step(
            f"{m} is a multiple of {a}: {a} × {m // a} = {m}.",
            f"{m}是{a}的倍数：{a} × {m // a} = {m}。",
            f"{a} * {m // a} = {m}",
            "mult_div.multiples",
        ),
        step(
            f"{m} is a multiple of {b}: {b} × {m // b} = {m}.",
            f"{m}是{b}的倍数：{b} × {m // b} = {m}。",
            f"{b} * {m // b} = {m}",
            "mult_div.multiples",
        ),
        step(
            f"A shortcut: {a} × {b} ÷ {g} (their greatest common factor) = {m}.",
            f"简便方法：{a} × {b} ÷ {g}（最大公因数）= {m}。",
            f"{a} * {b} / {g} = {m}",
            kp,
        ),
    )
    return Draft(
        f"What is the least common multiple of {a} and {b}?",
        f"{a}和{b}的最小公倍数是多少？",
        str(m),
        steps,
        params={"a": a, "b": b},
    )
