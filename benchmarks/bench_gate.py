"""Benchmark: error rates of the regression gate (`scorers.gate.regression_gate`), by simulation.

Simulation model (`../shared/docs/verdict-notes.md`): every item has a latent level per
sub-component, standard normal with correlation 0.5 between an item's sub-components; a rater
adds independent normal noise to it and cuts the result to the scale (cut points at the
k-quantiles of N(0, 1 + 0.75²), so a typical rater uses every point about equally). Three experts
(noise sd 0.8) give the reference, their median per item; judges have noise sd 0.7. The release's
layout: EPITOME 3 sub-components on 0–2, EmpatheticDialogues 3 on 1–5, Perceived Empathy 9 on
1–7, Lend an Ear 6 on 1–5; 50 items each.

It prints, with 95% binomial half-widths and intervals:

(a) the family-wise false "regressed" rate when baseline and candidate are equally good judges,
    over all 21 sub-components (and the 4 framework means) in ONE call: the four frameworks'
    items are stacked as rows with NaN outside each framework's own columns, `groups` and
    `strata` set to the framework (goal ≤ 5%); when asked for, (a25) the same with 25 items
    per framework and (a1) EPITOME alone on 25 items (a coarse scale, few items, and the
    whole 5% on one framework mean: where the bootstrap's shortfall shows most);
(b) the detection rate when every sub-component of EPITOME (3 sub-components, 50 items) loses
    0.2 κw: the candidate's noise sd is calibrated on 400,000 simulated items to give that
    drop (printed); one call on that framework alone (goal ≥ 80%), and the same for
    EmpatheticDialogues; (b') the EPITOME drop within the 21-sub-component call;
(c) the detection rate when one EPITOME sub-component loses 0.3 κw;

each for the gate's default rule (mean first, jackknife standard error, significant drop AND
Δ̂ < −T); the small-sample options the default was chosen from, which differ from it only in
how the mean-first test is scaled: the bootstrap standard error (the rule before), the bootstrap
variance times n/(n − 1), and BCa p-values for the framework means (heads only: a group's
sub-components are tested only once its mean is flagged); the alternatives to the rest of the
rule (no T; the max-statistic over everything, also with "high < −T"; Holm); and the OLD rule
(a per-sub-component two-sided 95% percentile interval wholly below −0.05, no correction), all
computed from the same resamples; and the smallest drop the default could detect with 80%
power (median over replications).

Run: `.venv/bin/python benchmarks/bench_gate.py [--reps 2000] [--null-reps N] [--resamples 2000]
[--seed 0] [--scenarios a,a25,b,b',c]`. 2,000 replications give a 95% half-width of at most
±2.2 points on a rate (±1.0 near 5%, ±1.8 near 80%); (a) costs about 30 ms of CPU per
replication, (b) and (c) about 8. The figures in `benchmarks/README.md` come from three runs:
`--scenarios a --null-reps 10000` (about 5 CPU-minutes), `--scenarios b --reps 4000` (about 1)
and `--scenarios "a25,b',c" --reps 2000 --null-reps 4000`. The data are deterministic for a
given --seed (each scenario has its own).
"""

from __future__ import annotations

import os

# Small matrix products on a shared 2-core machine run faster on one BLAS thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import functools
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

from empathy_judge.scorers.arrays import FloatArray
from empathy_judge.scorers.gate import GateResult, decide
from empathy_judge.scorers.gate_input import DeltaBootstrap, delta_bootstrap, stratified_counts
from empathy_judge.scorers.kappa import kappa_from_moment_arrays

EXPERT_SD = 0.8
JUDGE_SD = 0.7
CORRELATION = 0.5
N_ITEMS = 50
TOLERANCE = 0.05
TARGET_DROP = 0.2
#: Scenario (c): a drop on one sub-component only.
ISOLATED_DROP = 0.3
#: Items per framework in scenario (a25).
SMALL_ITEMS = 25
#: Noise sd at which the cut points make every scale point about equally likely.
TYPICAL_SD = 0.75


@dataclass(frozen=True)
class Framework:
    """A framework of the release as the simulation sees it."""

    name: str
    n_sub_components: int
    scale_min: int
    scale_max: int


RELEASE: tuple[Framework, ...] = (
    Framework("epitome", 3, 0, 2),
    Framework("empatheticdialogues", 3, 1, 5),
    Framework("perceived_empathy", 9, 1, 7),
    Framework("lend_an_ear", 6, 1, 5),
)


def cut_points(framework: Framework) -> FloatArray:
    """Thresholds on the latent + noise scale between consecutive scale points."""
    k = framework.scale_max - framework.scale_min + 1
    normal = NormalDist(0.0, math.sqrt(1.0 + TYPICAL_SD**2))
    return np.array([normal.inv_cdf(j / k) for j in range(1, k)])


def rate(
    latent: FloatArray, noise_sd: FloatArray | float, framework: Framework, rng: np.random.Generator
) -> FloatArray:
    """One rater's ratings: latent level plus normal noise, cut to the framework's scale."""
    noisy = latent + noise_sd * rng.standard_normal(latent.shape)
    return framework.scale_min + np.searchsorted(cut_points(framework), noisy).astype(np.float64)


#: "project" or "harder" (the data model of `bench_verdicts.HarderModel`), set by --model.
MODEL = {"name": "project"}
#: The bench_verdicts scale index of each framework's scale (0–2, 1–5, 1–7).
SCALE_INDEX = {(0, 2): 0, (1, 5): 1, (1, 7): 2}


@functools.cache
def harder_model() -> Any:
    """`bench_verdicts.HarderModel`, loaded from the script next to this one."""
    import importlib.util

    path = Path(__file__).resolve().parent / "bench_verdicts.py"
    spec = importlib.util.spec_from_file_location("bench_verdicts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module.HarderModel()


def simulate_harder(
    framework: Framework,
    reps: int,
    rng: np.random.Generator,
    *,
    n_items: int,
    baseline_sd: float,
    candidate_sd: FloatArray | float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """`simulate` under the harder model: skew, rater leniency and cut points, difficulty, halo.

    Three experts (raters 0–2, noise sd 0.8) give the reference, their median; the baseline
    and the candidate share one rater's leniency and cut points (rater 3) and differ only in
    their noise, so equal sds are exactly equally good judges.
    """
    model = harder_model()
    scale = SCALE_INDEX[(framework.scale_min, framework.scale_max)]
    shape = (reps, n_items, framework.n_sub_components)
    sd_of = np.broadcast_to(np.asarray(candidate_sd, dtype=np.float64), (shape[2],))

    def per_scale(value: float) -> FloatArray:
        return np.full(3, value)

    # One draw for the experts and the baseline; the candidate's per-sub-component sds need
    # their own draws on the same items, so the latent levels are shared through the seed.
    state = rng.bit_generator.state
    ratings = model.draw(
        rng,
        shape,
        [scale] * shape[2],
        [per_scale(EXPERT_SD)] * 3 + [per_scale(baseline_sd), per_scale(float(sd_of[0]))],
        raters=[0, 1, 2, 3, 3],
    )
    candidate = ratings[..., 4]
    if not np.all(sd_of == sd_of[0]):
        after = rng.bit_generator.state
        for j in range(1, shape[2]):
            rng.bit_generator.state = state
            again = model.draw(
                rng,
                shape,
                [scale] * shape[2],
                [per_scale(EXPERT_SD)] * 3 + [per_scale(baseline_sd), per_scale(float(sd_of[j]))],
                raters=[0, 1, 2, 3, 3],
            )
            candidate[..., j] = again[..., j, 4]
        rng.bit_generator.state = after
    return np.median(ratings[..., :3], axis=-1), ratings[..., 3], candidate


def simulate(
    framework: Framework,
    reps: int,
    rng: np.random.Generator,
    *,
    n_items: int = N_ITEMS,
    baseline_sd: float = JUDGE_SD,
    candidate_sd: FloatArray | float = JUDGE_SD,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Reference (median of 3 experts), baseline and candidate ratings, each reps × items × S."""
    if MODEL["name"] == "harder":
        return simulate_harder(
            framework,
            reps,
            rng,
            n_items=n_items,
            baseline_sd=baseline_sd,
            candidate_sd=candidate_sd,
        )
    shape = (reps, n_items, framework.n_sub_components)
    common = rng.standard_normal((reps, n_items, 1))
    latent = math.sqrt(CORRELATION) * common + math.sqrt(1.0 - CORRELATION) * rng.standard_normal(
        shape
    )
    experts = np.stack([rate(latent, EXPERT_SD, framework, rng) for _ in range(3)])
    reference = np.median(experts, axis=0)
    return (
        reference,
        rate(latent, baseline_sd, framework, rng),
        rate(latent, candidate_sd, framework, rng),
    )


def kappa(x: FloatArray, y: FloatArray) -> FloatArray:
    """Value-based κw over the items axis (-2) of same-shaped arrays."""
    n = np.full(x.shape[:-2] + x.shape[-1:], float(x.shape[-2]))
    return kappa_from_moment_arrays(
        n,
        ((x - y) ** 2).sum(axis=-2),
        x.sum(axis=-2),
        y.sum(axis=-2),
        (x * x).sum(axis=-2),
        (y * y).sum(axis=-2),
    )


def mean_kappa_drop(framework: Framework, noise_sd: float, n_items: int, seed: int) -> float:
    """κw(judge sd 0.7) − κw(judge with `noise_sd`) against the expert median, large sample."""
    rng = np.random.default_rng(seed)
    reference, good, worse = simulate(framework, 1, rng, n_items=n_items, candidate_sd=noise_sd)
    return float(np.mean(kappa(good, reference) - kappa(worse, reference)))


def calibrate_noise(
    framework: Framework, drop: float, *, n_items: int = 400_000, seed: int = 1
) -> float:
    """The candidate noise sd whose κw is `drop` below a 0.7-sd judge's.

    Bisection on one large sample (the same latent levels and standard-normal noise at every
    step, so the drop is a monotone function of the sd).
    """
    if MODEL["name"] == "harder":
        low, high = JUDGE_SD, 5.0
        for _ in range(16):
            middle = 0.5 * (low + high)
            if mean_kappa_drop(framework, middle, n_items // 4, seed) < drop:
                low = middle
            else:
                high = middle
        return 0.5 * (low + high)
    rng = np.random.default_rng(seed)
    shape3 = (1, n_items, framework.n_sub_components)
    common = rng.standard_normal((1, n_items, 1))
    latent = math.sqrt(CORRELATION) * common + math.sqrt(1.0 - CORRELATION) * rng.standard_normal(
        shape3
    )
    experts = np.stack([rate(latent, EXPERT_SD, framework, rng) for _ in range(3)])
    reference = np.median(experts, axis=0)
    good_kappa = kappa(rate(latent, JUDGE_SD, framework, rng), reference)
    noise = rng.standard_normal(shape3)
    cuts = cut_points(framework)

    def loss(sd: float) -> float:
        ratings = framework.scale_min + np.searchsorted(cuts, latent + sd * noise)
        return float(np.mean(good_kappa - kappa(ratings.astype(np.float64), reference)))

    low, high = JUDGE_SD, 5.0
    for _ in range(25):
        middle = 0.5 * (low + high)
        if loss(middle) < drop:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def stack(
    blocks: Sequence[tuple[FloatArray, FloatArray, FloatArray]],
) -> tuple[FloatArray, FloatArray, FloatArray, list[int], list[int]]:
    """Frameworks' (items × S_f) blocks stacked block-diagonally with NaN elsewhere.

    Returns:
        reference, baseline, candidate (Σ items × Σ S), the column groups and the row strata.
    """
    rows = sum(b[0].shape[0] for b in blocks)
    columns = sum(b[0].shape[1] for b in blocks)
    out = [np.full((rows, columns), np.nan) for _ in range(3)]
    groups: list[int] = []
    strata: list[int] = []
    r = c = 0
    for f, block in enumerate(blocks):
        n, s = block[0].shape
        for target, source in zip(out, block, strict=True):
            target[r : r + n, c : c + s] = source
        groups += [f] * s
        strata += [f] * n
        r, c = r + n, c + s
    return out[0], out[1], out[2], groups, strata


@dataclass
class Tally:
    """How often each rule said "regressed" (anywhere in the call), over replications."""

    counts: dict[str, int]
    mdd_columns: list[FloatArray]
    mdd_groups: list[FloatArray]
    reps: int = 0
    items_groups: list[FloatArray] = field(default_factory=list)

    def rate(self, rule: str) -> float:
        """Share of replications flagged by `rule`."""
        return self.counts[rule] / self.reps


#: The rules compared; the first is the gate's default. The next three differ from it only in
#: the standard error of the mean-first test or in the heads' interval (the small-sample
#: options); the rest use the default's jackknife standard error.
RULES = (
    "mean first, jackknife SE (default)",
    "mean first, bootstrap SE (before)",
    "mean first, bootstrap SE x n/(n-1)",
    "mean first, BCa heads",
    "mean first, no T",
    "max-T",
    "max-T, high < -T",
    "holm",
    "old rule",
)


def inflated(deltas: DeltaBootstrap) -> DeltaBootstrap:
    """The replicates spread about the estimate by √(n/(n−1)) (n = each column's paired items).

    The bootstrap variance of a mean is (n − 1)/n times the unbiased one; this is the usual
    finite-sample correction. Every simulated group has equal n, so its mean's replicates
    spread by the same factor.
    """
    n = np.array(deltas.n_items, dtype=np.float64)
    factor = np.sqrt(n / np.maximum(n - 1.0, 1.0))
    spread = deltas.estimate[None, :] + factor[None, :] * (deltas.replicates - deltas.estimate)
    return replace(deltas, replicates=spread)


def bca_heads_flag(deltas: DeltaBootstrap, tolerance: float, alpha: float) -> bool:
    """Whether any group mean's BCa test of "no drop" rejects at its share α / groups.

    Under the mean-first rule a group's sub-components are tested only once its mean is
    flagged, so in these scenarios the heads (every simulated group has several members)
    decide whether anything is flagged. The one-sided BCa bound (bias correction z₀ from the
    share of Δ* below Δ̂, jackknife acceleration a) lies below 0 exactly when
    p = 1 − Φ(u − z₀) ≤ α with w = Φ⁻¹(G(0)), u = (w − z₀)/(1 + a(w − z₀)).
    """
    normal = NormalDist()
    labels = list(dict.fromkeys(deltas.groups))
    share = alpha / len(labels)
    for label in labels:
        members = [j for j, g in enumerate(deltas.groups) if g == label and not deltas.reasons[j]]
        estimate = float(np.mean(deltas.estimate[members]))
        draws = deltas.replicates[:, members].mean(axis=1)
        draws = draws[~np.isnan(draws)]
        below = (np.sum(draws < estimate) + 0.5 * np.sum(draws == estimate)) / draws.shape[0]
        z0 = normal.inv_cdf(min(max(float(below), 1e-6), 1.0 - 1e-6))
        at_zero = (np.sum(draws < 0.0) + 0.5 * np.sum(draws == 0.0) + 0.5) / (draws.shape[0] + 1)
        w = normal.inv_cdf(float(at_zero))
        rows = deltas.paired[:, members].any(axis=1)
        jack = deltas.jackknife[rows][:, members].mean(axis=1)
        centred = jack.mean() - jack
        spread = float(np.sum(centred**2))
        a = float(np.sum(centred**3)) / (6.0 * spread**1.5) if spread > 0.0 else 0.0
        u = (w - z0) / (1.0 + a * (w - z0))
        if 1.0 - normal.cdf(u - z0) <= share and estimate < -tolerance:
            return True
    return False


def flags(deltas: DeltaBootstrap, tolerance: float) -> tuple[dict[str, bool], GateResult]:
    """Whether each rule flags a regression anywhere in one comparison; the default's result."""
    default = decide(deltas, tolerance=tolerance)
    before = decide(deltas, tolerance=tolerance, std_error_method="bootstrap")
    corrected = decide(inflated(deltas), tolerance=tolerance, std_error_method="bootstrap")
    max_t = decide(deltas, tolerance=tolerance, correction="maxt")
    alpha = 1.0 - default.level
    entries = [*default.columns, *default.groups]
    highs = np.array([e.high for e in (*max_t.columns, *max_t.groups)])
    # The old rule: a two-sided 95% percentile interval per sub-component, no correction.
    replicates = deltas.replicates
    quantile = np.nanquantile if np.isnan(replicates).any() else np.quantile
    old_high = quantile(replicates, 0.975, axis=0)
    return {
        RULES[0]: default.regressed,
        RULES[1]: before.regressed,
        RULES[2]: corrected.regressed,
        RULES[3]: bca_heads_flag(deltas, tolerance, alpha),
        RULES[4]: any(e.p_value <= alpha for e in entries),
        RULES[5]: max_t.regressed,
        RULES[6]: bool(np.any(highs < -tolerance)),
        RULES[7]: decide(deltas, tolerance=tolerance, correction="holm").regressed,
        RULES[8]: bool(np.any(old_high < -tolerance)),
    }, default


Blocks = list[tuple[FloatArray, FloatArray, FloatArray]]
#: Replications bootstrapped together (side by side as columns on the same resamples).
CHUNK = 20


def columns_of(deltas: DeltaBootstrap, columns: slice) -> DeltaBootstrap:
    """The part of a bootstrap that belongs to some columns (one replication of a chunk)."""
    return replace(
        deltas,
        names=deltas.names[columns],
        groups=deltas.groups[columns],
        estimate=deltas.estimate[columns],
        replicates=deltas.replicates[:, columns],
        n_items=deltas.n_items[columns],
        baseline_kappa=deltas.baseline_kappa[columns],
        candidate_kappa=deltas.candidate_kappa[columns],
        reasons=deltas.reasons[columns],
        jackknife=deltas.jackknife[:, columns],
        paired=deltas.paired[:, columns],
    )


def joined(parts: Sequence[DeltaBootstrap]) -> DeltaBootstrap:
    """Bootstraps of disjoint column sets on disjoint items, side by side as one.

    The same resamples (each part drew its own items' rows of one stratified matrix); the
    items are stacked, each part its own stratum, as in the stacked call: leaving out another
    part's item leaves a column's Δκw as it is, and that item is not paired in it.
    """
    rows = [p.jackknife.shape[0] for p in parts]
    columns = [p.estimate.shape[0] for p in parts]
    jackknife = np.empty((sum(rows), sum(columns)))
    paired = np.zeros((sum(rows), sum(columns)), dtype=np.bool_)
    r = c = 0
    for p, n, s in zip(parts, rows, columns, strict=True):
        jackknife[:, c : c + s] = p.estimate[None, :]
        jackknife[r : r + n, c : c + s] = p.jackknife
        paired[r : r + n, c : c + s] = p.paired
        r, c = r + n, c + s
    return replace(
        parts[0],
        names=tuple(n for p in parts for n in p.names),
        groups=tuple(g for p in parts for g in p.groups),
        estimate=np.concatenate([p.estimate for p in parts]),
        replicates=np.concatenate([p.replicates for p in parts], axis=1),
        n_items=tuple(n for p in parts for n in p.n_items),
        baseline_kappa=np.concatenate([p.baseline_kappa for p in parts]),
        candidate_kappa=np.concatenate([p.candidate_kappa for p in parts]),
        reasons=tuple(r for p in parts for r in p.reasons),
        jackknife=jackknife,
        paired=paired,
        strata=np.repeat(np.arange(len(parts)), rows),
    )


def side_by_side(values: FloatArray, chunk: range) -> FloatArray:
    """reps × items × S -> items × (len(chunk) · S): the chunk's replications as columns."""
    return np.concatenate(list(values[chunk.start : chunk.stop]), axis=1)


def run(
    blocks: Callable[[np.random.Generator, int], Blocks],
    reps: int,
    *,
    resamples: int,
    seed: int,
) -> Tally:
    """Simulate `reps` comparisons and judge each with every rule.

    All data are drawn at once. Every replication uses the same resamples, as every `compare`
    with the default seed does (the data differ from one replication to the next). What a
    replication's call of `regression_gate` on the stacked frameworks computes is computed
    here in pieces that give the same numbers faster: each framework's items with that
    framework's rows of the stratified resample matrix (the stacked matrix's other rows are
    NaN in its columns, so they weigh nothing), a chunk of replications side by side as
    columns (κw is computed column by column); then `decide` judges one replication at a time.
    """
    rng = np.random.default_rng(seed)
    drawn = blocks(rng, reps)
    sizes = [block[0].shape[1] for block in drawn]
    strata = [f for f, size in enumerate(sizes) for _ in range(size)]
    counts = stratified_counts(strata, len(strata), resamples, seed)
    starts = np.cumsum([0, *sizes])
    tally = Tally(dict.fromkeys(RULES, 0), [], [])
    for first in range(0, reps, CHUNK):
        chunk = range(first, min(first + CHUNK, reps))
        per_framework = []
        for f, (reference, baseline, candidate) in enumerate(drawn):
            per_framework.append(
                delta_bootstrap(
                    side_by_side(reference, chunk),
                    side_by_side(baseline, chunk),
                    side_by_side(candidate, chunk),
                    groups=[f] * (reference.shape[2] * len(chunk)),
                    counts=counts[:, starts[f] : starts[f + 1]],
                )
            )
        for k in range(len(chunk)):
            parts = [
                columns_of(d, slice(k * b[0].shape[2], (k + 1) * b[0].shape[2]))
                for d, b in zip(per_framework, drawn, strict=True)
            ]
            flagged, default = flags(joined(parts), TOLERANCE)
            for rule, value in flagged.items():
                tally.counts[rule] += int(value)
            tally.mdd_columns.append(default.min_detectable_drop)
            tally.mdd_groups.append(np.array([g.min_detectable_drop for g in default.groups]))
            tally.items_groups.append(
                np.array([g.items_needed(TARGET_DROP, TOLERANCE) for g in default.groups])
            )
            tally.reps += 1
    return tally


def release_blocks(
    candidate_sd: dict[str, FloatArray | float], n_items: int = N_ITEMS
) -> Callable[[np.random.Generator, int], Blocks]:
    """Every framework of the release; a framework named in `candidate_sd` gets a worse judge."""

    def draw(rng: np.random.Generator, reps: int) -> Blocks:
        return [
            simulate(f, reps, rng, n_items=n_items, candidate_sd=candidate_sd.get(f.name, JUDGE_SD))
            for f in RELEASE
        ]

    return draw


def one_framework(
    framework: Framework, candidate_sd: FloatArray | float, n_items: int = N_ITEMS
) -> Callable[[np.random.Generator, int], Blocks]:
    """One framework alone, its candidate with the given noise (one sd per sub-component)."""

    def draw(rng: np.random.Generator, reps: int) -> Blocks:
        return [simulate(framework, reps, rng, n_items=n_items, candidate_sd=candidate_sd)]

    return draw


def half_width(p: float, n: int) -> float:
    """95% normal half-width of a binomial proportion."""
    return 1.96 * math.sqrt(max(p * (1.0 - p), 1e-12) / n)


def report(title: str, tally: Tally, goal: str) -> None:
    """Print one scenario's rates per rule."""
    print(f"\n{title}\n  {tally.reps} replications; {goal}")
    for rule in RULES:
        p = tally.rate(rule)
        h = half_width(p, tally.reps)
        print(
            f"  {rule:<36} {p:6.2%} ± {h:.2%}  "
            f"(95%: {max(p - h, 0.0):.2%} to {min(p + h, 1.0):.2%})"
        )


def print_mdd(tally: Tally, frameworks: Sequence[Framework]) -> None:
    """Median smallest detectable drops of the default rule, per framework."""
    mdd_columns = np.median(np.vstack(tally.mdd_columns), axis=0)
    mdd_groups = np.median(np.vstack(tally.mdd_groups), axis=0)
    items = np.median(np.vstack(tally.items_groups), axis=0)
    start = 0
    for framework, mdd, needed in zip(frameworks, mdd_groups, items, strict=True):
        sub = mdd_columns[start : start + framework.n_sub_components]
        start += framework.n_sub_components
        print(
            f"  smallest drop detectable with 80% power, {framework.name}: "
            f"framework mean {mdd:.2f}, sub-components {sub.min():.2f}–{sub.max():.2f} "
            f"(median over replications); items for 80% detection of a {TARGET_DROP} "
            f"framework drop: {needed:.0f}"
        )


def main() -> None:
    """Calibrate, simulate every scenario and print the rates."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--reps", type=int, default=2000, help="replications of (b), (b') and (c)")
    parser.add_argument(
        "--null-reps",
        type=int,
        default=None,
        help="replications of (a), (a25) and (a1) (default: --reps)",
    )
    parser.add_argument("--resamples", type=int, default=2000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--model",
        choices=("project", "harder"),
        default="project",
        help="data model: the project's, or bench_verdicts' harder one",
    )
    parser.add_argument(
        "--scenarios",
        default="a,b,b',c",
        help="comma-separated subset of a, a25, a1, b, b', c (default: a, b, b', c)",
    )
    args = parser.parse_args()
    scenarios = {name.strip() for name in args.scenarios.split(",")}
    unknown = scenarios - {"a", "a25", "a1", "b", "b'", "c"}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    null_reps = args.reps if args.null_reps is None else args.null_reps
    MODEL["name"] = args.model
    print(f"data model: {args.model}")
    started = time.perf_counter()
    epitome, dialogues = RELEASE[0], RELEASE[1]
    worse = {f.name: calibrate_noise(f, TARGET_DROP) for f in (epitome, dialogues)}
    much_worse = calibrate_noise(epitome, ISOLATED_DROP)
    for name, sd in worse.items():
        print(f"candidate noise sd for a {TARGET_DROP} κw drop on {name}: {sd:.3f}", end="")
        framework = next(f for f in RELEASE if f.name == name)
        print(f" (check on a fresh sample: {mean_kappa_drop(framework, sd, 400_000, 2):.3f})")
    print(f"candidate noise sd for a {ISOLATED_DROP} κw drop on {epitome.name}: {much_worse:.3f}")
    print(
        f"judges' noise sd {JUDGE_SD}, experts' {EXPERT_SD}; {N_ITEMS} items per framework; "
        f"T = {TOLERANCE}, level 0.95, {args.resamples} resamples"
    )
    common = {"resamples": args.resamples}

    if "a" in scenarios:
        null = run(release_blocks({}), null_reps, seed=args.seed, **common)
        report(
            "(a) equally good judges, 21 sub-components + 4 framework means in one call",
            null,
            "false 'regressed' anywhere; goal ≤ 5%",
        )
        print_mdd(null, RELEASE)
    if "a25" in scenarios:
        small = run(release_blocks({}, SMALL_ITEMS), null_reps, seed=args.seed + 5, **common)
        report(
            f"(a25) the same with {SMALL_ITEMS} items per framework (e.g. a --limit run)",
            small,
            "false 'regressed' anywhere; goal ≤ 5%",
        )
    if "a1" in scenarios:
        alone_null = run(
            one_framework(epitome, JUDGE_SD, SMALL_ITEMS),
            null_reps,
            seed=args.seed + 6,
            **common,
        )
        report(
            f"(a1) equally good judges on {epitome.name} alone, {SMALL_ITEMS} items "
            "(its mean gets the whole 5%)",
            alone_null,
            "false 'regressed' anywhere; goal ≤ 5%",
        )

    for k, framework in enumerate((epitome, dialogues) if "b" in scenarios else ()):
        alone = run(
            one_framework(framework, worse[framework.name]),
            args.reps,
            seed=args.seed + 1 + k,
            **common,
        )
        report(
            f"(b) {framework.name} alone (3 sub-components, {N_ITEMS} items) loses "
            f"{TARGET_DROP} κw on every sub-component",
            alone,
            "detected; goal ≥ 80%",
        )
        print_mdd(alone, [framework])

    if "b'" in scenarios:
        within = run(
            release_blocks({epitome.name: worse[epitome.name]}),
            args.reps,
            seed=args.seed + 3,
            **common,
        )
        report(
            f"(b') the same drop on {epitome.name} inside the 21-sub-component call "
            "(the other frameworks equally good)",
            within,
            "detected anywhere",
        )
    if "c" in scenarios:
        isolated = np.array([much_worse, JUDGE_SD, JUDGE_SD])
        single = run(one_framework(epitome, isolated), args.reps, seed=args.seed + 4, **common)
        report(
            f"(c) {epitome.name} alone: one sub-component loses {ISOLATED_DROP} κw, "
            "the other two unchanged",
            single,
            "detected",
        )
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
