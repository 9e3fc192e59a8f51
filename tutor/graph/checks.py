"""The store's input checks and its "not found" / "taken" errors, in one place for both
engines, so the same bad input gets the same message from each.

Two kinds of check:

* **Argument checks** need nothing stored: ids and names of new people, depths, limits,
  a curriculum's or a roster's own consistency, the shape of a password hash.
  :class:`ArgumentChecks` holds one static method per store method that has such a check,
  with that method's signature; :func:`checked_inputs` (a class decorator on each engine)
  runs it before the engine's method, so no engine checks its arguments by hand and a
  failed check never reaches the database.
* **Checks against the stored data** (the goal is a stored point, the class exists, the
  id is not taken) run inside each engine's transaction, so they are the engine's own
  queries; the errors they raise come from the functions below (:func:`no_point`,
  :func:`no_student`, :func:`id_taken`, :func:`attempt_conflict`, …), so the messages
  agree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

from tutor.domain import (
    HINT_LEVELS,
    ClassGroup,
    Curriculum,
    SessionRecord,
    Student,
    Teacher,
    check_name,
    check_password_hash,
    check_person_id,
    check_roster,
    validate_curriculum,
)
from tutor.errors import InputError, NotFoundError, StoreConflict

__all__ = [
    "ArgumentChecks",
    "attempt_conflict",
    "check_depth",
    "check_limit",
    "checked_inputs",
    "first_missing",
    "id_taken",
    "no_attempt",
    "no_class",
    "no_point",
    "no_problem",
    "no_standard",
    "no_student",
    "no_teacher",
    "retry_taken",
]

# -- argument checks -----------------------------------------------------------------------


def check_limit(limit: int | None) -> None:
    """A row limit (``attempts``, ``problems``, ``learner_state``'s ``recent``): None or 0+."""
    if limit is not None and limit < 0:
        raise InputError(f"limit must be 0 or more, not {limit}")


def check_depth(depth: int | None) -> None:
    """A traversal depth: None (unbounded) or 1 or more hops."""
    if depth is not None and depth < 1:
        raise InputError(f"depth must be 1 or more, not {depth}")


def _check_new(kind: str, entity_id: str, name: str) -> None:
    check_person_id(kind, entity_id)
    check_name(kind, name)


class ArgumentChecks:
    """One check per store method that takes arguments worth checking before any I/O.

    Each has the signature of the :class:`~tutor.graph.protocol.GraphStore` method of
    the same name (without ``self``), so :func:`checked_inputs` can pass the call's
    arguments through unchanged. A method not named here has no argument check.
    """

    @staticmethod
    def load_curriculum(curriculum: Curriculum) -> None:
        """The curriculum is valid on its own (ids, edges, acyclic, …)."""
        validate_curriculum(curriculum)

    @staticmethod
    def prerequisites(kp_id: str, depth: int | None = None) -> None:
        """The depth is 1 or more."""
        check_depth(depth)

    @staticmethod
    def dependents(kp_id: str, depth: int | None = None) -> None:
        """The depth is 1 or more."""
        check_depth(depth)

    @staticmethod
    def problems(
        *, kp_id: str | None = None, source: str | None = None, limit: int | None = None
    ) -> None:
        """The limit is 0 or more."""
        check_limit(limit)

    @staticmethod
    def add_teacher(teacher: Teacher) -> None:
        """A usable id and name."""
        _check_new("teacher", teacher.id, teacher.name)

    @staticmethod
    def add_class(group: ClassGroup) -> None:
        """A usable id and name."""
        _check_new("class", group.id, group.name)

    @staticmethod
    def add_student(student: Student) -> None:
        """A usable id and name."""
        _check_new("student", student.id, student.name)

    @staticmethod
    def add_students(
        students: Sequence[Student], password_hashes: Mapping[str, str] | None = None
    ) -> None:
        """Every id and name usable, no duplicates, hashes only for these students."""
        check_roster(students, dict(password_hashes or {}))

    @staticmethod
    def set_password_hash(person_id: str, password_hash: str) -> None:
        """An encoded KDF hash, never a password."""
        check_password_hash(password_hash)

    @staticmethod
    def attempts(student_id: str, *, limit: int | None = None) -> None:
        """The limit is 0 or more."""
        check_limit(limit)

    @staticmethod
    def record_turn(
        student_id: str,
        seq: int,
        *,
        hint: int | None = None,
        retry: tuple[str, str] | None = None,
        solution_shown: bool = False,
    ) -> None:
        """An attempt number 1 or more; a hint level on the ladder."""
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise InputError(f"an attempt number is 1 or more, not {seq!r}")
        if hint is not None and (
            isinstance(hint, bool) or not isinstance(hint, int) or not 1 <= hint <= HINT_LEVELS
        ):
            raise InputError(f"a hint level is 1 to {HINT_LEVELS}, not {hint!r}")
        if retry is not None and (
            len(retry) != 2 or not all(isinstance(part, str) for part in retry)
        ):
            raise InputError("a retry is the second answer and its verdict, two strings")

    @staticmethod
    def learner_state(student_id: str, *, recent: int = 0) -> None:
        """``recent`` is 0 or more (said as a limit, as both engines always did)."""
        check_limit(recent)


def _checks() -> dict[str, Callable[..., None]]:
    return {
        name: value.__func__
        for name, value in vars(ArgumentChecks).items()
        if isinstance(value, staticmethod)
    }


S = TypeVar("S")


def checked_inputs(cls: type[S]) -> type[S]:
    """Class decorator: run :class:`ArgumentChecks` before each engine method it names.

    Every named method must be defined by ``cls`` itself (a misspelt or missing method is
    a :class:`TypeError` at import, not a silently unchecked input).
    """
    for name, check in _checks().items():
        method = cls.__dict__.get(name)
        if not callable(method):
            raise TypeError(f"{cls.__name__} has no method {name!r} to check the inputs of")
        setattr(cls, name, _guarded(method, check))
    return cls


def _guarded(method: Callable[..., Any], check: Callable[..., None]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: object, *args: Any, **kwargs: Any) -> Any:
        check(*args, **kwargs)
        return method(self, *args, **kwargs)

    return guarded


# -- errors for what the stored data says --------------------------------------------------


def no_point(kp_id: str, url: str) -> NotFoundError:
    """No knowledge point ``kp_id`` in the store at ``url``."""
    return NotFoundError(
        f"no knowledge point {kp_id!r} in {url}; list them with `tutor graph list`"
    )


def no_standard(standard_id: str, url: str) -> NotFoundError:
    """No standard ``standard_id``."""
    return NotFoundError(f"no standard {standard_id!r} in {url}")


def no_problem(problem_id: str, url: str) -> NotFoundError:
    """No imported problem ``problem_id``."""
    return NotFoundError(
        f"no imported problem {problem_id!r} in {url}; "
        "import them with `tutor content import oatutor`"
    )


def no_teacher(teacher_id: str, url: str) -> NotFoundError:
    """No teacher ``teacher_id``."""
    return NotFoundError(f"no teacher {teacher_id!r} in {url}; add one with `tutor teacher add`")


def no_class(class_id: str, url: str) -> NotFoundError:
    """No class ``class_id``."""
    return NotFoundError(f"no class {class_id!r} in {url}; create it with `tutor class create`")


def no_student(student_id: str, url: str) -> NotFoundError:
    """No student ``student_id``."""
    return NotFoundError(
        f"no student {student_id!r} in {url}; add students with `tutor student add`"
    )


def id_taken(kind: str, key: str, url: str) -> InputError:
    """A ``kind`` (teacher, class, student) with id ``key`` is stored already."""
    return InputError(f"a {kind} with id {key!r} already exists in {url}")


def first_missing(wanted: Collection[str], found: Collection[str]) -> str | None:
    """The smallest id of ``wanted`` that is not in ``found`` (None: all there); both
    engines report the first missing point in this order."""
    missing = sorted(set(wanted) - set(found))
    return missing[0] if missing else None


def attempt_conflict(student_id: str, expected_seq: int, latest_seq: int) -> StoreConflict:
    """The error both engines raise when ``record_attempt``'s ``expected_seq`` is stale."""
    return StoreConflict(
        f"another answer of student {student_id!r} was saved at the same time (attempt "
        f"{latest_seq}, not {expected_seq}); nothing was saved — submit the answer again"
    )


# -- sessions and the sign-in throttle (both engines) --------------------------------------

_SESSION_KINDS = ("session", "handoff")
#: The longest throttle key (``account:<id>`` or ``client:<address>``) a store accepts.
MAX_THROTTLE_KEY_LEN = 300


def check_session_record(record: SessionRecord) -> None:
    """A session record a store may keep: a SHA-256 hex token hash, a known kind, times."""
    if len(record.token_hash) != 64 or not all(c in "0123456789abcdef" for c in record.token_hash):
        raise InputError("a session is stored by the SHA-256 of its token (tutor.auth.token_hash)")
    if record.kind not in _SESSION_KINDS:
        raise InputError(f"a session's kind is one of {_SESSION_KINDS}, not {record.kind!r}")
    if record.role not in ("teacher", "student"):
        raise InputError(f"a session's role is teacher or student, not {record.role!r}")
    if not record.user_id or record.expires_at < record.created_at:
        raise InputError("a session names its user and expires after it was opened")


def check_throttle_keys(keys: Sequence[str]) -> None:
    """Throttle keys are short, non-empty text."""
    for key in keys:
        if not isinstance(key, str) or not key or len(key) > MAX_THROTTLE_KEY_LEN:
            raise InputError(
                f"a sign-in throttle key is text of 1 to {MAX_THROTTLE_KEY_LEN} characters"
            )


def placement_conflict(student_id: str, expected: int, latest: int) -> StoreConflict:
    """A placement write computed from an older version of the student's check."""
    return StoreConflict(
        f"the knowledge check of student {student_id!r} changed meanwhile (version "
        f"{latest}, expected {expected}); nothing was written — read it again"
    )


def no_attempt(student_id: str, seq: int, url: str) -> NotFoundError:
    """Student ``student_id`` has no attempt number ``seq``."""
    return NotFoundError(f"student {student_id!r} has no attempt {seq} in {url}")


def retry_taken(student_id: str, seq: int) -> StoreConflict:
    """The error both engines raise when a second try is recorded twice for one attempt."""
    return StoreConflict(
        f"attempt {seq} of student {student_id!r} has its second try already; "
        "nothing was saved — each problem has one second try"
    )
