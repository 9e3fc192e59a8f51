"""Mastery of knowledge points: one answer's evidence, spread over the graph.

Pure functions of state (DESIGN.md): :func:`observe` takes the stored mastery, one
observation and the graph neighbourhood it needs, and returns the new states of the points
that changed. Nothing is mutated; nothing is read or written here.

How one answer moves mastery (each rule is bounded, and the bounds are constants below):

1. **The item's own point**: a Bayesian Knowledge Tracing update
   (:func:`tutor.learner.bkt.bkt_update`) with guess + slip below 1, so a correct
   answer never lowers mastery and a wrong one never raises it; P(known) is capped at
   :data:`P_MAX` so that evidence against a mastered point always counts.
2. **The other points the item assesses** (the Q-matrix row, weight ``w`` < 1): the same
   update, taken only ``w`` of the way.
3. **Success is evidence for prerequisites**: after a correct answer, each transitive
   prerequisite ``d`` hops below moves towards 1 by ``UP_SHARE * UP_DECAY**(d-1)`` of the
   distance the item's own point moved (so at most ``UP_SHARE`` of it, never more than
   the direct evidence, and never down).
4. **A diagnosed gap lowers that prerequisite**: when the diagnosis names the points a
   wrong answer really shows missing, each is multiplied by ``1 - GAP_DROP`` and marked as
   a gap; a later correct answer on it clears the mark once it is mastered again.

An unexplained wrong answer does not lower prerequisites: a slip on fractions says
nothing certain about whole-number division.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from tutor.domain import MasteryState
from tutor.learner.bkt import BKTParams, bkt_update, p_correct

__all__ = [
    "DEFAULT_BKT",
    "GAP_DROP",
    "MASTERED",
    "P_MAX",
    "UP_DECAY",
    "UP_SHARE",
    "Observation",
    "effective_p",
    "initial_state",
    "is_mastered",
    "observe",
    "predicted_success",
    "replay",
]

#: P(known) at or above which a point counts as mastered.
MASTERED = 0.95
#: The tutor never becomes surer than this: one wrong answer on a mastered point then
#: takes it back below MASTERED, so a forgotten point is noticed at once (at 1.0, Bayes'
#: rule could never move it again).
P_MAX = 0.99
#: The BKT parameters used for every point until fitted ones exist for it.
DEFAULT_BKT = BKTParams(prior=0.2, learn=0.15, guess=0.15, slip=0.1, forget=0.0)
#: A prerequisite one hop below moves this share of the distance the item's point moved.
UP_SHARE = 0.5
#: … and each further hop keeps this share of the previous hop's.
UP_DECAY = 0.5
#: How many hops of prerequisites a correct answer informs.
UP_DEPTH = 3
#: A diagnosed gap multiplies P(known) by 1 - GAP_DROP.
GAP_DROP = 0.5
#: Days after which an unpractised mastered point has lost half its margin above 0.5;
#: the half-life doubles with each further correct answer (spaced review).
BASE_HALF_LIFE_DAYS = 3.0
DAY = 86_400.0


@dataclass(frozen=True)
class Observation:
    """One checked answer, as the learner model sees it.

    ``assesses`` is the item's Q-matrix row (the item's own point with weight 1.0);
    ``gap_kps`` are the points the diagnosis blamed for a wrong answer.
    """

    kp: str
    correct: bool
    at: float
    assesses: Mapping[str, float]
    gap_kps: Sequence[str] = ()


def initial_state(params: BKTParams = DEFAULT_BKT) -> MasteryState:
    """The state of a point nobody has seen evidence for: the BKT prior."""
    return MasteryState(p=params.prior)


def is_mastered(state: MasteryState | None) -> bool:
    """Whether a point counts as mastered (``p`` ≥ :data:`MASTERED`)."""
    return state is not None and state.p >= MASTERED


def effective_p(state: MasteryState, now: float) -> float:
    """P(known) today, allowing for forgetting since the last evidence.

    The margin above 0.5 halves every half-life; the half-life grows with the number of
    answers (``BASE_HALF_LIFE_DAYS * 2**(attempts - 1)``), so well-practised points fade
    slowly. Used to bring mastered points back for review; the stored ``p`` is unchanged.
    """
    if state.p <= 0.5 or state.attempts == 0 or now <= state.updated_at:
        return state.p
    half_life = BASE_HALF_LIFE_DAYS * DAY * 2.0 ** min(state.attempts - 1, 10)
    decay: float = 0.5 ** ((now - state.updated_at) / half_life)
    return 0.5 + (state.p - 0.5) * decay


def predicted_success(state: MasteryState | None, shift: float = 0.0) -> float:
    """P(correct) on an item of the point, with ``shift`` in logits for its difficulty.

    ``shift`` < 0 makes the item harder than the point's typical item (see the policy).
    """
    p = DEFAULT_BKT.prior if state is None else state.p
    base = min(max(p_correct(DEFAULT_BKT, p), 1e-6), 1 - 1e-6)
    logit = math.log(base / (1 - base)) + shift
    return 1.0 / (1.0 + math.exp(-logit))


def _move(
    state: MasteryState, target: float, share: float, at: float, *, count: bool
) -> MasteryState:
    p = state.p + share * (target - state.p)
    return replace(
        state,
        p=min(max(p, 0.0), 1.0),
        attempts=state.attempts + (1 if count else 0),
        updated_at=at,
    )


def observe(
    mastery: Mapping[str, MasteryState],
    obs: Observation,
    prerequisites_by_depth: Sequence[Sequence[str]] = (),
    params: Mapping[str, BKTParams] | None = None,
) -> dict[str, MasteryState]:
    """The new states of every point this observation changes (see the module docstring).

    Args:
        mastery: the stored states (points missing from it are at their prior).
        obs: the checked answer.
        prerequisites_by_depth: the item point's prerequisites, one sequence per hop
            (index 0: direct prerequisites); only the first :data:`UP_DEPTH` are used.
        params: fitted BKT parameters by point; :data:`DEFAULT_BKT` for the rest.
    """
    params = params or {}

    def state(kp: str) -> MasteryState:
        return mastery.get(kp) or initial_state(params.get(kp, DEFAULT_BKT))

    changed: dict[str, MasteryState] = {}
    own = state(obs.kp)
    own_params = params.get(obs.kp, DEFAULT_BKT)
    new_p = min(bkt_update(own_params, own.p, obs.correct), max(P_MAX, own.p))
    mastered_again = obs.correct and new_p >= MASTERED
    changed[obs.kp] = replace(
        own,
        p=new_p,
        attempts=own.attempts + 1,
        updated_at=obs.at,
        gap=own.gap and not mastered_again,
    )
    for kp, weight in obs.assesses.items():
        if kp == obs.kp or weight <= 0:
            continue
        current = state(kp)
        target = min(bkt_update(params.get(kp, DEFAULT_BKT), current.p, obs.correct), P_MAX)
        changed[kp] = _move(current, target, min(weight, 1.0), obs.at, count=True)
    if obs.correct:
        gain = max(new_p - own.p, 0.0)
        share = UP_SHARE
        for layer in list(prerequisites_by_depth)[:UP_DEPTH]:
            for kp in layer:
                if kp in changed:
                    continue
                current = state(kp)
                # Move up by a share of the own point's gain, scaled to the room left.
                room = P_MAX - current.p
                step = min(share * gain, room)
                if step > 0:
                    changed[kp] = replace(current, p=current.p + step, updated_at=obs.at)
            share *= UP_DECAY
    else:
        for kp in obs.gap_kps:
            current = changed.get(kp) or state(kp)
            changed[kp] = replace(
                current, p=current.p * (1.0 - GAP_DROP), updated_at=obs.at, gap=True
            )
    return changed


def replay(
    observations: Sequence[Observation],
    prerequisites_by_depth: Mapping[str, Sequence[Sequence[str]]],
    params: Mapping[str, BKTParams] | None = None,
) -> dict[str, MasteryState]:
    """Mastery recomputed from an attempt log, oldest first (must equal the stored one)."""
    mastery: dict[str, MasteryState] = {}
    for obs in observations:
        mastery.update(observe(mastery, obs, prerequisites_by_depth.get(obs.kp, ()), params))
    return mastery
