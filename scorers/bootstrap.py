"""Item bootstrap for κw and α, vectorised across resamples.

Items are resampled with replacement and duplicates are kept (a resample is a vector of item
counts; the study's `isin(resampled_ids)` filter collapsed duplicates, which is not a
bootstrap). Every statistic here is written as a function of an item-weight matrix
(resamples × items), so B resamples cost one matrix product instead of B Python calls, and the
jackknife for BCa is the same function applied to the leave-one-out weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..datasets.levels import Level
from .alpha import (
    alpha_from_unit_weights,
    reliability_matrix,
    unit_coincidences,
)
from .arrays import FloatArray
from .kappa import kappa_from_moment_arrays

IntervalMethod = Literal["percentile", "bca"]
#: A statistic of weighted items: (R × n) item weights -> (R × S) values for S series.
WeightedStatistic = Callable[[FloatArray], FloatArray]

DEFAULT_RESAMPLES = 2000


def resample_counts(n_items: int, n_resamples: int, seed: int | None) -> FloatArray:
    """How often each item is drawn in each resample: B × n counts, rows summing to n.

    Args:
        n_items: Number of items.
        n_resamples: Number of bootstrap resamples B.
        seed: Seed of numpy's default generator (None for fresh entropy).
    """
    if n_items < 1 or n_resamples < 1:
        raise ValueError(f"need n_items ≥ 1 and n_resamples ≥ 1, got {n_items}, {n_resamples}")
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, n_items, size=(n_resamples, n_items))
    rows = np.repeat(np.arange(n_resamples), n_items)
    counts = np.bincount(rows * n_items + indices.ravel(), minlength=n_resamples * n_items)
    return counts.reshape(n_resamples, n_items).astype(np.float64)


def jackknife_weights(n_items: int) -> FloatArray:
    """Leave-one-out item weights: n × n ones with a zero diagonal."""
    return np.ones((n_items, n_items)) - np.eye(n_items)


@dataclass(frozen=True)
class BootstrapResult:
    """Point estimates and bootstrap intervals for S statistics on the same items.

    Attributes:
        estimate: Statistic on the original items, shape (S,).
        low: Lower interval bound, shape (S,).
        high: Upper interval bound, shape (S,).
        replicates: Bootstrap values, shape (B, S) (NaN where undefined in a resample).
        confidence: Interval coverage, e.g. 0.95.
        method: "percentile" or "bca".
        seed: Seed used for the resamples.
    """

    estimate: FloatArray
    low: FloatArray
    high: FloatArray
    replicates: FloatArray
    confidence: float
    method: IntervalMethod
    seed: int | None


def bootstrap(
    statistic: WeightedStatistic,
    n_items: int,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = 0,
    confidence: float = 0.95,
    method: IntervalMethod = "percentile",
    counts: FloatArray | None = None,
) -> BootstrapResult:
    """Bootstrap any weighted statistic over items.

    Args:
        statistic: Maps an (R × n) item-weight matrix to (R × S) statistics.
        n_items: Number of items n.
        n_resamples: Number of resamples B (ignored when `counts` is given).
        seed: Seed for the resamples.
        confidence: Coverage of the interval.
        method: "percentile", or "bca" (bias-corrected and accelerated, jackknife acceleration).
        counts: Precomputed resample counts (B × n), to share resamples between statistics.

    Returns:
        A `BootstrapResult`. Resamples where the statistic is undefined are ignored; if fewer
        than half the resamples are defined for a series, its interval is NaN.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if counts is None:
        counts = resample_counts(n_items, n_resamples, seed)
    estimate = np.atleast_1d(statistic(np.ones((1, n_items)))[0])
    replicates = statistic(counts)
    if replicates.ndim == 1:
        replicates = replicates[:, None]
    tail = (1.0 - confidence) / 2.0
    if method == "percentile":
        low_q = np.full(estimate.shape, tail)
        high_q = np.full(estimate.shape, 1.0 - tail)
    elif method == "bca":
        low_q, high_q = _bca_quantiles(statistic, n_items, estimate, replicates, tail)
    else:
        raise ValueError(f"unknown interval method {method!r}")
    low, high = _nan_quantile_columns(replicates, low_q, high_q)
    return BootstrapResult(estimate, low, high, replicates, confidence, method, seed)


def _nan_quantile_columns(replicates: FloatArray, *quantiles: FloatArray) -> list[FloatArray]:
    """Per-column quantiles, ignoring NaN; NaN when under half the column is defined.

    One sort of the replicates (NaN last) serves every quantile, each interpolated linearly like
    np.quantile's default method.
    """
    ordered = np.sort(replicates, axis=0)
    defined = (~np.isnan(replicates)).sum(axis=0)
    columns = np.arange(replicates.shape[1])
    last = np.maximum(defined - 1, 0)
    enough = defined >= max(2, replicates.shape[0] // 2)
    values: list[FloatArray] = []
    for q in quantiles:
        position = q * (defined - 1)
        below = np.clip(np.floor(position).astype(np.int64), 0, None)
        above = np.clip(below + 1, None, last)
        low_values = ordered[below, columns]
        high_values = ordered[above, columns]
        value = low_values + (high_values - low_values) * (position - below)
        values.append(np.where(enough & ~np.isnan(q), value, np.nan))
    return values


def _bca_quantiles(
    statistic: WeightedStatistic,
    n_items: int,
    estimate: FloatArray,
    replicates: FloatArray,
    tail: float,
) -> tuple[FloatArray, FloatArray]:
    normal = NormalDist()
    defined = ~np.isnan(replicates)
    below = np.where(defined, replicates < estimate[None, :], False).sum(axis=0)
    ties = np.where(defined, replicates == estimate[None, :], False).sum(axis=0)
    share = (below + 0.5 * ties) / np.maximum(defined.sum(axis=0), 1)
    share = np.clip(share, 1e-10, 1 - 1e-10)
    bias = np.array([normal.inv_cdf(float(p)) for p in share])
    jack = statistic(jackknife_weights(n_items))
    if jack.ndim == 1:
        jack = jack[:, None]
    centered = np.nanmean(jack, axis=0)[None, :] - jack
    with np.errstate(divide="ignore", invalid="ignore"):
        acceleration = np.nansum(centered**3, axis=0) / (
            6.0 * np.nansum(centered**2, axis=0) ** 1.5
        )
    acceleration = np.where(np.isfinite(acceleration), acceleration, 0.0)
    quantiles = []
    for z_tail in (normal.inv_cdf(tail), normal.inv_cdf(1.0 - tail)):
        shifted = bias + (bias + z_tail) / (1.0 - acceleration * (bias + z_tail))
        quantiles.append(np.array([normal.cdf(float(z)) for z in shifted]))
    invalid = np.isnan(estimate)
    return np.where(invalid, np.nan, quantiles[0]), np.where(invalid, np.nan, quantiles[1])


def _as_columns(values: ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name}: expected items × series, got shape {array.shape}")
    if np.isinf(array).any():
        raise ValueError(f"{name}: infinite rating")
    return array


def kappa_statistic(x: ArrayLike, y: ArrayLike) -> WeightedStatistic:
    """Value-based κw of S pairs of series as a weighted statistic.

    Args:
        x: items × S ratings (or a single series); NaN = missing.
        y: items × S ratings, same shape; a pair with a NaN gets weight zero.
    """
    xa = _as_columns(x, "x")
    ya = _as_columns(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y differ in shape: {xa.shape} vs {ya.shape}")
    valid = ~(np.isnan(xa) | np.isnan(ya))
    x0 = np.where(valid, xa, 0.0)
    y0 = np.where(valid, ya, 0.0)
    # items × (6·S): the per-item terms whose weighted sums κw needs.
    terms = np.concatenate(
        [valid.astype(np.float64), (x0 - y0) ** 2, x0, y0, x0 * x0, y0 * y0], axis=1
    )
    series = xa.shape[1]

    def statistic(weights: FloatArray) -> FloatArray:
        sums = np.asarray(weights, dtype=np.float64) @ terms
        parts = [sums[:, i * series : (i + 1) * series] for i in range(6)]
        return kappa_from_moment_arrays(*parts)

    return statistic


def nominal_kappa_statistic(x: ArrayLike, y: ArrayLike) -> WeightedStatistic:
    """Unweighted Cohen's κ of S pairs of label series as a weighted statistic.

    κ = (p_o − p_e) / (1 − p_e) with p_o the weighted share of items with equal labels and p_e
    the chance agreement from the weighted label margins; every term is a weighted sum over
    items, so a resample is a matrix product as for `kappa_statistic`. NaN where fewer than two
    pairs are complete or chance agreement is 1.

    Args:
        x: items × S labels (or a single series); NaN = missing.
        y: items × S labels, same shape.
    """
    xa = _as_columns(x, "x")
    ya = _as_columns(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y differ in shape: {xa.shape} vs {ya.shape}")
    valid = ~(np.isnan(xa) | np.isnan(ya))
    labels = np.unique(np.concatenate([xa[valid], ya[valid]]))
    series = xa.shape[1]
    k = max(labels.shape[0], 1)
    one_x = (np.where(valid, xa, np.nan)[:, :, None] == labels[None, None, :]).astype(np.float64)
    one_y = (np.where(valid, ya, np.nan)[:, :, None] == labels[None, None, :]).astype(np.float64)
    terms = np.concatenate(
        [
            valid.astype(np.float64),
            (valid & (xa == ya)).astype(np.float64),
            one_x.reshape(xa.shape[0], series * labels.shape[0]),
            one_y.reshape(xa.shape[0], series * labels.shape[0]),
        ],
        axis=1,
    )

    def statistic(weights: FloatArray) -> FloatArray:
        sums = np.asarray(weights, dtype=np.float64) @ terms
        n = sums[:, :series]
        agree = sums[:, series : 2 * series]
        width = series * labels.shape[0]
        margin_x = sums[:, 2 * series : 2 * series + width].reshape(-1, series, k)
        margin_y = sums[:, 2 * series + width :].reshape(-1, series, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            observed = agree / n
            expected = (margin_x * margin_y).sum(axis=2) / (n * n)
            kappa = (observed - expected) / (1.0 - expected)
        degenerate = (n < 2) | (1.0 - expected <= 1e-12)
        return np.asarray(np.where(degenerate, np.nan, kappa), dtype=np.float64)

    return statistic


def agreement_statistic(x: ArrayLike, y: ArrayLike, level: Level = "interval") -> WeightedStatistic:
    """The κ a level of measurement calls for, as a weighted statistic.

    Nominal scales get unweighted Cohen's κ (`nominal_kappa_statistic`); ordinal, interval and
    ratio scales the value-based quadratic weighted κ (`kappa_statistic`).
    """
    if level == "nominal":
        return nominal_kappa_statistic(x, y)
    return kappa_statistic(x, y)


def kappa_difference_statistic(
    reference: ArrayLike,
    candidate_a: ArrayLike,
    candidate_b: ArrayLike,
    level: Level | Sequence[Level] = "interval",
) -> WeightedStatistic:
    """κ(reference, a) − κ(reference, b) per series, as a weighted statistic.

    Only items where the reference and both candidates are present enter either κ, so the
    difference compares the candidates on the same items. κ is the one each series' level of
    measurement calls for (`agreement_statistic`): one level for every series, or one per series.
    """
    ref = _as_columns(reference, "reference")
    a = _as_columns(candidate_a, "candidate_a")
    b = _as_columns(candidate_b, "candidate_b")
    common = np.isnan(ref) | np.isnan(a) | np.isnan(b)
    ref = np.where(common, np.nan, ref)
    a = np.where(common, np.nan, a)
    b = np.where(common, np.nan, b)
    levels = [level] * ref.shape[1] if isinstance(level, str) else list(level)
    if len(levels) != ref.shape[1]:
        raise ValueError(f"{len(levels)} levels of measurement for {ref.shape[1]} series")
    nominal = np.array([lv == "nominal" for lv in levels], dtype=bool)
    parts = [
        (
            columns,
            agreement_statistic(ref[:, columns], a[:, columns], lv),
            agreement_statistic(ref[:, columns], b[:, columns], lv),
        )
        for columns, lv in _by_kind(nominal)
        if columns.size
    ]

    def statistic(weights: FloatArray) -> FloatArray:
        out = np.empty((np.asarray(weights).shape[0], ref.shape[1]))
        for columns, kappa_a, kappa_b in parts:
            out[:, columns] = kappa_a(weights) - kappa_b(weights)
        return out

    return statistic


def _by_kind(nominal: NDArray[np.bool_]) -> list[tuple[NDArray[np.intp], Level]]:
    """The weighted-κ columns and the nominal columns, each with the level that computes them."""
    return [(np.flatnonzero(~nominal), "interval"), (np.flatnonzero(nominal), "nominal")]


def alpha_statistic(data: ArrayLike, level: Level = "interval") -> WeightedStatistic:
    """Krippendorff's α of one raters × units matrix as a weighted statistic over units."""
    coincidences = unit_coincidences(reliability_matrix(data))

    def statistic(weights: FloatArray) -> FloatArray:
        return alpha_from_unit_weights(coincidences, weights, level).reshape(-1, 1)

    return statistic
