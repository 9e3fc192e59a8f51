"""kill -9 in the middle of a stream of submissions, 20 times, on each store engine: after
each restart every acknowledged attempt is present, nothing is doubled, and the stored
mastery equals the mastery recomputed from the attempt log."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, wipe_neo4j
from tests.reliability.loadgen import LoadReport, audit, prepare_store
from tutor.graph import open_store
from tutor.settings import Settings

KILLS = 20
STUDENTS = 4


def _kill_loop(url: str, env: dict[str, str], ids: list[str], seed: int) -> dict[str, list[int]]:
    """Start the submitter, let it run a random while, SIGKILL it; repeat. Return the ACKs."""
    rng = random.Random(seed)
    acked: dict[str, list[int]] = {sid: [] for sid in ids}
    for _ in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.submitter", url, *ids],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first == "READY", proc.stderr.read() if proc.stderr else ""
        # Kill mid-stream: after the first acknowledgement, at a random moment.
        first_ack = proc.stdout.readline().strip()
        assert first_ack.startswith("ACK"), proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.05, 1.0))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # Read the rest through the same buffered reader as the readline() calls above, never
        # communicate(): it reads the raw pipe and loses what readline() already buffered (a
        # line cut at the buffer's edge came back as an empty or half line).
        out = first_ack + "\n" + proc.stdout.read()
        err = proc.stderr.read() if proc.stderr else ""
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, f"submitter ended on its own: {err[-2000:]}"
        for line in out.splitlines():
            tag, sid, seq = line.split()
            assert tag == "ACK"
            acked[sid].append(int(seq))
    return acked


def _run(
    url: str, settings: Settings, env: dict[str, str], wipe: Callable[[], None] | None
) -> LoadReport:
    if wipe is not None:
        wipe()
    store = open_store(url, settings)
    try:
        ids = prepare_store(store, STUDENTS)
    finally:
        store.close()
    acked = _kill_loop(url, env, ids, seed=7)
    assert sum(map(len, acked.values())) > KILLS, "the submitter should get work done between kills"
    store = open_store(url, settings)
    try:
        report = audit(store, acked, LoadReport("kill", STUDENTS, 0, (0, 0)))
    finally:
        store.close()
    # An attempt can be committed in the instant between the commit and the ACK line: at most
    # one per student thread per kill. Everything acknowledged must be there.
    assert report.missing == 0, report
    assert report.duplicated == 0, report
    assert report.mastery_mismatches == 0, report
    assert report.unacknowledged_stored <= KILLS * STUDENTS, report
    return report


@pytest.mark.slow
def test_kill_9_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    env = {**os.environ, "TUTOR_DATA_DIR": str(tmp_path)}
    _run(f"sqlite:///{db}", Settings(data_dir=tmp_path), env, None)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
@pytest.mark.neo4j
def test_kill_9_neo4j(neo4j_settings: Settings) -> None:
    assert neo4j_settings.store_url is not None
    env = {
        **os.environ,
        "TUTOR_STORE": neo4j_settings.store_url,
        "TUTOR_NEO4J_USER": neo4j_settings.neo4j_user,
        "TUTOR_NEO4J_PASSWORD": neo4j_settings.neo4j_password or "",
    }
    _run(neo4j_settings.store_url, neo4j_settings, env, lambda: wipe_neo4j(neo4j_settings))
