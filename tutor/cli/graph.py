"""``tutor graph …``: load, import, export and query the knowledge-point graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tutor import lab
from tutor.cli._common import (
    cli,
    common_options,
    current_settings,
    emit,
    open_cli_catalog,
    open_cli_store,
)
from tutor.errors import NotFoundError


@cli.group()
def graph() -> None:
    """Load, import, export and query the knowledge-point graph."""


def _load_report_text(report: dict[str, Any]) -> str:
    verb = "unchanged" if report["unchanged"] else "loaded"
    lines = [
        f"{verb}: curriculum {report['curriculum']}: {report['knowledge_points']} knowledge "
        f"points, {report['prerequisite_edges']} prerequisite edges, "
        f"{report['related_edges']} related links, {report['standards']} standards, "
        f"{report['alignments']} alignments"
    ]
    lines += [f"  {n}" if n.startswith("warning: ") else f"  note: {n}" for n in report["notes"]]
    return "\n".join(lines)


def _emit_load_report(data: dict[str, Any], as_json: bool) -> None:
    """The load report; its warnings also on stderr, so a script reading --json sees them."""
    if as_json:
        for note in data["notes"]:
            if note.startswith("warning: "):
                click.echo(note, err=True)
    emit(data, as_json, _load_report_text)


_ALLOW_DROP = click.option(
    "--allow-drop",
    is_flag=True,
    help="Allow the load to remove standards, alignments, item families or misconceptions "
    "the store holds (refused without it, and nothing is changed).",
)


@graph.command("load")
@click.argument("name")
@_ALLOW_DROP
@common_options
def graph_load(name: str, allow_drop: bool, store_url: str | None, as_json: bool) -> None:
    """Load a named curriculum (ccss, default), replacing the stored one."""
    from tutor import lab

    pack = lab.named_pack(name)  # validated before the store is touched
    with open_cli_store(store_url) as store:
        report = lab.load_pack(store, pack, allow_drop=allow_drop)
    _emit_load_report(report.to_json(), as_json)


@graph.command("import")
@click.option("--pack", "pack_dir", default=None, metavar="DIR", help="A pack folder (export).")
@click.option("--nodes", "nodes_path", default=None, metavar="FILE", help="Nodes CSV.")
@click.option("--edges", "edges_path", default=None, metavar="FILE", help="Edges CSV.")
@click.option("--name", default=None, help="Curriculum name (default: from the file name).")
@_ALLOW_DROP
@common_options
def graph_import(
    pack_dir: str | None,
    nodes_path: str | None,
    edges_path: str | None,
    name: str | None,
    allow_drop: bool,
    store_url: str | None,
    as_json: bool,
) -> None:
    """Import a curriculum: a whole pack (--pack DIR), or a nodes and an edges CSV.

    --pack DIR reads what `tutor graph export --pack DIR` wrote (and you edited): points,
    prerequisites, standards and alignments, item families and misconceptions, en + zh.

    --nodes/--edges: nodes id,name[,grade,domain,description,…]; edges from,to (``from`` is
    a prerequisite of ``to``). These carry no standards, alignments or content: the stored
    item families and misconceptions that still fit are kept, and a load that would remove
    any of them needs --allow-drop.

    The whole import is checked first (columns, duplicate ids, unknown ids, self-loops,
    cycles), with the file and line of each problem; nothing is written unless all of it
    is valid.
    """
    from tutor import lab

    settings = current_settings()
    if pack_dir is not None:
        if nodes_path or edges_path or name:
            raise click.UsageError(
                "--pack takes the whole pack: leave out --nodes, --edges, --name"
            )
        pack = lab.read_pack(Path(pack_dir), max_bytes=settings.max_import_bytes)
        with open_cli_store(store_url) as store:
            report = lab.load_pack(store, pack, allow_drop=allow_drop)
        _emit_load_report(report.to_json(), as_json)
        return
    if not (nodes_path and edges_path):
        raise click.UsageError("give --pack DIR, or both --nodes FILE and --edges FILE")
    curriculum = lab.csv_curriculum(
        nodes_path, edges_path, name=name, max_bytes=settings.max_import_bytes
    )
    with open_cli_store(store_url) as store:
        report = lab.load_curriculum(store, curriculum, allow_drop=allow_drop)
    _emit_load_report(report.to_json(), as_json)


@graph.command("export")
@click.option("--pack", "pack_dir", default=None, metavar="DIR", help="Write the whole pack.")
@click.option("--force", is_flag=True, help="With --pack: replace the files of a pack in DIR.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "csv"]),
    default="graphml",
    show_default=True,
    help="For Gephi / yEd: one GraphML file, or a folder with nodes.csv and edges.csv.",
)
@click.option("--domain", default=None, help="Only the points of this domain.")
@click.option("--around", default=None, metavar="ID", help="Only ID and its neighbourhood.")
@click.option("--depth", type=click.IntRange(min=1), default=None, help="Hops from --around.")
@click.option("--out", default=None, metavar="PATH", help="File (graphml) or folder (csv).")
@common_options
def graph_export(
    pack_dir: str | None,
    force: bool,
    fmt: str,
    domain: str | None,
    around: str | None,
    depth: int | None,
    out: str | None,
    store_url: str | None,
    as_json: bool,
) -> None:
    """Export the stored curriculum: the whole pack (--pack DIR), or the graph for Gephi/yEd.

    --pack DIR writes every point, prerequisite, standard and alignment, item family and
    misconception (en + zh) as CSV files that `tutor graph import --pack DIR` reads back
    with nothing lost: the way to edit a curriculum.

    --format graphml|csv writes the prerequisite graph (edges prerequisite → dependent; nodes
    with grade, domain, names, standards, item families and misconceptions), all of it or
    --domain D or --around ID [--depth N]. GraphML goes to standard output without --out.
    """
    from tutor import lab

    if pack_dir is not None:
        if domain or around or depth or out:
            raise click.UsageError(
                "--pack writes the whole curriculum: leave out --domain, --around, --depth, --out"
            )
        with open_cli_store(store_url) as store:
            written = lab.export_pack(store, Path(pack_dir), overwrite=force)
        emit(
            written,
            as_json,
            lambda d: (
                f"wrote the pack of curriculum {d['curriculum']} to {d['pack']}: "
                f"{d['knowledge_points']} knowledge points, {d['prerequisite_edges']} prerequisite "
                f"edges, {d['standards']} standards, {d['alignments']} alignments, "
                f"{d['item_families']} item families, {d['misconceptions']} misconceptions"
            ),
        )
        return
    if fmt == "csv" and out is None:
        raise click.UsageError("--format csv writes two files: give --out FOLDER")
    if as_json and out is None:
        raise click.UsageError("--json reports on the files written: give --out PATH")
    with open_cli_store(store_url) as store:
        if out is None:
            click.echo(lab.graphml(store, domain=domain, around=around, depth=depth), nl=False)
            return
        report = lab.export_graph(store, fmt, Path(out), domain=domain, around=around, depth=depth)
    emit(
        report,
        as_json,
        lambda d: (
            f"wrote {d['knowledge_points']} knowledge points and "
            f"{d['prerequisite_edges']} prerequisite edges as {d['format']}: "
            + ", ".join(d["files"])
        ),
    )


@graph.command("list")
@click.option("--grade", default=None, help="Only this grade (K, 1…8, HS, or the pack's grade).")
@click.option("--domain", default=None, help="Only this domain.")
@common_options
def graph_list(grade: str | None, domain: str | None, store_url: str | None, as_json: bool) -> None:
    """List knowledge points, ordered by grade then id."""
    with open_cli_catalog(store_url) as catalog:
        kps = catalog.points(grade=grade, domain=domain)
    rows = [{"id": k.id, "name": k.name, "grade": k.grade, "domain": k.domain} for k in kps]
    emit(
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
    with open_cli_catalog(store_url) as catalog:
        data = catalog.details(kp_id).to_json()

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

    emit(data, as_json, human)


@graph.command("stats")
@common_options
def graph_stats(store_url: str | None, as_json: bool) -> None:
    """Counts: knowledge points, prerequisite edges, roots, leaves, longest chain."""
    with open_cli_catalog(store_url) as catalog:
        stats = catalog.stats()
    emit(
        stats.to_json(),
        as_json,
        lambda s: "\n".join(f"{k.replace('_', ' ')}: {v}" for k, v in s.items()),
    )


def _closure_command(kind: str) -> Callable[..., None]:
    def command(kp_id: str, depth: int | None, store_url: str | None, as_json: bool) -> None:
        with open_cli_catalog(store_url) as catalog:
            ids = (
                catalog.prerequisites(kp_id, depth)
                if kind == "prerequisites"
                else catalog.dependents(kp_id, depth)
            )
        emit(
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
    with open_cli_catalog(store_url) as catalog:
        known: set[str] = set()
        if student is not None:
            # Student records arrive with the learner model; until a store holds
            # students, every id is unknown and we say so rather than guess.
            raise NotFoundError(
                f"no student {student!r} in {catalog.url}; add students with `tutor student add`"
            )
        order = catalog.learning_order(target, known)
    emit({"to": target, "order": order}, as_json, lambda d: "\n".join(d["order"]))


@graph.command("lint")
@click.option(
    "--coherence",
    "coherence_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="CCSS folder with the Coherence Map (standards.json, prerequisites.csv); "
    "default: the shipped copy of shared/data/ccss-coherence.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(lab.lint_kinds()),
    help="List only findings of this kind (repeatable); the counts stay whole.",
)
@common_options
def graph_lint(
    coherence_dir: Path | None, kinds: tuple[str, ...], store_url: str | None, as_json: bool
) -> None:
    """Report what looks wrong or missing in the stored curriculum; nothing blocks.

    Edges more than one grade down, redundant edges (implied by a longer chain), points
    with no standard, no item family or no misconception, dead ends below the top grade,
    and, for a CCSS-aligned pack, edges the Coherence Map does not support. Exits 0
    with findings.
    """
    from tutor import lab
    from tutor.i18n import render

    with open_cli_store(store_url) as store:
        report = lab.lint_store(store, coherence_dir)
    shown = [f for f in report.findings if not kinds or f.kind in kinds]

    def human(data: dict[str, Any]) -> str:
        lines = [
            f"lint: curriculum {report.curriculum}: {report.knowledge_points} knowledge points, "
            f"{report.prerequisite_edges} prerequisite edges, top grade {report.top_grade or '-'}"
        ]
        if report.coherence is not None:
            c = report.coherence
            lines.append(
                f"coherence map: {c['edges_checked']} edges checked, {c['edges_on_map']} on the "
                f"map, {c['edges_not_checkable']} not checkable (an end has no standard on it)"
            )
        else:
            lines.append("coherence map: not compared (no point aligns to its standards)")
        for kind, n in data["counts"].items():
            lines.append(f"  {kind}: {n}")
        for finding in shown:
            lines.append(f"{finding.kind}: {render(finding.code, finding.message_params(), 'en')}")
        return "\n".join(lines)

    data = report.to_json()
    data["findings"] = [f.to_json() for f in shown]
    emit(data, as_json, human)
