"""The whole curriculum read back (``curriculum()``) and the pack round trip, on both engines.

Export → import must give back identical store contents: every point (en + zh, grade,
domain, attributes, alignments), prerequisite edge, related link, standard and standard
edge, item family with its Q-matrix row, and misconception with its signals (issue 19).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import diamond, kp
from tutor import lab
from tutor.content.bank import default_content_bank
from tutor.content.curricula import default_curriculum
from tutor.domain import ContentBank, Curriculum, Edge, ItemFamily, MisconceptionInfo
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings


def contents(store: GraphStore) -> dict[str, Any]:
    """Everything the store holds about its curriculum, read through the public roles."""
    info = store.curriculum_info()
    return {
        "curriculum": store.curriculum(),
        "info": info,
        "fingerprint": store.curriculum_fingerprint(),
        "stats": store.stats(),
        "nodes": store.list_nodes(),
        "families": store.item_families(),
        "misconceptions": store.misconceptions(),
        "counts": store.content_counts(),
    }


def test_an_empty_store_holds_no_curriculum(store: GraphStore) -> None:
    assert store.curriculum() is None


def test_the_curriculum_reads_back_whole(store: GraphStore) -> None:
    original = diamond()
    store.load_curriculum(original)
    back = store.curriculum()
    assert back is not None
    assert back.fingerprint() == original.fingerprint() == store.curriculum_fingerprint()
    assert back.name == "diamond" and back.notes == ()
    assert [p.id for p in back.knowledge_points] == sorted(p.id for p in original.knowledge_points)
    assert set(back.knowledge_points) == set(original.knowledge_points)
    a = next(p for p in back.knowledge_points if p.id == "a")
    assert (a.name_zh, a.description_zh, a.standards, dict(a.attrs)) == (
        "甲",
        "第一",
        ("S1",),
        {"source": "test"},
    )
    assert back.edges == tuple(sorted(original.edges))
    assert back.related == (("b", "iso"),)
    assert {s.id: s for s in back.standards} == {s.id: s for s in original.standards}
    assert back.standard_edges == original.standard_edges
    assert store.load_curriculum(back).unchanged  # the same curriculum, to the hash


def test_export_then_import_gives_identical_contents(store: GraphStore, tmp_path: Path) -> None:
    pack = lab.Pack(default_curriculum(), default_content_bank())
    lab.load_pack(store, pack)
    before = contents(store)
    exported = lab.export_pack(store, tmp_path / "pack")
    assert exported["knowledge_points"] == len(pack.curriculum.knowledge_points)
    assert exported["item_families"] == len(pack.content.families) > 0
    assert exported["misconceptions"] == len(pack.content.misconceptions) > 0
    assert exported["alignments"] > 0 and exported["standards"] > 0

    # Load something else over it (that drops everything, so it needs the flag)...
    other = Curriculum("other", (kp("x"),))
    with pytest.raises(lab.WouldDrop):
        lab.load_curriculum(store, other)
    assert contents(store) == before  # refused: nothing changed
    lab.load_curriculum(store, other, allow_drop=True)
    assert store.content_counts().item_families == 0

    # ...then import the exported pack: every part is back, exactly.
    report = lab.load_pack(store, lab.read_pack(tmp_path / "pack", max_bytes=64 << 20))
    assert not report.unchanged
    assert not any(n.startswith("dropped") for n in report.notes)
    assert contents(store) == before


def test_a_pack_moves_between_engines(
    store: GraphStore, tmp_path: Path, embedded: GraphStore
) -> None:
    """Exported from the embedded store, imported into this engine: the same contents."""
    lab.load_pack(embedded, lab.Pack(default_curriculum(), default_content_bank()))
    lab.export_pack(embedded, tmp_path / "pack")
    lab.load_pack(store, lab.read_pack(tmp_path / "pack", max_bytes=64 << 20))
    assert contents(store) == contents(embedded)


def test_a_nodes_edges_load_keeps_the_content_that_fits(store: GraphStore) -> None:
    """`tutor graph import --nodes --edges` used to wipe item families and misconceptions."""
    points = (kp("p.one"), kp("p.two"), kp("p.three"))
    bank = ContentBank(
        families=(
            ItemFamily("fam_one", "fam_one", "p.one", (1, 2), (("p.one", 1.0), ("p.two", 0.5))),
            ItemFamily("fam_three", "fam_three", "p.three", (1,), (("p.three", 1.0),)),
        ),
        misconceptions=(MisconceptionInfo("mc.x", "X", "叉", ("p.one", "p.three")),),
    )
    lab.load_pack(store, lab.Pack(Curriculum("first", points), bank))
    # Same points, other edges: all the content still fits, nothing is dropped, no flag.
    edited = Curriculum("edited", points, edges=(Edge("p.one", "p.two"),))
    report = lab.load_curriculum(store, edited)
    assert store.item_families() == list(bank.families)
    assert store.misconceptions() == list(bank.misconceptions)
    assert any(n.startswith("warning: 0 standards") for n in report.notes)
    # Point p.three removed: its family and one signal would go, so the flag is needed.
    smaller = Curriculum("smaller", points[:2])
    with pytest.raises(lab.WouldDrop, match=r"1 item families \(fam_three\)") as refused:
        lab.load_curriculum(store, smaller)
    assert "misconception links (SIGNALS) (mc.x→p.three)" in str(refused.value)
    assert store.curriculum_fingerprint() == edited.fingerprint()  # refused: nothing changed
    lab.load_curriculum(store, smaller, allow_drop=True)
    assert [f.id for f in store.item_families()] == ["fam_one"]
    assert store.misconceptions() == [MisconceptionInfo("mc.x", "X", "叉", ("p.one",))]


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[GraphStore]:
    """A second, embedded store beside the engine's own."""
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}", Settings(data_dir=tmp_path))
    yield other
    other.close()
