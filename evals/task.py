"""The one task builder behind every framework's Inspect task, driven by the rubric file."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from inspect_ai import Epochs, Task
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig, ResponseSchema
from inspect_ai.solver import system_message
from inspect_ai.util import JSONSchema

from empathy_judge.datasets import user_data
from empathy_judge.datasets.conversation import Conversation
from empathy_judge.datasets.errors import EmpathyJudgeError
from empathy_judge.datasets.release import load_conversations, load_ratings
from empathy_judge.datasets.rubric import Framework, SubComponent, load_framework
from empathy_judge.evals.prompts import (
    PROMPT_STYLES,
    PROMPT_VERSION,
    SYSTEM_PROMPT,
    PromptStyle,
    render_user_prompt,
    response_schema_for,
)
from empathy_judge.evals.structured import (
    STRUCTURED_MODES,
    StructuredMode,
    format_config,
    rate,
)
from empathy_judge.scorers.panel import panel_from_table
from empathy_judge.scorers.scorer import empathy_ratings, nan_median

logger = logging.getLogger(__name__)

DEFAULT_SHOTS = 3


class TaskConfigError(EmpathyJudgeError, PrerequisiteError, ValueError):
    """A task parameter is invalid or the data it needs is unavailable.

    Also an Inspect ``PrerequisiteError``: ``inspect eval`` shows its message on one line, without
    a traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    # `-T a=x,y` arrives as a list, `-T a=x` as a string.
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _select_sub_components(
    framework: Framework, wanted: str | Sequence[str] | None
) -> tuple[SubComponent, ...]:
    names = _as_list(wanted)
    if names is None:
        return framework.sub_components
    unknown = [n for n in names if n not in framework.columns]
    if unknown:
        raise TaskConfigError(
            f"unknown sub-components {unknown} for {framework.id}; known: {list(framework.columns)}"
        )
    return tuple(s for s in framework.sub_components if s.column in names)


def reference_ratings(ratings: pd.DataFrame, framework: Framework) -> dict[str, dict[str, Any]]:
    """Per item and sub-component: each expert's rating, the expert consensus and the crowd mean.

    Args:
        ratings: The long ratings table.
        framework: The framework whose items to take.

    Returns:
        ``{item_id: {sub_component: {"expert1": r, ..., "expert_median": r, "crowd": r}}}``,
        with NaN where a rating is missing.
    """
    data = panel_from_table(
        ratings,
        framework.id,
        sub_components=list(framework.columns),
        annotators=["crowd"],
    )
    panel = data.panel
    consensus = panel.consensus()
    crowd = data.others.get("crowd")
    reference: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(panel.items):
        per_sub: dict[str, Any] = {}
        for j, sub in enumerate(panel.sub_components):
            values = {r: float(panel.values[i, j, k]) for k, r in enumerate(panel.raters)}
            values["expert_median"] = float(consensus[i, j])
            values["crowd"] = float(crowd[i, j]) if crowd is not None else float("nan")
            per_sub[sub] = values
        reference[item] = per_sub
    return reference


def _few_shot_examples(
    conversations: Sequence[Conversation],
    reference: Mapping[str, Mapping[str, Mapping[str, float]]],
    sub_components: Sequence[SubComponent],
    shots: int,
    seed: int,
) -> list[tuple[Conversation, dict[str, int]]]:
    # Only items whose expert median is a whole level on every asked sub-component can serve.
    usable = [
        c
        for c in sorted(conversations, key=lambda c: c.item_id)
        if c.item_id in reference
        and all(
            float(reference[c.item_id][s.column]["expert_median"]).is_integer()
            for s in sub_components
        )
    ]
    if shots > len(usable):
        raise TaskConfigError(f"asked for {shots} shots but only {len(usable)} items can serve")
    order = np.random.default_rng(seed).permutation(len(usable))[:shots]
    return [
        (
            usable[i],
            {
                s.column: int(reference[usable[i].item_id][s.column]["expert_median"])
                for s in sub_components
            },
        )
        for i in sorted(order)
    ]


def _conversations_for(
    framework: Framework, data_dir: str | Path | None, conversations: str | None
) -> list[Conversation]:
    if conversations:
        return list(user_data.load_user_conversations(conversations, framework.id))
    if framework.id == "perceived_empathy":
        raise TaskConfigError(
            "The Perceived Empathy conversation texts are not public: the authors share them on "
            "request. Pass them with -T conversations=PATH (columns documented in "
            "empathy_judge.datasets.user_data); the ratings of this framework still load."
        )
    return load_conversations(data_dir, framework.id)


def build_task(
    framework_id: str,
    *,
    data_dir: str | None = None,
    prompt: PromptStyle = "zero_shot",
    shots: int | None = None,
    sub_components: str | Sequence[str] | None = None,
    conversations: str | None = None,
    seed: int = 0,
    epochs: int = 1,
    structured: StructuredMode = "schema",
) -> Task:
    """Build the rating task of one framework.

    Args:
        framework_id: Framework id or task name.
        data_dir: The authors' release (default: ``EMPATHY_JUDGE_DATA``, the cache, download).
        prompt: ``zero_shot``, ``few_shot`` or ``cot``.
        shots: Number of few-shot examples, drawn deterministically with ``seed`` from the
            same framework, labelled with the expert median and left out of scoring
            (default 3 for ``few_shot``, 0 otherwise).
        sub_components: A subset of the framework's sub-components to rate.
        conversations: A file with conversation texts (required for Perceived Empathy).
        seed: Seed of the few-shot draw and of the model's sampling.
        epochs: Ratings per conversation, reduced by a NaN-aware median.
        structured: How the JSON answer is requested: ``schema`` (a JSON-schema response
            format), ``json`` (a plain JSON-object response format, for OpenAI-compatible
            servers that take no schema) or ``none`` (the prompt alone states the format).

    Returns:
        The Inspect task.

    Raises:
        TaskConfigError: A parameter is invalid.
    """
    if prompt not in PROMPT_STYLES:
        raise TaskConfigError(f"prompt must be one of {list(PROMPT_STYLES)}, not {prompt!r}")
    if structured not in STRUCTURED_MODES:
        raise TaskConfigError(
            f"structured must be one of {list(STRUCTURED_MODES)}, not {structured!r}"
        )
    framework = load_framework(framework_id)
    subs = _select_sub_components(framework, sub_components)
    n_shots = (DEFAULT_SHOTS if prompt == "few_shot" else 0) if shots is None else int(shots)
    if n_shots < 0:
        raise TaskConfigError("shots must be >= 0")

    items = _conversations_for(framework, data_dir, conversations)
    reference = reference_ratings(load_ratings(data_dir), framework)
    unrated = [c.item_id for c in items if c.item_id not in reference]
    if len(unrated) == len(items):
        raise TaskConfigError(
            f"none of the {len(items)} conversations has expert ratings in the {framework.id} "
            f"release (e.g. item {unrated[0]!r}): item ids must be the release's ids"
        )
    if unrated:
        logger.warning(
            "%d conversations have no expert ratings and will not count towards agreement: %s",
            len(unrated),
            ", ".join(unrated[:5]) + (" ..." if len(unrated) > 5 else ""),
        )
    examples = _few_shot_examples(items, reference, subs, n_shots, seed)
    excluded = {c.item_id for c, _ in examples}

    samples = [
        Sample(
            id=c.item_id,
            input=render_user_prompt(framework, subs, c, prompt, examples),
            metadata={
                "framework": framework.id,
                "reference": {
                    s.column: reference.get(c.item_id, {}).get(s.column, {}) for s in subs
                },
                "supporter_word_count": c.metadata.get("supporter_word_count"),
            },
        )
        for c in items
        if c.item_id not in excluded
    ]
    schema = ResponseSchema(
        name=f"{framework.task_name}_ratings",
        json_schema=JSONSchema.model_validate(response_schema_for(subs, rationale=prompt == "cot")),
        description=f"Ratings of a conversation on the {framework.title} framework",
    )
    return Task(
        name=framework.task_name,
        dataset=MemoryDataset(samples, name=framework.id),
        solver=[system_message(SYSTEM_PROMPT), rate(structured, schema)],
        scorer=empathy_ratings(framework.id, [s.column for s in subs]),
        epochs=Epochs(epochs, nan_median()),
        config=GenerateConfig(temperature=0.0, seed=seed).merge(format_config(structured, schema)),
        version=PROMPT_VERSION,
        metadata={
            "framework": framework.id,
            "prompt": prompt,
            "shots": [c.item_id for c, _ in examples],
            "sub_components": [s.column for s in subs],
            "structured": structured,
        },
    )
