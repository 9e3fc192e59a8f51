"""Choosing what a student practises next, and how hard — with a reason a person can read.

A pure function of what the engine passes in (:class:`StudentView`): the student's path
to their goal in learning order, the direct prerequisites of the points on it, the
mastery states, and which points have items. In priority order:

1. **Diagnosed gaps** (Knowledge Space Theory's remediation): a point the diagnosis found
   missing, after its own unmastered prerequisites.
2. **Spaced review**: a mastered point whose mastery, allowing for forgetting
   (:func:`~tutor.learner.mastery.effective_p`), has fallen below :data:`REVIEW_BELOW`,
   at most every :data:`REVIEW_EVERY` answers.
3. **The frontier** on the way to the goal (the "outer fringe"): the first point in
   learning order that is not mastered and whose prerequisites all are.

Points that no generator can make items for cannot be practised or measured; they are
passed over and do not block what depends on them (they are reported by
``tutor content stats``). The prerequisites the engine passes in see through them
(:meth:`tutor.policy.index.CurriculumIndex.goal_graph`): a point's blocking prerequisites
are the nearest ones *with* items, so a lost point behind an item-less one is found and
re-checked.

**No student stuck**: never more than :data:`MAX_RUN` answers in a row on one point
without a change of approach (:func:`unstuck`). When the student's latest answers are a
run of a multiple of :data:`MAX_RUN` on the point the policy would choose again, the next
choice changes approach, escalating with the student's answers on the point so far: it
re-checks one of the point's prerequisites (the one checked longest ago; this ends the
run), gives an easier level, or shows a worked example first. A point still not mastered
after :data:`NEEDS_HELP_AFTER` answers is flagged to the teacher (:func:`needs_help`). The
choice says which change it is in ``approach``.

When nothing is left to learn, a review that is due does not wait for its slot (the slot
comes round only as answers come in, and a student with nothing to learn gives none).

**Confirming the goal before calling it reached**: when nothing is left to learn and no
review is due, a goal point last answered *itself* :data:`CONFIRM_AFTER_DAYS` days ago or
more — or never answered itself (placed by the knowledge check, or inferred from the
points that build on it) — is asked once more before the goal counts as reached, the
oldest first (:func:`goal_points`: the goal itself when it has items, else the points that
stand for it; ``StudentView.answered_at``: the engine reads the times from the attempt log
when the goal looks reached). The review schedule alone cannot see a point forgotten
after much practice: its half-life doubles with each answer, so a point answered ten times
is not due for months; one wrong answer puts it back on the path. A student who keeps
coming back after the goal is reached gets the same check whenever the evidence has aged
again.

The difficulty level is the one whose predicted success is closest to
:data:`TARGET_SUCCESS`, preferring levels inside :data:`SUCCESS_BAND`.

The reason is a message code with parameters (:data:`ReasonCode`), not a sentence: the
engine words it in English and Chinese with :mod:`tutor.i18n` (:meth:`Choice.worded`).
Points' names go in as ``{"en": name, "zh-Hans": name}`` (names are data, in both
languages); the catalogs join lists and pick the language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from tutor.domain import MasteryState
from tutor.learner.mastery import DAY, effective_p, is_mastered, predicted_success

__all__ = [
    "CONFIRM_AFTER_DAYS",
    "LOOKBACK",
    "MAX_RUN",
    "NEEDS_HELP_AFTER",
    "REVIEW_BELOW",
    "REVIEW_EVERY",
    "SUCCESS_BAND",
    "TARGET_SUCCESS",
    "Approach",
    "Choice",
    "ReasonCode",
    "Run",
    "StudentView",
    "answers_since_review",
    "choose",
    "choose_level",
    "frontier",
    "goal_points",
    "needs_help",
    "unstuck",
]

#: Predicted success we aim items at, and the band we accept.
TARGET_SUCCESS = 0.725
SUCCESS_BAND = (0.6, 0.85)
#: Logits of difficulty between neighbouring levels (level 2 is a point's typical item).
LEVEL_STEP = 0.9
#: A mastered point comes back for review when its effective P(known) falls below this…
REVIEW_BELOW = 0.85
#: … but at most one review in this many answers.
REVIEW_EVERY = 4
#: Before the goal counts as reached, a goal point last answered itself this many days ago
#: or more is confirmed with one more item (see the module docstring). Dev seeds 101-102
#: (5 students each, grade 7): 3, 7 and 14 days released no student before mastery; 30
#: released 2 of 10 (the simulator's students wait at most 30 days for an item).
CONFIRM_AFTER_DAYS = 7.0
#: A frontier point is "stuck" after this many answers with P(known) still below
#: STUCK_BELOW: an unexplained run of failures suggests a prerequisite was lost, so the
#: policy re-checks the least certain prerequisite before trying the point again.
STUCK_AFTER = 6
STUCK_BELOW = 0.5
#: No student answers more than this many items in a row on one point without a change of
#: approach (issue 16: a struggling student was once kept on one point for 27 answers).
MAX_RUN = 8
#: How far back the no-stuck rule counts a point's answers to escalate its changes.
LOOKBACK = 4 * MAX_RUN
#: A point still not mastered after this many answers is flagged to the teacher.
NEEDS_HELP_AFTER = 3 * MAX_RUN

Kind = Literal["gap", "review", "frontier", "goal_reached"]
#: Why a point was chosen (parameters: points' names as ``{language: name}``; ``days``).
ReasonCode = Literal[
    "policy.gap",  # gap
    "policy.gap_prerequisite",  # gap, target
    "policy.review",  # point, days
    "policy.confirm",  # point, days: a goal point confirmed before the goal counts as reached
    "policy.confirm_new",  # point: the same for a point never answered itself (placed, inferred)
    "policy.recheck",  # point, prerequisite
    "policy.ready",  # point, prerequisites (a list)
    "policy.ready_along",  # point, prerequisites, along (lists): some are learnt inside it
    "policy.start",  # point
    "policy.goal_reached",
    "policy.stuck_recheck",  # point, prerequisite
    "policy.stuck_easier",  # point
    "policy.stuck_example",  # point
    "policy.resume",  # point: the unfinished turn of the latest item, on a new page
]
#: How a choice changes approach for a student stuck on a point (None: it does not).
Approach = Literal["recheck", "easier", "worked_example"]
#: How the engine words a code (``tutor.i18n.render``: code, params, language).
Render = Callable[[str, Mapping[str, object], str], str]


@dataclass(frozen=True)
class Run:
    """The student's latest answers in a row on one point (what the no-stuck rule needs):
    which point, how many answers in a row, the level of the latest item, and how many of
    the student's last :data:`LOOKBACK` answers were on the point (runs broken only by a
    re-check count together), and which points those answers were on."""

    kp: str
    length: int
    level: int
    recent: int
    seen: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StudentView:
    """What the policy may know about one student (no hidden state, no I/O).

    ``path`` is the goal and its prerequisites in a valid learning order (the goal
    last); ``prerequisites`` gives each path point's direct prerequisites; ``levels``
    the difficulty levels available for each point that has items; ``names`` display
    names (en) and ``names_zh`` (zh) for reasons; ``run`` the student's latest answers in a
    row on one point (None before the first answer); ``answered_at`` when each point was
    last answered itself (None: not read).
    """

    path: Sequence[str]
    prerequisites: Mapping[str, Sequence[str]]
    mastery: Mapping[str, MasteryState]
    levels: Mapping[str, Sequence[int]]
    now: float
    answers_since_review: int = REVIEW_EVERY
    names: Mapping[str, str] = field(default_factory=dict)
    names_zh: Mapping[str, str] = field(default_factory=dict)
    run: Run | None = None
    #: when each point was last answered itself (from the attempt log), for confirming the
    #: goal; None when not read (the engine reads it only when the goal looks reached):
    #: the policy then goes by ``updated_at``, which inferences from other points' answers
    #: also move
    answered_at: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Choice:
    """What to practise next, why, and how hard.

    Why is ``code`` with ``params``; ``reason`` and ``reason_zh`` are its English and
    Chinese words, empty until :meth:`worded` fills them (the engine does, so every
    choice it hands out, and its JSON, has both). ``approach`` says how the choice changes
    approach for a student stuck on a point (None: an ordinary choice).
    """

    kind: Kind
    kp: str | None
    difficulty: int | None
    predicted_success: float | None
    code: ReasonCode
    params: Mapping[str, object] = field(default_factory=dict)
    reason: str = ""
    reason_zh: str = ""
    approach: Approach | None = None

    def worded(self, render: Render) -> Choice:
        """This choice with ``reason`` (English) and ``reason_zh`` (Chinese) worded by
        ``render`` (:func:`tutor.i18n.render`)."""
        return replace(
            self,
            reason=render(self.code, self.params, "en"),
            reason_zh=render(self.code, self.params, "zh-Hans"),
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "kind": self.kind,
            "kp": self.kp,
            "difficulty": self.difficulty,
            "predicted_success": self.predicted_success,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
        }


def answers_since_review(answered: int) -> int:
    """The review slot rule: one answer in :data:`REVIEW_EVERY`, at fixed positions of the
    student's log (``answered`` answers so far), may be a review."""
    return REVIEW_EVERY if answered % REVIEW_EVERY == REVIEW_EVERY - 1 else 0


def choose_level(state: MasteryState | None, levels: Sequence[int]) -> tuple[int, float]:
    """The level whose predicted success is closest to the target, and that prediction."""
    if not levels:
        raise ValueError("a point with items has at least one level")
    middle = sorted(levels)[len(levels) // 2]

    def score(level: int) -> tuple[bool, float]:
        p = predicted_success(state, -LEVEL_STEP * (level - middle))
        inside = SUCCESS_BAND[0] <= p <= SUCCESS_BAND[1]
        return (not inside, abs(p - TARGET_SUCCESS))

    best = min(sorted(levels), key=score)
    return best, predicted_success(state, -LEVEL_STEP * (best - middle))


def _mastered(view: StudentView, kp: str) -> bool:
    return is_mastered(view.mastery.get(kp))


def _blocking(view: StudentView, kp: str) -> list[str]:
    """The direct prerequisites of ``kp`` that still block it (assessable, unmastered)."""
    return [
        p for p in view.prerequisites.get(kp, ()) if p in view.levels and not _mastered(view, p)
    ]


def _frontier(view: StudentView) -> Iterator[str]:
    for kp in view.path:
        if kp in view.levels and not _mastered(view, kp) and not _blocking(view, kp):
            yield kp


def frontier(view: StudentView) -> list[str]:
    """Path points with items that are not mastered and whose prerequisites are, in order."""
    return list(_frontier(view))


def _name(view: StudentView, kp: str) -> dict[str, str]:
    """A point's name in each language (a reason's parameter); its id when it has none."""
    en = view.names.get(kp) or kp
    return {"en": en, "zh-Hans": view.names_zh.get(kp) or en}


def _choice(view: StudentView, kind: Kind, kp: str, code: ReasonCode, **params: object) -> Choice:
    level, p = choose_level(view.mastery.get(kp), view.levels[kp])
    return Choice(kind, kp, level, round(p, 3), code, params)


def _gap_choice(view: StudentView) -> Choice | None:
    gaps = sorted(
        (kp for kp, s in view.mastery.items() if s.gap and not _mastered(view, kp)),
        key=lambda kp: (view.mastery[kp].updated_at, kp),
        reverse=True,
    )
    for gap in gaps:
        # Repair the gap from below: its deepest unmastered assessable prerequisite first.
        target = gap
        seen = {gap}
        while True:
            blocking = [p for p in _blocking(view, target) if p not in seen]
            if not blocking:
                break
            target = blocking[0]
            seen.add(target)
        if target not in view.levels:
            continue
        if target == gap:
            return _choice(view, "gap", target, "policy.gap", gap=_name(view, gap))
        return _choice(
            view,
            "gap",
            target,
            "policy.gap_prerequisite",
            gap=_name(view, gap),
            target=_name(view, target),
        )
    return None


def _review_choice(view: StudentView) -> Choice | None:
    if view.answers_since_review < REVIEW_EVERY:
        return None
    due = [
        (effective_p(s, view.now), kp)
        for kp, s in view.mastery.items()
        if kp in view.levels and is_mastered(s) and effective_p(s, view.now) < REVIEW_BELOW
    ]
    if not due:
        return None
    _, kp = min(due)
    days = (view.now - view.mastery[kp].updated_at) / DAY
    return _choice(view, "review", kp, "policy.review", point=_name(view, kp), days=days)


def goal_points(view: StudentView) -> list[str]:
    """The points whose answers show the goal itself: the goal (the last point of the
    path) when it has items, else its nearest prerequisites with items (the prerequisites
    the engine passes in see through points without items)."""
    if not view.path:
        return []
    goal = view.path[-1]
    if goal in view.levels:
        return [goal]
    return [p for p in view.prerequisites.get(goal, ()) if p in view.levels]


def _own_evidence(view: StudentView, kp: str, state: MasteryState) -> float | None:
    """When ``kp`` was last answered itself (None: never — its mastery is only inferred).

    From the attempt log when the engine passed it (``answered_at``); else the state's
    ``updated_at``, which a right answer on a dependent point also moves (a point answered
    ten times, then forgotten, looks fresh as long as what builds on it is answered)."""
    if view.answered_at is not None:
        return view.answered_at.get(kp)
    return state.updated_at if state.attempts > 0 else None


def _confirm_choice(view: StudentView) -> Choice | None:
    """A mastered goal point whose own evidence is stale (old, or never answered itself),
    the oldest first: asked once more before the goal counts as reached."""
    stale_after = CONFIRM_AFTER_DAYS * DAY
    stale: list[tuple[float, str]] = []
    for kp in goal_points(view):
        state = view.mastery.get(kp)
        if state is None or not is_mastered(state):
            continue
        seen = _own_evidence(view, kp, state)
        if seen is None:
            stale.append((-1.0, kp))  # only inferred: first
        elif view.now - seen >= stale_after:
            stale.append((seen, kp))
    if not stale:
        return None
    at, kp = min(stale)
    if at < 0:  # never answered itself: "last seen 0 days ago" would not be true
        return _choice(view, "review", kp, "policy.confirm_new", point=_name(view, kp))
    days = max(view.now - at, 0.0) / DAY
    return _choice(view, "review", kp, "policy.confirm", point=_name(view, kp), days=days)


def _recheck_choice(view: StudentView, kp: str) -> Choice | None:
    """When ``kp`` is stuck, re-check its prerequisites, the longest unchecked first."""
    state = view.mastery.get(kp)
    if state is None or state.attempts < STUCK_AFTER or state.p >= STUCK_BELOW:
        return None
    prereqs = [p for p in view.prerequisites.get(kp, ()) if p in view.levels]
    unknown = MasteryState(0.0)
    # Only prerequisites not re-checked since kp's last answer, nor answered in the last
    # LOOKBACK answers (else the student would go back and forth between the two for ever).
    seen = view.run.seen if view.run is not None else frozenset()
    candidates = [
        p
        for p in prereqs
        if (view.mastery.get(p) or unknown).updated_at < state.updated_at and p not in seen
    ]
    if not candidates:
        return None
    # The one checked longest ago (so every prerequisite gets its turn), then the least sure.
    target = min(
        candidates,
        key=lambda p: (
            (view.mastery.get(p) or unknown).updated_at,
            (view.mastery.get(p) or unknown).p,
            p,
        ),
    )
    return _choice(
        view,
        "review",
        target,
        "policy.recheck",
        point=_name(view, kp),
        prerequisite=_name(view, target),
    )


def choose(view: StudentView) -> Choice:
    """The next thing to practise (see the module docstring for the order), changing
    approach when the student is stuck on it (:func:`unstuck`)."""
    return unstuck(view, _choose(view))


def _choose(view: StudentView) -> Choice:
    for pick in (_gap_choice, _review_choice):
        found = pick(view)
        if found is not None:
            return found
    kp = next(_frontier(view), None)
    if kp is not None:
        recheck = _recheck_choice(view, kp)
        if recheck is not None:
            return recheck
        direct = view.prerequisites.get(kp, ())
        prereqs = [p for p in direct if p in view.levels]
        # Prerequisites with no items of their own are learnt inside this point's practice:
        # not mastered yet, so the reason must not claim them (it names them instead).
        along = [p for p in direct if p not in view.levels and not _mastered(view, p)]
        if prereqs:
            # The catalogs name the first three (then "and more").
            names = [_name(view, p) for p in prereqs]
            if along:
                return _choice(
                    view,
                    "frontier",
                    kp,
                    "policy.ready_along",
                    point=_name(view, kp),
                    prerequisites=names,
                    along=[_name(view, p) for p in along],
                )
            # One prerequisite reads "its prerequisite X": the catalog picks the singular.
            return _choice(
                view, "frontier", kp, "policy.ready", point=_name(view, kp), prerequisites=names
            )
        return _choice(view, "frontier", kp, "policy.start", point=_name(view, kp))
    if view.answers_since_review < REVIEW_EVERY:
        # Nothing left to learn: a due review need not wait for its slot.
        late = _review_choice(replace(view, answers_since_review=REVIEW_EVERY))
        if late is not None:
            return late
    confirm = _confirm_choice(view)
    if confirm is not None:
        return confirm
    goal = view.path[-1] if view.path else None
    return Choice("goal_reached", goal, None, None, "policy.goal_reached")


def needs_help(mastery: Mapping[str, MasteryState]) -> list[str]:
    """The points a student has answered :data:`NEEDS_HELP_AFTER` times or more without
    mastering them: the teacher's flag that a person should step in."""
    return sorted(
        kp for kp, s in mastery.items() if s.attempts >= NEEDS_HELP_AFTER and not is_mastered(s)
    )


#: The changes of approach, in the order they are tried.
_LADDER: tuple[Approach, ...] = ("recheck", "easier", "worked_example")


def unstuck(view: StudentView, choice: Choice) -> Choice:
    """``choice``, or a change of approach when it would be one more answer on a point the
    student has just answered a multiple of :data:`MAX_RUN` times in a row.

    The first change for a point is a re-check of the prerequisite checked longest ago
    (then the least sure), which ends the run; when the student's last :data:`LOOKBACK`
    answers hold :data:`MAX_RUN` × k on the point (earlier runs, broken only by re-checks),
    the ladder starts k − 1 steps further (round again after the last): an easier level
    than the last item's, then a worked example first. A step that cannot be taken (no
    prerequisite with items, no easier level) passes to the next; a worked example always
    can.
    """
    run = view.run
    kp = choice.kp
    if (
        kp is None
        or choice.difficulty is None
        or run is None
        or run.kp != kp
        or run.length < MAX_RUN
        or run.length % MAX_RUN
    ):
        return choice
    state = view.mastery.get(kp)
    # The k-th change (k: blocks of MAX_RUN answers on the point lately, or in this run)
    # starts k - 1 rungs up the ladder, and goes round again: a long run (a prerequisite
    # lost since) gets its re-check back every few changes.
    start = (max(run.recent, run.length) // MAX_RUN - 1) % len(_LADDER)
    point = _name(view, kp)
    for approach in _LADDER[start:] + _LADDER[:start]:
        if approach == "worked_example":
            break
        if approach == "recheck":
            prereqs = [p for p in view.prerequisites.get(kp, ()) if p in view.levels and p != kp]
            if not prereqs:
                continue
            unknown = MasteryState(0.0)
            target = min(
                prereqs,
                key=lambda p: (
                    (view.mastery.get(p) or unknown).updated_at,
                    (view.mastery.get(p) or unknown).p,
                    p,
                ),
            )
            found = _choice(
                view,
                "review",
                target,
                "policy.stuck_recheck",
                point=point,
                prerequisite=_name(view, target),
            )
            return replace(found, approach="recheck")
        if approach == "easier":
            lower = [level for level in view.levels.get(kp, ()) if level < run.level]
            if not lower:
                continue
            level = max(lower)
            middle = sorted(view.levels[kp])[len(view.levels[kp]) // 2]
            p = predicted_success(state, -LEVEL_STEP * (level - middle))
            return Choice(
                choice.kind,
                kp,
                level,
                round(p, 3),
                "policy.stuck_easier",
                {"point": point},
                approach="easier",
            )
    return replace(
        choice, code="policy.stuck_example", params={"point": point}, approach="worked_example"
    )
