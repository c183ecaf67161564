"""Run-level Inspect metric: the model's agreement with the expert panel, and its verdicts.

Agreement is a property of the whole run (κ and α are computed over all items), so one metric
reads every sample's score at once and returns a dict: Inspect shows each key as its own metric
in the log and in ``inspect view``. Every figure comes from the agreement engine
(`empathy_judge.scorers.agreement`) applied to the panel the samples carry in their metadata, so
the in-run figures and the report's agree by construction.

Keys (``kappa``, first, is also the task's declared headline metric, `HEADLINE_METRIC`: the SCORE
column of ``inspect view``):

* ``kappa``, ``kappa_low``, ``kappa_high``: mean κ against the expert consensus over the
  sub-components, with its 95% item-bootstrap interval;
* ``n_at_expert_level``, ``n_below``, ``n_inconclusive``: the like-for-like verdicts (leave one
  expert out; see the engine) counted over the sub-components;
* ``loo_difference``, ``loo_low``, ``loo_high``: mean over sub-components of candidate − experts
  against the same references, with its interval;
* ``parse_rate``: share of the requested ratings that were valid;
* ``self_consistency`` (several epochs only): mean over sub-components of α across epochs;
* how the judge fails (`empathy_judge.scorers.diagnostics`): ``leniency`` (mean model −
  consensus, with ``leniency_low``/``leniency_high``) beside ``experts_abs_leniency`` (the
  experts' own, each against the others), ``min_spread_ratio`` (sd(model)/sd(consensus), the
  smallest over sub-components), ``constant_sub_components`` (sub-components answered with one
  level everywhere), ``length_bias_rho`` (Spearman ρ of model − consensus with the supporter's
  word count; the point estimate only: its interval and the experts' own ρ are the report's) and
  ``polarity_flags`` (negative sub-components rated as if positive);
* per sub-component ``<sub>``, the point estimate of every statistic the registry shows in the
  log (`empathy_judge.scorers.shown_statistics`, ``<log_metric>_<sub>``): ``kappa_<sub>`` (κ
  against the consensus) and ``loo_<sub>`` (candidate − experts, like for like).

The figures that do not depend on the model, per sub-component the ceiling (the median
expert-pair κ, the paper's benchmark) and the crowd's κ, are not metrics: `reference_figures`
computes them once when the task is built, over the task's items, and the task writes them into
the log's metadata (`REFERENCE_FIGURES_KEY`), so they are neither recomputed nor re-tabulated in
Inspect's end-of-run results table for every run (its cost grows with the rows: Lend an Ear's
42 rows took 0.22 s of CPU per run, its 30 now 0.15 s; `benchmarks/bench_results_table.py`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any, TypedDict

import numpy as np
from inspect_ai.scorer import Metric, SampleScore, metric

from .agreement import assess, shared_counts
from .alpha import framework_mean, krippendorff_alpha
from .arrays import FloatArray, as_float, quiet_nanmedian
from .blas import one_blas_thread
from .bootstrap import DEFAULT_RESAMPLES, agreement_statistic
from .bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from .diagnostic_results import diagnostic_metrics
from .diagnostics import diagnose
from .panel import Panel, PanelSpec, default_spec
from .shown_statistics import shown_statistics
from .weighted_statistics import spearman_statistic

#: The task's declared headline metric (`Task(headline_metric=...)`): the SCORE of
#: ``inspect view`` and the ``score_headline_*`` columns of ``inspect_ai.analysis.evals_df``.
HEADLINE_METRIC = "kappa"
#: Bootstrap resamples of the in-run intervals: the report's and `compare`'s default, so that with
#: the default seed all three give the same intervals and verdicts for the same ratings.
RUN_RESAMPLES = DEFAULT_RESAMPLES
#: The in-run bootstrap: the engine's defaults with the in-run resample count (today the same
#: number; `replace` keeps the two apart should the metric ever need fewer).
RUN_BOOTSTRAP = replace(DEFAULT_BOOTSTRAP, n_resamples=RUN_RESAMPLES)


@dataclass(frozen=True)
class RunRatings:
    """The ratings of one run, gathered from its sample scores.

    Attributes:
        framework: Framework id (from the scores' metadata).
        item_ids: One id per sample.
        sub_components: The rated sub-components, in the order first seen.
        model: items × sub-components model ratings (NaN when missing).
        reference: Per sample, ``{sub_component: {annotator: rating}}``.
        epoch_ratings: Per sub-component, a samples × epochs matrix when the run had epochs.
        word_counts: The supporter's word count per sample (NaN where unknown).
    """

    framework: str
    item_ids: tuple[str, ...]
    sub_components: tuple[str, ...]
    model: np.ndarray
    reference: tuple[Mapping[str, Mapping[str, Any]], ...]
    epoch_ratings: Mapping[str, np.ndarray]
    word_counts: np.ndarray


def gather_run_ratings(scores: Sequence[SampleScore]) -> RunRatings:
    """Collect the model's and the reference ratings of a run into arrays.

    Args:
        scores: Every sample's score (one per sample after epoch reduction).
    """
    subs: list[str] = []
    for s in scores:
        if isinstance(s.score.value, dict):
            subs.extend(k for k in s.score.value if k not in subs)
    model = np.array(
        [
            [
                as_float(s.score.value.get(sub)) if isinstance(s.score.value, dict) else math.nan
                for sub in subs
            ]
            for s in scores
        ],
        dtype=np.float64,
    ).reshape(len(scores), len(subs))
    reference = tuple(dict((s.sample_metadata or {}).get("reference", {})) for s in scores)
    framework = next(
        (str(m["framework"]) for s in scores if (m := s.score.metadata or {}).get("framework")),
        "",
    )
    epochs: dict[str, np.ndarray] = {}
    per_sample = [(s.score.metadata or {}).get("epoch_ratings") for s in scores]
    if per_sample and all(isinstance(e, dict) for e in per_sample):
        widths = {len(e.get(sub, [])) for e in per_sample for sub in subs if isinstance(e, dict)}
        if len(widths) == 1 and (width := widths.pop()) >= 2:
            epochs = {
                sub: np.array(
                    [[as_float(v) for v in e[sub]] for e in per_sample if isinstance(e, dict)]
                ).reshape(len(per_sample), width)
                for sub in subs
            }
    item_ids = tuple(str(s.sample_id) for s in scores)
    words = np.array(
        [as_float((s.sample_metadata or {}).get("supporter_word_count")) for s in scores],
        dtype=np.float64,
    )
    return RunRatings(framework, item_ids, tuple(subs), model, reference, epochs, words)


def run_panel(ratings: RunRatings, spec: PanelSpec) -> Panel:
    """The panel a run was scored against, rebuilt from its samples."""
    return spec.panel(
        ratings.framework, ratings.item_ids, ratings.reference, ratings.sub_components
    )


def length_bias_rho(
    panel: Panel, model: FloatArray, word_counts: FloatArray, consensus: FloatArray | None = None
) -> float:
    """Mean over sub-components of Spearman ρ(model − consensus, supporter's word count).

    The point estimate of `Diagnostics.length_bias` (each ρ over the items where the model,
    the consensus and the word count all exist), without its bootstrap.

    Args:
        panel: The reference panel.
        model: items × sub-components ratings aligned with `panel.items` (NaN: not rated).
        word_counts: One word count per item (NaN where unknown).
        consensus: `panel.consensus()`, when the caller has it already.

    Returns:
        The mean ρ; NaN on a nominal scale, without word counts, or where no ρ is defined.
    """
    words = np.asarray(word_counts, dtype=np.float64)
    if panel.level == "nominal" or words.size == 0 or np.isnan(words).all():
        return math.nan
    gap = np.asarray(model, dtype=np.float64) - (
        panel.consensus() if consensus is None else consensus
    )
    known = ~np.isnan(words)[:, None]
    rho = spearman_statistic(
        np.where(known, gap, np.nan), np.broadcast_to(words[:, None], gap.shape)
    )(np.ones((1, gap.shape[0])))[0]
    defined = rho[~np.isnan(rho)]
    return float(defined.mean()) if defined.size else math.nan


def agreement_summary(
    ratings: RunRatings,
    spec: PanelSpec | None = None,
    *,
    settings: BootstrapSettings = RUN_BOOTSTRAP,
) -> dict[str, float]:
    """All agreement figures of a run, keyed as they appear in the log (see module doc).

    Args:
        ratings: The run's ratings, from `gather_run_ratings`.
        spec: The reference panel's description (default: the run's own reference).
        settings: The bootstrap behind the intervals (default: `RUN_BOOTSTRAP`).

    Returns:
        Metric name → value, the names the log shows.
    """
    spec = spec or default_spec(ratings.framework, ratings.reference)
    out: dict[str, float] = {}
    total = ratings.model.size
    parse_rate = float(np.count_nonzero(~np.isnan(ratings.model)) / total) if total else math.nan
    if not ratings.sub_components or not spec.raters:
        return {"kappa": math.nan, "parse_rate": parse_rate}
    panel = run_panel(ratings, spec)
    counts = shared_counts(panel, settings)
    result = assess(
        panel,
        ratings.model,
        "model",
        settings=settings,
        counts=counts,
        alt_epsilon=None,
        swap=False,
    )
    verdicts = result.verdict_counts()
    out["kappa"] = result.mean_kappa.value
    out["kappa_low"] = result.mean_kappa.low
    out["kappa_high"] = result.mean_kappa.high
    out["n_at_expert_level"] = float(verdicts["above"] + verdicts["at"])
    out["n_below"] = float(verdicts["below"])
    out["n_inconclusive"] = float(verdicts["inconclusive"] + verdicts["not assessed"])
    out["loo_difference"] = result.mean_difference.value
    out["loo_low"] = result.mean_difference.low
    out["loo_high"] = result.mean_difference.high
    out["parse_rate"] = parse_rate
    if ratings.epoch_ratings:
        out["self_consistency"] = framework_mean(
            [krippendorff_alpha(matrix.T, "interval") for matrix in ratings.epoch_ratings.values()]
        )
    polarity = [spec.polarity.get(s, "positive") for s in ratings.sub_components]
    # The log shows only the point estimate of the length bias: its bootstrap, and the experts'
    # own length bias beside it (most of the diagnostics' cost), are the report's.
    diagnostics = diagnose(
        panel, ratings.model, "model", polarity=polarity, counts=counts, settings=settings
    )
    out.update(diagnostic_metrics(diagnostics))
    consensus = panel.consensus()
    out["length_bias_rho"] = length_bias_rho(panel, ratings.model, ratings.word_counts, consensus)
    logged = shown_statistics("log")
    for sub in result.sub_components:
        for statistic in logged:
            out[f"{statistic.log_metric}_{sub.sub_component}"] = statistic.value(sub)
    return out


class ReferenceFigures(TypedDict):
    """What `reference_figures` returns (and the task writes under `REFERENCE_FIGURES_KEY`)."""

    #: The items the figures are over: the task's, which a ``--limit`` run may not all rate.
    n_items: int
    ceiling: dict[str, float]
    crowd_kappa: dict[str, float]


def reference_figures(panel: Panel, crowd: FloatArray | None = None) -> ReferenceFigures:
    """The model-independent figures of a panel: per sub-component the ceiling and the crowd's κ.

    The point estimates of the engine's ``ceiling`` (`Assessment`: the median over expert pairs
    of their κ, each pair over the items both rated) and of the crowd's κ against the expert
    consensus, both with the κ the panel's level of measurement calls for.

    Args:
        panel: The reference panel.
        crowd: items × sub-components crowd ratings aligned with `panel.items`
            (`PanelSpec.crowd_ratings`), or None when the data has no crowd.

    Returns:
        ``{"n_items": n, "ceiling": {sub: κ}, "crowd_kappa": {sub: κ}}`` (NaN where undefined:
        one expert, or too few shared items); ``crowd_kappa`` is empty without a crowd. Over
        the panel's n items: the task's, so with ``--limit`` not exactly the run's (the report
        recomputes them on the run's own items).
    """
    n_items, n_subs, n_raters = panel.values.shape
    unit = np.ones((1, n_items))
    pairs = list(combinations(range(n_raters), 2))
    if pairs:
        pair_kappas = agreement_statistic(
            np.hstack([panel.values[:, :, a] for a, _ in pairs]),
            np.hstack([panel.values[:, :, b] for _, b in pairs]),
            panel.level,
        )(unit)[0].reshape(len(pairs), n_subs)
        ceiling = quiet_nanmedian(pair_kappas, axis=0)
    else:
        ceiling = np.full(n_subs, np.nan)
    crowd_kappa = (
        agreement_statistic(crowd, panel.consensus(), panel.level)(unit)[0]
        if crowd is not None
        else None
    )
    return {
        "n_items": n_items,
        "ceiling": {s: float(v) for s, v in zip(panel.sub_components, ceiling, strict=True)},
        "crowd_kappa": {}
        if crowd_kappa is None
        else {s: float(v) for s, v in zip(panel.sub_components, crowd_kappa, strict=True)},
    }


@metric(name="agreement")
def agreement(panel: dict[str, Any] | None = None) -> Metric:
    """Agreement of the run's ratings with the expert panel, and the like-for-like verdicts.

    Args:
        panel: The task's panel description (`PanelSpec.to_dict`); None: the study's experts.

    Returns:
        A metric whose value is the dict of :func:`agreement_summary` (NaN on an empty run).
    """
    spec = PanelSpec.from_dict(panel) if panel else None

    def compute(scores: list[SampleScore]) -> dict[str, float]:
        if not scores:
            return {"kappa": math.nan, "parse_rate": math.nan}
        with one_blas_thread():
            return agreement_summary(gather_run_ratings(scores), spec)

    return compute
