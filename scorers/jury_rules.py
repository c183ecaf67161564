"""Jury rules: how several judges' ratings of the same items become one rating per item.

``mean``, ``median`` and ``majority`` combine the members item by item; ``weighted`` weights each
member by its agreement with the reference on *other* items (cross-fitted over folds, so that no
item's own reference enters its weights). Averaging rules are refused on nominal labels.
`scorers.jury` measures what a jury is worth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..datasets.errors import EmpathyJudgeError
from ..datasets.levels import Level
from .arrays import FloatArray, quiet_nanmean, quiet_nanmedian

JuryRule = Literal["mean", "median", "majority", "weighted"]


JURY_RULES: tuple[JuryRule, ...] = ("mean", "median", "majority", "weighted")


#: Rules that average ratings: meaningless on nominal labels.
AVERAGING_RULES: tuple[JuryRule, ...] = ("mean", "median", "weighted")


class JuryError(EmpathyJudgeError, ValueError):
    """A jury cannot be formed as asked (unknown rule, misaligned members, nominal averaging)."""


def rules_for(level: Level) -> tuple[JuryRule, ...]:
    """The combination rules that fit a level of measurement (majority only for nominal)."""
    return ("majority",) if level == "nominal" else AVERAGING_RULES


def check_rule(rule: str, level: Level) -> JuryRule:
    """Validate a rule name for a level of measurement.

    Raises:
        JuryError: Unknown rule, or an averaging rule on a nominal scale.
    """
    if rule not in JURY_RULES:
        raise JuryError(f"unknown jury rule {rule!r}; expected one of {list(JURY_RULES)}")
    if level == "nominal" and rule != "majority":
        raise JuryError(f"jury rule {rule!r} averages ratings: a nominal scale needs 'majority'")
    return rule


def stack_members(members: Mapping[str, ArrayLike], shape: tuple[int, int]) -> FloatArray:
    """The members' ratings as one members × items × sub-components array.

    Args:
        members: Member name → items × sub-components ratings (NaN: not rated).
        shape: (items, sub-components) every member must have.

    Raises:
        JuryError: No member, a shape that differs, or an infinite rating.
    """
    if not members:
        raise JuryError("a jury needs at least one member")
    arrays = []
    for name, values in members.items():
        array = np.asarray(values, dtype=np.float64)
        if array.shape != shape:
            raise JuryError(f"jury member {name!r} has ratings of shape {array.shape}, not {shape}")
        if np.isinf(array).any():
            raise JuryError(f"jury member {name!r} has an infinite rating")
        arrays.append(array)
    return np.stack(arrays)


def _folds(n_items: int, folds: int | None, seed: int) -> FloatArray:
    """Items × folds one-hot membership (leave one item out when `folds` is None)."""
    if folds is None or folds >= n_items:
        return np.eye(n_items)
    if folds < 2:
        raise JuryError(f"cross-fitting needs at least 2 folds, got {folds}")
    order = np.random.default_rng(seed).permutation(n_items)
    assignment = np.empty(n_items, dtype=np.int64)
    assignment[order] = np.arange(n_items) % folds
    return np.eye(folds)[assignment]


def cross_fitted_weights(
    ratings: ArrayLike, reference: ArrayLike, *, folds: int | None = None, seed: int = 0
) -> FloatArray:
    """Inverse-MSE weights of each member for each item, learned without that item's fold.

    Args:
        ratings: members × items × sub-components.
        reference: items × sub-components expert consensus.
        folds: None for leave one item out, else K folds (items assigned at random by `seed`).
        seed: Seed of the fold assignment.

    Returns:
        items × sub-components × members weights, non-negative, summing to one over the
        members that rated the item (zero for a member that did not); NaN where no member did.
        A member with no error measurable on the training items gets no weight; if none has
        one, the members share equally.
    """
    x = np.asarray(ratings, dtype=np.float64)
    ref = np.asarray(reference, dtype=np.float64)
    error = x - ref[None]
    valid = ~np.isnan(error)
    square = np.where(valid, error, 0.0) ** 2
    membership = _folds(x.shape[1], folds, seed)  # items × K
    # Training sums for item i = totals − the sums of i's fold: members × subs × items.
    fold_square = np.einsum("mis,ik->msk", square, membership)
    fold_count = np.einsum("mis,ik->msk", valid.astype(np.float64), membership)
    train_square = square.sum(axis=1)[:, :, None] - fold_square @ membership.T
    train_count = valid.sum(axis=1)[:, :, None] - fold_count @ membership.T
    with np.errstate(divide="ignore", invalid="ignore"):
        mse = train_square / train_count
    tiny = 1e-12
    weights = np.where(train_count >= 1, 1.0 / np.maximum(mse, tiny), 0.0)
    weights = np.transpose(weights, (2, 1, 0))  # items × subs × members
    present = ~np.isnan(np.transpose(x, (1, 2, 0)))
    weights = np.where(present, weights, 0.0)
    total = weights.sum(axis=2, keepdims=True)
    equal = present / np.maximum(present.sum(axis=2, keepdims=True), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        normalised = np.where(total > 0, weights / total, equal)
    return np.where(present.any(axis=2, keepdims=True), normalised, np.nan)


def _majority(x: FloatArray) -> FloatArray:
    labels = np.unique(x[~np.isnan(x)])
    if labels.size == 0:
        return np.full(x.shape[1:], np.nan)
    counts = np.stack([(x == label).sum(axis=0) for label in labels], axis=-1)
    best = counts.max(axis=-1)
    winners = (counts == best[..., None]).sum(axis=-1)
    chosen = labels[np.argmax(counts, axis=-1)]
    return np.where((best > 0) & (winners == 1), chosen, np.nan)


def combine(
    ratings: ArrayLike,
    rule: JuryRule,
    *,
    reference: ArrayLike | None = None,
    folds: int | None = None,
    seed: int = 0,
) -> FloatArray:
    """The jury's items × sub-components ratings from its members' (see the module doc).

    Args:
        ratings: members × items × sub-components (NaN: not rated).
        rule: ``mean``, ``median``, ``majority`` or ``weighted``.
        reference: The expert consensus, items × sub-components (needed by ``weighted``).
        folds: Cross-fitting folds of ``weighted`` (None: leave one item out).
        seed: Seed of the fold assignment.

    Returns:
        items × sub-components; NaN where no member rated the item (or a majority tie).

    Raises:
        JuryError: Unknown rule, or ``weighted`` without a reference.
    """
    x = np.asarray(ratings, dtype=np.float64)
    if x.ndim != 3:
        raise JuryError(f"jury ratings must be members × items × sub-components, got {x.shape}")
    if rule == "mean":
        return quiet_nanmean(x, axis=0)
    if rule == "median":
        return quiet_nanmedian(x, axis=0)
    if rule == "majority":
        return _majority(x)
    if rule == "weighted":
        if reference is None:
            raise JuryError("the weighted rule learns its weights on the experts: give a reference")
        weights = cross_fitted_weights(x, reference, folds=folds, seed=seed)
        values = np.where(np.isnan(x), 0.0, x)
        combined = np.einsum("isk,kis->is", np.nan_to_num(weights), values)
        return np.where(np.isnan(weights[:, :, 0]), np.nan, combined)
    raise JuryError(f"unknown jury rule {rule!r}; expected one of {list(JURY_RULES)}")
