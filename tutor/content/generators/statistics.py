"""Statistics and probability: measures of centre and spread, sampling, and probability.

Data sets are drawn so that the answers are whole numbers, halves or short decimals;
probabilities are fractions in lowest terms (a decimal or percent of the same value is also
accepted).
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from fractions import Fraction

from tutor.content.answers import AnswerPolicy
from tutor.content.generators._util import F, count, dec, fr, neg, step
from tutor.content.registry import Draft, Step, generator

SIMPLEST = AnswerPolicy(require_simplified=True)
NAMES = (("Mia", "小红"), ("Leo", "小明"), ("Sara", "小丽"), ("Tom", "小刚"), ("Lily", "小芳"))
#: What a data set measures: (English, Chinese).
CONTEXTS = (
    ("the scores of a class quiz", "一次小测验的得分"),
    ("the numbers of books pupils read in a month", "同学们一个月读书的本数"),
    ("the heights of some seedlings in cm", "几株幼苗的高度（厘米）"),
    ("the daily sales of a small shop", "一家小店每天的销售件数"),
    ("the minutes pupils spend walking to school", "同学们步行上学所用的分钟数"),
)


def _listing(values: list[int]) -> tuple[str, str]:
    return ", ".join(map(str, values)), "，".join(map(str, values))


def _value(value: Fraction) -> str:
    """A value as an answer: a whole number or an exact decimal, else a fraction."""
    try:
        return dec(value)
    except ValueError:
        return fr(value)


def _sorted_step(values: list[int], kp: str) -> Step:
    ordered = sorted(values)
    shown = ", ".join(map(str, ordered))
    return step(
        f"Put the values in order: {shown}.",
        f"先把数据从小到大排列：{'，'.join(map(str, ordered))}。",
        " <= ".join(map(str, ordered)),
        kp,
    )


def _median(values: list[int]) -> Fraction:
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2:
        return F(ordered[half])
    return F(ordered[half - 1] + ordered[half], 2)


@generator("data_mean", "statistics.mean", also={"statistics.statistical_questions": 0.2})
def data_mean(difficulty: int, rng: random.Random) -> Draft:
    """Mean of 3–5 small values (1) or 5–8 larger values (2); the missing value that gives a
    stated mean (3). The mean is always a whole number.

    params: ``values`` (the listed values), ``mean`` (3).
    """
    kp = "statistics.mean"
    count = rng.randint(3, 5) if difficulty == 1 else rng.randint(5, 8)
    top = 20 if difficulty == 1 else 99
    values = [rng.randint(1, top) for _ in range(count)]
    # nudge the last value so the total divides evenly: the mean is a whole number
    values[-1] += -sum(values) % count
    total, mean = sum(values), sum(values) // count
    what, what_zh = rng.choice(CONTEXTS)
    if difficulty < 3:
        listed, listed_zh = _listing(values)
        steps: tuple[Step, ...] = (
            step(
                f"Add the values: {' + '.join(map(str, values))} = {total}.",
                f"先求总数：{' + '.join(map(str, values))} = {total}。",
                f"{' + '.join(map(str, values))} = {total}",
                kp,
            ),
            step(
                f"Divide by how many there are ({count}): {total} ÷ {count} = {mean}.",
                f"再除以数据的个数{count}：{total} ÷ {count} = {mean}。",
                f"{total} / {count} = {mean}",
                kp,
            ),
        )
        return Draft(
            f"Here are {what}: {listed}. What is the mean?",
            f"下面是{what_zh}：{listed_zh}。这组数据的平均数是多少？",
            str(mean),
            steps,
            AnswerPolicy(),
            {"values": values},
        )
    known, missing = values[:-1], values[-1]
    listed, listed_zh = _listing(known)
    steps = (
        step(
            f"The total must be {mean} × {count} = {total}.",
            f"总数 = 平均数 × 个数 = {mean} × {count} = {total}。",
            f"{mean} * {count} = {total}",
            kp,
        ),
        step(
            f"The known values add to {sum(known)}, so the missing one is {total} − "
            f"{sum(known)} = {missing}.",
            f"已知的数据和是{sum(known)}，所以缺少的数是 {total} − {sum(known)} = {missing}。",
            f"{total} - ({' + '.join(map(str, known))}) = {missing}",
            kp,
        ),
    )
    return Draft(
        f"The mean of {count} numbers is {mean}. {count - 1} of them are {listed}. "
        f"What is the other number?",
        f"{count}个数的平均数是{mean}，其中{count - 1}个数是{listed_zh}。另一个数是多少？",
        str(missing),
        steps,
        AnswerPolicy(),
        {"values": known, "mean": mean},
    )


@generator("data_median", "statistics.median", also={"statistics.statistical_questions": 0.2})
def data_median(difficulty: int, rng: random.Random) -> Draft:
    """Median of an odd number of values (1), of an even number, possibly a half (2), of
    8–12 larger values with repeats (3).

    params: ``values`` (in the order shown).
    """
    kp = "statistics.median"
    if difficulty == 1:
        count, top = rng.choice((5, 7)), 30
    elif difficulty == 2:
        count, top = rng.choice((4, 6, 8)), 60
    else:
        count, top = rng.randint(8, 12), 25
    values = [rng.randint(1, top) for _ in range(count)]
    med = _median(values)
    ordered = sorted(values)
    what, what_zh = rng.choice(CONTEXTS)
    listed, listed_zh = _listing(values)
    half = count // 2
    if count % 2:
        last = step(
            f"There are {count} values, so the middle one is number {half + 1}: {med}.",
            f"共有{count}个数据，中间的是第{half + 1}个：{med}。",
            f"({count} + 1) / 2 = {half + 1}",
            kp,
        )
    else:
        a, b = ordered[half - 1], ordered[half]
        last = step(
            f"There are {count} values: the middle two are {a} and {b}; their mean is "
            f"({a} + {b}) ÷ 2 = {_value(med)}.",
            f"共有{count}个数据，中间两个数是{a}和{b}，中位数是 ({a} + {b}) ÷ 2 = {_value(med)}。",
            f"({a} + {b}) / 2 = {_value(med)}",
            kp,
        )
    return Draft(
        f"Here are {what}: {listed}. What is the median?",
        f"下面是{what_zh}：{listed_zh}。这组数据的中位数是多少？",
        _value(med),
        (_sorted_step(values, kp), last),
        AnswerPolicy(),
        {"values": values},
    )


@generator("data_mode", "statistics.mode", also={"statistics.statistical_questions": 0.2})
def data_mode(difficulty: int, rng: random.Random) -> Draft:
    """The mode of 6–7 values (1), 9–11 values (2), 12–15 values where the runner-up is
    close (3). There is always exactly one mode.

    params: ``values``.
    """
    kp = "statistics.mode"
    count = (rng.randint(6, 7), rng.randint(9, 11), rng.randint(12, 15))[difficulty - 1]
    top = (10, 20, 30)[difficulty - 1]
    while True:
        values = [rng.randint(1, top) for _ in range(count)]
        tally = Counter(values).most_common()
        unique = tally[0][1] >= 2 and (len(tally) == 1 or tally[0][1] > tally[1][1])
        # level 3: the runner-up is one behind, so a careless count picks the wrong value
        close = len(tally) > 1 and tally[0][1] - tally[1][1] == 1
        if unique and (difficulty < 3 or close):
            break
    mode, times = tally[0]
    what, what_zh = rng.choice(CONTEXTS)
    listed, listed_zh = _listing(values)
    steps: tuple[Step, ...] = (
        _sorted_step(values, kp),
        step(
            f"{mode} appears {times} times, more often than any other value.",
            f"{mode}出现了{times}次，比其他数据出现的次数都多。",
            f"{sum(1 for v in values if v == mode)} = {times}",
            kp,
        ),
    )
    return Draft(
        f"Here are {what}: {listed}. What is the mode?",
        f"下面是{what_zh}：{listed_zh}。这组数据的众数是多少？",
        str(mode),
        steps,
        AnswerPolicy(),
        {"values": values},
    )


@generator("data_range", "statistics.range", also={"statistics.statistical_questions": 0.2})
def data_range(difficulty: int, rng: random.Random) -> Draft:
    """Range of 5 values (1), 7–9 two-digit values (2), temperatures below zero (3).

    params: ``values``.
    """
    kp = "statistics.range"
    count = (5, rng.randint(7, 9), rng.randint(6, 8))[difficulty - 1]
    lo, hi = ((1, 30), (10, 99), (-15, 12))[difficulty - 1]
    values = [rng.randint(lo, hi) for _ in range(count)]
    if len(set(values)) == 1:
        values[0] += 1
    big, small = max(values), min(values)
    listed, listed_zh = _listing(values)
    steps: tuple[Step, ...] = (
        step(
            f"Greatest {big}, least {small}: {big} − {neg(small)} = {big - small}.",
            f"最大值是{big}，最小值是{small}：{big} − {neg(small)} = {big - small}。",
            f"{big} - ({small}) = {big - small}",
            kp,
        ),
    )
    if difficulty == 3:
        en = f"The lowest temperatures (°C) in a city last week were {listed}. What is the range?"
        zh = f"某城市上周每天的最低气温（°C）分别是{listed_zh}。这组数据的极差是多少？"
    else:
        what, what_zh = rng.choice(CONTEXTS)
        en = f"Here are {what}: {listed}. What is the range?"
        zh = f"下面是{what_zh}：{listed_zh}。这组数据的极差是多少？"
    return Draft(en, zh, str(big - small), steps, AnswerPolicy(), {"values": values})


@generator(
    "data_iqr",
    "statistics.box_plots_iqr",
    also={"statistics.median": 0.5, "statistics.range": 0.2},
)
def data_iqr(difficulty: int, rng: random.Random) -> Draft:
    """Interquartile range, quartiles being the medians of the lower and upper halves (the
    middle value left out when the count is odd): 7 values (1), 8 values (2), 11–12
    values (3).

    params: ``values``.
    """
    kp = "statistics.box_plots_iqr"
    count = (7, 8, rng.choice((11, 12)))[difficulty - 1]
    values = [rng.randint(1, 20 * difficulty + 20) for _ in range(count)]
    ordered = sorted(values)
    half = count // 2
    lower, upper = ordered[:half], ordered[count - half :]
    q1, q3 = _median(lower), _median(upper)
    iqr = q3 - q1
    listed, listed_zh = _listing(values)
    steps: tuple[Step, ...] = (
        _sorted_step(values, "statistics.median"),
        step(
            f"Lower half {', '.join(map(str, lower))}: Q1 = {_value(q1)}.",
            f"下半部分 {'，'.join(map(str, lower))}：Q1 = {_value(q1)}。",
            f"{_value(q1)} = {fr(q1)}",
            "statistics.median",
        ),
        step(
            f"Upper half {', '.join(map(str, upper))}: Q3 = {_value(q3)}.",
            f"上半部分 {'，'.join(map(str, upper))}：Q3 = {_value(q3)}。",
            f"{_value(q3)} = {fr(q3)}",
            "statistics.median",
        ),
        step(
            f"IQR = Q3 − Q1 = {_value(q3)} − {_value(q1)} = {_value(iqr)}.",
            f"四分位距 = Q3 − Q1 = {_value(q3)} − {_value(q1)} = {_value(iqr)}。",
            f"{_value(q3)} - {_value(q1)} = {_value(iqr)}",
            kp,
        ),
    )
    return Draft(
        f"Find the interquartile range of {listed}. (Take the quartiles as the medians of the "
        f"lower and upper halves, leaving out the middle value if there is one.)",
        f"求数据{listed_zh}的四分位距。（把数据分成下半部分和上半部分，数据个数为奇数时去掉"
        f"中间的数，两部分的中位数分别为Q1和Q3。）",
        _value(iqr),
        steps,
        AnswerPolicy(),
        {"values": values},
    )


@generator("data_mad", "statistics.mean_absolute_deviation", also={"statistics.mean": 0.5})
def data_mad(difficulty: int, rng: random.Random) -> Draft:
    """Mean absolute deviation of 4 values (1), 5–6 values (2), 8 values (3); the mean is a
    whole number, the MAD may be a fraction or decimal.

    params: ``values``.
    """
    kp = "statistics.mean_absolute_deviation"
    count = (4, rng.randint(5, 6), 8)[difficulty - 1]
    values = [rng.randint(1, 10 * difficulty + 10) for _ in range(count)]
    values[-1] += -sum(values) % count
    mean = sum(values) // count
    gaps = [abs(v - mean) for v in values]
    mad = F(sum(gaps), count)
    listed, listed_zh = _listing(values)
    steps: tuple[Step, ...] = (
        step(
            f"Mean: {sum(values)} ÷ {count} = {mean}.",
            f"平均数：{sum(values)} ÷ {count} = {mean}。",
            f"({' + '.join(map(str, values))}) / {count} = {mean}",
            "statistics.mean",
        ),
        step(
            f"Distances from {mean}: {', '.join(map(str, gaps))}.",
            f"各数据与{mean}的距离：{'，'.join(map(str, gaps))}。",
            " + ".join(f"sqrt(({v} - {mean})^2)" for v in values) + f" = {sum(gaps)}",
            kp,
        ),
        step(
            f"Mean of the distances: {sum(gaps)} ÷ {count} = {_value(mad)}.",
            f"距离的平均数：{sum(gaps)} ÷ {count} = {_value(mad)}。",
            f"{sum(gaps)} / {count} = {_value(mad)}",
            kp,
        ),
    )
    return Draft(
        f"Find the mean absolute deviation of {listed}.",
        f"求数据{listed_zh}的平均绝对偏差。",
        _value(mad),
        steps,
        AnswerPolicy(),
        {"values": values},
    )


_COLOURS = (("red", "红"), ("blue", "蓝"), ("green", "绿"), ("yellow", "黄"), ("white", "白"))


@generator(
    "bag_probability",
    "statistics.theoretical_probability",
    also={"statistics.probability_meaning": 0.4, "fractions.simplify": 0.2},
)
def bag_probability(difficulty: int, rng: random.Random) -> Draft:
    """Probability of drawing a colour from a bag: two colours (1), three or four colours
    (2), *not* drawing a colour, or one of two colours (3). Fraction in lowest terms.

    params: ``counts`` (colour → number of balls), ``want`` (the colours that count).
    """
    kp = "statistics.theoretical_probability"
    k = (2, rng.randint(3, 4), rng.randint(3, 4))[difficulty - 1]
    chosen = rng.sample(_COLOURS, k)
    counts = {c: rng.randint(1, 4 * difficulty + 2) for c, _ in chosen}
    total = sum(counts.values())
    zh_of = dict(_COLOURS)
    desc = ", ".join(f"{n} {c}" for c, n in counts.items())
    desc_zh = "、".join(f"{n}个{zh_of[c]}球" for c, n in counts.items())
    first = chosen[0][0]
    if difficulty < 3:
        want = [first]
        ask, ask_zh = f"a {first} ball", f"{zh_of[first]}球"
    elif rng.random() < 0.5:
        want = [c for c, _ in chosen if c != first]
        ask, ask_zh = f"a ball that is not {first}", f"不是{zh_of[first]}球"
    else:
        want = [first, chosen[1][0]]
        ask, ask_zh = (
            f"a {first} or {chosen[1][0]} ball",
            f"{zh_of[first]}球或{zh_of[chosen[1][0]]}球",
        )
    good = sum(counts[c] for c in want)
    value = F(good, total)
    steps: tuple[Step, ...] = (
        step(
            f"Balls in all: {' + '.join(str(n) for n in counts.values())} = {total}.",
            f"球的总数：{' + '.join(str(n) for n in counts.values())} = {total}。",
            f"{' + '.join(str(n) for n in counts.values())} = {total}",
            kp,
        ),
        step(
            f"Favourable balls: {good}. P = {good}/{total} = {fr(value)}.",
            f"符合要求的球有{good}个，P = {good}/{total} = {fr(value)}。",
            f"{good}/{total} = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        f"A bag holds {desc} balls, all the same size. One ball is taken without looking. "
        f"What is the probability that it is {ask}? Give a fraction in lowest terms.",
        f"一个袋子里有{desc_zh}，这些球除颜色外完全相同。从中任意摸出一个球，"
        f"摸到{ask_zh}的概率是多少？（写成最简分数）",
        fr(value),
        steps,
        SIMPLEST,
        {"counts": counts, "want": want},
    )


def _dice_event(difficulty: int, rng: random.Random) -> tuple[str, str, str, int, int]:
    """An event for two fair dice: (en, zh, kind, target, count of outcomes)."""
    if difficulty == 2:
        target = rng.randint(2, 12)
        hits = sum(1 for a, b in itertools.product(range(1, 7), repeat=2) if a + b == target)
        return f"the sum is {target}", f"两个点数之和是{target}", "sum", target, hits
    if rng.random() < 0.5:
        target = rng.randint(4, 11)
        hits = sum(1 for a, b in itertools.product(range(1, 7), repeat=2) if a + b >= target)
        return (
            f"the sum is at least {target}",
            f"两个点数之和不小于{target}",
            "sum_at_least",
            target,
            hits,
        )
    target = rng.choice((6, 8, 10, 12, 15, 18, 20, 24))
    hits = sum(1 for a, b in itertools.product(range(1, 7), repeat=2) if a * b == target)
    return f"the product is {target}", f"两个点数之积是{target}", "product", target, hits


@generator(
    "two_dice_probability",
    "statistics.compound_events",
    also={"statistics.theoretical_probability": 0.5},
)
def two_dice_probability(difficulty: int, rng: random.Random) -> Draft:
    """Compound events by listing the sample space: two or three coins (1), two dice and a
    sum (2), two dice with "at least" or a product (3). Fraction in lowest terms.

    params: ``kind`` (``"heads"``, ``"sum"``, ``"sum_at_least"``, ``"product"``), ``target``,
    ``coins`` (1).
    """
    kp = "statistics.compound_events"
    if difficulty == 1:
        coins = rng.choice((2, 3, 4))
        heads = rng.randint(0, coins)
        outcomes = 2**coins
        hits = sum(1 for o in itertools.product("HT", repeat=coins) if o.count("H") == heads)
        value = F(hits, outcomes)
        steps: tuple[Step, ...] = (
            step(
                f"{coins} coins have 2^{coins} = {outcomes} equally likely outcomes.",
                f"{coins}枚硬币共有 2^{coins} = {outcomes} 种等可能的结果。",
                f"2^{coins} = {outcomes}",
                kp,
            ),
            step(
                f"Exactly {count(heads, 'head')} happens in {hits} of them: "
                f"P = {hits}/{outcomes} = {fr(value)}.",
                f"恰好{heads}枚正面朝上的结果有{hits}种：P = {hits}/{outcomes} = {fr(value)}。",
                f"{hits}/{outcomes} = {fr(value)}",
                kp,
            ),
        )
        return Draft(
            f"{coins} fair coins are tossed. What is the probability of exactly "
            f"{count(heads, 'head')}? Give a fraction in lowest terms.",
            f"同时抛掷{coins}枚质地均匀的硬币，恰好有{heads}枚正面朝上的概率是多少？（写成最简分数）",
            fr(value),
            steps,
            SIMPLEST,
            {"kind": "heads", "target": heads, "coins": coins},
        )
    en, zh, kind, target, hits = _dice_event(difficulty, rng)
    value = F(hits, 36)
    steps = (
        step(
            "Two dice give 6 × 6 = 36 equally likely outcomes.",
            "两个骰子共有 6 × 6 = 36 种等可能的结果。",
            "6 * 6 = 36",
            kp,
        ),
        step(
            f"List them in a table: {en} in {count(hits, 'outcome')}. P = {hits}/36 = {fr(value)}.",
            f"列表可知，{zh}的结果有{hits}种，P = {hits}/36 = {fr(value)}。",
            f"{hits}/36 = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        f"Two fair dice are rolled. What is the probability that {en}? Give a fraction in "
        f"lowest terms.",
        f"同时掷两个质地均匀的骰子，{zh}的概率是多少？（写成最简分数）",
        fr(value),
        steps,
        SIMPLEST,
        {"kind": kind, "target": target},
    )


@generator(
    "independent_and",
    "statistics.independent_events",
    also={"statistics.compound_events": 0.4, "fractions.multiply_fractions": 0.3},
)
def independent_and(difficulty: int, rng: random.Random) -> Draft:
    """P(A and B) = P(A) × P(B): a coin and a die (1), two spinners with unequal parts (2),
    three independent events (3). Fraction in lowest terms.

    params: ``probabilities`` (the factors, as fraction strings).
    """
    kp = "statistics.independent_events"
    if difficulty == 1:
        face = rng.randint(1, 6)
        side, side_zh = rng.choice((("heads", "正面"), ("tails", "反面")))
        probs = [F(1, 2), F(1, 6)]
        en = (
            f"A fair coin is tossed and a fair die is rolled. What is the probability of "
            f"{side} and a {face}?"
        )
        zh = f"抛一枚质地均匀的硬币，再掷一个质地均匀的骰子，硬币{side_zh}朝上且骰子点数是{face}的概率是多少？"
    else:
        count = 2 if difficulty == 2 else 3
        probs = []
        for _ in range(count):
            parts = rng.choice((3, 4, 5, 6, 8, 10))
            probs.append(F(rng.randint(1, parts - 1), parts))
        shown = ", ".join(fr(p) for p in probs)
        shown_zh = "、".join(fr(p) for p in probs)
        en = (
            f"{count} independent events have probabilities {shown}. What is the probability "
            f"that all of them happen?"
        )
        zh = f"{count}个相互独立的事件发生的概率分别是{shown_zh}。它们同时发生的概率是多少？"
    value = F(1)
    for p in probs:
        value *= p
    factors = " * ".join(f"{fr(p)}" for p in probs)
    steps: tuple[Step, ...] = (
        step(
            f"Independent events: multiply. {' × '.join(fr(p) for p in probs)} = {fr(value)}.",
            f"相互独立事件同时发生的概率等于各自概率的积：{' × '.join(fr(p) for p in probs)} = "
            f"{fr(value)}。",
            f"{factors} = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        en + " Give a fraction in lowest terms.",
        zh + "（写成最简分数）",
        fr(value),
        steps,
        SIMPLEST,
        {"probabilities": [fr(p) for p in probs]},
    )


@generator(
    "table_conditional",
    "statistics.conditional_probability",
    also={"statistics.two_way_tables": 0.4, "statistics.relative_frequency_tables": 0.3},
)
def table_conditional(difficulty: int, rng: random.Random) -> Draft:
    """From a two-way table of pupils (grade × club choice): P(club) (1), P(club | grade)
    (2), P(grade | club), which needs a column total (3). Fraction in lowest terms.

    params: ``table`` ({grade: {club: count}}), ``ask``.
    """
    kp = "statistics.conditional_probability"
    grades = (("Grade 7", "七年级"), ("Grade 8", "八年级"))
    clubs = (("art", "美术"), ("sport", "体育"))
    top = (15, 30, 40)[difficulty - 1]
    table = {g: {c: rng.randint(3, top) for c, _ in clubs} for g, _ in grades}
    g, g_zh = rng.choice(grades)
    c, c_zh = rng.choice(clubs)
    rows = "; ".join(
        f"{gg}: {table[gg]['art']} art, {table[gg]['sport']} sport" for gg, _ in grades
    )
    rows_zh = "；".join(
        f"{gz}选美术的{table[gg]['art']}人、选体育的{table[gg]['sport']}人" for gg, gz in grades
    )
    cell = table[g][c]
    intro = f"A survey of pupils' clubs gave: {rows}."
    intro_zh = f"调查学生参加的社团，结果如下：{rows_zh}。"
    if difficulty == 1:
        col = sum(table[gg][c] for gg, _ in grades)
        total = sum(sum(r.values()) for r in table.values())
        value = F(col, total)
        steps: tuple[Step, ...] = (
            step(
                f"Pupils in all: {total}; in {c}: {col}.",
                f"总人数{total}，选{c_zh}的{col}人。",
                " + ".join(str(v) for r in table.values() for v in r.values()) + f" = {total}",
                "statistics.two_way_tables",
            ),
            step(
                f"P = {col}/{total} = {fr(value)}.",
                f"P = {col}/{total} = {fr(value)}。",
                f"{col}/{total} = {fr(value)}",
                "statistics.relative_frequency_tables",
            ),
        )
        en_q = f"A pupil is picked at random. What is the probability that they chose {c}?"
        zh_q = f"从中随机选一名学生，他选{c_zh}的概率是多少？"
        ask = f"P({c})"
    elif difficulty == 2:
        row = sum(table[g].values())
        value = F(cell, row)
        steps = (
            step(
                f"Only {g} counts: {table[g]['art']} + {table[g]['sport']} = {row} pupils.",
                f"只看{g_zh}：{table[g]['art']} + {table[g]['sport']} = {row}人。",
                f"{table[g]['art']} + {table[g]['sport']} = {row}",
                "statistics.two_way_tables",
            ),
            step(
                f"Of them {cell} chose {c}: P = {cell}/{row} = {fr(value)}.",
                f"其中选{c_zh}的有{cell}人：P = {cell}/{row} = {fr(value)}。",
                f"{cell}/{row} = {fr(value)}",
                kp,
            ),
        )
        en_q = f"A {g} pupil is picked at random. What is the probability that they chose {c}?"
        zh_q = f"从{g_zh}学生中随机选一名，他选{c_zh}的概率是多少？"
        ask = f"P({c} | {g})"
    else:
        col = sum(table[gg][c] for gg, _ in grades)
        value = F(cell, col)
        other = [table[gg][c] for gg, _ in grades]
        steps = (
            step(
                f"Only the {c} pupils count: {' + '.join(map(str, other))} = {col}.",
                f"只看选{c_zh}的学生：{' + '.join(map(str, other))} = {col}人。",
                f"{' + '.join(map(str, other))} = {col}",
                "statistics.two_way_tables",
            ),
            step(
                f"Of them {cell} are in {g}: P = {cell}/{col} = {fr(value)}.",
                f"其中{g_zh}的有{cell}人：P = {cell}/{col} = {fr(value)}。",
                f"{cell}/{col} = {fr(value)}",
                kp,
            ),
        )
        en_q = (
            f"A pupil who chose {c} is picked at random. What is the probability that they "
            f"are in {g}?"
        )
        zh_q = f"从选{c_zh}的学生中随机选一名，他是{g_zh}学生的概率是多少？"
        ask = f"P({g} | {c})"
    return Draft(
        f"{intro} {en_q} Give a fraction in lowest terms.",
        f"{intro_zh}{zh_q}（写成最简分数）",
        fr(value),
        steps,
        SIMPLEST,
        {"table": table, "ask": ask},
    )


@generator(
    "or_probability",
    "statistics.addition_rule",
    also={"statistics.compound_events": 0.4},
)
def or_probability(difficulty: int, rng: random.Random) -> Draft:
    """P(A or B) = P(A) + P(B) − P(A and B): given the three probabilities as decimals (1);
    a card numbered 1–n that is a multiple of p or of q (2, 3 with larger n). Answer as a
    decimal (1) or a fraction in lowest terms (2, 3).

    params: ``pa``, ``pb``, ``pab`` (1); ``n``, ``p``, ``q`` (2, 3).
    """
    kp = "statistics.addition_rule"
    if difficulty == 1:
        pab = F(rng.randint(1, 20), 100)
        pa = pab + F(rng.randint(5, 35), 100)
        pb = pab + F(rng.randint(5, 35), 100)
        value = pa + pb - pab
        steps: tuple[Step, ...] = (
            step(
                f"P(A or B) = {dec(pa)} + {dec(pb)} − {dec(pab)} = {dec(value)}.",
                f"P(A或B) = {dec(pa)} + {dec(pb)} − {dec(pab)} = {dec(value)}。",
                f"{dec(pa)} + {dec(pb)} - {dec(pab)} = {dec(value)}",
                kp,
            ),
        )
        return Draft(
            f"P(A) = {dec(pa)}, P(B) = {dec(pb)} and P(A and B) = {dec(pab)}. What is P(A or B)? "
            f"Give a decimal.",
            f"已知P(A) = {dec(pa)}，P(B) = {dec(pb)}，P(A且B) = {dec(pab)}。求P(A或B)（用小数表示）。",
            dec(value),
            steps,
            AnswerPolicy(),
            {"pa": dec(pa), "pb": dec(pb), "pab": dec(pab)},
        )
    n = rng.randint(12, 30) if difficulty == 2 else rng.randint(31, 60)
    p, q = rng.sample((2, 3, 4, 5, 6, 7), 2)
    both = p * q // math.gcd(p, q)
    a, b, ab = n // p, n // q, n // both
    hits = a + b - ab
    value = F(hits, n)
    steps = (
        step(
            f"Multiples of {p} up to {n}: {a}. Multiples of {q}: {b}. Multiples of both "
            f"(of {both}): {ab}.",
            f"{n}以内{p}的倍数有{a}个，{q}的倍数有{b}个，既是{p}又是{q}的倍数（即{both}的倍数）"
            f"有{ab}个。",
            f"{a} + {b} - {ab} = {hits}",
            kp,
        ),
        step(
            f"P = ({a} + {b} − {ab})/{n} = {hits}/{n} = {fr(value)}.",
            f"P = ({a} + {b} − {ab})/{n} = {hits}/{n} = {fr(value)}。",
            f"({a} + {b} - {ab})/{n} = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        f"Cards numbered 1 to {n} are shuffled and one is drawn. What is the probability that "
        f"its number is a multiple of {p} or a multiple of {q}? Give a fraction in lowest terms.",
        f"把写有1到{n}的{n}张卡片洗匀，从中任意抽一张。抽到的数是{p}的倍数或{q}的倍数的概率是多少？"
        f"（写成最简分数）",
        fr(value),
        steps,
        SIMPLEST,
        {"n": n, "p": p, "q": q},
    )


@generator(
    "relative_frequency",
    "statistics.experimental_probability",
    also={"statistics.probability_meaning": 0.3},
)
def relative_frequency(difficulty: int, rng: random.Random) -> Draft:
    """Experimental probability: the relative frequency as a fraction (1); a prediction for
    more trials (2); experimental minus theoretical probability for a die face (3).

    params: ``trials``, ``hits``; ``new_trials`` (2); ``face`` (3).
    """
    kp = "statistics.experimental_probability"
    name, name_zh = rng.choice(NAMES)
    if difficulty == 1:
        trials = rng.choice((20, 25, 40, 50, 60, 80, 100))
        hits = rng.randint(2, trials - 1)
        value = F(hits, trials)
        steps: tuple[Step, ...] = (
            step(
                f"Relative frequency = {hits} ÷ {trials} = {fr(value)}.",
                f"频率 = {hits} ÷ {trials} = {fr(value)}。",
                f"{hits}/{trials} = {fr(value)}",
                kp,
            ),
        )
        return Draft(
            f"{name} flipped a paper cup {trials} times and it landed upright {hits} times. "
            f"What is the experimental probability of landing upright? Give a fraction in "
            f"lowest terms.",
            f"{name_zh}把一个纸杯抛了{trials}次，杯口朝上{hits}次。杯口朝上的频率是多少？"
            f"（写成最简分数）",
            fr(value),
            steps,
            SIMPLEST,
            {"trials": trials, "hits": hits},
        )
    if difficulty == 2:
        trials = rng.choice((20, 25, 40, 50))
        hits = rng.randint(1, trials - 1)
        new = trials * rng.randint(4, 20)
        expect = F(hits, trials) * new
        steps = (
            step(
                f"Experimental probability: {hits}/{trials}.",
                f"用频率估计概率：{hits}/{trials}。",
                f"{hits}/{trials} = {fr(F(hits, trials))}",
                kp,
            ),
            step(
                f"Expected number: {hits}/{trials} × {new} = {fr(expect)}.",
                f"估计次数：{hits}/{trials} × {new} = {fr(expect)}。",
                f"{hits}/{trials} * {new} = {fr(expect)}",
                kp,
            ),
        )
        return Draft(
            f"A spinner landed on blue {count(hits, 'time')} in {trials} spins. Based on this, how many "
            f"times would you expect blue in {new} spins?",
            f"转动一个转盘{trials}次，指针落在蓝色区域{hits}次。照此估计，转动{new}次，"
            f"指针大约会落在蓝色区域多少次？",
            fr(expect),
            steps,
            AnswerPolicy(),
            {"trials": trials, "hits": hits, "new_trials": new},
        )
    trials = rng.choice((30, 60, 120, 300, 600))
    face = rng.randint(1, 6)
    hits = trials // 6 + rng.randint(-trials // 12, trials // 12)
    diff = F(hits, trials) - F(1, 6)
    steps = (
        step(
            f"Experimental: {hits}/{trials}; theoretical: 1/6.",
            f"频率：{hits}/{trials}；理论概率：1/6。",
            f"{hits}/{trials} = {fr(F(hits, trials))}",
            kp,
        ),
        step(
            f"Difference: {hits}/{trials} − 1/6 = {fr(diff)}.",
            f"差：{hits}/{trials} − 1/6 = {fr(diff)}。",
            f"{hits}/{trials} - 1/6 = {fr(diff)}",
            "statistics.theoretical_probability",
        ),
    )
    return Draft(
        f"A die was rolled {trials} times and showed a {face} on {hits} of them. What is the "
        f"experimental probability of a {face} minus the theoretical probability? Give a "
        f"fraction in lowest terms (it may be negative or 0).",
        f"掷一个骰子{trials}次，其中{face}点朝上{hits}次。{face}点朝上的频率减去理论概率等于多少？"
        f"（写成最简分数，结果可能是负数或0）",
        fr(diff),
        steps,
        SIMPLEST,
        {"trials": trials, "hits": hits, "face": face},
    )


@generator(
    "sample_estimate",
    "statistics.random_sampling",
    also={"ratio.solve_proportions": 0.3},
)
def sample_estimate(difficulty: int, rng: random.Random) -> Draft:
    """Estimate a population count from a random sample: a sample that divides the
    population (1), any sizes with a whole-number estimate (2), estimate fish in a pond by
    capture–recapture (3).

    params: ``population``, ``sample``, ``hits`` (1, 2); ``marked``, ``caught``,
    ``recaptured`` (3).
    """
    kp = "statistics.random_sampling"
    if difficulty < 3:
        sample = (
            rng.choice((20, 25, 40, 50)) if difficulty == 1 else rng.choice((30, 40, 60, 75, 80))
        )
        hits = rng.randint(2, sample - 2)
        population = (
            sample * rng.randint(5, 30) if difficulty == 1 else sample * rng.randint(12, 60)
        )
        estimate = F(hits, sample) * population
        sport, sport_zh = rng.choice(
            (
                ("table tennis", "乒乓球"),
                ("basketball", "篮球"),
                ("swimming", "游泳"),
                ("chess", "下棋"),
            )
        )
        steps: tuple[Step, ...] = (
            step(
                f"In the sample, {hits}/{sample} like {sport}.",
                f"样本中喜欢{sport_zh}的占 {hits}/{sample}。",
                f"{hits}/{sample} = {fr(F(hits, sample))}",
                kp,
            ),
            step(
                f"Estimate: {hits}/{sample} × {population} = {fr(estimate)}.",
                f"估计全校：{hits}/{sample} × {population} = {fr(estimate)}（人）。",
                f"{hits}/{sample} * {population} = {fr(estimate)}",
                kp,
            ),
        )
        return Draft(
            f"A school has {population} pupils. In a random sample of {sample} pupils, {hits} "
            f"said their favourite sport is {sport}. About how many pupils in the school would "
            f"you estimate like {sport} best?",
            f"某校有{population}名学生。随机抽取{sample}名学生调查，其中{hits}人最喜欢{sport_zh}。"
            f"估计全校最喜欢{sport_zh}的学生大约有多少人？",
            fr(estimate),
            steps,
            AnswerPolicy(),
            {"population": population, "sample": sample, "hits": hits},
        )
    while True:
        marked = rng.choice((20, 30, 40, 50, 60))
        caught = rng.choice((25, 40, 50, 60, 80, 100))
        recaptured = rng.randint(2, min(marked, caught) // 2)
        if (marked * caught) % recaptured == 0:
            break
    fish = marked * caught // recaptured
    steps = (
        step(
            f"Marked share in the second catch: {recaptured}/{caught}.",
            f"第二次捕到的鱼中有标记的占 {recaptured}/{caught}。",
            f"{recaptured}/{caught} = {fr(F(recaptured, caught))}",
            kp,
        ),
        step(
            f"So {marked} ÷ ({recaptured}/{caught}) = {fish} fish in the pond.",
            f"所以池塘里大约有 {marked} ÷ ({recaptured}/{caught}) = {fish} 条鱼。",
            f"{marked} / ({recaptured}/{caught}) = {fish}",
            "ratio.solve_proportions",
        ),
    )
    return Draft(
        f"To estimate the fish in a pond, {marked} fish are caught, marked and put back. Later "
        f"{caught} fish are caught, and {recaptured} of them are marked. About how many fish "
        f"are in the pond?",
        f"为了估计池塘里鱼的条数，先捕上{marked}条鱼做上标记后放回。过一段时间再捕上{caught}条，"
        f"其中有标记的{recaptured}条。估计池塘里大约有多少条鱼？",
        str(fish),
        steps,
        AnswerPolicy(),
        {"marked": marked, "caught": caught, "recaptured": recaptured},
    )


__all__ = [
    "CONTEXTS",
    "bag_probability",
    "data_iqr",
    "data_mad",
    "data_mean",
    "data_median",
    "data_mode",
    "data_range",
    "independent_and",
    "or_probability",
    "relative_frequency",
    "sample_estimate",
    "table_conditional",
    "two_dice_probability",
]
