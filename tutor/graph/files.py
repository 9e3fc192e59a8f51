"""Writing a file atomically: a temporary file beside the target, renamed into place.

Used by the SQLite backup and restore and by the class export: a failed write never
leaves a half file where the target should be.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["fsync_dir", "temp_beside"]


def fsync_dir(folder: Path) -> None:
    """Flush ``folder``'s entries to disk, so a rename into it is durable."""
    # Not every platform can open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def temp_beside(target: Path, tag: str) -> Iterator[Path]:
    """A temporary file name in ``target``'s folder (same filesystem, so the final rename is
    atomic), removed afterwards unless it was renamed into place."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{tag}", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{temp}{suffix}").unlink()
