"""`empathy-judge compare BASELINE CANDIDATE`: the regression gate for a CI pipeline.

Exit codes: 0 nothing regressed (inconclusive verdicts are counted; ``--strict`` makes them
fail with 1), 1 a sub-component, a framework mean or a parse rate regressed, 2 not comparable:
a side with no usable rating, a sub-component with no paired items, different frameworks, no
shared items, unreadable logs, a probe run against a plain run or two different probes (usage
and data errors print a message on stderr).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

import click

from .options import (
    USAGE_ERROR,
    ImportedDefault,
    format_option,
    resamples_option,
    seed_option,
)

if TYPE_CHECKING:
    from ..compare_output import OutputFormat


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
    help="T: a drop smaller than T is never 'regressed'; 'equivalent' needs both "
    "simultaneous bounds of Δκw inside ±T.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) on inconclusive verdicts too, not only on regressions.",
)
@click.option(
    "--max-parse-drop",
    cls=ImportedDefault,
    default_from="empathy_judge.reports.compare:DEFAULT_PARSE_DROP",
    show_default=True,
    type=click.FloatRange(min=0.0, max=1.0),
    help="A framework's parse rate falling by more than this share is a regression.",
)
@click.option(
    "--correction",
    type=click.Choice(["hierarchical", "maxt", "holm"]),
    default="hierarchical",
    show_default=True,
    help="Family-wise error control: framework mean first (best at broad drops), "
    "max-statistic over everything (best at a drop in one sub-component), or Holm.",
)
@format_option(["text", "md", "json"], "text")
@resamples_option("Paired-bootstrap resamples.")
@seed_option
def compare(
    baseline: str,
    candidate: str,
    tolerance: float,
    strict: bool,
    max_parse_drop: float,
    correction: str,
    output: str,
    resamples: int,
    seed: int,
) -> None:
    """Compare CANDIDATE with BASELINE on their shared items (Δκw per sub-component).

    Each side is a log file, a log folder holding one model's runs, or DIR:MODEL (that
    model's runs within a folder; the latest run per framework). Every sub-component and
    every framework mean gets a verdict (regressed, improved, equivalent, inconclusive), with
    at most a 5% chance of any false 'regressed' in the invocation. Exit code 0 when nothing
    regressed, 1 when something (or a parse rate) regressed, or is inconclusive with
    --strict, 2 when the sides cannot be compared (a probe run is compared only with a run
    made with the same probe; `empathy-judge report` pairs it with its plain run).
    """
    from ...scorers.bootstrap_settings import BootstrapSettings
    from ..compare import CompareError, compare_paths
    from ..compare_output import format_comparison

    try:
        comparison = compare_paths(
            baseline,
            candidate,
            tolerance=tolerance,
            settings=BootstrapSettings(n_resamples=resamples, seed=seed),
            strict=strict,
            max_parse_drop=max_parse_drop,
            correction=correction,
        )
    except CompareError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_ERROR)
    click.echo(format_comparison(comparison, cast("OutputFormat", output)))
    sys.exit(comparison.exit_code)
