"""One bootstrap-settings object through the layers: its checks, and that it draws as before."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from empathy_judge.reports.leaderboard import build_leaderboard
from empathy_judge.reports.logs import load_runs
from empathy_judge.reports.render_csv import leaderboard_frame
from empathy_judge.reports.render_json import leaderboard_json
from empathy_judge.scorers.agreement import Assessment, assess, expert_level_verdict
from empathy_judge.scorers.bootstrap import DEFAULT_RESAMPLES, bootstrap, resample_counts
from empathy_judge.scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from empathy_judge.scorers.panel import Panel, Scale

EXPERTS = np.array(
    [
        [1, 2, 3, 4, 5, 2, 3, 4, 1, 5, 3, 2],
        [1, 3, 3, 5, 4, 2, 2, 4, 2, 5, 3, 3],
        [2, 2, 4, 4, 5, 1, 3, 5, 1, 4, 2, 2],
    ],
    dtype=np.float64,
)
CANDIDATE = np.array([1, 2, 4, 4, 5, 2, 3, 4, 2, 4, 3, 1], dtype=np.float64)


def _panel() -> Panel:
    # Item ids out of sorted order, so that the shared resamples' layout matters.
    items = tuple(f"i{n}" for n in (7, 3, 11, 0, 5, 9, 1, 10, 2, 8, 4, 6))
    raters = ("expert1", "expert2", "expert3")
    return Panel("fw", items, ("s",), raters, EXPERTS.T[:, None, :], (Scale(1, 5),), "interval")


def _figures(result: Assessment) -> list[float]:
    sub = result.result("s")
    return [
        sub.kappa.low,
        sub.kappa.high,
        sub.ceiling.low,
        sub.ceiling.high,
        result.mean_kappa.low,
        result.mean_kappa.high,
    ]


def test_defaults_are_the_engines() -> None:
    settings = BootstrapSettings()
    assert settings == DEFAULT_BOOTSTRAP
    assert settings.n_resamples == DEFAULT_RESAMPLES
    assert (settings.seed, settings.confidence) == (0, 0.95)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.seed = 1  # type: ignore[misc]


@pytest.mark.parametrize("n_resamples", [0, -5])
def test_too_few_resamples_are_refused(n_resamples: int) -> None:
    with pytest.raises(ValueError, match=rf"^need n_resamples ≥ 1, got {n_resamples}$"):
        BootstrapSettings(n_resamples=n_resamples)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1])
def test_coverage_outside_the_open_unit_interval_is_refused(confidence: float) -> None:
    message = rf"^confidence must be in \(0, 1\), got {confidence}$"
    with pytest.raises(ValueError, match=message):
        BootstrapSettings(confidence=confidence)
    # The message users already saw from the bootstrap itself.
    with pytest.raises(ValueError, match=message):
        bootstrap(lambda w: w, 3, confidence=confidence)
    # And from the notebook function, whose keyword is `level`.
    with pytest.raises(ValueError, match=message):
        expert_level_verdict(EXPERTS.T, CANDIDATE, level=confidence)


def test_assess_with_settings_draws_the_resamples_the_loose_keywords_drew() -> None:
    panel = _panel()
    settings = BootstrapSettings(n_resamples=300, seed=3)
    by_settings = assess(panel, CANDIDATE[:, None], "m", settings=settings, alt_epsilon=None)
    # What `n_resamples=300, seed=3` did: draw over the items sorted by id, lay them out in the
    # panel's order.
    drawn = resample_counts(len(panel.items), 300, 3)
    order = sorted(range(len(panel.items)), key=lambda i: panel.items[i])
    counts = np.empty_like(drawn)
    counts[:, order] = drawn
    by_hand = assess(panel, CANDIDATE[:, None], "m", counts=counts, alt_epsilon=None)
    assert _figures(by_settings) == _figures(by_hand)
    again = assess(panel, CANDIDATE[:, None], "m", settings=settings, alt_epsilon=None)
    assert _figures(again) == _figures(by_settings)
    seed_0 = assess(
        panel,
        CANDIDATE[:, None],
        "m",
        settings=dataclasses.replace(settings, seed=0),
        alt_epsilon=None,
    )
    assert _figures(seed_0) != _figures(by_settings)


def test_expert_level_verdict_builds_the_same_settings_as_assess() -> None:
    # The panel the notebook function builds from its arrays.
    items = tuple(f"item{i}" for i in range(len(CANDIDATE)))
    raters = ("expert1", "expert2", "expert3")
    panel = Panel("fw", items, ("s",), raters, EXPERTS.T[:, None, :], (Scale(1, 5),), "interval")
    alone = expert_level_verdict(
        EXPERTS.T, CANDIDATE, level=0.9, n_resamples=200, seed=3, scale=(1, 5)
    )
    through = assess(
        panel,
        CANDIDATE[:, None],
        "m",
        settings=BootstrapSettings(n_resamples=200, seed=3, confidence=0.9),
        alt_epsilon=None,
        swap=False,
    ).result("s")
    assert through.like_for_like is not None
    assert (alone.lower, alone.upper) == (through.like_for_like.lower, through.like_for_like.upper)
    assert (alone.candidate, alone.experts) == (
        through.like_for_like.candidate,
        through.like_for_like.experts,
    )


def test_a_leaderboard_is_fixed_by_its_settings(replay_logs_dir: Path) -> None:
    runs = load_runs([replay_logs_dir])
    settings = BootstrapSettings(n_resamples=60, seed=3)
    board = build_leaderboard(runs, settings=settings)
    frame = leaderboard_frame(board)
    assert frame.equals(leaderboard_frame(build_leaderboard(runs, settings=settings)))
    seed_0 = dataclasses.replace(settings, seed=0)
    other = leaderboard_frame(build_leaderboard(runs, settings=seed_0))
    assert not frame.equals(other)
    shown = leaderboard_json(board)["settings"]
    assert (shown["n_resamples"], shown["seed"], shown["confidence"]) == (60, 3, 0.95)
