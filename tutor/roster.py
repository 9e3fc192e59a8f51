"""Class rosters: a CSV of students checked whole, then added in one transaction.

:func:`parse_roster` checks every row of a roster (``student_id,name,password[,goal]``, in
any column order, with a header line) and returns the rows or *every* problem found, each
with its line, column and reason (English and Chinese). :func:`import_roster` adds a class's
students from such a file: nothing is written when any row is bad; otherwise every student
and their password hash (never the password) go to the store in one write.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tutor.auth import MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, hash_password
from tutor.domain import Student, check_name, check_person_id
from tutor.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from tutor.graph import GraphStore

__all__ = [
    "MAX_ROSTER_BYTES",
    "MAX_ROSTER_ROWS",
    "RosterProblem",
    "RosterReport",
    "RosterRow",
    "import_roster",
    "parse_roster",
]

log = logging.getLogger(__name__)

#: A class roster is small; anything bigger is a mistake (or an attack), refused whole.
MAX_ROSTER_BYTES = 1_000_000
MAX_ROSTER_ROWS = 2_000
#: No single cell may be longer than this (ids and names are shorter still).
MAX_ROSTER_FIELD = 200
ROSTER_COLUMNS = ("student_id", "name", "password")
ROSTER_OPTIONAL = ("goal",)


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


def import_roster(store: GraphStore, class_id: str, csv_text: str) -> RosterReport:
    """Add a class's students from CSV text (``student_id,name,password[,goal]``).

    Every row is checked first; when any row is bad nothing is written and the report
    lists each bad row (line, column, reason). Otherwise all students are added in one
    transaction.
    """
    store.get_class(class_id)
    known_kps = {kp.id for kp in store.list_nodes()}
    rows, problems = parse_roster(
        csv_text, known_kps=known_kps, taken=lambda ids: _taken_ids(store, ids)
    )
    if problems:
        log.info("roster for a class refused: %d bad rows", len(problems))
        return RosterReport(class_id, [], problems)
    students = [Student(r.student_id, r.name, class_id, r.goal) for r in rows]
    hashes = {r.student_id: hash_password(r.password) for r in rows}
    store.add_students(students, hashes)
    log.info("roster imported: %d students", len(students))
    return RosterReport(class_id, [s.id for s in students], [])


def _taken_ids(store: GraphStore, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` already name a teacher or student."""
    taken: set[str] = set()
    for person_id in ids:
        for lookup in (store.get_student, store.get_teacher):
            try:
                lookup(person_id)
            except NotFoundError:
                continue
            taken.add(person_id)
            break
    return taken
