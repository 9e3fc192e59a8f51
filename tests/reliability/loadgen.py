"""Load generator: many simulated students answering through the engine at once.

Each student is a thread that loops ``next_item`` → think → ``submit``, the way a browser
session drives the engine. All of them share ONE process with ONE :class:`Engine` over one
store (as the app serves its users); only the engine's two calls are timed, and a student
works out its answer from the item it was handed (about 0.01 ms of CPU). The client keeps
its own ledger of what the engine acknowledged (a recorded attempt and its sequence
number), so after the run the store can be audited against it:

- every acknowledged attempt is in the store, with the sequence number the client was told;
- no attempt is stored twice and none is stored that the client was not told about;
- mastery recomputed from the attempt log (:func:`tutor.learner.mastery.replay`) equals the
  stored mastery for every student and knowledge point (no lost updates).

Used by ``tests/reliability/test_load.py`` (a short profile in CI) and by
``python -m tests.reliability.loadgen`` (the full profile: 200 students for 60 s on each store
engine; ``make reliability``), which writes the table in RELIABILITY.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tutor.access import School
from tutor.content.bank import default_content_bank
from tutor.content.curricula import default_curriculum
from tutor.content.items import Item, regenerate
from tutor.content.misconceptions import buggy_answer, misconceptions_for_generator
from tutor.domain import prerequisite_layers
from tutor.engine import Engine
from tutor.graph import GraphStore, open_store
from tutor.learner.mastery import UP_DEPTH, Observation, replay
from tutor.settings import Settings

#: A goal deep enough that nobody reaches it in a minute (fractions → equations).
GOAL = "equations.systems_substitution"

#: Answers the warm-up student gives before a run.
WARM_UP_ANSWERS = 8


@dataclass
class LoadReport:
    """What one run did and what the audit found."""

    engine: str
    students: int
    seconds: float
    think_s: tuple[float, float]
    answers: int = 0
    answers_per_s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    #: CPU time of the whole process (engine and simulated students) per answer.
    cpu_ms_per_answer: float = 0.0
    #: CPU time of the local Neo4j server per answer (None: not a local Neo4j, or its
    #: process could not be read). With cpu_ms_per_answer, what one answer costs the
    #: machine, whatever else runs on it.
    server_cpu_ms_per_answer: float | None = None
    #: Transactions the Neo4j driver retried after a transient failure (deadlocks above
    #: all); each one costs its answer about a second.
    store_retries: int = 0
    #: The most store transactions open at once (each holds one pooled connection; None:
    #: the engine does not count them).
    peak_transactions: int | None = None
    #: The machine's 1-minute load average just before and just after the run.
    load_avg: tuple[float, float] = (0.0, 0.0)
    errors: list[str] = field(default_factory=list)
    acknowledged: int = 0
    stored: int = 0
    missing: int = 0
    duplicated: int = 0
    unacknowledged_stored: int = 0
    mastery_mismatches: int = 0

    @property
    def ok(self) -> bool:
        """Nothing lost, duplicated or inconsistent, and no client saw an error."""
        return not (
            self.errors
            or self.missing
            or self.duplicated
            or self.unacknowledged_stored
            or self.mastery_mismatches
        )


def prepare_store(store: GraphStore, students: int, *, goal: str = GOAL) -> list[str]:
    """Load the default curriculum and content and add ``students`` fresh students."""
    if store.curriculum_info() is None:
        store.load_curriculum(default_curriculum())
        store.load_content(default_content_bank())
    engine = Engine(store)
    School(engine).add_teacher("load-teacher", "Load Teacher")
    School(engine).create_class("load-class", "Load class", "load-teacher")
    ids = [f"load-{i:04d}" for i in range(students)]
    for sid in ids:
        School(engine).add_student(sid, f"Student {sid}", "load-class", goal)
    return ids


def _answer_for(item: Item | str, rng: random.Random) -> str:
    """A realistic answer: mostly right, sometimes a misconception's buggy answer or noise.

    The simulated student works from the item ``next_item`` handed out (as a browser holds
    the item it shows; an item id is made again); working out a buggy answer costs about
    0.01 ms of CPU, so the clients, which share the engine's process, take next to
    nothing from it.
    """
    if isinstance(item, str):
        item = regenerate(item)
    roll = rng.random()
    if roll < 0.65:
        return item.answer
    if roll < 0.85:
        buggy = [
            b
            for m in misconceptions_for_generator(item.generator)
            if (b := buggy_answer(m.id, item)) is not None
        ]
        if buggy:
            return rng.choice(buggy)
    return str(rng.randint(-99, 999))


#: The student who answers a few items before a run (not part of it, nor of its audit).
WARM_UP_STUDENT = "load-warm-up"


def warm_up(engine: Engine, answers: int = WARM_UP_ANSWERS) -> None:
    """Warm-up outside the measurement: the first item of a goal builds the engine's path
    cache, and a freshly started Neo4j plans (and the JVM compiles) the statements of an
    answer on their first runs, which took seconds each on a busy machine. A student of
    its own answers a few items, right and wrong, so that the run measures a warm store."""
    School(engine).add_student(WARM_UP_STUDENT, "Warm-up", "load-class", GOAL)
    engine.path(WARM_UP_STUDENT)
    rng = random.Random("warm-up")
    for _ in range(answers):
        item = engine.next_item(WARM_UP_STUDENT).item
        if item is None:
            return
        engine.submit(WARM_UP_STUDENT, item.item_id, _answer_for(item, rng))


def run_load(
    engine: Engine,
    student_ids: list[str],
    *,
    seconds: float,
    think_s: tuple[float, float] = (0.4, 1.2),
    seed: int = 0,
    engine_name: str = "",
) -> tuple[LoadReport, dict[str, list[int]]]:
    """Drive ``engine`` with one thread per student for ``seconds``; return the report and
    the client ledger (acknowledged attempt numbers per student)."""
    report = LoadReport(engine_name, len(student_ids), seconds, think_s)
    ledger: dict[str, list[int]] = {sid: [] for sid in student_ids}
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    start_gate = threading.Barrier(len(student_ids) + 1)

    def student(sid: str, rng: random.Random) -> None:
        start_gate.wait()
        # Students don't all start at the same instant.
        time.sleep(rng.uniform(0, think_s[1]))
        while time.monotonic() < stop:
            try:
                t0 = time.perf_counter()
                nxt = engine.next_item(sid)
                t1 = time.perf_counter()
                if nxt.item is None:
                    return
                answer = _answer_for(nxt.item, rng)
                time.sleep(rng.uniform(*think_s))
                t2 = time.perf_counter()
                fb = engine.submit(sid, nxt.item.item_id, answer)
                t3 = time.perf_counter()
            except Exception as exc:  # the audit reports every client-visible failure
                with lock:
                    report.errors.append(f"{sid}: {type(exc).__name__}: {exc}")
                return
            with lock:
                # One answer = the engine's work for it: choosing the item and checking it.
                latencies.append((t1 - t0) + (t3 - t2))
                if fb.recorded and fb.attempt_seq is not None:
                    ledger[sid].append(fb.attempt_seq)

    threads = [
        threading.Thread(target=student, args=(sid, random.Random(f"{seed}:{sid}")), daemon=True)
        for sid in student_ids
    ]
    load_before = _load_avg()
    for t in threads:
        t.start()
    reset_peak = getattr(engine.store, "reset_peak", None)
    if reset_peak is not None:
        reset_peak()
    retries = _RetryCounter()
    driver_log = logging.getLogger("neo4j")
    driver_log.addHandler(retries)
    server_began = _server_cpu_s()
    began = time.monotonic()
    cpu_began = time.process_time()
    start_gate.wait()
    try:
        for t in threads:
            t.join(timeout=seconds + 60)
    finally:
        driver_log.removeHandler(retries)
    elapsed = time.monotonic() - began
    cpu = time.process_time() - cpu_began
    server_ended = _server_cpu_s()
    report.load_avg = (load_before, _load_avg())
    report.store_retries = retries.count
    if reset_peak is not None:
        report.peak_transactions = reset_peak()
    lat = sorted(latencies)
    report.answers = len(lat)
    report.answers_per_s = len(lat) / elapsed if elapsed else 0.0
    report.cpu_ms_per_answer = 1000 * cpu / len(lat) if lat else 0.0
    if lat and server_began is not None and server_ended is not None and engine_name == "neo4j":
        report.server_cpu_ms_per_answer = 1000 * (server_ended - server_began) / len(lat)
    if lat:
        report.p50_ms = 1000 * lat[len(lat) // 2]
        report.p95_ms = 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        report.p99_ms = 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        report.max_ms = 1000 * lat[-1]
    return report, ledger


class _RetryCounter(logging.Handler):
    """Counts the driver's "Transaction failed and will be retried" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "will be retried" in record.getMessage():
            self.count += 1


#: Where graph/neo4j.sh keeps the local server's process id.
_NEO4J_PID_FILE = Path(__file__).resolve().parents[2] / "graph/.neo4j/home/run/neo4j.pid"


def _server_cpu_s() -> float | None:
    """CPU seconds (user + system) the local Neo4j server has used so far, or None when
    there is none to read (another machine's server, no /proc)."""
    try:
        pid = int(_NEO4J_PID_FILE.read_text().strip())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError):
        return None
    # utime and stime are fields 14 and 15 of proc_pid_stat(5); [0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load_avg() -> float:
    """The 1-minute load average (0.0 where the system does not report one)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def audit(store: GraphStore, ledger: dict[str, list[int]], report: LoadReport) -> LoadReport:
    """Compare the store with the client ledger; recompute mastery from the attempt log."""
    layers_cache: dict[str, list[list[str]]] = {}

    def layers(kp: str) -> list[list[str]]:
        if kp not in layers_cache:
            layers_cache[kp] = prerequisite_layers(kp, store.direct_prerequisites, UP_DEPTH)
        return layers_cache[kp]

    for sid, acked in ledger.items():
        attempts = store.attempts(sid)
        seqs = Counter(a.seq for a in attempts)
        items = Counter(a.item_id for a in attempts)
        report.acknowledged += len(acked)
        report.stored += len(attempts)
        report.missing += sum(1 for s in acked if s not in seqs)
        report.duplicated += sum(n - 1 for n in seqs.values() if n > 1)
        report.duplicated += sum(n - 1 for n in items.values() if n > 1)
        report.unacknowledged_stored += sum(1 for s in seqs if s not in set(acked))
        observations = []
        by_kp: dict[str, list[list[str]]] = {}
        for a in attempts:
            item = regenerate(a.item_id)
            observations.append(Observation(a.kp, a.correct, a.at, item.assesses, a.gap_kps))
            by_kp[a.kp] = layers(a.kp)
        expected = replay(observations, by_kp)
        stored = store.mastery(sid)
        if expected != stored:
            keys = set(expected) | set(stored)
            report.mastery_mismatches += sum(1 for k in keys if expected.get(k) != stored.get(k))
    return report


@contextmanager
def _store(url: str, settings: Settings) -> Iterator[GraphStore]:
    store = open_store(url, settings)
    try:
        yield store
    finally:
        store.close()


def load_profile(
    url: str,
    settings: Settings,
    *,
    students: int,
    seconds: float,
    think_s: tuple[float, float] = (0.4, 1.2),
    seed: int = 0,
    name: str = "",
    wipe: Callable[[], None] | None = None,
) -> LoadReport:
    """Prepare a store at ``url``, run the load, audit it (a fresh connection for the audit)."""
    if wipe is not None:
        wipe()
    with _store(url, settings) as store:
        ids = prepare_store(store, students)
        engine = Engine(store)
        warm_up(engine)
        report, ledger = run_load(
            engine, ids, seconds=seconds, think_s=think_s, seed=seed, engine_name=name
        )
    with _store(url, settings) as fresh:
        return audit(fresh, ledger, report)


def engine_target(
    name: str, *, fresh: bool = False
) -> tuple[str, Settings, Callable[[], None] | None]:
    """The store URL, settings and wipe function of a load run on engine ``name`` (sqlite: a
    file in TMPDIR, removed first when ``fresh``; neo4j: the configured server)."""
    if name == "sqlite":
        tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"kptutor-load-{os.getpid()}"
        tmp.mkdir(parents=True, exist_ok=True)
        if fresh:
            (tmp / "load.db").unlink(missing_ok=True)
        return f"sqlite:///{tmp / 'load.db'}", Settings(data_dir=tmp), None
    from tests.conftest import neo4j_settings_or_skip, wipe_neo4j

    settings = neo4j_settings_or_skip()
    assert settings.store_url
    return settings.store_url, settings, lambda: wipe_neo4j(settings)


def main(argv: list[str] | None = None) -> int:
    """The full profile for RELIABILITY.md (``make reliability``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--engines", default="sqlite,neo4j")
    parser.add_argument("--json", type=Path, help="write the reports here")
    args = parser.parse_args(argv)
    results = []
    for name in args.engines.split(","):
        url, settings, wipe = engine_target(name)
        report = load_profile(
            url, settings, students=args.students, seconds=args.seconds, name=name, wipe=wipe
        )
        results.append(report)
        print(json.dumps(asdict(report) | {"ok": report.ok}, indent=2), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) | {"ok": r.ok} for r in results], indent=2))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
