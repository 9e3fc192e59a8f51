"""Password hashing (Argon2id at OWASP's parameters; old scrypt hashes still verify), session
tokens and the throttle's back-off."""

from __future__ import annotations

import pytest

from tutor.auth import (
    ACCOUNT_THROTTLE,
    ThrottlePolicy,
    check_password,
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    verify_password,
)
from tutor.errors import InputError

#: Written by the scrypt ``hash_password`` kptutor had before (commit 7496ad7).
OLD_SCRYPT_HASH = (
    "scrypt$16384$8$1$32i/k5MrO7u4/HpJ1qbp7A==$z00oWJty4A8LUKAj2je+pRIfby46QUDenxwABrH1dr8="
)


def test_a_hash_is_argon2id_at_owasp_parameters_and_verifies_its_password_only() -> None:
    encoded = hash_password("purple-monkey-dishwasher")
    # OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "purple" not in encoded
    assert verify_password("purple-monkey-dishwasher", encoded)
    assert not verify_password("purple-monkey-dishwasheR", encoded)
    assert not verify_password("", encoded)
    assert not needs_rehash(encoded)


def test_an_old_scrypt_hash_verifies_and_asks_for_a_rehash() -> None:
    assert verify_password("old-scrypt-password", OLD_SCRYPT_HASH)
    assert not verify_password("old-scrypt-passworD", OLD_SCRYPT_HASH)
    assert needs_rehash(OLD_SCRYPT_HASH)
    # An Argon2id hash of weaker parameters is upgraded too.
    weak = "$argon2id$v=19$m=8192,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$" + "A" * 43
    assert needs_rehash(weak)


def test_the_same_password_gets_a_new_salt_each_time() -> None:
    a, b = hash_password("same-password"), hash_password("same-password")
    assert a != b and a.split("$")[4] != b.split("$")[4]
    assert verify_password("same-password", a) and verify_password("same-password", b)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "plain-text-password",
        "bcrypt$1$2$3$AAAA$AAAA",
        "$argon2id$v=19$m=19456,t=2,p=1$bm90YmFzZTY0!$AAAA",
        "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$" + "A" * 43,  # not Argon2id
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$1000$8$1$AAAA$AAAA",  # n not a power of two
        "scrypt$1073741824$8$1$AAAA$AAAA",  # n too large to be ours
        "scrypt$16384$8$1$AAAA$",
    ],
)
def test_malformed_hashes_never_verify(encoded: str) -> None:
    assert not verify_password("anything-at-all", encoded)


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "too short"), ("x" * 129, "too long"), ("        ", "only spaces")],
)
def test_password_rules(password: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_password(password)
    with pytest.raises(InputError, match=message):
        hash_password(password)


def test_password_rule_edges_are_accepted() -> None:
    check_password("x" * 8)
    check_password("密" * 128)


def test_tokens_are_random_and_stored_only_as_a_hash() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000 and all(len(t) >= 43 for t in tokens)
    token = next(iter(tokens))
    digest = token_hash(token)
    assert len(digest) == 64 and token not in digest and digest == token_hash(token)


def test_the_back_off_doubles_up_to_a_cap() -> None:
    policy = ThrottlePolicy(free=5, first_lock_s=30.0, max_lock_s=900.0)
    assert [policy.lock_s(n) for n in range(1, 12)] == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900]
    assert policy.lock_s(10_000) == 900.0
    assert ACCOUNT_THROTTLE.free == 5 and ACCOUNT_THROTTLE.max_lock_s == 900.0
