"""`empathy-judge benchmark`: run every framework task for every model, then write the report.

The runs go through Inspect's `eval_set` (see :mod:`empathy_judge.reports.benchmark`), so a
re-run with the same log folder resumes from the logs already finished.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, cast

import click

from .options import data_dir_option, resamples_option

Display = Literal["full", "conversation", "rich", "plain", "log", "none"]
#: Where the logs go by default.
DEFAULT_LOG_DIR = str(Path("logs") / "benchmark")


def _task_args(pairs: Sequence[str], *, prompt: str | None, epochs: int | None) -> dict[str, Any]:
    """The ``-T`` options with ``--prompt`` and ``--epochs`` folded in (each given once)."""
    from ..task_params import TaskParameterError, parse_task_args

    args = parse_task_args(pairs)
    for name, value in (("prompt", prompt), ("epochs", epochs)):
        if value is None:
            continue
        if name in args and args[name] != value:
            raise TaskParameterError(f"--{name} {value} and -T {name}={args[name]} disagree")
        args[name] = value
    return args


@click.command("benchmark")
@click.option("--model", "models", multiple=True, required=True, help="Inspect model (repeatable).")
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help=(
        "Packaged framework id or task name, or a framework pack folder (repeatable;"
        " default: every packaged framework)."
    ),
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Samples per task.")
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=None,
    help="Ratings per conversation, reduced by their median (the task parameter epochs).",
)
@click.option(
    "--prompt",
    default=None,
    help="Prompt style: zero_shot, few_shot or cot (the task parameter prompt).",
)
@click.option(
    "-T",
    "task_arg",
    multiple=True,
    metavar="NAME=VALUE",
    help="Task parameter for every framework, as in inspect eval (repeatable;"
    " `empathy-judge tasks` lists them).",
)
@click.option(
    "--log-dir",
    default=DEFAULT_LOG_DIR,
    show_default=True,
    help="Inspect log folder, local or any log directory Inspect can write (s3://bucket/logs);"
    " a re-run resumes from it.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Report folder (default: LOG_DIR/report, or ./report for a remote LOG_DIR).",
)
@data_dir_option
@click.option(
    "--conversations",
    default=None,
    help="Perceived Empathy conversation texts obtained from the authors.",
)
@click.option(
    "-M",
    "model_arg",
    multiple=True,
    metavar="NAME=VALUE",
    help="Model argument for every model, as in inspect eval (repeatable).",
)
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
    epochs: int | None,
    prompt: str | None,
    task_arg: tuple[str, ...],
    log_dir: str,
    out: Path | None,
    data_dir: str | None,
    conversations: str | None,
    model_arg: tuple[str, ...],
    resamples: int,
    display: str | None,
) -> None:
    """Run the framework tasks for every model with Inspect's eval_set, then write the report.

    The options --limit, --epochs, --prompt, -T and -M mean what they mean for `inspect eval`;
    -T applies to every framework task, and Perceived Empathy runs only with --conversations.
    """
    from ...evals.task_builder import TaskConfigError
    from ..benchmark import (
        build_tasks,
        check_benchmark_task_args,
        framework_ids,
    )
    from ..task_params import (
        TaskParameterError,
        parse_task_args,
        task_parameters,
    )

    ids = framework_ids(frameworks)
    try:
        model_args = parse_task_args(model_arg, option="-M")
    except TaskParameterError as error:
        raise click.BadParameter(str(error), param_hint="-M") from error
    try:
        task_args = _task_args(task_arg, prompt=prompt, epochs=epochs)
        check_benchmark_task_args(task_args, [p.name for p in task_parameters()])
        tasks = build_tasks(
            ids, data_dir=data_dir, conversations=conversations, task_args=task_args
        )
    except TaskParameterError as error:
        raise click.BadParameter(str(error), param_hint="-T") from error
    except TaskConfigError as error:
        raise click.UsageError(str(error)) from error
    if not tasks:
        click.echo("error: no framework task can run (see the messages above)", err=True)
        sys.exit(2)
    from inspect_ai import eval_set

    from ..logs import is_remote
    from ..progress import ProgressLines, reporting

    # Not a terminal (output to a file or a pipe): Inspect's display shows nothing there, so
    # print a line per finished run and the samples done, with their rate and time left.
    progress: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if not sys.stdout.isatty():
        total = len(models) * sum(
            min(len(task.dataset), limit or len(task.dataset)) * (task.epochs or 1)
            for task in tasks
        )
        click.echo(
            f"benchmark: {len(tasks)} framework task(s) × {len(models)} model(s), "
            f"up to {total} samples; logs in {log_dir}"
        )
        progress = reporting(ProgressLines(total=total, write=click.echo))
    with progress:
        success, logs = eval_set(
            tasks,
            log_dir=log_dir,
            model=list(models),
            model_args=model_args,
            limit=limit,
            display=cast(Display | None, display),
        )
    locations = [log.location for log in logs if log.status == "success" and log.location]
    if not success:
        click.echo("warning: some runs did not finish; the report covers the others", err=True)
    if not locations:
        click.echo(f"error: no run succeeded; see the logs in {log_dir}", err=True)
        sys.exit(1)
    from ...scorers.bootstrap_settings import BootstrapSettings
    from ..logs import load_runs
    from ..report_files import write_report

    runs = load_runs(locations)
    folder = out or (Path("report") if is_remote(log_dir) else Path(log_dir) / "report")
    files = write_report(runs, folder, settings=BootstrapSettings(n_resamples=resamples))
    click.echo(files.markdown.read_text(encoding="utf-8"))
    click.echo(f"report written to {files.index_html}")
    if not success:
        sys.exit(1)
