"""Password hashing (scrypt) and in-memory sessions."""

from __future__ import annotations

import threading

import pytest

from tutor.auth import SessionTable, check_password, hash_password, verify_password
from tutor.errors import InputError, SessionExpired


def test_a_hash_verifies_its_password_only() -> None:
    encoded = hash_password("purple-monkey-dishwasher")
    assert encoded.startswith("scrypt$16384$8$1$")
    assert "purple" not in encoded
    assert verify_password("purple-monkey-dishwasher", encoded)
    assert not verify_password("purple-monkey-dishwasheR", encoded)
    assert not verify_password("", encoded)


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


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_slide_and_expire() -> None:
    clock = FakeClock()
    table = SessionTable(ttl_s=60, clock=clock)
    session = table.open("s1", "student", "Ann")
    assert session.expires_at == 1_060.0 and len(session.token) >= 40
    clock.now += 50
    assert table.get(session.token).expires_at == 1_110.0  # used: expiry slides
    clock.now += 50
    assert table.get(session.token).user_id == "s1"  # still inside the slid window
    clock.now += 61
    with pytest.raises(SessionExpired, match="sign in again"):
        table.get(session.token)
    with pytest.raises(SessionExpired):  # and it stays gone
        table.get(session.token)


def test_sign_out_and_unknown_tokens() -> None:
    table = SessionTable(ttl_s=60, clock=FakeClock())
    a = table.open("t1", "teacher", "Ms Li")
    b = table.open("t1", "teacher", "Ms Li")
    c = table.open("s1", "student", "Ann")
    assert a.token != b.token
    table.close(a.token)
    table.close(a.token)  # twice is harmless
    with pytest.raises(SessionExpired):
        table.get(a.token)
    with pytest.raises(SessionExpired):
        table.get("made-up-token")
    table.close_user("t1")
    with pytest.raises(SessionExpired):
        table.get(b.token)
    assert table.get(c.token).user_id == "s1"


def test_expired_sessions_are_pruned_when_new_ones_open() -> None:
    clock = FakeClock()
    table = SessionTable(ttl_s=10, clock=clock)
    for n in range(5):
        table.open(f"s{n}", "student", "X")
    clock.now += 11
    table.open("s9", "student", "X")
    assert len(table) == 1


def test_sessions_are_thread_safe() -> None:
    table = SessionTable(ttl_s=600)
    tokens: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        for n in range(200):
            token = table.open(f"s{n}", "student", "X").token
            table.get(token)
            with lock:
                tokens.append(token)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(tokens)) == 800 and len(table) == 800


def test_a_session_lifetime_must_be_positive() -> None:
    with pytest.raises(InputError, match="positive"):
        SessionTable(ttl_s=0)
