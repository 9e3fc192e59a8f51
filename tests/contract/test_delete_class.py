"""``delete_class``: a class goes with its students and everything stored about them,
on both engines; other classes and the teacher stay."""

from __future__ import annotations

import functools

import pytest

from tests.contract.test_class_export import school as export_school
from tests.contract.test_class_export import snapshot
from tests.contract.test_learner_state import attempt, school
from tutor.auth import hash_password
from tutor.class_export import export_class, import_class
from tutor.domain import ClassGroup, MasteryState, StoredPath, Student
from tutor.errors import NotFoundError
from tutor.graph import GraphStore


def _path(goal: str, at: float) -> StoredPath:
    return StoredPath(["e", goal], "e", "next: e", "下一步：e", None, at, goal, "frontier")


@functools.cache
def _digest() -> str:
    """A real KDF hash, as the account code stores it (computed once: Argon2id is slow)."""
    return hash_password("correct-horse-battery")


def test_delete_class_removes_the_class_and_its_students(store: GraphStore) -> None:
    school(store)
    digest = _digest()
    for sid, kp, at in (("s1", "c", 1.0), ("s1", "a", 2.0), ("s2", "a", 3.0), ("s3", "b", 4.0)):
        store.record_attempt(attempt(sid, kp, True, at), {kp: MasteryState(0.6, 1, at)})
    for sid in ("s1", "s2", "s3"):
        store.set_path(sid, _path("f", 5.0))
        store.set_password_hash(sid, digest)
    store.set_password_hash("t1", digest)
    s3_before = (store.attempts("s3"), store.mastery("s3"), store.get_path("s3"))

    store.delete_class("c1")

    with pytest.raises(NotFoundError, match="no class 'c1'"):
        store.get_class("c1")
    for sid in ("s1", "s2"):
        with pytest.raises(NotFoundError, match="no student"):
            store.get_student(sid)
        with pytest.raises(NotFoundError, match="no student"):
            store.attempts(sid)
        with pytest.raises(NotFoundError, match="no student"):
            store.mastery(sid)
        assert store.password_hash(sid) is None
    assert [s.id for s in store.list_students()] == ["s3"]
    assert store.list_students("c1") == []
    # The teacher stays (with their password); the other class is untouched.
    assert store.get_teacher("t1").name == "Ms Li"
    assert store.password_hash("t1") == digest
    assert store.list_classes("t1") == []
    assert [c.id for c in store.list_classes()] == ["c2"]
    assert (store.attempts("s3"), store.mastery("s3"), store.get_path("s3")) == s3_before
    assert store.password_hash("s3") == digest


def test_the_same_ids_can_be_added_again_and_start_empty(store: GraphStore) -> None:
    school(store)
    store.record_attempt(attempt("s1", "c", True, 1.0), {"c": MasteryState(0.6, 1, 1.0)})
    store.record_attempt(attempt("s1", "a", False, 2.0), {"a": MasteryState(0.3, 1, 2.0)})
    store.set_path("s1", _path("f", 3.0))
    store.set_password_hash("s1", _digest())

    store.delete_class("c1")
    store.add_class(ClassGroup("c1", "5A again", "t1"))
    store.add_students([Student("s1", "Ann", "c1"), Student("s2", "Bo", "c1", goal="e")])

    assert store.get_class("c1") == ClassGroup("c1", "5A again", "t1")
    assert store.get_student("s1") == Student("s1", "Ann", "c1", None)
    assert store.attempts("s1") == [] and store.mastery("s1") == {}
    assert store.get_path("s1") is None and store.password_hash("s1") is None
    # Numbering starts again at 1 for the new student of the same id.
    again = store.record_attempt(
        attempt("s1", "b", True, 9.0), {"b": MasteryState(0.6, 1, 9.0)}, expected_seq=0
    )
    assert again.seq == 1
    assert [a.seq for a in store.attempts("s1")] == [1]


def test_an_empty_class_can_be_deleted(store: GraphStore) -> None:
    school(store)
    store.add_class(ClassGroup("c3", "Empty", "t2"))
    store.delete_class("c3")
    assert [c.id for c in store.list_classes()] == ["c1", "c2"]
    assert [s.id for s in store.list_students()] == ["s1", "s2", "s3"]


def test_an_unknown_class_is_not_found_and_nothing_changes(store: GraphStore) -> None:
    school(store)
    store.record_attempt(attempt("s1", "c", True, 1.0), {"c": MasteryState(0.6, 1, 1.0)})
    with pytest.raises(NotFoundError, match="no class 'nope'"):
        store.delete_class("nope")
    assert [c.id for c in store.list_classes()] == ["c1", "c2"]
    assert [s.id for s in store.list_students()] == ["s1", "s2", "s3"]
    assert [a.seq for a in store.attempts("s1")] == [1]


def test_import_class_with_replace_swaps_the_class_in(store: GraphStore) -> None:
    """``tutor import-class --replace`` (tutor.class_export) removes the class through
    ``delete_class`` and puts the exported one back, on both engines."""
    export_school(store)
    original = snapshot(store, "c1")
    other = snapshot(store, "c2")
    doc = export_class(store, "c1", include_credentials=True)
    # After the export the class moves on: one more answer, one more student.
    store.record_attempt(attempt("s0", "b", True, 2e9), {"b": MasteryState(0.7, 9, 2e9)})
    store.add_student(Student("late", "Late", "c1"))

    report = import_class(store, doc, replace=True)

    assert report.replaced and report.students == 3
    assert snapshot(store, "c1") == original
    assert snapshot(store, "c2") == other
    with pytest.raises(NotFoundError, match="no student"):
        store.get_student("late")
