"""The knowledge graph: the store's role protocols and their engines."""

from tutor.graph.protocol import (
    ContentCatalog,
    CurriculumAdmin,
    CurriculumGraph,
    GraphStore,
    LearnerLog,
    LearnerState,
    People,
    StoreRole,
)
from tutor.graph.registry import open_store, register_store, store_schemes

__all__ = [
    "ContentCatalog",
    "CurriculumAdmin",
    "CurriculumGraph",
    "GraphStore",
    "LearnerLog",
    "LearnerState",
    "People",
    "StoreRole",
    "open_store",
    "register_store",
    "store_schemes",
]
