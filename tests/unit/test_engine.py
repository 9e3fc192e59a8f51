"""The engine end to end on the embedded store: choose → answer → diagnose → record → next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.content.bank import default_content_bank
from tutor.content.curricula import default_curriculum
from tutor.content.items import regenerate
from tutor.content.misconceptions import buggy_answer
from tutor.engine import Engine
from tutor.errors import InputError, NotFoundError
from tutor.graph import GraphStore, open_store
from tutor.learner.mastery import MASTERED, Observation, replay
from tutor.settings import Settings


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine") / "template.db"
    store = open_store(f"sqlite:///{path}", Settings(data_dir=path.parent))
    store.load_curriculum(default_curriculum())
    store.load_content(default_content_bank())
    store.close()
    return path


@pytest.fixture
def store(template_db: Path, tmp_path: Path) -> Iterator[GraphStore]:
    copy = tmp_path / "engine.db"
    copy.write_bytes(template_db.read_bytes())
    s = open_store(f"sqlite:///{copy}", Settings(data_dir=tmp_path))
    yield s
    s.close()


@pytest.fixture
def engine(store: GraphStore) -> Engine:
    clock = iter(float(t) for t in range(1_000_000, 2_000_000, 60))
    e = Engine(store, clock=lambda: next(clock))
    e.add_teacher("t1", "Ms Li")
    e.create_class("c1", "5A", "t1")
    e.add_student("s1", "Ann", "c1", goal="fractions.add_unlike")
    return e


def test_a_student_without_a_goal_is_told_what_to_do(engine: Engine) -> None:
    engine.add_student("s2", "Bo", "c1")
    with pytest.raises(InputError, match="tutor student goal s2"):
        engine.next_item("s2")
    with pytest.raises(NotFoundError, match="no student"):
        engine.next_item("nobody")


def test_the_same_state_gives_the_same_item(engine: Engine) -> None:
    first = engine.next_item("s1")
    assert first.item is not None and first.choice.kind == "frontier"
    assert engine.next_item("s1").item == first.item
    assert first.choice.reason and first.choice.reason_zh


def test_right_answers_master_points_and_move_the_frontier(engine: Engine) -> None:
    start = engine.next_item("s1")
    assert start.item is not None
    first_kp = start.item.kp
    seen = []
    for _ in range(12):
        nxt = engine.next_item("s1")
        assert nxt.item is not None
        seen.append(nxt.item.kp)
        fb = engine.submit("s1", nxt.item.item_id, nxt.item.answer)
        assert fb.status == "correct" and fb.recorded
        assert fb.mastery_after[nxt.item.kp] >= fb.mastery_before[nxt.item.kp]
    assert engine.store.mastery("s1")[first_kp].p >= MASTERED
    assert len(set(seen)) > 1  # the path moved on
    assert [a.seq for a in engine.store.attempts("s1")] == list(range(1, 13))


def test_a_buggy_answer_is_diagnosed_and_becomes_the_next_target(engine: Engine) -> None:
    item = regenerate("fraction_add_unlike:1:5")  # 2/3 + 5/6
    wrong = buggy_answer("mc.frac_add_across", item)
    assert wrong is not None
    fb = engine.submit("s1", item.item_id, wrong)
    assert fb.status == "incorrect" and fb.recorded
    assert fb.misconception is not None and fb.misconception.id == "mc.frac_add_across"
    assert fb.gap_kps and set(fb.gap_kps) == set(fb.misconception.signals)
    stored = engine.store.attempts("s1")[-1]
    assert stored.misconception == "mc.frac_add_across" and stored.gap_kps == fb.gap_kps
    nxt = engine.next_item("s1")
    assert nxt.choice.kind == "gap"
    assert "gap" in nxt.choice.reason


def test_unreadable_and_repeated_answers_are_not_recorded(engine: Engine) -> None:
    nxt = engine.next_item("s1")
    assert nxt.item is not None
    fb = engine.submit("s1", nxt.item.item_id, "3//4")
    assert fb.status == "unreadable" and not fb.recorded
    assert engine.store.attempts("s1") == []
    engine.submit("s1", nxt.item.item_id, "999999")
    again = engine.submit("s1", nxt.item.item_id, nxt.item.answer)
    assert again.status == "correct" and not again.recorded
    assert len(engine.store.attempts("s1")) == 1


def test_stored_mastery_equals_a_replay_of_the_attempt_log(engine: Engine) -> None:
    for n in range(10):
        nxt = engine.next_item("s1")
        assert nxt.item is not None
        answer = nxt.item.answer if n % 3 else "0"
        engine.submit("s1", nxt.item.item_id, answer)
    log = engine.store.attempts("s1")
    observations = [
        Observation(a.kp, a.correct, a.at, regenerate(a.item_id).assesses, a.gap_kps) for a in log
    ]
    layers = {a.kp: engine._prerequisite_layers(a.kp) for a in log}
    assert replay(observations, layers) == engine.store.mastery("s1")


def test_class_goal_and_path(engine: Engine) -> None:
    engine.add_student("s3", "Cy", "c1")
    students = engine.set_class_goal("c1", "ratio.solve_proportions")
    assert {s.id for s in students} == {"s1", "s3"}
    path = engine.path("s3")
    assert path["goal"] == "ratio.solve_proportions"
    order = path["path"]
    assert isinstance(order, list) and order[-1] == "ratio.solve_proportions"


def test_shown_working_names_the_gap_when_no_rule_explains_the_answer(engine: Engine) -> None:
    fb = engine.submit(
        "s1",
        "fraction_add_unlike:2:3",  # 2/5 + 1/2
        "9/20",
        working="2/5 + 1/2 = 4/20 + 5/20\n4/20 + 5/20 = 9/20",
    )
    assert fb.recorded and fb.misconception is None
    assert fb.gap_kps == ("fractions.common_denominator",)
    assert engine.store.attempts("s1")[-1].gap_kps == ("fractions.common_denominator",)
