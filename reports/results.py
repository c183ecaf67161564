"""What a report shows: the result types of the leaderboard (no computation here).

The statistics themselves are the engine's (`empathy_judge.scorers.agreement.Assessment`); these
types say how a run was judged (against which panel, on how many items), whether it is ranked,
and why not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..datasets.lookup import find
from ..scorers.agreement import Assessment
from ..scorers.arrays import FloatArray
from ..scorers.bootstrap_settings import BootstrapSettings
from ..scorers.diagnostic_results import Diagnostics
from ..scorers.panel import PanelSpec
from ..scorers.verdicts import VERDICTS, RankRange, Verdict
from .logs import Run, RunSet
from .probes import ProbeResult, UnpairedProbe

#: "model": a candidate (ranked when like for like); "panel member": a replay of one of the
#: panel's raters (or an annotator of the expert group); "crowd": a replay of the crowd.
RunKind = Literal["model", "panel member", "crowd"]
#: Reference rows that are not runs: the crowd carried in the reference, the experts themselves.
ReferenceKind = Literal["crowd", "experts"]


@dataclass(frozen=True)
class Settings:
    """How the report judged and ranked.

    Attributes:
        bootstrap: Item-bootstrap resamples per interval, their seed (the same on every
            framework) and the intervals' coverage (also of the rank ranges).
        margin: Non-inferiority margin δ of the verdicts, in κ units.
        alt_epsilon: ε of the Alternative Annotator Test (None: not run).
        flag_parse_rate: Runs below this parse rate are flagged.
        rank_parse_rate: Runs below this parse rate are not ranked.
        min_verdict_items: Fewer items than this on a sub-component: its verdict is inconclusive
            (the engine's `MIN_VERDICT_ITEMS`, quoted by the legend).
    """

    bootstrap: BootstrapSettings
    margin: float
    alt_epsilon: float | None
    flag_parse_rate: float
    rank_parse_rate: float
    min_verdict_items: int


def count_verdicts(verdicts: Mapping[str, Verdict]) -> dict[Verdict, int]:
    """How many sub-components got each verdict (every verdict present, zeros included)."""
    counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
    for verdict in verdicts.values():
        counts[verdict] += 1
    return counts


@dataclass(frozen=True)
class RunResult:
    """One run judged against its framework's panel.

    Attributes:
        run: The run.
        kind: Candidate model, replayed panel member, or replayed crowd.
        annotator: The replayed annotator's name, for replays.
        assessment: The engine's assessment (None: the run has no usable rating).
        verdicts: The verdict per sub-component as the report counts it: the engine's, under
            false-discovery control over the framework's sub-components (the minimum-items
            rule included), so the same as the in-run metric's.
        n_items: Items the run rated (the panel was restricted to exactly these).
        parse_rate: Share of the requested ratings that parsed.
        flags: Warnings shown beside the run (e.g. a low parse rate).
        rank: Rank with its bootstrap range, when ranked.
        unranked: Why the run is not ranked ("" when ranked).
        diagnostics: How the run departs from the experts (leniency, scale use, length bias,
            polarity) on the same items and panel as its assessment; None when it has no usable
            rating or the diagnostics could not be computed (`diagnostics_note` says why).
        diagnostics_note: Why there are no diagnostics ("" when there are).
    """

    run: Run
    kind: RunKind
    annotator: str | None
    assessment: Assessment | None
    verdicts: Mapping[str, Verdict]
    n_items: int
    parse_rate: float
    flags: tuple[str, ...] = ()
    rank: RankRange | None = None
    unranked: str = ""
    diagnostics: Diagnostics | None = None
    diagnostics_note: str = ""

    @property
    def label(self) -> str:
        """The run's model label."""
        return self.run.model

    @property
    def is_reference(self) -> bool:
        """A replayed panel member or crowd: a reference row, never ranked."""
        return self.kind != "model"

    def verdict_counts(self) -> dict[Verdict, int]:
        """Verdicts counted over the sub-components."""
        return count_verdicts(self.verdicts)

    @property
    def framework_verdict(self) -> Verdict | None:
        """The framework's single like-for-like verdict (mean Δ), None without an assessment."""
        if self.assessment is None or self.assessment.framework_verdict is None:
            return None
        return self.assessment.framework_verdict.verdict

    @property
    def ranking_key(self) -> float:
        """Mean leave-one-out difference (candidate − experts) over the sub-components."""
        return self.assessment.mean_difference.value if self.assessment else math.nan

    @property
    def ranking_replicates(self) -> FloatArray:
        """The bootstrap replicates of :attr:`ranking_key` (ranks are read from them).

        Raises:
            ValueError: The run has no assessment (it cannot be ranked).
        """
        if self.assessment is None:
            raise ValueError(f"{self.label} has no assessment to rank")
        return self.assessment.replicates[:, 1]


@dataclass(frozen=True)
class FrameworkSection:
    """One framework (one reference set) of the report.

    Attributes:
        key: Section key (the framework id, or ``<framework>#<n>`` for a disagreeing reference).
        framework: Framework id.
        title: Human-readable name.
        spec: The panel description.
        items: The items of the ranked runs (the like-for-like comparison), sorted.
        sub_components: Their sub-components.
        sub_component_labels: Display label per sub-component.
        n_reference_items: Items the runs' references cover in all.
        results: Ranked runs best first, then unranked runs, then reference runs.
        crowd: The crowd carried in the reference, assessed on `items` (None: no crowd).
        experts: An assessment on `items` whose candidate-independent figures (``loo_experts``,
            ``ceiling``, ``experts_alpha``, ``paper_ceiling``) are the experts' own benchmark.
        notes: What the reader must know about this section.
        distributions: Every rating given per rater (experts pooled, crowd, each run).
        crowd_diagnostics: The diagnostics of the crowd carried in the reference, on `items`.
        probes: The probe runs paired with plain runs of this section.
    """

    key: str
    framework: str
    title: str
    spec: PanelSpec
    items: tuple[str, ...]
    sub_components: tuple[str, ...]
    sub_component_labels: Mapping[str, str]
    n_reference_items: int
    results: tuple[RunResult, ...]
    crowd: Assessment | None
    experts: Assessment | None
    notes: tuple[str, ...] = ()
    distributions: Mapping[str, FloatArray] = field(default_factory=dict)
    crowd_diagnostics: Diagnostics | None = None
    probes: tuple[ProbeResult, ...] = ()

    def result(self, label: str) -> RunResult:
        """The result of the run with this model label.

        Raises:
            KeyError: No such run in this section.
        """
        return find(
            self.results,
            lambda result: result.label == label,
            lambda: f"no run {label!r} in {self.key}; runs: {[r.label for r in self.results]}",
        )

    @property
    def ranked(self) -> list[RunResult]:
        """Ranked runs, best first."""
        return [r for r in self.results if r.rank is not None]

    def probe(self, label: str, probe: str) -> ProbeResult:
        """The probe result of one model and probe name.

        Raises:
            KeyError: No such pair in this section.
        """
        return find(
            self.probes,
            lambda result: result.label == label and result.probe.name == probe,
            lambda: (
                f"no probe {probe!r} of {label!r} in {self.key};"
                f" pairs: {[(r.label, r.probe.name) for r in self.probes]}"
            ),
        )


@dataclass(frozen=True)
class OverallRow:
    """A model across frameworks.

    Attributes:
        label: Model label.
        kind: As in `RunResult` (reference rows are never ranked).
        frameworks: Section keys the model has a run in.
        rank: Overall rank with its bootstrap range (None: not ranked overall).
        unranked: Why not ranked overall ("" when ranked).
        score: Mean over the overall frameworks of the mean leave-one-out difference (NaN when
            not ranked).
        verdicts: Verdicts counted over every sub-component of every framework it ran, under
            one false-discovery control over all of them (`family_verdicts`).
        parse_rate: Share of its requested ratings that parsed, over its runs.
        total_tokens: Tokens over its runs.
        seconds: Wall time of its runs, from the first one's start to the last one's end (runs
            overlap: their durations are not summed); None when no log records it.
    """

    label: str
    kind: RunKind
    frameworks: tuple[str, ...]
    rank: RankRange | None
    unranked: str
    score: float
    verdicts: Mapping[Verdict, int]
    parse_rate: float
    total_tokens: int | None
    seconds: float | None


@dataclass(frozen=True)
class Leaderboard:
    """Everything a report shows.

    Attributes:
        sections: One per framework (per reference set), in display order.
        overall: One row per model label, ranked first.
        overall_frameworks: The section keys the overall rank is over.
        runs: The runs used and the logs skipped (probe runs included).
        settings: How the report judged and ranked.
        notes: Messages for the reader about the whole report.
        log_names: Log location → how the report shows it (relative to the report's folder).
        unpaired_probes: Probe runs with no plain run to pair with, and why.
        warnings: Problems the reader must see first (shown at the top of every format), e.g.
            one framework's runs judged against several references.
    """

    sections: tuple[FrameworkSection, ...]
    overall: tuple[OverallRow, ...]
    overall_frameworks: tuple[str, ...]
    runs: RunSet
    settings: Settings
    notes: tuple[str, ...] = ()
    log_names: Mapping[str, str] = field(default_factory=dict)
    unpaired_probes: tuple[UnpairedProbe, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def probes(self) -> list[ProbeResult]:
        """Every paired probe result, section by section."""
        return [p for s in self.sections for p in s.probes]

    def section(self, key: str) -> FrameworkSection:
        """The section with this key.

        Raises:
            KeyError: No such section.
        """
        return find(
            self.sections,
            lambda section: section.key == key,
            lambda: f"no section {key!r}; sections: {[s.key for s in self.sections]}",
        )

    def overall_row(self, label: str) -> OverallRow:
        """The overall row of a model.

        Raises:
            KeyError: No such model.
        """
        return find(
            self.overall,
            lambda row: row.label == label,
            lambda: f"no model {label!r}; models: {[r.label for r in self.overall]}",
        )

    def log_name(self, location: str) -> str:
        """How the report shows a log location (never an absolute path)."""
        from pathlib import Path

        return self.log_names.get(location, Path(location).name)
