"""Parsing of model ratings, agreement statistics and the Inspect scorer and metrics.

The statistics (κ, α, correlation, classification metrics, bootstrap, expert-panel benchmarks)
are pure functions over numpy arrays and pandas frames; importing this package does not import
Inspect.
"""

from .agreement import (
    MARGIN,
    Assessment,
    Estimate,
    RankRange,
    SubComponentResult,
    assess,
    assess_many,
    rank_ranges,
    verdict_of,
)
from .alpha import (
    LEVELS,
    Level,
    alpha_fast,
    alpha_from_unit_weights,
    framework_mean,
    krippendorff_alpha,
    unit_coincidences,
)
from .bootstrap import (
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
from .classification import ThresholdF1, threshold_f1, weighted_f1
from .correlation import Correlation, spearman
from .kappa import (
    PaperKappa,
    paper_weighted_kappa,
    weighted_kappa,
    weighted_kappa_n,
)
from .pairs import PairedRatings, mean_shift, paired_ratings
from .panel import (
    CONSENSUS,
    Panel,
    PanelData,
    PanelError,
    PanelSpec,
    Scale,
    consensus_of,
    panel_from_reference,
    panel_from_table,
)

__all__ = [
    "CONSENSUS",
    "LEVELS",
    "MARGIN",
    "Assessment",
    "BootstrapResult",
    "Correlation",
    "Estimate",
    "Level",
    "PairedDifference",
    "PairedRatings",
    "Panel",
    "PanelData",
    "PanelError",
    "PanelSpec",
    "PaperKappa",
    "RankRange",
    "Scale",
    "SubComponentResult",
    "ThresholdF1",
    "alpha_fast",
    "alpha_from_unit_weights",
    "assess",
    "assess_many",
    "bootstrap",
    "bootstrap_alpha",
    "bootstrap_kappa",
    "consensus_of",
    "framework_mean",
    "kappa_statistic",
    "krippendorff_alpha",
    "mean_shift",
    "paired_bootstrap_alpha",
    "paired_bootstrap_kappa",
    "paired_ratings",
    "panel_from_reference",
    "panel_from_table",
    "paper_weighted_kappa",
    "rank_ranges",
    "resample_counts",
    "spearman",
    "threshold_f1",
    "unit_coincidences",
    "verdict_of",
    "weighted_f1",
    "weighted_kappa",
    "weighted_kappa_n",
]
