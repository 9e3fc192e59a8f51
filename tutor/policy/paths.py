"""Learning paths and their revision: what the policy sees of a student, and the path it
would follow now.

Pure functions of state: the caller reads the student and their mastery (the engine, from
the store) and passes a :class:`~tutor.policy.index.CurriculumIndex` for the curriculum the
state was read with. The engine stores the revised path with each answer, in the same
transaction, and serves it again while :func:`is_fresh`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from tutor.domain import MasteryState, StoredPath, Student
from tutor.errors import InputError, TutorError
from tutor.learner.mastery import is_mastered
from tutor.policy.index import CurriculumIndex
from tutor.policy.select import (
    Choice,
    Render,
    Run,
    StudentView,
    answers_since_review,
    choose,
)

__all__ = [
    "PATH_FRESH_S",
    "is_fresh",
    "no_goal_path",
    "path_after",
    "revised_path",
    "still_to_learn",
    "summary",
    "view_of",
]

log = logging.getLogger(__name__)

#: How long a stored path is trusted without a new answer (reviews fall due with time).
PATH_FRESH_S = 3600.0


def view_of(
    index: CurriculumIndex,
    student: Student,
    mastery: Mapping[str, MasteryState],
    *,
    answered: int,
    now: float,
    run: Run | None = None,
    answered_at: Mapping[str, float] | None = None,
) -> StudentView:
    """What the policy sees of ``student`` (``answered``: their latest attempt number;
    ``run``: their latest answers in a row on one point, for the no-stuck rule;
    ``answered_at``: when each point was last answered itself, where read).

    Raises:
        InputError: the student has no goal yet (the message says how to set one).
    """
    if student.goal is None:
        raise InputError(
            f"student {student.id!r} has no goal yet: set one with "
            f"`tutor student goal {student.id} KP_ID` (or a class goal)"
        )
    graph = index.goal_graph(student.goal)
    prerequisites, levels = graph.prerequisites, graph.levels
    # A diagnosed gap off the goal's path still gets repaired: the policy needs its
    # prerequisites and levels too (the path itself stays the goal's).
    gaps_off_path = [kp for kp, s in mastery.items() if s.gap and kp not in prerequisites]
    if gaps_off_path:
        prerequisites, levels = dict(prerequisites), dict(levels)
        for gap in gaps_off_path:
            extra = index.goal_graph(gap)
            prerequisites.update(extra.prerequisites)
            levels.update(extra.levels)
    return StudentView(
        path=graph.order,
        prerequisites=prerequisites,
        mastery=mastery,
        levels=levels,
        now=now,
        answers_since_review=answers_since_review(answered),
        names=index.names(zh=False),
        names_zh=index.names(zh=True),
        run=run,
        answered_at=answered_at,
    )


def revised_path(
    index: CurriculumIndex,
    student: Student,
    mastery: Mapping[str, MasteryState],
    *,
    answered: int,
    now: float,
    render: Render,
    run: Run | None = None,
    answered_at: Mapping[str, float] | None = None,
) -> StoredPath:
    """The path the policy would follow now: a diagnosed gap (after its unmastered
    prerequisites) first, then what is left on the way to the goal. ``render`` words the
    reason (:func:`tutor.i18n.render`; the policy gives codes, never sentences)."""
    view = view_of(
        index, student, mastery, answered=answered, now=now, run=run, answered_at=answered_at
    )
    choice = choose(view).worded(render)
    gap = _diagnosed_gap(index, view, choice)
    kps: list[str] = []
    if gap is not None:
        kps = still_to_learn(index, gap, view.mastery)
    kps += still_to_learn(index, student.goal or "", view.mastery)
    next_kp = None if choice.kind == "goal_reached" else choice.kp
    if next_kp is not None and choice.kind != "review":
        kps.insert(0, next_kp)  # the policy's pick leads, whatever the tie-breaks
    return StoredPath(
        kps=list(dict.fromkeys(kps)),
        next_kp=next_kp,
        reason=choice.reason,
        reason_zh=choice.reason_zh,
        diagnosed_gap=gap,
        updated_at=now,
        goal=student.goal,
        kind=choice.kind,
    )


def still_to_learn(
    index: CurriculumIndex, goal: str, mastery: Mapping[str, MasteryState]
) -> list[str]:
    """The points on the way to ``goal`` not mastered yet, in learning order: those the
    student will practise (they have items) and, named with them, the unmastered *direct*
    prerequisites without items of those points and of the goal.

    A point without items (``fractions.common_denominator``: rewriting fractions with a
    common denominator) cannot be practised on its own; it is learnt and measured inside
    the practice of the point that needs it (the items of adding unlike fractions do the
    rewriting, and their Q-matrix row assesses it). Leaving it off the path hid a direct
    prerequisite of the goal from the student, the teacher and the map. Points without
    items further down stay behind the practisable points that need them
    (:func:`~tutor.policy.index.see_through`).
    """
    graph = index.goal_graph(goal)
    practise = {kp for kp in graph.order if kp in index.levels and not _mastered(mastery, kp)}
    named = practise | {goal}
    inside = {
        p
        for kp in named
        for p in graph.direct.get(kp, ())
        if p not in index.levels and not _mastered(mastery, p)
    }
    goal_open = {goal} - {kp for kp in (goal,) if _mastered(mastery, kp)}
    return [kp for kp in graph.order if kp in practise or kp in inside or kp in goal_open]


def path_after(
    index: CurriculumIndex,
    student: Student,
    mastery: Mapping[str, MasteryState],
    *,
    answered: int,
    now: float,
    render: Render,
    run: Run | None = None,
    answered_at: Mapping[str, float] | None = None,
) -> StoredPath | None:
    """The path revised for an answer about to be recorded (stored with it, in the same
    transaction); None when the student has no goal, or when revising failed: the answer
    still counts, and the next read of the path recomputes it."""
    if student.goal is None:
        return None
    try:
        return revised_path(
            index,
            student,
            mastery,
            answered=answered,
            now=now,
            render=render,
            run=run,
            answered_at=answered_at,
        )
    except TutorError:
        log.warning("the learning path could not be revised", exc_info=True)
        return None


def is_fresh(stored: StoredPath, goal: str, last_answer_at: float | None, now: float) -> bool:
    """Whether a stored path still holds: same goal, no answer since it was computed
    (``last_answer_at``: the latest answer's time, None when there is none), and computed
    within :data:`PATH_FRESH_S`."""
    return (
        stored.goal == goal
        and (last_answer_at is None or stored.updated_at >= last_answer_at)
        and now - stored.updated_at < PATH_FRESH_S
    )


def no_goal_path(now: float, render: Render) -> StoredPath:
    """The path of a student without a goal: empty, with what to do about it."""
    return StoredPath(
        [],
        None,
        render("policy.no_goal", {}, "en"),
        render("policy.no_goal", {}, "zh-Hans"),
        None,
        now,
        None,
        "no_goal",
    )


def summary(student: Student, stored: StoredPath) -> dict[str, object]:
    """A student's path and next step as JSON (the ``tutor student path`` contract)."""
    nxt: dict[str, object] = {
        "kind": stored.kind,
        "kp": stored.next_kp,
        "reason": stored.reason,
        "reason_zh": stored.reason_zh,
    }
    return {
        "student": student.id,
        "goal": student.goal,
        "path": list(stored.kps),
        "next": nxt,
        "diagnosed_gap": stored.diagnosed_gap,
    }


def _diagnosed_gap(index: CurriculumIndex, view: StudentView, choice: Choice) -> str | None:
    """The gap the policy's choice repairs (the policy's own order: latest first)."""
    if choice.kind != "gap" or choice.kp is None:
        return None
    gaps = sorted(
        (kp for kp, s in view.mastery.items() if s.gap and not _done(view, kp)),
        key=lambda kp: (view.mastery[kp].updated_at, kp),
        reverse=True,
    )
    for gap in gaps:
        if gap == choice.kp or choice.kp in index.goal_graph(gap).order:
            return gap
    return None


def _done(view: StudentView, kp: str) -> bool:
    return _mastered(view.mastery, kp)


def _mastered(mastery: Mapping[str, MasteryState], kp: str) -> bool:
    return is_mastered(mastery.get(kp))
