"""Explanations and hints: the prompts, the template model, options and the JSON contract."""

from __future__ import annotations

import re

import pytest

from tutor.content.items import regenerate
from tutor.errors import InputError
from tutor.llm.base import LanguageModel, Message, complete
from tutor.llm.explain import ExplainOptions, Explanation, explain, explain_stream
from tutor.llm.guard import GuardStats, Reference
from tutor.llm.prompts import build_explain_messages, read_payload
from tutor.llm.template import TemplateModel

ITEM = "fraction_add_unlike:1:65"  # 2/3 + 5/6 = 3/2, lowest terms
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def item():  # type: ignore[no-untyped-def]
    return regenerate(ITEM)


def test_template_is_a_deterministic_language_model(item) -> None:  # type: ignore[no-untyped-def]
    model = TemplateModel()
    assert isinstance(model, LanguageModel)
    assert model.name == "template"
    ref = Reference.from_item(item)
    messages = build_explain_messages(
        item, kind="explanation", style="formal", language="en", ref=ref
    )
    first = complete(model, messages)
    assert first == complete(model, messages, temperature=1.0)
    assert len(list(model.generate(messages))) > 5  # streamed in pieces
    # without the tutor's data block it says something harmless, with no numbers
    plain = complete(model, [Message("user", "What is 2 + 2?")])
    assert plain and not re.search(r"\d", plain)


def test_explanation_renders_every_verified_step(item) -> None:  # type: ignore[no-untyped-def]
    result = explain(item, model=TemplateModel(), stats=GuardStats())
    assert result.guard == "accepted"
    for step in item.steps:
        assert step.text in result.text
    assert result.text.rstrip().splitlines()[-1].startswith("So the answer is 3/2.")


def test_styles_and_languages_differ(item) -> None:  # type: ignore[no-untyped-def]
    texts = {
        (style, language): explain(
            item,
            model=TemplateModel(),
            stats=GuardStats(),
            options=ExplainOptions(style=style, language=language),
        ).text
        for style in ("formal", "casual", "friendly")
        for language in ("en", "zh")
    }
    assert len(set(texts.values())) == 6
    for (_, language), text in texts.items():
        assert bool(CJK.search(text)) == (language == "zh")
    assert item.steps[0].text_zh in texts[("formal", "zh")]
    assert "所以答案是 3/2" in texts[("friendly", "zh")]


def test_prompt_carries_item_steps_answer_and_misconception(item) -> None:  # type: ignore[no-untyped-def]
    ref = Reference.from_item(item)
    messages = build_explain_messages(
        item,
        kind="explanation",
        style="casual",
        language="en",
        ref=ref,
        answer="7/9",
        misconception="Adds across the top and the bottom.",
    )
    whole = "\n".join(m.content for m in messages)
    assert item.prompt in whole
    for step in item.steps:
        assert step.text in whole and step.claim in whole
    assert "7/9" in whole and "Adds across the top and the bottom." in whole
    payload = read_payload(messages)
    assert payload is not None
    assert payload["answer"] == "3/2" and payload["student_answer"] == "7/9"
    assert payload["style"] == "casual"
    zh = build_explain_messages(item, kind="explanation", style="casual", language="zh", ref=ref)
    assert CJK.search(zh[0].content) and item.prompt_zh in zh[1].content


def test_hints_go_one_step_at_a_time_without_the_answer(item) -> None:  # type: ignore[no-untyped-def]
    hints = [
        explain(
            item,
            model=TemplateModel(),
            stats=GuardStats(),
            options=ExplainOptions(kind="hint", hint_index=k),
        )
        for k in range(len(item.steps))
    ]
    assert all(h.guard == "accepted" for h in hints)
    assert len({h.text for h in hints}) == len(hints)
    for hint in hints:
        assert "3/2" not in hint.text and "9/6" not in hint.text  # 9/6 is the answer too
    # The ladder (issue 15): rung 1 names the idea, rung 2 the step with a blank, rung 3
    # the worked step in the step's own wording.
    assert "common denominator" in hints[0].text and "6" not in hints[0].text
    blank, worked = (
        explain(
            item,
            model=TemplateModel(),
            stats=GuardStats(),
            options=ExplainOptions(kind="hint", hint_index=0, hint_level=level),
        ).text
        for level in (2, 3)
    )
    assert "□" in blank and "least common multiple of 3 and 6 is □" in blank
    assert "least common multiple of 3 and 6 is 6" in worked
    zh = explain(
        item,
        model=TemplateModel(),
        stats=GuardStats(),
        options=ExplainOptions(kind="hint", language="zh"),
    )
    assert CJK.search(zh.text)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"temperature": 0.05}, "temperature must be between 0.1 and 1.0"),
        ({"temperature": 1.5}, "temperature must be between 0.1 and 1.0"),
        ({"style": "rude"}, "style must be one of formal, casual, friendly"),
        ({"language": "fr"}, "language must be en or zh"),
        ({"kind": "hint", "hint_index": 3}, "has 3 step"),
        ({"kind": "hint", "hint_index": -1}, "has 3 step"),
        ({"max_tries": 0}, "max_tries"),
    ],
)
def test_bad_options_are_refused(item, kwargs: dict[str, object], message: str) -> None:  # type: ignore[no-untyped-def]
    max_tries = kwargs.pop("max_tries", 3)
    with pytest.raises(InputError, match=message):
        options = ExplainOptions(**kwargs)  # type: ignore[arg-type]
        explain(item, model=TemplateModel(), options=options, max_tries=max_tries)  # type: ignore[arg-type]


def test_stream_validates_before_generating(item) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="temperature"):
        explain_stream(item, model=TemplateModel(), options=ExplainOptions(temperature=2.0))
    with pytest.raises(InputError, match="has 3 step"):  # checked before the first piece
        explain_stream(item, model=TemplateModel(), options=ExplainOptions("hint", 3))


def test_temperature_bounds_are_accepted(item) -> None:  # type: ignore[no-untyped-def]
    for temperature in (0.1, 1.0):
        result = explain(
            item,
            model=TemplateModel(),
            stats=GuardStats(),
            options=ExplainOptions(temperature=temperature),
        )
        assert result.guard == "accepted"


def test_json_contract(item) -> None:  # type: ignore[no-untyped-def]
    result = explain(item, model=TemplateModel(), stats=GuardStats())
    assert isinstance(result, Explanation)
    data = result.to_json()
    assert set(data) == {"text", "guard", "reasons", "model", "template_text", "kind"}
    assert data["guard"] in ("accepted", "regenerated", "fallback")
    assert isinstance(data["reasons"], list) and data["model"] == "template"


def test_a_right_answer_is_not_called_wrong(item) -> None:  # type: ignore[no-untyped-def]
    from tutor.diagnosis.answer import diagnose_answer

    right = diagnose_answer(item, "3/2")
    result = explain(item, model=TemplateModel(), answer="3/2", diagnosis=right, stats=GuardStats())
    assert "You answered" not in result.text
    diagnosed = diagnose_answer(item, "7/9")
    wrong = explain(
        item, model=TemplateModel(), answer="7/9", diagnosis=diagnosed, stats=GuardStats()
    )
    assert "You answered 7/9" in wrong.text and wrong.guard == "accepted"
