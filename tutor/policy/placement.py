"""The initial knowledge check: which question tells the most, and what the answers show.

A pure model of one student's knowledge state over the points on the way to their goal
(the goal's learning order, the points that have items), in the spirit of Knowledge
Space Theory: a knowledge state is closed under prerequisites — who knows a point knows
what it requires — up to a small *leak* per hop (a student may know a point with a gap
below it, as when a misconception blocks one prerequisite).

**What the model keeps.** For each *level shift* θ on a grid (:data:`THETAS`, in grades:
how far ahead of or behind their grade the student is), one probability per point,
P(known | θ), and a weight per θ. The marginal P(known) of a point is the weighted mix.
The belief after a list of answers is recomputed from the answers (:func:`posterior`), so
the engine stores only the questions and whether each was right.

**The prior** (before the first question) comes from the student's grade: a point of
grade ``g`` is known with probability ``sigmoid(PRIOR_SLOPE * (grade + θ - g) +
PRIOR_OFFSET)``, and at most as likely as any of its prerequisites (the prior is closed
too). θ has a normal prior of sd :data:`THETA_SD` grades around 0.

**One answer** on point ``q`` (right with probability ``1 - SLIP`` if ``q`` is known,
``GUESS`` if not):

* re-weighs the level shifts by how likely the answer was under each;
* updates ``q`` by Bayes' rule, and, along the prerequisite closure only:
  a **right** answer is evidence for each prerequisite ``j`` of ``q`` (if ``j`` were not
  known, ``q`` would not be known either, but for the leak: P(right | j not known) =
  leak·(1 - SLIP) + (1 - leak)·GUESS, with leak = 1 - (1 - LEAK)^hops); a **wrong** answer
  is evidence against each dependent ``j`` of ``q`` (if ``j`` were known, so would ``q``
  be, but for the leak). A right answer says nothing about what needs ``q``, and a wrong
  one nothing about what ``q`` needs: with only marginals to keep, those weaker, indirect
  inferences were counted again with every answer and dragged known prerequisites down
  (measured on the dev seeds: accuracy 0.86 with them, 0.90 without, before the level
  shift).

**The next question** (:func:`best_question`) is the point whose answer is expected to
reduce the uncertainty about the state the most: the expected drop in the summed binary
entropy of every point's marginal (expected information gain, computed exactly for this
model, for every candidate at once). A point is asked at most :data:`MAX_ASKS` times.

**Stopping** (:func:`should_stop`): at the cap, or once at least :data:`MIN_ITEMS`
questions were asked and the model's own expected accuracy — the mean over the points of
max(m, 1 - m) — reaches :data:`STOP_CONFIDENCE`, or no question is worth
:data:`MIN_GAIN` bits. The cap (:func:`default_cap`) is 25 questions from grade 5 on, 20 in
grades 3–4 and 15 for younger students (kindergarten to grade 2): a young child's
attention span is shorter, and their goal has fewer points behind it.

**The result**: a point is known when its marginal is at least 0.5.

The constants were chosen on the simulator's dev seeds 101 and 102
(``benchmarks/placement.py``); the figures are reported on other seeds. A deployment
with real answers should refit the prior (slope, offset, θ's spread) on them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from tutor.domain import grade_rank

__all__ = [
    "DEFAULT_CAP",
    "GUESS",
    "LEAK",
    "MAX_ASKS",
    "MIN_ITEMS",
    "SLIP",
    "STOP_CONFIDENCE",
    "Answer",
    "Belief",
    "PlacementModel",
    "best_question",
    "build_model",
    "default_cap",
    "expected_accuracy",
    "posterior",
    "should_stop",
    "student_grade",
]

FloatArray = npt.NDArray[np.float64]

#: P(wrong | known) and P(right | not known) of one placement question.
SLIP = 0.1
GUESS = 0.15
#: How far a state may break the prerequisite closure (see the module docstring).
LEAK = 0.05
#: The grade prior: logistic in (student's grade − point's grade).
PRIOR_SLOPE = 1.1
PRIOR_OFFSET = -2.2
#: The student's level shift (grades): a grid, and the sd of its normal prior.
THETAS = tuple(x / 2 for x in range(-10, 9))
THETA_SD = 2.0
#: The default cap on questions, and fewer for young students (:func:`default_cap`).
DEFAULT_CAP = 25
#: Never stop before this many questions (one lucky answer proves little).
MIN_ITEMS = 6
#: Stop once the model expects this share of the points to be placed right.
STOP_CONFIDENCE = 0.98
#: Stop when no question is expected to tell this many bits.
MIN_GAIN = 0.05
#: A point is asked at most this many times.
MAX_ASKS = 2
#: Marginals stay inside [EPS, 1 - EPS] (Bayes' rule could never move 0 or 1 again).
EPS = 1e-4


@dataclass(frozen=True)
class Answer:
    """One answered question: its point and whether the answer was right."""

    kp: str
    correct: bool


def student_grade(class_name: str | None, goal_grade: str | None) -> float:
    """The student's grade: the number a class name starts with ("7A" → 7), else the
    goal point's grade (a student working towards a grade-7 point is taken to be in
    grade 7), else grade 5. The store keeps no grade of its own for a student."""
    if class_name:
        found = re.match(r"\s*(?:grade\s*|year\s*)?(\d{1,2})(?!\d)", class_name, re.IGNORECASE)
        if found and 0 <= int(found.group(1)) <= 12:
            return float(found.group(1))
        if class_name.strip().upper().startswith("K"):
            return 0.0
    rank = grade_rank(goal_grade)
    return rank if rank < 99.0 else 5.0


def default_cap(grade: float) -> int:
    """The most questions for a student of ``grade`` (see the module docstring)."""
    if grade <= 2:
        return 15
    if grade <= 4:
        return 20
    return DEFAULT_CAP


@dataclass(frozen=True)
class PlacementModel:
    """The points of one goal (learning order, points with items), their direct
    prerequisites among them, their grades, and the student's grade."""

    points: tuple[str, ...]
    prerequisites: Mapping[str, Sequence[str]]
    grades: Mapping[str, float]
    grade: float

    @cached_property
    def position(self) -> dict[str, int]:
        """Each point's index."""
        return {kp: i for i, kp in enumerate(self.points)}

    @cached_property
    def hops(self) -> npt.NDArray[np.int64]:
        """``hops[i, j]``: the fewest prerequisite steps from point i down to point j
        (0: j is not a prerequisite of i)."""
        n = len(self.points)
        big = n + 1
        dist = np.full((n, n), big, dtype=np.int64)
        for i, kp in enumerate(self.points):  # learning order: prerequisites come first
            for p in self.prerequisites.get(kp, ()):
                j = self.position.get(p)
                if j is not None and j != i:
                    dist[i] = np.minimum(dist[i], dist[j] + 1)
                    dist[i, j] = 1
        return np.where(dist >= big, 0, dist)

    @cached_property
    def likelihoods(self) -> dict[bool, tuple[FloatArray, FloatArray]]:
        """For a right (True) and a wrong (False) answer: :func:`_relations`."""
        return {c: _relations(self, c) for c in (True, False)}

    @cached_property
    def thetas(self) -> FloatArray:
        """The grid of the student's level shift (in grades) and its prior weights."""
        return np.asarray(THETAS, dtype=np.float64)

    @cached_property
    def theta_prior(self) -> FloatArray:
        """Prior weights of :attr:`thetas`: a normal of sd :data:`THETA_SD` grades."""
        w = np.exp(-0.5 * (self.thetas / THETA_SD) ** 2)
        return np.asarray(w / w.sum(), dtype=np.float64)

    @cached_property
    def priors(self) -> FloatArray:
        """The grade prior's marginals for each level shift (rows: :attr:`thetas`)."""
        out = np.empty((len(self.thetas), len(self.points)))
        for row, theta in enumerate(self.thetas):
            m = out[row]
            for i, kp in enumerate(self.points):
                diff = self.grade + theta - self.grades.get(kp, self.grade)
                alone = 1.0 / (1.0 + math.exp(-(PRIOR_SLOPE * diff + PRIOR_OFFSET)))
                below = [m[self.position[p]] for p in self.prerequisites.get(kp, ())]
                m[i] = min([alone, *below])
        return np.asarray(np.clip(out, EPS, 1 - EPS), dtype=np.float64)


@dataclass(frozen=True)
class Belief:
    """What the model believes after some answers: the weights of the level shifts and,
    for each, the points' marginals (rows)."""

    weights: FloatArray
    rows: FloatArray

    @property
    def marginals(self) -> FloatArray:
        """P(known) of every point (the shifts mixed by their weights)."""
        return np.asarray(self.weights @ self.rows, dtype=np.float64)


def build_model(
    order: Sequence[str],
    prerequisites: Mapping[str, Sequence[str]],
    levels: Mapping[str, object],
    grades: Mapping[str, str | None],
    grade: float,
) -> PlacementModel:
    """The model of a goal: its learning ``order`` restricted to points with items
    (``levels``), their nearest practisable ``prerequisites`` (as the policy sees them),
    the points' ``grades`` and the student's ``grade``."""
    points = tuple(kp for kp in order if kp in levels)
    keep = set(points)
    return PlacementModel(
        points=points,
        prerequisites={kp: [p for p in prerequisites.get(kp, ()) if p in keep] for kp in points},
        grades={kp: grade_rank(grades.get(kp)) for kp in points},
        grade=grade,
    )


def _relations(model: PlacementModel, correct: bool) -> tuple[FloatArray, FloatArray]:
    """``L1[q, j]``, ``L0[q, j]``: P(this answer on q | j known), P(… | j not known), for
    every pair, along the closure only (see the module docstring)."""
    l1, l0 = _likelihoods(correct)
    n = len(model.points)
    # Unrelated points (and the directions the closure does not inform): no evidence.
    like1 = np.ones((n, n))
    like0 = np.ones((n, n))
    hops = model.hops
    if correct:
        # j a prerequisite of q: q known ⇒ j known (up to the leak, per hop). Seen from j,
        # j not known makes q not known; j known leaves q's own likelihood.
        below = hops > 0
        leak = 1.0 - (1.0 - LEAK) ** np.where(below, hops, 0)
        like1 = np.where(below, l1, like1)
        like0 = np.where(below, leak * l1 + (1.0 - leak) * l0, like0)
    else:
        # j a dependent of q: j known ⇒ q known (up to the leak); j not known leaves q's.
        above = hops.T > 0
        leak = 1.0 - (1.0 - LEAK) ** np.where(above, hops.T, 0)
        like1 = np.where(above, (1.0 - leak) * l1 + leak * l0, like1)
        like0 = np.where(above, l0, like0)
    idx = np.arange(n)
    like1[idx, idx] = l1
    like0[idx, idx] = l0
    return like1, like0


def _likelihoods(correct: bool) -> tuple[float, float]:
    """P(answer | q known), P(answer | q not known)."""
    return (1.0 - SLIP, GUESS) if correct else (SLIP, 1.0 - GUESS)


def posterior(model: PlacementModel, answers: Sequence[Answer]) -> Belief:
    """The belief after ``answers`` (oldest first), from the grade prior."""
    weights = model.theta_prior.copy()
    rows = model.priors.copy()
    for answer in answers:
        i = model.position.get(answer.kp)
        if i is None:
            continue  # a point no longer on the way to the goal (the curriculum changed)
        l1, l0 = _likelihoods(answer.correct)
        # How likely this answer was under each level shift re-weighs the shifts…
        weights = weights * (rows[:, i] * l1 + (1.0 - rows[:, i]) * l0)
        weights = weights / weights.sum()
        # … and the closure spreads it over the points.
        like1, like0 = model.likelihoods[answer.correct]
        rows = _bayes(rows, like1[i][None, :], like0[i][None, :])
    return Belief(weights, rows)


def _bayes(m: FloatArray, like1: FloatArray, like0: FloatArray) -> FloatArray:
    post = m * like1 / (m * like1 + (1.0 - m) * like0)
    return np.asarray(np.clip(post, EPS, 1 - EPS), dtype=np.float64)


def _entropy(p: FloatArray) -> FloatArray:
    return np.asarray(-(p * np.log2(p) + (1 - p) * np.log2(1 - p)), dtype=np.float64)


def information_gain(model: PlacementModel, belief: Belief) -> FloatArray:
    """For every point, the expected drop (bits) of the summed entropy of all marginals
    if it were asked next."""
    now = float(_entropy(belief.marginals).sum())
    w, rows = belief.weights, belief.rows  # (G,), (G, K)
    expected = np.zeros(rows.shape[1])
    for correct in (True, False):
        l1, l0 = _likelihoods(correct)
        p_answer = rows * l1 + (1.0 - rows) * l0  # (G, Q): this answer to question q
        joint = w[:, None] * p_answer
        total = joint.sum(axis=0)  # (Q,) P(this answer to q)
        after_w = joint / total  # (G, Q)
        like1, like0 = model.likelihoods[correct]  # (Q, K)
        after = _bayes(rows[:, None, :], like1[None], like0[None])  # (G, Q, K)
        mixed = np.einsum("gq,gqk->qk", after_w, after)
        expected += total * _entropy(np.clip(mixed, EPS, 1 - EPS)).sum(axis=1)
    return np.asarray(now - expected, dtype=np.float64)


def best_question(
    model: PlacementModel, belief: Belief, asked: Mapping[str, int]
) -> tuple[str, float] | None:
    """The point to ask next and its expected gain (bits); None when every point was
    asked :data:`MAX_ASKS` times. Ties go to the earlier point in learning order."""
    gain = information_gain(model, belief)
    for kp, n in asked.items():
        i = model.position.get(kp)
        if i is not None and n >= MAX_ASKS:
            gain[i] = -np.inf
    if not len(gain) or not np.isfinite(gain.max()):
        return None
    best = int(np.argmax(gain))
    return model.points[best], float(gain[best])


def expected_accuracy(m: FloatArray) -> float:
    """The share of points the model expects to place right (mean of max(m, 1 - m))."""
    return float(np.maximum(m, 1.0 - m).mean()) if len(m) else 1.0


def should_stop(m: FloatArray, asked: int, cap: int, best_gain: float | None) -> bool:
    """Whether the check is over (see the module docstring)."""
    if asked >= cap or best_gain is None:
        return True
    if asked < min(MIN_ITEMS, cap):
        return False
    return expected_accuracy(m) >= STOP_CONFIDENCE or best_gain < MIN_GAIN
