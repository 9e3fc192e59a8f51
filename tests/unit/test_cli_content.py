"""The `tutor content` CLI, run as a real subprocess on the embedded store.

Checks the JSON contracts of the issue exactly (key sets and types), the counts the
content must reach, and that bad input gives one clear line and exit status 2.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import run_cli as run
from tutor.content.items import GENERATORS, ensure_generators_loaded, items_for_kp
from tutor.content.misconceptions import buggy_answer, get_misconception, load_misconceptions

ITEM_KEYS = {"item_id", "kp", "difficulty", "prompt", "prompt_zh", "answer", "steps"}
#: `tutor content stats --json`: what the store holds at the top, the code's under "code".
STATS_KEYS = {
    "curriculum",
    "knowledge_points",
    "prerequisite_edges",
    "standards",
    "alignments",
    "item_families",
    "knowledge_points_with_item_families",
    "misconceptions",
    "imported_problems",
    "imported_problems_mapped",
    "code",
    # issue 3's contract, counting the store's item families
    "generators",
    "knowledge_points_with_generators",
}
CODE_KEYS = {
    "pack",
    "knowledge_points",
    "generators",
    "knowledge_points_with_generators",
    "misconceptions",
}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    e["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    e["TUTOR_STORE"] = f"sqlite:///{tmp_path / 'cli.db'}"
    return e


def test_items_json_contract_and_reproducibility(env: dict[str, str]) -> None:
    args = ["content", "items", "--kp", "fractions.add_unlike", "--n", "4", "--seed", "3"]
    out = run([*args, "--json"], env)
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert len(items) == 4
    for item in items:
        assert set(item) == ITEM_KEYS
        assert item["kp"] == "fractions.add_unlike"
        assert isinstance(item["difficulty"], int)
        assert item["prompt"] and item["prompt_zh"] and item["steps"]
    assert json.loads(run([*args, "--json"], env).stdout) == items
    human = run(args, env)
    assert human.returncode == 0 and items[0]["item_id"] in human.stdout


def test_check_statuses_and_misconception(env: dict[str, str]) -> None:
    item = items_for_kp("fractions.add_unlike", 1, seed=5)[0]

    def check(answer: str) -> dict[str, object]:
        out = run(["content", "check", "--item", item.item_id, "--answer", answer, "--json"], env)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert set(data) == {"status", "message", "misconception"}
        return data  # type: ignore[no-any-return]

    right = check(item.answer)
    assert right["status"] == "correct" and right["misconception"] is None
    assert check("3//4")["status"] == "unreadable"
    assert "3//4" in str(check("3//4")["message"])
    # The classic bug: add the tops and add the bottoms.
    buggy = buggy_answer("mc.frac_add_across", item)
    assert buggy is not None
    wrong = check(buggy)
    assert wrong["status"] == "incorrect"
    assert wrong["misconception"] == "mc.frac_add_across"
    assert get_misconception("mc.frac_add_across").description in str(wrong["message"])


def test_stats_counts_meet_the_bar(env: dict[str, str]) -> None:
    out = run(["content", "stats", "--json"], env)
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert set(stats) == STATS_KEYS and set(stats["code"]) == CODE_KEYS
    code = stats["code"]  # what the code provides for the default pack: the bars
    assert code["knowledge_points"] >= 200
    assert code["knowledge_points_with_generators"] >= 120
    assert code["misconceptions"] >= 50
    ensure_generators_loaded()
    assert code["generators"] == len(GENERATORS)
    # The store is fresh: it holds nothing, and says so rather than the code's numbers.
    assert stats["curriculum"] is None
    assert stats["knowledge_points"] == stats["item_families"] == stats["misconceptions"] == 0
    assert stats["imported_problems"] == 0  # nothing imported into this fresh store
    table = run(["content", "stats"], env).stdout
    assert "no curriculum" in table and "fractions" in table and "total" in table


def test_stats_report_the_store_not_the_code(env: dict[str, str]) -> None:
    assert run(["graph", "load", "default"], env).returncode == 0
    stats = json.loads(run(["content", "stats", "--json"], env).stdout)
    assert stats["curriculum"] == "k12-math"
    assert stats["item_families"] == stats["code"]["generators"] == stats["generators"]
    assert (
        stats["knowledge_points_with_generators"]
        == stats["knowledge_points_with_item_families"]
        == stats["code"]["knowledge_points_with_generators"]
    )
    assert stats["misconceptions"] == stats["code"]["misconceptions"] == len(load_misconceptions())
    assert stats["alignments"] > stats["knowledge_points"] > 0
    # A curriculum with no content: the store's counts drop to 0, the code's stay.
    assert run(["graph", "load", "ccss", "--allow-drop"], env).returncode == 0
    stats = json.loads(run(["content", "stats", "--json"], env).stdout)
    assert stats["curriculum"] == "ccss" and stats["knowledge_points"] == 509
    assert stats["item_families"] == stats["misconceptions"] == stats["alignments"] == 0
    assert stats["generators"] == stats["knowledge_points_with_generators"] == 0
    assert stats["code"]["generators"] == len(GENERATORS)
    table = run(["content", "stats"], env).stdout
    assert "holds 0 item families and 0 misconceptions" in table


def test_graph_load_default_stores_the_content_bank(env: dict[str, str], tmp_path: Path) -> None:
    out = run(["graph", "load", "default", "--json"], env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert any(note.startswith("content: ") for note in report["notes"])
    from tutor.graph import open_store
    from tutor.settings import Settings

    store = open_store(env["TUTOR_STORE"], Settings(data_dir=tmp_path))
    try:
        counts = store.content_counts()
        ensure_generators_loaded()
        assert counts.item_families == len(GENERATORS)
        assert counts.misconceptions == len(load_misconceptions())
        fams = store.item_families("fractions.common_denominator")
        assert any(f.kp == "fractions.add_unlike" for f in fams)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["content", "items", "--kp", "nope.nothing"], "no item generator makes items"),
        (["content", "check", "--item", "bad id", "--answer", "1"], "is not an item id"),
        (["content", "check", "--item", "zz_top:1:1", "--answer", "1"], "no item generator"),
        (["content", "items", "--kp", "fractions.add_unlike", "--n", "0"], "--n"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    env: dict[str, str], args: list[str], message: str
) -> None:
    out = run(args, env)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_overlong_answer_is_refused_politely(env: dict[str, str]) -> None:
    item = items_for_kp("fractions.add_unlike", 1)[0]
    out = run(["content", "check", "--item", item.item_id, "--answer", "1" * 500, "--json"], env)
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert data["status"] == "unreadable" and data["misconception"] is None


def test_import_needs_a_curriculum_and_a_folder(env: dict[str, str], tmp_path: Path) -> None:
    out = run(["content", "import", "oatutor", "--path", str(tmp_path / "nowhere")], env)
    assert out.returncode == 2 and "tutor graph load default" in out.stderr
    assert run(["graph", "load", "default"], env).returncode == 0
    out = run(["content", "import", "oatutor", "--path", str(tmp_path / "nowhere")], env)
    assert out.returncode == 2 and "nowhere" in out.stderr and "Traceback" not in out.stderr
