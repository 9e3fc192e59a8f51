"""The ``tutor`` command.

Groups: ``graph``, ``content``, ``teacher``/``class``/``student``, ``simulate``, ``kt``,
``diagnose``; store upkeep: ``backup``/``restore``, ``migrate``.

Each group lives in its own module and registers itself on the root group
(:data:`tutor.cli._common.cli`) when imported here.
"""

from __future__ import annotations

import sys

import click

from tutor.cli import (  # noqa: F401 - each module registers its commands
    backup,
    content,
    demo,
    diagnose,
    graph,
    kt,
    llm,
    migrate,
    model,
    people,
    place,
    sim,
    solutions,
)
from tutor.cli._common import EXIT_ERROR, cli
from tutor.errors import TutorError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the CLI, turning TutorError into one line + exit 2."""
    try:
        cli.main(args=argv, prog_name="tutor", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except TutorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
