"""Prerequisite probing (ALEKS-style): which prerequisite is really missing?

When a student fails a point and no buggy rule explains why, the missing piece may be the
point itself or one of its prerequisites. Under the single-gap hypothesis ``H_c`` ("``c`` is
the root gap"), the student can do a probe item on ``q`` exactly when ``q`` does not need
``c`` (``c`` is neither ``q`` nor one of ``q``'s prerequisites), up to slip and guess.

The prior over candidates comes from the learner model: ``1 - P(known)`` of each candidate,
so points the tutor is already sure of start unlikely. Each probe is the candidate point
whose answer is expected to reduce the entropy of the posterior the most; probing stops as
soon as one candidate reaches :data:`CONFIDENT` or after :data:`MAX_PROBES` probes. A gap
is reported only when its posterior is at least :data:`CONFIDENT`, otherwise the result
is "unsure" — naming a point the student knows (a false gap) costs more than saying less.

Pure functions: the caller asks the student (or a simulated one) and feeds answers back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tutor.domain import prerequisite_layers

__all__ = ["CONFIDENT", "MAX_PROBES", "ProbeResult", "ProbeState", "probe"]

#: Stop and report a gap once its posterior reaches this.
CONFIDENT = 0.9
#: Never ask more than this many probes for one failure.
MAX_PROBES = 5
#: Slip and guess assumed for probe answers.
SLIP = 0.1
GUESS = 0.15
#: Prior weight never goes below this (a point the tutor is sure of can still be the gap).
PRIOR_FLOOR = 0.02


@dataclass(frozen=True)
class ProbeState:
    """The candidates, which of them each probe point needs, and the posterior so far."""

    candidates: tuple[str, ...]
    #: needs[q] = the candidates that q needs (q itself included when it is a candidate)
    needs: Mapping[str, frozenset[str]]
    posterior: tuple[float, ...]


@dataclass(frozen=True)
class ProbeResult:
    """The outcome: the root gap (or None when unsure), its posterior, and the probes asked."""

    gap: str | None
    confidence: float
    probes: tuple[tuple[str, bool], ...]


def _entropy(ps: Sequence[float]) -> float:
    return -sum(p * math.log2(p) for p in ps if p > 0)


def _p_correct(state: ProbeState, q: str) -> list[float]:
    """P(correct on q | H_c) for every candidate c."""
    needed = state.needs[q]
    return [GUESS if c in needed else 1.0 - SLIP for c in state.candidates]


def _update(state: ProbeState, q: str, correct: bool) -> ProbeState:
    like = _p_correct(state, q)
    weights = [
        p * (lk if correct else 1.0 - lk) for p, lk in zip(state.posterior, like, strict=True)
    ]
    total = sum(weights)
    posterior = tuple(w / total for w in weights) if total > 0 else state.posterior
    return ProbeState(state.candidates, state.needs, posterior)


def _best_probe(state: ProbeState) -> str | None:
    """The point whose answer is expected to reduce the posterior's entropy the most.

    A point may be probed again (a second item on it is a fresh, independent answer).
    """
    best: tuple[float, str] | None = None
    current = _entropy(state.posterior)
    for q in sorted(state.needs):
        like = _p_correct(state, q)
        p_right = sum(p * lk for p, lk in zip(state.posterior, like, strict=True))
        expected = 0.0
        for correct, p_outcome in ((True, p_right), (False, 1.0 - p_right)):
            if p_outcome > 0:
                expected += p_outcome * _entropy(_update(state, q, correct).posterior)
        gain = current - expected
        if best is None or gain > best[0] + 1e-12:
            best = (gain, q)
    return None if best is None or best[0] <= 1e-9 else best[1]


def initial_state(
    failed: str,
    prerequisites: Mapping[str, Sequence[str]],
    p_known: Mapping[str, float],
    *,
    depth: int = 3,
) -> ProbeState:
    """Candidates: ``failed`` and its prerequisites within ``depth`` hops (``prerequisites``
    maps each point to its direct prerequisites); prior from ``p_known``."""
    layers = prerequisite_layers(
        failed, lambda ids: {q: prerequisites.get(q, ()) for q in ids}, depth
    )
    candidates = [failed, *(kp for layer in layers for kp in layer)]
    chosen = set(candidates)

    def closure(q: str) -> frozenset[str]:
        seen = {q}
        stack = [q]
        while stack:
            for p in prerequisites.get(stack.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return frozenset(seen & chosen)

    needs = {q: closure(q) for q in candidates}
    weights = [max(1.0 - p_known.get(c, 0.5), PRIOR_FLOOR) for c in candidates]
    total = sum(weights)
    return ProbeState(tuple(candidates), needs, tuple(w / total for w in weights))


def probe(
    failed: str,
    prerequisites: Mapping[str, Sequence[str]],
    p_known: Mapping[str, float],
    ask: Callable[[str], bool],
    *,
    max_probes: int = MAX_PROBES,
) -> ProbeResult:
    """Probe until confident or out of probes; ``ask(kp)`` gives the student's answer to an
    item on ``kp`` (True when right)."""
    state = initial_state(failed, prerequisites, p_known)
    asked: list[tuple[str, bool]] = []
    while len(asked) < max_probes and max(state.posterior) < CONFIDENT:
        q = _best_probe(state)
        if q is None:
            break
        correct = ask(q)
        asked.append((q, correct))
        state = _update(state, q, correct)
    best = max(range(len(state.candidates)), key=lambda i: state.posterior[i])
    confidence = state.posterior[best]
    gap = state.candidates[best] if confidence >= CONFIDENT else None
    return ProbeResult(gap, confidence, tuple(asked))
