"""Class-level cognitive diagnosis on a synthetic class whose true mastery is known."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tutor.diagnosis.class_cdm import ClassDinaConfig, fit_class_dina
from tutor.domain import Attempt
from tutor.errors import InputError

POINTS = [f"kp{k:02d}" for k in range(40)]
#: Every point has a family of its own; every third family also assesses the point before
#: it at weight 0.5 (a Q-matrix row with a secondary point, as generators' ``also``).
Q = {
    f"gen{k:02d}": {POINTS[k]: 1.0, **({POINTS[k - 1]: 0.5} if k % 3 == 0 and k else {})}
    for k in range(len(POINTS))
}
WEAK = "kp07"


def make_class(
    seed: int, students: int = 30, answers: int = 40
) -> tuple[dict[str, list[Attempt]], dict[str, dict[str, bool]]]:
    """A class answering by DINA (slip 0.1, guess 0.2) from a known mastery table."""
    rng = random.Random(seed)
    rate = {kp: (0.15 if kp == WEAK else rng.uniform(0.5, 0.9)) for kp in POINTS}
    truth = {f"s{i:02d}": {kp: rng.random() < rate[kp] for kp in POINTS} for i in range(students)}
    # Each student practises a dozen points (as a class works on one unit), WEAK included.
    logs: dict[str, list[Attempt]] = {}
    for sid, known in truth.items():
        focus = [WEAK, *rng.sample([kp for kp in POINTS if kp != WEAK], 11)]
        log = []
        for n in range(answers):
            k = POINTS.index(focus[n % len(focus)])
            family = f"gen{k:02d}"
            needed = all(known[kp] or rng.random() >= w for kp, w in Q[family].items())
            right = rng.random() < (0.9 if needed else 0.2)
            status = "correct" if right else "incorrect"
            mc = "mc.example" if not right and rng.random() < 0.1 else None
            log.append(
                Attempt(sid, f"{family}:2:{n}", POINTS[k], "x", status, right, mc, at=float(n))
            )
        logs[sid] = log
    return logs, truth


def _auc(labels: list[bool], scores: list[float]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def test_recovers_who_has_mastered_what_and_the_weakest_point() -> None:
    logs, truth = make_class(0)  # 30 students × 40 answers
    found = fit_class_dina(logs, Q)
    labels, scores = [], []
    for sid, row in found.mastery.items():
        for kp in {a.kp for a in logs[sid]}:
            labels.append(truth[sid][kp])
            scores.append(row[kp])
    assert _auc(labels, scores) > 0.85
    # The raw share of right answers per (student, point) is the baseline to beat.
    raw = []
    for sid in found.mastery:
        for kp in {a.kp for a in logs[sid]}:
            answers = [a.correct for a in logs[sid] if a.kp == kp]
            raw.append(sum(answers) / len(answers))
    assert _auc(labels, scores) >= _auc(labels, raw) - 0.01
    assert found.weakest[0].kp == WEAK
    assert found.weakest[0].share_not_mastered > 0.6
    assert all(0.0 <= p <= 1.0 for row in found.mastery.values() for p in row.values())
    assert found.misconceptions and found.misconceptions[0][0] == "mc.example"


def test_students_who_need_help_are_those_lacking_a_practised_point() -> None:
    logs, truth = make_class(1)
    found = fit_class_dina(logs, Q)
    flagged = {h.student for h in found.needs_help}
    assert flagged
    for h in found.needs_help:
        assert h.lowest < ClassDinaConfig().help_below
        assert any(not truth[h.student][kp] for kp in h.points)
    lacking_weak = {sid for sid, known in truth.items() if not known[WEAK]}
    assert len(flagged & lacking_weak) >= 0.6 * min(len(flagged), len(lacking_weak))


def test_interface_edges() -> None:
    empty = fit_class_dina({"a": [], "b": []}, Q)
    assert empty.points == () and empty.mastery == {"a": {}, "b": {}}
    # A family the Q-matrix does not know assesses its attempt's point alone.
    one = [Attempt("a", "mystery:1:0", "kpX", "1", "incorrect", False)] * 3
    found = fit_class_dina({"a": one}, {})
    assert found.points == ("kpX",) and found.mastery["a"]["kpX"] < 0.5
    json = found.to_json()
    assert set(json) == {"mastery", "points", "weakest", "needs_help", "misconceptions", "items"}
    with pytest.raises(InputError, match="between 0 and 1"):
        fit_class_dina({"a": one}, {"mystery": {"kpX": 2.0}})
    # Unreadable answers are not evidence.
    unread = [Attempt("a", "gen00:1:0", POINTS[0], "?", "unreadable", False)]
    assert fit_class_dina({"a": unread}, Q).points == ()


def test_deterministic() -> None:
    logs, _ = make_class(2, students=10, answers=20)
    first = fit_class_dina(logs, Q).to_json()
    assert fit_class_dina(logs, Q).to_json() == first
    assert np.isfinite([p for row in first["mastery"].values() for p in row.values()]).all()
