"""What `empathy-judge benchmark` runs: the framework tasks to give Inspect's `eval_set`.

The runs go through Inspect's `eval_set`, so a re-run with the same log folder resumes and
reuses the logs already finished, and Inspect's own progress display shows. Frameworks whose
conversations are unavailable (Perceived Empathy without the texts the authors share on
request) are skipped with a message; their published reference rows still appear in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from empathy_judge.datasets.rubric import FRAMEWORK_IDS, load_framework

if TYPE_CHECKING:
    from inspect_ai import Task


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
