"""``tutor demo seed``: the demo school (a teacher, two classes, 30 students with histories)."""

from __future__ import annotations

from typing import Any

import click

from tutor.cli._common import cli, common_options, emit, open_cli_store


@cli.group()
def demo() -> None:
    """Demo data for trying the app."""


@demo.command("seed")
@click.option("--seed", "seed", default=0, show_default=True, help="Random seed of the histories.")
@common_options
def demo_seed(seed: int, store_url: str | None, as_json: bool) -> None:
    """Create the demo teacher, classes and students with simulated practice histories.

    Loads the default curriculum if needed. Running it again adds nothing that is there.
    Prints the demo sign-in credentials.
    """
    from tutor.demo import seed_demo
    from tutor.engine import Engine

    with open_cli_store(store_url) as store:
        accounts = seed_demo(Engine(store), seed=seed)

    def human(d: dict[str, Any]) -> str:
        return (
            f"demo school ready ({d['attempts_added']} answers added)\n"
            f"  teacher: {d['teacher']}  password: {d['teacher_password']}\n"
            f"  students: {d['students'][0]} … {d['students'][-1]}  "
            f"password: {d['student_password']}\n"
            f"  classes: {', '.join(d['classes'])}"
        )

    emit(accounts.to_json(), as_json, human)
