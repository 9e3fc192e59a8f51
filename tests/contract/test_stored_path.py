"""The stored learning path in the store contract (both engines)."""

from __future__ import annotations

import pytest

from tests.contract.test_learner_state import school
from tutor.domain import StoredPath
from tutor.errors import NotFoundError
from tutor.graph import GraphStore


def test_a_path_is_stored_replaced_and_read_back(store: GraphStore) -> None:
    school(store)
    assert store.get_path("s1") is None
    first = StoredPath(
        ["c", "e", "f"],
        "c",
        "You're ready for c.",
        "你可以学 c 了。",
        None,
        1000.5,
        "f",
        "frontier",
    )
    store.set_path("s1", first)
    assert store.get_path("s1") == first
    assert store.get_path("s2") is None
    second = StoredPath(
        ["a", "c", "e", "f"], "a", "A gap in c.", "c 有漏洞。", "c", 2000.0, "f", "gap"
    )
    store.set_path("s1", second)
    assert store.get_path("s1") == second


def test_an_empty_path_round_trips(store: GraphStore) -> None:
    school(store)
    done = StoredPath([], None, "All done.", "都掌握了。", None, 5.0, None, "goal_reached")
    store.set_path("s2", done)
    assert store.get_path("s2") == done


def test_paths_of_unknown_students_are_refused(store: GraphStore) -> None:
    school(store)
    path = StoredPath(["a"], "a", "r", "r", None, 1.0, "a", "frontier")
    with pytest.raises(NotFoundError, match="no student"):
        store.set_path("nobody", path)
    with pytest.raises(NotFoundError, match="no student"):
        store.get_path("nobody")
