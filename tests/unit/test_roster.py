"""Roster import: a class's students from CSV, checked whole (``tutor.roster``), through the
teacher's facade, the School and the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import run_cli
from tests.unit.test_access import BAD_ROSTER, ROSTER, FakeClock, make_school, student, teacher
from tutor.access import School
from tutor.engine import Engine
from tutor.errors import InputError, NotFoundError
from tutor.graph import GraphStore, open_store
from tutor.roster import parse_roster
from tutor.settings import Settings


@pytest.fixture
def school(store: GraphStore) -> School:
    return make_school(store, FakeClock())


def test_a_roster_is_imported_whole(school: School) -> None:
    li = teacher(school, "t1", "li-password")
    report = li.import_roster("c1", "\ufeff" + ROSTER)
    assert report.ok and report.added == ["r01", "r02"]
    assert school.engine.store.get_student("r02").name == "Tom O'Neil, Jr"
    assert school.engine.store.get_student("r01").goal == "fractions.add_like"
    assert student(school, "r01", "lily-password").me.class_id == "c1"


def test_a_bad_roster_writes_nothing_and_names_every_bad_row(school: School) -> None:
    li = teacher(school, "t1", "li-password")
    report = li.import_roster("c1", BAD_ROSTER)
    assert not report.ok and report.added == []
    found = {(p.line, p.column) for p in report.problems}
    assert found == {
        (3, "student_id"),
        (4, "student_id"),
        (5, "name"),
        (6, "password"),
        (7, "goal"),
        (8, "student_id"),
        (9, ""),
    }
    assert all(p.reason_zh for p in report.problems)  # shown in both languages
    by_line = {p.line: p.reason for p in report.problems}
    assert "already taken" in by_line[3] and "already on line 2" in by_line[8]
    assert [s.id for s in school.engine.store.list_students("c1")] == ["s1", "s2"]
    with pytest.raises(NotFoundError):
        school.engine.store.get_student("ok1")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("name,password\nx,y\n", "no 'student_id' column"),
        ("student_id,name,password,age\n", "unknown column 'age'"),
        ("student_id,name,password,name\n", "appears twice"),
        ("student_id,name,password\n", "no students"),
        ("student_id,name,password\n" + "a,b,c\x00\n", "not text"),
        ("student_id,name,password\n" + "x" * 1_000_001, "larger than"),
        ("student_id,name,password\nlong," + "n" * 300 + ",password1\n", "longer than 200"),
    ],
)
def test_broken_roster_files_are_refused_clearly(school: School, text: str, reason: str) -> None:
    report = school.import_roster("c1", text)
    assert not report.ok and any(reason in p.reason for p in report.problems), report
    assert all(p.reason_zh for p in report.problems)
    assert [s.id for s in school.engine.store.list_students("c1")] == ["s1", "s2"]


@pytest.mark.parametrize(
    ("column", "cell", "english", "chinese"),
    [
        ("student_id", "", "student id is empty", "学生编号不能为空"),
        ("student_id", "a\tb", "student id 'a\\tb' contains control characters",
         "学生编号“a\tb”里有控制字符"),
        ("student_id", "x" * 150, "the student id is longer than 100 characters",
         "学生编号超过 100 个字符"),
        ("student_id", "a/b", "use only letters, digits, '-', '_' and '.' in a student id",
         "学生编号只能用字母、数字、“-”、“_”和“.”"),
        ("name", "", "the student name is empty: give a name", "姓名不能为空"),
        ("name", "A\nB", "the student name contains control characters (such as a line break)",
         "姓名里不能有控制字符（比如换行）"),
        ("name", "N" * 150, "the student name is longer than 100 characters",
         "姓名超过 100 个字符"),
    ],
)  # fmt: skip
def test_a_bad_id_or_name_is_said_in_both_languages(
    column: str, cell: str, english: str, chinese: str, caplog: pytest.LogCaptureFixture
) -> None:
    # English: tutor.domain's own words; Chinese: the same case (not one line for all).
    cells = {"student_id": "ok1", "name": "Ann", "password": "password1", column: cell}
    text = "student_id,name,password\n" + ",".join(f'"{v}"' for v in cells.values()) + "\n"
    rows, problems = parse_roster(text, known_kps=set(), taken=lambda ids: set())
    assert rows == [] and [(p.column, p.reason, p.reason_zh) for p in problems] == [
        (column, english, chinese)
    ]
    assert not caplog.records  # every refusal of the domain has its code


def test_a_row_of_one_cell_is_one_cell() -> None:
    text = "student_id,name,password\nok1\nok2,Bo\n"
    _, problems = parse_roster(text, known_kps=set(), taken=lambda ids: set())
    assert [p.reason for p in problems] == [
        "1 cell where the header has 3",
        "2 cells where the header has 3",
    ]


def test_a_domain_refusal_without_a_code_is_still_said(caplog: pytest.LogCaptureFixture) -> None:
    from tutor.roster import _refusal

    def refuse() -> None:
        raise InputError("a rule the catalog does not know")

    problem = _refusal(4, "name", refuse, [("roster.name_empty", {})])
    assert problem is not None and problem.reason == "a rule the catalog does not know"
    assert "no roster message code" in caplog.text


def test_cli_imports_a_roster(tmp_path: Path, template_db: Path) -> None:
    db = tmp_path / "cli.db"
    db.write_bytes(template_db.read_bytes())
    setup = School(Engine(open_store(f"sqlite:///{db}", Settings(data_dir=tmp_path))))
    setup.add_teacher("t1", "Ms Li")
    setup.create_class("c1", "5A", "t1")
    setup.engine.store.close()
    env = {**os.environ, "TUTOR_STORE": f"sqlite:///{db}", "TUTOR_DATA_DIR": str(tmp_path)}
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_ROSTER, encoding="utf-8")
    out = run_cli(["class", "import-roster", "c1", str(bad), "--json"], env)
    assert out.returncode == 2 and "nothing was imported" in out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] is False and {p["line"] for p in report["problems"]} >= {4, 5, 6, 7}
    good = tmp_path / "good.csv"
    good.write_text(ROSTER, encoding="utf-8")
    out = run_cli(["class", "import-roster", "c1", str(good), "--json"], env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["added"] == ["r01", "r02"]


def test_an_empty_password_is_called_empty_not_short(school: School) -> None:
    li = teacher(school, "t1", "li-password")
    report = li.import_roster("c1", "student_id,name,password\nn1,Nia,\nn2,Nat,short\n")
    reasons = {p.line: (p.column, p.reason, p.reason_zh) for p in report.problems}
    assert reasons[2][0] == "password" and reasons[2][1].startswith("the password is empty")
    assert "密码是空的" in reasons[2][2]
    assert reasons[3][1] == "shorter than 8 characters"
