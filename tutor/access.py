"""Who may see what: the facades the app uses for a signed-in user, and roster import.

:meth:`tutor.engine.Engine.as_user` gives a :class:`StudentAPI` or a :class:`TeacherAPI`
bound to a session token. Every method first checks the session (it may have expired or
been signed out: :class:`~tutor.errors.SessionExpired`), then what the user may reach:

* a student reaches only their own data — the facade has no way to name anyone else;
* a teacher reaches only their own classes and the students in them; asking for anything
  else raises :class:`~tutor.errors.AccessDenied` with the same message whether the thing
  exists or not (so a teacher cannot probe for other classes' students).

Engine-level methods (``engine.submit(student_id, …)``, ``engine.store``) stay for the CLI
and the operator; the app calls only these facades for user data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutor.auth import MAX_PASSWORD_LEN, MIN_PASSWORD_LEN
from tutor.domain import (
    Attempt,
    ClassGroup,
    MasteryState,
    StoredPath,
    Student,
    Teacher,
    check_name,
    check_person_id,
)
from tutor.errors import AccessDenied, InputError, NotFoundError

if TYPE_CHECKING:
    from tutor.catalog import Catalog
    from tutor.engine import ClassReport, Engine, Feedback, NextItem
    from tutor.llm.explain import Explanation, ExplanationStream, Kind, Language, Style
    from tutor.llm.grading import Grade

__all__ = [
    "MAX_ROSTER_BYTES",
    "MAX_ROSTER_ROWS",
    "RosterProblem",
    "RosterReport",
    "RosterRow",
    "StudentAPI",
    "TeacherAPI",
    "parse_roster",
]

#: A class roster is small; anything bigger is a mistake (or an attack), refused whole.
MAX_ROSTER_BYTES = 1_000_000
MAX_ROSTER_ROWS = 2_000
#: No single cell may be longer than this (ids and names are shorter still).
MAX_ROSTER_FIELD = 200
ROSTER_COLUMNS = ("student_id", "name", "password")
ROSTER_OPTIONAL = ("goal",)


class _Facade:
    """What both facades share: the engine, the token, and the session check."""

    def __init__(self, engine: Engine, token: str) -> None:
        self._engine = engine
        self._token = token

    @property
    def _user_id(self) -> str:
        # Every call goes through the session: an expired or signed-out token stops here.
        return self._engine.session(self._token).user_id

    @property
    def catalog(self) -> Catalog:
        """The curriculum and content, read-only (the same for every user)."""
        return self._engine.catalog


class StudentAPI(_Facade):
    """A signed-in student: only their own practice, mastery, path and attempts."""

    @property
    def me(self) -> Student:
        """The signed-in student."""
        return self._engine.store.get_student(self._user_id)

    def next_item(self) -> NextItem:
        """The next item, with the reason it was chosen."""
        return self._engine.next_item(self._user_id)

    def submit(self, item_id: str, answer: str, working: str | None = None) -> Feedback:
        """Answer an item (checked, diagnosed, recorded, path revised)."""
        return self._engine.submit(self._user_id, item_id, answer, working=working)

    def path(self) -> StoredPath:
        """The current learning path and why."""
        return self._engine.path(self._user_id)

    def mastery(self) -> dict[str, MasteryState]:
        """Mastery by knowledge point."""
        return self._engine.store.mastery(self._user_id)

    def attempts(self, limit: int | None = None) -> list[Attempt]:
        """Own attempts, oldest first (the last ``limit`` with a limit)."""
        return self._engine.store.attempts(self._user_id, limit=limit)

    def explain(
        self,
        item_id: str,
        answer: str | None = None,
        *,
        kind: Kind = "explanation",
        hint_index: int = 0,
        style: Style = "friendly",
        language: Language = "en",
        temperature: float = 0.3,
    ) -> Explanation:
        """An explanation or hint for an item (``tutor.llm.explain.Explanation``)."""
        return self._engine.explain(
            self._user_id,
            item_id,
            answer,
            kind=kind,
            hint_index=hint_index,
            style=style,
            language=language,
            temperature=temperature,
        )

    def explain_stream(
        self, item_id: str, answer: str | None = None, **options: Any
    ) -> ExplanationStream:
        """The explanation streamed (options as for :meth:`explain`)."""
        return self._engine.explain_stream(self._user_id, item_id, answer, **options)

    def grade(self, item_id: str, reasoning: str, final_answer: str | None = None) -> Grade:
        """Grade own free-text reasoning (``tutor.llm.grading.Grade``)."""
        return self._engine.grade(self._user_id, item_id, reasoning, final_answer=final_answer)


def _denied(what: str) -> AccessDenied:
    return AccessDenied(f"you can't see that: {what}; you can open only your own classes")


class TeacherAPI(_Facade):
    """A signed-in teacher: only their own classes and the students in them."""

    @property
    def me(self) -> Teacher:
        """The signed-in teacher."""
        return self._engine.store.get_teacher(self._user_id)

    def classes(self) -> list[ClassGroup]:
        """Own classes, sorted by id."""
        return self._engine.store.list_classes(self._user_id)

    def _own_class(self, class_id: str) -> ClassGroup:
        teacher = self._user_id
        try:
            group = self._engine.store.get_class(class_id)
        except NotFoundError:
            group = None
        if group is None or group.teacher_id != teacher:
            raise _denied(f"class {class_id!r} is not one of your classes")
        return group

    def _own_student(self, student_id: str) -> Student:
        teacher = self._user_id
        try:
            student = self._engine.store.get_student(student_id)
            group = (
                self._engine.store.get_class(student.class_id)
                if student.class_id is not None
                else None
            )
        except NotFoundError:
            group = None
        if group is None or group.teacher_id != teacher:
            raise _denied(f"student {student_id!r} is not in one of your classes")
        return student

    def create_class(self, class_id: str, name: str) -> ClassGroup:
        """Create a class taught by the signed-in teacher."""
        return self._engine.create_class(class_id, name, self._user_id)

    def add_student(
        self, student_id: str, name: str, class_id: str, password: str, goal: str | None = None
    ) -> Student:
        """Add a student who can sign in to one of the own classes."""
        self._own_class(class_id)
        return self._engine.add_student_with_password(student_id, name, class_id, password, goal)

    def import_roster(self, class_id: str, csv_text: str) -> RosterReport:
        """Add students to an own class from CSV text (see :func:`parse_roster`)."""
        self._own_class(class_id)
        return self._engine.import_roster(class_id, csv_text)

    def students(self, class_id: str) -> list[Student]:
        """The students of an own class, sorted by id."""
        self._own_class(class_id)
        return self._engine.store.list_students(class_id)

    def student_attempts(self, student_id: str, limit: int | None = None) -> list[Attempt]:
        """A student's attempts (own classes only), oldest first."""
        self._own_student(student_id)
        return self._engine.store.attempts(student_id, limit=limit)

    def student_mastery(self, student_id: str) -> dict[str, MasteryState]:
        """A student's mastery (own classes only)."""
        self._own_student(student_id)
        return self._engine.store.mastery(student_id)

    def student_path(self, student_id: str) -> StoredPath:
        """A student's learning path and why (own classes only)."""
        self._own_student(student_id)
        return self._engine.path(student_id)

    def set_goal(self, student_id: str, kp_id: str) -> Student:
        """Set a student's goal (own classes only)."""
        self._own_student(student_id)
        return self._engine.set_goal(student_id, kp_id)

    def set_class_goal(self, class_id: str, kp_id: str) -> list[Student]:
        """Set the goal of every student of an own class."""
        self._own_class(class_id)
        return self._engine.set_class_goal(class_id, kp_id)

    def class_report(self, class_id: str) -> ClassReport:
        """The diagnostics of an own class."""
        self._own_class(class_id)
        return self._engine.class_report(class_id)

    def export_class_csv(self, class_id: str) -> str:
        """An own class's attempts as CSV text."""
        self._own_class(class_id)
        return self._engine.export_class_csv(class_id)


# -- roster import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    """One checked row of a roster."""

    line: int
    student_id: str
    name: str
    password: str
    goal: str | None

    def __repr__(self) -> str:  # never show a password in a log or a traceback
        return f"RosterRow(line={self.line}, student_id={self.student_id!r})"


@dataclass(frozen=True)
class RosterProblem:
    """Why one row (or the whole file, line 0 or 1) was refused."""

    line: int
    column: str
    reason: str
    reason_zh: str = ""

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
        }


@dataclass(frozen=True)
class RosterReport:
    """The outcome of a roster import: who was added, or every bad row (then nobody)."""

    class_id: str
    added: list[str]
    problems: list[RosterProblem]

    @property
    def ok(self) -> bool:
        """Whether the roster was imported."""
        return not self.problems

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "class": self.class_id,
            "ok": self.ok,
            "added": list(self.added),
            "problems": [p.to_json() for p in self.problems],
        }


def parse_roster(
    csv_text: str,
    *,
    known_kps: Collection[str],
    taken: Callable[[Sequence[str]], Collection[str]],
) -> tuple[list[RosterRow], list[RosterProblem]]:
    """Check a whole roster: the rows, and every problem found (empty when all is well).

    Columns ``student_id,name,password`` and optionally ``goal`` (a knowledge point id),
    in any order, with a header line. Cells are trimmed. ``known_kps`` are the stored
    points; ``taken(ids)`` says which ids already belong to a teacher or a student.
    Line numbers count from 1 (the header), as an editor shows them.
    """
    problems: list[RosterProblem] = []
    if len(csv_text.encode("utf-8", errors="replace")) > MAX_ROSTER_BYTES:
        return [], [
            RosterProblem(
                0,
                "",
                f"the file is larger than {MAX_ROSTER_BYTES // 1000} kB; split the class",
                f"文件超过 {MAX_ROSTER_BYTES // 1000} kB，请把班级分成几个文件",
            )
        ]
    text = csv_text.removeprefix("\ufeff")  # spreadsheets save UTF-8 with a BOM
    if "\x00" in text:
        return [], [
            RosterProblem(0, "", "the file is not text (it contains NUL bytes)", "文件不是文本文件")
        ]
    records = _records(text)
    try:
        header_line, header = next(records)
    except StopIteration:
        return [], [
            RosterProblem(
                1,
                "",
                "the file is empty: the first line must be a header",
                "文件是空的：第一行应是表头",
            )
        ]
    except csv.Error as exc:
        return [], [
            RosterProblem(1, "", f"the header cannot be read as CSV ({exc})", "表头无法按 CSV 读取")
        ]
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ROSTER_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in ROSTER_COLUMNS + ROSTER_OPTIONAL]
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    for c in missing:
        problems.append(
            RosterProblem(header_line, c, f"the header has no {c!r} column", f"表头缺少“{c}”列")
        )
    for c in unknown:
        problems.append(
            RosterProblem(
                header_line,
                c,
                f"unknown column {c!r}; the columns are student_id, name, password and goal",
                f"未知的列“{c}”；可用的列是 student_id、name、password 和 goal",
            )
        )
    for c in doubled:
        problems.append(
            RosterProblem(header_line, c, f"the column {c!r} appears twice", f"“{c}”列重复")
        )
    if problems:
        return [], problems
    where = {c: columns.index(c) for c in columns}
    rows: list[RosterRow] = []
    first_line: dict[str, int] = {}
    try:
        for line, record in records:
            if not any(cell.strip() for cell in record):
                continue  # blank lines are harmless
            if len(rows) + len(problems) >= MAX_ROSTER_ROWS:
                problems.append(
                    RosterProblem(
                        line,
                        "",
                        f"more than {MAX_ROSTER_ROWS} rows; split the class",
                        f"超过 {MAX_ROSTER_ROWS} 行，请把班级分成几个文件",
                    )
                )
                break
            if len(record) != len(columns):
                problems.append(
                    RosterProblem(
                        line,
                        "",
                        f"{len(record)} cells where the header has {len(columns)}",
                        f"这一行有 {len(record)} 格，表头有 {len(columns)} 格",
                    )
                )
                continue
            cells = {c: record[i].strip() for c, i in where.items()}
            row_problems = _check_row(line, cells, known_kps)
            sid = cells["student_id"]
            if not row_problems and sid in first_line:
                row_problems.append(
                    RosterProblem(
                        line,
                        "student_id",
                        f"{sid!r} is already on line {first_line[sid]}",
                        f"“{sid}”已在第 {first_line[sid]} 行出现",
                    )
                )
            if row_problems:
                problems.extend(row_problems)
                continue
            first_line[sid] = line
            rows.append(
                RosterRow(line, sid, cells["name"], cells["password"], cells.get("goal") or None)
            )
    except csv.Error as exc:
        problems.append(
            RosterProblem(0, "", f"the file cannot be read as CSV ({exc})", "文件无法按 CSV 读取")
        )
    already = set(taken([r.student_id for r in rows]))
    for r in rows:
        if r.student_id in already:
            problems.append(
                RosterProblem(
                    r.line,
                    "student_id",
                    f"{r.student_id!r} is already taken; choose another id",
                    f"“{r.student_id}”已被使用，请换一个编号",
                )
            )
    if not rows and not problems:
        problems.append(
            RosterProblem(
                header_line, "", "the file has a header but no students", "文件只有表头，没有学生"
            )
        )
    problems.sort(key=lambda p: (p.line, p.column))
    return (rows if not problems else []), problems


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _check_row(line: int, cells: dict[str, str], known_kps: Collection[str]) -> list[RosterProblem]:
    out: list[RosterProblem] = []
    for column, value in cells.items():
        if len(value) > MAX_ROSTER_FIELD:
            out.append(
                RosterProblem(
                    line,
                    column,
                    f"longer than {MAX_ROSTER_FIELD} characters",
                    f"超过 {MAX_ROSTER_FIELD} 个字符",
                )
            )
    if out:
        return out
    sid, name, password = cells["student_id"], cells["name"], cells["password"]
    try:
        check_person_id("student", sid)
        if not all(ch.isalnum() or ch in "-_." for ch in sid):
            raise InputError("use only letters, digits, '-', '_' and '.' in a student id")
    except InputError as exc:
        out.append(
            RosterProblem(
                line,
                "student_id",
                str(exc),
                "学生编号不可用：只能用字母、数字、“-”、“_”和“.”，不能为空",
            )
        )
    try:
        check_name("student", name)
    except InputError as exc:
        out.append(
            RosterProblem(line, "name", str(exc), "姓名不可用：不能为空、不能换行，最多 100 个字符")
        )
    if len(password) < MIN_PASSWORD_LEN:
        out.append(
            RosterProblem(
                line,
                "password",
                f"shorter than {MIN_PASSWORD_LEN} characters",
                f"密码少于 {MIN_PASSWORD_LEN} 个字符",
            )
        )
    elif len(password) > MAX_PASSWORD_LEN:
        out.append(
            RosterProblem(
                line,
                "password",
                f"longer than {MAX_PASSWORD_LEN} characters",
                f"密码超过 {MAX_PASSWORD_LEN} 个字符",
            )
        )
    goal = cells.get("goal") or ""
    if goal and goal not in known_kps:
        out.append(
            RosterProblem(
                line,
                "goal",
                f"no knowledge point {goal[:60]!r}; find ids with `tutor graph list`",
                f"没有知识点“{goal[:60]}”；可用 `tutor graph list` 查看编号",
            )
        )
    return out
