"""Benchmark: what Inspect's end-of-run results table costs for our metric's rows.

At the end of every ``eval()`` Inspect renders a results panel with one row per metric key
(rich tables nested in the task panel; with ``display="none"`` too). Its cost grows faster than
linearly with the rows, and it is paid once per run, so it is a large part of the harness's
fixed cost per run (`bench_harness.py`'s one-sample runs).

For each framework with public text, one one-sample harness run and one bare run (as in
`bench_harness.py`) with ``replay/gemini-2.5-pro``; the results panel Inspect built for each is
captured and rendered again ``--repeats`` times into an off-screen console, and the median CPU
seconds are reported for:

* the bare task (one ``mean`` metric): the baseline of the same run;
* the harness as it is (its metric's rows today);
* the harness with the per-sub-component ``ceiling_<sub>`` and ``crowd_kappa_<sub>`` rows added
  back (how the run-level metric was before these model-independent figures moved into the
  log's metadata, `scorers.metrics.reference_figures`).

Run: ``python -P benchmarks/bench_results_table.py [--repeats 21] [--width 120]``; about 30 s.
It reads Inspect's display internals (``inspect_ai._display``), so it may need updating when
Inspect changes them.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import inspect_ai._display.rich.display as rich_display
from inspect_ai._display.core.results import tasks_results
from inspect_ai.log import EvalMetric
from inspect_ai.model import get_model
from rich.console import Console

from empathy_judge.evals.tasks import TASKS

# bench_harness.py's tasks and timing, importable however this script is run (as bench_plan.py
# does: appended, so that the repository's folders never shadow an installed package).
sys.path.append(str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_harness import (
    FRAMEWORKS,
    REPLAY_MODEL,
    bare_task,
    resolve_release,
    timed_eval,
)


def _render_seconds(tasks: list[Any], width: int) -> float:
    """CPU seconds of rendering a captured results panel once, off screen."""
    console = Console(file=io.StringIO(), width=width)
    started = time.process_time()
    console.print(tasks_results(tasks))
    return time.process_time() - started


def main(argv: Sequence[str] | None = None) -> int:
    """Print the results-table rendering cost per framework (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21, help="renderings per variant")
    parser.add_argument("--width", type=int, default=120, help="console width")
    parser.add_argument("--data-dir", default=None, help="the authors' release folder")
    args = parser.parse_args(argv)
    data_dir = resolve_release(args.data_dir)
    model = get_model(REPLAY_MODEL, data_dir=str(data_dir))
    captured: dict[str, list[Any]] = {}
    # Inspect's rich display renders the panel with its module-level `tasks_results`.
    original = rich_display.tasks_results  # type: ignore[attr-defined]

    def capture(tasks: Sequence[Any]) -> Any:
        captured["tasks"] = list(tasks)
        return original(tasks)

    rich_display.tasks_results = capture  # type: ignore[attr-defined]
    print(
        "| framework | bare: rows, s | harness: rows, s (× bare) | "
        "with ceiling/crowd rows: rows, s (× bare) |\n|---|---:|---:|---:|"
    )
    with tempfile.TemporaryDirectory() as log_dir:
        for framework in FRAMEWORKS:
            task = TASKS[framework](data_dir=str(data_dir))
            timed_eval(bare_task(task), model, log_dir, limit=1)
            bare = captured["tasks"]
            timed_eval(task, model, log_dir, limit=1)
            harness = captured["tasks"]
            score = harness[0].result.results.scores[0]
            rows = dict(score.metrics)
            extra = {
                f"{kind}_{sub}": EvalMetric(name=f"{kind}_{sub}", value=0.5)
                for sub in (task.metadata or {})["sub_components"]
                for kind in ("ceiling", "crowd_kappa")
            }
            times: dict[str, list[float]] = {"bare": [], "now": [], "before": []}
            for _ in range(args.repeats):  # interleaved, so drift in load hits all three
                times["bare"].append(_render_seconds(bare, args.width))
                times["now"].append(_render_seconds(harness, args.width))
                score.metrics = rows | extra
                times["before"].append(_render_seconds(harness, args.width))
                score.metrics = rows
            bare_s, now_s, before_s = (float(statistics.median(t)) for t in times.values())
            bare_rows = len(bare[0].result.results.scores[0].metrics)
            print(
                f"| {framework} | {bare_rows}, {bare_s:.3f} | {len(rows)}, {now_s:.3f} "
                f"({now_s / bare_s:.1f}×) | {len(rows) + len(extra)}, {before_s:.3f} "
                f"({before_s / bare_s:.1f}×) |"
            )
    rich_display.tasks_results = original  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
