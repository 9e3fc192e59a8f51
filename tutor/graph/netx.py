"""The stored curriculum as a :mod:`networkx` graph, for analysis and for other tools.

:func:`to_networkx` reads a store (or a :class:`tutor.catalog.Catalog`) once and gives a
``networkx.DiGraph`` whose nodes are the knowledge points and whose edges point from a
prerequisite to the point that needs it (the direction of ``prerequisites.csv``'s
``from,to``). Every node carries what a curriculum designer looks at:

=================== ===================================================================
``name``            English name
``name_zh``         Simplified Chinese name ("" when the pack has none)
``grade``           grade as stored ("" when none: GraphML has no null)
``domain``          domain ("" when none)
``description``     English description; ``description_zh`` the Chinese one
``standards``       sorted list of aligned standard ids (e.g. CCSS ``4.NF.A.1``)
``item_families``   sorted list of the item families whose primary point this is
``assessed_by``     sorted list of every family that assesses it (any Q-matrix weight)
``misconceptions``  sorted list of the misconceptions that signal a gap in it
=================== ===================================================================

The graph's own attributes are ``curriculum`` (its name) and ``fingerprint``. Lists keep
the graph easy to query in Python; :func:`flat_copy` turns them into ``;``-joined strings
for file formats that hold scalars only (GraphML, CSV).

networkx is imported here only: the store engines do not need it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tutor.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["LIST_ATTRIBUTES", "flat_copy", "to_networkx"]

#: Node attributes that hold lists (joined with ``;`` by :func:`flat_copy`).
LIST_ATTRIBUTES = ("standards", "item_families", "assessed_by", "misconceptions")


class _GraphStore(Protocol):
    """The reads :func:`to_networkx` needs: any store engine (``CurriculumGraph`` and
    ``ContentCatalog`` roles) has them."""

    url: str

    def curriculum_info(self) -> Any: ...

    def list_nodes(self, *, grade: str | None = None, domain: str | None = None) -> Any: ...

    def direct_prerequisites(self, kp_ids: Collection[str]) -> dict[str, list[str]]: ...

    def prerequisites(self, kp_id: str, depth: int | None = None) -> list[str]: ...

    def dependents(self, kp_id: str, depth: int | None = None) -> list[str]: ...

    def item_families(self, kp_id: str | None = None) -> Any: ...

    def misconceptions(self, kp_id: str | None = None) -> Any: ...


@runtime_checkable
class _HasGraph(Protocol):
    """A read facade that can build the graph from the store it wraps (the Catalog)."""

    def to_networkx(
        self, *, domain: str | None = None, around: str | None = None, depth: int | None = None
    ) -> nx.DiGraph[str]: ...


def to_networkx(
    source: _GraphStore | _HasGraph,
    *,
    domain: str | None = None,
    around: str | None = None,
    depth: int | None = None,
) -> nx.DiGraph[str]:
    """The stored curriculum as a ``networkx.DiGraph`` (prerequisite → dependent).

    ``source`` is a store (``tutor.graph.open_store(url)``) or a ``Catalog``.
    ``domain`` keeps only that domain's points; ``around`` keeps that point and its
    prerequisites and dependents within ``depth`` hops each way (all hops when ``depth``
    is None); both together keep the intersection. Edges are the direct prerequisite
    arrows among the kept points. Node attributes: see the module docstring.

    Raises :class:`~tutor.errors.InputError` for ``depth`` without ``around``, a depth
    below 1, or a domain the store does not have; ``NotFoundError`` for an unknown
    ``around`` point.
    """
    if isinstance(source, _HasGraph):  # a Catalog: it builds the graph from its store
        return source.to_networkx(domain=domain, around=around, depth=depth)
    return _build(source, domain=domain, around=around, depth=depth)


def _build(
    store: _GraphStore, *, domain: str | None, around: str | None, depth: int | None
) -> nx.DiGraph[str]:
    import networkx as nx

    if depth is not None and around is None:
        raise InputError("--depth needs --around ID: the depth counts hops from that point")
    if depth is not None and depth < 1:
        raise InputError(f"depth must be 1 or more, not {depth}")
    points = store.list_nodes()
    if domain is not None:
        domains = {kp.domain for kp in points if kp.domain}
        if domain not in domains:
            raise InputError(
                f"no knowledge point of domain {domain!r} in {store.url}; domains: "
                + (", ".join(sorted(domains)) or "(none: load a curriculum first)")
            )
        points = [kp for kp in points if kp.domain == domain]
    if around is not None:
        near = {around, *store.prerequisites(around, depth), *store.dependents(around, depth)}
        points = [kp for kp in points if kp.id in near]
    kept = {kp.id for kp in points}

    primary: dict[str, list[str]] = {}
    assessed: dict[str, list[str]] = {}
    for family in store.item_families():
        primary.setdefault(family.kp, []).append(family.id)
        for kp, _weight in family.assesses:
            assessed.setdefault(kp, []).append(family.id)
    signalled: dict[str, list[str]] = {}
    for mc in store.misconceptions():
        for kp in mc.signals:
            signalled.setdefault(kp, []).append(mc.id)

    info = store.curriculum_info()
    graph: nx.DiGraph[str] = nx.DiGraph(
        curriculum=info.name if info is not None else "",
        fingerprint=info.fingerprint if info is not None else "",
    )
    for kp in points:
        graph.add_node(
            kp.id,
            name=kp.name,
            name_zh=kp.name_zh,
            grade=kp.grade or "",
            domain=kp.domain or "",
            description=kp.description,
            description_zh=kp.description_zh,
            standards=list(kp.standards),
            item_families=sorted(primary.get(kp.id, ())),
            assessed_by=sorted(assessed.get(kp.id, ())),
            misconceptions=sorted(signalled.get(kp.id, ())),
        )
    if kept:
        for kp_id, pres in sorted(store.direct_prerequisites(sorted(kept)).items()):
            for pre in pres:
                if pre in kept:
                    graph.add_edge(pre, kp_id, kind="prerequisite")
    return graph


def flat_copy(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """A copy of ``graph`` whose list attributes are ``;``-joined strings, plus counts
    (``n_standards``, ``n_item_families``, ``n_misconceptions``) to size or colour by —
    what GraphML (Gephi, yEd) and CSV can hold."""
    flat = graph.copy()
    for _, data in flat.nodes(data=True):
        for key in LIST_ATTRIBUTES:
            values = data.get(key, [])
            data[key] = ";".join(values)
            data[f"n_{key}"] = len(values)
    return flat
