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
from tutor.domain import MAX_NAME_LEN, Student, check_name, check_person_id
from tutor.errors import InputError, NotFoundError
from tutor.i18n import render

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
        return [], [_problem(0, "", "roster.file_too_large", kb=MAX_ROSTER_BYTES // 1000)]
    text = csv_text.removeprefix("\ufeff")  # spreadsheets save UTF-8 with a BOM
    if "\x00" in text:
        return [], [_problem(0, "", "roster.not_text")]
    records = _records(text)
    try:
        header_line, header = next(records)
    except StopIteration:
        return [], [_problem(1, "", "roster.empty")]
    except csv.Error as exc:
        return [], [_problem(1, "", "roster.header_not_csv", error=str(exc))]
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ROSTER_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in ROSTER_COLUMNS + ROSTER_OPTIONAL]
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    problems += [_problem(header_line, c, "roster.missing_column", column=c) for c in missing]
    problems += [_problem(header_line, c, "roster.unknown_column", column=c) for c in unknown]
    problems += [_problem(header_line, c, "roster.doubled_column", column=c) for c in doubled]
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
                problems.append(_problem(line, "", "roster.too_many_rows", limit=MAX_ROSTER_ROWS))
                break
            if len(record) != len(columns):
                problems.append(
                    _problem(line, "", "roster.cell_count", cells=len(record), columns=len(columns))
                )
                continue
            cells = {c: record[i].strip() for c, i in where.items()}
            row_problems = _check_row(line, cells, known_kps)
            sid = cells["student_id"]
            if not row_problems and sid in first_line:
                row_problems.append(
                    _problem(
                        line,
                        "student_id",
                        "roster.duplicate_id",
                        student_id=sid,
                        first_line=first_line[sid],
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
        problems.append(_problem(0, "", "roster.not_csv", error=str(exc)))
    already = set(taken([r.student_id for r in rows]))
    for r in rows:
        if r.student_id in already:
            problems.append(
                _problem(r.line, "student_id", "roster.id_taken", student_id=r.student_id)
            )
    if not rows and not problems:
        problems.append(_problem(header_line, "", "roster.no_students"))
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
            out.append(_problem(line, column, "roster.cell_too_long", limit=MAX_ROSTER_FIELD))
    if out:
        return out
    sid, name, password = cells["student_id"], cells["name"], cells["password"]
    bad_id = _refusal(line, "student_id", lambda: check_person_id("student", sid), _id_codes(sid))
    if bad_id is None and not all(ch.isalnum() or ch in "-_." for ch in sid):
        bad_id = _problem(line, "student_id", "roster.id_characters")
    bad_name = _refusal(line, "name", lambda: check_name("student", name), _NAME_CODES)
    out += [p for p in (bad_id, bad_name) if p is not None]
    if not password:
        out.append(_problem(line, "password", "roster.password_empty", limit=MIN_PASSWORD_LEN))
    elif len(password) < MIN_PASSWORD_LEN:
        out.append(_problem(line, "password", "roster.password_too_short", limit=MIN_PASSWORD_LEN))
    elif len(password) > MAX_PASSWORD_LEN:
        out.append(_problem(line, "password", "roster.password_too_long", limit=MAX_PASSWORD_LEN))
    goal = cells.get("goal") or ""
    if goal and goal not in known_kps:
        out.append(_problem(line, "goal", "roster.unknown_goal", goal=goal[:60]))
    return out


#: A message code with its parameters.
_Code = tuple[str, dict[str, object]]
#: How :func:`tutor.domain.check_name` refuses a student's name, in the order it checks.
_NAME_CODES: tuple[_Code, ...] = (
    ("roster.name_empty", {}),
    ("roster.name_too_long", {"limit": MAX_NAME_LEN}),
    ("roster.name_control", {}),
)


def _id_codes(student_id: str) -> tuple[_Code, ...]:
    """How :func:`tutor.domain.check_person_id` refuses a student id, in the order it checks
    (its general id-length limit is never reached here: longer cells are refused first)."""
    return (
        ("roster.id_empty", {}),
        ("roster.id_spaces", {"student_id": student_id}),
        ("roster.id_control", {"student_id": student_id}),
        ("roster.id_too_long", {"limit": MAX_NAME_LEN}),
    )


def _problem(line: int, column: str, code: str, /, **params: object) -> RosterProblem:
    """A problem worded by the message catalogs, in English and Chinese."""
    return RosterProblem(line, column, render(code, params, "en"), render(code, params, "zh-Hans"))


def _refusal(
    line: int, column: str, check: Callable[[], None], codes: Sequence[_Code]
) -> RosterProblem | None:
    """The problem when ``check`` (a :mod:`tutor.domain` check) refuses a cell, else None.

    The domain words its refusal in English only; the code is the one of ``codes`` whose
    English is that message, so the check's rules live in one place and the English stays
    exactly the domain's while the Chinese says the same case.
    """
    try:
        check()
    except InputError as exc:
        message = str(exc)
    else:
        return None
    for code, params in codes:
        if render(code, params, "en") == message:
            return _problem(line, column, code, **params)
    # The domain has a refusal the catalog lacks (a test catches it): still say why.
    log.error("no roster message code for a refused %s", column)
    return RosterProblem(line, column, message, message)


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
