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

The verdict's n and the report's settle notes are `reports.verdict_plan`'s; the gate's
standard error on the pilot is `reports.gate_plan`'s; the output, `reports.plan_output`'s.

`benchmarks/bench_plan.py` checks the plan by simulation with a known truth and against
resampling a pilot's items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..datasets.errors import EmpathyJudgeError
from ..scorers.agreement import Assessment
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.sample_size import items_for_gate
from ..scorers.verdicts import MARGIN, Estimate, ExpertLevelVerdict
from .corpora import JudgedCorpus
from .gate_plan import GatePilot, gate_pilots
from .verdict_plan import DEFAULT_POWER, conclusive_share, items_needed, verdict_standard_error

#: The drops (in κ) the gate is planned for.
GATE_DROPS: tuple[float, float] = (0.1, 0.2)
#: The sub_component label of a framework's mean row.
FRAMEWORK_MEAN = "(framework mean)"


class PlanError(EmpathyJudgeError, ValueError):
    """A pilot cannot be planned from (one expert, no item with a consensus and a rating)."""


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
