"""Class reports and the CSV export (``tutor.reports``), from answers given through the
engine."""

from __future__ import annotations

import pytest

from tests.unit.test_engine import make_engine
from tutor.access import School
from tutor.content.items import regenerate
from tutor.content.misconceptions import buggy_answer
from tutor.engine import Engine
from tutor.graph import GraphStore
from tutor.reports import class_report, export_class_csv


@pytest.fixture
def engine(store: GraphStore) -> Engine:
    return make_engine(store)


def test_class_report(engine: Engine) -> None:
    School(engine).add_student("s2", "Bo", "c1", goal="fractions.add_unlike")
    wrongs = []
    for seed in (5, 6, 7):
        item = regenerate(f"fraction_add_unlike:1:{seed}")
        wrong = buggy_answer("mc.frac_add_across", item)
        assert wrong is not None
        wrongs.append(wrong)
        engine.submit("s1", item.item_id, wrong)
    nxt = engine.next_item("s2")
    assert nxt.item is not None
    engine.submit("s2", nxt.item.item_id, nxt.item.answer)
    report = class_report(engine.store, "c1")
    assert report.students == ["s1", "s2"]
    assert set(report.kps) == {"fractions.add_unlike", nxt.item.kp}
    assert set(report.mastery) == {"s1", "s2"}
    assert all(set(row) == set(report.kps) for row in report.mastery.values())
    assert report.weakest[0][0] == "fractions.add_unlike" and report.weakest[0][2] == 1
    mc, count, examples = report.misconceptions[0]
    assert (mc, count) == ("mc.frac_add_across", 3)
    assert examples == list(dict.fromkeys(reversed(wrongs)))  # distinct, newest first
    helped = {sid: (en, zh) for sid, en, zh in report.needs_help}
    assert set(helped) == {"s1"}
    assert "3 wrong answers in a row" in helped["s1"][0] and "gap" in helped["s1"][0]
    assert "连续答错3题" in helped["s1"][1]
    assert report.cdm is None  # too few answers for the class-level model
    data = report.to_json()
    assert data["misconceptions"] == [["mc.frac_add_across", 3, examples]]


def test_export_class_csv_is_safe_for_spreadsheets(engine: Engine) -> None:
    import csv
    import io

    School(engine).add_student("s2", "=HYPERLINK(1)", "c1", goal="fractions.add_unlike")
    engine.submit("s2", "fraction_add_unlike:1:65", "-3")
    rows = list(csv.DictReader(io.StringIO(export_class_csv(engine.store, "c1"))))
    assert [r["student_id"] for r in rows] == ["s2"]
    assert rows[0]["name"] == "'=HYPERLINK(1)" and rows[0]["answer"] == "-3"
    assert rows[0]["status"] == "incorrect" and rows[0]["correct"] == "0"


def test_a_point_never_tried_is_counted_apart_and_is_not_weak(engine: Engine) -> None:
    """Issue 18: a point a student never answered showed as 20% mastery (the prior), in the
    colour of real weakness; the report now says who answered what."""
    School(engine).add_student("s2", "Bo", "c1", goal="fractions.add_unlike")
    item = regenerate("fraction_add_unlike:1:5")
    engine.submit("s1", item.item_id, item.answer)  # s1 answers; s2 never tries it
    report = class_report(engine.store, "c1")
    assert report.answers["s1"] == {"fractions.add_unlike": 1}
    assert report.answers["s2"] == {}
    assert report.not_tried() == 1  # (s2, add_unlike)
    assert report.weakest == [("fractions.add_unlike", report.mastery["s1"][item.kp], 1)]
    assert report.class_goal() == "fractions.add_unlike"
    assert report.goals == {"s1": "fractions.add_unlike", "s2": "fractions.add_unlike"}
    assert report.to_json()["answers"] == {"s1": {"fractions.add_unlike": 1}, "s2": {}}


def test_the_class_model_reads_the_latest_answers_of_a_point(engine: Engine) -> None:
    """Issue 18: a student who got a point wrong four times and then right three times has
    learnt it (the learner model says mastered); DINA, which assumes nothing changes over
    the answers it reads, said "not mastered" when it read the whole history."""
    from tutor.domain import Attempt
    from tutor.reports import CDM_MIN_RESPONSES, CDM_RECENT_PER_POINT, _recent_per_point

    log_ = [
        Attempt("s1", f"fraction_add_like:1:{n}", "fractions.add_like", "x", "c", ok, at=n)
        for n, ok in enumerate([False] * 4 + [True] * 3)
    ]
    kept = _recent_per_point(log_)
    assert [a.correct for a in kept] == [False, True, True, True]
    assert len(kept) == CDM_RECENT_PER_POINT and kept == log_[-CDM_RECENT_PER_POINT:]
    # Through the report: a class of learners who all learnt add_like the same way.
    people = School(engine)
    for n in range(2, 12):
        people.add_student(f"s{n}", f"S{n}", "c1", goal="fractions.add_like")
    for n in range(1, 12):
        for seed, right in enumerate([False] * 4 + [True] * 4):
            item = regenerate(f"fraction_add_like:1:{seed + 10 * n}")
            engine.submit(f"s{n}", item.item_id, item.answer if right else "999/1000")
    report = class_report(engine.store, "c1")
    assert sum(sum(row.values()) for row in report.answers.values()) >= CDM_MIN_RESPONSES
    assert report.cdm is not None
    for n in range(1, 12):
        bkt, dina = (
            report.mastery[f"s{n}"]["fractions.add_like"],
            report.cdm[f"s{n}"]["fractions.add_like"],
        )
        assert bkt > 0.9 and dina > 0.5, (n, bkt, dina)
