"""`empathy-judge plan` and its sample-size arithmetic (`scorers.sample_size`)."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from empathy_judge.reports.cli import main
from empathy_judge.reports.corpora import JudgedCorpus
from empathy_judge.scorers.agreement import SubComponentResult
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.jackknife_interval import jackknife_t_interval
from empathy_judge.scorers.sample_size import (
    VerdictShape,
    conclusive_probability,
    gate_critical_value,
    items_for_gate,
    items_for_verdict,
    items_for_verdict_resampled,
)

PACK = Path(__file__).resolve().parent / "fixtures" / "ppi_corpus" / "system_a"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "peer_listening"


def test_conclusive_probability_by_hand() -> None:
    # Δ = 0, s = 0.05, m = 0.1, z = 1.959964: z·s = 0.0979982.
    # up:   1 − Φ((0.0979982 − 0.1)/0.05) = 1 − Φ(−0.040036) = 0.515968
    # down: Φ(min(−0.0979982, −0.0020018)/0.05) = Φ(−1.959964) = 0.025000
    # total 0.540968.
    p = conclusive_probability(0.0, 0.05, margin=0.1, level=0.95)
    assert float(p) == pytest.approx(0.540968, abs=1e-6)
    # Δ = −0.1 (on the margin), s = 0.1: up 1 − Φ((0.196 − 0.1 + 0.1)/0.1) = 1 − Φ(1.96) = 0.025;
    # down Φ((min(−0.196, 0.096) + 0.1)/0.1) = Φ(−0.96) = 0.168537; total 0.193537.
    assert float(conclusive_probability(-0.1, 0.1, margin=0.1, level=0.95)) == pytest.approx(
        0.193537, abs=1e-6
    )


def test_conclusive_probability_with_unequal_reaches_by_hand() -> None:
    # Δ = 0, s = 0.05, m = 0.1, q_low = 2, q_high = 2.5: up 1 − Φ((0.1 − 0.1)/0.05) = 0.5;
    # down Φ(min(−0.125, 0.0)/0.05) = Φ(−2.5) = 0.0062097; total 0.5062097.
    p = conclusive_probability(0.0, 0.05, margin=0.1, level=0.95, multipliers=(2.0, 2.5))
    assert float(p) == pytest.approx(0.5062097, abs=1e-6)


def test_verdict_shape_redraws_the_jackknife_interval() -> None:
    # No skewness, no excess kurtosis: the reach is Student's t at m − 1 df on both sides
    # (scipy.stats.t.ppf(0.975, 49) = 2.0095752; at 199 df, 1.9719565).
    flat = VerdictShape(0.0, 0.0)
    low, high = flat.multipliers(np.array([50, 200]), 0.95)
    assert low == pytest.approx([2.0095752, 1.9719565], abs=1e-6)
    assert high == pytest.approx(low)
    # At the pilot's own size the shape gives back the interval it was read from.
    rng = np.random.default_rng(4)
    loo = np.concatenate([rng.normal(0.0, 0.01, 45), rng.normal(0.06, 0.01, 5)])[:, None]
    interval = jackknife_t_interval([0.0], loo, np.ones((50, 1), dtype=bool))
    shape = VerdictShape.of(float(interval.skewness[0]), float(interval.df[0]), 50)
    assert shape is not None and shape.kurtosis > 0 and shape.skewness < 0
    q_low, q_high = shape.multipliers(50, 0.95)
    s = float(interval.std_error[0])
    assert -float(q_low) * s == pytest.approx(interval.low[0], rel=1e-9)
    assert float(q_high) * s == pytest.approx(interval.high[0], rel=1e-9)
    # Left skew reaches further below than above, and both reaches shrink with more items.
    assert float(q_low) > float(q_high)
    more_low, more_high = shape.multipliers(500, 0.95)
    assert float(more_low) < float(q_low) and float(more_high) <= float(q_high)
    assert VerdictShape.of(float("nan"), 30.0, 50) is None


def test_items_for_verdict_is_the_first_n_that_reaches_the_power() -> None:
    n = items_for_verdict(0.0, 0.08, 50, margin=0.1, power=0.8, level=0.95)
    assert n is not None
    at = conclusive_probability(0.0, 0.08 * math.sqrt(50 / n), margin=0.1, level=0.95)
    before = conclusive_probability(0.0, 0.08 * math.sqrt(50 / (n - 1)), margin=0.1, level=0.95)
    assert float(at) >= 0.8 > float(before)
    # At Δ = 0 the share is Φ(m/s − z) ('at') + Φ(−z) = 0.025 ('below', as z·s < m/2):
    # Φ(m/s − z) = 0.775 gives m/s = 1.959964 + 0.755415 = 2.715379, s = 0.036827,
    # n = 50 · (0.08 / 0.036827)² = 235.9, so 236.
    assert n == 236
    assert items_for_verdict(0.0, math.nan, 50, margin=0.1, power=0.8, level=0.95) is None
    # Beyond the largest n searched the plan says so (None) rather than a number.
    assert (
        items_for_verdict(0.0, 0.08, 50, margin=0.1, power=0.8, level=0.95, max_items=200) is None
    )
    # Δ = −0.3, far below the margin: 'below' once Δ̂ + z·s < 0, Φ(0.3/s − z) = 0.8 gives
    # s = 0.3 / 2.801585 = 0.107082 and n = 50 · (0.08 / 0.107082)² = 27.9, so 28.
    assert items_for_verdict(-0.3, 0.08, 50, margin=0.1, power=0.8, level=0.95) == 28


def test_items_for_gate_closed_form() -> None:
    # D = 0.2, s₀ = 0.1 on 50 items, c = z_0.95 = 1.644854, z_0.8 = 0.841621, T = 0.05:
    # wanted s = min(0.2 / 2.486475, 0.15 / 0.841621) = min(0.080435, 0.178228) = 0.080435;
    # n = ⌈50 · (0.1 / 0.080435)²⌉ = ⌈77.28⌉ = 78.
    c = gate_critical_value(0.95)
    assert c == pytest.approx(1.644854, abs=1e-6)
    assert items_for_gate(0.2, 0.1, 50, critical=c, power=0.8, tolerance=0.05) == 78
    assert items_for_gate(0.05, 0.1, 50, critical=c, power=0.8, tolerance=0.05) is None
    # Bonferroni over 3 sub-components: z at 1 − 0.05/3.
    assert gate_critical_value(0.95, 3) == pytest.approx(2.128045, abs=1e-6)


def _plan(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["plan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_release_plan_rows(release_dir: Path) -> None:
    code, out, err = _plan(
        "release", "--framework", "epitome", "--judge", "gemini-2.5-pro", "--json",
        "--data-dir", str(release_dir), "--resamples", "1000",
    )  # fmt: skip
    assert code == 0, err
    plan = json.loads(out)
    # The rows say how the verdict's items were planned (the pilot's own spread allowed for).
    assert "expected power" in plan["verdict_items"]
    rows = plan["rows"]
    assert [r["sub_component"] for r in rows] == [
        "level_emotional_reactions",
        "level_interpretations",
        "level_explorations",
        "(framework mean)",
    ]
    for r in rows:
        assert r["framework"] == "epitome" and r["annotator"] == "gemini-2.5-pro"
        assert r["items_now"] == 50 and r["experts"] == 3
        assert r["expert_ratings_at_zero"] == 3 * r["items_needed_at_zero"]
        # 50 items leave an equal judge inconclusive most of the time: more are needed.
        assert r["items_needed_at_zero"] > 50
        assert r["gate_items_drop_0_1"] > r["gate_items_drop_0_2"]
    # The observed Δ is the verdict's: Gemini's Δ̂ ≈ +0.19 on interpretations, with the shape
    # pooled over EPITOME's three sub-components, has p 0.003 for "at" (Benjamini–Hochberg
    # needs 0.025/3 for the smallest p): 'at', and a study like this one is conclusive at
    # fewer than 50 items four times in five if Δ̂ is the truth (44 by resampling the pilot).
    interpretations = rows[1]
    assert interpretations["verdict_now"] == "at"
    assert interpretations["difference"] == pytest.approx(0.19, abs=0.01)
    assert 35 <= interpretations["items_needed_observed"] < 50
    # Emotional reactions stays inconclusive and needs about three times the items.
    assert rows[0]["verdict_now"] == "inconclusive"
    assert 120 <= rows[0]["items_needed_observed"] <= 180


def test_plan_agrees_with_items_to_settle(release_dir: Path) -> None:
    from empathy_judge.reports.corpora import load_corpora
    from empathy_judge.reports.plan import pilot_assessment, plan_corpus
    from empathy_judge.reports.verdict_plan import items_to_settle, settle_note

    corpus = load_corpora("epitome", judge="gemini-2.5-pro", data_dir=str(release_dir))[0]
    assessment, _ = pilot_assessment(
        corpus, settings=BootstrapSettings(confidence=0.95, n_resamples=1000, seed=0)
    )
    rows = plan_corpus(corpus, settings=BootstrapSettings(n_resamples=1000))
    for sub, row in zip(assessment.sub_components, rows, strict=False):
        assert items_to_settle(sub) == row.items_needed_observed
        note = settle_note(sub, sub.verdict)
        if sub.verdict == "inconclusive":
            assert note == f"≈{row.items_needed_observed} items would settle it"
        else:
            assert note == ""


def test_pack_plan_and_text_output() -> None:
    code, out, err = _plan(str(EXAMPLE), "--judge", "my-llm", "--resamples", "500")
    assert code == 0, err
    assert "peer_listening" in out and "(framework mean)" in out
    assert "inconclusive" in out


def _copy(tmp_path: Path, keep: Callable[[pd.DataFrame], pd.Series]) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(PACK, folder)
    ratings = pd.read_csv(folder / "ratings.csv")
    ratings[keep(ratings)].to_csv(folder / "ratings.csv", index=False)
    return folder


def test_one_expert_is_a_clear_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path, lambda r: ~r["annotator"].isin(["expert_b", "expert_c"]))
    code, _, err = _plan(str(folder), "--judge", "judge-llm")
    assert code == 2
    assert "one expert (expert_a)" in err and err.count("\n") == 1


def test_no_overlap_is_a_clear_error(tmp_path: Path) -> None:
    def apart(r: pd.DataFrame) -> pd.Series:
        rated = set(r.loc[r["group"] == "expert", "item_id"])
        return (r["group"] == "expert") | ~r["item_id"].isin(rated)

    code, _, err = _plan(str(_copy(tmp_path, apart)), "--judge", "judge-llm")
    assert code == 2
    assert "no item has both an expert consensus and a judge rating" in err


def test_unknown_judge_is_a_clear_error() -> None:
    code, _, err = _plan(str(PACK), "--judge", "nobody")
    assert code == 2 and "no annotator 'nobody'" in err


def test_unknown_judge_on_the_release_names_the_framework_asked_for(release_dir: Path) -> None:
    # Only --framework epitome is read: the message names epitome, not the first framework.
    code, _, err = _plan(
        "release", "--framework", "epitome", "--judge", "gemini", "--data-dir", str(release_dir)
    )
    assert code == 2
    assert "no annotator 'gemini' in the epitome ratings" in err and "gemini-2.5-pro" in err


def test_power_curve_is_vectorised() -> None:
    s = np.array([0.2, 0.1, 0.05, 0.01])
    p = conclusive_probability(0.0, s, margin=0.1, level=0.95)
    assert p.shape == (4,) and np.all(np.diff(p[1:]) > 0) and p[-1] > 0.99


def test_degraded_rerates_the_asked_share_from_the_column_marginal() -> None:
    from empathy_judge.reports.gate_plan import degraded

    ratings = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, np.nan], [2.0, 5.0]] * 5)
    out = degraded(ratings, np.array([0.0, 1.0]), np.random.default_rng(0))
    assert np.array_equal(out[:, 0], ratings[:, 0])  # share 0: untouched
    assert np.isnan(out[2::4, 1]).all()  # unrated stays unrated
    assert set(out[~np.isnan(out[:, 1]), 1]) <= {1.0, 2.0, 5.0}  # drawn from its own values
    half = degraded(ratings, np.array([0.5, 0.0]), np.random.default_rng(1))
    assert (half[:, 0] != ratings[:, 0]).sum() <= 10  # at most the 10 re-rated of 20


# --- The resampling plan (`items_for_verdict_resampled`): what `empathy-judge plan` uses. ---


def _example_pilot() -> tuple[JudgedCorpus, list[SubComponentResult]]:
    from empathy_judge.reports.corpora import load_corpora
    from empathy_judge.reports.plan import pilot_assessment

    corpus = load_corpora(str(EXAMPLE), judge="my-llm")[0]
    assessment, _ = pilot_assessment(
        corpus, settings=BootstrapSettings(confidence=0.95, n_resamples=20, seed=0)
    )
    return corpus, list(assessment.sub_components)


def test_pseudo_values_are_the_engines_and_give_back_its_interval() -> None:
    from empathy_judge.reports.verdict_plan import pooled_shape
    from empathy_judge.scorers.agreement import assess
    from empathy_judge.scorers.jackknife_interval import pseudo_value_interval

    corpus, subs = _example_pilot()
    panel, ratings = corpus.panel, corpus.ratings
    verdict = subs[0].like_for_like
    assert verdict is not None and verdict.pseudo_values is not None
    m = panel.values.shape[0]
    assert verdict.pseudo_values.shape == (m,) == (20,)
    # ψ_i = m·θ̂ − (m − 1)·θ̂₍₋ᵢ₎, with θ̂₍₋ᵢ₎ from `assess` run afresh without item i.
    theta = verdict.difference
    for i in range(m):
        keep = [k for k in range(m) if k != i]
        loo = (
            assess(
                panel.restrict([panel.items[k] for k in keep]),
                ratings[keep],
                settings=BootstrapSettings(n_resamples=10),
                alt_epsilon=None,
                swap=False,
            )
            .sub_components[0]
            .difference.value
        )
        assert verdict.pseudo_values[i] == pytest.approx(m * theta - (m - 1) * loo, abs=1e-9)
    # The interval drawn from the pseudo-values (the plan's path, with the verdict's shape when
    # it was pooled over the sub-components) is the verdict's, at m = n.
    shape = pooled_shape(verdict)
    assert verdict.pooled_shape and shape is not None
    again = pseudo_value_interval(
        [theta],
        verdict.pseudo_values[:, None],
        confidence=0.95,
        shape=None if shape is None else (shape.skewness, shape.kurtosis),
    )
    assert float(again.low[0]) == pytest.approx(verdict.lower, abs=1e-9)
    assert float(again.high[0]) == pytest.approx(verdict.upper, abs=1e-9)
    assert float(again.std_error[0]) == pytest.approx(verdict.std_error, abs=1e-12)


def _two_point_share(delta: float, a: float, n: int, margin: float, level: float) -> float:
    """Exact conclusive share of studies of n draws from {Δ − a, Δ + a} (equal chances).

    k draws of Δ + a: mean Δ + a(2k − n)/n; p = k/n; sd² = 4a²p(1 − p)·n/(n − 1); Bernoulli
    skewness (1 − 2p)/√(p(1 − p)) and excess kurtosis (1 − 6p(1 − p))/(p(1 − p)).
    """
    from scipy.stats import binom

    from empathy_judge.scorers.jackknife_interval import bound_multipliers, effective_df

    total = 0.0
    for k in range(n + 1):
        p = k / n
        mean = delta + a * (2 * k - n) / n
        pq = p * (1 - p)
        se = math.sqrt(4 * a * a * pq * n / (n - 1) / n)
        gamma = (1 - 2 * p) / math.sqrt(pq) if pq > 0 else 0.0
        kurt = (1 - 6 * pq) / pq if pq > 0 else 0.0
        q_low, q_high = bound_multipliers(effective_df(n, kurt), gamma, n, level)
        low, high = mean - float(q_low) * se, mean + float(q_high) * se
        if low >= -margin or high < 0:
            total += float(binom.pmf(k, n, 0.5))
    return total


def test_resampled_share_of_a_two_point_pilot_by_hand() -> None:
    from empathy_judge.scorers.sample_size import resampled_conclusive_share

    # ψ ∈ {−0.4, +0.6} shifted to mean Δ = 0: {−0.5, +0.5}. At n = 40, SE ≈ 0.5/√40 = 0.079 and
    # only studies with Δ̂ well above 0 are 'at' (low ≥ −0.1) or well below 'below'.
    pilot = np.array([-0.4, 0.6] * 10)
    exact = _two_point_share(0.0, 0.5, 40, 0.1, 0.95)
    assert 0.2 < exact < 0.6
    got = resampled_conclusive_share(pilot, 0.0, 40, margin=0.1, level=0.95, draws=40_000)
    # 40,000 studies: Monte Carlo SE √(p(1 − p)/40000) ≤ 0.0025.
    assert got == pytest.approx(exact, abs=0.01)


def test_constant_pseudo_values_are_always_conclusive_from_the_verdicts_floor() -> None:
    from empathy_judge.scorers.sample_size import (
        items_for_verdict_resampled,
        resampled_conclusive_share,
    )

    flat = np.full(30, 0.7)
    # Every study's SE is 0, so its interval is the point Δ: 'at' for Δ = −0.05, 'below' for
    # Δ = −0.3; under the verdict's floor of 10 items, never.
    for delta in (-0.05, -0.3):
        assert resampled_conclusive_share(flat, delta, 12, margin=0.1, level=0.95) == 1.0
        assert resampled_conclusive_share(flat, delta, 9, margin=0.1, level=0.95) == 0.0
        assert items_for_verdict_resampled(flat, delta, margin=0.1, power=0.8, level=0.95) == 10
    assert items_for_verdict_resampled(flat[:2], 0.0, margin=0.1, power=0.8, level=0.95) is None


def test_resampled_plan_is_seeded_monotone_and_the_first_n_reaching_the_power() -> None:
    from empathy_judge.scorers.sample_size import (
        items_for_verdict_resampled,
        resampled_conclusive_share,
    )

    _, subs = _example_pilot()
    verdict = subs[0].like_for_like
    assert verdict is not None and verdict.pseudo_values is not None
    psi = verdict.pseudo_values

    def share(n: int, seed: int = 0) -> float:
        return resampled_conclusive_share(psi, 0.0, n, margin=0.1, level=0.95, seed=seed)

    assert share(60) == share(60)  # same seed, same studies
    assert share(60, seed=1) != share(60, seed=2)
    # From 40 items on the share grows with n; below, studies of a few items often miss the
    # pilot's two large disagreements (ψ ≈ −0.7, −0.8): a study of 10 misses both with chance
    # (18/20)^10 = 0.35, and then has a small SE and a conclusive verdict.
    assert share(10) == pytest.approx(0.377, abs=0.03)
    curve = [share(n) for n in (40, 60, 80, 160, 320, 640)]
    assert curve == sorted(curve) and curve[0] < 0.1 and curve[-1] == 1.0
    n = items_for_verdict_resampled(
        psi, 0.0, margin=0.1, power=0.8, level=0.95, allow_for_pilot=False
    )
    assert n is not None and share(n) >= 0.8 > share(n - 1)
    assert n == items_for_verdict_resampled(
        psi, 0.0, margin=0.1, power=0.8, level=0.95, allow_for_pilot=False
    )
    assert items_for_verdict_resampled(psi, 0.0, margin=0.1, power=0.8, level=0.95,
                                       max_items=n - 1, allow_for_pilot=False) is None  # fmt: skip


def test_resampled_search_is_not_fooled_by_the_dip_at_few_items() -> None:
    from empathy_judge.scorers.sample_size import (
        items_for_verdict_resampled,
        resampled_conclusive_share,
    )

    # 49 items of agreement and one of a large disagreement: studies of 10 miss it with chance
    # (49/50)^10 = 0.82 and are then conclusive ('above': their Δ̂ is +0.06 with a tiny SE),
    # studies of 20 with chance 0.67; the plan is the n from which the power holds.
    pilot = np.concatenate([np.linspace(-0.01, 0.01, 49), [-3.0]])
    at_ten = resampled_conclusive_share(pilot, 0.0, 10, margin=0.1, level=0.95)
    assert at_ten == pytest.approx(0.98**10, abs=0.03) and at_ten >= 0.8
    assert resampled_conclusive_share(pilot, 0.0, 20, margin=0.1, level=0.95) < 0.8
    n = items_for_verdict_resampled(
        pilot, 0.0, margin=0.1, power=0.8, level=0.95, allow_for_pilot=False
    )
    assert n is not None and n > 20
    assert all(
        resampled_conclusive_share(pilot, 0.0, k, margin=0.1, level=0.95) >= 0.8 for k in (n, 2 * n)
    )
    assert resampled_conclusive_share(pilot, 0.0, n - 1, margin=0.1, level=0.95) < 0.8


def test_the_plan_allows_for_the_pilots_own_uncertainty_about_its_spread() -> None:
    from scipy import integrate, stats

    from empathy_judge.scorers.sample_size import (
        items_for_verdict_resampled,
        pilot_df,
        pilot_variance_inflation,
        resampled_conclusive_share,
    )

    # Oracle: the expected power E_X[Φ(a·√(c·X) − z)], X = χ²_ν/ν, integrated by quad over the
    # χ² density, is the stated 80% at the c found on the quantile grid.
    z = stats.norm.ppf(0.975)
    a = z + stats.norm.ppf(0.8)
    for nu in (10, 49):
        c = pilot_variance_inflation(nu, 0.8, 0.95)
        expected, _ = integrate.quad(
            lambda x, c=c, nu=nu: (
                stats.norm.cdf(a * np.sqrt(c * x / nu) - z) * stats.chi2.pdf(x, nu)
            ),
            0,
            np.inf,
        )
        assert expected == pytest.approx(0.8, abs=2e-4)
    assert pilot_variance_inflation(49, 0.8, 0.95) == pytest.approx(1.035, abs=1e-3)
    assert pilot_variance_inflation(10, 0.8, 0.95) > pilot_variance_inflation(49, 0.8, 0.95)
    assert pilot_variance_inflation(math.inf, 0.8, 0.95) == 1.0

    _, subs = _example_pilot()
    verdict = subs[0].like_for_like
    assert verdict is not None and verdict.pseudo_values is not None
    psi = verdict.pseudo_values
    # A pilot's own df: the verdict's formula at scipy's small-sample excess kurtosis.
    m = np.isfinite(psi).sum()
    excess = stats.kurtosis(psi[np.isfinite(psi)], bias=False)
    assert pilot_df(psi) == pytest.approx(2 / (2 / (m - 1) + max(excess, 0) / m), rel=1e-9)
    spread = math.sqrt(pilot_variance_inflation(pilot_df(psi), 0.8, 0.95))
    assert spread > 1.0

    def share(n: int) -> float:
        return resampled_conclusive_share(psi, 0.0, n, margin=0.1, level=0.95, spread=spread)

    widened = items_for_verdict_resampled(psi, 0.0, margin=0.1, power=0.8, level=0.95)
    plain = items_for_verdict_resampled(
        psi, 0.0, margin=0.1, power=0.8, level=0.95, allow_for_pilot=False
    )
    assert widened is not None and plain is not None and widened > plain
    assert share(widened) >= 0.8 > share(widened - 1)


def test_plan_falls_back_to_the_analytic_plan_without_pseudo_values() -> None:
    from dataclasses import replace

    from empathy_judge.reports.verdict_plan import items_needed, pooled_shape, verdict_interval

    _, subs = _example_pilot()
    sub = subs[0]
    assert sub.like_for_like is not None and sub.like_for_like.pseudo_values is not None
    bare = replace(sub.like_for_like, pseudo_values=None)
    s, shape = verdict_interval(bare, sub.difference, 0.95)
    analytic = items_for_verdict(
        0.0, s, sub.n_items, margin=0.1, power=0.8, level=0.95, shape=shape
    )
    assert analytic is not None
    assert items_needed(bare, sub.difference, sub.n_items, 0.0) == analytic
    resampled = items_needed(sub.like_for_like, sub.difference, sub.n_items, 0.0)
    # The resampling plan holds the pilot's pooled shape fixed (79 items with each study's own).
    assert resampled == items_for_verdict_resampled(
        sub.like_for_like.pseudo_values,
        0.0,
        margin=0.1,
        power=0.8,
        level=0.95,
        shape=pooled_shape(sub.like_for_like),
    )
    assert resampled != items_for_verdict_resampled(
        sub.like_for_like.pseudo_values, 0.0, margin=0.1, power=0.8, level=0.95
    )
