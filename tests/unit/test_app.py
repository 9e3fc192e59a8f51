"""The Streamlit app renders (AppTest runs the real script, no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tutor.content.curricula import ccss_curriculum, default_curriculum
from tutor.domain import Problem
from tutor.graph import open_store
from tutor.settings import Settings

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


def test_app_shows_the_loaded_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    store = open_store(url, Settings(data_dir=tmp_path))
    store.load_curriculum(ccss_curriculum())
    store.close()
    monkeypatch.setenv("TUTOR_STORE", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "kptutor"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["knowledge points"] == "509"
    assert metrics["prerequisite edges"] == "453"


def test_app_says_what_to_do_on_an_empty_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUTOR_STORE", f"sqlite:///{tmp_path / 'empty.db'}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "tutor graph load default" in at.warning[0].value


def test_app_shows_imported_problems_with_attribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    store = open_store(url, Settings(data_dir=tmp_path))
    store.load_curriculum(default_curriculum())
    data = {
        "body": "Solve $$2x + 3 = 7$$.",
        "steps": [{"title": "$$2x + 3 = 7$$", "body": ""}],
        "attribution": "From OATutor (CC BY 4.0), adapted from OpenStax Elementary Algebra.",
    }
    store.load_problems(
        "oatutor",
        [Problem("p1", "oatutor", "equations.two_step", ("s",), "Solve it", json.dumps(data))],
    )
    store.close()
    monkeypatch.setenv("TUTOR_STORE", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "1 imported problems" in at.markdown[0].value
    assert any("OpenStax" in c.value for c in at.caption)
