"""`compare`'s output: a `Comparison` as text, Markdown or JSON (the logic is in `compare`)."""

from __future__ import annotations

import json
import math
import textwrap
from typing import Any, Literal

from ..scorers.agreement import Assessment, SubComponentResult
from ..scorers.gate import DEFAULT_TOLERANCE, GateEntry
from ..scorers.shown_statistics import Statistic, shown_statistics
from .compare import Comparison, Side, kappa_text

OutputFormat = Literal["text", "md", "json"]


def _f(value: float) -> str:
    return f"{value:+.3f}" if math.isfinite(value) else "n/a"


def _p(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.4f}" if value < 0.001 else f"{value:.3f}"


def _rating(value: float) -> str:
    return f"{value:g}"


HEADER = [
    "framework",
    "sub-component",
    "κw base",
    "κw cand",
    "Δκw",
    "bounds",
    "p",
    "n",
    "verdict",
]


def _row(framework: str, sub: str, e: GateEntry) -> list[str]:
    return [
        framework,
        sub,
        kappa_text(e.baseline_kappa),
        kappa_text(e.candidate_kappa),
        _f(e.delta),
        f"[{_f(e.low)}, {_f(e.high)}]",
        _p(e.p_value),
        str(e.n_items),
        e.verdict if not e.reason else f"{e.verdict}: {e.reason}",
    ]


def _table_rows(comparison: Comparison) -> list[tuple[list[str], GateEntry]]:
    """Per framework: its mean first, then its sub-components."""
    return [(_row(framework, sub, e), e) for framework, sub, e in comparison.entries]


def _name(e: GateEntry) -> str:
    return e.name if "/" in e.name else f"{e.name} (mean)"


def _summary(comparison: Comparison) -> str:
    parts = []
    if comparison.not_comparable:
        parts.append(f"NOT COMPARABLE: {'; '.join(comparison.not_comparable)}")
    regressed = comparison.regressed
    if regressed:
        names = ", ".join(_name(e) for e in regressed)
        parts.append(f"REGRESSED ({len(regressed)}): {names}")
    for p in comparison.parse_regressed:
        parts.append(
            f"REGRESSED: {p.framework} parse rate {p.baseline:.1%} → {p.candidate:.1%} "
            f"(fell by more than {comparison.max_parse_drop:g})"
        )
    gate = comparison.gate
    counts = (
        f"{gate.inconclusive} of {len(gate.columns)} sub-components and "
        f"{gate.inconclusive_groups} of {len(gate.groups)} framework means inconclusive"
    )
    if not parts:
        advice = (
            "" if comparison.strict or not comparison.inconclusive else " (--strict fails on these)"
        )
        verdict = "FAILED (--strict): " if comparison.exit_code else "no regression; "
        parts.append(f"{verdict}{counts}{advice}")
    else:
        parts.append(counts)
    return "\n".join(parts)


def _detectable(comparison: Comparison) -> list[str]:
    lines = []
    for group in comparison.gate.groups:
        subs = [
            c.min_detectable_drop
            for c, (f, _) in zip(comparison.gate.columns, comparison.columns, strict=True)
            if f == group.name and math.isfinite(c.min_detectable_drop)
        ]
        span = f"{min(subs):.2f}–{max(subs):.2f}" if subs else "n/a"
        needed = group.items_needed(0.2, comparison.gate.tolerance)
        lines.append(
            f"  {group.name}: framework mean {kappa_text(group.min_detectable_drop)}, "
            f"one sub-component {span}; items for 80% detection of a 0.2 drop of the mean: "
            + (f"{needed:.0f}" if math.isfinite(needed) else "n/a")
        )
    return lines


def _verdict_counts(a: Assessment) -> str:
    counts = a.verdict_counts()
    return ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "no sub-component"


def _side_line(role: str, a: Assessment) -> str:
    k, d = a.mean_kappa, a.mean_difference
    return (
        f"{role} κ {kappa_text(k.value)} [{kappa_text(k.low)}, {kappa_text(k.high)}],"
        " like-for-like Δ vs an expert "
        f"{_f(d.value)} [{_f(d.low)}, {_f(d.high)}] ({_verdict_counts(a)})"
    )


def _own_lines(comparison: Comparison) -> list[str]:
    """Each side against the panel on its own, as the report and the in-run metric say it."""
    lines = []
    for framework, (base, cand) in comparison.assessments.items():
        lines.append(f"  {framework} ({base.n_items} items, {len(base.raters)} experts):")
        lines.append("    " + _side_line("baseline: ", base))
        lines.append("    " + _side_line("candidate:", cand))
    return lines


def _moved_lines(comparison: Comparison) -> list[str]:
    return [
        f"  {m.framework} {m.item_id}: "
        + ", ".join(f"{sub} {_rating(b)}→{_rating(c)}" for sub, b, c in m.changes)
        for m in comparison.moved
    ]


def _method(comparison: Comparison) -> str:
    gate = comparison.gate
    return (
        f"Δκw = κw(candidate) − κw(baseline) against the expert median, on the items both "
        f"rated; paired bootstrap ({gate.n_resamples} resamples, seed {comparison.seed}) within "
        f"each framework, each test scaled by the {gate.std_error_method} standard error; "
        f"bounds are simultaneous one-sided {gate.level:.0%} bounds; p is the "
        f"family-wise adjusted p of a drop ({gate.correction} correction over "
        f"{len(gate.columns)} sub-components and {len(gate.groups)} framework means"
        + (
            "; a mean is tested before its sub-components, so an entry can be flagged while its "
            "simultaneous bound reaches just above 0); "
            if gate.correction == "hierarchical"
            else "); "
        )
        + f"tolerance T = {gate.tolerance:g}; parse-rate threshold {comparison.max_parse_drop:g}"
    )


def format_text(comparison: Comparison) -> str:
    """A plain-text report for a terminal or a CI log."""
    rows = [HEADER, *(cells for cells, _ in _table_rows(comparison))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [
        f"baseline:  {comparison.baseline.model} ({comparison.baseline.spec})",
        f"candidate: {comparison.candidate.model} ({comparison.candidate.spec})",
        textwrap.fill(_method(comparison), width=100),
        "",
        *("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows),
        "",
        "parse rate: "
        + ", ".join(
            f"{p.framework} {p.baseline:.1%} → {p.candidate:.1%}" for p in comparison.parse_rates
        ),
        "smallest drop in κw detectable with 80% power:",
        *_detectable(comparison),
        "each side against the experts (κ vs consensus; like-for-like verdicts per sub-component):",
        *_own_lines(comparison),
    ]
    if comparison.moved:
        lines += ["items whose ratings moved most:", *_moved_lines(comparison)]
    lines += ["", *comparison.notes, _summary(comparison)]
    return "\n".join(lines)


def format_markdown(comparison: Comparison) -> str:
    """A Markdown report (e.g. for a pull-request comment)."""
    lines = [
        f"**Baseline** `{comparison.baseline.model}` · **candidate** "
        f"`{comparison.candidate.model}`",
        "",
        _method(comparison),
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(["---"] * len(HEADER)) + "|",
    ]
    for cells, entry in _table_rows(comparison):
        if entry.verdict == "regressed":
            cells[-1] = "**regressed**"
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Parse rate: "
        + ", ".join(
            f"{p.framework} {p.baseline:.1%} → {p.candidate:.1%}" for p in comparison.parse_rates
        ),
        "",
        "Smallest drop in κw detectable with 80% power:",
        "",
        *(f"- {line.strip()}" for line in _detectable(comparison)),
        "",
        "Each side against the experts (κ vs consensus; like-for-like verdicts per sub-component):",
        "",
        *(f"- {line.strip()}" for line in _own_lines(comparison)),
    ]
    if comparison.moved:
        lines += [
            "",
            "Items whose ratings moved most:",
            "",
            *(f"- {line.strip()}" for line in _moved_lines(comparison)),
        ]
    lines += ["", *(f"- {n}" for n in comparison.notes), ""]
    lines += [f"**{line}**" for line in _summary(comparison).splitlines()]
    return "\n".join(lines)


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _entry_json(e: GateEntry) -> dict[str, Any]:
    return {
        "baseline_kappa": _num(e.baseline_kappa),
        "candidate_kappa": _num(e.candidate_kappa),
        "delta": _num(e.delta),
        "bounds": [_num(e.low), _num(e.high)],
        "std_error": _num(e.std_error),
        "p_value": _num(e.p_value),
        "min_detectable_drop": _num(e.min_detectable_drop),
        "items_for_a_0.2_drop": _num(e.items_needed(0.2, DEFAULT_TOLERANCE)),
        "n_items": e.n_items,
        "verdict": e.verdict,
        "reason": e.reason,
    }


def _estimate_json(e: Any) -> dict[str, float | None]:
    return {"value": _num(e.value), "low": _num(e.low), "high": _num(e.high)}


def _statistic_json(statistic: Statistic, result: SubComponentResult) -> Any:
    """A registry statistic of one sub-component: a count, a number, or value with bounds."""
    estimate = statistic.read(result)
    if statistic.count:
        return int(estimate.value) if math.isfinite(estimate.value) else None
    return _estimate_json(estimate) if statistic.interval else _num(estimate.value)


def _assessment_json(a: Assessment) -> dict[str, Any]:
    return {
        "candidate": a.candidate,
        "kappa": _estimate_json(a.mean_kappa),
        "loo_difference": _estimate_json(a.mean_difference),
        "verdict_counts": dict(a.verdict_counts()),
        "sub_components": [
            {
                "sub_component": sub.sub_component,
                **{
                    str(statistic.compare_field): _statistic_json(statistic, sub)
                    for statistic in shown_statistics("compare")
                },
                "verdict": sub.verdict,
            }
            for sub in a.sub_components
        ],
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """Every figure of the comparison, machine-readable."""

    def side(s: Side) -> dict[str, Any]:
        return {
            "spec": s.spec,
            "model": s.model,
            "probe": s.probe,
            "logs": {f: r.location for f, r in s.runs.items()},
        }

    gate = comparison.gate
    return {
        "baseline": side(comparison.baseline),
        "candidate": side(comparison.candidate),
        "tolerance": gate.tolerance,
        "level": gate.level,
        "correction": gate.correction,
        "n_resamples": gate.n_resamples,
        "seed": comparison.seed,
        "max_parse_drop": comparison.max_parse_drop,
        "strict": comparison.strict,
        "exit_code": comparison.exit_code,
        "regressed": [_name(e) for e in comparison.regressed],
        "parse_rate_regressed": [p.framework for p in comparison.parse_regressed],
        "not_comparable": comparison.not_comparable,
        "inconclusive": comparison.inconclusive,
        "frameworks": [{"framework": g.name, **_entry_json(g)} for g in gate.groups],
        "sub_components": [
            {"framework": f, "sub_component": s, **_entry_json(e)}
            for e, (f, s) in zip(gate.columns, comparison.columns, strict=True)
        ],
        "parse_rates": [
            {
                "framework": p.framework,
                "baseline": _num(p.baseline),
                "candidate": _num(p.candidate),
                "regressed": p.regressed,
            }
            for p in comparison.parse_rates
        ],
        "moved_items": [
            {
                "framework": m.framework,
                "item_id": m.item_id,
                "change": m.change,
                "changes": [
                    {"sub_component": sub, "baseline": b, "candidate": c} for sub, b, c in m.changes
                ],
            }
            for m in comparison.moved
        ],
        "assessments": [
            {
                "framework": framework,
                "n_items": base.n_items,
                "raters": list(base.raters),
                **{
                    role: _assessment_json(a)
                    for role, a in (("baseline", base), ("candidate", cand))
                },
            }
            for framework, (base, cand) in comparison.assessments.items()
        ],
        "notes": list(comparison.notes),
    }


def format_comparison(comparison: Comparison, output: OutputFormat) -> str:
    """The comparison in the chosen format ("text", "md" or "json")."""
    if output == "json":
        return json.dumps(comparison_json(comparison), indent=2, ensure_ascii=False)
    if output == "md":
        return format_markdown(comparison)
    return format_text(comparison)
