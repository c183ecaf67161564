"""The leaderboard: every run judged against its own panel, ranked only like with like.

Everything comes from the logs (never from the data folder) and from the agreement engine
(`empathy_judge.scorers.agreement`):

* **Panels.** Runs are grouped by framework and by the reference they carry
  (`reports.reference_sets`); runs whose references disagree are kept in separate sections.
* **Every run is judged on exactly the items it scored**: its panel is the section's panel
  restricted to the run's items and sub-components, so with ``--limit`` or few-shot runs the
  experts' benchmark and the crowd are computed on exactly those items. A replayed panel member
  (``replay/expert1``, or any ``replay/<name>`` whose name is one of the panel's raters or an
  annotator of the expert group) is scored against the panel without itself, and a replayed crowd
  is scored like a candidate; both are *reference rows*, never ranked.
* **Verdicts** are the engine's like-for-like (leave one expert out) verdicts, nothing added:
  per framework one verdict on the mean Δ over its sub-components
  (`Assessment.framework_verdict`), and per sub-component ``above``/``at`` expert level,
  ``below``, ``inconclusive`` under the engine's false-discovery control over the framework's
  sub-components (`empathy_judge.scorers.agreement.family_verdicts`; the minimum-items rule is
  the engine's too, so the log and the report agree). The overall row counts every
  sub-component of a model under the same control over all of them together.
* **Ranking key**: the mean over sub-components of the leave-one-out difference
  (candidate − experts, ``Assessment.mean_difference``): 0 is expert level, negative is worse.
  Rank ranges come from the same item resamples for every ranked run of a framework
  (`shared_counts`), the rank being recomputed on every resample (`rank_ranges`).
* **Like with like**: on a framework, only runs over the same items and sub-components are
  ranked (the set of items most candidate runs share; ties: more items); the others are listed
  unranked with the reason. A run whose parse rate is below `RANK_PARSE_RATE` (0.80), or with no
  usable rating at all, is not ranked; below `FLAG_PARSE_RATE` (0.95) it is flagged.
* **Overall**: the overall rank is over one set of frameworks — the set of frameworks on which
  the most models are ranked (exactly that set; ties: more frameworks). Models ranked on each of
  these frameworks are ranked overall, by the mean over *these* frameworks of their ranking key
  (a model ranked on more frameworks is scored on these only); the rank range averages the
  frameworks' replicates resample by resample (the same seed on every framework). Other models
  are listed with the reason.
* **Diagnostics**: every run (reference rows included) and the crowd carried in the reference
  get `empathy_judge.scorers.diagnostics.diagnose` on the same panel, items and resamples as
  their assessment: leniency beside the crowd's and the experts' own, scale use (shares, spread
  ratio, ends, "constant at N"), length bias beside the experts' |ρ|, polarity of negative
  sub-components; the polarity comes from the panel description, the word counts from the
  samples.
* **Probe runs** (``-T probe=NAME``) are never candidates: each is paired with the same model's
  plain run on the same framework and reference and reported as shifts
  (`empathy_judge.reports.probes`); a probe run without a partner is listed with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from ..datasets.errors import EmpathyJudgeError
from ..datasets.ratings_table import EXPERT_GROUP
from ..scorers.agreement import Assessment, assess, shared_counts
from ..scorers.arrays import FloatArray
from ..scorers.blas import one_blas_thread
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.diagnostic_results import Diagnostics
from ..scorers.diagnostics import diagnose
from ..scorers.panel import Panel, PanelSpec
from ..scorers.verdicts import (
    MARGIN,
    MIN_VERDICT_ITEMS,
    ExpertLevelVerdict,
    RankRange,
    Verdict,
    family_verdicts,
    rank_ranges,
)
from .logs import Run, RunSet
from .probes import ProbeResult, pair_probes, probe_results
from .reference_sets import ReferenceSet, ratings_on, reference_sets
from .results import (
    FrameworkSection,
    Leaderboard,
    OverallRow,
    RunKind,
    RunResult,
    Settings,
    count_verdicts,
)
from .safe_text import display_path

#: Runs below this parse rate are flagged.
FLAG_PARSE_RATE = 0.95
#: Runs below this parse rate are not ranked.
RANK_PARSE_RATE = 0.80
#: ε of the Alternative Annotator Test (the authors' value for expert annotators).
ALT_EPSILON = 0.2

#: Said once on every report: published annotators are replay runs, not rows of their own.
PUBLISHED_NOTE = (
    "Published annotators (the LLMs, the experts, the crowd of the data set) appear only as "
    "replay runs (replay/<annotator>): a replay of an annotator and its published ratings are "
    "the same thing, so there is no separate published row."
)

Work = tuple[frozenset[str], tuple[str, ...]]


def run_kind(run: Run, spec: PanelSpec) -> tuple[RunKind, str | None]:
    """Whether a run is a candidate or a replay of a panel member or of the crowd.

    Args:
        run: The run.
        spec: The panel description it was judged against.

    Returns:
        (kind, replayed annotator or None).
    """
    name = run.replayed_annotator
    if name is None:
        return "model", None
    group = spec.groups.get(name)
    if name in spec.raters or group == EXPERT_GROUP:
        return "panel member", name
    if name == spec.crowd or group == "crowd":
        return "crowd", name
    return "model", name


def _work(run: Run) -> Work:
    return frozenset(run.item_ids), run.sub_components


def _usable(run: Run) -> bool:
    return bool((~np.isnan(run.rating_matrix(run.sub_components))).any())


def _primary_work(runs: Sequence[Run], candidates: Sequence[Run]) -> Work:
    """The items × sub-components the ranked runs share (the most common among candidates)."""
    pool = candidates or runs
    counts: dict[Work, int] = {}
    for run in pool:
        counts[_work(run)] = counts.get(_work(run), 0) + 1
    return max(counts, key=lambda w: (counts[w], len(w[0]), len(w[1]), sorted(w[0])))


def _ordered_subs(reference: ReferenceSet, subs: Sequence[str]) -> tuple[str, ...]:
    wanted = set(subs)
    return tuple(s for s in reference.sub_components if s in wanted)


class _Assessor:
    """Assess runs of one reference set, sharing resamples on the like-for-like items."""

    def __init__(self, reference: ReferenceSet, work: Work, settings: Settings) -> None:
        self.reference = reference
        self.settings = settings
        self.items = tuple(sorted(work[0]))
        self.subs = _ordered_subs(reference, work[1])
        self.panel = reference.panel(self.items, self.subs)
        self.counts = shared_counts(self.panel, settings.bootstrap)

    def assess(self, name: str, values: FloatArray, panel: Panel | None = None) -> Assessment:
        settings = self.settings
        if panel is None:
            return assess(
                self.panel,
                values,
                name,
                margin=settings.margin,
                settings=settings.bootstrap,
                counts=self.counts,
                alt_epsilon=settings.alt_epsilon,
            )
        return assess(
            panel,
            values,
            name,
            margin=settings.margin,
            settings=settings.bootstrap,
            alt_epsilon=settings.alt_epsilon,
        )

    def diagnose(
        self,
        name: str,
        values: FloatArray,
        panel: Panel | None = None,
        *,
        with_crowd: bool = True,
    ) -> tuple[Diagnostics | None, str]:
        """The diagnostics of one rater on the like-for-like panel (or its own `panel`).

        Returns:
            (diagnostics, "") or (None, why they could not be computed).
        """
        settings, reference = self.settings, self.reference
        shared = panel is None
        panel = self.panel if panel is None else panel
        polarity = [reference.spec.polarity.get(s, "positive") for s in panel.sub_components]
        crowd = reference.crowd(panel.items, panel.sub_components) if with_crowd else None
        try:
            found = diagnose(
                panel,
                values,
                name,
                polarity=polarity,
                word_counts=reference.words(panel.items),
                crowd=crowd,
                counts=self.counts if shared else None,
                settings=settings.bootstrap,
            )
        except (EmpathyJudgeError, ValueError) as error:
            return None, f"no diagnostics: {error}"
        return found, ""

    def run_result(self, run: Run, primary: Work) -> RunResult:
        spec = self.reference.spec
        kind, annotator = run_kind(run, spec)
        parse_rate = run.parse_rate
        flags: list[str] = []
        if math.isfinite(parse_rate) and parse_rate < self.settings.flag_parse_rate:
            flags.append(f"low parse rate ({parse_rate:.2f})")

        def result(
            assessment: Assessment | None,
            unranked: str,
            diagnostics: Diagnostics | None = None,
            diagnostics_note: str = "",
        ) -> RunResult:
            subs = () if assessment is None else assessment.sub_components
            return RunResult(
                run=run,
                kind=kind,
                annotator=annotator,
                n_items=len(run.samples),
                parse_rate=parse_rate,
                flags=tuple(flags),
                assessment=assessment,
                verdicts={sub.sub_component: sub.verdict for sub in subs},
                unranked=unranked,
                diagnostics=diagnostics,
                diagnostics_note=diagnostics_note,
            )

        if not _usable(run):
            return result(None, "no usable ratings (every answer failed to parse)")
        name = run.candidate_name
        if _work(run) == primary:
            values = ratings_on(run, self.items, self.subs)
            assessment = self.assess(name, values)
            diagnostics, why = self.diagnose(name, values)
        else:
            subs = _ordered_subs(self.reference, run.sub_components)
            items = tuple(sorted(run.item_ids))
            panel = self.reference.panel(items, subs)
            values = ratings_on(run, items, subs)
            assessment = self.assess(name, values, panel)
            diagnostics, why = self.diagnose(name, values, panel)
        return result(
            assessment, self._why_unranked(run, kind, primary, parse_rate), diagnostics, why
        )

    def _why_unranked(self, run: Run, kind: RunKind, primary: Work, parse_rate: float) -> str:
        if kind == "panel member":
            return "reference row: a replay of a panel member, scored without itself"
        if kind == "crowd":
            return "reference row: a replay of the crowd"
        if self.panel.n_raters < 2:
            return (
                f"the panel has {self.panel.n_raters} expert(s): there is no leave-one-out "
                "benchmark to rank by"
            )
        if math.isfinite(parse_rate) and parse_rate < self.settings.rank_parse_rate:
            return (
                f"parse rate {parse_rate:.2f} is below {self.settings.rank_parse_rate:.2f}: "
                "too many answers failed to parse to rank it"
            )
        if _work(run) != primary:
            items, subs = _work(run)
            return (
                f"scored {len(items)} item(s) × {len(subs)} sub-component(s); the ranked runs "
                f"scored {len(primary[0])} × {len(primary[1])} (ranks compare the same items only)"
            )
        return ""


def _rank(results: list[RunResult], confidence: float) -> list[RunResult]:
    """Give ranks with bootstrap ranges to the rankable results; ranked first, best first."""
    rankable = [r for r in results if not r.unranked and r.assessment is not None]
    others = [r for r in results if r not in rankable]
    if not rankable:
        return others
    estimates = [r.ranking_key for r in rankable]
    replicates = np.column_stack([r.ranking_replicates for r in rankable])
    ranges = rank_ranges(estimates, replicates, confidence)
    ranked = [
        RunResult(**{**r.__dict__, "rank": rank}) for r, rank in zip(rankable, ranges, strict=True)
    ]
    ranked.sort(key=lambda r: (r.rank.rank if r.rank else 0, r.label))
    models = [r for r in others if not r.is_reference]
    references = [r for r in others if r.is_reference]
    return [*ranked, *sorted(models, key=lambda r: r.label), *references]


def _flat(values: FloatArray) -> FloatArray:
    flat = np.asarray(values, dtype=np.float64).ravel()
    return flat[~np.isnan(flat)]


def _section(
    reference: ReferenceSet, settings: Settings, probes: Sequence[ProbeResult] = ()
) -> FrameworkSection:
    kinds = {run.model: run_kind(run, reference.spec)[0] for run in reference.runs}
    candidates = [
        run
        for run in reference.runs
        if kinds[run.model] == "model"
        and _usable(run)
        and not (run.parse_rate < settings.rank_parse_rate)
    ]
    primary = _primary_work(reference.runs, candidates)
    assessor = _Assessor(reference, primary, settings)
    results = _rank(
        [assessor.run_result(run, primary) for run in reference.runs], settings.bootstrap.confidence
    )
    items, subs, panel = assessor.items, assessor.subs, assessor.panel
    crowd_values = reference.crowd(items, subs)
    crowd_name = reference.spec.crowd or "crowd"
    crowd = assessor.assess(crowd_name, crowd_values) if crowd_values is not None else None
    crowd_diagnostics = (
        assessor.diagnose(crowd_name, crowd_values, with_crowd=False)[0]
        if crowd_values is not None
        else None
    )
    # The experts' own benchmark does not depend on the candidate's values, only on which items
    # it rated: a candidate present everywhere gives loo_experts on every item of the panel.
    experts = (
        assess(
            panel,
            np.zeros((len(items), len(subs))),
            "experts",
            margin=settings.margin,
            settings=settings.bootstrap,
            counts=assessor.counts,
            alt_epsilon=None,
        )
        if panel.n_raters >= 1
        else None
    )
    notes = []
    if reference.conflict:
        notes.append(reference.conflict)
    notes.append(
        f"Ranked like for like on {len(items)} item(s) × {len(subs)} sub-component(s) "
        f"(the runs' references cover {len(reference.references)} item(s)); the crowd and the "
        "experts' benchmark are computed on exactly these items."
    )
    if panel.n_raters == 0:
        notes.append("The reference holds no expert rating: there is nothing to judge against.")
    elif panel.n_raters == 1:
        notes.append("The panel has one expert: there is no expert benchmark, no verdict, no rank.")
    elif panel.n_raters == 2:
        notes.append(
            "The panel has two experts: the leave-one-out reference of each is the other one."
        )
    distributions: dict[str, FloatArray] = {"Experts": _flat(panel.values)}
    if crowd_values is not None:
        distributions["Crowd"] = _flat(crowd_values)
    for run in reference.runs:
        distributions[run.model] = _flat(run.rating_matrix(run.sub_components))
    return FrameworkSection(
        key=reference.key,
        framework=reference.framework,
        title=(reference.title or reference.framework)
        + (f" (reference {reference.key.partition('#')[2]})" if "#" in reference.key else ""),
        spec=reference.spec,
        items=items,
        sub_components=subs,
        sub_component_labels={s: reference.labels.get(s, s) for s in subs},
        n_reference_items=len(reference.references),
        results=tuple(results),
        crowd=crowd,
        experts=experts,
        notes=tuple(notes),
        distributions=distributions,
        crowd_diagnostics=crowd_diagnostics,
        probes=tuple(p for p in probes if p.section == reference.key),
    )


def wall_seconds(runs: Sequence[Run]) -> float | None:
    """The wall time of some runs: from the first one's start to the last one's end.

    Runs of one benchmark overlap (Inspect runs tasks concurrently), so their durations do not
    add up: 7,111 s of summed durations were a much shorter wall time. A run starts when its log
    says it started (else at its creation time) and lasts its recorded duration; runs without a
    duration are left out.

    Args:
        runs: One model's runs.

    Returns:
        Seconds, or None when no run records its times.
    """
    spans = []
    for run in runs:
        if run.seconds is None:
            continue
        try:
            start = datetime.fromisoformat(run.started or run.created)
        except ValueError:
            continue
        spans.append((start, start + timedelta(seconds=run.seconds)))
    if not spans:
        return None
    try:
        return (max(end for _, end in spans) - min(start for start, _ in spans)).total_seconds()
    except TypeError:  # naive and aware times mixed: fall back to the longest run
        return max((end - start).total_seconds() for start, end in spans)


def overall_references(
    sections: Sequence[FrameworkSection],
) -> tuple[dict[str, str | None], list[str]]:
    """Which reference section of each framework the overall rank uses, and the warnings.

    When a framework's runs fall into several reference sections (``peer_listening`` and
    ``peer_listening#2``: the logs carry different expert ratings or panels), only one of them
    can enter the overall rank, else whichever section sorts first would decide it. The rule:
    the section holding the most runs (models and reference rows: a replayed expert or crowd
    counts, since it is a run on that reference too); on a tie there is no telling which is
    the right reference, and the framework is left out of the overall rank. Either way the
    split is a warning at the top of the report.

    Args:
        sections: The report's sections.

    Returns:
        (framework -> chosen section key, or None when tied), and the warnings.
    """
    by_framework: dict[str, list[FrameworkSection]] = {}
    for section in sections:
        by_framework.setdefault(section.framework, []).append(section)
    chosen: dict[str, str | None] = {}
    warnings: list[str] = []
    for framework, split in by_framework.items():
        if len(split) == 1:
            chosen[framework] = split[0].key
            continue
        counts = {section.key: len(section.results) for section in split}
        most = max(counts.values())
        leaders = [key for key, n in counts.items() if n == most]
        listing = ", ".join(f"{key} ({n} run(s))" for key, n in counts.items())
        if len(leaders) == 1:
            chosen[framework] = leaders[0]
            verdict = (
                f"the overall rank uses {leaders[0]}, the reference with the most runs; "
                "runs on the other references are ranked only in their own sections"
            )
        else:
            chosen[framework] = None
            verdict = (
                f"{' and '.join(leaders)} hold as many runs each, so {framework} is left out of "
                "the overall rank"
            )
        warnings.append(
            f"Warning: the runs of {framework} were judged against {len(split)} different "
            f"references ({listing}): check the logs' reference ratings; {verdict}."
        )
    return chosen, warnings


def _overall(
    sections: Sequence[FrameworkSection], confidence: float
) -> tuple[list[OverallRow], tuple[str, ...]]:
    labels = list(dict.fromkeys(r.label for s in sections for r in s.results))
    results: dict[str, dict[str, RunResult]] = {label: {} for label in labels}
    for section in sections:
        for result in section.results:
            results[result.label][section.key] = result
    chosen_reference, _ = overall_references(sections)
    # Only the chosen reference of each framework can enter the overall rank.
    rankable = {s.key for s in sections if chosen_reference.get(s.framework) == s.key}
    ranked_on = {
        label: frozenset(key for key, r in by_key.items() if r.rank is not None and key in rankable)
        for label, by_key in results.items()
    }
    choices = {keys for keys in ranked_on.values() if keys}
    chosen: frozenset[str] = frozenset()
    if choices:
        chosen = max(
            choices,
            key=lambda keys: (
                sum(keys == ranked for ranked in ranked_on.values()),
                len(keys),
                sorted(keys),
            ),
        )
    order = [s.key for s in sections if s.key in chosen]
    eligible = [label for label in labels if chosen and chosen <= ranked_on[label]]
    ranges: dict[str, RankRange] = {}
    scores: dict[str, float] = {}
    if eligible:
        estimates = [
            float(np.mean([results[label][key].ranking_key for key in order])) for label in eligible
        ]
        replicates = np.column_stack(
            [
                np.mean(
                    np.column_stack([results[label][key].ranking_replicates for key in order]),
                    axis=1,
                )
                for label in eligible
            ]
        )
        for label, estimate, rank in zip(
            eligible, estimates, rank_ranges(estimates, replicates, confidence), strict=True
        ):
            ranges[label], scores[label] = rank, estimate
    rows: list[OverallRow] = []
    for label in labels:
        by_key = results[label]
        first = next(iter(by_key.values()))
        runs = [r.run for r in by_key.values()]
        verdicts = count_verdicts({})
        for verdict in _overall_verdicts(list(by_key.values())):
            verdicts[verdict] += 1
        requested = sum(len(r.samples) * len(r.sub_components) for r in runs)
        valid = sum(
            r.parse_rate * len(r.samples) * len(r.sub_components)
            for r in runs
            if math.isfinite(r.parse_rate)
        )
        rows.append(
            OverallRow(
                label=label,
                kind=first.kind,
                frameworks=tuple(s.key for s in sections if s.key in by_key),
                rank=ranges.get(label),
                unranked=""
                if label in ranges
                else _why_not_overall(
                    by_key, ranked_on[label], chosen, first.is_reference, rankable
                ),
                score=scores.get(label, math.nan),
                verdicts=verdicts,
                parse_rate=valid / requested if requested else math.nan,
                total_tokens=sum(r.total_tokens for r in runs),
                seconds=wall_seconds(runs),
            )
        )
    rows.sort(
        key=lambda r: (
            r.rank is None,
            r.kind != "model",
            r.rank.rank if r.rank else 0,
            r.label,
        )
    )
    return rows, tuple(order)


def _overall_verdicts(results: Sequence[RunResult]) -> list[Verdict]:
    """Every sub-component verdict of a model's runs, under one false-discovery control."""
    singles: list[ExpertLevelVerdict] = []
    fixed: list[Verdict] = []
    for result in results:
        if result.assessment is None:
            continue
        for sub in result.assessment.sub_components:
            if sub.like_for_like is None:
                fixed.append(sub.verdict)
            else:
                singles.append(sub.like_for_like)
    return [*family_verdicts(singles), *fixed]


def _why_not_overall(
    by_key: Mapping[str, RunResult],
    ranked: frozenset[str],
    chosen: frozenset[str],
    reference: bool,
    rankable: frozenset[str] | set[str],
) -> str:
    if reference:
        return "reference row"
    apart = sorted(key for key in by_key if key not in rankable)
    if apart and not (set(by_key) & set(rankable)):
        return (
            f"judged only against a reference left out of the overall rank ({', '.join(apart)}; "
            "see the warning at the top)"
        )
    if not chosen:
        return "no model is ranked on any framework"
    missing = sorted(chosen - ranked)
    reasons = [
        f"{key}: {by_key[key].unranked}" if key in by_key else f"{key}: not run" for key in missing
    ]
    return "not ranked on every framework of the overall rank — " + "; ".join(reasons)


def build_leaderboard(
    runs: RunSet,
    *,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
    margin: float = MARGIN,
    alt_epsilon: float | None = ALT_EPSILON,
    report_dir: Path | None = None,
) -> Leaderboard:
    """Judge every run against the panel it carries, rank like with like, pair probe runs.

    Args:
        runs: The runs (from `reports.logs.load_runs`); probe runs are paired with plain runs,
            never ranked.
        settings: Item-bootstrap resamples per interval, their seed (the same on every
            framework) and the intervals' coverage.
        margin: Non-inferiority margin δ of the verdicts.
        alt_epsilon: ε of the Alternative Annotator Test (None: not run).
        report_dir: The report's folder, to show log paths relative to it (None: file names).

    Returns:
        The leaderboard.
    """
    report_settings = Settings(
        bootstrap=settings,
        margin=margin,
        alt_epsilon=alt_epsilon,
        flag_parse_rate=FLAG_PARSE_RATE,
        rank_parse_rate=RANK_PARSE_RATE,
        min_verdict_items=MIN_VERDICT_ITEMS,
    )
    references = reference_sets(runs.plain)
    pairs, unpaired = pair_probes(runs.probed, references)
    # BLAS on one thread: the bootstrap's products are small, and a thread pool only spins.
    with one_blas_thread():
        probes = probe_results(pairs, settings=settings)
        sections = [_section(reference, report_settings, probes) for reference in references]
    overall, overall_keys = _overall(sections, settings.confidence)
    _, warnings = overall_references(sections)
    locations = [r.location for r in runs.runs] + [s.location for s in runs.skipped]
    return Leaderboard(
        sections=tuple(sections),
        overall=tuple(overall),
        overall_frameworks=overall_keys,
        runs=runs,
        settings=report_settings,
        notes=(PUBLISHED_NOTE,),
        warnings=tuple(warnings),
        log_names={loc: display_path(loc, report_dir) for loc in locations},
        unpaired_probes=tuple(unpaired),
    )
