"""Shared fixtures: where the authors' release is, and small helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_RELEASE = REPO_ROOT.parent / "shared" / "data" / "replication"
SHARED_REDDIT = REPO_ROOT.parent / "shared" / "data" / "epitome-reddit"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _release_dir() -> Path | None:
    env = os.environ.get("EMPATHY_JUDGE_DATA")
    if env:
        return Path(env)
    if SHARED_RELEASE.is_dir():
        return SHARED_RELEASE
    # No local copy: the user cache, or a verified download, as for any user.
    from empathy_judge.datasets.errors import EmpathyJudgeError
    from empathy_judge.datasets.release import resolve_data_dir

    try:
        return resolve_data_dir()
    except EmpathyJudgeError:
        return None


@pytest.fixture(scope="session")
def release_dir() -> Path:
    """The authors' release; tests that need it skip only when no copy is reachable at all."""
    found = _release_dir()
    if found is None or not found.is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI must run the release tests: set EMPATHY_JUDGE_DATA to the release copy")
        pytest.skip(
            "no copy of the release reachable (none local, download failed): "
            "set EMPATHY_JUDGE_DATA to a local copy"
        )
    # Providers and tasks resolve the release on their own (e.g. `replay/...` models); point
    # them at the same copy so that nothing in a test run reaches for the network.
    os.environ["EMPATHY_JUDGE_DATA"] = str(found)
    return found


@pytest.fixture(scope="session")
def reddit_dir() -> Path:
    """The EPITOME Reddit corpus, when a copy sits beside the project."""
    env = os.environ.get("EMPATHY_JUDGE_REDDIT")
    found = Path(env) if env else SHARED_REDDIT
    if not found.is_dir():
        if os.environ.get("CI") and SHARED_RELEASE.is_dir():
            pytest.fail("CI has ../shared/data but not the EPITOME Reddit corpus")
        pytest.skip("no copy of the EPITOME Reddit corpus: set EMPATHY_JUDGE_REDDIT")
    return found


#: Replay "models" whose logs the report, compare and browser tests share.
REPLAY_RUNS: tuple[tuple[str, dict[str, int]], ...] = (
    ("replay/gemini-2.5-pro", {}),
    ("replay/expert1", {}),
    # Gemini's ratings shuffled across items: a deliberately degraded candidate.
    ("replay/gemini-2.5-pro", {"shuffle_seed": 1}),
)


@pytest.fixture(scope="session")
def replay_logs_dir(tmp_path_factory: pytest.TempPathFactory, release_dir: Path) -> Path:
    """Success logs of the three replay models on the frameworks with public texts."""
    from inspect_ai import eval as inspect_eval

    from empathy_judge.evals.tasks import TASKS

    log_dir = tmp_path_factory.mktemp("replay-logs")
    for model, model_args in REPLAY_RUNS:
        tasks = [
            TASKS[f](data_dir=str(release_dir))
            for f in ("empatheticdialogues", "epitome", "lend_an_ear")
        ]
        logs = inspect_eval(
            tasks, model=model, model_args=model_args, log_dir=str(log_dir), display="none"
        )
        for log in logs:
            assert log.status == "success", (model, log.eval.task, log.error)
    return log_dir
