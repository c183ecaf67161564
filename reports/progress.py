"""Progress of `empathy-judge benchmark` as plain lines, for output that is not a terminal.

Inspect's own display draws on a terminal; with output going to a file it shows nothing for as
long as the runs take. `ProgressLines` prints one line per finished run and, at most every
`interval` seconds, the samples done, their rate, and the time left at the *recent* rate (over
the last `window` seconds): a benchmark's runs go at very different speeds (a replayed model
finishes its samples in seconds, a local model takes seconds per sample), so the rate since the
start would promise minutes when the slow runs have most of an hour left. It hears
about samples and runs through an Inspect hook (`inspect_ai.hooks`) that is active only while
`reporting` is in force, so other evals in the same process are not affected.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog

#: Seconds between two progress lines.
DEFAULT_INTERVAL = 60.0
#: Seconds of recent progress that the rate and the time left are read from.
DEFAULT_WINDOW = 300.0


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
        window: Seconds of recent progress the rate and the time left are read from: from
            the newest line at least this old, else from the first line (the first line reads
            from the start: a burst of fast samples at the start then counts only once).
        clock: Monotonic seconds (a parameter for tests).
    """

    total: int
    write: Callable[[str], object]
    interval: float = DEFAULT_INTERVAL
    window: float = DEFAULT_WINDOW
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    runs_done: int = 0
    started: float = field(default=math.nan)
    last_line: float = field(default=math.nan)
    #: (time, samples done) at each line written, the window's worth.
    marks: deque[tuple[float, int]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        now = self.clock()
        self.started = now
        self.last_line = now

    def line(self) -> str:
        """``progress: 40/150 samples (27%), 0.52 samples/s, about 3m32s left (...)``.

        The rate is over the recent window (`window`), and the time left is at that rate; when
        it differs from the rate since the start by more than a tenth, both are shown.
        """
        now = self.clock()
        elapsed = now - self.started
        since, done_then = self.marks[0] if self.marks else (self.started, 0)
        recent = (self.done - done_then) / (now - since) if now > since else math.nan
        overall = self.done / elapsed if elapsed > 0 else math.nan
        left = max(self.total - self.done, 0)
        eta = left / recent if math.isfinite(recent) and recent > 0 else math.nan
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        rate = f"{recent:.2f} samples/s"
        if since > self.started and not math.isclose(recent, overall, rel_tol=0.1):
            rate += f" over the last {_duration(now - since)} ({overall:.2f} since the start)"
        return (
            f"progress: {self.done}/{self.total} samples{share}, {rate}, "
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
            self.marks.append((now, self.done))
            # The window starts at the newest line at least `window` old (or the first line).
            while len(self.marks) > 1 and now - self.marks[1][0] >= self.window:
                self.marks.popleft()

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
