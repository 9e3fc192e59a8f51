"""Exponents and radicals, polynomial expressions, equations, inequalities and functions.

Some skills are about the *form* of an answer (scientific notation, simplest radical form,
expanded polynomials). The answer checker compares expressions by value and only flags a
right value written with *more* operations than the canonical answer, so a student who typed
the question back (``√72`` for ``6√2``, ``(x + 2)(x + 3)`` for its expansion) would be
accepted. Items for those skills therefore ask for the numbers that pin the form down: the
pair ``(a, n)`` of ``a × 10^n``, the ``k`` of ``k√2``, or the coefficients ``(a, b, c)`` of
``ax^2 + bx + c``. Quadratics with two roots are answered as ``(smaller, larger)``, the only
two-value form the parser reads.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from tutor.content.answers import AnswerPolicy, parse_answer
from tutor.content.generators._util import F, agree, count, dec, fr, neg, pick_nonzero, step
from tutor.content.registry import Draft, Step, generator

SIMPLEST = AnswerPolicy(require_simplified=True)

# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------


def _coef(c: F | int, body: str) -> str:
    """``c`` times ``body`` without the sign: ``3x``, ``x``, ``(1/2)x``, ``7``."""
    size = abs(F(c))
    if not body:
        return fr(size)
    if size == 1:
        return body
    if size.denominator != 1:
        return f"({fr(size)}){body}"
    return f"{fr(size)}{body}"


def _poly(terms: Sequence[tuple[F | int, str]]) -> str:
    """Terms ``(coefficient, body)`` written the usual way: ``3x^2 - x + 5``; zeros dropped."""
    text = ""
    for c, body in terms:
        if c == 0:
            continue
        piece = _coef(c, body)
        if not text:
            text = f"-{piece}" if c < 0 else piece
        else:
            text += f" - {piece}" if c < 0 else f" + {piece}"
    return text or "0"


def _lin(a: F | int, b: F | int, var: str = "x") -> str:
    """``ax + b``."""
    return _poly([(a, var), (b, "")])


def _quad(a: F | int, b: F | int, c: F | int, var: str = "x") -> str:
    """``ax^2 + bx + c``."""
    return _poly([(a, f"{var}^2"), (b, var), (c, "")])


def _pow(var: str, n: int) -> str:
    """``x^n`` (``x`` for n = 1, empty for n = 0)."""
    if n == 0:
        return ""
    return var if n == 1 else f"{var}^{n}"


def _mono(c: int | F, powers: Sequence[tuple[str, int]]) -> str:
    """A monomial such as ``-12a^3b``."""
    body = "".join(_pow(v, n) for v, n in powers)
    return _poly([(c, body)]) if body else fr(c)


def _sub(template: str, value: F | int) -> str:
    """``template`` with every ``x`` replaced by ``value`` in brackets (for check claims)."""
    return template.replace("x", f"({fr(value)})")


def _br(value: F | int) -> str:
    """``value`` in brackets unless it is a non-negative whole number (safe inside a claim)."""
    value = F(value)
    return fr(value) if value.denominator == 1 and value >= 0 else f"({fr(value)})"


def _pair(values: Sequence[F | int]) -> str:
    """A tuple answer ``(a, b, ...)``."""
    return "(" + ", ".join(fr(v) for v in values) + ")"


def _show(rel: str) -> str:
    return {"<=": "≤", ">=": "≥"}.get(rel, rel)


_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">="}
_NAMES = (("Xiaoming", "小明"), ("Xiaohong", "小红"), ("Lili", "丽丽"), ("Dawei", "大伟"))

# --------------------------------------------------------------------------------------------
# Exponents and radicals
# --------------------------------------------------------------------------------------------


@generator(
    "exponent_powers_of_ten",
    "exponents.powers_of_ten",
    also={"decimals.multiply_divide_powers_of_ten": 0.4},
)
def exponent_powers_of_ten(difficulty: int, rng: random.Random) -> Draft:
    """10^n or the n of 10^n; a × 10^n; a decimal times or divided by 10^n.

    params: ``n`` (the exponent), ``a`` (the number multiplied, as text; 1 at level 1),
    ``op`` ("multiply" or "divide").
    """
    kp = "exponents.powers_of_ten"
    n = rng.randint((1, 2, 1)[difficulty - 1], (9, 5, 4)[difficulty - 1])
    op = "multiply"
    if difficulty == 1:
        a = F(1)
    elif difficulty == 2:
        a = F(rng.randint(2, 99))
    else:
        a = F(rng.randint(101, 9999), 10 ** rng.randint(1, 3))
        op = rng.choice(("multiply", "divide"))
    power = 10**n
    value = a * power if op == "multiply" else a / power
    steps: list[Step] = [
        step(
            f"10^{n} is 1 followed by {count(n, 'zero')}: 10^{n} = {power}.",
            f"10^{n}就是1后面跟{n}个0：10^{n} = {power}。",
            f"10^{n} = {power}",
            kp,
        )
    ]
    if difficulty == 1 and rng.random() < 0.5:
        # the reverse question: which power of ten is this number?
        steps.append(
            step(
                f"Count the zeros of {power}: there {agree(n, 'is', 'are')} {n}, so {power} = 10^{n}.",
                f"数一数{power}有几个0：有{n}个，所以{power} = 10^{n}。",
                f"{power} = 10^{n}",
                kp,
            )
        )
        return Draft(
            f"{power} = 10^n. What is n?",
            f"{power} = 10^n，n等于多少？",
            str(n),
            tuple(steps),
            params={"n": n, "a": "1", "op": "exponent"},
        )
    if difficulty == 1:
        shown, shown_zh = f"10^{n}", f"10^{n}"
    elif op == "multiply":
        shown = shown_zh = f"{dec(a)} × 10^{n}"
        steps.append(
            step(
                f"Multiplying by 10^{n} moves the digits {count(n, 'place')} to the left "
                f"(the decimal point {count(n, 'place')} right): {dec(a)} × {power} = {dec(value)}.",
                f"乘10^{n}，小数点向右移动{n}位：{dec(a)} × {power} = {dec(value)}。",
                f"{dec(a)} * 10^{n} = {dec(a)} * {power} = {dec(value)}",
                "decimals.multiply_divide_powers_of_ten",
            )
        )
    else:
        shown = shown_zh = f"{dec(a)} ÷ 10^{n}"
        steps.append(
            step(
                f"Dividing by 10^{n} moves the decimal point {count(n, 'place')} to the left: "
                f"{dec(a)} ÷ {power} = {dec(value)}.",
                f"除以10^{n}，小数点向左移动{n}位：{dec(a)} ÷ {power} = {dec(value)}。",
                f"{dec(a)} / 10^{n} = {dec(a)} / {power} = {dec(value)}",
                "decimals.multiply_divide_powers_of_ten",
            )
        )
    return Draft(
        f"Work out {shown}. Write the answer as an ordinary number.",
        f"计算：{shown_zh}（结果写成普通的数）。",
        dec(value),
        tuple(steps),
        params={"n": n, "a": dec(a), "op": op},
    )


@generator(
    "exponent_squares_cubes",
    "exponents.squares_cubes",
    also={"exponents.whole_number_exponents": 0.4},
)
def exponent_squares_cubes(difficulty: int, rng: random.Random) -> Draft:
    """n^2 up to 15^2; n^3 up to 10^3 or n^2 up to 25^2; a^2 ± b^3 (negative cubes at times).

    params: ``a`` and ``a_power`` (the first power), ``b`` and ``b_power`` (the second power,
    level 3 only, else 0), ``op`` ("+" or "-", level 3).
    """
    kp = "exponents.squares_cubes"
    b, b_power, op = 0, 0, "+"
    if difficulty == 1:
        a, a_power = rng.randint(2, 15), 2
    elif difficulty == 2:
        # cubes, or squares beyond the times table
        a, a_power = (rng.randint(2, 10), 3) if rng.random() < 0.6 else (rng.randint(16, 25), 2)
    else:
        a, a_power = rng.randint(4, 15), 2
        b, b_power = rng.choice((-1, 1)) * rng.randint(2, 6), 3
        op = rng.choice(("+", "-"))
    first = a**a_power
    factors = " × ".join([str(a)] * a_power)
    steps = [
        step(
            f"{a}^{a_power} = {factors} = {first}.",
            f"{a}^{a_power} = {factors} = {first}。",
            f"{a}^{a_power} = {factors.replace('×', '*')} = {first}",
            kp,
        )
    ]
    shown = f"{a}^{a_power}"
    value = first
    if difficulty == 3:
        second = b**b_power
        shown = f"{a}^2 {op} {neg(b)}^3"
        value = first + second if op == "+" else first - second
        steps.append(
            step(
                f"{neg(b)}^3 = {neg(b)} × {neg(b)} × {neg(b)} = {second}"
                + (" (a negative number cubed is negative)." if b < 0 else "."),
                f"{neg(b)}^3 = {neg(b)} × {neg(b)} × {neg(b)} = {second}"
                + ("（负数的立方是负数）。" if b < 0 else "。"),
                f"{neg(b)}^3 = {second}",
                kp,
            )
        )
        steps.append(
            step(
                f"So {shown} = {first} {op} {neg(second)} = {value}.",
                f"所以 {shown} = {first} {op} {neg(second)} = {value}。",
                f"{shown} = {first} {op} {neg(second)} = {value}",
                "integers.add_different_signs",
            )
        )
    return Draft(
        f"Work out {shown}.",
        f"计算：{shown} = ?",
        str(value),
        tuple(steps),
        params={"a": a, "a_power": a_power, "b": b, "b_power": b_power, "op": op},
    )


@generator("exponent_cube_root", "exponents.cube_roots", also={"exponents.squares_cubes": 0.4})
def exponent_cube_root(difficulty: int, rng: random.Random) -> Draft:
    """∛(n^3) for n up to 10 (and ∛8000-style); negative cubes up to 10; cubes of fractions.

    params: ``radicand`` (text, e.g. "-8/27"), ``root`` (text).
    """
    kp = "exponents.cube_roots"
    if difficulty == 1:
        root = F(rng.randint(1, 10)) if rng.random() < 0.7 else F(10 * rng.randint(2, 5))
    elif difficulty == 2:
        root = F(rng.choice((-1, 1)) * rng.randint(2, 10))
    else:
        p, q = rng.randint(1, 5), rng.randint(2, 6)
        while math.gcd(p, q) != 1:
            q = rng.randint(2, 6)
        root = F(rng.choice((-1, 1)) * p, q)
    radicand = root**3
    shown = (
        f"∛({fr(radicand)})" if radicand < 0 or radicand.denominator != 1 else f"∛{fr(radicand)}"
    )
    steps = (
        step(
            f"Look for the number whose cube is {fr(radicand)}: ({fr(root)})^3 = {fr(radicand)}.",
            f"找一个立方等于{fr(radicand)}的数：({fr(root)})^3 = {fr(radicand)}。",
            f"({fr(root)})^3 = {fr(radicand)}",
            "exponents.squares_cubes",
        ),
        step(
            f"So {shown} = {fr(root)}"
            + (" (a negative number has a negative cube root)." if root < 0 else "."),
            f"所以 {shown} = {fr(root)}" + ("（负数的立方根是负数）。" if root < 0 else "。"),
            f"({fr(root)}) * ({fr(root)}) * ({fr(root)}) = {fr(radicand)}",
            kp,
        ),
    )
    return Draft(
        f"Work out {shown}."
        + (" Give your answer as a fraction in lowest terms." if difficulty == 3 else ""),
        f"计算：{shown} = ?" + ("（结果写成最简分数）" if difficulty == 3 else ""),
        fr(root),
        steps,
        SIMPLEST,
        params={"radicand": fr(radicand), "root": fr(root)},
    )


def _non_square(rng: random.Random, low: int, high: int) -> int:
    while True:
        n = rng.randint(low, high)
        if math.isqrt(n) ** 2 != n:
            return n


@generator(
    "exponent_estimate_root",
    "exponents.estimate_irrational",
    also={"exponents.square_roots": 0.5},
)
def exponent_estimate_root(difficulty: int, rng: random.Random) -> Draft:
    """√n between two whole numbers; to the nearest whole number; to the nearest tenth.

    params: ``n`` (the number under the root), ``floor`` (the whole number just below √n).
    """
    kp = "exponents.estimate_irrational"
    n = _non_square(rng, 2, (99, 200, 150)[difficulty - 1])
    k = math.isqrt(n)
    steps = [
        step(
            f"{k}^2 = {k * k} and {k + 1}^2 = {(k + 1) ** 2}, and {n} is between them, "
            f"so √{n} is between {k} and {k + 1}.",
            f"{k}^2 = {k * k}，{k + 1}^2 = {(k + 1) ** 2}，{n}在它们之间，"
            f"所以√{n}在{k}和{k + 1}之间。",
            f"{k}^2 < {n} < {k + 1}^2",
            "exponents.squares_cubes",
        )
    ]
    policy = AnswerPolicy()
    if difficulty == 1:
        prompt = (
            f"√{n} lies between which two consecutive whole numbers? "
            "Give your answer as (smaller, larger)."
        )
        prompt_zh = f"√{n}在哪两个相邻的整数之间？按（较小的数, 较大的数）的格式作答，如(3, 4)。"
        answer = _pair((k, k + 1))
    elif difficulty == 2:
        half = F(2 * k + 1, 2)
        nearest = k if n < half**2 else k + 1
        rel = "<" if nearest == k else ">"
        steps.append(
            step(
                f"Halfway: {dec(half)}^2 = {dec(half**2)}. {n} is "
                f"{'below' if rel == '<' else 'above'} it, so √{n} is nearer {nearest}.",
                f"取中间数：{dec(half)}^2 = {dec(half**2)}。{n}比它"
                f"{'小' if rel == '<' else '大'}，所以√{n}更接近{nearest}。",
                f"{n} {rel} {dec(half)}^2",
                kp,
            )
        )
        prompt = f"Estimate √{n} to the nearest whole number."
        prompt_zh = f"估算√{n}的值（精确到整数）。"
        answer = str(nearest)
    else:
        tenths = math.isqrt(100 * n)  # 10√n rounded down
        if F(2 * tenths + 1, 20) ** 2 < n:
            tenths += 1
        value = F(tenths, 10)
        low, high = value - F(1, 20), value + F(1, 20)
        steps.append(
            step(
                f"Try tenths: {dec(low)}^2 < {n} < {dec(high)}^2, so √{n} ≈ {dec(value)}.",
                f"试一试十分位：{dec(low)}^2 < {n} < {dec(high)}^2，所以√{n} ≈ {dec(value)}。",
                f"{dec(low)}^2 < {n} < {dec(high)}^2",
                kp,
            )
        )
        prompt = f"Estimate √{n} to the nearest tenth."
        prompt_zh = f"估算√{n}的值（精确到十分位，即0.1）。"
        answer = dec(value)
    return Draft(prompt, prompt_zh, answer, tuple(steps), policy, params={"n": n, "floor": k})


_LETTERS = ("x", "a", "b", "y", "n")


def _two_letters(rng: random.Random) -> tuple[str, str]:
    first, second = rng.choice((("a", "b"), ("x", "y"), ("m", "n"), ("p", "q")))
    return first, second


@generator(
    "exponent_product_rule",
    "exponents.product_rule",
    also={"exponents.whole_number_exponents": 0.3},
)
def exponent_product_rule(difficulty: int, rng: random.Random) -> Draft:
    """x^m · x^n; c x^m · d x^n; c a^p b^q · d a^r b^s (with negatives).

    params: ``c1``, ``c2`` (coefficients, 1 at level 1), ``powers1``, ``powers2``
    (lists of [letter, exponent]).
    """
    kp = "exponents.product_rule"
    if difficulty == 1:
        v = rng.choice(_LETTERS)
        c1 = c2 = 1
        p1, p2 = [(v, rng.randint(2, 9))], [(v, rng.randint(2, 9))]
    elif difficulty == 2:
        v = rng.choice(_LETTERS)
        c1, c2 = rng.randint(2, 9), rng.choice((-1, 1)) * rng.randint(2, 9)
        p1, p2 = [(v, rng.randint(1, 8))], [(v, rng.randint(2, 8))]
    else:
        u, w = _two_letters(rng)
        c1, c2 = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
        if abs(c1) == 1:
            c1 *= 3
        p1 = [(u, rng.randint(1, 6)), (w, rng.randint(1, 6))]
        p2 = [(u, rng.randint(1, 6)), (w, rng.randint(0, 6))]
    total = [(v1, n1 + n2) for (v1, n1), (_, n2) in zip(p1, p2, strict=True)]
    left, right = _mono(c1, p1), _mono(c2, p2)
    shown = f"{left} · {right}" if c2 > 0 else f"{left} · ({right})"
    claim_lhs = f"({left}) * ({right})"
    answer = _mono(c1 * c2, total)
    steps = []
    if difficulty > 1:
        steps.append(
            step(
                f"Multiply the numbers: {c1} × {neg(c2)} = {c1 * c2}.",
                f"系数相乘：{c1} × {neg(c2)} = {c1 * c2}。",
                f"{c1} * {neg(c2)} = {c1 * c2}",
                "integers.multiply",
            )
        )
    for (v1, n1), (_, n2) in zip(p1, p2, strict=True):
        if n2 == 0:
            continue
        steps.append(
            step(
                f"Same base {v1}: add the exponents, {_pow(v1, n1) or '1'} · {_pow(v1, n2)} = "
                f"{v1}^({n1} + {n2}) = {_pow(v1, n1 + n2)}.",
                f"同底数幂相乘，底数{v1}不变，指数相加：{v1}^({n1} + {n2}) = {_pow(v1, n1 + n2)}。",
                f"{v1}^{n1} * {v1}^{n2} = {v1}^({n1} + {n2}) = {_pow(v1, n1 + n2)}",
                kp,
            )
        )
    steps.append(
        step(f"So {shown} = {answer}.", f"所以 {shown} = {answer}。", f"{claim_lhs} = {answer}", kp)
    )
    return Draft(
        f"Simplify {shown}. Write each letter once, with a single exponent.",
        f"计算：{shown}（结果中每个字母只出现一次）。",
        answer,
        tuple(steps),
        SIMPLEST,
        params={
            "c1": c1,
            "c2": c2,
            "powers1": [[v1, n1] for v1, n1 in p1],
            "powers2": [[v2, n2] for v2, n2 in p2],
            "expression": claim_lhs,
        },
    )


@generator(
    "exponent_quotient_rule",
    "exponents.quotient_rule",
    also={"exponents.product_rule": 0.4},
)
def exponent_quotient_rule(difficulty: int, rng: random.Random) -> Draft:
    """x^m ÷ x^n; (c·d x^m)/(d x^n); two letters, one of which may cancel completely.

    params: ``c1``, ``c2`` (coefficients of top and bottom), ``powers1``, ``powers2``
    (lists of [letter, exponent] for top and bottom).
    """
    kp = "exponents.quotient_rule"
    if difficulty == 1:
        v = rng.choice(_LETTERS)
        n2 = rng.randint(1, 7)
        p1, p2 = [(v, n2 + rng.randint(1, 8))], [(v, n2)]
        c2, q = 1, 1
    elif difficulty == 2:
        v = rng.choice(_LETTERS)
        n2 = rng.randint(1, 6)
        p1, p2 = [(v, n2 + rng.randint(1, 6))], [(v, n2)]
        c2, q = rng.randint(2, 9), rng.randint(2, 9)
    else:
        u, w = _two_letters(rng)
        a2, b2 = rng.randint(1, 5), rng.randint(1, 5)
        p1 = [(u, a2 + rng.randint(1, 5)), (w, b2 + rng.randint(0, 4))]
        p2 = [(u, a2), (w, b2)]
        c2, q = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
        if abs(c2) == 1:
            c2 = 4 * c2
    c1 = c2 * q
    top, bottom = _mono(c1, p1), _mono(c2, p2)
    shown = f"{top} ÷ {bottom}" if difficulty == 1 else f"({top}) ÷ ({bottom})"
    claim_lhs = f"({top}) / ({bottom})"
    result = [(v1, n1 - n2) for (v1, n1), (_, n2) in zip(p1, p2, strict=True)]
    answer = _mono(q, result)
    steps = []
    if difficulty > 1:
        steps.append(
            step(
                f"Divide the numbers: {c1} ÷ {neg(c2)} = {q}.",
                f"系数相除：{c1} ÷ {neg(c2)} = {q}。",
                f"{c1} / {neg(c2)} = {q}",
                "integers.divide",
            )
        )
    for (v1, n1), (_, n2) in zip(p1, p2, strict=True):
        rest = _pow(v1, n1 - n2)
        steps.append(
            step(
                f"Same base {v1}: subtract the exponents, {v1}^({n1} − {n2}) = "
                f"{rest or v1 + '^0 = 1'}.",
                f"同底数幂相除，底数{v1}不变，指数相减：{v1}^({n1} − {n2}) = {rest or v1 + '^0 = 1'}。",
                f"{v1}^{n1} / {v1}^{n2} = {v1}^({n1} - {n2}) = {rest or 1}",
                kp,
            )
        )
    steps.append(
        step(f"So {shown} = {answer}.", f"所以 {shown} = {answer}。", f"{claim_lhs} = {answer}", kp)
    )
    return Draft(
        f"Simplify {shown}. Write each letter once, with a single positive exponent.",
        f"计算：{shown}（结果中每个字母只出现一次）。",
        answer,
        tuple(steps),
        SIMPLEST,
        params={
            "c1": c1,
            "c2": c2,
            "powers1": [[v1, n1] for v1, n1 in p1],
            "powers2": [[v2, n2] for v2, n2 in p2],
            "expression": claim_lhs,
        },
    )


@generator("exponent_power_rule", "exponents.power_rule", also={"exponents.product_rule": 0.4})
def exponent_power_rule(difficulty: int, rng: random.Random) -> Draft:
    """(x^m)^n; (c x^m)^n; (c a^p b^q)^n with a negative c at times.

    params: ``c`` (coefficient inside, 1 at level 1), ``powers`` (list of [letter, exponent]
    inside), ``n`` (the outer exponent).
    """
    kp = "exponents.power_rule"
    if difficulty == 1:
        c, powers, n = 1, [(rng.choice(_LETTERS), rng.randint(2, 9))], rng.randint(2, 6)
    elif difficulty == 2:
        c, powers, n = (
            rng.randint(2, 5),
            [(rng.choice(_LETTERS), rng.randint(2, 6))],
            rng.randint(2, 3),
        )
    else:
        u, w = _two_letters(rng)
        c = rng.choice((-1, 1)) * rng.randint(2, 5)
        # exponents of 2 or more, so that the question itself is not a simpler answer
        powers, n = [(u, rng.randint(2, 5)), (w, rng.randint(2, 5))], rng.randint(2, 3)
    inside = _mono(c, powers)
    shown = f"({inside})^{n}"
    result = [(v, m * n) for v, m in powers]
    answer = _mono(c**n, result)
    steps = []
    if c != 1:
        steps.append(
            step(
                f"A power of a product: raise each factor to the power {n}, starting with "
                f"the number: ({c})^{n} = {c**n}.",
                f"积的乘方等于每个因式分别乘方，先算系数：({c})^{n} = {c**n}。",
                f"({c})^{n} = {c**n}",
                kp,
            )
        )
    for v, m in powers:
        steps.append(
            step(
                f"Power of a power: multiply the exponents, ({_pow(v, m)})^{n} = {v}^({m} × {n}) = "
                f"{_pow(v, m * n)}.",
                f"幂的乘方，底数不变，指数相乘：({_pow(v, m)})^{n} = {v}^({m} × {n}) = {_pow(v, m * n)}。",
                f"({v}^{m})^{n} = {v}^({m} * {n}) = {_pow(v, m * n)}",
                kp,
            )
        )
    steps.append(
        step(f"So {shown} = {answer}.", f"所以 {shown} = {answer}。", f"{shown} = {answer}", kp)
    )
    return Draft(
        f"Simplify {shown}.",
        f"计算：{shown}",
        answer,
        tuple(steps),
        SIMPLEST,
        params={"c": c, "powers": [[v, m] for v, m in powers], "n": n, "expression": shown},
    )


@generator(
    "exponent_zero_negative", "exponents.zero_negative", also={"exponents.quotient_rule": 0.4}
)
def exponent_zero_negative(difficulty: int, rng: random.Random) -> Draft:
    """a^0 or a^(-n); (p/q)^(-n) or c · a^(-n); a^m × a^(-n) and a^0 + b^(-n).

    params: ``base`` (text), ``exponent``, and at level 3 ``second_exponent`` and ``form``
    ("product" or "sum"); at level 2 ``c`` (the multiplier, 1 if none).
    """
    kp = "exponents.zero_negative"
    params: dict[str, object] = {}
    steps: tuple[Step, ...]
    if difficulty == 1:
        a = rng.randint(2, 10)
        e = 0 if rng.random() < 0.25 else -rng.randint(1, 3 if a <= 10 else 2)
        shown = f"{a}^({e})" if e else f"{a}^0"
        value = F(a) ** e
        params = {"base": str(a), "exponent": e}
        if e == 0:
            steps = (
                step(
                    f"Any non-zero number to the power 0 is 1: {a}^0 = 1.",
                    f"任何不等于0的数的0次幂都等于1：{a}^0 = 1。",
                    f"{a}^0 = 1",
                    kp,
                ),
            )
        else:
            steps = (
                step(
                    f"A negative exponent means one over the positive power: {shown} = 1/{a}^{-e} = {fr(value)}.",
                    f"负整数指数幂等于对应正整数指数幂的倒数：{shown} = 1/{a}^{-e} = {fr(value)}。",
                    f"{a}^({e}) = 1/{a}^{-e} = {fr(value)}",
                    kp,
                ),
            )
    elif difficulty == 2:
        p, q = rng.randint(1, 5), rng.randint(2, 6)
        while math.gcd(p, q) != 1 or p == q:
            p = rng.randint(1, 5)
        e = -rng.randint(1, 3)
        if rng.random() < 0.5:
            base = F(p, q)
            shown = f"({fr(base)})^({e})"
            value = base**e
            steps = (
                step(
                    f"Flip the fraction and make the exponent positive: {shown} = ({q}/{p})^{-e} = {fr(value)}.",
                    f"底数取倒数，指数变为正数：{shown} = ({q}/{p})^{-e} = {fr(value)}。",
                    f"({fr(base)})^({e}) = ({q}/{p})^{-e} = {fr(value)}",
                    kp,
                ),
            )
            params = {"base": fr(base), "exponent": e, "c": 1}
        else:
            c, a = rng.randint(2, 9), rng.randint(2, 5)
            shown = f"{c} × {a}^({e})"
            value = c * F(a) ** e
            steps = (
                step(
                    f"{a}^({e}) = 1/{a**-e}.",
                    f"{a}^({e}) = 1/{a**-e}。",
                    f"{a}^({e}) = 1/{a**-e}",
                    kp,
                ),
                step(
                    f"{c} × 1/{a**-e} = {fr(value)}.",
                    f"{c} × 1/{a**-e} = {fr(value)}。",
                    f"{c} * 1/{a**-e} = {fr(value)}",
                    "fractions.multiply_by_whole",
                ),
            )
            params = {"base": str(a), "exponent": e, "c": c}
    else:
        a = rng.randint(2, 5)
        if rng.random() < 0.6:
            m, e = rng.randint(1, 4), -rng.randint(2, 6)
            if m + e >= 0:
                e = -m - rng.randint(1, 2)
            shown = f"{a}^{m} × {a}^({e})"
            value = F(a) ** (m + e)
            steps = (
                step(
                    f"Same base: add the exponents, {m} + ({e}) = {m + e}.",
                    f"同底数幂相乘，指数相加：{m} + ({e}) = {m + e}。",
                    f"{a}^{m} * {a}^({e}) = {a}^({m + e})",
                    "exponents.product_rule",
                ),
                step(
                    f"{a}^({m + e}) = 1/{a}^{-(m + e)} = {fr(value)}.",
                    f"{a}^({m + e}) = 1/{a}^{-(m + e)} = {fr(value)}。",
                    f"{a}^({m + e}) = {fr(value)}",
                    kp,
                ),
            )
            params = {"base": str(a), "exponent": m, "second_exponent": e, "form": "product"}
        else:
            b, e = rng.randint(6, 15), -rng.randint(1, 2)
            shown = f"{b}^0 + {a}^({e})"
            value = 1 + F(a) ** e
            steps = (
                step(f"{b}^0 = 1.", f"{b}^0 = 1。", f"{b}^0 = 1", kp),
                step(
                    f"{a}^({e}) = {fr(F(a) ** e)}.",
                    f"{a}^({e}) = {fr(F(a) ** e)}。",
                    f"{a}^({e}) = {fr(F(a) ** e)}",
                    kp,
                ),
                step(
                    f"1 + {fr(F(a) ** e)} = {fr(value)}.",
                    f"1 + {fr(F(a) ** e)} = {fr(value)}。",
                    f"1 + {fr(F(a) ** e)} = {fr(value)}",
                    "fractions.add_unlike",
                ),
            )
            params = {
                "base": str(a),
                "exponent": 0,
                "second_exponent": e,
                "form": "sum",
                "zero_base": b,
            }
    return Draft(
        f"Work out {shown}. Give your answer as a whole number or a fraction in lowest terms.",
        f"计算：{shown}（结果写成整数或最简分数）。",
        fr(value),
        steps,
        SIMPLEST,
        params=params,
    )


def _sci_parts(value: F) -> tuple[F, int]:
    """``value`` = a × 10^n with 1 ≤ a < 10."""
    n = 0
    a = value
    while a >= 10:
        a /= 10
        n += 1
    while a < 1:
        a *= 10
        n -= 1
    return a, n


@generator(
    "scientific_notation",
    "exponents.scientific_notation",
    also={"exponents.powers_of_ten": 0.4, "exponents.zero_negative": 0.3},
)
def scientific_notation(difficulty: int, rng: random.Random) -> Draft:
    """a × 10^n to an ordinary number; a large number to (a, n); a small decimal to (a, n).

    params: ``number`` (the ordinary number, text), ``a`` (text), ``n``, ``direction``
    ("to_standard" or "to_scientific").
    """
    kp = "exponents.scientific_notation"
    digits = rng.randint(11, 99) if difficulty < 3 else rng.randint(11, 999)
    while digits % 10 == 0:
        digits += 1
    if difficulty == 1:
        a = F(digits, 10)
        n = rng.randint(3, 7)
        number = a * 10**n
    elif difficulty == 2:
        number = F(digits * 10 ** rng.randint(2, 8))
        a, n = _sci_parts(number)
    else:
        number = F(digits, 10 ** rng.randint(4, 8))
        a, n = _sci_parts(number)
    shown_sci = f"{dec(a)} × 10^{neg(n)}"
    claim = f"{dec(a)} * 10^{neg(n)} = {dec(number)}"
    steps: tuple[Step, ...]
    if difficulty == 1:
        steps = (
            step(
                f"Multiplying by 10^{n} moves the decimal point {count(n, 'place')} to the right: "
                f"{shown_sci} = {dec(number)}.",
                f"乘10^{n}，小数点向右移动{n}位：{shown_sci} = {dec(number)}。",
                claim,
                kp,
            ),
        )
        return Draft(
            f"Write {shown_sci} as an ordinary number.",
            f"把{shown_sci}写成原来的数。",
            dec(number),
            steps,
            params={"number": dec(number), "a": dec(a), "n": n, "direction": "to_standard"},
        )
    places = abs(n)
    where = "left" if n > 0 else "right"
    steps = (
        step(
            f"Put the decimal point after the first non-zero digit: a = {dec(a)}, which is "
            f"at least 1 and less than 10.",
            f"把小数点放在第一个非零数字后面：a = {dec(a)}，满足1 ≤ a < 10。",
            f"1 <= {dec(a)} < 10",
            kp,
        ),
        step(
            f"The decimal point moved {count(places, 'place')} to the {where}, so n = {n}: "
            f"{dec(number)} = {shown_sci}.",
            f"小数点向{'左' if n > 0 else '右'}移动了{places}位，所以n = {n}："
            f"{dec(number)} = {shown_sci}。",
            claim,
            kp,
        ),
    )
    shown_number = f"{int(number):,}" if number.denominator == 1 else dec(number)
    return Draft(
        f"Write {shown_number} in scientific notation a × 10^n (1 ≤ a < 10). "
        "Give your answer as the pair (a, n).",
        f"用科学记数法把{dec(number)}表示成a × 10^n（1 ≤ a < 10）的形式，按(a, n)的格式作答。",
        f"({dec(a)}, {n})",
        steps,
        params={"number": dec(number), "a": dec(a), "n": n, "direction": "to_scientific"},
    )


@generator(
    "scientific_operations",
    "exponents.scientific_ops",
    also={"exponents.scientific_notation": 0.5, "exponents.product_rule": 0.3},
)
def scientific_operations(difficulty: int, rng: random.Random) -> Draft:
    """Multiply (no regrouping); multiply with a product of 10 or more; divide with a < b.

    params: ``a``, ``m``, ``b``, ``n`` (the numbers (a × 10^m) and (b × 10^n), a and b as
    text), ``op`` ("multiply" or "divide").
    """
    kp = "exponents.scientific_ops"
    if difficulty == 1:
        a, b = F(rng.randint(1, 4)), F(rng.randint(1, 2))
        if rng.random() < 0.5:
            a = F(rng.randint(11, 45), 10)
            b = F(2)
            while a * b >= 10:
                a -= 1
        m, n = rng.randint(2, 8), rng.randint(2, 8)
        op = "multiply"
    elif difficulty == 2:
        while True:
            a, b = F(rng.randint(15, 99), 10), F(rng.randint(2, 9))
            if a * b >= 10:
                break
        m, n = rng.randint(-6, 9), rng.randint(2, 9)
        op = "multiply"
    else:
        b = F(rng.choice((2, 4, 5, 8)))
        a = F(rng.randint(10, int(b) * 10 - 1), 10)
        m, n = rng.randint(-8, 8), pick_nonzero(rng, -8, 8)
        op = "divide"
    raw = a * b if op == "multiply" else a / b
    exp_raw = m + n if op == "multiply" else m - n
    r, shift = _sci_parts(raw)
    e = exp_raw + shift
    sign = "×" if op == "multiply" else "÷"
    csign = "*" if op == "multiply" else "/"
    shown = f"({dec(a)} × 10^{neg(m)}) {sign} ({dec(b)} × 10^{neg(n)})"
    steps = [
        step(
            f"{'Multiply' if op == 'multiply' else 'Divide'} the numbers: "
            f"{dec(a)} {sign} {dec(b)} = {dec(raw)}.",
            f"{'前面的数相乘' if op == 'multiply' else '前面的数相除'}："
            f"{dec(a)} {sign} {dec(b)} = {dec(raw)}。",
            f"{dec(a)} {csign} {dec(b)} = {dec(raw)}",
            "decimals.multiply" if op == "multiply" else "decimals.divide_by_whole",
        ),
        step(
            f"{'Add' if op == 'multiply' else 'Subtract'} the exponents of 10: "
            f"10^{neg(m)} {sign} 10^{neg(n)} = 10^{neg(exp_raw)}.",
            f"10的指数{'相加' if op == 'multiply' else '相减'}："
            f"10^{neg(m)} {sign} 10^{neg(n)} = 10^{neg(exp_raw)}。",
            f"10^{neg(m)} {csign} 10^{neg(n)} = 10^{neg(exp_raw)}",
            "exponents.product_rule" if op == "multiply" else "exponents.quotient_rule",
        ),
    ]
    if shift:
        steps.append(
            step(
                f"{dec(raw)} is not between 1 and 10: {dec(raw)} = {dec(r)} × 10^{neg(shift)}, "
                f"so the answer is {dec(r)} × 10^{neg(e)}.",
                f"{dec(raw)}不满足1 ≤ a < 10，改写成{dec(r)} × 10^{neg(shift)}，"
                f"所以结果是{dec(r)} × 10^{neg(e)}。",
                f"{dec(raw)} * 10^{neg(exp_raw)} = {dec(r)} * 10^{neg(e)}",
                "exponents.scientific_notation",
            )
        )
    steps.append(
        step(
            f"Check: {shown} = {dec(r)} × 10^{neg(e)}.",
            f"检验：{shown} = {dec(r)} × 10^{neg(e)}。",
            f"({dec(a)} * 10^{neg(m)}) {csign} ({dec(b)} * 10^{neg(n)}) = {dec(r)} * 10^{neg(e)}",
            kp,
        )
    )
    return Draft(
        f"Work out {shown}. Write the result as a × 10^n with 1 ≤ a < 10 and give the pair (a, n).",
        f"计算：{shown}，结果用科学记数法a × 10^n（1 ≤ a < 10）表示，按(a, n)的格式作答。",
        f"({dec(r)}, {e})",
        tuple(steps),
        params={"a": dec(a), "m": m, "b": dec(b), "n": n, "op": op},
    )


@generator(
    "rational_exponent",
    "exponents.rational_exponents",
    also={"exponents.cube_roots": 0.3, "exponents.power_rule": 0.3},
)
def rational_exponent(difficulty: int, rng: random.Random) -> Draft:
    """b^(1/n); b^(m/n); b^(-m/n) or (p/q)^(m/n).

    params: ``base`` (text), ``numerator`` and ``denominator`` of the exponent, ``root``
    (the n-th root of the base, text).
    """
    kp = "exponents.rational_exponents"
    n = rng.choice((2, 2, 3, 3, 4)) if difficulty > 1 else rng.choice((2, 3))
    top = {2: 12, 3: 5, 4: 3}[n]
    root = F(rng.randint(2, top))
    m = 1
    if difficulty >= 2:
        m = rng.randint(2, 3)
        while m % n == 0:
            m = rng.randint(2, 3)
        root = F(rng.randint(2, min(top, 6 if n == 2 else top)))
    if difficulty == 3:
        if rng.random() < 0.5:
            m = -m
        else:
            q = rng.randint(2, 5)
            while q == root or math.gcd(q, root.numerator) != 1:
                q = rng.randint(2, 5)
            root = root / q
    base = root**n
    value = root**m
    exponent = F(m, n)
    base_text = f"({fr(base)})" if base.denominator != 1 else fr(base)
    shown = f"{base_text}^({fr(exponent)})"
    steps = [
        step(
            f"The denominator {n} means a root: the {n}-th root of {fr(base)} is {fr(root)}, "
            f"because ({fr(root)})^{n} = {fr(base)}.",
            f"分母{n}表示开{n}次方：{fr(base)}的{n}次方根是{fr(root)}，因为({fr(root)})^{n} = {fr(base)}。",
            f"({fr(root)})^{n} = {fr(base)}",
            "exponents.cube_roots" if n == 3 else "exponents.square_roots",
        )
    ]
    if m != 1:
        steps.append(
            step(
                f"The numerator {m} is a power: ({fr(root)})^({m}) = {fr(value)}.",
                f"分子{m}表示乘方：({fr(root)})^({m}) = {fr(value)}。",
                f"({fr(root)})^({m}) = {fr(value)}",
                "exponents.zero_negative" if m < 0 else "exponents.power_rule",
            )
        )
    steps.append(
        step(
            f"So {shown} = {fr(value)}.",
            f"所以 {shown} = {fr(value)}。",
            f"{shown} = {fr(value)}",
            kp,
        )
    )
    return Draft(
        f"Work out {shown}. Give a whole number or a fraction in lowest terms.",
        f"计算：{shown}（结果写成整数或最简分数）。",
        fr(value),
        tuple(steps),
        SIMPLEST,
        params={"base": fr(base), "numerator": m, "denominator": n, "root": fr(root)},
    )


_SQUARE_FREE = (2, 3, 5, 6, 7, 10, 11)


@generator(
    "radical_simplify",
    "exponents.simplify_radicals",
    also={"exponents.square_roots": 0.4, "exponents.squares_cubes": 0.2},
)
def radical_simplify(difficulty: int, rng: random.Random) -> Draft:
    """√(k²m) = k√m for small k; bigger k; c√(k²m) or p/√m = k√m (rationalising).

    The answer is k: typing √72 back for "simplify √72" would be accepted as an expression,
    so the item fixes the form k√m and asks for k.

    params: ``radicand``, ``m`` (the square-free part), ``outside`` (the multiplier in front
    at level 3, 1 otherwise), ``numerator`` (level 3 rationalising form, else 0), ``k``.
    """
    kp = "exponents.simplify_radicals"
    m = rng.choice((2, 3, 5) if difficulty == 1 else _SQUARE_FREE)
    s = rng.randint(2, 5 if difficulty == 1 else 10)
    outside, numerator = 1, 0
    if difficulty == 3 and rng.random() < 0.5:
        numerator = m * rng.randint(2, 9)
        k = F(numerator, m)
        shown = f"{numerator}/√{m}"
        steps: tuple[Step, ...] = (
            step(
                f"Multiply top and bottom by √{m}: {shown} = {numerator}√{m}/{m}.",
                f"分子分母同乘√{m}：{shown} = {numerator}√{m}/{m}。",
                f"{numerator}/√{m} = {numerator}√{m}/{m}",
                kp,
            ),
            step(
                f"{numerator} ÷ {m} = {fr(k)}, so {shown} = {fr(k)}√{m}.",
                f"{numerator} ÷ {m} = {fr(k)}，所以 {shown} = {fr(k)}√{m}。",
                f"{numerator}√{m}/{m} = {fr(k)}√{m}",
                kp,
            ),
        )
        radicand = m
    else:
        if difficulty == 3:
            outside = rng.randint(2, 5)
            s = rng.randint(2, 6)
        radicand = s * s * m
        k = F(outside * s)
        front = f"{outside}" if outside != 1 else ""
        shown = f"{front}√{radicand}"
        steps = (
            step(
                f"Find the largest square factor: {radicand} = {s * s} × {m}.",
                f"找出最大的平方因数：{radicand} = {s * s} × {m}。",
                f"{radicand} = {s * s} * {m}",
                "exponents.squares_cubes",
            ),
            step(
                f"√{radicand} = √{s * s} × √{m} = {s}√{m}.",
                f"√{radicand} = √{s * s} × √{m} = {s}√{m}。",
                f"√{radicand} = √{s * s} * √{m} = {s}√{m}",
                kp,
            ),
        )
        if outside != 1:
            steps = (
                *steps,
                step(
                    f"{outside} × {s}√{m} = {fr(k)}√{m}.",
                    f"{outside} × {s}√{m} = {fr(k)}√{m}。",
                    f"{outside} * {s}√{m} = {fr(k)}√{m}",
                    kp,
                ),
            )
    return Draft(
        f"Write {shown} in simplest form as k√{m}. What is k?",
        f"把{shown}化成最简二次根式k√{m}的形式，k等于多少？",
        fr(k),
        steps,
        params={
            "radicand": radicand,
            "m": m,
            "outside": outside,
            "numerator": numerator,
            "k": fr(k),
        },
    )


# --------------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------------

# (English phrase, Chinese phrase, expression); {a} {b} are the drawn numbers.
_PHRASES: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (
        ("{a} more than n", "比n多{a}的数", "n + {a}"),
        ("n decreased by {a}", "n减去{a}的差", "n - {a}"),
        ("{a} times n", "n的{a}倍", "{a}n"),
        ("n divided by {a}", "n除以{a}的商", "n/{a}"),
        ("{a} less than n", "比n少{a}的数", "n - {a}"),
        ("the sum of n and {a}", "n与{a}的和", "n + {a}"),
    ),
    (
        ("{a} more than {b} times n", "比n的{b}倍多{a}的数", "{b}n + {a}"),
        ("{a} less than {b} times n", "比n的{b}倍少{a}的数", "{b}n - {a}"),
        ("{b} times the sum of n and {a}", "n与{a}的和的{b}倍", "{b}(n + {a})"),
        ("the difference of n and {a}, divided by {b}", "n与{a}的差除以{b}", "(n - {a})/{b}"),
        ("{a} minus {b} times n", "{a}减去n的{b}倍", "{a} - {b}n"),
    ),
    (
        ("the sum of x and {b} times y", "x与y的{b}倍的和", "x + {b}y"),
        ("{a} times x minus {b} times y", "x的{a}倍与y的{b}倍的差", "{a}x - {b}y"),
        ("{a} more than the square of x", "比x的平方多{a}的数", "x^2 + {a}"),
        ("the square of the sum of x and {a}", "x与{a}的和的平方", "(x + {a})^2"),
        (
            "half of the difference of x and y, plus {a}",
            "x与y的差的一半再加上{a}",
            "(x - y)/2 + {a}",
        ),
        ("the product of x and y, decreased by {a}", "x与y的积减去{a}", "xy - {a}"),
    ),
)


@generator(
    "write_expression_words",
    "expressions.write_expressions",
    also={"expressions.variables": 0.4},
)
def write_expression_words(difficulty: int, rng: random.Random) -> Draft:
    """Phrases to expressions: one operation; two operations and brackets; two letters/squares.

    params: ``phrase`` (index into the level's phrase list), ``a``, ``b`` (the numbers in it).
    """
    kp = "expressions.write_expressions"
    index = rng.randrange(len(_PHRASES[difficulty - 1]))
    en, zh, expr = _PHRASES[difficulty - 1][index]
    a, b = rng.randint(2, 20), rng.randint(2, 9)
    while b == a:
        b = rng.randint(2, 9)
    en, zh, expr = (t.format(a=a, b=b) for t in (en, zh, expr))
    steps = (
        step(
            f"Translate the words in order of the calculation: {en} is {expr}.",
            f"按照运算顺序把文字翻译成式子：{zh}是{expr}。",
            f"{expr} = {expr}",
            kp,
        ),
    )
    return Draft(
        f"Write an expression for: {en}.",
        f"用含字母的式子表示：{zh}。",
        expr,
        steps,
        params={"phrase": index, "a": a, "b": b},
    )


# (English, Chinese, formula display, letters to draw, claim template, value function index)
_FORMULAS: tuple[tuple[tuple[str, str, str, tuple[str, ...], str], ...], ...] = (
    (
        ("the perimeter P of a square with side s", "正方形的周长", "P = 4s", ("s",), "4*{s}"),
        ("the distance d travelled at speed v for time t", "路程", "d = vt", ("v", "t"), "{v}*{t}"),
        ("the area A of a rectangle", "长方形的面积", "A = lw", ("l", "w"), "{l}*{w}"),
        (
            "the perimeter P of a rectangle",
            "长方形的周长",
            "P = 2(l + w)",
            ("l", "w"),
            "2*({l} + {w})",
        ),
    ),
    (
        ("the volume V of a cube", "正方体的体积", "V = s^3", ("s",), "{s}^3"),
        ("the surface area A of a cube", "正方体的表面积", "A = 6s^2", ("s",), "6*{s}^2"),
        ("the area A of a triangle", "三角形的面积", "A = (1/2)bh", ("b", "h"), "1/2*{b}*{h}"),
        ("the volume V of a box", "长方体的体积", "V = lwh", ("l", "w", "h"), "{l}*{w}*{h}"),
    ),
    (
        (
            "a temperature C in degrees Celsius",
            "摄氏温度",
            "C = 5(F - 32)/9",
            ("F",),
            "5*({F} - 32)/9",
        ),
        (
            "the height h of a ball after t seconds",
            "小球t秒后的高度",
            "h = 30t - 5t^2",
            ("t",),
            "30*{t} - 5*{t}^2",
        ),
        (
            "the area A of a trapezoid",
            "梯形的面积",
            "A = (a + b)h/2",
            ("a", "b", "h"),
            "({a} + {b})*{h}/2",
        ),
        (
            "the sum S of the angles of a polygon with n sides",
            "n边形的内角和",
            "S = 180(n - 2)",
            ("n",),
            "180*({n} - 2)",
        ),
    ),
)


@generator(
    "evaluate_formula",
    "expressions.evaluate_formulas",
    also={"expressions.evaluate": 0.4},
)
def evaluate_formula(difficulty: int, rng: random.Random) -> Draft:
    """Substitute into formulas: one operation; powers and halves; brackets and fractions.

    params: ``formula`` (as displayed) and one entry per letter substituted.
    """
    kp = "expressions.evaluate_formulas"
    en, zh, shown, letters, template = rng.choice(_FORMULAS[difficulty - 1])
    values: dict[str, int] = {}
    for letter in letters:
        values[letter] = rng.randint(2, (12, 9, 12)[difficulty - 1])
    if letters == ("F",):
        values["F"] = 32 + 9 * rng.randint(-4, 12)  # whole-degree answers
    if letters == ("t",):
        values["t"] = rng.randint(1, 6)
    if letters == ("n",):
        values["n"] = rng.randint(3, 12)
    if letters == ("b", "h"):
        values["h"] = 2 * rng.randint(1, 8)
    if letters == ("a", "b", "h") and (values["a"] + values["b"]) * values["h"] % 2:
        values["h"] += 1
    claim = template.format(**{k: neg(v) for k, v in values.items()})
    value = _value_of(claim)
    target = shown.split(" = ")[0]
    given = ", ".join(f"{k} = {v}" for k, v in values.items())
    steps = (
        step(
            f"Put the values into the formula: {target} = {claim.replace('*', ' × ')}.",
            f"把数值代入公式：{target} = {claim.replace('*', ' × ')}。",
            f"{claim} = {fr(value)}",
            "expressions.evaluate",
        ),
        step(
            f"Work it out in order: {target} = {fr(value)}.",
            f"按运算顺序计算：{target} = {fr(value)}。",
            f"{claim} = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        f"The formula {shown} gives {en}. Find {target} when {given}.",
        f"{zh}公式是{shown}。当{given.replace(', ', '，')}时，求{target}的值。",
        fr(value),
        steps,
        params={"formula": shown, **values},
    )


def _value_of(claim: str) -> F:
    """The exact value of a numeric claim side (read by the safe parser)."""
    value = parse_answer(claim).value
    return F(int(value.p), int(value.q))  # type: ignore[attr-defined]


@generator(
    "add_sub_linear",
    "expressions.add_sub_linear",
    also={"expressions.combine_like_terms": 0.5, "expressions.expand_rational": 0.3},
)
def add_sub_linear(difficulty: int, rng: random.Random) -> Draft:
    """(ax + b) + (cx + d); (ax + b) − (cx + d) with negatives; fractional coefficients.

    params: ``a``, ``b``, ``c``, ``d`` (text for fractions), ``op`` ("+" or "-"),
    ``expression``.
    """
    kp = "expressions.add_sub_linear"
    while True:
        if difficulty == 1:
            a, c = F(rng.randint(1, 9)), F(rng.randint(1, 9))
            b, d = F(pick_nonzero(rng, -12, 12)), F(pick_nonzero(rng, -12, 12))
            op = "+"
        elif difficulty == 2:
            a, c = F(pick_nonzero(rng, -9, 9)), F(pick_nonzero(rng, -9, 9))
            b, d = F(pick_nonzero(rng, -15, 15)), F(pick_nonzero(rng, -15, 15))
            op = "-"
        else:
            a = F(pick_nonzero(rng, -5, 5), rng.choice((2, 3, 4)))
            c = F(pick_nonzero(rng, -5, 5), rng.choice((2, 3, 6)))
            b, d = F(pick_nonzero(rng, -9, 9)), F(pick_nonzero(rng, -9, 9), rng.choice((1, 2)))
            op = rng.choice(("+", "-"))
        sign = 1 if op == "+" else -1
        x_coef, const = a + sign * c, b + sign * d
        if x_coef != 0 and const != 0:
            break
    expr = f"({_lin(a, b)}) {op} ({_lin(c, d)})"
    opened = _poly([(a, "x"), (b, ""), (sign * c, "x"), (sign * d, "")])
    answer = _lin(x_coef, const)
    steps = [
        step(
            "Remove the brackets"
            + (
                "; the minus sign in front changes the sign of every term inside"
                if op == "-"
                else ""
            )
            + f": {opened}.",
            "去括号"
            + ("，括号前是减号，括号里的每一项都要变号" if op == "-" else "")
            + f"：{opened}。",
            f"{expr} = {opened}",
            "expressions.expand_rational" if op == "-" else "expressions.combine_like_terms",
        ),
        step(
            f"Combine the x terms: {fr(a)} {op} {neg(c)} = {fr(x_coef)}; "
            f"combine the numbers: {fr(b)} {op} {neg(d)} = {fr(const)}.",
            f"合并含x的项：{fr(a)} {op} {neg(c)} = {fr(x_coef)}；合并常数项：{fr(b)} {op} {neg(d)} = {fr(const)}。",
            f"{opened} = {answer}",
            "expressions.combine_like_terms",
        ),
        step(f"So {expr} = {answer}.", f"所以 {expr} = {answer}。", f"{expr} = {answer}", kp),
    ]
    return Draft(
        f"Simplify {expr}.",
        f"化简：{expr}",
        answer,
        tuple(steps),
        SIMPLEST,
        params={"a": fr(a), "b": fr(b), "c": fr(c), "d": fr(d), "op": op, "expression": expr},
    )


@generator(
    "add_sub_polynomials",
    "expressions.add_sub_polynomials",
    also={"expressions.add_sub_linear": 0.4, "expressions.combine_like_terms": 0.3},
)
def add_sub_polynomials(difficulty: int, rng: random.Random) -> Draft:
    """Add two quadratics; subtract two quadratics; subtract cubics with missing terms.

    params: ``first`` and ``second`` (coefficient lists, highest power first), ``op``,
    ``expression``.
    """
    kp = "expressions.add_sub_polynomials"
    degree = 3 if difficulty == 3 else 2
    while True:
        first = [pick_nonzero(rng, 1 if difficulty == 1 else -9, 9)] + [
            rng.randint(-12, 12) for _ in range(degree)
        ]
        second = [pick_nonzero(rng, 1 if difficulty == 1 else -9, 9)] + [
            rng.randint(-12, 12) for _ in range(degree)
        ]
        if difficulty == 3:  # each has a missing term, like 2x^3 - x + 4
            first[rng.randint(1, 2)] = 0
            second[rng.randint(1, 2)] = 0
        op = "+" if difficulty == 1 else "-"
        sign = 1 if op == "+" else -1
        result = [p + sign * q for p, q in zip(first, second, strict=True)]
        if result[0] != 0 and sum(1 for r in result if r) >= 2:
            break
    bodies = [_pow("x", degree - k) for k in range(degree + 1)]

    def show(coefs: Sequence[int]) -> str:
        return _poly(list(zip(coefs, bodies, strict=True)))

    expr = f"({show(first)}) {op} ({show(second)})"
    answer = show(result)
    opened = _poly(
        [*zip(first, bodies, strict=True), *zip([sign * q for q in second], bodies, strict=True)]
    )
    steps: list[Step] = [
        step(
            "Remove the brackets"
            + ("; the minus sign changes the sign of every term in the second" if op == "-" else "")
            + ".",
            "去括号" + ("，减号后面括号里的每一项都要变号" if op == "-" else "") + "。",
            f"{expr} = {opened}",
            "expressions.add_sub_linear",
        ),
    ]
    for p, q, r, body in zip(first, second, result, bodies, strict=True):
        if p == 0 and q == 0:
            continue
        name = body or "the numbers"
        name_zh = f"含{body}的项" if body else "常数项"
        steps.append(
            step(
                f"Combine {name}: {p} {op} {neg(q)} = {r}.",
                f"合并{name_zh}：{p} {op} {neg(q)} = {r}。",
                f"{p} {op} {neg(q)} = {r}",
                "expressions.combine_like_terms",
            )
        )
    steps.append(
        step(f"So {expr} = {answer}.", f"所以 {expr} = {answer}。", f"{expr} = {answer}", kp)
    )
    return Draft(
        f"Simplify {expr}. Write the terms from the highest power of x down.",
        f"化简：{expr}（结果按x的降幂排列）。",
        answer,
        tuple(steps),
        SIMPLEST,
        params={"first": first, "second": second, "op": op, "expression": expr},
    )


@generator(
    "multiply_binomials",
    "expressions.multiply_binomials",
    also={"expressions.multiply_monomial_polynomial": 0.4, "expressions.combine_like_terms": 0.3},
)
def multiply_binomials(difficulty: int, rng: random.Random) -> Draft:
    """(x + p)(x + q) with p, q > 0; with negatives; (ax + p)(bx + q).

    The answer is the coefficient list, because an expanded expression is compared by value
    and the unexpanded product typed back would be accepted.

    params: ``a``, ``p``, ``b``, ``q`` for (ax + p)(bx + q) (a = b = 1 below level 3).
    """
    kp = "expressions.multiply_binomials"
    a = b = 1
    if difficulty == 1:
        p, q = rng.randint(1, 9), rng.randint(1, 9)
    else:
        p, q = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
        while p + q == 0 or (p > 0 and q > 0):
            q = pick_nonzero(rng, -9, 9)
        if difficulty == 3:
            a, b = rng.randint(2, 5), rng.randint(1, 4)
            while a * q + b * p == 0:
                b += 1
    left, right = _lin(a, p), _lin(b, q)
    shown = f"({left})({right})"
    coefs = (a * b, a * q + b * p, p * q)
    result = _quad(*coefs)
    steps = (
        step(
            f"Multiply every term of the first bracket by every term of the second: "
            f"{_coef(a, 'x')} · {_coef(b, 'x')} + {_coef(a, 'x')} · {neg(q)} + {neg(p)} · {_coef(b, 'x')} + {neg(p)} · {neg(q)}.",
            f"用第一个括号里的每一项去乘第二个括号里的每一项："
            f"{_coef(a, 'x')} · {_coef(b, 'x')} + {_coef(a, 'x')} · {neg(q)} + {neg(p)} · {_coef(b, 'x')} + {neg(p)} · {neg(q)}。",
            f"{shown} = {a}x*{b}x + {a}x*{neg(q)} + {neg(p)}*{b}x + {neg(p)}*{neg(q)}",
            "expressions.multiply_monomial_polynomial",
        ),
        step(
            f"Combine the x terms: {a * q} + {neg(b * p)} = {coefs[1]}.",
            f"合并含x的项：{a * q} + {neg(b * p)} = {coefs[1]}。",
            f"{a * q}x + {neg(b * p)}x = {coefs[1]}x",
            "expressions.combine_like_terms",
        ),
        step(f"So {shown} = {result}.", f"所以 {shown} = {result}。", f"{shown} = {result}", kp),
    )
    if difficulty < 3:
        return Draft(
            f"Expand {shown} into the form x^2 + bx + c. Give your answer as the pair (b, c).",
            f"把{shown}展开成x^2 + bx + c的形式，按(b, c)的格式作答。",
            _pair(coefs[1:]),
            steps,
            params={"a": a, "p": p, "b": b, "q": q},
        )
    return Draft(
        f"Expand {shown} into the form ax^2 + bx + c. Give your answer as (a, b, c).",
        f"把{shown}展开成ax^2 + bx + c的形式，按(a, b, c)的格式作答。",
        _pair(coefs),
        steps,
        params={"a": a, "p": p, "b": b, "q": q},
    )


@generator(
    "special_products",
    "expressions.special_products",
    also={"expressions.multiply_binomials": 0.5},
)
def special_products(difficulty: int, rng: random.Random) -> Draft:
    """(x ± p)^2; (ax ± p)^2 or (ax + p)(ax − p); (ax ± by)^2 or (ax + by)(ax − by).

    Answered with coefficients, like :func:`multiply_binomials`.

    params: ``a``, ``p`` (for ax ± p, or ax ± py at level 3), ``kind`` ("square" or
    "difference"), ``sign`` (+1 or -1 for the square of a sum or difference).
    """
    kp = "expressions.special_products"
    a = 1 if difficulty == 1 else rng.randint(2, 6)
    p = rng.randint(1, 9) if difficulty < 3 else rng.randint(1, 7)
    kind = "square" if difficulty == 1 or rng.random() < 0.6 else "difference"
    sign = rng.choice((1, -1))
    y = "y" if difficulty == 3 else ""
    if kind == "square":
        shown = f"({_coef(a, 'x')} {'+' if sign > 0 else '-'} {_coef(p, y)})^2"
        coefs = (a * a, 2 * a * p * sign, p * p)
        rule = "(a + b)^2 = a^2 + 2ab + b^2" if sign > 0 else "(a - b)^2 = a^2 - 2ab + b^2"
        rule_zh = "完全平方公式"
    else:
        shown = f"({_coef(a, 'x')} + {_coef(p, y)})({_coef(a, 'x')} - {_coef(p, y)})"
        coefs = (a * a, 0, -p * p)
        rule = "(a + b)(a - b) = a^2 - b^2"
        rule_zh = "平方差公式"
    result = _poly(
        [(coefs[0], "x^2"), (coefs[1], "xy" if y else "x"), (coefs[2], "y^2" if y else "")]
    )
    steps = (
        step(
            f"Use {rule} with a = {_coef(a, 'x')} and b = {_coef(p, y)}.",
            f"用{rule_zh}{rule}，其中a = {_coef(a, 'x')}，b = {_coef(p, y)}。",
            f"{shown} = {result}",
            kp,
        ),
        step(
            f"The middle term: 2 × {_coef(a, 'x')} × {_coef(p, y)} = {_coef(2 * a * p, 'x' + y)}"
            + (
                " appears with the sign of b."
                if kind == "square"
                else ", but the two middle terms cancel."
            ),
            f"中间项：2 × {_coef(a, 'x')} × {_coef(p, y)} = {_coef(2 * a * p, 'x' + y)}"
            + ("。" if kind == "square" else "，两个中间项互相抵消。"),
            f"2*{a}x*{p}{y} = {2 * a * p}x{y}",
            "expressions.multiply_binomials",
        ),
    )
    if difficulty == 1:
        prompt = f"Expand {shown} into the form x^2 + bx + c. Give your answer as the pair (b, c)."
        prompt_zh = f"把{shown}展开成x^2 + bx + c的形式，按(b, c)的格式作答。"
        answer = _pair(coefs[1:])
    elif difficulty == 2:
        prompt = f"Expand {shown} into the form ax^2 + bx + c. Give your answer as (a, b, c)."
        prompt_zh = f"把{shown}展开成ax^2 + bx + c的形式，按(a, b, c)的格式作答。"
        answer = _pair(coefs)
    else:
        prompt = f"Expand {shown} into the form ax^2 + bxy + cy^2. Give your answer as (a, b, c)."
        prompt_zh = f"把{shown}展开成ax^2 + bxy + cy^2的形式，按(a, b, c)的格式作答。"
        answer = _pair(coefs)
    return Draft(
        prompt, prompt_zh, answer, steps, params={"a": a, "p": p, "kind": kind, "sign": sign}
    )


@generator(
    "expand_negative",
    "expressions.expand_rational",
    also={"expressions.distributive_property": 0.5, "integers.multiply": 0.3},
)
def expand_negative(difficulty: int, rng: random.Random) -> Draft:
    """−a(bx ± c); k − a(bx − c) (expand and collect); fractional multipliers.

    Answered as (p, q) for px + q, since the unexpanded expression typed back would be
    accepted as equal.

    params: ``k`` (number in front, 0 if none), ``a`` (multiplier, text), ``b``, ``c``
    (the bracket bx + c).
    """
    kp = "expressions.expand_rational"
    b, c = rng.randint(1, 9), pick_nonzero(rng, -12, 12)
    k = 0
    if difficulty == 1:
        a = F(-rng.randint(1, 9))
    elif difficulty == 2:
        a = F(-rng.randint(2, 9))
        k = pick_nonzero(rng, -15, 15)
    else:
        den = rng.choice((2, 3, 4))
        a = F(-rng.randint(1, 5), den)
        while a.denominator == 1:
            a = F(-rng.randint(1, 5), den)
    a_text = "-" if a == -1 else f"{fr(a)}" if a.denominator == 1 else f"-({fr(-a)})"
    shown = f"{a_text}({_lin(b, c)})"
    if k:
        shown = f"{k} {shown}".replace(" -", " - ", 1)
    p, q = a * b, a * c + k
    steps = [
        step(
            f"Multiply each term inside by {fr(a)}: {fr(a)} × {_coef(b, 'x')} = {_lin(a * b, 0)} and "
            f"{fr(a)} × {neg(c)} = {fr(a * c)} (a negative times a negative is positive).",
            f"用{fr(a)}乘括号里的每一项：{fr(a)} × {_coef(b, 'x')} = {_lin(a * b, 0)}，"
            f"{fr(a)} × {neg(c)} = {fr(a * c)}（负负得正）。",
            f"{neg(a)}*({_lin(b, c)}) = {_lin(a * b, a * c)}",
            "expressions.distributive_property",
        )
    ]
    if k:
        steps.append(
            step(
                f"Collect the numbers: {k} + {neg(a * c)} = {fr(q)}.",
                f"合并常数项：{k} + {neg(a * c)} = {fr(q)}。",
                f"{k} + {neg(a * c)} = {fr(q)}",
                "expressions.combine_like_terms",
            )
        )
    steps.append(
        step(
            f"So {shown} = {_lin(p, q)}.",
            f"所以 {shown} = {_lin(p, q)}。",
            f"{shown} = {_lin(p, q)}",
            kp,
        )
    )
    return Draft(
        f"Expand and simplify {shown} into the form px + q. Give your answer as the pair (p, q).",
        f"去括号并化简{shown}，写成px + q的形式，按(p, q)的格式作答。",
        _pair((p, q)),
        tuple(steps),
        SIMPLEST,
        params={"k": k, "a": fr(a), "b": b, "c": c},
    )


# --------------------------------------------------------------------------------------------
# Equations
# --------------------------------------------------------------------------------------------


def _check_step(lhs: str, rhs: str, x: F, kp: str = "equations.solution_check") -> Step:
    """Substitute the solution back into both sides (``lhs``/``rhs`` written in ``x``)."""
    left, right = _sub(lhs, x), _sub(rhs, x)
    return step(
        f"Check: put x = {fr(x)} into both sides; each side is {fr(_value_of(left))}.",
        f"检验：把x = {fr(x)}代入方程两边，两边都等于{fr(_value_of(left))}。",
        f"{left} = {right}",
        kp,
    )


@generator(
    "equation_one_step_negative",
    "equations.one_step_rational",
    also={"equations.one_step_mult_div": 0.4, "integers.add_different_signs": 0.3},
)
def equation_one_step_negative(difficulty: int, rng: random.Random) -> Draft:
    """x + a = b with a negative answer; ax = b or x/a = b with negatives; fractions.

    params: ``form`` ("add", "mult" or "div"), ``a`` (text), ``b`` (text), ``x`` (text).
    """
    kp = "equations.one_step_rational"
    if difficulty == 1:
        form = "add"
        a, x = F(rng.randint(2, 20)), F(-rng.randint(1, 20))
    elif difficulty == 2:
        form = rng.choice(("mult", "div"))
        a, x = F(rng.choice((-1, 1)) * rng.randint(2, 12)), F(pick_nonzero(rng, -12, 12))
        if a > 0 and x > 0:
            x = -x
    else:
        form = rng.choice(("add", "mult"))
        a = F(pick_nonzero(rng, -7, 7), rng.choice((2, 3, 4, 5)))
        while a.denominator == 1:
            a = F(pick_nonzero(rng, -7, 7), rng.choice((2, 3, 4, 5)))
        x = F(pick_nonzero(rng, -9, 9), rng.choice((1, 2, 3, 4, 6)))
    if form == "add":
        b = x + a
        lhs = f"x + {neg(a)}" if a > 0 else f"x - {fr(-a)}"
        solve = step(
            f"{'Subtract' if a > 0 else 'Add'} {fr(abs(a))} on both sides: x = {fr(b)} "
            f"{'-' if a > 0 else '+'} {fr(abs(a))} = {fr(x)}.",
            f"两边同时{'减去' if a > 0 else '加上'}{fr(abs(a))}：x = {fr(b)} {'−' if a > 0 else '+'} "
            f"{fr(abs(a))} = {fr(x)}。",
            f"{_br(b)} - {_br(a)} = {fr(x)}",
            kp,
        )
    elif form == "mult":
        b = a * x
        lhs = f"{'-' if a == -1 else fr(a) if a.denominator == 1 else '(' + fr(a) + ')'}x"
        solve = step(
            f"Divide both sides by {fr(a)}: x = {fr(b)} ÷ {neg(a)} = {fr(x)}.",
            f"两边同时除以{fr(a)}：x = {fr(b)} ÷ {neg(a)} = {fr(x)}。",
            f"{_br(b)} / {_br(a)} = {fr(x)}",
            kp,
        )
    else:
        x = a * pick_nonzero(rng, -9, 9)  # a whole-number quotient
        b = x / a
        lhs = f"x/{neg(a)}"
        solve = step(
            f"Multiply both sides by {fr(a)}: x = {fr(b)} × {neg(a)} = {fr(x)}.",
            f"两边同时乘{fr(a)}：x = {fr(b)} × {neg(a)} = {fr(x)}。",
            f"{_br(b)} * {_br(a)} = {fr(x)}",
            kp,
        )
    equation = f"{lhs} = {fr(b)}"
    steps = (solve, _check_step(lhs, fr(b), x))
    return Draft(
        f"Solve {equation}."
        + (" Give x as a fraction in lowest terms if needed." if difficulty == 3 else ""),
        f"解方程：{equation}" + ("（结果如是分数，写成最简分数）" if difficulty == 3 else ""),
        f"x = {fr(x)}",
        steps,
        SIMPLEST,
        params={"form": form, "a": fr(a), "b": fr(b), "x": fr(x)},
    )


@generator(
    "equation_distributive",
    "equations.distributive_form",
    also={"equations.two_step": 0.4, "expressions.expand_rational": 0.3},
)
def equation_distributive(difficulty: int, rng: random.Random) -> Draft:
    """p(x + q) = r: positive whole answer; negatives; a fractional answer.

    params: ``p``, ``q``, ``r``, ``x`` (text).
    """
    kp = "equations.distributive_form"
    if difficulty == 1:
        p, q, x = rng.randint(2, 9), rng.randint(1, 9), F(rng.randint(1, 12))
    elif difficulty == 2:
        p, q, x = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9), F(pick_nonzero(rng, -12, 12))
        if abs(p) == 1:
            p *= 4
    else:
        p, q = pick_nonzero(rng, -8, 8), pick_nonzero(rng, -9, 9)
        if abs(p) == 1:
            p *= 3
        x = F(rng.randint(-30, 30), abs(p))
        if x.denominator == 1:
            x += F(1, abs(p))
    r = p * (x + q)
    lhs = f"{p}({_lin(1, q)})"
    steps = (
        step(
            f"Divide both sides by {p}: x {'+' if q > 0 else '-'} {abs(q)} = {fr(r)} ÷ {neg(p)} = {fr(r / p)}.",
            f"两边同时除以{p}：x {'+' if q > 0 else '-'} {abs(q)} = {fr(r)} ÷ {neg(p)} = {fr(r / p)}。",
            f"{fr(r)} / {neg(p)} = {fr(r / p)}",
            kp,
        ),
        step(
            f"{'Subtract' if q > 0 else 'Add'} {abs(q)} on both sides: x = {fr(x)}.",
            f"两边同时{'减去' if q > 0 else '加上'}{abs(q)}：x = {fr(x)}。",
            f"{fr(r / p)} - {neg(q)} = {fr(x)}",
            "equations.one_step_rational",
        ),
        _check_step(lhs, fr(r), x),
    )
    return Draft(
        f"Solve {lhs} = {fr(r)}."
        + (" Give x as a fraction in lowest terms." if difficulty == 3 else ""),
        f"解方程：{lhs} = {fr(r)}" + ("（结果写成最简分数）" if difficulty == 3 else ""),
        f"x = {fr(x)}",
        steps,
        SIMPLEST,
        params={"p": p, "q": q, "r": fr(r), "x": fr(x)},
    )


@generator(
    "equation_x_squared",
    "equations.x_squared",
    also={"exponents.square_roots": 0.4, "exponents.cube_roots": 0.3},
)
def equation_x_squared(difficulty: int, rng: random.Random) -> Draft:
    """x^2 = p; x^3 = p or x^2 = a fraction; ax^2 + b = c or ax^3 + b = c.

    params: ``power`` (2 or 3), ``a``, ``b``, ``c`` (for ax^power + b = c), ``root`` (text).
    """
    kp = "equations.x_squared"
    a, b = 1, 0
    if difficulty == 1:
        power, root = 2, F(rng.randint(1, 15))
    elif difficulty == 2:
        power = rng.choice((2, 3))
        if power == 3:
            root = F(pick_nonzero(rng, -10, 10))
        else:
            root = F(rng.randint(1, 9), rng.randint(2, 9))
    else:
        power = rng.choice((2, 3))
        a, b = rng.randint(2, 5), pick_nonzero(rng, -20, 20)
        root = F(rng.randint(1, 10)) if power == 2 else F(pick_nonzero(rng, -5, 5))
    c = a * root**power + b
    lhs = _poly([(a, f"x^{power}"), (b, "")])
    steps: list[Step] = []
    if difficulty == 3:
        steps.append(
            step(
                f"Undo the {'+' if b > 0 else '-'} {abs(b)} and the × {a}: x^{power} = ({fr(c)} - {neg(b)}) ÷ {a} = {fr(root**power)}.",
                f"先移项再两边同除以{a}：x^{power} = ({fr(c)} − {neg(b)}) ÷ {a} = {fr(root**power)}。",
                f"({fr(c)} - {neg(b)}) / {a} = {fr(root**power)}",
                "equations.two_step",
            )
        )
    if power == 2:
        steps.append(
            step(
                f"Two numbers square to {fr(root**2)}: {fr(root)} and -{fr(root)}, since ({fr(root)})^2 = (-{fr(root)})^2 = {fr(root**2)}.",
                f"平方等于{fr(root**2)}的数有两个：{fr(root)}和-{fr(root)}，因为({fr(root)})^2 = (-{fr(root)})^2 = {fr(root**2)}。",
                f"({fr(root)})^2 = (-{fr(root)})^2 = {fr(root**2)}",
                "exponents.square_roots",
            )
        )
        answer = _pair((-root, root))
        how = " Give both solutions as (smaller, larger)."
        how_zh = "按（较小的解, 较大的解）的格式作答。"
    else:
        steps.append(
            step(
                f"Only one number cubes to {fr(root**3)}: ({fr(root)})^3 = {fr(root**3)}, so x = {fr(root)}.",
                f"立方等于{fr(root**3)}的数只有一个：({fr(root)})^3 = {fr(root**3)}，所以x = {fr(root)}。",
                f"({fr(root)})^3 = {fr(root**3)}",
                "exponents.cube_roots",
            )
        )
        answer = f"x = {fr(root)}"
        how, how_zh = "", ""
    steps.append(_check_step(lhs, fr(c), root, kp))
    return Draft(
        f"Solve {lhs} = {fr(c)}.{how}",
        f"解方程：{lhs} = {fr(c)}。{how_zh}",
        answer,
        tuple(steps),
        SIMPLEST,
        params={"power": power, "a": a, "b": b, "c": fr(c), "root": fr(root)},
    )


@generator(
    "equation_multi_step",
    "equations.multi_step",
    also={"equations.variables_both_sides": 0.4, "expressions.distributive_property": 0.3},
)
def equation_multi_step(difficulty: int, rng: random.Random) -> Draft:
    """a(x + b) + c = d; a(x + b) = cx + d; a(x + b) − c(x − d) = ex + f (fraction answer).

    params: ``lhs``, ``rhs`` (the two sides as written), ``x`` (text).
    """
    kp = "equations.multi_step"
    while True:
        a, b = pick_nonzero(rng, 2, 9), pick_nonzero(rng, -9, 9)
        x = F(rng.randint(-10, 10))
        if difficulty == 1:
            c = pick_nonzero(rng, -15, 15)
            lhs, big_a, big_b = f"{a}({_lin(1, b)}) {'+' if c > 0 else '-'} {abs(c)}", a, a * b + c
            e = 0
            d = a * (x + b) + c
            rhs = fr(d)
        elif difficulty == 2:
            a = pick_nonzero(rng, -9, 9)
            e = pick_nonzero(rng, -9, 9)
            lhs, big_a, big_b = f"{a}({_lin(1, b)})", a, a * b
            rhs_const = a * (x + b) - e * x
            rhs = _lin(e, rhs_const)
        else:
            c, g = rng.randint(2, 6), pick_nonzero(rng, -9, 9)
            e = pick_nonzero(rng, -6, 6)
            lhs = f"{a}({_lin(1, b)}) - {c}({_lin(1, g)})"
            big_a, big_b = a - c, a * b - c * g
            x = F(rng.randint(-20, 20), rng.randint(2, 5))
            rhs_const = big_a * x + big_b - e * x
            rhs = _lin(e, rhs_const)
        if (
            big_a - e != 0
            and big_a != 0
            and (difficulty < 3 or x.denominator > 1)
            and (difficulty == 1 or e != 0)
        ):
            break
    expanded = _lin(big_a, big_b)
    right_coef = e
    right_const = _value_of(_sub(rhs, F(0)))
    steps = [
        step(
            f"Expand the brackets and collect: {lhs} = {expanded}.",
            f"去括号并合并同类项：{lhs} = {expanded}。",
            f"{lhs} = {expanded}",
            "expressions.distributive_property",
        )
    ]
    if right_coef:
        steps.append(
            step(
                f"Move the x terms to the left and the numbers to the right: "
                f"{_lin(big_a - right_coef, 0)} = {fr(right_const)} - {neg(big_b)} = {fr(right_const - big_b)}.",
                f"移项（含x的项移到左边，常数项移到右边）：{_lin(big_a - right_coef, 0)} = {fr(right_const)} − {neg(big_b)} = {fr(right_const - big_b)}。",
                f"{fr(right_const)} - {neg(big_b)} = {fr(right_const - big_b)}",
                kp,
            )
        )
    else:
        steps.append(
            step(
                f"{'Subtract' if big_b > 0 else 'Add'} {abs(big_b)} on both sides: {_lin(big_a, 0)} = {fr(right_const - big_b)}.",
                f"两边同时{'减去' if big_b > 0 else '加上'}{abs(big_b)}：{_lin(big_a, 0)} = {fr(right_const - big_b)}。",
                f"{fr(right_const)} - {neg(big_b)} = {fr(right_const - big_b)}",
                kp,
            )
        )
    steps.append(
        step(
            f"Divide by {big_a - right_coef}: x = {fr(x)}.",
            f"两边同时除以{big_a - right_coef}：x = {fr(x)}。",
            f"{fr(right_const - big_b)} / {neg(big_a - right_coef)} = {fr(x)}",
            "equations.one_step_mult_div",
        )
    )
    steps.append(_check_step(lhs, rhs, x))
    return Draft(
        f"Solve {lhs} = {rhs}."
        + (" Give x as a fraction in lowest terms." if difficulty == 3 else ""),
        f"解方程：{lhs} = {rhs}" + ("（结果写成最简分数）" if difficulty == 3 else ""),
        f"x = {fr(x)}",
        tuple(steps),
        SIMPLEST,
        params={"lhs": lhs, "rhs": rhs, "x": fr(x)},
    )


def _system_text(a: int, b: int, c: int) -> str:
    """``ax + by = c``."""
    return f"{_poly([(a, 'x'), (b, 'y')])} = {c}"


@generator(
    "system_substitution",
    "equations.systems_substitution",
    also={"equations.multi_step": 0.4, "expressions.evaluate": 0.2},
)
def system_substitution(difficulty: int, rng: random.Random) -> Draft:
    """y = mx + k with ax + y = d; with ax + by = d and negatives; x = py + k with a solution
    that needs a whole-number check on both equations.

    params: ``m``, ``k`` (the solved equation), ``a``, ``b``, ``d`` (the other), ``solved_for``
    ("y" or "x"), ``x``, ``y``.
    """
    kp = "equations.systems_substitution"
    top = (6, 9, 9)[difficulty - 1]
    while True:
        x, y = (
            rng.randint(1 if difficulty == 1 else -top, top),
            rng.randint(1 if difficulty == 1 else -top, top),
        )
        m = pick_nonzero(rng, -4, 4) if difficulty > 1 else rng.randint(1, 4)
        a = rng.randint(1, 6) if difficulty == 1 else pick_nonzero(rng, -6, 6)
        b = 1 if difficulty == 1 else pick_nonzero(rng, -5, 5)
        solved_for = "x" if difficulty == 3 else "y"
        if solved_for == "y":
            k = y - m * x
            coef = a + b * m  # x coefficient after substituting
        else:
            k = x - m * y
            coef = a * m + b  # y coefficient after substituting
        if coef != 0:
            break
    d = a * x + b * y
    other = _system_text(a, b, d)
    if solved_for == "y":
        first = f"y = {_lin(m, k)}"
        sub_expr = f"{_poly([(a, 'x')])} {'+' if b > 0 else '-'} {_coef(b, '')}({_lin(m, k)})"
        sub_expr = sub_expr.replace(" 1(", " (")
        var, val, other_var, other_val = "x", x, "y", y
        back = f"{m}*{neg(x)} + {neg(k)}"
    else:
        first = f"x = {_lin(m, k, 'y')}"
        sub_expr = f"{a}({_lin(m, k, 'y')}) {'+' if b > 0 else '-'} {_coef(b, 'y')}"
        sub_expr = sub_expr.replace("-1(", "-(").replace("^1(", "(")
        if sub_expr.startswith("1("):
            sub_expr = sub_expr[1:]
        var, val, other_var, other_val = "y", y, "x", x
        back = f"{m}*{neg(y)} + {neg(k)}"
    const = a * k if solved_for == "x" else b * k
    steps = (
        step(
            f"Substitute {first} into {other}: {sub_expr} = {d}.",
            f"把{first}代入{other}：{sub_expr} = {d}。",
            f"{sub_expr} = {_lin(coef, const, var)}",
            kp,
        ),
        step(
            f"So {_lin(coef, const, var)} = {d}, and {var} = ({d} - {neg(const)}) ÷ {neg(coef)} = {val}.",
            f"得到{_lin(coef, const, var)} = {d}，所以{var} = ({d} − {neg(const)}) ÷ {neg(coef)} = {val}。",
            f"({d} - {neg(const)}) / {neg(coef)} = {val}",
            "equations.two_step",
        ),
        step(
            f"Put {var} = {val} back into {first}: {other_var} = {other_val}.",
            f"把{var} = {val}代入{first}，得{other_var} = {other_val}。",
            f"{back} = {other_val}",
            "expressions.evaluate",
        ),
        step(
            f"Check in the other equation: {a} × {neg(x)} + {neg(b)} × {neg(y)} = {d}.",
            f"代入另一个方程检验：{a} × {neg(x)} + {neg(b)} × {neg(y)} = {d}。",
            f"{a}*{neg(x)} + {b}*{neg(y)} = {d}",
            "equations.solution_check",
        ),
    )
    return Draft(
        f"Solve the system by substitution: {first} and {other}. Give your answer as the point (x, y).",
        f"用代入消元法解方程组：{first}，{other}。按(x, y)的格式作答。",
        f"({x}, {y})",
        steps,
        params={"m": m, "k": k, "a": a, "b": b, "d": d, "solved_for": solved_for, "x": x, "y": y},
    )


@generator(
    "system_elimination",
    "equations.systems_elimination",
    also={"equations.systems_substitution": 0.4, "equations.multi_step": 0.2},
)
def system_elimination(difficulty: int, rng: random.Random) -> Draft:
    """Opposite y coefficients (add); one equation to scale; both equations to scale.

    params: ``a1``, ``b1``, ``c1``, ``a2``, ``b2``, ``c2`` (a1x + b1y = c1, a2x + b2y = c2),
    ``x``, ``y``.
    """
    kp = "equations.systems_elimination"
    while True:
        x, y = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
        if difficulty == 1:
            a1, a2, b1 = rng.randint(1, 6), rng.randint(1, 6), rng.randint(1, 6)
            b2 = -b1
        elif difficulty == 2:
            a1, a2, b1 = pick_nonzero(rng, -6, 6), pick_nonzero(rng, -6, 6), rng.randint(1, 4)
            b2 = b1 * rng.choice((-3, -2, 2, 3))
        else:
            a1, a2 = pick_nonzero(rng, -7, 7), pick_nonzero(rng, -7, 7)
            b1, b2 = rng.randint(2, 7), pick_nonzero(rng, -7, 7)
            if b2 % b1 == 0 or b1 % b2 == 0:
                continue
        if a1 * b2 - a2 * b1 != 0:
            break
    c1, c2 = a1 * x + b1 * y, a2 * x + b2 * y
    lcm = abs(b1 * b2) // math.gcd(b1, b2)
    k1, k2 = lcm // abs(b1), lcm // abs(b2)
    # scale so the y terms are equal and opposite, then add
    if (b1 > 0) == (b2 > 0):
        k2 = -k2
    eq1, eq2 = _system_text(a1, b1, c1), _system_text(a2, b2, c2)
    big_a = k1 * a1 + k2 * a2
    big_c = k1 * c1 + k2 * c2
    left1, left2 = _poly([(a1, "x"), (b1, "y")]), _poly([(a2, "x"), (b2, "y")])
    how = (
        "Add the equations"
        if k1 == 1 and k2 == 1
        else (f"Multiply the first equation by {k1} and the second by {k2}, then add")
    )
    how_zh = (
        "两个方程相加" if k1 == 1 and k2 == 1 else f"第一个方程乘{k1}，第二个方程乘{k2}，再相加"
    )
    steps = (
        step(
            f"{how} so that y cancels: {_lin(big_a, 0)} = {big_c}.",
            f"{how_zh}，消去y：{_lin(big_a, 0)} = {big_c}。",
            f"{k1}*({left1}) + {neg(k2)}*({left2}) = {_lin(big_a, 0)}",
            kp,
        ),
        step(
            f"x = {big_c} ÷ {neg(big_a)} = {x}.",
            f"x = {big_c} ÷ {neg(big_a)} = {x}。",
            f"{k1}*{neg(c1)} + {neg(k2)}*{neg(c2)} = {big_c} = {big_a}*{neg(x)}",
            "equations.one_step_mult_div",
        ),
        step(
            f"Put x = {x} into the first equation: {_poly([(b1, 'y')])} = {c1} - {neg(a1 * x)}, so y = {y}.",
            f"把x = {x}代入第一个方程：{_poly([(b1, 'y')])} = {c1} − {neg(a1 * x)}，所以y = {y}。",
            f"({c1} - {neg(a1 * x)}) / {b1} = {y}",
            "equations.two_step",
        ),
        step(
            f"Check in the second equation: {a2} × {neg(x)} + {b2} × {neg(y)} = {c2}.",
            f"代入第二个方程检验：{a2} × {neg(x)} + {b2} × {neg(y)} = {c2}。",
            f"{a2}*{neg(x)} + {b2}*{neg(y)} = {c2}",
            "equations.solution_check",
        ),
    )
    return Draft(
        f"Solve the system by elimination: {eq1} and {eq2}. Give your answer as the point (x, y).",
        f"用加减消元法解方程组：{eq1}，{eq2}。按(x, y)的格式作答。",
        f"({x}, {y})",
        steps,
        params={"a1": a1, "b1": b1, "c1": c1, "a2": a2, "b2": b2, "c2": c2, "x": x, "y": y},
    )


@generator(
    "quadratic_by_factoring",
    "equations.quadratic_factoring",
    also={"expressions.factor_trinomials": 0.5, "expressions.multiply_binomials": 0.2},
)
def quadratic_by_factoring(difficulty: int, rng: random.Random) -> Draft:
    """x^2 + bx + c = 0 with whole roots; rearranging first (x^2 + bx = c or x^2 = bx);
    ax^2 + bx + c = 0 from (px + q)(rx + s) with fraction roots.

    params: ``p``, ``q``, ``r``, ``s`` for (px + q)(rx + s) = 0, ``form`` ("zero", "moved").
    """
    kp = "equations.quadratic_factoring"
    p = r = 1
    form = "zero"
    while True:
        if difficulty == 1:
            q, s = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
        elif difficulty == 2:
            q, s = rng.randint(-9, 9), pick_nonzero(rng, -9, 9)
            form = "moved"
        else:
            p, r = rng.randint(2, 4), rng.randint(1, 3)
            q, s = pick_nonzero(rng, -7, 7), pick_nonzero(rng, -7, 7)
        roots = sorted({F(-q, p), F(-s, r)})
        if len(roots) == 2 and (difficulty < 3 or any(x.denominator > 1 for x in roots)):
            break
    a, b, c = p * r, p * s + q * r, q * s
    factored = f"({_lin(p, q)})({_lin(r, s)})"
    if form == "moved":
        equation = f"{_poly([(a, 'x^2'), (b, 'x')])} = {-c}" if c else f"x^2 = {_lin(-b, 0)}"
    else:
        equation = f"{_quad(a, b, c)} = 0"
    steps = []
    if form == "moved":
        steps.append(
            step(
                f"Move everything to one side: {_quad(a, b, c)} = 0.",
                f"移项，使方程右边为0：{_quad(a, b, c)} = 0。",
                f"{_quad(a, b, c)} = {_quad(a, b, c)}",
                "equations.two_step",
            )
        )
    steps.append(
        step(
            f"Factor: {_quad(a, b, c)} = {factored}.",
            f"因式分解：{_quad(a, b, c)} = {factored}。",
            f"{_quad(a, b, c)} = {factored}",
            "expressions.factor_trinomials",
        )
    )
    steps.append(
        step(
            f"A product is 0 only if a factor is 0: {_lin(p, q)} = 0 or {_lin(r, s)} = 0, "
            f"so x = {fr(F(-q, p))} or x = {fr(F(-s, r))}.",
            f"两个因式的积为0，则至少有一个因式为0：{_lin(p, q)} = 0或{_lin(r, s)} = 0，"
            f"所以x = {fr(F(-q, p))}或x = {fr(F(-s, r))}。",
            f"{p}*{neg(F(-q, p))} + {neg(q)} = {r}*{neg(F(-s, r))} + {neg(s)} = 0",
            kp,
        )
    )
    return Draft(
        f"Solve {equation} by factoring. Give both solutions as (smaller, larger).",
        f"用因式分解法解方程：{equation}。按（较小的解, 较大的解）的格式作答。",
        _pair(roots),
        tuple(steps),
        SIMPLEST,
        params={"p": p, "q": q, "r": r, "s": s, "form": form},
    )


# --------------------------------------------------------------------------------------------
# Inequalities
# --------------------------------------------------------------------------------------------


@generator(
    "inequality_multi_step",
    "inequalities.multi_step",
    also={"inequalities.two_step": 0.4, "inequalities.flip_negative": 0.3},
)
def inequality_multi_step(difficulty: int, rng: random.Random) -> Draft:
    """a(x + b) > c with a > 0; ax + b ≤ cx + d (the sign may flip); a(x + b) − cx ≥ d with a
    fractional boundary.

    params: ``lhs``, ``rel``, ``rhs`` (the inequality as written), ``bound`` (text).
    """
    kp = "inequalities.multi_step"
    rel = rng.choice((">", "<", ">=", "<="))
    while True:
        if difficulty == 1:
            a, b = rng.randint(2, 9), pick_nonzero(rng, -9, 9)
            bound = F(rng.randint(-10, 10))
            coef_l, const_l = a, a * b
            lhs, coef_r = f"{a}({_lin(1, b)})", 0
        elif difficulty == 2:
            coef_l, coef_r = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
            const_l = pick_nonzero(rng, -15, 15)
            bound = F(rng.randint(-10, 10))
            lhs = _lin(coef_l, const_l)
        else:
            a, b, c = pick_nonzero(rng, -6, 6), pick_nonzero(rng, -9, 9), rng.randint(1, 6)
            coef_l, const_l, coef_r = a - c, a * b, pick_nonzero(rng, -5, 5)
            bound = F(rng.randint(-20, 20), rng.randint(2, 5))
            lhs = f"{a}({_lin(1, b)}) - {_coef(c, 'x')}"
        net = coef_l - coef_r
        if net != 0 and coef_l != 0 and (difficulty < 3 or bound.denominator > 1):
            break
    const_r = net * bound + const_l  # so that the boundary is exactly `bound`
    rhs = _lin(coef_r, const_r) if coef_r else fr(const_r)
    new_rel = _FLIP[rel] if net < 0 else rel
    steps: list[Step] = []
    if difficulty != 2:
        steps.append(
            step(
                f"Expand and collect the left side: {lhs} = {_lin(coef_l, const_l)}.",
                f"去括号并合并同类项：{lhs} = {_lin(coef_l, const_l)}。",
                f"{lhs} = {_lin(coef_l, const_l)}",
                "expressions.distributive_property",
            )
        )
    steps.append(
        step(
            f"Collect x on the left and numbers on the right: {_lin(net, 0)} {_show(rel)} "
            f"{fr(const_r)} - {neg(const_l)} = {fr(const_r - const_l)}.",
            f"移项，含x的项移到左边，常数项移到右边：{_lin(net, 0)} {_show(rel)} "
            f"{fr(const_r)} − {neg(const_l)} = {fr(const_r - const_l)}。",
            f"{_br(const_r)} - {_br(const_l)} = {fr(const_r - const_l)}",
            kp,
        )
    )
    steps.append(
        step(
            f"Divide by {net}"
            + (", which is negative, so the sign reverses" if net < 0 else "")
            + f": x {_show(new_rel)} {fr(bound)}.",
            f"两边同时除以{net}"
            + ("，除以负数，不等号方向改变" if net < 0 else "")
            + f"：x {_show(new_rel)} {fr(bound)}。",
            f"{_br(const_r - const_l)} / {_br(net)} = {fr(bound)}",
            "inequalities.flip_negative" if net < 0 else "inequalities.one_step_mult_div_positive",
        )
    )
    test = bound + (1 if new_rel in (">", ">=") else -1)
    left_value, right_value = _value_of(_sub(lhs, test)), _value_of(_sub(rhs, test))
    steps.append(
        step(
            f"Test x = {fr(test)}: the left side is {fr(left_value)} and the right side is "
            f"{fr(right_value)}, which fits {_show(rel)}.",
            f"取x = {fr(test)}检验：左边等于{fr(left_value)}，右边等于{fr(right_value)}，满足{_show(rel)}。",
            f"{_sub(lhs, test)} {rel} {_sub(rhs, test)}",
            "inequalities.test_solutions",
        )
    )
    shown = f"{lhs} {_show(rel)} {rhs}"
    return Draft(
        f"Solve {shown}. Write the answer like x > 3."
        + (" Use a fraction in lowest terms." if difficulty == 3 else ""),
        f"解不等式：{shown}（答案写成x > 3的形式"
        + ("，用最简分数" if difficulty == 3 else "")
        + "）。",
        f"x {new_rel} {fr(bound)}",
        tuple(steps),
        SIMPLEST,
        params={"lhs": lhs, "rel": rel, "rhs": rhs, "bound": fr(bound)},
    )


@generator(
    "inequality_compound",
    "inequalities.compound",
    also={"inequalities.two_step": 0.4, "inequalities.flip_negative": 0.2},
)
def inequality_compound(difficulty: int, rng: random.Random) -> Draft:
    """lo < x + b ≤ hi; lo < px + q ≤ hi (p > 0); lo ≤ q − px < hi (p > 0, the signs flip).

    params: ``p`` (coefficient of x, negative at level 3), ``q``, ``low``, ``high`` (the
    outer numbers), ``left_rel``, ``right_rel`` ("<" or "<=").
    """
    kp = "inequalities.compound"
    left_rel, right_rel = rng.choice(("<", "<=")), rng.choice(("<", "<="))
    p = 1 if difficulty == 1 else rng.randint(2, 6) if difficulty == 2 else -rng.randint(2, 6)
    q = pick_nonzero(rng, -12, 12)
    x_low = F(rng.randint(-10, 5))
    x_high = x_low + rng.randint(1, 10)
    if p > 0:
        low, high = p * x_low + q, p * x_high + q
        answer = f"{fr(x_low)} {left_rel} x {right_rel} {fr(x_high)}"
    else:
        # lo < q - |p|x < hi  ⇔  (q - hi)/|p| < x < (q - lo)/|p|: the signs swap sides
        low, high = p * x_high + q, p * x_low + q
        answer = f"{fr(x_low)} {right_rel} x {left_rel} {fr(x_high)}"
    middle = _lin(p, q) if p > 0 else _poly([(q, ""), (p, "x")])
    shown = f"{fr(low)} {_show(left_rel)} {middle} {_show(right_rel)} {fr(high)}"
    steps = [
        step(
            f"{'Subtract' if q > 0 else 'Add'} {abs(q)} in all three parts: "
            f"{fr(low - q)} {_show(left_rel)} {_lin(p, 0)} {_show(right_rel)} {fr(high - q)}.",
            f"三部分同时{'减去' if q > 0 else '加上'}{abs(q)}：{fr(low - q)} {_show(left_rel)} {_lin(p, 0)} "
            f"{_show(right_rel)} {fr(high - q)}。",
            f"{_br(low)} - {_br(q)} = {fr(low - q)}",
            kp,
        )
    ]
    if p != 1:
        steps.append(
            step(
                f"Divide all three parts by {p}"
                + (" and reverse both signs, because it is negative" if p < 0 else "")
                + f": {answer.replace('<=', '≤')}.",
                f"三部分同时除以{p}"
                + ("，除以负数，两个不等号都要改变方向" if p < 0 else "")
                + f"：{answer.replace('<=', '≤')}。",
                f"{_br(low - q)} / {_br(p)} = {fr((low - q) / p)}",
                "inequalities.flip_negative"
                if p < 0
                else "inequalities.one_step_mult_div_positive",
            )
        )
    mid = (x_low + x_high) / 2
    steps.append(
        step(
            f"Check a value inside, x = {fr(mid)}: {middle} = {fr(p * mid + q)}, which lies between {fr(low)} and {fr(high)}.",
            f"取中间的一个值x = {fr(mid)}检验：{middle} = {fr(p * mid + q)}，在{fr(low)}和{fr(high)}之间。",
            f"{_br(low)} < {_sub(middle, mid)} < {_br(high)}",
            "inequalities.test_solutions",
        )
    )
    return Draft(
        f"Solve {shown}. Write the answer like -2 < x <= 3.",
        f"解不等式组：{shown}（答案写成-2 < x ≤ 3的形式）。",
        answer,
        tuple(steps),
        SIMPLEST,
        params={
            "p": p,
            "q": q,
            "low": fr(low),
            "high": fr(high),
            "left_rel": left_rel,
            "right_rel": right_rel,
        },
    )


# --------------------------------------------------------------------------------------------
# Functions and sequences
# --------------------------------------------------------------------------------------------


@generator(
    "function_value",
    "functions.function_notation",
    also={"expressions.evaluate": 0.4},
)
def function_value(difficulty: int, rng: random.Random) -> Draft:
    """f(n) for a linear f; f(n) for a quadratic f at a negative n; find a with f(a) = k.

    params: ``a``, ``b``, ``c`` (f(x) = ax^2 + bx + c, a = 0 for linear), ``input`` (n or
    empty), ``output`` (k at level 3), ``kind`` ("value" or "input").
    """
    kp = "functions.function_notation"
    name = rng.choice(("f", "g", "h"))
    if difficulty == 1:
        a, b, c = 0, rng.randint(2, 9), pick_nonzero(rng, -12, 12)
        n = rng.randint(0, 10)
    elif difficulty == 2:
        a, b, c = pick_nonzero(rng, -3, 3), pick_nonzero(rng, -9, 9), rng.randint(-12, 12)
        n = -rng.randint(1, 6)
    else:
        a, b, c = 0, pick_nonzero(rng, -9, 9), rng.randint(-15, 15)
        if abs(b) == 1:
            b *= 2
        n = pick_nonzero(rng, -10, 10)
    rule = _quad(a, b, c)
    value = a * n * n + b * n + c
    steps: tuple[Step, ...]
    if difficulty < 3:
        steps = (
            step(
                f"{name}({n}) means: put x = {n} into the rule: {_sub(rule, n)} = {value}.",
                f"{name}({n})表示x = {n}时的函数值，代入：{_sub(rule, n)} = {value}。",
                f"{_sub(rule, n)} = {value}",
                kp,
            ),
        )
        return Draft(
            f"{name}(x) = {rule}. Find {name}({n}).",
            f"已知{name}(x) = {rule}，求{name}({n})。",
            str(value),
            steps,
            params={"a": a, "b": b, "c": c, "input": n, "output": value, "kind": "value"},
        )
    steps = (
        step(
            f"{name}(a) = {value} means {_lin(b, c, 'a')} = {value}, so {_coef(b, 'a') if b > 0 else '-' + _coef(b, 'a')} = {value} - {neg(c)} = {value - c}.",
            f"{name}(a) = {value}表示{_lin(b, c, 'a')} = {value}，所以{_lin(b, 0, 'a')} = {value} − {neg(c)} = {value - c}。",
            f"{value} - {neg(c)} = {value - c}",
            "equations.two_step",
        ),
        step(
            f"a = {value - c} ÷ {neg(b)} = {n}.",
            f"a = {value - c} ÷ {neg(b)} = {n}。",
            f"{value - c} / {neg(b)} = {n}",
            kp,
        ),
    )
    return Draft(
        f"{name}(x) = {rule} and {name}(a) = {value}. Find a.",
        f"已知{name}(x) = {rule}，且{name}(a) = {value}，求a的值。",
        str(n),
        steps,
        params={"a": a, "b": b, "c": c, "input": "", "output": value, "kind": "input"},
    )


@generator(
    "arithmetic_sequence",
    "functions.arithmetic_sequences",
    also={"functions.function_notation": 0.3, "expressions.evaluate": 0.2},
)
def arithmetic_sequence(difficulty: int, rng: random.Random) -> Draft:
    """The k-th term from the first terms; the n-th term formula (negative d); a term from two
    non-consecutive terms.

    params: ``first`` (a1), ``d``, ``k`` (the term asked for; 0 when the formula is asked),
    and at level 3 ``i``, ``j`` (the two known term numbers).
    """
    kp = "functions.arithmetic_sequences"
    a1 = rng.randint(-10, 20)
    d = rng.randint(2, 9) if difficulty == 1 else pick_nonzero(rng, -9, 9)
    shown_terms = ", ".join(str(a1 + t * d) for t in range(4))
    if difficulty == 1:
        k = rng.randint(10, 40)
        value = a1 + (k - 1) * d
        steps = (
            step(
                f"The common difference is d = {a1 + d} - {neg(a1)} = {d}.",
                f"公差d = {a1 + d} − {neg(a1)} = {d}。",
                f"{a1 + d} - {neg(a1)} = {d}",
                kp,
            ),
            step(
                f"a_{k} = a_1 + ({k} - 1)d = {a1} + {k - 1} × {d} = {value}.",
                f"a_{k} = a_1 + ({k} − 1)d = {a1} + {k - 1} × {d} = {value}。",
                f"{a1} + ({k} - 1)*{d} = {value}",
                kp,
            ),
        )
        return Draft(
            f"The arithmetic sequence {shown_terms}, ... continues the same way. Find its term number {k}.",
            f"等差数列{shown_terms.replace(', ', '，')}，……，求它的第{k}项。",
            str(value),
            steps,
            params={"first": a1, "d": d, "k": k},
        )
    if difficulty == 2:
        formula = _lin(d, a1 - d, "n")
        steps = (
            step(
                f"The common difference is d = {d}, and a_1 = {a1}.",
                f"公差d = {d}，首项a_1 = {a1}。",
                f"{a1 + d} - {neg(a1)} = {d}",
                kp,
            ),
            step(
                f"a_n = a_1 + (n - 1)d = {a1} + (n - 1)({d}) = {formula}.",
                f"a_n = a_1 + (n − 1)d = {a1} + (n − 1)({d}) = {formula}。",
                f"{a1} + (n - 1)*({d}) = {formula}",
                kp,
            ),
        )
        return Draft(
            f"Write the n-th term of the arithmetic sequence {shown_terms}, ... as an expression in n.",
            f"写出等差数列{shown_terms.replace(', ', '，')}，……的第n项（用含n的式子表示）。",
            formula,
            steps,
            params={"first": a1, "d": d, "k": 0},
        )
    i = rng.randint(2, 5)
    j = i + rng.randint(2, 6)
    k = rng.randint(j + 2, 30)
    ai, aj, value = a1 + (i - 1) * d, a1 + (j - 1) * d, a1 + (k - 1) * d
    steps = (
        step(
            f"From term {i} to term {j} there are {j - i} steps of d: d = ({aj} - {neg(ai)}) ÷ {j - i} = {d}.",
            f"从第{i}项到第{j}项增加了{j - i}个公差：d = ({aj} − {neg(ai)}) ÷ {j - i} = {d}。",
            f"({aj} - {neg(ai)}) / {j - i} = {d}",
            kp,
        ),
        step(
            f"a_{k} = a_{j} + ({k} - {j})d = {aj} + {k - j} × {neg(d)} = {value}.",
            f"a_{k} = a_{j} + ({k} − {j})d = {aj} + {k - j} × {neg(d)} = {value}。",
            f"{aj} + {k - j}*{neg(d)} = {value}",
            kp,
        ),
    )
    return Draft(
        f"In an arithmetic sequence, a_{i} = {ai} and a_{j} = {aj}. Find a_{k}.",
        f"在等差数列中，a_{i} = {ai}，a_{j} = {aj}，求a_{k}。",
        str(value),
        steps,
        params={"first": a1, "d": d, "k": k, "i": i, "j": j},
    )


@generator(
    "geometric_sequence",
    "functions.geometric_sequences",
    also={"functions.arithmetic_sequences": 0.3, "exponents.whole_number_exponents": 0.3},
)
def geometric_sequence(difficulty: int, rng: random.Random) -> Draft:
    """The k-th term with a whole ratio; with a negative or fractional ratio; from a_2 and a_5.

    params: ``first`` (text), ``ratio`` (text), ``k``.
    """
    kp = "functions.geometric_sequences"
    if difficulty == 1:
        a1, r = F(rng.randint(1, 9)), F(rng.randint(2, 3))
        k = rng.randint(5, 8)
    elif difficulty == 2:
        r = F(rng.choice((-2, -3, 1, -1)), 1) if rng.random() < 0.5 else F(rng.choice((1, -1)), 2)
        if abs(r) == 1:
            r = F(-2)
        k = rng.randint(5, 7)
        a1 = F(rng.randint(1, 5) * (2 ** (k - 1) if r.denominator == 2 else 1))
    else:
        r = F(rng.choice((-3, -2, 2, 3)))
        a1 = F(pick_nonzero(rng, -5, 5))
        k = rng.randint(6, 8)
    terms = [a1 * r**t for t in range(k)]
    value = terms[-1]
    if difficulty < 3:
        shown = ", ".join(fr(t) for t in terms[:4])
        steps = (
            step(
                f"The common ratio is r = {fr(terms[1])} ÷ {_br(a1)} = {fr(r)}.",
                f"公比r = {fr(terms[1])} ÷ {_br(a1)} = {fr(r)}。",
                f"{_br(terms[1])} / {_br(a1)} = {fr(r)}",
                kp,
            ),
            step(
                f"a_{k} = a_1 × r^{k - 1} = {fr(a1)} × ({fr(r)})^{k - 1} = {fr(value)}.",
                f"a_{k} = a_1 × r^{k - 1} = {fr(a1)} × ({fr(r)})^{k - 1} = {fr(value)}。",
                f"{_br(a1)} * ({fr(r)})^{k - 1} = {fr(value)}",
                "exponents.whole_number_exponents",
            ),
        )
        return Draft(
            f"The geometric sequence {shown}, ... continues the same way. Find its term number {k}."
            + (" Give a fraction in lowest terms if needed." if r.denominator > 1 else ""),
            f"等比数列{shown.replace(', ', '，')}，……，求它的第{k}项"
            + ("（结果如是分数，写成最简分数）" if r.denominator > 1 else "")
            + "。",
            fr(value),
            steps,
            SIMPLEST,
            params={"first": fr(a1), "ratio": fr(r), "k": k},
        )
    a2, a5 = terms[1], terms[4]
    steps = (
        step(
            f"From a_2 to a_5 we multiply by r three times: r^3 = {fr(a5)} ÷ {_br(a2)} = {fr(r**3)}, so r = {fr(r)}.",
            f"从a_2到a_5乘了3次公比：r^3 = {fr(a5)} ÷ {_br(a2)} = {fr(r**3)}，所以r = {fr(r)}。",
            f"{_br(a5)} / {_br(a2)} = ({fr(r)})^3",
            "exponents.cube_roots",
        ),
        step(
            f"a_{k} = a_5 × r^{k - 5} = {fr(a5)} × ({fr(r)})^{k - 5} = {fr(value)}.",
            f"a_{k} = a_5 × r^{k - 5} = {fr(a5)} × ({fr(r)})^{k - 5} = {fr(value)}。",
            f"{_br(a5)} * ({fr(r)})^{k - 5} = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        f"In a geometric sequence, a_2 = {fr(a2)} and a_5 = {fr(a5)}. Find a_{k}.",
        f"在等比数列中，a_2 = {fr(a2)}，a_5 = {fr(a5)}，求a_{k}。",
        fr(value),
        steps,
        SIMPLEST,
        params={"first": fr(a1), "ratio": fr(r), "k": k},
    )
