"""benchmarks/bench_verdicts.py: its simulation pieces on hand-computed and degenerate cases."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from empathy_judge.scorers.agreement import MARGIN
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


def test_old_rule_hand_computed(bench: ModuleType) -> None:
    # Experts 0,1,2,2 / 0,1,2,1 / 0,1,2,2: pair κ 0.8, 1, 0.8 -> ceiling 0.8; median 0,1,2,2.
    e1 = [0.0, 1.0, 2.0, 2.0]
    e2 = [0.0, 1.0, 2.0, 1.0]
    experts = np.array([e1, e2, e1]).T[:, None, :].repeat(3, axis=1)  # 4 items × 3 subs × 3
    candidate = np.array(
        [
            [0.0, 0.0, 0.0],
            [1.0, 1.0, 2.0],
            [2.0, 1.0, 1.0],
            [2.0, 2.0, 2.0],
        ]
    )
    old = bench.old_rule(experts, candidate)
    # Column 0: κ = 1. Column 1 (0,1,1,2): κ = 0.8, a tie with the ceiling counts as "at".
    # Column 2 (0,2,1,2): Σd² = 2, Σx = Σy = 5, Σx² = Σy² = 9: κ = 1 − 8/22 = 7/11.
    np.testing.assert_allclose(old.ceiling, [0.8, 0.8, 0.8])
    np.testing.assert_allclose(old.kappa, [1.0, 0.8, 7 / 11])
    np.testing.assert_array_equal(old.at_expert_level, [1.0, 1.0, 0.0])
    np.testing.assert_allclose(old.bias, [0.2, 0.0, 7 / 11 - 0.8], atol=1e-12)


def test_noiseless_raters_are_at_expert_level_every_time(bench: ModuleType) -> None:
    # Everyone rates the latent level without noise: every κ is 1, Δ is 0 on every resample,
    # so the interval is [0, 0] -> "at"; the old rule ties (1 ≥ 1); the AltTest's d is 0 on
    # every item (ties win for both), so every expert is beaten at ε = 0.2 and it passes.
    tally = bench.run_scenario(0.0, 3, resamples=50, seed=5, expert_sd=0.0)
    assert tally.reps == 3
    np.testing.assert_array_equal(tally.rate("at"), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tally.old_at, [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(np.vstack(tally.old_bias), np.zeros((3, 3)))
    np.testing.assert_array_equal(tally.alt_passes, [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(np.vstack(tally.lows), np.zeros((3, 3)))
    np.testing.assert_array_equal(np.vstack(tally.highs), np.zeros((3, 3)))
    np.testing.assert_array_equal(tally.coverage(np.zeros(3)), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tally.coverage(np.full(3, 0.01)), [0.0, 0.0, 0.0])


def test_random_candidate_against_perfect_experts_is_below(bench: ModuleType) -> None:
    # Noiseless experts agree perfectly (κ = 1); a candidate with noise sd 100 is all but
    # random: Δ ≈ −1 and the whole interval lies below 0 and below −δ.
    tally = bench.run_scenario(100.0, 2, resamples=50, seed=7, expert_sd=0.0, alt_epsilon=None)
    np.testing.assert_array_equal(tally.rate("below"), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tally.old_at, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tally.alt_runs, [0.0, 0.0, 0.0])


def test_margin_reread_matches_assess_at_the_default(bench: ModuleType) -> None:
    tally = bench.run_scenario(0.8, 4, resamples=60, seed=3, alt_epsilon=None)
    reread = tally.rates_at(MARGIN)
    for verdict in ("above", "at", "below", "inconclusive"):
        np.testing.assert_array_equal(reread[verdict], tally.rate(verdict))
    np.testing.assert_allclose(sum(tally.rate(v) for v in reread), [1.0, 1.0, 1.0])


def test_calibration_recovers_the_expert_noise_for_a_zero_gap(bench: ModuleType) -> None:
    # A candidate with the experts' own σ = 0.8 has Δ = 0; bisection for Δ = 0 must land near it
    # (fixed seeds: the result is deterministic; 20,000 items leave it within a few hundredths).
    calibration = bench.calibrate(0.0, n_items=20_000)
    np.testing.assert_allclose(calibration.sd, [0.8, 0.8, 0.8], atol=0.1)
    np.testing.assert_allclose(calibration.difference, [0.0, 0.0, 0.0], atol=0.02)


def test_standard_error_of_a_rate(bench: ModuleType) -> None:
    assert bench.standard_error(0.25, 20) == pytest.approx(math.sqrt(0.25 * 0.75 / 20))
    assert bench.with_se(0.25, 20) == " 25.0% ± 9.7"
