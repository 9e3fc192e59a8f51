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
the wrong form are not recorded (the student writes them again); nor is a second answer to
the same item.

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
from functools import cached_property
from typing import TYPE_CHECKING

from tutor.content.items import (
    Generator,
    Item,
    generate,
    generators_by_kp,
    levels_by_kp,
    regenerate,
)
from tutor.content.misconceptions import Misconception, get_misconception
from tutor.diagnosis.answer import Diagnosis, diagnose_answer
from tutor.domain import Attempt, StoredPath
from tutor.errors import StoreConflict
from tutor.graph import GraphStore, LearnerState
from tutor.i18n import render
from tutor.learner.mastery import DEFAULT_BKT, Observation, observe
from tutor.llm.options import ExplainOptions
from tutor.policy import paths
from tutor.policy.index import CurriculumIndex
from tutor.policy.select import choose
from tutor.reports import ClassReport, class_report, export_class_csv
from tutor.turns import Feedback, NextItem

if TYPE_CHECKING:
    from tutor.catalog import Catalog
    from tutor.llm.base import LanguageModel

    # Named here for the layers above (access, service): they see the model's results
    # through the engine, never tutor.llm itself.
    from tutor.llm.explain import Explanation as Explanation
    from tutor.llm.explain import ExplanationStream as ExplanationStream
    from tutor.llm.grading import Grade as Grade

__all__ = ["ClassReport", "Engine", "ExplainOptions", "Feedback", "NextItem"]

log = logging.getLogger(__name__)

#: How often submit re-reads and retries after losing a race to another answer of the
#: same student. Each loss means another answer was saved, so k simultaneous answers
#: need at most k - 1 retries; 10 covers a burst far beyond two tabs and a double click.
SUBMIT_TRIES = 10
#: Upper bound of the random pause before retry n is n times this (seconds).
SUBMIT_BACKOFF_S = 0.005
#: A second answer to one of the student's last this-many items is checked, not recorded.
RECENT_ITEMS = 20


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
        state = self.store.learner_state(student_id)
        index = self.index(state.curriculum or "")
        view = paths.view_of(
            index, state.student, state.mastery, answered=state.last_seq, now=self.clock()
        )
        choice = choose(view).worded(render)
        if choice.kp is None or choice.difficulty is None or choice.kind == "goal_reached":
            return NextItem(choice, None)
        seq = state.last_seq + 1
        gens = [g for g in self._generators.get(choice.kp, ()) if choice.difficulty in g.levels]
        gen = gens[seq % len(gens)]
        return NextItem(choice, generate(gen.name, choice.difficulty, _item_seed(student_id, seq)))

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
                diagnosis.status,
                diagnosis.message(render),
                recorded=False,
                misconception=misconception,
                code=diagnosis.code,
                params=diagnosis.params,
            )
        seen = state.last_seq
        mastery = state.mastery
        now = self.clock()
        correct = diagnosis.status == "correct"
        gaps = diagnosis.gap_kps
        changes = observe(mastery, Observation(item.kp, correct, now, item.assesses, gaps), layers)
        path = paths.path_after(
            self.index(state.curriculum or ""),
            student,
            {**mastery, **changes},
            answered=seen + 1,
            now=now,
            render=render,
        )
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
        )

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
        state = self.store.learner_state(student_id)
        path = paths.revised_path(
            self.index(state.curriculum or ""),
            state.student,
            state.mastery,
            answered=state.last_seq,
            now=now,
            render=render,
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

    def explain(
        self,
        student_id: str,
        item_id: str,
        answer: str | None = None,
        options: ExplainOptions | None = None,
    ) -> Explanation:
        """An explanation or a hint for an item (``tutor.llm.explain.Explanation``): the
        verified steps worded by the model, with the diagnosis of ``answer`` when given."""
        from tutor.llm.explain import explain
        from tutor.llm.gate import load_gate

        item, diagnosis = self._explained(student_id, item_id, answer)
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

        item, diagnosis = self._explained(student_id, item_id, answer)
        return explain_stream(
            item,
            model=self.model,
            answer=answer,
            diagnosis=diagnosis,
            options=options,
            gate=load_gate(),
        )

    def _explained(
        self, student_id: str, item_id: str, answer: str | None
    ) -> tuple[Item, Diagnosis | None]:
        """The item to explain to an existing student, and the diagnosis of ``answer``."""
        self.store.get_student(student_id)
        item = regenerate(item_id)
        return item, diagnose_answer(item, answer) if answer is not None else None

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
