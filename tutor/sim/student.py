"""A simulated student whose true knowledge lives on the graph (the tutor never sees it).

* **Knowledge**: a set of known points. A point can be learned only when all its
  prerequisites are known: practising it then teaches it with probability ``learn_rate``.
* **Answers**: a known point is answered right with probability ``1 - slip``, an unknown
  one with probability ``guess``; a wrong answer is a plausible wrong number.
* **Misconceptions**: a student holds each misconception of the library that applies to
  the path with probability ``misconception_rate``. Whenever a held misconception applies
  to an item (its rule gives an answer), the student gives that buggy answer. A held
  misconception also blocks the points it signals (they cannot be learned, and count as
  unknown). Practising a signalled point — remediation — removes the misconception with
  probability ``learn_rate``; hearing it named after a buggy answer (every tutor's answer
  checker names it) removes it with probability ``learn_rate / 2``.
* **Forgetting**: after each item, with probability ``forget``, one known point is lost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tutor.content.items import Item
from tutor.sim.config import PopulationConfig
from tutor.sim.world import World, buggy, checked

__all__ = ["SimStudent", "draw_student"]


@dataclass
class SimStudent:
    """The hidden state of one simulated student (mutated as it learns; never shown)."""

    learn_rate: float
    slip: float
    guess: float
    forget: float
    known: set[str]
    misconceptions: set[str]
    rng: random.Random = field(repr=False)
    _blocked: frozenset[str] | None = field(default=None, repr=False)

    def blocked(self, world: World) -> frozenset[str]:
        """Points that held misconceptions keep from being known (cached until one goes)."""
        if self._blocked is None:
            out: set[str] = set()
            for mc_id in self.misconceptions:
                out.update(world.misconception_by_id[mc_id].signals)
            self._blocked = frozenset(out)
        return self._blocked

    def knows(self, kp: str, world: World) -> bool:
        """Whether the student truly knows a point now."""
        return kp in self.known and kp not in self.blocked(world)

    def mastered_goal(self, world: World) -> bool:
        """Whether every goal point is truly known."""
        blocked = self.blocked(world)
        return all(kp in self.known and kp not in blocked for kp in world.goal)

    def known_goal_fraction(self, world: World) -> float:
        """The share of goal points truly known."""
        blocked = self.blocked(world)
        return sum(kp in self.known and kp not in blocked for kp in world.goal) / len(world.goal)

    def answer(self, item: Item, world: World, *, misconceptions: bool = True) -> str:
        """The student's answer to an item (``misconceptions=False``: from knowledge alone,
        as when asked to write again an answer the checker could not take)."""
        for mc_id in sorted(self.misconceptions) if misconceptions else ():
            if item.generator in world.misconception_by_id[mc_id].generators:
                wrong = buggy(mc_id, item.item_id)
                if wrong is not None:
                    return wrong
        right = self.rng.random() < (1.0 - self.slip if self.knows(item.kp, world) else self.guess)
        return item.answer if right else _wrong_number(item, self.rng)

    def hear_misconception(self, misconception_id: str) -> None:
        """The tutor named the misconception behind a wrong answer: sometimes that helps."""
        if misconception_id in self.misconceptions and self.rng.random() < self.learn_rate / 2:
            self.misconceptions.discard(misconception_id)
            self._blocked = None

    def practise(self, kp: str, world: World) -> None:
        """Learning from one item on ``kp`` (after answering and seeing feedback)."""
        held_here = [
            mc_id for mc_id in self.misconceptions if kp in world.misconception_by_id[mc_id].signals
        ]
        if held_here:
            if self.rng.random() < self.learn_rate:
                self.misconceptions.discard(self.rng.choice(sorted(held_here)))
                self._blocked = None
        elif (
            kp not in self.known
            and all(self.knows(p, world) for p in world.prerequisites.get(kp, ()))
            and self.rng.random() < self.learn_rate
        ):
            self.known.add(kp)
        if self.known and self.rng.random() < self.forget:
            self.known.discard(self.rng.choice(sorted(self.known)))


def _wrong_number(item: Item, rng: random.Random) -> str:
    """A plausible wrong answer the buggy rules do not explain (off by a small amount).

    Falls back to other shapes for answers that cannot take "+ k" (points, equations…).
    """
    k = rng.choice((1, 2))
    for candidate in (f"{item.answer} + {k}", f"{k + 1000}", f"x = {k + 1000}", "(1000, 1000)"):
        if checked(item.item_id, item.answer, candidate).status == "incorrect":
            return candidate
    return "1000"


def draw_student(world: World, config: PopulationConfig, rng: random.Random) -> SimStudent:
    """One student of the population: parameters, starting knowledge, misconceptions."""

    def draw(bounds: tuple[float, float]) -> float:
        return rng.uniform(*bounds)

    prior = draw(config.prior_known)
    # Starting knowledge: about ``prior`` of the goal's prerequisites, closed under
    # prerequisites (nobody knows a point without what it needs), mostly the earlier ones.
    goal = set(world.goal)
    below = [kp for kp in world.path if kp not in goal]
    target = round(prior * len(below))
    known: set[str] = set()
    for kp in below:  # learning order
        if len(known) >= target:
            break
        if all(p in known for p in world.prerequisites[kp]) and rng.random() < 0.9:
            known.add(kp)
    rate = draw(config.misconception_rate)
    held = {m.id for m in world.misconceptions if rng.random() < rate}
    return SimStudent(
        learn_rate=draw(config.learn_rate),
        slip=draw(config.slip),
        guess=draw(config.guess),
        forget=draw(config.forget),
        known=known,
        misconceptions=held,
        rng=random.Random(rng.getrandbits(64)),
    )
