"""Prerequisite probing on hand-made graphs, and its simulator evaluation's contract."""

from __future__ import annotations

import json
import os

from tests.factories import run_cli
from tutor.diagnosis import probe as probing
from tutor.sim.diagnosis import evaluate_probing

# A chain e → d → c → b → a (each needs the one before), plus a side branch x → d.
CHAIN = {"e": ["d"], "d": ["c", "x"], "c": ["b"], "b": ["a"], "a": [], "x": []}
UNSURE = dict.fromkeys(CHAIN, 0.5)


def noiseless(gap: str) -> tuple[list[str], probing.ProbeResult]:
    needs = probing.initial_state("e", CHAIN, UNSURE).needs
    asked: list[str] = []

    def ask(kp: str) -> bool:
        asked.append(kp)
        return gap not in needs[kp]

    return asked, probing.probe("e", CHAIN, UNSURE, ask, max_probes=12)


def test_candidates_are_the_failed_point_and_its_prerequisites() -> None:
    state = probing.initial_state("e", CHAIN, UNSURE)
    assert set(state.candidates) == {"e", "d", "c", "b", "x"}  # a is 4 hops away
    assert state.needs["c"] == frozenset({"c", "b"})
    assert abs(sum(state.posterior) - 1.0) < 1e-9


def test_every_single_gap_is_found_when_answers_are_reliable() -> None:
    for gap in ("e", "d", "c", "b", "x"):
        asked, result = noiseless(gap)
        assert result.gap == gap, (gap, asked)
        assert result.confidence >= probing.CONFIDENT
        assert "e" not in asked  # the failed point itself tells nothing new


def test_prior_from_mastery_steers_the_first_probe() -> None:
    sure_of_b = {**UNSURE, "b": 0.99, "c": 0.99}
    state = probing.initial_state("e", CHAIN, sure_of_b)
    weights = dict(zip(state.candidates, state.posterior, strict=True))
    assert weights["b"] < weights["d"] and weights["c"] < weights["x"]


def test_contradictory_answers_end_unsure_within_the_probe_limit() -> None:
    flip = iter([True, False] * 10)
    result = probing.probe("e", CHAIN, UNSURE, lambda kp: next(flip))
    assert len(result.probes) <= probing.MAX_PROBES
    if result.confidence < probing.CONFIDENT:
        assert result.gap is None  # no gap is named without confidence


def test_simulated_evaluation_is_reproducible_and_beats_the_baseline() -> None:
    first = evaluate_probing(150, 3)
    assert evaluate_probing(150, 3) == first
    assert first["mean_probes"] <= probing.MAX_PROBES
    assert first["root_cause_top1"] > first["baseline_blame_failed_point_top1"]
    assert first["false_gap_rate"] <= 0.05


def test_cli_contract() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    out = run_cli(["diagnose", "evaluate", "--students", "30", "--seed", "1", "--json"], env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"root_cause_top1", "mean_probes", "false_gap_rate"}
    assert all(isinstance(v, float) for v in data.values())
