"""Array types and NaN-aware reductions shared by the statistics and the log readers.

Only numpy is imported here, so that the log readers and the command line can use these names
without importing Inspect.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


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
    """Median along `axis` ignoring NaN; NaN (and no warning) where every value is missing.

    numpy's ``nanmedian`` of many short slices (B resamples × a few expert pairs) goes through
    masked arrays; one sort along the axis (NaN last) and the middle one or two defined values
    give the same medians several times faster.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0 or array.shape[axis] == 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.asarray(np.nanmedian(array, axis=axis))
    ordered = np.sort(array, axis=axis)
    defined = np.expand_dims(np.count_nonzero(~np.isnan(array), axis=axis), axis)
    low = np.take_along_axis(ordered, np.maximum((defined - 1) // 2, 0), axis=axis)
    high = np.take_along_axis(ordered, defined // 2 - (defined == 0), axis=axis)
    middle = np.squeeze((low + high) / 2.0, axis=axis)
    return np.asarray(np.where(np.squeeze(defined, axis=axis) > 0, middle, np.nan))


def nanmedian_last(values: ArrayLike) -> FloatArray:
    """Median over the last axis ignoring NaN; NaN where every value (or none) is missing."""
    return quiet_nanmedian(values, axis=-1)


def finite_median(values: ArrayLike) -> float:
    """Median of the values that are not NaN; NaN when there are none."""
    return float(nanmedian_last(np.asarray(values, dtype=np.float64).reshape(-1)))
