"""Fractions, decimals, percents, ratios and signed numbers beyond the basic operations.

Each generator here covers one knowledge point that :mod:`tutor.content.generators.fractions`
and :mod:`tutor.content.generators.algebra` leave out (unit fractions, mixed numbers, decimal
place value and rounding, repeating decimals, percent applications, ratio and scale, signed
rational numbers). Every draw is recorded in ``params`` so that a misconception rule can
recompute what a buggy procedure would answer; each generator's docstring lists its keys.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tutor.content.answers import AnswerPolicy
from tutor.content.generators._util import F, agree, article, count, dec, fr, mixed, neg, step
from tutor.content.registry import Draft, Step, generator

PLAIN = AnswerPolicy()
SIMPLEST = AnswerPolicy(require_simplified=True)
#: Lowest terms and a fraction, not a decimal: where writing the fraction is the skill.
FRACTION_ONLY = AnswerPolicy(require_simplified=True, accept_decimal_for_fraction=False)

#: (English name, Chinese name) pairs for word problems.
NAMES: tuple[tuple[str, str], ...] = (
    ("Xiao Ming", "小明"),
    ("Xiao Hong", "小红"),
    ("Li Hua", "李华"),
    ("Wang Fang", "王芳"),
    ("Zhang Wei", "张伟"),
    ("Chen Jing", "陈静"),
)


def _draft(
    prompt: str,
    prompt_zh: str,
    answer: str,
    steps: Sequence[Step],
    params: dict[str, Any],
    policy: AnswerPolicy = PLAIN,
) -> Draft:
    return Draft(prompt, prompt_zh, answer, tuple(steps), policy, params)


def _coprime(rng: random.Random, low: int, high: int, other: int) -> int:
    """A random integer in ``[low, high]`` sharing no factor with ``other``."""
    choices = [k for k in range(low, high + 1) if math.gcd(k, other) == 1]
    return rng.choice(choices)


def _proper(rng: random.Random, den: int) -> F:
    """A proper fraction in lowest terms with denominator ``den``."""
    return F(_coprime(rng, 1, den - 1, den), den)


def _pct(value: F) -> str:
    """``value`` as a percent in answer syntax: ``3/8`` → ``37.5%``."""
    return f"{dec(value * 100)}%"


def _fixed(value: F, places: int) -> str:
    """``value`` (a decimal with at most ``places`` places) with exactly ``places`` places."""
    text = dec(value)
    if places == 0:
        return text
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(places, '0')}"


def _round(value: F, places: int) -> F:
    """``value`` rounded half up to ``places`` decimal places (the school rule, 四舍五入)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return F(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _simplify_steps(num: int, den: int, kp: str = "fractions.simplify") -> list[Step]:
    """A "divide top and bottom by the GCF" step, or nothing when num/den is in lowest terms."""
    g = math.gcd(num, den)
    if g == 1:
        return []
    if g == den:
        return [_whole_step(num, den)]
    value = F(num, den)
    return [
        step(
            f"Simplify: divide the top and bottom by {g}: {num}/{den} = {fr(value)}.",
            f"约分：分子、分母同时除以{g}，{num}/{den} = {fr(value)}。",
            f"{num}/{den} = {fr(value)}",
            kp,
        )
    ]


def _whole_step(num: int, den: int) -> Step:
    return step(
        f"{num}/{den} is a whole number: {num} ÷ {den} = {num // den}.",
        f"{num}/{den}是整数：{num} ÷ {den} = {num // den}。",
        f"{num}/{den} = {num // den}",
        "fractions.whole_as_fraction",
    )


def _mixed_step(value: F) -> list[Step]:
    """Rewrite an improper fraction as a mixed number (nothing for proper or whole values)."""
    if value.denominator == 1 or abs(value) < 1:
        return []
    return [
        step(
            f"As a mixed number: {fr(value)} = {mixed(value)}.",
            f"化成带分数：{fr(value)} = {mixed(value)}。",
            f"{fr(value)} = {mixed(value)}",
            "fractions.improper_to_mixed",
        )
    ]


def _to_improper_step(value: F) -> list[Step]:
    """Rewrite a mixed number as an improper fraction (nothing for proper or whole values)."""
    if value.denominator == 1 or value < 1:
        return []
    whole = value.numerator // value.denominator
    return [
        step(
            f"Write {mixed(value)} as an improper fraction: {whole} × {value.denominator} + "
            f"{value.numerator - whole * value.denominator} = {value.numerator}, "
            f"so {mixed(value)} = {fr(value)}.",
            f"把{mixed(value)}化成假分数：{whole} × {value.denominator} + "
            f"{value.numerator - whole * value.denominator} = {value.numerator}，"
            f"所以{mixed(value)} = {fr(value)}。",
            f"{mixed(value)} = {fr(value)}",
            "fractions.mixed_to_improper",
        )
    ]


def _shown(value: F) -> str:
    """A positive value the way a textbook prints it: mixed number when above 1."""
    return mixed(value) if value > 1 else fr(value)


def _br(value: F | int) -> str:
    """``value`` in brackets when it is a fraction or negative, for use inside a claim."""
    value = F(value)
    if value.denominator == 1 and value >= 0:
        return str(value.numerator)
    return f"({fr(value)})"


# --------------------------------------------------------------------------------------------
# Fractions (grades 3–6)
# --------------------------------------------------------------------------------------------

_WHOLES: tuple[tuple[str, str], ...] = (
    ("cake", "蛋糕"),
    ("pizza", "披萨"),
    ("watermelon", "西瓜"),
    ("chocolate bar", "巧克力"),
    ("paper strip", "纸条"),
)


@generator(
    "unit_fraction_parts",
    "fractions.unit_fractions",
    also={"fractions.halves_thirds_fourths": 0.3},
)
def unit_fraction_parts(difficulty: int, rng: random.Random) -> Draft:
    """Name one of b equal parts (1); the larger of two unit fractions (2); the smallest of three (3).

    params: level 1 ``parts`` and ``thing``; level 2 ``denominators`` (two, as shown) and
    ``ask`` = "larger"; level 3 ``denominators`` (three) and ``ask`` = "smallest".
    """
    kp = "fractions.unit_fractions"
    if difficulty == 1:
        b = rng.randint(2, 10)
        thing, thing_zh = rng.choice(_WHOLES)
        steps = [
            step(
                f"The {thing} is cut into {b} equal parts, so one part is 1/{b} of it: "
                f"{b} parts of 1/{b} make the whole.",
                f"把{thing_zh}平均分成{b}份，每份是它的1/{b}：{b}个1/{b}合起来是整个{thing_zh}。",
                f"{b} * 1/{b} = 1",
                kp,
            )
        ]
        return _draft(
            f"A {thing} is cut into {b} equal parts. What fraction of the {thing} is one part?",
            f"把一个{thing_zh}平均分成{b}份，每份是这个{thing_zh}的几分之几？",
            f"1/{b}",
            steps,
            {"parts": b, "thing": thing},
        )
    count = 2 if difficulty == 2 else 3
    dens = rng.sample(range(2, 13 if difficulty == 2 else 21), count)
    ordered = sorted(dens, reverse=True)  # bigger denominator, smaller piece
    chain = " < ".join(f"1/{d}" for d in ordered)
    answer_den = min(dens) if difficulty == 2 else max(dens)
    steps = [
        step(
            f"The more equal parts a whole is cut into, the smaller each part is: {chain}.",
            f"把同一个整体平均分的份数越多，每份就越小：{chain}。",
            chain,
            kp,
        )
    ]
    shown = ", ".join(f"1/{d}" for d in dens)
    if difficulty == 2:
        return _draft(
            f"Which is larger, {shown.replace(', ', ' or ')}? Write the larger fraction.",
            f"{shown.replace(', ', '和')}哪个大？写出较大的分数。",
            f"1/{answer_den}",
            steps,
            {"denominators": dens, "ask": "larger"},
        )
    return _draft(
        f"Which of {shown} is the smallest? Write that fraction.",
        f"在{shown.replace(', ', '、')}中，哪个分数最小？写出这个分数。",
        f"1/{answer_den}",
        steps,
        {"denominators": dens, "ask": "smallest"},
    )


@generator(
    "fraction_unit_count",
    "fractions.fraction_meaning",
    also={"fractions.unit_fractions": 0.5},
)
def fraction_unit_count(difficulty: int, rng: random.Random) -> Draft:
    """a/b as a copies of 1/b: shaded parts (1), count the unit fractions (2), improper (3).

    params: ``numerator`` a, ``denominator`` b; level 1 and 3 also ``context``.
    """
    kp = "fractions.fraction_meaning"
    if difficulty == 1:
        b = rng.randint(3, 10)
        a = rng.randint(1, b - 1)
        thing, thing_zh = rng.choice(_WHOLES)
        claim = f"{a} * 1/{b} = {a}/{b}"
        steps = [
            step(
                f"Each part is 1/{b} of the {thing}; {count(a, 'part')} {agree(a, 'is', 'are')} "
                f"{a} × 1/{b} = {a}/{b}.",
                f"每份是{thing_zh}的1/{b}，{a}份就是{a}个1/{b}，即{a}/{b}。",
                claim,
                kp,
            )
        ]
        return _draft(
            f"A {thing} is cut into {b} equal parts and {a} of them are eaten. "
            f"What fraction of the {thing} is eaten?",
            f"把一个{thing_zh}平均分成{b}份，吃了其中的{a}份。吃了这个{thing_zh}的几分之几？",
            f"{a}/{b}",
            steps,
            {"numerator": a, "denominator": b, "context": thing},
        )
    if difficulty == 2:
        b = rng.randint(4, 12)
        a = rng.randint(2, b - 1)
        steps = [
            step(
                f"The denominator {b} says the unit is 1/{b}; the numerator {a} counts them: "
                f"{a}/{b} = {a} × 1/{b}.",
                f"分母{b}表示分数单位是1/{b}，分子{a}表示有{a}个这样的单位：{a}/{b} = {a} × 1/{b}。",
                f"{a}/{b} = {a} * 1/{b}",
                kp,
            )
        ]
        return _draft(
            f"How many copies of 1/{b} make {a}/{b}?",
            f"{a}/{b}里面有几个1/{b}？",
            str(a),
            steps,
            {"numerator": a, "denominator": b},
        )
    b = rng.randint(3, 8)
    a = rng.choice([k for k in range(b + 1, 3 * b) if k % b])
    name, name_zh = rng.choice(NAMES)
    steps = [
        step(
            f"Each piece is 1/{b} of a pizza, so {a} pieces are {a} × 1/{b} = {a}/{b} of a pizza.",
            f"每块是一个披萨的1/{b}，{a}块就是{a}个1/{b}，即{a}/{b}个披萨。",
            f"{a} * 1/{b} = {a}/{b}",
            kp,
        ),
        *_mixed_step(F(a, b)),
    ]
    return _draft(
        f"Every pizza is cut into {b} equal pieces. {name} takes {a} pieces. "
        "How many pizzas is that? Give your answer as a fraction.",
        f"每个披萨都平均切成{b}块，{name_zh}拿了{a}块。{name_zh}拿了多少个披萨？用分数表示。",
        f"{a}/{b}",
        steps,
        {"numerator": a, "denominator": b, "context": "pizza"},
    )


@generator(
    "fraction_on_number_line",
    "fractions.number_line",
    also={"fractions.fraction_meaning": 0.5},
)
def fraction_on_number_line(difficulty: int, rng: random.Random) -> Draft:
    """The number at a mark: counted from 0 (1), back from 1 (2), past 1 or 2 (3).

    params: ``parts`` (equal parts between 0 and 1), ``marks`` (marks counted), ``start``
    (0 or the whole number counted from), ``direction`` ("right" or "left").
    """
    kp = "fractions.number_line"
    b = rng.randint(2, 8) if difficulty == 1 else rng.randint(3, 12)
    if difficulty == 1:
        start, k, direction = 0, rng.randint(1, b - 1), "right"
        value = F(k, b)
    elif difficulty == 2:
        start, k, direction = 1, rng.randint(1, b - 1), "left"
        value = 1 - F(k, b)
    else:
        start, k, direction = rng.randint(1, 3), rng.randint(1, b - 1), "right"
        value = start + F(k, b)
    sign = "+" if direction == "right" else "-"
    steps = [
        step(
            f"Each small space is 1/{b}, so {count(k, 'space')} {agree(k, 'is', 'are')} {k}/{b}.",
            f"每一小格表示1/{b}，{k}小格就是{k}/{b}。",
            f"{k} * 1/{b} = {k}/{b}",
            "fractions.fraction_meaning",
        ),
        step(
            f"Count {count(k, 'space')} to the {direction} of {start}: {start} {sign} {k}/{b} = {fr(value)}.",
            f"从{start}向{'右' if direction == 'right' else '左'}数{k}小格："
            f"{start} {sign} {k}/{b} = {fr(value)}。",
            f"{start} {sign} {k}/{b} = {fr(value)}",
            kp,
        ),
    ]
    where = "右" if direction == "right" else "左"
    return _draft(
        f"On a number line, each whole (0 to 1, 1 to 2, …) is split into {b} equal spaces. "
        f"Point P is {k} space{'s' if k > 1 else ''} to the {direction} of {start}. What number is at P? "
        "Give your answer as a fraction.",
        f"在数轴上，每相邻两个整数之间都平均分成{b}小格。点P在{start}的{where}边第{k}小格处。"
        "点P表示的数是多少？用分数表示。",
        fr(value),
        steps,
        {"parts": b, "marks": k, "start": start, "direction": direction},
    )


@generator(
    "whole_number_as_fraction",
    "fractions.whole_as_fraction",
    also={"fractions.number_line": 0.3},
)
def whole_number_as_fraction(difficulty: int, rng: random.Random) -> Draft:
    """Fractions equal to whole numbers: kb/b = □ (1), w = □/b (2), bigger and reversed (3).

    params: ``whole`` w, ``denominator`` b, ``missing`` ("whole", "numerator" or
    "denominator").
    """
    kp = "fractions.whole_as_fraction"
    if difficulty == 1:
        b, w = rng.randint(2, 6), rng.randint(1, 5)
        missing = "whole"
    elif difficulty == 2:
        b, w = rng.randint(2, 8), rng.randint(2, 9)
        missing = "numerator"
    else:
        b, w = rng.randint(3, 12), rng.randint(6, 25)
        missing = rng.choice(("numerator", "denominator"))
    n = w * b
    steps = [
        step(
            f"One whole is {b}/{b}, so {count(w, 'whole')} {agree(w, 'is', 'are')} {w} × {b} = {n} parts of 1/{b}: "
            f"{w} = {n}/{b}.",
            f"1个整体是{b}/{b}，{w}个整体就是{w} × {b} = {n}个1/{b}：{w} = {n}/{b}。",
            f"{w} = {w} * {b}/{b} = {n}/{b}",
            kp,
        )
    ]
    if missing == "whole":
        prompt, zh, answer = (
            f"Write {n}/{b} as a whole number.",
            f"把{n}/{b}写成整数。",
            str(w),
        )
    elif missing == "numerator":
        prompt, zh, answer = (
            f"Fill in the missing numerator: {w} = □/{b}",
            f"在□里填上合适的数：{w} = □/{b}",
            str(n),
        )
    else:
        prompt, zh, answer = (
            f"Fill in the missing denominator: {w} = {n}/□",
            f"在□里填上合适的数：{w} = {n}/□",
            str(b),
        )
    return _draft(prompt, zh, answer, steps, {"whole": w, "denominator": b, "missing": missing})


@generator(
    "compare_same_parts",
    "fractions.compare_same_num_den",
    also={"fractions.number_line": 0.3, "fractions.unit_fractions": 0.3},
)
def compare_same_parts(difficulty: int, rng: random.Random) -> Draft:
    """Compare fractions with the same denominator (1), same numerator (2), either (3).

    params: ``first`` and ``second`` (the fractions as shown, "a/b"), ``shared``
    ("denominator" or "numerator"), ``ask`` ("larger" or "smaller").
    """
    kp = "fractions.compare_same_num_den"
    shared = {1: "denominator", 2: "numerator"}.get(
        difficulty, rng.choice(("denominator", "numerator"))
    )
    top = 12 if difficulty < 3 else 20
    if shared == "denominator":
        d = rng.randint(3, top)
        p, q = rng.sample(range(1, d), 2)
        first, second = (p, d), (q, d)
        why = f"Both are counted in parts of size 1/{d}; more parts is more."
        why_zh = f"分母相同，分数单位都是1/{d}，分子大的分数大。"
    else:
        n = rng.randint(1, top // 2)
        p, q = rng.sample(range(n + 1, top + 1), 2)
        first, second = (n, p), (n, q)
        why = f"Both have {count(n, 'part')}; the part is smaller when the whole is cut into more parts."
        why_zh = "分子相同，分母越大，每份越小，分数就越小。"
    a, b = F(*first), F(*second)
    ask = "larger" if difficulty < 3 else rng.choice(("larger", "smaller"))
    answer = max(a, b) if ask == "larger" else min(a, b)
    answer_text = f"{first[0]}/{first[1]}" if answer == a else f"{second[0]}/{second[1]}"
    lo, hi = sorted(((a, first), (b, second)))
    claim = f"{lo[1][0]}/{lo[1][1]} < {hi[1][0]}/{hi[1][1]}"
    steps = [step(f"{why} So {claim}.", f"{why_zh}所以{claim}。", claim, kp)]
    shown_a, shown_b = f"{first[0]}/{first[1]}", f"{second[0]}/{second[1]}"
    ask_zh = "大" if ask == "larger" else "小"
    return _draft(
        f"Which is {ask}, {shown_a} or {shown_b}? Write the {ask} fraction.",
        f"{shown_a}和{shown_b}哪个{ask_zh}？写出较{ask_zh}的分数。",
        answer_text,
        steps,
        {"first": shown_a, "second": shown_b, "shared": shared, "ask": ask},
    )


@generator("fraction_decompose", "fractions.decompose", also={"fractions.add_like": 0.4})
def fraction_decompose(difficulty: int, rng: random.Random) -> Draft:
    """Missing numerator in a sum of like fractions: two parts (1), three (2), from a mixed number (3).

    params: ``denominator`` d, ``target`` (the fraction or mixed number split, as shown),
    ``known`` (list of the known numerators).
    """
    kp = "fractions.decompose"
    if difficulty == 1:
        d = rng.randint(3, 9)
        n = rng.randint(2, d)
        known = [rng.randint(1, n - 1)]
        target = F(n, d)
        target_text = f"{n}/{d}"
    elif difficulty == 2:
        d = rng.randint(5, 12)
        n = rng.randint(3, d)
        a = rng.randint(1, n - 2)
        known = [a, rng.randint(1, n - a - 1)]
        target = F(n, d)
        target_text = f"{n}/{d}"
    else:
        d = rng.randint(3, 10)
        w, r = rng.randint(1, 4), _coprime(rng, 1, d - 1, d)
        target = w + F(r, d)
        known = [rng.randint(1, r)]
        target_text = mixed(target)
    total = int(target * d)
    missing = total - sum(known)
    parts = " + ".join(f"{k}/{d}" for k in known)
    steps = list(_to_improper_step(target)) if difficulty == 3 else []
    steps.append(
        step(
            f"All the parts are in {d}ths, so the numerators must add to {total}: "
            f"{total} − {' − '.join(str(k) for k in known)} = {missing}.",
            f"各部分的分母都是{d}，分子加起来要等于{total}："
            f"{total} − {' − '.join(str(k) for k in known)} = {missing}。",
            f"{total} - {' - '.join(str(k) for k in known)} = {missing}",
            "whole_ops.subtract_within_20" if total <= 20 else "whole_ops.add_within_1000",
        )
    )
    steps.append(
        step(
            f"Check: {parts} + {missing}/{d} = {target_text}.",
            f"检验：{parts} + {missing}/{d} = {target_text}。",
            f"{parts} + {missing}/{d} = {target_text}",
            kp,
        )
    )
    order = rng.random() < 0.5 and difficulty < 3
    blank = f"□/{d}"
    rhs = f"{blank} + {parts}" if order else f"{parts} + {blank}"
    return _draft(
        f"Fill in the missing numerator: {target_text} = {rhs}",
        f"在□里填上合适的数：{target_text} = {rhs}",
        str(missing),
        steps,
        {"denominator": d, "target": target_text, "known": known},
    )


@generator(
    "mixed_number_like_add_sub",
    "fractions.add_sub_mixed_like",
    also={
        "fractions.add_like": 0.3,
        "fractions.subtract_like": 0.3,
        "fractions.improper_to_mixed": 0.3,
    },
)
def mixed_number_like_add_sub(difficulty: int, rng: random.Random) -> Draft:
    """Mixed numbers, same denominator: add (1), add with regrouping (2), subtract with borrowing (3).

    params: ``first`` and ``second`` (mixed numbers as shown), ``op`` ("+" or "-"),
    ``denominator`` d, ``wholes`` [w1, w2], ``numerators`` [n1, n2].
    """
    kp = "fractions.add_sub_mixed_like"
    while True:
        d = rng.randint(3, 8 if difficulty == 1 else 12)
        w1, w2 = rng.randint(1, 6 if difficulty < 3 else 9), rng.randint(1, 5)
        n1, n2 = rng.randint(1, d - 1), rng.randint(1, d - 1)
        if difficulty == 1:
            ok = n1 + n2 < d and math.gcd(n1 + n2, d) == 1
        elif difficulty == 2:
            ok = n1 + n2 > d
        else:
            ok = n1 < n2 and w1 > w2
        if ok and math.gcd(n1, d) == 1 and math.gcd(n2, d) == 1:
            break
    op = "-" if difficulty == 3 else "+"
    first, second = w1 + F(n1, d), w2 + F(n2, d)
    params: dict[str, Any] = {
        "first": mixed(first),
        "second": mixed(second),
        "op": op,
        "denominator": d,
        "wholes": [w1, w2],
        "numerators": [n1, n2],
    }
    result = first - second if op == "-" else first + second
    a_text, b_text = mixed(first), mixed(second)
    steps: list[Step] = []
    if op == "-":
        steps.append(
            step(
                f"{n1}/{d} is less than {n2}/{d}, so take 1 whole from {w1} and make it {d}/{d}: "
                f"{a_text} = {w1 - 1} {n1 + d}/{d}.",
                f"{n1}/{d}比{n2}/{d}小，从整数部分{w1}里退1，化成{d}/{d}：{a_text} = {w1 - 1} {n1 + d}/{d}。",
                f"{a_text} = {w1 - 1} {n1 + d}/{d}",
                "fractions.mixed_to_improper",
            )
        )
        w1, n1 = w1 - 1, n1 + d
    wholes = w1 - w2 if op == "-" else w1 + w2
    parts = n1 - n2 if op == "-" else n1 + n2
    word, word_zh = ("Subtract", "相减") if op == "-" else ("Add", "相加")
    steps += [
        step(
            f"{word} the whole numbers: {w1} {op} {w2} = {wholes}.",
            f"整数部分{word_zh}：{w1} {op} {w2} = {wholes}。",
            f"{w1} {op} {w2} = {wholes}",
            kp,
        ),
        step(
            f"{word} the fractions: {n1}/{d} {op} {n2}/{d} = {parts}/{d}.",
            f"分数部分{word_zh}：{n1}/{d} {op} {n2}/{d} = {parts}/{d}。",
            f"{n1}/{d} {op} {n2}/{d} = {parts}/{d}",
            "fractions.subtract_like" if op == "-" else "fractions.add_like",
        ),
    ]
    extra = ""
    extra_zh = ""
    if parts >= d:
        extra, extra_zh = f" ({d}/{d} makes 1 more whole)", f"（{d}/{d}进1）"
    elif math.gcd(parts, d) > 1:
        extra, extra_zh = " (and simplify the fraction)", "（分数部分要约分）"
    steps.append(
        step(
            f"Put the parts together{extra}: {wholes} + {parts}/{d} = {mixed(result)}.",
            f"合起来{extra_zh}：{wholes} + {parts}/{d} = {mixed(result)}。",
            f"{a_text} {op} {b_text} = {wholes} + {parts}/{d} = {mixed(result)}",
            kp,
        )
    )
    shown_op = "−" if op == "-" else "+"
    return _draft(
        f"Work out {a_text} {shown_op} {b_text}. "
        "Give your answer as a mixed number (or whole number) in simplest form.",
        f"计算：{a_text} {shown_op} {b_text}（结果写成最简带分数或整数）。",
        mixed(result),
        steps,
        params,
        SIMPLEST,
    )


_PER_ITEM: tuple[tuple[str, str, str, str], ...] = (
    # (English: each ... {q} ..., how much in {k}; Chinese; unit en; unit zh)
    (
        "Each glass holds {q} L of milk. How much milk is in {k} glasses?",
        "每杯牛奶有{q}升，{k}杯一共有多少升？",
        "L",
        "升",
    ),
    (
        "One cake needs {q} kg of flour. How much flour do {k} cakes need?",
        "做一个蛋糕要用{q}千克面粉，做{k}个蛋糕要用多少千克？",
        "kg",
        "千克",
    ),
    (
        "{name} walks {q} km to school each day. How far does {name} walk in {k} days?",
        "{name}每天上学要走{q}千米，{k}天一共走多少千米？",
        "km",
        "千米",
    ),
    (
        "A ribbon for one gift is {q} m long. How much ribbon do {k} gifts need?",
        "包一个礼物要用{q}米彩带，包{k}个礼物要用多少米？",
        "m",
        "米",
    ),
)


@generator(
    "fraction_times_whole",
    "fractions.multiply_by_whole",
    also={"fractions.add_like": 0.4, "fractions.simplify": 0.2},
)
def fraction_times_whole(difficulty: int, rng: random.Random) -> Draft:
    """k × a/d: proper product (1), improper or simplifiable product (2), word problem (3).

    params: ``whole`` k, ``numerator`` a, ``denominator`` d; level 3 also ``context``
    (index into the word-problem templates).
    """
    kp = "fractions.multiply_by_whole"
    while True:
        d = rng.randint(3, 10 if difficulty == 1 else 12)
        a = _coprime(rng, 1, d - 1, d)
        k = rng.randint(2, 5 if difficulty == 1 else 9)
        if difficulty == 1 and k * a < d and math.gcd(k * a, d) == 1:
            break
        if difficulty > 1 and k * a > d:
            break
    value = F(k * a, d)
    steps = [
        step(
            f"{k} × {a}/{d} means {k} lots of {a}/{d}: multiply the numerator by {k}, "
            f"{k} × {a} = {k * a}, and keep the denominator.",
            f"{k} × {a}/{d}表示{k}个{a}/{d}相加：分母不变，分子乘{k}，{k} × {a} = {k * a}。",
            f"{k} * {a}/{d} = {k * a}/{d}",
            kp,
        ),
        *_simplify_steps(k * a, d),
        *_mixed_step(value),
    ]
    params: dict[str, Any] = {"whole": k, "numerator": a, "denominator": d}
    if difficulty < 3:
        return _draft(
            f"Work out {k} × {a}/{d}. Give your answer in simplest form.",
            f"计算：{k} × {a}/{d}（结果化成最简形式）。",
            fr(value),
            steps,
            params,
            SIMPLEST,
        )
    index = rng.randrange(len(_PER_ITEM))
    text, text_zh, unit, unit_zh = _PER_ITEM[index]
    name, name_zh = rng.choice(NAMES)
    params["context"] = index
    return _draft(
        text.format(q=f"{a}/{d}", k=k, name=name)
        + f" Give your answer in {unit}, in simplest form.",
        text_zh.format(q=f"{a}/{d}", k=k, name=name_zh) + f"（单位：{unit_zh}，结果化成最简形式）",
        fr(value),
        steps,
        params,
        SIMPLEST,
    )


@generator(
    "tenths_and_hundredths",
    "fractions.tenths_hundredths",
    also={"fractions.equivalent_multiply": 0.4, "fractions.add_like": 0.3},
)
def tenths_and_hundredths(difficulty: int, rng: random.Random) -> Draft:
    """Tenths ↔ hundredths (1), tenths + hundredths as hundredths (2), in simplest form (3).

    params: ``tenths`` a (numerator over 10), ``hundredths`` b (numerator over 100, 0 at
    level 1), ``direction`` at level 1 ("to_hundredths" or "to_tenths").
    """
    kp = "fractions.tenths_hundredths"
    a = rng.randint(1, 9)
    if difficulty == 1:
        direction = rng.choice(("to_hundredths", "to_tenths"))
        steps = [
            step(
                f"1/10 = 10/100, so {a}/10 = {10 * a}/100 (multiply the top and bottom by 10).",
                f"1/10 = 10/100，所以{a}/10 = {10 * a}/100（分子、分母同时乘10）。",
                f"{a}/10 = {a} * 10 / (10 * 10) = {10 * a}/100",
                "fractions.equivalent_multiply",
            )
        ]
        if direction == "to_hundredths":
            prompt, zh, answer = f"{a}/10 = □/100", f"{a}/10 = □/100", str(10 * a)
        else:
            prompt, zh, answer = f"{10 * a}/100 = □/10", f"{10 * a}/100 = □/10", str(a)
        return _draft(
            f"Fill in the missing numerator: {prompt}",
            f"在□里填上合适的数：{zh}",
            answer,
            steps,
            {"tenths": a, "hundredths": 0, "direction": direction},
        )
    b = rng.choice([k for k in range(1, 100) if k % 10])
    total = 10 * a + b
    steps = [
        step(
            f"Write the tenths as hundredths: {a}/10 = {10 * a}/100.",
            f"先把十分之几化成百分之几：{a}/10 = {10 * a}/100。",
            f"{a}/10 = {10 * a}/100",
            "fractions.equivalent_multiply",
        ),
        step(
            f"Add the hundredths: {10 * a}/100 + {b}/100 = {total}/100.",
            f"同分母相加：{10 * a}/100 + {b}/100 = {total}/100。",
            f"{10 * a}/100 + {b}/100 = {total}/100",
            kp,
        ),
    ]
    params = {"tenths": a, "hundredths": b}
    if difficulty == 2:
        return _draft(
            f"Fill in the missing numerator: {a}/10 + {b}/100 = □/100",
            f"在□里填上合适的数：{a}/10 + {b}/100 = □/100",
            str(total),
            steps,
            params,
        )
    steps += _simplify_steps(total, 100)
    return _draft(
        f"Work out {a}/10 + {b}/100. Give your answer as a fraction in simplest form.",
        f"计算：{a}/10 + {b}/100（结果化成最简分数）。",
        fr(F(total, 100)),
        steps,
        params,
        SIMPLEST,
    )


def _mixed_unlike(difficulty: int, rng: random.Random, subtract: bool) -> tuple[F, F, list[Step]]:
    """Two mixed numbers with unlike denominators and the worked steps of a ± b."""
    while True:
        d1 = rng.choice((2, 3, 4, 5, 6, 8, 10))
        d2 = d1 * rng.choice((2, 3)) if difficulty == 1 else rng.choice((3, 4, 5, 6, 8, 9, 10, 12))
        if d2 > 12 or d1 == d2:
            continue
        a = rng.randint(1, 5) + _proper(rng, d1)
        b = rng.randint(1, 4) + _proper(rng, d2)
        if not subtract or int(a) > int(b):
            break
    lcd = math.lcm(d1, d2)
    w1, w2 = int(a), int(b)
    e1, e2 = int((a - w1) * lcd), int((b - w2) * lcd)
    op = "-" if subtract else "+"
    steps = [
        step(
            f"Use the common denominator {lcd}: {fr(a - w1)} = {e1}/{lcd} and "
            f"{fr(b - w2)} = {e2}/{lcd}.",
            f"通分，公分母是{lcd}：{fr(a - w1)} = {e1}/{lcd}，{fr(b - w2)} = {e2}/{lcd}。",
            f"{mixed(a)} {op} {mixed(b)} = {w1} {e1}/{lcd} {op} {w2} {e2}/{lcd}",
            "fractions.common_denominator",
        )
    ]
    if subtract and e1 < e2:
        steps.append(
            step(
                f"{e1}/{lcd} is less than {e2}/{lcd}, so rename 1 whole as {lcd}/{lcd}: "
                f"{w1} {e1}/{lcd} = {w1 - 1} {e1 + lcd}/{lcd}.",
                f"{e1}/{lcd}比{e2}/{lcd}小，从整数部分退1：{w1} {e1}/{lcd} = {w1 - 1} {e1 + lcd}/{lcd}。",
                f"{w1} {e1}/{lcd} = {w1 - 1} {e1 + lcd}/{lcd}",
                "fractions.add_sub_mixed_like",
            )
        )
        w1, e1 = w1 - 1, e1 + lcd
    wholes = w1 - w2 if subtract else w1 + w2
    parts = e1 - e2 if subtract else e1 + e2
    result = a - b if subtract else a + b
    steps += [
        step(
            f"Wholes: {w1} {op} {w2} = {wholes}; fractions: {e1}/{lcd} {op} {e2}/{lcd} = {parts}/{lcd}.",
            f"整数部分：{w1} {op} {w2} = {wholes}；分数部分：{e1}/{lcd} {op} {e2}/{lcd} = {parts}/{lcd}。",
            f"{e1}/{lcd} {op} {e2}/{lcd} = {parts}/{lcd}",
            "fractions.add_sub_mixed_like",
        ),
        step(
            f"Put them together, regrouping and simplifying: {wholes} + {parts}/{lcd} = {mixed(result)}.",
            f"合起来（满{lcd}/{lcd}进1，能约分的要约分）：{wholes} + {parts}/{lcd} = {mixed(result)}。",
            f"{wholes} + {parts}/{lcd} = {mixed(result)}",
            "fractions.add_sub_mixed_like",
        ),
    ]
    return a, b, steps


@generator(
    "mixed_number_unlike_add_sub",
    "fractions.add_sub_mixed_unlike",
    also={"fractions.common_denominator": 0.5, "fractions.add_sub_mixed_like": 0.4},
)
def mixed_number_unlike_add_sub(difficulty: int, rng: random.Random) -> Draft:
    """Mixed numbers, unlike denominators: one divides the other (1), any (2), subtract (3).

    params: ``first`` and ``second`` (mixed numbers as shown), ``op`` ("+" or "-").
    """
    subtract = difficulty == 3
    a, b, steps = _mixed_unlike(difficulty, rng, subtract)
    op = "-" if subtract else "+"
    shown_op = "−" if subtract else "+"
    result = a - b if subtract else a + b
    return _draft(
        f"Work out {mixed(a)} {shown_op} {mixed(b)}. "
        "Give your answer as a mixed number (or whole number) in simplest form.",
        f"计算：{mixed(a)} {shown_op} {mixed(b)}（结果写成最简带分数或整数）。",
        mixed(result),
        steps,
        {"first": mixed(a), "second": mixed(b), "op": op},
        SIMPLEST,
    )


_ADD_SUB_STORIES: tuple[tuple[str, str, str], ...] = (
    # (operation, English, Chinese); {a} and {b} are the two amounts
    (
        "+",
        "{name} drank {a} L of water in the morning and {b} L in the afternoon. "
        "How many litres did {name} drink in all?",
        "{name}上午喝了{a}升水，下午喝了{b}升水。{name}这一天一共喝了多少升水？",
    ),
    (
        "+",
        "{name} read for {a} h before dinner and {b} h after dinner. "
        "How many hours did {name} read altogether?",
        "{name}晚饭前看书{a}小时，晚饭后又看了{b}小时。{name}一共看了多少小时？",
    ),
    (
        "-",
        "A rope is {a} m long. {name} cuts off {b} m. How many metres of rope are left?",
        "一根绳子长{a}米，{name}剪下{b}米。还剩多少米？",
    ),
    (
        "-",
        "A bag holds {a} kg of rice. {name}'s family eats {b} kg. How many kilograms are left?",
        "一袋大米有{a}千克，{name}家吃了{b}千克。还剩多少千克？",
    ),
    (
        "-",
        "{name} ran {a} km and walked {b} km. How many more kilometres did {name} run than walk?",
        "{name}跑了{a}千米，走了{b}千米。跑的比走的多多少千米？",
    ),
)


@generator(
    "fraction_add_sub_story",
    "fractions.add_sub_word_problems",
    also={"fractions.add_unlike": 0.4, "fractions.subtract_unlike": 0.4},
)
def fraction_add_sub_story(difficulty: int, rng: random.Random) -> Draft:
    """Word problems adding or subtracting unlike fractions; level 3 uses mixed numbers.

    params: ``first`` and ``second`` (the amounts as shown), ``op`` ("+" or "-"),
    ``story`` (index into the story templates), ``name``.
    """
    kp = "fractions.add_sub_word_problems"
    index = rng.randrange(len(_ADD_SUB_STORIES))
    op, text, text_zh = _ADD_SUB_STORIES[index]
    while True:
        if difficulty == 1:
            d1 = rng.choice((2, 3, 4, 5))
            d2 = d1 * rng.choice((2, 3))
        else:
            d1, d2 = rng.sample((2, 3, 4, 5, 6, 8, 9, 10, 12), 2)
        a, b = _proper(rng, d1), _proper(rng, d2)
        if difficulty == 3:
            a, b = a + rng.randint(1, 5), b + rng.randint(0, 3)
        if op == "+" or a > b:
            break
    value = a + b if op == "+" else a - b
    lcd = math.lcm(a.denominator, b.denominator)
    ea, eb = int(a * lcd), int(b * lcd)
    word = "add" if op == "+" else "subtract"
    word_zh = "加法" if op == "+" else "减法"
    steps = [
        step(
            f"The question asks for a {'total' if op == '+' else 'difference'}, so {word}: "
            f"{_shown(a)} {op} {_shown(b)}.",
            f"求{'一共' if op == '+' else '相差或剩下'}多少，用{word_zh}：{_shown(a)} {op} {_shown(b)}。",
            f"{_shown(a)} {op} {_shown(b)} = {fr(value)}",
            kp,
        ),
        step(
            f"Use the common denominator {lcd}: {ea}/{lcd} {op} {eb}/{lcd} = {ea + eb if op == '+' else ea - eb}/{lcd}.",
            f"通分，公分母是{lcd}：{ea}/{lcd} {op} {eb}/{lcd} = {ea + eb if op == '+' else ea - eb}/{lcd}。",
            f"{fr(a)} {op} {fr(b)} = {ea}/{lcd} {op} {eb}/{lcd} = {fr(value)}",
            "fractions.common_denominator",
        ),
        *_simplify_steps(ea + eb if op == "+" else ea - eb, lcd),
    ]
    name, name_zh = rng.choice(NAMES)
    return _draft(
        text.format(a=_shown(a), b=_shown(b), name=name) + " Give your answer in simplest form.",
        text_zh.format(a=_shown(a), b=_shown(b), name=name_zh) + "（结果化成最简形式）",
        fr(value),
        steps,
        {"first": _shown(a), "second": _shown(b), "op": op, "story": index, "name": name},
        SIMPLEST,
    )


_SHARE_THINGS: tuple[tuple[str, str, str], ...] = (
    ("pizzas", "个披萨", "each person"),
    ("litres of juice", "升果汁", "each person"),
    ("metres of ribbon", "米彩带", "each person"),
    ("kilograms of apples", "千克苹果", "each person"),
)


@generator(
    "fraction_as_division",
    "fractions.fraction_as_division",
    also={"fractions.improper_to_mixed": 0.3, "fractions.simplify": 0.2},
)
def fraction_as_division(difficulty: int, rng: random.Random) -> Draft:
    """a ÷ b as a/b: proper quotient (1), fair sharing with a mixed-number answer (2), simplify (3).

    params: ``dividend`` a, ``divisor`` b; level 2 also ``thing``.
    """
    kp = "fractions.fraction_as_division"
    if difficulty == 1:
        b = rng.randint(2, 12)
        a = _coprime(rng, 1, b - 1, b)
    elif difficulty == 2:
        b = rng.randint(2, 9)
        a = _coprime(rng, b + 1, 5 * b, b)
    else:
        g = rng.randint(2, 6)
        q = F(rng.randint(1, 12), rng.randint(2, 9))
        while q.denominator == 1:  # a whole-number quotient is not a fraction to simplify
            q = F(rng.randint(1, 12), rng.randint(2, 9))
        a, b = q.numerator * g, q.denominator * g
    value = F(a, b)
    steps = [
        step(
            f"Dividing {a} into {b} equal parts gives {a}/{b}: {a} ÷ {b} = {a}/{b}.",
            f"把{a}平均分成{b}份，每份是{a}/{b}：{a} ÷ {b} = {a}/{b}。",
            f"{a} / {b} = {a}/{b}",
            kp,
        ),
        *_simplify_steps(a, b),
    ]
    params: dict[str, Any] = {"dividend": a, "divisor": b}
    if difficulty == 2:
        steps += _mixed_step(value)
        thing, thing_zh, _ = rng.choice(_SHARE_THINGS)
        params["thing"] = thing
        return _draft(
            f"{a} {thing} are shared equally among {b} people. How much does each person get? "
            "Give your answer as a mixed number.",
            f"把{a}{thing_zh}平均分给{b}个人，每人分得多少？用带分数表示。",
            mixed(value),
            steps,
            params,
            SIMPLEST,
        )
    return _draft(
        f"Write {a} ÷ {b} as a fraction in simplest form.",
        f"把{a} ÷ {b}的商写成最简分数。",
        fr(value),
        steps,
        params,
        SIMPLEST,
    )


def _product_steps(a: F, b: F, kp: str, *, convert: bool = True) -> list[Step]:
    """Steps for a × b where a, b may be whole, proper or mixed: improper, multiply, simplify.

    ``convert=False`` leaves out the mixed-to-improper steps (the caller already wrote them).
    """
    num, den = a.numerator * b.numerator, a.denominator * b.denominator
    value = a * b
    return [
        *(_to_improper_step(a) if convert else []),
        *(_to_improper_step(b) if convert else []),
        step(
            f"Multiply the numerators and the denominators: {_br(a)} × {_br(b)} = {num}/{den}.",
            f"分子乘分子，分母乘分母：{_br(a)} × {_br(b)} = {num}/{den}。",
            f"{_br(a)} * {_br(b)} = {num}/{den}",
            kp,
        ),
        *_simplify_steps(num, den),
        *_mixed_step(value),
    ]


@generator(
    "mixed_number_multiply",
    "fractions.multiply_mixed",
    also={"fractions.mixed_to_improper": 0.5, "fractions.multiply_fractions": 0.4},
)
def mixed_number_multiply(difficulty: int, rng: random.Random) -> Draft:
    """Whole × mixed (1), mixed × proper fraction (2), mixed × mixed (3).

    params: ``first`` and ``second`` (the factors as shown).
    """
    a = rng.randint(1, 3) + _proper(rng, rng.randint(2, 6))
    if difficulty == 1:
        b = F(rng.randint(2, 6))
    elif difficulty == 2:
        b = _proper(rng, rng.randint(2, 9))
    else:
        b = rng.randint(1, 4) + _proper(rng, rng.randint(2, 8))
    if rng.random() < 0.5:
        a, b = b, a
    value = a * b
    steps = _product_steps(a, b, "fractions.multiply_fractions")
    return _draft(
        f"Work out {_shown(a)} × {_shown(b)}. Give your answer in simplest form.",
        f"计算：{_shown(a)} × {_shown(b)}（结果化成最简形式）。",
        fr(value),
        steps,
        {"first": _shown(a), "second": _shown(b)},
        SIMPLEST,
    )


@generator(
    "unit_fraction_divided_by_whole",
    "fractions.divide_unit_by_whole",
    also={"fractions.multiply_fractions": 0.4},
)
def unit_fraction_divided_by_whole(difficulty: int, rng: random.Random) -> Draft:
    """1/b ÷ n with small numbers (1), larger (2), as a sharing story (3).

    params: ``denominator`` b, ``whole`` n; level 3 also ``thing`` and ``name``.
    """
    kp = "fractions.divide_unit_by_whole"
    b = rng.randint(2, 5 if difficulty == 1 else 10)
    n = rng.randint(2, 5 if difficulty == 1 else 9)
    steps = [
        step(
            f"Dividing by {n} is the same as taking 1/{n} of it: 1/{b} ÷ {n} = 1/{b} × 1/{n}.",
            f"除以{n}就是求它的1/{n}：1/{b} ÷ {n} = 1/{b} × 1/{n}。",
            f"(1/{b}) / {n} = 1/{b} * 1/{n}",
            kp,
        ),
        step(
            f"1/{b} × 1/{n} = 1/{b * n}.",
            f"1/{b} × 1/{n} = 1/{b * n}。",
            f"1/{b} * 1/{n} = 1/{b * n}",
            "fractions.multiply_fractions",
        ),
        step(
            f"Check: {n} × 1/{b * n} = 1/{b}.",
            f"检验：{n} × 1/{b * n} = 1/{b}。",
            f"{n} * 1/{b * n} = 1/{b}",
            "fractions.multiply_by_whole",
        ),
    ]
    params: dict[str, Any] = {"denominator": b, "whole": n}
    if difficulty < 3:
        return _draft(
            f"Work out 1/{b} ÷ {n}. Give your answer as a fraction.",
            f"计算：1/{b} ÷ {n}（用分数表示）。",
            f"1/{b * n}",
            steps,
            params,
        )
    thing, thing_zh = rng.choice(_WHOLES[:4])
    name, name_zh = rng.choice(NAMES)
    params.update(thing=thing, name=name)
    return _draft(
        f"{name} has 1/{b} of a {thing} left and shares it equally among {n} friends. "
        f"What fraction of the whole {thing} does each friend get?",
        f"{name_zh}还剩下一个{thing_zh}的1/{b}，把它平均分给{n}个朋友。"
        f"每个朋友分得整个{thing_zh}的几分之几？",
        f"1/{b * n}",
        steps,
        params,
    )


@generator(
    "whole_divided_by_unit_fraction",
    "fractions.divide_whole_by_unit",
    also={"fractions.multiply_by_whole": 0.4},
)
def whole_divided_by_unit_fraction(difficulty: int, rng: random.Random) -> Draft:
    """n ÷ 1/b with small numbers (1), larger (2), as a "how many pieces" story (3).

    params: ``whole`` n, ``denominator`` b; level 3 also ``context``.
    """
    kp = "fractions.divide_whole_by_unit"
    n = rng.randint(2, 5 if difficulty == 1 else 15)
    b = rng.randint(2, 5 if difficulty == 1 else 10)
    steps = [
        step(
            f"Each whole holds {b} pieces of size 1/{b}, so {n} wholes hold {n} × {b} pieces.",
            f"1里面有{b}个1/{b}，{n}里面就有{n} × {b}个1/{b}。",
            f"{n} / (1/{b}) = {n} * {b}",
            kp,
        ),
        step(
            f"{n} × {b} = {n * b}. Check: {n * b} × 1/{b} = {n}.",
            f"{n} × {b} = {n * b}。检验：{n * b} × 1/{b} = {n}。",
            f"{n * b} * 1/{b} = {n}",
            "fractions.multiply_by_whole",
        ),
    ]
    params: dict[str, Any] = {"whole": n, "denominator": b}
    if difficulty < 3:
        return _draft(
            f"Work out {n} ÷ 1/{b}.",
            f"计算：{n} ÷ 1/{b}。",
            str(n * b),
            steps,
            params,
        )
    stories = (
        (
            f"A ribbon {n} m long is cut into pieces 1/{b} m long. How many pieces are there?",
            f"一根{n}米长的彩带，剪成每段1/{b}米，可以剪成多少段？",
        ),
        (
            f"{n} L of juice is poured into cups that each hold 1/{b} L. How many cups are filled?",
            f"把{n}升果汁倒进每个能装1/{b}升的杯子里，可以倒满多少杯？",
        ),
        (
            f"{n} kg of rice is packed into bags of 1/{b} kg each. How many bags are needed?",
            f"把{n}千克大米装进每袋1/{b}千克的袋子里，需要多少个袋子？",
        ),
    )
    index = rng.randrange(len(stories))
    params["context"] = index
    return _draft(stories[index][0], stories[index][1], str(n * b), steps, params)


@generator("reciprocal_of", "fractions.reciprocal", also={"fractions.multiply_fractions": 0.4})
def reciprocal_of(difficulty: int, rng: random.Random) -> Draft:
    """The reciprocal of a proper fraction (1), a whole number or improper fraction (2),
    a mixed number or decimal (3).

    params: ``number`` (as shown), ``form`` ("fraction", "whole", "improper", "mixed" or
    "decimal").
    """
    kp = "fractions.reciprocal"
    if difficulty == 1:
        d = rng.randint(2, 15)
        x, form = _proper(rng, d), "fraction"
        shown = fr(x)
    elif difficulty == 2:
        form = rng.choice(("whole", "improper"))
        if form == "whole":
            x = F(rng.randint(2, 30))
        else:
            d = rng.randint(2, 9)
            x = F(_coprime(rng, d + 1, 4 * d, d), d)
        shown = fr(x)
    else:
        form = rng.choice(("mixed", "decimal"))
        if form == "mixed":
            x = rng.randint(1, 6) + _proper(rng, rng.randint(2, 9))
            shown = mixed(x)
        else:
            x = F(rng.choice((1, 2, 3, 4, 5, 6, 8, 12, 15, 25, 35, 75, 125)), rng.choice((10, 100)))
            shown = dec(x)
    recip = 1 / x
    steps: list[Step] = []
    if form == "mixed":
        steps += _to_improper_step(x)
    elif form == "decimal":
        steps += [
            step(
                f"Write the decimal as a fraction: {shown} = {fr(x)}.",
                f"先把小数化成分数：{shown} = {fr(x)}。",
                f"{shown} = {fr(x)}",
                "decimals.decimal_notation",
            )
        ]
    steps.append(
        step(
            f"Swap the numerator and the denominator of {fr(x)}"
            f"{' (a whole number n is n/1)' if form == 'whole' else ''}: the reciprocal is {fr(recip)}.",
            f"交换{fr(x)}的分子和分母的位置{'（整数n可以看作n/1）' if form == 'whole' else ''}，"
            f"倒数是{fr(recip)}。",
            f"{_br(x)} * {_br(recip)} = 1",
            kp,
        )
    )
    return _draft(
        f"What is the reciprocal of {shown}? Give your answer in simplest form.",
        f"{shown}的倒数是多少？（结果化成最简形式）",
        fr(recip),
        steps,
        {"number": shown, "form": form},
        SIMPLEST,
    )


@generator(
    "mixed_number_divide",
    "fractions.divide_mixed",
    also={"fractions.divide_fractions": 0.5, "fractions.mixed_to_improper": 0.4},
)
def mixed_number_divide(difficulty: int, rng: random.Random) -> Draft:
    """Mixed ÷ whole (1), mixed ÷ proper fraction (2), mixed ÷ mixed (3).

    params: ``dividend`` and ``divisor`` (as shown).
    """
    a = rng.randint(1, 5) + _proper(rng, rng.randint(2, 8))
    if difficulty == 1:
        b = F(rng.randint(2, 6))
    elif difficulty == 2:
        b = _proper(rng, rng.randint(2, 9))
    else:
        b = rng.randint(1, 3) + _proper(rng, rng.randint(2, 6))
    steps = [
        *_to_improper_step(a),
        *_to_improper_step(b),
        step(
            f"Dividing by {fr(b)} is multiplying by its reciprocal {fr(1 / b)}.",
            f"除以{fr(b)}等于乘它的倒数{fr(1 / b)}。",
            f"{_br(a)} / {_br(b)} = {_br(a)} * {_br(1 / b)}",
            "fractions.divide_fractions",
        ),
        *_product_steps(a, 1 / b, "fractions.multiply_fractions", convert=False),
    ]
    return _draft(
        f"Work out {_shown(a)} ÷ {_shown(b)}. Give your answer in simplest form.",
        f"计算：{_shown(a)} ÷ {_shown(b)}（结果化成最简形式）。",
        fr(a / b),
        steps,
        {"dividend": _shown(a), "divisor": _shown(b)},
        SIMPLEST,
    )


@generator(
    "fraction_division_story",
    "fractions.division_word_problems",
    also={"fractions.divide_fractions": 0.5, "fractions.divide_mixed": 0.3},
)
def fraction_division_story(difficulty: int, rng: random.Random) -> Draft:
    """How many servings: whole ÷ fraction (1), fraction ÷ fraction (2), mixed ÷ fraction (3).

    params: ``total`` and ``portion`` (as shown), ``story`` (index), ``name``.
    """
    kp = "fractions.division_word_problems"
    portion = F(rng.randint(1, 4), rng.choice((2, 3, 4, 5, 6, 8)))
    while portion >= 1 or portion.numerator == 0:
        portion = F(rng.randint(1, 4), rng.choice((3, 4, 5, 6, 8)))
    if difficulty == 1:
        k = rng.randint(2, 8) * portion.denominator
        total = k * portion
        while total.denominator != 1:
            k += 1
            total = k * portion
    else:
        k = rng.randint(2, 9)
        total = k * portion
        if difficulty == 2:
            while total >= 1 or total.denominator == portion.denominator:
                portion = F(1, rng.choice((4, 6, 8, 9, 10, 12)))
                k = rng.randint(2, portion.denominator - 1)
                total = k * portion
        else:
            while total <= 1 or total.denominator == 1:
                k += 1
                total = k * portion
    k = int(total / portion)
    stories = (
        (
            "{name} has {t} kg of flour. Each batch of dumplings uses {p} kg. "
            "How many batches can {name} make?",
            "{name}有{t}千克面粉，每包一次饺子用{p}千克。可以包几次？",
        ),
        (
            "A jug holds {t} L of milk. Each cup takes {p} L. How many cups can be filled?",
            "一壶牛奶有{t}升，每杯倒{p}升。可以倒满几杯？",
        ),
        (
            "A path {t} km long has a bench every {p} km. How many stretches of {p} km "
            "does the path have?",
            "一条小路长{t}千米，每{p}千米放一张长椅。这条路可以分成几段{p}千米？",
        ),
    )
    index = rng.randrange(len(stories))
    name, name_zh = rng.choice(NAMES)
    t, p = _shown(total), fr(portion)
    steps = [
        step(
            f"To find how many {p}s fit into {t}, divide: {t} ÷ {p}.",
            f"求{t}里面有几个{p}，用除法：{t} ÷ {p}。",
            f"{_br(total)} / {_br(portion)} = {k}",
            kp,
        ),
        *_to_improper_step(total),
        step(
            f"Multiply by the reciprocal: {fr(total)} × {fr(1 / portion)} = {k}.",
            f"乘除数的倒数：{fr(total)} × {fr(1 / portion)} = {k}。",
            f"{_br(total)} * {_br(1 / portion)} = {k}",
            "fractions.divide_fractions",
        ),
    ]
    return _draft(
        stories[index][0].format(name=name, t=t, p=p),
        stories[index][1].format(name=name_zh, t=t, p=p),
        str(k),
        steps,
        {"total": t, "portion": p, "story": index, "name": name},
    )


# --------------------------------------------------------------------------------------------
# Decimals (grades 4–8)
# --------------------------------------------------------------------------------------------

_PLACES: tuple[tuple[str, str, int], ...] = (
    ("tenths", "十分位", 1),
    ("hundredths", "百分位", 2),
    ("thousandths", "千分位", 3),
)


@generator(
    "decimal_from_fraction_notation",
    "decimals.decimal_notation",
    also={"fractions.tenths_hundredths": 0.5},
)
def decimal_from_fraction_notation(difficulty: int, rng: random.Random) -> Draft:
    """Tenths or hundredths to a decimal (1), a decimal to hundredths (2), mixed numbers (3).

    params: ``whole`` w (0 below level 3), ``numerator`` n, ``denominator`` (10 or 100),
    ``direction`` ("to_decimal" or "to_hundredths").
    """
    kp = "decimals.decimal_notation"
    den = rng.choice((10, 100))
    n = rng.randint(1, den - 1)
    w = rng.randint(1, 30) if difficulty == 3 else 0
    value = w + F(n, den)
    params: dict[str, Any] = {"whole": w, "numerator": n, "denominator": den}
    if difficulty == 2:
        hundredths = int(value * 100)
        params["direction"] = "to_hundredths"
        steps = [
            step(
                f"{dec(value)} means {count(hundredths, 'hundredth')}: {dec(value)} = {hundredths}/100.",
                f"{dec(value)}表示{hundredths}个百分之一：{dec(value)} = {hundredths}/100。",
                f"{dec(value)} = {hundredths}/100",
                kp,
            )
        ]
        return _draft(
            f"Fill in the missing numerator: {dec(value)} = □/100",
            f"在□里填上合适的数：{dec(value)} = □/100",
            str(hundredths),
            steps,
            params,
        )
    params["direction"] = "to_decimal"
    places = 1 if den == 10 else 2
    shown = f"{w} {n}/{den}" if w else f"{n}/{den}"
    place_en, place_zh = ("tenths", "十分位") if places == 1 else ("hundredths", "百分位")
    steps = [
        step(
            f"{n}/{den} has {places} decimal place{'s' if places > 1 else ''}: "
            f"the last digit goes in the {place_en} place, so {n}/{den} = {_fixed(F(n, den), places)}.",
            f"分母是{den}，写成{'一' if places == 1 else '两'}位小数，最后一位在{place_zh}上："
            f"{n}/{den} = {_fixed(F(n, den), places)}。",
            f"{n}/{den} = {_fixed(F(n, den), places)}",
            kp,
        )
    ]
    if w:
        steps.append(
            step(
                f"Put the whole number in front: {shown} = {_fixed(value, places)}.",
                f"整数部分写在小数点前面：{shown} = {_fixed(value, places)}。",
                f"{w} + {n}/{den} = {_fixed(value, places)}",
                kp,
            )
        )
    return _draft(
        f"Write {shown} as a decimal.",
        f"把{shown}写成小数。",
        _fixed(value, places),
        steps,
        params,
    )


@generator(
    "decimal_digit_value",
    "decimals.place_value_thousandths",
    also={"decimals.decimal_notation": 0.5},
)
def decimal_digit_value(difficulty: int, rng: random.Random) -> Draft:
    """Which digit is in a place (1), the value of a digit (2), expanded form to a number (3).

    params: ``number`` (as shown), ``digits`` (its digits, whole part first), ``place``
    (levels 1–2: "tenths", "hundredths" or "thousandths"); level 3 ``parts`` (the addends).
    """
    kp = "decimals.place_value_thousandths"
    digits = rng.sample(range(1, 10), 5)
    whole = digits[0] * 10 + digits[1] if difficulty > 1 else digits[1]
    value = whole + F(digits[2] * 100 + digits[3] * 10 + digits[4], 1000)
    number = _fixed(value, 3)
    if difficulty < 3:
        place, place_zh, k = rng.choice(_PLACES)
        digit = digits[1 + k]
        params: dict[str, Any] = {"number": number, "digits": digits, "place": place}
        if difficulty == 1:
            steps = [
                step(
                    f"After the decimal point the places are tenths, hundredths, thousandths; "
                    f"in {number} the {place} digit is {digit}.",
                    f"小数点右边依次是十分位、百分位、千分位；{number}的{place_zh}上是{digit}。",
                    f"{number} = {whole} + {digits[2]}/10 + {digits[3]}/100 + {digits[4]}/1000",
                    kp,
                )
            ]
            return _draft(
                f"Which digit is in the {place} place of {number}?",
                f"{number}的{place_zh}上的数字是几？",
                str(digit),
                steps,
                params,
            )
        worth = F(digit, 10**k)
        steps = [
            step(
                f"The digit {digit} is in the {place} place, so it is worth {digit} × 1/{10**k} "
                f"= {dec(worth)}.",
                f"{digit}在{place_zh}上，表示{digit}个{dec(F(1, 10**k))}，即{dec(worth)}。",
                f"{digit} * 1/{10**k} = {dec(worth)}",
                kp,
            )
        ]
        return _draft(
            f"In {number}, what is the value of the digit {digit}? Give your answer as a decimal.",
            f"在{number}中，数字{digit}表示多少？用小数表示。",
            dec(worth),
            steps,
            params,
        )
    # Level 3: leave out one place, so a zero must be written as a placeholder.
    skip = rng.choice((2, 3, 4))
    kept = [i for i in range(5) if i != skip]
    worths = [digits[i] * F(10) ** (1 - i) for i in kept]
    value = sum(worths, F(0))
    parts = [dec(x) for x in worths]
    number = _fixed(value, 3)
    steps = [
        step(
            f"Add the place values; the missing place gets a 0: {' + '.join(parts)} = {number}.",
            f"把各数位上的值加起来，空着的数位写0占位：{' + '.join(parts)} = {number}。",
            f"{' + '.join(parts)} = {number}",
            kp,
        )
    ]
    return _draft(
        f"Write {' + '.join(parts)} as a single decimal number.",
        f"把{' + '.join(parts)}写成一个小数。",
        number,
        steps,
        {"number": number, "digits": digits, "parts": parts},
    )


@generator("round_decimal", "decimals.round", also={"decimals.place_value_thousandths": 0.5})
def round_decimal(difficulty: int, rng: random.Random) -> Draft:
    """Round to the nearest whole number (1), tenth (2), hundredth with carrying cases (3).

    params: ``number`` (as shown), ``places`` (0, 1 or 2: the place rounded to).
    """
    kp = "decimals.round"
    places = difficulty - 1
    given_places = places + rng.randint(1, 2)
    scale = 10**given_places
    n = rng.randint(1 * scale, 100 * scale - 1)
    if difficulty == 3 and rng.random() < 0.4:
        # A run of 9s before a round-up digit makes the rounding carry over several places.
        n = (n // 1000) * 1000 + rng.choice((995, 996, 997, 998, 999)) * (scale // 1000)
        n = max(n, scale)
    value = F(n, scale)
    rounded = _round(value, places)
    half = F(1, 2 * 10**places)
    place_en, place_zh = (("whole number", "个位"), ("tenth", "十分位"), ("hundredth", "百分位"))[
        places
    ]
    next_digit = (n // 10 ** (given_places - places - 1)) % 10
    up = next_digit >= 5
    steps = [
        step(
            f"Look at the digit after the {place_en} place: it is {next_digit}, "
            f"{'5 or more, so round up' if up else 'less than 5, so round down'}.",
            f"看{place_zh}后面一位上的数字{next_digit}："
            f"{'大于或等于5，要进一（五入）' if up else '小于5，直接舍去（四舍）'}。",
            f"{next_digit} {'>=' if up else '<'} 5",
            "decimals.place_value_thousandths",
        ),
        step(
            f"{dec(value)} lies between {dec(rounded - half)} and {dec(rounded + half)}, "
            f"so it rounds to {_fixed(rounded, places)}.",
            f"{dec(value)}在{dec(rounded - half)}和{dec(rounded + half)}之间，"
            f"所以约等于{_fixed(rounded, places)}。",
            f"{dec(rounded - half)} <= {dec(value)} < {dec(rounded + half)}",
            kp,
        ),
    ]
    target = ("the nearest whole number", "the nearest tenth", "the nearest hundredth")[places]
    target_zh = ("整数", "十分位", "百分位")[places]
    return _draft(
        f"Round {dec(value)} to {target}.",
        f"把{dec(value)}四舍五入到{target_zh}。",
        _fixed(rounded, places),
        steps,
        {"number": dec(value), "places": places},
    )


@generator(
    "decimal_shift_powers_of_ten",
    "decimals.multiply_divide_powers_of_ten",
    also={"decimals.place_value_thousandths": 0.4},
)
def decimal_shift_powers_of_ten(difficulty: int, rng: random.Random) -> Draft:
    """× 10 or 100 (1), ÷ 10, 100 or 1000 (2), find the missing power of ten (3).

    params: ``number`` (as shown), ``power`` (10, 100 or 1000), ``op`` ("*" or "/"),
    ``missing`` ("result" or "power").
    """
    kp = "decimals.multiply_divide_powers_of_ten"
    x = F(rng.randint(1, 9999), 10 ** rng.randint(1, 2 if difficulty == 1 else 3))
    power = rng.choice((10, 100) if difficulty == 1 else (10, 100, 1000))
    op = "*" if difficulty == 1 else ("/" if difficulty == 2 else rng.choice(("*", "/")))
    result = x * power if op == "*" else x / power
    zeros = len(str(power)) - 1
    direction = "right" if op == "*" else "left"
    shown_op = "×" if op == "*" else "÷"
    steps = [
        step(
            f"{'Multiplying' if op == '*' else 'Dividing'} by {power} moves the decimal point "
            f"{zeros} place{'s' if zeros > 1 else ''} to the {direction}: "
            f"{dec(x)} {shown_op} {power} = {dec(result)}.",
            f"{'乘' if op == '*' else '除以'}{power}，小数点向{'右' if op == '*' else '左'}移动{zeros}位："
            f"{dec(x)} {shown_op} {power} = {dec(result)}。",
            f"{dec(x)} {op} {power} = {dec(result)}",
            kp,
        )
    ]
    params: dict[str, Any] = {"number": dec(x), "power": power, "op": op}
    if difficulty < 3:
        params["missing"] = "result"
        return _draft(
            f"Work out {dec(x)} {shown_op} {power}.",
            f"计算：{dec(x)} {shown_op} {power}。",
            dec(result),
            steps,
            params,
        )
    params["missing"] = "power"
    return _draft(
        f"Fill in the missing number (10, 100 or 1000): {dec(x)} {shown_op} □ = {dec(result)}",
        f"在□里填10、100或1000：{dec(x)} {shown_op} □ = {dec(result)}",
        str(power),
        steps,
        params,
    )


def _scale_division_steps(a: F, b: F) -> list[Step]:
    """a ÷ b with a decimal divisor: scale both by a power of ten, then divide."""
    k = 0
    while (b * 10**k).denominator != 1:
        k += 1
    big_a, big_b = a * 10**k, b * 10**k
    q = a / b
    return [
        step(
            f"Make the divisor a whole number: multiply both numbers by {10**k}. "
            f"{dec(a)} ÷ {dec(b)} = {dec(big_a)} ÷ {dec(big_b)}.",
            f"根据商不变的规律，被除数和除数同时乘{10**k}，把除数变成整数："
            f"{dec(a)} ÷ {dec(b)} = {dec(big_a)} ÷ {dec(big_b)}。",
            f"{dec(a)} / {dec(b)} = {dec(big_a)} / {dec(big_b)}",
            "decimals.multiply_divide_powers_of_ten",
        ),
        step(
            f"Divide: {dec(big_a)} ÷ {dec(big_b)} = {dec(q)}.",
            f"计算：{dec(big_a)} ÷ {dec(big_b)} = {dec(q)}。",
            f"{dec(big_a)} / {dec(big_b)} = {dec(q)}",
            "decimals.divide_by_whole",
        ),
    ]


@generator(
    "divide_by_a_decimal",
    "decimals.divide_by_decimal",
    also={"decimals.multiply_divide_powers_of_ten": 0.4, "decimals.divide_by_whole": 0.4},
)
def divide_by_a_decimal(difficulty: int, rng: random.Random) -> Draft:
    """Tenths divisor, whole quotient (1); hundredths divisor (2); decimal quotient (3).

    params: ``dividend`` and ``divisor`` (as shown), ``quotient``.
    """
    kp = "decimals.divide_by_decimal"
    if difficulty == 1:
        b = F(rng.randint(2, 9), 10)
        q = F(rng.randint(2, 12))
    elif difficulty == 2:
        b = F(rng.choice((12, 15, 24, 25, 35, 45, 75, 125, 150, 250)), 100)
        q = F(rng.randint(2, 40))
    else:
        b = F(rng.randint(11, 99), rng.choice((10, 100)))
        q = F(rng.randint(11, 99), 10)
    a = b * q
    steps = _scale_division_steps(a, b)
    steps.append(
        step(
            f"Check: {dec(q)} × {dec(b)} = {dec(a)}.",
            f"检验：{dec(q)} × {dec(b)} = {dec(a)}。",
            f"{dec(q)} * {dec(b)} = {dec(a)}",
            kp,
        )
    )
    return _draft(
        f"Work out {dec(a)} ÷ {dec(b)}.",
        f"计算：{dec(a)} ÷ {dec(b)}。",
        dec(q),
        steps,
        {"dividend": dec(a), "divisor": dec(b), "quotient": dec(q)},
    )


@generator(
    "multi_digit_decimal_arithmetic",
    "decimals.standard_algorithms",
    also={"decimals.subtract": 0.3, "decimals.multiply": 0.3, "decimals.divide_by_decimal": 0.3},
)
def multi_digit_decimal_arithmetic(difficulty: int, rng: random.Random) -> Draft:
    """Subtract with different numbers of places (1), multiply (2), long division (3).

    params: ``first`` and ``second`` (as shown), ``op`` ("-", "*" or "/").
    """
    kp = "decimals.standard_algorithms"
    if difficulty == 1:
        a = F(rng.randint(1000, 9999), 10)
        b = F(rng.randint(1000, 9999), 100)
        if b > a:
            a += 100
        steps = [
            step(
                f"Line up the decimal points and write {dec(a)} as {_fixed(a, 2)}, "
                f"then subtract: {_fixed(a, 2)} − {_fixed(b, 2)} = {_fixed(a - b, 2)}.",
                f"小数点对齐，把{dec(a)}写成{_fixed(a, 2)}，再相减："
                f"{_fixed(a, 2)} − {_fixed(b, 2)} = {_fixed(a - b, 2)}。",
                f"{_fixed(a, 2)} - {_fixed(b, 2)} = {_fixed(a - b, 2)}",
                kp,
            )
        ]
        op, shown_op, result = "-", "−", a - b
    elif difficulty == 2:
        pa, pb = rng.randint(1, 2), rng.randint(1, 2)
        a = F(rng.randint(101, 999), 10**pa)
        b = F(rng.randint(11, 99), 10**pb)
        ia, ib = int(a * 10**pa), int(b * 10**pb)
        result = a * b
        steps = [
            step(
                f"Multiply as whole numbers: {ia} × {ib} = {ia * ib}.",
                f"先按整数乘法计算：{ia} × {ib} = {ia * ib}。",
                f"{ia} * {ib} = {ia * ib}",
                "mult_div.multiply_2digit_2digit",
            ),
            step(
                f"The factors have {pa} + {pb} = {pa + pb} decimal places, so the product has "
                f"{pa + pb}: {dec(a)} × {dec(b)} = {dec(result)}.",
                f"两个因数一共有{pa} + {pb} = {pa + pb}位小数，积也要有{pa + pb}位小数："
                f"{dec(a)} × {dec(b)} = {dec(result)}。",
                f"{dec(a)} * {dec(b)} = {ia * ib} / 10^{pa + pb} = {dec(result)}",
                "decimals.multiply",
            ),
        ]
        op, shown_op = "*", "×"
    else:
        b = F(rng.randint(12, 99), 10)
        result = F(rng.randint(101, 999), 10)
        a = b * result
        steps = _scale_division_steps(a, b)
        op, shown_op = "/", "÷"
    return _draft(
        f"Work out {dec(a)} {shown_op} {dec(b)}.",
        f"计算：{dec(a)} {shown_op} {dec(b)}。",
        dec(result),
        steps,
        {"first": dec(a), "second": dec(b), "op": op},
    )


def _long_division_steps(num: int, den: int, digits: int) -> list[Step]:
    """The first ``digits`` steps of num ÷ den after the decimal point, remainder by remainder."""
    steps = []
    r = num % den
    for _ in range(digits):
        if r == 0:
            break
        q, r2 = divmod(10 * r, den)
        steps.append(
            step(
                f"Bring down a 0: {10 * r} ÷ {den} = {q} remainder {r2}.",
                f"余数后面添0：{10 * r} ÷ {den} = {q} …… {r2}。",
                f"{10 * r} = {den} * {q} + {r2}",
                "decimals.divide_by_whole",
            )
        )
        r = r2
    return steps


@generator(
    "fraction_to_decimal_long_division",
    "decimals.long_division_conversion",
    also={"decimals.fraction_to_decimal": 0.5, "decimals.round": 0.3},
)
def fraction_to_decimal_long_division(difficulty: int, rng: random.Random) -> Draft:
    """a/b by long division: terminating (1), one repeating digit (2), longer repeats (3).

    Levels 2–3 ask for the decimal rounded to the nearest thousandth (the answer syntax has no
    repeat bar), accepted within half a thousandth.

    params: ``numerator`` a, ``denominator`` b, ``places`` (rounding places, or null when exact).
    """
    kp = "decimals.long_division_conversion"
    dens = ((8, 16, 20, 25, 40, 50), (3, 6, 9, 12, 15, 18), (7, 11, 13, 21, 27, 33, 37))
    b = rng.choice(dens[difficulty - 1])
    a = _coprime(rng, 1, 2 * b - 1, b)
    value = F(a, b)
    params: dict[str, Any] = {"numerator": a, "denominator": b}
    if difficulty == 1:
        steps = _long_division_steps(a, b, 6)
        steps.append(
            step(
                f"The remainder is 0, so the decimal ends: {a}/{b} = {dec(value)}.",
                f"余数是0，除尽了：{a}/{b} = {dec(value)}。",
                f"{a}/{b} = {dec(value)}",
                kp,
            )
        )
        params["places"] = None
        return _draft(
            f"Use long division to write {a}/{b} as a decimal.",
            f"用除法把{a}/{b}化成小数。",
            dec(value),
            steps,
            params,
        )
    rounded = _round(value, 3)
    low = F(int(value * 10000), 10000)  # truncated to four places
    steps = _long_division_steps(a, b, 4)
    steps += [
        step(
            f"The remainders repeat, so the digits repeat forever; to four places "
            f"{dec(low)} < {a}/{b} < {dec(low + F(1, 10000))}.",
            f"余数重复出现，商的数字也循环出现，是循环小数；保留四位："
            f"{dec(low)} < {a}/{b} < {dec(low + F(1, 10000))}。",
            f"{dec(low)} < {a}/{b} < {dec(low + F(1, 10000))}",
            kp,
        ),
        step(
            f"Round to the nearest thousandth: {a}/{b} ≈ {_fixed(rounded, 3)}.",
            f"四舍五入到千分位：{a}/{b} ≈ {_fixed(rounded, 3)}。",
            f"{dec(rounded - F(1, 2000))} < {a}/{b} < {dec(rounded + F(1, 2000))}",
            "decimals.round",
        ),
    ]
    params["places"] = 3
    return _draft(
        f"Use long division to write {a}/{b} as a decimal. The digits repeat, so round your "
        "answer to the nearest thousandth.",
        f"用除法把{a}/{b}化成小数。商是循环小数，结果保留三位小数（四舍五入到千分位）。",
        _fixed(rounded, 3),
        steps,
        params,
        AnswerPolicy(tolerance=0.0005),
    )


@generator(
    "repeating_decimal_to_fraction",
    "decimals.repeating_to_fraction",
    also={"decimals.long_division_conversion": 0.5, "fractions.simplify": 0.3},
)
def repeating_decimal_to_fraction(difficulty: int, rng: random.Random) -> Draft:
    """0.ddd… (1), 0.ababab… (2), 0.abbb… or 0.abcbc… with a digit before the repeat (3).

    params: ``whole`` (whole-number part), ``fixed`` (digits before the repeat, "" if none),
    ``repeat`` (the repeating block), ``shown`` (the decimal as written).
    """
    kp = "decimals.repeating_to_fraction"
    whole = rng.randint(0, 2) if difficulty == 1 else 0
    fixed = ""
    if difficulty == 1:
        repeat = str(rng.randint(1, 8))
    elif difficulty == 2:
        repeat = rng.choice([f"{k:02d}" for k in range(1, 99) if k % 11])
    else:
        fixed = str(rng.randint(1, 9))
        repeat = rng.choice(
            [str(k) for k in range(1, 9)] + [f"{k:02d}" for k in range(1, 99) if k % 11]
        )
        while repeat[-1] == fixed and len(repeat) == 1:
            repeat = str(rng.randint(1, 8))
    m, n = len(fixed), len(repeat)
    block = int(fixed + repeat) - (int(fixed) if fixed else 0)
    den = (10**n - 1) * 10**m
    x = whole + F(block, den)
    shown = f"{whole}.{fixed}{repeat * (3 if n == 1 else 2)}…"
    big, small = 10 ** (m + n), 10**m
    steps = [
        step(
            f"Let x = {shown}. Multiplying by {big} and by {small} lines up the repeating part, "
            f"so {big}x − {small}x = {den}x is a number without a repeating tail.",
            f"设x = {shown}。把它乘{big}和乘{small}，小数部分的循环节就对齐了，"
            f"相减得{big}x − {small}x = {den}x，循环部分抵消了。",
            f"{big} * {_br(x)} - {small} * {_br(x)} = {fr(den * x)}",
            kp,
        ),
        step(
            f"So x = {int(den * x)}/{den}.",
            f"所以x = {int(den * x)}/{den}。",
            f"{fr(den * x)}/{den} = {fr(x)}",
            kp,
        ),
        *_simplify_steps(int(den * x), den),
    ]
    tail, tail_zh = f"the {repeat} repeats forever", f"循环节是{repeat}"
    return _draft(
        f"Write {shown} ({tail}) as a fraction in simplest form.",
        f"把循环小数{shown}（{tail_zh}）化成最简分数。",
        fr(x),
        steps,
        {"whole": whole, "fixed": fixed, "repeat": repeat, "shown": shown},
        FRACTION_ONLY,
    )


# --------------------------------------------------------------------------------------------
# Percent (grades 6–9)
# --------------------------------------------------------------------------------------------


@generator("percent_per_hundred", "percent.meaning", also={"fractions.tenths_hundredths": 0.3})
def percent_per_hundred(difficulty: int, rng: random.Random) -> Draft:
    """k of 100 as k% (1), the unshaded part of a 100-square grid (2), k out of every n (3).

    params: ``part`` k, ``out_of`` n (100 below level 3), ``ask`` ("shaded_percent",
    "unshaded_squares" or "percent").
    """
    kp = "percent.meaning"
    if difficulty == 1:
        k = rng.randint(1, 99)
        steps = [
            step(
                f"Percent means “out of 100”: {k} out of 100 is {k}/100 = {k}%.",
                f"百分数表示一个数是另一个数的百分之几：100份中的{k}份就是{k}/100，即{k}%。",
                f"{k}/100 = {k}%",
                kp,
            )
        ]
        return _draft(
            f"A 10 by 10 grid has 100 squares and {k} of them are shaded. "
            "What percent of the grid is shaded?",
            f"一个10 × 10的方格图共有100个小方格，其中{k}个涂了颜色。涂色部分占整个方格图的百分之几？",
            f"{k}%",
            steps,
            {"part": k, "out_of": 100, "ask": "shaded_percent"},
        )
    if difficulty == 2:
        p = rng.randint(1, 99)
        steps = [
            step(
                f"{p}% of 100 squares is {count(p, 'square')}.",
                f"100个小方格的{p}%是{p}个。",
                f"{p}% * 100 = {p}",
                kp,
            ),
            step(
                f"The rest are not shaded: 100 − {p} = {100 - p}.",
                f"没有涂色的有：100 − {p} = {100 - p}（个）。",
                f"100 - {p} = {100 - p}",
                "whole_ops.add_within_1000",
            ),
        ]
        return _draft(
            f"On a 10 by 10 grid of 100 squares, {p}% of the squares are shaded. "
            "How many squares are not shaded?",
            f"一个由100个小方格组成的10 × 10方格图中，{p}%的小方格涂了颜色。没有涂色的小方格有多少个？",
            str(100 - p),
            steps,
            {"part": p, "out_of": 100, "ask": "unshaded_squares"},
        )
    n = rng.choice((2, 4, 5, 10, 20, 25, 50, 200))
    k = rng.randint(1, n - 1)
    if n == 200:
        k = 2 * rng.randint(1, 99)
    per_hundred = F(k * 100, n)
    stories = (
        (
            "{k} out of every {n} students in the school {wear} glasses.",
            "学校里每{n}名学生中有{k}名戴眼镜。",
        ),
        ("{k} out of every {n} seeds sprouted.", "每{n}粒种子中有{k}粒发了芽。"),
        (
            "{k} out of every {n} light bulbs tested {were} fine.",
            "抽查的灯泡中，每{n}个里有{k}个是合格的。",
        ),
    )
    text, text_zh = rng.choice(stories)
    steps = [
        step(
            f"Scale to 100: {k}/{n} = {dec(per_hundred)}/100 (multiply the top and bottom by "
            f"{dec(F(100, n))}).",
            f"化成分母是100的分数：{k}/{n} = {dec(per_hundred)}/100。",
            f"{k}/{n} = {dec(per_hundred)}/100",
            "fractions.equivalent_multiply",
        ),
        step(
            f"{dec(per_hundred)} out of 100 is {dec(per_hundred)}%.",
            f"{dec(per_hundred)}/100 = {dec(per_hundred)}%。",
            f"{dec(per_hundred)}/100 = {dec(per_hundred)}%",
            kp,
        ),
    ]
    return _draft(
        text.format(k=k, n=n, wear=agree(k, "wears", "wear"), were=agree(k, "was", "were"))
        + " What percent is that?",
        text_zh.format(k=k, n=n) + "这是百分之几？",
        f"{dec(per_hundred)}%",
        steps,
        {"part": k, "out_of": n, "ask": "percent"},
    )


@generator(
    "percent_fraction_decimal_convert",
    "percent.convert_forms",
    also={"decimals.fraction_to_decimal": 0.4, "percent.meaning": 0.4},
)
def percent_fraction_decimal_convert(difficulty: int, rng: random.Random) -> Draft:
    """Decimal → percent (1), fraction → percent (2), percent → fraction in lowest terms (3).

    params: ``value`` (the number given, as shown), ``from_form`` and ``to_form``.
    """
    kp = "percent.convert_forms"
    if difficulty == 1:
        x = F(rng.randint(1, 250), 100)
        if rng.random() < 0.3:
            x = F(rng.randint(1, 999), 1000)
        steps = [
            step(
                f"Multiply by 100 (move the decimal point two places right) and add %: "
                f"{dec(x)} = {_pct(x)}.",
                f"小数化成百分数：小数点向右移动两位，添上百分号：{dec(x)} = {_pct(x)}。",
                f"{dec(x)} = {dec(x * 100)}/100 = {_pct(x)}",
                kp,
            )
        ]
        return _draft(
            f"Write {dec(x)} as a percent.",
            f"把{dec(x)}化成百分数。",
            _pct(x),
            steps,
            {"value": dec(x), "from_form": "decimal", "to_form": "percent"},
        )
    if difficulty == 2:
        d = rng.choice((2, 4, 5, 8, 10, 20, 25, 40, 50))
        x = _proper(rng, d) if d > 2 else F(1, 2)
        if rng.random() < 0.3:
            x += 1
        steps = [
            step(
                f"Divide: {fr(x)} = {dec(x)}.",
                f"先用分子除以分母化成小数：{fr(x)} = {dec(x)}。",
                f"{fr(x)} = {dec(x)}",
                "decimals.fraction_to_decimal",
            ),
            step(
                f"Then {dec(x)} = {_pct(x)}.",
                f"再化成百分数：{dec(x)} = {_pct(x)}。",
                f"{dec(x)} = {_pct(x)}",
                kp,
            ),
        ]
        return _draft(
            f"Write {fr(x)} as a percent.",
            f"把{fr(x)}化成百分数。",
            _pct(x),
            steps,
            {"value": fr(x), "from_form": "fraction", "to_form": "percent"},
        )
    p = F(rng.choice([k for k in range(2, 200) if k % 10]))
    if rng.random() < 0.3:
        p = F(rng.choice((25, 75, 125, 175, 375, 625, 875)), 10)  # 2.5%, 12.5%, 87.5%…
    x = p / 100
    tenths = p.denominator != 1
    num, den = (int(p * 10), 1000) if tenths else (int(p), 100)
    steps = [
        step(
            f"{dec(p)}% means {dec(p)} per hundred: {dec(p)}% = {num}/{den}.",
            f"{dec(p)}%就是{dec(p)}/100，写成分数：{dec(p)}% = {num}/{den}。",
            f"{dec(p)}% = {num}/{den}",
            kp,
        ),
        *_simplify_steps(num, den),
    ]
    return _draft(
        f"Write {dec(p)}% as a fraction in simplest form.",
        f"把{dec(p)}%化成最简分数。",
        fr(x),
        steps,
        {"value": f"{dec(p)}%", "from_form": "percent", "to_form": "fraction"},
        FRACTION_ONLY,
    )


@generator(
    "percent_find_whole",
    "percent.find_whole",
    also={"percent.percent_of_quantity": 0.5, "percent.convert_forms": 0.3},
)
def percent_find_whole(difficulty: int, rng: random.Random) -> Draft:
    """p% of what is k: friendly percents (1), any multiple of 5 (2), a word problem (3).

    params: ``percent`` p, ``part`` k, ``whole`` (the answer); level 3 also ``story``.
    """
    kp = "percent.find_whole"
    if difficulty == 1:
        p = rng.choice((10, 20, 25, 50))
    else:
        p = rng.choice([k for k in range(5, 100, 5) if k != 50])
    step_size = 100 // math.gcd(p, 100)
    whole = step_size * rng.randint(1, max(2, (200 if difficulty < 3 else 600) // step_size))
    k = whole * p // 100
    steps = [
        step(
            f"{p}% of the number is {k}, so 1% of it is {k} ÷ {p} = {dec(F(k, p))}.",
            f"这个数的{p}%是{k}，那么它的1%是{k} ÷ {p} = {dec(F(k, p))}。",
            f"{k} / {p} = {dec(F(k, p))}",
            kp,
        ),
        step(
            f"The whole is 100%: {dec(F(k, p))} × 100 = {whole}. Check: {p}% × {whole} = {k}.",
            f"这个数是100%：{dec(F(k, p))} × 100 = {whole}。检验：{whole} × {p}% = {k}。",
            f"{k} / {p}% = {whole}",
            kp,
        ),
    ]
    params: dict[str, Any] = {"percent": p, "part": k, "whole": whole}
    if difficulty < 3:
        return _draft(
            f"{k} is {p}% of what number?",
            f"一个数的{p}%是{k}，这个数是多少？",
            str(whole),
            steps,
            params,
        )
    stories = (
        (
            "{name} has read {pages}, which is {p}% of a book. How many pages does the book have?",
            "{name}已经读了{k}页，占全书的{p}%。这本书一共有多少页？",
        ),
        (
            "A school has {students} who {walk} to school. {they_are} {p}% of all the students. "
            "How many students are in the school?",
            "学校里步行上学的学生有{k}人，占全校学生人数的{p}%。全校有多少名学生？",
        ),
        (
            "{name} has saved {k} yuan, which is {p}% of the price of a bike. "
            "What is the price of the bike in yuan?",
            "{name}已经存了{k}元，是一辆自行车价格的{p}%。这辆自行车多少元？",
        ),
    )
    index = rng.randrange(len(stories))
    name, name_zh = rng.choice(NAMES)
    params["story"] = index
    return _draft(
        stories[index][0].format(
            k=k,
            p=p,
            name=name,
            pages=count(k, "page"),
            students=count(k, "student"),
            walk=agree(k, "walks", "walk"),
            they_are=agree(k, "That is", "They are"),
        ),
        stories[index][1].format(k=k, p=p, name=name_zh),
        str(whole),
        steps,
        params,
    )


_ZHE = {10: "九折", 20: "八折", 25: "七五折", 30: "七折", 40: "六折", 50: "五折", 15: "八五折"}
_GOODS: tuple[tuple[str, str], ...] = (
    ("jacket", "外套"),
    ("pair of shoes", "运动鞋"),
    ("schoolbag", "书包"),
    ("desk lamp", "台灯"),
    ("football", "足球"),
)


@generator(
    "discount_and_markup",
    "percent.discount_markup",
    also={"percent.percent_of_quantity": 0.4, "percent.percent_change": 0.3},
)
def discount_and_markup(difficulty: int, rng: random.Random) -> Draft:
    """Sale price after a discount (1), selling price after a markup (2), original price (3).

    params: ``price`` (the price given), ``rate`` (percent off or up), ``kind`` ("discount",
    "markup" or "original"), ``item``.
    """
    kp = "percent.discount_markup"
    item, item_zh = rng.choice(_GOODS)
    if difficulty == 2:
        rate = rng.choice((10, 15, 20, 25, 30, 40, 50, 60))
        cost = rng.randint(2, 40) * 10
        price = cost * F(100 + rate, 100)
        steps = [
            step(
                f"The markup is {rate}% of the cost: {cost} × {rate}% = {dec(cost * F(rate, 100))}.",
                f"加价部分是进价的{rate}%：{cost} × {rate}% = {dec(cost * F(rate, 100))}（元）。",
                f"{cost} * {rate}% = {dec(cost * F(rate, 100))}",
                "percent.percent_of_quantity",
            ),
            step(
                f"Selling price: {cost} + {dec(cost * F(rate, 100))} = {dec(price)}, "
                f"the same as {cost} × {100 + rate}%.",
                f"售价：{cost} + {dec(cost * F(rate, 100))} = {dec(price)}（元），"
                f"也就是{cost} × {100 + rate}%。",
                f"{cost} * {100 + rate}% = {dec(price)}",
                kp,
            ),
        ]
        return _draft(
            f"A shop buys a {item} for {cost} yuan and marks the price up by {rate}%. "
            "What is the selling price in yuan?",
            f"商店以{cost}元的进价购进一个{item_zh}，按进价加价{rate}%出售。售价是多少元？",
            dec(price),
            steps,
            {"price": cost, "rate": rate, "kind": "markup", "item": item},
        )
    rate = rng.choice(tuple(_ZHE))
    zhe = _ZHE[rate]
    if difficulty == 1:
        price = F(rng.randint(4, 60) * 10)
        sale = price * F(100 - rate, 100)
        steps = [
            step(
                f"{rate}% off means paying {100 - rate}% of the price.",
                f"降价{rate}%（打{zhe}），就是按原价的{100 - rate}%付钱。",
                f"100% - {rate}% = {100 - rate}%",
                "percent.percent_change",
            ),
            step(
                f"{dec(price)} × {100 - rate}% = {dec(sale)}.",
                f"{dec(price)} × {100 - rate}% = {dec(sale)}（元）。",
                f"{dec(price)} * {100 - rate}% = {dec(sale)}",
                kp,
            ),
        ]
        return _draft(
            f"A {item} costs {dec(price)} yuan. It is on sale at {rate}% off. "
            "What is the sale price in yuan?",
            f"一个{item_zh}原价{dec(price)}元，现在打{zhe}出售。现价是多少元？",
            dec(sale),
            steps,
            {"price": dec(price), "rate": rate, "kind": "discount", "item": item},
        )
    original = F(rng.randint(4, 80) * 20)
    sale = original * F(100 - rate, 100)
    steps = [
        step(
            f"After {rate}% off, {dec(sale)} yuan is {100 - rate}% of the original price.",
            f"打{zhe}后的{dec(sale)}元是原价的{100 - rate}%。",
            f"100% - {rate}% = {100 - rate}%",
            "percent.percent_change",
        ),
        step(
            f"Original price: {dec(sale)} ÷ {100 - rate}% = {dec(original)}.",
            f"原价：{dec(sale)} ÷ {100 - rate}% = {dec(original)}（元）。",
            f"{dec(sale)} / {100 - rate}% = {dec(original)}",
            "percent.find_whole",
        ),
    ]
    return _draft(
        f"After {article(rate)} {rate}% discount, a {item} costs {dec(sale)} yuan. "
        "What was the original price in yuan?",
        f"一个{item_zh}打{zhe}后售价{dec(sale)}元。它的原价是多少元？",
        dec(original),
        steps,
        {"price": dec(sale), "rate": rate, "kind": "original", "item": item},
    )


@generator(
    "tax_tip_commission",
    "percent.tax_tip_commission",
    also={"percent.percent_of_quantity": 0.5, "decimals.add": 0.2},
)
def tax_tip_commission(difficulty: int, rng: random.Random) -> Draft:
    """A tax, service charge or commission amount (1), the total with it (2), base pay plus
    commission (3).

    params: ``amount`` (the base amount), ``rate`` (percent), ``kind`` ("tax", "tip" or
    "commission"), ``ask`` ("charge" or "total"); level 3 also ``base_pay``.
    """
    kp = "percent.tax_tip_commission"
    if difficulty < 3:
        kind = rng.choice(("tax", "tip"))
        rate = rng.choice((3, 5, 6, 8, 10, 12, 15, 20) if kind == "tax" else (5, 10, 15, 18, 20))
        # Whole-yuan amounts keep every charge to whole fen (at most two decimal places).
        amount = F(rng.randint(20, 400) if difficulty == 1 else rng.randint(50, 999))
        charge = amount * F(rate, 100)
        word, word_zh = ("sales tax", "税") if kind == "tax" else ("service charge", "服务费")
        steps = [
            step(
                f"The {word} is {rate}% of {dec(amount)}: {dec(amount)} × {rate}% = {dec(charge)}.",
                f"{word_zh}是{dec(amount)}元的{rate}%：{dec(amount)} × {rate}% = {dec(charge)}（元）。",
                f"{dec(amount)} * {rate}% = {dec(charge)}",
                kp,
            )
        ]
        if kind == "tax":
            setting = (
                f"A bill comes to {dec(amount)} yuan before {article(rate)} {rate}% sales tax."
            )
            setting_zh = f"一张账单税前是{dec(amount)}元，要另外缴纳{rate}%的税。"
        else:
            setting = f"A restaurant meal costs {dec(amount)} yuan plus {article(rate)} {rate}% service charge."
            setting_zh = f"在饭店吃饭花了{dec(amount)}元，另外要加收{rate}%的服务费。"
        params: dict[str, Any] = {"amount": dec(amount), "rate": rate, "kind": kind}
        if difficulty == 1:
            params["ask"] = "charge"
            return _draft(
                f"{setting} How much is the {word} in yuan?",
                f"{setting_zh}{word_zh}是多少元？",
                dec(charge),
                steps,
                params,
            )
        params["ask"] = "total"
        steps.append(
            step(
                f"Total: {dec(amount)} + {dec(charge)} = {dec(amount + charge)}.",
                f"一共要付：{dec(amount)} + {dec(charge)} = {dec(amount + charge)}（元）。",
                f"{dec(amount)} + {dec(charge)} = {dec(amount + charge)}",
                "decimals.add",
            )
        )
        return _draft(
            f"{setting} What is the total to pay in yuan?",
            f"{setting_zh}一共要付多少元？",
            dec(amount + charge),
            steps,
            params,
        )
    base = rng.randint(20, 60) * 100
    rate = rng.choice((2, 3, 4, 5, 6, 8, 10))
    sales = rng.randint(10, 90) * 1000
    commission = sales * F(rate, 100)
    name, name_zh = rng.choice(NAMES)
    steps = [
        step(
            f"Commission: {sales} × {rate}% = {dec(commission)}.",
            f"提成：{sales} × {rate}% = {dec(commission)}（元）。",
            f"{sales} * {rate}% = {dec(commission)}",
            kp,
        ),
        step(
            f"Total pay: {base} + {dec(commission)} = {dec(base + commission)}.",
            f"总收入：{base} + {dec(commission)} = {dec(base + commission)}（元）。",
            f"{base} + {dec(commission)} = {dec(base + commission)}",
            "whole_ops.add_multidigit",
        ),
    ]
    return _draft(
        f"{name} earns a base pay of {base} yuan a month plus {article(rate)} {rate}% commission on sales. "
        f"This month {name} sold {sales} yuan of goods. What is {name}'s total pay in yuan?",
        f"{name_zh}每月底薪{base}元，另外按销售额的{rate}%拿提成。这个月{name_zh}的销售额是{sales}元，"
        f"{name_zh}这个月一共收入多少元？",
        dec(base + commission),
        steps,
        {"amount": sales, "rate": rate, "kind": "commission", "ask": "total", "base_pay": base},
    )


@generator("simple_interest", "percent.simple_interest", also={"percent.percent_of_quantity": 0.5})
def simple_interest(difficulty: int, rng: random.Random) -> Draft:
    """Interest for 1 year (1), for several years (2), the total with decimal rates (3).

    params: ``principal`` P, ``rate`` (yearly percent, as shown), ``years`` t, ``ask``
    ("interest" or "total").
    """
    kp = "percent.simple_interest"
    principal = rng.randint(1, 50) * 1000 if difficulty < 3 else rng.randint(2, 40) * 500
    if difficulty == 3:
        rate = F(rng.choice((125, 150, 175, 225, 250, 275, 325, 350, 375)), 100)
    else:
        rate = F(rng.randint(1, 6))
    years = 1 if difficulty == 1 else rng.randint(2, 5)
    interest = principal * rate / 100 * years
    steps = [
        step(
            f"Interest = principal × rate × time = {principal} × {dec(rate)}% × {years} "
            f"= {dec(interest)}.",
            f"利息 = 本金 × 利率 × 存期 = {principal} × {dec(rate)}% × {years} = {dec(interest)}（元）。",
            f"{principal} * {dec(rate)}% * {years} = {dec(interest)}",
            kp,
        )
    ]
    ask = "total" if difficulty == 3 else "interest"
    question = "How much interest is earned, in yuan?"
    question_zh = "到期时可以得到利息多少元？"
    answer = interest
    if ask == "total":
        steps.append(
            step(
                f"Total = principal + interest = {principal} + {dec(interest)} = "
                f"{dec(principal + interest)}.",
                f"本息合计 = 本金 + 利息 = {principal} + {dec(interest)} = {dec(principal + interest)}（元）。",
                f"{principal} + {dec(interest)} = {dec(principal + interest)}",
                "decimals.add",
            )
        )
        question = "How much will there be in total (principal plus interest), in yuan?"
        question_zh = "到期时本金和利息一共多少元？"
        answer = principal + interest
    name, name_zh = rng.choice(NAMES)
    unit = "year" if years == 1 else "years"
    return _draft(
        f"{name} deposits {principal} yuan in a bank for {years} {unit} at a simple interest "
        f"rate of {dec(rate)}% per year. {question}",
        f"{name_zh}把{principal}元存入银行，存期{years}年，年利率是{dec(rate)}%（按单利计算）。"
        f"{question_zh}",
        dec(answer),
        steps,
        {"principal": principal, "rate": dec(rate), "years": years, "ask": ask},
    )


@generator(
    "percent_error",
    "percent.percent_error",
    also={"integers.absolute_value": 0.3, "percent.find_percent": 0.4},
)
def percent_error(difficulty: int, rng: random.Random) -> Draft:
    """Over-estimates with whole-number errors (1), under- or over- (2), rounded to 0.1% (3).

    params: ``estimate``, ``actual``, ``rounded`` (true at level 3).
    """
    kp = "percent.percent_error"
    if difficulty < 3:
        actual = rng.choice((20, 25, 40, 50, 80, 100, 200, 250, 400, 500))
        off = rng.randint(1, actual // 4) * (1 if difficulty == 1 or rng.random() < 0.5 else -1)
        while (off * 100) % actual:
            off += 1 if off > 0 else -1
    else:
        actual = rng.randint(30, 400)
        off = rng.randint(1, actual // 5) * rng.choice((1, -1))
    estimate = actual + off
    error = F(abs(off) * 100, actual)
    lo, hi = (estimate, actual) if off < 0 else (actual, estimate)
    steps = [
        step(
            f"How far off: |{estimate} − {actual}| = {abs(off)}.",
            f"误差：|{estimate} − {actual}| = {abs(off)}。",
            f"{hi} - {lo} = {abs(off)}",
            "integers.absolute_value",
        ),
        step(
            f"Compare with the actual value: {abs(off)} ÷ {actual} × 100% = "
            f"{dec(error) if error.denominator in (1, 2, 4, 5, 10) else '≈ ' + dec(_round(error, 1))}%.",
            f"再除以实际值：{abs(off)} ÷ {actual} × 100% "
            f"{'= ' + dec(error) if error.denominator in (1, 2, 4, 5, 10) else '≈ ' + dec(_round(error, 1))}%。",
            f"{abs(off)} / {actual} * 100 = {fr(error)}",
            kp,
        ),
    ]
    things = (
        (
            "{name} estimated that a bag of rice weighs {e} kg. It really weighs {a} kg.",
            "{name}估计一袋大米重{e}千克，实际重{a}千克。",
        ),
        (
            "{name} guessed there were {e} beans in a jar. There were really {a}.",
            "{name}猜一个罐子里有{e}颗豆子，实际上有{a}颗。",
        ),
        (
            "{name} measured a table as {e} cm long. Its true length is {a} cm.",
            "{name}量得一张桌子长{e}厘米，它的实际长度是{a}厘米。",
        ),
    )
    text, text_zh = rng.choice(things)
    name, name_zh = rng.choice(NAMES)
    rounded = difficulty == 3
    if rounded:
        answer = f"{_fixed(_round(error, 1), 1)}%"
        ask, ask_zh = "Round to the nearest tenth of a percent.", "结果保留一位小数。"
        policy = AnswerPolicy(tolerance=0.0005)
    else:
        answer, ask, ask_zh, policy = f"{dec(error)}%", "", "", PLAIN
    return _draft(
        text.format(name=name, e=estimate, a=actual)
        + f" What is the percent error? {ask}".rstrip(),
        text_zh.format(name=name_zh, e=estimate, a=actual) + f"百分误差是多少？{ask_zh}",
        answer,
        steps,
        {"estimate": estimate, "actual": actual, "rounded": rounded},
        policy,
    )


@generator(
    "compound_growth_decay",
    "percent.growth_decay",
    also={"percent.percent_change": 0.4, "exponents.whole_number_exponents": 0.2},
)
def compound_growth_decay(difficulty: int, rng: random.Random) -> Draft:
    """Compound growth over 2 years (1), decay over 2–3 years (2), either, rounded to cents (3).

    params: ``start`` P, ``rate`` r (percent per year), ``years`` t, ``kind`` ("growth" or
    "decay").
    """
    kp = "percent.growth_decay"
    if difficulty == 1:
        kind, years = "growth", 2
        rate = rng.choice((5, 10, 20, 25, 50))
        start = rng.randint(1, 50) * 100
    elif difficulty == 2:
        kind, years = "decay", rng.randint(2, 3)
        rate = rng.choice((10, 20, 30, 40, 50))
        start = rng.randint(1, 60) * (100 if years == 2 else 1000)
    else:
        kind, years = rng.choice(("growth", "decay")), rng.randint(3, 5)
        rate = rng.choice((2, 3, 4, 6, 7, 8, 12, 15))
        start = rng.randint(10, 200) * 100
    factor = F(100 + rate if kind == "growth" else 100 - rate, 100)
    exact = start * factor**years
    steps = [
        step(
            f"Each year the amount is multiplied by 1 {'+' if kind == 'growth' else '−'} {rate}% "
            f"= {dec(factor)}.",
            f"每年都变成上一年的(1 {'+' if kind == 'growth' else '−'} {rate}%) = {dec(factor)}倍。",
            f"1 {'+' if kind == 'growth' else '-'} {rate}% = {dec(factor)}",
            "percent.percent_change",
        ),
        step(
            f"After {years} years: {start} × {dec(factor)}^{years} = {dec(exact)}.",
            f"{years}年后：{start} × {dec(factor)}^{years} = {dec(exact)}。",
            f"{start} * {dec(factor)}^{years} = {dec(exact)}",
            kp,
        ),
    ]
    policy = PLAIN
    answer = dec(exact)
    tail, tail_zh = "", ""
    if difficulty == 3:
        rounded = _round(exact, 2)
        answer = _fixed(rounded, 2)
        policy = AnswerPolicy(tolerance=0.005)
        tail, tail_zh = " Round to the nearest hundredth.", "（结果保留两位小数）"
        steps.append(
            step(
                f"Rounded to the nearest hundredth: {answer}.",
                f"保留两位小数：约{answer}。",
                f"{dec(rounded - F(1, 200))} <= {dec(exact)} < {dec(rounded + F(1, 200))}",
                "decimals.round",
            )
        )
    if kind == "growth":
        prompt = (
            f"A savings account starts with {start} yuan and grows by {rate}% each year "
            f"(compound interest). How much is in the account after {years} years, in yuan?"
        )
        prompt_zh = (
            f"一个储蓄账户存入{start}元，每年按{rate}%的利率复利增长。{years}年后账户里有多少元？"
        )
    else:
        prompt = (
            f"A machine worth {start} yuan loses {rate}% of its value each year. "
            f"What is it worth after {years} years, in yuan?"
        )
        prompt_zh = f"一台机器价值{start}元，每年比上一年贬值{rate}%。{years}年后它价值多少元？"
    return _draft(
        prompt + tail,
        prompt_zh + tail_zh,
        answer,
        steps,
        {"start": start, "rate": rate, "years": years, "kind": kind},
        policy,
    )


# --------------------------------------------------------------------------------------------
# Ratio and proportion (grades 6–7)
# --------------------------------------------------------------------------------------------

_PAIRS: tuple[tuple[str, str, str, str, str], ...] = (
    # (English first, Chinese first, English second, Chinese second, Chinese measure word)
    ("red marbles", "红弹珠", "blue marbles", "蓝弹珠", "颗"),
    ("boys", "男生", "girls", "女生", "名"),
    ("apple trees", "苹果树", "pear trees", "梨树", "棵"),
    ("cups of flour", "面粉", "cups of water", "水", "杯"),
    ("ducks", "鸭", "chickens", "鸡", "只"),
)


@generator("ratio_language", "ratio.ratio_concept", also={"fractions.fraction_meaning": 0.3})
def ratio_language(difficulty: int, rng: random.Random) -> Draft:
    """Part to part (1), part to whole (2), one part to the other two together (3).

    Ratios are answered as ``a:b`` (equivalent ratios are accepted).

    params: ``counts`` (the quantities as given), ``labels`` (their English names), ``ask``
    ("first_to_second", "part_to_whole" or "one_to_rest").
    """
    kp = "ratio.ratio_concept"
    first, first_zh, second, second_zh, unit_zh = rng.choice(_PAIRS)
    a, b = rng.sample(range(2, 25 if difficulty == 1 else 40), 2)
    context = f"There are {a} {first} and {b} {second}."
    context_zh = f"有{a}{unit_zh}{first_zh}和{b}{unit_zh}{second_zh}。"
    if difficulty == 1:
        steps = [
            step(
                f"The ratio of {first} to {second} compares {a} with {b}: {a}:{b}.",
                f"{first_zh}与{second_zh}的数量比是{a}:{b}（前项是{a}，后项是{b}）。",
                f"{a}:{b} = {a}/{b}",
                kp,
            )
        ]
        return _draft(
            f"{context} Write the ratio of {first} to {second}.",
            f"{context_zh}写出{first_zh}与{second_zh}的数量比。",
            f"{a}:{b}",
            steps,
            {"counts": [a, b], "labels": [first, second], "ask": "first_to_second"},
        )
    if difficulty == 2:
        total = a + b
        steps = [
            step(
                f"Altogether there are {a} + {b} = {total}.",
                f"总数是{a} + {b} = {total}。",
                f"{a} + {b} = {total}",
                "whole_ops.add_2digit_regroup",
            ),
            step(
                f"The ratio of {second} to the total is {b}:{total}.",
                f"{second_zh}与总数的比是{b}:{total}。",
                f"{b}:{total} = {b}/{total}",
                kp,
            ),
        ]
        return _draft(
            f"{context} Write the ratio of {second} to the total.",
            f"{context_zh}写出{second_zh}与总数的比。",
            f"{b}:{total}",
            steps,
            {"counts": [a, b], "labels": [first, second], "ask": "part_to_whole"},
        )
    c = rng.randint(2, 30)
    colours = (("red", "红"), ("blue", "蓝"), ("green", "绿"))
    pick = rng.randrange(3)
    counts = [a, b, c]
    rest = sum(counts) - counts[pick]
    steps = [
        step(
            f"The other two colours together: {sum(counts)} − {counts[pick]} = {rest}.",
            f"另外两种颜色一共：{sum(counts)} − {counts[pick]} = {rest}。",
            f"{sum(counts)} - {counts[pick]} = {rest}",
            "whole_ops.add_2digit_regroup",
        ),
        step(
            f"So the ratio is {counts[pick]}:{rest}.",
            f"所以比是{counts[pick]}:{rest}。",
            f"{counts[pick]}:{rest} = {counts[pick]}/{rest}",
            kp,
        ),
    ]
    return _draft(
        f"A box has {a} red, {b} blue and {c} green beads. Write the ratio of "
        f"{colours[pick][0]} beads to all the other beads.",
        f"盒子里有{a}颗红珠子、{b}颗蓝珠子和{c}颗绿珠子。写出{colours[pick][1]}珠子与其余珠子的数量比。",
        f"{counts[pick]}:{rest}",
        steps,
        {"counts": counts, "labels": ["red", "blue", "green"], "ask": "one_to_rest", "pick": pick},
    )


@generator(
    "equivalent_ratio_missing",
    "ratio.equivalent_ratios",
    also={"fractions.equivalent_multiply": 0.4, "ratio.ratio_concept": 0.3},
)
def equivalent_ratio_missing(difficulty: int, rng: random.Random) -> Draft:
    """a:b = ka:□ (1), a ratio-table gap, either term (2), a non-whole scale factor (3).

    params: ``ratio`` [a, b], ``known`` (the given term of the new ratio), ``known_position``
    (0 or 1), ``scale`` (as a fraction string).
    """
    kp = "ratio.equivalent_ratios"
    while True:
        a, b = rng.randint(1, 9), rng.randint(2, 12)
        if (a != b and math.gcd(a, b) == 1) or difficulty == 3:
            break
    if difficulty == 3:
        g = rng.randint(2, 4)
        a, b = a * g, b * g  # not in lowest terms, so the scale factor need not be whole
        while math.gcd(a, b) != g or a == b:
            a, b = rng.randint(1, 9) * g, rng.randint(2, 12) * g
        scale = F(rng.randint(g + 1, 4 * g), g)
        while scale.denominator == 1:
            scale = F(rng.randint(g + 1, 4 * g), g)
    else:
        scale = F(rng.randint(2, 6 if difficulty == 1 else 12))
    position = 0 if difficulty == 1 else rng.randrange(2)
    new = (a * scale, b * scale)
    known, missing = new[position], new[1 - position]
    given = (a, b)[position]
    steps = [
        step(
            f"The term {given} became {dec(known)}: the scale factor is {dec(known)} ÷ {given} "
            f"= {fr(scale)}.",
            f"{given}变成了{dec(known)}，扩大的倍数是{dec(known)} ÷ {given} = {fr(scale)}。",
            f"{dec(known)} / {given} = {fr(scale)}",
            kp,
        ),
        step(
            f"Multiply the other term by the same factor: {(b, a)[position]} × {fr(scale)} = "
            f"{dec(missing)}.",
            f"另一项也乘同一个数：{(b, a)[position]} × {fr(scale)} = {dec(missing)}。",
            f"{(b, a)[position]} * {_br(scale)} = {dec(missing)}",
            kp,
        ),
    ]
    left = f"{a}:{b}"
    right = f"{dec(known)}:□" if position == 0 else f"□:{dec(known)}"
    return _draft(
        f"Fill in the missing number so the ratios are equivalent: {left} = {right}",
        f"在□里填上合适的数，使两个比相等：{left} = {right}",
        dec(missing),
        steps,
        {"ratio": [a, b], "known": dec(known), "known_position": position, "scale": fr(scale)},
    )


@generator(
    "share_in_ratio",
    "ratio.share_in_ratio",
    also={"ratio.equivalent_ratios": 0.4, "mult_div.division_facts": 0.2},
)
def share_in_ratio(difficulty: int, rng: random.Random) -> Draft:
    """Share a total in a:b (1), a word problem asking for either share (2), a:b:c or from
    the difference between the shares (3).

    params: ``ratio`` (the parts), ``total`` (null when the difference is given),
    ``difference`` (level 3 difference version), ``ask`` (index of the share asked for).
    """
    kp = "ratio.share_in_ratio"
    name1, name1_zh = rng.choice(NAMES)
    name2, name2_zh = rng.choice([n for n in NAMES if n[0] != name1])
    if difficulty < 3 or rng.random() < 0.5:
        parts = rng.sample(range(1, 10), 3 if difficulty == 3 else 2)
        unit = rng.randint(2, 12 if difficulty == 1 else 25)
        total = unit * sum(parts)
        ask = rng.randrange(len(parts)) if difficulty > 1 else parts.index(max(parts))
        ratio_text = ":".join(str(p) for p in parts)
        steps = [
            step(
                f"The ratio has {' + '.join(str(p) for p in parts)} = {sum(parts)} equal parts.",
                f"一共有{' + '.join(str(p) for p in parts)} = {sum(parts)}份。",
                f"{' + '.join(str(p) for p in parts)} = {sum(parts)}",
                kp,
            ),
            step(
                f"One part is {total} ÷ {sum(parts)} = {unit}.",
                f"每份是{total} ÷ {sum(parts)} = {unit}。",
                f"{total} / {sum(parts)} = {unit}",
                "mult_div.division_facts",
            ),
            step(
                f"{count(parts[ask], 'part')} {agree(parts[ask], 'is', 'are')} {parts[ask]} × {unit} = "
                f"{parts[ask] * unit}.",
                f"{parts[ask]}份是{parts[ask]} × {unit} = {parts[ask] * unit}。",
                f"{parts[ask]} * {unit} = {parts[ask] * unit}",
                kp,
            ),
        ]
        params: dict[str, Any] = {"ratio": parts, "total": total, "difference": None, "ask": ask}
        if difficulty == 1:
            return _draft(
                f"Share {total} in the ratio {ratio_text}. What is the larger share?",
                f"把{total}按{ratio_text}分成两份，较大的一份是多少？",
                str(parts[ask] * unit),
                steps,
                params,
            )
        if len(parts) == 2:
            who, who_zh = (name1, name1_zh) if ask == 0 else (name2, name2_zh)
            return _draft(
                f"{name1} and {name2} share {total} yuan in the ratio {ratio_text}. "
                f"How many yuan does {who} get?",
                f"{name1_zh}和{name2_zh}按{ratio_text}分{total}元钱，{who_zh}分得多少元？",
                str(parts[ask] * unit),
                steps,
                params,
            )
        kinds = (("rice", "大米"), ("flour", "面粉"), ("beans", "豆子"))
        return _draft(
            f"{article(total).capitalize()} {total} kg mix of rice, flour and beans is in the ratio {ratio_text} by weight. "
            f"How many kilograms of {kinds[ask][0]} are there?",
            f"大米、面粉和豆子按{ratio_text}的重量比混合，共{total}千克。其中{kinds[ask][1]}有多少千克？",
            str(parts[ask] * unit),
            steps,
            params,
        )
    a, b = rng.choice(
        [(p, q) for p in range(1, 10) for q in range(1, 10) if math.gcd(p, q) == 1 and p != q]
    )
    big, small = max(a, b), min(a, b)
    unit = rng.randint(2, 20)
    diff = (big - small) * unit
    total = (a + b) * unit
    steps = [
        step(
            f"The shares differ by {big} − {small} = {count(big - small, 'part')}, and that is {diff}.",
            f"两人相差{big} − {small} = {big - small}份，正好是{diff}元。",
            f"{big} - {small} = {big - small}",
            kp,
        ),
        step(
            f"One part is {diff} ÷ {big - small} = {unit}.",
            f"每份是{diff} ÷ {big - small} = {unit}（元）。",
            f"{diff} / {big - small} = {unit}",
            "mult_div.division_facts",
        ),
        step(
            f"Altogether there are {a + b} parts: {a + b} × {unit} = {total}.",
            f"一共{a + b}份：{a + b} × {unit} = {total}（元）。",
            f"{a + b} * {unit} = {total}",
            kp,
        ),
    ]
    more, more_zh = (name1, name1_zh) if a > b else (name2, name2_zh)
    return _draft(
        f"{name1} and {name2} share some money in the ratio {a}:{b}. {more} gets {diff} yuan "
        "more. How many yuan are shared altogether?",
        f"{name1_zh}和{name2_zh}按{a}:{b}分一笔钱，{more_zh}比另一人多分{diff}元。这笔钱一共有多少元？",
        str(total),
        steps,
        {"ratio": [a, b], "total": None, "difference": diff, "ask": None},
    )


# --------------------------------------------------------------------------------------------
# Signed numbers (grades 6–7)
# --------------------------------------------------------------------------------------------


def _signed_value(rng: random.Random, difficulty: int) -> F:
    """A non-zero signed number: an integer (levels 1–2) or a fraction or tenths (level 3)."""
    if difficulty < 3:
        value = F(rng.randint(1, 12 if difficulty == 1 else 60))
    elif rng.random() < 0.5:
        # Denominators 2, 5 and 10 are left to the decimals, so each value has one look.
        value = _proper(rng, rng.choice((3, 4, 6, 7, 8, 9))) + rng.randint(0, 4)
    else:
        value = F(rng.choice([k for k in range(1, 100) if k % 10]), 10)
    return value * rng.choice((1, -1))


def _show_signed(value: F) -> str:
    """A signed number as printed: a decimal for tenths, a (mixed) fraction otherwise."""
    if value.denominator in (2, 5, 10):
        return dec(value)
    return _show_frac(value)


def _show_frac(value: F) -> str:
    """A signed number as a fraction, or a mixed number when its size is above 1."""
    if value.denominator == 1 or abs(value) < 1:
        return fr(value)
    return ("-" if value < 0 else "") + mixed(abs(value))


@generator("opposite_number", "integers.opposites", also={"integers.number_line": 0.4})
def opposite_number(difficulty: int, rng: random.Random) -> Draft:
    """The opposite of an integer (1), of a nested opposite −(−(…)) (2), of a fraction or
    decimal (3).

    params: ``number`` (as shown), ``nesting`` (how many minus signs are stacked, level 2).
    """
    kp = "integers.opposites"
    x = _signed_value(rng, difficulty)
    nesting = rng.randint(2, 3) if difficulty == 2 else 1
    answer = x * (-1) ** nesting
    if difficulty == 2:
        shown = "-(" * (nesting - 1) + f"-{neg(x)}" + ")" * (nesting - 1)
        steps = [
            step(
                f"Each minus sign takes the opposite once; {nesting} of them give "
                f"{'the opposite' if nesting % 2 else 'the number itself'}: {shown} = {fr(answer)}.",
                f"每个负号表示取一次相反数；{nesting}个负号，结果是"
                f"{'它的相反数' if nesting % 2 else '它本身'}：{shown} = {fr(answer)}。",
                f"{shown} = {fr(answer)}",
                kp,
            )
        ]
        return _draft(
            f"Simplify {shown}.",
            f"化简：{shown}。",
            fr(answer),
            steps,
            {"number": fr(x), "nesting": nesting},
        )
    steps = [
        step(
            f"The opposite of {_show_signed(x)} is the same distance from 0 on the other side: "
            f"{_show_signed(answer)}. A number plus its opposite is 0.",
            f"{_show_signed(x)}的相反数在数轴上与它到原点的距离相等、在原点的另一侧："
            f"{_show_signed(answer)}。互为相反数的两个数和为0。",
            f"{_br(x)} + {_br(answer)} = 0",
            kp,
        )
    ]
    return _draft(
        f"What is the opposite of {_show_signed(x)}?",
        f"{_show_signed(x)}的相反数是多少？",
        _show_signed(answer),
        steps,
        {"number": _show_signed(x), "nesting": 1},
    )


@generator(
    "order_signed_numbers",
    "integers.compare_order",
    also={"integers.number_line": 0.5, "integers.absolute_value": 0.2},
)
def order_signed_numbers(difficulty: int, rng: random.Random) -> Draft:
    """The greater of two integers (1), the least of four integers (2), the greatest or
    least of four fractions and decimals (3).

    params: ``numbers`` (as shown), ``ask`` ("greatest" or "least").
    """
    kp = "integers.compare_order"
    count = 2 if difficulty == 1 else 4
    values: list[F] = []
    while len(values) < count:
        v = _signed_value(rng, 1 if difficulty == 1 else difficulty)
        if difficulty < 3 and rng.random() < 0.6:
            v = -abs(v)  # mostly negatives: comparing them is the hard part
        if v not in values:
            values.append(v)
    ask = (
        "greatest"
        if difficulty == 1
        else ("least" if difficulty == 2 else rng.choice(("greatest", "least")))
    )
    target = max(values) if ask == "greatest" else min(values)
    ordered = sorted(values)
    chain = " < ".join(_br(v) for v in ordered)
    shown = [_show_signed(v) for v in values]
    steps = [
        step(
            "On a number line, numbers further right are greater; a negative number is "
            "further left the larger its absolute value. In order: "
            + " < ".join(_show_signed(v) for v in ordered)
            + ".",
            "在数轴上，右边的数总比左边的数大；两个负数比较，绝对值大的反而小。从小到大排列："
            + " < ".join(_show_signed(v) for v in ordered)
            + "。",
            chain,
            kp,
        )
    ]
    if difficulty == 1:
        prompt = f"Which is greater, {shown[0]} or {shown[1]}? Write the greater number."
        prompt_zh = f"{shown[0]}和{shown[1]}哪个大？写出较大的数。"
    else:
        prompt = f"Which of {', '.join(shown)} is the {ask}? Write that number."
        prompt_zh = f"在{'、'.join(shown)}中，{'最大' if ask == 'greatest' else '最小'}的数是哪个？写出这个数。"
    return _draft(
        prompt,
        prompt_zh,
        _show_signed(target),
        steps,
        {"numbers": shown, "ask": ask},
    )


@generator(
    "add_same_sign_numbers",
    "integers.add_same_sign",
    also={"integers.absolute_value": 0.4},
)
def add_same_sign_numbers(difficulty: int, rng: random.Random) -> Draft:
    """Two negatives (1), two negatives up to 99 (2), three negatives (3).

    params: ``addends`` (list of integers).
    """
    kp = "integers.add_same_sign"
    top = (12, 99, 60)[difficulty - 1]
    addends = [-rng.randint(2, top) for _ in range(3 if difficulty == 3 else 2)]
    total = sum(addends)
    sizes = " + ".join(str(-a) for a in addends)
    shown = " + ".join(neg(a) if i else str(a) for i, a in enumerate(addends))
    steps = [
        step(
            f"All the numbers are negative: add their absolute values, {sizes} = {-total}.",
            f"同号两数相加，取相同的符号，并把绝对值相加：{sizes} = {-total}。",
            f"{sizes} = {-total}",
            "integers.absolute_value",
        ),
        step(
            f"Keep the common sign: {shown} = {total}.",
            f"结果取负号：{shown} = {total}。",
            f"{shown} = {total}",
            kp,
        ),
    ]
    return _draft(
        f"Work out {shown}.",
        f"计算：{shown}。",
        str(total),
        steps,
        {"addends": addends},
    )


@generator(
    "distance_between_numbers",
    "integers.distance_number_line",
    also={"integers.subtract": 0.5, "integers.absolute_value": 0.3},
)
def distance_between_numbers(difficulty: int, rng: random.Random) -> Draft:
    """Distance between a negative and a positive integer (1), any two integers (2), two
    signed fractions or decimals (3).

    params: ``points`` (the two numbers, as shown).
    """
    kp = "integers.distance_number_line"
    while True:
        a, b = _signed_value(rng, difficulty), _signed_value(rng, difficulty)
        if difficulty == 1:
            a, b = -abs(a), abs(b)
        decimals = (a.denominator in (2, 5, 10), b.denominator in (2, 5, 10))
        if difficulty == 3 and decimals[0] != decimals[1]:
            continue  # keep both as fractions or both as decimals
        if a != b:
            break
    lo, hi = min(a, b), max(a, b)
    distance = hi - lo
    steps = [
        step(
            f"The distance is the absolute value of the difference: "
            f"|{_show_signed(a)} − {_br(b) if b < 0 else _show_signed(b)}| = "
            f"{_show_signed(hi)} − {_br(lo)}.",
            f"两点间的距离等于两数之差的绝对值，用大数减小数：{_show_signed(hi)} − {_br(lo)}。",
            f"{_br(hi)} - {_br(lo)} = {fr(distance)}",
            kp,
        ),
        step(
            f"So the distance is {_show_signed(distance)}.",
            f"所以距离是{_show_signed(distance)}。",
            f"{_br(lo)} + {_br(distance)} = {_br(hi)}",
            "integers.subtract",
        ),
    ]
    pa, pb = _show_signed(a), _show_signed(b)
    return _draft(
        f"How far apart are {pa} and {pb} on a number line?",
        f"数轴上表示{pa}和{pb}的两个点之间的距离是多少？",
        _show_signed(distance),
        steps,
        {"points": [pa, pb]},
    )


@generator(
    "signed_fraction_decimal_add_sub",
    "integers.rational_add_sub",
    also={"integers.subtract": 0.4, "fractions.add_unlike": 0.3},
)
def signed_fraction_decimal_add_sub(difficulty: int, rng: random.Random) -> Draft:
    """Signed decimals (1), signed fractions with unlike denominators (2), three terms with
    mixed numbers (3).

    params: ``terms`` (as shown), ``ops`` (list of "+" or "-").
    """
    kp = "integers.rational_add_sub"
    count = 3 if difficulty == 3 else 2
    terms: list[F] = []
    for _ in range(count):
        if difficulty == 1:
            t = F(rng.randint(1, 999), rng.choice((10, 100)))
        elif difficulty == 2:
            t = _proper(rng, rng.choice((2, 3, 4, 5, 6, 8, 9, 10, 12)))
        else:
            t = _proper(rng, rng.choice((2, 3, 4, 5, 6))) + rng.randint(0, 3)
        terms.append(t * rng.choice((1, -1)))
    if all(t > 0 for t in terms):
        terms[0] = -terms[0]
    ops = [rng.choice(("+", "-")) for _ in range(count - 1)]
    show = dec if difficulty == 1 else _show_frac
    shown = show(terms[0]) + "".join(
        f" {op} {('(' + show(t) + ')') if t < 0 else show(t)}"
        for op, t in zip(ops, terms[1:], strict=True)
    )
    value = terms[0]
    as_sum = [terms[0]]
    for op, t in zip(ops, terms[1:], strict=True):
        value = value + t if op == "+" else value - t
        as_sum.append(t if op == "+" else -t)
    claim_expr = _br(terms[0]) + "".join(
        f" {op} {_br(t)}" for op, t in zip(ops, terms[1:], strict=True)
    )
    steps = [
        step(
            "Subtracting a number is adding its opposite: "
            + " + ".join(_br(t) for t in as_sum)
            + ".",
            "减去一个数等于加上这个数的相反数：" + " + ".join(_br(t) for t in as_sum) + "。",
            f"{claim_expr} = " + " + ".join(_br(t) for t in as_sum),
            "integers.subtract",
        ),
        step(
            f"Add, keeping track of the signs: {' + '.join(_br(t) for t in as_sum)} = {fr(value)}.",
            f"按有理数加法法则计算：{' + '.join(_br(t) for t in as_sum)} = {fr(value)}。",
            " + ".join(_br(t) for t in as_sum) + f" = {fr(value)}",
            kp,
        ),
    ]
    answer = dec(value) if difficulty == 1 else fr(value)
    tail = "" if difficulty == 1 else " Give your answer in simplest form."
    tail_zh = "" if difficulty == 1 else "（结果化成最简形式）"
    return _draft(
        f"Work out {shown}.{tail}",
        f"计算：{shown}。{tail_zh}",
        answer,
        steps,
        {"terms": [show(t) for t in terms], "ops": ops},
        PLAIN if difficulty == 1 else SIMPLEST,
    )


@generator(
    "signed_fraction_decimal_mult_div",
    "integers.rational_mult_div",
    also={"integers.multiply": 0.4, "fractions.divide_fractions": 0.3},
)
def signed_fraction_decimal_mult_div(difficulty: int, rng: random.Random) -> Draft:
    """Multiply signed fractions (1), divide signed fractions (2), signed decimals × and ÷ (3).

    params: ``first`` and ``second`` (as shown), ``op`` ("*" or "/").
    """
    kp = "integers.rational_mult_div"
    if difficulty < 3:
        a = _proper(rng, rng.randint(2, 9)) * rng.choice((1, -1))
        b = _proper(rng, rng.randint(2, 9)) * rng.choice((1, -1))
        if a > 0 and b > 0:
            a = -a
        while abs(a) == abs(b):  # a ÷ a is too easy to show the rule
            b = _proper(rng, rng.randint(3, 9)) * rng.choice((1, -1))
        show = _show_frac
    else:
        b = F(rng.randint(2, 15), 10) * rng.choice((1, -1))
        q = F(rng.choice([k for k in range(2, 31) if k != 10]), 10) * rng.choice((1, -1))
        a = b * q
        show = dec
    op = "*" if difficulty == 1 else ("/" if difficulty == 2 else rng.choice(("*", "/")))
    value = a * b if op == "*" else a / b
    negatives = (a < 0) + (b < 0)
    sign_en = "positive" if negatives % 2 == 0 else "negative"
    shown_op = "×" if op == "*" else "÷"
    steps = [
        step(
            f"{'Same' if negatives != 1 else 'Different'} signs, so the answer is {sign_en}.",
            f"{'同号得正' if negatives != 1 else '异号得负'}：结果是{'正数' if negatives != 1 else '负数'}。",
            f"{_br(a)} {op} {_br(b)} {'>' if value > 0 else '<'} 0",
            "integers.multiply" if op == "*" else "integers.divide",
        ),
        step(
            f"Work with the sizes: {fr(abs(a))} {shown_op} {fr(abs(b))} = {fr(abs(value))}, "
            f"so the answer is {fr(value)}.",
            f"再把绝对值相{'乘' if op == '*' else '除'}：{fr(abs(a))} {shown_op} {fr(abs(b))} = "
            f"{fr(abs(value))}，所以结果是{fr(value)}。",
            f"{_br(a)} {op} {_br(b)} = {fr(value)}",
            kp,
        ),
    ]
    second = show(b) if b > 0 else f"({show(b)})"
    exact_decimal = difficulty == 3 and (value * 10**6).denominator == 1
    return _draft(
        f"Work out {show(a)} {shown_op} {second}."
        + ("" if difficulty == 3 else " Give your answer in simplest form."),
        f"计算：{show(a)} {shown_op} {second}。"
        + ("" if difficulty == 3 else "（结果化成最简形式）"),
        dec(value) if exact_decimal else fr(value),
        steps,
        {"first": show(a), "second": show(b), "op": op},
        PLAIN if difficulty == 3 else SIMPLEST,
    )
