"""Two engine processes on one store (as ``make serve N=2`` runs the app), each engine:
the combined audit finds nothing lost, nothing doubled, mastery consistent.

A short profile here; the full one is
``python -m tests.reliability.loadgen_processes --processes 2 --students 200 --seconds 60``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import wipe_neo4j
from tests.reliability.loadgen_processes import load_profile_processes
from tutor.settings import Settings

STUDENTS = 40
SECONDS = 10.0


@pytest.mark.slow
def test_two_processes_on_sqlite_lose_nothing(tmp_path: Path) -> None:
    report = load_profile_processes(
        f"sqlite:///{tmp_path / 'load.db'}",
        Settings(data_dir=tmp_path),
        processes=2,
        students=STUDENTS,
        seconds=SECONDS,
        name="sqlite",
    )
    assert len(report.per_process) == 2
    assert all(p["answers"] > 0 for p in report.per_process)  # both processes worked
    assert report.combined.acknowledged == report.combined.stored > STUDENTS
    assert report.ok, report


@pytest.mark.slow
@pytest.mark.neo4j
def test_two_processes_on_neo4j_lose_nothing(neo4j_settings: Settings) -> None:
    assert neo4j_settings.store_url is not None
    report = load_profile_processes(
        neo4j_settings.store_url,
        neo4j_settings,
        processes=2,
        students=STUDENTS,
        seconds=SECONDS,
        name="neo4j",
        wipe=lambda: wipe_neo4j(neo4j_settings),
    )
    assert len(report.per_process) == 2
    assert all(p["answers"] > 0 for p in report.per_process)
    assert report.combined.acknowledged == report.combined.stored > STUDENTS
    assert report.ok, report
