"""Readers of class response files for cognitive diagnosis: two formats → the data types of
:mod:`tutor.diagnosis.cdm_data`.

``matrix``
    A response matrix (rows students, columns items, values 0/1) and a Q-matrix (rows
    items, columns skills, 0/1: item ``j`` needs skill ``k``). Cells are separated by tabs
    or commas; there is no header; CRLF line endings are fine. This is the format of the
    FrcSub data set (``data.txt`` and ``q.txt``).
``long``
    The format of EduCDM's examples: response CSVs with a header naming
    ``user_id,item_id,score`` (one row per answer, score 0/1) and an items CSV with a
    header naming ``item_id,knowledge_code``, the codes a list such as ``"[83, 12]"``.

Every problem raises :class:`~tutor.errors.InputError` in one line that names the file
and, where there is one, the line; nothing is returned half-read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tutor.diagnosis.cdm_data import LongData, MatrixData
from tutor.errors import InputError

IntArray = npt.NDArray[np.int64]

_CELL_SPLIT = re.compile(r"[\t,]")
_INT = re.compile(r"[+-]?[0-9]+")  # ASCII digits only (int() also takes "3_7", "٣")


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path given for the {what}")
    try:
        # utf-8-sig: spreadsheet exports often start with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file; give the {what} as text") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty; give the {what}")
    return text


def _content_lines(path: Path, text: str) -> list[tuple[int, str]]:
    """Numbered non-blank lines; a blank line between rows is refused (a row went missing)."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    numbered = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise InputError(f"{path}:{number}: blank line inside the matrix; remove it")
        numbered.append((number, line))
    return numbered


def read_binary_matrix(path: Path, what: str) -> IntArray:
    """Read a 0/1 matrix (tab- or comma-separated, no header) as a 2-D int64 array.

    ``what`` names the matrix in error messages ("response matrix", "Q-matrix").
    """
    text = _read_text(path, what)
    rows: list[list[int]] = []
    width = -1
    for number, line in _content_lines(path, text):
        cells = [c.strip() for c in _CELL_SPLIT.split(line.strip())]
        if width < 0:
            width = len(cells)
        elif len(cells) != width:
            raise InputError(
                f"{path}:{number}: {len(cells)} values where the first row has {width}; "
                f"every row of the {what} needs the same number of columns"
            )
        for column, cell in enumerate(cells, start=1):
            if cell not in ("0", "1"):
                raise InputError(
                    f"{path}:{number}: column {column} is {cell[:20]!r}; "
                    f"the {what} holds only 0 and 1"
                )
        rows.append([int(c) for c in cells])
    return np.asarray(rows, dtype=np.int64)


def check_q_matrix(q: IntArray, n_items: int, where: str) -> None:
    """Refuse a Q-matrix that does not have one row per item or has an item with no skill."""
    if q.ndim != 2 or q.shape[0] != n_items:
        raise InputError(
            f"{where}: the Q-matrix has {q.shape[0]} rows but there are {n_items} items; "
            "give one row per item, in item order"
        )
    empty = np.flatnonzero(q.sum(axis=1) == 0)
    if len(empty):
        raise InputError(
            f"{where}:{int(empty[0]) + 1}: item {int(empty[0]) + 1} needs no skill; "
            "every item must assess at least one skill"
        )


def read_matrix_data(responses_path: Path, q_path: Path) -> MatrixData:
    """Read a response matrix and its Q-matrix (the FrcSub layout) and check they fit."""
    responses = read_binary_matrix(responses_path, "response matrix")
    q = read_binary_matrix(q_path, "Q-matrix")
    if q.shape[0] != responses.shape[1]:
        raise InputError(
            f"{q_path}: the Q-matrix has {q.shape[0]} rows but {responses_path} has "
            f"{responses.shape[1]} item columns; give one Q-matrix row per item"
        )
    check_q_matrix(q, responses.shape[1], str(q_path))
    return MatrixData(responses=responses, q=q)


# -- the long (EduCDM) format ------------------------------------------------------------


@dataclass(frozen=True)
class LongResponses:
    """Answers as parallel arrays of the ids in the file (one entry per row)."""

    users: IntArray
    items: IntArray
    scores: IntArray


def _header_columns(
    path: Path, header: Sequence[str] | None, needed: Sequence[str]
) -> dict[str, int]:
    names = [h.strip() for h in header or []]
    missing = [n for n in needed if n not in names]
    if missing:
        raise InputError(
            f"{path}:1: the header must name {','.join(needed)} (got {','.join(names)[:80]!r})"
        )
    return {n: names.index(n) for n in needed}


def _parse_int(text: str, path: Path, line: int, what: str) -> int:
    cell = text.strip()
    if not _INT.fullmatch(cell):
        raise InputError(f"{path}:{line}: {what} must be an integer, found {cell[:20]!r}")
    return int(cell)


def read_long_responses(path: Path) -> LongResponses:
    """Read a ``user_id,item_id,score`` CSV (header required, score 0/1; ``1.0`` is 1)."""
    text = _read_text(path, "responses")
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    col = _header_columns(path, header, ("user_id", "item_id", "score"))
    width = len(header or [])
    users: list[int] = []
    items: list[int] = []
    scores: list[int] = []
    for number, row in enumerate(rows, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != width:
            raise InputError(f"{path}:{number}: {len(row)} fields where the header has {width}")
        users.append(_parse_int(row[col["user_id"]], path, number, "user_id"))
        items.append(_parse_int(row[col["item_id"]], path, number, "item_id"))
        score = row[col["score"]].strip()
        if score in ("0", "0.0"):
            scores.append(0)
        elif score in ("1", "1.0"):
            scores.append(1)
        else:
            raise InputError(f"{path}:{number}: score must be 0 or 1, found {score[:20]!r}")
    if not users:
        raise InputError(f"{path}: a header but no responses; is this the right file?")
    return LongResponses(
        users=np.asarray(users, dtype=np.int64),
        items=np.asarray(items, dtype=np.int64),
        scores=np.asarray(scores, dtype=np.int64),
    )


def _parse_code_list(text: str, path: Path, line: int) -> tuple[int, ...]:
    cell = text.strip()
    if not (cell.startswith("[") and cell.endswith("]")):
        raise InputError(
            f"{path}:{line}: knowledge_code must be a list such as [83, 12], found {cell[:30]!r}"
        )
    inner = cell[1:-1].strip()
    parts = [p.strip() for p in inner.split(",")] if inner else []
    if not parts or not all(_INT.fullmatch(p) for p in parts):
        raise InputError(
            f"{path}:{line}: knowledge_code must be a non-empty list of integers such as "
            f"[83, 12], found {cell[:30]!r}"
        )
    return tuple(dict.fromkeys(int(p) for p in parts))  # duplicates dropped, order kept


@dataclass(frozen=True)
class ItemsFile:
    """An items file as read: item id → knowledge codes, and what was merged (``notes``)."""

    items: dict[int, tuple[int, ...]]
    notes: tuple[str, ...] = ()


def read_items_file(path: Path) -> ItemsFile:
    """Read an ``item_id,knowledge_code`` CSV, merging repeated listings that agree.

    A widely used EduCDM-format split lists many items more than once, with the same
    knowledge codes written differently (``[a, a, b, b]`` and ``[a, b]``). Those listings say
    the same thing, so they are merged and counted in a note. Two listings of one item with
    different knowledge codes are real ambiguity (which skills does it assess?): refused, with
    both lines. Codes repeated inside one listing are dropped (order kept).
    """
    text = _read_text(path, "items")
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    col = _header_columns(path, header, ("item_id", "knowledge_code"))
    width = len(header or [])
    items: dict[int, tuple[int, ...]] = {}
    first_line: dict[int, int] = {}
    repeats = 0
    repeated_items: set[int] = set()
    for number, row in enumerate(rows, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != width:
            raise InputError(
                f"{path}:{number}: {len(row)} fields where the header has {width}; "
                'quote the knowledge_code list ("[83, 12]")'
            )
        item = _parse_int(row[col["item_id"]], path, number, "item_id")
        codes = _parse_code_list(row[col["knowledge_code"]], path, number)
        if item in items:
            if set(codes) != set(items[item]):
                raise InputError(
                    f"{path}:{number}: item {item} is listed again with knowledge codes "
                    f"{sorted(codes)}, but line {first_line[item]} gives {sorted(items[item])}; "
                    "an item has one set of codes: fix one of the two lines"
                )
            repeats += 1
            repeated_items.add(item)
            continue
        items[item] = codes
        first_line[item] = number
    if not items:
        raise InputError(f"{path}: a header but no items; is this the right file?")
    notes: tuple[str, ...] = ()
    if repeats:
        notes = (
            f"{path.name}: {len(repeated_items)} item(s) are listed more than once "
            f"({repeats} extra listing(s)) with the same knowledge codes; each is read once",
        )
    return ItemsFile(items, notes)


def read_items(path: Path) -> dict[int, tuple[int, ...]]:
    """Read an ``item_id,knowledge_code`` CSV: item id → the knowledge codes it assesses
    (repeated listings that agree are merged; see :func:`read_items_file`)."""
    return read_items_file(path).items


def _index(values: IntArray, ids: IntArray) -> IntArray:
    return np.searchsorted(ids, values).astype(np.int64)


def _check_known_items(data: LongResponses, items: Mapping[int, object], where: Path) -> None:
    unknown = sorted(set(np.unique(data.items).tolist()) - set(items))
    if unknown:
        row = int(np.flatnonzero(data.items == unknown[0])[0])
        raise InputError(
            f"{where}: item {unknown[0]} (data row {row + 1}) is not in the items file; "
            "give every item its knowledge codes"
        )


def read_long_data(
    train_path: Path, test_path: Path, items_path: Path, valid_path: Path | None = None
) -> LongData:
    """Read the train and test response CSVs and the items CSV (and the validation CSV the
    format provides, when given), and index them together."""
    train = read_long_responses(train_path)
    test = read_long_responses(test_path)
    valid = None if valid_path is None else read_long_responses(valid_path)
    items_file = read_items_file(items_path)
    items = items_file.items
    _check_known_items(train, items, train_path)
    _check_known_items(test, items, test_path)
    if valid is not None and valid_path is not None:
        _check_known_items(valid, items, valid_path)
    item_ids = np.asarray(sorted(items), dtype=np.int64)
    skill_ids = np.asarray(sorted({c for codes in items.values() for c in codes}), dtype=np.int64)
    q = np.zeros((len(item_ids), len(skill_ids)), dtype=np.int64)
    for row, item in enumerate(item_ids.tolist()):
        q[row, _index(np.asarray(items[item], dtype=np.int64), skill_ids)] = 1
    parts = [train.users, test.users] + ([] if valid is None else [valid.users])
    user_ids = np.unique(np.concatenate(parts))
    return LongData(
        train_users=_index(train.users, user_ids),
        train_items=_index(train.items, item_ids),
        train_scores=train.scores,
        test_users=_index(test.users, user_ids),
        test_items=_index(test.items, item_ids),
        test_scores=test.scores,
        q=q,
        user_ids=user_ids,
        item_ids=item_ids,
        skill_ids=skill_ids,
        notes=items_file.notes,
        valid_users=None if valid is None else _index(valid.users, user_ids),
        valid_items=None if valid is None else _index(valid.items, item_ids),
        valid_scores=None if valid is None else valid.scores,
    )
