"""Parsing of model ratings, agreement statistics and the Inspect scorer and metrics.

The statistics (κ, α, correlation, classification metrics, bootstrap, expert-panel benchmarks)
are pure functions over numpy arrays and pandas frames; importing this package does not import
Inspect.
"""

from ..datasets.levels import LEVELS, Level
from .agreement import Assessment, SubComponentResult, assess, assess_many
from .alpha import (
    alpha_fast,
    alpha_from_unit_weights,
    framework_mean,
    krippendorff_alpha,
    unit_coincidences,
)
from .bootstrap import (
    BootstrapResult,
    bootstrap,
    kappa_statistic,
    resample_counts,
)
from .bootstrap_settings import BootstrapSettings
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
from .verdicts import MARGIN, Estimate, RankRange, rank_ranges, verdict_of

__all__ = [
    "CONSENSUS",
    "LEVELS",
    "MARGIN",
    "Assessment",
    "BootstrapResult",
    "BootstrapSettings",
    "Correlation",
    "Estimate",
    "Level",
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
    "consensus_of",
    "framework_mean",
    "kappa_statistic",
    "krippendorff_alpha",
    "mean_shift",
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
