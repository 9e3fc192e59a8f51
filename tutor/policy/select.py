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

When nothing is left to learn, a review that is due does not wait for its slot (the slot
comes round only as answers come in, and a student with nothing to learn gives none).

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
from tutor.learner.mastery import effective_p, is_mastered, predicted_success

__all__ = [
    "REVIEW_BELOW",
    "REVIEW_EVERY",
    "SUCCESS_BAND",
    "TARGET_SUCCESS",
    "Choice",
    "ReasonCode",
    "StudentView",
    "answers_since_review",
    "choose",
    "choose_level",
    "frontier",
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
#: A frontier point is "stuck" after this many answers with P(known) still below
#: STUCK_BELOW: an unexplained run of failures suggests a prerequisite was lost, so the
#: policy re-checks the least certain prerequisite before trying the point again.
STUCK_AFTER = 6
STUCK_BELOW = 0.5

Kind = Literal["gap", "review", "frontier", "goal_reached"]
#: Why a point was chosen (parameters: points' names as ``{language: name}``; ``days``).
ReasonCode = Literal[
    "policy.gap",  # gap
    "policy.gap_prerequisite",  # gap, target
    "policy.review",  # point, days
    "policy.recheck",  # point, prerequisite
    "policy.ready",  # point, prerequisites (a list)
    "policy.start",  # point
    "policy.goal_reached",
]
#: How the engine words a code (``tutor.i18n.render``: code, params, language).
Render = Callable[[str, Mapping[str, object], str], str]


@dataclass(frozen=True)
class StudentView:
    """What the policy may know about one student (no hidden state, no I/O).

    ``path`` is the goal and its prerequisites in a valid learning order (the goal
    last); ``prerequisites`` gives each path point's direct prerequisites; ``levels``
    the difficulty levels available for each point that has items; ``names`` display
    names (en) and ``names_zh`` (zh) for reasons.
    """

    path: Sequence[str]
    prerequisites: Mapping[str, Sequence[str]]
    mastery: Mapping[str, MasteryState]
    levels: Mapping[str, Sequence[int]]
    now: float
    answers_since_review: int = REVIEW_EVERY
    names: Mapping[str, str] = field(default_factory=dict)
    names_zh: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """What to practise next, why, and how hard.

    Why is ``code`` with ``params``; ``reason`` and ``reason_zh`` are its English and
    Chinese words, empty until :meth:`worded` fills them (the engine does, so every
    choice it hands out, and its JSON, has both).
    """

    kind: Kind
    kp: str | None
    difficulty: int | None
    predicted_success: float | None
    code: ReasonCode
    params: Mapping[str, object] = field(default_factory=dict)
    reason: str = ""
    reason_zh: str = ""

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
    days = (view.now - view.mastery[kp].updated_at) / 86_400
    return _choice(view, "review", kp, "policy.review", point=_name(view, kp), days=days)


def _recheck_choice(view: StudentView, kp: str) -> Choice | None:
    """When ``kp`` is stuck, re-check its prerequisites, the longest unchecked first."""
    state = view.mastery.get(kp)
    if state is None or state.attempts < STUCK_AFTER or state.p >= STUCK_BELOW:
        return None
    prereqs = [p for p in view.prerequisites.get(kp, ()) if p in view.levels]
    unknown = MasteryState(0.0)
    # Only prerequisites not re-checked since kp's last answer (else we would loop).
    candidates = [
        p for p in prereqs if (view.mastery.get(p) or unknown).updated_at < state.updated_at
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
    """The next thing to practise (see the module docstring for the order)."""
    for pick in (_gap_choice, _review_choice):
        found = pick(view)
        if found is not None:
            return found
    kp = next(_frontier(view), None)
    if kp is not None:
        recheck = _recheck_choice(view, kp)
        if recheck is not None:
            return recheck
        prereqs = [p for p in view.prerequisites.get(kp, ()) if p in view.levels]
        if prereqs:
            # The catalogs name the first three (then "and more").
            names = [_name(view, p) for p in prereqs]
            return _choice(
                view, "frontier", kp, "policy.ready", point=_name(view, kp), prerequisites=names
            )
        return _choice(view, "frontier", kp, "policy.start", point=_name(view, kp))
    if view.answers_since_review < REVIEW_EVERY:
        # Nothing left to learn: a due review need not wait for its slot.
        late = _review_choice(replace(view, answers_since_review=REVIEW_EVERY))
        if late is not None:
            return late
    goal = view.path[-1] if view.path else None
    return Choice("goal_reached", goal, None, None, "policy.goal_reached")
