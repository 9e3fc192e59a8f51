"""Sign-in, sessions and access control through the school's facades; roster import."""

from __future__ import annotations

import contextlib
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


# -- sessions in the store, the throttle, Argon2id ----------------------------------------

#: A real hash written by kptutor before Argon2id (scrypt, n = 2^14, by the old
#: ``tutor.auth.hash_password`` at commit 7496ad7) of the password "old-scrypt-password".
OLD_SCRYPT_HASH = (
    "scrypt$16384$8$1$32i/k5MrO7u4/HpJ1qbp7A==$z00oWJty4A8LUKAj2je+pRIfby46QUDenxwABrH1dr8="
)


def test_an_old_scrypt_hash_is_upgraded_at_the_next_sign_in(school: School) -> None:
    store = school.engine.store
    store.set_password_hash("t2", OLD_SCRYPT_HASH)
    with pytest.raises(AuthError):  # a wrong password upgrades nothing
        school.sign_in("t2", "not-the-old-password")
    assert store.password_hash("t2") == OLD_SCRYPT_HASH
    assert school.sign_in("t2", "old-scrypt-password").role == "teacher"
    upgraded = store.password_hash("t2")
    assert upgraded is not None and upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert school.sign_in("t2", "old-scrypt-password").user_id == "t2"  # still the password
    assert store.password_hash("t2") == upgraded  # and not hashed again


def test_a_second_school_on_the_same_store_sees_the_session(
    store: GraphStore, clock: FakeClock
) -> None:
    """Two app processes: each has its own School and engine over one store."""
    first = make_school(store, clock)
    second = School(Engine(store, clock=clock), session_ttl_s=600)
    token = first.sign_in("s1", "ann-password").token
    assert second.session(token).user_id == "s1"
    api = second.as_user(token)
    assert isinstance(api, StudentAPI) and api.me.id == "s1"
    first.sign_out(token)  # signing out in one process ends it in the other
    with pytest.raises(SessionExpired):
        second.session(token)
    token = first.sign_in("s1", "ann-password").token
    second.set_password("s1", "ann-new-password")  # so does a password change
    with pytest.raises(SessionExpired):
        first.session(token)


def test_the_store_keeps_no_token(school: School) -> None:
    from tutor.auth import token_hash

    token = school.sign_in("s1", "ann-password").token
    record = school.engine.store.get_session(token_hash(token))
    assert record is not None and token not in repr(record)
    assert school.engine.store.get_session(token) is None  # the token itself finds nothing


def test_no_session_outlives_its_maximum_age(school: School, clock: FakeClock) -> None:
    from tutor.access import SESSION_MAX_S

    token = school.sign_in("s1", "ann-password").token
    for _ in range(int(SESSION_MAX_S // 500) + 1):
        clock.now += 500  # used all the time, so never idle for long
        with contextlib.suppress(SessionExpired):
            school.session(token)
    with pytest.raises(SessionExpired):
        school.session(token)


def test_failed_sign_ins_lock_the_account_with_back_off(school: School, clock: FakeClock) -> None:
    from tutor.errors import SignInLocked

    for _ in range(5):  # five free tries
        with pytest.raises(AuthError) as info:
            school.sign_in("s1", "wrong-password")
        assert not isinstance(info.value, SignInLocked)
    with pytest.raises(SignInLocked) as locked:
        school.sign_in("s1", "wrong-password")
    assert locked.value.retry_after_s == 30
    message = str(locked.value)
    assert (
        "30 seconds" in message and "password is wrong" not in message and "user id" not in message
    )
    # While locked even the right password is refused, without being checked.
    with pytest.raises(SignInLocked):
        school.sign_in("s1", "ann-password")
    # Another account is not locked (the client was given no address here).
    assert school.sign_in("s2", "bo-password").user_id == "s2"
    clock.now += 31
    with pytest.raises(SignInLocked) as locked:  # the next failure doubles the wait
        school.sign_in("s1", "wrong-password")
    assert locked.value.retry_after_s == 60
    clock.now += 61
    assert school.sign_in("s1", "ann-password").user_id == "s1"
    # A success clears the account's count: five free tries again.
    for _ in range(5):
        with pytest.raises(AuthError) as info:
            school.sign_in("s1", "wrong-password")
        assert not isinstance(info.value, SignInLocked)


def test_unknown_ids_are_locked_like_real_ones(school: School) -> None:
    """The lock-out must not tell which user ids exist."""
    from tutor.errors import SignInLocked

    for user in ("s1", "nobody"):
        for _ in range(5):
            with pytest.raises(AuthError):
                school.sign_in(user, "wrong-password")
        with pytest.raises(SignInLocked) as info:
            school.sign_in(user, "wrong-password")
        assert info.value.retry_after_s == 30


def test_one_client_trying_many_accounts_is_locked(store: GraphStore, clock: FakeClock) -> None:
    from tutor.auth import ThrottlePolicy
    from tutor.errors import SignInLocked

    policy = ThrottlePolicy(free=3, first_lock_s=45.0, max_lock_s=900.0)
    school = School(make_school(store, clock).engine, client_throttle=policy)
    for n in range(3):  # three different accounts, one address
        with pytest.raises(AuthError):
            school.sign_in(f"guess-{n}", "wrong-password", client="203.0.113.7")
    with pytest.raises(SignInLocked) as info:
        school.sign_in("s1", "wrong-password", client="203.0.113.7")
    assert info.value.retry_after_s == 45
    with pytest.raises(SignInLocked):  # the right password too, from that address
        school.sign_in("s1", "ann-password", client="203.0.113.7")
    # Another address is not locked, and the throttle holds across processes (schools).
    other = School(Engine(store, clock=clock), client_throttle=policy)
    assert other.sign_in("s1", "ann-password", client="198.51.100.2").user_id == "s1"
    with pytest.raises(SignInLocked):
        other.sign_in("s2", "bo-password", client="203.0.113.7")


def test_a_hand_off_moves_the_session_to_the_browser_once(school: School) -> None:
    first = school.sign_in("s1", "ann-password")
    code = school.hand_off(first.token, device="browser-1")
    with pytest.raises(SessionExpired):  # another browser's device cookie: worthless
        school.redeem_hand_off(code, device="browser-2")
    cookie = school.redeem_hand_off(code, device="browser-1")
    assert cookie.user_id == "s1" and cookie.token not in (first.token, code)
    with pytest.raises(SessionExpired):  # single use
        school.redeem_hand_off(code, device="browser-1")
    with pytest.raises(SessionExpired):  # the app's token was rotated away
        school.session(first.token)
    with pytest.raises(SessionExpired):  # a code is not a session
        school.session(code)
    assert school.session(cookie.token).user_id == "s1"


def test_a_hand_off_expires_and_dies_with_its_session(school: School, clock: FakeClock) -> None:
    from tutor.access import HANDOFF_TTL_S

    token = school.sign_in("s1", "ann-password").token
    code = school.hand_off(token, device="d")
    clock.now += HANDOFF_TTL_S + 1
    with pytest.raises(SessionExpired):
        school.redeem_hand_off(code, device="d")
    code = school.hand_off(token, device="d")
    school.sign_out(token)  # signed out before the browser came back
    with pytest.raises(SessionExpired):
        school.redeem_hand_off(code, device="d")
    with pytest.raises(InputError, match="cookie"):
        school.hand_off(school.sign_in("s1", "ann-password").token, device="")
