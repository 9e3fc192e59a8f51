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
* 10,000 students in classes of 25, each with a goal (one of 400 points of grades 3-8,
  seeded) and some history: 3 recorded attempts each, written with the store's own
  ``record_attempt`` (attempt + mastery in one transaction, as the engine writes them),
  on the first points of the goal's learning order.

Measured: ``next_item(student)`` then ``submit(student, item_id, answer)`` for a seeded
random student, 70% right answers and otherwise a readable wrong one that no buggy rule
explains (buggy rules would name real points, which the synthetic graph does not have).
Choosing the answer happens between the two timed calls and is not counted. p50/p95/p99
over ``--calls`` pairs after ``--warmup`` pairs; then cProfile over ``--profile`` more pairs
says what dominates.

Run: ``python benchmarks/engine_latency.py [--engines sqlite,neo4j] [--calls 2000]
[--write BENCHMARKS.md]`` (Neo4j from ``TUTOR_STORE`` / ``TUTOR_NEO4J_*``, e.g. after
``make neo4j-up`` and ``set -a; source .neo4j.env; set +a``). The Neo4j database is wiped.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import logging
import os
import platform
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Mapping
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
                    prereqs[kp] = engine._prerequisite_layers(kp)
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


def run_pairs(
    engine: Engine, students: list[str], n: int, rng: random.Random
) -> tuple[list[float], list[float], int]:
    """``n`` next_item + submit pairs; (next_item ms, submit ms, recorded answers)."""
    next_ms: list[float] = []
    submit_ms: list[float] = []
    recorded = 0
    for _ in range(n):
        sid = students[rng.randrange(len(students))]
        t0 = time.perf_counter()
        nxt = engine.next_item(sid)
        t1 = time.perf_counter()
        if nxt.item is None:
            next_ms.append((t1 - t0) * 1000)
            submit_ms.append(0.0)
            continue
        answer = nxt.item.answer if rng.random() < RIGHT_RATE else wrong_answer(nxt.item)
        t2 = time.perf_counter()
        fb = engine.submit(sid, nxt.item.item_id, answer)
        t3 = time.perf_counter()
        recorded += fb.recorded
        next_ms.append((t1 - t0) * 1000)
        submit_ms.append((t3 - t2) * 1000)
    return next_ms, submit_ms, recorded


def bench_engine(store: GraphStore, args: argparse.Namespace) -> dict[str, Any]:
    """Load, populate, measure and profile one store."""
    t0 = time.perf_counter()
    curriculum = k12_like_dag(args.nodes, args.seed)
    kp_ids = [kp.id for kp in curriculum.knowledge_points]
    grades = {kp.id: kp.grade for kp in curriculum.knowledge_points}
    bank = bench_content(kp_ids, args.seed)  # registers the wrappers in this process too
    engine = Engine(store)
    load_s = content_s = populate_s = 0.0
    if args.reuse is None:
        store.load_curriculum(curriculum)
        del curriculum
        gc.collect()
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.load_content(bank)
        content_s = time.perf_counter() - t0
        log.warning("  curriculum %.1fs, content bank %.1fs", load_s, content_s)
        rng = random.Random(args.seed)
        pool = [k for k in kp_ids if grades[k] in {"3", "4", "5", "6", "7", "8"}]
        goals = rng.sample(pool, N_GOALS)
        t0 = time.perf_counter()
        students = populate(store, engine, goals, args.students, args.seed, args.history)
        populate_s = time.perf_counter() - t0
        log.warning("  %d students in %.1fs; warm-up…", len(students), populate_s)
    else:
        del curriculum
        gc.collect()
        students = [s.id for s in store.list_students()]
        log.warning("  reusing %s: %d students", args.reuse, len(students))
    goals_used = {s.goal for s in store.list_students() if s.goal}
    path_lengths = sorted(len(store.learning_order(g)) for g in list(goals_used)[:100])
    out: dict[str, Any] = {
        "load_s": load_s,
        "content_s": content_s,
        "populate_s": populate_s,
        "path_len_mean": sum(path_lengths) / max(len(path_lengths), 1),
        "path_len_max": path_lengths[-1] if path_lengths else 0,
        "variants": {},
    }
    rng = random.Random(args.seed + 7)
    engines = {"Engine": engine}
    for variant in args.variants.split(","):
        eng = engines[variant]
        # Warm the per-goal path cache for every goal in use, as a serving process would be
        # after its first minutes (the stock cache holds 256 goals: it keeps missing anyway).
        t0 = time.perf_counter()
        for goal in sorted(goals_used):
            eng._goal_graph(goal)
        log.warning("  %s: goal paths warmed in %.1fs", variant, time.perf_counter() - t0)
        run_pairs(eng, students, args.warmup, rng)
        gc.collect()
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        next_ms, submit_ms, recorded = run_pairs(eng, students, args.calls, rng)
        wall = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
        total = [a + b for a, b in zip(next_ms, submit_ms, strict=True)]
        profile = cProfile.Profile()
        profile.enable()
        run_pairs(eng, students, args.profile, rng)
        profile.disable()
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(40)
        out["variants"][variant] = {
            "calls": args.calls,
            "recorded": recorded,
            "wall_s": wall,
            "load_avg": [load_before, load_after],
            **{f"total_p{q}": percentile(total, q) for q in (50, 95, 99)},
            **{f"next_p{q}": percentile(next_ms, q) for q in (50, 95, 99)},
            **{f"submit_p{q}": percentile(submit_ms, q) for q in (50, 95, 99)},
            "profile": text.getvalue(),
        }
        log.warning("  %s: p99 %.1f ms", variant, out["variants"][variant]["total_p99"])
    return out


def markdown(results: dict[str, dict[str, Any]], notes: str) -> str:
    """The BENCHMARKS.md section body (each store's row says its own scale and date)."""
    lines = [
        "Synthetic K12-like graph of `graph_scale.py`, a benchmark-only content bank (one item "
        "family per point, each wrapping one of the real generators), students in classes of "
        f"{CLASS_SIZE} with {N_GOALS} distinct goals and a few recorded attempts each; "
        f"`next_item` + `submit` pairs after warm-up pairs, random students, {RIGHT_RATE:.0%} "
        f"right answers. Python {platform.python_version()}, {os.cpu_count()} CPU cores shared "
        "with the other engineers' jobs (the load average is in the table: on 2 cores, anything "
        "above 2 means the benchmark waited for CPU).",
        "Reproduce: `python benchmarks/engine_latency.py --write BENCHMARKS.md` (Neo4j settings "
        "in the environment; `--engines sqlite` for the embedded store alone).",
        "",
        "| store | engine | points / students / attempts each / pairs | next+submit p50 / p95 / "
        "p99 (ms) | next_item p50 / p99 | submit p50 / p99 | load avg before / after "
        "| measured | target p99 ≤ 20 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, res in results.items():
        setup = res["setup"]
        scale = (
            f"{setup['nodes']:,} / {setup['students']:,} / {setup['history']} / {setup['calls']:,}"
        )
        for variant, r in res["variants"].items():
            met = r["total_p99"] <= TARGET_P99_MS
            label = variant if variant == "Engine" else f"{variant} (benchmark-only, proposed)"
            lines.append(
                f"| {name} | {label} | {scale} | {r['total_p50']:.1f} / {r['total_p95']:.1f} / "
                f"{r['total_p99']:.1f} | {r['next_p50']:.1f} / {r['next_p99']:.1f} | "
                f"{r['submit_p50']:.1f} / {r['submit_p99']:.1f} | "
                f"{r['load_avg'][0]:.1f} / {r['load_avg'][1]:.1f} | {setup['measured']} | "
                f"{'met' if met else 'NOT met'} |"
            )
    lines.append("")
    lines.append(
        "Setup time: "
        + "; ".join(
            f"{name}: curriculum {r['load_s']:.0f} s, content bank {r['content_s']:.0f} s, "
            f"students with history {r['populate_s']:.0f} s"
            for name, r in results.items()
        )
        + "."
    )
    if notes:
        lines += ["", notes]
    return "\n".join(lines)


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
        "--reuse", type=Path, default=None, help="an already populated SQLite file (sqlite only)"
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

    results: dict[str, dict[str, Any]] = {}
    for name in [e for e in args.engines.split(",") if e]:  # "" only reports --include
        if name == "sqlite":
            if args.reuse is not None:
                db = args.reuse.resolve()
                store = open_store(f"sqlite:///{db}", Settings(data_dir=db.parent))
            else:
                tmp = tempfile.mkdtemp(prefix="kptutor-latency-")
                store = open_store(f"sqlite:///{tmp}/bench.db", Settings(data_dir=Path(tmp)))
        elif name == "neo4j":
            settings = Settings.from_env()
            if not (settings.store_url or "").startswith(("neo4j", "bolt")):
                print("neo4j: TUTOR_STORE is not a neo4j:// URL", file=sys.stderr)
                return 2
            wipe_neo4j(settings)
            store = open_store(settings.store_url, settings)
        else:
            print(f"unknown engine {name}", file=sys.stderr)
            return 2
        log.warning("%s: loading, populating, measuring…", name)
        try:
            results[name] = bench_engine(store, args)
            results[name]["setup"] = {
                "nodes": args.nodes,
                "students": args.students,
                "history": args.history,
                "calls": args.calls,
                "warmup": args.warmup,
                "seed": args.seed,
                "measured": time.strftime("%Y-%m-%d %H:%M"),
            }
        finally:
            store.close()
        for variant, r in results[name]["variants"].items():
            print(f"--- {name} / {variant}\n{r['profile']}", file=sys.stderr)
            summary = {k: v for k, v in r.items() if k != "profile"}
            print(json.dumps({name: {variant: summary}}), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    for earlier in args.include:
        for name, res in json.loads(earlier.read_text(encoding="utf-8")).items():
            results.setdefault(name, res)
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
