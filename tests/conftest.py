"""Shared fixtures: store engines for the contract suite, and the real Neo4j server.

Tests marked ``neo4j`` need the server that ``make neo4j-up`` starts (settings come
from the environment or from ``.neo4j.env``). Without it they are skipped locally
with that reason, and they FAIL when ``CI=true``: CI must never skip them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tutor.graph import GraphStore, open_store
from tutor.settings import Settings

REPO = Path(__file__).resolve().parents[1]

# Property tests explore new random examples on every local run; in CI they replay a fixed
# set (derandomize), so a landing never hangs on an example no one has seen. Anything they
# find locally is fixed in the code, and the failing example is printed to replay it.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


def _neo4j_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.startswith("TUTOR_")}
    if not env.get("TUTOR_STORE", "").startswith(("neo4j", "bolt")):
        env_file = REPO / ".neo4j.env"
        if env_file.exists():
            for line in env_file.read_text().splitlines():
                key, _, value = line.partition("=")
                if key.startswith("TUTOR_"):
                    env[key.strip()] = value.strip()
    return env


def neo4j_settings_or_skip() -> Settings:
    """Settings for the dev/CI Neo4j server, or skip (fail in CI) if it is not there."""
    env = _neo4j_env()
    url = env.get("TUTOR_STORE", "")
    reason = ""
    if not url.startswith(("neo4j", "bolt")):
        reason = "no Neo4j configured: run `make neo4j-up` (writes .neo4j.env)"
    else:
        try:
            store = open_store(url, Settings.from_env(env))
            store.close()
        except Exception as exc:  # report why, then skip or fail
            reason = f"Neo4j at {url} is not usable: {exc}"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Neo4j tests, but {reason}")
        pytest.skip(reason)
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def neo4j_settings() -> Settings:
    return neo4j_settings_or_skip()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[GraphStore]:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}", Settings(data_dir=tmp_path))
    yield store
    store.close()


def wipe_neo4j(settings: Settings) -> None:
    """Delete every node of the test database, so each test starts from an empty graph."""
    import neo4j

    assert settings.store_url is not None and settings.neo4j_password is not None
    with (
        neo4j.GraphDatabase.driver(
            settings.store_url, auth=(settings.neo4j_user, settings.neo4j_password)
        ) as driver,
        driver.session() as session,
    ):
        # Batched, so a large graph left by the benchmark is deleted in bounded memory.
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()


@pytest.fixture
def neo4j_store(neo4j_settings: Settings) -> Iterator[GraphStore]:
    wipe_neo4j(neo4j_settings)
    store = open_store(neo4j_settings.store_url, neo4j_settings)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """Each contract test runs once per engine."""
    name = request.param
    return request.getfixturevalue(f"{name}_store")  # type: ignore[no-any-return]
