"""The one facade the app and the CLI talk to: ``next_item``, ``submit``, ``explain``,
``grade`` and the learning ``path``; each delegates to a named part.

One answer, end to end (DESIGN.md):

1. :meth:`Engine.next_item` reads the student's goal path and mastery from the store, asks
   the policy (:func:`tutor.policy.select.choose`) for a point and a level, and makes a
   concrete, seeded, verified item for it.
2. :meth:`Engine.submit` checks the answer (sympy), matches a wrong answer against the
   buggy rules, updates mastery with graph propagation (:func:`tutor.learner.mastery.observe`),
   records the attempt, the new mastery and the revised learning path
   (:mod:`tutor.policy.paths`) in one store transaction (retried when another answer of the
   same student got in first), and returns the feedback with the revised next step.

The engine keeps one :class:`~tutor.policy.index.CurriculumIndex` (cached views of the graph
for the stored curriculum) and passes it to the policy. The engine decides; the language
model only words explanations (checked by the guard). Unreadable answers and right values in
the wrong form are not recorded (the student writes them again).

3. The tutoring turn (:mod:`tutor.turns`): after a wrong first answer the student gets a
   second try (:meth:`Engine.submit` again; kept with the attempt, never counted for
   mastery), hints on a ladder (:meth:`Engine.hint`) and the worked solution on request or
   after the second miss (:meth:`Engine.show_solution`); :meth:`Engine.turn` says where
   the turn stands. Any other answer to an answered item is checked, not recorded.

Elsewhere: people, accounts, sign-in and the role facades live in :mod:`tutor.access`
(which imports this module, never the reverse); class reports in :mod:`tutor.reports`;
rosters in :mod:`tutor.roster`.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from tutor.content.answers import check_answer
from tutor.content.items import (
    Generator,
    Item,
    generate,
    generators_by_kp,
    levels_by_kp,
    parse_item_id,
    regenerate,
)
from tutor.content.misconceptions import Misconception, get_misconception
from tutor.diagnosis.answer import Diagnosis, diagnose_answer
from tutor.domain import Attempt, MasteryState, StoredPath, Student
from tutor.errors import CodedInputError, InputError, StoreConflict
from tutor.graph import GraphStore, LearnerState
from tutor.i18n import render
from tutor.learner.mastery import DEFAULT_BKT, MASTERED, P_MAX, Observation, observe
from tutor.llm.options import ExplainOptions
from tutor.policy import paths
from tutor.policy import placement as placing
from tutor.policy.index import CurriculumIndex
from tutor.policy.select import LOOKBACK, Choice, Run, choose, frontier, needs_help
from tutor.reports import ClassReport, class_report, export_class_csv
from tutor.turns import (
    Feedback,
    NextItem,
    Placement,
    PlacementTurn,
    Turn,
    same_answer,
    turn_of,
)

if TYPE_CHECKING:
    from tutor.catalog import Catalog
    from tutor.llm.base import LanguageModel

    # Named here for the layers above (access, service): they see the model's results
    # through the engine, never tutor.llm itself.
    from tutor.llm.explain import Explanation as Explanation
    from tutor.llm.explain import ExplanationStream as ExplanationStream
    from tutor.llm.grading import Grade as Grade
    from tutor.llm.options import Language as Language

__all__ = [
    "ClassReport",
    "Engine",
    "ExplainOptions",
    "Feedback",
    "NextItem",
    "Placement",
    "PlacementTurn",
    "Turn",
    "TurnRefused",
]

log = logging.getLogger(__name__)

#: How often submit re-reads and retries after losing a race to another answer of the
#: same student. Each loss means another answer was saved, so k simultaneous answers
#: need at most k - 1 retries; 10 covers a burst far beyond two tabs and a double click.
SUBMIT_TRIES = 10
#: Upper bound of the random pause before retry n is n times this (seconds).
SUBMIT_BACKOFF_S = 0.005
#: A second answer to one of the student's last this-many items is checked, not recorded.
RECENT_ITEMS = 20
#: Recent items read with each answer: those, and the no-stuck rule's look back.
READ_RECENT = max(RECENT_ITEMS, LOOKBACK)


class TurnRefused(CodedInputError):
    """A step the tutoring turn does not allow now (a hint before the first answer, a
    fourth hint, the solution of an item answered right): a code for pages, English in
    ``str()`` for the CLI and logs."""

    def __str__(self) -> str:
        return render(self.code, self.params, "en")


def _item_seed(student_id: str, seq: int) -> int:
    """A reproducible seed for a student's ``seq``-th item (stable across processes)."""
    digest = hashlib.sha256(f"{student_id}\x00{seq}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


class Engine:
    """The tutor's decisions over one store (one per process; thread-safe as the store is).

    ``clock`` gives the time (injectable for tests); ``model`` words explanations and
    grades free text (default: the deterministic template model).
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        clock: Callable[[], float] = time.time,
        model: LanguageModel | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self._model = model
        self._model_lock = threading.Lock()
        self._index: CurriculumIndex | None = None
        self._index_lock = threading.Lock()

    @cached_property
    def catalog(self) -> Catalog:
        """The curriculum and content, read-only: what pages and the CLI look up."""
        from tutor.catalog import Catalog

        return Catalog(self.store)

    @cached_property
    def _generators(self) -> dict[str, list[Generator]]:
        return generators_by_kp()  # once, not a scan of the registry per item

    @cached_property
    def _kp_of_generator(self) -> dict[str, str]:
        return {g.name: kp for kp, gens in self._generators.items() for g in gens}

    def _run(self, student_id: str, item_ids: tuple[str, ...], *, unsaved: int = 0) -> Run | None:
        """The student's latest answers in a row on one point (the no-stuck rule's input),
        from the ids of their latest answers, newest first (:data:`LOOKBACK` of them when
        there are so many); ``unsaved`` of them, at the front, are not in the log yet. A run
        as long as the ids is counted on in the attempt log."""
        kps = [self._kp_of_generator.get(parse_item_id(i)[0]) for i in item_ids[:LOOKBACK]]
        if not kps or kps[0] is None:
            return None  # no answer yet, or not a generated item: no run to act on
        kp, level = kps[0], parse_item_id(item_ids[0])[1]
        recent = kps.count(kp)
        seen = frozenset(k for k in kps if k is not None)
        length = next((n for n, other in enumerate(kps) if other != kp), len(kps))
        if length < LOOKBACK:
            return Run(kp, length, level, recent, seen)
        limit = 4 * LOOKBACK
        while True:  # rare: a long run; read further back in the log until it ends
            log = self.store.attempts(student_id, limit=limit)
            saved = next((n for n, a in enumerate(reversed(log)) if a.kp != kp), len(log))
            if saved < len(log) or len(log) < limit:
                return Run(kp, saved + unsaved, level, recent, seen)
            limit *= 4

    def _answered_at(self, student_id: str) -> dict[str, float]:
        """When each point was last answered by the student itself (from the attempt log;
        read only when the goal looks reached, to confirm stale goal points first)."""
        return {a.kp: a.at for a in self.store.attempts(student_id)}  # oldest first

    def _run_after(self, state: LearnerState, item: Item) -> Run | None:
        """The run once ``item``'s answer is recorded (``state`` read with recent items)."""
        return self._run(state.student.id, (item.item_id, *state.recent_items), unsaved=1)

    def index(self, fingerprint: str | None = None) -> CurriculumIndex:
        """The cached views of the stored curriculum (``fingerprint``: as just read with the
        learner state; else read now). A new fingerprint starts a new index."""
        if fingerprint is None:
            fingerprint = self.store.curriculum_fingerprint() or ""
        with self._index_lock:
            if self._index is None or self._index.fingerprint != fingerprint:
                self._index = CurriculumIndex(fingerprint, self.store, levels_by_kp())
            return self._index

    # -- the loop --------------------------------------------------------------------------

    def next_item(self, student_id: str) -> NextItem:
        """The next item for a student, with the reason it was chosen."""
        state = self.store.learner_state(student_id, recent=LOOKBACK)
        index = self.index(state.curriculum or "")
        view = paths.view_of(
            index,
            state.student,
            state.mastery,
            answered=state.last_seq,
            now=self.clock(),
            run=self._run(student_id, state.recent_items),
        )
        choice = choose(view).worded(render)
        if choice.kind == "goal_reached":
            # Before the goal counts as reached, the policy confirms goal points not
            # answered themselves for a while: it needs their times from the log.
            view = replace(view, answered_at=self._answered_at(student_id))
            choice = choose(view).worded(render)
        if choice.kp is None or choice.difficulty is None or choice.kind == "goal_reached":
            return NextItem(choice, None)
        seq = state.last_seq + 1
        gens = [g for g in self._generators.get(choice.kp, ()) if choice.difficulty in g.levels]
        gen = gens[seq % len(gens)]
        item = generate(gen.name, choice.difficulty, _item_seed(student_id, seq))
        example = None
        if choice.approach == "worked_example":
            # A stuck student first reads a similar item solved step by step (another seed).
            example = generate(gen.name, choice.difficulty, _item_seed(student_id, -seq))
        return NextItem(choice, item, example)

    def submit(
        self, student_id: str, item_id: str, answer: str, *, working: str | None = None
    ) -> Feedback:
        """Check an answer, diagnose a wrong one, update mastery, revise the learning path,
        and record the attempt, the new mastery and the path in one store transaction.

        ``working`` is the student's shown working, one step per line (optional): its first
        wrong line is ``Feedback.working`` (also under a right answer), and when no buggy
        rule explains a wrong final answer, that line names the gap — the misconception a
        buggy rule reads in it, else the point of the step it attempted — which mastery and
        the revised path take like any diagnosed gap.

        Safe when one student submits from several tabs at once: the write is checked
        against the attempt the computation started from and, on a conflict, the whole
        read-compute-write is retried (up to :data:`SUBMIT_TRIES` times, then
        :class:`~tutor.errors.StoreConflict`); no answer is lost or counted twice.
        """
        # One read gives the student, their mastery, their latest attempt and recent items;
        # the first try below computes from it (a retry reads again).
        state = self.store.learner_state(student_id, recent=READ_RECENT)
        item = regenerate(item_id)
        diagnosis = diagnose_answer(item, answer, working)
        if diagnosis.status in ("unreadable", "not_simplified"):
            return Feedback(
                diagnosis.status,
                diagnosis.message(render),
                recorded=False,
                code=diagnosis.code,
                params=diagnosis.params,
            )
        misconception: Misconception | None = None
        if diagnosis.misconception is not None:
            misconception = get_misconception(diagnosis.misconception)
        layers = self.index(state.curriculum or "").prerequisite_layers(item.kp)
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
                state = self.store.learner_state(student_id, recent=READ_RECENT)
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
        if item.item_id in state.recent_items[:RECENT_ITEMS]:
            # The item was answered: a second try, or an answer after the turn is over.
            return self._second_try(state, item, answer, diagnosis, misconception)
        seen = state.last_seq
        mastery = state.mastery
        now = self.clock()
        correct = diagnosis.status == "correct"
        gaps = diagnosis.gap_kps
        changes = observe(mastery, Observation(item.kp, correct, now, item.assesses, gaps), layers)
        path_after = partial(
            paths.path_after,
            self.index(state.curriculum or ""),
            student,
            {**mastery, **changes},
            answered=seen + 1,
            now=now,
            render=render,
            run=self._run_after(state, item),
        )
        path = path_after()
        if path is not None and path.kind == "goal_reached":
            # As in next_item: stale goal points are confirmed first (this answer counts).
            path = path_after(answered_at={**self._answered_at(student.id), item.kp: now})
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
        before = {kp: mastery[kp].p if kp in mastery else DEFAULT_BKT.prior for kp in changes}
        return Feedback(
            diagnosis.status,
            diagnosis.message(render),
            recorded=True,
            misconception=misconception,
            gap_kps=gaps,
            mastery_before=before,
            mastery_after={kp: s.p for kp, s in changes.items()},
            attempt_seq=attempt.seq,
            path=path,
            code=diagnosis.code,
            params=diagnosis.params,
            turn=turn_of(item.item_id, attempt, latest=True),
            working=diagnosis.working,
        )

    # -- the initial knowledge check (tutor.policy.placement) -----------------------------
    #
    # The store keeps one placement document per student (``set_placement``): ``open``
    # (the check in progress: goal, grade, cap, start time, the answers so far as point and
    # right/wrong, and the current question's item id), ``result`` (the last finished
    # placement) and ``requested`` (a teacher asked for a re-check). The model's state is
    # recomputed from the answers, so another process resumes a check exactly.

    def needs_placement(self, student_id: str) -> bool:
        """Whether the student should take the initial knowledge check now: they have a
        goal and either a check is open, a teacher asked for a re-check, or they have no
        answers and no placement yet."""
        state = self.store.learner_state(student_id)
        if state.student.goal is None:
            return False
        stored = self.store.get_placement(student_id)
        doc = stored[0] if stored else {}
        if doc.get("open") or doc.get("requested"):
            return True
        return state.last_seq == 0 and not doc.get("result")

    def start_placement(self, student_id: str, *, max_items: int | None = None) -> PlacementTurn:
        """Start (or restart) the initial knowledge check and give its first question.

        ``max_items`` caps the questions (default :func:`tutor.policy.placement.default_cap`
        for the student's grade). :class:`~tutor.errors.InputError` when the student has no
        goal or ``max_items`` is below 1.
        """
        if max_items is not None and (isinstance(max_items, bool) or max_items < 1):
            raise InputError(f"max_items must be 1 or more, not {max_items!r}")
        state = self.store.learner_state(student_id)
        student = state.student
        if student.goal is None:
            raise InputError(
                f"student {student_id!r} has no goal yet: set one with "
                f"`tutor student goal {student_id} KP_ID` before the knowledge check"
            )
        grade = self._student_grade(student)
        stored = self.store.get_placement(student_id)
        doc, version = stored if stored else ({}, 0)
        now = self.clock()
        check: dict[str, object] = {
            "goal": student.goal,
            "grade": grade,
            "max_items": max_items if max_items is not None else placing.default_cap(grade),
            "started_at": now,
            "answers": [],
            "current": None,
        }
        model = self._placement_model(state.curriculum or "", student.goal, grade)
        return self._placement_step(student, model, check, doc, version)

    def placement_turn(self, student_id: str) -> PlacementTurn | None:
        """The open check's current question (None when no check is open)."""
        stored = self.store.get_placement(student_id)
        check = stored[0].get("open") if stored else None
        if not check:
            return None
        return PlacementTurn(
            False, regenerate(str(check["current"])), len(check["answers"]), check["max_items"]
        )

    def answer_placement(self, student_id: str, item_id: str, answer: str) -> PlacementTurn:
        """Answer the open check's current question; the next question or the result.

        No right/wrong feedback is given. An empty answer counts as "I don't know"
        (wrong); an answer that cannot be read gives the same question again
        (``retry``), counting nothing. :class:`~tutor.errors.InputError` when no check is
        open or ``item_id`` is not the current question.
        """
        state = self.store.learner_state(student_id)
        stored = self.store.get_placement(student_id)
        doc, version = stored if stored else ({}, 0)
        check = doc.get("open")
        if not check:
            raise InputError(f"student {student_id!r} has no knowledge check open: start one first")
        if item_id != check["current"]:
            raise InputError(
                f"{item_id!r} is not the current question of {student_id!r}'s knowledge "
                f"check; answer {check['current']!r}"
            )
        item = regenerate(item_id)
        if answer.strip() in ("", "?"):
            correct = False
        else:
            verdict = check_answer(answer, item.answer, item.policy)
            if verdict.status == "unreadable":
                return PlacementTurn(
                    False, item, len(check["answers"]), check["max_items"], retry=True
                )
            # A right value in the wrong form still shows the student knows the point.
            correct = verdict.status in ("correct", "not_simplified")
        check = {
            **check,
            "answers": [*check["answers"], {"item_id": item_id, "kp": item.kp, "correct": correct}],
        }
        model = self._placement_model(state.curriculum or "", check["goal"], check["grade"])
        return self._placement_step(state.student, model, check, doc, version)

    def placement(self, student_id: str) -> Placement | None:
        """The student's last finished placement (None: none yet)."""
        stored = self.store.get_placement(student_id)
        result = stored[0].get("result") if stored else None
        return Placement.from_json(result) if result else None

    def request_placement(self, student_id: str) -> None:
        """A teacher's request for a re-check: :meth:`needs_placement` is True until the
        student finishes a new check."""
        stored = self.store.get_placement(student_id)
        doc, version = stored if stored else ({}, 0)
        self.store.set_placement(student_id, {**doc, "requested": True}, expected_version=version)

    def _student_grade(self, student: Student) -> float:
        """The grade that sets the placement prior (:func:`placing.student_grade`)."""
        class_name = None
        if student.class_id is not None:
            class_name = self.store.get_class(student.class_id).name
        goal = self.store.get_node(student.goal).grade if student.goal else None
        return placing.student_grade(class_name, goal)

    def _placement_model(self, fingerprint: str, goal: str, grade: float) -> placing.PlacementModel:
        index = self.index(fingerprint)
        graph = index.goal_graph(goal)
        return placing.build_model(
            graph.order, graph.prerequisites, graph.levels, index.grades(graph.order), grade
        )

    def _placement_step(
        self,
        student: Student,
        model: placing.PlacementModel,
        check: dict[str, Any],
        doc: dict[str, Any],
        version: int,
    ) -> PlacementTurn:
        """Choose the next question of ``check`` or finish it, and store the outcome
        (guarded by ``version``: a concurrent answer raises StoreConflict)."""
        answers = [placing.Answer(a["kp"], bool(a["correct"])) for a in check["answers"]]
        belief = placing.posterior(model, answers)
        marginals = belief.marginals
        asked: dict[str, int] = {}
        for a in answers:
            asked[a.kp] = asked.get(a.kp, 0) + 1
        best = placing.best_question(model, belief, asked)
        cap = int(check["max_items"])
        if not placing.should_stop(marginals, len(answers), cap, best[1] if best else None):
            assert best is not None  # should_stop is True without a question
            n = len(answers)
            item = self._placement_item(student.id, best[0], float(check["started_at"]), n)
            check = {**check, "current": item.item_id}
            self.store.set_placement(student.id, {**doc, "open": check}, expected_version=version)
            return PlacementTurn(False, item, n, cap)
        result, mastery, path = self._placement_result(student, model, marginals, check)
        self.store.set_placement(
            student.id,
            {"open": None, "result": result.to_json(), "requested": False},
            expected_version=version,
            mastery=mastery,
            path=path,
        )
        return PlacementTurn(True, None, len(answers), cap, result)

    def _placement_item(self, student_id: str, kp: str, started_at: float, n: int) -> Item:
        """The ``n``-th question of a check: a typical (middle-level) item of ``kp``."""
        gens = self._generators[kp]
        levels = sorted({level for g in gens for level in g.levels})
        level = levels[len(levels) // 2]
        seed = _item_seed(f"{student_id}\x00placement\x00{started_at!r}", n)
        usable = [g for g in gens if level in g.levels]
        return generate(usable[seed % len(usable)].name, level, seed)

    def _placement_result(
        self,
        student: Student,
        model: placing.PlacementModel,
        marginals: Any,
        check: dict[str, Any],
    ) -> tuple[Placement, dict[str, MasteryState], StoredPath | None]:
        """The placement, the mastery it sets and the path that starts at its frontier.

        A known point starts mastered (its marginal, at least MASTERED); a point not known
        starts at its marginal, at most 0.5, so practice begins at the frontier."""
        now = self.clock()
        mastery: dict[str, MasteryState] = {}
        known: list[str] = []
        not_known: list[str] = []
        for kp, m in zip(model.points, marginals, strict=True):
            if m >= 0.5:
                known.append(kp)
                p = min(max(float(m), MASTERED), P_MAX)
            else:
                not_known.append(kp)
                p = min(float(m), 0.5)
            mastery[kp] = MasteryState(p=p, attempts=0, updated_at=now)
        state = self.store.learner_state(student.id)
        full = {**state.mastery, **mastery}
        index = self.index(state.curriculum or "")
        view = paths.view_of(index, student, full, answered=state.last_seq, now=now)
        start = frontier(view)
        path = paths.path_after(
            index, student, full, answered=state.last_seq, now=now, render=render
        )
        if start:
            code = "placement.summary"
            names = [{"en": view.names[kp], "zh-Hans": view.names_zh[kp]} for kp in start[:3]]
            params: dict[str, object] = {
                "known": len(known),
                "total": len(model.points),
                "start": names,
            }
        else:
            code = "placement.summary_done"
            params = {"known": len(known), "total": len(model.points)}
        result = Placement(
            goal=str(check["goal"]),
            known=tuple(known),
            not_known=tuple(not_known),
            frontier=tuple(start),
            items_used=len(check["answers"]),
            finished_at=now,
            grade=float(check["grade"]),
            code=code,
            params=params,
            summary=render(code, params, "en"),
            summary_zh=render(code, params, "zh-Hans"),
        )
        return result, mastery, path

    def needs_help(self, student_id: str) -> list[str]:
        """The points a student has answered many times without mastering them: the
        teacher's flag that a person should step in (:func:`tutor.policy.select.needs_help`)."""
        return needs_help(self.store.mastery(student_id))

    def _second_try(
        self,
        state: LearnerState,
        item: Item,
        answer: str,
        diagnosis: Diagnosis,
        misconception: Misconception | None,
    ) -> Feedback:
        """An answer to an item the student answered already: their second try when the
        turn is open for one (kept with the first answer; mastery and the path are not
        touched: knowledge tracing sees first answers only), else checked, not recorded."""
        first = self._first_answer(state.student.id, item.item_id)
        latest = first is not None and first.seq == state.last_seq
        turn = turn_of(item.item_id, first, latest=latest)
        not_counted = Feedback(
            diagnosis.status,
            diagnosis.message(render),
            recorded=False,
            misconception=misconception,
            gap_kps=diagnosis.gap_kps,
            attempt_seq=None if first is None else first.seq,
            code=diagnosis.code,
            params=diagnosis.params,
            try_no=0,
            turn=turn,
            note="turn.over",
        )
        if first is None or turn.stage != "second":
            return not_counted
        if same_answer(first.answer, answer):
            # A double click or Enter pressed twice must not use up the second try.
            return replace(not_counted, note="turn.same_answer")
        # A second try of the same turn in another tab got in first: StoreConflict, and
        # submit's retry finds the turn over.
        stored = self.store.record_turn(
            state.student.id, first.seq, retry=(answer, diagnosis.status)
        )
        return replace(
            not_counted, try_no=2, turn=turn_of(item.item_id, stored, latest=True), note=""
        )

    # -- the tutoring turn (tutor.turns) ------------------------------------------------------

    def _first_answer(self, student_id: str, item_id: str) -> Attempt | None:
        """The student's recorded first answer to ``item_id`` among their recent attempts."""
        for attempt in reversed(self.store.attempts(student_id, limit=RECENT_ITEMS)):
            if attempt.item_id == item_id:
                return attempt
        return None

    def open_turn(self, student_id: str) -> NextItem | None:
        """The item of the student's unfinished tutoring turn, if their latest answer left
        one open (a wrong first answer whose second try, hints and solution are still to
        come), so that a new page — a reload, a bookmark, another app process — goes on with
        it instead of moving to a new item. None when there is none."""
        latest = self.store.attempts(student_id, limit=1)
        if not latest:
            return None
        first = latest[-1]
        if turn_of(first.item_id, first, latest=True).stage != "second":
            return None
        item = regenerate(first.item_id)
        catalog = self.catalog
        point = {"en": catalog.name(item.kp), "zh-Hans": catalog.name(item.kp, zh=True)}
        choice = Choice(
            "frontier", item.kp, item.difficulty, None, "policy.resume", {"point": point}
        ).worded(render)
        return NextItem(choice, item)

    def turn(self, student_id: str, item_id: str) -> Turn:
        """Where the student's tutoring turn on ``item_id`` stands (read from the store)."""
        regenerate(item_id)  # a bad id is refused like everywhere else
        first = self._first_answer(student_id, item_id)
        latest = self.store.learner_state(student_id).last_seq
        return turn_of(item_id, first, latest=first is not None and first.seq == latest)

    def hint(self, student_id: str, item_id: str) -> Turn:
        """Climb one rung of the hint ladder after a wrong first answer: the rung is
        recorded with the attempt and is ``turn.hints[-1]`` of the turn returned (word it
        with :meth:`explain`, ``kind="hint"`` and that ``hint_level``).

        Raises :class:`TurnRefused` before a first answer, after a right one, when the
        turn is over, or when every rung was given.
        """
        turn = self.turn(student_id, item_id)
        level = turn.next_hint
        if level is None or turn.attempt is None:
            raise TurnRefused(_refusal(turn, "hint"))
        stored = self.store.record_turn(student_id, turn.attempt.seq, hint=level)
        return turn_of(item_id, stored, latest=True)

    def show_solution(self, student_id: str, item_id: str) -> Turn:
        """Show the worked solution: after a wrong first answer (asked for, it ends the
        turn: no second try after it) or again once shown; recorded with the attempt.

        Raises :class:`TurnRefused` before a first answer and after a right first answer
        (then :meth:`explain` with ``kind="why"`` says why the answer is right).
        """
        turn = self.turn(student_id, item_id)
        if turn.attempt is None or not turn.solution_open:
            raise TurnRefused(_refusal(turn, "solution"))
        if turn.attempt.solution_shown:
            return turn
        stored = self.store.record_turn(student_id, turn.attempt.seq, solution_shown=True)
        return turn_of(item_id, stored, latest=False)

    # -- the stored learning path ----------------------------------------------------------

    def path(self, student_id: str) -> StoredPath:
        """The student's learning path: the stored one while it is fresh (same goal, no
        answer since, computed within :data:`~tutor.policy.paths.PATH_FRESH_S`), else
        revised and stored."""
        student = self.store.get_student(student_id)
        now = self.clock()
        if student.goal is None:
            return paths.no_goal_path(now, render)
        stored = self.store.get_path(student_id)
        last = self.store.attempts(student_id, limit=1)
        if stored is not None and paths.is_fresh(
            stored, student.goal, last[-1].at if last else None, now
        ):
            return stored
        state = self.store.learner_state(student_id, recent=LOOKBACK)
        path = paths.revised_path(
            self.index(state.curriculum or ""),
            state.student,
            state.mastery,
            answered=state.last_seq,
            now=now,
            render=render,
            run=self._run(student_id, state.recent_items),
        )
        self.store.set_path(student_id, path)
        return path

    def path_summary(self, student_id: str) -> dict[str, object]:
        """The CLI contract of ``tutor student path``: the path and the next step."""
        return paths.summary(self.store.get_student(student_id), self.path(student_id))

    # -- explanations and grading (the model words; the engine decides) --------------------

    @property
    def model(self) -> LanguageModel:
        """The language model that words explanations (the template model by default)."""
        with self._model_lock:
            if self._model is None:
                from tutor.llm.template import TemplateModel

                self._model = TemplateModel()
            return self._model

    def words_with_model(self, language: Language) -> bool:
        """Whether a language model (more than the template) words texts in ``language``
        (the language gate is open for it): then a page shows the template at once and the
        model's wording when it is ready."""
        from tutor.llm.gate import load_gate

        name = self.model.name
        return name != "template" and load_gate().speaks(name, language)

    def explain(
        self,
        student_id: str,
        item_id: str,
        answer: str | None = None,
        options: ExplainOptions | None = None,
        *,
        template: bool = False,
    ) -> Explanation:
        """An explanation, hint, feedback or why for an item
        (``tutor.llm.explain.Explanation``): the verified steps worded by the model, with
        the diagnosis of ``answer`` when given. ``template``: worded by the template only
        (at once, no model), the text a page shows while the model works."""
        from tutor.llm.explain import explain, explain_template
        from tutor.llm.gate import load_gate

        item, diagnosis = self._explained(student_id, item_id, answer, options)
        if template:
            return explain_template(item, answer=answer, diagnosis=diagnosis, options=options)
        # The language gate (issue 15): the model words only where the voice benchmark
        # showed it passes the guard often enough; elsewhere the template speaks.
        return explain(
            item,
            model=self.model,
            answer=answer,
            diagnosis=diagnosis,
            options=options,
            gate=load_gate(),
        )

    def explain_stream(
        self,
        student_id: str,
        item_id: str,
        answer: str | None = None,
        options: ExplainOptions | None = None,
    ) -> ExplanationStream:
        """Like :meth:`explain`, streamed (``tutor.llm.explain.explain_stream``)."""
        from tutor.llm.explain import explain_stream
        from tutor.llm.gate import load_gate

        item, diagnosis = self._explained(student_id, item_id, answer, options)
        return explain_stream(
            item,
            model=self.model,
            answer=answer,
            diagnosis=diagnosis,
            options=options,
            gate=load_gate(),
        )

    def _explained(
        self,
        student_id: str,
        item_id: str,
        answer: str | None,
        options: ExplainOptions | None = None,
    ) -> tuple[Item, Diagnosis | None]:
        """The item to explain to an existing student, and the diagnosis of ``answer`` (with
        the shown working, for a ``working`` text: its first wrong line is what it says)."""
        self.store.get_student(student_id)
        item = regenerate(item_id)
        working = options.working if options is not None and options.kind == "working" else None
        if answer is None:
            return item, None
        return item, diagnose_answer(item, answer, working or None)

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

    # -- teachers' views (tutor.reports) ----------------------------------------------------

    def class_report(self, class_id: str) -> ClassReport:
        """The class diagnostics a teacher reads (:func:`tutor.reports.class_report`)."""
        return class_report(self.store, class_id)

    def export_class_csv(self, class_id: str) -> str:
        """A class's attempts as spreadsheet-safe CSV (:func:`tutor.reports.export_class_csv`)."""
        return export_class_csv(self.store, class_id)


def _refusal(turn: Turn, what: str) -> str:
    """The message code of a refused hint or solution, by where the turn stands."""
    if turn.stage == "first":
        return "turn.answer_first"
    if turn.first_correct:
        return "turn.already_right"
    if what == "hint" and turn.stage == "second":
        return "turn.no_more_hints"
    return "turn.over"
