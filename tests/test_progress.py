"""`empathy-judge benchmark`'s progress lines when its output is not a terminal."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from empathy_judge.reports.progress import ProgressLines


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_progress_lines_give_rate_and_time_left() -> None:
    clock, lines = _Clock(), list[str]()
    progress = ProgressLines(total=100, write=lines.append, interval=30.0, clock=clock)
    for _ in range(10):
        clock.now += 2.0  # 0.5 samples/s
        progress.sample_done()
    assert lines == []  # 20 s: under the interval
    for _ in range(10):
        clock.now += 2.0
        progress.sample_done()
    assert lines == [
        "progress: 15/100 samples (15%), 0.50 samples/s, about 2m50s left "
        "(0m30s so far, 0 run(s) finished)"
    ]
    log: Any = SimpleNamespace(
        eval=SimpleNamespace(model="replay/x", task="empathy_judge/epitome"),
        status="success",
        results=SimpleNamespace(completed_samples=20),
        location="logs/a.eval",
    )
    progress.run_finished(log)
    assert lines[-1] == (
        "run finished: replay/x on empathy_judge/epitome — success, 20 sample(s) — logs/a.eval"
    )
    assert progress.line().endswith("(0m40s so far, 1 run(s) finished)")


def test_time_left_follows_the_recent_rate_after_a_burst_of_fast_samples() -> None:
    # A replayed model's 150 samples in 9.4 s, then a local model's at 10 s each: the rate since
    # the start (1.25/s) would promise under 2 minutes; 138 samples at 0.1/s take 23.
    clock, lines = _Clock(), list[str]()
    clock.now = 0.0
    progress = ProgressLines(total=300, write=lines.append, interval=60.0, clock=clock)
    for _ in range(150):
        clock.now += 0.0625
        progress.sample_done()
    for _ in range(12):
        clock.now += 10.0
        progress.sample_done()
    assert lines == [
        # The first line can only read from the start.
        "progress: 156/300 samples (52%), 2.25 samples/s, about 1m04s left "
        "(1m09s so far, 0 run(s) finished)",
        "progress: 162/300 samples (54%), 0.10 samples/s over the last 1m00s (1.25 since the "
        "start), about 23m00s left (2m09s so far, 0 run(s) finished)",
    ]
