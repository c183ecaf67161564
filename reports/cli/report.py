"""`empathy-judge report LOGS... --out DIR`: the comparative report over Inspect logs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import (
    jury_options,
    resamples_option,
    seed_option,
    usable_runs,
)


@click.command("report")
# Plain strings: a log folder may be a URL Inspect can read (s3://bucket/logs).
@click.argument("logs", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@resamples_option()
@seed_option
@click.option(
    "--all-runs",
    is_flag=True,
    help="Keep every run, not only the latest per model × framework (labelled by time).",
)
@jury_options()
def report(
    logs: tuple[str, ...],
    out: Path,
    resamples: int,
    seed: int,
    all_runs: bool,
    juries: tuple[str, ...],
    jury_rules: tuple[str, ...],
    jury_folds: int | None,
) -> None:
    """Leaderboard, charts and HTML report from Inspect logs (files or folders, local or s3://...).

    The latest run per model × framework is used; the report lists the logs it used. It works
    from the logs alone: each run is judged against the expert panel its log carries. With
    --jury, juries of several runs are added as rows (labelled ``jury NAME (rule): A + B``) and
    the jury files (jury.csv, judge_error_correlation.csv, ...) are written beside the report.
    """
    from ...scorers.bootstrap_settings import BootstrapSettings
    from ..report_files import ReportWriteError, write_report

    settings = BootstrapSettings(n_resamples=resamples, seed=seed)
    runs = usable_runs(logs, latest_only=not all_runs)
    jury_report = None
    if juries:
        from ..juries import form_juries, parse_jury

        jury_report = form_juries(
            runs,
            [parse_jury(text) for text in juries],
            rules=jury_rules or None,
            folds=jury_folds,
            settings=settings,
        )
    try:
        files = write_report(runs, out, settings=settings, juries=jury_report)
    except ReportWriteError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for skipped in files.leaderboard.runs.skipped[len(runs.skipped) :]:
        click.echo(f"not used: {skipped.location}: {skipped.reason}", err=True)
    click.echo(files.markdown.read_text(encoding="utf-8"))
    click.echo(f"report written to {files.index_html}")
