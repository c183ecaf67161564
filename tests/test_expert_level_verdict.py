"""The like-for-like verdict: its interval by hand, engine identity, min items, multiplicity."""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
import pytest
from inspect_ai.scorer import SampleScore, Score
from scipy import stats

from empathy_judge.scorers.agreement import assess, expert_level_verdict
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.kappa import weighted_kappa
from empathy_judge.scorers.metrics import agreement
from empathy_judge.scorers.multiplicity import benjamini_hochberg
from empathy_judge.scorers.panel import Panel, Scale
from empathy_judge.scorers.verdicts import (
    MIN_VERDICT_ITEMS,
    Estimate,
    ExpertLevelVerdict,
    family_verdicts,
    verdict_of,
)

# 12 items, three experts on a 1-5 scale, a candidate close to them.
EXPERTS = np.array(
    [
        [1, 1, 2],
        [2, 2, 2],
        [3, 2, 3],
        [4, 4, 5],
        [5, 5, 4],
        [2, 3, 2],
        [3, 3, 3],
        [4, 5, 4],
        [1, 2, 1],
        [5, 4, 5],
        [3, 4, 3],
        [2, 1, 2],
    ],
    dtype=float,
)
CANDIDATE = np.array([1, 2, 3, 4, 4, 2, 3, 5, 1, 5, 3, 3], dtype=float)


def _delta(experts: np.ndarray, candidate: np.ndarray) -> float:
    """Δ = mean_k κ(candidate, R_k) − mean_k κ(expert k, R_k), with plain loops."""
    a, b = [], []
    for k in range(experts.shape[1]):
        reference = np.delete(experts, k, axis=1).mean(axis=1)
        a.append(weighted_kappa(candidate, reference))
        b.append(weighted_kappa(experts[:, k], reference))
    return float(np.mean(a) - np.mean(b))


def test_interval_by_hand() -> None:
    found = expert_level_verdict(EXPERTS, CANDIDATE)
    n = EXPERTS.shape[0]
    delta = _delta(EXPERTS, CANDIDATE)
    # Jackknife by hand: Δ without item i, pseudo-values, their sd, skewness and kurtosis.
    loo = np.array([_delta(np.delete(EXPERTS, i, 0), np.delete(CANDIDATE, i)) for i in range(n)])
    pseudo = n * delta - (n - 1) * loo
    se = pseudo.std(ddof=1) / math.sqrt(n)
    # The sample skewness and excess kurtosis adjusted for small-sample bias (Joanes & Gill's
    # G1 and G2, scipy's bias=False).
    gamma = stats.skew(pseudo, bias=False)
    excess = stats.kurtosis(pseudo, fisher=True, bias=False)
    df = 2.0 / (2.0 / (n - 1) + max(excess, 0.0) / n)
    q = stats.t.ppf(0.975, df)

    def g_inverse(y: float) -> float:
        # Hall (1992): g(t) = t + γt²/(3√n) + γ²t³/(27n) + γ/(6√n), inverted.
        a, b = gamma / (3 * math.sqrt(n)), gamma / (6 * math.sqrt(n))
        return float((np.cbrt(1 + 3 * a * (y - b)) - 1) / a)

    assert found.difference == pytest.approx(delta, abs=1e-12)
    assert found.std_error == pytest.approx(se, rel=1e-9)
    assert found.skewness == pytest.approx(gamma, rel=1e-9)
    assert found.df == pytest.approx(df, rel=1e-9)
    # The union with the plain jackknife-t interval: a side is only ever widened.
    assert found.lower == pytest.approx(delta - max(g_inverse(q), q) * se, rel=1e-9)
    assert found.upper == pytest.approx(delta - min(g_inverse(-q), -q) * se, rel=1e-9)
    assert found.lower < found.difference < found.upper
    assert found.n_items == n
    assert found.verdict == verdict_of(found.lower, found.upper)
    # The p-values agree with the bounds: the lower bound is where p_above reaches 2.5%.
    assert (found.p_above < 0.025) == (found.lower > 0)
    assert (found.p_at < 0.025) == (found.lower > -found.margin)


def test_skewed_pseudo_values_lower_the_lower_bound() -> None:
    # Left-skewed pseudo-values (a few items where the candidate disagrees a lot): the interval
    # reaches further below the estimate than above it, unlike a symmetric one.
    found = expert_level_verdict(EXPERTS, CANDIDATE)
    assert found.skewness < 0
    assert found.difference - found.lower > found.upper - found.difference
    # The upper side is the plain t bound (the correction would have narrowed it).
    q = stats.t.ppf(0.975, found.df)
    assert found.upper == pytest.approx(found.difference + q * found.std_error, rel=1e-9)


def _panel(values: np.ndarray) -> Panel:
    n_items, n_subs, _ = values.shape
    return Panel(
        "fw",
        tuple(f"i{k}" for k in range(n_items)),
        tuple("abcdefg"[:n_subs]),
        ("e1", "e2", "e3"),
        values,
        (Scale(1, 5),) * n_subs,
    )


def test_the_engine_and_the_pure_function_give_identical_figures() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(1, 6, size=(40, 3, 3)).astype(float)
    candidate = np.clip(values[:, :, 0] + rng.integers(-1, 2, size=(40, 3)), 1, 5)
    values[5, 1, 2] = np.nan  # missing ratings stay missing in both
    candidate[7, 2] = np.nan
    result = assess(
        _panel(values),
        candidate,
        "m",
        settings=BootstrapSettings(n_resamples=300),
        alt_epsilon=None,
        swap=False,
    )
    for j, sub in enumerate(result.sub_components):
        alone = expert_level_verdict(values[:, j, :], candidate[:, j], n_resamples=300)
        # A one-sub-component panel is the pure function exactly.
        single = assess(
            _panel(values[:, j : j + 1, :]),
            candidate[:, j : j + 1],
            "m",
            settings=BootstrapSettings(n_resamples=300),
            alt_epsilon=None,
            swap=False,
        ).sub_components[0]
        for engine in (single.like_for_like, sub.like_for_like):
            assert engine is not None
            # Δ̂ and its standard error are the sub-component's own in a family too.
            for name in ("difference", "std_error", "n_items"):
                assert getattr(engine, name) == getattr(alone, name), (sub.sub_component, name)
        engine = single.like_for_like
        assert engine is not None
        for name in ("lower", "upper", "skewness", "df", "p_above", "p_at", "p_below"):
            assert getattr(engine, name) == getattr(alone, name), (sub.sub_component, name)
        assert engine.verdict == alone.verdict
        assert single.difference == alone.estimate
        assert not alone.pooled_shape
    # The framework verdict is the same rule on the mean Δ over the sub-components.
    framework = result.framework_verdict
    assert framework is not None
    assert framework.difference == pytest.approx(
        np.mean([s.difference.value for s in result.sub_components])
    )
    assert framework.lower < framework.difference < framework.upper
    assert result.mean_difference == framework.estimate
    assert framework.verdict == verdict_of(framework.lower, framework.upper)


def test_eight_items_are_inconclusive_in_the_engine_and_the_metric() -> None:
    # The candidate is expert 1 again: its interval alone would read "at expert level".
    experts = EXPERTS[:8]
    candidate = experts[:, 0].copy()
    found = expert_level_verdict(experts, candidate)
    assert verdict_of(found.lower, found.upper) in ("at", "above")
    assert found.n_items == 8 < MIN_VERDICT_ITEMS
    assert found.verdict == "inconclusive"
    assert math.isnan(found.p_above)  # not in any family either
    scores = [
        SampleScore(
            score=Score(
                value={"empathy": float(candidate[i])},
                metadata={"framework": "empatheticdialogues"},
            ),
            sample_id=f"item{i}",
            sample_metadata={
                "reference": {"empathy": {f"expert{k + 1}": float(experts[i, k]) for k in range(3)}}
            },
        )
        for i in range(8)
    ]
    logged = cast(Any, agreement())(scores)
    assert logged["n_at_expert_level"] == 0
    assert logged["n_inconclusive"] == 1
    assert logged["loo_empathy"] == pytest.approx(found.difference)


def test_benjamini_hochberg_by_hand() -> None:
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, 0.04, 0.04, 0.5 (step-up minimum).
    adjusted = benjamini_hochberg([0.03, 0.5, 0.01, np.nan, 0.02])
    np.testing.assert_allclose(adjusted[[0, 1, 2, 4]], [0.04, 0.5, 0.04, 0.04])
    assert np.isnan(adjusted[3])


def _single(p_above: float, p_at: float, p_below: float) -> ExpertLevelVerdict:
    low = 0.01 if p_above < 0.025 else (-0.05 if p_at < 0.025 else -0.3)
    return ExpertLevelVerdict(
        verdict=verdict_of(low, -0.01 if p_below < 0.025 else 0.2),
        difference=0.0,
        lower=low,
        upper=0.2,
        std_error=0.1,
        n_items=50,
        candidate=Estimate.missing(),
        experts=Estimate.missing(),
        p_above=p_above,
        p_at=p_at,
        p_below=p_below,
    )


def test_family_verdicts_control_the_count() -> None:
    # Two sub-components "above" on their own (p 0.02 < 0.025) and one not: Benjamini–Hochberg
    # over the three needs p_(2) ≤ 2/3 · 0.025 or p_(1) ≤ 0.025/3; neither holds (adjusted
    # 0.03), so both fall back to "at" (p_at 0.001, adjusted 0.0015).
    family = [_single(0.02, 0.001, 0.9), _single(0.02, 0.001, 0.9), _single(0.5, 0.3, 0.4)]
    assert [v.verdict for v in family] == ["above", "above", "inconclusive"]
    assert family_verdicts(family) == ["at", "at", "inconclusive"]
    # The step-up: when all three have p 0.02, the largest is ≤ 0.025 and all three stand.
    assert family_verdicts([_single(0.02, 0.001, 0.9)] * 3) == ["above"] * 3
    # One strong "above" among weak ones survives: 0.005 ≤ 0.025/3.
    mixed = [_single(0.005, 0.001, 0.99), _single(0.04, 0.001, 0.9), _single(0.5, 0.3, 0.4)]
    assert family_verdicts(mixed) == ["above", "at", "inconclusive"]
    # One series is its own family.
    assert family_verdicts(family[:1]) == ["above"]


def test_assessment_counts_the_controlled_verdicts() -> None:
    rng = np.random.default_rng(11)
    values = rng.integers(1, 6, size=(60, 4, 3)).astype(float)
    candidate = values[:, :, 0] + 0.0
    panel = Panel(
        "fw",
        tuple(f"i{k}" for k in range(60)),
        ("a", "b", "c", "d"),
        ("e1", "e2", "e3"),
        values,
        (Scale(1, 5),) * 4,
    )
    result = assess(
        panel,
        candidate,
        "m",
        settings=BootstrapSettings(n_resamples=200),
        alt_epsilon=None,
        swap=False,
    )
    singles = [s.like_for_like for s in result.sub_components]
    assert all(s is not None for s in singles)
    expected = family_verdicts(cast(list[ExpertLevelVerdict], singles))
    assert [s.verdict for s in result.sub_components] == expected
    assert [s.marginal_verdict for s in result.sub_components] == [
        s.verdict for s in cast(list[ExpertLevelVerdict], singles)
    ]


def test_nominal_and_errors() -> None:
    labels = np.array([[0, 0, 1], [1, 1, 1], [2, 2, 2], [0, 1, 0]] * 3, dtype=float)
    found = expert_level_verdict(labels, labels[:, 0], nominal=True)
    assert found.n_items == 12
    assert math.isfinite(found.difference)
    with pytest.raises(ValueError, match="two experts"):
        expert_level_verdict(labels[:, :1], labels[:, 0])
    with pytest.raises(ValueError, match="items × experts"):
        expert_level_verdict(labels, labels[:5, 0])


def test_the_vectorised_conclusive_rule_is_verdict_of_s() -> None:
    # The plan reads many simulated studies through `conclusive`; it must say "conclusive"
    # exactly where `verdict_of` does not say "inconclusive", boundaries and NaN included.
    from empathy_judge.scorers.verdicts import conclusive, verdict_of

    bounds = [-0.3, -0.1, -0.05, 0.0, 0.05, 0.2, math.nan]
    pairs = [(low, high) for low in bounds for high in bounds if not (low > high)]
    lows, highs = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    expected = [verdict_of(low, high, 0.1) != "inconclusive" for low, high in pairs]
    assert conclusive(lows, highs, 0.1).tolist() == expected
    # By hand, over the 21 finite pairs low ≤ high: low ≥ −0.1 in 15, low = −0.3 with high < 0
    # in 3 more; a pair with a NaN bound is never conclusive.
    assert sum(expected) == 18


def test_a_family_shares_the_shape_of_its_pseudo_values() -> None:
    # Two sub-components: each keeps its own Δ̂ and standard error, and both (and their mean)
    # read their bounds with the skewness and kurtosis of their standardised pseudo-values and
    # those of the mean put together (plain loops and scipy here), without the widening to the
    # plain t bound of an own shape.
    rng = np.random.default_rng(1)
    values = rng.integers(1, 6, size=(30, 2, 3)).astype(float)
    candidate = np.clip(values[:, :, 1] + rng.integers(-2, 2, size=(30, 2)), 1, 5)
    result = assess(
        _panel(values),
        candidate,
        "m",
        settings=BootstrapSettings(n_resamples=200),
        alt_epsilon=None,
        swap=False,
    )
    n = values.shape[0]
    standardised, deltas, errors, pseudos = [], [], [], []
    for j in range(2):
        delta = _delta(values[:, j, :], candidate[:, j])
        loo = np.array(
            [
                _delta(np.delete(values[:, j, :], i, 0), np.delete(candidate[:, j], i))
                for i in range(n)
            ]
        )
        pseudo = n * delta - (n - 1) * loo
        standardised.append((pseudo - pseudo.mean()) / pseudo.std(ddof=0))
        pseudos.append(pseudo)
        deltas.append(delta)
        errors.append(pseudo.std(ddof=1) / math.sqrt(n))
    mean_pseudo = np.mean(pseudos, axis=0)  # the mean Δ's pseudo-values (Δ is linear in them)
    standardised.append((mean_pseudo - mean_pseudo.mean()) / mean_pseudo.std(ddof=0))
    pooled = np.concatenate(standardised)
    # Each series' moment ratios carry the small-sample adjustment of its own n values
    # (Joanes & Gill's G1 and G2); the series share n, so the pooled ratios take it once.
    g1 = stats.skew(pooled, bias=True)
    g2 = stats.kurtosis(pooled, fisher=True, bias=True)
    gamma = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    excess = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    df = 2.0 / (2.0 / (n - 1) + max(excess, 0.0) / n)
    q = stats.t.ppf(0.975, df)
    a, b = gamma / (3 * math.sqrt(n)), gamma / (6 * math.sqrt(n))

    def g_inverse(y: float) -> float:
        return float((np.cbrt(1 + 3 * a * (y - b)) - 1) / a)

    # A shape worth pooling, unlike each series' own: the test would see one left unpooled.
    assert abs(gamma) > 0.5
    for pseudo in pseudos:
        assert abs(stats.skew(pseudo, bias=False) - gamma) > 0.1
    for j, sub in enumerate(result.sub_components):
        found = sub.like_for_like
        assert found is not None and found.pooled_shape
        assert found.difference == pytest.approx(deltas[j], abs=1e-12)
        assert found.std_error == pytest.approx(errors[j], rel=1e-9)
        assert found.skewness == pytest.approx(gamma, rel=1e-9)
        assert found.df == pytest.approx(df, rel=1e-9)
        assert found.lower == pytest.approx(deltas[j] - g_inverse(q) * errors[j], rel=1e-9)
        assert found.upper == pytest.approx(deltas[j] - g_inverse(-q) * errors[j], rel=1e-9)
        assert (found.p_above < 0.025) == (found.lower > 0)
        assert (found.p_at < 0.025) == (found.lower > -found.margin)
        assert (found.p_below < 0.025) == (found.upper < 0)
    # The framework's mean Δ is read with the same shape (it rests on the same items).
    framework = result.framework_verdict
    assert framework is not None and framework.pooled_shape
    assert framework.skewness == pytest.approx(gamma, rel=1e-9)
