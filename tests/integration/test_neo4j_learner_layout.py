"""Neo4j's learner-state layout (issue 17), against the real server:

* answering locks nothing that other students share: with every KnowledgePoint, the
  Curriculum, the Class and the Teacher node write-locked by another transaction, a student
  still gets items and has answers recorded;
* a store written in the layout before (MASTERY relationships to the shared knowledge
  points) is refused for learner state until ``tutor migrate`` moves it; the move keeps
  every state, is idempotent and reports what moved;
* a request that waits too long is cut by the transaction timeout: the student gets
  StoreBusy (the app's "try again"), nothing is half-written, and the next try succeeds.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import wipe_neo4j
from tests.factories import diamond, run_cli
from tests.reliability.loadgen import prepare_store
from tutor.domain import Attempt, ClassGroup, MasteryState, Student, Teacher
from tutor.engine import Engine
from tutor.errors import StoreBusy, StoreError
from tutor.graph import GraphStore, open_store
from tutor.graph.neo4j_store import Neo4jStore
from tutor.settings import Settings

pytestmark = pytest.mark.neo4j

# -- the layout before issue 17, frozen here (tutor/graph/cypher.py at a836473) -------------
_OLD_CLAIM = """
MATCH (s:Student {id: $student_id})
SET s.attempt_seq = coalesce(s.attempt_seq, 0) + 1
RETURN s.attempt_seq AS seq
"""
_OLD_RECORD_ATTEMPT = """
MATCH (s:Student {id: $student_id})
CREATE (s)-[:MADE]->(:Attempt {student_id: $student_id, seq: $seq,
    item_id: $item_id, kp: $kp, answer: $answer, status: $status, correct: $correct,
    misconception: null, gap_kps: [], at: $at,
    hints: [], retry_answer: null, retry_status: null, solution_shown: false})
WITH s
CALL (s) {
    UNWIND $rows AS row
    MATCH (k:KnowledgePoint {id: row.kp})
    MERGE (s)-[m:MASTERY]->(k)
    SET m.p = row.p, m.attempts = row.attempts, m.updated_at = row.updated_at, m.gap = row.gap
}
"""


@contextmanager
def _driver(settings: Settings) -> Iterator[Any]:
    import neo4j

    assert settings.store_url is not None and settings.neo4j_password is not None
    with neo4j.GraphDatabase.driver(
        settings.store_url, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        yield driver


def _old_answer(
    driver: Any, student: str, kp: str, correct: bool, at: float, states: dict[str, MasteryState]
) -> None:
    """Record an answer the way the version before issue 17 did."""
    rows = [
        {"kp": k, "p": m.p, "attempts": m.attempts, "updated_at": m.updated_at, "gap": m.gap}
        for k, m in sorted(states.items())
    ]

    def work(tx: Any) -> None:
        seq = tx.run(_OLD_CLAIM, student_id=student).single(strict=True)["seq"]
        tx.run(
            _OLD_RECORD_ATTEMPT,
            student_id=student,
            seq=seq,
            item_id=f"gen:1:{int(at)}",
            kp=kp,
            answer="1",
            status="correct" if correct else "incorrect",
            correct=correct,
            at=at,
            rows=rows,
        ).consume()

    with driver.session() as session:
        session.execute_write(work)


def _count(driver: Any, query: str) -> int:
    with driver.session() as session:
        return int(session.run(query).single(strict=True)[0])


@pytest.fixture
def env(neo4j_settings: Settings, tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    e.update(
        TUTOR_DATA_DIR=str(tmp_path),
        TUTOR_STORE=str(neo4j_settings.store_url),
        TUTOR_NEO4J_USER=neo4j_settings.neo4j_user,
        TUTOR_NEO4J_PASSWORD=str(neo4j_settings.neo4j_password),
    )
    return e


def _school(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.add_teacher(Teacher("t1", "Ms Li"))
    store.add_class(ClassGroup("c1", "5A", "t1"))
    for sid in ("s1", "s2", "s3"):
        store.add_student(Student(sid, sid.upper(), "c1", goal="f"))


def test_migrate_moves_an_old_store_and_is_idempotent(
    neo4j_settings: Settings, env: dict[str, str]
) -> None:
    wipe_neo4j(neo4j_settings)
    s1_a = MasteryState(0.7, 2, 2.0)
    s1_c = MasteryState(0.3, 1, 2.0, gap=True)
    s2_b = MasteryState(0.6, 1, 1.0)
    with _opened(neo4j_settings) as setup:
        _school(setup)
        # s3 already has a state for `a` in the new layout (a newer app wrote it while an
        # old one still ran): the newer of the two must survive the move.
        setup.record_attempt(
            Attempt("s3", "gen:1:5", "a", "1", "correct", True, at=5.0),
            {"a": MasteryState(0.9, 3, 5.0)},
        )
    with _driver(neo4j_settings) as driver:
        _old_answer(driver, "s1", "a", True, 1.0, {"a": MasteryState(0.6, 1, 1.0)})
        _old_answer(driver, "s1", "c", False, 2.0, {"a": s1_a, "c": s1_c})
        _old_answer(driver, "s2", "b", True, 1.0, {"b": s2_b})
        _old_answer(driver, "s3", "b", True, 3.0, {"a": MasteryState(0.2, 1, 3.0)})
        # An old counter lost (as a store from a hand-made import could have it).
        driver.execute_query("MATCH (s:Student {id: 's2'}) REMOVE s.attempt_seq")
        assert _count(driver, "MATCH ()-[m:MASTERY]->() RETURN count(m)") == 4

    store = open_store(neo4j_settings.store_url, neo4j_settings)
    try:
        assert isinstance(store, Neo4jStore)
        assert store.check_layout()
        # Unmigrated, learner state is refused (not shown as empty), and nothing is written.
        for call in (
            lambda: store.mastery("s1"),
            lambda: store.learner_state("s1"),
            lambda: store.record_attempt(
                Attempt("s1", "gen:1:9", "a", "1", "correct", True, at=9.0), {}
            ),
        ):
            with pytest.raises(StoreError, match="run `tutor migrate`"):
                call()
        assert [a.seq for a in store.attempts("s1")] == [1, 2]

        out = run_cli(["migrate", "--json"], env)
        assert out.returncode == 0, out.stderr
        report = json.loads(out.stdout)
        assert report == {
            "store": store.url,
            "engine": "neo4j",
            "layout": 2,
            "changed": True,
            "moved": {
                "students": 3,
                "mastery_states": 4,
                "mastery_relationships_removed": 4,
                "attempt_counters": 1,
            },
            "batches": 1,
        }

        # The store opened before the move works now (another process migrated it).
        assert store.mastery("s1") == {"a": s1_a, "c": s1_c}
        assert store.mastery("s2") == {"b": s2_b}
        assert store.mastery("s3") == {"a": MasteryState(0.9, 3, 5.0)}  # the newer one
        state = store.learner_state("s1", recent=5)
        assert (state.last_seq, state.recent_items) == (2, ("gen:1:2", "gen:1:1"))
        assert [a.seq for a in store.attempts("s3")] == [1, 2]
        # The repaired counter numbers s2's next answer right after its last one.
        nxt = store.record_attempt(
            Attempt("s2", "gen:1:7", "b", "1", "correct", True, at=7.0),
            {"b": MasteryState(0.8, 2, 7.0)},
            expected_seq=1,
        )
        assert nxt.seq == 2
        with _driver(neo4j_settings) as driver:
            assert _count(driver, "MATCH ()-[m:MASTERY]->() RETURN count(m)") == 0
            # Nothing points at the shared points but the curriculum and the goals.
            types = _count(
                driver,
                "MATCH (:Student)-[r]->(:KnowledgePoint) WHERE type(r) <> 'GOAL' RETURN count(r)",
            )
            assert types == 0

        # A second run changes nothing and says so.
        again = json.loads(run_cli(["migrate", "--json"], env).stdout)
        assert again["changed"] is False
        assert set(again["moved"].values()) == {0}
        text = run_cli(["migrate"], env)
        assert text.returncode == 0
        assert "already in learner layout 2; nothing moved" in text.stdout
        assert store.mastery("s2") == {"b": MasteryState(0.8, 2, 7.0)}
    finally:
        store.close()


@contextmanager
def _opened(settings: Settings, **changes: Any) -> Iterator[GraphStore]:
    store = open_store(settings.store_url, settings.with_(**changes))
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _locked(settings: Settings, query: str, **params: Any) -> Iterator[None]:
    """Hold the write locks ``query`` takes in an open transaction of another connection."""
    with _driver(settings) as driver, driver.session() as session:
        tx = session.begin_transaction()
        try:
            tx.run(query, params).consume()
            yield
        finally:
            tx.rollback()


_SHARED_NODES = """
MATCH (n) WHERE n:KnowledgePoint OR n:Curriculum OR n:Class OR n:Teacher
SET n.locked_by_test = true
"""


def test_answering_takes_no_lock_other_students_share(neo4j_settings: Settings) -> None:
    wipe_neo4j(neo4j_settings)
    with _opened(neo4j_settings, neo4j_tx_timeout_s=3.0) as store:
        ids = prepare_store(store, 2)
        engine = Engine(store)
        engine.path(ids[0])  # the curriculum's caches, read before the locks are taken
        with _locked(neo4j_settings, _SHARED_NODES):
            started = time.monotonic()
            for sid in ids:
                for _ in range(3):
                    item = engine.next_item(sid).item
                    assert item is not None
                    feedback = engine.submit(sid, item.item_id, item.answer)
                    assert feedback.recorded
            # Six answers with every shared node locked; had any write needed one of those
            # locks it would have waited for the 3 s timeout and failed.
            assert time.monotonic() - started < 30
        assert [len(store.attempts(sid)) for sid in ids] == [3, 3]
        assert all(store.mastery(sid) for sid in ids)


def test_a_hung_request_is_cut_and_the_next_try_succeeds(neo4j_settings: Settings) -> None:
    wipe_neo4j(neo4j_settings)
    with _opened(neo4j_settings, neo4j_tx_timeout_s=1.0) as store:
        (sid,) = prepare_store(store, 1)
        engine = Engine(store)
        item = engine.next_item(sid).item
        assert item is not None
        # Another process holds this student's node (a request that hangs mid-write).
        with _locked(
            neo4j_settings, "MATCH (s:Student {id: $id}) SET s.attempt_seq = s.attempt_seq", id=sid
        ):
            started = time.monotonic()
            with pytest.raises(StoreBusy, match="within 1 s") as caught:
                engine.submit(sid, item.item_id, item.answer)
            waited = time.monotonic() - started
        assert "try again" in str(caught.value)
        assert waited < 15  # cut by the timeout, not the driver's two-minute read limit
        assert store.attempts(sid) == []  # nothing half-written
        assert engine.submit(sid, item.item_id, item.answer).recorded
        assert [a.seq for a in store.attempts(sid)] == [1]


def test_a_full_pool_is_busy_not_a_hang(neo4j_settings: Settings) -> None:
    wipe_neo4j(neo4j_settings)
    with _opened(neo4j_settings, neo4j_pool_size=1, neo4j_tx_timeout_s=1.0) as store:
        (sid,) = prepare_store(store, 1)
        assert isinstance(store, Neo4jStore)
        # The pool's one connection is held by an open transaction of this store.
        with store._driver.session() as session:
            tx = session.begin_transaction()
            try:
                started = time.monotonic()
                with pytest.raises(StoreBusy, match="no connection to the server was free"):
                    store.learner_state(sid)
                assert time.monotonic() - started < 15
            finally:
                tx.rollback()
        assert store.learner_state(sid).last_seq == 0
