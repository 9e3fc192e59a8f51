"""Passwords, session tokens and the sign-in throttle: the rules, with no storage.

* **Passwords** are stored only as Argon2id hashes (``argon2-cffi``), with OWASP's
  recommended parameters (Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1;
  a 16-byte random salt, a 32-byte hash), in the standard PHC string
  (``$argon2id$v=19$m=19456,t=2,p=1$salt$hash``), which carries its own parameters.
  Hashes from before (``scrypt$n$r$p$salt$hash``, scrypt with n = 2^14, below OWASP's floor
  of 2^17) still verify; :func:`needs_rehash` says which stored hashes to replace, and the
  sign-in replaces them with an Argon2id hash of the password just checked.
* **Session tokens** are ``secrets.token_urlsafe(32)`` (256 random bits). The store keeps
  only their SHA-256 (:func:`token_hash`): a leaked database holds no usable token. A fast
  hash is enough here, unlike for passwords, because the token is random, not guessable.
* **The throttle** (:class:`ThrottlePolicy`) turns a count of recent failed sign-ins into a
  lock-out time that doubles with each further failure, up to a cap.

Nothing here logs a password, a hash or a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tutor.errors import InputError

__all__ = [
    "ARGON2_MEMORY_KIB",
    "ARGON2_PARALLELISM",
    "ARGON2_TIME_COST",
    "MAX_PASSWORD_LEN",
    "MIN_PASSWORD_LEN",
    "Role",
    "Session",
    "ThrottlePolicy",
    "check_password",
    "hash_password",
    "needs_rehash",
    "new_token",
    "token_hash",
    "verify_password",
]

#: Argon2id cost: OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about
#: 25 ms per hash on one laptop core, so 30 students signing in at once cost under a second.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
MIN_PASSWORD_LEN = 8
MAX_PASSWORD_LEN = 128
#: scrypt parameters we still accept from a stored (old) hash: a corrupt row must not make
#: us allocate GiBs.
_MAX_SCRYPT_N = 2**20

_HASHER = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)

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


def hash_password(password: str) -> str:
    """The Argon2id hash (PHC string) of ``password`` (checked against the rules first)."""
    check_password(password)
    return _HASHER.hash(password)


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the stored hash (Argon2id, or an old scrypt one).

    False for a malformed hash. Both comparisons are constant-time.
    """
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LEN:
        return False
    if encoded.startswith("$argon2id$"):
        try:
            return _HASHER.verify(encoded, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    if encoded.startswith("scrypt$"):
        return _verify_scrypt(password, encoded)
    return False


def needs_rehash(encoded: str) -> bool:
    """Whether a stored hash should be replaced at the next successful sign-in: an old
    scrypt hash, or an Argon2id one with other parameters than today's."""
    if not encoded.startswith("$argon2id$"):
        return True
    try:
        return _HASHER.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def _verify_scrypt(password: str, encoded: str) -> bool:
    """The check for hashes written before Argon2id (``scrypt$n$r$p$salt_b64$hash_b64``)."""
    parts = encoded.split("$")
    if len(parts) != 6:
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    if not (1 < n <= _MAX_SCRYPT_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16):
        return False
    if not expected:
        return False
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * 1024 * 1024,
        dklen=len(expected),
    )
    return hmac.compare_digest(digest, expected)


# -- session tokens ----------------------------------------------------------------------


def new_token() -> str:
    """A fresh random session token (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the store keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    """A signed-in user: the token the browser keeps, who it is, and when it expires."""

    token: str
    user_id: str
    role: Role
    name: str
    expires_at: float


# -- the sign-in throttle ----------------------------------------------------------------


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failed sign-ins are free, and how long a lock-out lasts after more.

    After ``free`` failures in a row (failures older than ``forget_after_s`` are forgotten),
    each further failure locks for ``first_lock_s`` × 2^(extra − 1), at most ``max_lock_s``.
    """

    free: int
    first_lock_s: float
    max_lock_s: float
    forget_after_s: float = 3600.0

    def lock_s(self, failures: int) -> float:
        """Seconds locked after ``failures`` failed sign-ins in a row (0: not locked)."""
        extra = failures - self.free
        if extra <= 0:
            return 0.0
        return min(self.max_lock_s, self.first_lock_s * 2.0 ** min(extra - 1, 30))


#: Per account: 5 free tries, then 30 s, 60 s, 120 s … up to 15 minutes. A classmate who
#: types wrong passwords on purpose can keep an account locked only for minutes at a time.
ACCOUNT_THROTTLE = ThrottlePolicy(free=5, first_lock_s=30.0, max_lock_s=900.0)
#: Per client (an address): more free tries (a class may share one address behind NAT).
CLIENT_THROTTLE = ThrottlePolicy(free=30, first_lock_s=30.0, max_lock_s=900.0)
