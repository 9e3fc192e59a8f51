"""The knowledge graph: the store protocol and its engines."""

from tutor.graph.protocol import GraphStore, LearnerState
from tutor.graph.registry import open_store, register_store, store_schemes

__all__ = ["GraphStore", "LearnerState", "open_store", "register_store", "store_schemes"]
