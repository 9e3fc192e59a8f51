"""``tutor content …``: practice items, answer checking, coverage, and importing problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tutor import lab
from tutor.cli._common import cli, common_options, current_settings, emit, open_cli_store


@cli.group()
def content() -> None:
    """Practice items, answer checking, content coverage and imports."""


def _items_text(items: list[dict[str, Any]]) -> str:
    blocks = []
    for item in items:
        lines = [
            f"{item['item_id']}  (kp {item['kp']}, difficulty {item['difficulty']})",
            f"  {item['prompt']}",
            f"  {item['prompt_zh']}",
            f"  answer: {item['answer']}",
        ]
        lines += [f"    {n}. {s['text']}" for n, s in enumerate(item["steps"], 1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) or "(no items)"


@content.command("items")
@click.option("--kp", "kp_id", required=True, metavar="ID", help="The knowledge point.")
@click.option("--n", "count", type=click.IntRange(1, 1000), default=5, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--difficulty", type=click.IntRange(min=1), default=None, help="Only this level.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def content_items(kp_id: str, count: int, seed: int, difficulty: int | None, as_json: bool) -> None:
    """Make N practice items for a knowledge point (reproducible from --seed).

    Items rotate over the point's generators and difficulty levels; item k uses seed
    SEED + k. Each item id regenerates the same item (`tutor content check --item`).
    """
    items = lab.items_for_kp(kp_id, count, seed=seed, difficulty=difficulty)
    emit([item.to_json() for item in items], as_json, _items_text)


@content.command("check")
@click.option("--item", "item_id", required=True, metavar="ITEM_ID", help="e.g. gcf:2:17")
@click.option("--answer", required=True, metavar="TEXT", help="What the student wrote.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def content_check(item_id: str, answer: str, as_json: bool) -> None:
    """Check an answer to an item: correct, incorrect, not_simplified or unreadable.

    A wrong answer that a known buggy procedure would give names that misconception.
    """
    from tutor.i18n import render

    found = lab.diagnose(item_id, answer)
    message = found.message(render)  # English: the CLI's words are a contract
    data = {"status": found.status, "message": message, "misconception": found.misconception}
    emit(
        data,
        as_json,
        lambda d: (
            f"{d['status']}: {d['message']}"
            + (f" [{d['misconception']}]" if d["misconception"] else "")
        ),
    )


@content.command("stats")
@common_options
def content_stats(store_url: str | None, as_json: bool) -> None:
    """What content there is: in the store, and (labelled apart) in the code.

    The store: its curriculum (points, edges, standards, alignments) and the content loaded
    with it (item families, misconceptions, imported problems) — what the tutor uses. The
    code: the item generators and buggy rules this package provides for the default pack.
    """
    with open_cli_store(store_url) as store:
        report = lab.coverage(store)
    emit(report.to_json(), as_json, lambda _: report.table())


@content.group("import")
def content_import() -> None:
    """Import problems from elsewhere into the item bank."""


def _oatutor_folder(path: str | None) -> Path:
    if path is not None:
        return Path(path)
    settings = current_settings()
    if settings.oatutor_dir is not None:
        return settings.oatutor_dir
    return settings.shared_data_dir / "oatutor-content"


@content_import.command("oatutor")
@click.option(
    "--path",
    default=None,
    metavar="DIR",
    help="The OATutor content folder (default: TUTOR_OATUTOR_DIR, "
    "else <TUTOR_SHARED_DATA>/oatutor-content).",
)
@common_options
def content_import_oatutor(path: str | None, store_url: str | None, as_json: bool) -> None:
    """Import OATutor's algebra problems (CC BY 4.0), with steps, hints and attribution.

    Problems are mapped to knowledge points of the stored curriculum where the mapping is
    clear, and kept under their own skills otherwise. Re-importing replaces them.
    """
    folder = _oatutor_folder(path)
    with open_cli_store(store_url) as store:
        report = lab.import_oatutor(store, folder)
    data = report.to_json()

    emit(
        data,
        as_json,
        lambda _: (
            report.summary()
            + "\nOATutor content (CC BY 4.0), problems from OpenStax textbooks (CC BY 4.0)"
        ),
    )
