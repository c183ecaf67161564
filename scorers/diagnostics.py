"""How a judge goes wrong: leniency, scale use, length bias and polarity, with intervals.

Agreement (`empathy_judge.scorers.agreement`) says how much a candidate agrees with the experts;
these diagnostics say how it departs from them. All of them come from the ratings a run already
has (no extra generations). Per sub-component, each figure has a 95% item-bootstrap interval;
every figure of one call is computed on the same resampled items (pass `counts`, e.g.
`agreement.shared_counts(panel)`, to share them with `assess` and with other candidates).

**Leniency.** mean(candidate − consensus) over the items where both exist (> 0: lenient, < 0:
severe). Beside it: the same figure for the crowd (when a crowd array is given) and, for each
expert k, mean(expert k − R_k), where R_k is the reference made of the *other* experts
(`Panel.leave_one_out_references`: their mean, i.e. their median when two remain; the same R_k
as the like-for-like verdict). The experts' signed figures average to 0 by construction when
every expert rates every item (Σ_k (e_k − mean of the others) = 0), so the summary beside the
candidate is `Leniency.experts_abs` = mean_k |leniency_k|: how far one expert typically sits
from the others.

**Scale use.** Ratings are binned onto the integer levels of the sub-component's scale
(`Panel.scales`, ceil(low) .. floor(high)) by rounding half up (``floor(x + 0.5)``: a crowd mean
of 4.5 counts as 5, 4.33 as 4). Per level: the share of the candidate's rated items at that level,
beside the share of the experts' ratings pooled over the panel. `ScaleUse.off_scale` is the share
that rounds outside the scale; `ScaleUse.ends` the share at the scale's lowest or highest level.
`ScaleUse.spread_ratio` = sd(candidate) / sd(consensus) on the items where both exist (both sds
over the same items, so the ratio does not depend on the ddof convention). A candidate is
**constant** when it gives one level on every rated item (at least two items): `ScaleUse.label`
names it ("constant at 3"), so a report can say why its κ is 0.

**Length bias.** Spearman ρ between (candidate − consensus) and the supporter's word count, over
the items where both exist. Beside it, the experts' own ρ: for each expert k, ρ between
(expert k − R_k) and the word count on the same items (those the candidate's ρ uses, less any
where expert k or R_k is missing), averaged over the experts (`LengthBias.experts`). Since the
experts' departures sum to about 0 item by item, their ρ tend to cancel in that mean; the mean
of |ρ_k| (`LengthBias.experts_abs`) gives the size an individual expert shows, a scale for the
candidate's |ρ|. A positive ρ: the longer the reply, the more the rater over-rates it relative
to the reference.

**Polarity.** For each *negative* sub-component (a higher rating means more of a bad behaviour,
e.g. Lend an Ear's advice giving), the mean over the positive sub-components of Spearman ρ
between the candidate's ratings of the negative one and of the positive one, item by item;
beside it the same ρ on the expert consensus, on the same items (the candidate and the
consensus present on both sub-components). Experts typically give a negative ρ (a reply full of
advice validates less). `PolarityCheck.as_if_positive` flags a candidate whose ρ is positive
where the experts' is negative, with the interval of the paired difference (candidate −
experts) above 0.

**Bootstrap.** Every figure is a function of an item-weight matrix (resamples × items, see
`empathy_judge.scorers.bootstrap`): weighted means and ratios are one matrix product; Spearman
ρ of a resample is Pearson's r of the average ranks of the *expanded* sample (each item repeated
as often as it was drawn, ties sharing their average rank), computed for all resamples at once
from one sort per series (`spearman_statistic`). Percentile intervals; NaN where a figure is
undefined in more than half of the resamples. The absolute-value summaries (the experts'
``experts_abs`` leniency and length bias) are biased upwards in resamples, so their interval is
the percentile interval of the replicates recentred on the estimate (their median moved to it),
floored at 0: it always contains the estimate.

Nominal panels have no order: only the scale-use shares and the constant label are computed;
leniency, spread, length bias and polarity are NaN and `Diagnostics.notes` says so.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..datasets.levels import POLARITIES, Polarity
from .arrays import FloatArray, quiet_nanmean
from .bootstrap import (
    BootstrapResult,
    WeightedStatistic,
    bootstrap,
    resample_counts,
)
from .bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from .column_plan import ColumnPlan
from .diagnostic_results import (
    Diagnostics,
    DiagnosticsError,
    LengthBias,
    Leniency,
    PolarityCheck,
    ScaleUse,
    SubComponentDiagnostics,
)
from .panel import Panel, Scale
from .verdicts import Estimate
from .weighted_statistics import (
    ratio_statistic,
    round_half_up,
    spearman_statistic,
    spread_ratio_statistic,
)

# -- checking the input --------------------------------------------------------------------


def _items_by_subs(panel: Panel, values: ArrayLike, what: str) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise DiagnosticsError(
            f"{what} ratings must be numbers (NaN for missing): {error}"
        ) from error
    expected = (len(panel.items), len(panel.sub_components))
    if array.shape != expected:
        raise DiagnosticsError(
            f"{what} ratings have shape {array.shape}; the {panel.framework} panel needs "
            f"{expected} (items × sub-components, aligned with Panel.items)"
        )
    if np.isinf(array).any():
        row, column = (int(i) for i in np.argwhere(np.isinf(array))[0])
        raise DiagnosticsError(
            f"{what} ratings: infinite value at item {panel.items[row]!r}, "
            f"sub-component {panel.sub_components[column]!r}"
        )
    return array


def _checked_polarity(panel: Panel, polarity: Sequence[str]) -> tuple[Polarity, ...]:
    values = tuple(polarity)
    if len(values) != len(panel.sub_components):
        raise DiagnosticsError(
            f"polarity has {len(values)} entries; the {panel.framework} panel has "
            f"{len(panel.sub_components)} sub-components {list(panel.sub_components)}"
        )
    for sub, value in zip(panel.sub_components, values, strict=True):
        if value not in POLARITIES:
            raise DiagnosticsError(
                f"polarity of {sub!r} is {value!r}; expected one of {list(POLARITIES)}"
            )
    return cast(tuple[Polarity, ...], values)


def _checked_word_counts(panel: Panel, word_counts: ArrayLike) -> FloatArray:
    try:
        counts = np.asarray(word_counts, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise DiagnosticsError(f"word counts must be numbers (NaN if unknown): {error}") from error
    if counts.shape != (len(panel.items),):
        raise DiagnosticsError(
            f"word counts have shape {counts.shape}; expected one per panel item "
            f"({len(panel.items)},), aligned with Panel.items"
        )
    bad = np.isinf(counts) | (counts < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DiagnosticsError(
            f"word count of item {panel.items[row]!r} is {counts[row]}; expected a count ≥ 0"
        )
    return counts


def _levels(scale: Scale) -> FloatArray:
    low, high = scale.low, scale.high
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        return np.zeros(0)
    return np.arange(math.ceil(low), math.floor(high) + 1, dtype=np.float64)


def _present(values: FloatArray) -> FloatArray:
    return (~np.isnan(values)).astype(np.float64)


def _mean_of(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(values with NaN as 0, presence mask): the ratio terms of a weighted mean."""
    return np.nan_to_num(values, nan=0.0), _present(values)


class _Series:
    """The columns of the ratio and Spearman statistics, registered one by one."""

    def __init__(self) -> None:
        self.numerators: list[FloatArray] = []
        self.denominators: list[FloatArray] = []
        self.x: list[FloatArray] = []
        self.y: list[FloatArray] = []

    def ratio(self, numerator: FloatArray, denominator: FloatArray) -> int:
        self.numerators.append(numerator)
        self.denominators.append(denominator)
        return len(self.numerators) - 1

    def mean(self, values: FloatArray) -> int:
        return self.ratio(*_mean_of(values))

    def rho(self, x: FloatArray, y: FloatArray) -> int:
        self.x.append(x)
        self.y.append(y)
        return len(self.x) - 1


@dataclass(frozen=True)
class _ShareColumns:
    levels: list[int]
    experts_levels: list[int]
    off_scale: int
    ends: int
    experts_ends: int


def _share_columns(
    series: _Series, values: FloatArray, experts: FloatArray, levels: FloatArray
) -> _ShareColumns:
    """Register the scale-use shares of one sub-component (values: items; experts: items × k)."""
    mine = round_half_up(values)
    theirs = round_half_up(experts)
    rated = _present(values)
    rated_experts = _present(experts).sum(axis=1)

    def pooled(hit: NDArray[np.bool_]) -> FloatArray:
        return np.asarray(hit.sum(axis=1), dtype=np.float64)

    if levels.size:
        low, high = float(levels[0]), float(levels[-1])
        off = ((mine < low) | (mine > high)).astype(np.float64)
        ends = ((mine == low) | (mine == high)).astype(np.float64)
        experts_ends = pooled((theirs == low) | (theirs == high))
    else:
        off, ends, experts_ends = rated.copy(), np.zeros_like(rated), np.zeros_like(rated)
    return _ShareColumns(
        levels=[series.ratio((mine == v).astype(np.float64), rated) for v in levels],
        experts_levels=[series.ratio(pooled(theirs == v), rated_experts) for v in levels],
        off_scale=series.ratio(off, rated),
        ends=series.ratio(ends, rated),
        experts_ends=series.ratio(experts_ends, rated_experts),
    )


def _recentred(result: BootstrapResult, columns: Sequence[int]) -> BootstrapResult:
    """The intervals of absolute-value summaries, from replicates recentred on the estimate.

    A mean of |x_k| is biased upwards in resamples (|·| is convex): when the x_k sit near 0,
    almost every resample's mean |x_k| exceeds the estimate and the percentile interval can
    lie wholly above it (``experts_abs_length_bias`` 0.05355 with [0.05356, 0.1015]). These
    columns take the percentile interval of the replicates shifted so that their median is the
    estimate, floored at 0: an interval of the same width that always contains its estimate.
    """
    if not columns:
        return result
    picked = list(columns)
    low, high = result.low.copy(), result.high.copy()
    replicates = result.replicates[:, picked]
    estimate = result.estimate[picked]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        shift = estimate - np.nanmedian(replicates, axis=0)
    defined = np.isfinite(low[picked]) & np.isfinite(high[picked]) & np.isfinite(shift)
    low[picked] = np.where(defined, np.maximum(low[picked] + shift, 0.0), low[picked])
    high[picked] = np.where(defined, np.maximum(high[picked] + shift, 0.0), high[picked])
    return replace(result, low=low, high=high)


def diagnose(
    panel: Panel,
    candidate: ArrayLike,
    name: str = "candidate",
    *,
    polarity: Sequence[str],
    word_counts: ArrayLike | None = None,
    crowd: ArrayLike | None = None,
    counts: FloatArray | None = None,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
) -> Diagnostics:
    """Every diagnostic of one candidate on one framework (see the module doc).

    Args:
        panel: The reference panel.
        candidate: items × sub-components ratings aligned with `panel.items` (NaN: not rated).
        name: The candidate's name; a panel member is compared with the panel without it.
        polarity: "positive" or "negative" per sub-component, in `panel.sub_components` order
            (the rubric's `SubComponent.polarity`).
        word_counts: The supporter's word count per item, aligned with `panel.items` (NaN where
            unknown); None skips the length bias.
        crowd: The crowd's items × sub-components ratings, for its leniency; None skips it.
        counts: Shared resample counts (B × items), e.g. `agreement.shared_counts(panel)`.
        settings: Resamples and seed when `counts` is None (drawn as by `resample_counts`, so the
            default matches `assess`'s and the same seed gives the same resamples), and the
            intervals' coverage.

    Returns:
        The diagnostics.

    Raises:
        DiagnosticsError: A misaligned array, an infinite rating, a bad polarity list or
            resample counts of the wrong width.
    """
    notes: list[str] = []
    if name in panel.raters:
        panel = panel.without(name)
        notes.append(
            f"{name} belongs to the panel: it is compared with the other {panel.n_raters} "
            "rater(s), never with a consensus containing its own ratings"
        )
    values = _items_by_subs(panel, candidate, name)
    crowd_values = None if crowd is None else _items_by_subs(panel, crowd, "crowd")
    signs = _checked_polarity(panel, polarity)
    words = None if word_counts is None else _checked_word_counts(panel, word_counts)
    if words is not None and np.isnan(words).all():
        notes.append("no item has a word count: no length bias")
        words = None
    n_items, n_subs, n_raters = panel.values.shape
    if counts is None:
        counts = resample_counts(n_items, settings.n_resamples, settings.seed)
    elif counts.ndim != 2 or counts.shape[1] != n_items:
        raise DiagnosticsError(
            f"resample counts have shape {counts.shape}; expected (resamples, {n_items})"
        )
    nominal = panel.level == "nominal"
    if nominal:
        notes.append(
            "nominal scale: no order, so no leniency, spread ratio, length bias or polarity"
        )
    has_experts = n_raters >= 2
    if not has_experts:
        notes.append("one expert: no leave-one-out reference, so no experts' figures")

    consensus = panel.consensus()
    series = _Series()
    columns = _register(series, panel, values, consensus, crowd_values, words, signs)
    statistic, plan = _statistic(series, columns, values, consensus)
    recentred = ["experts_abs", "all_experts_abs"]
    if columns.length:
        recentred += ["experts_abs_rho", "all_experts_abs_rho"]
    result = _recentred(
        bootstrap(statistic, n_items, counts=counts, confidence=settings.confidence),
        plan.indices(*recentred),
    )
    read = _Reader(result, plan, nominal)
    length = bool(columns.length)

    def experts_or_missing(block: str) -> Estimate:
        return read.estimate(block) if has_experts else Estimate.missing()

    return Diagnostics(
        framework=panel.framework,
        candidate=name,
        n_items=n_items,
        raters=panel.raters,
        sub_components=tuple(
            _sub_diagnostics(read, columns, panel, j, values, consensus, words, signs)
            for j in range(n_subs)
        ),
        leniency=read.estimate("leniency"),
        crowd_leniency=None if columns.lenient_crowd is None else read.estimate("crowd"),
        experts_abs_leniency=experts_or_missing("all_experts_abs"),
        length_bias=read.estimate("length_rho") if length else None,
        experts_length_bias=experts_or_missing("all_experts_rho") if length else None,
        experts_abs_length_bias=experts_or_missing("all_experts_abs_rho") if length else None,
        n_resamples=int(counts.shape[0]),
        confidence=settings.confidence,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class _Columns:
    """Where the series of one `diagnose` call sit: indices into `_Series`' ratios and ρs.

    Attributes:
        lenient: Ratio series of mean(candidate − consensus), per sub-component.
        lenient_crowd: The same for the crowd (None: no crowd given).
        lenient_experts: Per sub-component, mean(expert k − R_k) of each expert (none with one).
        levels: The integer levels of each sub-component's scale.
        shares: The scale-use ratio series of each sub-component.
        length: Per sub-component, the ρ series of the candidate's departure with the word count
            and of each expert's (empty without word counts).
        polar: Per negative sub-component, (candidate's ρ, consensus' ρ) with each positive one.
    """

    lenient: list[int]
    lenient_crowd: list[int] | None
    lenient_experts: list[list[int]]
    levels: list[FloatArray]
    shares: list[_ShareColumns]
    length: list[tuple[int, list[int]]]
    polar: dict[int, list[tuple[int, int]]]


def _register(
    series: _Series,
    panel: Panel,
    values: FloatArray,
    consensus: FloatArray,
    crowd_values: FloatArray | None,
    words: FloatArray | None,
    signs: tuple[Polarity, ...],
) -> _Columns:
    """Register every ratio and ρ series the diagnostics need, and say where each sits."""
    n_subs, n_raters = len(panel.sub_components), panel.n_raters
    has_experts = n_raters >= 2
    gap = values - consensus
    expert_gap = panel.values - panel.leave_one_out_references()  # expert k − R_k
    lenient = [series.mean(gap[:, j]) for j in range(n_subs)]
    lenient_crowd = (
        None
        if crowd_values is None
        else [series.mean(crowd_values[:, j] - consensus[:, j]) for j in range(n_subs)]
    )
    lenient_experts = [
        [series.mean(expert_gap[:, j, k]) for k in range(n_raters)] if has_experts else []
        for j in range(n_subs)
    ]
    levels = [_levels(scale) for scale in panel.scales]
    shares = [
        _share_columns(series, values[:, j], panel.values[:, j], levels[j]) for j in range(n_subs)
    ]
    # Length bias: the candidate's items, and each expert on those of them it has.
    length: list[tuple[int, list[int]]] = []
    if words is not None:
        for j in range(n_subs):
            mine = np.where(np.isnan(words), np.nan, gap[:, j])
            experts = [
                series.rho(np.where(np.isnan(mine), np.nan, expert_gap[:, j, k]), words)
                for k in range(n_raters if has_experts else 0)
            ]
            length.append((series.rho(mine, words), experts))
    # Polarity: candidate and consensus on the items both rate on both sub-components.
    positives = [p for p in range(n_subs) if signs[p] == "positive"]
    polar: dict[int, list[tuple[int, int]]] = {}
    for j in range(n_subs):
        if signs[j] != "negative" or not positives:
            continue
        polar[j] = []
        for p in positives:
            pair = np.column_stack([values[:, j], values[:, p], consensus[:, j], consensus[:, p]])
            keep = np.where(np.isnan(pair).any(axis=1), np.nan, 1.0)
            polar[j].append(
                (
                    series.rho(values[:, j] * keep, values[:, p] * keep),
                    series.rho(consensus[:, j] * keep, consensus[:, p] * keep),
                )
            )
    return _Columns(lenient, lenient_crowd, lenient_experts, levels, shares, length, polar)


def _mean_columns(block: FloatArray, columns: list[int], *, absolute: bool = False) -> FloatArray:
    """The mean over some columns of a block, row by row (NaN when there are none)."""
    if not columns:
        return np.full(block.shape[0], np.nan)
    picked = block[:, columns]
    return quiet_nanmean(np.abs(picked) if absolute else picked, axis=1)


def _statistic(
    series: _Series, columns: _Columns, values: FloatArray, consensus: FloatArray
) -> tuple[WeightedStatistic, ColumnPlan]:
    """The one weighted statistic of every figure, and the plan of its columns.

    Blocks: the registered ratio series, spread ratios and ρ series, then what is derived from
    them (averages over experts, sub-components and positive partners).
    """
    ratio_of = ratio_statistic(
        np.column_stack(series.numerators), np.column_stack(series.denominators)
    )
    spread_of = spread_ratio_statistic(values, consensus)
    rho_of = (
        spearman_statistic(np.column_stack(series.x), np.column_stack(series.y))
        if series.x
        else None
    )
    n_subs = values.shape[1]
    widths = {
        "ratios": len(series.numerators),
        "spread": n_subs,
        "rho": len(series.x),
        "leniency": 1,
        "crowd": 1,
        "experts_abs": n_subs,
        "all_experts_abs": 1,
    }
    length = columns.length
    if length:
        widths |= {"experts_rho": n_subs, "experts_abs_rho": n_subs}
        widths |= dict.fromkeys(["length_rho", "all_experts_rho", "all_experts_abs_rho"], 1)
    widths |= {_polar_block(j): 3 for j in columns.polar}
    plan = ColumnPlan.of(widths)

    def statistic(weights: FloatArray) -> FloatArray:
        r = ratio_of(weights)
        s = rho_of(weights) if rho_of is not None else np.zeros((weights.shape[0], 0))
        experts_abs = np.column_stack(
            [_mean_columns(r, cols, absolute=True) for cols in columns.lenient_experts]
        )
        blocks: dict[str, FloatArray] = {
            "ratios": r,
            "spread": spread_of(weights),
            "rho": s,
            "leniency": _mean_columns(r, columns.lenient),
            "crowd": _mean_columns(r, columns.lenient_crowd or []),
            "experts_abs": experts_abs,
            "all_experts_abs": quiet_nanmean(experts_abs, axis=1),
        }
        if length:
            experts_rho = np.column_stack([_mean_columns(s, cols) for _, cols in length])
            experts_abs_rho = np.column_stack(
                [_mean_columns(s, cols, absolute=True) for _, cols in length]
            )
            blocks |= {
                "experts_rho": experts_rho,
                "experts_abs_rho": experts_abs_rho,
                "length_rho": _mean_columns(s, [c for c, _ in length]),
                "all_experts_rho": quiet_nanmean(experts_rho, axis=1),
                "all_experts_abs_rho": quiet_nanmean(experts_abs_rho, axis=1),
            }
        for j, pairs in columns.polar.items():
            own = _mean_columns(s, [a for a, _ in pairs])
            theirs = _mean_columns(s, [b for _, b in pairs])
            blocks[_polar_block(j)] = np.column_stack([own, theirs, own - theirs])
        return plan.stack(blocks)

    return statistic, plan


def _polar_block(j: int) -> str:
    return f"polarity of sub-component {j}"


@dataclass(frozen=True)
class _Reader:
    """Reads estimates with intervals out of one bootstrap result, by block."""

    result: BootstrapResult
    plan: ColumnPlan
    nominal: bool

    def estimate(self, block: str, j: int = 0, *, ordered: bool = True) -> Estimate:
        """Column `j` of a block; figures that need an order are NaN on nominal scales."""
        if self.nominal and ordered:
            return Estimate.missing()
        column = self.plan.column(block, j)
        result = self.result
        return Estimate(
            float(result.estimate[column]), float(result.low[column]), float(result.high[column])
        )

    def share(self, j: int) -> Estimate:
        """Ratio series `j` (a share, defined on any scale)."""
        return self.estimate("ratios", j, ordered=False)


def _sub_diagnostics(
    read: _Reader,
    columns: _Columns,
    panel: Panel,
    j: int,
    values: FloatArray,
    consensus: FloatArray,
    words: FloatArray | None,
    signs: tuple[Polarity, ...],
) -> SubComponentDiagnostics:
    """The diagnostics of sub-component `j`."""
    has_experts = panel.n_raters >= 2

    def experts(block: str) -> Estimate:
        return read.estimate(block, j) if has_experts else Estimate.missing()

    both = ~np.isnan(values[:, j] - consensus[:, j])
    binned = round_half_up(values[:, j])
    rated_levels = np.unique(binned[~np.isnan(binned)])
    n_rated = int((~np.isnan(values[:, j])).sum())
    constant = n_rated >= 2 and rated_levels.size == 1
    cols = columns.shares[j]
    length_bias = None
    if words is not None:
        candidate, each = columns.length[j]
        length_bias = LengthBias(
            candidate=read.estimate("rho", candidate),
            experts=experts("experts_rho"),
            experts_each=tuple(read.estimate("rho", c) for c in each),
            experts_abs=experts("experts_abs_rho"),
            n_items=int((both & ~np.isnan(words)).sum()),
        )
    check = None
    if j in columns.polar:
        judge_rho, experts_rho, difference = (read.estimate(_polar_block(j), c) for c in range(3))
        check = PolarityCheck(
            positives=tuple(
                sub
                for sub, sign in zip(panel.sub_components, signs, strict=True)
                if sign == "positive"
            ),
            candidate=judge_rho,
            experts=experts_rho,
            difference=difference,
            as_if_positive=bool(
                judge_rho.value > 0 and experts_rho.value < 0 and difference.low > 0
            ),
        )
    crowd = columns.lenient_crowd
    return SubComponentDiagnostics(
        sub_component=panel.sub_components[j],
        polarity=signs[j],
        leniency=Leniency(
            candidate=read.estimate("ratios", columns.lenient[j]),
            crowd=None if crowd is None else read.estimate("ratios", crowd[j]),
            experts=tuple(read.estimate("ratios", c) for c in columns.lenient_experts[j]),
            experts_abs=experts("experts_abs"),
            n_items=int(both.sum()),
        ),
        scale_use=ScaleUse(
            levels=tuple(float(v) for v in columns.levels[j]),
            shares=tuple(read.share(c) for c in cols.levels),
            experts_shares=tuple(read.share(c) for c in cols.experts_levels),
            off_scale=read.share(cols.off_scale),
            ends=read.share(cols.ends),
            experts_ends=read.share(cols.experts_ends),
            spread_ratio=read.estimate("spread", j),
            n_rated=n_rated,
            constant=bool(constant),
            constant_level=float(rated_levels[0]) if constant else math.nan,
        ),
        length_bias=length_bias,
        polarity_check=check,
    )


__all__ = ["diagnose"]
