"""Item bootstrap: resampling with duplicates, vectorised statistics, intervals, paired Δ."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from scipy import stats

from empathy_judge.scorers.bootstrap import (
    BootstrapResult,
    alpha_statistic,
    bootstrap,
    kappa_difference_statistic,
    kappa_statistic,
    resample_counts,
)
from empathy_judge.scorers.jackknife_interval import jackknife_t_interval, pseudo_value_interval
from empathy_judge.scorers.kappa import weighted_kappa


def _data(seed: int = 1, n: int = 50) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, n).astype(float)
    y = np.clip(x + rng.integers(-1, 2, n), 1, 5)
    return x, y


def _bootstrap_kappa(
    x: np.ndarray, y: np.ndarray, n_resamples: int, seed: int = 0
) -> BootstrapResult:
    return bootstrap(kappa_statistic(x, y), x.shape[0], n_resamples=n_resamples, seed=seed)


def test_resample_counts_are_draws_with_replacement() -> None:
    counts = resample_counts(50, 300, seed=4)
    assert counts.shape == (300, 50)
    assert (counts.sum(axis=1) == 50).all()
    # with replacement: duplicates occur (P(no duplicate in 50 draws of 50) is ~1e-21)
    assert (counts.max(axis=1) >= 2).all()
    assert np.array_equal(counts, resample_counts(50, 300, seed=4))
    assert not np.array_equal(counts, resample_counts(50, 300, seed=5))
    # the same draws as numpy's generator gives as indices
    indices = np.random.default_rng(4).integers(0, 50, size=(300, 50))
    assert np.array_equal(counts[7], np.bincount(indices[7], minlength=50))


def test_vectorised_kappa_equals_kappa_of_resampled_items() -> None:
    x, y = _data()
    indices = np.random.default_rng(9).integers(0, 50, size=(25, 50))
    counts = np.stack([np.bincount(i, minlength=50) for i in indices]).astype(float)
    vectorised = kappa_statistic(x, y)(counts)[:, 0]
    explicit = [weighted_kappa(x[i], y[i]) for i in indices]  # duplicates kept
    assert vectorised == pytest.approx(explicit, abs=1e-12)


def test_missing_values_get_zero_weight() -> None:
    x, y = _data()
    x[3] = np.nan
    y[10] = np.nan
    counts = resample_counts(50, 20, seed=2)
    keep = ~(np.isnan(x) | np.isnan(y))
    vectorised = kappa_statistic(x, y)(counts)[:, 0]
    explicit = [
        weighted_kappa(
            np.repeat(x[keep], c[keep].astype(int)), np.repeat(y[keep], c[keep].astype(int))
        )
        for c in counts
    ]
    assert vectorised == pytest.approx(explicit, abs=1e-12)


def test_percentile_interval_is_quantile_of_replicates() -> None:
    x, y = _data()
    result = _bootstrap_kappa(x, y, n_resamples=500, seed=3)
    assert result.estimate[0] == pytest.approx(weighted_kappa(x, y))
    assert result.low[0] == pytest.approx(np.quantile(result.replicates[:, 0], 0.025))
    assert result.high[0] == pytest.approx(np.quantile(result.replicates[:, 0], 0.975))
    assert result.low[0] < result.estimate[0] < result.high[0]


def test_many_series_at_once_match_one_at_a_time() -> None:
    x1, y1 = _data(1)
    x2, y2 = _data(2)
    both = _bootstrap_kappa(np.column_stack([x1, x2]), np.column_stack([y1, y2]), n_resamples=200)
    one = _bootstrap_kappa(x2, y2, n_resamples=200)
    assert both.low[1] == pytest.approx(one.low[0])
    assert both.high[1] == pytest.approx(one.high[0])


def test_bca_interval_matches_scipy_for_the_mean() -> None:
    values = np.random.default_rng(0).exponential(size=40)

    def weighted_mean(weights: np.ndarray) -> np.ndarray:
        means: np.ndarray = (weights @ values) / weights.sum(axis=1)
        return means[:, None]

    ours = bootstrap(weighted_mean, 40, n_resamples=40000, seed=1, method="bca")
    oracle = stats.bootstrap(
        (values,), np.mean, n_resamples=40000, method="BCa", random_state=2
    ).confidence_interval
    width = oracle.high - oracle.low
    assert ours.low[0] == pytest.approx(oracle.low, abs=0.02 * width)
    assert ours.high[0] == pytest.approx(oracle.high, abs=0.02 * width)


def test_alpha_bootstrap_replicates_match_package_on_resampled_units() -> None:
    rng = np.random.default_rng(6)
    data = rng.integers(1, 6, size=(3, 30)).astype(float)
    data[1, 2] = np.nan
    counts = resample_counts(30, 5, seed=8).astype(int)
    replicates = alpha_statistic(data, "interval")(counts.astype(float))[:, 0]
    for b in range(5):
        resampled = np.repeat(data, counts[b], axis=1)
        oracle = krippendorff.alpha(reliability_data=resampled, level_of_measurement="interval")
        assert replicates[b] == pytest.approx(oracle, abs=1e-10)
    result = bootstrap(alpha_statistic(data, "interval"), 30, n_resamples=300, seed=1)
    assert result.low[0] <= result.estimate[0] <= result.high[0]


def _paired_kappa(
    reference: np.ndarray, a: np.ndarray, b: np.ndarray, n_resamples: int, seed: int = 0
) -> BootstrapResult:
    statistic = kappa_difference_statistic(reference, a, b)
    return bootstrap(statistic, reference.shape[0], n_resamples=n_resamples, seed=seed)


def test_paired_kappa_difference() -> None:
    reference, close = _data(1)
    rng = np.random.default_rng(12)
    far = np.clip(reference + rng.integers(-3, 4, 50), 1, 5)
    result = _paired_kappa(reference, close, far, n_resamples=1000, seed=0)
    assert result.estimate[0] == pytest.approx(
        weighted_kappa(reference, close) - weighted_kappa(reference, far)
    )
    assert result.low[0] > 0  # the close candidate is better beyond doubt
    same = _paired_kappa(reference, close, close, n_resamples=200)
    assert same.estimate[0] == 0.0
    assert (same.replicates == 0.0).all()


def test_paired_difference_uses_common_items_only() -> None:
    reference, a = _data(1)
    b = a.copy()
    b[0] = np.nan  # b lacks item 0, so a is compared on the same 49 items
    result = _paired_kappa(reference, a, b, n_resamples=100)
    assert result.estimate[0] == 0.0


def test_paired_alpha_difference() -> None:
    rng = np.random.default_rng(2)
    truth = rng.integers(1, 6, 40).astype(float)
    experts = np.vstack([np.clip(truth + rng.integers(-1, 2, 40), 1, 5) for _ in range(3)])
    good = experts.copy()
    good[0] = truth
    bad = experts.copy()
    bad[0] = rng.integers(1, 6, 40)
    alpha_good = alpha_statistic(good, "interval")
    alpha_bad = alpha_statistic(bad, "interval")
    result = bootstrap(lambda w: alpha_good(w) - alpha_bad(w), 40, n_resamples=500, seed=0)
    oracle = krippendorff.alpha(reliability_data=good, level_of_measurement="interval") - (
        krippendorff.alpha(reliability_data=bad, level_of_measurement="interval")
    )
    assert result.estimate[0] == pytest.approx(oracle)
    assert result.low[0] > 0


def test_jackknife_p_values_stay_defined_when_the_standard_error_is_zero() -> None:
    # Every leave-one-out value equal: s = 0, so Δ̂ = 0.5 is exact and "Δ > 0" is certain. The
    # t statistic is infinite; Hall's transformation must keep it infinite (not NaN).
    interval = jackknife_t_interval([0.5], np.full((20, 1), 0.5), np.ones((20, 1), dtype=bool))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert interval.std_error[0] == 0.0
        assert interval.p_greater(0.0)[0] == 0.0
        assert interval.p_less(0.0)[0] == 1.0


def test_a_shape_group_pools_skewness_and_kurtosis_and_a_lone_column_keeps_its_own() -> None:
    rng = np.random.default_rng(5)
    # Two left-skewed columns (a few large negative pseudo-values) and a third, lone one.
    pseudo = rng.normal(0.0, 0.1, (40, 3)) - rng.exponential(0.2, (40, 3)) * (
        rng.random((40, 3)) < 0.15
    )
    theta = pseudo.mean(axis=0)
    alone = pseudo_value_interval(theta, pseudo)
    grouped = pseudo_value_interval(theta, pseudo, shape_groups=[0, 0, 1])
    z = (pseudo[:, :2] - pseudo[:, :2].mean(axis=0)) / pseudo[:, :2].std(axis=0)
    g1 = float((z**3).mean() / (z**2).mean() ** 1.5)
    g2 = float((z**4).mean() / (z**2).mean() ** 2 - 3.0)
    # Each column's ratios adjusted for 40 values (Joanes & Gill's G1, G2), as scipy's
    # bias=False gives them for one column.
    n = 40
    gamma = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    excess = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    assert alone.skewness[2] == pytest.approx(stats.skew(pseudo[:, 2], bias=False), rel=1e-12)
    assert gamma < -0.5
    np.testing.assert_allclose(grouped.skewness[:2], gamma, rtol=1e-12)
    assert grouped.pooled is not None
    assert list(grouped.pooled) == [True, True, False]
    # Standard errors are each column's own; the lone column is read exactly as ungrouped.
    np.testing.assert_array_equal(grouped.std_error, alone.std_error)
    assert (grouped.low[2], grouped.high[2]) == (alone.low[2], alone.high[2])
    # A given shape is read as a pooled one: the same bounds as the group's.
    given = pseudo_value_interval(theta[:2], pseudo[:, :2], shape=(gamma, excess))
    np.testing.assert_allclose(given.low, grouped.low[:2], rtol=1e-12)
    np.testing.assert_allclose(given.high, grouped.high[:2], rtol=1e-12)
    # A pooled shape is not widened to the plain t bound: with left skew the upper side is
    # shorter than t_df·s, and the p-values follow the bounds on a grid.
    q = float(stats.t.ppf(0.975, grouped.df[0]))
    assert grouped.high[0] - theta[0] < q * grouped.std_error[0]
    for value in np.linspace(-0.3, 0.3, 61):
        assert list(grouped.p_greater(value)[:2] < 0.025) == list(grouped.low[:2] > value)
        assert list(grouped.p_less(value)[:2] < 0.025) == list(grouped.high[:2] < value)


@pytest.mark.parametrize(
    ("shape", "axis"), [((400, 3), 1), ((400, 4), -1), ((6, 5, 7), 1), ((9,), 0)]
)
def test_quiet_nanmedian_is_numpys_nanmedian_with_all_missing_slices(
    shape: tuple[int, ...], axis: int
) -> None:
    from empathy_judge.scorers.arrays import quiet_nanmedian

    rng = np.random.default_rng(len(shape) + axis)
    values = rng.integers(0, 4, size=shape).astype(float)  # ties, so even counts average two
    values[rng.random(shape) < 0.35] = np.nan
    np.moveaxis(values, axis, -1)[(0,) * (len(shape) - 1)] = np.nan  # one slice all missing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmedian(values, axis=axis)
    assert np.array_equal(quiet_nanmedian(values, axis=axis), expected, equal_nan=True)
    assert np.isnan(expected).any()
