"""The Streamlit app, run by ``streamlit.testing.v1.AppTest`` (the real scripts, no browser)
on an embedded SQLite store in ``tmp_path``: every page and role in both languages, the
refusals (a student never reaches teacher data), sign-in errors and the roster report."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tutor.access import School
from tutor.content.answers import check_answer
from tutor.content.bank import content_bank_for
from tutor.content.curricula import default_curriculum
from tutor.content.items import regenerate
from tutor.content.misconceptions import buggy_answer, misconceptions_for_generator
from tutor.domain import Problem
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.i18n import render
from tutor.settings import Settings
from ui.i18n import text

UI = Path(__file__).resolve().parents[2] / "ui"
APP = str(UI / "app.py")
TIMEOUT = 60
#: Correct answers the seeded student has given: the tutor's next items (add_2digit) are
#: ones a buggy rule applies to, so the student can make a diagnosable mistake.
HISTORY = 24
GOAL = "whole_ops.add_2digit_regroup"
PASSWORDS = {"t1": "teacher-pass", "t2": "other-teacher", "s1": "student-pass", "s2": "pass-word-2"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with the default curriculum, two teachers, two classes and students;
    s1 has a practice history (built once, copied for each test)."""
    folder = tmp_path_factory.mktemp("world")
    store = open_store(f"sqlite:///{folder / 'kptutor.db'}", Settings(data_dir=folder))
    curriculum = default_curriculum()
    store.load_curriculum(curriculum)
    store.load_content(content_bank_for(curriculum.name))
    problem = {
        "body": "Solve $$2x + 3 = 7$$.",
        "steps": [{"title": "Subtract 3", "body": "$$2x = 4$$"}],
        "attribution": "From OATutor (CC BY 4.0), adapted from OpenStax Elementary Algebra.",
    }
    store.load_problems(
        "oatutor",
        [Problem("p1", "oatutor", "equations.two_step", ("s",), "Two-step", json.dumps(problem))],
    )
    engine = Engine(store)
    school = School(engine)
    for teacher, name, group in (("t1", "Ms Lin", "c1"), ("t2", "Mr Ode", "c2")):
        school.add_teacher(teacher, name)
        school.set_password(teacher, PASSWORDS[teacher])
        school.create_class(group, f"Class {group}", teacher)
    school.add_student_with_password("s1", "Ann", "c1", PASSWORDS["s1"], GOAL)
    school.add_student_with_password("s2", "Bo", "c1", PASSWORDS["s2"], GOAL)
    school.add_student_with_password("x9", "Other", "c2", "other-student", GOAL)
    for _ in range(HISTORY):
        item = engine.next_item("s1").item
        assert item is not None
        engine.submit("s1", item.item_id, item.answer)
    wrong = engine.next_item("s2").item
    assert wrong is not None
    engine.submit("s2", wrong.item_id, "12345")
    engine.hint("s2", wrong.item_id)
    engine.submit("s2", wrong.item_id, "54321")
    engine.show_solution("s2", wrong.item_id)
    store.close()
    return folder


@pytest.fixture
def store_url(world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the world, chosen through the environment as `make app` does."""
    for path in world.glob("kptutor.db*"):
        shutil.copy(path, tmp_path / path.name)
    url = f"sqlite:///{tmp_path / 'kptutor.db'}"
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TUTOR_STORE", url)
    return url


@pytest.fixture
def other_store(store_url: str) -> Iterator[Engine]:
    """The same store through a second engine, to check what the app wrote."""
    store = open_store(store_url, Settings.from_env())
    yield Engine(store)
    store.close()


def start(lang: str = "en", script: str = APP) -> AppTest:
    at = AppTest.from_file(script, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    return at.run()


#: A typeset formula (tutor.mathtext): its plain form is its label.
_FORMULA = re.compile(r'<span role="img" aria-label="([^"]*)">\$[^$]*\$</span>')
_NOWRAP = re.compile(r'<span style="white-space: nowrap">|</span>')


def read(markdown: str) -> str:
    """Markdown as a screen reader reads it: each typeset formula as its plain form."""
    return _NOWRAP.sub("", _FORMULA.sub(lambda m: html.unescape(m.group(1)), markdown))


def shown(at: AppTest) -> str:
    """Everything the page says, as one string (to search); formulas in their plain form."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.error] + [str(e.value) for e in at.success]
    parts += [e.label for e in at.metric] + [e.label for e in at.expander]
    return read("\n".join(parts))


def drawn(cell: object) -> object:
    """A cell of ``st.table`` as the browser shows it: Streamlit draws each text cell as
    Markdown (read here by a CommonMark parser: emphasis, list and heading marks, HTML
    dropped, escapes undone)."""
    if not isinstance(cell, str):
        return cell
    words = []
    for token in MarkdownIt("commonmark").parse(cell):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
    return "".join(words)


def column(at: AppTest, name: str) -> list[object]:
    """One column of the page's first table, as shown."""
    return [drawn(cell) for cell in at.table[0].value[name]]


def button(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def sign_in(at: AppTest, user: str, password: str, lang: str = "en") -> AppTest:
    at.text_input(key="sign_in_user").input(user)
    at.text_input(key="sign_in_password").input(password)
    button(at, text(lang, "sign_in"))
    assert not at.exception, at.exception
    return at


ITEM_ID = re.compile(r"[a-z0-9_]+:\d+:\d+")


def item_on_page(at: AppTest) -> str:
    """The id of the item the practice page shows (kept in the tab's state; a child never
    sees an id, so the page must not show it)."""
    current = at.session_state["u_next"]
    assert current.item is not None, shown(at)
    page = shown(at)
    assert current.item.prompt in page or (current.item.prompt_zh or "") in page
    assert not ITEM_ID.search(page), f"an id on the student's page: {page}"
    return str(current.item.item_id)


def answer(at: AppTest, value: str, lang: str = "en") -> None:
    box = next(w for w in at.text_input if w.label == text(lang, "your_answer"))
    box.input(value)
    button(at, text(lang, "check"))
    assert not at.exception, at.exception


# -- signed out -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_signed_out_sees_sign_in_and_the_curriculum_only(store_url: str, lang: str) -> None:
    at = start(lang)
    assert not at.exception
    assert at.title[0].value == text(lang, "app_title")
    page = shown(at)
    assert text(lang, "stat_knowledge_points") in page and "386" in [
        str(m.value) for m in at.metric
    ]
    assert text(lang, "demo_hint") not in page  # no demo teacher in this store
    assert at.radio(key="lang").value == lang  # the language switch is on the page
    for private in ("views/practice.py", "views/dashboard.py", "views/roster.py"):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(private)
    at.switch_page("views/curriculum.py").run()
    assert not at.exception
    assert at.title[0].value == text(lang, "page_curriculum")


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_wrong_password_or_user_gets_one_message(store_url: str, lang: str) -> None:
    for user, password in (("s1", "not-the-password"), ("nobody", PASSWORDS["s1"])):
        at = sign_in(start(lang), user, password, lang)
        assert [e.value for e in at.error] == [text(lang, "wrong_credentials")]
        assert "token" not in at.session_state


def test_switching_language_changes_the_page(store_url: str) -> None:
    at = start("en")
    at.radio(key="lang").set_value("zh-Hans").run()
    assert at.title[0].value == text("zh-Hans", "app_title")
    assert text("zh-Hans", "user_id") in [w.label for w in at.text_input]


def test_an_empty_store_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TUTOR_STORE", f"sqlite:///{tmp_path / 'empty.db'}")
    at = start()
    assert not at.exception
    assert "tutor graph load default" in at.warning[0].value


# -- students -----------------------------------------------------------------------------


def names_the_misconception(item_id: str, wrong: str, lang: str, page: str) -> bool:
    """Whether ``page`` names the misconception the wrong answer shows: a sentence of its
    description (in the page's language) is on it."""
    item = regenerate(item_id)
    (mc,) = [
        m for m in misconceptions_for_generator(item.generator) if buggy_answer(m.id, item) == wrong
    ][:1]
    words = mc.description if lang == "en" else (mc.description_zh or mc.description)
    sentences = [s.strip(" .。") for s in re.split(r"(?<=[.。])\s*", words) if len(s) > 8]
    return any(sentence in page for sentence in sentences)


def states(answer: str, page: str) -> bool:
    """Whether ``page`` states ``answer`` as a number of its own (not part of another)."""
    return re.search(rf"(?<![\d./]){re.escape(answer)}(?![\d/]|\.\d)", page) is not None


def _buggy(item_id: str) -> tuple[str, str]:
    """A misconception's description (English) and the wrong answer it gives for the item."""
    item = regenerate(item_id)
    bugs = [
        (mc.description, wrong)
        for mc in misconceptions_for_generator(item.generator)
        if (wrong := buggy_answer(mc.id, item))
    ]
    assert bugs, f"the seeded history should lead to an item with a buggy rule: {item_id}"
    return bugs[0]


_SAID = {"title", "header", "subheader", "markdown", "caption", "info", "warning", "success"}


def in_order(at: AppTest) -> str:
    """What the main area says and which buttons it has, top to bottom (as a child reads
    it; :func:`shown` groups by kind instead)."""
    lines: list[str] = []

    def walk(node: object) -> None:
        kind = getattr(node, "type", "")
        if kind in _SAID or kind == "error":
            lines.append(str(getattr(node, "value", "")))
        elif kind in ("button", "form_submit_button"):
            lines.append(f"[{getattr(node, 'label', '')}]")
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for index in sorted(children):
                walk(children[index])

    walk(at.main)
    return read("\n".join(lines))


def _order(page: str, *parts: str) -> None:
    """``parts`` are on the page, each once, in this order."""
    places = []
    for part in parts:
        assert page.count(part) == 1, (part, page)
        places.append(page.index(part))
    assert places == sorted(places), (parts, page)


def test_student_answers_right_and_asks_why(store_url: str) -> None:
    at = sign_in(start(), "s1", PASSWORDS["s1"])
    assert at.title[0].value == text("en", "page_practice")
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("views/dashboard.py")
    first = regenerate(item_on_page(at))
    answer(at, first.answer)
    assert [s.value for s in at.success] == [text("en", "fb_correct")]
    # The verdict is said once: no bare "Correct!" from the checker underneath it.
    assert render("answer.correct", {}, "en") not in shown(at)
    assert text("en", "try_again_title") not in shown(at)  # nothing to try again
    button(at, text("en", "why_button"))
    page = shown(at)
    why = page.split(text("en", "why_title"), 1)[-1]
    assert len(why.strip()) > 20, page  # the short why, not just the answer
    button(at, text("en", "next_problem"))
    assert item_on_page(at) != first.item_id


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_wrong_answer_teaches_before_it_tells(
    store_url: str, other_store: Engine, lang: str
) -> None:
    """Wrong → verdict once and feedback, no solution; hints 1 and 2 in order; a wrong
    second try → the worked solution; the teacher's log has the whole turn."""
    at = sign_in(start(lang), "s1", PASSWORDS["s1"], lang)
    first = regenerate(item_on_page(at))
    answer(at, first.answer, lang)  # one right answer: the next item has a buggy rule
    button(at, text(lang, "next_problem"))
    item_id = item_on_page(at)
    _, wrong = _buggy(item_id)
    answer(at, wrong, lang)
    page = in_order(at)
    assert [w.value for w in at.warning] == [text(lang, "fb_incorrect")]  # the verdict, once
    assert render("answer.incorrect", {}, "en") not in page
    assert text(lang, "solution_title") not in page  # no solution with "have another look"
    assert f"[{text(lang, 'next_problem')}]" not in page
    _order(
        page,
        text(lang, "you_answered", answer=wrong),
        text(lang, "fb_incorrect"),
        f"[{text(lang, 'hint_button', n=1)}]",
        text(lang, "try_again_title"),
        f"[{text(lang, 'check_again')}]",
        f"[{text(lang, 'show_solution')}]",
    )
    feedback = page.split(text(lang, "fb_incorrect"), 1)[1]
    feedback = feedback.split(f"[{text(lang, 'hint_button', n=1)}]", 1)[0]
    assert len(feedback.strip()) > 20, page  # the feedback text, between verdict and hints
    assert names_the_misconception(item_id, wrong, lang, page)
    button(at, text(lang, "hint_button", n=1))
    button(at, text(lang, "hint_button", n=2))
    page = in_order(at)
    _order(
        page,
        text(lang, "fb_incorrect"),
        text(lang, "hint_n", n=1),
        text(lang, "hint_n", n=2),
        text(lang, "try_again_title"),
    )
    assert text(lang, "solution_title") not in page
    assert not states(regenerate(item_id).answer, page)  # no answer before the second miss
    assert text(lang, "hint_button", n=3) in [b.label for b in at.button]
    box = next(w for w in at.text_input if w.label == text(lang, "your_second_try"))
    box.input("12345")
    button(at, text(lang, "check_again"))
    assert not at.exception, at.exception
    page = in_order(at)
    _order(
        page,
        text(lang, "fb_incorrect"),
        text(lang, "hint_n", n=2),
        text(lang, "your_second_answer", answer="12345"),
        text(lang, "retry_incorrect"),
        text(lang, "solution_title"),
    )
    solution = page.split(text(lang, "solution_title"), 1)[1]
    assert len(solution.strip()) > 40
    assert text(lang, "try_again_title") not in page
    assert text(lang, "next_problem") in [b.label for b in at.button]
    (logged,) = [a for a in other_store.store.attempts("s1") if a.item_id == item_id]
    assert (logged.answer, logged.correct, logged.hints) == (wrong, False, (1, 2))
    assert (logged.retry_answer, logged.retry_status, logged.solution_shown) == (
        "12345",
        "incorrect",
        True,
    )


def test_a_right_second_try_and_an_unreadable_one(store_url: str, other_store: Engine) -> None:
    at = sign_in(start(), "s1", PASSWORDS["s1"])
    before = len(other_store.store.attempts("s1"))
    item = regenerate(item_on_page(at))
    answer(at, "3 +* 4")
    assert text("en", "fb_unreadable") in shown(at)
    assert len(other_store.store.attempts("s1")) == before  # not counted
    answer(at, "12345")
    box = next(w for w in at.text_input if w.label == text("en", "your_second_try"))
    box.input("3 +* 4")
    button(at, text("en", "check_again"))
    assert text("en", "fb_unreadable") in shown(at)  # the second try is still open
    box = next(w for w in at.text_input if w.label == text("en", "your_second_try"))
    box.input(item.answer)
    button(at, text("en", "check_again"))
    page = shown(at)
    assert [s.value for s in at.success] == [text("en", "retry_correct")]
    assert text("en", "solution_title") not in page  # solved: no solution pushed
    assert text("en", "why_button") in [b.label for b in at.button]
    assert len(other_store.store.attempts("s1")) == before + 1
    assert other_store.store.attempts("s1")[-1].retry_status == "correct"


def test_asking_for_the_solution_ends_the_turn(store_url: str, other_store: Engine) -> None:
    at = sign_in(start(), "s1", PASSWORDS["s1"])
    item_id = item_on_page(at)
    answer(at, "12345")
    button(at, text("en", "show_solution"))
    page = shown(at)
    assert text("en", "solution_title") in page and text("en", "try_again_title") not in page
    assert text("en", "next_problem") in [b.label for b in at.button]
    assert other_store.store.attempts("s1")[-1].solution_shown
    assert other_store.store.attempts("s1")[-1].item_id == item_id


def test_checker_details_are_in_chinese_on_a_chinese_page(
    store_url: str, other_store: Engine
) -> None:
    lang = "zh-Hans"
    at = sign_in(start(lang), "s1", PASSWORDS["s1"], lang)
    before = len(other_store.store.attempts("s1"))
    item = regenerate(item_on_page(at))
    assert item.answer.isdigit(), item.answer  # the seeded path asks for whole numbers
    not_simplified = f"{2 * int(item.answer)}/2"  # the right value, not in simplest form
    cases = [
        (not_simplified, "fb_not_simplified", "结果是对的——现在把它化成最简形式。"),
        # What the student typed is echoed as typed: a code span, not Markdown.
        ("3 +* 4", "fb_unreadable", "我没能读懂“`3 +* 4`”——有两个符号连在了一起（“+ *”）。"),
        ("1" * 300, "fb_unreadable", "这个答案太长了——请只写答案（最多 200 个字符）。"),
    ]
    for given, headline, chinese in cases:
        result = check_answer(given, item.answer, item.policy)
        english = render(result.code, result.params, "en")
        answer(at, given, lang)
        page = shown(at)
        assert text(lang, headline) in page
        assert chinese in [c.value for c in at.caption], page
        assert english not in page
    assert len(other_store.store.attempts("s1")) == before  # none of them counted


def _show_answer_errors() -> None:
    """An AppTest script: the errors an answer can bring, through the app's error display."""
    from tutor.content.answers import UnreadableAnswer, parse_answer
    from tutor.errors import StoreBusy, StoreConflict
    from ui import state

    try:
        parse_answer("1" * 300)
    except UnreadableAnswer as exc:
        state.show_error(exc)
    state.show_error(StoreConflict("too many answers arrived at the same moment"))
    state.show_error(StoreBusy("Neo4j at … did not finish the request within 5 s"))


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_answer_errors_are_shown_in_the_tabs_language(lang: str) -> None:
    at = AppTest.from_function(_show_answer_errors, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    too_long = {
        "en": "That answer is too long — please write just the answer (at most 200 characters).",
        "zh-Hans": "这个答案太长了——请只写答案（最多 200 个字符）。",
    }
    assert [e.value for e in at.error] == [
        too_long[lang],
        text(lang, "answer_not_saved"),
        text(lang, "store_busy"),
    ]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_student_path_page_draws_the_map(store_url: str, lang: str) -> None:
    at = sign_in(start(lang), "s1", PASSWORDS["s1"], lang)
    item = regenerate(item_on_page(at))
    assert (item.prompt_zh if lang != "en" else item.prompt) in shown(at)
    at.switch_page("views/progress.py").run()
    assert not at.exception
    page = shown(at)
    assert text(lang, "your_path") in page and text(lang, "your_map") in page
    charts = at.get("graphviz_chart")
    assert len(charts) == 1
    dot = charts[0].proto.spec
    assert dot.startswith("digraph") and f'"{GOAL}"' in dot and "->" in dot
    assert "#54a24b" in dot or "#" in dot  # filled by mastery


def test_student_forcing_teacher_pages_is_refused(store_url: str) -> None:
    at = sign_in(start(), "s1", PASSWORDS["s1"])
    token = at.session_state["token"]
    for page in ("dashboard.py", "student_detail.py", "roster.py"):
        forced = AppTest.from_file(str(UI / "views" / page), default_timeout=TIMEOUT)
        forced.session_state["token"] = token
        forced.run()
        assert not forced.exception
        assert [e.value for e in forced.error] == [text("en", "access_denied")]
        page_text = shown(forced)
        assert "Bo" not in page_text and "s2" not in page_text and "c1" not in page_text
        assert not forced.get("vega_lite_chart") and not forced.selectbox


def test_signed_out_forcing_a_student_page_is_asked_to_sign_in(store_url: str) -> None:
    forced = AppTest.from_file(str(UI / "views" / "practice.py"), default_timeout=TIMEOUT).run()
    assert [e.value for e in forced.error] == [text("en", "sign_in_first")]


def test_sign_out_ends_the_session(store_url: str) -> None:
    at = sign_in(start(), "s1", PASSWORDS["s1"])
    token = at.session_state["token"]
    button(at, text("en", "sign_out"))
    assert "token" not in at.session_state
    assert at.title[0].value == text("en", "app_title")
    forced = AppTest.from_file(str(UI / "views" / "practice.py"), default_timeout=TIMEOUT)
    forced.session_state["token"] = token
    forced.run()
    assert [e.value for e in forced.error] == [text("en", "sign_in_first")]


# -- teachers -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_teacher_dashboard(store_url: str, lang: str) -> None:
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    assert at.title[0].value == text(lang, "page_dashboard")
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("views/practice.py")
    chosen = at.selectbox(key="u_class").value
    assert chosen is not None and chosen.id == "c1"
    assert at.selectbox(key="u_class").options == ["Class c1 (c1)"]  # never t2's class
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[text(lang, "metric_students")] == "2"
    assert len(at.get("vega_lite_chart")) >= 2  # heatmap and weakest points
    page = shown(at)
    assert text(lang, "heatmap") in page and text(lang, "top_misconceptions") in page
    assert len(at.get("download_button")) == 1


def test_teacher_sets_a_class_goal(store_url: str, other_store: Engine) -> None:
    at = sign_in(start(), "t1", PASSWORDS["t1"])
    goal = "fractions.add_like"
    box = at.selectbox(key="u_class_goal:c1")
    box.select_index(next(i for i, o in enumerate(box.options) if o.endswith(f"· {goal}")))
    button(at, text("en", "set_class_goal"))
    assert not at.exception
    button(at, text("en", "class_goal_yes"))  # a change for the whole class is confirmed
    assert not at.exception
    assert [s.goal for s in other_store.store.list_students("c1")] == [goal, goal]
    assert [s.goal for s in other_store.store.list_students("c2")] == [GOAL]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_teacher_drills_down_to_a_student(store_url: str, other_store: Engine, lang: str) -> None:
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    at.switch_page("views/student_detail.py").run()
    assert not at.exception
    box = at.selectbox(key="u_student")
    box.select_index(next(i for i, o in enumerate(box.options) if o.endswith("(s1)"))).run()
    assert len(at.table[0].value) == HISTORY  # fewer than the 30 the page lists
    logged = other_store.store.attempts("s1")
    questions = [
        (regenerate(a.item_id).prompt_zh or "") if lang != "en" else regenerate(a.item_id).prompt
        for a in logged
    ]
    assert column(at, text(lang, "col_question")) == questions[::-1]  # whole, newest first
    assert column(at, text(lang, "col_hints")) == [0] * len(logged)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_drill_down_shows_the_tutoring_turn(store_url: str, lang: str) -> None:
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    at.switch_page("views/student_detail.py").run()
    box = at.selectbox(key="u_student")
    box.select_index(next(i for i, o in enumerate(box.options) if o.endswith("(s2)"))).run()
    assert column(at, text(lang, "col_answer")) == ["12345"]
    assert column(at, text(lang, "col_hints")) == [1]
    assert column(at, text(lang, "col_second_try")) == [
        text(lang, "second_try_cell", answer="54321", verdict=text(lang, "status_incorrect"))
    ]
    assert column(at, text(lang, "col_solution")) == [text(lang, "yes")]
    (when,) = column(at, text(lang, "col_when"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", str(when))
    assert text(lang, "path") in shown(at)


def test_roster_with_bad_rows_shows_the_report_and_writes_nothing(
    store_url: str, other_store: Engine
) -> None:
    at = sign_in(start(), "t1", PASSWORDS["t1"])
    at.switch_page("views/roster.py").run()
    bad = (
        "student_id,name,password\n"
        "n1,Nia,long-enough-1\n"
        "n 2,Nat,long-enough-2\n"  # a space in the id
        "n3,Ned,short\n"  # password too short
        "s1,Ann again,long-enough-3\n"  # taken
    )
    at.file_uploader[0].set_value(("roster.csv", bad.encode(), "text/csv")).run()
    button(at, text("en", "import_roster"))
    assert not at.exception
    assert [e.value for e in at.error] == [text("en", "roster_rejected", n=3)]
    report = at.dataframe[0].value
    assert sorted(set(report[text("en", "col_line")])) == [3, 4, 5]
    assert [s.id for s in other_store.store.list_students("c1")] == ["s1", "s2"]
    # One bad row is said in the singular.
    one = "student_id,name,password\nn1,Nia,long-enough-1\nn3,Ned,short\n"
    at.file_uploader[0].set_value(("one.csv", one.encode(), "text/csv")).run()
    button(at, text("en", "import_roster"))
    assert [e.value for e in at.error] == [text("en", "roster_rejected", n=1)]
    assert "1 row needs fixing" in at.error[0].value
    # On a Chinese page the report's reasons are Chinese.
    at.radio(key="lang").set_value("zh-Hans").run()
    at.file_uploader[0].set_value(("one.csv", one.encode(), "text/csv")).run()
    button(at, text("zh-Hans", "import_roster"))
    reasons = list(at.dataframe[0].value[text("zh-Hans", "col_reason")])
    assert reasons == [render("roster.password_too_short", {"limit": 8}, "zh-Hans")]
    at.radio(key="lang").set_value("en").run()

    good = "student_id,name,password\nn1,Nia,long-enough-1\nn2,Nat,long-enough-2\n"
    at.file_uploader[0].set_value(("roster.csv", good.encode(), "text/csv")).run()
    button(at, text("en", "import_roster"))
    assert [s.value for s in at.success] == [text("en", "roster_imported", n=2)]
    assert [s.id for s in other_store.store.list_students("c1")] == ["n1", "n2", "s1", "s2"]


def test_teacher_creates_a_class_and_adds_a_student(store_url: str, other_store: Engine) -> None:
    at = sign_in(start("zh-Hans"), "t1", PASSWORDS["t1"], "zh-Hans")
    at.switch_page("views/roster.py").run()
    at.text_input(key="u_new_class_id").input("c3")
    at.text_input(key="u_new_class_name").input("三班")
    button(at, text("zh-Hans", "create"))
    assert [s.value for s in at.success] == [text("zh-Hans", "class_created", class_id="c3")]
    box = at.selectbox(key="u_roster_class")
    box.select_index(box.options.index("三班 (c3)")).run()
    at.text_input(key="u_new_student_id").input("m1")
    at.text_input(key="u_new_student_name").input("小明")
    at.text_input(key="u_new_student_password").input("xiaoming-pw")
    button(at, text("zh-Hans", "add"))
    assert not at.exception
    assert [(s.id, s.name) for s in other_store.store.list_students("c3")] == [("m1", "小明")]
    assert School(other_store).sign_in("m1", "xiaoming-pw").role == "student"


# -- curriculum ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_curriculum_page(store_url: str, lang: str) -> None:
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    at.switch_page("views/curriculum.py").run()
    at.text_input(key="curriculum_search").input("two-step").run()
    assert not at.exception
    options = at.selectbox(key="cur_kp").options
    assert any("equations.two_step" in o for o in options)
    box = at.selectbox(key="cur_kp")
    box.select_index(next(i for i, o in enumerate(box.options) if "equations.two_step" in o))
    at.run()
    dot = at.get("graphviz_chart")[0].proto.spec
    assert '"equations.two_step"' in dot and "->" in dot
    page = shown(at)
    assert "Common Core State Standards" in page  # the CCSS notice stays with the standards
    assert "OpenStax" in page  # the imported problem's attribution
    levels = [
        e.label
        for e in at.expander
        if e.label.startswith(text(lang, "item_level", level=1, prompt=""))
    ]
    assert len(levels) == 1 and "x" in levels[0]  # a level-1 item with its prompt
    at.text_input(key="curriculum_search").input("").run()
    at.selectbox(key="cur_grade").set_value("1").run()
    grade_1 = at.selectbox(key="cur_kp").options
    assert grade_1 and all(
        text(lang, "kp_label", name="", grade="1", id="")[2:] in o for o in grade_1
    )


def test_a_stale_token_is_sent_back_to_sign_in(store_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["token"] = "not-a-live-session"
    at.run()
    assert not at.exception
    assert text("en", "session_expired") in [w.value for w in at.warning]
    assert "token" not in at.session_state


def test_another_teacher_sees_only_their_own_class(store_url: str) -> None:
    at = sign_in(start(), "t2", PASSWORDS["t2"])
    assert at.selectbox(key="u_class").options == ["Class c2 (c2)"]
    assert {m.label: m.value for m in at.metric}[text("en", "metric_students")] == "1"


def test_the_language_is_kept_in_the_url(store_url: str) -> None:
    """A reload or a bookmark keeps the language: it is the URL's ``lang`` parameter."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh-Hans"
    at.run()
    assert at.title[0].value == text("zh-Hans", "app_title")
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == text("en", "app_title")
    assert at.query_params["lang"] == "en"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "klingon"  # an unknown language: the default, no error
    at.run()
    assert not at.exception and at.title[0].value == text("en", "app_title")


def test_a_signed_in_name_is_shown_as_typed(store_url: str, other_store: Engine) -> None:
    School(other_store).add_student_with_password(
        "s7", "[win](http://e.vil) $\\frac12$", "c1", "seven-pass", GOAL
    )
    at = sign_in(start(), "s7", "seven-pass")
    captions = [c.value for c in at.sidebar.caption]
    assert text("en", "signed_in_as", name="`[win](http://e.vil) $\\frac12$`") in captions
