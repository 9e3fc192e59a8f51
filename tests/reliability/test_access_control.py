"""Who may see what, on both store engines: a student reaches only their own attempts,
mastery and path and no teacher data; a teacher only their own classes; passwords exist
only as KDF hashes. (The unit suite, tests/unit/test_access.py, covers sessions, expiry and
logging in depth on the embedded store; tests/unit/test_app.py covers the app's pages.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tutor.access import School, StudentAPI, TeacherAPI
from tutor.content.bank import default_content_bank
from tutor.content.curricula import default_curriculum
from tutor.engine import Engine
from tutor.errors import AccessDenied, AuthError
from tutor.graph import GraphStore

GOAL = "fractions.add_unlike"


def test_access_is_enforced_by_the_engine(store: GraphStore) -> None:
    store.load_curriculum(default_curriculum())
    store.load_content(default_content_bank())
    engine = Engine(store)
    school = School(engine)
    school.add_teacher("t1", "Ms Li")
    school.add_teacher("t2", "Mr Wang")
    school.create_class("c1", "5A", "t1")
    school.create_class("c2", "5B", "t2")
    school.add_student_with_password("s1", "Ann", "c1", "ann-password", GOAL)
    school.add_student_with_password("s3", "Cy", "c2", "cy-password", GOAL)
    school.set_password("t1", "li-password")

    # Cy answers once, so there is something of his to protect.
    cy = school.as_user(school.sign_in("s3", "cy-password").token)
    assert isinstance(cy, StudentAPI)
    item = cy.next_item().item
    assert item is not None
    assert cy.submit(item.item_id, "12345").recorded

    ann = school.as_user(school.sign_in("s1", "ann-password").token)
    assert isinstance(ann, StudentAPI)
    assert ann.attempts() == [] and ann.me.id == "s1"
    # A student's facade has no way to name another student or reach teacher data.
    for name in (
        "students",
        "class_report",
        "student_attempts",
        "student_mastery",
        "student_path",
        "export_class_csv",
        "attempts_of",
        "set_class_goal",
    ):
        assert not hasattr(ann, name), name
    # A student cannot sign in as the teacher, nor use a made-up session.
    with pytest.raises(AuthError):
        school.sign_in("t1", "ann-password")
    with pytest.raises(AuthError):
        school.as_user("not-a-session-token")

    li = school.as_user(school.sign_in("t1", "li-password").token)
    assert isinstance(li, TeacherAPI)
    assert [c.id for c in li.classes()] == ["c1"]
    refused: list[Callable[[], object]] = [
        lambda: li.students("c2"),
        lambda: li.class_report("c2"),
        lambda: li.export_class_csv("c2"),
        lambda: li.student_attempts("s3"),
        lambda: li.student_mastery("s3"),
        lambda: li.student_path("s3"),
        lambda: li.set_goal("s3", GOAL),
    ]
    for action in refused:
        with pytest.raises(AccessDenied):
            action()
    assert len(store.attempts("s3")) == 1  # untouched

    # Only KDF hashes are stored.
    for person, password in (("s1", "ann-password"), ("t1", "li-password")):
        stored = store.password_hash(person)
        assert stored is not None and stored.startswith("$argon2id$") and password not in stored
