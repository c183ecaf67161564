"""Parsing of model ratings, agreement statistics and the Inspect scorer and metrics.

The statistics (κ, α, correlation, classification metrics, bootstrap, expert-panel benchmarks)
are pure functions over numpy arrays and pandas frames; importing this package does not import
Inspect.
"""

from empathy_judge.scorers.alpha import (
    LEVELS,
    Level,
    alpha_fast,
    alpha_from_unit_weights,
    framework_mean,
    krippendorff_alpha,
    unit_coincidences,
)
from empathy_judge.scorers.bootstrap import (
    BootstrapResult,
    PairedDifference,
    bootstrap,
    bootstrap_alpha,
    bootstrap_kappa,
    kappa_statistic,
    paired_bootstrap_alpha,
    paired_bootstrap_kappa,
    resample_counts,
)
from empathy_judge.scorers.classification import ThresholdF1, threshold_f1, weighted_f1
from empathy_judge.scorers.correlation import Correlation, spearman
from empathy_judge.scorers.kappa import (
    PaperKappa,
    paper_weighted_kappa,
    weighted_kappa,
    weighted_kappa_n,
)
from empathy_judge.scorers.pairs import PairedRatings, mean_shift, paired_ratings
from empathy_judge.scorers.panel import (
    CandidateAgreement,
    ExpertCeiling,
    ExpertSwap,
    candidate_vs_consensus,
    expert_ceiling,
    expert_median,
    expert_pair_kappas,
    expert_swap,
    high_agreement_threshold,
)

__all__ = [
    "LEVELS",
    "BootstrapResult",
    "CandidateAgreement",
    "Correlation",
    "ExpertCeiling",
    "ExpertSwap",
    "Level",
    "PairedDifference",
    "PairedRatings",
    "PaperKappa",
    "ThresholdF1",
    "alpha_fast",
    "alpha_from_unit_weights",
    "bootstrap",
    "bootstrap_alpha",
    "bootstrap_kappa",
    "candidate_vs_consensus",
    "expert_ceiling",
    "expert_median",
    "expert_pair_kappas",
    "expert_swap",
    "framework_mean",
    "high_agreement_threshold",
    "kappa_statistic",
    "krippendorff_alpha",
    "mean_shift",
    "paired_bootstrap_alpha",
    "paired_bootstrap_kappa",
    "paired_ratings",
    "paper_weighted_kappa",
    "resample_counts",
    "spearman",
    "threshold_f1",
    "unit_coincidences",
    "weighted_f1",
    "weighted_kappa",
    "weighted_kappa_n",
]
