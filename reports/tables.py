"""The leaderboard as Markdown, CSV and JSON: `leaderboard.md`, `.csv`, `results.json`."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from empathy_judge.datasets.rubric import load_framework
from empathy_judge.reports.leaderboard import FrameworkResult, Leaderboard, LeaderboardRow


def _num(value: float | None, digits: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f}"


def framework_title(framework: str) -> str:
    """Human-readable framework name, falling back to the id."""
    try:
        return load_framework(framework).title
    except KeyError:
        return framework


def framework_cell(result: FrameworkResult | None) -> str:
    """One leaderboard cell: median κw [interval] · sub-components at expert level · ratio."""
    if result is None:
        return "—"
    return (
        f"{_num(result.median_kappa)} [{_num(result.low)}, {_num(result.high)}]"
        f" · {result.n_at_expert_level}/{result.n_sub_components}"
        f" · {_num(result.relative_to_ceiling)}×"
    )


def kind_label(row: LeaderboardRow) -> str:
    """The row's kind as shown: "model" or "reference: <kind>"."""
    return "model" if row.kind == "model" else f"reference: {row.kind}"


def format_tokens(value: int | None) -> str:
    """Token count with thousands separators, or a dash."""
    return "—" if value is None else f"{value:,}"


def format_seconds(value: float | None) -> str:
    """Wall time in seconds, or a dash."""
    return "—" if value is None else f"{value:.1f} s"


def leaderboard_markdown(board: Leaderboard) -> str:
    """The leaderboard as a Markdown document.

    Args:
        board: The computed leaderboard.

    Returns:
        Markdown: the table, a legend, the notes and the logs used.
    """
    titles = [framework_title(f) for f in board.frameworks]
    header = ["Rank", "Model", "Kind", *titles, "Parse rate", "Tokens", "Time (Σ runs)"]
    lines = [
        "# Empathy-judge leaderboard",
        "",
        f"κw = value-based quadratic weighted κ against the expert median; median across a "
        f"framework's sub-components with its {board.confidence:.0%} bootstrap interval "
        f"({board.n_resamples:,} item resamples), then the sub-components at expert level "
        f"(κw ≥ median expert-pair κw) and κw relative to the expert ceiling. "
        f"Rank: mean ratio to the ceiling over the frameworks a model ran. "
        "Rows marked *reference* are not runs: they come from "
        + (
            "the authors' published release."
            if board.reference_source == "release"
            else "the experts' and crowd's ratings in the logs (release unavailable)."
        ),
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * len(header)) + "|",
    ]
    for row in board.rows:
        cells = [
            str(row.rank) if row.rank is not None else "—",
            _md_escape(row.label),
            kind_label(row),
            *(framework_cell(row.frameworks.get(f)) for f in board.frameworks),
            "—" if row.is_reference else _num(row.parse_rate, 3),
            format_tokens(row.total_tokens),
            format_seconds(row.seconds),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for note in board.notes:
        lines.append(f"- {_md_escape(note)}")
    if board.notes:
        lines.append("")
    lines.append("## Logs used")
    lines.append("")
    for run in board.runs.runs:
        lines.append(f"- `{run.model}` × {run.framework}: `{run.location}`")
    for skipped in board.runs.skipped:
        lines.append(f"- not used: `{skipped.location}` ({_md_escape(skipped.reason)})")
    lines.append("")
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def leaderboard_frame(board: Leaderboard) -> pd.DataFrame:
    """The leaderboard flat, one row per model or reference row, one column per figure."""
    records: list[dict[str, Any]] = []
    for row in board.rows:
        record: dict[str, Any] = {
            "rank": row.rank,
            "model": row.label,
            "kind": row.kind,
            "score": row.score,
        }
        for framework in board.frameworks:
            result = row.frameworks.get(framework)
            record[f"{framework}_median_kappa"] = result.median_kappa if result else math.nan
            record[f"{framework}_low"] = result.low if result else math.nan
            record[f"{framework}_high"] = result.high if result else math.nan
            record[f"{framework}_at_expert_level"] = result.n_at_expert_level if result else None
            record[f"{framework}_n_sub_components"] = result.n_sub_components if result else None
            record[f"{framework}_relative_to_ceiling"] = (
                result.relative_to_ceiling if result else math.nan
            )
            record[f"{framework}_n_items"] = result.n_items if result else None
        record.update(
            {
                "parse_rate": row.parse_rate,
                "input_tokens": row.input_tokens,
                "output_tokens": row.output_tokens,
                "total_tokens": row.total_tokens,
                "seconds": row.seconds,
            }
        )
        records.append(record)
    return pd.DataFrame.from_records(records)


def _json_number(value: float | None) -> float | None:
    # JSON has no NaN: missing figures become null.
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _framework_json(result: FrameworkResult) -> dict[str, Any]:
    return {
        "median_kappa": _json_number(result.median_kappa),
        "interval": [_json_number(result.low), _json_number(result.high)],
        "n_at_expert_level": result.n_at_expert_level,
        "n_sub_components": result.n_sub_components,
        "relative_to_ceiling": _json_number(result.relative_to_ceiling),
        "n_items": result.n_items,
        "sub_components": {
            s.sub_component: {
                "kappa": _json_number(s.kappa),
                "interval": [_json_number(s.low), _json_number(s.high)],
                "paper_kappa": _json_number(s.paper_kappa),
                "expert_ceiling": _json_number(s.ceiling),
                "at_expert_level": s.at_expert_level,
                "n_items": s.n_items,
            }
            for s in result.sub_components
        },
    }


def leaderboard_json(board: Leaderboard) -> dict[str, Any]:
    """Every figure of the leaderboard, machine-readable (NaN written as null)."""
    return {
        "settings": {
            "kappa": "value-based quadratic weighted kappa vs the per-item expert median",
            "paper_kappa": "the study's computation (x100, category-index weights)",
            "interval": "percentile item bootstrap",
            "n_resamples": board.n_resamples,
            "confidence": board.confidence,
            "seed": board.seed,
            "reference_source": board.reference_source,
        },
        "frameworks": list(board.frameworks),
        "expert_ceilings": {
            f: {
                sub: {
                    "median": _json_number(c.median),
                    "min": _json_number(c.low),
                    "max": _json_number(c.high),
                    "pairs": [_json_number(v) for v in c.pairs],
                }
                for sub, c in ceilings.items()
            }
            for f, ceilings in board.ceilings.items()
        },
        "rows": [
            {
                "label": row.label,
                "kind": row.kind,
                "reference": row.is_reference,
                "rank": row.rank,
                "score": _json_number(row.score),
                "parse_rate": _json_number(row.parse_rate),
                "input_tokens": row.input_tokens,
                "output_tokens": row.output_tokens,
                "total_tokens": row.total_tokens,
                "seconds": _json_number(row.seconds),
                "logs": list(row.logs),
                "frameworks": {f: _framework_json(r) for f, r in row.frameworks.items()},
            }
            for row in board.rows
        ],
        "logs_used": [
            {"model": r.model, "framework": r.framework, "log": r.location, "created": r.created}
            for r in board.runs.runs
        ],
        "logs_skipped": [{"log": s.location, "reason": s.reason} for s in board.runs.skipped],
        "notes": list(board.notes),
    }


def dumps_json(data: Mapping[str, Any]) -> str:
    """JSON text of results (strict: no NaN)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
