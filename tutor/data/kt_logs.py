"""Readers of knowledge-tracing response logs: two file formats → :class:`ResponseLog`.

The models of :mod:`tutor.learner` only see :class:`~tutor.learner.data.ResponseLog`
arrays; the files are read here. Two formats are understood:

``pykt``
    The CSV that pyKT's preprocessing writes (``train_valid.csv``, ``test.csv``): a header
    with at least ``uid,concepts,responses`` (``fold`` optional), one student per row, the
    lists quoted and comma-separated. ``-1`` is pyKT's padding and is dropped, as are
    extra columns such as ``cidxs``. Multi-skill questions (``3_7``) are not supported.
``dkt3``
    The three-lines-per-student text of the Deep Knowledge Tracing paper: the number of
    responses, the skill ids, the 0/1 correctness, comma-separated (a trailing comma is
    allowed). Blank lines between students are ignored.

Every problem raises :class:`~tutor.errors.InputError` naming the file, the line and
what to do; nothing is returned half-read.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Final, Literal

import numpy as np

from tutor.errors import InputError
from tutor.learner.data import ResponseLog, check_values

Format = Literal["pykt", "dkt3"]
FORMATS: Final[tuple[Format, ...]] = ("pykt", "dkt3")

#: pyKT pads sequences with this value (in concepts and responses alike).
PYKT_PAD: Final = -1


#: A plain decimal integer. Python's ``int()`` alone would also take ``3_7`` (as 37: digit
#: grouping), `` 7 `` and non-ASCII digits; pyKT writes a multi-skill question as ``3_7``.
_INT: Final = re.compile(r"-?[0-9]+")


def _int_list(text: str, path: Path, line: int, what: str) -> list[int]:
    parts = [p.strip() for p in text.split(",")]
    if parts and parts[-1] == "":  # the DKT files end their lists with a comma
        parts.pop()
    bad = next((p for p in parts if not _INT.fullmatch(p)), None)
    if bad is None:
        return [int(p) for p in parts]
    if re.fullmatch(r"[0-9]+(_[0-9]+)+", bad):
        raise InputError(
            f"{path}:{line}: {what} has the multi-skill question {bad!r} (pyKT joins a "
            "question's skills with '_'); give one skill per response, e.g. by expanding it "
            "as pyKT's preprocessing does"
        )
    raise InputError(f"{path}:{line}: {what} must be comma-separated integers, found {bad!r}")


def _open_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path given to --train/--test")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file; give a pykt CSV or a dkt3 file") from None


def _finish(
    path: Path, skills: list[int], correct: list[int], lengths: list[int], folds: list[int]
) -> ResponseLog:
    if not lengths or not skills:
        raise InputError(f"{path}: no responses found; is this the right file?")
    log = ResponseLog(
        np.asarray(skills, dtype=np.int64),
        np.asarray(correct, dtype=np.int64),
        np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64),
        np.asarray(folds, dtype=np.int64),
    )
    check_values(log, str(path))
    return log


def read_pykt(path: Path) -> ResponseLog:
    """Read a pyKT sequence CSV (``fold,uid,concepts,responses[,…]``), dropping -1 padding."""
    text = _open_text(path)
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    needed = {"uid", "concepts", "responses"}
    if header is None or not needed <= {h.strip() for h in header}:
        raise InputError(
            f"{path}: not a pykt CSV: the header must name uid, concepts and responses "
            f"(got {','.join(header or [])[:80]!r}); use --format dkt3 for three-line files"
        )
    col = {h.strip(): i for i, h in enumerate(header)}
    skills: list[int] = []
    correct: list[int] = []
    lengths: list[int] = []
    folds: list[int] = []
    for line_no, row in enumerate(rows, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}:{line_no}: {len(row)} fields where the header has {len(header)}; "
                "quote the concept and response lists"
            )
        concepts = _int_list(row[col["concepts"]], path, line_no, "concepts")
        responses = _int_list(row[col["responses"]], path, line_no, "responses")
        if len(concepts) != len(responses):
            raise InputError(
                f"{path}:{line_no}: {len(concepts)} concepts but {len(responses)} responses; "
                "each response needs exactly one concept"
            )
        kept = [(c, r) for c, r in zip(concepts, responses, strict=True) if c != PYKT_PAD]
        if any(r == PYKT_PAD for _, r in kept):
            raise InputError(f"{path}:{line_no}: response -1 (padding) under a real concept")
        if not kept:
            continue
        fold = row[col["fold"]].strip() if "fold" in col else "-1"
        if not _INT.fullmatch(fold):
            raise InputError(f"{path}:{line_no}: fold must be an integer, found {fold!r}")
        skills.extend(c for c, _ in kept)
        correct.extend(r for _, r in kept)
        lengths.append(len(kept))
        folds.append(int(fold))
    return _finish(path, skills, correct, lengths, folds)


def read_dkt3(path: Path) -> ResponseLog:
    """Read the DKT paper's three-lines-per-student format (count, skills, correctness)."""
    text = _open_text(path)
    lines = [(n, ln.strip()) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    if lines and not _INT.fullmatch(lines[0][1].rstrip(",").strip()):
        raise InputError(
            f"{path}:{lines[0][0]}: a dkt3 file starts with a number of responses, found "
            f"{lines[0][1][:40]!r}; is this a pykt CSV (use --format pykt)?"
        )
    if len(lines) % 3:
        raise InputError(
            f"{path}: {len(lines)} non-blank lines is not a multiple of 3; dkt3 needs a count "
            "line, a skills line and a correctness line per student"
        )
    skills: list[int] = []
    correct: list[int] = []
    lengths: list[int] = []
    for k in range(0, len(lines), 3):
        (n0, count_text), (n1, skill_text), (n2, resp_text) = lines[k : k + 3]
        count = _int_list(count_text, path, n0, "the response count")
        if len(count) != 1 or count[0] < 0:
            raise InputError(
                f"{path}:{n0}: expected the number of responses on its own, found "
                f"{count_text[:40]!r}; is this a pykt CSV (use --format pykt)?"
            )
        s = _int_list(skill_text, path, n1, "skill ids")
        r = _int_list(resp_text, path, n2, "responses")
        if len(s) != count[0] or len(r) != count[0]:
            raise InputError(
                f"{path}:{n0}-{n2}: the count says {count[0]} responses but there are "
                f"{len(s)} skills and {len(r)} responses; make the three lines agree"
            )
        if count[0] == 0:
            continue
        skills.extend(s)
        correct.extend(r)
        lengths.append(count[0])
    return _finish(path, skills, correct, lengths, [-1] * len(lengths))


_READERS = {"pykt": read_pykt, "dkt3": read_dkt3}


def read_log(path: Path, fmt: Format) -> ResponseLog:
    """Read a response log in format ``fmt`` (``pykt`` or ``dkt3``)."""
    try:
        reader = _READERS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return reader(Path(path))
