"""`empathy-judge benchmark`: run every framework task for every model, then write the report.

The runs go through Inspect's `eval_set`, so a re-run with the same log folder resumes and
reuses the logs already finished, and Inspect's own progress display shows. Frameworks whose
conversations are unavailable (Perceived Empathy without the texts the authors share on
request) are skipped with a message; their published reference rows still appear in the report.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import click

from empathy_judge.datasets.commands import data_dir_option
from empathy_judge.datasets.rubric import FRAMEWORK_IDS, load_framework
from empathy_judge.reports.logs import load_runs
from empathy_judge.reports.report_command import release_ratings, resamples_option, write_report

if TYPE_CHECKING:
    from inspect_ai import Task

DEFAULT_LOG_DIR = Path("logs") / "benchmark"
Display = Literal["full", "conversation", "rich", "plain", "log", "none"]


def framework_ids(requested: Sequence[str]) -> list[str]:
    """Framework ids from ids or task names (all four when none is given).

    Raises:
        click.BadParameter: An unknown framework.
    """
    if not requested:
        return list(FRAMEWORK_IDS)
    ids: list[str] = []
    for name in requested:
        try:
            ids.append(load_framework(name).id)
        except KeyError as error:
            raise click.BadParameter(str(error), param_hint="--framework") from error
    return list(dict.fromkeys(ids))


def build_tasks(
    frameworks: Sequence[str],
    *,
    data_dir: str | None = None,
    conversations: str | None = None,
    echo: Any = click.echo,
) -> list[Task]:
    """The framework tasks that can run; the others are reported through `echo` and skipped.

    Args:
        frameworks: Framework ids.
        data_dir: The authors' release.
        conversations: Perceived Empathy texts from the authors, if the user has them.
        echo: Where to write skip messages.

    Returns:
        One task per framework that has its conversations.
    """
    from empathy_judge.evals.task import TaskConfigError
    from empathy_judge.evals.tasks import TASKS

    tasks: list[Task] = []
    for framework in frameworks:
        args: dict[str, Any] = {"data_dir": data_dir}
        if framework == "perceived_empathy" and conversations:
            args["conversations"] = conversations
        try:
            tasks.append(TASKS[framework](**args))
        except TaskConfigError as error:
            echo(
                f"skipping {load_framework(framework).title}: {error} "
                "(benchmark: --conversations PATH; its published reference rows still "
                "appear in the report)",
                err=True,
            )
    return tasks


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
@resamples_option
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
