"""Benchmark: coverage and width of `estimate`'s PPI++ interval, by simulation with a known truth.

Data model (the verdicts' model of `bench_verdicts.py`, one sub-component at a time): each item
has a latent level; a rater adds normal noise and cuts the sum to the scale's points (the latent
interval [−2, 2] split into k equal bins). Three experts (noise sd 0.8) give the consensus, their
median; the estimand θ is the population mean of that consensus, measured on 1,000,000 items.
Judges:

* ``good``: noise sd 0.7 and lenient (+0.5 latent units before the cut): correlates with the
  experts, biased;
* ``compressed``: noise sd 1.0, latent halved (uses the middle of the scale), +0.3: weaker and
  biased differently;
* ``unrelated``: rates from its own latent level, independent of the item's: carries no
  information (power tuning should then put λ̂ ≈ 0 and match the experts-only interval).

and an unkind latent distribution (``skewed``: a centred, standardised log-normal, so the scale's
low end is crowded, as the release's 0–2 items are) beside the normal one.

Per replication: 50 labelled + 500 unlabelled items (``--labelled``, ``--unlabelled``), the
PPI++ interval (`scorers.prediction_powered.ppi_mean`, 95%) and the experts-only one on the
labelled items. Printed per scenario, each with its Monte Carlo standard error: the coverage of
θ by both intervals, the mean width ratio PPI++ / experts-only, the share of replications where
PPI++ is wider, and the mean λ̂. The oracles: coverage 93–97%; ratio < 1 whenever the judge
correlates; ratio − 1 within Monte Carlo error of 0 when it does not.

Run: `python benchmarks/bench_estimate.py [--reps 4000] [--labelled 50] [--unlabelled 500]`
(vectorised over replications: about 20 s on the 2 shared cores).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from empathy_judge.scorers.arrays import FloatArray
from empathy_judge.scorers.prediction_powered import ppi_mean

SPAN = 2.0
EXPERT_SD = 0.8
TRUTH_ITEMS = 1_000_000

Latent = Callable[[np.random.Generator, tuple[int, ...]], FloatArray]


def normal_latent(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
    """Standard normal levels."""
    return rng.standard_normal(shape)


def skewed_latent(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
    """A log-normal(0, 0.8), centred and scaled to unit variance: right-skewed levels."""
    sigma = 0.8
    raw = rng.lognormal(0.0, sigma, shape)
    mean = math.exp(sigma**2 / 2)
    sd = math.sqrt((math.exp(sigma**2) - 1) * math.exp(sigma**2))
    return (raw - mean) / sd - 0.6


def cut(values: FloatArray, points: int) -> FloatArray:
    """Latent values cut to a 1..points scale (equal bins over [−SPAN, SPAN])."""
    edges = np.linspace(-SPAN, SPAN, points + 1)[1:-1]
    return 1.0 + np.searchsorted(edges, values, side="right").astype(np.float64)


def consensus(latent: FloatArray, points: int, rng: np.random.Generator) -> FloatArray:
    """Median of three experts."""
    experts = [cut(latent + EXPERT_SD * rng.standard_normal(latent.shape), points) for _ in "abc"]
    return np.median(np.stack(experts), axis=0)


def judge(
    kind: str, latent: FloatArray, points: int, rng: np.random.Generator, make: Latent
) -> FloatArray:
    """A judge's ratings of the items (see the module doc)."""
    noise = rng.standard_normal(latent.shape)
    if kind == "good":
        return cut(latent + 0.5 + 0.7 * noise, points)
    if kind == "compressed":
        return cut(0.5 * latent + 0.3 + 1.0 * noise, points)
    if kind == "unrelated":
        return cut(make(rng, latent.shape) + 0.7 * noise, points)
    raise ValueError(kind)


def with_se(p: float, n: int) -> str:
    """A rate in percent with its Monte Carlo standard error."""
    return f"{100 * p:5.1f}% ± {100 * math.sqrt(p * (1 - p) / n):.1f}"


def mean_se(values: FloatArray) -> str:
    """A mean with its Monte Carlo standard error."""
    return f"{values.mean():.3f} ± {values.std(ddof=1) / math.sqrt(values.size):.3f}"


def main() -> None:
    """Run every scenario and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=4000)
    parser.add_argument("--labelled", type=int, default=50)
    parser.add_argument("--unlabelled", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n, big_n, reps = args.labelled, args.unlabelled, args.reps
    print(
        f"PPI++ mean of the expert consensus: {n} labelled + {big_n} unlabelled items, "
        f"{reps} replications, 95% intervals"
    )
    header = (
        f"{'latent':<7} {'scale':<5} {'judge':<11} {'θ':>6} {'coverage PPI++':>15} "
        f"{'coverage experts':>17} {'width PPI++/experts':>20} {'PPI++ wider':>13} {'λ̂':>13}"
    )
    print(header)
    start = time.perf_counter()
    latents: dict[str, Latent] = {"normal": normal_latent, "skewed": skewed_latent}
    for name, make in latents.items():
        for points in (3, 5, 7):
            truth_latent = make(rng, (TRUTH_ITEMS,))
            theta = float(consensus(truth_latent, points, rng).mean())
            for kind in ("good", "compressed", "unrelated"):
                latent = make(rng, (reps, n + big_n))
                y = consensus(latent[:, :n], points, rng)
                f = judge(kind, latent, points, rng, make)
                result = ppi_mean(y, f[:, :n], f[:, n:])
                ppi, classic = result.ppi, result.experts_only
                covered = float(np.mean((ppi.lower <= theta) & (theta <= ppi.upper)))
                covered_c = float(np.mean((classic.lower <= theta) & (theta <= classic.upper)))
                ratio = (ppi.upper - ppi.lower) / (classic.upper - classic.lower)
                wider = float(np.mean(ratio > 1.0))
                print(
                    f"{name:<7} {f'1–{points}':<5} {kind:<11} {theta:6.3f} "
                    f"{with_se(covered, reps):>15} {with_se(covered_c, reps):>17} "
                    f"{mean_se(ratio):>20} {with_se(wider, reps):>13} {mean_se(result.lam):>13}"
                )
    print(f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
