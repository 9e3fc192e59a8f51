"""Learning paths on the real curriculum (the default pack through the real loader, in a
SQLite store): every direct prerequisite of every goal is on the goal's path unless it is
mastered (issue 18: "Rewrite Fractions with a Common Denominator", a direct prerequisite of
"Add Fractions with Unlike Denominators" without items of its own, was on neither the path
nor the map)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.content.bank import content_bank_for
from tutor.content.curricula import default_curriculum
from tutor.content.items import levels_by_kp
from tutor.domain import MasteryState, Student
from tutor.graph import GraphStore, open_store
from tutor.i18n import render
from tutor.learner.mastery import is_mastered
from tutor.policy import paths
from tutor.policy.index import CurriculumIndex
from tutor.settings import Settings

NOW = 1_800_000_000.0


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    data: Path = tmp_path_factory.mktemp("real-curriculum")
    store = open_store(f"sqlite:///{data / 'kptutor.db'}", Settings(data_dir=data))
    curriculum = default_curriculum()
    store.load_curriculum(curriculum)
    store.load_content(content_bank_for(curriculum.name))
    yield store
    store.close()


@pytest.fixture(scope="module")
def index(store: GraphStore) -> CurriculumIndex:
    return CurriculumIndex(store.curriculum_fingerprint(), store, levels_by_kp())


def _some_mastered(kps: list[str]) -> dict[str, MasteryState]:
    """About a third of the points mastered, the rest weak (a fixed, hash-chosen split)."""
    return {
        kp: MasteryState(0.97 if hashlib.sha256(kp.encode()).digest()[0] % 3 == 0 else 0.3, 2, NOW)
        for kp in kps
    }


def test_the_common_denominator_point_is_on_the_way_to_adding_unlike_fractions(
    store: GraphStore, index: CurriculumIndex
) -> None:
    goal = "fractions.add_unlike"
    assert "fractions.common_denominator" in store.direct_prerequisites([goal])[goal]
    student = Student("s1", "Ann", "c1", goal)
    path = paths.revised_path(index, student, {}, answered=0, now=NOW, render=render)
    assert "fractions.common_denominator" in path.kps
    # … before the goal, after what it needs (learning order).
    assert path.kps.index("fractions.common_denominator") < path.kps.index(goal)
    assert path.kps.index("fractions.equivalent_multiply") < path.kps.index(
        "fractions.common_denominator"
    )


@pytest.mark.parametrize("mastered", [False, True], ids=["fresh", "some-mastered"])
def test_every_direct_prerequisite_of_every_goal_is_on_its_path_unless_mastered(
    store: GraphStore, index: CurriculumIndex, mastered: bool
) -> None:
    nodes = [n.id for n in store.list_nodes()]
    direct = store.direct_prerequisites(nodes)
    mastery = _some_mastered(nodes) if mastered else {}
    missing: list[str] = []
    for goal in nodes:
        on_path = set(paths.still_to_learn(index, goal, mastery))
        if not is_mastered(mastery.get(goal)):
            assert goal in on_path, goal
        missing += [
            f"{goal} <- {p}"
            for p in direct[goal]
            if p not in on_path and not is_mastered(mastery.get(p))
        ]
        assert not any(is_mastered(mastery.get(kp)) for kp in on_path), goal
    assert missing == []


def test_the_stored_path_is_what_is_still_to_learn(
    store: GraphStore, index: CurriculumIndex
) -> None:
    """The path the engine stores (with the policy's pick first) names the same points."""
    nodes = [n.id for n in store.list_nodes()]
    mastery = _some_mastered(nodes)
    for goal in ("fractions.add_unlike", "whole_ops.add_2digit_regroup"):
        student = Student("s1", "Ann", "c1", goal)
        path = paths.revised_path(index, student, mastery, answered=0, now=NOW, render=render)
        expected = paths.still_to_learn(index, goal, mastery)
        assert set(path.kps) - {path.next_kp} == set(expected) - {path.next_kp}
