"""Issue 19: the report's screens do not mislead: ranks out of how many, wall time, not a sum."""

from __future__ import annotations

import pytest

from empathy_judge.reports.formatting import rank_text
from empathy_judge.reports.leaderboard import wall_seconds
from empathy_judge.reports.logs import Run, contract_from_samples
from empathy_judge.scorers.panel import PanelSpec
from empathy_judge.scorers.verdicts import RankRange


def _run(created: str, seconds: float | None) -> Run:
    spec = PanelSpec(raters=("e1",), scales={"s": (0.0, 2.0)})
    return Run(
        model="m",
        model_name="m",
        framework="f",
        location="x.eval",
        created=created,
        sub_components=("s",),
        samples=(),
        contract=contract_from_samples("f", spec, (), ("s",)),
        seconds=seconds,
    )


def test_wall_time_is_the_span_of_overlapping_runs_not_their_sum() -> None:
    runs = [
        _run("2026-12-02T10:00:00+00:00", 100.0),
        _run("2026-12-02T10:00:30+00:00", 100.0),  # overlaps the first
        _run("2026-12-02T10:01:00+00:00", None),  # no duration: left out
    ]
    assert wall_seconds(runs) == pytest.approx(130.0)
    assert wall_seconds([_run("2026-12-02T10:00:00+00:00", None)]) is None


def test_a_rank_says_out_of_how_many_and_never_reads_as_a_medal() -> None:
    assert rank_text(RankRange(1, 1, 2), of=3, at_expert_level=2) == "1 of 3 (1–2)"
    assert rank_text(RankRange(1, 1, 1), of=1, at_expert_level=0) == (
        "1 of 1 (1) · none at expert level"
    )
    assert rank_text(None, of=3) == "n/a"
