"""`empathy-judge benchmark`: run every framework task for every model, then write the report.

The runs go through Inspect's `eval_set` (see :mod:`empathy_judge.reports.benchmark`), so a
re-run with the same log folder resumes from the logs already finished.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, cast

import click

from empathy_judge.reports.cli.options import data_dir_option, resamples_option

Display = Literal["full", "conversation", "rich", "plain", "log", "none"]
#: Where the logs go by default.
DEFAULT_LOG_DIR = Path("logs") / "benchmark"


def _model_args(pairs: Sequence[str]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="-M")
        args[key] = int(value) if value.lstrip("-").isdigit() else value
    return args


@click.command("benchmark")
@click.option("--model", "models", multiple=True, required=True, help="Inspect model (repeatable).")
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Framework id or task name (repeatable; default: all four).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Samples per task.")
@click.option(
    "--log-dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_LOG_DIR,
    show_default=True,
    help="Inspect log folder (a re-run resumes from it).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Report folder (default: LOG_DIR/report).",
)
@data_dir_option
@click.option(
    "--conversations",
    default=None,
    help="Perceived Empathy conversation texts obtained from the authors.",
)
@click.option("-M", "model_arg", multiple=True, help="Model argument KEY=VALUE for every model.")
@resamples_option()
@click.option(
    "--display",
    type=click.Choice(["full", "conversation", "rich", "plain", "log", "none"]),
    default=None,
    help="Inspect's progress display (default: Inspect's).",
)
def benchmark(
    models: tuple[str, ...],
    frameworks: tuple[str, ...],
    limit: int | None,
    log_dir: Path,
    out: Path | None,
    data_dir: str | None,
    conversations: str | None,
    model_arg: tuple[str, ...],
    resamples: int,
    display: str | None,
) -> None:
    """Run the framework tasks for every model with Inspect's eval_set, then write the report."""
    from inspect_ai import eval_set

    from empathy_judge.reports.benchmark import build_tasks, framework_ids
    from empathy_judge.reports.logs import load_runs
    from empathy_judge.reports.report_files import release_ratings, write_report

    tasks = build_tasks(framework_ids(frameworks), data_dir=data_dir, conversations=conversations)
    if not tasks:
        click.echo("error: no framework task can run (see the messages above)", err=True)
        sys.exit(2)
    success, logs = eval_set(
        tasks,
        log_dir=str(log_dir),
        model=list(models),
        model_args=_model_args(model_arg),
        limit=limit,
        display=cast(Display | None, display),
    )
    locations = [log.location for log in logs if log.status == "success" and log.location]
    if not success:
        click.echo("warning: some runs did not finish; the report covers the others", err=True)
    if not locations:
        click.echo(f"error: no run succeeded; see the logs in {log_dir}", err=True)
        sys.exit(1)
    runs = load_runs(locations)
    files = write_report(
        runs, out or log_dir / "report", release_ratings(data_dir), n_resamples=resamples
    )
    click.echo(files.markdown.read_text(encoding="utf-8"))
    click.echo(f"report written to {files.index_html}")
    if not success:
        sys.exit(1)
