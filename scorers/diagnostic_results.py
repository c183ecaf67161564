"""What `diagnose` returns: leniency, scale use, length bias and polarity, with intervals.

The figures and how they are computed are described in `empathy_judge.scorers.diagnostics`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..datasets.errors import EmpathyJudgeError
from ..datasets.levels import Polarity
from ..datasets.lookup import find
from .verdicts import Estimate

#: The run-level figures of `diagnostic_metrics`, in order (see its docstring).
DIAGNOSTIC_METRICS: tuple[str, ...] = (
    "leniency",
    "leniency_low",
    "leniency_high",
    "experts_abs_leniency",
    "min_spread_ratio",
    "constant_sub_components",
    "length_bias_rho",
    "polarity_flags",
)


class DiagnosticsError(EmpathyJudgeError, ValueError):
    """The diagnostics cannot be computed as asked (misaligned arrays, bad polarity list)."""


@dataclass(frozen=True)
class Leniency:
    """Mean rating minus the reference, for the candidate and for the comparison raters.

    Attributes:
        candidate: mean(candidate − consensus).
        crowd: mean(crowd − consensus); None when no crowd was given.
        experts: Per panel rater k (in `Diagnostics.raters` order), mean(expert k − R_k).
        experts_abs: mean_k |mean(expert k − R_k)|: how far an individual expert typically
            sits from the others (the signed mean over experts is 0 by construction when every
            expert rates every item, so it would say nothing). NaN with one expert.
        n_items: Items with both a candidate rating and a consensus.
    """

    candidate: Estimate
    crowd: Estimate | None
    experts: tuple[Estimate, ...]
    experts_abs: Estimate
    n_items: int


@dataclass(frozen=True)
class ScaleUse:
    """How the candidate uses the scale, beside the experts' pooled ratings.

    Attributes:
        levels: The scale's integer levels, low to high.
        shares: Share of the candidate's rated items at each level.
        experts_shares: Share of the experts' ratings (pooled over raters) at each level.
        off_scale: Share of the candidate's rated items that round outside the scale.
        ends: Share of the candidate's rated items at the lowest or highest level.
        experts_ends: The same share for the experts' pooled ratings.
        spread_ratio: sd(candidate) / sd(consensus) on the items where both exist.
        n_rated: Items the candidate rated.
        constant: The candidate gives one level on every rated item (at least two).
        constant_level: That level; NaN unless `constant`.
    """

    levels: tuple[float, ...]
    shares: tuple[Estimate, ...]
    experts_shares: tuple[Estimate, ...]
    off_scale: Estimate
    ends: Estimate
    experts_ends: Estimate
    spread_ratio: Estimate
    n_rated: int
    constant: bool
    constant_level: float

    @property
    def label(self) -> str:
        """The scale-use label: "constant at L", "varied", or "no ratings"."""
        if self.constant:
            return f"constant at {self.constant_level:g}"
        return "varied" if self.n_rated else "no ratings"


@dataclass(frozen=True)
class LengthBias:
    """Spearman ρ between the rating's departure from the reference and the reply's length.

    Attributes:
        candidate: ρ(candidate − consensus, word count).
        experts: mean over experts k of ρ(expert k − R_k, word count), same items. The
            experts' departures from each other sum to about 0 item by item, so their ρ tend to
            cancel in this mean: read it with `experts_abs`.
        experts_each: ρ(expert k − R_k, word count) per panel rater.
        experts_abs: mean_k |ρ_k|: the size of length correlation an individual expert's
            departure shows (a scale for the candidate's |ρ|).
        n_items: Items with a candidate rating, a consensus and a word count.
    """

    candidate: Estimate
    experts: Estimate
    experts_each: tuple[Estimate, ...]
    experts_abs: Estimate
    n_items: int


@dataclass(frozen=True)
class PolarityCheck:
    """Whether a negative sub-component is rated as if it were positive.

    Attributes:
        positives: The positive sub-components the ρ is averaged over.
        candidate: Mean Spearman ρ of the candidate's ratings of this sub-component with its
            ratings of each positive one.
        experts: The same on the expert consensus, same items.
        difference: candidate − experts, paired interval.
        as_if_positive: candidate ρ > 0, experts' ρ < 0 and the difference's interval above 0.
    """

    positives: tuple[str, ...]
    candidate: Estimate
    experts: Estimate
    difference: Estimate
    as_if_positive: bool


@dataclass(frozen=True)
class SubComponentDiagnostics:
    """Every diagnostic of one candidate on one sub-component.

    Attributes:
        sub_component: Sub-component name.
        polarity: "positive" or "negative".
        leniency: See `Leniency`.
        scale_use: See `ScaleUse`.
        length_bias: See `LengthBias`; None without word counts.
        polarity_check: See `PolarityCheck`; None unless the sub-component is negative and the
            framework has a positive one.
    """

    sub_component: str
    polarity: Polarity
    leniency: Leniency
    scale_use: ScaleUse
    length_bias: LengthBias | None
    polarity_check: PolarityCheck | None


@dataclass(frozen=True)
class Diagnostics:
    """One candidate's diagnostics on one framework.

    Attributes:
        framework: Framework id.
        candidate: Candidate name.
        n_items: Items of the panel.
        raters: The panel raters the candidate was compared with.
        sub_components: Per sub-component diagnostics, in the panel's order.
        leniency: Mean over sub-components of the candidate's leniency.
        crowd_leniency: The same for the crowd; None without a crowd.
        experts_abs_leniency: Mean over sub-components of `Leniency.experts_abs`.
        length_bias: Mean over sub-components of the candidate's length-bias ρ; None without
            word counts.
        experts_length_bias: Mean over sub-components of `LengthBias.experts`; None without
            word counts.
        experts_abs_length_bias: Mean over sub-components of `LengthBias.experts_abs`; None
            without word counts.
        n_resamples: Bootstrap resamples behind the intervals.
        confidence: Interval coverage.
        notes: What the reader must know (panel member scored without itself, nominal scale...).
    """

    framework: str
    candidate: str
    n_items: int
    raters: tuple[str, ...]
    sub_components: tuple[SubComponentDiagnostics, ...]
    leniency: Estimate
    crowd_leniency: Estimate | None
    experts_abs_leniency: Estimate
    length_bias: Estimate | None
    experts_length_bias: Estimate | None
    experts_abs_length_bias: Estimate | None
    n_resamples: int
    confidence: float
    notes: tuple[str, ...] = field(default=())

    @property
    def constant_sub_components(self) -> tuple[str, ...]:
        """Sub-components on which the candidate gives one level everywhere."""
        return tuple(s.sub_component for s in self.sub_components if s.scale_use.constant)

    @property
    def polarity_flags(self) -> tuple[str, ...]:
        """Negative sub-components the candidate rates as if they were positive."""
        return tuple(
            s.sub_component
            for s in self.sub_components
            if s.polarity_check is not None and s.polarity_check.as_if_positive
        )

    @property
    def min_spread_ratio(self) -> float:
        """The smallest spread ratio over the sub-components (NaN if none is defined)."""
        ratios = [s.scale_use.spread_ratio.value for s in self.sub_components]
        finite = [r for r in ratios if math.isfinite(r)]
        return min(finite) if finite else math.nan

    def result(self, sub_component: str) -> SubComponentDiagnostics:
        """The diagnostics of one sub-component.

        Raises:
            KeyError: Not diagnosed here.
        """
        return find(
            self.sub_components,
            lambda sub: sub.sub_component == sub_component,
            lambda: f"{self.framework} has no sub-component {sub_component!r} here",
        )


def diagnostic_metrics(diagnostics: Diagnostics) -> dict[str, float]:
    """A small set of run-level figures for an Inspect log (names in `DIAGNOSTIC_METRICS`).

    * ``leniency``, ``leniency_low``, ``leniency_high``: mean over sub-components of
      mean(candidate − consensus), with its interval (> 0: lenient);
    * ``experts_abs_leniency``: beside it, how far an individual expert typically sits from
      the other experts (mean over sub-components of mean_k |mean(expert k − R_k)|);
    * ``min_spread_ratio``: the smallest sd(candidate) / sd(consensus) over sub-components
      (0 for a judge that is constant somewhere);
    * ``constant_sub_components``: how many sub-components the candidate rates with one level;
    * ``length_bias_rho``: mean over sub-components of ρ(candidate − consensus, word count);
    * ``polarity_flags``: how many negative sub-components are rated as if positive.

    Undefined figures (no word counts, a nominal scale) are NaN.
    """
    length = diagnostics.length_bias or Estimate.missing()
    return {
        "leniency": diagnostics.leniency.value,
        "leniency_low": diagnostics.leniency.low,
        "leniency_high": diagnostics.leniency.high,
        "experts_abs_leniency": diagnostics.experts_abs_leniency.value,
        "min_spread_ratio": diagnostics.min_spread_ratio,
        "constant_sub_components": float(len(diagnostics.constant_sub_components)),
        "length_bias_rho": length.value,
        "polarity_flags": float(len(diagnostics.polarity_flags)),
    }


__all__ = [
    "DIAGNOSTIC_METRICS",
    "Diagnostics",
    "DiagnosticsError",
    "LengthBias",
    "Leniency",
    "PolarityCheck",
    "ScaleUse",
    "SubComponentDiagnostics",
    "diagnostic_metrics",
]
