"""Confirming the goal before calling it reached (tutor.policy.select, issue 16).

The review schedule (half-life doubling per answer) never brings back a point answered
many times: a simulated student who forgot such a goal point was released with the goal
"reached" and nothing due for months. The policy now asks every goal point whose evidence
is stale (old, or only inferred) once more before it says the goal is reached.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.domain import Attempt, MasteryState
from tutor.i18n import render
from tutor.learner.mastery import MASTERED, Observation, effective_p, is_mastered, observe
from tutor.policy.select import (
    CONFIRM_AFTER_DAYS,
    REVIEW_BELOW,
    StudentView,
    choose,
    goal_points,
)
from tutor.sim.classroom import Classroom, goal_set_id
from tutor.sim.run import DAY_SECONDS, engine_answer
from tutor.sim.student import SimStudent
from tutor.sim.world import build_world

DAY = 86_400.0
M = MasteryState
# a → b → goal (goal has items) and a → c; the goal's evidence shows the goal.
PREREQS = {"a": [], "b": ["a"], "c": ["a"], "g": ["b", "c"]}
PATH = ["a", "b", "c", "g"]
LEVELS = {kp: (1, 2, 3) for kp in PATH}
#: A point answered many times: at P_MAX, its half-life is years (no review falls due).
PRACTISED = M(0.99, 12, 0.0)


def view(mastery: dict[str, MasteryState], now: float, **extra: object) -> StudentView:
    args: dict[str, object] = {
        "path": PATH,
        "prerequisites": PREREQS,
        "mastery": mastery,
        "levels": LEVELS,
        "now": now,
        "answers_since_review": 0,
    }
    args.update(extra)
    return StudentView(**args)  # type: ignore[arg-type]


def test_an_old_goal_point_is_confirmed_before_the_goal_is_reached() -> None:
    mastery = dict.fromkeys(PATH, PRACTISED)
    month = 30 * DAY
    # The review schedule sees nothing due (the defect this guards against) …
    assert all(effective_p(s, month) >= REVIEW_BELOW for s in mastery.values())
    # … yet the goal point is asked again before the goal counts as reached.
    picked = choose(view(mastery, month))
    assert (picked.kind, picked.kp, picked.code) == ("review", "g", "policy.confirm")
    assert picked.params["days"] == 30
    # Fresh evidence: the goal is reached.
    assert choose(view(mastery, 1 * DAY)).kind == "goal_reached"


def test_a_wrong_confirmation_puts_the_point_back_and_a_right_one_releases() -> None:
    now = 30 * DAY
    mastery = dict.fromkeys(PATH, PRACTISED)
    for correct in (False, True):
        changes = observe(mastery, Observation("g", correct, now, {"g": 1.0}), [["b", "c"]])
        after = choose(view({**mastery, **changes}, now))
        if correct:
            assert after.kind == "goal_reached"
        else:
            assert changes["g"].p < MASTERED  # one wrong answer is enough to doubt it
            assert (after.kind, after.kp) == ("frontier", "g")


def test_a_goal_without_items_is_confirmed_through_the_points_that_stand_for_it() -> None:
    # The simulation's goal set: a point without items that requires each goal point.
    prereqs = {**PREREQS, "set": ["c", "g"]}
    path = [*PATH, "set"]
    mastery = {**dict.fromkeys(PATH, PRACTISED), "c": M(0.99, 12, 5 * DAY)}
    v = view(mastery, 40 * DAY, path=path, prerequisites=prereqs)
    assert goal_points(v) == ["c", "g"]
    first = choose(v)
    assert (first.code, first.kp) == ("policy.confirm", "g")  # the oldest evidence first
    mastery["g"] = M(0.99, 13, 40 * DAY)
    second = choose(view(mastery, 40 * DAY, path=path, prerequisites=prereqs))
    assert (second.code, second.kp) == ("policy.confirm", "c")


def test_evidence_inferred_from_dependents_does_not_confirm_a_goal_point() -> None:
    # "c" (a goal point) was last answered itself 40 days ago; right answers on "g", which
    # builds on it, have moved its updated_at since. Only its own answers confirm it.
    prereqs = {**PREREQS, "set": ["c", "g"]}
    path = [*PATH, "set"]
    now = 40 * DAY
    mastery = {**dict.fromkeys(PATH, M(0.99, 12, now - DAY))}
    fresh_looking = view(mastery, now, path=path, prerequisites=prereqs)
    assert choose(fresh_looking).kind == "goal_reached"  # updated_at alone: looks fresh
    answered = {"a": 0.0, "b": 0.0, "c": 0.0, "g": now - DAY}
    picked = choose(view(mastery, now, path=path, prerequisites=prereqs, answered_at=answered))
    assert (picked.code, picked.kp, picked.params["days"]) == ("policy.confirm", "c", 40)
    # Never answered itself at all: confirmed too, without a "last seen" it never had.
    del answered["c"]
    picked = choose(view(mastery, now, path=path, prerequisites=prereqs, answered_at=answered))
    assert (picked.code, picked.kp) == ("policy.confirm_new", "c")
    assert "days" not in picked.params


def test_a_goal_point_only_inferred_is_confirmed_even_when_fresh() -> None:
    # Placed as known by the knowledge check (no answer of its own): asked once, and the
    # reason does not say "last seen 0 days ago" of a point the student never answered.
    mastery = {**dict.fromkeys(PATH, PRACTISED), "g": M(0.97, 0, 0.0)}
    picked = choose(view(mastery, 0.0))
    assert (picked.code, picked.kp) == ("policy.confirm_new", "g")
    worded = picked.worded(render)
    assert "last seen" not in worded.reason and "天前" not in worded.reason_zh


STATES = st.builds(
    MasteryState,
    p=st.sampled_from([0.3, 0.9, 0.96, 0.99]),
    attempts=st.integers(0, 15),
    updated_at=st.floats(0.0, 60 * DAY),
)


@settings(max_examples=300, deadline=None)
@given(states=st.fixed_dictionaries({kp: STATES for kp in PATH}), now=st.floats(0.0, 90 * DAY))
def test_the_goal_is_never_reached_on_stale_evidence(
    states: dict[str, MasteryState], now: float
) -> None:
    now = max(now, max(s.updated_at for s in states.values()))
    picked = choose(view(states, now))
    if picked.kind == "goal_reached":
        assert all(is_mastered(s) for s in states.values())
        g = states["g"]
        assert g.attempts > 0 and now - g.updated_at < CONFIRM_AFTER_DAYS * DAY
    if picked.code in ("policy.confirm", "policy.confirm_new"):
        # Only once nothing is left to learn and no review is due.
        assert all(is_mastered(s) for s in states.values())
        assert all(effective_p(s, now) >= REVIEW_BELOW for s in states.values())
        assert picked.kp == "g"


def test_the_engine_does_not_release_a_student_who_forgot_a_practised_goal_point() -> None:
    """The real engine over a simulation store: every point practised twelve times, last
    answered itself a month ago, its mastery moved yesterday by inference (as right
    answers on the points built on it do). Before this rule the engine set no item (goal
    reached, nothing due); now it reads the attempt log, asks a goal point, and a wrong
    answer puts it back into practice."""
    world = build_world(2)
    with Classroom(2, world.goal) as room:
        room.enrol("s")
        first = room.engine.next_item("s").item
        assert first is not None
        month = 30 * DAY_SECONDS
        planted = {kp: M(0.99, 12, month - DAY_SECONDS) for kp in world.path}
        room.store.record_attempt(
            Attempt("s", first.item_id, first.kp, first.answer, "correct", True, at=0.0),
            planted,
            expected_seq=0,
        )
        room.clock.now = month
        turn = room.engine.next_item("s")
        assert turn.item is not None, "released with a month-old goal"
        # Points never answered themselves come first (only inferred from the others).
        assert turn.choice.code in ("policy.confirm", "policy.confirm_new")
        forgotten = turn.item.kp
        assert forgotten in world.goal
        # The student forgot it: answers from no knowledge, never guessing right.
        student = SimStudent(0.0, 0.0, 0.0, 0.0, set(), set(), random.Random(1))
        engine_answer(room, "s", world, student, turn.item, student.answer(turn.item, world), month)
        assert room.store.mastery("s")[forgotten].p < MASTERED
        again = room.engine.next_item("s")
        assert again.item is not None and again.item.kp == forgotten
        assert again.choice.kind == "frontier"
        # A student who knows everything confirms the rest and is released.
        knows = SimStudent(0.0, 0.0, 0.0, 0.0, set(world.path), set(), random.Random(2))
        goal_count = len(room.store.direct_prerequisites([goal_set_id(2)])[goal_set_id(2)])
        for step in range(1, 3 * goal_count + 20):
            room.clock.now = month + step * 60.0
            nxt = room.engine.next_item("s")
            if nxt.item is None:
                break
            engine_answer(
                room, "s", world, knows, nxt.item, knows.answer(nxt.item, world), room.clock.now
            )
        else:
            raise AssertionError("never released a student who knows every goal point")
        assert nxt.choice.kind == "goal_reached"
