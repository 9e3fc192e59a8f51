"""The curriculum index and path revision on a small graph given as plain data (no store)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tutor.domain import KnowledgePoint, MasteryState, StoredPath, Student
from tutor.errors import InputError
from tutor.i18n import render
from tutor.policy import paths
from tutor.policy.index import CurriculumIndex

#: c requires b, b requires a (a chain); levels for every point.
REQUIRES = {"a": [], "b": ["a"], "c": ["b"]}
LEVELS = {kp: (1, 2, 3) for kp in REQUIRES}


class FakeGraph:
    """The three graph reads the index needs, counting how often each is asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def learning_order(self, goal: str, /) -> list[str]:
        self.calls.append(f"order:{goal}")
        order: list[str] = []
        for kp in REQUIRES[goal]:
            order += [p for p in self.learning_order(kp) if p not in order]
        return [*order, goal]

    def direct_prerequisites(self, kp_ids: Sequence[str], /) -> dict[str, list[str]]:
        self.calls.append("prereqs")
        return {kp: REQUIRES[kp] for kp in kp_ids}

    def get_node(self, kp_id: str, /) -> KnowledgePoint:
        self.calls.append(f"node:{kp_id}")
        return KnowledgePoint(kp_id, f"Point {kp_id}", name_zh=f"知识点{kp_id}")


def test_the_index_answers_from_the_graph_once() -> None:
    graph = FakeGraph()
    index = CurriculumIndex("fp-1", graph, LEVELS)
    first = index.goal_graph("c")
    assert first.order == ["a", "b", "c"]
    assert first.prerequisites == {"a": [], "b": ["a"], "c": ["b"]}
    assert index.prerequisite_layers("c") == [["b"], ["a"]]
    names = index.names(zh=True)
    assert names["b"] == "知识点b" and index.names(zh=False)["b"] == "Point b"
    asked = list(graph.calls)
    assert index.goal_graph("c") is first  # cached: the graph is not asked again
    assert index.prerequisite_layers("c") == [["b"], ["a"]]
    assert names["b"] == "知识点b"
    assert graph.calls == asked
    # A second index (another curriculum fingerprint) shares nothing with the first.
    CurriculumIndex("fp-2", graph, LEVELS).goal_graph("c")
    assert len(graph.calls) > len(asked)


def test_a_revised_path_leads_with_the_policys_pick() -> None:
    index = CurriculumIndex("fp", FakeGraph(), LEVELS)
    ann = Student("s1", "Ann", None, "c")
    mastered = MasteryState(0.99, attempts=5, updated_at=1.0)
    path = paths.revised_path(index, ann, {"a": mastered}, answered=5, now=100.0, render=render)
    assert path.goal == "c" and path.kps == ["b", "c"] and path.next_kp == "b"
    assert path.updated_at == 100.0 and path.reason and path.reason_zh
    assert paths.is_fresh(path, "c", last_answer_at=99.0, now=100.0 + paths.PATH_FRESH_S - 1)
    assert not paths.is_fresh(path, "b", last_answer_at=99.0, now=101.0)  # another goal
    assert not paths.is_fresh(path, "c", last_answer_at=101.0, now=102.0)  # answered since
    assert not paths.is_fresh(path, "c", None, now=100.0 + paths.PATH_FRESH_S)  # too old


def test_without_a_goal_there_is_no_path() -> None:
    index = CurriculumIndex("fp", FakeGraph(), LEVELS)
    bo = Student("s2", "Bo", None, None)
    assert paths.path_after(index, bo, {}, answered=0, now=1.0, render=render) is None
    with pytest.raises(InputError, match="tutor student goal s2"):
        paths.view_of(index, bo, {}, answered=0, now=1.0)
    empty = paths.no_goal_path(5.0, render)
    assert isinstance(empty, StoredPath) and empty.kind == "no_goal" and empty.kps == []
    assert paths.summary(bo, empty)["next"] == {
        "kind": "no_goal",
        "kp": None,
        "reason": empty.reason,
        "reason_zh": empty.reason_zh,
    }


def test_prerequisites_see_through_points_without_items() -> None:
    from tutor.policy.index import see_through

    # teen -> bundle (no items) -> count; pair -> (bundle, count): nearest points with items.
    direct = {"teen": ["bundle"], "bundle": ["count"], "count": [], "pair": ["bundle", "count"]}
    seen = see_through(direct, practisable={"teen", "count", "pair"})
    assert seen == {"teen": ["count"], "bundle": ["count"], "count": [], "pair": ["count"]}
    # A chain of item-less points is looked through to its end; a cycle does not hang.
    assert see_through({"x": ["y"], "y": ["z"], "z": ["w"], "w": []}, {"x", "w"})["x"] == ["w"]
    assert see_through({"x": ["y"], "y": ["x"]}, {"q"}) == {"x": [], "y": []}
