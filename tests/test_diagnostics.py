"""Judge diagnostics: leniency, scale use, length bias and polarity, against hand and scipy."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from empathy_judge.datasets.release import load_conversations, load_ratings
from empathy_judge.datasets.rubric import load_framework
from empathy_judge.scorers.bootstrap import resample_counts
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.diagnostic_results import (
    DIAGNOSTIC_METRICS,
    DiagnosticsError,
    diagnostic_metrics,
)
from empathy_judge.scorers.diagnostics import diagnose
from empathy_judge.scorers.panel import Panel, Scale, panel_from_table
from empathy_judge.scorers.weighted_statistics import (
    round_half_up,
    spearman_statistic,
    spread_ratio_statistic,
)

B = 200

# Five items, three experts on a 1–5 scale (rows: items, columns: expert1..expert3).
EXPERTS = np.array(
    [
        [1, 2, 2],  # median 2
        [2, 3, 3],  # median 3
        [3, 3, 4],  # median 3
        [4, 5, 5],  # median 5
        [5, 4, 4],  # median 4
    ],
    dtype=float,
)
CONSENSUS = np.array([2, 3, 3, 5, 4], dtype=float)
CANDIDATE = np.array([3, 3, 4, 5, 5], dtype=float)
CROWD = np.array([2.5, 3.5, 3.0, 4.5, 4.25])
WORDS = np.array([50, 10, 40, 20, 30], dtype=float)


def _panel(experts: np.ndarray, level: str = "interval") -> Panel:
    """items × sub-components × raters on 1–5 scales."""
    if experts.ndim == 2:
        experts = experts[:, None, :]
    items = tuple(f"i{n}" for n in range(experts.shape[0]))
    subs = tuple(f"s{j}" for j in range(experts.shape[1]))
    raters = tuple(f"expert{k + 1}" for k in range(experts.shape[2]))
    scales = tuple(Scale(1, 5) for _ in subs)
    return Panel("fw", items, subs, raters, experts, scales, level)  # type: ignore[arg-type]


def _one(values: np.ndarray) -> np.ndarray:
    return values[:, None]


def test_leniency_by_hand() -> None:
    result = diagnose(
        _panel(EXPERTS),
        _one(CANDIDATE),
        "model",
        polarity=["positive"],
        crowd=_one(CROWD),
        settings=BootstrapSettings(n_resamples=B),
    )
    sub = result.result("s0")
    # candidate − consensus = [1, 0, 1, 0, 1] -> 3/5.
    assert sub.leniency.candidate.value == pytest.approx(0.6)
    # crowd − consensus = [0.5, 0.5, 0, −0.5, 0.25] -> 0.75/5.
    assert sub.leniency.crowd is not None
    assert sub.leniency.crowd.value == pytest.approx(0.15)
    # expert1 − mean(expert2, expert3) = [1−2, 2−3, 3−3.5, 4−5, 5−4] -> −2.5/5 = −0.5;
    # expert2 − mean(expert1, expert3) = [.5, .5, −.5, .5, −.5] -> 0.1;
    # expert3 − mean(expert1, expert2) = [.5, .5, 1, .5, −.5] -> 0.4. They sum to 0.
    assert [e.value for e in sub.leniency.experts] == pytest.approx([-0.5, 0.1, 0.4])
    assert sub.leniency.experts_abs.value == pytest.approx((0.5 + 0.1 + 0.4) / 3)
    assert sub.leniency.n_items == 5
    assert result.leniency.value == pytest.approx(0.6)
    assert result.crowd_leniency is not None
    assert result.crowd_leniency.value == pytest.approx(0.15)
    interval = sub.leniency.candidate
    assert interval.low <= interval.value <= interval.high
    assert 0.0 <= interval.low < interval.high <= 1.0


def test_leniency_interval_is_the_percentile_of_resampled_means() -> None:
    counts = resample_counts(5, B, seed=3)
    result = diagnose(
        _panel(EXPERTS), _one(CANDIDATE), polarity=["positive"], counts=counts
    ).result("s0")
    gap = CANDIDATE - CONSENSUS
    means = [np.repeat(gap, c.astype(int)).mean() for c in counts]  # the loop the code avoids
    assert result.leniency.candidate.low == pytest.approx(np.quantile(means, 0.025))
    assert result.leniency.candidate.high == pytest.approx(np.quantile(means, 0.975))


def test_missing_ratings_leave_the_item_out() -> None:
    candidate = CANDIDATE.copy()
    candidate[0] = np.nan  # gap [·, 0, 1, 0, 1] -> 2/4
    sub = diagnose(
        _panel(EXPERTS),
        _one(candidate),
        polarity=["positive"],
        settings=BootstrapSettings(n_resamples=B),
    )
    assert sub.sub_components[0].leniency.candidate.value == pytest.approx(0.5)
    assert sub.sub_components[0].leniency.n_items == 4
    assert sub.sub_components[0].scale_use.n_rated == 4


def test_scale_use_by_hand() -> None:
    sub = diagnose(
        _panel(EXPERTS),
        _one(CANDIDATE),
        polarity=["positive"],
        settings=BootstrapSettings(n_resamples=B),
    ).sub_components[0]
    use = sub.scale_use
    assert use.levels == (1.0, 2.0, 3.0, 4.0, 5.0)
    # candidate [3, 3, 4, 5, 5]: two 3s, one 4, two 5s out of five.
    assert [s.value for s in use.shares] == pytest.approx([0, 0, 0.4, 0.2, 0.4])
    assert use.ends.value == pytest.approx(0.4)  # the two 5s; no 1
    assert use.off_scale.value == pytest.approx(0.0)
    # The 15 expert ratings: one 1, three 2s, four 3s, four 4s, three 5s.
    assert [s.value for s in use.experts_shares] == pytest.approx(
        [1 / 15, 3 / 15, 4 / 15, 4 / 15, 3 / 15]
    )
    assert use.experts_ends.value == pytest.approx(4 / 15)
    # sd: candidate mean 4, squares 1+1+0+1+1 = 4 -> var 0.8; consensus [2,3,3,5,4] mean 3.4,
    # squares 1.96+0.16+0.16+2.56+0.36 = 5.2 -> var 1.04; ratio sqrt(0.8/1.04).
    assert use.spread_ratio.value == pytest.approx(math.sqrt(0.8 / 1.04))
    assert use.spread_ratio.value == pytest.approx(np.std(CANDIDATE) / np.std(CONSENSUS))
    assert not use.constant
    assert use.label == "varied"


def test_crowd_means_are_binned_half_up() -> None:
    # [2.5, 3.5, 3, 4.5, 4.25] -> [3, 4, 3, 5, 4] (numpy's round would give 2, 4, 3, 4, 4).
    assert round_half_up(CROWD).tolist() == [3, 4, 3, 5, 4]
    use = (
        diagnose(
            _panel(EXPERTS),
            _one(CROWD),
            "crowd",
            polarity=["positive"],
            settings=BootstrapSettings(n_resamples=B),
        )
        .sub_components[0]
        .scale_use
    )
    assert [s.value for s in use.shares] == pytest.approx([0, 0, 0.4, 0.4, 0.2])
    assert use.ends.value == pytest.approx(0.2)


def test_off_scale_ratings_are_counted_apart() -> None:
    candidate = np.array([6, 3, 4, 5, 0.4])  # 6 -> 6 and 0.4 -> 0: outside 1–5
    use = (
        diagnose(
            _panel(EXPERTS),
            _one(candidate),
            polarity=["positive"],
            settings=BootstrapSettings(n_resamples=B),
        )
        .sub_components[0]
        .scale_use
    )
    assert use.off_scale.value == pytest.approx(0.4)
    assert [s.value for s in use.shares] == pytest.approx([0, 0, 0.2, 0.2, 0.2])


def test_a_constant_judge_is_named_constant() -> None:
    experts = np.stack([EXPERTS, EXPERTS[::-1]], axis=1)  # two sub-components
    result = diagnose(
        _panel(experts),
        np.full((5, 2), 3.0),
        "smollm2",
        polarity=["positive", "negative"],
        word_counts=WORDS,
        settings=BootstrapSettings(n_resamples=B),
    )
    for sub in result.sub_components:
        assert sub.scale_use.constant
        assert sub.scale_use.label == "constant at 3"
        assert sub.scale_use.constant_level == 3.0
        assert sub.scale_use.spread_ratio.value == 0.0
        assert [s.value for s in sub.scale_use.shares] == pytest.approx([0, 0, 1, 0, 0])
    assert result.constant_sub_components == ("s0", "s1")
    check = result.result("s1").polarity_check
    assert check is not None
    assert math.isnan(check.candidate.value)  # a constant has no rank order
    assert not check.as_if_positive
    metrics = diagnostic_metrics(result)
    assert tuple(metrics) == DIAGNOSTIC_METRICS
    assert metrics["constant_sub_components"] == 2.0
    assert metrics["min_spread_ratio"] == 0.0
    assert metrics["polarity_flags"] == 0.0


def test_length_bias_by_hand() -> None:
    result = diagnose(
        _panel(EXPERTS),
        _one(CANDIDATE),
        polarity=["positive"],
        word_counts=WORDS,
        settings=BootstrapSettings(n_resamples=B),
    )
    bias = result.sub_components[0].length_bias
    assert bias is not None
    # gap [1,0,1,0,1] ranks [4,1.5,4,1.5,4] (deviations 1,−1.5,1,−1.5,1); words [50,10,40,20,30]
    # ranks [5,1,4,2,3] (deviations 2,−2,1,−1,0): Σ = 2+3+1+1.5+0 = 7.5, Σdx² = 7.5, Σdy² = 10
    # -> ρ = 7.5 / sqrt(75).
    assert bias.candidate.value == pytest.approx(7.5 / math.sqrt(75))
    assert bias.candidate.value == pytest.approx(spearmanr(CANDIDATE - CONSENSUS, WORDS)[0])
    # Experts' gaps (see the leniency test): ρ1 = 2/sqrt(80), ρ2 = −2.5/sqrt(75), ρ3 = 2/sqrt(80).
    each = [2 / math.sqrt(80), -2.5 / math.sqrt(75), 2 / math.sqrt(80)]
    assert [e.value for e in bias.experts_each] == pytest.approx(each)
    assert bias.experts.value == pytest.approx(np.mean(each))
    assert bias.experts_abs.value == pytest.approx(np.mean(np.abs(each)))
    assert bias.n_items == 5
    assert result.length_bias is not None
    assert result.length_bias.value == pytest.approx(7.5 / math.sqrt(75))
    assert diagnostic_metrics(result)["length_bias_rho"] == pytest.approx(7.5 / math.sqrt(75))


def test_unknown_word_counts_leave_items_out() -> None:
    words = WORDS.copy()
    words[4] = np.nan
    bias = (
        diagnose(
            _panel(EXPERTS),
            _one(CANDIDATE),
            polarity=["positive"],
            word_counts=words,
            settings=BootstrapSettings(n_resamples=B),
        )
        .sub_components[0]
        .length_bias
    )
    assert bias is not None
    assert bias.n_items == 4
    gap = CANDIDATE - CONSENSUS
    assert bias.candidate.value == pytest.approx(spearmanr(gap[:4], WORDS[:4])[0])
    no_words = diagnose(
        _panel(EXPERTS),
        _one(CANDIDATE),
        polarity=["positive"],
        settings=BootstrapSettings(n_resamples=B),
    )
    assert no_words.sub_components[0].length_bias is None
    assert math.isnan(diagnostic_metrics(no_words)["length_bias_rho"])


def test_polarity_by_hand() -> None:
    # Sub-component s1 is negative; every expert gives it [4, 3, 2, 1, 2].
    negative = np.repeat(np.array([4, 3, 2, 1, 2], dtype=float)[:, None], 3, axis=1)
    experts = np.stack([EXPERTS, negative], axis=1)
    candidate = np.column_stack([CANDIDATE, [2, 3, 4, 5, 5]])  # rates it like a positive
    result = diagnose(
        _panel(experts),
        candidate,
        polarity=["positive", "negative"],
        settings=BootstrapSettings(n_resamples=B),
    )
    check = result.result("s1").polarity_check
    assert check is not None and result.result("s0").polarity_check is None
    assert check.positives == ("s0",)
    # Consensus: s0 [2,3,3,5,4] ranks [1,2.5,2.5,5,4], s1 [4,3,2,1,2] ranks [5,4,2.5,1,2.5];
    # deviations [−2,−.5,−.5,2,1] and [2,1,−.5,−2,−.5]: Σ = −8.75, Σdx² = Σdy² = 9.5.
    assert check.experts.value == pytest.approx(-8.75 / 9.5)
    # Candidate: s0 [3,3,4,5,5] ranks [1.5,1.5,3,4.5,4.5], s1 [2,3,4,5,5] ranks [1,2,3,4.5,4.5];
    # deviations [−1.5,−1.5,0,1.5,1.5] and [−2,−1,0,1.5,1.5]: Σ = 9, Σdx² = 9, Σdy² = 9.5.
    assert check.candidate.value == pytest.approx(9 / math.sqrt(9 * 9.5))
    assert check.candidate.value == pytest.approx(spearmanr(candidate[:, 1], candidate[:, 0])[0])
    assert check.difference.value == pytest.approx(9 / math.sqrt(85.5) + 8.75 / 9.5)
    assert check.as_if_positive
    assert result.polarity_flags == ("s1",)
    assert diagnostic_metrics(result)["polarity_flags"] == 1.0


def test_spearman_statistic_is_scipy_on_the_expanded_sample() -> None:
    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, size=(30, 3)).astype(float)  # many ties
    y = np.column_stack([x[:, 0] + rng.normal(0, 1, 30), rng.integers(0, 3, 30), -x[:, 2]])
    x[[2, 9], 1] = np.nan
    counts = resample_counts(30, 25, seed=1)
    values = spearman_statistic(x, y)(counts)
    for b, row in enumerate(counts.astype(int)):
        for s in range(3):
            keep = ~(np.isnan(x[:, s]) | np.isnan(y[:, s]))
            expected = spearmanr(np.repeat(x[keep, s], row[keep]), np.repeat(y[keep, s], row[keep]))
            assert values[b, s] == pytest.approx(expected[0], abs=1e-12)
    plain = spearman_statistic(x, y)(np.ones((1, 30)))[0]
    assert plain[0] == pytest.approx(spearmanr(x[:, 0], y[:, 0])[0])


def test_spearman_of_many_few_level_series_is_scipys_across_blocks_of_level_tables() -> None:
    from empathy_judge.scorers.weighted_statistics import TABLE_BLOCK_CELLS

    rng = np.random.default_rng(11)
    levels = [2, 3, 5, 7, 10] * 12  # 60 pairs: more cells than one block holds
    x = np.column_stack([rng.integers(0, k, 30) for k in levels]).astype(float)
    y = np.column_stack([rng.integers(0, k, 30) for k in reversed(levels)]).astype(float)
    y[rng.random(y.shape) < 0.1] = np.nan  # each pair its own items
    assert sum(k * k for k in levels) > TABLE_BLOCK_CELLS
    counts = resample_counts(30, 6, seed=3)
    values = spearman_statistic(x, y)(counts)
    assert np.isfinite(values).mean() > 0.9
    for b, row in enumerate(counts.astype(int)):
        for s in range(len(levels)):
            keep = ~np.isnan(y[:, s])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a resample may leave a 2-level series constant
                expected = spearmanr(
                    np.repeat(x[keep, s], row[keep]), np.repeat(y[keep, s], row[keep])
                )[0]
            assert values[b, s] == pytest.approx(expected, abs=1e-12, nan_ok=True)


def test_spread_ratio_statistic_is_numpy_on_the_expanded_sample() -> None:
    rng = np.random.default_rng(2)
    x = rng.integers(1, 8, size=(20, 1)).astype(float)
    y = rng.integers(1, 8, size=(20, 1)).astype(float)
    counts = resample_counts(20, 10, seed=4)
    values = spread_ratio_statistic(x, y)(counts)[:, 0]
    for b, row in enumerate(counts.astype(int)):
        expected = np.std(np.repeat(x[:, 0], row)) / np.std(np.repeat(y[:, 0], row))
        assert values[b] == pytest.approx(expected)


def test_shared_counts_give_the_same_figures_as_the_same_seed() -> None:
    panel = _panel(EXPERTS)
    by_seed = diagnose(
        panel,
        _one(CANDIDATE),
        polarity=["positive"],
        settings=BootstrapSettings(n_resamples=B, seed=5),
    )
    shared = diagnose(
        panel, _one(CANDIDATE), polarity=["positive"], counts=resample_counts(5, B, seed=5)
    )
    assert by_seed == shared
    assert shared.n_resamples == B


def test_a_panel_member_is_compared_with_the_others() -> None:
    result = diagnose(_panel(EXPERTS), _one(EXPERTS[:, 0]), "expert1", polarity=["positive"])
    assert result.raters == ("expert2", "expert3")
    # expert1 against the median of expert2 and expert3 (their mean): −0.5 as above.
    assert result.leniency.value == pytest.approx(-0.5)
    assert any("belongs to the panel" in note for note in result.notes)


def test_nominal_panels_get_shares_only() -> None:
    result = diagnose(
        _panel(EXPERTS, "nominal"),
        _one(CANDIDATE),
        polarity=["positive"],
        settings=BootstrapSettings(n_resamples=B),
    )
    sub = result.sub_components[0]
    assert math.isnan(sub.leniency.candidate.value)
    assert math.isnan(sub.scale_use.spread_ratio.value)
    assert [s.value for s in sub.scale_use.shares] == pytest.approx([0, 0, 0.4, 0.2, 0.4])
    assert any("nominal" in note for note in result.notes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"candidate": np.zeros((4, 1))}, r"shape \(4, 1\).*\(5, 1\)"),
        ({"polarity": ["positive", "negative"]}, "polarity has 2 entries"),
        ({"polarity": ["upbeat"]}, "polarity of 's0' is 'upbeat'"),
        ({"word_counts": [1, 2, -3, 4, 5]}, "word count of item 'i2'"),
        ({"word_counts": [1, 2, 3]}, "one per panel item"),
        ({"crowd": np.full((5, 1), np.inf)}, "crowd ratings: infinite value at item 'i0'"),
        ({"counts": np.ones((3, 4))}, r"resample counts have shape \(3, 4\)"),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"candidate": _one(CANDIDATE), "polarity": ["positive"]}
    arguments.update(kwargs)
    with pytest.raises(DiagnosticsError, match=message):
        diagnose(_panel(EXPERTS), settings=BootstrapSettings(n_resamples=B), **arguments)  # type: ignore[arg-type]


# -- the authors' release ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def release_ratings(release_dir: Path) -> pd.DataFrame:
    return load_ratings(release_dir)


def test_crowd_leniency_on_perceived_empathy_is_the_published_gap(
    release_ratings: pd.DataFrame,
) -> None:
    data = panel_from_table(release_ratings, "perceived_empathy", annotators=["crowd"])
    crowd = data.others["crowd"]
    polarity = ["positive"] * len(data.panel.sub_components)
    as_crowd = diagnose(
        data.panel, crowd, "crowd", polarity=polarity, settings=BootstrapSettings(n_resamples=B)
    )
    beside = diagnose(
        data.panel, crowd, polarity=polarity, crowd=crowd, settings=BootstrapSettings(n_resamples=B)
    )
    # Published means on 1–7: crowd 4.99, expert median 3.39.
    assert round(as_crowd.leniency.value, 2) == round(4.99 - 3.39, 2) == 1.60
    assert beside.crowd_leniency is not None
    assert beside.crowd_leniency.value == pytest.approx(as_crowd.leniency.value)
    assert as_crowd.leniency.low > 1.0  # the inflation is far outside resampling noise


def test_experts_rate_lend_an_ear_negatives_against_the_positives(
    release_dir: Path, release_ratings: pd.DataFrame
) -> None:
    framework = load_framework("lend_an_ear")
    subs = [s.column for s in framework.sub_components]
    data = panel_from_table(
        release_ratings,
        "lend_an_ear",
        sub_components=subs,
        scales=[Scale(s.scale_min, s.scale_max) for s in framework.sub_components],
        annotators=["gemini-2.5-pro"],
    )
    words = {
        c.item_id: c.supporter_word_count for c in load_conversations(release_dir, "lend_an_ear")
    }
    result = diagnose(
        data.panel,
        data.others["gemini-2.5-pro"],
        "gemini-2.5-pro",
        polarity=[s.polarity for s in framework.sub_components],
        word_counts=[words.get(item, np.nan) for item in data.panel.items],
        settings=BootstrapSettings(n_resamples=B),
    )
    negatives = ("advice_giving", "self_oriented", "dismissing_emotions")
    checks = {n: result.result(n).polarity_check for n in negatives}
    assert all(c is not None for c in checks.values())
    # Measured: advice −0.40, self-oriented −0.02, dismissing emotions −0.21.
    for check in checks.values():
        assert check is not None and check.experts.value < 0
    assert checks["advice_giving"] is not None and checks["advice_giving"].experts.high < 0
    assert result.length_bias is not None and result.sub_components[0].length_bias is not None
    assert result.sub_components[0].length_bias.n_items == 50


def _estimates(found: object, path: str = "") -> list[tuple[str, float, float, float]]:
    import dataclasses

    from empathy_judge.scorers.verdicts import Estimate

    if isinstance(found, Estimate):
        return [(path, found.value, found.low, found.high)]
    if dataclasses.is_dataclass(found) and not isinstance(found, type):
        return [
            e
            for f in dataclasses.fields(found)
            for e in _estimates(getattr(found, f.name), f"{path}.{f.name}")
        ]
    if isinstance(found, tuple):
        return [e for i, item in enumerate(found) for e in _estimates(item, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize("seed", [6, 33])
def test_every_interval_contains_its_estimate(seed: int) -> None:
    # Simulated panels on which the experts' mean |ρ| sat below its own percentile interval
    # (0.0497 with [0.0518, 0.428] at seed 6): |·| is biased upwards in resamples.
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=20)
    experts = np.clip(np.round(3 + latent[:, None] + rng.normal(scale=0.8, size=(20, 3))), 1, 5)
    words = rng.integers(5, 200, size=20).astype(float)
    candidate = np.clip(np.round(3 + latent + rng.normal(scale=0.7, size=20)), 1, 5)
    result = diagnose(
        _panel(experts),
        _one(candidate),
        polarity=["positive"],
        word_counts=words,
        crowd=_one(np.clip(candidate + 0.5, 1, 5)),
        settings=BootstrapSettings(n_resamples=400, seed=seed),
    )
    checked = [e for e in _estimates(result) if all(map(math.isfinite, e[1:]))]
    assert len(checked) > 20
    outside = [e for e in checked if not e[2] <= e[1] <= e[3]]
    assert outside == []
    abs_rho = result.experts_abs_length_bias
    assert abs_rho is not None and 0.0 <= abs_rho.low <= abs_rho.value <= abs_rho.high
