"""The demo school: real accounts and histories made through the engine, idempotent."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import run_cli
from tutor.access import School, StudentAPI, TeacherAPI
from tutor.content.items import regenerate
from tutor.demo import DEMO_STUDENT_PASSWORD, DEMO_TEACHER_PASSWORD, seed_demo
from tutor.engine import Engine
from tutor.errors import InputError
from tutor.graph import open_store
from tutor.learner.mastery import Observation, replay
from tutor.settings import Settings


def test_a_small_demo_school_is_real_and_idempotent(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}", Settings(data_dir=tmp_path))
    engine = Engine(store)
    accounts = seed_demo(engine, seed=1, n_students=4)
    school = School(engine)
    assert accounts.students == ("s01", "s02", "s03", "s04")
    assert accounts.attempts_added > 4 * 15
    assert [c.id for c in store.list_classes("teacher")] == ["class-7a", "class-7b"]
    assert [s.id for s in store.list_students("class-7a")] == ["s01", "s02"]
    # The published credentials sign in, with the right roles.
    assert isinstance(
        school.as_user(school.sign_in("teacher", DEMO_TEACHER_PASSWORD).token), TeacherAPI
    )
    api = school.as_user(school.sign_in("s03", DEMO_STUDENT_PASSWORD).token)
    assert isinstance(api, StudentAPI)
    # Histories went through engine.submit: the stored mastery is a replay of the log,
    # and a path was stored after the answers.
    for sid in accounts.students:
        log = store.attempts(sid)
        assert len(log) >= 15
        observations = [
            Observation(a.kp, a.correct, a.at, regenerate(a.item_id).assesses, a.gap_kps)
            for a in log
        ]
        layers = {a.kp: engine.index().prerequisite_layers(a.kp) for a in log}
        assert replay(observations, layers) == store.mastery(sid)
        path = store.get_path(sid)
        assert path is not None and path.updated_at == log[-1].at
        assert [a.at for a in log] == sorted(a.at for a in log)
        # Wrong answers look like a child's: no "answer + 1" expressions.
        assert not any(" + " in a.answer for a in log if not a.correct)
    assert any(not a.correct for sid in accounts.students for a in store.attempts(sid))
    report = engine.class_report("class-7a")
    assert report.cdm is not None and set(report.cdm) == {"s01", "s02"}  # the DINA view
    assert all(0.0 <= p <= 1.0 for row in report.cdm.values() for p in row.values())
    # Running again adds nothing and keeps the passwords.
    before = {sid: len(store.attempts(sid)) for sid in accounts.students}
    again = seed_demo(engine, seed=1, n_students=4)
    assert again.attempts_added == 0
    assert {sid: len(store.attempts(sid)) for sid in accounts.students} == before
    assert [s.id for s in store.list_students()] == list(accounts.students)
    assert school.sign_in("s01", DEMO_STUDENT_PASSWORD).user_id == "s01"
    with pytest.raises(InputError, match="1 to 30"):
        seed_demo(engine, n_students=31)
    store.close()


@pytest.mark.slow
def test_cli_seeds_the_whole_demo_school(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TUTOR_STORE": f"sqlite:///{tmp_path / 'demo.db'}",
        "TUTOR_DATA_DIR": str(tmp_path),
    }
    out = run_cli(["demo", "seed", "--json"], env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["teacher"] == "teacher" and data["teacher_password"] == "teacher-demo"
    assert data["students"] == [f"s{n:02d}" for n in range(1, 31)]
    assert data["student_password"] == "student-demo"
    assert data["attempts_added"] >= 30 * 15
    store = open_store(env["TUTOR_STORE"], Settings(data_dir=tmp_path))
    engine = Engine(store)
    report = engine.class_report("class-7a")
    assert len(report.students) == 15 and report.kps and report.weakest
    assert report.misconceptions and report.needs_help
    store.close()
    text = run_cli(["demo", "seed"], env)
    assert text.returncode == 0 and "0 answers added" in text.stdout
    assert "teacher-demo" in text.stdout and "student-demo" in text.stdout
