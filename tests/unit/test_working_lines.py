"""Shown working checked line by line (issue 20): tutor.diagnosis.lines, the diagnosis and the
Feedback that carry the first wrong line, and the ``working`` text plan that words it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.content.items import regenerate
from tutor.content.misconceptions import get_misconception
from tutor.diagnosis.answer import diagnose_answer
from tutor.diagnosis.lines import LINE_RULES, WrongLine, first_wrong_line
from tutor.llm.guard import check_output, reveals_answer
from tutor.llm.options import STYLES, ExplainOptions
from tutor.llm.plan import VARIANTS, build_plan, plan_reference, render_template
from tutor.turns import Feedback

ADD = regenerate("fraction_add_unlike:2:10")  # 2/5 + 1/2 = 4/10 + 5/10 = 9/10
SOLVE = regenerate("equation_two_step:1:4")  # 9x + 20 = 110, x = 10


def wrong(working: str, item: object = ADD) -> WrongLine | None:
    return first_wrong_line(item, working)  # type: ignore[arg-type]


# -- the line checker ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("working", "line", "wrote", "expected", "misconception"),
    [
        # The line of the issue: adding across, named, with its value.
        ("2/5 + 1/10 = 3/15", 1, "3/15", "1/2", "mc.frac_add_across"),
        # A right line first, a blank line, a label: line 2 as the student counts.
        ("Step 1: 2/5 = 4/10\n\n2/5 + 1/10 = 3/15", 2, "3/15", "1/2", "mc.frac_add_across"),
        # Full-width characters, no spaces (a Chinese keyboard).
        ("２／５＋１／１０＝３／１５", 1, "3/15", "1/2", "mc.frac_add_across"),
        # A chain: the false link is named, the true one is not.
        ("2/5 + 1/2 = 4/10 + 5/10 = 9/20", 1, "9/20", "9/10", "mc.frac_add_across"),
        # A line that goes on from the line before it.
        ("2/5 + 1/2 = 4/10 + 5/10\n= 9/20", 2, "9/20", "9/10", "mc.frac_add_across"),
        # ÷ between fractions is (3/4) ÷ (1/2), not 3/4/1/2 = 3/8.
        ("3/4 ÷ 1/2 = 3/8", 1, "3/8", "3/2", "mc.frac_div_no_invert"),
        ("3/4 ÷ 1/2 = 3/2", None, None, None, None),
        # Mixed numbers, also written the Chinese way; the value as a mixed number.
        ("1 1/2 + 2/3 = 2 1/6", None, None, None, None),
        ("1又1/2 + 2/3 = 2", 1, "2", "2 1/6", None),
        ("2 1/3 = 3/3", 1, "3/3", "7/3", "mc.mixed_to_improper_add_whole"),
        # Decimals: the value as a decimal; digits lined up on the right.
        ("0.3 + 0.25 = 0.28", 1, "0.28", "0.55", "mc.dec_right_align"),
        ("0.4 × 0.3 = 1.2", 1, "1.2", "0.12", "mc.dec_mult_places_like_addition"),
        ("3/4 = 3.4", 1, "3.4", "0.75", "mc.frac_to_dec_digits"),
        # Whole numbers, signs, a unicode minus, "x" for times, order of operations.
        ("47 + 38 = 75", 1, "75", "85", "mc.add_no_carry"),
        ("−3 + −5 = 8", 1, "8", "-8", "mc.int_add_wrong_sign"),
        ("3 x 4 = 7", 1, "7", "12", "mc.mult_facts_add"),
        ("5 + 3 × 2 = 16", 1, "16", "11", "mc.order_ops_left_to_right"),
        ("5 + 3 · 2 = 11", None, None, None, None),
        ("2^3 = 6", 1, "6", "8", "mc.power_times_exponent"),
        ("3 × 2/7 = 6/21", 1, "6/21", "6/7", "mc.frac_times_whole_both_parts"),
        # A slip no buggy rule gives: named, with its value, no misconception.
        ("4/10 + 5/10 = 8/10", 1, "8/10", "9/10", None),
        # A comparison: what it should have said.
        ("1/5 < 1/12", 1, "1/5 < 1/12", "1/5 > 1/12", "mc.frac_compare_larger_denominator"),
        ("2/5 < 1/3", 1, "2/5 < 1/3", "2/5 > 1/3", None),
        # A name for a quantity is no claim; its working is.
        ("n = 12 + 3 = 16", 1, "16", "15", None),
        ("n = 12 + 3 = 15", None, None, None, None),
        # Prose is passed over: only what can be proved wrong is called wrong.
        ("I added the tops\nthen the bottoms", None, None, None, None),
    ],
)
def test_the_first_wrong_line(
    working: str, line: int | None, wrote: str, expected: str, misconception: str | None
) -> None:
    found = wrong(working)
    if line is None:
        assert found is None, found
        return
    assert found is not None
    assert (found.line, found.wrote, found.expected, found.misconception) == (
        line,
        wrote,
        expected,
        misconception,
    )
    assert found.text == [ln.strip() for ln in working.splitlines() if ln.strip()][line - 1]


def test_lines_of_an_expression_and_of_an_equation() -> None:
    expand = regenerate("distribute:1:3")  # 8(x + 4)
    found = wrong("8(x + 4) = 8x + 4", expand)
    assert found is not None and (found.wrote, found.expected) == ("8x + 4", "8x + 32")
    # An equation item: a line in x is wrong when its solutions differ (no value to give).
    found = wrong("9x = 90\nx = 9", SOLVE)
    assert found is not None and (found.line, found.expected) == (2, None)
    assert found.kp == "equations.one_step_mult_div"
    assert wrong("9x = 90\nx = 90/9 = 10", SOLVE) is None


#: One wrong line per line rule: what a student following the buggy rule writes.
RULE_LINES = {
    "mc.frac_add_across": "2/12 + 6/12 = 8/24",  # like denominators too (the miss)
    "mc.frac_sub_across": "3/4 - 1/2 = 2/2",
    "mc.frac_common_den_keep_numerators": "1/2 + 1/4 = 2/4",
    "mc.frac_mult_common_denominator": "1/2 × 3/4 = 6/4",
    "mc.frac_times_whole_both_parts": "3 × 2/7 = 6/21",
    "mc.frac_mult_mixed_drop_whole": "2 1/3 × 3/4 = 1/4",
    "mc.frac_div_no_invert": "1/2 ÷ 1/4 = 1/8",
    "mc.frac_div_invert_dividend": "3/4 ÷ 1/2 = 2/3",
    "mc.mixed_to_improper_add_whole": "2 1/3 = 3/3",
    "mc.frac_to_dec_digits": "3/4 = 3.4",
    "mc.add_no_carry": "47 + 38 = 75",
    "mc.add_column_sums_written": "47 + 38 = 715",
    "mc.sub_smaller_from_larger": "52 - 38 = 26",
    "mc.int_add_wrong_sign": "-3 + -5 = 8",
    "mc.int_add_sizes_keep_sign": "-7 + 3 = -10",
    "mc.int_sub_double_negative": "5 - (-3) = 2",
    "mc.int_mult_sign_rules": "-4 × 3 = 12",
    "mc.mult_facts_add": "6 × 4 = 10",
    "mc.power_times_exponent": "3^2 = 6",
    "mc.dec_mult_places_like_addition": "0.4 × 0.3 = 1.2",
    "mc.dec_right_align": "0.3 + 0.25 = 0.28",
    "mc.order_ops_left_to_right": "2 + 3 × 4 = 20",
    # The other miss: 1/5 taken for the smallest of 1/12, 1/13, 1/5.
    "mc.frac_compare_larger_denominator": "1/5 < 1/12",
    "mc.dec_longer_is_larger": "0.25 > 0.3",
    "mc.dec_shorter_is_larger": "0.4 > 0.45",
}


def test_every_line_rule_names_its_own_line() -> None:
    assert set(RULE_LINES) == set(LINE_RULES)
    for mc_id, line in RULE_LINES.items():
        assert get_misconception(mc_id).signals, mc_id  # a rule of the library
        found = wrong(line)
        assert found is not None and found.misconception == mc_id, (line, found)
    # A slip next to a rule's value is named, with no misconception.
    for line in ("2/12 + 6/12 = 8/13", "47 + 38 = 84", "-4 × 3 = -13", "0.3 > 0.5"):
        found = wrong(line)
        assert found is not None and found.misconception is None, (line, found)


@settings(max_examples=300, deadline=None)
@given(
    working=st.text(alphabet="0123456789 +-×÷/=.<>()^\nx又分之", max_size=80)
    | st.text(max_size=120)
)
def test_the_checker_never_raises(working: str) -> None:
    for item in (ADD, SOLVE):
        found = wrong(working, item)
        lines = [ln.strip() for ln in working.splitlines() if ln.strip()]
        assert found is None or found.text == lines[found.line - 1]


# -- the diagnosis and the feedback --------------------------------------------------------


def test_a_misconception_in_a_line_is_the_diagnosis_when_the_answer_shows_none() -> None:
    d = diagnose_answer(ADD, "12345", "2/5 = 4/10\n2/5 + 1/10 = 3/15")
    assert (d.status, d.evidence, d.misconception, d.line) == (
        "incorrect",
        "steps",
        "mc.frac_add_across",
        2,
    )
    assert set(d.gap_kps) == set(get_misconception("mc.frac_add_across").signals)
    assert d.working is not None and d.working.expected == "1/2"
    # The final answer's own buggy rule stays the strongest evidence; the line is still kept.
    d = diagnose_answer(ADD, "3/7", "2/5 + 1/2 = 4/10 + 5/10 = 8/10")
    assert d.evidence == "rule" and d.working is not None and d.working.wrote == "8/10"


def test_a_right_answer_keeps_its_wrong_line_and_no_gap() -> None:
    d = diagnose_answer(ADD, "9/10", "2/5 + 1/2 = 3/7")
    assert (d.status, d.gap_kps) == ("correct", ())
    assert d.working is not None and d.working.misconception == "mc.frac_add_across"


def test_feedback_carries_the_wrong_line_in_its_json() -> None:
    line = WrongLine(2, "2/5 + 1/10 = 3/15", "3/15", "1/2", "mc.frac_add_across", "k.p")
    data = json.loads(json.dumps(Feedback("incorrect", "", True, working=line).to_json()))
    assert data["working"] == {
        "line": 2,
        "text": "2/5 + 1/10 = 3/15",
        "wrote": "3/15",
        "expected": "1/2",
        "misconception": "mc.frac_add_across",
        "kp": "k.p",
    }
    assert Feedback("correct", "", True).to_json()["working"] is None
    assert {"status", "gap_kps", "path", "turn"} <= set(data)  # the old fields stay


# -- the working note: the engine plans, the template words, the guard checks ----------------


def _note(answer: str, working: str, language: str = "en", style: str = "friendly") -> str:
    options = ExplainOptions(kind="working", language=language, style=style, working=working)  # type: ignore[arg-type]
    plan = build_plan(ADD, answer, diagnose_answer(ADD, answer, working), options)
    return render_template(plan)


def test_the_note_names_the_line_and_what_it_should_be_in_both_languages() -> None:
    text = _note("12345", "2/5 = 4/10\n2/5 + 1/10 = 3/15")
    assert "Line 2: 2/5 + 1/10 = 3/15. It should be 1/2." in text
    assert "you added the numerators and added the denominators" in text
    zh = _note("12345", "2/5 = 4/10\n2/5 + 1/10 = 3/15", "zh")
    assert "第2行：2/5 + 1/10 = 3/15，应该是 1/2。" in zh and "分子加分子" in zh


def test_a_right_answer_with_a_wrong_line_is_told_gently() -> None:
    text = _note("9/10", "2/5 + 1/2 = 4/10 + 5/10 = 9/20")
    assert text.startswith("Your answer is right!")
    assert "Here 9/20 should be 9/10." in text
    assert "你的答案是对的" in _note("9/10", "2/5 + 1/2 = 4/10 + 5/10 = 9/20", "zh")


def test_the_note_holds_back_a_value_that_is_the_answer_until_the_student_has_it() -> None:
    # 4/10 + 5/10 should be 9/10, the answer: during the turn the note says the line is off.
    text = _note("9/20", "2/5 + 1/2 = 4/10 + 5/10 = 9/20")
    assert "Here 9/20 is not right yet." in text and "should be 9/10" not in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_style_and_phrasing_of_the_note_passes_the_guard(language: str) -> None:
    cases = [
        ("12345", "2/5 = 4/10\n2/5 + 1/10 = 3/15"),
        ("9/10", "2/5 + 1/2 = 4/10 + 5/10 = 9/20"),
        ("9/20", "2/5 + 1/2 = 4/10 + 5/10 = 9/20"),
        ("1", "０.３ + ０.２５ = ０.２８"),
        ("1", "no working I can read"),
    ]
    for answer, working in cases:
        for style in STYLES:
            options = ExplainOptions(
                kind="working",
                language=language,  # type: ignore[arg-type]
                style=style,
                working=working,
            )
            plan = build_plan(ADD, answer, diagnose_answer(ADD, answer, working), options)
            ref = plan_reference(ADD, plan)
            for v in range(VARIANTS):
                text = render_template(plan, v)
                assert check_output(text, ref, plan=plan) == (), (answer, working, text)
                if not plan.may_state_answer:
                    assert not reveals_answer(text.replace(plan.line_text, " "), ref)


def test_the_guard_still_rejects_a_note_that_gives_the_answer_away() -> None:
    options = ExplainOptions(kind="working", working="2/5 + 1/2 = 4/10 + 5/10 = 9/20")
    plan = build_plan(ADD, "9/20", diagnose_answer(ADD, "9/20", options.working), options)
    ref = plan_reference(ADD, plan)
    leaked = render_template(plan) + " The sum is 9/10."
    assert "reveals_answer" in check_output(leaked, ref, plan=plan)
    # and one that calls the student's false line true in its own words
    assert check_output(render_template(plan) + " So 2/5 + 1/2 = 3/7.", ref, plan=plan)


class FakeWordingModel:
    """A fake language model (unit tests only) that replies with scripted texts in turn."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.name = "fake-wording"
        self.reads_data_block = False

    def generate(self, messages: object, *, temperature: float = 0.3, max_new_tokens: int = 256):  # type: ignore[no-untyped-def]
        yield self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


def test_a_model_may_reword_the_note_and_the_guard_keeps_what_it_may_not_say() -> None:
    from tutor.llm.explain import explain
    from tutor.llm.guard import GuardStats

    working = "2/5 + 1/2 = 4/10 + 5/10 = 9/20"
    options = ExplainOptions(kind="working", working=working)
    diagnosis = diagnose_answer(ADD, "9/20", working)
    good = (
        f"Look again at line 1: {working}. Here 9/20 is not right yet. "
        "Find a common denominator and keep it."
    )
    said = explain(
        ADD,
        model=FakeWordingModel(good),  # type: ignore[arg-type]
        answer="9/20",
        diagnosis=diagnosis,
        options=options,
        stats=GuardStats(),
    )
    assert (said.guard, said.text, said.kind) == ("accepted", good, "working")
    leaks = (
        f"Line 1: {working}. The answer is 9/10.",  # gives the answer away
        f"Line 1: {working}. And 2/5 + 1/2 = 7/10.",  # a false sum of its own
        f"Line 1: {working}. This is so easy, obviously.",  # shames the child
    )
    kept = explain(
        ADD,
        model=FakeWordingModel(*leaks),  # type: ignore[arg-type]
        answer="9/20",
        diagnosis=diagnosis,
        options=options,
        stats=GuardStats(),
    )
    assert kept.guard == "fallback" and kept.text == kept.template_text
    causes = {reason.split(":")[0] for reason in kept.reasons}
    assert {"reveals_answer", "false_claim", "tone"} <= causes, kept.reasons
    assert "Here 9/20 is not right yet." in kept.text and "9/10" not in kept.text
