"""Place value, whole-number operations, multiplication and division, order of operations.

These generators cover the grade 1–7 number-sense knowledge points that ``whole_numbers.py``
and ``algebra.py`` leave open: counting and place value, addition and subtraction strategies
and word problems, the meaning of multiplication and division, factors, multiples and primes,
multi-digit algorithms and the order of operations.

Every answer is a single number, because the answer checker reads values, not words: a
comparison item asks for the greater number rather than a sign, an odd/even item asks which
number is odd, and a prime factorization item asks for a missing factor or exponent (see
:func:`prime_factor_missing` for why).

Each generator's ``params`` hold every drawn number under the names its docstring lists, so a
misconception rule can recompute what a buggy procedure would answer.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from tutor.content.answers import AnswerPolicy
from tutor.content.generators._util import agree, count, ordinal, step
from tutor.content.registry import Draft, Step, generator

__all__: list[str] = []  # generators register themselves; nothing here is imported by name

_PLACES = ("ones", "tens", "hundreds", "thousands", "ten-thousands", "hundred-thousands")
_PLACES_ZH = ("个位", "十位", "百位", "千位", "万位", "十万位")
_PLACE_NAMES = ("one", "ten", "hundred", "thousand", "ten thousand", "hundred thousand")
_PLACE_NAMES_ZH = ("一", "十", "百", "千", "万", "十万")

# Word-problem casts: (English name, Chinese name, pronoun) and (plural noun, measure word, Chinese noun).
_NAMES = (
    ("Mia", "小红", "she"),
    ("Leo", "小明", "he"),
    ("Ava", "小丽", "she"),
    ("Sam", "小刚", "he"),
    ("Lily", "小芳", "she"),
    ("Ben", "小强", "he"),
)
_THINGS = (
    ("stickers", "张", "贴纸"),
    ("marbles", "颗", "玻璃球"),
    ("pencils", "支", "铅笔"),
    ("apples", "个", "苹果"),
    ("stamps", "枚", "邮票"),
    ("shells", "个", "贝壳"),
)


_PLAIN = AnswerPolicy()


def _c(n: int) -> str:
    """``n`` for an English prompt, with thousands separators (4-digit numbers too)."""
    return f"{n:,}"


def _draft(
    prompt: str,
    prompt_zh: str,
    answer: int | str,
    steps: Sequence[Step],
    params: dict[str, Any],
    policy: AnswerPolicy = _PLAIN,
) -> Draft:
    return Draft(prompt, prompt_zh, str(answer), tuple(steps), policy, params)


def _digit(n: int, place: int) -> int:
    return int(n // 10**place % 10)


def _who(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(_NAMES)


def _thing(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(_THINGS)


# ============================================================================================
# Place value
# ============================================================================================


@generator("count_next_number", "place_value.count_to_120")
def count_next_number(difficulty: int, rng: random.Random) -> Draft:
    """The next number when counting by ones: within 30; across a ten; around 100 to 120.

    Level 3 also counts backwards. params: ``shown`` (the numbers given, in order),
    ``direction`` (1 forwards, -1 backwards).
    """
    kp = "place_value.count_to_120"
    direction = 1
    if difficulty == 1:
        start = rng.randint(1, 26)
    elif difficulty == 2:
        # x6, x7, x8 then x9; or x7, x8, x9 then a new ten
        start = rng.randint(1, 9) * 10 + rng.choice((6, 7))
    else:
        start = rng.randint(95, 116)
        direction = rng.choice((1, -1))
    shown = [start + direction * k for k in range(3)]
    answer = shown[-1] + direction
    listed = ", ".join(str(n) for n in shown)
    listed_zh = "，".join(str(n) for n in shown)
    if direction == 1:
        why = "Counting on adds 1 each time"
        why_zh = "往后数，每次多1"
        claim = f"{shown[-1]} + 1 = {answer}"
        word, word_zh = "forwards", "往后数"
    else:
        why = "Counting back takes away 1 each time"
        why_zh = "倒着数，每次少1"
        claim = f"{shown[-1]} - 1 = {answer}"
        word, word_zh = "backwards", "倒着数"
    steps = [
        step(
            f"{why}: {claim.replace('-', '−')}.",
            f"{why_zh}：{claim.replace('-', '−')}。",
            claim,
            kp,
        )
    ]
    if answer % 10 == 0 and direction == 1:
        steps.append(
            step(
                f"The ones have reached ten, so a new ten begins: {answer} = {answer // 10} × 10.",
                f"个位满十，向十位进1：{answer} = {answer // 10} × 10。",
                f"{answer} = {answer // 10} * 10",
                "place_value.bundle_ten",
            )
        )
    return _draft(
        f"Count {word}: {listed}, □. What number goes in the box?",
        f"{word_zh}：{listed_zh}，□。□里填几？",
        answer,
        steps,
        {"shown": shown, "direction": direction},
    )


@generator("teen_ten_and_ones", "place_value.teen_numbers", also={"place_value.bundle_ten": 0.4})
def teen_ten_and_ones(difficulty: int, rng: random.Random) -> Draft:
    """A teen number as 1 ten and some ones: build it; find the ones; take the ten away.

    params: ``ones`` (1–9), ``number`` (10 + ones), ``shape`` (which question was asked).
    """
    kp = "place_value.teen_numbers"
    ones = rng.randint(1, 9)
    number = 10 + ones
    if difficulty == 1:
        shape = rng.choice(("ten_first", "ones_first"))
        if shape == "ten_first":
            prompt, zh = (
                f"1 ten and {count(ones, 'one')} make what number?",
                f"1个十和{ones}个一合起来是多少？",
            )
        else:
            prompt, zh = (
                f"{count(ones, 'one')} and 1 ten make what number?",
                f"{ones}个一和1个十合起来是多少？",
            )
        answer = number
    elif difficulty == 2:
        shape = rng.choice(("how_many_ones", "fill_ten_plus"))
        if shape == "how_many_ones":
            prompt, zh = f"{number} is 1 ten and how many ones?", f"{number}里面有1个十和几个一？"
        else:
            prompt, zh = (
                f"What number goes in the box? {number} = 10 + □",
                f"□里填几？{number} = 10 + □",
            )
        answer = ones
    else:
        shape = rng.choice(("take_ten", "take_ones"))
        if shape == "take_ten":
            prompt, zh = f"Work out {number} − 10.", f"计算：{number} − 10 = ?"
            answer = ones
        else:
            prompt, zh = f"Work out {number} − {ones}.", f"计算：{number} − {ones} = ?"
            answer = 10
    steps = [
        step(
            f"{number} is 1 ten and {count(ones, 'one')}: {number} = 10 + {ones}.",
            f"{number}是由1个十和{ones}个一组成的：{number} = 10 + {ones}。",
            f"{number} = 10 + {ones}",
            kp,
        )
    ]
    if difficulty == 3:
        left = "the ones" if shape == "take_ten" else "the ten"
        left_zh = "剩下几个一" if shape == "take_ten" else "剩下1个十"
        taken = 10 if shape == "take_ten" else ones
        steps.append(
            step(
                f"Taking away {taken} leaves {left}: {number} − {taken} = {answer}.",
                f"去掉{taken}，{left_zh}：{number} − {taken} = {answer}。",
                f"{number} - {taken} = {answer}",
                kp,
            )
        )
    return _draft(prompt, zh, answer, steps, {"ones": ones, "number": number, "shape": shape})


@generator("tens_ones_compose", "place_value.tens_and_ones", also={"place_value.teen_numbers": 0.3})
def tens_ones_compose(difficulty: int, rng: random.Random) -> Draft:
    """Two-digit numbers from tens and ones; the tens or ones digit; more than 9 ones.

    params: ``tens``, ``ones`` (as stated in the prompt; at level 3 ``ones`` is 10–19),
    ``number`` (their value), ``ask`` ("number", "tens" or "ones").
    """
    kp = "place_value.tens_and_ones"
    if difficulty == 3:
        tens, ones = rng.randint(1, 8), rng.randint(10, 19)
    else:
        tens, ones = rng.randint(1, 9), rng.randint(0, 9)
    number = tens * 10 + ones
    ask = "number"
    if difficulty == 2:
        ask = rng.choice(("tens", "ones"))
        answer = tens if ask == "tens" else ones
        word, word_zh = ("tens", "十") if ask == "tens" else ("ones", "一")
        prompt = f"How many {word} are in the {word} place of {number}?"
        zh = f"{number}的{'十' if ask == 'tens' else '个'}位上是几个{word_zh}？"
        steps = [
            step(
                f"{number} = {count(tens, 'ten')} + {count(ones, 'one')} = {tens * 10} + {ones}.",
                f"{number}由{tens}个十和{ones}个一组成：{number} = {tens * 10} + {ones}。",
                f"{number} = {tens} * 10 + {ones}",
                kp,
            )
        ]
    else:
        answer = number
        prompt = f"{count(tens, 'ten')} and {count(ones, 'one')} make what number?"
        zh = f"{tens}个十和{ones}个一合起来是多少？"
        steps = [
            step(
                f"{count(tens, 'ten')} {agree(tens, 'is', 'are')} {tens * 10}.",
                f"{tens}个十是{tens * 10}。",
                f"{tens} * 10 = {tens * 10}",
                kp,
            )
        ]
        if ones >= 10:
            steps.append(
                step(
                    f"{ones} ones are 1 ten and {count(ones - 10, 'one')}, so there are "
                    f"{count(tens + 1, 'ten')} and {count(ones - 10, 'one')}.",
                    f"{ones}个一是1个十和{ones - 10}个一，所以一共有{tens + 1}个十和{ones - 10}个一。",
                    f"{ones} = 10 + {ones - 10}",
                    "place_value.bundle_ten",
                )
            )
        steps.append(
            step(
                f"{tens * 10} + {ones} = {number}.",
                f"{tens * 10} + {ones} = {number}。",
                f"{tens * 10} + {ones} = {number}",
                kp,
            )
        )
    return _draft(
        prompt, zh, answer, steps, {"tens": tens, "ones": ones, "number": number, "ask": ask}
    )


def _compare_steps(numbers: Sequence[int], kp: str, places: int) -> list[Step]:
    """Steps that compare numbers of the same length place by place, from the left."""
    ordered = sorted(numbers, reverse=True)
    steps = []
    for place in range(places - 1, -1, -1):
        digits = [_digit(n, place) for n in numbers]
        if len(set(digits)) > 1 or place == 0:
            shown = ", ".join(f"{n} has {_digit(n, place)}" for n in numbers)
            shown_zh = "，".join(f"{n}是{_digit(n, place)}" for n in numbers)
            steps.append(
                step(
                    f"Compare the {_PLACES[place]} digits: {shown}.",
                    f"比较{_PLACES_ZH[place]}上的数：{shown_zh}。",
                    " > ".join(str(_digit(n, place)) for n in ordered)
                    if len(set(digits)) == len(digits)
                    else f"{max(digits)} > {min(digits)}",
                    kp,
                )
            )
            break
        steps.append(
            step(
                f"The {_PLACES[place]} digits are the same ({digits[0]}), so look at the next place.",
                f"{_PLACES_ZH[place]}上的数相同（都是{digits[0]}），再比较下一位。",
                f"{digits[0]} = {digits[-1]}",
                kp,
            )
        )
    steps.append(
        step(
            f"So {' > '.join(str(n) for n in ordered)}.",
            f"所以 {' > '.join(str(n) for n in ordered)}。",
            " > ".join(str(n) for n in ordered),
            kp,
        )
    )
    return steps


@generator(
    "compare_two_digit_pick",
    "place_value.compare_two_digit",
    also={"place_value.tens_and_ones": 0.4},
)
def compare_two_digit_pick(difficulty: int, rng: random.Random) -> Draft:
    """Which of two two-digit numbers is greater (or smaller)?

    Level 1: different tens digits; level 2: the same tens digit; level 3: the same two digits
    swapped (47 and 74) or the same tens, asking for the smaller. params: ``a``, ``b``,
    ``ask`` ("greater" or "smaller").
    """
    kp = "place_value.compare_two_digit"
    ask = "greater"
    while True:
        if difficulty == 1:
            a, b = rng.randint(10, 99), rng.randint(10, 99)
            ok = a // 10 != b // 10
        elif difficulty == 2:
            tens = rng.randint(1, 9)
            a, b = tens * 10 + rng.randint(0, 9), tens * 10 + rng.randint(0, 9)
            ok = a != b
        else:
            ask = rng.choice(("greater", "smaller"))
            x, y = rng.randint(1, 9), rng.randint(1, 9)
            if rng.random() < 0.5:
                a, b = 10 * x + y, 10 * y + x
            else:
                a, b = 10 * x + y, 10 * x + rng.randint(0, 9)
            ok = a != b
        if ok:
            break
    answer = max(a, b) if ask == "greater" else min(a, b)
    word_zh = "大" if ask == "greater" else "小"
    return _draft(
        f"Which number is {ask}, {a} or {b}? Write the {ask} number.",
        f"{a}和{b}，哪个数比较{word_zh}？写出较{word_zh}的数。",
        answer,
        _compare_steps((a, b), kp, 2),
        {"a": a, "b": b, "ask": ask},
    )


@generator(
    "ten_more_less", "place_value.ten_more_ten_less", also={"place_value.tens_and_ones": 0.4}
)
def ten_more_less(difficulty: int, rng: random.Random) -> Draft:
    """10 more than n; 10 less than n; the number that is 10 more (or less) than □.

    params: ``n`` (the number given), ``change`` (+10 or -10 as asked in the prompt),
    ``inverse`` (True when the unknown is the starting number).
    """
    kp = "place_value.ten_more_ten_less"
    inverse = False
    if difficulty == 1:
        n, change = rng.randint(10, 89), 10
    elif difficulty == 2:
        n, change = rng.randint(20, 99), -10
    else:
        inverse = True
        change = rng.choice((10, -10))
        n = rng.randint(20, 99) if change == 10 else rng.randint(11, 89)
    if not inverse:
        answer = n + change
        word, word_zh = ("more", "多") if change > 0 else ("less", "少")
        prompt = f"What number is 10 {word} than {n}?"
        zh = f"比{n}{word_zh}10的数是多少？"
    else:
        answer = n - change
        word, word_zh = ("more", "多") if change > 0 else ("less", "少")
        prompt = f"{n} is 10 {word} than what number?"
        zh = f"{n}比哪个数{word_zh}10？"
    low, high = sorted((n, answer))
    steps: tuple[Step, ...] = (
        step(
            "Only the tens digit changes, by 1; the ones digit stays "
            f"{n % 10}: {count(_digit(low, 1), 'ten')} {agree(_digit(low, 1), 'becomes', 'become')} "
            f"{count(_digit(high, 1), 'ten')}.",
            f"只有十位上的数变化1，个位上的{n % 10}不变：{_digit(low, 1)}个十变成{_digit(high, 1)}个十。",
            f"{_digit(low, 1)} + 1 = {_digit(high, 1)}",
            kp,
        ),
        step(
            f"So the answer is {answer}: {low} + 10 = {high}.",
            f"所以答案是{answer}：{low} + 10 = {high}。",
            f"{low} + 10 = {high}",
            kp,
        ),
    )
    return _draft(prompt, zh, answer, steps, {"n": n, "change": change, "inverse": inverse})


@generator(
    "hundreds_tens_ones_value",
    "place_value.hundreds_tens_ones",
    also={"place_value.tens_and_ones": 0.3},
)
def hundreds_tens_ones_value(difficulty: int, rng: random.Random) -> Draft:
    """Three-digit numbers from hundreds, tens and ones (zeros included) and back.

    Level 1 builds the number; level 2 asks for the digit in one place (often 0); level 3
    builds a number from more than 9 tens or ones. params: ``hundreds``, ``tens``, ``ones``
    (as stated), ``number``, ``ask`` ("number" or a place name).
    """
    kp = "place_value.hundreds_tens_ones"
    h = rng.randint(1, 9)
    if difficulty == 3:
        h = rng.randint(1, 7)
        t, o = rng.randint(10, 19), rng.randint(0, 9)
        if rng.random() < 0.5:
            t, o = rng.randint(0, 9), rng.randint(10, 19)
    else:
        t, o = rng.randint(0, 9), rng.randint(0, 9)
        if rng.random() < 0.4:  # numbers like 706 and 340, where a zero holds the place
            if rng.random() < 0.5:
                t = 0
            else:
                o = 0
    number = 100 * h + 10 * t + o
    ask = "number"
    if difficulty == 2:
        place = rng.randint(0, 2)
        ask = _PLACES[place]
        answer = _digit(number, place)
        prompt = f"What digit is in the {ask} place of {number}?"
        zh = f"{number}的{_PLACES_ZH[place]}上是几？"
        steps = [
            step(
                f"{number} is {count(h, 'hundred')}, {count(t, 'ten')} and {count(o, 'one')}: "
                f"{number} = {100 * h} + {10 * t} + {o}.",
                f"{number}是由{h}个百、{t}个十和{o}个一组成的：{number} = {100 * h} + {10 * t} + {o}。",
                f"{number} = {h} * 100 + {t} * 10 + {o}",
                kp,
            ),
            step(
                f"The {ask} digit is {answer}.",
                f"{_PLACES_ZH[place]}上是{answer}。",
                f"{answer} * {10**place} = {answer * 10**place}",
                kp,
            ),
        ]
    else:
        answer = number
        prompt = f"{count(h, 'hundred')}, {count(t, 'ten')} and {count(o, 'one')} make what number?"
        zh = f"{h}个百、{t}个十和{o}个一合起来是多少？"
        steps = [
            step(
                f"Find the value of each part: {h} × 100 = {100 * h}, {t} × 10 = {10 * t}, "
                f"{o} × 1 = {o}.",
                f"分别算出每部分的值：{h} × 100 = {100 * h}，{t} × 10 = {10 * t}，{o} × 1 = {o}。",
                f"{h} * 100 + {t} * 10 + {o} = {100 * h} + {10 * t} + {o}",
                kp,
            ),
            step(
                f"Add them: {100 * h} + {10 * t} + {o} = {number}.",
                f"再相加：{100 * h} + {10 * t} + {o} = {number}。",
                f"{100 * h} + {10 * t} + {o} = {number}",
                kp,
            ),
        ]
    return _draft(
        prompt,
        zh,
        answer,
        steps,
        {"hundreds": h, "tens": t, "ones": o, "number": number, "ask": ask},
    )


@generator(
    "skip_count_next", "place_value.skip_count", also={"place_value.hundreds_tens_ones": 0.3}
)
def skip_count_next(difficulty: int, rng: random.Random) -> Draft:
    """Continue a skip-count by 5s, 10s or 100s.

    Level 1: by 5s or 10s from a multiple, up to 200; level 2: by 10s or 100s from any number
    within 1000; level 3: backwards, or the missing middle number. params: ``shown`` (the
    sequence with ``None`` for the box), ``step`` (the jump, negative backwards).
    """
    kp = "place_value.skip_count"
    if difficulty == 1:
        jump = rng.choice((5, 10))
        start = jump * rng.randint(1, 200 // jump - 4)
    elif difficulty == 2:
        jump = rng.choice((10, 100))
        start = rng.randint(101, 1000 - 4 * jump)
    else:
        jump = rng.choice((5, 10, 100, -5, -10, -100))
        start = (
            rng.randint(101, 1000 - 4 * abs(jump)) if jump > 0 else rng.randint(4 * -jump + 1, 999)
        )
        if abs(jump) == 5:
            start -= start % 5
    terms = [start + k * jump for k in range(4)]
    hole = 3 if difficulty < 3 or rng.random() < 0.5 else 2
    answer = terms[hole]
    shown: list[int | None] = [None if k == hole else v for k, v in enumerate(terms)]
    listed = ", ".join("□" if v is None else str(v) for v in shown)
    listed_zh = "，".join("□" if v is None else str(v) for v in shown)
    before = terms[hole - 1]
    size = abs(jump)
    way, way_zh = ("up", "增加") if jump > 0 else ("down", "减少")
    op = "+" if jump > 0 else "-"
    steps = [
        step(
            f"Each number goes {way} by {size}: {terms[1]} − {terms[0]} = {jump}.",
            f"每次{way_zh}{size}：{terms[1]} − {terms[0]} = {jump}。",
            f"{terms[1]} - {terms[0]} = {jump}",
            kp,
        ),
        step(
            f"The box: {before} {op.replace('-', '−')} {size} = {answer}.",
            f"□里：{before} {op.replace('-', '−')} {size} = {answer}。",
            f"{before} {op} {size} = {answer}",
            kp,
        ),
    ]
    return _draft(
        f"Skip-count: {listed}. What number goes in the box?",
        f"按规律数：{listed_zh}。□里填几？",
        answer,
        steps,
        {"shown": shown, "step": jump},
    )


@generator(
    "expanded_to_standard",
    "place_value.expanded_form",
    also={"place_value.hundreds_tens_ones": 0.4},
)
def expanded_to_standard(difficulty: int, rng: random.Random) -> Draft:
    """Expanded form and back: 400 + 80 + 2 = □; 482 = 400 + □ + 2; zeros and mixed order.

    params: ``number``, ``parts`` (the non-zero place values, in the order shown),
    ``missing`` (the part in the box at level 2, else ``None``).
    """
    kp = "place_value.expanded_form"
    h, t, o = rng.randint(1, 9), rng.randint(1, 9), rng.randint(1, 9)
    if difficulty == 3:
        if rng.random() < 0.5:
            t = 0
        else:
            o = 0
    number = 100 * h + 10 * t + o
    parts = [p for p in (100 * h, 10 * t, o) if p]
    missing = None
    if difficulty == 3:
        rng.shuffle(parts)
    shown = " + ".join(str(p) for p in parts)
    if difficulty == 2:
        missing = rng.choice(parts)
        boxed = " + ".join("□" if p == missing else str(p) for p in parts)
        prompt = f"What number goes in the box? {number} = {boxed}"
        zh = f"□里填几？{number} = {boxed}"
        answer = missing
    else:
        prompt = f"Write as one number: {shown} = □"
        zh = f"写出这个数：{shown} = □"
        answer = number
    ordered = sorted(parts, reverse=True)
    steps = [
        step(
            f"Put the parts in place-value order: hundreds, tens, ones: {' + '.join(map(str, ordered))}.",
            f"按百位、十位、个位的顺序排列：{' + '.join(map(str, ordered))}。",
            f"{shown} = {' + '.join(map(str, ordered))}",
            kp,
        ),
        step(
            f"{count(h, 'hundred')}, {count(t, 'ten')} and {count(o, 'one')} make {number}"
            + (" (a zero keeps the empty place)." if 0 in (t, o) else "."),
            f"{h}个百、{t}个十和{o}个一组成{number}"
            + ("（空位用0占位）。" if 0 in (t, o) else "。"),
            f"{' + '.join(map(str, ordered))} = {number}",
            kp,
        ),
    ]
    if missing is not None:
        steps.append(
            step(
                f"The missing part is {missing}.",
                f"□里应填{missing}。",
                f"{number} - {' - '.join(str(p) for p in parts if p != missing)} = {missing}",
                kp,
            )
        )
    return _draft(prompt, zh, answer, steps, {"number": number, "parts": parts, "missing": missing})


@generator(
    "compare_three_digit_pick",
    "place_value.compare_three_digit",
    also={"place_value.compare_two_digit": 0.3, "place_value.hundreds_tens_ones": 0.3},
)
def compare_three_digit_pick(difficulty: int, rng: random.Random) -> Draft:
    """The greatest (or smallest) of two or three three-digit numbers.

    Level 1: different hundreds; level 2: the same hundreds; level 3: three numbers sharing
    the hundreds digit, often the tens too. params: ``numbers``, ``ask``.
    """
    kp = "place_value.compare_three_digit"
    ask = "greatest" if difficulty == 3 else "greater"
    while True:
        if difficulty == 1:
            numbers = [rng.randint(100, 999) for _ in range(2)]
            ok = numbers[0] // 100 != numbers[1] // 100
        elif difficulty == 2:
            h = rng.randint(1, 9)
            numbers = [100 * h + rng.randint(0, 99) for _ in range(2)]
            ok = numbers[0] != numbers[1]
        else:
            ask = rng.choice(("greatest", "smallest"))
            h, t = rng.randint(1, 9), rng.randint(0, 9)
            numbers = [100 * h + 10 * t + rng.randint(0, 9) for _ in range(2)]
            numbers.append(100 * h + rng.randint(0, 99))
            ok = len(set(numbers)) == 3
        if ok:
            break
    answer = max(numbers) if ask.startswith("great") else min(numbers)
    word_zh = "大" if ask.startswith("great") else "小"
    listed = ", ".join(map(str, numbers[:-1])) + f" or {numbers[-1]}"
    listed_zh = "、".join(map(str, numbers))
    return _draft(
        f"Which number is {ask}: {listed}? Write that number.",
        f"{listed_zh}中，哪个数最{word_zh}？写出这个数。"
        if difficulty == 3
        else f"{listed_zh}中，哪个数比较{word_zh}？写出这个数。",
        answer,
        _compare_steps(numbers, kp, 3),
        {"numbers": numbers, "ask": ask},
    )


def _round(n: int, unit: int) -> int:
    """Round half up to a multiple of ``unit`` (the school rule: 5 or more rounds up)."""
    return (n + unit // 2) // unit * unit


def _round_steps(n: int, unit: int, kp: str, unit_en: str, unit_zh: str) -> list[Step]:
    low = n // unit * unit
    high = low + unit
    result = _round(n, unit)
    below = n - low
    above = high - n
    if below < above:
        rel, rel_word, rel_zh = "<", "closer to", "更接近"
    elif below > above:
        rel, rel_word, rel_zh = ">", "closer to", "更接近"
    else:
        rel, rel_word, rel_zh = (
            "=",
            "exactly halfway, and halfway rounds up to",
            "正好在中间，按四舍五入取",
        )
    return [
        step(
            f"{_c(n)} lies between {_c(low)} and {_c(high)}.",
            f"{n}在{low}和{high}之间。",
            f"{low} <= {n} < {high}",
            kp,
        ),
        step(
            f"It is {_c(below)} above {_c(low)} and {_c(above)} below {_c(high)}, so it is "
            f"{rel_word} {_c(result)}.",
            f"它比{low}多{below}，比{high}少{above}，所以{rel_zh}{result}。",
            f"{n} - {low} {rel} {high} - {n}",
            kp,
        ),
        step(
            f"Rounded to the nearest {unit_en}: {_c(result)}.",
            f"{n}≈{result}（精确到{unit_zh}位）。",
            f"{result} - {low} = {result - low}",
            kp,
        ),
    ]


@generator("round_to_10_100", "place_value.round_10_100", also={"place_value.expanded_form": 0.3})
def round_to_10_100(difficulty: int, rng: random.Random) -> Draft:
    """Round to the nearest 10 (two-digit, then three-digit) or to the nearest 100.

    params: ``n``, ``unit`` (10 or 100).
    """
    kp = "place_value.round_10_100"
    if difficulty == 1:
        unit = 10
        n = rng.randint(11, 98)
        while n % 10 == 0:
            n = rng.randint(11, 98)
    elif difficulty == 2:
        unit = 10
        n = rng.randint(101, 989)
        while n % 10 == 0:
            n = rng.randint(101, 989)
    else:
        unit = 100
        n = rng.randint(101, 949)
        while n % 100 == 0:
            n = rng.randint(101, 949)
    word_zh = "十" if unit == 10 else "百"
    return _draft(
        f"Round {n} to the nearest {unit}.",
        f"把{n}四舍五入到{'整十' if unit == 10 else '整百'}数。",
        _round(n, unit),
        _round_steps(n, unit, kp, str(unit), word_zh),
        {"n": n, "unit": unit},
    )


@generator(
    "round_to_place",
    "place_value.round_any_place",
    also={"place_value.round_10_100": 0.4, "place_value.multidigit_read_write": 0.3},
)
def round_to_place(difficulty: int, rng: random.Random) -> Draft:
    """Round a 4-, 5- or 6-digit number to a named place; level 3 rounds across 9s.

    params: ``n``, ``unit`` (10**place), ``place`` (the place's name).
    """
    kp = "place_value.round_any_place"
    if difficulty == 1:
        place = rng.choice((2, 3))
        n = rng.randint(1001, 9899)
    elif difficulty == 2:
        place = rng.choice((2, 3, 4))
        n = rng.randint(10001, 98999)
    else:
        # A 9 in the rounding place with 5+ after it: rounding up carries into the next place.
        place = rng.choice((2, 3, 4))
        unit = 10**place
        top = rng.randint(10, 98) if place < 4 else rng.randint(1, 9)
        n = top * unit * 10 + 9 * unit + rng.randint(5, 9) * unit // 10
        n += rng.randint(0, unit // 10 - 1)
    unit = 10**place
    if n % unit == 0:
        n += unit // 10 + 1
    name, name_zh = _PLACE_NAMES[place], _PLACE_NAMES_ZH[place]
    return _draft(
        f"Round {_c(n)} to the nearest {name}.",
        f"把{n}四舍五入到{_PLACES_ZH[place]}。",
        _round(n, unit),
        _round_steps(n, unit, kp, name, name_zh),
        {"n": n, "unit": unit, "place": _PLACES[place]},
    )


@generator(
    "place_value_ten_times",
    "place_value.ten_times_rule",
    also={"place_value.expanded_form": 0.3, "mult_div.multiply_by_tens": 0.3},
)
def place_value_ten_times(difficulty: int, rng: random.Random) -> Draft:
    """The value of a digit; how many tens/hundreds in a number; a digit worth 10× or 100× another.

    Level 1: the value of one digit of a 4-digit number. Level 2: how many tens (or hundreds)
    are in a multiple of 10 (or 100). Level 3: the same digit in two places; how many times the
    left one is worth the right one. params: ``n``, ``digit``, ``place`` (the asked place index),
    ``other_place`` (level 3), ``unit`` (level 2).
    """
    kp = "place_value.ten_times_rule"
    params: dict[str, Any] = {}
    if difficulty == 1:
        n = rng.randint(1000, 9999)
        place = rng.randint(1, 3)
        while _digit(n, place) == 0:
            n = rng.randint(1000, 9999)
        d = _digit(n, place)
        answer = d * 10**place
        params = {"n": n, "digit": d, "place": place}
        prompt = f"What is the value of the digit {d} in the {_PLACES[place]} place of {_c(n)}?"
        zh = f"{n}中{_PLACES_ZH[place]}上的{d}表示多少？"
        steps = [
            step(
                f"A digit in the {_PLACES[place]} place is worth {10**place} times the digit: "
                f"{d} × {10**place} = {answer}.",
                f"{_PLACES_ZH[place]}上的{d}表示{d}个{_PLACE_NAMES_ZH[place]}：{d} × {10**place} = {answer}。",
                f"{d} * {10**place} = {answer}",
                kp,
            )
        ]
    elif difficulty == 2:
        place = rng.choice((1, 2))
        unit = 10**place
        n = rng.randint(11, 999) * unit
        answer = n // unit
        params = {"n": n, "unit": unit, "place": place}
        word = _PLACES[place]
        prompt = f"How many {word} are there in {_c(n)} altogether?"
        zh = f"{n}里面一共有多少个{_PLACE_NAMES_ZH[place]}？"
        steps = [
            step(
                f"Each {_PLACE_NAMES[place]} is {unit}, so count the {unit}s in {_c(n)}: "
                f"{_c(n)} ÷ {unit} = {answer}.",
                f"1个{_PLACE_NAMES_ZH[place]}是{unit}，{n}里有几个{unit}：{n} ÷ {unit} = {answer}。",
                f"{n} / {unit} = {answer}",
                kp,
            ),
            step(
                f"Check: {answer} × {unit} = {_c(n)}.",
                f"验算：{answer} × {unit} = {n}。",
                f"{answer} * {unit} = {n}",
                "mult_div.multiply_by_tens",
            ),
        ]
    else:
        d = rng.randint(1, 9)
        size = rng.choice((5, 6))
        high, low = sorted(rng.sample(range(size - 1), 2), reverse=True)
        if rng.random() < 0.3:
            high = size - 1
        digits = [rng.choice([x for x in range(10) if x != d]) for _ in range(size)]
        digits[high], digits[low] = d, d
        if digits[size - 1] == 0:
            digits[size - 1] = 1 if d != 1 else 2
        n = sum(x * 10**k for k, x in enumerate(digits))
        answer = 10 ** (high - low)
        params = {"n": n, "digit": d, "place": high, "other_place": low}
        prompt = (
            f"In {_c(n)} the digit {d} appears twice. How many times the value of the {d} in the "
            f"{_PLACES[low]} place is the value of the {d} in the {_PLACES[high]} place?"
        )
        zh = (
            f"{n}中有两个{d}。{_PLACES_ZH[high]}上的{d}表示的数是{_PLACES_ZH[low]}上的{d}"
            "表示的数的多少倍？"
        )
        big, small = d * 10**high, d * 10**low
        steps = [
            step(
                f"The {d} in the {_PLACES[high]} place is worth {_c(big)}; the {d} in the "
                f"{_PLACES[low]} place is worth {_c(small)}.",
                f"{_PLACES_ZH[high]}上的{d}表示{big}，{_PLACES_ZH[low]}上的{d}表示{small}。",
                f"{d} * {10**high} = {big}",
                "place_value.expanded_form",
            ),
            step(
                f"Each place to the left is worth 10 times more, {count(high - low, 'place')}: "
                f"{_c(big)} ÷ {_c(small)} = {answer}.",
                f"每向左移动一位，表示的数扩大到原来的10倍，移动了{high - low}位："
                f"{big} ÷ {small} = {answer}。",
                f"{big} / {small} = {answer}",
                kp,
            ),
        ]
    return _draft(prompt, zh, answer, steps, params)


# ============================================================================================
# Addition and subtraction
# ============================================================================================


@generator("make_ten_sum", "whole_ops.make_ten_add", also={"place_value.teen_numbers": 0.3})
def make_ten_sum(difficulty: int, rng: random.Random) -> Draft:
    """One-digit sums over 10 by making a ten: 9 + n; 8 or 7 + n; any pair, either order.

    params: ``a``, ``b`` (in the order shown).
    """
    kp = "whole_ops.make_ten_add"
    while True:
        if difficulty == 1:
            big, small = 9, rng.randint(2, 9)
        elif difficulty == 2:
            big, small = rng.choice((7, 8)), rng.randint(3, 9)
        else:
            big, small = rng.randint(5, 9), rng.randint(5, 9)
        if big + small > 10 and small <= big:
            break
    a, b = (big, small) if rng.random() < 0.5 else (small, big)
    need = 10 - big
    rest = small - need
    total = a + b
    first = "" if a == big else f"Start from the bigger number, {big}. "
    first_zh = "" if a == big else f"从大数{big}开始想。"
    steps: tuple[Step, ...] = (
        step(
            f"{first}{big} needs {need} more to make 10: split {small} = {need} + {rest}.",
            f"{first_zh}{big}再加{need}就是10，把{small}分成{need}和{rest}：{small} = {need} + {rest}。",
            f"{small} = {need} + {rest}",
            kp,
        ),
        step(f"{big} + {need} = 10.", f"{big} + {need} = 10。", f"{big} + {need} = 10", kp),
        step(
            f"10 + {rest} = {total}, so {a} + {b} = {total}.",
            f"10 + {rest} = {total}，所以 {a} + {b} = {total}。",
            f"10 + {rest} = {a} + {b} = {total}",
            "place_value.teen_numbers",
        ),
    )
    return _draft(f"Work out {a} + {b}.", f"计算：{a} + {b} = ?", total, steps, {"a": a, "b": b})


@generator("teen_subtract", "whole_ops.subtract_within_20", also={"whole_ops.make_ten_add": 0.3})
def teen_subtract(difficulty: int, rng: random.Random) -> Draft:
    """A teen number minus a one-digit number with regrouping (break apart the ten).

    Level 1: 11–13; level 2: 14–18; level 3: the missing number in ``a − □ = c``.
    params: ``a`` (the teen number), ``b`` (the number taken away), ``c`` (``a − b``),
    ``missing`` (True at level 3).
    """
    kp = "whole_ops.subtract_within_20"
    low, high = ((11, 13), (14, 18), (11, 18))[difficulty - 1]
    a = rng.randint(low, high)
    b = rng.randint(a - 9, 9)
    while b <= a % 10:
        a = rng.randint(low, high)
        b = rng.randint(a - 9, 9)
    c = a - b
    ones = a % 10
    more = b - ones
    steps = [
        step(
            f"Take away the {count(ones, 'one')} first: {a} − {ones} = 10.",
            f"先减去{ones}，得到10：{a} − {ones} = 10。",
            f"{a} - {ones} = 10",
            kp,
        ),
        step(
            f"{b} = {ones} + {more}, so {more} more must go: 10 − {more} = {c}.",
            f"{b} = {ones} + {more}，还要再减{more}：10 − {more} = {c}。",
            f"10 - {more} = {c}",
            kp,
        ),
        step(
            f"Check with addition: {c} + {b} = {a}.",
            f"用加法验算：{c} + {b} = {a}。",
            f"{c} + {b} = {a}",
            "whole_ops.make_ten_add",
        ),
    ]
    if difficulty == 3:
        prompt, zh, answer = (
            f"What number goes in the box? {a} − □ = {c}",
            f"□里填几？{a} − □ = {c}",
            b,
        )
        steps.insert(
            0,
            step(
                f"The box is what you take from {a} to leave {c}: {a} − {c} = {b}.",
                f"□里的数 = {a} − {c} = {b}。",
                f"{a} - {c} = {b}",
                kp,
            ),
        )
    else:
        prompt, zh, answer = f"Work out {a} − {b}.", f"计算：{a} − {b} = ?", c
    return _draft(prompt, zh, answer, steps, {"a": a, "b": b, "c": c, "missing": difficulty == 3})


@generator("equal_sign_balance", "whole_ops.equal_sign", also={"whole_ops.add_within_10": 0.3})
def equal_sign_balance(difficulty: int, rng: random.Random) -> Draft:
    """Both sides of ``=`` have the same value: ``a + b = □ + c``, up to 10, 20, with minus.

    params: ``a``, ``b`` (the complete side, ``a + b`` or ``a − b``), ``c`` (the known number
    on the other side), ``op`` ("+" or "-", the operation of the complete side),
    ``box_first`` (the box stands before ``c``).
    """
    kp = "whole_ops.equal_sign"
    top = 10 if difficulty == 1 else 20
    op = "+"
    while True:
        if difficulty == 3 and rng.random() < 0.5:
            op = "-"
            a = rng.randint(10, 20)
            b = rng.randint(1, a - 2)
            value = a - b
        else:
            op = "+"
            a, b = rng.randint(1, top - 1), rng.randint(1, top - 1)
            value = a + b
        c = rng.randint(1, top - 1)
        if a + b <= top and value > c and c not in (a, b):
            break
    answer = value - c
    box_first = rng.random() < 0.5
    other = f"□ + {c}" if box_first else f"{c} + □"
    left = f"{a} {'+' if op == '+' else '−'} {b}"
    equation = f"{left} = {other}" if difficulty < 3 or rng.random() < 0.5 else f"{other} = {left}"
    steps: tuple[Step, ...] = (
        step(
            f"Work out the complete side: {left} = {value}.",
            f"先算出已知的一边：{left} = {value}。",
            f"{a} {op} {b} = {value}",
            kp,
        ),
        step(
            f"The other side must also be {value}, so the box is {value} − {c} = {answer}.",
            f"等号两边的值相等，另一边也要等于{value}，所以□ = {value} − {c} = {answer}。",
            f"{value} - {c} = {answer}",
            "whole_ops.missing_addend",
        ),
        step(
            f"Check: {answer} + {c} = {value}.",
            f"验算：{answer} + {c} = {value}。",
            f"{answer} + {c} = {a} {op} {b}",
            kp,
        ),
    )
    return _draft(
        f"What number goes in the box? {equation}",
        f"□里填几，才能使等式成立？{equation}",
        answer,
        steps,
        {"a": a, "b": b, "c": c, "op": op, "box_first": box_first},
    )


@generator(
    "word_problem_within_20",
    "whole_ops.word_problems_20",
    also={"whole_ops.subtract_within_20": 0.4, "whole_ops.make_ten_add": 0.3},
)
def word_problem_within_20(difficulty: int, rng: random.Random) -> Draft:
    """One-step stories within 20: add to; take from or compare; change or start unknown.

    params: ``start``, ``change``, ``result`` (the three numbers of the story), ``kind``
    ("add_to", "take_from", "compare", "change_unknown", "start_unknown"), ``name``, ``thing``.
    """
    kp = "whole_ops.word_problems_20"
    (name, name_zh, she), (thing, mw, thing_zh) = _who(rng), _thing(rng)
    she_cap = she.capitalize()
    if difficulty == 1:
        kind = "add_to"
    elif difficulty == 2:
        kind = rng.choice(("take_from", "compare"))
    else:
        kind = rng.choice(("change_unknown", "start_unknown"))
    if kind in ("add_to", "change_unknown"):
        start, change = rng.randint(3, 12), rng.randint(2, 8)
        result = start + change
    else:
        result = rng.randint(2, 10)
        change = rng.randint(3, 9)
        start = result + change
    if kind == "add_to":
        prompt = f"{name} has {start} {thing}. {she_cap} gets {change} more. How many {thing} does {she} have now?"
        zh = f"{name_zh}有{start}{mw}{thing_zh}，又得到了{change}{mw}。{name_zh}现在有多少{mw}{thing_zh}？"
        answer, claim, op_text = (
            result,
            f"{start} + {change} = {result}",
            f"{start} + {change} = {result}",
        )
    elif kind == "take_from":
        prompt = (
            f"{name} has {start} {thing}. {she_cap} gives away {change}. How many {thing} are left?"
        )
        zh = f"{name_zh}有{start}{mw}{thing_zh}，送给别人{change}{mw}。还剩多少{mw}？"
        answer, claim, op_text = (
            result,
            f"{start} - {change} = {result}",
            f"{start} − {change} = {result}",
        )
    elif kind == "compare":
        prompt = (
            f"{name} has {start} {thing} and {name}'s friend has {result}. How many more {thing} "
            f"does {name} have than the friend?"
        )
        zh = f"{name_zh}有{start}{mw}{thing_zh}，同桌有{result}{mw}。{name_zh}比同桌多多少{mw}？"
        answer, claim, op_text = (
            change,
            f"{start} - {result} = {change}",
            f"{start} − {result} = {change}",
        )
    elif kind == "change_unknown":
        prompt = (
            f"{name} had {start} {thing}. {she_cap} got some more and now has {result}. "
            f"How many {thing} did {she} get?"
        )
        zh = f"{name_zh}原来有{start}{mw}{thing_zh}，又得到一些后，现在有{result}{mw}。她得到了多少{mw}？"
        answer, claim, op_text = (
            change,
            f"{result} - {start} = {change}",
            f"{result} − {start} = {change}",
        )
    else:
        prompt = (
            f"{name} gave away {change} {thing} and has {result} left. How many {thing} did "
            f"{she} have at first?"
        )
        zh = f"{name_zh}送给别人{change}{mw}{thing_zh}后，还剩{result}{mw}。她原来有多少{mw}？"
        answer, claim, op_text = (
            start,
            f"{result} + {change} = {start}",
            f"{result} + {change} = {start}",
        )
    op_kp = "whole_ops.make_ten_add" if "+" in claim else "whole_ops.subtract_within_20"
    if kind in ("add_to", "change_unknown"):
        check = f"{result} − {change} = {start}"
    else:
        check = f"{result} + {change} = {start}"
    steps: tuple[Step, ...] = (
        step(
            f"Write a number sentence for the story: {op_text}.",
            f"根据题意列式：{op_text}。",
            claim,
            op_kp,
        ),
        step(
            f"Check with the opposite operation: {check}. The answer is {answer} {thing}.",
            f"用逆运算验算：{check}。答：是{answer}{mw}。",
            check.replace("−", "-"),
            kp,
        ),
    )
    return _draft(
        prompt,
        zh,
        answer,
        steps,
        {
            "start": start,
            "change": change,
            "result": result,
            "kind": kind,
            "name": name,
            "thing": thing,
        },
    )


@generator(
    "add_three_small",
    "whole_ops.add_three_numbers",
    also={"whole_ops.addition_properties": 0.4, "whole_ops.make_ten_add": 0.3},
)
def add_three_small(difficulty: int, rng: random.Random) -> Draft:
    """Three addends with a total up to 10; up to 20 with a pair that makes 10; up to 20 any.

    params: ``addends`` (in the order shown).
    """
    kp = "whole_ops.add_three_numbers"
    while True:
        if difficulty == 1:
            addends = [rng.randint(1, 6) for _ in range(3)]
            ok = sum(addends) <= 10
        elif difficulty == 2:
            x = rng.randint(1, 9)
            addends = [x, 10 - x, rng.randint(1, 9)]
            rng.shuffle(addends)
            ok = addends[0] + addends[1] != 10  # the ten-pair is not simply the first two
        else:
            addends = [rng.randint(2, 9) for _ in range(2)] + [rng.randint(2, 12)]
            rng.shuffle(addends)
            ok = 12 < sum(addends) <= 20
        if ok:
            break
    total = sum(addends)
    a, b, c = addends
    pair = next(
        ((i, j) for i in range(3) for j in range(i + 1, 3) if addends[i] + addends[j] == 10), None
    )
    if pair is not None:
        i, j = pair
        k = 3 - i - j
        steps: tuple[Step, ...] = (
            step(
                f"Look for a ten: {addends[i]} + {addends[j]} = 10.",
                f"先凑十：{addends[i]} + {addends[j]} = 10。",
                f"{addends[i]} + {addends[j]} = 10",
                "whole_ops.addition_properties",
            ),
            step(
                f"Then add the last number: 10 + {addends[k]} = {total}.",
                f"再加上剩下的数：10 + {addends[k]} = {total}。",
                f"{a} + {b} + {c} = 10 + {addends[k]} = {total}",
                kp,
            ),
        )
    else:
        steps = (
            step(
                f"Add the first two: {a} + {b} = {a + b}.",
                f"先算前两个数：{a} + {b} = {a + b}。",
                f"{a} + {b} = {a + b}",
                kp,
            ),
            step(
                f"Then add {c}: {a + b} + {c} = {total}.",
                f"再加{c}：{a + b} + {c} = {total}。",
                f"{a + b} + {c} = {total}",
                kp,
            ),
        )
    return _draft(
        f"Work out {a} + {b} + {c}.",
        f"计算：{a} + {b} + {c} = ?",
        total,
        steps,
        {"addends": addends},
    )


def _tens_ones_add_steps(a: int, b: int, kp: str) -> list[Step]:
    """Add tens to tens and ones to ones (``b`` may be a one-digit number or whole tens)."""
    ta, oa, tb, ob = a // 10 * 10, a % 10, b // 10 * 10, b % 10
    steps = [
        step(
            f"Tens: {ta} + {tb} = {ta + tb}.",
            f"整十数相加：{ta} + {tb} = {ta + tb}。",
            f"{ta} + {tb} = {ta + tb}",
            kp,
        ),
        step(
            f"Ones: {oa} + {ob} = {oa + ob}.",
            f"一位数相加：{oa} + {ob} = {oa + ob}。",
            f"{oa} + {ob} = {oa + ob}",
            kp,
        ),
    ]
    if oa + ob >= 10:
        steps.append(
            step(
                f"{oa + ob} ones make 1 ten and {count(oa + ob - 10, 'one')}.",
                f"{oa + ob}个一是1个十和{oa + ob - 10}个一。",
                f"{oa + ob} = 10 + {oa + ob - 10}",
                "place_value.bundle_ten",
            )
        )
    steps.append(
        step(
            f"Put them together: {ta + tb} + {oa + ob} = {a + b}.",
            f"合起来：{ta + tb} + {oa + ob} = {a + b}。",
            f"{ta + tb} + {oa + ob} = {a} + {b} = {a + b}",
            kp,
        )
    )
    return steps


@generator(
    "add_2d_1d",
    "whole_ops.add_two_digit_one_digit",
    also={"place_value.tens_and_ones": 0.3, "whole_ops.make_ten_add": 0.3},
)
def add_2d_1d(difficulty: int, rng: random.Random) -> Draft:
    """A two-digit number plus a one-digit number (without, then with a new ten) or whole tens.

    params: ``a`` (the two-digit number), ``b`` (the number added).
    """
    kp = "whole_ops.add_two_digit_one_digit"
    while True:
        a = rng.randint(11, 89)
        if difficulty == 3:
            b = rng.randint(1, 8) * 10
            ok = a + b < 100 and a % 10 != 0
        else:
            b = rng.randint(2, 9)
            regroup = a % 10 + b >= 10
            ok = regroup == (difficulty == 2) and a + b < 100 and a % 10 != 0
        if ok:
            break
    return _draft(
        f"Work out {a} + {b}.",
        f"计算：{a} + {b} = ?",
        a + b,
        _tens_ones_add_steps(a, b, kp),
        {"a": a, "b": b},
    )


@generator(
    "subtract_multiples_of_ten",
    "whole_ops.subtract_tens",
    also={"place_value.ten_more_ten_less": 0.3, "whole_ops.subtract_within_10": 0.3},
)
def subtract_multiples_of_ten(difficulty: int, rng: random.Random) -> Draft:
    """Whole tens minus whole tens: up to 50; up to 90; with the box in ``a − □ = c`` or ``□ − b = c``.

    params: ``a``, ``b``, ``c`` (``a − b = c``, all whole tens), ``missing``
    ("none", "subtrahend" or "minuend").
    """
    kp = "whole_ops.subtract_tens"
    top = 5 if difficulty == 1 else 9
    ta = rng.randint(2, top)
    tb = rng.randint(1, ta - 1)
    a, b, c = 10 * ta, 10 * tb, 10 * (ta - tb)
    missing = "none" if difficulty < 3 else rng.choice(("subtrahend", "minuend"))
    steps = [
        step(
            f"Think in tens: {count(ta, 'ten')} − {count(tb, 'ten')} = {count(ta - tb, 'ten')}.",
            f"用几个十来想：{ta}个十减{tb}个十得{ta - tb}个十。",
            f"{ta} - {tb} = {ta - tb}",
            "whole_ops.subtract_within_10",
        ),
        step(
            f"{count(ta - tb, 'ten')} = {c}, so {a} − {b} = {c}.",
            f"{ta - tb}个十是{c}，所以 {a} − {b} = {c}。",
            f"{a} - {b} = {ta - tb} * 10 = {c}",
            kp,
        ),
    ]
    if missing == "none":
        prompt, zh, answer = f"Work out {a} − {b}.", f"计算：{a} − {b} = ?", c
    elif missing == "subtrahend":
        prompt, zh, answer = (
            f"What number goes in the box? {a} − □ = {c}",
            f"□里填几？{a} − □ = {c}",
            b,
        )
        steps.insert(
            0, step(f"□ = {a} − {c} = {b}.", f"□ = {a} − {c} = {b}。", f"{a} - {c} = {b}", kp)
        )
    else:
        prompt, zh, answer = (
            f"What number goes in the box? □ − {b} = {c}",
            f"□里填几？□ − {b} = {c}",
            a,
        )
        steps.insert(
            0,
            step(
                f"The box is the whole: □ = {c} + {b} = {a}.",
                f"□是被减数：□ = {c} + {b} = {a}。",
                f"{c} + {b} = {a}",
                kp,
            ),
        )
    return _draft(prompt, zh, answer, steps, {"a": a, "b": b, "c": c, "missing": missing})


@generator(
    "facts_within_20_mixed",
    "whole_ops.fluency_within_20",
    also={"whole_ops.make_ten_add": 0.3, "whole_ops.subtract_within_20": 0.3},
)
def facts_within_20_mixed(difficulty: int, rng: random.Random) -> Draft:
    """Facts within 20: sums of one-digit numbers; teen differences; ``a + b − c`` chains.

    params: ``a``, ``b`` and (level 3) ``c``; ``ops`` (the signs, in order).
    """
    kp = "whole_ops.fluency_within_20"
    params: dict[str, Any]
    if difficulty == 1:
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        answer = a + b
        expr, claim = f"{a} + {b}", f"{a} + {b}"
        params = {"a": a, "b": b, "ops": ["+"]}
        strategy = f"Use a known fact: {a} + {b} = {answer}."
        strategy_zh = f"用熟记的加法：{a} + {b} = {answer}。"
    elif difficulty == 2:
        answer, b = rng.randint(2, 9), rng.randint(2, 9)
        a = answer + b
        expr, claim = f"{a} − {b}", f"{a} - {b}"
        params = {"a": a, "b": b, "ops": ["-"]}
        strategy = f"Think addition: {b} + {answer} = {a}, so {a} − {b} = {answer}."
        strategy_zh = f"想加算减：{b} + {answer} = {a}，所以 {a} − {b} = {answer}。"
    else:
        a, b = rng.randint(3, 9), rng.randint(3, 9)
        c = rng.randint(2, a + b - 1)
        answer = a + b - c
        expr, claim = f"{a} + {b} − {c}", f"{a} + {b} - {c}"
        params = {"a": a, "b": b, "c": c, "ops": ["+", "-"]}
        strategy = f"Left to right: {a} + {b} = {a + b}, then {a + b} − {c} = {answer}."
        strategy_zh = f"从左往右算：{a} + {b} = {a + b}，{a + b} − {c} = {answer}。"
    steps = (step(strategy, strategy_zh, f"{claim} = {answer}", kp),)
    return _draft(f"Work out {expr}.", f"计算：{expr} = ?", answer, steps, params)


@generator(
    "add_2digit_plain",
    "whole_ops.add_2digit_no_regroup",
    also={"whole_ops.add_two_digit_one_digit": 0.4},
)
def add_2digit_plain(difficulty: int, rng: random.Random) -> Draft:
    """Two-digit addition without regrouping: small digits; any; the box in ``a + □ = c``.

    params: ``a``, ``b`` (``a + b = c``), ``c``, ``missing`` (True at level 3).
    """
    kp = "whole_ops.add_2digit_no_regroup"
    digit_top = 4 if difficulty == 1 else 9
    while True:
        a = rng.randint(1, digit_top) * 10 + rng.randint(0, digit_top)
        b = rng.randint(1, digit_top) * 10 + rng.randint(0, digit_top)
        if (
            a % 10 + b % 10 < 10
            and a + b < 100
            and a >= 10
            and (difficulty == 1 or a % 10 + b % 10 > 2)
        ):
            break
    c = a + b
    steps = _tens_ones_add_steps(a, b, kp)
    if difficulty == 3:
        steps = [
            step(
                f"The box is {c} − {a}: tens {c // 10 * 10} − {a // 10 * 10} = {b // 10 * 10}, "
                f"ones {c % 10} − {a % 10} = {b % 10}.",
                f"□ = {c} − {a}：十位 {c // 10 * 10} − {a // 10 * 10} = {b // 10 * 10}，"
                f"个位 {c % 10} − {a % 10} = {b % 10}。",
                f"{c} - {a} = {b // 10 * 10} + {b % 10} = {b}",
                "whole_ops.subtract_2digit_no_regroup",
            ),
            step(f"Check: {a} + {b} = {c}.", f"验算：{a} + {b} = {c}。", f"{a} + {b} = {c}", kp),
        ]
        prompt, zh, answer = (
            f"What number goes in the box? {a} + □ = {c}",
            f"□里填几？{a} + □ = {c}",
            b,
        )
    else:
        prompt, zh, answer = f"Work out {a} + {b}.", f"计算：{a} + {b} = ?", c
    return _draft(prompt, zh, answer, steps, {"a": a, "b": b, "c": c, "missing": difficulty == 3})


@generator(
    "subtract_2digit_plain",
    "whole_ops.subtract_2digit_no_regroup",
    also={"whole_ops.subtract_tens": 0.4},
)
def subtract_2digit_plain(difficulty: int, rng: random.Random) -> Draft:
    """Two-digit subtraction without regrouping: minus whole tens or a small number; any; ``□ − b = c``.

    params: ``a``, ``b``, ``c`` (``a − b = c``), ``missing`` (True at level 3).
    """
    kp = "whole_ops.subtract_2digit_no_regroup"
    while True:
        a = rng.randint(21, 99)
        if difficulty == 1:
            b = rng.randint(1, a // 10 - 1) * 10 + rng.randint(0, 1) * rng.randint(0, a % 10)
        else:
            b = rng.randint(11, a - 10)
        if b % 10 <= a % 10 and 10 <= b < a:
            break
    c = a - b
    ta, oa, tb, ob = a // 10 * 10, a % 10, b // 10 * 10, b % 10
    steps = [
        step(
            f"Tens: {ta} − {tb} = {ta - tb}.",
            f"十位：{ta} − {tb} = {ta - tb}。",
            f"{ta} - {tb} = {ta - tb}",
            kp,
        ),
        step(
            f"Ones: {oa} − {ob} = {oa - ob}.",
            f"个位：{oa} − {ob} = {oa - ob}。",
            f"{oa} - {ob} = {oa - ob}",
            kp,
        ),
        step(
            f"Together: {ta - tb} + {oa - ob} = {c}.",
            f"合起来：{ta - tb} + {oa - ob} = {c}。",
            f"{ta - tb} + {oa - ob} = {a} - {b} = {c}",
            kp,
        ),
    ]
    if difficulty == 3:
        prompt, zh, answer = (
            f"What number goes in the box? □ − {b} = {c}",
            f"□里填几？□ − {b} = {c}",
            a,
        )
        steps = [
            step(
                f"The box is the whole, so add: □ = {c} + {b} = {a}.",
                f"□是被减数，被减数 = 差 + 减数：{c} + {b} = {a}。",
                f"{c} + {b} = {a}",
                "whole_ops.add_2digit_no_regroup",
            ),
            *steps,
        ]
    else:
        prompt, zh, answer = f"Work out {a} − {b}.", f"计算：{a} − {b} = ?", c
    return _draft(prompt, zh, answer, steps, {"a": a, "b": b, "c": c, "missing": difficulty == 3})


@generator(
    "add_several_two_digit",
    "whole_ops.add_four_two_digit",
    also={"whole_ops.add_2digit_regroup": 0.4, "whole_ops.addition_properties": 0.2},
)
def add_several_two_digit(difficulty: int, rng: random.Random) -> Draft:
    """Add three two-digit numbers (small, then any) or four two-digit numbers.

    params: ``addends`` (in the order shown).
    """
    kp = "whole_ops.add_four_two_digit"
    count = 4 if difficulty == 3 else 3
    top = 40 if difficulty == 1 else 99
    addends = [rng.randint(11, top) for _ in range(count)]
    total = sum(addends)
    tens = [x // 10 * 10 for x in addends]
    ones = [x % 10 for x in addends]
    steps: tuple[Step, ...] = (
        step(
            f"Add the tens: {' + '.join(map(str, tens))} = {sum(tens)}.",
            f"先把整十部分相加：{' + '.join(map(str, tens))} = {sum(tens)}。",
            f"{' + '.join(map(str, tens))} = {sum(tens)}",
            kp,
        ),
        step(
            f"Add the ones: {' + '.join(map(str, ones))} = {sum(ones)}.",
            f"再把个位部分相加：{' + '.join(map(str, ones))} = {sum(ones)}。",
            f"{' + '.join(map(str, ones))} = {sum(ones)}",
            kp,
        ),
        step(
            f"Combine: {sum(tens)} + {sum(ones)} = {total}.",
            f"合起来：{sum(tens)} + {sum(ones)} = {total}。",
            f"{sum(tens)} + {sum(ones)} = {' + '.join(map(str, addends))} = {total}",
            "whole_ops.add_2digit_regroup",
        ),
    )
    shown = " + ".join(map(str, addends))
    return _draft(f"Work out {shown}.", f"计算：{shown} = ?", total, steps, {"addends": addends})


@generator(
    "add_sub_10_100",
    "whole_ops.mental_add_10_100",
    also={"place_value.ten_more_ten_less": 0.3, "place_value.expanded_form": 0.3},
)
def add_sub_10_100(difficulty: int, rng: random.Random) -> Draft:
    """Mentally add or take 10 (level 1), 100 (level 2), or 10 across a hundred (level 3).

    params: ``n``, ``change`` (+10, -10, +100 or -100).
    """
    kp = "whole_ops.mental_add_10_100"
    if difficulty == 1:
        change = rng.choice((10, -10))
        while True:
            n = rng.randint(101, 899)
            if 0 < _digit(n, 1) < 9:  # stays inside the same hundred
                break
    elif difficulty == 2:
        change = rng.choice((100, -100))
        n = rng.randint(200, 899)
    else:
        change = rng.choice((10, -10))
        n = rng.randint(1, 8) * 100 + (90 if change > 0 else 0) + rng.randint(0, 9)
        n = max(n, 101)
    answer = n + change
    size = abs(change)
    place = 1 if size == 10 else 2
    op, op_shown, word_zh = ("+", "+", "加") if change > 0 else ("-", "−", "减")
    before, after = _digit(n // 10**place, 0), _digit(answer // 10**place, 0)
    crosses = n // 100 != answer // 100 and size == 10
    text = (
        f"Adding or taking {size} changes the {_PLACES[place]} digit by 1: {before} → {after}"
        + (", and the hundreds digit changes too" if crosses else "")
        + "."
    )
    text_zh = (
        f"{word_zh}{size}，{_PLACES_ZH[place]}上的数变化1：{before}变成{after}"
        + ("，十位满十（或不够减），百位上的数也要变" if crosses else "")
        + "。"
    )
    steps: tuple[Step, ...] = (
        step(text, text_zh, f"{n} {op} {size} = {answer}", kp),
        step(
            f"Check: {answer} {'−' if change > 0 else '+'} {size} = {n}.",
            f"验算：{answer} {'−' if change > 0 else '+'} {size} = {n}。",
            f"{answer} {'-' if change > 0 else '+'} {size} = {n}",
            kp,
        ),
    )
    return _draft(
        f"Work out in your head: {n} {op_shown} {size}.",
        f"口算：{n} {op_shown} {size} = ?",
        answer,
        steps,
        {"n": n, "change": change},
    )


@generator(
    "word_problem_within_100",
    "whole_ops.word_problems_100",
    also={"whole_ops.add_2digit_regroup": 0.3, "whole_ops.subtract_2digit_regroup": 0.3},
)
def word_problem_within_100(difficulty: int, rng: random.Random) -> Draft:
    """Stories within 100: one-step adding; one-step taking away or comparing; two steps.

    params: ``name``, ``thing``, ``kind`` ("add", "take", "compare", "two_step"),
    ``a``, ``b`` and, for two steps, ``c`` (the numbers in the order the story gives them).
    """
    kp = "whole_ops.word_problems_100"
    (name, name_zh, she), (thing, mw, thing_zh) = _who(rng), _thing(rng)
    params: dict[str, Any] = {"name": name, "thing": thing}
    if difficulty == 1:
        kind = "add"
        a, b = rng.randint(15, 60), rng.randint(12, 39)
        answer = a + b
        prompt = (
            f"{name} has {a} {thing}. {she.capitalize()} buys {b} more. How many {thing} does "
            f"{she} have now?"
        )
        zh = f"{name_zh}有{a}{mw}{thing_zh}，又买了{b}{mw}。{name_zh}现在一共有多少{mw}？"
        lines = [(f"{a} + {b} = {answer}", f"{a} + {b} = {answer}")]
        params |= {"a": a, "b": b}
    elif difficulty == 2:
        kind = rng.choice(("take", "compare"))
        a = rng.randint(41, 99)
        b = rng.randint(12, a - 5)
        answer = a - b
        if kind == "take":
            prompt = f"{name} had {a} {thing} and gave {b} to friends. How many {thing} are left?"
            zh = f"{name_zh}有{a}{mw}{thing_zh}，送给朋友{b}{mw}，还剩多少{mw}？"
        else:
            prompt = (
                f"Class A collected {a} {thing} and Class B collected {b}. How many more {thing} "
                "did Class A collect?"
            )
            zh = f"一班收集了{a}{mw}{thing_zh}，二班收集了{b}{mw}。一班比二班多收集了多少{mw}？"
        lines = [(f"{a} − {b} = {answer}", f"{a} - {b} = {answer}")]
        params |= {"a": a, "b": b}
    else:
        kind = "two_step"
        a = rng.randint(30, 70)
        b = rng.randint(11, a - 10)
        c = rng.randint(10, 99 - (a - b))
        answer = a - b + c
        prompt = (
            f"{name} had {a} {thing}, gave away {b}, then was given {c} more. How many {thing} "
            f"does {she} have now?"
        )
        zh = (
            f"{name_zh}有{a}{mw}{thing_zh}，送出{b}{mw}后，又得到{c}{mw}。{name_zh}现在有多少{mw}？"
        )
        lines = [
            (f"{a} − {b} = {a - b}", f"{a} - {b} = {a - b}"),
            (f"{a - b} + {c} = {answer}", f"{a - b} + {c} = {answer}"),
        ]
        params |= {"a": a, "b": b, "c": c}
    params["kind"] = kind
    steps = [
        step(f"Step {k + 1}: {shown}.", f"第{k + 1}步：{shown}。", claim, kp)
        for k, (shown, claim) in enumerate(lines)
    ]
    steps.append(
        step(
            f"Answer: {answer} {thing}.",
            f"答：{answer}{mw}。",
            f"{answer} = {answer}",
            kp,
        )
    )
    return _draft(prompt, zh, answer, steps, params)


def _column_sub_steps(a: int, b: int, kp: str) -> list[Step]:
    """Column subtraction, one step per place, regrouping (across zeros too) when needed."""
    steps = []
    borrow = 0
    for k in range(len(str(a))):
        top, bottom = _digit(a, k) - borrow, _digit(b, k)
        place, place_zh = _PLACES[k], _PLACES_ZH[k]
        if top < bottom:
            steps.append(
                step(
                    f"{place}: {top} is less than {bottom}, so regroup 1 from the next place: "
                    f"{top + 10} − {bottom} = {top + 10 - bottom}.",
                    f"{place_zh}：{top}比{bottom}小，向前一位借1当10：{top + 10} − {bottom} = {top + 10 - bottom}。",
                    f"{top} + 10 - {bottom} = {top + 10 - bottom}",
                    kp,
                )
            )
            borrow = 1
        else:
            steps.append(
                step(
                    f"{place}: {top} − {bottom} = {top - bottom}.",
                    f"{place_zh}：{top} − {bottom} = {top - bottom}。",
                    f"{top} - {bottom} = {top - bottom}",
                    kp,
                )
            )
            borrow = 0
    steps.append(
        step(
            f"Check by adding: {_c(a - b)} + {_c(b)} = {_c(a)}.",
            f"用加法验算：{a - b} + {b} = {a}。",
            f"{a - b} + {b} = {a}",
            kp,
        )
    )
    return steps


@generator(
    "subtract_column_multidigit",
    "whole_ops.subtract_multidigit",
    also={"whole_ops.subtract_across_zeros": 0.4, "place_value.multidigit_read_write": 0.2},
)
def subtract_column_multidigit(difficulty: int, rng: random.Random) -> Draft:
    """Column subtraction of 4-, 5- and 6-digit numbers; level 3 regroups across zeros.

    params: ``a``, ``b`` (``a − b``).
    """
    kp = "whole_ops.subtract_multidigit"
    size = difficulty + 3
    while True:
        if difficulty == 3:
            # zeros in the middle of the larger number force regrouping across them
            lead = rng.randint(2, 9)
            a = lead * 10 ** (size - 1) + rng.randint(0, 9) * 10 ** (size - 3) + rng.randint(1, 9)
            b = rng.randint(10 ** (size - 2), a - 1)
        else:
            a = rng.randint(2 * 10 ** (size - 1), 10**size - 1)
            b = rng.randint(10 ** (size - 2), a - 1)
        # columns where the bottom digit is bigger (ignoring earlier regrouping): enough to
        # tell "some regrouping" from "none"
        borrows = sum(1 for k in range(size) if _digit(a, k) < _digit(b, k))
        if borrows >= difficulty or (difficulty == 3 and b % 10 > a % 10):
            break
    return _draft(
        f"Work out {_c(a)} − {_c(b)}.",
        f"计算：{a} − {b} = ?",
        a - b,
        _column_sub_steps(a, b, kp),
        {"a": a, "b": b},
    )


@generator(
    "add_sub_check",
    "whole_ops.add_sub_1000_fluent",
    also={"whole_ops.add_within_1000": 0.3, "whole_ops.subtract_within_1000": 0.3},
)
def add_sub_check(difficulty: int, rng: random.Random) -> Draft:
    """Within 1000 with the inverse-operation check: a + b; a − b; a − b + c.

    params: ``a``, ``b`` and (level 3) ``c``; ``ops`` (the signs in order).
    """
    kp = "whole_ops.add_sub_1000_fluent"
    params: dict[str, Any]
    if difficulty == 1:
        a, b = rng.randint(120, 600), rng.randint(110, 390)
        answer = a + b
        shown, claim = f"{a} + {b}", f"{a} + {b}"
        check, check_claim = f"{answer} − {b} = {a}", f"{answer} - {b} = {a}"
        params = {"a": a, "b": b, "ops": ["+"]}
    elif difficulty == 2:
        a = rng.randint(300, 999)
        b = rng.randint(110, a - 20)
        answer = a - b
        shown, claim = f"{a} − {b}", f"{a} - {b}"
        check, check_claim = f"{answer} + {b} = {a}", f"{answer} + {b} = {a}"
        params = {"a": a, "b": b, "ops": ["-"]}
    else:
        a = rng.randint(400, 999)
        b = rng.randint(110, a - 50)
        c = rng.randint(100, 999 - (a - b))
        answer = a - b + c
        shown, claim = f"{a} − {b} + {c}", f"{a} - {b} + {c}"
        check, check_claim = f"{answer} − {c} + {b} = {a}", f"{answer} - {c} + {b} = {a}"
        params = {"a": a, "b": b, "c": c, "ops": ["-", "+"]}
    steps = [
        step(
            f"Work from left to right in columns: {shown} = {answer}.",
            f"从左往右，列竖式计算：{shown} = {answer}。",
            f"{claim} = {answer}",
            kp,
        ),
        step(
            f"Check with the inverse operation: {check}.",
            f"用逆运算验算：{check}。",
            check_claim,
            kp,
        ),
    ]
    if difficulty == 3:
        steps.insert(
            0,
            step(
                f"First {a} − {b} = {a - b}.",
                f"先算 {a} − {b} = {a - b}。",
                f"{a} - {b} = {a - b}",
                "whole_ops.subtract_within_1000",
            ),
        )
    return _draft(f"Work out {shown}.", f"计算：{shown} = ?", answer, steps, params)


@generator(
    "estimate_by_rounding",
    "whole_ops.estimate_sums",
    also={"place_value.round_10_100": 0.5},
)
def estimate_by_rounding(difficulty: int, rng: random.Random) -> Draft:
    """Estimate a sum or difference by rounding each number first.

    Level 1: two-digit sum, nearest 10; level 2: three-digit sum, nearest 100; level 3:
    three-digit difference, nearest 100 or 10. The answer is the estimate, not the exact value.
    params: ``a``, ``b``, ``op`` ("+" or "-"), ``unit``.
    """
    kp = "whole_ops.estimate_sums"
    op = "+"
    while True:
        if difficulty == 1:
            unit = 10
            a, b = rng.randint(11, 89), rng.randint(11, 89)
        elif difficulty == 2:
            unit = 100
            a, b = rng.randint(101, 849), rng.randint(101, 849)
        else:
            unit = rng.choice((10, 100))
            op = "-"
            a = rng.randint(300, 999)
            b = rng.randint(101, a - 100)
        if a % unit and b % unit:  # both need rounding, or there is nothing to estimate
            break
    ra, rb = _round(a, unit), _round(b, unit)
    answer = ra + rb if op == "+" else ra - rb
    shown = f"{a} {'+' if op == '+' else '−'} {b}"
    round_zh = "整十数" if unit == 10 else "整百数"
    steps: tuple[Step, ...] = (
        step(
            f"Round each number to the nearest {unit}: {a} → {ra}, {b} → {rb}.",
            f"把每个数四舍五入到{round_zh}：{a}≈{ra}，{b}≈{rb}。",
            f"{ra} - {unit // 2} <= {a} < {ra} + {unit // 2}",
            "place_value.round_10_100",
        ),
        step(
            f"{'Add' if op == '+' else 'Subtract'} the rounded numbers: "
            f"{ra} {'+' if op == '+' else '−'} {rb} = {answer}.",
            f"用近似数计算：{ra} {'+' if op == '+' else '−'} {rb} = {answer}。",
            f"{ra} {op} {rb} = {answer}",
            kp,
        ),
    )
    return _draft(
        f"Estimate {shown} by first rounding each number to the nearest {unit}. "
        "What is the estimate?",
        f"先把每个数四舍五入到{round_zh}，再估算 {shown} 大约是多少。",
        answer,
        steps,
        {"a": a, "b": b, "op": op, "unit": unit},
    )


# ============================================================================================
# Multiplication and division
# ============================================================================================


def _parity_claim(n: int) -> str:
    """``n = 2*k`` or ``n = 2*k + 1``: the claim that shows whether ``n`` is even or odd."""
    return f"{n} = 2 * {n // 2}" + (" + 1" if n % 2 else "")


@generator("odd_even_pick", "mult_div.odd_even", also={"whole_ops.fluency_within_20": 0.3})
def odd_even_pick(difficulty: int, rng: random.Random) -> Draft:
    """Even numbers as doubles (level 1); pick the odd or even one of three (levels 2 and 3).

    params: level 1 ``n`` (the even number); levels 2–3 ``numbers`` and ``ask``
    ("odd" or "even").
    """
    kp = "mult_div.odd_even"
    if difficulty == 1:
        n = 2 * rng.randint(1, 10)
        shape = rng.choice(("box", "words"))
        if shape == "box":
            prompt, zh = (
                f"Fill in the same number in both boxes: □ + □ = {n}",
                f"两个□里填相同的数：□ + □ = {n}",
            )
        else:
            prompt = f"{n} is even. Split it into two equal parts. How many are in each part?"
            zh = f"{n}是双数。把它平均分成两份，每份是多少？"
        half = n // 2
        steps: tuple[Step, ...] = (
            step(
                f"An even number splits into two equal numbers: {half} + {half} = {n}.",
                f"双数可以分成两个相同的数：{half} + {half} = {n}。",
                f"{half} + {half} = {n}",
                kp,
            ),
        )
        return _draft(prompt, zh, half, steps, {"n": n, "shape": shape})
    ask = rng.choice(("odd", "even"))
    high = 20 if difficulty == 2 else 100
    wanted = 1 if ask == "odd" else 0
    while True:
        numbers = rng.sample(range(3, high + 1), 3)
        if sum(1 for x in numbers if x % 2 == wanted) == 1:
            break
    answer = next(x for x in numbers if x % 2 == wanted)
    word_zh = "单数（奇数）" if ask == "odd" else "双数（偶数）"
    steps = tuple(
        step(
            f"{x} = {count(x // 2, 'pair')}" + (" + 1 left over: odd." if x % 2 else ": even."),
            f"{x}可以分成{x // 2}对" + ("，还多1个，是单数。" if x % 2 else "，没有剩余，是双数。"),
            _parity_claim(x),
            kp,
        )
        for x in numbers
    )
    listed = ", ".join(map(str, numbers))
    return _draft(
        f"Which of these numbers is {ask}: {listed}? Write it.",
        f"{'、'.join(map(str, numbers))}中，哪个数是{word_zh}？写出这个数。",
        answer,
        steps,
        {"numbers": numbers, "ask": ask},
    )


_ARRAY_THINGS = (
    ("chairs", "把", "椅子"),
    ("desks", "张", "课桌"),
    ("flowerpots", "盆", "花"),
    ("trees", "棵", "树"),
)


@generator("array_total", "mult_div.arrays", also={"place_value.skip_count": 0.2})
def array_total(difficulty: int, rng: random.Random) -> Draft:
    """Arrays as repeated addition: total of 2–3 rows; of up to 5 × 5; rows from the total.

    params: ``rows``, ``columns``, ``ask`` ("total" or "rows").
    """
    kp = "mult_div.arrays"
    things, mw, thing_zh = rng.choice(_ARRAY_THINGS)
    rows = rng.randint(2, 3) if difficulty == 1 else rng.randint(2, 5)
    columns = rng.randint(2, 5)
    total = rows * columns
    repeated = " + ".join([str(columns)] * rows)
    if difficulty < 3:
        ask = "total"
        prompt = f"{things.capitalize()} stand in {rows} rows with {columns} in each row. How many {things} are there?"
        zh = f"{thing_zh}摆成{rows}行，每行{columns}{mw}。一共有多少{mw}{thing_zh}？"
        answer = total
    else:
        ask = "rows"
        prompt = (
            f"{total} {things} stand in equal rows of {columns}. Counting them row by row gives "
            f"{columns} + {columns} + … = {total}. How many rows are there?"
        )
        zh = (
            f"{total}{mw}{thing_zh}排成若干行，每行{columns}{mw}。一行一行地加："
            f"{columns} + {columns} + … = {total}。一共有几行？"
        )
        answer = rows
    steps: tuple[Step, ...] = (
        step(
            f"Add one row at a time: {repeated} = {total}.",
            f"一行一行地加：{repeated} = {total}。",
            f"{repeated} = {total}",
            kp,
        ),
        step(
            f"That is {rows} rows of {columns}: {rows} × {columns} = {total}.",
            f"就是{rows}个{columns}：{rows} × {columns} = {total}。",
            f"{rows} * {columns} = {total}",
            "mult_div.meaning_multiplication",
        ),
    )
    return _draft(
        prompt, zh, answer, steps, {"rows": rows, "columns": columns, "ask": ask, "thing": things}
    )


@generator(
    "equal_groups_meaning",
    "mult_div.meaning_multiplication",
    also={"mult_div.arrays": 0.4},
)
def equal_groups_meaning(difficulty: int, rng: random.Random) -> Draft:
    """Multiplication as equal groups: the total; the number of groups in a repeated sum;
    one more group adds one group's size (``n × k = (n − 1) × k + □``).

    params: ``groups``, ``size``, ``shape`` ("total", "groups", "one_more").
    """
    kp = "mult_div.meaning_multiplication"
    groups, size = rng.randint(2, 6), rng.randint(2, 9)
    if difficulty == 3:
        groups = rng.randint(3, 9)
    total = groups * size
    repeated = " + ".join([str(size)] * groups)
    if difficulty == 1:
        shape = "total"
        (thing, mw, thing_zh) = _thing(rng)
        prompt = f"There are {groups} bags with {size} {thing} in each bag. How many {thing} are there in all?"
        zh = f"有{groups}袋{thing_zh}，每袋{size}{mw}。一共有多少{mw}？"
        answer = total
        steps: tuple[Step, ...] = (
            step(
                f"{groups} groups of {size}: {repeated} = {total}.",
                f"{groups}个{size}相加：{repeated} = {total}。",
                f"{repeated} = {total}",
                kp,
            ),
            step(
                f"As a multiplication: {groups} × {size} = {total}.",
                f"写成乘法：{groups} × {size} = {total}。",
                f"{groups} * {size} = {total}",
                kp,
            ),
        )
    elif difficulty == 2:
        shape = "groups"
        prompt = f"Write the addition as a multiplication: {repeated} = □ × {size}. What number goes in the box?"
        zh = f"把加法写成乘法：{repeated} = □ × {size}。□里填几？"
        answer = groups
        steps = (
            step(
                f"Count the addends: there are {groups} of them, each {size}.",
                f"数一数加数：一共有{groups}个{size}。",
                f"{repeated} = {groups} * {size}",
                kp,
            ),
        )
    else:
        shape = "one_more"
        prompt = f"What number goes in the box? {groups} × {size} = {groups - 1} × {size} + □"
        zh = f"□里填几？{groups} × {size} = {groups - 1} × {size} + □"
        answer = size
        steps = (
            step(
                f"{groups} groups of {size} is {groups - 1} groups of {size} and one more group of {size}.",
                f"{groups}个{size}就是{groups - 1}个{size}再加1个{size}。",
                f"{groups} * {size} = {groups - 1} * {size} + {size}",
                kp,
            ),
            step(
                f"Check: {(groups - 1) * size} + {size} = {total}.",
                f"验算：{(groups - 1) * size} + {size} = {total}。",
                f"{(groups - 1) * size} + {size} = {total}",
                kp,
            ),
        )
    return _draft(prompt, zh, answer, steps, {"groups": groups, "size": size, "shape": shape})


@generator(
    "share_and_group", "mult_div.meaning_division", also={"mult_div.meaning_multiplication": 0.4}
)
def share_and_group(difficulty: int, rng: random.Random) -> Draft:
    """Division as fair sharing (level 1), as making groups (level 2), either up to 100 (level 3).

    params: ``total``, ``divisor``, ``kind`` ("share" or "group"), ``thing``.
    """
    kp = "mult_div.meaning_division"
    (thing, mw, thing_zh) = _thing(rng)
    if difficulty == 1:
        kind, divisor, quotient = "share", rng.randint(2, 5), rng.randint(2, 6)
    elif difficulty == 2:
        kind, divisor, quotient = "group", rng.randint(2, 6), rng.randint(2, 9)
    else:
        kind, divisor, quotient = (
            rng.choice(("share", "group")),
            rng.randint(6, 9),
            rng.randint(5, 11),
        )
    total = divisor * quotient
    if kind == "share":
        prompt = f"{total} {thing} are shared equally among {divisor} children. How many does each child get?"
        zh = f"把{total}{mw}{thing_zh}平均分给{divisor}个小朋友，每人分到几{mw}？"
        idea = f"Sharing {total} into {divisor} equal parts is {total} ÷ {divisor}."
        idea_zh = f"把{total}平均分成{divisor}份，用除法：{total} ÷ {divisor}。"
    else:
        prompt = f"{total} {thing} are put in bags of {divisor}. How many bags are filled?"
        zh = f"{total}{mw}{thing_zh}，每{divisor}{mw}装一袋，可以装几袋？"
        idea = f"Counting how many groups of {divisor} fit in {total} is {total} ÷ {divisor}."
        idea_zh = f"求{total}里有几个{divisor}，用除法：{total} ÷ {divisor}。"
    steps: tuple[Step, ...] = (
        step(idea, idea_zh, f"{total} / {divisor} = {quotient}", kp),
        step(
            f"Check with multiplication: {quotient} × {divisor} = {total}.",
            f"用乘法验算：{quotient} × {divisor} = {total}。",
            f"{quotient} * {divisor} = {total}",
            "mult_div.meaning_multiplication",
        ),
    )
    return _draft(
        prompt,
        zh,
        quotient,
        steps,
        {"total": total, "divisor": divisor, "kind": kind, "thing": thing},
    )


@generator("times_zero_one", "mult_div.facts_0_1", also={"mult_div.meaning_multiplication": 0.3})
def times_zero_one(difficulty: int, rng: random.Random) -> Draft:
    """Multiplying by 0 and 1: one-digit; large numbers; ``a × 1 + b × 0`` and ``0 ÷ a``.

    params: ``a``, ``factor`` (0 or 1) and, at level 3, ``b`` and ``shape``.
    """
    kp = "mult_div.facts_0_1"
    if difficulty < 3:
        a = rng.randint(2, 10) if difficulty == 1 else rng.randint(11, 999)
        factor = rng.choice((0, 1))
        first = rng.random() < 0.5
        shown = f"{factor} × {a}" if first else f"{a} × {factor}"
        claim = f"{factor} * {a}" if first else f"{a} * {factor}"
        answer = a * factor
        rule = (
            f"Any number times 1 is itself: {shown} = {answer}."
            if factor
            else f"Any number times 0 is 0 (no groups, or groups of nothing): {shown} = 0."
        )
        rule_zh = (
            f"任何数乘1都得它本身：{shown} = {answer}。"
            if factor
            else f"任何数乘0都得0：{shown} = 0。"
        )
        steps: tuple[Step, ...] = (step(rule, rule_zh, f"{claim} = {answer}", kp),)
        return _draft(
            f"Work out {shown}.",
            f"计算：{shown} = ?",
            answer,
            steps,
            {"a": a, "factor": factor, "first": first},
        )
    a, b = rng.randint(2, 99), rng.randint(2, 99)
    shape = rng.choice(("sum", "zero_divided"))
    if shape == "sum":
        shown, claim, answer = f"{a} × 1 + {b} × 0", f"{a} * 1 + {b} * 0", a
        steps = (
            step(
                f"{a} × 1 = {a} and {b} × 0 = 0.",
                f"{a} × 1 = {a}，{b} × 0 = 0。",
                f"{a} * 1 + {b} * 0 = {a} + 0",
                kp,
            ),
            step(f"{a} + 0 = {a}.", f"{a} + 0 = {a}。", f"{a} + 0 = {a}", kp),
        )
    else:
        shown, claim, answer = f"0 ÷ {a} + {b} × 1", f"0 / {a} + {b} * 1", b
        steps = (
            step(
                f"0 shared among {a} groups gives 0 each: 0 ÷ {a} = 0; and {b} × 1 = {b}.",
                f"0除以任何不是0的数都得0：0 ÷ {a} = 0；{b} × 1 = {b}。",
                f"0 / {a} + {b} * 1 = 0 + {b}",
                kp,
            ),
            step(f"0 + {b} = {b}.", f"0 + {b} = {b}。", f"0 + {b} = {b}", kp),
        )
    return _draft(
        f"Work out {shown}.",
        f"计算：{shown} = ?",
        answer,
        steps,
        {"a": a, "b": b, "shape": shape, "factor": 0},
    )


@generator(
    "multiply_properties_fill",
    "mult_div.multiplication_properties",
    also={"mult_div.facts_2_5_10": 0.3},
)
def multiply_properties_fill(difficulty: int, rng: random.Random) -> Draft:
    """Commutative (``6 × 7 = 7 × □``), distributive (``8 × 7 = 8 × 5 + 8 × □``) and
    associative (``2 × 9 × 5``, grouping to make 10) properties.

    params: ``a``, ``b`` and (levels 2–3) ``c``; ``property``.
    """
    kp = "mult_div.multiplication_properties"
    if difficulty == 1:
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        while a == b:
            b = rng.randint(2, 9)
        steps: tuple[Step, ...] = (
            step(
                f"Swapping the factors does not change the product: {a} × {b} = {b} × {a} = {a * b}.",
                f"交换因数的位置，积不变：{a} × {b} = {b} × {a} = {a * b}。",
                f"{a} * {b} = {b} * {a} = {a * b}",
                kp,
            ),
        )
        return _draft(
            f"What number goes in the box? {a} × {b} = {b} × □",
            f"□里填几？{a} × {b} = {b} × □",
            a,
            steps,
            {"a": a, "b": b, "property": "commutative"},
        )
    if difficulty == 2:
        a, b = rng.randint(3, 9), rng.randint(6, 9)
        c = rng.choice((2, 5)) if b > 5 else 2
        rest = b - c
        steps = (
            step(
                f"Split {b} into {c} + {rest}: {a} × {b} = {a} × {c} + {a} × {rest}.",
                f"把{b}分成{c}和{rest}：{a} × {b} = {a} × {c} + {a} × {rest}。",
                f"{a} * {b} = {a} * {c} + {a} * {rest}",
                kp,
            ),
            step(
                f"Check: {a * c} + {a * rest} = {a * b}.",
                f"验算：{a * c} + {a * rest} = {a * b}。",
                f"{a * c} + {a * rest} = {a * b}",
                kp,
            ),
        )
        return _draft(
            f"What number goes in the box? {a} × {b} = {a} × {c} + {a} × □",
            f"□里填几？{a} × {b} = {a} × {c} + {a} × □",
            rest,
            steps,
            {"a": a, "b": b, "c": c, "property": "distributive"},
        )
    pair = rng.choice(((2, 5), (4, 5), (5, 2), (5, 4), (2, 50), (4, 25)))
    b = rng.randint(3, 19)
    order = rng.choice(("outer", "inner"))
    a, c = pair
    shown = f"{a} × {b} × {c}" if order == "outer" else f"{b} × {a} × {c}"
    claim = shown.replace("×", "*")
    product = a * b * c
    steps = (
        step(
            f"Change the order and grouping to multiply {a} × {c} = {a * c} first.",
            f"交换因数的位置，先算 {a} × {c} = {a * c}。",
            f"{claim} = ({a} * {c}) * {b}",
            kp,
        ),
        step(
            f"Then {a * c} × {b} = {product}.",
            f"再算 {a * c} × {b} = {product}。",
            f"{a * c} * {b} = {product}",
            kp,
        ),
    )
    return _draft(
        f"Work out {shown} in a clever order.",
        f"用简便方法计算：{shown}",
        product,
        steps,
        {"a": a, "b": b, "c": c, "order": order, "property": "associative"},
    )


@generator("unknown_factor_box", "mult_div.unknown_factor", also={"mult_div.division_facts": 0.4})
def unknown_factor_box(difficulty: int, rng: random.Random) -> Draft:
    """The box in ``□ × b = c`` (tables to 5), ``a × □ = c`` or ``c ÷ □ = q`` (to 10),
    ``□ ÷ d = q`` (the dividend).

    params: ``a``, ``b``, ``product`` (``a × b``), ``shape`` (which of the four forms).
    """
    kp = "mult_div.unknown_factor"
    top = 5 if difficulty == 1 else 10
    a, b = rng.randint(2, top), rng.randint(2, top if difficulty == 1 else 9)
    product = a * b
    if difficulty == 1:
        shape, shown, answer = "first_factor", f"□ × {b} = {product}", a
    elif difficulty == 2:
        shape = rng.choice(("second_factor", "divisor"))
        if shape == "second_factor":
            shown, answer = f"{a} × □ = {product}", b
        else:
            shown, answer = f"{product} ÷ □ = {a}", b
    else:
        shape, shown, answer = "dividend", f"□ ÷ {b} = {a}", product
    if shape == "dividend":
        steps: tuple[Step, ...] = (
            step(
                f"The box shares into {b} parts of {a}, so it is {a} × {b} = {product}.",
                f"被除数 = 商 × 除数：{a} × {b} = {product}。",
                f"{a} * {b} = {product}",
                kp,
            ),
            step(
                f"Check: {product} ÷ {b} = {a}.",
                f"验算：{product} ÷ {b} = {a}。",
                f"{product} / {b} = {a}",
                kp,
            ),
        )
    else:
        known = a if shape != "first_factor" else b
        steps = (
            step(
                f"Think: {known} times what makes {product}? {product} ÷ {known} = {answer}.",
                f"想：{known}乘几得{product}？{product} ÷ {known} = {answer}。",
                f"{product} / {known} = {answer}",
                kp,
            ),
            step(
                f"Check: {known} × {answer} = {product}.",
                f"验算：{known} × {answer} = {product}。",
                f"{known} * {answer} = {product}",
                "mult_div.division_facts",
            ),
        )
    return _draft(
        f"What number goes in the box? {shown}",
        f"□里填几？{shown}",
        answer,
        steps,
        {"a": a, "b": b, "product": product, "shape": shape},
    )


@generator(
    "equal_groups_word",
    "mult_div.word_problems_equal_groups",
    also={"mult_div.meaning_multiplication": 0.3, "mult_div.meaning_division": 0.3},
)
def equal_groups_word(difficulty: int, rng: random.Random) -> Draft:
    """Equal-groups stories: how many in all (×); how many each (÷); how many pieces (÷, lengths).

    params: ``groups``, ``size`` (``groups × size = total``), ``total``, ``kind``
    ("multiply", "share", "measure"), ``name``, ``thing``.
    """
    kp = "mult_div.word_problems_equal_groups"
    (name, name_zh, she), (thing, mw, thing_zh) = _who(rng), _thing(rng)
    groups, size = rng.randint(2, 9), rng.randint(2, 9)
    total = groups * size
    if difficulty == 1:
        kind, answer = "multiply", total
        prompt = f"{name} has {groups} boxes with {size} {thing} in each. How many {thing} does {she} have?"
        zh = f"{name_zh}有{groups}盒{thing_zh}，每盒{size}{mw}。{name_zh}一共有多少{mw}{thing_zh}？"
        shown, claim = f"{groups} × {size} = {total}", f"{groups} * {size} = {total}"
    elif difficulty == 2:
        kind, answer = "share", size
        prompt = f"{name} shares {total} {thing} equally among {groups} friends. How many does each friend get?"
        zh = f"{name_zh}把{total}{mw}{thing_zh}平均分给{groups}个朋友，每人分到几{mw}？"
        shown, claim = f"{total} ÷ {groups} = {size}", f"{total} / {groups} = {size}"
    else:
        kind, answer = "measure", groups
        size = rng.randint(3, 12)
        total = groups * size
        prompt = f"A ribbon is {total} metres long. {name} cuts it into pieces {size} metres long. How many pieces are there?"
        zh = f"一根彩带长{total}米，{name_zh}把它剪成每段{size}米，可以剪成几段？"
        shown, claim = f"{total} ÷ {size} = {groups}", f"{total} / {size} = {groups}"
    steps: tuple[Step, ...] = (
        step(
            f"Equal groups: {'multiply' if kind == 'multiply' else 'divide'}. {shown}.",
            f"求{'几个相同加数的和，用乘法' if kind == 'multiply' else '平均分或包含几个，用除法'}：{shown}。",
            claim,
            kp,
        ),
        step(
            f"Check: {groups} × {size} = {total}.",
            f"验算：{groups} × {size} = {total}。",
            f"{groups} * {size} = {total}",
            "mult_div.meaning_multiplication",
        ),
    )
    return _draft(
        prompt,
        zh,
        answer,
        steps,
        {
            "groups": groups,
            "size": size,
            "total": total,
            "kind": kind,
            "name": name,
            "thing": thing,
        },
    )


@generator(
    "times_multiple_of_ten",
    "mult_div.multiply_by_tens",
    also={"mult_div.facts_7_8_9": 0.3, "place_value.tens_and_ones": 0.2},
)
def times_multiple_of_ten(difficulty: int, rng: random.Random) -> Draft:
    """One-digit number × whole tens: small facts; 6–9 facts; facts ending in 0 (5 × 80) or the box.

    params: ``a`` (one-digit), ``tens`` (the multiple of ten is ``10 × tens``), ``shape``.
    """
    kp = "mult_div.multiply_by_tens"
    shape = "product"
    if difficulty == 1:
        a, tens = rng.randint(2, 5), rng.randint(1, 5)
    elif difficulty == 2:
        a, tens = rng.randint(6, 9), rng.randint(2, 9)
    else:
        a, tens = rng.choice(
            ((5, 2), (5, 4), (5, 6), (5, 8), (2, 5), (4, 5), (6, 5), (8, 5), (4, 5))
        )
        if rng.random() < 0.5:
            a, tens = rng.randint(3, 9), rng.randint(3, 9)
            shape = "box"
    m = 10 * tens
    product = a * m
    fact = a * tens
    steps: tuple[Step, ...] = (
        step(
            f"{m} is {count(tens, 'ten')}, so {a} × {m} is {a} × {tens} = {count(fact, 'ten')}.",
            f"{m}是{tens}个十，{a} × {m}就是{a} × {tens} = {fact}个十。",
            f"{a} * {tens} = {fact}",
            "mult_div.facts_7_8_9" if max(a, tens) >= 7 else kp,
        ),
        step(
            f"{count(fact, 'ten')} = {product}.",
            f"{fact}个十是{product}。",
            f"{a} * {m} = {fact} * 10 = {product}",
            kp,
        ),
    )
    if shape == "box":
        return _draft(
            f"What number goes in the box? □ × {m} = {product}",
            f"□里填几？□ × {m} = {product}",
            a,
            steps,
            {"a": a, "tens": tens, "shape": shape},
        )
    first = rng.random() < 0.5
    shown = f"{a} × {m}" if first else f"{m} × {a}"
    return _draft(
        f"Work out {shown}.",
        f"计算：{shown} = ?",
        product,
        steps,
        {"a": a, "tens": tens, "shape": shape},
    )


@generator(
    "two_step_word",
    "mult_div.two_step_word_problems",
    also={"mult_div.word_problems_equal_groups": 0.4, "whole_ops.word_problems_100": 0.3},
)
def two_step_word(difficulty: int, rng: random.Random) -> Draft:
    """Two-step stories: groups plus loose ones; change from buying; combine then share.

    params: level 1 ``groups``, ``size``, ``extra``; level 2 ``count``, ``price``, ``paid``;
    level 3 ``a``, ``b``, ``people``; always ``kind`` and ``name``.
    """
    kp = "mult_div.two_step_word_problems"
    (name, name_zh, she), (thing, mw, thing_zh) = _who(rng), _thing(rng)
    params: dict[str, Any] = {"name": name}
    if difficulty == 1:
        groups, size, extra = rng.randint(2, 6), rng.randint(3, 9), rng.randint(2, 9)
        first, answer = groups * size, groups * size + extra
        prompt = (
            f"{name} has {groups} packs of {size} {thing} and {extra} loose {thing}. How many "
            f"{thing} does {she} have in all?"
        )
        zh = f"{name_zh}有{groups}包{thing_zh}，每包{size}{mw}，还有{extra}{mw}散装的。一共有多少{mw}？"
        lines = [
            (f"{groups} × {size} = {first}", f"{groups} * {size} = {first}"),
            (f"{first} + {extra} = {answer}", f"{first} + {extra} = {answer}"),
        ]
        params |= {
            "kind": "groups_plus",
            "groups": groups,
            "size": size,
            "extra": extra,
            "thing": thing,
        }
    elif difficulty == 2:
        count, price = rng.randint(2, 9), rng.randint(2, 9)
        first = count * price
        paid = rng.choice([p for p in (20, 50, 100) if p > first])
        answer = paid - first
        prompt = (
            f"{name} buys {count} notebooks at {price} yuan each and pays with {paid} yuan. "
            "How much change, in yuan, does "
            f"{she} get?"
        )
        zh = f"{name_zh}买了{count}本笔记本，每本{price}元，付了{paid}元，应找回多少元？"
        lines = [
            (f"{count} × {price} = {first}", f"{count} * {price} = {first}"),
            (f"{paid} − {first} = {answer}", f"{paid} - {first} = {answer}"),
        ]
        params |= {"kind": "change", "count": count, "price": price, "paid": paid}
    else:
        people = rng.randint(3, 9)
        answer = rng.randint(3, 9)
        first = people * answer
        a = rng.randint(first // 3, 2 * first // 3)
        b = first - a
        prompt = (
            f"{name} picked {a} {thing} and a friend picked {b}. They shared all of them equally "
            f"among {people} children. How many did each child get?"
        )
        zh = f"{name_zh}捡了{a}{mw}{thing_zh}，朋友捡了{b}{mw}。把这些{thing_zh}平均分给{people}个小朋友，每人分到几{mw}？"
        lines = [
            (f"{a} + {b} = {first}", f"{a} + {b} = {first}"),
            (f"{first} ÷ {people} = {answer}", f"{first} / {people} = {answer}"),
        ]
        params |= {"kind": "combine_share", "a": a, "b": b, "people": people, "thing": thing}
    steps = [
        step(f"Step {k + 1}: {shown}.", f"第{k + 1}步：{shown}。", claim, kp)
        for k, (shown, claim) in enumerate(lines)
    ]
    return _draft(prompt, zh, answer, steps, params)


@generator(
    "number_pattern_next",
    "mult_div.arithmetic_patterns",
    also={"place_value.skip_count": 0.3, "mult_div.odd_even": 0.2},
)
def number_pattern_next(difficulty: int, rng: random.Random) -> Draft:
    """Add-the-same patterns: the next number; a falling pattern's missing middle term; the 10th term.

    params: ``start``, ``step`` (negative for a falling pattern), ``position`` (1-based
    index of the asked term).
    """
    kp = "mult_div.arithmetic_patterns"
    jump = rng.randint(2, 9)
    if difficulty == 1:
        start = jump * rng.randint(1, 5) if rng.random() < 0.5 else rng.randint(1, 20)
        terms = [start + k * jump for k in range(5)]
        position = 5
    elif difficulty == 2:
        jump = -jump
        start = rng.randint(40, 99)
        terms = [start + k * jump for k in range(5)]
        position = rng.choice((2, 3, 4))
    else:
        start = rng.randint(1, 20)
        position = rng.choice((10, 12, 15, 20))
        terms = [start + k * jump for k in range(4)] + [start + (position - 1) * jump]
    answer = start + (position - 1) * jump
    if difficulty == 3:
        listed = ", ".join(map(str, terms[:4])) + ", …"
        prompt = f"A pattern starts {listed} and keeps adding the same number. What is number {position} in the pattern?"
        zh = f"一列数：{listed.replace(', ', '，')}，每次加上同一个数。第{position}个数是多少？"
    else:
        shown = ["□" if k == position - 1 else str(t) for k, t in enumerate(terms)]
        listed = ", ".join(shown)
        prompt = f"Find the rule and fill in the box: {listed}"
        zh = f"找规律填数：{'，'.join(shown)}"
    known = (
        [t for k, t in enumerate(terms) if k != position - 1][:2]
        if position > 2
        else [terms[2], terms[3]]
    )
    gap = known[1] - known[0]
    per = gap
    steps = [
        step(
            f"The rule: each number is {abs(jump)} {'more' if jump > 0 else 'less'} than the one before: "
            f"{known[1]} − {known[0]} = {per}.",
            f"规律：后一个数比前一个数{'多' if jump > 0 else '少'}{abs(jump)}：{known[1]} − {known[0]} = {per}。",
            f"{known[1]} - {known[0]} = {jump}",
            kp,
        )
    ]
    if difficulty == 3:
        steps.append(
            step(
                f"From number 1 to number {position} there are {position - 1} jumps of {jump}: "
                f"{start} + {position - 1} × {jump} = {answer}.",
                f"从第1个数到第{position}个数，要加{position - 1}次{jump}：{start} + {position - 1} × {jump} = {answer}。",
                f"{start} + {position - 1} * {jump} = {answer}",
                kp,
            )
        )
    else:
        prev = answer - jump
        steps.append(
            step(
                f"The box: {prev} {'+' if jump > 0 else '−'} {abs(jump)} = {answer}.",
                f"□里：{prev} {'+' if jump > 0 else '−'} {abs(jump)} = {answer}。",
                f"{prev} + ({jump}) = {answer}",
                kp,
            )
        )
    return _draft(prompt, zh, answer, steps, {"start": start, "step": jump, "position": position})


@generator(
    "times_as_many",
    "mult_div.multiplicative_comparison",
    also={"mult_div.word_problems_equal_groups": 0.4},
)
def times_as_many(difficulty: int, rng: random.Random) -> Draft:
    """Times-as-many stories: find the larger amount; the smaller amount; how many more.

    params: ``small``, ``times`` (``large = times × small``), ``large``, ``ask``
    ("large", "small", "difference"), ``name``.
    """
    kp = "mult_div.multiplicative_comparison"
    (name, name_zh, _), (thing, mw, thing_zh) = _who(rng), _thing(rng)
    small, times = rng.randint(3, 12), rng.randint(2, 9)
    large = small * times
    if difficulty == 1:
        ask, answer = "large", large
        prompt = f"{name}'s brother has {small} {thing}. {name} has {times} times as many. How many {thing} does {name} have?"
        zh = f"哥哥有{small}{mw}{thing_zh}，{name_zh}的{thing_zh}是哥哥的{times}倍。{name_zh}有多少{mw}？"
        shown, claim = f"{times} × {small} = {large}", f"{times} * {small} = {large}"
    elif difficulty == 2:
        ask, answer = "small", small
        prompt = f"{name} has {large} {thing}. That is {times} times as many as {name}'s brother has. How many {thing} does the brother have?"
        zh = f"{name_zh}有{large}{mw}{thing_zh}，是哥哥的{times}倍。哥哥有多少{mw}？"
        shown, claim = f"{large} ÷ {times} = {small}", f"{large} / {times} = {small}"
    else:
        ask, answer = "difference", large - small
        prompt = f"{name}'s brother has {small} {thing}. {name} has {times} times as many. How many more {thing} does {name} have than the brother?"
        zh = f"哥哥有{small}{mw}{thing_zh}，{name_zh}的是哥哥的{times}倍。{name_zh}比哥哥多多少{mw}？"
        shown, claim = f"{times} × {small} = {large}", f"{times} * {small} = {large}"
    steps = [
        step(
            f"'{times} times as many' means {times} groups the size of the smaller amount: {shown}.",
            f"“是……的{times}倍”就是有{times}个那么多：{shown}。",
            claim,
            kp,
        )
    ]
    if ask == "difference":
        steps.append(
            step(
                f"How many more: {large} − {small} = {answer}.",
                f"多多少：{large} − {small} = {answer}。",
                f"{large} - {small} = {answer}",
                "whole_ops.word_problems_100",
            )
        )
    return _draft(
        prompt,
        zh,
        answer,
        steps,
        {"small": small, "times": times, "large": large, "ask": ask, "name": name, "thing": thing},
    )


def _factor_pairs(n: int) -> list[tuple[int, int]]:
    return [(d, n // d) for d in range(1, math.isqrt(n) + 1) if n % d == 0]


@generator("factor_pair_count", "mult_div.factor_pairs", also={"mult_div.unknown_factor": 0.4})
def factor_pair_count(difficulty: int, rng: random.Random) -> Draft:
    """Factor pairs: the partner of a factor (up to 36); how many pairs (up to 60); how many
    factors (up to 100, squares included).

    params: ``n`` and (level 1) ``factor``; ``ask`` ("partner", "pairs", "factors").
    """
    kp = "mult_div.factor_pairs"
    if difficulty == 1:
        while True:
            n = rng.randint(12, 36)
            pairs = _factor_pairs(n)
            if len(pairs) >= 2:
                break
        factor = rng.choice([d for d, _ in pairs[1:]] + [e for _, e in pairs[1:]])
        partner = n // factor
        steps: tuple[Step, ...] = (
            step(
                f"{factor} times what makes {n}? {n} ÷ {factor} = {partner}.",
                f"{factor}乘几得{n}？{n} ÷ {factor} = {partner}。",
                f"{n} / {factor} = {partner}",
                kp,
            ),
            step(
                f"So {n} = {factor} × {partner}.",
                f"所以 {n} = {factor} × {partner}。",
                f"{factor} * {partner} = {n}",
                kp,
            ),
        )
        return _draft(
            f"Complete the factor pair: {n} = {factor} × □",
            f"□里填几？{n} = {factor} × □",
            partner,
            steps,
            {"n": n, "factor": factor, "ask": "partner"},
        )
    while True:
        n = rng.randint(12, 60) if difficulty == 2 else rng.randint(24, 100)
        pairs = _factor_pairs(n)
        if len(pairs) >= 3 or (difficulty == 3 and math.isqrt(n) ** 2 == n):
            break
    chain = " = ".join(f"{d} * {e}" for d, e in pairs)
    chain_shown = " = ".join(f"{d} × {e}" for d, e in pairs)
    limit = math.isqrt(n)
    steps_list = [
        step(
            f"Test 1, 2, 3, … up to {limit} (since {limit + 1} × {limit + 1} > {n}): {n} = {chain_shown}.",
            f"从1开始一个一个试，试到{limit}就可以了（因为{limit + 1} × {limit + 1} > {n}）：{n} = {chain_shown}。",
            f"{n} = {chain}",
            kp,
        )
    ]
    if difficulty == 2:
        answer, ask = len(pairs), "pairs"
        prompt = f"How many factor pairs does {n} have? (Count 2 × 3 and 3 × 2 as the same pair.)"
        zh = f"{n}可以写成两个因数相乘的形式，一共有几组？（2 × 3和3 × 2算同一组。）"
        steps_list.append(
            step(f"That is {answer} pairs.", f"一共有{answer}组。", f"{len(pairs)} = {answer}", kp)
        )
    else:
        factors = sorted({d for d, _ in pairs} | {e for _, e in pairs})
        answer, ask = len(factors), "factors"
        prompt = f"How many different factors does {n} have?"
        zh = f"{n}一共有多少个不同的因数？"
        square = " (the square pair counts once)" if limit * limit == n else ""
        square_zh = "（相同的两个因数只算一个）" if limit * limit == n else ""
        steps_list.append(
            step(
                f"The factors are {', '.join(map(str, factors))}{square}: {answer} factors.",
                f"因数有{'、'.join(map(str, factors))}{square_zh}，共{answer}个。",
                f"{2 * len(pairs) - (1 if limit * limit == n else 0)} = {answer}",
                kp,
            )
        )
    return _draft(prompt, zh, answer, steps_list, {"n": n, "ask": ask})


@generator("multiples_find", "mult_div.multiples", also={"mult_div.factor_pairs": 0.3})
def multiples_find(difficulty: int, rng: random.Random) -> Draft:
    """The k-th multiple of d; the first multiple of d above n; how many multiples of d up to N.

    params: ``d`` and ``k`` (level 1), ``n`` (level 2), ``limit`` (level 3).
    """
    kp = "mult_div.multiples"
    d = rng.randint(3, 9)
    if difficulty == 1:
        k = rng.randint(3, 10)
        answer = d * k
        steps: tuple[Step, ...] = (
            step(
                f"The multiples of {d} are {d}, {2 * d}, {3 * d}, …; the {ordinal(k)} one is {d} × {k} = {answer}.",
                f"{d}的倍数有{d}、{2 * d}、{3 * d}……，第{k}个是 {d} × {k} = {answer}。",
                f"{d} * {k} = {answer}",
                kp,
            ),
        )
        return _draft(
            f"Counting the multiples of {d} from {d} upward, what is the {ordinal(k)} multiple?",
            f"从{d}开始，从小到大数{d}的倍数，第{k}个倍数是多少？",
            answer,
            steps,
            {"d": d, "k": k},
        )
    if difficulty == 2:
        n = rng.randint(20, 90)
        while n % d == 0:
            n = rng.randint(20, 90)
        q = n // d
        answer = d * (q + 1)
        steps = (
            step(
                f"{n} ÷ {d} = {q} remainder {n - d * q}, so {d} × {q} = {d * q} is just below {n}.",
                f"{n} ÷ {d} = {q}……{n - d * q}，所以 {d} × {q} = {d * q} 比{n}小。",
                f"{d} * {q} < {n}",
                kp,
            ),
            step(
                f"The next multiple is {d} × {q + 1} = {answer}.",
                f"下一个倍数是 {d} × {q + 1} = {answer}。",
                f"{d} * {q + 1} = {answer} > {n}",
                kp,
            ),
        )
        return _draft(
            f"What is the smallest multiple of {d} that is greater than {n}?",
            f"比{n}大的{d}的倍数中，最小的是多少？",
            answer,
            steps,
            {"d": d, "n": n},
        )
    limit = rng.choice((50, 60, 80, 100))
    answer = limit // d
    steps = (
        step(
            f"The largest multiple of {d} up to {limit} is {d} × {answer} = {d * answer}.",
            f"不超过{limit}的最大的{d}的倍数是 {d} × {answer} = {d * answer}。",
            f"{d * answer} <= {limit} < {d} * {answer + 1}",
            kp,
        ),
        step(
            f"So the multiples are {d} × 1 up to {d} × {answer}: {answer} of them.",
            f"所以这些倍数是 {d} × 1 到 {d} × {answer}，共{answer}个。",
            f"{d * answer} / {d} = {answer}",
            kp,
        ),
    )
    return _draft(
        f"How many multiples of {d} are there from 1 to {limit}?",
        f"1到{limit}中，{d}的倍数有多少个？",
        answer,
        steps,
        {"d": d, "limit": limit},
    )


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1))


def _smallest_factor(n: int) -> int:
    return next(d for d in range(2, n + 1) if n % d == 0)


@generator("pick_the_prime", "mult_div.prime_composite", also={"mult_div.factor_pairs": 0.4})
def pick_the_prime(difficulty: int, rng: random.Random) -> Draft:
    """The one prime among four numbers up to 30, 60 or 100 (levels 2–3 use odd composites).

    params: ``numbers`` (in the order shown; exactly one is prime).
    """
    kp = "mult_div.prime_composite"
    high = (30, 60, 100)[difficulty - 1]
    primes = [p for p in range(5, high + 1) if _is_prime(p)]
    composites = [
        c for c in range(4, high + 1) if not _is_prime(c) and (difficulty == 1 or c % 2 == 1)
    ]
    numbers = [rng.choice(primes), *rng.sample(composites, 3)]
    rng.shuffle(numbers)
    answer = next(x for x in numbers if _is_prime(x))
    steps = []
    for x in numbers:
        if x == answer:
            limit = math.isqrt(x)
            steps.append(
                step(
                    f"{x}: no number from 2 to {limit} divides it ({limit + 1} × {limit + 1} > {x}), "
                    "so its only factors are 1 and itself: prime.",
                    f"{x}：2到{limit}都不能整除它（{limit + 1} × {limit + 1} > {x}），"
                    "它只有1和它本身两个因数，是质数。",
                    f"{limit} * {limit} < {x} < {limit + 1} * {limit + 1}",
                    kp,
                )
            )
        else:
            f = _smallest_factor(x)
            steps.append(
                step(
                    f"{x} = {f} × {x // f}: it has a factor other than 1 and itself, so it is composite.",
                    f"{x} = {f} × {x // f}，除了1和它本身还有别的因数，是合数。",
                    f"{x} = {f} * {x // f}",
                    "mult_div.factor_pairs",
                )
            )
    listed = ", ".join(map(str, numbers))
    return _draft(
        f"Exactly one of these numbers is prime: {listed}. Which one?",
        f"{'、'.join(map(str, numbers))}中只有一个是质数，是哪一个？",
        answer,
        steps,
        {"numbers": numbers},
    )


@generator(
    "remainder_in_context",
    "mult_div.interpret_remainders",
    also={"mult_div.divide_with_remainder": 0.5},
)
def remainder_in_context(difficulty: int, rng: random.Random) -> Draft:
    """What a remainder means in a story: round up (level 1), drop it (level 2), or any of
    round up / drop / the remainder itself with bigger numbers (level 3).

    params: ``total``, ``size`` (the divisor), ``quotient``, ``remainder``, ``kind``
    ("round_up", "drop", "left_over").
    """
    kp = "mult_div.interpret_remainders"
    if difficulty == 1:
        kind = "round_up"
        size, quotient = rng.randint(3, 9), rng.randint(2, 9)
    elif difficulty == 2:
        kind = "drop"
        size, quotient = rng.randint(3, 9), rng.randint(2, 9)
    else:
        kind = rng.choice(("round_up", "drop", "left_over"))
        size, quotient = rng.randint(12, 45), rng.randint(3, 12)
    remainder = rng.randint(1, size - 1)
    total = size * quotient + remainder
    if kind == "round_up":
        answer = quotient + 1
        prompt = f"{total} pupils go on a trip. Each minibus holds {size} pupils. How many minibuses are needed?"
        zh = f"{total}名同学去春游，每辆面包车最多坐{size}人。至少需要几辆面包车？"
        meaning = (
            f"The {count(remainder, 'pupil')} left over still {agree(remainder, 'needs', 'need')} a "
            f"minibus, so round up: {quotient} + 1 = {answer}."
        )
        meaning_zh = f"剩下的{remainder}人也要坐车，所以要再加1辆：{quotient} + 1 = {answer}。"
        claim = f"{quotient} + 1 = {answer}"
    elif kind == "drop":
        answer = quotient
        prompt = f"A baker has {total} eggs and packs them in boxes of {size}. How many boxes can be filled?"
        zh = f"面包师有{total}个鸡蛋，每{size}个装一盒。可以装满几盒？"
        meaning = f"The {count(remainder, 'egg')} left over cannot fill a box, so the answer is {quotient}."
        meaning_zh = f"剩下的{remainder}个装不满一盒，所以能装满{quotient}盒。"
        claim = f"{remainder} < {size}"
    else:
        answer = remainder
        prompt = f"{total} stickers are shared equally among {size} pupils, as many as possible each. How many stickers are left over?"
        zh = f"把{total}张贴纸平均分给{size}名同学，每人分得同样多，尽量多分。还剩几张？"
        meaning = f"The left-over part is the remainder: {answer}."
        meaning_zh = f"剩下的就是余数：{answer}。"
        claim = f"{total} - {size} * {quotient} = {answer}"
    steps: tuple[Step, ...] = (
        step(
            f"Divide: {total} ÷ {size} = {quotient} remainder {remainder}, because "
            f"{size} × {quotient} + {remainder} = {total}.",
            f"{total} ÷ {size} = {quotient}……{remainder}，因为 {size} × {quotient} + {remainder} = {total}。",
            f"{size} * {quotient} + {remainder} = {total}",
            "mult_div.divide_with_remainder",
        ),
        step(meaning, meaning_zh, claim, kp),
    )
    return _draft(
        prompt,
        zh,
        answer,
        steps,
        {"total": total, "size": size, "quotient": quotient, "remainder": remainder, "kind": kind},
    )


@generator(
    "multiply_column_multidigit",
    "mult_div.multiply_multidigit",
    also={"mult_div.multiply_2digit_2digit": 0.4},
)
def multiply_column_multidigit(difficulty: int, rng: random.Random) -> Draft:
    """Multi-digit multiplication by partial products: 3 × 2 digits; 4 × 2 digits; 3 × 3 digits.

    params: ``a``, ``b`` (``a × b``; ``b`` gives the partial products, one per non-zero digit).
    """
    kp = "mult_div.multiply_multidigit"
    a_digits, b_digits = ((3, 2), (4, 2), (3, 3))[difficulty - 1]
    a = rng.randint(10 ** (a_digits - 1) + 1, 10**a_digits - 1)
    b = rng.randint(10 ** (b_digits - 1) + 1, 10**b_digits - 1)
    product = a * b
    parts = [(_digit(b, k) * 10**k) for k in range(b_digits - 1, -1, -1) if _digit(b, k)]
    steps = [
        step(
            f"Split {b} by place value: {b} = {' + '.join(map(str, parts))}.",
            f"把{b}按数位拆开：{b} = {' + '.join(map(str, parts))}。",
            f"{b} = {' + '.join(map(str, parts))}",
            "place_value.expanded_form",
        )
    ]
    for p in parts:
        steps.append(
            step(
                f"{_c(a)} × {p} = {_c(a * p)}.",
                f"{a} × {p} = {a * p}。",
                f"{a} * {p} = {a * p}",
                "mult_div.multiply_1digit_multidigit",
            )
        )
    total = " + ".join(str(a * p) for p in parts)
    steps.append(
        step(
            f"Add the partial products: {' + '.join(_c(a * p) for p in parts)} = {_c(product)}.",
            f"把部分积相加：{total} = {product}。",
            f"{total} = {a} * {b} = {product}",
            kp,
        )
    )
    return _draft(
        f"Work out {_c(a)} × {b}.", f"计算：{a} × {b} = ?", product, steps, {"a": a, "b": b}
    )


@generator(
    "divide_by_two_digit",
    "mult_div.divide_2digit_divisor",
    also={"mult_div.long_division_1digit": 0.4, "place_value.round_any_place": 0.2},
)
def divide_by_two_digit(difficulty: int, rng: random.Random) -> Draft:
    """Exact division by a two-digit divisor: one-digit quotient; two-digit; 4-digit dividend.

    params: ``dividend``, ``divisor``, ``quotient``.
    """
    kp = "mult_div.divide_2digit_divisor"
    divisor = rng.randint(12, 39) if difficulty < 3 else rng.randint(12, 89)
    if difficulty == 3:  # a four-digit dividend
        low, high = max(12, -(-1000 // divisor)), 9999 // divisor
    else:
        low, high = ((2, 9), (11, 39))[difficulty - 1]
    quotient = rng.randint(low, high)
    dividend = divisor * quotient
    steps = []
    rest = dividend
    for k in range(len(str(quotient)) - 1, -1, -1):
        chunk = _digit(quotient, k) * 10**k
        if chunk == 0:
            continue
        rounded = _round(divisor, 10)
        steps.append(
            step(
                f"Estimate with {divisor} ≈ {rounded}, then take {count(chunk, 'group')} of {divisor}: "
                f"{divisor} × {chunk} = {divisor * chunk}; {rest} − {divisor * chunk} = {rest - divisor * chunk} left.",
                f"把{divisor}看作{rounded}来试商，商{chunk}：{divisor} × {chunk} = {divisor * chunk}，"
                f"{rest} − {divisor * chunk} = {rest - divisor * chunk}。",
                f"{rest} - {divisor} * {chunk} = {rest - divisor * chunk}",
                kp,
            )
        )
        rest -= divisor * chunk
    steps.append(
        step(
            f"Nothing is left, so the quotient is {quotient}. Check: {quotient} × {divisor} = {_c(dividend)}.",
            f"正好除尽，商是{quotient}。验算：{quotient} × {divisor} = {dividend}。",
            f"{quotient} * {divisor} = {dividend}",
            "mult_div.multiply_multidigit",
        )
    )
    return _draft(
        f"Work out {_c(dividend)} ÷ {divisor}.",
        f"计算：{dividend} ÷ {divisor} = ?",
        quotient,
        steps,
        {"dividend": dividend, "divisor": divisor, "quotient": quotient},
    )


def _prime_factors(n: int) -> list[int]:
    factors = []
    d = 2
    while n > 1:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    return factors


@generator(
    "prime_factor_missing",
    "mult_div.prime_factorization",
    also={"mult_div.prime_composite": 0.4, "exponents.whole_number_exponents": 0.2},
)
def prime_factor_missing(difficulty: int, rng: random.Random) -> Draft:
    """Prime factorization, asked so that the answer is one number.

    A factorization such as ``2^3*3`` cannot be the expected answer: the checker compares
    values, so it would accept ``24`` itself (or ``4*6``) as correct. The items therefore ask
    for the part of the factorization that only the factorization gives: the missing prime in
    ``60 = 2 × 2 × 3 × □`` (level 1), the missing exponent in ``72 = 2^□ × 3^2`` (level 2),
    or the largest prime factor of a number up to 300 (level 3).

    params: ``n``, ``factors`` (its prime factors with repeats, ascending), ``ask``
    ("missing_prime", "exponent", "largest") and ``prime`` (the prime asked about).
    """
    kp = "mult_div.prime_factorization"
    while True:
        if difficulty == 1:
            factors = sorted(rng.choice((2, 3, 5, 7)) for _ in range(rng.randint(3, 4)))
        elif difficulty == 2:
            factors = sorted(
                [2] * rng.randint(1, 5) + [3] * rng.randint(0, 3) + [5] * rng.randint(0, 1)
            )
        else:
            factors = sorted(
                [rng.choice((2, 3, 5))] * rng.randint(1, 3) + [rng.choice((7, 11, 13, 17, 19, 23))]
            )
        n = math.prod(factors)
        if 12 <= n <= (100, 400, 300)[difficulty - 1] and len(set(factors)) >= 2:
            break
    divisions = []
    rest = n
    for p in factors:
        divisions.append(
            step(
                f"{rest} ÷ {p} = {rest // p}",
                f"{rest} ÷ {p} = {rest // p}",
                f"{rest} / {p} = {rest // p}",
                kp,
            )
        )
        rest //= p
    full = " * ".join(map(str, factors))
    full_shown = " × ".join(map(str, factors))
    steps = [
        step(
            "Divide by primes, smallest first, until 1 is left.",
            "用质数从小到大依次去除，直到商是1。",
            f"{n} = {full}",
            kp,
        ),
        *divisions,
        step(f"So {n} = {full_shown}.", f"所以 {n} = {full_shown}。", f"{full} = {n}", kp),
    ]
    if difficulty == 1:
        ask = "missing_prime"
        prime = rng.choice(factors)
        shown = list(factors)
        shown.remove(prime)
        boxed = " × ".join(map(str, shown)) + " × □"
        prompt = f"Complete the prime factorization: {n} = {boxed}"
        zh = f"把{n}分解质因数，□里填几？{n} = {boxed}"
        answer = prime
    elif difficulty == 2:
        ask = "exponent"
        counts = {p: factors.count(p) for p in sorted(set(factors))}
        prime = 2
        boxed = " × ".join(
            "2^□" if p == 2 else (f"{p}^{e}" if e > 1 else str(p)) for p, e in counts.items()
        )
        prompt = f"Complete the prime factorization: {n} = {boxed}"
        zh = f"把{n}分解质因数，□里填几？{n} = {boxed}"
        answer = counts[2]
        steps.append(
            step(
                f"2 appears {count(answer, 'time')}, so the exponent of 2 is {answer}.",
                f"2出现了{answer}次，所以2的指数是{answer}。",
                f"2^{answer} = {2**answer}",
                "exponents.whole_number_exponents",
            )
        )
    else:
        ask = "largest"
        prime = max(factors)
        prompt = f"What is the largest prime factor of {n}?"
        zh = f"{n}的质因数中，最大的是几？"
        answer = prime
    return _draft(
        prompt, zh, answer, steps, {"n": n, "factors": factors, "ask": ask, "prime": prime}
    )


# ============================================================================================
# Order of operations
# ============================================================================================


def _show(expr: str) -> str:
    """An expression in answer syntax as a pupil reads it: ×, ÷ and a real minus sign."""
    return expr.replace("*", "×").replace("/", "÷").replace(" - ", " − ").replace("(-", "(−")


def _eval_steps(
    rows: Sequence[tuple[str, str, str, str]], expr: str, value: int, kp: str
) -> list[Step]:
    """One step per row ``(en, zh, claim, kp)``, then the whole expression's value."""
    steps = [
        step(f"{en}: {_show(claim)}.", f"{zh}：{_show(claim)}。", claim, k)
        for en, zh, claim, k in rows
    ]
    steps.append(
        step(
            f"So {_show(expr)} = {value}.",
            f"所以 {_show(expr)} = {value}。",
            f"{expr} = {value}",
            kp,
        )
    )
    return steps


@generator(
    "left_to_right_eval", "order_ops.left_to_right", also={"whole_ops.add_sub_1000_fluent": 0.3}
)
def left_to_right_eval(difficulty: int, rng: random.Random) -> Draft:
    """Same-level operations left to right: ``a − b + c``; ``a ÷ b × c``; four numbers.

    params: ``numbers`` and ``ops`` (the signs, in order, as "+", "-", "*", "/").
    """
    kp = "order_ops.left_to_right"
    if difficulty == 1:
        a = rng.randint(20, 99)
        b = rng.randint(5, a - 5)
        c = rng.randint(5, 40)
        numbers, ops = [a, b, c], ["-", "+"]
    elif difficulty == 2:
        b, q = rng.randint(2, 9), rng.randint(2, 9)
        a, c = b * q, rng.randint(2, 9)
        numbers, ops = [a, b, c], ["/", "*"]
    else:
        if rng.random() < 0.5:
            a = rng.randint(50, 99)
            b = rng.randint(10, a - 20)
            c = rng.randint(5, 30)
            d = rng.randint(5, a - b + c - 1)
            numbers, ops = [a, b, c, d], ["-", "+", "-"]
        else:
            b, q = rng.randint(2, 6), rng.randint(2, 6)
            c = rng.randint(2, 5)
            while True:  # the last division must come out exact
                d = rng.randint(2, 9)
                if (q * c) % d == 0:
                    break
            numbers, ops = [b * q, b, c, d], ["/", "*", "/"]
    expr = str(numbers[0])
    value = numbers[0]
    rows = []
    for op, x in zip(ops, numbers[1:], strict=True):
        new = {"+": value + x, "-": value - x, "*": value * x, "/": value // x}[op]
        rows.append(("Left to right", "从左往右算", f"{value} {op} {x} = {new}", kp))
        value = new
        expr += f" {op} {x}"
    return _draft(
        f"Work out {_show(expr)}.",
        f"计算：{_show(expr)} = ?",
        value,
        _eval_steps(rows, expr, value, kp),
        {"numbers": numbers, "ops": ops},
    )


@generator("parentheses_first", "order_ops.parentheses", also={"order_ops.mult_before_add": 0.4})
def parentheses_first(difficulty: int, rng: random.Random) -> Draft:
    """Brackets first: ``(a + b) × c``; ``a ÷ (b + c)`` or ``a × (b − c) + d``;
    ``(a + b) × (c − d)``.

    params: ``a``, ``b``, ``c`` and, where used, ``d``; ``shape``.
    """
    kp = "order_ops.parentheses"
    a, b, c = rng.randint(2, 15), rng.randint(2, 15), rng.randint(2, 9)
    params: dict[str, Any]
    if difficulty == 1:
        shape = "sum_times"
        expr = f"({a} + {b}) * {c}"
        rows = [
            (
                "Brackets first",
                "先算括号里的",
                f"{a} + {b} = {a + b}",
                "whole_ops.add_two_digit_one_digit",
            ),
            ("Then multiply", "再算乘法", f"{a + b} * {c} = {(a + b) * c}", kp),
        ]
        value = (a + b) * c
        params = {"a": a, "b": b, "c": c, "shape": shape}
    elif difficulty == 2:
        shape = rng.choice(("divide_by_sum", "times_difference_plus"))
        if shape == "divide_by_sum":
            b, c = rng.randint(2, 6), rng.randint(2, 6)
            a = (b + c) * rng.randint(2, 9)
            expr = f"{a} / ({b} + {c})"
            value = a // (b + c)
            rows = [
                ("Brackets first", "先算括号里的", f"{b} + {c} = {b + c}", kp),
                ("Then divide", "再算除法", f"{a} / {b + c} = {value}", "mult_div.division_facts"),
            ]
            params = {"a": a, "b": b, "c": c, "shape": shape}
        else:
            b = rng.randint(5, 15)
            c = rng.randint(1, b - 2)
            d = rng.randint(2, 20)
            a = rng.randint(2, 9)
            expr = f"{a} * ({b} - {c}) + {d}"
            value = a * (b - c) + d
            rows = [
                ("Brackets first", "先算括号里的", f"{b} - {c} = {b - c}", kp),
                (
                    "Then multiply",
                    "再算乘法",
                    f"{a} * {b - c} = {a * (b - c)}",
                    "order_ops.mult_before_add",
                ),
                ("Last, add", "最后算加法", f"{a * (b - c)} + {d} = {value}", kp),
            ]
            params = {"a": a, "b": b, "c": c, "d": d, "shape": shape}
    else:
        shape = "product_of_brackets"
        c = rng.randint(6, 15)
        d = rng.randint(1, c - 2)
        expr = f"({a} + {b}) * ({c} - {d})"
        value = (a + b) * (c - d)
        rows = [
            ("First bracket", "先算第一个括号", f"{a} + {b} = {a + b}", kp),
            ("Second bracket", "再算第二个括号", f"{c} - {d} = {c - d}", kp),
            (
                "Multiply",
                "最后相乘",
                f"{a + b} * {c - d} = {value}",
                "mult_div.multiply_2digit_2digit",
            ),
        ]
        params = {"a": a, "b": b, "c": c, "d": d, "shape": shape}
    return _draft(
        f"Work out {_show(expr)}.",
        f"计算：{_show(expr)} = ?",
        value,
        _eval_steps(rows, expr, value, kp),
        params,
    )


def _bracketed(expr: str) -> str:
    """Show nested round brackets as ( ), [ ] and { } from the inside out, as textbooks do."""
    depth = 0
    deepest = 0
    for ch in expr:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    opens = {1: "(", 2: "[", 3: "{"}
    closes = {1: ")", 2: "]", 3: "}"}
    out = []
    depth = 0
    for ch in expr:
        if ch == "(":
            depth += 1
            out.append(opens[deepest - depth + 1])
        elif ch == ")":
            out.append(closes[deepest - depth + 1])
            depth -= 1
        else:
            out.append(ch)
    return _show("".join(out))


@generator("nested_brackets", "order_ops.nested_grouping", also={"order_ops.parentheses": 0.5})
def nested_brackets(difficulty: int, rng: random.Random) -> Draft:
    """Nested grouping, innermost first: ``a × [b + (c − d)]``; ``[a + b × (c − d)] ÷ e``;
    ``a − {b + [c × (d − e)]}``.

    params: ``a``, ``b``, ``c``, ``d`` and (levels 2–3) ``e``.
    """
    kp = "order_ops.nested_grouping"
    params: dict[str, Any]
    if difficulty == 1:
        a, b = rng.randint(2, 9), rng.randint(2, 15)
        c = rng.randint(5, 20)
        d = rng.randint(1, c - 1)
        inner, mid = c - d, b + c - d
        value = a * mid
        expr = f"{a} * ({b} + ({c} - {d}))"
        rows = [
            ("Innermost brackets", "先算小括号", f"{c} - {d} = {inner}", "order_ops.parentheses"),
            ("Then the square brackets", "再算中括号", f"{b} + {inner} = {mid}", kp),
            ("Multiply", "最后算乘法", f"{a} * {mid} = {value}", kp),
        ]
        params = {"a": a, "b": b, "c": c, "d": d}
    elif difficulty == 2:
        e = rng.randint(2, 9)
        b = rng.randint(2, 6)
        c = rng.randint(4, 12)
        d = rng.randint(1, c - 1)
        inner = c - d
        # choose a so that a + b × inner is a multiple of e
        a = rng.randint(1, 20)
        a += (-(a + b * inner)) % e
        mid = a + b * inner
        value = mid // e
        expr = f"({a} + {b} * ({c} - {d})) / {e}"
        rows = [
            ("Innermost brackets", "先算小括号", f"{c} - {d} = {inner}", "order_ops.parentheses"),
            (
                "Inside the square brackets, multiply before adding",
                "中括号里先乘后加",
                f"{a} + {b} * {inner} = {mid}",
                "order_ops.mult_before_add",
            ),
            ("Divide", "最后算除法", f"{mid} / {e} = {value}", kp),
        ]
        params = {"a": a, "b": b, "c": c, "d": d, "e": e}
    else:
        d = rng.randint(5, 12)
        e = rng.randint(1, d - 1)
        c = rng.randint(2, 6)
        b = rng.randint(2, 20)
        inner = d - e
        mid = c * inner
        outer = b + mid
        a = outer + rng.randint(1, 60)
        value = a - outer
        expr = f"{a} - ({b} + ({c} * ({d} - {e})))"
        rows = [
            ("Round brackets", "先算小括号", f"{d} - {e} = {inner}", "order_ops.parentheses"),
            ("Square brackets", "再算中括号", f"{c} * {inner} = {mid}", kp),
            ("Curly braces", "然后算大括号", f"{b} + {mid} = {outer}", kp),
            ("Subtract", "最后相减", f"{a} - {outer} = {value}", kp),
        ]
        params = {"a": a, "b": b, "c": c, "d": d, "e": e}
    shown = _bracketed(expr)
    steps = [
        step(f"{en}: {_show(claim)}.", f"{zh}：{_show(claim)}。", claim, k)
        for en, zh, claim, k in rows
    ]
    steps.append(
        step(f"So {shown} = {value}.", f"所以 {shown} = {value}。", f"{expr} = {value}", kp)
    )
    return _draft(f"Work out {shown}.", f"计算：{shown} = ?", value, steps, params)


def _par(n: int) -> str:
    return f"({n})" if n < 0 else str(n)


@generator(
    "integer_order_ops",
    "order_ops.with_integers",
    also={"integers.multiply": 0.3, "order_ops.with_exponents": 0.3},
)
def integer_order_ops(difficulty: int, rng: random.Random) -> Draft:
    """Order of operations with negatives: ``a + b × c``; ``a ÷ b − c × d``; ``−a^2 + (b)^2 × c``
    (telling ``−3^2 = −9`` from ``(−3)^2 = 9``).

    params: ``a``, ``b``, ``c`` and (level 2) ``d``; each may be negative.
    """
    kp = "order_ops.with_integers"
    params: dict[str, Any]
    if difficulty == 1:
        a = rng.randint(-20, 20)
        b, c = rng.randint(2, 9), -rng.randint(2, 9)
        if rng.random() < 0.5:
            b, c = -b, -c
        value = a + b * c
        expr = f"{_par(a)} + {_par(b)} * {_par(c)}"
        rows = [
            ("Multiply first", "先算乘法", f"{_par(b)} * {_par(c)} = {b * c}", "integers.multiply"),
            (
                "Then add",
                "再算加法",
                f"{_par(a)} + {_par(b * c)} = {value}",
                "integers.add_different_signs",
            ),
        ]
        params = {"a": a, "b": b, "c": c}
    elif difficulty == 2:
        b = rng.choice((-1, 1)) * rng.randint(2, 9)
        q = rng.choice((-1, 1)) * rng.randint(2, 9)
        a = b * q
        c, d = rng.randint(2, 9), -rng.randint(2, 9)
        value = q - c * d
        expr = f"{_par(a)} / {_par(b)} - {c} * {_par(d)}"
        rows = [
            ("Divide", "先算除法", f"{_par(a)} / {_par(b)} = {q}", "integers.divide"),
            ("Multiply", "再算乘法", f"{c} * {_par(d)} = {c * d}", "integers.multiply"),
            ("Subtract", "最后相减", f"{_par(q)} - {_par(c * d)} = {value}", "integers.subtract"),
        ]
        params = {"a": a, "b": b, "c": c, "d": d}
    else:
        a, b, c = rng.randint(2, 6), -rng.randint(2, 5), rng.randint(2, 4)
        value = -(a**2) + b**2 * c
        expr = f"-{a}^2 + ({b})^2 * {c}"
        rows = [
            (
                "The power applies to the number only, then the minus sign",
                "乘方只作用于数字，前面的负号最后再加",
                f"-{a}^2 = -{a * a}",
                kp,
            ),
            ("A negative number squared is positive", "负数的平方是正数", f"({b})^2 = {b * b}", kp),
            ("Multiply", "再算乘法", f"{b * b} * {c} = {b * b * c}", "integers.multiply"),
            (
                "Add",
                "最后相加",
                f"-{a * a} + {b * b * c} = {value}",
                "integers.add_different_signs",
            ),
        ]
        params = {"a": a, "b": b, "c": c}
    return _draft(
        f"Work out {_show(expr)}.",
        f"计算：{_show(expr)} = ?",
        value,
        _eval_steps(rows, expr, value, kp),
        params,
    )
