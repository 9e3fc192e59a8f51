"""Integers, order of operations, exponents, expressions, equations, inequalities, slope."""

from __future__ import annotations

import math
import random

from tutor.content.answers import AnswerPolicy
from tutor.content.generators._util import F, fr, neg, pick_nonzero, step
from tutor.content.registry import Draft, Step, generator

SIMPLEST = AnswerPolicy(require_simplified=True)
#: For expansions: the bracketed question typed back (3(x + 4) for 3x + 12) is not an answer.
EXPANDED = AnswerPolicy(require_simplified=True, require_expanded=True)
_RANGE = (9, 20, 60)


def _signed(rng: random.Random, difficulty: int) -> int:
    return pick_nonzero(rng, -_RANGE[difficulty - 1], _RANGE[difficulty - 1])


@generator("integer_add", "integers.add_different_signs", also={"integers.add_same_sign": 0.5})
def integer_add(difficulty: int, rng: random.Random) -> Draft:
    """a + b with at least one negative; numbers up to 9, 20, 60.

    params: ``a``, ``b`` (the addends).
    """
    kp = "integers.add_different_signs"
    a, b = _signed(rng, difficulty), _signed(rng, difficulty)
    if a > 0 and b > 0:
        b = -b
    total = a + b
    if (a < 0) == (b < 0):
        text = f"Same signs: add the sizes {abs(a)} + {abs(b)} = {abs(total)} and keep the sign: {total}."
        zh = f"同号相加：绝对值相加 {abs(a)} + {abs(b)} = {abs(total)}，符号不变：{total}。"
        sub = "integers.add_same_sign"
    else:
        big, small = max(abs(a), abs(b)), min(abs(a), abs(b))
        text = f"Different signs: subtract the sizes {big} − {small} = {big - small}; the sign of the larger size wins: {total}."
        zh = f"异号相加：绝对值大的减去绝对值小的 {big} − {small} = {big - small}，符号取绝对值较大的数的符号：{total}。"
        sub = kp
    steps = (step(text, zh, f"{a} + {neg(b)} = {total}", sub),)
    return Draft(
        f"Work out {a} + {neg(b)}.",
        f"计算：{a} + {neg(b)} = ?",
        str(total),
        steps,
        params={"a": a, "b": b},
    )


@generator("integer_subtract", "integers.subtract", also={"integers.add_different_signs": 0.5})
def integer_subtract(difficulty: int, rng: random.Random) -> Draft:
    """a − b as a + (−b).

    params: ``a`` (the minuend), ``b`` (the subtrahend).
    """
    a, b = _signed(rng, difficulty), _signed(rng, difficulty)
    if b > 0 and difficulty > 1:
        b = -b
    steps = (
        step(
            f"Subtracting {neg(b)} is adding its opposite {neg(-b)}: {a} − {neg(b)} = {a} + {neg(-b)}.",
            f"减去一个数等于加上它的相反数：{a} − {neg(b)} = {a} + {neg(-b)}。",
            f"{a} - {neg(b)} = {a} + {neg(-b)}",
            "integers.opposites",
        ),
        step(
            f"{a} + {neg(-b)} = {a - b}",
            f"{a} + {neg(-b)} = {a - b}",
            f"{a} + {neg(-b)} = {a - b}",
            "integers.add_different_signs",
        ),
    )
    return Draft(
        f"Work out {a} − {neg(b)}.",
        f"计算：{a} − {neg(b)} = ?",
        str(a - b),
        steps,
        params={"a": a, "b": b},
    )


@generator("integer_multiply", "integers.multiply", also={"mult_div.facts_7_8_9": 0.2})
def integer_multiply(difficulty: int, rng: random.Random) -> Draft:
    """a × b (levels 1–2) and a × b × c (level 3) with negatives.

    params: ``factors`` (the list of factors, in order).
    """
    kp = "integers.multiply"
    factors = [
        pick_nonzero(rng, -(9, 12, 9)[difficulty - 1], (9, 12, 9)[difficulty - 1])
        for _ in range(2 if difficulty < 3 else 3)
    ]
    if all(f > 0 for f in factors):
        factors[0] = -factors[0]
    product = 1
    for f in factors:
        product *= f
    negatives = sum(f < 0 for f in factors)
    shown = " × ".join(neg(f) for f in factors)
    claim = " * ".join(neg(f) for f in factors)
    size = 1
    for f in factors:
        size *= abs(f)
    steps = (
        step(
            f"Multiply the sizes: {' × '.join(str(abs(f)) for f in factors)} = {size}.",
            f"先把绝对值相乘：{' × '.join(str(abs(f)) for f in factors)} = {size}。",
            f"{' * '.join(str(abs(f)) for f in factors)} = {size}",
            "mult_div.facts_7_8_9",
        ),
        step(
            f"There {'is' if negatives == 1 else 'are'} {negatives} negative factor{'s' if negatives != 1 else ''}: "
            f"{'odd, so the product is negative' if negatives % 2 else 'even, so the product is positive'}: {product}.",
            f"负因数有{negatives}个，是{'奇数个，积为负' if negatives % 2 else '偶数个，积为正'}：{product}。",
            f"{claim} = {product}",
            kp,
        ),
    )
    return Draft(
        f"Work out {shown}.",
        f"计算：{shown} = ?",
        str(product),
        steps,
        params={"factors": list(factors)},
    )


@generator("integer_divide", "integers.divide", also={"integers.multiply": 0.5})
def integer_divide(difficulty: int, rng: random.Random) -> Draft:
    """a ÷ b with negatives, exact quotients.

    params: ``dividend``, ``divisor``.
    """
    kp = "integers.divide"
    b = pick_nonzero(rng, -(9, 12, 25)[difficulty - 1], (9, 12, 25)[difficulty - 1])
    q = pick_nonzero(rng, -(9, 12, 20)[difficulty - 1], (9, 12, 20)[difficulty - 1])
    if b > 0 and q > 0:
        q = -q
    a = b * q
    steps = (
        step(
            f"Divide the sizes: {abs(a)} ÷ {abs(b)} = {abs(q)}; {'same signs give +' if q > 0 else 'different signs give −'}.",
            f"绝对值相除：{abs(a)} ÷ {abs(b)} = {abs(q)}；{'同号得正' if q > 0 else '异号得负'}。",
            f"{a} / {neg(b)} = {q}",
            kp,
        ),
        step(
            f"Check: {neg(q)} × {neg(b)} = {a}.",
            f"验算：{neg(q)} × {neg(b)} = {a}。",
            f"{neg(q)} * {neg(b)} = {a}",
            "integers.multiply",
        ),
    )
    return Draft(
        f"Work out {a} ÷ {neg(b)}.",
        f"计算：{a} ÷ {neg(b)} = ?",
        str(q),
        steps,
        params={"dividend": a, "divisor": b},
    )


@generator("absolute_value", "integers.absolute_value", also={"integers.add_different_signs": 0.3})
def absolute_value(difficulty: int, rng: random.Random) -> Draft:
    """|a|; |a| + |b|; |a − b|.

    params: ``a``, ``b`` (``b`` is not shown at level 1).
    """
    kp = "integers.absolute_value"
    a, b = _signed(rng, difficulty), _signed(rng, difficulty)
    if difficulty == 1:
        a = -abs(a) if rng.random() < 0.7 else a
        expr, value = f"|{a}|", abs(a)
        steps: tuple[Step, ...] = (
            step(
                f"|{a}| is the distance from {a} to 0, which is {abs(a)}.",
                f"|{a}|是{a}到0的距离，等于{abs(a)}。",
                f"{abs(a)} = {value}",
                kp,
            ),
        )
    elif difficulty == 2:
        expr, value = f"|{a}| + |{b}|", abs(a) + abs(b)
        steps = (
            step(
                f"|{a}| = {abs(a)} and |{b}| = {abs(b)}.",
                f"|{a}| = {abs(a)}，|{b}| = {abs(b)}。",
                f"{abs(a)} + {abs(b)} = {value}",
                kp,
            ),
        )
    else:
        expr, value = f"|{a} − {neg(b)}|", abs(a - b)
        steps = (
            step(
                f"Inside first: {a} − {neg(b)} = {a - b}.",
                f"先算绝对值符号里面：{a} − {neg(b)} = {a - b}。",
                f"{a} - {neg(b)} = {a - b}",
                "integers.subtract",
            ),
            step(f"|{a - b}| = {value}", f"|{a - b}| = {value}", f"{value} = {abs(a - b)}", kp),
        )
    return Draft(
        f"Work out {expr}.",
        f"计算：{expr} = ?",
        str(value),
        steps,
        params={"a": a, "b": b},
    )


@generator("order_ops_basic", "order_ops.mult_before_add", also={"order_ops.parentheses": 0.3})
def order_ops_basic(difficulty: int, rng: random.Random) -> Draft:
    """a + b × c; a × b − c × d; (a + b) × c − d ÷ e.

    params: ``a``, ``b``, ``c`` and, where the level uses them, ``d`` and ``e``
    (the numbers in the order they appear).
    """
    kp = "order_ops.mult_before_add"
    a, b, c = rng.randint(2, 20), rng.randint(2, 9), rng.randint(2, 9)
    params: dict[str, int] = {}
    if difficulty == 1:
        expr, claim_e, value = f"{a} + {b} × {c}", f"{a} + {b} * {c}", a + b * c
        steps: tuple[Step, ...] = (
            step(
                f"Multiply first: {b} × {c} = {b * c}.",
                f"先算乘法：{b} × {c} = {b * c}。",
                f"{b} * {c} = {b * c}",
                kp,
            ),
            step(
                f"Then add: {a} + {b * c} = {value}.",
                f"再算加法：{a} + {b * c} = {value}。",
                f"{claim_e} = {value}",
                kp,
            ),
        )
    elif difficulty == 2:
        d = rng.randint(2, 9)
        low = c * d // b + 1  # keeps a × b − c × d positive
        a = rng.randint(low, low + 10)
        expr, claim_e, value = f"{a} × {b} − {c} × {d}", f"{a} * {b} - {c} * {d}", a * b - c * d
        params["d"] = d
        steps = (
            step(
                f"Both multiplications first: {a} × {b} = {a * b}, {c} × {d} = {c * d}.",
                f"先算两个乘法：{a} × {b} = {a * b}，{c} × {d} = {c * d}。",
                f"{a} * {b} - {c} * {d} = {a * b} - {c * d}",
                kp,
            ),
            step(
                f"Then subtract: {a * b} − {c * d} = {value}.",
                f"再相减：{a * b} − {c * d} = {value}。",
                f"{a * b} - {c * d} = {value}",
                kp,
            ),
        )
    else:
        e = rng.randint(2, 9)
        d = e * rng.randint(1, 9)
        expr, claim_e = f"({a} + {b}) × {c} − {d} ÷ {e}", f"({a} + {b}) * {c} - {d} / {e}"
        value = (a + b) * c - d // e
        params.update(d=d, e=e)
        steps = (
            step(
                f"Brackets first: {a} + {b} = {a + b}.",
                f"先算括号里的：{a} + {b} = {a + b}。",
                f"{a} + {b} = {a + b}",
                "order_ops.parentheses",
            ),
            step(
                f"Then × and ÷: {a + b} × {c} = {(a + b) * c}, {d} ÷ {e} = {d // e}.",
                f"再算乘除：{a + b} × {c} = {(a + b) * c}，{d} ÷ {e} = {d // e}。",
                f"{a + b} * {c} - {d} / {e} = {(a + b) * c} - {d // e}",
                kp,
            ),
            step(
                f"Last, subtract: {(a + b) * c} − {d // e} = {value}.",
                f"最后相减：{(a + b) * c} − {d // e} = {value}。",
                f"{claim_e} = {value}",
                kp,
            ),
        )
    return Draft(
        f"Work out {expr}.",
        f"计算：{expr} = ?",
        str(value),
        steps,
        params={"a": a, "b": b, "c": c, **params},
    )


@generator(
    "order_ops_exponents",
    "order_ops.with_exponents",
    also={"exponents.whole_number_exponents": 0.5},
)
def order_ops_exponents(difficulty: int, rng: random.Random) -> Draft:
    """a + b^2; a × b^2 − c; (a − b)^2 + c × d (with negatives at level 3).

    params: ``a``, ``b``, ``c`` and at level 3 ``d`` (the numbers in the order they
    appear; ``c`` is not shown at level 1).
    """
    kp = "order_ops.with_exponents"
    a, b, c = rng.randint(2, 12), rng.randint(2, 6), rng.randint(2, 9)
    if difficulty == 1:
        expr, claim_e, value = f"{a} + {b}^2", f"{a} + {b}^2", a + b * b
        steps: tuple[Step, ...] = (
            step(
                f"Power first: {b}^2 = {b} × {b} = {b * b}.",
                f"先算乘方：{b}^2 = {b} × {b} = {b * b}。",
                f"{b}^2 = {b * b}",
                "exponents.whole_number_exponents",
            ),
        )
    elif difficulty == 2:
        expr, claim_e, value = f"{a} × {b}^2 − {c}", f"{a} * {b}^2 - {c}", a * b * b - c
        steps = (
            step(
                f"Power first: {b}^2 = {b * b}.",
                f"先算乘方：{b}^2 = {b * b}。",
                f"{b}^2 = {b * b}",
                "exponents.whole_number_exponents",
            ),
            step(
                f"Then multiply: {a} × {b * b} = {a * b * b}.",
                f"再算乘法：{a} × {b * b} = {a * b * b}。",
                f"{a} * {b * b} = {a * b * b}",
                kp,
            ),
        )
    else:
        b = rng.randint(a + 1, a + 6)
        d = -rng.randint(2, 9)
        expr, claim_e = f"({a} − {b})^2 + {c} × ({d})", f"({a} - {b})^2 + {c} * ({d})"
        value = (a - b) ** 2 + c * d
        steps = (
            step(
                f"Brackets: {a} − {b} = {a - b}.",
                f"先算括号：{a} − {b} = {a - b}。",
                f"{a} - {b} = {a - b}",
                "integers.subtract",
            ),
            step(
                f"Power: ({a - b})^2 = {(a - b) ** 2} (a negative number squared is positive).",
                f"乘方：({a - b})^2 = {(a - b) ** 2}（负数的平方是正数）。",
                f"({a - b})^2 = {(a - b) ** 2}",
                "order_ops.with_integers",
            ),
            step(
                f"Multiply: {c} × ({d}) = {c * d}.",
                f"乘法：{c} × ({d}) = {c * d}。",
                f"{c} * ({d}) = {c * d}",
                "integers.multiply",
            ),
        )
    steps = (
        *steps,
        step(f"So {expr} = {value}.", f"所以 {expr} = {value}。", f"{claim_e} = {value}", kp),
    )
    params = {"a": a, "b": b, "c": c}
    if difficulty == 3:
        params["d"] = d
    return Draft(f"Work out {expr}.", f"计算：{expr} = ?", str(value), steps, params=params)


@generator(
    "powers", "exponents.whole_number_exponents", also={"mult_div.multiply_1digit_multidigit": 0.2}
)
def powers(difficulty: int, rng: random.Random) -> Draft:
    """b^n: squares, small cubes, higher powers / negative bases.

    params: ``base``, ``exponent``.
    """
    kp = "exponents.whole_number_exponents"
    if difficulty == 1:
        base, n = rng.randint(2, 12), 2
    elif difficulty == 2:
        base, n = rng.randint(2, 5), rng.randint(3, 4)
    else:
        base, n = -rng.randint(2, 4), rng.randint(3, 5)
    value = base**n
    shown = f"({base})^{n}" if base < 0 else f"{base}^{n}"
    repeated = " × ".join([neg(base)] * n)
    steps = (
        step(
            f"{shown} means {n} factors of {base}: {repeated} = {value}.",
            f"{shown}表示{n}个{base}相乘：{repeated} = {value}。",
            f"{shown} = {repeated.replace('×', '*')} = {value}",
            kp,
        ),
    )
    return Draft(
        f"Work out {shown}.",
        f"计算：{shown} = ?",
        str(value),
        steps,
        params={"base": base, "exponent": n},
    )


@generator("square_root", "exponents.square_roots", also={"exponents.squares_cubes": 0.5})
def square_root(difficulty: int, rng: random.Random) -> Draft:
    """√n for perfect squares up to 100, 400, and of fractions.

    params: ``radicand`` (a fraction string such as ``"49"`` or ``"9/16"``).
    """
    kp = "exponents.square_roots"
    if difficulty < 3:
        r = rng.randint(2, (10, 20)[difficulty - 1])
        value, radicand = F(r), F(r * r)
    else:
        r, s = rng.randint(1, 12), rng.randint(2, 12)
        while math.gcd(r, s) != 1:  # a fraction in lowest terms, never a whole number
            r, s = rng.randint(1, 12), rng.randint(2, 12)
        value = F(r, s)
        radicand = value * value
    shown = f"√({fr(radicand)})" if radicand.denominator != 1 else f"√{fr(radicand)}"
    steps = (
        step(
            f"{fr(value)} × {fr(value)} = {fr(radicand)}, and {fr(value)} is not negative, so {shown} = {fr(value)}.",
            f"因为 {fr(value)} × {fr(value)} = {fr(radicand)}，且{fr(value)}不是负数，所以 {shown} = {fr(value)}。",
            f"({fr(value)}) * ({fr(value)}) = {fr(radicand)}",
            "exponents.squares_cubes",
        ),
        step(f"{shown} = {fr(value)}", f"{shown} = {fr(value)}", f"{shown} = {fr(value)}", kp),
    )
    return Draft(
        f"Work out {shown}.",
        f"计算：{shown} = ?",
        fr(value),
        steps,
        SIMPLEST,
        params={"radicand": fr(radicand)},
    )


def _term(coef: int, var: str, first: bool = False) -> str:
    sign = "-" if coef < 0 else ("" if first else "+")
    size = abs(coef)
    body = var if size == 1 and var else f"{size}{var}"
    return f"{sign} {body}".strip() if not first else f"{sign}{body}"


def _linear(a: int, b: int, var: str = "x") -> str:
    """``ax + b`` written the usual way (a, b may be negative or b zero)."""
    text = _term(a, var, first=True)
    if b:
        text += f" {'-' if b < 0 else '+'} {abs(b)}"
    return text


@generator("evaluate_expression", "expressions.evaluate", also={"order_ops.mult_before_add": 0.3})
def evaluate_expression(difficulty: int, rng: random.Random) -> Draft:
    """ax + b at x = n; with negatives; ax^2 + bx + c.

    params: ``x`` (the value put in), ``a``, ``b`` for ``ax + b`` (levels 1–2);
    ``a``, ``c`` for ``x^2 + ax + c`` (level 3).
    """
    kp = "expressions.evaluate"
    a, b = rng.randint(2, 9), rng.randint(1, 20)
    n = rng.randint(1, 10)
    if difficulty == 1:
        expr, claim = _linear(a, b), f"{a} * {n} + {b}"
        value = a * n + b
    elif difficulty == 2:
        a, b, n = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -15, 15), pick_nonzero(rng, -6, 6)
        expr, claim = _linear(a, b), f"{a} * {neg(n)} + {neg(b)}"
        value = a * n + b
    else:
        c = pick_nonzero(rng, -9, 9)
        n = pick_nonzero(rng, -5, 5)
        expr = f"x^2 {'+' if a > 0 else '-'} {abs(a)}x {'+' if c > 0 else '-'} {abs(c)}"
        claim = f"{neg(n)}^2 + {a} * {neg(n)} + {neg(c)}"
        value = n * n + a * n + c
    steps = (
        step(
            f"Put {n} in place of x: {claim.replace('*', '×')}.",
            f"把x = {n}代入：{claim.replace('*', '×')}。",
            f"{claim} = {value}",
            kp,
        ),
    )
    return Draft(
        f"Find the value of {expr} when x = {n}.",
        f"当x = {n}时，求{expr}的值。",
        str(value),
        steps,
        params={"x": n, "a": a, "c": c} if difficulty == 3 else {"x": n, "a": a, "b": b},
    )


@generator(
    "combine_like_terms",
    "expressions.combine_like_terms",
    also={"integers.add_different_signs": 0.3},
)
def combine_like_terms(difficulty: int, rng: random.Random) -> Draft:
    """ax + bx; ax + b + cx + d; with negatives and two letters.

    params: ``a``, ``c`` (the x coefficients), ``b``, ``d`` (the numbers at level 2, the y
    coefficients at level 3; both 0 at level 1), in the order ``ax, b, cx, d``.
    """
    kp = "expressions.combine_like_terms"
    if difficulty == 1:
        a, c = rng.randint(1, 9), rng.randint(1, 9)
        b = d = 0
    else:
        a, c = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
        b, d = pick_nonzero(rng, -12, 12), pick_nonzero(rng, -12, 12)
        if difficulty == 2:
            a, c = abs(a), abs(c)
    if a + c == 0:
        c += 1 if c > 0 else -1
    var2 = "y" if difficulty == 3 else ""
    if difficulty == 3:
        text = f"{_term(a, 'x', True)} {_term(b, 'y')} {_term(c, 'x')} {_term(d, 'y')}"
        answer_parts = [_term(a + c, "x", True)]
        if b + d:
            answer_parts.append(_term(b + d, "y"))
    elif difficulty == 2:
        text = f"{_term(a, 'x', True)} {'+' if b > 0 else '-'} {abs(b)} {_term(c, 'x')} {'+' if d > 0 else '-'} {abs(d)}"
        answer_parts = [_linear(a + c, b + d)]
    else:
        text = f"{_term(a, 'x', True)} {_term(c, 'x')}"
        answer_parts = [_term(a + c, "x", True)]
    answer = " ".join(answer_parts)
    other = "y" if var2 else ""
    steps = [
        step(
            f"Collect the x terms: {a} + {neg(c)} = {a + c}, so they make {_term(a + c, 'x', True)}.",
            f"合并含x的项：{a} + {neg(c)} = {a + c}，得{_term(a + c, 'x', True)}。",
            f"{_term(a, 'x', True)} {_term(c, 'x')} = {_term(a + c, 'x', True)}",
            kp,
        )
    ]
    if b or d:
        steps.append(
            step(
                f"Collect the {'y terms' if other else 'numbers'}: {b} + {neg(d)} = {b + d}.",
                f"合并{'含y的项' if other else '常数项'}：{b} + {neg(d)} = {b + d}。",
                f"{b} + {neg(d)} = {b + d}",
                "integers.add_different_signs",
            )
        )
    steps.append(
        step(f"So {text} = {answer}.", f"所以 {text} = {answer}。", f"{text} = {answer}", kp)
    )
    return Draft(
        f"Simplify {text}.",
        f"化简：{text}",
        answer,
        tuple(steps),
        SIMPLEST,
        params={"a": a, "b": b, "c": c, "d": d},
    )


@generator(
    "distribute", "expressions.distributive_property", also={"expressions.combine_like_terms": 0.3}
)
def distribute(difficulty: int, rng: random.Random) -> Draft:
    """a(x + b); a(bx − c) with negatives; a(x + b) + c(x + d).

    params: ``a``, ``p``, ``q`` for ``a(px + q)``; at level 3 also ``c``, ``d`` for the
    second bracket ``c(x + d)``.
    """
    kp = "expressions.distributive_property"
    a = rng.randint(2, 9)
    p, q = rng.randint(1, 5), pick_nonzero(rng, -9, 9)
    if difficulty == 1:
        p, q = 1, abs(q)
    if difficulty >= 2:
        a = pick_nonzero(rng, -9, 9)
        if a == 1 or a == -1:
            a = -3
    text = f"{a}({_linear(p, q)})"
    expanded = _linear(a * p, a * q)
    steps = [
        step(
            f"Multiply each term in the bracket by {a}: {a} × {_term(p, 'x', True)} = {_term(a * p, 'x', True)} and {a} × {neg(q)} = {a * q}.",
            f"用{a}去乘括号里的每一项：{a} × {_term(p, 'x', True)} = {_term(a * p, 'x', True)}，{a} × {neg(q)} = {a * q}。",
            f"{text} = {expanded}",
            kp,
        )
    ]
    answer = expanded
    params = {"a": a, "p": p, "q": q}
    if difficulty == 3:
        c, d = rng.randint(2, 6), pick_nonzero(rng, -9, 9)
        second = f"{c}(x {'+' if d > 0 else '-'} {abs(d)})"
        text = f"{text} + {second}"
        if a * p + c == 0:
            c += 1
            second = f"{c}(x {'+' if d > 0 else '-'} {abs(d)})"
            text = f"{a}({_linear(p, q)}) + {second}"
        answer = _linear(a * p + c, a * q + c * d)
        params.update(c=c, d=d)
        steps.append(
            step(
                f"Expand the second bracket too: {second} = {_linear(c, c * d)}.",
                f"再展开第二个括号：{second} = {_linear(c, c * d)}。",
                f"{second} = {_linear(c, c * d)}",
                kp,
            )
        )
        steps.append(
            step(
                f"Combine like terms: {answer}.",
                f"合并同类项：{answer}。",
                f"{expanded} + {_linear(c, c * d)} = {answer}",
                "expressions.combine_like_terms",
            )
        )
    return Draft(
        f"Expand and simplify {text}.",
        f"去括号并化简：{text}",
        answer,
        tuple(steps),
        EXPANDED,
        params=params,
    )


def _solve_steps_two(a: int, b: int, c: int, x: F) -> list[Step]:
    """Steps for ax + b = c."""
    return [
        step(
            f"{'Subtract' if b > 0 else 'Add'} {abs(b)} {'from' if b > 0 else 'to'} both sides: {_term(a, 'x', True)} = {c} {'-' if b > 0 else '+'} {abs(b)} = {c - b}.",
            f"两边同时{'减去' if b > 0 else '加上'}{abs(b)}：{_term(a, 'x', True)} = {c} {'−' if b > 0 else '+'} {abs(b)} = {c - b}。",
            f"{c} - {neg(b)} = {c - b}",
            "equations.one_step_add_sub",
        ),
        step(
            f"Divide both sides by {a}: x = {c - b} ÷ {neg(a)} = {fr(x)}.",
            f"两边同时除以{a}：x = {c - b} ÷ {neg(a)} = {fr(x)}。",
            f"{c - b} / {neg(a)} = {fr(x)}",
            "equations.one_step_mult_div",
        ),
        step(
            f"Check: {a} × {neg(x)} + {neg(b)} = {c}.",
            f"检验：{a} × {neg(x)} + {neg(b)} = {c}。",
            f"{a} * {neg(x)} + {neg(b)} = {c}",
            "equations.solution_check",
        ),
    ]


@generator(
    "equation_one_step_add", "equations.one_step_add_sub", also={"equations.solution_check": 0.3}
)
def equation_one_step_add(difficulty: int, rng: random.Random) -> Draft:
    """x + a = b, x − a = b; larger numbers; negatives.

    params: ``op`` (``"+"`` or ``"-"``), ``a``, ``rhs`` for ``x op a = rhs``.
    """
    kp = "equations.one_step_add_sub"
    top = (20, 200, 30)[difficulty - 1]
    a = rng.randint(1, top) if difficulty < 3 else pick_nonzero(rng, -top, top)
    x = rng.randint(1, top) if difficulty < 3 else pick_nonzero(rng, -top, top)
    if difficulty == 1 or rng.random() < 0.5:
        eq, b = f"x + {neg(a)} = {x + a}", x + a
        how, how_zh, claim = (
            f"Subtract {neg(a)} from both sides",
            f"两边同时减去{neg(a)}",
            f"{b} - {neg(a)} = {x}",
        )
    else:
        eq, b = f"x - {neg(a)} = {x - a}", x - a
        how, how_zh, claim = (
            f"Add {neg(a)} to both sides",
            f"两边同时加上{neg(a)}",
            f"{b} + {neg(a)} = {x}",
        )
    steps = (
        step(f"{how}: x = {x}.", f"{how_zh}：x = {x}。", claim, kp),
        step(
            f"Check: put x = {x} back in.",
            f"检验：把x = {x}代回原方程。",
            f"{eq.split('=')[0].replace('x', neg(x))} = {b}",
            "equations.solution_check",
        ),
    )
    return Draft(
        f"Solve {eq}.",
        f"解方程：{eq}",
        f"x = {x}",
        steps,
        params={"op": "+" if eq.startswith("x + ") else "-", "a": a, "rhs": b},
    )


@generator(
    "equation_one_step_mult", "equations.one_step_mult_div", also={"mult_div.division_facts": 0.3}
)
def equation_one_step_mult(difficulty: int, rng: random.Random) -> Draft:
    """ax = b; x/a = b; with negatives.

    params: ``form`` (``"ax"`` for ``ax = rhs`` or ``"x/a"`` for ``x/a = rhs``), ``a``,
    ``rhs``.
    """
    kp = "equations.one_step_mult_div"
    a = rng.randint(2, (9, 15, 12)[difficulty - 1])
    x = rng.randint(1, (10, 20, 15)[difficulty - 1])
    if difficulty == 3:
        a, x = -a if rng.random() < 0.5 else a, pick_nonzero(rng, -15, 15)
    if difficulty == 1 or rng.random() < 0.6:
        eq = f"{a}x = {a * x}"
        steps = (
            step(
                f"Divide both sides by {a}: x = {a * x} ÷ {neg(a)} = {x}.",
                f"两边同时除以{a}：x = {a * x} ÷ {neg(a)} = {x}。",
                f"{a * x} / {neg(a)} = {x}",
                kp,
            ),
            step(
                f"Check: {a} × {neg(x)} = {a * x}.",
                f"检验：{a} × {neg(x)} = {a * x}。",
                f"{a} * {neg(x)} = {a * x}",
                "equations.solution_check",
            ),
        )
        return Draft(
            f"Solve {eq}.",
            f"解方程：{eq}",
            f"x = {x}",
            steps,
            params={"form": "ax", "a": a, "rhs": a * x},
        )
    eq = f"x/{neg(a)} = {x}"
    steps = (
        step(
            f"Multiply both sides by {a}: x = {x} × {neg(a)} = {x * a}.",
            f"两边同时乘{a}：x = {x} × {neg(a)} = {x * a}。",
            f"{x} * {neg(a)} = {x * a}",
            kp,
        ),
        step(
            f"Check: {x * a} ÷ {neg(a)} = {x}.",
            f"检验：{x * a} ÷ {neg(a)} = {x}。",
            f"{x * a} / {neg(a)} = {x}",
            "equations.solution_check",
        ),
    )
    return Draft(
        f"Solve {eq}.",
        f"解方程：{eq}",
        f"x = {x * a}",
        steps,
        params={"form": "x/a", "a": a, "rhs": x},
    )


@generator(
    "equation_two_step",
    "equations.two_step",
    also={"equations.one_step_add_sub": 0.4, "equations.one_step_mult_div": 0.4},
)
def equation_two_step(difficulty: int, rng: random.Random) -> Draft:
    """ax + b = c: positive whole solution; negatives; fractional solution.

    params: ``a``, ``b``, ``c`` for ``ax + b = c``.
    """
    a = rng.randint(2, 9)
    b = rng.randint(1, 20)
    if difficulty == 1:
        x = F(rng.randint(1, 10))
    elif difficulty == 2:
        a, b, x = (
            pick_nonzero(rng, -9, 9),
            pick_nonzero(rng, -20, 20),
            F(pick_nonzero(rng, -10, 10)),
        )
        if a in (1, -1):
            a = 2 * a
    else:
        a = pick_nonzero(rng, -9, 9)
        if a in (1, -1):
            a = 3 * a
        num = rng.randint(1, 3 * abs(a))
        while num % a == 0:
            num = rng.randint(1, 3 * abs(a))
        x = F(num, a)
        b = pick_nonzero(rng, -20, 20)
    c = int(a * x + b)
    eq = f"{_linear(a, b)} = {c}"
    return Draft(
        f"Solve {eq}.",
        f"解方程：{eq}",
        f"x = {fr(x)}",
        tuple(_solve_steps_two(a, b, c, x)),
        SIMPLEST,
        params={"a": a, "b": b, "c": c},
    )


@generator(
    "equation_both_sides", "equations.variables_both_sides", also={"equations.two_step": 0.5}
)
def equation_both_sides(difficulty: int, rng: random.Random) -> Draft:
    """ax + b = cx + d.

    params: ``a``, ``b``, ``c``, ``d`` for ``ax + b = cx + d``.
    """
    kp = "equations.variables_both_sides"
    while True:
        a, c = rng.randint(2, 9), rng.randint(1, 8)
        if difficulty > 1:
            a, c = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
        if a - c != 0 and (difficulty == 1 or abs(a - c) > 1) and a > c:
            break
    x = F(rng.randint(1, 10)) if difficulty < 3 else F(pick_nonzero(rng, -10, 10))
    b = rng.randint(-15, 15)
    d = int((a - c) * x + b)
    eq = f"{_linear(a, b)} = {_linear(c, d)}"
    steps = (
        [
            step(
                f"Take {_term(c, 'x', True)} from both sides: {_linear(a - c, b)} = {d}.",
                f"两边同时减去{_term(c, 'x', True)}：{_linear(a - c, b)} = {d}。",
                f"{_linear(a, b)} - ({_linear(c, 0)}) = {_linear(a - c, b)}",
                kp,
            ),
            *_solve_steps_two(a - c, b, d, x),
        ]
        if b
        else [
            step(
                f"Take {_term(c, 'x', True)} from both sides: {_term(a - c, 'x', True)} = {d}.",
                f"两边同时减去{_term(c, 'x', True)}：{_term(a - c, 'x', True)} = {d}。",
                f"{_term(a, 'x', True)} - ({_linear(c, 0)}) = {_term(a - c, 'x', True)}",
                kp,
            ),
            step(
                f"Divide by {a - c}: x = {fr(x)}.",
                f"两边同时除以{a - c}：x = {fr(x)}。",
                f"{d} / {a - c} = {fr(x)}",
                "equations.one_step_mult_div",
            ),
        ]
    )
    return Draft(
        f"Solve {eq}.",
        f"解方程：{eq}",
        f"x = {fr(x)}",
        tuple(steps),
        SIMPLEST,
        params={"a": a, "b": b, "c": c, "d": d},
    )


_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">="}
_SHOW = {">": ">", "<": "<", ">=": "≥", "<=": "≤"}


@generator(
    "inequality_one_step", "inequalities.one_step_add_sub", also={"equations.one_step_add_sub": 0.4}
)
def inequality_one_step(difficulty: int, rng: random.Random) -> Draft:
    """x + a > b and friends; bigger numbers; negatives.

    params: ``a``, ``rhs``, ``rel`` (one of ``>``, ``<``, ``>=``, ``<=``) for ``x + a rel rhs``.
    """
    kp = "inequalities.one_step_add_sub"
    rel = rng.choice(tuple(_SHOW))
    top = (10, 100, 20)[difficulty - 1]
    a = rng.randint(1, top) if difficulty < 3 else pick_nonzero(rng, -top, top)
    x = rng.randint(0, top) if difficulty < 3 else rng.randint(-top, top)
    ineq = f"x + {neg(a)} {_SHOW[rel]} {x + a}"
    steps = (
        step(
            f"Subtract {neg(a)} from both sides (adding or subtracting keeps the sign): {x + a} − {neg(a)} = {x}.",
            f"不等式两边同时减去{neg(a)}，不等号方向不变：{x + a} − {neg(a)} = {x}。",
            f"{x + a} - {neg(a)} = {x}",
            kp,
        ),
    )
    return Draft(
        f"Solve {ineq}.",
        f"解不等式：{ineq}",
        f"x {_SHOW[rel]} {x}",
        steps,
        params={"a": a, "rhs": x + a, "rel": rel},
    )


@generator(
    "inequality_flip",
    "inequalities.flip_negative",
    also={"inequalities.one_step_mult_div_positive": 0.5},
)
def inequality_flip(difficulty: int, rng: random.Random) -> Draft:
    """ax > b with a negative (sign flips); level 1 mixes in positive a; level 3 fractions.

    params: ``a``, ``rhs`` (a fraction string), ``rel`` (``>``, ``<``, ``>=``, ``<=``)
    for ``ax rel rhs``.
    """
    kp = "inequalities.flip_negative"
    rel = rng.choice(tuple(_SHOW))
    a = -rng.randint(2, (5, 9, 9)[difficulty - 1])
    if difficulty == 1 and rng.random() < 0.3:
        a = -a
    if difficulty < 3:
        x = F(pick_nonzero(rng, -10, 10))
    else:
        x = F(pick_nonzero(rng, -20, 20), -a)
        if x.denominator == 1:
            x += F(1, -a)
    b = a * x
    new_rel = _FLIP[rel] if a < 0 else rel
    ineq = f"{a}x {_SHOW[rel]} {fr(b)}"
    steps = (
        step(
            f"Divide both sides by {a}. {'Dividing by a negative number reverses the sign' if a < 0 else 'Dividing by a positive number keeps the sign'}: "
            f"x {_SHOW[new_rel]} {fr(b)} ÷ {neg(a)}.",
            f"两边同时除以{a}，{'除以负数，不等号方向改变' if a < 0 else '除以正数，不等号方向不变'}：x {_SHOW[new_rel]} {fr(b)} ÷ {neg(a)}。",
            f"{neg(b)} / {neg(a)} = {fr(x)}",
            kp,
        ),
        step(
            f"Test a value: x = {fr(x)} {'+' if new_rel in ('>', '>=') else '−'} 1 should make {ineq} true.",
            f"取一个值检验：x = {fr(x)} {'+' if new_rel in ('>', '>=') else '−'} 1 应使 {ineq} 成立。",
            f"{a} * ({fr(x)} {'+' if new_rel in ('>', '>=') else '-'} 1) {rel} {neg(b)}",
            "inequalities.test_solutions",
        ),
    )
    return Draft(
        f"Solve {ineq}.",
        f"解不等式：{ineq}",
        f"x {_SHOW[new_rel]} {fr(x)}",
        steps,
        SIMPLEST,
        params={"a": a, "rhs": fr(b), "rel": rel},
    )


@generator("inequality_two_step", "inequalities.two_step", also={"inequalities.flip_negative": 0.4})
def inequality_two_step(difficulty: int, rng: random.Random) -> Draft:
    """ax + b < c: positive a; negative a (flip); fractional boundary.

    params: ``a``, ``b``, ``c`` (a fraction string), ``rel`` (``>``, ``<``, ``>=``,
    ``<=``) for ``ax + b rel c``.
    """
    rel = rng.choice(tuple(_SHOW))
    a = (
        rng.randint(2, 9)
        if difficulty == 1
        else -rng.randint(2, 9)
        if difficulty == 2
        else rng.choice((-1, 1)) * rng.randint(2, 9)
    )
    x = F(rng.randint(-10, 10)) if difficulty < 3 else F(rng.randint(-30, 30), abs(a))
    if difficulty == 3 and x.denominator == 1:
        x += F(1, abs(a))
    b = pick_nonzero(rng, -20, 20)
    c = a * x + b
    new_rel = _FLIP[rel] if a < 0 else rel
    ineq = f"{_linear(a, b)} {_SHOW[rel]} {fr(c)}"
    steps = (
        step(
            f"{'Subtract' if b > 0 else 'Add'} {abs(b)} on both sides: {_term(a, 'x', True)} {_SHOW[rel]} {fr(c - b)}.",
            f"两边同时{'减去' if b > 0 else '加上'}{abs(b)}：{_term(a, 'x', True)} {_SHOW[rel]} {fr(c - b)}。",
            f"{fr(c)} - {neg(b)} = {fr(c - b)}",
            "inequalities.one_step_add_sub",
        ),
        step(
            f"Divide by {a}{' and reverse the sign, because it is negative' if a < 0 else ''}: x {_SHOW[new_rel]} {fr(x)}.",
            f"两边同时除以{a}{'，因为是负数，不等号要改变方向' if a < 0 else ''}：x {_SHOW[new_rel]} {fr(x)}。",
            f"{neg(c - b)} / {neg(a)} = {fr(x)}",
            "inequalities.flip_negative" if a < 0 else "inequalities.one_step_mult_div_positive",
        ),
    )
    return Draft(
        f"Solve {ineq}.",
        f"解不等式：{ineq}",
        f"x {_SHOW[new_rel]} {fr(x)}",
        steps,
        SIMPLEST,
        params={"a": a, "b": b, "c": fr(c), "rel": rel},
    )


@generator(
    "slope_two_points",
    "functions.slope_two_points",
    also={"integers.subtract": 0.3, "fractions.simplify": 0.2},
)
def slope_two_points(difficulty: int, rng: random.Random) -> Draft:
    """Slope through two points: whole positive, negative, fractional.

    params: ``x1``, ``y1``, ``x2``, ``y2`` (the points in the order shown).
    """
    kp = "functions.slope_two_points"
    while True:
        x1, y1 = rng.randint(0, 9), rng.randint(0, 9)
        run = rng.randint(1, 6)
        if difficulty == 1:
            rise = run * rng.randint(1, 4)
        elif difficulty == 2:
            rise = run * pick_nonzero(rng, -5, 5)
            x1, y1 = rng.randint(-9, 9), rng.randint(-9, 9)
        else:
            rise = pick_nonzero(rng, -12, 12)
            x1, y1 = rng.randint(-9, 9), rng.randint(-9, 9)
        if difficulty < 3 or rise % run:
            break
    x2, y2 = x1 + run, y1 + rise
    m = F(rise, run)
    steps = (
        step(
            f"Rise: {y2} − {neg(y1)} = {rise}.",
            f"纵坐标的变化：{y2} − {neg(y1)} = {rise}。",
            f"{y2} - {neg(y1)} = {rise}",
            "integers.subtract",
        ),
        step(
            f"Run: {x2} − {neg(x1)} = {run}.",
            f"横坐标的变化：{x2} − {neg(x1)} = {run}。",
            f"{x2} - {neg(x1)} = {run}",
            "integers.subtract",
        ),
        step(
            f"Slope = rise ÷ run = {rise}/{run} = {fr(m)}.",
            f"斜率 = 纵坐标变化 ÷ 横坐标变化 = {rise}/{run} = {fr(m)}。",
            f"({y2} - {neg(y1)})/({x2} - {neg(x1)}) = {fr(m)}",
            kp,
        ),
    )
    return Draft(
        f"Find the slope of the line through ({x1}, {y1}) and ({x2}, {y2}).",
        f"求经过点({x1}, {y1})和({x2}, {y2})的直线的斜率。",
        fr(m),
        steps,
        SIMPLEST,
        params={"x1": x1, "y1": y1, "x2": x2, "y2": y2},
    )
