"""Pieces shared by the statistics, the Inspect scorer and the log readers.

Only numpy is imported here, so that the log readers and the command line can use these names
without importing Inspect.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..datasets.ratings_table import STUDY_EXPERTS

FloatArray = NDArray[np.float64]

#: The rating tasks' scorer, as it is named in Inspect logs.
SCORER_NAME = "empathy_ratings"
#: The study's expert panel's annotator names in the ratings table.
EXPERTS: tuple[str, str, str] = STUDY_EXPERTS
#: The reference ratings a rating sample carries in its metadata, per sub-component.
REFERENCE_KEYS: tuple[str, ...] = (*EXPERTS, "expert_median", "crowd")


def as_float(value: Any) -> float:
    """A rating read from a score or metadata as a float; NaN for None, bools and non-numbers.

    Text that spells a number (a rating written by hand into a log) is read as that number.
    """
    if value is None or isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def quiet_nanmean(values: ArrayLike, axis: int = -1) -> FloatArray:
    """Mean along `axis` ignoring NaN; NaN (and no warning) where every value is missing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, as intended
        return np.asarray(np.nanmean(np.asarray(values, dtype=np.float64), axis=axis))


def quiet_nanmedian(values: ArrayLike, axis: int = -1) -> FloatArray:
    """Median along `axis` ignoring NaN; NaN (and no warning) where every value is missing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, as intended
        return np.asarray(np.nanmedian(np.asarray(values, dtype=np.float64), axis=axis))


def nanmedian_last(values: ArrayLike) -> FloatArray:
    """Median over the last axis ignoring NaN; NaN where every value (or none) is missing."""
    return quiet_nanmedian(values, axis=-1)


def finite_median(values: ArrayLike) -> float:
    """Median of the values that are not NaN; NaN when there are none."""
    return float(nanmedian_last(np.asarray(values, dtype=np.float64).reshape(-1)))
