"""Who may do what: people, accounts and sessions (:class:`School`), and the facades the
app uses for a signed-in user.

A :class:`School` wraps one :class:`~tutor.engine.Engine` and owns what is about people:
teachers, classes, students, rosters, passwords, sign-in and the sessions (which live in the
School's memory, so a process keeps one School, as it keeps one engine). Its
:meth:`School.as_user` gives a :class:`StudentAPI` or a :class:`TeacherAPI` bound to a
session token. Every facade method first checks the session (it may have expired or been
signed out: :class:`~tutor.errors.SessionExpired`), then what the user may reach:

* a student reaches only their own data — the facade has no way to name anyone else;
* a teacher reaches only their own classes and the students in them; asking for anything
  else raises :class:`~tutor.errors.AccessDenied` with the same message whether the thing
  exists or not (so a teacher cannot probe for other classes' students).

Engine-level methods (``engine.submit(student_id, …)``, ``engine.store``) and the School's
own methods stay for the CLI and the operator; the app calls only the facades for user data.
This module imports the engine; the engine never imports it.
"""

from __future__ import annotations

import contextlib
import logging
from functools import cached_property
from typing import TYPE_CHECKING

from tutor.auth import MAX_PASSWORD_LEN, Role, Session, SessionTable, hash_password, verify_password
from tutor.domain import Attempt, ClassGroup, MasteryState, StoredPath, Student, Teacher
from tutor.engine import ClassReport, Engine, ExplainOptions, Feedback, NextItem, Turn
from tutor.errors import AccessDenied, AuthError, NotFoundError
from tutor.roster import MAX_ROSTER_BYTES, RosterReport, import_roster

if TYPE_CHECKING:
    from tutor.catalog import Catalog
    from tutor.engine import Explanation, ExplanationStream, Grade, Language

__all__ = [
    "MAX_ROSTER_BYTES",
    "SESSION_TTL_S",
    "ExplainOptions",
    "RosterReport",
    "School",
    "StudentAPI",
    "TeacherAPI",
]

log = logging.getLogger(__name__)

#: Default session lifetime (sliding): a school day.
SESSION_TTL_S = 8 * 3600.0


class School:
    """People, accounts and sessions over one engine (one per process, like the engine).

    Sessions live in this object's memory and expire ``session_ttl_s`` seconds after
    their last use, by the engine's clock.
    """

    def __init__(self, engine: Engine, *, session_ttl_s: float = SESSION_TTL_S) -> None:
        self.engine = engine
        self._sessions = SessionTable(ttl_s=session_ttl_s, clock=engine.clock)

    @property
    def catalog(self) -> Catalog:
        """The curriculum and content, read-only (the same for every visitor)."""
        return self.engine.catalog

    # -- people ------------------------------------------------------------------------

    def add_teacher(self, teacher_id: str, name: str) -> Teacher:
        """Create a teacher account record."""
        teacher = Teacher(teacher_id, name)
        self.engine.store.add_teacher(teacher)
        return teacher

    def create_class(self, class_id: str, name: str, teacher_id: str) -> ClassGroup:
        """Create a class taught by an existing teacher."""
        group = ClassGroup(class_id, name, teacher_id)
        self.engine.store.add_class(group)
        return group

    def add_student(
        self, student_id: str, name: str, class_id: str | None = None, goal: str | None = None
    ) -> Student:
        """Add a student, optionally to a class and with a goal knowledge point."""
        student = Student(student_id, name, class_id, goal)
        self.engine.store.add_student(student)
        return student

    def add_student_with_password(
        self,
        student_id: str,
        name: str,
        class_id: str | None,
        password: str,
        goal: str | None = None,
    ) -> Student:
        """Add a student who can sign in: the student and the password hash in one write.

        The password is checked against the rules before anything is written.
        """
        student = Student(student_id, name, class_id, goal)
        digest = hash_password(password)
        self.engine.store.add_students([student], {student_id: digest})
        return student

    def set_goal(self, student_id: str, kp_id: str | None) -> Student:
        """Assign a goal knowledge point to a student (None clears it)."""
        return self.engine.store.set_goal(student_id, kp_id)

    def set_class_goal(self, class_id: str, kp_id: str) -> list[Student]:
        """Assign a goal to every student of a class."""
        store = self.engine.store
        store.get_class(class_id)
        store.get_node(kp_id)
        return [store.set_goal(s.id, kp_id) for s in store.list_students(class_id)]

    def import_roster(self, class_id: str, csv_text: str) -> RosterReport:
        """Add a class's students from CSV text (see :func:`tutor.roster.import_roster`)."""
        return import_roster(self.engine.store, class_id, csv_text)

    # -- accounts and sessions -----------------------------------------------------------

    def set_password(self, user_id: str, password: str) -> None:
        """Set the password of an existing teacher or student (only its KDF hash is stored).

        Every session of that user ends (they sign in again with the new password).
        """
        self.engine.store.set_password_hash(user_id, hash_password(password))
        self._sessions.close_user(user_id)

    @cached_property
    def _decoy_hash(self) -> str:
        # Verified against when the user id is unknown, so a wrong id costs as long as a
        # wrong password and the timing does not reveal which ids exist.
        return hash_password("decoy-password-never-matches")

    def sign_in(self, user_id: str, password: str) -> Session:
        """Check a user id and password; a new session, or AuthError (same for both faults)."""
        refused = AuthError(
            "the user id or password is wrong: check both and try again "
            "(your teacher can reset a forgotten password)"
        )
        if not isinstance(password, str) or len(password) > MAX_PASSWORD_LEN:
            raise refused
        stored = self.engine.store.password_hash(user_id) if user_id else None
        if stored is None:
            verify_password(password, self._decoy_hash)
            log.info("sign-in refused")
            raise refused
        if not verify_password(password, stored):
            log.info("sign-in refused")
            raise refused
        role, name = self._role_of(user_id)
        if role is None:
            raise refused
        log.info("sign-in accepted (%s)", role)
        return self._sessions.open(user_id, role, name)

    def _role_of(self, user_id: str) -> tuple[Role | None, str]:
        found: list[tuple[Role, str]] = []
        with contextlib.suppress(NotFoundError):
            found.append(("teacher", self.engine.store.get_teacher(user_id).name))
        with contextlib.suppress(NotFoundError):
            found.append(("student", self.engine.store.get_student(user_id).name))
        if len(found) != 1:
            return None, ""
        return found[0]

    def sign_out(self, token: str) -> None:
        """End a session (harmless if it already ended)."""
        self._sessions.close(token)

    def session(self, token: str) -> Session:
        """The live session for a token (its expiry slides forward); SessionExpired if not."""
        return self._sessions.get(token)

    def as_user(self, token: str) -> StudentAPI | TeacherAPI:
        """The facade for the signed-in user: every method checks what they may see."""
        session = self.session(token)
        if session.role == "teacher":
            return TeacherAPI(self, token)
        return StudentAPI(self, token)


class _Facade:
    """What both facades share: the engine, the token, and the session check."""

    def __init__(self, school: School, token: str) -> None:
        self._school = school
        self._engine = school.engine
        self._token = token

    @property
    def _user_id(self) -> str:
        # Every call goes through the session: an expired or signed-out token stops here.
        return self._school.session(self._token).user_id

    @property
    def catalog(self) -> Catalog:
        """The curriculum and content, read-only (the same for every user)."""
        return self._engine.catalog


class StudentAPI(_Facade):
    """A signed-in student: only their own practice, mastery, path and attempts."""

    @property
    def me(self) -> Student:
        """The signed-in student."""
        return self._engine.store.get_student(self._user_id)

    def next_item(self) -> NextItem:
        """The next item, with the reason it was chosen."""
        return self._engine.next_item(self._user_id)

    def submit(self, item_id: str, answer: str, working: str | None = None) -> Feedback:
        """Answer an item (checked, diagnosed, recorded, path revised)."""
        return self._engine.submit(self._user_id, item_id, answer, working=working)

    def path(self) -> StoredPath:
        """The current learning path and why."""
        return self._engine.path(self._user_id)

    def mastery(self) -> dict[str, MasteryState]:
        """Mastery by knowledge point."""
        return self._engine.store.mastery(self._user_id)

    def attempts(self, limit: int | None = None) -> list[Attempt]:
        """Own attempts, oldest first (the last ``limit`` with a limit)."""
        return self._engine.store.attempts(self._user_id, limit=limit)

    def explain(
        self,
        item_id: str,
        answer: str | None = None,
        options: ExplainOptions | None = None,
        *,
        template: bool = False,
    ) -> Explanation:
        """An explanation, hint, feedback or why for an item
        (``tutor.llm.explain.Explanation``); ``template``: the template's wording, at once."""
        return self._engine.explain(self._user_id, item_id, answer, options, template=template)

    def words_with_model(self, language: Language) -> bool:
        """Whether a language model words texts in ``language`` (then pages show the
        template first and the model's wording when it is ready)."""
        return self._engine.words_with_model(language)

    def turn(self, item_id: str) -> Turn:
        """Where own tutoring turn on an item stands (see :mod:`tutor.turns`)."""
        return self._engine.turn(self._user_id, item_id)

    def hint(self, item_id: str) -> Turn:
        """The next rung of the hint ladder after a wrong first answer (recorded)."""
        return self._engine.hint(self._user_id, item_id)

    def show_solution(self, item_id: str) -> Turn:
        """The worked solution after a wrong first answer (recorded; ends the turn)."""
        return self._engine.show_solution(self._user_id, item_id)

    def explain_stream(
        self, item_id: str, answer: str | None = None, options: ExplainOptions | None = None
    ) -> ExplanationStream:
        """The explanation streamed (``tutor.llm.explain.ExplanationStream``)."""
        return self._engine.explain_stream(self._user_id, item_id, answer, options)

    def grade(self, item_id: str, reasoning: str, final_answer: str | None = None) -> Grade:
        """Grade own free-text reasoning (``tutor.llm.grading.Grade``)."""
        return self._engine.grade(self._user_id, item_id, reasoning, final_answer=final_answer)


def _denied(what: str) -> AccessDenied:
    return AccessDenied(f"you can't see that: {what}; you can open only your own classes")


class TeacherAPI(_Facade):
    """A signed-in teacher: only their own classes and the students in them."""

    @property
    def me(self) -> Teacher:
        """The signed-in teacher."""
        return self._engine.store.get_teacher(self._user_id)

    def classes(self) -> list[ClassGroup]:
        """Own classes, sorted by id."""
        return self._engine.store.list_classes(self._user_id)

    def _own_class(self, class_id: str) -> ClassGroup:
        teacher = self._user_id
        try:
            group = self._engine.store.get_class(class_id)
        except NotFoundError:
            group = None
        if group is None or group.teacher_id != teacher:
            raise _denied(f"class {class_id!r} is not one of your classes")
        return group

    def _own_student(self, student_id: str) -> Student:
        teacher = self._user_id
        try:
            student = self._engine.store.get_student(student_id)
            group = (
                self._engine.store.get_class(student.class_id)
                if student.class_id is not None
                else None
            )
        except NotFoundError:
            group = None
        if group is None or group.teacher_id != teacher:
            raise _denied(f"student {student_id!r} is not in one of your classes")
        return student

    def create_class(self, class_id: str, name: str) -> ClassGroup:
        """Create a class taught by the signed-in teacher."""
        return self._school.create_class(class_id, name, self._user_id)

    def add_student(
        self, student_id: str, name: str, class_id: str, password: str, goal: str | None = None
    ) -> Student:
        """Add a student who can sign in to one of the own classes."""
        self._own_class(class_id)
        return self._school.add_student_with_password(student_id, name, class_id, password, goal)

    def import_roster(self, class_id: str, csv_text: str) -> RosterReport:
        """Add students to an own class from CSV text (see :func:`tutor.roster.parse_roster`)."""
        self._own_class(class_id)
        return self._school.import_roster(class_id, csv_text)

    def students(self, class_id: str) -> list[Student]:
        """The students of an own class, sorted by id."""
        self._own_class(class_id)
        return self._engine.store.list_students(class_id)

    def student_attempts(self, student_id: str, limit: int | None = None) -> list[Attempt]:
        """A student's attempts (own classes only), oldest first."""
        self._own_student(student_id)
        return self._engine.store.attempts(student_id, limit=limit)

    def student_mastery(self, student_id: str) -> dict[str, MasteryState]:
        """A student's mastery (own classes only)."""
        self._own_student(student_id)
        return self._engine.store.mastery(student_id)

    def student_path(self, student_id: str) -> StoredPath:
        """A student's learning path and why (own classes only)."""
        self._own_student(student_id)
        return self._engine.path(student_id)

    def set_goal(self, student_id: str, kp_id: str) -> Student:
        """Set a student's goal (own classes only)."""
        self._own_student(student_id)
        return self._school.set_goal(student_id, kp_id)

    def set_class_goal(self, class_id: str, kp_id: str) -> list[Student]:
        """Set the goal of every student of an own class."""
        self._own_class(class_id)
        return self._school.set_class_goal(class_id, kp_id)

    def class_report(self, class_id: str) -> ClassReport:
        """The diagnostics of an own class."""
        self._own_class(class_id)
        return self._engine.class_report(class_id)

    def export_class_csv(self, class_id: str) -> str:
        """An own class's attempts as CSV text."""
        self._own_class(class_id)
        return self._engine.export_class_csv(class_id)
