"""Benchmark: the like-for-like interval with its own shape or one pooled over the framework.

The verdict's interval (`scorers.jackknife_interval.jackknife_t_interval`) bends a jackknife-t
interval by the skewness and kurtosis of Δ's pseudo-values. This script measures, with many more
replications than `bench_verdicts.py` can afford through `assess`, the two ways of estimating
that shape: each sub-component's **own** (50 values; each bound then never narrower than the
plain jackknife-t one) and the shape **pooled** over a framework's sub-components and their mean
(what `assess` does). Same data models as `bench_verdicts.py` (imported from it), the
candidate's noise calibrated there to Δ = 0 or −0.10.

A simulated framework has `--subs` sub-components on one scale; Δ's pseudo-values are computed
for all replications at once from the κ moment sums (numpy), and the first replications are
checked against `assess`'s own pseudo-values (printed). Printed per model, candidate, scale and
design: the share of sub-components called ``above`` (equal candidate) or ``at``/``above``
(at the margin), the goal of both ≤ 3%, and the coverage of the true Δ (goal 93–97%), for the
own and the pooled shape; then the same for the framework's mean Δ; then (``mixed``) one
framework of one sub-component per scale, the shape pooled over unlike pseudo-values.

Run: `nice -n 10 python -P benchmarks/bench_interval_shape.py [--reps 20000] [--models
project,harder]` (about 3 minutes per model on the shared cores). A rate's Monte Carlo
standard error is about 0.12 points near 3% at 20,000 replications (sub-components of a
replication are correlated, so per scale the rates rest on somewhat fewer independent draws).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import sys
import time
from pathlib import Path

import numpy as np

# bench_verdicts.py's data models; the repository root is appended so that it is importable
# however this script is run and never shadows an installed package.
sys.path.append(str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_verdicts import (
    CALIBRATION_ITEMS,
    EXPERT_SD,
    SCALES,
    HarderModel,
    Model,
    ProjectModel,
    calibrate,
    make_panel,
    population_difference,
    scale_label,
)
from empathy_judge.scorers.agreement import assess
from empathy_judge.scorers.arrays import FloatArray
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.jackknife_interval import pseudo_value_interval
from empathy_judge.scorers.kappa import kappa_from_moment_arrays
from empathy_judge.scorers.verdicts import MARGIN

#: Replications drawn at once (bounds the memory).
CHUNK = 1000


def _moments(x: FloatArray, y: FloatArray) -> list[FloatArray]:
    """Per item, its share of the κ moment sums: 1, (x − y)², x, y, x², y²."""
    return [np.ones_like(x), (x - y) ** 2, x, y, x * x, y * y]


def pseudo_values(ratings: FloatArray, n_experts: int) -> tuple[FloatArray, FloatArray]:
    """Δ̂ and its jackknife pseudo-values for reps × items × subs × raters ratings.

    Returns:
        (Δ̂: reps × subs, pseudo-values: reps × items × subs).
    """
    n = ratings.shape[1]
    theta = np.zeros((ratings.shape[0], ratings.shape[2]))
    loo = np.zeros(ratings.shape[:3])
    for k in range(n_experts):
        reference = np.delete(ratings[..., :n_experts], k, axis=-1).mean(axis=-1)
        for sign, rater in ((1.0, ratings[..., n_experts]), (-1.0, ratings[..., k])):
            parts = _moments(rater, reference)
            totals = [p.sum(axis=1) for p in parts]
            theta += sign * kappa_from_moment_arrays(*totals) / n_experts
            left_out = [t[:, None, :] - p for t, p in zip(totals, parts, strict=True)]
            loo += sign * kappa_from_moment_arrays(*left_out) / n_experts
    return theta, n * theta[:, None, :] - (n - 1) * loo


def simulate(
    model: Model,
    sd: FloatArray,
    scale_of: list[int],
    reps: int,
    *,
    n_items: int,
    n_experts: int,
    seed: int,
) -> tuple[FloatArray, FloatArray, float]:
    """Δ̂, pseudo-values and the largest gap to `assess`'s on the first three replications."""
    rng = np.random.default_rng(seed)
    sds = [np.full(len(SCALES), EXPERT_SD)] * n_experts + [sd]
    thetas, pseudos = [], []
    gap = 0.0
    for start in range(0, reps, CHUNK):
        shape = (min(CHUNK, reps - start), n_items, len(scale_of))
        ratings = model.draw(rng, shape, scale_of, sds)
        theta, pseudo = pseudo_values(ratings, n_experts)
        if start == 0:
            for r in range(3):
                result = assess(
                    make_panel(ratings[r, ..., :n_experts], scale_of),
                    ratings[r, ..., n_experts],
                    "candidate",
                    settings=BootstrapSettings(n_resamples=20),
                    alt_epsilon=None,
                    swap=False,
                )
                for j, sub in enumerate(result.sub_components):
                    assert sub.like_for_like is not None
                    assert sub.like_for_like.pseudo_values is not None
                    gap = max(
                        gap, float(np.abs(sub.like_for_like.pseudo_values - pseudo[r, :, j]).max())
                    )
        thetas.append(theta)
        pseudos.append(pseudo)
    return np.concatenate(thetas), np.concatenate(pseudos), gap


def intervals(
    theta: FloatArray, pseudo: FloatArray, pooled: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Bounds of the sub-components and of their mean (reps × subs, reps), own or pooled shape."""
    reps, m, subs = pseudo.shape
    series = np.concatenate([theta, theta.mean(axis=1, keepdims=True)], axis=1)
    values = np.concatenate([pseudo, pseudo.mean(axis=2, keepdims=True)], axis=2)
    columns = np.moveaxis(values, 1, 0).reshape(m, reps * (subs + 1))
    groups = np.repeat(np.arange(reps), subs + 1) if pooled else None
    found = pseudo_value_interval(series.reshape(-1), columns, shape_groups=groups)
    low = found.low.reshape(reps, subs + 1)
    high = found.high.reshape(reps, subs + 1)
    return low[:, :subs], high[:, :subs], low[:, subs], high[:, subs]


def rates(low: FloatArray, high: FloatArray, truth: float, target: float) -> tuple[float, float]:
    """(the error the goal bounds, coverage of the truth), over every entry."""
    error = low > 0.0 if target == 0.0 else low >= -MARGIN
    return float(error.mean()), float(((low <= truth) & (truth <= high)).mean())


def describe(
    theta: FloatArray,
    pseudo: FloatArray,
    pooled: bool,
    truth: FloatArray,
    scale_of: list[int],
    target: float,
) -> str:
    """One cell: the error (per scale when they differ), coverage range, the mean Δ's rates."""
    low, high, mean_low, mean_high = intervals(theta, pseudo, pooled)
    per = [rates(low[:, j], high[:, j], float(truth[s]), target) for j, s in enumerate(scale_of)]
    if len(set(scale_of)) == 1:
        text = f"{100 * np.mean([e for e, _ in per]):4.1f}%"
    else:
        text = "/".join(f"{100 * e:.1f}" for e, _ in per) + "%"
    coverage = [c for _, c in per]
    mean_error, mean_cover = rates(mean_low, mean_high, float(np.mean(truth[scale_of])), target)
    return (
        f"{text} cov {100 * min(coverage):.1f}–{100 * max(coverage):.1f}% "
        f"(mean Δ {100 * mean_error:.1f}%, cov {100 * mean_cover:.1f}%)"
    )


def main() -> None:
    """Simulate each design and print own-shape and pooled-shape rates side by side."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=20_000)
    parser.add_argument("--subs", type=int, default=3, help="sub-components per framework")
    parser.add_argument("--models", default="project,harder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--designs", default="50x3,25x3,100x3,50x5", help="ITEMSxEXPERTS, comma-separated"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    designs = [
        (int(items), int(experts))
        for items, experts in (d.strip().split("x") for d in args.designs.split(","))
    ]
    for m, name in enumerate(args.models.split(",")):
        model: Model = HarderModel() if name.strip() == "harder" else ProjectModel()
        print(f"\n=== model: {model.name} ({args.reps:,} replications per design) ===")
        for target, label in ((0.0, "equal: 'above'"), (-MARGIN, "at −0.10: 'at'+'above'")):
            calibrated: dict[int, tuple[FloatArray, FloatArray]] = {}
            for n_items, n_experts in designs:
                if n_experts not in calibrated:
                    sd = calibrate(model, n_experts, target)
                    calibrated[n_experts] = (
                        sd,
                        population_difference(
                            model, n_experts, sd, seed=2, n_items=CALIBRATION_ITEMS
                        ),
                    )
                sd, truth = calibrated[n_experts]
                layouts = [
                    (f"{scale_label(SCALES[s])} ×{args.subs}", [s] * args.subs)
                    for s in range(len(SCALES))
                ]
                if (n_items, n_experts) == (50, 3):
                    layouts.append(("mixed 0–2/1–5/1–7", list(range(len(SCALES)))))
                for k, (title, scale_of) in enumerate(layouts):
                    seed = args.seed + 1000 * m + 97 * n_items + 7 * n_experts + k
                    theta, pseudo, gap = simulate(
                        model,
                        sd,
                        scale_of,
                        args.reps,
                        n_items=n_items,
                        n_experts=n_experts,
                        seed=seed,
                    )
                    cells = [
                        describe(theta, pseudo, pooled, truth, scale_of, target)
                        for pooled in (False, True)
                    ]
                    print(
                        f"  {label:<24}{n_items:>4} items {n_experts} experts {title:<18}"
                        f" own {cells[0]} | pooled {cells[1]}  [vs assess {gap:.1e}]"
                    )
    print(f"\nwall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
