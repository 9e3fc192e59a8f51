"""Cached views of one curriculum's graph: :class:`CurriculumIndex`.

The policy asks the same questions of the graph over and over — a goal's learning order, the
direct prerequisites of the points on it, a point's prerequisites hop by hop, a point's name
for a reason — and the answers change only when a curriculum is loaded. A
:class:`CurriculumIndex` answers them for one curriculum *fingerprint* and remembers the
answers (bounded). It is an object the caller owns and passes in (the engine keeps one and
makes a new one when the stored fingerprint changes); there is no module-level state.

How it reaches the graph without importing it: ``tutor.policy`` sits below the store and the
content packages (DESIGN's layer table: policy imports learner and domain only). So the
index is given

* ``graph`` — any object with the three reads of :class:`CurriculumGraph`
  (``learning_order``, ``direct_prerequisites``, ``get_node``). The protocol is structural,
  so the engine passes its store as it is (every ``GraphStore`` has these methods) and a
  test can pass a small fake; and
* ``levels`` — plain data: for each point some item generator makes items for, its
  difficulty levels (the engine reads it from the content registry once).
"""

from __future__ import annotations

import threading
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from tutor.domain import KnowledgePoint, prerequisite_layers
from tutor.learner.mastery import UP_DEPTH

__all__ = ["CACHE_SIZE", "CurriculumGraph", "CurriculumIndex", "GoalGraph", "see_through"]

#: Goals (and points) whose views one index keeps; the oldest is dropped past this.
CACHE_SIZE = 4096


class CurriculumGraph(Protocol):
    """The graph reads the index needs (a ``GraphStore`` has them all)."""

    def learning_order(self, goal: str, /) -> list[str]:
        """``goal`` and its prerequisites, each after what it requires."""
        ...

    def direct_prerequisites(self, kp_ids: Sequence[str], /) -> dict[str, list[str]]:
        """For each of ``kp_ids``, the points it directly requires."""
        ...

    def get_node(self, kp_id: str, /) -> KnowledgePoint:
        """One knowledge point."""
        ...


@dataclass(frozen=True)
class GoalGraph:
    """A goal's learning order, the nearest practisable prerequisites of the points on it
    (``prerequisites``, :func:`see_through`), the item levels of those points, and their
    direct prerequisites as the graph has them (``direct``: with the points that have no
    items, which the path still names; all fixed for one curriculum)."""

    order: list[str]
    prerequisites: dict[str, list[str]]
    levels: dict[str, tuple[int, ...]]
    direct: dict[str, list[str]] = field(default_factory=dict)


_K = TypeVar("_K")
_V = TypeVar("_V")


def _remember(cache: dict[_K, _V], key: _K, value: _V) -> _V:
    """Store ``value`` in a bounded cache, dropping its oldest entry when full."""
    if len(cache) >= CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


class _Names(Mapping[str, str]):
    """Knowledge-point names read from the graph only when a reason needs them."""

    def __init__(self, graph: CurriculumGraph, *, zh: bool, seen: dict[str, str]) -> None:
        self._graph = graph
        self._zh = zh
        self._seen = seen  # shared by every view of one index

    def __getitem__(self, kp_id: str) -> str:
        if kp_id not in self._seen:
            node = self._graph.get_node(kp_id)
            self._seen[kp_id] = (node.name_zh or node.name) if self._zh else node.name
        return self._seen[kp_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._seen)

    def __len__(self) -> int:
        return len(self._seen)


def see_through(
    direct: Mapping[str, Sequence[str]], practisable: Container[str]
) -> dict[str, list[str]]:
    """Each point's nearest prerequisites that have items, looking through those without.

    A point no generator makes items for can never be practised or measured, so the policy
    passes over it; without this, a point behind it (``teen numbers`` → ``bundle ten``, no
    items → ``count to 120``) would never be re-checked when a student keeps failing, and
    the student would be kept on the same point (measured in the simulator: one simulated
    student was given the same point 2,715 times).
    """
    memo: dict[str, list[str]] = {}

    def below(kp: str) -> list[str]:
        if kp not in memo:
            memo[kp] = []  # a (forbidden) cycle ends here instead of recursing forever
            found: list[str] = []
            for p in direct.get(kp, ()):
                found.extend([p] if p in practisable else below(p))
            memo[kp] = list(dict.fromkeys(found))
        return memo[kp]

    return {kp: below(kp) for kp in direct}


class CurriculumIndex:
    """Cached views of the graph for one curriculum ``fingerprint`` (see the module
    docstring). Safe to share between threads: a lost race only computes a view twice."""

    def __init__(
        self, fingerprint: str, graph: CurriculumGraph, levels: Mapping[str, tuple[int, ...]]
    ) -> None:
        self.fingerprint = fingerprint
        self.levels = levels
        self._graph = graph
        self._goals: dict[str, GoalGraph] = {}
        self._layers: dict[str, list[list[str]]] = {}
        self._names_en: dict[str, str] = {}
        self._names_zh: dict[str, str] = {}
        self._grades: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def goal_graph(self, goal: str) -> GoalGraph:
        """The goal's learning order, the nearest practisable prerequisites of each point on
        it (:func:`see_through`) and their levels."""
        cached = self._goals.get(goal)
        if cached is None:
            order = self._graph.learning_order(goal)
            direct = self._graph.direct_prerequisites(order)
            prerequisites = see_through(direct, self.levels)
            levels = {kp: self.levels[kp] for kp in prerequisites if kp in self.levels}
            graph = GoalGraph(
                order, prerequisites, levels, {kp: list(p) for kp, p in direct.items()}
            )
            with self._lock:
                cached = _remember(self._goals, goal, graph)
        return cached

    def prerequisite_layers(self, kp_id: str) -> list[list[str]]:
        """``kp_id``'s prerequisites hop by hop, up to the depth mastery propagates."""
        layers = self._layers.get(kp_id)
        if layers is None:
            found = prerequisite_layers(kp_id, self._graph.direct_prerequisites, UP_DEPTH)
            with self._lock:
                layers = _remember(self._layers, kp_id, found)
        return layers

    def names(self, *, zh: bool) -> Mapping[str, str]:
        """Point names (Chinese with ``zh``, English otherwise), read when first needed."""
        return _Names(self._graph, zh=zh, seen=self._names_zh if zh else self._names_en)

    def grades(self, kp_ids: Sequence[str]) -> dict[str, str | None]:
        """Points' grades (each read from the graph once; the placement prior needs them)."""
        for kp in kp_ids:
            if kp not in self._grades:
                self._grades[kp] = self._graph.get_node(kp).grade
        return {kp: self._grades[kp] for kp in kp_ids}
