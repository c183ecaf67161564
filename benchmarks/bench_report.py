"""Speed of `empathy-judge report`: 10 models × 4 frameworks, 2,000-resample intervals.

Mode ``memory`` (default) synthesises the runs in memory from the release: model 0 carries
Gemini 2.5 Pro's published ratings and models 1–9 the same ratings permuted across items (the
replay provider's ``shuffle_seed``), on all four frameworks (Perceived Empathy included, since
no text is needed in memory); every sample carries the experts' and the crowd's ratings as its
reference, as a log does. Mode ``logs`` writes real Inspect logs with the replay provider
(10 "models" via ``shuffle_seed`` × the 3 frameworks with public texts) and times reading
them as well.

Timed in the same run, best of ``--repeat``:

* **baseline** — the bare statistic a leaderboard cannot do without: one vectorised
  item-bootstrap interval of κ against the expert median for every sub-component of every run
  (`scorers.bootstrap.bootstrap` over `kappa_statistic`), on the same resample count;
* **engine** — `scorers.agreement.assess` for every run and the reference rows (crowd,
  experts), as the leaderboard calls it (leave-one-out, expert swap α, Alternative Annotator
  Test, paper's comparison, shared resamples);
* **whole report** — `write_report`: leaderboard, charts, Markdown/CSV/JSON, HTML (after the
  runs are built or read).

Best wall and CPU seconds are printed, each with its ratio to the baseline's, and the load
average (the project machine's 2 cores are shared). Usage::

    EMPATHY_JUDGE_DATA=../shared/data/replication python benchmarks/bench_report.py [--mode logs]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from empathy_judge.datasets.release import load_ratings
from empathy_judge.datasets.rubric import FRAMEWORK_IDS, load_framework
from empathy_judge.reports.leaderboard import build_leaderboard
from empathy_judge.reports.logs import (
    Run,
    RunSet,
    SampleRecord,
    contract_from_samples,
    load_runs,
)
from empathy_judge.reports.report_files import write_report
from empathy_judge.reports.verdict_plan import forget_plans
from empathy_judge.scorers.bootstrap import bootstrap, kappa_statistic, resample_counts
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.panel import default_spec, panel_from_table

N_MODELS = 10
LLM = "gemini-2.5-pro"


def synthetic_runs(ratings: pd.DataFrame, n_models: int = N_MODELS) -> RunSet:
    """Runs of `n_models` models on every framework, built from Gemini's published ratings."""
    runs: list[Run] = []
    for framework in FRAMEWORK_IDS:
        subs = [s.column for s in load_framework(framework).sub_components]
        data = panel_from_table(ratings, framework, sub_components=subs, annotators=["crowd", LLM])
        panel, crowd, gemini = data.panel, data.others.get("crowd"), data.others[LLM]
        references = []
        for i in range(len(panel.items)):
            per_sub: dict[str, dict[str, float]] = {}
            for j, sub in enumerate(subs):
                given = {r: float(panel.values[i, j, k]) for k, r in enumerate(panel.raters)}
                given["crowd"] = float(crowd[i, j]) if crowd is not None else float("nan")
                per_sub[sub] = given
            references.append(per_sub)
        spec = default_spec(framework, references)
        title = load_framework(framework).title
        for model in range(n_models):
            values = gemini
            if model:
                values = values[np.random.default_rng(model).permutation(len(panel.items))]
            samples = tuple(
                SampleRecord(
                    item_id=item,
                    ratings={sub: float(values[i, j]) for j, sub in enumerate(subs)},
                    reference=references[i],
                    answer="{}",
                    explanation="synthetic",
                    parse_status="ok",
                    transcript="Seeker: (synthetic)\nSupporter: (synthetic)",
                )
                for i, item in enumerate(panel.items)
            )
            runs.append(
                Run(
                    model=f"synthetic/model-{model}",
                    model_name=f"synthetic/model-{model}",
                    framework=framework,
                    location=f"memory/{model}/{framework}.eval",
                    created="2026-01-01T00:00:00",
                    sub_components=tuple(subs),
                    samples=samples,
                    contract=contract_from_samples(framework, spec, samples, subs, title=title),
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


def baseline_intervals(runs: RunSet, n_resamples: int) -> None:
    """κ against the expert median with a bootstrap interval, every sub-component of every run."""
    for run in runs.runs:
        panel = run.panel()
        ratings = run.rating_matrix(panel.sub_components)
        counts = resample_counts(len(panel.items), n_resamples, 0)
        bootstrap(kappa_statistic(panel.consensus(), ratings), len(panel.items), counts=counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["memory", "logs"], default="memory")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ratings = load_ratings() if args.mode == "memory" else None
    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "logs"
        if args.mode == "logs":
            writing = time.perf_counter()
            write_replay_logs(log_dir)
            print(f"wrote replay logs in {time.perf_counter() - writing:.1f} s (not timed below)")
        timings: dict[str, list[tuple[float, float]]] = {
            "read": [],
            "baseline": [],
            "engine": [],
            "report": [],
        }

        def timed(key: str, started: tuple[float, float]) -> None:
            wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
            timings[key].append((wall, cpu))

        def now() -> tuple[float, float]:
            return time.perf_counter(), time.process_time()

        for attempt in range(args.repeat):
            started = now()
            runs = load_runs([log_dir]) if ratings is None else synthetic_runs(ratings)
            timed("read", started)
            started = now()
            baseline_intervals(runs, args.resamples)
            timed("baseline", started)
            started = now()
            board = build_leaderboard(runs, settings=BootstrapSettings(n_resamples=args.resamples))
            timed("engine", started)
            # A report computes its plans afresh, as each `empathy-judge report` process does.
            forget_plans()
            started = now()
            write_report(
                runs,
                Path(tmp) / f"out{attempt}",
                settings=BootstrapSettings(n_resamples=args.resamples),
            )
            timed("report", started)
        models = {r.label for r in board.overall if r.kind == "model"}
        print(
            f"mode={args.mode}: {len(models)} models × {len(board.sections)} frameworks "
            f"({len(runs.runs)} runs), {args.resamples} resamples, best of {args.repeat}"
        )
        base_wall = min(w for w, _ in timings["baseline"])
        base_cpu = min(c for _, c in timings["baseline"])
        labels = {
            "read": "building/reading the runs",
            "baseline": "baseline: κ intervals only",
            "engine": "leaderboard (engine: assess + ranks)",
            "report": "whole report (leaderboard, charts, files)",
        }
        print(f"  {'':<44} {'wall s':>7} {'× base':>7} {'CPU s':>7} {'× base':>7}")
        for key, label in labels.items():
            wall = min(w for w, _ in timings[key])
            cpu = min(c for _, c in timings[key])
            ratios = f"{wall / base_wall:7.1f} {cpu:7.2f} {cpu / base_cpu:7.1f}"
            print(f"  {label:<44} {wall:7.2f} {ratios}")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
