"""`empathy-judge jury LOGS... --out DIR`: juries of several judges against the expert panel."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (
    jury_options,
    resamples_option,
    seed_option,
    usable_runs,
)


@click.command("jury")
@click.argument("logs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@jury_options(default_all=True)
@resamples_option()
@seed_option
def jury(
    logs: tuple[Path, ...],
    out: Path,
    juries: tuple[str, ...],
    jury_rules: tuple[str, ...],
    jury_folds: int | None,
    resamples: int,
    seed: int,
) -> None:
    """Juries of several judges' runs, judged like any candidate against the experts.

    Writes jury.csv, judge_error_correlation.csv, jury_members.csv, jury.json, jury.html and a
    correlation heat map per framework into OUT. Without --jury, the jury of every candidate
    run per framework (--jury all).
    """
    from ...scorers.bootstrap_settings import BootstrapSettings
    from ..jury_files import write_jury_report

    runs = usable_runs(logs)
    _, markdown = write_jury_report(
        runs,
        out,
        juries or ("all",),
        rules=jury_rules or None,
        folds=jury_folds,
        settings=BootstrapSettings(n_resamples=resamples, seed=seed),
    )
    click.echo(markdown)
    click.echo(f"jury files written to {out}")
