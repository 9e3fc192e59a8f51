"""Geometry: angles, triangles, the Pythagorean theorem, coordinates and trigonometric ratios.

Angle answers are numbers of degrees (``45``, or ``45°``); lengths are numbers, or exact
square roots such as ``5sqrt(2)`` where the prompt says so; points are ``(x, y)``.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from tutor.content.answers import UNIT_SETS, AnswerPolicy
from tutor.content.generators._util import F, article, count, dec, fr, neg, pick_nonzero, step
from tutor.content.generators.measurement import units
from tutor.content.registry import Draft, Step, generator

DEGREES = AnswerPolicy(units=UNIT_SETS["°"])
SIMPLEST = AnswerPolicy(require_simplified=True)
#: Primitive Pythagorean triples (a, b, c) with a² + b² = c².
TRIPLES = ((3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29), (9, 40, 41))
#: Boxes whose space diagonal is a whole number: (a, b, c, d) with a² + b² + c² = d².
BOXES = (
    (1, 2, 2, 3),
    (2, 3, 6, 7),
    (1, 4, 8, 9),
    (4, 4, 7, 9),
    (2, 6, 9, 11),
    (6, 6, 7, 11),
    (3, 4, 12, 13),
    (2, 10, 11, 15),
    (2, 5, 14, 15),
    (8, 9, 12, 17),
)


def radical(n: int) -> tuple[str, str]:
    """√n in simplest form: (answer syntax, for reading), e.g. ``("5sqrt(2)", "5√2")``."""
    outside, inside = 1, n
    for k in range(math.isqrt(n), 1, -1):
        if n % (k * k) == 0:
            outside, inside = k, n // (k * k)
            break
    if inside == 1:
        return str(outside), str(outside)
    if outside == 1:
        return f"sqrt({inside})", f"√{inside}"
    return f"{outside}sqrt({inside})", f"{outside}√{inside}"


def _root_text(n: int) -> str:
    """``√41`` or ``√28 = 2√7``: the square root, simplified when it can be."""
    shown = radical(n)[1]
    return f"√{n}" if shown == f"√{n}" else f"√{n} = {shown}"


def _triple(rng: random.Random, difficulty: int) -> tuple[int, int, int]:
    """A Pythagorean triple, legs in random order: small ones (1), scaled and larger (2+)."""
    if difficulty == 1:
        a, b, c = rng.choice(TRIPLES[:3])
        k = rng.randint(1, 4) if c < 10 else rng.randint(1, 2)
    else:
        a, b, c = rng.choice(TRIPLES)
        k = rng.randint(2, 5) if c < 20 else rng.randint(1, 2)
    if rng.random() < 0.5:
        a, b = b, a
    return a * k, b * k, c * k


def _non_square_sum(rng: random.Random) -> tuple[int, int]:
    """Two legs whose squares do not add to a perfect square."""
    while True:
        a, b = rng.randint(1, 12), rng.randint(1, 12)
        if math.isqrt(a * a + b * b) ** 2 != a * a + b * b:
            return a, b


_RADICAL_HINT = (
    " Give the exact answer in simplest radical form (like 3√2) or round to the nearest hundredth."
)
_RADICAL_HINT_ZH = "（结果用最简二次根式表示，如3√2，或精确到0.01）"
_RADICAL = AnswerPolicy(tolerance=0.006)


# --------------------------------------------------------------------------------------------
# Angles
# --------------------------------------------------------------------------------------------


@generator("angle_parts", "geometry.angle_addition", also={"geometry.measure_angles": 0.3})
def angle_parts(difficulty: int, rng: random.Random) -> Draft:
    """A big angle split into parts; find the missing part. Two parts (1), three parts (2),
    the parts of a right angle, straight angle or full turn (3).

    params: ``total``, ``known`` (the given parts, in order).
    """
    kp = "geometry.angle_addition"
    if difficulty == 3:
        total, name, name_zh = rng.choice(
            (
                (90, "a right angle", "一个直角"),
                (180, "a straight angle", "一个平角"),
                (360, "a full turn around a point", "一个周角"),
            )
        )
        count = 3 if total < 360 else 4
    else:
        total = rng.randint(40, 170)
        name, name_zh = f"an angle of {total}°", f"一个{total}°的角"
        count = difficulty + 1
    while True:
        cuts = sorted(rng.sample(range(5, total - 4), count - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        if min(parts) >= 5:
            break
    known, missing = parts[:-1], parts[-1]
    used = sum(known)
    listed = " and ".join(f"{p}°" for p in known)
    some = "One of them is" if len(known) == 1 else f"{len(known)} of them measure"
    some_zh = "其中一个角是" if len(known) == 1 else f"其中{len(known)}个角分别是"
    listed_zh = "、".join(f"{p}°" for p in known)
    steps: list[Step] = []
    if len(known) > 1:
        steps.append(
            step(
                f"Add the known parts: {' + '.join(map(str, known))} = {used}.",
                f"先把已知的角加起来：{' + '.join(map(str, known))} = {used}。",
                f"{' + '.join(map(str, known))} = {used}",
                kp,
            )
        )
    steps.append(
        step(
            f"The missing part is the rest: {total} − {used} = {missing}.",
            f"未知的角 = 总角 − 已知部分：{total} − {used} = {missing}。",
            f"{total} - {used} = {missing}",
            kp,
        )
    )
    return Draft(
        f"{name[0].upper()}{name[1:]} is split into {count} angles that do not overlap. "
        f"{some} {listed}. How many degrees is the last one?",
        f"{name_zh}被分成{count}个互不重叠的角，{some_zh}{listed_zh}。剩下的那个角是多少度？",
        str(missing),
        tuple(steps),
        DEGREES,
        {"total": total, "known": known},
    )


@generator(
    "complement_supplement",
    "geometry.complementary_supplementary",
    also={"geometry.angle_addition": 0.3},
)
def complement_supplement(difficulty: int, rng: random.Random) -> Draft:
    """The complement (1) or supplement (2) of an angle, or the supplement of its
    complement (3).

    params: ``angle``, ``ask`` ("complement", "supplement", "supplement_of_complement").
    """
    kp = "geometry.complementary_supplementary"
    if difficulty == 1:
        a = rng.randint(5, 85)
        steps: tuple[Step, ...] = (
            step(
                f"Complementary angles add to 90°: 90 − {a} = {90 - a}.",
                f"互余的两个角和是90°：90 − {a} = {90 - a}。",
                f"90 - {a} = {90 - a}",
                kp,
            ),
        )
        return Draft(
            f"What is the complement of {article(a)} {a}° angle?",
            f"{a}°的角的余角是多少度？",
            str(90 - a),
            steps,
            DEGREES,
            {"angle": a, "ask": "complement"},
        )
    if difficulty == 2:
        a = rng.randint(5, 175)
        steps = (
            step(
                f"Supplementary angles add to 180°: 180 − {a} = {180 - a}.",
                f"互补的两个角和是180°：180 − {a} = {180 - a}。",
                f"180 - {a} = {180 - a}",
                kp,
            ),
        )
        return Draft(
            f"What is the supplement of {article(a)} {a}° angle?",
            f"{a}°的角的补角是多少度？",
            str(180 - a),
            steps,
            DEGREES,
            {"angle": a, "ask": "supplement"},
        )
    a = rng.randint(5, 85)
    c = 90 - a
    steps = (
        step(f"Complement: 90 − {a} = {c}.", f"余角：90 − {a} = {c}。", f"90 - {a} = {c}", kp),
        step(
            f"Supplement of that: 180 − {c} = {180 - c}.",
            f"它的补角：180 − {c} = {180 - c}。",
            f"180 - {c} = {180 - c}",
            kp,
        ),
    )
    return Draft(
        f"What is the supplement of the complement of {article(a)} {a}° angle?",
        f"{a}°的角的余角的补角是多少度？",
        str(180 - c),
        steps,
        DEGREES,
        {"angle": a, "ask": "supplement_of_complement"},
    )


@generator(
    "intersecting_angles",
    "geometry.vertical_adjacent",
    also={"geometry.complementary_supplementary": 0.4},
)
def intersecting_angles(difficulty: int, rng: random.Random) -> Draft:
    """Two lines cross. The vertical angle (1), the adjacent angle (2), or the size of two
    vertical angles written (ax + p)° and (bx − q)° (3).

    params: ``angle`` (1, 2); ``a``, ``p``, ``b``, ``q`` (3).
    """
    kp = "geometry.vertical_adjacent"
    if difficulty < 3:
        a = rng.randint(20, 160)
        if difficulty == 1:
            steps: tuple[Step, ...] = (
                step(
                    f"Vertical angles are equal, so it is {a}°.",
                    f"对顶角相等，所以它也是{a}°。",
                    f"{a} = {a}",
                    kp,
                ),
            )
            return Draft(
                f"Two straight lines cross. One angle is {a}°. "
                f"How many degrees is the angle vertically opposite it?",
                f"两条直线相交，其中一个角是{a}°。它的对顶角是多少度？",
                str(a),
                steps,
                DEGREES,
                {"angle": a},
            )
        steps = (
            step(
                f"Adjacent angles on a line add to 180°: 180 − {a} = {180 - a}.",
                f"邻补角的和是180°：180 − {a} = {180 - a}。",
                f"180 - {a} = {180 - a}",
                kp,
            ),
        )
        return Draft(
            f"Two straight lines cross. One angle is {a}°. "
            f"How many degrees is an angle next to it (adjacent on the same line)?",
            f"两条直线相交，其中一个角是{a}°。它的邻补角是多少度？",
            str(180 - a),
            steps,
            DEGREES,
            {"angle": a},
        )
    while True:
        x = rng.randint(5, 40)
        a, b = rng.sample(range(2, 8), 2)
        lo, hi = sorted((a, b))
        q = rng.randint(1, 30)
        p = hi * x - q - lo * x
        angle = lo * x + p
        if p > 0 and 10 < angle < 170:
            break
    a, b = lo, hi
    steps = (
        step(
            f"Vertical angles are equal: {a}x + {p} = {b}x − {q}, so {b - a}x = {p + q}.",
            f"对顶角相等：{a}x + {p} = {b}x − {q}，所以 {b - a}x = {p + q}。",
            f"{b}x - {q} - ({a}x + {p}) = {b - a}x - {p + q}",
            "geometry.angle_equations",
        ),
        step(
            f"x = {p + q} ÷ {b - a} = {x}.",
            f"x = {p + q} ÷ {b - a} = {x}。",
            f"{p + q} / {b - a} = {x}",
            "equations.one_step_mult_div",
        ),
        step(
            f"The angle is {a} × {x} + {p} = {angle}°.",
            f"这个角是 {a} × {x} + {p} = {angle}°。",
            f"{a} * {x} + {p} = {b} * {x} - {q} = {angle}",
            kp,
        ),
    )
    return Draft(
        f"Two straight lines cross. A pair of vertical angles measure ({a}x + {p})° and "
        f"({b}x − {q})°. How many degrees is each of these angles?",
        f"两条直线相交，一对对顶角分别是({a}x + {p})°和({b}x − {q})°。这两个角各是多少度？",
        str(angle),
        steps,
        DEGREES,
        {"a": a, "p": p, "b": b, "q": q},
    )


@generator(
    "angle_equation",
    "geometry.angle_equations",
    also={"geometry.vertical_adjacent": 0.3, "equations.two_step": 0.4},
)
def angle_equation(difficulty: int, rng: random.Random) -> Draft:
    """Solve for x: x° and p° complementary (1); (ax + p)° and q° supplementary (2);
    (ax + p)° and (bx − q)° supplementary (3).

    params: ``total`` (90 or 180), ``a``, ``p``, ``b``, ``q`` (unused ones are 0).
    """
    kp = "geometry.angle_equations"
    if difficulty == 1:
        p = rng.randint(5, 85)
        x = 90 - p
        steps: tuple[Step, ...] = (
            step(
                f"Complementary: x + {p} = 90, so x = 90 − {p} = {x}.",
                f"两角互余：x + {p} = 90，所以 x = 90 − {p} = {x}。",
                f"90 - {p} = {x}",
                kp,
            ),
        )
        return Draft(
            f"Two angles are complementary. One is x° and the other is {p}°. What is x?",
            f"两个角互余，一个是x°，另一个是{p}°。求x的值。",
            str(x),
            steps,
            AnswerPolicy(),
            {"total": 90, "a": 1, "p": 0, "b": 0, "q": p},
        )
    total = 180 if difficulty == 3 or rng.random() < 0.5 else 90
    word, word_zh = ("supplementary", "互补") if total == 180 else ("complementary", "互余")
    a = rng.randint(2, 5)
    if difficulty == 2:
        x = rng.randint(3, (total - 20) // a)
        p = rng.randint(1, total - a * x - 5)
        q = total - a * x - p
        steps = (
            step(
                f"The angles add to {total}: {a}x + {p} + {q} = {total}, so {a}x = "
                f"{total - p - q}.",
                f"两角{word_zh}：{a}x + {p} + {q} = {total}，所以 {a}x = {total - p - q}。",
                f"{total} - {p} - {q} = {total - p - q}",
                kp,
            ),
            step(
                f"x = {total - p - q} ÷ {a} = {x}.",
                f"x = {total - p - q} ÷ {a} = {x}。",
                f"{total - p - q} / {a} = {x}",
                "equations.two_step",
            ),
        )
        return Draft(
            f"Two angles are {word}. One is ({a}x + {p})° and the other is {q}°. What is x?",
            f"两个角{word_zh}，一个是({a}x + {p})°，另一个是{q}°。求x的值。",
            str(x),
            steps,
            AnswerPolicy(),
            {"total": total, "a": a, "p": p, "b": 0, "q": q},
        )
    while True:
        b = rng.randint(1, 4)
        x = rng.randint(5, 40)
        p = rng.randint(1, 40)
        q = a * x + p + b * x - 180
        if q > 0 and b * x - q > 0 and a * x + p < 180 and p != q:
            break
    c = p - q
    lhs = f"{a + b}x {'+' if c > 0 else '−'} {abs(c)}"
    lhs_claim = f"{a + b}x {'+' if c > 0 else '-'} {abs(c)}"
    steps = (
        step(
            f"The angles add to 180: ({a}x + {p}) + ({b}x − {q}) = {lhs} = 180.",
            f"两角互补：({a}x + {p}) + ({b}x − {q}) = {lhs} = 180。",
            f"({a}x + {p}) + ({b}x - {q}) = {lhs_claim}",
            kp,
        ),
        step(
            f"{a + b}x = {180 - p + q}.",
            f"{a + b}x = {180 - p + q}。",
            f"180 - ({p - q}) = {180 - p + q}",
            "equations.two_step",
        ),
        step(
            f"x = {180 - p + q} ÷ {a + b} = {x}.",
            f"x = {180 - p + q} ÷ {a + b} = {x}。",
            f"{180 - p + q} / {a + b} = {x}",
            "equations.two_step",
        ),
    )
    return Draft(
        f"Two angles are supplementary. They measure ({a}x + {p})° and ({b}x − {q})°. What is x?",
        f"两个角互补，它们分别是({a}x + {p})°和({b}x − {q})°。求x的值。",
        str(x),
        steps,
        AnswerPolicy(),
        {"total": 180, "a": a, "p": p, "b": b, "q": q},
    )


@generator(
    "triangle_third_angle",
    "geometry.triangle_angle_sum",
    also={"geometry.angle_equations": 0.3},
)
def triangle_third_angle(difficulty: int, rng: random.Random) -> Draft:
    """Angles of a triangle add to 180°: the third angle (1), a base angle of an isosceles
    triangle from its top angle (2), the largest angle when the angles are in a ratio (3).

    params: ``angles`` (1), ``apex`` (2), ``ratio`` (3).
    """
    kp = "geometry.triangle_angle_sum"
    if difficulty == 1:
        a, b = rng.randint(20, 100), rng.randint(15, 60)
        if a + b >= 170:
            b = 170 - a
        c = 180 - a - b
        steps: tuple[Step, ...] = (
            step(
                f"The angles add to 180°: 180 − {a} − {b} = {c}.",
                f"三角形内角和是180°：180 − {a} − {b} = {c}。",
                f"180 - {a} - {b} = {c}",
                kp,
            ),
        )
        return Draft(
            f"A triangle has angles of {a}° and {b}°. What is the third angle?",
            f"一个三角形的两个内角分别是{a}°和{b}°，第三个角是多少度？",
            str(c),
            steps,
            DEGREES,
            {"angles": [a, b]},
        )
    if difficulty == 2:
        apex = 2 * rng.randint(5, 85)
        base = (180 - apex) // 2
        steps = (
            step(
                f"The two base angles share 180 − {apex} = {180 - apex}.",
                f"两个底角的和是 180 − {apex} = {180 - apex}。",
                f"180 - {apex} = {180 - apex}",
                kp,
            ),
            step(
                f"They are equal: {180 - apex} ÷ 2 = {base}.",
                f"等腰三角形的两个底角相等：{180 - apex} ÷ 2 = {base}。",
                f"{180 - apex} / 2 = {base}",
                "geometry.classify_triangles",
            ),
        )
        return Draft(
            f"In an isosceles triangle the angle between the two equal sides is {apex}°. "
            f"How many degrees is each of the other two angles?",
            f"一个等腰三角形的顶角是{apex}°，它的一个底角是多少度？",
            str(base),
            steps,
            DEGREES,
            {"apex": apex},
        )
    while True:
        ratio = sorted(rng.sample(range(1, 10), 3))
        if 180 % sum(ratio) == 0:
            break
    unit = 180 // sum(ratio)
    big = unit * ratio[-1]
    steps = (
        step(
            f"One share: 180 ÷ ({' + '.join(map(str, ratio))}) = {unit}.",
            f"每一份：180 ÷ ({' + '.join(map(str, ratio))}) = {unit}。",
            f"180 / ({' + '.join(map(str, ratio))}) = {unit}",
            "ratio.share_in_ratio",
        ),
        step(
            f"The largest angle: {ratio[-1]} × {unit} = {big}.",
            f"最大的角：{ratio[-1]} × {unit} = {big}。",
            f"{ratio[-1]} * {unit} = {big}",
            kp,
        ),
    )
    shown = ":".join(map(str, ratio))
    return Draft(
        f"The angles of a triangle are in the ratio {shown}. What is the largest angle?",
        f"一个三角形三个内角的度数比是{shown}，最大的角是多少度？",
        str(big),
        steps,
        DEGREES,
        {"ratio": ratio},
    )


@generator("exterior_angle", "geometry.exterior_angle", also={"geometry.triangle_angle_sum": 0.4})
def exterior_angle(difficulty: int, rng: random.Random) -> Draft:
    """An exterior angle equals the two remote interior angles together: the exterior angle
    (1), a remote angle from the exterior one (2), x when the exterior angle is (ax + p)° and
    the remote angles are x° and q° (3).

    params: ``remote`` (1), ``exterior`` and ``remote`` (2), ``a``, ``p``, ``q`` (3).
    """
    kp = "geometry.exterior_angle"
    r1, r2 = rng.randint(20, 80), rng.randint(20, 80)
    ext = r1 + r2
    if difficulty == 1:
        steps: tuple[Step, ...] = (
            step(
                f"Exterior angle = sum of the two remote angles: {r1} + {r2} = {ext}.",
                f"三角形的一个外角等于和它不相邻的两个内角的和：{r1} + {r2} = {ext}。",
                f"{r1} + {r2} = {ext}",
                kp,
            ),
        )
        return Draft(
            f"Two angles of a triangle are {r1}° and {r2}°. What is the exterior angle at the "
            f"third corner?",
            f"一个三角形的两个内角是{r1}°和{r2}°，与第三个内角相邻的外角是多少度？",
            str(ext),
            steps,
            DEGREES,
            {"remote": [r1, r2]},
        )
    if difficulty == 2:
        steps = (
            step(
                f"{ext} = {r1} + ?, so ? = {ext} − {r1} = {r2}.",
                f"{ext} = {r1} + ?，所以 ? = {ext} − {r1} = {r2}。",
                f"{ext} - {r1} = {r2}",
                kp,
            ),
        )
        return Draft(
            f"An exterior angle of a triangle is {ext}°. One of the two interior angles not "
            f"next to it is {r1}°. What is the other one?",
            f"一个三角形的一个外角是{ext}°，和它不相邻的一个内角是{r1}°，"
            f"另一个不相邻的内角是多少度？",
            str(r2),
            steps,
            DEGREES,
            {"exterior": ext, "remote": [r1]},
        )
    while True:
        a = rng.randint(2, 4)
        x = rng.randint(10, 50)
        p = rng.randint(1, 30)
        q = (a - 1) * x + p  # so that (ax + p) = x + q with p > 0
        if x + q < 180:
            break
    steps = (
        step(
            f"{a}x + {neg(p)} = x + {q}, so {a - 1}x = {q - p}.",
            f"{a}x + {neg(p)} = x + {q}，所以 {a - 1}x = {q - p}。",
            f"x + {q} - ({a}x + {neg(p)}) = {q - p} - {a - 1}x",
            "geometry.angle_equations",
        ),
        step(
            f"x = {q - p} ÷ {a - 1} = {x}.",
            f"x = {q - p} ÷ {a - 1} = {x}。",
            f"{q - p} / {a - 1} = {x}",
            kp,
        ),
    )
    return Draft(
        f"An exterior angle of a triangle is ({a}x + {neg(p)})°. The two interior angles not "
        f"next to it are x° and {q}°. What is x?",
        f"一个三角形的一个外角是({a}x + {neg(p)})°，和它不相邻的两个内角是x°和{q}°。求x的值。",
        str(x),
        steps,
        AnswerPolicy(),
        {"a": a, "p": p, "q": q},
    )


_PAIRS = (
    ("corresponding", "同位角", True),
    ("alternate interior", "内错角", True),
    ("same-side interior", "同旁内角", False),
)


@generator(
    "parallel_lines_angles",
    "geometry.parallel_transversal",
    also={"geometry.vertical_adjacent": 0.3},
)
def parallel_lines_angles(difficulty: int, rng: random.Random) -> Draft:
    """Parallel lines cut by a transversal: a corresponding angle (1), an alternate or
    same-side interior angle (2), x when same-side interior angles are (ax + p)° and
    (bx + q)° (3).

    params: ``angle`` and ``pair`` (1, 2); ``a``, ``p``, ``b``, ``q`` (3).
    """
    kp = "geometry.parallel_transversal"
    if difficulty < 3:
        pair, pair_zh, equal = _PAIRS[0] if difficulty == 1 else rng.choice(_PAIRS[1:])
        a = rng.randint(25, 155)
        ans = a if equal else 180 - a
        if equal:
            s = step(
                f"{pair.capitalize()} angles are equal: {a}°.",
                f"两直线平行，{pair_zh}相等：{a}°。",
                f"{a} = {ans}",
                kp,
            )
        else:
            s = step(
                f"Same-side interior angles add to 180°: 180 − {a} = {ans}.",
                f"两直线平行，同旁内角互补：180 − {a} = {ans}。",
                f"180 - {a} = {ans}",
                kp,
            )
        return Draft(
            f"Two parallel lines are cut by a transversal. One angle is {a}°. How many degrees "
            f"is its {pair} angle?",
            f"两条平行线被第三条直线所截，其中一个角是{a}°，它的{pair_zh}是多少度？",
            str(ans),
            (s,),
            DEGREES,
            {"angle": a, "pair": pair},
        )
    while True:
        a, b = rng.randint(1, 4), rng.randint(1, 4)
        x = rng.randint(5, 35)
        p = rng.randint(1, 60)
        q = 180 - (a + b) * x - p
        if q > 0:
            break
    steps: tuple[Step, ...] = (
        step(
            f"Same-side interior angles add to 180: {a + b}x + {p + q} = 180.",
            f"同旁内角互补：{a + b}x + {p + q} = 180。",
            f"({a}x + {p}) + ({b}x + {q}) = {a + b}x + {p + q}",
            kp,
        ),
        step(
            f"{a + b}x = 180 − {p + q} = {180 - p - q}, so x = {x}.",
            f"{a + b}x = 180 − {p + q} = {180 - p - q}，所以 x = {x}。",
            f"(180 - {p + q}) / {a + b} = {x}",
            "equations.two_step",
        ),
    )
    return Draft(
        f"Two parallel lines are cut by a transversal. Two same-side interior angles are "
        f"({a}x + {p})° and ({b}x + {q})°. What is x?",
        f"两条平行线被第三条直线所截，一对同旁内角分别是({a}x + {p})°和({b}x + {q})°。求x的值。",
        str(x),
        steps,
        AnswerPolicy(),
        {"a": a, "p": p, "b": b, "q": q},
    )


@generator("triangle_third_side", "geometry.triangle_conditions")
def triangle_third_side(difficulty: int, rng: random.Random) -> Draft:
    """Triangle inequality with two sides a < b: the largest whole-number third side (1),
    the smallest (2), how many whole numbers are possible (3).

    params: ``a``, ``b``, ``ask`` ("largest", "smallest", "count").
    """
    kp = "geometry.triangle_conditions"
    a = rng.randint(2, 6 + 4 * difficulty)
    b = a + rng.randint(1, 8 + 3 * difficulty)
    lo, hi = b - a + 1, a + b - 1
    rule = step(
        f"The third side is between {b} − {a} = {b - a} and {a} + {b} = {a + b}.",
        f"第三边大于两边之差 {b} − {a} = {b - a}，小于两边之和 {a} + {b} = {a + b}。",
        f"{b - a} < {b - a + 1} < {hi} < {a + b}",
        kp,
    )
    if difficulty == 1:
        ask, ask_zh, ans = "largest", "最大", hi
        extra: tuple[Step, ...] = ()
    elif difficulty == 2:
        ask, ask_zh, ans = "smallest", "最小", lo
        extra = ()
    else:
        ask, ask_zh, ans = "count", "", hi - lo + 1
        extra = (
            step(
                f"Whole numbers from {lo} to {hi}: {hi} − {lo} + 1 = {ans}.",
                f"从{lo}到{hi}的整数有 {hi} − {lo} + 1 = {ans}个。",
                f"{hi} - {lo} + 1 = {ans}",
                kp,
            ),
        )
    if ask == "count":
        en = (
            f"Two sides of a triangle are {a} cm and {b} cm. The third side is a whole number "
            f"of cm. How many different lengths are possible?"
        )
        zh = f"一个三角形的两条边长是{a}厘米和{b}厘米，第三条边的长是整厘米数。第三条边可能有几种不同的长度？"
        policy = AnswerPolicy()
    else:
        en = (
            f"Two sides of a triangle are {a} cm and {b} cm. The third side is a whole number "
            f"of cm. What is the {ask} it can be?"
        )
        zh = f"一个三角形的两条边长是{a}厘米和{b}厘米，第三条边的长是整厘米数。第三条边{ask_zh}是多少厘米？"
        policy = units("cm")
    return Draft(en, zh, str(ans), (rule, *extra), policy, {"a": a, "b": b, "ask": ask})


# --------------------------------------------------------------------------------------------
# Pythagorean theorem and distance
# --------------------------------------------------------------------------------------------


@generator("hypotenuse", "geometry.pythagorean_theorem", also={"exponents.square_roots": 0.3})
def hypotenuse(difficulty: int, rng: random.Random) -> Draft:
    """The hypotenuse from two legs: small triples (1), scaled or larger triples (2), legs
    whose squares do not add to a square, answered as a simplest radical (3).

    params: ``a``, ``b`` (the legs).
    """
    kp = "geometry.pythagorean_theorem"
    if difficulty < 3:
        a, b, _ = _triple(rng, difficulty)
    else:
        a, b = _non_square_sum(rng)
    total = a * a + b * b
    ans, _shown = radical(total)
    steps: tuple[Step, ...] = (
        step(
            f"c² = a² + b² = {a}² + {b}² = {a * a} + {b * b} = {total}.",
            f"c² = a² + b² = {a}² + {b}² = {a * a} + {b * b} = {total}。",
            f"{a}^2 + {b}^2 = {a * a} + {b * b} = {total}",
            kp,
        ),
        step(
            f"c = {_root_text(total)}.",
            f"c = {_root_text(total)}。",
            f"sqrt({total}) = {ans}",
            "exponents.square_roots",
        ),
    )
    en = f"A right triangle has legs of {a} and {b}. How long is the hypotenuse?"
    zh = f"一个直角三角形的两条直角边分别是{a}和{b}，斜边长是多少？"
    if difficulty == 3:
        return Draft(
            en + _RADICAL_HINT, zh + _RADICAL_HINT_ZH, ans, steps, _RADICAL, {"a": a, "b": b}
        )
    return Draft(en, zh, ans, steps, AnswerPolicy(), {"a": a, "b": b})


@generator("missing_leg", "geometry.pythagorean_leg", also={"geometry.pythagorean_theorem": 0.5})
def missing_leg(difficulty: int, rng: random.Random) -> Draft:
    """A leg from the hypotenuse and the other leg: small triples (1), larger (2), a radical
    answer (3).

    params: ``c`` (hypotenuse), ``a`` (the known leg).
    """
    kp = "geometry.pythagorean_leg"
    if difficulty < 3:
        a, _, c = _triple(rng, difficulty)
    else:
        while True:
            c = rng.randint(4, 15)
            a = rng.randint(1, c - 1)
            rest = c * c - a * a
            if math.isqrt(rest) ** 2 != rest:
                break
    rest = c * c - a * a
    ans, _shown = radical(rest)
    steps: tuple[Step, ...] = (
        step(
            f"b² = c² − a² = {c}² − {a}² = {c * c} − {a * a} = {rest}.",
            f"b² = c² − a² = {c}² − {a}² = {c * c} − {a * a} = {rest}。",
            f"{c}^2 - {a}^2 = {c * c} - {a * a} = {rest}",
            kp,
        ),
        step(
            f"b = {_root_text(rest)}.",
            f"b = {_root_text(rest)}。",
            f"sqrt({rest}) = {ans}",
            "exponents.square_roots",
        ),
    )
    en = f"A right triangle has a hypotenuse of {c} and one leg of {a}. How long is the other leg?"
    zh = f"一个直角三角形的斜边长{c}，一条直角边长{a}，另一条直角边长是多少？"
    if difficulty == 3:
        return Draft(
            en + _RADICAL_HINT, zh + _RADICAL_HINT_ZH, ans, steps, _RADICAL, {"c": c, "a": a}
        )
    return Draft(en, zh, ans, steps, AnswerPolicy(), {"c": c, "a": a})


@generator(
    "pythagoras_word",
    "geometry.pythagorean_applications",
    also={"geometry.pythagorean_leg": 0.4},
)
def pythagoras_word(difficulty: int, rng: random.Random) -> Draft:
    """The diagonal of a rectangular screen or field (1), how high a ladder reaches up a
    wall (2), the longest straight rod that fits in a box (3).

    params: ``length``/``width`` (1), ``ladder``/``foot`` (2), ``length``/``width``/
    ``height`` (3); ``unit``.
    """
    kp = "geometry.pythagorean_applications"
    if difficulty == 1:
        a, b, c = _triple(rng, 2)
        steps: tuple[Step, ...] = (
            step(
                f"The diagonal is the hypotenuse: {a}² + {b}² = {a * a + b * b}.",
                f"对角线是直角三角形的斜边：{a}² + {b}² = {a * a + b * b}。",
                f"{a}^2 + {b}^2 = {c * c}",
                "geometry.pythagorean_theorem",
            ),
            step(f"√{c * c} = {c}.", f"√{c * c} = {c}。", f"sqrt({c * c}) = {c}", kp),
        )
        return Draft(
            f"A rectangular field is {a} m long and {b} m wide. How long is a path straight "
            f"across it from corner to corner, in m?",
            f"一块长方形草地长{a}米，宽{b}米。沿对角线穿过草地的小路长多少米？",
            str(c),
            steps,
            units("m"),
            {"length": a, "width": b, "unit": "m"},
        )
    if difficulty == 2:
        a, b, c = _triple(rng, 2)
        foot, top = min(a, b), max(a, b)
        steps = (
            step(
                f"The ladder is the hypotenuse: height² = {c}² − {foot}² = {c * c - foot * foot}.",
                f"梯子是斜边：高度² = {c}² − {foot}² = {c * c - foot * foot}。",
                f"{c}^2 - {foot}^2 = {top * top}",
                "geometry.pythagorean_leg",
            ),
            step(
                f"√{top * top} = {top}.",
                f"√{top * top} = {top}。",
                f"sqrt({top * top}) = {top}",
                kp,
            ),
        )
        return Draft(
            f"{article(c).capitalize()} {c} dm ladder leans against a wall. Its foot is {foot} dm from the wall. How "
            f"high up the wall does it reach, in dm?",
            f"一架长{c}分米的梯子斜靠在墙上，梯子底端离墙{foot}分米。梯子顶端离地面多少分米？",
            str(top),
            steps,
            units("dm"),
            {"ladder": c, "foot": foot, "unit": "dm"},
        )
    *edges, diagonal = rng.choice(BOXES)
    k = rng.randint(1, 3)
    ln, w, h = (e * k for e in rng.sample(edges, 3))
    d = diagonal * k
    base = ln * ln + w * w
    steps = (
        step(
            f"Diagonal of the base squared: {ln}² + {w}² = {base}.",
            f"先求底面对角线的平方：{ln}² + {w}² = {base}。",
            f"{ln}^2 + {w}^2 = {base}",
            "geometry.pythagorean_theorem",
        ),
        step(
            f"Add the height squared: {base} + {h}² = {base + h * h}.",
            f"再加上高的平方：{base} + {h}² = {base + h * h}。",
            f"{base} + {h}^2 = {base + h * h}",
            kp,
        ),
        step(f"√{d * d} = {d}.", f"√{d * d} = {d}。", f"sqrt({d * d}) = {d}", kp),
    )
    return Draft(
        f"A box is {ln} cm long, {w} cm wide and {h} cm high. What is the longest straight rod "
        f"that fits inside it, from one corner to the opposite corner, in cm?",
        f"一个长方体盒子长{ln}厘米、宽{w}厘米、高{h}厘米。能放进盒子里的最长的直木棒"
        f"（从一个顶点到相对的顶点）长多少厘米？",
        str(d),
        steps,
        units("cm"),
        {"length": ln, "width": w, "height": h, "unit": "cm"},
    )


def _point(x: int | Fraction, y: int | Fraction) -> str:
    return f"({fr(x)}, {fr(y)})"


@generator(
    "distance_two_points",
    "geometry.distance_formula",
    also={"geometry.pythagorean_theorem": 0.5},
)
def distance_two_points(difficulty: int, rng: random.Random) -> Draft:
    """Distance between two points: first quadrant with a triple (1), negative coordinates
    with a triple (2), any points, answered as a simplest radical (3).

    params: ``x1``, ``y1``, ``x2``, ``y2``.
    """
    kp = "geometry.distance_formula"
    if difficulty < 3:
        dx, dy, _ = _triple(rng, 1)
    else:
        dx, dy = _non_square_sum(rng)
    lo, hi = (0, 10) if difficulty == 1 else (-10, 5)
    x1, y1 = rng.randint(lo, hi), rng.randint(lo, hi)
    x2 = x1 + dx * (1 if difficulty == 1 else rng.choice((-1, 1)))
    y2 = y1 + dy * (1 if difficulty == 1 else rng.choice((-1, 1)))
    total = dx * dx + dy * dy
    ans, _shown = radical(total)
    steps: tuple[Step, ...] = (
        step(
            f"Across: {x2} − {neg(x1)} = {x2 - x1}; up or down: {y2} − {neg(y1)} = {y2 - y1}.",
            f"横坐标之差：{x2} − {neg(x1)} = {x2 - x1}；纵坐标之差：{y2} − {neg(y1)} = {y2 - y1}。",
            f"({x2} - {neg(x1)})^2 + ({y2} - {neg(y1)})^2 = {total}",
            "geometry.distance_same_coordinate",
        ),
        step(
            f"d = √({neg(x2 - x1)}² + {neg(y2 - y1)}²) = {_root_text(total)}.",
            f"d = √({neg(x2 - x1)}² + {neg(y2 - y1)}²) = {_root_text(total)}。",
            f"sqrt({total}) = {ans}",
            kp,
        ),
    )
    en = f"What is the distance between A{_point(x1, y1)} and B{_point(x2, y2)}?"
    zh = f"求点A{_point(x1, y1)}和点B{_point(x2, y2)}之间的距离。"
    params = {"x1": x1, "y1": y1, "x2": x2, "y2": y2}
    if difficulty == 3:
        return Draft(en + _RADICAL_HINT, zh + _RADICAL_HINT_ZH, ans, steps, _RADICAL, params)
    return Draft(en, zh, ans, steps, AnswerPolicy(), params)


@generator(
    "distance_same_line",
    "geometry.distance_same_coordinate",
    also={"integers.absolute_value": 0.4},
)
def distance_same_line(difficulty: int, rng: random.Random) -> Draft:
    """Distance between two points sharing x or y: same side of the axis (1), opposite
    sides (2), both negative or bigger numbers (3).

    params: ``x1``, ``y1``, ``x2``, ``y2``.
    """
    kp = "geometry.distance_same_coordinate"
    size = (9, 15, 40)[difficulty - 1]
    fixed = pick_nonzero(rng, -size, size)
    if difficulty == 1:
        u, v = rng.sample(range(1, size + 1), 2)
    elif difficulty == 2:
        u, v = rng.randint(1, size), -rng.randint(1, size)
    else:
        u, v = (-w for w in rng.sample(range(1, size + 1), 2))
    dist = abs(u - v)
    if rng.random() < 0.5:
        x1, y1, x2, y2 = fixed, u, fixed, v
        shared, shared_zh = "x", "横"
    else:
        x1, y1, x2, y2 = u, fixed, v, fixed
        shared, shared_zh = "y", "纵"
    if (u > 0) == (v > 0):
        text = f"Same side of the axis: subtract the sizes: |{abs(u)} − {abs(v)}| = {dist}."
        zh = f"在坐标轴的同侧，用绝对值相减：|{abs(u)} − {abs(v)}| = {dist}。"
        claim = f"sqrt(({abs(u)} - {abs(v)})^2) = {dist}"
    else:
        text = f"Opposite sides of the axis: add the sizes: {abs(u)} + {abs(v)} = {dist}."
        zh = f"在坐标轴的两侧，绝对值相加：{abs(u)} + {abs(v)} = {dist}。"
        claim = f"{abs(u)} + {abs(v)} = {dist}"
    steps: tuple[Step, ...] = (
        step(
            f"The points share the {shared}-coordinate, so the distance is along one line.",
            f"两点的{shared_zh}坐标相同，它们在同一条与坐标轴垂直的直线上。",
            f"{fr(x1 if shared == 'x' else y1)} = {fr(x2 if shared == 'x' else y2)}",
            kp,
        ),
        step(text, zh, claim, "integers.absolute_value"),
    )
    return Draft(
        f"How far apart are the points {_point(x1, y1)} and {_point(x2, y2)}?",
        f"点{_point(x1, y1)}和点{_point(x2, y2)}之间的距离是多少？",
        str(dist),
        steps,
        AnswerPolicy(),
        {"x1": x1, "y1": y1, "x2": x2, "y2": y2},
    )


@generator(
    "midpoint_segment", "geometry.midpoint", also={"geometry.coordinate_four_quadrants": 0.3}
)
def midpoint_segment(difficulty: int, rng: random.Random) -> Draft:
    """Midpoint of a segment: positive whole-number answer (1), negatives and halves (2), the
    other endpoint from one endpoint and the midpoint (3). Answer as a point ``(x, y)``.

    params: ``x1``, ``y1`` and ``x2``, ``y2`` (1, 2) or ``mx``, ``my`` (3).
    """
    kp = "geometry.midpoint"
    if difficulty == 1:
        x1, y1 = rng.randint(0, 12), rng.randint(0, 12)
        x2, y2 = x1 + 2 * rng.randint(1, 6), y1 + 2 * rng.randint(-5, 6)
        y2 = abs(y2)
        if (y1 + y2) % 2:
            y2 += 1
    else:
        x1, y1, x2, y2 = (rng.randint(-12, 12) for _ in range(4))
        if (x1, y1) == (x2, y2):
            x2 += 3
    if difficulty < 3:
        mx, my = F(x1 + x2, 2), F(y1 + y2, 2)
        steps: tuple[Step, ...] = (
            step(
                f"Average the x-coordinates: ({x1} + {neg(x2)}) ÷ 2 = {fr(mx)}.",
                f"横坐标取平均：({x1} + {neg(x2)}) ÷ 2 = {fr(mx)}。",
                f"({x1} + {neg(x2)}) / 2 = {fr(mx)}",
                kp,
            ),
            step(
                f"Average the y-coordinates: ({y1} + {neg(y2)}) ÷ 2 = {fr(my)}.",
                f"纵坐标取平均：({y1} + {neg(y2)}) ÷ 2 = {fr(my)}。",
                f"({y1} + {neg(y2)}) / 2 = {fr(my)}",
                kp,
            ),
        )
        return Draft(
            f"What is the midpoint of the segment from {_point(x1, y1)} to {_point(x2, y2)}? "
            f"Write it as (x, y).",
            f"求以{_point(x1, y1)}和{_point(x2, y2)}为端点的线段的中点坐标，写成(x, y)的形式。",
            _point(mx, my),
            steps,
            AnswerPolicy(),
            {"x1": x1, "y1": y1, "x2": x2, "y2": y2},
        )
    cx, cy = x2, y2  # level 3: the drawn second point is the midpoint
    ex, ey = 2 * cx - x1, 2 * cy - y1
    steps = (
        step(
            f"The midpoint is halfway, so x = 2 × {neg(cx)} − {neg(x1)} = {ex}.",
            f"中点在正中间，所以 x = 2 × {neg(cx)} − {neg(x1)} = {ex}。",
            f"2 * {neg(cx)} - {neg(x1)} = {ex}",
            kp,
        ),
        step(
            f"y = 2 × {neg(cy)} − {neg(y1)} = {ey}.",
            f"y = 2 × {neg(cy)} − {neg(y1)} = {ey}。",
            f"2 * {neg(cy)} - {neg(y1)} = {ey}",
            kp,
        ),
    )
    return Draft(
        f"M{_point(cx, cy)} is the midpoint of segment AB, and A is {_point(x1, y1)}. "
        f"What are the coordinates of B? Write them as (x, y).",
        f"点M{_point(cx, cy)}是线段AB的中点，点A的坐标是{_point(x1, y1)}。"
        f"求点B的坐标，写成(x, y)的形式。",
        _point(ex, ey),
        steps,
        AnswerPolicy(),
        {"x1": x1, "y1": y1, "mx": cx, "my": cy},
    )


@generator(
    "transform_point",
    "geometry.transformations_coordinates",
    also={"geometry.coordinate_four_quadrants": 0.3},
)
def transform_point(difficulty: int, rng: random.Random) -> Draft:
    """Image of a point: a translation (1), a reflection in the x- or y-axis (2), a rotation
    of 90° (either way) or 180° about the origin (3).

    params: ``x``, ``y``, ``move`` (a description key) and ``dx``, ``dy`` for translations.
    """
    kp = "geometry.transformations_coordinates"
    x, y = pick_nonzero(rng, -9, 9), pick_nonzero(rng, -9, 9)
    params: dict[str, object] = {"x": x, "y": y}
    if difficulty == 1:
        dx, dy = pick_nonzero(rng, -6, 6), pick_nonzero(rng, -6, 6)
        nx, ny = x + dx, y + dy
        h = f"{count(abs(dx), 'unit')} {'right' if dx > 0 else 'left'}"
        v = f"{count(abs(dy), 'unit')} {'up' if dy > 0 else 'down'}"
        h_zh = f"向{'右' if dx > 0 else '左'}平移{abs(dx)}个单位"
        v_zh = f"向{'上' if dy > 0 else '下'}平移{abs(dy)}个单位"
        steps: tuple[Step, ...] = (
            step(
                f"x: {x} + {neg(dx)} = {nx}.",
                f"横坐标：{x} + {neg(dx)} = {nx}。",
                f"{x} + {neg(dx)} = {nx}",
                kp,
            ),
            step(
                f"y: {y} + {neg(dy)} = {ny}.",
                f"纵坐标：{y} + {neg(dy)} = {ny}。",
                f"{y} + {neg(dy)} = {ny}",
                kp,
            ),
        )
        en_move, zh_move = f"is moved {h} and {v}", f"先{h_zh}，再{v_zh}"
        params.update(move="translate", dx=dx, dy=dy)
    elif difficulty == 2:
        axis = rng.choice(("x", "y"))
        nx, ny = (x, -y) if axis == "x" else (-x, y)
        rule = "(x, y) → (x, −y)" if axis == "x" else "(x, y) → (−x, y)"
        steps = (
            step(
                f"Reflecting in the {axis}-axis: {rule}.",
                f"关于{axis}轴对称：{rule}。",
                f"{-y if axis == 'x' else -x} = -({y if axis == 'x' else x})",
                kp,
            ),
        )
        en_move = f"is reflected in the {axis}-axis"
        zh_move = f"作关于{axis}轴的轴对称变换"
        params.update(move=f"reflect_{axis}")
    else:
        turn = rng.choice(("ccw", "cw", "half"))
        if turn == "ccw":
            nx, ny = -y, x
            rule, en_move, zh_move = (
                "(x, y) → (−y, x)",
                "is rotated 90° anticlockwise about the origin",
                "绕原点逆时针旋转90°",
            )
        elif turn == "cw":
            nx, ny = y, -x
            rule, en_move, zh_move = (
                "(x, y) → (y, −x)",
                "is rotated 90° clockwise about the origin",
                "绕原点顺时针旋转90°",
            )
        else:
            nx, ny = -x, -y
            rule, en_move, zh_move = (
                "(x, y) → (−x, −y)",
                "is rotated 180° about the origin",
                "绕原点旋转180°",
            )
        steps = (
            step(
                f"The rule is {rule}: ({x}, {y}) → ({nx}, {ny}).",
                f"变换规律是 {rule}：({x}, {y}) → ({nx}, {ny})。",
                # the coordinate whose sign flips is the one a child gets wrong
                {"ccw": f"-({y}) = {nx}", "cw": f"-({x}) = {ny}"}.get(turn, f"-({x}) = {nx}"),
                kp,
            ),
        )
        params.update(move=f"rotate_{turn}")
    return Draft(
        f"The point P{_point(x, y)} {en_move}. Where does it end up? Write it as (x, y).",
        f"点P{_point(x, y)}{zh_move}，得到的点的坐标是多少？写成(x, y)的形式。",
        _point(nx, ny),
        steps,
        AnswerPolicy(),
        params,
    )


@generator(
    "dilate_point",
    "geometry.dilations_similarity",
    also={"geometry.transformations_coordinates": 0.3},
)
def dilate_point(difficulty: int, rng: random.Random) -> Draft:
    """Dilation about the origin: whole-number scale factor (1), a fraction such as 1/2 or
    2/3 (2), the scale factor from a point and its image (3).

    params: ``x``, ``y``, ``k`` (a string such as ``"2/3"``).
    """
    kp = "geometry.dilations_similarity"
    if difficulty == 1:
        k = F(rng.randint(2, 5))
    else:
        k = rng.choice((F(1, 2), F(1, 3), F(2, 3), F(3, 4), F(3, 2), F(5, 2)))
    x = k.denominator * pick_nonzero(rng, -8, 8)
    y = k.denominator * pick_nonzero(rng, -8, 8)
    nx, ny = k * x, k * y
    params = {"x": x, "y": y, "k": fr(k)}
    if difficulty < 3:
        steps: tuple[Step, ...] = (
            step(
                f"Multiply each coordinate by {fr(k)}: {x} × {fr(k)} = {fr(nx)}.",
                f"每个坐标都乘{fr(k)}：{x} × {fr(k)} = {fr(nx)}。",
                f"{neg(x)} * {fr(k)} = {fr(nx)}",
                kp,
            ),
            step(
                f"{y} × {fr(k)} = {fr(ny)}.",
                f"{y} × {fr(k)} = {fr(ny)}。",
                f"{neg(y)} * {fr(k)} = {fr(ny)}",
                kp,
            ),
        )
        return Draft(
            f"A dilation about the origin with scale factor {fr(k)} maps P{_point(x, y)} to P'. "
            f"What are the coordinates of P'? Write them as (x, y).",
            f"以原点为位似中心、相似比为{fr(k)}，把点P{_point(x, y)}变换到点P'。"
            f"求点P'的坐标，写成(x, y)的形式。",
            _point(nx, ny),
            steps,
            AnswerPolicy(),
            params,
        )
    steps = (
        step(
            f"Scale factor = image ÷ original: {fr(nx)} ÷ {neg(x)} = {fr(k)}.",
            f"相似比 = 像的坐标 ÷ 原坐标：{fr(nx)} ÷ {neg(x)} = {fr(k)}。",
            f"{fr(nx)} / {neg(x)} = {neg(ny)} / {neg(y)} = {fr(k)}",
            kp,
        ),
    )
    return Draft(
        f"A dilation about the origin maps P{_point(x, y)} to P'{_point(nx, ny)}. What is the "
        f"scale factor? Give a whole number or a fraction in lowest terms.",
        f"以原点为位似中心的位似变换把点P{_point(x, y)}变换到点P'{_point(nx, ny)}，"
        f"相似比是多少？（写成整数或最简分数）",
        fr(k),
        steps,
        SIMPLEST,
        params,
    )


@generator(
    "shadow_height",
    "geometry.similar_triangles_problems",
    also={"ratio.solve_proportions": 0.4, "geometry.angle_angle_similarity": 0.3},
)
def shadow_height(difficulty: int, rng: random.Random) -> Draft:
    """Similar triangles from shadows: a tree's height when it is a whole number of times
    the stick's (1), with a decimal stick and shadow (2), a shadow's length from heights (3).

    params: ``stick``, ``stick_shadow``, ``tree_shadow`` (1, 2) or ``tree`` (3), as decimal
    strings, in m.
    """
    kp = "geometry.similar_triangles_problems"
    if difficulty == 1:
        stick = F(rng.randint(1, 2))
        shadow = stick * rng.choice((F(1, 2), F(3, 2), F(2), F(3)))
    else:
        stick = rng.choice((F(6, 5), F(3, 2), F(8, 5), F(9, 5), F(2)))
        shadow = stick * rng.choice((F(1, 2), F(3, 4), F(5, 4), F(3, 2), F(2)))
    k = F(rng.randint(3, 12)) if difficulty < 3 else F(rng.randint(5, 20))
    tree, tree_shadow = stick * k, shadow * k
    if difficulty < 3:
        steps: tuple[Step, ...] = (
            step(
                f"Height ÷ shadow is the same for both: {dec(stick)} ÷ {dec(shadow)} = "
                f"tree ÷ {dec(tree_shadow)}.",
                f"同一时刻，物高与影长的比相等：{dec(stick)} ÷ {dec(shadow)} = 树高 ÷ "
                f"{dec(tree_shadow)}。",
                f"{dec(stick)} / {dec(shadow)} = {dec(tree)} / {dec(tree_shadow)}",
                "ratio.solve_proportions",
            ),
            step(
                f"Tree = {dec(tree_shadow)} × {dec(stick)} ÷ {dec(shadow)} = {dec(tree)}.",
                f"树高 = {dec(tree_shadow)} × {dec(stick)} ÷ {dec(shadow)} = {dec(tree)}。",
                f"{dec(tree_shadow)} * {dec(stick)} / {dec(shadow)} = {dec(tree)}",
                kp,
            ),
        )
        return Draft(
            f"At the same moment, {article(dec(stick))} {dec(stick)} m pole casts "
            f"{article(dec(shadow))} {dec(shadow)} m shadow and a tree casts "
            f"{article(dec(tree_shadow))} {dec(tree_shadow)} m shadow. How tall is the tree, in m?",
            f"同一时刻，一根{dec(stick)}米长的竹竿直立在地上，影长{dec(shadow)}米；"
            f"一棵树的影长是{dec(tree_shadow)}米。这棵树高多少米？",
            dec(tree),
            steps,
            units("m"),
            {"stick": dec(stick), "stick_shadow": dec(shadow), "tree_shadow": dec(tree_shadow)},
        )
    steps = (
        step(
            f"Shadow ÷ height is the same for both: {dec(shadow)} ÷ {dec(stick)} = "
            f"shadow ÷ {dec(tree)}.",
            f"同一时刻，影长与物高的比相等：{dec(shadow)} ÷ {dec(stick)} = 影长 ÷ {dec(tree)}。",
            f"{dec(shadow)} / {dec(stick)} = {dec(tree_shadow)} / {dec(tree)}",
            "ratio.solve_proportions",
        ),
        step(
            f"Shadow = {dec(tree)} × {dec(shadow)} ÷ {dec(stick)} = {dec(tree_shadow)}.",
            f"影长 = {dec(tree)} × {dec(shadow)} ÷ {dec(stick)} = {dec(tree_shadow)}。",
            f"{dec(tree)} * {dec(shadow)} / {dec(stick)} = {dec(tree_shadow)}",
            kp,
        ),
    )
    return Draft(
        f"At the same moment, {article(dec(stick))} {dec(stick)} m pole casts "
        f"{article(dec(shadow))} {dec(shadow)} m shadow. How long is the shadow of "
        f"{article(dec(tree))} {dec(tree)} m flagpole, in m?",
        f"同一时刻，一根{dec(stick)}米长的竹竿影长{dec(shadow)}米。一根高{dec(tree)}米的旗杆，"
        f"影长是多少米？",
        dec(tree_shadow),
        steps,
        units("m"),
        {"stick": dec(stick), "stick_shadow": dec(shadow), "tree": dec(tree)},
    )


_RATIO_NAMES = {
    "sin": ("opposite", "hypotenuse", "对边", "斜边"),
    "cos": ("adjacent", "hypotenuse", "邻边", "斜边"),
    "tan": ("opposite", "adjacent", "对边", "邻边"),
}


@generator("trig_ratio", "geometry.trig_ratios", also={"geometry.pythagorean_theorem": 0.4})
def trig_ratio(difficulty: int, rng: random.Random) -> Draft:
    """sin, cos or tan of angle A as a fraction in lowest terms: all three sides given (1),
    only the legs given (2), one ratio given and another asked (3).

    params: ``opposite``, ``adjacent``, ``hypotenuse``, ``ask``; ``given`` (3).
    """
    kp = "geometry.trig_ratios"
    a, b, c = _triple(rng, 2 if difficulty > 1 else 1)
    sides = {"opposite": a, "adjacent": b, "hypotenuse": c}
    ask = rng.choice(("sin", "cos", "tan"))
    top, bottom, top_zh, bottom_zh = _RATIO_NAMES[ask]
    value = F(sides[top], sides[bottom])
    params: dict[str, object] = {"opposite": a, "adjacent": b, "hypotenuse": c, "ask": ask}
    final = step(
        f"{ask} A = {top} ÷ {bottom} = {sides[top]}/{sides[bottom]} = {fr(value)}.",
        f"{ask} A = {top_zh} ÷ {bottom_zh} = {sides[top]}/{sides[bottom]} = {fr(value)}。",
        f"{sides[top]}/{sides[bottom]} = {fr(value)}",
        kp,
    )
    if difficulty == 1:
        return Draft(
            f"In right triangle ABC, angle C = 90°. The side opposite A is {a}, the side "
            f"adjacent to A is {b} and the hypotenuse is {c}. What is {ask} A? Give a fraction "
            f"in lowest terms.",
            f"在Rt△ABC中，∠C = 90°，∠A的对边是{a}，邻边是{b}，斜边是{c}。"
            f"求{ask} A的值（写成最简分数）。",
            fr(value),
            (final,),
            SIMPLEST,
            params,
        )
    hyp = step(
        f"Hypotenuse = √({a}² + {b}²) = {c}.",
        f"斜边 = √({a}² + {b}²) = {c}。",
        f"sqrt({a}^2 + {b}^2) = {c}",
        "geometry.pythagorean_theorem",
    )
    if difficulty == 2:
        return Draft(
            f"In right triangle ABC, angle C = 90°, BC = {a} and AC = {b}. What is {ask} A? "
            f"Give a fraction in lowest terms.",
            f"在Rt△ABC中，∠C = 90°，BC = {a}，AC = {b}。求{ask} A的值（写成最简分数）。",
            fr(value),
            (hyp, final),
            SIMPLEST,
            params,
        )
    given = rng.choice([r for r in ("sin", "cos", "tan") if r != ask])
    gt, gb, _, _ = _RATIO_NAMES[given]
    gval = F(sides[gt], sides[gb])
    params["given"] = given
    third = next(s for s in ("opposite", "adjacent", "hypotenuse") if s not in (gt, gb))
    # the given ratio fixes the triangle up to scale: work with the smallest whole sides
    base = math.gcd(math.gcd(a, b), c)
    scaled = {s: v // base for s, v in sides.items()}
    other = F(scaled[third])
    steps: tuple[Step, ...] = (
        step(
            f"{given} A = {fr(gval)}: take {gt} = {scaled[gt]} and {gb} = {scaled[gb]}.",
            f"{given} A = {fr(gval)}，设{_RATIO_NAMES[given][2]} = {scaled[gt]}，"
            f"{_RATIO_NAMES[given][3]} = {scaled[gb]}。",
            f"{scaled[gt]}/{scaled[gb]} = {fr(gval)}",
            kp,
        ),
        step(
            f"By Pythagoras the {third} is {fr(other)}.",
            f"由勾股定理，第三条边是{fr(other)}。",
            f"{scaled['opposite']}^2 + {scaled['adjacent']}^2 = {scaled['hypotenuse']}^2",
            "geometry.pythagorean_theorem",
        ),
        step(
            f"{ask} A = {top} ÷ {bottom} = {fr(value)}.",
            f"{ask} A = {top_zh} ÷ {bottom_zh} = {fr(value)}。",
            f"{scaled[top]}/{scaled[bottom]} = {fr(value)}",
            kp,
        ),
    )
    return Draft(
        f"A is an acute angle of a right triangle and {given} A = {fr(gval)}. What is {ask} A? "
        f"Give a fraction in lowest terms.",
        f"∠A是直角三角形的一个锐角，{given} A = {fr(gval)}。求{ask} A的值（写成最简分数）。",
        fr(value),
        steps,
        SIMPLEST,
        params,
    )


__all__ = [
    "BOXES",
    "DEGREES",
    "TRIPLES",
    "angle_equation",
    "angle_parts",
    "complement_supplement",
    "dilate_point",
    "distance_same_line",
    "distance_two_points",
    "exterior_angle",
    "hypotenuse",
    "intersecting_angles",
    "midpoint_segment",
    "missing_leg",
    "parallel_lines_angles",
    "pythagoras_word",
    "radical",
    "shadow_height",
    "transform_point",
    "triangle_third_angle",
    "triangle_third_side",
    "trig_ratio",
]
