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
    labels = {r["label"]: r for r in results["overall"]["rows"]}
    assert labels["replay/gemini-2.5-pro"]["frameworks"] == ["epitome"]
    assert labels["replay/expert2"]["frameworks"] == ["epitome"]
    # --limit 8: eight conversations per framework; Perceived Empathy was not run.
    assert set(results["frameworks"]) == {"epitome"}
    assert results["frameworks"]["epitome"]["n_items"] == 8
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


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(benchmark, ["--model", "replay/gemini-2.5-pro", *args])
    return result.exit_code, result.output


def test_unknown_task_parameter_is_rejected_with_the_valid_names(tmp_path: Path) -> None:
    # Before: benchmark had no -T; `inspect eval -T promt=cot` runs with defaults after a warning.
    code, output = _invoke("-T", "promt=cot", "--log-dir", str(tmp_path))
    assert code == 2
    text = " ".join(output.split())
    assert "unknown task parameter 'promt' (did you mean 'prompt'?)" in text
    assert "valid: prompt, shots, sub_components, seed, epochs" in text
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "option"), [("data_dir", "--data-dir"), ("conversations", "--conversations")]
)
def test_task_parameters_with_their_own_option_point_to_it(
    tmp_path: Path, name: str, option: str
) -> None:
    code, output = _invoke("-T", f"{name}=x", "--log-dir", str(tmp_path))
    assert code == 2
    assert f"-T {name}: use the benchmark's {option} option" in " ".join(output.split())


def test_prompt_given_twice_must_agree(tmp_path: Path) -> None:
    code, output = _invoke("--prompt", "cot", "-T", "prompt=few_shot", "--log-dir", str(tmp_path))
    assert code == 2
    assert "--prompt cot and -T prompt=few_shot disagree" in " ".join(output.split())


def test_malformed_task_option_is_a_usage_error(tmp_path: Path) -> None:
    code, output = _invoke("-T", "prompt", "--log-dir", str(tmp_path))
    assert code == 2
    assert "expected NAME=VALUE" in output


def test_invalid_task_value_is_a_usage_error(tmp_path: Path, release_dir: Path) -> None:
    code, output = _invoke(
        "--framework",
        "epitome",
        "--prompt",
        "chatty",
        "--data-dir",
        str(release_dir),
        "--log-dir",
        str(tmp_path),
    )
    assert code == 2
    assert "prompt must be one of ['zero_shot', 'few_shot', 'cot'], not 'chatty'" in output
    assert "Traceback" not in output


def test_limit_epochs_prompt_and_task_options_reach_the_runs(
    tmp_path: Path, release_dir: Path
) -> None:
    from inspect_ai.log import read_eval_log

    log_dir = tmp_path / "logs"
    code, output = _invoke(
        "--framework",
        "epitome",
        "--limit",
        "3",
        "--epochs",
        "2",
        "--prompt",
        "few_shot",
        "-T",
        "shots=1",
        "-T",
        "sub_components=level_emotional_reactions,level_explorations",
        "--data-dir",
        str(release_dir),
        "--log-dir",
        str(log_dir),
        "--display",
        "none",
        "--resamples",
        "50",
    )
    assert code == 0, output
    (log_file,) = sorted(log_dir.glob("*.eval"))
    log = read_eval_log(str(log_file))
    assert log.eval.task_args["prompt"] == "few_shot"
    assert log.eval.task_args["epochs"] == 2
    assert log.eval.task_args["shots"] == 1
    assert log.eval.task_args["sub_components"] == [
        "level_emotional_reactions",
        "level_explorations",
    ]
    assert log.samples is not None
    # 3 conversations (--limit) rated twice each (--epochs), on the two sub-components asked.
    assert len(log.samples) == 6
    assert {s.epoch for s in log.samples} == {1, 2}
    assert len({s.id for s in log.samples}) == 3
    first = log.samples[0]
    assert set(first.metadata["reference"]) == {"level_emotional_reactions", "level_explorations"}
