"""The skewness-corrected jackknife-t interval: what the like-for-like verdict is read from.

From leave-one-out values (`jackknife_t_interval`) or pseudo-values already computed
(`pseudo_value_interval`, also what a plan redraws at other sample sizes): the pseudo-values'
mean, standard error, skewness and kurtosis (with their small-sample adjustment) give Hall's
(1992) skewness-corrected t bounds at the variance estimate's effective degrees of freedom;
columns of one family can share their shape. `JackknifeInterval` carries the bounds and the
p-values consistent with them. The leave-one-out weights themselves are
`scorers.bootstrap.jackknife_weights`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Imported here, not lazily: scipy brings its own BLAS, which must be loaded before the in-run
# metric's thread limiter (`scorers.metrics.one_blas_thread`) takes stock of the BLAS libraries.
from scipy.special import stdtr, stdtrit

from .arrays import FloatArray


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
