"""What `inspect eval` shows for user-fixable errors raised while a task is built.

Runs the real `inspect` command in a subprocess: the point is what a user sees, which Inspect's
Python API does not show (it prints a one-line message only for its ``PrerequisiteError``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _inspect_eval(tmp_path: Path, data_dir: Path, *args: str) -> str:
    env = {**os.environ, "EMPATHY_JUDGE_DATA": str(data_dir), "COLUMNS": "300"}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "inspect"),
            "eval",
            *args,
            "--log-dir",
            str(tmp_path / "logs"),
            "--display",
            "plain",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    return output


def _one_line(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.parametrize("model", ["mockllm/model", "replay/gemini-2.5-pro"])
def test_a_folder_that_is_not_the_release_gives_one_message(tmp_path: Path, model: str) -> None:
    not_a_release = tmp_path / "not-a-release"
    not_a_release.mkdir()
    output = _inspect_eval(tmp_path, not_a_release, "empathy_judge/epitome", "--model", model)
    assert "Traceback" not in output
    assert f"EMPATHY_JUDGE_DATA={not_a_release} does not look like the release" in _one_line(output)


def test_a_misspelled_task_parameter_stops_the_run(tmp_path: Path) -> None:
    # mockllm: the task refuses the parameter before any model is called.
    output = _inspect_eval(
        tmp_path,
        tmp_path,
        "empathy_judge/epitome",
        "-T",
        "promt=cot",
        "--model",
        "mockllm/model",
    )
    assert "Traceback" not in output
    message = _one_line(output)
    assert "empathy_judge/epitome: unknown task parameter 'promt' (did you mean 'prompt'?)" in (
        message
    )
    assert "valid: data_dir, prompt, shots" in message
    assert not list((tmp_path / "logs").glob("*.eval")), "no run may start with defaults"
