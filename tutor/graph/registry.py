"""Pick a store engine by the scheme of its URL.

Engines register a factory under each URL scheme they serve; nothing here
branches on engine names. Factories import their engine lazily so that, for
example, the Neo4j driver is only imported when a ``neo4j://`` URL is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from urllib.parse import urlsplit

from tutor.errors import InputError
from tutor.graph.protocol import GraphStore
from tutor.settings import Settings

StoreFactory = Callable[[str, Settings], GraphStore]

# scheme -> "module:function"; resolved on first use.
_BACKENDS: dict[str, str] = {
    "sqlite": "tutor.graph.sqlite_store:open_sqlite_store",
    "neo4j": "tutor.graph.neo4j_store:open_neo4j_store",
    "neo4j+s": "tutor.graph.neo4j_store:open_neo4j_store",
    "neo4j+ssc": "tutor.graph.neo4j_store:open_neo4j_store",
    "bolt": "tutor.graph.neo4j_store:open_neo4j_store",
    "bolt+s": "tutor.graph.neo4j_store:open_neo4j_store",
    "bolt+ssc": "tutor.graph.neo4j_store:open_neo4j_store",
}


def register_store(scheme: str, target: str) -> None:
    """Register ``"module:function"`` as the factory for URLs with ``scheme``."""
    _BACKENDS[scheme] = target


def store_schemes() -> list[str]:
    """The URL schemes a store can be opened with."""
    return sorted(_BACKENDS)


def open_store(url: str | None = None, settings: Settings | None = None) -> GraphStore:
    """Open the store at ``url`` (default: ``settings.resolved_store_url``)."""
    settings = settings or Settings.from_env()
    url = url or settings.resolved_store_url
    scheme = urlsplit(url).scheme
    target = _BACKENDS.get(scheme)
    if target is None:
        raise InputError(
            f"unknown store URL {url!r}: use one of "
            + ", ".join(f"{s}://…" for s in store_schemes())
            + " (e.g. sqlite:///path/to/file.db or neo4j://127.0.0.1:7687)"
        )
    module_name, func_name = target.split(":")
    factory: StoreFactory = getattr(importlib.import_module(module_name), func_name)
    return factory(url, settings)
