"""Whole-store backup and restore of the embedded (SQLite) engine.

The backup is taken *online* with SQLite's backup API (``sqlite3.Connection.backup``) in
one step: it reads inside one read transaction, so the copy is a consistent snapshot even
while the app keeps writing (WAL mode lets writers go on meanwhile). The copy is written
to a temporary file beside the target, converted to a self-contained rollback-journal
file, checked (``PRAGMA integrity_check`` and the kptutor tables) and only then renamed
into place, so a failed backup never leaves a half file. The backup file is readable by
its owner only: it holds password hashes.

A restore checks the file the same way *before* touching the store, copies it into a
temporary file beside the store and renames it over the store atomically; anything that
is not a sound kptutor database is refused and the store is left exactly as it was.

For Neo4j (or between engines), copy classes with :mod:`tutor.class_export`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from tutor.errors import InputError, StoreError
from tutor.graph.files import fsync_dir, temp_beside
from tutor.graph.sqlite_store import SCHEMA_VERSION, SqliteStore

__all__ = [
    "BackupReport",
    "RestoreReport",
    "backup_sqlite",
    "check_backup_file",
    "restore_sqlite",
]

log = logging.getLogger(__name__)


#: The first 16 bytes of every SQLite 3 database file.
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
#: Tables whose presence makes a SQLite file a kptutor store (the learner state must be
#: there: a restore that loses it would lose students' work).
_CORE_TABLES: Final = (
    "meta",
    "knowledge_point",
    "kp_requires",
    "teacher",
    "class",
    "student",
    "attempt",
    "mastery",
)
#: Tables whose row counts the reports show.
_COUNTED: Final = ("knowledge_point", "teacher", "class", "student", "attempt", "mastery")
#: How long a restore waits for the store's other users before saying it is in use.
_LOCK_WAIT_S: Final = 2.0


@dataclass(frozen=True)
class BackupReport:
    """What ``tutor backup`` wrote."""

    store: str
    file: str
    bytes: int
    schema_version: int
    counts: Mapping[str, int]
    seconds: float

    def to_json(self) -> dict[str, object]:
        """The contract of ``tutor backup --json``."""
        return {
            "store": self.store,
            "file": self.file,
            "bytes": self.bytes,
            "schema_version": self.schema_version,
            "counts": dict(self.counts),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class RestoreReport:
    """What ``tutor restore`` put in place."""

    store: str
    file: str
    replaced: bool
    schema_version: int
    counts: Mapping[str, int]

    def to_json(self) -> dict[str, object]:
        """The contract of ``tutor restore --json``."""
        return {
            "store": self.store,
            "file": self.file,
            "replaced": self.replaced,
            "schema_version": self.schema_version,
            "counts": dict(self.counts),
        }


@cache
def _reference_columns() -> dict[str, frozenset[str]]:
    """Every table of the current store schema with its columns, read from a fresh store
    (so this follows the schema as the store engine defines it, migrations included)."""
    with tempfile.TemporaryDirectory(prefix="kptutor-schema-") as folder:
        store = SqliteStore(Path(folder) / "reference.db")
        try:
            conn = sqlite3.connect(store.path)
            try:
                return _columns(conn)
            finally:
                conn.close()
        finally:
            store.close()


def _columns(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        t: frozenset(r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (t,)))
        for t in tables
    }


def _current_schema_version() -> int:
    return int(SCHEMA_VERSION)


def _check_kptutor_db(conn: sqlite3.Connection, where: str) -> tuple[int, dict[str, int]]:
    """Refuse a database that is damaged or is not a kptutor store; its schema version and
    row counts otherwise. ``where`` names the file in messages."""
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{where} is damaged ({exc}); use another backup") from None
    if problems != ["ok"]:
        # SQLite's report spans lines ("*** in database main ***", then one per fault).
        first = " ".join(str(problems[0]).replace("*** in database main ***", "").split())
        raise InputError(f"{where} is damaged ({first[:160]}); use another backup")
    columns = _columns(conn)
    missing = [t for t in _CORE_TABLES if t not in columns]
    if missing:
        raise InputError(
            f"{where} is not a kptutor database (it has no {missing[0]!r} table); "
            "give a file written by `tutor backup`"
        )
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        version = int(row[0]) if row is not None else -1
    except (TypeError, ValueError):
        version = -1
    if version < 1:
        raise InputError(
            f"{where} is not a kptutor database (no schema version); "
            "give a file written by `tutor backup`"
        )
    current = _current_schema_version()
    if version > current:
        raise InputError(
            f"{where} was written by a newer kptutor (schema {version}, this one reads up to "
            f"{current}); upgrade kptutor first"
        )
    if version == current:
        # The same schema version must have every column this version writes.
        for table, wanted in _reference_columns().items():
            have = columns.get(table)
            if have is not None and not wanted <= have:
                lacking = sorted(wanted - have)[0]
                raise InputError(
                    f"{where} is not a kptutor database of schema {version} (table {table!r}"
                    f" has no column {lacking!r}); give a file written by `tutor backup`"
                )
    counts = {
        t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # noqa: S608 - fixed names
        for t in _COUNTED
    }
    return version, counts


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


def check_backup_file(path: Path) -> tuple[int, dict[str, int]]:
    """Check that ``path`` is a sound kptutor database; its schema version and row counts.

    Raises :class:`InputError` (saying what is wrong) for a missing file, a file that is
    not SQLite, a damaged database or a database of another application. Reads only.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no backup file {path}: check the path")
    if not _looks_like_sqlite(path):
        raise InputError(
            f"{path} is not a kptutor backup (not an SQLite database); "
            "give a file written by `tutor backup`"
        )
    try:
        # immutable=1: a backup file is not being written, and reading it must not create
        # -wal/-shm files next to it (it may sit on a read-only medium).
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"cannot open {path} ({exc}); check its permissions") from None
    try:
        return _check_kptutor_db(conn, str(path))
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path} is damaged ({exc}); use another backup") from None
    finally:
        conn.close()


def _copy_database(source: sqlite3.Connection, temp: Path) -> None:
    """Copy ``source`` into the file ``temp`` in one backup step, as a self-contained
    rollback-journal database, flushed to disk."""
    dest = sqlite3.connect(temp, isolation_level=None)
    try:
        # pages=-1: everything in one step, i.e. inside one read transaction on the
        # source — a consistent snapshot even while other connections write.
        source.backup(dest, pages=-1)
        # The copy inherits WAL mode from the live store; a backup must be one file.
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
    with temp.open("rb+") as fh:
        os.fsync(fh.fileno())


def backup_sqlite(store_path: Path, dest: Path, *, overwrite: bool = False) -> BackupReport:
    """Back up the embedded store at ``store_path`` into the file ``dest``, online.

    The app may be writing meanwhile: the backup is one consistent snapshot. ``dest`` is
    written only after the copy passed ``PRAGMA integrity_check``; an existing ``dest`` is
    refused unless ``overwrite``. Raises :class:`InputError` when there is no store there,
    the store is not a kptutor database, or ``dest`` is unusable.
    """
    start = time.perf_counter()
    store_path, dest = Path(store_path), Path(dest)
    if not store_path.is_file():
        raise InputError(
            f"no store at {store_path}: nothing to back up (check --store or TUTOR_STORE)"
        )
    if dest.exists() and dest.resolve() == store_path.resolve():
        raise InputError(f"{dest} is the store itself: back it up into another file")
    if dest.is_dir():
        raise InputError(f"{dest} is a folder: name the backup file, e.g. {dest / 'kptutor.db'}")
    if dest.exists() and not overwrite:
        raise InputError(f"{dest} already exists: choose another name or pass --force")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {dest.parent}: {exc.strerror}") from None
    try:
        source = sqlite3.connect(store_path, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {store_path} ({exc})") from None
    try:
        with temp_beside(dest, "backup") as temp:
            try:
                _copy_database(source, temp)
                check = sqlite3.connect(temp)
                try:
                    version, counts = _check_kptutor_db(check, f"the store {store_path}")
                finally:
                    check.close()
            except sqlite3.DatabaseError as exc:
                raise InputError(
                    f"the store {store_path} cannot be backed up ({exc}); "
                    "check it with `sqlite3 FILE 'PRAGMA integrity_check'`"
                ) from None
            except OSError as exc:
                raise StoreError(f"cannot write the backup {dest}: {exc.strerror}") from None
            os.replace(temp, dest)
    finally:
        source.close()
    fsync_dir(dest.parent)
    report = BackupReport(
        store=str(store_path),
        file=str(dest),
        bytes=dest.stat().st_size,
        schema_version=version,
        counts=counts,
        seconds=time.perf_counter() - start,
    )
    log.info("backed up %s into %s (%d bytes)", store_path, dest, report.bytes)
    return report


def restore_sqlite(backup: Path, store_path: Path) -> RestoreReport:
    """Replace the embedded store at ``store_path`` with the backup file ``backup``.

    The backup is checked first (SQLite, ``integrity_check``, kptutor tables, schema
    version); then copied to a temporary file beside the store and renamed over it in one
    atomic step. The store must not be in use (stop the app first): a store another
    connection holds open is refused. On any refusal the store is left untouched.
    """
    backup, store_path = Path(backup), Path(store_path)
    check_backup_file(backup)
    if store_path.exists() and store_path.resolve() == backup.resolve():
        raise InputError(f"{backup} is the store itself: restore from a backup file")
    try:
        store_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {store_path.parent}: {exc.strerror}") from None
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        with temp_beside(store_path, "restore") as temp:
            try:
                _copy_database(source, temp)
                check = sqlite3.connect(temp)
                try:
                    version, counts = _check_kptutor_db(check, str(backup))
                finally:
                    check.close()
            except sqlite3.DatabaseError as exc:
                raise InputError(f"{backup} is damaged ({exc}); use another backup") from None
            replaced = store_path.exists()
            if replaced:
                # Keep the store's permissions (the temporary file is private, 0600).
                temp.chmod(stat.S_IMODE(store_path.stat().st_mode))
            with _exclusive(store_path):
                os.replace(temp, store_path)
                fsync_dir(store_path.parent)
    finally:
        source.close()
    log.info("restored %s from %s", store_path, backup)
    return RestoreReport(str(store_path), str(backup), replaced, version, counts)


@contextlib.contextmanager
def _exclusive(store_path: Path) -> Iterator[None]:
    """Hold the live store exclusively (refusing if anyone else has it open) and leave it
    without a write-ahead log, so that no -wal file of the old database can be replayed
    onto the restored one."""
    if not store_path.exists():
        for suffix in ("-wal", "-shm"):
            if Path(f"{store_path}{suffix}").exists():
                raise InputError(
                    f"{store_path}{suffix} exists without its database {store_path}: "
                    "move it away, then restore again"
                )
        yield
        return
    try:
        conn = sqlite3.connect(store_path, timeout=_LOCK_WAIT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {store_path} ({exc})") from None
    in_use = InputError(
        f"the store {store_path} is in use (the app or another `tutor` command has it open); "
        "stop it, then restore again"
    )
    try:
        try:
            # Leaving WAL mode needs every other connection gone and folds the log back
            # into the file; it is the check that nobody else is using the store.
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if str(mode).lower() != "delete":
                raise in_use
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise in_use from None
            raise StoreError(f"cannot lock the store {store_path} ({exc})") from None
        except sqlite3.DatabaseError:
            # The store being replaced is damaged (restoring is how one recovers from
            # that). Its log must not be replayed onto the restored file: keep it aside.
            for suffix in ("-wal", "-shm"):
                log_file = Path(f"{store_path}{suffix}")
                if log_file.exists():
                    os.replace(log_file, Path(f"{store_path}{suffix}.damaged"))
            log.warning("the store %s was damaged; it is replaced by the backup", store_path)
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()
