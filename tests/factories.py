"""Tiny synthetic curricula for tests (hand-made, so expected answers are known)."""

from __future__ import annotations

import random
import subprocess
import sys

from tutor.domain import Curriculum, Edge, KnowledgePoint, Standard

#: `tutor graph stats --json` after `tutor graph load ccss`, worked out from the source data.
CCSS_STATS = {
    "knowledge_points": 509,
    "prerequisite_edges": 453,
    "roots": 285,
    "leaves": 303,
    "longest_chain": 23,
}


def kp(kp_id: str, grade: str | None = "1", **extra: object) -> KnowledgePoint:
    return KnowledgePoint(id=kp_id, name=f"Name of {kp_id}", grade=grade, **extra)  # type: ignore[arg-type]


def diamond() -> Curriculum:
    """a,b (grade 1) → c; a → d (grade 2); c,d → e → f (grade 3); iso (grade K) alone.

    Expected: prerequisites(f) = a..e; roots a,b,iso; leaves f,iso; longest chain a-c-e-f = 4.
    """
    kps = (
        kp(
            "a",
            "1",
            name_zh="甲",
            description="first",
            description_zh="第一",
            standards=("S1",),
            attrs={"source": "test"},
        ),
        kp("b", "1"),
        kp("c", "2"),
        kp("d", "2", domain="NF"),
        kp("e", "3"),
        kp("f", "3"),
        kp("iso", "K"),
    )
    edges = (
        Edge("a", "c"),
        Edge("b", "c"),
        Edge("a", "d"),
        Edge("c", "e"),
        Edge("d", "e"),
        Edge("e", "f"),
    )
    return Curriculum(
        name="diamond",
        knowledge_points=kps,
        edges=edges,
        related=(("b", "iso"),),
        standards=(Standard("S1", "TEST", "1", "X", "a standard"), Standard("S0", "TEST")),
        standard_edges=(Edge("S0", "S1"),),
    )


def random_dag(n: int, extra_edges: int, seed: int) -> Curriculum:
    """A random layered DAG: node i may only require nodes with a smaller index."""
    rng = random.Random(seed)
    kps = tuple(kp(f"n{i:04d}", str(1 + i * 9 // n)) for i in range(n))
    edges: set[Edge] = set()
    for i in range(1, n):
        edges.add(Edge(f"n{rng.randrange(i):04d}", f"n{i:04d}"))
    while len(edges) < n - 1 + extra_edges:
        j = rng.randrange(1, n)
        i = rng.randrange(j)
        edges.add(Edge(f"n{i:04d}", f"n{j:04d}"))
    return Curriculum(name=f"random-{seed}", knowledge_points=kps, edges=tuple(sorted(edges)))


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the real ``tutor`` command (as ``python -m tutor.cli``) with ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
