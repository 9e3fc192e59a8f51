"""Prerequisite probing on hand-made graphs, and its simulator evaluation's contract."""

from __future__ import annotations

import json
import os

import pytest

from tests.factories import run_cli
from tutor.diagnosis import probe as probing
from tutor.domain import MasteryState
from tutor.sim.diagnosis import SCENARIOS, evaluate_probing, probe_cases

# A chain e → d → c → b → a (each needs the one before), plus a side branch x → d.
CHAIN = {"e": ["d"], "d": ["c", "x"], "c": ["b"], "b": ["a"], "a": [], "x": []}
UNSURE = dict.fromkeys(CHAIN, 0.5)


def answers_under(gap: str | None) -> tuple[list[str], probing.ProbeResult]:
    """Probe a failure on e for a student whose answers follow the hypothesis exactly."""
    state = probing.initial_state("e", CHAIN, UNSURE)
    asked: list[str] = []

    def ask(item: probing.ProbeItem) -> bool:
        asked.append(item.kp)
        return gap is None or gap not in state.needs(item.kp)

    return asked, probing.probe("e", CHAIN, UNSURE, ask, max_probes=12)


def test_candidates_are_the_failed_point_and_its_prerequisites_within_two_hops() -> None:
    state = probing.initial_state("e", CHAIN, UNSURE)
    assert set(state.candidates) == {"e", "d", "c", "x"}  # b is 3 hops away, a 4
    assert state.hypotheses[-1] == probing.NO_GAP
    assert state.needs("c") == frozenset({"c", "b", "a"})
    assert abs(sum(state.posterior) - 1.0) < 1e-9
    deeper = probing.initial_state("e", CHAIN, UNSURE, depth=3)
    assert "b" in deeper.candidates


def test_every_single_gap_and_a_slip_are_found_when_answers_are_reliable() -> None:
    for gap in ("e", "d", "c", "x", None):
        asked, result = answers_under(gap)
        assert result.gap == gap, (gap, asked)
        assert result.confident and result.confidence >= probing.CONFIDENT


def test_the_failed_answer_counts_as_evidence() -> None:
    state = probing.initial_state("e", CHAIN, UNSURE)
    posterior = dict(zip(state.hypotheses, state.posterior, strict=True))
    # One wrong answer on e: every gap explains it (1 - guess), a slip hardly (slip).
    assert posterior[probing.NO_GAP] < min(posterior[c] for c in state.candidates)


def test_prior_from_mastery_steers_the_posterior_and_the_first_probe() -> None:
    sure_of_c = {**UNSURE, "c": 0.98, "x": 0.98}
    state = probing.initial_state("e", CHAIN, sure_of_c)
    weights = dict(zip(state.hypotheses, state.posterior, strict=True))
    assert weights["c"] < weights["d"] and weights["x"] < weights["e"]
    unsure = probing.initial_state("e", CHAIN, UNSURE)
    items = [probing.ProbeItem(kp) for kp in unsure.candidates]
    first_unsure = probing.best_probe(unsure, items)
    first_sure = probing.best_probe(state, items)
    assert first_unsure is not None and first_sure is not None
    assert first_sure.kp not in ("c", "x")  # nothing to learn from points it is sure of


def test_an_inferred_point_is_held_back_from_certainty_in_the_prior() -> None:
    """The knowledge check stores a point it judges known at P_MAX with no answer on it; the
    probe must not take that inference for a fact. Answered points keep their value."""
    checked = {
        "c": MasteryState(p=0.99, attempts=0),  # inferred by the check
        "x": MasteryState(p=0.01, attempts=0),
        "d": MasteryState(p=0.99, attempts=4),  # answered
    }
    prior = probing.prior_from_mastery(checked, now=0.0)
    assert prior["c"] == pytest.approx(1.0 - probing.UNANSWERED_FLOOR)
    assert prior["x"] == pytest.approx(probing.UNANSWERED_FLOOR)
    assert prior["d"] == pytest.approx(0.99)
    assert probing.UNANSWERED_FLOOR > probing.PRIOR_FLOOR
    # So a root the check wrongly called known keeps a chance it can be probed out of.
    raw = probing.initial_state("e", CHAIN, {**UNSURE, "c": 0.99})
    held = probing.initial_state("e", CHAIN, {**UNSURE, "c": prior["c"]})
    assert held.posterior[held.hypotheses.index("c")] > raw.posterior[raw.hypotheses.index("c")]


def test_the_q_matrix_row_of_an_item_counts() -> None:
    state = probing.initial_state("e", CHAIN, UNSURE)
    plain = probing.ProbeItem("x")
    # An item on x that also assesses c (weight 0.5): a student lacking c half-fails it.
    mixed = probing.ProbeItem("x", assesses={"c": 0.5})
    by_h = dict(zip(state.hypotheses, probing._p_correct(state, mixed), strict=True))
    plain_by_h = dict(zip(state.hypotheses, probing._p_correct(state, plain), strict=True))
    assert plain_by_h["c"] == pytest.approx(1 - probing.SLIP)
    expected_c = 0.5 * (1 - probing.SLIP) + 0.5 * probing.GUESS
    assert by_h["c"] == pytest.approx(expected_c)
    assert by_h["x"] == pytest.approx(probing.GUESS)
    after = probing.update(state, mixed, False)
    before = dict(zip(state.hypotheses, state.posterior, strict=True))
    assert dict(zip(after.hypotheses, after.posterior, strict=True))["c"] > before["c"]


def test_levels_shift_slip_and_guess_and_the_best_separating_level_is_asked() -> None:
    levels = probing.level_items("d", (1, 2, 3))
    middle = levels[1]
    assert (middle.slip, middle.guess) == pytest.approx((probing.SLIP, probing.GUESS))
    assert levels[2].slip > middle.slip and levels[2].guess < middle.guess
    assert levels[0].slip < middle.slip and levels[0].guess > middle.guess
    state = probing.initial_state("e", CHAIN, UNSURE)
    chosen = probing.best_probe(state, levels)
    assert chosen in levels
    # An item that is easy to guess (multiple choice) tells less than any real level.
    lucky = probing.ProbeItem("d", 9, slip=0.1, guess=0.6)
    assert probing.best_probe(state, [lucky, *levels]) == chosen
    # A useless item (right or wrong whatever the student knows) is never asked.
    coin = probing.ProbeItem("d", 8, slip=0.5, guess=0.5)
    assert probing.best_probe(state, [coin]) is None


def test_contradictory_answers_end_unsure_within_the_probe_limit() -> None:
    flip = iter([True, False] * 10)
    result = probing.probe("e", CHAIN, UNSURE, lambda item: next(flip))
    assert len(result.probes) <= probing.MAX_PROBES
    assert result.confident == (result.confidence >= probing.CONFIDENT)


def test_simulated_evaluation_is_reproducible_and_beats_the_baseline() -> None:
    first = evaluate_probing(50, 3)
    assert evaluate_probing(50, 3) == first
    assert first["mean_probes"] <= probing.MAX_PROBES
    assert first["root_cause_top1"] > first["baseline_blame_failed_point_top1"]
    assert first["false_gap_rate"] < first["baseline_false_gap_rate"]


def test_simulated_cases_are_scored_on_the_hidden_truth() -> None:
    for scenario in SCENARIOS:
        cases = probe_cases(20, 5, scenario=scenario)
        assert len(cases) == 20
        for case in cases:
            assert len(case.result.probes) <= probing.MAX_PROBES
            if case.roots is None:  # a slip: only "no gap" is right
                assert case.knows_failed and case.hit == (case.result.gap is None)
            else:
                assert not case.knows_failed and case.roots
                assert case.hit == (case.result.gap in case.roots)
            assert case.false_gap <= (case.result.gap is not None)


def test_cli_contract() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    out = run_cli(["diagnose", "evaluate", "--students", "10", "--seed", "1", "--json"], env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"root_cause_top1", "mean_probes", "false_gap_rate"}
    assert all(isinstance(v, float) for v in data.values())


def test_practice_failures_come_from_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every practice item is the engine's (next_item) and every answer and probe is
    submitted to it; each case's failed point is one the engine set."""
    from tutor.engine import Engine

    set_kps: list[str] = []
    submitted: list[str] = []
    next_item, submit = Engine.next_item, Engine.submit

    def spy_next_item(self: Engine, student_id: str):  # type: ignore[no-untyped-def]
        found = next_item(self, student_id)
        if found.item is not None:
            set_kps.append(found.item.kp)
        return found

    def spy_submit(self: Engine, student_id: str, item_id: str, answer: str, **kw):  # type: ignore[no-untyped-def]
        submitted.append(item_id)
        return submit(self, student_id, item_id, answer, **kw)

    monkeypatch.setattr(Engine, "next_item", spy_next_item)
    monkeypatch.setattr(Engine, "submit", spy_submit)
    cases = probe_cases(8, 2, scenario="practice")
    assert len(cases) == 8
    assert {c.failed for c in cases} <= set(set_kps)
    probes = sum(len(c.result.probes) for c in cases)
    assert len(submitted) >= len(set_kps) + probes
