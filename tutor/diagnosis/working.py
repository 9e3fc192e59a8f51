"""Reading a student's shown working from a file (``--working FILE``)."""

from __future__ import annotations

from pathlib import Path

from tutor.errors import InputError

#: A page of working is a few hundred characters; anything far bigger is not working.
MAX_WORKING_BYTES = 20_000


def read_working(path: str | Path) -> str:
    """The text of a working file: UTF-8, at most :data:`MAX_WORKING_BYTES`, one step a line."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"working file {p} does not exist; give a text file, one step a line")
    size = p.stat().st_size
    if size > MAX_WORKING_BYTES:
        raise InputError(
            f"working file {p} is {size} bytes; working is at most {MAX_WORKING_BYTES} bytes"
        )
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"working file {p} is not UTF-8 text; save it as UTF-8") from None
