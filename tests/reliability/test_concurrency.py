"""One student, many tabs: simultaneous submissions lose nothing and count nothing twice.

Eight threads submit for the SAME student at the same instant (a barrier releases them
together), some answering the same item (a double click, two tabs on one question), some
different items. On both store engines, afterwards:

- every distinct item is recorded exactly once and no item twice (the first answer counts);
- attempts are numbered 1..n without gaps, and each recorded feedback got its own number;
- mastery recomputed from the attempt log (``loadgen.audit``) equals the stored mastery,
  so no submission computed its update from a state another one had already replaced;
- the stored learning path is the one computed with the last recorded answer.

Without the engine's optimistic concurrency (``record_attempt(..., expected_seq=…)`` and
the retry in ``Engine.submit``) the threads read the same mastery and the same log, and
this test fails with lost updates and duplicated items.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest

from tests.reliability.loadgen import LoadReport, audit, prepare_store
from tutor.content.items import Item, generate
from tutor.content.misconceptions import buggy_answer, misconceptions_for_generator
from tutor.engine import Engine, Feedback
from tutor.graph import GraphStore

THREADS = 8
ROUNDS = 3
#: Generators for points of different domains, so updates touch different mastery rows.
GENERATORS = ("fraction_add_unlike", "add_2digit", "decimal_add")


def _wrong(item: Item) -> str:
    """A buggy-rule answer when one applies (diagnosed, with gaps), else a plain wrong one."""
    for m in misconceptions_for_generator(item.generator):
        answer = buggy_answer(m.id, item)
        if answer is not None:
            return answer
    return item.answer + "1"


def _round_plan(round_no: int, rng: random.Random) -> list[tuple[Item, str]]:
    """Eight submissions: one item answered four times, four other items once each."""
    items = [
        generate(GENERATORS[k % len(GENERATORS)], 1 + k % 3, 1000 * round_no + k) for k in range(5)
    ]
    shared = items[0]
    plan = [(shared, shared.answer if k % 2 else _wrong(shared)) for k in range(4)]
    plan += [(it, it.answer if rng.random() < 0.6 else _wrong(it)) for it in items[1:]]
    rng.shuffle(plan)
    assert len(plan) == THREADS
    return plan


def _submit_at_once(engine: Engine, sid: str, plan: list[tuple[Item, str]]) -> list[Feedback]:
    gate = threading.Barrier(len(plan))
    results: list[Feedback] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def tab(item: Item, answer: str) -> None:
        gate.wait()
        try:
            fb = engine.submit(sid, item.item_id, answer)
        except BaseException as exc:  # collected and reported by the test
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(fb)

    threads = [threading.Thread(target=tab, args=job) for job in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a submission hung"
    assert not errors, f"submissions failed: {errors!r}"
    return results


@pytest.mark.slow
def test_simultaneous_submissions_of_one_student(store: GraphStore) -> None:
    (sid,) = prepare_store(store, 1)
    engine = Engine(store)
    rng = random.Random(8)
    acknowledged: list[int] = []
    distinct_items: set[str] = set()
    for round_no in range(ROUNDS):
        plan = _round_plan(round_no, rng)
        feedback = _submit_at_once(engine, sid, plan)
        assert len(feedback) == THREADS
        recorded = [fb for fb in feedback if fb.recorded]
        round_items = {item.item_id for item, _ in plan}
        distinct_items |= round_items
        # Each distinct item once: the shared one's three late answers are feedback only.
        assert len(recorded) == len(round_items), [fb.to_json() for fb in feedback]
        acknowledged += [fb.attempt_seq for fb in recorded if fb.attempt_seq is not None]

    attempts = store.attempts(sid)
    n = len(attempts)
    assert n == len(distinct_items) == ROUNDS * 5
    assert [a.seq for a in attempts] == list(range(1, n + 1))
    assert sorted(acknowledged) == list(range(1, n + 1))
    items = Counter(a.item_id for a in attempts)
    assert set(items) == distinct_items and max(items.values()) == 1
    # Answers were saved in seq order, so their times never go backwards.
    assert [a.at for a in attempts] == sorted(a.at for a in attempts)

    report = audit(store, {sid: acknowledged}, LoadReport("concurrency", 1, 0.0, (0.0, 0.0)))
    assert report.mastery_mismatches == 0, report
    assert report.ok, report

    path = store.get_path(sid)
    assert path is not None and path.updated_at == attempts[-1].at
