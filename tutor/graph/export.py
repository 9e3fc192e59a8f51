"""The graph as files other tools open: GraphML (Gephi, yEd, Cytoscape) and Gephi's CSV.

Takes the ``networkx.DiGraph`` of :func:`tutor.graph.netx.to_networkx` (edges prerequisite
→ dependent). Both formats hold scalars only, so list attributes become ``;``-joined text
with a count beside them (``n_item_families``…, to size or colour nodes by), and each node
gets a ``label`` (its English name) that Gephi shows. Files are written beside their
target and renamed into place: a failed export leaves no half file.

This is an export for looking at the graph. The lossless, re-importable form of a
curriculum is the pack (``tutor graph export --pack``, :mod:`tutor.content.pack`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.errors import InputError
from tutor.graph.files import temp_beside
from tutor.graph.netx import flat_copy

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["FORMATS", "graphml_text", "write_graph"]

#: What ``tutor graph export --format`` accepts.
FORMATS = ("graphml", "csv")

#: Node columns of the Gephi CSV after ``Id`` and ``Label``, in order.
NODE_COLUMNS = (
    "name",
    "name_zh",
    "grade",
    "domain",
    "description",
    "description_zh",
    "standards",
    "item_families",
    "assessed_by",
    "misconceptions",
    "n_standards",
    "n_item_families",
    "n_assessed_by",
    "n_misconceptions",
)


def _labelled(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    flat = flat_copy(graph)
    for _, data in flat.nodes(data=True):
        data["label"] = data.get("name", "")
    return flat


def graphml_text(graph: nx.DiGraph[str]) -> str:
    """``graph`` as a GraphML document (UTF-8 text)."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(_labelled(graph))) + "\n"


def _write_text(target: Path, text: str) -> None:
    with temp_beside(target, "export") as temp:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, target)


def _csv_text(header: tuple[str, ...], rows: Sequence[Sequence[object]]) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_graph(graph: nx.DiGraph[str], fmt: str, out: Path) -> list[Path]:
    """Write ``graph`` as ``fmt`` to ``out``; the files written.

    ``graphml``: ``out`` is the file. ``csv``: ``out`` is a folder (created if missing) that
    gets ``nodes.csv`` (``Id,Label,…``) and ``edges.csv`` (``Source,Target,Type,kind``),
    the column names Gephi's spreadsheet import recognises.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    try:
        if fmt == "graphml":
            if out.is_dir():
                raise InputError(f"{out} is a folder: give a file name such as graph.graphml")
            out.parent.mkdir(parents=True, exist_ok=True)
            _write_text(out, graphml_text(graph))
            return [out]
        if out.exists() and not out.is_dir():
            raise InputError(f"{out} is a file: CSV export writes a folder (nodes.csv, edges.csv)")
        out.mkdir(parents=True, exist_ok=True)
        flat = _labelled(graph)
        nodes = [
            (node, data["label"], *(data.get(c, "") for c in NODE_COLUMNS))
            for node, data in sorted(flat.nodes(data=True))
        ]
        edges = [
            (a, b, "Directed", data.get("kind", "")) for a, b, data in sorted(flat.edges(data=True))
        ]
        written = [out / "nodes.csv", out / "edges.csv"]
        _write_text(written[0], _csv_text(("Id", "Label", *NODE_COLUMNS), nodes))
        _write_text(written[1], _csv_text(("Source", "Target", "Type", "kind"), edges))
        return written
    except OSError as exc:
        raise InputError(f"cannot write the export to {out}: {exc.strerror or exc}") from None
