"""The one task builder behind every framework's Inspect task, driven by the rubric file."""

from __future__ import annotations

import inspect
import json
import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from inspect_ai import Epochs, Task
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log import HeadlineMetric
from inspect_ai.model import GenerateConfig, ResponseSchema
from inspect_ai.util import JSONSchema
from inspect_ai.viewer import ViewerConfig

from ..datasets import user_data
from ..datasets.conversation import Conversation
from ..datasets.errors import EmpathyJudgeError
from ..datasets.pack import Pack, load_pack, unrated_sub_components, unrated_warning
from ..datasets.release import ConversationsUnavailableError
from ..datasets.rubric import Framework, SubComponent
from ..scorers.log_contract import (
    CONSENSUS_KEY,
    CROWD_KEY,
    REFERENCE_FIGURES_KEY,
    REFERENCE_KEY,
    SCORER_NAME,
    WORD_COUNT_KEY,
    LogContract,
    ProbeRecord,
    RubricEntry,
)
from ..scorers.metrics import HEADLINE_METRIC, agreement, reference_figures
from ..scorers.panel import PanelError, PanelSpec, Scale, panel_from_table
from ..scorers.scorer import empathy_ratings, nan_median
from .probes import PROBES, ProbeName, apply_probe, probe_named
from .prompts import (
    DEFAULT_MAX_TOKENS,
    PROMPT_STYLES,
    PROMPT_VERSION,
    rated_turn_index,
    render_user_prompt,
    response_schema_for,
    system_prompt,
)
from .reference_data import register_ratings
from .structured import (
    STRUCTURED_MODES,
    format_config,
    rate,
)
from .task_options import TaskOptions, UnknownOptionError, option_parameters
from .transcript_tag import TRANSCRIPT_TAG_VERSION

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


@dataclass(frozen=True)
class Reference:
    """The reference a task's samples carry, and how to rebuild its panel.

    Attributes:
        spec: The panel's description (raters, scales, level, rule, crowd key, groups).
        ratings: ``{item_id: {sub_component: {name: rating}}}`` for every panel rater, the
            consensus (``expert_median``) and the crowd benchmark (``crowd``) when present.
        sub_components: The framework's sub-components (the log contract hashes each item's
            reference on every one of them, so the fingerprint names the whole panel).
    """

    spec: PanelSpec
    ratings: Mapping[str, Mapping[str, Mapping[str, float]]]
    sub_components: tuple[str, ...]


def reference_ratings(ratings: pd.DataFrame, framework: Framework) -> Reference:
    """The reference panel (group ``expert``) of a framework's ratings, per item.

    The crowd benchmark is the annotator named ``crowd`` when there is one (the release's
    per-item crowd means), else the per-item mean of the group ``crowd`` annotators.

    Args:
        ratings: The long ratings table (the release's or a pack's).
        framework: The rubric.

    Raises:
        TaskConfigError: The data has no expert ratings for this framework.
    """
    from ..datasets.release import CROWD_RATER_PREFIX

    try:
        data = panel_from_table(
            ratings,
            framework.id,
            sub_components=list(framework.columns),
            scales=[Scale(s.scale_min, s.scale_max) for s in framework.sub_components],
            level=framework.level_of_measurement,
            rule=framework.consensus,
        )
    except PanelError as error:
        raise TaskConfigError(f"{framework.id}: {error}") from error
    panel = data.panel
    consensus = panel.consensus()
    crowd = data.others.get(CROWD_KEY)
    if crowd is None:
        members = [a for a, g in data.groups.items() if g == "crowd" and a in data.others]
        if members:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                crowd = np.nanmean(np.stack([data.others[a] for a in members]), axis=0)
    reference: dict[str, dict[str, dict[str, float]]] = {}
    for i, item in enumerate(panel.items):
        per_sub: dict[str, dict[str, float]] = {}
        for j, sub in enumerate(panel.sub_components):
            values = {r: float(panel.values[i, j, k]) for k, r in enumerate(panel.raters)}
            values[CONSENSUS_KEY] = float(consensus[i, j])
            if crowd is not None:
                values[CROWD_KEY] = float(crowd[i, j])
            per_sub[sub] = values
        reference[item] = per_sub
    spec = PanelSpec(
        raters=panel.raters,
        scales={s.column: (s.scale_min, s.scale_max) for s in framework.sub_components},
        level=framework.level_of_measurement,
        rule=framework.consensus,
        crowd=CROWD_KEY if crowd is not None else None,
        groups={a: g for a, g in data.groups.items() if not a.startswith(CROWD_RATER_PREFIX)},
        polarity={s.column: s.polarity for s in framework.sub_components},
    )
    return Reference(spec, reference, panel.sub_components)


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


def _conversations_for(pack: Pack, conversations: str | None) -> list[Conversation]:
    if conversations:
        return list(user_data.load_user_conversations(conversations, pack.framework))
    try:
        return pack.conversations()
    except ConversationsUnavailableError as error:
        raise TaskConfigError(
            f"{error}. Pass the texts with -T conversations=PATH (columns documented in "
            "empathy_judge.datasets.user_data); the ratings of this framework still load."
        ) from error


def build_task(framework: str, **options: Any) -> Task:
    """Build the rating task of one framework pack.

    Args:
        framework: A packaged framework id or task name, or a framework pack folder (see
            `empathy_judge.datasets.pack`).
        **options: The task's ``-T`` options, the fields of
            `empathy_judge.evals.task_options.TaskOptions` (each documented there; the
            signature lists them).

    Returns:
        The Inspect task.

    Raises:
        TaskConfigError: A parameter is invalid.
    """
    try:
        given = TaskOptions.of(options)
    except UnknownOptionError as error:
        raise TaskConfigError(str(error)) from error
    data_dir, prompt, shots = given.data_dir, given.prompt, given.shots
    sub_components, conversations, seed = given.sub_components, given.conversations, given.seed
    epochs, structured, probe = given.epochs, given.structured, given.probe
    max_tokens = given.max_tokens
    if prompt not in PROMPT_STYLES:
        raise TaskConfigError(f"prompt must be one of {list(PROMPT_STYLES)}, not {prompt!r}")
    if structured not in STRUCTURED_MODES:
        raise TaskConfigError(
            f"structured must be one of {list(STRUCTURED_MODES)}, not {structured!r}"
        )
    if probe is not None and probe not in PROBES:
        raise TaskConfigError(f"probe must be one of {list(PROBES)}, not {probe!r}")
    if int(epochs) < 1:
        raise TaskConfigError("epochs must be >= 1")
    cap = DEFAULT_MAX_TOKENS[prompt] if max_tokens is None else max_tokens
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise TaskConfigError(f"max_tokens must be a positive integer, not {max_tokens!r}")
    pack = load_pack(framework, data_dir=data_dir)
    rubric = pack.framework
    subs = _select_sub_components(rubric, sub_components)
    n_shots = (DEFAULT_SHOTS if prompt == "few_shot" else 0) if shots is None else int(shots)
    if n_shots < 0:
        raise TaskConfigError("shots must be >= 0")

    items = _conversations_for(pack, conversations)
    _check_rated_turns(rubric, items)
    ratings = pack.ratings()
    unrated_subs = unrated_sub_components(rubric, ratings)
    if unrated_subs:
        logger.warning("%s", unrated_warning(rubric, unrated_subs))
    reference = reference_ratings(ratings, rubric)
    register_ratings(rubric.id, ratings)
    unrated = [c.item_id for c in items if c.item_id not in reference.ratings]
    if len(unrated) == len(items):
        raise TaskConfigError(
            f"none of the {len(items)} conversations has expert ratings in the {rubric.id} "
            f"data ({pack.source}; e.g. item {unrated[0]!r})"
        )
    if unrated:
        logger.warning(
            "%d conversations have no expert ratings and will not count towards agreement: %s",
            len(unrated),
            ", ".join(unrated[:5]) + (" ..." if len(unrated) > 5 else ""),
        )
    examples = _few_shot_examples(items, reference.ratings, subs, n_shots, seed)
    excluded = {c.item_id for c, _ in examples}
    rated = [c for c in items if c.item_id not in excluded]
    unchanged: tuple[str, ...] = ()
    if probe is not None:
        outcome = apply_probe(probe, rated)
        rated, unchanged = list(outcome.conversations), outcome.unchanged

    references = [
        {s.column: reference.ratings.get(c.item_id, {}).get(s.column, {}) for s in subs}
        for c in rated
    ]
    samples = [
        Sample(
            id=c.item_id,
            input=render_user_prompt(rubric, subs, c, prompt, examples),
            target=_consensus_target(reference.ratings.get(c.item_id, {}), subs),
            metadata={
                "framework": rubric.id,
                REFERENCE_KEY: item_reference,
                WORD_COUNT_KEY: c.metadata.get("supporter_word_count"),
            },
        )
        for c, item_reference in zip(rated, references, strict=True)
    ]
    schema = ResponseSchema(
        name=f"{rubric.task_name}_ratings",
        json_schema=JSONSchema.model_validate(response_schema_for(subs, rationale=prompt == "cot")),
        description=f"Ratings of a conversation on the {rubric.title} framework",
    )
    columns = [s.column for s in subs]
    scorer_spec = rubric.id if pack.is_release else str(pack.root)
    contract = LogContract.build(
        rubric.id,
        reference.spec,
        reference.ratings,
        reference.sub_components,
        [
            RubricEntry(s.column, s.label, float(s.scale_min), float(s.scale_max), s.polarity)
            for s in subs
        ],
        title=rubric.title,
        pack="release" if pack.is_release else pack.source,
        prompt=prompt,
        prompt_version=PROMPT_VERSION,
        transcript_tag=TRANSCRIPT_TAG_VERSION,
        probe=None
        if probe is None
        else ProbeRecord(probe, probe_named(probe).version, tuple(unchanged)),
    )
    metadata: dict[str, Any] = {
        **contract.to_metadata(),
        # Model-independent figures, computed once here rather than by every run's metric.
        REFERENCE_FIGURES_KEY: reference_figures(
            reference.spec.panel(rubric.id, [c.item_id for c in rated], references, columns),
            reference.spec.crowd_ratings(references, columns),
        ),
        # A pack's prompt is its rubric's: the rubric's version says which wording was used.
        "rubric_version": rubric.version,
        "rated_turn": None if rubric.rated_turn is None else rubric.rated_turn.spec,
        "max_tokens": cap,
        "shots": [c.item_id for c, _ in examples],
        "structured": structured,
        "seed": seed,
    }
    if int(epochs) > 1:
        metadata["self_consistency"] = (
            f"each of the {epochs} epochs samples with its own seed ({seed}..{seed + epochs - 1})"
            " at temperature 0 unless --temperature is given: a deterministic model repeats"
            " itself, so self_consistency is then trivially 1 (or NaN when every rating is the"
            " same), which says nothing about its stability"
        )
    return Task(
        name=rubric.task_name,
        dataset=MemoryDataset(samples, name=rubric.id),
        solver=rate(
            structured,
            schema,
            seed=seed if int(epochs) > 1 else None,
            system=system_prompt(rubric),
        ),
        scorer=empathy_ratings(scorer_spec, columns),
        metrics=[agreement(panel=reference.spec.to_dict())],
        epochs=Epochs(int(epochs), nan_median()),
        # An errored sample is scored too (all its ratings missing, the reason in its score), so
        # that the in-run parse rate, `report` and `compare` all count it as missing ratings;
        # errors still count toward --fail-on-error for the log's status.
        score_on_error=True,
        config=GenerateConfig(temperature=0.0, seed=seed, max_tokens=cap).merge(
            format_config(structured, schema)
        ),
        version=PROMPT_VERSION,
        metadata=metadata,
        # Declared, not left to metric order: `inspect view`'s SCORE and `evals_df`'s
        # score_headline_* columns are the mean κ against the expert consensus.
        headline_metric=HeadlineMetric(scorer=SCORER_NAME, metric=HEADLINE_METRIC),
        viewer=_viewer_config(probe),
    )


# Inspect and `empathy-judge tasks` read the options from the signature: TaskOptions' fields.
vars(build_task)["__signature__"] = inspect.Signature(
    [
        inspect.Parameter("framework", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str),
        *option_parameters(),
    ],
    return_annotation=Task,
)


def _check_rated_turns(framework: Framework, conversations: Sequence[Conversation]) -> None:
    """Every conversation must hold the turn the rubric rates."""
    if framework.rated_turn is None:
        return
    missing = [c.item_id for c in conversations if rated_turn_index(framework, c) is None]
    if missing:
        raise TaskConfigError(
            f"{framework.id}: rated_turn = {framework.rated_turn.spec!r}, but {len(missing)}"
            f" conversation(s) have no {framework.rated_turn.name} turn, e.g. {missing[0]!r}"
        )


def _viewer_config(probe: ProbeName | None) -> ViewerConfig | None:
    """Plain-text display in `inspect view` for probe runs, whose transcripts carry injected text.

    A probe puts text into the transcript that no speaker wrote (e.g. an instruction to give the
    top rating); the viewer must show it, and the model's answer to it, as text rather than
    render its markdown, links or media.
    """
    return None if probe is None else ViewerConfig(trust_content=False)


def _consensus_target(
    reference: Mapping[str, Mapping[str, float]], subs: Sequence[SubComponent]
) -> str:
    """The expert consensus as the sample's target: ``inspect view`` shows it beside the model."""
    values: dict[str, float | int | None] = {}
    for sub in subs:
        value = float(reference.get(sub.column, {}).get(CONSENSUS_KEY, float("nan")))
        values[sub.column] = (
            None if math.isnan(value) else (int(value) if value.is_integer() else value)
        )
    return json.dumps(values)
