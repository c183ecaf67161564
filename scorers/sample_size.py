"""How many items a verdict needs: power of the like-for-like verdict and of the regression gate.

**The like-for-like verdict, by resampling the pilot** (`items_for_verdict_resampled`, what
`empathy-judge plan` and the reports use): the pilot's jackknife pseudo-values of Δ
(`ExpertLevelVerdict.pseudo_values`), shifted to the Δ assumed true, are drawn with replacement
into B studies of n items; each study's interval is drawn from its own pseudo-values as the
verdict draws it (`scorers.jackknife_interval.pseudo_value_interval`: mean, standard error sd/√n,
skewness and kurtosis → Hall-corrected t bounds) and read by the verdict's rule; the share that
is conclusive is the power at n, and n is found by a monotone search (doubling, then bisection;
the same seed at every n). A study that lacks the pilot's rare items of large disagreement has
both a higher Δ̂ and a smaller standard error, as real studies do; the analytic plan below,
which treats the width at n as known, does not see that correlation and promised more power
than it gave an equal judge (73.3–77.3% for a stated 80%). Against fresh studies with a known
truth (``benchmarks/bench_plan.py --reps 600 --gate-reps 0 --seed 1``, planned from 300 pilots'
pseudo-values), the resampling plan's n gives 76.5–82.7% conclusive verdicts under the
project's data model and 78.3–86.3% under the harder one, for an equal judge and one at the
margin, for a stated 80% (benchmarks/README.md). A pilot whose verdict pooled its shape over
its framework's sub-components is planned with that shape held fixed. The pilot's spread is
widened for its own uncertainty (`pilot_variance_inflation`), so that a plan from one 50-item
pilot gives the stated power on average over pilots: 77.1–82.4% mean power in the same
benchmark (72.7–79.4% without the allowance).

**The analytic plan** (`items_for_verdict`; the plan's fallback for a verdict without
pseudo-values): s from a pilot of n₀ items scaled as a mean's, s(n) = s₀ · √(n₀ / n), with
Δ̂ ~ N(Δ, s(n)²) at n items.

**The analytic power** (`conclusive_probability`; `verdicts.verdict_of`), interval
[Δ̂ − q_low·s, Δ̂ + q_high·s], margin m: ``above`` or ``at`` when Δ̂ − q_low·s ≥ −m, ``below``
when Δ̂ + q_high·s < 0 and Δ̂ − q_low·s < −m; the two events are disjoint, so

    P(conclusive) = 1 − Φ((q_low·s − m − Δ)/s) + Φ((min(−q_high·s, q_low·s − m) − Δ)/s).

With a `VerdictShape` (what the analytic plan uses), s is the verdict's jackknife standard
error and q_low, q_high are redrawn at each n as the verdict draws them: Student's t at the
effective df, bent by Hall's skewness correction, both from the pilot's pseudo-value moments;
without one, q_low = q_high = z = Φ⁻¹(1 − (1 − level)/2). The items needed are the fewest n
from which P(conclusive) stays at or above the power (scanned over n, as P need not be
monotone in n near the boundaries). Against a known truth (`benchmarks/bench_plan.py --reps
600 --gate-reps 0 --seed 1`, before the resampling plan): planned from the pilots' average,
73.3–77.3% conclusive for an equal judge and 79.2–85.0% for one 0.10 worse, for a stated 80%.

**The regression gate** (`empathy_judge.scorers.gate`): a true drop D is flagged with
probability about Φ((D − max(c·s, T))/s) (the gate's own smallest-detectable-drop formula),
c the one-sided critical value of the test, T the tolerance; so the items needed solve
max(c·s(n), T) + z_power·s(n) ≤ D in closed form (none when D ≤ T).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import chdtri, ndtr

from .arrays import FloatArray
from .jackknife_interval import bound_multipliers, effective_df, pseudo_value_interval
from .verdicts import MIN_VERDICT_ITEMS, conclusive

#: Largest number of items a plan searches (beyond it the plan says "more than this").
MAX_ITEMS = 100_000
#: Fewest items a plan proposes (the verdict's own floor, `agreement.MIN_VERDICT_ITEMS`).
MIN_ITEMS = 10
#: Studies a resampling plan simulates at each n. At 1000 the share's Monte Carlo SE is about
#: 1.3 points near 80%, which moves the planned n by about 3%: small beside what a 50-item
#: pilot knows (`benchmarks/bench_plan.py`: the n planned from single pilots spans a factor of
#: 2–3 between its 10% and 90% points, and its single-pilot figures use 1000).
DEFAULT_DRAWS = 1000
#: Pseudo-values of one block of simulated studies (items × studies), to bound memory.
_BLOCK = 4_000_000


def conclusive_probability(
    difference: ArrayLike,
    std_error: ArrayLike,
    *,
    margin: float,
    level: float,
    multipliers: tuple[ArrayLike, ArrayLike] | None = None,
) -> FloatArray:
    """P(the like-for-like verdict is not ``inconclusive``) when Δ̂ ~ N(Δ, s²).

    The interval is [Δ̂ − q_low·s, Δ̂ + q_high·s]: ``above`` or ``at`` when its lower bound is at
    least −m, ``below`` when its upper bound is under 0 and its lower bound under −m.

    Args:
        difference: The true Δ (broadcasts with `std_error`).
        std_error: s, the standard error of Δ̂ at the sample size considered.
        margin: The verdict's non-inferiority margin m.
        level: The interval's coverage.
        multipliers: (q_low, q_high), e.g. `VerdictShape.multipliers`; default z on both sides.

    Returns:
        The probability (NaN where s is NaN; where s = 0, 1 unless Δ sits on a boundary).
    """
    delta = np.asarray(difference, dtype=np.float64)
    s = np.asarray(std_error, dtype=np.float64)
    if multipliers is None:
        z = NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)
        q_low = q_high = np.asarray(z)
    else:
        q_low, q_high = (np.asarray(q, dtype=np.float64) for q in multipliers)
    with np.errstate(divide="ignore", invalid="ignore"):
        conclusive_up = 1.0 - ndtr((q_low * s - margin - delta) / s)
        conclusive_down = ndtr((np.minimum(-q_high * s, q_low * s - margin) - delta) / s)
    return np.asarray(conclusive_up + conclusive_down, dtype=np.float64)


@dataclass(frozen=True)
class VerdictShape:
    """What the verdict's interval is made of beyond its standard error, to redraw it at any n.

    The like-for-like interval is a skewness-corrected jackknife-t interval
    (`empathy_judge.scorers.jackknife_interval.jackknife_t_interval`): its reach below and above
    Δ̂ is a t quantile at degrees of freedom that grow with the items, bent by a skewness
    correction that fades as 1/√n. At the pilot's n the widening is largest; a plan that kept it
    at every n would ask for too many items. The skewness and excess kurtosis of the
    pseudo-values are properties of the items, so the pilot's are kept and the interval is
    redrawn at each n.

    Attributes:
        skewness: γ of the pilot's jackknife pseudo-values.
        kurtosis: Their excess kurtosis κ₄.
        pooled: Whether the shape was pooled over the pilot's sub-components (read as it is;
            an own shape only widens the plain t interval, `bound_multipliers`).
    """

    skewness: float
    kurtosis: float
    pooled: bool = False

    @staticmethod
    def of(
        skewness: float, df: float, n_items: int, *, pooled: bool = False
    ) -> VerdictShape | None:
        """The shape of a verdict's interval from its skewness and degrees of freedom.

        κ₄ is read back from df = 2 / (2/(m − 1) + max(κ₄, 0)/m) (0 when the df are those of a
        light-tailed sample). None when either is undefined.
        """
        if not (math.isfinite(skewness) and math.isfinite(df)) or df <= 0 or n_items < 3:
            return None
        m = float(n_items)
        kurtosis = max(m * (2.0 / df - 2.0 / (m - 1.0)), 0.0)
        return VerdictShape(float(skewness), kurtosis, pooled)

    def multipliers(self, n_items: ArrayLike, level: float) -> tuple[FloatArray, FloatArray]:
        """(q_low, q_high) of the interval at each number of items."""
        n = np.asarray(n_items, dtype=np.float64)
        return bound_multipliers(
            effective_df(n, self.kurtosis), self.skewness, n, level, widen_only=not self.pooled
        )


def items_for_verdict(
    difference: float,
    std_error: float,
    n_pilot: int,
    *,
    margin: float,
    power: float,
    level: float,
    max_items: int = MAX_ITEMS,
    min_items: int = MIN_ITEMS,
    shape: VerdictShape | None = None,
) -> int | None:
    """Fewest items for the like-for-like verdict to be conclusive with probability `power`.

    Args:
        difference: The Δ assumed true (the pilot's Δ̂, or 0).
        std_error: The standard error of Δ̂ on the pilot's `n_pilot` items: the jackknife's
            (`ExpertLevelVerdict.std_error`) with `shape`, else an effective one that the
            interval is ± z times.
        n_pilot: The pilot's items.
        margin: The verdict's margin.
        power: The share of conclusive verdicts wanted.
        level: The interval's coverage.
        max_items: Largest n searched.
        min_items: Smallest n proposed.
        shape: The interval's shape (`VerdictShape`), redrawn at each n; None: ± z·s.

    Returns:
        n, or None when the standard error is unknown or even `max_items` do not suffice.
    """
    if not (math.isfinite(difference) and math.isfinite(std_error)) or n_pilot < 1:
        return None
    if std_error <= 0.0:
        return min_items
    n = np.arange(min_items, max_items + 1, dtype=np.float64)
    p = conclusive_probability(
        difference,
        std_error * np.sqrt(n_pilot / n),
        margin=margin,
        level=level,
        multipliers=None if shape is None else shape.multipliers(n, level),
    )
    short = np.flatnonzero(p < power)
    if short.size == 0:
        return min_items
    if short[-1] == n.size - 1:
        return None
    return int(n[short[-1] + 1])


def gate_critical_value(level: float, hypotheses: int = 1) -> float:
    """One-sided critical value of a drop test at 1 − level, Bonferroni over `hypotheses`."""
    return NormalDist().inv_cdf(1.0 - (1.0 - level) / max(hypotheses, 1))


def items_for_gate(
    drop: float,
    std_error: float,
    n_pilot: int,
    *,
    critical: float,
    power: float,
    tolerance: float,
    min_items: int = MIN_ITEMS,
) -> int | None:
    """Fewest items for the gate to flag a true drop `drop` with probability `power`.

    Args:
        drop: The drop D in κ (positive).
        std_error: Standard error of the gate's Δ̂ on the pilot's `n_pilot` items.
        n_pilot: The pilot's items.
        critical: The test's one-sided critical value c (`gate_critical_value`).
        power: Detection probability wanted.
        tolerance: The gate's tolerance T (a drop at or below it is never "regressed").
        min_items: Smallest n proposed.

    Returns:
        n, or None when D ≤ T or the standard error is unknown.
    """
    if not math.isfinite(std_error) or drop <= tolerance or n_pilot < 1:
        return None
    if std_error <= 0.0:
        return min_items
    z_power = NormalDist().inv_cdf(power)
    wanted = min(drop / (critical + z_power), (drop - tolerance) / z_power)
    return max(min_items, math.ceil(n_pilot * (std_error / wanted) ** 2))


#: Quantiles of the pilot's variance ratio that `pilot_variance_inflation` averages over.
_INFLATION_GRID = 2000


def pilot_variance_inflation(df: float, power: float, level: float) -> float:
    """How much to widen a pilot's spread so that the planned power holds on average over pilots.

    A pilot's variance estimates the truth with error: σ̂² = σ²·X, X ~ χ²_ν/ν for ν the
    variance's degrees of freedom. Planned from σ̂², a study of n items has power about
    Φ(a·√(c·X) − z) with z = Φ⁻¹(1 − (1 − level)/2), a = z + Φ⁻¹(power) and c the factor
    on the pilot's variance, so with c = 1 the power falls short on average over pilots
    (Φ is concave above the median): a 50-item pilot of heavy-tailed pseudo-values planned
    73–79% for a stated 80%. c solves E_X[Φ(a·√(c·X) − z)] = power, the expected power of
    Julious & Owen (2006, Pharm. Stat. 5:29–37), on a grid of X's quantiles. ν is the
    verdict's own effective df (`scorers.jackknife_interval.effective_df`, from the items and the
    kurtosis), so a heavy-tailed pilot is widened more.

    Args:
        df: ν (at least 1; infinite: no uncertainty, c = 1).
        power: The stated power, in (0, 1).
        level: The interval's coverage.

    Returns:
        c ≥ 1 (1.035 at ν = 49 and 80% power, 1.089 at ν = 20).
    """
    if not math.isfinite(df) or df > 1e6:
        return 1.0
    nu = max(float(df), 1.0)
    z = NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)
    a = z + NormalDist().inv_cdf(power)
    # χ²_ν quantiles (chdtri inverts the upper tail): scipy.special, not scipy.stats, which
    # would add a quarter of a second to importing every report.
    ratio = chdtri(nu, 1.0 - (np.arange(_INFLATION_GRID) + 0.5) / _INFLATION_GRID) / nu
    root = np.sqrt(ratio)

    def shortfall(c: float) -> float:
        return float(ndtr(a * math.sqrt(c) * root - z).mean()) - power

    if shortfall(1.0) >= 0.0:
        return 1.0
    high = 2.0
    while shortfall(high) < 0.0:
        high *= 2.0
    from scipy.optimize import brentq  # only when a plan is made, not at import

    return float(brentq(shortfall, 1.0, high, xtol=1e-6))


def pilot_df(pseudo_values: ArrayLike, shape: VerdictShape | None = None) -> float:
    """The effective df of a pilot's spread: its finite pseudo-values and (pooled) kurtosis."""
    psi = np.asarray(pseudo_values, dtype=np.float64).ravel()
    psi = psi[np.isfinite(psi)]
    if psi.size < 3:
        return math.nan
    if shape is not None:
        return float(effective_df(float(psi.size), shape.kurtosis))
    return float(pseudo_value_interval(psi.mean(), psi[:, None]).df[0])


def resampled_conclusive_share(
    pseudo_values: ArrayLike,
    difference: float,
    n_items: int,
    *,
    margin: float,
    level: float,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    shape: VerdictShape | None = None,
    spread: float = 1.0,
) -> float:
    """The share of simulated studies of `n_items` items whose verdict is conclusive.

    Each study draws `n_items` of the pilot's jackknife pseudo-values ψ of Δ with replacement,
    after shifting them to mean `difference` (the Δ assumed true); its Δ̂ is the mean of its
    draws and its interval the verdict's (`scorers.jackknife_interval.pseudo_value_interval`: the
    standard error sd(ψ*)/√n, skewness and kurtosis of its own draws), read by the verdict's
    rule (`scorers.verdicts.conclusive`; under `MIN_VERDICT_ITEMS` items, inconclusive). A
    study that lacks the pilot's rare large disagreements has both a higher Δ̂ and a smaller
    standard error, as a real one does; an analytic plan with a known width does not see that.

    The same seed at every n draws nested studies (a study of n + 1 items is the one of n with
    one more item, when the studies fit in one block), so the share moves smoothly with n.

    A pilot verdict whose shape was pooled over its sub-components (`ExpertLevelVerdict.
    pooled_shape`) is planned with that shape held fixed (`shape`): each study keeps its own
    Δ̂ and standard error, and a pooled shape rests on several series, so it varies little.

    Args:
        pseudo_values: The pilot's pseudo-values (`ExpertLevelVerdict.pseudo_values`).
        difference: The Δ assumed true.
        n_items: Items per simulated study.
        margin: The verdict's margin.
        level: The interval's coverage.
        draws: Simulated studies B.
        seed: Seed of numpy's default generator.
        shape: The pilot's pooled shape, when its verdict used one (else each study's own).
        spread: A factor on the pilot's centred pseudo-values (`items_for_verdict_resampled`
            widens them by √`pilot_variance_inflation`).

    Returns:
        The share (NaN without at least 3 finite pseudo-values).
    """
    psi = np.asarray(pseudo_values, dtype=np.float64).ravel()
    psi = psi[np.isfinite(psi)]
    if psi.size < 3 or not math.isfinite(difference) or draws < 1:
        return math.nan
    if n_items < MIN_VERDICT_ITEMS:
        return 0.0
    shifted = (psi - psi.mean()) * spread + difference
    rng = np.random.default_rng(seed)
    per_block = max(1, _BLOCK // n_items)
    hits = 0
    # Blocks of studies bound the memory (items × studies); within a block, one array.
    for start in range(0, draws, per_block):
        width = min(per_block, draws - start)
        drawn = shifted[rng.integers(0, shifted.size, size=(n_items, width))]
        interval = pseudo_value_interval(
            drawn.mean(axis=0),
            drawn,
            confidence=level,
            shape=None if shape is None else (shape.skewness, shape.kurtosis),
        )
        hits += int(conclusive(interval.low, interval.high, margin).sum())
    return hits / draws


def items_for_verdict_resampled(
    pseudo_values: ArrayLike,
    difference: float,
    *,
    margin: float,
    power: float,
    level: float,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    max_items: int = MAX_ITEMS,
    min_items: int = MIN_ITEMS,
    shape: VerdictShape | None = None,
    allow_for_pilot: bool = True,
) -> int | None:
    """Fewest items from which `resampled_conclusive_share` reaches `power` (what the plan uses).

    A monotone search: n doubles from `min_items` until the share reaches the power at two
    doublings in a row, then bisects between the last n short of it and the first that reaches
    it (every n with the same seed, so the studies are nested and the share is close to
    monotone in n). The second doubling guards against the dip at small n: a pilot with a
    few items of large disagreement gives studies of a few items that mostly miss them, hence
    a small standard error and a conclusive verdict, and more items make that rarer before
    they make the interval narrow.

    The pilot's spread is itself an estimate: with `allow_for_pilot` the studies draw its
    pseudo-values widened by √c, c = `pilot_variance_inflation` at the pilot's effective df
    (`pilot_df`), so that the power is met on average over pilots, not only for a pilot whose
    spread happens to be the truth's (c → 1 as the pilot grows).

    Args:
        pseudo_values: The pilot's jackknife pseudo-values of Δ.
        difference: The Δ assumed true (the pilot's Δ̂, or 0).
        margin: The verdict's margin.
        power: The share of conclusive verdicts wanted.
        level: The interval's coverage.
        draws: Simulated studies per n.
        seed: Seed of the studies.
        max_items: Largest n searched.
        min_items: Smallest n proposed.
        shape: The pilot's pooled shape, if any (`resampled_conclusive_share`).
        allow_for_pilot: Widen the pilot's spread for its own uncertainty (above).

    Returns:
        n, or None when there are fewer than 3 pseudo-values or even `max_items` do not suffice.
    """
    known: dict[int, bool] = {}
    spread = (
        math.sqrt(pilot_variance_inflation(pilot_df(pseudo_values, shape), power, level))
        if allow_for_pilot
        else 1.0
    )

    def reaches(n: int) -> bool:
        if n not in known:
            share = resampled_conclusive_share(
                pseudo_values,
                difference,
                n,
                margin=margin,
                level=level,
                draws=draws,
                seed=seed,
                shape=shape,
                spread=spread,
            )
            known[n] = share >= power
        return known[n]

    psi = np.asarray(pseudo_values, dtype=np.float64).ravel()
    if np.isfinite(psi).sum() < 3 or not math.isfinite(difference):
        return None
    # `short`: below the answer (0: none yet); `enough`: the candidate grid point.
    short, enough = 0, min_items
    while not (reaches(enough) and (enough >= max_items or reaches(min(2 * enough, max_items)))):
        if enough >= max_items:
            return None
        short, enough = enough, min(2 * enough, max_items)
    if short == 0:
        return min_items
    while enough - short > 1:
        middle = (short + enough) // 2
        if reaches(middle):
            enough = middle
        else:
            short = middle
    return enough
