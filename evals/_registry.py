"""Inspect registry entry point: importing this module registers the tasks and model providers."""

from empathy_judge.evals.providers import gguf, replay
from empathy_judge.evals.tasks import empathetic_dialogues, epitome, lend_an_ear, perceived_empathy

__all__ = ["empathetic_dialogues", "epitome", "gguf", "lend_an_ear", "perceived_empathy", "replay"]
