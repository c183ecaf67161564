"""Run-level Inspect metric: the model's agreement with the expert panel, and its benchmarks.

Agreement is a property of the whole run (κ and α are computed over all items), so one metric
reads every sample's score at once and returns a dict: Inspect shows each key as its own metric
in the log and in ``inspect view``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from inspect_ai.scorer import Metric, SampleScore, metric

from empathy_judge.scorers.alpha import framework_mean, krippendorff_alpha
from empathy_judge.scorers.common import EXPERTS, REFERENCE_KEYS, as_float, finite_median
from empathy_judge.scorers.kappa import paper_weighted_kappa, weighted_kappa

CEILING_TOLERANCE = 1e-9


@dataclass(frozen=True)
class RunRatings:
    """The ratings of one run, gathered from its sample scores.

    Attributes:
        sub_components: The rated sub-components, in the order first seen.
        model: Per sub-component, the model's rating per sample (NaN when missing).
        reference: Per sub-component and reference name (expert1..3, expert_median, crowd),
            the reference rating per sample.
        epoch_ratings: Per sub-component, a samples × epochs matrix when the run had epochs.
    """

    sub_components: tuple[str, ...]
    model: Mapping[str, np.ndarray]
    reference: Mapping[str, Mapping[str, np.ndarray]]
    epoch_ratings: Mapping[str, np.ndarray]


def gather_run_ratings(scores: Sequence[SampleScore]) -> RunRatings:
    """Collect the model's and the reference ratings of a run into arrays.

    Args:
        scores: Every sample's score (one per sample after epoch reduction).

    Returns:
        The ratings, aligned by sample.
    """
    subs: list[str] = []
    for s in scores:
        if isinstance(s.score.value, dict):
            subs.extend(k for k in s.score.value if k not in subs)
    model = {
        sub: np.array(
            [
                as_float(s.score.value.get(sub)) if isinstance(s.score.value, dict) else math.nan
                for s in scores
            ]
        )
        for sub in subs
    }
    refs = [(s.sample_metadata or {}).get("reference", {}) for s in scores]
    reference = {
        sub: {
            name: np.array([as_float(r.get(sub, {}).get(name)) for r in refs])
            for name in REFERENCE_KEYS
        }
        for sub in subs
    }
    epochs: dict[str, np.ndarray] = {}
    per_sample = [(s.score.metadata or {}).get("epoch_ratings") for s in scores]
    if per_sample and all(isinstance(e, dict) for e in per_sample):
        widths = {len(e.get(sub, [])) for e in per_sample for sub in subs if isinstance(e, dict)}
        if len(widths) == 1 and (width := widths.pop()) >= 2:
            epochs = {
                sub: np.array(
                    [[as_float(v) for v in e[sub]] for e in per_sample if isinstance(e, dict)]
                ).reshape(len(per_sample), width)
                for sub in subs
            }
    return RunRatings(tuple(subs), model, reference, epochs)


def expert_ceiling(reference: Mapping[str, np.ndarray]) -> float:
    """Median of the three pairwise expert κw on the given items."""
    return finite_median(
        [weighted_kappa(reference[a], reference[b]) for a, b in combinations(EXPERTS, 2)]
    )


def agreement_summary(ratings: RunRatings) -> dict[str, float]:
    """All agreement figures of a run, keyed as they appear in the log.

    Per sub-component ``<sub>``: ``kappa_<sub>`` (value-based quadratic κw against the expert
    median), ``kappa_paper_<sub>`` (the authors' computation), ``alpha_<sub>`` (interval α of
    model and expert median), ``ceiling_<sub>`` (median expert-pair κw), ``crowd_kappa_<sub>``,
    ``relative_<sub>`` (κw / ceiling). Per run: ``median_kappa``, ``n_at_ceiling``,
    ``n_above_crowd``, ``parse_rate`` (share of requested ratings that were valid) and, with
    several epochs, ``self_consistency`` (mean over sub-components of α across epochs).
    """
    out: dict[str, float] = {}
    kappas: list[float] = []
    at_ceiling = above_crowd = 0
    valid = total = 0
    for sub in ratings.sub_components:
        model = ratings.model[sub]
        ref = ratings.reference[sub]
        median = ref["expert_median"]
        kappa = weighted_kappa(model, median)
        ceiling = expert_ceiling(ref)
        crowd = weighted_kappa(ref["crowd"], median)
        out[f"kappa_{sub}"] = kappa
        out[f"kappa_paper_{sub}"] = paper_weighted_kappa(model, median).kappa
        out[f"alpha_{sub}"] = krippendorff_alpha(np.vstack([model, median]), "interval")
        out[f"ceiling_{sub}"] = ceiling
        out[f"crowd_kappa_{sub}"] = crowd
        out[f"relative_{sub}"] = (
            kappa / ceiling if ceiling and not math.isnan(ceiling) else math.nan
        )
        kappas.append(kappa)
        # Reaching the ceiling tolerates floating-point noise between equal κ computed apart.
        at_ceiling += int(kappa >= ceiling - CEILING_TOLERANCE)
        above_crowd += int(kappa > crowd)
        valid += int(np.count_nonzero(~np.isnan(model)))
        total += model.size
    out["median_kappa"] = finite_median(kappas)
    out["n_at_ceiling"] = float(at_ceiling)
    out["n_above_crowd"] = float(above_crowd)
    out["parse_rate"] = valid / total if total else math.nan
    if ratings.epoch_ratings:
        out["self_consistency"] = framework_mean(
            [krippendorff_alpha(matrix.T, "interval") for matrix in ratings.epoch_ratings.values()]
        )
    return out


@metric(name="agreement")
def agreement() -> Metric:
    """Agreement of the run's ratings with the expert median, with the expert and crowd benchmarks.

    Returns:
        A metric whose value is the dict of :func:`agreement_summary` (NaN on an empty run).
    """

    def compute(scores: list[SampleScore]) -> dict[str, float]:
        if not scores:
            return {"median_kappa": math.nan, "parse_rate": math.nan}
        return agreement_summary(gather_run_ratings(scores))

    return compute
