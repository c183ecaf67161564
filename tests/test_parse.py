"""Tests of the completion parser: concrete shapes models produce, then generated junk."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from empathy_judge.datasets.rubric import Framework, load_framework, parse_rubric
from empathy_judge.scorers.parse import MAX_RATIONALE_CHARS, ParsedRatings, parse_ratings

ER = "level_emotional_reactions"
IP = "level_interpretations"
EX = "level_explorations"


@pytest.fixture(scope="module")
def epitome() -> Framework:
    return load_framework("epitome")


def _five_point() -> Framework:
    """A hand-written 1-5 rubric, so the tests do not depend on other rubric files."""
    anchors = {str(level): f"level {level}" for level in range(1, 6)}
    doc: dict[str, Any] = {
        "id": "toy",
        "task_name": "toy",
        "title": "Toy",
        "discipline": "test",
        "citation": "none",
        "unit": "a conversation",
        "level_of_measurement": "ordinal",
        "item_id_columns": ["conv_id"],
        "wording_note": "test",
        "sub_components": [
            {
                "column": "empathy",
                "label": "Empathy",
                "definition": "d",
                "scale_min": 1,
                "scale_max": 5,
                "polarity": "positive",
                "anchors": anchors,
            },
            {
                "column": "self_oriented",
                "label": "Self-oriented talk",
                "definition": "d",
                "scale_min": 1,
                "scale_max": 5,
                "polarity": "negative",
                "anchors": anchors,
            },
        ],
    }
    return parse_rubric(doc, "toy.toml")


FIVE = _five_point()


def _nan_or(value: float) -> str:
    return "nan" if math.isnan(value) else str(value)


def _as_tuple(parsed: ParsedRatings) -> dict[str, str]:
    return {k: _nan_or(v) for k, v in parsed.ratings.items()}


# --- concrete shapes ---------------------------------------------------------------------------


def test_plain_json(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": 2, "{IP}": 0, "{EX}": 1}}', epitome)
    assert parsed.ratings == {ER: 2.0, IP: 0.0, EX: 1.0}
    assert parsed.status == "ok"
    assert parsed.n_valid == 3
    assert parsed.invalid == {}
    assert parsed.missing == []
    assert parsed.rationale is None


def test_ratings_keep_requested_order(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{EX}": 1, "{ER}": 2, "{IP}": 0}}', epitome)
    assert list(parsed.ratings) == [ER, IP, EX]


def test_zero_is_a_rating_not_a_missing_value(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": 0, "{IP}": 0, "{EX}": 0}}', epitome)
    assert parsed.ratings == {ER: 0.0, IP: 0.0, EX: 0.0}
    assert parsed.status == "ok"


def test_code_fence_after_chain_of_thought(epitome: Framework) -> None:
    text = (
        "The responder says sorry, a weak reaction.\nNo question is asked.\n\n"
        "```json\n"
        f'{{"{ER}": 1, "{IP}": 0, "{EX}": 0}}\n'
        "```\n"
    )
    parsed = parse_ratings(text, epitome)
    assert parsed.ratings == {ER: 1.0, IP: 0.0, EX: 0.0}
    assert parsed.rationale == ("The responder says sorry, a weak reaction.\nNo question is asked.")


def test_an_echoed_example_with_other_ratings_makes_the_answer_ambiguous(
    epitome: Framework,
) -> None:
    # Issue 20: "the last one wins" let a trailing "for reference" object override the answer.
    # Two JSON answers that give different ratings are a parse failure; objects without
    # ratings ({"note": ...}) do not count.
    text = (
        f'For example {{"{ER}": 2, "{IP}": 2, "{EX}": 2}} would mean strong everywhere.\n'
        f'My answer: {{"{ER}": 0, "{IP}": 1, "{EX}": 0}}\n'
        'Hope this helps {"note": "no ratings here"}'
    )
    parsed = parse_ratings(text, epitome)
    assert parsed.status == "failed"
    assert parsed.ambiguous == {ER: "2 | 0", IP: "2 | 1", EX: "2 | 0"}
    one = parse_ratings(text.replace("For example", "For example, not"), epitome, [IP])
    assert one.ambiguous == {IP: "2 | 1"}


def test_nested_ratings_wrapper_and_rationale_key(epitome: Framework) -> None:
    text = json.dumps(
        {
            "reasoning": "Sympathy only.",
            "ratings": {"Emotional reactions": 1, "Interpretations": 0, "Explorations": 0},
        }
    )
    parsed = parse_ratings(text, epitome)
    assert parsed.ratings == {ER: 1.0, IP: 0.0, EX: 0.0}
    assert parsed.rationale == "Sympathy only."


def test_per_key_objects_with_rationales(epitome: Framework) -> None:
    text = json.dumps(
        {
            ER: {"rating": 2, "rationale": "names a feeling"},
            IP: {"rating": "1", "rationale": "generic"},
            EX: {"score": 0},
        }
    )
    parsed = parse_ratings(text, epitome)
    assert parsed.ratings == {ER: 2.0, IP: 1.0, EX: 0.0}
    assert parsed.rationale == f"{ER}: names a feeling\n{IP}: generic"


def test_markdown_lines_with_labels(epitome: Framework) -> None:
    text = (
        "Here is my assessment.\n"
        "- **Emotional reactions**: 2\n"
        "- interpretations: 1/2\n"
        "* EXPLORATIONS = 0 (none)\n"
    )
    parsed = parse_ratings(text, epitome)
    assert parsed.ratings == {ER: 2.0, IP: 1.0, EX: 0.0}
    assert parsed.rationale == "Here is my assessment."


def test_lines_last_valid_value_wins(epitome: Framework) -> None:
    text = (
        "Emotional reactions: the response is warm but generic.\n"
        "Final ratings\nEmotional reactions: 1\nInterpretations: 0\nExplorations: 0\n"
    )
    parsed = parse_ratings(text, epitome)
    assert parsed.ratings == {ER: 1.0, IP: 0.0, EX: 0.0}


def test_truncated_json_is_salvaged_as_pairs(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": 1, "{IP}": 2, "{EX}', epitome)
    assert _as_tuple(parsed) == {ER: "1.0", IP: "2.0", EX: "nan"}
    assert parsed.missing == [EX]
    assert parsed.status == "partial"
    assert parsed.rationale is None


def test_out_of_scale_and_non_integer_are_invalid_not_clipped(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": 3, "{IP}": 1.5, "{EX}": "high"}}', epitome)
    assert _as_tuple(parsed) == {ER: "nan", IP: "nan", EX: "nan"}
    assert parsed.invalid == {ER: "3", IP: "1.5", EX: "high"}
    assert parsed.missing == []
    assert parsed.status == "failed"


def test_integral_float_and_numeric_strings_are_valid(epitome: Framework) -> None:
    # The release itself writes ratings as 2.0 in some files.
    parsed = parse_ratings(f'{{"{ER}": 2.0, "{IP}": "1", "{EX}": " 0 "}}', epitome)
    assert parsed.ratings == {ER: 2.0, IP: 1.0, EX: 0.0}


def test_booleans_nan_and_negative_are_invalid(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": true, "{IP}": NaN, "{EX}": -1}}', epitome)
    assert parsed.invalid == {ER: "true", IP: "NaN", EX: "-1"}
    assert parsed.status == "failed"


def test_null_counts_as_missing(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": null, "{IP}": 1, "{EX}": 1}}', epitome)
    assert parsed.missing == [ER]
    assert parsed.status == "partial"


def test_fraction_needs_the_scale_maximum_as_denominator() -> None:
    parsed = parse_ratings("Empathy: 3/5\nSelf-oriented talk: 3/10", FIVE)
    assert _as_tuple(parsed) == {"empathy": "3.0", "self_oriented": "nan"}
    assert parsed.invalid == {"self_oriented": "3/10"}


def test_out_of_scale_on_a_five_point_scale() -> None:
    parsed = parse_ratings('{"empathy": 7, "self_oriented": 0}', FIVE)
    assert parsed.invalid == {"empathy": "7", "self_oriented": "0"}


def test_answer_line_when_one_sub_component_is_asked(epitome: Framework) -> None:
    parsed = parse_ratings("Reasoning: asks a question.\nAnswer: 2", epitome, [EX])
    assert parsed.ratings == {EX: 2.0}
    assert parsed.rationale == "asks a question."
    assert parse_ratings("2", epitome, [EX]).ratings == {EX: 2.0}
    assert parse_ratings('{"rating": 1}', epitome, [EX]).ratings == {EX: 1.0}


def test_answer_line_is_ambiguous_with_several_sub_components(epitome: Framework) -> None:
    parsed = parse_ratings("Answer: 2", epitome)
    assert parsed.status == "failed"
    assert parsed.missing == [ER, IP, EX]


def test_subset_ignores_other_keys(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": 2, "{IP}": 9}}', epitome, [ER])
    assert parsed.ratings == {ER: 2.0}
    assert parsed.status == "ok"


def test_unknown_requested_sub_component_is_a_caller_error(epitome: Framework) -> None:
    with pytest.raises(KeyError, match="no sub-component 'warmth'"):
        parse_ratings("{}", epitome, ["warmth"])


def test_empty_and_refusal_fail(epitome: Framework) -> None:
    for text in ("", "I cannot rate this conversation.", "{}", "[1, 2, 3]"):
        parsed = parse_ratings(text, epitome)
        assert parsed.status == "failed"
        assert parsed.missing == [ER, IP, EX]
        assert parsed.n_valid == 0


def test_huge_integer_is_invalid_and_its_raw_text_is_bounded(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": {"9" * 5000}, "{IP}": 1, "{EX}": 1}}', epitome)
    assert ER in parsed.invalid
    assert len(parsed.invalid[ER]) <= 200
    assert parsed.status == "partial"


# --- hostile answers (issue 10): each of these read as a rating before ------------------------


@pytest.mark.parametrize(
    "text",
    [f'{{"{ER}": 1e-400}}', f'{{"{ER}": "1e-400"}}', "Emotional reactions: 1e-400", "1e-400"],
    ids=["json-number", "json-string", "line", "bare"],
)
def test_underflow_to_zero_is_invalid_not_zero(epitome: Framework, text: str) -> None:
    # float("1e-400") == 0.0, a real EPITOME level: the literal is not 0, so it is no rating.
    parsed = parse_ratings(text, epitome, [ER])
    assert math.isnan(parsed.ratings[ER])
    assert parsed.invalid == {ER: "1e-400"}
    assert parsed.status == "failed"


@pytest.mark.parametrize("answer", ["2 to 3", "3-4", "1 or 2", "4, maybe 5", "2 or ٣"])
def test_answers_naming_two_numbers_are_missing(answer: str) -> None:
    as_json = parse_ratings(json.dumps({"empathy": answer, "self_oriented": 1}), FIVE)
    as_line = parse_ratings(f"Empathy: {answer}\nSelf-oriented talk: 1", FIVE)
    for parsed in (as_json, as_line):
        assert math.isnan(parsed.ratings["empathy"])
        assert parsed.missing == ["empathy"]
        assert parsed.ambiguous == {"empathy": answer}
        assert parsed.invalid == {}
        assert parsed.ratings["self_oriented"] == 1.0
        assert parsed.status == "partial"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("2 (strong)", 2.0),
        ("2 (2/2)", 2.0),
        ("1, out of 2", 1.0),
        ("2 - 2", 2.0),
        ("1/2 (moderate)", 1.0),
        ("0 - none of 2 kinds", 0.0),
    ],
)
def test_a_comment_repeating_the_rating_or_the_scale_is_not_ambiguous(
    epitome: Framework, answer: str, expected: float
) -> None:
    # On EPITOME's 0-2 scale "2" (or "of 2") names the maximum, which is not a second answer.
    parsed = parse_ratings(f"Emotional reactions: {answer}", epitome, [ER])
    assert parsed.ratings == {ER: expected}
    assert parsed.ambiguous == {}


def test_a_second_pair_without_colon_ends_the_value(epitome: Framework) -> None:
    parsed = parse_ratings("Emotional reactions: 2, Interpretations 1, Explorations 0", epitome)
    assert _as_tuple(parsed) == {ER: "2.0", IP: "nan", EX: "nan"}
    assert parsed.missing == [IP, EX]
    assert parsed.ambiguous == {}


@pytest.mark.parametrize(
    "digit",
    ["\u0662", "\u06f2", "\uff12", "\u0968"],
    ids=["arabic", "persian", "fullwidth", "devanagari"],
)
def test_only_ascii_digits_are_ratings(epitome: Framework, digit: str) -> None:
    # Each is a two in its script; float() reads every one of them as 2.0.
    assert float(digit) == 2.0
    for text in (f'{{"{ER}": "{digit}"}}', f"Emotional reactions: {digit}"):
        parsed = parse_ratings(text, epitome, [ER])
        assert parsed.invalid == {ER: digit}, text
        assert math.isnan(parsed.ratings[ER])
    # Alone, it is not read as an answer at all.
    bare = parse_ratings(digit, epitome, [ER])
    assert math.isnan(bare.ratings[ER])
    assert bare.missing == [ER]


@pytest.mark.parametrize(
    "text",
    [f'{{"{ER}": 1.9999999999999999}}', f'{{"{ER}": "1.9999999999999999"}}'],
    ids=["json-number", "json-string"],
)
def test_the_literal_not_its_float_decides_integrality(epitome: Framework, text: str) -> None:
    assert float("1.9999999999999999") == 2.0
    parsed = parse_ratings(text, epitome, [ER])
    assert parsed.invalid == {ER: "1.9999999999999999"}
    assert math.isnan(parsed.ratings[ER])


def test_integer_values_in_other_notations_stay_valid(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": 20e-1, "{IP}": 1.0, "{EX}": -0}}', epitome)
    assert parsed.ratings == {ER: 2.0, IP: 1.0, EX: 0.0}


def test_exponent_beyond_any_range_is_invalid(epitome: Framework) -> None:
    parsed = parse_ratings(f'{{"{ER}": 9e999999999999999999999999}}', epitome, [ER])
    assert parsed.invalid == {ER: "9e999999999999999999999999"}


@pytest.mark.parametrize(
    "text",
    [
        f'{{"{ER}": ' + "[" * 5000 + "1" + "]" * 5000 + "}",
        "Emotional reactions: " + "[" * 5000 + "1" + "]" * 5000,
        f'{{"{ER}": [[1]]}}',
        "Emotional reactions: [[1]]",
    ],
    ids=["json-5000", "line-5000", "json-2", "line-2"],
)
def test_nested_lists_are_invalid_never_a_rating(epitome: Framework, text: str) -> None:
    parsed = parse_ratings(text, epitome, [ER])
    assert math.isnan(parsed.ratings[ER])
    assert list(parsed.invalid) == [ER]
    assert parsed.invalid[ER].startswith("[[")
    assert len(parsed.invalid[ER]) <= 200


def test_one_pair_of_brackets_is_decoration(epitome: Framework) -> None:
    assert parse_ratings("Emotional reactions: [2]", epitome, [ER]).ratings == {ER: 2.0}


def test_a_huge_rationale_is_capped_and_its_length_kept(epitome: Framework) -> None:
    rationale = "x" * 150_000
    text = json.dumps({"rationale": rationale, ER: 1, IP: 0, EX: 0})
    parsed = parse_ratings(text, epitome)
    assert parsed.ratings == {ER: 1.0, IP: 0.0, EX: 0.0}
    assert parsed.rationale == "x" * (MAX_RATIONALE_CHARS - 1) + "…"
    assert len(parsed.rationale) == 4000
    assert parsed.rationale_chars == 150_000
    assert parsed.rationale_truncated
    short = parse_ratings(json.dumps({"rationale": "kind", ER: 1}), epitome, [ER])
    assert (short.rationale, short.rationale_chars, short.rationale_truncated) == ("kind", 4, False)


def test_the_scorer_records_truncation_and_ambiguity_in_the_metadata() -> None:
    import asyncio

    from inspect_ai.model import ModelName, ModelOutput
    from inspect_ai.scorer import Target
    from inspect_ai.solver import TaskState

    from empathy_judge.scorers.scorer import empathy_ratings

    completion = json.dumps({"reasoning": "y" * 5000, ER: "1 or 2", IP: 1, EX: 0})
    state = TaskState(
        ModelName("mockllm/model"),
        "item-1",
        1,
        "rate",
        [],
        output=ModelOutput.from_content(model="mockllm/model", content=completion),
    )
    score = asyncio.run(empathy_ratings("epitome")(state, Target([])))
    assert score is not None and score.metadata is not None
    assert score.metadata["parse"] == {
        "status": "partial",
        "invalid": {},
        "missing": [ER],
        "ambiguous": {ER: "1 or 2"},
        "rationale_truncated": True,
        "rationale_chars": 5000,
        "reason": f"ambiguous: the answer gives several ratings for {ER} (1 or 2)",
        "stop_reason": "stop",
    }
    # The reason comes first in the explanation, then the (capped) rationale.
    head = f"parse partial: ambiguous: the answer gives several ratings for {ER} (1 or 2)\n\n"
    assert score.explanation is not None and score.explanation.startswith(head)
    assert len(score.explanation) == len(head) + MAX_RATIONALE_CHARS


# --- generated junk ----------------------------------------------------------------------------

_COLUMNS = [ER, IP, EX]
_NAMES = st.sampled_from(
    [*_COLUMNS, "Emotional reactions", "EXPLORATIONS", "rating", "rationale", "ratings", "x"]
)
_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-3, max_value=5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["1", "2", "2/2", "1.5", "high", "NaN", "Infinity", "-0", "0"]),
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_NAMES, inner, max_size=4)
    ),
    max_leaves=12,
)


def _dump(value: object) -> str:
    return json.dumps(value, allow_nan=True)


@st.composite
def _completions(draw: st.DrawFn) -> str:
    body = _dump(draw(st.dictionaries(_NAMES, _JSON_VALUES, max_size=5)))
    shape = draw(st.sampled_from(["json", "fenced", "truncated", "lines", "noise", "mixed"]))
    if shape == "fenced":
        return f"{draw(st.text(max_size=40))}\n```json\n{body}\n```"
    if shape == "truncated":
        return body[: draw(st.integers(min_value=0, max_value=len(body)))]
    if shape == "lines":
        pairs = draw(st.lists(st.tuples(_NAMES, _JSON_SCALARS), max_size=5))
        marker = draw(st.sampled_from(["", "- ", "**", "1. "]))
        return "\n".join(f"{marker}{name}: {value}" for name, value in pairs)
    if shape == "noise":
        return draw(st.text(max_size=300))
    if shape == "mixed":
        return (
            draw(st.text(max_size=40)) + body + draw(st.text(alphabet='{}[]":,0123', max_size=40))
        )
    return body


def _check_invariants(parsed: ParsedRatings, requested: list[str], framework: Framework) -> None:
    assert list(parsed.ratings) == requested
    assert set(parsed.invalid).isdisjoint(parsed.missing)
    for column in requested:
        value = parsed.ratings[column]
        sub = framework.sub_component(column)
        if math.isnan(value):
            assert (column in parsed.invalid) != (column in parsed.missing)
        else:
            assert value.is_integer()
            assert sub.scale_min <= value <= sub.scale_max
            assert column not in parsed.invalid
            assert column not in parsed.missing
    n_valid = len(requested) - len(parsed.invalid) - len(parsed.missing)
    assert parsed.n_valid == n_valid
    expected = "ok" if n_valid == len(requested) else "failed" if n_valid == 0 else "partial"
    assert parsed.status == expected
    assert all(len(raw) <= 200 for raw in parsed.invalid.values())
    assert set(parsed.ambiguous) <= set(parsed.missing)
    assert all(len(raw) <= 200 for raw in parsed.ambiguous.values())
    if parsed.rationale is not None:
        assert len(parsed.rationale) <= MAX_RATIONALE_CHARS
        assert parsed.rationale_chars >= len(parsed.rationale)


_HYPOTHESIS = settings(
    max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@_HYPOTHESIS
@given(text=_completions(), subset=st.sampled_from([None, [ER], [EX, IP]]))
def test_generated_completions_never_raise(text: str, subset: list[str] | None) -> None:
    framework = load_framework("epitome")
    parsed = parse_ratings(text, framework, subset)
    _check_invariants(parsed, subset or _COLUMNS, framework)


@settings(max_examples=1000, deadline=None)
@given(text=st.text(max_size=500))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    parsed = parse_ratings(text, FIVE)
    _check_invariants(parsed, ["empathy", "self_oriented"], FIVE)


@settings(max_examples=300, deadline=None)
@given(depth=st.integers(min_value=1, max_value=3000), junk=st.sampled_from(["{", '{"a":', "["]))
def test_deep_nesting_and_stray_braces_never_raise(depth: int, junk: str) -> None:
    parsed = parse_ratings(junk * depth + f'{{"{ER}": 1}}', load_framework("epitome"))
    assert parsed.status in ("partial", "failed")
