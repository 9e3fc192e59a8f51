"""Running a simulated population through each tutor and summarising the outcome.

The ``adaptive`` tutor is the real engine (:mod:`tutor.sim.classroom`): each simulated
student is a student of a fresh temporary store, and every item comes from
:meth:`Engine.next_item <tutor.engine.Engine.next_item>` and every answer goes through
:meth:`Engine.submit <tutor.engine.Engine.submit>` (checked, diagnosed, recorded). The
baselines (:mod:`tutor.sim.policies`) pick from the world's item pool and hear the answer
checker's verdict. When the engine believes the goal reached it sets no item; the student
then comes back the next day (a review may have fallen due) for up to
:data:`MAX_IDLE_DAYS` days, and stops after that (released, mastered or not).

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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.errors import InputError
from tutor.sim.classroom import Classroom
from tutor.sim.config import PopulationConfig
from tutor.sim.policies import BASELINES, POLICIES, SimTutor, make_tutor
from tutor.sim.student import SimStudent, draw_student
from tutor.sim.world import World, build_world, checked, diagnosed

if TYPE_CHECKING:
    from tutor.content.items import Item
    from tutor.engine import Feedback, NextItem

__all__ = ["ITEM_SECONDS", "PolicyResult", "RunMeter", "SimulationResult", "simulate"]

#: Simulated seconds between two items (for the learner model's clock): about 20 items a
#: day, so forgetting and spaced review play out over the weeks a goal takes.
DAY_SECONDS = 86_400.0
ITEM_SECONDS = DAY_SECONDS / 20
#: A student whom the engine sets no item (it believes the goal reached) comes back the
#: next day, for this many days in a row, then stops (released before mastery).
MAX_IDLE_DAYS = 30


@dataclass(frozen=True)
class PolicyResult:
    """One policy's outcome over the population."""

    items_to_mastery: tuple[int, ...]
    reached: tuple[bool, ...]
    post_test: tuple[float, ...]
    #: mean share of goal points truly known after k items, k = 0..budget
    curve: tuple[float, ...]
    #: items each student actually practised (fewer than the budget when the tutor
    #: stopped setting items: the engine once it believes the goal reached)
    practised: tuple[int, ...] = ()
    #: students whose tutor stopped setting items before the hidden truth was mastered
    released_early: tuple[bool, ...] = field(default=())
    #: the engine only: each student's longest run of answers in a row on one point, and
    #: the longest with no change of approach in it (issue 16's bar: at most 8)
    longest_run: tuple[int, ...] = ()
    longest_plain_run: tuple[int, ...] = ()

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
    """One practice turn of a baseline: the item it chose, and what the answer showed."""

    kp: str
    level: int
    item: Item
    answer: str
    correct: bool
    #: wrong with no buggy rule to explain it
    unexplained: bool
    #: the points a matched misconception signals
    gaps: tuple[str, ...]


def answer_one(
    tutor: SimTutor, world: World, student: SimStudent, rng: random.Random, step: int
) -> Turn:
    """A baseline picks, the student answers a pool item, the answer is checked and a wrong
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


def engine_item(room: Classroom, student_id: str, step: int, idle: float = 0.0) -> Item | None:
    """The engine's next item for the student's ``step``-th turn, ``idle`` simulated
    seconds of waiting later (None: the engine believes the goal reached)."""
    return engine_turn(room, student_id, step, idle).item


def engine_turn(room: Classroom, student_id: str, step: int, idle: float = 0.0) -> NextItem:
    """Like :func:`engine_item`, with the engine's choice (its reason and approach)."""
    room.clock.now = step * ITEM_SECONDS + idle
    return room.engine.next_item(student_id)


@dataclass
class RunMeter:
    """The longest run of answers in a row on one point, and the longest with no change of
    approach (a new point, an easier level or a worked example starts a new stretch)."""

    longest: int = 0
    longest_plain: int = 0
    _kp: str | None = None
    _run: int = 0
    _plain: int = 0

    def answered(self, kp: str, approach: str | None) -> None:
        """Count one answer on ``kp`` to an item chosen with ``approach``."""
        same = kp == self._kp
        self._run = self._run + 1 if same else 1
        self._plain = (
            self._plain + 1 if same and approach not in ("easier", "worked_example") else 1
        )
        self._kp = kp
        self.longest = max(self.longest, self._run)
        self.longest_plain = max(self.longest_plain, self._plain)


def engine_answer(
    room: Classroom,
    student_id: str,
    world: World,
    student: SimStudent,
    item: Item,
    answer: str,
    at: float,
) -> Feedback:
    """Submit the student's answer to the engine at simulated time ``at``; the student
    hears a misconception the engine names.

    An answer the engine does not record (unreadable, or a right value not simplified)
    is written again, as the app asks: the student answers from what it knows, without
    its buggy rules (those would give the same answer again).
    """
    room.clock.now = at
    feedback = room.engine.submit(student_id, item.item_id, answer)
    if not feedback.recorded:
        again = student.answer(item, world, misconceptions=False)
        feedback = room.engine.submit(student_id, item.item_id, again)
    if feedback.misconception is not None:
        student.hear_misconception(feedback.misconception.id)
    return feedback


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


#: A student's outcome: items to mastery, reached, post-test, curve, practised, released.
_Outcome = tuple[int, bool, float, list[float], int, bool]


def _finish(
    world: World,
    student: SimStudent,
    budget: int,
    reached_at: int | None,
    step: int,
    curve: list[float],
) -> _Outcome:
    released = reached_at is None and step < budget
    curve += [curve[-1]] * (budget + 1 - len(curve))
    post = statistics.fmean(
        (1.0 - student.slip) if student.knows(kp, world) else student.guess for kp in world.goal
    )
    reached = reached_at is not None
    return (reached_at if reached_at is not None else budget), reached, post, curve, step, released


def _run_baseline(
    world: World, student: SimStudent, policy: str, budget: int, rng: random.Random
) -> _Outcome:
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
    return _finish(world, student, budget, reached_at, step, curve)


def _run_engine(
    room: Classroom,
    student_id: str,
    world: World,
    student: SimStudent,
    budget: int,
    meter: RunMeter | None = None,
    *,
    enrol: bool = True,
) -> _Outcome:
    """One student practising with the real engine until mastered, released or out of
    budget (``meter`` counts their runs on one point; ``enrol=False``: the student is
    already there, e.g. placed)."""
    if enrol:
        room.enrol(student_id)
    curve = [student.known_goal_fraction(world)]
    reached_at: int | None = 0 if student.mastered_goal(world) else None
    step = 0
    idle = 0.0  # simulated seconds spent waiting for the engine to set an item
    while reached_at is None and step < budget:
        turn = engine_turn(room, student_id, step, idle)
        item = turn.item
        if item is None:
            # The engine believes the goal reached and sets nothing now: the student
            # comes back the next day (a review may fall due), for a while.
            idle += DAY_SECONDS
            if idle > MAX_IDLE_DAYS * DAY_SECONDS:
                break
            continue
        answer = student.answer(item, world)
        step += 1
        at = step * ITEM_SECONDS + idle
        engine_answer(room, student_id, world, student, item, answer, at)
        if meter is not None:
            meter.answered(item.kp, turn.choice.approach)
        student.practise(item.kp, world)
        curve.append(student.known_goal_fraction(world))
        if student.mastered_goal(world):
            reached_at = step
    return _finish(world, student, budget, reached_at, step, curve)


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
        outcomes: list[_Outcome] = []
        meters: list[RunMeter] = []
        room = None if name in BASELINES else Classroom(config.goal_grade, world.goal)
        try:
            for index, base in enumerate(cohort):
                student = _clone(base, seed * 1_000_003 + index)
                if room is None:
                    run_rng = random.Random(f"{seed}:{index}:run")
                    outcomes.append(_run_baseline(world, student, name, budget, run_rng))
                else:
                    meters.append(RunMeter())
                    outcomes.append(
                        _run_engine(room, f"sim-{index}", world, student, budget, meters[-1])
                    )
                if progress is not None:
                    progress(1)
        finally:
            if room is not None:
                room.close()
        curves = [o[3] for o in outcomes]
        mean_curve = tuple(statistics.fmean(c[k] for c in curves) for k in range(budget + 1))
        results[name] = PolicyResult(
            items_to_mastery=tuple(o[0] for o in outcomes),
            reached=tuple(o[1] for o in outcomes),
            post_test=tuple(o[2] for o in outcomes),
            curve=mean_curve,
            practised=tuple(o[4] for o in outcomes),
            released_early=tuple(o[5] for o in outcomes),
            longest_run=tuple(m.longest for m in meters),
            longest_plain_run=tuple(m.longest_plain for m in meters),
        )
    return SimulationResult(students, seed, budget, world.goal, results)
