"""Multiple testing: adjusted p-values and critical values for families of hypotheses.

Holm's step-down and Benjamini–Hochberg's step-up adjust p-values; the max-statistic
(single-step max-t) and the mean-first hierarchical procedure adjust them from the joint null
distribution of the statistics (centred bootstrap replicates), which keeps the dependence
between sub-components that a Bonferroni-type bound throws away. The gate (`scorers.gate`) and
the like-for-like verdicts (`scorers.agreement.family_verdicts`) use them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..datasets.errors import EmpathyJudgeError
from .arrays import BoolArray, FloatArray, IntArray


class TooFewResamplesError(EmpathyJudgeError, ValueError):
    """The resamples cannot reach the p-value a test needs; the message says how many would."""


def holm_adjust(p_values: ArrayLike) -> FloatArray:
    """Holm's step-down adjusted p-values (NaN entries stay NaN and do not count).

    Args:
        p_values: Unadjusted p-values.

    Returns:
        Adjusted p-values: the i-th smallest of m becomes max over j ≤ i of (m − j + 1)·p_(j),
        capped at 1.
    """
    return _stepwise(p_values, lambda p, m: np.maximum.accumulate((m - np.arange(m)) * p))


def rank_critical(values: FloatArray, alpha: float) -> float:
    """The value c with #{v ≥ t} ≤ ⌊α(B+1)⌋ − 1 exactly when t > c (B = defined values).

    Raises:
        TooFewResamplesError: B is too small for any p-value to reach α.
    """
    defined = values[~np.isnan(values)]
    allowed = math.floor(alpha * (defined.shape[0] + 1) + 1e-9) - 1
    if allowed < 0:
        raise TooFewResamplesError(
            f"{defined.shape[0]} usable resamples cannot reach a p-value of {alpha:.4g}; "
            f"use at least {math.ceil(1.0 / alpha)} resamples"
        )
    if allowed >= defined.shape[0]:
        return -math.inf
    # The (allowed + 1)-th largest value.
    position = defined.shape[0] - 1 - allowed
    return float(np.partition(defined, position)[position])


def max_t_adjust(statistics: ArrayLike, null: ArrayLike, alpha: float) -> tuple[FloatArray, float]:
    """Single-step max-statistic adjusted p-values and critical value.

    Args:
        statistics: Observed statistics t_h (large = evidence against H_h), shape (H,).
        null: Their joint null distribution, shape (B, H): e.g. centred bootstrap replicates.
            NaN entries are ignored; a row with no defined entry is dropped.
        alpha: Family-wise error rate, for the critical value.

    Returns:
        (p, c): p_h = (1 + #{b: max_k null_bk ≥ t_h}) / (1 + B); c such that p_h ≤ alpha
        exactly when t_h > c.
    """
    t = np.asarray(statistics, dtype=np.float64)
    draws = np.asarray(null, dtype=np.float64)
    if draws.ndim != 2 or draws.shape[1] != t.shape[0]:
        raise ValueError(f"null must be B × {t.shape[0]}, got shape {draws.shape}")
    has_value = ~np.isnan(draws).all(axis=1)
    maxima = np.max(np.where(np.isnan(draws[has_value]), -np.inf, draws[has_value]), axis=1)
    exceed = (maxima[:, None] >= t[None, :]).sum(axis=0)
    p = (1.0 + exceed) / (1.0 + maxima.shape[0])
    return np.where(np.isnan(t), np.nan, p), rank_critical(maxima, alpha)


def marginal_p(statistics: FloatArray, null: FloatArray) -> FloatArray:
    """Each statistic's own bootstrap p-value: (1 + #{null ≥ t}) / (1 + defined draws)."""
    defined = (~np.isnan(null)).sum(axis=0)
    exceed = np.where(np.isnan(null), False, null >= statistics[None, :]).sum(axis=0)
    return np.where(np.isnan(statistics), np.nan, (1.0 + exceed) / (1.0 + defined))


def hierarchical_adjust(
    statistics: ArrayLike,
    null: ArrayLike,
    group: Sequence[int],
    head: Sequence[bool],
) -> FloatArray:
    """Adjusted p-values of the mean-first procedure (`correction="hierarchical"`).

    Each group has a head hypothesis (its mean, or its only column) and members. While a
    group's head stands, its members are not tested. The level is split equally between the
    groups that still have a hypothesis standing (Bonferroni across groups); inside a group, the
    head is tested with its own bootstrap p-value, then its members together with a
    max-statistic over the members still standing. A group whose every hypothesis is rejected
    hands its share to the others. Rejecting one hypothesis at a time, in order of local p over
    weight, gives the adjusted p-values (the sequentially rejective shortcut of a closed test;
    the weights only grow as hypotheses are rejected, so it controls the family-wise error).

    Args:
        statistics: t_h, shape (H,), large = evidence against H_h.
        null: Null draws of the statistics, shape (B, H) (NaN ignored).
        group: Group index of each hypothesis.
        head: Whether each hypothesis is its group's head (exactly one per group).

    Returns:
        Adjusted p-values, shape (H,).
    """
    t = np.asarray(statistics, dtype=np.float64)
    draws = np.asarray(null, dtype=np.float64)
    filled = np.where(np.isnan(draws), -np.inf, draws)
    groups = np.asarray(group)
    heads = np.asarray(head, dtype=bool)
    # Unscaled local p-values: a head's never changes; its members' change only when one of
    # them is rejected (the max-statistic is then over fewer columns).
    unscaled = np.full(t.shape[0], np.inf)
    defined = (~np.isnan(draws)).sum(axis=0)
    for h in np.flatnonzero(heads):
        unscaled[h] = (1.0 + (filled[:, h] >= t[h]).sum()) / (1.0 + defined[h])

    def update_members(g: int) -> None:
        members = np.flatnonzero(standing & (groups == g) & ~heads)
        if members.shape[0] == 0:
            return
        block = filled[:, members]
        maxima = block.max(axis=1)
        maxima = maxima[maxima > -np.inf]
        exceed = (maxima[:, None] >= t[None, members]).sum(axis=0)
        unscaled[members] = (1.0 + exceed) / (1.0 + maxima.shape[0])

    standing = np.ones(t.shape[0], dtype=bool)
    head_standing = {int(g): True for g in np.unique(groups)}
    for g in head_standing:
        update_members(g)
    adjusted = np.full(t.shape[0], np.nan)
    running = 0.0
    while standing.any():
        alive = np.unique(groups[standing]).shape[0]
        testable = standing & (heads | ~np.array([head_standing[int(g)] for g in groups]))
        local = np.where(testable, unscaled * alive, np.inf)
        chosen = int(np.argmin(local))
        running = max(running, min(float(local[chosen]), 1.0))
        adjusted[chosen] = running
        standing[chosen] = False
        if running >= 1.0:
            adjusted[standing] = 1.0
            break
        g = int(groups[chosen])
        if heads[chosen]:
            head_standing[g] = False
        else:
            update_members(g)
    return adjusted


def hierarchical_critical(
    null: FloatArray, group: IntArray, head: BoolArray, alpha: float
) -> FloatArray:
    """Critical values of the first test each hypothesis meets (heads first, at α / groups)."""
    share = alpha / np.unique(group).shape[0]
    critical = np.empty(group.shape[0])
    for g in np.unique(group):
        in_group = group == g
        for h in np.flatnonzero(in_group & head):
            critical[h] = rank_critical(null[:, h], share)
        members = np.flatnonzero(in_group & ~head)
        if members.shape[0]:
            usable = ~np.isnan(null[:, members]).all(axis=1)
            filled = np.where(np.isnan(null[usable][:, members]), -np.inf, null[usable][:, members])
            critical[members] = rank_critical(filled.max(axis=1), share)
    return critical


def benjamini_hochberg(p_values: ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (NaN entries stay NaN and do not count).

    Args:
        p_values: Unadjusted p-values.

    Returns:
        Adjusted p-values: the i-th smallest of m becomes min over j ≥ i of m·p_(j)/j, capped
        at 1.
    """
    return _stepwise(
        p_values, lambda p, m: np.minimum.accumulate((p * m / np.arange(1, m + 1))[::-1])[::-1]
    )


def _stepwise(p_values: ArrayLike, adjust: Callable[[FloatArray, int], FloatArray]) -> FloatArray:
    """Apply a step procedure to the defined p-values in ascending order, capped at 1.

    ``adjust(sorted_p, m)`` maps the m sorted p-values to their adjusted values; NaN entries
    stay NaN and do not count.
    """
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    defined = np.flatnonzero(~np.isnan(p))
    m = defined.shape[0]
    if m == 0:
        return adjusted
    order = defined[np.argsort(p[defined], kind="stable")]
    adjusted[order] = np.minimum(adjust(p[order], m), 1.0)
    return adjusted
