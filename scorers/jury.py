"""Juries: several judges combined into one rating, and what the combination is worth.

A *jury* is a set of judges (model runs, the crowd) whose ratings of the same items are combined
into one items × sub-components array. That array is a candidate like any other: its verdict,
intervals and rank come from `empathy_judge.scorers.agreement.assess` on the same `Panel` and the
same resample counts as its members. This module holds what is particular to juries, as pure
functions over arrays.

**Combination rules** (`combine`), over the members that rated an item:

* ``mean`` and ``median`` of the members' ratings;
* ``majority`` (nominal scales): the most frequent label; a tie has no rating (NaN), as the
  panel's own majority consensus;
* ``weighted``: a weighted mean whose weights are learned on the experts and **cross-fitted**:
  item i's weights come from the other items only (leave one item out, or K folds), so an item's
  own expert ratings never shape its jury rating. A member's weight is the inverse of its mean
  squared error against the expert consensus on the training items (Bates & Granger, 1969,
  without the covariance terms), normalised to sum to one over the members that rated the item.
  Why not the variance-optimal weights Σ⁻¹1/(1ᵀΣ⁻¹1) or least squares: on ~50 items the error
  covariance of correlated judges is estimated badly, such weights swing and go negative, and
  simple or inverse-error weights usually beat them out of sample (the "forecast combination
  puzzle": Smith & Wallis, 2009; Claeskens et al., 2016). The squared error includes a member's
  leniency (a mean shift), which the value-based κ penalises; weights that are non-negative and
  sum to one keep the jury on the rating scale.

**Error correlation.** A judge's error on an item is its rating minus the expert consensus
(`Panel.consensus`). Per sub-component, the Pearson correlation of two judges' errors over the
items both rated, with a percentile item-bootstrap interval (the vectorised item-weight form of
`empathy_judge.scorers.bootstrap`). The consensus's own noise is shared by every judge's error,
so independent judges show a small positive error correlation here; the benchmark's truth is
defined the same way (against the consensus, not the latent truth).

**Effective number of independent judges.** n_eff = n / (1 + (n − 1) ρ̄), with ρ̄ the mean
error correlation over the n(n − 1)/2 pairs: the number of independent judges whose mean has the
same error variance as the mean of n equally good judges with pairwise correlation ρ̄ (Clemen &
Winkler, 1985, "Limits for the precision and value of information from dependent sources",
Operations Research 33(2); Kish's design effect for clusters has the same form). NaN where
1 + (n − 1) ρ̄ ≤ 0; exactly 1 for one judge. Its interval maps ρ̄'s (n_eff decreases in ρ̄).

**The jury against its best member.** gain = κ(jury) − max_m κ(member m) = min_m d_m with
d_m = κ(jury) − κ(member m), κ being the verdict's like-for-like κ (mean over experts k of
κ(candidate, mean of the other experts)), on the items every member and the jury rated. Which
member is best is itself uncertain, so the interval is *simultaneous* (`gain_over_best`): every
d_m is resampled on the same items (the best member changes from resample to resample); the
critical value c is the 95% quantile over resamples of max_m |d*_m − d_m| / se_m, and the
interval is [min_m (d_m − c·se_m), min_m (d_m + c·se_m)], which covers min_m d_m whenever the
box covers every d_m, whichever member is truly best. It covers the population gain 93.5–96.5%
of the time with equally good or close judges and 99.5% when one member is clearly best; the
percentile interval of min_m d*_m (the best re-chosen per resample, without the box) covers only
28–68% when members are equally good, its basic twin 87–91% (`benchmarks/bench_jury.py`). The
point is min_m d_m on the items as they are: it never flatters the jury, but when members are
close the member that looks best on 50 items overshoots the best true κ (winner's curse), so it
understates the gain, by 0.03–0.045 κ with three equally good judges (0.004 when one is clearly
best). `gain_cross_fitted` removes that bias (`cross_fitted_gain`: for each fifth of the items,
the member best on the other four fifths is compared with the jury on that fifth, 5 folds × 4
splits): unbiased with equally good judges, up to 0.015 too kind when one is clearly best, and
twice as noisy, so on one data set it can fall outside the interval; it is reported beside the
point, not as it.

**Marginal gain** of member m: κ(jury) − κ(jury without m), the jury without m combined by the
same rule (its weights learned again), with a paired percentile interval.

**Mixed panels.** The expert-swap α with the jury in an expert's place: mean over k of
Krippendorff's α of the panel with expert k replaced by the jury, minus the experts' own α, the
same statistic as `Assessment` reports for any candidate; beside it, the jury's swap α minus its
best member's (simultaneous interval, as for the gain).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..datasets.lookup import find
from .alpha import alpha_from_unit_weights, unit_coincidences
from .arrays import FloatArray, quiet_nanmean
from .bootstrap import WeightedStatistic, agreement_statistic, bootstrap
from .column_plan import ColumnPlan
from .jury_rules import JuryError, JuryRule, check_rule, combine, stack_members
from .panel import Panel
from .verdicts import Estimate

#: How the interval of a difference that involves choosing the best member is formed.
SelectionInterval = Literal["simultaneous", "basic", "percentile"]


def identical_pairs(
    names: Sequence[str], ratings: ArrayLike, sub_components: Sequence[str]
) -> list[tuple[str, str, str]]:
    """(sub-component, a, b) where members a and b gave exactly the same ratings.

    Same missing items and the same value on every other item (at least one): one judge counted
    twice, e.g. a model and its own replay.
    """
    x = np.asarray(ratings, dtype=np.float64)
    out: list[tuple[str, str, str]] = []
    for a, b in combinations(range(x.shape[0]), 2):
        for j, sub in enumerate(sub_components):
            xa, xb = x[a, :, j], x[b, :, j]
            same_missing = np.array_equal(np.isnan(xa), np.isnan(xb))
            if same_missing and (~np.isnan(xa)).any() and np.array_equal(xa, xb, equal_nan=True):
                out.append((sub, names[a], names[b]))
    return out


def effective_judges(mean_correlation: ArrayLike, n_judges: int) -> FloatArray:
    """The effective number of independent judges, n / (1 + (n − 1) ρ̄) (module doc).

    Args:
        mean_correlation: ρ̄ (any shape).
        n_judges: n.

    Returns:
        Same shape; NaN where the denominator is not positive or ρ̄ is NaN; 1 when n = 1.
    """
    rho = np.asarray(mean_correlation, dtype=np.float64)
    if n_judges == 1:
        return np.ones_like(rho)
    denominator = 1.0 + (n_judges - 1) * rho
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(denominator > 0, n_judges / denominator, np.nan))


def error_correlation_statistic(
    errors: ArrayLike,
) -> tuple[list[tuple[int, int]], WeightedStatistic]:
    """Pearson correlation of every pair of members' errors per sub-component, item-weighted.

    Args:
        errors: members × items × sub-components (NaN: no error, the item is left out of the
            pairs that need it).

    Returns:
        (pairs, statistic): the member index pairs, and a weighted statistic mapping an
        R × items weight matrix to R × (pairs · sub-components) correlations, pair-major.
    """
    e = np.asarray(errors, dtype=np.float64)
    m, n, s = e.shape
    pairs = list(combinations(range(m), 2))
    if not pairs:

        def empty(weights: FloatArray) -> FloatArray:
            return np.zeros((np.asarray(weights).shape[0], 0))

        return pairs, empty
    a = np.stack([e[i] for i, _ in pairs], axis=1)  # items × pairs × subs
    b = np.stack([e[j] for _, j in pairs], axis=1)
    valid = ~(np.isnan(a) | np.isnan(b))
    a0 = np.where(valid, a, 0.0)
    b0 = np.where(valid, b, 0.0)
    width = len(pairs) * s
    terms = np.concatenate(
        [
            t.reshape(n, width)
            for t in (valid.astype(np.float64), a0, b0, a0 * a0, b0 * b0, a0 * b0)
        ],
        axis=1,
    )

    def statistic(weights: FloatArray) -> FloatArray:
        sums = np.asarray(weights, dtype=np.float64) @ terms
        count, sa, sb, saa, sbb, sab = (sums[:, i * width : (i + 1) * width] for i in range(6))
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = sab - sa * sb / count
            var_a = saa - sa * sa / count
            var_b = sbb - sb * sb / count
            r = cov / np.sqrt(var_a * var_b)
        degenerate = (count < 3) | (var_a <= 1e-12 * count) | (var_b <= 1e-12 * count)
        return np.asarray(np.where(degenerate, np.nan, np.clip(r, -1.0, 1.0)))

    return pairs, statistic


def loo_kappa_statistic(
    panel: Panel, candidates: Sequence[FloatArray], common: NDArray[np.bool_]
) -> WeightedStatistic:
    """The verdict's like-for-like κ of several candidates, on the items they all rated.

    κ_c = mean over experts k of κ(candidate c, mean of the other experts), each on the items
    where c, expert k and that reference are present and `common` is true.

    Returns:
        A weighted statistic: R × items weights → R × candidates × sub-components.
    """
    references = panel.leave_one_out_references()
    n_raters = panel.n_raters
    if n_raters < 2:
        raise JuryError("a jury is judged like for like: the panel needs two experts or more")
    n_subs = len(panel.sub_components)
    x_blocks: list[FloatArray] = []
    y_blocks: list[FloatArray] = []
    for candidate in candidates:
        for k in range(n_raters):
            reference = references[:, :, k]
            same = common & ~(np.isnan(panel.values[:, :, k]) | np.isnan(reference))
            x_blocks.append(np.where(same, candidate, np.nan))
            y_blocks.append(np.where(same, reference, np.nan))
    kappas = agreement_statistic(np.hstack(x_blocks), np.hstack(y_blocks), panel.level)
    n_candidates = len(candidates)

    def statistic(weights: FloatArray) -> FloatArray:
        v = kappas(weights).reshape(weights.shape[0], n_candidates, n_raters, n_subs)
        return quiet_nanmean(v, axis=2)

    return statistic


@dataclass(frozen=True)
class SubComponentWorth:
    """What a jury is worth on one sub-component.

    Attributes:
        sub_component: Sub-component name.
        n_items: Items every member and the jury rated (the comparison's items).
        jury_kappa: The jury's like-for-like κ on those items.
        member_kappa: Each member's like-for-like κ on the same items.
        best_member: The member with the highest κ on the full items.
        best_share: Per member, the share of resamples in which it was the best.
        gain_over_best: κ(jury) − max κ(member), simultaneous interval (`gain_over_best`).
        marginal: Per member, κ(jury) − κ(jury without it) (NaN for a one-member jury).
        correlation: members × members error correlation (1 on the diagonal).
        correlation_low: Lower bounds of the correlations.
        correlation_high: Upper bounds.
        mean_correlation: ρ̄ over the pairs, with its interval.
        effective: Effective number of independent judges, with its interval.
        swap: Mean α with the jury swapped in for each expert, minus the experts' α.
        swap_gain_over_best: The jury's swap α minus its best member's (simultaneous).
        gain_cross_fitted: The gain with the best member chosen on other items than it is
            measured on (`cross_fitted_gain`): unbiased with equally good members, noisier.
    """

    sub_component: str
    n_items: int
    jury_kappa: Estimate
    member_kappa: Mapping[str, Estimate]
    best_member: str
    best_share: Mapping[str, float]
    gain_over_best: Estimate
    marginal: Mapping[str, Estimate]
    correlation: FloatArray
    correlation_low: FloatArray
    correlation_high: FloatArray
    mean_correlation: Estimate
    effective: Estimate
    swap: Estimate
    swap_gain_over_best: Estimate
    gain_cross_fitted: float = math.nan


@dataclass(frozen=True)
class JuryWorth:
    """A jury's worth against its members and the experts, per sub-component.

    Attributes:
        framework: Framework id.
        members: Member names, in order (the axes of every correlation matrix).
        rule: The combination rule.
        ratings: The jury's items × sub-components ratings (aligned with the panel's items).
        sub_components: Per sub-component results, in the panel's order.
        identical: (sub-component, a, b) where two members' ratings are identical.
        selection_interval: How the intervals involving the best member were formed.
    """

    framework: str
    members: tuple[str, ...]
    rule: JuryRule
    ratings: FloatArray
    sub_components: tuple[SubComponentWorth, ...]
    identical: tuple[tuple[str, str, str], ...] = ()
    selection_interval: SelectionInterval = "simultaneous"

    def result(self, sub_component: str) -> SubComponentWorth:
        """The result of one sub-component.

        Raises:
            KeyError: Not assessed here.
        """
        return find(
            self.sub_components,
            lambda sub: sub.sub_component == sub_component,
            lambda: f"{self.framework} jury has no sub-component {sub_component!r}",
        )


def _estimate(estimate: float, low: float, high: float) -> Estimate:
    return Estimate(float(estimate), float(low), float(high))


def gain_over_best(
    differences: FloatArray,
    replicates: FloatArray,
    confidence: float = 0.95,
    method: SelectionInterval = "simultaneous",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The jury's gain over its best member: min over members of (jury − member), with bounds.

    Args:
        differences: members × series point differences d_m = κ(jury) − κ(member m).
        replicates: B × members × series resampled differences (the same resamples).
        confidence: Interval coverage.
        method: ``simultaneous`` (the default): a max-|t| box for every d_m at once (the
            critical value is the `confidence` quantile over resamples of
            max_m |d*_m − d_m| / se_m), and the interval
            [min_m (d_m − c·se_m), min_m (d_m + c·se_m)]: whenever the box covers every d_m,
            this covers their minimum, whichever member is best.
            ``percentile`` / ``basic``: the percentile / basic interval of min_m d*_m, the best
            member chosen again in each resample (kept for comparison: both under-cover when
            members are close, see `benchmarks/bench_jury.py`).

    Returns:
        (point, low, high) per series; the point is min_m d_m on the items as they are.
    """
    d = np.where(np.isnan(differences), np.inf, differences)
    point = np.min(d, axis=0)
    point = np.where(np.isinf(point), np.nan, point)
    if method in ("percentile", "basic"):
        resampled = np.min(np.where(np.isnan(replicates), np.inf, replicates), axis=1)
        resampled = np.where(np.isinf(resampled), np.nan, resampled)
        tail = (1.0 - confidence) / 2.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q_low, q_high = np.nanquantile(resampled, [tail, 1.0 - tail], axis=0)
        if method == "percentile":
            return point, q_low, q_high
        return point, 2.0 * point - q_high, 2.0 * point - q_low
    if method != "simultaneous":
        raise JuryError(f"unknown interval method {method!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        se = np.nanstd(replicates, axis=0, ddof=1)  # members × series
        z = np.abs(replicates - differences[None]) / se[None]
    z = np.where(se[None] > 0, z, 0.0)
    t = np.max(np.where(np.isnan(z), -np.inf, z), axis=1)  # B × series
    t = np.where(np.isinf(t), np.nan, t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        critical = np.nanquantile(t, confidence, axis=0)
    spread = np.where(se > 0, critical[None] * se, 0.0)
    low = np.min(np.where(np.isnan(differences), np.inf, differences - spread), axis=0)
    high = np.min(np.where(np.isnan(differences), np.inf, differences + spread), axis=0)
    bad = np.isnan(point) | np.isnan(critical)
    return point, np.where(bad, np.nan, low), np.where(bad, np.nan, high)


#: Folds and repeats of the cross-fitted gain over the best member.
GAIN_FOLDS = 5
GAIN_REPEATS = 4


def cross_fitted_gain(
    panel: Panel,
    candidates: Sequence[FloatArray],
    n_members: int,
    common: NDArray[np.bool_],
    *,
    folds: int = GAIN_FOLDS,
    repeats: int = GAIN_REPEATS,
    seed: int = 0,
) -> FloatArray:
    """κ(jury) − κ(best member), the best chosen on other items than those it is measured on.

    The items are split into `folds` folds at random, `repeats` times. For each fold, the member
    with the highest κ on the *other* folds is compared with the jury on that fold, and the
    differences are averaged over folds and splits. On a fold, value κ = 1 − D_o / D_e takes its
    observed disagreement D_o (the mean squared difference from the reference) from the fold's
    items and its expected disagreement D_e (which depends only on the two raters' marginal
    distributions) from all the items: a κ of 10 items alone is erratic on a scale with few
    levels in use, while D_e carries no selection luck. The folds' D_o average to the whole
    items', so the jury's side is exactly its κ. Selection and measurement never see the same
    item's disagreement, so the luck that makes a member look best does not carry into the
    comparison (the winner's curse of min_m (κ(jury) − κ(member m))). Nominal scales (Cohen's κ)
    fall back to that plain minimum.

    Args:
        panel: The panel.
        candidates: The jury (first) then the members, items × sub-components each.
        n_members: Members (candidates 1..n_members).
        common: Items × sub-components where every candidate rated (the comparison's items).
        folds: Folds per split.
        repeats: Random splits.
        seed: Seed of the splits.

    Returns:
        One value per sub-component; 0 for a one-member jury.
    """
    n_items = len(panel.items)
    x = np.stack(list(candidates[: 1 + n_members]))  # C × items × subs
    kappa = loo_kappa_statistic(panel, list(x), common)
    if panel.level == "nominal":
        k = kappa(np.ones((1, n_items)))[0]
        return np.asarray(np.min(k[:1] - k[1:], axis=0))
    rng = np.random.default_rng(seed)
    tests = np.array(
        [
            (assignment == f).astype(np.float64)
            for assignment in (rng.permutation(n_items) % folds for _ in range(repeats))
            for f in range(folds)
        ]
    )  # evaluations × items
    chosen_on = kappa(1.0 - tests)[:, 1:]  # evaluations × members × subs
    best = np.argmax(np.where(np.isnan(chosen_on), -np.inf, chosen_on), axis=1)
    references = panel.leave_one_out_references()  # items × subs × K
    valid = (
        common[None, :, :, None]
        & ~np.isnan(panel.values)[None]
        & ~np.isnan(references)[None]
        & ~np.isnan(x)[..., None]
    )  # C × items × subs × K
    xv = np.where(valid, x[..., None], 0.0)
    yv = np.where(valid, references[None], 0.0)
    count = valid.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mx, my = xv.sum(axis=1) / count, yv.sum(axis=1) / count
        expected = (xv**2).sum(axis=1) / count + (yv**2).sum(axis=1) / count - 2.0 * mx * my
        squared = (xv - yv) ** 2
        observed = np.einsum("ei,cisk->ecsk", tests, squared) / np.einsum(
            "ei,cisk->ecsk", tests, valid.astype(np.float64)
        )
        fold_kappa = quiet_nanmean(1.0 - observed / expected[None], axis=3)  # E × C × subs
    member = np.take_along_axis(fold_kappa[:, 1:], best[:, None, :], axis=1)[:, 0]
    return quiet_nanmean(fold_kappa[:, 0] - member, axis=0)


def _swap_statistics(panel: Panel, candidates: Sequence[FloatArray], j: int) -> WeightedStatistic:
    """Per candidate: mean α with it swapped in for each expert, minus the experts' α."""
    experts = panel.values[:, j, :].T  # raters × units
    matrices = [experts]
    for candidate in candidates:
        for k in range(panel.n_raters):
            swapped = experts.copy()
            swapped[k] = candidate[:, j]
            matrices.append(swapped)
    coincidences = [unit_coincidences(m) for m in matrices]
    level = panel.level
    n_raters = panel.n_raters

    def statistic(weights: FloatArray) -> FloatArray:
        alphas = np.column_stack([alpha_from_unit_weights(c, weights, level) for c in coincidences])
        base = alphas[:, :1]
        swapped = alphas[:, 1:].reshape(weights.shape[0], len(candidates), n_raters)
        return quiet_nanmean(swapped, axis=2) - base

    return statistic


def jury_worth(
    panel: Panel,
    members: Mapping[str, ArrayLike],
    rule: JuryRule = "mean",
    *,
    counts: FloatArray,
    confidence: float = 0.95,
    folds: int | None = None,
    seed: int = 0,
    swap: bool = True,
    selection_interval: SelectionInterval = "simultaneous",
) -> JuryWorth:
    """Combine the members and measure the jury against them and the experts.

    Args:
        panel: The reference panel (two experts or more).
        members: Member name → items × sub-components ratings aligned with `panel.items`.
        rule: The combination rule (`check_rule`).
        counts: The shared resample counts (B × items), e.g. `agreement.shared_counts(panel)`.
        confidence: Interval coverage.
        folds: Cross-fitting folds of the weighted rule (None: leave one item out).
        seed: Seed of the fold assignment.
        swap: Compute the mixed-panel (expert-swap) α.
        selection_interval: How the gains over the best member get their interval
            (`gain_over_best`).

    Returns:
        The jury's ratings and worth.

    Raises:
        JuryError: A bad rule or member, or a panel of fewer than two experts.
    """
    rule = check_rule(rule, panel.level)
    names = tuple(members)
    shape = (len(panel.items), len(panel.sub_components))
    x = stack_members(members, shape)
    consensus = panel.consensus()
    jury = combine(x, rule, reference=consensus, folds=folds, seed=seed)
    m, n, s = x.shape
    without = (
        [
            combine(np.delete(x, i, axis=0), rule, reference=consensus, folds=folds, seed=seed)
            for i in range(m)
        ]
        if m > 1
        else []
    )
    candidates = [jury, *[x[i] for i in range(m)], *without]
    common = np.logical_and.reduce([~np.isnan(c) for c in candidates]) & ~np.isnan(consensus)
    kappa = loo_kappa_statistic(panel, candidates, common)
    errors = np.where(common[None], x - consensus[None], np.nan)
    pairs, correlation = error_correlation_statistic(errors)
    n_pairs = len(pairs)
    plan = ColumnPlan.of(
        {
            "jury": s,
            "members": m * s,
            "gains": m * s,
            "marginal": m * s if m > 1 else 0,
            "correlation": n_pairs * s,
            "mean_correlation": s,
            "effective": s,
        }
    )

    def statistic(weights: FloatArray) -> FloatArray:
        k = kappa(weights)
        jury_k, member_k = k[:, 0], k[:, 1 : 1 + m]
        marginal = jury_k[:, None, :] - k[:, 1 + m :] if m > 1 else np.zeros((len(k), 0, s))
        r = correlation(weights).reshape(len(k), n_pairs, s)
        rho = quiet_nanmean(r, axis=1) if n_pairs else np.full((len(k), s), np.nan)
        effective = effective_judges(rho, m)
        return plan.stack(
            {
                "jury": jury_k,
                "members": member_k.reshape(len(k), m * s),
                "gains": (jury_k[:, None, :] - member_k).reshape(len(k), m * s),
                "marginal": marginal.reshape(len(k), -1),
                "correlation": r.reshape(len(k), n_pairs * s),
                "mean_correlation": rho,
                "effective": effective,
            }
        )

    result = bootstrap(statistic, n, counts=counts, confidence=confidence)
    honest = cross_fitted_gain(panel, candidates, m, common, seed=seed)
    est, low, high, reps = result.estimate, result.low, result.high, result.replicates
    gain_columns = plan.columns("gains")
    gain_point, gain_low, gain_high = gain_over_best(
        est[gain_columns].reshape(m, s),
        reps[:, gain_columns].reshape(-1, m, s),
        confidence,
        selection_interval,
    )
    member_reps = reps[:, plan.columns("members")].reshape(-1, m, s)
    filled = np.where(np.isnan(member_reps), -np.inf, member_reps)
    best_index = np.argmax(filled, axis=1)  # B × s
    defined: NDArray[np.bool_] = np.asarray(~np.isnan(member_reps).all(axis=1))

    subs: list[SubComponentWorth] = []
    for j, name in enumerate(panel.sub_components):
        member_k = {
            names[i]: _estimate(*(a[plan.column("members", i * s + j)] for a in (est, low, high)))
            for i in range(m)
        }
        point = np.array([member_k[v].value for v in names])
        best_member = names[int(np.nanargmax(point))] if not np.isnan(point).all() else ""
        shares = {
            names[i]: float(np.mean(best_index[defined[:, j], j] == i))
            if defined[:, j].any()
            else math.nan
            for i in range(m)
        }
        marginal = {
            names[i]: (
                _estimate(*(a[plan.column("marginal", i * s + j)] for a in (est, low, high)))
                if m > 1
                else Estimate.missing()
            )
            for i in range(m)
        }
        matrix = np.eye(m)
        matrix_low = np.eye(m)
        matrix_high = np.eye(m)
        for p, (a, b) in enumerate(pairs):
            column = plan.column("correlation", p * s + j)
            for target, source in ((matrix, est), (matrix_low, low), (matrix_high, high)):
                target[a, b] = target[b, a] = source[column]
        subs.append(
            SubComponentWorth(
                sub_component=name,
                n_items=int(common[:, j].sum()),
                jury_kappa=_estimate(*(a[plan.column("jury", j)] for a in (est, low, high))),
                member_kappa=member_k,
                best_member=best_member,
                best_share=shares,
                gain_over_best=_estimate(gain_point[j], gain_low[j], gain_high[j]),
                gain_cross_fitted=float(honest[j]),
                marginal=marginal,
                correlation=matrix,
                correlation_low=matrix_low,
                correlation_high=matrix_high,
                mean_correlation=_estimate(
                    *(a[plan.column("mean_correlation", j)] for a in (est, low, high))
                ),
                effective=_effective_estimate(est, low, high, plan.column("effective", j), m),
                swap=Estimate.missing(),
                swap_gain_over_best=Estimate.missing(),
            )
        )
    if swap:
        subs = [
            _with_swap(
                panel,
                sub,
                j,
                [jury, *[x[i] for i in range(m)]],
                counts,
                confidence,
                selection_interval,
            )
            for j, sub in enumerate(subs)
        ]
    return JuryWorth(
        framework=panel.framework,
        members=names,
        rule=rule,
        ratings=jury,
        sub_components=tuple(subs),
        identical=tuple(identical_pairs(names, x, panel.sub_components)),
        selection_interval=selection_interval,
    )


def _effective_estimate(
    est: FloatArray, low: FloatArray, high: FloatArray, column: int, m: int
) -> Estimate:
    if m == 1:
        return Estimate(1.0, 1.0, 1.0)
    return _estimate(est[column], low[column], high[column])


def _with_swap(
    panel: Panel,
    sub: SubComponentWorth,
    j: int,
    candidates: Sequence[FloatArray],
    counts: FloatArray,
    confidence: float,
    method: SelectionInterval,
) -> SubComponentWorth:
    from dataclasses import replace

    if panel.n_raters < 2:
        return sub
    swap_statistic = _swap_statistics(panel, candidates, j)

    def statistic(weights: FloatArray) -> FloatArray:
        values = swap_statistic(weights)
        return np.column_stack([values[:, 0], values[:, :1] - values[:, 1:]])

    result = bootstrap(statistic, len(panel.items), counts=counts, confidence=confidence)
    est, low, high = result.estimate, result.low, result.high
    point, gain_low, gain_high = gain_over_best(
        est[1:, None], result.replicates[:, 1:, None], confidence, method
    )
    return replace(
        sub,
        swap=_estimate(est[0], low[0], high[0]),
        swap_gain_over_best=_estimate(point[0], gain_low[0], gain_high[0]),
    )
