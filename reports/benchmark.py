"""What `empathy-judge benchmark` runs: the framework tasks to give Inspect's `eval_set`.

The runs go through Inspect's `eval_set`, so a re-run with the same log folder resumes and
reuses the logs already finished, and Inspect's own progress display shows. Perceived Empathy
is skipped with a message unless its conversation texts (which the authors share on request)
are given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..datasets.rubric import FRAMEWORK_IDS, load_framework
from .task_params import TaskParameterError, check_task_args

if TYPE_CHECKING:
    from inspect_ai import Task

#: Task parameters `benchmark` sets through its own options, never through ``-T``.
OWN_OPTIONS: Mapping[str, str] = {"data_dir": "--data-dir", "conversations": "--conversations"}


def framework_ids(requested: Sequence[str]) -> list[str]:
    """Packaged framework ids (from ids or task names) and pack folders, in the order given.

    All packaged frameworks when none is given.

    Raises:
        click.BadParameter: Neither a packaged framework nor a pack folder.
    """
    from ..datasets.pack import is_pack_folder

    if not requested:
        return list(FRAMEWORK_IDS)
    ids: list[str] = []
    for name in requested:
        if is_pack_folder(name):
            ids.append(str(name))
            continue
        try:
            ids.append(load_framework(name).id)
        except KeyError as error:
            raise click.BadParameter(
                f"{error.args[0]}; or give a pack folder (holding rubric.toml)",
                param_hint="--framework",
            ) from error
    return list(dict.fromkeys(ids))


def check_benchmark_task_args(task_args: Mapping[str, Any], valid: Sequence[str]) -> None:
    """Reject ``-T`` names that are no task parameter, or that have a benchmark option.

    Args:
        task_args: Parsed ``-T`` options.
        valid: The tasks' parameter names.

    Raises:
        TaskParameterError: Naming the option to use instead, or listing the valid names.
    """
    for name, option in OWN_OPTIONS.items():
        if name in task_args:
            raise TaskParameterError(f"-T {name}: use the benchmark's {option} option")
    check_task_args(task_args, [name for name in valid if name not in OWN_OPTIONS])


def build_tasks(
    frameworks: Sequence[str],
    *,
    data_dir: str | None = None,
    conversations: str | None = None,
    task_args: Mapping[str, Any] | None = None,
    echo: Callable[..., Any] = click.echo,
) -> list[Task]:
    """The framework tasks that can run; Perceived Empathy without its texts is skipped.

    Args:
        frameworks: Framework ids.
        data_dir: The authors' release.
        conversations: Perceived Empathy texts from the authors, if the user has them.
        task_args: Further task parameters, the same for every framework (``-T``).
        echo: Where to write skip messages.

    Returns:
        One task per framework that has its conversations.

    Raises:
        TaskConfigError: A task parameter is invalid (from the task builder).
    """
    from ..evals.tasks import TASKS, custom

    tasks: list[Task] = []
    for framework in frameworks:
        args: dict[str, Any] = {**(task_args or {}), "data_dir": data_dir}
        if framework not in TASKS:  # a pack folder
            tasks.append(custom(framework=framework, **args))
            continue
        if framework == "perceived_empathy":
            if not conversations:
                echo(
                    f"skipping {load_framework(framework).title}: its conversation texts are not"
                    " public (the authors share them on request); pass them with"
                    " --conversations PATH.",
                    err=True,
                )
                continue
            args["conversations"] = conversations
        tasks.append(TASKS[framework](**args))
    return tasks
