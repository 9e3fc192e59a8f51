"""The guard reads like a child would (issue 15): each text below is a real one from the
issue or the voice benchmark, and today's numeric checks alone let it through."""

from __future__ import annotations

import pytest

from tutor.content.items import regenerate
from tutor.diagnosis.answer import diagnose_answer
from tutor.llm.guard import CHILD_CAUSES, check_output, reading_grade, sentence_chars
from tutor.llm.options import ExplainOptions
from tutor.llm.plan import build_plan, plan_reference, render_template


def _plan(item_id: str, **options):  # type: ignore[no-untyped-def]
    item = regenerate(item_id)
    answer = options.pop("answer", None)
    diagnosis = diagnose_answer(item, answer) if answer else None
    plan = build_plan(item, answer, diagnosis, ExplainOptions(**options))
    return plan, plan_reference(item, plan)


def _causes(reasons: tuple[str, ...]) -> set[str]:
    return {r.split(":")[0] for r in reasons}


# The issue's looped Chinese prompt echo (guard said "regenerated"), abridged: the step list
# three times and a broken last character.
ZH_ECHO = (
    "计算：2/5 + 1/2！ 已验证的步骤：1. 通分：5和2的最小公倍数是10。"
    "2. 分子相加：4/10 + 5/10 = 9/10。"
    " 已验证的步骤：1. 通分：5和2的最小公倍数是10。2. 分子相加：4/10 + 5/10 = 9/10。"
    " 已验证的步骤：1. 通分：5和2的最小公倍数是10。2. 分子相加：4/10 + 5/10 = 9/10。"
    " 请写出讲解。 说明：所以答案是 9/10\ufffd"
)


@pytest.mark.parametrize(
    ("item_id", "options", "text", "expected"),
    [
        (
            "fraction_add_unlike:2:10",
            {"language": "zh", "answer": "3/15"},
            ZH_ECHO,
            {"repeated", "prompt_echo", "replacement_char"},
        ),
        # The only hint the app showed for "What fraction is one part?".
        ("fraction_add_unlike:2:10", {"kind": "hint"}, "The hint is in English.", {"off_topic"}),
        (
            "fraction_add_unlike:2:10",
            {"kind": "hint", "language": "zh"},
            "The hint is in English.",
            {"wrong_script", "off_topic"},
        ),
        # A hint that gives the answer away (in a sentence the numeric checks read as prose).
        (
            "fraction_add_unlike:2:10",
            {"kind": "hint", "hint_level": 3},
            "Find a common denominator, add the tops, and you will get 9/10 in the end.",
            {"reveals_answer"},
        ),
        # A verified step that gives the answer, the number right after a Chinese character
        # (which today's number reader skipped): the benchmark found it in a rung-3 hint.
        (
            "elapsed_minutes:1:1000",
            {"kind": "hint", "hint_level": 3, "language": "zh"},
            "这一步你可以这样做：从20分到55分，经过了35分钟。",
            {"reveals_answer"},
        ),
        # SmolLM2's accepted "explanation" in the voice benchmark: no step in it.
        (
            "fraction_add_unlike:2:10",
            {},
            "I'm glad you're able to work through it together!\n\nThe answer is indeed 9/10.",
            {"off_topic"},
        ),
        # A copied draft with the step number changed.
        (
            "fraction_add_unlike:2:10",
            {"kind": "hint"},
            "Here's a hint for step 2: think about how to find a common denominator.",
            {"wrong_step"},
        ),
        # The app's Chinese loop.
        (
            "fraction_add_unlike:2:10",
            {"language": "zh"},
            "通分。献绵献茧茧茧的蛋糕献绵献茧茧茧的蛋糕献绵献茧茧茧的蛋糕。所以答案是 9/10。",
            {"repeated"},
        ),
        (
            "fraction_add_unlike:2:10",
            {"kind": "feedback", "answer": "3/7"},
            "Obviously this is easy. You wrote 3/7: find a common denominator, silly.",
            {"tone"},
        ),
    ],
)
def test_issue_texts_are_rejected_with_a_named_cause(
    item_id: str, options: dict[str, object], text: str, expected: set[str]
) -> None:
    plan, ref = _plan(item_id, **options)
    kind = "explanation" if plan.may_state_answer else "hint"
    # Today's checks (no plan) let these through, apart from the answer given away.
    old = _causes(check_output(text, ref, kind=kind, student_answer=plan.student_answer))
    assert not (old & (expected - {"reveals_answer"}))
    found = _causes(check_output(text, ref, plan=plan))
    assert expected <= found, found
    assert found - {"reveals_answer", "unsupported_number", "false_claim"} <= set(CHILD_CAUSES)


def test_length_and_reading_level_bounds() -> None:
    plan, ref = _plan("fraction_add_unlike:2:10", kind="hint")
    template = render_template(plan)
    assert check_output(template, ref, plan=plan) == ()
    long = template + " Find a common denominator before you add them." * 12
    assert "too_long" in _causes(check_output(long, ref, plan=plan))
    hard = (
        "Considering the denominators' multiplicative relationship, establishing a "
        "commensurable representation necessitates identifying the least common multiple."
    )
    assert reading_grade(hard) > plan.max_reading_grade
    assert "too_hard" in _causes(check_output(hard, ref, plan=plan))
    zh_plan, zh_ref = _plan("fraction_add_unlike:2:10", kind="hint", language="zh")
    run_on = (
        "通分的时候你要先找到5和2的最小公倍数然后把两个分数都化成分母相同的分数"
        "再把分子加起来最后检查一下是不是最简分数"
    )
    assert max(sentence_chars(run_on)) > zh_plan.max_sentence_chars
    assert "too_hard" in _causes(check_output(run_on, zh_ref, plan=zh_plan))


def test_english_text_with_chinese_is_the_wrong_script() -> None:
    plan, ref = _plan("fraction_add_unlike:2:10", kind="hint")
    text = "Find a common denominator 通分 first."
    assert "wrong_script" in _causes(check_output(text, ref, plan=plan))


def test_a_good_model_rewording_passes() -> None:
    plan, ref = _plan("fraction_add_unlike:2:10", kind="feedback", answer="3/7")
    text = (
        "You wrote 3/7. It looks like you added the tops and added the bottoms. Only pieces "
        "of the same size can be counted together. Try again: start with step 1 and find a "
        "common denominator."
    )
    assert check_output(text, ref, plan=plan) == ()
