"""Quadratic weighted κ: value-based and the study's computation ("paper" mode)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa

from empathy_judge.datasets.release import load_ratings
from empathy_judge.scorers.kappa import (
    contingency_table,
    paper_weighted_kappa,
    weighted_kappa,
    weighted_kappa_n,
)
from empathy_judge.scorers.pairs import mean_shift, paired_ratings


def test_value_kappa_by_hand() -> None:
    # Σ(x−y)² = 1; ΣᵢΣⱼ(xᵢ−yⱼ)² = 4·30 + 4·35 − 2·10·11 = 40; κ = 1 − 4·1/40.
    assert weighted_kappa([1, 2, 3, 4], [1, 3, 3, 4]) == pytest.approx(0.9)


def test_value_kappa_fractional_by_hand() -> None:
    # x = (1, 2), y = (1.5, 2.5): Σd² = 0.5; ΣΣ = 0.25 + 2.25 + 0.25 + 0.25 = 3; κ = 1 − 2·0.5/3.
    assert weighted_kappa([1, 2], [1.5, 2.5]) == pytest.approx(2 / 3)


def test_value_kappa_matches_sklearn_on_full_integer_scales() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = np.concatenate([np.arange(1, 6), rng.integers(1, 6, 40)])
        y = np.clip(x + rng.integers(-2, 3, x.size), 1, 5)
        oracle = cohen_kappa_score(x, y, weights="quadratic")
        assert weighted_kappa(x, y) == pytest.approx(oracle, abs=1e-12)


def test_missing_pairs_dropped_and_counted() -> None:
    kappa, n = weighted_kappa_n([1, np.nan, 2, 3, 4], [1, 5, 3, 3, np.nan])
    assert n == 3
    # Remaining pairs (1,1), (2,3), (3,3): Σd² = 1; ΣΣ = 3·14 + 3·19 − 2·6·7 = 15.
    assert kappa == pytest.approx(1 - 3 * 1 / 15)
    assert paired_ratings([1, np.nan], [np.nan, 2]).n_dropped == 2


def test_degenerate_and_bad_input() -> None:
    assert np.isnan(weighted_kappa([2, 2, 2], [2, 2, 2]))
    assert np.isnan(weighted_kappa([1], [1]))
    assert np.isnan(paper_weighted_kappa([3, 3], [3, 3]).kappa)
    with pytest.raises(ValueError, match="differ in length"):
        weighted_kappa([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="must be numbers"):
        weighted_kappa(["a", "b"], [1, 2])


def test_mean_shift() -> None:
    assert mean_shift([3, 4, np.nan], [2, 2, 1]) == pytest.approx(1.5)


def _statsmodels_paper(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """The notebook's computation, with statsmodels as the engine."""
    xr = np.round(x * 100).astype(int)
    yr = np.round(y * 100).astype(int)
    values = np.unique(np.concatenate([xr, yr]))
    table = np.zeros((values.size, values.size))
    for a, b in zip(xr, yr, strict=True):
        table[np.searchsorted(values, a), np.searchsorted(values, b)] += 1
    result = cohens_kappa(table, wt="quadratic")
    se = np.sqrt(result.var_kappa)
    return result.kappa, se, 2 * (1 - stats.norm.cdf(abs(result.kappa / se)))


def test_paper_mode_matches_statsmodels_on_crowd_like_means() -> None:
    rng = np.random.default_rng(7)
    for _ in range(10):
        experts = rng.integers(1, 8, 50).astype(float)
        # crowd-like: means of three raters, so thirds, shifted upwards
        crowd = np.round(np.clip(experts + rng.integers(-3, 4, 50) / 3 + 1, 1, 7), 9)
        kappa, se, p = _statsmodels_paper(experts, crowd)
        ours = paper_weighted_kappa(experts, crowd)
        assert ours.kappa == pytest.approx(kappa, abs=1e-12)
        assert ours.std_error == pytest.approx(se, rel=1e-9)
        assert ours.p_value == pytest.approx(p, rel=1e-6, abs=1e-15)
        # index weights over the sorted union = sklearn on the ×100 integers
        labels_x = np.round(experts * 100).astype(int)
        labels_y = np.round(crowd * 100).astype(int)
        assert ours.kappa == pytest.approx(
            cohen_kappa_score(labels_x, labels_y, weights="quadratic")
        )


def test_paper_mode_differs_from_value_mode_for_fractional_ratings() -> None:
    # Categories 100, 150, 500: index distance makes 150 and 500 one step apart.
    x = [1.0, 1.0, 5.0, 5.0]
    y = [1.0, 1.5, 5.0, 1.5]
    assert not np.isclose(paper_weighted_kappa(x, y).kappa, weighted_kappa(x, y))


def test_contingency_table_over_union() -> None:
    table, categories = contingency_table([100, 200, 200], [200, 200, 300])
    assert categories.tolist() == [100, 200, 300]
    assert table.tolist() == [[0, 1, 0], [0, 1, 1], [0, 0, 0]]


# The study's published κw (pairs E1–E2 / E2–E3 / E3–E1 / Experts–Gemini / Experts–Crowd /
# Gemini–Crowd), from paper-method.md.
PUBLISHED = {
    ("empatheticdialogues", "empathy"): (0.51, 0.62, 0.53, 0.34, 0.15, 0.00),
    ("epitome", "level_emotional_reactions"): (0.35, 0.56, 0.53, 0.64, 0.70, 0.63),
    ("perceived_empathy", "m_practical"): (0.77, 0.69, 0.81, 0.74, 0.34, 0.45),
    ("lend_an_ear", "encouraging_elaboration"): (0.69, 0.73, 0.62, 0.86, 0.43, 0.40),
}
PAIRS = (
    ("expert1", "expert2"),
    ("expert2", "expert3"),
    ("expert3", "expert1"),
    ("experts", "gemini-2.5-pro"),
    ("experts", "crowd"),
    ("gemini-2.5-pro", "crowd"),
)


def _release_wide(release_dir: Path) -> pd.DataFrame:
    ratings = load_ratings(release_dir)
    ratings = ratings[~ratings["annotator"].str.startswith("crowd-rater:")]
    wide = ratings.pivot(
        index=["framework", "sub_component", "item_id"], columns="annotator", values="rating"
    )
    # The study's benchmark: per-item median of the three experts.
    wide["experts"] = wide[["expert1", "expert2", "expert3"]].median(axis=1, skipna=False)
    return wide


@pytest.mark.release
def test_published_kappas(release_dir: Path) -> None:
    wide = _release_wide(release_dir)
    for (framework, sub), expected in PUBLISHED.items():
        items = wide.xs((framework, sub), level=["framework", "sub_component"])
        got = tuple(round(paper_weighted_kappa(items[a], items[b]).kappa, 2) for a, b in PAIRS)
        assert got == pytest.approx(expected, abs=1e-9), (framework, sub)


@pytest.mark.release
def test_published_medians(release_dir: Path) -> None:
    wide = _release_wide(release_dir)
    values: dict[tuple[str, str], list[float]] = {pair: [] for pair in PAIRS}
    for _, items in wide.groupby(level=[0, 1]):
        for a, b in PAIRS:
            values[(a, b)].append(paper_weighted_kappa(items[a], items[b]).kappa)
    expert_pairs = values[PAIRS[0]] + values[PAIRS[1]] + values[PAIRS[2]]
    assert len(expert_pairs) == 63
    assert round(float(np.median(expert_pairs)), 2) == 0.58
    assert round(float(np.median(values[("experts", "gemini-2.5-pro")])), 2) == 0.60
    assert round(float(np.median(values[("experts", "crowd")])), 2) == 0.33
