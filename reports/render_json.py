"""Every figure of the leaderboard, machine-readable: `results.json` (NaN written as null)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..scorers.agreement import Assessment, SubComponentResult
from ..scorers.diagnostic_results import Diagnostics, SubComponentDiagnostics
from ..scorers.shown_statistics import Group, group_statistics, report_groups
from ..scorers.verdicts import FAMILY_CONTROL, Estimate, RankRange
from .formatting import (
    legend,
)
from .probes import ProbeResult
from .prose import (
    CROWD_LABEL,
    EXPERTS_LABEL,
    PAPER_LABEL,
    experts_mean,
    skip_reason,
)
from .results import FrameworkSection, Leaderboard, RunResult
from .verdict_plan import items_to_settle

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


def _statistics_json(group: Group, result: SubComponentResult) -> dict[str, Any]:
    """One sub-component's row of a registry table: each statistic, its interval after it."""
    row: dict[str, Any] = {"sub_component": result.sub_component}
    for statistic in group_statistics(group):
        estimate = statistic.read(result)
        if statistic.count:
            row[statistic.key] = int(estimate.value) if math.isfinite(estimate.value) else None
            continue
        row[statistic.key] = _json_number(estimate.value)
        if statistic.interval:
            row["lower"] = _json_number(estimate.low)
            row["upper"] = _json_number(estimate.high)
    return row


def assessment_json(
    assessment: Assessment, verdicts: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Every per-sub-component figure of one assessment, machine-readable.

    Args:
        assessment: The engine's assessment.
        verdicts: The report's verdicts (default: the engine's).

    Returns:
        The registry's tables (`scorers.shown_statistics`: the leave-one-out table, with the
        verdicts, then the Alternative Annotator Test, then the expert swap and κ against the
        consensus) and the paper's comparison (labelled as the paper's).
    """
    subs = assessment.sub_components
    verdicts = verdicts or {s.sub_component: s.verdict for s in subs}

    def verdict_fields(s: SubComponentResult) -> dict[str, Any]:
        verdict = verdicts.get(s.sub_component, s.verdict)
        return {
            "verdict": verdict,
            "engine_verdict": s.verdict,
            "uncorrected_verdict": s.marginal_verdict,
            "std_error": _json_number(s.like_for_like.std_error if s.like_for_like else math.nan),
            "items_to_settle": items_to_settle(s) if verdict == "inconclusive" else None,
        }

    first, *others = report_groups()
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
        # The first table is the verdict's: its rows end with the verdict.
        first.key: [{**_statistics_json(first, s), **verdict_fields(s)} for s in subs],
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
        **{group.key: [_statistics_json(group, s) for s in subs] for group in others},
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
            "n_resamples": settings.bootstrap.n_resamples,
            "confidence": settings.bootstrap.confidence,
            "seed": settings.bootstrap.seed,
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
                "reason": skip_reason(board, u.reason),
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
            {"log": board.log_name(s.location), "reason": skip_reason(board, s.reason)}
            for s in board.runs.skipped
        ],
    }


def dumps_json(data: Mapping[str, Any]) -> str:
    """JSON text of results (strict: no NaN)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
