"""Knowledge tracing: BKT, Elo, DKT, the log readers, the metrics and ``tutor kt evaluate``.

All data here is synthetic, drawn from known models with fixed seeds.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import tutor.cli.kt  # noqa: F401 - registers `tutor kt` on the root group
from tutor.cli import main
from tutor.cli._common import cli
from tutor.data.kt_logs import read_dkt3, read_log, read_pykt
from tutor.errors import InputError, MissingDependency
from tutor.learner import BKTParams, EloParams, Rating, bkt_posterior, bkt_update, elo_update
from tutor.learner.bkt import BKTModel, fit_bkt, predict_bkt
from tutor.learner.data import ResponseLog, from_sequences
from tutor.learner.elo import (
    EloKTParams,
    EloModel,
    expected,
    fit_difficulty,
    fit_elo,
    predict_elo,
)
from tutor.learner.metrics import score
from tutor.learner.packed import pack

HAS_TORCH = importlib.util.find_spec("torch") is not None
# CI installs torch: there a missing torch must fail these tests, never skip them.
needs_torch = pytest.mark.skipif(
    not HAS_TORCH and os.environ.get("CI") != "true", reason="torch is not installed"
)

TRUE_PARAMS = [
    BKTParams(prior=0.3, learn=0.15, guess=0.2, slip=0.1),
    BKTParams(prior=0.6, learn=0.05, guess=0.25, slip=0.15),
    BKTParams(prior=0.1, learn=0.3, guess=0.1, slip=0.05),
]


def simulate_bkt(
    params: list[BKTParams], n_students: int, length: int, seed: int
) -> list[tuple[list[int], list[int]]]:
    """Students answering random skills, each answer drawn from the true BKT model."""
    rng = np.random.default_rng(seed)
    sequences = []
    for _ in range(n_students):
        known = [rng.random() < p.prior for p in params]
        skills, correct = [], []
        for _ in range(length):
            k = int(rng.integers(len(params)))
            p = params[k]
            right = rng.random() >= p.slip if known[k] else rng.random() < p.guess
            skills.append(k)
            correct.append(int(right))
            if not known[k] and rng.random() < p.learn:
                known[k] = True
        sequences.append((skills, correct))
    return sequences


@pytest.fixture(scope="module")
def bkt_log() -> ResponseLog:
    return from_sequences(simulate_bkt(TRUE_PARAMS, 800, 30, seed=1))


# ---------------------------------------------------------------- BKT


def test_em_recovers_known_parameters(bkt_log: ResponseLog) -> None:
    fit = fit_bkt(bkt_log, shrink=0.0)  # plain EM: the likelihood never falls
    assert fit.converged
    assert all(
        b >= a - 1e-9 for a, b in zip(fit.log_likelihood, fit.log_likelihood[1:], strict=False)
    )
    for k, true in enumerate(TRUE_PARAMS):
        got = fit.model.params(k)
        for name in ("prior", "learn", "guess", "slip"):
            assert getattr(got, name) == pytest.approx(getattr(true, name), abs=0.06), (k, name)


def test_em_respects_guess_and_slip_bounds(bkt_log: ResponseLog) -> None:
    fit = fit_bkt(bkt_log, max_guess=0.12, max_slip=0.08)
    assert fit.model.guess.max() <= 0.12 + 1e-12
    assert fit.model.slip.max() <= 0.08 + 1e-12
    with pytest.raises(InputError, match="max_guess"):
        fit_bkt(bkt_log, max_guess=1.0)
    with pytest.raises(InputError, match="min_gap"):
        fit_bkt(bkt_log, min_gap=0.0)
    with pytest.raises(InputError, match="starting guess"):
        fit_bkt(bkt_log, min_gap=0.8)  # the default start (guess 0.2, slip 0.1) is outside


def test_default_fit_keeps_a_right_answer_evidence_of_knowing(bkt_log: ResponseLog) -> None:
    from tutor.learner.bkt import MIN_GAP

    # The condition for "a right answer never lowers P(known)" is 1 - slip > guess; the fit
    # keeps a margin of MIN_GAP on every skill it returns.
    assert 0.0 < MIN_GAP < 0.5
    fit = fit_bkt(bkt_log)
    assert np.all(1.0 - fit.model.slip - fit.model.guess >= MIN_GAP - 1e-12)
    # A skill whose students guess right 65% of the time (a two-choice item) is fitted as
    # such (the old bounds, 0.49 each, clipped it), and a right answer still raises P(known).
    guessy = [BKTParams(prior=0.2, learn=0.1, guess=0.65, slip=0.1)]
    data = from_sequences(simulate_bkt(guessy, 800, 15, seed=5))
    model = fit_bkt(data).model
    assert model.guess[0] == pytest.approx(0.65, abs=0.05)
    params = model.params(0)
    assert all(bkt_posterior(params, p, True) > p for p in (0.05, 0.3, 0.6, 0.9))
    assert all(bkt_posterior(params, p, False) < p for p in (0.05, 0.3, 0.6, 0.9))


def test_a_binding_gap_is_an_exact_m_step() -> None:
    from tutor.learner.bkt import _Bounds, _emission_step

    # Expected counts of right/wrong answers while unknown and while known, for three skills:
    # one inside the constraint, two whose plain ratios (0.8 + 0.3, 0.9 + 0.6) break it.
    ru, wu = np.array([20.0, 80.0, 90.0]), np.array([80.0, 20.0, 10.0])
    wk, rk = np.array([10.0, 30.0, 60.0]), np.array([90.0, 70.0, 40.0])
    bounds = _Bounds(guess=1 - 1e-6, slip=1 - 1e-6, total=0.9)
    g, s = _emission_step(ru, wu, wk, rk, bounds)
    assert (g[0], s[0]) == pytest.approx((0.2, 0.1))
    grid = np.linspace(1e-4, 0.9 - 1e-4, 200_001)
    for i in (1, 2):
        assert g[i] + s[i] == pytest.approx(0.9)
        objective = (
            ru[i] * np.log(grid)
            + wu[i] * np.log1p(-grid)
            + wk[i] * np.log(0.9 - grid)
            + rk[i] * np.log1p(-(0.9 - grid))
        )
        assert g[i] == pytest.approx(grid[np.argmax(objective)], abs=1e-4)
    # Tighter boxes on their own: each ratio is clipped (the gap no longer binds).
    g, s = _emission_step(ru, wu, wk, rk, _Bounds(guess=0.5, slip=0.2, total=0.9))
    assert g.max() <= 0.5 and s.max() <= 0.2 + 1e-12
    assert np.all(g + s <= 0.9 + 1e-12)


def test_em_with_a_binding_gap_never_lowers_the_likelihood() -> None:
    guessy = [
        BKTParams(prior=0.3, learn=0.1, guess=0.7, slip=0.1),
        BKTParams(prior=0.5, learn=0.2, guess=0.55, slip=0.05),
    ]
    data = from_sequences(simulate_bkt(guessy, 500, 20, seed=9))
    # guess + slip <= 0.6 binds on both; plain EM (shrink 0), whose likelihood never falls
    fit = fit_bkt(data, min_gap=0.4, max_iter=60, shrink=0.0)
    ll = fit.log_likelihood
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(ll))
    assert np.all(fit.model.guess + fit.model.slip <= 0.6 + 1e-9)


def test_guessy_skills_are_predicted_better_than_under_the_old_bounds() -> None:
    # The mechanism behind plain BKT trailing pyBKT on ASSIST2009 (docs/DATA.md): skills
    # answered right by most students who do not know them. Bounding guess by 0.49 (the old
    # fit) misfits them; the exact condition (guess + slip < 1) does not.
    rng = np.random.default_rng(11)
    params = [
        BKTParams(
            prior=float(rng.uniform(0.1, 0.3)),
            learn=float(rng.uniform(0.03, 0.1)),
            guess=float(rng.uniform(0.6, 0.8)),
            slip=float(rng.uniform(0.02, 0.08)),
        )
        for _ in range(2)
    ]
    train = from_sequences(simulate_bkt(params, 500, 30, seed=111))
    test = from_sequences(simulate_bkt(params, 300, 30, seed=211))
    new = score(test.correct, predict_bkt(fit_bkt(train).model, test)).auc
    old = fit_bkt(train, max_guess=0.49, max_slip=0.49).model
    # Measured: 0.7201 against 0.7085 (seeds 12 and 13 of the same draw: +0.005, +0.014).
    assert new > score(test.correct, predict_bkt(old, test)).auc + 0.005


def test_shrinkage_pulls_a_rare_skill_towards_the_pooled_estimate() -> None:
    # Four skills with the same true parameters; skill 3 is answered by a few students only.
    # Maximum likelihood fits its handful of answers; MAP-EM (shrink pseudo-answers towards
    # the estimate pooled over skills) lands nearer the truth, and leaves the well-answered
    # skills where their own answers put them.
    true = BKTParams(prior=0.4, learn=0.15, guess=0.25, slip=0.1)
    names = ("prior", "learn", "guess", "slip")
    rare_err = {0.0: [], 10.0: []}
    for seed in range(4):
        common = simulate_bkt([true] * 3, 600, 30, seed=100 + seed)
        rare = [([3] * len(k), c) for k, c in simulate_bkt([true], 6, 6, seed=200 + seed)]
        data = from_sequences(common + rare)
        fits = {s: fit_bkt(data, shrink=s).model for s in rare_err}
        for s, model in fits.items():
            got = model.params(3)
            rare_err[s].append(sum(abs(getattr(got, n) - getattr(true, n)) for n in names))
        for k in range(3):
            plain, shrunk = fits[0.0].params(k), fits[10.0].params(k)
            for n in names:
                assert getattr(shrunk, n) == pytest.approx(getattr(plain, n), abs=0.02), (k, n)
    # Summed absolute error of the rare skill's four parameters, measured per seed:
    # shrink 0: 0.50 0.78 0.24 0.44; shrink 10: 0.10 0.16 0.12 0.12.
    assert np.mean(rare_err[10.0]) < 0.6 * np.mean(rare_err[0.0]), rare_err
    with pytest.raises(InputError, match="shrink"):
        fit_bkt(from_sequences(rare), shrink=-1.0)


def test_each_training_log_chooses_its_own_shrink() -> None:
    from tutor.learner.bkt import SHRINK, BKTEstimator, choose_shrink

    true = BKTParams(prior=0.4, learn=0.15, guess=0.25, slip=0.1)
    common = simulate_bkt([true] * 3, 300, 20, seed=7)
    rare = [([3] * len(k), c) for k, c in simulate_bkt([true], 40, 4, seed=8)]
    data = from_sequences(common + rare)
    best, scores = choose_shrink(data, grid=(0.0, 10.0, 1000.0))
    assert set(scores) == {0.0, 10.0, 1000.0}
    assert best == max(scores, key=lambda v: scores[v])
    # Skills alike: pooling them helps the short chains of skill 3 (held-out likelihood).
    assert scores[10.0] > scores[0.0]
    # Skills that really differ: a strong pull towards the average skill costs.
    unlike = [
        BKTParams(prior=0.2, learn=0.05, guess=0.7, slip=0.05),
        BKTParams(prior=0.7, learn=0.3, guess=0.05, slip=0.25),
    ]
    best, scores = choose_shrink(from_sequences(simulate_bkt(unlike, 300, 20, seed=9)))
    assert scores[0.0] > scores[SHRINK] and best == 0.0
    # The estimator chooses on its training log, and says what it chose.
    fitted = BKTEstimator().fit(from_sequences(simulate_bkt(unlike, 300, 20, seed=9)))
    assert fitted.details()["shrink"] == 0.0
    assert BKTEstimator(shrink=SHRINK).fit(data).details()["shrink"] == SHRINK
    # Too few students to cross-validate: the default, and no scores.
    assert choose_shrink(from_sequences(common[:3])) == (SHRINK, {})


def test_pooled_counts_are_a_beta_prior_on_the_pooled_rate() -> None:
    from tutor.learner.bkt import _pooled_counts

    events, chances = np.array([1.0, 30.0, 0.0]), np.array([4.0, 60.0, 0.0])
    n, d = _pooled_counts(events, chances, 8.0)
    rate = 31.0 / 64.0
    assert np.allclose(n, events + 8.0 * rate)
    assert np.allclose(d, chances + 8.0)
    # A skill without chances gets the pooled rate; shrink 0 is maximum likelihood.
    assert n[2] / d[2] == pytest.approx(rate)
    n0, d0 = _pooled_counts(events, chances, 0.0)
    assert np.array_equal(n0, events) and np.array_equal(d0, chances)


def test_each_skill_is_fitted_as_if_alone() -> None:
    # The E-step drops the chains of skills that have stopped (bkt._em); without the pooled
    # pull (shrink 0) skills are independent models, so fitting all three together must give
    # each skill what fitting its answers alone gives, wherever it stopped.
    seqs = simulate_bkt(TRUE_PARAMS, 800, 30, seed=1)
    together = fit_bkt(from_sequences(seqs), shrink=0.0).model
    for k in range(len(TRUE_PARAMS)):
        mine = [
            (
                [s for s in skills if s == k],
                [r for s, r in zip(skills, right, strict=True) if s == k],
            )
            for skills, right in seqs
        ]
        alone = fit_bkt(from_sequences([m for m in mine if m[0]]), n_skills=3, shrink=0.0).model
        for name in ("prior", "learn", "guess", "slip"):
            assert getattr(alone, name)[k] == pytest.approx(getattr(together, name)[k], abs=1e-9)


def test_dropping_stopped_skills_from_the_e_step_changes_nothing(
    bkt_log: ResponseLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the pooled pull every skill's M-step reads all skills' expected counts, those of
    # stopped skills kept from their last E-step. Fitting with the E-step always over every
    # chain must give the same model.
    import tutor.learner.bkt as bkt

    dropped: list[int] = []
    real = bkt._only_skills

    def spy(ch: bkt._Chains, keep: np.ndarray) -> bkt._Chains:
        dropped.append(int((~keep).sum()))
        return real(ch, keep)

    monkeypatch.setattr(bkt, "_only_skills", spy)
    fast = fit_bkt(bkt_log, shrink=10.0, fit_forget=True)
    assert dropped, "no skill stopped before the others: the test proves nothing"
    monkeypatch.setattr(bkt, "_only_skills", lambda ch, keep: ch)  # every chain, every time
    full = fit_bkt(bkt_log, shrink=10.0, fit_forget=True)
    assert fast.log_likelihood == pytest.approx(full.log_likelihood, abs=1e-12)
    for name in ("prior", "learn", "guess", "slip", "forget"):
        np.testing.assert_allclose(getattr(fast.model, name), getattr(full.model, name), atol=1e-12)


def test_restarts_keep_the_best_run_per_skill(bkt_log: ResponseLog) -> None:
    one = fit_bkt(bkt_log, max_iter=30)
    many = fit_bkt(bkt_log, max_iter=30, restarts=4, seed=1)
    assert many.restarts == 4
    assert many.iterations > one.iterations  # every restart ran
    # Run 0 starts where the single run starts, so the per-skill best is never worse.
    assert many.final_log_likelihood >= one.final_log_likelihood - 1e-12
    # ... and is the best of the runs on each skill: no single run beats it anywhere.
    for seed in (1, 2):
        other = fit_bkt(bkt_log, max_iter=30, init=BKTParams(0.7, 0.3, 0.05, 0.3), seed=seed)
        assert other.final_log_likelihood <= many.final_log_likelihood + 0.01
    with pytest.raises(InputError, match="restarts"):
        fit_bkt(bkt_log, restarts=0)


def test_em_fits_forgetting_when_asked() -> None:
    # Students who know a skill forget it 20% of the time after each answer.
    rng = np.random.default_rng(3)
    seqs = []
    for _ in range(600):
        known, correct = rng.random() < 0.5, []
        for _ in range(25):
            correct.append(int(rng.random() >= 0.1 if known else rng.random() < 0.2))
            known = (rng.random() >= 0.2) if known else (rng.random() < 0.3)
        seqs.append(([0] * 25, correct))
    data = from_sequences(seqs)
    assert fit_bkt(data).model.forget[0] == 0.0
    forgetful = fit_bkt(data, fit_forget=True, max_iter=300).model
    assert forgetful.forget[0] == pytest.approx(0.2, abs=0.07)


def test_vectorised_prediction_matches_the_online_update(bkt_log: ResponseLog) -> None:
    model = fit_bkt(bkt_log, max_iter=5).model
    small = bkt_log.select(list(range(20)))
    predicted = predict_bkt(model, small)
    expected_p = []
    for i in range(small.n_students):
        state = {k: model.params(k).prior for k in range(model.n_skills)}
        for k, c in zip(*small.sequence(i), strict=True):
            prm = model.params(int(k))
            expected_p.append(state[k] * (1 - prm.slip) + (1 - state[k]) * prm.guess)
            state[k] = bkt_update(prm, state[k], bool(c))
    np.testing.assert_allclose(predicted, expected_p, rtol=1e-10)


probability = st.floats(0.0, 1.0, allow_nan=False)
below_one = st.floats(0.0, 0.999, allow_nan=False)


@given(
    prior=probability,
    learn=probability,
    guess=below_one,
    share=st.floats(0.0, 0.999, allow_nan=False),
    p_known=probability,
)
def test_mastery_never_falls_on_a_correct_answer(
    prior: float, learn: float, guess: float, share: float, p_known: float
) -> None:
    # Any guess and slip that BKTParams accepts (guess + slip < 1), high guesses included.
    slip = share * (1.0 - guess)
    params = BKTParams(prior=prior, learn=learn, guess=guess, slip=slip)
    after_right = bkt_update(params, p_known, True)
    after_wrong = bkt_update(params, p_known, False)
    assert after_right >= p_known - 1e-12
    assert after_right >= after_wrong - 1e-12
    assert bkt_posterior(params, p_known, False) <= p_known + 1e-12
    # Both within rounding of each other when learn is ~1 (the line above bounds the order).
    assert 0.0 <= after_wrong <= after_right + 1e-12 and after_right <= 1.0 + 1e-12


def test_bkt_params_refuse_degenerate_guess_or_slip() -> None:
    with pytest.raises(InputError, match="add up to less than 1"):
        BKTParams(guess=0.6, slip=0.4)
    with pytest.raises(InputError, match="add up to less than 1"):
        BKTParams(guess=0.3, slip=0.75)
    # A high guess alone is not degenerate: a right answer is still likelier when known.
    assert BKTParams(guess=0.6, slip=0.1).guess == 0.6
    with pytest.raises(InputError, match="probability"):
        BKTParams(prior=1.5)
    with pytest.raises(InputError):
        bkt_update(BKTParams(), 1.2, True)


def test_bkt_update_is_pure_and_classic() -> None:
    params = BKTParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)
    # Bayes: 0.3*0.9 / (0.3*0.9 + 0.7*0.2) = 0.27/0.41, then learning 10% of the rest.
    post = 0.27 / 0.41
    assert bkt_update(params, 0.3, True) == pytest.approx(post + (1 - post) * 0.1)
    assert params == BKTParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)


def test_bkt_model_rejects_unknown_skills() -> None:
    model = BKTModel.uniform(2)
    with pytest.raises(InputError):
        predict_bkt(model, from_sequences([([0, 5], [1, 0])]))


# ---------------------------------------------------------------- Elo / 1PL


def test_elo_moves_the_right_way() -> None:
    params = EloParams(alpha=1.0, beta=0.1, item_alpha=0.5)
    student, item = Rating(0.0, 0), Rating(0.5, 10)
    s_right, i_right = elo_update(params, student, item, True)
    s_wrong, i_wrong = elo_update(params, student, item, False)
    assert s_right.value > 0.0 > s_wrong.value
    assert i_right.value < 0.5 < i_wrong.value
    assert s_right.count == 1 and i_right.count == 11
    # A surprise moves ratings more than an expected result.
    easy = Rating(-3.0, 10)
    s_easy, _ = elo_update(params, student, easy, True)
    assert 0 < s_easy.value < s_right.value
    # Settled ratings move less.
    settled, _ = elo_update(params, Rating(0.0, 100), item, True)
    assert 0 < settled.value < s_right.value
    assert expected(2.0, 2.0) == pytest.approx(0.5)
    assert expected(-800.0, 0.0) == pytest.approx(0.0) and expected(800.0, 0.0) == 1.0


def _rasch_log(seed: int) -> tuple[ResponseLog, np.ndarray]:
    rng = np.random.default_rng(seed)
    difficulty = np.array([-1.5, 0.0, 1.5])
    seqs = []
    for _ in range(400):
        theta = rng.normal()
        skills = rng.integers(0, 3, size=20)
        p = 1 / (1 + np.exp(-(theta - difficulty[skills])))
        seqs.append((skills.tolist(), (rng.random(20) < p).astype(int).tolist()))
    return from_sequences(seqs), difficulty


def test_batch_refit_orders_difficulties() -> None:
    data, truth = _rasch_log(4)
    d = fit_difficulty(data)
    assert d[0] < d[1] < d[2]
    np.testing.assert_allclose(d - d.mean(), truth - truth.mean(), atol=0.3)


def test_elo_prediction_matches_a_loop() -> None:
    data, _ = _rasch_log(5)
    small = data.select(list(range(15)))
    model = EloModel(np.array([-1.0, 0.0, 1.0]), EloKTParams(alpha=0.4, alpha_skill=0.8, beta=0.1))
    got = predict_elo(model, small)
    want = []
    for i in range(small.n_students):
        theta, offset, seen = 0.0, [0.0] * 3, [0] * 3
        for t, (k, c) in enumerate(zip(*small.sequence(i), strict=True)):
            p = expected(theta + offset[k], model.difficulty[k])
            want.append(p)
            theta += 0.4 / (1 + 0.1 * t) * (c - p)
            offset[k] += 0.8 / (1 + 0.1 * seen[k]) * (c - p)
            seen[k] += 1
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_fit_elo_tunes_on_the_validation_fold() -> None:
    data, _ = _rasch_log(6)
    folds = np.arange(data.n_students) % 5
    data = ResponseLog(data.skills, data.correct, data.offsets, folds)
    seen: list[float] = []
    model = fit_elo(data, val_fold=0, on_candidate=lambda _p, ll: seen.append(ll))
    assert len(seen) == 27 and all(math.isfinite(x) for x in seen)
    assert model.difficulty[0] < model.difficulty[2]


# ---------------------------------------------------------------- packing and metrics


def test_packing_is_a_time_major_permutation() -> None:
    groups = np.array([1, 0, 1, 2, 1, 0], dtype=np.int64)
    pk = pack(groups, 3)
    assert sorted(pk.position.tolist()) == list(range(6))
    assert pk.batch_sizes.tolist() == [3, 2, 1]
    # Group 1 is the longest (slot 0): its answers sit at the start of blocks 0, 1, 2.
    assert pk.position[[0, 2, 4]].tolist() == [0, 3, 5]
    np.testing.assert_array_equal(pk.order[pk.position], np.arange(6))


def test_scores_match_hand_computed_values() -> None:
    s = score([1, 0, 1, 0], [0.9, 0.2, 0.4, 0.6])
    assert s.auc == pytest.approx(0.75)
    assert s.acc == pytest.approx(0.5)
    assert s.rmse == pytest.approx(math.sqrt((0.01 + 0.04 + 0.36 + 0.36) / 4))
    assert s.n_test == 4
    with pytest.raises(InputError, match="AUC"):
        score([1, 1], [0.5, 0.6])
    with pytest.raises(InputError):
        score([1, 0], [0.5])


# ---------------------------------------------------------------- readers


PYKT_OK = (
    "fold,uid,concepts,responses,cidxs\n"
    '0,7,"3,3,5,-1,-1","1,0,1,-1,-1","0,1,2,-1,-1"\n'
    '1,8,"5,2","0,1","3,4"\n'
)
DKT3_OK = "3\n3,3,5,\n1,0,1,\n\n2\n5,2\n0,1\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_pykt_drops_padding_and_extra_columns(tmp_path: Path) -> None:
    log = read_pykt(write(tmp_path, "a.csv", PYKT_OK))
    assert log.skills.tolist() == [3, 3, 5, 5, 2]
    assert log.correct.tolist() == [1, 0, 1, 0, 1]
    assert log.offsets.tolist() == [0, 3, 5]
    assert log.folds.tolist() == [0, 1]


def test_read_dkt3_allows_trailing_commas_and_blank_lines(tmp_path: Path) -> None:
    log = read_dkt3(write(tmp_path, "a.txt", DKT3_OK))
    assert log.skills.tolist() == [3, 3, 5, 5, 2]
    assert log.correct.tolist() == [1, 0, 1, 0, 1]
    assert log.offsets.tolist() == [0, 3, 5]
    assert log.folds.tolist() == [-1, -1]


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        ("pykt", "", "header"),
        ("pykt", "a,b\n1,2\n", "header"),
        ("pykt", DKT3_OK, "header"),
        ("pykt", 'fold,uid,concepts,responses\n0,1,"1,2","1"\n', "2 concepts but 1 responses"),
        ("pykt", 'fold,uid,concepts,responses\n0,1,"1,2","1,2"\n', "0 or 1"),
        ("pykt", 'fold,uid,concepts,responses\n0,1,"1,x","1,0"\n', "'x'"),
        ("pykt", "fold,uid,concepts,responses\n0,1,1,2,1,0\n", "quote"),
        ("pykt", 'fold,uid,concepts,responses\n0,1,"1,2","1,-1"\n', "padding"),
        ("pykt", 'fold,uid,concepts,responses\n0,1,"-1","-1"\n', "no responses"),
        ("pykt", 'fold,uid,concepts,responses\nx,1,"1","1"\n', "fold"),
        ("pykt", 'fold,uid,concepts,responses\n0,1,"-3","1"\n', "non-negative"),
        ("dkt3", PYKT_OK, "use --format pykt"),
        ("dkt3", "1\n1\n", "multiple of 3"),
        ("dkt3", "2\n1,2\n1\n", "count says 2"),
        ("dkt3", "2\n1,2\n1,3\n", "0 or 1"),
        ("dkt3", "2,3\n1,2\n1,0\n", "number of responses"),
        ("dkt3", "two\n1,2\n1,0\n", "'two'"),
        ("dkt3", "2\n1,x\n1,0\n", "'x'"),
        ("dkt3", "", "no responses"),
    ],
)
def test_bad_input_is_one_clear_input_error(
    tmp_path: Path, fmt: str, text: str, message: str
) -> None:
    path = write(tmp_path, "bad", text)
    with pytest.raises(InputError, match=message) as err:
        read_log(path, fmt)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_log(tmp_path / "nope.csv", "pykt")
    with pytest.raises(InputError, match="unknown format"):
        read_log(write(tmp_path, "a.csv", PYKT_OK), "csv")  # type: ignore[arg-type]
    binary = tmp_path / "bin"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="UTF-8"):
        read_log(binary, "dkt3")


def test_sequences_of_unequal_length_are_refused() -> None:
    # (Test skills never seen in training are read with a note: test_published_quirks.py.)
    with pytest.raises(InputError, match="2 skills but 1 responses"):
        from_sequences([([0, 1], [1])])


# ---------------------------------------------------------------- DKT


def test_history_features_count_only_earlier_answers() -> None:
    from tutor.learner.dkt import history_features

    data = from_sequences([([0, 1, 0, 0, 0, 1, 0], [1, 0, 1, 1, 0, 1, 0]), ([0, 0], [0, 1])])
    f = history_features(data)
    counts = np.rint(np.expm1(f[:, [0, 1, 2, 6, 7, 8]])).astype(int)
    # attempts, right, wrong, right run, wrong run, answers since the skill was last asked
    assert counts.tolist() == [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [1, 1, 0, 1, 0, 2],
        [2, 2, 0, 2, 0, 1],
        [3, 3, 0, 3, 0, 1],
        [1, 0, 1, 0, 1, 4],
        [4, 3, 1, 0, 1, 2],
        [0, 0, 0, 0, 0, 0],
        [1, 0, 1, 0, 1, 1],
    ]
    assert f[6, 3] == pytest.approx(4 / 6)  # (right + 1) / (attempts + 2)
    assert f[:, 4].tolist() == [0, 0, 1, 1, 1, 0, 0, 0, 0]  # last answer on the skill right
    assert f[:, 5].tolist() == [0, 0, 0, 0, 0, 1, 1, 0, 1]  # ... wrong


def test_student_features_count_only_earlier_answers_of_the_same_student() -> None:
    from tutor.learner.dkt import RECENT, student_features

    data = from_sequences([([0, 1, 0, 2], [1, 0, 1, 1]), ([5, 5], [0, 1])])
    f = student_features(data)
    assert np.rint(np.expm1(f[:, 0])).astype(int).tolist() == [0, 1, 2, 3, 0, 1]  # answers
    # (right + 1) / (answers + 2) over all earlier answers of the same student
    assert f[:, 1].tolist() == pytest.approx([1 / 2, 2 / 3, 2 / 4, 3 / 5, 1 / 2, 1 / 3])
    assert np.rint(np.expm1(f[:, 3])).astype(int).tolist() == [0, 1, 2, 2, 0, 1]  # skills
    # The recent window holds at most RECENT answers.
    long = from_sequences([([0] * (RECENT + 5), [1] * 5 + [0] * RECENT)])
    g = student_features(long)
    assert g[-1, 2] == pytest.approx((1 + 1) / (RECENT + 2))  # one right among the last RECENT
    assert g[-1, 1] == pytest.approx((5 + 1) / (RECENT + 4 + 2))


@needs_torch
def test_dkt_refuses_a_device_it_cannot_use() -> None:
    import torch

    from tutor.learner.dkt import DKTConfig, fit_dkt

    data = from_sequences([([0, 1], [1, 0])])
    with pytest.raises(InputError, match="not a torch device"):
        fit_dkt(data, DKTConfig(device="gpu0"))
    if not torch.cuda.is_available():
        with pytest.raises(InputError, match="sees no CUDA GPU"):
            fit_dkt(data, DKTConfig(device="cuda"))


@needs_torch
def test_dkt_with_student_features_trains() -> None:
    from tutor.learner.dkt import DKTConfig, fit_dkt, predict_dkt

    data = from_sequences(simulate_bkt(TRUE_PARAMS, 80, 15, seed=3))
    cfg = DKTConfig(
        embed=8, hidden=8, batch_size=32, max_epochs=2, patience=10, student_features=True
    )
    p = predict_dkt(fit_dkt(data, cfg), data.select([0, 1]))
    assert p.shape == (30,)
    assert np.all((p > 0) & (p < 1))


@needs_torch
def test_dkt_learns_and_predicts_probabilities() -> None:
    from tutor.learner.dkt import DKTConfig, fit_dkt, predict_dkt

    data = from_sequences(simulate_bkt(TRUE_PARAMS, 160, 20, seed=7))
    cfg = DKTConfig(embed=16, hidden=16, batch_size=32, max_epochs=5, patience=10, lr=1e-2)
    model = fit_dkt(data, cfg)
    losses = [r.loss for r in model.history]
    assert len(losses) == 5
    assert losses[-1] < losses[0] - 0.02
    assert all(r.val_auc is not None for r in model.history)
    p = predict_dkt(model, data.select([0, 1, 2]))
    assert p.shape == (60,)
    assert np.all((p >= 0) & (p <= 1))
    # Seeded: the same configuration trains the same network.
    again = predict_dkt(fit_dkt(data, cfg), data.select([0, 1, 2]))
    np.testing.assert_allclose(p, again, rtol=1e-5)


@needs_torch
def test_dkt_ensemble_averages_its_members() -> None:
    from dataclasses import replace

    from tutor.learner.dkt import DKTConfig, DKTModel, fit_dkt, predict_dkt

    data = from_sequences(simulate_bkt(TRUE_PARAMS, 80, 12, seed=9))
    cfg = DKTConfig(embed=8, hidden=8, batch_size=32, max_epochs=2, patience=5, ensemble=2)
    model = fit_dkt(data, cfg)
    assert len(model.nets) == 2 and len(model.member_histories) == 1
    part = data.select([0, 1])
    alone = [
        predict_dkt(DKTModel(net, model.n_skills, replace(cfg, ensemble=1)), part)
        for net in model.nets
    ]
    assert not np.allclose(alone[0], alone[1])  # different seeds, different networks
    np.testing.assert_allclose(predict_dkt(model, part), (alone[0] + alone[1]) / 2, rtol=1e-6)
    with pytest.raises(InputError, match="ensemble"):
        fit_dkt(data, replace(cfg, ensemble=0))


@needs_torch
@pytest.mark.parametrize("attention", [False, True], ids=["gru", "gru+attention"])
def test_dkt_predicts_each_answer_from_earlier_answers_only(attention: bool) -> None:
    from tutor.learner.dkt import DKTConfig, fit_dkt, predict_dkt

    data = from_sequences(simulate_bkt(TRUE_PARAMS, 60, 12, seed=5))
    cfg = DKTConfig(
        embed=8,
        hidden=8,
        heads=2,
        batch_size=32,
        max_epochs=2,
        patience=5,
        student_features=True,
        input_features=True,
        attention=attention,
    )
    model = fit_dkt(data, cfg)
    skills = [0, 1, 2, 0, 1, 2, 0, 1]
    prefix = [1, 0, 1, 1]
    # Two students who agree on the first 4 answers and differ on every later one.
    pair = from_sequences([(skills, [*prefix, 1, 1, 1, 1]), (skills, [*prefix, 0, 0, 0, 0])])
    p = predict_dkt(model, pair).reshape(2, len(skills))
    # Answer t's prediction (t <= 4) sees only answers 0 .. t-1: identical for both.
    np.testing.assert_allclose(p[0, :5], p[1, :5], rtol=1e-6)
    # After the answers differ, the predictions do (the later answers are read).
    assert not np.allclose(p[0, 5:], p[1, 5:])


@needs_torch
def test_dkt_attention_predictions_do_not_depend_on_how_batches_are_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tutor.learner.dkt as dkt

    data = from_sequences(simulate_bkt(TRUE_PARAMS, 40, 10, seed=6))
    cfg = dkt.DKTConfig(embed=8, hidden=8, heads=2, max_epochs=1, attention=True)
    model = dkt.fit_dkt(data, cfg)
    whole = dkt.predict_dkt(model, data)
    assert set(data.lengths.tolist()) == {10}
    # One batch of 40 students (2 heads x 10 x 11 scores each) cut into blocks of 3 queries.
    monkeypatch.setattr(dkt, "ATTENTION_BLOCK_MAX", 40 * 2 * 11 * 3)
    assert dkt.attention_block(40, 2, 10) == 3
    np.testing.assert_allclose(dkt.predict_dkt(model, data), whole, rtol=1e-5)


@needs_torch
def test_dkt_rotate_folds_gives_each_member_its_own_validation_fold() -> None:
    from dataclasses import replace

    from tutor.learner.dkt import DKTConfig, fit_dkt

    sequences = simulate_bkt(TRUE_PARAMS, 90, 10, seed=4)
    data = from_sequences(sequences, folds=[i % 3 for i in range(len(sequences))])
    cfg = DKTConfig(embed=8, hidden=8, batch_size=32, max_epochs=1, ensemble=4, val_fold=1)
    assert fit_dkt(data, cfg).val_folds == (1, 1, 1, 1)
    assert fit_dkt(data, replace(cfg, rotate_folds=True)).val_folds == (1, 2, 0, 1)
    # Without folds in the log, each member holds out a random 10% instead.
    plain = from_sequences(sequences)
    assert fit_dkt(plain, replace(cfg, rotate_folds=True, ensemble=2)).val_folds == (None, None)


@needs_torch
def test_dkt_attention_heads_must_divide_the_embedding() -> None:
    from tutor.learner.dkt import DKTConfig, fit_dkt

    data = from_sequences(simulate_bkt(TRUE_PARAMS, 20, 5, seed=2))
    with pytest.raises(InputError, match="not divisible by 3 heads"):
        fit_dkt(data, DKTConfig(embed=8, hidden=8, attention=True, heads=3))


def test_dkt_without_torch_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor.learner.dkt import fit_dkt

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(MissingDependency, match="pip install torch"):
        fit_dkt(from_sequences([([0], [1])]))


def test_core_imports_without_torch() -> None:
    code = (
        "import sys, tutor.learner, tutor.learner.evaluation, tutor.learner.dkt, tutor.cli.kt;"
        "assert 'torch' not in sys.modules, 'torch imported eagerly'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- CLI


def _write_pair(tmp_path: Path, fmt: str) -> tuple[Path, Path]:
    train_seq = simulate_bkt(TRUE_PARAMS, 150, 20, seed=11)
    test_seq = simulate_bkt(TRUE_PARAMS, 40, 20, seed=12)
    if fmt == "pykt":

        def dump(seqs: list[tuple[list[int], list[int]]]) -> str:
            rows = ["fold,uid,concepts,responses"]
            for n, (s, c) in enumerate(seqs):
                rows.append(f'{n % 5},{n},"{",".join(map(str, s))}","{",".join(map(str, c))}"')
            return "\n".join(rows) + "\n"

    else:

        def dump(seqs: list[tuple[list[int], list[int]]]) -> str:
            return "".join(
                f"{len(s)}\n{','.join(map(str, s))},\n{','.join(map(str, c))},\n" for s, c in seqs
            )

    return write(tmp_path, "train", dump(train_seq)), write(tmp_path, "test", dump(test_seq))


@pytest.mark.parametrize("fmt", ["pykt", "dkt3"])
@pytest.mark.parametrize(
    "model", ["bkt", "bkt-forget", "elo", pytest.param("dkt", marks=needs_torch)], ids=str
)
def test_cli_json_contract(tmp_path: Path, fmt: str, model: str) -> None:
    train, test = _write_pair(tmp_path, fmt)
    args = ["kt", "evaluate", "--train", str(train), "--test", str(test)]
    args += ["--format", fmt, "--model", model, "--json"]
    if model == "dkt":
        args += ["--epochs", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"auc", "acc", "rmse", "n_test"}
    assert data["n_test"] == 40 * 20
    assert isinstance(data["n_test"], int)
    assert 0.5 < data["auc"] <= 1.0 and 0.0 <= data["acc"] <= 1.0 and 0 < data["rmse"] < 0.6


@needs_torch
def test_cli_dkt_benchmarked_preset(tmp_path: Path) -> None:
    from tutor.learner.dkt import BENCHMARKED, PRESETS

    assert PRESETS["benchmarked"] is BENCHMARKED
    assert BENCHMARKED.attention and BENCHMARKED.rotate_folds and BENCHMARKED.ensemble == 10
    train, test = _write_pair(tmp_path, "pykt")
    args = ["kt", "evaluate", "--train", str(train), "--test", str(test), "--format", "pykt"]
    args += ["--model", "dkt", "--dkt-preset", "benchmarked", "--epochs", "1", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n_test"] == 40 * 20 and 0.5 < data["auc"] <= 1.0


@needs_torch
def test_cli_dkt_unusable_device_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, test = _write_pair(tmp_path, "dkt3")
    args = ["kt", "evaluate", "--train", str(train), "--test", str(test), "--format", "dkt3"]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--model", "dkt", "--device", "gpu0", "--json"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'gpu0' is not a torch device" in err


def test_cli_human_output(tmp_path: Path) -> None:
    train, test = _write_pair(tmp_path, "dkt3")
    args = ["kt", "evaluate", "--train", str(train), "--test", str(test)]
    result = CliRunner().invoke(cli, [*args, "--format", "dkt3", "--model", "bkt"])
    assert result.exit_code == 0
    assert result.output.startswith("AUC 0.") and "800 test responses" in result.output


@pytest.mark.parametrize(
    ("case", "message"),
    [("missing", "no such file"), ("format", "header")],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, message: str
) -> None:
    train, test = _write_pair(tmp_path, "dkt3")
    fmt = "dkt3"
    if case == "missing":
        test = tmp_path / "absent.txt"
    else:
        fmt = "pykt"
    args = ["kt", "evaluate", "--train", str(train), "--test", str(test)]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--format", fmt, "--model", "bkt", "--json"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err


# ---------------------------------------------------------------- DKT on long sequences


@needs_torch
def test_dkt_attention_in_blocks_equals_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of queries (with recomputation in the backward pass) give the same outputs and
    the same gradients as one whole score tensor."""
    import torch

    import tutor.learner.dkt as dkt
    from tutor.learner.dkt import DKTConfig

    cfg = DKTConfig(embed=16, hidden=16, attention=True, student_features=True)
    torch.manual_seed(0)
    net = dkt._build_net(10, cfg)
    net.eval()  # no dropout: the two passes must see the same network
    rng = np.random.default_rng(0)
    b, length = 3, 57
    skills = torch.tensor(rng.integers(0, 10, (b, length)))
    correct = torch.tensor(rng.integers(0, 2, (b, length)))
    feats = torch.randn(b, length, dkt.N_FEATURES + dkt.N_STUDENT_FEATURES)

    def run() -> tuple[torch.Tensor, list[torch.Tensor]]:
        net.zero_grad()
        out = net(skills, correct, feats)
        out.sum().backward()
        return out.detach().clone(), [p.grad.clone() for p in net.parameters()]

    whole, whole_grads = run()
    monkeypatch.setattr(dkt, "ATTENTION_WHOLE_MAX", 0)
    monkeypatch.setattr(dkt, "ATTENTION_BLOCK_MAX", cfg.heads * b * (length + 1) * 5)
    assert dkt.attention_block(b, cfg.heads, length) == 5  # 12 blocks, the last one short
    blocked, blocked_grads = run()
    assert torch.allclose(whole, blocked, atol=1e-5)
    for g1, g2 in zip(whole_grads, blocked_grads, strict=True):
        assert torch.allclose(g1, g2, atol=1e-4)


def test_training_batches_are_bounded_in_answers() -> None:
    from tutor.learner.dkt import _batches

    lengths = np.array([10] * 300 + [5000, 4000, 6000])
    batches = _batches(lengths, 128, np.random.default_rng(0), max_answers=2**14)
    assert sorted(int(i) for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) * int(lengths[b].max()) <= 2**14 or len(b) == 1 for b in batches)
    # Ordinary lengths fill batch_size long before the bound binds: same batches as before.
    short = np.array([10] * 300)
    assert [len(b) for b in _batches(short, 128, None)] == [128, 128, 44]


_LONG_STUDENT_RUN = """
import numpy as np
from tutor.learner.data import from_sequences
from tutor.learner.dkt import DKTConfig, fit_dkt, predict_dkt
rng = np.random.default_rng(0)
def student(n):
    return rng.integers(0, 50, n).tolist(), rng.integers(0, 2, n).tolist()
# Six students with 5,000 answers train together (fold 1); two short ones validate (fold 0).
data = from_sequences([student(5000) for _ in range(6)] + [student(40), student(40)],
                      folds=[1] * 6 + [0, 0])
cfg = DKTConfig(embed=32, hidden=32, attention=True, student_features=True,
                input_features=True, max_epochs=1, val_fold=0, batch_size=6)
p = predict_dkt(fit_dkt(data, cfg), data)
assert np.isfinite(p).all() and len(p) == 30080
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child forked from a big pytest process
# would report the parent's size.
status = open("/proc/self/status").read().splitlines()
print(next(int(ln.split()[1]) // 1024 for ln in status if ln.startswith("VmHWM:")))
"""


@needs_torch
def test_dkt_memory_is_bounded_on_5000_answer_students() -> None:
    """Six synthetic students with 5,000 answers each, trained in one batch and predicted with
    attention on the CPU, stay under 2.5 GB of peak memory. Computed whole, one of the
    attention's score tensors alone would be 6 x 4 heads x 5,000 x 5,001 float32 = 2.4 GB, and
    the forward and backward passes keep several (the GPU asked for 18 GiB on such data)."""
    run = subprocess.run(
        [sys.executable, "-c", _LONG_STUDENT_RUN], check=True, capture_output=True, text=True
    )
    peak_mb = int(run.stdout.strip().splitlines()[-1])
    assert peak_mb < 2500, f"peak memory {peak_mb} MB"
