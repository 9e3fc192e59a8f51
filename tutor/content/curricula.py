"""Curricula kptutor can load: the CCSS standards graph, the default K12 pack, any CSV pair.

Each function returns a validated :class:`~tutor.domain.Curriculum`; none writes
anything. A store's ``load_curriculum`` then replaces its graph in one transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tutor.content.csvfiles import CsvTable, read_csv
from tutor.domain import (
    Curriculum,
    Edge,
    KnowledgePoint,
    Standard,
    check_id,
    find_cycle,
    validate_curriculum,
)
from tutor.errors import CurriculumError, InputError
from tutor.resources import shipped_path

log = logging.getLogger(__name__)

CCSS_FRAMEWORK = "CCSS-M"

#: Node columns with a meaning of their own; any other column becomes an attribute.
NODE_COLUMNS = (
    "id",
    "name",
    "grade",
    "domain",
    "description",
    "name_zh",
    "description_zh",
    "subject",
)


def _short_name(text: str, limit: int = 80) -> str:
    """A display name from a long description: the first sentence, cut at a word."""
    text = " ".join(text.split())
    first = text.split(". ")[0].rstrip(".")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def _read_ccss(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    standards_file = folder / "standards.json"
    edges_file = folder / "prerequisites.csv"
    for f in (standards_file, edges_file):
        if not f.is_file():
            raise InputError(
                f"{f} is missing: a CCSS folder needs standards.json and prerequisites.csv"
            )
    try:
        entries = json.loads(standards_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{standards_file} is not valid JSON: {exc}") from None
    if not isinstance(entries, list):
        raise InputError(f"{standards_file} must hold a JSON list of standards")
    table = read_csv(
        edges_file,
        what="CCSS prerequisites file",
        required=("from_standard", "to_standard", "kind"),
        allowed=None,
        max_bytes=16 * 1024 * 1024,
    )
    return entries, [row for _, row in table.rows]


def ccss_standards_and_edges(
    folder: Path | None = None,
) -> tuple[list[dict[str, Any]], list[Edge], list[tuple[str, str]], list[str]]:
    """The CCSS standards/substandards, cleaned prerequisite edges, related pairs, notes.

    Cleaning (each step reported in the notes): drop within-standard self-loops, drop
    rows naming a whole domain (not a standard), collapse duplicates, and drop both
    directions of any pair the source states both ways (an artefact of expanding
    compound nodes such as ``0.G.1,2``).
    """
    folder = folder or shipped_path("content/ccss")
    entries, rows = _read_ccss(folder)
    nodes = [e for e in entries if e.get("level") in ("standard", "substandard")]
    ids = {e["id"] for e in nodes}
    notes: list[str] = []
    self_loops = 0
    domain_rows: list[str] = []
    edges: set[Edge] = set()
    related: set[tuple[str, str]] = set()
    for row in rows:
        a, b, kind = row["from_standard"], row["to_standard"], row["kind"]
        if a not in ids or b not in ids:
            domain_rows.append(f"{a} → {b}")
            continue
        if kind == "related":
            if a != b:
                related.add((min(a, b), max(a, b)))
            continue
        if a == b:
            self_loops += 1
            continue
        edges.add(Edge(prerequisite=a, dependent=b))
    contradictory = sorted(
        e
        for e in edges
        if Edge(e.dependent, e.prerequisite) in edges and e.prerequisite < e.dependent
    )
    for e in contradictory:
        edges.discard(e)
        edges.discard(Edge(e.dependent, e.prerequisite))
    notes.append(f"dropped {self_loops} within-standard self-loops")
    if domain_rows:
        notes.append(
            f"skipped {len(domain_rows)} rows that name a whole domain, not a standard: "
            + "; ".join(domain_rows)
        )
    if contradictory:
        notes.append(
            f"dropped {len(contradictory)} pairs stated in both directions by the source: "
            + "; ".join(f"{e.prerequisite} ⇄ {e.dependent}" for e in contradictory)
        )
    cycle = find_cycle(ids, edges)
    if cycle is not None:
        raise CurriculumError("CCSS prerequisites still contain a cycle: " + " → ".join(cycle))
    return nodes, sorted(edges), sorted(related), notes


def ccss_curriculum(folder: Path | None = None) -> Curriculum:
    """The CCSS graph as a curriculum: standards/substandards are the knowledge points."""
    nodes, edges, related, notes = ccss_standards_and_edges(folder)
    kps = []
    for e in nodes:
        attrs = {
            k: str(e[k])
            for k in ("level", "cluster", "cluster_description", "parent_standard", "emphasis")
            if e.get(k)
        }
        text = e.get("description_text") or e.get("description") or e["id"]
        kps.append(
            KnowledgePoint(
                id=e["id"],
                name=_short_name(text),
                grade=e.get("grade"),
                domain=e.get("domain"),
                description=text,
                attrs=attrs,
            )
        )
    curriculum = Curriculum(
        name="ccss",
        knowledge_points=tuple(kps),
        edges=tuple(edges),
        related=tuple(related),
        notes=tuple(notes),
    )
    validate_curriculum(curriculum)
    return curriculum


def _ccss_standards(folder: Path | None = None) -> tuple[tuple[Standard, ...], tuple[Edge, ...]]:
    nodes, edges, _, _ = ccss_standards_and_edges(folder)
    standards = tuple(
        Standard(
            id=e["id"],
            framework=CCSS_FRAMEWORK,
            grade=e.get("grade"),
            domain=e.get("domain"),
            description=e.get("description_text") or "",
        )
        for e in nodes
    )
    return standards, tuple(edges)


def pack_curriculum(folder: Path, *, name: str, max_bytes: int = 16 * 1024 * 1024) -> Curriculum:
    """A curriculum pack folder (``knowledge_points.csv`` + ``prerequisites.csv``).

    Knowledge points align to CCSS standards through the ``standards`` column
    (ids separated by ``;``); the CCSS standards and their prerequisite edges are
    loaded alongside as ``Standard`` nodes.
    """
    nodes = read_csv(
        folder / "knowledge_points.csv",
        what="knowledge points file",
        required=(
            "id",
            "name",
            "name_zh",
            "grade",
            "domain",
            "description",
            "description_zh",
            "standards",
        ),
        allowed=(),
        max_bytes=max_bytes,
    )
    kps = []
    for _, row in nodes.rows:
        kps.append(
            KnowledgePoint(
                id=row["id"],
                name=row["name"],
                name_zh=row["name_zh"],
                grade=row["grade"] or None,
                domain=row["domain"] or None,
                description=row["description"],
                description_zh=row["description_zh"],
                standards=tuple(
                    sorted(s.strip() for s in row["standards"].split(";") if s.strip())
                ),
            )
        )
    edges = _read_edges(folder / "prerequisites.csv", max_bytes=max_bytes)
    standards, standard_edges = _ccss_standards()
    curriculum = Curriculum(
        name=name,
        knowledge_points=tuple(kps),
        edges=tuple(edges),
        standards=standards,
        standard_edges=standard_edges,
    )
    validate_curriculum(curriculum)
    return curriculum


def default_curriculum() -> Curriculum:
    """The fine-grained K12 math pack shipped in ``content/k12-math``."""
    return pack_curriculum(shipped_path("content/k12-math"), name="k12-math")


def _read_edges_table(path: str | Path, *, max_bytes: int) -> CsvTable:
    return read_csv(
        path,
        what="edges file",
        required=("from", "to"),
        allowed=(),
        max_bytes=max_bytes,
        allow_no_rows=True,
    )


def _read_edges(path: Path, *, max_bytes: int) -> list[Edge]:
    table = _read_edges_table(path, max_bytes=max_bytes)
    return [Edge(prerequisite=row["from"], dependent=row["to"]) for _, row in table.rows]


def csv_curriculum(
    nodes_path: str | Path,
    edges_path: str | Path,
    *,
    name: str | None = None,
    max_bytes: int = 64 * 1024 * 1024,
) -> Curriculum:
    """A curriculum from a generic pair of CSV files.

    Nodes: ``id,name[,grade,domain,description,name_zh,description_zh,subject,…]``;
    extra columns become attributes. Edges: ``from,to`` where ``from`` is the
    prerequisite of ``to``. Problems are reported with the file and line.
    """
    nodes = read_csv(
        nodes_path, what="nodes file", required=("id", "name"), allowed=None, max_bytes=max_bytes
    )
    kps: list[KnowledgePoint] = []
    first_line: dict[str, int] = {}
    for line, row in nodes.rows:
        kp_id = row["id"]
        try:
            check_id("node", kp_id)
        except CurriculumError as exc:
            raise InputError(f"nodes file {nodes.path}, line {line}: {exc}") from None
        if kp_id in first_line:
            raise InputError(
                f"nodes file {nodes.path}, line {line}: duplicate id {kp_id!r} "
                f"(first on line {first_line[kp_id]})"
            )
        first_line[kp_id] = line
        if not row["name"]:
            raise InputError(f"nodes file {nodes.path}, line {line}: node {kp_id!r} has no name")
        attrs = {k: v for k, v in row.items() if k not in NODE_COLUMNS and v}
        kps.append(
            KnowledgePoint(
                id=kp_id,
                name=row["name"],
                grade=row.get("grade") or None,
                domain=row.get("domain") or None,
                description=row.get("description", ""),
                name_zh=row.get("name_zh", ""),
                description_zh=row.get("description_zh", ""),
                subject=row.get("subject") or "math",
                attrs=attrs,
            )
        )
    edges_table = _read_edges_table(edges_path, max_bytes=max_bytes)
    edges: list[Edge] = []
    seen: dict[Edge, int] = {}
    for line, row in edges_table.rows:
        edge = Edge(prerequisite=row["from"], dependent=row["to"])
        where = f"edges file {edges_table.path}, line {line}"
        for end in edge:
            if end not in first_line:
                raise InputError(f"{where}: unknown node {end!r} (not in the nodes file)")
        if edge.prerequisite == edge.dependent:
            raise InputError(f"{where}: self-loop {edge.prerequisite} → {edge.dependent}")
        if edge in seen:
            raise InputError(
                f"{where}: duplicate edge {edge.prerequisite} → {edge.dependent} "
                f"(first on line {seen[edge]})"
            )
        seen[edge] = line
        edges.append(edge)
    curriculum = Curriculum(
        name=name or f"imported:{Path(nodes_path).stem}",
        knowledge_points=tuple(kps),
        edges=tuple(edges),
    )
    validate_curriculum(curriculum)  # cycles, ids
    return curriculum


#: Named curricula for ``tutor graph load NAME`` — a registry, not if/elif.
NAMED_CURRICULA: dict[str, Callable[[], Curriculum]] = {
    "ccss": ccss_curriculum,
    "default": default_curriculum,
}


def named_curriculum(name: str) -> Curriculum:
    """Build one of :data:`NAMED_CURRICULA` by name."""
    try:
        factory = NAMED_CURRICULA[name]
    except KeyError:
        raise InputError(
            f"unknown curriculum {name!r}: choose one of {', '.join(sorted(NAMED_CURRICULA))}, "
            "or import your own with `tutor graph import --nodes F --edges F`"
        ) from None
    return factory()
