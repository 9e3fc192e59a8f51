"""Response data as the models see it: plain arrays, no files.

:class:`ResponseLog` holds students' response sequences (knowledge tracing);
:class:`ResponseTable` a class's answers with a Q-matrix (cognitive diagnosis). The files
they come from are read by :mod:`tutor.data` (``tutor.data.kt_logs``, ``tutor.data.cdm``):
nothing in :mod:`tutor.learner` does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ResponseLog:
    """Students' response sequences, flattened into parallel arrays (one entry per response).

    Student ``i`` owns responses ``offsets[i]:offsets[i + 1]``, in the order they were
    given. ``skills`` are non-negative integer skill (knowledge point) ids, ``correct`` is 0/1,
    ``folds`` is the pyKT fold of each student (-1 when there is none).
    """

    skills: IntArray
    correct: IntArray
    offsets: IntArray
    folds: IntArray

    def __post_init__(self) -> None:
        n = len(self.skills)
        if len(self.correct) != n or self.offsets[0] != 0 or self.offsets[-1] != n:
            raise ValueError("ResponseLog arrays do not line up")
        if len(self.folds) != len(self.offsets) - 1:
            raise ValueError("ResponseLog needs one fold per student")

    @property
    def n_students(self) -> int:
        """Number of students (sequences)."""
        return len(self.offsets) - 1

    @property
    def n_responses(self) -> int:
        """Number of responses over all students."""
        return len(self.skills)

    @property
    def n_skills(self) -> int:
        """One more than the largest skill id (ids index arrays of this size)."""
        return int(self.skills.max()) + 1 if len(self.skills) else 0

    @property
    def lengths(self) -> IntArray:
        """Number of responses of each student."""
        return np.diff(self.offsets)

    @property
    def student_of(self) -> IntArray:
        """The student index of each response."""
        return np.repeat(np.arange(self.n_students, dtype=np.int64), self.lengths)

    def sequence(self, i: int) -> tuple[IntArray, IntArray]:
        """Skills and correctness of student ``i``."""
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.skills[lo:hi], self.correct[lo:hi]

    def select(self, students: npt.NDArray[np.bool_] | Sequence[int]) -> ResponseLog:
        """The log of some students only (a boolean mask or a list of indices), in order."""
        idx = np.asarray(students)
        if idx.dtype == np.bool_:
            idx = np.flatnonzero(idx)
        idx = idx.astype(np.int64)
        lengths = self.lengths[idx]
        offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        # Gather every selected response at once: start of its student + position inside.
        starts = np.repeat(self.offsets[idx], lengths)
        within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], lengths)
        rows = starts + within
        return ResponseLog(self.skills[rows], self.correct[rows], offsets, self.folds[idx])


@dataclass(frozen=True)
class ResponseTable:
    """A class's answers for cognitive diagnosis: one entry per answer, and the Q-matrix.

    Answer ``n`` is student ``users[n]``'s answer to item ``items[n]``, right when
    ``correct[n]`` is 1 (a student may answer an item more than once). ``q`` is the
    Q-matrix, items × skills: 1 where item ``j`` needs skill ``k``, else 0 (DINA and NCDM
    read 0/1; the class model of :mod:`tutor.diagnosis.class_cdm` also reads weights in
    between: a skill needed with that probability). Students are ``0 … n_users - 1``
    (some may have no answer here: they are predicted as the model's average student).
    Checked on construction; bad input raises :class:`InputError`.
    """

    users: IntArray
    items: IntArray
    correct: IntArray
    q: npt.NDArray[Any]  # items × skills, integer 0/1 or float weights in [0, 1]
    n_users: int

    def __post_init__(self) -> None:
        n = len(self.users)
        if len(self.items) != n or len(self.correct) != n:
            raise InputError(
                f"{n} students, {len(self.items)} items and {len(self.correct)} answers: "
                "give one student and one item per answer"
            )
        if self.q.ndim != 2 or not ((self.q >= 0) & (self.q <= 1)).all():
            raise InputError("the Q-matrix must be items × skills with values between 0 and 1")
        if n and (self.users.min() < 0 or self.users.max() >= self.n_users):
            raise InputError(f"student indices must lie in 0..{self.n_users - 1}")
        if n and (self.items.min() < 0 or self.items.max() >= self.q.shape[0]):
            raise InputError(
                f"item indices must lie in 0..{self.q.shape[0] - 1} (one Q-matrix row per item)"
            )
        if not np.isin(self.correct, (0, 1)).all():
            raise InputError("answers must be 0 or 1; recode correctness as 0/1")

    @classmethod
    def from_matrix(
        cls, responses: npt.ArrayLike, mask: npt.ArrayLike, q: npt.ArrayLike
    ) -> ResponseTable:
        """The observed cells (``mask`` True) of a students × items 0/1 matrix, row by row."""
        x = np.asarray(responses)
        m = np.asarray(mask, dtype=bool)
        if x.ndim != 2 or x.shape != m.shape:
            raise InputError(
                f"responses {x.shape} and mask {m.shape} must be matrices of the same shape"
            )
        users, items = np.nonzero(m)
        return cls(
            users.astype(np.int64),
            items.astype(np.int64),
            np.asarray(x[users, items], dtype=np.int64),
            np.asarray(q, dtype=np.int64),
            int(x.shape[0]),
        )

    @property
    def n_answers(self) -> int:
        """Number of answers."""
        return len(self.users)

    @property
    def n_items(self) -> int:
        """Number of items (rows of the Q-matrix)."""
        return int(self.q.shape[0])

    @property
    def n_skills(self) -> int:
        """Number of skills (columns of the Q-matrix)."""
        return int(self.q.shape[1])


def from_sequences(
    sequences: Sequence[tuple[Sequence[int], Sequence[int]]],
    folds: Sequence[int] | None = None,
) -> ResponseLog:
    """Build a :class:`ResponseLog` from ``[(skills, correct), …]``, one pair per student.

    Raises :class:`InputError` on ragged pairs, negative skills or non-0/1 responses.
    """
    skills: list[int] = []
    correct: list[int] = []
    lengths: list[int] = []
    for n, (s, c) in enumerate(sequences):
        if len(s) != len(c):
            raise InputError(
                f"sequence {n} has {len(s)} skills but {len(c)} responses; give one each"
            )
        skills.extend(int(x) for x in s)
        correct.extend(int(x) for x in c)
        lengths.append(len(s))
    fold_arr = np.full(len(lengths), -1, dtype=np.int64) if folds is None else np.asarray(folds)
    log = ResponseLog(
        np.asarray(skills, dtype=np.int64),
        np.asarray(correct, dtype=np.int64),
        np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64),
        fold_arr.astype(np.int64),
    )
    check_values(log, "the given sequences")
    return log


def check_values(log: ResponseLog, where: str) -> None:
    """Refuse negative skill ids and responses other than 0/1 (``where`` names the source)."""
    if len(log.skills) and log.skills.min() < 0:
        raise InputError(f"{where}: skill ids must be non-negative integers")
    bad = np.flatnonzero((log.correct != 0) & (log.correct != 1))
    if len(bad):
        raise InputError(
            f"{where}: responses must be 0 or 1, found {int(log.correct[bad[0]])}; "
            "recode correctness as 0/1"
        )


@dataclass(frozen=True)
class UnseenSkills:
    """Test responses on skills the training log never saw, set apart (:func:`split_unseen`).

    ``seen`` is the test log without those responses (students left with none are dropped);
    ``rows`` maps each of its responses back to its position in the original test log;
    ``unseen`` marks, per original test response, the ones set apart; ``skills`` are the
    unseen skill ids.
    """

    seen: ResponseLog
    rows: IntArray
    unseen: npt.NDArray[np.bool_]
    skills: tuple[int, ...]

    def note(self, rate: float) -> str | None:
        """The line that says what was done, or ``None`` when every test skill was seen."""
        if not self.skills:
            return None
        shown = ", ".join(str(s) for s in self.skills[:5]) + (" …" if len(self.skills) > 5 else "")
        return (
            f"the test data has {len(self.skills)} skill id(s) never seen in training "
            f"({shown}): their {int(self.unseen.sum())} response(s) are predicted from the "
            f"training population's rate of right answers ({rate:.4f}) and left out of the "
            "model's input; every other response is predicted by the model"
        )


def split_unseen(train: ResponseLog, test: ResponseLog) -> UnseenSkills:
    """Set apart the test responses whose skill never occurs in ``train``.

    A widely used DKT-format split of ASSIST2009 has such a test skill. No model fitted on
    the training log can say anything about a skill it never saw, so those responses are
    predicted from the population rate by the caller, and kept out of the model's input
    (an embedding never trained would feed noise into the student's state).
    """
    seen_ids = np.zeros(max(train.n_skills, test.n_skills), dtype=bool)
    seen_ids[np.unique(train.skills)] = True
    unseen = ~seen_ids[test.skills] if len(test.skills) else np.zeros(0, dtype=bool)
    skills = tuple(int(s) for s in np.unique(test.skills[unseen]))
    keep = ~unseen
    kept_per_student = (
        np.add.reduceat(keep.astype(np.int64), test.offsets[:-1])
        if len(keep)
        else np.zeros(test.n_students, dtype=np.int64)
    )
    # reduceat on an empty segment returns the next element, not 0: zero those by length.
    kept_per_student = np.where(test.lengths > 0, kept_per_student, 0)
    students = np.flatnonzero(kept_per_student > 0)
    rows = np.flatnonzero(keep)
    offsets = np.concatenate(([0], np.cumsum(kept_per_student[students]))).astype(np.int64)
    seen = ResponseLog(test.skills[rows], test.correct[rows], offsets, test.folds[students])
    return UnseenSkills(seen=seen, rows=rows.astype(np.int64), unseen=unseen, skills=skills)
