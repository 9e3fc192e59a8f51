"""The ``tutor`` command.

Every command takes ``--store URL`` (default ``TUTOR_STORE``, then the embedded
SQLite file in the user data folder) and ``--json``. JSON output shapes are
contracts other tools rely on; see README.md. Errors print one line on stderr
and exit with status 2; nothing is written when a command fails.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from tutor import __version__
from tutor.errors import NotFoundError, TutorError
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 2


def _emit(data: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(human(data))


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


@contextmanager
def _store(store_url: str | None) -> Iterator[GraphStore]:
    settings: Settings = click.get_current_context().find_object(Settings) or Settings.from_env()
    store = open_store(store_url, settings)
    try:
        yield store
    finally:
        store.close()


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


# ---------------------------------------------------------------------------- graph


@cli.group()
def graph() -> None:
    """Load, import and query the knowledge-point graph."""


def _load_report_text(report: dict[str, Any]) -> str:
    verb = "unchanged" if report["unchanged"] else "loaded"
    lines = [
        f"{verb}: curriculum {report['curriculum']}: {report['knowledge_points']} knowledge "
        f"points, {report['prerequisite_edges']} prerequisite edges, "
        f"{report['related_edges']} related links, {report['standards']} standards, "
        f"{report['alignments']} alignments"
    ]
    lines += [f"  note: {n}" for n in report["notes"]]
    return "\n".join(lines)


@graph.command("load")
@click.argument("name")
@common_options
def graph_load(name: str, store_url: str | None, as_json: bool) -> None:
    """Load a named curriculum (ccss, default), replacing the stored one."""
    from tutor.content.curricula import named_curriculum

    curriculum = named_curriculum(name)  # validated before the store is touched
    with _store(store_url) as store:
        report = store.load_curriculum(curriculum)
    _emit(report.to_json(), as_json, _load_report_text)


@graph.command("import")
@click.option("--nodes", "nodes_path", required=True, metavar="FILE", help="Nodes CSV.")
@click.option("--edges", "edges_path", required=True, metavar="FILE", help="Edges CSV.")
@click.option("--name", default=None, help="Curriculum name (default: from the file name).")
@common_options
def graph_import(
    nodes_path: str, edges_path: str, name: str | None, store_url: str | None, as_json: bool
) -> None:
    """Import a curriculum from CSV: nodes id,name[,grade,domain,description,…]; edges from,to.

    ``from`` is a prerequisite of ``to``. The whole import is checked first (duplicate
    ids, unknown nodes, self-loops, cycles); nothing is written unless all of it is valid.
    """
    from tutor.content.curricula import csv_curriculum

    settings = click.get_current_context().find_object(Settings) or Settings.from_env()
    curriculum = csv_curriculum(
        nodes_path, edges_path, name=name, max_bytes=settings.max_import_bytes
    )
    with _store(store_url) as store:
        report = store.load_curriculum(curriculum)
    _emit(report.to_json(), as_json, _load_report_text)


@graph.command("list")
@click.option("--grade", default=None, help="Only this grade (K, 1…8, HS, or the pack's grade).")
@click.option("--domain", default=None, help="Only this domain.")
@common_options
def graph_list(grade: str | None, domain: str | None, store_url: str | None, as_json: bool) -> None:
    """List knowledge points, ordered by grade then id."""
    with _store(store_url) as store:
        kps = store.list_nodes(grade=grade, domain=domain)
    rows = [{"id": k.id, "name": k.name, "grade": k.grade, "domain": k.domain} for k in kps]
    _emit(
        rows,
        as_json,
        lambda rs: (
            "\n".join(f"{r['id']:<28} {r['grade'] or '-':>3}  {r['name']}" for r in rs)
            or "(no knowledge points)"
        ),
    )


@graph.command("show")
@click.argument("kp_id", metavar="ID")
@common_options
def graph_show(kp_id: str, store_url: str | None, as_json: bool) -> None:
    """Show one knowledge point with its direct prerequisites and dependents."""
    with _store(store_url) as store:
        kp = store.get_node(kp_id)
        data = kp.to_json()
        data["prerequisites"] = store.prerequisites(kp_id, depth=1)
        data["dependents"] = store.dependents(kp_id, depth=1)
        data["related"] = store.related(kp_id)

    def human(d: dict[str, Any]) -> str:
        lines = [f"{d['id']}  {d['name']}"]
        if d["name_zh"]:
            lines.append(f"  {d['name_zh']}")
        lines.append(f"  grade {d['grade'] or '-'}, domain {d['domain'] or '-'}")
        if d["description"]:
            lines.append(f"  {d['description']}")
        for key in ("standards", "prerequisites", "dependents", "related"):
            if d[key]:
                lines.append(f"  {key}: {', '.join(d[key])}")
        return "\n".join(lines)

    _emit(data, as_json, human)


@graph.command("stats")
@common_options
def graph_stats(store_url: str | None, as_json: bool) -> None:
    """Counts: knowledge points, prerequisite edges, roots, leaves, longest chain."""
    with _store(store_url) as store:
        stats = store.stats()
    _emit(
        stats.to_json(),
        as_json,
        lambda s: "\n".join(f"{k.replace('_', ' ')}: {v}" for k, v in s.items()),
    )


def _closure_command(kind: str) -> Callable[..., None]:
    def command(kp_id: str, depth: int | None, store_url: str | None, as_json: bool) -> None:
        with _store(store_url) as store:
            ids = (
                store.prerequisites(kp_id, depth)
                if kind == "prerequisites"
                else store.dependents(kp_id, depth)
            )
        _emit(
            {"id": kp_id, kind: ids},
            as_json,
            lambda d: "\n".join(d[kind]) or f"(no {kind})",
        )

    return command


@graph.command("prereqs")
@click.argument("kp_id", metavar="ID")
@click.option("--depth", type=click.IntRange(min=1), default=None, help="At most N hops.")
@common_options
def graph_prereqs(kp_id: str, depth: int | None, store_url: str | None, as_json: bool) -> None:
    """All (transitive) prerequisites of ID, or those within --depth hops."""
    _closure_command("prerequisites")(kp_id, depth, store_url, as_json)


@graph.command("dependents")
@click.argument("kp_id", metavar="ID")
@click.option("--depth", type=click.IntRange(min=1), default=None, help="At most N hops.")
@common_options
def graph_dependents(kp_id: str, depth: int | None, store_url: str | None, as_json: bool) -> None:
    """All points that (transitively) depend on ID, or those within --depth hops."""
    _closure_command("dependents")(kp_id, depth, store_url, as_json)


@graph.command("path")
@click.option("--to", "target", required=True, metavar="ID", help="The goal knowledge point.")
@click.option("--student", default=None, metavar="S", help="Skip what this student has mastered.")
@common_options
def graph_path(target: str, student: str | None, store_url: str | None, as_json: bool) -> None:
    """A valid learning order for ID: every prerequisite before what needs it."""
    with _store(store_url) as store:
        known: set[str] = set()
        if student is not None:
            # Student records arrive with the learner model; until a store holds
            # students, every id is unknown and we say so rather than guess.
            raise NotFoundError(
                f"no student {student!r} in {store.url}; add students with `tutor student add`"
            )
        order = store.learning_order(target, known)
    _emit({"to": target, "order": order}, as_json, lambda d: "\n".join(d["order"]))


# ---------------------------------------------------------------------------- main


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


if __name__ == "__main__":  # pragma: no cover
    main()
