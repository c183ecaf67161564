"""The leaderboard: agreement with the expert median per model × framework × sub-component.

Agreement is recomputed from the per-sample ratings in the logs, never read from the logs'
metrics, with the statistics engine of `empathy_judge.scorers`:

* κw is the value-based quadratic weighted κ against the per-item expert median
  (`scorers.kappa.weighted_kappa`; with integer ratings on a fully observed scale it equals the
  study's computation). The study's own ("paper") κw is kept beside it in `results.json`.
* Intervals come from one vectorised item bootstrap per candidate and framework
  (`scorers.bootstrap`): all of a framework's sub-components are resampled together, so the
  interval of the framework's median κw across sub-components comes from the same resamples.
* The expert ceiling of a sub-component is the median of the three expert-pair κw; a
  sub-component is "at expert level" when the candidate's κw is at or above it. A framework's
  "relative to ceiling" is its median κw divided by the median ceiling of the same
  sub-components; the overall rank orders models by the mean of that ratio over the frameworks
  they ran (ratios, unlike raw κw, are comparable across frameworks).

Reference rows come from the release (`datasets.release.load_ratings`): the expert ceiling,
the crowd, and every published LLM. Without the release, the experts' and the crowd's ratings
carried in the logs' score metadata stand in, and there are no published-LLM rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from empathy_judge.datasets.rubric import FRAMEWORK_IDS, load_framework
from empathy_judge.reports.logs import Run, RunSet
from empathy_judge.scorers.bootstrap import (
    DEFAULT_RESAMPLES,
    bootstrap,
    kappa_statistic,
    resample_counts,
)
from empathy_judge.scorers.common import EXPERTS, FloatArray, finite_median, nanmedian_last
from empathy_judge.scorers.kappa import paper_weighted_kappa
from empathy_judge.scorers.panel import EXPERT_PAIRS, expert_median

RowKind = Literal["model", "expert ceiling", "crowd", "published LLM"]
REFERENCE_KINDS: tuple[RowKind, ...] = ("expert ceiling", "crowd", "published LLM")


@dataclass(frozen=True)
class SubComponentResult:
    """κw of one candidate on one sub-component.

    Attributes:
        sub_component: Release column name.
        kappa: Value-based κw against the expert median.
        low: Lower bound of the bootstrap interval.
        high: Upper bound of the bootstrap interval.
        paper_kappa: κw as the study computed it (×100, category-index weights).
        ceiling: The expert ceiling of the sub-component (median expert-pair κw).
        n_items: Items with both a rating and an expert median.
    """

    sub_component: str
    kappa: float
    low: float
    high: float
    paper_kappa: float
    ceiling: float
    n_items: int

    @property
    def at_expert_level(self) -> bool:
        """Whether κw reaches the expert ceiling."""
        return bool(self.kappa >= self.ceiling)


@dataclass(frozen=True)
class FrameworkResult:
    """A candidate's agreement on one framework.

    Attributes:
        framework: Framework id.
        median_kappa: Median κw across the sub-components.
        low: Lower bound of the median's bootstrap interval.
        high: Upper bound of the median's bootstrap interval.
        n_at_expert_level: Sub-components whose κw reaches the expert ceiling.
        relative_to_ceiling: median κw / median expert ceiling of the same sub-components.
        n_items: Items rated.
        sub_components: Per-sub-component results in the rubric's order.
    """

    framework: str
    median_kappa: float
    low: float
    high: float
    n_at_expert_level: int
    relative_to_ceiling: float
    n_items: int
    sub_components: tuple[SubComponentResult, ...]

    @property
    def n_sub_components(self) -> int:
        """Number of sub-components compared."""
        return len(self.sub_components)


@dataclass(frozen=True)
class LeaderboardRow:
    """One model or reference row of the leaderboard.

    Attributes:
        label: Model label or reference name.
        kind: "model" or a reference kind.
        frameworks: Results per framework id.
        rank: Overall rank among models (None for reference rows).
        score: Mean relative-to-ceiling κw over the frameworks present (the ranking key).
        parse_rate: Share of requested ratings that parsed (models only).
        input_tokens: Prompt tokens over all runs (models only).
        output_tokens: Completion tokens over all runs.
        total_tokens: All tokens over all runs.
        seconds: Wall time summed over the runs.
        logs: Log files used.
    """

    label: str
    kind: RowKind
    frameworks: Mapping[str, FrameworkResult]
    rank: int | None = None
    score: float = math.nan
    parse_rate: float = math.nan
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    seconds: float | None = None
    logs: tuple[str, ...] = ()

    @property
    def is_reference(self) -> bool:
        """Whether the row comes from the release rather than a model run."""
        return self.kind != "model"


@dataclass(frozen=True)
class Ceiling:
    """The expert ceiling of one sub-component: median and range of the expert-pair κw."""

    median: float
    low: float
    high: float
    pairs: tuple[float, ...]


@dataclass(frozen=True)
class Leaderboard:
    """Everything a report shows.

    Attributes:
        rows: Model rows (ranked) then reference rows.
        frameworks: Framework ids in display order.
        ceilings: Per framework and sub-component, the expert ceiling.
        sub_components: Per framework, the sub-components in the rubric's order.
        runs: The runs used and the logs skipped.
        n_resamples: Bootstrap resamples.
        confidence: Interval coverage.
        seed: Bootstrap seed.
        reference_source: "release" or "logs".
        notes: Messages for the reader (e.g. frameworks without runs).
        distributions: Per framework and rater (experts pooled, crowd, published LLMs,
            models), every rating given, for the leniency chart.
    """

    rows: tuple[LeaderboardRow, ...]
    frameworks: tuple[str, ...]
    ceilings: Mapping[str, Mapping[str, Ceiling]]
    sub_components: Mapping[str, tuple[str, ...]]
    runs: RunSet
    n_resamples: int
    confidence: float
    seed: int
    reference_source: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    distributions: Mapping[str, Mapping[str, FloatArray]] = field(default_factory=dict)

    @property
    def models(self) -> list[LeaderboardRow]:
        """Model rows, best first."""
        return [r for r in self.rows if not r.is_reference]

    @property
    def references(self) -> list[LeaderboardRow]:
        """Reference rows."""
        return [r for r in self.rows if r.is_reference]

    def row(self, label: str) -> LeaderboardRow:
        """The row with this label.

        Raises:
            KeyError: No such row.
        """
        for row in self.rows:
            if row.label == label:
                return row
        raise KeyError(f"no leaderboard row {label!r}; rows: {[r.label for r in self.rows]}")


@dataclass(frozen=True)
class FrameworkPanel:
    """A framework's reference ratings as items × sub-components arrays.

    Attributes:
        framework: Framework id.
        items: Item ids (row order of every array).
        sub_components: Column order of every array.
        median: Expert median.
        experts: Each expert's ratings.
        crowd: The crowd's per-item mean (None when absent).
        llms: Published LLMs' ratings by annotator.
    """

    framework: str
    items: tuple[str, ...]
    sub_components: tuple[str, ...]
    median: FloatArray
    experts: Mapping[str, FloatArray]
    crowd: FloatArray | None
    llms: Mapping[str, FloatArray]

    def rows_of(self, item_ids: Sequence[str]) -> NDArray[np.int64]:
        """Row positions of the given items (unknown items are dropped)."""
        index = {item: i for i, item in enumerate(self.items)}
        return np.array([index[i] for i in item_ids if i in index], dtype=np.int64)


def _framework_order(framework_ids: Sequence[str]) -> tuple[str, ...]:
    known = [f for f in FRAMEWORK_IDS if f in framework_ids]
    return (*known, *sorted(f for f in framework_ids if f not in FRAMEWORK_IDS))


def _wide(rows: pd.DataFrame, items: Sequence[str], subs: Sequence[str]) -> FloatArray:
    table = rows.pivot_table(
        index="item_id", columns="sub_component", values="rating", aggfunc="first", dropna=False
    )
    table = table.reindex(index=list(items), columns=list(subs))
    return table.to_numpy(dtype=np.float64)


def panels_from_release(ratings: pd.DataFrame) -> dict[str, FrameworkPanel]:
    """Reference panels of every framework in the long ratings table.

    Args:
        ratings: The release's long ratings table (`load_ratings`).

    Returns:
        Panels by framework id.
    """
    consensus = expert_median(ratings)
    panels: dict[str, FrameworkPanel] = {}
    for framework in _framework_order(sorted(ratings["framework"].unique())):
        rows = ratings[ratings["framework"] == framework]
        rubric_subs = [s.column for s in load_framework(framework).sub_components]
        subs = tuple(s for s in rubric_subs if s in set(rows["sub_component"]))
        items = tuple(sorted(rows["item_id"].unique()))
        llm_names = sorted(rows.loc[rows["group"] == "llm", "annotator"].unique())
        crowd_rows = rows[rows["annotator"] == "crowd"]
        panels[framework] = FrameworkPanel(
            framework=framework,
            items=items,
            sub_components=subs,
            median=_wide(consensus[consensus["framework"] == framework], items, subs),
            experts={e: _wide(rows[rows["annotator"] == e], items, subs) for e in EXPERTS},
            crowd=_wide(crowd_rows, items, subs) if len(crowd_rows) else None,
            llms={a: _wide(rows[rows["annotator"] == a], items, subs) for a in llm_names},
        )
    return panels


def panels_from_runs(runs: Sequence[Run]) -> dict[str, FrameworkPanel]:
    """Reference panels rebuilt from the experts' and crowd ratings carried in the logs.

    Args:
        runs: Runs of any models; every framework's items are the union of its runs' items.

    Returns:
        Panels by framework id (no published LLMs).
    """
    by_framework: dict[str, list[pd.DataFrame]] = {}
    for run in runs:
        by_framework.setdefault(run.framework, []).append(run.ratings())
    panels: dict[str, FrameworkPanel] = {}
    for framework in _framework_order(list(by_framework)):
        table = pd.concat(by_framework[framework]).drop_duplicates(["item_id", "sub_component"])
        rubric_subs = [s.column for s in load_framework(framework).sub_components]
        subs = tuple(s for s in rubric_subs if s in set(table["sub_component"]))
        items = tuple(sorted(table["item_id"].unique()))

        def wide(
            column: str, table: pd.DataFrame = table, items: Any = items, subs: Any = subs
        ) -> FloatArray:
            picked = table[["item_id", "sub_component", column]]
            return _wide(picked.rename(columns={column: "rating"}), items, subs)

        crowd = wide("crowd")
        panels[framework] = FrameworkPanel(
            framework=framework,
            items=items,
            sub_components=subs,
            median=wide("expert_median"),
            experts={e: wide(e) for e in EXPERTS},
            crowd=None if np.isnan(crowd).all() else crowd,
            llms={},
        )
    return panels


def _with_median(
    statistic: Callable[[FloatArray], FloatArray],
) -> Callable[[FloatArray], FloatArray]:
    # Append the median across sub-components as one more column of the same resamples.
    def combined(weights: FloatArray) -> FloatArray:
        per_sub = statistic(weights)
        return np.column_stack([per_sub, nanmedian_last(per_sub)])

    return combined


def _ceiling_statistic(experts: Mapping[str, FloatArray]) -> Callable[[FloatArray], FloatArray]:
    pair_stats = [kappa_statistic(experts[a], experts[b]) for a, b in EXPERT_PAIRS]

    def statistic(weights: FloatArray) -> FloatArray:
        stacked = np.stack([s(weights) for s in pair_stats], axis=-1)
        return nanmedian_last(stacked)

    return statistic


def _ceilings(panel: FrameworkPanel) -> dict[str, Ceiling]:
    weights = np.ones((1, len(panel.items)))
    pairs = np.stack(
        [kappa_statistic(panel.experts[a], panel.experts[b])(weights)[0] for a, b in EXPERT_PAIRS],
        axis=-1,
    )
    ceilings: dict[str, Ceiling] = {}
    for j, sub in enumerate(panel.sub_components):
        values = pairs[j]
        ceilings[sub] = Ceiling(
            median=finite_median(values),
            low=float(np.nanmin(values)) if not np.isnan(values).all() else math.nan,
            high=float(np.nanmax(values)) if not np.isnan(values).all() else math.nan,
            pairs=tuple(float(v) for v in values),
        )
    return ceilings


def _framework_result(
    panel: FrameworkPanel,
    ceilings: Mapping[str, Ceiling],
    statistic: Callable[[FloatArray], FloatArray],
    n_items: int,
    paper: Sequence[float],
    counted: Sequence[int],
    *,
    n_resamples: int,
    seed: int,
    confidence: float,
) -> FrameworkResult:
    result = bootstrap(
        _with_median(statistic),
        n_items,
        counts=resample_counts(n_items, n_resamples, seed),
        confidence=confidence,
    )
    subs = tuple(
        SubComponentResult(
            sub_component=sub,
            kappa=float(result.estimate[j]),
            low=float(result.low[j]),
            high=float(result.high[j]),
            paper_kappa=float(paper[j]),
            ceiling=ceilings[sub].median,
            n_items=int(counted[j]),
        )
        for j, sub in enumerate(panel.sub_components)
    )
    median_ceiling = finite_median([s.ceiling for s in subs])
    median_kappa = float(result.estimate[-1])
    return FrameworkResult(
        framework=panel.framework,
        median_kappa=median_kappa,
        low=float(result.low[-1]),
        high=float(result.high[-1]),
        n_at_expert_level=sum(s.at_expert_level for s in subs),
        relative_to_ceiling=median_kappa / median_ceiling if median_ceiling else math.nan,
        n_items=n_items,
        sub_components=subs,
    )


def _candidate_result(
    panel: FrameworkPanel,
    ceilings: Mapping[str, Ceiling],
    reference: FloatArray,
    candidate: FloatArray,
    **settings: Any,
) -> FrameworkResult:
    paper = [
        paper_weighted_kappa(reference[:, j], candidate[:, j]).kappa
        for j in range(reference.shape[1])
    ]
    counted = (~(np.isnan(reference) | np.isnan(candidate))).sum(axis=0)
    return _framework_result(
        panel,
        ceilings,
        kappa_statistic(reference, candidate),
        reference.shape[0],
        paper,
        [int(c) for c in counted],
        **settings,
    )


def run_matrix(run: Run, panel: FrameworkPanel) -> tuple[FloatArray, FloatArray]:
    """A run's ratings and the expert median on the items it rated (items × sub-components).

    Sub-components the run did not rate are NaN, so they drop out of κw. Items the panel does
    not know keep the expert median carried in the log.

    Returns:
        (expert median, model ratings), rows in the run's item order.
    """
    ratings = run.rating_matrix(panel.sub_components)
    median = run.rating_matrix(panel.sub_components, reference="expert_median")
    index = {item: i for i, item in enumerate(panel.items)}
    rows = [index.get(s.item_id, -1) for s in run.samples]
    known = np.array([r >= 0 for r in rows], dtype=bool)
    if known.any():
        median[known] = panel.median[np.array([r for r in rows if r >= 0], dtype=np.int64)]
    return median, ratings


def _model_rows(
    runs: RunSet,
    panels: Mapping[str, FrameworkPanel],
    ceilings: Mapping[str, Mapping[str, Ceiling]],
    settings: Mapping[str, Any],
) -> list[LeaderboardRow]:
    rows: list[LeaderboardRow] = []
    for model in runs.models:
        model_runs = [r for r in runs.runs if r.model == model]
        results: dict[str, FrameworkResult] = {}
        for run in model_runs:
            panel = panels[run.framework]
            median, ratings = run_matrix(run, panel)
            results[run.framework] = _candidate_result(
                panel, ceilings[run.framework], median, ratings, **settings
            )
        requested = sum(len(r.samples) * len(r.sub_components) for r in model_runs)
        valid = sum(r.parse_rate * len(r.samples) * len(r.sub_components) for r in model_runs)
        seconds = [r.seconds for r in model_runs if r.seconds is not None]
        rows.append(
            LeaderboardRow(
                label=model,
                kind="model",
                frameworks=results,
                score=_score(results),
                parse_rate=valid / requested if requested else math.nan,
                input_tokens=sum(r.input_tokens for r in model_runs),
                output_tokens=sum(r.output_tokens for r in model_runs),
                total_tokens=sum(r.total_tokens for r in model_runs),
                seconds=sum(seconds) if seconds else None,
                logs=tuple(r.location for r in model_runs),
            )
        )
    ranked = sorted(rows, key=lambda r: (-_finite_or(r.score, -math.inf), r.label))
    return [
        LeaderboardRow(**{**row.__dict__, "rank": position})
        for position, row in enumerate(ranked, start=1)
    ]


def _finite_or(value: float, default: float) -> float:
    return value if math.isfinite(value) else default


def _score(results: Mapping[str, FrameworkResult]) -> float:
    ratios = [
        r.relative_to_ceiling for r in results.values() if math.isfinite(r.relative_to_ceiling)
    ]
    return float(np.mean(ratios)) if ratios else math.nan


def _reference_rows(
    panels: Mapping[str, FrameworkPanel],
    ceilings: Mapping[str, Mapping[str, Ceiling]],
    settings: Mapping[str, Any],
) -> list[LeaderboardRow]:
    ceiling_results: dict[str, FrameworkResult] = {}
    crowd_results: dict[str, FrameworkResult] = {}
    llm_results: dict[str, dict[str, FrameworkResult]] = {}
    for framework, panel in panels.items():
        n_items = len(panel.items)
        pair_paper = [
            [
                paper_weighted_kappa(panel.experts[a][:, j], panel.experts[b][:, j]).kappa
                for a, b in EXPERT_PAIRS
            ]
            for j in range(len(panel.sub_components))
        ]
        counted = (~np.isnan(panel.median)).sum(axis=0)
        ceiling_results[framework] = _framework_result(
            panel,
            ceilings[framework],
            _ceiling_statistic(panel.experts),
            n_items,
            [float(np.median(p)) for p in pair_paper],
            [int(c) for c in counted],
            **settings,
        )
        if panel.crowd is not None:
            crowd_results[framework] = _candidate_result(
                panel, ceilings[framework], panel.median, panel.crowd, **settings
            )
        for name, values in panel.llms.items():
            llm_results.setdefault(name, {})[framework] = _candidate_result(
                panel, ceilings[framework], panel.median, values, **settings
            )
    rows = [
        LeaderboardRow(
            label="Expert ceiling (median expert pair)",
            kind="expert ceiling",
            frameworks=ceiling_results,
            score=_score(ceiling_results),
        )
    ]
    if crowd_results:
        rows.append(
            LeaderboardRow(
                label="Crowd (mean of crowdworkers)",
                kind="crowd",
                frameworks=crowd_results,
                score=_score(crowd_results),
            )
        )
    for name in sorted(llm_results):
        rows.append(
            LeaderboardRow(
                label=f"{name} (published)",
                kind="published LLM",
                frameworks=llm_results[name],
                score=_score(llm_results[name]),
            )
        )
    return rows


def build_leaderboard(
    runs: RunSet,
    ratings: pd.DataFrame | None = None,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> Leaderboard:
    """Recompute agreement for every run and the reference rows.

    Args:
        runs: The runs to rank (from `reports.logs.load_runs`).
        ratings: The release's ratings table for the reference rows; None rebuilds the experts'
            and crowd's ratings from the logs (no published-LLM rows then).
        n_resamples: Bootstrap resamples per candidate and framework.
        confidence: Interval coverage.
        seed: Bootstrap seed (the same resamples for every candidate on a framework's items).

    Returns:
        The leaderboard.

    Raises:
        ValueError: A run's framework has no reference ratings.
    """
    if ratings is not None:
        panels = panels_from_release(ratings)
        source = "release"
    else:
        panels = panels_from_runs(runs.runs)
        source = "logs"
    missing = sorted({r.framework for r in runs.runs} - set(panels))
    if missing:
        raise ValueError(f"no reference ratings for framework(s) {missing}")
    settings = {"n_resamples": n_resamples, "seed": seed, "confidence": confidence}
    ceilings = {f: _ceilings(p) for f, p in panels.items()}
    frameworks = _framework_order(list(panels))
    notes = [
        f"{load_framework(f).title}: no model run; only the published reference rows are shown."
        for f in frameworks
        if f not in {r.framework for r in runs.runs}
    ]
    notes += [
        f"{run.model} rated {len(run.samples)} of the {len(panels[run.framework].items)} "
        f"{run.framework} items (e.g. --limit): its intervals are wider and its reference "
        "rows cover all items."
        for run in runs.runs
        if len(run.samples) < len(panels[run.framework].items)
    ]
    rows = [
        *_model_rows(runs, panels, ceilings, settings),
        *_reference_rows(panels, ceilings, settings),
    ]
    return Leaderboard(
        rows=tuple(rows),
        frameworks=frameworks,
        ceilings=ceilings,
        sub_components={f: p.sub_components for f, p in panels.items()},
        runs=runs,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
        reference_source=source,
        notes=tuple(notes),
        distributions=_distributions(panels, runs),
    )


def _flat(values: FloatArray) -> FloatArray:
    flat = np.asarray(values, dtype=np.float64).ravel()
    return flat[~np.isnan(flat)]


def _distributions(
    panels: Mapping[str, FrameworkPanel], runs: RunSet
) -> dict[str, dict[str, FloatArray]]:
    out: dict[str, dict[str, FloatArray]] = {}
    for framework, panel in panels.items():
        by_rater: dict[str, FloatArray] = {
            "Experts": _flat(np.concatenate([panel.experts[e] for e in EXPERTS]))
        }
        if panel.crowd is not None:
            by_rater["Crowd"] = _flat(panel.crowd)
        for name, values in panel.llms.items():
            by_rater[f"{name} (published)"] = _flat(values)
        for run in runs.runs:
            if run.framework == framework:
                by_rater[run.model] = _flat(run.rating_matrix(run.sub_components))
        out[framework] = by_rater
    return out
