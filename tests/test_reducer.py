"""The NaN-aware median epoch reducer."""

from __future__ import annotations

import math

from inspect_ai.scorer import Score

from empathy_judge.scorers.scorer import nan_median


def _score(empathy: float, fluency: float, status: str = "ok") -> Score:
    return Score(
        value={"empathy": empathy, "fluency": fluency},
        metadata={"item_id": "hit:1_conv:2", "parse": {"status": status}},
    )


def test_median_ignores_missing_ratings() -> None:
    reduced = nan_median()(
        [_score(2, math.nan), _score(math.nan, math.nan, "failed"), _score(5, 4)]
    )
    assert isinstance(reduced.value, dict)
    # empathy: median of 2 and 5 (the miss is ignored, not counted as 0) = 3.5
    assert reduced.value["empathy"] == 3.5
    # fluency: only one valid epoch
    assert reduced.value["fluency"] == 4.0
    assert reduced.metadata is not None
    assert reduced.metadata["epoch_parse_status"] == ["ok", "failed", "ok"]
    assert reduced.metadata["item_id"] == "hit:1_conv:2"
    assert reduced.metadata["epoch_ratings"]["empathy"][0] == 2.0


def test_all_missing_stays_missing() -> None:
    reduced = nan_median()([_score(math.nan, math.nan), _score(math.nan, math.nan)])
    assert isinstance(reduced.value, dict)
    assert math.isnan(reduced.value["empathy"])
    assert math.isnan(reduced.value["fluency"])


def test_single_epoch_is_identity() -> None:
    reduced = nan_median()([_score(1, math.nan)])
    assert isinstance(reduced.value, dict)
    assert reduced.value["empathy"] == 1.0
    assert math.isnan(reduced.value["fluency"])
