"""Speed and peak memory of `empathy-judge data validate` on a large long-schema ratings CSV.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_validate.py [--rows 1000000] [--repeats 3]
        [--bad-fraction 0.01] [--keep DIR]

A synthetic ratings file in the long schema (``item_id, sub_component, annotator, group,
rating``) for the EmpatheticDialogues rubric is written to a temporary folder: three
sub-components (empathy, relevance, fluency; scale 1-5), three annotators, so one item per nine
rows; ratings are integers 1-5 with 2% blank cells. A second copy has ``--bad-fraction`` of its
rating cells replaced by "x", so validation has that many problems to list.

Each measurement runs in a fresh child process, so that its peak memory is its own, and the
best wall time of ``--repeats`` runs is reported (timed inside the child around the job only;
imports excluded):

- ``pandas.read_csv``: the baseline, ``pandas.read_csv(path)`` with default options;
- ``data validate``: what the command does — :func:`looks_like_conversations`, then
  :func:`ratings_problems`;
- ``load_user_ratings``: validation plus the long ratings table;
- ``data validate (bad)``: the command on the copy with problems, listing every one.

Peak memory is the child's peak resident set size, the interpreter and imports included: ``VmHWM``
from ``/proc/self/status`` on Linux (``resource.getrusage(RUSAGE_SELF).ru_maxrss`` elsewhere,
which on Linux would also count the parent's memory at fork time); the peak after the imports is
shown next to it. Times are
also given as a ratio against the baseline measured in the same run. The goal (issue 10) is
``data validate`` on 10^6 rows in at most 10 s and 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FRAMEWORK = "empatheticdialogues"
SUB_COMPONENTS = ("empathy", "relevance", "fluency")
ANNOTATORS = ("alice", "bob", "carol")
BLANK_FRACTION = 0.02
GOAL_SECONDS = 10.0
GOAL_MB = 1000.0
MODES = ("read_csv", "validate", "load", "validate_bad")
LABELS = {
    "read_csv": "pandas.read_csv (baseline)",
    "validate": "data validate",
    "load": "load_user_ratings",
    "validate_bad": "data validate (bad)",
}


def write_long_csv(path: Path, rows: int, bad_fraction: float = 0.0, seed: int = 0) -> list[int]:
    """Write a synthetic long-schema ratings CSV.

    Args:
        path: Where to write.
        rows: Number of data rows.
        bad_fraction: Fraction of rating cells written as "x" (not a number).
        seed: Random seed.

    Returns:
        The lines whose rating is "x" (1-based, the header is line 1), in order.
    """
    rng = np.random.default_rng(seed)
    index = np.arange(rows)
    ratings = rng.integers(1, 6, size=rows).astype(str).astype(object)
    ratings[rng.random(rows) < BLANK_FRACTION] = ""
    bad = np.flatnonzero(rng.random(rows) < bad_fraction)
    ratings[bad] = "x"
    frame = pd.DataFrame(
        {
            "item_id": np.char.add("conv-", (index // 9).astype(str)),
            "sub_component": np.array(SUB_COMPONENTS)[index % 3],
            "annotator": np.array(ANNOTATORS)[(index // 3) % 3],
            "group": "expert",
            "rating": ratings,
        }
    )
    frame.to_csv(path, index=False)
    return (bad + 2).tolist()


def _peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    # VmHWM belongs to the process image, so it starts afresh at exec; ru_maxrss would also
    # count the parent's memory at fork time (Linux keeps it across exec).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e3  # kB
    except OSError:
        pass
    scale = 1e6 if sys.platform == "darwin" else 1e3  # bytes on macOS, kB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def _child(mode: str, path: str) -> None:
    """Run one measurement and print its figures as JSON (the child process's job)."""
    from empathy_judge.datasets.user_data import (
        load_user_ratings,
        looks_like_conversations,
        ratings_problems,
    )

    after_imports = _peak_rss_mb()
    start = time.perf_counter()
    problems = 0
    if mode == "read_csv":
        pd.read_csv(path)
    elif mode in ("validate", "validate_bad"):
        assert not looks_like_conversations(path)
        problems = len(ratings_problems(path, FRAMEWORK))
    elif mode == "load":
        load_user_ratings(path, FRAMEWORK)
    else:
        raise ValueError(mode)
    seconds = time.perf_counter() - start
    figures = {"seconds": seconds, "peak_mb": _peak_rss_mb(), "imports_mb": after_imports}
    print(json.dumps(figures | {"problems": problems}))


def measure(mode: str, path: Path) -> dict[str, Any]:
    """One measurement in a fresh child process."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def run(rows: int, repeats: int, bad_fraction: float, folder: Path) -> dict[str, dict[str, Any]]:
    """Write the files and measure every mode; returns the best figures per mode."""
    good = folder / "ratings_long.csv"
    bad = folder / "ratings_long_bad.csv"
    write_long_csv(good, rows)
    expected_bad = len(write_long_csv(bad, rows, bad_fraction))
    print(
        f"rows: {rows:,} ({good.stat().st_size / 1e6:.1f} MB); bad copy: {expected_bad:,}"
        f" invalid ratings; repeats: {repeats}; cores: {os.cpu_count()};"
        f" load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    best: dict[str, dict[str, Any]] = {}
    for _ in range(repeats):
        for mode in MODES:  # interleaved, so that a burst of load hits every mode alike
            figures = measure(mode, bad if mode == "validate_bad" else good)
            if mode == "validate_bad" and figures["problems"] != expected_bad:
                raise RuntimeError(f"{figures['problems']} problems, expected {expected_bad}")
            if mode == "validate" and figures["problems"]:
                raise RuntimeError(f"the clean file has {figures['problems']} problems")
            kept = best.get(mode)
            if kept is None:
                best[mode] = figures
            else:
                kept["peak_mb"] = max(kept["peak_mb"], figures["peak_mb"])
                kept["seconds"] = min(kept["seconds"], figures["seconds"])
    return best


def report(best: dict[str, dict[str, Any]]) -> str:
    """The figures as a table, with the ratio to the baseline and the goal."""
    baseline = best["read_csv"]["seconds"]
    lines = [
        f"{'measure':<28} {'best s':>8} {'x read_csv':>11} {'peak MB':>8} {'after imports MB':>17}"
    ]
    for mode in MODES:
        figures = best[mode]
        lines.append(
            f"{LABELS[mode]:<28} {figures['seconds']:>8.2f} {figures['seconds'] / baseline:>11.2f}"
            f" {figures['peak_mb']:>8.0f} {figures['imports_mb']:>17.0f}"
        )
    validate = best["validate"]
    met = validate["seconds"] <= GOAL_SECONDS and validate["peak_mb"] <= GOAL_MB
    lines.append(
        f"goal for data validate (<= {GOAL_SECONDS:.0f} s, <= {GOAL_MB:.0f} MB at 10^6 rows):"
        f" {'met' if met else 'NOT met'} at this size"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse the options, run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bad-fraction", type=float, default=0.01)
    parser.add_argument("--keep", type=Path, default=None, help="write the files here instead")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        best = run(args.rows, args.repeats, args.bad_fraction, args.keep)
    else:
        with tempfile.TemporaryDirectory() as folder:
            best = run(args.rows, args.repeats, args.bad_fraction, Path(folder))
    print(report(best))


if __name__ == "__main__":
    main()
