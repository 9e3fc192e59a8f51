"""The simulator's items-to-mastery run with the knowledge check (tutor.sim.placement)."""

from __future__ import annotations

import random

from tutor.sim.classroom import Classroom
from tutor.sim.config import DEFAULT_POPULATION
from tutor.sim.placement import practise_from_cold
from tutor.sim.run import DAY_SECONDS
from tutor.sim.student import draw_student
from tutor.sim.world import build_world


def test_the_check_comes_before_the_practice_it_places() -> None:
    """A student placed after another student's run (which moved the shared simulated
    clock on) is placed at their own time 0, before their first practice answer: evidence
    stamped after the answers that follow it would keep the no-stuck rule from ever
    re-checking a point the check placed (it re-checks older evidence only)."""
    world = build_world(DEFAULT_POPULATION.goal_grade)
    student = draw_student(world, DEFAULT_POPULATION, random.Random(7))
    with Classroom(DEFAULT_POPULATION.goal_grade, world.goal) as room:
        room.clock.now = 90 * DAY_SECONDS  # where an earlier student's practice left it
        items, _ = practise_from_cold(room, "s", world, student, 40, placement=True)
        placement = room.engine.placement("s")
        attempts = room.engine.store.attempts("s")
    assert placement is not None and attempts
    assert items == placement.items_used + len(attempts)
    assert placement.finished_at <= min(a.at for a in attempts)
