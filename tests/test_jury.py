"""Juries as statistics (`scorers.jury`), against independent loops and hand computations."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from empathy_judge.scorers.agreement import assess, shared_counts
from empathy_judge.scorers.alpha import krippendorff_alpha
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.jury import (
    GAIN_FOLDS,
    GAIN_REPEATS,
    JuryWorth,
    effective_judges,
    gain_over_best,
    identical_pairs,
    jury_worth,
)
from empathy_judge.scorers.jury_rules import JuryError, check_rule, combine, cross_fitted_weights
from empathy_judge.scorers.kappa import weighted_kappa
from empathy_judge.scorers.panel import Panel, Scale

N_ITEMS = 30
SUBS = ("a", "b")


def _fixture(seed: int = 3) -> tuple[Panel, dict[str, np.ndarray]]:
    """Three experts and three judges on a 1–5 scale, 30 items × 2 sub-components, some NaN."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(N_ITEMS, len(SUBS)))

    def rate(sd: float, shared: np.ndarray | None = None) -> np.ndarray:
        noise = rng.normal(size=latent.shape) if shared is None else shared
        return np.clip(np.rint(3 + 1.2 * latent + sd * noise), 1, 5)

    experts = np.stack([rate(0.8) for _ in range(3)], axis=2)
    common = rng.normal(size=latent.shape)
    judges = {
        "judge_a": rate(0.7, 0.6 * common + 0.8 * rng.normal(size=latent.shape)),
        "judge_b": rate(0.7, 0.6 * common + 0.8 * rng.normal(size=latent.shape)),
        "judge_c": rate(1.0),
    }
    judges["judge_b"][[2, 7], 0] = np.nan
    judges["judge_c"][[4], 1] = np.nan
    panel = Panel(
        "fw",
        tuple(f"i{i:02d}" for i in range(N_ITEMS)),
        SUBS,
        ("expert1", "expert2", "expert3"),
        experts,
        (Scale(1, 5), Scale(1, 5)),
    )
    return panel, judges


def test_mean_and_median_juries_equal_plain_loops() -> None:
    _, judges = _fixture()
    x = np.stack(list(judges.values()))
    mean = combine(x, "mean")
    median = combine(x, "median")
    for i in range(N_ITEMS):
        for j in range(len(SUBS)):
            present = [judges[name][i, j] for name in judges if not math.isnan(judges[name][i, j])]
            assert mean[i, j] == pytest.approx(sum(present) / len(present))
            assert median[i, j] == pytest.approx(float(pd.Series(present).median()))


def test_majority_picks_the_most_frequent_label_and_leaves_ties_unrated() -> None:
    x = np.array([[[1.0], [2.0], [0.0]], [[1.0], [0.0], [1.0]], [[2.0], [1.0], [np.nan]]])
    assert combine(x, "majority")[:, 0].tolist()[0] == 1.0
    assert math.isnan(combine(x, "majority")[1, 0])  # 2, 0, 1: no majority
    assert math.isnan(combine(x, "majority")[2, 0])  # 0, 1: a tie


def test_error_correlations_equal_pandas_on_the_items_both_rated() -> None:
    panel, judges = _fixture()
    counts = shared_counts(panel, BootstrapSettings(n_resamples=300))
    worth = jury_worth(panel, judges, "mean", counts=counts, swap=False)
    consensus = panel.consensus()
    names = list(judges)
    for j, sub in enumerate(SUBS):
        result = worth.result(sub)
        # The comparison's items: those every member (and the jury) rated.
        common = np.all([~np.isnan(judges[n][:, j]) for n in names], axis=0)
        frame = pd.DataFrame({n: judges[n][common, j] - consensus[common, j] for n in names})
        expected = frame.corr(method="pearson")
        for a, b in combinations(range(len(names)), 2):
            assert result.correlation[a, b] == pytest.approx(expected.iloc[a, b], abs=1e-12)
            assert result.correlation_low[a, b] < result.correlation[a, b]
            assert result.correlation_high[a, b] > result.correlation[a, b]
        rho = float(np.mean([expected.iloc[a, b] for a, b in combinations(range(3), 2)]))
        assert result.mean_correlation.value == pytest.approx(rho)
        assert result.effective.value == pytest.approx(3 / (1 + 2 * rho))
        assert result.n_items == int(common.sum())


def _mean_of_a_and_c() -> tuple[Panel, dict[str, np.ndarray], JuryWorth]:
    """The fixture's panel, the jury of judges a and c, and its worth (mean rule)."""
    panel, judges = _fixture()
    subset = {k: judges[k] for k in ("judge_a", "judge_c")}
    worth = jury_worth(
        panel,
        subset,
        "mean",
        counts=shared_counts(panel, BootstrapSettings(n_resamples=200)),
        swap=False,
    )
    return panel, subset, worth


def test_jury_kappa_is_the_verdicts_leave_one_out_kappa_by_hand() -> None:
    panel, subset, worth = _mean_of_a_and_c()
    jury = (subset["judge_a"] + subset["judge_c"]) / 2
    for j, sub in enumerate(SUBS):
        common = ~(np.isnan(subset["judge_a"][:, j]) | np.isnan(subset["judge_c"][:, j]))
        expected = {}
        for name, values in (("jury", jury), *subset.items()):
            kappas = []
            for k in range(3):
                reference = np.delete(panel.values[:, j, :], k, axis=1).mean(axis=1)
                kappas.append(weighted_kappa(values[common, j], reference[common]))
            expected[name] = float(np.mean(kappas))
        result = worth.result(sub)
        assert result.jury_kappa.value == pytest.approx(expected["jury"])
        assert result.member_kappa["judge_a"].value == pytest.approx(expected["judge_a"])
        best = max(expected["judge_a"], expected["judge_c"])
        assert result.gain_over_best.value == pytest.approx(expected["jury"] - best)
        # Marginal gain of judge_a: the jury against the jury without it (judge_c alone).
        assert result.marginal["judge_a"].value == pytest.approx(
            expected["jury"] - expected["judge_c"]
        )


def _loo_kappa(values: np.ndarray, panel: Panel, j: int, rows: np.ndarray) -> float:
    kappas = []
    for k in range(3):
        reference = np.delete(panel.values[:, j, :], k, axis=1).mean(axis=1)
        kappas.append(weighted_kappa(values[rows, j], reference[rows]))
    return float(np.mean(kappas))


def _fold_kappa(
    values: np.ndarray, panel: Panel, j: int, rows: np.ndarray, fold: np.ndarray
) -> float:
    """Mean over experts k of 1 − D_o(fold) / D_e(rows), D_e from all the comparison's rows."""
    kappas = []
    for k in range(3):
        reference = np.delete(panel.values[:, j, :], k, axis=1).mean(axis=1)
        x, y = values[rows, j], reference[rows]
        expected = np.mean(x**2) + np.mean(y**2) - 2 * np.mean(x) * np.mean(y)
        here = rows & fold
        observed = np.mean((values[here, j] - reference[here]) ** 2)
        kappas.append(1 - observed / expected)
    return float(np.mean(kappas))


def test_cross_fitted_gain_chooses_on_other_folds_and_measures_on_its_own_by_hand() -> None:
    panel, subset, worth = _mean_of_a_and_c()
    jury = (subset["judge_a"] + subset["judge_c"]) / 2
    rng = np.random.default_rng(0)
    assignments = [rng.permutation(N_ITEMS) % GAIN_FOLDS for _ in range(GAIN_REPEATS)]
    for j, sub in enumerate(SUBS):
        common = ~(np.isnan(subset["judge_a"][:, j]) | np.isnan(subset["judge_c"][:, j]))
        gains = []
        for assignment in assignments:
            for fold in range(GAIN_FOLDS):
                measure = assignment == fold
                on_train = {
                    n: _loo_kappa(v, panel, j, ~measure & common) for n, v in subset.items()
                }
                best = max(on_train, key=lambda n: on_train[n])
                gains.append(
                    _fold_kappa(jury, panel, j, common, measure)
                    - _fold_kappa(subset[best], panel, j, common, measure)
                )
        assert worth.result(sub).gain_cross_fitted == pytest.approx(np.mean(gains))
        # One fold holding every item: the fold κ is the verdict's κ itself.
        everything = np.ones(N_ITEMS, dtype=bool)
        assert _fold_kappa(jury, panel, j, common, everything) == pytest.approx(
            worth.result(sub).jury_kappa.value
        )


def test_a_jury_of_one_member_equals_that_member_exactly() -> None:
    panel, judges = _fixture()
    counts = shared_counts(panel, BootstrapSettings(n_resamples=400))
    for rule in ("mean", "median", "weighted", "majority"):
        worth = jury_worth(panel, {"judge_b": judges["judge_b"]}, rule, counts=counts)
        np.testing.assert_array_equal(worth.ratings, judges["judge_b"])
        jury = assess(panel, worth.ratings, "jury", counts=counts)
        member = assess(panel, judges["judge_b"], "judge_b", counts=counts)
        for mine, theirs in zip(jury.sub_components, member.sub_components, strict=True):
            assert mine.kappa == theirs.kappa
            assert mine.difference == theirs.difference
            assert mine.loo_candidate == theirs.loo_candidate
            assert mine.verdict == theirs.verdict
            assert mine.swap == theirs.swap
        for sub in worth.sub_components:
            assert (sub.gain_over_best.value, sub.gain_over_best.low) == (0.0, 0.0)
            assert sub.gain_over_best.high == 0.0
            assert sub.effective.value == 1.0
            assert math.isnan(sub.marginal["judge_b"].value)


def test_the_jurys_swap_alpha_is_the_engines_and_krippendorffs() -> None:
    panel, judges = _fixture()
    counts = shared_counts(panel, BootstrapSettings(n_resamples=300))
    worth = jury_worth(panel, judges, "mean", counts=counts)
    engine = assess(panel, worth.ratings, "jury", counts=counts)
    for j, sub in enumerate(SUBS):
        mine, theirs = worth.result(sub).swap, engine.result(sub).swap
        # The engine's α comes from per-unit sums, the jury's from coincidences: equal to 1e-12.
        for a, b in ((mine.value, theirs.value), (mine.low, theirs.low), (mine.high, theirs.high)):
            assert a == pytest.approx(b, abs=1e-12)
        experts = panel.values[:, j, :].T
        swapped = []
        for k in range(3):
            matrix = experts.copy()
            matrix[k] = worth.ratings[:, j]
            swapped.append(krippendorff_alpha(matrix, "interval"))
        expected = np.mean(swapped) - krippendorff_alpha(experts, "interval")
        assert worth.result(sub).swap.value == pytest.approx(expected, abs=1e-9)


def test_weighted_jury_is_cross_fitted_an_items_reference_never_shapes_its_rating() -> None:
    panel, judges = _fixture()
    x = np.stack(list(judges.values()))
    reference = panel.consensus()
    jury = combine(x, "weighted", reference=reference)
    moved = reference.copy()
    moved[5, 0] = 1.0 if reference[5, 0] != 1.0 else 5.0
    again = combine(x, "weighted", reference=moved)
    assert again[5, 0] == jury[5, 0]  # its own reference is left out of its weights
    assert not np.allclose(np.delete(again[:, 0], 5), np.delete(jury[:, 0], 5))


def test_weighted_jury_weights_by_hand_for_one_item() -> None:
    panel, judges = _fixture()
    x = np.stack(list(judges.values()))
    reference = panel.consensus()
    weights = cross_fitted_weights(x, reference)
    i, j = 2, 0  # judge_b did not rate this item: it gets no weight there
    inverse: list[float] = []
    for k in range(3):
        error = np.delete(x[k, :, j] - reference[:, j], i)
        inverse.append(float(1.0 / np.nanmean(error**2)))
    inverse[1] = 0.0
    expected = np.array(inverse) / sum(inverse)
    np.testing.assert_allclose(weights[i, j], expected)
    value = combine(x, "weighted", reference=reference)[i, j]
    assert value == pytest.approx(float(np.nansum(expected * x[:, i, j])))


def test_k_fold_weights_are_shared_within_a_fold() -> None:
    panel, judges = _fixture()
    x = np.stack(list(judges.values()))[:, :, :1]
    x = x[:, :, :]
    x[np.isnan(x)] = 3.0
    weights = cross_fitted_weights(x, panel.consensus()[:, :1], folds=5, seed=1)
    distinct = {tuple(np.round(w, 12)) for w in weights[:, 0, :]}
    assert len(distinct) == 5


def test_effective_number_of_judges() -> None:
    assert float(effective_judges(0.5, 3)) == pytest.approx(1.5)
    assert float(effective_judges(0.0, 4)) == pytest.approx(4.0)
    assert float(effective_judges(1.0, 4)) == pytest.approx(1.0)
    assert float(effective_judges(0.3, 1)) == 1.0
    assert math.isnan(float(effective_judges(-0.6, 3)))  # 1 + 2·(−0.6) < 0: undefined


def test_simultaneous_gain_interval_by_hand() -> None:
    differences = np.array([[0.10], [0.05]])
    rng = np.random.default_rng(0)
    replicates = differences[None] + rng.normal(scale=[[0.02], [0.04]], size=(4000, 2, 1))
    point, low, high = gain_over_best(differences, replicates, 0.95)
    se = replicates.std(axis=0, ddof=1)
    t = np.max(np.abs(replicates - differences[None]) / se[None], axis=1)
    c = np.quantile(t, 0.95, axis=0)
    assert point[0] == 0.05
    assert low[0] == pytest.approx(min(0.10 - c[0] * se[0, 0], 0.05 - c[0] * se[1, 0]))
    assert high[0] == pytest.approx(min(0.10 + c[0] * se[0, 0], 0.05 + c[0] * se[1, 0]))
    assert 2.0 < c[0] < 2.5  # two comparisons: above 1.96


def test_identical_members_are_found() -> None:
    _, judges = _fixture()
    twin = judges["judge_a"].copy()
    twin[:, 1] += 0.0
    twin[3, 1] = 5.0 if twin[3, 1] != 5.0 else 1.0
    x = np.stack([judges["judge_a"], twin, judges["judge_c"]])
    assert identical_pairs(["a", "twin", "c"], x, SUBS) == [("a", "a", "twin")]


def test_nominal_scales_take_only_the_majority_rule() -> None:
    assert check_rule("majority", "nominal") == "majority"
    with pytest.raises(JuryError, match="nominal"):
        check_rule("mean", "nominal")
    with pytest.raises(JuryError, match="unknown jury rule"):
        check_rule("vote", "interval")
