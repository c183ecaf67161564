"""The four framework tasks of Kumar et al. (2025): `inspect eval empathy_judge/<task>`.

Each task is the shared builder applied to one rubric; the task parameters (``-T``) are those
of :func:`empathy_judge.evals.task.build_task`.
"""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai import Task, task

from empathy_judge.evals.prompts import PromptStyle
from empathy_judge.evals.task import build_task


def _framework_task(framework_id: str, task_name: str, summary: str) -> Callable[..., Task]:
    def framework_task(
        data_dir: str | None = None,
        prompt: PromptStyle = "zero_shot",
        shots: int | None = None,
        sub_components: str | list[str] | None = None,
        conversations: str | None = None,
        seed: int = 0,
        epochs: int = 1,
    ) -> Task:
        return build_task(
            framework_id,
            data_dir=data_dir,
            prompt=prompt,
            shots=shots,
            sub_components=sub_components,
            conversations=conversations,
            seed=seed,
            epochs=epochs,
        )

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
