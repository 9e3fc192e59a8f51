"""Concurrent students against each store engine: nothing acknowledged is lost or doubled,
and the stored mastery is exactly what the attempt log implies (no lost updates).

CI runs a short profile (40 students, 10 s per engine); ``make reliability`` runs the full
one (200 students, 60 s) and prints the figures for RELIABILITY.md. Speed is reported
there, never asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import wipe_neo4j
from tests.reliability.loadgen import load_profile
from tutor.settings import Settings

STUDENTS = 40
SECONDS = 10.0


def _check(report_ok: bool, report: object) -> None:
    assert report_ok, f"load audit failed: {report}"


@pytest.mark.slow
def test_load_sqlite_loses_nothing(tmp_path: Path) -> None:
    report = load_profile(
        f"sqlite:///{tmp_path / 'load.db'}",
        Settings(data_dir=tmp_path),
        students=STUDENTS,
        seconds=SECONDS,
        name="sqlite",
    )
    assert report.answers > STUDENTS  # every student answered, most of them several times
    assert report.acknowledged == report.stored
    _check(report.ok, report)


@pytest.mark.slow
@pytest.mark.neo4j
def test_load_neo4j_loses_nothing(neo4j_settings: Settings) -> None:
    assert neo4j_settings.store_url is not None
    report = load_profile(
        neo4j_settings.store_url,
        neo4j_settings,
        students=STUDENTS,
        seconds=SECONDS,
        name="neo4j",
        wipe=lambda: wipe_neo4j(neo4j_settings),
    )
    assert report.answers > STUDENTS
    assert report.acknowledged == report.stored
    _check(report.ok, report)
