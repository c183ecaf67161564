"""Inspect registry entry point: importing this module registers the tasks and model providers."""
