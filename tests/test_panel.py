"""Expert-panel benchmarks from the long ratings table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from empathy_judge.datasets.release import load_ratings
from empathy_judge.scorers.panel import (
    candidate_vs_consensus,
    expert_ceiling,
    expert_median,
    expert_swap,
    framework_cube,
    high_agreement_threshold,
    validate_ratings,
)


def _table(ratings: Mapping[str, Sequence[float]], sub: str = "s") -> pd.DataFrame:
    rows = []
    for annotator, values in ratings.items():
        group = "expert" if annotator.startswith("expert") else "llm"
        for i, value in enumerate(values):
            rows.append(("fw", f"item{i}", sub, group, annotator, float(value)))
    return pd.DataFrame(
        rows, columns=["framework", "item_id", "sub_component", "group", "annotator", "rating"]
    )


def test_expert_median_and_missing_expert() -> None:
    table = _table({"expert1": [1, 2, 5], "expert2": [3, np.nan, 4], "expert3": [2, 4, 1]})
    median = expert_median(table).set_index("item_id")["rating"]
    assert median["item0"] == 2.0
    assert np.isnan(median["item1"])  # default: all three experts needed
    assert median["item2"] == 4.0
    relaxed = expert_median(table, min_experts=2).set_index("item_id")["rating"]
    assert relaxed["item1"] == 3.0  # median of the two present: (2 + 4) / 2


def test_validate_ratings_names_the_problem() -> None:
    table = _table({"expert1": [1, 2]})
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['group'\]"):
        validate_ratings(table.drop(columns="group"))
    with pytest.raises(ValueError, match="row 2: second rating"):
        validate_ratings(pd.concat([table, table.iloc[[0]]], ignore_index=True))
    bad = table.astype({"rating": object})
    bad.loc[1, "rating"] = "four"
    with pytest.raises(ValueError, match="row 1, column 'rating': not a number"):
        validate_ratings(bad)


def test_expert_swap_with_a_copy_of_an_expert() -> None:
    e1 = [1, 2, 3, 4, 5, 2, 3]
    e2 = [1, 3, 3, 5, 4, 2, 2]
    e3 = [2, 2, 4, 4, 5, 1, 3]
    table = _table({"expert1": e1, "expert2": e2, "expert3": e3, "clone": e1})
    swap = expert_swap(table, "clone", "fw", "s")
    panel = krippendorff.alpha(reliability_data=[e1, e2, e3], level_of_measurement="interval")
    assert swap.experts_alpha == pytest.approx(panel)
    assert swap.swapped["expert1"] == pytest.approx(panel)  # replacing expert1 by its copy
    with_e1_twice = krippendorff.alpha(
        reliability_data=[e1, e1, e3], level_of_measurement="interval"
    )
    assert swap.swapped["expert2"] == pytest.approx(with_e1_twice)
    assert swap.difference == pytest.approx(swap.mean_swapped - panel)


def test_candidate_vs_consensus_small() -> None:
    table = _table(
        {
            "expert1": [1, 2, 3, 4, 5],
            "expert2": [1, 2, 3, 4, 5],
            "expert3": [2, 2, 3, 5, 5],
            "model": [2, 3, 4, 5, 5],
        }
    )
    result = candidate_vs_consensus(table, "model", "fw", "s", scale=(1, 5))
    # consensus = expert1; Σd² = 4, ΣΣ = 5·55 + 5·79 − 2·15·19 = 100 → κ = 1 − 5·4/100
    assert result.kappa == pytest.approx(0.8)
    assert result.mean_shift == pytest.approx(0.8)
    assert result.n == 5
    assert result.ceiling == pytest.approx(expert_ceiling(table, "fw", "s").median)
    assert result.reaches_ceiling == (result.kappa_paper >= result.ceiling)


@pytest.fixture(scope="module")
def release(release_dir: Path) -> pd.DataFrame:
    return load_ratings(release_dir)


@pytest.mark.release
def test_release_expert_ceiling(release: pd.DataFrame) -> None:
    ceiling = expert_ceiling(release, "epitome", "level_emotional_reactions")
    assert [round(v, 2) for v in ceiling.pairs.values()] == [0.35, 0.56, 0.53]
    assert list(ceiling.pairs) == ["expert1-expert2", "expert2-expert3", "expert3-expert1"]
    assert round(ceiling.median, 2) == 0.53


@pytest.mark.release
def test_release_high_agreement_threshold(release: pd.DataFrame) -> None:
    assert round(high_agreement_threshold(release), 2) == 0.58


@pytest.mark.release
def test_release_candidates(release: pd.DataFrame) -> None:
    gemini = candidate_vs_consensus(
        release, "gemini-2.5-pro", "lend_an_ear", "encouraging_elaboration"
    )
    assert round(gemini.kappa_paper, 2) == 0.86
    assert round(gemini.ceiling, 2) == 0.69  # median of 0.69 / 0.73 / 0.62
    assert gemini.reaches_ceiling
    assert gemini.relative_to_ceiling > 1
    practical = candidate_vs_consensus(
        release, "gemini-2.5-pro", "perceived_empathy", "m_practical"
    )
    assert round(practical.kappa_paper, 2) == 0.74
    assert not practical.reaches_ceiling  # expert median 0.77
    crowd = candidate_vs_consensus(release, "crowd", "perceived_empathy", "m_practical")
    assert round(crowd.kappa_paper, 2) == 0.34
    assert crowd.mean_shift > 0


@pytest.mark.release
def test_release_crowd_inflation(release: pd.DataFrame) -> None:
    # Perceived Empathy: crowd mean 4.99 vs experts 3.39 (expert median), as published
    cube = framework_cube(release, "perceived_empathy", ["experts", "crowd"])
    assert round(float(np.nanmean(cube.values[:, :, 0])), 2) == 3.39
    assert round(float(np.nanmean(cube.values[:, :, 1])), 2) == 4.99
