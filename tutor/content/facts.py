"""The numbers the docs give about the shipped content, computed from the code.

README.md and ``content/k12-math/README.md`` hold blocks between ``<!-- facts:NAME -->``
and ``<!-- /facts:NAME -->``; :func:`blocks` writes their text from the shipped pack, the
registered generators and the buggy-rule library, so a count in the docs is never typed by
hand. ``tests/unit/test_doc_facts.py`` fails when a block is stale; to refresh them::

    python -m tutor.content.facts          # rewrite the blocks
    python -m tutor.content.facts --check  # exit 1 and name the stale blocks
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DOCS", "PackFacts", "blocks", "default_pack_facts", "stale_blocks", "update_docs"]

#: The files that hold fact blocks, relative to the repository root.
DOCS = ("README.md", "content/k12-math/README.md")

_BLOCK = re.compile(
    r"(<!-- facts:(?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /facts:(?P=name) -->)", re.S
)


@dataclass(frozen=True)
class PackFacts:
    """What the shipped default pack and the code's content hold."""

    name: str
    knowledge_points: int
    prerequisite_edges: int
    standards: int
    alignments: int
    generators: int
    points_with_generators: int
    misconceptions: int
    signals_links: int
    skill_map_rows: int
    cross_domain_edges: int
    downward_edges: int
    redundant_edges: int
    roots: tuple[str, ...]
    longest_chain: tuple[str, ...]
    grades: tuple[str, ...]
    domains: tuple[str, ...]
    by_domain_grade: dict[tuple[str, str], int]
    ccss_standards: int
    ccss_edges: int
    ccss_related: int


def default_pack_facts() -> PackFacts:
    """Count the default pack (``content/k12-math``), its content and the CCSS graph."""
    import networkx as nx

    from tutor.content.bank import default_content_bank
    from tutor.content.csvfiles import read_csv
    from tutor.content.curricula import ccss_curriculum, default_curriculum
    from tutor.domain import grade_rank
    from tutor.resources import shipped_path

    curriculum = default_curriculum()
    bank = default_content_bank()
    points = curriculum.knowledge_points
    domain_of = {kp.id: kp.domain or "-" for kp in points}
    grade_of = {kp.id: kp.grade for kp in points}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(domain_of)
    graph.add_edges_from(curriculum.edges)
    skill_map = read_csv(
        shipped_path("content/k12-math/oatutor_skill_map.csv"),
        what="OATutor skill map",
        required=("skill", "kp"),
        allowed=None,
        max_bytes=1 << 20,
    )
    ccss = ccss_curriculum()
    # Domains in the order they start (lowest grade, then highest grade, then name).
    span: dict[str, list[float]] = {}
    for kp in points:
        span.setdefault(kp.domain or "-", []).append(grade_rank(kp.grade))
    domains = tuple(sorted(span, key=lambda d: (min(span[d]), max(span[d]), d)))
    return PackFacts(
        name=curriculum.name,
        knowledge_points=len(points),
        prerequisite_edges=len(curriculum.edges),
        standards=len(curriculum.standards),
        alignments=sum(len(kp.standards) for kp in points),
        generators=len(bank.families),
        points_with_generators=len({f.kp for f in bank.families}),
        misconceptions=len(bank.misconceptions),
        signals_links=sum(len(m.signals) for m in bank.misconceptions),
        skill_map_rows=len(skill_map.rows),
        cross_domain_edges=sum(domain_of[a] != domain_of[b] for a, b in curriculum.edges),
        downward_edges=sum(
            grade_rank(grade_of[a]) > grade_rank(grade_of[b]) for a, b in curriculum.edges
        ),
        redundant_edges=graph.number_of_edges() - nx.transitive_reduction(graph).number_of_edges(),
        roots=tuple(sorted(n for n in graph if graph.in_degree(n) == 0)),
        longest_chain=tuple(nx.dag_longest_path(graph)),
        grades=tuple(sorted({kp.grade or "-" for kp in points}, key=grade_rank)),
        domains=domains,
        by_domain_grade=dict(Counter((kp.domain or "-", kp.grade or "-") for kp in points)),
        ccss_standards=len(ccss.knowledge_points),
        ccss_edges=len(ccss.edges),
        ccss_related=len(ccss.related),
    )


def _counts_table(f: PackFacts) -> str:
    head = "| domain | " + " | ".join(f.grades) + " | total |"
    rule = "|---|" + "---:|" * (len(f.grades) + 1)
    rows = [head, rule]
    for d in f.domains:
        cells = [f.by_domain_grade.get((d, g), 0) for g in f.grades]
        shown = " | ".join(str(n) if n else "" for n in cells)
        rows.append(f"| {d} | {shown} | {sum(cells)} |")
    totals = [sum(f.by_domain_grade.get((d, g), 0) for d in f.domains) for g in f.grades]
    rows.append("| **total** | " + " | ".join(map(str, totals)) + f" | {f.knowledge_points} |")
    return "\n".join(rows)


def _wrap(text: str) -> str:
    """Markdown prose and bullets wrapped at 100 columns, as the docs are."""
    import textwrap

    out = []
    for para in text.rstrip("\n").split("\n"):
        bullet = para.startswith("- ")
        out.append(
            textwrap.fill(
                para,
                width=100,
                subsequent_indent="  " if bullet else "",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(out) + "\n"


def blocks(f: PackFacts) -> dict[str, str]:
    """The text of every fact block, by name (each ends with a newline)."""
    prose = _prose(f)
    return {name: _wrap(text) for name, text in prose.items()} | {
        "pack_counts": _counts_table(f) + "\n"
    }


def _prose(f: PackFacts) -> dict[str, str]:
    roots = ", ".join(f"`{r}`" for r in f.roots)
    return {
        "readme_pack": (
            f"- `content/k12-math/` — the default pack: {f.knowledge_points} fine-grained "
            f"knowledge points for grades {f.grades[0]}–{f.grades[-1]} with English and "
            f"Simplified Chinese names and descriptions, {f.prerequisite_edges} direct "
            f"prerequisite edges, and {f.alignments} alignments to {f.standards} CCSS "
            "standards. Loaded by `tutor graph load default`; the CCSS standards are loaded "
            "alongside as `Standard` nodes with their coherence-map prerequisites. With it "
            f"come `misconceptions.csv` ({f.misconceptions} buggy rules, en + zh, signalling "
            f"{f.signals_links} point gaps in all) and `oatutor_skill_map.csv` "
            f"({f.skill_map_rows} OATutor skills mapped to our points). Item generators cover "
            f"{f.points_with_generators} of the {f.knowledge_points} points ({f.generators} "
            "generators, stored as item families; `tutor content stats` prints the coverage "
            "per domain, in the store and in the code).\n"
            f"- `content/ccss/` — the Common Core math standards with the Achieve the Core "
            f"coherence-map edges (CC0). `tutor graph load ccss` makes its {f.ccss_standards} "
            f"standards and substandards the knowledge points ({f.ccss_edges} prerequisite "
            f"edges after the cleaning the load report lists; {f.ccss_related} `related` "
            "links).\n"
        ),
        "pack_summary": (
            f"A curriculum pack for kptutor: **{f.knowledge_points} fine-grained knowledge "
            f"points (KPs)** for mathematics from grade {f.grades[0]} to grade {f.grades[-1]}, "
            f"with **{f.prerequisite_edges} direct prerequisite edges** between them, in "
            f"English and Simplified Chinese, and **{f.misconceptions} misconceptions** "
            f"(buggy rules). The KPs carry {f.alignments} alignments to {f.standards} Common "
            "Core State Standards (CCSS) ids.\n"
        ),
        "pack_shape": (
            f"- {f.downward_edges} edges go from a higher grade to a lower grade;\n"
            f"- {f.redundant_edges} edges are implied by others (an edge a→c beside a path "
            "a→…→c): the edge set is transitively reduced when this is 0;\n"
            f"- {f.cross_domain_edges} edges cross domains (e.g. "
            "`mult_div.least_common_multiple → fractions.common_denominator`);\n"
            f"- every KP has at least one prerequisite except {len(f.roots)} starting points: "
            f"{roots};\n"
            f"- the longest prerequisite chain has {len(f.longest_chain)} KPs, from "
            f"`{f.longest_chain[0]}` to `{f.longest_chain[-1]}`;\n"
            f"- item generators (in `tutor/content/generators/`) make items for "
            f"{f.points_with_generators} of the {f.knowledge_points} KPs ({f.generators} "
            f"generators); the {f.misconceptions} misconceptions signal gaps in "
            f"{f.signals_links} (misconception, KP) pairs.\n"
        ),
    }


def _replace(text: str, wanted: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in wanted:
            raise KeyError(f"unknown fact block {name!r}")
        return match.group(1) + wanted[name] + match.group(4)

    return _BLOCK.sub(fill, text)


def stale_blocks(root: Path, wanted: dict[str, str] | None = None) -> list[str]:
    """``file: block`` for each fact block under ``root`` whose text is not what the code
    says now (empty when all are current)."""
    wanted = wanted if wanted is not None else blocks(default_pack_facts())
    stale = []
    for name in DOCS:
        text = (root / name).read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            if wanted.get(match.group("name")) != match.group("body"):
                stale.append(f"{name}: {match.group('name')}")
    return stale


def update_docs(root: Path) -> list[str]:
    """Rewrite the fact blocks under ``root``; the files that changed."""
    wanted = blocks(default_pack_facts())
    changed = []
    for name in DOCS:
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = _replace(text, wanted)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(name)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m tutor.content.facts [--check]`` from the repository root."""
    args = sys.argv[1:] if argv is None else argv
    root = Path.cwd()
    if "--check" in args:
        stale = stale_blocks(root)
        for line in stale:
            print(f"stale: {line}")
        return 1 if stale else 0
    for name in update_docs(root):
        print(f"updated {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
