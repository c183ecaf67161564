"""Benchmark: juries of judges with set error correlations, against a known truth (`scorers.jury`).

Simulation models (50 items, one sub-component on a 1–5 scale, three experts, the panel's
median consensus):

* **kind** (the project's model, `../shared/docs/verdict-notes.md`): a latent level per item,
  standard normal; an expert adds independent normal noise (sd 0.8); judge i adds
  σᵢ(√ρ·c + √(1 − ρ)·zᵢ), c shared by the judges of an item, so the judges' *latent* errors have
  correlation ρ; every rating is cut to 1–5 (the latent interval [−2, 2] in five equal bins).
* **unkind** (after the outside check in verdict-notes): a right-skewed latent level
  (standardised log-normal), item difficulty that scales every rater's noise (log-normal, sd
  0.4), each expert with a leniency of its own (−0.15, 0, +0.15) and judge 1 lenient (+0.25).

Truth: every estimand is the population value of the statistic the tool reports, computed on
200,000 fresh items of the same model with the same functions (weights of one): the error
correlation against the expert consensus (it includes the consensus's own noise, shared by the
judges, so it exceeds the latent ρ), its mean ρ̄ over the pairs, n_eff = n / (1 + (n − 1) ρ̄),
and the gain κ(jury) − max κ(member), κ being the verdict's like-for-like κ.

Each replication draws 50 items, runs `jury_worth(..., swap=False)` with fresh resample counts,
and records: ρ̄ and n_eff with their 95% intervals; the gain over the best member, plain
(the tool's `gain_over_best`: min_m (κ̂(jury) − κ̂(member m)) on all the items) and cross-fitted
(`gain_cross_fitted`: best chosen on 4/5 of the items, measured on the other 1/5), with the
simultaneous interval the tool reports and, for comparison, the percentile and basic
intervals of min_m d*_m (the best member re-chosen in each resample). It prints, per
scenario: truth, mean estimate with its Monte Carlo standard error (sd/√reps), and interval
coverage with √(p(1 − p)/reps).

Run: `python benchmarks/bench_jury.py [--reps 600] [--resamples 1000] [--seed 0]`.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import math
import time
from dataclasses import dataclass

import numpy as np

from empathy_judge.scorers.arrays import FloatArray
from empathy_judge.scorers.bootstrap import resample_counts
from empathy_judge.scorers.jury import (
    SelectionInterval,
    effective_judges,
    error_correlation_statistic,
    gain_over_best,
    jury_worth,
    loo_kappa_statistic,
)
from empathy_judge.scorers.jury_rules import JuryRule, combine
from empathy_judge.scorers.panel import Panel, Scale

EXPERT_SD = 0.8
CUTS = -2.0 + 0.8 * np.arange(1, 5)
POPULATION = 200_000


@dataclass(frozen=True)
class Scenario:
    """One data model: the judges' noise, their latent error correlation, the rule."""

    name: str
    judge_sd: tuple[float, ...]
    rho: float
    unkind: bool = False
    rule: JuryRule = "mean"


SCENARIOS = (
    Scenario("3 equal judges, rho 0.3", (0.7, 0.7, 0.7), 0.3),
    Scenario("3 equal judges, rho 0.7", (0.7, 0.7, 0.7), 0.7),
    Scenario("3 unequal judges (0.5/0.7/0.9), rho 0.3", (0.5, 0.7, 0.9), 0.3),
    Scenario("2 equal judges, rho 0", (0.7, 0.7), 0.0),
    Scenario("3 equal judges, rho 0.3, median rule", (0.7, 0.7, 0.7), 0.3, rule="median"),
    Scenario("unkind: 3 judges (0.6/0.7/0.8), rho 0.4", (0.6, 0.7, 0.8), 0.4, unkind=True),
)


def _cut(x: FloatArray) -> FloatArray:
    return 1.0 + np.searchsorted(CUTS, x).astype(np.float64)


def simulate(
    scenario: Scenario, n: int, rng: np.random.Generator
) -> tuple[Panel, dict[str, FloatArray]]:
    """A panel of three experts and the judges' ratings of n items (one sub-component)."""
    if scenario.unkind:
        raw = np.exp(0.8 * rng.standard_normal(n))
        mean, sd = math.exp(0.32), math.sqrt((math.exp(0.64) - 1) * math.exp(0.64))
        latent = (raw - mean) / sd
        difficulty = np.exp(0.4 * rng.standard_normal(n) - 0.08)
        expert_shift = (-0.15, 0.0, 0.15)
        judge_shift = [0.25] + [0.0] * (len(scenario.judge_sd) - 1)
    else:
        latent = rng.standard_normal(n)
        difficulty = np.ones(n)
        expert_shift = (0.0, 0.0, 0.0)
        judge_shift = [0.0] * len(scenario.judge_sd)
    experts = np.stack(
        [
            _cut(latent + shift + difficulty * EXPERT_SD * rng.standard_normal(n))
            for shift in expert_shift
        ],
        axis=1,
    )[:, None, :]
    common = rng.standard_normal(n)
    judges = {}
    for i, sd in enumerate(scenario.judge_sd):
        noise = math.sqrt(scenario.rho) * common + math.sqrt(
            1 - scenario.rho
        ) * rng.standard_normal(n)
        judges[f"judge{i + 1}"] = _cut(latent + judge_shift[i] + difficulty * sd * noise)[:, None]
    panel = Panel(
        "sim",
        tuple(str(i) for i in range(n)),
        ("s",),
        ("expert1", "expert2", "expert3"),
        experts,
        (Scale(1, 5),),
    )
    return panel, judges


def truth(scenario: Scenario, rng: np.random.Generator) -> dict[str, float]:
    """Population ρ̄, n_eff and gain on `POPULATION` items, with the tool's own statistics."""
    panel, judges = simulate(scenario, POPULATION, rng)
    x = np.stack(list(judges.values()))
    consensus = panel.consensus()
    jury = combine(x, scenario.rule, reference=consensus)
    ones = np.ones((1, POPULATION))
    common = np.ones((POPULATION, 1), dtype=bool)
    kappa = loo_kappa_statistic(panel, [jury, *list(x)], common)(ones)[0, :, 0]
    _, correlation = error_correlation_statistic(x - consensus[None])
    rho = float(np.mean(correlation(ones)))
    return {
        "rho": rho,
        "effective": float(effective_judges(rho, x.shape[0])),
        "gain": float(kappa[0] - kappa[1:].max()),
        "jury_kappa": float(kappa[0]),
        "best_kappa": float(kappa[1:].max()),
    }


def _mean_se(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=np.float64)
    array = array[~np.isnan(array)]
    return float(array.mean()), float(array.std(ddof=1) / math.sqrt(array.size))


def _rate(hits: list[bool]) -> tuple[float, float]:
    p = float(np.mean(hits))
    return p, math.sqrt(p * (1 - p) / len(hits))


METHODS: tuple[SelectionInterval, ...] = ("simultaneous", "percentile", "basic")


def run(scenario: Scenario, reps: int, resamples: int, seed: int) -> None:
    """Simulate one scenario and print its figures."""
    rng = np.random.default_rng(seed)
    true = truth(scenario, rng)
    records: dict[str, list[float]] = {k: [] for k in ("rho", "eff", "gain", "plain")}
    hits: dict[str, list[bool]] = {k: [] for k in ("rho", "eff", *METHODS)}
    started = time.perf_counter()
    for rep in range(reps):
        panel, judges = simulate(scenario, 50, rng)
        counts = resample_counts(50, resamples, seed * 100_003 + rep)
        worth = jury_worth(panel, judges, scenario.rule, counts=counts, swap=False)
        sub = worth.sub_components[0]
        records["rho"].append(sub.mean_correlation.value)
        records["eff"].append(sub.effective.value)
        records["gain"].append(sub.gain_over_best.value)
        records["plain"].append(sub.gain_cross_fitted)
        hits["rho"].append(sub.mean_correlation.low <= true["rho"] <= sub.mean_correlation.high)
        hits["eff"].append(sub.effective.low <= true["effective"] <= sub.effective.high)
        # The same κ differences, resampled alike, under each interval method.
        x = np.stack(list(judges.values()))
        jury = worth.ratings
        kappa = loo_kappa_statistic(panel, [jury, *list(x)], np.ones((50, 1), dtype=bool))
        point = kappa(np.ones((1, 50)))[0, :, 0]
        resampled = kappa(counts)[:, :, 0]
        differences = (point[0] - point[1:])[:, None]
        replicated = (resampled[:, :1] - resampled[:, 1:])[:, :, None]
        for method in METHODS:
            _, low, high = gain_over_best(differences, replicated, 0.95, method)
            hits[method].append(bool(low[0] <= true["gain"] <= high[0]))
    seconds = time.perf_counter() - started
    print(f"\n## {scenario.name} ({scenario.rule}; {reps} reps, {seconds:.0f} s)")
    print(f"population: κ(jury) {true['jury_kappa']:.3f}, κ(best member) {true['best_kappa']:.3f}")
    print("| figure | truth | mean estimate ± MC se | 95% interval covers ± MC se |")
    print("|---|---|---|---|")
    rows = [
        ("mean error correlation ρ̄", true["rho"], records["rho"], hits["rho"]),
        ("effective judges n_eff", true["effective"], records["eff"], hits["eff"]),
        (
            "gain over best, min_m d_m (reported; simultaneous interval)",
            true["gain"],
            records["gain"],
            hits["simultaneous"],
        ),
    ]
    for label, value, estimates, covered in rows:
        mean, se = _mean_se(estimates)
        p, p_se = _rate(covered)
        print(
            f"| {label} | {value:.3f} | {mean:.3f} ± {se:.3f} | {100 * p:.1f}% ± {100 * p_se:.1f} |"
        )
    mean, se = _mean_se(records["plain"])
    figure = f"{mean:.3f} ± {se:.3f}"
    print(f"| gain over best, cross-fitted (gain_cross_fitted) | {true['gain']:.3f} | {figure} | |")
    for method in ("percentile", "basic"):
        p, p_se = _rate(hits[method])
        covers = f"{100 * p:.1f}% ± {100 * p_se:.1f}"
        print(f"| gain, {method} interval of min_m d*_m (not used) | | | {covers} |")


def main() -> None:
    """Run every scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=600)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", type=int, default=None, help="Run one scenario (its index).")
    args = parser.parse_args()
    chosen = SCENARIOS if args.only is None else (SCENARIOS[args.only],)
    for k, scenario in enumerate(chosen):
        run(scenario, args.reps, args.resamples, args.seed + k)


if __name__ == "__main__":
    main()
