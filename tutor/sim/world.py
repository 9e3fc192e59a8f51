"""What every simulated student and every tutor in one run share: the graph and the items.

Built from the default curriculum, restricted to the points that have item generators (a
point nobody can practise can neither be learned in the simulation nor measured by a
tutor); a prerequisite without items is contracted away, so its own prerequisites become
prerequisites of what needed it. The goal set is every such point of the goal grade, the
path the goal set and all its prerequisites in learning order.

The world is the simulator's hidden truth (which points need which, what a misconception
blocks) and the baselines' item pool: a fixed pool of real, verified items per (point,
level) — the same generators, answers and buggy rules the app uses — made once per world.
The adaptive tutor is the engine itself (:mod:`tutor.sim.classroom`), which makes its own
items; the simulated student answers those with the same rules.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from tutor.content.answers import CheckResult, check_answer
from tutor.content.curricula import default_curriculum
from tutor.content.items import GENERATORS, Item, ensure_generators_loaded, generate, levels_by_kp
from tutor.content.misconceptions import (
    Misconception,
    buggy_answer,
    load_misconceptions,
    match_misconceptions,
)
from tutor.domain import prerequisite_layers
from tutor.errors import InputError
from tutor.graph import algorithms
from tutor.learner.mastery import UP_DEPTH

__all__ = ["World", "build_world"]

log = logging.getLogger(__name__)

#: Items per (point, level) in the pool.
POOL_SEEDS = 3


@dataclass(frozen=True)
class World:
    """The shared, read-only setting of one simulation."""

    goal: tuple[str, ...]
    path: tuple[str, ...]
    prerequisites: Mapping[str, tuple[str, ...]]
    layers: Mapping[str, tuple[tuple[str, ...], ...]]
    levels: Mapping[str, tuple[int, ...]]
    pool: Mapping[tuple[str, int], tuple[Item, ...]]
    names: Mapping[str, str]
    misconceptions: tuple[Misconception, ...]

    @cached_property
    def misconception_by_id(self) -> dict[str, Misconception]:
        """The misconceptions of this world by id."""
        return {m.id: m for m in self.misconceptions}

    def items(self, kp: str, level: int) -> tuple[Item, ...]:
        """The pool's items for a point at a level."""
        return self.pool[(kp, level)]


#: Every pool item by id, so the cached helpers below never regenerate (and re-verify) one.
_ITEMS: dict[str, Item] = {}
#: Answers the helpers below remember. Bounded: the engine makes a fresh item for every
#: turn, so its items (unlike the pool's) seldom come back.
_CACHED = 1 << 16


def _item(item_id: str) -> Item:
    item = _ITEMS.get(item_id)
    if item is None:
        from tutor.content.items import regenerate

        # An engine item: the generator's own cache has it (the engine just made it).
        item = regenerate(item_id)
    return item


@lru_cache(maxsize=_CACHED)
def checked(item_id: str, expected: str, answer: str) -> CheckResult:
    """The answer checker, cached (the simulation asks the same few questions many times)."""
    return check_answer(answer, expected, _item(item_id).policy)


@lru_cache(maxsize=_CACHED)
def diagnosed(item_id: str, answer: str) -> tuple[Misconception, ...]:
    """The buggy rules a wrong answer matches, cached."""
    return tuple(match_misconceptions(_item(item_id), answer))


@lru_cache(maxsize=_CACHED)
def buggy(misconception_id: str, item_id: str) -> str | None:
    """A buggy rule's answer to an item, cached."""
    return buggy_answer(misconception_id, _item(item_id))


def _contract(prereqs: Mapping[str, Sequence[str]], keep: set[str]) -> dict[str, tuple[str, ...]]:
    """Direct prerequisites among ``keep``, seeing through the points not kept."""
    memo: dict[str, set[str]] = {}

    def kept_below(kp: str) -> set[str]:
        if kp not in memo:
            found: set[str] = set()
            for p in prereqs.get(kp, ()):
                found |= {p} if p in keep else kept_below(p)
            memo[kp] = found
        return memo[kp]

    return {kp: tuple(sorted(kept_below(kp))) for kp in keep}


@cache
def build_world(goal_grade: int) -> World:
    """The world for a goal grade (cached: item pools take a while to make)."""
    ensure_generators_loaded()
    curriculum = default_curriculum()
    grades = {kp.id: kp.grade for kp in curriculum.knowledge_points}
    prereqs: dict[str, list[str]] = {kp.id: [] for kp in curriculum.knowledge_points}
    for edge in curriculum.edges:
        prereqs[edge.dependent].append(edge.prerequisite)
    levels = levels_by_kp()
    with_items = set(levels) & set(prereqs)
    goal = tuple(sorted(kp for kp in with_items if grades[kp] == str(goal_grade)))
    if not goal:
        raise InputError(f"grade {goal_grade} has no knowledge points with items to practise")
    direct = _contract(prereqs, with_items)
    needed: set[str] = set()
    stack = list(goal)
    while stack:
        kp = stack.pop()
        if kp not in needed:
            needed.add(kp)
            stack.extend(direct[kp])
    path = tuple(algorithms.learning_order(needed, direct, grades))

    def lookup(ids: list[str]) -> dict[str, tuple[str, ...]]:
        return {i: direct[i] for i in ids}

    layers = {
        kp: tuple(tuple(layer) for layer in prerequisite_layers(kp, lookup, UP_DEPTH))
        for kp in path
    }
    pool: dict[tuple[str, int], tuple[Item, ...]] = {}
    for kp in path:
        gens = sorted((g for g in GENERATORS.values() if g.kp == kp), key=lambda g: g.name)
        for level in levels[kp]:
            made = [
                generate(g.name, level, seed)
                for g in gens
                if level in g.levels
                for seed in range(POOL_SEEDS)
            ]
            pool[(kp, level)] = tuple(made)
            _ITEMS.update((item.item_id, item) for item in made)
    log.info(
        "simulation world: grade %d, %d goal points, path %d", goal_grade, len(goal), len(path)
    )
    names = {kp.id: kp.name for kp in curriculum.knowledge_points}
    generators_in_path = {item.generator for items in pool.values() for item in items}
    mcs = tuple(m for m in load_misconceptions() if set(m.generators) & generators_in_path)
    return World(
        goal=goal,
        path=path,
        prerequisites={kp: direct[kp] for kp in path},
        layers=layers,
        levels={kp: levels[kp] for kp in path},
        pool=pool,
        names=names,
        misconceptions=mcs,
    )
