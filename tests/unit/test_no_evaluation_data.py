"""ASSISTments data is for evaluation only: no tracked file may carry any of it.

Reads the shared copy (``$TUTOR_SHARED_DATA`` or ``<repo>/../shared/data``) and checks that
no response sequence of it appears in a file git tracks. Fails in CI when the data is
missing, like every other real-data test.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _assist_dir() -> Path:
    shared = os.environ.get("TUTOR_SHARED_DATA")
    return (Path(shared).expanduser() if shared else REPO.parent / "shared" / "data") / "assist2015"


def test_no_tracked_file_holds_assistments_sequences() -> None:
    folder = _assist_dir()
    if not (folder / "test.csv").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run this check, but ASSIST2015 is not in {folder}")
        pytest.skip(f"ASSIST2015 not found in {folder}")
    # Long concept/response lists are distinctive: any copied row would contain one.
    needles = set()
    for name in ("train_valid.csv", "test.csv"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines()[1:]:
            for field in line.split('"'):
                if field.count(",") >= 15 and not field.startswith(("-1,-1", "1,1,1,1,1,1")):
                    needles.add(field[:80])
    assert needles
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    for rel in tracked:
        text = (REPO / rel).read_text(encoding="utf-8", errors="ignore")
        if "," not in text:
            continue
        found = [n for n in needles if n in text]
        assert not found, f"{rel} holds ASSISTments data ({found[0][:40]}…): remove it"
