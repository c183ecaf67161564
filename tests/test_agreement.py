"""The agreement engine: leave-one-expert-out verdicts, ceilings, swap, ranks (oracles)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from empathy_judge.datasets.release import load_ratings
from empathy_judge.datasets.rubric import load_framework
from empathy_judge.scorers.agreement import assess, assess_many
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.kappa import weighted_kappa
from empathy_judge.scorers.panel import Panel, Scale, panel_from_table
from empathy_judge.scorers.verdicts import MARGIN, rank_ranges, verdict_of


def _panel(values: Sequence[Sequence[float]], level: str = "interval") -> Panel:
    """One sub-component: rows are raters, columns items."""
    array = np.asarray(values, dtype=np.float64).T[:, None, :]
    items = tuple(f"i{n}" for n in range(array.shape[0]))
    raters = tuple(f"expert{k + 1}" for k in range(array.shape[2]))
    return Panel("fw", items, ("s",), raters, array, (Scale(1, 5),), level)  # type: ignore[arg-type]


E1 = [1, 2, 3, 4, 5, 2, 3, 4]
E2 = [1, 3, 3, 5, 4, 2, 2, 4]
E3 = [2, 2, 4, 4, 5, 1, 3, 5]


def test_leave_one_out_by_hand() -> None:
    panel = _panel([E1, E2, E3])
    candidate = np.array([1, 2, 4, 4, 5, 2, 3, 4], dtype=float)[:, None]
    result = assess(
        panel, candidate, "model", settings=BootstrapSettings(n_resamples=200), alt_epsilon=None
    )
    sub = result.result("s")
    e = np.array([E1, E2, E3], dtype=float)
    a = []
    b = []
    for k in range(3):
        reference = np.delete(e, k, axis=0).mean(axis=0)
        a.append(weighted_kappa(candidate[:, 0], reference))
        b.append(weighted_kappa(e[k], reference))
    assert sub.loo_candidate.value == pytest.approx(np.mean(a))
    assert sub.loo_experts.value == pytest.approx(np.mean(b))
    assert sub.difference.value == pytest.approx(np.mean(a) - np.mean(b))
    pairs = [weighted_kappa(e[x], e[y]) for x, y in ((0, 1), (0, 2), (1, 2))]
    assert sub.ceiling.value == pytest.approx(np.median(pairs))
    median = np.median(e, axis=0)
    assert sub.kappa.value == pytest.approx(weighted_kappa(candidate[:, 0], median))
    assert sub.n_items == 8
    assert sub.difference.low <= sub.difference.value <= sub.difference.high


def test_swap_alpha_matches_krippendorff() -> None:
    panel = _panel([E1, E2, E3])
    clone = np.array(E1, dtype=float)[:, None]
    sub = assess(
        panel, clone, "clone", settings=BootstrapSettings(n_resamples=100), alt_epsilon=None
    ).result("s")
    experts = krippendorff.alpha(reliability_data=[E1, E2, E3], level_of_measurement="interval")
    swapped = [
        krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
        for data in ([E1, E2, E3], [E1, E1, E3], [E1, E2, E1])
    ]
    assert sub.experts_alpha == pytest.approx(experts)
    assert sub.swap.value == pytest.approx(np.mean(swapped) - experts)


def test_panel_member_is_scored_without_itself() -> None:
    panel = _panel([E1, E2, E3])
    own = np.array(E1, dtype=float)[:, None]
    result = assess(
        panel, own, "expert1", settings=BootstrapSettings(n_resamples=100), alt_epsilon=None
    )
    assert result.raters == ("expert2", "expert3")
    assert "belongs to the panel" in result.notes[0]
    # Against the other two only: κ(expert1, mean(e2, e3)) vs κ(e2, e3)-based references.
    reference = (np.array(E2) + np.array(E3)) / 2
    assert result.result("s").kappa.value == pytest.approx(
        weighted_kappa(np.array(E1, dtype=float), reference)
    )


def test_one_expert_has_no_verdict() -> None:
    panel = _panel([E1])
    result = assess(
        panel, np.array(E2, dtype=float)[:, None], "m", settings=BootstrapSettings(n_resamples=50)
    )
    sub = result.result("s")
    assert sub.verdict == "not assessed"
    assert np.isnan(sub.ceiling.value)
    assert sub.kappa.value == pytest.approx(weighted_kappa(np.array(E2), np.array(E1)))
    assert any("one expert" in note for note in result.notes)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.01, 0.2, "above"),
        (-MARGIN, 0.2, "at"),
        (-0.04, -0.01, "at"),
        (-0.3, -0.01, "below"),
        (-0.3, 0.2, "inconclusive"),
        (float("nan"), 0.1, "inconclusive"),
    ],
)
def test_verdict_rules(low: float, high: float, expected: str) -> None:
    assert verdict_of(low, high) == expected


def test_nominal_panel_uses_unweighted_kappa() -> None:
    # Labels 0/1/2 as categories: κ = (p_o − p_e)/(1 − p_e) by hand.
    x = [0, 1, 2, 0, 1, 2]
    y = [0, 1, 1, 0, 2, 2]
    panel = _panel([x, x, x], level="nominal")
    result = assess(
        panel, np.array(y, dtype=float)[:, None], "m", settings=BootstrapSettings(n_resamples=50)
    )
    p_o = 4 / 6
    p_e = (2 / 6) * (2 / 6) + (2 / 6) * (2 / 6) + (2 / 6) * (2 / 6)
    assert result.result("s").kappa.value == pytest.approx((p_o - p_e) / (1 - p_e))


def test_rank_ranges_separate_and_tie() -> None:
    rng = np.random.default_rng(0)
    replicates = np.column_stack(
        [rng.normal(0.8, 0.01, 500), rng.normal(0.5, 0.01, 500), rng.normal(0.5, 0.01, 500)]
    )
    ranges = rank_ranges([0.8, 0.51, 0.5], replicates)
    assert (ranges[0].rank, ranges[0].low, ranges[0].high) == (1, 1, 1)
    assert ranges[1].rank == 2 and ranges[1].low == 2 and ranges[1].high == 3
    assert ranges[2].rank == 3 and ranges[2].low == 2 and ranges[2].high == 3


@pytest.fixture(scope="module")
def release_ratings(release_dir: Path) -> pd.DataFrame:
    return load_ratings(release_dir)


def _release_panels(ratings: pd.DataFrame) -> dict[str, tuple[Panel, dict[str, np.ndarray]]]:
    out = {}
    for framework in ("empatheticdialogues", "epitome", "perceived_empathy", "lend_an_ear"):
        rubric = load_framework(framework)
        data = panel_from_table(
            ratings,
            framework,
            sub_components=rubric.columns,
            scales=[Scale(s.scale_min, s.scale_max) for s in rubric.sub_components],
            annotators=["crowd", "gemini-2.5-pro"],
        )
        out[framework] = (data.panel, dict(data.others))
    return out


@pytest.mark.release
def test_release_leave_one_out_oracles(release_ratings: pd.DataFrame) -> None:
    """Issue 8's oracles: candidate ≥ experts (point estimates) for Gemini on 6/21, crowd 2/21."""
    at_least = {"gemini-2.5-pro": 0, "crowd": 0}
    paper = {"gemini-2.5-pro": 0, "crowd": 0}
    for panel, others in _release_panels(release_ratings).values():
        results = assess_many(
            panel, others, settings=BootstrapSettings(n_resamples=200), alt_epsilon=None
        )
        for name, result in results.items():
            for sub in result.sub_components:
                at_least[name] += int(sub.loo_candidate.value >= sub.loo_experts.value)
                paper[name] += int(sub.paper_reaches_ceiling)
    assert at_least == {"gemini-2.5-pro": 6, "crowd": 2}
    # The paper's test (median of three vs the median pair) says 11 for Gemini.
    assert paper["gemini-2.5-pro"] == 11
