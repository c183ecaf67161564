"""F1 of rounded labels and binary F1 at every threshold, against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from empathy_judge.scorers.classification import round_half_up, threshold_f1, weighted_f1


def test_round_half_up() -> None:
    assert round_half_up([2.5, 3.5, 2.49, 1 + 2 / 3]).tolist() == [3.0, 4.0, 2.0, 2.0]


def test_weighted_f1_by_hand() -> None:
    # labels 1: tp 1, pred 1, true 2 -> F1 2/3 (support 2); 2: tp 1, pred 2, true 1 -> 2/3
    # weighted: (2·2/3 + 1·2/3)/3 = 2/3
    assert weighted_f1([1, 1, 2], [1, 2, 2]) == pytest.approx(2 / 3)


def test_weighted_f1_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        truth = rng.integers(1, 8, 50).astype(float)
        guess = np.clip(truth + rng.integers(-2, 3, 50) + rng.choice([0, 0.5, 1 / 3], 50), 1, 7)
        oracle = f1_score(truth, np.floor(guess + 0.5), average="weighted", zero_division=0)
        assert weighted_f1(truth, guess) == pytest.approx(oracle)


def test_threshold_f1_matches_sklearn_binary() -> None:
    rng = np.random.default_rng(1)
    truth = rng.integers(1, 8, 60).astype(float)
    guess = np.clip(truth + rng.integers(-2, 3, 60), 1, 7)
    result = threshold_f1(truth, guess, 1, 7)
    assert result.thresholds == (2, 3, 4, 5, 6, 7)
    expected = [f1_score(truth >= t, guess >= t) for t in range(2, 8)]
    assert list(result.f1) == pytest.approx(expected)
    assert result.mean == pytest.approx(np.mean(expected))
    assert result.min == pytest.approx(min(expected))
    assert result.max == pytest.approx(max(expected))


def test_threshold_without_positives_is_left_out() -> None:
    # nobody rates 2 on a 0–2 scale: threshold 2 has no F1
    result = threshold_f1([0, 1, 1, 0], [0, 1, 0, 0], 0, 2)
    assert result.f1[0] == pytest.approx(2 / 3)  # threshold 1: tp 1, pred 1, true 2
    assert np.isnan(result.f1[1])
    assert result.mean == pytest.approx(2 / 3)


def test_nan_pairs_dropped_and_bad_scale() -> None:
    assert weighted_f1([1, np.nan, 2], [1, 2, np.nan]) == 1.0
    with pytest.raises(ValueError, match="two points"):
        threshold_f1([1], [1], 3, 3)
