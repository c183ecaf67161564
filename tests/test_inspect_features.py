"""What the tasks declare to Inspect itself: headline metric, reason codes, viewer trust."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.analysis import evals_df
from inspect_ai.log import read_eval_log
from inspect_ai.model import ContentText, ModelOutput, ModelUsage, get_model

from empathy_judge.datasets.rubric import load_framework
from empathy_judge.evals.tasks import TASKS
from empathy_judge.scorers.parse import parse_ratings
from empathy_judge.scorers.scorer import unrated_reason

EPITOME_OK = '{"level_emotional_reactions": 1, "level_interpretations": 0, "level_explorations": 2}'


def _output(content: str, **kwargs: Any) -> ModelOutput:
    output = ModelOutput.from_content(model="mockllm/model", content=content, **kwargs)
    # mockllm counts tokens with tiktoken, which downloads a file: give usage up front.
    output.usage = ModelUsage(input_tokens=10, output_tokens=10, total_tokens=20)
    return output


def test_reason_codes_name_what_is_missing() -> None:
    rubric = load_framework("epitome")
    ok = parse_ratings(EPITOME_OK, rubric)
    assert unrated_reason(EPITOME_OK, ok) == (None, "")

    text = '{"level_emotional_reactions": 2, "level_explorations": 7}'
    code, why = unrated_reason(text, parse_ratings(text, rubric))
    assert code == "invalid_response_format"
    assert why == (
        "ratings missing (invalid_response_format): no rating for level_interpretations; "
        "not a level of the scale: level_explorations='7'"
    )
    empty = parse_ratings("", rubric)
    assert unrated_reason("", empty)[0] == "no_response"
    refusal = "I can't help with rating this."
    filtered = _output(refusal, stop_reason="content_filter")
    assert unrated_reason(refusal, parse_ratings(refusal, rubric), filtered)[0] == "refusal"
    flagged = _output("")
    flagged.choices[0].message.content = [ContentText(text=refusal, refusal=True)]
    assert unrated_reason(refusal, parse_ratings(refusal, rubric), flagged)[0] == "refusal"
    cut = _output('{"level_emotional_reactions": 1, "level_inter', stop_reason="max_tokens")
    code, why = unrated_reason(cut.completion, parse_ratings(cut.completion, rubric), cut)
    assert code == "invalid_response_format"
    assert why.endswith("the answer was cut off (stop reason max_tokens)")


@pytest.mark.release
def test_log_declares_kappa_and_shows_why_a_sample_has_no_rating(
    release_dir: Path, tmp_path: Path
) -> None:
    answers = [
        "I cannot rate this conversation.",
        EPITOME_OK,
        "",
    ]
    outputs = [_output(a) for a in answers]
    outputs[0].choices[0].stop_reason = "content_filter"
    model = get_model("mockllm/model", custom_outputs=outputs)
    task = TASKS["epitome"](data_dir=str(release_dir))
    assert task.headline_metric is not None and task.headline_metric.metric == "kappa"
    assert task.viewer is None  # a plain run: Inspect's default display
    (log,) = inspect_eval(
        task, model=model, limit=3, max_connections=1, log_dir=str(tmp_path), display="none"
    )
    assert log.status == "success", log.error
    read = read_eval_log(log.location)
    assert read.samples is not None
    scores = [s.scores["empathy_ratings"] for s in read.samples]  # type: ignore[index]
    by_answer = {score.answer: score for score in scores}
    refused, good, empty = (by_answer[a] for a in answers)
    assert refused.reason == "refusal"
    # The parser's reason leads the explanation; the reason code says it was a refusal.
    assert refused.explanation is not None and refused.explanation.startswith(
        "parse failed: no rating found in the answer"
    )
    assert all(math.isnan(float(v)) for v in refused.value.values())  # type: ignore[union-attr,arg-type]
    assert empty.reason == "no_response"
    assert good.reason is None and good.explanation is None
    # The declared headline is what Inspect's own dataframe reads as the headline.
    frame = evals_df(str(tmp_path), quiet=True)
    (row,) = frame.to_dict("records")
    assert row["score_headline_metric"] == "kappa"
    assert row["score_headline_value"] == pytest.approx(row["score_empathy_ratings_kappa"])
    assert read.eval.headline_metric is not None
    assert read.eval.headline_metric.metric == "kappa"


@pytest.mark.release
def test_probe_runs_are_shown_as_plain_text(release_dir: Path) -> None:
    plain = TASKS["epitome"](data_dir=str(release_dir))
    probed = TASKS["epitome"](data_dir=str(release_dir), probe="injection")
    assert plain.viewer is None
    assert probed.viewer is not None and probed.viewer.trust_content is False
