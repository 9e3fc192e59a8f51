"""``learner_state``: the engine's one read per answer gives the same as the separate reads,
on both engines."""

from __future__ import annotations

import pytest

from tests.contract.test_learner_state import attempt, school
from tutor.domain import MasteryState, Student
from tutor.errors import InputError, NotFoundError
from tutor.graph import GraphStore


def test_learner_state_equals_the_separate_reads(store: GraphStore) -> None:
    school(store)
    for n in range(1, 6):
        store.record_attempt(
            attempt("s1", "c", n % 2 == 0, 100.0 + n / 3),
            {
                "c": MasteryState(0.1 + n / 7, n, 100.0 + n / 3),
                "a": MasteryState(1 / 3, n, 100.0 + n / 7, gap=n % 2 == 1),
            },
            expected_seq=n - 1,
        )
    state = store.learner_state("s1", recent=3)
    assert state.student == store.get_student("s1") == Student("s1", "Ann", "c1", "f")
    # Exactly the stored numbers (no rounding on the way), in the same order.
    assert state.mastery == store.mastery("s1")
    assert list(state.mastery) == list(store.mastery("s1")) == ["a", "c"]
    assert state.mastery["a"].p == 1 / 3 and state.mastery["c"].updated_at == 100.0 + 5 / 3
    assert state.last_seq == 5 == store.attempts("s1", limit=1)[0].seq
    newest_first = [a.item_id for a in reversed(store.attempts("s1", limit=3))]
    assert list(state.recent_items) == newest_first
    assert state.curriculum == store.curriculum_fingerprint() is not None
    # All of them when fewer than asked; none when none are asked for.
    assert len(store.learner_state("s1", recent=50).recent_items) == 5
    assert store.learner_state("s1").recent_items == ()
    assert store.learner_state("s1").last_seq == 5


def test_learner_state_of_a_new_student(store: GraphStore) -> None:
    school(store)
    state = store.learner_state("s3", recent=20)
    assert state.student == Student("s3", "Cy", "c2", None)
    assert state.mastery == {} and state.last_seq == 0 and state.recent_items == ()


def test_learner_state_refuses_bad_requests(store: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="no student 'nobody'"):
        store.learner_state("nobody")
    school(store)
    with pytest.raises(NotFoundError, match="tutor student add"):
        store.learner_state("nobody", recent=5)
    with pytest.raises(InputError, match="0 or more"):
        store.learner_state("s1", recent=-1)


def test_learner_state_without_a_curriculum(store: GraphStore) -> None:
    from tutor.domain import ClassGroup, Teacher

    store.add_teacher(Teacher("t1", "Ms Li"))
    store.add_class(ClassGroup("c1", "5A", "t1"))
    store.add_student(Student("s1", "Ann", "c1"))
    state = store.learner_state("s1")
    assert state.curriculum is None is store.curriculum_fingerprint()
    assert state.student == Student("s1", "Ann", "c1", None)
