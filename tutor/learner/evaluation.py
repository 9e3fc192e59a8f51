"""Evaluate knowledge-tracing models on held-out students: the models by name, one protocol.

The models are those of the estimator registry (:mod:`tutor.learner.estimator`) of kind
``kt``; :func:`evaluate` fits one and scores it the same way for all.

Protocol (what ``tutor kt evaluate`` reports): fit on every training student (for DKT and
Elo one training fold, ``val_fold``, is used for early stopping / step-size tuning), then
predict **every** response of every test student from that student's earlier responses
only: the first response of a sequence (for BKT: of a skill) comes from the prior, and no
test answer is used before it is predicted. AUC (scikit-learn ``roc_auc_score``), accuracy
at 0.5 and RMSE are computed over all those predictions; ``n_test`` is their number.

How this compares with pyKT (Liu et al. 2022, whose ASSIST2015 AUCs are DKT 0.7271 and AKT
0.7281): pyKT cuts test sequences into chunks of 200 answers (``test_sequences.csv``) that
are predicted independently and does not score the first answer of a chunk. Here whole
sequences are used (so the answers after position 200 keep their full history, and
sequences are not cut) and the first answers, which only a prior can predict, are scored
as well. Both effects are small: for BKT on ASSIST2015, leaving out the first answer of each
sequence, or of each 200-answer chunk, changes the AUC by less than 0.001. The numbers are
comparable in kind, not identical in protocol. pyKT trains on the same ``train_valid.csv``
and tests on the same ``test.csv``; its DKT windows training sequences to 200 answers, ours
trains on whole sequences.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tutor.learner.data import FloatArray, ResponseLog, split_unseen
from tutor.learner.estimator import EstimatorOptions, KTEstimator, ProgressFn, kt_estimator
from tutor.learner.metrics import Scores, score


@dataclass(frozen=True)
class EvalOptions:
    """How :func:`evaluate` fits: the seed, progress, and the settings given to the model's
    factory (:class:`~tutor.learner.estimator.EstimatorOptions`: validation fold, epochs,
    DKT preset/device/configuration)."""

    seed: int = 0
    estimator: EstimatorOptions = field(default_factory=EstimatorOptions)
    on_progress: ProgressFn | None = None


@dataclass(frozen=True)
class EvalResult:
    """Scores of one model, with its fit and prediction times and model-specific details."""

    model: str
    scores: Scores
    fit_seconds: float
    predict_seconds: float
    details: dict[str, Any] = field(default_factory=dict)
    predictions: FloatArray | None = None
    #: What was done about quirks of the data as published (docs/DATA.md), one line each.
    notes: tuple[str, ...] = ()


def evaluate(
    model: str,
    train: ResponseLog,
    test: ResponseLog,
    options: EvalOptions | None = None,
    *,
    keep_predictions: bool = False,
) -> EvalResult:
    """Fit ``model`` (a registered knowledge-tracing name) on ``train``; score it on ``test``.

    Raises :class:`InputError` for an unknown model. Test responses on a skill never seen in
    training are predicted from the training population's rate, with a line in ``notes``.
    """
    opt = options or EvalOptions()
    estimator = kt_estimator(model, opt.estimator)
    return evaluate_estimator(
        estimator,
        train,
        test,
        name=model,
        seed=opt.seed,
        on_progress=opt.on_progress,
        keep_predictions=keep_predictions,
    )


def evaluate_estimator(
    estimator: KTEstimator,
    train: ResponseLog,
    test: ResponseLog,
    *,
    name: str,
    seed: int = 0,
    on_progress: ProgressFn | None = None,
    keep_predictions: bool = False,
) -> EvalResult:
    """The protocol of :func:`evaluate` for an estimator built by the caller."""
    # Test responses on skills never seen in training are a benign quirk of some published
    # splits: they are predicted from the population rate, with a note (docs/DATA.md).
    split = split_unseen(train, test)
    rate = float(train.correct.mean()) if train.n_responses else 0.5
    n_skills = max(train.n_skills, test.n_skills)
    start = time.perf_counter()
    fitted = estimator.fit(train, n_skills=n_skills, seed=seed, on_progress=on_progress)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = np.full(test.n_responses, rate)
    if split.seen.n_responses:
        predicted[split.rows] = fitted.predict_proba(split.seen)
    predict_seconds = time.perf_counter() - start
    note = split.note(rate)
    return EvalResult(
        name,
        score(test.correct, predicted),
        fit_seconds,
        predict_seconds,
        fitted.details(),
        predicted if keep_predictions else None,
        notes=(note,) if note else (),
    )
