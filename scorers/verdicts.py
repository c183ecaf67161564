"""Verdicts and ranks: how an interval of Δ = candidate − experts becomes a claim a reader acts on.

`verdict_of` reads one interval against the non-inferiority margin; `ExpertLevelVerdict` is the
like-for-like verdict of one series with its p-values; `family_verdicts` makes a family of them
countable (Benjamini–Hochberg per kind of claim); `rank_ranges` gives ranks with their bootstrap
ranges. `scorers.agreement` computes the intervals (see its module doc for the method).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .arrays import FloatArray
from .jackknife_interval import JackknifeInterval
from .multiplicity import benjamini_hochberg

#: Non-inferiority margin of the leave-one-out verdict, in κ units.
MARGIN = 0.10


#: Fewest items a verdict is given on; below it the verdict is "inconclusive" whatever the
#: interval (on a handful of items an interval is too unreliable to read). Applied here, in the
#: engine, so the in-run metric and every report give the same verdict.
MIN_VERDICT_ITEMS = 10


#: How the per-sub-component verdicts of one family are made countable (see `family_verdicts`).
FAMILY_CONTROL = "Benjamini–Hochberg false-discovery control at (1 − level)/2 per claim"


Verdict = Literal["above", "at", "below", "inconclusive", "not assessed"]


VERDICTS: tuple[Verdict, ...] = ("above", "at", "below", "inconclusive", "not assessed")


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its bootstrap interval (NaN where undefined)."""

    value: float
    low: float
    high: float

    @staticmethod
    def missing() -> Estimate:
        """An estimate that could not be computed."""
        return Estimate(math.nan, math.nan, math.nan)


def verdict_of(low: float, high: float, margin: float = MARGIN) -> Verdict:
    """The leave-one-out verdict from the interval of candidate − experts (see module doc)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "inconclusive"
    if low > 0.0:
        return "above"
    if low >= -margin:
        return "at"
    if high < 0.0:
        return "below"
    return "inconclusive"


def conclusive(low: ArrayLike, high: ArrayLike, margin: float = MARGIN) -> NDArray[np.bool_]:
    """`verdict_of` vectorised down to one question: is the verdict not ``inconclusive``?

    ``above`` and ``at`` need low ≥ −margin, ``below`` high < 0 (with low < −margin, else it is
    ``at``); NaN bounds are inconclusive. For many simulated studies at once (a plan).
    """
    lows = np.asarray(low, dtype=np.float64)
    highs = np.asarray(high, dtype=np.float64)
    finite = np.isfinite(lows) & np.isfinite(highs)
    return np.asarray(finite & ((lows >= -margin) | (highs < 0.0)), dtype=bool)


@dataclass(frozen=True)
class ExpertLevelVerdict:
    """The like-for-like verdict on one series of Δ = candidate − experts (module doc).

    Attributes:
        verdict: "above", "at", "below", "inconclusive" or "not assessed" (one expert), read
            from this interval alone (no multiplicity control; `family_verdicts` adds it).
        difference: Δ̂ = mean_k κ(candidate, R_k) − mean_k κ(expert k, R_k).
        lower: Lower bound of Δ (skewness-corrected jackknife-t, `jackknife_t_interval`).
        upper: Upper bound of Δ.
        std_error: Jackknife standard error of Δ̂.
        n_items: Items with a candidate rating and a consensus.
        candidate: mean_k κ(candidate, R_k) with its bootstrap percentile interval.
        experts: mean_k κ(expert k, R_k) with its bootstrap percentile interval.
        p_above: One-sided p-value of "Δ ≤ 0" (small: above expert level).
        p_at: One-sided p-value of "Δ ≤ −margin" (small: at least non-inferior).
        p_below: One-sided p-value of "Δ ≥ 0" (small: below expert level).
        margin: Non-inferiority margin δ.
        level: Two-sided coverage of [lower, upper].
        skewness: Skewness of Δ's jackknife pseudo-values (what the correction used).
        df: Degrees of freedom of the t quantile.
        pseudo_values: Δ's jackknife pseudo-values over the items it rests on (what the interval
            was drawn from; None where it is undefined): a plan resamples them
            (`empathy_judge.scorers.sample_size.items_for_verdict_resampled`).
        pooled_shape: Whether `skewness` and `df` are the shape pooled over the assessment's
            sub-components (`scorers.jackknife_interval.jackknife_t_interval`) rather than this
            series' own; a plan then holds that shape fixed.
    """

    verdict: Verdict
    difference: float
    lower: float
    upper: float
    std_error: float
    n_items: int
    candidate: Estimate
    experts: Estimate
    p_above: float
    p_at: float
    p_below: float
    margin: float = MARGIN
    level: float = 0.95
    skewness: float = math.nan
    df: float = math.nan
    pseudo_values: FloatArray | None = field(default=None, repr=False, compare=False)
    pooled_shape: bool = False

    @property
    def estimate(self) -> Estimate:
        """Δ with its interval, as an `Estimate`."""
        return Estimate(self.difference, self.lower, self.upper)


def like_for_like(
    interval: JackknifeInterval,
    column: int,
    n_items: int,
    candidate: Estimate,
    experts: Estimate,
    margin: float,
    assessed: bool,
) -> ExpertLevelVerdict:
    """One column of a jackknife interval of Δ read as a verdict (the min-items rule here).

    Args:
        interval: The jackknife-t intervals of several Δ series.
        column: Which series.
        n_items: Items the series rests on (fewer than `MIN_VERDICT_ITEMS`: inconclusive).
        candidate: The candidate's own mean κ against the references, with its interval.
        experts: The experts' mean κ against the references, with its interval.
        margin: Non-inferiority margin δ.
        assessed: False when there is no leave-one-out benchmark (one expert).
    """
    low, high = float(interval.low[column]), float(interval.high[column])
    usable = assessed and n_items >= MIN_VERDICT_ITEMS
    verdict: Verdict = "not assessed" if not assessed else "inconclusive"
    if usable:
        verdict = verdict_of(low, high, margin)

    def p(values: FloatArray) -> float:
        value = float(values[column])
        return value if usable and math.isfinite(value) else math.nan

    pseudo = None
    if interval.pseudo_values is not None and math.isfinite(low) and math.isfinite(high):
        values = interval.pseudo_values[:, column]
        pseudo = np.ascontiguousarray(values[~np.isnan(values)])

    return ExpertLevelVerdict(
        verdict=verdict,
        difference=float(interval.estimate[column]),
        lower=low,
        upper=high,
        std_error=float(interval.std_error[column]),
        n_items=n_items,
        candidate=candidate,
        experts=experts,
        p_above=p(interval.p_greater(0.0)),
        p_at=p(interval.p_greater(-margin)),
        p_below=p(interval.p_less(0.0)),
        margin=margin,
        level=interval.confidence,
        skewness=float(interval.skewness[column]),
        df=float(interval.df[column]),
        pseudo_values=pseudo,
        pooled_shape=bool(interval.pooled is not None and interval.pooled[column]),
    )


def family_verdicts(
    verdicts: Sequence[ExpertLevelVerdict], level: float | None = None
) -> list[Verdict]:
    """Per-series verdicts a reader may count: false-discovery control over the family.

    Each claim is a one-sided test at (1 − level)/2 — the level its interval alone implies — and
    each kind of claim gets Benjamini–Hochberg's step-up over the family: ``above`` (Δ > 0),
    ``at`` (Δ > −δ, read only where ``above`` is not claimed) and ``below`` (Δ < 0 and not
    ``at``). With valid p-values, among the sub-components counted ``above`` (or ``at``, or
    ``below``) the expected share of false ones is at most (1 − level)/2, and for a candidate
    where every such claim is false (e.g. one exactly as good as an expert, for ``above``) so is
    the chance of any false one in the family (the step-up keeps its guarantee under the
    positive correlation between sub-components). The p-values are those of the Δ interval:
    `benchmarks/bench_verdicts.py` (its multiplicity section) measures, for an equal candidate
    over the release's 21 sub-components under the harder data model, at least one false
    ``above`` in 30.5% of runs with no control, 6.0% when each framework is its own family (four
    families) and 0.8% with one family of all 21 (the overall row), 400 replications; with each
    sub-component's own interval shape before, 53%, 17.5% and 6.5%. With one series it is that
    series' own verdict. Series that are not assessed or have too few items keep their verdict
    and are not in the family.

    Args:
        verdicts: The family (e.g. one framework's sub-components, or every sub-component of a
            model across frameworks).
        level: Two-sided coverage the claims are read at (default: each verdict's own).

    Returns:
        One verdict per input, in order.
    """
    if not verdicts:
        return []
    alpha = (1.0 - (verdicts[0].level if level is None else level)) / 2.0
    above = benjamini_hochberg([v.p_above for v in verdicts])
    at = benjamini_hochberg([v.p_at for v in verdicts])
    below = benjamini_hochberg([v.p_below for v in verdicts])
    out: list[Verdict] = []
    for j, v in enumerate(verdicts):
        if math.isnan(v.p_above) and math.isnan(v.p_at) and math.isnan(v.p_below):
            out.append(v.verdict)
        elif above[j] < alpha:
            out.append("above")
        elif at[j] < alpha:
            out.append("at")
        elif below[j] < alpha:
            out.append("below")
        else:
            out.append("inconclusive")
    return out


@dataclass(frozen=True)
class RankRange:
    """A rank and the range it takes over the bootstrap resamples.

    Attributes:
        rank: Rank of the point estimate (1 = best).
        low: Best rank in the central `confidence` share of resamples.
        high: Worst rank in that share.
    """

    rank: int
    low: int
    high: int


def rank_ranges(
    estimates: Sequence[float], replicates: FloatArray, confidence: float = 0.95
) -> list[RankRange]:
    """Ranks (higher is better) with their bootstrap ranges, from shared resamples.

    Args:
        estimates: One point estimate per candidate.
        replicates: B × candidates bootstrap values on the same resamples.
        confidence: Share of resamples the range covers.

    Returns:
        One `RankRange` per candidate, in input order: rank 1 + the number of candidates
        strictly better (ties share a rank); NaN estimates rank last.
    """
    point = np.nan_to_num(np.asarray(estimates, dtype=np.float64), nan=-np.inf)
    # 1 + how many candidates are strictly better: ties share a rank, as in the resamples.
    ranks = (point[None, :] > point[:, None]).sum(axis=1) + 1
    values = np.nan_to_num(np.asarray(replicates, dtype=np.float64), nan=-np.inf)
    # Rank within each resample: 1 + how many candidates are strictly better.
    better = (values[:, None, :] > values[:, :, None]).sum(axis=2) + 1
    tail = (1.0 - confidence) / 2.0
    low = np.floor(np.quantile(better, tail, axis=0, method="lower"))
    high = np.ceil(np.quantile(better, 1.0 - tail, axis=0, method="higher"))
    return [RankRange(int(ranks[i]), int(low[i]), int(high[i])) for i in range(point.shape[0])]
