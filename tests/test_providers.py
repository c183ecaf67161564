"""The project's model providers: replay of published annotators and the local GGUF model.

Expected ratings below were read by hand from the release's CSV files
(``annotations/<framework>/<annotator>_ratings.csv``).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import (
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
    ResponseSchema,
    get_model,
)
from inspect_ai.scorer import Score, Target, accuracy, scorer
from inspect_ai.solver import TaskState, generate
from inspect_ai.util import JSONSchema

from empathy_judge.datasets.release import load_ratings
from empathy_judge.evals.providers.replay import (
    ReplayError,
    annotator_answers,
    round_half_up,
)
from empathy_judge.evals.transcript_tag import (
    TranscriptTagError,
    find_transcript_item,
    format_transcript_open,
    locate_transcript,
)

ER = "level_emotional_reactions"
IP = "level_interpretations"
EX = "level_explorations"
LAE_ITEM = "20241031142911674809"


def _prompt(framework: str, item_id: str, preamble: str = "Rate this conversation.") -> str:
    return (
        f"{preamble}\n{format_transcript_open(framework, item_id)}\n"
        "Seeker: (text)\nSupporter: (text)\n</transcript>"
    )


@scorer(metrics=[accuracy()])
def _answered():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=1, answer=state.output.completion)

    return score


def _run(samples: list[Sample], model: str, tmp_path: Path, **model_args: object) -> list[str]:
    task = Task(dataset=MemoryDataset(samples), solver=generate(), scorer=_answered())
    [log] = eval(
        task,
        model=model,
        model_args=dict(model_args),
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    assert log.samples is not None
    by_id = {str(s.id): s.output.completion for s in log.samples}
    return [by_id[str(s.id)] for s in samples]


# --- transcript tag ----------------------------------------------------------------------------


def _example(body: str = "Seeker: (example)\nSupporter: (example)") -> str:
    # A few-shot example as the task writes it: a plain delimiter without attributes.
    return f"Example:\n<transcript>\n{body}\n</transcript>\n"


def test_transcript_tag_round_trip_and_the_one_tag_counts() -> None:
    assert format_transcript_open("epitome", "97keuy") == (
        '<transcript framework="epitome" item="97keuy">'
    )
    assert find_transcript_item(_example() + _prompt("epitome", "97keuy")) == (
        "epitome",
        "97keuy",
    )
    assert find_transcript_item("no tag here <transcript>") is None
    # Two tagged openings: no guessing which one the task wrote.
    two = _prompt("epitome", "5ziak3") + "\n" + _prompt("epitome", "97keuy")
    assert find_transcript_item(two) is None
    with pytest.raises(TranscriptTagError, match="2 tagged transcript openings"):
        locate_transcript(two)
    # Any id fits in the tag and comes back unchanged.
    assert format_transcript_open("epitome", 'a"b') == (
        '<transcript framework="epitome" item="a&quot;b">'
    )
    assert find_transcript_item(_prompt("epitome", 'a"b')) == ("epitome", 'a"b')
    with pytest.raises(ValueError, match="must not be empty"):
        format_transcript_open("epitome", "")


# --- replay ------------------------------------------------------------------------------------


@pytest.mark.release
def test_replay_gemini_through_inspect_eval(release_dir: Path, tmp_path: Path) -> None:
    samples = [
        Sample(id="97keuy", input=_prompt("epitome", "97keuy")),
        Sample(id="5ziak3", input=_prompt("epitome", "5ziak3")),
        Sample(id="ed", input=_prompt("empatheticdialogues", "hit:401_conv:803")),
    ]
    completions = _run(samples, "replay/gemini-2.5-pro", tmp_path, data_dir=str(release_dir))
    assert [json.loads(c) for c in completions] == [
        {ER: 2, IP: 0, EX: 0},
        {ER: 1, IP: 0, EX: 0},
        {"empathy": 3, "relevance": 5, "fluency": 5},
    ]
    # Integers are written as integers, not 2.0, so the parser sees what a model would write.
    assert '"level_emotional_reactions": 2' in completions[0]


@pytest.mark.release
def test_replay_expert_and_few_shot_prompt(release_dir: Path, tmp_path: Path) -> None:
    # The example transcript comes first, untagged; the item rated is the tagged one (97keuy).
    prompt = _example() + "Now:\n" + _prompt("epitome", "97keuy")
    [completion] = _run(
        [Sample(id="x", input=prompt)], "replay/expert3", tmp_path, data_dir=str(release_dir)
    )
    assert json.loads(completion) == {ER: 1, IP: 1, EX: 1}


@pytest.mark.release
def test_replay_crowd_rounds_means_half_up(release_dir: Path, tmp_path: Path) -> None:
    # crowd_ratings.csv: 4.75, 4.5, 3.75, 1.5, 2.25, 1.25; 4.5 -> 5 (Python's round gives 4).
    [completion] = _run(
        [Sample(id="lae", input=_prompt("lend_an_ear", LAE_ITEM))],
        "replay/crowd",
        tmp_path,
        data_dir=str(release_dir),
    )
    assert json.loads(completion) == {
        "validating_emotions": 5,
        "encouraging_elaboration": 5,
        "demonstrating_understanding": 4,
        "self_oriented": 2,
        "advice_giving": 2,
        "dismissing_emotions": 1,
    }


def test_round_half_up() -> None:
    assert [round_half_up(x) for x in (2.5, 4.5, 2.4999, 1.25, 2.6666666666666665)] == [
        3,
        5,
        2,
        1,
        3,
    ]


@pytest.mark.release
def test_replay_answers_the_keys_the_prompt_lists(release_dir: Path) -> None:
    # No response schema (-T structured=none): the instructions after the transcript name the keys.
    model = get_model("replay/gemini-2.5-pro", data_dir=str(release_dir), memoize=False)
    prompt = (
        _prompt("epitome", "97keuy")
        + f'\n\nAnswer with a JSON object. The keys are: "{EX}" (0–2), "{IP}" (0–2).'
    )
    output = asyncio.run(model.generate([ChatMessageUser(content=prompt)]))
    assert output.completion == f'{{"{EX}": 0, "{IP}": 0}}'


@pytest.mark.release
def test_replay_refuses_a_prompt_with_two_tags(release_dir: Path) -> None:
    model = get_model("replay/gemini-2.5-pro", data_dir=str(release_dir), memoize=False)
    two = _prompt("epitome", "97keuy") + "\n" + _prompt("epitome", "5ziak3")
    with pytest.raises(ReplayError, match="2 tagged transcript openings"):
        asyncio.run(model.generate(two))


@pytest.mark.release
def test_replay_answers_only_the_schema_sub_components(release_dir: Path) -> None:
    model = get_model("replay/gemini-2.5-pro", data_dir=str(release_dir), memoize=False)
    schema = ResponseSchema(
        name="ratings",
        json_schema=JSONSchema(
            type="object",
            properties={EX: JSONSchema(type="integer"), ER: JSONSchema(type="integer")},
        ),
    )
    output = asyncio.run(
        model.generate(
            [ChatMessageUser(content=_prompt("epitome", "97keuy"))],
            config=GenerateConfig(response_schema=schema),
        )
    )
    assert output.completion == f'{{"{EX}": 0, "{ER}": 2}}'
    assert output.usage is not None
    assert output.usage.total_tokens == 0


@pytest.mark.release
def test_unknown_annotator_lists_available_ones(release_dir: Path) -> None:
    # The data is read on the first prompt (a task may register a pack's ratings first).
    model = get_model("replay/gpt-5", data_dir=str(release_dir), memoize=False)
    with pytest.raises(ReplayError) as info:
        asyncio.run(model.generate(_prompt("epitome", "97keuy")))
    message = str(info.value)
    assert "replay/gpt-5" in message
    for name in ("gemini-2.5-pro", "expert1", "expert2", "expert3", "crowd"):
        assert name in message


@pytest.mark.release
def test_untagged_prompt_and_unknown_framework_fail_clearly(release_dir: Path) -> None:
    model = get_model("replay/expert1", data_dir=str(release_dir), memoize=False)
    with pytest.raises(ReplayError, match="no transcript tag"):
        asyncio.run(model.generate("Rate: Seeker: hi"))
    with pytest.raises(ReplayError, match="framework 'nope'"):
        asyncio.run(model.generate(_prompt("nope", "1")))


def _answers_of(table: dict[tuple[str, str], dict[str, float]], framework: str) -> Counter[str]:
    return Counter(json.dumps(v, sort_keys=True) for (f, _), v in table.items() if f == framework)


@pytest.mark.release
def test_shuffle_permutes_answers_deterministically(release_dir: Path, tmp_path: Path) -> None:
    ratings = load_ratings(release_dir)
    plain = annotator_answers(ratings, "gemini-2.5-pro")
    first = annotator_answers(ratings, "gemini-2.5-pro", shuffle_seed=7)
    again = annotator_answers(ratings, "gemini-2.5-pro", shuffle_seed=7)
    other = annotator_answers(ratings, "gemini-2.5-pro", shuffle_seed=8)
    assert first == again
    assert first != plain
    assert first != other
    assert set(first) == set(plain)
    for framework in {f for f, _ in plain}:
        # A permutation: the same answers, moved to other items of the same framework.
        assert _answers_of(first, framework) == _answers_of(plain, framework)
        moved = sum(first[k] != plain[k] for k in plain if k[0] == framework)
        assert moved > 10  # of 50 items, nearly all move under a random permutation

    # The provider applies the same permutation: 97keuy gets the answer shuffled onto it.
    [completion] = _run(
        [Sample(id="97keuy", input=_prompt("epitome", "97keuy"))],
        "replay/gemini-2.5-pro",
        tmp_path,
        data_dir=str(release_dir),
        shuffle_seed=7,
    )
    assert json.loads(completion) == {k: int(v) for k, v in first[("epitome", "97keuy")].items()}


# --- gguf --------------------------------------------------------------------------------------


def _llama_cpp_missing() -> bool:
    return importlib.util.find_spec("llama_cpp") is None


@pytest.mark.gguf
@pytest.mark.skipif(
    _llama_cpp_missing(), reason='llama-cpp-python is not installed: pip install -e ".[local]"'
)
def test_gguf_smollm2_returns_schema_json(tmp_path: Path) -> None:
    schema = ResponseSchema(
        name="ratings",
        json_schema=JSONSchema(
            type="object",
            properties={
                "empathy": JSONSchema(type="integer", enum=[1, 2, 3, 4, 5]),
                "fluency": JSONSchema(type="integer", enum=[1, 2, 3, 4, 5]),
            },
            required=["empathy", "fluency"],
            additionalProperties=False,
        ),
    )
    task = Task(
        dataset=MemoryDataset(
            [
                Sample(
                    id="one",
                    input=(
                        "Rate the supporter's empathy and fluency from 1 to 5 as JSON.\n"
                        + _prompt("empatheticdialogues", "x")
                    ),
                )
            ]
        ),
        solver=generate(),
        scorer=_answered(),
        config=GenerateConfig(response_schema=schema, max_tokens=64, seed=1),
    )
    [log] = eval(task, model="gguf/smollm2", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    assert log.samples is not None
    output: ModelOutput = log.samples[0].output
    answer = json.loads(output.completion)
    assert set(answer) == {"empathy", "fluency"}
    assert all(answer[k] in (1, 2, 3, 4, 5) for k in answer)
    assert output.usage is not None
    assert output.usage.input_tokens > 0
    assert output.usage.output_tokens > 0


def test_gguf_unknown_name_needs_a_model_path() -> None:
    from inspect_ai._util.error import PrerequisiteError

    from empathy_judge.evals.providers.gguf import resolve_model_path

    with pytest.raises(PrerequisiteError) as info:
        resolve_model_path("llama3")
    assert "-M model_path=" in str(info.value.message)
    with pytest.raises(PrerequisiteError) as info:
        resolve_model_path("llama3", "/nonexistent/model.gguf")
    assert "is not a file" in str(info.value.message)
