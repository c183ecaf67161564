"""Issue 19: the prompt fits a pack, the packaged prompts stay byte-identical, answers have a cap.

The hashes below were computed from the prompts before the pack framing existed (commit
885b221, PROMPT_VERSION 3): a system prompt and a user prompt of each prompt style for each
packaged framework, on one fixed conversation (with a few-shot example for ``few_shot``). A
change to any of them must bump PROMPT_VERSION and say so in evals/README.md's changelog.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from empathy_judge.datasets.conversation import Conversation, Turn
from empathy_judge.datasets.rubric import RubricError, all_frameworks, parse_rubric
from empathy_judge.evals.prompts import (
    DEFAULT_MAX_TOKENS,
    PROMPT_VERSION,
    SYSTEM_PROMPT,
    render_user_prompt,
    system_prompt,
)

PACKAGED_PROMPT_SHA256 = {
    "empatheticdialogues/zero_shot": "999e5324eaab4f57d6766d21dcd54761d6c52ff4905651b1252fb7425c58f612",  # noqa: E501
    "empatheticdialogues/few_shot": "5ff0cd874095fb5c1351f60bca24f4cb0a1056de830c0f5865794258a4a051aa",  # noqa: E501
    "empatheticdialogues/cot": "85b1a55eafa12e0457e8d003fe4591492c69b9dded7b5ba4e4e8e8547f7bf345",
    "epitome/zero_shot": "9616a2c3da102b08c004974f380a52ebe95f74962f1952365c3d74e72d583d28",
    "epitome/few_shot": "b256c12d3a27beaf52f5b4db75cd24cb4542054d16bea8732b5dfe4eca3d90bd",
    "epitome/cot": "0453f6a9c42ab5ff17b57be3bca4f81a023919d0dc47671ec3d67a2c5695f277",
    "perceived_empathy/zero_shot": "8475d2c100735b3571453baba19109570f3b944ffd0ea8b3c31277374805f213",  # noqa: E501
    "perceived_empathy/few_shot": "144e23912ec07d814609b1ebd8202c3ec99644b6807af8495dfa415da9154f9e",  # noqa: E501
    "perceived_empathy/cot": "f8a76ba9b7cf02df0718b8701a10223f91285518161c7c11eb0ee9f4bed5db15",
    "lend_an_ear/zero_shot": "f7828e682a640471a7e5fd173498060aa8313d7a6d0f2a83020aa0f358205036",
    "lend_an_ear/few_shot": "7be30de5b613077e6e50011b5f1838332e836738cfd48430523fc833ad4ac6d7",
    "lend_an_ear/cot": "d34222194e160e91f51ff0bc1605cb1d7014ee99ce377eae8cc7bba3773fc01e",
}  # fmt: skip


def test_packaged_prompts_are_byte_identical_to_prompt_version_3() -> None:
    assert PROMPT_VERSION == 3
    found = {}
    for framework in all_frameworks():
        conversation = Conversation(
            framework.id,
            "item-1",
            (
                Turn("Seeker", "I lost my job last week and I can't sleep."),
                Turn("Supporter", "That sounds frightening. What has been hardest?"),
                Turn("Seeker", "Telling my family </transcript> about it."),
                Turn("Supporter", "It makes sense that you dread that conversation."),
            ),
        )
        example = Conversation(
            framework.id,
            "item-2",
            (Turn("Seeker", "My cat died."), Turn("Supporter", "I'm so sorry.")),
        )
        labels = {s.column: s.scale_min for s in framework.sub_components}
        for style in ("zero_shot", "few_shot", "cot"):
            examples = [(example, labels)] if style == "few_shot" else []
            text = (
                system_prompt(framework)
                + "\0"
                + render_user_prompt(
                    framework, framework.sub_components, conversation, style, examples
                )
            )
            found[f"{framework.id}/{style}"] = hashlib.sha256(text.encode()).hexdigest()
        assert system_prompt(framework) == SYSTEM_PROMPT
    assert found == PACKAGED_PROMPT_SHA256


RUBRIC = {
    "id": "mi",
    "title": "MI",
    "unit": "A therapist turn.",
    "level_of_measurement": "ordinal",
    "speakers": {"seeker": "Client", "supporter": "Therapist"},
    "sub_components": [
        {
            "column": "reflection",
            "label": "Reflection",
            "definition": "Reflects.",
            "scale_min": 0,
            "scale_max": 2,
            "polarity": "positive",
            "anchors": {"0": "no", "1": "simple", "2": "complex"},
        }
    ],
}


def test_rated_turn_is_validated_against_the_speakers() -> None:
    assert parse_rubric(RUBRIC, "r.toml").rated_turn is None
    last = parse_rubric({**RUBRIC, "rated_turn": "last"}, "r.toml").rated_turn
    assert last is not None and (last.role, last.name, last.spec) == (
        "Supporter",
        "Therapist",
        "last:Therapist",
    )
    client = parse_rubric({**RUBRIC, "rated_turn": "last:client"}, "r.toml").rated_turn
    assert client is not None and (client.role, client.name) == ("Seeker", "Client")
    assert client.index(["Seeker", "Supporter", "Seeker", "Supporter"]) == 2
    with pytest.raises(RubricError) as info:
        parse_rubric({**RUBRIC, "rated_turn": "first"}, "r.toml")
    assert str(info.value).startswith("r.toml: field 'rated_turn' must be")
    assert info.value.detail.startswith("field 'rated_turn' must be")


def test_version_and_framing_are_read() -> None:
    framework = parse_rubric(
        {**RUBRIC, "version": "2026-01", "framing": {"role": "You code MI sessions."}}, "r.toml"
    )
    assert framework.version == "2026-01"
    assert framework.framing is not None and framework.framing.context == ""
    assert system_prompt(framework).startswith(
        "You code MI sessions. You rate conversations in which one person (the Client) shares a"
        " personal problem and another (the Therapist) responds. You rate only the Therapist's"
        " communication, following the rubric you are given exactly.\n\n"
    )
    with pytest.raises(RubricError, match=r"unknown field 'framing\.task'"):
        parse_rubric({**RUBRIC, "framing": {"task": "x"}}, "r.toml")
    with pytest.raises(RubricError, match="field 'version'"):
        parse_rubric({**RUBRIC, "version": True}, "r.toml")


def test_cot_asks_to_reason_about_the_packs_supporter() -> None:
    framework = parse_rubric({**RUBRIC, "rated_turn": "last"}, "r.toml")
    conversation = Conversation(
        "mi", "u1", (Turn("Seeker", "hi"), Turn("Supporter", "a"), Turn("Supporter", "b"))
    )
    prompt = render_user_prompt(framework, framework.sub_components, conversation, "cot")
    assert "First reason briefly about the Therapist's rated turn for each" in prompt
    assert "Therapist: a\nTherapist (rated turn): b\n</transcript>" in prompt


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "peer_listening"


def _eval(tmp_path: Path, task_args: dict[str, Any], **eval_args: Any) -> EvalLog:
    (log,) = inspect_eval(
        "empathy_judge/custom",
        task_args={"framework": str(EXAMPLE), **task_args},
        model="replay/rater_a",
        limit=2,
        log_dir=str(tmp_path),
        display="none",
        **eval_args,
    )
    assert log.status == "success", log.error
    return log


@pytest.mark.parametrize(
    ("task_args", "eval_args", "expected_cap", "expected_config"),
    [
        ({}, {}, 256, 256),
        ({"prompt": "cot"}, {}, 1536, 1536),
        ({"max_tokens": 77}, {}, 77, 77),
        # Inspect's --max-tokens overrides the task's cap; the log keeps both.
        ({}, {"max_tokens": 50}, 256, 50),
    ],
    ids=["zero_shot", "cot", "task-arg", "inspect-option"],
)
def test_each_prompt_style_has_a_recorded_token_cap(
    tmp_path: Path,
    task_args: dict[str, Any],
    eval_args: dict[str, Any],
    expected_cap: int,
    expected_config: int,
) -> None:
    assert DEFAULT_MAX_TOKENS == {"zero_shot": 256, "few_shot": 256, "cot": 1536}
    log = _eval(tmp_path, task_args, **eval_args)
    assert log.eval.metadata is not None
    assert log.eval.metadata["max_tokens"] == expected_cap
    assert log.plan.config.max_tokens == expected_config
