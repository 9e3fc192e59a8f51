"""The one facade the app and the CLI talk to: ``next_item``, ``submit`` (and more to come).

One answer, end to end (DESIGN.md):

1. :meth:`Engine.next_item` reads the student's goal path and mastery from the store, asks
   the policy (:func:`tutor.policy.select.choose`) for a point and a level, and makes a
   concrete, seeded, verified item for it.
2. :meth:`Engine.submit` checks the answer (sympy), matches a wrong answer against the
   buggy rules, updates mastery with graph propagation (:func:`tutor.learner.mastery.observe`),
   records the attempt and the new mastery in one store transaction, and returns the
   feedback with the revised next step.

The engine decides; nothing here words explanations (that is the language model's job,
checked by the guard). Unreadable answers and right values in the wrong form are not
recorded: the student is asked to write them again. Only the first answer to an item is
recorded; trying the same item again is checked but changes nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from tutor.content.items import GENERATORS, Item, generate, levels_by_kp, regenerate
from tutor.content.misconceptions import Misconception, get_misconception
from tutor.diagnosis.answer import diagnose_answer
from tutor.domain import (
    Attempt,
    ClassGroup,
    MasteryState,
    Student,
    Teacher,
    prerequisite_layers,
)
from tutor.errors import InputError
from tutor.graph import GraphStore
from tutor.learner.mastery import DEFAULT_BKT, UP_DEPTH, Observation, is_mastered, observe
from tutor.policy.select import Choice, StudentView, answers_since_review, choose

__all__ = ["Engine", "Feedback", "NextItem"]


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
        }


#: Goals whose learning order the engine keeps in memory.
_PATH_CACHE = 256


class _Names(Mapping[str, str]):
    """Knowledge-point names read from the store only when a reason needs them."""

    def __init__(self, store: GraphStore, *, zh: bool) -> None:
        self._store = store
        self._zh = zh
        self._seen: dict[str, str] = {}

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


class Engine:
    """The tutor's decisions over one store (one per process; thread-safe as the store is)."""

    def __init__(self, store: GraphStore, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._clock = clock
        self._paths: dict[tuple[str, str], tuple[list[str], dict[str, list[str]]]] = {}

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

    def set_goal(self, student_id: str, kp_id: str | None) -> Student:
        """Assign a goal knowledge point to a student (None clears it)."""
        return self.store.set_goal(student_id, kp_id)

    def set_class_goal(self, class_id: str, kp_id: str) -> list[Student]:
        """Assign a goal to every student of a class."""
        self.store.get_class(class_id)
        self.store.get_node(kp_id)
        return [self.store.set_goal(s.id, kp_id) for s in self.store.list_students(class_id)]

    # -- the loop --------------------------------------------------------------------------

    @cached_property
    def _levels(self) -> dict[str, tuple[int, ...]]:
        return levels_by_kp()

    def _goal_graph(self, goal: str) -> tuple[list[str], dict[str, list[str]]]:
        """The goal's learning order and the path's direct prerequisites (cached per
        curriculum version: they change only when a curriculum is loaded)."""
        info = self.store.curriculum_info()
        key = (info.fingerprint if info else "", goal)
        cached = self._paths.get(key)
        if cached is None:
            path = self.store.learning_order(goal)
            cached = (path, self.store.direct_prerequisites(path))
            if len(self._paths) >= _PATH_CACHE:
                self._paths.pop(next(iter(self._paths)))
            self._paths[key] = cached
        return cached

    def _view(self, student: Student) -> StudentView:
        if student.goal is None:
            raise InputError(
                f"student {student.id!r} has no goal yet: set one with "
                f"`tutor student goal {student.id} KP_ID` (or a class goal)"
            )
        path, prerequisites = self._goal_graph(student.goal)
        mastery = self.store.mastery(student.id)
        last = self.store.attempts(student.id, limit=1)
        answered = last[-1].seq if last else 0
        return StudentView(
            path=path,
            prerequisites=prerequisites,
            mastery=mastery,
            levels={kp: ls for kp, ls in self._levels.items() if kp in prerequisites},
            now=self._clock(),
            answers_since_review=answers_since_review(answered),
            names=_Names(self.store, zh=False),
            names_zh=_Names(self.store, zh=True),
        )

    def next_item(self, student_id: str) -> NextItem:
        """The next item for a student, with the reason it was chosen."""
        student = self.store.get_student(student_id)
        view = self._view(student)
        choice = choose(view)
        if choice.kp is None or choice.difficulty is None or choice.kind == "goal_reached":
            return NextItem(choice, None)
        last = self.store.attempts(student_id, limit=1)
        seq = (last[-1].seq if last else 0) + 1
        gens = sorted(
            (g for g in GENERATORS.values() if g.kp == choice.kp and choice.difficulty in g.levels),
            key=lambda g: g.name,
        )
        gen = gens[seq % len(gens)]
        return NextItem(choice, generate(gen.name, choice.difficulty, _item_seed(student_id, seq)))

    def _prerequisite_layers(self, kp_id: str) -> list[list[str]]:
        return prerequisite_layers(kp_id, self.store.direct_prerequisites, UP_DEPTH)

    def submit(
        self, student_id: str, item_id: str, answer: str, *, working: str | None = None
    ) -> Feedback:
        """Check an answer, diagnose a wrong one, update mastery and record the attempt.

        ``working`` is the student's shown working, one step per line (optional): when no
        buggy rule explains a wrong answer, its first wrong line names the gap.
        """
        student = self.store.get_student(student_id)
        item = regenerate(item_id)
        diagnosis = diagnose_answer(item, answer, working)
        if diagnosis.status in ("unreadable", "not_simplified"):
            return Feedback(diagnosis.status, diagnosis.message, recorded=False)
        correct = diagnosis.status == "correct"
        gaps = diagnosis.gap_kps
        message = diagnosis.message
        misconception: Misconception | None = None
        if diagnosis.misconception is not None:
            misconception = get_misconception(diagnosis.misconception)
        recent = self.store.attempts(student.id, limit=20)
        if any(a.item_id == item.item_id for a in recent):
            # A second try at the same item: feedback only; the first answer counted.
            return Feedback(diagnosis.status, message, recorded=False, misconception=misconception)
        mastery = self.store.mastery(student.id)
        now = self._clock()
        obs = Observation(item.kp, correct, now, item.assesses, gaps)
        changes = observe(mastery, obs, self._prerequisite_layers(item.kp))
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
        )
        before = {kp: _p(mastery.get(kp)) for kp in changes}
        return Feedback(
            diagnosis.status,
            message,
            recorded=True,
            misconception=misconception,
            gap_kps=gaps,
            mastery_before=before,
            mastery_after={kp: s.p for kp, s in changes.items()},
            attempt_seq=attempt.seq,
        )

    def path(self, student_id: str) -> dict[str, object]:
        """The student's remaining path to the goal, and the next step with its reason."""
        student = self.store.get_student(student_id)
        view = self._view(student)
        remaining = [kp for kp in view.path if kp in view.levels and not _done(view, kp)]
        return {
            "student": student.id,
            "goal": student.goal,
            "path": remaining,
            "next": choose(view).to_json(),
        }


def _p(state: MasteryState | None) -> float:
    return DEFAULT_BKT.prior if state is None else state.p


def _done(view: StudentView, kp: str) -> bool:
    return is_mastered(view.mastery.get(kp))
