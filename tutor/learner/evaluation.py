"""Evaluate knowledge-tracing models on held-out students: one registry, one protocol.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tutor.errors import InputError
from tutor.learner.bkt import BKTFit, fit_bkt, predict_bkt
from tutor.learner.data import FloatArray, ResponseLog, check_compatible
from tutor.learner.elo import EloModel, fit_elo, predict_elo
from tutor.learner.metrics import Scores, score

#: ``on_progress(task, done, total)``: what is running and how far along it is.
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EvalOptions:
    """Options shared by every model; ``dkt`` holds a :class:`~tutor.learner.dkt.DKTConfig`."""

    seed: int = 0
    val_fold: int | None = 0
    dkt: Any = None
    on_progress: ProgressFn | None = None


@dataclass(frozen=True)
class Backend:
    """How to fit a model on a training log and predict a test log with it."""

    fit: Callable[[ResponseLog, int, EvalOptions], Any]
    predict: Callable[[Any, ResponseLog], FloatArray]
    details: Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class EvalResult:
    """Scores of one model, with its fit and prediction times and model-specific details."""

    model: str
    scores: Scores
    fit_seconds: float
    predict_seconds: float
    details: dict[str, Any] = field(default_factory=dict)
    predictions: FloatArray | None = None


def _bkt_fitter(forget: bool) -> Callable[[ResponseLog, int, EvalOptions], BKTFit]:
    """Classic BKT (``forget`` False) or BKT with a fitted per-skill forgetting rate."""
    max_iter = 100
    task = "BKT+forget EM iterations" if forget else "BKT EM iterations"

    def fit(train: ResponseLog, n_skills: int, opt: EvalOptions) -> BKTFit:
        progress = opt.on_progress

        def on_iteration(i: int, _ll: float) -> None:
            if progress is not None:
                progress(task, i + 1, max_iter + 1)

        return fit_bkt(
            train,
            n_skills=n_skills,
            max_iter=max_iter,
            fit_forget=forget,
            seed=opt.seed,
            on_iteration=on_iteration,
        )

    return fit


def _bkt_details(fit: BKTFit) -> dict[str, Any]:
    return {
        "iterations": fit.iterations,
        "converged": fit.converged,
        "train_ll": fit.final_log_likelihood,
    }


def _fit_elo(train: ResponseLog, n_skills: int, opt: EvalOptions) -> EloModel:
    from tutor.learner.elo import ELO_GRID

    total = int(np.prod([len(v) for v in ELO_GRID.values()]))
    seen = [0]
    progress = opt.on_progress

    def on_candidate(_prm: object, _ll: float) -> None:
        seen[0] += 1
        if progress is not None:
            progress("Elo step-size search", seen[0], total)

    return fit_elo(train, n_skills=n_skills, val_fold=opt.val_fold, on_candidate=on_candidate)


def _fit_dkt(train: ResponseLog, n_skills: int, opt: EvalOptions) -> Any:
    from dataclasses import replace

    from tutor.learner.dkt import DKTConfig, EpochReport, fit_dkt

    cfg = opt.dkt if opt.dkt is not None else DKTConfig()
    cfg = replace(cfg, seed=opt.seed, val_fold=opt.val_fold)
    progress = opt.on_progress
    epoch = [0]

    def on_batch(done: int, total: int) -> None:
        if progress is not None:
            progress(f"DKT epoch {epoch[0] + 1}/{cfg.max_epochs}", done, total)

    def on_epoch(report: EpochReport) -> None:
        epoch[0] = report.epoch + 1

    return fit_dkt(train, cfg, n_skills=n_skills, on_epoch=on_epoch, on_batch=on_batch)


def _predict_dkt(model: Any, data: ResponseLog) -> FloatArray:
    from tutor.learner.dkt import predict_dkt

    return predict_dkt(model, data)


def _dkt_details(model: Any) -> dict[str, Any]:
    history = model.history
    best = max((r for r in history if r.val_auc is not None), key=lambda r: r.val_auc, default=None)
    cfg = model.config
    return {
        "epochs": len(history),
        "best_epoch": None if best is None else best.epoch + 1,
        "val_auc": None if best is None else best.val_auc,
        "embed": cfg.embed,
        "hidden": cfg.hidden,
        "layers": cfg.layers,
        "ensemble": cfg.ensemble,
        "student_features": cfg.student_features,
        "input_features": cfg.input_features,
        "rotate_folds": cfg.rotate_folds,
        "attention": cfg.attention,
        "device": cfg.device,
    }


#: The models ``tutor kt evaluate --model`` knows, by name.
BACKENDS: Mapping[str, Backend] = {
    "bkt": Backend(_bkt_fitter(False), lambda m, d: predict_bkt(m.model, d), _bkt_details),
    # BKT with forgetting (pyBKT's ``forgets=True``): a per-skill P(known -> unknown)
    # between attempts. Better predictions; the engine keeps classic BKT (forget 0) so
    # that a right answer can never lower mastery.
    "bkt-forget": Backend(_bkt_fitter(True), lambda m, d: predict_bkt(m.model, d), _bkt_details),
    "elo": Backend(
        _fit_elo,
        predict_elo,
        lambda m: {
            "alpha": m.params.alpha,
            "alpha_skill": m.params.alpha_skill,
            "beta": m.params.beta,
        },
    ),
    "dkt": Backend(_fit_dkt, _predict_dkt, _dkt_details),
}


def evaluate(
    model: str,
    train: ResponseLog,
    test: ResponseLog,
    options: EvalOptions | None = None,
    *,
    keep_predictions: bool = False,
) -> EvalResult:
    """Fit ``model`` (a name in :data:`BACKENDS`) on ``train`` and score it on ``test``.

    Raises :class:`InputError` for an unknown model or a test skill never seen in training.
    """
    try:
        backend = BACKENDS[model]
    except KeyError:
        raise InputError(
            f"unknown model {model!r}; use one of {', '.join(sorted(BACKENDS))}"
        ) from None
    opt = options or EvalOptions()
    check_compatible(train, test)
    n_skills = max(train.n_skills, test.n_skills)
    start = time.perf_counter()
    fitted = backend.fit(train, n_skills, opt)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = backend.predict(fitted, test)
    predict_seconds = time.perf_counter() - start
    return EvalResult(
        model,
        score(test.correct, predicted),
        fit_seconds,
        predict_seconds,
        backend.details(fitted),
        predicted if keep_predictions else None,
    )
