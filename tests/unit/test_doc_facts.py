"""The counts in README.md and the pack README are the code's (issue 19, deliverable 5).

The numbers live between ``<!-- facts:NAME -->`` markers and are written by
``python -m tutor.content.facts``; these tests fail when a block is stale, missing, or
counts something else than the files hold.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from tutor.content.facts import DOCS, blocks, default_pack_facts, stale_blocks, update_docs

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "content" / "k12-math"


@pytest.fixture(scope="module")
def wanted() -> dict[str, str]:
    return blocks(default_pack_facts())


def _rows(name: str) -> list[dict[str, str]]:
    with (PACK / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_docs_counts_are_current(wanted: dict[str, str]) -> None:
    stale = stale_blocks(REPO, wanted)
    assert not stale, (
        "counts in the docs are stale: " + "; ".join(stale) + ". Regenerate them from the "
        "repository root with `python -m tutor.content.facts`"
    )


def test_every_block_is_in_the_docs(wanted: dict[str, str]) -> None:
    text = "".join((REPO / name).read_text(encoding="utf-8") for name in DOCS)
    for name in wanted:
        assert f"<!-- facts:{name} -->" in text and f"<!-- /facts:{name} -->" in text, name


def test_the_facts_count_the_files() -> None:
    """Counted again here with the csv module, independently of the loaders."""
    facts = default_pack_facts()
    points = _rows("knowledge_points.csv")
    assert facts.knowledge_points == len(points) == sum(facts.by_domain_grade.values())
    assert facts.prerequisite_edges == len(_rows("prerequisites.csv"))
    assert facts.misconceptions == len(_rows("misconceptions.csv"))
    assert facts.skill_map_rows == len(_rows("oatutor_skill_map.csv"))
    assert facts.alignments == sum(len(p["standards"].split(";")) for p in points)
    assert facts.misconceptions != 68  # the stale README figure the issue found


def test_a_stale_count_is_caught_and_rewritten(tmp_path: Path, wanted: dict[str, str]) -> None:
    for name in DOCS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, tmp_path / name)
    pack_readme = tmp_path / "content" / "k12-math" / "README.md"
    text = pack_readme.read_text(encoding="utf-8")
    edited = text.replace(
        f"**{default_pack_facts().misconceptions} misconceptions**", "**68 misconceptions**"
    )
    assert edited != text
    pack_readme.write_text(edited, encoding="utf-8")
    assert stale_blocks(tmp_path, wanted) == ["content/k12-math/README.md: pack_summary"]
    assert update_docs(tmp_path) == ["content/k12-math/README.md"]
    assert pack_readme.read_text(encoding="utf-8") == text
    assert stale_blocks(tmp_path, wanted) == []
