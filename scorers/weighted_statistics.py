"""Weighted statistics of the diagnostics: ratios, spread ratios and Spearman ρ over item weights.

Each is a function of an item-weight matrix (resamples × items, see
`empathy_judge.scorers.bootstrap`), so that B resamples cost one matrix product (ratios, spreads)
or one sort per series (Spearman ρ: the ρ of a resample is Pearson's r of the average ranks of
the expanded sample, each item repeated as often as it was drawn, ties sharing their rank).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .arrays import FloatArray
from .bootstrap import WeightedStatistic


def round_half_up(values: ArrayLike) -> FloatArray:
    """Ratings binned to the nearest integer level, halves rounded up (NaN stays NaN)."""
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5)


def ratio_statistic(numerator: ArrayLike, denominator: ArrayLike) -> WeightedStatistic:
    """Σ w·num / Σ w·den per column, as a weighted statistic (NaN where Σ w·den is 0).

    A weighted mean of x over the items where x exists is ``ratio_statistic(x0, present)``
    with x0 the values with NaN set to 0 and ``present`` the 0/1 mask.

    Args:
        numerator: items × S.
        denominator: items × S, same shape.
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    if num.shape != den.shape or num.ndim != 2:
        raise ValueError(f"numerator and denominator differ in shape: {num.shape}, {den.shape}")
    terms = np.hstack([num, den])
    series = num.shape[1]

    def statistic(weights: FloatArray) -> FloatArray:
        sums = np.asarray(weights, dtype=np.float64) @ terms
        top, bottom = sums[:, :series], sums[:, series:]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(bottom > 0, top / bottom, np.nan), dtype=np.float64)

    return statistic


def spread_ratio_statistic(x: ArrayLike, y: ArrayLike) -> WeightedStatistic:
    """sd(x) / sd(y) per column over the items where both exist, as a weighted statistic.

    NaN where sd(y) is 0 or fewer than two items carry weight.

    Args:
        x: items × S (NaN: missing).
        y: items × S, same shape.
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.shape != ya.shape or xa.ndim != 2:
        raise ValueError(f"x and y differ in shape: {xa.shape}, {ya.shape}")
    both = ~(np.isnan(xa) | np.isnan(ya))
    x0 = np.where(both, xa, 0.0)
    y0 = np.where(both, ya, 0.0)
    terms = np.hstack([both.astype(np.float64), x0, x0 * x0, y0, y0 * y0])
    series = xa.shape[1]

    def statistic(weights: FloatArray) -> FloatArray:
        sums = np.asarray(weights, dtype=np.float64) @ terms
        n, sx, sxx, sy, syy = (sums[:, i * series : (i + 1) * series] for i in range(5))
        with np.errstate(divide="ignore", invalid="ignore"):
            var_x = np.clip(sxx / n - (sx / n) ** 2, 0.0, None)
            var_y = np.clip(syy / n - (sy / n) ** 2, 0.0, None)
            ratio = np.sqrt(var_x / var_y)
        tiny = 1e-12 * np.maximum(syy / np.maximum(n, 1.0), 1.0)
        undefined = (n < 2) | (var_y <= tiny)
        return np.asarray(np.where(undefined, np.nan, ratio), dtype=np.float64)

    return statistic


@dataclass(frozen=True)
class _RankPlan:
    """One sort of a series, reused to rank every resample of it."""

    order: NDArray[np.int64]
    starts: NDArray[np.int64]
    group: NDArray[np.int64]

    @staticmethod
    def of(values: FloatArray) -> _RankPlan:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        first = np.ones(ordered.shape[0], dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        starts = np.flatnonzero(first)
        group = np.empty(values.shape[0], dtype=np.int64)
        group[order] = np.cumsum(first) - 1
        return _RankPlan(order.astype(np.int64), starts.astype(np.int64), group)

    def ranks(self, weights: FloatArray) -> FloatArray:
        """Average ranks of each item in each resample's expanded sample (R × m)."""
        # Weight of every group of tied values, then the ranks the group spans:
        # below+1 .. below+g, whose average is below + (g + 1) / 2.
        tied = np.add.reduceat(weights[:, self.order], self.starts, axis=1)
        below = np.cumsum(tied, axis=1) - tied
        return np.asarray((below + (tied + 1.0) / 2.0)[:, self.group], dtype=np.float64)


def _weighted_pearson(weights: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    """Pearson's r of the expanded sample of each row of weights (R,)."""
    n = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mx = (weights * x).sum(axis=1) / n
        my = (weights * y).sum(axis=1) / n
        dx = x - mx[:, None]
        dy = y - my[:, None]
        sxy = (weights * dx * dy).sum(axis=1)
        sxx = (weights * dx * dx).sum(axis=1)
        syy = (weights * dy * dy).sum(axis=1)
        r = sxy / np.sqrt(sxx * syy)
    return _defined_r(r, n, sxx, syy)


#: A series with at most this many distinct values on the items it pairs (ratings, consensus
#: medians) is ranked from its table of weights per pair of levels (`_LevelTables`) when its
#: partner has as few too; other pairs are ranked from one sort per series (`_RankPlan`).
MAX_TABLE_LEVELS = 10
#: Cells (pairs × Lx × Ly) of one block of level tables: each block is one matrix product, so
#: B resamples hold B × this many weights at once (2,000 × 1,024 × 8 bytes = 16 MB).
TABLE_BLOCK_CELLS = 1024


def _level_codes(values: FloatArray) -> tuple[NDArray[np.int64], int]:
    """Each value's index among the sorted distinct values, and how many there are."""
    distinct, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.int64).reshape(-1), int(distinct.shape[0])


@dataclass(frozen=True)
class _LevelPair:
    """One pair of series of few levels: its column, its items, and each item's two levels."""

    series: int
    rows: NDArray[np.int64]
    x_codes: NDArray[np.int64]
    x_levels: int
    y_codes: NDArray[np.int64]
    y_levels: int


def _pearson_of_levels(wx: FloatArray, wy: FloatArray, cells: FloatArray) -> FloatArray:
    """Spearman ρ per resample and series from the weights of their levels and pairs of levels.

    The expanded sample's average ranks depend only on an item's level: level l of x, holding
    weight W_l, spans the ranks below_l + 1 .. below_l + W_l, whose average is
    below_l + (W_l + 1)/2. Pearson's r of those ranks is a sum over the table's cells (levels
    that hold no weight, padding included, add nothing).

    Args:
        wx: R × S × Lx weights of each level of x.
        wy: R × S × Ly weights of each level of y.
        cells: R × S × Lx × Ly weights of each pair of levels.
    """
    n = wx.sum(axis=2)
    rx = np.cumsum(wx, axis=2) - wx / 2.0 + 0.5
    ry = np.cumsum(wy, axis=2) - wy / 2.0 + 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        dx = rx - (np.einsum("rsl,rsl->rs", wx, rx) / n)[..., None]
        dy = ry - (np.einsum("rsl,rsl->rs", wy, ry) / n)[..., None]
        sxx = np.einsum("rsl,rsl,rsl->rs", wx, dx, dx)
        syy = np.einsum("rsl,rsl,rsl->rs", wy, dy, dy)
        sxy = np.einsum("rslk,rsl,rsk->rs", cells, dx, dy)
        r = sxy / np.sqrt(sxx * syy)
    return _defined_r(r, n, sxx, syy)


def _defined_r(r: FloatArray, n: FloatArray, sxx: FloatArray, syy: FloatArray) -> FloatArray:
    """Pearson's r where it is defined: two items or more, and both series varying."""
    # Ranks are multiples of 1/2, so a tied-out series has an exact zero sum of squares up to
    # rounding; anything below this tolerance is no variation at all.
    tolerance = 1e-9 * np.maximum(n, 1.0) ** 3
    undefined = (n < 2) | (sxx <= tolerance) | (syy <= tolerance)
    return np.asarray(np.where(undefined, np.nan, np.clip(r, -1.0, 1.0)), dtype=np.float64)


@dataclass(frozen=True)
class _LevelTables:
    """Pairs of series of few levels: matrix products give every resample's level weights.

    Lx and Ly are the most levels of any of the S pairs. ``x_levels`` (items × S·Lx) and
    ``y_levels`` (items × S·Ly) hold the one-hot level of each item in each series, ``cells``
    (items × S·Lx·Ly) that of its pair of levels, with zero rows for the items a pair lacks:
    weights @ each sums the weight of every level (cell) of every pair at once.
    """

    series: NDArray[np.int64]
    shape: tuple[int, int]
    x_levels: FloatArray
    y_levels: FloatArray
    cells: FloatArray

    @staticmethod
    def of(n_items: int, pairs: list[_LevelPair]) -> _LevelTables:
        lx = max((p.x_levels for p in pairs), default=1)
        ly = max((p.y_levels for p in pairs), default=1)
        x_levels = np.zeros((n_items, len(pairs), lx))
        y_levels = np.zeros((n_items, len(pairs), ly))
        cells = np.zeros((n_items, len(pairs), lx, ly))
        for k, p in enumerate(pairs):
            x_levels[p.rows, k, p.x_codes] = 1.0
            y_levels[p.rows, k, p.y_codes] = 1.0
            cells[p.rows, k, p.x_codes, p.y_codes] = 1.0
        return _LevelTables(
            np.array([p.series for p in pairs], dtype=np.int64),
            (lx, ly),
            x_levels.reshape(n_items, -1),
            y_levels.reshape(n_items, -1),
            cells.reshape(n_items, -1),
        )

    def rho(self, weights: FloatArray) -> FloatArray:
        """Each pair's ρ per resample (R × pairs)."""
        shape = (weights.shape[0], self.series.shape[0])
        lx, ly = self.shape
        return _pearson_of_levels(
            (weights @ self.x_levels).reshape(*shape, lx),
            (weights @ self.y_levels).reshape(*shape, ly),
            (weights @ self.cells).reshape(*shape, lx, ly),
        )


def _table_blocks(n_items: int, pairs: list[_LevelPair]) -> list[_LevelTables]:
    """The pairs of few levels in blocks of at most `TABLE_BLOCK_CELLS` cells, like with like.

    Pairs are ordered by their numbers of levels first, so that a block pads little.
    """
    blocks: list[_LevelTables] = []
    block: list[_LevelPair] = []
    lx = ly = 0
    for pair in sorted(pairs, key=lambda p: (p.x_levels, p.y_levels, p.series)):
        wider_x, wider_y = max(lx, pair.x_levels), max(ly, pair.y_levels)
        if block and (len(block) + 1) * wider_x * wider_y > TABLE_BLOCK_CELLS:
            blocks.append(_LevelTables.of(n_items, block))
            block, wider_x, wider_y = [], pair.x_levels, pair.y_levels
        block.append(pair)
        lx, ly = wider_x, wider_y
    if block:
        blocks.append(_LevelTables.of(n_items, block))
    return blocks


def spearman_statistic(x: ArrayLike, y: ArrayLike) -> WeightedStatistic:
    """Spearman ρ of S pairs of series as a weighted statistic.

    For weights w (e.g. bootstrap counts), ρ is that of the expanded sample in which item i
    appears w_i times: average ranks with ties (as ``scipy.stats.rankdata``), then Pearson's r
    of the ranks. Only items where both series exist enter a pair. A pair of series with few
    levels (ratings, consensus medians: at most `MAX_TABLE_LEVELS` each) is ranked
    from its table of weights per pair of levels, all such pairs from one matrix product;
    any other is sorted once, and a resample's ranks are then cumulative sums of its weights.
    Either way B resamples cost O(B·n).

    Args:
        x: items × S (or one series); NaN = missing.
        y: items × S, same shape.

    Returns:
        A statistic mapping (R × items) weights to (R × S) ρ; NaN where a series does not vary
        or fewer than two items carry weight.
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim == 1:
        xa, ya = xa[:, None], ya[:, None]
    if xa.shape != ya.shape or xa.ndim != 2:
        raise ValueError(f"x and y differ in shape: {xa.shape}, {ya.shape}")
    sorted_plans: list[tuple[int, NDArray[np.int64], _RankPlan, _RankPlan]] = []
    few_levels: list[_LevelPair] = []
    for s in range(xa.shape[1]):
        rows = np.flatnonzero(~(np.isnan(xa[:, s]) | np.isnan(ya[:, s])))
        if rows.shape[0] < 2:
            continue
        xs, ys = xa[rows, s], ya[rows, s]
        (x_codes, nx), (y_codes, ny) = _level_codes(xs), _level_codes(ys)
        if max(nx, ny) <= MAX_TABLE_LEVELS:
            few_levels.append(_LevelPair(s, rows, x_codes, nx, y_codes, ny))
        else:
            sorted_plans.append((s, rows, _RankPlan.of(xs), _RankPlan.of(ys)))
    blocks = _table_blocks(xa.shape[0], few_levels)
    n_series = xa.shape[1]

    def statistic(weights: FloatArray) -> FloatArray:
        w = np.asarray(weights, dtype=np.float64)
        out = np.full((w.shape[0], n_series), np.nan)
        for block in blocks:  # blocks of series, each covering every resample
            out[:, block.series] = block.rho(w)
        for s, rows, rank_x, rank_y in sorted_plans:  # series, not resamples
            ws = w[:, rows]
            out[:, s] = _weighted_pearson(ws, rank_x.ranks(ws), rank_y.ranks(ws))
        return out

    return statistic
