"""``tutor diagnose solutions FILE``: diagnosing students' written multi-step solutions.

FILE is a JSON list of records, or JSON Lines (one record a line), each with ``problem``,
``reference_solution`` (text, a step a line) and ``student_incorrect_solution`` (a list of
step strings, the last the final answer) — the layout of the Verify-then-Generate dataset.
Any other field (the dataset's teacher labels among them) is ignored and never read.

``--json`` prints a JSON list with one object per record, in input order:
``{"first_wrong_step": int or null, "category": str, "kps": [str], "evidence": str}``.
Bad input (not JSON, a missing field, a step that is not a string, no records) is refused
in one line naming the record and the field, with exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from tutor import lab
from tutor.cli._common import emit
from tutor.cli.diagnose import diagnose
from tutor.errors import InputError

#: A file of solutions larger than this is not a class's homework.
MAX_SOLUTIONS_BYTES = 50_000_000


def read_solution_records(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON-list or JSON-Lines file, checked field by field.

    Raises :class:`InputError` naming the record (1-based) and the field for any problem.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file; give a JSON list or JSON Lines of records")
    if path.stat().st_size > MAX_SOLUTIONS_BYTES:
        raise InputError(f"{path}: larger than {MAX_SOLUTIONS_BYTES} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    records: Any
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not JSON ({exc.msg}, line {exc.lineno})") from None
    else:
        records = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {n} is not JSON ({exc.msg})") from None
    if not isinstance(records, list) or not records:
        raise InputError(f"{path}: no records; give a non-empty JSON list or JSON Lines")
    for i, record in enumerate(records, start=1):
        _check_record(path, i, record)
    return records


def _check_record(path: Path, i: int, record: Any) -> None:
    """Refuse a record without the three input fields in the expected types."""
    where = f"{path}: record {i}"
    if not isinstance(record, dict):
        raise InputError(f"{where} is not a JSON object")
    for name in ("problem", "reference_solution"):
        if name not in record:
            raise InputError(f"{where} has no field {name!r}")
        if not isinstance(record[name], str) or not record[name].strip():
            raise InputError(f"{where}: field {name!r} must be non-empty text")
    steps = record.get("student_incorrect_solution")
    if "student_incorrect_solution" not in record:
        raise InputError(f"{where} has no field 'student_incorrect_solution'")
    if not isinstance(steps, list) or not steps:
        raise InputError(
            f"{where}: field 'student_incorrect_solution' must be a non-empty list of steps"
        )
    for j, step in enumerate(steps):
        if not isinstance(step, str):
            raise InputError(
                f"{where}: field 'student_incorrect_solution' step {j} is not a string"
            )


def _table(rows: list[dict[str, Any]]) -> str:
    """One line per record: its number, the first wrong step, the category, the evidence."""
    out = []
    for i, row in enumerate(rows, start=1):
        step = "-" if row["first_wrong_step"] is None else str(row["first_wrong_step"])
        kps = f" [{', '.join(row['kps'])}]" if row["kps"] else ""
        out.append(f"{i:>4}  step {step:>2}  {row['category']}{kps}\n      {row['evidence']}")
    return "\n".join(out)


@diagnose.command("solutions")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def diagnose_solutions(file: Path, as_json: bool) -> None:
    """Diagnose students' written solutions in FILE: the first wrong step and why.

    FILE is a JSON list or JSON Lines of records with problem, reference_solution and
    student_incorrect_solution; label fields in them are ignored.
    """
    records = read_solution_records(file)
    rows = [lab.diagnose_solution_record(r) for r in records]
    emit(rows, as_json, _table)
