"""Validating a conversations table (turns or transcript schema) and building its conversations."""

from __future__ import annotations

from typing import Any

from .column_checks import Issues, check_ids, encode_ids, missing_columns
from .conversation import (
    Conversation,
    TranscriptError,
    Turn,
    normalize_speaker,
    parse_transcript,
    supporter_word_count,
)
from .data_problems import Problem, shown
from .rubric import Framework
from .source_table import SourceTable

TURN_COLUMNS: tuple[str, ...] = ("item_id", "speaker", "text")


TRANSCRIPT_COLUMNS: tuple[str, ...] = ("item_id", "transcript")


def _conversation(framework: Framework, item_id: str, turns: tuple[Turn, ...]) -> Conversation:
    meta: dict[str, Any] = {"supporter_word_count": supporter_word_count(turns)}
    if framework.id == "lend_an_ear":
        meta["scenario"] = next((t.text for t in turns if t.speaker == "Seeker"), "")
    return Conversation(framework.id, item_id, turns, meta)


def conversations_from_table(
    table: SourceTable, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    """The conversations of a table in either schema, or every problem found (then None)."""
    if "transcript" in table.columns:
        return _from_transcripts(table, framework)
    problems = missing_columns(table, TURN_COLUMNS, "turns")
    if problems:
        if "item_id" in table.columns and "speaker" not in table.columns:
            problems.append(
                Problem(
                    table.name,
                    None,
                    "transcript",
                    "missing column (needed by the"
                    " transcript schema, the alternative to speaker/text)",
                )
            )
        return None, problems
    issues = Issues(table)
    check_ids(issues, encode_ids(table.columns["item_id"]), "item_id", "item id", 0)
    item_ids: list[str] = table.columns["item_id"].to_pylist()
    speakers: list[str] = table.columns["speaker"].to_pylist()
    texts: list[str] = table.columns["text"].to_pylist()
    orders: list[str] | None = (
        table.columns["turn"].to_pylist() if "turn" in table.columns else None
    )
    turns: dict[str, list[tuple[float, int, Turn]]] = {}
    seen: dict[tuple[str, float], int] = {}
    for index, item_id in enumerate(item_ids):
        row_number = int(table.rows[index])

        def report(column: str, message: str, index: int = index) -> None:
            issues.add_one(index, 1, column, message)

        if not item_id:
            report("item_id", "empty item id")
            continue
        raw_speaker = speakers[index]
        speaker = normalize_speaker(raw_speaker, framework.speakers)
        if speaker is None:
            seeker, supporter = framework.speakers
            report(
                "speaker", f"speaker {shown(raw_speaker)} is neither '{seeker}' nor '{supporter}'"
            )
        text = texts[index]
        if not text:
            report("text", "empty text")
        order = float(index)
        if orders is not None:
            raw_turn = orders[index]
            if not (raw_turn.isascii() and raw_turn.lstrip("+-").isdigit()) or len(raw_turn) > 18:
                report("turn", f"turn {shown(raw_turn)} is not an integer")
                continue
            order = float(int(raw_turn))
            if (item_id, order) in seen:
                report(
                    "turn",
                    f"item {shown(item_id)} repeats turn {raw_turn}"
                    f" (first at {table.unit} {seen[(item_id, order)]})",
                )
                continue
            seen[(item_id, order)] = row_number
        if speaker is not None and text:
            turns.setdefault(item_id, []).append((order, index, Turn(speaker, text)))
    if issues:
        return None, issues.problems()
    result = [
        _conversation(framework, item_id, tuple(t for _, _, t in sorted(items)))
        for item_id, items in turns.items()
    ]
    return result, []


def _from_transcripts(
    table: SourceTable, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    problems = missing_columns(table, TRANSCRIPT_COLUMNS, "transcript")
    if problems:
        return None, problems
    issues = Issues(table)
    check_ids(issues, encode_ids(table.columns["item_id"]), "item_id", "item id", 0)
    result: list[Conversation] = []
    first_row: dict[str, int] = {}
    item_ids: list[str] = table.columns["item_id"].to_pylist()
    transcripts: list[str] = table.columns["transcript"].to_pylist()
    for index, (item_id, transcript) in enumerate(zip(item_ids, transcripts, strict=True)):

        def report(column: str, message: str, index: int = index) -> None:
            issues.add_one(index, 1, column, message)

        if not item_id:
            report("item_id", "empty item id")
            continue
        if item_id in first_row:
            report(
                "item_id",
                f"item {shown(item_id)} repeated (first at {table.unit} {first_row[item_id]})",
            )
            continue
        first_row[item_id] = int(table.rows[index])
        try:
            turns = parse_transcript(transcript, names=framework.speakers)
        except TranscriptError as exc:
            report("transcript", str(exc))
            continue
        if not turns:
            report("transcript", "no turns")
            continue
        result.append(_conversation(framework, item_id, turns))
    if issues:
        return None, issues.problems()
    return result, []
