"""The leaderboard as Markdown: `leaderboard.md`.

Text that comes from logs (model names, notes, reasons) goes through `reports.safe_text`: no raw
HTML or table-breaking characters, no bidi override, and log paths relative to the report's
folder.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..scorers.agreement import Assessment, SubComponentResult
from ..scorers.shown_statistics import Statistic, shown_statistics
from .formatting import (
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
    statistic_text,
    verdict_summary,
)
from .prose import (
    CROWD_LABEL,
    DIAGNOSTICS_INTRO,
    DIAGNOSTICS_SUMMARY_HEADER,
    DIAGNOSTICS_TITLE,
    EXPERTS_LABEL,
    PROBE_HEADER,
    PROBES_INTRO,
    PROBES_TITLE,
    READING_TITLE,
    TABLE_NOTE,
    diagnostics_summary_cells,
    experts_mean,
    fewer_items,
    items_note,
    probe_rows,
    ranked_count,
    skip_reason,
)
from .results import FrameworkSection, Leaderboard, OverallRow, RunResult
from .safe_text import (
    markdown_code,
    markdown_text,
)
from .verdict_plan import settle_note


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_md_row(header), "|" + "|".join(["---"] * len(header)) + "|", *map(_md_row, rows)]


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
    lines += _md_table(["Rater", *labels], _per_sub_rows(section, _verdict_cell))
    lines += _alt_test_markdown(section)
    for statistic in shown_statistics("summary"):
        what = " [interval]" if statistic.interval else ""
        lines += ["", f"{statistic.title} per sub-component{what}:", ""]
        lines += _md_table(
            ["Rater", *labels], _per_sub_rows(section, partial(_statistic_cell, statistic))
        )
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


#: One cell of a per-sub-component table: (the sub-component's result, the run's result).
_Cell = Callable[[SubComponentResult, RunResult | None], str]


def _per_sub_rows(section: FrameworkSection, cell: _Cell) -> list[list[str]]:
    rows: list[list[str]] = []
    named: list[tuple[str, Assessment | None, RunResult | None]] = [
        (r.label, r.assessment, r) for r in section.results
    ]
    if section.crowd is not None:
        named.append((CROWD_LABEL, section.crowd, None))
    for label, assessment, result in named:
        cells = [markdown_text(label)]
        for sub in section.sub_components:
            found = _sub_result(assessment, sub)
            cells.append(MISSING if found is None else cell(found, result))
        rows.append(cells)
    if section.experts is not None and cell is _verdict_cell:
        rows.append(
            [
                f"{EXPERTS_LABEL}: κ(expert k, R_k)",
                *(interval(section.experts.result(s).loo_experts) for s in section.sub_components),
            ]
        )
    return rows


def _sub_result(assessment: Assessment | None, sub: str) -> SubComponentResult | None:
    if assessment is None:
        return None
    try:
        return assessment.result(sub)
    except KeyError:
        return None


def _statistic_cell(statistic: Statistic, found: SubComponentResult, _: RunResult | None) -> str:
    return statistic_text(statistic, statistic.read(found))


def _verdict_cell(found: SubComponentResult, result: RunResult | None) -> str:
    """Δ with its interval and the verdict the report counts (the verdict table's cell)."""
    sub = found.sub_component
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
        f"Intervals: {settings.bootstrap.confidence:.0%} item bootstrap, "
        f"{settings.bootstrap.n_resamples:,} resamples. Every symbol is explained in the legend "
        "below.",
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
                f"{markdown_text(skip_reason(board, unpaired.reason))}"
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
            f"({markdown_text(skip_reason(board, skipped.reason))})"
        )
    lines.append("")
    return "\n".join(lines)
