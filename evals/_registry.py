"""Inspect registry entry point: importing this module registers the tasks and model providers.

Every packaged rubric's task is registered when `empathy_judge.evals.tasks` is imported (the
rubric files are discovered), plus ``custom`` for framework packs.
"""

from empathy_judge.evals.providers import gguf, replay
from empathy_judge.evals.tasks import TASKS, custom

__all__ = ["TASKS", "custom", "gguf", "replay"]
