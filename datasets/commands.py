"""`empathy-judge data ...`: fetch, inspect and validate data."""

from __future__ import annotations

import click


@click.group()
def data() -> None:
    """Fetch, describe and validate the data behind the evaluations."""
