"""The reference panel: consensus rules, missing ratings, leave-one-out references, specs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from empathy_judge.datasets.release import load_ratings
from empathy_judge.scorers.agreement import assess
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.panel import (
    CONSENSUS,
    Panel,
    PanelError,
    PanelSpec,
    Scale,
    panel_from_table,
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


def test_median_consensus_and_missing_expert() -> None:
    table = _table({"expert1": [1, 2, 5], "expert2": [3, np.nan, 4], "expert3": [2, 4, 1]})
    data = panel_from_table(table, "fw")
    # Default: a majority of the panel (2 of 3) must have rated an item.
    assert data.panel.consensus()[:, 0].tolist() == [2.0, 3.0, 4.0]  # (2 + 4) / 2 for item1
    strict = panel_from_table(table, "fw", min_raters=3).panel
    assert np.isnan(strict.consensus()[1, 0])
    assert data.groups == {"expert1": "expert", "expert2": "expert", "expert3": "expert"}


def test_mean_and_majority_rules() -> None:
    values = np.array([[1, 1, 3], [0, 1, 2], [2, 2, 0]], dtype=float)[:, None, :]
    items = ("a", "b", "c")
    raters = ("e1", "e2", "e3")
    mean = Panel("fw", items, ("s",), raters, values, (Scale(0, 3),), "interval", "mean")
    assert mean.consensus()[:, 0] == pytest.approx([5 / 3, 1.0, 4 / 3])
    majority = Panel("fw", items, ("s",), raters, values, (Scale(0, 3),), "nominal", "majority")
    out = majority.consensus()[:, 0]
    assert out[0] == 1.0 and out[2] == 2.0
    assert np.isnan(out[1])  # three different labels: no majority


def test_leave_one_out_references_are_the_others_mean() -> None:
    table = _table({"expert1": [1, 2], "expert2": [3, 4], "expert3": [5, np.nan]})
    panel = panel_from_table(table, "fw").panel
    refs = panel.leave_one_out_references()[:, 0, :]
    assert refs[:, 0].tolist() == [4.0, 4.0]  # mean(3, 5); item1: only expert2 left
    assert refs[:, 2].tolist() == [2.0, 3.0]


def test_without_restrict_and_align() -> None:
    table = _table({"expert1": [1, 2, 3], "expert2": [2, 2, 3], "expert3": [1, 3, 3]})
    panel = panel_from_table(table, "fw").panel
    assert panel.without("expert2").raters == ("expert1", "expert3")
    with pytest.raises(PanelError, match="not in the fw panel"):
        panel.without("gpt")
    small = panel.restrict(["item2", "item0"])
    assert small.items == ("item2", "item0")
    assert small.rater("expert3")[:, 0].tolist() == [3.0, 1.0]
    with pytest.raises(PanelError, match="not in the fw panel"):
        panel.restrict(["nope"])
    aligned = panel.align(["item1", "zzz"], np.array([[5.0], [1.0]]))
    assert aligned[:, 0].tolist()[1] == 5.0 and np.isnan(aligned[0, 0])


def test_fingerprint_changes_with_a_rating() -> None:
    table = _table({"expert1": [1, 2, 3], "expert2": [2, 2, 3]})
    a = panel_from_table(table, "fw").panel
    table.loc[0, "rating"] = 4.0
    b = panel_from_table(table, "fw").panel
    assert a.fingerprint() != b.fingerprint()
    assert (
        a.fingerprint()
        == panel_from_table(
            _table({"expert1": [1, 2, 3], "expert2": [2, 2, 3]}), "fw"
        ).panel.fingerprint()
    )


def test_spec_round_trip_rebuilds_the_panel() -> None:
    spec = PanelSpec(raters=("e1", "e2"), scales={"s": (1, 5)}, rule="mean", crowd="crowd")
    again = PanelSpec.from_dict(spec.to_dict())
    assert again == spec
    reference: list[dict[str, dict[str, float]]] = [
        {"s": {"e1": 1, "e2": 3, "crowd": 2.5}},
        {"s": {"e1": 4, "e2": 4}},
    ]
    panel = again.panel("fw", ["a", "b"], reference, ["s"])
    assert panel.consensus()[:, 0].tolist() == [2.0, 4.0]
    crowd = again.crowd_ratings(reference, ["s"])
    assert crowd is not None and crowd[0, 0] == 2.5 and np.isnan(crowd[1, 0])
    with pytest.raises(PanelError, match="malformed"):
        PanelSpec.from_dict({"raters": ["e1"]})


def test_validate_ratings_names_the_problem() -> None:
    table = _table({"expert1": [1, 2]})
    with pytest.raises(PanelError, match=r"lacks column\(s\) \['group'\]"):
        validate_ratings(table.drop(columns="group"))
    with pytest.raises(PanelError, match="row 2: second rating"):
        validate_ratings(pd.concat([table, table.iloc[[0]]], ignore_index=True))
    bad = table.astype({"rating": object})
    bad.loc[1, "rating"] = "four"
    with pytest.raises(PanelError, match="row 1, column 'rating': not a number"):
        validate_ratings(bad)


@pytest.fixture(scope="module")
def release(release_dir: Path) -> pd.DataFrame:
    return load_ratings(release_dir)


@pytest.mark.release
def test_release_paper_figures(release: pd.DataFrame) -> None:
    data = panel_from_table(release, "lend_an_ear", annotators=["gemini-2.5-pro", "crowd"])
    gemini = assess(
        data.panel,
        data.others["gemini-2.5-pro"],
        "gemini",
        settings=BootstrapSettings(n_resamples=50),
    )
    elaboration = gemini.result("encouraging_elaboration")
    assert round(elaboration.paper_kappa, 2) == 0.86  # published Experts–Gemini
    assert round(elaboration.paper_ceiling, 2) == 0.69  # median of 0.69 / 0.73 / 0.62
    assert elaboration.paper_reaches_ceiling


@pytest.mark.release
def test_release_crowd_inflation(release: pd.DataFrame) -> None:
    # Perceived Empathy: crowd mean 4.99 vs experts 3.39 (expert median), as published.
    data = panel_from_table(release, "perceived_empathy", annotators=["crowd"])
    assert round(float(np.nanmean(data.ratings_of(CONSENSUS))), 2) == 3.39
    assert round(float(np.nanmean(data.ratings_of("crowd"))), 2) == 4.99
