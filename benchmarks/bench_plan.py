"""Benchmark: does `plan`'s number of items give the stated power? Simulation with a known truth.

Data model (as `bench_verdicts.py`): per item a latent level per sub-component, standard normal,
correlation 0.5 across the item's three sub-components (one per scale: 0–2, 1–5, 1–7); a rater
adds normal noise and cuts the sum to the scale ([−2, 2] in k equal bins). Three experts
(σ = 0.8) form the panel. Candidates with a known population Δ (like-for-like κ difference,
`scorers.agreement`): ``equal`` (σ = 0.8, an expert's twin: Δ = 0 exactly) and ``worse``
(σ calibrated per scale on 200,000 items so that Δ = −0.10, the margin).

Per scenario and scale:

1. **The plan from the verdict's expected standard error.** 300 pilots of 50 items, each
   judged by `assess` (the verdict the report gives, 1,000 resamples), give what the plan reads
   at 50 items (`reports.plan.verdict_interval`: the jackknife SE and the interval's skewness
   and kurtosis, averaged over the pilots: the plan in expectation);
   `scorers.sample_size.items_for_verdict` turns it, with the true Δ, into n*. Then 400 fresh
   studies of n* items, judged the same way, measure the conclusive share: the oracle is
   |share − power| ≤ 5 points. Printed beside it: the true SE of Δ̂ at 50 items (the spread of
   Δ̂ over 4,000 pilots).
2. **The plan from a pilot**, as `empathy-judge plan` computes it: each pilot's own reading
   (`reports.plan.verdict_interval` of its `assess` verdict) at Δ = the truth gives its
   own n; printed are the median and the 10–90% range of those n, and the power they give on
   average (the analytic curve at the verdict's expected SE, checked by step 1).
3. **Resampling one pilot** (the other method of the issue; the pilot with the median Δ̂ on
   the 1–5 scale): its 50 items resampled with
   replacement to n = the plan's n at the pilot's own Δ̂, judged by `assess` 400 times;
   the conclusive share beside the analytic power the plan promised for that pilot.

4. **The gate** (``--gate-reps``): a baseline judge (σ = 0.7) and a candidate whose κ against
   the expert median is 0.2 lower on each sub-component (σ calibrated on 200,000 items); the
   plan's n for a 0.2 drop of the framework mean, from a pilot of 50 items with the experts and
   the baseline judge only (`reports.plan.gate_pilots`: an expert and the judge degraded by the
   drop stand in for the two judges), then fresh studies of that n through
   `scorers.gate.regression_gate` (one framework, the default correction): the share whose
   framework mean is "regressed".

Every share is printed with its Monte Carlo standard error √(p(1 − p)/reps).

Run: `python benchmarks/bench_plan.py [--reps 400] [--pilots 300] [--resamples 1000]`; the
defaults took 335 s at load average 10 on the 2 shared cores (run with `nice -n 10`).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import math
import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from empathy_judge.reports.plan import verdict_interval
from empathy_judge.scorers.agreement import assess
from empathy_judge.scorers.arrays import FloatArray
from empathy_judge.scorers.kappa import kappa_from_moment_arrays
from empathy_judge.scorers.panel import Panel, Scale
from empathy_judge.scorers.sample_size import (
    VerdictShape,
    conclusive_probability,
    items_for_verdict,
)
from empathy_judge.scorers.verdicts import MARGIN

SCALES: tuple[Scale, ...] = (Scale(0, 2), Scale(1, 5), Scale(1, 7))
EXPERT_SD = 0.8
CORRELATION = 0.5
PILOT_ITEMS = 50
POWER = 0.8
LEVEL = 0.95


def cut(values: FloatArray, scale: Scale) -> FloatArray:
    """Latent values cut to the scale's points: [−2, 2] in k equal bins."""
    k = int(scale.high - scale.low) + 1
    edges = np.linspace(-2.0, 2.0, k + 1)[1:-1]
    return scale.low + np.searchsorted(edges, values, side="right").astype(np.float64)


def simulate(
    rng: np.random.Generator, n_items: int, candidate_sd: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Experts (items × 3 scales × 3) and a candidate (items × 3 scales)."""
    common = rng.standard_normal((n_items, 1))
    latent = math.sqrt(CORRELATION) * common + math.sqrt(1 - CORRELATION) * rng.standard_normal(
        (n_items, len(SCALES))
    )

    def rate(sd: FloatArray | float) -> FloatArray:
        noisy = latent + np.asarray(sd) * rng.standard_normal(latent.shape)
        return np.stack([cut(noisy[:, j], s) for j, s in enumerate(SCALES)], axis=1)

    experts = np.stack([rate(EXPERT_SD) for _ in range(3)], axis=-1)
    return experts, rate(candidate_sd)


def kappa_columns(x: FloatArray, y: FloatArray) -> FloatArray:
    """Value-based quadratic κ per column (no NaN)."""
    n = np.full(x.shape[1:], float(x.shape[0]))
    return kappa_from_moment_arrays(
        n,
        ((x - y) ** 2).sum(axis=0),
        x.sum(axis=0),
        y.sum(axis=0),
        (x * x).sum(axis=0),
        (y * y).sum(axis=0),
    )


def loo_difference(experts: FloatArray, candidate: FloatArray) -> FloatArray:
    """Δ = mean_k κ(candidate, R_k) − mean_k κ(expert k, R_k), per scale."""
    out = []
    for k in range(experts.shape[-1]):
        reference = np.delete(experts, k, axis=-1).mean(axis=-1)
        out.append(kappa_columns(candidate, reference) - kappa_columns(experts[..., k], reference))
    return np.asarray(np.mean(out, axis=0), dtype=np.float64)


def calibrate(target: float, n_items: int = 200_000, seed: int = 11) -> FloatArray:
    """Candidate σ per scale whose population Δ is `target` (bisection, common random numbers)."""
    sds = np.empty(len(SCALES))
    for j in range(len(SCALES)):
        low, high = 0.3, 4.0
        for _ in range(22):
            middle = 0.5 * (low + high)
            experts, candidate = simulate(
                np.random.default_rng(seed), n_items, np.full(len(SCALES), middle)
            )
            if loo_difference(experts, candidate)[j] > target:
                low = middle
            else:
                high = middle
        sds[j] = 0.5 * (low + high)
    return sds


def panel_of(experts: FloatArray) -> Panel:
    """A panel of simulated experts."""
    n = experts.shape[0]
    return Panel(
        "simulated",
        tuple(f"i{i}" for i in range(n)),
        tuple(f"s{j}" for j in range(len(SCALES))),
        ("e1", "e2", "e3"),
        np.ascontiguousarray(experts),
        SCALES,
    )


def verdicts(
    experts: FloatArray, candidate: FloatArray, resamples: int, seed: int
) -> tuple[list[str], list[float], list[tuple[float, VerdictShape | None]]]:
    """The report's verdict per scale, its Δ̂, and what the plan reads (`verdict_interval`)."""
    result = assess(
        panel_of(experts),
        candidate,
        "candidate",
        n_resamples=resamples,
        seed=seed,
        alt_epsilon=None,
        swap=False,
    )
    subs = result.sub_components
    return (
        # Each scale is its own study: its own verdict, not one controlled across the scales.
        [s.marginal_verdict for s in subs],
        [s.difference.value for s in subs],
        [verdict_interval(s.like_for_like, s.difference, LEVEL) for s in subs],
    )


def plan_items(delta: float, read: tuple[float, VerdictShape | None]) -> int | None:
    """The plan's n from 50 pilot items read as the plan reads them."""
    s, shape = read
    return items_for_verdict(
        delta, s, PILOT_ITEMS, margin=MARGIN, power=POWER, level=LEVEL, shape=shape
    )


def plan_power(delta: float, read: tuple[float, VerdictShape | None], n: ArrayLike) -> FloatArray:
    """The power the plan promises at n items."""
    s, shape = read
    items = np.asarray(n, dtype=np.float64)
    return conclusive_probability(
        delta,
        s * np.sqrt(PILOT_ITEMS / items),
        margin=MARGIN,
        level=LEVEL,
        multipliers=None if shape is None else shape.multipliers(items, LEVEL),
    )


def average_read(reads: Sequence[tuple[float, VerdictShape | None]]) -> tuple[float, VerdictShape]:
    """The pilots' reads averaged (standard error, skewness, kurtosis): the plan in expectation."""
    shapes = [shape for _, shape in reads if shape is not None]
    return float(np.mean([s for s, _ in reads])), VerdictShape(
        float(np.mean([x.skewness for x in shapes])), float(np.mean([x.kurtosis for x in shapes]))
    )


def share(flags: Sequence[bool]) -> str:
    """A share in percent with its Monte Carlo standard error."""
    p, n = float(np.mean(flags)), len(flags)
    return f"{100 * p:5.1f}% ± {100 * math.sqrt(p * (1 - p) / n):.1f}"


def conclusive(verdict: str) -> bool:
    """Not inconclusive."""
    return verdict != "inconclusive"


BASELINE_SD = 0.7


def consensus_kappa(sd: float, n_items: int = 200_000, seed: int = 21) -> FloatArray:
    """κ(judge with noise sd, median of the experts) per scale, on a large sample."""
    experts, judge = simulate(np.random.default_rng(seed), n_items, np.full(len(SCALES), sd))
    return kappa_columns(judge, np.median(experts, axis=-1))


def calibrate_drop(drop: float) -> FloatArray:
    """Candidate σ per scale whose κ against the expert median is `drop` below the baseline's."""
    target = consensus_kappa(BASELINE_SD) - drop
    sds = np.empty(len(SCALES))
    for j in range(len(SCALES)):
        low, high = BASELINE_SD, 5.0
        for _ in range(22):
            middle = 0.5 * (low + high)
            if consensus_kappa(middle)[j] > target[j]:
                low = middle
            else:
                high = middle
        sds[j] = 0.5 * (low + high)
    return sds


def gate_check(rng: np.random.Generator, reps: int, resamples: int) -> None:
    """Section 4 of the module doc: the plan's n for a 0.2 drop, and the gate's detection."""
    from empathy_judge.reports.corpora import JudgedCorpus
    from empathy_judge.reports.plan import gate_pilots
    from empathy_judge.scorers.gate import DEFAULT_TOLERANCE, regression_gate
    from empathy_judge.scorers.sample_size import items_for_gate

    drop = 0.2
    worse = calibrate_drop(drop)
    print(
        f"\ngate: baseline σ {BASELINE_SD}, candidate σ per scale {np.round(worse, 3).tolist()} "
        f"(κ vs the expert median {drop} lower on each scale); {reps} studies"
    )
    planned = []
    for p in range(40):
        experts, baseline = simulate(rng, PILOT_ITEMS, np.full(len(SCALES), BASELINE_SD))
        corpus = JudgedCorpus("simulated", "bench", "baseline", panel_of(experts), baseline)
        _, mean = gate_pilots(corpus, drop=drop, level=LEVEL, n_resamples=resamples, seed=p)
        planned.append(
            items_for_gate(
                drop,
                mean.std_error,
                mean.n_items,
                critical=mean.critical,
                power=POWER,
                tolerance=DEFAULT_TOLERANCE,
            )
        )
    n_gate = int(np.median([n for n in planned if n is not None]))
    flags = []
    for r in range(reps):
        # Experts, baseline and candidate rate the same items: one latent sample.
        common = rng.standard_normal((n_gate, 1))
        latent = math.sqrt(CORRELATION) * common + math.sqrt(1 - CORRELATION) * (
            rng.standard_normal((n_gate, len(SCALES)))
        )

        def rate(sd: FloatArray | float, latent: FloatArray = latent) -> FloatArray:
            noisy = latent + np.asarray(sd) * rng.standard_normal(latent.shape)
            return np.stack([cut(noisy[:, j], s) for j, s in enumerate(SCALES)], axis=1)

        experts = np.stack([rate(EXPERT_SD) for _ in range(3)], axis=-1)
        result = regression_gate(
            np.median(experts, axis=-1), rate(BASELINE_SD), rate(worse),
            level=LEVEL, n_resamples=resamples, seed=r,
        )  # fmt: skip
        flags.append(result.groups[0].verdict == "regressed")
    finite = [n for n in planned if n is not None]
    print(
        f"  planned n for a {drop} drop of the framework mean (median of 40 pilots, 10–90% "
        f"{np.percentile(finite, 10):.0f}–{np.percentile(finite, 90):.0f}): {n_gate}; "
        f"detected {share(flags)} (stated {POWER:.0%})"
    )


def main() -> None:
    """Run both scenarios and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--pilots", type=int, default=300)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gate-reps", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    scenarios = {
        "equal (Δ = 0)": (np.full(len(SCALES), EXPERT_SD), np.zeros(len(SCALES))),
    }
    worse = calibrate(-MARGIN)
    truth = loo_difference(*simulate(np.random.default_rng(12), 200_000, worse))
    scenarios["worse (Δ = −0.10)"] = (worse, truth)
    print(
        f"plan: items for a conclusive like-for-like verdict at {POWER:.0%} power "
        f"(margin {MARGIN}, {LEVEL:.0%} interval); {args.reps} studies per n, "
        f"{args.pilots} pilots of {PILOT_ITEMS} items, {args.resamples} resamples"
    )
    for name, (sd, delta) in scenarios.items():
        print(f"\n{name}: candidate σ per scale {np.round(sd, 3).tolist()}, "
              f"population Δ {np.round(delta, 3).tolist()}")  # fmt: skip
        pilot_d, pilot_reads = [], []
        pilots = []
        for p in range(args.pilots):
            experts, candidate = simulate(rng, PILOT_ITEMS, sd)
            _, d, reads = verdicts(experts, candidate, args.resamples, p)
            pilot_d.append(d)
            pilot_reads.append(reads)
            pilots.append((experts, candidate))
        d_arr = np.array(pilot_d)
        true_se = np.array(
            [loo_difference(*simulate(rng, PILOT_ITEMS, sd)) for _ in range(4000)]
        ).std(axis=0, ddof=1)
        for j, scale in enumerate(SCALES):
            label = f"{scale.low:g}–{scale.high:g}"
            expected = average_read([reads[j] for reads in pilot_reads])
            n_star = plan_items(float(delta[j]), expected)
            assert n_star is not None
            flags = []
            for r in range(args.reps):
                experts, candidate = simulate(rng, n_star, sd)
                v, _, _ = verdicts(experts, candidate, args.resamples, 10_000 + r)
                flags.append(conclusive(v[j]))
            planned = [plan_items(float(delta[j]), reads[j]) for reads in pilot_reads]
            finite = np.array([n for n in planned if n is not None], dtype=np.float64)
            promised = plan_power(float(delta[j]), expected, finite)
            print(
                f"  {label}: jackknife SE at {PILOT_ITEMS} = {expected[0]:.4f} (true SE "
                f"{true_se[j]:.4f}), skewness {expected[1].skewness:+.2f}, kurtosis "
                f"{expected[1].kurtosis:.2f}; n* = {n_star}: conclusive {share(flags)} "
                f"(stated {POWER:.0%})"
            )
            print(
                f"        from each pilot's SE: n median {np.median(finite):.0f} "
                f"(10–90% {np.percentile(finite, 10):.0f}–{np.percentile(finite, 90):.0f}), "
                f"mean power at those n {100 * promised.mean():.1f}%"
            )
        # Resampling one pilot (scale 1–5; the pilot whose Δ̂ is the median) to the plan's n at
        # its own Δ̂.
        j = 1
        typical = int(np.argmin(np.abs(d_arr[:, j] - np.median(d_arr[:, j]))))
        experts, candidate = pilots[typical]
        d0, read0 = float(d_arr[typical, j]), pilot_reads[typical][j]
        n_obs = plan_items(d0, read0)
        if n_obs is not None:
            flags = []
            for r in range(args.reps):
                rows = rng.integers(0, PILOT_ITEMS, size=n_obs)
                v, _, _ = verdicts(experts[rows], candidate[rows], args.resamples, 20_000 + r)
                flags.append(conclusive(v[j]))
            promised_one = float(plan_power(d0, read0, n_obs))
            print(
                f"  resampling the median pilot (1–5, Δ̂ {d0:+.3f}, SE {read0[0]:.4f}) to "
                f"n = {n_obs}: conclusive {share(flags)}; analytic {100 * promised_one:.1f}%"
            )
    if args.gate_reps:
        gate_check(rng, args.gate_reps, args.resamples)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
