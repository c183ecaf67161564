"""Cost of `empathy-judge report` over a folder of many logs: 40 runs × up to 25 repeats.

A shared log folder (several machines, retries, re-runs) holds many logs of the same runs. The
report must count each run once (the latest successful log per model × framework) and its cost
must grow linearly with the number of logs, not with their square.

The script writes real Inspect logs: 40 runs (the replay model on the three frameworks with
public texts, 14 + 13 + 13 "models" told apart by a model argument), each repeated
``--repeats`` times (a copy of the log with its own ``eval_id`` and creation time, i.e. a re-run
with the same ratings), then times in fresh child processes, best of ``--trials``:

* **baseline** — `inspect_ai.log.list_eval_logs` and `read_eval_log(header_only=True)` of every
  log: what any reader of the folder must do at least;
* **read** — `reports.logs.load_runs` (listing, headers, the latest run per key read in full);
* **report** — `load_runs` + `write_report` (leaderboard, charts, files).

at 6, 12 and 25 repeats (240, 480 and 1,000 logs), with each child's peak resident memory
(``VmHWM``, imports included) and the time per log, whose flatness shows the linear growth::

    EMPATHY_JUDGE_DATA=../shared/data/replication python benchmarks/bench_logs.py \
        [--repeats 6,12,25] [--trials 1] [--resamples 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FRAMEWORKS = ("empatheticdialogues", "epitome", "lend_an_ear")
RUNS = 40


def write_logs(folder: Path, repeats: int, source: Path) -> int:
    """40 runs × `repeats` logs in `folder` (from the per-framework logs in `source`).

    The copies keep every sample's input, output, scores and metadata, which is what a report
    reads, but not their event transcripts (writing 1,000 full logs takes ~10 minutes of the
    shared machine's CPU; a real log is larger, which changes the cost per full read only).
    """
    from inspect_ai.log import read_eval_log, write_eval_log

    logs = [read_eval_log(str(p)) for p in sorted(source.glob("*.eval"))]
    for log in logs:
        log.samples = [s.model_copy(update={"events": []}) for s in log.samples or []]
    written = 0
    for run in range(RUNS):
        log = logs[run % len(logs)]
        for repeat in range(repeats):
            copy = log.model_copy(deep=False)
            copy.eval = log.eval.model_copy(
                update={
                    "eval_id": f"run{run}-repeat{repeat}",
                    "model_args": {"run": run},
                    "created": f"2026-01-{1 + repeat:02d}T00:00:{run % 60:02d}+00:00",
                }
            )
            write_eval_log(copy, str(folder / f"run{run:02d}-{repeat:02d}.eval"))
            written += 1
    return written


def subset(folder: Path, whole: Path, repeats: int) -> None:
    """`folder` with hard links to the first `repeats` repeats of every run in `whole`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(whole.glob("*.eval")):
        if int(path.stem.rpartition("-")[2]) < repeats and not (folder / path.name).exists():
            os.link(path, folder / path.name)


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(job: str, folder: str, resamples: int) -> None:
    """One timed job in this process; prints a JSON line."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    from empathy_judge.reports.logs import load_runs
    from empathy_judge.reports.report_files import write_report
    from empathy_judge.scorers.bootstrap_settings import BootstrapSettings

    started = time.perf_counter(), time.process_time()
    if job == "baseline":
        for info in list_eval_logs(folder, recursive=True):
            read_eval_log(info.name, header_only=True)
        count = 0
    else:
        runs = load_runs([folder])
        count = len(runs.runs)
        if job == "report":
            with tempfile.TemporaryDirectory() as out:
                write_report(runs, Path(out), settings=BootstrapSettings(n_resamples=resamples))
    wall = time.perf_counter() - started[0]
    cpu = time.process_time() - started[1]
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": _peak_mb(), "runs": count}))


def measure(job: str, folder: Path, resamples: int, trials: int) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(trials):
        done = subprocess.run(
            [sys.executable, "-P", __file__, "--child", job, str(folder), str(resamples)],
            check=True,
            capture_output=True,
            text=True,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        if not best or found["cpu"] < best["cpu"]:
            best = found
    return best


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", default="6,12,25")
    parser.add_argument("--trials", type=int, default=1)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    counts = [int(r) for r in args.repeats.split(",")]

    from inspect_ai import eval as inspect_eval

    from empathy_judge.evals.tasks import TASKS

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-logs-"))
    source = root / "source"
    if not any(source.glob("*.eval")):
        inspect_eval(
            [TASKS[f]() for f in FRAMEWORKS],
            model="replay/gemini-2.5-pro",
            log_dir=str(source),
            display="none",
        )
    print(f"{RUNS} runs; logs in {root}; {args.resamples} resamples; best of {args.trials}")
    print(
        f"{'logs':>6} {'job':<9} {'wall s':>7} {'CPU s':>7} {'× base':>7} {'ms/log':>7} "
        f"{'peak MB':>8} {'runs':>5}"
    )
    whole = root / "all"
    if len(list(whole.glob("*.eval"))) < RUNS * max(counts):
        whole.mkdir(parents=True, exist_ok=True)
        writing = time.perf_counter()
        write_logs(whole, max(counts), source)
        print(f"(wrote {RUNS * max(counts)} logs in {time.perf_counter() - writing:.0f} s)")
    for repeats in counts:
        folder = root / f"x{repeats}"
        subset(folder, whole, repeats)
        n_logs = RUNS * repeats
        base = measure("baseline", folder, args.resamples, args.trials)
        for job in ("baseline", "read", "report"):
            found = base if job == "baseline" else measure(job, folder, args.resamples, args.trials)
            print(
                f"{n_logs:>6} {job:<9} {found['wall']:7.2f} {found['cpu']:7.2f} "
                f"{found['cpu'] / base['cpu']:7.2f} {1000 * found['cpu'] / n_logs:7.2f} "
                f"{found['peak_mb']:8.0f} {found['runs']:>5}"
            )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
