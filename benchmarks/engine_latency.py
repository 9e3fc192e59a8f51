"""Engine latency: ``engine.next_item`` + ``engine.submit`` on the 100k-point synthetic graph.

Setup, per store engine (embedded SQLite, Neo4j):

* the synthetic K12-like curriculum of :mod:`graph_scale` (100,000 points), loaded with
  ``store.load_curriculum``;
* a **benchmark-only content bank**: synthetic points have no item generators, so each
  point gets one item family whose generator is a thin wrapper around a real generator
  (the 238 real generators assigned round-robin in a seeded order). The wrappers are
  registered in this process's generator registry under names ``bench.<n>`` (that is
  where :class:`tutor.engine.Engine` finds items and levels) and loaded into the store as
  item families with ``store.load_content`` (the Q-matrix in the graph). Their items are
  the real generator's items (same prompts, same sympy-verified steps), assessing only
  their synthetic point. The stock ``Engine`` is measured, unmodified;
* 10,000 students in classes of 25, each class with a goal drawn (seeded, with
  replacement) from 400 points of grades 3-8, and some history: 3 recorded attempts
  each, written with the store's own ``record_attempt`` (attempt + mastery in one
  transaction, as the engine writes them), on the first points of the goal's learning
  order.

Measured: ``next_item(student)`` then ``submit(student, item_id, answer)`` for a seeded
random student, 70% right answers and otherwise a readable wrong one that no buggy rule
explains (buggy rules would name real points, which the synthetic graph does not have).
Choosing the answer happens between the two timed calls and is not counted. p50/p95/p99
over ``--calls`` pairs after ``--warmup`` pairs, wall clock and the benchmark process's own
CPU time per pair (on a shared machine the difference is mostly waiting for a core; the
Neo4j server's work is in the wall clock only); then cProfile over ``--profile`` more pairs
says what dominates (sorted by cumulative and by own time). Each row names the code it
measured (the git commit of ``tutor/``, "+ changes" when it had uncommitted edits, or
``--code``).

Setup is slow at 100k points (minutes per store, more on a busy machine), so it is kept:
``--state DIR`` keeps the built SQLite store (``DIR/bench.db``) and a setup record per store
(``DIR/setup.json``: what was built, how long each phase took, the load average); a later
run with ``--state DIR --reuse`` skips the setup and only times. A reused store is checked
against the record and the asked settings (curriculum fingerprint, number of students)
first. SQLite is always timed on a fresh copy of the built file, so every run starts from
the same state; Neo4j is timed on the built database itself, so each run leaves its
answers there (the record counts them and the report says so).

Run: ``python benchmarks/engine_latency.py [--engines sqlite,neo4j] [--state DIR [--reuse]]
[--calls 2000] [--write BENCHMARKS.md]`` (Neo4j from ``TUTOR_STORE`` / ``TUTOR_NEO4J_*``, e.g.
after ``make neo4j-up`` and ``set -a; source .neo4j.env; set +a``). Without ``--reuse`` the
Neo4j database is wiped. Loading 100k points into Neo4j is one transaction: on a busy
machine it can outlast the server's ``db.transaction.timeout`` (5 minutes in
``graph/neo4j.sh``), so use a server started with a longer one.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import logging
import os
import platform
import pstats
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _report import write_section
from graph_scale import k12_like_dag, percentile

from tutor.content.items import (
    GENERATORS,
    Draft,
    Generator,
    ensure_generators_loaded,
    register,
)
from tutor.content.misconceptions import match_misconceptions
from tutor.domain import (
    Attempt,
    ClassGroup,
    ContentBank,
    Curriculum,
    ItemFamily,
    Student,
    Teacher,
)
from tutor.engine import Engine
from tutor.graph import GraphStore, open_store
from tutor.learner.mastery import Observation as MasteryObservation
from tutor.learner.mastery import observe
from tutor.settings import Settings

log = logging.getLogger("engine_latency")

TARGET_P99_MS = 20.0
CLASS_SIZE = 25
HISTORY = 3
N_GOALS = 400
RIGHT_RATE = 0.7
#: A readable wrong answer, tried in turn until one no buggy rule explains.
WRONG = ("123457", "98761", "-7771", "31/977")
#: In the --state folder: the built SQLite store, the copy a run times, the setup records.
DB_FILE = "bench.db"
TIMING_DB_FILE = "timing.db"
SETUP_FILE = "setup.json"


@dataclass(frozen=True)
class BenchGenerator:
    """A real generator's items, re-labelled as assessing one synthetic point only."""

    name: str
    kp: str
    real: Generator

    @property
    def assesses(self) -> Mapping[str, float]:
        """Only the synthetic point (the real point is not in the synthetic graph)."""
        return {self.kp: 1.0}

    @property
    def levels(self) -> tuple[int, ...]:
        """The real generator's levels."""
        return self.real.levels

    def make(self, difficulty: int, rng: random.Random) -> Draft:
        """The real generator's draw."""
        return self.real.make(difficulty, rng)


def bench_content(kp_ids: list[str], seed: int) -> ContentBank:
    """Register a wrapper generator per synthetic point; the matching item families."""
    ensure_generators_loaded()
    real = sorted(
        (g for g in GENERATORS.values() if not g.name.startswith("bench.")), key=lambda g: g.name
    )
    random.Random(seed).shuffle(real)
    families = []
    for n, kp in enumerate(kp_ids):
        name = f"bench.{n}"
        gen = GENERATORS.get(name)
        if gen is None or gen.kp != kp:
            GENERATORS.pop(name, None)
            gen = register(BenchGenerator(name, kp, real[n % len(real)]))
        families.append(ItemFamily(name, name, kp, gen.levels, ((kp, 1.0),)))
    return ContentBank(families=tuple(families))


def populate(
    store: GraphStore,
    engine: Engine,
    goals: list[str],
    n_students: int,
    seed: int,
    history: int = HISTORY,
) -> list[str]:
    """Classes, 10,000 students with goals, and a few recorded attempts each."""
    rng = random.Random(seed)
    store.add_teacher(Teacher("t.bench", "Bench Teacher"))
    ids: list[str] = []
    orders = {g: store.learning_order(g) for g in goals}
    prereqs: dict[str, list[list[str]]] = {}
    start = time.perf_counter()
    for c in range(0, n_students, CLASS_SIZE):
        class_id = f"c{c // CLASS_SIZE:04d}"
        store.add_class(ClassGroup(class_id, f"Class {class_id}", "t.bench"))
        goal = goals[rng.randrange(len(goals))]
        batch = [
            Student(f"s{i:05d}", f"Student {i}", class_id, goal)
            for i in range(c, min(c + CLASS_SIZE, n_students))
        ]
        store.add_students(batch)
        for s in batch:
            ids.append(s.id)
            mastery: dict[str, Any] = {}
            # The first unmastered points of the path: what a student starts on.
            for h in range(history):
                kp = orders[goal][min(h, len(orders[goal]) - 1)]
                if kp not in prereqs:
                    prereqs[kp] = engine.index().prerequisite_layers(kp)
                obs = MasteryObservation(kp, rng.random() < RIGHT_RATE, 1.7e9 + h, {kp: 1.0}, ())
                changes = observe(mastery, obs, prereqs[kp])
                mastery.update(changes)
                store.record_attempt(
                    Attempt(
                        s.id,
                        f"bench.0:1:{h}",
                        kp,
                        "1",
                        "correct" if obs.correct else "incorrect",
                        obs.correct,
                        None,
                        (),
                        obs.at,
                    ),
                    changes,
                )
        if (c // CLASS_SIZE) % 40 == 0:
            log.warning(
                "  students %d/%d (%.0fs)", c + len(batch), n_students, time.perf_counter() - start
            )
    return ids


WIPE_BATCH = "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"


def wipe_neo4j(settings: Settings) -> None:
    """Empty the benchmark's Neo4j database (earlier runs leave people behind)."""
    from neo4j import GraphDatabase

    auth = (settings.neo4j_user, settings.neo4j_password or "")
    with GraphDatabase.driver(settings.store_url or "", auth=auth) as driver:
        while True:
            records, _, _ = driver.execute_query(WIPE_BATCH, database_=settings.neo4j_database)
            if records[0]["deleted"] == 0:
                return


def wrong_answer(item: Any) -> str:
    """A readable wrong answer that matches no buggy rule."""
    for text in WRONG:
        if not match_misconceptions(item, text):
            return text
    return WRONG[0]


@dataclass
class Pairs:
    """Per pair: wall-clock ms of next_item and of submit, this process's CPU ms of both."""

    next_ms: list[float]
    submit_ms: list[float]
    cpu_ms: list[float]
    recorded: int


def run_pairs(engine: Engine, students: list[str], n: int, rng: random.Random) -> Pairs:
    """``n`` next_item + submit pairs for random students.

    The CPU time is the benchmark process's own (``time.process_time``): on a machine
    shared with other jobs it leaves out the time spent waiting for a core, so it says
    what a pair costs the engine; the Neo4j server's own work is not in it.
    """
    out = Pairs([], [], [], 0)
    for _ in range(n):
        sid = students[rng.randrange(len(students))]
        c0 = time.process_time()
        t0 = time.perf_counter()
        nxt = engine.next_item(sid)
        t1 = time.perf_counter()
        c1 = time.process_time()
        if nxt.item is None:
            out.next_ms.append((t1 - t0) * 1000)
            out.submit_ms.append(0.0)
            out.cpu_ms.append((c1 - c0) * 1000)
            continue
        answer = nxt.item.answer if rng.random() < RIGHT_RATE else wrong_answer(nxt.item)
        c2 = time.process_time()
        t2 = time.perf_counter()
        fb = engine.submit(sid, nxt.item.item_id, answer)
        t3 = time.perf_counter()
        c3 = time.process_time()
        out.recorded += fb.recorded
        out.next_ms.append((t1 - t0) * 1000)
        out.submit_ms.append((t3 - t2) * 1000)
        out.cpu_ms.append((c1 - c0 + c3 - c2) * 1000)
    return out


def setup_record(args: argparse.Namespace, fingerprint: str) -> dict[str, Any]:
    """What a built store holds (a reused store must match it)."""
    return {
        "nodes": args.nodes,
        "students": args.students,
        "history": args.history,
        "seed": args.seed,
        "fingerprint": fingerprint,
    }


def read_records(state: Path | None) -> dict[str, dict[str, Any]]:
    """The setup records of the stores built in ``state`` (empty when none)."""
    if state is None or not (state / SETUP_FILE).exists():
        return {}
    records: dict[str, dict[str, Any]] = json.loads(
        (state / SETUP_FILE).read_text(encoding="utf-8")
    )
    return records


def write_record(state: Path | None, name: str, record: dict[str, Any]) -> None:
    """Keep one store's setup record next to the SQLite store (nothing without ``--state``);
    the file is re-read first, so runs for the two stores may overlap."""
    if state is not None:
        records = read_records(state)
        records[name] = record
        (state / SETUP_FILE).write_text(json.dumps(records, indent=1), encoding="utf-8")


def check_reusable(
    name: str, store: GraphStore, record: dict[str, Any] | None, expected: dict[str, Any]
) -> str | None:
    """Why ``store`` cannot stand for a store built with ``expected`` (None when it can)."""
    if record is None:
        return f"no setup record for {name}: build it first (the same command without --reuse)"
    differs = [k for k, v in expected.items() if record.get(k) != v]
    if differs:
        return (
            f"the {name} store was built with other settings ("
            + ", ".join(f"{k}: {record.get(k)!r} there, {expected[k]!r} asked" for k in differs)
            + "): rebuild it (the same command without --reuse) or ask for its settings"
        )
    info = store.curriculum_info()
    if info is None or info.fingerprint != expected["fingerprint"]:
        return f"the {name} store no longer holds the benchmark curriculum: rebuild it"
    n = len(store.list_students())
    if n != expected["students"]:
        return f"the {name} store has {n:,} students, not {expected['students']:,}: rebuild it"
    return None


def copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy of a SQLite store (the backup API, not a file copy)."""
    with closing(sqlite3.connect(src)) as source, closing(sqlite3.connect(dst)) as target:
        source.backup(target)


def build(
    store: GraphStore, curriculum: Curriculum, bank: ContentBank, args: argparse.Namespace
) -> dict[str, Any]:
    """Load the curriculum and the content bank, add the students with their history;
    the setup record (what was built, how long each phase took, the load average)."""
    kp_ids = [kp.id for kp in curriculum.knowledge_points]
    grades = {kp.id: kp.grade for kp in curriculum.knowledge_points}
    record = setup_record(args, curriculum.fingerprint())
    load_avg = [os.getloadavg()[0]]
    t0 = time.perf_counter()
    store.load_curriculum(curriculum)
    load_s = time.perf_counter() - t0
    load_avg.append(os.getloadavg()[0])
    t0 = time.perf_counter()
    store.load_content(bank)
    content_s = time.perf_counter() - t0
    load_avg.append(os.getloadavg()[0])
    log.warning("  curriculum %.1fs, content bank %.1fs", load_s, content_s)
    rng = random.Random(args.seed)
    pool = [k for k in kp_ids if grades[k] in {"3", "4", "5", "6", "7", "8"}]
    goals = rng.sample(pool, N_GOALS)
    t0 = time.perf_counter()
    students = populate(store, Engine(store), goals, args.students, args.seed, args.history)
    populate_s = time.perf_counter() - t0
    load_avg.append(os.getloadavg()[0])
    log.warning("  %d students in %.1fs", len(students), populate_s)
    return {
        **record,
        "load_s": load_s,
        "content_s": content_s,
        "populate_s": populate_s,
        # 1-minute load average before the load, after it, after the bank, after the students
        "load_avg": load_avg,
        "built": time.strftime("%Y-%m-%d %H:%M"),
        "answers_added": 0,
    }


def measure(store: GraphStore, args: argparse.Namespace) -> dict[str, Any]:
    """Time and profile ``next_item`` + ``submit`` pairs on a populated store."""
    engine = Engine(store)
    students = [s.id for s in store.list_students()]
    goals_used = {s.goal for s in store.list_students() if s.goal}
    path_lengths = sorted(len(store.learning_order(g)) for g in sorted(goals_used)[:100])
    out: dict[str, Any] = {
        "goals": len(goals_used),
        "path_len_mean": sum(path_lengths) / max(len(path_lengths), 1),
        "path_len_max": path_lengths[-1] if path_lengths else 0,
        "variants": {},
    }
    rng = random.Random(args.seed + 7)
    engines = {"Engine": engine}
    for variant in args.variants.split(","):
        eng = engines[variant]
        # Warm the per-goal path cache for every goal in use, as a serving process would be
        # after its first minutes (the cache holds 4,096 goals; the students have at most 400).
        t0 = time.perf_counter()
        for goal in sorted(goals_used):
            eng.index().goal_graph(goal)
        warm_s = time.perf_counter() - t0
        log.warning("  %s: goal paths warmed in %.1fs", variant, warm_s)
        added = run_pairs(eng, students, args.warmup, rng).recorded
        gc.collect()
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        timed = run_pairs(eng, students, args.calls, rng)
        wall = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
        next_ms, submit_ms = timed.next_ms, timed.submit_ms
        total = [a + b for a, b in zip(next_ms, submit_ms, strict=True)]
        profile = cProfile.Profile()
        profile.enable()
        added += timed.recorded + run_pairs(eng, students, args.profile, rng).recorded
        profile.disable()
        texts = []
        for key, n in (("cumulative", 45), ("tottime", 30)):
            text = io.StringIO()
            pstats.Stats(profile, stream=text).sort_stats(key).print_stats(n)
            texts.append(text.getvalue())
        out["variants"][variant] = {
            "calls": args.calls,
            "recorded": timed.recorded,
            "answers_added": added,
            "wall_s": wall,
            "warm_paths_s": warm_s,
            "load_avg": [load_before, load_after],
            **{f"total_p{q}": percentile(total, q) for q in (50, 95, 99)},
            **{f"next_p{q}": percentile(next_ms, q) for q in (50, 95, 99)},
            **{f"submit_p{q}": percentile(submit_ms, q) for q in (50, 95, 99)},
            **{f"cpu_p{q}": percentile(timed.cpu_ms, q) for q in (50, 95, 99)},
            "profile_pairs": args.profile,
            "profile": texts[0],
            "profile_tottime": texts[1],
        }
        log.warning("  %s: p99 %.1f ms", variant, out["variants"][variant]["total_p99"])
    return out


def markdown(results: dict[str, dict[str, Any]], notes: str) -> str:
    """The BENCHMARKS.md section body (each store's row says its own scale and date)."""
    shape = next((r for r in results.values() if "goals" in r), None)
    goals = (
        f" ({shape['goals']} distinct goals in use; their learning orders have "
        f"{shape['path_len_mean']:,.0f} points on average, {shape['path_len_max']:,} at most, "
        "over the first 100 goals)"
        if shape
        else ""
    )
    lines = [
        "Synthetic K12-like graph of `graph_scale.py`, a benchmark-only content bank (one item "
        "family per point, each wrapping one of the real generators), students in classes of "
        f"{CLASS_SIZE}, each class with a goal drawn from {N_GOALS} points of grades 3-8"
        f"{goals}, and a few recorded attempts each; "
        f"`next_item` + `submit` pairs after warm-up pairs, random students, {RIGHT_RATE:.0%} "
        f"right answers. Python {platform.python_version()}, {os.cpu_count()} CPU cores shared "
        "with the other engineers' jobs (the load average is in the table: on 2 cores, anything "
        "above 2 means the benchmark waited for CPU).",
        "Reproduce: build the stores once with `python benchmarks/engine_latency.py --state DIR` "
        "(Neo4j settings in the environment; `--engines sqlite` for the embedded store alone), "
        "then time them again with `--state DIR --reuse` (SQLite is timed on a fresh copy of "
        "the built store; Neo4j on the built database itself).",
        "",
        "| store | engine | points / students / attempts each / pairs | next+submit p50 / p95 / "
        "p99 (ms) | next_item p50 / p99 | submit p50 / p99 | CPU of the pair p50 / p99 "
        "| load avg before / after | measured | target p99 ≤ 20 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, res in results.items():
        name = res.get("store", key)
        setup = res["setup"]
        scale = (
            f"{setup['nodes']:,} / {setup['students']:,} / {setup['history']} / {setup['calls']:,}"
        )
        for variant, r in res["variants"].items():
            met = r["total_p99"] <= TARGET_P99_MS
            label = variant if variant == "Engine" else f"{variant} (benchmark-only, proposed)"
            label += f" @ {setup['code']}" if "code" in setup else ""
            cpu = f"{r['cpu_p50']:.1f} / {r['cpu_p99']:.1f}" if "cpu_p50" in r else "not measured"
            lines.append(
                f"| {name} | {label} | {scale} | {r['total_p50']:.1f} / {r['total_p95']:.1f} / "
                f"{r['total_p99']:.1f} | {r['next_p50']:.1f} / {r['next_p99']:.1f} | "
                f"{r['submit_p50']:.1f} / {r['submit_p99']:.1f} | {cpu} | "
                f"{r['load_avg'][0]:.1f} / {r['load_avg'][1]:.1f} | {setup['measured']} | "
                f"{'met' if met else 'NOT met'} |"
            )
    lines.append("")
    # One entry per built store (several rows may have timed the same one).
    built: dict[tuple[str, str], tuple[dict[str, Any], list[int], bool]] = {}
    for key, res in results.items():
        rec = res.get("setup_record")
        if rec is None:  # a --json of an older version of this script
            continue
        name = res.get("store", key)
        _, answers, reused = built.setdefault((name, rec["built"]), (rec, [], False))
        answers.append(int(rec.get("answers_before", 0)))
        if res.get("reused"):
            built[(name, rec["built"])] = (rec, answers, True)
    setups = []
    for (name, when), (rec, answers, reused) in built.items():
        earlier = (
            "; answers of earlier timings in it when each row started: "
            + " / ".join(f"{n:,}" for n in answers)
            if any(answers)
            else ""
        )
        setups.append(
            f"{name} ({'reused, built' if reused else 'built'} {when}): curriculum "
            f"{rec['load_s']:.0f} s, content bank {rec['content_s']:.0f} s, students with "
            f"history {rec['populate_s']:.0f} s (1-minute load average before / after each "
            f"phase {' → '.join(f'{x:.1f}' for x in rec['load_avg'])}){earlier}"
        )
    if setups:
        lines.append("Setup: " + "; ".join(setups) + ".")
    if notes:
        lines += ["", notes]
    return "\n".join(lines)


def code_version() -> str:
    """The commit of the measured ``tutor`` package; '+ changes' and a digest of the edits
    when it has uncommitted ones (two rows with the same digest measured the same code)."""
    import tutor

    where = Path(tutor.__file__).resolve().parent

    def git(*argv: str) -> str:
        exe = shutil.which("git")
        if exe is None:
            raise OSError("git is not on PATH")
        command = [exe, *argv]  # fixed arguments, no user input
        done = subprocess.run(command, cwd=where, capture_output=True, text=True, check=True)  # noqa: S603
        return done.stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", ".")
        if not dirty:
            return commit
        # Which uncommitted state: a digest of the diff and of the untracked files.
        digest = hashlib.sha256(git("diff", "HEAD", "--", ".").encode())
        for line in sorted(dirty.splitlines()):
            if line.startswith("??"):
                path = where.parent / line[3:]
                digest.update(line.encode())
                if path.is_file():
                    digest.update(path.read_bytes())
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{commit} + changes {digest.hexdigest()[:7]}"


def open_bench_store(name: str, db: Path | None) -> GraphStore:
    """The SQLite store at ``db``, or the Neo4j store of the environment's settings."""
    if name == "sqlite":
        assert db is not None
        return open_store(f"sqlite:///{db}", Settings(data_dir=db.parent))
    settings = Settings.from_env()
    return open_store(settings.store_url or "", settings)


def run_stores(
    names: list[str],
    folder: Path,
    state: Path | None,
    args: argparse.Namespace,
    results: dict[str, dict[str, Any]],
) -> int:
    """Build (unless ``--reuse``), then time each named store; results into ``results``;
    the exit status (2 when a reused store does not match what was asked)."""
    built_db = folder / DB_FILE
    records = read_records(state)
    curriculum: Curriculum | None = k12_like_dag(args.nodes, args.seed)
    assert curriculum is not None
    expected = setup_record(args, curriculum.fingerprint())
    # Registers the wrapper generators in this process (the engine finds items there).
    bank = bench_content([kp.id for kp in curriculum.knowledge_points], args.seed)
    if args.reuse:
        curriculum = None
        gc.collect()
    for name in names:
        if not args.reuse:
            assert curriculum is not None
            log.warning("%s: loading and populating…", name)
            if name == "neo4j":
                wipe_neo4j(Settings.from_env())
            store = open_bench_store(name, built_db)
            try:
                records[name] = build(store, curriculum, bank, args)
            finally:
                store.close()
            write_record(state, name, records[name])
        timed_db = folder / TIMING_DB_FILE
        if name == "sqlite":
            # Time a fresh copy: every run starts from the store exactly as it was built.
            for stale in folder.glob(f"{TIMING_DB_FILE}*"):
                stale.unlink()
            copy_sqlite(built_db, timed_db)
        log.warning("%s: measuring…", name)
        store = open_bench_store(name, timed_db)
        try:
            why = check_reusable(name, store, records.get(name), expected)
            if why is not None:
                print(f"{name}: {why}", file=sys.stderr)
                return 2
            results[name] = measure(store, args)
        finally:
            store.close()
            if name == "sqlite":
                for scratch in folder.glob(f"{TIMING_DB_FILE}*"):
                    scratch.unlink()
        record = records[name]
        results[name]["reused"] = args.reuse
        results[name]["setup_record"] = {**record, "answers_before": record["answers_added"]}
        if name == "neo4j":  # timed on the kept database: the answers stay there
            record["answers_added"] += sum(
                r["answers_added"] for r in results[name]["variants"].values()
            )
            write_record(state, name, records[name])
        results[name]["setup"] = {
            "nodes": args.nodes,
            "students": args.students,
            "history": args.history,
            "calls": args.calls,
            "warmup": args.warmup,
            "seed": args.seed,
            "measured": time.strftime("%Y-%m-%d %H:%M"),
            "code": args.code or code_version(),
        }
        for variant, r in results[name]["variants"].items():
            print(
                f"--- {name} / {variant}\n{r['profile']}\n{r['profile_tottime']}", file=sys.stderr
            )
            summary = {k: v for k, v in r.items() if not k.startswith("profile")}
            print(json.dumps({name: {variant: summary}}), file=sys.stderr)
    return 0


def main() -> int:
    """Run the benchmark; print the table; optionally write it into BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=HISTORY, help="attempts per student")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile", type=int, default=300, help="pairs run under cProfile")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engines", default="sqlite,neo4j")
    parser.add_argument("--variants", default="Engine", help="engines to time")
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="folder kept between runs: the built SQLite store and the setup records",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the stores an earlier run built with the same --state (no setup)",
    )
    parser.add_argument(
        "--code",
        default=None,
        help="what code was measured, for the table (default: the git commit of tutor/, "
        "with '+ changes <digest of the edits>' when tutor/ has uncommitted edits)",
    )
    parser.add_argument("--notes", type=Path, default=None, help="markdown appended below")
    parser.add_argument("--json", type=Path, default=None, help="write raw results here")
    parser.add_argument(
        "--include",
        type=Path,
        action="append",
        default=[],
        help="--json file of an earlier run whose stores to report too (not re-measured)",
    )
    parser.add_argument("--write", type=Path, default=None, help="update this BENCHMARKS.md")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    names = [e for e in args.engines.split(",") if e]  # "" only reports --include
    unknown = sorted(set(names) - {"sqlite", "neo4j"})
    if unknown:
        print(f"unknown engine {', '.join(unknown)}: use sqlite and/or neo4j", file=sys.stderr)
        return 2
    if "neo4j" in names and not (Settings.from_env().store_url or "").startswith(("neo4j", "bolt")):
        print("neo4j: TUTOR_STORE is not a neo4j:// URL", file=sys.stderr)
        return 2
    if args.reuse and args.state is None:
        print("--reuse needs --state (the folder the stores were built with)", file=sys.stderr)
        return 2
    state: Path | None = args.state.resolve() if args.state is not None else None
    if state is not None and args.reuse and names and not (state / SETUP_FILE).exists():
        print(f"no {SETUP_FILE} in {state}: build the stores first (no --reuse)", file=sys.stderr)
        return 2
    if state is not None and "sqlite" in names:
        if args.reuse and not (state / DB_FILE).exists():
            print(f"no SQLite store at {state / DB_FILE}: build it first", file=sys.stderr)
            return 2
        if not args.reuse and (state / DB_FILE).exists():
            print(
                f"{state / DB_FILE} exists: add --reuse to time it, or remove it", file=sys.stderr
            )
            return 2
    results: dict[str, dict[str, Any]] = {}
    if names:
        folder = state if state is not None else Path(tempfile.mkdtemp(prefix="kptutor-latency-"))
        folder.mkdir(parents=True, exist_ok=True)
        status = run_stores(names, folder, state, args, results)
        if status:
            return status
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    for earlier in args.include:
        for name, res in json.loads(earlier.read_text(encoding="utf-8")).items():
            res.setdefault("store", name)
            key, n = name, 1
            while key in results:  # an earlier measurement of the same store: a row more
                key, n = f"{name}#{n}", n + 1
            results[key] = res
    notes = args.notes.read_text(encoding="utf-8").strip() if args.notes else ""
    body = markdown(results, notes)
    print(body)
    if args.write:
        write_section(
            args.write,
            body,
            "engine_latency",
            "## Engine latency: next_item + submit (benchmarks/engine_latency.py)",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
