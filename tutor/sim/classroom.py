"""The real engine for a simulation: :class:`tutor.engine.Engine` over a temporary store.

The adaptive tutor of ``tutor simulate`` and the practice of ``tutor diagnose evaluate``
*are* the engine: each run opens a fresh SQLite store (a copy of a template file made once
per process — copying is much faster than loading the curriculum), enrols its simulated
students there, and plays them through :meth:`Engine.next_item` and :meth:`Engine.submit`
with a simulated clock. Nothing of the decision loop is copied here.

**The goal set.** A student of the engine has one goal point; the simulation's goal is
every point of a grade that has items (:class:`tutor.sim.world.World`). The template
store therefore holds the default curriculum plus one extra point, :func:`goal_set_id`,
that requires each goal point and has no items. Its learning order is the goal set's
(every goal point and all their prerequisites); the policy passes over it (no items), so
the engine reports "goal reached" exactly when it believes every point on the way is
mastered. The extra point exists only in the simulation's temporary stores.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tutor.domain import ClassGroup, Curriculum, Edge, KnowledgePoint, Student, Teacher
from tutor.engine import Engine
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings

__all__ = ["Classroom", "SimClock", "goal_set_id"]

#: The simulated teacher and class every simulated student belongs to.
TEACHER_ID = "sim-teacher"
CLASS_ID = "sim-class"


def goal_set_id(goal_grade: int) -> str:
    """The id of the extra point that stands for a grade's goal set (see the module doc)."""
    return f"sim.goal_set.grade{goal_grade}"


class SimClock:
    """The engine's clock in a simulation: simulated seconds, set by the simulator."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _with_goal_set(curriculum: Curriculum, goal_grade: int, goal: tuple[str, ...]) -> Curriculum:
    """``curriculum`` plus the goal-set point, which requires every point of ``goal``."""
    point = KnowledgePoint(
        id=goal_set_id(goal_grade),
        name=f"Every grade {goal_grade} point with items (simulation goal)",
        grade=str(goal_grade),
    )
    edges = tuple(Edge(kp, point.id) for kp in goal)
    return Curriculum(
        name=curriculum.name,
        knowledge_points=(*curriculum.knowledge_points, point),
        edges=(*curriculum.edges, *edges),
        related=curriculum.related,
        standards=curriculum.standards,
        standard_edges=curriculum.standard_edges,
        notes=curriculum.notes,
    )


#: Template folders, kept alive for the process (each removes itself at exit).
_TEMP_DIRS: list[tempfile.TemporaryDirectory[str]] = []


def _temp_dir() -> Path:
    """A temporary folder removed when the process exits."""
    folder = tempfile.TemporaryDirectory(prefix="tutor-sim-")
    _TEMP_DIRS.append(folder)
    return Path(folder.name)


@cache
def _template(goal_grade: int, goal: tuple[str, ...]) -> Path:
    """A SQLite file with the default curriculum (plus the goal set) and content, made once."""
    # The content packs are read here only to fill the store the engine reads; the
    # simulation itself sees the curriculum through the engine.
    from tutor.content.bank import default_content_bank
    from tutor.content.curricula import default_curriculum

    path = _temp_dir() / "template.db"
    store = open_store(f"sqlite:///{path}", Settings(data_dir=path.parent))
    try:
        store.load_curriculum(_with_goal_set(default_curriculum(), goal_grade, goal))
        store.load_content(default_content_bank())
    finally:
        store.close()
    return path


@dataclass
class Classroom:
    """One run's engine: a fresh temporary store, the engine over it, its clock.

    Use as a context manager (the store is closed and its file removed on exit).
    """

    goal_grade: int
    goal: tuple[str, ...]
    clock: SimClock = field(default_factory=SimClock)
    store: GraphStore = field(init=False)
    engine: Engine = field(init=False)
    _folder: tempfile.TemporaryDirectory[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        template = _template(self.goal_grade, tuple(sorted(self.goal)))
        self._folder = tempfile.TemporaryDirectory(prefix="tutor-sim-run-")
        path = Path(self._folder.name) / "store.db"
        shutil.copyfile(template, path)
        self.store = open_store(f"sqlite:///{path}", Settings(data_dir=path.parent))
        self.engine = Engine(self.store, clock=self.clock)
        self.store.add_teacher(Teacher(TEACHER_ID, "Simulated teacher"))
        self.store.add_class(ClassGroup(CLASS_ID, "Simulated class", TEACHER_ID))

    def enrol(self, student_id: str) -> None:
        """Add a student (no history) whose goal is the goal set."""
        self.store.add_student(
            Student(student_id, student_id, CLASS_ID, goal_set_id(self.goal_grade))
        )

    def close(self) -> None:
        """Close the store and remove its file."""
        self.store.close()
        self._folder.cleanup()

    def __enter__(self) -> Classroom:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
