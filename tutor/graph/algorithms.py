"""Graph algorithms shared by both store engines (pure functions, no I/O).

Keeping them in one place is what makes the engines give identical answers:
an engine fetches the relevant subgraph its own way, then calls these.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping

from tutor.domain import GraphStats, grade_rank


def bfs(
    start: str, neighbours: Callable[[str], Iterable[str]], depth: int | None = None
) -> set[str]:
    """Nodes reachable from ``start`` in 1..``depth`` hops (all hops when None)."""
    seen: set[str] = {start}
    frontier = deque([(start, 0)])
    found: set[str] = set()
    while frontier:
        node, dist = frontier.popleft()
        if depth is not None and dist >= depth:
            continue
        for nxt in neighbours(node):
            if nxt not in seen:
                seen.add(nxt)
                found.add(nxt)
                frontier.append((nxt, dist + 1))
    return found


def learning_order(
    nodes: Collection[str],
    prerequisites_of: Mapping[str, Collection[str]],
    grades: Mapping[str, str | None],
) -> list[str]:
    """Topological order of ``nodes`` (prerequisites first), ties by (grade, id).

    ``prerequisites_of`` maps each node to its direct prerequisites; prerequisites
    outside ``nodes`` are ignored (they are already known). Kahn's algorithm with a
    heap gives the lexicographically smallest valid order under the tie key, which
    is deterministic and favours lower grades.
    """
    node_set = set(nodes)
    indegree = {n: 0 for n in node_set}
    dependents: dict[str, list[str]] = {n: [] for n in node_set}
    for node in node_set:
        for pre in prerequisites_of.get(node, ()):
            if pre in node_set:
                indegree[node] += 1
                dependents[pre].append(node)

    def key(n: str) -> tuple[float, str]:
        return (grade_rank(grades.get(n)), n)

    heap = [(key(n), n) for n, d in indegree.items() if d == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        _, node = heapq.heappop(heap)
        order.append(node)
        for dep in dependents[node]:
            indegree[dep] -= 1
            if indegree[dep] == 0:
                heapq.heappush(heap, (key(dep), dep))
    if len(order) != len(node_set):  # only possible if the stored graph is corrupt
        raise ValueError("prerequisite graph contains a cycle")
    return order


def graph_stats(nodes: Collection[str], edges: Iterable[tuple[str, str]]) -> GraphStats:
    """Stats of a DAG given as node ids and (prerequisite, dependent) pairs."""
    node_set = set(nodes)
    prereqs: dict[str, list[str]] = {n: [] for n in node_set}
    has_dependent: set[str] = set()
    n_edges = 0
    for pre, dep in edges:
        prereqs[dep].append(pre)
        has_dependent.add(pre)
        n_edges += 1
    roots = sum(1 for n in node_set if not prereqs[n])
    leaves = len(node_set) - len(has_dependent)
    # Longest chain in nodes: DP over a topological order.
    order = learning_order(node_set, prereqs, {})
    chain: dict[str, int] = {}
    for n in order:
        chain[n] = 1 + max((chain[p] for p in prereqs[n]), default=0)
    return GraphStats(
        knowledge_points=len(node_set),
        prerequisite_edges=n_edges,
        roots=roots,
        leaves=leaves,
        longest_chain=max(chain.values(), default=0),
    )
