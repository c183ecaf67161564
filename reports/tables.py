"""The leaderboard as Markdown, CSV and JSON: `leaderboard.md`, `.csv`, `results.json`.

Text that comes from logs (model names, notes, reasons) goes through `reports.safe_text`: no raw
HTML or table-breaking characters in the Markdown, no formula in the CSV, no bidi override
anywhere, and log paths relative to the report's folder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from empathy_judge.reports.formatting import (
    MISSING,
    interval,
    kind_text,
    legend,
    number,
    parse_rate_text,
    rank_text,
    run_verdicts,
    verdict_summary,
)
from empathy_judge.reports.results import FrameworkSection, Leaderboard, OverallRow, RunResult
from empathy_judge.reports.safe_text import (
    csv_cell,
    markdown_code,
    markdown_text,
    replace_locations,
)
from empathy_judge.scorers.agreement import VERDICTS, Assessment, Estimate, RankRange, Verdict

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


def _overall_cells(row: OverallRow, board: Leaderboard) -> list[str]:
    return [
        rank_text(row.rank),
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


def _run_cells(result: RunResult, board: Leaderboard) -> list[str]:
    assessment = result.assessment
    return [
        rank_text(result.rank),
        markdown_text(result.label),
        kind_text(result.kind),
        str(result.n_items),
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


def _section_markdown(section: FrameworkSection, board: Leaderboard) -> list[str]:
    lines = [f"## {markdown_text(section.title)}", ""]
    for note in section.notes:
        lines.append(f"- {markdown_text(note)}")
    lines.append("")
    header = [
        "Rank (range)",
        "Rater",
        "Kind",
        "Items",
        "Verdicts (like for like)",
        "Mean Δ [interval]",
        "Mean κ vs consensus [interval]",
        "Parse rate",
        "Note",
    ]
    rows = [_run_cells(r, board) for r in section.results]
    rows += [c for c in (_crowd_cells(section), _experts_cells(section)) if c is not None]
    lines += _md_table(header, rows)
    labels = [markdown_text(section.sub_component_labels[s]) for s in section.sub_components]
    lines += ["", "Δ (leave one out) per sub-component [interval], verdict:", ""]
    lines += _md_table(["Rater", *labels], _per_sub_rows(section, "difference"))
    lines += ["", "κ against the expert consensus per sub-component [interval]:", ""]
    lines += _md_table(["Rater", *labels], _per_sub_rows(section, "kappa"))
    lines.append("")
    return lines


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
    return f"{interval(found.difference, signed=True)} {verdict}"


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
        "Rank (range)",
        "Model",
        "Kind",
        "Frameworks",
        "Verdicts (like for like)",
        "Mean Δ",
        "Parse rate",
        "Tokens",
        "Time (Σ runs)",
        "Not ranked because",
    ]
    lines += _md_table(header, [_overall_cells(r, board) for r in board.overall])
    lines.append("")
    for section in board.sections:
        lines += _section_markdown(section, board)
    lines += ["## Legend", ""]
    for symbol, meaning in legend(settings):
        lines.append(f"- **{markdown_text(symbol)}** — {markdown_text(meaning)}")
    lines += ["", "## Notes", ""]
    for note in board.notes:
        lines.append(f"- {markdown_text(note)}")
    lines += ["", "## Logs used", ""]
    for run in board.runs.runs:
        lines.append(
            f"- {markdown_text(run.model)} × {markdown_text(run.framework)}: "
            f"{markdown_code(board.log_name(run.location))}"
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
        "logs_used": [
            {
                "model": r.model,
                "framework": r.framework,
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
