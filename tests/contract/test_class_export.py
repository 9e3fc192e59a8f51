"""Class export/import (`tutor export --class`, `tutor import-class`) against both engines.

The round trip goes sqlite → Neo4j → sqlite through the JSON file, and must give back the
same class, students, goals, attempts (with their seq and time), mastery, stored paths and
(when asked for) password hashes. Refusals must write nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.factories import diamond
from tutor.auth import hash_password
from tutor.class_export import (
    ClassExport,
    class_export_schema_text,
    export_class,
    import_class,
    parse_class_export,
    read_class_export,
    write_class_export,
)
from tutor.domain import Attempt, ClassGroup, StoredPath, Student, Teacher, prerequisite_layers
from tutor.errors import InputError
from tutor.graph import GraphStore, open_store
from tutor.learner.mastery import UP_DEPTH, Observation, observe
from tutor.settings import Settings

#: Points of the diamond curriculum the simulated answers cycle over.
KPS = ("a", "c", "d", "e", "b", "f")


def answer(store: GraphStore, student: str, n: int, at: float) -> None:
    """Record answer ``n`` of ``student`` with the mastery the learner model gives it."""
    kp = KPS[n % len(KPS)]
    correct = n % 3 != 1
    gaps = ("a",) if not correct and kp != "a" and n % 2 else ()
    obs = Observation(kp, correct, at, {kp: 1.0}, gaps)
    layers = prerequisite_layers(kp, store.direct_prerequisites, UP_DEPTH)
    changes = observe(store.mastery(student), obs, layers)
    recorded = store.record_attempt(
        Attempt(
            student,
            f"gen:{1 + n % 3}:{n}",
            kp,
            "3/4" if correct else "5/7",
            "correct" if correct else "incorrect",
            correct,
            "frac_add_across" if gaps else None,
            gaps,
            at,
        ),
        changes,
    )
    if not correct:  # a tutoring turn after the wrong answer travels with the class too
        store.record_turn(student, recorded.seq, hint=1, solution_shown=n % 2 == 0)
        if n % 2:
            store.record_turn(student, recorded.seq, retry=("3/4", "correct"))


def school(store: GraphStore, *, students: int = 3, answers: int = 5) -> None:
    """The diamond curriculum, a teacher with two classes, students with answers, a path."""
    store.load_curriculum(diamond())
    store.add_teacher(Teacher("t1", "Ms Li 李老师"))
    store.add_class(ClassGroup("c1", "5A", "t1"))
    store.add_class(ClassGroup("c2", "5B", "t1"))
    store.add_students(
        [Student(f"s{i}", f"Student {i}", "c1", "f" if i % 2 else None) for i in range(students)],
        {"s0": hash_password("correct horse 1")},
    )
    store.add_student(Student("other", "In 5B", "c2", "e"))
    store.set_password_hash("t1", hash_password("teacher pass 1"))
    for i in range(students):
        for n in range(answers + i):
            answer(store, f"s{i}", n, 1_700_000_000.25 + 37.5 * n + i)
    answer(store, "other", 0, 1_700_000_000.0)
    store.set_path(
        "s1",
        StoredPath(["c", "e", "f"], "c", "next: c", "下一步：c", "a", 1_700_000_100.5, "f", "gap"),
    )


def snapshot(store: GraphStore, class_id: str) -> dict[str, object]:
    """Everything a class export should carry, read back through the protocol."""
    group = store.get_class(class_id)
    return {
        "class": group,
        "teacher": store.get_teacher(group.teacher_id),
        "teacher_hash": store.password_hash(group.teacher_id),
        "students": {
            s.id: (
                s,
                store.attempts(s.id),
                store.mastery(s.id),
                store.get_path(s.id),
                store.password_hash(s.id),
            )
            for s in store.list_students(class_id)
        },
    }


def through_file(doc: ClassExport, tmp_path: Path, name: str) -> ClassExport:
    path = tmp_path / name
    write_class_export(doc, path)
    return read_class_export(path)


@pytest.fixture
def other_sqlite(tmp_path: Path) -> Iterator[GraphStore]:
    store = open_store(f"sqlite:///{tmp_path / 'other.db'}", Settings(data_dir=tmp_path))
    yield store
    store.close()


def test_export_holds_the_class_and_nothing_else(store: GraphStore, tmp_path: Path) -> None:
    school(store)
    doc = export_class(store, "c1", now=123.0)
    data = doc.to_json()
    assert data["format"] == "kptutor-class" and data["version"] == 1
    assert data["class"] == {"id": "c1", "name": "5A", "teacher": "t1"}
    assert data["teacher"] == {"id": "t1", "name": "Ms Li 李老师"}
    assert [s["id"] for s in data["students"]] == ["s0", "s1", "s2"]
    assert [len(s["attempts"]) for s in data["students"]] == [5, 6, 7]
    assert data["students"][1]["path"]["kps"] == ["c", "e", "f"]
    assert data["students"][0]["mastery"]["a"]["attempts"] >= 1
    # No credentials unless asked for, not even the keys.
    text = json.dumps(data)
    assert "password_hash" not in text and "$argon2id$" not in text
    with_creds = export_class(store, "c1", include_credentials=True).to_json()
    assert with_creds["teacher"]["password_hash"].startswith("$argon2id$")
    assert with_creds["students"][0]["password_hash"].startswith("$argon2id$")
    assert with_creds["students"][1]["password_hash"] is None


def test_round_trip_into_a_fresh_sqlite_store(
    store: GraphStore, other_sqlite: GraphStore, tmp_path: Path
) -> None:
    school(store)
    other_sqlite.load_curriculum(diamond())
    doc = through_file(export_class(store, "c1", include_credentials=True), tmp_path, "c1.json")
    report = import_class(other_sqlite, doc)
    assert (report.students, report.attempts, report.paths, report.credentials) == (3, 18, 1, 2)
    assert report.teacher_created and not report.notes
    assert snapshot(other_sqlite, "c1") == snapshot(store, "c1")
    # The class only: the other class of the same teacher stays behind.
    assert [c.id for c in other_sqlite.list_classes()] == ["c1"]


@pytest.mark.neo4j
def test_sqlite_to_neo4j_and_back(
    sqlite_store: GraphStore, neo4j_store: GraphStore, other_sqlite: GraphStore, tmp_path: Path
) -> None:
    school(sqlite_store, students=4, answers=8)
    original = snapshot(sqlite_store, "c1")
    neo4j_store.load_curriculum(diamond())
    doc = through_file(export_class(sqlite_store, "c1", include_credentials=True), tmp_path, "1")
    import_class(neo4j_store, doc)
    assert snapshot(neo4j_store, "c1") == original
    other_sqlite.load_curriculum(diamond())
    back = through_file(export_class(neo4j_store, "c1", include_credentials=True), tmp_path, "2")
    import_class(other_sqlite, back)
    assert snapshot(other_sqlite, "c1") == original
    # The documents themselves agree (apart from when they were made).
    first, second = doc.to_json(), back.to_json()
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second


def test_existing_ids_are_refused_and_nothing_is_written(
    store: GraphStore, other_sqlite: GraphStore
) -> None:
    school(other_sqlite)
    doc = export_class(other_sqlite, "c1")
    store.load_curriculum(diamond())
    store.add_teacher(Teacher("t1", "Ms Li 李老师"))
    store.add_class(ClassGroup("c9", "9Z", "t1"))
    store.add_student(Student("s2", "Already here", "c9"))
    with pytest.raises(InputError, match=r"student 's2' already exists.*--replace"):
        import_class(store, doc)
    assert [c.id for c in store.list_classes()] == ["c9"]
    assert [s.id for s in store.list_students()] == ["s2"]
    assert store.attempts("s2") == []
    # Without the clash the same document goes in, reusing the identical teacher.
    doc2 = ClassExport(
        doc.group, doc.teacher, tuple(r for r in doc.students if r.student.id != "s2")
    )
    report = import_class(store, doc2)
    assert not report.teacher_created and "already exists" in report.notes[0]
    with pytest.raises(InputError, match=r"class 'c1' already exists"):
        import_class(store, doc2)
    # With --replace the class (and only its own students) is swapped for the document's.
    assert import_class(store, doc2, replace=True).replaced
    assert len(store.attempts("s0")) == 5
    assert [s.id for s in store.list_students("c9")] == ["s2"]


def _nothing(store: GraphStore) -> None:
    pass


def _other_teacher_t1(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.add_teacher(Teacher("t1", "Mr X"))


def _student_t1(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.add_teacher(Teacher("t0", "T"))
    store.add_class(ClassGroup("k", "K", "t0"))
    store.add_student(Student("t1", "A student", "k"))


def _teacher_s2(store: GraphStore) -> None:
    store.load_curriculum(diamond())
    store.add_teacher(Teacher("s2", "Teacher s2"))


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (_nothing, "has no curriculum"),
        (_other_teacher_t1, "a different teacher has the id 't1'"),
        (_student_t1, "'t1' is a student's id"),
        (_teacher_s2, "student id 's2' is a teacher's id"),
    ],
)
def test_conflicts_are_refused_before_writing(
    store: GraphStore,
    other_sqlite: GraphStore,
    prepare: Callable[[GraphStore], None],
    message: str,
) -> None:
    school(other_sqlite)
    doc = export_class(other_sqlite, "c1")
    prepare(store)
    before = ([c.id for c in store.list_classes()], [s.id for s in store.list_students()])
    with pytest.raises(InputError, match=message):
        import_class(store, doc)
    assert ([c.id for c in store.list_classes()], [s.id for s in store.list_students()]) == before


def test_points_missing_from_the_target_curriculum_are_refused(
    store: GraphStore, other_sqlite: GraphStore
) -> None:
    school(other_sqlite)
    doc = export_class(other_sqlite, "c1")
    smaller = diamond()
    store.load_curriculum(
        replace(
            smaller,
            name="smaller",
            knowledge_points=tuple(k for k in smaller.knowledge_points if k.id != "f"),
            edges=tuple(e for e in smaller.edges if "f" not in e),
        )
    )
    with pytest.raises(InputError, match=r"does not have: 'f'"):
        import_class(store, doc)
    assert store.list_classes() == [] and store.list_students() == []


# -- the document: its published schema, old files, refusals -----------------------------

DATA = Path(__file__).parent / "data"
#: A class export written by kptutor before the document had pydantic models (the
#: hand-written validator): 3 students of the diamond school, with credentials.
V1_FILE = DATA / "class-export-v1.json"
SCHEMA_FILE = Path(__file__).parents[2] / "docs" / "class-export.schema.json"


def test_published_schema_is_what_the_models_generate() -> None:
    """docs/class-export.schema.json must be regenerated when the models change."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == class_export_schema_text(), (
        "docs/class-export.schema.json is stale: regenerate it with "
        'python -c "from tutor.class_export import class_export_schema_text as s; '
        "print(s(), end='')\" > docs/class-export.schema.json"
    )
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["properties"]["version"]["const"] == 1
    assert schema["properties"]["format"]["const"] == "kptutor-class"
    assert set(schema["required"]) >= {"format", "version", "class", "teacher", "students"}


def test_a_version_1_file_still_imports(store: GraphStore) -> None:
    """A file of the first export format reads back to the same document and imports."""
    raw = json.loads(V1_FILE.read_text(encoding="utf-8"))
    doc = read_class_export(V1_FILE)
    # Written again, it is the same document, byte for byte in content.
    assert doc.to_json() == raw
    store.load_curriculum(diamond())
    report = import_class(store, doc)
    assert (report.students, report.attempts, report.credentials) == (3, 9, 2)
    for entry in raw["students"]:
        assert [a.seq for a in store.attempts(entry["id"])] == [a["seq"] for a in entry["attempts"]]
        assert {kp: m.p for kp, m in store.mastery(entry["id"]).items()} == {
            kp: m["p"] for kp, m in entry["mastery"].items()
        }
        assert store.password_hash(entry["id"]) == entry["password_hash"]
    assert store.password_hash("t1") == raw["teacher"]["password_hash"]
    assert store.get_path("s1") is not None and store.get_path("s1").kps == ["c", "e", "f"]


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change to a document: put ``value`` at ``path`` (keys and list indexes, by dots)."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        elif value is _DELETE:
            del node[last]
        else:
            node[last] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("format", "other"), "is not a kptutor class export"),
        (_set("version", 2), "has export version 2; this kptutor reads version 1"),
        (_set("students.0.name", 5), r"students\[0\]\.name must be text"),
        (_set("students", _DELETE), "students is missing"),
        (_set("exported_at", True), "exported_at must be a number"),
        (_set("students.1.attempts.0.at", float("nan")), r"\.attempts\[0\]\.at must be a finite"),
        (_set("students.0.attempts.1.seq", 5), r"students\[0\]\.attempts\[1\]\.seq is 5, but"),
        (_set("students.0.mastery.a.p", 1.5), r"students\[0\]\.mastery\['a'\]\.p is 1.5, not a"),
        (_set("students.0.mastery.a.attempts", -1), r"mastery\['a'\]\.attempts must not be neg"),
        (_set("students.0.attempts.0.correct", "yes"), r"\.correct must be true or false"),
        (_set("class.teacher", "zz"), r"class\.teacher must be the teacher's id 't1'"),
        (_set("students.1.id", "s0"), r"students\[1\]\.id 's0' is also the id of another student"),
        (_set("students.2.id", "t1"), r"students\[2\]\.id 't1' is also the id of the teacher"),
        (_set("students.0.id", ""), r"students\[0\]\.id: student id is empty"),
        (_set("teacher.name", "two\nlines"), r"teacher\.name: the teacher name contains control"),
        (_set("teacher.password_hash", "hunter2"), r"teacher\.password_hash: a password hash must"),
        (_set("students.0.attempts", []), r"students\[0\]\.mastery is given without any attempt"),
        (_set("students.0.path", "c"), r"students\[0\]\.path must be an object"),
    ],
)
def test_bad_documents_are_refused_with_the_place(
    change: Callable[[dict[str, Any]], None], message: str, tmp_path: Path
) -> None:
    """Each problem is named with its place in the document and what to do; reading a
    bad file touches no store (the import never starts)."""
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        read_class_export(path)
    text = str(caught.value)
    assert text.startswith(str(path)) and "\n" not in text
    assert "export the class again" in text or "tutor export --class" in text


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InputError, match="the document must be an object"):
        parse_class_export([1, 2], "f.json")
