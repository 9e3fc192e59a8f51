"""Bad input gets the same error, word for word, from both engines, and writes nothing.

The store's argument checks live once in :mod:`tutor.graph.checks` (applied to each
engine by its class decorator); the "not found" / "taken" errors of the checks against
stored data come from the same module. These tests hold the engines to that: the
expected messages are exact, so an engine that words a refusal its own way fails.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.contract.test_learner_state import attempt, school
from tutor.domain import ClassGroup, Student, Teacher
from tutor.errors import InputError, NotFoundError
from tutor.graph import (
    ContentCatalog,
    CurriculumAdmin,
    CurriculumGraph,
    GraphStore,
    LearnerLog,
    People,
)

Call = Callable[[GraphStore], object]

#: (call, error, the message with {url} for the store's URL)
CASES: list[tuple[str, Call, type[Exception], str]] = [
    (
        "depth 0",
        lambda s: s.prerequisites("f", depth=0),
        InputError,
        "depth must be 1 or more, not 0",
    ),
    (
        "depth -1",
        lambda s: s.dependents("a", depth=-1),
        InputError,
        "depth must be 1 or more, not -1",
    ),
    ("limit", lambda s: s.attempts("s1", limit=-1), InputError, "limit must be 0 or more, not -1"),
    ("problems", lambda s: s.problems(limit=-2), InputError, "limit must be 0 or more, not -2"),
    (
        "recent",
        lambda s: s.learner_state("s1", recent=-1),
        InputError,
        "limit must be 0 or more, not -1",
    ),
    ("teacher id", lambda s: s.add_teacher(Teacher("", "X")), InputError, "teacher id is empty"),
    (
        "class name",
        lambda s: s.add_class(ClassGroup("c9", " ", "t1")),
        InputError,
        "the class name is empty: give a name",
    ),
    (
        "student name",
        lambda s: s.add_student(Student("s9", "a\nb", "c1")),
        InputError,
        "the student name contains control characters (such as a line break)",
    ),
    (
        "roster twice",
        lambda s: s.add_students([Student("s8", "A", "c1"), Student("s8", "B", "c1")]),
        InputError,
        "student id 's8' appears twice; ids must be unique",
    ),
    (
        "clear password",
        lambda s: s.set_password_hash("s1", "hunter2"),
        InputError,
        "a password hash must be an encoded KDF hash (tutor.auth.hash_password), never a password",
    ),
    (
        "teacher taken",
        lambda s: s.add_teacher(Teacher("t1", "Again")),
        InputError,
        "a teacher with id 't1' already exists in {url}",
    ),
    (
        "class taken",
        lambda s: s.add_class(ClassGroup("c1", "Again", "t1")),
        InputError,
        "a class with id 'c1' already exists in {url}",
    ),
    (
        "student taken",
        lambda s: s.add_student(Student("s1", "Again", "c1")),
        InputError,
        "a student with id 's1' already exists in {url}",
    ),
    (
        "no teacher",
        lambda s: s.add_class(ClassGroup("c9", "9", "t9")),
        NotFoundError,
        "no teacher 't9' in {url}; add one with `tutor teacher add`",
    ),
    (
        "no class",
        lambda s: s.add_student(Student("s9", "N", "c9")),
        NotFoundError,
        "no class 'c9' in {url}; create it with `tutor class create`",
    ),
    (
        "no goal",
        lambda s: s.add_student(Student("s9", "N", "c1", goal="zz")),
        NotFoundError,
        "no knowledge point 'zz' in {url}; list them with `tutor graph list`",
    ),
    (
        "set goal",
        lambda s: s.set_goal("s1", "zz"),
        NotFoundError,
        "no knowledge point 'zz' in {url}; list them with `tutor graph list`",
    ),
    (
        "no student",
        lambda s: s.record_attempt(attempt("s9", "a", True, 1.0), {}),
        NotFoundError,
        "no student 's9' in {url}; add students with `tutor student add`",
    ),
    (
        "no point",
        lambda s: s.record_attempt(attempt("s1", "zz", True, 1.0), {}),
        NotFoundError,
        "no knowledge point 'zz' in {url}; list them with `tutor graph list`",
    ),
    ("no standard", lambda s: s.get_standard("S9"), NotFoundError, "no standard 'S9' in {url}"),
    (
        "no problem",
        lambda s: s.get_problem("p9"),
        NotFoundError,
        "no imported problem 'p9' in {url}; import them with `tutor content import oatutor`",
    ),
]


def people(store: GraphStore) -> tuple[object, ...]:
    """Everything the refused calls could have written."""
    students = store.list_students()
    return (
        [store.get_teacher(t) for t in ("t1", "t2")],
        store.list_classes(),
        students,
        {s.id: (store.attempts(s.id), store.mastery(s.id)) for s in students},
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [pytest.param(call, error, message, id=name) for name, call, error, message in CASES],
)
def test_bad_input_gets_the_same_message_from_every_engine(
    store: GraphStore, call: Call, error: type[Exception], message: str
) -> None:
    school(store)
    before = people(store)
    with pytest.raises(error) as caught:
        call(store)
    assert str(caught.value) == message.format(url=store.url)
    assert people(store) == before


def test_every_engine_plays_every_role(store: GraphStore) -> None:
    for role in (CurriculumGraph, CurriculumAdmin, ContentCatalog, People, LearnerLog, GraphStore):
        assert isinstance(store, role), role.__name__


def test_the_roles_split_the_store_without_overlap() -> None:
    """Each store method belongs to exactly one role (GraphStore adds only close)."""
    roles = (CurriculumGraph, CurriculumAdmin, ContentCatalog, People, LearnerLog)

    def methods(proto: type) -> set[str]:
        return {n for n, v in vars(proto).items() if callable(v) and not n.startswith("_")}

    owned = [methods(r) for r in roles]
    union = set().union(*owned)
    assert sum(len(m) for m in owned) == len(union)
    assert methods(GraphStore) == {"close"}
