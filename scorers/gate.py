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

import contextlib
import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..datasets.levels import Level
from .arrays import BoolArray, FloatArray, IntArray
from .bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from .gate_input import (
    DeltaBootstrap,
    GateInputError,
    delta_bootstrap,
    jackknife_std_error,
)
from .multiplicity import (
    TooFewResamplesError,
    hierarchical_adjust,
    hierarchical_critical,
    holm_adjust,
    marginal_p,
    max_t_adjust,
    rank_critical,
)
from .verdicts import MIN_VERDICT_ITEMS

Correction = Literal["maxt", "holm", "hierarchical"]
StdErrorMethod = Literal["jackknife", "bootstrap"]
GateVerdict = Literal["regressed", "improved", "equivalent", "inconclusive", "not comparable"]

DEFAULT_TOLERANCE = 0.05
DEFAULT_LEVEL = 0.95
DEFAULT_CORRECTION: Correction = "hierarchical"
DEFAULT_STD_ERROR_METHOD: StdErrorMethod = "jackknife"
#: Power at which `min_detectable_drop` is stated.
DETECTION_POWER = 0.80
NOT_COMPARABLE: GateVerdict = "not comparable"


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


@dataclass(frozen=True)
class _Family:
    """The hypotheses tested together: estimates, replicates and their decisions."""

    estimate: FloatArray
    std_error: FloatArray
    p_value: FloatArray
    low: FloatArray
    high: FloatArray
    critical: FloatArray


@contextlib.contextmanager
def _enough_resamples() -> Iterator[None]:
    """Report too few resamples for a test's level as the gate's input error."""
    try:
        yield
    except TooFewResamplesError as error:
        raise GateInputError(str(error)) from error


def _test_family(
    estimate: FloatArray,
    replicates: FloatArray,
    alpha: float,
    correction: Correction,
    group: IntArray,
    head: BoolArray,
    jackknife_se: FloatArray | None = None,
) -> _Family:
    """Test the family; the bootstrap gives the null's shape, `jackknife_se` (if any) its scale.

    Raises:
        GateInputError: Too few resamples for the family's level.
    """
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
    with _enough_resamples():
        if correction in ("maxt", "hierarchical"):
            p_value, c_up = max_t_adjust(drop, -centred, alpha)
            _, c_low = max_t_adjust(gain, centred, alpha)
            up = np.full(hypotheses, c_up)
            down = np.full(hypotheses, c_low)
            critical = up
            if correction == "hierarchical":
                p_value = hierarchical_adjust(drop, -centred, group.tolist(), head.tolist())
                critical = hierarchical_critical(-centred, group, head, alpha)
        elif correction == "holm":
            p_value = holm_adjust(marginal_p(drop, -centred))
            share = alpha / hypotheses
            up = np.array([rank_critical(-centred[:, h], share) for h in range(hypotheses)])
            down = np.array([rank_critical(centred[:, h], share) for h in range(hypotheses)])
            critical = up
        else:
            raise ValueError(f"unknown correction {correction!r}")
    high = np.where(known, estimate, estimate + up * safe_se)
    low = np.where(known, estimate, estimate - down * safe_se)
    return _Family(estimate, std_error, p_value, low, high, np.where(known, 0.0, critical))


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
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
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
        settings: Bootstrap resamples B (at least groups / (1 − level); "holm" needs
            hypotheses / (1 − level)), their seed, and as `confidence` the family-wise
            confidence level (0.95: at most 5% chance of any false "regressed").
        groups: One label per column (e.g. its framework); each group's mean Δκ is a
            hypothesis too. Default: one group "all" holding every column.
        names: One name per column (default "0", "1", …).
        strata: One label per item: items are resampled within their stratum (use the
            framework when frameworks rate different items). Default: one stratum.
        correction: "hierarchical", "maxt" or "holm" (module docstring).
        counts: Precomputed resample counts (B × items), e.g. one matrix reused across
            simulated comparisons; when given, the settings' resamples and seed are not used (and
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
        settings=settings,
        groups=groups,
        names=names,
        strata=strata,
        counts=counts,
        measurement=measurement,
    )
    return decide(
        deltas,
        tolerance=tolerance,
        level=settings.confidence,
        correction=correction,
        std_error_method=std_error_method,
    )
