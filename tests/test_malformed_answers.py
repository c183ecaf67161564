"""Malformed model answers end to end: counted as parse failures, never a crash, never 0."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.model import ModelOutput, ModelUsage, get_model

from empathy_judge.evals.tasks import TASKS

pytestmark = pytest.mark.release

ANSWERS = [
    "I cannot rate this conversation.",  # nothing usable: 3 missing
    '{"level_emotional_reactions": 2, "level_explorations": 7, "level_interpretations": "x"}',
    '```json\n{"level_emotional_reactions": 1, "level_explorations": 0,'
    ' "level_interpretations": 2}\n```',
]


def _output(content: str) -> ModelOutput:
    output = ModelOutput.from_content(model="mockllm/model", content=content)
    # mockllm counts tokens with tiktoken, which downloads a file: give usage up front.
    output.usage = ModelUsage(input_tokens=10, output_tokens=10, total_tokens=20)
    return output


def test_malformed_answers_are_parse_failures(release_dir: Path, tmp_path: Path) -> None:
    model = get_model("mockllm/model", custom_outputs=[_output(a) for a in ANSWERS])
    (log,) = inspect_eval(
        TASKS["epitome"](data_dir=str(release_dir)),
        model=model,
        limit=3,
        max_connections=1,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    assert log.samples is not None
    scores: list[Any] = [s.scores["empathy_ratings"] for s in log.samples]  # type: ignore[index]
    statuses = sorted(s.metadata["parse"]["status"] for s in scores)
    assert statuses == ["failed", "ok", "partial"]
    partial = next(s for s in scores if s.metadata["parse"]["status"] == "partial")
    assert partial.value["level_emotional_reactions"] == 2
    # 7 is outside EPITOME's 0-2 scale and "x" is no number: invalid, kept raw, never clipped/0.
    assert math.isnan(partial.value["level_explorations"])
    assert math.isnan(partial.value["level_interpretations"])
    assert set(partial.metadata["parse"]["invalid"]) == {
        "level_explorations",
        "level_interpretations",
    }
    failed = next(s for s in scores if s.metadata["parse"]["status"] == "failed")
    assert all(math.isnan(v) for v in failed.value.values())
    assert failed.answer == ANSWERS[0]
    assert log.results is not None
    metrics = log.results.scores[0].metrics
    # 4 valid ratings of the 9 asked for.
    assert metrics["parse_rate"].value == pytest.approx(4 / 9)
