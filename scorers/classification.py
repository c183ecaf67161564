"""The "standard classification metrics" the study contrasts with κw.

Ratings are turned into labels by rounding half up (2.5 → 3; crowd means are fractional and
the expert median is an integer), then compared as classes. This is the paper's point of
contrast: on a 7-point scale an off-by-one rating is a full miss for F1 but a near-agreement
for κw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .arrays import FloatArray
from .pairs import paired_ratings


def round_half_up(values: ArrayLike) -> FloatArray:
    """Round to the nearest integer, halves upwards (numpy's default rounds halves to even)."""
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5)


def _f1(true_positive: FloatArray, predicted: FloatArray, actual: FloatArray) -> FloatArray:
    # F1 = 2TP / (predicted + actual); 0 where the class never occurs in either (as sklearn
    # does with zero_division=0 for a label present in only one series).
    denominator = predicted + actual
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, 2.0 * true_positive / denominator, 0.0)


def weighted_f1(reference: ArrayLike, candidate: ArrayLike) -> float:
    """Support-weighted F1 over the labels, after rounding both series half up.

    Equals scikit-learn's `f1_score(round(reference), round(candidate), average="weighted")`:
    per-class F1 weighted by the class's frequency in the reference.

    Args:
        reference: Reference ratings (e.g. the expert median).
        candidate: Candidate ratings on the same items.

    Returns:
        Weighted F1; NaN when no complete pair remains.
    """
    pairs = paired_ratings(reference, candidate)
    if pairs.n == 0:
        return float("nan")
    truth = round_half_up(pairs.x)
    guess = round_half_up(pairs.y)
    labels = np.unique(np.concatenate([truth, guess]))
    is_true = truth[None, :] == labels[:, None]
    is_guess = guess[None, :] == labels[:, None]
    support = is_true.sum(axis=1).astype(np.float64)
    f1 = _f1(
        (is_true & is_guess).sum(axis=1).astype(np.float64),
        is_guess.sum(axis=1).astype(np.float64),
        support,
    )
    return float(np.sum(f1 * support) / support.sum())


@dataclass(frozen=True)
class ThresholdF1:
    """Binary F1 at every cut point of a scale.

    Attributes:
        thresholds: Cut points t (a rating ≥ t is positive): scale_min+1 … scale_max.
        f1: F1 of the positive class per threshold; NaN where neither series has a positive.
        mean: Mean F1 over the defined thresholds.
        min: Smallest F1.
        max: Largest F1.
    """

    thresholds: tuple[int, ...]
    f1: tuple[float, ...]
    mean: float
    min: float
    max: float


def threshold_f1(
    reference: ArrayLike, candidate: ArrayLike, scale_min: int, scale_max: int
) -> ThresholdF1:
    """Binary F1 of "rating ≥ t" for every threshold t of the scale, and its mean and range.

    Both series are rounded half up first. A threshold at which neither series has a positive
    has no F1 (NaN) and is left out of mean/min/max.

    Args:
        reference: Reference ratings (e.g. the expert median).
        candidate: Candidate ratings on the same items.
        scale_min: Lowest scale point.
        scale_max: Highest scale point.

    Raises:
        ValueError: The scale has fewer than two points.
    """
    if scale_max <= scale_min:
        raise ValueError(f"a scale needs two points at least, got {scale_min}..{scale_max}")
    pairs = paired_ratings(reference, candidate)
    truth = round_half_up(pairs.x)
    guess = round_half_up(pairs.y)
    thresholds = np.arange(scale_min + 1, scale_max + 1, dtype=np.float64)
    true_pos = truth[None, :] >= thresholds[:, None]
    guess_pos = guess[None, :] >= thresholds[:, None]
    predicted = guess_pos.sum(axis=1).astype(np.float64)
    actual = true_pos.sum(axis=1).astype(np.float64)
    scores = _f1((true_pos & guess_pos).sum(axis=1).astype(np.float64), predicted, actual)
    scores = np.where(predicted + actual > 0, scores, np.nan)
    defined = scores[~np.isnan(scores)]
    nan = float("nan")
    return ThresholdF1(
        thresholds=tuple(int(t) for t in thresholds),
        f1=tuple(float(s) for s in scores),
        mean=float(defined.mean()) if defined.size else nan,
        min=float(defined.min()) if defined.size else nan,
        max=float(defined.max()) if defined.size else nan,
    )
