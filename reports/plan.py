"""`empathy-judge plan`: the items that would make a pilot's verdicts conclusive, and their cost.

A pilot (a judge's run on a few items, or a pack's ratings) gives, per sub-component, the
like-for-like difference Δ̂ = candidate − experts on n₀ items and the jackknife pseudo-values of Δ
its interval was drawn from (`empathy_judge.scorers.agreement.assess`,
``ExpertLevelVerdict.pseudo_values``). The plan asks `empathy_judge.scorers.sample_size` for the
fewest items at which

* the verdict is conclusive with the given power, assuming Δ = 0 (a judge as good as an expert)
  and assuming the pilot's Δ̂ is the truth;
* the regression gate detects a drop of 0.1 and of 0.2 κ with that power;

and prices them in expert ratings: items × experts (each expert rates every sub-component of an
item in one sitting). Per framework the same is done on the mean Δ over its sub-components.

**The verdict's n** is simulated from the pilot (`items_for_verdict_resampled`, what the CLI,
the report's "≈ n items would settle it" and the JSON use): studies of n items drawn with
replacement from the pilot's pseudo-values, shifted to the Δ assumed, each read through the
verdict's own interval and rule. This sees what an analytic plan with a known width cannot:
a study without the rare items of large disagreement has both a higher Δ̂ and a smaller
standard error. Against a known truth it gives 77.3–85.0% conclusive verdicts for a stated 80%
under two data models (`benchmarks/bench_plan.py`). Only a verdict without pseudo-values (none
of the engine's) falls back to the analytic plan (`verdict_interval` → `items_for_verdict`:
Δ̂ ~ N(Δ, s₀²·n₀/n) with the interval's shape redrawn at each n), which gave 73.3–77.3%
conclusive verdicts for an equal judge where 80% was stated. The plan is for one
sub-component's own verdict (and the framework's): under the report's false-discovery control
over k sub-components a claim needs a little more.

For the gate a pilot has one judge, not a baseline and a candidate. The plan asks the gate itself
(`empathy_judge.scorers.gate.regression_gate`, its jackknife SE) for the standard error of Δκw
under the drop planned for: baseline = expert k, candidate = the judge with enough of its
ratings re-rated at random to lose that much κ (`gate_pilots`), reference = the other experts'
mean; s is the root mean square over k and the random copies. Two versions of one judge usually
err alike and give a smaller SE, so for a model update these counts are upper bounds. The
critical value is one-sided at 1 − level for one framework
compared alone: the framework mean at the whole level, a sub-component Bonferroni over the
framework's sub-components (a little above the gate's max-statistic, so conservative). Comparing
F frameworks in one `compare` call splits the level F ways: plan with level 1 − (1 − level)/F.

`benchmarks/bench_plan.py` checks the plan by simulation with a known truth and against
resampling a pilot's items.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ..datasets.errors import EmpathyJudgeError
from ..scorers.agreement import Assessment, SubComponentResult
from ..scorers.arrays import FloatArray
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.sample_size import (
    MAX_ITEMS,
    VerdictShape,
    conclusive_probability,
    gate_critical_value,
    items_for_gate,
    items_for_verdict,
    items_for_verdict_resampled,
    resampled_conclusive_share,
)
from ..scorers.verdicts import MARGIN, Estimate, ExpertLevelVerdict
from .corpora import JudgedCorpus

#: The drops (in κ) the gate is planned for.
GATE_DROPS: tuple[float, float] = (0.1, 0.2)
#: Default power of a plan.
DEFAULT_POWER = 0.8
#: Default interval coverage.
DEFAULT_LEVEL = 0.95
#: The sub_component label of a framework's mean row.
FRAMEWORK_MEAN = "(framework mean)"


class PlanError(EmpathyJudgeError, ValueError):
    """A pilot cannot be planned from (one expert, no item with a consensus and a rating)."""


def verdict_standard_error(
    verdict: ExpertLevelVerdict | None, estimate: Estimate, level: float
) -> float:
    """The verdict's interval at the pilot's size read as Δ̂ ± z·s: s = (high − low) / (2·z).

    An effective standard error that carries the interval's t quantile and skewness correction
    at this n (printed as the plan's ``std_error``, and the analytic plan's input when the
    verdict has no pseudo-value moments). Carried to every n it made plans about 1.5× too large
    (88.0–91.8% conclusive for an equal judge, 95.5–96.3% for one 0.10 worse, for a stated
    80%), because that widening shrinks with more items; the plan resamples the pseudo-values
    (`items_needed`), or, without them, redraws the interval at each n (`verdict_interval`).

    Args:
        verdict: The verdict, when there is one (its interval is `estimate`'s).
        estimate: Its Δ̂ with its interval.
        level: The interval's coverage.

    Returns:
        s (NaN when the interval is undefined).
    """
    from statistics import NormalDist

    low, high = estimate.low, estimate.high
    if verdict is not None:
        low, high = verdict.lower, verdict.upper
    z = NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)
    if not (math.isfinite(low) and math.isfinite(high)):
        return math.nan
    return (high - low) / (2.0 * z)


def verdict_interval(
    verdict: ExpertLevelVerdict | None, estimate: Estimate, level: float
) -> tuple[float, VerdictShape | None]:
    """The analytic plan's reading of a verdict: a standard error and the interval's shape.

    The plan's fallback, for a verdict without pseudo-values (`items_needed` otherwise
    resamples them).

    With a like-for-like verdict: its jackknife standard error and the shape of its interval
    (skewness and the kurtosis behind its degrees of freedom), so that the t quantile and the
    skewness correction are redrawn at each n (`scorers.sample_size.VerdictShape`). Without one
    (e.g. no pseudo-value moments): `verdict_standard_error`, read as ±z·s at every n.
    """
    if verdict is not None and math.isfinite(verdict.std_error) and verdict.std_error > 0:
        shape = pooled_shape(verdict) or VerdictShape.of(
            verdict.skewness, verdict.df, verdict.n_items
        )
        if shape is not None:
            return verdict.std_error, shape
    return verdict_standard_error(verdict, estimate, level), None


def pooled_shape(verdict: ExpertLevelVerdict | None) -> VerdictShape | None:
    """The verdict's shape when it was pooled over its sub-components (a plan holds it fixed)."""
    if verdict is None or not verdict.pooled_shape:
        return None
    return VerdictShape.of(verdict.skewness, verdict.df, verdict.n_items, pooled=True)


def _pseudo_values(verdict: ExpertLevelVerdict | None) -> FloatArray | None:
    """The verdict's pseudo-values when a resampling plan can use them (3 or more)."""
    if verdict is None or verdict.pseudo_values is None or verdict.pseudo_values.size < 3:
        return None
    return verdict.pseudo_values


def items_needed(
    verdict: ExpertLevelVerdict | None,
    estimate: Estimate,
    n_items: int,
    difference: float,
    *,
    margin: float = MARGIN,
    power: float = DEFAULT_POWER,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> int | None:
    """The items at which a verdict like this one is conclusive with `power`, if Δ = `difference`.

    Resampled from the verdict's pseudo-values (`items_for_verdict_resampled`); without them,
    the analytic plan (`verdict_interval`, `items_for_verdict`).

    Args:
        verdict: The pilot's like-for-like verdict, when there is one.
        estimate: Its Δ̂ with its interval.
        n_items: The pilot's items.
        difference: The Δ assumed true.
        margin: The verdict's margin.
        power: The wanted share of conclusive verdicts.
        level: The interval's coverage.
        seed: Seed of the simulated studies.

    Returns:
        The number of items, or None when it cannot be said or exceeds `MAX_ITEMS`.
    """
    pseudo = _pseudo_values(verdict)
    if pseudo is not None:
        return _resampled_items(
            np.ascontiguousarray(pseudo, dtype=np.float64).tobytes(),
            difference,
            margin,
            power,
            level,
            seed,
            pooled_shape(verdict),
        )
    s, shape = verdict_interval(verdict, estimate, level)
    return items_for_verdict(
        difference, s, n_items, margin=margin, power=power, level=level, shape=shape
    )


@functools.lru_cache(maxsize=4096)
def _resampled_items(
    pseudo_values: bytes,
    difference: float,
    margin: float,
    power: float,
    level: float,
    seed: int,
    shape: VerdictShape | None,
) -> int | None:
    """`items_for_verdict_resampled`, remembered by value.

    A report asks for the same plan once per output format (Markdown, HTML, JSON), and the
    plan is a simulation; the key is the pilot's pseudo-values themselves (their bytes), so a
    remembered answer is the one the simulation would give again (it is seeded).
    """
    return items_for_verdict_resampled(
        np.frombuffer(pseudo_values, dtype=np.float64),
        difference,
        margin=margin,
        power=power,
        level=level,
        seed=seed,
        shape=shape,
    )


def forget_plans() -> None:
    """Forget the remembered plans (`_resampled_items`), e.g. to time a report afresh."""
    _resampled_items.cache_clear()


def conclusive_share(
    verdict: ExpertLevelVerdict | None,
    estimate: Estimate,
    n_items: int,
    difference: float,
    *,
    margin: float = MARGIN,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> float:
    """P(conclusive) at `n_items` if Δ = `difference`, by the same method as `items_needed`."""
    pseudo = _pseudo_values(verdict)
    if pseudo is not None:
        return resampled_conclusive_share(
            pseudo,
            difference,
            n_items,
            margin=margin,
            level=level,
            seed=seed,
            shape=pooled_shape(verdict),
        )
    s, shape = verdict_interval(verdict, estimate, level)
    return float(
        conclusive_probability(
            difference,
            s,
            margin=margin,
            level=level,
            multipliers=None if shape is None else shape.multipliers(n_items, level),
        )
    )


def items_to_settle(
    result: SubComponentResult,
    *,
    margin: float = MARGIN,
    power: float = DEFAULT_POWER,
    level: float = DEFAULT_LEVEL,
) -> int | None:
    """The items at which a verdict like this one is conclusive with `power`, if Δ̂ is the truth.

    What a report prints beside an ``inconclusive`` verdict ("≈ 310 items would settle it"):
    `items_needed` at the pilot's Δ̂.

    Args:
        result: One sub-component's like-for-like result (`Assessment.sub_components`).
        margin: The verdict's margin.
        power: The wanted share of conclusive verdicts.
        level: The verdict's interval coverage.

    Returns:
        The number of items, or None when it cannot be said (no interval) or exceeds
        `empathy_judge.scorers.sample_size.MAX_ITEMS`.
    """
    return items_needed(
        result.like_for_like,
        result.difference,
        result.n_items,
        result.difference.value,
        margin=margin,
        power=power,
        level=level,
    )


def settle_note(result: SubComponentResult, verdict: str) -> str:
    """What a report prints beside a verdict: "" unless it is ``inconclusive``.

    Args:
        result: The sub-component's result.
        verdict: The verdict the report shows (it may differ from the engine's, e.g. too few
            items).

    Returns:
        ``"≈310 items would settle it"`` (at the default power, margin and level, if the
        pilot's Δ̂ is the truth), ``"more than 100000 items"``, or "".
    """
    if verdict != "inconclusive":
        return ""
    items = items_to_settle(result)
    if items is None:
        if not math.isfinite(result.difference.low):
            return ""
        return f"more than {MAX_ITEMS} items"
    return f"≈{items} items would settle it"


@dataclass(frozen=True)
class PlanRow:
    """The plan for one sub-component (or a framework's mean) of one judge.

    Attributes:
        framework: Framework id.
        sub_component: Sub-component, or `FRAMEWORK_MEAN`.
        annotator: The judge.
        experts: Experts in the panel (the price of an item in expert ratings).
        items_now: Items of the pilot's verdict.
        difference: The pilot's Δ̂ (candidate − experts, κ).
        std_error: Its standard error at items_now (`verdict_standard_error`).
        verdict_now: The pilot's verdict (mean row: the verdict rule applied to the mean).
        power_now_at_zero: P(conclusive) at items_now if Δ = 0.
        items_needed_at_zero: Items for a conclusive verdict with the power if Δ = 0.
        items_needed_observed: The same if Δ is the pilot's Δ̂.
        gate_items_drop_0_1: Items for the gate to detect a 0.1 drop with the power.
        gate_items_drop_0_2: The same for a 0.2 drop.
        expert_ratings_at_zero: items_needed_at_zero × experts.
        expert_ratings_observed: items_needed_observed × experts.
        expert_ratings_gate_0_1: gate_items_drop_0_1 × experts.
        expert_ratings_gate_0_2: gate_items_drop_0_2 × experts.
    """

    framework: str
    sub_component: str
    annotator: str
    experts: int
    items_now: int
    difference: float
    std_error: float
    verdict_now: str
    power_now_at_zero: float
    items_needed_at_zero: int | None
    items_needed_observed: int | None
    gate_items_drop_0_1: int | None
    gate_items_drop_0_2: int | None
    expert_ratings_at_zero: int | None
    expert_ratings_observed: int | None
    expert_ratings_gate_0_1: int | None
    expert_ratings_gate_0_2: int | None


def _times(items: int | None, experts: int) -> int | None:
    return None if items is None else items * experts


@dataclass(frozen=True)
class GatePilot:
    """The gate's standard error on the pilot, for one sub-component or a framework mean.

    Attributes:
        std_error: Root mean square over the experts k of the gate's SE of Δκw(judge − expert
            k) against the other experts' mean.
        n_items: The items those comparisons paired (the mean over k).
        critical: The one-sided critical value the plan uses for it.
    """

    std_error: float
    n_items: int
    critical: float


def degraded(ratings: FloatArray, share: FloatArray, rng: np.random.Generator) -> FloatArray:
    """The ratings with a share of each column's items re-rated at random from its own marginal.

    Args:
        ratings: items × sub-components (NaN: not rated, left so).
        share: Per column, the share of rated items whose rating is replaced.
        rng: Random generator.
    """
    out = ratings.copy()
    for j in range(ratings.shape[1]):
        rated = np.flatnonzero(~np.isnan(ratings[:, j]))
        take = round(min(max(float(share[j]), 0.0), 1.0) * rated.size)
        if take == 0:
            continue
        chosen = rng.choice(rated, size=take, replace=False)
        out[chosen, j] = rng.choice(ratings[rated, j], size=take, replace=True)
    return out


def gate_pilots(
    corpus: JudgedCorpus,
    *,
    drop: float,
    settings: BootstrapSettings,
    copies: int = 4,
) -> tuple[list[GatePilot], GatePilot]:
    """The gate's standard errors on the pilot under a drop: per sub-component and framework mean.

    A pilot has one judge. The second judge of the comparison is made from it: the judge with a
    share q_j = drop / κ_j of its ratings re-rated at random from its own marginal (κ_j: the
    judge's κ against the other experts' mean), which costs it about `drop` of κ; the baseline
    is expert k, whose errors are independent of the judge's. For each expert k and each of
    `copies` random degradations, `empathy_judge.scorers.gate.regression_gate` (reference: the
    other experts' mean) gives its jackknife SE of Δκw; s is their root mean square. So s is the
    SE under the alternative, for two raters that err independently, one `drop` worse.

    Args:
        corpus: The pilot.
        drop: The κ drop planned for.
        settings: Bootstrap resamples of each gate call, their seed (also the degradations'),
            and as `confidence` the gate's family-wise confidence.
        copies: Random degradations per expert.
    """
    from ..scorers.gate import regression_gate
    from ..scorers.kappa import weighted_kappa

    panel = corpus.panel
    references = panel.leave_one_out_references()
    level = settings.confidence
    rng = np.random.default_rng(settings.seed)
    columns: list[list[tuple[float, int]]] = [[] for _ in panel.sub_components]
    means: list[tuple[float, int]] = []
    for k in range(panel.n_raters):
        kappas = np.array(
            [
                weighted_kappa(corpus.ratings[:, j], references[:, j, k])
                for j in range(len(panel.sub_components))
            ]
        )
        share = np.where(kappas > 0, drop / np.where(kappas > 0, kappas, 1.0), 1.0)
        for _ in range(copies):
            result = regression_gate(
                references[:, :, k],
                panel.values[:, :, k],
                degraded(corpus.ratings, share, rng),
                settings=settings,
                names=list(panel.sub_components),
            )
            for j, entry in enumerate(result.columns):
                columns[j].append((entry.std_error, entry.n_items))
            means.append((result.groups[0].std_error, result.groups[0].n_items))

    def pooled(found: list[tuple[float, int]], critical: float) -> GatePilot:
        se = np.array([s for s, _ in found], dtype=np.float64)
        finite = se[np.isfinite(se)]
        rms = float(np.sqrt(np.mean(finite**2))) if finite.size else math.nan
        return GatePilot(rms, round(float(np.mean([n for _, n in found]))), critical)

    k = len(panel.sub_components)
    return (
        [pooled(c, gate_critical_value(level, k)) for c in columns],
        pooled(means, gate_critical_value(level, 1)),
    )


def _row(
    corpus: JudgedCorpus,
    sub: str,
    verdict_now: ExpertLevelVerdict | None,
    estimate: Estimate,
    n_items: int,
    verdict: str,
    gates: Sequence[GatePilot],
    *,
    margin: float,
    power: float,
    level: float,
) -> PlanRow:
    from ..scorers.gate import DEFAULT_TOLERANCE

    experts = corpus.panel.n_raters
    at_zero = items_needed(
        verdict_now, estimate, n_items, 0.0, margin=margin, power=power, level=level
    )
    observed = items_needed(
        verdict_now, estimate, n_items, estimate.value, margin=margin, power=power, level=level
    )
    needed = [
        items_for_gate(
            d,
            gate.std_error,
            gate.n_items,
            critical=gate.critical,
            power=power,
            tolerance=DEFAULT_TOLERANCE,
        )
        for d, gate in zip(GATE_DROPS, gates, strict=True)
    ]
    now = conclusive_share(verdict_now, estimate, n_items, 0.0, margin=margin, level=level)
    return PlanRow(
        framework=corpus.framework,
        sub_component=sub,
        annotator=corpus.judge,
        experts=experts,
        items_now=n_items,
        difference=estimate.value,
        std_error=verdict_standard_error(verdict_now, estimate, level),
        verdict_now=verdict,
        power_now_at_zero=now,
        items_needed_at_zero=at_zero,
        items_needed_observed=observed,
        gate_items_drop_0_1=needed[0],
        gate_items_drop_0_2=needed[1],
        expert_ratings_at_zero=_times(at_zero, experts),
        expert_ratings_observed=_times(observed, experts),
        expert_ratings_gate_0_1=_times(needed[0], experts),
        expert_ratings_gate_0_2=_times(needed[1], experts),
    )


def pilot_assessment(
    corpus: JudgedCorpus, *, settings: BootstrapSettings
) -> tuple[Assessment, int]:
    """The like-for-like assessment of the pilot, on the items with a consensus.

    Args:
        corpus: The pilot.
        settings: Bootstrap resamples, seed and the verdicts' interval coverage.

    Returns:
        The assessment and the number of items it used.

    Raises:
        PlanError: One expert, or no item with both a consensus and a judge rating.
    """
    from ..scorers.agreement import assess

    panel = corpus.panel
    where = f"{corpus.source} ({corpus.framework})"
    if panel.n_raters < 2:
        raise PlanError(
            f"{where}: one expert ({', '.join(panel.raters)}); the like-for-like verdict needs "
            "at least two, so there is nothing to plan"
        )
    rated = ~np.isnan(panel.consensus()).all(axis=1) & ~np.isnan(corpus.ratings).all(axis=1)
    if not rated.any():
        raise PlanError(f"{where}: no item has both an expert consensus and a judge rating")
    items = [panel.items[i] for i in np.flatnonzero(rated)]
    assessment = assess(
        panel.restrict(items),
        corpus.ratings[rated],
        corpus.judge,
        settings=settings,
        alt_epsilon=None,
        swap=False,
    )
    return assessment, len(items)


def plan_corpus(
    corpus: JudgedCorpus,
    *,
    margin: float = MARGIN,
    power: float = DEFAULT_POWER,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
) -> list[PlanRow]:
    """The plan for every sub-component of one pilot corpus, and for its framework mean.

    Args:
        corpus: The pilot.
        margin: Non-inferiority margin δ of the verdicts.
        power: The power planned for.
        settings: Bootstrap resamples and seed of the pilot's verdicts and gate calls, and as
            `confidence` their level (the verdicts' interval coverage, the gate's family-wise
            confidence).

    Returns:
        One row per sub-component, then the framework mean's.

    Raises:
        PlanError: See `pilot_assessment`.
    """
    from ..scorers.verdicts import verdict_of

    level = settings.confidence
    assessment, n_items = pilot_assessment(corpus, settings=settings)
    pilots = [gate_pilots(corpus, drop=d, settings=settings) for d in GATE_DROPS]
    rows = [
        _row(
            corpus,
            sub.sub_component,
            sub.like_for_like,
            sub.difference,
            sub.n_items,
            sub.verdict,
            [columns[j] for columns, _ in pilots],
            margin=margin,
            power=power,
            level=level,
        )
        for j, sub in enumerate(assessment.sub_components)
    ]
    mean = assessment.mean_difference
    framework = assessment.framework_verdict
    rows.append(
        _row(
            corpus,
            FRAMEWORK_MEAN,
            framework,
            mean,
            n_items,
            framework.verdict if framework is not None else verdict_of(mean.low, mean.high, margin),
            [framework_mean for _, framework_mean in pilots],
            margin=margin,
            power=power,
            level=level,
        )
    )
    return rows


def plan_json(rows: Sequence[PlanRow], *, margin: float, power: float, level: float) -> str:
    """The plan as JSON: settings, then ``rows`` (None where no number of items suffices)."""

    def clean(row: PlanRow) -> dict[str, object]:
        return {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in asdict(row).items()
        }

    return json.dumps(
        {
            "margin": margin,
            "power": power,
            "level": level,
            "gate_drops": list(GATE_DROPS),
            "max_items": MAX_ITEMS,
            "rows": [clean(r) for r in rows],
        },
        indent=2,
    )


def _n(value: int | None) -> str:
    return f">{MAX_ITEMS}" if value is None else str(value)


def plan_text(rows: Sequence[PlanRow], *, margin: float, power: float, level: float) -> str:
    """A plain-text plan per framework."""
    lines = [
        f"Items for a conclusive like-for-like verdict ({power:.0%} power, margin {margin:g}, "
        f"{level:.0%} interval) and for the gate to catch a drop; expert ratings = items × "
        "experts."
    ]
    head = (
        f"{'framework':<20} {'sub_component':<28} {'now':>4} {'Δ (SE)':>14} {'verdict':>12} "
        f"{'Δ=0':>7} {'Δ=pilot':>8} {'gate 0.1':>9} {'gate 0.2':>9} {'ratings Δ=0':>12}"
    )
    lines.append(head)
    for r in rows:
        delta = f"{r.difference:+.2f} ({r.std_error:.2f})" if math.isfinite(r.std_error) else "—"
        ratings = _n(r.expert_ratings_at_zero) if r.items_needed_at_zero is not None else "—"
        lines.append(
            f"{r.framework:<20} {r.sub_component:<28} {r.items_now:>4} {delta:>14} "
            f"{r.verdict_now:>12} {_n(r.items_needed_at_zero):>7} "
            f"{_n(r.items_needed_observed):>8} {_n(r.gate_items_drop_0_1):>9} "
            f"{_n(r.gate_items_drop_0_2):>9} {ratings:>12}"
        )
    lines.append(
        "now: the pilot's items; Δ=0: if the judge is as good as an expert; Δ=pilot: if the "
        "pilot's Δ is the truth; gate: items for compare (one framework) to flag that drop "
        "between two raters that err independently (fewer for two versions of one judge, "
        "which err alike)."
    )
    return "\n".join(lines)
