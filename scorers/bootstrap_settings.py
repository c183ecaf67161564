"""How many item-bootstrap resamples, from which seed, at which coverage: one typed object.

The leaderboard, `compare`, the juries, `plan`, `reproduce` and the engine (`assess`,
`diagnose`, the regression gate) all draw resamples the same way; passing one
`BootstrapSettings` down the layers instead of three loose keywords keeps them drawing the
same resamples for the same settings. The command line builds it at its edge (``--resamples``,
``--seed``, ``--level``) and the notebook function `expert_level_verdict` from its keywords;
the bottom-layer primitives (`bootstrap`, `resample_counts`, the interval functions) keep plain
arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

from .bootstrap import DEFAULT_RESAMPLES


@dataclass(frozen=True)
class BootstrapSettings:
    """The item bootstrap's settings, shared by every layer that draws resamples.

    Raises:
        ValueError: `n_resamples` below 1 or `confidence` outside (0, 1).
    """

    n_resamples: int = DEFAULT_RESAMPLES
    """Number of item-bootstrap resamples B (at least 1)."""

    seed: int = 0
    """Seed of the resamples: the same items and seed give the same resamples on every surface
    (the in-run metric, the report, `compare`), so they give the same intervals."""

    confidence: float = 0.95
    """Two-sided coverage of the intervals, in (0, 1) (``--level`` on the command line; the
    gate's family-wise confidence 1 − FWER)."""

    def __post_init__(self) -> None:
        if self.n_resamples < 1:
            raise ValueError(f"need n_resamples ≥ 1, got {self.n_resamples}")
        if not 0.0 < self.confidence < 1.0:
            raise ValueError(f"confidence must be in (0, 1), got {self.confidence}")


#: The defaults (2000 resamples, seed 0, 95%): a module constant so that signatures can default
#: to it without a call in the default (the object is frozen, so sharing it is safe).
DEFAULT_BOOTSTRAP = BootstrapSettings()
