"""Pairing two series of ratings on the same items: missing-pair dropping and rating shift."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .arrays import FloatArray


@dataclass(frozen=True)
class PairedRatings:
    """Two aligned rating series with every pair that has a missing value removed.

    Attributes:
        x: First series (only complete pairs).
        y: Second series (only complete pairs).
        n_dropped: How many pairs were removed because either value was NaN.
    """

    x: FloatArray
    y: FloatArray
    n_dropped: int

    @property
    def n(self) -> int:
        """Number of complete pairs."""
        return int(self.x.shape[0])


def as_ratings(values: ArrayLike, name: str = "ratings") -> FloatArray:
    """Convert to a 1-D float64 array, rejecting anything that is not a number.

    Args:
        values: Ratings; NaN marks a missing rating.
        name: Used in error messages.

    Raises:
        ValueError: The values are not one-dimensional or not numeric, or contain ±inf.
    """
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: ratings must be numbers (NaN for missing): {error}") from error
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D series of ratings, got shape {array.shape}")
    if np.isinf(array).any():
        position = int(np.flatnonzero(np.isinf(array))[0])
        raise ValueError(f"{name}: infinite rating at position {position}")
    return array


def paired_ratings(x: ArrayLike, y: ArrayLike) -> PairedRatings:
    """Align two series item by item and drop the pairs with a missing value.

    Args:
        x: Ratings of the first annotator, one per item.
        y: Ratings of the second annotator, same items in the same order.

    Raises:
        ValueError: The series differ in length or are not numeric.
    """
    xa = as_ratings(x, "x")
    ya = as_ratings(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"the two series differ in length: {xa.shape[0]} vs {ya.shape[0]}")
    keep = ~(np.isnan(xa) | np.isnan(ya))
    return PairedRatings(x=xa[keep], y=ya[keep], n_dropped=int((~keep).sum()))


def mean_shift(candidate: ArrayLike, reference: ArrayLike) -> float:
    """Mean of candidate − reference over complete pairs: leniency (> 0) or severity (< 0).

    Args:
        candidate: Ratings of the annotator under study (e.g. the crowd).
        reference: Reference ratings on the same items (e.g. the expert median).

    Returns:
        The mean difference, NaN when no pair is complete.
    """
    pairs = paired_ratings(candidate, reference)
    if pairs.n == 0:
        return float("nan")
    return float(np.mean(pairs.x - pairs.y))
