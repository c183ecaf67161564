"""The regression gate as a pure function: did a candidate judge lose agreement with the experts?

`regression_gate(reference, baseline, candidate)` takes three items × sub-components float
arrays (NaN = missing): the expert consensus per item, the baseline judge's ratings and the
candidate judge's. For every sub-component (column) j,

    Δκ_j = κw(candidate_j, reference_j) − κw(baseline_j, reference_j)

(value-based quadratic κw) on the items where all three are present, and for every group of
columns (e.g. a framework's sub-components) the mean Δκ over its members. Every Δκ is
bootstrapped on one shared matrix of item resamples (`scorers.bootstrap`), so the correlation
between an item's sub-components is kept in the group means and in the multiplicity correction.

**Family-wise error control.** Every sub-component and every group mean compared in one call is
one hypothesis H_h: "no drop" (Δ_h ≥ 0), tested one-sided (a regression is a drop). With s_h
the jackknife standard error of Δ̂_h (below) and σ*_h the bootstrap's (standard deviation of the
resampled Δ*_h), the drop statistic is t_h = −Δ̂_h / s_h and its null distribution is that of
the centred, standardised replicates −(Δ*_h − Δ̂_h) / σ*_h: the bootstrap gives the null
distribution its shape, the jackknife its scale. A bootstrap p-value is
(1 + #{draws ≥ t_h}) / (1 + B). Three corrections keep the probability of any false
"regressed" in the call at most 1 − `level`:

* ``"hierarchical"`` (default) — mean first. Each group's head hypothesis is its mean (or its
  only column). The level is split equally between the groups (Bonferroni: frameworks rate
  different items, so little is lost); inside a group the mean is tested first with its own
  p-value, and only once it is rejected are its sub-components tested, together, with a
  max-statistic over those still standing; a group whose every hypothesis is rejected hands its
  share to the others. The weights only grow as hypotheses are rejected, so this sequentially
  rejective procedure is a shortcut of a closed test (Goeman & Solari's sequential rejection
  principle) and controls the family-wise error strongly; `hierarchical_adjust` gives its
  adjusted p-values. It spends the level where a broad regression shows first: on 50 items a
  framework mean has about half the standard error of one sub-component.
* ``"maxt"`` — a single-step max-statistic over every hypothesis (Westfall & Young):
  p_h = (1 + #{b : max_k −(Δ*_bk − Δ̂_k)/s_k ≥ t_h}) / (1 + B). It uses the correlation
  between all hypotheses and is better at a drop confined to one sub-component, worse at a
  drop spread over a framework (`benchmarks/bench_gate.py`, scenarios (b) and (c)).
* ``"holm"`` — the marginal p-values with Holm's step-down (ignores the correlation).

**Why the jackknife scales the test** (`std_error_method`). On few items the bootstrap spread of
Δκw is narrower than its sampling spread: the bootstrap variance of a mean is (n − 1)/n times
the unbiased one, and κw, a ratio of sums, loses more on coarse scales. Scaled by σ*_h
(``std_error_method="bootstrap"``, the rule before), the gate's four framework means, each at a
1.25% share, gave 4.66% ± 0.41 false "regressed" over the release's 50 items (exact tests:
1 − 0.9875⁴ = 4.9%), and EPITOME alone on 25 items, its mean at the whole 5%, 6.2% ± 0.5.
The jackknife variance over the items h depends on (its paired items; for a group mean,
those paired in any member), summed over strata,

    s_h² = Σ_s (m_s − 1)/m_s · Σ_i (θ_(i) − θ̄_(s))²,   θ_(i) = Δ̂_h without item i,

is conservative in expectation (Efron & Stein 1981, "The jackknife estimate of variance"),
needs no resampling (each κw is a function of six item sums, so leaving an item out is a
subtraction: `leave_one_out_delta`) and grows where the bootstrap falls short.
`benchmarks/bench_gate.py` measured it beside the rule before, the bootstrap variance times
n/(n − 1), and BCa p-values for the means, on the same simulated comparisons: false
"regressed" over the release's 21 sub-components for equally good judges 4.31% ± 0.40
(10,000 replications; before 4.66%, n/(n − 1) 4.40%, BCa 6.6%); detection of a 0.2 κw drop
on each sub-component of a 3-sub-component, 50-item framework 81.4% ± 1.2 (4,000; before
82.4%, n/(n − 1) 82.1%, BCa 82.8%). The n/(n − 1) factor keeps a little more power on 50
items but follows the shortfall less where it is largest: EPITOME alone on 25 items gave
5.4% ± 0.5 false "regressed" with the jackknife, 5.9% with n/(n − 1) (8,000 replications).
Where a leave-one-out κw is undefined, s_h is the bootstrap's.

The reported bounds are simultaneous over all hypotheses of the call:

    high_h = Δ̂_h + c_up · s_h,   low_h = Δ̂_h − c_low · s_h,

with c_up, c_low the critical values of the max-statistic of drops and of gains among the
standardised draws (with ``"holm"``, Bonferroni quantiles of each hypothesis's own draws).
With ``"maxt"``, p_h ≤ 1 − level exactly when high_h < 0; with ``"hierarchical"`` a framework
mean can be flagged while its (simultaneous, hence wider) band still reaches just above 0.
Together the bounds form a simultaneous 1 − 2·(1 − level) band (90% at 0.95), as in the two
one-sided tests of equivalence testing.

**Verdicts** (per sub-component and per group, in this order), with tolerance T:

* ``regressed``: the drop is significant after the correction (adjusted p_h ≤ 1 − level) *and*
  the point estimate Δ̂_h < −T. T only keeps a certain but negligible drop from failing a
  pipeline; it does not shift the test. `benchmarks/bench_gate.py` chose this rule: on 50 items
  the condition Δ̂ < −T never binds (a significant drop is always larger than 0.05), while
  asking for the whole bound below −T ("high < −T") loses a quarter to a half of the power.
* ``improved``: the mirror image: low_h > 0 and Δ̂_h > T.
* ``equivalent``: −T ≤ low_h and high_h ≤ T (both simultaneous bounds inside ±T).
* ``inconclusive``: anything else — the data cannot tell a drop larger than T from none; also
  any entry on fewer than `MIN_VERDICT_ITEMS` paired items (the engine's rule, shared with the
  like-for-like verdicts of the report and the in-run metric).
* ``not comparable`` (sub-components only, or a group with no comparable member): no paired
  items (or fewer than 2), κw undefined on them (e.g. a reference without variation), or κw
  undefined in over half of the resamples. Such columns are left out of the family and out of
  their group's mean; `GateResult.comparable` is False. A *side* with no rating at all raises
  `NoUsableRatingsError` instead.

**Smallest detectable drop** (80% power, normal approximation, the standard error s_h taken
as the one under the alternative): with c_h the critical value of the first test
hypothesis h meets, a true drop D is flagged with probability about Φ((D − max(c_h·s_h, T)) /
s_h), so

    min_detectable_drop_h = max(c_h · s_h, T) + z₀.₈₀ · s_h,   z₀.₈₀ = Φ⁻¹(0.80) ≈ 0.8416.

c_h: ``"hierarchical"``, for a group mean the quantile of its own draws at (1 − level) / groups,
for a sub-component the max-statistic's over its group's sub-components at the same share
(given that its group's mean was flagged); ``"maxt"``, c_up; ``"holm"``, the Bonferroni one.

**Several frameworks in one call.** Frameworks rate different items: stack their items as rows
with NaN outside each framework's own columns, label the columns' framework in `groups` and the
rows' framework in `strata`; items are then resampled within their framework (a stratified
bootstrap, each framework keeping its item count in every resample; the jackknife is summed
over frameworks likewise) and one correction covers every framework's sub-components and means.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..datasets.errors import EmpathyJudgeError
from .agreement import MIN_VERDICT_ITEMS
from .alpha import Level
from .bootstrap import (
    DEFAULT_RESAMPLES,
    agreement_statistic,
    bootstrap,
    jackknife_weights,
    kappa_difference_statistic,
    resample_counts,
)
from .common import FloatArray
from .kappa import kappa_from_moment_arrays

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Correction = Literal["maxt", "holm", "hierarchical"]
StdErrorMethod = Literal["jackknife", "bootstrap"]
GateVerdict = Literal["regressed", "improved", "equivalent", "inconclusive", "not comparable"]

DEFAULT_TOLERANCE = 0.05
DEFAULT_LEVEL = 0.95
DEFAULT_CORRECTION: Correction = "hierarchical"
DEFAULT_STD_ERROR_METHOD: StdErrorMethod = "jackknife"
#: Power at which `min_detectable_drop` is stated.
DETECTION_POWER = 0.80
#: The group that holds every column when no `groups` are given.
ALL_COLUMNS = "all"
NOT_COMPARABLE: GateVerdict = "not comparable"


class GateInputError(EmpathyJudgeError, ValueError):
    """The arrays given to the gate cannot be compared (shape, labels, infinite values)."""


class NoUsableRatingsError(GateInputError):
    """One side has no rating at all (every value is NaN), e.g. every answer failed to parse."""


@dataclass(frozen=True)
class GateEntry:
    """The comparison of one sub-component or one group mean.

    Attributes:
        name: The column's name, or the group's label.
        members: Indices of the columns it covers (one for a sub-component; for a group, the
            comparable members its mean is over).
        baseline_kappa: κw(baseline, reference) on the paired items (a group: member mean).
        candidate_kappa: κw(candidate, reference) on the paired items (a group: member mean).
        delta: Δ̂ = candidate − baseline.
        low: Simultaneous one-sided lower bound of Δ.
        high: Simultaneous one-sided upper bound of Δ.
        std_error: Bootstrap standard error of Δ̂.
        p_value: Family-wise adjusted one-sided p-value of "no drop".
        min_detectable_drop: Smallest drop flagged with 80% power (module docstring).
        n_items: Items where reference, baseline and candidate are all present (a group: the
            smallest over its members).
        verdict: "regressed", "improved", "equivalent", "inconclusive" or "not comparable".
        reason: Why it is not comparable ("" otherwise).
        critical: The critical value c_h of the first test the hypothesis meets (module doc;
            NaN when not comparable).
    """

    name: str
    members: tuple[int, ...]
    baseline_kappa: float
    candidate_kappa: float
    delta: float
    low: float
    high: float
    std_error: float
    p_value: float
    min_detectable_drop: float
    n_items: int
    verdict: GateVerdict
    reason: str = ""
    critical: float = math.nan

    def items_needed(
        self, drop: float, tolerance: float = DEFAULT_TOLERANCE, power: float = DETECTION_POWER
    ) -> float:
        """Items (per framework) for a true `drop` to be flagged with `power`, about.

        The standard error scales as 1/√n from this comparison's n items, and a drop D is
        flagged with probability about Φ((D − max(c·s, T)) / s) (module doc), so the smallest
        n' with max(c·s', T) + z·s' ≤ D, s' = s·√(n/n'), is
        n' = n · max((c + z)·s / D, z·s / (D − T))², rounded up (infinite when D ≤ T).

        Args:
            drop: The drop D in κw units.
            tolerance: The gate's T.
            power: The detection probability.

        Returns:
            The items needed; NaN when the standard error or the critical value is unknown.
        """
        if not (math.isfinite(self.std_error) and math.isfinite(self.critical)):
            return math.nan
        if drop <= tolerance:
            return math.inf
        z = NormalDist().inv_cdf(power)
        scale = max(
            (self.critical + z) * self.std_error / drop,
            z * self.std_error / (drop - tolerance),
        )
        return float(math.ceil(self.n_items * scale**2 - 1e-9))


@dataclass(frozen=True)
class GateResult:
    """Verdicts of one call of `regression_gate`.

    Attributes:
        columns: One entry per sub-component, in column order.
        groups: One entry per group, in order of first appearance.
        tolerance: T.
        level: Family-wise confidence (1 − FWER).
        correction: "maxt" or "holm".
        n_resamples: Bootstrap resamples.
        seed: Their seed.
        replicates: Resampled Δ*, shape (B, columns + groups), columns first.
        std_error_method: "jackknife" or "bootstrap": where the standard errors come from.
    """

    columns: tuple[GateEntry, ...]
    groups: tuple[GateEntry, ...]
    tolerance: float
    level: float
    correction: Correction
    n_resamples: int
    seed: int | None
    replicates: FloatArray
    std_error_method: StdErrorMethod = "jackknife"

    @property
    def regressed(self) -> bool:
        """Whether any sub-component or group mean regressed."""
        return any(e.verdict == "regressed" for e in (*self.columns, *self.groups))

    @property
    def verdicts(self) -> tuple[GateVerdict, ...]:
        """One verdict per sub-component, in column order."""
        return tuple(e.verdict for e in self.columns)

    @property
    def inconclusive(self) -> int:
        """How many sub-components are inconclusive (groups: `inconclusive_groups`)."""
        return sum(e.verdict == "inconclusive" for e in self.columns)

    @property
    def inconclusive_groups(self) -> int:
        """How many group means are inconclusive."""
        return sum(e.verdict == "inconclusive" for e in self.groups)

    @property
    def comparable(self) -> bool:
        """False when some sub-component could not be compared (see `not_comparable`)."""
        return not self.not_comparable

    @property
    def not_comparable(self) -> tuple[GateEntry, ...]:
        """The sub-components that could not be compared, with their reasons."""
        return tuple(e for e in self.columns if e.verdict == NOT_COMPARABLE)

    @property
    def delta(self) -> FloatArray:
        """Δ̂ per sub-component."""
        return np.array([e.delta for e in self.columns])

    @property
    def low(self) -> FloatArray:
        """Simultaneous lower bound per sub-component."""
        return np.array([e.low for e in self.columns])

    @property
    def high(self) -> FloatArray:
        """Simultaneous upper bound per sub-component."""
        return np.array([e.high for e in self.columns])

    @property
    def p_value(self) -> FloatArray:
        """Adjusted one-sided p-value of "no drop" per sub-component."""
        return np.array([e.p_value for e in self.columns])

    @property
    def n_items(self) -> tuple[int, ...]:
        """Paired items per sub-component."""
        return tuple(e.n_items for e in self.columns)

    @property
    def min_detectable_drop(self) -> FloatArray:
        """Smallest drop detectable with 80% power per sub-component (groups: their entries)."""
        return np.array([e.min_detectable_drop for e in self.columns])

    def items_needed(self, drop: float = 0.2) -> dict[str, float]:
        """Per group (framework mean): items to flag a true `drop` with 80% power, about.

        See `GateEntry.items_needed`: on 50 items a 0.2 κw framework drop is detected about
        81% of the time under the project's simulation model but only about 60–66% under the
        harder one (`benchmarks/bench_gate.py --model harder`), so print this beside a pass.
        """
        return {g.name: g.items_needed(drop, self.tolerance) for g in self.groups}


def holm_adjust(p_values: ArrayLike) -> FloatArray:
    """Holm's step-down adjusted p-values (NaN entries stay NaN and do not count).

    Args:
        p_values: Unadjusted p-values.

    Returns:
        Adjusted p-values: the i-th smallest of m becomes max over j ≤ i of (m − j + 1)·p_(j),
        capped at 1.
    """
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    defined = np.flatnonzero(~np.isnan(p))
    m = defined.shape[0]
    if m == 0:
        return adjusted
    order = defined[np.argsort(p[defined], kind="stable")]
    scaled = (m - np.arange(m)) * p[order]
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted


def _rank_critical(values: FloatArray, alpha: float) -> float:
    """The value c with #{v ≥ t} ≤ ⌊α(B+1)⌋ − 1 exactly when t > c (B = defined values)."""
    defined = values[~np.isnan(values)]
    allowed = math.floor(alpha * (defined.shape[0] + 1) + 1e-9) - 1
    if allowed < 0:
        raise GateInputError(
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
    return np.where(np.isnan(t), np.nan, p), _rank_critical(maxima, alpha)


def _marginal_p(statistics: FloatArray, null: FloatArray) -> FloatArray:
    defined = (~np.isnan(null)).sum(axis=0)
    exceed = np.where(np.isnan(null), False, null >= statistics[None, :]).sum(axis=0)
    return np.where(np.isnan(statistics), np.nan, (1.0 + exceed) / (1.0 + defined))


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


@dataclass(frozen=True)
class _Family:
    """The hypotheses tested together: estimates, replicates and their decisions."""

    estimate: FloatArray
    std_error: FloatArray
    p_value: FloatArray
    low: FloatArray
    high: FloatArray
    critical: FloatArray


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


def _hierarchical_critical(
    null: FloatArray, group: IntArray, head: BoolArray, alpha: float
) -> FloatArray:
    """Critical values of the first test each hypothesis meets (heads first, at α / groups)."""
    share = alpha / np.unique(group).shape[0]
    critical = np.empty(group.shape[0])
    for g in np.unique(group):
        in_group = group == g
        for h in np.flatnonzero(in_group & head):
            critical[h] = _rank_critical(null[:, h], share)
        members = np.flatnonzero(in_group & ~head)
        if members.shape[0]:
            usable = ~np.isnan(null[:, members]).all(axis=1)
            filled = np.where(np.isnan(null[usable][:, members]), -np.inf, null[usable][:, members])
            critical[members] = _rank_critical(filled.max(axis=1), share)
    return critical


def _test_family(
    estimate: FloatArray,
    replicates: FloatArray,
    alpha: float,
    correction: Correction,
    group: IntArray,
    head: BoolArray,
    jackknife_se: FloatArray | None = None,
) -> _Family:
    """Test the family; the bootstrap gives the null's shape, `jackknife_se` (if any) its scale."""
    if replicates.shape[0] < 2:
        bootstrap_se = np.zeros(estimate.shape)
    elif np.isnan(replicates).any():
        with np.errstate(invalid="ignore"):
            bootstrap_se = np.nanstd(replicates, axis=0, ddof=1)
    else:
        bootstrap_se = replicates.std(axis=0, ddof=1)
    known = bootstrap_se == 0.0  # Δ* never moves: Δ is exactly known on these items
    shape_se = np.where(known, 1.0, bootstrap_se)
    centred = np.where(known[None, :], 0.0, (replicates - estimate[None, :]) / shape_se[None, :])
    std_error = bootstrap_se
    if jackknife_se is not None:
        # The jackknife where it is defined and positive; the bootstrap's otherwise.
        usable = ~known & np.isfinite(jackknife_se) & (jackknife_se > 0.0)
        std_error = np.where(usable, jackknife_se, bootstrap_se)
    safe_se = np.where(known, 1.0, std_error)
    exact = np.where(estimate < 0.0, np.inf, np.where(estimate > 0.0, -np.inf, 0.0))
    drop = np.where(known, exact, -estimate / safe_se)
    gain = -drop
    hypotheses = estimate.shape[0]
    if correction in ("maxt", "hierarchical"):
        p_value, c_up = max_t_adjust(drop, -centred, alpha)
        _, c_low = max_t_adjust(gain, centred, alpha)
        up = np.full(hypotheses, c_up)
        down = np.full(hypotheses, c_low)
        critical = up
        if correction == "hierarchical":
            p_value = hierarchical_adjust(drop, -centred, group.tolist(), head.tolist())
            critical = _hierarchical_critical(-centred, group, head, alpha)
    elif correction == "holm":
        p_value = holm_adjust(_marginal_p(drop, -centred))
        share = alpha / hypotheses
        up = np.array([_rank_critical(-centred[:, h], share) for h in range(hypotheses)])
        down = np.array([_rank_critical(centred[:, h], share) for h in range(hypotheses)])
        critical = up
    else:
        raise ValueError(f"unknown correction {correction!r}")
    high = np.where(known, estimate, estimate + up * safe_se)
    low = np.where(known, estimate, estimate - down * safe_se)
    return _Family(estimate, std_error, p_value, low, high, np.where(known, 0.0, critical))


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


def _row_means(values: FloatArray, members: tuple[int, ...]) -> FloatArray:
    """Mean over the member columns per row, ignoring NaN; NaN where none is defined."""
    chosen = values[:, list(members)]
    defined = ~np.isnan(chosen)
    total = np.where(defined, chosen, 0.0).sum(axis=1)
    count = defined.sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _verdict(
    delta: float, low: float, high: float, p: float, alpha: float, t: float
) -> GateVerdict:
    if p <= alpha and delta < -t:
        return "regressed"
    if low > 0.0 and delta > t:
        return "improved"
    if low >= -t and high <= t:
        return "equivalent"
    return "inconclusive"


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
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = 0,
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
        counts = stratified_counts(strata, n_items, n_resamples, seed)
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
        seed=seed if drawn_here else None,
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


def decide(
    deltas: DeltaBootstrap,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    level: float = DEFAULT_LEVEL,
    correction: Correction = DEFAULT_CORRECTION,
    std_error_method: StdErrorMethod = DEFAULT_STD_ERROR_METHOD,
) -> GateResult:
    """Verdicts from a `delta_bootstrap` (several rules can share one bootstrap).

    Raises:
        ValueError: Bad tolerance or level, or too few resamples for the level.
    """
    if not tolerance >= 0.0:
        raise ValueError(f"tolerance must be ≥ 0, got {tolerance}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    alpha = 1.0 - level
    estimate, column_reps = deltas.estimate, deltas.replicates
    n_columns = estimate.shape[0]
    comparable = [not r for r in deltas.reasons]
    group_labels = list(dict.fromkeys(deltas.groups))
    group_members = [
        tuple(j for j in range(n_columns) if deltas.groups[j] == g and comparable[j])
        for g in group_labels
    ]
    group_reps = np.column_stack([_row_means(column_reps, m) for m in group_members])
    group_estimate = np.array(
        [float(np.mean(estimate[list(m)])) if m else np.nan for m in group_members]
    )

    # The family: comparable columns, and groups that are not just one of those columns again.
    columns_in = [j for j in range(n_columns) if comparable[j]]
    groups_in = [g for g, m in enumerate(group_members) if len(m) > 1]
    family_estimate = np.concatenate([estimate[columns_in], group_estimate[groups_in]])
    family_reps = np.concatenate([column_reps[:, columns_in], group_reps[:, groups_in]], axis=1)
    # Each group's head (for "hierarchical"): its mean, or its only comparable column.
    family_group = np.array(
        [group_labels.index(deltas.groups[j]) for j in columns_in] + groups_in, dtype=np.int64
    )
    family_head = np.array(
        [len(group_members[group_labels.index(deltas.groups[j])]) == 1 for j in columns_in]
        + [True] * len(groups_in),
        dtype=np.bool_,
    )
    jackknife_se: FloatArray | None = None
    if std_error_method == "jackknife":
        group_jack = [deltas.jackknife[:, list(group_members[g])].mean(axis=1) for g in groups_in]
        group_paired = [deltas.paired[:, list(group_members[g])].any(axis=1) for g in groups_in]
        jackknife_se = jackknife_std_error(
            np.column_stack([deltas.jackknife[:, columns_in], *group_jack]),
            family_estimate,
            np.column_stack([deltas.paired[:, columns_in], *group_paired]),
            deltas.strata,
        )
    elif std_error_method != "bootstrap":
        raise ValueError(f"unknown std_error_method {std_error_method!r}")
    if family_estimate.shape[0]:
        family = _test_family(
            family_estimate,
            family_reps,
            alpha,
            correction,
            family_group,
            family_head,
            jackknife_se,
        )
    else:
        empty = np.zeros(0)
        family = _Family(empty, empty, empty, empty, empty, empty)
    z_power = NormalDist().inv_cdf(DETECTION_POWER)

    def figures(position: int) -> dict[str, float]:
        se = float(family.std_error[position])
        return {
            "delta": float(family.estimate[position]),
            "low": float(family.low[position]),
            "high": float(family.high[position]),
            "std_error": se,
            "p_value": float(family.p_value[position]),
            "min_detectable_drop": max(float(family.critical[position]) * se, tolerance)
            + z_power * se,
            "critical": float(family.critical[position]),
        }

    nan_figures = dict.fromkeys(
        ("delta", "low", "high", "std_error", "p_value", "min_detectable_drop", "critical"),
        math.nan,
    )

    def entry(
        name: str, members: tuple[int, ...], values: dict[str, float], n: int, reason: str
    ) -> GateEntry:
        verdict: GateVerdict = (
            NOT_COMPARABLE
            if reason
            else "inconclusive"
            if n < MIN_VERDICT_ITEMS
            else _verdict(
                values["delta"], values["low"], values["high"], values["p_value"], alpha, tolerance
            )
        )
        return GateEntry(
            name=name,
            members=members,
            baseline_kappa=_mean_of(deltas.baseline_kappa, members),
            candidate_kappa=_mean_of(deltas.candidate_kappa, members),
            n_items=n,
            verdict=verdict,
            reason=reason,
            **values,
        )

    column_entries = []
    for j in range(n_columns):
        values = figures(columns_in.index(j)) if comparable[j] else dict(nan_figures)
        if not comparable[j]:
            values["delta"] = float(estimate[j])
        column_entries.append(
            entry(deltas.names[j], (j,), values, deltas.n_items[j], deltas.reasons[j])
        )
    group_entries = []
    for g, label in enumerate(group_labels):
        members = group_members[g]
        if len(members) > 1:
            values = figures(len(columns_in) + groups_in.index(g))
        elif members:
            values = figures(columns_in.index(members[0]))
        else:
            values = dict(nan_figures)
        n = min((deltas.n_items[j] for j in members), default=0)
        group_entries.append(
            entry(label, members, values, n, "" if members else "no comparable sub-component")
        )
    return GateResult(
        columns=tuple(column_entries),
        groups=tuple(group_entries),
        tolerance=tolerance,
        level=level,
        correction=correction,
        n_resamples=int(column_reps.shape[0]),
        seed=deltas.seed,
        replicates=np.concatenate([column_reps, group_reps], axis=1),
        std_error_method=std_error_method,
    )


def _mean_of(values: FloatArray, members: tuple[int, ...]) -> float:
    if len(members) == 1:
        return float(values[members[0]])
    return float(np.mean(values[list(members)])) if members else math.nan


def regression_gate(
    reference: ArrayLike,
    baseline: ArrayLike,
    candidate: ArrayLike,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    level: float = DEFAULT_LEVEL,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = 0,
    groups: Sequence[Hashable] | None = None,
    names: Sequence[Hashable] | None = None,
    strata: Sequence[Hashable] | None = None,
    correction: Correction = DEFAULT_CORRECTION,
    counts: FloatArray | None = None,
    std_error_method: StdErrorMethod = DEFAULT_STD_ERROR_METHOD,
    measurement: Level | Sequence[Level] = "interval",
) -> GateResult:
    """Per sub-component and per group verdicts on Δκw = κw(candidate) − κw(baseline).

    See the module docstring for the test, the verdicts and the error control.

    Args:
        reference: Expert consensus, items × sub-components (a 1-d array is one column).
        baseline: Baseline judge's ratings, same shape; NaN = missing.
        candidate: Candidate judge's ratings, same shape.
        tolerance: T ≥ 0 in κw units: smaller drops are never "regressed", and "equivalent"
            means both bounds lie inside ±T.
        level: Family-wise confidence (0.95: at most 5% chance of any false "regressed").
        n_resamples: Bootstrap resamples B (at least groups / (1 − level); "holm" needs
            hypotheses / (1 − level)).
        seed: Seed of the resamples.
        groups: One label per column (e.g. its framework); each group's mean Δκ is a
            hypothesis too. Default: one group "all" holding every column.
        names: One name per column (default "0", "1", …).
        strata: One label per item: items are resampled within their stratum (use the
            framework when frameworks rate different items). Default: one stratum.
        correction: "hierarchical", "maxt" or "holm" (module docstring).
        counts: Precomputed resample counts (B × items), e.g. one matrix reused across
            simulated comparisons; when given, `n_resamples` and `seed` are not used (and
            `strata` only groups the jackknife).
        std_error_method: "jackknife" (default) or "bootstrap": the standard error that
            scales each test and bound (module docstring).
        measurement: Level of measurement of every column, or one per column: unweighted
            Cohen's κ for ``nominal``, value-based quadratic κw otherwise (the engine's
            `agreement_statistic`, so the gate's κ is the report's).

    Returns:
        A `GateResult`.

    Raises:
        NoUsableRatingsError: A side has no rating at all.
        GateInputError: Shapes or label counts disagree, or a rating is infinite.
        ValueError: Bad tolerance, level or resample count.
    """
    deltas = delta_bootstrap(
        reference,
        baseline,
        candidate,
        n_resamples=n_resamples,
        seed=seed,
        groups=groups,
        names=names,
        strata=strata,
        counts=counts,
        measurement=measurement,
    )
    return decide(
        deltas,
        tolerance=tolerance,
        level=level,
        correction=correction,
        std_error_method=std_error_method,
    )
