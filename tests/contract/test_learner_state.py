"""The people and learner-state part of the store contract, against both engines."""

from __future__ import annotations

import pytest

from tests.factories import diamond
from tutor.domain import Attempt, ClassGroup, MasteryState, StoredPath, Student, Teacher
from tutor.errors import InputError, NotFoundError, StoreConflict, StoreError
from tutor.graph import GraphStore


def school(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.add_teacher(Teacher("t1", "Ms Li"))
    store.add_teacher(Teacher("t2", "Mr Wang"))
    store.add_class(ClassGroup("c1", "5A", "t1"))
    store.add_class(ClassGroup("c2", "5B", "t2"))
    store.add_student(Student("s2", "Bo", "c1"))
    store.add_student(Student("s1", "Ann", "c1", goal="f"))
    store.add_student(Student("s3", "Cy", "c2"))


def attempt(student: str, kp: str, correct: bool, at: float, **extra: object) -> Attempt:
    return Attempt(
        student,
        f"gen:1:{int(at)}",
        kp,
        "3/4" if correct else "2/5",
        "correct" if correct else "incorrect",
        correct,
        at=at,
        **extra,  # type: ignore[arg-type]
    )


def test_people_round_trip(store: GraphStore) -> None:
    school(store)
    assert store.get_teacher("t1") == Teacher("t1", "Ms Li")
    assert store.get_class("c2") == ClassGroup("c2", "5B", "t2")
    assert store.get_student("s1") == Student("s1", "Ann", "c1", "f")
    assert [c.id for c in store.list_classes()] == ["c1", "c2"]
    assert [c.id for c in store.list_classes("t2")] == ["c2"]
    assert [s.id for s in store.list_students()] == ["s1", "s2", "s3"]
    assert [s.id for s in store.list_students("c1")] == ["s1", "s2"]
    assert store.set_goal("s2", "e") == Student("s2", "Bo", "c1", "e")
    assert store.get_student("s2").goal == "e"
    assert store.set_goal("s2", None).goal is None
    assert store.get_student("s2").goal is None


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (lambda s: s.add_teacher(Teacher("t1", "Again")), InputError, "already exists"),
        (lambda s: s.add_class(ClassGroup("c1", "Again", "t1")), InputError, "already exists"),
        (lambda s: s.add_class(ClassGroup("c9", "X", "nobody")), NotFoundError, "no teacher"),
        (lambda s: s.add_student(Student("s1", "Again")), InputError, "already exists"),
        (lambda s: s.add_student(Student("s9", "X", "c9")), NotFoundError, "no class"),
        (lambda s: s.add_student(Student("s9", "X", goal="zz")), NotFoundError, "no knowledge"),
        (lambda s: s.add_student(Student("s9", "")), InputError, "name is empty"),
        (lambda s: s.add_student(Student("s9", "a\nb")), InputError, "control characters"),
        (lambda s: s.add_student(Student(" s9", "X")), InputError, "spaces"),
        (lambda s: s.set_goal("s1", "zz"), NotFoundError, "no knowledge point"),
        (lambda s: s.set_goal("nobody", "a"), NotFoundError, "no student"),
        (lambda s: s.get_student("nobody"), NotFoundError, "tutor student add"),
    ],
)
def test_bad_people_input_changes_nothing(
    store: GraphStore, action: object, error: type[Exception], message: str
) -> None:
    school(store)
    with pytest.raises(error, match=message):
        action(store)  # type: ignore[operator]
    assert [s.id for s in store.list_students()] == ["s1", "s2", "s3"]
    assert [c.id for c in store.list_classes()] == ["c1", "c2"]
    assert store.get_student("s1").goal == "f"


def test_attempts_and_mastery_are_written_together(store: GraphStore) -> None:
    school(store)
    first = store.record_attempt(
        attempt("s1", "c", True, 100.0),
        {"c": MasteryState(0.6, 1, 100.0), "a": MasteryState(0.55, 1, 100.0)},
    )
    assert first.seq == 1
    second = store.record_attempt(
        attempt("s1", "c", False, 200.0, misconception="mc.x", gap_kps=("a",)),
        {"c": MasteryState(0.4, 2, 200.0), "a": MasteryState(0.2, 2, 200.0, gap=True)},
    )
    assert second.seq == 2
    other = store.record_attempt(
        attempt("s2", "a", True, 150.0), {"a": MasteryState(0.5, 1, 150.0)}
    )
    assert other.seq == 1  # numbered per student
    assert store.mastery("s1") == {
        "a": MasteryState(0.2, 2, 200.0, gap=True),
        "c": MasteryState(0.4, 2, 200.0),
    }
    got = store.attempts("s1")
    assert [a.seq for a in got] == [1, 2]
    assert got[1] == second
    assert got[1].gap_kps == ("a",) and got[1].misconception == "mc.x"
    assert [a.seq for a in store.attempts("s1", limit=1)] == [2]
    assert store.attempts("s3") == [] and store.mastery("s3") == {}


def test_a_failed_attempt_writes_nothing(store: GraphStore) -> None:
    school(store)
    store.record_attempt(attempt("s1", "c", True, 1.0), {"c": MasteryState(0.6, 1, 1.0)})
    with pytest.raises(NotFoundError, match="no knowledge point 'zz'"):
        store.record_attempt(
            attempt("s1", "c", True, 2.0),
            {"c": MasteryState(0.9, 2, 2.0), "zz": MasteryState(0.5, 1, 2.0)},
        )
    with pytest.raises(NotFoundError, match="no student"):
        store.record_attempt(attempt("ghost", "c", True, 2.0), {})
    assert [a.seq for a in store.attempts("s1")] == [1]
    assert store.mastery("s1") == {"c": MasteryState(0.6, 1, 1.0)}
    # The refused attempts used up no number.
    nxt = store.record_attempt(attempt("s1", "a", True, 3.0), {}, expected_seq=1)
    assert nxt.seq == 2


def test_injection_strings_in_people_and_answers(store: GraphStore) -> None:
    school(store)
    evil = "Robert'); DROP TABLE student;-- } MATCH (n) DETACH DELETE n //"
    store.add_student(Student("s-evil", evil, "c1"))
    store.record_attempt(Attempt("s-evil", "gen:1:1", "a", evil, "unreadable", False, at=1.0), {})
    assert store.get_student("s-evil").name == evil
    assert store.attempts("s-evil")[0].answer == evil
    assert len(store.list_students()) == 4


def test_a_stale_expected_seq_is_a_conflict_and_writes_nothing(store: GraphStore) -> None:
    school(store)
    first = store.record_attempt(
        attempt("s1", "c", True, 1.0), {"c": MasteryState(0.6, 1, 1.0)}, expected_seq=0
    )
    assert first.seq == 1
    path = StoredPath(["e", "f"], "e", "next: e", "下一步：e", None, 2.0, "f", "frontier")
    # A writer that read the state before attempt 1 was saved (it saw 0) must lose.
    for stale in (0, 2):
        with pytest.raises(StoreConflict, match="submit the answer again") as caught:
            store.record_attempt(
                attempt("s1", "a", False, 2.0),
                {"a": MasteryState(0.1, 1, 2.0, gap=True)},
                expected_seq=stale,
                path=path,
            )
        assert isinstance(caught.value, StoreError)
    assert [a.seq for a in store.attempts("s1")] == [1]
    assert store.mastery("s1") == {"c": MasteryState(0.6, 1, 1.0)}
    assert store.get_path("s1") is None
    # With the right number it goes through, and numbering has no gap.
    second = store.record_attempt(
        attempt("s1", "a", False, 2.0),
        {"a": MasteryState(0.1, 1, 2.0, gap=True)},
        expected_seq=1,
        path=path,
    )
    assert second.seq == 2
    assert [a.seq for a in store.attempts("s1")] == [1, 2]
    # Another student's numbering is not affected by s1's.
    assert store.record_attempt(attempt("s2", "a", True, 3.0), {}, expected_seq=0).seq == 1


def test_the_path_is_written_with_the_attempt(store: GraphStore) -> None:
    school(store)
    path = StoredPath(["c", "e", "f"], "c", "start with c", "先学 c", "a", 5.0, "f", "gap")
    store.record_attempt(attempt("s1", "c", True, 5.0), {"c": MasteryState(0.6, 1, 5.0)}, path=path)
    assert store.get_path("s1") == path
    # Without a path the stored one stays.
    store.record_attempt(attempt("s1", "a", True, 6.0), {"a": MasteryState(0.6, 1, 6.0)})
    assert store.get_path("s1") == path
    # A failing attempt (unknown point) leaves the old path in place.
    newer = StoredPath(["f"], "f", "now f", "现在学 f", None, 7.0, "f", "frontier")
    with pytest.raises(NotFoundError, match="no knowledge point 'zz'"):
        store.record_attempt(attempt("s1", "zz", True, 7.0), {}, path=newer)
    assert store.get_path("s1") == path
