"""The run-level agreement metric, on SampleScore fixtures with hand-computed values."""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
import pytest
from inspect_ai.scorer import SampleScore, Score

from empathy_judge.scorers.blas import one_blas_thread
from empathy_judge.scorers.kappa import weighted_kappa
from empathy_judge.scorers.metrics import (
    agreement,
    agreement_summary,
    gather_run_ratings,
    reference_figures,
    run_panel,
)
from empathy_judge.scorers.panel import default_spec

# Hand computation (value-based κw = 1 - n·Σ(x-y)² / ΣᵢΣⱼ(xᵢ-yⱼ)²):
# model x = 1,2,3,4 against expert median y = 1,2,3,5: Σ(x-y)² = 1, ΣΣ = 21+11+9+15 = 56,
# κw = 1 - 4/56 = 13/14. Crowd c = 1.5,2,3,4 against y: Σ = 1.25, ΣΣ = 15+11+9+15 = 50,
# κw = 1 - 5/50 = 0.9. Experts e1 = e2 = y, e3 = x: pair κw 1, 13/14, 13/14 -> ceiling 13/14.
MODEL = [1, 2, 3, 4]
MEDIAN = [1, 2, 3, 5]
CROWD = [1.5, 2, 3, 4]


def _sample(i: int, rating: float, words: float | None = None) -> SampleScore:
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
        score=Score(value={"empathy": rating}, metadata={"framework": "empatheticdialogues"}),
        sample_id=f"item{i}",
        sample_metadata={"reference": reference, "supporter_word_count": words},
    )


def test_agreement_matches_hand_computation() -> None:
    scores = [_sample(i, MODEL[i]) for i in range(4)]
    result = cast(Any, agreement())(scores)
    assert isinstance(result, dict)
    assert next(iter(result)) == "kappa"  # the headline is the SCORE column of inspect view
    assert result["kappa"] == pytest.approx(13 / 14)
    assert result["kappa_empathy"] == pytest.approx(13 / 14)
    # The model-independent figures are the task's metadata, not metrics (`reference_figures`).
    assert not any(k.startswith(("ceiling_", "crowd_kappa_")) for k in result)
    ratings = gather_run_ratings(scores)
    spec = default_spec(ratings.framework, ratings.reference)
    figures = reference_figures(
        run_panel(ratings, spec), spec.crowd_ratings(ratings.reference, ratings.sub_components)
    )
    assert figures["n_items"] == 4
    assert figures["ceiling"]["empathy"] == pytest.approx(13 / 14)
    assert figures["crowd_kappa"]["empathy"] == pytest.approx(0.9)
    assert result["parse_rate"] == 1.0
    # Like for like, by hand: R_k = mean of the other two experts; a_k = κw(model, R_k),
    # b_k = κw(expert k, R_k). The model equals expert3, so a_3 = b_3 and the rest differ.
    e = np.array([MEDIAN, MEDIAN, MODEL], dtype=float)
    a = [weighted_kappa(np.array(MODEL, float), np.delete(e, k, 0).mean(0)) for k in range(3)]
    b = [weighted_kappa(e[k], np.delete(e, k, 0).mean(0)) for k in range(3)]
    assert result["loo_empathy"] == pytest.approx(np.mean(a) - np.mean(b))
    # Four items cannot tell the model from the experts.
    assert result["n_inconclusive"] + result["n_at_expert_level"] + result["n_below"] == 1
    assert result["kappa_low"] <= result["kappa"] <= result["kappa_high"]
    assert "relative_empathy" not in result and "kappa_paper_empathy" not in result
    # How it fails: mean(model − median) = (0 + 0 + 0 − 1) / 4.
    assert result["leniency"] == pytest.approx(-0.25)
    assert result["constant_sub_components"] == 0


def test_length_bias_is_spearman_of_the_gap_with_the_word_count() -> None:
    # gap = model − median = 0, 0, 0, −1 against 10, 20, 30, 40 words. Average ranks 3, 3, 3, 1
    # and 1, 2, 3, 4: Σdxdy = −3, Σdx² = 3, Σdy² = 5, so ρ = −3 / √15.
    words = [10.0, 20.0, 30.0, 40.0]
    scores = [_sample(i, MODEL[i], words[i]) for i in range(4)]
    result = cast(Any, agreement())(scores)
    assert result["length_bias_rho"] == pytest.approx(-3 / math.sqrt(15))
    # An unknown word count drops its item: gap 0, 0, −1 against 10, 30, 40 words, ranks
    # 2.5, 2.5, 1 and 1, 2, 3: ρ = −1.5 / √(1.5 · 2).
    scores = [_sample(i, MODEL[i], [10.0, None, 30.0, 40.0][i]) for i in range(4)]
    result = cast(Any, agreement())(scores)
    assert result["length_bias_rho"] == pytest.approx(-1.5 / math.sqrt(3))
    # No word counts at all: no length bias.
    assert math.isnan(
        cast(Any, agreement())([_sample(i, MODEL[i]) for i in range(4)])["length_bias_rho"]
    )


def test_constant_answers_on_three_items_are_not_expert_level() -> None:
    # --limit 3 with a constant answer: κ is 0 and the tiny ceiling must not make it "at level".
    scores = [_sample(i, 3) for i in range(3)]
    result = cast(Any, agreement())(scores)
    assert result["n_at_expert_level"] == 0
    assert result["kappa_empathy"] == pytest.approx(0.0)
    assert result["constant_sub_components"] == 1  # named as such, not just κ = 0


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
    assert math.isnan(result["kappa"])
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


def test_blas_runs_on_one_thread_inside_the_metric() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with one_blas_thread():
        blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        assert blas and all(i["num_threads"] == 1 for i in blas)
