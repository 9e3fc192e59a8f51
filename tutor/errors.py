"""The exception hierarchy of kptutor.

Every error the library raises on purpose derives from :class:`TutorError`.
Messages are written for the person at the keyboard: they say what was wrong
and what to do about it, in one line.
"""

from __future__ import annotations

from collections.abc import Mapping


class TutorError(Exception):
    """Root of all kptutor errors."""


class InputError(TutorError):
    """The caller gave input we refuse (bad file, bad id, bad answer...).

    Raising it guarantees that nothing was written.
    """


class CodedInputError(InputError):
    """Bad input whose words for a person come from the message catalog: ``code`` and
    ``params`` render in any language (:func:`tutor.i18n.render`); ``str()`` is for logs.

    Layers below the engine raise it with a code, never a finished sentence (the answer
    checker's :class:`~tutor.content.answers.UnreadableAnswer` is one); a page shows it in
    its own language without knowing where it came from.
    """

    def __init__(self, code: str, params: Mapping[str, object] | None = None) -> None:
        self.code = code
        self.params: Mapping[str, object] = dict(params or {})
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        super().__init__(f"{code} ({shown})" if shown else code)


class NotFoundError(InputError):
    """A named thing (knowledge point, student, item) does not exist."""


class CurriculumError(InputError):
    """A curriculum (nodes and edges) is not valid: duplicates, unknown ids, cycles."""


class ContentError(InputError):
    """Content (item families, misconceptions, imported problems) does not fit the curriculum."""


class StoreError(TutorError):
    """The store failed in a way that is not the caller's fault."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (server down, wrong password, unreadable file)."""


class StoreConflict(StoreError):
    """A write lost a race: the state it was computed from changed before it was saved.

    Raised by ``record_attempt(..., expected_seq=n)`` when the student's latest attempt is
    no longer number ``n`` (another answer of the same student was saved in between).
    Nothing was written; the caller re-reads the state and tries again.
    """


class StoreBusy(StoreError):
    """The store did not answer in time: a transaction ran past its timeout, no connection
    to the server was free, or a passing failure outlasted the retries.

    Nothing was written; the same request can simply be tried again (the app asks the
    student to, in their language).
    """


class MissingDependency(TutorError):
    """An optional dependency is needed for this feature and is not installed."""


class AccessDenied(TutorError):
    """The signed-in user may not see or change this (another student, another class…).

    The message starts with "you can't see that:" and says what to do instead.
    """


class AuthError(TutorError):
    """Signing in failed: the user id or the password is wrong (one message for both, so
    nobody can find out which user ids exist), or the session is not valid."""


class SessionExpired(AuthError):
    """The session timed out or was signed out: sign in again."""


class SignInLocked(AuthError):
    """Too many failed sign-ins for this account or from this client: wait, then try
    again. ``retry_after_s`` says how long; the message never says which part was wrong."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
