"""Who may do what: people, accounts and sessions (:class:`School`), and the facades the
app uses for a signed-in user.

A :class:`School` wraps one :class:`~tutor.engine.Engine` and owns what is about people:
teachers, classes, students, rosters, passwords, sign-in and the sessions. Sessions and the
sign-in throttle's counts live in the store (the ``Sessions`` role), so every app process
on one store sees the same sign-ins, a reload keeps one, and signing out or changing a
password ends it everywhere. Its
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
import hmac
import logging
import math
from functools import cached_property
from typing import TYPE_CHECKING, cast

from tutor.auth import (
    ACCOUNT_THROTTLE,
    CLIENT_THROTTLE,
    MAX_PASSWORD_LEN,
    Role,
    Session,
    ThrottlePolicy,
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    verify_password,
)
from tutor.domain import (
    Attempt,
    ClassGroup,
    MasteryState,
    SessionRecord,
    SignInFailures,
    StoredPath,
    Student,
    Teacher,
)
from tutor.engine import (
    ClassReport,
    Engine,
    ExplainOptions,
    Feedback,
    NextItem,
    Placement,
    PlacementTurn,
    Turn,
)
from tutor.errors import (
    AccessDenied,
    AuthError,
    InputError,
    NotFoundError,
    SessionExpired,
    SignInLocked,
)
from tutor.roster import MAX_ROSTER_BYTES, RosterReport, import_roster

if TYPE_CHECKING:
    from tutor.catalog import Catalog
    from tutor.designer import Designer as Designer
    from tutor.designer import MissingPrerequisite
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

#: Default session lifetime (sliding): a school day of no use ends a session.
SESSION_TTL_S = 8 * 3600.0
#: No session lives longer than this, used or not (a bookmark the next week signs in anew).
SESSION_MAX_S = 7 * 24 * 3600.0
#: A session's sliding expiry is written back at most this often (not on every click).
SESSION_TOUCH_S = 60.0
#: How long the single-use code that moves a sign-in into the browser's cookie lives.
HANDOFF_TTL_S = 60.0

_EXPIRED = "your session has ended (signed out or idle too long): please sign in again"


def _throttle_key(kind: str, value: str) -> str:
    # Hashed: people type passwords into the user-id box, and those must not be stored.
    return f"{kind}:{token_hash(value)[:40]}"


class School:
    """People, accounts and sessions over one engine (one per process, like the engine).

    Sessions are stored (by the SHA-256 of their token) and expire ``session_ttl_s``
    seconds after their last use, by the engine's clock, and at the latest
    :data:`SESSION_MAX_S` after sign-in. Failed sign-ins are counted per account and per
    client in the store and lock both out with a back-off (``account_throttle``,
    ``client_throttle``), across every process on the store.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        session_ttl_s: float = SESSION_TTL_S,
        account_throttle: ThrottlePolicy = ACCOUNT_THROTTLE,
        client_throttle: ThrottlePolicy = CLIENT_THROTTLE,
    ) -> None:
        if session_ttl_s <= 0:
            raise InputError(f"the session lifetime must be positive, not {session_ttl_s}")
        self.engine = engine
        self._ttl = session_ttl_s
        self._throttles = {"account": account_throttle, "client": client_throttle}

    @property
    def catalog(self) -> Catalog:
        """The curriculum and content, read-only (the same for every visitor)."""
        return self.engine.catalog

    @cached_property
    def designer(self) -> Designer:
        """The curriculum designer's questions and the domain maps (tutor.designer). Its
        class question takes class ids: teachers reach it through
        :meth:`TeacherAPI.missing_prerequisites`, which keeps them to their own classes."""
        from tutor.designer import Designer

        return Designer(self.engine.store)

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
        self.engine.store.end_sessions_of(user_id)

    @cached_property
    def _decoy_hash(self) -> str:
        # Verified against when the user id is unknown, so a wrong id costs as long as a
        # wrong password and the timing does not reveal which ids exist.
        return hash_password("decoy-password-never-matches")

    def sign_in(self, user_id: str, password: str, *, client: str = "") -> Session:
        """Check a user id and password; a new session, or AuthError (same for both faults).

        ``client`` names where the attempt comes from (an address) for the per-client
        throttle. While the account or the client is locked out the password is not even
        checked, and :class:`SignInLocked` says when to try again. A stored hash of an
        older kind (scrypt) is replaced by an Argon2id one of the password just checked.
        """
        refused = AuthError(
            "the user id or password is wrong: check both and try again "
            "(your teacher can reset a forgotten password)"
        )
        store = self.engine.store
        now = self.engine.clock()
        keys = [_throttle_key("account", user_id or "")]
        if client:
            keys.append(_throttle_key("client", client))
        self._refuse_if_locked(store.sign_in_failures(keys), now)
        stored = None
        if isinstance(password, str) and len(password) <= MAX_PASSWORD_LEN and user_id:
            stored = store.password_hash(user_id)
        role: Role | None = None
        name = ""
        if stored is None:
            verify_password(password if isinstance(password, str) else "", self._decoy_hash)
        elif verify_password(password, stored):
            role, name = self._role_of(user_id)
        if role is None:
            log.info("sign-in refused")
            counts = store.note_sign_in_failure(
                keys,
                now,
                forget_before=now - max(t.forget_after_s for t in self._throttles.values()),
            )
            self._refuse_if_locked(counts, now)
            raise refused
        store.clear_sign_in_failures(keys[0])
        assert stored is not None
        if needs_rehash(stored):
            # The password was just checked, so it can be hashed again at today's cost.
            try:
                store.set_password_hash(user_id, hash_password(password))
                log.info("password hash upgraded to Argon2id")
            except InputError as exc:  # an old password outside today's rules stays as is
                log.info("password hash not upgraded: %s", exc)
        log.info("sign-in accepted (%s)", role)
        store.prune_sessions(now)
        # Counts past every throttle's memory can go (unknown ids typed leave rows behind).
        store.prune_sign_in_failures(now - max(t.forget_after_s for t in self._throttles.values()))
        return self._open(user_id, role, name, now)

    def _refuse_if_locked(self, counts: list[SignInFailures], now: float) -> None:
        """Raise SignInLocked while any key's lock-out lasts (the longest one counts)."""
        wait = 0.0
        for count in counts:
            policy = self._throttles[count.key.split(":", 1)[0]]
            if count.last_at < now - policy.forget_after_s:
                continue
            wait = max(wait, count.last_at + policy.lock_s(count.failures) - now)
        if wait > 0:
            seconds = math.ceil(wait)
            log.info("sign-in locked for %d s", seconds)
            raise SignInLocked(
                f"too many failed sign-ins: wait {seconds} seconds, then try again "
                "(your teacher can reset a forgotten password)",
                retry_after_s=seconds,
            )

    def _open(self, user_id: str, role: Role, name: str, now: float) -> Session:
        token = new_token()
        expires = now + self._ttl
        record = SessionRecord(token_hash(token), user_id, role, name, now, expires)
        self.engine.store.open_session(record)
        return Session(token, user_id, role, name, expires)

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
        """End a session, in every process (harmless if it already ended)."""
        if token:
            self.engine.store.end_session(token_hash(token))

    def session(self, token: str) -> Session:
        """The live session for a token (its expiry slides forward); SessionExpired if not."""
        if not isinstance(token, str) or not token:
            raise SessionExpired(_EXPIRED)
        store = self.engine.store
        now = self.engine.clock()
        record = store.get_session(token_hash(token))
        if (
            record is None
            or record.kind != "session"
            or record.expires_at <= now
            or now - record.created_at >= SESSION_MAX_S
        ):
            raise SessionExpired(_EXPIRED)
        expires = min(now + self._ttl, record.created_at + SESSION_MAX_S)
        if expires - record.expires_at >= SESSION_TOUCH_S:
            store.touch_session(record.token_hash, expires)
        else:
            expires = record.expires_at
        return Session(token, record.user_id, cast("Role", record.role), record.name, expires)

    # -- handing a sign-in over to the browser's cookie ------------------------------------

    def hand_off(self, token: str, device: str) -> str:
        """A single-use code (valid :data:`HANDOFF_TTL_S` seconds) with which the browser
        holding the ``device`` cookie takes over the live session ``token``.

        The app signs in over its websocket, which cannot set a cookie; the browser then
        opens ``/auth/session?code=…`` and that HTTP response sets it
        (:meth:`redeem_hand_off`). The code is bound to the browser's device cookie, so
        a code sent to someone else's browser is worthless (no login CSRF).
        """
        session = self.session(token)
        if not device:
            raise InputError("the browser sent no device cookie: allow cookies for this site")
        now = self.engine.clock()
        code = new_token()
        record = SessionRecord(
            token_hash(code),
            session.user_id,
            session.role,
            session.name,
            now,
            now + HANDOFF_TTL_S,
            kind="handoff",
            device_hash=token_hash(device),
            parent_hash=token_hash(token),
        )
        self.engine.store.open_session(record)
        return code

    def redeem_hand_off(self, code: str, device: str) -> Session:
        """Consume a hand-off code from the browser that asked for it: a NEW session (a
        fresh token for the cookie; the one the app held ends, so no token is ever
        carried from before into the cookie). SessionExpired for a used, expired or
        foreign code."""
        store = self.engine.store
        now = self.engine.clock()
        record = store.get_session(token_hash(code)) if code else None
        if (
            record is None
            or record.kind != "handoff"
            or record.expires_at <= now
            or not device
            or not hmac.compare_digest(record.device_hash, token_hash(device))
        ):
            raise SessionExpired(_EXPIRED)
        if not store.end_session(record.token_hash):  # someone else consumed it first
            raise SessionExpired(_EXPIRED)
        parent = store.get_session(record.parent_hash)
        if parent is None or parent.expires_at <= now:  # signed out in between
            raise SessionExpired(_EXPIRED)
        store.end_session(record.parent_hash)
        return self._open(record.user_id, cast("Role", record.role), record.name, now)

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
    def user_id(self) -> str:
        """The signed-in person's id (checked against the session, like every call)."""
        return self._user_id

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

    def open_turn(self) -> NextItem | None:
        """The item whose tutoring turn the student left unfinished (a wrong first answer,
        the second try still to come), for a page opened anew; None when there is none."""
        return self._engine.open_turn(self._user_id)

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

    # the initial knowledge check (Engine.start_placement and friends)

    def needs_placement(self) -> bool:
        """Whether the own initial knowledge check should run now."""
        return self._engine.needs_placement(self._user_id)

    def start_placement(self, *, max_items: int | None = None) -> PlacementTurn:
        """Start (or restart) the own knowledge check; its first question."""
        return self._engine.start_placement(self._user_id, max_items=max_items)

    def placement_turn(self) -> PlacementTurn | None:
        """The open check's current question (None: no check open)."""
        return self._engine.placement_turn(self._user_id)

    def answer_placement(self, item_id: str, answer: str) -> PlacementTurn:
        """Answer the current question (no right/wrong feedback); the next or the result."""
        return self._engine.answer_placement(self._user_id, item_id, answer)

    def placement(self) -> Placement | None:
        """The own last finished placement."""
        return self._engine.placement(self._user_id)


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

    def missing_prerequisites(
        self, target: str, class_id: str | None = None
    ) -> list[MissingPrerequisite]:
        """Which prerequisites of ``target`` (a point or a domain) the diagnosis found
        missing in one own class, or in all of them (:meth:`Designer.missing_prerequisites`)."""
        if class_id is not None:
            classes = [self._own_class(class_id).id]
        else:
            classes = [c.id for c in self.classes()]
        if not classes:
            return []
        return self._school.designer.missing_prerequisites(target, classes)

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

    def needs_placement(self, student_id: str) -> bool:
        """Whether a student's knowledge check should run now (own classes only)."""
        self._own_student(student_id)
        return self._engine.needs_placement(student_id)

    def placement(self, student_id: str) -> Placement | None:
        """A student's last finished placement (own classes only)."""
        self._own_student(student_id)
        return self._engine.placement(student_id)

    def request_placement(self, student_id: str) -> None:
        """Ask for a re-check of a student's knowledge (own classes only)."""
        self._own_student(student_id)
        self._engine.request_placement(student_id)

    def student_needs_help(self, student_id: str) -> list[str]:
        """The points a student is stuck on: answered many times and still not mastered
        (own classes only; :meth:`tutor.engine.Engine.needs_help`)."""
        self._own_student(student_id)
        return self._engine.needs_help(student_id)

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
