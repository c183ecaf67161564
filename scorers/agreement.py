"""Reference-level statistics: how a candidate rater compares with the experts of a panel.

One module computes every verdict empathy-judge gives about a candidate (a model run, the crowd,
a published LLM, a replayed expert) against a `Panel`; the in-run metric, the leaderboard, the
regression gate and `reproduce` all call it.

**Like-for-like expert benchmark (leave one expert out; the primary verdict).** For each expert
k, the reference R_k is the mean of the *other* experts' ratings of each item (their majority
label on nominal scales). a_k = κ(candidate, R_k) and b_k = κ(expert k, R_k) are computed on
the same items (those where the candidate, expert k and R_k are all present), so candidate and
expert are judged against the same reference. candidate = mean_k a_k, experts = mean_k b_k,
difference Δ = candidate − experts. κ is the value-based quadratic weighted κ; unweighted
Cohen's κ on nominal scales.

**Δ's interval** is the skewness-corrected jackknife-t interval (`jackknife_t_interval`): the
jackknife standard error of Δ̂ over the items, Hall's (1992) transformation for the skewness
of the items' pseudo-values, Student t quantiles at the variance estimate's effective degrees
of freedom (from their kurtosis). It needs no resampling. The skewness and kurtosis are
pooled over the framework's sub-components and their mean (each keeps its own Δ̂ and
standard error): fifty pseudo-values of one sub-component estimate their own shape too small
in just the samples that mislead (a sample without the rare items of large disagreement has
both a higher Δ̂ and a smaller spread, and looks symmetric), so an own shape called an equal
candidate ``above`` 3.1–3.9% of the time under the harder data model below (20,000
replications), pooled 1.6–2.7%. A lone sub-component keeps its own shape and each bound is
then never narrower than the plain jackknife-t one. The paired percentile bootstrap this
replaced narrowed the same way and called an equal candidate ``above`` 4.5–8.2% of the time.
The verdict per sub-component reads the interval against a non-inferiority margin δ (`MARGIN`
= 0.10 κ, about the spread between expert pairs on the release):

* ``above`` expert level: the whole interval lies above 0;
* ``at`` expert level: the interval's lower bound is at or above −δ (non-inferior);
* ``below``: the whole interval lies below 0 and its lower bound below −δ;
* ``inconclusive``: anything else — 50 items often cannot tell, and the tool says so; also
  any sub-component with fewer than `MIN_VERDICT_ITEMS` items (decided here, so the in-run
  metric and every report agree).

`expert_level_verdict` is that verdict for one sub-component (``SubComponentResult.
like_for_like``). The verdicts a reader counts (``SubComponentResult.verdict``) add
false-discovery control over the assessment's sub-components (`family_verdicts`:
Benjamini–Hochberg per kind of claim at (1 − level)/2), and ``Assessment.framework_verdict``
is the same rule applied once to the mean Δ over the sub-components.

Measured by ``benchmarks/bench_interval_shape.py`` (20,000 replications) and
``benchmarks/bench_verdicts.py`` (through `assess`; 50 items, three experts, frameworks of
three sub-components on 0–2, 1–5 and 1–7, two data models, the second with skewed marginals,
rater-specific leniency and cut points, item difficulty and halo): see
``benchmarks/README.md`` for the figures. In short, the interval covers Δ 95.3–96.3% of the
time (the percentile interval 91–93%), a candidate exactly as good as an expert is called
``above`` 2.2–2.3% of the time under the project's model and 2.2–2.5% under the harder one
(percentile 4.5–7.8% under the harder one), and one exactly at −δ ``at`` or ``above``
2.3–2.7% and 2.4–2.5%; at 25 items the latter is 2.7–3.1%. The price of a calibrated
interval at 50 items: most equal candidates are ``inconclusive``.

With one expert there is no leave-one-out reference: the verdict is ``not assessed``.

**The paper's comparison** (κ against the median of all experts, set beside the median
expert-pair κ) is kept for reproduction, labelled as the paper's: it favours the candidate,
because the median of three experts is less noisy than the single expert of a pair.

**Expert swap** α: Krippendorff's α of the panel with the candidate in place of each expert in
turn, averaged, minus the experts' own α, with an item-bootstrap interval.

**The Alternative Annotator Test** (Calderon, Reichart & Dror, ACL 2025) is in
`empathy_judge.scorers.alt_test`; `assess` runs it per sub-component.

A candidate that belongs to the panel (a replayed expert) is always scored against the panel
without it, and the assessment says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal, TypedDict, Unpack

import numpy as np
from numpy.typing import ArrayLike

from ..datasets.lookup import find
from .alpha import (
    INTERVAL_TERMS,
    UnitCoincidences,
    alpha_from_interval_sums,
    alpha_from_unit_weights,
    interval_alpha_terms,
    unit_coincidences,
)
from .arrays import FloatArray, quiet_nanmean, quiet_nanmedian
from .bootstrap import (
    DEFAULT_RESAMPLES,
    agreement_statistic,
    bootstrap,
    jackknife_weights,
    resample_counts,
)
from .bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from .column_plan import ColumnPlan
from .jackknife_interval import jackknife_t_interval
from .kappa import paper_weighted_kappa
from .panel import Panel, PanelError, Scale
from .verdicts import (
    MARGIN,
    VERDICTS,
    Estimate,
    ExpertLevelVerdict,
    Verdict,
    family_verdicts,
    like_for_like,
)


@dataclass(frozen=True)
class SubComponentResult:
    """One candidate against the panel on one sub-component.

    Attributes:
        sub_component: Sub-component name.
        n_items: Items with both a candidate rating and a consensus.
        kappa: κ(candidate, consensus) with its interval.
        ceiling: Median of the expert-pair κ, with its interval (NaN with one expert).
        loo_candidate: mean_k κ(candidate, R_k).
        loo_experts: mean_k κ(expert k, R_k), on the same items.
        difference: loo_candidate − loo_experts with its skewness-corrected jackknife-t
            interval (`like_for_like`).
        verdict: "above", "at", "below", "inconclusive" or "not assessed", under
            false-discovery control over the assessment's sub-components (`family_verdicts`):
            the verdict to count.
        paper_kappa: κ against the consensus in the study's computation (NaN when nominal).
        paper_ceiling: Median expert-pair κ in the study's computation.
        experts_alpha: Krippendorff's α among the experts.
        swap: Mean α with the candidate swapped in for each expert, minus experts_alpha.
        mean_shift: Mean candidate − consensus rating (leniency when > 0).
        alt_test: The Alternative Annotator Test, when it could be run.
        like_for_like: This sub-component's own like-for-like verdict and interval, before
            multiplicity control (what `expert_level_verdict` returns for it).
    """

    sub_component: str
    n_items: int
    kappa: Estimate
    ceiling: Estimate
    loo_candidate: Estimate
    loo_experts: Estimate
    difference: Estimate
    verdict: Verdict
    paper_kappa: float
    paper_ceiling: float
    experts_alpha: float
    swap: Estimate
    mean_shift: float
    alt_test: AltTestSummary | None = None
    like_for_like: ExpertLevelVerdict | None = None

    @property
    def marginal_verdict(self) -> Verdict:
        """The verdict of this sub-component alone (no multiplicity control)."""
        return self.like_for_like.verdict if self.like_for_like else self.verdict

    @property
    def paper_reaches_ceiling(self) -> bool:
        """The paper's (biased) test: κ against the consensus ≥ median expert-pair κ."""
        return bool(self.paper_kappa >= self.paper_ceiling)


@dataclass(frozen=True)
class AltTestSummary:
    """The Alternative Annotator Test's outcome on one sub-component.

    Attributes:
        epsilon: The cost-benefit margin ε.
        omega: Winning rate: the share of experts the candidate beats (BY-corrected).
        rho: Advantage probability: mean over experts of the share of items it wins.
        passes: ω ≥ 0.5.
        note: How degenerate cases were decided, if any.
    """

    epsilon: float
    omega: float
    rho: float
    passes: bool
    note: str = ""


@dataclass(frozen=True)
class Assessment:
    """One candidate against one framework's panel.

    Attributes:
        framework: Framework id.
        candidate: Candidate name.
        n_items: Items in the comparison (the panel's items).
        raters: The panel raters the candidate was judged against.
        sub_components: Per sub-component results, in the panel's order.
        mean_kappa: Mean κ against the consensus over the sub-components.
        mean_difference: Mean leave-one-out difference over the sub-components, with its
            skewness-corrected jackknife-t interval (`framework_verdict`).
        mean_experts: Mean over the sub-components of the experts' own leave-one-out κ.
        replicates: Bootstrap replicates of (mean_kappa, mean_difference), B × 2, for ranks.
        notes: What the reader must know (panel member scored without itself, one expert...).
        framework_verdict: The single like-for-like verdict of the framework: Δ averaged over
            its sub-components, with its own interval (one test, so no multiplicity).
    """

    framework: str
    candidate: str
    n_items: int
    raters: tuple[str, ...]
    sub_components: tuple[SubComponentResult, ...]
    mean_kappa: Estimate
    mean_difference: Estimate
    mean_experts: Estimate
    replicates: FloatArray = field(repr=False)
    notes: tuple[str, ...] = ()
    framework_verdict: ExpertLevelVerdict | None = None

    def verdict_counts(self) -> dict[Verdict, int]:
        """How many sub-components got each verdict."""
        counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
        for sub in self.sub_components:
            counts[sub.verdict] += 1
        return counts

    @property
    def n_at_expert_level(self) -> int:
        """Sub-components at or above expert level, like for like."""
        counts = self.verdict_counts()
        return counts["above"] + counts["at"]

    def result(self, sub_component: str) -> SubComponentResult:
        """The result of one sub-component.

        Raises:
            KeyError: Not assessed here.
        """
        return find(
            self.sub_components,
            lambda sub: sub.sub_component == sub_component,
            lambda: f"{self.framework} has no sub-component {sub_component!r} here",
        )


def _checked_candidate(panel: Panel, candidate: ArrayLike) -> FloatArray:
    values = np.asarray(candidate, dtype=np.float64)
    expected = (len(panel.items), len(panel.sub_components))
    if values.shape != expected:
        raise PanelError(
            f"candidate ratings have shape {values.shape}; the {panel.framework} panel needs "
            f"{expected} (items × sub-components, aligned with Panel.items)"
        )
    if np.isinf(values).any():
        raise PanelError("candidate ratings contain an infinite value")
    return values


def shared_counts(panel: Panel, settings: BootstrapSettings = DEFAULT_BOOTSTRAP) -> FloatArray:
    """The resample counts every candidate on this panel shares (for ranks and differences).

    The draws are made over the items sorted by id and then laid out in the panel's order, so
    the same items and seed give the same resamples whatever order a surface holds them in (the
    in-run metric has the samples' order, the report and `compare` their own): the log, the
    report and `compare` then give the same intervals and verdicts for the same ratings.

    Args:
        panel: The reference panel.
        settings: How many resamples, from which seed (the coverage is not used here).

    Returns:
        Resample counts, B × items in `panel.items` order.
    """
    counts = resample_counts(len(panel.items), settings.n_resamples, settings.seed)
    order = sorted(range(len(panel.items)), key=lambda i: panel.items[i])
    out = np.empty_like(counts)
    out[:, order] = counts
    return out


def assess(
    panel: Panel,
    candidate: ArrayLike,
    name: str = "candidate",
    *,
    margin: float = MARGIN,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
    counts: FloatArray | None = None,
    alt_epsilon: float | None = 0.2,
    alt_q: float = 0.05,
    swap: bool = True,
) -> Assessment:
    """Every reference-level statistic of one candidate on one framework.

    Args:
        panel: The reference panel.
        candidate: items × sub-components ratings aligned with `panel.items` (NaN: not rated).
        name: The candidate's name; a panel member is scored against the panel without it.
        margin: Non-inferiority margin δ of the verdict.
        settings: The bootstrap's resamples and seed (both ignored when `counts` is given) and
            the intervals' coverage.
        counts: Shared resample counts (B × items), e.g. from `shared_counts`.
        alt_epsilon: ε of the Alternative Annotator Test; None skips the test.
        alt_q: Benjamini–Yekutieli level of the Alternative Annotator Test.
        swap: Compute the expert-swap α (the costliest statistic; the in-run metric skips it).

    Returns:
        The assessment.
    """
    notes: list[str] = []
    if name in panel.raters:
        panel = panel.without(name)
        notes.append(
            f"{name} belongs to the panel: it is scored against the other "
            f"{panel.n_raters} rater(s), never against a consensus containing its own ratings"
        )
    values = _checked_candidate(panel, candidate)
    n_items, n_subs, n_raters = panel.values.shape
    if n_raters == 1:
        notes.append("one expert: there is no expert ceiling and no like-for-like verdict")
    if counts is None:
        counts = shared_counts(panel, settings)
    confidence = settings.confidence
    consensus = panel.consensus()
    pairs = list(combinations(range(n_raters), 2))
    references = panel.leave_one_out_references()

    # Column blocks of one κ statistic, evaluated on every resample at once.
    x_blocks: list[FloatArray] = [values]
    y_blocks: list[FloatArray] = [consensus]
    for a, b in pairs:
        x_blocks.append(panel.values[:, :, a])
        y_blocks.append(panel.values[:, :, b])
    for k in range(n_raters if n_raters >= 2 else 0):
        reference = references[:, :, k]
        expert = panel.values[:, :, k]
        same = ~(np.isnan(values) | np.isnan(expert) | np.isnan(reference))
        x_blocks += [np.where(same, values, np.nan), np.where(same, expert, np.nan)]
        y_blocks += [np.where(same, reference, np.nan), np.where(same, reference, np.nan)]
    kappas = agreement_statistic(np.hstack(x_blocks), np.hstack(y_blocks), panel.level)
    n_pairs = len(pairs)
    n_loo = n_raters if n_raters >= 2 else 0
    plan = ColumnPlan.of(
        dict.fromkeys(["kappa", "ceiling", "candidate", "experts", "difference"], n_subs)
        | dict.fromkeys(["mean_kappa", "mean_difference", "mean_experts"], 1)
    )

    def statistic(weights: FloatArray) -> FloatArray:
        v = kappas(weights).reshape(weights.shape[0], -1, n_subs)
        kappa = v[:, 0]
        ceiling = (
            quiet_nanmedian(v[:, 1 : 1 + n_pairs], axis=1)
            if n_pairs
            else np.full_like(kappa, np.nan)
        )
        loo = v[:, 1 + n_pairs :].reshape(weights.shape[0], n_loo, 2, n_subs)
        if n_loo:
            cand = quiet_nanmean(loo[:, :, 0], axis=1)
            experts = quiet_nanmean(loo[:, :, 1], axis=1)
        else:
            cand = experts = np.full_like(kappa, np.nan)
        difference = cand - experts
        return plan.stack(
            {
                "kappa": kappa,
                "ceiling": ceiling,
                "candidate": cand,
                "experts": experts,
                "difference": difference,
                "mean_kappa": quiet_nanmean(kappa, axis=1),
                "mean_difference": quiet_nanmean(difference, axis=1),
                "mean_experts": quiet_nanmean(experts, axis=1),
            }
        )

    result = bootstrap(statistic, n_items, counts=counts, confidence=confidence)
    # Δ's interval: skewness-corrected jackknife-t over the items each Δ depends on.
    paired = np.zeros((n_items, n_subs), dtype=bool)
    for k in range(n_loo):
        missing = np.isnan(panel.values[:, :, k]) | np.isnan(references[:, :, k])
        paired |= ~(np.isnan(values) | missing)
    delta_columns = plan.indices("difference", "mean_difference")
    jackknife = statistic(jackknife_weights(n_items))[:, delta_columns]
    # The sub-components and their mean share one shape (skewness, kurtosis), pooled over
    # their pseudo-values; a lone sub-component (its mean is itself) keeps its own.
    intervals = jackknife_t_interval(
        result.estimate[delta_columns],
        jackknife,
        np.column_stack([paired, paired.any(axis=1)]),
        confidence,
        shape_groups=[0 if n_subs > 1 else -1] * (n_subs + 1),
    )

    def estimate(block: str, j: int = 0) -> Estimate:
        column = plan.column(block, j)
        return Estimate(
            float(result.estimate[column]), float(result.low[column]), float(result.high[column])
        )

    swaps = (
        _expert_swap(panel, values, counts, confidence)
        if swap
        else [(math.nan, Estimate.missing())] * n_subs
    )
    alt = _alt_tests(panel, values, alt_epsilon, alt_q) if alt_epsilon is not None else None
    subs: list[SubComponentResult] = []
    singles: list[ExpertLevelVerdict] = []
    for j in range(n_subs):
        both = ~(np.isnan(values[:, j]) | np.isnan(consensus[:, j]))
        singles.append(
            like_for_like(
                intervals,
                j,
                int(both.sum()),
                estimate("candidate", j),
                estimate("experts", j),
                margin,
                n_loo > 0,
            )
        )
    counted = family_verdicts(singles, confidence)
    for j, sub in enumerate(panel.sub_components):
        both = ~(np.isnan(values[:, j]) | np.isnan(consensus[:, j]))
        subs.append(
            SubComponentResult(
                sub_component=sub,
                n_items=int(both.sum()),
                kappa=estimate("kappa", j),
                ceiling=estimate("ceiling", j),
                loo_candidate=estimate("candidate", j),
                loo_experts=estimate("experts", j),
                difference=singles[j].estimate,
                verdict=counted[j],
                paper_kappa=_paper_kappa(consensus[:, j], values[:, j], panel),
                paper_ceiling=_paper_ceiling(panel, j, pairs),
                experts_alpha=swaps[j][0],
                swap=swaps[j][1],
                mean_shift=float(np.mean(values[both, j] - consensus[both, j]))
                if both.any()
                else math.nan,
                alt_test=alt[j] if alt is not None else None,
                like_for_like=singles[j],
            )
        )
    rated = ~(np.isnan(values) | np.isnan(consensus))
    framework = like_for_like(
        intervals,
        n_subs,
        int(rated.any(axis=1).sum()),
        Estimate(math.nan, math.nan, math.nan),
        estimate("mean_experts"),
        margin,
        n_loo > 0,
    )
    return Assessment(
        framework=panel.framework,
        candidate=name,
        n_items=n_items,
        raters=panel.raters,
        sub_components=tuple(subs),
        mean_kappa=estimate("mean_kappa"),
        mean_difference=framework.estimate,
        mean_experts=estimate("mean_experts"),
        replicates=np.ascontiguousarray(
            result.replicates[:, plan.indices("mean_kappa", "mean_difference")]
        ),
        notes=tuple(notes),
        framework_verdict=framework,
    )


def expert_level_verdict(
    experts: ArrayLike,
    candidate: ArrayLike,
    *,
    margin: float = MARGIN,
    level: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    scale: tuple[float, float] | Scale | None = None,
    nominal: bool = False,
) -> ExpertLevelVerdict:
    """The like-for-like verdict of one candidate on one sub-component (for notebooks).

    The same computation as `assess` (which calls it through the same core): for each expert
    k, R_k is the mean of the other experts' ratings (their majority label when `nominal`),
    Δ = mean_k κ(candidate, R_k) − mean_k κ(expert k, R_k) on the items each pair shares, its
    interval the skewness-corrected jackknife-t (`jackknife_t_interval`; no resampling), and
    the verdict reads it against the margin (module doc), "inconclusive" under
    `MIN_VERDICT_ITEMS` items.

    Args:
        experts: items × experts ratings (NaN: missing); at least two experts.
        candidate: The candidate's ratings of the same items, shape (items,).
        margin: Non-inferiority margin δ in κ units.
        level: Two-sided coverage of the interval.
        n_resamples: Bootstrap resamples of the candidate's and experts' own κ intervals
            (`.candidate`, `.experts`); Δ's interval does not resample.
        seed: Seed of those resamples.
        scale: The scale's (lowest, highest) point (default: the lowest and highest rating
            given).
        nominal: Labels, not numbers: unweighted Cohen's κ and majority references.

    Returns:
        The verdict with Δ, its bounds, standard error and p-values.

    Raises:
        PanelError: Shapes disagree, fewer than two experts, or an infinite rating.
    """
    ratings = np.asarray(experts, dtype=np.float64)
    values = np.asarray(candidate, dtype=np.float64)
    if ratings.ndim != 2 or values.ndim != 1 or ratings.shape[0] != values.shape[0]:
        raise PanelError(
            f"experts must be items × experts and candidate (items,); got {ratings.shape} and "
            f"{values.shape}"
        )
    if ratings.shape[1] < 2:
        raise PanelError("a like-for-like verdict needs at least two experts")
    if np.isinf(ratings).any():
        raise PanelError("expert ratings contain an infinite value")
    if scale is None:
        both = np.concatenate([ratings.ravel(), values])
        both = both[~np.isnan(both)]
        scale = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
    panel = Panel(
        framework="expert_level_verdict",
        items=tuple(f"item{i}" for i in range(values.shape[0])),
        sub_components=("rating",),
        raters=tuple(f"expert{k + 1}" for k in range(ratings.shape[1])),
        values=ratings[:, None, :],
        scales=(scale if isinstance(scale, Scale) else Scale(*scale),),
        level="nominal" if nominal else "interval",
    )
    result = assess(
        panel,
        values[:, None],
        margin=margin,
        settings=BootstrapSettings(n_resamples=n_resamples, seed=seed, confidence=level),
        alt_epsilon=None,
        swap=False,
    )
    found = result.sub_components[0].like_for_like
    assert found is not None  # two or more experts
    return found


def _paper_kappa(reference: FloatArray, candidate: FloatArray, panel: Panel) -> float:
    if panel.level == "nominal":
        return math.nan
    return float(paper_weighted_kappa(reference, candidate).kappa)


def _paper_ceiling(panel: Panel, j: int, pairs: Sequence[tuple[int, int]]) -> float:
    if panel.level == "nominal" or not pairs:
        return math.nan
    values = [
        paper_weighted_kappa(panel.values[:, j, a], panel.values[:, j, b]).kappa for a, b in pairs
    ]
    return float(quiet_nanmedian(np.asarray(values), axis=0))


def _expert_swap(
    panel: Panel, candidate: FloatArray, counts: FloatArray, confidence: float
) -> list[tuple[float, Estimate]]:
    """Per sub-component: the experts' α and (mean α with the candidate swapped in) − that α."""
    n_subs, n_raters = len(panel.sub_components), panel.n_raters
    if n_raters < 2:
        return [(math.nan, Estimate.missing())] * n_subs
    # Per sub-component: the experts, then the panel with the candidate in place of each expert.
    matrices: list[list[FloatArray]] = []
    for j in range(n_subs):
        experts = panel.values[:, j, :].T  # raters × units
        swapped = []
        for k in range(n_raters):
            matrix = experts.copy()
            matrix[k] = candidate[:, j]
            swapped.append(matrix)
        matrices.append([experts, *swapped])
    n_items = panel.values.shape[0]
    if panel.level == "interval":
        # Every α of every sub-component from one product of the unit weights with per-unit
        # sums (`interval_alpha_terms`): one bootstrap call instead of one per sub-component.
        terms = np.hstack([interval_alpha_terms(m) for per_sub in matrices for m in per_sub])
        width = 1 + n_raters

        def all_subs(weights: FloatArray) -> FloatArray:
            sums = (weights @ terms).reshape(weights.shape[0], n_subs, width, INTERVAL_TERMS)
            alphas = alpha_from_interval_sums(sums)  # R × subs × (1 + raters)
            own = alphas[:, :, 0]
            return np.hstack([own, quiet_nanmean(alphas[:, :, 1:], axis=2) - own])

        result = bootstrap(all_subs, n_items, counts=counts, confidence=confidence)
        return [
            (
                float(result.estimate[j]),
                Estimate(
                    float(result.estimate[n_subs + j]),
                    float(result.low[n_subs + j]),
                    float(result.high[n_subs + j]),
                ),
            )
            for j in range(n_subs)
        ]
    out: list[tuple[float, Estimate]] = []
    for j in range(n_subs):
        coincidences = [unit_coincidences(m) for m in matrices[j]]

        def statistic(
            weights: FloatArray, coincidences: list[UnitCoincidences] = coincidences
        ) -> FloatArray:
            alphas = np.column_stack(
                [alpha_from_unit_weights(c, weights, panel.level) for c in coincidences]
            )
            return np.column_stack(
                [alphas[:, 0], quiet_nanmean(alphas[:, 1:], axis=1) - alphas[:, 0]]
            )

        result = bootstrap(statistic, n_items, counts=counts, confidence=confidence)
        out.append(
            (
                float(result.estimate[0]),
                Estimate(float(result.estimate[1]), float(result.low[1]), float(result.high[1])),
            )
        )
    return out


def _alt_tests(
    panel: Panel, candidate: FloatArray, epsilon: float, q: float
) -> list[AltTestSummary | None]:
    if panel.n_raters < 2:
        return [None] * len(panel.sub_components)
    from .alt_test import alt_test

    metric: Literal["rmse", "accuracy"] = "accuracy" if panel.level == "nominal" else "rmse"
    out: list[AltTestSummary | None] = []
    for j in range(len(panel.sub_components)):
        result = alt_test(
            candidate[:, j],
            panel.values[:, j, :],
            epsilon=epsilon,
            q=q,
            metric=metric,
            names=panel.raters,
        )
        notes = [
            f"{h.annotator}: d has zero variance, decided by its mean against ε"
            for h in result.humans
            if h.zero_variance
        ] + [f"{h.annotator}: too few items" for h in result.humans if h.too_few_items]
        out.append(
            AltTestSummary(
                epsilon=epsilon,
                omega=float(result.omega),
                rho=float(result.rho),
                passes=bool(result.passes),
                note="; ".join(notes),
            )
        )
    return out


class AssessOptions(TypedDict, total=False):
    """The keyword options of :func:`assess` (see there) that :func:`assess_many` passes on."""

    margin: float
    settings: BootstrapSettings
    alt_epsilon: float | None
    alt_q: float
    swap: bool


def assess_many(
    panel: Panel,
    candidates: Mapping[str, ArrayLike],
    **options: Unpack[AssessOptions],
) -> dict[str, Assessment]:
    """Assess several candidates on the same resamples of the same items (ranks need this)."""
    counts = shared_counts(panel, options.get("settings", DEFAULT_BOOTSTRAP))
    return {
        name: assess(panel, values, name, counts=counts, **options)
        for name, values in candidates.items()
    }
