"""`empathy-judge benchmark`: eval_set over models × frameworks, resume, skip, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from empathy_judge.reports.cli.benchmark import benchmark

pytestmark = pytest.mark.release


def _run(log_dir: Path, release_dir: Path, *extra: str) -> tuple[int, str]:
    args = [
        "--model",
        "replay/gemini-2.5-pro",
        "--model",
        "replay/expert2",
        "--framework",
        "epitome",
        "--framework",
        "perceived_empathy",
        "--limit",
        "8",
        "--log-dir",
        str(log_dir),
        "--data-dir",
        str(release_dir),
        "--display",
        "none",
        "--resamples",
        "200",
        *extra,
    ]
    result = CliRunner().invoke(benchmark, args)
    return result.exit_code, result.output


def test_benchmark_runs_resumes_and_reports(tmp_path: Path, release_dir: Path) -> None:
    log_dir = tmp_path / "logs"
    code, output = _run(log_dir, release_dir)
    assert code == 0, output
    assert "skipping Perceived Empathy" in output
    logs = sorted(log_dir.glob("*.eval"))
    assert len(logs) == 2  # two models × EPITOME; Perceived Empathy has no texts
    results = json.loads((log_dir / "report" / "results.json").read_text())
    labels = {r["label"]: r for r in results["rows"]}
    assert labels["replay/gemini-2.5-pro"]["frameworks"]["epitome"]["n_items"] == 8
    assert set(labels["replay/expert2"]["frameworks"]) == {"epitome"}
    # Perceived Empathy still shows its published reference rows.
    assert "perceived_empathy" in labels["Crowd (mean of crowdworkers)"]["frameworks"]
    assert "perceived_empathy" in labels["gemini-2.5-pro (published)"]["frameworks"]
    assert (log_dir / "report" / "index.html").is_file()

    # A second run reuses the finished logs (eval_set) instead of running again.
    code, output = _run(log_dir, release_dir, "--out", str(tmp_path / "again"))
    assert code == 0, output
    assert sorted(log_dir.glob("*.eval")) == logs
    assert (tmp_path / "again" / "leaderboard.md").is_file()


def test_unknown_framework_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        benchmark,
        ["--model", "replay/gemini-2.5-pro", "--framework", "nope", "--log-dir", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "unknown framework" in result.output
