"""Parse a model's completion into one rating per sub-component.

Models answer in many shapes: a bare JSON object, JSON inside a code fence or after a chain of
thought, JSON wrapped in ``{"ratings": {...}}`` or with a rationale per key, a list of
``{"sub_component": ..., "rating": ...}`` objects, ``name: 3`` (or ``name: Level 3``) lines in
Markdown, a Markdown table either way round, or ``Answer: 2`` when a single sub-component is
asked. This module turns any of them
into a :class:`ParsedRatings` without ever raising on text: a rating that cannot be read is
recorded as missing or invalid, and its value is NaN — never 0, which is a real level on some
scales. Values are validated against the rubric, not repaired: 2.5, 7 on a 1-5 scale or "high"
are invalid rather than rounded or clipped.

Rules for hostile or odd answers:

- **Reasoning is never an answer**: ``<think>`` blocks (and ``<thinking>``, ``<reasoning>``,
  ``<thought>``, ``<reflection>``, ``<scratchpad>``, Harmony analysis channels; closed, opened by
  the chat template, or unterminated) are removed before anything is read
  (`empathy_judge.scorers.reasoning_blocks`).
- **Cut off is failed**: an output whose stop reason is ``max_tokens`` or ``model_length`` gives
  no rating at all, whatever it holds, with that reason.
- **Two answers that disagree are ambiguous**, never "the last one": when two JSON objects give
  different valid ratings for one sub-component, the whole answer is a parse failure (status
  "failed", the conflicting values in :attr:`ParsedRatings.ambiguous`). Identical repeats are
  accepted, objects that complete each other (a list of per-sub-component objects) are merged,
  and an invalid value (an echoed template, ``"<0-2>"``) gives way to a valid one. In
  ``name: value`` lines and tables, two different valid values make that sub-component
  ambiguous (missing).
- **Every failure has a reason** (:attr:`ParsedRatings.reason`, one line), which the scorer puts
  in the score's metadata and at the head of its explanation.
- **Bounded work**: an answer (outside reasoning) longer than :data:`MAX_ANSWER_CHARS`, or with
  more than :data:`MAX_JSON_TOKENS` JSON brackets and strings or :data:`MAX_PAIR_LINES` pairs or
  table rows, is a runaway output and a parse failure with that reason; below the bounds every
  step is one pass over the text (``benchmarks/bench_parse.py``).

- **Only ASCII digits** make a number: Arabic-Indic (``٢``) or full-width (``２``) digits are
  not read as ratings.
- **The literal decides**, not its float: a rating must be written as an integer value on the
  scale (``2``, ``2.0``, ``20e-1``), so ``1.9999999999999999`` (which rounds to 2.0) and
  ``1e-400`` (which underflows to 0.0) are invalid, whether JSON numbers or text.
- **Ambiguous answers are missing**: a value followed by a comment holding another number —
  ``"2 to 3"``, ``"3-4"``, ``"1 or 2"``, ``"4, maybe 5"`` — gives no rating; the raw text is kept
  in :attr:`ParsedRatings.ambiguous`. Repeating the rating or naming the scale's maximum
  (``"2 (2/2)"``, ``"3, out of 5"``) is not ambiguous.
- **Nesting**: a value may sit in one pair of brackets (``[2]``); a list, or deeper brackets, is
  invalid; JSON nested too deeply to decode is skipped, never a crash.
- **Rationale cap**: the rationale is cut to :data:`MAX_RATIONALE_CHARS` characters (ending in
  "…"); :attr:`ParsedRatings.rationale_chars` keeps the original length so that the scorer can
  record the truncation in the score's metadata.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from ..datasets.rubric import Framework, SubComponent
from .reasoning_blocks import SplitCompletion, split_reasoning

ParseStatus = Literal["ok", "partial", "failed"]

#: Keys whose value is a free-text justification rather than a rating.
RATIONALE_KEYS: tuple[str, ...] = ("rationale", "reasoning", "explanation", "justification")
#: Keys that hold the rating inside a per-sub-component object such as {"rating": 3, ...}.
VALUE_KEYS: tuple[str, ...] = ("rating", "score", "value", "level", "answer")
#: Keys that name the sub-component in a list of objects ({"sub_component": "empathy", ...}).
NAME_KEYS: tuple[str, ...] = (
    "sub component",
    "subcomponent",
    "component",
    "name",
    "criterion",
    "dimension",
    "aspect",
    "metric",
    "key",
    "label",
)
#: Stop reasons of an answer cut off by the length limit: a parse failure whatever it holds.
TRUNCATED_STOP_REASONS: frozenset[str] = frozenset({"max_tokens", "model_length"})
#: Longest answer (outside reasoning blocks) read at all: a rating answer is a few hundred
#: characters; beyond this the completion is a runaway, not an answer, and parsing stays bounded.
MAX_ANSWER_CHARS = 200_000
#: Most JSON tokens (brackets, strings) and ``name: value`` lines read from one answer: a rating
#: answer holds a few dozen; the bounds keep a runaway output's parse time small.
MAX_JSON_TOKENS = 20_000
MAX_PAIR_LINES = 2_000
#: Generic names a model uses for its only rating when one sub-component is asked.
SINGLE_ANSWER_KEYS: tuple[str, ...] = ("answer", "rating", "score", "level", "final answer")

#: Longest rationale kept (characters, including the closing "…" of a cut one): about a page of
#: text, far more than any rubric asks for, while a runaway 1 MB completion stays out of the log.
MAX_RATIONALE_CHARS = 4000
# Raw values are kept for diagnosis only; a runaway completion should not bloat the log.
_MAX_RAW_CHARS = 200
# JSON nested deeper than this is not a rating object; the bound keeps recursion safe.
_MAX_DEPTH = 4
# Each failed decode can scan to the end of the text; bounding the attempts keeps a pathological
# completion (thousands of stray braces) from taking quadratic time.
_MAX_JSON_ATTEMPTS = 2000
# Deepest nesting of a JSON span worth decoding (a rating object nests 2-3 levels), and the
# bound of the scanner's bracket stack (deeper levels are counted, not kept).
_MAX_JSON_NESTING = 16
_MAX_JSON_STACK = 64
# Inside a JSON span: a string on one line (JSON strings hold no raw line break), or a bracket.
_JSON_TOKEN_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]]')
# A number in ASCII digits ("2", "-1", "2.0", "20e-1"); "2.5" stays one number, so it is seen
# and rejected as such.
_LITERAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# The number, optionally out of a denominator ("3/5"), then the rest: nothing, or a comment such
# as "2 (strong)" or "3 - moderate" after a separator.
_NUMBER_RE = re.compile(
    rf"^(?P<number>{_LITERAL})"
    r"(?:\s*/\s*(?P<denominator>[0-9]+))?"  # "/5"
    r"(?P<rest>\s*$|\s*[-–—:(,;].*|\s+\w.*)",  # end, or a separator before a comment
    re.DOTALL,
)
_LEADING_NUMBER_RE = re.compile(_LITERAL)
# Any number in a comment, in any script's digits: a second number makes the answer ambiguous.
_ANY_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# The scale's maximum named in a comment ("/2", "out of 2", "of 2") does not make it ambiguous.
_SCALE_MENTION_RE = re.compile(r"(?:/|\bout\s+of\b|\bof\b)\s*(\d+)", re.IGNORECASE)
# Longest number literal read at all: far outside any scale, and keeps Decimal/int work bounded.
_MAX_LITERAL_CHARS = 30
# "name: value" or "name = value"; the list marker is optional ("- ", "1. ", "## ").
_PAIR_RE = re.compile(
    r"^\s*(?:[-*+•]\s+|[0-9]{1,2}[.)]\s+|#{1,6}\s*)?"  # list marker
    r"(?P<name>[^:=\n]{1,120}?)\s*[:=]\s*(?P<value>.*)$"
)
# Characters that decorate a name or a value in Markdown or JSON and carry no meaning.
_DECORATION = "*_`\"'#[]<> \t"
# The same without brackets: a value keeps its brackets so that only one pair is taken off.
_VALUE_DECORATION = "*_`\"'#<> \t"
# Segments of text that can each hold one "name: value" pair; braces and commas split truncated
# JSON ({"a": 1, "b": 2) into its pairs as well. The separators are kept (capturing group).
_SEGMENT_SPLIT_RE = re.compile(r"([\n\r{},;|]+)")
# Separators that end a value for good; after ",", ";" or "|" a value's comment may go on.
_HARD_SEPARATORS = frozenset("\n\r{}")
_CODE_FENCE_RE = re.compile(r"```[A-Za-z0-9_-]*")
_TABLE_RULE_RE = re.compile(r":?-{2,}:?")
_TABLE_ROW_RE = re.compile(r"^[ \t]*\|[^\n]*", re.MULTILINE)
# "Level 2", "score: 4", "rating = 3": a word naming the value before it.
_VALUE_WORD_RE = re.compile(
    r"^(?:level|score|rating|value)\s*[:#=]?\s*(?=[0-9+\-.])", re.IGNORECASE
)


@dataclass(frozen=True)
class ParsedRatings:
    """The ratings read from one completion.

    Attributes:
        ratings: Every requested sub-component's rating, in the requested order; NaN when the
            rating is missing or invalid.
        invalid: Sub-components whose answer was present but not a level of the scale, mapped
            to the offending raw value (as text, truncated to 200 characters).
        missing: Requested sub-components the completion gave no single answer for.
        rationale: The model's justification, when it gave one, cut to
            :data:`MAX_RATIONALE_CHARS` characters.
        status: "ok" when every requested rating is valid, "failed" when none is,
            "partial" otherwise.
        ambiguous: The sub-components of ``missing`` whose answer named several numbers
            ("2 to 3"), mapped to the raw answer (truncated to 200 characters).
        rationale_chars: Length of the rationale before it was cut (0 without one).
        reason: Why ratings are missing or invalid, in one line (None when status is "ok"):
            cut off by the length limit, ambiguous, only inside a reasoning block, not found,
            not a level of the scale.
    """

    ratings: dict[str, float]
    invalid: dict[str, str]
    missing: list[str]
    rationale: str | None
    status: ParseStatus
    ambiguous: dict[str, str] = field(default_factory=dict)
    rationale_chars: int = 0
    reason: str | None = None

    @property
    def rationale_truncated(self) -> bool:
        """Whether the rationale was cut to :data:`MAX_RATIONALE_CHARS` characters."""
        return self.rationale is not None and self.rationale_chars > len(self.rationale)

    @property
    def n_valid(self) -> int:
        """Number of requested sub-components with a valid rating."""
        return sum(1 for value in self.ratings.values() if not math.isnan(value))


class _JsonNumber(str):
    """A JSON number kept as its literal text."""

    __slots__ = ()


class _RunawayError(Exception):
    """An answer too large in one respect to be a rating answer; its message says which."""


class _Ambiguous:
    """The marker of an answer that names several numbers."""


_AMBIGUOUS = _Ambiguous()


@dataclass(frozen=True)
class _Found:
    """A value a completion gave for one sub-component, before validation."""

    value: Any
    from_json: bool


def parse_ratings(
    text: str,
    framework: Framework,
    sub_components: Sequence[str] | None = None,
    *,
    stop_reason: str | None = None,
) -> ParsedRatings:
    """Read a rating for each requested sub-component from a model's completion.

    Reasoning blocks (``<think>`` ... ``</think>`` and the like, see
    `empathy_judge.scorers.reasoning_blocks`) are removed first: they are never a source of
    ratings. Then every JSON object in the answer that names a requested sub-component is read;
    when two of them give different valid ratings for one sub-component the answer is
    *ambiguous* (a parse failure), while identical repeats and objects that complete each other
    (a list of per-sub-component objects) are merged. Without JSON, ``name: 3`` lines and
    Markdown tables are read, matching the release's column name or the rubric's label,
    case-insensitive; two different valid values for one name are ambiguous too. When exactly
    one sub-component is requested, ``Answer: 2`` (or a bare ``2``) is accepted.

    Args:
        text: The raw completion.
        framework: The framework whose rubric gives names and scales.
        sub_components: Column names to read, in order; all of the framework's by default.
        stop_reason: The model output's stop reason: ``max_tokens`` or ``model_length`` (the
            answer was cut off by the length limit) makes every rating missing, whatever the
            text holds, with that reason.

    Returns:
        The parsed ratings; never raises on any text.

    Raises:
        KeyError: A requested sub-component is not in the framework (a caller's error).
        ValueError: ``sub_components`` is empty.
    """
    subs = _requested(framework, sub_components)
    # Defensive: a None completion from a misbehaving provider must not crash a scorer.
    text = text if isinstance(text, str) else str(text or "")
    if stop_reason in TRUNCATED_STOP_REASONS:
        return _failed(
            subs, f"the answer was cut off by the length limit (stop reason {stop_reason})"
        )
    split = split_reasoning(text)
    answer = split.answer
    if len(answer) > MAX_ANSWER_CHARS:
        return _failed(
            subs,
            f"the answer is {len(answer):,} characters long (outside reasoning blocks); "
            f"a rating answer is at most {MAX_ANSWER_CHARS:,}",
        )
    aliases = _aliases(subs)

    found: dict[str, _Found] = {}
    conflicts: dict[str, list[str]] = {}
    rationale: str | None = None
    try:
        json_hit = _json_answers(answer, subs, aliases)
        if json_hit is not None:
            found, rationale, start, conflicts = json_hit
            if rationale is None:
                rationale = _clean_rationale(answer[:start])
        else:
            found, rationale, conflicts = _read_pairs(answer, subs, aliases)
    except _RunawayError as runaway:
        return _failed(subs, str(runaway))

    ratings: dict[str, float] = {}
    invalid: dict[str, str] = {}
    missing: list[str] = []
    ambiguous: dict[str, str] = {}
    for sub in subs:
        ratings[sub.column] = math.nan
        if sub.column in conflicts:
            missing.append(sub.column)
            ambiguous[sub.column] = _raw_text(" | ".join(conflicts[sub.column]))
            continue
        hit = found.get(sub.column)
        if hit is None or hit.value is None:
            missing.append(sub.column)
            continue
        rating = _validate(hit.value, sub)
        if rating is _AMBIGUOUS:
            missing.append(sub.column)
            ambiguous[sub.column] = _raw_text(hit.value)
        elif isinstance(rating, float):
            ratings[sub.column] = rating
        else:
            invalid[sub.column] = _raw_text(hit.value)

    rationale_chars = len(rationale) if rationale is not None else 0
    if rationale is not None and rationale_chars > MAX_RATIONALE_CHARS:
        rationale = rationale[: MAX_RATIONALE_CHARS - 1] + "…"
    n_valid = len(subs) - len(invalid) - len(missing)
    status: ParseStatus = "ok" if n_valid == len(subs) else "failed" if n_valid == 0 else "partial"
    json_conflict = bool(conflicts) and json_hit is not None
    if json_conflict:
        # Two JSON answers that disagree: none of them is the answer.
        ratings = {sub.column: math.nan for sub in subs}
        missing = [sub.column for sub in subs]
        invalid = {}
        status = "failed"
    return ParsedRatings(
        ratings=ratings,
        invalid=invalid,
        missing=missing,
        rationale=rationale,
        status=status,
        ambiguous=ambiguous,
        rationale_chars=rationale_chars,
        reason=_reason(subs, status, invalid, missing, ambiguous, split, json_conflict),
    )


def failed_parse(
    framework: Framework, sub_components: Sequence[str] | None, reason: str
) -> ParsedRatings:
    """The result of an answer that gives no rating at all, for a reason found elsewhere.

    Args:
        framework: The framework whose sub-components were asked for.
        sub_components: Column names asked for (all of the framework's by default).
        reason: Why there is no answer (e.g. the sample errored before the model answered).

    Returns:
        Every requested rating missing, status "failed", with the reason.
    """
    return _failed(_requested(framework, sub_components), reason)


def _failed(subs: Sequence[SubComponent], reason: str) -> ParsedRatings:
    return ParsedRatings(
        ratings={sub.column: math.nan for sub in subs},
        invalid={},
        missing=[sub.column for sub in subs],
        rationale=None,
        status="failed",
        reason=reason,
    )


def _reason(
    subs: Sequence[SubComponent],
    status: ParseStatus,
    invalid: Mapping[str, str],
    missing: Sequence[str],
    ambiguous: Mapping[str, str],
    split: SplitCompletion,
    json_conflict: bool,
) -> str | None:
    """One line saying why ratings are missing or invalid (None when every rating is valid)."""
    if status == "ok":
        return None
    parts: list[str] = []
    if ambiguous:
        what = "JSON answers give" if json_conflict else "the answer gives"
        parts.append(
            f"ambiguous: {what} several ratings for "
            + ", ".join(f"{column} ({value})" for column, value in ambiguous.items())
        )
        if json_conflict:  # none of the answers is read, so nothing else needs saying
            return parts[0]
    scales = {sub.column: f"{sub.scale_min}..{sub.scale_max}" for sub in subs}
    if invalid:
        parts.append(
            "invalid: "
            + ", ".join(
                f"{column} {value!r} is not a level of {scales[column]}"
                for column, value in invalid.items()
            )
        )
    absent = [column for column in missing if column not in ambiguous]
    if absent:
        if len(absent) == len(subs) and split.unterminated:
            tag = "Harmony analysis channel" if split.tag == "harmony" else f"<{split.tag}> block"
            parts.append(
                f"no answer: the output ends inside an unterminated {tag} (reasoning is never "
                "read as an answer)"
            )
        elif len(absent) == len(subs) and split.had_reasoning:
            parts.append(f"no answer outside the <{split.tag}> reasoning block")
        elif len(absent) == len(subs):
            parts.append("no rating found in the answer")
        else:
            parts.append("no rating for " + ", ".join(absent))
    return "; ".join(parts)


def _requested(framework: Framework, sub_components: Sequence[str] | None) -> list[SubComponent]:
    if sub_components is None:
        return list(framework.sub_components)
    if isinstance(sub_components, str):
        sub_components = [sub_components]
    if len(sub_components) == 0:
        raise ValueError(f"no sub-components requested for {framework.id}")
    return [framework.sub_component(column) for column in dict.fromkeys(sub_components)]


def _normalise(name: str) -> str:
    """Fold case, Markdown decoration and separators so that names compare loosely."""
    name = name.strip().strip(_DECORATION).lower()
    return re.sub(r"[\s_\-]+", " ", name).strip()


def _aliases(subs: Sequence[SubComponent]) -> dict[str, str]:
    """Map each unambiguous normalised name (column or label) to its column."""
    claims: dict[str, set[str]] = {}
    for sub in subs:
        for name in (sub.column, sub.label):
            claims.setdefault(_normalise(name), set()).add(sub.column)
    aliases = {name: next(iter(cols)) for name, cols in claims.items() if len(cols) == 1}
    # A column name always means its own column, even if another label happens to equal it.
    for sub in subs:
        aliases[_normalise(sub.column)] = sub.column
    if len(subs) == 1:
        for generic in SINGLE_ANSWER_KEYS:
            aliases.setdefault(_normalise(generic), subs[0].column)
    return aliases


# --- JSON --------------------------------------------------------------------------------------


def _object_starts(text: str) -> list[int]:
    """Offsets of every ``{`` that opens a balanced, shallow ``{...}`` span, in order.

    One pass: at the top level only ``{`` is looked for (so that quotes in prose never hide an
    answer); inside a span, strings (on one line, as JSON wants) and brackets are tokens. A span
    nested more than :data:`_MAX_JSON_NESTING` deep, or whose brackets do not match, is no
    candidate: a rating object is shallow, and decoding only balanced shallow spans keeps the
    decoder's work linear in the text's length (each character is decoded at most once per
    level of nesting).
    """
    starts: list[int] = []
    tokens = 0
    position = text.find("{")
    while position != -1:
        # (closing bracket expected, start, depth of the deepest span inside)
        stack: list[tuple[str, int, int]] = []
        overflow = 0  # levels beyond the stack's bound, counted only
        end = len(text)
        for match in _JSON_TOKEN_RE.finditer(text, position):
            tokens += 1
            if tokens > MAX_JSON_TOKENS:
                raise _RunawayError(
                    f"the answer holds more than {MAX_JSON_TOKENS:,} JSON brackets and strings "
                    "(a runaway output, not a rating answer)"
                )
            token = match[0]
            if token[0] == '"':
                continue
            if token in "{[":
                if len(stack) >= _MAX_JSON_STACK:
                    overflow += 1
                else:
                    stack.append(("}" if token == "{" else "]", match.start(), 0))
            elif overflow:
                overflow -= 1
                if stack:
                    stack[-1] = (stack[-1][0], stack[-1][1], _MAX_JSON_NESTING)
            elif not stack or stack[-1][0] != token:
                stack.clear()  # mismatched brackets: nothing open here is JSON
            else:
                closing, start, below = stack.pop()
                if closing == "}" and below < _MAX_JSON_NESTING:
                    starts.append(start)
                if stack:
                    outer = stack[-1]
                    stack[-1] = (outer[0], outer[1], max(outer[2], below + 1))
            if not stack and not overflow:
                end = match.end()
                break
        position = text.find("{", end)
    starts.sort()
    return starts


def _json_objects(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield every outermost JSON object in the text with its start offset.

    Scanning resumes after a decoded object, so objects nested inside it are not yielded on
    their own; a '{' that does not start valid JSON is skipped, which lets an intact inner
    object of a truncated outer one still be found. Only balanced, shallow spans are decoded
    (`_object_starts`), so the work is linear in the text's length.
    """
    # Numbers stay as their literal text, so that validation sees what the model wrote: a float
    # would turn 1e-400 into 0.0 and 1.9999999999999999 into 2.0, and int() refuses long literals.
    decoder = json.JSONDecoder(parse_int=_JsonNumber, parse_float=_JsonNumber)
    failures = 0
    resume = 0
    for position in _object_starts(text):
        if position < resume:
            continue
        try:
            value, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            failures += 1
            if failures >= _MAX_JSON_ATTEMPTS:
                return
            continue
        if isinstance(value, dict):
            yield position, value
        resume = end


def _rating_key(found: _Found, sub: SubComponent) -> tuple[str, object]:
    """What two answers must share to agree: the valid rating, else the raw text."""
    rating = _validate(found.value, sub)
    if isinstance(rating, float):
        return ("valid", rating)
    return ("other", _raw_text(found.value))


def _merge(
    answers: Sequence[Mapping[str, _Found]], subs: Sequence[SubComponent]
) -> tuple[dict[str, _Found], dict[str, list[str]]]:
    """Merge several answers into one.

    A valid rating beats an invalid one (an echoed template such as ``"<0-2>"``); two different
    valid ratings for one sub-component are a conflict.
    """
    by_column = {sub.column: sub for sub in subs}
    merged: dict[str, _Found] = {}
    valid_seen: dict[str, dict[object, str]] = {}
    # A runaway answer repeats one line thousands of times: validate each distinct text once.
    keys: dict[tuple[str, str], tuple[str, object]] = {}
    for answer in answers:
        for column, hit in answer.items():
            if hit.value is None:
                continue
            cache_key = (column, hit.value) if isinstance(hit.value, str) else None
            if cache_key is not None and cache_key in keys:
                kind, key = keys[cache_key]
            else:
                kind, key = _rating_key(hit, by_column[column])
                if cache_key is not None:
                    keys[cache_key] = (kind, key)
            if kind == "valid":
                valid_seen.setdefault(column, {}).setdefault(key, _raw_text(hit.value))
                merged[column] = hit
            elif column not in valid_seen:
                merged[column] = hit
    conflicts = {
        column: list(values.values()) for column, values in valid_seen.items() if len(values) > 1
    }
    return merged, conflicts


def _json_answers(
    text: str, subs: Sequence[SubComponent], aliases: Mapping[str, str]
) -> tuple[dict[str, _Found], str | None, int, dict[str, list[str]]] | None:
    """Every JSON object naming a requested sub-component, merged (see `_merge`).

    Returns:
        (found, rationale, start of the first such object, conflicts), or None without any.
    """
    answers: list[dict[str, _Found]] = []
    rationale: str | None = None
    first = -1
    for start, obj in _json_objects(text):
        found, obj_rationale = _ratings_from_object(obj, aliases, depth=0)
        if found:
            answers.append(found)
            rationale = obj_rationale or rationale
            first = start if first == -1 else first
    if not answers:
        return None
    merged, conflicts = _merge(answers, subs)
    return merged, rationale, first, conflicts


def _ratings_from_object(
    obj: Mapping[str, Any], aliases: Mapping[str, str], depth: int
) -> tuple[dict[str, _Found], str | None]:
    """Read ratings from a decoded JSON object, descending into wrappers like {"ratings": ...}."""
    found: dict[str, _Found] = {}
    notes: list[str] = []
    rationale: str | None = None
    named = _named_rating(obj, aliases)
    if named is not None:  # {"sub_component": "empathy", "rating": 4}
        named_column, named_value, named_note = named
        return {named_column: _Found(named_value, from_json=True)}, named_note
    for key, value in obj.items():
        normalised = _normalise(str(key))
        column = aliases.get(normalised)
        if column is not None and not (isinstance(value, Mapping) and normalised == "answer"):
            if isinstance(value, Mapping):
                value, note = _unwrap_rating(value)
                if note:
                    notes.append(f"{column}: {note}")
            found[column] = _Found(value, from_json=True)
        elif normalised in RATIONALE_KEYS and rationale is None:
            rationale = _as_text(value)
    if not found and depth < _MAX_DEPTH:
        # No rating at this level: the ratings may sit one level down, e.g. {"ratings": {...}},
        # or in a list of per-sub-component objects, {"ratings": [{"name": ..., "rating": 4}]}.
        for value in obj.values():
            if isinstance(value, list):
                items = [_named_rating(i, aliases) for i in value if isinstance(i, Mapping)]
                listed = [item for item in items if item is not None]
                if listed:
                    found = _listed_ratings(listed)
                    break
            if isinstance(value, Mapping):
                inner, inner_rationale = _ratings_from_object(value, aliases, depth + 1)
                if inner:
                    found = inner
                    rationale = rationale or inner_rationale
                    break
    if rationale is None and notes:
        rationale = "\n".join(notes)
    return found, rationale


def _named_rating(
    obj: Mapping[str, Any], aliases: Mapping[str, str]
) -> tuple[str, Any, str | None] | None:
    """(column, rating, note) of an object that names its sub-component under a name key."""
    column: str | None = None
    for key, value in obj.items():
        if _normalise(str(key)) in NAME_KEYS and isinstance(value, str):
            column = aliases.get(_normalise(value))
            if column is not None:
                break
    if column is None:
        return None
    rating, note = _unwrap_rating(obj)
    return (column, None if rating is obj else rating, note)


def _listed_ratings(listed: Sequence[tuple[str, Any, str | None]]) -> dict[str, _Found]:
    """The ratings of a list of per-sub-component objects.

    A sub-component listed twice keeps its values joined, so that two different ratings are read
    as ambiguous, not as the last one.
    """
    values: dict[str, list[Any]] = {}
    for column, value, _ in listed:
        values.setdefault(column, []).append(value)
    found: dict[str, _Found] = {}
    for column, given in values.items():
        distinct = list(dict.fromkeys(_raw_text(v) for v in given))
        found[column] = _Found(given[0] if len(distinct) == 1 else " or ".join(distinct), True)
    return found


def _unwrap_rating(value: Mapping[str, Any]) -> tuple[Any, str | None]:
    """Split {"rating": 3, "rationale": "..."} into the rating and its note."""
    rating: Any = value  # no rating key: the whole object is the (invalid) answer
    note: str | None = None
    for key, item in value.items():
        normalised = _normalise(str(key))
        if normalised in VALUE_KEYS and rating is value:
            rating = item
        elif normalised in RATIONALE_KEYS and note is None:
            note = _as_text(item)
    return rating, note


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else _raw_text(value, limit=None)
    text = text.strip()
    return text or None


# --- "name: value" lines -----------------------------------------------------------------------


def _read_pairs(
    text: str, subs: Sequence[SubComponent], aliases: Mapping[str, str]
) -> tuple[dict[str, _Found], str | None, dict[str, list[str]]]:
    """Read ``name: value`` pairs and Markdown tables.

    Per name, a valid value beats an invalid one (a template line such as ``Empathy: [1-5]``);
    two different valid values are a conflict (ambiguous), not "the last one".
    """
    by_column: dict[str, list[str]] = {}
    table_at = _read_tables(text, aliases, by_column)
    rationale: str | None = None
    first_pair_at: int | None = None
    # Segments at even indices, the separators between them at odd ones.
    pieces = _SEGMENT_SPLIT_RE.split(text)
    matches = [
        _PAIR_RE.match(piece) if i % 2 == 0 and ("=" in piece or ":" in piece) else None
        for i, piece in enumerate(pieces)
    ]
    if sum(match is not None for match in matches) > MAX_PAIR_LINES:
        raise _RunawayError(
            f"the answer holds more than {MAX_PAIR_LINES:,} 'name: value' pairs "
            "(a runaway output, not a rating answer)"
        )
    at = 0
    for index, segment in enumerate(pieces):
        segment_at = at
        at += len(segment)
        match = matches[index]
        if match is None:
            continue
        name = _normalise(match["name"])
        if name in RATIONALE_KEYS:
            value = match["value"].strip().strip(_DECORATION).strip()
            rationale = rationale or (value or None)
            continue
        column = aliases.get(name)
        if column is None:
            continue
        # "4, maybe 5": the comment after a soft separator belongs to the value.
        value = match["value"] + _value_tail(pieces, matches, index, aliases)
        # Brackets stay: validation takes off one pair, and only one.
        value = value.strip().strip(_VALUE_DECORATION).strip()
        if not value:
            continue
        by_column.setdefault(column, []).append(value)
        if first_pair_at is None:
            first_pair_at = segment_at
    if len(subs) == 1 and not by_column:
        bare = _clean_value(text)
        if _LEADING_NUMBER_RE.fullmatch(bare):
            by_column[subs[0].column] = [bare]

    each = [{c: _Found(v, from_json=False)} for c, values in by_column.items() for v in values]
    found, conflicts = _merge(each, subs)
    if table_at is not None:
        first_pair_at = table_at if first_pair_at is None else min(first_pair_at, table_at)
    if rationale is None and first_pair_at is not None:
        rationale = _clean_rationale(text[:first_pair_at])
    return found, rationale, conflicts


def _table_cells(line: str) -> list[str]:
    return [cell.strip().strip(_VALUE_DECORATION) for cell in line.strip().strip("|").split("|")]


def _read_tables(
    text: str, aliases: Mapping[str, str], by_column: dict[str, list[str]]
) -> int | None:
    """Read Markdown tables into ``by_column``; returns the offset of the first table row used.

    A table is read either way round: one row per sub-component (``| Empathy | 4 |``; the
    value is in the column headed rating/score/level/value, else the second one), or one column
    per sub-component (a header row of names over rows of values).
    """
    if "|" not in text:
        return None
    first_at: int | None = None
    header: list[str | None] | None = None  # across: the sub-component of each column
    value_index = 1  # down: the column holding the value
    in_table = False
    previous_end = -1
    for row_number, row in enumerate(_TABLE_ROW_RE.finditer(text)):
        if row_number == MAX_PAIR_LINES:
            raise _RunawayError(
                f"the answer holds more than {MAX_PAIR_LINES:,} table rows "
                "(a runaway output, not a rating answer)"
            )
        line_at = row.start()
        if text[previous_end + 1 : line_at].strip() or previous_end == -1:
            in_table, header, value_index = False, None, 1  # a new table
        previous_end = row.end()
        stripped = row[0].strip()
        if len(stripped) > 2000:
            in_table, header, value_index = False, None, 1
            continue
        cells = _table_cells(stripped)
        if all(_TABLE_RULE_RE.fullmatch(cell) for cell in cells if cell):
            continue  # the |---|---| line under a header
        names = [aliases.get(_normalise(cell)) for cell in cells]
        n_named = sum(name is not None for name in names)
        used = False
        if header is not None:
            for column, cell in zip(header, cells, strict=False):
                if column is not None and cell:
                    by_column.setdefault(column, []).append(cell)
                    used = True
        elif names[0] is not None and n_named == 1:
            if len(cells) > value_index and cells[value_index]:
                by_column.setdefault(names[0], []).append(cells[value_index])
                used = True
        elif not in_table and n_named >= 1:
            header = names
        elif not in_table:
            value_index = next(
                (i for i, cell in enumerate(cells) if i > 0 and _normalise(cell) in VALUE_KEYS),
                1,
            )
        in_table = True
        if used and first_at is None:
            first_at = line_at
    return first_at


def _value_tail(
    pieces: Sequence[str],
    matches: Sequence[re.Match[str] | None],
    index: int,
    aliases: Mapping[str, str],
) -> str:
    """The text after a pair's value up to the next pair or line: ", maybe 5" in "4, maybe 5"."""
    tail = ""
    for following in range(index + 1, len(pieces)):
        piece = pieces[following]
        if following % 2 == 1:  # a separator
            if _HARD_SEPARATORS.intersection(piece):
                break
        elif matches[following] is not None or _starts_with_name(piece, aliases):
            break  # the next pair, with or without its colon
        tail += piece
        if len(tail) > _MAX_RAW_CHARS:  # a comment, not a rating, and bounded work per pair
            break
    return tail.rstrip(",;| \t") if tail.strip(",;| \t") else ""


def _starts_with_name(piece: str, aliases: Mapping[str, str]) -> bool:
    normalised = _normalise(piece)
    return any(normalised == name or normalised.startswith(name + " ") for name in aliases)


def _clean_value(value: str) -> str:
    """A value without decoration and without one enclosing pair of brackets ("[2]" -> "2")."""
    value = value.strip().strip(_VALUE_DECORATION).strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1].strip().strip(_VALUE_DECORATION).strip()
    return value


def _clean_rationale(prefix: str) -> str | None:
    """Text before the answer, without code-fence markers, as the rationale."""
    cleaned = _CODE_FENCE_RE.sub("", prefix).strip(" \t\r\n{}[],;")
    return cleaned or None


# --- validation --------------------------------------------------------------------------------


def _validate(value: Any, sub: SubComponent) -> float | _Ambiguous | None:
    """The rating as a float when it is an integer level of the scale.

    Returns:
        The rating; :data:`_AMBIGUOUS` when the answer names several numbers; None when it is
        invalid.
    """
    if isinstance(value, bool):  # JSON true/false are not ratings, although bool is an int
        return None
    if isinstance(value, str):  # text, or a JSON number as its literal
        return _validate_text(value, sub)
    if isinstance(value, int):
        return float(value) if sub.scale_min <= value <= sub.scale_max else None
    if isinstance(value, float):  # NaN or Infinity in JSON
        if math.isfinite(value) and sub.is_valid_rating(value):
            return float(value)
        return None
    return None


def _validate_text(text: str, sub: SubComponent) -> float | _Ambiguous | None:
    text = _VALUE_WORD_RE.sub("", _clean_value(text), count=1)
    match = _NUMBER_RE.match(text)
    if match is None:
        return None
    literal = match["number"]
    if len(literal) > _MAX_LITERAL_CHARS:  # far outside any scale
        return None
    try:
        number = Decimal(literal)
    except InvalidOperation:  # an exponent beyond Decimal's range
        return None
    if _names_another_number(match["rest"], number, sub):
        return _AMBIGUOUS
    # "3/5" is a rating on a 1-5 scale; "3/10" is on another scale and is not converted.
    denominator = match["denominator"]
    if denominator is not None and int(denominator) != sub.scale_max:
        return None
    # Decided on the exact value of the literal, never on its float: 1.9999999999999999 is not
    # an integer although its float is 2.0, and 1e-400 is not 0 although its float is.
    if not sub.scale_min <= number <= sub.scale_max or number != number.to_integral_value():
        return None
    return float(int(number))


def _names_another_number(rest: str, number: Decimal, sub: SubComponent) -> bool:
    """Whether a value's comment names a number other than the value or the scale's maximum."""
    if not rest or not any(ch.isdigit() for ch in rest):
        return False
    rest = _SCALE_MENTION_RE.sub(lambda m: "" if m[1] == str(sub.scale_max) else m[0], rest)
    for other in _ANY_NUMBER_RE.findall(rest):
        if len(other) > _MAX_LITERAL_CHARS:
            return True
        try:
            if Decimal(other) != number:
                return True
        except InvalidOperation:  # digits Decimal does not read
            return True
    return False


def _raw_text(value: Any, limit: int | None = _MAX_RAW_CHARS) -> str:
    """The offending value as text, safe for huge integers and odd JSON."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        text = f"<integer with about {int(value.bit_length() * 0.30103)} digits>"
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            # e.g. an integer too long to print, nested in a list
            text = f"<unprintable {type(value).__name__}>"
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
