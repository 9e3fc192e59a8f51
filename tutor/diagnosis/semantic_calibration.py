"""The calibration set of semantic diagnosis, and the fit of its confidence.

Hand-written explanations, in English and Chinese, of the kind a student types after a
wrong answer, each with the item family it was written for and the misconception it shows
(None: it shows none of them — off-topic, or a right idea). They are used only to fit
:data:`tutor.diagnosis.semantic.PLATT_A` / ``PLATT_B`` and to check the thresholds; the
integration test (``tests/integration/test_semantic_model.py``) uses other sentences.

Run ``python -m tutor.diagnosis.semantic_calibration`` (needs the ``semantic`` extra):
prints, for each example, the best applicable misconception with its cosine, z-score and
rank, then the logistic fit of P(right) on the z-score and the accuracy of the decision
rule on this set.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["EXAMPLES", "main"]

#: (item family, explanation, misconception it shows or None)
EXAMPLES: tuple[tuple[str, str, str | None], ...] = (
    (
        "fraction_add_unlike",
        "I added the numerators together and the denominators together",
        "mc.frac_add_across",
    ),
    ("fraction_add_unlike", "top plus top and bottom plus bottom", "mc.frac_add_across"),
    ("fraction_add_unlike", "分子和分子相加，分母和分母相加", "mc.frac_add_across"),
    (
        "fraction_add_unlike",
        "I made the bottoms the same but kept the top numbers",
        "mc.frac_common_den_keep_numerators",
    ),
    (
        "fraction_add_unlike",
        "通分以后分子没有变，还是原来的分子",
        "mc.frac_common_den_keep_numerators",
    ),
    (
        "subtract_2digit",
        "you always take the little digit from the big digit",
        "mc.sub_smaller_from_larger",
    ),
    ("subtract_2digit", "个位上2减8不够，我就用8减2", "mc.sub_smaller_from_larger"),
    (
        "subtract_2digit",
        "I borrowed ten for the ones but did not change the tens",
        "mc.sub_borrow_no_decrement",
    ),
    ("subtract_2digit", "借了一个十，但是十位上忘了减1", "mc.sub_borrow_no_decrement"),
    (
        "fraction_compare",
        "six is more than two so one sixth is more than one half",
        "mc.frac_compare_larger_denominator",
    ),
    ("fraction_compare", "分母大的分数就大", "mc.frac_compare_larger_denominator"),
    (
        "equation_two_step",
        "I moved the plus 6 over to the other side and added it",
        "mc.eq_move_without_sign_change",
    ),
    ("equation_two_step", "移项的时候我没有改变符号", "mc.eq_move_without_sign_change"),
    ("powers", "5 to the power 2 is 5 times 2 which is 10", "mc.power_times_exponent"),
    ("powers", "5的2次方就是5乘2", "mc.power_times_exponent"),
    (
        "order_ops_basic",
        "I just went from left to right: first add then times",
        "mc.order_ops_left_to_right",
    ),
    ("order_ops_basic", "我从左往右按顺序算的，先算加法", "mc.order_ops_left_to_right"),
    (
        "decimal_compare_hundredths",
        "25 is bigger than 3 so 0.25 is bigger",
        "mc.dec_longer_is_larger",
    ),
    ("decimal_compare_hundredths", "小数点后面位数多的数就大", "mc.dec_longer_is_larger"),
    (
        "integer_subtract",
        "minus a negative is still minus so it goes down",
        "mc.int_sub_double_negative",
    ),
    ("integer_subtract", "减去负数还是减，所以结果更小", "mc.int_sub_double_negative"),
    ("triangle_area", "area is base times height so 6 times 4", "mc.triangle_area_no_half"),
    ("triangle_area", "三角形面积就是底乘高", "mc.triangle_area_no_half"),
    ("data_mean", "I added all the numbers up and that is the mean", "mc.mean_total_not_divided"),
    ("data_mean", "我把所有数加起来就是平均数", "mc.mean_total_not_divided"),
    ("add_2digit", "7 plus 8 is 15 so I wrote 5 and forgot about the 1", "mc.add_no_carry"),
    ("add_2digit", "个位满十了，我只写了个位，没有进位", "mc.add_no_carry"),
    ("percent_of_quantity", "20 percent of 60, I did 60 times 20", "mc.percent_of_forget_hundred"),
    ("percent_of_quantity", "百分之二十就是乘20", "mc.percent_of_forget_hundred"),
    # Off-topic or right ideas: the answer must be "none".
    ("fraction_add_unlike", "I don't know, I just guessed", None),
    ("fraction_add_unlike", "我不会，随便写的", None),
    ("subtract_2digit", "my dog ate my homework yesterday", None),
    ("subtract_2digit", "昨天晚上我看了一部电影", None),
    ("powers", "can we have a break now please", None),
    ("powers", "我想去操场踢球", None),
    ("triangle_area", "the weather is really nice today", None),
    ("triangle_area", "今天的午饭很好吃", None),
    ("data_mean", "I was tired and not paying attention", None),
    ("data_mean", "老师，这道题太难了", None),
    ("equation_two_step", "I like playing the piano", None),
    ("equation_two_step", "我的铅笔断了", None),
)


def main() -> int:
    """Score the calibration set with the real model and fit the confidence."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from tutor.content.items import generate
    from tutor.diagnosis.semantic import RANK_MAX, Z_MIN, default_matcher

    logging.basicConfig(level=logging.WARNING)
    matcher = default_matcher()
    zs: list[float] = []
    right: list[int] = []
    decided = 0
    for family, text, expected in EXAMPLES:
        item = generate(family, 1, 0)
        scored = matcher.score(text, item)
        best = scored[0]
        zs.append(best.z)
        right.append(int(best.misconception.id == expected))
        reported = best.misconception.id if best.z >= Z_MIN and best.rank < RANK_MAX else None
        decided += reported == expected
        sys.stdout.write(
            f"{family:28} {expected or 'none':36} best {best.misconception.id:36} "
            f"cos {best.cosine:.3f} z {best.z:5.2f} rank {best.rank:3}  "
            f"-> {reported or 'none'}  {text}\n"
        )
    fit = LogisticRegression(C=10.0).fit(np.array(zs).reshape(-1, 1), np.array(right))
    sys.stdout.write(
        f"Platt: A = {fit.coef_[0][0]:.3f}, B = {fit.intercept_[0]:.3f}; decision rule right "
        f"on {decided}/{len(EXAMPLES)}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
