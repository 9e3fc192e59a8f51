"""The knowledge graph: the store's role protocols, their engines, and the graph as networkx."""

from tutor.graph.netx import to_networkx
from tutor.graph.protocol import (
    ContentCatalog,
    CurriculumAdmin,
    CurriculumGraph,
    GraphStore,
    LayoutMigration,
    LearnerLog,
    LearnerState,
    MigrationReport,
    People,
    StoreRole,
)
from tutor.graph.registry import open_store, register_store, store_schemes

__all__ = [
    "ContentCatalog",
    "CurriculumAdmin",
    "CurriculumGraph",
    "GraphStore",
    "LayoutMigration",
    "LearnerLog",
    "LearnerState",
    "MigrationReport",
    "People",
    "StoreRole",
    "open_store",
    "register_store",
    "store_schemes",
    "to_networkx",
]
