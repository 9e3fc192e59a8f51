"""``to_networkx``: the stored curriculum as a networkx graph (issue 19, deliverable 3)."""

from __future__ import annotations

import networkx as nx
import pytest

from tutor.catalog import Catalog
from tutor.domain import Curriculum, Edge, KnowledgePoint, Standard
from tutor.errors import InputError, NotFoundError
from tutor.graph import GraphStore
from tutor.graph.netx import flat_copy, to_networkx


def test_the_whole_default_pack(store: GraphStore) -> None:
    graph = to_networkx(store)
    stats = store.stats()
    assert graph.number_of_nodes() == stats.knowledge_points
    assert graph.number_of_edges() == stats.prerequisite_edges
    assert nx.is_directed_acyclic_graph(graph)
    assert graph.graph["curriculum"] == "k12-math"
    # Edges point prerequisite -> dependent, as prerequisites.csv's from,to.
    assert graph.has_edge("fractions.common_denominator", "fractions.add_unlike")
    assert not graph.has_edge("fractions.add_unlike", "fractions.common_denominator")
    node = graph.nodes["fractions.add_unlike"]
    kp = store.get_node("fractions.add_unlike")
    assert (node["name"], node["name_zh"], node["grade"], node["domain"]) == (
        kp.name,
        kp.name_zh,
        kp.grade,
        kp.domain,
    )
    assert node["name_zh"] and node["standards"] == list(kp.standards)
    families = [f.id for f in store.item_families() if f.kp == "fractions.add_unlike"]
    assert families and node["item_families"] == sorted(families)
    # A misconception signals the missing prerequisite, not the point it shows up in.
    signalled = [m.id for m in store.misconceptions("fractions.common_denominator")]
    assert "mc.frac_add_across" in signalled
    assert graph.nodes["fractions.common_denominator"]["misconceptions"] == sorted(signalled)
    # mult_div.arrays: the bottleneck, read off the graph in one call.
    assert len(nx.descendants(graph, "mult_div.arrays")) == len(store.dependents("mult_div.arrays"))


def test_domain_and_neighbourhood(store: GraphStore) -> None:
    fractions = to_networkx(store, domain="fractions")
    assert fractions.number_of_nodes() == len(store.list_nodes(domain="fractions"))
    assert {d["domain"] for _, d in fractions.nodes(data=True)} == {"fractions"}
    assert all(fractions.nodes[a]["domain"] == "fractions" for a, _ in fractions.edges)

    near = to_networkx(store, around="fractions.add_unlike", depth=1)
    expected = {
        "fractions.add_unlike",
        *store.prerequisites("fractions.add_unlike", 1),
        *store.dependents("fractions.add_unlike", 1),
    }
    assert set(near.nodes) == expected
    assert all(
        near.has_edge(p, "fractions.add_unlike")
        for p in store.prerequisites("fractions.add_unlike", 1)
    )
    both = to_networkx(store, domain="fractions", around="fractions.add_unlike", depth=2)
    assert set(both.nodes) <= set(fractions.nodes) and "fractions.add_unlike" in both


def test_a_catalog_gives_the_same_graph(store: GraphStore) -> None:
    direct = to_networkx(store, domain="ratio")
    via = to_networkx(Catalog(store), domain="ratio")
    assert nx.utils.graphs_equal(direct, via)
    assert nx.utils.graphs_equal(direct, Catalog(store).to_networkx(domain="ratio"))


def test_bad_arguments_say_what_to_do(store: GraphStore) -> None:
    with pytest.raises(InputError, match="needs --around"):
        to_networkx(store, depth=2)
    with pytest.raises(InputError, match=r"domains: .*fractions"):
        to_networkx(store, domain="no_such_domain")
    with pytest.raises(NotFoundError):
        to_networkx(store, around="no.such_point", depth=1)
    with pytest.raises(InputError, match="1 or more"):
        to_networkx(store, around="fractions.add_unlike", depth=0)


def test_flat_copy_holds_scalars_only(sqlite_store: GraphStore) -> None:
    sqlite_store.load_curriculum(
        Curriculum(
            name="tiny",
            knowledge_points=(
                KnowledgePoint("a.one", "One", grade="1", standards=("S1", "S2")),
                KnowledgePoint("a.two", "Two", name_zh="二"),
            ),
            edges=(Edge("a.one", "a.two"),),
            standards=(Standard("S1", "X"), Standard("S2", "X")),
        )
    )
    flat = flat_copy(to_networkx(sqlite_store))
    assert flat.nodes["a.one"]["standards"] == "S1;S2"
    assert flat.nodes["a.one"]["n_standards"] == 2
    assert flat.nodes["a.two"]["grade"] == "" and flat.nodes["a.two"]["name_zh"] == "二"
    for _, data in flat.nodes(data=True):
        assert all(isinstance(v, str | int) for v in data.values())
