"""Evaluating prerequisite probing on simulated students (``tutor diagnose evaluate``).

Each case: a point ``f`` on the grade's path that the student failed, and one true root
gap ``g`` drawn uniformly from ``f`` and its prerequisites (within the probing depth). The
student can do an item on ``q`` exactly when ``q`` does not need ``g`` (up to the
student's slip and guess, drawn from the default population). The tutor's prior mastery
of the candidates is drawn independently of the truth (uniform in [0.4, 0.95]), so every
bit of the diagnosis comes from the probes.

Reported: ``root_cause_top1`` (the reported gap is ``g``), ``mean_probes``, and
``false_gap_rate`` (the reported gap is a point the student can in fact do); the baseline
that blames the failed point itself is reported alongside.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from tutor.diagnosis.probe import MAX_PROBES, initial_state, probe
from tutor.errors import InputError
from tutor.sim.config import DEFAULT_POPULATION
from tutor.sim.world import build_world

__all__ = ["evaluate_probing"]


def evaluate_probing(
    students: int, seed: int, goal_grade: int = 5, max_probes: int = MAX_PROBES
) -> dict[str, float]:
    """Run ``students`` simulated diagnoses (``tutor diagnose evaluate`` prints the first
    three keys)."""
    if students < 1:
        raise InputError(f"evaluate at least 1 student, not {students}")
    world = build_world(goal_grade)
    rng = random.Random(seed)
    prerequisites = {kp: list(ps) for kp, ps in world.prerequisites.items()}
    failable = [kp for kp in world.path if world.prerequisites[kp]]
    hits = probes = false_gaps = baseline_hits = 0
    for _ in range(students):
        failed = rng.choice(failable)
        prior = {kp: rng.uniform(0.4, 0.95) for kp in world.path}
        state = initial_state(failed, prerequisites, prior)
        gap = rng.choice(state.candidates)
        slip = rng.uniform(*DEFAULT_POPULATION.slip)
        guess = rng.uniform(*DEFAULT_POPULATION.guess)

        needs = state.needs

        def can_do(kp: str, gap: str = gap, needs: Mapping[str, frozenset[str]] = needs) -> bool:
            return gap not in needs.get(kp, frozenset({kp}))

        def ask(kp: str, slip: float = slip, guess: float = guess) -> bool:
            return rng.random() < ((1.0 - slip) if can_do(kp) else guess)

        result = probe(failed, prerequisites, prior, ask, max_probes=max_probes)
        probes += len(result.probes)
        hits += result.gap == gap
        false_gaps += result.gap is not None and can_do(result.gap)
        baseline_hits += failed == gap
    return {
        "root_cause_top1": round(hits / students, 4),
        "mean_probes": round(probes / students, 3),
        "false_gap_rate": round(false_gaps / students, 4),
        "baseline_blame_failed_point_top1": round(baseline_hits / students, 4),
    }
