"""Sign-in, sessions and access control through the school's facades; roster import."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest

from tutor.access import School, StudentAPI, TeacherAPI
from tutor.engine import Engine
from tutor.errors import AccessDenied, AuthError, InputError, SessionExpired
from tutor.graph import GraphStore

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
def school(store: GraphStore, clock: FakeClock) -> School:
    return make_school(store, clock)


def make_school(store: GraphStore, clock: FakeClock) -> School:
    """Two teachers with a class each; Ann and Bo in Ms Li's class, Cy in Mr Wang's."""
    e = School(Engine(store, clock=clock), session_ttl_s=600)
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


def student(school: School, sid: str, password: str) -> StudentAPI:
    api = school.as_user(school.sign_in(sid, password).token)
    assert isinstance(api, StudentAPI)
    return api


def teacher(school: School, tid: str, password: str) -> TeacherAPI:
    api = school.as_user(school.sign_in(tid, password).token)
    assert isinstance(api, TeacherAPI)
    return api


def test_sign_in_gives_the_right_role(school: School) -> None:
    session = school.sign_in("s1", "ann-password")
    assert (session.user_id, session.role, session.name) == ("s1", "student", "Ann")
    assert school.session(session.token).user_id == "s1"
    li = teacher(school, "t1", "li-password")
    assert li.me.name == "Ms Li"
    assert student(school, "s1", "ann-password").me.name == "Ann"


def test_wrong_user_and_wrong_password_get_the_same_message(school: School) -> None:
    messages = set()
    for user, password in [
        ("s1", "wrong-password"),
        ("nobody", "ann-password"),
        ("s1", ""),
        ("s1", "x" * 10_000),
        ("", "ann-password"),
    ]:
        with pytest.raises(AuthError) as info:
            school.sign_in(user, password)
        assert not isinstance(info.value, SessionExpired)
        messages.add(str(info.value))
    assert len(messages) == 1
    school.add_student("s4", "Di", "c1", GOAL)  # a student without a password
    with pytest.raises(AuthError, match="user id or password is wrong"):
        school.sign_in("s4", "")


def test_sessions_expire_after_idle_time_and_on_sign_out(school: School, clock: FakeClock) -> None:
    token = school.sign_in("s1", "ann-password").token
    api = school.as_user(token)
    assert isinstance(api, StudentAPI)
    clock.now += 500
    api.mastery()  # used within the ttl: the expiry slides
    clock.now += 500
    assert api.me.id == "s1"
    clock.now += 601
    with pytest.raises(SessionExpired, match="sign in again"):
        api.mastery()
    with pytest.raises(SessionExpired):
        school.as_user(token)
    other = school.sign_in("s2", "bo-password").token
    school.sign_out(other)
    with pytest.raises(SessionExpired):
        school.session(other)


def test_a_new_password_ends_old_sessions(school: School) -> None:
    token = school.sign_in("s1", "ann-password").token
    school.set_password("s1", "ann-new-password")
    with pytest.raises(SessionExpired):
        school.session(token)
    with pytest.raises(AuthError):
        school.sign_in("s1", "ann-password")
    assert school.sign_in("s1", "ann-new-password").user_id == "s1"


def test_a_student_sees_and_does_only_their_own_work(school: School) -> None:
    ann = student(school, "s1", "ann-password")
    nxt = ann.next_item()
    assert nxt.item is not None
    fb = ann.submit(nxt.item.item_id, nxt.item.answer)
    assert fb.recorded and fb.path is not None
    assert [a.student_id for a in ann.attempts()] == ["s1"]
    assert school.engine.store.attempts("s2") == []
    assert ann.path().goal == GOAL
    assert set(ann.mastery()) == set(school.engine.store.mastery("s1"))
    # The facade has no method that names another student, and no teacher methods.
    for name in ("students", "class_report", "student_attempts", "export_class_csv"):
        assert not hasattr(ann, name)


def test_a_teacher_reaches_only_their_own_classes(school: School) -> None:
    li = teacher(school, "t1", "li-password")
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
    assert school.engine.store.get_student("s3").goal == GOAL
    assert [s.id for s in school.engine.store.list_students("c2")] == ["s3"]
    # A missing student and another teacher's student are refused alike.
    assert len({m for m in messages if "student" in m}) == 1


def test_a_teacher_manages_their_classes(school: School) -> None:
    li = teacher(school, "t1", "li-password")
    li.create_class("c3", "6A")
    li.add_student("s9", "Ed", "c3", "ed-password", goal=GOAL)
    assert [c.id for c in li.classes()] == ["c1", "c3"]
    assert student(school, "s9", "ed-password").me.class_id == "c3"
    assert [s.goal for s in li.set_class_goal("c3", "fractions.add_like")] == ["fractions.add_like"]
    with pytest.raises(InputError, match="too short"):
        li.add_student("s10", "Flo", "c3", "short")
    assert [s.id for s in li.students("c3")] == ["s9"]


ROSTER = """student_id,name,password,goal
r01,Lily Zhang 张莉,lily-password,fractions.add_like
r02,"Tom O'Neil, Jr",tom-password,
"""


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


def test_nothing_personal_reaches_the_log(school: School, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tutor")
    school.sign_in("s1", "ann-password")
    with pytest.raises(AuthError):
        school.sign_in("s2", "not-bo-password")
    school.import_roster("c1", ROSTER)
    school.import_roster("c1", BAD_ROSTER)
    ann = student(school, "s1", "ann-password")
    nxt = ann.next_item()
    assert nxt.item is not None
    ann.submit(nxt.item.item_id, "12345")
    text = caplog.text
    assert "sign-in" in text  # the events are logged…
    for personal in ("ann-password", "not-bo-password", "Ann", "Lily", "lily-password", "12345"):
        assert personal not in text  # … without names, passwords or answers
