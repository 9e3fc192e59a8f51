"""``tutor graph export`` / ``import --pack`` and the guard against silent drops (issue 19).

Run as real subprocesses on the embedded store (the contract suite runs the same round trip
on both engines through ``tutor.lab``). Bad input gives one line naming the file and line,
exit status 2, and leaves the store exactly as it was.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import networkx as nx
import pytest

from tests.factories import run_cli as run
from tutor.content.pack import PACK_FILES


@pytest.fixture
def env(tmp_path: Path, template_db: Path) -> dict[str, str]:
    """The CLI's environment over a copy of the store holding the default pack."""
    store = tmp_path / "cli.db"
    shutil.copyfile(template_db, store)
    e = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    e["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    e["TUTOR_STORE"] = f"sqlite:///{store}"
    return e


def ok(args: list[str], env: dict[str, str]) -> str:
    out = run(args, env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def stats(env: dict[str, str]) -> dict[str, object]:
    return json.loads(ok(["content", "stats", "--json"], env))  # type: ignore[no-any-return]


def test_export_import_round_trip_keeps_everything(env: dict[str, str], tmp_path: Path) -> None:
    before = stats(env)
    written = json.loads(ok(["graph", "export", "--pack", str(tmp_path / "p"), "--json"], env))
    assert sorted(written["files"]) == sorted(PACK_FILES)
    assert written["alignments"] == before["alignments"] and written["item_families"] == 238

    # A fresh store gets exactly the same pack: export it again and compare every byte.
    fresh = {**env, "TUTOR_STORE": f"sqlite:///{tmp_path / 'fresh.db'}"}
    report = json.loads(ok(["graph", "import", "--pack", str(tmp_path / "p"), "--json"], fresh))
    assert report["alignments"] == before["alignments"] and report["standards"] > 0
    assert "content: 238 item families, 117 misconceptions" in report["notes"]
    ok(["graph", "export", "--pack", str(tmp_path / "q")], fresh)
    for name in PACK_FILES:
        assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "q" / name).read_bytes(), name
    assert stats(fresh) == before

    # Importing it back where it came from changes nothing.
    again = json.loads(ok(["graph", "import", "--pack", str(tmp_path / "p"), "--json"], env))
    assert again["unchanged"] is True
    # Exporting over an existing pack needs --force.
    out = run(["graph", "export", "--pack", str(tmp_path / "p")], env)
    assert out.returncode == 2 and "--force" in out.stderr
    ok(["graph", "export", "--pack", str(tmp_path / "p"), "--force"], env)


def test_an_edited_pack_loads_with_its_edits(env: dict[str, str], tmp_path: Path) -> None:
    ok(["graph", "export", "--pack", str(tmp_path / "p")], env)
    points = tmp_path / "p" / "knowledge_points.csv"
    with points.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows.append(
        [
            "fractions.new_point",
            "A New Point",
            "新的知识点",
            "5",
            "fractions",
            "",
            "",
            "5.NF.A.1",
            "math",
            "",
        ]
    )
    with points.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with (tmp_path / "p" / "prerequisites.csv").open("a", encoding="utf-8") as fh:
        fh.write("fractions.add_unlike,fractions.new_point\n")
    report = json.loads(ok(["graph", "import", "--pack", str(tmp_path / "p"), "--json"], env))
    assert report["knowledge_points"] == 387 and report["prerequisite_edges"] == 642
    shown = json.loads(ok(["graph", "show", "fractions.new_point", "--json"], env))
    assert shown["name_zh"] == "新的知识点" and shown["standards"] == ["5.NF.A.1"]
    assert shown["prerequisites"] == ["fractions.add_unlike"]
    assert stats(env)["item_families"] == 238  # the content came along


def test_a_pack_saved_by_a_spreadsheet_still_reads(env: dict[str, str], tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" adds a byte-order mark and CRLF line ends: the same pack."""
    ok(["graph", "export", "--pack", str(tmp_path / "p")], env)
    for name in PACK_FILES:
        path = tmp_path / "p" / name
        text = path.read_text(encoding="utf-8")
        path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    report = json.loads(ok(["graph", "import", "--pack", str(tmp_path / "p"), "--json"], env))
    assert report["unchanged"] is True  # the same curriculum, to the hash


def _pack_with(tmp_path: Path, env: dict[str, str], name: str, text: str) -> Path:
    folder = tmp_path / "bad"
    ok(["graph", "export", "--pack", str(folder)], env)
    with (folder / name).open("a", encoding="utf-8") as fh:
        fh.write(text)
    return folder


BAD_PACKS = {
    "ragged row": ("prerequisites.csv", "a,b,c\n", "prerequisites.csv", "line 643"),
    "unknown point": (
        "prerequisites.csv",
        "fractions.add_unlike,no.such_point\n",
        "prerequisites.csv line 643",
        "unknown knowledge point 'no.such_point'",
    ),
    "cycle": (
        "prerequisites.csv",
        "fractions.add_unlike,fractions.common_denominator\n",
        "prerequisite cycle",
        "fractions.add_unlike",
    ),
    "unknown standard": (
        "knowledge_points.csv",
        "x.y,Y,,3,x,,,NOT.A.STANDARD,math,\n",
        "knowledge_points.csv line 388",
        "aligns to 'NOT.A.STANDARD', which is not in standards.csv",
    ),
    "bad weight": (
        "assesses.csv",
        "absolute_value,integers.subtract,heavy\n",
        "assesses.csv line",
        "weight 'heavy' is not a number",
    ),
    "duplicate misconception": (
        "misconceptions.csv",
        "mc.add_no_carry,again,再,whole_ops.add_2digit_regroup\n",
        "misconceptions.csv line 119",
        "duplicate misconception 'mc.add_no_carry'",
    ),
    "bad attrs": (
        "knowledge_points.csv",
        'x.y,Y,,3,x,,,,math,"[1, 2]"\n',
        "knowledge_points.csv line 388",
        "attrs must be a JSON object",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PACKS))
def test_a_bad_pack_is_refused_by_file_and_line(
    case: str, env: dict[str, str], tmp_path: Path
) -> None:
    name, text, where, what = BAD_PACKS[case]
    folder = _pack_with(tmp_path, env, name, text)
    before = stats(env)
    out = run(["graph", "import", "--pack", str(folder), "--json"], env)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    assert where in lines[0] and what in lines[0]
    assert stats(env) == before


def test_a_missing_pack_or_file_is_named(env: dict[str, str], tmp_path: Path) -> None:
    out = run(["graph", "import", "--pack", str(tmp_path / "nowhere")], env)
    assert out.returncode == 2 and "does not exist" in out.stderr
    ok(["graph", "export", "--pack", str(tmp_path / "p")], env)
    (tmp_path / "p" / "assesses.csv").unlink()
    out = run(["graph", "import", "--pack", str(tmp_path / "p")], env)
    assert out.returncode == 2 and "has no assesses.csv" in out.stderr
    out = run(["graph", "import", "--pack", str(tmp_path / "p"), "--nodes", "x.csv"], env)
    assert out.returncode == 2 and "leave out --nodes" in out.stderr
    out = run(["graph", "import"], env)
    assert out.returncode == 2 and "give --pack DIR" in out.stderr


def test_loads_that_would_drop_content_need_the_flag(env: dict[str, str], tmp_path: Path) -> None:
    before = stats(env)
    out = run(["graph", "load", "ccss"], env)
    assert out.returncode == 2
    message = out.stderr.strip()
    for lost in ("standards", "alignments", "238 item families", "117 misconceptions"):
        assert lost in message
    assert "--allow-drop" in message and stats(env) == before  # nothing changed

    # The README's old route: the pack's own CSVs as nodes and edges. The points are the
    # same, so the item families and misconceptions fit and stay; the alignments cannot.
    pack = Path(__file__).resolve().parents[2] / "content" / "k12-math"
    nodes, edges = str(pack / "knowledge_points.csv"), str(pack / "prerequisites.csv")
    out = run(["graph", "import", "--nodes", nodes, "--edges", edges], env)
    assert out.returncode == 2 and "490 alignments" in out.stderr
    assert "item families" not in out.stderr  # those would be kept
    assert stats(env) == before
    out = run(
        ["graph", "import", "--nodes", nodes, "--edges", edges, "--allow-drop", "--json"], env
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["standards"] == 0 and report["alignments"] == 0
    assert any(n.startswith("dropped (--allow-drop): 490 alignments") for n in report["notes"])
    assert "warning: 0 standards and 0 alignments" in out.stderr  # seen even with --json
    after = stats(env)
    assert after["item_families"] == 238 and after["misconceptions"] == 117


def test_a_fresh_nodes_edges_import_warns_about_alignments(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    env["TUTOR_STORE"] = f"sqlite:///{tmp_path / 'fresh.db'}"
    (tmp_path / "n.csv").write_text("id,name,standards\na,A,1.OA.A.1\nb,B,\n", encoding="utf-8")
    (tmp_path / "e.csv").write_text("from,to\na,b\n", encoding="utf-8")
    out = run(
        ["graph", "import", "--nodes", str(tmp_path / "n.csv"), "--edges", str(tmp_path / "e.csv")],
        env,
    )
    assert out.returncode == 0, out.stderr
    assert "warning: 0 standards and 0 alignments" in out.stdout
    assert "a 'standards' column stays text" in out.stdout


def test_graphml_and_csv_for_gephi(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "fractions.graphml"
    report = json.loads(
        ok(
            [
                "graph",
                "export",
                "--format",
                "graphml",
                "--domain",
                "fractions",
                "--out",
                str(out),
                "--json",
            ],
            env,
        )
    )
    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() == report["knowledge_points"] == 35
    assert graph.number_of_edges() == report["prerequisite_edges"]
    assert graph.has_edge("fractions.common_denominator", "fractions.add_unlike")
    node = graph.nodes["fractions.add_unlike"]
    assert node["label"] == node["name"] and node["name_zh"] == "异分母分数加法"
    assert node["grade"] == "5" and node["n_item_families"] >= 1
    assert "fraction_add_unlike" in node["item_families"].split(";")

    # Standard output, and a point's neighbourhood.
    text = ok(["graph", "export", "--around", "fractions.add_unlike", "--depth", "1"], env)
    near = nx.parse_graphml(text)
    assert "fractions.add_unlike" in near and "fractions.common_denominator" in near
    assert all(
        near.has_edge(p, "fractions.add_unlike") for p in near.predecessors("fractions.add_unlike")
    )

    folder = tmp_path / "gephi"
    ok(["graph", "export", "--format", "csv", "--out", str(folder)], env)
    with (folder / "nodes.csv").open(encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with (folder / "edges.csv").open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert len(nodes) == 386 and len(edges) == 641
    assert {"Id", "Label", "grade", "domain", "name_zh"} <= set(nodes[0])
    assert {"Source", "Target", "Type"} <= set(edges[0]) and edges[0]["Type"] == "Directed"

    for args, message in [
        (["--format", "csv"], "give --out FOLDER"),
        (["--depth", "2"], "--depth needs --around"),
        (["--domain", "nope"], "no knowledge point of domain 'nope'"),
        (["--around", "no.such_point"], "no knowledge point 'no.such_point'"),
        (["--pack", str(tmp_path / "x"), "--domain", "fractions"], "leave out --domain"),
    ]:
        bad = run(["graph", "export", *args], env)
        assert bad.returncode == 2 and message in bad.stderr, (args, bad.stderr)
