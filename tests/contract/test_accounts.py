"""Accounts in the store contract (both engines): password hashes and whole-roster adds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.test_learner_state import school
from tutor.auth import hash_password, verify_password
from tutor.domain import Student, Teacher
from tutor.errors import InputError, NotFoundError
from tutor.graph import GraphStore

PASSWORD = "correct horse battery"


def test_password_hashes_round_trip_for_teachers_and_students(store: GraphStore) -> None:
    school(store)
    assert store.password_hash("t1") is None
    assert store.password_hash("nobody") is None
    teacher_hash, student_hash = hash_password(PASSWORD), hash_password("another-secret")
    store.set_password_hash("t1", teacher_hash)
    store.set_password_hash("s1", student_hash)
    assert store.password_hash("t1") == teacher_hash
    assert store.password_hash("s1") == student_hash
    assert store.password_hash("s2") is None
    # Replacing a password replaces the hash.
    newer = hash_password("a-newer-password")
    store.set_password_hash("s1", newer)
    assert store.password_hash("s1") == newer
    assert verify_password("a-newer-password", newer)


def test_bad_password_hashes_are_refused(store: GraphStore) -> None:
    school(store)
    good = hash_password(PASSWORD)
    cases: list[tuple[str, str, type[Exception], str]] = [
        ("nobody", good, NotFoundError, "no teacher or student"),
        ("s1", PASSWORD, InputError, "never a password"),
        ("s1", "", InputError, "never a password"),
        ("s1", "scrypt$" + "x" * 600, InputError, "never a password"),
    ]
    for person, value, error, message in cases:
        with pytest.raises(error, match=message):
            store.set_password_hash(person, value)
        assert store.password_hash(person) is None


def test_an_id_shared_by_a_teacher_and_a_student_cannot_get_a_password(store: GraphStore) -> None:
    school(store)
    store.add_teacher(Teacher("s3", "Also Cy"))
    with pytest.raises(InputError, match="ambiguous"):
        store.set_password_hash("s3", hash_password(PASSWORD))
    assert store.password_hash("s3") is None


def test_the_store_never_holds_the_password_in_clear(store: GraphStore, tmp_path: Path) -> None:
    school(store)
    store.set_password_hash("t1", hash_password(PASSWORD))
    store.add_students([Student("s9", "Di", "c1")], {"s9": hash_password("roster-password-9")})
    for secret in (PASSWORD, "roster-password-9"):
        for blob in _everything_stored(store):
            assert secret.encode() not in blob


def _everything_stored(store: GraphStore) -> list[bytes]:
    """Every byte the store keeps: the SQLite files, or every Neo4j property value."""
    path = getattr(store, "path", None)
    if isinstance(path, Path):
        return [p.read_bytes() for p in path.parent.glob(path.name + "*")]
    driver = store._driver  # type: ignore[attr-defined]
    with driver.session() as session:
        rows = session.run("MATCH (n) RETURN properties(n) AS p").data()
        rows += session.run("MATCH ()-[r]->() RETURN properties(r) AS p").data()
    return [repr(row["p"]).encode() for row in rows]


def test_add_students_adds_a_whole_roster_with_hashes(store: GraphStore) -> None:
    school(store)
    hashes = {"s8": hash_password("password-8"), "s9": hash_password("password-9")}
    store.add_students([Student("s9", "Di", "c1", goal="f"), Student("s8", "Ed", "c2")], hashes)
    assert store.get_student("s9") == Student("s9", "Di", "c1", "f")
    assert store.get_student("s8") == Student("s8", "Ed", "c2", None)
    assert store.password_hash("s8") == hashes["s8"]
    assert [s.id for s in store.list_students("c1")] == ["s1", "s2", "s9"]


def test_a_bad_roster_writes_nothing(store: GraphStore) -> None:
    school(store)
    ed = Student("s8", "Ed", "c1")
    cases: list[tuple[Student, type[Exception], str]] = [
        (Student("s1", "Again", "c1"), InputError, "already exists"),
        (Student("t1", "Teacher id", "c1"), InputError, "already exists"),
        (Student("s8", "Twice", "c1"), InputError, "twice"),
        (Student("s9", "Di", "c9"), NotFoundError, "no class"),
        (Student("s9", "Di", "c1", "zz"), NotFoundError, "no knowledge point"),
        (Student("s9", "", "c1"), InputError, "name is empty"),
    ]
    ed_hash = hash_password("password-ed")
    for bad, error, message in cases:
        with pytest.raises(error, match=message):
            store.add_students([ed, bad], {"s8": ed_hash})
        assert [s.id for s in store.list_students()] == ["s1", "s2", "s3"]
        assert store.password_hash("s8") is None
