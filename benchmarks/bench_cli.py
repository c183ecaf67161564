"""Benchmark: how long ``empathy-judge --help`` takes to start, against a bare ``python -c pass``.

Both run as fresh processes with the same interpreter, interleaved (order alternating per
repeat) after one discarded warm-up of each, so that the machine's current load weighs on both
alike; the medians and their ratio are printed. The CLI is started as the console script does
(``from empathy_judge.reports.cli import main; main()``), so the figure covers importing the
command line and rendering its help. The modules it loaded are listed by group, and the heavy
libraries that must stay unloaded (pandas, pyarrow, numpy, inspect_ai, matplotlib) are checked.

``--tasks`` times ``empathy-judge tasks`` the same way, beside the way it used to gather the same
listing: from the registered Inspect tasks (importing Inspect, the task builder and the
``gguf/`` provider; `task_parameters` and `framework_tasks` still do that), against the bare
interpreter in the same interleaved runs.

Run from anywhere with the project's interpreter (a few seconds; ``--tasks`` about a minute)::

    .venv/bin/python benchmarks/bench_cli.py [--repeats 15] [--json PATH]
    .venv/bin/python benchmarks/bench_cli.py --tasks --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("pandas", "pyarrow", "numpy", "inspect_ai", "matplotlib", "datasets")
BASELINE = "pass"
CLI = (
    "import sys\n"
    "from empathy_judge.reports.cli import main\n"
    "sys.argv = ['empathy-judge', '--help']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
)
LOADED = CLI + "import json\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
TASKS = (
    "import sys\n"
    "from empathy_judge.reports.cli import main\n"
    "sys.argv = ['empathy-judge', 'tasks']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
)
# What `empathy-judge tasks` did before it read the catalogue: the registered tasks' signatures
# and docstrings (importing Inspect and the task builder) and the gguf provider's model list.
TASKS_BEFORE = (
    "from empathy_judge.reports.task_params import framework_tasks, task_parameters\n"
    "from empathy_judge.evals.providers.gguf import BUNDLED_MODELS\n"
    "from empathy_judge.reports.cli.tasks import _replay_annotators\n"
    "framework_tasks(); task_parameters(); _replay_annotators(None)\n"
)


def _run(code: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, check=True, capture_output=True, timeout=120
    )
    return time.perf_counter() - start


def loaded_modules(cwd: Path) -> list[str]:
    """The modules ``empathy-judge --help`` leaves in ``sys.modules``."""
    result = subprocess.run(
        [sys.executable, "-c", LOADED], cwd=cwd, check=True, capture_output=True, text=True
    )
    names: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each (default 15)")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw timings")
    parser.add_argument(
        "--tasks", action="store_true", help="time `empathy-judge tasks`, before and after"
    )
    args = parser.parse_args()
    if args.tasks:
        tasks_benchmark(args.repeats)
        return

    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        _run(BASELINE, cwd)
        _run(CLI, cwd)
        baseline: list[float] = []
        cli: list[float] = []
        for repeat in range(args.repeats):
            pair = [(BASELINE, baseline), (CLI, cli)]
            for code, times in pair if repeat % 2 == 0 else pair[::-1]:
                times.append(_run(code, cwd))
        modules = loaded_modules(cwd)

    base_s = statistics.median(baseline)
    cli_s = statistics.median(cli)
    project = [m for m in modules if m.startswith("empathy_judge")]
    heavy = [h for h in HEAVY if h in modules]
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    print(f"python -c pass         median {base_s * 1000:7.1f} ms over {args.repeats} runs")
    print(f"empathy-judge --help   median {cli_s * 1000:7.1f} ms over {args.repeats} runs")
    print(f"ratio                  {cli_s / base_s:7.2f} x the bare interpreter")
    print(f"extra time             {(cli_s - base_s) * 1000:7.1f} ms")
    print(f"modules loaded         {len(modules)} in all, {len(project)} of the project:")
    print("                       " + ", ".join(project))
    print(f"heavy libraries loaded {', '.join(heavy) if heavy else 'none'} (of {', '.join(HEAVY)})")
    if args.json:
        args.json.write_text(
            json.dumps({"baseline_s": baseline, "cli_s": cli, "modules": modules}, indent=2),
            encoding="utf-8",
        )


def tasks_benchmark(repeats: int) -> None:
    """Median seconds of `empathy-judge tasks`, of its former way, and of ``python -c pass``."""
    codes = {"python -c pass": BASELINE, "tasks (registry, before)": TASKS_BEFORE, "tasks": TASKS}
    times: dict[str, list[float]] = {name: [] for name in codes}
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        for code in codes.values():
            _run(code, cwd)
        order = list(codes)
        for repeat in range(repeats):
            for name in order if repeat % 2 == 0 else order[::-1]:
                times[name].append(_run(codes[name], cwd))
    base = statistics.median(times["python -c pass"])
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:26} median {median:6.2f} s over {repeats} runs ({median / base:5.1f} x pass)")
    before = statistics.median(times["tasks (registry, before)"])
    after = statistics.median(times["tasks"])
    print(f"before / after            {before / after:6.2f} x")


if __name__ == "__main__":
    main()
