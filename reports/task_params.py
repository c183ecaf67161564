"""The framework tasks' parameters (``-T name=value``): what they are and how they are read.

The parameters are the fields of `empathy_judge.evals.task_options.TaskOptions` (the registered
tasks' signatures say the same, and a test holds them together), so an option added there
appears in ``empathy-judge tasks`` and is accepted by ``empathy-judge benchmark -T`` without
being listed anywhere else. Values are read the way ``inspect eval -T`` reads them.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..datasets.errors import EmpathyJudgeError


class TaskParameterError(EmpathyJudgeError, ValueError):
    """A ``-T`` option is malformed or names no parameter of the task."""


@dataclass(frozen=True)
class TaskParameter:
    """One parameter of a framework task."""

    name: str
    default: Any
    type: str
    help: str


@dataclass(frozen=True)
class TaskInfo:
    """One framework task as Inspect knows it."""

    name: str
    framework: str
    summary: str


def type_text(annotation: Any) -> str:
    """A short, readable form of a type annotation (``zero_shot | few_shot | cot``, ``int``).

    Args:
        annotation: An evaluated annotation, or a string when it could not be evaluated.
    """
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, str):
        return annotation
    if typing.get_origin(annotation) is typing.Literal:
        return " | ".join(str(value) for value in typing.get_args(annotation))
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(type_text(arg) for arg in typing.get_args(annotation))
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return str(annotation).replace("typing.", "").replace("collections.abc.", "")


def parameters_of(task: Callable[..., Any], docs: Mapping[str, str]) -> tuple[TaskParameter, ...]:
    """The parameters of a task function, with their meanings from ``docs``.

    Args:
        task: A task function (Inspect's wrapper is followed to the function it wraps).
        docs: Parameter name -> meaning.

    Returns:
        The parameters in signature order.
    """
    try:
        signature = inspect.signature(task, eval_str=True)
    except NameError:
        signature = inspect.signature(task)
    return tuple(
        TaskParameter(
            name=name,
            default=None if p.default is inspect.Parameter.empty else p.default,
            type=type_text(p.annotation),
            help=docs.get(name, ""),
        )
        for name, p in signature.parameters.items()
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    )


def listed_task_parameters() -> tuple[TaskParameter, ...]:
    """`task_parameters`, read from `TaskOptions` without importing Inspect.

    What `empathy-judge tasks` prints: the same parameters, defaults, types and meanings as
    `task_parameters` (a test holds the two together), in a fraction of the time.

    Returns:
        The parameters in declaration order.
    """
    from ..evals.task_options import option_help, option_parameters

    return tuple(
        TaskParameter(
            name=p.name, default=p.default, type=type_text(p.annotation), help=option_help(p.name)
        )
        for p in option_parameters()
    )


def listed_framework_tasks() -> tuple[TaskInfo, ...]:
    """`framework_tasks`, from the packaged rubrics without importing Inspect."""
    from ..evals.catalogue import packaged_tasks

    return tuple(TaskInfo(t.name, t.framework, t.summary) for t in packaged_tasks())


def task_parameters() -> tuple[TaskParameter, ...]:
    """The parameters every registered framework task takes, described by `TaskOptions`.

    Returns:
        The parameters in signature order.
    """
    from ..evals.task_options import option_help, option_names
    from ..evals.tasks import TASKS

    docs = {name: option_help(name) for name in option_names()}
    found = {parameters_of(task, docs) for task in TASKS.values()}
    if len(found) != 1:
        raise RuntimeError("the framework tasks no longer share one signature")
    return found.pop()


def framework_tasks() -> tuple[TaskInfo, ...]:
    """The framework tasks under the names ``inspect eval`` takes, with a one-line summary."""
    from inspect_ai.util import registry_info

    from ..evals.tasks import TASKS

    return tuple(
        TaskInfo(
            name=registry_info(task).name,
            framework=framework,
            summary=(inspect.getdoc(task) or "").split("\n\n", 1)[0].replace("\n", " "),
        )
        for framework, task in TASKS.items()
    )


def parse_task_args(pairs: Sequence[str], option: str = "-T") -> dict[str, Any]:
    """``name=value`` pairs read as ``inspect eval -T`` reads them.

    A value is YAML (``3`` is a number, ``true`` a boolean, ``[a, b]`` a list); a plain string
    holding commas becomes a list of its parts; dashes in a name become underscores.

    Args:
        pairs: The option's values, in order (a later name wins).
        option: The option's name, for messages.

    Returns:
        Name -> value.

    Raises:
        TaskParameterError: A pair without ``=`` or without a name, or a value that is not YAML.
    """
    import yaml  # type: ignore[import-untyped]  # PyYAML (an Inspect dependency) ships no types

    args: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise TaskParameterError(f"{option} {pair!r}: expected NAME=VALUE")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise TaskParameterError(f"{option} {pair!r}: the value is not valid YAML") from error
        if isinstance(value, str) and "," in value:
            value = value.split(",")
        args[name] = value
    return args


def check_task_args(args: Mapping[str, Any], valid: Sequence[str], option: str = "-T") -> None:
    """Reject names that are not parameters of the task.

    Args:
        args: Parsed ``-T`` options.
        valid: The task's parameter names.
        option: The option's name, for messages.

    Raises:
        TaskParameterError: Some name is unknown; the message lists the valid ones and the
            closest match.
    """
    import difflib

    unknown = [name for name in args if name not in valid]
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1)
        hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise TaskParameterError(
        f"unknown task parameter{'s' if len(unknown) > 1 else ''} {', '.join(hints)} for {option};"
        f" valid: {', '.join(valid)}"
    )
