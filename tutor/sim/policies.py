"""The tutors compared by ``tutor simulate``. Each sees only items, answers and its own state.

* ``adaptive`` — ours: the real engine (:class:`tutor.engine.Engine` over a temporary
  store, :mod:`tutor.sim.classroom`); nothing of it is here.

The baselines, which are not the engine (policies to compare it with):

* ``linear`` — a textbook: the path in curriculum order, a fixed number of items per point
  (levels 1, 2, 3, …), then the next point; after the last point, start again.
* ``mastery`` — OATutor-style mastery learning: BKT per point with no graph; practise the
  path point with the lowest estimated mastery until every one is mastered.
* ``random`` — a random path point at a random level.

A baseline's view of an answer is the checker's verdict and the buggy rule it matches: the
same answer checker and buggy rules the engine runs (the engine also uses the diagnosis
and the graph). Baselines pick items from the world's pool of real, verified items; the
engine makes its own items with the same generators.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tutor.content.items import Item
from tutor.domain import MasteryState
from tutor.learner.bkt import bkt_update
from tutor.learner.mastery import DEFAULT_BKT

# The mastery baseline aims its level with the engine's level rule, so that it differs
# from the engine only in which point it practises (a fairer baseline).
from tutor.policy.select import choose_level
from tutor.sim.world import World

__all__ = ["BASELINES", "POLICIES", "LinearTutor", "SimTutor", "make_tutor"]

#: Items per point in the textbook's fixed practice.
LINEAR_PRACTICE = 4


class SimTutor(Protocol):
    """A baseline under test: picks (point, level), then hears the outcome."""

    def pick(self, step: int) -> tuple[str, int]: ...

    def hear(self, item: Item, correct: bool, gap_kps: tuple[str, ...], at: float) -> None: ...


@dataclass
class LinearTutor:
    """A textbook: each path point in order, a fixed number of items, then start over."""

    world: World

    def pick(self, step: int) -> tuple[str, int]:
        kp = self.world.path[(step // LINEAR_PRACTICE) % len(self.world.path)]
        levels = self.world.levels[kp]
        return kp, levels[min(step % LINEAR_PRACTICE, len(levels) - 1)]

    def hear(self, item: Item, correct: bool, gap_kps: tuple[str, ...], at: float) -> None:
        return None


@dataclass
class MasteryTutor:
    """BKT per point with no graph: the lowest estimated mastery first (OATutor-style)."""

    world: World
    p: dict[str, float] = field(default_factory=dict)

    def pick(self, step: int) -> tuple[str, int]:
        kp = min(self.world.path, key=lambda k: (self.p.get(k, DEFAULT_BKT.prior), k))
        state = MasteryState(self.p.get(kp, DEFAULT_BKT.prior))
        return kp, choose_level(state, self.world.levels[kp])[0]

    def hear(self, item: Item, correct: bool, gap_kps: tuple[str, ...], at: float) -> None:
        self.p[item.kp] = bkt_update(DEFAULT_BKT, self.p.get(item.kp, DEFAULT_BKT.prior), correct)


@dataclass
class RandomTutor:
    """A random path point at a random level."""

    world: World
    rng: random.Random

    def pick(self, step: int) -> tuple[str, int]:
        kp = self.rng.choice(self.world.path)
        return kp, self.rng.choice(self.world.levels[kp])

    def hear(self, item: Item, correct: bool, gap_kps: tuple[str, ...], at: float) -> None:
        return None


BASELINES: dict[str, Callable[[World, random.Random], SimTutor]] = {
    "linear": lambda world, rng: LinearTutor(world),
    "mastery": lambda world, rng: MasteryTutor(world),
    "random": lambda world, rng: RandomTutor(world, rng),
}
#: Every policy ``tutor simulate`` knows: the engine (``adaptive``) and the baselines.
POLICIES: tuple[str, ...] = ("adaptive", *BASELINES)


def make_tutor(name: str, world: World, rng: random.Random) -> SimTutor:
    """A fresh baseline tutor of the named policy for one student (``adaptive`` is the
    engine, which :mod:`tutor.sim.run` drives itself)."""
    return BASELINES[name](world, rng)
