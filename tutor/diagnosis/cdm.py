"""Class-level cognitive diagnosis with the DINA model, fitted by (MAP) EM in numpy.

DINA ("deterministic inputs, noisy and-gate", Junker & Sijtsma 2001): each student has a
profile ``α ∈ {0,1}^K`` of mastered skills; item ``j`` needs the skills in row ``j`` of the
Q-matrix, and a student who has all of them answers correctly with probability
``1 − slip_j``, anyone else with probability ``guess_j``. The model here is fitted over
all ``2^K`` profiles at once (vectorised: a students × profiles matrix per EM step), so K is
limited to :data:`MAX_EXACT_SKILLS`; many-skill data needs :mod:`tutor.diagnosis.ncdm`.

What makes it better than a plain EM-DINA (e.g. EduCDM's ``EMDINA``, which keeps a uniform
prior over profiles and predicts from each student's single most likely profile):

* the prior over profiles ``π`` is learned (the class's skill structure: on FrcSub most
  students who can borrow can also find a common denominator), smoothed by a Dirichlet
  pseudo-count so that rare profiles keep some mass;
* slip and guess are MAP estimates under Beta priors, which keeps them off 0 and 1 when an
  item has few answers from one group;
* only observed cells enter the fit (a mask); held-out or missing cells are not read;
* a prediction averages over the posterior of the student's profile,
  ``P(x_ij = 1) = Σ_α P(α | student i's observed answers) · P(x_ij = 1 | α)``, instead of
  committing to the most likely profile.

All functions are pure: they take arrays and return new ones or frozen dataclasses.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from tutor.diagnosis.cdm_data import LongData, MatrixData, holdout_cells
from tutor.errors import InputError
from tutor.learner.data import ResponseTable
from tutor.learner.estimator import (
    EstimatorOptions,
    FittedCDM,
    ProgressFn,
    cdm_estimator,
    estimator_names,
)
from tutor.learner.metrics import Scores, score

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Exact DINA enumerates 2^K profiles; 2^12 = 4,096 keeps a step to a few matrix products.
MAX_EXACT_SKILLS: Final = 12
#: Probabilities are kept this far from 0 and 1 so that logs stay finite.
_EPS: Final = 1e-6
#: Rows of test pairs scored at a time (bounds the pairs × profiles temporary).
_CHUNK: Final = 8192

#: A response table at least this full (answers / (students × items)) keeps its answer
#: counts and predictions as dense matrices; sparser ones (the long format, where a student
#: meets few of the items) as scipy sparse matrices and per-pair sums.
DENSE_FILL: Final = 0.5


@dataclass(frozen=True)
class DinaConfig:
    """How DINA is fitted. The defaults are the ones benchmarked on FrcSub (BENCHMARKS.md)."""

    max_iter: int = 1000
    #: Stop when the penalised log-likelihood gains less than this per observed answer.
    tol: float = 1e-7
    #: Beta(a, b) prior on every slip and every guess; (2, 2) pulls gently towards 0.5.
    slip_prior: tuple[float, float] = (2.0, 2.0)
    guess_prior: tuple[float, float] = (2.0, 2.0)
    #: Pseudo-students spread evenly over the 2^K profiles (Dirichlet smoothing of π).
    profile_smoothing: float = 10.0
    #: Starting slip and guess of every item.
    start: float = 0.2


@dataclass(frozen=True)
class DinaModel:
    """A fitted DINA model.

    ``profiles[l]`` is profile ``l`` (0/1 over the skills); ``eta[l, j]`` is 1 when it has
    every skill item ``j`` needs; ``prior[l]`` is the share of students with profile ``l``.
    """

    q: IntArray  # items × skills
    slip: FloatArray  # items
    guess: FloatArray  # items
    prior: FloatArray  # profiles
    profiles: IntArray  # profiles × skills
    eta: FloatArray  # profiles × items
    objective: float  # penalised log-likelihood per observed answer at the end
    iterations: int
    converged: bool
    history: tuple[float, ...] = field(default=(), repr=False)

    @property
    def n_skills(self) -> int:
        """Number of skills (columns of the Q-matrix)."""
        return int(self.q.shape[1])

    @property
    def p_correct(self) -> FloatArray:
        """P(correct | profile, item), profiles × items."""
        return _p_correct(self.eta, self.slip, self.guess)


@dataclass(frozen=True)
class SkillSummary:
    """How a class stands on one skill."""

    skill: int  # column of the Q-matrix
    name: str | None
    mean_mastery: float  # mean over students of P(mastered)
    share_mastered: float  # share of students with P(mastered) ≥ 0.5

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "skill": self.skill,
            "name": self.name,
            "mean_mastery": self.mean_mastery,
            "share_mastered": self.share_mastered,
        }


def all_profiles(n_skills: int) -> IntArray:
    """Every 0/1 skill profile, profiles × skills; profile ``l`` has skill ``k`` iff bit k."""
    codes = np.arange(2**n_skills, dtype=np.int64)
    profiles: IntArray = (codes[:, None] >> np.arange(n_skills, dtype=np.int64)[None, :]) & 1
    return profiles


def _p_correct(eta: FloatArray, slip: FloatArray, guess: FloatArray) -> FloatArray:
    p: FloatArray = np.clip(eta * (1.0 - slip) + (1.0 - eta) * guess, _EPS, 1.0 - _EPS)
    return p


def _check_q(q: npt.ArrayLike) -> IntArray:
    arr = np.asarray(q)
    if arr.ndim != 2 or not np.isin(arr, (0, 1)).all():
        raise InputError("the Q-matrix must be a 2-D array of 0/1 (items × skills)")
    n_skills = arr.shape[1]
    if n_skills > MAX_EXACT_SKILLS:
        raise InputError(
            f"DINA enumerates all 2^K skill profiles and K = {n_skills} skills is more than "
            f"{MAX_EXACT_SKILLS} ({2**n_skills:,} profiles); use the ncdm model for many skills"
        )
    if (arr.sum(axis=1) == 0).any():
        raise InputError(
            f"item {int(np.flatnonzero(arr.sum(axis=1) == 0)[0]) + 1} needs no skill; "
            "every row of the Q-matrix needs a 1"
        )
    unused = np.flatnonzero(arr.sum(axis=0) == 0)
    if len(unused):
        # Legal, but such a skill is never observed: its mastery stays at the prior.
        log.warning("skills %s are assessed by no item", (unused + 1).tolist())
    return arr.astype(np.int64)


def _counts(responses: npt.ArrayLike, mask: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Right and wrong answer counts per cell from a 0/1 matrix and its observed mask."""
    x = np.asarray(responses)
    m = np.asarray(mask, dtype=bool)
    if x.ndim != 2 or x.shape != m.shape:
        raise InputError(
            f"responses {x.shape} and mask {m.shape} must be matrices of the same shape"
        )
    if not np.isin(x[m], (0, 1)).all():
        raise InputError("observed responses must be 0 or 1")
    right = np.where(m, x, 0).astype(np.float64)
    return right, m.astype(np.float64) - right


def _log_posterior(
    model_log_p: FloatArray, model_log_q: FloatArray, log_prior: FloatArray, right: Any, wrong: Any
) -> tuple[FloatArray, FloatArray]:
    """Posterior over profiles (students × profiles) and each student's log-evidence.

    ``right``/``wrong`` are students × items counts, dense arrays or scipy sparse matrices.
    """
    ll = np.asarray(right @ model_log_p.T) + np.asarray(wrong @ model_log_q.T) + log_prior
    top = ll.max(axis=1, keepdims=True)
    post = np.exp(ll - top)
    total = post.sum(axis=1, keepdims=True)
    post /= total
    return post, (top + np.log(total))[:, 0]


def _beta_log_density(x: FloatArray, prior: tuple[float, float]) -> float:
    a, b = prior
    return float(np.sum((a - 1.0) * np.log(x) + (b - 1.0) * np.log(1.0 - x)))


def fit_dina_counts(
    right: Any, wrong: Any, q: npt.ArrayLike, config: DinaConfig | None = None
) -> DinaModel:
    """Fit DINA from per-cell counts of right and wrong answers (students × items).

    The counts may be dense arrays or scipy sparse matrices (the long format, where most
    student-item cells are empty). A cell with no answers is simply not used.
    """
    cfg = config or DinaConfig()
    qm = _check_q(q)
    n_items, n_skills = qm.shape
    if right.shape != wrong.shape or right.shape[1] != n_items:
        raise InputError(f"answer counts {right.shape} do not fit a Q-matrix of {n_items} items")
    n_answers = float(right.sum() + wrong.sum())
    if n_answers == 0:
        raise InputError("there are no observed answers to fit DINA on")
    profiles = all_profiles(n_skills)
    # A profile covers an item when it has every skill the item needs.
    eta = (profiles @ qm.T == qm.sum(axis=1)[None, :]).astype(np.float64)
    n_profiles = len(profiles)
    alpha = cfg.profile_smoothing / n_profiles
    (a_s, b_s), (a_g, b_g) = cfg.slip_prior, cfg.guess_prior
    slip = np.full(n_items, cfg.start)
    guess = np.full(n_items, cfg.start)
    prior = np.full(n_profiles, 1.0 / n_profiles)
    history: list[float] = []
    converged = False
    iteration = 0
    while iteration < cfg.max_iter:
        iteration += 1
        p = _p_correct(eta, slip, guess)
        post, evidence = _log_posterior(np.log(p), np.log1p(-p), np.log(prior), right, wrong)
        # The penalised objective of the parameters used in this E-step; MAP-EM never lowers it.
        objective = (
            float(evidence.sum())
            + alpha * float(np.log(prior).sum())
            + _beta_log_density(slip, cfg.slip_prior)
            + _beta_log_density(guess, cfg.guess_prior)
        ) / n_answers
        history.append(objective)
        if len(history) > 1 and history[-1] - history[-2] < cfg.tol:
            converged = True
            break
        # M-step: expected answers of each profile to each item, then pooled by eta.
        right_l = np.asarray(right.T @ post).T  # profiles × items
        tries_l = right_l + np.asarray(wrong.T @ post).T
        r1, n1 = (right_l * eta).sum(axis=0), (tries_l * eta).sum(axis=0)
        r0, n0 = (right_l * (1 - eta)).sum(axis=0), (tries_l * (1 - eta)).sum(axis=0)
        slip = np.clip((n1 - r1 + a_s - 1.0) / (n1 + a_s + b_s - 2.0 + 1e-12), _EPS, 1 - _EPS)
        guess = np.clip((r0 + a_g - 1.0) / (n0 + a_g + b_g - 2.0 + 1e-12), _EPS, 1 - _EPS)
        weight = post.sum(axis=0) + alpha
        prior = np.maximum(weight / weight.sum(), 1e-300)
    log.info(
        "DINA: %d skills, %d items, %d iterations, objective %.5f per answer%s",
        n_skills,
        n_items,
        iteration,
        history[-1],
        "" if converged else " (not converged)",
    )
    return DinaModel(
        q=qm,
        slip=slip,
        guess=guess,
        prior=prior,
        profiles=profiles,
        eta=eta,
        objective=history[-1],
        iterations=iteration,
        converged=converged,
        history=tuple(history),
    )


def fit_dina(
    responses: npt.ArrayLike,
    mask: npt.ArrayLike,
    q: npt.ArrayLike,
    config: DinaConfig | None = None,
) -> DinaModel:
    """Fit DINA to a 0/1 response matrix (students × items), using only cells where
    ``mask`` is True, with the Q-matrix ``q`` (items × skills)."""
    right, wrong = _counts(responses, mask)
    return fit_dina_counts(right, wrong, q, config)


def profile_posterior(
    model: DinaModel, responses: npt.ArrayLike, mask: npt.ArrayLike
) -> FloatArray:
    """P(profile | each student's observed answers), students × profiles."""
    right, wrong = _counts(responses, mask)
    return _posterior_counts(model, right, wrong)


def _posterior_counts(model: DinaModel, right: Any, wrong: Any) -> FloatArray:
    if right.shape[1] != len(model.slip):
        raise InputError(f"{right.shape[1]} items given to a model of {len(model.slip)} items")
    p = model.p_correct
    post, _ = _log_posterior(np.log(p), np.log1p(-p), np.log(model.prior), right, wrong)
    return post


def predict(model: DinaModel, responses: npt.ArrayLike, mask: npt.ArrayLike) -> FloatArray:
    """P(correct) for every cell (students × items), each student's profile averaged over
    its posterior given the cells where ``mask`` is True."""
    post = profile_posterior(model, responses, mask)
    predicted: FloatArray = post @ model.p_correct
    return predicted


def predict_pairs(
    model: DinaModel, posterior: FloatArray, users: IntArray, items: IntArray
) -> FloatArray:
    """P(correct) of the (student, item) pairs given the students' profile posteriors."""
    p = model.p_correct
    out = np.empty(len(users))
    for start in range(0, len(users), _CHUNK):
        u, j = users[start : start + _CHUNK], items[start : start + _CHUNK]
        out[start : start + _CHUNK] = np.einsum("nl,ln->n", posterior[u], p[:, j])
    return out


def skill_mastery(model: DinaModel, responses: npt.ArrayLike, mask: npt.ArrayLike) -> FloatArray:
    """P(student i has mastered skill k | observed answers), students × skills."""
    mastery: FloatArray = profile_posterior(model, responses, mask) @ model.profiles
    return mastery


def weakest_skills(
    mastery: npt.ArrayLike, n: int = 3, names: Sequence[str] | None = None
) -> list[SkillSummary]:
    """The ``n`` skills a class has mastered least (lowest mean P(mastered)), weakest first.

    ``mastery`` is students × skills (from :func:`skill_mastery`); ``names`` optionally
    names the skills in column order.
    """
    m = np.asarray(mastery, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] == 0:
        raise InputError("mastery must be a non-empty students × skills matrix")
    if names is not None and len(names) != m.shape[1]:
        raise InputError(f"{len(names)} skill names for {m.shape[1]} skills; name each once")
    means = m.mean(axis=0)
    shares = (m >= 0.5).mean(axis=0)
    # Ties (common: skills no one has) broken by the share mastered, then by column.
    order = np.lexsort((np.arange(m.shape[1]), shares, means))[: max(n, 0)]
    return [
        SkillSummary(
            skill=int(k),
            name=None if names is None else names[k],
            mean_mastery=float(means[k]),
            share_mastered=float(shares[k]),
        )
        for k in order
    ]


# -- the estimator contract --------------------------------------------------------------


def _table_counts(data: ResponseTable) -> tuple[Any, Any, bool]:
    """Right and wrong answer counts per (student, item) cell, and whether they are dense."""
    shape = (data.n_users, data.n_items)
    y = data.correct.astype(np.float64)
    dense = data.n_answers >= DENSE_FILL * shape[0] * shape[1]
    if dense:
        right = np.zeros(shape)
        wrong = np.zeros(shape)
        # Repeated answers to one item add up.
        np.add.at(right, (data.users, data.items), y)
        np.add.at(wrong, (data.users, data.items), 1.0 - y)
        return right, wrong, True
    from scipy import sparse

    cells = (data.users, data.items)
    right_s = sparse.csr_matrix((y, cells), shape=shape)
    wrong_s = sparse.csr_matrix((1.0 - y, cells), shape=shape)
    return right_s, wrong_s, False


@dataclass(frozen=True)
class FittedDina:
    """A DINA model and the profile posterior of each student it was fitted on."""

    model: DinaModel
    posterior: FloatArray  # students × profiles
    #: Whether predictions are read off the whole students × items matrix (a full class)
    #: or summed pair by pair (a sparse long table: the matrix could be huge).
    dense: bool

    def predict_proba(self, users: npt.ArrayLike, items: npt.ArrayLike) -> FloatArray:
        """P(correct) of each (student, item) pair, the profile averaged over its posterior."""
        u = np.asarray(users, dtype=np.int64)
        j = np.asarray(items, dtype=np.int64)
        if len(u) != len(j):
            raise InputError("give as many items as students to predict")
        if len(u) and (
            min(u.min(), j.min()) < 0
            or u.max() >= len(self.posterior)
            or j.max() >= len(self.model.slip)
        ):
            raise InputError("a student or item index is outside the fitted model")
        if self.dense:
            full: FloatArray = self.posterior @ self.model.p_correct
            picked: FloatArray = full[u, j]
            return picked
        return predict_pairs(self.model, self.posterior, u, j)

    def mastery(self) -> FloatArray:
        """P(student i has mastered skill k | the answers fitted on), students × skills."""
        mastery: FloatArray = self.posterior @ self.model.profiles
        return mastery

    def details(self) -> dict[str, Any]:
        """EM iterations, convergence and the final objective per answer."""
        return {
            "iterations": self.model.iterations,
            "converged": self.model.converged,
            "objective": self.model.objective,
        }


@dataclass(frozen=True)
class DinaEstimator:
    """DINA behind the estimator contract (:mod:`tutor.learner.estimator`): MAP-EM over
    every profile (:func:`fit_dina_counts`), then each student's profile posterior."""

    config: DinaConfig = field(default_factory=DinaConfig)
    kind: Literal["cdm"] = field(default="cdm", init=False)

    def fit(
        self, data: ResponseTable, *, seed: int = 0, on_progress: ProgressFn | None = None
    ) -> FittedDina:
        """Fit on every answer of ``data`` (EM is deterministic: ``seed`` is not used)."""
        right, wrong, dense = _table_counts(data)
        model = fit_dina_counts(right, wrong, data.q, self.config)
        return FittedDina(model, _posterior_counts(model, right, wrong), dense)


def dina_estimator(_options: EstimatorOptions) -> DinaEstimator:
    """DINA with the benchmarked configuration: registered as ``dina``."""
    return DinaEstimator()


# -- evaluation on held-out answers ------------------------------------------------------


def _options(epochs: int | None) -> EstimatorOptions:
    return EstimatorOptions(epochs=epochs)


def evaluate_matrix(
    data: MatrixData,
    model: str = "dina",
    seed: int = 0,
    holdout: float = 0.2,
    epochs: int | None = None,
    on_progress: ProgressFn | None = None,
) -> Scores:
    """Hold out a seeded random ``holdout`` share of the cells, fit ``model`` (a registered
    cognitive-diagnosis name) on the rest, and score the predictions of the held-out cells
    (AUC, accuracy at 0.5, RMSE)."""
    estimator = cdm_estimator(model, _options(epochs))
    held = holdout_cells(data.responses.shape, holdout, seed)
    train = ResponseTable.from_matrix(data.responses, ~held, data.q)
    fitted = estimator.fit(train, seed=seed, on_progress=on_progress)
    test_users, test_items = np.nonzero(held)
    return score(data.responses[held], fitted.predict_proba(test_users, test_items))


def evaluate_long(
    data: LongData,
    model: str = "dina",
    seed: int = 0,
    epochs: int | None = None,
    on_progress: ProgressFn | None = None,
) -> Scores:
    """Fit ``model`` on the training answers and score its predictions of the test answers.

    With the validation split the format provides (``data.valid_*``), NCDM's early stopping
    watches it and trains on every training answer; DINA has no early stopping and refuses
    one (an ignored file would look used)."""
    estimator = cdm_estimator(model, _options(epochs))
    train = ResponseTable(
        data.train_users, data.train_items, data.train_scores, data.q, data.n_users
    )
    if data.valid_users is not None and data.valid_items is not None:
        from tutor.diagnosis.ncdm import NcdmEstimator  # no torch until a fit

        if not isinstance(estimator, NcdmEstimator):
            raise InputError(
                f"a validation split is for NCDM's early stopping; {model} does not use one "
                "(leave out the validation file, or use --model ncdm)"
            )
        assert data.valid_scores is not None  # the three are set together
        valid = ResponseTable(
            data.valid_users, data.valid_items, data.valid_scores, data.q, data.n_users
        )
        fitted: FittedCDM = estimator.fit(train, seed=seed, on_progress=on_progress, valid=valid)
    else:
        fitted = estimator.fit(train, seed=seed, on_progress=on_progress)
    return score(data.test_scores, fitted.predict_proba(data.test_users, data.test_items))


def cdm_models() -> tuple[str, ...]:
    """The registered cognitive-diagnosis model names (``tutor diagnose cdm --model``)."""
    return estimator_names("cdm")
