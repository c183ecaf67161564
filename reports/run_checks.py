"""Checks that a run read from a log can be reported: a malformed log is skipped, never a crash.

A log is written by the task, but a log on disk can be edited, truncated by hand or produced by
another version. `run_problem` says in one line why a run cannot be reported (None when it can);
`load_runs` skips such a log with that line, so that one bad log among many never stops a report
and never enters it with values the statistics would misread:

- every rating (the model's, and each reference rater's) is NaN (missing) or finite and on the
  panel's scale for its sub-component: ``inf`` or ``99`` on a 0-2 scale is a malformed log;
- the panel description is usable: each scale's low end is below its high end, and it names at
  least one rater that has a rating in the log;
- each item appears once.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from ..scorers.panel import PanelError

if TYPE_CHECKING:
    from .logs import Run

# Slack for ratings written as floats (a crowd mean of 4.999999999).
_TOLERANCE = 1e-9


def _off_scale(value: float, scale: tuple[float, float]) -> bool:
    low, high = scale
    return not (low - _TOLERANCE <= value <= high + _TOLERANCE)


def run_problem(run: Run) -> str | None:
    """Why a run cannot be reported, in one line naming its first bad value (None if it can).

    Args:
        run: A run read from a log.

    Returns:
        The problem, or None.
    """
    try:
        spec = run.panel_spec()
    except (PanelError, ValueError, TypeError) as error:
        return f"its panel cannot be rebuilt: {error}"
    scales = dict(spec.scales)
    for sub, (low, high) in scales.items():
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            return f"the panel's scale of {sub} is {low:g}..{high:g}"
    repeated = [item for item, n in Counter(run.item_ids).items() if n > 1]
    if repeated:
        return f"item {repeated[0]!r} appears {run.item_ids.count(repeated[0])} times"
    rated_raters: set[str] = set()
    for sample in run.samples:
        for sub in run.sub_components:
            scale = scales.get(sub)
            value = sample.ratings.get(sub, math.nan)
            if not isinstance(value, float) or math.isinf(value):
                return f"item {sample.item_id!r}: the model's {sub} rating is {value!r}"
            if scale is not None and not math.isnan(value) and _off_scale(value, scale):
                return (
                    f"item {sample.item_id!r}: the model's {sub} rating {value:g} is outside "
                    f"the scale {scale[0]:g}..{scale[1]:g}"
                )
        for sub, reference in sample.reference.items():
            scale = scales.get(sub)
            for rater, rating in reference.items():
                if not isinstance(rating, float) or math.isinf(rating):
                    return f"item {sample.item_id!r}: reference {rater} on {sub} is {rating!r}"
                if math.isnan(rating):
                    continue
                rated_raters.add(rater)
                if scale is not None and _off_scale(rating, scale):
                    return (
                        f"item {sample.item_id!r}: reference {rater} on {sub} is {rating:g}, "
                        f"outside the scale {scale[0]:g}..{scale[1]:g}"
                    )
    absent = [rater for rater in spec.raters if rater not in rated_raters]
    if absent:
        return f"panel rater(s) {', '.join(absent)} have no rating in the log"
    return None
