"""Speed of `empathy-judge report`: 10 models × 4 frameworks, 2,000-resample intervals.

Goal: under 10 s on the project's 2-core machine.

Mode ``memory`` (default) synthesises the runs in memory from the release: model 0 carries
Gemini 2.5 Pro's published ratings and models 1–9 the same ratings permuted across items (the
replay provider's ``shuffle_seed``), on all four frameworks (Perceived Empathy included, since
no text is needed in memory). It times the whole report after the logs are read: leaderboard
with every interval, charts, Markdown/CSV/JSON, HTML.

Mode ``logs`` also writes real Inspect logs with the replay provider (10 "models" via
``shuffle_seed`` × the 3 frameworks with public texts) and times reading them as well.

Usage::

    EMPATHY_JUDGE_DATA=../shared/data/replication python benchmarks/bench_report.py [--mode logs]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from empathy_judge.datasets.release import load_ratings
from empathy_judge.datasets.rubric import FRAMEWORK_IDS
from empathy_judge.reports.logs import Run, RunSet, SampleRecord, load_runs
from empathy_judge.reports.report_files import write_report
from empathy_judge.scorers.common import EXPERTS
from empathy_judge.scorers.panel import expert_median

N_MODELS = 10
REFERENCE = (*EXPERTS, "crowd")


def synthetic_runs(ratings: pd.DataFrame, n_models: int = N_MODELS) -> RunSet:
    """Runs of `n_models` models on every framework, built from Gemini's published ratings."""
    consensus = expert_median(ratings).set_index(["framework", "item_id", "sub_component"])
    runs: list[Run] = []
    for framework in FRAMEWORK_IDS:
        rows = ratings[ratings["framework"] == framework]
        wide = rows[rows["annotator"].isin([*REFERENCE, "gemini-2.5-pro"])].pivot_table(
            index=["item_id", "sub_component"], columns="annotator", values="rating"
        )
        items = sorted(rows["item_id"].unique())
        subs = list(dict.fromkeys(rows["sub_component"]))
        gemini = wide["gemini-2.5-pro"].unstack("sub_component").reindex(index=items, columns=subs)
        references = {
            item: {
                sub: {
                    **{a: float(wide.loc[(item, sub)].get(a, math.nan)) for a in REFERENCE},
                    "expert_median": float(consensus.loc[(framework, item, sub), "rating"]),
                }
                for sub in subs
            }
            for item in items
        }
        for model in range(n_models):
            values = gemini.to_numpy()
            if model:
                values = values[np.random.default_rng(model).permutation(len(items))]
            samples = tuple(
                SampleRecord(
                    item_id=item,
                    ratings={sub: float(values[i, j]) for j, sub in enumerate(subs)},
                    reference=references[item],
                    answer="{}",
                    explanation="synthetic",
                    parse_status="ok",
                    transcript="Seeker: (synthetic)\nSupporter: (synthetic)",
                )
                for i, item in enumerate(items)
            )
            runs.append(
                Run(
                    model=f"synthetic/model-{model}",
                    model_name=f"synthetic/model-{model}",
                    framework=framework,
                    location=f"memory://{model}/{framework}",
                    created="2026-01-01T00:00:00",
                    sub_components=tuple(subs),
                    samples=samples,
                )
            )
    return RunSet(runs=tuple(runs))


def write_replay_logs(log_dir: Path, n_models: int = N_MODELS) -> None:
    """Replay logs: Gemini and n_models − 1 shuffled variants × the frameworks with texts."""
    from inspect_ai import eval as inspect_eval

    from empathy_judge.evals.tasks import TASKS

    for model in range(n_models):
        tasks = [TASKS[f]() for f in FRAMEWORK_IDS if f != "perceived_empathy"]
        logs = inspect_eval(
            tasks,
            model="replay/gemini-2.5-pro",
            model_args={"shuffle_seed": model} if model else {},
            log_dir=str(log_dir),
            display="none",
        )
        assert all(log.status == "success" for log in logs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["memory", "logs"], default="memory")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ratings = load_ratings()
    with tempfile.TemporaryDirectory() as tmp:
        if args.mode == "logs":
            log_dir = Path(tmp) / "logs"
            started = time.perf_counter()
            write_replay_logs(log_dir)
            print(f"wrote replay logs in {time.perf_counter() - started:.1f} s (not timed below)")
        timings = []
        for attempt in range(args.repeat):
            started = time.perf_counter()
            runs = load_runs([log_dir]) if args.mode == "logs" else synthetic_runs(ratings)
            read = time.perf_counter() - started
            files = write_report(
                runs, Path(tmp) / f"out{attempt}", ratings, n_resamples=args.resamples
            )
            total = time.perf_counter() - started
            timings.append((read, total))
        board = files.leaderboard
        print(
            f"mode={args.mode}: {len(board.models)} models × {len(runs.frameworks)} frameworks "
            f"({len(runs.runs)} runs), {args.resamples} resamples, "
            f"{len(board.references)} reference rows"
        )
        for read, total in timings:
            print(f"  building/reading runs {read:.2f} s · whole report {total:.2f} s")
        best = min(t for _, t in timings)
        print(f"best whole report: {best:.2f} s (goal < 10 s)")


if __name__ == "__main__":
    main()
