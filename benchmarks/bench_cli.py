"""Benchmark: how long ``empathy-judge --help`` takes to start, against a bare ``python -c pass``.

Both run as fresh processes with the same interpreter, interleaved (order alternating per
repeat) after one discarded warm-up of each, so that the machine's current load weighs on both
alike; the medians and their ratio are printed. The CLI is started as the console script does
(``from empathy_judge.reports.cli import main; main()``), so the figure covers importing the
command line and rendering its help. The modules it loaded are listed by group, and the heavy
libraries that must stay unloaded (pandas, pyarrow, numpy, inspect_ai, matplotlib) are checked.

Run from anywhere with the project's interpreter (a few seconds)::

    .venv/bin/python benchmarks/bench_cli.py [--repeats 15] [--json PATH]
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
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
