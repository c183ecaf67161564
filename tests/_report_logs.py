"""Inspect logs for the report, compare and browser tests, produced once per session.

Three replay "models" on the three frameworks with public texts: the published Gemini 2.5 Pro
ratings, expert 1's ratings, and Gemini's ratings shuffled across items (a deliberately
degraded candidate, ``shuffle_seed=1``).
"""

from __future__ import annotations

from pathlib import Path

from inspect_ai import eval as inspect_eval

FRAMEWORKS_WITH_TEXT = ("empatheticdialogues", "epitome", "lend_an_ear")
GEMINI = "replay/gemini-2.5-pro"
EXPERT1 = "replay/expert1"
DEGRADED = "replay/gemini-2.5-pro[shuffle_seed=1]"

_CACHE: dict[str, Path] = {}


def replay_logs(root: Path, release_dir: Path) -> Path:
    """A folder of success logs of the three replay models (created once per session)."""
    if "logs" in _CACHE:
        return _CACHE["logs"]
    from empathy_judge.evals.tasks import TASKS

    log_dir = root / "logs"
    runs: list[tuple[str, dict[str, int]]] = [
        ("replay/gemini-2.5-pro", {}),
        ("replay/expert1", {}),
        ("replay/gemini-2.5-pro", {"shuffle_seed": 1}),
    ]
    for model, model_args in runs:
        tasks = [TASKS[f](data_dir=str(release_dir)) for f in FRAMEWORKS_WITH_TEXT]
        logs = inspect_eval(
            tasks, model=model, model_args=model_args, log_dir=str(log_dir), display="none"
        )
        for log in logs:
            assert log.status == "success", (model, log.eval.task, log.error)
    _CACHE["logs"] = log_dir
    return log_dir
