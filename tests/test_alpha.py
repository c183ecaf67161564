"""Krippendorff's α: published examples, the release's expert α, the vectorised path."""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pytest

from empathy_judge.datasets.levels import LEVELS, Level
from empathy_judge.datasets.release import load_ratings
from empathy_judge.scorers.alpha import (
    alpha_fast,
    alpha_from_unit_weights,
    framework_mean,
    is_degenerate,
    krippendorff_alpha,
    unit_coincidences,
)

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers × 12 units.
K2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
K2011_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_2011_example(level: Level) -> None:
    assert round(krippendorff_alpha(K2011, level), 3) == K2011_ALPHA[level]
    assert round(alpha_fast(K2011, level), 3) == K2011_ALPHA[level]


def test_krippendorff_2011_binary_example() -> None:
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert round(krippendorff_alpha(data, "nominal"), 3) == 0.095
    assert round(alpha_fast(data, "nominal"), 3) == 0.095


def test_degenerate_input_is_nan() -> None:
    # all values identical: no expected disagreement
    assert np.isnan(krippendorff_alpha(np.array([[3, 3, 3], [3, 3, NAN]])))
    # one pairable unit only (the others have a single rating)
    one_pairable = np.array([[1, 2, NAN], [2, NAN, 4]])
    assert is_degenerate(one_pairable)
    assert np.isnan(krippendorff_alpha(one_pairable))
    assert np.isnan(alpha_fast(one_pairable))
    assert np.isnan(krippendorff_alpha(np.full((2, 2), NAN)))
    # two pairable units with different values are fine
    assert not is_degenerate([[1, 2], [1, 3]])


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="raters × units"):
        krippendorff_alpha([1, 2, 3])
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha([[1, 2], [1, 2]], "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="infinite rating for rater 1, unit 0"):
        krippendorff_alpha(np.array([[1, 2], [np.inf, 2]]))


@pytest.mark.parametrize("level", LEVELS)
def test_vectorised_alpha_matches_package(level: Level) -> None:
    rng = np.random.default_rng(11)
    for raters in (2, 3, 5):
        data = rng.integers(1, 8, size=(raters, 40)).astype(float)
        data[rng.random(data.shape) < 0.2] = NAN
        oracle = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert alpha_fast(data, level) == pytest.approx(oracle, abs=1e-10)


def test_fractional_values_keep_their_identity() -> None:
    # crowd means: ordinal α must treat 2.33 and 2.67 as distinct, ordered values
    data = np.array([[1.0, 2.0, 3.0, 4.0, 2.0], [1.0, 2.0 + 1 / 3, 3.0, 4.0, 2.0 + 2 / 3]])
    domain = np.unique(data)
    oracle = krippendorff.alpha(
        reliability_data=data, level_of_measurement="ordinal", value_domain=domain
    )
    assert krippendorff_alpha(data, "ordinal") == pytest.approx(oracle)
    assert alpha_fast(data, "ordinal") == pytest.approx(oracle)


@pytest.mark.parametrize("level", LEVELS)
def test_unit_weights_equal_duplicated_units(level: Level) -> None:
    rng = np.random.default_rng(5)
    data = rng.integers(0, 3, size=(3, 12)).astype(float)
    data[0, 4] = NAN
    weights = rng.integers(0, 4, size=12)
    duplicated = np.repeat(data, weights, axis=1)
    oracle = krippendorff.alpha(reliability_data=duplicated, level_of_measurement=level)
    value = alpha_from_unit_weights(unit_coincidences(data), weights.astype(float), level)
    assert float(value) == pytest.approx(oracle, abs=1e-10)


def test_framework_mean_ignores_undefined() -> None:
    assert framework_mean([0.5, NAN, 0.7]) == pytest.approx(0.6)
    assert np.isnan(framework_mean([NAN]))


# Expert α (interval) published in the study, paper-method.md.
PUBLISHED_ALPHA = {
    ("empatheticdialogues", "empathy"): 0.529,
    ("epitome", "level_explorations"): 0.780,
    ("perceived_empathy", "m_practical"): 0.759,
    ("lend_an_ear", "validating_emotions"): 0.361,
}
PUBLISHED_MEANS = {
    "empatheticdialogues": 0.435,
    "epitome": 0.520,
    "perceived_empathy": 0.603,
    "lend_an_ear": 0.535,
}


@pytest.mark.release
def test_release_expert_alpha(release_dir: Path) -> None:
    ratings = load_ratings(release_dir)
    experts = ratings[ratings["annotator"].isin(["expert1", "expert2", "expert3"])]
    alphas: dict[tuple[str, str], float] = {}
    for (framework, sub), rows in experts.groupby(["framework", "sub_component"]):
        matrix = rows.pivot(index="annotator", columns="item_id", values="rating").to_numpy()
        alphas[(str(framework), str(sub))] = krippendorff_alpha(matrix, "interval")
    assert len(alphas) == 21
    for key, expected in PUBLISHED_ALPHA.items():
        assert round(alphas[key], 3) == expected, key
    for framework, expected in PUBLISHED_MEANS.items():
        values = [a for (f, _), a in alphas.items() if f == framework]
        assert round(framework_mean(values), 3) == expected, framework


def test_interval_sums_give_the_coincidence_path_and_the_published_value() -> None:
    from empathy_judge.scorers.alpha import alpha_from_interval_sums, interval_alpha_terms
    from empathy_judge.scorers.bootstrap import resample_counts

    terms = interval_alpha_terms(K2011)
    assert round(float(alpha_from_interval_sums(terms.sum(axis=0))), 3) == 0.849
    weights = resample_counts(K2011.shape[1], 200, 7)
    expected = alpha_from_unit_weights(unit_coincidences(K2011), weights, "interval")
    found = alpha_from_interval_sums(weights @ terms)
    np.testing.assert_array_equal(np.isnan(found), np.isnan(expected))
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)
    # Fractional values (crowd means), and every value the same: no expected disagreement.
    crowd = np.array([[1.0, 2.5, 3.0, NAN], [4 / 3, 2.0, 3.0, 1.0], [1.0, 2.0, NAN, 1.5]])
    assert float(alpha_from_interval_sums(interval_alpha_terms(crowd).sum(axis=0))) == (
        pytest.approx(krippendorff_alpha(crowd, "interval"), abs=1e-12)
    )
    same = np.full((3, 5), 0.1)
    assert np.isnan(alpha_from_interval_sums(interval_alpha_terms(same).sum(axis=0)))
