"""The store protocol: domain-level operations on the knowledge graph.

Two engines implement it (``sqlite_store`` — the embedded default — and
``neo4j_store``). The contract suite in ``tests/contract`` runs unchanged against
both and asserts identical answers, so anything added here needs a contract test.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, runtime_checkable

from tutor.domain import (
    Curriculum,
    CurriculumInfo,
    GraphStats,
    KnowledgePoint,
    LoadReport,
    Standard,
)


@runtime_checkable
class GraphStore(Protocol):
    """Where the curriculum graph (and, later, learner state) lives."""

    #: The store's URL with any password removed, for messages.
    url: str

    def load_curriculum(self, curriculum: Curriculum) -> LoadReport:
        """Replace the stored curriculum with ``curriculum``, atomically.

        The curriculum is validated first; on any error nothing is written. Loading
        a curriculum identical to the stored one is a no-op (``unchanged=True``).
        """
        ...

    def curriculum_info(self) -> CurriculumInfo | None:
        """Name, fingerprint and sizes of the stored curriculum, or None if empty."""
        ...

    def get_node(self, kp_id: str) -> KnowledgePoint:
        """One knowledge point with its standards; :class:`NotFoundError` if absent."""
        ...

    def get_standard(self, standard_id: str) -> Standard:
        """One standard; :class:`NotFoundError` if absent."""
        ...

    def list_nodes(
        self, *, grade: str | None = None, domain: str | None = None
    ) -> list[KnowledgePoint]:
        """Knowledge points, optionally filtered, ordered by grade then id."""
        ...

    def prerequisites(self, kp_id: str, depth: int | None = None) -> list[str]:
        """Ids of the transitive prerequisites of ``kp_id`` (within ``depth`` hops), sorted."""
        ...

    def dependents(self, kp_id: str, depth: int | None = None) -> list[str]:
        """Ids of the points that transitively depend on ``kp_id`` (within ``depth``), sorted."""
        ...

    def related(self, kp_id: str) -> list[str]:
        """Ids of points linked to ``kp_id`` by a non-prerequisite 'related' link, sorted."""
        ...

    def learning_order(self, target: str, known: Collection[str] = ()) -> list[str]:
        """A valid order to learn ``target`` and all its prerequisites, minus ``known``.

        Every point comes after all of its prerequisites; ties go to the lower grade,
        then the smaller id, so the answer is the same on every engine.
        """
        ...

    def stats(self) -> GraphStats:
        """Counts and shape of the prerequisite graph."""
        ...

    def close(self) -> None:
        """Release connections. The store must not be used afterwards."""
        ...
