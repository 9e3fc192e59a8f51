"""The embedded store checkpoints its WAL from its own thread, never inside a commit."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path

from tests.contract.test_learner_state import attempt, school
from tutor.domain import MasteryState
from tutor.graph.sqlite_store import CHECKPOINT_EVERY_S, SqliteStore


def _attempts_in_main_file(db: Path) -> int:
    """Attempts stored in the database file itself, not counting the WAL."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?immutable=1", uri=True)) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM attempt").fetchone()[0])
        except sqlite3.DatabaseError:  # the table is not in the file yet
            return 0


def _checkpointers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kptutor-checkpoint-")]


def test_commits_leave_the_wal_to_the_checkpoint_thread(tmp_path: Path) -> None:
    before = set(_checkpointers())
    store = SqliteStore(tmp_path / "ck.db")
    try:
        school(store)
        conn = store._conn()
        # No commit copies WAL pages into the database file (that held the writer lock).
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        for n in range(1, 30):
            store.record_attempt(
                attempt("s1", "c", n % 3 > 0, float(n)), {"c": MasteryState(n / 40, n, float(n))}
            )
        started = set(_checkpointers()) - before
        assert len(started) == 1
        # The thread catches up within a few periods: the database file alone (read as
        # immutable, which ignores the WAL) then holds every attempt.
        deadline = time.monotonic() + 20 * CHECKPOINT_EVERY_S
        while _attempts_in_main_file(tmp_path / "ck.db") < 29 and time.monotonic() < deadline:
            time.sleep(CHECKPOINT_EVERY_S / 2)
        assert _attempts_in_main_file(tmp_path / "ck.db") == 29
        assert [a.seq for a in store.attempts("s1")] == list(range(1, 30))
    finally:
        store.close()
    # close() stops the thread (after a last checkpoint).
    assert not [t for t in started if t.is_alive()]


def test_a_store_that_only_reads_starts_no_thread(tmp_path: Path) -> None:
    writer = SqliteStore(tmp_path / "ro.db")
    school(writer)
    writer.close()
    before = set(_checkpointers())
    reader = SqliteStore(tmp_path / "ro.db")
    try:
        assert reader.get_student("s1").name == "Ann"
        assert reader.learner_state("s1").student.goal == "f"
        assert set(_checkpointers()) == before
    finally:
        reader.close()
