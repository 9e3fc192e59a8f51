"""Passwords and sessions: who is signed in.

* Passwords are stored only as scrypt hashes (``hashlib.scrypt``, a memory-hard KDF from
  the standard library) with a random 16-byte salt, encoded as
  ``scrypt$n$r$p$salt_b64$hash_b64`` so the cost can be raised later without breaking
  stored hashes. Verification recomputes the hash with the stored parameters and compares
  in constant time.
* Sessions live in the memory of the engine's process (:class:`SessionTable`): a random
  token (``secrets.token_urlsafe(32)``) maps to a :class:`Session`; each use slides the
  expiry forward; the clock is injectable so tests can expire sessions.

Nothing here logs a password, a hash or a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from tutor.errors import InputError, SessionExpired

__all__ = [
    "MAX_PASSWORD_LEN",
    "MIN_PASSWORD_LEN",
    "Role",
    "Session",
    "SessionTable",
    "check_password",
    "hash_password",
    "verify_password",
]

#: scrypt cost: n=2**14, r=8 uses 16 MiB and about 50 ms per hash on a laptop core —
#: slow enough to make guessing expensive, fast enough to sign a class in.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LEN = 8
MAX_PASSWORD_LEN = 128
#: Parameters we accept from a stored hash (a corrupt row must not make us allocate GiBs).
_MAX_N = 2**20

Role = Literal["teacher", "student"]


def check_password(password: str) -> None:
    """Refuse a password outside the rules (8–128 characters, not only spaces)."""
    if not isinstance(password, str):
        raise InputError("the password must be text")
    if len(password) < MIN_PASSWORD_LEN:
        raise InputError(f"the password is too short: use at least {MIN_PASSWORD_LEN} characters")
    if len(password) > MAX_PASSWORD_LEN:
        raise InputError(f"the password is too long: use at most {MAX_PASSWORD_LEN} characters")
    if not password.strip():
        raise InputError("the password is only spaces: choose one with letters or digits")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * 1024 * 1024,
        dklen=length,
    )


def hash_password(password: str) -> str:
    """The encoded scrypt hash of ``password`` (checked against the rules first)."""
    check_password(password)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the encoded hash (False for a malformed hash).

    The comparison is constant-time (``hmac.compare_digest``).
    """
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16):
        return False
    if not expected or len(password) > MAX_PASSWORD_LEN:
        return False
    digest = _scrypt(password, salt, n, r, p, len(expected))
    return hmac.compare_digest(digest, expected)


@dataclass(frozen=True)
class Session:
    """A signed-in user: the token the app keeps, who it is, and when it expires."""

    token: str
    user_id: str
    role: Role
    name: str
    expires_at: float


class SessionTable:
    """Sessions in memory, by token (thread-safe; sliding expiry of ``ttl_s`` seconds)."""

    def __init__(self, *, ttl_s: float, clock: Callable[[], float] = time.time) -> None:
        if ttl_s <= 0:
            raise InputError(f"the session lifetime must be positive, not {ttl_s}")
        self._ttl = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    def open(self, user_id: str, role: Role, name: str) -> Session:
        """Start a session for a user whose password was just checked."""
        token = secrets.token_urlsafe(32)
        session = Session(token, user_id, role, name, self._clock() + self._ttl)
        with self._lock:
            self._prune()
            self._sessions[token] = session
        return session

    def get(self, token: str) -> Session:
        """The live session for ``token``, its expiry moved forward; else SessionExpired."""
        now = self._clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None or session.expires_at <= now:
                self._sessions.pop(token, None)
                raise SessionExpired(
                    "your session has ended (signed out or idle too long): please sign in again"
                )
            session = replace(session, expires_at=now + self._ttl)
            self._sessions[token] = session
            return session

    def close(self, token: str) -> None:
        """End a session (signing out twice is harmless)."""
        with self._lock:
            self._sessions.pop(token, None)

    def close_user(self, user_id: str) -> None:
        """End every session of one user (after a password change)."""
        with self._lock:
            for token in [t for t, s in self._sessions.items() if s.user_id == user_id]:
                del self._sessions[token]

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def _prune(self) -> None:
        """Drop expired sessions (called under the lock when a session opens)."""
        now = self._clock()
        for token in [t for t, s in self._sessions.items() if s.expires_at <= now]:
            del self._sessions[token]
