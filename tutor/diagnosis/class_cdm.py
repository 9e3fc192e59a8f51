"""Class-level cognitive diagnosis from a class's attempt logs (DINA, factorised over skills).

Interface (what ``engine.class_report`` calls)::

    from tutor.diagnosis.class_cdm import fit_class_dina

    diagnosis = fit_class_dina(
        attempts_by_student,  # Mapping[str, Sequence[tutor.domain.Attempt]], per student
        q_matrix,             # Mapping[family, Mapping[kp, weight]]: the graph's
                              # (:ItemFamily)-[:ASSESSES {weight}]->(:KnowledgePoint),
                              # keyed by generator name (the first part of Attempt.item_id,
                              # "generator:difficulty:seed"); GENERATORS[g].assesses is the
                              # same data in code
    )
    diagnosis.mastery["s1"]["fractions.add_like"]  # P(s1 has mastered the point), 0..1
    diagnosis.weakest          # PointSummary per point, weakest first
    diagnosis.needs_help       # HelpFlag per student who needs help now, most urgent first
    diagnosis.misconceptions   # (misconception id, times seen), most frequent first
    diagnosis.to_json()        # all of it as plain JSON

Only the points the class practised are diagnosed (the union of the Q-matrix rows of the
item families in the logs). A family missing from ``q_matrix`` assesses its attempt's
``kp`` alone. Attempts that are not "correct"/"incorrect" (never recorded, but tolerated)
are skipped. Empty input gives an empty diagnosis. Bad input (a weight outside [0, 1])
raises :class:`tutor.errors.InputError`.

**Model.** DINA with weighted Q-matrix rows: student ``i`` has mastered point ``k`` or not
(``α_ik``); an item of family ``j`` is answered right with probability ``1 - slip_j`` when
the student has every point it needs and ``guess_j`` otherwise, where a point of weight
``w`` is needed with probability ``w`` (weight 1: always; the Q-matrix's secondary points,
weighted below 1, count partly). Plain DINA's 2^K profiles are impossible for a class
practising dozens of points, so the posterior over profiles is **factorised over points**
(mean field): each student gets one P(mastered) per point, updated in turn from the
expected likelihood of that student's answers with the other points averaged out, then
slip and guess are re-estimated (MAP, Beta priors centred on the learner model's slip 0.1
and guess 0.15) and each point's class prior is re-estimated from the class. This repeats
until nothing moves by more than ``tol``. Everything is a few numpy array operations over
the observed answers: a class of 30 students × 40 answers over 40 points fits in about
0.5 s of CPU.

**Contract.** The model itself is :class:`ClassDinaEstimator`, a cognitive-diagnosis
estimator of :mod:`tutor.learner.estimator` (``fit(ResponseTable) -> FittedClassDina`` with
``predict_proba`` and ``mastery``), fitted on answers indexed by student, item family and
point, with the weighted Q-matrix as the table's ``q``. :func:`fit_class_dina` is the thin
layer that turns attempt logs into that table and reads the class report off the fit. It
is not in the registry of models picked by name: it is the engine's class-report model,
and ``tutor diagnose cdm --model`` offers only the registered ones.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tutor.domain import Attempt
from tutor.errors import InputError
from tutor.learner.data import ResponseTable
from tutor.learner.estimator import ProgressFn

__all__ = [
    "ClassDiagnosis",
    "ClassDinaConfig",
    "ClassDinaEstimator",
    "FittedClassDina",
    "HelpFlag",
    "PointSummary",
    "fit_class_dina",
]

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClassDinaConfig:
    """How the class model is fitted and read."""

    max_iter: int = 200
    #: Stop when no P(mastered), slip or guess moves by more than this.
    tol: float = 1e-3
    #: Beta(a, b) priors of slip and guess: modes 0.1 and 0.15, worth ~10 answers each.
    slip_prior: tuple[float, float] = (2.0, 10.0)
    guess_prior: tuple[float, float] = (2.5, 9.5)
    #: Beta(a, b) smoothing of each point's class prior (share of students who master it).
    point_prior: tuple[float, float] = (1.0, 1.0)
    #: This share of each update is kept from the previous step (mean-field updates made
    #: in parallel can oscillate; damping makes them settle).
    damping: float = 0.3
    #: A student needs help now on a point practised at least ``help_min_attempts`` times
    #: with P(mastered) below ``help_below``.
    help_below: float = 0.4
    help_min_attempts: int = 3
    #: Points and students listed at most this many in ``weakest`` / ``needs_help``.
    top: int = 10


@dataclass(frozen=True)
class PointSummary:
    """One point across the class: mean P(mastered), share below 0.5, students, answers."""

    kp: str
    mean_mastery: float
    share_not_mastered: float
    students: int
    attempts: int

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {
            "kp": self.kp,
            "mean_mastery": round(self.mean_mastery, 4),
            "share_not_mastered": round(self.share_not_mastered, 4),
            "students": self.students,
            "attempts": self.attempts,
        }


@dataclass(frozen=True)
class HelpFlag:
    """A student who needs help now, and the practised points they have not got."""

    student: str
    points: tuple[str, ...]
    lowest: float

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"student": self.student, "points": list(self.points), "lowest": self.lowest}


@dataclass(frozen=True)
class ClassDiagnosis:
    """The class diagnosis (see the module docstring for the interface)."""

    #: student → point → P(mastered), for every student and every diagnosed point
    mastery: Mapping[str, Mapping[str, float]]
    points: tuple[str, ...]
    weakest: tuple[PointSummary, ...]
    needs_help: tuple[HelpFlag, ...]
    misconceptions: tuple[tuple[str, int], ...]
    #: family → (slip, guess) as fitted
    items: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    iterations: int = 0

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: ``{"mastery", "points", "weakest", "needs_help", "misconceptions",
        "items"}``."""
        return {
            "mastery": {
                s: {kp: round(p, 4) for kp, p in row.items()} for s, row in self.mastery.items()
            },
            "points": list(self.points),
            "weakest": [p.to_json() for p in self.weakest],
            "needs_help": [h.to_json() for h in self.needs_help],
            "misconceptions": [[mc, n] for mc, n in self.misconceptions],
            "items": {f: [round(s, 4), round(g, 4)] for f, (s, g) in self.items.items()},
        }


def _family(attempt: Attempt) -> str:
    # "generator:difficulty:seed" → generator; an id of another shape is its own family.
    return attempt.item_id.split(":", 1)[0]


def _map(x: FloatArray, n: FloatArray, prior: tuple[float, float]) -> FloatArray:
    """MAP of a probability with ``x`` successes in ``n`` trials under Beta(prior)."""
    a, b = prior
    return (x + a - 1.0) / (n + a + b - 2.0)


@dataclass(frozen=True)
class FittedClassDina:
    """The fitted class model: P(mastered) per student and point, slip and guess per item
    (family), each point's class prior, and which (student, point) pairs had evidence."""

    #: students × points, P(mastered); points without evidence hold the class prior
    mastery_: FloatArray
    slip: FloatArray  # items
    guess: FloatArray  # items
    prior: FloatArray  # points
    q: FloatArray  # items × points, weights in [0, 1]
    seen: npt.NDArray[np.bool_]  # students × points: answered an item assessing it
    iterations: int

    def predict_proba(self, users: npt.ArrayLike, items: npt.ArrayLike) -> FloatArray:
        """P(correct) of each (student, item) pair: ``1 - slip`` when every needed point is
        there, ``guess`` otherwise, the points averaged out one by one (mean field)."""
        u = np.asarray(users, dtype=np.int64)
        j = np.asarray(items, dtype=np.int64)
        if len(u) != len(j):
            raise InputError("give as many items as students to predict")
        if len(u) and (
            min(u.min(), j.min()) < 0 or u.max() >= len(self.mastery_) or j.max() >= len(self.q)
        ):
            raise InputError("a student or item index is outside the fitted model")
        eta = np.prod(1.0 - self.q[j] * (1.0 - self.mastery_[u]), axis=1)
        p: FloatArray = eta * (1.0 - self.slip[j]) + (1.0 - eta) * self.guess[j]
        return p

    def mastery(self) -> FloatArray:
        """P(mastered), students × points."""
        return self.mastery_

    def details(self) -> dict[str, Any]:
        """Iterations run."""
        return {"iterations": self.iterations}


@dataclass(frozen=True)
class ClassDinaEstimator:
    """The class model behind the estimator contract (see the module docstring): fits a
    :class:`~tutor.learner.data.ResponseTable` whose ``q`` holds the Q-matrix weights."""

    config: ClassDinaConfig = field(default_factory=ClassDinaConfig)
    kind: Literal["cdm"] = field(default="cdm", init=False)

    def fit(
        self, data: ResponseTable, *, seed: int = 0, on_progress: ProgressFn | None = None
    ) -> FittedClassDina:
        """Fit by damped mean-field EM (deterministic: ``seed`` is not used)."""
        cfg = self.config
        if data.n_answers == 0:
            raise InputError("there are no answers to fit the class model on")
        weights = np.asarray(data.q, dtype=np.float64)
        stu = data.users
        fam = data.items
        x = data.correct.astype(np.float64)
        w_obs = weights[fam]  # observations × points
        n_s, n_k = data.n_users, weights.shape[1]
        n_items = weights.shape[0]
        # Which (student, point) pairs have any evidence; the rest stay at the class prior.
        touched = np.zeros((n_s, n_k))
        np.add.at(touched, stu, (w_obs > 0).astype(float))
        seen = touched > 0

        mastery = np.full((n_s, n_k), 0.5)
        prior = np.full(n_k, 0.5)
        slip = np.full(n_items, 0.1)
        guess = np.full(n_items, 0.15)
        iterations = 0
        for step in range(1, cfg.max_iter + 1):
            iterations = step
            m = mastery[stu]  # observations × points
            factor = 1.0 - w_obs * (1.0 - m)  # P(point k does not block the item)
            log_factor = np.log(np.clip(factor, 1e-12, None))
            others = np.exp(log_factor.sum(axis=1, keepdims=True) - log_factor)
            s, g = slip[fam][:, None], guess[fam][:, None]

            def likelihood(eta: FloatArray, s: FloatArray = s, g: FloatArray = g) -> FloatArray:
                p = eta * (1.0 - s) + (1.0 - eta) * g
                return np.where(x[:, None] > 0, p, 1.0 - p)

            gain = np.log(likelihood(others)) - np.log(likelihood((1.0 - w_obs) * others))
            evidence = np.zeros((n_s, n_k))
            np.add.at(evidence, stu, gain)
            logit_prior = np.log(prior / (1.0 - prior))
            target = 1.0 / (1.0 + np.exp(-(logit_prior[None, :] + evidence)))
            new_mastery = cfg.damping * mastery + (1.0 - cfg.damping) * target

            eta = np.prod(1.0 - w_obs * (1.0 - new_mastery[stu]), axis=1)

            def per_item(values: FloatArray) -> FloatArray:
                return np.bincount(fam, weights=values, minlength=n_items).astype(np.float64)

            n_fam = per_item(eta)
            wrong_fam = per_item(eta * (1.0 - x))
            n_not = per_item(1.0 - eta)
            right_not = per_item((1.0 - eta) * x)
            new_slip = np.clip(_map(wrong_fam, n_fam, cfg.slip_prior), 0.01, 0.45)
            new_guess = np.clip(_map(right_not, n_not, cfg.guess_prior), 0.01, 0.45)
            pa, pb = cfg.point_prior
            counted = np.where(seen, new_mastery, 0.0).sum(axis=0)
            new_prior = np.clip((counted + pa) / (seen.sum(axis=0) + pa + pb), 0.02, 0.98)
            new_mastery = np.where(seen, new_mastery, new_prior[None, :])
            moved = max(
                float(np.abs(new_mastery - mastery).max()),
                float(np.abs(new_slip - slip).max()),
                float(np.abs(new_guess - guess).max()),
            )
            mastery, slip, guess, prior = new_mastery, new_slip, new_guess, new_prior
            if on_progress is not None:
                on_progress("class DINA iterations", step, cfg.max_iter)
            if moved < cfg.tol:
                break
        log.debug("class DINA: %d students, %d points, %d iterations", n_s, n_k, iterations)
        return FittedClassDina(mastery, slip, guess, prior, weights, seen, iterations)


def fit_class_dina(
    attempts_by_student: Mapping[str, Sequence[Attempt]],
    q_matrix: Mapping[str, Mapping[str, float]],
    *,
    config: ClassDinaConfig | None = None,
) -> ClassDiagnosis:
    """Fit the class model (:class:`ClassDinaEstimator`) to the attempt logs and read the
    diagnosis off it (see the module docstring)."""
    cfg = config or ClassDinaConfig()
    students = sorted(attempts_by_student)
    rows: dict[str, dict[str, float]] = {}
    obs_student: list[int] = []
    obs_family: list[str] = []
    obs_right: list[int] = []
    misconceptions: Counter[str] = Counter()
    tried: Counter[tuple[int, str]] = Counter()
    for i, sid in enumerate(students):
        for a in attempts_by_student[sid]:
            if a.misconception:
                misconceptions[a.misconception] += 1
            if a.status not in ("correct", "incorrect"):
                continue
            family = _family(a)
            if family not in rows:
                row = dict(q_matrix.get(family) or {a.kp: 1.0})
                bad = {kp: w for kp, w in row.items() if not 0.0 <= w <= 1.0}
                if bad:
                    kp, w = next(iter(bad.items()))
                    raise InputError(
                        f"Q-matrix weight of family {family!r} on {kp!r} is {w}; "
                        "weights must lie between 0 and 1"
                    )
                rows[family] = row
            obs_student.append(i)
            obs_family.append(family)
            obs_right.append(1 if a.correct else 0)
            tried[(i, a.kp)] += 1
    top_mcs = tuple(sorted(misconceptions.items(), key=lambda kv: (-kv[1], kv[0])))
    if not obs_student:
        return ClassDiagnosis({s: {} for s in students}, (), (), (), top_mcs)

    points = tuple(sorted({kp for row in rows.values() for kp, w in row.items() if w > 0}))
    families = tuple(sorted(rows))
    k_index = {kp: k for k, kp in enumerate(points)}
    f_index = {f: j for j, f in enumerate(families)}
    weights = np.zeros((len(families), len(points)))
    for f, row in rows.items():
        for kp, w in row.items():
            if w > 0:
                weights[f_index[f], k_index[kp]] = w
    table = ResponseTable(
        users=np.asarray(obs_student, dtype=np.int64),
        items=np.asarray([f_index[f] for f in obs_family], dtype=np.int64),
        correct=np.asarray(obs_right, dtype=np.int64),
        q=weights,
        n_users=len(students),
    )
    fitted = ClassDinaEstimator(cfg).fit(table)
    mastery, seen = fitted.mastery_, fitted.seen

    by_student = {
        sid: {kp: float(mastery[i, k]) for k, kp in enumerate(points)}
        for i, sid in enumerate(students)
    }
    answers = np.zeros(len(points))
    np.add.at(answers, np.nonzero(weights[table.items] > 0)[1], 1.0)
    summaries = []
    for k, kp in enumerate(points):
        who = seen[:, k]
        if not who.any():
            continue
        values = mastery[who, k]
        summaries.append(
            PointSummary(
                kp,
                float(values.mean()),
                float((values < 0.5).mean()),
                int(who.sum()),
                int(answers[k]),
            )
        )
    summaries.sort(key=lambda p: (p.mean_mastery, p.kp))
    flags = []
    for i, sid in enumerate(students):
        low = sorted(
            (float(mastery[i, k_index[kp]]), kp)
            for (j, kp), n in tried.items()
            if j == i
            and n >= cfg.help_min_attempts
            and kp in k_index
            and mastery[i, k_index[kp]] < cfg.help_below
        )
        if low:
            flags.append(HelpFlag(sid, tuple(kp for _, kp in low), round(low[0][0], 4)))
    flags.sort(key=lambda h: (h.lowest, -len(h.points), h.student))
    return ClassDiagnosis(
        mastery=by_student,
        points=points,
        weakest=tuple(summaries[: cfg.top]),
        needs_help=tuple(flags[: cfg.top]),
        misconceptions=top_mcs,
        items={f: (float(fitted.slip[j]), float(fitted.guess[j])) for j, f in enumerate(families)},
        iterations=fitted.iterations,
    )
