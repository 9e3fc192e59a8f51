"""Scores of probabilistic predictions of correctness: AUC, accuracy and RMSE."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError, MissingDependency


@dataclass(frozen=True)
class Scores:
    """How well predicted P(correct) matched the observed answers."""

    auc: float
    acc: float
    rmse: float
    n_test: int

    def to_json(self) -> dict[str, float | int]:
        """The CLI's JSON shape: ``{"auc", "acc", "rmse", "n_test"}``."""
        return asdict(self)


def score(correct: npt.ArrayLike, predicted: npt.ArrayLike) -> Scores:
    """AUC (scikit-learn's ``roc_auc_score``), accuracy at a 0.5 threshold and RMSE.

    AUC needs both right and wrong answers among the scored responses; with only one kind
    :class:`InputError` is raised.
    """
    try:
        from sklearn.metrics import roc_auc_score
    except ImportError:
        raise MissingDependency(
            "scoring knowledge-tracing models needs scikit-learn: pip install scikit-learn"
        ) from None
    y = np.asarray(correct, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1:
        raise InputError(f"{len(y)} answers but {len(p)} predictions; score them one to one")
    if len(np.unique(y)) < 2:
        raise InputError(
            "the test answers are all right or all wrong, so AUC is undefined; "
            "test on data with both"
        )
    return Scores(
        auc=float(roc_auc_score(y, p)),
        acc=float(np.mean((p >= 0.5) == (y > 0.5))),
        rmse=float(np.sqrt(np.mean((p - y) ** 2))),
        n_test=len(y),
    )
