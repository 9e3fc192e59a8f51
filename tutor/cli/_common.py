"""What every ``tutor`` subcommand shares: the root group, ``--store``/``--json``, output.

Every command takes ``--store URL`` (default ``TUTOR_STORE``, then the embedded
SQLite file in the user data folder) and ``--json``. JSON output shapes are
contracts other tools rely on; see README.md. Errors print one line on stderr
and exit with status 2; nothing is written when a command fails.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tutor import __version__
from tutor.settings import Settings

if TYPE_CHECKING:
    from tutor.catalog import Catalog
    from tutor.engine import Engine
    from tutor.lab import GraphStore

F = TypeVar("F", bound=Callable[..., Any])

#: ``progress(task, done, total)``: how long jobs (model fits) report their progress.
ProgressFn = Callable[[str, int, int], None]

EXIT_ERROR = 2


def emit(data: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    """Print ``data`` as one line of JSON, or as ``human(data)``."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(human(data))


def note(line: str) -> None:
    """Say on stderr what was done about a quirk of the input as published (docs/DATA.md);
    stdout keeps carrying only the result."""
    click.echo(f"note: {line}", err=True)


def common_options(func: F) -> F:
    """Add ``--store`` and ``--json`` to a command."""

    @click.option(
        "--store",
        "store_url",
        metavar="URL",
        default=None,
        help="Store URL: sqlite:///file.db or neo4j://host:7687 (default: TUTOR_STORE).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_settings() -> Settings:
    """The :class:`Settings` the root command read from the environment."""
    return click.get_current_context().find_object(Settings) or Settings.from_env()


@contextmanager
def open_cli_store(store_url: str | None) -> Iterator[GraphStore]:
    """The store named by ``--store`` (or the settings), closed afterwards."""
    from tutor.lab import open_store

    store = open_store(store_url, current_settings())
    try:
        yield store
    finally:
        store.close()


@contextmanager
def open_cli_catalog(store_url: str | None) -> Iterator[Catalog]:
    """The read-only curriculum of the store named by ``--store``, closed afterwards (the
    engine is not needed to read it, nor imported: queries start fast)."""
    from tutor.catalog import Catalog

    with open_cli_store(store_url) as store:
        yield Catalog(store)


@contextmanager
def open_cli_engine(store_url: str | None) -> Iterator[Engine]:
    """The engine over the store named by ``--store`` (or the settings), closed afterwards."""
    from tutor.engine import Engine

    with open_cli_store(store_url) as store:
        yield Engine(store)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tutor")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """kptutor: adaptive K12 maths tutoring driven by a knowledge-point graph."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        # The driver logs connection failures itself; we report them in one line.
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    ctx.obj = Settings.from_env()


@contextmanager
def progress_callback() -> Iterator[ProgressFn | None]:
    """A rich progress display on stderr (one bar per task), or None when stderr is not a
    terminal (logs, pipes, tests), so long fits show progress without polluting output."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    tasks: dict[str, Any] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:

        def update(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = bar.add_task(task, total=total)
            bar.update(tasks[task], completed=done, total=total)

        yield update
