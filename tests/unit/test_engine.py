"""The engine end to end on the embedded store: choose → answer → diagnose → record → next."""

from __future__ import annotations

import pytest

from tutor.access import School
from tutor.content.items import levels_by_kp, regenerate
from tutor.content.misconceptions import buggy_answer
from tutor.engine import Engine
from tutor.errors import InputError, NotFoundError
from tutor.graph import GraphStore
from tutor.learner.mastery import MASTERED, Observation, replay


@pytest.fixture
def engine(store: GraphStore) -> Engine:
    return make_engine(store)


def make_engine(store: GraphStore) -> Engine:
    """An engine with a minute-step clock; Ann (goal: adding unlike fractions) in class 5A."""
    clock = iter(float(t) for t in range(1_000_000, 2_000_000, 60))
    e = Engine(store, clock=lambda: next(clock))
    people = School(e)
    people.add_teacher("t1", "Ms Li")
    people.create_class("c1", "5A", "t1")
    people.add_student("s1", "Ann", "c1", goal="fractions.add_unlike")
    return e


def test_a_student_without_a_goal_is_told_what_to_do(engine: Engine) -> None:
    School(engine).add_student("s2", "Bo", "c1")
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
    item = regenerate("fraction_add_unlike:1:65")  # 2/3 + 5/6
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
    layers = {a.kp: engine.index().prerequisite_layers(a.kp) for a in log}
    assert replay(observations, layers) == engine.store.mastery("s1")


def test_class_goal_and_path(engine: Engine) -> None:
    School(engine).add_student("s3", "Cy", "c1")
    students = School(engine).set_class_goal("c1", "ratio.solve_proportions")
    assert {s.id for s in students} == {"s1", "s3"}
    path = engine.path("s3")
    assert path.goal == "ratio.solve_proportions"
    assert path.kps[-1] == "ratio.solve_proportions"
    assert path.next_kp == path.kps[0] and path.reason and path.reason_zh


def test_shown_working_names_the_gap_when_no_rule_explains_the_answer(engine: Engine) -> None:
    fb = engine.submit(
        "s1",
        "fraction_add_unlike:2:10",  # 2/5 + 1/2
        "9/20",
        working="2/5 + 1/2 = 4/20 + 5/20\n4/20 + 5/20 = 9/20",
    )
    assert fb.recorded and fb.misconception is None
    assert fb.gap_kps == ("fractions.common_denominator",)
    assert engine.store.attempts("s1")[-1].gap_kps == ("fractions.common_denominator",)


# -- the stored learning path (issue 5, part 3) ------------------------------------------


def _placed(engine: Engine, student_id: str, goal: str) -> None:
    """Test setup: the student has mastered everything below ``goal`` (one recorded
    placement answer carrying those states), so a diagnosed gap is repaired quickly."""
    from tutor.domain import Attempt, MasteryState

    below = [kp for kp in engine.store.learning_order(goal) if kp != goal]
    at = 999_000.0
    engine.store.record_attempt(
        Attempt(student_id, "placement:1:1", goal, "-", "correct", True, at=at),
        {kp: MasteryState(0.99, 3, at) for kp in below},
    )


def test_a_diagnosed_gap_leads_the_stored_path_until_it_is_repaired(engine: Engine) -> None:
    goal = "fractions.add_unlike"
    _placed(engine, "s1", goal)
    item = regenerate("fraction_add_unlike:1:65")
    wrong = buggy_answer("mc.frac_add_across", item)
    assert wrong is not None
    fb = engine.submit("s1", item.item_id, wrong)
    stored = engine.store.get_path("s1")
    assert stored is not None and fb.path == stored
    assert stored.kind == "gap" and stored.diagnosed_gap in fb.gap_kps
    gap = stored.diagnosed_gap
    assert stored.next_kp == gap == stored.kps[0]  # its prerequisites are mastered
    assert engine.store.get_node(gap).name in stored.reason
    assert engine.store.get_node(gap).name_zh in stored.reason_zh
    assert stored.kps[-1] == goal and stored.goal == goal
    assert engine.path("s1") == stored  # fresh: no answer since
    # Repair: answer what the tutor asks, right, until the path leaves the gaps.
    for _ in range(20):
        nxt = engine.next_item("s1")
        assert nxt.item is not None
        fb = engine.submit("s1", nxt.item.item_id, nxt.item.answer)
        assert fb.path is not None and fb.path.next_kp == engine.next_item("s1").choice.kp
        if fb.path.kind != "gap":
            break
    back = engine.path("s1")
    assert back.kind == "frontier" and back.diagnosed_gap is None
    practisable = levels_by_kp()  # (a gap without items cannot be practised or measured)
    # The goal leads; with it only the points without items that its practice teaches
    # (the wrong answer lowered "common denominator" through the goal's Q-matrix row).
    assert back.next_kp == goal and back.kps[0] == goal
    assert [kp for kp in back.kps if kp in practisable] == [goal]
    assert set(back.kps[1:]) <= set(engine.store.direct_prerequisites([goal])[goal])
    unrepaired = [
        kp
        for kp, s in engine.store.mastery("s1").items()
        if s.gap and s.p < MASTERED and kp in practisable
    ]
    assert unrepaired == []


def test_a_gap_below_unmastered_prerequisites_puts_them_first(engine: Engine) -> None:
    item = regenerate("fraction_add_unlike:1:65")
    wrong = buggy_answer("mc.frac_add_across", item)
    assert wrong is not None
    engine.submit("s1", item.item_id, wrong)
    stored = engine.path("s1")
    gap = stored.diagnosed_gap
    assert gap is not None and stored.next_kp is not None
    assert stored.next_kp in engine.store.prerequisites(gap)  # repaired from below
    assert stored.kps.index(stored.next_kp) < stored.kps.index(gap)
    assert engine.store.get_node(gap).name in stored.reason


def test_a_changed_goal_makes_the_stored_path_stale(engine: Engine) -> None:
    first = engine.path("s1")
    assert first.goal == "fractions.add_unlike"
    School(engine).set_goal("s1", "ratio.unit_rate")
    again = engine.path("s1")
    assert again.goal == "ratio.unit_rate" and again.kps[-1] == "ratio.unit_rate"
    School(engine).set_goal("s1", None)
    assert engine.path("s1").kind == "no_goal"


# -- explanations and grading ---------------------------------------------------------


def test_explain_and_grade_use_the_engine_model_with_the_diagnosis(engine: Engine) -> None:
    from tutor.llm.explain import ExplainOptions, Explanation
    from tutor.llm.grading import Grade

    item = regenerate("fraction_add_unlike:1:65")
    wrong = buggy_answer("mc.frac_add_across", item)
    assert wrong is not None
    explained = engine.explain("s1", item.item_id, wrong)
    assert isinstance(explained, Explanation) and explained.model == "template"
    assert explained.text.strip()
    plain = engine.explain("s1", item.item_id)
    assert plain.text != explained.text  # the diagnosis of the wrong answer was used
    hint = engine.explain("s1", item.item_id, options=ExplainOptions(kind="hint", language="zh"))
    assert hint.text.strip() and hint.text != plain.text
    graded = engine.grade("s1", item.item_id, "I made both fractions into sixths.")
    assert isinstance(graded, Grade) and 0 <= graded.score <= 2
    with pytest.raises(NotFoundError):
        engine.explain("nobody", item.item_id)
