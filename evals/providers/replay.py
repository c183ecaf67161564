"""``replay/<annotator>``: answer with an annotator's ratings from the data the task runs on.

The provider turns an annotator's ratings — the release's (Gemini 2.5 Pro, and GPT-4o, Claude
3.7 Sonnet, the three experts and the crowd when their files are present) or any annotator of a
framework pack (say ``replay/my-gpt4-ratings`` for LLM ratings a user already has) — into
completions in the format a model gives, a JSON object sub-component → rating, so existing
annotations run through the whole pipeline (parser, metrics, logs, reports).

The ratings come from the table the task registered for the prompt's framework
(`empathy_judge.evals.reference_data`); a framework no task registered is looked up in the
release. They are loaded on the first prompt of each framework, so an unknown annotator is
reported then, with the annotators that framework's data holds.

Which item is being rated is read from the prompt itself: the task wraps the conversation in
``<transcript framework="..." item="...">`` (see :mod:`empathy_judge.evals.transcript_tag`).
Conversation text is escaped so that it can never hold such a tag, and the provider answers only
a last user message with exactly one: a prompt with two (a forged one) is refused, not guessed
at. The sub-components answered are the keys the prompt's instructions list after the transcript
(so ``-T structured=none`` works too); a hand-written prompt without that list gets the response
schema's properties, or every rating of the item. Ratings the annotator left blank are omitted,
so they parse as missing.

The crowd's ratings are per-item means (2.667 on a 1-5 scale), which the parser would reject as
non-integer; fractional ratings are therefore rounded half up to the nearest level. The statistics
engine's crowd reference rows use the exact means from the release, not this provider.

``-M shuffle_seed=N`` deliberately permutes each framework's answers across items (a degraded
candidate for regression tests of the reports); the permutation depends only on N and the item
ids.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import (
    ChatMessage,
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from ...datasets.errors import EmpathyJudgeError
from ...datasets.release import CROWD_RATER_PREFIX
from ..prompts import requested_keys
from ..transcript_tag import (
    TRANSCRIPT_OPEN,
    TranscriptTagError,
    locate_transcript,
)

# (framework, item_id) -> {sub_component: rating}
Answers = dict[tuple[str, str], dict[str, float]]


class ReplayError(EmpathyJudgeError, PrerequisiteError, ValueError):
    """The replay provider cannot answer (unknown annotator, untagged prompt, unknown item).

    Also an Inspect ``PrerequisiteError``, so ``inspect eval`` shows it as a one-line message.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


def round_half_up(value: float) -> int:
    """Round to the nearest integer, halves upwards (2.5 -> 3), unlike Python's banker's round."""
    return math.floor(value + 0.5)


def available_annotators(ratings: pd.DataFrame) -> list[str]:
    """Annotators that can be replayed, individual crowd raters excluded from the listing."""
    names = ratings["annotator"].drop_duplicates().tolist()
    return sorted(str(n) for n in names if not str(n).startswith(CROWD_RATER_PREFIX))


def annotator_answers(
    ratings: pd.DataFrame, annotator: str, *, shuffle_seed: int | None = None
) -> Answers:
    """One annotator's ratings per item, as the replay provider answers them.

    Args:
        ratings: A long ratings table (the release's, or a pack's).
        annotator: Any annotator of the table.
        shuffle_seed: When set, each framework's answers are permuted across its items.

    Returns:
        Ratings per (framework, item_id), missing ratings left out; fractional ratings (the
        crowd's per-item means) rounded half up.

    Raises:
        ReplayError: The annotator is not in the table; the message lists the available ones.
    """
    table = ratings[ratings["annotator"] == annotator]
    if table.empty:
        available = available_annotators(ratings)
        raters = ratings["annotator"].astype(str).str.startswith(CROWD_RATER_PREFIX)
        extra = (
            f" (and {ratings.loc[raters, 'annotator'].nunique()} individual"
            f" '{CROWD_RATER_PREFIX}<user_id>' raters)"
            if raters.any()
            else ""
        )
        frameworks = sorted(str(f) for f in ratings["framework"].unique())
        raise ReplayError(
            f"replay/{annotator}: no such annotator in the data of {', '.join(frameworks)}; "
            f"available: {', '.join(available)}{extra}"
        )
    table = table[table["rating"].notna()]
    # Means over raters (the crowd's) are not levels: round them half up to the nearest level.
    values = np.floor(table["rating"].to_numpy(dtype=float) + 0.5)

    answers: Answers = {}
    for framework, item_id, sub, value in zip(
        table["framework"], table["item_id"], table["sub_component"], values, strict=True
    ):
        answers.setdefault((str(framework), str(item_id)), {})[str(sub)] = float(value)
    # Items the annotator rated but left entirely blank still get an (empty) answer.
    for framework, item_id in ratings.loc[
        ratings["annotator"] == annotator, ["framework", "item_id"]
    ].itertuples(index=False):
        answers.setdefault((str(framework), str(item_id)), {})
    if shuffle_seed is not None:
        answers = _shuffled(answers, shuffle_seed)
    return answers


def _shuffled(answers: Answers, seed: int) -> Answers:
    """Permute answers across items within each framework, reproducibly."""
    shuffled: Answers = {}
    for framework in sorted({f for f, _ in answers}):
        keys = sorted(k for k in answers if k[0] == framework)
        order = np.random.default_rng(seed).permutation(len(keys))
        for key, source in zip(keys, order, strict=True):
            shuffled[key] = answers[keys[int(source)]]
    return shuffled


def render_answer(ratings: Mapping[str, float], wanted: list[str] | None = None) -> str:
    """The JSON completion: integers as ints, in the order of ``wanted`` when given."""
    columns = [c for c in wanted if c in ratings] if wanted else list(ratings)
    return json.dumps(
        {c: int(ratings[c]) if float(ratings[c]).is_integer() else ratings[c] for c in columns}
    )


def _wanted_columns(prompt: str, config: GenerateConfig) -> list[str] | None:
    """The sub-components asked for: the prompt's key list, else the response schema's."""
    keys = requested_keys(prompt)
    if keys is not None:
        return keys
    if config.response_schema is None:
        return None
    properties = config.response_schema.json_schema.properties
    return list(properties) if properties else None


_DEFAULT_CONFIG = GenerateConfig()


class ReplayAPI(ModelAPI):
    """Answers each rating prompt with an annotator's released ratings for that item."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = _DEFAULT_CONFIG,
        data_dir: str | None = None,
        shuffle_seed: int | str | None = None,
        **model_args: Any,
    ) -> None:
        """Load the annotator's ratings.

        Args:
            model_name: The annotator (the part after ``replay/``).
            base_url: Unused.
            api_key: Unused.
            config: Generation defaults (ignored: the answers are fixed).
            data_dir: The release folder; default resolution (``EMPATHY_JUDGE_DATA``, cache,
                download) when unset.
            shuffle_seed: Permute answers across items with this seed.
            **model_args: Not accepted; listed in the error.

        Raises:
            ReplayError: Unknown model arguments, an annotator absent from the release, or a
                release that cannot be loaded (the loader's message).
        """
        super().__init__(model_name, base_url, api_key, [], config)
        if model_args:
            raise ReplayError(
                f"replay/{model_name}: unknown model arguments {sorted(model_args)}; "
                "accepted: data_dir, shuffle_seed"
            )
        self.data_dir = None if data_dir is None else Path(data_dir)
        self.shuffle_seed = None if shuffle_seed is None else int(shuffle_seed)
        self._answers: dict[str, Answers] = {}

    def answers_for(self, framework: str) -> Answers:
        """The annotator's answers for one framework's items (loaded once).

        Raises:
            ReplayError: The data cannot be loaded, or the annotator has no ratings there.
        """
        if framework not in self._answers:
            from ..reference_data import registered_ratings

            ratings = registered_ratings(framework)
            if ratings is None:
                from ...datasets.release import load_ratings

                try:
                    ratings = load_ratings(self.data_dir)
                except EmpathyJudgeError as error:
                    raise ReplayError(f"replay/{self.model_name}: {error}") from error
                ratings = ratings[ratings["framework"] == framework]
                if ratings.empty:
                    raise ReplayError(
                        f"replay/{self.model_name}: no ratings for framework {framework!r}: no"
                        " task registered a pack of that id and the release has none"
                    )
            self._answers[framework] = annotator_answers(
                ratings, self.model_name, shuffle_seed=self.shuffle_seed
            )
        return self._answers[framework]

    def max_connections(self) -> int:
        """Answers are a dictionary lookup: no reason to throttle."""
        return 256

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Answer with the annotator's ratings of the item tagged in the last user message."""
        users = [m for m in input if isinstance(m, ChatMessageUser)]
        prompt = users[-1].text if users else ""
        try:
            found = locate_transcript(prompt)
        except TranscriptTagError as error:
            raise ReplayError(f"replay/{self.model_name}: {error}") from error
        if found is None:
            raise ReplayError(
                f"replay/{self.model_name}: the last user message has no transcript tag "
                f"{TRANSCRIPT_OPEN!r}, so the item being rated is unknown"
            )
        tag = (found.framework, found.item_id)
        # An item the annotator skipped has no answer: every rating parses as missing.
        ratings = self.answers_for(found.framework).get(tag, {})
        output = ModelOutput.from_content(
            model=f"replay/{self.model_name}",
            content=render_answer(ratings, _wanted_columns(prompt, config)),
        )
        output.usage = ModelUsage(input_tokens=0, output_tokens=0, total_tokens=0)
        return output
