"""Graph-scale benchmark: bulk load and query latency on a 100k-point K12-like DAG.

Builds a synthetic, seeded, layered prerequisite graph shaped like a K12 curriculum
(13 grades × 8 subjects × 10 topics; inside a topic, points form short local chains;
each topic continues the same topic of the previous grade; a few links cross topics
of one subject), then for each engine measures:

* bulk load: ``store.load_curriculum`` on the whole graph (validation included);
* transitive-prerequisite closure latency (``store.prerequisites(id)``), p50/p99;
* learning-order latency (``store.learning_order(id)``), p50/p99.

Query points are drawn uniformly (seeded) and every engine gets the same ones.
Run: ``make bench`` (starts Neo4j), or with Neo4j settings in the environment:
``python benchmarks/graph_scale.py [--nodes 100000] [--queries 1000] [--engines sqlite,neo4j]
[--write BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _report import write_section

from tutor.domain import Curriculum, Edge, KnowledgePoint
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings

GRADES = ["K", *[str(g) for g in range(1, 13)]]
SUBJECTS = 8
TOPICS = 10
TARGETS = {
    "sqlite": {"load_s": 10.0, "closure_p99_ms": 5.0},
    "neo4j": {"load_s": 60.0, "closure_p99_ms": 20.0},
}


def k12_like_dag(n_nodes: int = 100_000, seed: int = 0) -> Curriculum:
    """The synthetic curriculum described in the module docstring (~3 edges per point)."""
    rng = random.Random(seed)
    cells = len(GRADES) * SUBJECTS * TOPICS
    per_cell = n_nodes // cells
    extra = n_nodes - per_cell * cells
    kps: list[KnowledgePoint] = []
    edges: set[Edge] = set()
    cell_nodes: dict[tuple[int, int, int], list[str]] = {}
    for g, grade in enumerate(GRADES):
        for s in range(SUBJECTS):
            for t in range(TOPICS):
                size = per_cell + (1 if extra > 0 else 0)
                extra -= 1
                ids = [f"g{grade}.s{s}.t{t}.{i:03d}" for i in range(size)]
                cell_nodes[(g, s, t)] = ids
                for i, kp_id in enumerate(ids):
                    kps.append(
                        KnowledgePoint(id=kp_id, name=f"Point {kp_id}", grade=grade, domain=f"s{s}")
                    )
                    if i > 0:  # local chain inside the topic: 2–3 of the last 6 points
                        for j in rng.sample(range(max(0, i - 6), i), k=min(i, rng.randint(2, 3))):
                            edges.add(Edge(ids[j], kp_id))
                    if g > 0 and (i == 0 or rng.random() < 0.45):
                        # continuity with the same topic one grade down
                        prev = cell_nodes[(g - 1, s, t)]
                        edges.add(Edge(prev[rng.randrange(len(prev) // 2, len(prev))], kp_id))
                    if rng.random() < 0.04:
                        # an occasional link to another topic of the same subject, lower grade
                        g2 = rng.randrange(max(0, g - 2), g + 1)
                        t2 = rng.randrange(TOPICS)
                        if g2 < g or t2 < t:  # only topics generated already
                            other = cell_nodes[(g2, s, t2)]
                            edges.add(Edge(other[rng.randrange(len(other))], kp_id))
    return Curriculum(name=f"synthetic-{n_nodes}", knowledge_points=tuple(kps), edges=tuple(edges))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_engine(
    store: GraphStore, n_nodes: int, seed: int, queries: list[str], warmup: int
) -> dict[str, float]:
    # Start from a one-point curriculum so the timed load really replaces the graph
    # (loading an identical curriculum again would be a no-op).
    store.load_curriculum(Curriculum("empty", (KnowledgePoint(id="seed", name="seed"),)))
    curriculum = k12_like_dag(n_nodes, seed)
    load_s, _ = timed(functools.partial(store.load_curriculum, curriculum))
    # A serving process does not hold the 100k-object curriculum after loading it;
    # keeping it alive would only make every full garbage collection slower.
    del curriculum
    gc.collect()
    for kp_id in queries[:warmup]:  # JIT/plan caches and the in-memory mirror
        store.prerequisites(kp_id)
        store.learning_order(kp_id)
    closure_ms: list[float] = []
    order_ms: list[float] = []
    sizes: list[int] = []
    for kp_id in queries:
        dt, result = timed(lambda k=kp_id: store.prerequisites(k))
        closure_ms.append(dt * 1000)
        sizes.append(len(result))  # type: ignore[arg-type]
        dt, _ = timed(lambda k=kp_id: store.learning_order(k))
        order_ms.append(dt * 1000)
    return {
        "load_s": load_s,
        "closure_p50_ms": percentile(closure_ms, 50),
        "closure_p99_ms": percentile(closure_ms, 99),
        "order_p50_ms": percentile(order_ms, 50),
        "order_p99_ms": percentile(order_ms, 99),
        "closure_size_mean": statistics.fmean(sizes),
        "closure_size_p99": percentile([float(s) for s in sizes], 99),
        "queries": len(queries),
    }


def markdown(results: dict[str, dict[str, float]], nodes: int, edges: int, env: str) -> str:
    lines = [
        f"Synthetic K12-like DAG: {nodes:,} knowledge points, {edges:,} prerequisite edges. {env}",
        "",
        "| engine | bulk load (s) | closure p50 (ms) | closure p99 (ms) | learning order p50 (ms) "
        "| learning order p99 (ms) | closure size mean / p99 | targets (load, closure p99) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for engine, r in results.items():
        t = TARGETS[engine]
        ok = r["load_s"] <= t["load_s"] and r["closure_p99_ms"] <= t["closure_p99_ms"]
        lines.append(
            f"| {engine} | {r['load_s']:.2f} | {r['closure_p50_ms']:.2f} | "
            f"{r['closure_p99_ms']:.2f} | {r['order_p50_ms']:.2f} | {r['order_p99_ms']:.2f} | "
            f"{r['closure_size_mean']:.0f} / {r['closure_size_p99']:.0f} | "
            f"≤ {t['load_s']:.0f} s, ≤ {t['closure_p99_ms']:.0f} ms: {'met' if ok else 'NOT met'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engines", default="sqlite,neo4j")
    parser.add_argument("--write", type=Path, default=None, help="update this BENCHMARKS.md")
    args = parser.parse_args()

    t0 = time.perf_counter()
    curriculum = k12_like_dag(args.nodes, args.seed)
    print(
        f"generated {len(curriculum.knowledge_points):,} points, {len(curriculum.edges):,} "
        f"edges in {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    rng = random.Random(args.seed + 1)
    queries = [kp.id for kp in rng.sample(curriculum.knowledge_points, args.queries)]
    n_points, n_edges = len(curriculum.knowledge_points), len(curriculum.edges)
    del curriculum

    results: dict[str, dict[str, float]] = {}
    for engine in args.engines.split(","):
        if engine == "sqlite":
            tmp = tempfile.mkdtemp(prefix="kptutor-bench-")
            store = open_store(f"sqlite:///{tmp}/bench.db", Settings(data_dir=Path(tmp)))
        elif engine == "neo4j":
            settings = Settings.from_env()
            if not (settings.store_url or "").startswith(("neo4j", "bolt")):
                print(
                    "neo4j: TUTOR_STORE is not a neo4j:// URL; run via `make bench`",
                    file=sys.stderr,
                )
                return 2
            store = open_store(settings.store_url, settings)
        else:
            print(f"unknown engine {engine}", file=sys.stderr)
            return 2
        print(f"{engine}: loading and querying...", file=sys.stderr)
        try:
            results[engine] = bench_engine(store, args.nodes, args.seed, queries, args.warmup)
        finally:
            store.close()
        print(json.dumps({engine: results[engine]}), file=sys.stderr)

    env = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU cores, "
        f"Python {platform.python_version()}, {args.queries} queries per engine "
        f"(same points), seed {args.seed}. "
        f"Reproduce: `make bench` (or `python benchmarks/graph_scale.py --write BENCHMARKS.md` "
        f"with Neo4j settings in the environment)."
    )
    body = markdown(results, n_points, n_edges, env)
    print(body)
    if args.write:
        write_section(args.write, body, "graph_scale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
