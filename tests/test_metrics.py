"""The run-level agreement metric, on SampleScore fixtures with hand-computed values."""

from __future__ import annotations

import math
from typing import Any, cast

import pytest
from inspect_ai.scorer import SampleScore, Score

from empathy_judge.scorers.metrics import agreement, agreement_summary, gather_run_ratings

# Hand computation (value-based κw = 1 - n·Σ(x-y)² / ΣᵢΣⱼ(xᵢ-yⱼ)²):
# model x = 1,2,3,4 against expert median y = 1,2,3,5: Σ(x-y)² = 1, ΣΣ = 21+11+9+15 = 56,
# κw = 1 - 4/56 = 13/14. Crowd c = 1.5,2,3,4 against y: Σ = 1.25, ΣΣ = 15+11+9+15 = 50,
# κw = 1 - 5/50 = 0.9. Experts e1 = e2 = y, e3 = x: pair κw 1, 13/14, 13/14 -> ceiling 13/14.
MODEL = [1, 2, 3, 4]
MEDIAN = [1, 2, 3, 5]
CROWD = [1.5, 2, 3, 4]


def _sample(i: int, rating: float) -> SampleScore:
    reference = {
        "empathy": {
            "expert1": MEDIAN[i],
            "expert2": MEDIAN[i],
            "expert3": MODEL[i],
            "expert_median": MEDIAN[i],
            "crowd": CROWD[i],
        }
    }
    return SampleScore(
        score=Score(value={"empathy": rating}, metadata={}),
        sample_id=f"item{i}",
        sample_metadata={"reference": reference},
    )


def test_agreement_matches_hand_computation() -> None:
    scores = [_sample(i, MODEL[i]) for i in range(4)]
    result = cast(Any, agreement())(scores)
    assert isinstance(result, dict)
    assert result["kappa_empathy"] == pytest.approx(13 / 14)
    assert result["ceiling_empathy"] == pytest.approx(13 / 14)
    assert result["crowd_kappa_empathy"] == pytest.approx(0.9)
    assert result["relative_empathy"] == pytest.approx(1.0)
    assert result["n_at_ceiling"] == 1
    assert result["n_above_crowd"] == 1
    assert result["parse_rate"] == 1.0
    assert result["median_kappa"] == pytest.approx(13 / 14)


def test_missing_rating_is_dropped_not_zero() -> None:
    # The fourth item has no valid rating: κw over the first three items is 1.0 (identical),
    # whereas treating the miss as 0 would give a κw far below 1.
    scores = [_sample(i, MODEL[i]) for i in range(3)] + [_sample(3, math.nan)]
    result = cast(Any, agreement())(scores)
    assert isinstance(result, dict)
    assert result["kappa_empathy"] == pytest.approx(1.0)
    assert result["parse_rate"] == pytest.approx(0.75)


def test_empty_run_gives_nan() -> None:
    result = cast(Any, agreement())([])
    assert isinstance(result, dict)
    assert math.isnan(result["median_kappa"])
    assert math.isnan(result["parse_rate"])


def test_self_consistency_from_epochs() -> None:
    # Two epochs that agree perfectly on varied ratings: α across epochs = 1.
    scores = []
    for i in range(4):
        s = _sample(i, MODEL[i])
        assert s.score.metadata is not None
        s.score.metadata["epoch_ratings"] = {"empathy": [MODEL[i], MODEL[i]]}
        scores.append(s)
    summary = agreement_summary(gather_run_ratings(scores))
    assert summary["self_consistency"] == pytest.approx(1.0)
    # One epoch unlike the other lowers it.
    scores[0].score.metadata["epoch_ratings"] = {"empathy": [1, 4]}  # type: ignore[index]
    assert agreement_summary(gather_run_ratings(scores))["self_consistency"] < 1.0
