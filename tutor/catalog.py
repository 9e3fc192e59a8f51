"""What the pages and the CLI read about the curriculum and the content: one read facade.

:class:`Catalog` answers questions about the stored curriculum (search and filter the
knowledge points, one point's standards, prerequisites, dependents and related points,
its misconceptions and imported problems) and about the content library (worked item
previews per level, misconception descriptions, the levels items exist at, the styles an
explanation can take). It never writes and knows nothing of people: anyone may read it,
signed in or not.

The engine owns one (``engine.catalog``) and the role facades pass it on read-only
(``StudentAPI.catalog``, ``TeacherAPI.catalog``), so a page never opens the store or
reaches into :mod:`tutor.content`, :mod:`tutor.llm` or the graph protocols itself.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from tutor.domain import (
    ContentCounts,
    CurriculumInfo,
    GraphStats,
    KnowledgePoint,
    MisconceptionInfo,
    Problem,
    Standard,
)
from tutor.errors import TutorError

if TYPE_CHECKING:
    import networkx as nx

    from tutor.content.items import Item
    from tutor.content.misconceptions import Misconception
    from tutor.graph import GraphStore

    # Re-exported for type hints only: the option types of an explanation.
    from tutor.llm.explain import Kind as Kind
    from tutor.llm.explain import Language as Language
    from tutor.llm.explain import Style as Style

__all__ = ["Catalog", "Neighbourhood", "PointDetails", "matching"]

#: Item previews use this seed, so a point's page shows the same items on every visit.
PREVIEW_SEED = 1


@dataclass(frozen=True)
class PointDetails:
    """One knowledge point with its direct neighbours (``tutor graph show``)."""

    point: KnowledgePoint
    prerequisites: list[str]
    dependents: list[str]
    related: list[str]

    def to_json(self) -> dict[str, object]:
        """The point's JSON with ``prerequisites``, ``dependents`` and ``related`` added."""
        data = self.point.to_json()
        data["prerequisites"] = self.prerequisites
        data["dependents"] = self.dependents
        data["related"] = self.related
        return data


@dataclass(frozen=True)
class Neighbourhood:
    """A point's prerequisites and dependents within some hops, and the prerequisite arrows
    ``(prerequisite, point)`` among all of them and the point."""

    centre: str
    prerequisites: list[str]
    dependents: list[str]
    edges: list[tuple[str, str]]

    @property
    def points(self) -> list[str]:
        """Prerequisites, the point, dependents: every point drawn."""
        return [*self.prerequisites, self.centre, *self.dependents]


class Catalog:
    """Read-only views of the stored curriculum and of the content library."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store

    # -- the stored curriculum --------------------------------------------------------------

    @property
    def url(self) -> str:
        """The store's URL, without a password (for messages)."""
        return self._store.url

    def info(self) -> CurriculumInfo | None:
        """The loaded curriculum's name and size, or None when the store holds none."""
        return self._store.curriculum_info()

    def stats(self) -> GraphStats:
        """Counts of the graph: points, prerequisite edges, roots, leaves, longest chain."""
        return self._store.stats()

    def content_counts(self) -> ContentCounts:
        """How much content the store holds (item families, misconceptions, problems)."""
        return self._store.content_counts()

    def points(self, grade: str | None = None, domain: str | None = None) -> list[KnowledgePoint]:
        """The knowledge points (only of ``grade`` / ``domain`` when given), by grade, id."""
        return self._store.list_nodes(grade=grade, domain=domain)

    def search(
        self, query: str = "", *, grade: str | None = None, domain: str | None = None
    ) -> list[KnowledgePoint]:
        """The points whose id, English or Chinese name or description contains ``query``
        (any case), of ``grade`` and ``domain`` when given."""
        return [
            kp
            for kp in matching(self._store.list_nodes(), query)
            if (grade is None or kp.grade == grade) and (domain is None or kp.domain == domain)
        ]

    def point(self, kp_id: str) -> KnowledgePoint:
        """One knowledge point (NotFoundError when the store has no such point)."""
        return self._store.get_node(kp_id)

    def name(self, kp_id: str, *, zh: bool = False) -> str:
        """A point's name (Chinese when ``zh`` and there is one), or its id when it is not
        stored: names label things, they never fail a page."""
        try:
            kp = self._store.get_node(kp_id)
        except TutorError:
            return kp_id
        return (kp.name_zh or kp.name) if zh else kp.name

    def details(self, kp_id: str) -> PointDetails:
        """A point with its direct prerequisites, direct dependents and related points."""
        return PointDetails(
            self._store.get_node(kp_id),
            self._store.prerequisites(kp_id, depth=1),
            self._store.dependents(kp_id, depth=1),
            self._store.related(kp_id),
        )

    def prerequisites(self, kp_id: str, depth: int | None = None) -> list[str]:
        """All (transitive) prerequisites of a point, or those within ``depth`` hops."""
        return self._store.prerequisites(kp_id, depth)

    def dependents(self, kp_id: str, depth: int | None = None) -> list[str]:
        """All points that (transitively) need a point, or those within ``depth`` hops."""
        return self._store.dependents(kp_id, depth)

    def prerequisite_edges(self, kp_ids: Collection[str]) -> list[tuple[str, str]]:
        """The direct prerequisite arrows ``(prerequisite, point)`` among the points of
        ``kp_ids`` (for drawing a part of the graph)."""
        wanted = set(kp_ids)
        direct = self._store.direct_prerequisites(kp_ids)
        return [(pre, kp) for kp, pres in direct.items() for pre in pres if pre in wanted]

    def neighbourhood(self, kp_id: str, depth: int) -> Neighbourhood:
        """A point's prerequisites and dependents within ``depth`` hops each way, with the
        prerequisite arrows among them."""
        pre = self._store.prerequisites(kp_id, depth)
        dep = self._store.dependents(kp_id, depth)
        return Neighbourhood(kp_id, pre, dep, self.prerequisite_edges([*pre, kp_id, *dep]))

    def to_networkx(
        self, *, domain: str | None = None, around: str | None = None, depth: int | None = None
    ) -> nx.DiGraph[str]:
        """The stored curriculum (or one domain, or a point's neighbourhood) as a
        ``networkx.DiGraph``, prerequisite → dependent (:func:`tutor.graph.netx.to_networkx`)."""
        from tutor.graph.netx import to_networkx

        return to_networkx(self._store, domain=domain, around=around, depth=depth)

    def learning_order(self, target: str, known: Collection[str] = ()) -> list[str]:
        """A valid order to learn ``target``: every prerequisite before what needs it."""
        return self._store.learning_order(target, known)

    def standard(self, standard_id: str) -> Standard:
        """A standard a point aligns to (NotFoundError when it is not stored)."""
        return self._store.get_standard(standard_id)

    def misconceptions(self, kp_id: str) -> list[MisconceptionInfo]:
        """The stored misconceptions that signal a gap in a point."""
        return self._store.misconceptions(kp_id)

    def misconceptions_named_on(self, kp_id: str) -> list[Misconception]:
        """The library's misconceptions the answer checker can name on a point's items (a
        buggy rule that applies to one of the point's item generators), by id.

        Not the same as :meth:`misconceptions`: adding across (``1/2 + 1/3 = 2/5``) is named
        on the items of "add fractions with unlike denominators" but signals gaps in the
        points below it (common denominators, adding like fractions)."""
        from tutor.content.items import generators_for_kp
        from tutor.content.misconceptions import misconceptions_for_generator

        found = {
            mc.id: mc
            for gen in generators_for_kp(kp_id)
            for mc in misconceptions_for_generator(gen.name)
        }
        return [found[mc_id] for mc_id in sorted(found)]

    def problems(self, kp_id: str, limit: int | None = None) -> list[Problem]:
        """Imported problems (e.g. OATutor's) mapped to a point, at most ``limit``."""
        return self._store.problems(kp_id=kp_id, limit=limit)

    def practisable_points(self) -> list[KnowledgePoint]:
        """The stored points items can be made for (so they can be goals), by grade, id."""
        levels = self.levels_by_point()
        return [kp for kp in self._store.list_nodes() if kp.id in levels]

    # -- the content library ----------------------------------------------------------------

    def levels_by_point(self) -> dict[str, tuple[int, ...]]:
        """For every point some generator makes items for, the difficulty levels."""
        from tutor.content.items import levels_by_kp

        return levels_by_kp()

    def item_previews(self, kp_id: str, seed: int = PREVIEW_SEED) -> list[Item]:
        """One worked item per difficulty level of a point (the first generator, by name,
        that has the level), lowest level first; empty when no generator makes items."""
        from tutor.content.items import generate, generators_for_kp

        gens = generators_for_kp(kp_id)
        levels = sorted({level for gen in gens for level in gen.levels})
        return [
            generate(next(g for g in gens if level in g.levels).name, level, seed)
            for level in levels
        ]

    def item(self, item_id: str) -> Item:
        """The item an id names, made again (an item id is its generator, level and seed):
        what a teacher reads as the question of an attempt. InputError for a bad id."""
        from tutor.content.items import regenerate

        return regenerate(item_id)

    def misconception(self, misconception_id: str) -> Misconception:
        """A misconception of the library, with its English and Chinese description
        (NotFoundError for an unknown id)."""
        from tutor.content.misconceptions import get_misconception

        return get_misconception(misconception_id)

    def styles(self) -> tuple[Style, ...]:
        """The styles an explanation can be worded in."""
        from tutor.llm.prompts import STYLES

        return tuple(cast("Style", style) for style in STYLES)


def matching(points: list[KnowledgePoint], query: str) -> list[KnowledgePoint]:
    """The points whose id, English or Chinese name or description contains ``query``."""
    q = query.strip().casefold()
    if not q:
        return points
    return [
        kp
        for kp in points
        if any(
            q in text.casefold()
            for text in (kp.id, kp.name, kp.name_zh, kp.description, kp.description_zh)
        )
    ]
