"""Find the data folders that ship with kptutor (``content/``, ``ui/``, ``graph/``).

In a wheel they live inside the package at ``tutor/_shipped/``; in a source checkout
(editable install, tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_path(relative: str) -> Path:
    """Path of a shipped file or folder, e.g. ``shipped_path("graph/schema.cypher")``."""
    inside = _PACKAGE_DIR / "_shipped" / relative
    if inside.exists():
        return inside
    in_checkout = _PACKAGE_DIR.parent / relative
    if in_checkout.exists():
        return in_checkout
    raise FileNotFoundError(
        f"kptutor data file {relative!r} is missing from this installation "
        f"(looked in {inside} and {in_checkout}); reinstall kptutor"
    )
