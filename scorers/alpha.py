"""Krippendorff's α: the reference implementation and a vectorised one for bootstrapping.

Convention for degenerate input (one rule everywhere in the project): α is NaN when fewer
than two units are *pairable* (rated by at least two raters) or when the pairable values are
all identical. In both cases expected disagreement is zero and α = 1 − D_o/D_e is undefined;
reporting 0 or 1 would be a made-up number.

`krippendorff_alpha` delegates to the `krippendorff` package. `alpha_from_unit_weights`
computes α from coincidence matrices for many unit weightings at once (bootstrap resamples,
jackknife), and is validated against the package in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..datasets.levels import LEVELS, Level
from .arrays import FloatArray


def reliability_matrix(data: ArrayLike) -> FloatArray:
    """Validate a raters × units matrix of ratings (NaN = missing) and return it as float64.

    Raises:
        ValueError: Not two-dimensional, not numeric, or containing ±inf.
    """
    try:
        matrix = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"reliability data must be numeric (NaN for missing): {error}") from error
    if matrix.ndim != 2:
        raise ValueError(f"reliability data must be raters × units, got shape {matrix.shape}")
    if np.isinf(matrix).any():
        rater, unit = (int(i) for i in np.argwhere(np.isinf(matrix))[0])
        raise ValueError(f"infinite rating for rater {rater}, unit {unit}")
    return matrix


def _check_level(level: str) -> Level:
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; expected one of {LEVELS}")
    return level


def is_degenerate(data: ArrayLike) -> bool:
    """Whether α is undefined: < 2 pairable units, or all pairable values identical."""
    matrix = reliability_matrix(data)
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if pairable.sum() < 2:
        return True
    values = matrix[:, pairable]
    values = values[~np.isnan(values)]
    return bool(np.unique(values).shape[0] < 2)


def krippendorff_alpha(data: ArrayLike, level: Level = "interval") -> float:
    """Krippendorff's α among any number of raters, with missing values.

    Args:
        data: Raters × units matrix; NaN marks a missing rating.
        level: Level of measurement: "nominal", "ordinal", "interval" or "ratio".

    Returns:
        α, or NaN for degenerate input (see the module docstring).
    """
    import krippendorff  # imported lazily: only this function needs the package

    matrix = reliability_matrix(data)
    _check_level(level)
    if is_degenerate(matrix):
        return float("nan")
    # Ordinal/nominal α depend only on the order/identity of values; passing the sorted
    # domain explicitly keeps fractional values (crowd means) from being re-binned.
    domain = np.unique(matrix[~np.isnan(matrix)])
    return float(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement=level, value_domain=domain)
    )


@dataclass(frozen=True)
class UnitCoincidences:
    """Per-unit coincidence matrices: the sufficient statistics of α over a set of units.

    Attributes:
        values: The k sorted distinct values rated (pairable units only).
        per_unit: units × k × k; entry (u, c, d) = Σ over ordered pairs of distinct raters of
            unit u with values (c, d), divided by (m_u − 1). Unpairable units are all zero.
    """

    values: FloatArray
    per_unit: FloatArray


def unit_coincidences(data: ArrayLike) -> UnitCoincidences:
    """Coincidence matrix of every unit, so that any weighting of units is one product.

    Args:
        data: Raters × units matrix; NaN marks a missing rating.
    """
    matrix = reliability_matrix(data)
    present = ~np.isnan(matrix)
    values = np.unique(matrix[present])
    k = values.shape[0]
    # counts[u, c]: how many raters gave unit u the value c.
    unit_index, value_index = np.nonzero(present.T)
    codes = np.searchsorted(values, matrix.T[unit_index, value_index])
    counts = np.zeros((matrix.shape[1], k), dtype=np.float64)
    np.add.at(counts, (unit_index, codes), 1.0)
    m = counts.sum(axis=1)
    pairs = counts[:, :, None] * counts[:, None, :]
    diagonal = np.arange(k)
    pairs[:, diagonal, diagonal] -= counts  # a rating is not paired with itself
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where((m >= 2)[:, None, None], pairs / (m - 1)[:, None, None], 0.0)
    return UnitCoincidences(values=values, per_unit=per_unit)


def _distance(values: FloatArray, totals: FloatArray, level: Level) -> FloatArray:
    """δ² between values (k,) given value totals n_c (..., k); shape (..., k, k)."""
    c = values[:, None]
    d = values[None, :]
    if level == "nominal":
        delta = (c != d).astype(np.float64)
        return np.broadcast_to(delta, (*totals.shape[:-1], *delta.shape)).copy()
    if level == "interval":
        delta = (c - d) ** 2
        return np.broadcast_to(delta, (*totals.shape[:-1], *delta.shape)).copy()
    if level == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(c + d == 0, 0.0, ((c - d) / (c + d)) ** 2)
        return np.broadcast_to(delta, (*totals.shape[:-1], *delta.shape)).copy()
    # ordinal: (Σ_{g=c..d} n_g − (n_c + n_d)/2)², which depends on the weighted value totals.
    cumulative = np.cumsum(totals, axis=-1)
    upper = np.maximum(np.arange(values.shape[0])[:, None], np.arange(values.shape[0])[None, :])
    lower = np.minimum(np.arange(values.shape[0])[:, None], np.arange(values.shape[0])[None, :])
    between = cumulative[..., upper] - cumulative[..., lower] + totals[..., lower]
    half = (totals[..., :, None] + totals[..., None, :]) / 2.0
    return np.asarray((between - half) ** 2, dtype=np.float64)


def alpha_from_unit_weights(
    coincidences: UnitCoincidences, weights: ArrayLike, level: Level = "interval"
) -> FloatArray:
    """α for every row of a units-weight matrix (e.g. bootstrap counts), vectorised.

    A unit with weight w counts as w copies of that unit, which is what resampling units with
    replacement does (duplicates kept).

    Args:
        coincidences: From `unit_coincidences`.
        weights: R × units matrix (or a single vector of length units).
        level: Level of measurement.

    Returns:
        α per row (shape (R,), or a 0-d array for a vector); NaN where degenerate.
    """
    _check_level(level)
    w = np.asarray(weights, dtype=np.float64)
    per_unit = coincidences.per_unit
    units, k = per_unit.shape[0], per_unit.shape[1]
    if w.shape[-1] != units:
        raise ValueError(f"weights have {w.shape[-1]} units, the data {units}")
    rows = w.reshape(-1, units)
    if level == "ordinal":
        # δ² depends on the weighted value totals of each row: it needs each row's k × k.
        observed = (rows @ per_unit.reshape(units, k * k)).reshape(-1, k, k)
        totals = observed.sum(axis=2)
        delta = _distance(coincidences.values, totals, level)
        disagreement_observed = (observed * delta).sum(axis=(1, 2))
        disagreement_expected = (totals[:, :, None] * totals[:, None, :] * delta).sum(axis=(1, 2))
    else:
        # δ² is fixed: a unit's observed disagreement is one number and the totals one row,
        # so R rows cost two products with the units instead of R k × k matrices.
        delta = _distance(coincidences.values, np.zeros((k,)), level)
        totals = rows @ per_unit.sum(axis=2)
        disagreement_observed = rows @ (per_unit.reshape(units, k * k) @ delta.reshape(k * k))
        disagreement_expected = ((totals @ delta) * totals).sum(axis=1)
    n = totals.sum(axis=1)
    n_pairable = (rows * (per_unit.sum(axis=(1, 2)) > 0)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * disagreement_observed / disagreement_expected
    degenerate = (disagreement_expected <= 0) | (n_pairable < 2)
    result = np.where(degenerate, np.nan, alpha)
    return result.reshape(w.shape[:-1]) if w.ndim > 1 else result.reshape(())


#: Columns of `interval_alpha_terms`: observed disagreement, pairable values, their sum, their
#: sum of squares (each value less a constant), pairable units.
INTERVAL_TERMS = 5


def interval_alpha_terms(data: ArrayLike) -> FloatArray:
    """Per-unit sums from which interval α of any weighting of units is a few products.

    With δ² = (c − d)², α = 1 − (n − 1)·D / E needs only sums over units: D = Σ_u D_u with
    D_u = Σ over ordered pairs of distinct raters (v_i − v_j)² / (m_u − 1), and E =
    Σ_c Σ_d n_c n_d (c − d)² = 2(n·S2 − S1²) from the pairable values' count n, sum S1 and
    sum of squares S2. Values are taken less the first value rated (α does not change when
    every value shifts), which keeps S2 small and makes E exactly 0 when every value is the
    same. This is `unit_coincidences` + `alpha_from_unit_weights` at "interval" without the
    units × k × k coincidences.

    Args:
        data: Raters × units matrix; NaN marks a missing rating.

    Returns:
        units × `INTERVAL_TERMS`: D_u, m_u, Σ v, Σ v², 1 for pairable units (m_u ≥ 2), each 0
        for units with fewer than two ratings; see `alpha_from_interval_sums`.
    """
    matrix = reliability_matrix(data)
    present = ~np.isnan(matrix)
    shift = matrix[present][0] if present.any() else 0.0
    values = np.where(present, matrix - shift, 0.0)
    m = present.sum(axis=0).astype(np.float64)
    pairable = m >= 2
    n_raters = matrix.shape[0]
    pairs = np.zeros(matrix.shape[1])
    for i in range(n_raters):
        for j in range(i + 1, n_raters):
            both = present[i] & present[j]
            pairs += np.where(both, (values[i] - values[j]) ** 2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.where(pairable, 2.0 * pairs / (m - 1.0), 0.0)
    keep = pairable.astype(np.float64)
    return np.column_stack(
        [
            observed,
            m * keep,
            values.sum(axis=0) * keep,
            (values * values).sum(axis=0) * keep,
            keep,
        ]
    )


def alpha_from_interval_sums(sums: FloatArray) -> FloatArray:
    """Interval α from weighted sums of `interval_alpha_terms` (..., `INTERVAL_TERMS`).

    Returns:
        α per row; NaN where fewer than two pairable units carry weight or every value is the
        same (no expected disagreement).
    """
    observed, n, s1, s2, units = (sums[..., i] for i in range(INTERVAL_TERMS))
    expected = 2.0 * (n * s2 - s1 * s1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    # E is a difference of sums: below this it is rounding, i.e. no variation at all.
    tiny = 1e-12 * np.maximum(n * s2, 1e-300)
    return np.asarray(np.where((expected <= tiny) | (units < 2), np.nan, alpha), dtype=np.float64)


def alpha_fast(data: ArrayLike, level: Level = "interval") -> float:
    """α through the vectorised coincidence path (same value as `krippendorff_alpha`)."""
    matrix = reliability_matrix(data)
    coincidences = unit_coincidences(matrix)
    return float(alpha_from_unit_weights(coincidences, np.ones(matrix.shape[1]), level))


def framework_mean(values: Sequence[float]) -> float:
    """Mean α over a framework's sub-components, ignoring NaN (undefined) entries."""
    array = np.asarray(values, dtype=np.float64)
    if np.isnan(array).all():
        return float("nan")
    return float(np.nanmean(array))
