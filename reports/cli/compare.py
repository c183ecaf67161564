"""`empathy-judge compare BASELINE CANDIDATE`: the regression gate for a CI pipeline.

Exit codes: 0 nothing regressed, 1 at least one sub-component regressed, 2 usage or data error
(unreadable logs, no shared items, different frameworks) with a message on stderr.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

import click

from empathy_judge.reports.cli.options import (
    ImportedDefault,
    format_option,
    resamples_option,
    seed_option,
)

if TYPE_CHECKING:
    from empathy_judge.reports.compare import OutputFormat

# click already exits with 2 on a usage error; data errors use the same code.
USAGE_ERROR = 2


@click.command("compare")
@click.argument("baseline")
@click.argument("candidate")
@click.option(
    "--tolerance",
    "-t",
    cls=ImportedDefault,
    default_from="empathy_judge.reports.compare:DEFAULT_TOLERANCE",
    show_default=True,
    type=click.FloatRange(min=0.0),
    help="T: a sub-component regressed when the whole Δκw interval lies below −T "
    "(improved when above +T).",
)
@format_option(["text", "md", "json"], "text")
@resamples_option("Paired-bootstrap resamples.")
@seed_option
def compare(
    baseline: str, candidate: str, tolerance: float, output: str, resamples: int, seed: int
) -> None:
    """Compare CANDIDATE with BASELINE on their shared items (Δκw per sub-component).

    Each side is a log file, a log folder holding one model's runs, or DIR:MODEL (that
    model's runs within a folder; the latest run per framework). Exit code 0 when nothing
    regressed, 1 when a sub-component regressed, 2 for usage or data errors.
    """
    from empathy_judge.reports.compare import CompareError, compare_paths, format_comparison

    try:
        comparison = compare_paths(
            baseline, candidate, tolerance=tolerance, n_resamples=resamples, seed=seed
        )
    except CompareError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_ERROR)
    click.echo(format_comparison(comparison, cast("OutputFormat", output)))
    sys.exit(comparison.exit_code)
