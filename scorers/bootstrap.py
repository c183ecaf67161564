"""Item bootstrap for κw and α, vectorised across resamples.

Items are resampled with replacement and duplicates are kept (a resample is a vector of item
counts; the study's `isin(resampled_ids)` filter collapsed duplicates, which is not a
bootstrap). Every statistic here is written as a function of an item-weight matrix
(resamples × items), so B resamples cost one matrix product instead of B Python calls, and the
jackknife for BCa is the same function applied to the leave-one-out weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Imported here, not lazily: scipy brings its own BLAS, which must be loaded before the in-run
# metric's thread limiter (`scorers.metrics.one_blas_thread`) takes stock of the BLAS libraries.
from scipy.special import stdtr, stdtrit

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
    low = _nan_quantile_columns(replicates, low_q)
    high = _nan_quantile_columns(replicates, high_q)
    return BootstrapResult(estimate, low, high, replicates, confidence, method, seed)


def _nan_quantile_columns(replicates: FloatArray, quantiles: FloatArray) -> FloatArray:
    """Per-column quantile, ignoring NaN; NaN when under half the column is defined."""
    # Sort once (NaN last) and interpolate linearly like np.quantile's default method.
    ordered = np.sort(replicates, axis=0)
    defined = (~np.isnan(replicates)).sum(axis=0)
    position = quantiles * (defined - 1)
    below = np.clip(np.floor(position).astype(np.int64), 0, None)
    above = np.clip(below + 1, None, np.maximum(defined - 1, 0))
    columns = np.arange(replicates.shape[1])
    fraction = position - below
    low_values = ordered[below, columns]
    high_values = ordered[above, columns]
    value = low_values + (high_values - low_values) * fraction
    enough = (defined >= max(2, replicates.shape[0] // 2)) & ~np.isnan(quantiles)
    return np.where(enough, value, np.nan)


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


@dataclass(frozen=True)
class JackknifeInterval:
    """A skewness-corrected jackknife-t interval for S statistics (NaN where undefined).

    Attributes:
        estimate: θ̂, shape (S,).
        low: Lower bound, shape (S,).
        high: Upper bound, shape (S,).
        std_error: Jackknife standard error, shape (S,).
        skewness: Sample skewness of the jackknife pseudo-values, shape (S,).
        df: Degrees of freedom of the Student t quantiles, shape (S,).
        n_items: Items each statistic depends on, shape (S,).
        confidence: Two-sided coverage.
        pseudo_values: The jackknife pseudo-values the interval was drawn from, items × S (NaN
            on the items a statistic does not depend on): what a plan resamples.
        pooled: Per statistic, whether its skewness and df are a shape shared with other
            statistics (pooled over a family, or given) rather than its own pseudo-values'
            alone; such a shape is read as it is, an own shape only widened (module doc of
            `pseudo_value_interval`). Shape (S,); None means no statistic's.
    """

    estimate: FloatArray
    low: FloatArray
    high: FloatArray
    std_error: FloatArray
    skewness: FloatArray
    df: FloatArray
    n_items: FloatArray
    confidence: float
    pseudo_values: FloatArray | None = field(default=None, repr=False, compare=False)
    pooled: NDArray[np.bool_] | None = field(default=None, repr=False, compare=False)

    def _widened(self) -> NDArray[np.bool_]:
        if self.pooled is None:
            return np.ones(self.estimate.shape, dtype=bool)
        return ~self.pooled

    def p_greater(self, value: float) -> FloatArray:
        """One-sided p-value of "θ ≤ value" (small: θ > value), consistent with the bounds.

        ``low > value`` exactly when ``p_greater(value) < (1 − confidence) / 2``.
        """
        t = _safe_ratio(self.estimate - value, self.std_error)
        g = _hall(t, self)
        return np.asarray(
            stdtr(self.df, -np.where(self._widened(), np.minimum(g, t), g)), dtype=np.float64
        )

    def p_less(self, value: float) -> FloatArray:
        """One-sided p-value of "θ ≥ value" (small: θ < value), consistent with the bounds."""
        t = _safe_ratio(self.estimate - value, self.std_error)
        g = _hall(t, self)
        return np.asarray(
            stdtr(self.df, np.where(self._widened(), np.maximum(g, t), g)), dtype=np.float64
        )


def _safe_ratio(a: FloatArray, b: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(b > 0, a / np.where(b > 0, b, 1.0), np.sign(a) * np.inf))


def _hall_u(skewness: ArrayLike, n_items: ArrayLike) -> tuple[FloatArray, FloatArray]:
    root_n = np.sqrt(np.maximum(np.asarray(n_items, dtype=np.float64), 1.0))
    gamma = np.nan_to_num(np.asarray(skewness, dtype=np.float64))
    return gamma / (3.0 * root_n), gamma / (6.0 * root_n)


def _hall(t: FloatArray, interval: JackknifeInterval) -> FloatArray:
    """Hall's (1992) monotone cubic that removes the t statistic's skewness: g(t) ≈ t_df.

    g(t) = ((1 + u·t)³ − 1)/(3u) + b, written out as t·(1 + u·t·(1 + u·t/3)) + b so that it
    stays exact as u → 0 (no skewness). g is increasing (g′ = (1 + u·t)²), so g(±∞) = ±∞: an
    infinite t (a zero standard error) stays infinite.
    """
    u, b = _hall_u(interval.skewness, interval.n_items)
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ut = u * t
        value = t * (1.0 + ut * (1.0 + ut / 3.0)) + b
    return np.asarray(np.where(np.isinf(t), t, value))


def _hall_inverse(y: FloatArray, skewness: ArrayLike, n_items: ArrayLike) -> FloatArray:
    """g⁻¹(y) = (∛(1 + 3u(y − b)) − 1)/u, as 3(y − b)/(c² + c + 1) with c the cube root.

    The two are equal (c³ − 1 = (c − 1)(c² + c + 1)); the second loses no digits when u is
    small and needs no special case at u = 0. g⁻¹(±∞) = ±∞.
    """
    u, b = _hall_u(skewness, n_items)
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        c = np.cbrt(1.0 + 3.0 * u * (y - b))
        value = 3.0 * (y - b) / (c * c + c + 1.0)
    return np.asarray(np.where(np.isinf(y), y, value))


def effective_df(n_items: ArrayLike, kurtosis: ArrayLike) -> FloatArray:
    """The jackknife-t interval's degrees of freedom: 2 / (2/(m − 1) + max(κ₄, 0)/m)."""
    m = np.asarray(n_items, dtype=np.float64)
    excess = np.maximum(np.nan_to_num(np.asarray(kurtosis, dtype=np.float64)), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(
            2.0 / (2.0 / np.maximum(m - 1.0, 1.0) + excess / np.maximum(m, 1.0)), dtype=np.float64
        )


def bound_multipliers(
    df: ArrayLike,
    skewness: ArrayLike,
    n_items: ArrayLike,
    confidence: float,
    *,
    widen_only: ArrayLike = True,
) -> tuple[FloatArray, FloatArray]:
    """How many standard errors the jackknife-t interval reaches below and above θ̂.

    The bounds of `jackknife_t_interval` are θ̂ − q_low·s and θ̂ + q_high·s, with
    q_low = g⁻¹(t) and q_high = −g⁻¹(−t) for t the Student quantile at `df` and g Hall's
    transformation at the given skewness and items; where `widen_only`, each is at least t
    (the correction may widen a side, never narrow it). Exposed so that a plan can redraw the
    interval at another number of items.

    Returns:
        (q_low, q_high), broadcast over the inputs.
    """
    quantile = stdtrit(np.asarray(df, dtype=np.float64), 1.0 - (1.0 - confidence) / 2.0)
    q_low = _hall_inverse(quantile, skewness, n_items)
    q_high = -_hall_inverse(-quantile, skewness, n_items)
    widen = np.asarray(widen_only, dtype=bool)
    q_low = np.where(widen, np.maximum(q_low, quantile), q_low)
    q_high = np.where(widen, np.maximum(q_high, quantile), q_high)
    return np.asarray(q_low, dtype=np.float64), np.asarray(q_high, dtype=np.float64)


def jackknife_t_interval(
    estimate: ArrayLike,
    leave_one_out: ArrayLike,
    relevant: ArrayLike,
    confidence: float = 0.95,
    *,
    shape_groups: ArrayLike | None = None,
) -> JackknifeInterval:
    """Skewness-corrected jackknife-t interval of S statistics from their leave-one-out values.

    With m relevant items, pseudo-values p_i = m·θ̂ − (m − 1)·θ_(i), the jackknife standard
    error s = sd(p)/√m, their skewness γ and excess kurtosis κ₄ (sample moment ratios with
    Joanes & Gill's (1998) small-sample adjustment, G1 and G2), the pivot T = (θ̂ − θ)/s is
    made symmetric by Hall's (1992) transformation g(T) = T + γT²/(3√m) + γ²T³/(27m) +
    γ/(6√m) and referred to Student's t with the effective degrees of freedom of the variance
    estimate, df = 2 / (2/(m − 1) + max(κ₄, 0)/m). The bounds are θ̂ − g⁻¹(±t_df)·s.

    Why: a κ difference has left-skewed pseudo-values (a few items where one rater disagrees a
    lot); a sample that happens to lack them has both a higher θ̂ and a smaller s, so a
    symmetric (or percentile) interval calls a lucky candidate "above" too often. The
    correction lowers the lower bound where the pseudo-values are skewed, and the t quantile
    widens both where they are heavy-tailed. No resampling: the leave-one-out values come from
    `jackknife_weights`. ``benchmarks/bench_verdicts.py`` measures it.

    **The shape (γ, κ₄) of a family.** Fifty pseudo-values estimate their own skewness and
    kurtosis poorly, and too small just where it matters (a sample without the rare large
    disagreements looks symmetric), so columns given the same `shape_groups` label share one
    shape: γ and κ₄ of their standardised pseudo-values pooled (e.g. a framework's
    sub-components: the same items, raters and kind of scale). Each keeps its own θ̂, s and
    m. A column with its own shape only (no group, or the only one of its group) is read more
    cautiously: each bound is widened to the plain jackknife-t bound θ̂ ∓ t_df·s where that
    one is wider (its skewness can even have the wrong sign).

    Args:
        estimate: θ̂, shape (S,).
        leave_one_out: θ_(i), shape (items, S).
        relevant: Whether statistic s depends on item i, shape (items, S); other rows are
            ignored.
        confidence: Two-sided coverage.
        shape_groups: Per column an integer label; columns with the same label ≥ 0 share
            their shape. None (or −1): each its own.

    Returns:
        The interval, with its pseudo-values (`JackknifeInterval.pseudo_values`); NaN where θ̂
        or a relevant θ_(i) is undefined, or under 3 relevant items.
    """
    theta = np.atleast_1d(np.asarray(estimate, dtype=np.float64))
    values = np.asarray(leave_one_out, dtype=np.float64)
    mask = np.asarray(relevant, dtype=bool)
    m = mask.sum(axis=0).astype(np.float64)
    pseudo = m[None, :] * theta[None, :] - (m[None, :] - 1.0) * values
    undefined = np.isnan(theta) | (mask & np.isnan(values)).any(axis=0)
    return pseudo_value_interval(
        theta, pseudo, mask, confidence, undefined=undefined, shape_groups=shape_groups
    )


@dataclass(frozen=True)
class _Moments:
    """Per column: items, variance and shape of the pseudo-values (on the mask)."""

    m: FloatArray
    variance: FloatArray
    skewness: FloatArray
    kurtosis: FloatArray


def _moments(
    values: FloatArray, mask: NDArray[np.bool_] | None, *, with_shape: bool = True
) -> _Moments:
    """Per column, on the rows of `mask` (None: every row, read as it is, NaN included).

    Without `with_shape` (a given shape), skewness and kurtosis are NaN, not computed.
    """
    if mask is None:
        m = np.full(values.shape[1], float(values.shape[0]))
        safe_m = np.maximum(m, 1.0)
        dev = values - values.mean(axis=0)
    else:
        m = mask.sum(axis=0).astype(np.float64)
        safe_m = np.maximum(m, 1.0)
        pseudo = np.where(mask, np.nan_to_num(values), 0.0)
        centre = pseudo.sum(axis=0) / safe_m
        dev = np.where(mask, pseudo - centre[None, :], 0.0)
    squares = dev * dev
    if not with_shape:
        unknown = np.full(m.shape, np.nan)
        variance = squares.sum(axis=0) / np.maximum(m - 1.0, 1.0)
        return _Moments(m, variance, unknown, unknown)
    m2 = squares.sum(axis=0) / safe_m
    m3 = (squares * dev).sum(axis=0) / safe_m
    m4 = (squares * squares).sum(axis=0) / safe_m
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = squares.sum(axis=0) / np.maximum(m - 1.0, 1.0)
        g1 = np.where(m2 > 0, m3 / m2**1.5, 0.0)
        g2 = np.where(m2 > 0, m4 / m2**2 - 3.0, 0.0)
        # Joanes & Gill's (1998) G1 and G2: the moment ratios g1, g2 adjusted for their
        # small-sample bias (scipy's `skew`/`kurtosis` with bias=False). g1 and g2 are too small
        # at 25 items, and the interval's skewness and df are read from them.
        small = m > 3
        skewness = np.where(small, g1 * np.sqrt(m * (m - 1.0)) / (m - 2.0), g1)
        kurtosis = np.where(small, ((m + 1.0) * g2 + 6.0) * (m - 1.0) / ((m - 2.0) * (m - 3.0)), g2)
    return _Moments(m, variance, skewness, kurtosis)


def _pooled_shape(
    moments: _Moments, groups: NDArray[np.int_], usable: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Skewness and kurtosis of each group's standardised pseudo-values, put together.

    A column's standardised values z = dev / sd have Σz² = m, Σz³ = m·g1 and Σz⁴ = m·(g2 + 3)
    for its moment ratios g1, g2, so the m-weighted mean of the members' own shapes is the shape
    of their standardised values put together (one bincount over the group labels, however many
    groups); each member's γ and κ₄ carry the small-sample adjustment for its own m.

    Returns (skewness, kurtosis, pooled) per column; a column outside every group of two or
    more usable columns keeps its own shape (pooled False).
    """
    member = usable & (groups >= 0)
    labels = np.where(member, groups, 0)
    size = int(labels.max(initial=0)) + 1
    weight = np.where(member, moments.m, 0.0)
    count = np.bincount(labels, weights=weight, minlength=size)
    members = np.bincount(labels, weights=member.astype(np.float64), minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = np.bincount(labels, weights=weight * moments.skewness, minlength=size) / count
        kappa = np.bincount(labels, weights=weight * moments.kurtosis, minlength=size) / count
    pooled = member & (members[labels] >= 2)
    skewness = np.where(pooled, gamma[labels], moments.skewness)
    kurtosis = np.where(pooled, kappa[labels], moments.kurtosis)
    return skewness, kurtosis, pooled


def pseudo_value_interval(
    estimate: ArrayLike,
    pseudo_values: ArrayLike,
    relevant: ArrayLike | None = None,
    confidence: float = 0.95,
    *,
    undefined: ArrayLike | None = None,
    shape_groups: ArrayLike | None = None,
    shape: tuple[float, float] | None = None,
) -> JackknifeInterval:
    """The jackknife-t interval of `jackknife_t_interval` from pseudo-values already computed.

    The one place the interval is drawn from pseudo-values (their mean, standard error,
    skewness and kurtosis → `bound_multipliers` at `effective_df`): `jackknife_t_interval`
    calls it on a sample's own pseudo-values, and a plan (`scorers.sample_size`) on columns
    of pseudo-values resampled from a pilot, one column per simulated study.

    Args:
        estimate: θ̂ per column, shape (S,) (a resampled study: the mean of its pseudo-values).
        pseudo_values: items × S; rows that are not relevant are ignored.
        relevant: items × S booleans (default: every row of every column, a NaN making its
            column NaN).
        confidence: Two-sided coverage.
        undefined: Columns whose interval is NaN whatever their values, shape (S,).
        shape_groups: Columns that share their shape (`jackknife_t_interval`).
        shape: A given shape (skewness, excess kurtosis) for every column, read as a shared
            one (a plan's studies of a verdict whose shape was pooled).

    Returns:
        The interval (NaN where undefined or under 3 relevant items), its pseudo-values NaN
        outside `relevant`.
    """
    theta = np.atleast_1d(np.asarray(estimate, dtype=np.float64))
    values = np.asarray(pseudo_values, dtype=np.float64)
    mask = None if relevant is None else np.asarray(relevant, dtype=bool)
    moments = _moments(values, mask, with_shape=shape is None)
    m = moments.m
    bad = np.isnan(theta) | (m < 3)
    if undefined is not None:
        bad = bad | np.asarray(undefined, dtype=bool)
    if shape is not None:
        skewness = np.full(theta.shape, float(shape[0]))
        kurtosis = np.full(theta.shape, float(shape[1]))
        pooled = np.ones(theta.shape, dtype=bool)
    elif shape_groups is not None:
        groups = np.broadcast_to(np.asarray(shape_groups, dtype=np.int_), theta.shape)
        usable = ~bad & (moments.variance > 0)
        skewness, kurtosis, pooled = _pooled_shape(moments, groups, usable)
    else:
        skewness, kurtosis = moments.skewness, moments.kurtosis
        pooled = np.zeros(theta.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        std_error = np.sqrt(moments.variance / np.maximum(m, 1.0))
        df = effective_df(m, kurtosis)
    q_low, q_high = bound_multipliers(
        np.where(bad, 1.0, df), skewness, m, confidence, widen_only=~pooled
    )
    low = theta - q_low * std_error
    high = theta + q_high * std_error
    return JackknifeInterval(
        estimate=theta,
        low=np.where(bad, np.nan, low),
        high=np.where(bad, np.nan, high),
        std_error=np.where(bad, np.nan, std_error),
        skewness=np.where(bad, np.nan, skewness),
        df=np.where(bad, np.nan, df),
        n_items=m,
        confidence=confidence,
        pseudo_values=values if mask is None else np.where(mask, values, np.nan),
        pooled=pooled,
    )
