"""Domain objects shared by every layer: knowledge points, standards, curricula.

These are plain immutable values with no I/O. A :class:`Curriculum` is what
importers produce and what a store loads; :func:`validate_curriculum` is the
one place that decides whether a curriculum is acceptable, so both store
engines accept and refuse exactly the same inputs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from tutor.errors import ContentError, CurriculumError, InputError, NotFoundError

#: Grades we know how to order. Anything else sorts after these.
_GRADE_WORDS = {"K": 0, "PK": -1, "HS": 9}


def grade_rank(grade: str | None) -> float:
    """Order grades: PK < K < 1 < … < 8 < 9 ≈ HS < unknown.

    Used to break ties in learning orders so lower grades come first.
    """
    if grade is None or grade == "":
        return 99.0
    g = grade.strip().upper()
    if g in _GRADE_WORDS:
        return float(_GRADE_WORDS[g])
    try:
        return float(g)
    except ValueError:
        return 99.0


class Edge(NamedTuple):
    """A prerequisite edge: ``prerequisite`` must be learned before ``dependent``.

    In the graph this is ``(dependent)-[:REQUIRES]->(prerequisite)``; in CSV files it is
    the row ``from=prerequisite,to=dependent``.
    """

    prerequisite: str
    dependent: str


#: The scalar fields of a knowledge point, in storage order (both engines and the hash use it).
KP_FIELDS = ("id", "name", "name_zh", "subject", "grade", "domain", "description", "description_zh")


@dataclass(frozen=True)
class KnowledgePoint:
    """One fine-grained knowledge point (a node of the graph)."""

    id: str
    name: str
    grade: str | None = None
    domain: str | None = None
    description: str = ""
    name_zh: str = ""
    description_zh: str = ""
    subject: str = "math"
    #: Standards this point aligns to (ids of :class:`Standard`), sorted.
    standards: tuple[str, ...] = ()
    #: Extra attributes from the source (e.g. CCSS cluster), string to string.
    attrs: Mapping[str, str] = field(default_factory=dict, hash=False)

    def values(self) -> tuple[str | None, ...]:
        """The :data:`KP_FIELDS` values, in that order."""
        # Spelled out (not getattr over KP_FIELDS): loads call this for every point twice.
        return (
            self.id,
            self.name,
            self.name_zh,
            self.subject,
            self.grade,
            self.domain,
            self.description,
            self.description_zh,
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (used by the CLI and the stores)."""
        return {
            "id": self.id,
            "name": self.name,
            "name_zh": self.name_zh,
            "subject": self.subject,
            "grade": self.grade,
            "domain": self.domain,
            "description": self.description,
            "description_zh": self.description_zh,
            "standards": list(self.standards),
            "attrs": dict(sorted(self.attrs.items())),
        }


@dataclass(frozen=True)
class Standard:
    """A curriculum standard (e.g. a CCSS standard) that knowledge points align to."""

    id: str
    framework: str
    grade: str | None = None
    domain: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Curriculum:
    """A whole curriculum: nodes, prerequisite edges, standards and alignments.

    ``related`` holds undirected links (sorted pairs) that are not prerequisites.
    ``notes`` records what an importer dropped or changed, for the load report.
    """

    name: str
    knowledge_points: tuple[KnowledgePoint, ...]
    edges: tuple[Edge, ...] = ()
    related: tuple[tuple[str, str], ...] = ()
    standards: tuple[Standard, ...] = ()
    standard_edges: tuple[Edge, ...] = ()
    notes: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        """A content hash; loading a curriculum with the same hash again is a no-op."""
        payload = [
            self.name,
            sorted(
                (*kp.values(), list(kp.standards), sorted(kp.attrs.items()))
                for kp in self.knowledge_points
            ),
            sorted(self.edges),
            sorted(self.related),
            sorted((s.id, s.framework, s.grade, s.domain, s.description) for s in self.standards),
            sorted(self.standard_edges),
        ]
        blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class GraphStats:
    """Size and shape of the loaded prerequisite graph.

    ``roots`` are points with no prerequisites, ``leaves`` points nothing depends on
    (an isolated point is both). ``longest_chain`` counts the knowledge points on the
    longest prerequisite chain (0 for an empty graph, 1 when there are no edges).
    """

    knowledge_points: int
    prerequisite_edges: int
    roots: int
    leaves: int
    longest_chain: int

    def to_json(self) -> dict[str, int]:
        """The CLI contract of ``tutor graph stats --json``."""
        return {
            "knowledge_points": self.knowledge_points,
            "prerequisite_edges": self.prerequisite_edges,
            "roots": self.roots,
            "leaves": self.leaves,
            "longest_chain": self.longest_chain,
        }


@dataclass(frozen=True)
class CurriculumInfo:
    """What a store says about the curriculum it holds."""

    name: str
    fingerprint: str
    knowledge_points: int
    prerequisite_edges: int
    standards: int


@dataclass(frozen=True)
class LoadReport:
    """The outcome of loading a curriculum into a store."""

    name: str
    knowledge_points: int
    prerequisite_edges: int
    related_edges: int
    standards: int
    alignments: int
    unchanged: bool
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, curriculum: Curriculum, *, unchanged: bool) -> LoadReport:
        """The report for loading ``curriculum``."""
        return cls(
            name=curriculum.name,
            knowledge_points=len(curriculum.knowledge_points),
            prerequisite_edges=len(curriculum.edges),
            related_edges=len(curriculum.related),
            standards=len(curriculum.standards),
            alignments=sum(len(kp.standards) for kp in curriculum.knowledge_points),
            unchanged=unchanged,
            notes=curriculum.notes,
        )

    def to_json(self) -> dict[str, object]:
        """JSON for ``tutor graph load/import --json``."""
        return {
            "curriculum": self.name,
            "knowledge_points": self.knowledge_points,
            "prerequisite_edges": self.prerequisite_edges,
            "related_edges": self.related_edges,
            "standards": self.standards,
            "alignments": self.alignments,
            "unchanged": self.unchanged,
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------
# validation

#: Ids are free text in imported curricula, but never empty, never padded, never
#: multi-line, and short enough to show.
_MAX_ID_LEN = 200
_BAD_ID = re.compile(r"[\x00-\x1f\x7f]")


def check_id(kind: str, value: str) -> None:
    """Refuse an id that would be unusable (empty, padded, control chars, too long)."""
    if not value:
        raise CurriculumError(f"{kind} id is empty")
    if value != value.strip():
        raise CurriculumError(f"{kind} id {value!r} has leading or trailing spaces")
    if len(value) > _MAX_ID_LEN:
        raise CurriculumError(f"{kind} id {value[:40]!r}… is longer than {_MAX_ID_LEN} characters")
    if _BAD_ID.search(value):
        raise CurriculumError(f"{kind} id {value!r} contains control characters")


def find_cycle(nodes: Iterable[str], edges: Iterable[Edge]) -> list[str] | None:
    """Return the nodes of one prerequisite cycle (first node repeated at the end), or None.

    Kahn's algorithm peels off every node that is not on or behind a cycle in
    O(V + E); only if something is left do we walk the rest to name one cycle.
    (networkx's ``find_cycle`` is far slower on 100k-node graphs.)
    """
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    indegree: dict[str, int] = dict.fromkeys(succ, 0)
    for e in edges:
        succ.setdefault(e.prerequisite, []).append(e.dependent)
        succ.setdefault(e.dependent, [])
        indegree[e.dependent] = indegree.get(e.dependent, 0) + 1
        indegree.setdefault(e.prerequisite, 0)
    ready = [n for n, d in indegree.items() if d == 0]
    while ready:
        node = ready.pop()
        for nxt in succ[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    left = {n for n, d in indegree.items() if d > 0}
    if not left:
        return None
    # Every remaining node has a predecessor among the remaining ones; walking
    # predecessors from any of them must revisit a node, and that loop is a cycle.
    pred: dict[str, str] = {}
    for node in sorted(left):
        for nxt in succ[node]:
            if nxt in left and nxt not in pred:
                pred[nxt] = node
    start = min(left)
    seen: dict[str, int] = {}
    walk: list[str] = []
    node = start
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = pred[node]
    loop = walk[seen[node] :]
    loop.reverse()  # walked against the edges; report prerequisite → dependent
    return [*loop, loop[0]]


def prerequisite_layers(
    start: str,
    direct_prerequisites: Callable[[list[str]], Mapping[str, Iterable[str]]],
    depth: int,
) -> list[list[str]]:
    """``start``'s prerequisites one hop at a time: ``[direct, two hops, …]`` (each sorted,
    each point in its nearest layer), at most ``depth`` layers.

    ``direct_prerequisites`` maps a list of points to each one's direct prerequisites (a
    store's ``direct_prerequisites``, or a lookup in a dict), so a layer costs one call.
    """
    layers: list[list[str]] = []
    seen = {start}
    frontier = [start]
    for _ in range(depth):
        direct = direct_prerequisites(frontier)
        nxt = sorted({p for ps in direct.values() for p in ps} - seen)
        if not nxt:
            break
        layers.append(nxt)
        seen.update(nxt)
        frontier = nxt
    return layers


def validate_curriculum(curriculum: Curriculum) -> None:
    """Raise :class:`CurriculumError` (one line, naming the culprit) unless valid.

    Checks: at least one knowledge point; ids well-formed and unique; every edge and
    alignment names known nodes; no self-loops; no duplicate edges; acyclic.
    """
    if not curriculum.knowledge_points:
        raise CurriculumError("the curriculum has no knowledge points")
    seen: set[str] = set()
    for kp in curriculum.knowledge_points:
        check_id("knowledge point", kp.id)
        if kp.id in seen:
            raise CurriculumError(f"duplicate knowledge point id {kp.id!r}")
        seen.add(kp.id)
        if not kp.name.strip():
            raise CurriculumError(f"knowledge point {kp.id!r} has an empty name")
    standard_ids: set[str] = set()
    for std in curriculum.standards:
        check_id("standard", std.id)
        if std.id in standard_ids:
            raise CurriculumError(f"duplicate standard id {std.id!r}")
        standard_ids.add(std.id)
    for kp in curriculum.knowledge_points:
        for sid in kp.standards:
            if sid not in standard_ids:
                raise CurriculumError(
                    f"knowledge point {kp.id!r} aligns to unknown standard {sid!r}"
                )
    _check_edges("prerequisite edge", curriculum.edges, seen)
    _check_edges("standard prerequisite edge", curriculum.standard_edges, standard_ids)
    for a, b in curriculum.related:
        for end in (a, b):
            if end not in seen:
                raise CurriculumError(f"related link {a} — {b} names unknown node {end!r}")
    cycle = find_cycle(seen, curriculum.edges)
    if cycle is not None:
        raise CurriculumError("prerequisite cycle: " + " → ".join(cycle))
    std_cycle = find_cycle(standard_ids, curriculum.standard_edges)
    if std_cycle is not None:
        raise CurriculumError("standard prerequisite cycle: " + " → ".join(std_cycle))


def _check_edges(kind: str, edges: Iterable[Edge], known: set[str]) -> None:
    seen: set[Edge] = set()
    for edge in edges:
        for end in edge:
            if end not in known:
                raise CurriculumError(
                    f"{kind} {edge.prerequisite} → {edge.dependent} names unknown node {end!r}"
                )
        if edge.prerequisite == edge.dependent:
            raise CurriculumError(f"{kind} {edge.prerequisite} → {edge.dependent} is a self-loop")
        if edge in seen:
            raise CurriculumError(f"duplicate {kind} {edge.prerequisite} → {edge.dependent}")
        seen.add(edge)


# ---------------------------------------------------------------------------
# content bank: item families (the Q-matrix), misconceptions, imported problems


@dataclass(frozen=True)
class ItemFamily:
    """A family of items made by one generator, and what its items assess.

    ``assesses`` is this family's row of the Q-matrix: ``(knowledge point, weight)``
    pairs sorted by id, with weight 1.0 for the primary point ``kp`` and less for the
    other points an item also exercises. In the graph this is
    ``(:ItemFamily)-[:ASSESSES {weight}]->(:KnowledgePoint)``.
    """

    id: str
    generator: str
    kp: str
    levels: tuple[int, ...]
    assesses: tuple[tuple[str, float], ...]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "generator": self.generator,
            "kp": self.kp,
            "levels": list(self.levels),
            "assesses": dict(self.assesses),
        }


@dataclass(frozen=True)
class MisconceptionInfo:
    """A misconception as the graph holds it: ``(:Misconception)-[:SIGNALS]->(:KnowledgePoint)``.

    (The buggy-rule functions that detect it live in :mod:`tutor.content.misconceptions`.)
    """

    id: str
    description: str
    description_zh: str
    signals: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "description": self.description,
            "description_zh": self.description_zh,
            "signals": list(self.signals),
        }


@dataclass(frozen=True)
class Problem:
    """A fixed problem imported from elsewhere (e.g. OATutor), with its steps and hints.

    ``kp`` is the knowledge point it is mapped to, or None when no clear mapping exists
    (it is then kept under its own ``skills``). ``data`` is the whole problem as JSON
    text (steps, hints, attribution), stored verbatim.
    """

    id: str
    source: str
    kp: str | None
    skills: tuple[str, ...]
    title: str
    data: str

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict with ``data`` decoded."""
        return {
            "id": self.id,
            "source": self.source,
            "kp": self.kp,
            "skills": list(self.skills),
            "title": self.title,
            "data": json.loads(self.data),
        }


@dataclass(frozen=True)
class ContentBank:
    """What a curriculum's items need in the graph: item families and misconceptions."""

    families: tuple[ItemFamily, ...] = ()
    misconceptions: tuple[MisconceptionInfo, ...] = ()


@dataclass(frozen=True)
class ContentCounts:
    """How much content a store holds."""

    item_families: int
    knowledge_points_with_families: int
    misconceptions: int
    problems: int
    problems_mapped: int


def validate_content(bank: ContentBank, kp_ids: Collection[str]) -> None:
    """Raise :class:`ContentError` (one line) unless every id is unique and every point known.

    ``kp_ids`` are the knowledge points of the stored curriculum.
    """
    seen: set[str] = set()
    for fam in bank.families:
        check_id("item family", fam.id)
        if fam.id in seen:
            raise ContentError(f"duplicate item family {fam.id!r}")
        seen.add(fam.id)
        if not fam.levels:
            raise ContentError(f"item family {fam.id!r} has no difficulty levels")
        weights = dict(fam.assesses)
        if weights.get(fam.kp) != 1.0:
            raise ContentError(f"item family {fam.id!r} must assess its own point {fam.kp!r}")
        for kp, weight in fam.assesses:
            if kp not in kp_ids:
                raise ContentError(
                    f"item family {fam.id!r} assesses {kp!r}, which is not in the stored "
                    "curriculum; load the curriculum it was written for (tutor graph load default)"
                )
            if not 0.0 < weight <= 1.0:
                raise ContentError(
                    f"item family {fam.id!r}: weight {weight} for {kp!r} is not in (0, 1]"
                )
    seen.clear()
    for mc in bank.misconceptions:
        check_id("misconception", mc.id)
        if mc.id in seen:
            raise ContentError(f"duplicate misconception {mc.id!r}")
        seen.add(mc.id)
        if not mc.signals:
            raise ContentError(f"misconception {mc.id!r} signals no knowledge point")
        for kp in mc.signals:
            if kp not in kp_ids:
                raise ContentError(
                    f"misconception {mc.id!r} signals {kp!r}, which is not in the stored "
                    "curriculum; load the curriculum it was written for (tutor graph load default)"
                )


def validate_problems(source: str, problems: Iterable[Problem], kp_ids: Collection[str]) -> None:
    """Raise :class:`ContentError` unless ids are unique, sources match and points are known."""
    seen: set[str] = set()
    for problem in problems:
        check_id("problem", problem.id)
        if problem.id in seen:
            raise ContentError(f"duplicate problem id {problem.id!r}")
        seen.add(problem.id)
        if problem.source != source:
            raise ContentError(
                f"problem {problem.id!r} comes from {problem.source!r}, not {source!r}"
            )
        if problem.kp is not None and problem.kp not in kp_ids:
            raise ContentError(
                f"problem {problem.id!r} is mapped to {problem.kp!r}, which is not in the stored "
                "curriculum; load the default curriculum first (tutor graph load default)"
            )


# ---------------------------------------------------------------------------
# people and learner state

#: Names and ids people type are kept short enough to show and to index.
MAX_NAME_LEN = 100


@dataclass(frozen=True)
class Teacher:
    """A teacher: ``(:Teacher)-[:TEACHES]->(:Class)``."""

    id: str
    name: str


@dataclass(frozen=True)
class ClassGroup:
    """A class of students taught by one teacher (``Class`` in the graph schema)."""

    id: str
    name: str
    teacher_id: str


@dataclass(frozen=True)
class Student:
    """A student, the class they belong to, and the goal their path leads to.

    ``goal`` is a knowledge point (``(:Student)-[:GOAL]->(:KnowledgePoint)``) or None,
    in which case the class's grade decides (the policy's default).
    """

    id: str
    name: str
    class_id: str | None = None
    goal: str | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"id": self.id, "name": self.name, "class": self.class_id, "goal": self.goal}


@dataclass(frozen=True)
class MasteryState:
    """What the tutor believes about one student and one knowledge point.

    ``p`` is P(known) (BKT), ``attempts`` counts the answers that were evidence for it,
    ``updated_at`` is when it last changed (seconds since the epoch), and ``gap`` marks a
    point the diagnosis found missing and the path has not yet repaired.
    """

    p: float
    attempts: int = 0
    updated_at: float = 0.0
    gap: bool = False


#: The hint ladder after a wrong first answer: 1 a nudge toward the idea, 2 the next step
#: with a blank, 3 the worked step.
HINT_LEVELS = 3


@dataclass(frozen=True)
class Attempt:
    """One answer, as recorded (append-only; never updated in place).

    ``seq`` is given by the store (0 before it is recorded). ``status`` is the answer
    checker's verdict; ``correct`` is True only for "correct". ``misconception`` is the
    buggy rule the answer matched, if any; ``gap_kps`` the points the diagnosis blamed.

    The first answer to an item is the attempt; what happened after it in the same
    tutoring turn is kept with it (:meth:`~tutor.graph.protocol.LearnerLog.record_turn`,
    the only change an attempt ever gets; the first answer, its verdict and the mastery it
    produced never change): ``hints``, the hint levels the student asked for, in order;
    ``retry_answer`` and ``retry_status``, the second try and its verdict (None: none);
    ``solution_shown``, whether the worked solution was shown.
    """

    student_id: str
    item_id: str
    kp: str
    answer: str
    status: str
    correct: bool
    misconception: str | None = None
    gap_kps: tuple[str, ...] = ()
    at: float = 0.0
    seq: int = 0
    hints: tuple[int, ...] = ()
    retry_answer: str | None = None
    retry_status: str | None = None
    solution_shown: bool = False

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "seq": self.seq,
            "student": self.student_id,
            "item_id": self.item_id,
            "kp": self.kp,
            "answer": self.answer,
            "status": self.status,
            "correct": self.correct,
            "misconception": self.misconception,
            "gap_kps": list(self.gap_kps),
            "at": self.at,
            "hints": list(self.hints),
            "retry_answer": self.retry_answer,
            "retry_status": self.retry_status,
            "solution_shown": self.solution_shown,
        }

    def with_turn(
        self,
        hint: int | None = None,
        retry: tuple[str, str] | None = None,
        solution_shown: bool = False,
    ) -> Attempt:
        """This attempt with one more step of its tutoring turn: a hint level asked for
        (kept once, in the order first asked), the second try and its verdict, the
        solution shown (it stays shown). What both store engines write."""
        hints = self.hints if hint is None or hint in self.hints else (*self.hints, hint)
        retry_answer, retry_status = retry if retry is not None else (None, None)
        return replace(
            self,
            hints=hints,
            retry_answer=self.retry_answer if retry is None else retry_answer,
            retry_status=self.retry_status if retry is None else retry_status,
            solution_shown=self.solution_shown or solution_shown,
        )


def check_name(kind: str, value: str) -> None:
    """Refuse a display name that is empty, multi-line or too long (one line, for people)."""
    if not value.strip():
        raise InputError(f"the {kind} name is empty: give a name")
    if len(value) > MAX_NAME_LEN:
        raise InputError(f"the {kind} name is longer than {MAX_NAME_LEN} characters")
    if _BAD_ID.search(value):
        raise InputError(f"the {kind} name contains control characters (such as a line break)")


def check_person_id(kind: str, value: str) -> None:
    """Refuse an id for a teacher, class or student that would be unusable."""
    check_id(kind, value)  # its CurriculumError is an InputError
    if len(value) > MAX_NAME_LEN:
        raise InputError(f"the {kind} id is longer than {MAX_NAME_LEN} characters")


@dataclass(frozen=True)
class StoredPath:
    """A student's learning path as the engine last revised it (issue 5, part 3).

    ``kps`` are the points still to master, in the order the tutor will take them: a
    diagnosed gap (after its own unmastered prerequisites) first, then the way to the goal.
    ``next_kp`` is what the tutor practises next and ``reason``/``reason_zh`` say why;
    ``diagnosed_gap`` is the gap being repaired (None when there is none). ``goal`` is the
    goal the path leads to when it was computed, ``kind`` the policy's kind of choice
    ("gap", "review", "frontier", "goal_reached"), ``updated_at`` when it was computed.
    """

    kps: list[str]
    next_kp: str | None
    reason: str
    reason_zh: str
    diagnosed_gap: str | None
    updated_at: float
    goal: str | None = None
    kind: str = "frontier"

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "kps": list(self.kps),
            "next_kp": self.next_kp,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
            "diagnosed_gap": self.diagnosed_gap,
            "updated_at": self.updated_at,
            "goal": self.goal,
            "kind": self.kind,
        }


#: The longest encoded password hash a store accepts (ours are about 100 characters).
MAX_HASH_LEN = 512


def check_password_hash(password_hash: str) -> None:
    """Refuse anything that does not look like an encoded KDF hash (e.g. a clear password)."""
    known = password_hash.startswith(("$argon2id$", "scrypt$"))
    if not known or len(password_hash) > MAX_HASH_LEN:
        raise InputError(
            "a password hash must be an encoded KDF hash (tutor.auth.hash_password), "
            "never a password"
        )


@dataclass(frozen=True)
class SessionRecord:
    """A session as the store keeps it: the SHA-256 of its token (never the token), who it
    is for, and when it expires.

    ``kind`` is ``"session"`` for a signed-in browser or client, or ``"handoff"`` for the
    single-use code that moves a fresh sign-in into the browser's cookie; a handoff is
    bound to the browser that asked for it (``device_hash``) and names the session it
    replaces (``parent_hash``).
    """

    token_hash: str
    user_id: str
    role: str
    name: str
    created_at: float
    expires_at: float
    kind: str = "session"
    device_hash: str = ""
    parent_hash: str = ""


@dataclass(frozen=True)
class SignInFailures:
    """Failed sign-ins in a row under one throttle key (an account or a client)."""

    key: str
    failures: int
    last_at: float


def check_roster(students: Sequence[Student], hashes: Mapping[str, str]) -> None:
    """The checks of :meth:`GraphStore.add_students` that need no store (shared by both)."""
    seen: set[str] = set()
    for student in students:
        check_person_id("student", student.id)
        check_name("student", student.name)
        if student.id in seen:
            raise InputError(f"student id {student.id!r} appears twice; ids must be unique")
        seen.add(student.id)
    for sid, password_hash in hashes.items():
        if sid not in seen:
            raise InputError(f"a password hash is given for {sid!r}, who is not being added")
        check_password_hash(password_hash)


def one_role(roles: Sequence[str], person_id: str, url: str) -> str:
    """The one role (teacher or student) a person id has in a store, or a clear error."""
    if not roles:
        raise NotFoundError(
            f"no teacher or student {person_id!r} in {url}; add them first "
            "(`tutor teacher add` or `tutor student add`)"
        )
    if len(roles) > 1:
        raise InputError(
            f"both a teacher and a student have id {person_id!r}, so signing in would be "
            "ambiguous; give one of them another id"
        )
    return roles[0]
