"""The leaderboard flat, for spreadsheets: `leaderboard.csv` (no formula cells)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..scorers.verdicts import VERDICTS, Estimate, RankRange, Verdict
from .prose import (
    CROWD_LABEL,
)
from .results import Leaderboard
from .safe_text import (
    csv_cell,
)

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
