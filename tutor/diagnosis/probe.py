"""Prerequisite probing (ALEKS-style): which prerequisite is really missing?

When a student fails a point ``f`` and no buggy rule explains why, the missing piece may be
``f`` itself, one of its prerequisites — or nothing at all (a slip). The hypotheses:

* ``H_c`` for each candidate ``c`` (``f`` and its prerequisites within :data:`DEPTH` hops):
  "``c`` is the root gap". The student then lacks ``c`` and every point that needs ``c``,
  and knows every other point (the knowledge-space reading of the prerequisite graph).
* ``H_none``: "the student knows ``f`` and all it needs; the wrong answer was a slip".

**Prior** — from the learner model, never from anything hidden: with ``m_q`` the tutor's
P(known) of ``q``, the knowledge state of ``H_c`` has probability
``Π_{q needs c} (1 - m_q) · Π_{other q} m_q`` and ``H_none`` has ``Π_q m_q`` (candidates
only, each ``m_q`` clipped to ``[PRIOR_FLOOR, 1 - PRIOR_FLOOR]`` so that the tutor can be
talked out of what it believes; a point without evidence counts as 0.5). A caller builds
``m`` with :func:`prior_from_mastery`, which holds a point the student never answered —
one the knowledge check inferred — further from certainty (:data:`UNANSWERED_FLOOR`).
The failed answer itself is the first observation.

**Items** — a probe is an item (:class:`ProbeItem`): a point at a difficulty level, with its
Q-matrix row (an item assesses several points, with weights) and the slip and guess of that
level. Under ``H_c`` the item is answered right with probability ``(1 - slip)`` when none of
the points it assesses needs ``c``, ``guess`` when its own point does, and in between by the
largest weight of an assessed point that does. :func:`level_items` builds one item per
level from the learner model's difficulty shift, so harder levels have more slips and fewer
lucky guesses.

**Choice** — each probe is the item whose answer is expected to reduce the entropy of the
posterior the most (expected entropy reduction over the hypotheses), over every item
family and level of every candidate — so the level asked is the one that separates the
live hypotheses best. Probing stops as soon as one hypothesis reaches :data:`STOP_AT`
(callers may pass the issue's 0.9, :data:`CONFIDENT`) or after :data:`MAX_PROBES` probes.

**Report** — the most probable hypothesis (its point, or None for "no gap"), its
posterior, and whether it reached :data:`CONFIDENT`; a caller that must not act on a weak
diagnosis checks :attr:`ProbeResult.confident`.

Pure functions: the caller asks the student (or a simulated one) and feeds answers back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from tutor.domain import MasteryState, prerequisite_layers
from tutor.learner.mastery import effective_p

__all__ = [
    "CONFIDENT",
    "DEPTH",
    "MAX_PROBES",
    "NO_GAP",
    "STOP_AT",
    "ProbeItem",
    "ProbeResult",
    "ProbeState",
    "best_probe",
    "initial_state",
    "level_items",
    "prior_from_mastery",
    "probe",
    "update",
]

#: A diagnosis is confident (:attr:`ProbeResult.confident`) from this posterior on; the
#: issue's stopping rule (pass ``stop_at=CONFIDENT`` to stop here).
CONFIDENT = 0.9
#: Keep probing until one hypothesis reaches this (or the probes run out). Higher than
#: CONFIDENT: measured on simulated practice (BENCHMARKS.md, "probe"), stopping at 0.9
#: leaves the false-gap rate at the 5% limit, because a slip on a point being learned
#: looks like a gap in that point; two more probes on average settle most of those.
STOP_AT = 0.97
#: Never ask more than this many probes for one failure. Chosen with UNANSWERED_FLOOR on
#: dev seeds 100–119 of the newcomer's case mix (placed by the knowledge check, then
#: failing): 5 probes named the root 0.877 of the time, 7 0.902, 8 0.922 (4.7 probes on
#: average; the adaptive tutor's own failures take 3.3 on average, BENCHMARKS.md "probe").
MAX_PROBES = 8
#: Candidates: the failed point and its prerequisites within this many hops.
DEPTH = 2
#: Slip and guess of a typical (middle-level) item, as the learner model assumes them.
SLIP = 0.1
GUESS = 0.15
#: Difficulty shift per level in logits (the same step the policy uses to pick levels).
LEVEL_STEP = 0.9
#: The learner model's P(known) is clipped to [PRIOR_FLOOR, 1 - PRIOR_FLOOR] for the prior.
PRIOR_FLOOR = 0.02
#: … and to [UNANSWERED_FLOOR, 1 - UNANSWERED_FLOOR] for a point the student never answered
#: (:func:`prior_from_mastery`): its P(known) was inferred — by the knowledge check from
#: answers on other points, which stores a point it judges known at ≥ MASTERED so that
#: practice starts at the frontier, not at a calibrated probability.
UNANSWERED_FLOOR = 0.15
#: The name of the "no gap, it was a slip" hypothesis in :attr:`ProbeState.hypotheses`.
NO_GAP = ""


@dataclass(frozen=True)
class ProbeItem:
    """One item the tutor can ask: its point, level, Q-matrix row, slip and guess."""

    kp: str
    level: int = 0
    #: the item family (generator) the item comes from, "" when any will do
    family: str = ""
    assesses: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    slip: float = SLIP
    guess: float = GUESS

    def weights(self) -> Mapping[str, float]:
        """The Q-matrix row, with the item's own point at weight 1."""
        return {**self.assesses, self.kp: 1.0}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def level_items(
    kp: str,
    levels: Sequence[int],
    assesses: Mapping[str, float] | None = None,
    *,
    family: str = "",
    level_step: float = LEVEL_STEP,
) -> tuple[ProbeItem, ...]:
    """One probe item per level of ``kp``.

    The middle level has the learner model's slip and guess; each level up shifts both
    P(correct | known) and P(correct | not known) down by ``level_step`` logits (and each
    level down, up), as the policy's level choice assumes. The separation between a
    student who knows the point and one who does not is therefore largest near the
    middle, which is what the probe choice weighs.
    """
    ordered = sorted(levels)
    if not ordered:
        return ()
    middle = ordered[len(ordered) // 2]
    out = []
    for level in ordered:
        shift = -level_step * (level - middle)
        out.append(
            ProbeItem(
                kp,
                level,
                family,
                MappingProxyType(dict(assesses or {})),
                slip=1.0 - _sigmoid(_logit(1.0 - SLIP) + shift),
                guess=_sigmoid(_logit(GUESS) + shift),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class ProbeState:
    """The hypotheses, the points each one leaves missing, and the posterior so far."""

    #: candidate points first (the failed point at index 0), then :data:`NO_GAP`
    hypotheses: tuple[str, ...]
    #: missing[h] = the points a student under hypothesis h lacks (``c`` and what needs it)
    missing: tuple[frozenset[str], ...]
    posterior: tuple[float, ...]
    #: every point's prerequisites (transitive), for items assessing non-candidates
    closure: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def candidates(self) -> tuple[str, ...]:
        """The candidate gaps (every hypothesis but "no gap")."""
        return tuple(h for h in self.hypotheses if h != NO_GAP)

    def needs(self, kp: str) -> frozenset[str]:
        """``kp`` and its transitive prerequisites."""
        return self.closure.get(kp, frozenset({kp}))


@dataclass(frozen=True)
class ProbeResult:
    """The outcome of probing one failure.

    ``gap`` is the most probable root gap (None: most probably no gap, a slip);
    ``confidence`` its posterior; ``confident`` whether that reached :data:`CONFIDENT`;
    ``probes`` the items asked with the answers (True when right).
    """

    gap: str | None
    confidence: float
    confident: bool
    probes: tuple[tuple[ProbeItem, bool], ...]
    posterior: Mapping[str, float] = field(default_factory=dict)


def _entropy(ps: Sequence[float]) -> float:
    return -sum(p * math.log2(p) for p in ps if p > 0)


def _p_correct(state: ProbeState, item: ProbeItem) -> list[float]:
    """P(right answer to ``item`` | h) for every hypothesis h."""
    weights = item.weights()
    out = []
    for missing in state.missing:
        affected = max((w for kp, w in weights.items() if state.needs(kp) & missing), default=0.0)
        affected = min(max(affected, 0.0), 1.0)
        out.append((1.0 - affected) * (1.0 - item.slip) + affected * item.guess)
    return out


def update(state: ProbeState, item: ProbeItem, correct: bool) -> ProbeState:
    """The posterior after one answer to ``item`` (Bayes' rule over the hypotheses)."""
    like = _p_correct(state, item)
    weights = [
        p * (lk if correct else 1.0 - lk) for p, lk in zip(state.posterior, like, strict=True)
    ]
    total = sum(weights)
    posterior = tuple(w / total for w in weights) if total > 0 else state.posterior
    return ProbeState(state.hypotheses, state.missing, posterior, state.closure)


def best_probe(state: ProbeState, items: Sequence[ProbeItem]) -> ProbeItem | None:
    """The item whose answer is expected to reduce the posterior's entropy the most.

    An item may be asked again (a second item of the same family and level is a fresh,
    independent answer). None when no item is expected to tell anything.
    """
    best: tuple[float, ProbeItem] | None = None
    current = _entropy(state.posterior)
    for item in items:
        like = _p_correct(state, item)
        p_right = sum(p * lk for p, lk in zip(state.posterior, like, strict=True))
        expected = 0.0
        for correct, p_outcome in ((True, p_right), (False, 1.0 - p_right)):
            if p_outcome > 0:
                expected += p_outcome * _entropy(update(state, item, correct).posterior)
        gain = current - expected
        if best is None or gain > best[0] + 1e-12:
            best = (gain, item)
    return None if best is None or best[0] <= 1e-9 else best[1]


def _closures(prerequisites: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """Every point's transitive prerequisites, itself included."""
    memo: dict[str, frozenset[str]] = {}

    def walk(kp: str) -> frozenset[str]:
        if kp not in memo:
            memo[kp] = frozenset({kp})  # guards a (forbidden) cycle
            found = {kp}
            for p in prerequisites.get(kp, ()):
                found |= walk(p)
            memo[kp] = frozenset(found)
        return memo[kp]

    for kp in list(prerequisites):
        walk(kp)
    return memo


def prior_from_mastery(mastery: Mapping[str, MasteryState], now: float) -> dict[str, float]:
    """The probe's prior from the learner model's stored states at ``now``.

    P(known) with forgetting since the last evidence (:func:`effective_p`); a point with no
    answer as evidence (``attempts == 0``) is held within
    [:data:`UNANSWERED_FLOOR`, 1 - :data:`UNANSWERED_FLOOR`], so that probing does not take
    an inference for a fact.
    """
    out: dict[str, float] = {}
    for kp, state in mastery.items():
        p = effective_p(state, now)
        if state.attempts == 0:
            p = min(max(p, UNANSWERED_FLOOR), 1.0 - UNANSWERED_FLOOR)
        out[kp] = p
    return out


def initial_state(
    failed: str,
    prerequisites: Mapping[str, Sequence[str]],
    p_known: Mapping[str, float],
    *,
    depth: int = DEPTH,
    failed_item: ProbeItem | None = None,
) -> ProbeState:
    """The hypotheses for a failure on ``failed`` and their prior.

    ``prerequisites`` maps each point to its direct prerequisites; ``p_known`` is the
    learner model's P(known) before the failed answer (missing points count as 0.5).
    The failed answer (to ``failed_item``, by default a middle-level item on ``failed``)
    is folded in as the first observation.
    """
    layers = prerequisite_layers(
        failed, lambda ids: {q: prerequisites.get(q, ()) for q in ids}, depth
    )
    candidates = [failed, *(kp for layer in layers for kp in layer)]
    closure = _closures(prerequisites)
    closure.setdefault(failed, frozenset({failed}))
    chosen = frozenset(candidates)
    missing = [
        frozenset(q for q in chosen if c in closure.get(q, frozenset({q}))) for c in candidates
    ]
    missing.append(frozenset())  # NO_GAP

    def m(q: str) -> float:
        return min(max(p_known.get(q, 0.5), PRIOR_FLOOR), 1.0 - PRIOR_FLOOR)

    # log P(state) under independent points: unknown points contribute log(1 - m).
    base = sum(math.log(m(q)) for q in chosen)
    logs = [base + sum(math.log((1.0 - m(q)) / m(q)) for q in gone) for gone in missing]
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    total = sum(weights)
    state = ProbeState(
        (*candidates, NO_GAP),
        tuple(missing),
        tuple(w / total for w in weights),
        MappingProxyType(closure),
    )
    return update(state, failed_item or ProbeItem(failed), False)


def probe(
    failed: str,
    prerequisites: Mapping[str, Sequence[str]],
    p_known: Mapping[str, float],
    ask: Callable[[ProbeItem], bool],
    *,
    items: Mapping[str, Sequence[ProbeItem]] | None = None,
    failed_item: ProbeItem | None = None,
    max_probes: int = MAX_PROBES,
    depth: int = DEPTH,
    stop_at: float = STOP_AT,
) -> ProbeResult:
    """Probe until confident or out of probes.

    ``items[kp]`` are the probe items the tutor can ask on ``kp`` (by default one
    middle-level item per candidate); ``ask(item)`` gives the student's answer (True when
    right). Only items on candidate points are asked.
    """
    state = initial_state(failed, prerequisites, p_known, depth=depth, failed_item=failed_item)
    pool: list[ProbeItem] = []
    for kp in state.candidates:
        pool.extend(items.get(kp, ()) if items is not None else (ProbeItem(kp),))
    asked: list[tuple[ProbeItem, bool]] = []
    while len(asked) < max_probes and max(state.posterior) < stop_at:
        item = best_probe(state, pool)
        if item is None:
            break
        correct = ask(item)
        asked.append((item, correct))
        state = update(state, item, correct)
    best = max(range(len(state.hypotheses)), key=lambda i: state.posterior[i])
    confidence = state.posterior[best]
    name = state.hypotheses[best]
    return ProbeResult(
        None if name == NO_GAP else name,
        confidence,
        confidence >= CONFIDENT,
        tuple(asked),
        dict(zip(state.hypotheses, state.posterior, strict=True)),
    )
