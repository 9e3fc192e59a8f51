"""Backups of the embedded store, and store-independent export/import of one class.

Two tools for two needs (issue 8, part 6):

* **Whole-store backup of the embedded engine** (:func:`backup_sqlite`,
  :func:`restore_sqlite`). The backup is taken *online* with SQLite's backup API
  (``sqlite3.Connection.backup``) in one step: it reads inside one read transaction, so the
  copy is a consistent snapshot even while the app keeps writing (WAL mode lets writers go
  on meanwhile). The copy is written to a temporary file beside the target, converted to a
  self-contained rollback-journal file, checked (``PRAGMA integrity_check`` and the kptutor
  tables) and only then renamed into place, so a failed backup never leaves a half file.
  The backup file is readable by its owner only: it holds password hashes.
  A restore checks the file the same way *before* touching the store, copies it into a
  temporary file beside the store and renames it over the store atomically; anything that
  is not a sound kptutor database is refused and the store is left exactly as it was.
* **One class as one JSON document** (:func:`export_class`, :func:`import_class`), for
  either engine and between engines, with no ``neo4j-admin``: the class, its teacher, its
  students with their goals, every attempt (with its ``seq`` and time), the stored
  mastery and learning paths, and password hashes only when asked for. Only
  :class:`~tutor.graph.protocol.GraphStore` methods are used. The import validates the
  whole document against the target store first and writes nothing when anything is wrong.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from tutor.domain import (
    Attempt,
    ClassGroup,
    MasteryState,
    StoredPath,
    Student,
    Teacher,
    check_name,
    check_password_hash,
    check_person_id,
)
from tutor.errors import InputError, NotFoundError, StoreError, TutorError
from tutor.graph import GraphStore

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "BackupReport",
    "ClassExport",
    "ImportReport",
    "RestoreReport",
    "backup_sqlite",
    "check_backup_file",
    "export_class",
    "import_class",
    "parse_class_export",
    "read_class_export",
    "restore_sqlite",
    "write_class_export",
]

log = logging.getLogger(__name__)

#: The ``format`` field of a class export, and the version of its layout.
EXPORT_FORMAT: Final = "kptutor-class"
EXPORT_VERSION: Final = 1

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


# ---------------------------------------------------------------------------------------
# whole-store backup and restore (embedded engine)


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
    from tutor.graph.sqlite_store import SqliteStore

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
    from tutor.graph.sqlite_store import SCHEMA_VERSION

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


def _fsync_dir(folder: Path) -> None:
    # Make the rename itself durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _temp_beside(target: Path, tag: str) -> Iterator[Path]:
    """A temporary file name in ``target``'s folder (same filesystem, so the final rename is
    atomic), removed afterwards unless it was renamed into place."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{tag}", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{temp}{suffix}").unlink()


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
        with _temp_beside(dest, "backup") as temp:
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
    _fsync_dir(dest.parent)
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
        with _temp_beside(store_path, "restore") as temp:
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
                _fsync_dir(store_path.parent)
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


# ---------------------------------------------------------------------------------------
# one class as a JSON document (either engine)


@dataclass(frozen=True)
class StudentRecord:
    """One student of an export with everything the store holds about them."""

    student: Student
    attempts: tuple[Attempt, ...]
    mastery: Mapping[str, MasteryState]
    password_hash: str | None = None
    path: StoredPath | None = None


@dataclass(frozen=True)
class ClassExport:
    """A class, its teacher and its students, as read from (or to be written into) a store."""

    group: ClassGroup
    teacher: Teacher
    students: tuple[StudentRecord, ...]
    curriculum: Mapping[str, str] | None = None
    exported_at: float = 0.0
    teacher_password_hash: str | None = None
    includes_credentials: bool = False

    def to_json(self) -> dict[str, Any]:
        """The document ``tutor export`` writes (see :data:`EXPORT_FORMAT`)."""
        teacher: dict[str, Any] = {"id": self.teacher.id, "name": self.teacher.name}
        if self.includes_credentials:
            teacher["password_hash"] = self.teacher_password_hash
        students = []
        for rec in self.students:
            entry: dict[str, Any] = {
                "id": rec.student.id,
                "name": rec.student.name,
                "goal": rec.student.goal,
                "attempts": [_attempt_json(a) for a in rec.attempts],
                "mastery": {
                    kp: {"p": m.p, "attempts": m.attempts, "updated_at": m.updated_at, "gap": m.gap}
                    for kp, m in sorted(rec.mastery.items())
                },
                "path": None if rec.path is None else rec.path.to_json(),
            }
            if self.includes_credentials:
                entry["password_hash"] = rec.password_hash
            students.append(entry)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": self.exported_at,
            "curriculum": None if self.curriculum is None else dict(self.curriculum),
            "credentials": self.includes_credentials,
            "class": {"id": self.group.id, "name": self.group.name, "teacher": self.teacher.id},
            "teacher": teacher,
            "students": students,
        }

    @property
    def n_attempts(self) -> int:
        """Attempts over all students."""
        return sum(len(r.attempts) for r in self.students)


def _attempt_json(a: Attempt) -> dict[str, Any]:
    data = a.to_json()
    del data["student"]  # the student it sits under
    return data


def export_class(
    store: GraphStore, class_id: str, *, include_credentials: bool = False, now: float | None = None
) -> ClassExport:
    """Read one class with its teacher, students, goals, attempts, mastery and stored
    learning paths from ``store``; password hashes only with ``include_credentials``."""
    group = store.get_class(class_id)
    teacher = store.get_teacher(group.teacher_id)
    records = [
        StudentRecord(
            student=student,
            attempts=tuple(store.attempts(student.id)),
            mastery=store.mastery(student.id),
            password_hash=store.password_hash(student.id) if include_credentials else None,
            path=store.get_path(student.id),
        )
        for student in store.list_students(class_id)
    ]
    info = store.curriculum_info()
    return ClassExport(
        group=group,
        teacher=teacher,
        students=tuple(records),
        curriculum=None if info is None else {"name": info.name, "fingerprint": info.fingerprint},
        exported_at=time.time() if now is None else now,
        teacher_password_hash=store.password_hash(teacher.id) if include_credentials else None,
        includes_credentials=include_credentials,
    )


def write_class_export(export: ClassExport, dest: Path, *, overwrite: bool = False) -> int:
    """Write ``export`` as JSON to ``dest`` (atomically: a temporary file renamed into
    place); the number of bytes written. An existing ``dest`` is refused unless
    ``overwrite``. A file with password hashes is made readable by its owner only."""
    dest = Path(dest)
    if dest.is_dir():
        raise InputError(f"{dest} is a folder: name the export file, e.g. {dest / 'class.json'}")
    if dest.exists() and not overwrite:
        raise InputError(f"{dest} already exists: choose another name or pass --force")
    text = json.dumps(export.to_json(), ensure_ascii=False, indent=1, allow_nan=False)
    data = text.encode("utf-8")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _temp_beside(dest, "export") as temp:
            # mkstemp made the file 0600; widen it only when it holds no secrets.
            if not export.includes_credentials:
                temp.chmod(0o644)
            with temp.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temp, dest)
    except OSError as exc:
        raise InputError(f"cannot write {dest}: {exc.strerror}") from None
    _fsync_dir(dest.parent)
    return len(data)


# -- reading and validating a document ---------------------------------------------------


class _Doc:
    """Typed access to a parsed JSON document, with messages that name the place."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, place: str, what: str) -> InputError:
        return InputError(f"{self.where}: {place} {what}; export the class again")

    def obj(self, value: Any, place: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(place, "must be an object")
        return value

    def text(self, value: Any, place: str) -> str:
        if not isinstance(value, str):
            raise self.fail(place, "must be text")
        return value

    def maybe_text(self, value: Any, place: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(place, "must be text or null")
        return value

    def number(self, value: Any, place: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(place, "must be a number")
        if not math.isfinite(value):
            raise self.fail(place, "must be a finite number")
        return float(value)

    def integer(self, value: Any, place: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(place, "must be a whole number")
        return value

    def flag(self, value: Any, place: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(place, "must be true or false")
        return value

    def items(self, value: Any, place: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(place, "must be a list")
        return value

    def checked(self, place: str, check: Any, *args: Any) -> None:
        """Run a domain check, prefixing its message with the place."""
        try:
            check(*args)
        except InputError as exc:
            raise InputError(f"{self.where}: {place}: {exc}") from None


def _person(doc: _Doc, kind: str, data: dict[str, Any], place: str) -> tuple[str, str]:
    pid = doc.text(data.get("id"), f"{place}.id")
    name = doc.text(data.get("name"), f"{place}.name")
    doc.checked(place, check_person_id, kind, pid)
    doc.checked(place, check_name, kind, name)
    return pid, name


def _hash_field(doc: _Doc, data: dict[str, Any], place: str) -> str | None:
    value = doc.maybe_text(data.get("password_hash"), f"{place}.password_hash")
    if value is not None:
        doc.checked(f"{place}.password_hash", check_password_hash, value)
    return value


def _attempts(doc: _Doc, sid: str, raw: Any, place: str) -> list[Attempt]:
    attempts = []
    for j, araw in enumerate(doc.items(raw, place)):
        ap = f"{place}[{j}]"
        a = doc.obj(araw, ap)
        seq = doc.integer(a.get("seq"), f"{ap}.seq")
        if seq != j + 1:
            raise doc.fail(f"{ap}.seq", f"is {seq}, but attempts count 1, 2, … ({j + 1} here)")
        gaps = doc.items(a.get("gap_kps", []), f"{ap}.gap_kps")
        attempts.append(
            Attempt(
                student_id=sid,
                item_id=doc.text(a.get("item_id"), f"{ap}.item_id"),
                kp=doc.text(a.get("kp"), f"{ap}.kp"),
                answer=doc.text(a.get("answer"), f"{ap}.answer"),
                status=doc.text(a.get("status"), f"{ap}.status"),
                correct=doc.flag(a.get("correct"), f"{ap}.correct"),
                misconception=doc.maybe_text(a.get("misconception"), f"{ap}.misconception"),
                gap_kps=tuple(doc.text(g, f"{ap}.gap_kps[{k}]") for k, g in enumerate(gaps)),
                at=doc.number(a.get("at"), f"{ap}.at"),
                seq=seq,
            )
        )
    return attempts


def _mastery(doc: _Doc, raw: Any, place: str) -> dict[str, MasteryState]:
    mastery: dict[str, MasteryState] = {}
    for kp, mraw in doc.obj(raw, place).items():
        mp = f"{place}[{kp!r}]"
        m = doc.obj(mraw, mp)
        p = doc.number(m.get("p"), f"{mp}.p")
        if not 0.0 <= p <= 1.0:
            raise doc.fail(f"{mp}.p", f"is {p}, not a probability")
        count = doc.integer(m.get("attempts"), f"{mp}.attempts")
        if count < 0:
            raise doc.fail(f"{mp}.attempts", "must not be negative")
        updated = doc.number(m.get("updated_at"), f"{mp}.updated_at")
        mastery[kp] = MasteryState(p, count, updated, doc.flag(m.get("gap"), f"{mp}.gap"))
    return mastery


def _path(doc: _Doc, raw: Any, place: str) -> StoredPath | None:
    if raw is None:
        return None
    data = doc.obj(raw, place)
    kps = doc.items(data.get("kps"), f"{place}.kps")
    return StoredPath(
        kps=[doc.text(k, f"{place}.kps[{i}]") for i, k in enumerate(kps)],
        next_kp=doc.maybe_text(data.get("next_kp"), f"{place}.next_kp"),
        reason=doc.text(data.get("reason"), f"{place}.reason"),
        reason_zh=doc.text(data.get("reason_zh"), f"{place}.reason_zh"),
        diagnosed_gap=doc.maybe_text(data.get("diagnosed_gap"), f"{place}.diagnosed_gap"),
        updated_at=doc.number(data.get("updated_at"), f"{place}.updated_at"),
        goal=doc.maybe_text(data.get("goal"), f"{place}.goal"),
        kind=doc.text(data.get("kind"), f"{place}.kind"),
    )


def parse_class_export(data: Any, where: str = "the class export") -> ClassExport:
    """Validate a parsed JSON document into a :class:`ClassExport` (no store needed).

    Checks the format and version, every field's type, ids, names and password hashes as
    the store would, and attempt numbering (1, 2, … per student). Raises
    :class:`InputError` naming the first problem and its place in the document.
    """
    doc = _Doc(where)
    top = doc.obj(data, "the document")
    if top.get("format") != EXPORT_FORMAT:
        raise InputError(
            f"{where} is not a kptutor class export (its format is {top.get('format')!r}, "
            f"not {EXPORT_FORMAT!r}); give a file written by `tutor export --class`"
        )
    version = top.get("version")
    if version != EXPORT_VERSION:
        raise InputError(
            f"{where} has export version {version!r}; this kptutor reads version "
            f"{EXPORT_VERSION} (use the kptutor that wrote it, or export the class again)"
        )
    group_data = doc.obj(top.get("class"), "class")
    class_id, class_name = _person(doc, "class", group_data, "class")
    teacher_data = doc.obj(top.get("teacher"), "teacher")
    teacher_id, teacher_name = _person(doc, "teacher", teacher_data, "teacher")
    if doc.text(group_data.get("teacher"), "class.teacher") != teacher_id:
        raise doc.fail("class.teacher", f"must be the teacher's id {teacher_id!r}")
    credentials = doc.flag(top.get("credentials", False), "credentials")
    curriculum = None
    if top.get("curriculum") is not None:
        cur = doc.obj(top.get("curriculum"), "curriculum")
        curriculum = {
            "name": doc.text(cur.get("name"), "curriculum.name"),
            "fingerprint": doc.text(cur.get("fingerprint"), "curriculum.fingerprint"),
        }
    records: list[StudentRecord] = []
    seen = {teacher_id}
    for i, raw in enumerate(doc.items(top.get("students"), "students")):
        place = f"students[{i}]"
        entry = doc.obj(raw, place)
        sid, name = _person(doc, "student", entry, place)
        if sid in seen:
            who = "the teacher" if sid == teacher_id else "another student"
            raise doc.fail(f"{place}.id", f"{sid!r} is also the id of {who}")
        seen.add(sid)
        attempts = _attempts(doc, sid, entry.get("attempts", []), f"{place}.attempts")
        mastery = _mastery(doc, entry.get("mastery", {}), f"{place}.mastery")
        if mastery and not attempts:
            # The protocol writes mastery only together with an attempt (record_attempt).
            raise doc.fail(f"{place}.mastery", "is given without any attempt")
        records.append(
            StudentRecord(
                student=Student(
                    sid, name, class_id, doc.maybe_text(entry.get("goal"), f"{place}.goal")
                ),
                attempts=tuple(attempts),
                mastery=mastery,
                password_hash=_hash_field(doc, entry, place) if credentials else None,
                path=_path(doc, entry.get("path"), f"{place}.path"),
            )
        )
    return ClassExport(
        group=ClassGroup(class_id, class_name, teacher_id),
        teacher=Teacher(teacher_id, teacher_name),
        students=tuple(records),
        curriculum=curriculum,
        exported_at=doc.number(top.get("exported_at", 0.0), "exported_at"),
        teacher_password_hash=_hash_field(doc, teacher_data, "teacher") if credentials else None,
        includes_credentials=credentials,
    )


def read_class_export(path: Path, *, max_bytes: int = 64 * 1024 * 1024) -> ClassExport:
    """Read and validate a class export file (see :func:`parse_class_export`)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no export file {path}: check the path")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path} is {size / 1e6:.1f} MB, over the import limit of {max_bytes / 1e6:.0f} MB "
            "(raise TUTOR_MAX_IMPORT_MB)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(
            f"{path} is not UTF-8 text: give a file written by `tutor export`"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}); "
            "give a file written by `tutor export`"
        ) from None
    return parse_class_export(data, str(path))


# -- writing a class into a store --------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """What ``tutor import-class`` wrote."""

    class_id: str
    teacher: str
    teacher_created: bool
    students: int
    attempts: int
    mastery: int
    paths: int
    credentials: int
    replaced: bool
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The contract of ``tutor import-class --json``."""
        return {
            "class": self.class_id,
            "teacher": self.teacher,
            "teacher_created": self.teacher_created,
            "students": self.students,
            "attempts": self.attempts,
            "mastery": self.mastery,
            "paths": self.paths,
            "credentials": self.credentials,
            "replaced": self.replaced,
            "notes": list(self.notes),
        }


def _exists(get: Any, key: str) -> bool:
    try:
        get(key)
    except NotFoundError:
        return False
    return True


def _plan(store: GraphStore, export: ClassExport, replace: bool) -> tuple[bool, list[str]]:
    """Check ``export`` against ``store`` without writing: whether the teacher must be
    created, and notes for the report. Raises :class:`InputError` on any conflict."""
    notes: list[str] = []
    info = store.curriculum_info()
    if info is None:
        raise InputError(
            f"{store.url} has no curriculum: load the one the class used first "
            "(e.g. `tutor graph load default`), then import again"
        )
    if export.curriculum is not None and export.curriculum.get("fingerprint") != info.fingerprint:
        notes.append(
            f"the class was exported with curriculum {export.curriculum.get('name')!r}; "
            f"the target has {info.name!r} (every point the class uses exists there)"
        )
    known = {kp.id for kp in store.list_nodes()}
    used: set[str] = set()
    for rec in export.students:
        if rec.student.goal is not None:
            used.add(rec.student.goal)
        used.update(a.kp for a in rec.attempts)
        used.update(rec.mastery)
    missing = sorted(used - known)
    if missing:
        shown = ", ".join(repr(m) for m in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise InputError(
            f"the class uses knowledge points that {store.url} does not have: {shown}{more}; "
            "load the curriculum the class was exported with"
        )
    teacher_created = True
    try:
        existing = store.get_teacher(export.teacher.id)
    except NotFoundError:
        if _exists(store.get_student, export.teacher.id):
            raise InputError(
                f"the teacher's id {export.teacher.id!r} is a student's id in {store.url}; "
                "nothing was imported"
            ) from None
    else:
        if existing.name != export.teacher.name:
            raise InputError(
                f"a different teacher has the id {export.teacher.id!r} in {store.url} "
                f"({existing.name!r}, not {export.teacher.name!r}); nothing was imported"
            )
        teacher_created = False
        notes.append(f"teacher {export.teacher.id!r} already exists and was kept as it is")
    ids = [r.student.id for r in export.students]
    teachers = [s for s in ids if _exists(store.get_teacher, s)]
    if teachers:
        raise InputError(
            f"student id {teachers[0]!r} is a teacher's id in {store.url}; nothing was imported"
        )
    class_taken = _exists(store.get_class, export.group.id)
    students_taken = [s for s in ids if _exists(store.get_student, s)]
    if not (class_taken or students_taken):
        return teacher_created, notes
    if not replace:
        what = f"class {export.group.id!r}" if class_taken else f"student {students_taken[0]!r}"
        if not class_taken and len(students_taken) > 1:
            what += f" (and {len(students_taken) - 1} more)"
        raise InputError(
            f"{what} already exists in {store.url}; nothing was imported (pass --replace to "
            "replace the class, or import into another store)"
        )
    own = {s.id for s in store.list_students(export.group.id)} if class_taken else set()
    elsewhere = [s for s in students_taken if s not in own]
    if elsewhere:
        raise InputError(
            f"student {elsewhere[0]!r} exists in {store.url} outside class "
            f"{export.group.id!r}; --replace only replaces the class's own students"
        )
    return teacher_created, notes


def import_class(store: GraphStore, export: ClassExport, *, replace: bool = False) -> ImportReport:
    """Re-create an exported class in ``store``: validate everything first, then write.

    Refuses, writing nothing, when the store lacks a point the class uses, when the class
    or any student already exists (unless ``replace``), or when an id belongs to someone
    else. Students (with their password hashes) are added in one transaction; attempts are
    re-recorded in order, keeping their ``seq`` and time, and each student's final mastery
    is written with their last attempt, so attempts and mastery come back identical.
    Stored learning paths are written last.
    """
    teacher_created, notes = _plan(store, export, replace)
    replaced = False
    previous: ClassExport | None = None
    if replace and _exists(store.get_class, export.group.id):
        # Kept in memory so a failure half-way puts the old class back: all or nothing.
        previous = export_class(store, export.group.id, include_credentials=True)
        store.delete_class(export.group.id)
        replaced = True
    hashes = {r.student.id: r.password_hash for r in export.students if r.password_hash is not None}
    written = False
    try:
        if teacher_created:
            store.add_teacher(export.teacher)
            if export.teacher_password_hash is not None:
                store.set_password_hash(export.teacher.id, export.teacher_password_hash)
        store.add_class(export.group)
        written = True
        store.add_students([r.student for r in export.students], hashes)
        for rec in export.students:
            _replay(store, rec)
            if rec.path is not None:
                store.set_path(rec.student.id, rec.path)
    except TutorError:
        _undo(store, export, written or previous is not None)
        if previous is not None:
            try:
                import_class(store, previous)
            except TutorError:
                log.error(
                    "class %s could not be put back after a failed replace", previous.group.id
                )
            else:
                log.warning(
                    "replace of class %s failed; the previous class is back", previous.group.id
                )
        raise
    log.info(
        "imported class %s (%d students, %d attempts) into %s",
        export.group.id,
        len(export.students),
        export.n_attempts,
        store.url,
    )
    return ImportReport(
        class_id=export.group.id,
        teacher=export.teacher.id,
        teacher_created=teacher_created,
        students=len(export.students),
        attempts=export.n_attempts,
        mastery=sum(len(r.mastery) for r in export.students),
        paths=sum(r.path is not None for r in export.students),
        credentials=len(hashes) + (export.teacher_password_hash is not None and teacher_created),
        replaced=replaced,
        notes=tuple(notes),
    )


def _replay(store: GraphStore, rec: StudentRecord) -> None:
    """Record a student's attempts in order; the final mastery goes with the last one
    (``record_attempt`` writes mastery rows per point, so only each point's last state
    matters, and it is the exported one)."""
    last = len(rec.attempts) - 1
    for i, attempt in enumerate(rec.attempts):
        written = store.record_attempt(attempt, rec.mastery if i == last else {})
        if written.seq != attempt.seq:
            raise StoreError(
                f"{store.url} numbered attempt {attempt.seq} of {rec.student.id!r} as "
                f"{written.seq}; the import was stopped"
            )


def _undo(store: GraphStore, export: ClassExport, written: bool) -> None:
    """After a store failure half-way: remove what was written, when the store can."""
    if written:
        try:
            store.delete_class(export.group.id)
        except TutorError:
            pass
        else:
            log.warning("import of class %s failed; what was written is removed", export.group.id)
            return
    log.error(
        "import of class %s into %s failed part-way; remove class %s and its students by hand",
        export.group.id,
        store.url,
        export.group.id,
    )
