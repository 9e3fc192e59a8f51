"""The initial knowledge check: the model (tutor.policy.placement) on tiny graphs, and the
engine's check end to end on the embedded store (start, answer, resume, finish, re-check,
the access facades)."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.access import School, StudentAPI, TeacherAPI
from tutor.content.answers import check_answer
from tutor.content.items import regenerate
from tutor.engine import Engine
from tutor.errors import AccessDenied, InputError, NotFoundError
from tutor.graph import GraphStore
from tutor.learner.mastery import MASTERED
from tutor.policy import placement as placing

# a → b → c → d (each needs the one before), and e alone; grades 1, 2, 3, 4 and 4.
CHAIN = placing.build_model(
    ["a", "b", "c", "d", "e"],
    {"b": ["a"], "c": ["b"], "d": ["c"]},
    {kp: (1, 2, 3) for kp in "abcde"},
    {"a": "1", "b": "2", "c": "3", "d": "4", "e": "4"},
    4.0,
)


def marginals(*answers: tuple[str, bool]) -> dict[str, float]:
    m = placing.posterior(CHAIN, [placing.Answer(kp, ok) for kp, ok in answers]).marginals
    return dict(zip(CHAIN.points, m.tolist(), strict=True))


def test_the_grade_prior_trusts_older_points_more_and_is_closed() -> None:
    prior = marginals()
    assert prior["a"] > prior["b"] > prior["c"] > prior["d"]
    grades = {"a": "1", "b": "2", "c": "3", "d": "4", "e": "4"}
    older = placing.build_model(
        CHAIN.points, CHAIN.prerequisites, {kp: (1,) for kp in "abcde"}, grades, 7.0
    )
    assert placing.posterior(older, []).marginals[3] > prior["d"]


def test_a_right_answer_is_evidence_for_prerequisites_not_dependents() -> None:
    before, after = marginals(), marginals(("c", True))
    assert after["c"] > before["c"]
    assert after["a"] > before["a"] and after["b"] > before["b"]
    # d needs c, but knowing c does not show d is known (only the level shift moves it)
    assert after["d"] - before["d"] < after["b"] - before["b"]


def test_a_wrong_answer_is_evidence_against_dependents() -> None:
    before, after = marginals(), marginals(("b", False))
    assert after["b"] < before["b"]
    assert after["c"] < before["c"] and after["d"] < before["d"]
    assert after["c"] / before["c"] < after["a"] / before["a"]


def test_the_first_question_is_the_most_informative_one() -> None:
    belief = placing.posterior(CHAIN, [])
    gain = placing.information_gain(CHAIN, belief)
    kp, best = placing.best_question(CHAIN, belief, {}) or ("", 0.0)
    assert best == pytest.approx(gain.max()) and best > 0
    # an isolated point tells about itself only: a point on the chain tells more
    assert kp != "e"


def test_a_point_is_asked_at_most_twice() -> None:
    belief = placing.posterior(CHAIN, [])
    asked = dict.fromkeys(CHAIN.points, placing.MAX_ASKS)
    assert placing.best_question(CHAIN, belief, asked) is None
    asked["e"] = 1
    assert placing.best_question(CHAIN, belief, asked) == (
        "e",
        pytest.approx(placing.information_gain(CHAIN, belief)[4]),
    )


def test_the_stop_rule() -> None:
    sure = np.array([0.999, 0.001, 0.999])
    unsure = np.array([0.5, 0.5, 0.5])
    assert placing.should_stop(unsure, 25, 25, 1.0)  # the cap
    assert placing.should_stop(unsure, 3, 25, None)  # nothing left to ask
    assert not placing.should_stop(sure, placing.MIN_ITEMS - 1, 25, 1.0)  # too few yet
    assert placing.should_stop(sure, placing.MIN_ITEMS, 25, 1.0)  # sure enough
    assert not placing.should_stop(unsure, placing.MIN_ITEMS, 25, 1.0)


@pytest.mark.parametrize(
    ("class_name", "goal_grade", "grade"),
    [
        ("7A", "5", 7.0),
        ("Grade 3 blue", None, 3.0),
        ("K2", None, 0.0),
        ("Dolphins", "6", 6.0),
        (None, "K", 0.0),
        (None, None, 5.0),
        ("2024 intake", "4", 4.0),
    ],
)
def test_the_students_grade(class_name: str | None, goal_grade: str | None, grade: float) -> None:
    assert placing.student_grade(class_name, goal_grade) == grade


def test_young_students_get_fewer_questions() -> None:
    assert placing.default_cap(0) == placing.default_cap(2) == 15
    assert placing.default_cap(3) == placing.default_cap(4) == 20
    assert placing.default_cap(5) == placing.default_cap(8) == placing.DEFAULT_CAP == 25


# -- the engine --------------------------------------------------------------------------


@pytest.fixture
def engine(store: GraphStore) -> Engine:
    clock = iter(float(t) for t in range(1_000_000, 2_000_000, 60))
    e = Engine(store, clock=lambda: next(clock))
    school = School(e)
    school.add_teacher("t1", "Ms Li")
    school.create_class("c1", "5A", "t1")
    school.add_student("s1", "Ann", "c1", goal="fractions.add_unlike")
    school.add_student("s2", "Bo", "c1")
    return e


def right(item_id: str) -> str:
    return regenerate(item_id).answer


def test_a_new_student_is_placed_and_practice_starts_at_the_frontier(engine: Engine) -> None:
    assert engine.needs_placement("s1")
    assert not engine.needs_placement("s2")  # no goal: nothing to place against
    assert engine.placement("s1") is None and engine.placement_turn("s1") is None
    turn = engine.start_placement("s1")
    assert not turn.done and turn.item is not None and turn.asked == 0
    assert turn.max_items == 25  # class 5A: grade 5
    assert "answer" not in (turn.to_json()["item"] or {})
    while not turn.done:
        assert turn.item is not None
        assert engine.placement_turn("s1") == turn  # what a reload shows
        # knows everything below grade 5, nothing of grade 5
        knows = engine.store.get_node(turn.item.kp).grade != "5"
        answer = right(turn.item.item_id) if knows else ""
        turn = engine.answer_placement("s1", turn.item.item_id, answer)
        assert not hasattr(turn, "status")  # no right/wrong feedback during the check
    result = turn.result
    assert result is not None and result == engine.placement("s1")
    assert result.items_used == turn.asked <= 25
    assert result.goal == "fractions.add_unlike"
    # most of the way is known, and practice starts at the frontier
    assert len(result.known) > len(result.not_known)
    assert set(result.known).isdisjoint(result.not_known)
    mastery = engine.store.mastery("s1")
    assert all(mastery[kp].p >= MASTERED for kp in result.known)
    assert all(mastery[kp].p < MASTERED for kp in result.not_known)
    nxt = engine.next_item("s1")
    assert nxt.choice.kp in result.frontier
    assert str(result.params["known"]) in result.summary and result.summary_zh
    assert not engine.needs_placement("s1")
    assert engine.store.attempts("s1") == []  # the check is not practice


def test_all_wrong_places_the_student_low(engine: Engine) -> None:
    turn = engine.start_placement("s1", max_items=8)
    while not turn.done:
        assert turn.item is not None
        turn = engine.answer_placement("s1", turn.item.item_id, "")  # "I don't know"
    assert turn.result is not None and turn.asked <= 8
    assert len(turn.result.not_known) > len(turn.result.known)


def test_an_open_check_resumes_in_another_engine(engine: Engine) -> None:
    turn = engine.start_placement("s1")
    assert turn.item is not None
    turn = engine.answer_placement("s1", turn.item.item_id, right(turn.item.item_id))
    other = Engine(engine.store, clock=lambda: 5e6)
    resumed = other.placement_turn("s1")
    assert resumed == turn and other.needs_placement("s1")
    assert resumed is not None and resumed.item is not None
    nxt = other.answer_placement("s1", resumed.item.item_id, "")
    assert nxt.asked == 2


def test_bad_answers_to_the_check(engine: Engine) -> None:
    with pytest.raises(InputError, match="no knowledge check open"):
        engine.answer_placement("s1", "x", "1")
    with pytest.raises(InputError, match="no goal"):
        engine.start_placement("s2")
    with pytest.raises(InputError, match="max_items"):
        engine.start_placement("s1", max_items=0)
    with pytest.raises(NotFoundError, match="no student"):
        engine.start_placement("nobody")
    turn = engine.start_placement("s1")
    assert turn.item is not None
    with pytest.raises(InputError, match="not the current question"):
        engine.answer_placement("s1", "fractions.add_unlike:2:1", "1")
    again = engine.answer_placement("s1", turn.item.item_id, "@@@ ###")
    assert check_answer("@@@ ###", turn.item.answer, turn.item.policy).status == "unreadable"
    assert again.retry and again.asked == 0 and again.item == turn.item


def test_a_teacher_asks_for_a_re_check(engine: Engine) -> None:
    school = School(engine)
    school.add_teacher("t2", "Mr Wu")
    for who in ("t1", "t2", "s1"):
        school.set_password(who, "correct horse battery")

    def user(who: str) -> StudentAPI | TeacherAPI:
        return school.as_user(school.sign_in(who, "correct horse battery").token)

    teacher, stranger, me = user("t1"), user("t2"), user("s1")
    assert isinstance(teacher, TeacherAPI) and isinstance(stranger, TeacherAPI)
    assert isinstance(me, StudentAPI)
    assert me.needs_placement()
    turn = me.start_placement(max_items=3)
    while not turn.done:
        assert turn.item is not None
        turn = me.answer_placement(turn.item.item_id, "")
    assert teacher.placement("s1") == turn.result == me.placement()
    assert not teacher.needs_placement("s1")
    with pytest.raises(AccessDenied):
        stranger.request_placement("s1")
    with pytest.raises(AccessDenied):
        stranger.placement("s1")
    teacher.request_placement("s1")
    assert me.needs_placement() and teacher.needs_placement("s1")
    assert me.placement() == turn.result  # the last result stays until a new one
    assert me.placement_turn() is None
