"""User-fixable errors reach the command line as one clear message, not a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from empathy_judge.reports.cli import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("command", [["data", "info"], ["reproduce", "--out", "OUT"]])
def test_offline_without_a_release_says_how_to_point_at_a_copy(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EMPATHY_JUDGE_DATA", raising=False)
    # An empty user cache and a download address nobody listens on: the offline case.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("EMPATHY_JUDGE_RELEASE_URL", f"http://127.0.0.1:{_closed_port()}/release")
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Error: could not download" in result.output
    assert "EMPATHY_JUDGE_DATA" in result.output
    # A required file is named, not one of the optional GPT-4o/Claude files.
    assert "gpt_ratings" not in result.output
    assert "claude_ratings" not in result.output
    assert not list((tmp_path / "cache").rglob("*.csv"))
