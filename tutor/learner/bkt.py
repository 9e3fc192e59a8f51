"""Bayesian Knowledge Tracing: the online update and a vectorised EM fit for all skills at once.

Each knowledge point (skill) is a two-state hidden Markov model: the student knows it or not.
``prior`` is P(known) before the first attempt, ``learn`` P(unknown → known) after an
attempt, ``forget`` P(known → unknown) (0 in classic BKT), ``guess`` P(correct | unknown)
and ``slip`` P(wrong | known).

The online engine calls :func:`bkt_update` once per attempt and knowledge point; it is pure
(returns the new probability). With ``guess < 0.5`` and ``slip < 0.5`` (enforced by
:class:`BKTParams` and by the fit) a correct answer is more likely from a student who knows
the point than from one who does not, so the posterior never falls after a correct answer
nor rises after a wrong one; with ``forget = 0`` the learning transition can only raise it,
so mastery never moves the wrong way on a correct answer.

:func:`fit_bkt` is Baum–Welch (EM) over every (student, skill) sequence of a
:class:`~tutor.learner.data.ResponseLog` at once: sequences are packed time-major
(:mod:`tutor.learner.packed`) so that each forward or backward step is one numpy operation
over all sequences that are that long, and the M-step sums per skill with ``np.bincount``.
With ``restarts`` it runs EM again from random starting points and keeps, per skill, the run
with the best training likelihood (as pyBKT's ``num_fits`` does). Each M-step is a MAP step
(``shrink`` pseudo-answers per skill towards the estimate pooled over all skills, see
:data:`SHRINK`): plain maximum likelihood overfits skills (docs/DATA.md).

The exact condition for "a correct answer never lowers P(known)" is ``1 - slip > guess``
(then P(correct | known) > P(correct | unknown)), i.e. ``guess + slip < 1``.
:class:`BKTParams` refuses anything else, and the fit keeps ``guess + slip <= 1 -
min_gap`` with an exact constrained M-step (:func:`_emission_step`). An earlier fit bounded
guess and slip by 0.49 each instead: stricter than the condition, it clipped skills whose
students really do guess right more often than not (multiple-choice and easy items: 24 of
ASSIST2015's 100 skills have an unconstrained guess above 0.5) and lost to pyBKT, which
bounds nothing, on data with many such skills (docs/DATA.md, "BKT against pyBKT").
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError
from tutor.learner.data import ResponseLog
from tutor.learner.estimator import EstimatorOptions, ProgressFn
from tutor.learner.packed import Packing, pack

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Probabilities are kept this far from 0 and 1 so that every state stays reachable
#: (the backward pass divides by predicted probabilities).
EPS = 1e-6
#: The fit keeps every skill's ``(1 - slip) - guess`` at least this large: a right answer is
#: then always evidence of knowing (the condition above, with a margin that keeps a skill
#: from becoming uninformative). A model choice made on held-out data: trained on
#: ASSIST2015 folds 1-4 and scored on fold 0 (never on the test file); see
#: :data:`MIN_GAP_CHOICE`.
MIN_GAP = 0.05
#: Validation AUCs (ASSIST2015, folds 1-4 → fold 0, plain BKT) that chose :data:`MIN_GAP`
#: (any margin from 0.01 to 0.1 gives the same; 0.5 is the old bounds' sum). The old bounds
#: (guess, slip ≤ 0.49 each) gave 0.70486, 0.45 each 0.70473, 0.3 each 0.70287.
MIN_GAP_CHOICE = {0.5: 0.70406, 0.2: 0.70505, 0.1: 0.70505, 0.05: 0.70505, 0.01: 0.70505}
#: Upper bounds on guess and slip on their own: none by default (the gap is the bound);
#: kept so that a caller can impose tighter ones.
MAX_GUESS = 1.0 - 1e-6
MAX_SLIP = 1.0 - 1e-6
#: EM iterations at most. Skills stop on their own tolerance (see :func:`fit_bkt`); on
#: ASSIST2015 the slowest of 100 skills needs about 200 iterations (BKT+forget too).
MAX_ITER = 300
TINY = 1e-300
#: Pseudo-answers per skill pulling each M-step towards the estimate pooled over all skills
#: (MAP-EM, see :func:`fit_bkt`); 0 is plain maximum likelihood. Chosen by 5-fold
#: cross-validation on ASSIST2015's training file (pyKT folds; the test file never seen):
#: see :data:`SHRINK_CHOICE`. 10 and 20 tie on AUC; 10 has the better validation
#: likelihood and is the weaker prior. :class:`BKTEstimator` still checks it against 0 on
#: each training log (:func:`choose_shrink`): on data whose skills really differ the pull
#: costs.
SHRINK = 10.0
#: Pooled validation AUC and log-likelihood per response of plain BKT (5 folds, each
#: trained on the other four) for each ``shrink``. Fitting EM to a tighter tolerance
#: (1e-7, 1e-8 per response) instead lowered both (0.704201, 0.704189): maximum likelihood
#: overfits some skills, and pseudo-answers are the principled brake. BKT+forget: shrink 0
#: 0.706843, 10 0.707167 (better on all five folds).
SHRINK_CHOICE = {
    0.0: (0.704258, -0.526848),
    3.0: (0.704325, -0.526810),
    5.0: (0.704353, -0.526795),
    10.0: (0.704397, -0.526777),
    20.0: (0.704406, -0.526785),
    30.0: (0.704367, -0.526822),
    100.0: (0.703747, -0.527306),
    300.0: (0.701673, -0.528817),
}


@dataclass(frozen=True)
class BKTParams:
    """The BKT parameters of one knowledge point (see the module docstring)."""

    prior: float = 0.3
    learn: float = 0.1
    guess: float = 0.2
    slip: float = 0.1
    forget: float = 0.0

    def __post_init__(self) -> None:
        for name in ("prior", "learn", "guess", "slip", "forget"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0 or math.isnan(value):
                raise InputError(f"BKT {name} must be a probability in [0, 1], got {value}")
        if self.guess + self.slip >= 1.0:
            raise InputError(
                f"BKT guess ({self.guess}) and slip ({self.slip}) must add up to less than 1 "
                "(a right answer must be likelier from a student who knows the point), or a "
                "correct answer would lower mastery; refit with fit_bkt's min_gap"
            )


def p_correct(params: BKTParams, p_known: float) -> float:
    """P(the next answer is correct) for a student who knows the point with ``p_known``."""
    return p_known * (1.0 - params.slip) + (1.0 - p_known) * params.guess


def bkt_posterior(params: BKTParams, p_known: float, correct: bool) -> float:
    """P(known | this answer): Bayes' rule on one observation, before any learning."""
    if correct:
        known, unknown = p_known * (1.0 - params.slip), (1.0 - p_known) * params.guess
    else:
        known, unknown = p_known * params.slip, (1.0 - p_known) * (1.0 - params.guess)
    total = known + unknown
    # Only possible with p_known at 0 or 1 and a zero guess/slip: the answer cannot happen
    # under the model, so it carries no usable evidence.
    return p_known if total <= 0.0 else known / total


def bkt_update(params: BKTParams, p_known: float, correct: bool) -> float:
    """The new P(known) after one answer: the posterior, then the learn/forget transition.

    Pure: returns the new probability for the state to store. Raises :class:`InputError` on a
    probability outside [0, 1].
    """
    if not 0.0 <= p_known <= 1.0:
        raise InputError(f"p_known must be in [0, 1], got {p_known}")
    post = bkt_posterior(params, p_known, correct)
    return post * (1.0 - params.forget) + (1.0 - post) * params.learn


@dataclass(frozen=True)
class BKTModel:
    """Fitted BKT parameters of every skill, as arrays indexed by skill id."""

    prior: FloatArray
    learn: FloatArray
    guess: FloatArray
    slip: FloatArray
    forget: FloatArray

    @property
    def n_skills(self) -> int:
        """Number of skills the arrays cover."""
        return len(self.prior)

    def params(self, skill: int) -> BKTParams:
        """The parameters of one skill, for :func:`bkt_update`."""
        return BKTParams(
            prior=float(self.prior[skill]),
            learn=float(self.learn[skill]),
            guess=float(self.guess[skill]),
            slip=float(self.slip[skill]),
            forget=float(self.forget[skill]),
        )

    @classmethod
    def uniform(cls, n_skills: int, params: BKTParams | None = None) -> BKTModel:
        """Every skill with the same parameters (the starting point of the fit)."""
        p = params or BKTParams()

        def full(value: float) -> FloatArray:
            return np.full(n_skills, value, dtype=np.float64)

        return cls(full(p.prior), full(p.learn), full(p.guess), full(p.slip), full(p.forget))


@dataclass(frozen=True)
class BKTFit:
    """The result of :func:`fit_bkt`: the model and how EM got there."""

    model: BKTModel
    #: Mean log-likelihood per response at each EM iteration, the restarts one after another.
    log_likelihood: list[float] = field(default_factory=list)
    #: Whether every restart stopped on the tolerance rather than on ``max_iter``.
    converged: bool = False
    restarts: int = 1
    #: Mean training log-likelihood per response of the returned (per-skill best) model.
    final_log_likelihood: float = float("nan")
    #: Pseudo-answers per skill of the MAP step (0: maximum likelihood).
    shrink: float = SHRINK

    @property
    def iterations(self) -> int:
        """Number of EM iterations (E-steps) run, over all restarts."""
        return len(self.log_likelihood)

    def predict_proba(self, data: ResponseLog) -> FloatArray:
        """P(correct) of every response given the earlier ones (:func:`predict_bkt`)."""
        return predict_bkt(self.model, data)

    def details(self) -> dict[str, Any]:
        """EM iterations, convergence and the final training log-likelihood per response."""
        return {
            "iterations": self.iterations,
            "converged": self.converged,
            "train_ll": self.final_log_likelihood,
            "shrink": self.shrink,
        }


@dataclass(frozen=True)
class _Chains:
    """Every (student, skill) sequence of a log, packed time-major."""

    packing: Packing
    skill: IntArray  # skill of each packed position
    correct: FloatArray  # 0/1 of each packed position
    n_skills: int
    #: The responses in the log's order: the chain key (student, skill) of each, its skill
    #: and 0/1 (to pack the chains of some skills only, :func:`_only_skills`).
    keys: IntArray
    raw_skill: IntArray
    raw_correct: FloatArray


def _chains(data: ResponseLog, n_skills: int) -> _Chains:
    keys = data.student_of * n_skills + data.skills
    return _packed(keys, data.skills, data.correct.astype(np.float64), n_skills)


def _packed(keys: IntArray, skills: IntArray, correct: FloatArray, n_skills: int) -> _Chains:
    uniq, groups = np.unique(keys, return_inverse=True)
    packing = pack(groups.astype(np.int64), len(uniq))
    return _Chains(
        packing, skills[packing.order], correct[packing.order], n_skills, keys, skills, correct
    )


def _only_skills(ch: _Chains, keep: npt.NDArray[np.bool_]) -> _Chains:
    """The chains of the skills where ``keep`` holds, packed anew (order kept)."""
    mine = keep[ch.raw_skill]
    return _packed(ch.keys[mine], ch.raw_skill[mine], ch.raw_correct[mine], ch.n_skills)


class _KeptSums:
    """Per-skill sums of named quantities, where the skills outside the work set keep the
    sums of their last E-step (see :func:`_em`)."""

    def __init__(self, n_skills: int) -> None:
        self.n_skills = n_skills
        self.last: dict[str, FloatArray] = {}

    def counter(
        self, skill: IntArray, in_work: npt.NDArray[np.bool_]
    ) -> Callable[[FloatArray, str], FloatArray]:
        """``count(weights, name)``: the per-skill sums of ``weights`` over positions of
        ``skill``, the kept sum for skills not ``in_work``."""

        def count(weights: FloatArray, name: str) -> FloatArray:
            fresh = np.bincount(skill, weights=weights, minlength=self.n_skills)
            out = np.where(in_work, fresh.astype(np.float64), self.last.get(name, fresh))
            self.last[name] = out
            return out

        return count


@dataclass(frozen=True)
class _Work:
    """The chains an E-step runs on, and what the M-step's counts need of their layout."""

    chains: _Chains
    in_work: npt.NDArray[np.bool_]  # the skills these chains hold
    src: IntArray  # packed positions with a successor in their chain (all but the last)
    dst: IntArray  # ... and their successors' positions
    has_next: FloatArray  # 1.0 at the positions of src
    at_first: FloatArray  # 1.0 at each chain's first position

    @classmethod
    def of(cls, ch: _Chains) -> _Work:
        pk, n = ch.packing, len(ch.skill)
        next_pos = np.full(n, -1, dtype=np.int64)
        for t in range(pk.n_steps - 1):
            blk, nxt = pk.block(t), pk.block(t + 1)
            next_pos[blk.start : blk.start + (nxt.stop - nxt.start)] = np.arange(
                nxt.start, nxt.stop
            )
        src = np.flatnonzero(next_pos >= 0)
        has_next, at_first = np.zeros(n), np.zeros(n)
        has_next[src] = 1.0
        at_first[pk.block(0)] = 1.0
        in_work = np.bincount(ch.skill, minlength=ch.n_skills) > 0
        return cls(ch, in_work, src, next_pos[src], has_next, at_first)


def _forward(model: BKTModel, ch: _Chains) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Predicted P(known) before each response, filtered P(known) after it, and P(response)."""
    pk = ch.packing
    k, c = ch.skill, ch.correct
    guess, slip = model.guess[k], model.slip[k]
    learn, forget = model.learn[k], model.forget[k]
    e_known = np.where(c > 0, 1.0 - slip, slip)
    e_unknown = np.where(c > 0, guess, 1.0 - guess)
    n = len(k)
    pred = np.empty(n)
    filt = np.empty(n)
    lik = np.empty(n)
    if n == 0:
        return pred, filt, lik
    first = pk.block(0)
    a = model.prior[k[first]].copy()
    for t in range(pk.n_steps):
        blk = pk.block(t)
        a = a[: pk.batch_sizes[t]]
        pred[blk] = a
        num = a * e_known[blk]
        norm = num + (1.0 - a) * e_unknown[blk]
        lik[blk] = norm
        f = num / norm
        filt[blk] = f
        a = f * (1.0 - forget[blk]) + (1.0 - f) * learn[blk]
    return pred, filt, lik


def fit_bkt(
    data: ResponseLog,
    *,
    n_skills: int | None = None,
    max_iter: int = MAX_ITER,
    tol: float = 1e-6,
    max_guess: float = MAX_GUESS,
    max_slip: float = MAX_SLIP,
    min_gap: float = MIN_GAP,
    fit_forget: bool = False,
    init: BKTParams | None = None,
    restarts: int = 1,
    seed: int = 0,
    shrink: float = SHRINK,
    on_iteration: Callable[[int, float], None] | None = None,
) -> BKTFit:
    """Fit BKT parameters for every skill by EM (Baum–Welch), all skills at once.

    Each skill stops when its mean log-likelihood per response improves by less than ``tol``
    (and keeps its parameters from then on); EM ends when every skill has, or after
    ``max_iter`` iterations. Each M-step maximises over ``guess + slip <= 1 - min_gap``
    (so ``1 - slip > guess``: a right answer never lowers P(known)), ``guess <= max_guess``
    and ``slip <= max_slip`` exactly (:func:`_emission_step`); ``forget`` stays 0 unless
    ``fit_forget``. Skills without responses keep the ``init`` parameters.

    EM only finds a local optimum, so with ``restarts > 1`` it is run again from random
    starting points (drawn with ``seed``; the first run always starts from ``init``) and
    each skill keeps the run with the highest training log-likelihood *on that skill* —
    skills are independent models, so choosing per skill is exact and never worse than
    choosing one run for all. ``on_iteration(i, mean_log_likelihood)`` is called after each
    iteration, ``i`` counting on across restarts (progress).

    ``shrink`` (pseudo-answers, 0 for plain maximum likelihood) makes each M-step a MAP
    step: every skill's expected counts get ``shrink`` extra answers that follow the
    pooled estimate over all skills (:func:`_pooled_counts`), so a skill moves away from
    the average skill only as far as its own answers warrant.
    """
    if not (0.0 < max_guess < 1.0 and 0.0 < max_slip < 1.0):
        raise InputError(f"max_guess and max_slip must be in (0, 1), got {max_guess}, {max_slip}")
    if not 0.0 < min_gap < 1.0:
        raise InputError(
            f"min_gap must be in (0, 1), got {min_gap}: guess + slip must stay below 1, or a "
            "right answer would lower mastery"
        )
    start_model = BKTModel.uniform(1, init)
    if start_model.guess[0] + start_model.slip[0] > 1.0 - min_gap:
        raise InputError("the starting guess + slip must be at most 1 - min_gap")
    if restarts < 1:
        raise InputError(f"restarts must be at least 1, got {restarts}")
    if not (shrink >= 0.0 and math.isfinite(shrink)):
        raise InputError(f"shrink must be a number of pseudo-answers >= 0, got {shrink}")
    if data.n_responses == 0:
        raise InputError("cannot fit BKT on an empty response log")
    n_skills = max(n_skills or 0, data.n_skills)
    ch = _chains(data, n_skills)
    rng = np.random.default_rng(seed)
    base = BKTModel.uniform(n_skills, init)
    bounds = _Bounds(max_guess, max_slip, 1.0 - min_gap)
    best: BKTModel | None = None
    best_ll = np.full(n_skills, -np.inf)
    history: list[float] = []
    converged = True
    done = 0
    for run in range(restarts):
        start = base if run == 0 else _random_start(base, rng, bounds)

        def progress(i: int, ll: float, offset: int = done) -> None:
            if on_iteration is not None:
                on_iteration(offset + i, ll)

        model, run_history, run_converged, skill_ll = _em(
            ch, start, max_iter, tol, bounds, fit_forget, progress, shrink
        )
        done += len(run_history)
        history.extend(run_history)
        converged = converged and run_converged
        better = skill_ll > best_ll
        best_ll = np.where(better, skill_ll, best_ll)
        best = model if best is None else _choose(better, model, best)
        log.info(
            "BKT EM run %d: %d iterations, mean log-likelihood %.5f",
            run,
            len(run_history),
            run_history[-1],
        )
    assert best is not None  # restarts >= 1
    final = float(np.log(_forward(best, ch)[2]).sum()) / len(ch.skill)
    return BKTFit(best, history, converged, restarts, final, shrink)


def _random_start(base: BKTModel, rng: np.random.Generator, bounds: _Bounds) -> BKTModel:
    """A random starting point per skill, inside the bounds (about the ranges pyBKT draws
    from: guess below 0.4, slip below 0.3)."""
    n = base.n_skills

    def draw(lo: float, hi: float) -> FloatArray:
        return rng.uniform(lo, hi, n)

    guess = draw(0.01, min(0.4, bounds.guess))
    slip = np.minimum(draw(0.01, min(0.3, bounds.slip)), bounds.total - guess)
    return BKTModel(
        prior=draw(0.05, 0.95),
        learn=draw(0.01, 0.5),
        guess=guess,
        slip=slip,
        forget=base.forget.copy(),
    )


def _choose(mask: npt.NDArray[np.bool_], a: BKTModel, b: BKTModel) -> BKTModel:
    """Per skill, ``a``'s parameters where ``mask`` holds, else ``b``'s."""
    return BKTModel(
        prior=np.where(mask, a.prior, b.prior),
        learn=np.where(mask, a.learn, b.learn),
        guess=np.where(mask, a.guess, b.guess),
        slip=np.where(mask, a.slip, b.slip),
        forget=np.where(mask, a.forget, b.forget),
    )


@dataclass(frozen=True)
class _Bounds:
    """Where guess and slip may lie: each up to its own bound, their sum up to ``total``."""

    guess: float
    slip: float
    total: float


def _emission_step(
    guess_right: FloatArray,
    guess_wrong: FloatArray,
    slip_wrong: FloatArray,
    slip_right: FloatArray,
    bounds: _Bounds,
) -> tuple[FloatArray, FloatArray]:
    """The M-step for guess and slip of every skill, from the expected counts of right and
    wrong answers in the unknown state (``guess_right``, ``guess_wrong``) and in the known
    state (``slip_wrong``, ``slip_right``): the exact maximiser of

        R_u log g + W_u log(1 - g) + W_k log s + R_k log(1 - s)

    over ``EPS <= g <= bounds.guess``, ``EPS <= s <= bounds.slip``, ``g + s <= bounds.total``.

    The objective is concave and separable, so clipping each ratio to its own box is the
    optimum of the box alone; where that point breaks the sum constraint, the optimum lies
    on the line ``g + s = total``, where the derivative in ``g`` falls monotonically and
    bisection finds its zero. A skill without answers in a state (0/0) gets the midpoint of
    its range, which the caller replaces by the old value for skills never seen.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.clip(guess_right / (guess_right + guess_wrong), EPS, bounds.guess)
        s = np.clip(slip_wrong / (slip_wrong + slip_right), EPS, bounds.slip)
    g = np.where(np.isfinite(g), g, 0.5 * min(bounds.guess, bounds.total))
    s = np.where(np.isfinite(s), s, 0.5 * min(bounds.slip, bounds.total))
    over = g + s > bounds.total
    if not over.any():
        return g, s
    total = bounds.total
    ru, wu, wk, rk = (x[over] for x in (guess_right, guess_wrong, slip_wrong, slip_right))
    # g on the line ranges where both g and s = total - g stay inside their own boxes.
    lo = np.full(len(ru), max(EPS, total - bounds.slip))
    hi = np.full(len(ru), min(bounds.guess, total - EPS))

    def slope(x: FloatArray) -> FloatArray:
        y = total - x
        out: FloatArray = ru / x - wu / (1.0 - x) - wk / y + rk / (1.0 - y)
        return out

    a, b = lo.copy(), hi.copy()
    for _ in range(60):  # halves [a, b] each time: 60 steps reach float precision
        mid = 0.5 * (a + b)
        rising = slope(mid) > 0.0
        a = np.where(rising, mid, a)
        b = np.where(rising, b, mid)
    line_g = 0.5 * (a + b)
    g, s = g.copy(), s.copy()
    g[over] = line_g
    s[over] = total - line_g
    return g, s


def _em(
    ch: _Chains,
    model: BKTModel,
    max_iter: int,
    tol: float,
    bounds: _Bounds,
    fit_forget: bool,
    on_iteration: Callable[[int, float], None],
    shrink: float = 0.0,
) -> tuple[BKTModel, list[float], bool, FloatArray]:
    """One EM run from ``model``: the fitted model, the mean log-likelihood of each
    iteration, whether it converged, and the final per-skill training log-likelihood."""
    n_skills = ch.n_skills
    n = len(ch.skill)
    size = np.bincount(ch.skill, minlength=n_skills)
    seen = size > 0
    # Skills still being fitted. Each skill is its own model, so each stops on its own
    # tolerance (per response of that skill) and is then frozen: a stopping rule on the
    # mean over all skills would stop a slow skill as soon as the many fast ones are done,
    # diluting its gain by (all responses / its responses) — about 100x on ASSIST data.
    active = seen.copy()
    skill_mean = np.full(n_skills, -np.inf)
    history: list[float] = []
    converged = False
    # A frozen skill's parameters no longer change, so neither do its log-likelihood and
    # its expected counts (which the pooled MAP step still reads): they are kept from its
    # last E-step, and the E-step runs on the chains of the skills still being fitted
    # (packed anew when they hold at most half the responses in work). Most skills stop
    # early, so this is several times faster on ASSIST-sized logs; the result is the same.
    work = _Work.of(ch)
    skill_ll = np.zeros(n_skills)
    kept = _KeptSums(n_skills)
    for it in range(max_iter + 1):
        if it > 0 and 2 * int(size[active].sum()) <= len(work.chains.skill):
            work = _Work.of(_only_skills(ch, active))
        pk = work.chains.packing
        k, c = work.chains.skill, work.chains.correct
        src, dst, has_next, at_first = work.src, work.dst, work.has_next, work.at_first
        count = kept.counter(k, work.in_work)

        pred, filt, lik = _forward(model, work.chains)
        log_lik = np.log(lik)
        skill_ll = count(log_lik, "ll")
        mean_ll = float(skill_ll.sum()) / n
        history.append(mean_ll)
        on_iteration(it, mean_ll)
        with np.errstate(invalid="ignore", divide="ignore"):
            new_mean = skill_ll / size
        if it > 0:
            active &= new_mean - skill_mean >= tol
        skill_mean = new_mean
        if not active.any():
            converged = True
            break
        if it == max_iter:  # the last model has been scored; no further M-step
            break
        # Backward smoothing (forward-filter / backward-smoother form of the 2-state HMM):
        # gamma[t] = P(known at t | the whole chain).
        gamma = filt.copy()
        learn, forget = model.learn[k], model.forget[k]
        for t in range(pk.n_steps - 2, -1, -1):
            blk, nxt = pk.block(t), pk.block(t + 1)
            m = nxt.stop - nxt.start
            cur = slice(blk.start, blk.start + m)
            g_next, a_next = gamma[nxt], pred[nxt]
            # a_next can round to exactly 0 or 1 (then g_next equals it): 0/0 must read as 0.
            ratio_known = g_next / np.maximum(a_next, TINY)
            ratio_unknown = (1.0 - g_next) / np.maximum(1.0 - a_next, TINY)
            f = filt[cur]
            gamma[cur] = f * ((1.0 - forget[cur]) * ratio_known + forget[cur] * ratio_unknown)
        # Expected transitions, for the positions that have a successor.
        ratio_known = gamma[dst] / np.maximum(pred[dst], TINY)
        ratio_unknown = (1.0 - gamma[dst]) / np.maximum(1.0 - pred[dst], TINY)
        xi_learn = np.zeros(len(k))
        xi_forget = np.zeros(len(k))
        xi_learn[src] = (1.0 - filt[src]) * learn[src] * ratio_known
        xi_forget[src] = filt[src] * forget[src] * ratio_unknown
        g_known = gamma
        g_unknown = 1.0 - gamma
        # Expected counts per skill: (events, chances) of each parameter's Bernoulli.
        prior_n, prior_d = count(gamma * at_first, "prior_n"), count(at_first, "prior_d")
        learn_n, learn_d = count(xi_learn, "learn_n"), count(g_unknown * has_next, "learn_d")
        forget_n, forget_d = count(xi_forget, "forget_n"), count(g_known * has_next, "forget_d")
        guess_r, guess_w = count(g_unknown * c, "guess_r"), count(g_unknown * (1.0 - c), "guess_w")
        slip_w, slip_r = count(g_known * (1.0 - c), "slip_w"), count(g_known * c, "slip_r")
        if shrink > 0.0:
            prior_n, prior_d = _pooled_counts(prior_n, prior_d, shrink)
            learn_n, learn_d = _pooled_counts(learn_n, learn_d, shrink)
            forget_n, forget_d = _pooled_counts(forget_n, forget_d, shrink)
            guess_r, guess_d = _pooled_counts(guess_r, guess_r + guess_w, shrink)
            guess_w = guess_d - guess_r
            slip_w, slip_d = _pooled_counts(slip_w, slip_w + slip_r, shrink)
            slip_r = slip_d - slip_w
        with np.errstate(invalid="ignore", divide="ignore"):
            prior = prior_n / prior_d
            new_learn = learn_n / learn_d
            new_forget = forget_n / forget_d
        guess, slip = _emission_step(guess_r, guess_w, slip_w, slip_r, bounds)

        def keep(new: FloatArray, old: FloatArray, hi: float = 1.0 - EPS) -> FloatArray:
            # Skills without evidence for a parameter (0/0) keep the old value.
            return np.clip(np.where(np.isfinite(new) & seen, new, old), EPS, hi)

        updated = BKTModel(
            prior=keep(prior, model.prior),
            learn=keep(new_learn, model.learn),
            guess=np.where(seen, guess, model.guess),
            slip=np.where(seen, slip, model.slip),
            forget=keep(new_forget, model.forget) if fit_forget else model.forget,
        )
        model = _choose(active, updated, model)  # converged skills stay where they stopped
    return model, history, converged, skill_ll


def _pooled_counts(
    events: FloatArray, chances: FloatArray, shrink: float
) -> tuple[FloatArray, FloatArray]:
    """Expected counts with ``shrink`` pseudo-chances added to every skill, of which the
    pooled share (all skills' events over all skills' chances) are events: the M-step
    ``events / chances`` becomes the MAP estimate under a Beta prior centred on the
    pooled estimate (empirical Bayes; a skill with many answers barely moves)."""
    total = float(chances.sum())
    rate = float(events.sum()) / total if total > 0.0 else 0.5
    return events + shrink * rate, chances + shrink


#: The ``shrink`` values :func:`choose_shrink` compares (plain maximum likelihood and
#: :data:`SHRINK`), and the number of folds of students it compares them on.
SHRINK_GRID = (0.0, SHRINK)
CV_FOLDS = 5


def choose_shrink(
    data: ResponseLog,
    *,
    n_skills: int | None = None,
    grid: tuple[float, ...] = SHRINK_GRID,
    folds: int = CV_FOLDS,
    fit_forget: bool = False,
    max_iter: int = MAX_ITER,
    seed: int = 0,
) -> tuple[float, dict[float, float]]:
    """The ``shrink`` of ``grid`` with the best cross-validated log-likelihood on ``data``.

    Students are dealt into ``folds`` seeded folds; each value is fitted on all folds but
    one and scored (mean log-likelihood per response of the held-out students' answers,
    each predicted from their earlier ones) on that one. How far skills should be pulled
    towards the average skill depends on the data: on ASSIST2015 the pull helps, on data
    whose skills really differ (the ``high-guess`` fixture of ``benchmarks/bkt_fixtures.py``)
    it costs, so each training log decides for itself. Returns the chosen value and the
    score of each; with fewer students than folds, :data:`SHRINK` and no scores.
    """
    if not grid:
        raise InputError("choose_shrink needs at least one shrink value to compare")
    n_skills = max(n_skills or 0, data.n_skills)
    if data.n_students < max(folds, 2):
        return SHRINK, {}
    fold_of = np.random.default_rng(seed).permutation(data.n_students) % folds
    scores: dict[float, float] = {}
    for value in grid:
        total, count = 0.0, 0
        for f in range(folds):
            train, held = data.select(fold_of != f), data.select(fold_of == f)
            model = fit_bkt(
                train, n_skills=n_skills, fit_forget=fit_forget, max_iter=max_iter, shrink=value
            ).model
            p = np.clip(predict_bkt(model, held), EPS, 1.0 - EPS)
            y = held.correct
            total += float(np.sum(np.where(y > 0, np.log(p), np.log1p(-p))))
            count += len(y)
        scores[value] = total / count
    best = max(grid, key=lambda v: scores[v])
    return best, scores


def predict_bkt(model: BKTModel, data: ResponseLog) -> FloatArray:
    """P(correct) of every response of ``data`` given the same student's earlier answers on
    the same skill (the first answer on a skill is predicted from the prior)."""
    if data.n_responses and data.n_skills > model.n_skills:
        raise InputError("the log has skills the BKT model was not fitted on")
    ch = _chains(data, model.n_skills)
    pred, _, _ = _forward(model, ch)
    k = ch.skill
    p = pred * (1.0 - model.slip[k]) + (1.0 - pred) * model.guess[k]
    out: FloatArray = p[ch.packing.position]
    return out


@dataclass(frozen=True)
class BKTEstimator:
    """BKT behind the estimator contract (:mod:`tutor.learner.estimator`): EM over every
    skill with :func:`fit_bkt`; ``forget`` also fits a per-skill forgetting rate.
    ``shrink`` None (the default) chooses it on the training log (:func:`choose_shrink`)."""

    forget: bool = False
    max_iter: int = MAX_ITER
    shrink: float | None = None
    kind: Literal["kt"] = field(default="kt", init=False)

    def fit(
        self,
        data: ResponseLog,
        *,
        n_skills: int | None = None,
        seed: int = 0,
        on_progress: ProgressFn | None = None,
    ) -> BKTFit:
        """Fit by EM; progress counts EM iterations (at most ``max_iter + 1``)."""
        task = "BKT+forget EM iterations" if self.forget else "BKT EM iterations"
        total = self.max_iter + 1

        def on_iteration(i: int, _ll: float) -> None:
            if on_progress is not None:
                on_progress(task, i + 1, total)

        shrink = self.shrink
        if shrink is None:
            shrink, _ = choose_shrink(
                data, n_skills=n_skills, fit_forget=self.forget, max_iter=self.max_iter, seed=seed
            )
        fit = fit_bkt(
            data,
            n_skills=n_skills,
            max_iter=self.max_iter,
            fit_forget=self.forget,
            seed=seed,
            shrink=shrink,
            on_iteration=on_iteration,
        )
        return replace(fit, shrink=shrink)


def bkt_estimator(_options: EstimatorOptions) -> BKTEstimator:
    """Classic BKT (no forgetting), as the engine uses it: registered as ``bkt``."""
    return BKTEstimator(forget=False)


def bkt_forget_estimator(_options: EstimatorOptions) -> BKTEstimator:
    """BKT with a fitted per-skill forgetting rate (pyBKT's ``forgets=True``): better
    predictions, but the engine keeps classic BKT so that a right answer never lowers
    mastery. Registered as ``bkt-forget``."""
    return BKTEstimator(forget=True)
