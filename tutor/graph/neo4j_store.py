"""The Neo4j 5 engine, through the official ``neo4j`` driver.

* One injected :class:`neo4j.Driver`; managed transactions (``execute_read`` /
  ``execute_write``), so transient failures are retried by the driver.
* Cypher comes from :mod:`tutor.graph.cypher`; every value is a parameter.
* Constraints and indexes come from ``graph/schema.cypher`` and are applied
  idempotently when the store is opened.
* Connection problems surface as :class:`StoreUnavailable` with a message that
  names the URL, never as a driver traceback; a request the server did not finish in
  time (its transaction timeout, no free connection, retries used up) as
  :class:`StoreBusy`, which the app turns into "try again".
* Learner state is laid out so that answering writes only the student's own nodes (see
  :mod:`tutor.graph.cypher`, "learner state"); :meth:`Neo4jStore.migrate` moves a store
  written in the earlier layout.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from tutor.domain import (
    KP_FIELDS,
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
from tutor.errors import (
    InputError,
    MissingDependency,
    NotFoundError,
    StoreBusy,
    StoreError,
    StoreUnavailable,
)
from tutor.graph import algorithms, checks, cypher
from tutor.graph.protocol import LearnerState, MigrationReport
from tutor.resources import shipped_path
from tutor.settings import Settings

if TYPE_CHECKING:
    from neo4j import Driver, ManagedTransaction

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Rows per UNWIND statement when loading; all batches share one transaction.
BATCH = 10_000

#: Stripes of the in-process lock that queues one student's attempt writes (see
#: :meth:`Neo4jStore.record_attempt`); a fixed number, so memory does not grow with students.
_WRITE_STRIPES = 64

#: Version of how a curriculum is laid out in the database (2: points carry `ix`).
#: A stored curriculum of another format is reloaded even if its content is the same.
STORE_FORMAT = 2

#: Version of how learner state is laid out (2: mastery as lists on the Student node; 1:
#: MASTERY relationships to the shared KnowledgePoint nodes). ``tutor migrate`` moves 1 to 2.
LEARNER_LAYOUT = 2

#: Students moved per transaction by :meth:`Neo4jStore.migrate`.
MIGRATE_BATCH = 500

#: Server error codes that mean "the transaction ran past its timeout" or "it was stopped
#: (by that timeout) while waiting for a lock" (the names differ across 5.x releases).
_TIMEOUT_CODES = frozenset(
    {
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
        "Neo.ClientError.Transaction.LockClientStopped",
        "Neo.TransientError.Transaction.LockClientStopped",
        "Neo.ClientError.Transaction.Terminated",
        "Neo.TransientError.Transaction.Terminated",
    }
)


def display_url(url: str) -> str:
    """The URL without any user:password part, safe to print."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def open_neo4j_store(url: str, settings: Settings) -> Neo4jStore:
    """Registry factory for ``neo4j://`` and ``bolt://`` URLs: connect, check, apply schema."""
    try:
        import neo4j
    except ImportError:  # pragma: no cover - neo4j is a core dependency
        raise MissingDependency(
            "the Neo4j engine needs the neo4j driver: pip install neo4j"
        ) from None
    parts = urlsplit(url)
    user = parts.username or settings.neo4j_user
    password = parts.password or settings.neo4j_password
    shown = display_url(url)
    if password is None:
        raise InputError(
            f"no password for Neo4j at {shown}: set TUTOR_NEO4J_PASSWORD "
            "(make neo4j-up writes it to .neo4j.env)"
        )
    driver = neo4j.GraphDatabase.driver(
        display_url(url),
        auth=(user, password),
        connection_timeout=5.0,
        max_transaction_retry_time=10.0,
        # Every thread serving a request holds at most one connection at a time; one that
        # finds none free gives up as a timed-out transaction would (StoreBusy), not after
        # the driver's default minute.
        max_connection_pool_size=settings.neo4j_pool_size,
        connection_acquisition_timeout=settings.neo4j_tx_timeout_s,
        # Our queries name labels that may not exist yet in an empty database; the
        # server's "unknown label" notices are noise, not problems.
        notifications_min_severity="OFF",
    )
    store = Neo4jStore(
        driver,
        url=shown,
        database=settings.neo4j_database,
        tx_timeout_s=settings.neo4j_tx_timeout_s,
    )
    try:
        with store._translate_errors():
            driver.verify_connectivity()
        store.apply_schema()
        store.check_layout()
    except BaseException:
        driver.close()
        raise
    return store


@checks.checked_inputs
class Neo4jStore:
    """The Neo4j :class:`~tutor.graph.protocol.GraphStore` engine.

    Arguments are checked by :mod:`tutor.graph.checks` before a method runs (the class
    decorator); the methods check only what needs the stored data.
    """

    def __init__(
        self,
        driver: Driver,
        *,
        url: str,
        database: str | None = None,
        tx_timeout_s: float | None = 5.0,
    ) -> None:
        self._driver = driver
        self.url = url
        self._database = database
        #: The server-side limit of a student's request (see :meth:`_read`); None: the
        #: server's own ``db.transaction.timeout``.
        self.tx_timeout_s = tx_timeout_s
        # (curriculum fingerprint, ids indexed by `ix`, the same ids as a set): see
        # cypher.ALL_PREREQUISITES and _kp_ids_now.
        self._id_table: tuple[str, list[str], frozenset[str]] | None = None
        self._student_locks = [threading.Lock() for _ in range(_WRITE_STRIPES)]
        # True while the database may still hold learner state in the old layout.
        self._old_layout = False
        # Transactions open right now and the most at once since reset_peak(): what the
        # connection pool must hold (a transaction holds one connection).
        self._busy_lock = threading.Lock()
        self._in_flight = 0
        self.peak_in_flight = 0

    # -- plumbing ----------------------------------------------------------------------

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        """Turn driver failures into one-line :class:`StoreUnavailable` messages."""
        from neo4j.exceptions import (
            AuthError,
            ConnectionAcquisitionTimeoutError,
            DriverError,
            Neo4jError,
            ServiceUnavailable,
            SessionExpired,
            TransientError,
        )

        try:
            yield
        except AuthError:
            raise StoreUnavailable(
                f"Neo4j at {self.url} refused the user name or password; check "
                "TUTOR_NEO4J_USER and TUTOR_NEO4J_PASSWORD "
                "(make neo4j-up writes them to .neo4j.env)"
            ) from None
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.url} is not reachable ({_first_line(exc)}); start it with "
                "`make neo4j-up` or check TUTOR_STORE"
            ) from None
        except OSError as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} is not reachable ({exc})") from None
        except ConnectionAcquisitionTimeoutError:
            raise self._busy("no connection to the server was free") from None
        except TransientError as exc:
            # The driver retried it for max_transaction_retry_time and it kept failing.
            raise self._busy(f"{exc.code}, retried") from None
        except Neo4jError as exc:
            if exc.code in _TIMEOUT_CODES:
                raise self._busy(f"{exc.code}") from None
            # The transaction was rolled back by the server: nothing was written.
            raise StoreError(
                f"Neo4j at {self.url} refused the operation ({exc.code}: "
                f"{_first_line(Exception(exc.message or ''))}); nothing was changed"
            ) from None
        except DriverError as exc:
            raise StoreError(f"Neo4j driver error for {self.url}: {_first_line(exc)}") from None

    def _busy(self, why: str) -> StoreBusy:
        limit = "" if self.tx_timeout_s is None else f" within {self.tx_timeout_s:g} s"
        return StoreBusy(
            f"Neo4j at {self.url} did not finish the request{limit} ({why}); nothing was "
            "saved — try again"
        )

    def _read(self, work: Callable[[ManagedTransaction], T], *, quick: bool = False) -> T:
        """Run ``work`` in a managed read transaction. ``quick``: a student's request,
        cut by the server after :attr:`tx_timeout_s` (a hung request becomes StoreBusy
        instead of a page that never answers); otherwise the server's own limit, for
        bulk work such as loading a curriculum."""
        return self._run(work, quick=quick, write=False)

    def _write(self, work: Callable[[ManagedTransaction], T], *, quick: bool = False) -> T:
        """Run ``work`` in a managed write transaction (``quick`` as for :meth:`_read`)."""
        return self._run(work, quick=quick, write=True)

    def _run(self, work: Callable[[ManagedTransaction], T], *, quick: bool, write: bool) -> T:
        if quick and self.tx_timeout_s is not None:
            from neo4j import unit_of_work

            work = unit_of_work(timeout=self.tx_timeout_s)(work)
        with self._busy_lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            with (
                self._translate_errors(),
                self._driver.session(database=self._database) as session,
            ):
                return session.execute_write(work) if write else session.execute_read(work)
        finally:
            with self._busy_lock:
                self._in_flight -= 1

    def reset_peak(self) -> int:
        """Start counting the most transactions open at once afresh; the previous peak."""
        with self._busy_lock:
            peak, self.peak_in_flight = self.peak_in_flight, self._in_flight
        return peak

    def apply_schema(self) -> None:
        """Create the constraints and indexes of ``graph/schema.cypher`` if missing."""
        text = shipped_path("graph/schema.cypher").read_text(encoding="utf-8")
        lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
        statements = [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
        for statement in statements:
            # Schema statements cannot share a transaction with data writes, so each
            # runs in its own (managed, hence retried while the server starts) one.
            self._write(lambda tx, s=statement: tx.run(s).consume())  # type: ignore[misc]

    def close(self) -> None:
        """Close the driver and its connection pool."""
        self._driver.close()

    # -- curriculum ------------------------------------------------------------------

    def curriculum_fingerprint(self) -> str | None:
        """See :meth:`GraphStore.curriculum_fingerprint`."""

        def work(tx: ManagedTransaction) -> str | None:
            record = tx.run(cypher.CURRICULUM_FINGERPRINT).single()
            return None if record is None else str(record["fingerprint"] or "")

        return self._read(work)

    def curriculum_info(self) -> CurriculumInfo | None:
        """See :meth:`GraphStore.curriculum_info`."""

        def work(tx: ManagedTransaction) -> CurriculumInfo | None:
            record = tx.run(cypher.CURRICULUM_INFO).single()
            if record is None:
                return None
            return CurriculumInfo(
                name=record["name"],
                fingerprint=record["fingerprint"],
                knowledge_points=record["kps"],
                prerequisite_edges=record["edges"],
                standards=record["standards"],
            )

        return self._read(work)

    def load_curriculum(self, curriculum: Curriculum) -> LoadReport:
        """See :meth:`GraphStore.load_curriculum`. One transaction for everything."""
        fingerprint = curriculum.fingerprint()
        info = self.curriculum_info()
        if info is not None and info.fingerprint == fingerprint and self._format() == STORE_FORMAT:
            return LoadReport.of(curriculum, unchanged=True)
        kp_rows = [_kp_row(kp) for kp in curriculum.knowledge_points]
        for ix, row in enumerate(sorted(kp_rows, key=lambda r: str(r["id"]))):
            row["ix"] = ix
        std_rows = [
            {
                "id": s.id,
                "framework": s.framework,
                "grade": s.grade,
                "domain": s.domain,
                "description": s.description,
            }
            for s in curriculum.standards
        ]
        edge_rows = [e._asdict() for e in curriculum.edges]
        related_rows = [{"a": a, "b": b} for a, b in (sorted(p) for p in curriculum.related)]
        std_edge_rows = [e._asdict() for e in curriculum.standard_edges]
        align_rows = [
            {"kp": kp.id, "standard": sid}
            for kp in curriculum.knowledge_points
            for sid in kp.standards
        ]

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.DELETE_STALE_KNOWLEDGE_POINTS, ids=[r["id"] for r in kp_rows]).consume()
            tx.run(cypher.DELETE_STALE_STANDARDS, ids=[r["id"] for r in std_rows]).consume()
            tx.run(cypher.DELETE_CURRICULUM_RELATIONSHIPS).consume()
            tx.run(cypher.DELETE_STANDARD_RELATIONSHIPS).consume()
            tx.run(cypher.DELETE_CONTENT).consume()
            for statement, rows in (
                (cypher.UPSERT_KNOWLEDGE_POINTS, kp_rows),
                (cypher.UPSERT_STANDARDS, std_rows),
                (cypher.CREATE_REQUIRES, edge_rows),
                (cypher.CREATE_RELATED, related_rows),
                (cypher.CREATE_STANDARD_REQUIRES, std_edge_rows),
                (cypher.CREATE_ALIGNS_TO, align_rows),
            ):
                for start in range(0, len(rows), BATCH):
                    tx.run(statement, rows=rows[start : start + BATCH]).consume()
            tx.run(
                cypher.SET_CURRICULUM,
                name=curriculum.name,
                fingerprint=fingerprint,
                format=STORE_FORMAT,
            ).consume()

        self._write(work)
        log.info("loaded curriculum %s into %s", curriculum.name, self.url)
        return LoadReport.of(curriculum, unchanged=False)

    def _format(self) -> int | None:
        def work(tx: ManagedTransaction) -> int | None:
            record = tx.run(cypher.CURRICULUM_FORMAT).single()
            return None if record is None else record["format"]

        return self._read(work)

    def curriculum(self) -> Curriculum | None:
        """See :meth:`GraphStore.curriculum`. One read transaction."""

        def work(tx: ManagedTransaction) -> Curriculum | None:
            record = tx.run(cypher.CURRICULUM_NAME).single()
            if record is None:
                return None
            result = tx.run(cypher.LIST_KNOWLEDGE_POINTS, grade=None, domain=None)
            kps = [_kp_from_record(r["kp"], r["standards"]) for r in result]
            edges = [Edge(r["prerequisite"], r["dependent"]) for r in tx.run(cypher.ALL_EDGES)]
            related = [(r["a"], r["b"]) for r in tx.run(cypher.ALL_RELATED)]
            standards = [_standard(r["standard"]) for r in tx.run(cypher.ALL_STANDARDS)]
            standard_edges = [
                Edge(r["prerequisite"], r["dependent"]) for r in tx.run(cypher.ALL_STANDARD_EDGES)
            ]
            return Curriculum(
                name=record["name"],
                knowledge_points=tuple(sorted(kps, key=lambda kp: kp.id)),
                edges=tuple(sorted(edges)),
                related=tuple(sorted(related)),
                standards=tuple(sorted(standards, key=lambda s: s.id)),
                standard_edges=tuple(sorted(standard_edges)),
            )

        return self._read(work)

    # -- reads -----------------------------------------------------------------------

    def get_node(self, kp_id: str) -> KnowledgePoint:
        """See :meth:`GraphStore.get_node`."""

        def work(tx: ManagedTransaction) -> KnowledgePoint | None:
            record = tx.run(cypher.GET_KNOWLEDGE_POINT, id=kp_id).single()
            return None if record is None else _kp_from_record(record["kp"], record["standards"])

        kp = self._read(work)
        if kp is None:
            raise self._not_found(kp_id)
        return kp

    def get_standard(self, standard_id: str) -> Standard:
        """See :meth:`GraphStore.get_standard`."""

        def work(tx: ManagedTransaction) -> dict[str, Any] | None:
            record = tx.run(cypher.GET_STANDARD, id=standard_id).single()
            return None if record is None else dict(record["standard"])

        row = self._read(work)
        if row is None:
            raise checks.no_standard(standard_id, self.url)
        return _standard(row)

    def list_nodes(
        self, *, grade: str | None = None, domain: str | None = None
    ) -> list[KnowledgePoint]:
        """See :meth:`GraphStore.list_nodes`."""

        def work(tx: ManagedTransaction) -> list[KnowledgePoint]:
            result = tx.run(cypher.LIST_KNOWLEDGE_POINTS, grade=grade, domain=domain)
            return [_kp_from_record(r["kp"], r["standards"]) for r in result]

        kps = self._read(work)
        kps.sort(key=lambda k: (grade_rank(k.grade), k.id))
        return kps

    def _not_found(self, kp_id: str) -> NotFoundError:
        return checks.no_point(kp_id, self.url)

    def _closure(self, kp_id: str, depth: int | None, *, upward: bool) -> list[str]:
        step = cypher.DIRECT_PREREQUISITES if upward else cypher.DIRECT_DEPENDENTS
        full = cypher.ALL_PREREQUISITES if upward else cypher.ALL_DEPENDENTS

        def work(tx: ManagedTransaction) -> list[str] | None:
            if depth is None:
                record = tx.run(full, id=kp_id).single()
                if record is None:
                    return None
                ids = self._ids_by_ix(tx, record["fingerprint"])
                return [ids[ix] for ix in sorted(record["ixs"])]
            if not tx.run(cypher.KNOWLEDGE_POINT_EXISTS, id=kp_id).single(strict=True)["found"]:
                return None
            seen = {kp_id}
            frontier = [kp_id]
            for _ in range(depth):
                if not frontier:
                    break
                found = tx.run(step, ids=frontier).single(strict=True)["ids"]
                frontier = [i for i in found if i not in seen]
                seen.update(frontier)
            seen.discard(kp_id)
            return list(seen)

        ids = self._read(work)
        if ids is None:
            raise self._not_found(kp_id)
        return sorted(ids)

    def _ids_by_ix(self, tx: ManagedTransaction, fingerprint: str) -> list[str]:
        """Ids indexed by `ix` for the curriculum with ``fingerprint`` (cached, read in ``tx``)."""
        return self._id_cache(tx, fingerprint)[1]

    def _kp_ids_now(self, tx: ManagedTransaction, fingerprint: str | None) -> frozenset[str]:
        """The ids of the stored points (``fingerprint``: the curriculum's, as read in ``tx``;
        None: no curriculum). Mastery of a point outside them is not shown."""
        return frozenset() if fingerprint is None else self._id_cache(tx, fingerprint)[2]

    def _id_cache(
        self, tx: ManagedTransaction, fingerprint: str
    ) -> tuple[str, list[str], frozenset[str]]:
        table = self._id_table
        if table is None or table[0] != fingerprint:
            rows = tx.run(cypher.ID_TABLE).values()
            ids = [""] * len(rows)
            for ix, kp_id in rows:
                ids[ix] = kp_id
            table = (fingerprint, ids, frozenset(ids))
            self._id_table = table
        return table

    def prerequisites(self, kp_id: str, depth: int | None = None) -> list[str]:
        """See :meth:`GraphStore.prerequisites`."""
        return self._closure(kp_id, depth, upward=True)

    def dependents(self, kp_id: str, depth: int | None = None) -> list[str]:
        """See :meth:`GraphStore.dependents`."""
        return self._closure(kp_id, depth, upward=False)

    def direct_prerequisites(self, kp_ids: Collection[str]) -> dict[str, list[str]]:
        """See :meth:`GraphStore.direct_prerequisites`."""
        wanted = list(dict.fromkeys(kp_ids))

        def work(tx: ManagedTransaction) -> dict[str, list[str]]:
            result = tx.run(cypher.DIRECT_PREREQUISITE_MAP, ids=wanted)
            return {r["id"]: sorted(r["prereqs"]) for r in result}

        found = self._read(work)
        for kp_id in wanted:
            if kp_id not in found:
                raise self._not_found(kp_id)
        return {k: found[k] for k in wanted}

    def related(self, kp_id: str) -> list[str]:
        """See :meth:`GraphStore.related`."""

        def work(tx: ManagedTransaction) -> list[str] | None:
            if not tx.run(cypher.KNOWLEDGE_POINT_EXISTS, id=kp_id).single(strict=True)["found"]:
                return None
            return [r["id"] for r in tx.run(cypher.RELATED, id=kp_id)]

        ids = self._read(work)
        if ids is None:
            raise self._not_found(kp_id)
        return sorted(ids)

    def learning_order(self, target: str, known: Collection[str] = ()) -> list[str]:
        """See :meth:`GraphStore.learning_order`."""

        def work(tx: ManagedTransaction) -> list[tuple[str, str | None, list[str]]]:
            record = tx.run(cypher.LEARNING_SUBGRAPH, id=target).single()
            rows = [] if record is None else record["rows"]
            return [(kp, grade, list(pres)) for kp, grade, pres in rows]

        rows = self._read(work)
        if not rows:
            raise self._not_found(target)
        known_set = set(known)
        nodes = {kp for kp, _, _ in rows if kp not in known_set}
        prereqs = {kp: pres for kp, _, pres in rows}
        grades = {kp: grade for kp, grade, _ in rows}
        return algorithms.learning_order(nodes, prereqs, grades)

    def stats(self) -> GraphStats:
        """See :meth:`GraphStore.stats`."""

        def work(tx: ManagedTransaction) -> tuple[list[str], list[tuple[str, str]]]:
            nodes = [r["id"] for r in tx.run(cypher.ALL_NODE_IDS)]
            edges = [(r["prerequisite"], r["dependent"]) for r in tx.run(cypher.ALL_EDGES)]
            return nodes, edges

        nodes, edges = self._read(work)
        return algorithms.graph_stats(nodes, edges)

    # -- content bank ------------------------------------------------------------------

    @staticmethod
    def _kp_ids(tx: ManagedTransaction) -> set[str]:
        return set(tx.run(cypher.KNOWLEDGE_POINT_IDS).single(strict=True)["ids"])

    def load_content(self, bank: ContentBank) -> None:
        """See :meth:`GraphStore.load_content`. Validated and written in one transaction."""
        family_rows = [
            {
                "id": f.id,
                "generator": f.generator,
                "kp": f.kp,
                "levels": list(f.levels),
                "assesses": [{"kp": kp, "weight": w} for kp, w in f.assesses],
            }
            for f in bank.families
        ]
        mc_rows = [
            {
                "id": m.id,
                "description": m.description,
                "description_zh": m.description_zh,
                "signals": list(m.signals),
            }
            for m in bank.misconceptions
        ]

        def work(tx: ManagedTransaction) -> None:
            # Raising inside the transaction function rolls everything back.
            validate_content(bank, self._kp_ids(tx))
            tx.run(cypher.DELETE_CONTENT).consume()
            for statement, rows in (
                (cypher.CREATE_ITEM_FAMILIES, family_rows),
                (cypher.CREATE_MISCONCEPTIONS, mc_rows),
            ):
                for start in range(0, len(rows), BATCH):
                    tx.run(statement, rows=rows[start : start + BATCH]).consume()

        self._write(work)

    def item_families(self, kp_id: str | None = None) -> list[ItemFamily]:
        """See :meth:`GraphStore.item_families`."""

        def work(tx: ManagedTransaction) -> list[ItemFamily]:
            return [
                ItemFamily(
                    r["id"],
                    r["generator"],
                    r["kp"],
                    tuple(r["levels"]),
                    tuple((kp, float(w)) for kp, w in r["assesses"]),
                )
                for r in tx.run(cypher.ITEM_FAMILIES, kp=kp_id)
            ]

        return self._read(work)

    def misconceptions(self, kp_id: str | None = None) -> list[MisconceptionInfo]:
        """See :meth:`GraphStore.misconceptions`."""

        def work(tx: ManagedTransaction) -> list[MisconceptionInfo]:
            return [
                MisconceptionInfo(
                    r["id"], r["description"], r["description_zh"], tuple(r["signals"])
                )
                for r in tx.run(cypher.MISCONCEPTIONS, kp=kp_id)
            ]

        return self._read(work)

    def load_problems(self, source: str, problems: Sequence[Problem]) -> None:
        """See :meth:`GraphStore.load_problems`. Validated and written in one transaction."""
        rows = [
            {
                "id": p.id,
                "source": p.source,
                "kp": p.kp,
                "skills": list(p.skills),
                "title": p.title,
                "data": p.data,
            }
            for p in problems
        ]

        def work(tx: ManagedTransaction) -> None:
            validate_problems(source, problems, self._kp_ids(tx))
            tx.run(cypher.DELETE_PROBLEMS_OF_SOURCE, source=source).consume()
            for start in range(0, len(rows), BATCH):
                tx.run(cypher.CREATE_PROBLEMS, rows=rows[start : start + BATCH]).consume()

        self._write(work)

    def problems(
        self, *, kp_id: str | None = None, source: str | None = None, limit: int | None = None
    ) -> list[Problem]:
        """See :meth:`GraphStore.problems`."""

        def work(tx: ManagedTransaction) -> list[Problem]:
            result = tx.run(
                cypher.PROBLEMS,
                kp=kp_id,
                source=source,
                limit=_NO_LIMIT if limit is None else limit,
            )
            return [_problem_from_record(r) for r in result]

        return self._read(work)

    def get_problem(self, problem_id: str) -> Problem:
        """See :meth:`GraphStore.get_problem`."""

        def work(tx: ManagedTransaction) -> Problem | None:
            record = tx.run(cypher.GET_PROBLEM, id=problem_id).single()
            return None if record is None else _problem_from_record(record)

        problem = self._read(work)
        if problem is None:
            raise checks.no_problem(problem_id, self.url)
        return problem

    def content_counts(self) -> ContentCounts:
        """See :meth:`GraphStore.content_counts`."""

        def work(tx: ManagedTransaction) -> ContentCounts:
            r = tx.run(cypher.CONTENT_COUNTS).single(strict=True)
            return ContentCounts(
                item_families=r["families"],
                knowledge_points_with_families=r["family_kps"],
                misconceptions=r["misconceptions"],
                problems=r["problems"],
                problems_mapped=r["mapped"],
            )

        return self._read(work)

    # -- people ----------------------------------------------------------------------------

    def _one(self, tx: ManagedTransaction, query: str, **params: Any) -> dict[str, Any] | None:
        record = tx.run(query, **params).single()
        return None if record is None else dict(record)

    def _teacher(self, tx: ManagedTransaction, teacher_id: str) -> Teacher:
        row = self._one(tx, cypher.TEACHER_EXISTS, id=teacher_id)
        if row is None:
            raise checks.no_teacher(teacher_id, self.url)
        return Teacher(teacher_id, row["name"])

    def _class(self, tx: ManagedTransaction, class_id: str) -> ClassGroup:
        row = self._one(tx, cypher.CLASS_BY_ID, id=class_id)
        if row is None:
            raise checks.no_class(class_id, self.url)
        return ClassGroup(row["id"], row["name"], row["teacher_id"])

    def _student(self, tx: ManagedTransaction, student_id: str) -> Student:
        row = self._one(tx, cypher.STUDENT_BY_ID, id=student_id)
        if row is None:
            raise checks.no_student(student_id, self.url)
        return Student(row["id"], row["name"], row["class_id"], row["goal"])

    def _require_kps(self, tx: ManagedTransaction, kp_ids: Collection[str]) -> None:
        found = set(
            tx.run(cypher.KNOWLEDGE_POINTS_PRESENT, ids=list(kp_ids)).single(strict=True)["found"]
        )
        missing = checks.first_missing(kp_ids, found)
        if missing is not None:
            raise self._not_found(missing)

    def _taken(self, kind: str, key: str) -> InputError:
        return checks.id_taken(kind, key, self.url)

    def add_teacher(self, teacher: Teacher) -> None:
        """See :meth:`GraphStore.add_teacher`."""

        def work(tx: ManagedTransaction) -> None:
            if self._one(tx, cypher.TEACHER_EXISTS, id=teacher.id) is not None:
                raise self._taken("teacher", teacher.id)
            tx.run(cypher.CREATE_TEACHER, id=teacher.id, name=teacher.name).consume()

        self._write(work)

    def add_class(self, group: ClassGroup) -> None:
        """See :meth:`GraphStore.add_class`."""

        def work(tx: ManagedTransaction) -> None:
            if self._one(tx, cypher.CLASS_BY_ID, id=group.id) is not None:
                raise self._taken("class", group.id)
            self._teacher(tx, group.teacher_id)
            tx.run(
                cypher.CREATE_CLASS, id=group.id, name=group.name, teacher_id=group.teacher_id
            ).consume()

        self._write(work)

    def add_student(self, student: Student) -> None:
        """See :meth:`GraphStore.add_student`."""

        def work(tx: ManagedTransaction) -> None:
            if self._one(tx, cypher.STUDENT_BY_ID, id=student.id) is not None:
                raise self._taken("student", student.id)
            if student.class_id is not None:
                self._class(tx, student.class_id)
            if student.goal is not None:
                self._require_kps(tx, [student.goal])
            tx.run(
                cypher.CREATE_STUDENT,
                id=student.id,
                name=student.name,
                class_id=student.class_id,
                goal=student.goal,
            ).consume()

        self._write(work)

    def set_goal(self, student_id: str, kp_id: str | None) -> Student:
        """See :meth:`GraphStore.set_goal`."""

        def work(tx: ManagedTransaction) -> Student:
            student = self._student(tx, student_id)
            if kp_id is not None:
                self._require_kps(tx, [kp_id])
            tx.run(cypher.SET_GOAL, id=student_id, goal=kp_id).consume()
            return replace(student, goal=kp_id)

        return self._write(work)

    def get_teacher(self, teacher_id: str) -> Teacher:
        """See :meth:`GraphStore.get_teacher`."""
        return self._read(lambda tx: self._teacher(tx, teacher_id))

    def get_class(self, class_id: str) -> ClassGroup:
        """See :meth:`GraphStore.get_class`."""
        return self._read(lambda tx: self._class(tx, class_id))

    def get_student(self, student_id: str) -> Student:
        """See :meth:`GraphStore.get_student`."""
        return self._read(lambda tx: self._student(tx, student_id), quick=True)

    def list_classes(self, teacher_id: str | None = None) -> list[ClassGroup]:
        """See :meth:`GraphStore.list_classes`."""

        def work(tx: ManagedTransaction) -> list[ClassGroup]:
            result = tx.run(cypher.LIST_CLASSES, teacher_id=teacher_id)
            return [ClassGroup(r["id"], r["name"], r["teacher_id"]) for r in result]

        return self._read(work)

    def list_students(self, class_id: str | None = None) -> list[Student]:
        """See :meth:`GraphStore.list_students`."""

        def work(tx: ManagedTransaction) -> list[Student]:
            result = tx.run(cypher.LIST_STUDENTS, class_id=class_id)
            return [Student(r["id"], r["name"], r["class_id"], r["goal"]) for r in result]

        return self._read(work)

    def delete_class(self, class_id: str) -> None:
        """See :meth:`GraphStore.delete_class`. One write transaction."""

        def work(tx: ManagedTransaction) -> None:
            self._class(tx, class_id)
            for statement in (
                _DELETE_CLASS_SESSIONS,
                cypher.DELETE_CLASS_ATTEMPTS,
                cypher.DELETE_CLASS_STUDENTS,
                cypher.DELETE_CLASS,
            ):
                tx.run(statement, id=class_id).consume()

        self._write(work)
        log.info("deleted class %s and its students from %s", class_id, self.url)

    # -- learner state ---------------------------------------------------------------------

    def record_attempt(
        self,
        attempt: Attempt,
        mastery: Mapping[str, MasteryState],
        *,
        expected_seq: int | None = None,
        path: StoredPath | None = None,
    ) -> Attempt:
        """See :meth:`GraphStore.record_attempt`. One write transaction of two statements.

        The student's counter is claimed first (that takes the node's write lock), so the
        ``expected_seq`` check sees every answer committed before this one. Everything
        written is the student's own: the Student node (counter, mastery lists, path) and a
        new Attempt node; no node another student shares is locked.
        """
        self._require_layout()
        kps = sorted({attempt.kp, *mastery})
        params = _record_params(attempt, mastery, expected_seq, path)

        def work(tx: ManagedTransaction) -> int:
            # One statement claims the student's counter (the node's write lock, so the
            # expected_seq check cannot interleave with another write of this student) and
            # writes only when the checks pass. No row means no such student.
            r = tx.run(cypher.RECORD_ATTEMPT, params).single()
            if r is None:
                self._student(tx, attempt.student_id)  # raises the usual NotFoundError
                raise AssertionError("unreachable")  # pragma: no cover
            seq = int(r["seq"])
            if not r["ok"]:
                # Raising inside the transaction function rolls the claim back.
                missing = checks.first_missing(kps, r["found"])
                if missing is not None:
                    raise self._not_found(missing)
                assert expected_seq is not None
                raise checks.attempt_conflict(attempt.student_id, expected_seq, seq - 1)
            return seq

        # Concurrent writers of ONE student would deadlock inside Neo4j on the locks of
        # the student node and its relationship groups (measured: ~10 DeadlockDetected per
        # 24 simultaneous submissions; the driver retries each after about a second), so
        # this process queues them itself. Other processes stay correct through the node
        # lock and the expected_seq check; they only pay the occasional retry.
        stripe = zlib.crc32(attempt.student_id.encode()) % _WRITE_STRIPES
        with self._student_locks[stripe]:
            seq = self._write(work, quick=True)
        return replace(attempt, seq=seq)

    def mastery(self, student_id: str) -> dict[str, MasteryState]:
        """See :meth:`GraphStore.mastery`."""
        self._require_layout()

        def work(tx: ManagedTransaction) -> dict[str, MasteryState] | None:
            r = tx.run(cypher.MASTERY, student_id=student_id).single()
            if r is None:
                return None
            fingerprint = str(r["fingerprint"] or "") if r["has_curriculum"] else None
            return _mastery_from_lists(r, self._kp_ids_now(tx, fingerprint))

        found = self._read(work, quick=True)
        if found is None:
            raise checks.no_student(student_id, self.url)
        return found

    def attempts(self, student_id: str, *, limit: int | None = None) -> list[Attempt]:
        """See :meth:`GraphStore.attempts`."""

        def work(tx: ManagedTransaction) -> list[Attempt]:
            self._student(tx, student_id)
            result = tx.run(
                cypher.ATTEMPTS,
                student_id=student_id,
                limit=_NO_LIMIT if limit is None else limit,
            )
            rows = [dict(r["a"]) for r in result]
            return [_attempt(a) for a in reversed(rows)]

        return self._read(work, quick=limit is not None)

    def record_turn(
        self,
        student_id: str,
        seq: int,
        *,
        hint: int | None = None,
        retry: tuple[str, str] | None = None,
        solution_shown: bool = False,
    ) -> Attempt:
        """See :meth:`GraphStore.record_turn`. One write transaction."""

        def work(tx: ManagedTransaction) -> Attempt:
            found = tx.run(cypher.ATTEMPT, student_id=student_id, seq=seq).single()
            if found is None:
                self._student(tx, student_id)  # no such student: the usual error
                raise checks.no_attempt(student_id, seq, self.url)
            attempt = _attempt(dict(found["a"]))
            if retry is not None and attempt.retry_answer is not None:
                raise checks.retry_taken(student_id, seq)
            attempt = attempt.with_turn(hint, retry, solution_shown)
            tx.run(
                cypher.SET_ATTEMPT_TURN,
                student_id=student_id,
                seq=seq,
                hints=list(attempt.hints),
                retry_answer=attempt.retry_answer,
                retry_status=attempt.retry_status,
                solution_shown=attempt.solution_shown,
            ).consume()
            return attempt

        # Queued with the student's other writes (see record_attempt).
        stripe = zlib.crc32(student_id.encode()) % _WRITE_STRIPES
        with self._student_locks[stripe]:
            return self._write(work, quick=True)

    def learner_state(self, student_id: str, *, recent: int = 0) -> LearnerState:
        """See :meth:`GraphStore.learner_state`. One query in one read transaction."""
        self._require_layout()

        def work(tx: ManagedTransaction) -> LearnerState | None:
            r = tx.run(cypher.LEARNER_STATE, student_id=student_id, recent=recent).single()
            if r is None:
                return None
            fingerprint = str(r["fingerprint"] or "") if r["has_curriculum"] else None
            items = sorted(r["recent"], reverse=True)
            return LearnerState(
                student=Student(student_id, r["name"], r["class_id"], r["goal"]),
                mastery=_mastery_from_lists(r, self._kp_ids_now(tx, fingerprint)),
                last_seq=int(r["last"]),
                recent_items=tuple(str(item) for _, item in items),
                curriculum=fingerprint,
            )

        state = self._read(work, quick=True)
        if state is None:
            raise checks.no_student(student_id, self.url)
        return state

    # -- the learner-state layout ------------------------------------------------------

    def check_layout(self) -> bool:
        """Look whether the database still holds learner state in the layout before
        :data:`LEARNER_LAYOUT` (MASTERY relationships); True if it does. While it does,
        reading or writing mastery is refused with a message that says to run
        ``tutor migrate`` (reading would show no mastery, and a write would build on none)."""
        old = bool(self._read(lambda tx: tx.run(cypher.OLD_LAYOUT_PRESENT).single(strict=True)[0]))
        if old and not self._old_layout:
            log.warning("%s holds learner state in the old layout: run `tutor migrate`", self.url)
        self._old_layout = old
        return old

    def _require_layout(self) -> None:
        # Looked at again while the old layout was seen: another process (`tutor migrate`)
        # may have moved it since; after that, this costs nothing.
        if self._old_layout and self.check_layout():
            raise StoreError(
                f"Neo4j at {self.url} holds learner state in the layout of an earlier "
                "version (MASTERY relationships); run `tutor migrate` once to move it "
                "(safe to repeat); nothing was changed"
            )

    def migrate(self) -> MigrationReport:
        """Move learner state written in an earlier layout to this one (idempotent).

        Mastery held as ``(:Student)-[:MASTERY]->(:KnowledgePoint)`` relationships moves to
        the student's lists, :data:`MIGRATE_BATCH` students per transaction (a state the
        lists already hold for the same point is kept if it is newer); the relationships
        are deleted with the move. Attempt counters behind the latest attempt are set to it.
        A store already in the current layout is left as it is.
        """
        students = moved = removed = batches = 0
        while True:
            batch = self._write(lambda tx: _migrate_batch(tx, MIGRATE_BATCH))
            if batch is None:
                break
            batches += 1
            students += batch[0]
            moved += batch[1]
            removed += batch[2]
        fixed = self._write(
            lambda tx: int(tx.run(cypher.FIX_ATTEMPT_COUNTERS).single(strict=True)["fixed"])
        )
        self.check_layout()
        changed = bool(students or fixed)
        if changed:
            log.info(
                "migrated %s: mastery of %d students (%d states), %d attempt counters",
                self.url,
                students,
                moved,
                fixed,
            )
        return MigrationReport(
            store=self.url,
            engine="neo4j",
            layout=LEARNER_LAYOUT,
            changed=changed,
            moved={
                "students": students,
                "mastery_states": moved,
                "mastery_relationships_removed": removed,
                "attempt_counters": fixed,
            },
            batches=batches,
        )

    # -- accounts and stored paths -----------------------------------------------------

    def add_students(
        self, students: Sequence[Student], password_hashes: Mapping[str, str] | None = None
    ) -> None:
        """See :meth:`GraphStore.add_students`. One write transaction."""
        hashes = dict(password_hashes or {})
        rows = [
            {
                "id": s.id,
                "name": s.name,
                "class_id": s.class_id,
                "goal": s.goal,
                "hash": hashes.get(s.id),
            }
            for s in students
        ]

        def work(tx: ManagedTransaction) -> None:
            for r in tx.run(cypher.PEOPLE_TAKEN, ids=[s.id for s in students]):
                raise self._taken("student" if r["student"] else "teacher", r["id"])
            classes = sorted({s.class_id for s in students if s.class_id is not None})
            found = set(tx.run(cypher.CLASSES_PRESENT, ids=classes).single(strict=True)["found"])
            for class_id in classes:
                if class_id not in found:
                    self._class(tx, class_id)  # raises the usual NotFoundError
            self._require_kps(tx, {s.goal for s in students if s.goal is not None})
            tx.run(cypher.CREATE_STUDENTS, rows=rows).consume()

        self._write(work)

    def set_password_hash(self, person_id: str, password_hash: str) -> None:
        """See :meth:`GraphStore.set_password_hash`."""

        def work(tx: ManagedTransaction) -> None:
            row = tx.run(cypher.PERSON_ROLES, id=person_id).single(strict=True)
            roles = [role for role in ("teacher", "student") if row[role]]
            role = one_role(roles, person_id, self.url)
            query = (
                cypher.SET_TEACHER_KDF_HASH if role == "teacher" else cypher.SET_STUDENT_KDF_HASH
            )
            tx.run(query, id=person_id, hash=password_hash).consume()

        self._write(work, quick=True)

    def password_hash(self, person_id: str) -> str | None:
        """See :meth:`GraphStore.password_hash`."""

        def work(tx: ManagedTransaction) -> str | None:
            row = tx.run(cypher.PERSON_ROLES, id=person_id).single(strict=True)
            found = row["teacher_hash"] or row["student_hash"]
            return None if found is None else str(found)

        return self._read(work, quick=True)

    def set_path(self, student_id: str, path: StoredPath) -> None:
        """See :meth:`GraphStore.set_path`."""

        def work(tx: ManagedTransaction) -> None:
            self._student(tx, student_id)
            _write_path(tx, student_id, path)

        self._write(work, quick=True)

    def get_path(self, student_id: str) -> StoredPath | None:
        """See :meth:`GraphStore.get_path`."""

        def work(tx: ManagedTransaction) -> StoredPath | None:
            self._student(tx, student_id)
            r = tx.run(cypher.GET_PATH, student_id=student_id).single(strict=True)
            if r["updated_at"] is None:
                return None
            return StoredPath(
                list(r["kps"] or []),
                r["next_kp"],
                r["reason"],
                r["reason_zh"],
                r["gap"],
                float(r["updated_at"]),
                r["goal"],
                r["kind"],
            )

        return self._read(work, quick=True)

    # -- sessions and the sign-in throttle -------------------------------------------
    # Sessions and throttle counts are nodes of their own, linked to nothing: signing in
    # or checking a session never locks a Student, Teacher or KnowledgePoint node.

    def open_session(self, record: SessionRecord) -> None:
        """See :meth:`Sessions.open_session`."""
        checks.check_session_record(record)

        def work(tx: ManagedTransaction) -> None:
            if tx.run(_SESSION_EXISTS, token_hash=record.token_hash).single() is not None:
                raise InputError("that session token is already in use")
            tx.run(_CREATE_SESSION, props=asdict(record)).consume()

        self._write(work, quick=True)

    def get_session(self, token_hash: str) -> SessionRecord | None:
        """See :meth:`Sessions.get_session`."""

        def work(tx: ManagedTransaction) -> SessionRecord | None:
            row = tx.run(_GET_SESSION, token_hash=token_hash).single()
            return None if row is None else SessionRecord(**dict(row["s"]))

        return self._read(work, quick=True)

    def touch_session(self, token_hash: str, expires_at: float) -> None:
        """See :meth:`Sessions.touch_session`."""
        self._write(
            lambda tx: tx.run(
                _TOUCH_SESSION, token_hash=token_hash, expires_at=expires_at
            ).consume(),
            quick=True,
        )

    def end_session(self, token_hash: str) -> bool:
        """See :meth:`Sessions.end_session`."""

        def work(tx: ManagedTransaction) -> bool:
            return int(tx.run(_END_SESSION, token_hash=token_hash).single(strict=True)["n"]) > 0

        return self._write(work, quick=True)

    def end_sessions_of(self, person_id: str) -> int:
        """See :meth:`Sessions.end_sessions_of`."""

        def work(tx: ManagedTransaction) -> int:
            return int(tx.run(_END_SESSIONS_OF, user_id=person_id).single(strict=True)["n"])

        return self._write(work, quick=True)

    def prune_sessions(self, now: float) -> int:
        """See :meth:`Sessions.prune_sessions`."""

        def work(tx: ManagedTransaction) -> int:
            return int(tx.run(_PRUNE_SESSIONS, now=now).single(strict=True)["n"])

        return self._write(work)

    def note_sign_in_failure(
        self, keys: Sequence[str], at: float, *, forget_before: float
    ) -> list[SignInFailures]:
        """See :meth:`Sessions.note_sign_in_failure`. The SET reads the count it writes,
        so Neo4j takes the node's write lock first: concurrent failures queue, none is lost."""
        checks.check_throttle_keys(keys)

        def work(tx: ManagedTransaction) -> list[SignInFailures]:
            rows = tx.run(_NOTE_FAILURES, keys=list(keys), at=at, forget=forget_before)
            return _failures(keys, rows)

        return self._write(work, quick=True)

    def sign_in_failures(self, keys: Sequence[str]) -> list[SignInFailures]:
        """See :meth:`Sessions.sign_in_failures`."""
        checks.check_throttle_keys(keys)
        return self._read(
            lambda tx: _failures(keys, tx.run(_GET_FAILURES, keys=list(keys))), quick=True
        )

    def clear_sign_in_failures(self, key: str) -> None:
        """See :meth:`Sessions.clear_sign_in_failures`."""
        self._write(lambda tx: tx.run(_CLEAR_FAILURES, key=key).consume(), quick=True)

    def prune_sign_in_failures(self, before: float) -> int:
        """See :meth:`Sessions.prune_sign_in_failures`."""

        def work(tx: ManagedTransaction) -> int:
            return int(tx.run(_PRUNE_FAILURES, before=before).single(strict=True)["n"])

        return self._write(work)

    def set_placement(
        self,
        student_id: str,
        document: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        mastery: Mapping[str, MasteryState] | None = None,
        path: StoredPath | None = None,
    ) -> int:
        """See :meth:`GraphStore.set_placement`. One write transaction."""
        self._require_layout()
        text = json.dumps(document, ensure_ascii=False, sort_keys=True)
        lists = _mastery_params(mastery or {})
        kps = sorted((mastery or {}).keys())

        def work(tx: ManagedTransaction) -> int:
            claimed = tx.run(cypher.CLAIM_PLACEMENT, student_id=student_id, kps=kps).single()
            if claimed is None:
                self._student(tx, student_id)  # raises the usual NotFoundError
            assert claimed is not None
            missing = checks.first_missing(kps, claimed["found"])
            if missing is not None:
                raise self._not_found(missing)
            latest = int(claimed["version"])
            if expected_version is not None and latest != expected_version:
                raise checks.placement_conflict(student_id, expected_version, latest)
            tx.run(
                cypher.SET_PLACEMENT,
                student_id=student_id,
                document=text,
                version=latest + 1,
                **lists,
            ).consume()
            if path is not None:
                _write_path(tx, student_id, path)
            return latest + 1

        return self._write(work, quick=True)

    def get_placement(self, student_id: str) -> tuple[dict[str, Any], int] | None:
        """See :meth:`GraphStore.get_placement`."""

        def work(tx: ManagedTransaction) -> tuple[dict[str, Any], int] | None:
            self._student(tx, student_id)
            r = tx.run(cypher.GET_PLACEMENT, student_id=student_id).single(strict=True)
            if r["document"] is None:
                return None
            return dict(json.loads(r["document"])), int(r["version"])

        return self._read(work, quick=True)


#: LIMIT needs a number; this stands for "no limit".
_NO_LIMIT = 2**62


def _path_params(path: StoredPath | None) -> dict[str, Any]:
    """The path's parameters (all null for no path)."""
    if path is None:
        return dict.fromkeys(
            ("kps", "next_kp", "reason", "reason_zh", "gap", "updated_at", "goal", "kind")
        )
    return {
        "kps": list(path.kps),
        "next_kp": path.next_kp,
        "reason": path.reason,
        "reason_zh": path.reason_zh,
        "gap": path.diagnosed_gap,
        "updated_at": path.updated_at,
        "goal": path.goal,
        "kind": path.kind,
    }


def _record_params(
    attempt: Attempt,
    mastery: Mapping[str, MasteryState],
    expected_seq: int | None,
    path: StoredPath | None,
) -> dict[str, Any]:
    """The parameters of cypher.RECORD_ATTEMPT."""
    return {
        "student_id": attempt.student_id,
        "check_kps": sorted({attempt.kp, *mastery}),
        "expected_seq": expected_seq,
        "item_id": attempt.item_id,
        "kp": attempt.kp,
        "answer": attempt.answer,
        "status": attempt.status,
        "correct": attempt.correct,
        "misconception": attempt.misconception,
        "gap_kps": list(attempt.gap_kps),
        "at": attempt.at,
        "hints": list(attempt.hints),
        "retry_answer": attempt.retry_answer,
        "retry_status": attempt.retry_status,
        "solution_shown": attempt.solution_shown,
        **_mastery_params(mastery),
        "with_path": path is not None,
        **_path_params(path),
    }


def _write_path(tx: ManagedTransaction, student_id: str, path: StoredPath) -> None:
    tx.run(cypher.SET_PATH, student_id=student_id, **_path_params(path)).consume()


#: The Student node's mastery lists, in the order of a MasteryState's fields.
_MASTERY_LISTS = ("kps", "p", "attempts", "updated_at", "gap")


def _mastery_params(mastery: Mapping[str, MasteryState]) -> dict[str, Any]:
    """The ``$m_…`` parameters of cypher._MERGE_MASTERY: one list per field, one entry per
    point. The numbers are cast so that every list holds one type (Neo4j stores no list
    of mixed types)."""
    items = sorted(mastery.items())
    return {
        "m_kps": [kp for kp, _ in items],
        "m_p": [float(m.p) for _, m in items],
        "m_attempts": [int(m.attempts) for _, m in items],
        "m_updated_at": [float(m.updated_at) for _, m in items],
        "m_gap": [bool(m.gap) for _, m in items],
    }


def _mastery_from_lists(record: Any, kp_ids: Collection[str]) -> dict[str, MasteryState]:
    """The mastery states held in a Student node's lists (a record with the fields of
    :data:`_MASTERY_LISTS`), sorted by point, keeping the points in ``kp_ids``."""
    kps, ps, ns, ats, gaps = (record[name] or [] for name in _MASTERY_LISTS)
    return {
        kp: MasteryState(float(p), int(n), float(at), bool(gap))
        for kp, p, n, at, gap in sorted(zip(kps, ps, ns, ats, gaps, strict=True))
        if kp in kp_ids
    }


def _migrate_batch(tx: ManagedTransaction, size: int) -> tuple[int, int, int] | None:
    """Move the MASTERY relationships of up to ``size`` students into their lists; None
    when no student has any left, else (students, states moved, relationships removed).

    Where a student's lists already hold a state for the same point (an app of this
    version wrote it while an old one was still running), the newer state stays."""
    rows = []
    moved = 0
    for r in tx.run(cypher.OLD_MASTERY_BATCH, batch=size):
        merged = {
            kp: (float(p), int(n), float(at), bool(gap))
            for kp, p, n, at, gap in zip(*(r[name] or [] for name in _MASTERY_LISTS), strict=True)
        }
        for kp, p, n, at, gap in r["old"]:
            moved += 1
            state = (float(p), int(n), float(at), bool(gap))
            if kp not in merged or merged[kp][2] < state[2]:
                merged[kp] = state
        ordered = sorted(merged.items())
        rows.append(
            {
                "id": r["id"],
                "kps": [kp for kp, _ in ordered],
                **{
                    name: [state[i] for _, state in ordered]
                    for i, name in enumerate(_MASTERY_LISTS[1:])
                },
            }
        )
    if not rows:
        return None
    tx.run(cypher.SET_MASTERY_LISTS, rows=rows).consume()
    ids = [row["id"] for row in rows]
    removed = int(tx.run(cypher.DELETE_OLD_MASTERY, ids=ids).single(strict=True)["removed"])
    return len(rows), moved, removed


def _problem_from_record(r: Any) -> Problem:
    return Problem(r["id"], r["source"], r["kp"], tuple(r["skills"]), r["title"], r["data"])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _kp_row(kp: KnowledgePoint) -> dict[str, object]:
    row: dict[str, object] = dict(zip(KP_FIELDS, kp.values(), strict=True))
    row["attrs"] = json.dumps(dict(kp.attrs), ensure_ascii=False, sort_keys=True)
    return row


def _kp_from_record(props: Any, standards: list[str]) -> KnowledgePoint:
    p = dict(props)
    return KnowledgePoint(
        id=p["id"],
        name=p["name"],
        name_zh=p.get("name_zh", ""),
        subject=p.get("subject", "math"),
        grade=p.get("grade"),
        domain=p.get("domain"),
        description=p.get("description", ""),
        description_zh=p.get("description_zh", ""),
        standards=tuple(sorted(standards)),
        attrs=json.loads(p.get("attrs", "{}")),
    )


def _standard(props: Any) -> Standard:
    row = dict(props)
    return Standard(
        id=row["id"],
        framework=row["framework"],
        grade=row.get("grade"),
        domain=row.get("domain"),
        description=row.get("description", ""),
    )


# -- sessions and the sign-in throttle: queries (kept here, apart from cypher.py) -----------
_DELETE_CLASS_SESSIONS = """
MATCH (:Class {id: $id})<-[:MEMBER_OF]-(s:Student)
MATCH (x:Session {user_id: s.id, role: 'student'})
DELETE x
"""
_SESSION_EXISTS = "MATCH (s:Session {token_hash: $token_hash}) RETURN 1 AS found"
_CREATE_SESSION = "CREATE (s:Session) SET s = $props"
_GET_SESSION = "MATCH (s:Session {token_hash: $token_hash}) RETURN properties(s) AS s"
_TOUCH_SESSION = "MATCH (s:Session {token_hash: $token_hash}) SET s.expires_at = $expires_at"
_END_SESSION = """
OPTIONAL MATCH (s:Session {token_hash: $token_hash})
WITH collect(s) AS found
FOREACH (x IN found | DELETE x)
RETURN size(found) AS n
"""
_END_SESSIONS_OF = """
OPTIONAL MATCH (s:Session {user_id: $user_id})
WITH collect(s) AS found
FOREACH (x IN found | DELETE x)
RETURN size(found) AS n
"""
_PRUNE_SESSIONS = """
OPTIONAL MATCH (s:Session) WHERE s.expires_at <= $now
WITH collect(s) AS found
FOREACH (x IN found | DELETE x)
RETURN size(found) AS n
"""
_NOTE_FAILURES = """
UNWIND $keys AS key
MERGE (f:SignInThrottle {key: key})
ON CREATE SET f.failures = 0, f.last_at = $at
SET f.failures = CASE WHEN f.last_at < $forget THEN 1 ELSE f.failures + 1 END,
    f.last_at = $at
RETURN f.key AS key, f.failures AS failures, f.last_at AS last_at
"""
_GET_FAILURES = """
MATCH (f:SignInThrottle) WHERE f.key IN $keys
RETURN f.key AS key, f.failures AS failures, f.last_at AS last_at
"""
_CLEAR_FAILURES = "MATCH (f:SignInThrottle {key: $key}) DELETE f"
_PRUNE_FAILURES = """
OPTIONAL MATCH (f:SignInThrottle) WHERE f.last_at < $before
WITH collect(f) AS found
FOREACH (x IN found | DELETE x)
RETURN size(found) AS n
"""


def _failures(keys: Sequence[str], rows: Any) -> list[SignInFailures]:
    found = {
        r["key"]: SignInFailures(r["key"], int(r["failures"]), float(r["last_at"])) for r in rows
    }
    return [found.get(k, SignInFailures(k, 0, 0.0)) for k in keys]


def _attempt(a: dict[str, Any]) -> Attempt:
    """An attempt from its node's properties (those of a tutoring turn default when an
    attempt was stored before turns were kept)."""
    return Attempt(
        a["student_id"],
        a["item_id"],
        a["kp"],
        a["answer"],
        a["status"],
        bool(a["correct"]),
        a.get("misconception"),
        tuple(a.get("gap_kps") or ()),
        float(a["at"]),
        int(a["seq"]),
        tuple(int(h) for h in a.get("hints") or ()),
        a.get("retry_answer"),
        a.get("retry_status"),
        bool(a.get("solution_shown") or False),
    )
