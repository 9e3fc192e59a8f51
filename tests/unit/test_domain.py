"""Validation, ordering and stats: pure functions, no store."""

from __future__ import annotations

import pytest

from tests.factories import diamond, kp
from tutor.domain import Curriculum, Edge, grade_rank, validate_curriculum
from tutor.errors import CurriculumError
from tutor.graph.algorithms import bfs, graph_stats, learning_order


def test_grade_rank_orders_k12() -> None:
    grades = ["HS", "3", "K", "10", None, "1", "PK"]
    assert sorted(grades, key=grade_rank) == ["PK", "K", "1", "3", "HS", "10", None]


def test_cycle_message_names_the_cycle() -> None:
    cur = Curriculum(
        "c",
        (kp("a"), kp("b"), kp("c"), kp("d")),
        (Edge("a", "b"), Edge("b", "c"), Edge("c", "a"), Edge("d", "a")),
    )
    with pytest.raises(CurriculumError) as info:
        validate_curriculum(cur)
    message = str(info.value)
    assert message.startswith("prerequisite cycle: ")
    nodes = message.removeprefix("prerequisite cycle: ").split(" → ")
    assert nodes[0] == nodes[-1] and set(nodes) == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("cur", "message"),
    [
        (Curriculum("x", (kp(""),)), "id is empty"),
        (Curriculum("x", (kp(" a"),)), "leading or trailing spaces"),
        (Curriculum("x", (kp("a\nb"),)), "control characters"),
        (Curriculum("x", (kp("a" * 201),)), "longer than 200"),
        (Curriculum("x", (kp("a"), kp("b")), (Edge("a", "b"), Edge("a", "b"))), "duplicate"),
        (Curriculum("x", (kp("a", standards=("S9",)),)), "unknown standard 'S9'"),
        (Curriculum("x", (kp("a"),), related=(("a", "q"),)), "unknown node 'q'"),
    ],
)
def test_validation_refuses(cur: Curriculum, message: str) -> None:
    with pytest.raises(CurriculumError, match=message):
        validate_curriculum(cur)


def test_fingerprint_ignores_order_but_not_content() -> None:
    a = diamond()
    b = Curriculum(
        a.name,
        tuple(reversed(a.knowledge_points)),
        tuple(reversed(a.edges)),
        a.related,
        a.standards,
        a.standard_edges,
    )
    assert a.fingerprint() == b.fingerprint()
    c = Curriculum(
        a.name, a.knowledge_points, a.edges[:-1], a.related, a.standards, a.standard_edges
    )
    assert a.fingerprint() != c.fingerprint()


def test_learning_order_prefers_lower_grades_then_ids() -> None:
    prereqs = {"x": ["p"], "p": [], "q": [], "y": ["q"]}
    grades = {"x": "5", "p": "4", "q": "1", "y": "2"}
    assert learning_order(prereqs.keys(), prereqs, grades) == ["q", "y", "p", "x"]


def test_learning_order_ignores_prerequisites_outside_the_set() -> None:
    assert learning_order({"b"}, {"b": ["a"]}, {}) == ["b"]


def test_bfs_depth() -> None:
    chain = {"a": ["b"], "b": ["c"], "c": []}
    assert bfs("a", chain.__getitem__) == {"b", "c"}
    assert bfs("a", chain.__getitem__, depth=1) == {"b"}


def test_graph_stats_empty() -> None:
    assert graph_stats([], []).to_json() == {
        "knowledge_points": 0,
        "prerequisite_edges": 0,
        "roots": 0,
        "leaves": 0,
        "longest_chain": 0,
    }
