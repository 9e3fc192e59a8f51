"""The stored initial knowledge check (``set_placement`` / ``get_placement``) in the store
contract, on both engines: a versioned document, written with mastery and path in one
transaction, refused whole when anything is wrong."""

from __future__ import annotations

import pytest

from tests.contract.test_learner_state import school
from tutor.domain import ClassGroup, MasteryState, StoredPath
from tutor.errors import NotFoundError, StoreConflict
from tutor.graph import GraphStore

OPEN = {
    "open": {
        "goal": "f",
        "grade": 5.0,
        "max_items": 25,
        "started_at": 10.5,
        "answers": [{"item_id": "gen:2:7", "kp": "c", "correct": True}],
        "current": "gen:2:8",
    },
    "result": None,
    "requested": False,
}


def test_a_placement_is_stored_versioned_and_read_back(store: GraphStore) -> None:
    school(store)
    assert store.get_placement("s1") is None
    assert store.set_placement("s1", OPEN) == 1
    assert store.get_placement("s1") == (OPEN, 1)
    assert store.get_placement("s2") is None
    done = {"open": None, "result": {"goal": "f", "known": ["a", "b"]}, "requested": False}
    path = StoredPath(["c", "f"], "c", "next: c", "下一步：c", None, 20.0, "f", "frontier")
    mastery = {"a": MasteryState(0.97, 0, 20.0), "c": MasteryState(0.3, 0, 20.0)}
    assert store.set_placement("s1", done, expected_version=1, mastery=mastery, path=path) == 2
    assert store.get_placement("s1") == (done, 2)
    assert store.mastery("s1") == mastery
    assert store.get_path("s1") == path
    assert store.attempts("s1") == []  # the check is not practice


def test_a_stale_placement_write_changes_nothing(store: GraphStore) -> None:
    school(store)
    store.set_placement("s1", OPEN)
    store.set_placement("s1", {**OPEN, "requested": True}, expected_version=1)
    with pytest.raises(StoreConflict, match="read it again"):
        store.set_placement(
            "s1", {"open": None}, expected_version=1, mastery={"a": MasteryState(0.9)}
        )
    assert store.get_placement("s1") == ({**OPEN, "requested": True}, 2)
    assert store.mastery("s1") == {}


def test_placements_of_unknown_students_or_points_are_refused(store: GraphStore) -> None:
    school(store)
    with pytest.raises(NotFoundError, match="no student"):
        store.set_placement("nobody", OPEN)
    with pytest.raises(NotFoundError, match="no student"):
        store.get_placement("nobody")
    with pytest.raises(NotFoundError, match="zz"):
        store.set_placement("s1", OPEN, mastery={"a": MasteryState(0.9), "zz": MasteryState(0.9)})
    assert store.get_placement("s1") is None
    assert store.mastery("s1") == {}


def test_a_deleted_class_takes_its_placements(store: GraphStore) -> None:
    school(store)
    store.set_placement("s1", OPEN, mastery={"a": MasteryState(0.9)})
    store.set_placement("s3", OPEN)
    store.delete_class("c1")
    store.add_class(ClassGroup("c1", "5A again", "t1"))
    with pytest.raises(NotFoundError, match="no student"):
        store.get_placement("s1")
    assert store.get_placement("s3") == (OPEN, 1)
