"""Parse a model's completion into one rating per sub-component.

Models answer in many shapes: a bare JSON object, JSON inside a code fence or after a chain of
thought, JSON wrapped in ``{"ratings": {...}}`` or with a rationale per key, ``name: 3`` lines in
Markdown, or ``Answer: 2`` when a single sub-component is asked. This module turns any of them
into a :class:`ParsedRatings` without ever raising on text: a rating that cannot be read is
recorded as missing or invalid, and its value is NaN — never 0, which is a real level on some
scales. Values are validated against the rubric, not repaired: 2.5, 7 on a 1-5 scale or "high"
are invalid rather than rounded or clipped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from empathy_judge.datasets.rubric import Framework, SubComponent

ParseStatus = Literal["ok", "partial", "failed"]

#: Keys whose value is a free-text justification rather than a rating.
RATIONALE_KEYS: tuple[str, ...] = ("rationale", "reasoning", "explanation", "justification")
#: Keys that hold the rating inside a per-sub-component object such as {"rating": 3, ...}.
VALUE_KEYS: tuple[str, ...] = ("rating", "score", "value", "level", "answer")
#: Generic names a model uses for its only rating when one sub-component is asked.
SINGLE_ANSWER_KEYS: tuple[str, ...] = ("answer", "rating", "score", "level", "final answer")

# Raw values are kept for diagnosis only; a runaway completion should not bloat the log.
_MAX_RAW_CHARS = 200
# JSON nested deeper than this is not a rating object; the bound keeps recursion safe.
_MAX_DEPTH = 4
# Each failed decode can scan to the end of the text; bounding the attempts keeps a pathological
# completion (thousands of stray braces) from taking quadratic time.
_MAX_JSON_ATTEMPTS = 2000
# A number, optionally out of a denominator ("3/5"), optionally followed by a comment such as
# "2 (strong)" or "3 - moderate". "2.5" stays one number, so it is seen and rejected as such.
_NUMBER_RE = re.compile(
    r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"  # the number
    r"(?:\s*/\s*(?P<denominator>\d+))?"  # "/5"
    r"(?:\s*$|\s*[-–—:(,;]|\s+\w)",  # end, or a separator before a comment
)
_LEADING_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# "name: value" or "name = value"; the list marker is optional ("- ", "1. ", "## ").
_PAIR_RE = re.compile(
    r"^\s*(?:[-*+•]\s+|\d{1,2}[.)]\s+|#{1,6}\s*)?(?P<name>[^:=\n]{1,120}?)\s*[:=]\s*(?P<value>.*)$"
)
# Characters that decorate a name or a value in Markdown or JSON and carry no meaning.
_DECORATION = "*_`\"'#[]<> \t"
# Segments of text that can each hold one "name: value" pair; braces and commas split truncated
# JSON ({"a": 1, "b": 2) into its pairs as well.
_SEGMENT_SPLIT_RE = re.compile(r"[\n\r{},;|]+")
_CODE_FENCE_RE = re.compile(r"```[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class ParsedRatings:
    """The ratings read from one completion.

    Attributes:
        ratings: Every requested sub-component's rating, in the requested order; NaN when the
            rating is missing or invalid.
        invalid: Sub-components whose answer was present but not a level of the scale, mapped
            to the offending raw value (as text, truncated to 200 characters).
        missing: Requested sub-components the completion gave no answer for.
        rationale: The model's justification, when it gave one.
        status: "ok" when every requested rating is valid, "failed" when none is,
            "partial" otherwise.
    """

    ratings: dict[str, float]
    invalid: dict[str, str]
    missing: list[str]
    rationale: str | None
    status: ParseStatus

    @property
    def n_valid(self) -> int:
        """Number of requested sub-components with a valid rating."""
        return sum(1 for value in self.ratings.values() if not math.isnan(value))


@dataclass(frozen=True)
class _Found:
    """A value a completion gave for one sub-component, before validation."""

    value: Any
    from_json: bool


def parse_ratings(
    text: str,
    framework: Framework,
    sub_components: Sequence[str] | None = None,
) -> ParsedRatings:
    """Read a rating for each requested sub-component from a model's completion.

    The last JSON object in the text that names at least one requested sub-component wins
    (so that a chain of thought or few-shot echo before it does not); without one, ``name: 3``
    lines are read, matching the release's column name or the rubric's label, case-insensitive.
    When exactly one sub-component is requested, ``Answer: 2`` (or a bare ``2``) is accepted.

    Args:
        text: The raw completion.
        framework: The framework whose rubric gives names and scales.
        sub_components: Column names to read, in order; all of the framework's by default.

    Returns:
        The parsed ratings; never raises on any text.

    Raises:
        KeyError: A requested sub-component is not in the framework (a caller's error).
        ValueError: ``sub_components`` is empty.
    """
    subs = _requested(framework, sub_components)
    # Defensive: a None completion from a misbehaving provider must not crash a scorer.
    text = text if isinstance(text, str) else str(text or "")
    aliases = _aliases(subs)

    found: dict[str, _Found] = {}
    rationale: str | None = None
    json_hit = _last_json_with_ratings(text, subs, aliases)
    if json_hit is not None:
        found, rationale, start = json_hit
        if rationale is None:
            rationale = _clean_rationale(text[:start])
    else:
        found, rationale = _read_pairs(text, subs, aliases)

    ratings: dict[str, float] = {}
    invalid: dict[str, str] = {}
    missing: list[str] = []
    for sub in subs:
        hit = found.get(sub.column)
        if hit is None or hit.value is None:
            missing.append(sub.column)
            ratings[sub.column] = math.nan
            continue
        rating = _validate(hit.value, sub)
        if rating is None:
            invalid[sub.column] = _raw_text(hit.value)
            ratings[sub.column] = math.nan
        else:
            ratings[sub.column] = rating

    n_valid = len(subs) - len(invalid) - len(missing)
    status: ParseStatus = "ok" if n_valid == len(subs) else "failed" if n_valid == 0 else "partial"
    return ParsedRatings(
        ratings=ratings, invalid=invalid, missing=missing, rationale=rationale, status=status
    )


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


def _json_objects(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield every outermost JSON object in the text with its start offset.

    Scanning resumes after a decoded object, so objects nested inside it are not yielded on
    their own; a '{' that does not start valid JSON is skipped, which lets an intact inner
    object of a truncated outer one still be found.
    """
    decoder = json.JSONDecoder()
    failures = 0
    position = text.find("{")
    while position != -1 and failures < _MAX_JSON_ATTEMPTS:
        try:
            value, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            failures += 1
            position = text.find("{", position + 1)
            continue
        if isinstance(value, dict):
            yield position, value
        position = text.find("{", max(end, position + 1))


def _last_json_with_ratings(
    text: str, subs: Sequence[SubComponent], aliases: Mapping[str, str]
) -> tuple[dict[str, _Found], str | None, int] | None:
    best: tuple[dict[str, _Found], str | None, int] | None = None
    for start, obj in _json_objects(text):
        found, rationale = _ratings_from_object(obj, aliases, depth=0)
        if found:
            best = (found, rationale, start)
    return best


def _ratings_from_object(
    obj: Mapping[str, Any], aliases: Mapping[str, str], depth: int
) -> tuple[dict[str, _Found], str | None]:
    """Read ratings from a decoded JSON object, descending into wrappers like {"ratings": ...}."""
    found: dict[str, _Found] = {}
    notes: list[str] = []
    rationale: str | None = None
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
        # No rating at this level: the ratings may sit one level down, e.g. {"ratings": {...}}.
        for value in obj.values():
            if isinstance(value, Mapping):
                inner, inner_rationale = _ratings_from_object(value, aliases, depth + 1)
                if inner:
                    found = inner
                    rationale = rationale or inner_rationale
                    break
    if rationale is None and notes:
        rationale = "\n".join(notes)
    return found, rationale


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
) -> tuple[dict[str, _Found], str | None]:
    """Read ``name: value`` pairs; per name, the last valid value wins, else the last value."""
    by_column: dict[str, list[str]] = {}
    rationale: str | None = None
    first_pair_at: int | None = None
    offset = 0
    for segment in _SEGMENT_SPLIT_RE.split(text):
        at = text.find(segment, offset) if segment else offset
        offset = at + len(segment)
        match = _PAIR_RE.match(segment)
        if match is None:
            continue
        name = _normalise(match["name"])
        value = match["value"].strip().strip(_DECORATION).strip()
        if name in RATIONALE_KEYS:
            rationale = rationale or (value or None)
            continue
        column = aliases.get(name)
        if column is None or not value:
            continue
        by_column.setdefault(column, []).append(value)
        if first_pair_at is None:
            first_pair_at = at
    if len(subs) == 1 and not by_column:
        bare = text.strip().strip(_DECORATION).strip()
        if _LEADING_NUMBER_RE.fullmatch(bare):
            by_column[subs[0].column] = [bare]

    found: dict[str, _Found] = {}
    sub_by_column = {sub.column: sub for sub in subs}
    for column, values in by_column.items():
        valid = [v for v in values if _validate(v, sub_by_column[column]) is not None]
        found[column] = _Found((valid or values)[-1], from_json=False)
    if rationale is None and first_pair_at is not None:
        rationale = _clean_rationale(text[:first_pair_at])
    return found, rationale


def _clean_rationale(prefix: str) -> str | None:
    """Text before the answer, without code-fence markers, as the rationale."""
    cleaned = _CODE_FENCE_RE.sub("", prefix).strip(" \t\r\n{}[],;")
    return cleaned or None


# --- validation --------------------------------------------------------------------------------


def _validate(value: Any, sub: SubComponent) -> float | None:
    """The rating as a float when it is an integer level of the scale, else None."""
    if isinstance(value, bool):  # JSON true/false are not ratings, although bool is an int
        return None
    if isinstance(value, int):
        return float(value) if sub.scale_min <= value <= sub.scale_max else None
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and sub.is_valid_rating(value):
            return float(value)
        return None
    if isinstance(value, str):
        return _validate_text(value, sub)
    return None


def _validate_text(text: str, sub: SubComponent) -> float | None:
    text = text.strip().strip(_DECORATION).strip()
    if not _NUMBER_RE.match(text):
        return None
    number_match = _LEADING_NUMBER_RE.match(text)
    if number_match is None:
        return None
    denominator = _NUMBER_RE.match(text)
    # "3/5" is a rating on a 1-5 scale; "3/10" is on another scale and is not converted.
    if (
        denominator is not None
        and denominator["denominator"] is not None
        and int(denominator["denominator"]) != sub.scale_max
    ):
        return None
    literal = number_match.group(0)
    if len(literal) > 30:  # far outside any scale; avoids float() overflow on huge literals
        return None
    number = float(literal)
    if math.isfinite(number) and number.is_integer() and sub.is_valid_rating(number):
        return number
    return None


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
