"""The `tutor graph` CLI on the embedded store, run as a real subprocess.

Covers the JSON contracts and every bad input the issue lists: each gives one
clear line on stderr, exit status 2, and leaves the store exactly as it was.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import CCSS_STATS, run_cli

NODES = "id,name,grade,domain,source\na,Count,1,CC,mine\nb,Add,1,OA,\nc,Add more,2,OA,\n"
EDGES = "from,to\na,b\nb,c\n"


run = run_cli


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    e["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    e["TUTOR_STORE"] = f"sqlite:///{tmp_path / 'cli.db'}"
    return e


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_ccss_and_query_json(env: dict[str, str]) -> None:
    out = run(["graph", "load", "ccss", "--json"], env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["knowledge_points"] == 509 and report["prerequisite_edges"] == 453
    stats = json.loads(run(["graph", "stats", "--json"], env).stdout)
    assert stats == CCSS_STATS
    listed = json.loads(run(["graph", "list", "--grade", "5", "--json"], env).stdout)
    assert listed and all(set(r) == {"id", "name", "grade", "domain"} for r in listed)
    assert all(r["grade"] == "5" for r in listed)
    prereqs = json.loads(
        run(["graph", "prereqs", "5.NF.A.1", "--depth", "1", "--json"], env).stdout
    )
    assert prereqs == {
        "id": "5.NF.A.1",
        "prerequisites": ["4.NF.A.1", "4.NF.B.3a", "4.NF.B.3b", "4.NF.B.3c", "4.NF.B.3d"],
    }
    path = json.loads(run(["graph", "path", "--to", "5.NF.A.1", "--json"], env).stdout)
    assert path["to"] == "5.NF.A.1" and path["order"][-1] == "5.NF.A.1"
    full = json.loads(run(["graph", "prereqs", "5.NF.A.1", "--json"], env).stdout)
    assert sorted(path["order"][:-1]) == full["prerequisites"]


def test_import_csv_then_query(env: dict[str, str], tmp_path: Path) -> None:
    nodes, edges = write(tmp_path / "n.csv", NODES), write(tmp_path / "e.csv", EDGES)
    out = run(["graph", "import", "--nodes", str(nodes), "--edges", str(edges), "--json"], env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["knowledge_points"] == 3
    shown = json.loads(run(["graph", "show", "a", "--json"], env).stdout)
    assert shown["attrs"] == {"source": "mine"} and shown["dependents"] == ["b"]
    path = json.loads(run(["graph", "path", "--to", "c", "--json"], env).stdout)
    assert path == {"to": "c", "order": ["a", "b", "c"]}


GARBAGE_MB = 200


@pytest.fixture(scope="module")
def garbage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 200 MB file of random bytes."""
    path = tmp_path_factory.mktemp("garbage") / "garbage.csv"
    with path.open("wb") as fh:
        for _ in range(GARBAGE_MB):
            fh.write(os.urandom(1024 * 1024))
    return path


BAD_CASES = {
    "unknown file": (None, EDGES, "does not exist"),
    "wrong columns": ("key,title\na,A\n", EDGES, "lacks the column(s) id, name"),
    "unexpected edge column": (NODES, "from,to,weight\na,b,1\n", "unexpected column(s) weight"),
    "duplicate ids": (
        NODES + "a,Again,1,CC,\n",
        EDGES,
        "line 5: duplicate id 'a' (first on line 2)",
    ),
    "unknown node": (NODES, EDGES + "a,ghost\n", "line 4: unknown node 'ghost'"),
    "self-loop": (NODES, EDGES + "c,c\n", "line 4: self-loop c → c"),
    "cycle": (NODES, EDGES + "c,a\n", "prerequisite cycle: "),
    "empty nodes file": ("", EDGES, "is empty"),
    "header only": ("id,name\n", EDGES, "has a header but no rows"),
    "ragged row": (NODES + "d,D\n", EDGES, "line 5: 2 fields, but the header has 5"),
    "not utf-8": (b"id,name\n\xff\xfe,x\n", EDGES, "is not UTF-8 text"),
    "nul bytes": ("id,name\na\x00,b\n", EDGES, "line 2: contains a NUL byte"),
    "empty id": ("id,name\n,b\n", EDGES, "line 2: node id is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_import_is_refused_and_writes_nothing(
    case: str, env: dict[str, str], tmp_path: Path
) -> None:
    assert run(["graph", "load", "ccss"], env).returncode == 0
    nodes_text, edges_text, message = BAD_CASES[case]
    nodes = tmp_path / "nodes.csv"
    if isinstance(nodes_text, bytes):
        nodes.write_bytes(nodes_text)
    elif nodes_text is not None:
        write(nodes, nodes_text)
    edges = write(tmp_path / "edges.csv", edges_text)
    out = run(["graph", "import", "--nodes", str(nodes), "--edges", str(edges), "--json"], env)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    assert message in lines[0]
    if case == "cycle":
        cycle = lines[0].split("prerequisite cycle: ")[1].split(" → ")
        assert set(cycle) == {"a", "b", "c"} and cycle[0] == cycle[-1]
    stats = json.loads(run(["graph", "stats", "--json"], env).stdout)
    assert stats["knowledge_points"] == 509  # the CCSS graph is untouched


def test_200mb_garbage_is_refused(env: dict[str, str], tmp_path: Path, garbage: Path) -> None:
    edges = write(tmp_path / "edges.csv", EDGES)
    out = run(["graph", "import", "--nodes", str(garbage), "--edges", str(edges)], env)
    assert out.returncode == 2
    assert "is 200.0 MB, over the import limit of 64.0 MB" in out.stderr
    # With the limit raised, the content itself is refused (quickly, at the first bad byte).
    env = {**env, "TUTOR_MAX_IMPORT_MB": "500"}
    out = run(["graph", "import", "--nodes", str(garbage), "--edges", str(edges)], env)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1
    assert "not UTF-8" in out.stderr or "not a readable CSV" in out.stderr
    assert run(["graph", "stats", "--json"], env).stdout.startswith('{"knowledge_points": 0')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["graph", "load", "nonsense"], "unknown curriculum 'nonsense'"),
        (["graph", "prereqs", "NOPE"], "no knowledge point 'NOPE'"),
        (["graph", "path", "--to", "NOPE"], "no knowledge point 'NOPE'"),
        (["graph", "path", "--to", "5.NF.A.1", "--student", "s1"], "no student 's1'"),
        (["graph", "stats", "--store", "mysql://x"], "unknown store URL"),
        (["graph", "prereqs", "5.NF.A.1", "--depth", "0"], "--depth"),
    ],
)
def test_user_errors_are_one_line(args: list[str], message: str, env: dict[str, str]) -> None:
    run(["graph", "load", "ccss"], env)
    out = run(args, env)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_corrupt_sqlite_file_is_reported(env: dict[str, str], tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.db", "this is not a database" * 100)
    out = run(["graph", "stats", "--store", f"sqlite:///{bad}"], env)
    assert out.returncode == 2
    assert "is not a usable kptutor database" in out.stderr and "Traceback" not in out.stderr
