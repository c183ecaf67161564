"""Inspect registry entry point: importing this module registers the tasks and model providers.

Every packaged rubric's task is registered when `empathy_judge.evals.tasks` is imported (the
rubric files are discovered), plus ``custom`` for framework packs.
"""

from .providers import gguf, replay
from .tasks import TASKS, custom

__all__ = ["TASKS", "custom", "gguf", "replay"]
