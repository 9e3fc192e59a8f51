"""Shown working through the engine (issue 20): the first wrong line comes back in the
feedback, and a misconception read in it revises the learning path as a wrong answer's
diagnosis does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_engine import _placed, make_engine
from tutor.access import School
from tutor.content.misconceptions import get_misconception
from tutor.engine import Engine
from tutor.graph import GraphStore

GOAL = "fractions.add_unlike"
ITEM = "fraction_add_unlike:2:10"  # 2/5 + 1/2 = 9/10
WORKING = "2/5 = 4/10\n2/5 + 1/10 = 3/15"  # line 2 adds across
NEAR_MISS = "11/10"  # wrong, and no buggy rule gives it


@pytest.fixture
def engine(store: GraphStore) -> Engine:
    e = make_engine(store)
    School(e).add_student("s2", "Bo", "c1", goal=GOAL)
    for student in ("s1", "s2"):
        _placed(e, student, GOAL)
    return e


def test_a_misconception_in_the_working_revises_the_path(engine: Engine) -> None:
    signals = set(get_misconception("mc.frac_add_across").signals)
    # Without working, nothing explains the near miss: no gap, the path goes on.
    plain = engine.submit("s2", ITEM, NEAR_MISS)
    assert plain.misconception is None and plain.gap_kps == () and plain.working is None
    assert plain.path is not None and plain.path.kind != "gap"
    # With it, line 2 is adding across: named, its value given, and the gap leads the path.
    fb = engine.submit("s1", ITEM, NEAR_MISS, working=WORKING)
    assert fb.recorded and fb.status == "incorrect"
    assert fb.working is not None
    assert (fb.working.line, fb.working.text, fb.working.expected) == (
        2,
        "2/5 + 1/10 = 3/15",
        "1/2",
    )
    assert fb.misconception is not None and fb.misconception.id == "mc.frac_add_across"
    assert set(fb.gap_kps) == signals
    stored = engine.store.get_path("s1")
    assert stored is not None and fb.path == stored
    assert stored.kind == "gap" and stored.diagnosed_gap in signals
    assert engine.next_item("s1").choice.kind == "gap"
    last = engine.store.attempts("s1")[-1]
    assert last.misconception == "mc.frac_add_across" and set(last.gap_kps) == signals
    assert any(engine.store.mastery("s1")[kp].gap for kp in signals)
    assert fb.to_json()["working"] == {
        "line": 2,
        "text": "2/5 + 1/10 = 3/15",
        "wrote": "3/15",
        "expected": "1/2",
        "misconception": "mc.frac_add_across",
        "kp": fb.working.kp,
    }


def test_a_missing_point_read_in_the_working_revises_the_path(engine: Engine) -> None:
    # Line 2 is a slip no buggy rule gives: the point of the step it attempted is the gap.
    working = "2/5 + 1/2 = 4/10 + 5/10\n4/10 + 5/10 = 8/10"
    fb = engine.submit("s1", ITEM, "8/10", working=working)
    assert fb.misconception is None and fb.gap_kps == ("fractions.add_like",)
    assert fb.working is not None and (fb.working.line, fb.working.expected) == (2, "9/10")
    assert fb.path is not None and fb.path.kind == "gap"
    assert fb.path.diagnosed_gap == "fractions.add_like"


def test_a_right_answer_with_a_wrong_line_is_noted_but_counts_as_right(engine: Engine) -> None:
    fb = engine.submit("s1", ITEM, "9/10", working="2/5 + 1/2 = 3/7")
    assert fb.status == "correct" and fb.recorded
    assert fb.working is not None and fb.working.misconception == "mc.frac_add_across"
    # Knowledge tracing sees a right first answer: no gap, the path is not sent back.
    assert fb.gap_kps == () and fb.misconception is None
    assert fb.path is not None and fb.path.kind != "gap"


def test_the_working_note_is_worded_for_the_student(engine: Engine) -> None:
    from tutor.engine import ExplainOptions

    engine.submit("s1", ITEM, NEAR_MISS, working=WORKING)
    for language, said in (
        ("en", "Line 2: 2/5 + 1/10 = 3/15. It should be 1/2."),
        ("zh", "第2行：2/5 + 1/10 = 3/15，应该是 1/2。"),
    ):
        options = ExplainOptions(kind="working", language=language, working=WORKING)  # type: ignore[arg-type]
        now = engine.explain("s1", ITEM, NEAR_MISS, options, template=True)
        assert now.kind == "working" and said in now.text
        worded = engine.explain("s1", ITEM, NEAR_MISS, options)  # the (template) model, guarded
        assert worded.guard == "accepted" and said in worded.text


def test_the_cli_names_the_wrong_line(tmp_path: Path) -> None:
    import json
    import os

    from tests.factories import run_cli

    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    env["TUTOR_DATA_DIR"] = str(tmp_path)
    for args in (["graph", "load", "default"], ["student", "add", "s1", "--name", "Ann"]):
        assert run_cli(args, env).returncode == 0
    working = tmp_path / "w.txt"
    working.write_text(WORKING + "\n", encoding="utf-8")
    submit = ["student", "submit", "s1", "--working", str(working), "--answer", NEAR_MISS]
    out = run_cli([*submit, "--item", ITEM], env)
    assert out.returncode == 0, out.stderr
    assert "working, line 2: 2/5 + 1/10 = 3/15; it should be 1/2 (mc.frac_add_across)" in out.stdout
    out = run_cli([*submit, "--item", "fraction_add_unlike:2:4", "--json"], env)
    assert json.loads(out.stdout)["working"]["expected"] == "1/2"
