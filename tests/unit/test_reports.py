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
