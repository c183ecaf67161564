"""The four framework tasks of Kumar et al. (2025): `inspect eval empathy_judge/<task>`.

Each task is the shared builder applied to one rubric; the task parameters (``-T``) are those
of :func:`empathy_judge.evals.task.build_task`.

Two things happen at this entry point, for ``inspect eval``'s sake:

- Inspect 0.3.285 drops a ``-T`` name a task does not declare, with only a log warning, and runs
  with the defaults. The tasks therefore take any keyword and refuse names they do not know,
  listing the valid ones (``-T promt=cot`` stops instead of running zero-shot).
- A user-fixable error (an :class:`~empathy_judge.datasets.errors.EmpathyJudgeError`: a bad
  parameter, a missing or corrupt release, an unreadable conversations file) leaves as a
  :class:`~empathy_judge.evals.task.TaskConfigError`, which Inspect shows as a one-line message
  rather than a traceback; the original error is its ``__cause__``.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from inspect_ai import Task, task

from empathy_judge.datasets.errors import EmpathyJudgeError
from empathy_judge.evals.prompts import PromptStyle
from empathy_judge.evals.structured import StructuredMode
from empathy_judge.evals.task import TaskConfigError, build_task

#: The ``-T`` names every framework task takes (build_task's keyword parameters).
TASK_PARAMETERS: tuple[str, ...] = tuple(
    name
    for name, parameter in inspect.signature(build_task).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
)


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


def _framework_task(framework_id: str, task_name: str, summary: str) -> Callable[..., Task]:
    def framework_task(
        data_dir: str | None = None,
        prompt: PromptStyle = "zero_shot",
        shots: int | None = None,
        sub_components: str | list[str] | None = None,
        conversations: str | None = None,
        seed: int = 0,
        epochs: int = 1,
        structured: StructuredMode = "schema",
        **unknown: Any,
    ) -> Task:
        if unknown:
            raise TaskConfigError(
                unknown_parameters_message(f"empathy_judge/{task_name}", list(unknown))
            )
        try:
            return build_task(
                framework_id,
                data_dir=data_dir,
                prompt=prompt,
                shots=shots,
                sub_components=sub_components,
                conversations=conversations,
                seed=seed,
                epochs=epochs,
                structured=structured,
            )
        except TaskConfigError:
            raise
        except EmpathyJudgeError as error:
            raise TaskConfigError(str(error)) from error

    framework_task.__name__ = framework_task.__qualname__ = task_name
    framework_task.__doc__ = f"{summary}\n\nParameters: see empathy_judge.evals.task.build_task."
    return task(name=task_name)(framework_task)


empathetic_dialogues = _framework_task(
    "empatheticdialogues",
    "empathetic_dialogues",
    "EmpatheticDialogues (Rashkin et al., 2019): empathy, relevance, fluency on 1-5.",
)
epitome = _framework_task(
    "epitome",
    "epitome",
    "EPITOME (Sharma et al., 2020): emotional reactions, interpretations, explorations, 0-2.",
)
perceived_empathy = _framework_task(
    "perceived_empathy",
    "perceived_empathy",
    "Perceived Empathy (after Yin et al., 2024): nine 1-7 ratings; needs -T conversations=PATH.",
)
lend_an_ear = _framework_task(
    "lend_an_ear",
    "lend_an_ear",
    "Lend an Ear (Kumar et al., 2025): six 1-5 ratings of a whole conversation.",
)

TASKS: dict[str, Callable[..., Task]] = {
    "empatheticdialogues": empathetic_dialogues,
    "epitome": epitome,
    "perceived_empathy": perceived_empathy,
    "lend_an_ear": lend_an_ear,
}
