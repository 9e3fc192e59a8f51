"""The tutors compared by ``tutor simulate``. Each sees only items, answers and its own state.

* ``adaptive`` — ours: the engine's policy (:func:`tutor.policy.select.choose`) over the
  learner model with graph propagation and diagnosis (:func:`tutor.learner.mastery.observe`),
  exactly the functions the engine uses, without the store.
* ``linear`` — a textbook: the path in curriculum order, a fixed number of items per point
  (levels 1, 2, 3, …), then the next point; after the last point, start again.
* ``mastery`` — OATutor-style mastery learning: BKT per point with no graph; practise the
  path point with the lowest estimated mastery until every one is mastered.
* ``random`` — a random path point at a random level.

A tutor's view of an answer is the checker's verdict and the buggy rule it matches (all
tutors get the same checking; only ``adaptive`` uses the diagnosis and the graph).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tutor.content.items import Item
from tutor.domain import MasteryState
from tutor.learner.bkt import bkt_update
from tutor.learner.mastery import DEFAULT_BKT, Observation, observe
from tutor.policy.select import StudentView, answers_since_review, choose, choose_level
from tutor.sim.world import World

__all__ = ["POLICIES", "LinearTutor", "SimTutor", "make_tutor"]

#: Items per point in the textbook's fixed practice.
LINEAR_PRACTICE = 4


class SimTutor(Protocol):
    """A tutor under test: picks (point, level), then hears the outcome."""

    def pick(self, step: int) -> tuple[str, int]: ...

    def hear(self, item: Item, correct: bool, gap_kps: tuple[str, ...], at: float) -> None: ...


@dataclass
class AdaptiveTutor:
    """Ours: graph frontier, diagnosed gaps first, difficulty aimed at 60–85% success."""

    world: World
    mastery: dict[str, MasteryState] = field(default_factory=dict)
    now: float = 0.0

    def pick(self, step: int) -> tuple[str, int]:
        view = StudentView(
            path=self.world.path,
            prerequisites=self.world.prerequisites,
            mastery=self.mastery,
            levels=self.world.levels,
            now=self.now,
            answers_since_review=answers_since_review(step),
        )
        choice = choose(view)
        if choice.kp is None or choice.difficulty is None:
            # The tutor believes the goal is reached: keep confirming the goal point whose
            # evidence is oldest (a student may have forgotten it since).
            def last_seen(k: str) -> tuple[float, str]:
                return ((self.mastery.get(k) or MasteryState(0.0)).updated_at, k)

            kp = min(self.world.goal, key=last_seen)
            return kp, choose_level(self.mastery.get(kp), self.world.levels[kp])[0]
        return choice.kp, choice.difficulty

    def hear(self, item: Item, correct: bool, gap_kps: tuple[str, ...], at: float) -> None:
        self.now = at
        gaps = tuple(g for g in gap_kps if g in self.world.levels)
        obs = Observation(item.kp, correct, at, item.assesses, gaps)
        self.mastery.update(observe(self.mastery, obs, self.world.layers.get(item.kp, ())))


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


POLICIES: dict[str, Callable[[World, random.Random], SimTutor]] = {
    "adaptive": lambda world, rng: AdaptiveTutor(world),
    "linear": lambda world, rng: LinearTutor(world),
    "mastery": lambda world, rng: MasteryTutor(world),
    "random": lambda world, rng: RandomTutor(world, rng),
}


def make_tutor(name: str, world: World, rng: random.Random) -> SimTutor:
    """A fresh tutor of the named policy for one student."""
    return POLICIES[name](world, rng)
