"""How many items a pilot's like-for-like verdict needs: `plan`'s figure and the report's note.

**The verdict's n** is simulated from the pilot (`items_for_verdict_resampled`, what the CLI,
the report's "≈ n items would settle it" and the JSON use): studies of n items drawn with
replacement from the pilot's pseudo-values, shifted to the Δ assumed, each read through the
verdict's own interval and rule. This sees what an analytic plan with a known width cannot: a
study without the rare items of large disagreement has both a higher Δ̂ and a smaller standard
error. Against a known truth it gives 76.5–86.3% conclusive verdicts for a stated 80% under two
data models, and 77.1–82.4% on average when planned from a single 50-item pilot, which it widens
for the pilot's own uncertainty about its spread (`benchmarks/bench_plan.py`). Only a verdict
without pseudo-values (none of the engine's) falls back to the analytic plan (`verdict_interval`
→ `items_for_verdict`: Δ̂ ~ N(Δ, s₀²·n₀/n) with the interval's shape redrawn at each n), which
gave 73.3–77.3% conclusive verdicts for an equal judge where 80% was stated. The plan is for one
sub-component's own verdict (and the framework's): under the report's false-discovery control
over k sub-components a claim needs a little more.

The report prints `settle_note` beside each inconclusive verdict; a plan is remembered by value
within a process, since the report asks for it once per output format.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..scorers.agreement import SubComponentResult
from ..scorers.arrays import FloatArray
from ..scorers.sample_size import (
    MAX_ITEMS,
    VerdictShape,
    conclusive_probability,
    items_for_verdict,
    items_for_verdict_resampled,
    resampled_conclusive_share,
)
from ..scorers.verdicts import MARGIN, Estimate, ExpertLevelVerdict

#: Default power of a plan.
DEFAULT_POWER = 0.8
#: Default interval coverage.
DEFAULT_LEVEL = 0.95


def verdict_standard_error(
    verdict: ExpertLevelVerdict | None, estimate: Estimate, level: float
) -> float:
    """The verdict's interval at the pilot's size read as Δ̂ ± z·s: s = (high − low) / (2·z).

    An effective standard error that carries the interval's t quantile and skewness correction
    at this n (printed as the plan's ``std_error``, and the analytic plan's input when the
    verdict has no pseudo-value moments). Carried to every n it made plans about 1.5× too large
    (88.0–91.8% conclusive for an equal judge, 95.5–96.3% for one 0.10 worse, for a stated
    80%), because that widening shrinks with more items; the plan resamples the pseudo-values
    (`items_needed`), or, without them, redraws the interval at each n (`verdict_interval`).

    Args:
        verdict: The verdict, when there is one (its interval is `estimate`'s).
        estimate: Its Δ̂ with its interval.
        level: The interval's coverage.

    Returns:
        s (NaN when the interval is undefined).
    """
    from statistics import NormalDist

    low, high = estimate.low, estimate.high
    if verdict is not None:
        low, high = verdict.lower, verdict.upper
    z = NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)
    if not (math.isfinite(low) and math.isfinite(high)):
        return math.nan
    return (high - low) / (2.0 * z)


def verdict_interval(
    verdict: ExpertLevelVerdict | None, estimate: Estimate, level: float
) -> tuple[float, VerdictShape | None]:
    """The analytic plan's reading of a verdict: a standard error and the interval's shape.

    The plan's fallback, for a verdict without pseudo-values (`items_needed` otherwise
    resamples them).

    With a like-for-like verdict: its jackknife standard error and the shape of its interval
    (skewness and the kurtosis behind its degrees of freedom), so that the t quantile and the
    skewness correction are redrawn at each n (`scorers.sample_size.VerdictShape`). Without one
    (e.g. no pseudo-value moments): `verdict_standard_error`, read as ±z·s at every n.
    """
    if verdict is not None and math.isfinite(verdict.std_error) and verdict.std_error > 0:
        shape = pooled_shape(verdict) or VerdictShape.of(
            verdict.skewness, verdict.df, verdict.n_items
        )
        if shape is not None:
            return verdict.std_error, shape
    return verdict_standard_error(verdict, estimate, level), None


def pooled_shape(verdict: ExpertLevelVerdict | None) -> VerdictShape | None:
    """The verdict's shape when it was pooled over its sub-components (a plan holds it fixed)."""
    if verdict is None or not verdict.pooled_shape:
        return None
    return VerdictShape.of(verdict.skewness, verdict.df, verdict.n_items, pooled=True)


def _pseudo_values(verdict: ExpertLevelVerdict | None) -> FloatArray | None:
    """The verdict's pseudo-values when a resampling plan can use them (3 or more)."""
    if verdict is None or verdict.pseudo_values is None or verdict.pseudo_values.size < 3:
        return None
    return verdict.pseudo_values


def items_needed(
    verdict: ExpertLevelVerdict | None,
    estimate: Estimate,
    n_items: int,
    difference: float,
    *,
    margin: float = MARGIN,
    power: float = DEFAULT_POWER,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> int | None:
    """The items at which a verdict like this one is conclusive with `power`, if Δ = `difference`.

    Resampled from the verdict's pseudo-values (`items_for_verdict_resampled`); without them,
    the analytic plan (`verdict_interval`, `items_for_verdict`).

    Args:
        verdict: The pilot's like-for-like verdict, when there is one.
        estimate: Its Δ̂ with its interval.
        n_items: The pilot's items.
        difference: The Δ assumed true.
        margin: The verdict's margin.
        power: The wanted share of conclusive verdicts.
        level: The interval's coverage.
        seed: Seed of the simulated studies.

    Returns:
        The number of items, or None when it cannot be said or exceeds `MAX_ITEMS`.
    """
    pseudo = _pseudo_values(verdict)
    if pseudo is not None:
        return _resampled_items(
            np.ascontiguousarray(pseudo, dtype=np.float64).tobytes(),
            difference,
            margin,
            power,
            level,
            seed,
            pooled_shape(verdict),
        )
    s, shape = verdict_interval(verdict, estimate, level)
    return items_for_verdict(
        difference, s, n_items, margin=margin, power=power, level=level, shape=shape
    )


@functools.lru_cache(maxsize=4096)
def _resampled_items(
    pseudo_values: bytes,
    difference: float,
    margin: float,
    power: float,
    level: float,
    seed: int,
    shape: VerdictShape | None,
) -> int | None:
    """`items_for_verdict_resampled`, remembered by value.

    A report asks for the same plan once per output format (Markdown, HTML, JSON), and the
    plan is a simulation; the key is the pilot's pseudo-values themselves (their bytes), so a
    remembered answer is the one the simulation would give again (it is seeded).
    """
    return items_for_verdict_resampled(
        np.frombuffer(pseudo_values, dtype=np.float64),
        difference,
        margin=margin,
        power=power,
        level=level,
        seed=seed,
        shape=shape,
    )


def forget_plans() -> None:
    """Forget the remembered plans (`_resampled_items`), e.g. to time a report afresh."""
    _resampled_items.cache_clear()


def conclusive_share(
    verdict: ExpertLevelVerdict | None,
    estimate: Estimate,
    n_items: int,
    difference: float,
    *,
    margin: float = MARGIN,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> float:
    """P(conclusive) at `n_items` if Δ = `difference`, by the same method as `items_needed`."""
    pseudo = _pseudo_values(verdict)
    if pseudo is not None:
        return resampled_conclusive_share(
            pseudo,
            difference,
            n_items,
            margin=margin,
            level=level,
            seed=seed,
            shape=pooled_shape(verdict),
        )
    s, shape = verdict_interval(verdict, estimate, level)
    return float(
        conclusive_probability(
            difference,
            s,
            margin=margin,
            level=level,
            multipliers=None if shape is None else shape.multipliers(n_items, level),
        )
    )


def items_to_settle(
    result: SubComponentResult,
    *,
    margin: float = MARGIN,
    power: float = DEFAULT_POWER,
    level: float = DEFAULT_LEVEL,
) -> int | None:
    """The items at which a verdict like this one is conclusive with `power`, if Δ̂ is the truth.

    What a report prints beside an ``inconclusive`` verdict ("≈ 310 items would settle it"):
    `items_needed` at the pilot's Δ̂.

    Args:
        result: One sub-component's like-for-like result (`Assessment.sub_components`).
        margin: The verdict's margin.
        power: The wanted share of conclusive verdicts.
        level: The verdict's interval coverage.

    Returns:
        The number of items, or None when it cannot be said (no interval) or exceeds
        `empathy_judge.scorers.sample_size.MAX_ITEMS`.
    """
    return items_needed(
        result.like_for_like,
        result.difference,
        result.n_items,
        result.difference.value,
        margin=margin,
        power=power,
        level=level,
    )


def settle_note(result: SubComponentResult, verdict: str) -> str:
    """What a report prints beside a verdict: "" unless it is ``inconclusive``.

    Args:
        result: The sub-component's result.
        verdict: The verdict the report shows (it may differ from the engine's, e.g. too few
            items).

    Returns:
        ``"≈310 items would settle it"`` (at the default power, margin and level, if the
        pilot's Δ̂ is the truth), ``"more than 100000 items"``, or "".
    """
    if verdict != "inconclusive":
        return ""
    items = items_to_settle(result)
    if items is None:
        if not math.isfinite(result.difference.low):
            return ""
        return f"more than {MAX_ITEMS} items"
    return f"≈{items} items would settle it"
