"""Neo4j stops in the middle of a session: the engine says so clearly, loses nothing that
was acknowledged, and works again by itself (same engine object) once Neo4j is back.

The test stops and restarts the server the suite runs against, with the script that
started it (``graph/neo4j.sh``; ``NEO4J_SCRIPT`` names another copy, for a private dev
server). It restarts the server even when an assertion fails.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, wipe_neo4j
from tests.reliability.loadgen import prepare_store
from tutor.engine import Engine
from tutor.errors import StoreBusy, StoreUnavailable
from tutor.graph import open_store
from tutor.settings import Settings

SCRIPT = Path(os.environ.get("NEO4J_SCRIPT", REPO / "graph" / "neo4j.sh"))


def _server(action: str) -> None:
    subprocess.run([str(SCRIPT), action], check=True, capture_output=True, timeout=300)


@pytest.mark.slow
@pytest.mark.neo4j
def test_engine_survives_a_neo4j_outage(neo4j_settings: Settings) -> None:
    assert neo4j_settings.store_url is not None
    wipe_neo4j(neo4j_settings)
    store = open_store(neo4j_settings.store_url, neo4j_settings)
    try:
        (sid,) = prepare_store(store, 1)
        engine = Engine(store)
        first = engine.next_item(sid).item
        assert first is not None
        assert engine.submit(sid, first.item_id, first.answer).recorded
        second = engine.next_item(sid).item
        assert second is not None

        _server("down")
        try:
            started = time.monotonic()
            with pytest.raises(StoreUnavailable) as info:
                engine.submit(sid, second.item_id, second.answer)
            # Clear and bounded: it names the database and what to do, within the retry window.
            assert "not reachable" in str(info.value)
            assert time.monotonic() - started < 60
            with pytest.raises(StoreUnavailable):
                engine.next_item(sid)
        finally:
            _server("up")

        # The same engine recovers without a restart of the app. (Right after the start a
        # request may also run past the transaction timeout while the server plans its
        # statements: the student is asked to try again, StoreBusy, as for an outage.)
        deadline = time.monotonic() + 180
        while True:
            try:
                feedback = engine.submit(sid, second.item_id, second.answer)
                break
            except (StoreUnavailable, StoreBusy):
                if time.monotonic() > deadline:
                    raise
                time.sleep(2)
        assert feedback.recorded
        attempts = store.attempts(sid)
        # The acknowledged attempt survived; the refused one was not half-written.
        assert [a.item_id for a in attempts] == [first.item_id, second.item_id]
        assert [a.seq for a in attempts] == [1, 2]
    finally:
        store.close()
