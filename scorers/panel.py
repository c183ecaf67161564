"""Benchmarks from the expert panel, computed from the long ratings table.

The ratings table has the columns framework, item_id, sub_component, group, annotator, rating
(see `empathy_judge.datasets.release.load_ratings`). Everything here pairs ratings by item id,
never by row position.

Missing expert ratings: the expert consensus (`expert_median`) of an item is the median of the
experts' ratings when at least `min_experts` of them rated it (default: all of them, which is
what the study's `np.median` over the three values did — a NaN made the median NaN); otherwise
the item has no consensus (NaN) and drops out of every comparison with it. With fewer experts
allowed, the median of an even number of ratings may be a half point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from empathy_judge.datasets.release import RATINGS_COLUMNS
from empathy_judge.scorers.alpha import Level, krippendorff_alpha
from empathy_judge.scorers.classification import ThresholdF1, threshold_f1, weighted_f1
from empathy_judge.scorers.common import EXPERTS
from empathy_judge.scorers.correlation import Correlation, spearman
from empathy_judge.scorers.kappa import paper_weighted_kappa, weighted_kappa
from empathy_judge.scorers.pairs import mean_shift

KappaMode = Literal["paper", "value"]

#: The study's three expert pairs, in its order and orientation.
EXPERT_PAIRS: tuple[tuple[str, str], ...] = (
    ("expert1", "expert2"),
    ("expert2", "expert3"),
    ("expert3", "expert1"),
)
CONSENSUS = "experts"


def validate_ratings(ratings: pd.DataFrame) -> None:
    """Check the ratings table's shape: required columns, numeric ratings, unique keys.

    Raises:
        ValueError: Naming the missing column, or the first offending row.
    """
    missing = [c for c in RATINGS_COLUMNS if c not in ratings.columns]
    if missing:
        raise ValueError(f"ratings table lacks column(s) {missing}; has {list(ratings.columns)}")
    numeric = pd.to_numeric(ratings["rating"], errors="coerce")
    bad = numeric.isna() & ratings["rating"].notna()
    if bad.any():
        row = ratings.index[bad.to_numpy()][0]
        raise ValueError(
            f"ratings table row {row}, column 'rating': not a number: {ratings.at[row, 'rating']!r}"
        )
    if np.isinf(numeric.to_numpy(dtype=np.float64)).any():
        row = ratings.index[np.isinf(numeric.to_numpy(dtype=np.float64))][0]
        raise ValueError(f"ratings table row {row}, column 'rating': infinite value")
    keys = ["framework", "item_id", "sub_component", "annotator"]
    duplicated = ratings.duplicated(subset=keys, keep="first")
    if duplicated.any():
        row = ratings.index[duplicated.to_numpy()][0]
        where = ", ".join(f"{k}={ratings.at[row, k]!r}" for k in keys)
        raise ValueError(f"ratings table row {row}: second rating for the same ({where})")


def wide_ratings(ratings: pd.DataFrame, framework: str, sub_component: str) -> pd.DataFrame:
    """Items × annotators for one sub-component, items sorted by id; NaN where not rated.

    Args:
        ratings: The long ratings table.
        framework: Framework id (release folder name).
        sub_component: Release column name of the sub-component.

    Raises:
        KeyError: No ratings for this framework and sub-component.
    """
    subset = ratings[
        (ratings["framework"] == framework) & (ratings["sub_component"] == sub_component)
    ]
    if subset.empty:
        raise KeyError(f"no ratings for {framework}/{sub_component}")
    wide = subset.pivot(index="item_id", columns="annotator", values="rating")
    wide = wide.astype(np.float64).sort_index()
    wide.columns.name = None
    return wide


def consensus_series(
    wide: pd.DataFrame, experts: Sequence[str] = EXPERTS, min_experts: int | None = None
) -> pd.Series:
    """Per-item median of the experts in a wide (items × annotators) frame.

    Args:
        wide: From `wide_ratings`.
        experts: Expert annotator names.
        min_experts: Fewest expert ratings an item needs (default: all experts).
    """
    absent = [e for e in experts if e not in wide.columns]
    if absent:
        raise KeyError(f"expert(s) {absent} have no ratings here; annotators: {list(wide.columns)}")
    values = wide[list(experts)].to_numpy(dtype=np.float64)
    needed = len(experts) if min_experts is None else min_experts
    enough = (~np.isnan(values)).sum(axis=1) >= max(needed, 1)
    with np.errstate(all="ignore"):
        median = np.where(
            enough, np.nanmedian(np.where(enough[:, None], values, 0.0), axis=1), np.nan
        )
    return pd.Series(median, index=wide.index, name=CONSENSUS)


def expert_median(
    ratings: pd.DataFrame, experts: Sequence[str] = EXPERTS, min_experts: int | None = None
) -> pd.DataFrame:
    """The expert consensus for every framework, sub-component and item, as a long table.

    Args:
        ratings: The long ratings table.
        experts: Expert annotator names.
        min_experts: Fewest expert ratings an item needs (default: all; see module docstring).

    Returns:
        Rows in the ratings-table shape with group "consensus" and annotator "experts".
    """
    validate_ratings(ratings)
    subset = ratings[ratings["annotator"].isin(experts)]
    wide = subset.pivot(
        index=["framework", "sub_component", "item_id"], columns="annotator", values="rating"
    ).astype(np.float64)
    for expert in experts:
        if expert not in wide.columns:
            wide[expert] = np.nan
    median = consensus_series(wide, experts, min_experts)
    out = median.reset_index()
    out["group"] = "consensus"
    out["annotator"] = CONSENSUS
    out = out.rename(columns={CONSENSUS: "rating"})
    return out[list(RATINGS_COLUMNS)]


def pair_kappa(x: pd.Series, y: pd.Series, mode: KappaMode = "paper") -> float:
    """κw between two item-indexed series (aligned by item id) in the chosen mode."""
    aligned = pd.concat([x.rename("x"), y.rename("y")], axis=1)
    if mode == "paper":
        return float(paper_weighted_kappa(aligned["x"], aligned["y"]).kappa)
    if mode == "value":
        return float(weighted_kappa(aligned["x"], aligned["y"]))
    raise ValueError(f"unknown kappa mode {mode!r}; expected 'paper' or 'value'")


def sub_components(ratings: pd.DataFrame) -> list[tuple[str, str]]:
    """(framework, sub_component) pairs present in the table, in order of first appearance."""
    pairs = ratings[["framework", "sub_component"]].drop_duplicates()
    return [(str(f), str(s)) for f, s in pairs.itertuples(index=False)]


@dataclass(frozen=True)
class ExpertCeiling:
    """How well the experts agree with each other on one sub-component.

    Attributes:
        framework: Framework id.
        sub_component: Sub-component column.
        pairs: κw per expert pair, keyed "expert1-expert2" etc.
        median: Median of the pairwise κw: the ceiling a candidate is measured against.
    """

    framework: str
    sub_component: str
    pairs: Mapping[str, float]
    median: float


def expert_ceiling(
    ratings: pd.DataFrame,
    framework: str,
    sub_component: str,
    *,
    mode: KappaMode = "paper",
    expert_pairs: Sequence[tuple[str, str]] = EXPERT_PAIRS,
) -> ExpertCeiling:
    """The three pairwise expert κw of a sub-component and their median.

    Args:
        ratings: The long ratings table.
        framework: Framework id.
        sub_component: Sub-component column.
        mode: "paper" (the study's computation) or "value" (value-based κw).
        expert_pairs: Which expert pairs to compare.
    """
    wide = wide_ratings(ratings, framework, sub_component)
    values = {f"{a}-{b}": float(pair_kappa(wide[a], wide[b], mode)) for a, b in expert_pairs}
    return ExpertCeiling(
        framework, sub_component, values, float(np.nanmedian(list(values.values())))
    )


def expert_pair_kappas(ratings: pd.DataFrame, *, mode: KappaMode = "paper") -> pd.DataFrame:
    """Every expert-pair κw: columns framework, sub_component, pair, kappa."""
    validate_ratings(ratings)
    rows: list[tuple[str, str, str, float]] = []
    for framework, sub in sub_components(ratings):
        ceiling = expert_ceiling(ratings, framework, sub, mode=mode)
        rows.extend((framework, sub, pair, kappa) for pair, kappa in ceiling.pairs.items())
    return pd.DataFrame(rows, columns=["framework", "sub_component", "pair", "kappa"])


def high_agreement_threshold(ratings: pd.DataFrame, *, mode: KappaMode = "paper") -> float:
    """Median of all expert-pair κw over all sub-components (0.58 on the release)."""
    return float(np.nanmedian(expert_pair_kappas(ratings, mode=mode)["kappa"]))


@dataclass(frozen=True)
class CandidateAgreement:
    """A candidate annotator against the expert consensus on one sub-component.

    Attributes:
        framework: Framework id.
        sub_component: Sub-component column.
        candidate: Annotator name.
        n: Items with both a consensus and a candidate rating.
        kappa_paper: κw in the study's computation.
        kappa: Value-based κw.
        alpha: Krippendorff's α between candidate and consensus (at `level`).
        spearman: Spearman ρ with its Fisher-z interval.
        weighted_f1: Weighted F1 of rounded labels.
        threshold_f1: Binary F1 at every threshold of the scale.
        mean_shift: Mean candidate − consensus rating (leniency when > 0).
        ceiling: Median expert-pair κw (same mode as `kappa_paper` when mode is paper).
        relative_to_ceiling: κw / ceiling.
        reaches_ceiling: Whether κw ≥ ceiling.
    """

    framework: str
    sub_component: str
    candidate: str
    n: int
    kappa_paper: float
    kappa: float
    alpha: float
    spearman: Correlation
    weighted_f1: float
    threshold_f1: ThresholdF1
    mean_shift: float
    ceiling: float
    relative_to_ceiling: float
    reaches_ceiling: bool


def scale_of(framework: str, sub_component: str) -> tuple[int, int]:
    """The sub-component's scale from its rubric file."""
    from empathy_judge.datasets.rubric import load_framework

    sub = load_framework(framework).sub_component(sub_component)
    return sub.scale_min, sub.scale_max


def candidate_vs_consensus(
    ratings: pd.DataFrame,
    candidate: str,
    framework: str,
    sub_component: str,
    *,
    scale: tuple[int, int] | None = None,
    level: Level = "interval",
    mode: KappaMode = "paper",
    min_experts: int | None = None,
) -> CandidateAgreement:
    """Agreement of one candidate with the expert median, and its place against the ceiling.

    Args:
        ratings: The long ratings table.
        candidate: Annotator name (e.g. "gemini-2.5-pro", "crowd").
        framework: Framework id.
        sub_component: Sub-component column.
        scale: (min, max) of the scale for the threshold F1; None reads it from the rubric.
        level: Level of measurement for α.
        mode: Which κw is compared with the ceiling ("paper" or "value").
        min_experts: See `consensus_series`.
    """
    wide = wide_ratings(ratings, framework, sub_component)
    if candidate not in wide.columns:
        raise KeyError(f"{candidate!r} has no ratings for {framework}/{sub_component}")
    consensus = consensus_series(wide, min_experts=min_experts)
    rated = wide[candidate]
    both = consensus.notna() & rated.notna()
    low, high = scale if scale is not None else scale_of(framework, sub_component)
    paper = paper_weighted_kappa(consensus, rated).kappa
    value = weighted_kappa(consensus, rated)
    ceiling = expert_ceiling(ratings, framework, sub_component, mode=mode).median
    chosen = paper if mode == "paper" else value
    with np.errstate(all="ignore"):
        relative = chosen / ceiling if ceiling else float("nan")
    return CandidateAgreement(
        framework=framework,
        sub_component=sub_component,
        candidate=candidate,
        n=int(both.sum()),
        kappa_paper=paper,
        kappa=value,
        alpha=krippendorff_alpha(np.vstack([consensus.to_numpy(), rated.to_numpy()]), level),
        spearman=spearman(consensus, rated),
        weighted_f1=weighted_f1(consensus, rated),
        threshold_f1=threshold_f1(consensus, rated, low, high),
        mean_shift=mean_shift(rated, consensus),
        ceiling=ceiling,
        relative_to_ceiling=float(relative),
        reaches_ceiling=bool(chosen >= ceiling),
    )


@dataclass(frozen=True)
class ExpertSwap:
    """Is the candidate interchangeable with an expert? α of the panel with it swapped in.

    Attributes:
        framework: Framework id.
        sub_component: Sub-component column.
        candidate: Annotator name.
        experts_alpha: α among the experts alone.
        swapped: α of the panel with the candidate in place of each expert, keyed by the
            expert replaced.
        mean_swapped: Mean of `swapped`.
        difference: mean_swapped − experts_alpha (≥ 0: the candidate fits in as well as the
            expert it replaces, on average).
    """

    framework: str
    sub_component: str
    candidate: str
    experts_alpha: float
    swapped: Mapping[str, float]
    mean_swapped: float
    difference: float


def expert_swap(
    ratings: pd.DataFrame,
    candidate: str,
    framework: str,
    sub_component: str,
    *,
    level: Level = "interval",
    experts: Sequence[str] = EXPERTS,
) -> ExpertSwap:
    """α of the panel with the candidate replacing each expert in turn, vs the experts' α.

    Args:
        ratings: The long ratings table.
        candidate: Annotator name.
        framework: Framework id.
        sub_component: Sub-component column.
        level: Level of measurement.
        experts: Expert annotator names.
    """
    wide = wide_ratings(ratings, framework, sub_component)
    if candidate not in wide.columns:
        raise KeyError(f"{candidate!r} has no ratings for {framework}/{sub_component}")
    panel = list(experts)
    experts_alpha = krippendorff_alpha(wide[panel].to_numpy().T, level)
    swapped = {}
    for replaced in panel:
        raters = [candidate if e == replaced else e for e in panel]
        swapped[replaced] = krippendorff_alpha(wide[raters].to_numpy().T, level)
    mean_swapped = float(np.nanmean(list(swapped.values())))
    return ExpertSwap(
        framework,
        sub_component,
        candidate,
        experts_alpha,
        swapped,
        mean_swapped,
        mean_swapped - experts_alpha,
    )


@dataclass(frozen=True)
class FrameworkCube:
    """One framework's ratings as a dense array, items aligned by id across annotators.

    Attributes:
        framework: Framework id.
        item_ids: Item ids, sorted.
        sub_components: Sub-component columns, in the table's order.
        annotators: Annotator names; "experts" is the per-item expert median.
        values: items × sub_components × annotators ratings (NaN = missing).
    """

    framework: str
    item_ids: tuple[str, ...]
    sub_components: tuple[str, ...]
    annotators: tuple[str, ...]
    values: np.ndarray[tuple[int, int, int], np.dtype[np.float64]]

    def series(
        self, sub_component: str, annotator: str
    ) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
        """One annotator's ratings of one sub-component, in item order."""
        s = self.sub_components.index(sub_component)
        a = self.annotators.index(annotator)
        return np.ascontiguousarray(self.values[:, s, a])


def framework_cube(
    ratings: pd.DataFrame,
    framework: str,
    annotators: Sequence[str],
    *,
    min_experts: int | None = None,
) -> FrameworkCube:
    """Stack a framework's ratings into items × sub-components × annotators.

    Args:
        ratings: The long ratings table.
        framework: Framework id.
        annotators: Annotators to include; "experts" adds the expert median (needs EXPERTS).
        min_experts: See `consensus_series`.

    Raises:
        KeyError: The framework has no ratings.
    """
    subset = ratings[ratings["framework"] == framework]
    if subset.empty:
        raise KeyError(f"no ratings for framework {framework!r}")
    subs = tuple(str(s) for s in pd.unique(subset["sub_component"]))
    wanted = set(annotators) | (set(EXPERTS) if CONSENSUS in annotators else set())
    subset = subset[subset["annotator"].isin(wanted)]
    items = tuple(sorted(str(i) for i in pd.unique(subset["item_id"])))
    values = np.full((len(items), len(subs), len(annotators)), np.nan)
    for s, sub in enumerate(subs):
        wide = (
            subset[subset["sub_component"] == sub]
            .pivot(index="item_id", columns="annotator", values="rating")
            .reindex(list(items))
            .astype(np.float64)
        )
        for a, name in enumerate(annotators):
            if name == CONSENSUS:
                values[:, s, a] = consensus_series(wide, min_experts=min_experts).to_numpy()
            elif name in wide.columns:
                values[:, s, a] = wide[name].to_numpy()
    return FrameworkCube(framework, items, subs, tuple(annotators), values)
