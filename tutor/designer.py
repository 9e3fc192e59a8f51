"""The curriculum designer's questions, one call each, and the map of a domain.

:class:`Designer` reads one store (curriculum, content, and — for the class question —
the attempts of stored classes) and answers:

* :meth:`Designer.missing_prerequisites` — "which prerequisite of <point or domain> is
  most often missing in my classes?": the gaps the diagnosis recorded on the classes'
  attempts (``Attempt.gap_kps``), kept when they are prerequisites of the target and
  grouped by prerequisite;
* :meth:`Designer.standards_without_items` — "which standards have no items?": standards
  no practisable point is aligned to (with the points that are aligned, if any);
* :meth:`Designer.removal_impact` — "what breaks if I remove this edge / point?": the
  prerequisite pairs that would no longer be connected, the points that would become
  new starting points (no prerequisite left) or new dead ends, and what content and goals
  name a removed point.

:meth:`Designer.domain_map` lays a domain out by grade (one column a grade, points
ordered to keep arrows short) and colours each point by its content coverage;
:meth:`Designer.domain_figure` draws it with plotly and :meth:`Designer.domain_map_html`
writes it as one HTML file with plotly.js inside (it opens offline); :func:`draw_map`
draws the same layout with matplotlib for static figures (notebooks, PNGs).

Nothing here writes to the store. plotly and matplotlib are imported only by the
functions that draw.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tutor.domain import Standard, grade_rank
from tutor.errors import InputError, NotFoundError

if TYPE_CHECKING:
    import networkx as nx

    from tutor.graph import GraphStore

__all__ = [
    "COVERAGE_COLOURS",
    "COVERAGE_KINDS",
    "Designer",
    "DomainMap",
    "MapPoint",
    "MissingPrerequisite",
    "RemovalImpact",
    "StandardCoverage",
    "draw_map",
]

Coverage = Literal["both", "items_only", "misconceptions_only", "neither"]
#: Coverage kinds, best first (the legend's order).
COVERAGE_KINDS: tuple[Coverage, ...] = ("both", "items_only", "misconceptions_only", "neither")
#: One colour per coverage kind, from the Okabe–Ito palette (told apart with the common
#: colour-vision deficiencies): blue = all there, sky blue = items only, orange =
#: misconceptions only, vermillion = nothing yet.
COVERAGE_COLOURS: Mapping[Coverage, str] = {
    "both": "#0072B2",
    "items_only": "#56B4E9",
    "misconceptions_only": "#E69F00",
    "neither": "#D55E00",
}

#: The message code naming each coverage kind (the map's legend).
COVERAGE_CODES: Mapping[Coverage, str] = {
    "both": "ui.map_both",
    "items_only": "ui.map_items_only",
    "misconceptions_only": "ui.map_misconceptions_only",
    "neither": "ui.map_neither",
}


@dataclass(frozen=True)
class MissingPrerequisite:
    """One prerequisite of the target and how often the diagnosis found it missing.

    ``students`` counts distinct students with at least one such diagnosis, ``attempts``
    the attempts that blamed it, ``on_target`` those made on the target point(s)
    themselves (the rest were diagnosed while practising something else).
    """

    kp: str
    name: str
    name_zh: str
    grade: str | None
    domain: str | None
    students: int
    attempts: int
    on_target: int

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "kp": self.kp,
            "name": self.name,
            "name_zh": self.name_zh,
            "grade": self.grade,
            "domain": self.domain,
            "students": self.students,
            "attempts": self.attempts,
            "on_target": self.on_target,
        }


@dataclass(frozen=True)
class StandardCoverage:
    """A standard, the points aligned to it, and which of those have item families."""

    standard: Standard
    points: tuple[str, ...]
    points_with_items: tuple[str, ...]

    @property
    def has_items(self) -> bool:
        """Whether some aligned point can be practised."""
        return bool(self.points_with_items)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "standard": self.standard.id,
            "grade": self.standard.grade,
            "domain": self.standard.domain,
            "description": self.standard.description,
            "points": list(self.points),
            "points_with_items": list(self.points_with_items),
        }


@dataclass(frozen=True)
class RemovalImpact:
    """What removing an edge or a point would change in the prerequisite graph.

    ``lost_pairs`` are the (prerequisite, dependent) pairs — transitive, between points
    that stay — connected before and not after. ``new_starting_points`` had a
    prerequisite before and none after; ``new_dead_ends`` had a dependent before and
    none after. For a removed point, ``item_families``, ``misconceptions`` and
    ``goals`` (students whose goal it is) name what would have to change with it.
    """

    removed: tuple[str, ...]
    lost_pairs: tuple[tuple[str, str], ...]
    new_starting_points: tuple[str, ...]
    new_dead_ends: tuple[str, ...]
    item_families: tuple[str, ...] = ()
    misconceptions: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "removed": list(self.removed),
            "lost_pairs": [list(p) for p in self.lost_pairs],
            "new_starting_points": list(self.new_starting_points),
            "new_dead_ends": list(self.new_dead_ends),
            "item_families": list(self.item_families),
            "misconceptions": list(self.misconceptions),
            "goals": list(self.goals),
        }


@dataclass(frozen=True)
class MapPoint:
    """One point of a domain map: where it sits and what it has."""

    id: str
    name: str
    name_zh: str
    grade: str
    x: float
    y: float
    item_families: int
    misconceptions: int
    standards: tuple[str, ...]

    @property
    def coverage(self) -> Coverage:
        """Which content the point has (its colour on the map)."""
        if self.item_families and self.misconceptions:
            return "both"
        if self.item_families:
            return "items_only"
        return "misconceptions_only" if self.misconceptions else "neither"


@dataclass(frozen=True)
class DomainMap:
    """A domain laid out by grade: ``grades`` left to right (column ``x`` = index),
    ``points`` with their positions, ``edges`` (prerequisite, dependent) among them."""

    domain: str
    grades: tuple[str, ...]
    points: tuple[MapPoint, ...]
    edges: tuple[tuple[str, str], ...]

    def rows(self) -> int:
        """The most points any one grade has (how tall the map is)."""
        return max(Counter(int(p.x) for p in self.points).values(), default=1)

    def counts(self) -> dict[Coverage, int]:
        """Points per coverage kind (every kind present)."""
        found = Counter(p.coverage for p in self.points)
        return {kind: found[kind] for kind in COVERAGE_KINDS}


class Designer:
    """The curriculum designer's questions about one store (read-only)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store

    def graph(self, *, domain: str | None = None) -> nx.DiGraph[str]:
        """The stored curriculum as networkx sees it (:func:`tutor.graph.netx.to_networkx`)."""
        from tutor.graph.netx import to_networkx

        return to_networkx(self._store, domain=domain)

    # -- 1. which prerequisite is most often missing ------------------------------------

    def missing_prerequisites(
        self, target: str, classes: Collection[str]
    ) -> list[MissingPrerequisite]:
        """Which prerequisites of ``target`` the diagnosis found missing in ``classes``.

        ``target`` is a knowledge point id or a domain (then its prerequisites are those
        of its points that lie outside the domain). Every stored attempt of the classes'
        students counts; each gap it records that is a prerequisite of the target counts
        once for that prerequisite. Most students first, then most attempts, then id.
        """
        if not classes:
            raise InputError("name at least one class whose attempts to read")
        targets = self._targets(target)
        prerequisites: set[str] = set()
        for kp in targets:
            prerequisites.update(self._store.prerequisites(kp))
        prerequisites -= targets
        students: dict[str, set[str]] = defaultdict(set)
        attempts: Counter[str] = Counter()
        on_target: Counter[str] = Counter()
        for class_id in sorted(set(classes)):
            self._store.get_class(class_id)  # NotFoundError names an unknown class
            for student in self._store.list_students(class_id):
                for attempt in self._store.attempts(student.id):
                    for gap in set(attempt.gap_kps) & prerequisites:
                        students[gap].add(student.id)
                        attempts[gap] += 1
                        on_target[gap] += attempt.kp in targets
        points = {kp.id: kp for kp in self._store.list_nodes()}
        found = [
            MissingPrerequisite(
                kp=kp,
                name=points[kp].name,
                name_zh=points[kp].name_zh,
                grade=points[kp].grade,
                domain=points[kp].domain,
                students=len(students[kp]),
                attempts=attempts[kp],
                on_target=on_target[kp],
            )
            for kp in attempts
        ]
        return sorted(found, key=lambda m: (-m.students, -m.attempts, m.kp))

    def _targets(self, target: str) -> set[str]:
        try:
            return {self._store.get_node(target).id}
        except NotFoundError:
            pass
        in_domain = {kp.id for kp in self._store.list_nodes(domain=target)}
        if in_domain:
            return in_domain
        raise NotFoundError(
            f"{target!r} is neither a knowledge point nor a domain of {self._store.url}; "
            "`tutor graph list` shows the points and their domains"
        )

    # -- 2. which standards have no items -----------------------------------------------

    def standard_coverage(self) -> list[StandardCoverage]:
        """Every stored standard with the points aligned to it and those of them that have
        item families, by grade then id."""
        curriculum = self._store.curriculum()
        if curriculum is None:
            return []
        with_items = {f.kp for f in self._store.item_families()}
        aligned: dict[str, list[str]] = defaultdict(list)
        for kp in curriculum.knowledge_points:
            for sid in kp.standards:
                aligned[sid].append(kp.id)
        rows = [
            StandardCoverage(
                standard=s,
                points=tuple(sorted(aligned[s.id])),
                points_with_items=tuple(sorted(p for p in aligned[s.id] if p in with_items)),
            )
            for s in curriculum.standards
        ]
        return sorted(rows, key=lambda r: (grade_rank(r.standard.grade), r.standard.id))

    def standards_without_items(self, *, aligned_only: bool = False) -> list[StandardCoverage]:
        """The standards no practisable point is aligned to, by grade then id: those with
        aligned points that all lack item families, and (unless ``aligned_only``) those
        no point aligns to at all."""
        return [
            row
            for row in self.standard_coverage()
            if not row.has_items and (row.points or not aligned_only)
        ]

    # -- 3. what breaks if I remove an edge or a point ---------------------------------

    def removal_impact(
        self, *, edge: tuple[str, str] | None = None, point: str | None = None
    ) -> RemovalImpact:
        """What removing the prerequisite ``edge`` (prerequisite, dependent) or the
        ``point`` (with its edges) would break; give exactly one of them."""
        import networkx as nx

        if (edge is None) == (point is None):
            raise InputError("give either an edge (prerequisite, dependent) or a point")
        before = self.graph()
        after = before.copy()
        if edge is not None:
            pre, dep = edge
            if not before.has_edge(pre, dep):
                raise InputError(
                    f"no prerequisite edge {pre} → {dep} in {self._store.url}; "
                    f"`tutor graph show {dep}` lists the prerequisites of {dep}"
                )
            after.remove_edge(pre, dep)
            removed: tuple[str, ...] = (pre, dep)
            # Only pairs from pre's side to dep's side can be lost.
            sources = {pre, *nx.ancestors(before, pre)}
            targets = {dep, *nx.descendants(before, dep)}
        else:
            assert point is not None
            self._store.get_node(point)  # NotFoundError for an unknown point
            after.remove_node(point)
            removed = (point,)
            sources = set(nx.ancestors(before, point))
            targets = set(nx.descendants(before, point))
        # One traversal per source: the targets it no longer reaches.
        lost = sorted((s, t) for s in sources for t in targets - nx.descendants(after, s) - {s})
        kept = set(after)
        starts = sorted(n for n in kept if before.in_degree(n) > 0 and after.in_degree(n) == 0)
        ends = sorted(n for n in kept if before.out_degree(n) > 0 and after.out_degree(n) == 0)
        impact = RemovalImpact(
            removed=removed,
            lost_pairs=tuple(lost),
            new_starting_points=tuple(starts),
            new_dead_ends=tuple(ends),
        )
        if point is None:
            return impact
        data = before.nodes[point]
        goals = tuple(sorted(s.id for s in self._store.list_students() if s.goal == point))
        return RemovalImpact(
            removed=impact.removed,
            lost_pairs=impact.lost_pairs,
            new_starting_points=impact.new_starting_points,
            new_dead_ends=impact.new_dead_ends,
            item_families=tuple(data.get("assessed_by", ())),
            misconceptions=tuple(data.get("misconceptions", ())),
            goals=goals,
        )

    # -- the map of a domain ------------------------------------------------------------

    def domain_map(self, domain: str) -> DomainMap:
        """``domain``'s points laid out by grade and coloured by coverage (InputError
        naming the domains for an unknown one)."""
        graph = self.graph(domain=domain)
        return layout_by_grade(domain, graph)

    def domain_figure(self, domain: str, language: str = "en") -> Any:
        """The domain map as an interactive plotly ``Figure`` (names in ``language``)."""
        return figure(self.domain_map(domain), language)

    def domain_map_html(self, domain: str, language: str = "en") -> str:
        """The domain map as one self-contained HTML page: plotly.js is inside, so it
        opens offline (about 5 MB)."""
        html: str = self.domain_figure(domain, language).to_html(
            include_plotlyjs=True, full_html=True, config={"displaylogo": False}
        )
        return html


# -- layout ---------------------------------------------------------------------------------


#: How far right (in grade columns) each step of a same-grade chain moves, and how many
#: steps at most.
_STEP = 0.2
_MAX_STEPS = 2


def layout_by_grade(domain: str, graph: nx.DiGraph[str], sweeps: int = 8) -> DomainMap:
    """One column per grade (lowest left), the points of a column ordered so that arrows
    stay short and cross little: a few sweeps of the barycentre heuristic (each point
    moves to the mean position of its neighbours in the other columns)."""
    import networkx as nx

    def grade_of(n: str) -> str:
        return str(graph.nodes[n].get("grade") or "?")

    grades = sorted({grade_of(n) for n in graph}, key=grade_rank)
    column = {g: i for i, g in enumerate(grades)}
    cols: dict[int, list[str]] = defaultdict(list)
    for n in sorted(graph):
        cols[column[grade_of(n)]].append(n)
    pos: dict[str, float] = {}

    def place() -> None:
        for members in cols.values():
            for i, n in enumerate(members):
                pos[n] = i - (len(members) - 1) / 2

    place()
    for sweep in range(sweeps):
        order = sorted(cols) if sweep % 2 == 0 else sorted(cols, reverse=True)
        for c in order:

            def key(n: str) -> tuple[float, str]:
                near = [pos[m] for m in (*graph.predecessors(n), *graph.successors(n))]
                return (sum(near) / len(near) if near else pos[n], n)

            cols[c].sort(key=key)
            place()
    # Inside a grade, a point sits a little right of its same-grade prerequisites, so a
    # chain within one grade reads left to right instead of as arrows stacked on a line.
    step: dict[str, int] = {}
    for n in nx.topological_sort(graph):
        same = [p for p in graph.predecessors(n) if grade_of(p) == grade_of(n)]
        step[n] = min(_MAX_STEPS, 1 + max((step[p] for p in same), default=-1))
    points = []
    for n in sorted(graph, key=lambda n: (column[grade_of(n)], n)):
        data = graph.nodes[n]
        points.append(
            MapPoint(
                id=n,
                name=str(data.get("name") or n),
                name_zh=str(data.get("name_zh") or ""),
                grade=str(data.get("grade") or "?"),
                x=column[grade_of(n)] + _STEP * step[n],
                y=-pos[n],  # first in a column at the top
                item_families=len(data.get("item_families") or ()),
                misconceptions=len(data.get("misconceptions") or ()),
                standards=tuple(data.get("standards") or ()),
            )
        )
    return DomainMap(domain, tuple(grades), tuple(points), tuple(sorted(graph.edges)))


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _label(point: MapPoint, language: str, width: int = 18) -> list[str]:
    if language.startswith("zh") and point.name_zh:
        name = point.name_zh
        return [name[i : i + 9] for i in range(0, len(name), 9)]  # no spaces to break at
    return _wrap(point.name, width)


def figure(dmap: DomainMap, language: str = "en") -> Any:
    """The map as a plotly ``Figure``: arrows from prerequisite to dependent, one marker
    per point coloured by coverage (one legend entry per kind), its name beside it, the
    details on hover."""
    import plotly.graph_objects as go

    from tutor.i18n import domain_name, render

    where = {p.id: p for p in dmap.points}
    fig = go.Figure()
    for pre, dep in dmap.edges:
        a, b = where[pre], where[dep]
        fig.add_annotation(
            x=b.x,
            y=b.y,
            ax=a.x,
            ay=a.y,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowsize=1.2,
            arrowwidth=1,
            arrowcolor="rgba(90,90,90,0.45)",
            standoff=9,
            startstandoff=9,
            text="",
        )
    for kind in COVERAGE_KINDS:
        members = [p for p in dmap.points if p.coverage == kind]
        fig.add_trace(
            go.Scatter(
                x=[p.x for p in members],
                y=[p.y for p in members],
                mode="markers+text",
                name=f"{render(COVERAGE_CODES[kind], {}, language)} ({len(members)})",
                marker={
                    "size": 16,
                    "color": COVERAGE_COLOURS[kind],
                    "line": {"width": 1, "color": "#333"},
                },
                text=["<br>".join(_label(p, language)) for p in members],
                textposition="middle right",
                textfont={"size": 11, "color": "#222"},
                hovertext=[
                    render(
                        "ui.map_hover",
                        {
                            "id": p.id,
                            "name": (p.name_zh or p.name) if language.startswith("zh") else p.name,
                            "grade": p.grade,
                            "items": p.item_families,
                            "misconceptions": p.misconceptions,
                            "standards": ", ".join(p.standards) or "-",
                        },
                        language,
                    )
                    for p in members
                ],
                hoverinfo="text",
                showlegend=True,
            )
        )
    rows = dmap.rows()
    fig.update_layout(
        title={
            "text": render(
                "ui.map_title",
                {"domain": domain_name(dmap.domain, language), "n": len(dmap.points)},
                language,
            ),
            "x": 0.01,
        },
        xaxis={
            "tickmode": "array",
            "tickvals": list(range(len(dmap.grades))),
            "ticktext": [render("ui.map_grade", {"grade": g}, language) for g in dmap.grades],
            "range": [-0.3, len(dmap.grades) - 0.1],
            "side": "top",
            "showgrid": True,
            "zeroline": False,
        },
        yaxis={"visible": False},
        legend={"orientation": "h", "y": -0.02, "x": 0.0},
        height=max(420, 62 * rows + 160),
        width=max(760, 240 * len(dmap.grades)),
        margin={"l": 20, "r": 20, "t": 90, "b": 40},
        plot_bgcolor="white",
        hoverlabel={"align": "left"},
    )
    return fig


def draw_map(dmap: DomainMap, ax: Any = None, language: str = "en") -> Any:
    """The same map drawn with matplotlib on ``ax`` (a new figure when None); the axes."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from tutor.i18n import domain_name, render

    if ax is None:
        rows = dmap.rows()
        _, ax = plt.subplots(figsize=(3.6 * len(dmap.grades) + 1, 0.55 * rows + 1.8))
    where = {p.id: p for p in dmap.points}
    for pre, dep in dmap.edges:
        a, b = where[pre], where[dep]
        ax.annotate(
            "",
            xy=(b.x, b.y),
            xytext=(a.x, a.y),
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#777",
                "alpha": 0.55,
                "lw": 0.9,
                "shrinkA": 6,
                "shrinkB": 6,
            },
        )
    for p in dmap.points:
        ax.scatter(p.x, p.y, s=110, color=COVERAGE_COLOURS[p.coverage], edgecolor="#333", zorder=3)
        ax.text(p.x + 0.05, p.y, "\n".join(_label(p, language, 26)), va="center", fontsize=7.5)
    ax.set_xticks(range(len(dmap.grades)))
    ax.set_xticklabels([render("ui.map_grade", {"grade": g}, language) for g in dmap.grades])
    ax.xaxis.tick_top()
    ax.set_xlim(-0.25, len(dmap.grades) - 0.05)
    ax.set_yticks([])
    for side in ("left", "right", "bottom"):
        ax.spines[side].set_visible(False)
    counts = dmap.counts()
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=9,
            markerfacecolor=COVERAGE_COLOURS[k],
            markeredgecolor="#333",
            label=f"{render(COVERAGE_CODES[k], {}, language)} ({counts[k]})",
        )
        for k in COVERAGE_KINDS
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False)
    ax.set_title(
        render(
            "ui.map_title",
            {"domain": domain_name(dmap.domain, language), "n": len(dmap.points)},
            language,
        ),
        pad=24,
    )
    return ax
