"""Elo ratings for students and items, and a batch 1PL (Rasch) refit of item difficulty.

The probability that a student of ability ``θ`` answers an item of difficulty ``d`` is the
Rasch/1PL curve ``σ(θ − d)``. Online, after each answer both ratings move by
``K · (correct − expected)``, in opposite directions; ``K`` shrinks with the number of
answers a rating has seen, ``K(n) = alpha / (1 + beta · n)`` (Pelánek's uncertainty
function), so new ratings move fast and settled ones slowly. :func:`elo_update` is that
step, pure. From time to time the difficulties are refitted in batch from the whole
attempt log by joint maximum likelihood (:func:`fit_difficulty`), which online Elo only
approximates.

For knowledge tracing on data with skills but no item ids (ASSIST2015) the "items" are the
skills, and a student has a global ability plus one offset per skill:
``P(correct) = σ(θ_s + θ_sk − d_k)`` (Pelánek 2016, "concept-specific" Elo). Both ability
terms are updated after each answer; the difficulties come from the batch fit.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError
from tutor.learner.data import ResponseLog
from tutor.learner.estimator import EstimatorOptions, ProgressFn
from tutor.learner.packed import pack

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Rating:
    """An Elo rating (a student's ability or an item's difficulty, on the logit scale) and
    the number of answers it has been updated with."""

    value: float = 0.0
    count: int = 0


@dataclass(frozen=True)
class EloParams:
    """Step sizes: ``K(n) = alpha / (1 + beta · n)`` for students, ``item_alpha`` for items."""

    alpha: float = 1.0
    beta: float = 0.05
    item_alpha: float = 0.5

    def __post_init__(self) -> None:
        if self.alpha < 0 or self.beta < 0 or self.item_alpha < 0:
            raise InputError("Elo step sizes alpha, beta and item_alpha must be non-negative")


def expected(ability: float, difficulty: float) -> float:
    """P(correct) = σ(ability − difficulty)."""
    x = ability - difficulty
    # Two branches so that exp never overflows for large |x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def step_size(alpha: float, beta: float, count: int) -> float:
    """Pelánek's uncertainty function ``alpha / (1 + beta · count)``."""
    return alpha / (1.0 + beta * count)


def elo_update(
    params: EloParams, student: Rating, item: Rating, correct: bool
) -> tuple[Rating, Rating]:
    """The student's and the item's ratings after one answer (pure; returns new ratings).

    A correct answer raises the student's ability and lowers the item's difficulty; a wrong
    one does the opposite. Each moves by its own ``K(n) · |correct − expected|``.
    """
    surprise = float(correct) - expected(student.value, item.value)
    k_student = step_size(params.alpha, params.beta, student.count)
    k_item = step_size(params.item_alpha, params.beta, item.count)
    return (
        Rating(student.value + k_student * surprise, student.count + 1),
        Rating(item.value - k_item * surprise, item.count + 1),
    )


def _sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))  # tanh form: never overflows
    return out


def fit_difficulty(
    data: ResponseLog,
    *,
    n_skills: int | None = None,
    l2: float = 0.01,
    max_iter: int = 50,
    tol: float = 1e-6,
) -> FloatArray:
    """Batch refit of skill (item) difficulties: a 1PL/Rasch model by joint maximum likelihood.

    Maximises ``Σ log P(correct | θ_student − d_skill)`` with a small L2 penalty (which keeps
    perfect-score students finite) by alternating one Newton step on all abilities and one on
    all difficulties, each vectorised with ``np.bincount``. Returns ``d`` indexed by skill,
    centred on the response-weighted mean ability so that a new student starts at 0.
    """
    if data.n_responses == 0:
        raise InputError("cannot fit difficulties on an empty response log")
    n_skills = max(n_skills or 0, data.n_skills)
    student, skill = data.student_of, data.skills
    c = data.correct.astype(np.float64)
    theta = np.zeros(data.n_students)
    d = np.zeros(n_skills)
    prev = -np.inf
    for it in range(max_iter):
        for side in ("theta", "d"):
            p = _sigmoid(theta[student] - d[skill])
            w = p * (1.0 - p)
            if side == "theta":
                grad = np.bincount(student, c - p, len(theta)) - l2 * theta
                hess = np.bincount(student, w, len(theta)) + l2
                theta = theta + grad / hess
            else:
                grad = np.bincount(skill, p - c, n_skills) - l2 * d
                hess = np.bincount(skill, w, n_skills) + l2
                d = d + grad / hess
        p = _sigmoid(theta[student] - d[skill])
        ll = float(np.mean(c * np.log(p + 1e-12) + (1 - c) * np.log(1 - p + 1e-12)))
        if ll - prev < tol:
            log.info("1PL refit converged after %d iterations (mean ll %.5f)", it + 1, ll)
            break
        prev = ll
    # The scale's origin is arbitrary: put the average student at 0.
    shift = float(np.mean(theta[student]))
    centred: FloatArray = d - shift
    return centred


@dataclass(frozen=True)
class EloKTParams:
    """Hyperparameters of concept-specific Elo for knowledge tracing."""

    alpha: float = 0.5  # step size of the global ability
    alpha_skill: float = 1.0  # step size of the per-skill ability offsets
    beta: float = 0.05


@dataclass(frozen=True)
class EloModel:
    """Skill difficulties (from the batch fit) and the online step sizes."""

    difficulty: FloatArray
    params: EloKTParams

    @property
    def n_skills(self) -> int:
        """Number of skills the difficulties cover."""
        return len(self.difficulty)

    def predict_proba(self, data: ResponseLog) -> FloatArray:
        """P(correct) of every response given the earlier ones (:func:`predict_elo`)."""
        return predict_elo(self, data)

    def details(self) -> dict[str, Any]:
        """The step sizes chosen."""
        return {
            "alpha": self.params.alpha,
            "alpha_skill": self.params.alpha_skill,
            "beta": self.params.beta,
        }


def predict_elo(model: EloModel, data: ResponseLog) -> FloatArray:
    """P(correct) of every response given the student's earlier responses (all skills).

    Every student starts at ability 0 with zero offsets and is updated online after each
    answer; all students advance one answer per numpy step (time-major packing).
    """
    if data.n_responses and data.n_skills > model.n_skills:
        raise InputError("the log has skills the Elo model was not fitted on")
    prm = model.params
    packing = pack(data.student_of, data.n_students)
    skills = data.skills[packing.order]
    c = data.correct[packing.order].astype(np.float64)
    n_slots = data.n_students
    theta = np.zeros(n_slots)
    offset = np.zeros((n_slots, model.n_skills))
    count_skill = np.zeros((n_slots, model.n_skills))
    out = np.empty(len(skills))
    for t in range(packing.n_steps):
        blk = packing.block(t)
        rows = np.arange(packing.batch_sizes[t])
        k = skills[blk]
        p = _sigmoid(theta[rows] + offset[rows, k] - model.difficulty[k])
        out[blk] = p
        surprise = c[blk] - p
        # Every active student has answered exactly t questions so far.
        theta[rows] += prm.alpha / (1.0 + prm.beta * t) * surprise
        n_sk = count_skill[rows, k]
        offset[rows, k] += prm.alpha_skill / (1.0 + prm.beta * n_sk) * surprise
        count_skill[rows, k] = n_sk + 1.0
    result: FloatArray = out[packing.position]
    return result


#: The grid :func:`fit_elo` searches on the validation students.
ELO_GRID: dict[str, tuple[float, ...]] = {
    "alpha": (0.1, 0.3, 0.6),
    "alpha_skill": (0.15, 0.3, 0.6),
    "beta": (0.01, 0.05, 0.2),
}


def fit_elo(
    data: ResponseLog,
    *,
    n_skills: int | None = None,
    val_fold: int | None = 0,
    on_candidate: Callable[[EloKTParams, float], None] | None = None,
) -> EloModel:
    """Fit concept-specific Elo: tune step sizes on one fold, then refit difficulties on all.

    With ``val_fold`` set and present in ``data.folds``, the difficulties are fitted on the
    other folds, each parameter set of :data:`ELO_GRID` is scored by log-likelihood on the
    validation fold, and the best is kept; otherwise the defaults are used. The returned
    difficulties are refitted on all of ``data``. ``on_candidate(params, val_ll)`` reports
    progress.
    """
    n_skills = max(n_skills or 0, data.n_skills)
    best = EloKTParams()
    if val_fold is not None and np.any(data.folds == val_fold) and np.any(data.folds != val_fold):
        train, val = data.select(data.folds != val_fold), data.select(data.folds == val_fold)
        d = fit_difficulty(train, n_skills=n_skills)
        c = val.correct.astype(np.float64)
        best_ll = -np.inf
        for alpha, alpha_skill, beta in itertools.product(*ELO_GRID.values()):
            prm = EloKTParams(alpha, alpha_skill, beta)
            p = np.clip(predict_elo(EloModel(d, prm), val), 1e-9, 1 - 1e-9)
            ll = float(np.mean(c * np.log(p) + (1 - c) * np.log(1 - p)))
            if on_candidate is not None:
                on_candidate(prm, ll)
            if ll > best_ll:
                best, best_ll = prm, ll
        log.info("Elo: best step sizes %s (validation mean ll %.5f)", best, best_ll)
    return EloModel(fit_difficulty(data, n_skills=n_skills), best)


@dataclass(frozen=True)
class EloEstimator:
    """Concept-specific Elo behind the estimator contract (:mod:`tutor.learner.estimator`):
    :func:`fit_elo`, step sizes tuned on the students of ``val_fold``."""

    val_fold: int | None = 0
    kind: Literal["kt"] = field(default="kt", init=False)

    def fit(
        self,
        data: ResponseLog,
        *,
        n_skills: int | None = None,
        seed: int = 0,
        on_progress: ProgressFn | None = None,
    ) -> EloModel:
        """Fit (deterministic: ``seed`` is not used); progress counts the grid's candidates."""
        if data.n_responses == 0:
            raise InputError("cannot fit Elo on an empty response log")
        total = math.prod(len(v) for v in ELO_GRID.values())
        seen = 0

        def on_candidate(_prm: EloKTParams, _ll: float) -> None:
            nonlocal seen
            seen += 1
            if on_progress is not None:
                on_progress("Elo step-size search", seen, total)

        return fit_elo(data, n_skills=n_skills, val_fold=self.val_fold, on_candidate=on_candidate)


def elo_estimator(options: EstimatorOptions) -> EloEstimator:
    """Concept-specific Elo tuned on ``options.val_fold``: registered as ``elo``."""
    return EloEstimator(val_fold=options.val_fold)
