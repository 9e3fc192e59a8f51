"""``tutor kt …``: knowledge-tracing models evaluated on response logs.

``tutor kt evaluate --train F --test F --format pykt|dkt3 --model bkt|bkt-forget|elo|dkt
[--dkt-preset default|benchmarked] [--device cpu|cuda] --json`` prints ``{"auc": float,
"acc": float, "rmse": float, "n_test": int}``; the protocol
is described in :mod:`tutor.learner.evaluation` (``bkt-forget`` is BKT with a fitted
forgetting rate per skill). Progress goes to stderr when it is a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tutor import lab
from tutor.cli._common import cli, emit, note, progress_callback


@cli.group()
def kt() -> None:
    """Knowledge tracing: evaluate BKT (with or without forgetting), Elo and DKT."""


def _scores_text(d: dict[str, Any]) -> str:
    return (
        f"AUC {d['auc']:.4f}  accuracy {d['acc']:.4f}  RMSE {d['rmse']:.4f}  "
        f"({d['n_test']} test responses)"
    )


@kt.command("evaluate")
@click.option(
    "--train",
    "train_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Training responses.",
)
@click.option(
    "--test", "test_path", required=True, type=click.Path(path_type=Path), help="Test responses."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(lab.kt_formats()),
    required=True,
    help="pykt: fold,uid,concepts,responses CSV; dkt3: count / skills / 0-1 lines per student.",
)
@click.option("--model", type=click.Choice(lab.kt_models()), required=True)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--val-fold",
    type=int,
    default=0,
    show_default=True,
    help="pykt fold held out for early stopping (DKT) and tuning (Elo).",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=None,
    help="DKT: maximum training epochs (default 15, with early stopping).",
)
@click.option(
    "--dkt-preset",
    type=click.Choice(["default", "benchmarked"]),
    default="default",
    show_default=True,
    help="DKT: 'default' is one small GRU (minutes on a CPU); 'benchmarked' is the 10-network "
    "attention ensemble of BENCHMARKS.md (meant for a GPU: pass --device cuda).",
)
@click.option(
    "--device",
    default="cpu",
    show_default=True,
    help="DKT: where to train and predict (cpu, cuda, cuda:N).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def kt_evaluate(
    train_path: Path,
    test_path: Path,
    fmt: str,
    model: str,
    seed: int,
    val_fold: int,
    epochs: int | None,
    dkt_preset: str,
    device: str,
    as_json: bool,
) -> None:
    """Fit a model on TRAIN and score its predictions of every TEST response.

    Each test response is predicted from the same student's earlier responses only (the
    first from the prior); prints AUC, accuracy at 0.5, RMSE and the number of predictions.
    """
    # stdout carries the JSON; the progress bars go to stderr, so they can always be shown.
    with progress_callback() as on_progress:
        scores = lab.evaluate_kt(
            model,
            train_path,
            test_path,
            fmt,
            seed=seed,
            val_fold=val_fold,
            epochs=epochs,
            dkt_preset=dkt_preset,
            device=device,
            on_progress=on_progress,
            on_note=note,
        )
    emit(scores.to_json(), as_json, _scores_text)
