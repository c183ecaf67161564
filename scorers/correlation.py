"""Spearman's rank correlation with a Fisher-z confidence interval (numpy only)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from .arrays import FloatArray
from .pairs import paired_ratings


@dataclass(frozen=True)
class Correlation:
    """A correlation with its confidence interval.

    Attributes:
        rho: Spearman's ρ.
        low: Lower bound of the Fisher-z interval.
        high: Upper bound of the Fisher-z interval.
        n: Number of complete pairs.
    """

    rho: float
    low: float
    high: float
    n: int


def average_ranks(values: ArrayLike) -> FloatArray:
    """Ranks 1..n with ties given their average rank (as scipy's `rankdata`)."""
    array = np.asarray(values, dtype=np.float64)
    distinct, inverse, counts = np.unique(array, return_inverse=True, return_counts=True)
    del distinct
    ends = np.cumsum(counts)
    starts = ends - counts + 1
    return np.asarray(((starts + ends) / 2.0)[inverse], dtype=np.float64)


def fisher_interval(r: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Fisher-z interval tanh(atanh(r) ± z·/√(n−3)); NaN when n ≤ 3 or r undefined."""
    if n <= 3 or math.isnan(r):
        return float("nan"), float("nan")
    clipped = min(max(r, -1.0 + 1e-15), 1.0 - 1e-15)
    z = math.atanh(clipped)
    half_width = NormalDist().inv_cdf(0.5 + confidence / 2.0) / math.sqrt(n - 3)
    return math.tanh(z - half_width), math.tanh(z + half_width)


def spearman(x: ArrayLike, y: ArrayLike, *, confidence: float = 0.95) -> Correlation:
    """Spearman's ρ between two series on the same items, NaN pairs dropped.

    Args:
        x: Ratings of the first annotator.
        y: Ratings of the second annotator, same items.
        confidence: Coverage of the Fisher-z interval.

    Returns:
        A `Correlation`; ρ is NaN when fewer than two pairs remain or a series is constant.
    """
    pairs = paired_ratings(x, y)
    nan = float("nan")
    if pairs.n < 2:
        return Correlation(nan, nan, nan, pairs.n)
    rx = average_ranks(pairs.x)
    ry = average_ranks(pairs.y)
    dx = rx - rx.mean()
    dy = ry - ry.mean()
    denominator = math.sqrt(float(np.sum(dx * dx)) * float(np.sum(dy * dy)))
    if denominator == 0.0:
        return Correlation(nan, nan, nan, pairs.n)
    rho = float(np.sum(dx * dy)) / denominator
    low, high = fisher_interval(rho, pairs.n, confidence)
    return Correlation(rho, low, high, pairs.n)
