"""PPI++ for a mean (`scorers.prediction_powered`): a hand-worked example and its properties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from empathy_judge.scorers.prediction_powered import (
    classical_mean,
    critical_value,
    difference_of,
    power_tuning,
    ppi_mean,
    z_value,
)

# Labelled: Y = (1, 2, 3), f = (1, 3, 3); unlabelled f = (2, 4).  n = 3, N = 2.
Y = [1.0, 2.0, 3.0]
F_LAB = [1.0, 3.0, 3.0]
F_UNLAB = [2.0, 4.0]


def test_hand_worked_example() -> None:
    # mean Y = 2, mean f_lab = 7/3, mean f_unlab = 3.
    # Cov(Y, f) (ddof 1): Y − 2 = (−1, 0, 1), f − 7/3 = (−4/3, 2/3, 2/3);
    #   products 4/3 + 0 + 2/3 = 2, / (3 − 1) = 1.
    # Var(f) over all five (1, 3, 3, 2, 4): mean 2.6, squares 2.56 + .16 + .16 + .36 + 1.96
    #   = 5.2, / 4 = 1.3.
    # λ = 1 / ((1 + 3/2) · 1.3) = 1 / 3.25 = 4/13.
    # θ̂ = 2 + 4/13 · (3 − 7/3) = 2 + 8/39 = 86/39 = 2.205128...
    # Var: λ² Var(f_unlab)/N = (16/169) · 2 / 2 = 16/169 = 144/1521;
    #   Y − λf = (9/13, 14/13, 27/13), mean 50/39, deviations (−23, −8, 31)/39,
    #   squares (529 + 64 + 961)/1521 = 1554/1521, / 2 = 777/1521, / n = 259/1521;
    #   total 403/1521 = 31/117, SE = √(31/117) = 0.5147400
    # 95% interval with t at n − 1 = 2 df (t = 4.3026527):
    #   86/39 ± 4.3026527 · 0.5147400 = 2.2051282 ± 2.2147475 = [−0.009619, 4.419876].
    # Experts only: mean 2, Var 1, SE √(1/3) = 0.577350, ± 4.3026527 · 0.577350 = ± 2.484138.
    # Judge only: mean of all f = 13/5 = 2.6; bias mean(f − Y) on labelled = 1/3.
    result = ppi_mean(Y, F_LAB, F_UNLAB)
    assert float(result.lam) == pytest.approx(4 / 13)
    assert float(result.ppi.estimate) == pytest.approx(86 / 39)
    assert float(result.ppi.std_error) == pytest.approx(math.sqrt(31 / 117))
    assert float(result.ppi.lower) == pytest.approx(-0.009619, abs=1e-6)
    assert float(result.ppi.upper) == pytest.approx(4.419876, abs=1e-6)
    assert float(result.experts_only.estimate) == pytest.approx(2.0)
    assert float(result.experts_only.std_error) == pytest.approx(math.sqrt(1 / 3))
    assert float(result.experts_only.upper) == pytest.approx(2 + 2.484138, abs=1e-6)
    assert float(result.judge_only) == pytest.approx(2.6)
    assert float(result.judge_bias) == pytest.approx(1 / 3)
    assert (result.n_labelled, result.n_unlabelled) == (3, 2)


def test_fixed_lambda_zero_is_the_classical_mean_and_one_is_plain_ppi() -> None:
    zero = ppi_mean(Y, F_LAB, F_UNLAB, lam=0.0)
    classical = classical_mean(Y)
    assert float(zero.ppi.estimate) == pytest.approx(float(classical.estimate))
    assert float(zero.ppi.std_error) == pytest.approx(float(classical.std_error))
    # PPI (λ = 1): mean(f_unlab) + mean(Y − f) = 3 + (0 − 1 + 0)/3 = 8/3.
    assert float(ppi_mean(Y, F_LAB, F_UNLAB, lam=1.0).ppi.estimate) == pytest.approx(8 / 3)


def test_batches_equal_one_by_one() -> None:
    rng = np.random.default_rng(3)
    y = rng.normal(size=(5, 20))
    f = y + rng.normal(size=(5, 20))
    fu = rng.normal(size=(5, 60))
    batch = ppi_mean(y, f, fu)
    for r in range(5):
        one = ppi_mean(y[r], f[r], fu[r])
        assert float(one.ppi.estimate) == pytest.approx(batch.ppi.estimate[r])
        assert float(one.ppi.upper) == pytest.approx(batch.ppi.upper[r])
        assert float(one.lam) == pytest.approx(batch.lam[r])


def test_constant_judge_or_no_unlabelled_item_falls_back_to_the_experts() -> None:
    assert float(power_tuning(Y, [2.0, 2.0, 2.0], [2.0, 2.0])) == 0.0
    alone = ppi_mean(Y, F_LAB, [])
    assert float(alone.lam) == 0.0
    assert float(alone.ppi.estimate) == pytest.approx(2.0)
    assert float(alone.ppi.std_error) == pytest.approx(math.sqrt(1 / 3))


def test_difference_of_independent_estimates() -> None:
    a = classical_mean([1.0, 2.0, 3.0])  # 2, SE √(1/3)
    b = classical_mean([0.0, 2.0])  # 1, SE √(2/2) = 1
    d = difference_of(a, b)
    assert float(d.estimate) == pytest.approx(1.0)
    assert float(d.std_error) == pytest.approx(math.sqrt(1 / 3 + 1))
    # Welch–Satterthwaite: (1/3 + 1)² / ((1/3)²/2 + 1²/1) = (16/9) / (19/18) = 32/19 = 1.6842;
    # t at 1.6842 df = 5.176232.
    assert float(d.df) == pytest.approx(32 / 19)
    assert float(d.upper) == pytest.approx(1.0 + 5.176232 * math.sqrt(4 / 3), abs=1e-5)


def test_large_samples_use_the_normal_quantile() -> None:
    assert float(critical_value(0.95, 10_000_000)) == pytest.approx(z_value(0.95), abs=1e-6)
    assert float(critical_value(0.95)) == z_value(0.95)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        ppi_mean([1.0, math.nan], [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="same shape"):
        ppi_mean([1.0, 2.0], [1.0], [1.0])
    with pytest.raises(ValueError, match="level"):
        z_value(1.5)
