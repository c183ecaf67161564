"""Inspect tasks: rubric -> prompt -> generate, and the project's model providers."""
