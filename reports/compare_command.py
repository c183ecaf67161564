"""`empathy-judge compare BASELINE CANDIDATE`: the regression gate for a CI pipeline.

Exit codes: 0 nothing regressed, 1 at least one sub-component regressed, 2 usage or data error
(unreadable logs, no shared items, different frameworks) with a message on stderr.
"""

from __future__ import annotations

import sys
from typing import cast

import click

from empathy_judge.reports.compare import (
    DEFAULT_TOLERANCE,
    CompareError,
    OutputFormat,
    compare_paths,
    format_comparison,
)
from empathy_judge.scorers.bootstrap import DEFAULT_RESAMPLES

# click already exits with 2 on a usage error; data errors use the same code.
USAGE_ERROR = 2


@click.command("compare")
@click.argument("baseline")
@click.argument("candidate")
@click.option(
    "--tolerance",
    "-t",
    default=DEFAULT_TOLERANCE,
    show_default=True,
    type=click.FloatRange(min=0.0),
    help="T: a sub-component regressed when the whole Δκw interval lies below −T "
    "(improved when above +T).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--resamples",
    default=DEFAULT_RESAMPLES,
    show_default=True,
    type=click.IntRange(min=1),
    help="Paired-bootstrap resamples.",
)
@click.option("--seed", default=0, show_default=True, help="Bootstrap seed.")
def compare(
    baseline: str, candidate: str, tolerance: float, output: str, resamples: int, seed: int
) -> None:
    """Compare CANDIDATE with BASELINE on their shared items (Δκw per sub-component).

    Each side is a log file, a log folder holding one model's runs, or DIR:MODEL (that
    model's runs within a folder; the latest run per framework). Exit code 0 when nothing
    regressed, 1 when a sub-component regressed, 2 for usage or data errors.
    """
    try:
        comparison = compare_paths(
            baseline, candidate, tolerance=tolerance, n_resamples=resamples, seed=seed
        )
    except CompareError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_ERROR)
    click.echo(format_comparison(comparison, cast(OutputFormat, output)))
    sys.exit(comparison.exit_code)
