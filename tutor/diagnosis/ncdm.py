"""Neural cognitive diagnosis (NCDM, Wang et al. 2020) for data with many skills.

Exact DINA enumerates 2^K skill profiles, which stops at a dozen skills. NCDM instead gives
every student a proficiency in ``(0, 1)`` on each skill and every item a difficulty on each
skill and a discrimination; the answer is predicted by a small network whose input is

    x = Q_j ⊙ (proficiency_i − difficulty_j) · discrimination_j

(only the skills the item assesses count) and whose weights enter through their absolute
value, so that more proficiency never lowers the predicted chance of a right answer (the
monotonicity assumption of cognitive diagnosis). A student's proficiencies are the
diagnosis: ``sigmoid(theta)`` in :class:`NcdmModel`.

torch is imported inside the fitting function only; the fitted model is plain numpy, so
predictions and mastery need no torch. Without torch, :func:`fit_ncdm` raises
:class:`~tutor.errors.MissingDependency`. Everything is seeded (initial weights and batches
from numpy, dropout in a forked torch generator), so a fit is reproducible on one machine.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError, MissingDependency
from tutor.learner.data import ResponseTable
from tutor.learner.estimator import EstimatorOptions

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ProgressFn = Callable[[str, int, int], None]


def require_torch() -> Any:
    """Import torch, or raise :class:`MissingDependency` saying how to install it."""
    try:
        import torch
    except ImportError:
        raise MissingDependency(
            "the NCDM model needs PyTorch: pip install torch (the CPU build is enough)"
        ) from None
    return torch


#: Validation AUC per ``init_std`` (mean over seeds: sparse fixture 0-1, FrcSub 0-2,
#: ASSIST2015 2,000 students seed 0), and their mean: 0.01 and 0.003 tie (3e-5), and 0.01 is
#: the smaller change; 0.1 was the default before.
INIT_STD_CHOICE = {
    0.1: (0.68746, 0.89293, 0.67159, 0.75066),
    0.03: (0.69274, 0.89240, 0.67196, 0.75237),
    0.01: (0.69367, 0.89228, 0.67173, 0.75256),
    0.003: (0.69384, 0.89232, 0.67161, 0.75259),
}


@dataclass(frozen=True)
class NcdmConfig:
    """Training settings. Early stopping uses the validation answers given to
    :func:`fit_ncdm` (``valid``: the validation split a data format provides), else a
    seeded ``val_fraction`` of the training answers; with too few of them (or 0) all answers
    train for ``epochs`` epochs."""

    epochs: int = 40
    batch_size: int = 256
    lr: float = 0.002
    hidden: tuple[int, int] = (128, 64)
    dropout: float = 0.2
    #: Proficiency and difficulty enter through sigmoids; discrimination is scaled by this.
    #: 1 (EduCDM's choice), not the 10 used before: with many items and few answers each
    #: (EduCDM-format ASSIST splits) a large scale lets every item's difficulties fit its
    #: few answers. Chosen on validation AUC (docs/DATA.md, "NCDM against EduCDM"), seed 0:
    #: sparse fixture 0.6470 → 0.6782, FrcSub 0.8865 → 0.8866.
    discrimination_scale: float = 1.0
    val_fraction: float = 0.1
    patience: int = 4
    #: What early stopping keeps the best epoch of: validation AUC (the default, chosen on
    #: validation: sparse fixture 0.6782 → 0.6853, FrcSub 0.8866 → 0.8878) or log-loss.
    stop_on: Literal["loss", "auc"] = "auc"
    #: Adam's L2 penalty on every parameter (0: none).
    weight_decay: float = 0.0
    #: Standard deviation of the initial proficiencies, difficulties and discriminations
    #: (pre-sigmoid; the network's weights start Xavier-normal whatever this is). Near 0, so
    #: every student starts as the average student: with few answers per (student, skill)
    #: early stopping comes before training washes a larger random start out of the sparse
    #: cells, and that noise stays in the predictions (EduCDM's Xavier start is about 0.03).
    #: Chosen on validation AUC (``benchmarks/ncdm_sweep.py``; :data:`INIT_STD_CHOICE`).
    init_std: float = 0.01
    seed: int = 0
    #: torch CPU threads while fitting (None: leave torch's setting alone). One thread is
    #: fastest for these small matrices on a shared 2-core machine.
    threads: int | None = 1


@dataclass(frozen=True)
class NcdmModel:
    """A fitted NCDM, as numpy arrays (pre-activation values, as in the network)."""

    theta: FloatArray  # students × skills
    difficulty: FloatArray  # items × skills
    discrimination: FloatArray  # items
    q: FloatArray  # items × skills
    weights: tuple[FloatArray, ...]  # per layer, out × in (used as |w|)
    biases: tuple[FloatArray, ...]
    epochs_run: int
    best_val_auc: float | None
    discrimination_scale: float

    def mastery(self) -> FloatArray:
        """Each student's proficiency on each skill, in (0, 1): students × skills."""
        return _sigmoid(self.theta)

    def predict_proba(self, users: npt.ArrayLike, items: npt.ArrayLike) -> FloatArray:
        """P(correct) of each (student, item) pair (:func:`predict_ncdm`)."""
        return predict_ncdm(self, users, items)

    def details(self) -> dict[str, Any]:
        """Epochs run and the best validation AUC (None without early stopping)."""
        return {"epochs": self.epochs_run, "val_auc": self.best_val_auc}


def _sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free logistic
    return out


@contextmanager
def _torch_threads(torch: Any, n: int | None) -> Iterator[None]:
    """Run with ``n`` torch CPU threads, then restore the process's setting."""
    if n is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _check_inputs(
    users: IntArray, items: IntArray, correct: IntArray, q: FloatArray, n_users: int
) -> None:
    if not (len(users) == len(items) == len(correct)):
        raise InputError("users, items and answers must be arrays of the same length")
    if len(users) == 0:
        raise InputError("there are no answers to train NCDM on")
    if q.ndim != 2 or (q.sum(axis=1) == 0).any():
        raise InputError("the Q-matrix must be items × skills with a skill in every row")
    if users.min() < 0 or users.max() >= n_users:
        raise InputError(f"student indices must lie in 0..{n_users - 1}")
    if items.min() < 0 or items.max() >= q.shape[0]:
        raise InputError(f"item indices must lie in 0..{q.shape[0] - 1}")
    if not np.isin(correct, (0, 1)).all():
        raise InputError("answers must be 0 or 1")


def _build(
    torch: Any, n_users: int, q: FloatArray, cfg: NcdmConfig, rng: np.random.Generator
) -> Any:
    nn = torch.nn
    n_items, n_skills = q.shape
    h1, h2 = cfg.hidden
    scale = cfg.discrimination_scale

    class Net(nn.Module):  # type: ignore[misc,name-defined]  # torch is untyped here (lazy import)
        def __init__(self) -> None:
            super().__init__()

            # Initial values come from the seeded numpy generator, not torch's global one.
            def param(*shape: int, std: float) -> Any:
                return nn.Parameter(torch.tensor(rng.normal(0.0, std, shape), dtype=torch.float32))

            self.theta = param(n_users, n_skills, std=cfg.init_std)
            self.difficulty = param(n_items, n_skills, std=cfg.init_std)
            self.discrimination = param(n_items, std=cfg.init_std)
            self.weights = nn.ParameterList(
                [
                    param(h1, n_skills, std=(2.0 / (n_skills + h1)) ** 0.5),
                    param(h2, h1, std=(2.0 / (h1 + h2)) ** 0.5),
                    param(1, h2, std=(2.0 / (h2 + 1)) ** 0.5),
                ]
            )

            # Layers 2 and 3 read sigmoid outputs (about 0.5 each) through |w|, so their sums
            # start far from 0 and saturate the output; biases that cancel the sums at the
            # start avoid the long plateau that this costs the first epochs.
            def centred(w: Any) -> Any:
                return nn.Parameter(-0.5 * w.detach().abs().sum(dim=1))

            self.biases = nn.ParameterList(
                [
                    nn.Parameter(torch.zeros(h1)),
                    centred(self.weights[1]),
                    centred(self.weights[2]),
                ]
            )
            self.register_buffer("q", torch.tensor(q, dtype=torch.float32))
            self.drop = nn.Dropout(cfg.dropout)

        def forward(self, u: Any, j: Any) -> Any:
            x = (
                self.q[j]
                * (torch.sigmoid(self.theta[u]) - torch.sigmoid(self.difficulty[j]))
                * (torch.sigmoid(self.discrimination[j]) * scale)[:, None]
            )
            for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                x = torch.nn.functional.linear(x, w.abs(), b)
                if layer < 2:
                    x = self.drop(torch.sigmoid(x))
            return x[:, 0]  # logits

    return Net()


def _auc(y: IntArray, p: FloatArray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))


def _log_loss(y: IntArray, p: FloatArray) -> float:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def fit_ncdm(
    users: npt.ArrayLike,
    items: npt.ArrayLike,
    correct: npt.ArrayLike,
    q: npt.ArrayLike,
    n_users: int | None = None,
    config: NcdmConfig | None = None,
    on_progress: ProgressFn | None = None,
    valid: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] | None = None,
) -> NcdmModel:
    """Fit NCDM to answers given as parallel arrays of student index, item index and 0/1.

    ``q`` is items × skills; ``n_users`` defaults to one more than the largest student
    index. ``valid`` (students, items, answers of a validation split) is what early
    stopping watches when given: then every training answer trains, and the epoch with the
    best validation score is kept; without it a seeded ``config.val_fraction`` of the
    training answers is set aside for that. ``on_progress(task, done, total)`` is called
    after every epoch; each epoch is also logged. Students (items) with no training answer
    get the mean of the trained students' (items') parameters, so they are predicted as an
    average student (item).
    """
    torch = require_torch()
    cfg = config or NcdmConfig()
    u = np.asarray(users, dtype=np.int64)
    j = np.asarray(items, dtype=np.int64)
    y = np.asarray(correct, dtype=np.int64)
    qm = np.asarray(q, dtype=np.float64)
    n_users = int(u.max()) + 1 if n_users is None and len(u) else int(n_users or 0)
    _check_inputs(u, j, y, qm, n_users)
    if not (cfg.init_std >= 0.0 and np.isfinite(cfg.init_std)):
        raise InputError(f"init_std must be a standard deviation >= 0, got {cfg.init_std}")
    rng = np.random.default_rng(cfg.seed)
    n_train = len(u)
    if valid is not None:
        vu, vj, vy = (np.asarray(a, dtype=np.int64) for a in valid)
        if len(vu):
            _check_inputs(vu, vj, vy, qm, n_users)
        # The validation answers ride along after the training ones, flagged as such.
        u, j, y = np.concatenate([u, vu]), np.concatenate([j, vj]), np.concatenate([y, vy])
        is_val = np.arange(len(u)) >= n_train
    else:
        is_val = rng.random(len(u)) < cfg.val_fraction
    # Early stopping needs a validation set with both kinds of answers; else train on all.
    if is_val.sum() < 20 or len(np.unique(y[is_val])) < 2:
        is_val[:] = False
    train_idx = np.flatnonzero(~is_val[:n_train])
    with _torch_threads(torch, cfg.threads), torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg.seed)  # dropout only; restored on leaving fork_rng
        net = _build(torch, n_users, qm, cfg, rng)
        opt = torch.optim.Adam(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        tu, tj = torch.from_numpy(u), torch.from_numpy(j)
        ty = torch.from_numpy(y.astype(np.float32))
        best_loss, best_auc, best_state, stale, epoch = np.inf, -1.0, None, 0, 0
        start = time.perf_counter()
        for epoch in range(1, cfg.epochs + 1):
            net.train()
            order = rng.permutation(train_idx)
            total = 0.0
            for lo in range(0, len(order), cfg.batch_size):
                batch = torch.from_numpy(order[lo : lo + cfg.batch_size])
                opt.zero_grad()
                loss = loss_fn(net(tu[batch], tj[batch]), ty[batch])
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(batch)
            message = f"NCDM epoch {epoch}/{cfg.epochs}: train loss {total / len(order):.4f}"
            if is_val.any():
                net.eval()
                val = torch.from_numpy(np.flatnonzero(is_val))
                with torch.no_grad():
                    p_val = torch.sigmoid(net(tu[val], tj[val])).numpy().astype(np.float64)
                auc = _auc(y[is_val], p_val)
                val_loss = _log_loss(y[is_val], p_val)
                message += f", validation log-loss {val_loss:.4f}, AUC {auc:.4f}"
                # AUC by default (what the comparisons score); log-loss when calibration
                # matters more (RMSE, accuracy at 0.5, a teacher reading probabilities).
                better = (
                    val_loss < best_loss - 1e-5 if cfg.stop_on == "loss" else auc > best_auc + 1e-5
                )
                if better:
                    best_loss, best_auc, stale = val_loss, auc, 0
                    best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
                else:
                    stale += 1
            log.info("%s (%.1f s)", message, time.perf_counter() - start)
            if on_progress is not None:
                on_progress("NCDM epochs", epoch, cfg.epochs)
            if is_val.any() and stale >= cfg.patience:
                break
        if best_state is not None:
            net.load_state_dict(best_state)
        params = {k: v.detach().numpy().astype(np.float64) for k, v in net.named_parameters()}
    theta = params["theta"]
    difficulty, discrimination = params["difficulty"], params["discrimination"]
    seen_users = np.zeros(n_users, dtype=bool)
    seen_users[u[train_idx]] = True
    seen_items = np.zeros(qm.shape[0], dtype=bool)
    seen_items[j[train_idx]] = True
    theta[~seen_users] = theta[seen_users].mean(axis=0)
    difficulty[~seen_items] = difficulty[seen_items].mean(axis=0)
    discrimination[~seen_items] = discrimination[seen_items].mean()
    return NcdmModel(
        theta=theta,
        difficulty=difficulty,
        discrimination=discrimination,
        q=qm,
        weights=tuple(params[f"weights.{i}"] for i in range(3)),
        biases=tuple(params[f"biases.{i}"] for i in range(3)),
        epochs_run=epoch,
        best_val_auc=best_auc if best_state is not None else None,
        discrimination_scale=cfg.discrimination_scale,
    )


def predict_ncdm(model: NcdmModel, users: npt.ArrayLike, items: npt.ArrayLike) -> FloatArray:
    """P(correct) for each (student index, item index) pair, in numpy (no torch needed)."""
    u = np.asarray(users, dtype=np.int64)
    j = np.asarray(items, dtype=np.int64)
    if len(u) != len(j):
        raise InputError("give as many items as students to predict")
    if len(u) and (
        u.max() >= len(model.theta) or j.max() >= len(model.q) or min(u.min(), j.min()) < 0
    ):
        raise InputError("a student or item index is outside the fitted model")
    x = (
        model.q[j]
        * (_sigmoid(model.theta[u]) - _sigmoid(model.difficulty[j]))
        * (_sigmoid(model.discrimination[j]) * model.discrimination_scale)[:, None]
    )
    for layer, (w, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        x = x @ np.abs(w).T + b
        if layer < 2:
            x = _sigmoid(x)  # dropout is off at prediction time
    return _sigmoid(x[:, 0])


@dataclass(frozen=True)
class NcdmEstimator:
    """NCDM behind the estimator contract (:mod:`tutor.learner.estimator`): :func:`fit_ncdm`
    with ``config``, seeded by ``fit``'s ``seed``."""

    config: NcdmConfig = field(default_factory=NcdmConfig)
    kind: Literal["cdm"] = field(default="cdm", init=False)

    def fit(
        self,
        data: ResponseTable,
        *,
        seed: int = 0,
        on_progress: ProgressFn | None = None,
        valid: ResponseTable | None = None,
    ) -> NcdmModel:
        """Train on every answer of ``data`` (torch needed); progress counts epochs.

        ``valid`` (the same students and items) is the validation split early stopping
        watches; without it a share of ``data`` is set aside (:class:`NcdmConfig`).
        """
        return fit_ncdm(
            data.users,
            data.items,
            data.correct,
            data.q,
            n_users=data.n_users,
            config=replace(self.config, seed=seed),
            on_progress=on_progress,
            valid=None if valid is None else (valid.users, valid.items, valid.correct),
        )


def ncdm_estimator(options: EstimatorOptions) -> NcdmEstimator:
    """NCDM with ``options.ncdm`` (else the default configuration), ``options.epochs``
    epochs at most when given. Registered as ``ncdm``."""
    cfg = NcdmConfig() if options.ncdm is None else options.ncdm
    if not isinstance(cfg, NcdmConfig):
        raise InputError(f"options.ncdm must be an NcdmConfig, not {type(cfg).__name__}")
    if options.epochs is not None:
        cfg = replace(cfg, epochs=options.epochs)
    return NcdmEstimator(cfg)
