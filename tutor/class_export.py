"""One class as one JSON document: ``tutor export --class`` and ``tutor import-class``.

For either engine and between engines, with no ``neo4j-admin``: the class, its teacher,
its students with their goals, every attempt (with its ``seq`` and time), the stored
mastery and learning paths, and password hashes only when asked for. Only the store's
role protocols are used (:class:`ClassStore`).

The document is described by pydantic models (:class:`ClassExportDocument` and the
models it holds); its JSON Schema, generated from them, is published as
``docs/class-export.schema.json`` (:func:`class_export_schema`). ``format`` and
``version`` say what a file is: this kptutor writes and reads version
:data:`EXPORT_VERSION`. Reading validates the whole document before any store is
touched, and the import then checks it against the target store; on any problem nothing
is written and the error says what was wrong and where.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Protocol, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from tutor.domain import (
    HINT_LEVELS,
    Attempt,
    ClassGroup,
    MasteryState,
    StoredPath,
    Student,
    Teacher,
    check_name,
    check_password_hash,
    check_person_id,
)
from tutor.errors import InputError, NotFoundError, StoreError, TutorError
from tutor.graph import CurriculumGraph, LearnerLog, People
from tutor.graph.files import fsync_dir, temp_beside

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "ClassExport",
    "ClassExportDocument",
    "ClassStore",
    "ImportReport",
    "StudentRecord",
    "class_export_schema",
    "export_class",
    "import_class",
    "parse_class_export",
    "read_class_export",
    "write_class_export",
]

log = logging.getLogger(__name__)

#: The ``format`` field of a class export, and the version of its layout.
EXPORT_FORMAT: Final = "kptutor-class"
EXPORT_VERSION: Final = 1

#: What to do about a document that fails validation.
_TODO: Final = "export the class again"


class ClassStore(CurriculumGraph, People, LearnerLog, Protocol):
    """The roles of the store a class export reads and an import writes."""


# ---------------------------------------------------------------------------------------
# the document (pydantic models: the validator and the published schema)


def _domain_check(check: Callable[..., None], *args: str) -> Callable[[str], str]:
    """A field validator running one of the domain's checks on the value (the same check
    the store makes), reported as a document error with the check's own message."""

    def validate(value: str) -> str:
        try:
            check(*args, value)
        except InputError as exc:
            raise PydanticCustomError("kptutor", "{what}", {"what": str(exc)}) from None
        return value

    return validate


def _problem(what: str, at: str = "") -> PydanticCustomError:
    """A document error; ``at`` is the place below the model that raises it."""
    return PydanticCustomError("kptutor", "{what}", {"what": what, "at": at})


ClassId = Annotated[str, AfterValidator(_domain_check(check_person_id, "class"))]
ClassName = Annotated[str, AfterValidator(_domain_check(check_name, "class"))]
TeacherId = Annotated[str, AfterValidator(_domain_check(check_person_id, "teacher"))]
TeacherName = Annotated[str, AfterValidator(_domain_check(check_name, "teacher"))]
StudentId = Annotated[str, AfterValidator(_domain_check(check_person_id, "student"))]
StudentName = Annotated[str, AfterValidator(_domain_check(check_name, "student"))]
PasswordHash = Annotated[str, AfterValidator(_domain_check(check_password_hash))]
#: Times and probabilities: JSON numbers, never true/false, never NaN or infinite.
Number = Annotated[float, Field(allow_inf_nan=False)]


class _Model(BaseModel):
    # strict: a JSON value of the wrong type is an error, never converted ("1" is not 1,
    # true is not a number). Unknown keys are ignored, as kptutor always did.
    model_config = ConfigDict(
        strict=True,
        extra="ignore",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class CurriculumRef(_Model):
    """The curriculum the class was exported with."""

    name: str
    fingerprint: str


class ClassDoc(_Model):
    """The class itself."""

    id: ClassId
    name: ClassName
    teacher: str = Field(description="the id of the document's teacher")


class TeacherDoc(_Model):
    """The class's teacher."""

    id: TeacherId
    name: TeacherName
    password_hash: PasswordHash | None = Field(
        default=None, description="only in an export with credentials"
    )


class AttemptDoc(_Model):
    """One attempt of a student (the student is the one it is listed under)."""

    seq: int = Field(description="1, 2, … in the order of the student's attempts")
    item_id: str
    kp: str
    answer: str
    status: str
    correct: bool
    misconception: str | None = None
    gap_kps: list[str] = Field(default_factory=list)
    at: Number
    hints: list[Annotated[int, Field(ge=1, le=HINT_LEVELS)]] = Field(
        default_factory=list, description="hint levels asked for after a wrong first answer"
    )
    retry_answer: str | None = Field(default=None, description="the second try, if any")
    retry_status: str | None = None
    solution_shown: bool = False


class MasteryDoc(_Model):
    """A student's stored mastery of one knowledge point."""

    p: Annotated[Number, Field(ge=0.0, le=1.0)]
    attempts: Annotated[int, Field(ge=0)]
    updated_at: Number
    gap: bool


class PathDoc(_Model):
    """A student's stored learning path."""

    kps: list[str]
    next_kp: str | None = None
    reason: str
    reason_zh: str
    diagnosed_gap: str | None = None
    updated_at: Number
    goal: str | None = None
    kind: str


class StudentDoc(_Model):
    """A student with everything the store holds about them."""

    id: StudentId
    name: StudentName
    goal: str | None = None
    attempts: list[AttemptDoc] = Field(default_factory=list)
    mastery: dict[str, MasteryDoc] = Field(default_factory=dict)
    path: PathDoc | None = None
    password_hash: PasswordHash | None = Field(
        default=None, description="only in an export with credentials"
    )

    @model_validator(mode="after")
    def _attempts_in_order(self) -> Self:
        for j, attempt in enumerate(self.attempts):
            if attempt.seq != j + 1:
                raise _problem(
                    f"is {attempt.seq}, but attempts count 1, 2, … ({j + 1} here)",
                    f"attempts[{j}].seq",
                )
        if self.mastery and not self.attempts:
            # The store writes mastery only together with an attempt (record_attempt).
            raise _problem("is given without any attempt", "mastery")
        return self


class ClassExportDocument(_Model):
    """A kptutor class export: one class, its teacher and its students."""

    model_config = ConfigDict(title="kptutor class export")

    format: Literal["kptutor-class"] = Field(description="always 'kptutor-class'")
    version: Literal[1] = Field(description="the layout version of the document")
    exported_at: Number = Field(default=0.0, description="when, in seconds since 1970 (UTC)")
    curriculum: CurriculumRef | None = None
    credentials: bool = Field(default=False, description="whether password hashes are included")
    group: ClassDoc = Field(alias="class")
    teacher: TeacherDoc
    students: list[StudentDoc]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.group.teacher != self.teacher.id:
            raise _problem(f"must be the teacher's id {self.teacher.id!r}", "class.teacher")
        seen = {self.teacher.id}
        for i, student in enumerate(self.students):
            if student.id in seen:
                who = "the teacher" if student.id == self.teacher.id else "another student"
                raise _problem(f"{student.id!r} is also the id of {who}", f"students[{i}].id")
            seen.add(student.id)
        return self

    @classmethod
    def from_export(cls, export: ClassExport) -> ClassExportDocument:
        """The document of ``export`` (password hashes only if it includes credentials)."""
        creds = export.includes_credentials
        teacher: dict[str, Any] = {"id": export.teacher.id, "name": export.teacher.name}
        if creds:
            teacher["password_hash"] = export.teacher_password_hash
        students = []
        for rec in export.students:
            entry: dict[str, Any] = {
                "id": rec.student.id,
                "name": rec.student.name,
                "goal": rec.student.goal,
                "attempts": [_attempt_doc(a) for a in rec.attempts],
                "mastery": {
                    kp: MasteryDoc(p=m.p, attempts=m.attempts, updated_at=m.updated_at, gap=m.gap)
                    for kp, m in sorted(rec.mastery.items())
                },
                "path": None if rec.path is None else PathDoc.model_validate(rec.path.to_json()),
            }
            if creds:
                entry["password_hash"] = rec.password_hash
            students.append(StudentDoc.model_validate(entry))
        curriculum = export.curriculum
        # model_validate, not the constructor: the class sits under the key "class".
        return cls.model_validate(
            {
                "format": EXPORT_FORMAT,
                "version": EXPORT_VERSION,
                "exported_at": export.exported_at,
                "curriculum": None if curriculum is None else CurriculumRef(**curriculum),
                "credentials": creds,
                "class": ClassDoc(
                    id=export.group.id, name=export.group.name, teacher=export.teacher.id
                ),
                "teacher": TeacherDoc.model_validate(teacher),
                "students": students,
            }
        )

    def to_export(self) -> ClassExport:
        """The class this document describes (hashes only if it includes credentials)."""
        creds = self.credentials
        records = tuple(
            StudentRecord(
                student=Student(s.id, s.name, self.group.id, s.goal),
                attempts=tuple(
                    Attempt(
                        student_id=s.id,
                        item_id=a.item_id,
                        kp=a.kp,
                        answer=a.answer,
                        status=a.status,
                        correct=a.correct,
                        misconception=a.misconception,
                        gap_kps=tuple(a.gap_kps),
                        at=a.at,
                        seq=a.seq,
                        hints=tuple(a.hints),
                        retry_answer=a.retry_answer,
                        retry_status=a.retry_status,
                        solution_shown=a.solution_shown,
                    )
                    for a in s.attempts
                ),
                mastery={
                    kp: MasteryState(m.p, m.attempts, m.updated_at, m.gap)
                    for kp, m in s.mastery.items()
                },
                password_hash=s.password_hash if creds else None,
                path=None if s.path is None else StoredPath(**s.path.model_dump()),
            )
            for s in self.students
        )
        return ClassExport(
            group=ClassGroup(self.group.id, self.group.name, self.teacher.id),
            teacher=Teacher(self.teacher.id, self.teacher.name),
            students=records,
            curriculum=None if self.curriculum is None else self.curriculum.model_dump(),
            exported_at=self.exported_at,
            teacher_password_hash=self.teacher.password_hash if creds else None,
            includes_credentials=creds,
        )


def _attempt_doc(a: Attempt) -> AttemptDoc:
    data = a.to_json()
    del data["student"]  # the student it sits under
    # A turn's keys only where something happened after the first answer (left unset
    # otherwise, so exclude_unset leaves them out: a document without turns is written
    # as the first format wrote it).
    for key, empty in _NO_TURN.items():
        if data[key] == empty:
            del data[key]
    return AttemptDoc.model_validate(data)


#: The turn's keys of an attempt where nothing happened after the first answer.
_NO_TURN: dict[str, object] = {
    "hints": [],
    "retry_answer": None,
    "retry_status": None,
    "solution_shown": False,
}


def class_export_schema() -> dict[str, Any]:
    """The JSON Schema of a class export, as published in ``docs/class-export.schema.json``.

    Regenerate the published file with
    ``python -c "from tutor.class_export import class_export_schema_text as s; print(s(), end='')"
    > docs/class-export.schema.json``.
    """
    schema = ClassExportDocument.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def class_export_schema_text() -> str:
    """:func:`class_export_schema` as the text of the published file."""
    return json.dumps(class_export_schema(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------
# the class in memory


@dataclass(frozen=True)
class StudentRecord:
    """One student of an export with everything the store holds about them."""

    student: Student
    attempts: tuple[Attempt, ...]
    mastery: Mapping[str, MasteryState]
    password_hash: str | None = None
    path: StoredPath | None = None


@dataclass(frozen=True)
class ClassExport:
    """A class, its teacher and its students, as read from (or to be written into) a store."""

    group: ClassGroup
    teacher: Teacher
    students: tuple[StudentRecord, ...]
    curriculum: Mapping[str, str] | None = None
    exported_at: float = 0.0
    teacher_password_hash: str | None = None
    includes_credentials: bool = False

    def to_json(self) -> dict[str, Any]:
        """The document ``tutor export`` writes (see :class:`ClassExportDocument`)."""
        # exclude_unset: password_hash keys appear only in an export with credentials.
        return ClassExportDocument.from_export(self).model_dump(exclude_unset=True)

    @property
    def n_attempts(self) -> int:
        """Attempts over all students."""
        return sum(len(r.attempts) for r in self.students)


def export_class(
    store: ClassStore,
    class_id: str,
    *,
    include_credentials: bool = False,
    now: float | None = None,
) -> ClassExport:
    """Read one class with its teacher, students, goals, attempts, mastery and stored
    learning paths from ``store``; password hashes only with ``include_credentials``."""
    group = store.get_class(class_id)
    teacher = store.get_teacher(group.teacher_id)
    records = [
        StudentRecord(
            student=student,
            attempts=tuple(store.attempts(student.id)),
            mastery=store.mastery(student.id),
            password_hash=store.password_hash(student.id) if include_credentials else None,
            path=store.get_path(student.id),
        )
        for student in store.list_students(class_id)
    ]
    info = store.curriculum_info()
    return ClassExport(
        group=group,
        teacher=teacher,
        students=tuple(records),
        curriculum=None if info is None else {"name": info.name, "fingerprint": info.fingerprint},
        exported_at=time.time() if now is None else now,
        teacher_password_hash=store.password_hash(teacher.id) if include_credentials else None,
        includes_credentials=include_credentials,
    )


def write_class_export(export: ClassExport, dest: Path, *, overwrite: bool = False) -> int:
    """Write ``export`` as JSON to ``dest`` (atomically: a temporary file renamed into
    place); the number of bytes written. An existing ``dest`` is refused unless
    ``overwrite``. A file with password hashes is made readable by its owner only."""
    dest = Path(dest)
    if dest.is_dir():
        raise InputError(f"{dest} is a folder: name the export file, e.g. {dest / 'class.json'}")
    if dest.exists() and not overwrite:
        raise InputError(f"{dest} already exists: choose another name or pass --force")
    text = json.dumps(export.to_json(), ensure_ascii=False, indent=1, allow_nan=False)
    data = text.encode("utf-8")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with temp_beside(dest, "export") as temp:
            # mkstemp made the file 0600; widen it only when it holds no secrets.
            if not export.includes_credentials:
                temp.chmod(0o644)
            with temp.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temp, dest)
    except OSError as exc:
        raise InputError(f"cannot write {dest}: {exc.strerror}") from None
    fsync_dir(dest.parent)
    return len(data)


# -- reading and validating a document ---------------------------------------------------

#: Pydantic's error types in the words kptutor's messages use.
_WORDS: Final = {
    "missing": "is missing",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "greater_than_equal": "must not be negative",
}


def _place(loc: tuple[int | str, ...], at: str) -> str:
    """``('students', 0, 'mastery', 'a', 'p')`` → ``students[0].mastery['a'].p``."""
    text = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif i > 0 and loc[i - 1] == "mastery":
            text += f"[{part!r}]"  # a knowledge point id, the key of the mapping
        else:
            text += f".{part}" if text else part
    if at:
        text = f"{text}.{at}" if text else at
    return text or "the document"


def _describe(error: ErrorDetails) -> str:
    """One validation error as ``place what``."""
    ctx = error.get("ctx") or {}
    place = _place(tuple(error["loc"]), str(ctx.get("at", "")))
    if error["type"] == "kptutor":
        what = str(ctx["what"])
        # A domain check's message is a sentence of its own; a document check's is a
        # predicate of the place ("is 3, but …").
        return f"{place}: {what}" if "at" not in ctx else f"{place} {what}"
    loc = tuple(error["loc"])
    probability = len(loc) >= 3 and loc[-1] == "p" and loc[-3] == "mastery"
    if probability and error["type"] in ("less_than_equal", "greater_than_equal"):
        return f"{place} is {error['input']}, not a probability"
    return f"{place} {_WORDS.get(error['type'], error['msg'].lower())}"


def parse_class_export(data: Any, where: str = "the class export") -> ClassExport:
    """Validate a parsed JSON document into a :class:`ClassExport` (no store needed).

    Checks the format and version, every field's type, ids, names and password hashes as
    the store would, and attempt numbering (1, 2, … per student). Raises
    :class:`InputError` naming the first problem and its place in the document.
    """
    if not isinstance(data, dict):
        raise InputError(f"{where}: the document must be an object; {_TODO}")
    if data.get("format") != EXPORT_FORMAT:
        raise InputError(
            f"{where} is not a kptutor class export (its format is {data.get('format')!r}, "
            f"not {EXPORT_FORMAT!r}); give a file written by `tutor export --class`"
        )
    version = data.get("version")
    if version != EXPORT_VERSION:
        raise InputError(
            f"{where} has export version {version!r}; this kptutor reads version "
            f"{EXPORT_VERSION} (use the kptutor that wrote it, or export the class again)"
        )
    try:
        document = ClassExportDocument.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        others = len(errors) - 1
        more = f" (and {others} more problem{'s' * (others > 1)})" if others else ""
        raise InputError(f"{where}: {_describe(errors[0])}{more}; {_TODO}") from None
    return document.to_export()


def read_class_export(path: Path, *, max_bytes: int = 64 * 1024 * 1024) -> ClassExport:
    """Read and validate a class export file (see :func:`parse_class_export`)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no export file {path}: check the path")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path} is {size / 1e6:.1f} MB, over the import limit of {max_bytes / 1e6:.0f} MB "
            "(raise TUTOR_MAX_IMPORT_MB)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(
            f"{path} is not UTF-8 text: give a file written by `tutor export`"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}); "
            "give a file written by `tutor export`"
        ) from None
    return parse_class_export(data, str(path))


# -- writing a class into a store --------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """What ``tutor import-class`` wrote."""

    class_id: str
    teacher: str
    teacher_created: bool
    students: int
    attempts: int
    mastery: int
    paths: int
    credentials: int
    replaced: bool
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The contract of ``tutor import-class --json``."""
        return {
            "class": self.class_id,
            "teacher": self.teacher,
            "teacher_created": self.teacher_created,
            "students": self.students,
            "attempts": self.attempts,
            "mastery": self.mastery,
            "paths": self.paths,
            "credentials": self.credentials,
            "replaced": self.replaced,
            "notes": list(self.notes),
        }


def _exists(get: Any, key: str) -> bool:
    try:
        get(key)
    except NotFoundError:
        return False
    return True


def _plan(store: ClassStore, export: ClassExport, replace: bool) -> tuple[bool, list[str]]:
    """Check ``export`` against ``store`` without writing: whether the teacher must be
    created, and notes for the report. Raises :class:`InputError` on any conflict."""
    notes: list[str] = []
    info = store.curriculum_info()
    if info is None:
        raise InputError(
            f"{store.url} has no curriculum: load the one the class used first "
            "(e.g. `tutor graph load default`), then import again"
        )
    if export.curriculum is not None and export.curriculum.get("fingerprint") != info.fingerprint:
        notes.append(
            f"the class was exported with curriculum {export.curriculum.get('name')!r}; "
            f"the target has {info.name!r} (every point the class uses exists there)"
        )
    known = {kp.id for kp in store.list_nodes()}
    used: set[str] = set()
    for rec in export.students:
        if rec.student.goal is not None:
            used.add(rec.student.goal)
        used.update(a.kp for a in rec.attempts)
        used.update(rec.mastery)
    missing = sorted(used - known)
    if missing:
        shown = ", ".join(repr(m) for m in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise InputError(
            f"the class uses knowledge points that {store.url} does not have: {shown}{more}; "
            "load the curriculum the class was exported with"
        )
    teacher_created = True
    try:
        existing = store.get_teacher(export.teacher.id)
    except NotFoundError:
        if _exists(store.get_student, export.teacher.id):
            raise InputError(
                f"the teacher's id {export.teacher.id!r} is a student's id in {store.url}; "
                "nothing was imported"
            ) from None
    else:
        if existing.name != export.teacher.name:
            raise InputError(
                f"a different teacher has the id {export.teacher.id!r} in {store.url} "
                f"({existing.name!r}, not {export.teacher.name!r}); nothing was imported"
            )
        teacher_created = False
        notes.append(f"teacher {export.teacher.id!r} already exists and was kept as it is")
    ids = [r.student.id for r in export.students]
    teachers = [s for s in ids if _exists(store.get_teacher, s)]
    if teachers:
        raise InputError(
            f"student id {teachers[0]!r} is a teacher's id in {store.url}; nothing was imported"
        )
    class_taken = _exists(store.get_class, export.group.id)
    students_taken = [s for s in ids if _exists(store.get_student, s)]
    if not (class_taken or students_taken):
        return teacher_created, notes
    if not replace:
        what = f"class {export.group.id!r}" if class_taken else f"student {students_taken[0]!r}"
        if not class_taken and len(students_taken) > 1:
            what += f" (and {len(students_taken) - 1} more)"
        raise InputError(
            f"{what} already exists in {store.url}; nothing was imported (pass --replace to "
            "replace the class, or import into another store)"
        )
    own = {s.id for s in store.list_students(export.group.id)} if class_taken else set()
    elsewhere = [s for s in students_taken if s not in own]
    if elsewhere:
        raise InputError(
            f"student {elsewhere[0]!r} exists in {store.url} outside class "
            f"{export.group.id!r}; --replace only replaces the class's own students"
        )
    return teacher_created, notes


def import_class(store: ClassStore, export: ClassExport, *, replace: bool = False) -> ImportReport:
    """Re-create an exported class in ``store``: validate everything first, then write.

    Refuses, writing nothing, when the store lacks a point the class uses, when the class
    or any student already exists (unless ``replace``), or when an id belongs to someone
    else. Students (with their password hashes) are added in one transaction; attempts are
    re-recorded in order, keeping their ``seq`` and time, and each student's final mastery
    is written with their last attempt, so attempts and mastery come back identical.
    Stored learning paths are written last.
    """
    teacher_created, notes = _plan(store, export, replace)
    replaced = False
    previous: ClassExport | None = None
    if replace and _exists(store.get_class, export.group.id):
        # Kept in memory so a failure half-way puts the old class back: all or nothing.
        previous = export_class(store, export.group.id, include_credentials=True)
        store.delete_class(export.group.id)
        replaced = True
    hashes = {r.student.id: r.password_hash for r in export.students if r.password_hash is not None}
    written = False
    try:
        if teacher_created:
            store.add_teacher(export.teacher)
            if export.teacher_password_hash is not None:
                store.set_password_hash(export.teacher.id, export.teacher_password_hash)
        store.add_class(export.group)
        written = True
        store.add_students([r.student for r in export.students], hashes)
        for rec in export.students:
            _replay(store, rec)
            if rec.path is not None:
                store.set_path(rec.student.id, rec.path)
    except TutorError:
        _undo(store, export, written or previous is not None)
        if previous is not None:
            try:
                import_class(store, previous)
            except TutorError:
                log.error(
                    "class %s could not be put back after a failed replace", previous.group.id
                )
            else:
                log.warning(
                    "replace of class %s failed; the previous class is back", previous.group.id
                )
        raise
    log.info(
        "imported class %s (%d students, %d attempts) into %s",
        export.group.id,
        len(export.students),
        export.n_attempts,
        store.url,
    )
    return ImportReport(
        class_id=export.group.id,
        teacher=export.teacher.id,
        teacher_created=teacher_created,
        students=len(export.students),
        attempts=export.n_attempts,
        mastery=sum(len(r.mastery) for r in export.students),
        paths=sum(r.path is not None for r in export.students),
        credentials=len(hashes) + (export.teacher_password_hash is not None and teacher_created),
        replaced=replaced,
        notes=tuple(notes),
    )


def _replay(store: ClassStore, rec: StudentRecord) -> None:
    """Record a student's attempts in order; the final mastery goes with the last one
    (``record_attempt`` writes mastery rows per point, so only each point's last state
    matters, and it is the exported one)."""
    last = len(rec.attempts) - 1
    for i, attempt in enumerate(rec.attempts):
        written = store.record_attempt(attempt, rec.mastery if i == last else {})
        if written.seq != attempt.seq:
            raise StoreError(
                f"{store.url} numbered attempt {attempt.seq} of {rec.student.id!r} as "
                f"{written.seq}; the import was stopped"
            )


def _undo(store: ClassStore, export: ClassExport, written: bool) -> None:
    """After a store failure half-way: remove what was written, when the store can."""
    if written:
        try:
            store.delete_class(export.group.id)
        except TutorError:
            pass
        else:
            log.warning("import of class %s failed; what was written is removed", export.group.id)
            return
    log.error(
        "import of class %s into %s failed part-way; remove class %s and its students by hand",
        export.group.id,
        store.url,
        export.group.id,
    )
