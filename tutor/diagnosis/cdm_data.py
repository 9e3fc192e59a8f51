"""Class response data for cognitive diagnosis, as the models and evaluations see it.

:class:`MatrixData` (a response matrix with its Q-matrix) and :class:`LongData` (train and
test answers in the long format, indexed) are what :mod:`tutor.data.cdm` reads from files;
:func:`holdout_cells` picks the held-out cells of a matrix. Nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class MatrixData:
    """A class's response matrix and its Q-matrix, checked against each other."""

    responses: IntArray  # students × items, 0/1
    q: IntArray  # items × skills, 0/1

    @property
    def n_students(self) -> int:
        """Number of students (rows of the response matrix)."""
        return int(self.responses.shape[0])

    @property
    def n_items(self) -> int:
        """Number of items (columns of the response matrix, rows of the Q-matrix)."""
        return int(self.responses.shape[1])

    @property
    def n_skills(self) -> int:
        """Number of skills (columns of the Q-matrix)."""
        return int(self.q.shape[1])


def holdout_cells(shape: tuple[int, int], fraction: float, seed: int) -> BoolArray:
    """A seeded random choice of about ``fraction`` of the cells (True = held out)."""
    if not 0.0 < fraction < 1.0:
        raise InputError(f"the held-out fraction must be between 0 and 1, not {fraction}")
    rng = np.random.default_rng(seed)
    held: BoolArray = rng.random(shape) < fraction
    return held


@dataclass(frozen=True)
class LongData:
    """Train and test answers in dense indices, and the Q-matrix over the items.

    Users, items and skills are numbered in the sorted order of their ids
    (``user_ids[u]`` is the id of user ``u``, and so on). ``q`` has one row per item of the
    items file and one column per knowledge code that some item lists.
    """

    train_users: IntArray
    train_items: IntArray
    train_scores: IntArray
    test_users: IntArray
    test_items: IntArray
    test_scores: IntArray
    q: IntArray
    user_ids: IntArray
    item_ids: IntArray
    skill_ids: IntArray
    #: What was done about quirks of the files as published (docs/DATA.md), one line each.
    notes: tuple[str, ...] = ()
    #: The validation split the format provides (EduCDM's ``valid.csv``), when given: what
    #: NCDM's early stopping watches instead of a share of the training answers.
    valid_users: IntArray | None = None
    valid_items: IntArray | None = None
    valid_scores: IntArray | None = None

    @property
    def n_users(self) -> int:
        """Number of distinct users in train, test (and validation) together."""
        return len(self.user_ids)
