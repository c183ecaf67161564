"""The analysis recipe: our runs' per-sub-component figures through Inspect's `evals_df`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from inspect_ai.analysis import evals_df

from empathy_judge.reports.inspect_frames import columns, sub_component_figures
from empathy_judge.reports.logs import load_runs

pytestmark = pytest.mark.release

GEMINI = "replay/gemini-2.5-pro"


def _value_kappa(x: np.ndarray, y: np.ndarray) -> float:
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    return float(1 - len(x) * ((x - y) ** 2).sum() / ((x[:, None] - y[None, :]) ** 2).sum())


def test_sub_component_figures_from_evals_df(replay_logs_dir: Path) -> None:
    figures = sub_component_figures(evals_df(str(replay_logs_dir), quiet=True))
    assert tuple(figures.columns) == columns()
    # Three replay models (one with a model argument, shown by Inspect under the same model
    # name) × the 3 + 3 + 6 sub-components of the frameworks with public texts.
    assert len(figures) == 3 * 12
    assert set(figures["framework"]) == {"empatheticdialogues", "epitome", "lend_an_ear"}
    run = load_runs([replay_logs_dir]).get(GEMINI, "epitome")
    assert run is not None
    row = figures[
        (figures["log"] == run.location) & (figures["sub_component"] == "level_explorations")
    ]
    assert len(row) == 1
    subs = ["level_explorations"]
    model, consensus = run.rating_matrix(subs), run.rating_matrix(subs, "expert_median")
    expected = _value_kappa(model[:, 0], consensus[:, 0])
    assert row["kappa"].iloc[0] == pytest.approx(expected, abs=1e-12)
    # The crowd's κ comes from the log's metadata (computed once by the task), not a metric.
    crowd = run.rating_matrix(subs, "crowd")
    assert row["crowd_kappa"].iloc[0] == pytest.approx(
        _value_kappa(crowd[:, 0], consensus[:, 0]), abs=1e-12
    )
    assert row["parse_rate"].iloc[0] == 1.0
    assert (figures["probe"] == "").all()
