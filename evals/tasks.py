"""The rating tasks: ``inspect eval empathy_judge/<task>``.

One task per packaged framework (the four of Kumar et al. 2025, discovered from the packaged
rubric files), and ``empathy_judge/custom -T framework=PATH_OR_ID`` for any framework pack
(a folder with ``rubric.toml``, conversations and ratings; see
`empathy_judge.datasets.pack`). Every task is the shared builder applied to one pack; the task
parameters (``-T``) are the fields of `empathy_judge.evals.task_options.TaskOptions`.

Two things happen at this entry point, for ``inspect eval``'s sake:

- Inspect 0.3.285 drops a ``-T`` name a task does not declare, with only a log warning, and runs
  with the defaults. The tasks therefore take any keyword and refuse names they do not know,
  listing the valid ones (``-T promt=cot`` stops instead of running zero-shot).
- A user-fixable error (an :class:`~empathy_judge.datasets.errors.EmpathyJudgeError`: a bad
  parameter, a missing or corrupt release, an unreadable conversations file) leaves as a
  :class:`~empathy_judge.evals.task_builder.TaskConfigError`, which Inspect shows as a one-line
  message rather than a traceback; the original error is its ``__cause__``.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from inspect_ai import Task, task

from ..datasets.errors import EmpathyJudgeError
from ..datasets.rubric import Framework, all_frameworks, load_framework
from .catalogue import task_summary
from .task_builder import TaskConfigError, build_task
from .task_options import option_names, option_parameters

#: The ``-T`` names every framework task takes (the fields of `TaskOptions`).
TASK_PARAMETERS: tuple[str, ...] = option_names()


def unknown_parameters_message(task_name: str, names: list[str]) -> str:
    """The message for ``-T`` names a task does not take, with the valid ones and a suggestion.

    Args:
        task_name: The task as ``inspect eval`` names it.
        names: The unknown parameter names.

    Returns:
        One line, e.g. ``empathy_judge/epitome: unknown task parameter 'promt' (did you mean
        'prompt'?); valid: data_dir, prompt, ...``.
    """
    described = []
    for name in sorted(names):
        close = difflib.get_close_matches(name, TASK_PARAMETERS, n=1)
        described.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    plural = "s" if len(names) > 1 else ""
    return (
        f"{task_name}: unknown task parameter{plural} {', '.join(described)}; "
        f"valid: {', '.join(TASK_PARAMETERS)}"
    )


def _build(task_name: str, framework: str, arguments: dict[str, Any]) -> Task:
    unknown = [name for name in arguments if name not in TASK_PARAMETERS]
    if unknown:
        raise TaskConfigError(unknown_parameters_message(f"empathy_judge/{task_name}", unknown))
    try:
        return build_task(framework, **arguments)
    except TaskConfigError:
        raise
    except EmpathyJudgeError as error:
        raise TaskConfigError(str(error)) from error


#: The options, shown as each task's own parameters (``inspect`` tools and `empathy-judge tasks`
#: read a task's signature); the tasks themselves take ``**task_args`` so that one list serves.
_SIGNATURE = [
    *option_parameters(),
    # Inspect drops a -T name a signature does not take; this one takes them, to refuse them.
    inspect.Parameter("unknown", inspect.Parameter.VAR_KEYWORD, annotation=Any),
]


def _framework_task(framework_id: str) -> Callable[[Callable[..., Task]], Callable[..., Task]]:
    """Give a packaged framework's task function its rubric's summary and build_task's signature.

    Applied under ``@task`` (which reads the signature when it registers the task).
    """
    framework = load_framework(framework_id)

    def decorate(function: Callable[..., Task]) -> Callable[..., Task]:
        function.__doc__ = (
            f"{task_summary(framework)}\n\n"
            "Parameters: see empathy_judge.evals.task_options.TaskOptions."
        )
        vars(function)["__signature__"] = inspect.Signature(_SIGNATURE, return_annotation=Task)
        return function

    return decorate


def _with_framework_parameter(function: Callable[..., Task]) -> Callable[..., Task]:
    vars(function)["__signature__"] = inspect.Signature(
        [
            inspect.Parameter("framework", inspect.Parameter.KEYWORD_ONLY, annotation=str),
            *_SIGNATURE,
        ],
        return_annotation=Task,
    )
    return function


# The tasks are written out as `@task` functions, not generated in a loop: `inspect list tasks`
# finds tasks by reading the source for decorated top-level functions (it imports nothing), so
# only these are listed when it is run in the repository. `empathy-judge tasks` lists them
# wherever the package is installed.


@task(name="empathetic_dialogues")
@_framework_task("empatheticdialogues")
def empathetic_dialogues(**task_args: Any) -> Task:  # noqa: D103 (the docstring is the rubric's)
    return _build("empathetic_dialogues", "empatheticdialogues", task_args)


@task(name="epitome")
@_framework_task("epitome")
def epitome(**task_args: Any) -> Task:  # noqa: D103
    return _build("epitome", "epitome", task_args)


@task(name="perceived_empathy")
@_framework_task("perceived_empathy")
def perceived_empathy(**task_args: Any) -> Task:  # noqa: D103
    return _build("perceived_empathy", "perceived_empathy", task_args)


@task(name="lend_an_ear")
@_framework_task("lend_an_ear")
def lend_an_ear(**task_args: Any) -> Task:  # noqa: D103
    return _build("lend_an_ear", "lend_an_ear", task_args)


@task(name="custom")
@_with_framework_parameter
def custom(**task_args: Any) -> Task:
    """Any framework pack: ``-T framework=PATH`` (a pack folder) or a packaged id.

    Parameters besides ``framework``: see empathy_judge.evals.task_options.TaskOptions.
    """
    framework = str(task_args.pop("framework", "") or "")
    if not framework:
        raise TaskConfigError(
            "empathy_judge/custom needs -T framework=PATH (a pack folder holding rubric.toml,"
            " conversations and ratings) or a packaged id such as -T framework=epitome"
        )
    return _build("custom", framework, task_args)


_WRITTEN: dict[str, Callable[..., Task]] = {
    "empatheticdialogues": empathetic_dialogues,
    "epitome": epitome,
    "perceived_empathy": perceived_empathy,
    "lend_an_ear": lend_an_ear,
}


def _generated_task(framework: Framework) -> Callable[..., Task]:
    # A packaged rubric added without a function above still gets its task (not listed by
    # `inspect list tasks` until one is written; tests/test_tasks.py says so).
    def framework_task(**task_args: Any) -> Task:
        return _build(framework.task_name, framework.id, task_args)

    framework_task.__name__ = framework_task.__qualname__ = framework.task_name
    return task(name=framework.task_name)(_framework_task(framework.id)(framework_task))


#: The packaged frameworks' tasks, by framework id (every packaged rubric with release data).
TASKS: dict[str, Callable[..., Task]] = {
    framework.id: _WRITTEN.get(framework.id) or _generated_task(framework)
    for framework in all_frameworks()
    if framework.data == "release"
}
