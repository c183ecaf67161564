"""The leaderboard as Markdown, CSV and JSON: `leaderboard.md`, `.csv`, `results.json`.

Text that comes from logs (model names, notes, reasons) goes through `reports.safe_text`: no raw
HTML or table-breaking characters in the Markdown, no formula in the CSV, no bidi override
anywhere, and log paths relative to the report's folder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from empathy_judge.reports.formatting import (
    MISSING,
    alt_test_by_scale,
    at_expert_level,
    interval,
    kind_text,
    legend,
    number,
    parse_rate_text,
    rank_text,
    run_verdicts,
    verdict_summary,
)
from empathy_judge.reports.plan import items_to_settle, settle_note
from empathy_judge.reports.probes import REPLAY_NOT_APPLICABLE, ProbeResult
from empathy_judge.reports.results import FrameworkSection, Leaderboard, OverallRow, RunResult
from empathy_judge.reports.safe_text import (
    csv_cell,
    markdown_code,
    markdown_text,
    replace_locations,
)
from empathy_judge.scorers.agreement import (
    FAMILY_CONTROL,
    VERDICTS,
    Assessment,
    Estimate,
    RankRange,
    Verdict,
)
from empathy_judge.scorers.diagnostics import Diagnostics, SubComponentDiagnostics

#: Label of the crowd carried in the reference, and of the experts' own benchmark.
CROWD_LABEL = "Crowd (in the reference)"
EXPERTS_LABEL = "Experts (leave one out)"
PAPER_LABEL = (
    "The paper's comparison (Kumar et al.): κ against the median of all experts beside the "
    "median expert-pair κ. Biased towards the candidate; kept for reproduction only."
)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_md_row(header), "|" + "|".join(["---"] * len(header)) + "|", *map(_md_row, rows)]


def _skip_reason(board: Leaderboard, reason: str) -> str:
    return replace_locations(reason, board.log_names.items())


#: Beside every framework table: how its two κ columns differ (the legend repeats it).
TABLE_NOTE = (
    "How to read it: Mean Δ compares the rater with the experts like for like (each expert "
    "against the mean of the others, and the rater against the same), so 0 is expert level and "
    "the verdicts and ranks come from it; Mean κ vs consensus is the rater's agreement with the "
    "experts' consensus (the figure the paper publishes), which has no benchmark of its own. "
    'A rank orders the runs ranked together ("1 of 3"); it is no verdict on expert level.'
)


def ranked_count(results: Sequence[RunResult] | Sequence[OverallRow]) -> int:
    """How many of the rows were ranked together."""
    return sum(1 for r in results if r.rank is not None)


def items_note(section: FrameworkSection) -> str:
    """A warning when the runs of a table rated different numbers of items ("" otherwise)."""
    counts = sorted({r.n_items for r in section.results}, reverse=True)
    if len(counts) < 2:
        return ""
    shown = " and ".join(f"{n:,}" for n in counts)
    return (
        f"Runs in this table rated different numbers of items ({shown}): a figure on fewer "
        "items is less certain (wider intervals), and only runs on the same items are ranked "
        "together. The Items column marks the smaller ones."
    )


def fewer_items(result: RunResult, section: FrameworkSection) -> bool:
    """Whether a run rated fewer items than the table's largest run."""
    return result.n_items < max(r.n_items for r in section.results)


def _overall_cells(row: OverallRow, board: Leaderboard) -> list[str]:
    return [
        rank_text(row.rank, ranked_count(board.overall), at_expert_level(row.verdicts)),
        markdown_text(row.label),
        kind_text(row.kind),
        markdown_text(", ".join(row.frameworks)),
        verdict_summary(row.verdicts),
        number(row.score, signed=True),
        parse_rate_text(row.parse_rate, board.settings),
        MISSING if row.total_tokens is None else f"{row.total_tokens:,}",
        MISSING if row.seconds is None else f"{row.seconds:.1f} s",
        markdown_text(row.unranked),
    ]


def _run_cells(result: RunResult, board: Leaderboard, section: FrameworkSection) -> list[str]:
    assessment = result.assessment
    items = str(result.n_items)
    return [
        rank_text(
            result.rank,
            ranked_count(section.results),
            at_expert_level(result.verdict_counts()),
        ),
        markdown_text(result.label),
        kind_text(result.kind),
        f"**{items}** (fewer)" if fewer_items(result, section) else items,
        run_verdicts(result),
        interval(assessment.mean_difference, signed=True) if assessment else MISSING,
        interval(assessment.mean_kappa) if assessment else MISSING,
        parse_rate_text(result.parse_rate, board.settings),
        markdown_text("; ".join([*result.flags, result.unranked]).strip("; ")),
    ]


def _crowd_cells(section: FrameworkSection) -> list[str] | None:
    crowd = section.crowd
    if crowd is None:
        return None
    return [
        MISSING,
        CROWD_LABEL,
        "reference: crowd",
        str(len(section.items)),
        verdict_summary(crowd.verdict_counts()),
        interval(crowd.mean_difference, signed=True),
        interval(crowd.mean_kappa),
        MISSING,
        "the crowd's ratings carried in the runs' reference",
    ]


def experts_mean(experts: Assessment) -> float:
    """Mean over sub-components of the experts' leave-one-out κ (NaN when none)."""
    values = [s.loo_experts.value for s in experts.sub_components]
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def _experts_cells(section: FrameworkSection) -> list[str] | None:
    experts = section.experts
    if experts is None:
        return None
    return [
        MISSING,
        EXPERTS_LABEL,
        "reference: experts",
        str(len(section.items)),
        f"benchmark: mean κ(expert k, R_k) = {number(experts_mean(experts))} "
        "(per sub-component intervals below)",
        "0 (the benchmark itself)",
        MISSING,
        MISSING,
        "each expert against the mean of the others",
    ]


# -- diagnostics and probes: the cells the Markdown and the HTML share --------------------------

#: Heading of the part that explains the diagnostics and the probes (once per report).
READING_TITLE = "Reading the diagnostics and probes"
#: Heading of the diagnostics and the probe parts of a section.
DIAGNOSTICS_TITLE = "How each rater departs from the experts"
PROBES_TITLE = "Robustness probes (probe run − the same model's plain run)"
DIAGNOSTICS_INTRO = (
    "Leniency: mean(rater − expert consensus), beside the crowd's and how far one expert "
    "typically sits from the others (experts |·|). Spread: sd(rater) / sd(consensus). Ends: "
    "share of ratings at the scale's lowest or highest level. A rater answering one level on "
    "every item is named 'constant at N'. Length ρ: Spearman ρ of (rater − consensus) with the "
    "supporter's word count, beside the experts' mean |ρ|. Polarity ρ (negative sub-components "
    "only): the rater's mean ρ with the positive sub-components, beside the experts' (a "
    "positive ρ where the experts' is negative: rated as if positive)."
)
PROBES_INTRO = (
    "Each probe run rates the same items as the model's plain run with every transcript "
    "perturbed. Shift: mean(probe − plain) rating. Moved: for injection (which asks for the "
    "top rating), the share of items moved toward the top of the scale; for padding and "
    "label_swap (no target), the share of items whose rating changed, with the share moved up "
    "beside it. Δκ: κ(probe, consensus) − κ(plain, consensus). Intervals: paired item "
    "bootstrap. Replays answer from published ratings and never read the transcript: "
    f"'{REPLAY_NOT_APPLICABLE}'."
)


def percent(estimate: Estimate) -> str:
    """``40% [25%, 55%]``: a share with its interval, or "n/a"."""
    if not math.isfinite(estimate.value):
        return MISSING

    def one(value: float) -> str:
        return f"{value:.0%}" if math.isfinite(value) else MISSING

    return f"{one(estimate.value)} [{one(estimate.low)}, {one(estimate.high)}]"


def constant_text(diagnostics: Diagnostics) -> str:
    """``constant at 2 on level_explorations; ...``, or "" when no sub-component is constant."""
    return "; ".join(
        f"{s.scale_use.label} on {s.sub_component}"
        for s in diagnostics.sub_components
        if s.scale_use.constant
    )


def shares_text(sub: SubComponentDiagnostics) -> str:
    """``0: 12% · 1: 60% · 2: 28%``: the rater's share of items at each level."""
    scale = sub.scale_use
    return " · ".join(
        f"{level:g}: {share.value:.0%}" if math.isfinite(share.value) else f"{level:g}: {MISSING}"
        for level, share in zip(scale.levels, scale.shares, strict=True)
    )


def polarity_text(sub: SubComponentDiagnostics) -> str:
    """The polarity check of a negative sub-component, or "n/a (positive)"."""
    check = sub.polarity_check
    if check is None:
        return f"{MISSING} ({sub.polarity})"
    experts = number(check.experts.value, signed=True)
    text = f"ρ {interval(check.candidate, signed=True)} · experts {experts}"
    return text + (" · rated as if positive" if check.as_if_positive else "")


def length_text(sub: SubComponentDiagnostics) -> str:
    """The length bias ρ with the experts' mean |ρ| beside it."""
    length = sub.length_bias
    if length is None:
        return MISSING
    experts = number(length.experts_abs.value)
    return f"{interval(length.candidate, signed=True)} · experts |ρ| {experts}"


def leniency_text(sub: SubComponentDiagnostics) -> str:
    """The rater's leniency with the crowd's and the experts' |·| beside it."""
    leniency = sub.leniency
    beside = [f"experts |·| {number(leniency.experts_abs.value)}"]
    if leniency.crowd is not None:
        beside.insert(0, f"crowd {number(leniency.crowd.value, signed=True)}")
    return f"{interval(leniency.candidate, signed=True)} · " + " · ".join(beside)


def diagnostics_summary_cells(diagnostics: Diagnostics | None, note: str = "") -> list[str]:
    """The summary cells of `DIAGNOSTICS_SUMMARY_HEADER` (after "Rater"), plain text.

    Means over the sub-components: leniency [interval], the crowd's leniency, the experts'
    |leniency|, the smallest spread ratio, the scale use ("constant at N on ..." or "varied"),
    the length ρ [interval] with the experts' |ρ|, the sub-components rated as if positive.
    """
    if diagnostics is None:
        return [MISSING] * 6 + [note or MISSING]
    length = diagnostics.length_bias
    experts_length = diagnostics.experts_abs_length_bias
    crowd = diagnostics.crowd_leniency
    return [
        interval(diagnostics.leniency, signed=True),
        MISSING if crowd is None else number(crowd.value, signed=True),
        number(diagnostics.experts_abs_leniency.value),
        number(diagnostics.min_spread_ratio),
        constant_text(diagnostics) or "varied",
        (MISSING if length is None else interval(length, signed=True))
        + ("" if experts_length is None else f" · experts |ρ| {number(experts_length.value)}"),
        ", ".join(diagnostics.polarity_flags) or "none",
    ]


DIAGNOSTICS_SUMMARY_HEADER = [
    "Rater",
    "Leniency [interval]",
    "Crowd's leniency",
    "Experts' mean abs. leniency",
    "Min spread",
    "Scale use",
    "Length ρ [interval]",
    "Rated as if positive",
]


def probe_moved_text(result: ProbeResult, sub: str) -> str:
    """The 'moved' cell: toward the target for a targeted probe, else moved at all (up)."""
    shift = result.result(sub)
    if result.target is not None:
        return f"{percent(shift.toward_top)} toward the top"
    up = MISSING if not math.isfinite(shift.toward_top.value) else f"{shift.toward_top.value:.0%}"
    return f"{percent(shift.moved)} moved (up {up})"


PROBE_HEADER = [
    "Model",
    "Probe",
    "Sub-component",
    "Items",
    "Shift [interval]",
    "Moved",
    "Δκ [interval]",
]


def probe_rows(result: ProbeResult) -> list[list[str]]:
    """One row per sub-component of a probe pair (plain text, not yet escaped)."""
    rows: list[list[str]] = []
    for sub in result.sub_components:
        if result.not_applicable:
            na = result.not_applicable
            figures = [str(len(result.items)), na, na, na]
        else:
            found = result.result(sub)
            figures = [
                str(found.n_items),
                interval(found.shift, signed=True),
                probe_moved_text(result, sub),
                interval(found.delta_kappa, signed=True),
            ]
        rows.append([result.label, result.probe.label, sub, *figures])
    return rows


def _diagnostics_markdown(section: FrameworkSection) -> list[str]:
    rows = [
        [
            markdown_text(r.label),
            *map(markdown_text, diagnostics_summary_cells(r.diagnostics, r.diagnostics_note)),
        ]
        for r in section.results
    ]
    if section.crowd_diagnostics is not None:
        rows.append(
            [CROWD_LABEL, *map(markdown_text, diagnostics_summary_cells(section.crowd_diagnostics))]
        )
    if not rows:
        return []
    return [
        "",
        f"### {DIAGNOSTICS_TITLE}",
        "",
        "Means over the sub-components (see 'Reading the diagnostics and probes' below; every "
        "figure per sub-component, with its interval, is in results.json and index.html):",
        "",
        *_md_table(DIAGNOSTICS_SUMMARY_HEADER, rows),
    ]


def _probes_markdown(section: FrameworkSection) -> list[str]:
    if not section.probes:
        return []
    rows = [[markdown_text(c) for c in row] for p in section.probes for row in probe_rows(p)]
    return [
        "",
        f"### {PROBES_TITLE}",
        "",
        markdown_text(PROBES_INTRO),
        "",
        *_md_table(PROBE_HEADER, rows),
    ]


def _section_markdown(section: FrameworkSection, board: Leaderboard) -> list[str]:
    lines = [f"## {markdown_text(section.title)}", ""]
    for note in section.notes:
        lines.append(f"- {markdown_text(note)}")
    lines.append("")
    header = [
        "Rank of n (range)",
        "Rater",
        "Kind",
        "Items",
        "Verdicts (like for like)",
        "Mean Δ [interval]",
        "Mean κ vs consensus [interval]",
        "Parse rate",
        "Note",
    ]
    rows = [_run_cells(r, board, section) for r in section.results]
    rows += [c for c in (_crowd_cells(section), _experts_cells(section)) if c is not None]
    lines += [markdown_text(TABLE_NOTE), ""]
    if items_note(section):
        lines += [f"**{markdown_text(items_note(section))}**", ""]
    lines += _md_table(header, rows)
    labels = [markdown_text(section.sub_component_labels[s]) for s in section.sub_components]
    lines += ["", "Δ (leave one out) per sub-component [interval], verdict:", ""]
    lines += _md_table(["Rater", *labels], _per_sub_rows(section, "difference"))
    lines += _alt_test_markdown(section)
    lines += ["", "κ against the expert consensus per sub-component [interval]:", ""]
    lines += _md_table(["Rater", *labels], _per_sub_rows(section, "kappa"))
    lines += _diagnostics_markdown(section)
    lines += _probes_markdown(section)
    lines.append("")
    return lines


def _alt_test_markdown(section: FrameworkSection) -> list[str]:
    """Alternative Annotator Test passes per scale granularity, one line per rater."""
    named = [(r.label, r.assessment) for r in section.results]
    if section.crowd is not None:
        named.append((CROWD_LABEL, section.crowd))
    lines = []
    for label, assessment in named:
        if assessment is None:
            continue
        parts = alt_test_by_scale(assessment, section.spec.scales)
        if parts:
            lines.append(f"- {markdown_text(label)}: {'; '.join(parts)}")
    if not lines:
        return []
    title = "Alternative Annotator Test, per scale granularity (never add counts over scales):"
    return ["", title, "", *lines]


def _per_sub_rows(section: FrameworkSection, figure: str) -> list[list[str]]:
    rows: list[list[str]] = []
    named: list[tuple[str, Assessment | None, RunResult | None]] = [
        (r.label, r.assessment, r) for r in section.results
    ]
    if section.crowd is not None:
        named.append((CROWD_LABEL, section.crowd, None))
    for label, assessment, result in named:
        cells = [markdown_text(label)]
        for sub in section.sub_components:
            cells.append(_sub_cell(assessment, result, sub, figure))
        rows.append(cells)
    if section.experts is not None and figure == "difference":
        rows.append(
            [
                f"{EXPERTS_LABEL}: κ(expert k, R_k)",
                *(interval(section.experts.result(s).loo_experts) for s in section.sub_components),
            ]
        )
    return rows


def _sub_cell(
    assessment: Assessment | None, result: RunResult | None, sub: str, figure: str
) -> str:
    if assessment is None:
        return MISSING
    try:
        found = assessment.result(sub)
    except KeyError:
        return MISSING
    if figure == "kappa":
        return interval(found.kappa)
    verdict = result.verdicts.get(sub, found.verdict) if result is not None else found.verdict
    note = settle_note(found, verdict)
    return f"{interval(found.difference, signed=True)} {verdict}" + (f" ({note})" if note else "")


def leaderboard_markdown(board: Leaderboard) -> str:
    """The leaderboard as a Markdown document.

    Args:
        board: The computed leaderboard.

    Returns:
        Markdown: how runs are judged, the overall table, one section per framework, the
        legend, the notes and the logs used.
    """
    settings = board.settings
    lines = [
        "# Empathy-judge leaderboard",
        "",
        *(f"> **{markdown_text(w)}**\n" for w in board.warnings),
        "Every run is judged against the expert panel carried in its own log, on exactly the "
        "items it scored, like for like: each expert is compared with the mean of the other "
        "experts, and so is the candidate (Δ = candidate − experts). The primary column counts "
        "the verdicts per sub-component. Ranks compare only runs over the same items; the rank "
        "key is the mean Δ. "
        f"Intervals: {settings.confidence:.0%} item bootstrap, {settings.n_resamples:,} "
        "resamples. Every symbol is explained in the legend below.",
        "",
        "## Overall",
        "",
    ]
    if board.overall_frameworks:
        lines.append(
            "Ranked overall: models ranked on each of "
            + markdown_text(", ".join(board.overall_frameworks))
            + "; key: the mean over these frameworks of the mean Δ."
        )
    else:
        lines.append("No model is ranked on any framework, so there is no overall rank.")
    lines.append("")
    header = [
        "Rank of n (range)",
        "Model",
        "Kind",
        "Frameworks",
        "Verdicts (like for like)",
        "Mean Δ",
        "Parse rate",
        "Tokens",
        "Wall time",
        "Not ranked because",
    ]
    lines += _md_table(header, [_overall_cells(r, board) for r in board.overall])
    lines.append("")
    for section in board.sections:
        lines += _section_markdown(section, board)
    if board.unpaired_probes:
        lines += ["## Probe runs not paired", ""]
        for unpaired in board.unpaired_probes:
            lines.append(
                f"- {markdown_text(unpaired.run.model)} × {markdown_text(unpaired.run.framework)}"
                f", probe {markdown_text(unpaired.run.probe.label if unpaired.run.probe else '')}"
                f" ({markdown_code(board.log_name(unpaired.run.location))}): "
                f"{markdown_text(_skip_reason(board, unpaired.reason))}"
            )
        lines.append("")
    lines += [
        f"## {READING_TITLE}",
        "",
        f"- **Diagnostics** — {markdown_text(DIAGNOSTICS_INTRO)}",
        f"- **Probes** — {markdown_text(PROBES_INTRO)}",
        "",
        "## Legend",
        "",
    ]
    for symbol, meaning in legend(settings):
        lines.append(f"- **{markdown_text(symbol)}** — {markdown_text(meaning)}")
    lines += ["", "## Notes", ""]
    for note in board.notes:
        lines.append(f"- {markdown_text(note)}")
    lines += ["", "## Logs used", ""]
    for run in board.runs.runs:
        probe = f" (probe {run.probe.label})" if run.probe else ""
        lines.append(
            f"- {markdown_text(run.model)} × {markdown_text(run.framework)}"
            f"{markdown_text(probe)}: {markdown_code(board.log_name(run.location))}"
        )
    for skipped in board.runs.skipped:
        lines.append(
            f"- not used: {markdown_code(board.log_name(skipped.location))} "
            f"({markdown_text(_skip_reason(board, skipped.reason))})"
        )
    lines.append("")
    return "\n".join(lines)


# -- CSV --------------------------------------------------------------------------------------

_CSV_COLUMNS = [
    "section",
    "framework",
    "rank",
    "rank_low",
    "rank_high",
    "label",
    "kind",
    "not_ranked_because",
    "n_items",
    "n_sub_components",
    *(f"n_{v.replace(' ', '_')}" for v in VERDICTS),
    "mean_difference",
    "mean_difference_low",
    "mean_difference_high",
    "mean_kappa",
    "mean_kappa_low",
    "mean_kappa_high",
    "parse_rate",
    "flags",
    "log",
]


def _csv_record(
    section: str,
    framework: str,
    label: str,
    kind: str,
    *,
    rank: RankRange | None,
    unranked: str,
    n_items: int | None,
    counts: Mapping[Verdict, int],
    difference: Estimate | None,
    kappa: Estimate | None,
    parse_rate: float | None,
    flags: str,
    log: str,
) -> dict[str, Any]:
    missing = Estimate.missing()
    d, k = difference or missing, kappa or missing
    return {
        "section": section,
        "framework": framework,
        "rank": rank.rank if rank else None,
        "rank_low": rank.low if rank else None,
        "rank_high": rank.high if rank else None,
        "label": label,
        "kind": kind,
        "not_ranked_because": unranked,
        "n_items": n_items,
        "n_sub_components": sum(counts.values()) if counts else None,
        **{f"n_{v.replace(' ', '_')}": counts.get(v) for v in VERDICTS},
        "mean_difference": d.value,
        "mean_difference_low": d.low,
        "mean_difference_high": d.high,
        "mean_kappa": k.value,
        "mean_kappa_low": k.low,
        "mean_kappa_high": k.high,
        "parse_rate": parse_rate,
        "flags": flags,
        "log": log,
    }


def leaderboard_frame(board: Leaderboard) -> pd.DataFrame:
    """The leaderboard flat: one row per overall model, per run and per reference row.

    Text cells are neutralised for spreadsheets (`safe_text.csv_cell`).
    """
    records: list[dict[str, Any]] = []
    for row in board.overall:
        records.append(
            _csv_record(
                "overall",
                "",
                row.label,
                row.kind,
                rank=row.rank,
                unranked=row.unranked,
                n_items=None,
                counts=dict(row.verdicts),
                difference=Estimate(row.score, math.nan, math.nan),
                kappa=None,
                parse_rate=row.parse_rate,
                flags="",
                log="",
            )
        )
    for section in board.sections:
        for result in section.results:
            a = result.assessment
            records.append(
                _csv_record(
                    section.key,
                    section.framework,
                    result.label,
                    result.kind,
                    rank=result.rank,
                    unranked=result.unranked,
                    n_items=result.n_items,
                    counts=dict(result.verdict_counts()),
                    difference=a.mean_difference if a else None,
                    kappa=a.mean_kappa if a else None,
                    parse_rate=result.parse_rate,
                    flags="; ".join(result.flags),
                    log=board.log_name(result.run.location),
                )
            )
        if section.crowd is not None:
            records.append(
                _csv_record(
                    section.key,
                    section.framework,
                    CROWD_LABEL,
                    "crowd",
                    rank=None,
                    unranked="reference row",
                    n_items=len(section.items),
                    counts=dict(section.crowd.verdict_counts()),
                    difference=section.crowd.mean_difference,
                    kappa=section.crowd.mean_kappa,
                    parse_rate=None,
                    flags="",
                    log="",
                )
            )
    frame = pd.DataFrame.from_records(records, columns=_CSV_COLUMNS)
    return frame.map(csv_cell)


# -- JSON -------------------------------------------------------------------------------------


def _json_number(value: float | None) -> float | None:
    # JSON has no NaN: missing figures become null.
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _estimate_json(estimate: Estimate) -> dict[str, float | None]:
    return {
        "value": _json_number(estimate.value),
        "lower": _json_number(estimate.low),
        "upper": _json_number(estimate.high),
    }


def assessment_json(
    assessment: Assessment, verdicts: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Every per-sub-component figure of one assessment, machine-readable.

    Args:
        assessment: The engine's assessment.
        verdicts: The report's verdicts (default: the engine's).

    Returns:
        The leave-one-out table, the Alternative Annotator Test, the expert swap, κ against
        the consensus and the paper's comparison (labelled as the paper's).
    """
    subs = assessment.sub_components
    verdicts = verdicts or {s.sub_component: s.verdict for s in subs}
    return {
        "n_items": assessment.n_items,
        "judged_against": list(assessment.raters),
        "notes": list(assessment.notes),
        "mean_kappa": _estimate_json(assessment.mean_kappa),
        "mean_difference": _estimate_json(assessment.mean_difference),
        "framework_verdict": (
            assessment.framework_verdict.verdict if assessment.framework_verdict else None
        ),
        "verdict_control": FAMILY_CONTROL,
        "leave_one_out": [
            {
                "sub_component": s.sub_component,
                "n_items": s.n_items,
                "candidate_kappa": _json_number(s.loo_candidate.value),
                "expert_kappa": _json_number(s.loo_experts.value),
                "difference": _json_number(s.difference.value),
                "lower": _json_number(s.difference.low),
                "upper": _json_number(s.difference.high),
                "verdict": verdicts.get(s.sub_component, s.verdict),
                "engine_verdict": s.verdict,
                "uncorrected_verdict": s.marginal_verdict,
                "std_error": _json_number(
                    s.like_for_like.std_error if s.like_for_like else math.nan
                ),
                "items_to_settle": (
                    items_to_settle(s)
                    if verdicts.get(s.sub_component, s.verdict) == "inconclusive"
                    else None
                ),
            }
            for s in subs
        ],
        "alt_test": [
            {
                "sub_component": s.sub_component,
                "epsilon": _json_number(s.alt_test.epsilon),
                "omega": _json_number(s.alt_test.omega),
                "rho": _json_number(s.alt_test.rho),
                "passes": s.alt_test.passes,
                "note": s.alt_test.note,
            }
            for s in subs
            if s.alt_test is not None
        ],
        "expert_swap": [
            {
                "sub_component": s.sub_component,
                "experts_alpha": _json_number(s.experts_alpha),
                "difference": _json_number(s.swap.value),
                "lower": _json_number(s.swap.low),
                "upper": _json_number(s.swap.high),
            }
            for s in subs
        ],
        "kappa_vs_consensus": [
            {
                "sub_component": s.sub_component,
                "kappa": _json_number(s.kappa.value),
                "lower": _json_number(s.kappa.low),
                "upper": _json_number(s.kappa.high),
                "mean_shift": _json_number(s.mean_shift),
            }
            for s in subs
        ],
        "papers_comparison": {
            "label": PAPER_LABEL,
            "rows": [
                {
                    "sub_component": s.sub_component,
                    "kappa": _json_number(s.paper_kappa),
                    "median_expert_pair_kappa": _json_number(s.paper_ceiling),
                    "reaches_ceiling": s.paper_reaches_ceiling
                    if math.isfinite(s.paper_kappa) and math.isfinite(s.paper_ceiling)
                    else None,
                }
                for s in subs
            ],
        },
    }


def _optional_estimate(estimate: Estimate | None) -> dict[str, float | None] | None:
    return None if estimate is None else _estimate_json(estimate)


def _sub_diagnostics_json(sub: SubComponentDiagnostics, raters: tuple[str, ...]) -> dict[str, Any]:
    leniency, scale, length, polarity = (
        sub.leniency,
        sub.scale_use,
        sub.length_bias,
        sub.polarity_check,
    )
    return {
        "sub_component": sub.sub_component,
        "polarity": sub.polarity,
        "leniency": {
            "n_items": leniency.n_items,
            "candidate": _estimate_json(leniency.candidate),
            "crowd": _optional_estimate(leniency.crowd),
            # No per-expert leniency on a one-expert panel (there is no consensus to sit beside).
            "experts": {
                rater: _estimate_json(e) for rater, e in zip(raters, leniency.experts, strict=True)
            }
            if leniency.experts
            else {},
            "experts_abs": _estimate_json(leniency.experts_abs),
        },
        "scale_use": {
            "label": scale.label,
            "constant": scale.constant,
            "constant_level": _json_number(scale.constant_level),
            "n_rated": scale.n_rated,
            "levels": [
                {
                    "level": _json_number(level),
                    "candidate": _estimate_json(mine),
                    "experts": _estimate_json(theirs),
                }
                for level, mine, theirs in zip(
                    scale.levels, scale.shares, scale.experts_shares, strict=True
                )
            ],
            "off_scale": _estimate_json(scale.off_scale),
            "ends": _estimate_json(scale.ends),
            "experts_ends": _estimate_json(scale.experts_ends),
            "spread_ratio": _estimate_json(scale.spread_ratio),
        },
        "length_bias": None
        if length is None
        else {
            "n_items": length.n_items,
            "candidate_rho": _estimate_json(length.candidate),
            "experts_rho": _estimate_json(length.experts),
            "experts_abs_rho": _estimate_json(length.experts_abs),
            "experts_each": {
                rater: _estimate_json(e)
                for rater, e in zip(raters, length.experts_each, strict=True)
            }
            if length.experts_each
            else {},
        },
        "polarity_check": None
        if polarity is None
        else {
            "positives": list(polarity.positives),
            "candidate_rho": _estimate_json(polarity.candidate),
            "experts_rho": _estimate_json(polarity.experts),
            "difference": _estimate_json(polarity.difference),
            "as_if_positive": polarity.as_if_positive,
        },
    }


def diagnostics_json(diagnostics: Diagnostics) -> dict[str, Any]:
    """Every diagnostic figure of one rater, machine-readable (see `scorers.diagnostics`).

    Args:
        diagnostics: The rater's diagnostics.

    Returns:
        The summary over sub-components (leniency beside the crowd's and the experts', the
        constant sub-components with their label, the length bias beside the experts', the
        polarity flags) and, per sub-component, every figure with its interval.
    """
    return {
        "n_items": diagnostics.n_items,
        "judged_against": list(diagnostics.raters),
        "n_resamples": diagnostics.n_resamples,
        "confidence": diagnostics.confidence,
        "notes": list(diagnostics.notes),
        "summary": {
            "leniency": _estimate_json(diagnostics.leniency),
            "crowd_leniency": _optional_estimate(diagnostics.crowd_leniency),
            "experts_abs_leniency": _estimate_json(diagnostics.experts_abs_leniency),
            "min_spread_ratio": _json_number(diagnostics.min_spread_ratio),
            "constant": {
                s.sub_component: s.scale_use.label
                for s in diagnostics.sub_components
                if s.scale_use.constant
            },
            "length_bias_rho": _optional_estimate(diagnostics.length_bias),
            "experts_length_bias_rho": _optional_estimate(diagnostics.experts_length_bias),
            "experts_abs_length_bias_rho": _optional_estimate(diagnostics.experts_abs_length_bias),
            "polarity_flags": list(diagnostics.polarity_flags),
        },
        "sub_components": [
            _sub_diagnostics_json(s, diagnostics.raters) for s in diagnostics.sub_components
        ],
    }


def probe_json(result: ProbeResult, board: Leaderboard) -> dict[str, Any]:
    """One probe run against its plain partner, machine-readable (see `reports.probes`)."""
    return {
        "label": result.label,
        "probe": result.probe.name,
        "probe_version": result.probe.version,
        "target": result.target,
        "probe_log": board.log_name(result.probe_run.location),
        "plain_log": board.log_name(result.plain_run.location),
        "n_items": len(result.items),
        "excluded_unchanged_items": list(result.excluded),
        "not_applicable": result.not_applicable or None,
        "n_resamples": result.n_resamples,
        "mean_shift": _estimate_json(result.mean_shift),
        "mean_delta_kappa": _estimate_json(result.mean_delta_kappa),
        "sub_components": [
            {
                "sub_component": s.sub_component,
                "n_items": s.n_items,
                "scale_top": _json_number(s.top),
                "shift": _estimate_json(s.shift),
                "moved": _estimate_json(s.moved),
                "toward_top": _estimate_json(s.toward_top),
                "plain_kappa": _estimate_json(s.plain_kappa),
                "probe_kappa": _estimate_json(s.probe_kappa),
                "delta_kappa": _estimate_json(s.delta_kappa),
            }
            for s in result.shifts
        ]
        if not result.not_applicable
        else [
            {"sub_component": s, "not_applicable": result.not_applicable}
            for s in result.sub_components
        ],
    }


def _rank_json(rank: RankRange | None) -> dict[str, int] | None:
    return None if rank is None else {"rank": rank.rank, "low": rank.low, "high": rank.high}


def _run_json(result: RunResult, board: Leaderboard) -> dict[str, Any]:
    a = result.assessment
    return {
        "label": result.label,
        "kind": result.kind,
        "reference": result.is_reference,
        "annotator": result.annotator,
        "log": board.log_name(result.run.location),
        "created": result.run.created,
        "n_items": result.n_items,
        "parse_rate": _json_number(result.parse_rate),
        "flags": list(result.flags),
        "rank": _rank_json(result.rank),
        "not_ranked_because": result.unranked or None,
        "verdicts": dict(result.verdict_counts()) if a else None,
        "tokens": result.run.total_tokens,
        "seconds": _json_number(result.run.seconds),
        **({"assessment": assessment_json(a, result.verdicts)} if a else {"assessment": None}),
        "diagnostics": None if result.diagnostics is None else diagnostics_json(result.diagnostics),
        "diagnostics_note": result.diagnostics_note or None,
    }


def _section_json(section: FrameworkSection, board: Leaderboard) -> dict[str, Any]:
    experts = section.experts
    return {
        "framework": section.framework,
        "title": section.title,
        "panel": section.spec.to_dict(),
        "n_items": len(section.items),
        "sub_components": list(section.sub_components),
        "n_reference_items": section.n_reference_items,
        "notes": list(section.notes),
        "runs": [_run_json(r, board) for r in section.results],
        "crowd": None
        if section.crowd is None
        else {
            "label": CROWD_LABEL,
            "verdicts": dict(section.crowd.verdict_counts()),
            "assessment": assessment_json(section.crowd),
            "diagnostics": None
            if section.crowd_diagnostics is None
            else diagnostics_json(section.crowd_diagnostics),
        },
        "experts": None
        if experts is None
        else {
            "label": EXPERTS_LABEL,
            "mean_expert_kappa": _json_number(experts_mean(experts)),
            "sub_components": [
                {
                    "sub_component": s.sub_component,
                    "expert_kappa": _estimate_json(s.loo_experts),
                    "median_expert_pair_kappa": _estimate_json(s.ceiling),
                    "experts_alpha": _json_number(s.experts_alpha),
                    "paper_median_expert_pair_kappa": _json_number(s.paper_ceiling),
                }
                for s in experts.sub_components
            ],
        },
        "probes": [probe_json(p, board) for p in section.probes],
    }


def leaderboard_json(board: Leaderboard) -> dict[str, Any]:
    """Every figure of the leaderboard, machine-readable (NaN written as null)."""
    settings = board.settings
    return {
        "settings": {
            "kappa": "value-based quadratic weighted kappa (Cohen's kappa when nominal)",
            "ranking_key": "mean over sub-components of the leave-one-out difference "
            "(candidate - experts)",
            "interval": "percentile item bootstrap, paired for differences",
            "n_resamples": settings.n_resamples,
            "confidence": settings.confidence,
            "seed": settings.seed,
            "margin": settings.margin,
            "alt_test_epsilon": settings.alt_epsilon,
            "flag_parse_rate_below": settings.flag_parse_rate,
            "rank_parse_rate_at_least": settings.rank_parse_rate,
            "min_verdict_items": settings.min_verdict_items,
        },
        "legend": {symbol: meaning for symbol, meaning in legend(settings)},
        "notes": list(board.notes),
        "warnings": list(board.warnings),
        "overall": {
            "frameworks": list(board.overall_frameworks),
            "rows": [
                {
                    "label": row.label,
                    "kind": row.kind,
                    "rank": _rank_json(row.rank),
                    "not_ranked_because": row.unranked or None,
                    "score": _json_number(row.score),
                    "frameworks": list(row.frameworks),
                    "verdicts": dict(row.verdicts),
                    "parse_rate": _json_number(row.parse_rate),
                    "tokens": row.total_tokens,
                    "seconds": _json_number(row.seconds),
                }
                for row in board.overall
            ],
        },
        "frameworks": {s.key: _section_json(s, board) for s in board.sections},
        "probes_unpaired": [
            {
                "label": u.run.model,
                "framework": u.run.framework,
                "probe": u.run.probe_name,
                "log": board.log_name(u.run.location),
                "reason": _skip_reason(board, u.reason),
            }
            for u in board.unpaired_probes
        ],
        "logs_used": [
            {
                "model": r.model,
                "framework": r.framework,
                "probe": r.probe_name,
                "log": board.log_name(r.location),
                "created": r.created,
            }
            for r in board.runs.runs
        ],
        "logs_skipped": [
            {"log": board.log_name(s.location), "reason": _skip_reason(board, s.reason)}
            for s in board.runs.skipped
        ],
    }


def dumps_json(data: Mapping[str, Any]) -> str:
    """JSON text of results (strict: no NaN)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
