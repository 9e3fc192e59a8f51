"""The embedded store's files go wrong: a corrupt or unreadable file, a missing one, a
full disk. Each gives a clear message, and nothing is corrupted or half-written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.reliability.loadgen import LoadReport, audit, prepare_store
from tutor.engine import Engine
from tutor.errors import NotFoundError, StoreUnavailable
from tutor.graph import open_store
from tutor.settings import Settings


def test_corrupt_file_is_refused_clearly_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "kptutor.db"
    junk = b"this is not a database " * 200
    db.write_bytes(junk)
    with pytest.raises(StoreUnavailable) as info:
        open_store(f"sqlite:///{db}", Settings(data_dir=tmp_path))
    message = str(info.value)
    assert "not a usable kptutor database" in message
    assert "restore it from a backup" in message
    assert db.read_bytes() == junk  # evidence kept for whoever repairs it


def test_truncated_database_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    store = open_store(f"sqlite:///{good}", Settings(data_dir=tmp_path))
    prepare_store(store, 2)
    store.close()
    broken = tmp_path / "broken.db"
    broken.write_bytes(good.read_bytes()[:4096])  # the header survives, the pages don't
    with pytest.raises(StoreUnavailable):
        store = open_store(f"sqlite:///{broken}", Settings(data_dir=tmp_path))
        # Opening may succeed on a readable header; the first real read must then fail.
        Engine(store).next_item("load-0000")


def test_missing_file_starts_empty_and_says_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "new" / "kptutor.db"
    store = open_store(f"sqlite:///{db}", Settings(data_dir=tmp_path))
    try:
        assert store.curriculum_info() is None
        with pytest.raises(NotFoundError) as info:
            Engine(store).next_item("s1")
        assert "s1" in str(info.value)
    finally:
        store.close()


@pytest.mark.slow
def test_full_disk_refuses_the_write_and_corrupts_nothing(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    store = open_store(f"sqlite:///{db}", Settings(data_dir=tmp_path))
    (sid,) = prepare_store(store, 1)
    store.close()
    limit = db.stat().st_size + 150_000  # room for some answers, then the disk is "full"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.reliability.fill_disk", str(db), str(limit), sid],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0, proc.stderr[-3000:]
    acked = [int(line.split()[1]) for line in lines if line.startswith("ACK")]
    assert acked, "some answers fit before the disk filled"
    error = lines[-1]
    assert error.startswith("ERROR StoreError: could not save"), error
    assert "disk is full" in error and "nothing was saved" in error

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = open_store(f"sqlite:///{db}", Settings(data_dir=tmp_path))
    try:
        report = audit(store, {sid: acked}, LoadReport("full-disk", 1, 0, (0, 0)))
        assert report.ok, report  # every acknowledged answer, nothing else, mastery consistent
        # With space again, the same file takes answers.
        engine = Engine(store)
        item = engine.next_item(sid).item
        assert item is not None
        assert engine.submit(sid, item.item_id, item.answer).recorded
    finally:
        store.close()
