"""``tutor backup`` / ``tutor restore`` (the embedded store) and ``tutor export --class`` /
``tutor import-class`` (one class as JSON, for either engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from tutor import lab
from tutor.cli._common import cli, common_options, current_settings, emit, open_cli_store
from tutor.errors import InputError

_FILE = click.Path(dir_okay=True, path_type=Path)


def _sqlite_path(store_url: str | None, command: str) -> Path:
    """The file of the embedded store named by ``--store`` (or the settings)."""
    url = store_url or current_settings().resolved_store_url
    if urlsplit(url).scheme != "sqlite":
        raise InputError(
            f"`tutor {command}` works on the embedded (sqlite://) store, not {url.split('@')[-1]};"
            " for Neo4j, copy each class with `tutor export --class C FILE` and "
            "`tutor import-class FILE`"
        )
    return lab.sqlite_file(url)


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {table}" for table, n in counts.items())


@cli.command("backup")
@click.argument("file", type=_FILE)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@common_options
def backup(file: Path, force: bool, store_url: str | None, as_json: bool) -> None:
    """Back up the embedded store into FILE while the app keeps running.

    The copy is one consistent snapshot, checked with SQLite's integrity check before it
    is put in place.
    """
    report = lab.backup_sqlite(_sqlite_path(store_url, "backup"), file, overwrite=force)

    def human(d: dict[str, Any]) -> str:
        return (
            f"backed up {d['store']} into {d['file']} ({d['bytes']:,} bytes, "
            f"{_counts_text(d['counts'])})"
        )

    emit(report.to_json(), as_json, human)


@cli.command("restore")
@click.argument("file", type=_FILE)
@common_options
def restore(file: Path, store_url: str | None, as_json: bool) -> None:
    """Replace the embedded store with the backup FILE (stop the app first).

    FILE is checked before anything changes: a damaged file, or one that is not a kptutor
    backup, is refused and the store stays as it was.
    """
    report = lab.restore_sqlite(file, _sqlite_path(store_url, "restore"))

    def human(d: dict[str, Any]) -> str:
        return f"restored {d['store']} from {d['file']} ({_counts_text(d['counts'])})"

    emit(report.to_json(), as_json, human)


@cli.command("export")
@click.option("--class", "class_id", required=True, metavar="ID", help="The class to export.")
@click.argument("file", type=_FILE)
@click.option(
    "--include-credentials",
    is_flag=True,
    help="Also export password hashes (the file is then readable by you only).",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@common_options
def export(
    class_id: str,
    file: Path,
    include_credentials: bool,
    force: bool,
    store_url: str | None,
    as_json: bool,
) -> None:
    """Write one class (teacher, students, goals, attempts, mastery) to FILE as JSON."""
    with open_cli_store(store_url) as store:
        doc = lab.export_class(store, class_id, include_credentials=include_credentials)
    size = lab.write_class_export(doc, file, overwrite=force)
    data = {
        "file": str(file),
        "bytes": size,
        "class": doc.group.id,
        "teacher": doc.teacher.id,
        "students": len(doc.students),
        "attempts": doc.n_attempts,
        "credentials": doc.includes_credentials,
    }
    emit(
        data,
        as_json,
        lambda d: (
            f"exported class {d['class']} ({d['students']} students, {d['attempts']} attempts)"
            f" into {d['file']}"
        ),
    )


@cli.command("import-class")
@click.argument("file", type=_FILE)
@click.option(
    "--replace", is_flag=True, help="Replace the class and its students if they already exist."
)
@common_options
def import_class_command(file: Path, replace: bool, store_url: str | None, as_json: bool) -> None:
    """Re-create a class exported with `tutor export --class` (all or nothing)."""
    doc = lab.read_class_export(file, max_bytes=current_settings().max_import_bytes)
    with open_cli_store(store_url) as store:
        report = lab.import_class(store, doc, replace=replace)

    def human(d: dict[str, Any]) -> str:
        lines = [
            f"imported class {d['class']} ({d['students']} students, {d['attempts']} attempts)"
        ]
        lines += [f"note: {n}" for n in d["notes"]]
        return "\n".join(lines)

    emit(report.to_json(), as_json, human)
