"""Evaluating prerequisite probing on simulated students (``tutor diagnose evaluate``).

The failures come from practice with the real engine, as in the app: simulated students
of the default population (:func:`tutor.sim.student.draw_student`: their own starting
knowledge with holes, slip, guess, forgetting and misconceptions) practise with
:class:`tutor.engine.Engine` over a temporary store (:mod:`tutor.sim.classroom`): every
item comes from ``next_item``, every answer goes through ``submit``. After a random
stretch of practice, the next wrong answer that the engine's diagnosis cannot explain (no
buggy rule, no gap), on a point with prerequisites, becomes a case, and is probed with
:func:`tutor.diagnosis.probe.probe` — the function the engine would call (the engine does
not probe by itself yet):

* the prior is the engine's stored mastery of the candidates just before the failed
  answer, read by :func:`tutor.diagnosis.probe.prior_from_mastery` (forgetting since the
  last evidence; a point never answered held back from certainty) — never the hidden
  truth;
* each probe is a real item of the chosen point, family and level (from the world's
  pool), answered by the simulated student (no feedback, so probing teaches nothing) and
  submitted to the engine, which checks and records it; practice then goes on, so later
  cases start from an engine that has recorded the probes. (The gap the probe names is
  not recorded: the engine has no way in for it yet.)

Each student gives up to :data:`CASES_PER_STUDENT` cases, separated by random stretches
of practice.

**Truth** (hidden, used only to score): if the student knows the failed point ``f``, the
wrong answer was a slip and the right diagnosis is "no gap". Otherwise the *root gaps* are
the points the student lacks, among ``f`` and its prerequisites (all depths), whose own
prerequisites are all known — the deepest missing prerequisites, the ones that can be
taught now. (A student can lack several, on different branches: naming any of them is
right.) A root deeper than the probing depth cannot be named, and counts as a miss.

Reported: ``root_cause_top1`` (the diagnosis names a root gap, or "no gap" after a slip),
``mean_probes``, ``false_gap_rate`` (the named gap is a point the student in fact knows),
the same two rates for the no-graph baseline that blames the failed point itself, and
details (the share of slips, of cases with a root out of reach, top-1 when a gap exists,
and the rates when the diagnosis abstains below the confidence threshold).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tutor.diagnosis.probe import (
    DEPTH,
    LEVEL_STEP,
    MAX_PROBES,
    STOP_AT,
    ProbeItem,
    ProbeResult,
    level_items,
    prior_from_mastery,
    probe,
)
from tutor.errors import InputError
from tutor.sim.classroom import Classroom
from tutor.sim.config import DEFAULT_POPULATION
from tutor.sim.placement import place
from tutor.sim.run import ITEM_SECONDS, engine_answer, engine_item
from tutor.sim.student import SimStudent, draw_student
from tutor.sim.world import World, build_world

if TYPE_CHECKING:
    from tutor.content.items import Item

__all__ = [
    "CASES_PER_STUDENT",
    "SCENARIOS",
    "STOP_AT",
    "Case",
    "evaluate_probing",
    "probe_cases",
    "summarise",
]

Scenario = Literal["practice", "new_student", "new_student_placed"]
#: practice: failures as the adaptive tutor meets them (the headline); new_student: a
#: stress test — a student the tutor has never seen (no history: the learner model's
#: default prior everywhere) is set items on random path points within the probing depth
#: of what it knows (as a teacher's assignment at the student's level would be), and each
#: unexplained failure is probed from scratch.
#: new_student_placed: the same newcomers and assignments, but each first takes the
#: engine's initial knowledge check (``Engine.start_placement``, answered by the simulated
#: student), as every new student does in the app; the probe's prior is then the mastery
#: the check left.
SCENARIOS: tuple[Scenario, ...] = ("practice", "new_student", "new_student_placed")

#: Cases taken from one simulated student (more would make the cases too alike).
CASES_PER_STUDENT = 5
#: Practice before the first case: a random number of items up to this …
WARM_UP = 300
#: … and between two cases of one student.
BETWEEN = 150
#: A student who reaches the goal or this many items gives no more cases.
MAX_ITEMS = 4000


@dataclass(frozen=True)
class Case:
    """One probed failure: what the tutor concluded, and the hidden truth."""

    failed: str
    result: ProbeResult
    #: None when the student knew the failed point (a slip), else the root gaps
    roots: frozenset[str] | None
    #: a root gap lies deeper than the probing depth
    out_of_reach: bool
    #: whether the student in fact knows the gap the tutor names, and the failed point
    knows_gap: bool
    knows_failed: bool

    @property
    def hit(self) -> bool:
        """The most probable hypothesis is the truth (a root gap, or no gap after a slip)."""
        if self.roots is None:
            return self.result.gap is None
        return self.result.gap in self.roots

    @property
    def root_below(self) -> bool:
        """The student lacks the failed point because a prerequisite is missing."""
        return self.roots is not None and self.failed not in self.roots

    @property
    def false_gap(self) -> bool:
        """A gap is named that the student in fact knows."""
        return self.result.gap is not None and self.knows_gap


def _probe_items(world: World) -> dict[str, tuple[ProbeItem, ...]]:
    """One probe item per (point, family, level) of the world's item pool."""
    out: dict[str, list[ProbeItem]] = {}
    for (kp, level), items in world.pool.items():
        for family in sorted({it.generator for it in items}):
            sample = next(it for it in items if it.generator == family)
            out.setdefault(kp, []).extend(
                it
                for it in level_items(
                    kp, world.levels[kp], sample.assesses, family=family, level_step=LEVEL_STEP
                )
                if it.level == level
            )
    return {kp: tuple(items) for kp, items in out.items()}


def _truth(
    student: SimStudent, world: World, failed: str, reach: frozenset[str]
) -> tuple[frozenset[str] | None, bool]:
    if student.knows(failed, world):
        return None, False
    roots: set[str] = set()
    seen: set[str] = set()
    stack = [failed]
    while stack:
        kp = stack.pop()
        if kp in seen:
            continue
        seen.add(kp)
        if student.knows(kp, world):
            continue
        below = world.prerequisites.get(kp, ())
        if all(student.knows(p, world) for p in below):
            roots.add(kp)
        stack.extend(below)
    return frozenset(roots), bool(roots - reach)


def probe_cases(
    cases: int,
    seed: int,
    goal_grade: int = 5,
    max_probes: int = MAX_PROBES,
    *,
    stop_at: float = STOP_AT,
    scenario: Scenario = "practice",
) -> list[Case]:
    """``cases`` probed failures met in simulated practice (see the module docstring)."""
    if cases < 1:
        raise InputError(f"evaluate at least 1 failure, not {cases}")
    if scenario not in SCENARIOS:
        raise InputError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    world = build_world(goal_grade)
    rng = random.Random(seed)
    items = _probe_items(world)
    with Classroom(goal_grade, world.goal) as room:
        if scenario in ("new_student", "new_student_placed"):
            placed = scenario == "new_student_placed"
            return _new_student_cases(room, world, cases, rng, items, max_probes, stop_at, placed)
        return _practice_cases(room, world, cases, rng, items, max_probes, stop_at)


def _practice_cases(
    room: Classroom,
    world: World,
    cases: int,
    rng: random.Random,
    items: Mapping[str, Sequence[ProbeItem]],
    max_probes: int,
    stop_at: float,
) -> list[Case]:
    """The "practice" case mix: unexplained failures met while practising with the engine."""
    out: list[Case] = []
    students = 0
    while len(out) < cases:
        student = draw_student(world, DEFAULT_POPULATION, rng)
        student_id = f"sim-{students}"
        students += 1
        room.enrol(student_id)
        wait = rng.randrange(WARM_UP + 1)
        taken = 0
        step = 0
        while taken < CASES_PER_STUDENT and len(out) < cases and step < MAX_ITEMS:
            item = engine_item(room, student_id, step)
            if item is None:
                break  # the engine believes the goal reached: no more practice
            answer = student.answer(item, world)
            candidate = wait <= 0 and bool(world.prerequisites.get(item.kp))
            # The tutor's belief before this answer (the probe's prior), read only when
            # the answer may become a case (a right answer cannot).
            before = room.store.mastery(student_id) if candidate and answer != item.answer else {}
            at = (step + 1) * ITEM_SECONDS
            feedback = engine_answer(room, student_id, world, student, item, answer, at)
            unexplained = (
                feedback.recorded
                and feedback.status == "incorrect"
                and feedback.misconception is None
                and not feedback.gap_kps
            )
            if candidate and unexplained:
                # The same moment the failed answer was judged at: forgetting counts
                # up to the answer before it, as the engine's policy would see it.
                prior = prior_from_mastery(before, step * ITEM_SECONDS)
                out.append(
                    _probe_one(
                        room,
                        student_id,
                        world,
                        student,
                        item,
                        prior,
                        at,
                        items,
                        rng,
                        max_probes,
                        stop_at,
                    )
                )
                taken += 1
                wait = rng.randrange(BETWEEN + 1)
            step += 1
            wait -= 1
            student.practise(item.kp, world)
            if student.mastered_goal(world):
                break
    return out


def _new_student_cases(
    room: Classroom,
    world: World,
    cases: int,
    rng: random.Random,
    items: Mapping[str, Sequence[ProbeItem]],
    max_probes: int,
    stop_at: float,
    placed: bool = False,
) -> list[Case]:
    """The "new_student" stress (see :data:`SCENARIOS`): no history, assigned items.

    Each assigned item goes to the engine as the first answer of a student it has never
    seen (a fresh id each time), so the tutor's prior is empty; with ``placed``, that
    student first takes the initial knowledge check as in the app
    (:func:`tutor.sim.placement.place`).
    """
    failable = [kp for kp in world.path if world.prerequisites.get(kp)]
    out: list[Case] = []
    fresh = 0
    while len(out) < cases:
        student = draw_student(world, DEFAULT_POPULATION, rng)
        taken = 0
        for _ in range(CASES_PER_STUDENT * 4):
            if len(out) >= cases or taken >= CASES_PER_STUDENT:
                break
            kp = rng.choice(failable)
            reach = frozenset({kp, *(q for layer in world.layers[kp][:DEPTH] for q in layer)})
            if _truth(student, world, kp, reach)[1]:
                continue  # assigned too far above what the student knows
            levels = world.levels[kp]
            level = levels[len(levels) // 2]
            pool = world.items(kp, level)
            item = pool[rng.randrange(len(pool))]
            answer = student.answer(item, world)
            if answer == item.answer:
                continue  # right: nothing to probe (and no need to ask the engine)
            student_id = f"new-{fresh}"
            fresh += 1
            room.enrol(student_id)
            if placed:
                room.clock.now = 0.0
                place(room, student_id, world, student)
            prior = prior_from_mastery(room.store.mastery(student_id), 0.0)
            room.clock.now = 0.0
            feedback = room.engine.submit(student_id, item.item_id, answer)
            if feedback.status != "incorrect" or feedback.misconception is not None:
                continue  # not a failure, or one a buggy rule explains
            if feedback.gap_kps:
                continue
            out.append(
                _probe_one(
                    room,
                    student_id,
                    world,
                    student,
                    item,
                    prior,
                    0.0,
                    items,
                    rng,
                    max_probes,
                    stop_at,
                )
            )
            taken += 1
    return out


def _probe_one(
    room: Classroom,
    student_id: str,
    world: World,
    student: SimStudent,
    failed_item: Item,
    prior: Mapping[str, float],
    now: float,
    items: Mapping[str, Sequence[ProbeItem]],
    rng: random.Random,
    max_probes: int,
    stop_at: float,
) -> Case:
    """Probe one failure with :func:`tutor.diagnosis.probe.probe`; each probe is a real
    item the student answers and the engine checks and records (no feedback reaches the
    student, so probing teaches nothing)."""
    failed = failed_item.kp
    probe_failed = next(
        (
            it
            for it in items[failed]
            if it.level == failed_item.difficulty and it.family == failed_item.generator
        ),
        ProbeItem(failed, failed_item.difficulty),
    )
    asked = 0

    def ask(probe_item: ProbeItem) -> bool:
        nonlocal asked
        pool = [
            it
            for it in world.items(probe_item.kp, probe_item.level)
            if not probe_item.family or it.generator == probe_item.family
        ]
        chosen = pool[rng.randrange(len(pool))]
        asked += 1
        room.clock.now = now + asked * ITEM_SECONDS / 10
        feedback = room.engine.submit(student_id, chosen.item_id, student.answer(chosen, world))
        return feedback.status == "correct"

    result = probe(
        failed,
        world.prerequisites,
        prior,
        ask,
        items=items,
        failed_item=probe_failed,
        max_probes=max_probes,
        stop_at=stop_at,
    )
    reach = frozenset(result.posterior) - {""}
    roots, out_of_reach = _truth(student, world, failed, reach)
    return Case(
        failed=failed,
        result=result,
        roots=roots,
        out_of_reach=out_of_reach,
        knows_gap=result.gap is not None and student.knows(result.gap, world),
        knows_failed=student.knows(failed, world),
    )


def _rate(flags: Sequence[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def summarise(cases: Sequence[Case]) -> dict[str, float]:
    """The evaluation's numbers for a list of cases (see the module docstring)."""
    with_gap = [c for c in cases if c.roots is not None]
    abstain_hit = [c.hit if c.result.confident else False for c in cases]
    abstain_false = [c.false_gap and c.result.confident for c in cases]
    return {
        "root_cause_top1": _rate([c.hit for c in cases]),
        "mean_probes": round(sum(len(c.result.probes) for c in cases) / len(cases), 3),
        "false_gap_rate": _rate([c.false_gap for c in cases]),
        "baseline_blame_failed_point_top1": _rate(
            [c.roots is not None and c.failed in c.roots for c in cases]
        ),
        "baseline_false_gap_rate": _rate([c.knows_failed for c in cases]),
        "root_cause_top1_when_gap": _rate([c.hit for c in with_gap]),
        "slip_share": _rate([c.roots is None for c in cases]),
        "root_out_of_reach_share": _rate([c.out_of_reach for c in cases]),
        "root_below_share": _rate([c.root_below for c in cases]),
        "root_below_top1": _rate([c.hit for c in cases if c.root_below]),
        "confident_share": _rate([c.result.confident for c in cases]),
        "confident_top1": _rate(abstain_hit),
        "confident_false_gap_rate": _rate(abstain_false),
    }


def evaluate_probing(
    students: int,
    seed: int,
    goal_grade: int = 5,
    max_probes: int = MAX_PROBES,
    *,
    stop_at: float = STOP_AT,
    scenario: Scenario = "practice",
) -> dict[str, float]:
    """Probe ``students`` simulated failures (``tutor diagnose evaluate`` prints the first
    three keys; the rest are the baseline and details, see :func:`summarise`)."""
    found = probe_cases(students, seed, goal_grade, max_probes, stop_at=stop_at, scenario=scenario)
    return summarise(found)
