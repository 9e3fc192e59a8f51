"""The real Neo4j server: the CLI end to end, failures, and cross-engine identity."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import wipe_neo4j
from tests.factories import CCSS_STATS, random_dag, run_cli
from tutor.content.curricula import ccss_curriculum
from tutor.errors import StoreUnavailable
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings

pytestmark = pytest.mark.neo4j


run = run_cli


@pytest.fixture
def env(neo4j_settings: Settings, tmp_path: Path) -> dict[str, str]:
    # An empty graph: a load over content other tests left would need --allow-drop.
    wipe_neo4j(neo4j_settings)
    e = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    e.update(
        TUTOR_DATA_DIR=str(tmp_path),
        TUTOR_STORE=str(neo4j_settings.store_url),
        TUTOR_NEO4J_USER=neo4j_settings.neo4j_user,
        TUTOR_NEO4J_PASSWORD=str(neo4j_settings.neo4j_password),
    )
    return e


def test_cli_load_ccss_and_stats(env: dict[str, str]) -> None:
    out = run(["graph", "load", "ccss", "--json"], env)
    assert out.returncode == 0, out.stderr
    stats = json.loads(run(["graph", "stats", "--json"], env).stdout)
    assert stats == CCSS_STATS
    path = json.loads(run(["graph", "path", "--to", "6.EE.A.2c", "--json"], env).stdout)
    assert path["order"][-1] == "6.EE.A.2c"


def test_cli_bad_import_leaves_neo4j_untouched(env: dict[str, str], tmp_path: Path) -> None:
    assert run(["graph", "load", "ccss"], env).returncode == 0
    (tmp_path / "n.csv").write_text("id,name\na,A\nb,B\n")
    (tmp_path / "e.csv").write_text("from,to\na,b\nb,a\n")
    out = run(
        ["graph", "import", "--nodes", str(tmp_path / "n.csv"), "--edges", str(tmp_path / "e.csv")],
        env,
    )
    assert out.returncode == 2 and "prerequisite cycle" in out.stderr
    stats = json.loads(run(["graph", "stats", "--json"], env).stdout)
    assert stats["knowledge_points"] == 509


def test_wrong_password_is_one_clear_line(env: dict[str, str]) -> None:
    out = run(["graph", "stats"], {**env, "TUTOR_NEO4J_PASSWORD": "certainly-wrong"})
    assert out.returncode == 2
    assert out.stderr.strip() == (
        f"error: Neo4j at {env['TUTOR_STORE']} refused the user name or password; check "
        "TUTOR_NEO4J_USER and TUTOR_NEO4J_PASSWORD (make neo4j-up writes them to .neo4j.env)"
    )


def test_unreachable_server_names_the_url(env: dict[str, str]) -> None:
    out = run(["graph", "stats", "--store", "neo4j://127.0.0.1:1"], env)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: Neo4j at neo4j://127.0.0.1:1 is not reachable")


def test_unreachable_server_raises_store_unavailable(neo4j_settings: Settings) -> None:
    with pytest.raises(StoreUnavailable, match=r"bolt://127\.0\.0\.1:1 is not reachable"):
        open_store("bolt://127.0.0.1:1", neo4j_settings)


def test_engines_give_identical_answers(sqlite_store: GraphStore, neo4j_store: GraphStore) -> None:
    """Same curriculum, same queries, byte-identical answers on both engines."""
    for curriculum in (ccss_curriculum(), random_dag(400, 900, seed=3)):
        sqlite_store.load_curriculum(curriculum)
        neo4j_store.load_curriculum(curriculum)
        assert sqlite_store.stats() == neo4j_store.stats()
        assert sqlite_store.list_nodes() == neo4j_store.list_nodes()
        for kp in curriculum.knowledge_points[::7]:
            for depth in (None, 1, 3):
                assert sqlite_store.prerequisites(kp.id, depth) == neo4j_store.prerequisites(
                    kp.id, depth
                )
                assert sqlite_store.dependents(kp.id, depth) == neo4j_store.dependents(kp.id, depth)
            assert sqlite_store.learning_order(kp.id) == neo4j_store.learning_order(kp.id)
            assert sqlite_store.related(kp.id) == neo4j_store.related(kp.id)
            assert sqlite_store.get_node(kp.id) == neo4j_store.get_node(kp.id)


def test_schema_is_applied_idempotently(neo4j_settings: Settings) -> None:
    for _ in range(2):  # opening twice re-applies IF NOT EXISTS statements harmlessly
        store = open_store(neo4j_settings.store_url, neo4j_settings)
        store.close()
    import neo4j

    with neo4j.GraphDatabase.driver(
        str(neo4j_settings.store_url),
        auth=(neo4j_settings.neo4j_user, str(neo4j_settings.neo4j_password)),
    ) as driver:
        records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
        names = {r["name"] for r in records}
    assert {"knowledge_point_id", "standard_id", "student_id"} <= names
