"""The guard: adversarial model outputs must never reach a student.

Models here are FAKES (``ScriptedModel``) that return fixed texts, so each kind of bad output
(wrong final answer, unsupported numbers, false equations, answer-revealing hints, unsafe
text, a crashing backend) is fed in on purpose and must be caught.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from tutor.content.items import GENERATORS, ensure_generators_loaded, generate, regenerate
from tutor.llm.base import LanguageModel, Message
from tutor.llm.explain import ExplainOptions, explain, explain_stream
from tutor.llm.guard import (
    GuardStats,
    Reference,
    check_output,
    final_answer_text,
    guard_stats,
    reveals_answer,
)
from tutor.llm.prompts import read_payload
from tutor.llm.template import TemplateModel

ITEM = "make_ten_sum:1:3"  # Work out 9 + 3; steps 3 = 1 + 2, 9 + 1 = 10, 10 + 2 = 12


class ScriptedModel:
    """FAKE model: returns the given texts in order (the last one again when they run out)
    and records every call's messages and temperature."""

    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)
        self.calls: list[tuple[list[Message], float]] = []

    @property
    def name(self) -> str:
        return "scripted"

    def generate(
        self, messages: Sequence[Message], *, temperature: float = 0.3, max_new_tokens: int = 256
    ) -> Iterator[str]:
        self.calls.append((list(messages), temperature))
        text = self.texts[min(len(self.calls) - 1, len(self.texts) - 1)]
        return iter([text[:5], text[5:]])  # streamed in two pieces


class BrokenModel:
    """FAKE model whose backend fails (a server that is down)."""

    @property
    def name(self) -> str:
        return "broken"

    def generate(
        self, messages: Sequence[Message], *, temperature: float = 0.3, max_new_tokens: int = 256
    ) -> Iterator[str]:
        raise ConnectionError("server down")


@pytest.fixture
def item():  # type: ignore[no-untyped-def]
    return regenerate(ITEM)


@pytest.fixture
def ref(item) -> Reference:  # type: ignore[no-untyped-def]
    return Reference.from_item(item)


def test_fakes_are_language_models() -> None:
    assert isinstance(ScriptedModel("x"), LanguageModel)
    assert isinstance(BrokenModel(), LanguageModel)


def test_correct_grounded_text_is_accepted_as_is(item) -> None:  # type: ignore[no-untyped-def]
    text = "Split 3 = 1 + 2. Then 9 + 1 = 10 and 10 + 2 = 12. So the answer is 12."
    stats = GuardStats()
    result = explain(item, model=ScriptedModel(text), stats=stats)
    assert result.guard == "accepted"
    assert result.text == text
    assert result.reasons == ()
    assert result.model == "scripted"
    assert stats.snapshot()["accepted"] == 1


def test_wrong_final_answer_is_regenerated(item) -> None:  # type: ignore[no-untyped-def]
    wrong = "9 + 1 = 10, and 10 + 2 = 12. So the answer is 13."
    right = "9 + 1 = 10, and 10 + 2 = 12. So the answer is 12."
    model = ScriptedModel(wrong, right)
    result = explain(item, model=model, options=ExplainOptions(temperature=0.8))
    assert result.guard == "regenerated"
    assert result.text == right
    assert "wrong_final_answer: said 13, verified 12" in result.reasons
    # each retry lowers the temperature, never below 0.1
    assert [t for _, t in model.calls] == [0.8, 0.4]


def test_every_try_wrong_falls_back_to_the_template(item) -> None:  # type: ignore[no-untyped-def]
    model = ScriptedModel("The answer is 13.")
    stats = GuardStats()
    result = explain(item, model=model, max_tries=3, stats=stats)
    assert result.guard == "fallback"
    assert len(model.calls) == 3
    template = explain(item, model=TemplateModel(), stats=GuardStats())
    assert result.text == template.text
    assert "13" not in result.text
    assert result.model == "scripted"
    snap = stats.snapshot()
    assert snap["fallback"] == 1 and snap["reasons"]["wrong_final_answer"] == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 + 3 = 13, so the answer is 12.", "false_claim: 9 + 3 = 13"),
        ("First add 17 to make 29. That gives 17. The answer is 12.", "unsupported_number: 17"),
        ("The total is 14, so the answer is 12.", "unsupported_number: 14"),
        ("Adding 9 and 3 gives us 13. The answer is 12.", "unsupported_number: 13"),
        ("So the answer is **13**.", "wrong_final_answer: said 13, verified 12"),
        (r"We get \(\frac{26}{2}\) so the answer is \boxed{13}.", "unsupported_number: (26)/(2)"),
        ("9 + 1 = 10 and 10 + 2 = 12, 10 × 2 = 20. The answer is 12.", "unsupported_number: 20"),
        ("Let's just say it's about a dozen.", "no_final_answer"),
        ("The answer is twelve.", "no_final_answer"),  # words are not read: rejected
        ("You could kill time counting: the answer is 12.", "unsafe: violence"),
        ("Find more at www.maths-help.com. The answer is 12.", "unsafe: link"),
        ("   ", "empty"),
    ],
)
def test_bad_explanations_are_caught(ref: Reference, text: str, expected: str) -> None:
    assert expected in check_output(text, ref)


def test_final_answer_forms(ref: Reference) -> None:
    assert final_answer_text("so 9 + 3 = 12.") == "12"
    assert final_answer_text("The answer is 1,200 dollars.") == "1200"
    assert final_answer_text("答案是 12。") == "12"
    assert final_answer_text("The answer is $18.") == "18"
    assert final_answer_text("You check that the answer is indeed 18, and so on.") == "18"
    assert final_answer_text("The answer is not 18.") is None  # never read past a "not"
    assert check_output("所以答案是 12。9 + 1 = 10，10 + 2 = 12。", ref) == ()
    # the LAST stated answer counts: a correct answer early does not excuse a wrong one later
    assert check_output("The answer is 12. Actually the answer is 11.", ref)


def test_equation_answers_and_solutions_are_judged() -> None:
    item = generate("equation_two_step", 1, 1)
    ref = Reference.from_item(item)
    assert ref.answer_is_equation
    good = f"So the answer is {item.answer}."
    assert check_output(good, ref) == ()
    value = ref.answer_values[0]
    bad = f"So x = {value + 1}."
    reasons = check_output(bad, ref)
    assert any(r.startswith(("wrong_final_answer", "false_claim")) for r in reasons)


def test_hint_that_reveals_the_answer_is_rejected(item) -> None:  # type: ignore[no-untyped-def]
    ref = Reference.from_item(item)
    assert reveals_answer("Add them: 10 + 2 = 12.", ref)
    assert reveals_answer("The answer is what you get when you add.", ref)
    assert reveals_answer("Keep going until you reach 12.", ref)
    assert not reveals_answer("Make a ten first: 9 + 1 = 10.", ref)
    assert not reveals_answer("Look at step 2 again.", ref)
    model = ScriptedModel("Easy: 9 + 3 = 12.", "Think: 10 + 2 makes 12.")
    result = explain(item, model=model, options=ExplainOptions(kind="hint", hint_index=1))
    assert result.guard == "fallback"
    assert "reveals_answer" in result.reasons
    assert not reveals_answer(result.text, ref)


def test_hint_prompt_never_carries_the_final_answer(item) -> None:  # type: ignore[no-untyped-def]
    model = ScriptedModel("Make a ten first: 9 + 1 = 10.")
    result = explain(item, model=model, options=ExplainOptions(kind="hint", hint_index=2))
    assert result.guard == "accepted"
    messages = model.calls[0][0]
    payload = read_payload(messages)
    assert payload is not None and "answer" not in payload and "steps" not in payload
    text = " ".join(m.content for m in messages)
    assert "12" not in text  # the last step's result is the answer: only "10 + 2" is shown
    assert "10 + 2" in text


def test_unsafe_output_is_never_shown(item) -> None:  # type: ignore[no-untyped-def]
    unsafe = "If you get it wrong I will hurt you. 9 + 1 = 10, 10 + 2 = 12. The answer is 12."
    result = explain(item, model=ScriptedModel(unsafe))
    assert result.guard == "fallback"
    assert "unsafe: violence" in result.reasons
    assert "hurt" not in result.text


def test_a_failing_backend_falls_back(item) -> None:  # type: ignore[no-untyped-def]
    result = explain(item, model=BrokenModel(), max_tries=2)
    assert result.guard == "fallback"
    assert result.reasons == ("model_error: ConnectionError",)
    assert "12" in result.text


def test_student_answer_may_be_restated_to_the_student(item) -> None:  # type: ignore[no-untyped-def]
    ref = Reference.from_item(item)
    text = "You said it is 11. Let's check: 9 + 1 = 10, 10 + 2 = 12. The answer is 12."
    assert check_output(text, ref, student_answer="11") == ()
    # ... but not as a result of the maths
    assert "unsupported_number: 11" in check_output(
        "9 + 2 is 11. The answer is 12.", ref, student_answer="11"
    )


def test_misconception_examples_are_exempt_but_only_those() -> None:
    item = regenerate("fraction_add_unlike:1:65")  # 2/3 + 5/6 = 3/2
    diagnosis_text = "Adds across, e.g. 1/2 + 1/3 = 2/5. Use a common denominator."
    ref = Reference.from_item(item, extra=diagnosis_text)
    ok = f"{diagnosis_text} 4/6 + 5/6 = 9/6 = 3/2. The answer is 3/2."
    assert check_output(ok, ref) == ()
    assert "false_claim: 1/2 + 1/4 = 2/6" in check_output(
        "1/2 + 1/4 = 2/6. The answer is 3/2.", ref
    )


def test_explain_with_a_wrong_answer_names_the_misconception() -> None:
    from tutor.content.misconceptions import buggy_answer, get_misconception
    from tutor.diagnosis.answer import diagnose_answer

    item = regenerate("fraction_add_unlike:1:65")
    wrong = buggy_answer("mc.frac_add_across", item)
    assert wrong is not None
    diagnosis = diagnose_answer(item, wrong)
    result = explain(item, model=TemplateModel(), answer=wrong, diagnosis=diagnosis)
    assert result.guard == "accepted"
    # Said to the child, in the second person (issue 15), from the library's description.
    assert get_misconception("mc.frac_add_across").description.startswith("Adds the numerators")
    assert "It looks like you added the numerators and added the denominators." in result.text
    assert f"You answered {wrong}" in result.text


def test_stream_yields_only_the_checked_text(item) -> None:  # type: ignore[no-untyped-def]
    model = ScriptedModel("I will hurt you. The answer is 12.")
    stream = explain_stream(item, model=model, stats=GuardStats())
    assert model.calls == []  # nothing generated before the page asks
    pieces = list(stream)
    assert len(pieces) > 3
    assert "".join(pieces) == stream.explanation.text
    assert stream.explanation.guard == "fallback"
    assert "hurt" not in "".join(pieces)


def test_process_wide_guard_stats_count_outcomes(item) -> None:  # type: ignore[no-untyped-def]
    before = guard_stats()
    explain(item, model=ScriptedModel("The answer is 13."), max_tries=1)
    after = guard_stats()
    assert after["fallback"] == before["fallback"] + 1
    assert after["reasons"].get("wrong_final_answer", 0) == (
        before["reasons"].get("wrong_final_answer", 0) + 1
    )
    assert after["total"] == before["total"] + 1


def test_template_explanations_and_hints_pass_the_guard_for_sampled_generators() -> None:
    """The template is the fallback: its texts (from verified steps) must pass the guard.

    Every fourth generator (in name order), first level, both languages — a deterministic
    sample that keeps this test fast; the whole set passed when the guard was written
    (1428 explanations and every hint, see the report)."""
    ensure_generators_loaded()
    stats = GuardStats()
    names = sorted(GENERATORS)[::4]
    for name in names:
        gen = GENERATORS[name]
        it = generate(name, gen.levels[0], 7)
        for language in ("en", "zh"):
            result = explain(
                it, model=TemplateModel(), stats=stats, options=ExplainOptions(language=language)
            )
            assert result.guard == "accepted", (it.item_id, language, result.reasons)
        for k in range(len(it.steps)):
            hint = explain(
                it,
                model=TemplateModel(),
                stats=stats,
                options=ExplainOptions(kind="hint", hint_index=k),
            )
            assert hint.guard == "accepted", (it.item_id, k, hint.reasons)
            assert not reveals_answer(hint.text, Reference.from_item(it))
    assert stats.snapshot()["fallback"] == 0
