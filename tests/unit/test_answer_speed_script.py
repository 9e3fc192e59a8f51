"""The answer-speed benchmark runs as its reproduce command says and writes its section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_answer_speed_writes_its_table(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\nkept\n", encoding="utf-8")
    script = ROOT / "benchmarks" / "answer_speed.py"
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            "--texts",
            "50",
            "--tokens",
            "20",
            "--repeats",
            "1",
            "--write",
            str(report),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nkept\n")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    # header, then one row per corpus with its number of calls: 50 parses, 20 × 4 and 8 × 4
    assert [row.split(" | ")[2] for row in rows[1:]] == ["50", "80", "32"]
    assert "<!-- answer_speed:start -->" in text and "<!-- answer_speed:end -->" in text


def test_answer_speed_refuses_empty_corpora_before_writing(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n", encoding="utf-8")
    script = ROOT / "benchmarks" / "answer_speed.py"
    done = subprocess.run(
        [sys.executable, str(script), "--texts", "0", "--write", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "--texts must be at least 1" in done.stderr
    assert report.read_text(encoding="utf-8") == "# Benchmarks\n"
