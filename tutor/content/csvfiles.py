"""Careful reading of user-supplied CSV files.

Every problem becomes one :class:`InputError` line that names the file (and the
line where it helps) and says what to do. Files are size-checked before they are
read, decoded strictly as UTF-8 (a BOM is allowed), and read completely before
anything is written anywhere, so a bad file never causes a partial import.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tutor.errors import InputError


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read into memory: header (stripped) and rows as dicts with line numbers."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def read_csv(
    path: str | Path,
    *,
    what: str,
    required: Sequence[str],
    allowed: Sequence[str] | None = None,
    max_bytes: int,
    allow_no_rows: bool = False,
) -> CsvTable:
    """Read ``path`` as a CSV with at least the ``required`` columns.

    ``allowed`` lists the optional columns; ``None`` accepts any extra column.
    ``what`` names the file in messages ("nodes file", "edges file").
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{what} {p} does not exist; check the path")
    if not p.is_file():
        raise InputError(f"{what} {p} is not a file")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"{what} {p} is empty; it needs a header line ({','.join(required)})")
    if size > max_bytes:
        raise InputError(
            f"{what} {p} is {_mb(size)}, over the import limit of {_mb(max_bytes)}; "
            "split it or raise TUTOR_MAX_IMPORT_MB"
        )
    expected = ",".join(required) + (",…" if allowed is None or allowed else "")
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header_row = next(reader, None)
            if header_row is None:
                raise InputError(f"{what} {p} is empty; it needs a header line ({expected})")
            header = tuple(h.strip() for h in header_row)
            _check_header(p, what, header, required, allowed, expected)
            rows: list[tuple[int, dict[str, str]]] = []
            for fields in reader:
                if not fields or all(not f.strip() for f in fields):
                    continue  # blank line
                if any("\x00" in f for f in fields):
                    raise InputError(
                        f"{what} {p}, line {reader.line_num}: contains a NUL byte; "
                        "this looks like a binary file, not CSV text"
                    )
                if len(fields) != len(header):
                    raise InputError(
                        f"{what} {p}, line {reader.line_num}: {len(fields)} fields, "
                        f"but the header has {len(header)}"
                    )
                rows.append(
                    (reader.line_num, {h: f.strip() for h, f in zip(header, fields, strict=True)})
                )
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} {p} is not UTF-8 text (bad byte at offset {exc.start}); save it as 'CSV UTF-8'"
        ) from None
    except csv.Error as exc:
        raise InputError(f"{what} {p} is not a readable CSV file: {exc}") from None
    if not rows and not allow_no_rows:
        raise InputError(f"{what} {p} has a header but no rows")
    return CsvTable(path=p, header=header, rows=tuple(rows))


def _check_header(
    p: Path,
    what: str,
    header: tuple[str, ...],
    required: Sequence[str],
    allowed: Sequence[str] | None,
    expected: str,
) -> None:
    if any(not h for h in header):
        raise InputError(f"{what} {p}: the header has an empty column name; expected {expected}")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(f"{what} {p}: column {dupes[0]!r} appears twice in the header")
    missing = [c for c in required if c not in header]
    if missing:
        shown = ",".join(header)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        raise InputError(
            f"{what} {p} lacks the column(s) {', '.join(missing)}: "
            f"expected {expected}, found {shown!r}"
        )
    if allowed is not None:
        unknown = [c for c in header if c not in required and c not in allowed]
        if unknown:
            raise InputError(
                f"{what} {p} has unexpected column(s) {', '.join(unknown)}: expected {expected}"
            )
