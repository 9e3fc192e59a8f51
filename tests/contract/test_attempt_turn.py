"""The tutoring turn kept with an attempt (hints, the second try, the solution shown),
against both engines: ``record_turn`` adds to the attempt and never touches the first
answer or the mastery."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.contract.test_learner_state import attempt, school
from tutor.domain import MasteryState
from tutor.errors import InputError, NotFoundError, StoreConflict
from tutor.graph import GraphStore
from tutor.graph.sqlite_store import SCHEMA_VERSION, SqliteStore


def test_a_new_attempt_has_no_turn_yet(store: GraphStore) -> None:
    school(store)
    stored = store.record_attempt(attempt("s1", "a", False, 1.0), {})
    (read,) = store.attempts("s1")
    assert read == stored
    assert (read.hints, read.retry_answer, read.retry_status, read.solution_shown) == (
        (),
        None,
        None,
        False,
    )


def test_hints_retry_and_solution_are_kept_with_the_first_answer(store: GraphStore) -> None:
    school(store)
    state = MasteryState(0.3, 1, 1.0)
    first = store.record_attempt(attempt("s1", "a", False, 1.0), {"a": state})
    store.record_attempt(attempt("s2", "a", True, 1.0), {})  # another student's: untouched
    assert store.record_turn("s1", first.seq, hint=1).hints == (1,)
    store.record_turn("s1", first.seq, hint=2)
    assert store.record_turn("s1", first.seq, hint=2).hints == (1, 2)  # asked again: once
    after = store.record_turn("s1", first.seq, retry=("3/4", "correct"))
    assert (after.retry_answer, after.retry_status, after.solution_shown) == (
        "3/4",
        "correct",
        False,
    )
    store.record_turn("s1", first.seq, solution_shown=True)
    (read,) = store.attempts("s1")
    assert read.hints == (1, 2) and read.retry_answer == "3/4" and read.solution_shown
    # The first answer, its verdict and the mastery it produced are as recorded.
    assert (read.answer, read.status, read.correct, read.seq, read.at) == (
        first.answer,
        first.status,
        False,
        first.seq,
        first.at,
    )
    assert store.mastery("s1")["a"] == state
    assert store.learner_state("s1").last_seq == first.seq
    assert store.attempts("s2")[0].hints == ()


def test_a_second_try_is_kept_once(store: GraphStore) -> None:
    school(store)
    first = store.record_attempt(attempt("s1", "a", False, 1.0), {})
    store.record_turn("s1", first.seq, retry=("2/5", "incorrect"))
    with pytest.raises(StoreConflict, match="second try already"):
        store.record_turn("s1", first.seq, retry=("3/4", "correct"), hint=1)
    (read,) = store.attempts("s1")
    assert (read.retry_answer, read.retry_status, read.hints) == ("2/5", "incorrect", ())


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: s.record_turn("nobody", 1, hint=1), NotFoundError, "no student"),
        (lambda s: s.record_turn("s1", 9, hint=1), NotFoundError, "no attempt 9"),
        (lambda s: s.record_turn("s1", 0, hint=1), InputError, "attempt number"),
        (lambda s: s.record_turn("s1", 1, hint=4), InputError, "hint level is 1 to 3"),
        (lambda s: s.record_turn("s1", 1, hint=0), InputError, "hint level"),
    ],
)
def test_bad_turns_are_refused_and_change_nothing(
    store: GraphStore, call: object, error: type[Exception], message: str
) -> None:
    school(store)
    store.record_attempt(attempt("s1", "a", False, 1.0), {})
    before = store.attempts("s1")
    with pytest.raises(error, match=message):
        call(store)  # type: ignore[operator]
    assert store.attempts("s1") == before


def test_a_turn_travels_with_a_recorded_attempt(store: GraphStore) -> None:
    """An attempt recorded with its turn (a class import does this) reads back whole."""
    school(store)
    whole = attempt("s1", "a", False, 1.0, hints=(1, 3), retry_answer="3/4", retry_status="correct")
    stored = store.record_attempt(whole, {})
    assert store.attempts("s1") == [stored]


def _version_1_database(path: Path) -> None:
    """A database as schema 1 wrote it: the attempt table without the turn's columns."""
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    with conn:
        for column in ("hints", "retry_answer", "retry_status", "solution_shown"):
            conn.execute(f"ALTER TABLE attempt DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        conn.execute("INSERT INTO teacher VALUES ('t1', 'Ms Li')")
        conn.execute("INSERT INTO student VALUES ('s1', 'Ann', NULL, NULL)")
        conn.execute(
            "INSERT INTO attempt VALUES ('s1', 1, 'gen:1:1', 'a', '2/5', 'incorrect', 0,"
            " NULL, '[]', 1.0)"
        )
    conn.close()


def test_a_version_1_sqlite_store_opens_with_its_attempts_and_takes_turns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    _version_1_database(path)
    store = SqliteStore(path)
    try:
        (old,) = store.attempts("s1")
        assert (old.answer, old.hints, old.retry_answer, old.solution_shown) == (
            "2/5",
            (),
            None,
            False,
        )
        assert store.record_turn("s1", 1, hint=1, retry=("3/4", "correct")).hints == (1,)
        assert store.attempts("s1")[0].retry_status == "correct"
    finally:
        store.close()
    conn = sqlite3.connect(path)
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    conn.close()
    assert version == (str(SCHEMA_VERSION),)
