"""Schema 2 of the embedded store (sessions, sign-in throttle): a database written before
it (schema 1) opens, keeps everything it had, and gains the new tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tutor.access import School
from tutor.domain import ClassGroup, Student, Teacher
from tutor.engine import Engine
from tutor.graph.sqlite_store import SCHEMA_VERSION, SqliteStore

#: The scrypt hash kptutor wrote before Argon2id, of "old-scrypt-password".
OLD_SCRYPT_HASH = (
    "scrypt$16384$8$1$32i/k5MrO7u4/HpJ1qbp7A==$z00oWJty4A8LUKAj2je+pRIfby46QUDenxwABrH1dr8="
)


def _schema_1_database(path: Path) -> None:
    """A database as schema 1 left it: no session tables, version 1, an old scrypt hash."""
    store = SqliteStore(path)
    store.add_teacher(Teacher("t1", "Ms Li"))
    store.add_class(ClassGroup("c1", "5A", "t1"))
    store.add_students([Student("s1", "Ann", "c1")], {"s1": OLD_SCRYPT_HASH})
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE session")
        conn.execute("DROP TABLE sign_in_failure")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    return {r[0] for r in rows}


def test_a_schema_1_database_opens_and_gains_sessions(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _schema_1_database(db)
    assert "session" not in _tables(db)
    store = SqliteStore(db)
    try:
        assert SCHEMA_VERSION == 2
        version = (
            store._conn()
            .execute("SELECT value FROM meta WHERE key = 'schema_version'")
            .fetchone()[0]
        )
        assert version == "2"
        assert {"session", "sign_in_failure"} <= _tables(db)
        # Everything that was there is still readable, and the old hash still signs in.
        assert store.get_student("s1").name == "Ann"
        assert store.password_hash("s1") == OLD_SCRYPT_HASH
        school = School(Engine(store))
        session = school.sign_in("s1", "old-scrypt-password")
        assert school.session(session.token).user_id == "s1"
        upgraded = store.password_hash("s1")
        assert upgraded is not None and upgraded.startswith("$argon2id$")
    finally:
        store.close()
    # Opening it again changes nothing more.
    SqliteStore(db).close()
    assert {"session", "sign_in_failure"} <= _tables(db)
