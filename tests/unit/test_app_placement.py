"""The initial knowledge check in the app (issue 16), run by ``AppTest`` on a real store:
a new student's first visit goes "Let's find where to start" → one question at a time with
a progress bar and no right/wrong → a summary in the tab's language → practice at the
frontier; signing in again mid-check resumes at the same question; the teacher sees the
placement and asks for a re-check (confirmed)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.unit.test_app import button, item_on_page, shown, sign_in, start
from tutor.access import School
from tutor.content.bank import content_bank_for
from tutor.content.curricula import default_curriculum
from tutor.content.items import regenerate
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.settings import Settings
from ui.i18n import text

GOAL = "whole_ops.add_2digit_regroup"
PASSWORDS = {"t1": "teacher-pass", "n1": "new-student", "n2": "new-student-2"}
#: What the simulated newcomer knows: they answer right on these points, "I don't know"
#: on the rest (the check never says which was which).
KNOWS = ("place_value.count_to_120", "place_value.teen_numbers", "whole_ops.add_within_10")
VERDICTS = ("fb_correct", "fb_incorrect")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the default curriculum, a teacher, a class, and two new students."""
    folder = tmp_path_factory.mktemp("placement_world")
    store = open_store(f"sqlite:///{folder / 'kptutor.db'}", Settings(data_dir=folder))
    curriculum = default_curriculum()
    store.load_curriculum(curriculum)
    store.load_content(content_bank_for(curriculum.name))
    school = School(Engine(store))
    school.add_teacher("t1", "Ms Lin")
    school.set_password("t1", PASSWORDS["t1"])
    school.create_class("c1", "Class 2B", "t1")
    school.add_student_with_password("n1", "Nia", "c1", PASSWORDS["n1"], GOAL)
    school.add_student_with_password("n2", "Ned", "c1", PASSWORDS["n2"], GOAL)
    store.close()
    return folder


@pytest.fixture
def engine(world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A private copy of the world for the app (through the environment) and this engine."""
    for path in world.glob("kptutor.db*"):
        shutil.copy(path, tmp_path / path.name)
    url = f"sqlite:///{tmp_path / 'kptutor.db'}"
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TUTOR_STORE", url)
    store = open_store(url, Settings.from_env())
    yield Engine(store)
    store.close()


def current_item(engine: Engine, student: str) -> str:
    turn = engine.placement_turn(student)
    assert turn is not None and turn.item is not None
    return turn.item.item_id


def answer_question(at: AppTest, engine: Engine, student: str, lang: str) -> str:
    """Answer the question on the page as the newcomer would; the item id answered."""
    item = regenerate(current_item(engine, student))
    assert (item.prompt_zh if lang != "en" else item.prompt) in shown(at)
    if item.kp in KNOWS:
        box = next(w for w in at.text_input if w.label == text(lang, "your_answer"))
        box.input(item.answer)
        button(at, text(lang, "placement_next"))
    else:
        button(at, text(lang, "placement_dont_know"))
    assert not at.exception, at.exception
    return item.item_id


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_new_students_first_visit_is_check_then_summary_then_practice(
    engine: Engine, lang: str
) -> None:
    at = sign_in(start(lang), "n1", PASSWORDS["n1"], lang)
    assert at.title[0].value == text(lang, "placement_title")
    asked = 0
    while at.title[0].value == text(lang, "placement_title") and not at.success:
        page = shown(at)
        # One question at a time, with a progress bar, and never a verdict.
        assert text(lang, "placement_question", n=asked + 1) in page
        assert len(at.get("progress")) == 1
        assert not any(text(lang, v) in page for v in VERDICTS)
        answer_question(at, engine, "n1", lang)
        asked += 1
        assert asked <= 30
    # The summary, in the tab's language, then practice.
    placed = engine.placement("n1")
    assert placed is not None and placed.items_used == asked
    summary = placed.summary_zh if lang != "en" else placed.summary
    assert [s.value for s in at.success] == [summary]
    assert not any(text(lang, v) in shown(at) for v in VERDICTS)
    button(at, text(lang, "placement_start_practice"))
    assert at.title[0].value == text(lang, "page_practice")
    practised = regenerate(item_on_page(at))
    assert practised.kp in placed.frontier  # practice starts where the check placed them
    # Nothing the newcomer already showed is practised first.
    assert practised.kp not in KNOWS


def test_signing_in_again_mid_check_resumes_at_the_same_question(engine: Engine) -> None:
    at = sign_in(start(), "n2", PASSWORDS["n2"])
    answered = [answer_question(at, engine, "n2", "en") for _ in range(2)]
    waiting = current_item(engine, "n2")
    assert waiting not in answered
    # A reload starts a new browser session: sign in again, and the check goes on.
    again = sign_in(start(), "n2", PASSWORDS["n2"])
    page = shown(again)
    assert again.title[0].value == text("en", "placement_title")
    assert text("en", "placement_question", n=3) in page
    assert regenerate(waiting).prompt in page
    assert current_item(engine, "n2") == waiting


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_teacher_sees_the_placement_and_asks_for_a_recheck(engine: Engine, lang: str) -> None:
    turn = engine.start_placement("n1", max_items=3)
    while not turn.done:
        assert turn.item is not None
        turn = engine.answer_placement("n1", turn.item.item_id, "")
    placed = engine.placement("n1")
    assert placed is not None and not engine.needs_placement("n1")
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    at.switch_page("views/student_detail.py").run()
    box = at.selectbox(key="u_student")
    box.select_index(next(i for i, o in enumerate(box.options) if o.endswith("(n1)"))).run()
    page = shown(at)
    assert text(lang, "placement_teacher") in page
    total = len(placed.known) + len(placed.not_known)
    assert f"{len(placed.known)}/{total}" in page or f"{len(placed.known)} of {total}" in page
    assert "You already know" not in page  # the student's "you" summary is not the teacher's
    # Asking for a re-check needs a confirmation; cancelling asks nothing.
    button(at, text(lang, "placement_recheck"))
    assert text(lang, "placement_recheck_confirm", name="Nia") in shown(at)
    button(at, text(lang, "placement_recheck_no"))
    assert not engine.needs_placement("n1")
    button(at, text(lang, "placement_recheck"))
    button(at, text(lang, "placement_recheck_yes"))
    assert not at.exception, at.exception
    assert text(lang, "placement_recheck_done", name="Nia") in shown(at)
    assert engine.needs_placement("n1")


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_stuck_student_reads_a_worked_example_first(engine: Engine, lang: str) -> None:
    # n2 answers the first point wrong eight times in a row (no knowledge check asked of a
    # student with answers): the ninth item comes with a solved one of the same kind.
    kps = set()
    for _ in range(8):
        nxt = engine.next_item("n2")
        assert nxt.item is not None
        kps.add(nxt.item.kp)
        engine.submit("n2", nxt.item.item_id, "98765")
    # The last turn ends (asked for the solution): a new page would otherwise go on with it.
    engine.show_solution("n2", nxt.item.item_id)
    nxt = engine.next_item("n2")
    # The first point is a root at its easiest level: nothing to re-check, nothing easier.
    assert kps == {"place_value.count_to_120"} and nxt.choice.approach == "worked_example"
    assert nxt.example is not None and nxt.item is not None
    at = sign_in(start(lang), "n2", PASSWORDS["n2"], lang)
    assert at.title[0].value == text(lang, "page_practice")
    assert text(lang, "worked_example") in [e.label for e in at.expander]
    page = shown(at)
    steps = [s.text_zh if lang != "en" else s.text for s in nxt.example.steps]
    assert steps and all(step in page for step in steps)
    assert item_on_page(at) == nxt.item.item_id  # then the item to answer
    reason = nxt.choice.reason_zh if lang != "en" else nxt.choice.reason
    assert reason in shown(at)
