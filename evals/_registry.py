"""Inspect registry entry point: importing this module registers the tasks and model providers."""

from empathy_judge.evals.providers import gguf, replay

__all__ = ["gguf", "replay"]
