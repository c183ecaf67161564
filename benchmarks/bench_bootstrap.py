"""Benchmark: 2,000-resample bootstrap CIs of κw, vectorised vs a per-resample Python loop.

Series: for each of the 21 sub-components, the five comparisons the study reports against a
reference — expert1–expert2, expert2–expert3, expert3–expert1, Experts–Gemini, Experts–Crowd —
105 κw in all, on the authors' release (found as `load_ratings` finds it; pass a folder as the
first argument to override). Run: `.venv/bin/python benchmarks/bench_bootstrap.py [DATA_DIR]`.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from empathy_judge.datasets.release import load_ratings
from empathy_judge.scorers.bootstrap import bootstrap, kappa_statistic, resample_counts
from empathy_judge.scorers.kappa import weighted_kappa
from empathy_judge.scorers.panel import CONSENSUS, panel_from_table

RESAMPLES = 2000
SEED = 0
EXPERT_PAIRS = (("expert1", "expert2"), ("expert2", "expert3"), ("expert3", "expert1"))
PAIRS = (*EXPERT_PAIRS, (CONSENSUS, "gemini-2.5-pro"), (CONSENSUS, "crowd"))


def _series(data_dir: str | None) -> list[tuple[np.ndarray, np.ndarray]]:
    ratings = load_ratings(data_dir)
    blocks = []
    for framework in sorted(ratings["framework"].unique()):
        data = panel_from_table(ratings, str(framework), annotators=["gemini-2.5-pro", "crowd"])
        subs = range(len(data.panel.sub_components))
        xs = [data.ratings_of(a)[:, j] for j in subs for a, _ in PAIRS]
        ys = [data.ratings_of(b)[:, j] for j in subs for _, b in PAIRS]
        blocks.append((np.column_stack(xs), np.column_stack(ys)))
    return blocks


def vectorised(blocks: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    return [
        np.vstack([r.low, r.high])
        for r in (
            bootstrap(kappa_statistic(x, y), x.shape[0], n_resamples=RESAMPLES, seed=SEED)
            for x, y in blocks
        )
    ]


def loop(blocks: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    out = []
    for x, y in blocks:
        # Same resamples as the vectorised path, expanded back into index lists.
        counts = resample_counts(x.shape[0], RESAMPLES, SEED).astype(np.int64)
        replicates = np.empty((RESAMPLES, x.shape[1]))
        for b in range(RESAMPLES):
            index = np.repeat(np.arange(x.shape[0]), counts[b])
            for s in range(x.shape[1]):
                replicates[b, s] = weighted_kappa(x[index, s], y[index, s])
        out.append(np.nanquantile(replicates, [0.025, 0.975], axis=0))
    return out


def main() -> None:
    blocks = _series(sys.argv[1] if len(sys.argv) > 1 else None)
    n_series = sum(x.shape[1] for x, _ in blocks)
    vectorised(blocks)  # warm-up (imports, caches)
    start = time.perf_counter()
    fast = vectorised(blocks)
    fast_s = time.perf_counter() - start
    start = time.perf_counter()
    slow = loop(blocks)
    slow_s = time.perf_counter() - start
    agree = all(np.allclose(f, s, equal_nan=True) for f, s in zip(fast, slow, strict=True))
    print(f"{n_series} κw series × {RESAMPLES} resamples, percentile 95% CIs")
    print(f"vectorised: {fast_s:.3f} s")
    print(f"per-resample loop: {slow_s:.3f} s")
    print(f"ratio: {slow_s / fast_s:.0f}×   (same intervals: {agree})")


if __name__ == "__main__":
    main()
