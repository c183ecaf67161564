"""Progress of `empathy-judge benchmark` as plain lines, for output that is not a terminal.

Inspect's own display draws on a terminal; with output going to a file it shows nothing for as
long as the runs take. `ProgressLines` prints one line per finished run and, at most every
`interval` seconds, the samples done with their rate and the time left at that rate. It hears
about samples and runs through an Inspect hook (`inspect_ai.hooks`) that is active only while
`reporting` is in force, so other evals in the same process are not affected.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog

#: Seconds between two progress lines.
DEFAULT_INTERVAL = 60.0


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "unknown"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


@dataclass
class ProgressLines:
    """Counts samples and runs and writes a line now and then.

    Attributes:
        total: Samples the benchmark runs at most (samples × epochs × models; fewer when a
            re-run reuses finished logs).
        write: Where lines go (e.g. `click.echo`).
        interval: Seconds between two progress lines.
        clock: Monotonic seconds (a parameter for tests).
    """

    total: int
    write: Callable[[str], object]
    interval: float = DEFAULT_INTERVAL
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    runs_done: int = 0
    started: float = field(default=math.nan)
    last_line: float = field(default=math.nan)

    def __post_init__(self) -> None:
        now = self.clock()
        self.started = now
        self.last_line = now

    def line(self) -> str:
        """``progress: 40/150 samples (27%), 0.52 samples/s, about 3m32s left``."""
        elapsed = self.clock() - self.started
        rate = self.done / elapsed if elapsed > 0 else math.nan
        left = max(self.total - self.done, 0)
        eta = left / rate if rate and math.isfinite(rate) and rate > 0 else math.nan
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        return (
            f"progress: {self.done}/{self.total} samples{share}, {rate:.2f} samples/s, "
            f"about {_duration(eta)} left ({_duration(elapsed)} so far, "
            f"{self.runs_done} run(s) finished)"
        )

    def sample_done(self) -> None:
        """Count a finished sample; write a progress line if `interval` has passed."""
        self.done += 1
        now = self.clock()
        if now - self.last_line >= self.interval:
            self.last_line = now
            self.write(self.line())

    def run_finished(self, log: EvalLog) -> None:
        """Write one line for a finished run (model, task, status, samples, log)."""
        self.runs_done += 1
        results = log.results
        samples = results.completed_samples if results is not None else 0
        self.write(
            f"run finished: {log.eval.model} on {log.eval.task} — {log.status}, "
            f"{samples} sample(s) — {log.location}"
        )


_active: ProgressLines | None = None


def _register() -> None:
    from inspect_ai.hooks import Hooks, SampleEnd, TaskEnd, hooks

    @hooks(name="empathy_judge_progress", description="empathy-judge benchmark progress lines")
    class _ProgressHook(Hooks):
        def enabled(self) -> bool:
            return _active is not None

        async def on_sample_end(self, data: SampleEnd) -> None:
            if _active is not None:
                _active.sample_done()

        async def on_task_end(self, data: TaskEnd) -> None:
            if _active is not None:
                _active.run_finished(data.log)


_registered = False


@contextlib.contextmanager
def reporting(progress: ProgressLines) -> Iterator[ProgressLines]:
    """Within the block, every sample and run of Inspect's evals feeds `progress`."""
    global _active, _registered
    if not _registered:
        _register()
        _registered = True
    _active = progress
    try:
        yield progress
    finally:
        _active = None
