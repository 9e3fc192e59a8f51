"""The ``Sessions`` role of the store contract (both engines): sessions by token hash,
expiry, revocation, and the sign-in throttle's counts — including from many threads."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.contract.test_learner_state import school
from tutor.auth import token_hash
from tutor.domain import SessionRecord, SignInFailures
from tutor.errors import InputError
from tutor.graph import GraphStore
from tutor.graph.protocol import Sessions


def record(token: str, user: str = "s1", *, at: float = 100.0, ttl: float = 60.0) -> SessionRecord:
    return SessionRecord(token_hash(token), user, "student", "Ann", at, at + ttl)


def test_both_engines_play_the_sessions_role(store: GraphStore) -> None:
    assert isinstance(store, Sessions)


def test_a_session_is_found_by_its_token_hash_only(store: GraphStore) -> None:
    school(store)
    a = record("token-a")
    store.open_session(a)
    assert store.get_session(a.token_hash) == a
    assert store.get_session(token_hash("token-b")) is None
    with pytest.raises(InputError, match="already in use"):
        store.open_session(a)
    handoff = replace(
        record("code-c", at=200.0, ttl=10.0),
        kind="handoff",
        device_hash=token_hash("device"),
        parent_hash=a.token_hash,
    )
    store.open_session(handoff)
    assert store.get_session(handoff.token_hash) == handoff


def test_sessions_slide_end_and_prune(store: GraphStore) -> None:
    school(store)
    a, b, c = record("a", "t1", at=0.0, ttl=10.0), record("b", "t1"), record("c", "s1")
    for r in (a, b, c):
        store.open_session(r)
    store.touch_session(b.token_hash, 500.0)
    got = store.get_session(b.token_hash)
    assert got is not None and got.expires_at == 500.0
    store.touch_session(token_hash("gone"), 1.0)  # no error: signed out meanwhile
    assert store.end_session(c.token_hash) is True
    assert store.end_session(c.token_hash) is False  # only one caller consumes it
    assert store.get_session(c.token_hash) is None
    assert store.prune_sessions(now=50.0) == 1  # a expired at 10
    assert store.get_session(a.token_hash) is None
    store.open_session(record("d", "t1"))
    assert store.end_sessions_of("t1") == 2  # b and d: a password change ends them all
    assert store.get_session(b.token_hash) is None


def test_deleting_a_class_ends_its_students_sessions(store: GraphStore) -> None:
    school(store)
    store.open_session(record("s1-token", "s1"))
    store.open_session(replace(record("t1-token", "t1"), role="teacher"))
    store.delete_class("c1")
    assert store.get_session(token_hash("s1-token")) is None
    assert store.get_session(token_hash("t1-token")) is not None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"token_hash": "not-a-sha256"}, "SHA-256"),
        ({"kind": "cookie"}, "kind"),
        ({"role": "admin"}, "role"),
        ({"expires_at": 1.0}, "expires after"),
    ],
)
def test_bad_session_records_are_refused(
    store: GraphStore, bad: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        store.open_session(replace(record("x"), **bad))  # type: ignore[arg-type]


def test_failed_sign_ins_count_per_key_and_are_forgotten(store: GraphStore) -> None:
    keys = ["account:aaa", "client:bbb"]
    assert store.sign_in_failures(keys) == [
        SignInFailures("account:aaa", 0, 0.0),
        SignInFailures("client:bbb", 0, 0.0),
    ]
    store.note_sign_in_failure(keys, 10.0, forget_before=0.0)
    got = store.note_sign_in_failure(keys[:1], 20.0, forget_before=0.0)
    assert got == [SignInFailures("account:aaa", 2, 20.0)]
    assert store.sign_in_failures(keys) == [
        SignInFailures("account:aaa", 2, 20.0),
        SignInFailures("client:bbb", 1, 10.0),
    ]
    # A last failure older than forget_before starts the count again.
    assert store.note_sign_in_failure(keys[1:], 5000.0, forget_before=1000.0) == [
        SignInFailures("client:bbb", 1, 5000.0)
    ]
    store.clear_sign_in_failures("account:aaa")
    assert store.sign_in_failures(keys[:1]) == [SignInFailures("account:aaa", 0, 0.0)]
    with pytest.raises(InputError, match="throttle key"):
        store.sign_in_failures([""])
    # Counts whose last failure is old enough are pruned; newer ones stay.
    assert store.prune_sign_in_failures(before=100.0) == 0
    assert store.prune_sign_in_failures(before=6000.0) == 1
    assert store.sign_in_failures(keys[1:]) == [SignInFailures("client:bbb", 0, 0.0)]


def test_concurrent_failures_are_all_counted(store: GraphStore) -> None:
    threads, each = 8, 5

    def work() -> None:
        for n in range(each):
            store.note_sign_in_failure(["account:race"], 100.0 + n, forget_before=0.0)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert store.sign_in_failures(["account:race"])[0].failures == threads * each
