"""The pack round trip through the `tutor` command on the real Neo4j server (issue 19).

Exported from the embedded store, imported into Neo4j, exported again: the same bytes, so
every point, edge, standard, alignment, item family and misconception made the trip.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import wipe_neo4j
from tests.factories import run_cli as run
from tutor.content.pack import PACK_FILES
from tutor.settings import Settings

pytestmark = pytest.mark.neo4j


def test_pack_round_trip_through_neo4j(neo4j_settings: Settings, tmp_path: Path) -> None:
    wipe_neo4j(neo4j_settings)
    base = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    base["TUTOR_DATA_DIR"] = str(tmp_path)
    embedded = {**base, "TUTOR_STORE": f"sqlite:///{tmp_path / 'embedded.db'}"}
    assert run(["graph", "load", "default"], embedded).returncode == 0
    neo4j = {
        **base,
        "TUTOR_STORE": str(neo4j_settings.store_url),
        "TUTOR_NEO4J_USER": neo4j_settings.neo4j_user,
        "TUTOR_NEO4J_PASSWORD": str(neo4j_settings.neo4j_password),
    }
    assert run(["graph", "export", "--pack", str(tmp_path / "a")], embedded).returncode == 0
    out = run(["graph", "import", "--pack", str(tmp_path / "a"), "--json"], neo4j)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["alignments"] > 0
    assert run(["graph", "export", "--pack", str(tmp_path / "b")], neo4j).returncode == 0
    for name in PACK_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    stats = [json.loads(run(["content", "stats", "--json"], e).stdout) for e in (embedded, neo4j)]
    assert stats[0] == stats[1] and stats[1]["misconceptions"] == 117

    # Over content, a nodes/edges load without alignments is refused and changes nothing.
    (tmp_path / "n.csv").write_text("id,name\na,A\n", encoding="utf-8")
    (tmp_path / "e.csv").write_text("from,to\n", encoding="utf-8")
    args = [
        "graph",
        "import",
        "--nodes",
        str(tmp_path / "n.csv"),
        "--edges",
        str(tmp_path / "e.csv"),
    ]
    refused = run(args, neo4j)
    assert refused.returncode == 2 and "--allow-drop" in refused.stderr
    assert json.loads(run(["content", "stats", "--json"], neo4j).stdout) == stats[1]
