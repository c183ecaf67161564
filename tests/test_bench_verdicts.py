"""benchmarks/bench_verdicts.py: its simulation pieces on hand-computed and degenerate cases."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from empathy_judge.scorers.panel import Scale

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_verdicts.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_verdicts", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module


def test_cut_points_split_minus_two_to_two_evenly(bench: ModuleType) -> None:
    np.testing.assert_allclose(bench.cut_points(Scale(0, 2)), [-2 / 3, 2 / 3])
    np.testing.assert_allclose(bench.cut_points(Scale(1, 5)), [-1.2, -0.4, 0.4, 1.2])
    np.testing.assert_allclose(
        bench.cut_points(Scale(1, 7)), [-10 / 7, -6 / 7, -2 / 7, 2 / 7, 6 / 7, 10 / 7]
    )


def test_cut_maps_values_to_scale_points(bench: ModuleType) -> None:
    values = np.array([-9.0, -0.7, -0.6, 0.0, 0.6, 0.7, 9.0])
    np.testing.assert_array_equal(bench.cut(values, Scale(0, 2)), [0, 0, 1, 1, 1, 2, 2])
    np.testing.assert_array_equal(bench.cut(values, Scale(1, 5)), [1, 2, 2, 3, 4, 4, 5])


def test_kappa_columns_hand_computed(bench: ModuleType) -> None:
    # x = 0,1,2 and y = 0,2,2: n = 3, Σd² = 1, Σx = 3, Σy = 4, Σx² = 5, Σy² = 8;
    # κ = 1 − 3·1 / (3·5 + 3·8 − 2·3·4) = 1 − 3/15 = 0.8. Second column: identical, κ = 1.
    x = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]])
    y = np.array([[0.0, 1.0], [2.0, 2.0], [2.0, 3.0]])
    np.testing.assert_allclose(bench.kappa_columns(x, y), [0.8, 1.0])


def test_loo_difference_hand_computed(bench: ModuleType) -> None:
    # Three identical experts 0,1,2,2: every R_k is 0,1,2,2 and κ(expert k, R_k) = 1.
    # Candidate 0,1,2,1 against 0,1,2,2: n = 4, Σd² = 1, Σx = 4, Σy = 5, Σx² = 6, Σy² = 9,
    # κ = 1 − 4/(24 + 36 − 40) = 0.8, so Δ = 0.8 − 1 = −0.2.
    expert = np.array([0.0, 1.0, 2.0, 2.0])
    experts = np.repeat(expert[:, None, None], 3, axis=2)
    candidate = np.array([[0.0], [1.0], [2.0], [1.0]])
    np.testing.assert_allclose(bench.loo_difference(experts, candidate), [-0.2])


def test_noiseless_raters_are_at_expert_level_every_time(bench: ModuleType) -> None:
    # Everyone rates the latent level without noise: every κ is 1 and Δ is 0 without any
    # item, so the interval is [0, 0] -> "at" (now and before); the AltTest's d is 0 on every
    # item (ties win for both), so every expert is beaten at ε = 0.2 and it passes.
    model = bench.ProjectModel()
    zero = np.zeros(3)
    tally = bench.run_scenario(
        model, 3, zero, zero, 3, resamples=50, seed=5, alt_epsilon=0.2, n_items=20, expert_sd=0.0
    )
    assert tally.reps == 3
    np.testing.assert_array_equal(tally.rate("at"), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tally.rate("at", before=True), [1.0, 1.0, 1.0])
    # Three replications of three sub-components per scale.
    np.testing.assert_array_equal(tally.covered, [9.0, 9.0, 9.0])
    np.testing.assert_array_equal(tally.alt_passes, [9.0, 9.0, 9.0])
    np.testing.assert_array_equal(np.vstack(tally.lows), np.zeros((3, 3)))
    # One framework of the three scales: one sub-component per scale and replication.
    mixed = bench.run_scenario(
        model, 3, zero, zero, 3, resamples=50, seed=5, n_items=20, expert_sd=0.0, mixed=True
    )
    np.testing.assert_array_equal(mixed.covered, [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(mixed.rate("at"), [1.0, 1.0, 1.0])


def test_percentile_interval_of_identical_raters_is_zero(bench: ModuleType) -> None:
    expert = np.array([0.0, 1.0, 2.0, 2.0, 1.0, 0.0])
    experts = np.repeat(expert[:, None, None], 3, axis=2)
    counts = np.random.default_rng(0).multinomial(6, [1 / 6] * 6, size=40).astype(float)
    low, high = bench.percentile_interval(experts, expert[:, None], counts)
    np.testing.assert_allclose(low, [0.0])
    np.testing.assert_allclose(high, [0.0])


def test_harder_model_has_the_release_skew(bench: ModuleType) -> None:
    model = bench.HarderModel()
    sds = [np.full(3, bench.EXPERT_SD)] * 3
    ratings = model.draw(np.random.default_rng(1), (1, 40_000, 3), [0, 1, 2], sds)[0]
    # 0–2: about 72/16/12% (each rater's own cut points move it a little).
    shares = [(ratings[:, 0, :] == level).mean() for level in (0, 1, 2)]
    np.testing.assert_allclose(shares, [0.72, 0.16, 0.12], atol=0.05)
    # Raters differ: their own leniency and cut points give different means.
    means = ratings[:, 1, :].mean(axis=0)
    assert means.max() - means.min() > 0.05
    # Halo: a rater's errors on an item's sub-components are correlated beyond the latent's.
    assert ratings.shape == (40_000, 3, 3)


def test_a_random_candidate_is_below(bench: ModuleType) -> None:
    # A candidate with noise sd 50 is all but random: Δ ≈ −κ(expert) and the verdict "below".
    model = bench.ProjectModel()
    tally = bench.run_scenario(
        model, 3, np.full(3, 50.0), np.full(3, -0.6), 3, resamples=50, seed=7
    )
    # Never above or at expert level; below on all but (at most) one of each scale's nine
    # sub-components (a random rater's κ on 50 items of a 0–2 scale can come out high).
    np.testing.assert_array_equal(tally.rate("above") + tally.rate("at"), [0.0, 0.0, 0.0])
    assert (tally.rate("below") >= 8 / 9).all()
    assert (tally.rate("below", before=True) >= 8 / 9).all()
    np.testing.assert_array_equal(tally.alt_runs, [0.0, 0.0, 0.0])


def test_calibration_recovers_the_expert_noise_for_a_zero_gap(bench: ModuleType) -> None:
    # Under the project model a candidate with the experts' own σ = 0.8 has Δ = 0; bisection for
    # Δ = 0 must land near it (fixed seeds: deterministic).
    sd = bench.calibrate(bench.ProjectModel(), 3, 0.0, n_items=20_000)
    np.testing.assert_allclose(sd, [0.8, 0.8, 0.8], atol=0.1)


def test_standard_error_of_a_rate(bench: ModuleType) -> None:
    assert bench.standard_error(0.25, 20) == pytest.approx(math.sqrt(0.25 * 0.75 / 20))
    assert bench.with_se(0.25, 20) == " 25.0% ± 9.7"
