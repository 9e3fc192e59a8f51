"""The engine plans, the template words (issue 15): TextPlan, build_plan, render_template,
plan_prompt, the held-out families and the language gate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tutor.content.items import GENERATORS, ensure_generators_loaded, generate, regenerate
from tutor.diagnosis.answer import diagnose_answer
from tutor.errors import InputError
from tutor.llm.explain import explain, explain_stream, explain_template
from tutor.llm.gate import VoiceGate, gate_entry, load_gate
from tutor.llm.guard import GuardStats, check_output, reveals_answer
from tutor.llm.options import KINDS, STYLES, ExplainOptions
from tutor.llm.plan import (
    BLANK,
    HELD_OUT_FAMILIES,
    VARIANTS,
    TextPlan,
    build_plan,
    child_misconception,
    is_held_out,
    plan_prompt,
    plan_reference,
    render_template,
    sample_wrong_answers,
)
from tutor.llm.prompts import read_payload
from tutor.llm.template import TemplateModel

ITEM = "fraction_add_unlike:2:10"  # 2/5 + 1/2 = 9/10; 3/7 adds across
CJK = re.compile(r"[\u4e00-\u9fff]")
HARSH = re.compile(r"\b(easy|obviously|simply|just|wrong|stupid|careless)\b|简单|显然|笨|粗心")


@pytest.fixture(scope="module")
def item():  # type: ignore[no-untyped-def]
    return regenerate(ITEM)


def _plan(
    item,
    kind: str,
    *,
    level: int = 1,
    language: str = "en",
    style: str = "friendly",
    answer: str | None = "3/7",
):  # type: ignore[no-untyped-def]
    options = ExplainOptions(kind=kind, hint_level=level, language=language, style=style)  # type: ignore[arg-type]
    diagnosis = diagnose_answer(item, answer) if answer is not None else None
    return build_plan(item, answer, diagnosis, options)


def test_new_options_are_validated() -> None:
    assert ExplainOptions(kind="feedback").kind == "feedback"
    assert ExplainOptions(kind="hint", hint_level=3, grade=4).grade == 4
    with pytest.raises(InputError, match="hint level must be 1"):
        ExplainOptions(kind="hint", hint_level=4)
    with pytest.raises(InputError, match="grade must be a whole number from 1 to 12"):
        ExplainOptions(grade=0)
    with pytest.raises(InputError, match="kind must be one of"):
        ExplainOptions(kind="lecture")  # type: ignore[arg-type]


def test_held_out_families_follow_their_stated_rule() -> None:
    ensure_generators_loaded()
    assert tuple(n for n in sorted(GENERATORS) if is_held_out(n)) == HELD_OUT_FAMILIES
    assert 15 <= len(HELD_OUT_FAMILIES) <= 40


def test_plan_carries_the_facts(item) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(item, "feedback")
    assert plan.student_answer == "3/7" and plan.misconception_id == "mc.frac_add_across"
    assert plan.misconception == (
        "It looks like you added the numerators and added the denominators."
    )
    assert not plan.may_state_answer and "9/10" not in plan.numbers
    assert plan.grade == 5  # fractions.add_unlike is grade 5
    why = _plan(item, "why", answer=None)
    assert why.may_state_answer and "9/10" in why.numbers and why.student_answer is None
    assert TextPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan


def test_feedback_addresses_the_student_and_names_the_misconception(item) -> None:  # type: ignore[no-untyped-def]
    text = render_template(_plan(item, "feedback"))
    assert text.startswith("You wrote 3/7")
    assert "you added the numerators and added the denominators" in text
    assert "9/10" not in text
    zh = render_template(_plan(item, "feedback", language="zh"))
    assert "你写了 3/7" in zh and "分子加分子" in zh and "9/10" not in zh
    # A near miss no rule explains: no misconception is named, the first step is.
    plain = render_template(_plan(item, "feedback", answer="19/10"))
    assert "looks like" not in plain and "Start with step 1" in plain


def test_the_hint_ladder(item) -> None:  # type: ignore[no-untyped-def]
    nudge, blank, worked = (
        render_template(_plan(item, "hint", level=level, answer=None)) for level in (1, 2, 3)
    )
    assert "common denominator" in nudge and not re.search(r"\d{2}", nudge)
    assert BLANK in blank and "least common multiple of 5 and 2 is □" in blank
    assert "least common multiple of 5 and 2 is 10" in worked
    # The last step's result is the answer: its rungs never state it.
    last = ExplainOptions(kind="hint", hint_index=1, hint_level=3)
    text = render_template(build_plan(item, None, None, last))
    assert "9/10" not in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_kind_style_has_three_phrasings_in_the_right_script(item, language: str) -> None:  # type: ignore[no-untyped-def]
    for kind in KINDS:
        for style in STYLES:
            plan = _plan(item, kind, language=language, style=style)
            texts = {render_template(plan, v) for v in range(VARIANTS)}
            assert len(texts) == VARIANTS, (kind, style)
            for text in texts:
                assert bool(CJK.search(text)) == (language == "zh")
                assert not HARSH.search(text), text
                assert re.search(r"\byou|你", text, re.IGNORECASE) or kind == "explanation"


def test_templates_pass_the_guard_for_every_kind_on_sampled_families() -> None:
    """The template is what shows when the model's words do not: it must always pass.
    Every eighth family, one item, every kind and rung, both languages, the three styles
    (each with its own phrasing), with the buggy-rule and the near-miss wrong answers."""
    ensure_generators_loaded()
    failures = []
    for name in sorted(GENERATORS)[::8]:
        it = generate(name, GENERATORS[name].levels[0], 11)
        with_mc, plain = sample_wrong_answers(it)
        answers = [a for a in ((with_mc[0] if with_mc else None), plain) if a] or [None]
        for language in ("en", "zh"):
            for v, style in enumerate(STYLES):
                cases = [("explanation", 1, None), ("why", 1, None)]
                cases += [("hint", level, None) for level in (1, 2, 3)]
                cases += [("feedback", 1, a) for a in answers]
                cases += [("explanation", 1, a) for a in answers if a]
                for kind, level, answer in cases:
                    options = ExplainOptions(
                        kind=kind,  # type: ignore[arg-type]
                        hint_level=level,
                        language=language,  # type: ignore[arg-type]
                        style=style,
                    )
                    diagnosis = diagnose_answer(it, answer) if answer else None
                    plan = build_plan(it, answer, diagnosis, options)
                    text = render_template(plan, v)
                    rejected = check_output(text, plan_reference(it, plan), plan=plan)
                    if rejected:
                        failures.append((it.item_id, kind, level, language, style, rejected))
                    if not plan.may_state_answer:
                        assert not reveals_answer(text, plan_reference(it, plan)), text
    assert not failures, failures[:5]


def test_plan_prompt_rewords_the_template_and_hides_the_answer_of_a_hint(item) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(item, "hint", level=3, answer=None)
    last = build_plan(item, None, None, ExplainOptions(kind="hint", hint_index=1))
    messages = plan_prompt(last)
    whole = "\n".join(m.content for m in messages)
    assert "9/10" not in whole  # what the model is not told, it cannot give away
    payload = read_payload(plan_prompt(plan))
    assert payload is not None and payload["task"] == "plan"
    assert render_template(plan) in plan_prompt(plan)[1].content
    zh = plan_prompt(_plan(item, "feedback", language="zh"))
    assert CJK.search(zh[0].content) and "老师的草稿" in zh[1].content


def test_explain_shows_the_template_first_and_names_the_kind(item) -> None:  # type: ignore[no-untyped-def]
    diagnosis = diagnose_answer(item, "3/7")
    options = ExplainOptions(kind="feedback")
    first = explain_template(item, answer="3/7", diagnosis=diagnosis, options=options)
    assert first.guard == "fallback" and first.text == first.template_text
    shown = explain(
        item,
        model=TemplateModel(),
        answer="3/7",
        diagnosis=diagnosis,
        options=options,
        stats=GuardStats(),
    )
    assert shown.kind == "feedback" and shown.template_text == first.text
    stream = explain_stream(
        item, model=TemplateModel(), answer="3/7", diagnosis=diagnosis, options=options
    )
    assert stream.template_text == first.text  # there before any model is asked
    assert "".join(stream) == shown.text


class _LoopingFakeModel:
    """A fake backend (unit tests only) that answers like the issue's SmolLM2 did."""

    name = "fake:looping"

    def generate(self, messages, *, temperature=0.3, max_new_tokens=256):  # type: ignore[no-untyped-def]
        yield "计算：2/5 + 1/2！ 已验证的步骤：通分。 " * 3 + "\ufffd"


def test_a_rejected_model_text_falls_back_to_the_template(item) -> None:  # type: ignore[no-untyped-def]
    options = ExplainOptions(language="zh")
    shown = explain(item, model=_LoopingFakeModel(), options=options, stats=GuardStats())
    assert shown.guard == "fallback" and shown.text == shown.template_text
    causes = {r.split(":")[0] for r in shown.reasons}
    assert {"replacement_char", "repeated", "prompt_echo"} <= causes


def test_the_gate_keeps_a_model_silent_where_it_has_not_earned_its_voice(
    item, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    closed = VoiceGate(models={"fake:looping": {"zh": gate_entry(0.1, 50)}})
    shown = explain(
        item,
        model=_LoopingFakeModel(),
        options=ExplainOptions(language="zh"),
        stats=GuardStats(),
        gate=closed,
    )
    assert shown.guard == "fallback" and shown.reasons == ("gate_closed: zh",)
    assert VoiceGate().speaks("template", "zh") and not VoiceGate().speaks("any:model", "en")
    assert gate_entry(0.8, 50)["open"] and not gate_entry(0.79, 50)["open"]
    assert not gate_entry(1.0, 6)["open"]  # too few texts to show 80 %
    # A missing or broken gate file: the template speaks everywhere.
    assert load_gate(tmp_path / "missing.json").models == {}
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert load_gate(broken).models == {}


def test_child_misconception_words_every_library_entry() -> None:
    from tutor.content.misconceptions import load_misconceptions

    for found in load_misconceptions():
        for language in ("en", "zh"):
            said = child_misconception(found.id, language)  # type: ignore[arg-type]
            assert said is not None and said[0], found.id
            if language == "en":
                assert "e.g." not in said[0] and not CJK.search(said[0])
            else:
                assert said[0].startswith("看起来你") and "例如" not in said[0]
    assert child_misconception("mc.no_such_thing", "en") is None


class _RecordingFakeModel:
    """A fake backend (unit tests only) that, like the real ones, does not read the data
    block; it records what it was sent and answers with a fixed good hint."""

    name = "fake:recording"
    reads_data_block = False

    def __init__(self) -> None:
        self.sent: list[str] = []

    def generate(self, messages, *, temperature=0.3, max_new_tokens=256):  # type: ignore[no-untyped-def]
        self.sent.append("\n".join(m.content for m in messages))
        yield "Try this for step 1: you can find a common denominator first."


def test_a_real_model_reads_instructions_and_the_draft_not_the_json(item) -> None:  # type: ignore[no-untyped-def]
    model = _RecordingFakeModel()
    shown = explain(item, model=model, options=ExplainOptions(kind="hint"), stats=GuardStats())
    assert shown.guard == "accepted" and shown.text.startswith("Try this")
    (sent,) = model.sent
    assert "<tutor-data>" not in sent and '"kind"' not in sent
    assert "Tutor's draft" in sent and shown.template_text in sent
