"""``tutor graph lint``: a fixture pack with one planted fault of each kind, on a real
embedded store, with a small Coherence Map written as a CCSS folder.

The pack (grade in brackets, standard after the colon)::

    p1[1]:S1 → p2[2]:S2 → p3[3]:S3 → p4[4]:S4a → q[2]:— → p5[5]:S5
    p1 → p3            (redundant: p1 → p2 → p3)
    p1 → d[2]:Sd       (d leads nowhere; the map has no S1 … Sd path)

and the map: S1 → S2, S1 → S3, S3 → S2 (so p2 → p3 runs against it), S3 → S4a (a
substandard of S4), Sd → S5. p3 has no item family, p2 no misconception.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import run_cli
from tutor import lab
from tutor.domain import (
    ContentBank,
    Curriculum,
    Edge,
    ItemFamily,
    KnowledgePoint,
    MisconceptionInfo,
    Standard,
)
from tutor.errors import InputError
from tutor.graph import GraphStore, open_store
from tutor.graph.lint import KINDS, CoherenceMap, lint_graph
from tutor.graph.netx import to_networkx
from tutor.settings import Settings

GRADES = {"p1": "1", "p2": "2", "p3": "3", "p4": "4", "q": "2", "p5": "5", "d": "2"}
ALIGNED = {"p1": "S1", "p2": "S2", "p3": "S3", "p4": "S4a", "p5": "S5", "d": "Sd"}
EDGES = [("p1", "p2"), ("p2", "p3"), ("p3", "p4"), ("p4", "q"), ("q", "p5")]
EDGES += [("p1", "p3"), ("p1", "d")]
MAP = [("S1", "S2"), ("S1", "S3"), ("S3", "S2"), ("S3", "S4a"), ("Sd", "S5")]


def fixture_pack() -> tuple[Curriculum, ContentBank]:
    """The pack of the module docstring: one fault of each kind."""
    standards = tuple(
        Standard(id=s, framework="CCSS-M", grade=s[1:2]) for s in sorted({*ALIGNED.values()})
    )
    points = tuple(
        KnowledgePoint(
            id=kp,
            name=f"Point {kp}",
            grade=grade,
            domain="d",
            standards=(ALIGNED[kp],) if kp in ALIGNED else (),
        )
        for kp, grade in GRADES.items()
    )
    curriculum = Curriculum(
        name="planted",
        knowledge_points=points,
        edges=tuple(Edge(a, b) for a, b in EDGES),
        standards=standards,
    )
    families = tuple(
        ItemFamily(id=f"fam.{kp}", generator=f"gen_{kp}", kp=kp, levels=(1,), assesses=((kp, 1.0),))
        for kp in GRADES
        if kp != "p3"
    )
    misconceptions = tuple(
        MisconceptionInfo(id=f"mc.{kp}", description="x", description_zh="x", signals=(kp,))
        for kp in GRADES
        if kp != "p2"
    )
    return curriculum, ContentBank(families, misconceptions)


def write_map(folder: Path) -> Path:
    """The map as a CCSS folder (the format of ``shared/data/ccss-coherence``)."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = sorted({*ALIGNED.values(), "S4"})
    entries = [
        {"id": s, "level": "substandard" if s == "S4a" else "standard", "grade": "1"}
        | ({"parent_standard": "S4"} if s == "S4a" else {})
        for s in ids
    ]
    (folder / "standards.json").write_text(json.dumps(entries), encoding="utf-8")
    rows = ["from_standard,to_standard,kind"] + [f"{a},{b},prerequisite" for a, b in MAP]
    (folder / "prerequisites.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def planted(tmp_path: Path) -> Iterator[GraphStore]:
    store = open_store(f"sqlite:///{tmp_path / 'planted.db'}", Settings(data_dir=tmp_path))
    curriculum, bank = fixture_pack()
    store.load_curriculum(curriculum)
    store.load_content(bank)
    yield store
    store.close()


def test_each_planted_fault_is_found_once_and_nothing_else(
    planted: GraphStore, tmp_path: Path
) -> None:
    report = lab.lint_store(planted, write_map(tmp_path / "map"))
    found = {(f.kind, f.ids) for f in report.findings}
    assert found == {
        ("edge_down_grades", ("p4", "q")),
        ("redundant_edge", ("p1", "p3")),
        ("no_standard", ("q",)),
        ("no_items", ("p3",)),
        ("no_misconceptions", ("p2",)),
        ("dead_end", ("d",)),
        ("coherence_no_path", ("p1", "d")),
        ("coherence_reversed", ("p2", "p3")),
    }
    assert report.counts() == dict.fromkeys(KINDS, 1)
    assert [f.kind for f in report.findings] == list(KINDS)  # listed in report order
    assert report.top_grade == "5"
    # p4 → q and q → p5 cannot be judged (q has no standard); the other five can, and
    # p1 → p2, p1 → p3 and p3 → p4 (S4a counts as S4) agree with the map.
    assert report.coherence == {
        "edges_checked": 5,
        "edges_on_map": 3,
        "edges_not_checkable": 2,
        "points_on_map": 6,
    }
    redundant = report.of_kind("redundant_edge")[0]
    assert redundant.params["via"] == ["p1", "p2", "p3"]
    down = report.of_kind("edge_down_grades")[0]
    assert down.params == {"from_grade": "4", "to_grade": "2"}


def test_a_clean_graph_has_no_findings() -> None:
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph(curriculum="clean")
    for kp, grade in (("a", "1"), ("b", "2")):
        g.add_node(kp, grade=grade, standards=["S"], item_families=["f"], misconceptions=["m"])
    g.add_edge("a", "b")
    # Both ends align to S, which is on the map: a shared standard agrees with the map.
    report = lint_graph(g, CoherenceMap((Edge("S", "T"),)))
    assert report.findings == ()
    assert report.coherence == {
        "edges_checked": 1,
        "edges_on_map": 1,
        "edges_not_checkable": 0,
        "points_on_map": 2,
    }


def test_a_pack_aligned_to_none_of_the_maps_standards_is_not_compared(
    planted: GraphStore, tmp_path: Path
) -> None:
    other = CoherenceMap((Edge("X1", "X2"),))
    report = lint_graph(to_networkx(planted), other)
    assert report.coherence is None
    assert not {f.kind for f in report.findings} & {"coherence_no_path", "coherence_reversed"}
    # The other checks do not depend on the map.
    assert len(report.findings) == 6


def test_every_finding_is_worded_in_both_languages(planted: GraphStore, tmp_path: Path) -> None:
    from tutor.i18n import render

    report = lab.lint_store(planted, write_map(tmp_path / "map"))
    for finding in report.findings:
        for language in ("en", "zh-Hans"):
            text = render(finding.code, finding.message_params(), language)
            assert finding.ids[0] in text and "{" not in text, text
    redundant = report.of_kind("redundant_edge")[0]
    assert render(redundant.code, redundant.message_params(), "en") == (
        "p1 → p3 is implied by p1 → p2 → p3"
    )


def test_an_empty_store_is_refused_clearly(sqlite_store: GraphStore) -> None:
    with pytest.raises(InputError, match="holds no curriculum to lint"):
        lab.lint_store(sqlite_store)


def test_the_real_pack_against_the_shipped_map(store: GraphStore) -> None:
    """Today's default pack: the numbers BENCHMARKS.md reports ("Curriculum lint")."""
    report = lab.lint_store(store)
    counts = report.counts()
    # Loadable and acyclic; no edge goes down grades and none is redundant today.
    assert counts["edge_down_grades"] == 0 and counts["redundant_edge"] == 0
    assert counts["no_standard"] == 0
    assert report.coherence is not None and report.coherence["edges_checked"] > 400
    with_items = {f.kp for f in store.item_families()}
    assert counts["no_items"] == report.knowledge_points - len(with_items)


def test_cli_lint_exits_0_with_findings_and_2_on_bad_input(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    env["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    db = tmp_path / "planted.db"
    env["TUTOR_STORE"] = f"sqlite:///{db}"
    store = open_store(env["TUTOR_STORE"], Settings(data_dir=tmp_path))
    curriculum, bank = fixture_pack()
    store.load_curriculum(curriculum)
    store.load_content(bank)
    store.close()
    folder = str(write_map(tmp_path / "map"))
    out = run_cli(["graph", "lint", "--coherence", folder, "--json"], env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {
        "curriculum",
        "knowledge_points",
        "prerequisite_edges",
        "top_grade",
        "counts",
        "coherence",
        "findings",
    }
    assert data["counts"] == dict.fromkeys(KINDS, 1)
    assert {"kind": "dead_end", "ids": ["d"], "params": {"grade": "2", "top_grade": "5"}} in (
        data["findings"]
    )
    human = run_cli(["graph", "lint", "--coherence", folder], env)
    assert human.returncode == 0
    assert "redundant_edge: p1 → p3 is implied by p1 → p2 → p3" in human.stdout
    kinds = ["--kind", "no_items", "--kind", "dead_end"]
    out = run_cli(["graph", "lint", "--coherence", folder, "--json", *kinds], env)
    only = json.loads(out.stdout)
    assert [f["kind"] for f in only["findings"]] == ["no_items", "dead_end"]
    assert only["counts"] == dict.fromkeys(KINDS, 1)  # the counts stay whole
    wrong = run_cli(["graph", "lint", "--kind", "nonsense"], env)
    assert wrong.returncode == 2 and "nonsense" in wrong.stderr
    before = db.read_bytes()
    bad = run_cli(["graph", "lint", "--coherence", str(tmp_path / "nowhere")], env)
    assert bad.returncode == 2
    assert "standards.json is missing" in bad.stderr
    assert db.read_bytes() == before
    env["TUTOR_STORE"] = f"sqlite:///{tmp_path / 'empty.db'}"
    empty = run_cli(["graph", "lint"], env)
    assert empty.returncode == 2 and "load one first" in empty.stderr


@pytest.mark.neo4j
def test_lint_and_the_designer_answer_the_same_on_neo4j(
    neo4j_store: GraphStore, planted: GraphStore, tmp_path: Path
) -> None:
    """The same pack in both engines: the same findings, the same designer answers."""
    from tutor.designer import Designer

    curriculum, bank = fixture_pack()
    neo4j_store.load_curriculum(curriculum)
    neo4j_store.load_content(bank)
    folder = write_map(tmp_path / "map")
    assert lab.lint_store(neo4j_store, folder) == lab.lint_store(planted, folder)
    on_neo4j, on_sqlite = Designer(neo4j_store), Designer(planted)
    assert on_neo4j.removal_impact(point="p3") == on_sqlite.removal_impact(point="p3")
    assert on_neo4j.standard_coverage() == on_sqlite.standard_coverage()
    assert on_neo4j.domain_map("d") == on_sqlite.domain_map("d")
