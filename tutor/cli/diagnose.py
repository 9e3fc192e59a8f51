"""``tutor diagnose …``: diagnosing what students are missing.

``tutor diagnose cdm`` fits a cognitive-diagnosis model to a class's answers and scores its
predictions of held-out answers. Two input layouts:

* matrix: ``--responses F --q-matrix F`` (rows students × columns items, 0/1; Q-matrix rows
  items × columns skills; tab- or comma-separated, no header). ``--seed S`` picks the
  random ``--holdout`` share (default 20%) of cells that are hidden from the fit and scored.
* long (EduCDM): ``--train F --test F --items F`` (``user_id,item_id,score`` CSVs and an
  ``item_id,knowledge_code`` CSV with lists such as ``"[83, 12]"``).

``--json`` prints ``{"auc": float, "acc": float, "rmse": float}``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tutor import lab
from tutor.cli._common import cli, emit, note, progress_callback

F = TypeVar("F", bound=Callable[..., Any])


@cli.group()
def diagnose() -> None:
    """Diagnose what students are missing (class-level cognitive diagnosis)."""


def _path_option(name: str, help_text: str) -> Callable[[F], F]:
    """An optional file-path option whose parameter is named ``<option>_path``."""
    return click.option(
        name,
        name.lstrip("-").replace("-", "_") + "_path",
        type=click.Path(path_type=Path),
        default=None,
        help=help_text,
    )


@diagnose.command("cdm")
@_path_option("--responses", "Response matrix: students × items, 0/1 (with --q-matrix).")
@_path_option("--q-matrix", "Q-matrix: items × skills, 0/1 (with --responses).")
@_path_option("--train", "Training answers, user_id,item_id,score CSV (with --test, --items).")
@_path_option("--test", "Test answers, user_id,item_id,score CSV.")
@_path_option(
    "--valid",
    "Validation answers the format provides (EduCDM's valid.csv): NCDM stops early on them "
    "instead of a share of --train.",
)
@_path_option("--items", "Items and their skills, item_id,knowledge_code CSV.")
@click.option(
    "--model",
    type=click.Choice(lab.cdm_models()),
    default="dina",
    show_default=True,
    help="dina: exact DINA (up to 12 skills); ncdm: neural CDM for many skills (needs torch).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Picks the held-out cells of a response matrix, and seeds NCDM.",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.2,
    show_default=True,
    help="Share of matrix cells held out and scored.",
)
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="NCDM: maximum epochs.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def diagnose_cdm(
    responses_path: Path | None,
    q_matrix_path: Path | None,
    train_path: Path | None,
    test_path: Path | None,
    valid_path: Path | None,
    items_path: Path | None,
    model: str,
    seed: int,
    holdout: float,
    epochs: int | None,
    as_json: bool,
) -> None:
    """Fit a cognitive-diagnosis model and score its predictions of held-out answers.

    Give either --responses and --q-matrix (a random --holdout share of cells, picked by
    --seed, is hidden from the fit and predicted) or --train, --test and --items (the test
    answers are predicted). Prints AUC, accuracy at 0.5 and RMSE.
    """
    matrix = (responses_path, q_matrix_path)
    long = (train_path, test_path, items_path)
    if valid_path is not None and responses_path is not None:
        raise click.UsageError("--valid goes with --train/--test/--items, not --responses")
    if any(p is not None for p in matrix) and any(p is not None for p in long):
        raise click.UsageError("give --responses/--q-matrix or --train/--test/--items, not both")
    with progress_callback() as progress:
        if responses_path is not None and q_matrix_path is not None:
            scores = lab.evaluate_cdm_matrix(
                responses_path,
                q_matrix_path,
                model,
                seed=seed,
                holdout=holdout,
                epochs=epochs,
                on_progress=progress,
            )
        elif train_path is not None and test_path is not None and items_path is not None:
            scores = lab.evaluate_cdm_long(
                train_path,
                test_path,
                items_path,
                model,
                seed=seed,
                epochs=epochs,
                on_progress=progress,
                on_note=note,
                valid_path=valid_path,
            )
        else:
            raise click.UsageError(
                "give --responses and --q-matrix, or --train, --test and --items"
            )
    result = {"auc": scores.auc, "acc": scores.acc, "rmse": scores.rmse}
    emit(
        result,
        as_json,
        lambda d: (
            f"AUC {d['auc']:.4f}  accuracy {d['acc']:.4f}  RMSE {d['rmse']:.4f}  "
            f"({scores.n_test} held-out answers, model {model})"
        ),
    )


@diagnose.command("answer")
@click.option("--item", "item_id", required=True, metavar="ITEM_ID", help="e.g. gcf:2:17")
@click.option("--answer", required=True, metavar="TEXT", help="What the student wrote.")
@click.option(
    "--working", "working_path", default=None, metavar="FILE", help="Shown working, a step a line."
)
@click.option(
    "--semantic/--no-semantic",
    default=True,
    show_default=True,
    help="Match free-text working to misconception descriptions (needs kptutor[semantic]).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def diagnose_answer_command(
    item_id: str, answer: str, working_path: str | None, semantic: bool, as_json: bool
) -> None:
    """Diagnose one answer: the misconception and the missing knowledge points.

    Evidence, strongest first: a buggy rule that gives exactly this answer ("rule"), the
    first wrong line of the shown working ("steps"), the misconception that free-text
    working reads like ("semantic", with a calibrated confidence; the embedding model is
    loaded only then), or none ("none": unknown cause).
    """
    lab.item(item_id)  # an unknown item id is refused before the working file is read
    working = lab.read_working(working_path) if working_path else None
    result = lab.diagnose(item_id, answer, working, semantic=semantic)
    emit(
        result.to_json(),
        as_json,
        lambda d: (
            f"{d['status']} (evidence: {d['evidence']}, confidence {d['confidence']})"
            + (f"\n  misconception: {d['misconception']}" if d["misconception"] else "")
            + (f"\n  missing: {', '.join(d['gap_kps'])}" if d["gap_kps"] else "")
        ),
    )


@diagnose.command("evaluate")
@click.option(
    "--students",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="How many simulated failures to diagnose (up to 5 per simulated student).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def diagnose_evaluate(students: int, seed: int, as_json: bool) -> None:
    """Prerequisite probing on simulated students: root-cause accuracy and probes used.

    --students unexplained wrong answers met in simulated practice with the adaptive
    tutor; the tutor probes with its own mastery as the prior and is scored on the
    simulator's hidden truth (benchmarks/probe_eval.py has the details and a stress test).
    """
    from tutor.sim.diagnosis import evaluate_probing

    found = evaluate_probing(students, seed)
    data = {k: found[k] for k in ("root_cause_top1", "mean_probes", "false_gap_rate")}
    emit(
        data,
        as_json,
        lambda d: (
            f"root cause found: {d['root_cause_top1']:.1%} of {students} failures, "
            f"{d['mean_probes']:.2f} probes on average, false gaps {d['false_gap_rate']:.1%} "
            f"(blaming the failed point itself: "
            f"{found['baseline_blame_failed_point_top1']:.1%}, "
            f"false gaps {found['baseline_false_gap_rate']:.1%})"
        ),
    )
