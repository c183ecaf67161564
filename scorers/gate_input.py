"""What the regression gate decides from: Δκw per sub-component on paired items, resampled.

`delta_bootstrap` gives Δ = κw(reference, candidate) − κw(reference, baseline) per
sub-component (and per group mean) on the items both rate, with its paired resamples, drawn
within strata when the items come from several frameworks (`stratified_counts`);
`leave_one_out_delta` and `jackknife_std_error` give the stratified jackknife standard error
that scales the gate's tests (see `scorers.gate`). Also the errors of bad input.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..datasets.errors import EmpathyJudgeError
from ..datasets.levels import Level
from .arrays import BoolArray, FloatArray, IntArray
from .bootstrap import (
    agreement_statistic,
    bootstrap,
    jackknife_weights,
    kappa_difference_statistic,
    resample_counts,
)
from .bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from .kappa import kappa_from_moment_arrays

#: The group that holds every column when no `groups` are given.
ALL_COLUMNS = "all"


class GateInputError(EmpathyJudgeError, ValueError):
    """The arrays given to the gate cannot be compared (shape, labels, infinite values)."""


class NoUsableRatingsError(GateInputError):
    """One side has no rating at all (every value is NaN), e.g. every answer failed to parse."""


def stratified_counts(
    strata: Sequence[Hashable] | None, n_items: int, n_resamples: int, seed: int | None
) -> FloatArray:
    """Resample counts (B × n) drawn within each stratum of items.

    Args:
        strata: One label per item, or None for a single stratum (then exactly
            `resample_counts(n_items, n_resamples, seed)`).
        n_items: Number of items.
        n_resamples: B.
        seed: Seed; each stratum gets its own stream derived from it.
    """
    if strata is None:
        return resample_counts(n_items, n_resamples, seed)
    labels = list(strata)
    if len(labels) != n_items:
        raise GateInputError(f"strata: {len(labels)} labels for {n_items} items")
    codes: dict[Hashable, list[int]] = {}
    for row, label in enumerate(labels):
        codes.setdefault(label, []).append(row)
    if len(codes) == 1:
        return resample_counts(n_items, n_resamples, seed)
    seeds: list[int | None] = (
        [None] * len(codes)
        if seed is None
        else [int(s) for s in np.random.SeedSequence(seed).generate_state(len(codes))]
    )
    counts = np.zeros((n_resamples, n_items))
    for rows, stratum_seed in zip(codes.values(), seeds, strict=True):
        counts[:, rows] = resample_counts(len(rows), n_resamples, stratum_seed)
    return counts


def _matrix(values: ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise GateInputError(f"{name}: expected a non-empty items × sub-components array")
    if np.isinf(array).any():
        rows, cols = np.nonzero(np.isinf(array))
        raise GateInputError(f"{name}: infinite rating at item {rows[0]}, column {cols[0]}")
    return array


def _labels(values: Sequence[Hashable] | None, n: int, what: str, default: list[str]) -> list[str]:
    if values is None:
        return default
    labels = [str(v) for v in values]
    if len(labels) != n:
        raise GateInputError(f"{what}: {len(labels)} labels for {n} columns")
    return labels


def jackknife_std_error(
    leave_one_out: ArrayLike, estimate: ArrayLike, relevant: ArrayLike, strata: ArrayLike
) -> FloatArray:
    """Stratified jackknife standard error of H statistics from their leave-one-out values.

    For statistic h and stratum s with m relevant items (the items it depends on),
    var_h = Σ_s (m − 1)/m · Σ_i (θ_(i) − θ̄_(s))² over those items, θ̄_(s) their mean
    (the jackknife variance of Quenouille and Tukey, summed over independent strata).

    Args:
        leave_one_out: θ_(i), the statistic without item i, shape (items, H).
        estimate: θ̂, shape (H,) (subtracted first, for precision only).
        relevant: Whether statistic h depends on item i, shape (items, H).
        strata: Stratum code of each item, shape (items,).

    Returns:
        Standard errors, shape (H,); NaN where a relevant θ_(i) is NaN; 0 where no stratum
        has two relevant items.
    """
    values = np.asarray(leave_one_out, dtype=np.float64)
    mask = np.asarray(relevant, dtype=bool)
    codes = np.asarray(strata)
    deviation = np.where(mask, values - np.asarray(estimate, dtype=np.float64)[None, :], 0.0)
    indicator = (codes[:, None] == np.unique(codes)[None, :]).astype(np.float64)
    count = indicator.T @ mask.astype(np.float64)
    first = indicator.T @ deviation
    second = indicator.T @ deviation**2
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.maximum(second - first**2 / np.maximum(count, 1.0), 0.0)
        variance = np.where(count >= 2, (count - 1.0) / count * within, 0.0).sum(axis=0)
    has_nan = (mask & np.isnan(values)).any(axis=0)
    return np.where(has_nan, np.nan, np.sqrt(variance))


@dataclass(frozen=True)
class DeltaBootstrap:
    """Δκw per sub-component on its paired items, and its resamples: the input of `decide`.

    Attributes:
        names: Column names.
        groups: Group label of each column.
        estimate: Δ̂ per column (NaN where undefined).
        replicates: Resampled Δ*, shape (B, columns).
        n_items: Paired items per column.
        baseline_kappa: κw(baseline, reference) per column on its paired items.
        candidate_kappa: κw(candidate, reference) per column.
        reasons: Why each column is not comparable ("" when it is).
        seed: Seed of the resamples (None for fresh entropy or given counts).
        jackknife: Δκw without item i, shape (items, columns) (equal to the estimate where the
            item is not paired; NaN where κw is undefined without it).
        paired: Whether reference, baseline and candidate are all present, (items, columns).
        strata: Stratum code of each item (0 for every item without strata).
    """

    names: tuple[str, ...]
    groups: tuple[str, ...]
    estimate: FloatArray
    replicates: FloatArray
    n_items: tuple[int, ...]
    baseline_kappa: FloatArray
    candidate_kappa: FloatArray
    reasons: tuple[str, ...]
    seed: int | None
    jackknife: FloatArray
    paired: BoolArray
    strata: IntArray


def delta_bootstrap(
    reference: ArrayLike,
    baseline: ArrayLike,
    candidate: ArrayLike,
    *,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
    groups: Sequence[Hashable] | None = None,
    names: Sequence[Hashable] | None = None,
    strata: Sequence[Hashable] | None = None,
    counts: FloatArray | None = None,
    measurement: Level | Sequence[Level] = "interval",
) -> DeltaBootstrap:
    """The paired item bootstrap of Δκw behind `regression_gate` (arguments as there).

    Raises:
        NoUsableRatingsError: A side has no rating at all.
        GateInputError: Shapes or label counts disagree, or a rating is infinite.
    """
    sides = {
        "reference": _matrix(reference, "reference"),
        "baseline": _matrix(baseline, "baseline"),
        "candidate": _matrix(candidate, "candidate"),
    }
    shapes = {name: array.shape for name, array in sides.items()}
    if len(set(shapes.values())) > 1:
        raise GateInputError(f"the three arrays differ in shape: {shapes}")
    for name, array in sides.items():
        if np.isnan(array).all():
            raise NoUsableRatingsError(
                f"{name}: no usable ratings (every one of its {array.size} values is missing)"
            )
    ref, base, cand = sides["reference"], sides["baseline"], sides["candidate"]
    n_items, n_columns = ref.shape
    column_names = _labels(names, n_columns, "names", [str(j) for j in range(n_columns)])
    group_of = _labels(groups, n_columns, "groups", [ALL_COLUMNS] * n_columns)
    drawn_here = counts is None
    if counts is None:
        counts = stratified_counts(strata, n_items, settings.n_resamples, settings.seed)
    elif counts.ndim != 2 or counts.shape[1] != n_items:
        raise GateInputError(f"counts: expected B × {n_items}, got shape {counts.shape}")
    difference = kappa_difference_statistic(ref, cand, base, measurement)
    result = bootstrap(difference, n_items, counts=counts)
    paired = ~(np.isnan(ref) | np.isnan(base) | np.isnan(cand))
    if strata is None:
        strata_codes = np.zeros(n_items, dtype=np.int64)
    else:
        labels = list(strata)
        if len(labels) != n_items:
            raise GateInputError(f"strata: {len(labels)} labels for {n_items} items")
        first = {label: code for code, label in enumerate(dict.fromkeys(labels))}
        strata_codes = np.array([first[label] for label in labels], dtype=np.int64)
    n_paired = paired.sum(axis=0)
    defined_share = (~np.isnan(result.replicates)).mean(axis=0)
    reasons = tuple(
        "no paired items"
        if n_paired[j] == 0
        else "fewer than 2 paired items"
        if n_paired[j] < 2
        else "κw undefined on the paired items (a side without variation)"
        if np.isnan(result.estimate[j])
        else "κw undefined in most resamples (too few items)"
        if defined_share[j] < 0.5
        else ""
        for j in range(n_columns)
    )
    return DeltaBootstrap(
        names=tuple(column_names),
        groups=tuple(group_of),
        estimate=result.estimate,
        replicates=result.replicates,
        n_items=tuple(int(n) for n in n_paired),
        baseline_kappa=_paired_kappa(ref, base, paired, measurement),
        candidate_kappa=_paired_kappa(ref, cand, paired, measurement),
        reasons=reasons,
        seed=settings.seed if drawn_here else None,
        # The engine's leave-one-out weights: the same κ, nominal or weighted, without item i.
        jackknife=difference(jackknife_weights(n_items)),
        paired=paired,
        strata=strata_codes,
    )


def _paired_kappa(
    reference: FloatArray,
    judge: FloatArray,
    paired: BoolArray,
    measurement: Level | Sequence[Level],
) -> FloatArray:
    """κ(judge, reference) per column on the paired items, as the level of measurement asks."""
    levels = [measurement] * reference.shape[1] if isinstance(measurement, str) else measurement
    out = np.full(reference.shape[1], np.nan)
    for j, level in enumerate(levels):
        keep = paired[:, j]
        out[j] = (
            agreement_statistic(reference[keep, j], judge[keep, j], level)(
                np.ones((1, int(keep.sum())))
            )[0, 0]
            if keep.any()
            else np.nan
        )
    return out


def leave_one_out_delta(
    reference: ArrayLike, baseline: ArrayLike, candidate: ArrayLike
) -> FloatArray:
    """Δκw = κw(candidate) − κw(baseline) on the paired items without item i, for every i.

    Each κw is a function of six sums over the paired items (`kappa_from_moment_arrays`), so
    leaving item i out subtracts its terms: O(items × columns), no n × n weight matrix.

    Args:
        reference: items × columns (a 1-d array is one column); NaN = missing.
        baseline: Same shape.
        candidate: Same shape.

    Returns:
        items × columns: Δκw without item i (the full-sample Δκw where item i is not paired;
        NaN where κw is undefined without it).
    """
    ref = _matrix(reference, "reference")
    base = _matrix(baseline, "baseline")
    cand = _matrix(candidate, "candidate")
    paired = ~(np.isnan(ref) | np.isnan(base) | np.isnan(cand))
    x = np.where(paired, ref, 0.0)

    def without_each(judge: FloatArray) -> FloatArray:
        y = np.where(paired, judge, 0.0)
        terms = (paired.astype(np.float64), (x - y) ** 2, x, y, x * x, y * y)
        return kappa_from_moment_arrays(*(t.sum(axis=0)[None, :] - t for t in terms))

    return without_each(cand) - without_each(base)
