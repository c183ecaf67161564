"""Which runs were judged against the same reference: runs grouped by framework and panel.

The report works from the logs alone: every run carries the panel it was scored against (the
reference ratings in its samples, the task's panel description and the reference's fingerprint,
all in its log contract). Runs of one framework are pooled into one *reference set* when they
were scored against the same reference: the same fingerprint (`same_reference`, the one rule
`compare` uses too); the set's panel is rebuilt from the union of their samples.

Runs on different references — a different panel description, or any different rating by a
panel rater or the crowd, even on an item only one of them rated (e.g. a user's pack that reuses
a packaged framework's id, or a release copy that was edited) — are **kept apart**, never merged:
each becomes a reference set of its own, shown as its own section of the report (``epitome``,
``epitome#2``, ...) with a note saying why. Runs join the set of their fingerprint; sets are
numbered in the order the logs were read (model, then framework).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..scorers.arrays import FloatArray, as_float
from ..scorers.panel import Panel, PanelSpec
from .logs import Run

Reference = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class ReferenceSet:
    """Runs of one framework judged against the same reference.

    Attributes:
        key: Section key: the framework id, or ``<framework>#<n>`` for the n-th disagreeing set.
        framework: Framework id.
        spec: The panel description the runs share.
        sub_components: Every sub-component any run rated, in first-seen order.
        references: Per item, the reference ratings (the union of the runs' samples).
        runs: The runs, in the order they were read.
        conflict: Why this set is apart from an earlier set of the framework ("" if it is not).
        word_counts: Per item, the supporter's word count the runs' samples carry (the first
            one known).
        title: The framework's name, as the runs' log contracts give it.
        labels: Label per sub-component, from the runs' log contracts.
        fingerprint: The reference's identity (every run of the set carries it).
    """

    key: str
    framework: str
    spec: PanelSpec
    sub_components: tuple[str, ...]
    references: Mapping[str, Reference]
    runs: tuple[Run, ...]
    conflict: str = ""
    word_counts: Mapping[str, float] = field(default_factory=dict)
    title: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    fingerprint: str = ""

    def panel(self, items: Sequence[str], sub_components: Sequence[str]) -> Panel:
        """The panel on the given items and sub-components, in that order."""
        return self.spec.panel(
            self.framework, items, [self.references[i] for i in items], sub_components
        )

    def crowd(self, items: Sequence[str], sub_components: Sequence[str]) -> FloatArray | None:
        """The crowd's items × sub-components ratings carried in the reference, if any."""
        return self.spec.crowd_ratings([self.references[i] for i in items], sub_components)

    def words(self, items: Sequence[str]) -> FloatArray | None:
        """The supporter's word count per item (NaN where unknown); None when none is known."""
        values = np.array([self.word_counts.get(i, math.nan) for i in items], dtype=np.float64)
        return None if np.isnan(values).all() else values


def _same_rating(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _spec_key(spec: PanelSpec) -> tuple[object, ...]:
    return (spec.raters, spec.level, spec.rule, spec.min_raters, spec.crowd)


def _spec_conflict(a: PanelSpec, b: PanelSpec) -> str:
    if _spec_key(a) != _spec_key(b):
        return (
            f"a different panel (raters {list(b.raters)}, rule {b.rule}, level {b.level}) "
            f"from the earlier runs' (raters {list(a.raters)}, rule {a.rule}, level {a.level})"
        )
    for sub in set(a.scales) & set(b.scales):
        if tuple(a.scales[sub]) != tuple(b.scales[sub]):
            return f"a different scale for {sub}: {b.scales[sub]} instead of {a.scales[sub]}"
    return ""


def same_reference(a: Run, b: Run) -> bool:
    """Whether two runs were scored against the same reference (framework and fingerprint)."""
    return a.framework == b.framework and a.fingerprint == b.fingerprint


def why_different(a: Run, b: Run) -> str:
    """Why run `b` was not scored against `a`'s reference ("" when it was).

    Names the first disagreement the samples show (panel description, or item, sub-component
    and rater); when they agree on every item both rated, the fingerprints (the references
    differ on items only one of them rated).
    """
    if same_reference(a, b):
        return ""
    if a.framework != b.framework:
        return f"a different framework ({b.framework} instead of {a.framework})"
    why = reference_conflict(a.panel_spec(), {s.item_id: s.reference for s in a.samples}, b)
    return why or (
        f"a different reference panel (fingerprint {b.fingerprint} instead of {a.fingerprint}; "
        "they differ on items only one of the runs rated)"
    )


def reference_conflict(spec: PanelSpec, references: Mapping[str, Reference], run: Run) -> str:
    """Why a run's reference disagrees with a set's ("" when it agrees).

    Args:
        spec: The set's panel description.
        references: The set's reference ratings per item.
        run: The run to check.

    Returns:
        A sentence naming the first disagreement (panel description, or item, sub-component and
        rater), or "".
    """
    why = _spec_conflict(spec, run.panel_spec())
    if why:
        return why
    keys = [*spec.raters, *([spec.crowd] if spec.crowd else [])]
    for sample in run.samples:
        known = references.get(sample.item_id)
        if known is None:
            continue
        for sub in set(known) & set(sample.reference):
            if known[sub] == sample.reference[sub]:
                continue  # equal dicts (the usual case, checked in C); NaNs take the loop below
            for key in keys:
                ours = as_float(known[sub].get(key))
                theirs = as_float(sample.reference[sub].get(key))
                if not _same_rating(ours, theirs):
                    return (
                        f"a different reference on item {sample.item_id!r}, {sub}, {key}: "
                        f"{theirs:g} instead of {ours:g}"
                    )
    return ""


@dataclass
class _Building:
    first: Run
    references: dict[str, Reference]
    sub_components: list[str]
    runs: list[Run]
    conflict: str
    word_counts: dict[str, float] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def add(self, run: Run) -> None:
        self.runs.append(run)
        for sample in run.samples:
            self.references.setdefault(sample.item_id, sample.reference)
            if math.isnan(self.word_counts.get(sample.item_id, math.nan)):
                self.word_counts[sample.item_id] = sample.word_count
        self.sub_components.extend(s for s in run.sub_components if s not in self.sub_components)
        for column, label in run.contract.labels().items():
            self.labels.setdefault(column, label)


def reference_sets(runs: Sequence[Run]) -> list[ReferenceSet]:
    """Group runs by framework and by the reference they were judged against.

    Args:
        runs: The runs, in reading order.

    Returns:
        Reference sets, grouped by framework in first-seen order, each framework's sets in the
        order they were started.
    """
    by_framework: dict[str, list[_Building]] = {}
    for run in runs:
        sets = by_framework.setdefault(run.framework, [])
        home = next((b for b in sets if same_reference(b.first, run)), None)
        if home is None:
            conflict = (
                f"{run.model} was judged against {why_different(sets[0].first, run)}; "
                "its runs are kept apart"
                if sets
                else ""
            )
            home = _Building(
                first=run, references={}, sub_components=[], runs=[], conflict=conflict
            )
            sets.append(home)
        home.add(run)
    out: list[ReferenceSet] = []
    for framework, sets in by_framework.items():
        for n, building in enumerate(sets, start=1):
            first = building.first
            out.append(
                ReferenceSet(
                    key=framework if n == 1 else f"{framework}#{n}",
                    framework=framework,
                    spec=first.panel_spec(),
                    sub_components=tuple(building.sub_components),
                    references=dict(building.references),
                    runs=tuple(building.runs),
                    conflict=building.conflict,
                    word_counts=dict(building.word_counts),
                    title=first.title,
                    labels=dict(building.labels),
                    fingerprint=first.fingerprint,
                )
            )
    return out


def ratings_on(run: Run, items: Sequence[str], sub_components: Sequence[str]) -> FloatArray:
    """A run's ratings re-ordered onto `items` × `sub_components` (NaN where it did not rate)."""
    index = {item: i for i, item in enumerate(items)}
    out = np.full((len(items), len(sub_components)), np.nan)
    values = run.rating_matrix(sub_components)
    for row, sample in enumerate(run.samples):
        position = index.get(sample.item_id)
        if position is not None:
            out[position] = values[row]
    return out
