"""Evaluating prerequisite probing on simulated students (``tutor diagnose evaluate``).

The failures come from practice, as in the app: simulated students of the default
population (:func:`tutor.sim.student.draw_student`: their own starting knowledge with holes,
slip, guess, forgetting and misconceptions) practise with the adaptive tutor — the real
policy and the real learner model (:class:`tutor.sim.policies.AdaptiveTutor`, which runs
:func:`tutor.learner.mastery.observe` on every answer). After a random stretch of practice,
the next wrong answer that no buggy rule explains, on a point with prerequisites, becomes
a case. The tutor then probes with :func:`tutor.diagnosis.probe.probe`:

* its prior is its own mastery of the candidates at that moment (with forgetting since the
  last evidence, :func:`tutor.learner.mastery.effective_p`) — never the hidden truth;
* each probe is a real pool item of the chosen point, family and level, answered by the
  simulated student (no feedback, so probing teaches nothing); the tutor then hears the
  probes and the diagnosed gap, and practice goes on, so later cases start from a tutor
  that has probed before.

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
from typing import Literal

from tutor.content.items import Item
from tutor.diagnosis.probe import (
    DEPTH,
    MAX_PROBES,
    STOP_AT,
    ProbeItem,
    ProbeResult,
    level_items,
    probe,
)
from tutor.errors import InputError
from tutor.learner.mastery import effective_p
from tutor.policy.select import LEVEL_STEP
from tutor.sim.config import DEFAULT_POPULATION
from tutor.sim.policies import AdaptiveTutor
from tutor.sim.run import ITEM_SECONDS, answer_one
from tutor.sim.student import SimStudent, draw_student
from tutor.sim.world import World, build_world, checked, diagnosed

__all__ = [
    "CASES_PER_STUDENT",
    "SCENARIOS",
    "STOP_AT",
    "Case",
    "evaluate_probing",
    "probe_cases",
    "summarise",
]

Scenario = Literal["practice", "new_student"]
#: practice: failures as the adaptive tutor meets them (the headline); new_student: a
#: stress test — a student the tutor has never seen (no history: the learner model's
#: default prior everywhere) is set items on random path points within the probing depth
#: of what it knows (as a teacher's assignment at the student's level would be), and each
#: unexplained failure is probed from scratch.
SCENARIOS: tuple[Scenario, ...] = ("practice", "new_student")

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
    prerequisites: Mapping[str, Sequence[str]] = world.prerequisites
    out: list[Case] = []
    if scenario == "new_student":
        return _new_student_cases(world, cases, rng, items, max_probes, stop_at)
    while len(out) < cases:
        student = draw_student(world, DEFAULT_POPULATION, rng)
        tutor = AdaptiveTutor(world)
        wait = rng.randrange(WARM_UP + 1)
        taken = 0
        step = 0
        while taken < CASES_PER_STUDENT and len(out) < cases and step < MAX_ITEMS:
            turn = answer_one(tutor, world, student, rng, step)
            kp, level, item, gaps = turn.kp, turn.level, turn.item, turn.gaps
            if turn.unexplained and wait <= 0 and world.prerequisites.get(kp):
                now = step * ITEM_SECONDS
                case, heard = _probe_one(
                    world,
                    student,
                    tutor,
                    item.kp,
                    level,
                    item.generator,
                    now,
                    items,
                    prerequisites,
                    rng,
                    max_probes,
                    stop_at,
                )
                out.append(case)
                taken += 1
                wait = rng.randrange(BETWEEN + 1)
                gaps = heard
            step += 1
            wait -= 1
            tutor.hear(item, turn.correct, gaps, step * ITEM_SECONDS)
            student.practise(kp, world)
            if student.mastered_goal(world):
                break
    return out


def _new_student_cases(
    world: World,
    cases: int,
    rng: random.Random,
    items: Mapping[str, Sequence[ProbeItem]],
    max_probes: int,
    stop_at: float,
) -> list[Case]:
    """The "new_student" stress (see :data:`SCENARIOS`): no history, assigned items."""
    failable = [kp for kp in world.path if world.prerequisites.get(kp)]
    out: list[Case] = []
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
            if checked(item.item_id, item.answer, answer).status != "incorrect":
                continue
            if diagnosed(item.item_id, answer):
                continue
            case, _ = _probe_one(
                world,
                student,
                AdaptiveTutor(world),
                kp,
                level,
                item.generator,
                0.0,
                items,
                world.prerequisites,
                rng,
                max_probes,
                stop_at,
            )
            out.append(case)
            taken += 1
    return out


def _probe_one(
    world: World,
    student: SimStudent,
    tutor: AdaptiveTutor,
    failed: str,
    level: int,
    family: str,
    now: float,
    items: Mapping[str, Sequence[ProbeItem]],
    prerequisites: Mapping[str, Sequence[str]],
    rng: random.Random,
    max_probes: int,
    stop_at: float,
) -> tuple[Case, tuple[str, ...]]:
    """Probe one failure; returns the case and the gaps the tutor then records."""
    # Only what the tutor has evidence for: a point it never saw has no P(known) yet, and
    # the probe treats it as a coin toss (the learner model's starting value, 0.2, is a
    # learning prior, not a belief that the student lacks grade-1 counting).
    prior = {kp: effective_p(state, now) for kp, state in tutor.mastery.items()}
    failed_item = next(
        (it for it in items[failed] if it.level == level and it.family == family),
        ProbeItem(failed, level),
    )
    asked: list[tuple[Item, bool]] = []

    def ask(probe_item: ProbeItem) -> bool:
        pool = [
            it
            for it in world.items(probe_item.kp, probe_item.level)
            if not probe_item.family or it.generator == probe_item.family
        ]
        chosen = pool[rng.randrange(len(pool))]
        answer = student.answer(chosen, world)
        right = checked(chosen.item_id, chosen.answer, answer).status == "correct"
        asked.append((chosen, right))
        return right

    result = probe(
        failed,
        prerequisites,
        prior,
        ask,
        items=items,
        failed_item=failed_item,
        max_probes=max_probes,
        stop_at=stop_at,
    )
    reach = frozenset(result.posterior) - {""}
    roots, out_of_reach = _truth(student, world, failed, reach)
    case = Case(
        failed=failed,
        result=result,
        roots=roots,
        out_of_reach=out_of_reach,
        knows_gap=result.gap is not None and student.knows(result.gap, world),
        knows_failed=student.knows(failed, world),
    )
    # The tutor records what it learned: the probes' answers, then the gap it names.
    for i, (chosen, right) in enumerate(asked):
        tutor.hear(chosen, right, (), now + (i + 1) * ITEM_SECONDS / 10)
    gaps = (result.gap,) if result.gap is not None and result.confident else ()
    return case, gaps


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
