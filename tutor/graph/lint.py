"""``tutor graph lint``: what a curriculum designer should look at before shipping a pack.

The validator (:func:`tutor.domain.validate_curriculum`) refuses what cannot be loaded
(unknown ids, self-loops, cycles). Lint looks at a *loadable* graph and reports what is
probably a mistake or a gap, none of it blocking:

==========================  ==========================================================
``edge_down_grades``        a prerequisite more than one grade *above* the point that
                            needs it (grade 9 → grade 2)
``redundant_edge``          an edge implied by a longer chain of other edges (it is not
                            in the transitive reduction); ``via`` names one such chain
``no_standard``             a point aligned to no standard
``no_items``                a point no item family practises (no generator has it as
                            its primary point: it cannot be a goal)
``no_misconceptions``       a point no misconception signals (a wrong answer there can
                            only be diagnosed from shown working)
``dead_end``                a point below the pack's top grade that nothing needs
``coherence_no_path``       (CCSS-aligned packs) our edge joins two points whose
                            standards the Coherence Map does not connect in that direction
``coherence_reversed``      (CCSS-aligned packs) … and the map connects them the other
                            way round: our edge runs against it
==========================  ==========================================================

:func:`lint_graph` works on the networkx view of the stored curriculum
(:func:`tutor.graph.netx.to_networkx`: node attributes ``grade``, ``standards``,
``item_families``, ``misconceptions``). The Coherence Map comes in as a
:class:`CoherenceMap` built by the caller (``tutor.lab`` reads it from a CCSS folder), so
this module does no file I/O and needs nothing above the graph layer.

Findings carry a ``kind`` (a message code ``lint.<kind>`` of :mod:`tutor.i18n`), the ids
involved and parameters; the CLI words them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutor.domain import Edge, grade_rank

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["KINDS", "CoherenceMap", "Finding", "LintReport", "lint_graph"]

#: Every kind of finding, in the order a report lists them.
KINDS = (
    "edge_down_grades",
    "redundant_edge",
    "no_standard",
    "no_items",
    "no_misconceptions",
    "dead_end",
    "coherence_no_path",
    "coherence_reversed",
)

#: Grade ranks above 90 mean "no grade we can order" (:func:`tutor.domain.grade_rank`).
_UNKNOWN_RANK = 90.0


@dataclass(frozen=True)
class Finding:
    """One thing lint found: its kind, the ids it is about, and details for the message."""

    kind: str
    ids: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def code(self) -> str:
        """The message code that words this finding (:mod:`tutor.i18n`)."""
        return f"lint.{self.kind}"

    def message_params(self) -> dict[str, Any]:
        """The parameters of :attr:`code`: ``params`` with the ids as ``a`` (the point, or
        the prerequisite of an edge) and ``b`` (the dependent of an edge)."""
        ends = dict(zip(("a", "b"), self.ids, strict=False))
        return {**self.params, **ends}

    def to_json(self) -> dict[str, object]:
        """``{"kind", "ids", "params"}`` (the ``--json`` contract, one finding)."""
        return {"kind": self.kind, "ids": list(self.ids), "params": dict(self.params)}


@dataclass(frozen=True)
class CoherenceMap:
    """The standards' own prerequisite graph (Achieve the Core's Coherence Map).

    ``edges`` run from a prerequisite standard to the standard that needs it; ``parent``
    maps a substandard (``4.NF.B.3a``) to its standard (``4.NF.B.3``). The map is drawn
    between standards, sometimes substandards, so both ends are compared at the level of
    the standard: a substandard counts as its parent.
    """

    edges: tuple[Edge, ...]
    parent: Mapping[str, str] = field(default_factory=dict, hash=False)

    def standard_of(self, standard_id: str) -> str:
        """The standard a (sub)standard id counts as on the map."""
        return self.parent.get(standard_id, standard_id)

    def reach(self) -> dict[str, set[str]]:
        """Each standard on the map → every standard it leads to (transitively)."""
        succ: dict[str, set[str]] = {}
        for e in self.edges:
            a, b = self.standard_of(e.prerequisite), self.standard_of(e.dependent)
            if a != b:
                succ.setdefault(a, set()).add(b)
                succ.setdefault(b, set())
        reach: dict[str, set[str]] = {}
        for start in succ:
            seen: set[str] = set()
            stack = list(succ[start])
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack.extend(succ[node])
            reach[start] = seen
        return reach


@dataclass(frozen=True)
class LintReport:
    """Everything lint found in one curriculum, with the numbers that frame it.

    ``coherence_checked`` counts our edges both of whose ends have standards on the map
    (the only ones the map can judge); ``coherence`` is None when no map was given or
    the pack aligns to none of its standards (then there is nothing to compare).
    """

    curriculum: str
    knowledge_points: int
    prerequisite_edges: int
    top_grade: str | None
    findings: tuple[Finding, ...]
    coherence: dict[str, int] | None = None

    def counts(self) -> dict[str, int]:
        """Findings per kind, every kind present (0 when none)."""
        found = Counter(f.kind for f in self.findings)
        return {kind: found[kind] for kind in KINDS}

    def of_kind(self, kind: str) -> list[Finding]:
        """The findings of one kind, in report order."""
        return [f for f in self.findings if f.kind == kind]

    def to_json(self) -> dict[str, object]:
        """The ``tutor graph lint --json`` contract."""
        return {
            "curriculum": self.curriculum,
            "knowledge_points": self.knowledge_points,
            "prerequisite_edges": self.prerequisite_edges,
            "top_grade": self.top_grade,
            "counts": self.counts(),
            "coherence": self.coherence,
            "findings": [f.to_json() for f in self.findings],
        }


def lint_graph(graph: nx.DiGraph[str], coherence: CoherenceMap | None = None) -> LintReport:
    """Lint the curriculum ``graph`` (as :func:`tutor.graph.netx.to_networkx` builds it).

    Edges point from a prerequisite to what needs it. Each node needs the attributes
    ``grade`` (``""`` when none), ``standards``, ``item_families`` and ``misconceptions``
    (lists of ids). Findings are sorted by kind (:data:`KINDS`), then ids.
    """
    findings: list[Finding] = []
    grades = {n: str(graph.nodes[n].get("grade") or "") for n in graph}
    findings += _down_grades(graph, grades)
    findings += _redundant(graph)
    findings += _missing(graph)
    top = _top_grade(grades.values())
    if top is not None:
        findings += _dead_ends(graph, grades, top)
    summary = None
    if coherence is not None:
        found, summary = _coherence(graph, coherence)
        findings += found
    order = {kind: i for i, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.ids))
    return LintReport(
        curriculum=str(graph.graph.get("curriculum", "")),
        knowledge_points=graph.number_of_nodes(),
        prerequisite_edges=graph.number_of_edges(),
        top_grade=top,
        findings=tuple(findings),
        coherence=summary,
    )


def _down_grades(graph: nx.DiGraph[str], grades: Mapping[str, str]) -> list[Finding]:
    found = []
    for pre, dep in graph.edges:
        a, b = grade_rank(grades[pre]), grade_rank(grades[dep])
        if a < _UNKNOWN_RANK and b < _UNKNOWN_RANK and a - b > 1:
            found.append(
                Finding(
                    "edge_down_grades",
                    (pre, dep),
                    {"from_grade": grades[pre], "to_grade": grades[dep]},
                )
            )
    return found


def _redundant(graph: nx.DiGraph[str]) -> list[Finding]:
    import networkx as nx

    reduced = nx.transitive_reduction(graph)
    found = []
    for pre, dep in sorted(set(graph.edges) - set(reduced.edges)):
        # One chain that makes the edge redundant: the shortest way without it.
        view = nx.restricted_view(graph, [], [(pre, dep)])
        via = nx.shortest_path(view, pre, dep)
        found.append(Finding("redundant_edge", (pre, dep), {"via": via}))
    return found


def _missing(graph: nx.DiGraph[str]) -> list[Finding]:
    found = []
    for kp in sorted(graph):
        data = graph.nodes[kp]
        for attr, kind in (
            ("standards", "no_standard"),
            ("item_families", "no_items"),
            ("misconceptions", "no_misconceptions"),
        ):
            if not data.get(attr):
                found.append(Finding(kind, (kp,), {"grade": str(data.get("grade") or "")}))
    return found


def _top_grade(grades: Iterable[str]) -> str | None:
    known = [g for g in grades if g and grade_rank(g) < _UNKNOWN_RANK]
    return max(known, key=grade_rank) if known else None


def _dead_ends(graph: nx.DiGraph[str], grades: Mapping[str, str], top: str) -> list[Finding]:
    top_rank = grade_rank(top)
    return [
        Finding("dead_end", (kp,), {"grade": grades[kp], "top_grade": top})
        for kp in sorted(graph)
        if graph.out_degree(kp) == 0 and grade_rank(grades[kp]) < top_rank
    ]


def _coherence(
    graph: nx.DiGraph[str], cmap: CoherenceMap
) -> tuple[list[Finding], dict[str, int] | None]:
    reach = cmap.reach()

    def on_map(kp: str) -> set[str]:
        return {cmap.standard_of(s) for s in graph.nodes[kp].get("standards") or ()} & set(reach)

    aligned = {kp: on_map(kp) for kp in graph}
    if not any(aligned.values()):
        return [], None  # not aligned to the map's standards: nothing to compare
    found = []
    checked = agreed = 0
    for pre, dep in sorted(graph.edges):
        a, b = aligned[pre], aligned[dep]
        if not a or not b:
            continue
        checked += 1
        if a & b or _leads(reach, a, b):
            agreed += 1
            continue
        params = {"from_standards": sorted(a), "to_standards": sorted(b)}
        kind = "coherence_reversed" if _leads(reach, b, a) else "coherence_no_path"
        found.append(Finding(kind, (pre, dep), params))
    summary = {
        "edges_checked": checked,
        "edges_on_map": agreed,
        "edges_not_checkable": graph.number_of_edges() - checked,
        "points_on_map": sum(1 for s in aligned.values() if s),
    }
    return found, summary


def _leads(reach: Mapping[str, set[str]], starts: Collection[str], ends: Collection[str]) -> bool:
    return any(reach[s] & set(ends) for s in starts)
