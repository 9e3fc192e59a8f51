"""The DKT network's configuration (size, training schedule) and its named presets.

Apart from :mod:`tutor.learner.dkt` so that the estimator contract
(:mod:`tutor.learner.estimator`) can name the type without importing the model (which
imports the contract: that would be a cycle), and without torch.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BENCHMARKED", "PRESETS", "DKTConfig"]


@dataclass(frozen=True)
class DKTConfig:
    """Size and training schedule of the DKT network (the defaults are those benchmarked)."""

    embed: int = 64
    hidden: int = 128
    #: Stacked GRU layers (dropout ``dropout`` between them).
    layers: int = 1
    dropout: float = 0.2
    lr: float = 2e-3
    #: Adam's L2 penalty on the weights.
    weight_decay: float = 0.0
    #: Networks trained (seeds ``seed``, ``seed + 1``, …) whose predicted probabilities
    #: are averaged. Each member early-stops on the same validation fold on its own.
    ensemble: int = 1
    batch_size: int = 128
    max_epochs: int = 15
    patience: int = 3
    val_fold: int | None = 0
    seed: int = 0
    #: torch CPU threads while training/predicting (restored afterwards). One by default:
    #: on the 2-core development machine, shared with other jobs, two threads ran an epoch
    #: 12x slower than one (the threads spin waiting for each other), and the small matrices
    #: of a GRU step gain little from a second core even when it is free.
    threads: int | None = 1
    #: Where the networks train and predict: "cpu", "cuda", "cuda:1"… (the trained networks
    #: stay there; predictions come back as numpy arrays).
    device: str = "cpu"
    #: Also give the head the student's whole-history counts (:func:`student_features`:
    #: answers so far, overall and recent accuracy), not only those of the asked skill.
    student_features: bool = False
    #: Also feed the GRU each answer's features (what the head saw when predicting it), so
    #: its state carries the counts forward, not only (skill, right/wrong).
    input_features: bool = False
    #: Ensemble member ``i`` early-stops on the ``i``-th fold after ``val_fold`` (cycling
    #: through the folds of the log) instead of all on ``val_fold``: every fold is trained
    #: on by most members, so the ensemble as a whole learns from all the training students.
    rotate_folds: bool = False
    #: Also give the head an attention read-out of the earlier answers (:func:`_build_net`):
    #: the asked skill attends to the skills answered before, with a learned decay by
    #: distance, as in SAKT/AKT; the GRU state stays.
    attention: bool = False
    #: Attention heads (``embed`` must be divisible by it).
    heads: int = 4


#: The configuration of the DKT row in BENCHMARKS.md (AUC 0.7307 on ASSIST2015), chosen on
#: a training fold set aside (``benchmarks/dkt_select.py``). Ten attention networks: meant
#: for a GPU (about 90 s on an H100; hours on two CPU cores).
BENCHMARKED = DKTConfig(
    embed=128,
    hidden=256,
    student_features=True,
    input_features=True,
    attention=True,
    rotate_folds=True,
    ensemble=10,
)

#: Named configurations for ``tutor kt evaluate --dkt-preset``.
PRESETS = {"default": DKTConfig(), "benchmarked": BENCHMARKED}
