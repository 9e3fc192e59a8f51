"""Fixtures shared by the unit tests: an embedded store with the default curriculum and
content, loaded once per session and copied for each test (a copy is much faster than a
load)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.content.bank import default_content_bank
from tutor.content.curricula import default_curriculum
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the default curriculum and content bank, made once."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    store = open_store(f"sqlite:///{path}", Settings(data_dir=path.parent))
    store.load_curriculum(default_curriculum())
    store.load_content(default_content_bank())
    store.close()
    return path


@pytest.fixture
def store(template_db: Path, tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh copy of :func:`template_db` for one test."""
    copy = tmp_path / "store.db"
    copy.write_bytes(template_db.read_bytes())
    s = open_store(f"sqlite:///{copy}", Settings(data_dir=tmp_path))
    yield s
    s.close()
