"""The teacher's dashboard and drill-down tell the truth (issue 18, and issue 16's
wording): a point a student never tried is drawn and counted apart from a weak one, point
names are whole, the class-goal selector starts on the class's goal and a change needs a
confirmation, the class model's difference from the mastery heatmap is explained, the
drill-down shows whole questions and answers as typed (not read as Markdown), and a
student with answers who never had a knowledge check is not told "it starts the first time
they practise". AppTest on the seeded world of
``tests/unit/test_app.py``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit import test_app as app
from tests.unit.test_app import GOAL, PASSWORDS, button, column, shown, sign_in, start
from tutor.engine import Engine
from ui.i18n import text

# The app's store fixtures (a copy of one seeded world per test).
world, store_url, other_store = app.world, app.store_url, app.other_store


def _heatmap(at: object) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The mastery heatmap's Vega-Lite spec and its data rows (Streamlit ships the data
    apart from the spec, as Arrow bytes)."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    proto = at.get("vega_lite_chart")[0].proto  # type: ignore[attr-defined]
    spec: dict[str, Any] = json.loads(proto.spec)
    frame = convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)
    rows = [
        {k: (None if v != v else v) for k, v in row.items()}  # NaN (no value) → None
        for row in frame.to_dict("records")
    ]
    return spec, rows


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_not_tried_is_not_weak_and_is_counted(
    store_url: str, other_store: Engine, lang: str
) -> None:
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    assert not at.exception, at.exception
    report = other_store.class_report("c1")
    not_tried = report.not_tried()
    assert not_tried > 0  # s2 answered one point, s1 many
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[text(lang, "metric_not_tried")] == str(not_tried)
    total = len(report.kps) * len(report.students)
    assert text(lang, "heatmap_legend", n=not_tried, total=total) in shown(at)
    spec, rows = _heatmap(at)
    layers = spec["layer"]
    assert isinstance(layers, list) and len(layers) == 3
    # The coloured layer holds only answered cells; the others are a grey dashed cell.
    mastery, status = text(lang, "col_mastery"), text(lang, "col_status")
    untried = [r for r in rows if r[mastery] is None]
    assert len(untried) == not_tried
    assert {r[status] for r in untried} == {text(lang, "cell_not_tried")}
    assert all(r[mastery] is not None for r in rows if r[status] != text(lang, "cell_not_tried"))
    marks = [layer["mark"] for layer in layers]
    blank = next(m for m in marks if isinstance(m, dict) and m.get("fill"))
    assert blank["strokeDash"] and blank["fill"] not in ("#e45756", "#f58518")
    # Points are rows with their whole names: no cut, no thinning out.
    y_axis = layers[0]["encoding"]["y"]["axis"]
    assert y_axis["labelLimit"] == 0 and y_axis["labelOverlap"] is False


def test_the_class_goal_selector_starts_on_the_class_goal_and_a_change_is_confirmed(
    store_url: str, other_store: Engine
) -> None:
    at = sign_in(start(), "t1", PASSWORDS["t1"])
    box = at.selectbox(key="u_class_goal:c1")
    assert box.value == GOAL  # not the first point of the list
    assert "(2 of 2 students)" in shown(at)
    goal = "fractions.add_like"
    box.select_index(next(i for i, o in enumerate(box.options) if o.endswith(f"· {goal}")))
    button(at, text("en", "set_class_goal"))
    # Nothing is set yet: the teacher is asked first.
    assert [s.goal for s in other_store.store.list_students("c1")] == [GOAL, GOAL]
    warning = " ".join(w.value for w in at.warning)
    assert "all 2 students of c1" in warning
    button(at, text("en", "class_goal_no"))
    assert [s.goal for s in other_store.store.list_students("c1")] == [GOAL, GOAL]
    box = at.selectbox(key="u_class_goal:c1")
    assert box.value == GOAL  # cancelled: back on the class's goal
    box.select_index(next(i for i, o in enumerate(box.options) if o.endswith(f"· {goal}")))
    button(at, text("en", "set_class_goal"))
    button(at, text("en", "class_goal_yes"))
    assert not at.exception
    assert [s.goal for s in other_store.store.list_students("c1")] == [goal, goal]
    assert [s.goal for s in other_store.store.list_students("c2")] == [GOAL]
    assert at.selectbox(key="u_class_goal:c1").value == goal
    assert any("Goal" in s.value and "c1" in s.value for s in at.success)


def test_the_class_model_says_why_it_differs(store_url: str, other_store: Engine) -> None:
    # Enough answers for the class model: s2 answers what the tutor gives, right.
    for _ in range(20):
        item = other_store.next_item("s2").item
        assert item is not None
        other_store.submit("s2", item.item_id, item.answer)
    at = sign_in(start("zh-Hans"), "t1", PASSWORDS["t1"], "zh-Hans")
    assert not at.exception
    assert other_store.class_report("c1").cdm is not None
    assert text("zh-Hans", "cdm_vs_mastery", recent=4) in shown(at)
    assert len(at.get("vega_lite_chart")) == 3  # mastery, weakest, DINA


def _drill_down(at: object, student: str) -> None:
    at.switch_page("views/student_detail.py").run()  # type: ignore[attr-defined]
    box = at.selectbox(key="u_student")  # type: ignore[attr-defined]
    box.select_index(next(i for i, o in enumerate(box.options) if o.endswith(f"({student})")))
    box.run()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_student_with_answers_and_no_check_is_told_the_truth(
    store_url: str, other_store: Engine, lang: str
) -> None:
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    _drill_down(at, "s1")
    assert not at.exception
    page = shown(at)
    n = len(other_store.store.attempts("s1"))
    assert text(lang, "placement_none") not in page  # issue 16: s1 has answers
    assert text(lang, "placement_none_history", name="Ann", n=n) in page
    # A first check, not a "re-check": asked for, confirmed, then waiting.
    button(at, text(lang, "placement_first"))
    assert text(lang, "placement_first_confirm", name="Ann") in shown(at)
    button(at, text(lang, "placement_first_yes"))
    assert text(lang, "placement_first_done", name="Ann") in shown(at)
    assert text(lang, "placement_first_requested", name="Ann") in shown(at)
    assert other_store.needs_placement("s1")


def test_a_student_with_no_answers_gets_the_check_when_they_start(
    store_url: str, other_store: Engine
) -> None:
    from tutor.access import School

    School(other_store).add_student("s3", "Cy", "c1", goal=GOAL)
    at = sign_in(start(), "t1", PASSWORDS["t1"])
    _drill_down(at, "s3")
    page = shown(at)
    assert text("en", "placement_none") in page
    assert text("en", "placement_requested", name="Cy") not in page  # no re-check: no check


def test_the_student_goal_selector_starts_on_each_students_own_goal(
    store_url: str, other_store: Engine
) -> None:
    # Two students with different goals: after looking at one, the other's box must show
    # the other's goal, not the first one's (a shared widget key kept the old choice).
    other = "fractions.add_unlike"
    other_store.store.set_goal("s2", other)
    at = sign_in(start(), "t1", PASSWORDS["t1"])

    def goal_box() -> object:
        return next(b.value for b in at.selectbox if b.label == text("en", "goal"))

    _drill_down(at, "s1")
    assert goal_box() == GOAL
    _drill_down(at, "s2")
    assert not at.exception
    assert goal_box() == other


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_path_reason_is_shown_as_what_the_student_is_told(
    store_url: str, other_store: Engine, lang: str
) -> None:
    # The stored reason speaks to the student ("you're ready for …"); on the teacher's page
    # it is introduced as what that student is told.
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    _drill_down(at, "s1")
    assert not at.exception
    stored = other_store.store.get_path("s1")
    assert stored is not None and stored.kps
    reason = stored.reason_zh if lang == "zh-Hans" and stored.reason_zh else stored.reason
    label = text(lang, "path_reason_teacher", name="Ann")
    captions = [c.value for c in at.caption]
    infos = [i.value for i in at.info]
    assert label in captions and reason in infos


def test_the_answers_table_shows_what_the_student_typed(
    store_url: str, other_store: Engine
) -> None:
    # Streamlit draws every cell of the table as Markdown: "2*3*4" showed as 2, an italic 3,
    # 4; "- 5" as a bullet and 5. (Text the checker cannot read as an answer, "# 7" say, is
    # not recorded, so it never reaches the table.)
    typed = ["2*3*4", "- 5", "+ 5", "1/2*3*4", "3 * 4 * 5", "5."]
    for answer in typed:
        item = other_store.next_item("s2").item
        assert item is not None
        other_store.submit("s2", item.item_id, answer)
        assert other_store.store.attempts("s2")[-1].answer == answer  # recorded as typed
    at = sign_in(start(), "t1", PASSWORDS["t1"])
    _drill_down(at, "s2")
    assert not at.exception
    assert column(at, text("en", "col_answer"))[: len(typed)] == typed[::-1]  # newest first
