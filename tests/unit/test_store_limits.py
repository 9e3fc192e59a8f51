"""The Neo4j pool size and transaction timeout settings, and ``tutor migrate`` on the
embedded store (which brings its own tables up to date when opened: nothing to move).
The Neo4j side of both runs against the real server in
``tests/integration/test_neo4j_learner_layout.py``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import run_cli
from tutor.errors import InputError
from tutor.settings import Settings


def test_pool_size_and_timeout_are_read_from_the_environment() -> None:
    assert (Settings().neo4j_pool_size, Settings().neo4j_tx_timeout_s) == (100, 5.0)
    read = Settings.from_env({"TUTOR_NEO4J_POOL_SIZE": " 250 ", "TUTOR_NEO4J_TX_TIMEOUT_S": "2.5"})
    assert (read.neo4j_pool_size, read.neo4j_tx_timeout_s) == (250, 2.5)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TUTOR_NEO4J_POOL_SIZE": "0"}, "TUTOR_NEO4J_POOL_SIZE must be a whole number"),
        ({"TUTOR_NEO4J_POOL_SIZE": "ten"}, "TUTOR_NEO4J_POOL_SIZE must be a whole number"),
        ({"TUTOR_NEO4J_POOL_SIZE": "1.5"}, "TUTOR_NEO4J_POOL_SIZE must be a whole number"),
        ({"TUTOR_NEO4J_TX_TIMEOUT_S": "0"}, "TUTOR_NEO4J_TX_TIMEOUT_S must be a number of seconds"),
        ({"TUTOR_NEO4J_TX_TIMEOUT_S": "-3"}, "TUTOR_NEO4J_TX_TIMEOUT_S must be a number"),
        ({"TUTOR_NEO4J_TX_TIMEOUT_S": "soon"}, "TUTOR_NEO4J_TX_TIMEOUT_S must be a number"),
        ({"TUTOR_NEO4J_TX_TIMEOUT_S": "inf"}, "TUTOR_NEO4J_TX_TIMEOUT_S must be a number"),
        ({"TUTOR_NEO4J_TX_TIMEOUT_S": "nan"}, "TUTOR_NEO4J_TX_TIMEOUT_S must be a number"),
    ],
)
def test_bad_limits_are_refused_with_the_variable_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        Settings.from_env(env)


def test_migrate_on_the_embedded_store_has_nothing_to_move(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    env["TUTOR_DATA_DIR"] = str(tmp_path)
    url = f"sqlite:///{tmp_path / 'school.db'}"
    out = run_cli(["migrate", "--store", url, "--json"], env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "store": url,
        "engine": "sqlite",
        "layout": None,
        "changed": False,
        "moved": {},
        "batches": 0,
    }
    text = run_cli(["migrate", "--store", url], env)
    assert "brings itself up to date when it is opened; nothing to migrate" in text.stdout
    # A store URL nobody serves: one clear line, exit status 2.
    bad = run_cli(["migrate", "--store", "mongodb://x"], env)
    assert bad.returncode == 2
    assert "unknown store URL" in bad.stderr
