"""Quadratic weighted Cohen's κ, value-based and exactly as the study computed it.

Two variants:

* `weighted_kappa` weighs disagreements by squared numeric distance,
  κw = 1 − n·Σ(xᵢ−yᵢ)² / ΣᵢΣⱼ(xᵢ−yⱼ)², which is defined for fractional ratings (crowd means)
  as well as integer ones.
* `paper_weighted_kappa` reproduces Kumar et al. (2025): both series ×100 and rounded, a
  contingency table over the sorted union of the values observed, quadratic weights by category
  *index* (not by value), and statsmodels' asymptotic variance with z = κ/√var. With integer
  ratings and every scale point observed the two agree; with crowd means they do not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .arrays import FloatArray
from .pairs import paired_ratings


def weighted_kappa(x: ArrayLike, y: ArrayLike) -> float:
    """Value-based quadratic weighted κ between two series on the same items.

    Pairs with a missing value (NaN) are dropped; use `weighted_kappa_n` to get the count.

    Args:
        x: Ratings of the first annotator.
        y: Ratings of the second annotator, same items in the same order.

    Returns:
        κw, or NaN when fewer than two complete pairs remain or both series are one constant
        (no disagreement is possible, so chance agreement is undefined).
    """
    return weighted_kappa_n(x, y)[0]


def weighted_kappa_n(x: ArrayLike, y: ArrayLike) -> tuple[float, int]:
    """Value-based quadratic weighted κ and the number of complete pairs it used.

    Args:
        x: Ratings of the first annotator.
        y: Ratings of the second annotator, same items in the same order.

    Returns:
        (κw, n). κw is NaN when n < 2 or the expected disagreement is zero.
    """
    pairs = paired_ratings(x, y)
    return kappa_from_moments(*_moments(pairs.x, pairs.y)), pairs.n


def _moments(x: FloatArray, y: FloatArray) -> tuple[float, float, float, float, float, float]:
    return (
        float(x.shape[0]),
        float(np.sum((x - y) ** 2)),
        float(np.sum(x)),
        float(np.sum(y)),
        float(np.sum(x * x)),
        float(np.sum(y * y)),
    )


def kappa_from_moments(
    n: ArrayLike, sum_d2: ArrayLike, sx: ArrayLike, sy: ArrayLike, sxx: ArrayLike, syy: ArrayLike
) -> float:
    """κw from the six sums it depends on (see `kappa_from_moment_arrays`)."""
    return float(kappa_from_moment_arrays(n, sum_d2, sx, sy, sxx, syy))


def kappa_from_moment_arrays(
    n: ArrayLike, sum_d2: ArrayLike, sx: ArrayLike, sy: ArrayLike, sxx: ArrayLike, syy: ArrayLike
) -> FloatArray:
    """Value-based κw from sums, element-wise; the basis of the vectorised bootstrap.

    ΣᵢΣⱼ(xᵢ−yⱼ)² = n·Σx² + n·Σy² − 2·Σx·Σy, so κw needs only n, Σ(x−y)², Σx, Σy, Σx², Σy²;
    these are linear in item weights, so a resample is a matrix product.

    Args:
        n: Number of (weighted) complete pairs.
        sum_d2: Σ(xᵢ−yᵢ)².
        sx: Σx.
        sy: Σy.
        sxx: Σx².
        syy: Σy².

    Returns:
        κw; NaN where n < 2 or the expected disagreement is zero.
    """
    n_a = np.asarray(n, dtype=np.float64)
    expected = n_a * np.asarray(sxx) + n_a * np.asarray(syy) - 2.0 * np.asarray(sx) * np.asarray(sy)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = 1.0 - n_a * np.asarray(sum_d2) / expected
    # Rounding can leave a tiny positive residue where the true expected disagreement is 0.
    degenerate = (n_a < 2) | (expected <= 1e-12 * np.maximum(n_a * n_a, 1.0))
    return np.asarray(np.where(degenerate, np.nan, kappa), dtype=np.float64)


@dataclass(frozen=True)
class PaperKappa:
    """Quadratic weighted κ as computed in Kumar et al. (2025).

    Attributes:
        kappa: κw over the ×100-rounded values, category-index weights.
        std_error: √ of statsmodels' asymptotic variance (`var_kappa`).
        z: kappa / std_error (the authors' z, not statsmodels' z under H0).
        p_value: Two-sided normal p-value of z.
        n: Number of complete pairs.
        n_dropped: Pairs dropped for a missing value.
        n_categories: Size of the contingency table (distinct values observed).
    """

    kappa: float
    std_error: float
    z: float
    p_value: float
    n: int
    n_dropped: int
    n_categories: int


def _normal_two_sided_p(z: float) -> float:
    # 2·(1 − Φ(|z|)) = erfc(|z|/√2); erfc keeps precision in the tail.
    return math.erfc(abs(z) / math.sqrt(2.0))


def contingency_table(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.int64], FloatArray]:
    """Counts of (x, y) value pairs over the sorted union of observed values.

    Args:
        x: Row ratings (complete pairs only).
        y: Column ratings.

    Returns:
        (table, categories): a k×k count matrix and the k sorted distinct values.
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    categories = np.unique(np.concatenate([xa, ya]))
    k = categories.shape[0]
    rows = np.searchsorted(categories, xa)
    cols = np.searchsorted(categories, ya)
    table = np.bincount(rows * k + cols, minlength=k * k).reshape(k, k)
    return table.astype(np.int64), categories


def paper_weighted_kappa(x: ArrayLike, y: ArrayLike, *, scale: float = 100.0) -> PaperKappa:
    """κw, standard error and p-value exactly as the study's notebook computed them.

    Both series are multiplied by `scale` and rounded to integers (half to even, like pandas),
    pairs with a missing value are dropped, the contingency table spans the sorted union of the
    values observed, and the quadratic weights are (i−j)²/(k−1)² by category index — what
    `statsmodels.stats.inter_rater.cohens_kappa(table, wt="quadratic")` does. The variance is
    statsmodels' `var_kappa` (Fleiss, Cohen & Everitt), and z = κ/√var_kappa as in the notebook.

    Args:
        x: Ratings of the first annotator.
        y: Ratings of the second annotator, same items in the same order.
        scale: Multiplier before rounding (100 in the study).

    Returns:
        A `PaperKappa`; every statistic is NaN when fewer than two categories are observed.
    """
    pairs = paired_ratings(x, y)
    xr = np.round(pairs.x * scale)
    yr = np.round(pairs.y * scale)
    nan = float("nan")
    if pairs.n == 0:
        return PaperKappa(nan, nan, nan, nan, 0, pairs.n_dropped, 0)
    table, categories = contingency_table(xr, yr)
    k = categories.shape[0]
    if k < 2:
        return PaperKappa(nan, nan, nan, nan, pairs.n, pairs.n_dropped, k)
    kappa, variance = _statsmodels_weighted_kappa(table.astype(np.float64))
    std_error = math.sqrt(variance) if variance > 0 else nan
    z = kappa / std_error if std_error == std_error and std_error != 0 else nan
    p_value = _normal_two_sided_p(z) if z == z else nan
    return PaperKappa(kappa, std_error, z, p_value, pairs.n, pairs.n_dropped, k)


def _statsmodels_weighted_kappa(table: FloatArray) -> tuple[float, float]:
    """κ and var_kappa of statsmodels' `cohens_kappa(table, wt="quadratic")`, in numpy."""
    k = table.shape[0]
    index = np.arange(k, dtype=np.float64)
    weights = (index[:, None] - index[None, :]) ** 2 / (k - 1) ** 2
    nobs = table.sum()
    freqs = table / nobs
    freq_row = table.sum(axis=1) / nobs
    freq_col = table.sum(axis=0) / nobs
    prob_exp = freq_row[:, None] * freq_col[None, :]
    expected_disagreement = float((weights * prob_exp).sum())
    if expected_disagreement == 0.0:
        return float("nan"), float("nan")
    kappa = 1.0 - float((weights * table).sum()) / nobs / expected_disagreement
    agreement_weights = 1.0 - weights
    w_row = (freq_col[None, :] * agreement_weights).sum(axis=1)
    w_col = (freq_row[:, None] * agreement_weights).sum(axis=0)
    agree_wexp = float((agreement_weights * prob_exp).sum())
    term_a = freqs * (agreement_weights - (w_col[None, :] + w_row[:, None]) * (1.0 - kappa)) ** 2
    variance = float(term_a.sum()) - (kappa - agree_wexp * (1.0 - kappa)) ** 2
    variance /= (1.0 - agree_wexp) ** 2 * nobs
    return float(kappa), float(variance)
