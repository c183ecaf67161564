"""The reference panel: items × sub-components × raters, with its scales and consensus rule.

Every verdict in empathy-judge starts from one `Panel`: the reference raters (the experts) of one
framework, their ratings as a dense array aligned by item id, the rubric's scale per
sub-component, the level of measurement and the rule that turns the raters' ratings of an item
into its consensus. Candidates (a model run, the crowd, a published LLM) are items ×
sub-components arrays aligned to the panel's items; the statistics in
`empathy_judge.scorers.agreement` take a panel and a candidate and never re-pivot ratings.

Consensus rules:

* ``median`` (the study's rule): the per-item median of the raters' ratings;
* ``mean``: the per-item mean;
* ``majority`` (nominal scales): the most frequent label; a tie has no consensus (NaN).

Missing ratings: an item has a consensus when at least `Panel.min_raters` raters rated it
(default: a majority of the panel, ⌈n/2⌉; on the release every expert rated every item, so the
study's `np.median` over three values is reproduced exactly). With an even number of ratings the
median can fall between two levels (e.g. 2.5).

A panel can be built from the long ratings table (columns framework, item_id, sub_component,
group, annotator, rating) with `panel_from_table`, and from a run's log with
`panel_from_reference` (the reference ratings every sample carries in its metadata).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..datasets.levels import Level
from ..datasets.ratings_table import EXPERT_GROUP, RATINGS_COLUMNS, STUDY_EXPERTS
from .arrays import FloatArray, as_float

ConsensusRule = Literal["median", "mean", "majority"]
CONSENSUS_RULES: tuple[ConsensusRule, ...] = ("median", "mean", "majority")
#: Name of the consensus as a column or row label.
CONSENSUS = "experts"

Array3 = np.ndarray[tuple[int, int, int], np.dtype[np.float64]]


class PanelError(ValueError):
    """A panel cannot be built or used as asked (unknown rater, misaligned candidate)."""


@dataclass(frozen=True)
class Scale:
    """A sub-component's scale.

    Attributes:
        low: Lowest level.
        high: Highest level.
    """

    low: float
    high: float


@dataclass(frozen=True, eq=False)
class Panel:
    """The reference raters' ratings of one framework.

    Attributes:
        framework: Framework id.
        items: Item ids (the first axis of `values` and of every candidate array).
        sub_components: Sub-component names (the second axis).
        raters: Reference rater names (the third axis), e.g. expert1..expert3.
        values: items × sub-components × raters ratings, NaN where missing.
        scales: Scale per sub-component, in `sub_components` order.
        level: Level of measurement: drives the κ weights (none for nominal) and α's metric.
        rule: How the raters' ratings of an item become its consensus.
        min_raters: Fewest ratings an item needs for a consensus (None: ⌈n/2⌉, at least 1).
    """

    framework: str
    items: tuple[str, ...]
    sub_components: tuple[str, ...]
    raters: tuple[str, ...]
    values: Array3
    scales: tuple[Scale, ...]
    level: Level = "interval"
    rule: ConsensusRule = "median"
    min_raters: int | None = None
    _index: Mapping[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        shape = (len(self.items), len(self.sub_components), len(self.raters))
        if self.values.shape != shape:
            raise PanelError(f"panel values have shape {self.values.shape}, expected {shape}")
        if len(self.scales) != len(self.sub_components):
            raise PanelError("one scale per sub-component is needed")
        if self.rule not in CONSENSUS_RULES:
            raise PanelError(f"unknown consensus rule {self.rule!r}; expected {CONSENSUS_RULES}")
        if len(set(self.items)) != len(self.items):
            raise PanelError(f"{self.framework}: item ids repeat in the panel")
        object.__setattr__(self, "_index", {item: i for i, item in enumerate(self.items)})

    @property
    def n_raters(self) -> int:
        """Number of reference raters."""
        return len(self.raters)

    @property
    def needed(self) -> int:
        """Fewest ratings an item needs for a consensus."""
        if self.min_raters is not None:
            return max(1, self.min_raters)
        return max(1, math.ceil(self.n_raters / 2))

    def rater(self, name: str) -> FloatArray:
        """One rater's ratings, items × sub-components."""
        if name not in self.raters:
            raise PanelError(f"{name!r} is not in the {self.framework} panel {list(self.raters)}")
        return np.ascontiguousarray(self.values[:, :, self.raters.index(name)])

    def consensus(self) -> FloatArray:
        """The consensus per item and sub-component (items × sub-components; NaN: none)."""
        return consensus_of(self.values, self.rule, self.needed)

    def without(self, name: str) -> Panel:
        """The panel less one rater (to score that rater as a candidate against the rest)."""
        keep = [i for i, r in enumerate(self.raters) if r != name]
        if len(keep) == self.n_raters:
            raise PanelError(f"{name!r} is not in the {self.framework} panel {list(self.raters)}")
        return replace(
            self,
            raters=tuple(self.raters[i] for i in keep),
            values=np.ascontiguousarray(self.values[:, :, keep]),
            min_raters=None if self.min_raters is None else min(self.min_raters, len(keep)),
        )

    def restrict(self, items: Sequence[str]) -> Panel:
        """The panel on a subset of its items, in the given order.

        Raises:
            PanelError: An item is not in the panel.
        """
        rows = self.rows_of(items)
        return replace(self, items=tuple(items), values=np.ascontiguousarray(self.values[rows]))

    def select(self, sub_components: Sequence[str]) -> Panel:
        """The panel on a subset of its sub-components, in the given order."""
        columns = [self.sub_components.index(s) for s in sub_components]
        return replace(
            self,
            sub_components=tuple(sub_components),
            values=np.ascontiguousarray(self.values[:, columns]),
            scales=tuple(self.scales[c] for c in columns),
        )

    def rows_of(self, items: Sequence[str]) -> NDArray[np.int64]:
        """Row positions of the given items.

        Raises:
            PanelError: An item is not in the panel.
        """
        unknown = [i for i in items if i not in self._index]
        if unknown:
            raise PanelError(
                f"{len(unknown)} item(s) are not in the {self.framework} panel, e.g. {unknown[0]!r}"
            )
        return np.array([self._index[i] for i in items], dtype=np.int64)

    def align(self, items: Sequence[str], values: FloatArray) -> FloatArray:
        """A candidate's items × sub-components ratings, re-ordered onto the panel's items.

        Items the candidate did not rate are NaN; items the panel does not know are dropped.
        """
        out = np.full((len(self.items), len(self.sub_components)), np.nan)
        for row, item in enumerate(items):
            position = self._index.get(item)
            if position is not None:
                out[position] = values[row]
        return out

    def leave_one_out_references(self) -> FloatArray:
        """Per rater k, the reference made of the other raters: items × sub-components × raters.

        The mean of the others' ratings (the issue's R_k); for nominal scales the others'
        majority label. NaN where no other rater rated the item.
        """
        out = np.full(self.values.shape, np.nan)
        for k in range(self.n_raters):
            others = np.delete(self.values, k, axis=2)
            rule: ConsensusRule = "majority" if self.level == "nominal" else "mean"
            out[:, :, k] = consensus_of(others, rule, 1)
        return out

    def fingerprint(self) -> str:
        """A short hash of the panel's items, sub-components, raters and ratings.

        Two runs scored against panels with different fingerprints were not judged against the
        same reference and are not comparable.
        """
        import hashlib

        digest = hashlib.sha256()
        for part in (self.framework, self.items, self.sub_components, self.raters, self.rule):
            digest.update(repr(part).encode())
        digest.update(np.nan_to_num(self.values, nan=-1e300).tobytes())
        return digest.hexdigest()[:16]


def consensus_of(values: FloatArray, rule: ConsensusRule, needed: int) -> FloatArray:
    """Consensus over the last axis of an items × sub-components × raters array.

    Args:
        values: Ratings, NaN for missing.
        rule: "median", "mean" or "majority".
        needed: Fewest present ratings for a consensus.

    Returns:
        items × sub-components; NaN where fewer than `needed` ratings (or a majority tie).
    """
    present = (~np.isnan(values)).sum(axis=-1)
    enough = present >= max(needed, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, as intended
        if rule == "median":
            result = np.nanmedian(values, axis=-1)
        elif rule == "mean":
            result = np.nanmean(values, axis=-1)
        elif rule == "majority":
            result = _majority(values)
        else:
            raise PanelError(f"unknown consensus rule {rule!r}; expected {CONSENSUS_RULES}")
    return np.where(enough, result, np.nan)


def _majority(values: FloatArray) -> FloatArray:
    labels = np.unique(values[~np.isnan(values)])
    if labels.size == 0:
        return np.full(values.shape[:-1], np.nan)
    counts = np.stack([(values == label).sum(axis=-1) for label in labels], axis=-1)
    best = counts.max(axis=-1)
    winners = (counts == best[..., None]).sum(axis=-1)
    chosen = labels[np.argmax(counts, axis=-1)]
    return np.where((best > 0) & (winners == 1), chosen, np.nan)


# -- building panels -------------------------------------------------------------------------


def validate_ratings(ratings: pd.DataFrame) -> None:
    """Check the long ratings table: required columns, numeric finite ratings, unique keys.

    Raises:
        PanelError: Naming the missing column, or the first offending row.
    """
    missing = [c for c in RATINGS_COLUMNS if c not in ratings.columns]
    if missing:
        raise PanelError(f"ratings table lacks column(s) {missing}; has {list(ratings.columns)}")
    numeric = pd.to_numeric(ratings["rating"], errors="coerce")
    bad = (numeric.isna() & ratings["rating"].notna()).to_numpy()
    if bad.any():
        row = ratings.index[bad][0]
        raise PanelError(
            f"ratings table row {row}, column 'rating': not a number: {ratings.at[row, 'rating']!r}"
        )
    infinite = np.isinf(numeric.to_numpy(dtype=np.float64))
    if infinite.any():
        raise PanelError(f"ratings table row {ratings.index[infinite][0]}, column 'rating': inf")
    keys = ["framework", "item_id", "sub_component", "annotator"]
    duplicated = ratings.duplicated(subset=keys, keep="first").to_numpy()
    if duplicated.any():
        row = ratings.index[duplicated][0]
        where = ", ".join(f"{k}={ratings.at[row, k]!r}" for k in keys)
        raise PanelError(f"ratings table row {row}: second rating for the same ({where})")


def _cube(
    rows: pd.DataFrame, items: Sequence[str], subs: Sequence[str], annotators: Sequence[str]
) -> Array3:
    """Items × subs × annotators from long rows (NaN where absent)."""
    out = np.full((len(items), len(subs), len(annotators)), np.nan)
    if rows.empty:
        return out
    item_pos = {item: i for i, item in enumerate(items)}
    sub_pos = {sub: i for i, sub in enumerate(subs)}
    ann_pos = {name: i for i, name in enumerate(annotators)}
    i = rows["item_id"].astype(str).map(item_pos)
    s = rows["sub_component"].astype(str).map(sub_pos)
    a = rows["annotator"].astype(str).map(ann_pos)
    keep = (i.notna() & s.notna() & a.notna()).to_numpy()
    values = pd.to_numeric(rows["rating"], errors="coerce").to_numpy(dtype=np.float64)[keep]
    out[
        i.to_numpy()[keep].astype(np.int64),
        s.to_numpy()[keep].astype(np.int64),
        a.to_numpy()[keep].astype(np.int64),
    ] = values
    return out


@dataclass(frozen=True)
class PanelData:
    """A framework's panel and every other annotator's ratings on the panel's items.

    Attributes:
        panel: The reference panel (the expert group).
        others: Non-panel annotators by name (items × sub-components on `panel.items`).
        groups: The group of every annotator (panel members and others).
    """

    panel: Panel
    others: Mapping[str, FloatArray]
    groups: Mapping[str, str]

    def ratings_of(self, name: str) -> FloatArray:
        """Items × sub-components ratings of a rater, another annotator or the consensus.

        Args:
            name: A panel rater, another annotator, or `CONSENSUS` ("experts").

        Raises:
            PanelError: Unknown name.
        """
        if name == CONSENSUS:
            return self.panel.consensus()
        if name in self.panel.raters:
            return self.panel.rater(name)
        if name in self.others:
            return self.others[name]
        known = [*self.panel.raters, *self.others]
        raise PanelError(f"{name!r} has no {self.panel.framework} ratings; known: {known}")

    def has(self, name: str) -> bool:
        """Whether `name` has at least one rating here (the consensus counts)."""
        try:
            return bool((~np.isnan(self.ratings_of(name))).any())
        except PanelError:
            return False


def panel_from_table(
    ratings: pd.DataFrame,
    framework: str,
    *,
    sub_components: Sequence[str] | None = None,
    scales: Sequence[Scale] | None = None,
    level: Level = "interval",
    rule: ConsensusRule = "median",
    min_raters: int | None = None,
    annotators: Sequence[str] | None = None,
) -> PanelData:
    """Build one framework's panel (group "expert") and its other annotators from the long table.

    Args:
        ratings: The long ratings table.
        framework: Framework id.
        sub_components: Sub-components in order (default: order of first appearance).
        scales: Scale per sub-component (default: the range of the values observed).
        level: Level of measurement.
        rule: Consensus rule.
        min_raters: See `Panel.min_raters`.
        annotators: Which non-panel annotators to include (default: all).

    Raises:
        PanelError: The framework has no ratings, or no expert ratings.
    """
    rows = ratings[ratings["framework"] == framework]
    if rows.empty:
        raise PanelError(f"no ratings for framework {framework!r}")
    subs = (
        tuple(sub_components)
        if sub_components is not None
        else tuple(str(s) for s in pd.unique(rows["sub_component"]))
    )
    items = tuple(sorted(str(i) for i in pd.unique(rows["item_id"])))
    groups = {
        str(a): str(g)
        for a, g in rows[["annotator", "group"]]
        .drop_duplicates("annotator")
        .itertuples(index=False)
    }
    experts = tuple(sorted(a for a, g in groups.items() if g == EXPERT_GROUP))
    if not experts:
        raise PanelError(f"{framework}: no annotator of group {EXPERT_GROUP!r} to form the panel")
    expert_rows = rows[rows["annotator"].isin(experts)]
    values = _cube(expert_rows, items, subs, experts)
    if scales is None:
        scales = tuple(_observed_scale(values[:, j]) for j in range(len(subs)))
    panel = Panel(framework, items, subs, experts, values, tuple(scales), level, rule, min_raters)
    wanted = [
        a for a in groups if a not in experts and (annotators is None or a in set(annotators))
    ]
    other_rows = rows[rows["annotator"].isin(wanted)]
    cube = _cube(other_rows, items, subs, wanted)
    others = {name: np.ascontiguousarray(cube[:, :, k]) for k, name in enumerate(wanted)}
    return PanelData(panel, others, groups)


def _observed_scale(values: FloatArray) -> Scale:
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return Scale(math.nan, math.nan)
    return Scale(float(finite.min()), float(finite.max()))


def panel_from_reference(
    framework: str,
    item_ids: Sequence[str],
    reference: Sequence[Mapping[str, Mapping[str, Any]]],
    *,
    sub_components: Sequence[str],
    raters: Sequence[str],
    scales: Sequence[Scale],
    level: Level = "interval",
    rule: ConsensusRule = "median",
    min_raters: int | None = None,
) -> Panel:
    """A panel from the reference ratings carried by a run's samples.

    Args:
        framework: Framework id.
        item_ids: One id per sample.
        reference: Per sample, ``{sub_component: {rater: rating}}`` (the sample metadata's
            ``reference``).
        sub_components: Sub-components in order.
        raters: The panel's raters (other keys of the reference are ignored).
        scales: Scale per sub-component.
        level: Level of measurement.
        rule: Consensus rule.
        min_raters: See `Panel.min_raters`.
    """
    values = np.full((len(item_ids), len(sub_components), len(raters)), np.nan)
    for i, per_sub in enumerate(reference):
        for j, sub in enumerate(sub_components):
            ratings = per_sub.get(sub) or {}
            for k, rater in enumerate(raters):
                values[i, j, k] = as_float(ratings.get(rater))
    return Panel(
        framework,
        tuple(item_ids),
        tuple(sub_components),
        tuple(raters),
        values,
        tuple(scales),
        level,
        rule,
        min_raters,
    )


def reference_of(
    ratings: pd.DataFrame, framework: str, annotators: Sequence[str]
) -> dict[str, dict[str, dict[str, float]]]:
    """``{item_id: {sub_component: {annotator: rating}}}`` for the given annotators.

    The reference a task puts into each sample's metadata; NaN where an annotator did not rate.
    """
    rows = ratings[(ratings["framework"] == framework) & ratings["annotator"].isin(annotators)]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for item, sub, annotator, rating in rows[
        ["item_id", "sub_component", "annotator", "rating"]
    ].itertuples(index=False):
        out.setdefault(str(item), {}).setdefault(str(sub), {})[str(annotator)] = float(rating)
    return out


@dataclass(frozen=True)
class PanelSpec:
    """What a run needs to rebuild its panel from the reference ratings in its samples.

    It travels in the task's metadata (``panel``) and in the metric's arguments, so the log alone
    says which raters formed the reference and how their consensus was taken.

    Attributes:
        raters: The reference panel's raters (e.g. expert1..expert3).
        scales: (low, high) per sub-component.
        level: Level of measurement.
        rule: Consensus rule.
        min_raters: See `Panel.min_raters`.
        crowd: The reference key of a crowd benchmark carried beside the panel, if any.
        groups: The group of every annotator the data holds (expert, crowd, llm, ...).
        polarity: "positive" or "negative" per sub-component (the rubric's), for diagnostics.
    """

    raters: tuple[str, ...]
    scales: Mapping[str, tuple[float, float]]
    level: Level = "interval"
    rule: ConsensusRule = "median"
    min_raters: int | None = None
    crowd: str | None = None
    groups: Mapping[str, str] = field(default_factory=dict)
    polarity: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (task metadata, metric arguments)."""
        return {
            "raters": list(self.raters),
            "scales": {k: [float(v[0]), float(v[1])] for k, v in self.scales.items()},
            "level": self.level,
            "rule": self.rule,
            "min_raters": self.min_raters,
            "crowd": self.crowd,
            "groups": dict(self.groups),
            "polarity": dict(self.polarity),
        }

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> PanelSpec:
        """Read the form written by `to_dict`.

        Raises:
            PanelError: Malformed.
        """
        try:
            scales = {str(k): (float(v[0]), float(v[1])) for k, v in dict(data["scales"]).items()}
            min_raters = data.get("min_raters")
            return PanelSpec(
                raters=tuple(str(r) for r in data["raters"]),
                scales=scales,
                level=data.get("level", "interval"),
                rule=data.get("rule", "median"),
                min_raters=None if min_raters is None else int(min_raters),
                crowd=None if data.get("crowd") is None else str(data["crowd"]),
                groups={str(k): str(v) for k, v in dict(data.get("groups") or {}).items()},
                polarity={str(k): str(v) for k, v in dict(data.get("polarity") or {}).items()},
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise PanelError(f"malformed panel description: {error}") from error

    def panel(
        self,
        framework: str,
        item_ids: Sequence[str],
        reference: Sequence[Mapping[str, Mapping[str, Any]]],
        sub_components: Sequence[str],
    ) -> Panel:
        """The panel these samples were scored against (see `panel_from_reference`)."""
        return panel_from_reference(
            framework,
            item_ids,
            reference,
            sub_components=sub_components,
            raters=self.raters,
            scales=[Scale(*self.scales.get(s, (math.nan, math.nan))) for s in sub_components],
            level=self.level,
            rule=self.rule,
            min_raters=self.min_raters,
        )

    def crowd_ratings(
        self, reference: Sequence[Mapping[str, Mapping[str, Any]]], sub_components: Sequence[str]
    ) -> FloatArray | None:
        """The crowd benchmark's items × sub-components ratings, when the reference has one."""
        if self.crowd is None:
            return None
        values = np.array(
            [
                [as_float((per_sub.get(sub) or {}).get(self.crowd)) for sub in sub_components]
                for per_sub in reference
            ],
            dtype=np.float64,
        ).reshape(len(reference), len(sub_components))
        return None if np.isnan(values).all() else values


def default_spec(
    framework: str, references: Sequence[Mapping[str, Mapping[str, Any]]]
) -> PanelSpec:
    """The study's panel, for runs whose task recorded no panel description.

    Args:
        framework: Framework id (its packaged rubric gives scales and polarity, when it has one).
        references: The samples' reference ratings.

    Returns:
        Raters: the study's experts present in the reference; crowd: ``"crowd"`` when present.
    """
    keys = {k for per_sub in references for ratings in per_sub.values() for k in ratings}
    raters = tuple(e for e in STUDY_EXPERTS if e in keys)
    polarity: dict[str, str] = {}
    try:
        from ..datasets.rubric import load_framework

        rubric = load_framework(framework)
        scales = {s.column: (float(s.scale_min), float(s.scale_max)) for s in rubric.sub_components}
        polarity = {s.column: str(s.polarity) for s in rubric.sub_components}
    except KeyError:
        scales = _observed_scales(references, raters)
    crowd = "crowd" if "crowd" in keys else None
    groups = {r: EXPERT_GROUP for r in raters}
    if crowd is not None:
        groups[crowd] = "crowd"
    return PanelSpec(raters=raters, scales=scales, crowd=crowd, groups=groups, polarity=polarity)


def _observed_scales(
    references: Sequence[Mapping[str, Mapping[str, Any]]], raters: Sequence[str]
) -> dict[str, tuple[float, float]]:
    seen: dict[str, list[float]] = {}
    for per_sub in references:
        for sub, ratings in per_sub.items():
            values = [as_float(ratings.get(r)) for r in raters]
            seen.setdefault(sub, []).extend(v for v in values if not math.isnan(v))
    return {sub: (min(v), max(v)) for sub, v in seen.items() if v}
