"""``tutor migrate``: move what an earlier version stored to this version's layout."""

from __future__ import annotations

from typing import Any

from tutor import lab
from tutor.cli._common import cli, common_options, emit, open_cli_store


@cli.command("migrate")
@common_options
def migrate(store_url: str | None, as_json: bool) -> None:
    """Bring the store's learner state to this version's layout (safe to repeat).

    On Neo4j, mastery stored by versions before issue 17 as MASTERY relationships to the
    shared knowledge points moves onto each student's own node (in batches, one
    transaction each), so answering locks nothing other students share. The embedded
    store updates its tables whenever it is opened: there is nothing to do.
    """
    with open_cli_store(store_url) as store:
        report = lab.migrate_store(store)

    def human(d: dict[str, Any]) -> str:
        if d["layout"] is None:
            return (
                f"{d['store']}: the {d['engine']} store brings itself up to date when it is "
                "opened; nothing to migrate"
            )
        if not d["changed"]:
            return f"{d['store']} is already in learner layout {d['layout']}; nothing moved"
        moved = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in d["moved"].items())
        return f"migrated {d['store']} to learner layout {d['layout']}: {moved}"

    emit(report.to_json(), as_json, human)
