"""Shared by the benchmark scripts: writing one marked section of BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, body: str, name: str, heading: str | None = None) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``path``.

    When the markers are missing, the section is appended (after ``heading``, if given);
    the rest of the file is left exactly as it is.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text and text.index(start) < text.index(end):
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        prefix = f"\n\n{heading}\n\n" if heading else "\n\n"
        text = text.rstrip("\n") + prefix + block + "\n"
    path.write_text(text, encoding="utf-8")


def before_tables(paths: list[Path]) -> list[str]:
    """Earlier tables to show below the new one: each file's first line is its label."""
    out: list[str] = []
    for path in paths:
        label, _, table = path.read_text(encoding="utf-8").partition("\n")
        out += ["", f"**{label.strip()}**", "", table.strip()]
    return out
