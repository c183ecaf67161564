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
