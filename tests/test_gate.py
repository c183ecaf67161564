"""The regression gate as a pure function: verdicts, multiplicity corrections, degenerate input."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.multitest import multipletests

from empathy_judge.datasets.errors import EmpathyJudgeError
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.gate import decide, regression_gate
from empathy_judge.scorers.gate_input import (
    GateInputError,
    NoUsableRatingsError,
    delta_bootstrap,
    jackknife_std_error,
    leave_one_out_delta,
    stratified_counts,
)
from empathy_judge.scorers.kappa import weighted_kappa
from empathy_judge.scorers.multiplicity import hierarchical_adjust, holm_adjust, max_t_adjust

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_gate.py"


def _ratings() -> tuple[np.ndarray, np.ndarray]:
    """Expert consensus (0–2, every level used) and a good judge that misses every 5th item."""
    levels = np.tile([0.0, 1.0, 2.0, 1.0, 0.0, 2.0, 1.0, 2.0], 6)[:45]
    reference = np.column_stack([levels, np.roll(levels, 1), np.roll(levels, 2)])
    judge = reference.copy()
    judge[::5] = (judge[::5] + 1.0) % 3.0
    return reference, judge


def test_identical_judges_are_equivalent_with_zero_delta() -> None:
    reference, judge = _ratings()
    result = regression_gate(reference, judge, judge.copy(), names=["a", "b", "c"])
    assert not result.regressed
    assert result.verdicts == ("equivalent",) * 3
    assert np.array_equal(result.delta, np.zeros(3))  # exactly, not approximately
    assert np.array_equal(result.low, np.zeros(3)) and np.array_equal(result.high, np.zeros(3))
    assert result.inconclusive == 0 and result.comparable
    assert result.seed == 0 and result.n_resamples == 2000 and result.correction == "hierarchical"
    assert result.std_error_method == "jackknife"
    [group] = result.groups
    assert group.name == "all" and group.verdict == "equivalent" and group.delta == 0.0
    # Nothing can move, so only a drop beyond the tolerance could ever be flagged.
    assert result.min_detectable_drop == pytest.approx([0.05] * 3)


def test_constant_candidate_regresses_on_that_column() -> None:
    reference, judge = _ratings()
    candidate = judge.copy()
    candidate[:, 1] = 1.0  # answers "1" whatever the item: κw is exactly 0
    result = regression_gate(reference, judge, candidate, names=["a", "b", "c"])
    assert result.regressed
    assert result.verdicts[1] == "regressed"
    assert [e.name for e in result.columns if e.verdict == "regressed"] == ["b"]
    b = result.columns[1]
    oracle = cohen_kappa_score(
        reference[:, 1].astype(int), judge[:, 1].astype(int), weights="quadratic"
    )
    assert b.baseline_kappa == pytest.approx(oracle, abs=1e-12)
    assert b.candidate_kappa == pytest.approx(0.0, abs=1e-12)
    assert b.delta == pytest.approx(-oracle, abs=1e-12)
    assert b.n_items == 45 and b.p_value <= 0.05 and b.high < 0.0
    assert result.groups[0].verdict == "regressed"
    assert result.groups[0].delta == pytest.approx(-oracle / 3.0, abs=1e-12)
    # The untouched columns are exactly unchanged.
    assert result.verdicts[0] == result.verdicts[2] == "equivalent"


def test_all_nan_side_raises_a_user_error() -> None:
    reference, judge = _ratings()
    with pytest.raises(NoUsableRatingsError, match="candidate: no usable ratings") as caught:
        regression_gate(reference, judge, np.full(judge.shape, np.nan))
    assert isinstance(caught.value, EmpathyJudgeError)
    with pytest.raises(NoUsableRatingsError, match="baseline"):
        regression_gate(reference, np.full(judge.shape, np.nan), judge)


def test_column_without_paired_items_is_not_comparable() -> None:
    reference, judge = _ratings()
    candidate = judge.copy()
    candidate[:, 2] = np.nan  # every answer on this sub-component failed to parse
    result = regression_gate(reference, judge, candidate, names=["a", "b", "c"])
    c = result.columns[2]
    assert c.verdict == "not comparable" and c.reason == "no paired items" and c.n_items == 0
    assert math.isnan(c.p_value) and math.isnan(c.min_detectable_drop)
    assert not result.comparable and [e.name for e in result.not_comparable] == ["c"]
    assert result.groups[0].members == (0, 1)  # the mean is over what could be compared
    assert result.verdicts[:2] == ("equivalent", "equivalent")


def test_shapes_and_labels_are_checked() -> None:
    reference, judge = _ratings()
    with pytest.raises(GateInputError, match="differ in shape"):
        regression_gate(reference, judge, judge[:-1])
    with pytest.raises(GateInputError, match="names: 2 labels for 3 columns"):
        regression_gate(reference, judge, judge, names=["a", "b"])
    with pytest.raises(GateInputError, match="strata: 3 labels for 45 items"):
        regression_gate(reference, judge, judge, strata=["x", "y", "z"])
    infinite = judge.copy()
    infinite[4, 1] = np.inf
    with pytest.raises(GateInputError, match="item 4, column 1"):
        regression_gate(reference, judge, infinite)


def test_holm_matches_hand_computation_and_statsmodels() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → running max.
    expected = np.array([0.03, 0.06, 0.06, 0.02])
    assert holm_adjust(p) == pytest.approx(expected)
    assert holm_adjust(p) == pytest.approx(multipletests(p, method="holm")[1])
    assert np.isnan(holm_adjust([np.nan, 0.2])[0]) and holm_adjust([np.nan, 0.2])[1] == 0.2


def test_max_t_by_hand() -> None:
    null = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 3.0], [0.5, 0.5]])  # row maxima 1, 2, 3, 0.5
    p, critical = max_t_adjust([2.5, 0.8], null, alpha=0.5)
    assert p == pytest.approx([(1 + 1) / 5, (1 + 3) / 5])
    # ⌊0.5·5⌋ − 1 = 1 draw may exceed: the critical value is the 2nd largest maximum.
    assert critical == 2.0
    # t = c is not rejected: two maxima reach 2.0, p = 3/5.
    assert max_t_adjust([2.0, 0.0], null, alpha=0.5)[0][0] == pytest.approx(0.6)


def test_hierarchical_by_hand() -> None:
    # Group 0: mean (head) and two members; group 1: a single column (its own head). B = 9.
    up = np.arange(9.0)
    null = np.column_stack([up, up, up[::-1], up])
    p = hierarchical_adjust([7.5, 7.5, 4.5, 8.5], null, [0, 0, 0, 1], [True, False, False, True])
    # Heads alone: 2/10 and 1/10, times 2 groups → group 1 first (0.2), then group 0's mean at
    # full level (0.2); its members by max-T: maxima max(i, 8 − i) put 2 of 9 at ≥ 7.5 (0.3);
    # the last member alone: 4 of 9 at ≥ 4.5 → 0.5.
    assert p == pytest.approx([0.2, 0.3, 0.5, 0.2])


def test_jackknife_std_error_by_hand() -> None:
    # The mean of 1, 2, 3, 4: leave-one-out means 3, 8/3, 7/3, 2; the jackknife SE of a mean
    # is the sample sd (ddof 1) over √n: √(5/3) / 2.
    x = np.array([1.0, 2.0, 3.0, 4.0])
    loo = ((x.sum() - x) / 3.0)[:, None]
    se = jackknife_std_error(loo, [2.5], np.ones((4, 1), dtype=bool), np.zeros(4))
    assert se == pytest.approx([math.sqrt(5.0 / 3.0) / 2.0])
    # Two strata, θ = mean(a) + mean(b): var = var(a)/n_a + var(b)/n_b = (5/3)/4 + 1/3.
    b = np.array([10.0, 11.0, 12.0])
    loo_ab = np.concatenate([(x.sum() - x) / 3.0 + b.mean(), x.mean() + (b.sum() - b) / 2.0])
    strata = np.array([0, 0, 0, 0, 1, 1, 1])
    theta = x.mean() + b.mean()
    relevant = np.ones((7, 1), dtype=bool)
    assert jackknife_std_error(loo_ab[:, None], [theta], relevant, strata) == pytest.approx(
        [math.sqrt(5.0 / 12.0 + 1.0 / 3.0)]
    )
    # Items a statistic does not depend on are not counted (n − 1)/n-wise; a NaN is undefined.
    padded = np.vstack([loo, [[2.5], [2.5]]])
    mask = np.array([True] * 4 + [False] * 2)[:, None]
    assert jackknife_std_error(padded, [2.5], mask, np.zeros(6)) == pytest.approx(se)
    assert np.isnan(jackknife_std_error([[1.0], [np.nan]], [1.0], [[True], [True]], [0, 0])[0])
    assert jackknife_std_error([[1.0], [2.0]], [1.5], [[True], [False]], [0, 0])[0] == 0.0


def test_leave_one_out_delta_matches_recomputation() -> None:
    reference, judge = _ratings()
    rng = np.random.default_rng(4)
    candidate = np.clip(reference + rng.integers(-1, 2, size=reference.shape), 0, 2)
    baseline = judge.copy()
    baseline[3, 1] = np.nan  # item 3 is not paired in column 1
    loo = leave_one_out_delta(reference, baseline, candidate)
    assert loo.shape == reference.shape

    def kappa(x: np.ndarray, y: np.ndarray) -> float:
        return float(
            cohen_kappa_score(x.astype(int), y.astype(int), labels=[0, 1, 2], weights="quadratic")
        )

    for j in range(3):
        paired = ~np.isnan(baseline[:, j])
        for i in (0, 3, 17, 44):
            keep = paired.copy()
            keep[i] = False
            r, b, c = reference[keep, j], baseline[keep, j], candidate[keep, j]
            assert loo[i, j] == pytest.approx(kappa(r, c) - kappa(r, b), abs=1e-12)
    # Leaving out an item that is not paired in a column leaves its Δκw as it is.
    paired = ~np.isnan(baseline[:, 1])
    r = reference[paired, 1]
    assert loo[3, 1] == pytest.approx(
        kappa(r, candidate[paired, 1]) - kappa(r, baseline[paired, 1]), abs=1e-12
    )


def test_jackknife_std_error_of_the_gate_is_the_brute_force_jackknife() -> None:
    reference, judge = _ratings()
    rng = np.random.default_rng(9)
    candidate = np.clip(reference + rng.integers(-1, 2, size=reference.shape), 0, 2)
    result = regression_gate(reference, judge, candidate, names=["a", "b", "c"])
    n = reference.shape[0]

    def delta(rows: np.ndarray, j: int) -> float:
        r = reference[rows, j]
        return weighted_kappa(candidate[rows, j], r) - weighted_kappa(judge[rows, j], r)

    loo = np.array([[delta(np.arange(n) != i, j) for j in range(3)] for i in range(n)])
    columns = np.sqrt((n - 1) / n * ((loo - loo.mean(axis=0)) ** 2).sum(axis=0))
    mean = loo.mean(axis=1)
    group = math.sqrt((n - 1) / n * float(((mean - mean.mean()) ** 2).sum()))
    assert [e.std_error for e in result.columns] == pytest.approx(columns, rel=1e-9)
    assert result.groups[0].std_error == pytest.approx(group, rel=1e-9)
    # The bootstrap's standard error instead: the sd of the resampled Δ*.
    bootstrap = regression_gate(reference, judge, candidate, std_error_method="bootstrap")
    assert bootstrap.std_error_method == "bootstrap"
    assert bootstrap.columns[0].std_error == pytest.approx(
        float(np.std(bootstrap.replicates[:, 0], ddof=1)), rel=1e-12
    )
    # Same resamples, same null shape: only the scale differs.
    assert np.array_equal(bootstrap.replicates, result.replicates)


def test_strata_keep_their_sizes_in_every_resample() -> None:
    strata = ["x"] * 3 + ["y"] * 5 + ["x"] * 2
    counts = stratified_counts(strata, 10, 50, seed=3)
    x = [0, 1, 2, 8, 9]
    assert np.array_equal(counts[:, x].sum(axis=1), np.full(50, 5.0))
    assert np.array_equal(counts[:, 3:8].sum(axis=1), np.full(50, 5.0))
    assert np.array_equal(
        stratified_counts(None, 10, 50, 3), stratified_counts(["z"] * 10, 10, 50, 3)
    )


def test_clear_improvement_is_improved() -> None:
    reference, judge = _ratings()
    worse = judge.copy()
    worse[1::3] = (worse[1::3] + 1.0) % 3.0
    result = regression_gate(reference, worse, reference, correction="maxt")
    assert not result.regressed
    assert set(result.verdicts) == {"improved"}
    for entry in result.columns:
        assert entry.low <= entry.delta <= entry.high
        expected = 1.0 - weighted_kappa(reference[:, entry.members[0]], worse[:, entry.members[0]])
        assert entry.delta == pytest.approx(expected, abs=1e-12)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_gate", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_gate"] = module
    spec.loader.exec_module(module)
    return module


def test_simulation_functions_small_run() -> None:
    bench = _bench()
    epitome = bench.RELEASE[0]
    rng = np.random.default_rng(0)
    reference, baseline, candidate = bench.simulate(epitome, 2, rng)
    assert reference.shape == (2, 50, 3)
    assert set(np.unique(baseline)) <= {0.0, 1.0, 2.0}
    # The bench's κw over the items axis is value-based κw.
    assert bench.kappa(baseline, reference)[1, 2] == pytest.approx(
        weighted_kappa(baseline[1, :, 2], reference[1, :, 2]), abs=1e-12
    )
    ref, _, _, groups, strata = bench.stack(
        [
            (reference[0], baseline[0], candidate[0]),
            (reference[1][:10, :2], baseline[1][:10, :2], candidate[1][:10, :2]),
        ]
    )
    assert ref.shape == (60, 5) and groups == [0, 0, 0, 1, 1] and strata == [0] * 50 + [1] * 10
    assert np.isnan(ref[:50, 3:]).all() and np.isnan(ref[50:, :3]).all()
    # A judge twice as noisy loses agreement; calibration on a modest sample lands near 0.2.
    sd = bench.calibrate_noise(epitome, 0.2, n_items=20_000)
    assert 1.0 < sd < 2.0
    assert bench.mean_kappa_drop(epitome, sd, 20_000, 7) == pytest.approx(0.2, abs=0.02)
    tally = bench.run(bench.one_framework(epitome, sd), 3, resamples=200, seed=0)
    assert tally.reps == 3 and set(tally.counts) == set(bench.RULES)
    assert all(0.0 <= tally.rate(rule) <= 1.0 for rule in bench.RULES)
    assert len(tally.mdd_groups) == 3 and tally.mdd_groups[0].shape == (1,)


def test_bench_pieces_equal_one_stacked_call() -> None:
    """The benchmark bootstraps framework by framework; that must equal the stacked call."""
    bench = _bench()
    rng = np.random.default_rng(5)
    blocks = [bench.simulate(f, 1, rng) for f in bench.RELEASE[:2]]
    ref, base, cand, groups, strata = bench.stack([(r[0], b[0], c[0]) for r, b, c in blocks])
    counts = stratified_counts(strata, ref.shape[0], 300, seed=0)
    stacked = delta_bootstrap(ref, base, cand, groups=groups, counts=counts)
    pieces = [
        delta_bootstrap(r[0], b[0], c[0], groups=[f] * 3, counts=counts[:, 50 * f : 50 * (f + 1)])
        for f, (r, b, c) in enumerate(blocks)
    ]
    joined = bench.joined(pieces)
    assert joined.estimate == pytest.approx(stacked.estimate, abs=1e-12)
    assert np.allclose(joined.replicates, stacked.replicates, atol=1e-12, equal_nan=True)
    # And through the public entry point with the same resamples: the same verdicts.
    direct = regression_gate(
        ref, base, cand, groups=groups, strata=strata, settings=BootstrapSettings(n_resamples=300)
    )
    assert decide(joined).verdicts == direct.verdicts
    # The stratified jackknife too: each framework's items are their own stratum.
    pieced = decide(joined)
    pairs = zip((*pieced.columns, *pieced.groups), (*direct.columns, *direct.groups), strict=True)
    for a, b in pairs:
        assert a.std_error == pytest.approx(b.std_error, rel=1e-9)
        assert a.p_value == b.p_value


def test_items_needed_inverts_the_smallest_detectable_drop() -> None:
    # The smallest detectable drop is stated at the comparison's own n: asking for it back
    # gives n; a drop twice as large needs a quarter of the items (s ∝ 1/√n) while c·s ≥ T.
    import math as _math

    from empathy_judge.scorers.gate import regression_gate as _gate

    rng = np.random.default_rng(4)
    reference = rng.integers(1, 6, (60, 3)).astype(float)
    baseline = np.clip(reference + rng.integers(-1, 2, (60, 3)), 1, 5)
    candidate = np.clip(reference + rng.integers(-2, 3, (60, 3)), 1, 5)
    result = _gate(reference, baseline, candidate, settings=BootstrapSettings(n_resamples=500))
    group = result.groups[0]
    assert group.items_needed(group.min_detectable_drop) == 60
    s, c, z = group.std_error, group.critical, 0.8416212335729143
    expected = _math.ceil(60 * ((c + z) * s / (2 * group.min_detectable_drop)) ** 2 - 1e-9)
    assert group.items_needed(2 * group.min_detectable_drop) == max(
        expected, _math.ceil(60 * (z * s / (2 * group.min_detectable_drop - 0.05)) ** 2 - 1e-9)
    )
    assert result.items_needed(0.2) == {"all": group.items_needed(0.2)}
    assert _math.isinf(group.items_needed(0.05))
