"""Sign-in, sessions and access control through the engine's facades; roster import."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.factories import run_cli
from tutor.access import StudentAPI, TeacherAPI
from tutor.engine import Engine
from tutor.errors import AccessDenied, AuthError, InputError, NotFoundError, SessionExpired
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings

GOAL = "fractions.add_unlike"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(store: GraphStore, clock: FakeClock) -> Engine:
    """Two teachers with a class each; Ann and Bo in Ms Li's class, Cy in Mr Wang's."""
    e = Engine(store, clock=clock, session_ttl_s=600)
    e.add_teacher("t1", "Ms Li")
    e.add_teacher("t2", "Mr Wang")
    e.create_class("c1", "5A", "t1")
    e.create_class("c2", "5B", "t2")
    e.add_student_with_password("s1", "Ann", "c1", "ann-password", GOAL)
    e.add_student_with_password("s2", "Bo", "c1", "bo-password", GOAL)
    e.add_student_with_password("s3", "Cy", "c2", "cy-password", GOAL)
    e.set_password("t1", "li-password")
    e.set_password("t2", "wang-password")
    return e


def student(engine: Engine, sid: str, password: str) -> StudentAPI:
    api = engine.as_user(engine.sign_in(sid, password).token)
    assert isinstance(api, StudentAPI)
    return api


def teacher(engine: Engine, tid: str, password: str) -> TeacherAPI:
    api = engine.as_user(engine.sign_in(tid, password).token)
    assert isinstance(api, TeacherAPI)
    return api


def test_sign_in_gives_the_right_role(engine: Engine) -> None:
    session = engine.sign_in("s1", "ann-password")
    assert (session.user_id, session.role, session.name) == ("s1", "student", "Ann")
    assert engine.session(session.token).user_id == "s1"
    li = teacher(engine, "t1", "li-password")
    assert li.me.name == "Ms Li"
    assert student(engine, "s1", "ann-password").me.name == "Ann"


def test_wrong_user_and_wrong_password_get_the_same_message(engine: Engine) -> None:
    messages = set()
    for user, password in [
        ("s1", "wrong-password"),
        ("nobody", "ann-password"),
        ("s1", ""),
        ("s1", "x" * 10_000),
        ("", "ann-password"),
    ]:
        with pytest.raises(AuthError) as info:
            engine.sign_in(user, password)
        assert not isinstance(info.value, SessionExpired)
        messages.add(str(info.value))
    assert len(messages) == 1
    engine.add_student("s4", "Di", "c1", GOAL)  # a student without a password
    with pytest.raises(AuthError, match="user id or password is wrong"):
        engine.sign_in("s4", "")


def test_sessions_expire_after_idle_time_and_on_sign_out(engine: Engine, clock: FakeClock) -> None:
    token = engine.sign_in("s1", "ann-password").token
    api = engine.as_user(token)
    assert isinstance(api, StudentAPI)
    clock.now += 500
    api.mastery()  # used within the ttl: the expiry slides
    clock.now += 500
    assert api.me.id == "s1"
    clock.now += 601
    with pytest.raises(SessionExpired, match="sign in again"):
        api.mastery()
    with pytest.raises(SessionExpired):
        engine.as_user(token)
    other = engine.sign_in("s2", "bo-password").token
    engine.sign_out(other)
    with pytest.raises(SessionExpired):
        engine.session(other)


def test_a_new_password_ends_old_sessions(engine: Engine) -> None:
    token = engine.sign_in("s1", "ann-password").token
    engine.set_password("s1", "ann-new-password")
    with pytest.raises(SessionExpired):
        engine.session(token)
    with pytest.raises(AuthError):
        engine.sign_in("s1", "ann-password")
    assert engine.sign_in("s1", "ann-new-password").user_id == "s1"


def test_a_student_sees_and_does_only_their_own_work(engine: Engine) -> None:
    ann = student(engine, "s1", "ann-password")
    nxt = ann.next_item()
    assert nxt.item is not None
    fb = ann.submit(nxt.item.item_id, nxt.item.answer)
    assert fb.recorded and fb.path is not None
    assert [a.student_id for a in ann.attempts()] == ["s1"]
    assert engine.store.attempts("s2") == []
    assert ann.path().goal == GOAL
    assert set(ann.mastery()) == set(engine.store.mastery("s1"))
    # The facade has no method that names another student, and no teacher methods.
    for name in ("students", "class_report", "student_attempts", "export_class_csv"):
        assert not hasattr(ann, name)


def test_a_teacher_reaches_only_their_own_classes(engine: Engine) -> None:
    li = teacher(engine, "t1", "li-password")
    assert [c.id for c in li.classes()] == ["c1"]
    assert [s.id for s in li.students("c1")] == ["s1", "s2"]
    assert li.student_attempts("s1") == []
    assert li.student_path("s2").goal == GOAL
    assert li.class_report("c1").students == ["s1", "s2"]
    assert li.export_class_csv("c1").startswith("student_id,")
    refused: list[Callable[[], object]] = [
        lambda: li.students("c2"),
        lambda: li.class_report("c2"),
        lambda: li.export_class_csv("c2"),
        lambda: li.student_attempts("s3"),
        lambda: li.student_mastery("s3"),
        lambda: li.student_path("s3"),
        lambda: li.set_goal("s3", GOAL),
        lambda: li.set_class_goal("c2", GOAL),
        lambda: li.import_roster("c2", "student_id,name,password\nx1,X,password1\n"),
        lambda: li.add_student("s9", "Ed", "c2", "ed-password"),
        lambda: li.student_attempts("no-such-student"),
        lambda: li.students("no-such-class"),
    ]
    messages = set()
    for action in refused:
        with pytest.raises(AccessDenied, match="you can't see that") as info:
            action()
        messages.add(re.sub(r"'[^']*'", "'X'", str(info.value)))
    # Nothing changed for Mr Wang's class.
    assert engine.store.get_student("s3").goal == GOAL
    assert [s.id for s in engine.store.list_students("c2")] == ["s3"]
    # A missing student and another teacher's student are refused alike.
    assert len({m for m in messages if "student" in m}) == 1


def test_a_teacher_manages_their_classes(engine: Engine) -> None:
    li = teacher(engine, "t1", "li-password")
    li.create_class("c3", "6A")
    li.add_student("s9", "Ed", "c3", "ed-password", goal=GOAL)
    assert [c.id for c in li.classes()] == ["c1", "c3"]
    assert student(engine, "s9", "ed-password").me.class_id == "c3"
    assert [s.goal for s in li.set_class_goal("c3", "fractions.add_like")] == ["fractions.add_like"]
    with pytest.raises(InputError, match="too short"):
        li.add_student("s10", "Flo", "c3", "short")
    assert [s.id for s in li.students("c3")] == ["s9"]


ROSTER = """student_id,name,password,goal
r01,Lily Zhang 张莉,lily-password,fractions.add_like
r02,"Tom O'Neil, Jr",tom-password,
"""


def test_a_roster_is_imported_whole(engine: Engine) -> None:
    li = teacher(engine, "t1", "li-password")
    report = li.import_roster("c1", "\ufeff" + ROSTER)
    assert report.ok and report.added == ["r01", "r02"]
    assert engine.store.get_student("r02").name == "Tom O'Neil, Jr"
    assert engine.store.get_student("r01").goal == "fractions.add_like"
    assert student(engine, "r01", "lily-password").me.class_id == "c1"


BAD_ROSTER = """student_id,name,password,goal
ok1,Fine Name,fine-password,
s1,Taken Id,taken-password,
bad id!,Bad Id,bad-password,
ok2,,empty-name-pw,
ok3,Short Password,short,
ok4,Unknown Goal,goal-password,no.such.point
ok1,Duplicate,dup-password,
ok5,Too,Many,Cells,Here
"""


def test_a_bad_roster_writes_nothing_and_names_every_bad_row(engine: Engine) -> None:
    li = teacher(engine, "t1", "li-password")
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
    assert [s.id for s in engine.store.list_students("c1")] == ["s1", "s2"]
    with pytest.raises(NotFoundError):
        engine.store.get_student("ok1")


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
def test_broken_roster_files_are_refused_clearly(engine: Engine, text: str, reason: str) -> None:
    report = engine.import_roster("c1", text)
    assert not report.ok and any(reason in p.reason for p in report.problems), report
    assert all(p.reason_zh for p in report.problems)
    assert [s.id for s in engine.store.list_students("c1")] == ["s1", "s2"]


def test_nothing_personal_reaches_the_log(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tutor")
    engine.sign_in("s1", "ann-password")
    with pytest.raises(AuthError):
        engine.sign_in("s2", "not-bo-password")
    engine.import_roster("c1", ROSTER)
    engine.import_roster("c1", BAD_ROSTER)
    ann = student(engine, "s1", "ann-password")
    nxt = ann.next_item()
    assert nxt.item is not None
    ann.submit(nxt.item.item_id, "12345")
    text = caplog.text
    assert "sign-in" in text  # the events are logged…
    for personal in ("ann-password", "not-bo-password", "Ann", "Lily", "lily-password", "12345"):
        assert personal not in text  # … without names, passwords or answers


def test_cli_imports_a_roster(tmp_path: Path, template_db: Path) -> None:
    db = tmp_path / "cli.db"
    db.write_bytes(template_db.read_bytes())
    setup = Engine(open_store(f"sqlite:///{db}", Settings(data_dir=tmp_path)))
    setup.add_teacher("t1", "Ms Li")
    setup.create_class("c1", "5A", "t1")
    setup.store.close()
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
