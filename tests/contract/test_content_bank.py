"""The content-bank part of the store contract (item families, misconceptions, problems).

Runs unchanged against both engines; expected answers are written out by hand.
"""

from __future__ import annotations

import json

import pytest

from tests.factories import diamond, kp
from tutor.domain import (
    ContentBank,
    Curriculum,
    ItemFamily,
    MisconceptionInfo,
    Problem,
)
from tutor.errors import ContentError, InputError, NotFoundError
from tutor.graph import GraphStore

BANK = ContentBank(
    families=(
        ItemFamily("fam_e", "fam_e", "e", (1, 2, 3), (("c", 0.5), ("e", 1.0))),
        ItemFamily("fam_c", "fam_c", "c", (1, 2), (("a", 0.25), ("b", 0.25), ("c", 1.0))),
        ItemFamily("fam_c2", "fam_c2", "c", (1, 2, 3), (("c", 1.0),)),
    ),
    misconceptions=(
        MisconceptionInfo("mc.two", "Second", "第二", ("a", "c")),
        MisconceptionInfo("mc.one", "First — with 'quotes' and \"double\"", "第一", ("d",)),
    ),
)


def problem(pid: str, kp_id: str | None, source: str = "oatutor") -> Problem:
    data = json.dumps({"body": f"Solve {pid}", "steps": [{"answer": ["4"]}]}, ensure_ascii=False)
    return Problem(pid, source, kp_id, ("skill_x", "skill_y"), f"Problem {pid}", data)


def test_load_content_and_read_back(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.load_content(BANK)
    fams = store.item_families()
    assert [f.id for f in fams] == ["fam_c", "fam_c2", "fam_e"]
    assert fams[0] == BANK.families[1]
    assert fams[2].assesses == (("c", 0.5), ("e", 1.0))
    assert [f.id for f in store.item_families("c")] == ["fam_c", "fam_c2", "fam_e"]
    assert [f.id for f in store.item_families("a")] == ["fam_c"]
    assert store.item_families("f") == []
    mcs = store.misconceptions()
    assert [m.id for m in mcs] == ["mc.one", "mc.two"]
    assert mcs[0] == BANK.misconceptions[1]
    assert [m.id for m in store.misconceptions("c")] == ["mc.two"]
    assert store.misconceptions("e") == []
    counts = store.content_counts()
    assert (counts.item_families, counts.knowledge_points_with_families) == (3, 2)
    assert counts.misconceptions == 2


def test_load_content_replaces(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.load_content(BANK)
    smaller = ContentBank(families=BANK.families[:1])
    store.load_content(smaller)
    assert [f.id for f in store.item_families()] == ["fam_e"]
    assert store.misconceptions() == []


@pytest.mark.parametrize(
    ("bank", "message"),
    [
        (
            ContentBank(families=(ItemFamily("x", "x", "nope", (1,), (("nope", 1.0),)),)),
            "not in the stored curriculum",
        ),
        (
            ContentBank(misconceptions=(MisconceptionInfo("mc.x", "d", "d", ("ghost",)),)),
            "not in the stored curriculum",
        ),
        (ContentBank(families=(BANK.families[0], BANK.families[0])), "duplicate item family"),
        (
            ContentBank(families=(ItemFamily("x", "x", "c", (1,), (("c", 0.5),)),)),
            "must assess its own point",
        ),
        (
            ContentBank(families=(ItemFamily("x", "x", "c", (1,), (("a", 1.5), ("c", 1.0))),)),
            r"is not in \(0, 1\]",
        ),
        (ContentBank(misconceptions=(MisconceptionInfo("mc.x", "d", "d", ()),)), "signals no"),
    ],
)
def test_bad_content_is_refused_and_changes_nothing(
    store: GraphStore, bank: ContentBank, message: str
) -> None:
    store.load_curriculum(diamond())
    store.load_content(BANK)
    with pytest.raises(ContentError, match=message):
        store.load_content(bank)
    assert len(store.item_families()) == 3 and len(store.misconceptions()) == 2


def test_new_curriculum_clears_content_and_unmaps_problems(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.load_content(BANK)
    store.load_problems("oatutor", [problem("p1", "c"), problem("p2", "f")])
    # The same curriculum again changes nothing.
    assert store.load_curriculum(diamond()).unchanged
    assert len(store.item_families()) == 3
    # A different one (no "c") drops the content and unmaps p1 but keeps p2's mapping.
    kps = tuple(k for k in diamond().knowledge_points if k.id not in {"c"})
    edges = tuple(e for e in diamond().edges if "c" not in e)
    store.load_curriculum(Curriculum("smaller", kps, edges, standards=diamond().standards))
    assert store.item_families() == [] and store.misconceptions() == []
    assert store.get_problem("p1").kp is None
    assert store.get_problem("p2").kp == "f"
    counts = store.content_counts()
    assert (counts.problems, counts.problems_mapped) == (2, 1)


def test_problems_round_trip_and_filters(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    stored = [problem("p3", None), problem("p1", "c"), problem("p2", "c")]
    store.load_problems("oatutor", stored)
    store.load_problems("other", [problem("q1", "e", source="other")])
    assert [p.id for p in store.problems()] == ["p1", "p2", "p3", "q1"]
    assert [p.id for p in store.problems(kp_id="c")] == ["p1", "p2"]
    assert [p.id for p in store.problems(source="other")] == ["q1"]
    assert [p.id for p in store.problems(source="oatutor", limit=2)] == ["p1", "p2"]
    assert store.problems(limit=0) == []
    got = store.get_problem("p1")
    assert got == stored[1]
    assert got.to_json()["data"] == {"body": "Solve p1", "steps": [{"answer": ["4"]}]}
    with pytest.raises(NotFoundError, match="no imported problem 'zzz'"):
        store.get_problem("zzz")
    with pytest.raises(InputError, match="limit"):
        store.problems(limit=-1)
    # Re-importing a source replaces only that source's problems.
    store.load_problems("oatutor", [problem("p9", "d")])
    assert [p.id for p in store.problems()] == ["p9", "q1"]
    counts = store.content_counts()
    assert (counts.problems, counts.problems_mapped) == (2, 2)


def test_bad_problems_change_nothing(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.load_problems("oatutor", [problem("p1", "c")])
    with pytest.raises(ContentError, match="not in the stored curriculum"):
        store.load_problems("oatutor", [problem("p2", "c"), problem("p3", "ghost")])
    with pytest.raises(ContentError, match="duplicate problem"):
        store.load_problems("oatutor", [problem("p2", "c"), problem("p2", "c")])
    with pytest.raises(ContentError, match="comes from"):
        store.load_problems("oatutor", [problem("p2", "c", source="elsewhere")])
    assert [p.id for p in store.problems()] == ["p1"]


def test_injection_strings_are_stored_verbatim(store: GraphStore) -> None:
    evil = "x'); DROP TABLE problem; -- } RETURN 1 //"
    store.load_curriculum(Curriculum("t", (kp("a"), kp(evil))))
    store.load_content(ContentBank(misconceptions=(MisconceptionInfo(evil, evil, evil, (evil,)),)))
    store.load_problems("oatutor", [Problem(evil, "oatutor", evil, (evil,), evil, "{}")])
    assert store.misconceptions(evil)[0].description == evil
    assert store.get_problem(evil).skills == (evil,)
    assert store.content_counts().problems == 1
