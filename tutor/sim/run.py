"""Running a simulated population through each tutor and summarising the outcome.

Every policy meets the same students: student ``i`` of seed ``S`` has the same
parameters, starting knowledge and misconceptions under every policy (its answers then
differ, because the tutors ask different things). A student practises until its hidden
knowledge covers the whole goal set, or until the budget of items is spent.

Metrics (judged on the simulator's hidden truth, never on a tutor's estimate):

* ``items_to_mastery_mean`` and its 95% interval (normal approximation over students):
  items until the goal set is truly known; a student who never gets there within the
  budget counts as the budget (so the mean is a lower bound for weak tutors);
* ``mastered_fraction_at_budget``: the share of students who reached mastery;
* ``post_test_score``: the expected score on a post-test of one item per goal point
  (``1 - slip`` for a known point, ``guess`` otherwise), at the end of practice.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tutor.content.items import Item
from tutor.errors import InputError
from tutor.sim.config import PopulationConfig
from tutor.sim.policies import POLICIES, SimTutor, make_tutor
from tutor.sim.student import SimStudent, draw_student
from tutor.sim.world import World, build_world, checked, diagnosed

__all__ = ["PolicyResult", "SimulationResult", "simulate"]

#: Simulated seconds between two items (for the learner model's clock): about 20 items a
#: day, so forgetting and spaced review play out over the weeks a goal takes.
ITEM_SECONDS = 86_400.0 / 20


@dataclass(frozen=True)
class PolicyResult:
    """One policy's outcome over the population."""

    items_to_mastery: tuple[int, ...]
    reached: tuple[bool, ...]
    post_test: tuple[float, ...]
    #: mean share of goal points truly known after k items, k = 0..budget
    curve: tuple[float, ...]

    def to_json(self) -> dict[str, object]:
        """The contract of ``tutor simulate --json`` for one policy."""
        mean = statistics.fmean(self.items_to_mastery)
        sd = statistics.stdev(self.items_to_mastery) if len(self.items_to_mastery) > 1 else 0.0
        half = 1.96 * sd / math.sqrt(len(self.items_to_mastery))
        return {
            "items_to_mastery_mean": round(mean, 3),
            "items_to_mastery_ci95": [round(mean - half, 3), round(mean + half, 3)],
            "mastered_fraction_at_budget": round(statistics.fmean(self.reached), 4),
            "post_test_score": round(statistics.fmean(self.post_test), 4),
        }


@dataclass(frozen=True)
class SimulationResult:
    """Every policy's outcome, with the run's settings."""

    students: int
    seed: int
    budget: int
    goal: tuple[str, ...]
    policies: dict[str, PolicyResult]

    def to_json(self) -> dict[str, object]:
        """The contract of ``tutor simulate --json``."""
        return {
            "policies": {name: r.to_json() for name, r in self.policies.items()},
            "students": self.students,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Turn:
    """One practice turn: the item the tutor chose, and what the student's answer showed."""

    kp: str
    level: int
    item: Item
    answer: str
    correct: bool
    #: wrong with no buggy rule to explain it (the case probing is for)
    unexplained: bool
    #: the points a matched misconception signals
    gaps: tuple[str, ...]


def answer_one(
    tutor: SimTutor, world: World, student: SimStudent, rng: random.Random, step: int
) -> Turn:
    """The tutor picks, the student answers a pool item, the answer is checked and a wrong
    one matched against the buggy rules (the student hears a named misconception)."""
    kp, level = tutor.pick(step)
    items = world.items(kp, level)
    item = items[rng.randrange(len(items))]
    answer = student.answer(item, world)
    verdict = checked(item.item_id, item.answer, answer)
    gaps: tuple[str, ...] = ()
    unexplained = False
    if verdict.status == "incorrect":
        found = diagnosed(item.item_id, answer)
        if found:
            gaps = tuple(found[0].signals)
            student.hear_misconception(found[0].id)
        else:
            unexplained = True
    return Turn(kp, level, item, answer, verdict.status == "correct", unexplained, gaps)


def _clone(student: SimStudent, seed: int) -> SimStudent:
    return SimStudent(
        student.learn_rate,
        student.slip,
        student.guess,
        student.forget,
        set(student.known),
        set(student.misconceptions),
        random.Random(seed),
    )


def _run_one(
    world: World, student: SimStudent, policy: str, budget: int, rng: random.Random
) -> tuple[int, bool, float, list[float]]:
    tutor = make_tutor(policy, world, random.Random(rng.getrandbits(64)))
    curve = [student.known_goal_fraction(world)]
    reached_at: int | None = 0 if student.mastered_goal(world) else None
    step = 0
    while reached_at is None and step < budget:
        turn = answer_one(tutor, world, student, rng, step)
        step += 1
        tutor.hear(turn.item, turn.correct, turn.gaps, step * ITEM_SECONDS)
        student.practise(turn.kp, world)
        curve.append(student.known_goal_fraction(world))
        if student.mastered_goal(world):
            reached_at = step
    curve += [curve[-1]] * (budget + 1 - len(curve))
    post = statistics.fmean(
        (1.0 - student.slip) if student.knows(kp, world) else student.guess for kp in world.goal
    )
    return (budget if reached_at is None else reached_at), reached_at is not None, post, curve


def simulate(
    *,
    students: int,
    seed: int,
    policies: Sequence[str],
    config: PopulationConfig,
    budget: int,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Run ``students`` simulated students through each policy (see the module docstring)."""
    if students < 2:
        raise InputError(f"simulate at least 2 students (for an interval), not {students}")
    if budget < 1:
        raise InputError(f"the budget is a number of items, 1 or more, not {budget}")
    unknown = [p for p in policies if p not in POLICIES]
    if unknown or not policies:
        raise InputError(
            f"unknown policy {unknown[0]!r}; choose from {', '.join(POLICIES)}"
            if unknown
            else f"name at least one policy: {', '.join(POLICIES)}"
        )
    world = build_world(config.goal_grade)
    population_rng = random.Random(seed)
    cohort = [draw_student(world, config, population_rng) for _ in range(students)]
    results: dict[str, PolicyResult] = {}
    for name in policies:
        items: list[int] = []
        reached: list[bool] = []
        post: list[float] = []
        curves: list[list[float]] = []
        for index, base in enumerate(cohort):
            run_rng = random.Random(f"{seed}:{index}:run")
            student = _clone(base, seed * 1_000_003 + index)
            n, ok, score, curve = _run_one(world, student, name, budget, run_rng)
            items.append(n)
            reached.append(ok)
            post.append(score)
            curves.append(curve)
            if progress is not None:
                progress(1)
        mean_curve = tuple(statistics.fmean(c[k] for c in curves) for k in range(budget + 1))
        results[name] = PolicyResult(tuple(items), tuple(reached), tuple(post), mean_curve)
    return SimulationResult(students, seed, budget, world.goal, results)
