"""The embedded default store: a SQLite file for durable state, the graph in memory.

* SQLite in WAL mode, one connection per thread, so readers never block the writer.
* The prerequisite graph is mirrored in memory as two scipy sparse (CSR) matrices for
  traversals (see :class:`_Mirror` for why not a networkx graph); the mirror is rebuilt
  whenever the stored curriculum version changes (checked with one indexed read per
  call, so several processes can share one file).
* Every write is one transaction: a curriculum load either fully happens or not at all.
* The WAL is checkpointed by a thread of the store (see :data:`CHECKPOINT_EVERY_S`), not
  inside the commits.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import weakref
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tutor.domain import (
    Attempt,
    ClassGroup,
    ContentBank,
    ContentCounts,
    Curriculum,
    CurriculumInfo,
    Edge,
    GraphStats,
    ItemFamily,
    KnowledgePoint,
    LoadReport,
    MasteryState,
    MisconceptionInfo,
    Problem,
    SessionRecord,
    SignInFailures,
    Standard,
    StoredPath,
    Student,
    Teacher,
    grade_rank,
    one_role,
    validate_content,
    validate_problems,
)
from tutor.errors import InputError, StoreError, StoreUnavailable
from tutor.graph import algorithms, checks
from tutor.graph.protocol import LearnerState
from tutor.settings import Settings

log = logging.getLogger(__name__)

#: 2: the ``session`` and ``sign_in_failure`` tables (every CREATE says IF NOT EXISTS, so
#: opening an older file adds them) and the attempts' tutoring turn (hints, second try,
#: solution shown): a version-1 database gets those columns, with their defaults, when it is
#: opened (:data:`_MIGRATIONS`). Nothing that was there changes.
SCHEMA_VERSION = 2

#: How often the store's checkpoint thread copies new WAL pages into the database file.
#: Left to SQLite, that copy (and its fsync) runs inside whichever commit crosses the
#: 1000-page mark, with the process's writer lock held, so every writer queued behind it
#: waits; measured under the load profile (200 students), moving it out of the commits
#: took the p99 wait for the writer lock from about 16 ms to 2-7 ms.
CHECKPOINT_EVERY_S = 0.5

# Why WITHOUT ROWID: every table is looked up by its text primary key.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS knowledge_point (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    name_zh        TEXT NOT NULL DEFAULT '',
    subject        TEXT NOT NULL DEFAULT 'math',
    grade          TEXT,
    domain         TEXT,
    description    TEXT NOT NULL DEFAULT '',
    description_zh TEXT NOT NULL DEFAULT '',
    attrs          TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS knowledge_point_grade ON knowledge_point(grade, domain);
-- (kp)-[:REQUIRES]->(prereq)
CREATE TABLE IF NOT EXISTS kp_requires (
    kp     TEXT NOT NULL,
    prereq TEXT NOT NULL,
    PRIMARY KEY (kp, prereq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kp_requires_prereq ON kp_requires(prereq);
CREATE TABLE IF NOT EXISTS kp_related (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS standard (
    id          TEXT PRIMARY KEY,
    framework   TEXT NOT NULL,
    grade       TEXT,
    domain      TEXT,
    description TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS standard_requires (
    standard TEXT NOT NULL,
    prereq   TEXT NOT NULL,
    PRIMARY KEY (standard, prereq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aligns (
    kp       TEXT NOT NULL,
    standard TEXT NOT NULL,
    PRIMARY KEY (kp, standard)
) WITHOUT ROWID;
-- (:ItemFamily)-[:ASSESSES {weight}]->(:KnowledgePoint): the Q-matrix
CREATE TABLE IF NOT EXISTS item_family (
    id        TEXT PRIMARY KEY,
    generator TEXT NOT NULL,
    kp        TEXT NOT NULL,
    levels    TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS assesses (
    family TEXT NOT NULL,
    kp     TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (family, kp)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS assesses_kp ON assesses(kp);
-- (:Misconception)-[:SIGNALS]->(:KnowledgePoint)
CREATE TABLE IF NOT EXISTS misconception (
    id             TEXT PRIMARY KEY,
    description    TEXT NOT NULL,
    description_zh TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signals (
    misconception TEXT NOT NULL,
    kp            TEXT NOT NULL,
    PRIMARY KEY (misconception, kp)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS signals_kp ON signals(kp);
-- imported problems (OATutor), each mapped to a point or kept under its own skills
CREATE TABLE IF NOT EXISTS problem (
    id     TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kp     TEXT,
    skills TEXT NOT NULL,
    title  TEXT NOT NULL,
    data   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS problem_kp ON problem(kp);
CREATE INDEX IF NOT EXISTS problem_source ON problem(source);
-- people: (:Teacher)-[:TEACHES]->(:Class)<-[:MEMBER_OF]-(:Student)-[:GOAL]->(:KnowledgePoint)
CREATE TABLE IF NOT EXISTS teacher (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS class (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    teacher_id TEXT NOT NULL REFERENCES teacher(id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS student (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    class_id TEXT REFERENCES class(id),
    goal     TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS student_class ON student(class_id);
-- attempts are append-only; seq counts 1, 2, … per student
CREATE TABLE IF NOT EXISTS attempt (
    student_id    TEXT NOT NULL REFERENCES student(id),
    seq           INTEGER NOT NULL,
    item_id       TEXT NOT NULL,
    kp            TEXT NOT NULL,
    answer        TEXT NOT NULL,
    status        TEXT NOT NULL,
    correct       INTEGER NOT NULL,
    misconception TEXT,
    gap_kps       TEXT NOT NULL,
    at            REAL NOT NULL,
    hints          TEXT NOT NULL DEFAULT '[]',
    retry_answer   TEXT,
    retry_status   TEXT,
    solution_shown INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (student_id, seq)
) WITHOUT ROWID;
-- (:Student)-[:MASTERY {p, attempts, updated_at}]->(:KnowledgePoint)
CREATE TABLE IF NOT EXISTS mastery (
    student_id TEXT NOT NULL REFERENCES student(id),
    kp         TEXT NOT NULL,
    p          REAL NOT NULL,
    attempts   INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    gap        INTEGER NOT NULL,
    PRIMARY KEY (student_id, kp)
) WITHOUT ROWID;
-- sign-in: the KDF hash of a teacher's or student's password (never the password)
CREATE TABLE IF NOT EXISTS account (
    id            TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL
) WITHOUT ROWID;
-- the learning path the engine last stored for a student (kps as a JSON list)
CREATE TABLE IF NOT EXISTS learning_path (
    student_id    TEXT PRIMARY KEY REFERENCES student(id),
    kps           TEXT NOT NULL,
    next_kp       TEXT,
    reason        TEXT NOT NULL,
    reason_zh     TEXT NOT NULL,
    diagnosed_gap TEXT,
    updated_at    REAL NOT NULL,
    goal          TEXT,
    kind          TEXT NOT NULL
) WITHOUT ROWID;
-- signed-in sessions by the SHA-256 of their token (schema 2)
CREATE TABLE IF NOT EXISTS session (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    role        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  REAL NOT NULL,
    expires_at  REAL NOT NULL,
    kind        TEXT NOT NULL,
    device_hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS session_user ON session(user_id);
CREATE INDEX IF NOT EXISTS session_expiry ON session(expires_at);
-- failed sign-ins in a row, per throttle key (an account or a client) (schema 2)
CREATE TABLE IF NOT EXISTS sign_in_failure (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at  REAL NOT NULL
) WITHOUT ROWID;
-- the initial knowledge check: the open check and the last result (JSON), versioned
CREATE TABLE IF NOT EXISTS placement (
    student_id TEXT PRIMARY KEY REFERENCES student(id),
    document   TEXT NOT NULL,
    version    INTEGER NOT NULL
) WITHOUT ROWID;
"""

_CURRICULUM_TABLES = (
    "knowledge_point",
    "kp_requires",
    "kp_related",
    "standard",
    "standard_requires",
    "aligns",
    # content belongs to the curriculum it was written for
    "item_family",
    "assesses",
    "misconception",
    "signals",
)


def sqlite_path_from_url(url: str) -> Path:
    """``sqlite:///rel/path.db`` → ``rel/path.db``; ``sqlite:////abs/path.db`` → ``/abs/path.db``.

    (The SQLAlchemy convention: three slashes, then the path.)
    """
    parts = urlsplit(url)
    if parts.scheme != "sqlite" or parts.netloc:
        raise InputError(
            f"bad SQLite store URL {url!r}: write sqlite:///relative/file.db "
            "or sqlite:////absolute/file.db"
        )
    path = unquote(parts.path)
    if path.startswith("/"):
        path = path[1:]
    if not path:
        raise InputError(f"bad SQLite store URL {url!r}: it names no file")
    return Path(path).expanduser()


def open_sqlite_store(url: str, settings: Settings) -> SqliteStore:
    """Registry factory for ``sqlite://`` URLs."""
    return SqliteStore(sqlite_path_from_url(url))


@dataclass
class _Mirror:
    """The in-memory copy of the prerequisite graph, tagged with its curriculum version.

    Nodes are numbered in sorted-id order, so sorting result indices sorts ids. The
    edges are two compressed sparse row matrices (REQUIRES and its transpose): a few
    flat arrays instead of a dict per node, so a 100k-point graph costs little memory,
    gives C-speed traversals, and adds nothing for the garbage collector to scan.
    """

    version: str
    ids: Any  # numpy object array of ids, sorted
    index: dict[str, int]
    grades: dict[str, str | None]
    requires: Any  # scipy.sparse.csr_matrix, row kp -> columns its direct prerequisites
    required_by: Any  # the transpose, as CSR

    def closure(self, kp_id: str, depth: int | None, *, upward: bool) -> list[str]:
        """Sorted ids reachable from ``kp_id`` along REQUIRES (or against it)."""
        import numpy as np
        from scipy.sparse.csgraph import breadth_first_order

        start = self.index[kp_id]
        matrix = self.requires if upward else self.required_by
        if depth is None:
            reached = breadth_first_order(matrix, start, directed=True, return_predecessors=False)
        else:
            indptr, indices = matrix.indptr, matrix.indices
            seen = np.zeros(len(self.ids), dtype=bool)
            seen[start] = True
            frontier = np.array([start])
            for _ in range(depth):
                if frontier.size == 0:
                    break
                nxt = np.concatenate([indices[indptr[i] : indptr[i + 1]] for i in frontier])
                nxt = np.unique(nxt)
                frontier = nxt[~seen[nxt]]
                seen[frontier] = True
            reached = np.flatnonzero(seen)
        reached = np.sort(reached)
        reached = reached[reached != start]
        return list(self.ids[reached])

    def direct_prerequisites(self, i: int) -> list[str]:
        indptr = self.requires.indptr
        return list(self.ids[self.requires.indices[indptr[i] : indptr[i + 1]]])


@checks.checked_inputs
class SqliteStore:
    """The embedded :class:`~tutor.graph.protocol.GraphStore` engine.

    Arguments are checked by :mod:`tutor.graph.checks` before a method runs (the class
    decorator); the methods check only what needs the stored data.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._writer = threading.RLock()
        self._mirror: _Mirror | None = None
        self._connections: list[sqlite3.Connection] = []
        # Commits so far, and the thread that checkpoints after them (started by the
        # first write, stopped by close()).
        self._commits = 0
        self._checkpointer: threading.Thread | None = None
        self._closing = threading.Event()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the folder for the store {self.path}: {exc.strerror}"
            ) from None
        conn = self._conn()
        try:
            with conn:
                conn.executescript(_SCHEMA)
                conn.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                _migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None

    def _unusable(self, exc: sqlite3.Error) -> StoreUnavailable:
        return StoreUnavailable(
            f"{self.path} is not a usable kptutor database ({exc}); check its permissions, "
            "restore it from a backup, or point TUTOR_STORE at a new file"
        )

    # -- connections -------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                # NORMAL is durable against process crashes in WAL mode (only an OS
                # crash or power loss can lose the last commits) and far faster than FULL.
                conn.execute("PRAGMA synchronous=NORMAL")
                # Read through a shared memory map: with one connection per thread (the app
                # serves many students at once), private page caches would each re-read the
                # same pages; the map shares the OS page cache instead.
                conn.execute("PRAGMA mmap_size=268435456")
                conn.execute("PRAGMA foreign_keys=ON")
                # Checkpoints are the checkpoint thread's job, not the commits' (see
                # CHECKPOINT_EVERY_S).
                conn.execute("PRAGMA wal_autocheckpoint=0")
            except sqlite3.DatabaseError as exc:
                raise self._unusable(exc) from None
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: commit on success, roll back on any error.

        SQLite has one writer at a time. Threads of this process queue on a lock instead of
        on SQLite's busy handler, which sleeps in steps of up to 100 ms and so gave writes a
        long latency tail under load; other processes still wait on the busy timeout.
        """
        if self._checkpointer is None:
            self._start_checkpointer()
        with self._writer:
            yield from self._write_locked()
            self._commits += 1

    def _start_checkpointer(self) -> None:
        with self._lock:
            if self._checkpointer is None and not self._closing.is_set():
                thread = threading.Thread(
                    target=_checkpoint_loop,
                    args=(weakref.ref(self), self.path, self._closing),
                    name=f"kptutor-checkpoint-{self.path.name}",
                    daemon=True,
                )
                thread.start()
                self._checkpointer = thread

    def _write_locked(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._write_failed(exc) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            # A failed COMMIT (disk full, I/O error) can leave the transaction open.
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise self._write_failed(exc) from None
            raise

    def _write_failed(self, exc: sqlite3.OperationalError) -> StoreError:
        """A user-facing message for a write SQLite refused; nothing of it was saved."""
        text = str(exc)
        if "full" in text or "I/O" in text:
            reason = "the disk is full or failing"
            todo = "free some disk space (or move TUTOR_DATA_DIR), then try again"
        elif "locked" in text or "busy" in text:
            reason = "another program holds the database"
            todo = "try again in a moment"
        elif "readonly" in text:
            reason = "the database file is read-only"
            todo = "check the permissions of the file and its folder"
        else:
            reason = text
            todo = "try again; if it keeps happening, restore the database from a backup"
        log.error("write to %s failed: %s", self.path, text)
        return StoreError(
            f"could not save to {self.path}: {reason} ({text}); nothing was saved — {todo}"
        )

    def close(self) -> None:
        """Close every connection this store opened (after a last checkpoint)."""
        self._closing.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=10.0)
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(sqlite3.Error):  # closing is best effort
                    conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- curriculum ---------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def curriculum_fingerprint(self) -> str | None:
        """See :meth:`GraphStore.curriculum_fingerprint`. One statement."""
        name, fingerprint = self._conn().execute(_CURRICULUM_FINGERPRINT).fetchone()
        return None if name is None else (fingerprint or "")

    def curriculum_info(self) -> CurriculumInfo | None:
        """See :meth:`GraphStore.curriculum_info`."""
        name = self._meta("curriculum_name")
        if name is None:
            return None
        conn = self._conn()
        return CurriculumInfo(
            name=name,
            fingerprint=self._meta("curriculum_fingerprint") or "",
            knowledge_points=conn.execute("SELECT count(*) FROM knowledge_point").fetchone()[0],
            prerequisite_edges=conn.execute("SELECT count(*) FROM kp_requires").fetchone()[0],
            standards=conn.execute("SELECT count(*) FROM standard").fetchone()[0],
        )

    def load_curriculum(self, curriculum: Curriculum) -> LoadReport:
        """See :meth:`GraphStore.load_curriculum`."""
        fingerprint = curriculum.fingerprint()
        report = LoadReport.of(curriculum, unchanged=False)
        if self._meta("curriculum_fingerprint") == fingerprint:
            return LoadReport.of(curriculum, unchanged=True)
        kp_rows = [(*kp.values(), _attrs_json(kp.attrs)) for kp in curriculum.knowledge_points]
        with self._write() as conn:
            for table in _CURRICULUM_TABLES:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            conn.executemany(
                "INSERT INTO knowledge_point(id, name, name_zh, subject, grade, domain,"
                " description, description_zh, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                kp_rows,
            )
            conn.executemany(
                "INSERT INTO kp_requires(kp, prereq) VALUES (?, ?)",
                ((e.dependent, e.prerequisite) for e in curriculum.edges),
            )
            conn.executemany(
                "INSERT INTO kp_related(a, b) VALUES (?, ?)",
                (tuple(sorted(pair)) for pair in curriculum.related),
            )
            conn.executemany(
                "INSERT INTO standard(id, framework, grade, domain, description)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    (s.id, s.framework, s.grade, s.domain, s.description)
                    for s in curriculum.standards
                ),
            )
            conn.executemany(
                "INSERT INTO standard_requires(standard, prereq) VALUES (?, ?)",
                ((e.dependent, e.prerequisite) for e in curriculum.standard_edges),
            )
            conn.executemany(
                "INSERT INTO aligns(kp, standard) VALUES (?, ?)",
                ((kp.id, sid) for kp in curriculum.knowledge_points for sid in kp.standards),
            )
            # Imported problems stay, but lose a mapping to a point that is gone.
            conn.execute(
                "UPDATE problem SET kp = NULL"
                " WHERE kp IS NOT NULL AND kp NOT IN (SELECT id FROM knowledge_point)"
            )
            version = int(self._meta("curriculum_version") or "0") + 1
            conn.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                [
                    ("curriculum_name", curriculum.name),
                    ("curriculum_fingerprint", fingerprint),
                    ("curriculum_version", str(version)),
                ],
            )
        log.info("loaded curriculum %s into %s", curriculum.name, self.url)
        return report

    def curriculum(self) -> Curriculum | None:
        """See :meth:`GraphStore.curriculum`. One read transaction: one snapshot."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            name = self._meta("curriculum_name")
            if name is None:
                return None
            aligned: dict[str, list[str]] = {}
            for kp, std in conn.execute("SELECT kp, standard FROM aligns"):
                aligned.setdefault(kp, []).append(std)
            kps = [
                _kp_from_row(row, tuple(sorted(aligned.get(row[0], ()))))
                for row in conn.execute(
                    "SELECT id, name, name_zh, subject, grade, domain, description,"
                    " description_zh, attrs FROM knowledge_point"
                )
            ]
            edges = [Edge(p, k) for k, p in conn.execute("SELECT kp, prereq FROM kp_requires")]
            related = [(a, b) for a, b in conn.execute("SELECT a, b FROM kp_related")]
            standards = [
                Standard(*row)
                for row in conn.execute(
                    "SELECT id, framework, grade, domain, description FROM standard"
                )
            ]
            standard_edges = [
                Edge(p, s)
                for s, p in conn.execute("SELECT standard, prereq FROM standard_requires")
            ]
        finally:
            conn.execute("COMMIT")
        return Curriculum(
            name=name,
            knowledge_points=tuple(sorted(kps, key=lambda kp: kp.id)),
            edges=tuple(sorted(edges)),
            related=tuple(sorted(related)),
            standards=tuple(sorted(standards, key=lambda s: s.id)),
            standard_edges=tuple(sorted(standard_edges)),
        )

    # -- reads ---------------------------------------------------------------------

    def _graph(self) -> _Mirror:
        """The in-memory mirror, rebuilt if another writer changed the curriculum."""
        version = self._meta("curriculum_version") or "0"
        mirror = self._mirror
        if mirror is not None and mirror.version == version:
            return mirror
        with self._lock:
            mirror = self._mirror
            if mirror is not None and mirror.version == version:
                return mirror
            mirror = self._build_mirror(version)
            self._mirror = mirror
            return mirror

    def _build_mirror(self, version: str) -> _Mirror:
        import numpy as np
        from scipy.sparse import csr_matrix

        conn = self._conn()
        grades: dict[str, str | None] = dict(
            conn.execute("SELECT id, grade FROM knowledge_point ORDER BY id")
        )
        ids = np.array(list(grades), dtype=object)
        index = {kp_id: i for i, kp_id in enumerate(grades)}
        rows: list[int] = []
        cols: list[int] = []
        for kp, prereq in conn.execute("SELECT kp, prereq FROM kp_requires"):
            rows.append(index[kp])
            cols.append(index[prereq])
        n = len(ids)
        ones = np.ones(len(rows), dtype=np.int8)
        requires = csr_matrix((ones, (rows, cols)), shape=(n, n))
        required_by = csr_matrix((ones, (cols, rows)), shape=(n, n))
        return _Mirror(version, ids, index, grades, requires, required_by)

    def _require(self, mirror: _Mirror, kp_id: str) -> None:
        if kp_id not in mirror.index:
            raise checks.no_point(kp_id, self.url)

    def get_node(self, kp_id: str) -> KnowledgePoint:
        """See :meth:`GraphStore.get_node`."""
        conn = self._conn()
        row = conn.execute(
            "SELECT id, name, name_zh, subject, grade, domain, description, description_zh,"
            " attrs FROM knowledge_point WHERE id = ?",
            (kp_id,),
        ).fetchone()
        if row is None:
            raise checks.no_point(kp_id, self.url)
        standards = tuple(
            r[0]
            for r in conn.execute(
                "SELECT standard FROM aligns WHERE kp = ? ORDER BY standard", (kp_id,)
            )
        )
        return _kp_from_row(row, standards)

    def get_standard(self, standard_id: str) -> Standard:
        """See :meth:`GraphStore.get_standard`."""
        row = (
            self._conn()
            .execute(
                "SELECT id, framework, grade, domain, description FROM standard WHERE id = ?",
                (standard_id,),
            )
            .fetchone()
        )
        if row is None:
            raise checks.no_standard(standard_id, self.url)
        return Standard(*row)

    def list_nodes(
        self, *, grade: str | None = None, domain: str | None = None
    ) -> list[KnowledgePoint]:
        """See :meth:`GraphStore.list_nodes`."""
        conn = self._conn()
        rows = conn.execute(
            "SELECT id, name, name_zh, subject, grade, domain, description, description_zh,"
            " attrs FROM knowledge_point"
            " WHERE (?1 IS NULL OR grade = ?1) AND (?2 IS NULL OR domain = ?2)",
            (grade, domain),
        ).fetchall()
        aligned: dict[str, list[str]] = {}
        for kp, std in conn.execute("SELECT kp, standard FROM aligns ORDER BY kp, standard"):
            aligned.setdefault(kp, []).append(std)
        kps = [_kp_from_row(r, tuple(aligned.get(r[0], ()))) for r in rows]
        kps.sort(key=lambda k: (grade_rank(k.grade), k.id))
        return kps

    def prerequisites(self, kp_id: str, depth: int | None = None) -> list[str]:
        """See :meth:`GraphStore.prerequisites`."""
        mirror = self._graph()
        self._require(mirror, kp_id)
        return mirror.closure(kp_id, depth, upward=True)

    def dependents(self, kp_id: str, depth: int | None = None) -> list[str]:
        """See :meth:`GraphStore.dependents`."""
        mirror = self._graph()
        self._require(mirror, kp_id)
        return mirror.closure(kp_id, depth, upward=False)

    def direct_prerequisites(self, kp_ids: Collection[str]) -> dict[str, list[str]]:
        """See :meth:`GraphStore.direct_prerequisites`."""
        mirror = self._graph()
        for kp_id in kp_ids:
            self._require(mirror, kp_id)
        return {k: sorted(mirror.direct_prerequisites(mirror.index[k])) for k in kp_ids}

    def related(self, kp_id: str) -> list[str]:
        """See :meth:`GraphStore.related`."""
        mirror = self._graph()
        self._require(mirror, kp_id)
        rows = self._conn().execute(
            "SELECT b FROM kp_related WHERE a = ?1 UNION SELECT a FROM kp_related WHERE b = ?1",
            (kp_id,),
        )
        return sorted(r[0] for r in rows)

    def learning_order(self, target: str, known: Collection[str] = ()) -> list[str]:
        """See :meth:`GraphStore.learning_order`."""
        mirror = self._graph()
        self._require(mirror, target)
        nodes = {*mirror.closure(target, None, upward=True), target} - set(known)
        prereqs = {n: mirror.direct_prerequisites(mirror.index[n]) for n in nodes}
        return algorithms.learning_order(nodes, prereqs, mirror.grades)

    def stats(self) -> GraphStats:
        """See :meth:`GraphStore.stats`."""
        mirror = self._graph()
        coo = mirror.requires.tocoo()
        ids = mirror.ids
        edges = zip(ids[coo.col].tolist(), ids[coo.row].tolist(), strict=True)
        return algorithms.graph_stats(mirror.grades, edges)

    # -- content bank ----------------------------------------------------------------

    def _kp_ids(self, conn: sqlite3.Connection) -> set[str]:
        return {r[0] for r in conn.execute("SELECT id FROM knowledge_point")}

    def load_content(self, bank: ContentBank) -> None:
        """See :meth:`GraphStore.load_content`."""
        with self._write() as conn:
            # Validated inside the write lock, against the curriculum it will join.
            validate_content(bank, self._kp_ids(conn))
            for table in ("item_family", "assesses", "misconception", "signals"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            conn.executemany(
                "INSERT INTO item_family(id, generator, kp, levels) VALUES (?, ?, ?, ?)",
                ((f.id, f.generator, f.kp, json.dumps(list(f.levels))) for f in bank.families),
            )
            conn.executemany(
                "INSERT INTO assesses(family, kp, weight) VALUES (?, ?, ?)",
                ((f.id, kp, w) for f in bank.families for kp, w in f.assesses),
            )
            conn.executemany(
                "INSERT INTO misconception(id, description, description_zh) VALUES (?, ?, ?)",
                ((m.id, m.description, m.description_zh) for m in bank.misconceptions),
            )
            conn.executemany(
                "INSERT INTO signals(misconception, kp) VALUES (?, ?)",
                ((m.id, kp) for m in bank.misconceptions for kp in m.signals),
            )

    def item_families(self, kp_id: str | None = None) -> list[ItemFamily]:
        """See :meth:`GraphStore.item_families`."""
        conn = self._conn()
        rows = conn.execute(
            "SELECT f.id, f.generator, f.kp, f.levels, a.kp, a.weight"
            " FROM item_family f JOIN assesses a ON a.family = f.id"
            " WHERE ?1 IS NULL OR f.id IN (SELECT family FROM assesses WHERE kp = ?1)"
            " ORDER BY f.id, a.kp",
            (kp_id,),
        ).fetchall()
        families: dict[str, tuple[tuple[str, str, str, str], list[tuple[str, float]]]] = {}
        for fid, gen, kp, levels, akp, weight in rows:
            families.setdefault(fid, ((fid, gen, kp, levels), []))[1].append((akp, weight))
        return [
            ItemFamily(fid, gen, kp, tuple(json.loads(levels)), tuple(assesses))
            for (fid, gen, kp, levels), assesses in families.values()
        ]

    def misconceptions(self, kp_id: str | None = None) -> list[MisconceptionInfo]:
        """See :meth:`GraphStore.misconceptions`."""
        rows = (
            self._conn()
            .execute(
                "SELECT m.id, m.description, m.description_zh, s.kp"
                " FROM misconception m JOIN signals s ON s.misconception = m.id"
                " WHERE ?1 IS NULL OR m.id IN (SELECT misconception FROM signals WHERE kp = ?1)"
                " ORDER BY m.id, s.kp",
                (kp_id,),
            )
            .fetchall()
        )
        found: dict[str, tuple[str, str, list[str]]] = {}
        for mid, desc, desc_zh, kp in rows:
            found.setdefault(mid, (desc, desc_zh, []))[2].append(kp)
        return [
            MisconceptionInfo(mid, desc, desc_zh, tuple(kps))
            for mid, (desc, desc_zh, kps) in found.items()
        ]

    def load_problems(self, source: str, problems: Sequence[Problem]) -> None:
        """See :meth:`GraphStore.load_problems`."""
        with self._write() as conn:
            validate_problems(source, problems, self._kp_ids(conn))
            conn.execute("DELETE FROM problem WHERE source = ?", (source,))
            conn.executemany(
                "INSERT INTO problem(id, source, kp, skills, title, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (p.id, p.source, p.kp, json.dumps(list(p.skills)), p.title, p.data)
                    for p in problems
                ),
            )

    def problems(
        self, *, kp_id: str | None = None, source: str | None = None, limit: int | None = None
    ) -> list[Problem]:
        """See :meth:`GraphStore.problems`."""
        rows = self._conn().execute(
            "SELECT id, source, kp, skills, title, data FROM problem"
            " WHERE (?1 IS NULL OR kp = ?1) AND (?2 IS NULL OR source = ?2)"
            " ORDER BY id LIMIT ?3",
            (kp_id, source, -1 if limit is None else limit),
        )
        return [_problem_from_row(r) for r in rows]

    def get_problem(self, problem_id: str) -> Problem:
        """See :meth:`GraphStore.get_problem`."""
        row = (
            self._conn()
            .execute(
                "SELECT id, source, kp, skills, title, data FROM problem WHERE id = ?",
                (problem_id,),
            )
            .fetchone()
        )
        if row is None:
            raise checks.no_problem(problem_id, self.url)
        return _problem_from_row(row)

    def content_counts(self) -> ContentCounts:
        """See :meth:`GraphStore.content_counts`."""
        conn = self._conn()

        def one(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        return ContentCounts(
            item_families=one("SELECT count(*) FROM item_family"),
            knowledge_points_with_families=one("SELECT count(DISTINCT kp) FROM item_family"),
            misconceptions=one("SELECT count(*) FROM misconception"),
            problems=one("SELECT count(*) FROM problem"),
            problems_mapped=one("SELECT count(*) FROM problem WHERE kp IS NOT NULL"),
        )

    # -- people ------------------------------------------------------------------------

    def _taken(self, conn: sqlite3.Connection, table: str, kind: str, key: str) -> None:
        found = conn.execute(
            f"SELECT 1 FROM {table} WHERE id = ?",  # noqa: S608 - fixed table names
            (key,),
        ).fetchone()
        if found is not None:
            raise checks.id_taken(kind, key, self.url)

    def add_teacher(self, teacher: Teacher) -> None:
        """See :meth:`GraphStore.add_teacher`."""
        with self._write() as conn:
            self._taken(conn, "teacher", "teacher", teacher.id)
            conn.execute("INSERT INTO teacher(id, name) VALUES (?, ?)", (teacher.id, teacher.name))

    def add_class(self, group: ClassGroup) -> None:
        """See :meth:`GraphStore.add_class`."""
        with self._write() as conn:
            self._taken(conn, "class", "class", group.id)
            self._get_teacher(conn, group.teacher_id)
            conn.execute(
                "INSERT INTO class(id, name, teacher_id) VALUES (?, ?, ?)",
                (group.id, group.name, group.teacher_id),
            )

    def add_student(self, student: Student) -> None:
        """See :meth:`GraphStore.add_student`."""
        with self._write() as conn:
            self._taken(conn, "student", "student", student.id)
            if student.class_id is not None:
                self._get_class(conn, student.class_id)
            if student.goal is not None:
                self._require_kp(conn, student.goal)
            conn.execute(
                "INSERT INTO student(id, name, class_id, goal) VALUES (?, ?, ?, ?)",
                (student.id, student.name, student.class_id, student.goal),
            )

    def set_goal(self, student_id: str, kp_id: str | None) -> Student:
        """See :meth:`GraphStore.set_goal`."""
        with self._write() as conn:
            student = self._get_student(conn, student_id)
            if kp_id is not None:
                self._require_kp(conn, kp_id)
            conn.execute("UPDATE student SET goal = ? WHERE id = ?", (kp_id, student_id))
        return Student(student.id, student.name, student.class_id, kp_id)

    def _require_kp(self, conn: sqlite3.Connection, kp_id: str) -> None:
        if conn.execute("SELECT 1 FROM knowledge_point WHERE id = ?", (kp_id,)).fetchone() is None:
            raise checks.no_point(kp_id, self.url)

    def _get_teacher(self, conn: sqlite3.Connection, teacher_id: str) -> Teacher:
        row = conn.execute("SELECT id, name FROM teacher WHERE id = ?", (teacher_id,)).fetchone()
        if row is None:
            raise checks.no_teacher(teacher_id, self.url)
        return Teacher(*row)

    def _get_class(self, conn: sqlite3.Connection, class_id: str) -> ClassGroup:
        row = conn.execute(
            "SELECT id, name, teacher_id FROM class WHERE id = ?", (class_id,)
        ).fetchone()
        if row is None:
            raise checks.no_class(class_id, self.url)
        return ClassGroup(*row)

    def _get_student(self, conn: sqlite3.Connection, student_id: str) -> Student:
        row = conn.execute(
            "SELECT id, name, class_id, goal FROM student WHERE id = ?", (student_id,)
        ).fetchone()
        if row is None:
            raise checks.no_student(student_id, self.url)
        return Student(*row)

    def get_teacher(self, teacher_id: str) -> Teacher:
        """See :meth:`GraphStore.get_teacher`."""
        return self._get_teacher(self._conn(), teacher_id)

    def get_class(self, class_id: str) -> ClassGroup:
        """See :meth:`GraphStore.get_class`."""
        return self._get_class(self._conn(), class_id)

    def get_student(self, student_id: str) -> Student:
        """See :meth:`GraphStore.get_student`."""
        return self._get_student(self._conn(), student_id)

    def list_classes(self, teacher_id: str | None = None) -> list[ClassGroup]:
        """See :meth:`GraphStore.list_classes`."""
        rows = self._conn().execute(
            "SELECT id, name, teacher_id FROM class WHERE ?1 IS NULL OR teacher_id = ?1"
            " ORDER BY id",
            (teacher_id,),
        )
        return [ClassGroup(*r) for r in rows]

    def list_students(self, class_id: str | None = None) -> list[Student]:
        """See :meth:`GraphStore.list_students`."""
        rows = self._conn().execute(
            "SELECT id, name, class_id, goal FROM student WHERE ?1 IS NULL OR class_id = ?1"
            " ORDER BY id",
            (class_id,),
        )
        return [Student(*r) for r in rows]

    def delete_class(self, class_id: str) -> None:
        """See :meth:`GraphStore.delete_class`. One IMMEDIATE transaction."""
        members = "SELECT id FROM student WHERE class_id = ?"
        with self._write() as conn:
            self._get_class(conn, class_id)
            for table in ("attempt", "mastery", "learning_path", "placement"):
                conn.execute(
                    f"DELETE FROM {table} WHERE student_id IN ({members})",  # noqa: S608 - fixed names
                    (class_id,),
                )
            # Only the students' own hashes: a teacher sharing an id keeps theirs.
            conn.execute(
                f"DELETE FROM account WHERE role = 'student' AND id IN ({members})",  # noqa: S608
                (class_id,),
            )
            conn.execute(
                f"DELETE FROM session WHERE role = 'student' AND user_id IN ({members})",  # noqa: S608
                (class_id,),
            )
            conn.execute("DELETE FROM student WHERE class_id = ?", (class_id,))
            conn.execute("DELETE FROM class WHERE id = ?", (class_id,))
        log.info("deleted class %s and its students from %s", class_id, self.url)

    # -- learner state -------------------------------------------------------------------

    def record_attempt(
        self,
        attempt: Attempt,
        mastery: Mapping[str, MasteryState],
        *,
        expected_seq: int | None = None,
        path: StoredPath | None = None,
    ) -> Attempt:
        """See :meth:`GraphStore.record_attempt`. One IMMEDIATE transaction.

        BEGIN IMMEDIATE takes the database's write lock before the latest seq is read, so
        the ``expected_seq`` check and the insert cannot interleave with another writer.
        Every parameter is prepared before the lock is taken, and the transaction runs
        four statements (checks, attempt, all mastery rows, path): every statement lets
        other threads take the interpreter lock, and the writers queued behind this one
        wait for each such hand-back.
        """
        sid = attempt.student_id
        kps = sorted({attempt.kp, *mastery})
        attempt_row = (
            attempt.item_id,
            attempt.kp,
            attempt.answer,
            attempt.status,
            int(attempt.correct),
            attempt.misconception,
            json.dumps(list(attempt.gap_kps)),
            attempt.at,
            json.dumps(list(attempt.hints)),
            attempt.retry_answer,
            attempt.retry_status,
            int(attempt.solution_shown),
        )
        mastery_rows = [
            (sid, kp, m.p, m.attempts, m.updated_at, int(m.gap)) for kp, m in mastery.items()
        ]
        path_row = None if path is None else _path_row(sid, path)
        with self._write() as conn:
            found, latest, present = conn.execute(_RECORD_CHECKS, (sid, json.dumps(kps))).fetchone()
            if not found:
                self._get_student(conn, sid)  # raises the usual NotFoundError
            missing = checks.first_missing(kps, json.loads(present))
            if missing is not None:
                raise checks.no_point(missing, self.url)
            if expected_seq is not None and latest != expected_seq:
                raise checks.attempt_conflict(sid, expected_seq, latest)
            seq = latest + 1
            conn.execute(_INSERT_ATTEMPT, (sid, seq, *attempt_row))
            for start in range(0, len(mastery_rows), _ROWS_PER_INSERT):
                chunk = mastery_rows[start : start + _ROWS_PER_INSERT]
                conn.execute(
                    _UPSERT_MASTERY + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(chunk)),
                    [value for row in chunk for value in row],
                )
            if path_row is not None:
                conn.execute(_UPSERT_PATH, path_row)
        return replace(attempt, seq=seq)

    def mastery(self, student_id: str) -> dict[str, MasteryState]:
        """See :meth:`GraphStore.mastery`."""
        conn = self._conn()
        self._get_student(conn, student_id)
        rows = conn.execute(
            "SELECT m.kp, m.p, m.attempts, m.updated_at, m.gap FROM mastery m"
            " JOIN knowledge_point k ON k.id = m.kp WHERE m.student_id = ? ORDER BY m.kp",
            (student_id,),
        )
        return {kp: MasteryState(p, n, at, bool(gap)) for kp, p, n, at, gap in rows}

    def attempts(self, student_id: str, *, limit: int | None = None) -> list[Attempt]:
        """See :meth:`GraphStore.attempts`."""
        conn = self._conn()
        self._get_student(conn, student_id)
        rows = conn.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempt"  # noqa: S608 - fixed column names
            " WHERE student_id = ? ORDER BY seq DESC LIMIT ?",
            (student_id, -1 if limit is None else limit),
        ).fetchall()
        return [_attempt_from_row(row) for row in reversed(rows)]

    def record_turn(
        self,
        student_id: str,
        seq: int,
        *,
        hint: int | None = None,
        retry: tuple[str, str] | None = None,
        solution_shown: bool = False,
    ) -> Attempt:
        """See :meth:`GraphStore.record_turn`. One IMMEDIATE transaction."""
        with self._write() as conn:
            row = conn.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempt"  # noqa: S608 - fixed column names
                " WHERE student_id = ? AND seq = ?",
                (student_id, seq),
            ).fetchone()
            if row is None:
                self._get_student(conn, student_id)  # no such student: the usual error
                raise checks.no_attempt(student_id, seq, self.url)
            attempt = _attempt_from_row(row)
            if retry is not None and attempt.retry_answer is not None:
                raise checks.retry_taken(student_id, seq)
            attempt = attempt.with_turn(hint, retry, solution_shown)
            conn.execute(
                "UPDATE attempt SET hints = ?, retry_answer = ?, retry_status = ?,"
                " solution_shown = ? WHERE student_id = ? AND seq = ?",
                (
                    json.dumps(list(attempt.hints)),
                    attempt.retry_answer,
                    attempt.retry_status,
                    int(attempt.solution_shown),
                    student_id,
                    seq,
                ),
            )
        return attempt

    def learner_state(self, student_id: str, *, recent: int = 0) -> LearnerState:
        """See :meth:`GraphStore.learner_state`. One statement, hence one snapshot."""
        rows = self._conn().execute(_LEARNER_STATE, (student_id, recent)).fetchall()
        head = next((r for r in rows if r[0] == 0), None)
        if head is None:
            raise checks.no_student(student_id, self.url)
        _, name, class_id, goal, last_seq, recent_json, curriculum, fingerprint = head
        mastery = {
            kp: MasteryState(p, n, at, bool(gap))
            for _, kp, p, n, at, gap, _, _ in sorted((r for r in rows if r[0] == 1), key=_kp_key)
        }
        items = sorted(json.loads(recent_json), reverse=True) if recent else []
        return LearnerState(
            student=Student(student_id, name, class_id, goal),
            mastery=mastery,
            last_seq=int(last_seq or 0),
            recent_items=tuple(item for _, item in items),
            curriculum=None if curriculum is None else (fingerprint or ""),
        )

    # -- accounts and stored paths -----------------------------------------------------

    def add_students(
        self, students: Sequence[Student], password_hashes: Mapping[str, str] | None = None
    ) -> None:
        """See :meth:`GraphStore.add_students`. One IMMEDIATE transaction."""
        hashes = dict(password_hashes or {})
        with self._write() as conn:
            for student in students:
                self._taken(conn, "student", "student", student.id)
                self._taken(conn, "teacher", "teacher", student.id)
                if student.class_id is not None:
                    self._get_class(conn, student.class_id)
                if student.goal is not None:
                    self._require_kp(conn, student.goal)
            conn.executemany(
                "INSERT INTO student(id, name, class_id, goal) VALUES (?, ?, ?, ?)",
                ((s.id, s.name, s.class_id, s.goal) for s in students),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO account(id, role, password_hash) VALUES (?, 'student', ?)",
                hashes.items(),
            )

    def _roles(self, conn: sqlite3.Connection, person_id: str) -> list[str]:
        return [
            role
            for table, role in (("teacher", "teacher"), ("student", "student"))
            if conn.execute(
                f"SELECT 1 FROM {table} WHERE id = ?",  # noqa: S608 - fixed table names
                (person_id,),
            ).fetchone()
        ]

    def set_password_hash(self, person_id: str, password_hash: str) -> None:
        """See :meth:`GraphStore.set_password_hash`."""
        with self._write() as conn:
            role = one_role(self._roles(conn, person_id), person_id, self.url)
            conn.execute(
                "INSERT OR REPLACE INTO account(id, role, password_hash) VALUES (?, ?, ?)",
                (person_id, role, password_hash),
            )

    def password_hash(self, person_id: str) -> str | None:
        """See :meth:`GraphStore.password_hash`."""
        conn = self._conn()
        row = conn.execute(
            "SELECT role, password_hash FROM account WHERE id = ?", (person_id,)
        ).fetchone()
        # The person must still be there in the role the hash was set for.
        if row is None or row[0] not in self._roles(conn, person_id):
            return None
        return str(row[1])

    def set_path(self, student_id: str, path: StoredPath) -> None:
        """See :meth:`GraphStore.set_path`."""
        with self._write() as conn:
            self._get_student(conn, student_id)
            _write_path(conn, student_id, path)

    def get_path(self, student_id: str) -> StoredPath | None:
        """See :meth:`GraphStore.get_path`."""
        conn = self._conn()
        self._get_student(conn, student_id)
        row = conn.execute(
            "SELECT kps, next_kp, reason, reason_zh, diagnosed_gap, updated_at, goal, kind"
            " FROM learning_path WHERE student_id = ?",
            (student_id,),
        ).fetchone()
        if row is None:
            return None
        kps, next_kp, reason, reason_zh, gap, at, goal, kind = row
        return StoredPath(list(json.loads(kps)), next_kp, reason, reason_zh, gap, at, goal, kind)

    # -- sessions and the sign-in throttle -------------------------------------------

    def open_session(self, record: SessionRecord) -> None:
        """See :meth:`Sessions.open_session`."""
        checks.check_session_record(record)
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO session(token_hash, user_id, role, name, created_at,"
                    " expires_at, kind, device_hash, parent_hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    astuple(record),
                )
            except sqlite3.IntegrityError:
                raise InputError("that session token is already in use") from None

    def get_session(self, token_hash: str) -> SessionRecord | None:
        """See :meth:`Sessions.get_session`."""
        row = (
            self._conn()
            .execute(
                "SELECT token_hash, user_id, role, name, created_at, expires_at, kind,"
                " device_hash, parent_hash FROM session WHERE token_hash = ?",
                (token_hash,),
            )
            .fetchone()
        )
        return None if row is None else SessionRecord(*row)

    def touch_session(self, token_hash: str, expires_at: float) -> None:
        """See :meth:`Sessions.touch_session`."""
        with self._write() as conn:
            conn.execute(
                "UPDATE session SET expires_at = ? WHERE token_hash = ?", (expires_at, token_hash)
            )

    def end_session(self, token_hash: str) -> bool:
        """See :meth:`Sessions.end_session`."""
        with self._write() as conn:
            cur = conn.execute("DELETE FROM session WHERE token_hash = ?", (token_hash,))
            return cur.rowcount > 0

    def end_sessions_of(self, person_id: str) -> int:
        """See :meth:`Sessions.end_sessions_of`."""
        with self._write() as conn:
            return conn.execute("DELETE FROM session WHERE user_id = ?", (person_id,)).rowcount

    def prune_sessions(self, now: float) -> int:
        """See :meth:`Sessions.prune_sessions`."""
        with self._write() as conn:
            return conn.execute("DELETE FROM session WHERE expires_at <= ?", (now,)).rowcount

    def note_sign_in_failure(
        self, keys: Sequence[str], at: float, *, forget_before: float
    ) -> list[SignInFailures]:
        """See :meth:`Sessions.note_sign_in_failure`. One IMMEDIATE transaction: the
        increments of several processes cannot interleave."""
        checks.check_throttle_keys(keys)
        with self._write() as conn:
            for key in keys:
                conn.execute(
                    "INSERT INTO sign_in_failure(key, failures, last_at) VALUES (?, 1, ?)"
                    " ON CONFLICT(key) DO UPDATE SET"
                    " failures = CASE WHEN last_at < ? THEN 1 ELSE failures + 1 END,"
                    " last_at = excluded.last_at",
                    (key, at, forget_before),
                )
            return self._failures(conn, keys)

    def sign_in_failures(self, keys: Sequence[str]) -> list[SignInFailures]:
        """See :meth:`Sessions.sign_in_failures`."""
        checks.check_throttle_keys(keys)
        return self._failures(self._conn(), keys)

    def clear_sign_in_failures(self, key: str) -> None:
        """See :meth:`Sessions.clear_sign_in_failures`."""
        with self._write() as conn:
            conn.execute("DELETE FROM sign_in_failure WHERE key = ?", (key,))

    def prune_sign_in_failures(self, before: float) -> int:
        """See :meth:`Sessions.prune_sign_in_failures`."""
        with self._write() as conn:
            return conn.execute("DELETE FROM sign_in_failure WHERE last_at < ?", (before,)).rowcount

    @staticmethod
    def _failures(conn: sqlite3.Connection, keys: Sequence[str]) -> list[SignInFailures]:
        found = {
            r[0]: SignInFailures(r[0], int(r[1]), float(r[2]))
            for r in conn.execute(
                "SELECT key, failures, last_at FROM sign_in_failure"
                " WHERE key IN (SELECT value FROM json_each(?))",
                (json.dumps(list(keys)),),
            )
        }
        return [found.get(k, SignInFailures(k, 0, 0.0)) for k in keys]

    def set_placement(
        self,
        student_id: str,
        document: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        mastery: Mapping[str, MasteryState] | None = None,
        path: StoredPath | None = None,
    ) -> int:
        """See :meth:`GraphStore.set_placement`. One IMMEDIATE transaction."""
        text = json.dumps(document, ensure_ascii=False, sort_keys=True)
        rows = [
            (student_id, kp, m.p, m.attempts, m.updated_at, int(m.gap))
            for kp, m in sorted((mastery or {}).items())
        ]
        with self._write() as conn:
            self._get_student(conn, student_id)
            if rows:
                kps = [r[1] for r in rows]
                present = {
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM knowledge_point"
                        " WHERE id IN (SELECT value FROM json_each(?))",
                        (json.dumps(kps),),
                    )
                }
                missing = checks.first_missing(kps, present)
                if missing is not None:
                    raise checks.no_point(missing, self.url)
            row = conn.execute(
                "SELECT version FROM placement WHERE student_id = ?", (student_id,)
            ).fetchone()
            latest = int(row[0]) if row else 0
            if expected_version is not None and latest != expected_version:
                raise checks.placement_conflict(student_id, expected_version, latest)
            conn.execute(
                "INSERT OR REPLACE INTO placement(student_id, document, version) VALUES (?, ?, ?)",
                (student_id, text, latest + 1),
            )
            for start in range(0, len(rows), _ROWS_PER_INSERT):
                chunk = rows[start : start + _ROWS_PER_INSERT]
                conn.execute(
                    _UPSERT_MASTERY + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(chunk)),
                    [value for r in chunk for value in r],
                )
            if path is not None:
                _write_path(conn, student_id, path)
        return latest + 1

    def get_placement(self, student_id: str) -> tuple[dict[str, Any], int] | None:
        """See :meth:`GraphStore.get_placement`."""
        conn = self._conn()
        self._get_student(conn, student_id)
        row = conn.execute(
            "SELECT document, version FROM placement WHERE student_id = ?", (student_id,)
        ).fetchone()
        if row is None:
            return None
        return dict(json.loads(row[0])), int(row[1])


def _checkpoint_loop(
    store_ref: weakref.ReferenceType[SqliteStore], path: Path, closing: threading.Event
) -> None:
    """Copy committed WAL pages into the database file every CHECKPOINT_EVERY_S while
    there were new commits; once more when the store closes or is garbage-collected.

    A PASSIVE checkpoint waits for nobody: writers keep appending to the WAL meanwhile.
    Its own connection, so no statement of it runs under the writer lock. Failures (a
    full disk, another process checkpointing) are logged and tried again next time.
    """
    conn: sqlite3.Connection | None = None
    done = 0
    try:
        while True:
            closed = closing.wait(CHECKPOINT_EVERY_S)
            store = store_ref()
            last = closed or store is None
            commits = done if store is None else store._commits
            del store  # no strong reference while waiting
            if commits != done or last:
                done = commits
                try:
                    if conn is None:
                        conn = sqlite3.connect(path, timeout=1.0, isolation_level=None)
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:
                    log.warning("checkpoint of %s failed (tried again later): %s", path, exc)
            if last:
                return
    finally:
        if conn is not None:
            conn.close()


_UPSERT_PATH = (
    "INSERT OR REPLACE INTO learning_path(student_id, kps, next_kp, reason,"
    " reason_zh, diagnosed_gap, updated_at, goal, kind)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

#: The curriculum's name (None: no curriculum) and fingerprint, in one statement.
_CURRICULUM_FINGERPRINT = (
    "SELECT (SELECT value FROM meta WHERE key = 'curriculum_name'),"
    " (SELECT value FROM meta WHERE key = 'curriculum_fingerprint')"
)

#: record_attempt's checks in one statement: does the student exist, their latest seq,
#: and which of the points (a JSON list) are stored.
_RECORD_CHECKS = (
    "SELECT (SELECT count(*) FROM student WHERE id = ?1),"
    " (SELECT coalesce(max(seq), 0) FROM attempt WHERE student_id = ?1),"
    " (SELECT json_group_array(id) FROM knowledge_point"
    "  WHERE id IN (SELECT value FROM json_each(?2)))"
)

_INSERT_ATTEMPT = (
    "INSERT INTO attempt(student_id, seq, item_id, kp, answer, status, correct,"
    " misconception, gap_kps, at, hints, retry_answer, retry_status, solution_shown)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_ATTEMPT_COLUMNS = (
    "student_id, item_id, kp, answer, status, correct, misconception, gap_kps, at, seq,"
    " hints, retry_answer, retry_status, solution_shown"
)

#: Mastery rows go in as one multi-row statement (the values stay bound parameters, so
#: every float is stored exactly); this many rows per statement keeps it far below
#: SQLite's limit on parameters.
_UPSERT_MASTERY = (
    "INSERT OR REPLACE INTO mastery(student_id, kp, p, attempts, updated_at, gap) VALUES "
)
_ROWS_PER_INSERT = 100

#: learner_state in one statement (so one snapshot): a tag-0 row with the student, the
#: latest seq, the last ?2 attempts' [seq, item id] pairs (JSON: integers and text only,
#: so nothing is rounded) and the curriculum name and fingerprint; then a tag-1 row per
#: mastery state, its numbers as stored. No tag-0 row: no such student.
_LEARNER_STATE = """
SELECT 0, s.name, s.class_id, s.goal,
       (SELECT max(seq) FROM attempt WHERE student_id = ?1),
       (SELECT json_group_array(json_array(seq, item_id)) FROM
            (SELECT seq, item_id FROM attempt WHERE student_id = ?1 ORDER BY seq DESC LIMIT ?2)),
       (SELECT value FROM meta WHERE key = 'curriculum_name'),
       (SELECT value FROM meta WHERE key = 'curriculum_fingerprint')
FROM student s WHERE s.id = ?1
UNION ALL
SELECT 1, m.kp, m.p, m.attempts, m.updated_at, m.gap, NULL, NULL
FROM mastery m JOIN knowledge_point k ON k.id = m.kp WHERE m.student_id = ?1
"""


#: Columns added since schema 1, by table: (column, its definition with the default
#: every older row gets). ``CREATE TABLE IF NOT EXISTS`` leaves an older table as it is,
#: so opening a store adds what its tables lack; old rows read as "no hint, no second
#: try, no solution shown".
_MIGRATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "attempt": (
        ("hints", "TEXT NOT NULL DEFAULT '[]'"),
        ("retry_answer", "TEXT"),
        ("retry_status", "TEXT"),
        ("solution_shown", "INTEGER NOT NULL DEFAULT 0"),
    ),
}


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring an older database up to :data:`SCHEMA_VERSION` (inside the caller's
    transaction, so a failure leaves it as it was)."""
    for table, columns in _MIGRATIONS.items():
        have = {r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))}
        for name, definition in columns:
            if name not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")
                log.info("store migration: added %s.%s", table, name)
    conn.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
        (str(SCHEMA_VERSION), SCHEMA_VERSION),
    )


def _attempt_from_row(row: tuple[Any, ...]) -> Attempt:
    sid, item, kp, ans, st, ok, mc, gaps, at, seq, hints, retry, retry_st, shown = row
    return Attempt(
        sid,
        item,
        kp,
        ans,
        st,
        bool(ok),
        mc,
        tuple(json.loads(gaps)),
        at,
        seq,
        tuple(json.loads(hints)),
        retry,
        retry_st,
        bool(shown),
    )


def _kp_key(row: tuple[Any, ...]) -> str:
    return str(row[1])


def _path_row(student_id: str, path: StoredPath) -> tuple[Any, ...]:
    return (
        student_id,
        json.dumps(list(path.kps)),
        path.next_kp,
        path.reason,
        path.reason_zh,
        path.diagnosed_gap,
        path.updated_at,
        path.goal,
        path.kind,
    )


def _write_path(conn: sqlite3.Connection, student_id: str, path: StoredPath) -> None:
    conn.execute(_UPSERT_PATH, _path_row(student_id, path))


def _attrs_json(attrs: Mapping[str, str]) -> str:
    # Most points have no extra attributes; skipping json for them saves seconds at 100k.
    return json.dumps(dict(attrs), ensure_ascii=False, sort_keys=True) if attrs else "{}"


def _problem_from_row(row: tuple[Any, ...]) -> Problem:
    pid, source, kp, skills, title, data = row
    return Problem(pid, source, kp, tuple(json.loads(skills)), title, data)


def _kp_from_row(row: tuple[Any, ...], standards: tuple[str, ...]) -> KnowledgePoint:
    kp_id, name, name_zh, subject, grade, domain, description, description_zh, attrs = row
    return KnowledgePoint(
        id=kp_id,
        name=name,
        name_zh=name_zh,
        subject=subject,
        grade=grade,
        domain=domain,
        description=description,
        description_zh=description_zh,
        standards=standards,
        attrs=json.loads(attrs),
    )
