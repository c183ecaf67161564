"""The Alternative Annotator Test (Calderon, Reichart & Dror, ACL 2025) against hand arithmetic,
scipy/statsmodels, a naive per-item re-implementation and the authors' published notebook."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from empathy_judge.scorers.alt_test import (
    AltTestResult,
    alt_test,
    alt_test_columns,
    alt_test_indicators,
)

NAN = np.nan


def _t5_cdf(t: float) -> float:
    """Student t CDF with 5 degrees of freedom in closed form (θ = atan(t/√5)):
    F(t) = 1/2 + (θ + sinθ cosθ (1 + ⅔ cos²θ)) / π."""
    theta = math.atan(t / math.sqrt(5))
    c = math.cos(theta)
    return 0.5 + (theta + math.sin(theta) * c * (1 + 2 / 3 * c * c)) / math.pi


# ---------------------------------------------------------------------------------------------
# (1) A hand-computed example: 3 humans, 6 items, a 1–5 scale, ε = 0.2.
#
#   item  h1 h2 h3  c
#     1    3  3  3  3
#     2    2  4  4  4
#     3    5  4  3  4
#     4    1  2  3  3
#     5    4  4  5  4
#     6    2  3  3  2
#
# For human j the others' ratings are R; both RMSEs divide by |R| = 2, so compare the squared-
# error sums L_c = Σ(c − r)², L_h = Σ(h_j − r)² (smaller wins, equal is a tie won by both).
#
# j = 1, R = (h2, h3):
#   i1 c 3 vs (3,3): 0 | h1 3: 0      tie        W_f 1 W_h 1 d  0
#   i2 c 4 vs (4,4): 0 | h1 2: 4+4=8  candidate  W_f 1 W_h 0 d −1
#   i3 c 4 vs (4,3): 1 | h1 5: 1+4=5  candidate             d −1
#   i4 c 3 vs (2,3): 1 | h1 1: 1+4=5  candidate             d −1
#   i5 c 4 vs (4,5): 1 | h1 4: 1      tie                   d  0
#   i6 c 2 vs (3,3): 2 | h1 2: 2      tie                   d  0
#   d = (0,−1,−1,−1,0,0): mean −1/2; deviations ±1/2 → Σ = 6/4, s² = 1.5/5 = 0.3,
#   se = √(0.3/6) = √0.05; t = (−0.5 − 0.2)/√0.05 = −3.1305; mean W_f = 1.
# j = 2, R = (h1, h3):
#   i1 tie; i2 c 4 vs (2,4): 4 | h2 4: 4 tie; i3 c 4 vs (5,3): 2 | h2 4: 2 tie;
#   i4 c 3 vs (1,3): 4 | h2 2 vs (1,3): 1+1=2  human  W_f 0 W_h 1 d +1;
#   i5 c 4 | h2 4 identical: tie; i6 c 2 vs (2,3): 1 | h2 3 vs (2,3): 1 tie
#   d = (0,0,0,1,0,0): mean 1/6; Σ(d−m)² = 5/36 + 25/36 = 5/6, s² = 1/6, se = √(1/36) = 1/6;
#   t = (1/6 − 1/5)·6 = −0.2; mean W_f = 5/6.
# j = 3, R = (h1, h2):
#   i1 tie; i2 c 4 vs (2,4): 4 | h3 4: 4 tie; i3 c 4 vs (5,4): 1 | h3 3: 4+1=5 candidate d −1;
#   i4 c 3 | h3 3 identical: tie; i5 c 4 vs (4,4): 0 | h3 5: 2 candidate d −1;
#   i6 c 2 vs (2,3): 1 | h3 3 vs (2,3): 1 tie
#   d = (0,0,−1,0,−1,0): mean −1/3; Σ(d−m)² = 4·(1/9) + 2·(4/9) = 4/3, s² = 4/15,
#   se = √(4/90) = √(2/45); t = (−1/3 − 1/5)/√(2/45) = −(8/15)/√(2/45) = −2.5298; mean W_f = 1.
# p_j = F_5(t_j) (closed form above): p1 ≈ 0.012971, p2 ≈ 0.424680, p3 ≈ 0.026271.
# Benjamini–Yekutieli, m = 3, c(m) = 1 + 1/2 + 1/3 = 11/6, m·c(m) = 5.5; sorted p1 < p3 < p2:
#   rank 3: p2·5.5/3 = 0.778580; rank 2: min(p3·5.5/2, that) = 0.072244;
#   rank 1: min(p1·5.5, that) = 0.071343 (h1, h3, h2 in rank order).
# At q = 0.05 nothing is rejected: ω = 0, fails. At q = 0.10 h1 and h3 are: ω = 2/3, passes.
# ρ = (1 + 5/6 + 1)/3 = 17/18 either way.
# ---------------------------------------------------------------------------------------------
HAND_HUMANS = np.array(
    [[3, 3, 3], [2, 4, 4], [5, 4, 3], [1, 2, 3], [4, 4, 5], [2, 3, 3]], dtype=float
)
HAND_CANDIDATE = np.array([3, 4, 4, 3, 4, 2], dtype=float)
HAND_D = np.array(
    [[0, 0, 0], [-1, 0, 0], [-1, 0, -1], [-1, 1, 0], [0, 0, -1], [0, 0, 0]], dtype=float
)
HAND_T = np.array([-0.7 / math.sqrt(0.05), -0.2, -(8 / 15) / math.sqrt(2 / 45)])


def _hand_p() -> np.ndarray:
    return np.array([_t5_cdf(t) for t in HAND_T])


def _hand_by(p: np.ndarray) -> np.ndarray:
    p1, p2, p3 = p
    rank3 = min(1.0, p2 * 5.5 / 3)
    rank2 = min(p3 * 5.5 / 2, rank3)
    rank1 = min(p1 * 5.5, rank2)
    return np.array([rank1, rank3, rank2])


def test_hand_example_indicators() -> None:
    w_f, w_h, usable = alt_test_indicators(HAND_CANDIDATE, HAND_HUMANS)
    assert usable.all()
    d = w_h.astype(float) - w_f.astype(float)
    np.testing.assert_array_equal(d, HAND_D)
    np.testing.assert_array_equal(w_f.mean(axis=0), [1.0, 5 / 6, 1.0])


def test_hand_example_statistics_and_by_correction() -> None:
    result = alt_test(HAND_CANDIDATE, HAND_HUMANS, epsilon=0.2, q=0.05)
    hand_p = _hand_p()
    np.testing.assert_allclose(hand_p, [0.012971, 0.424680, 0.026271], atol=5e-7)
    np.testing.assert_allclose([h.mean_d for h in result.humans], [-0.5, 1 / 6, -1 / 3])
    np.testing.assert_allclose([h.advantage for h in result.humans], [1.0, 5 / 6, 1.0])
    np.testing.assert_allclose([h.t_statistic for h in result.humans], HAND_T, rtol=1e-12)
    np.testing.assert_allclose(result.p_values, hand_p, rtol=1e-9)
    np.testing.assert_allclose(result.adjusted_p, _hand_by(hand_p), rtol=1e-9)
    np.testing.assert_allclose(result.adjusted_p, [0.071343, 0.778580, 0.072244], atol=5e-7)
    assert [h.n_items for h in result.humans] == [6, 6, 6]
    assert not result.rejected.any()
    assert result.omega == 0.0
    assert not result.passes
    assert result.rho == pytest.approx(17 / 18)
    assert [h.annotator for h in result.humans] == ["human1", "human2", "human3"]

    lenient = alt_test(HAND_CANDIDATE, HAND_HUMANS, epsilon=0.2, q=0.10, names=["a", "b", "c"])
    assert lenient.rejected.tolist() == [True, False, True]
    assert lenient.omega == pytest.approx(2 / 3)
    assert lenient.passes
    assert lenient.rho == pytest.approx(17 / 18)
    assert lenient.q == 0.10
    assert lenient.epsilon == 0.2
    assert [h.annotator for h in lenient.humans] == ["a", "b", "c"]
    assert lenient.n_tested == 3


def test_hand_example_accuracy_metric() -> None:
    # Nominal labels 0/1/2. Human 1 is left out; its others are humans 2 and 3.
    #   item  h1 h2 h3  c   acc(c)  acc(h1)  W_f W_h  d
    #    1     0  0  0  0    2/2     2/2     1   1    0
    #    2     1  0  0  0    2/2     0/2     1   0   −1
    #    3     2  1  2  2    1/2     1/2     1   1    0
    #    4     0  1  1  0    0/2     0/2     1   1    0
    #    5     1  1  1  2    0/2     2/2     0   1   +1
    humans = np.array([[0, 0, 0], [1, 0, 0], [2, 1, 2], [0, 1, 1], [1, 1, 1]], dtype=float)
    candidate = np.array([0, 0, 2, 0, 2], dtype=float)
    w_f, w_h, _ = alt_test_indicators(candidate, humans, metric="accuracy")
    np.testing.assert_array_equal(w_f[:, 0], [1, 1, 1, 1, 0])
    np.testing.assert_array_equal(w_h[:, 0], [1, 0, 1, 1, 1])
    # Human 3 left out, others humans 1 and 2: item 2 c=0 and h3=0 both agree with h2 only
    # (1/2 each): tie; item 3 c=2 and h3=2 agree with h1 only: tie; item 4 c=0 agrees with h1,
    # h3=1 with h2 (1/2 each): tie; item 5 c=2 agrees with nobody, h3=1 with both.
    np.testing.assert_array_equal(w_f[:, 2], [1, 1, 1, 1, 0])
    np.testing.assert_array_equal(w_h[:, 2], [1, 1, 1, 1, 1])
    result = alt_test(candidate, humans, metric="accuracy", epsilon=0.1)
    d = np.array([0, -1, 0, 0, 1], dtype=float)
    expected = stats.ttest_1samp(d, 0.1, alternative="less")
    assert result.humans[0].p_value == pytest.approx(expected.pvalue, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# (2) Against a naive per-item re-implementation, scipy's t-test and statsmodels' BY.
# ---------------------------------------------------------------------------------------------
def _naive(
    candidate: np.ndarray, humans: np.ndarray, epsilon: float, q: float, metric: str
) -> tuple[list[float], list[float], list[int]]:
    """p-values, advantages and item counts of the tested humans, item by item."""
    p_values, advantages, counts = [], [], []
    for j in range(humans.shape[1]):
        d, wins = [], []
        for i in range(humans.shape[0]):
            others = [humans[i, k] for k in range(humans.shape[1]) if k != j]
            others = [r for r in others if not np.isnan(r)]
            if np.isnan(candidate[i]) or np.isnan(humans[i, j]) or not others:
                continue
            if metric == "rmse":
                s_llm = -math.sqrt(sum((candidate[i] - r) ** 2 for r in others) / len(others))
                s_h = -math.sqrt(sum((humans[i, j] - r) ** 2 for r in others) / len(others))
            else:
                s_llm = sum(candidate[i] == r for r in others) / len(others)
                s_h = sum(humans[i, j] == r for r in others) / len(others)
            w_f, w_h = int(s_llm >= s_h), int(s_h >= s_llm)
            d.append(w_h - w_f)
            wins.append(w_f)
        if len(d) < 2:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            p_values.append(float(stats.ttest_1samp(d, epsilon, alternative="less").pvalue))
        advantages.append(float(np.mean(wins)))
        counts.append(len(d))
    return p_values, advantages, counts


def _random_case(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_items, n_humans = 40, 4 + seed % 3
    latent = rng.integers(1, 6, size=n_items).astype(float)
    humans = np.clip(latent[:, None] + rng.integers(-1, 2, size=(n_items, n_humans)), 1, 5)
    humans[rng.random(humans.shape) < 0.15] = NAN
    candidate = np.clip(latent + rng.integers(-1, 2, size=n_items), 1, 5).astype(float)
    candidate[rng.random(n_items) < 0.1] = NAN
    return candidate, humans


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("metric", ["rmse", "accuracy"])
def test_matches_scipy_ttest_and_statsmodels_by(seed: int, metric: str) -> None:
    candidate, humans = _random_case(seed)
    epsilon, q = 0.2, 0.3  # a lenient q so that some humans are rejected and some are not
    result = alt_test(candidate, humans, epsilon=epsilon, q=q, metric=metric)  # type: ignore[arg-type]
    p_values, advantages, counts = _naive(candidate, humans, epsilon, q, metric)
    assert [h.n_items for h in result.humans] == counts
    assert not any(h.zero_variance for h in result.humans)
    np.testing.assert_allclose(result.p_values, p_values, rtol=1e-10)
    reject, adjusted, _, _ = multipletests(p_values, alpha=q, method="fdr_by")
    np.testing.assert_allclose(result.adjusted_p, adjusted, rtol=1e-10)
    assert result.rejected.tolist() == reject.tolist()
    assert result.omega == pytest.approx(reject.mean())
    assert result.rho == pytest.approx(np.mean(advantages))


def test_random_draws_cover_both_verdicts() -> None:
    # Guard for the test above: its draws must not all be rejected or all kept.
    outcomes: set[bool] = set()
    for seed in range(6):
        outcomes.update(alt_test(*_random_case(seed), q=0.3).rejected.tolist())
    assert outcomes == {True, False}


# ---------------------------------------------------------------------------------------------
# (3) The authors' notebook (github.com/nitaytech/AltTest, alt_test_example.ipynb) prints, for
# MT-Bench (3 human judges, nominal labels, accuracy, ε = 0.2, at least 30 items per human):
#   gemini_flash ω 0.00 ρ 0.72 | gemini_pro 0.00 0.76 | gpt-4o 0.00 0.77 |
#   llama-31 0.00 0.69 | gpt-4o-mini 0.00 0.74 | mistral-v03 0.00 0.68
# The inputs below are the repository's data/mtbench/*.json, typed in: one row per
# (question, model pair), two characters per annotator for the pair's turns 1 and 2;
# a = model_a, b = model_b, t = tie, . = not rated.
# ---------------------------------------------------------------------------------------------
MTBENCH_ANNOTATORS = [
    *("author_0", "author_4", "expert_24"),
    *("gemini_flash", "gemini_pro", "gpt-4o", "llama-31", "gpt-4o-mini", "mistral-v03"),
]
MTBENCH = """
100/alpaca  .. at ab  bb bb bb bb bb aa
100/claude  .. bb bb  bb bb bb bb bb bb
100/vicuna  .. tt aa  bb bb aa aa bb tt
103/gpt4    .. bb bb  bb bb bb bb bb tb
103/vicuna  .. ta ta  bb bb tt ba bb tt
104/gpt4    .. ta ta  bb aa aa bb bb tt
104/vicuna  ta aa ..  aa aa aa bb aa at
105/gpt4    .. tt bb  aa tt bb bb aa tt
105/vicuna  tt tt ..  aa aa bb ab aa ta
106/vicuna  tt .. tt  bb tt aa bb aa at
107/claude  tt .. tt  aa aa aa aa aa tt
109/claude  .. tt tt  aa bb aa aa aa aa
109/vicuna  .. bt bt  bb bb bb bb bb tt
110/claude  .. ta tt  aa aa aa aa aa aa
112/claude  .. ta tt  tt tt tt ba tt tt
114/alpaca  tt bb ..  bb bb bb bb bb bb
115/alpaca  bb .. bb  bb bb bb bb bb bb
115/claude  bb .. bb  aa aa aa aa aa aa
117/gpt4    bb bb ..  aa aa bb bb aa tt
117/vicuna  aa .. aa  aa aa aa ab aa aa
118/alpaca  bt bt ..  aa ab bb bb aa bb
118/llama   .. aa at  aa ba aa aa aa tt
123/gpt4    .. tb tt  bb tb bb bb bb bt
130/llama   aa .. aa  aa aa aa ab aa aa
131/llama   aa .. aa  aa aa aa aa aa tt
133/llama   .. aa aa  aa aa aa aa aa aa
133/vicuna  ta aa ..  aa aa aa bb aa tt
134/alpaca  tb tb ..  bb bb bb bb bb tb
135/alpaca  .. bb bb  bb bb bb bb bb bb
137/alpaca  bb bb ..  bb bb bb bb bb bb
138/alpaca  bt bb ..  bb bb bb aa aa tt
138/gpt4    tt aa tb  bb aa bb at tt tt
138/llama   .. aa aa  aa aa aa at aa tt
140/llama   aa aa ..  aa aa aa aa aa at
141/llama   aa .. aa  aa aa aa aa aa aa
149/llama   aa aa ..  aa aa aa aa aa aa
150/vicuna  bb ba ab  bb bb bb bb aa aa
155/vicuna  .. ba ta  aa aa aa bb aa tt
156/vicuna  bb .. tb  bb aa aa bb bb aa
158/alpaca  tb bb ..  bb bb bb bb bb tt
159/alpaca  bt .. bb  bb bb bb bb bb ba
159/vicuna  tb .. tt  bb bb aa aa aa tt
160/vicuna  ta tt ..  bb bb aa aa aa aa
82/llama    ba aa ..  ba aa aa aa aa aa
82/vicuna   .. ab tt  bb bb bb ta aa tt
84/alpaca   .. bb tb  bb bb bb bt bb bb
85/claude   tt .. ta  bb ab aa bb bb at
85/vicuna   tt .. aa  aa bb aa bb aa aa
86/alpaca   bb .. bb  bb bb bb bb bb bb
87/gpt4     .. bt ta  bb bb bb bb bb ta
91/llama    aa aa ..  ab aa aa ab aa aa
91/vicuna   ta ba ba  bb aa aa bb bb aa
92/claude   ab aa ..  aa aa aa ba aa tt
92/gpt4     .. ba ba  bb aa bb bb bb tt
92/vicuna   bb .. tb  ba bb bb aa bb aa
93/gpt4     .. bt tb  bb bb aa aa aa aa
95/claude   .. ab ab  bb bb bb bb bb bb
96/alpaca   bt .. bb  bb bb bb bb bb tt
97/gpt4     bb .. bb  bb bb bb bb bb aa
99/claude   bt .. bt  aa aa aa bb aa tt
"""
MTBENCH_PRINTED = {  # ω, ρ as printed (2 decimals)
    "gemini_flash": (0.00, 0.72),
    "gemini_pro": (0.00, 0.76),
    "gpt-4o": (0.00, 0.77),
    "llama-31": (0.00, 0.69),
    "gpt-4o-mini": (0.00, 0.74),
    "mistral-v03": (0.00, 0.68),
}


def _mtbench() -> dict[str, np.ndarray]:
    code = {"a": 0.0, "b": 1.0, "t": 2.0, ".": NAN}
    columns: dict[str, list[float]] = {name: [] for name in MTBENCH_ANNOTATORS}
    for line in MTBENCH.strip().splitlines():
        cells = line.split()[1:]
        assert len(cells) == len(MTBENCH_ANNOTATORS), line
        for name, cell in zip(MTBENCH_ANNOTATORS, cells, strict=True):
            columns[name].extend(code[c] for c in cell)
    return {name: np.array(values) for name, values in columns.items()}


def test_reproduces_the_authors_notebook_on_mtbench() -> None:
    data = _mtbench()
    humans = np.column_stack([data[h] for h in MTBENCH_ANNOTATORS[:3]])
    assert humans.shape == (120, 3)
    assert (~np.isnan(humans)).sum(axis=0).tolist() == [74, 84, 88]  # the JSON files' sizes
    for llm, (omega, rho) in MTBENCH_PRINTED.items():
        result = alt_test(data[llm], humans, epsilon=0.2, q=0.05, metric="accuracy", min_items=30)
        assert result.n_tested == 3
        assert round(result.omega, 2) == omega, llm
        assert round(result.rho, 2) == rho, llm


# ---------------------------------------------------------------------------------------------
# (4) Zero variance and too few items.
# ---------------------------------------------------------------------------------------------
def test_zero_variance_is_decided_by_the_mean() -> None:
    # Candidate identical to human 1: every item is a tie for human 1 (d ≡ 0 < ε → p = 0).
    # Human 2 always rates 5 while humans 1 and 3 agree on 1..3 and the candidate copies them:
    # the candidate always beats human 2 (d ≡ −1 < ε → p = 0).
    humans = np.array([[1, 5, 1], [2, 5, 2], [3, 5, 3], [1, 5, 1], [2, 5, 3]], dtype=float)
    candidate = humans[:, 0].copy()
    result = alt_test(candidate, humans, epsilon=0.2)
    h1, h2, _ = result.humans
    assert h1.zero_variance and h1.mean_d == 0.0 and h1.p_value == 0.0 and h1.rejected
    assert math.isnan(h1.t_statistic)
    assert h2.zero_variance and h2.mean_d == -1.0 and h2.p_value == 0.0 and h2.rejected
    # scipy's t-test, which the authors' notebook calls, takes the limit t = −∞, p = 0 here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        scipy_p = stats.ttest_1samp(np.full(5, -1.0), 0.2, alternative="less").pvalue
        scipy_p_up = stats.ttest_1samp(np.ones(5), 0.2, alternative="less").pvalue
    assert scipy_p == 0.0 and scipy_p_up == 1.0

    # d ≡ +1 (the human always closer, the candidate never): mean 1 ≥ ε, p = 1, kept.
    humans = np.array([[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]], dtype=float)
    result = alt_test(np.array([5, 5, 5, 5.0]), humans, epsilon=0.2)
    for human in result.humans:
        assert human.zero_variance and human.mean_d == 1.0 and human.p_value == 1.0
        assert not human.rejected and human.advantage == 0.0
    assert result.omega == 0.0 and not result.passes and result.rho == 0.0


def test_zero_variance_at_or_above_epsilon_is_kept() -> None:
    # d ≡ 0 with ε = 0: mean(d) = ε is not below it, so H0 stands (p = 1).
    humans = np.array([[1, 2, 3], [2, 3, 4], [3, 3, 3]], dtype=float)
    result = alt_test(humans[:, 0].copy(), humans, epsilon=0.0)
    assert result.humans[0].zero_variance
    assert result.humans[0].p_value == 1.0 and not result.humans[0].rejected


def test_too_few_items_leaves_the_human_out_of_the_family() -> None:
    # Human 3 rated one item only: not tested, and the BY family is humans 1 and 2 (m = 2,
    # c(2) = 3/2, so adjusted = p·3/rank with a running minimum from the top).
    humans = HAND_HUMANS.copy()
    humans[1:, 2] = NAN
    result = alt_test(HAND_CANDIDATE, humans, epsilon=0.2)
    h3 = result.humans[2]
    assert h3.too_few_items and h3.n_items == 1 and not h3.rejected
    assert math.isnan(h3.p_value) and math.isnan(h3.adjusted_p) and math.isnan(h3.t_statistic)
    assert result.n_tested == 2
    p = result.p_values[:2]
    # Others of human 1 are now (h2) alone on items 2–6, and (h2, h3) on item 1.
    _, _, counts = _naive(HAND_CANDIDATE, humans, 0.2, 0.05, "rmse")
    assert counts == [6, 6]
    lo, hi = np.argsort(p)
    expected = np.empty(2)
    expected[hi] = min(1.0, p[hi] * 3 / 2)
    expected[lo] = min(p[lo] * 3, expected[hi])
    np.testing.assert_allclose(result.adjusted_p[:2], expected, rtol=1e-12)
    assert result.rho == pytest.approx(np.mean([h.advantage for h in result.humans[:2]]))
    assert result.omega == result.rejected[:2].mean()


def test_no_testable_human() -> None:
    humans = np.array([[1, 2], [2, NAN], [NAN, 3]], dtype=float)
    result = alt_test(np.array([1.0, 2.0, 3.0]), humans)
    assert all(h.too_few_items for h in result.humans)
    assert [h.n_items for h in result.humans] == [1, 1]
    assert math.isnan(result.omega) and math.isnan(result.rho) and not result.passes


def test_min_items_follows_the_notebook_default_when_asked() -> None:
    result = alt_test(HAND_CANDIDATE, HAND_HUMANS, min_items=7)
    assert all(h.too_few_items for h in result.humans) and result.n_tested == 0


# ---------------------------------------------------------------------------------------------
# (5) Candidates whose verdict is known.
# ---------------------------------------------------------------------------------------------
def _panel(seed: int, n_items: int = 100, n_humans: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    latent = rng.uniform(1, 5, size=n_items)
    return np.clip(np.rint(latent[:, None] + rng.normal(0, 0.7, (n_items, n_humans))), 1, 5)


@pytest.mark.parametrize("seed", range(5))
def test_consensus_candidate_passes(seed: int) -> None:
    # The mean of all humans lies a third of the way from the others' mean to human j, so its
    # squared error to the others never exceeds human j's: W_f = 1 on every item.
    humans = _panel(seed)
    result = alt_test(humans.mean(axis=1), humans)
    assert all(h.advantage == 1.0 for h in result.humans)
    assert result.passes and result.omega == 1.0 and result.rho == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_candidate_identical_to_a_human_passes(seed: int) -> None:
    humans = _panel(seed)
    result = alt_test(humans[:, 1].copy(), humans)
    assert result.humans[1].zero_variance and result.humans[1].rejected
    assert result.passes


@pytest.mark.parametrize("seed", range(5))
def test_constant_candidate_fails(seed: int) -> None:
    humans = _panel(seed)
    result = alt_test(np.full(humans.shape[0], 3.0), humans)
    assert not result.rejected.any()
    assert result.omega == 0.0 and not result.passes


def test_float_ties_count_for_both() -> None:
    # A crowd mean of 7/3 equal to a human's 7/3, computed along different paths.
    third = (1 + 2 + 4) / 3
    humans = np.array([[third, 2.0, 3.0], [7 / 3, 2.0, 3.0]])
    w_f, w_h, _ = alt_test_indicators(np.array([7 / 3, third]), humans)
    assert w_f[:, 0].all() and w_h[:, 0].all()


# ---------------------------------------------------------------------------------------------
# Many sub-components at once.
# ---------------------------------------------------------------------------------------------
def test_columns_equal_one_test_per_column() -> None:
    rng = np.random.default_rng(7)
    humans = np.stack([_panel(s, n_items=50) for s in range(4)], axis=1)  # 50 × 4 × 3
    candidate = np.clip(humans.mean(axis=2) + rng.normal(0, 0.8, (50, 4)), 1, 5)
    candidate[rng.random((50, 4)) < 0.1] = NAN
    humans[rng.random(humans.shape) < 0.1] = NAN
    many = alt_test_columns(candidate, humans, epsilon=0.15, names=["e1", "e2", "e3"])
    assert len(many) == 4
    for s, result in enumerate(many):
        single = alt_test(candidate[:, s], humans[:, s, :], epsilon=0.15, names=["e1", "e2", "e3"])
        assert isinstance(result, AltTestResult)
        assert repr(result) == repr(single)  # repr: NaN fields compare equal


# ---------------------------------------------------------------------------------------------
# Bad input.
# ---------------------------------------------------------------------------------------------
def test_bad_input_is_named() -> None:
    humans = HAND_HUMANS.copy()
    with pytest.raises(ValueError, match="at least 2 humans"):
        alt_test(HAND_CANDIDATE, humans[:, :1])
    with pytest.raises(ValueError, match=r"1-D"):
        alt_test(humans, humans)
    with pytest.raises(ValueError, match="do not match"):
        alt_test(HAND_CANDIDATE[:5], humans)
    humans[4, 1] = np.inf
    with pytest.raises(ValueError, match="item row 4, human column 1"):
        alt_test(HAND_CANDIDATE, humans)
    with pytest.raises(ValueError, match="unknown metric"):
        alt_test(HAND_CANDIDATE, HAND_HUMANS, metric="kappa")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="q must"):
        alt_test(HAND_CANDIDATE, HAND_HUMANS, q=0.0)
    with pytest.raises(ValueError, match="min_items"):
        alt_test(HAND_CANDIDATE, HAND_HUMANS, min_items=1)
    with pytest.raises(ValueError, match="2 names for 3 humans"):
        alt_test(HAND_CANDIDATE, HAND_HUMANS, names=["a", "b"])
    with pytest.raises(ValueError, match="numeric"):
        alt_test(["x"] * 6, HAND_HUMANS)
