"""The gate's side of a plan: its standard error on a pilot under the drop planned for.

For the gate a pilot has one judge, not a baseline and a candidate. The plan asks the gate
itself (`empathy_judge.scorers.gate.regression_gate`, its jackknife SE) for the standard error
of Δκw under the drop planned for: baseline = expert k, candidate = the judge with enough of its
ratings re-rated at random to lose that much κ (`gate_pilots`), reference = the other experts'
mean; s is the root mean square over k and the random copies. Two versions of one judge usually
err alike and give a smaller SE, so for a model update these counts are upper bounds. The
critical value is one-sided at 1 − level for one framework compared alone: the framework mean at
the whole level, a sub-component Bonferroni over the framework's sub-components (a little above
the gate's max-statistic, so conservative). Comparing F frameworks in one `compare` call splits
the level F ways: plan with level 1 − (1 − level)/F.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..scorers.arrays import FloatArray
from ..scorers.bootstrap_settings import BootstrapSettings
from ..scorers.sample_size import (
    gate_critical_value,
)
from .corpora import JudgedCorpus


@dataclass(frozen=True)
class GatePilot:
    """The gate's standard error on the pilot, for one sub-component or a framework mean.

    Attributes:
        std_error: Root mean square over the experts k of the gate's SE of Δκw(judge − expert
            k) against the other experts' mean.
        n_items: The items those comparisons paired (the mean over k).
        critical: The one-sided critical value the plan uses for it.
    """

    std_error: float
    n_items: int
    critical: float


def degraded(ratings: FloatArray, share: FloatArray, rng: np.random.Generator) -> FloatArray:
    """The ratings with a share of each column's items re-rated at random from its own marginal.

    Args:
        ratings: items × sub-components (NaN: not rated, left so).
        share: Per column, the share of rated items whose rating is replaced.
        rng: Random generator.
    """
    out = ratings.copy()
    for j in range(ratings.shape[1]):
        rated = np.flatnonzero(~np.isnan(ratings[:, j]))
        take = round(min(max(float(share[j]), 0.0), 1.0) * rated.size)
        if take == 0:
            continue
        chosen = rng.choice(rated, size=take, replace=False)
        out[chosen, j] = rng.choice(ratings[rated, j], size=take, replace=True)
    return out


def gate_pilots(
    corpus: JudgedCorpus,
    *,
    drop: float,
    settings: BootstrapSettings,
    copies: int = 4,
) -> tuple[list[GatePilot], GatePilot]:
    """The gate's standard errors on the pilot under a drop: per sub-component and framework mean.

    A pilot has one judge. The second judge of the comparison is made from it: the judge with a
    share q_j = drop / κ_j of its ratings re-rated at random from its own marginal (κ_j: the
    judge's κ against the other experts' mean), which costs it about `drop` of κ; the baseline
    is expert k, whose errors are independent of the judge's. For each expert k and each of
    `copies` random degradations, `empathy_judge.scorers.gate.regression_gate` (reference: the
    other experts' mean) gives its jackknife SE of Δκw; s is their root mean square. So s is the
    SE under the alternative, for two raters that err independently, one `drop` worse.

    Args:
        corpus: The pilot.
        drop: The κ drop planned for.
        settings: Bootstrap resamples of each gate call, their seed (also the degradations'),
            and as `confidence` the gate's family-wise confidence.
        copies: Random degradations per expert.
    """
    from ..scorers.gate import regression_gate
    from ..scorers.kappa import weighted_kappa

    panel = corpus.panel
    references = panel.leave_one_out_references()
    level = settings.confidence
    rng = np.random.default_rng(settings.seed)
    columns: list[list[tuple[float, int]]] = [[] for _ in panel.sub_components]
    means: list[tuple[float, int]] = []
    for k in range(panel.n_raters):
        kappas = np.array(
            [
                weighted_kappa(corpus.ratings[:, j], references[:, j, k])
                for j in range(len(panel.sub_components))
            ]
        )
        share = np.where(kappas > 0, drop / np.where(kappas > 0, kappas, 1.0), 1.0)
        for _ in range(copies):
            result = regression_gate(
                references[:, :, k],
                panel.values[:, :, k],
                degraded(corpus.ratings, share, rng),
                settings=settings,
                names=list(panel.sub_components),
            )
            for j, entry in enumerate(result.columns):
                columns[j].append((entry.std_error, entry.n_items))
            means.append((result.groups[0].std_error, result.groups[0].n_items))

    def pooled(found: list[tuple[float, int]], critical: float) -> GatePilot:
        se = np.array([s for s, _ in found], dtype=np.float64)
        finite = se[np.isfinite(se)]
        rms = float(np.sqrt(np.mean(finite**2))) if finite.size else math.nan
        return GatePilot(rms, round(float(np.mean([n for _, n in found]))), critical)

    k = len(panel.sub_components)
    return (
        [pooled(c, gate_critical_value(level, k)) for c in columns],
        pooled(means, gate_critical_value(level, 1)),
    )
