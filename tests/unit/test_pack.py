"""``tutor.content.pack``: what a load would lose, what content still fits, and writing safely."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.factories import diamond, kp
from tutor.content.pack import PACK_FILES, Pack, fitting_content, losses, read_pack, write_pack
from tutor.domain import ContentBank, Curriculum, ItemFamily, MisconceptionInfo
from tutor.errors import InputError

BANK = ContentBank(
    families=(
        ItemFamily("f1", "f1", "a", (1, 2), (("a", 1.0), ("c", 0.5))),
        ItemFamily("f2", "f2", "b", (1,), (("b", 1.0),)),
    ),
    misconceptions=(
        MisconceptionInfo("m1", "one", "一", ("a", "b")),
        MisconceptionInfo("m2", "two", "二", ("b",)),
    ),
)


def test_losses_name_exactly_what_goes() -> None:
    before = Pack(diamond(), BANK)
    assert losses(None, before) == ()  # an empty store loses nothing
    assert losses(before, before) == ()
    # The same points without standards or alignments.
    bare = Curriculum("bare", tuple(replace(p, standards=()) for p in diamond().knowledge_points))
    trimmed = fitting_content(BANK, ["a", "c"])
    found = {loss.kind: loss.ids for loss in losses(before, Pack(bare, trimmed))}
    assert found == {
        "standards": ("S0", "S1"),
        "alignments": ("a→S1",),
        "item families": ("f2",),
        "misconceptions": ("m2",),
        "misconception links (SIGNALS)": ("m1→b",),
    }


def test_fitting_content_keeps_what_still_has_its_points() -> None:
    kept = fitting_content(BANK, ["a", "b"])
    assert [f.id for f in kept.families] == ["f1", "f2"]
    assert kept.families[0].assesses == (("a", 1.0),)  # the link to c is gone
    assert fitting_content(BANK, ["z"]) == ContentBank()


def test_write_then_read_is_the_same_pack(tmp_path: Path) -> None:
    pack = Pack(diamond(), fitting_content(BANK, [p.id for p in diamond().knowledge_points]))
    files = write_pack(pack, tmp_path / "p")
    assert [f.name for f in files] == list(PACK_FILES)
    back = read_pack(tmp_path / "p")
    assert back.curriculum.fingerprint() == pack.curriculum.fingerprint()
    assert back.content == pack.content
    assert back.counts() == pack.counts()


def test_writing_never_leaves_a_half_pack(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("a file, not a folder")
    with pytest.raises(InputError, match="is a file"):
        write_pack(Pack(Curriculum("x", (kp("a"),)), ContentBank()), target)
    assert target.read_text() == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no staging folder left
