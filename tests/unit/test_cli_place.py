"""``tutor student place`` and ``tutor place evaluate``, run as real subprocesses: the JSON
contracts, and bad input (a clear line on stderr, exit 2, nothing changed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import run_cli
from tutor.access import School
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.settings import Settings

PLACEMENT_KEYS = {
    "goal",
    "known",
    "not_known",
    "frontier",
    "items_used",
    "finished_at",
    "grade",
    "code",
    "params",
    "summary",
    "summary_zh",
}


@pytest.fixture
def env(template_db: Path, tmp_path: Path) -> dict[str, str]:
    """A store with the default curriculum, class 3A and Ann (goal: a grade-3 point)."""
    db = tmp_path / "cli.db"
    db.write_bytes(template_db.read_bytes())
    store = open_store(f"sqlite:///{db}", Settings(data_dir=tmp_path))
    try:
        school = School(Engine(store))
        school.add_teacher("t1", "Ms Li")
        school.create_class("c1", "3A", "t1")
        school.add_student("s1", "Ann", "c1", goal="fractions.equivalent_simple")
        school.add_student("s2", "Bo", "c1")
    finally:
        store.close()
    e = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    e["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    e["TUTOR_STORE"] = f"sqlite:///{db}"
    return e


def placement_doc(env: dict[str, str]) -> object:
    store = open_store(env["TUTOR_STORE"], Settings(data_dir=Path(env["TUTOR_DATA_DIR"])))
    try:
        return store.get_placement("s1"), store.mastery("s1")
    finally:
        store.close()


def test_student_place_with_an_answers_file(env: dict[str, str], tmp_path: Path) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text("\n" * 30, encoding="utf-8")  # "I don't know", every time
    out = run_cli(
        ["student", "place", "s1", "--max-items", "5", "--answers", str(answers), "--json"], env
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == PLACEMENT_KEYS
    assert result["goal"] == "fractions.equivalent_simple"
    assert 1 <= result["items_used"] <= 5 and result["grade"] == 3.0
    assert len(result["not_known"]) > len(result["known"])
    assert result["frontier"] and "we start with" in result["summary"]
    human = run_cli(["student", "place", "s1", "--max-items", "5", "--answers", str(answers)], env)
    assert human.returncode == 0 and "questions:" in human.stdout


def test_student_place_typed_at_the_terminal(env: dict[str, str]) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "tutor.cli", "student", "place", "s1", "--max-items", "3", "--json"],
        input="\n\n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "question 1 of at most 3" in out.stderr
    assert json.loads(out.stdout)["items_used"] <= 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["student", "place", "nobody", "--json"], "no student"),
        (["student", "place", "s2", "--json"], "no goal"),
        (["student", "place", "s1", "--max-items", "0"], "--max-items"),
        (["student", "place", "s1", "--answers", "missing.txt"], "does not exist"),
    ],
)
def test_student_place_refuses_bad_input(
    env: dict[str, str], args: list[str], message: str
) -> None:
    before = placement_doc(env)
    out = run_cli(args, env)
    assert out.returncode == 2 and message in out.stderr and out.stdout == ""
    assert placement_doc(env) == before


def test_place_evaluate_contract(env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "pop.yaml"
    config.write_text("goal_grade: 2\nslip: 0.1\nguess: [0.1, 0.1]\n", encoding="utf-8")
    out = run_cli(
        [
            "place",
            "evaluate",
            "--students",
            "2",
            "--seed",
            "3",
            "--config",
            str(config),
            "--max-items",
            "6",
            "--json",
        ],
        env,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == {"accuracy", "items_mean", "items_max", "students", "seed"}
    assert result["students"] == 2 and result["seed"] == 3
    assert 0.0 <= result["accuracy"] <= 1.0
    assert isinstance(result["items_max"], int) and result["items_max"] <= 6
    assert result["items_mean"] <= result["items_max"]


@pytest.mark.parametrize(
    ("yaml_text", "args", "message"),
    [
        ("slip: [0.1\n", [], "not valid YAML"),
        ("slip: 0.7\n", [], "slip must satisfy"),
        (None, ["--students", "-1"], "--students"),
        (None, ["--max-items", "0"], "--max-items"),
    ],
)
def test_place_evaluate_refuses_bad_input(
    env: dict[str, str], tmp_path: Path, yaml_text: str | None, args: list[str], message: str
) -> None:
    base = ["place", "evaluate", "--students", "2", "--seed", "1", "--json"]
    if yaml_text is not None:
        config = tmp_path / "bad.yaml"
        config.write_text(yaml_text, encoding="utf-8")
        base += ["--config", str(config)]
    out = run_cli([*base, *args], env)
    assert out.returncode == 2 and message in out.stderr and out.stdout == ""
