"""Response logs for knowledge tracing, and the two file formats they are read from.

This is the one module of :mod:`tutor.learner` that reads files; the models themselves
only see :class:`ResponseLog` arrays. Two formats are understood:

``pykt``
    The CSV that pyKT's preprocessing writes (``train_valid.csv``, ``test.csv``): a header
    with at least ``uid,concepts,responses`` (``fold`` optional), one student per row, the
    lists quoted and comma-separated. ``-1`` is pyKT's padding and is dropped, as are
    extra columns such as ``cidxs``. Multi-skill questions (``3_7``) are not supported.
``dkt3``
    The three-lines-per-student text of the Deep Knowledge Tracing paper: the number of
    responses, the skill ids, the 0/1 correctness, comma-separated (a trailing comma is
    allowed). Blank lines between students are ignored.

Every problem raises :class:`~tutor.errors.InputError` naming the file, the line and
what to do; nothing is returned half-read.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError

Format = Literal["pykt", "dkt3"]
FORMATS: Final[tuple[Format, ...]] = ("pykt", "dkt3")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: pyKT pads sequences with this value (in concepts and responses alike).
PYKT_PAD: Final = -1


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
    _check_values(log, "the given sequences")
    return log


def _check_values(log: ResponseLog, where: str) -> None:
    if len(log.skills) and log.skills.min() < 0:
        raise InputError(f"{where}: skill ids must be non-negative integers")
    bad = np.flatnonzero((log.correct != 0) & (log.correct != 1))
    if len(bad):
        raise InputError(
            f"{where}: responses must be 0 or 1, found {int(log.correct[bad[0]])}; "
            "recode correctness as 0/1"
        )


def _int_list(text: str, path: Path, line: int, what: str) -> list[int]:
    parts = [p.strip() for p in text.split(",")]
    if parts and parts[-1] == "":  # the DKT files end their lists with a comma
        parts.pop()
    try:
        return [int(p) for p in parts]
    except ValueError:
        bad = next(p for p in parts if not _is_int(p))
        raise InputError(
            f"{path}:{line}: {what} must be comma-separated integers, found {bad!r}"
        ) from None


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _open_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path given to --train/--test")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file; give a pykt CSV or a dkt3 file") from None


def _finish(
    path: Path, skills: list[int], correct: list[int], lengths: list[int], folds: list[int]
) -> ResponseLog:
    if not lengths or not skills:
        raise InputError(f"{path}: no responses found; is this the right file?")
    log = ResponseLog(
        np.asarray(skills, dtype=np.int64),
        np.asarray(correct, dtype=np.int64),
        np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64),
        np.asarray(folds, dtype=np.int64),
    )
    _check_values(log, str(path))
    return log


def read_pykt(path: Path) -> ResponseLog:
    """Read a pyKT sequence CSV (``fold,uid,concepts,responses[,…]``), dropping -1 padding."""
    text = _open_text(path)
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    needed = {"uid", "concepts", "responses"}
    if header is None or not needed <= {h.strip() for h in header}:
        raise InputError(
            f"{path}: not a pykt CSV: the header must name uid, concepts and responses "
            f"(got {','.join(header or [])[:80]!r}); use --format dkt3 for three-line files"
        )
    col = {h.strip(): i for i, h in enumerate(header)}
    skills: list[int] = []
    correct: list[int] = []
    lengths: list[int] = []
    folds: list[int] = []
    for line_no, row in enumerate(rows, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}:{line_no}: {len(row)} fields where the header has {len(header)}; "
                "quote the concept and response lists"
            )
        concepts = _int_list(row[col["concepts"]], path, line_no, "concepts")
        responses = _int_list(row[col["responses"]], path, line_no, "responses")
        if len(concepts) != len(responses):
            raise InputError(
                f"{path}:{line_no}: {len(concepts)} concepts but {len(responses)} responses; "
                "each response needs exactly one concept"
            )
        kept = [(c, r) for c, r in zip(concepts, responses, strict=True) if c != PYKT_PAD]
        if any(r == PYKT_PAD for _, r in kept):
            raise InputError(f"{path}:{line_no}: response -1 (padding) under a real concept")
        if not kept:
            continue
        fold = row[col["fold"]].strip() if "fold" in col else "-1"
        if not _is_int(fold):
            raise InputError(f"{path}:{line_no}: fold must be an integer, found {fold!r}")
        skills.extend(c for c, _ in kept)
        correct.extend(r for _, r in kept)
        lengths.append(len(kept))
        folds.append(int(fold))
    return _finish(path, skills, correct, lengths, folds)


def read_dkt3(path: Path) -> ResponseLog:
    """Read the DKT paper's three-lines-per-student format (count, skills, correctness)."""
    text = _open_text(path)
    lines = [(n, ln.strip()) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    if lines and not _is_int(lines[0][1].rstrip(",")):
        raise InputError(
            f"{path}:{lines[0][0]}: a dkt3 file starts with a number of responses, found "
            f"{lines[0][1][:40]!r}; is this a pykt CSV (use --format pykt)?"
        )
    if len(lines) % 3:
        raise InputError(
            f"{path}: {len(lines)} non-blank lines is not a multiple of 3; dkt3 needs a count "
            "line, a skills line and a correctness line per student"
        )
    skills: list[int] = []
    correct: list[int] = []
    lengths: list[int] = []
    for k in range(0, len(lines), 3):
        (n0, count_text), (n1, skill_text), (n2, resp_text) = lines[k : k + 3]
        count = _int_list(count_text, path, n0, "the response count")
        if len(count) != 1 or count[0] < 0:
            raise InputError(
                f"{path}:{n0}: expected the number of responses on its own, found "
                f"{count_text[:40]!r}; is this a pykt CSV (use --format pykt)?"
            )
        s = _int_list(skill_text, path, n1, "skill ids")
        r = _int_list(resp_text, path, n2, "responses")
        if len(s) != count[0] or len(r) != count[0]:
            raise InputError(
                f"{path}:{n0}-{n2}: the count says {count[0]} responses but there are "
                f"{len(s)} skills and {len(r)} responses; make the three lines agree"
            )
        if count[0] == 0:
            continue
        skills.extend(s)
        correct.extend(r)
        lengths.append(count[0])
    return _finish(path, skills, correct, lengths, [-1] * len(lengths))


_READERS = {"pykt": read_pykt, "dkt3": read_dkt3}


def read_log(path: Path, fmt: Format) -> ResponseLog:
    """Read a response log in format ``fmt`` (``pykt`` or ``dkt3``)."""
    try:
        reader = _READERS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return reader(Path(path))


def check_compatible(train: ResponseLog, test: ResponseLog) -> None:
    """Refuse a test log with skills the training log never saw (no model could score them)."""
    seen = np.zeros(max(train.n_skills, test.n_skills), dtype=bool)
    seen[np.unique(train.skills)] = True
    unseen = np.flatnonzero(~seen[np.unique(test.skills)])
    if len(unseen):
        ids = np.unique(test.skills)[unseen]
        shown = ", ".join(str(int(x)) for x in ids[:5]) + (" …" if len(ids) > 5 else "")
        raise InputError(
            f"the test data has {len(ids)} skill id(s) never seen in training ({shown}); "
            "train on data covering every test skill, or drop those responses"
        )
