"""`empathy-judge plan`'s output: its rows as JSON or as a text table with a legend."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict

from ..scorers.sample_size import (
    MAX_ITEMS,
)
from .plan import GATE_DROPS, PlanRow

#: How the verdict's items are planned, for the legend and the JSON.
PILOT_ALLOWANCE = (
    "The verdict's items allow for the pilot's own uncertainty about its spread: the power holds "
    "on average over pilots of this size (expected power), not only for a pilot whose spread "
    "happens to be the truth's."
)


def plan_json(rows: Sequence[PlanRow], *, margin: float, power: float, level: float) -> str:
    """The plan as JSON: settings, then ``rows`` (None where no number of items suffices)."""

    def clean(row: PlanRow) -> dict[str, object]:
        return {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in asdict(row).items()
        }

    return json.dumps(
        {
            "margin": margin,
            "power": power,
            "level": level,
            "gate_drops": list(GATE_DROPS),
            "max_items": MAX_ITEMS,
            "verdict_items": PILOT_ALLOWANCE,
            "rows": [clean(r) for r in rows],
        },
        indent=2,
    )


def _n(value: int | None) -> str:
    return f">{MAX_ITEMS}" if value is None else str(value)


def plan_text(rows: Sequence[PlanRow], *, margin: float, power: float, level: float) -> str:
    """A plain-text plan per framework."""
    lines = [
        f"Items for a conclusive like-for-like verdict ({power:.0%} power, margin {margin:g}, "
        f"{level:.0%} interval) and for the gate to catch a drop; expert ratings = items × "
        "experts."
    ]
    head = (
        f"{'framework':<20} {'sub_component':<28} {'now':>4} {'Δ (SE)':>14} {'verdict':>12} "
        f"{'Δ=0':>7} {'Δ=pilot':>8} {'gate 0.1':>9} {'gate 0.2':>9} {'ratings Δ=0':>12}"
    )
    lines.append(head)
    for r in rows:
        delta = f"{r.difference:+.2f} ({r.std_error:.2f})" if math.isfinite(r.std_error) else "—"
        ratings = _n(r.expert_ratings_at_zero) if r.items_needed_at_zero is not None else "—"
        lines.append(
            f"{r.framework:<20} {r.sub_component:<28} {r.items_now:>4} {delta:>14} "
            f"{r.verdict_now:>12} {_n(r.items_needed_at_zero):>7} "
            f"{_n(r.items_needed_observed):>8} {_n(r.gate_items_drop_0_1):>9} "
            f"{_n(r.gate_items_drop_0_2):>9} {ratings:>12}"
        )
    lines.append(
        "now: the pilot's items; Δ=0: if the judge is as good as an expert; Δ=pilot: if the "
        "pilot's Δ is the truth; gate: items for compare (one framework) to flag that drop "
        "between two raters that err independently (fewer for two versions of one judge, "
        "which err alike). " + PILOT_ALLOWANCE
    )
    return "\n".join(lines)
