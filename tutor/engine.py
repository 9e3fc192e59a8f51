"""The one facade the app and the CLI talk to: ``next_item``, ``submit`` (and more to come).

One answer, end to end (DESIGN.md):

1. :meth:`Engine.next_item` reads the student's goal path and mastery from the store, asks
   the policy (:func:`tutor.policy.select.choose`) for a point and a level, and makes a
   concrete, seeded, verified item for it.
2. :meth:`Engine.submit` checks the answer (sympy), matches a wrong answer against the
   buggy rules, updates mastery with graph propagation (:func:`tutor.learner.mastery.observe`),
   records the attempt, the new mastery and the revised learning path in one store
   transaction (retried when another answer of the same student got in first), and returns
   the feedback with the revised next step.

The engine decides; nothing here words explanations (that is the language model's job,
checked by the guard). Unreadable answers and right values in the wrong form are not
recorded: the student is asked to write them again. Only the first answer to an item is
recorded; trying the same item again is checked but changes nothing.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from tutor.auth import (
    MAX_PASSWORD_LEN,
    Session,
    SessionTable,
    hash_password,
    verify_password,
)
from tutor.content.items import (
    GENERATORS,
    Generator,
    Item,
    ensure_generators_loaded,
    generate,
    levels_by_kp,
    regenerate,
)
from tutor.content.misconceptions import Misconception, get_misconception
from tutor.diagnosis.answer import Diagnosis, diagnose_answer
from tutor.domain import (
    Attempt,
    ClassGroup,
    MasteryState,
    StoredPath,
    Student,
    Teacher,
    prerequisite_layers,
)
from tutor.errors import AuthError, InputError, NotFoundError, StoreConflict, TutorError
from tutor.graph import GraphStore, LearnerState
from tutor.learner.mastery import DEFAULT_BKT, UP_DEPTH, Observation, is_mastered, observe
from tutor.policy.select import Choice, StudentView, answers_since_review, choose

if TYPE_CHECKING:
    from tutor.access import RosterReport, StudentAPI, TeacherAPI
    from tutor.catalog import Catalog
    from tutor.diagnosis.class_cdm import ClassDiagnosis
    from tutor.llm.base import LanguageModel
    from tutor.llm.explain import Explanation, ExplanationStream, Kind, Language, Style
    from tutor.llm.grading import Grade

__all__ = ["ClassReport", "Engine", "Feedback", "NextItem"]

log = logging.getLogger(__name__)

#: How long a stored path is trusted without a new answer (reviews fall due with time).
PATH_FRESH_S = 3600.0
#: Default session lifetime (sliding): a school day.
SESSION_TTL_S = 8 * 3600.0
#: How often submit re-reads and retries after losing a race to another answer of the
#: same student. Each loss means another answer was saved, so k simultaneous answers
#: need at most k - 1 retries; 10 covers a burst far beyond two tabs and a double click.
SUBMIT_TRIES = 10
#: Upper bound of the random pause before retry n is n times this (seconds).
SUBMIT_BACKOFF_S = 0.005
#: A second answer to one of the student's last this-many items is checked, not recorded.
RECENT_ITEMS = 20


@dataclass(frozen=True)
class NextItem:
    """The policy's choice and the item made for it (None when the goal is reached)."""

    choice: Choice
    item: Item | None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the item without its answer and steps: those are the engine's)."""
        item = None
        if self.item is not None:
            item = {
                "item_id": self.item.item_id,
                "kp": self.item.kp,
                "difficulty": self.item.difficulty,
                "prompt": self.item.prompt,
                "prompt_zh": self.item.prompt_zh,
            }
        return {"choice": self.choice.to_json(), "item": item}


@dataclass(frozen=True)
class Feedback:
    """What the student sees after answering, and what changed."""

    status: str
    message: str
    recorded: bool
    misconception: Misconception | None = None
    gap_kps: tuple[str, ...] = ()
    mastery_before: Mapping[str, float] = field(default_factory=dict)
    mastery_after: Mapping[str, float] = field(default_factory=dict)
    attempt_seq: int | None = None
    #: the learning path as revised after this answer (None when nothing was recorded)
    path: StoredPath | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        mc = self.misconception
        return {
            "status": self.status,
            "message": self.message,
            "recorded": self.recorded,
            "misconception": None
            if mc is None
            else {"id": mc.id, "description": mc.description, "description_zh": mc.description_zh},
            "gap_kps": list(self.gap_kps),
            "mastery": {
                kp: {"before": round(self.mastery_before[kp], 4), "after": round(p, 4)}
                for kp, p in sorted(self.mastery_after.items())
            },
            "attempt": self.attempt_seq,
            "path": None if self.path is None else self.path.to_json(),
        }


#: Goals whose learning order the engine keeps in memory (and points whose prerequisite
#: layers it keeps).
_PATH_CACHE = 4096


@dataclass(frozen=True)
class _GoalGraph:
    """A goal's learning order, the direct prerequisites of the points on it, and the item
    levels of those points (all fixed for one curriculum)."""

    order: list[str]
    prerequisites: dict[str, list[str]]
    levels: dict[str, tuple[int, ...]]


_V = TypeVar("_V")


def _remember(cache: dict[tuple[str, str], _V], key: tuple[str, str], value: _V) -> _V:
    """Store ``value`` in a per-curriculum cache, dropping its oldest entry when full."""
    if len(cache) >= _PATH_CACHE:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


class _Names(Mapping[str, str]):
    """Knowledge-point names read from the store only when a reason needs them."""

    def __init__(self, store: GraphStore, *, zh: bool, seen: dict[str, str] | None = None) -> None:
        self._store = store
        self._zh = zh
        # Shared across calls by the engine (names change only with the curriculum).
        self._seen: dict[str, str] = {} if seen is None else seen

    def __getitem__(self, kp_id: str) -> str:
        if kp_id not in self._seen:
            node = self._store.get_node(kp_id)
            self._seen[kp_id] = (node.name_zh or node.name) if self._zh else node.name
        return self._seen[kp_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._seen)

    def __len__(self) -> int:
        return len(self._seen)


def _item_seed(student_id: str, seq: int) -> int:
    """A reproducible seed for a student's ``seq``-th item (stable across processes)."""
    digest = hashlib.sha256(f"{student_id}\x00{seq}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


@dataclass(frozen=True)
class ClassReport:
    """What a teacher reads about one class (JSON-ready via :meth:`to_json`).

    ``kps`` are the points the class has practised, in curriculum order; ``mastery`` the
    stored BKT mastery per student and point (the prior where a student has no evidence
    yet); ``weakest`` (point, mean mastery, students with evidence), lowest first, top 10;
    ``misconceptions`` (id, count, example answers), most frequent first; ``needs_help``
    (student, reason in English, reason in Chinese); ``cdm`` the class-level DINA
    mastery probabilities when the class has enough answers, else None.
    """

    class_id: str
    students: list[str]
    kps: list[str]
    mastery: dict[str, dict[str, float]]
    weakest: list[tuple[str, float, int]]
    misconceptions: list[tuple[str, int, list[str]]]
    needs_help: list[tuple[str, str, str]]
    cdm: dict[str, dict[str, float]] | None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (tuples as lists)."""
        return {
            "class_id": self.class_id,
            "students": list(self.students),
            "kps": list(self.kps),
            "mastery": {s: dict(m) for s, m in self.mastery.items()},
            "weakest": [[kp, mean, n] for kp, mean, n in self.weakest],
            "misconceptions": [[mc, n, list(ex)] for mc, n, ex in self.misconceptions],
            "needs_help": [[s, en, zh] for s, en, zh in self.needs_help],
            "cdm": None if self.cdm is None else {s: dict(m) for s, m in self.cdm.items()},
        }


#: needs_help: this many wrong answers in a row …
WRONG_IN_A_ROW = 3
#: … or fewer than half right in the last this-many answers (no progress).
NO_PROGRESS_WINDOW = 8
#: Example wrong answers shown per misconception.
MISCONCEPTION_EXAMPLES = 3
#: The class-level cognitive diagnosis runs only with at least this many answers.
CDM_MIN_RESPONSES = 40
#: Cells of an exported CSV that a spreadsheet would run as a formula get a quote first.
_FORMULA_START = ("=", "+", "@", "\t", "\r")


class Engine:
    """The tutor's decisions over one store (one per process; thread-safe as the store is).

    ``clock`` gives the time (injectable for tests); ``model`` words explanations and
    grades free text (default: the deterministic template model); sessions live in this
    engine's memory and expire ``session_ttl_s`` seconds after their last use.
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        clock: Callable[[], float] = time.time,
        model: LanguageModel | None = None,
        session_ttl_s: float = SESSION_TTL_S,
    ) -> None:
        self.store = store
        self._clock = clock
        self._model = model
        self._model_lock = threading.Lock()
        self._paths: dict[tuple[str, str], _GoalGraph] = {}
        self._layers: dict[tuple[str, str], list[list[str]]] = {}
        # Knowledge-point names for reasons, per curriculum fingerprint (en, zh).
        self._names_for = ""
        self._names: tuple[dict[str, str], dict[str, str]] = ({}, {})
        self._sessions = SessionTable(ttl_s=session_ttl_s, clock=clock)

    @cached_property
    def catalog(self) -> Catalog:
        """The curriculum and content, read-only: what pages and the CLI look up."""
        from tutor.catalog import Catalog

        return Catalog(self.store)

    # -- people ------------------------------------------------------------------------

    def add_teacher(self, teacher_id: str, name: str) -> Teacher:
        """Create a teacher account record."""
        teacher = Teacher(teacher_id, name)
        self.store.add_teacher(teacher)
        return teacher

    def create_class(self, class_id: str, name: str, teacher_id: str) -> ClassGroup:
        """Create a class taught by an existing teacher."""
        group = ClassGroup(class_id, name, teacher_id)
        self.store.add_class(group)
        return group

    def add_student(
        self, student_id: str, name: str, class_id: str | None = None, goal: str | None = None
    ) -> Student:
        """Add a student, optionally to a class and with a goal knowledge point."""
        student = Student(student_id, name, class_id, goal)
        self.store.add_student(student)
        return student

    def add_student_with_password(
        self,
        student_id: str,
        name: str,
        class_id: str | None,
        password: str,
        goal: str | None = None,
    ) -> Student:
        """Add a student who can sign in: the student and the password hash in one write.

        The password is checked against the rules before anything is written.
        """
        student = Student(student_id, name, class_id, goal)
        digest = hash_password(password)
        self.store.add_students([student], {student_id: digest})
        return student

    def set_goal(self, student_id: str, kp_id: str | None) -> Student:
        """Assign a goal knowledge point to a student (None clears it)."""
        return self.store.set_goal(student_id, kp_id)

    def set_class_goal(self, class_id: str, kp_id: str) -> list[Student]:
        """Assign a goal to every student of a class."""
        self.store.get_class(class_id)
        self.store.get_node(kp_id)
        return [self.store.set_goal(s.id, kp_id) for s in self.store.list_students(class_id)]

    def import_roster(self, class_id: str, csv_text: str) -> RosterReport:
        """Add a class's students from CSV text (``student_id,name,password[,goal]``).

        Every row is checked first; when any row is bad nothing is written and the report
        lists each bad row (line, column, reason). Otherwise all students are added in one
        transaction.
        """
        from tutor.access import RosterReport, parse_roster

        self.store.get_class(class_id)
        known_kps = {kp.id for kp in self.store.list_nodes()}
        rows, problems = parse_roster(csv_text, known_kps=known_kps, taken=self._taken_ids)
        if problems:
            log.info("roster for a class refused: %d bad rows", len(problems))
            return RosterReport(class_id, [], problems)
        students = [Student(r.student_id, r.name, class_id, r.goal) for r in rows]
        hashes = {r.student_id: hash_password(r.password) for r in rows}
        self.store.add_students(students, hashes)
        log.info("roster imported: %d students", len(students))
        return RosterReport(class_id, [s.id for s in students], [])

    def _taken_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` already name a teacher or student."""
        taken: set[str] = set()
        for person_id in ids:
            for lookup in (self.store.get_student, self.store.get_teacher):
                try:
                    lookup(person_id)
                except NotFoundError:
                    continue
                taken.add(person_id)
                break
        return taken

    # -- accounts and sessions -----------------------------------------------------------

    def set_password(self, user_id: str, password: str) -> None:
        """Set the password of an existing teacher or student (only its KDF hash is stored).

        Every session of that user ends (they sign in again with the new password).
        """
        self.store.set_password_hash(user_id, hash_password(password))
        self._sessions.close_user(user_id)

    @cached_property
    def _decoy_hash(self) -> str:
        # Verified against when the user id is unknown, so a wrong id costs as long as a
        # wrong password and the timing does not reveal which ids exist.
        return hash_password("decoy-password-never-matches")

    def sign_in(self, user_id: str, password: str) -> Session:
        """Check a user id and password; a new session, or AuthError (same for both faults)."""
        refused = AuthError(
            "the user id or password is wrong: check both and try again "
            "(your teacher can reset a forgotten password)"
        )
        if not isinstance(password, str) or len(password) > MAX_PASSWORD_LEN:
            raise refused
        stored = self.store.password_hash(user_id) if user_id else None
        if stored is None:
            verify_password(password, self._decoy_hash)
            log.info("sign-in refused")
            raise refused
        if not verify_password(password, stored):
            log.info("sign-in refused")
            raise refused
        role, name = self._role_of(user_id)
        if role is None:
            raise refused
        log.info("sign-in accepted (%s)", role)
        return self._sessions.open(user_id, role, name)

    def _role_of(self, user_id: str) -> tuple[Literal["teacher", "student"] | None, str]:
        found: list[tuple[Literal["teacher", "student"], str]] = []
        with contextlib.suppress(NotFoundError):
            found.append(("teacher", self.store.get_teacher(user_id).name))
        with contextlib.suppress(NotFoundError):
            found.append(("student", self.store.get_student(user_id).name))
        if len(found) != 1:
            return None, ""
        return found[0]

    def sign_out(self, token: str) -> None:
        """End a session (harmless if it already ended)."""
        self._sessions.close(token)

    def session(self, token: str) -> Session:
        """The live session for a token (its expiry slides forward); SessionExpired if not."""
        return self._sessions.get(token)

    def as_user(self, token: str) -> StudentAPI | TeacherAPI:
        """The facade for the signed-in user: every method checks what they may see."""
        from tutor.access import StudentAPI, TeacherAPI

        session = self.session(token)
        if session.role == "teacher":
            return TeacherAPI(self, token)
        return StudentAPI(self, token)

    # -- the loop --------------------------------------------------------------------------

    @cached_property
    def _levels(self) -> dict[str, tuple[int, ...]]:
        return levels_by_kp()

    @cached_property
    def _generators(self) -> dict[str, list[Generator]]:
        """Generators by knowledge point, by name (not a scan of the registry per item)."""
        ensure_generators_loaded()
        by_kp: dict[str, list[Generator]] = {}
        for gen in sorted(GENERATORS.values(), key=lambda g: g.name):
            by_kp.setdefault(gen.kp, []).append(gen)
        return by_kp

    def _curriculum(self, known: str | None = None) -> str:
        """The curriculum fingerprint the caches are keyed by (``known``: as just read with
        the learner state; else read now). A new one empties the name caches."""
        fingerprint = (self.store.curriculum_fingerprint() or "") if known is None else known
        if fingerprint != self._names_for:
            self._names_for, self._names = fingerprint, ({}, {})
        return fingerprint

    def _goal_graph(self, goal: str, curriculum: str | None = None) -> _GoalGraph:
        """The goal's learning order, the path's direct prerequisites and their item levels
        (cached per curriculum version: they change only when a curriculum is loaded)."""
        key = (self._curriculum(curriculum), goal)
        cached = self._paths.get(key)
        if cached is None:
            path = self.store.learning_order(goal)
            prerequisites = self.store.direct_prerequisites(path)
            levels = {kp: self._levels[kp] for kp in prerequisites if kp in self._levels}
            cached = _remember(self._paths, key, _GoalGraph(path, prerequisites, levels))
        return cached

    def _view(
        self,
        student: Student,
        mastery: Mapping[str, MasteryState],
        answered: int,
        curriculum: str,
        now: float | None = None,
    ) -> StudentView:
        """What the policy sees of ``student`` (``answered``: their latest attempt number)."""
        if student.goal is None:
            raise InputError(
                f"student {student.id!r} has no goal yet: set one with "
                f"`tutor student goal {student.id} KP_ID` (or a class goal)"
            )
        graph = self._goal_graph(student.goal, curriculum)
        prerequisites, levels = graph.prerequisites, graph.levels
        # A diagnosed gap off the goal's path still gets repaired: the policy needs its
        # prerequisites and levels too (the path itself stays the goal's).
        gaps_off_path = [kp for kp, s in mastery.items() if s.gap and kp not in prerequisites]
        if gaps_off_path:
            prerequisites, levels = dict(prerequisites), dict(levels)
            for gap in gaps_off_path:
                extra = self._goal_graph(gap, curriculum)
                prerequisites.update(extra.prerequisites)
                levels.update(extra.levels)
        return StudentView(
            path=graph.order,
            prerequisites=prerequisites,
            mastery=mastery,
            levels=levels,
            now=self._clock() if now is None else now,
            answers_since_review=answers_since_review(answered),
            names=_Names(self.store, zh=False, seen=self._names[0]),
            names_zh=_Names(self.store, zh=True, seen=self._names[1]),
        )

    def next_item(self, student_id: str) -> NextItem:
        """The next item for a student, with the reason it was chosen."""
        state = self.store.learner_state(student_id)
        curriculum = self._curriculum(state.curriculum or "")
        view = self._view(state.student, state.mastery, state.last_seq, curriculum)
        choice = choose(view)
        if choice.kp is None or choice.difficulty is None or choice.kind == "goal_reached":
            return NextItem(choice, None)
        seq = state.last_seq + 1
        gens = [g for g in self._generators.get(choice.kp, ()) if choice.difficulty in g.levels]
        gen = gens[seq % len(gens)]
        return NextItem(choice, generate(gen.name, choice.difficulty, _item_seed(student_id, seq)))

    def _prerequisite_layers(self, kp_id: str, curriculum: str | None = None) -> list[list[str]]:
        """``kp_id``'s prerequisites hop by hop (cached per curriculum, like goal paths)."""
        key = (self._curriculum(curriculum), kp_id)
        layers = self._layers.get(key)
        if layers is None:
            layers = _remember(
                self._layers,
                key,
                prerequisite_layers(kp_id, self.store.direct_prerequisites, UP_DEPTH),
            )
        return layers

    def submit(
        self, student_id: str, item_id: str, answer: str, *, working: str | None = None
    ) -> Feedback:
        """Check an answer, diagnose a wrong one, update mastery, revise the learning path,
        and record the attempt, the new mastery and the path in one store transaction.

        ``working`` is the student's shown working, one step per line (optional): when no
        buggy rule explains a wrong answer, its first wrong line names the gap.

        Safe when one student submits from several tabs at once: the write is checked
        against the attempt the computation started from and, on a conflict, the whole
        read-compute-write is retried (up to :data:`SUBMIT_TRIES` times, then
        :class:`~tutor.errors.StoreConflict`); no answer is lost or counted twice.
        """
        # One read gives the student, their mastery, their latest attempt and recent items;
        # the first try below computes from it (a retry reads again).
        state = self.store.learner_state(student_id, recent=RECENT_ITEMS)
        item = regenerate(item_id)
        diagnosis = diagnose_answer(item, answer, working)
        if diagnosis.status in ("unreadable", "not_simplified"):
            return Feedback(diagnosis.status, diagnosis.message, recorded=False)
        misconception: Misconception | None = None
        if diagnosis.misconception is not None:
            misconception = get_misconception(diagnosis.misconception)
        layers = self._prerequisite_layers(item.kp, self._curriculum(state.curriculum or ""))
        # Optimistic concurrency: two tabs or a double click submit for one student at
        # once. Each try reads the log and mastery, computes, and writes only if no other
        # answer was saved in between (StoreConflict otherwise, nothing written); the next
        # try re-reads, so a second answer to the same item becomes "not recorded".
        for attempt_no in range(1, SUBMIT_TRIES + 1):
            try:
                return self._record(state, item, answer, diagnosis, misconception, layers)
            except StoreConflict:
                if attempt_no == SUBMIT_TRIES:
                    break
                log.debug("submit lost a race (try %d), retrying", attempt_no)
                # Jitter, so the losers of one race do not collide again in lockstep.
                time.sleep(random.uniform(0, SUBMIT_BACKOFF_S * attempt_no))  # noqa: S311
                state = self.store.learner_state(student_id, recent=RECENT_ITEMS)
        raise StoreConflict(
            f"too many answers of student {student_id!r} arrived at the same moment; "
            "this one was not saved — submit it again"
        )

    def _record(
        self,
        state: LearnerState,
        item: Item,
        answer: str,
        diagnosis: Diagnosis,
        misconception: Misconception | None,
        layers: list[list[str]],
    ) -> Feedback:
        """One compute-write of :meth:`submit` from ``state``; StoreConflict if another
        answer of the student was saved since ``state`` was read."""
        # The log and mastery come from one read, so the write's expected_seq check
        # fails if anything newer than what was computed from has been saved.
        student = state.student
        if item.item_id in state.recent_items:
            # A second try at the same item: feedback only; the first answer counted.
            return Feedback(
                diagnosis.status, diagnosis.message, recorded=False, misconception=misconception
            )
        seen = state.last_seq
        mastery = state.mastery
        now = self._clock()
        correct = diagnosis.status == "correct"
        gaps = diagnosis.gap_kps
        changes = observe(mastery, Observation(item.kp, correct, now, item.assesses, gaps), layers)
        curriculum = self._curriculum(state.curriculum or "")
        path = self._path_after(student, {**mastery, **changes}, now, seen + 1, curriculum)
        attempt = self.store.record_attempt(
            Attempt(
                student.id,
                item.item_id,
                item.kp,
                answer,
                diagnosis.status,
                correct,
                misconception.id if misconception else None,
                gaps,
                now,
            ),
            changes,
            expected_seq=seen,
            path=path,
        )
        before = {kp: _p(mastery.get(kp)) for kp in changes}
        return Feedback(
            diagnosis.status,
            diagnosis.message,
            recorded=True,
            misconception=misconception,
            gap_kps=gaps,
            mastery_before=before,
            mastery_after={kp: s.p for kp, s in changes.items()},
            attempt_seq=attempt.seq,
            path=path,
        )

    # -- the stored learning path ----------------------------------------------------------

    def _path_after(
        self,
        student: Student,
        mastery: Mapping[str, MasteryState],
        now: float,
        answered: int,
        curriculum: str,
    ) -> StoredPath | None:
        """The path revised for the answer about to be recorded (stored with it, in the
        same transaction); None when the student has no goal, or when revising failed:
        the answer still counts, and the next read of the path recomputes it."""
        if student.goal is None:
            return None
        try:
            return self._revised_path(student, mastery, now, answered, curriculum)
        except TutorError:
            log.warning("the learning path could not be revised", exc_info=True)
            return None

    def _revised_path(
        self,
        student: Student,
        mastery: Mapping[str, MasteryState],
        now: float,
        answered: int,
        curriculum: str,
    ) -> StoredPath:
        """The path the policy would follow now: a diagnosed gap (after its unmastered
        prerequisites) first, then what is left on the way to the goal."""
        view = self._view(student, mastery, answered, curriculum, now=now)
        choice = choose(view)
        gap = self._diagnosed_gap(view, choice, curriculum)
        kps: list[str] = []
        if gap is not None:
            order = self._goal_graph(gap, curriculum).order
            kps = [kp for kp in order if kp in self._levels and not _done(view, kp)]
        kps += [kp for kp in view.path if kp in view.levels and not _done(view, kp)]
        next_kp = None if choice.kind == "goal_reached" else choice.kp
        if next_kp is not None and choice.kind != "review":
            kps.insert(0, next_kp)  # the policy's pick leads, whatever the tie-breaks
        return StoredPath(
            kps=list(dict.fromkeys(kps)),
            next_kp=next_kp,
            reason=choice.reason,
            reason_zh=choice.reason_zh,
            diagnosed_gap=gap,
            updated_at=now,
            goal=student.goal,
            kind=choice.kind,
        )

    def _diagnosed_gap(self, view: StudentView, choice: Choice, curriculum: str) -> str | None:
        """The gap the policy's choice repairs (the policy's own order: latest first)."""
        if choice.kind != "gap" or choice.kp is None:
            return None
        gaps = sorted(
            (kp for kp, s in view.mastery.items() if s.gap and not _done(view, kp)),
            key=lambda kp: (view.mastery[kp].updated_at, kp),
            reverse=True,
        )
        for gap in gaps:
            if gap == choice.kp or choice.kp in self._goal_graph(gap, curriculum).order:
                return gap
        return None

    def path(self, student_id: str) -> StoredPath:
        """The student's learning path: the stored one while it is fresh (same goal, no
        answer since, computed within :data:`PATH_FRESH_S`), else revised and stored."""
        student = self.store.get_student(student_id)
        now = self._clock()
        if student.goal is None:
            return StoredPath(
                [],
                None,
                "You have no goal yet: your teacher can set one.",
                "你还没有学习目标：请老师帮你设定一个。",
                None,
                now,
                None,
                "no_goal",
            )
        stored = self.store.get_path(student_id)
        last = self.store.attempts(student_id, limit=1)
        if (
            stored is not None
            and stored.goal == student.goal
            and (not last or stored.updated_at >= last[-1].at)
            and now - stored.updated_at < PATH_FRESH_S
        ):
            return stored
        state = self.store.learner_state(student_id)
        curriculum = self._curriculum(state.curriculum or "")
        path = self._revised_path(state.student, state.mastery, now, state.last_seq, curriculum)
        self.store.set_path(student_id, path)
        return path

    def path_summary(self, student_id: str) -> dict[str, object]:
        """The CLI contract of ``tutor student path``: the path and the next step."""
        student = self.store.get_student(student_id)
        stored = self.path(student_id)
        nxt: dict[str, object] = {
            "kind": stored.kind,
            "kp": stored.next_kp,
            "reason": stored.reason,
            "reason_zh": stored.reason_zh,
        }
        return {
            "student": student.id,
            "goal": student.goal,
            "path": list(stored.kps),
            "next": nxt,
            "diagnosed_gap": stored.diagnosed_gap,
        }

    # -- explanations and grading (the model words; the engine decides) --------------------

    @property
    def model(self) -> LanguageModel:
        """The language model that words explanations (the template model by default)."""
        with self._model_lock:
            if self._model is None:
                from tutor.llm.template import TemplateModel

                self._model = TemplateModel()
            return self._model

    def explain(
        self,
        student_id: str,
        item_id: str,
        answer: str | None = None,
        *,
        kind: Kind = "explanation",
        hint_index: int = 0,
        style: Style = "friendly",
        language: Language = "en",
        temperature: float = 0.3,
    ) -> Explanation:
        """An explanation or a hint for an item (``tutor.llm.explain.Explanation``): the
        verified steps worded by the model, with the diagnosis of ``answer`` when given."""
        from tutor.llm.explain import explain

        self.store.get_student(student_id)
        item = regenerate(item_id)
        diagnosis = diagnose_answer(item, answer) if answer is not None else None
        return explain(
            item,
            model=self.model,
            answer=answer,
            diagnosis=diagnosis,
            kind=kind,
            hint_index=hint_index,
            style=style,
            language=language,
            temperature=temperature,
        )

    def explain_stream(
        self,
        student_id: str,
        item_id: str,
        answer: str | None = None,
        **options: Any,
    ) -> ExplanationStream:
        """Like :meth:`explain`, streamed (``tutor.llm.explain.explain_stream``); the
        options are those of :meth:`explain`."""
        from tutor.llm.explain import explain_stream

        self.store.get_student(student_id)
        item = regenerate(item_id)
        diagnosis = diagnose_answer(item, answer) if answer is not None else None
        return explain_stream(item, model=self.model, answer=answer, diagnosis=diagnosis, **options)

    def grade(
        self,
        student_id: str,
        item_id: str,
        reasoning: str,
        *,
        final_answer: str | None = None,
    ) -> Grade:
        """Grade a student's free-text reasoning for an item (``tutor.llm.grading.Grade``)."""
        from tutor.llm.grading import grade

        self.store.get_student(student_id)
        item = regenerate(item_id)
        return grade(item, reasoning, model=self.model, final_answer=final_answer)

    # -- teachers' views ------------------------------------------------------------------

    def class_report(self, class_id: str) -> ClassReport:
        """The class diagnostics a teacher reads (see :class:`ClassReport`)."""
        self.store.get_class(class_id)
        students = [s.id for s in self.store.list_students(class_id)]
        mastery = {sid: self.store.mastery(sid) for sid in students}
        attempts = {sid: self.store.attempts(sid) for sid in students}
        practised = {a.kp for log_ in attempts.values() for a in log_}
        order = {kp.id: n for n, kp in enumerate(self.store.list_nodes())}
        kps = sorted(practised, key=lambda kp: (order.get(kp, len(order)), kp))
        heat = {sid: {kp: round(_p(mastery[sid].get(kp)), 4) for kp in kps} for sid in students}
        weakest: list[tuple[str, float, int]] = []
        for kp in kps:
            seen = [mastery[sid][kp].p for sid in students if kp in mastery[sid]]
            if seen:
                weakest.append((kp, round(sum(seen) / len(seen), 4), len(seen)))
        weakest.sort(key=lambda row: (row[1], row[0]))
        counts: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for sid in students:
            for a in reversed(attempts[sid]):  # newest first, so examples are recent
                if a.misconception is None:
                    continue
                counts[a.misconception] += 1
                shown = examples.setdefault(a.misconception, [])
                if a.answer not in shown and len(shown) < MISCONCEPTION_EXAMPLES:
                    shown.append(a.answer)
        misconceptions = [
            (mc, n, examples[mc]) for mc, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
        ]
        cdm = self._class_cdm(attempts)
        flagged = {} if cdm is None else {h.student: h.points for h in cdm.needs_help}
        needs_help = []
        for sid in students:
            reasons = self._needs_help(attempts[sid], mastery[sid])
            if sid in flagged:
                names = [self.store.get_node(kp) for kp in flagged[sid][:2]]
                reasons.append(
                    (
                        "the class model finds these not yet mastered: "
                        + ", ".join(n.name for n in names),
                        "班级诊断模型认为还没掌握："
                        + "、".join(n.name_zh or n.name for n in names),
                    )
                )
            if reasons:
                needs_help.append(
                    (
                        sid,
                        "; ".join(r[0] for r in reasons),
                        "；".join(r[1] for r in reasons),
                        len(reasons),
                    )
                )
        needs_help.sort(key=lambda row: (-row[3], row[0]))
        return ClassReport(
            class_id=class_id,
            students=students,
            kps=kps,
            mastery=heat,
            weakest=weakest[:10],
            misconceptions=misconceptions,
            needs_help=[(sid, en, zh) for sid, en, zh, _ in needs_help],
            cdm=None if cdm is None else {s: dict(m) for s, m in cdm.mastery.items()},
        )

    def _needs_help(
        self, log_: Sequence[Attempt], mastery: Mapping[str, MasteryState]
    ) -> list[tuple[str, str]]:
        """Why a student needs help now (English, Chinese), most urgent first."""
        reasons: list[tuple[str, str]] = []
        tail = log_[-WRONG_IN_A_ROW:]
        if len(tail) == WRONG_IN_A_ROW and not any(a.correct for a in tail):
            reasons.append(
                (
                    f"{WRONG_IN_A_ROW} wrong answers in a row",
                    f"连续答错{WRONG_IN_A_ROW}题",
                )
            )
        gaps = sorted(kp for kp, s in mastery.items() if s.gap and not is_mastered(s))
        if gaps:
            names = [self.store.get_node(kp) for kp in gaps[:2]]
            more = len(gaps) - len(names)
            en = ", ".join(n.name for n in names) + (f" and {more} more" if more else "")
            zh = "、".join(n.name_zh or n.name for n in names) + (
                f"等{len(gaps)}个" if more else ""
            )
            reasons.append(
                (f"a diagnosed gap not yet repaired: {en}", f"诊断出的漏洞还没补上：{zh}")
            )
        window = log_[-NO_PROGRESS_WINDOW:]
        if len(window) == NO_PROGRESS_WINDOW and sum(a.correct for a in window) * 2 < len(window):
            right = sum(a.correct for a in window)
            reasons.append(
                (
                    f"no progress: only {right} of the last {NO_PROGRESS_WINDOW} answers right",
                    f"没有进步：最近{NO_PROGRESS_WINDOW}题只答对{right}题",
                )
            )
        return reasons

    def _class_cdm(self, attempts: Mapping[str, Sequence[Attempt]]) -> ClassDiagnosis | None:
        """The class-level DINA diagnosis when the class has enough answers (else None)."""
        if sum(len(log_) for log_ in attempts.values()) < CDM_MIN_RESPONSES:
            return None
        from tutor.diagnosis.class_cdm import fit_class_dina

        # The Q-matrix rows by generator (the first part of an item id), from the graph.
        q_matrix = {f.generator: dict(f.assesses) for f in self.store.item_families()}
        try:
            return fit_class_dina({sid: log_ for sid, log_ in attempts.items() if log_}, q_matrix)
        except TutorError:
            log.info("class-level diagnosis skipped", exc_info=True)
            return None

    def export_class_csv(self, class_id: str) -> str:
        """Every recorded attempt of a class's students as CSV text (oldest first per
        student), safe to open in a spreadsheet (no cell starts a formula)."""
        self.store.get_class(class_id)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "student_id",
                "name",
                "seq",
                "at",
                "item_id",
                "kp",
                "answer",
                "status",
                "correct",
                "misconception",
                "gap_kps",
            ]
        )
        for student in self.store.list_students(class_id):
            for a in self.store.attempts(student.id):
                writer.writerow(
                    [
                        _cell(v)
                        for v in (
                            student.id,
                            student.name,
                            a.seq,
                            f"{a.at:.0f}",
                            a.item_id,
                            a.kp,
                            a.answer,
                            a.status,
                            int(a.correct),
                            a.misconception or "",
                            ";".join(a.gap_kps),
                        )
                    ]
                )
        return out.getvalue()


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: a quote before a formula start (a
    leading minus only when it does not start a number, so "-3" stays an answer)."""
    text = str(value)
    if text.startswith(_FORMULA_START) or (
        text.startswith("-") and not text[1:2].isdigit() and text != "-"
    ):
        return "'" + text
    return text


def _p(state: MasteryState | None) -> float:
    return DEFAULT_BKT.prior if state is None else state.p


def _done(view: StudentView, kp: str) -> bool:
    return is_mastered(view.mastery.get(kp))
