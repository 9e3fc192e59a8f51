"""The store contract: every test runs unchanged against both engines.

Expected answers are worked out by hand (``diamond``) or by an independent
reference (networkx on the same random DAG), so both engines are held to the
same truth rather than to each other's output.
"""

from __future__ import annotations

import networkx as nx
import pytest

from tests.factories import CCSS_STATS, diamond, kp, random_dag
from tutor.content.curricula import ccss_curriculum, default_curriculum
from tutor.domain import Curriculum, Edge
from tutor.errors import CurriculumError, InputError, NotFoundError
from tutor.graph import GraphStore


def is_valid_order(order: list[str], curriculum: Curriculum) -> bool:
    pos = {n: i for i, n in enumerate(order)}
    return all(
        pos[e.prerequisite] < pos[e.dependent]
        for e in curriculum.edges
        if e.prerequisite in pos and e.dependent in pos
    )


def test_empty_store(store: GraphStore) -> None:
    store.load_curriculum(Curriculum("tiny", (kp("only"),)))
    assert store.stats().to_json() == {
        "knowledge_points": 1,
        "prerequisite_edges": 0,
        "roots": 1,
        "leaves": 1,
        "longest_chain": 1,
    }


def test_diamond_queries(store: GraphStore) -> None:
    report = store.load_curriculum(diamond())
    assert report.knowledge_points == 7 and report.prerequisite_edges == 6
    assert not report.unchanged
    assert store.prerequisites("f") == ["a", "b", "c", "d", "e"]
    assert store.prerequisites("f", depth=1) == ["e"]
    assert store.prerequisites("f", depth=2) == ["c", "d", "e"]
    assert store.prerequisites("a") == []
    assert store.dependents("a") == ["c", "d", "e", "f"]
    assert store.dependents("a", depth=1) == ["c", "d"]
    assert store.dependents("f") == []
    assert store.related("iso") == ["b"]
    assert store.related("b") == ["iso"]
    assert store.related("a") == []


def test_diamond_learning_order(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    assert store.learning_order("f") == ["a", "b", "c", "d", "e", "f"]
    assert store.learning_order("f", known={"a", "b"}) == ["c", "d", "e", "f"]
    assert store.learning_order("d") == ["a", "d"]
    assert store.learning_order("iso") == ["iso"]
    assert store.learning_order("f", known={"a", "b", "c", "d", "e", "f"}) == []


def test_diamond_stats(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    assert store.stats().to_json() == {
        "knowledge_points": 7,
        "prerequisite_edges": 6,
        "roots": 3,  # a, b, iso
        "leaves": 2,  # f, iso
        "longest_chain": 4,  # a → c → e → f
    }


def test_get_node_round_trips_every_field(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    a = store.get_node("a")
    assert a == diamond().knowledge_points[0]
    assert a.name_zh == "甲" and a.standards == ("S1",) and dict(a.attrs) == {"source": "test"}
    assert store.get_node("iso").grade == "K"
    s1 = store.get_standard("S1")
    assert (s1.framework, s1.grade, s1.domain, s1.description) == ("TEST", "1", "X", "a standard")


def test_list_nodes_filters_and_orders(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    assert [k.id for k in store.list_nodes()] == ["iso", "a", "b", "c", "d", "e", "f"]
    assert [k.id for k in store.list_nodes(grade="2")] == ["c", "d"]
    assert [k.id for k in store.list_nodes(domain="NF")] == ["d"]
    assert store.list_nodes(grade="12") == []
    assert store.list_nodes()[1].standards == ("S1",)


@pytest.mark.parametrize(
    "call", ["get_node", "prerequisites", "dependents", "learning_order", "related"]
)
def test_unknown_id_is_not_found(store: GraphStore, call: str) -> None:
    store.load_curriculum(diamond())
    with pytest.raises(NotFoundError, match="no knowledge point 'nope'"):
        getattr(store, call)("nope")


def test_bad_depth_is_refused(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    with pytest.raises(InputError, match="depth"):
        store.prerequisites("f", depth=0)


def test_reload_same_curriculum_is_unchanged(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    assert store.load_curriculum(diamond()).unchanged
    info = store.curriculum_info()
    assert info is not None and info.name == "diamond" and info.knowledge_points == 7


def test_load_replaces_previous_curriculum(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    other = Curriculum("other", (kp("a"), kp("z", "2")), (Edge("a", "z"),))
    store.load_curriculum(other)
    assert [k.id for k in store.list_nodes()] == ["a", "z"]
    assert store.prerequisites("z") == ["a"]
    assert store.dependents("a") == ["z"]
    assert store.related("a") == []
    assert store.get_node("a").standards == ()
    with pytest.raises(NotFoundError):
        store.get_node("f")
    info = store.curriculum_info()
    assert info is not None and (info.name, info.knowledge_points, info.standards) == (
        "other",
        2,
        0,
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Curriculum("x", (kp("a"), kp("a"))), "duplicate knowledge point id 'a'"),
        (Curriculum("x", (kp("a"),), (Edge("a", "ghost"),)), "unknown node 'ghost'"),
        (Curriculum("x", (kp("a"),), (Edge("a", "a"),)), "self-loop"),
        (
            Curriculum(
                "x", (kp("a"), kp("b"), kp("c")), (Edge("a", "b"), Edge("b", "c"), Edge("c", "a"))
            ),
            "prerequisite cycle: ",
        ),
        (Curriculum("x", ()), "no knowledge points"),
    ],
)
def test_invalid_load_writes_nothing(store: GraphStore, bad: Curriculum, message: str) -> None:
    store.load_curriculum(diamond())
    with pytest.raises(CurriculumError, match=message):
        store.load_curriculum(bad)
    assert store.stats().knowledge_points == 7
    info = store.curriculum_info()
    assert info is not None and info.name == "diamond"


def test_random_dag_matches_networkx(store: GraphStore) -> None:
    cur = random_dag(300, 500, seed=7)
    store.load_curriculum(cur)
    ref = nx.DiGraph()
    ref.add_nodes_from(k.id for k in cur.knowledge_points)
    ref.add_edges_from((e.dependent, e.prerequisite) for e in cur.edges)  # REQUIRES direction
    for node in ["n0000", "n0150", "n0299", "n0042", "n0271"]:
        assert store.prerequisites(node) == sorted(nx.descendants(ref, node))
        assert store.dependents(node) == sorted(nx.ancestors(ref, node))
        within2 = nx.single_source_shortest_path_length(ref, node, cutoff=2)
        assert store.prerequisites(node, depth=2) == sorted(n for n in within2 if n != node)
        order = store.learning_order(node)
        assert sorted(order) == sorted({*nx.descendants(ref, node), node})
        assert is_valid_order(order, cur)
    longest = nx.dag_longest_path_length(ref) + 1
    stats = store.stats()
    assert (stats.knowledge_points, stats.prerequisite_edges, stats.longest_chain) == (
        300,
        len(cur.edges),
        longest,
    )


def test_ccss_graph_counts(store: GraphStore) -> None:
    report = store.load_curriculum(ccss_curriculum())
    assert any("3 rows that name a whole domain" in n for n in report.notes)
    assert store.stats().to_json() == CCSS_STATS
    assert store.prerequisites("5.NF.A.1", depth=1) == [
        "4.NF.A.1",
        "4.NF.B.3a",
        "4.NF.B.3b",
        "4.NF.B.3c",
        "4.NF.B.3d",
    ]
    node = store.get_node("4.NF.B.3a")
    assert node.grade == "4" and node.domain == "NF"
    assert node.attrs["parent_standard"] == "4.NF.B.3"
    order = store.learning_order("5.NF.A.1")
    assert order[-1] == "5.NF.A.1" and is_valid_order(order, ccss_curriculum())


def test_default_pack_with_ccss_standards(store: GraphStore) -> None:
    cur = default_curriculum()
    report = store.load_curriculum(cur)
    assert report.knowledge_points >= 200 and report.standards == 509
    stats = store.stats()
    assert stats.knowledge_points == len(cur.knowledge_points)
    assert stats.prerequisite_edges == len(cur.edges)
    node = store.get_node("fractions.add_unlike")
    assert node.name_zh and node.description_zh and node.grade == "5"
    assert node.standards == ("5.NF.A.1",)
    assert store.get_standard("5.NF.A.1").framework == "CCSS-M"
    assert "fractions.common_denominator" in store.prerequisites("fractions.add_unlike", depth=1)
    grades = {k.grade for k in store.list_nodes()}
    assert grades == {str(g) for g in range(1, 10)}
    order = store.learning_order("equations.two_step")
    assert order[-1] == "equations.two_step" and is_valid_order(order, cur)


def test_direct_prerequisites_of_many_points(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    assert store.direct_prerequisites(["f", "c", "a"]) == {"f": ["e"], "c": ["a", "b"], "a": []}
    assert store.direct_prerequisites([]) == {}
    with pytest.raises(NotFoundError, match="'zz'"):
        store.direct_prerequisites(["a", "zz"])


def test_curriculum_fingerprint_is_the_info_fingerprint(store: GraphStore) -> None:
    assert store.curriculum_fingerprint() is None
    store.load_curriculum(diamond())
    info = store.curriculum_info()
    assert info is not None
    assert store.curriculum_fingerprint() == info.fingerprint != ""
