"""Issue 18 in the app (AppTest, the real scripts on the store of tests/unit/test_app.py):
maths typeset with a plain form for screen readers, the student's answer echoed as typed,
hints in one list above their button, the tutor's texts worded again on a language
switch, and the roster's small things (one student, an empty password, the id rule)."""

from __future__ import annotations

import re

import pytest

from tests.unit import test_app
from tests.unit.test_app import (
    PASSWORDS,
    answer,
    button,
    in_order,
    item_on_page,
    sign_in,
    start,
)
from tutor.content.items import regenerate
from tutor.engine import Engine
from tutor.i18n import render
from tutor.mathtext import to_markdown
from ui.i18n import text

CJK = re.compile(r"[\u4e00-\u9fff]")
# The store fixtures of the app's tests (a store with a teacher, a class, practised students).
world = test_app.world
store_url = test_app.store_url
other_store = test_app.other_store


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_problem_is_typeset_and_labelled_with_its_plain_form(store_url: str, lang: str) -> None:
    at = sign_in(start(lang), "s1", PASSWORDS["s1"], lang)
    item = regenerate(item_on_page(at))
    prompt = item.prompt_zh if lang != "en" else item.prompt
    markdown = [m.value for m in at.markdown]
    assert to_markdown(prompt, accessible=True) in markdown
    (formula,) = re.findall(r"\d+ \+ \d+", prompt)  # "Work out 53 + 13." / "计算：53 + 13 = ?"
    shown_prompt = next(m for m in markdown if "aria-label" in m)
    assert f'<span role="img" aria-label="{formula}' in shown_prompt  # what a reader says
    assert f"${formula}" in shown_prompt  # what KaTeX draws


def test_the_answer_is_echoed_as_typed_and_hints_stay_in_order(store_url: str) -> None:
    at = sign_in(start(), "s1", PASSWORDS["s1"])
    item_on_page(at)
    answer(at, "1/2")  # a readable wrong answer that KaTeX would draw as a fraction
    captions = [c.value for c in at.caption]
    assert text("en", "you_answered", answer="`1/2`") in captions
    page = "\n".join(m.value for m in at.markdown) + "\n".join(captions)
    assert 'aria-label="1/2"' not in page and r"\frac{1}{2}" not in page  # never typeset
    button(at, text("en", "hint_button", n=1))
    button(at, text("en", "hint_button", n=2))
    page = in_order(at)
    places = [
        page.index(part)
        for part in (
            text("en", "hint_n", n=1),
            text("en", "hint_n", n=2),
            f"[{text('en', 'hint_button', n=3)}]",
            text("en", "try_again_title"),
        )
    ]
    assert places == sorted(places), page  # the newest hint under the older, above the button


def test_a_language_switch_words_the_tutors_texts_again(store_url: str) -> None:
    """Feedback and a hint worded in English are worded again in Chinese when the page
    switches language (nothing is left in the old language)."""
    at = sign_in(start(), "s1", PASSWORDS["s1"])
    item_on_page(at)
    answer(at, "12345")
    button(at, text("en", "hint_button", n=1))
    english = in_order(at)
    said = english.split(text("en", "fb_incorrect"), 1)[1].split(text("en", "try_again_title"))[0]
    assert len(said) > 40 and not CJK.search(said)
    at.radio(key="lang").set_value("zh-Hans").run()
    assert not at.exception
    chinese = in_order(at)
    said = chinese.split(text("zh-Hans", "fb_incorrect"), 1)[1]
    feedback, hint = said.split(text("zh-Hans", "hint_n", n=1), 1)
    hint = hint.split(text("zh-Hans", "try_again_title"), 1)[0]
    assert CJK.search(feedback) and CJK.search(hint), chinese
    for line in english.splitlines():  # none of the English texts is still there
        if len(line) > 30:
            assert line not in chinese, line


def test_one_student_is_said_in_the_singular(store_url: str, other_store: Engine) -> None:
    at = sign_in(start(), "t1", PASSWORDS["t1"])
    at.switch_page("views/roster.py").run()
    at.text_input(key="u_new_class_id").input("c3")
    at.text_input(key="u_new_class_name").input("Class 3")
    button(at, text("en", "create"))
    box = at.selectbox(key="u_roster_class")
    box.select_index(box.options.index("Class 3 (c3)")).run()
    one = "student_id,name,password\nn1,Nia,long-enough-1\n"
    at.file_uploader[0].set_value(("one.csv", one.encode(), "text/csv")).run()
    button(at, text("en", "import_roster"))
    assert [s.value for s in at.success] == ["Imported 1 student."]
    at.run()
    assert "1 student in c3." in [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_add_form_checks_what_it_says(store_url: str, other_store: Engine, lang: str) -> None:
    """An empty password is called empty; an id with a character the label does not list
    is refused with the rule; one it lists ("." too) is taken — in the page's language."""
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    at.switch_page("views/roster.py").run()

    def add(student_id: str, password: str) -> list[str]:
        at.text_input(key="u_new_student_id").input(student_id)
        at.text_input(key="u_new_student_name").input("Nia")
        at.text_input(key="u_new_student_password").input(password)
        button(at, text(lang, "add"))
        assert not at.exception
        return [e.value for e in at.error]

    empty = render("roster.password_empty", {"limit": 8}, lang)
    assert add("n1", "") == [
        text(lang, "field_problem", field=text(lang, "password"), reason=empty)
    ]
    rule = render("roster.id_characters", {}, lang)
    assert add("n 1", "long-enough-1") == [
        text(lang, "field_problem", field=text(lang, "student_id"), reason=rule)
    ]
    assert add("n@1", "long-enough-1")[0].endswith(rule)
    assert [s.id for s in other_store.store.list_students("c1")] == ["s1", "s2"]
    assert add("n.1", "long-enough-1") == []
    assert [s.value for s in at.success] == [
        text(lang, "student_added", student_id="n.1", class_id="c1")
    ]
    # The class form states the same rule, and checks it.
    at.text_input(key="u_new_class_id").input("c 9")
    at.text_input(key="u_new_class_name").input("Nine")
    button(at, text(lang, "create"))
    assert [e.value for e in at.error] == [text(lang, "class_id_characters")]
    assert "c 9" not in [c.id for c in other_store.store.list_classes()]


def test_the_curriculum_typesets_descriptions_and_item_previews(store_url: str) -> None:
    """A point's description and its items' steps are typeset; a "$" of money in a
    description is a dollar, not the start of a formula."""
    at = sign_in(start(), "t1", PASSWORDS["t1"])
    at.switch_page("views/curriculum.py").run()

    def choose(kp_id: str) -> list[str]:
        box = at.selectbox(key="cur_kp")
        box.select_index(next(i for i, o in enumerate(box.options) if f"· {kp_id}" in o))
        at.run()
        assert not at.exception
        return [str(m.value) for m in at.markdown]

    markdown = choose("whole_ops.make_ten_add")
    assert any('aria-label="8 + 6 = 8 + 2 + 4 = 14"' in m for m in markdown), markdown
    steps = [m for m in markdown if m.startswith("1. ")]
    assert steps and all("$" in m for m in steps)  # each level's first step, typeset
    prompts = [m for m in markdown if m.startswith("Work out <span") and "aria-label" in m]
    assert prompts, markdown  # each level's problem, typeset, under its plain title
    assert all("$" not in e.label for e in at.expander if e.label.startswith("Level"))
    markdown = choose("ratio.unit_rate")
    assert any(r"\$12 for 4 cans" in m for m in markdown), markdown
