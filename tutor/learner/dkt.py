"""Deep knowledge tracing: a GRU over a student's answers predicts the next answer.

torch is imported inside the functions that need it, so :mod:`tutor.learner` and its tests
import without it; :func:`require_torch` raises :class:`~tutor.errors.MissingDependency`
saying ``pip install torch`` when it is missing.

The network (Piech et al. 2015, with the two changes that make it competitive with the
attention models on ASSIST2015):

* each answer ``(skill, correct)`` is embedded and read by a GRU; its hidden state after
  answers ``1 … t`` summarises the student;
* the answer ``t + 1`` is predicted from that state *and an embedding of the skill being
  asked* through a small MLP, instead of the original's one output unit per skill (the
  query-aware head of later models such as SAKT/AKT); the first answer is predicted from a
  learned initial state;
* the head also sees a few counts of the student's own history on the asked skill
  (:func:`history_features`: earlier attempts, earlier right and wrong answers, the last
  answer on it), as in DKT with forgetting features (Nagatani et al. 2019). A GRU state has
  to squeeze 100 skills' histories into a few numbers; the exact counts for the one skill
  being asked are cheap to give it and matter most.

Training is on whole sequences (students sorted by length into batches, so there is little
padding), Adam, binary cross-entropy over every answer, and early stopping on the AUC of one
held-out fold with the best weights restored (the learning rate is halved after each epoch
that does not improve it). Everything is seeded. Optional: stacked GRU layers, weight decay,
and an ensemble of networks trained from consecutive seeds whose probabilities are averaged.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError, MissingDependency
from tutor.learner.data import ResponseLog

# BENCHMARKED and PRESETS are re-exported: callers name them as tutor.learner.dkt.*
from tutor.learner.dkt_config import BENCHMARKED as BENCHMARKED
from tutor.learner.dkt_config import PRESETS, DKTConfig
from tutor.learner.estimator import EstimatorOptions, ProgressFn
from tutor.learner.metrics import score

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def require_torch() -> Any:
    """Import torch, or raise :class:`MissingDependency` saying how to install it."""
    try:
        import torch
    except ImportError:
        raise MissingDependency(
            "the DKT model needs PyTorch: pip install torch (the CPU build is enough)"
        ) from None
    return torch


@dataclass(frozen=True)
class EpochReport:
    """One epoch of training: mean training loss, validation AUC (None without a fold)."""

    epoch: int
    loss: float
    val_auc: float | None
    seconds: float


@dataclass(frozen=True)
class DKTModel:
    """A trained network (a ``torch.nn.Module``, kept in eval mode) and how it was trained."""

    net: Any
    n_skills: int
    config: DKTConfig
    history: list[EpochReport] = field(default_factory=list)
    #: The other networks of an ensemble (``config.ensemble > 1``), with their histories.
    members: tuple[Any, ...] = ()
    member_histories: tuple[list[EpochReport], ...] = ()
    #: The fold each network early-stopped on (None: a random 10% of the students, or none).
    val_folds: tuple[int | None, ...] = ()

    @property
    def nets(self) -> tuple[Any, ...]:
        """Every network whose predictions are averaged."""
        return (self.net, *self.members)

    def predict_proba(self, data: ResponseLog) -> FloatArray:
        """P(correct) of every response given the earlier ones (:func:`predict_dkt`)."""
        return predict_dkt(self, data)

    def details(self) -> dict[str, Any]:
        """Epochs run, the best epoch and its validation AUC, and the configuration."""
        best = max(
            (r for r in self.history if r.val_auc is not None),
            key=lambda r: r.val_auc or 0.0,
            default=None,
        )
        cfg = self.config
        return {
            "epochs": len(self.history),
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


@contextmanager
def _torch_threads(n: int | None) -> Iterator[None]:
    """Run with ``n`` torch CPU threads, then restore the process's setting."""
    torch = require_torch()
    if n is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


#: Number of columns of :func:`history_features`.
N_FEATURES = 9


def history_features(data: ResponseLog) -> npt.NDArray[np.float32]:
    """Per response, counts from the same student's *earlier* answers on the same skill.

    Columns: log(1 + attempts), log(1 + right), log(1 + wrong), smoothed accuracy
    (right + 1) / (attempts + 2), last answer right, last answer wrong, log(1 + current run
    of right answers), log(1 + current run of wrong answers), log(1 + answers since the skill
    was last asked) (0 before the first attempt). Runs matter on skill-builder data such as
    ASSISTments, where an assignment ends after three right answers in a row. Computed for
    all responses at once by sorting on (student, skill).
    """
    n = data.n_responses
    key = data.student_of * max(data.n_skills, 1) + data.skills
    order = np.argsort(key, kind="stable")  # stable: keeps time order inside each chain
    k, c = key[order], data.correct[order].astype(np.float64)
    idx = np.arange(n)
    first = np.ones(n, dtype=bool)
    first[1:] = k[1:] != k[:-1]
    chain = np.cumsum(first) - 1
    start = np.flatnonzero(first)
    attempts = idx - start[chain]
    right_so_far = np.cumsum(c) - c  # right answers before this one, in the whole array
    right = right_so_far - right_so_far[start][chain]
    prev = np.concatenate(([0.0], c[:-1]))
    has_prev = ~first

    def run_before(value: float) -> npt.NDArray[np.float64]:
        # Length of the run of `value` that ends just before each answer, inside its chain:
        # distance to the latest earlier position that broke the run (or the chain start).
        breaks = np.where(c != value, idx, -1)
        last_break = np.maximum(np.maximum.accumulate(breaks), start[chain] - 1)
        run_incl = (idx - last_break).astype(np.float64)  # run ending at each position
        before = np.concatenate(([0.0], run_incl[:-1]))
        return np.where(has_prev, before, 0.0)

    step = (idx - data.offsets[data.student_of])[order]  # position in the student's sequence
    gap = np.where(has_prev, step - np.concatenate(([0], step[:-1])), 0)
    feats = np.empty((n, N_FEATURES), dtype=np.float32)
    feats[order, 0] = np.log1p(attempts)
    feats[order, 1] = np.log1p(right)
    feats[order, 2] = np.log1p(attempts - right)
    feats[order, 3] = (right + 1.0) / (attempts + 2.0)
    feats[order, 4] = has_prev & (prev == 1.0)
    feats[order, 5] = has_prev & (prev == 0.0)
    feats[order, 6] = np.log1p(run_before(1.0))
    feats[order, 7] = np.log1p(run_before(0.0))
    feats[order, 8] = np.log1p(gap)
    return feats


#: Number of columns of :func:`student_features`.
N_STUDENT_FEATURES = 4

#: How many of the latest answers (any skill) the "recent accuracy" column averages.
RECENT = 10


def student_features(data: ResponseLog) -> npt.NDArray[np.float32]:
    """Per response, counts from the same student's *earlier* answers on any skill.

    Columns: log(1 + answers so far), smoothed accuracy so far (right + 1) / (answers + 2),
    smoothed accuracy of the last :data:`RECENT` answers, log(1 + distinct skills asked so
    far). 0-based positions come from ``data.offsets``, so no answer sees itself or a later one.
    """
    n = data.n_responses
    c = data.correct.astype(np.float64)
    idx = np.arange(n)
    start = data.offsets[data.student_of]
    pos = (idx - start).astype(np.float64)  # answers before this one
    before = np.cumsum(c) - c  # right answers before this one, in the whole array
    right = before - before[start]
    # Right answers among the last RECENT (or fewer) before this one.
    window_start = np.maximum(idx - RECENT, start)
    recent_right = before - before[window_start]
    recent_n = (idx - window_start).astype(np.float64)
    # Distinct skills asked before: count first occurrences of (student, skill) so far.
    key = data.student_of * max(data.n_skills, 1) + data.skills
    order = np.argsort(key, kind="stable")
    first = np.ones(n, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    is_first = np.empty(n, dtype=bool)
    is_first[order] = first
    seen = np.cumsum(is_first) - is_first
    distinct = seen - seen[start]
    feats = np.empty((n, N_STUDENT_FEATURES), dtype=np.float32)
    feats[:, 0] = np.log1p(pos)
    feats[:, 1] = (right + 1.0) / (pos + 2.0)
    feats[:, 2] = (recent_right + 1.0) / (recent_n + 2.0)
    feats[:, 3] = np.log1p(distinct)
    return feats


def _features(data: ResponseLog, cfg: DKTConfig) -> npt.NDArray[np.float32]:
    """The head's per-response features: the asked skill's counts (+ the student's)."""
    feats = history_features(data)
    if cfg.student_features:
        feats = np.concatenate([feats, student_features(data)], axis=1)
    return feats


#: While training, attention scores (batch × heads × queries × keys) are computed whole up
#: to this many numbers (2**28 float32 = 1 GB): every training batch of ASSIST2015 (at most
#: 128 × 4 × 618 × 619) is, so the benchmarked networks train exactly as they always did.
ATTENTION_WHOLE_MAX = 2**28

#: Larger ones, and in prediction any larger than this, are computed in blocks of queries of
#: at most this many numbers (64 MB), each recomputed in the backward pass instead of kept.
#: Without blocks, a batch of 128 students with 1,000 answers each asked for a 2 GB tensor per
#: step of the attention (18 GiB in all on a GPU); with them, the attention's memory grows
#: linearly with the length.
ATTENTION_BLOCK_MAX = 2**24


def attention_block(batch: int, heads: int, length: int) -> int:
    """How many queries one block of :func:`_attend_block` takes for this batch shape."""
    return max(1, ATTENTION_BLOCK_MAX // (batch * heads * (length + 1)))


def _attend_block(q: Any, k: Any, v: Any, rate: Any, t0: int) -> Any:
    """Attention of queries ``t0 … t0 + len(q) - 1`` over keys ``0 … len(k) - 1``.

    Key 0 is the "nothing yet" slot, key ``j + 1`` the answer at position ``j``; query ``t``
    sees the slot and the answers before it, its scores lowered by ``rate * log(1 +
    distance)`` per head. Returns (B, H, queries, d).
    """
    torch = require_torch()
    d = q.shape[-1]
    scores = q @ k.transpose(-1, -2) / d**0.5  # (B, H, queries, keys)
    t = torch.arange(t0, t0 + q.shape[2], device=q.device)
    j = torch.arange(-1, k.shape[2] - 1, device=q.device)  # slot 0 is "nothing yet"
    visible = (j[None, :] < t[:, None]) | (j[None, :] == -1)
    distance = torch.where(j[None, :] == -1, 0, t[:, None] - j[None, :]).clamp(min=0)
    scores = (scores - rate * torch.log1p(distance.float())).masked_fill(~visible, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def _build_net(n_skills: int, cfg: DKTConfig) -> Any:
    """The network: a GRU over embedded answers and a query-aware MLP head.

    With ``cfg.attention`` the head also reads an attention summary of the earlier answers
    (SAKT-style, Pandey & Karypis 2019, with AKT's idea of decaying attention by distance,
    Ghosh et al. 2020): the query is the asked skill, the keys are the skills answered
    before, the values are those answers (skill, right/wrong). Each head subtracts
    ``softplus(decay) * log(1 + distance)`` from its scores, so it can learn to favour recent
    answers. A learned "nothing yet" key/value is always visible, so the first answer of a
    sequence has something to attend to. Answer ``t`` attends only to answers ``< t``.
    """
    torch = require_torch()
    nn = torch.nn
    n_features = N_FEATURES + (N_STUDENT_FEATURES if cfg.student_features else 0)
    if cfg.attention and cfg.embed % cfg.heads:
        raise InputError(f"DKT attention: embed {cfg.embed} is not divisible by {cfg.heads} heads")

    class DKTNet(nn.Module):  # type: ignore[misc,name-defined]  # torch: run time only
        """GRU over embedded answers, query-aware MLP head (optionally + attention)."""

        def __init__(self) -> None:
            super().__init__()
            self.answer = nn.Embedding(2 * n_skills, cfg.embed)
            self.query = nn.Embedding(n_skills, cfg.embed)
            self.gru = nn.GRU(
                cfg.embed + (n_features if cfg.input_features else 0),
                cfg.hidden,
                num_layers=cfg.layers,
                batch_first=True,
                dropout=cfg.dropout if cfg.layers > 1 else 0.0,
            )
            self.start = nn.Parameter(torch.zeros(1, 1, cfg.hidden))
            read_out = 0
            if cfg.attention:
                self.q_proj = nn.Linear(cfg.embed, cfg.embed)
                self.k_proj = nn.Linear(cfg.embed, cfg.embed)
                self.v_proj = nn.Linear(cfg.embed, cfg.embed)
                self.none_kv = nn.Parameter(torch.zeros(2, cfg.embed))
                self.decay = nn.Parameter(torch.zeros(cfg.heads))
                read_out = cfg.embed
            self.head = nn.Sequential(
                nn.Dropout(cfg.dropout),
                nn.Linear(cfg.hidden + cfg.embed + n_features + read_out, cfg.hidden),
                nn.ReLU(),
                nn.Dropout(cfg.dropout),
                nn.Linear(cfg.hidden, 1),
            )

        def attend(self, skills: Any, answers: Any) -> Any:
            """Per position ``t``, the heads' read-out of answers ``0 … t-1`` (B, L, embed).

            The (B, heads, queries, keys) score tensor grows with the square of the sequence.
            Beyond :data:`ATTENTION_WHOLE_MAX` numbers it is computed for a block of queries
            at a time, each block holding at most :data:`ATTENTION_BLOCK_MAX` numbers and
            seeing only the keys before its last query; while training, each block is
            recomputed in the backward pass instead of kept (activation checkpointing), so
            the attention's memory stays bounded on any length. Blocks give the same numbers
            as the whole (up to float rounding; tested).
            """
            b, length = skills.shape
            h, d = cfg.heads, cfg.embed // cfg.heads
            asked = self.query(skills)
            q = self.q_proj(asked).view(b, length, h, d).transpose(1, 2)  # (B, H, L, d)
            # Keys/values: the "nothing yet" slot, then every answer (B, L + 1, embed).
            keys = torch.cat([self.none_kv[0].expand(b, 1, -1), self.k_proj(asked)], dim=1)
            values = torch.cat([self.none_kv[1].expand(b, 1, -1), self.v_proj(answers)], dim=1)
            k = keys.view(b, length + 1, h, d).transpose(1, 2)
            v = values.view(b, length + 1, h, d).transpose(1, 2)
            rate = nn.functional.softplus(self.decay)[:, None, None]  # per head, ≥ 0
            # Training computes whole up to the larger bound (the benchmarked runs stay as they
            # were); prediction, which keeps nothing for a backward pass, blocks sooner.
            whole_max = ATTENTION_WHOLE_MAX if torch.is_grad_enabled() else ATTENTION_BLOCK_MAX
            if b * h * length * (length + 1) <= whole_max:
                out = _attend_block(q, k, v, rate, 0)
            else:
                parts = []
                block = attention_block(b, h, length)
                for t0 in range(0, length, block):
                    t1 = min(length, t0 + block)
                    # Queries t0 … t1-1 see the slot and answers < t1 - 1: keys 0 … t1 - 1.
                    args = (q[:, :, t0:t1], k[:, :, :t1], v[:, :, :t1], rate, t0)
                    if torch.is_grad_enabled():
                        parts.append(
                            torch.utils.checkpoint.checkpoint(
                                _attend_block, *args, use_reentrant=False
                            )
                        )
                    else:
                        parts.append(_attend_block(*args))
                out = torch.cat(parts, dim=2)
            return out.transpose(1, 2).reshape(b, length, cfg.embed)

        def forward(self, skills: Any, correct: Any, feats: Any) -> Any:
            """Logits of P(correct) for every position, each from the answers before it."""
            answers = self.answer(skills + n_skills * correct)
            x = torch.cat([answers, feats], dim=-1) if cfg.input_features else answers
            h, _ = self.gru(x)
            # State before answer t: the learned start for t = 0, else h[t - 1].
            before = torch.cat([self.start.expand(h.shape[0], 1, -1), h[:, :-1]], dim=1)
            parts = [before, self.query(skills), feats]
            if cfg.attention:
                parts.append(self.attend(skills, answers))
            return self.head(torch.cat(parts, dim=-1)).squeeze(-1)

    return DKTNet()


#: A training batch holds at most this many padded answers (students × the longest among
#: them); students of ordinary length fill ``batch_size`` long before it binds (ASSIST2015:
#: 128 × 618 at most), while a few students with thousands of answers go in smaller batches
#: so that the rest of the network (GRU, head) stays bounded in memory too.
BATCH_ANSWERS_MAX = 2**17


def _batches(
    lengths: IntArray,
    batch_size: int,
    rng: np.random.Generator | None,
    max_answers: int = BATCH_ANSWERS_MAX,
) -> list[IntArray]:
    """Students grouped by similar length (little padding); batch order shuffled if ``rng``.

    A batch holds at most ``batch_size`` students and ``max_answers`` padded answers (a
    single student longer than that still gets a batch of their own).
    """
    # Shuffle before the stable sort so that equal lengths land in different batches.
    order = np.arange(len(lengths)) if rng is None else rng.permutation(len(lengths))
    order = order[np.argsort(lengths[order], kind="stable")]
    batches: list[IntArray] = []
    start = 0
    while start < len(order):
        end = min(start + batch_size, len(order))
        # Sorted by length, so the batch's longest is its last: shrink until it fits.
        while end - start > 1 and (end - start) * int(lengths[order[end - 1]]) > max_answers:
            end = start + max(1, max_answers // int(lengths[order[end - 1]]))
        batches.append(order[start:end])
        start = end
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def _tensors(
    data: ResponseLog, feats: npt.NDArray[np.float32], students: IntArray, device: str = "cpu"
) -> tuple[Any, Any, Any, Any, IntArray]:
    """Padded (skills, correct, features, mask) tensors for some students, and their rows."""
    torch = require_torch()
    lengths = data.lengths[students]
    width = int(lengths.max())
    cols = np.arange(width)
    mask = cols[None, :] < lengths[:, None]
    rows = (data.offsets[students][:, None] + cols[None, :])[mask]
    skills = np.zeros(mask.shape, dtype=np.int64)
    correct = np.zeros(mask.shape, dtype=np.int64)
    skills[mask] = data.skills[rows]
    correct[mask] = data.correct[rows]
    padded = np.zeros((*mask.shape, feats.shape[1]), dtype=np.float32)
    padded[mask] = feats[rows]
    return (
        torch.from_numpy(skills).to(device),
        torch.from_numpy(correct).to(device),
        torch.from_numpy(padded).to(device),
        torch.from_numpy(mask).to(device),
        rows,
    )


def _predict_net(net: Any, data: ResponseLog, batch_size: int, cfg: DKTConfig) -> FloatArray:
    torch = require_torch()
    out = np.full(data.n_responses, np.nan)  # a response left unpredicted shows as NaN
    feats = _features(data, cfg)
    net.eval()
    with torch.no_grad():
        # Each student's predictions are independent of the batch, so any cut gives the same.
        for batch in _batches(data.lengths, batch_size, None, 4 * BATCH_ANSWERS_MAX):
            skills, correct, feat, mask, rows = _tensors(data, feats, batch, cfg.device)
            p = torch.sigmoid(net(skills, correct, feat))[mask]
            out[rows] = p.double().cpu().numpy()
    return out


def _check_device(device: str) -> None:
    """Refuse a device torch cannot use here, saying what to pass instead."""
    torch = require_torch()
    try:
        kind = torch.device(device).type
    except (RuntimeError, TypeError):
        raise InputError(f"{device!r} is not a torch device: use cpu, cuda or cuda:N") from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise InputError(f"DKT device {device!r}: PyTorch sees no CUDA GPU here; use cpu")
    if kind not in ("cpu", "cuda"):
        raise InputError(f"DKT device {device!r}: use cpu, cuda or cuda:N")


def fit_dkt(
    data: ResponseLog,
    config: DKTConfig | None = None,
    *,
    n_skills: int | None = None,
    on_epoch: Callable[[EpochReport], None] | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> DKTModel:
    """Train DKT on ``data``, early-stopping on the students of ``config.val_fold``.

    Without that fold in ``data.folds`` (e.g. dkt3 files) 10% of the students, drawn with
    the seed, are held out instead. ``on_epoch`` gets an :class:`EpochReport` after each
    epoch; ``on_batch(done, total)`` is called after each batch of the epoch (progress).
    """
    cfg = config or DKTConfig()
    _check_device(cfg.device)
    if cfg.ensemble < 1:
        raise InputError(f"a DKT ensemble needs at least 1 network, got {cfg.ensemble}")
    folds = _member_folds(data, cfg)
    with _torch_threads(cfg.threads):
        fits = [
            _fit(data, replace(cfg, seed=cfg.seed + i, val_fold=fold), n_skills, on_epoch, on_batch)
            for i, fold in enumerate(folds)
        ]
    first = fits[0]
    return DKTModel(
        first.net,
        first.n_skills,
        cfg,
        first.history,
        tuple(f.net for f in fits[1:]),
        tuple(f.history for f in fits[1:]),
        tuple(f.val_folds[0] for f in fits),
    )


def _member_folds(data: ResponseLog, cfg: DKTConfig) -> list[int | None]:
    """The validation fold of each ensemble member (see ``DKTConfig.rotate_folds``)."""
    folds = sorted(int(f) for f in np.unique(data.folds) if f >= 0)
    if not cfg.rotate_folds or cfg.val_fold not in folds:
        return [cfg.val_fold] * cfg.ensemble
    first = folds.index(cfg.val_fold)
    return [folds[(first + i) % len(folds)] for i in range(cfg.ensemble)]


def _fit(
    data: ResponseLog,
    cfg: DKTConfig,
    n_skills: int | None,
    on_epoch: Callable[[EpochReport], None] | None,
    on_batch: Callable[[int, int], None] | None,
) -> DKTModel:
    torch = require_torch()
    if data.n_responses == 0:
        raise InputError("cannot train DKT on an empty response log")
    n_skills = max(n_skills or 0, data.n_skills)
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    val_fold = cfg.val_fold
    if val_fold is not None and np.any(data.folds == val_fold):
        is_val = data.folds == val_fold
    else:
        val_fold = None
        is_val = rng.random(data.n_students) < 0.1
    if is_val.all() or not is_val.any():  # too few students to hold any out
        train, val = data, None
    else:
        train, val = data.select(~is_val), data.select(is_val)
        if len(np.unique(val.correct)) < 2:  # AUC is undefined: train on everyone instead
            train, val = data, None
    net = _build_net(n_skills, cfg).to(cfg.device)
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    history: list[EpochReport] = []
    train_feats = _features(train, cfg)
    best_auc, best_state, stale = -1.0, copy.deepcopy(net.state_dict()), 0
    for epoch in range(cfg.max_epochs):
        start = time.perf_counter()
        net.train()
        batches = _batches(train.lengths, cfg.batch_size, rng)
        total, n_seen = 0.0, 0
        for i, students in enumerate(batches):
            skills, correct, feat, mask, _ = _tensors(train, train_feats, students, cfg.device)
            logits = net(skills, correct, feat)[mask]
            loss = loss_fn(logits, correct[mask].float())
            opt.zero_grad()
            loss.backward()
            # Long sequences can give large gradients through the recurrence.
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            total += float(loss.detach()) * int(mask.sum())
            n_seen += int(mask.sum())
            if on_batch is not None:
                on_batch(i + 1, len(batches))
        val_auc = None
        if val is not None:
            val_auc = score(val.correct, _predict_net(net, val, 4 * cfg.batch_size, cfg)).auc
        report = EpochReport(epoch, total / n_seen, val_auc, time.perf_counter() - start)
        history.append(report)
        log.info("DKT epoch %d: loss %.4f, val AUC %s", epoch, report.loss, val_auc)
        if on_epoch is not None:
            on_epoch(report)
        if val_auc is None:
            best_state = copy.deepcopy(net.state_dict())
            continue
        if val_auc > best_auc:
            best_auc, best_state, stale = val_auc, copy.deepcopy(net.state_dict()), 0
        else:
            stale += 1
            if stale >= cfg.patience:
                break
            # A plateau usually means steps too large to settle: halve them and go on.
            for group in opt.param_groups:
                group["lr"] *= 0.5
    net.load_state_dict(best_state)
    net.eval()
    return DKTModel(net, n_skills, cfg, history, val_folds=(val_fold if val is not None else None,))


def predict_dkt(model: DKTModel, data: ResponseLog, batch_size: int = 256) -> FloatArray:
    """P(correct) of every response from the same student's earlier responses (all skills)."""
    if data.n_responses and data.n_skills > model.n_skills:
        raise InputError("the log has skills the DKT model was not trained on")
    with _torch_threads(model.config.threads):
        # Averaged probabilities (not logits): the usual, calibration-preserving ensemble.
        total = _predict_net(model.net, data, batch_size, model.config)
        for net in model.members:
            total = total + _predict_net(net, data, batch_size, model.config)
    out: FloatArray = total / len(model.nets)
    return out


@dataclass(frozen=True)
class DKTEstimator:
    """DKT behind the estimator contract (:mod:`tutor.learner.estimator`): :func:`fit_dkt`
    with ``config``, early-stopping on ``val_fold`` and seeded by ``fit``'s ``seed``."""

    config: DKTConfig = field(default_factory=DKTConfig)
    val_fold: int | None = 0
    kind: Literal["kt"] = field(default="kt", init=False)

    def fit(
        self,
        data: ResponseLog,
        *,
        n_skills: int | None = None,
        seed: int = 0,
        on_progress: ProgressFn | None = None,
    ) -> DKTModel:
        """Train; progress counts the batches of each epoch."""
        cfg = replace(self.config, seed=seed, val_fold=self.val_fold)
        epoch = 0

        def on_batch(done: int, total: int) -> None:
            if on_progress is not None:
                on_progress(f"DKT epoch {epoch + 1}/{cfg.max_epochs}", done, total)

        def on_epoch(report: EpochReport) -> None:
            nonlocal epoch
            epoch = report.epoch + 1

        return fit_dkt(data, cfg, n_skills=n_skills, on_epoch=on_epoch, on_batch=on_batch)


def dkt_estimator(options: EstimatorOptions) -> DKTEstimator:
    """DKT from ``options``: its ``dkt`` configuration, else the named ``preset`` on
    ``device``; ``epochs`` caps the training epochs. Registered as ``dkt``."""
    if options.dkt is not None:
        cfg = options.dkt
    else:
        try:
            preset = PRESETS[options.preset]
        except KeyError:
            raise InputError(
                f"unknown DKT preset {options.preset!r}; use one of {', '.join(PRESETS)}"
            ) from None
        cfg = replace(preset, device=options.device)
    if options.epochs is not None:
        cfg = replace(cfg, max_epochs=options.epochs)
    return DKTEstimator(config=cfg, val_fold=options.val_fold)
