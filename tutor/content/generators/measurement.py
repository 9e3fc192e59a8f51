"""Measurement: perimeter, area, volume, circles, time, money and unit conversion.

Answers are numbers (or multiples of π where the prompt asks for them); every item lists the
units a student may write after the number (``24 cm²``, ``45 min``, ``$12.50``, ``12元``).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from tutor.content.answers import UNIT_SETS, AnswerPolicy
from tutor.content.generators._util import F, article, count, dec, fr, step
from tutor.content.registry import Draft, Step, generator

#: Length units an item may use: (symbol, English word, Chinese word).
LENGTHS = (("cm", "cm", "厘米"), ("m", "m", "米"))
NAMES = (("Mia", "小红"), ("Leo", "小明"), ("Sara", "小丽"), ("Tom", "小刚"), ("Lily", "小芳"))
PI_314 = F(314, 100)


def units(symbol: str) -> AnswerPolicy:
    """The policy for a plain numeric answer in ``symbol`` (a key of ``UNIT_SETS``)."""
    return AnswerPolicy(units=UNIT_SETS[symbol])


def pi_policy(symbol: str, value_314: Fraction, coefficient: Fraction) -> AnswerPolicy:
    """Policy for an answer worked out with π ≈ 3.14.

    The tolerance also lets in the same value worked out with the π key (or written as a
    multiple of π), since that is just as right as the textbook's 3.14.
    """
    gap = abs(float(coefficient) * (math.pi - 3.14))
    return AnswerPolicy(tolerance=round(gap + 0.01, 3), units=UNIT_SETS[symbol])


def pi_text(coefficient: Fraction) -> str:
    """``12pi``, ``32pi/3``: a rational multiple of π in answer syntax."""
    if coefficient.denominator == 1:
        return f"{coefficient.numerator}pi"
    return f"{coefficient.numerator}pi/{coefficient.denominator}"


def pi_shown(coefficient: Fraction) -> str:
    """``12π``, ``32π/3``: the same for reading in a step."""
    return pi_text(coefficient).replace("pi", "π")


def _length(rng: random.Random) -> tuple[str, str]:
    """A length unit: (symbol, Chinese word)."""
    sym, _, zh = rng.choice(LENGTHS)
    return sym, zh


# --------------------------------------------------------------------------------------------
# Perimeter and area
# --------------------------------------------------------------------------------------------


@generator("perimeter_polygon", "measurement.perimeter", also={"measurement.ruler_measure": 0.3})
def perimeter_polygon(difficulty: int, rng: random.Random) -> Draft:
    """Perimeter of a rectangle (1), of a polygon with 3–6 given sides (2), or the width of a
    rectangle from its perimeter and length (3).

    params: ``unit``, and ``length``/``width`` (1, 3), ``sides`` (2), ``perimeter`` (3).
    """
    kp = "measurement.perimeter"
    unit, unit_zh = _length(rng)
    if difficulty == 1:
        length, width = rng.randint(3, 15), rng.randint(2, 12)
        per = 2 * (length + width)
        steps: tuple[Step, ...] = (
            step(
                f"A rectangle has two lengths and two widths: 2 × ({length} + {width}) = {per}.",
                f"长方形的周长 =（长 + 宽）× 2：({length} + {width}) × 2 = {per}。",
                f"2 * ({length} + {width}) = {per}",
                kp,
            ),
        )
        return Draft(
            f"A rectangle is {length} {unit} long and {width} {unit} wide. "
            f"What is its perimeter in {unit}?",
            f"一个长方形长{length}{unit_zh}，宽{width}{unit_zh}。它的周长是多少{unit_zh}？",
            str(per),
            steps,
            units(unit),
            {"unit": unit, "length": length, "width": width},
        )
    if difficulty == 2:
        count = rng.randint(3, 6)
        sides = [rng.randint(4, 40) for _ in range(count)]
        per = sum(sides)
        shape, shape_zh = {
            3: ("triangle", "三角形"),
            4: ("quadrilateral", "四边形"),
            5: ("pentagon", "五边形"),
            6: ("hexagon", "六边形"),
        }[count]
        listed = ", ".join(str(s) for s in sides)
        listed_zh = "、".join(str(s) for s in sides)
        total = " + ".join(str(s) for s in sides)
        steps = (
            step(
                f"Add all the sides: {total} = {per}.",
                f"把各边长度加起来：{total} = {per}。",
                f"{total.replace(' ', '')} = {per}",
                kp,
            ),
        )
        return Draft(
            f"A {shape} has sides {listed} {unit}. What is its perimeter in {unit}?",
            f"一个{shape_zh}的各边长分别是{listed_zh}{unit_zh}。它的周长是多少{unit_zh}？",
            str(per),
            steps,
            units(unit),
            {"unit": unit, "sides": sides},
        )
    length, width = rng.randint(8, 40), rng.randint(3, 30)
    per = 2 * (length + width)
    steps = (
        step(
            f"Half the perimeter is one length plus one width: {per} ÷ 2 = {per // 2}.",
            f"周长的一半是一条长加一条宽：{per} ÷ 2 = {per // 2}。",
            f"{per} / 2 = {per // 2}",
            kp,
        ),
        step(
            f"Take away the length: {per // 2} − {length} = {width}.",
            f"再减去长：{per // 2} − {length} = {width}。",
            f"{per // 2} - {length} = {width}",
            kp,
        ),
    )
    return Draft(
        f"A rectangle has a perimeter of {per} {unit} and a length of {length} {unit}. "
        f"How wide is it, in {unit}?",
        f"一个长方形的周长是{per}{unit_zh}，长是{length}{unit_zh}。宽是多少{unit_zh}？",
        str(width),
        steps,
        units(unit),
        {"unit": unit, "length": length, "perimeter": per},
    )


@generator(
    "rectangle_area", "measurement.area_rectangle", also={"measurement.area_unit_squares": 0.3}
)
def rectangle_area(difficulty: int, rng: random.Random) -> Draft:
    """Area of a rectangle: sides up to 10 (1), one side two-digit (2), both two-digit
    or a square (3).

    params: ``unit``, ``length``, ``width``.
    """
    kp = "measurement.area_rectangle"
    unit, unit_zh = _length(rng)
    if difficulty == 1:
        length, width = rng.randint(2, 10), rng.randint(2, 10)
    elif difficulty == 2:
        length, width = rng.randint(11, 30), rng.randint(3, 9)
    else:
        length = rng.randint(11, 40)
        width = length if rng.random() < 0.3 else rng.randint(11, 30)
    area = length * width
    square = length == width
    steps = (
        step(
            f"Area = length × width = {length} × {width} = {area}.",
            f"面积 = 长 × 宽 = {length} × {width} = {area}。",
            f"{length} * {width} = {area}",
            kp,
        ),
    )
    if square:
        en = f"A square has sides of {length} {unit}. What is its area in {unit}²?"
        zh = f"一个正方形的边长是{length}{unit_zh}。它的面积是多少平方{unit_zh}？"
    else:
        en = (
            f"A rectangle is {length} {unit} long and {width} {unit} wide. "
            f"What is its area in {unit}²?"
        )
        zh = f"一个长方形长{length}{unit_zh}，宽{width}{unit_zh}。它的面积是多少平方{unit_zh}？"
    return Draft(
        en,
        zh,
        str(area),
        steps,
        units(f"{unit}²"),
        {"unit": unit, "length": length, "width": width},
    )


@generator(
    "rectilinear_area", "measurement.area_rectilinear", also={"measurement.area_rectangle": 0.5}
)
def rectilinear_area(difficulty: int, rng: random.Random) -> Draft:
    """Area of an L-shape: two rectangles side by side (1), an outer rectangle with a corner cut
    out (2), a rectangular frame (3).

    params: ``unit`` and ``outer_length``, ``outer_width``, ``cut_length``, ``cut_width``
    (for level 1 the two rectangles are ``outer_*`` and ``cut_*``, added).
    """
    kp = "measurement.area_rectilinear"
    unit, unit_zh = _length(rng)
    big_l, big_w = rng.randint(6, 12 + 4 * difficulty), rng.randint(5, 10 + 3 * difficulty)
    cut_l, cut_w = rng.randint(2, big_l - 2), rng.randint(2, big_w - 2)
    params = {
        "unit": unit,
        "outer_length": big_l,
        "outer_width": big_w,
        "cut_length": cut_l,
        "cut_width": cut_w,
    }
    a1, a2 = big_l * big_w, cut_l * cut_w
    if difficulty == 1:
        area = a1 + a2
        steps = (
            step(
                f"First rectangle: {big_l} × {big_w} = {a1}.",
                f"第一个长方形：{big_l} × {big_w} = {a1}。",
                f"{big_l} * {big_w} = {a1}",
                "measurement.area_rectangle",
            ),
            step(
                f"Second rectangle: {cut_l} × {cut_w} = {a2}.",
                f"第二个长方形：{cut_l} × {cut_w} = {a2}。",
                f"{cut_l} * {cut_w} = {a2}",
                "measurement.area_rectangle",
            ),
            step(
                f"Add the parts: {a1} + {a2} = {area}.",
                f"把两部分加起来：{a1} + {a2} = {area}。",
                f"{a1} + {a2} = {area}",
                kp,
            ),
        )
        return Draft(
            f"A shape is made of {article(big_l)} {big_l} {unit} × {big_w} {unit} rectangle and "
            f"{article(cut_l)} {cut_l} {unit} × {cut_w} {unit} rectangle that do not overlap. "
            f"What is its area in {unit}²?",
            f"一个组合图形由一个长{big_l}{unit_zh}、宽{big_w}{unit_zh}的长方形和一个"
            f"长{cut_l}{unit_zh}、宽{cut_w}{unit_zh}的长方形拼成（不重叠）。"
            f"它的面积是多少平方{unit_zh}？",
            str(area),
            steps,
            units(f"{unit}²"),
            params,
        )
    area = a1 - a2
    steps = (
        step(
            f"Area of the whole rectangle: {big_l} × {big_w} = {a1}.",
            f"先算大长方形的面积：{big_l} × {big_w} = {a1}。",
            f"{big_l} * {big_w} = {a1}",
            "measurement.area_rectangle",
        ),
        step(
            f"Area of the part taken away: {cut_l} × {cut_w} = {a2}.",
            f"再算去掉部分的面积：{cut_l} × {cut_w} = {a2}。",
            f"{cut_l} * {cut_w} = {a2}",
            "measurement.area_rectangle",
        ),
        step(
            f"Subtract: {a1} − {a2} = {area}.",
            f"相减：{a1} − {a2} = {area}。",
            f"{a1} - {a2} = {area}",
            kp,
        ),
    )
    if difficulty == 2:
        en = (
            f"An L-shaped garden is {article(big_l)} {big_l} m × {big_w} m rectangle with "
            f"{article(cut_l)} {cut_l} m × {cut_w} m rectangle cut from one corner. What is its area in m²?"
        )
        zh = (
            f"一块L形菜地是从长{big_l}米、宽{big_w}米的长方形的一角去掉一个"
            f"长{cut_l}米、宽{cut_w}米的长方形后剩下的部分。它的面积是多少平方米？"
        )
        return Draft(en, zh, str(area), steps, units("m²"), {**params, "unit": "m"})
    en = (
        f"A picture frame is {article(big_l)} {big_l} {unit} × {big_w} {unit} rectangle with "
        f"{article(cut_l)} {cut_l} {unit} × {cut_w} {unit} rectangular hole in the middle. "
        f"What is the area of the frame in {unit}²?"
    )
    zh = (
        f"一个相框的外框是长{big_l}{unit_zh}、宽{big_w}{unit_zh}的长方形，中间挖去一个"
        f"长{cut_l}{unit_zh}、宽{cut_w}{unit_zh}的长方形。相框的面积是多少平方{unit_zh}？"
    )
    return Draft(en, zh, str(area), steps, units(f"{unit}²"), params)


@generator(
    "rectangle_missing_side",
    "measurement.area_perimeter_formulas",
    also={"measurement.perimeter": 0.4, "measurement.area_rectangle": 0.4},
)
def rectangle_missing_side(difficulty: int, rng: random.Random) -> Draft:
    """Width from area and length (1), width from perimeter and length (2), area from
    perimeter and length (3).

    params: ``unit``, ``length``, and ``area`` (1) or ``perimeter`` (2, 3).
    """
    kp = "measurement.area_perimeter_formulas"
    unit, unit_zh = _length(rng)
    length, width = rng.randint(5, 12 * difficulty + 6), rng.randint(2, 9 * difficulty + 3)
    if difficulty == 1:
        area = length * width
        steps: tuple[Step, ...] = (
            step(
                f"Width = area ÷ length = {area} ÷ {length} = {width}.",
                f"宽 = 面积 ÷ 长 = {area} ÷ {length} = {width}。",
                f"{area} / {length} = {width}",
                kp,
            ),
        )
        return Draft(
            f"A rectangle has an area of {area} {unit}² and a length of {length} {unit}. "
            f"What is its width in {unit}?",
            f"一个长方形的面积是{area}平方{unit_zh}，长是{length}{unit_zh}。宽是多少{unit_zh}？",
            str(width),
            steps,
            units(unit),
            {"unit": unit, "length": length, "area": area},
        )
    per = 2 * (length + width)
    half = (
        step(
            f"Length + width = half the perimeter = {per} ÷ 2 = {per // 2}.",
            f"长 + 宽 = 周长 ÷ 2 = {per} ÷ 2 = {per // 2}。",
            f"{per} / 2 = {per // 2}",
            "measurement.perimeter",
        ),
        step(
            f"Width = {per // 2} − {length} = {width}.",
            f"宽 = {per // 2} − {length} = {width}。",
            f"{per // 2} - {length} = {width}",
            kp,
        ),
    )
    if difficulty == 2:
        return Draft(
            f"A rectangular field has a perimeter of {per} {unit} and a length of "
            f"{length} {unit}. What is its width in {unit}?",
            f"一块长方形场地的周长是{per}{unit_zh}，长是{length}{unit_zh}。宽是多少{unit_zh}？",
            str(width),
            half,
            units(unit),
            {"unit": unit, "length": length, "perimeter": per},
        )
    area = length * width
    steps = (
        *half,
        step(
            f"Area = {length} × {width} = {area}.",
            f"面积 = {length} × {width} = {area}。",
            f"{length} * {width} = {area}",
            "measurement.area_rectangle",
        ),
    )
    return Draft(
        f"A rectangle has a perimeter of {per} {unit} and a length of {length} {unit}. "
        f"What is its area in {unit}²?",
        f"一个长方形的周长是{per}{unit_zh}，长是{length}{unit_zh}。它的面积是多少平方{unit_zh}？",
        str(area),
        steps,
        units(f"{unit}²"),
        {"unit": unit, "length": length, "perimeter": per},
    )


def _base_height_area(
    difficulty: int,
    rng: random.Random,
    *,
    kp: str,
    shape: str,
    shape_zh: str,
    halve: bool,
) -> Draft:
    """Area of a parallelogram (``halve`` False) or triangle (``halve`` True) from base and
    height (levels 1–2; level 2 with a slanted side given that is not needed), or the height
    from the area and base (level 3)."""
    unit, unit_zh = _length(rng)
    base, height = rng.randint(3, 8 * difficulty + 4), rng.randint(2, 6 * difficulty + 4)
    factor = F(1, 2) if halve else F(1)
    area = factor * base * height
    formula, formula_zh = (
        ("1/2 × base × height", "底 × 高 ÷ 2")
        if halve
        else (
            "base × height",
            "底 × 高",
        )
    )
    shown = f"1/2 × {base} × {height}" if halve else f"{base} × {height}"
    shown_zh = f"{base} × {height} ÷ 2" if halve else f"{base} × {height}"
    claim_area = (
        f"1/2 * {base} * {height} = {dec(area)}" if halve else f"{base} * {height} = {area}"
    )
    params: dict[str, object] = {"unit": unit, "base": base, "height": height}
    if difficulty < 3:
        slant = ""
        slant_zh = ""
        if difficulty == 2:
            side = height + rng.randint(1, 5)
            params["slant_side"] = side
            slant = f" Another side is {side} {unit} long."
            slant_zh = f"另一条边长{side}{unit_zh}。"
        steps = (
            step(
                f"Area = {formula} = {shown} = {dec(area)}.",
                f"面积 = {formula_zh} = {shown_zh} = {dec(area)}。",
                claim_area,
                kp,
            ),
        )
        return Draft(
            f"A {shape} has a base of {base} {unit} and a height of {height} {unit}.{slant} "
            f"What is its area in {unit}²?",
            f"一个{shape_zh}的底是{base}{unit_zh}，高是{height}{unit_zh}。{slant_zh}"
            f"它的面积是多少平方{unit_zh}？",
            dec(area),
            steps,
            units(f"{unit}²"),
            params,
        )
    params = {"unit": unit, "base": base, "area": dec(area)}
    steps = (
        step(
            f"From area = {formula}: height = area ÷ {'(1/2 × base)' if halve else 'base'}.",
            f"由面积 = {formula_zh}，得 高 = 面积{' × 2' if halve else ''} ÷ 底。",
            f"{dec(area)} / ({fr(factor)} * {base}) = {height}",
            kp,
        ),
    )
    return Draft(
        f"A {shape} has an area of {dec(area)} {unit}² and a base of {base} {unit}. "
        f"What is its height in {unit}?",
        f"一个{shape_zh}的面积是{dec(area)}平方{unit_zh}，底是{base}{unit_zh}。"
        f"它的高是多少{unit_zh}？",
        str(height),
        steps,
        units(unit),
        params,
    )


@generator(
    "parallelogram_area",
    "measurement.area_parallelogram",
    also={"measurement.area_rectangle": 0.4},
)
def parallelogram_area(difficulty: int, rng: random.Random) -> Draft:
    """Parallelogram area from base and height (1; 2 with an unneeded slanted side), height
    from area (3).

    params: ``unit``, ``base``, ``height`` (1, 2), ``slant_side`` (2), ``area`` (3).
    """
    return _base_height_area(
        difficulty,
        rng,
        kp="measurement.area_parallelogram",
        shape="parallelogram",
        shape_zh="平行四边形",
        halve=False,
    )


@generator(
    "triangle_area", "measurement.area_triangle", also={"measurement.area_parallelogram": 0.4}
)
def triangle_area(difficulty: int, rng: random.Random) -> Draft:
    """Triangle area = 1/2 × base × height (1; 2 with an unneeded slanted side), height from
    area (3). Halves appear as decimals (``7.5``).

    params: ``unit``, ``base``, ``height`` (1, 2), ``slant_side`` (2), ``area`` (3).
    """
    return _base_height_area(
        difficulty,
        rng,
        kp="measurement.area_triangle",
        shape="triangle",
        shape_zh="三角形",
        halve=True,
    )


@generator("trapezoid_area", "measurement.area_trapezoid", also={"measurement.area_triangle": 0.4})
def trapezoid_area(difficulty: int, rng: random.Random) -> Draft:
    """Trapezoid area (a + b) × h ÷ 2: small even sums (1), any sizes, halves as decimals (2),
    the height from the area (3).

    params: ``unit``, ``top``, ``bottom``, ``height`` (1, 2) or ``area`` (3).
    """
    kp = "measurement.area_trapezoid"
    unit, unit_zh = _length(rng)
    top = rng.randint(2, 6 * difficulty + 4)
    bottom = top + rng.randint(1, 5 * difficulty + 3)
    height = rng.randint(2, 5 * difficulty + 4)
    if difficulty == 1 and (top + bottom) % 2:
        bottom += 1
    area = F(top + bottom) * height / 2
    total = top + bottom
    if difficulty < 3:
        steps = (
            step(
                f"Add the parallel sides: {top} + {bottom} = {total}.",
                f"上底加下底：{top} + {bottom} = {total}。",
                f"{top} + {bottom} = {total}",
                kp,
            ),
            step(
                f"Multiply by the height and halve: {total} × {height} ÷ 2 = {dec(area)}.",
                f"乘高再除以2：{total} × {height} ÷ 2 = {dec(area)}。",
                f"{total} * {height} / 2 = {dec(area)}",
                kp,
            ),
        )
        return Draft(
            f"A trapezoid has parallel sides of {top} {unit} and {bottom} {unit} and a height "
            f"of {height} {unit}. What is its area in {unit}²?",
            f"一个梯形的上底是{top}{unit_zh}，下底是{bottom}{unit_zh}，高是{height}{unit_zh}。"
            f"它的面积是多少平方{unit_zh}？",
            dec(area),
            steps,
            units(f"{unit}²"),
            {"unit": unit, "top": top, "bottom": bottom, "height": height},
        )
    steps = (
        step(
            f"Double the area: {dec(area)} × 2 = {dec(area * 2)}.",
            f"面积乘2：{dec(area)} × 2 = {dec(area * 2)}。",
            f"{dec(area)} * 2 = {dec(area * 2)}",
            kp,
        ),
        step(
            f"Divide by the sum of the parallel sides ({total}): "
            f"{dec(area * 2)} ÷ {total} = {height}.",
            f"再除以上底与下底的和{total}：{dec(area * 2)} ÷ {total} = {height}。",
            f"{dec(area * 2)} / ({top} + {bottom}) = {height}",
            kp,
        ),
    )
    return Draft(
        f"A trapezoid has an area of {dec(area)} {unit}² and parallel sides of {top} {unit} "
        f"and {bottom} {unit}. What is its height in {unit}?",
        f"一个梯形的面积是{dec(area)}平方{unit_zh}，上底是{top}{unit_zh}，"
        f"下底是{bottom}{unit_zh}。它的高是多少{unit_zh}？",
        str(height),
        steps,
        units(unit),
        {"unit": unit, "top": top, "bottom": bottom, "area": dec(area)},
    )


# --------------------------------------------------------------------------------------------
# Volume
# --------------------------------------------------------------------------------------------


@generator(
    "prism_volume",
    "measurement.volume_rectangular_prism",
    also={"measurement.volume_unit_cubes": 0.4},
)
def prism_volume(difficulty: int, rng: random.Random) -> Draft:
    """Volume of a box l × w × h: edges up to 6 (1), up to 15 (2), or the height from the
    volume and the base (3).

    params: ``unit``, ``length``, ``width``, ``height`` (1, 2) or ``volume`` (3).
    """
    kp = "measurement.volume_rectangular_prism"
    unit, unit_zh = _length(rng)
    top = (6, 15, 20)[difficulty - 1]
    length, width, height = (rng.randint(2, top) for _ in range(3))
    base = length * width
    volume = base * height
    if difficulty < 3:
        steps = (
            step(
                f"Area of the base: {length} × {width} = {base}.",
                f"底面积：{length} × {width} = {base}。",
                f"{length} * {width} = {base}",
                "measurement.area_rectangle",
            ),
            step(
                f"Volume = base × height = {base} × {height} = {volume}.",
                f"体积 = 底面积 × 高 = {base} × {height} = {volume}。",
                f"{base} * {height} = {volume}",
                kp,
            ),
        )
        return Draft(
            f"A box is {length} {unit} long, {width} {unit} wide and {height} {unit} high. "
            f"What is its volume in {unit}³?",
            f"一个长方体长{length}{unit_zh}、宽{width}{unit_zh}、高{height}{unit_zh}。"
            f"它的体积是多少立方{unit_zh}？",
            str(volume),
            steps,
            units(f"{unit}³"),
            {"unit": unit, "length": length, "width": width, "height": height},
        )
    steps = (
        step(
            f"Area of the base: {length} × {width} = {base}.",
            f"底面积：{length} × {width} = {base}。",
            f"{length} * {width} = {base}",
            "measurement.area_rectangle",
        ),
        step(
            f"Height = volume ÷ base = {volume} ÷ {base} = {height}.",
            f"高 = 体积 ÷ 底面积 = {volume} ÷ {base} = {height}。",
            f"{volume} / {base} = {height}",
            kp,
        ),
    )
    return Draft(
        f"A box has a volume of {volume} {unit}³. Its base is {length} {unit} by {width} {unit}. "
        f"How high is it, in {unit}?",
        f"一个长方体的体积是{volume}立方{unit_zh}，底面长{length}{unit_zh}、宽{width}{unit_zh}。"
        f"它高多少{unit_zh}？",
        str(height),
        steps,
        units(unit),
        {"unit": unit, "length": length, "width": width, "volume": volume},
    )


# --------------------------------------------------------------------------------------------
# Circles and round solids
# --------------------------------------------------------------------------------------------

_USE_314 = " Use π ≈ 3.14."
_USE_314_ZH = "（π取3.14）"
_IN_PI = " Give your answer in terms of π."
_IN_PI_ZH = "（结果保留π）"


def _circle_draft(
    en: str,
    zh: str,
    coefficient: Fraction,
    steps_314: list[Step],
    steps_pi: list[Step],
    *,
    exact: bool,
    unit: str,
    params: dict[str, object],
) -> Draft:
    """A circle item answered with π ≈ 3.14 or, when ``exact``, in terms of π."""
    if exact:
        return Draft(
            en + _IN_PI,
            zh + _IN_PI_ZH,
            pi_text(coefficient),
            tuple(steps_pi),
            AnswerPolicy(units=UNIT_SETS[unit]),
            {**params, "pi": "exact"},
        )
    value = coefficient * PI_314
    return Draft(
        en + _USE_314,
        zh + _USE_314_ZH,
        dec(value),
        tuple(steps_314),
        pi_policy(unit, value, coefficient),
        {**params, "pi": "3.14"},
    )


@generator("circle_circumference", "measurement.circumference")
def circle_circumference(difficulty: int, rng: random.Random) -> Draft:
    """C = πd = 2πr: from the diameter (1), from the radius (2), the diameter from C (3).
    Levels 1 and 3 use π ≈ 3.14; level 2 asks for the answer in terms of π half the time.

    params: ``unit``, ``radius`` or ``diameter`` or ``circumference``, ``pi``.
    """
    kp = "measurement.circumference"
    unit, unit_zh = _length(rng)
    if difficulty == 1:
        d = rng.randint(2, 20)
        c = F(d)
        en = f"A circle has a diameter of {d} {unit}. What is its circumference in {unit}?"
        zh = f"一个圆的直径是{d}{unit_zh}，它的周长是多少{unit_zh}？"
        s314 = [
            step(
                f"C = πd ≈ 3.14 × {d} = {dec(c * PI_314)}.",
                f"C = πd ≈ 3.14 × {d} = {dec(c * PI_314)}。",
                f"3.14 * {d} = {dec(c * PI_314)}",
                kp,
            )
        ]
        return _circle_draft(
            en, zh, c, s314, [], exact=False, unit=unit, params={"unit": unit, "diameter": d}
        )
    if difficulty == 2:
        r = rng.randint(2, 25)
        c = F(2 * r)
        en = f"A circle has a radius of {r} {unit}. What is its circumference in {unit}?"
        zh = f"一个圆的半径是{r}{unit_zh}，它的周长是多少{unit_zh}？"
        s314 = [
            step(
                f"C = 2πr ≈ 2 × 3.14 × {r} = {dec(c * PI_314)}.",
                f"C = 2πr ≈ 2 × 3.14 × {r} = {dec(c * PI_314)}。",
                f"2 * 3.14 * {r} = {dec(c * PI_314)}",
                kp,
            )
        ]
        spi = [
            step(
                f"C = 2πr = 2 × π × {r} = {2 * r}π.",
                f"C = 2πr = 2 × π × {r} = {2 * r}π。",
                f"2 * pi * {r} = {2 * r}pi",
                kp,
            )
        ]
        return _circle_draft(
            en,
            zh,
            c,
            s314,
            spi,
            exact=rng.random() < 0.5,
            unit=unit,
            params={"unit": unit, "radius": r},
        )
    d = rng.randint(3, 40)
    c = F(d) * PI_314
    steps = (
        step(
            f"C = πd, so d = C ÷ π ≈ {dec(c)} ÷ 3.14 = {d}.",
            f"因为 C = πd，所以 d = C ÷ π ≈ {dec(c)} ÷ 3.14 = {d}。",
            f"{dec(c)} / 3.14 = {d}",
            kp,
        ),
    )
    return Draft(
        f"A round table has a circumference of {dec(c)} {unit}. What is its diameter in "
        f"{unit}?{_USE_314}",
        f"一张圆桌桌面的周长是{dec(c)}{unit_zh}，它的直径是多少{unit_zh}？{_USE_314_ZH}",
        str(d),
        steps,
        AnswerPolicy(tolerance=0.05, units=UNIT_SETS[unit]),
        {"unit": unit, "circumference": dec(c), "pi": "3.14"},
    )


@generator("circle_area", "measurement.circle_area", also={"measurement.circumference": 0.3})
def circle_area(difficulty: int, rng: random.Random) -> Draft:
    """A = πr²: from the radius with π ≈ 3.14 (1), from the diameter in terms of π (2), from
    the circumference given as a multiple of π, in terms of π (3).

    params: ``unit``, ``radius`` / ``diameter`` / ``circumference`` (as ``"10pi"``), ``pi``.
    """
    kp = "measurement.circle_area"
    unit, unit_zh = _length(rng)
    area_unit = f"{unit}²"
    if difficulty == 1:
        r = rng.randint(1, 12)
        coef = F(r * r)
        en = f"A circle has a radius of {r} {unit}. What is its area in {unit}²?"
        zh = f"一个圆的半径是{r}{unit_zh}，它的面积是多少平方{unit_zh}？"
        s314 = [
            step(
                f"A = πr² ≈ 3.14 × {r}² = 3.14 × {r * r} = {dec(coef * PI_314)}.",
                f"S = πr² ≈ 3.14 × {r}² = 3.14 × {r * r} = {dec(coef * PI_314)}。",
                f"3.14 * {r}^2 = 3.14 * {r * r} = {dec(coef * PI_314)}",
                kp,
            )
        ]
        return _circle_draft(
            en, zh, coef, s314, [], exact=False, unit=area_unit, params={"unit": unit, "radius": r}
        )
    if difficulty == 2:
        d = 2 * rng.randint(2, 20)
        r = d // 2
        en = f"A circle has a diameter of {d} {unit}. What is its area in {unit}²?"
        zh = f"一个圆的直径是{d}{unit_zh}，它的面积是多少平方{unit_zh}？"
        spi = [
            step(
                f"The radius is half the diameter: {d} ÷ 2 = {r}.",
                f"半径是直径的一半：{d} ÷ 2 = {r}。",
                f"{d} / 2 = {r}",
                "measurement.circumference",
            ),
            step(
                f"A = πr² = π × {r}² = {r * r}π.",
                f"S = πr² = π × {r}² = {r * r}π。",
                f"pi * {r}^2 = {r * r}pi",
                kp,
            ),
        ]
        return _circle_draft(
            en,
            zh,
            F(r * r),
            [],
            spi,
            exact=True,
            unit=area_unit,
            params={"unit": unit, "diameter": d},
        )
    r = rng.randint(2, 30)
    en = f"A circle has a circumference of {2 * r}π {unit}. What is its area in {unit}²?"
    zh = f"一个圆的周长是{2 * r}π{unit_zh}，它的面积是多少平方{unit_zh}？"
    spi = [
        step(
            f"C = 2πr, so r = {2 * r}π ÷ 2π = {r}.",
            f"C = 2πr，所以 r = {2 * r}π ÷ 2π = {r}。",
            f"{2 * r}pi / (2pi) = {r}",
            "measurement.circumference",
        ),
        step(
            f"A = πr² = π × {r}² = {r * r}π.",
            f"S = πr² = π × {r}² = {r * r}π。",
            f"pi * {r}^2 = {r * r}pi",
            kp,
        ),
    ]
    return _circle_draft(
        en,
        zh,
        F(r * r),
        [],
        spi,
        exact=True,
        unit=area_unit,
        params={"unit": unit, "circumference": f"{2 * r}pi"},
    )


@generator("cylinder_volume", "measurement.volume_cylinder", also={"measurement.circle_area": 0.4})
def cylinder_volume(difficulty: int, rng: random.Random) -> Draft:
    """V = πr²h: in terms of π (1), with π ≈ 3.14 (2), from the diameter with π ≈ 3.14 (3).

    params: ``unit``, ``radius`` or ``diameter``, ``height``, ``pi``.
    """
    kp = "measurement.volume_cylinder"
    unit, unit_zh = _length(rng)
    r = rng.randint(1, 4 + 3 * difficulty)
    h = rng.randint(2, 6 + 4 * difficulty)
    coef = F(r * r * h)
    params: dict[str, object] = {"unit": unit, "radius": r, "height": h}
    given, given_zh = f"a radius of {r} {unit}", f"底面半径是{r}{unit_zh}"
    first: list[Step] = []
    if difficulty == 3:
        params = {"unit": unit, "diameter": 2 * r, "height": h}
        given, given_zh = f"a diameter of {2 * r} {unit}", f"底面直径是{2 * r}{unit_zh}"
        first = [
            step(
                f"The radius is {2 * r} ÷ 2 = {r}.",
                f"底面半径是 {2 * r} ÷ 2 = {r}。",
                f"{2 * r} / 2 = {r}",
                "measurement.circumference",
            )
        ]
    en = f"A cylinder has {given} and a height of {h} {unit}. What is its volume in {unit}³?"
    zh = f"一个圆柱{given_zh}，高是{h}{unit_zh}。它的体积是多少立方{unit_zh}？"
    base = [
        step(
            f"Base area = πr² = π × {r}² = {r * r}π.",
            f"底面积 = πr² = π × {r}² = {r * r}π。",
            f"pi * {r}^2 = {r * r}pi",
            "measurement.circle_area",
        )
    ]
    spi = [
        *first,
        *base,
        step(
            f"V = base × height = {r * r}π × {h} = {r * r * h}π.",
            f"V = 底面积 × 高 = {r * r}π × {h} = {r * r * h}π。",
            f"{r * r}pi * {h} = {r * r * h}pi",
            kp,
        ),
    ]
    value = coef * PI_314
    s314 = [
        *first,
        step(
            f"V = πr²h ≈ 3.14 × {r}² × {h} = {dec(value)}.",
            f"V = πr²h ≈ 3.14 × {r}² × {h} = {dec(value)}。",
            f"3.14 * {r}^2 * {h} = {dec(value)}",
            kp,
        ),
    ]
    return _circle_draft(
        en, zh, coef, s314, spi, exact=difficulty == 1, unit=f"{unit}³", params=params
    )


@generator("cone_volume", "measurement.volume_cone", also={"measurement.volume_cylinder": 0.4})
def cone_volume(difficulty: int, rng: random.Random) -> Draft:
    """V = 1/3 πr²h in terms of π: height a multiple of 3 (1), any sizes so the answer may be
    a fraction of π (2), from the diameter (3).

    params: ``unit``, ``radius`` or ``diameter``, ``height``, ``pi``.
    """
    kp = "measurement.volume_cone"
    unit, unit_zh = _length(rng)
    r = rng.randint(1, 3 + 3 * difficulty)
    h = 3 * rng.randint(1, 5) if difficulty == 1 else rng.randint(2, 8 + 4 * difficulty)
    coef = F(r * r * h, 3)
    params: dict[str, object] = {"unit": unit, "radius": r, "height": h}
    given, given_zh = f"a base radius of {r} {unit}", f"底面半径是{r}{unit_zh}"
    first: list[Step] = []
    if difficulty == 3:
        params = {"unit": unit, "diameter": 2 * r, "height": h}
        given, given_zh = f"a base diameter of {2 * r} {unit}", f"底面直径是{2 * r}{unit_zh}"
        first = [
            step(
                f"The radius is {2 * r} ÷ 2 = {r}.",
                f"底面半径是 {2 * r} ÷ 2 = {r}。",
                f"{2 * r} / 2 = {r}",
                "measurement.circumference",
            )
        ]
    en = f"A cone has {given} and a height of {h} {unit}. What is its volume in {unit}³?"
    zh = f"一个圆锥{given_zh}，高是{h}{unit_zh}。它的体积是多少立方{unit_zh}？"
    spi = [
        *first,
        step(
            f"A cylinder with the same base and height: π × {r}² × {h} = {r * r * h}π.",
            f"等底等高的圆柱体积：π × {r}² × {h} = {r * r * h}π。",
            f"pi * {r}^2 * {h} = {r * r * h}pi",
            "measurement.volume_cylinder",
        ),
        step(
            f"The cone is one third of it: {r * r * h}π ÷ 3 = {pi_shown(coef)}.",
            f"圆锥的体积是它的三分之一：{r * r * h}π ÷ 3 = {pi_shown(coef)}。",
            f"{r * r * h}pi / 3 = {pi_text(coef)}",
            kp,
        ),
    ]
    return _circle_draft(en, zh, coef, [], spi, exact=True, unit=f"{unit}³", params=params)


@generator("sphere_volume", "measurement.volume_sphere", also={"measurement.volume_cylinder": 0.3})
def sphere_volume(difficulty: int, rng: random.Random) -> Draft:
    """V = 4/3 πr³ in terms of π: radius a multiple of 3 (1), any radius (2), half a sphere
    from the diameter (3).

    params: ``unit``, ``radius`` or ``diameter``, ``pi``, ``hemisphere`` (3).
    """
    kp = "measurement.volume_sphere"
    unit, unit_zh = _length(rng)
    r = 3 * rng.randint(1, 10) if difficulty == 1 else rng.randint(1, 12)
    coef = F(4 * r**3, 3)
    cube = [
        step(
            f"r³ = {r}³ = {r**3}.",
            f"r³ = {r}³ = {r**3}。",
            f"{r}^3 = {r**3}",
            "exponents.squares_cubes",
        )
    ]
    whole = step(
        f"V = 4/3 × π × {r**3} = {pi_shown(coef)}.",
        f"V = 4/3 × π × {r**3} = {pi_shown(coef)}。",
        f"4/3 * pi * {r**3} = {pi_text(coef)}",
        kp,
    )
    if difficulty < 3:
        return _circle_draft(
            f"A ball has a radius of {r} {unit}. What is its volume in {unit}³?",
            f"一个球的半径是{r}{unit_zh}，它的体积是多少立方{unit_zh}？",
            coef,
            [],
            [*cube, whole],
            exact=True,
            unit=f"{unit}³",
            params={"unit": unit, "radius": r},
        )
    half = coef / 2
    spi = [
        step(
            f"The radius is {2 * r} ÷ 2 = {r}.",
            f"半径是 {2 * r} ÷ 2 = {r}。",
            f"{2 * r} / 2 = {r}",
            "measurement.circumference",
        ),
        *cube,
        whole,
        step(
            f"Half of it: {pi_shown(coef)} ÷ 2 = {pi_shown(half)}.",
            f"半球是它的一半：{pi_shown(coef)} ÷ 2 = {pi_shown(half)}。",
            f"{pi_text(coef)} / 2 = {pi_text(half)}",
            kp,
        ),
    ]
    return _circle_draft(
        f"A bowl is half of a sphere with a diameter of {2 * r} {unit}. "
        f"What is the volume of the half sphere in {unit}³?",
        f"一个碗是直径为{2 * r}{unit_zh}的球的一半。这个半球的体积是多少立方{unit_zh}？",
        half,
        [],
        spi,
        exact=True,
        unit=f"{unit}³",
        params={"unit": unit, "diameter": 2 * r, "hemisphere": True},
    )


# --------------------------------------------------------------------------------------------
# Time, money and units
# --------------------------------------------------------------------------------------------


def _clock(minutes: int) -> str:
    """Minutes after midnight as a 12-hour clock time: ``9:05 a.m.``."""
    hour, minute = divmod(minutes % (24 * 60), 60)
    half = "a.m." if hour < 12 else "p.m."
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {half}"


def _clock_zh(minutes: int) -> str:
    """The same time as Chinese pupils write it: ``上午9:05``, ``下午2:30``."""
    hour, minute = divmod(minutes % (24 * 60), 60)
    part = "上午" if hour < 12 else ("中午" if hour == 12 else "下午")
    return f"{part}{(hour - 1) % 12 + 1}:{minute:02d}"


_ACTIVITIES = (
    ("swimming lesson", "游泳课"),
    ("football match", "足球赛"),
    ("film", "电影"),
    ("train ride", "火车旅程"),
    ("piano practice", "钢琴练习"),
)


@generator(
    "elapsed_minutes", "measurement.elapsed_time", also={"measurement.time_five_minutes": 0.4}
)
def elapsed_minutes(difficulty: int, rng: random.Random) -> Draft:
    """How many minutes pass between two clock times: within one hour (1), across one hour
    mark (2), across several hours and noon (3).

    params: ``start`` and ``end`` (minutes after midnight), ``activity``, ``name``.
    """
    kp = "measurement.elapsed_time"
    name, name_zh = rng.choice(NAMES)
    activity, activity_zh = rng.choice(_ACTIVITIES)
    if difficulty == 1:
        hour = rng.randint(8, 17)
        a, b = sorted(rng.sample(range(0, 60, 5), 2))
        start, end = hour * 60 + a, hour * 60 + b
    elif difficulty == 2:
        hour = rng.randint(7, 17)
        start = hour * 60 + rng.randint(20, 58)
        end = (hour + 1) * 60 + rng.randint(1, 50)
    else:
        start = rng.randint(9, 11) * 60 + rng.randint(1, 59)
        end = rng.randint(12, 16) * 60 + rng.randint(0, 59)
    elapsed = end - start
    to_hour = (start // 60 + 1) * 60
    if end <= to_hour:
        steps: tuple[Step, ...] = (
            step(
                f"Within the same hour, subtract the minutes: {end % 60} − {start % 60} = "
                f"{count(elapsed, 'minute')}.",
                f"从{start % 60}分到{end % 60}分，经过了{elapsed}分钟。",
                f"{end % 60} - {start % 60} = {elapsed}",
                kp,
            ),
        )
    else:
        first = to_hour - start
        hours, rest = divmod(end - to_hour, 60)
        steps = (
            step(
                f"From {_clock(start)} to the next hour, {_clock(to_hour)}: 60 − {start % 60} = "
                f"{count(first, 'minute')}.",
                f"从{_clock_zh(start)}到整时{_clock_zh(to_hour)}：60 − {start % 60} = {first}分钟。",
                f"60 - {start % 60} = {first}",
                kp,
            ),
            step(
                f"From {_clock(to_hour)} to {_clock(end)}: {hours} h {rest} min = "
                f"{count(hours * 60 + rest, 'minute')}.",
                f"从{_clock_zh(to_hour)}到{_clock_zh(end)}：{hours}小时{rest}分 = "
                f"{hours * 60 + rest}分钟。",
                f"{hours} * 60 + {rest} = {hours * 60 + rest}",
                "measurement.unit_conversion",
            ),
            step(
                f"Add: {first} + {hours * 60 + rest} = {count(elapsed, 'minute')}.",
                f"合起来：{first} + {hours * 60 + rest} = {elapsed}分钟。",
                f"{first} + {hours * 60 + rest} = {elapsed}",
                kp,
            ),
        )
    return Draft(
        f"{name}'s {activity} starts at {_clock(start)} and ends at {_clock(end)}; "
        f"how many minutes does it last?",
        f"{name_zh}的{activity_zh}从{_clock_zh(start)}开始，到{_clock_zh(end)}结束。"
        f"一共经过了多少分钟？",
        str(elapsed),
        steps,
        units("min"),
        {"start": start, "end": end, "activity": activity, "name": name},
    )


_BILLS = (20, 10, 5, 1)
_COINS = (F(1, 2), F(1, 10))
_MONEY_WORDS = {
    F(20): ("twenty-dollar bill", "20元的纸币"),
    F(10): ("ten-dollar bill", "10元的纸币"),
    F(5): ("five-dollar bill", "5元的纸币"),
    F(1): ("one-dollar coin", "1元的硬币"),
    F(1, 2): ("half-dollar coin", "5角的硬币"),
    F(1, 10): ("dime", "1角的硬币"),
}
_SHOP = (
    ("a book", "一本书"),
    ("a toy car", "一辆玩具车"),
    ("a lunch box", "一个饭盒"),
    ("a kite", "一只风筝"),
    ("a schoolbag", "一个书包"),
)


@generator("money_total", "measurement.money", also={"decimals.add": 0.3})
def money_total(difficulty: int, rng: random.Random) -> Draft:
    """Total of bills (1), of bills and coins with a decimal total (2), or the change from
    paying for two things with a bill (3). Amounts are in dollars (en) and 元 (zh); both
    units are accepted.

    params: ``counts`` (value → how many, values as strings) for 1–2; ``prices`` and
    ``paid`` for 3.
    """
    kp = "measurement.money"
    policy = AnswerPolicy(units=UNIT_SETS["$"] + UNIT_SETS["元"])
    if difficulty < 3:
        bills = [F(v) for v in _BILLS]
        kinds = bills if difficulty == 1 else [*rng.sample(bills, 2), *_COINS]
        chosen = sorted(rng.sample(kinds, 3 if difficulty == 1 else 4), reverse=True)
        counts = [(v, rng.randint(1, 5)) for v in chosen]
        total = sum((v * c for v, c in counts), F(0))
        parts = [f"{c} {_MONEY_WORDS[v][0]}{'s' if c > 1 else ''}" for v, c in counts]
        parts_zh = [
            f"{c}张{_MONEY_WORDS[v][1]}" if v >= 5 else f"{c}枚{_MONEY_WORDS[v][1]}"
            for v, c in counts
        ]
        products = " + ".join(f"{dec(v)} * {c}" for v, c in counts)
        shown = " + ".join(f"{dec(v)} × {c}" for v, c in counts)
        steps: tuple[Step, ...] = (
            step(
                f"Value of each kind times how many, then add: {shown} = {dec(total)}.",
                f"每种面值乘张（枚）数，再相加：{shown} = {dec(total)}。",
                f"{products} = {dec(total)}",
                kp,
            ),
        )
        return Draft(
            f"Leo has {', '.join(parts[:-1])} and {parts[-1]}. How many dollars does he have?",
            f"小明有{'、'.join(parts_zh)}。他一共有多少元？",
            dec(total),
            steps,
            policy,
            {"counts": {fr(v): c for v, c in counts}},
        )
    (a, a_zh), (b, b_zh) = rng.sample(_SHOP, 2)
    price_a = F(rng.randint(15, 150), 10)
    price_b = F(rng.randint(15, 150), 10)
    spent = price_a + price_b
    paid = next(bill for bill in (20, 50, 100) if bill >= spent)
    change = paid - spent
    steps = (
        step(
            f"Cost of both: {dec(price_a)} + {dec(price_b)} = {dec(spent)}.",
            f"两样东西一共：{dec(price_a)} + {dec(price_b)} = {dec(spent)}（元）。",
            f"{dec(price_a)} + {dec(price_b)} = {dec(spent)}",
            "decimals.add",
        ),
        step(
            f"Change: {paid} − {dec(spent)} = {dec(change)}.",
            f"应找回：{paid} − {dec(spent)} = {dec(change)}（元）。",
            f"{paid} - {dec(spent)} = {dec(change)}",
            kp,
        ),
    )
    return Draft(
        f"Mia buys {a} for ${float(price_a):.2f} and {b} for ${float(price_b):.2f}. She pays with a "
        f"${paid} bill. How much change, in dollars, should she get?",
        f"小红买{a_zh}用了{dec(price_a)}元，买{b_zh}用了{dec(price_b)}元。她付了{paid}元，"
        f"应找回多少元？",
        dec(change),
        steps,
        policy,
        {"prices": [dec(price_a), dec(price_b)], "paid": paid},
    )


# (big unit, small unit, factor, big zh, small zh, what is measured en, zh)
_CONVERSIONS = (
    ("km", "m", 1000, "千米", "米"),
    ("m", "cm", 100, "米", "厘米"),
    ("cm", "mm", 10, "厘米", "毫米"),
    ("kg", "g", 1000, "千克", "克"),
    ("L", "mL", 1000, "升", "毫升"),
    ("h", "min", 60, "小时", "分钟"),
    ("min", "s", 60, "分钟", "秒"),
)


_WORDS = {
    "km": "kilometers",
    "m": "meters",
    "cm": "centimeters",
    "mm": "millimeters",
    "kg": "kilograms",
    "g": "grams",
    "L": "liters",
    "mL": "milliliters",
    "h": "hours",
    "min": "minutes",
    "s": "seconds",
}


@generator("unit_convert", "measurement.unit_conversion", also={"mult_div.multiply_by_tens": 0.3})
def unit_convert(difficulty: int, rng: random.Random) -> Draft:
    """Larger unit to smaller: one unit (1), a mixed measure such as 3 m 45 cm (2), a mixed
    measure with bigger numbers and a zero to watch, such as 4 km 75 m (3).

    params: ``big``, ``small`` (unit symbols), ``factor``, ``big_amount``, ``small_amount``.
    """
    kp = "measurement.unit_conversion"
    big, small, factor, big_zh, small_zh = rng.choice(_CONVERSIONS)
    amount = rng.randint(2, (9, 12, 40)[difficulty - 1])
    extra = 0
    if difficulty == 2:
        extra = rng.randint(1, factor - 1)
    elif difficulty == 3:
        extra = rng.randint(1, min(99, factor - 1)) if factor > 10 else rng.randint(1, 9)
    converted = amount * factor
    total = converted + extra
    steps = [
        step(
            f"1 {big} = {factor} {small}, so {amount} {big} = {amount} × {factor} = "
            f"{converted} {small}.",
            f"1{big_zh} = {factor}{small_zh}，所以{amount}{big_zh} = {amount} × {factor} = "
            f"{converted}{small_zh}。",
            f"{amount} * {factor} = {converted}",
            kp,
        )
    ]
    en_q = f"{amount} {big}"
    zh_q = f"{amount}{big_zh}"
    if extra:
        steps.append(
            step(
                f"Add the {extra} {small}: {converted} + {extra} = {total}.",
                f"再加上{extra}{small_zh}：{converted} + {extra} = {total}。",
                f"{converted} + {extra} = {total}",
                kp,
            )
        )
        en_q += f" {extra} {small}"
        zh_q += f"{extra}{small_zh}"
    return Draft(
        f"How many {_WORDS[small]} are in {en_q}?",
        f"{zh_q} = （ ）{small_zh}",
        str(total),
        tuple(steps),
        units(small),
        {
            "big": big,
            "small": small,
            "factor": factor,
            "big_amount": amount,
            "small_amount": extra,
        },
    )


@generator(
    "metric_decimal_convert",
    "measurement.convert_metric_decimals",
    also={"measurement.unit_conversion": 0.5, "decimals.multiply_divide_powers_of_ten": 0.4},
)
def metric_decimal_convert(difficulty: int, rng: random.Random) -> Draft:
    """Metric conversions with decimals: small to large, e.g. 250 cm = 2.5 m (1); large to
    small from a decimal, e.g. 3.75 kg = 3750 g (2); across two steps, e.g. mm to m or
    g to kg with three decimal places (3).

    params: ``from_unit``, ``to_unit``, ``amount`` (a decimal string), ``factor``.
    """
    kp = "measurement.convert_metric_decimals"
    metric = [c for c in _CONVERSIONS if c[2] in (10, 100, 1000)]
    if difficulty == 3:
        metric = [
            ("m", "mm", 1000, "米", "毫米"),
            ("km", "cm", 100000, "千米", "厘米"),
            ("kg", "g", 1000, "千克", "克"),
            ("L", "mL", 1000, "升", "毫升"),
        ]
    big, small, factor, big_zh, small_zh = rng.choice(metric)
    if difficulty == 2:
        big_amount = F(rng.randint(11, 999), rng.choice((10, 100)))
        small_amount = big_amount * factor
        amount, result = big_amount, small_amount
        src, dst, src_zh, dst_zh = big, small, big_zh, small_zh
        claim = f"{dec(amount)} * {factor} = {dec(result)}"
        how = f"multiply by {factor}"
        how_zh = f"乘{factor}"
    else:
        small_amount = F(rng.randint(1, 9999 if difficulty == 3 else 999))
        if difficulty == 1 and small_amount % 10 == 0:
            small_amount += rng.randint(1, 9)
        amount, result = small_amount, small_amount / factor
        src, dst, src_zh, dst_zh = small, big, small_zh, big_zh
        claim = f"{dec(amount)} / {factor} = {dec(result)}"
        how = f"divide by {factor}"
        how_zh = f"除以{factor}"
    steps = (
        step(
            f"1 {big} = {factor} {small}, so {how}: {dec(amount)} → {dec(result)}.",
            f"1{big_zh} = {factor}{small_zh}，所以{how_zh}：{dec(amount)} → {dec(result)}。",
            claim,
            kp,
        ),
    )
    return Draft(
        f"Convert {dec(amount)} {src} to {dst}. Write the answer as a decimal if needed.",
        f"{dec(amount)}{src_zh} = （ ）{dst_zh}",
        dec(result),
        steps,
        units(dst),
        {"from_unit": src, "to_unit": dst, "amount": dec(amount), "factor": factor},
    )


@generator(
    "speed_units",
    "measurement.unit_analysis",
    also={"measurement.convert_metric_decimals": 0.3, "ratio.unit_rate": 0.3},
)
def speed_units(difficulty: int, rng: random.Random) -> Draft:
    """Compound units: km/h to m/s (1), m/s to km/h (2), a distance in km and a time in
    minutes to a speed in km/h (3).

    params: ``kmh`` and ``ms`` (1, 2); ``km`` and ``minutes`` (3).
    """
    kp = "measurement.unit_analysis"
    if difficulty < 3:
        ms = rng.randint(2, 40)
        kmh = F(ms * 18, 5)
        if difficulty == 1:
            ms = rng.randint(1, 12) * 5
            kmh = F(ms * 18, 5)
            steps = (
                step(
                    f"{dec(kmh)} km/h is {dec(kmh)} × 1000 m in 3600 s.",
                    f"{dec(kmh)}千米/时就是3600秒行{dec(kmh)} × 1000米。",
                    f"{dec(kmh)} * 1000 = {dec(kmh * 1000)}",
                    kp,
                ),
                step(
                    f"Per second: {dec(kmh * 1000)} ÷ 3600 = {ms}.",
                    f"每秒：{dec(kmh * 1000)} ÷ 3600 = {ms}（米）。",
                    f"{dec(kmh * 1000)} / 3600 = {ms}",
                    kp,
                ),
            )
            return Draft(
                f"A car travels at {dec(kmh)} km/h. What is this speed in m/s?",
                f"一辆汽车的速度是{dec(kmh)}千米/时，合多少米/秒？",
                str(ms),
                steps,
                units("m/s"),
                {"kmh": dec(kmh), "ms": ms},
            )
        steps = (
            step(
                f"In one hour (3600 s): {ms} × 3600 = {ms * 3600} m.",
                f"1小时（3600秒）行：{ms} × 3600 = {ms * 3600}（米）。",
                f"{ms} * 3600 = {ms * 3600}",
                kp,
            ),
            step(
                f"In km: {ms * 3600} ÷ 1000 = {dec(kmh)}.",
                f"化成千米：{ms * 3600} ÷ 1000 = {dec(kmh)}。",
                f"{ms * 3600} / 1000 = {dec(kmh)}",
                "measurement.convert_metric_decimals",
            ),
        )
        return Draft(
            f"A cyclist rides at {ms} m/s. What is this speed in km/h?",
            f"一名骑车人的速度是{ms}米/秒，合多少千米/时？",
            dec(kmh),
            steps,
            units("km/h"),
            {"kmh": dec(kmh), "ms": ms},
        )
    minutes = rng.choice((10, 12, 15, 20, 30, 40, 45))
    speed = 6 * rng.randint(1, 10)  # a multiple of 6 keeps the distance a finite decimal
    km = F(speed * minutes, 60)
    hours = F(minutes, 60)
    steps = (
        step(
            f"{minutes} minutes = {minutes}/60 h = {fr(hours)} h.",
            f"{minutes}分钟 = {minutes}/60小时 = {fr(hours)}小时。",
            f"{minutes}/60 = {fr(hours)}",
            "measurement.unit_conversion",
        ),
        step(
            f"Speed = distance ÷ time = {dec(km)} ÷ {fr(hours)} = {speed}.",
            f"速度 = 路程 ÷ 时间 = {dec(km)} ÷ {fr(hours)} = {speed}（千米/时）。",
            f"{dec(km)} / ({fr(hours)}) = {speed}",
            kp,
        ),
    )
    return Draft(
        f"A bus travels {dec(km)} km in {minutes} minutes at a steady speed. "
        f"What is its speed in km/h?",
        f"一辆公交车{minutes}分钟匀速行驶了{dec(km)}千米。它的速度是多少千米/时？",
        str(speed),
        steps,
        units("km/h"),
        {"km": dec(km), "minutes": minutes},
    )


__all__ = [
    "LENGTHS",
    "NAMES",
    "PI_314",
    "circle_area",
    "circle_circumference",
    "cone_volume",
    "cylinder_volume",
    "elapsed_minutes",
    "metric_decimal_convert",
    "money_total",
    "parallelogram_area",
    "perimeter_polygon",
    "pi_policy",
    "pi_text",
    "prism_volume",
    "rectangle_area",
    "rectangle_missing_side",
    "rectilinear_area",
    "speed_units",
    "sphere_volume",
    "trapezoid_area",
    "triangle_area",
    "unit_convert",
    "units",
]
