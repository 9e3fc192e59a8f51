"""``tutor.lab``, the CLI's way into the parts: the entries no CLI test reaches yet (the
model evaluations) and the curriculum packs. The rest is covered through the commands
(tests/unit/test_cli_*.py, test_diagnose_answer.py, test_llm_backends.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tutor import lab
from tutor.errors import InputError
from tutor.graph import GraphStore


def _kt_log(path: Path, students: int, seed: int) -> Path:
    """A pykt log: two skills; each student learns (answers turn right) part-way through."""
    rng = np.random.default_rng(seed)
    rows = ["fold,uid,concepts,responses"]
    for n in range(students):
        skills = rng.integers(0, 2, size=20)
        learnt = rng.integers(2, 15)
        right = [int(rng.random() < (0.9 if k >= learnt else 0.2)) for k in range(20)]
        rows.append(f'{n % 5},{n},"{",".join(map(str, skills))}","{",".join(map(str, right))}"')
    path.write_text("\n".join(rows) + "\n")
    return path


def test_evaluate_kt_scores_a_learnable_log(tmp_path: Path) -> None:
    train = _kt_log(tmp_path / "train.csv", 120, seed=1)
    test = _kt_log(tmp_path / "test.csv", 30, seed=2)
    assert "pykt" in lab.kt_formats() and "bkt" in lab.kt_models()
    scores = lab.evaluate_kt("bkt", train, test, "pykt")
    assert scores.n_test == 30 * 20
    assert scores.auc > 0.7  # learning is there to be traced
    assert lab.evaluate_kt("bkt", train, test, "pykt") == scores  # reproducible
    with pytest.raises(InputError, match="log format"):
        lab.evaluate_kt("bkt", train, test, "csv")


def test_evaluate_cdm_matrix_finds_the_skills(tmp_path: Path) -> None:
    # Three items per skill pattern; a student answers right (bar slips and guesses)
    # exactly when they have every skill the item needs (DINA).
    q = np.array([[1, 0], [0, 1], [1, 1]] * 3)
    rng = np.random.default_rng(3)
    skills = rng.integers(0, 2, size=(300, 2))
    knows = (skills @ q.T) >= q.sum(axis=1)
    noisy = np.where(rng.random(knows.shape) < 0.1, ~knows, knows).astype(int)
    responses = tmp_path / "r.txt"
    responses.write_text("\n".join("\t".join(map(str, row)) for row in noisy) + "\n")
    q_file = tmp_path / "q.txt"
    q_file.write_text("\n".join(",".join(map(str, row)) for row in q) + "\n")
    assert "dina" in lab.cdm_models()
    scores = lab.evaluate_cdm_matrix(responses, q_file, "dina", seed=0)
    assert scores.auc > 0.8
    assert lab.evaluate_cdm_matrix(responses, q_file, "dina", seed=0) == scores
    with pytest.raises(InputError, match="unknown model"):
        lab.evaluate_cdm_matrix(responses, q_file, "irt")


def test_named_pack_is_checked_before_any_store(store: GraphStore) -> None:
    with pytest.raises(InputError, match="unknown curriculum"):
        lab.named_pack("nosuch")
    pack = lab.named_pack("default")
    report = lab.load_pack(store, pack)
    assert report.knowledge_points == len(pack.curriculum.knowledge_points)
    assert report.notes[-1] == (
        f"content: {len(pack.content.families)} item families, "
        f"{len(pack.content.misconceptions)} misconceptions"
    )
