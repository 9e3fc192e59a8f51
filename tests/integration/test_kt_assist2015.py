"""BKT and Elo on the real ASSIST2015 split (pyKT's train_valid.csv / test.csv).

The data is read where it lies (``$TUTOR_SHARED_DATA/assist2015``, else
``<repo>/../shared/data/assist2015``) and never copied. Without it the test is skipped
locally and FAILS when ``CI=true``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tutor.data.kt_logs import read_log
from tutor.learner.data import ResponseLog
from tutor.learner.evaluation import evaluate

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _data_dir() -> Path:
    shared = os.environ.get("TUTOR_SHARED_DATA")
    base = Path(shared).expanduser() if shared else REPO.parent / "shared" / "data"
    return base / "assist2015"


@pytest.fixture(scope="module")
def assist2015() -> tuple[ResponseLog, ResponseLog]:
    folder = _data_dir()
    if not (folder / "train_valid.csv").is_file() or not (folder / "test.csv").is_file():
        reason = f"ASSIST2015 not found in {folder} (set TUTOR_SHARED_DATA)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the ASSIST2015 test, but {reason}")
        pytest.skip(reason)
    return read_log(folder / "train_valid.csv", "pykt"), read_log(folder / "test.csv", "pykt")


def test_files_read_as_documented(assist2015: tuple[ResponseLog, ResponseLog]) -> None:
    train, test = assist2015
    assert (train.n_students, train.n_responses) == (15_275, 544_339)
    assert (test.n_students, test.n_responses) == (3_818, 138_458)
    assert set(train.folds.tolist()) == {0, 1, 2, 3, 4}
    assert train.n_skills == 100


def test_bkt_baseline_on_assist2015(assist2015: tuple[ResponseLog, ResponseLog]) -> None:
    train, test = assist2015
    result = evaluate("bkt", train, test)
    assert result.scores.n_test == 138_458
    # Measured 0.699847 (BENCHMARKS.md; pyBKT's BKT 0.699731 in the same run); BKT
    # baselines in the literature are 0.65-0.70.
    assert 0.69 <= result.scores.auc <= 0.72
    assert result.scores.rmse < 0.43
    assert result.details["converged"]
    # The training file's own cross-validation chose the pull towards the average skill.
    assert result.details["shrink"] == 10.0
    # Forgetting helps on skill-builder data (measured 0.70330): it must beat classic BKT.
    forget = evaluate("bkt-forget", train, test)
    assert forget.scores.auc > result.scores.auc + 0.002
