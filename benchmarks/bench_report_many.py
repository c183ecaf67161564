"""Wall time and peak memory of `empathy-judge report` over many logs (issue 20: 500 logs).

Usage (from the repository root)::

    EMPATHY_JUDGE_DATA=../shared/data/replication .venv/bin/python \\
        benchmarks/bench_report_many.py [--logs 500] [--resamples 2000] [--keep DIR]

Three real replay logs are written once (Gemini 2.5 Pro's published ratings on the three
frameworks with public texts), then copied into ``--logs`` log files, each copy under another
model name (``bench/model-<n>``) with its ratings shuffled across items (a different,
deterministic permutation per copy), so that every log is a run of its own model and the report
ranks ``--logs / 3`` models on three frameworks. Writing the copies is not timed.

Timed, each in a fresh child process (peak resident memory is the child's own, ``ru_maxrss`` of
the waited child):

- **baseline**: reading the logs only (`empathy_judge.reports.logs.load_runs`), what any
  report must do;
- **report**: the command, ``empathy-judge report LOGS --out OUT --resamples N``.

The report's wall time is also given as a ratio to the baseline's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FRAMEWORKS = ("empatheticdialogues", "epitome", "lend_an_ear")


def write_logs(folder: Path, n_logs: int) -> None:
    """`n_logs` logs: copies of three replay logs under distinct models, ratings permuted."""
    import numpy as np
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import write_eval_log

    from empathy_judge.evals.tasks import TASKS

    sources = inspect_eval(
        [TASKS[f]() for f in FRAMEWORKS],
        model="replay/gemini-2.5-pro",
        log_dir=str(folder / "source"),
        display="none",
    )
    assert all(log.status == "success" for log in sources)
    for n in range(n_logs):
        log = sources[n % len(sources)].model_copy(deep=True)
        model = n // len(sources)
        log.eval.model = f"bench/model-{model}"
        samples = log.samples or []
        order = np.random.default_rng(model).permutation(len(samples))
        values = [s.scores["empathy_ratings"].value for s in samples]  # type: ignore[index]
        reduced = log.reductions[0].samples if log.reductions else []
        for sample, i in zip(samples, order, strict=True):
            sample.scores["empathy_ratings"].value = values[i]  # type: ignore[index]
        by_id = {str(s.id): s for s in samples}
        for score in reduced:
            score.value = by_id[str(score.sample_id)].scores["empathy_ratings"].value  # type: ignore[index]
        write_eval_log(log, str(folder / "logs" / f"log-{n:04d}.eval"))
    shutil.rmtree(folder / "source")


def child(command: list[str]) -> tuple[float, float, int]:
    """Run a command; its wall seconds, peak RSS in MB and exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and process.stderr is not None:
        sys.stderr.write(process.stderr.read().decode("utf-8", "replace")[-2000:])
    return wall, usage.ru_maxrss / 1024, code


def main() -> int:
    """Write the logs, time the baseline and the report, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=500)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--keep", type=Path, default=None, help="write the logs here and keep them")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-many-"))
    try:
        logs = root / "logs"
        if not logs.is_dir() or len(list(logs.glob("*.eval"))) != args.logs:
            shutil.rmtree(logs, ignore_errors=True)
            logs.mkdir(parents=True)
            started = time.perf_counter()
            write_logs(root, args.logs)
            print(f"wrote {args.logs} logs in {time.perf_counter() - started:.0f} s (not timed)")
        read = [
            sys.executable,
            "-c",
            "import sys; from empathy_judge.reports.logs import load_runs; "
            "runs = load_runs([sys.argv[1]]); print(len(runs.runs))",
            str(logs),
        ]
        base_wall, base_mb, code = child(read)
        assert code == 0, "reading the logs failed"
        report = [
            sys.executable,
            "-c",
            "import sys; from empathy_judge.reports.cli import main; sys.exit(main())",
            "report",
            str(logs),
            "--out",
            str(root / "report"),
            "--resamples",
            str(args.resamples),
        ]
        wall, mb, code = child(report)
        load = os.getloadavg()
        print(
            f"{args.logs} logs ({args.logs // 3} models × 3 frameworks), {args.resamples} resamples"
        )
        print(f"baseline (read the logs): {base_wall:7.1f} s  peak {base_mb:6.0f} MB")
        print(
            f"report:                   {wall:7.1f} s  peak {mb:6.0f} MB  exit {code}  "
            f"({wall / base_wall:.1f}x the baseline)"
        )
        print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 shared cores)")
        return 0 if code == 0 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
