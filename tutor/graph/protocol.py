"""The store protocols: domain-level operations, split into the roles callers use.

* :class:`CurriculumGraph` — the curriculum graph, read-only;
* :class:`CurriculumAdmin` — loading the curriculum, the content bank and imported problems;
* :class:`ContentCatalog` — item families, misconceptions and imported problems, read-only;
* :class:`People` — teachers, classes, students and their password hashes;
* :class:`LearnerLog` — attempts, mastery, stored paths (written together) and placements;
* :class:`Sessions` — signed-in sessions (by token hash) and the sign-in throttle's counts;
* :class:`GraphStore` — all of them, plus :meth:`GraphStore.close`.

Input checks that need no stored data live in :mod:`tutor.graph.checks`, once for both
engines. Two engines implement the whole store (``sqlite_store`` — the embedded default — and
``neo4j_store``). The contract suite in ``tests/contract`` runs unchanged against
both and asserts identical answers, so anything added here needs a contract test.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from tutor.domain import (
    Attempt,
    ClassGroup,
    ContentBank,
    ContentCounts,
    Curriculum,
    CurriculumInfo,
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
)


@dataclass(frozen=True)
class LearnerState:
    """What the engine reads about one student before it decides or records an answer,
    taken in one consistent read (:meth:`LearnerLog.learner_state`).

    ``mastery`` is as :meth:`LearnerLog.mastery` gives it; ``last_seq`` the number of the
    student's latest attempt (0 for none); ``recent_items`` the item ids of the latest
    attempts, newest first; ``curriculum`` the stored curriculum's fingerprint (as
    :meth:`CurriculumGraph.curriculum_fingerprint`), so caches keyed by it need no extra read.
    """

    student: Student
    mastery: Mapping[str, MasteryState]
    last_seq: int
    recent_items: tuple[str, ...]
    curriculum: str | None


@dataclass(frozen=True)
class MigrationReport:
    """What :meth:`LayoutMigration.migrate` moved (``tutor migrate --json``).

    ``layout`` is the engine's layout version after the run (None for an engine that
    keeps its own layout up to date when it opens a store); ``changed`` is False when the
    store was already in it (a second run changes nothing); ``moved`` counts what moved,
    by kind (engine-specific names); ``batches`` the write transactions it took.
    """

    store: str
    engine: str
    layout: int | None
    changed: bool
    moved: Mapping[str, int]
    batches: int = 0

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document."""
        return {
            "store": self.store,
            "engine": self.engine,
            "layout": self.layout,
            "changed": self.changed,
            "moved": dict(self.moved),
            "batches": self.batches,
        }


@runtime_checkable
class LayoutMigration(Protocol):
    """An engine whose stored layout can be older than its code and is moved on request
    (``tutor migrate``). The embedded engine needs no such step: it adds what its tables
    lack whenever a file is opened."""

    def migrate(self) -> MigrationReport:
        """Move whatever an earlier version wrote to the current layout; idempotent."""
        ...


@runtime_checkable
class StoreRole(Protocol):
    """What every role of the store has: where it is."""

    #: The store's URL with any password removed, for messages.
    url: str


@runtime_checkable
class CurriculumGraph(StoreRole, Protocol):
    """The stored curriculum, read-only: knowledge points, standards and the
    prerequisite graph. What the policy, the diagnosis and the curriculum pages read."""

    def curriculum_info(self) -> CurriculumInfo | None:
        """Name, fingerprint and sizes of the stored curriculum, or None if empty."""
        ...

    def curriculum_fingerprint(self) -> str | None:
        """The stored curriculum's fingerprint alone (cheap: no counting), or None if empty.

        The engine reads it on every call to know whether its caches still hold."""
        ...

    def curriculum(self) -> Curriculum | None:
        """The stored curriculum whole, or None if the store holds none: its points (with
        their alignments and attributes), prerequisite edges, related links, standards and
        their prerequisite edges, each sorted (points by id). Its fingerprint is the stored
        one, so loading it again is a no-op; the load notes are not kept (``notes=()``).
        What ``tutor graph export --pack`` writes."""
        ...

    def get_node(self, kp_id: str) -> KnowledgePoint:
        """One knowledge point with its standards; :class:`NotFoundError` if absent."""
        ...

    def get_standard(self, standard_id: str) -> Standard:
        """One standard; :class:`NotFoundError` if absent."""
        ...

    def list_nodes(
        self, *, grade: str | None = None, domain: str | None = None
    ) -> list[KnowledgePoint]:
        """Knowledge points, optionally filtered, ordered by grade then id."""
        ...

    def prerequisites(self, kp_id: str, depth: int | None = None) -> list[str]:
        """Ids of the transitive prerequisites of ``kp_id`` (within ``depth`` hops), sorted."""
        ...

    def dependents(self, kp_id: str, depth: int | None = None) -> list[str]:
        """Ids of the points that transitively depend on ``kp_id`` (within ``depth``), sorted."""
        ...

    def direct_prerequisites(self, kp_ids: Collection[str]) -> dict[str, list[str]]:
        """Each point's direct prerequisites (sorted), for many points in one call.

        :class:`NotFoundError` if any of ``kp_ids`` is not stored.
        """
        ...

    def related(self, kp_id: str) -> list[str]:
        """Ids of points linked to ``kp_id`` by a non-prerequisite 'related' link, sorted."""
        ...

    def learning_order(self, target: str, known: Collection[str] = ()) -> list[str]:
        """A valid order to learn ``target`` and all its prerequisites, minus ``known``.

        Every point comes after all of its prerequisites; ties go to the lower grade,
        then the smaller id, so the answer is the same on every engine.
        """
        ...

    def stats(self) -> GraphStats:
        """Counts and shape of the prerequisite graph."""
        ...


@runtime_checkable
class CurriculumAdmin(StoreRole, Protocol):
    """Loading what the curriculum graph and the content catalog hold (``tutor graph
    load``, ``tutor content load`` / ``import``). Each load is one transaction, validated
    first; on any error nothing is written."""

    def load_curriculum(self, curriculum: Curriculum) -> LoadReport:
        """Replace the stored curriculum with ``curriculum``, atomically.

        The curriculum is validated first; on any error nothing is written. Loading
        a curriculum identical to the stored one is a no-op (``unchanged=True``).
        Loading a different one also removes the item families and misconceptions
        (they belong to a curriculum) and unmaps imported problems whose point is gone.
        It does so without asking: ``tutor.lab.load_curriculum`` and ``load_pack`` (what the
        CLI uses) first say what a load would remove and refuse unless it is allowed.
        """
        ...

    def load_content(self, bank: ContentBank) -> None:
        """Replace the item families (with ASSESSES) and misconceptions (with SIGNALS).

        Every point they name must be in the stored curriculum; otherwise
        :class:`~tutor.errors.ContentError` and nothing is written.
        """
        ...

    def load_problems(self, source: str, problems: Sequence[Problem]) -> None:
        """Replace every imported problem of ``source`` with ``problems``, atomically."""
        ...


@runtime_checkable
class ContentCatalog(StoreRole, Protocol):
    """The content that belongs to the curriculum, read-only: item families (the
    Q-matrix), misconceptions and imported problems."""

    def item_families(self, kp_id: str | None = None) -> list[ItemFamily]:
        """All item families, or those assessing ``kp_id`` (any weight), sorted by id."""
        ...

    def misconceptions(self, kp_id: str | None = None) -> list[MisconceptionInfo]:
        """All misconceptions, or those signalling ``kp_id``, sorted by id."""
        ...

    def problems(
        self, *, kp_id: str | None = None, source: str | None = None, limit: int | None = None
    ) -> list[Problem]:
        """Imported problems, optionally of one point or source, sorted by id."""
        ...

    def get_problem(self, problem_id: str) -> Problem:
        """One imported problem; :class:`NotFoundError` if absent."""
        ...

    def content_counts(self) -> ContentCounts:
        """How many item families, misconceptions and imported problems are stored."""
        ...


@runtime_checkable
class People(StoreRole, Protocol):
    """People and accounts: teachers, classes, students (with their goals) and the
    password hashes sign-in checks."""

    def add_teacher(self, teacher: Teacher) -> None:
        """Add a teacher; :class:`InputError` if the id is taken."""
        ...

    def add_class(self, group: ClassGroup) -> None:
        """Add a class of an existing teacher; :class:`InputError` if the id is taken."""
        ...

    def add_student(self, student: Student) -> None:
        """Add a student (to an existing class, with a goal that is a stored point, if given)."""
        ...

    def add_students(
        self, students: Sequence[Student], password_hashes: Mapping[str, str] | None = None
    ) -> None:
        """Add many students (a roster) with their password hashes, all or nothing.

        Each student is checked as :meth:`add_student` checks one (ids not taken, also not
        by a teacher; class and goal exist; no duplicates in ``students``); on any error
        nothing is written. ``password_hashes`` maps student ids to encoded KDF hashes.
        """
        ...

    def set_goal(self, student_id: str, kp_id: str | None) -> Student:
        """Set (or clear, with None) a student's goal knowledge point; the updated student."""
        ...

    def get_teacher(self, teacher_id: str) -> Teacher:
        """One teacher; :class:`NotFoundError` if absent."""
        ...

    def get_class(self, class_id: str) -> ClassGroup:
        """One class; :class:`NotFoundError` if absent."""
        ...

    def get_student(self, student_id: str) -> Student:
        """One student; :class:`NotFoundError` if absent."""
        ...

    def list_classes(self, teacher_id: str | None = None) -> list[ClassGroup]:
        """Classes (of one teacher), sorted by id."""
        ...

    def list_students(self, class_id: str | None = None) -> list[Student]:
        """Students (of one class), sorted by id."""
        ...

    def delete_class(self, class_id: str) -> None:
        """Remove a class with its students and everything stored about them (attempts,
        mastery, stored paths, password hashes), in one transaction.

        The class's teacher stays. :class:`NotFoundError` if there is no such class (and
        nothing is removed).
        """
        ...

    def set_password_hash(self, person_id: str, password_hash: str) -> None:
        """Store the password hash (never a password) of an existing teacher or student.

        :class:`NotFoundError` if nobody has this id; :class:`InputError` if both a teacher
        and a student have it (signing in would be ambiguous).
        """
        ...

    def password_hash(self, person_id: str) -> str | None:
        """The stored password hash of a teacher or student (None: no password, or nobody)."""
        ...


@runtime_checkable
class LearnerLog(StoreRole, Protocol):
    """What the store knows about each student's learning: the append-only attempt log,
    the mastery it produced and the stored learning path. An attempt, its mastery and
    its path are written in one transaction (:meth:`record_attempt`)."""

    def record_attempt(
        self,
        attempt: Attempt,
        mastery: Mapping[str, MasteryState],
        *,
        expected_seq: int | None = None,
        path: StoredPath | None = None,
    ) -> Attempt:
        """Append ``attempt`` and write the new mastery states, in one transaction.

        Returns the attempt with its ``seq`` (1, 2, … per student). Nothing is written
        when anything fails (unknown student or point, store error).

        Optimistic concurrency: with ``expected_seq`` (the number of the student's latest
        attempt when the caller read the state it computed ``mastery`` from; 0 for none),
        the store checks inside the transaction that it is still the latest and otherwise
        raises :class:`~tutor.errors.StoreConflict`, writing nothing. ``path``, when given,
        replaces the student's stored learning path in the same transaction.
        """
        ...

    def record_turn(
        self,
        student_id: str,
        seq: int,
        *,
        hint: int | None = None,
        retry: tuple[str, str] | None = None,
        solution_shown: bool = False,
    ) -> Attempt:
        """Add what happened after the first answer of a tutoring turn to attempt ``seq``
        of the student, in one transaction, and return the attempt as stored now.

        ``hint``: a hint level (1 to :data:`~tutor.domain.HINT_LEVELS`) the student asked
        for, appended to ``hints`` unless it is there already. ``retry``: the second try
        and its verdict, ``(answer, status)``; :class:`~tutor.errors.StoreConflict` (nothing
        written) if the attempt has one already. ``solution_shown``: the worked solution was
        shown (it stays shown). The first answer, its verdict, the attempt number and the
        mastery never change, so knowledge tracing sees only first answers.

        :class:`NotFoundError` if there is no such student or attempt; :class:`InputError`
        for a hint level outside the ladder or a ``seq`` below 1.
        """
        ...

    def mastery(self, student_id: str) -> dict[str, MasteryState]:
        """The stored mastery of one student, by knowledge point (points of the curriculum)."""
        ...

    def attempts(self, student_id: str, *, limit: int | None = None) -> list[Attempt]:
        """A student's attempts, oldest first (with ``limit``: the last ``limit`` of them)."""
        ...

    def learner_state(self, student_id: str, *, recent: int = 0) -> LearnerState:
        """The student, their mastery, their latest attempt number, the item ids of their
        last ``recent`` attempts (newest first) and the curriculum fingerprint, all from one
        consistent read (one statement or one read transaction, one round trip).

        The engine's per-answer read: a mastery newer than ``last_seq`` cannot be seen.
        :class:`NotFoundError` if there is no such student; :class:`InputError` if
        ``recent`` is negative.
        """
        ...

    def set_path(self, student_id: str, path: StoredPath) -> None:
        """Store (replace) a student's learning path; :class:`NotFoundError` if no student."""
        ...

    def get_path(self, student_id: str) -> StoredPath | None:
        """A student's stored learning path, or None if none was stored yet."""
        ...

    def set_placement(
        self,
        student_id: str,
        document: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        mastery: Mapping[str, MasteryState] | None = None,
        path: StoredPath | None = None,
    ) -> int:
        """Store (replace) a student's placement document — the open initial knowledge
        check and the last finished result, as JSON-ready data the engine owns — and,
        in the same transaction, ``mastery`` states (a finished check sets them) and
        ``path``. Returns the document's new version (1, 2, … per student).

        Optimistic concurrency: with ``expected_version`` (the version read with the
        document; 0 for none), a newer stored version raises
        :class:`~tutor.errors.StoreConflict` and nothing is written.
        :class:`NotFoundError` for an unknown student or point.
        """
        ...

    def get_placement(self, student_id: str) -> tuple[dict[str, Any], int] | None:
        """A student's placement document and its version, or None if none was stored;
        :class:`NotFoundError` if there is no such student."""
        ...


@runtime_checkable
class Sessions(StoreRole, Protocol):
    """Who is signed in, kept in the store so that every app process sees the same
    sessions, and the counts of failed sign-ins the throttle reads.

    Sessions are found by the SHA-256 of their token (the token itself is never stored).
    Every method is one transaction; the times are the caller's clock.
    """

    def open_session(self, record: SessionRecord) -> None:
        """Store a new session; :class:`InputError` if its token hash is already taken."""
        ...

    def get_session(self, token_hash: str) -> SessionRecord | None:
        """The stored session with this token hash (expired ones too), or None."""
        ...

    def touch_session(self, token_hash: str, expires_at: float) -> None:
        """Move a session's expiry (a missing session is no error: it was signed out)."""
        ...

    def end_session(self, token_hash: str) -> bool:
        """Remove a session; whether it was there (so exactly one caller can consume a
        single-use handoff)."""
        ...

    def end_sessions_of(self, person_id: str) -> int:
        """Remove every session of one person (password change); how many there were."""
        ...

    def prune_sessions(self, now: float) -> int:
        """Remove the sessions that expired before ``now``; how many."""
        ...

    def note_sign_in_failure(
        self, keys: Sequence[str], at: float, *, forget_before: float
    ) -> list[SignInFailures]:
        """Count one more failed sign-in under each key, atomically (several processes
        count at once); a count whose last failure is older than ``forget_before`` starts
        again at 1. The new counts, in the order of ``keys``."""
        ...

    def sign_in_failures(self, keys: Sequence[str]) -> list[SignInFailures]:
        """The counts under ``keys`` (0 failures for a key never counted), in order."""
        ...

    def clear_sign_in_failures(self, key: str) -> None:
        """Forget the count under one key (after a successful sign-in)."""
        ...

    def prune_sign_in_failures(self, before: float) -> int:
        """Forget every count whose last failure is older than ``before``; how many."""
        ...


@runtime_checkable
class GraphStore(
    CurriculumGraph, CurriculumAdmin, ContentCatalog, People, LearnerLog, Sessions, Protocol
):
    """The whole store: every role in one object, as both engines implement it.

    Callers that need one role should ask for that role (a page that reads the graph
    takes a :class:`CurriculumGraph`); ``GraphStore`` is for code that opens, owns and
    closes a store.
    """

    def close(self) -> None:
        """Release connections. The store must not be used afterwards."""
        ...
