"""A user's own conversations and ratings: read, validate whole, and convert to canonical shapes.

**Sources.** A path to a ``.csv`` (UTF-8, header row), ``.jsonl``/``.ndjson`` (one JSON object
per line), ``.parquet``/``.pq`` file; a folder written by Hugging Face ``Dataset.save_to_disk``;
``"hf://owner/name"`` (``datasets.load_dataset``, split "train" unless ``"hf://owner/name:split"``);
or a ``datasets.Dataset`` object.

**Ratings, long schema** — one row per rating::

    item_id, sub_component, annotator, rating [, group]

**Ratings, wide schema** — one row per (item, annotator), one column per sub-component (the
framework's release column names, e.g. ``empathy, relevance, fluency``)::

    item_id, annotator [, group], <sub_component columns ...>

``rating`` is a number on the sub-component's scale (fractions allowed, e.g. crowd means); a
blank cell is a missing rating (NaN). ``group`` is one of expert, crowd, llm, gold, model
(default: the ``group`` argument, "expert"). Without an ``annotator`` column, pass
``annotator=``.

**Conversations** — either one row per turn::

    item_id, speaker, text [, turn]

(``speaker`` "Seeker" or "Supporter", case-insensitive; ``turn`` an integer giving the order,
else file order), or one row per conversation::

    item_id, transcript

with ``transcript`` lines starting "Seeker:" or "Supporter:" (unlabelled lines continue the
previous turn; empty turns are dropped, as for the release).

**Validation** rejects a file whole: every problem is collected and
:class:`DataValidationError` carries them as :class:`Problem` records (file, row, column,
message). Rows are numbered as data rows from 1: in a CSV, row 1 is the first record after the
header (so spreadsheet row 2); in JSONL, the row is the line number; in Parquet and Hugging Face
datasets, the 1-based row index. Checked: empty files, undecodable text, missing columns,
unknown sub-components, non-numeric ratings, ratings outside the framework's scale, duplicated
(item, annotator, sub-component) ratings, ratings for items without a conversation (when
conversations are given), unknown speakers, empty or unparsable conversation text.
"""

from __future__ import annotations

import importlib
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from empathy_judge.datasets.conversation import (
    Conversation,
    TranscriptError,
    Turn,
    normalize_speaker,
    parse_transcript,
    supporter_word_count,
)
from empathy_judge.datasets.errors import EmpathyJudgeError
from empathy_judge.datasets.release import RATINGS_COLUMNS
from empathy_judge.datasets.rubric import Framework, load_framework

#: Groups a rating may belong to.
GROUPS: tuple[str, ...] = ("expert", "crowd", "llm", "gold", "model")
LONG_COLUMNS: tuple[str, ...] = ("item_id", "sub_component", "annotator", "rating")
TURN_COLUMNS: tuple[str, ...] = ("item_id", "speaker", "text")
TRANSCRIPT_COLUMNS: tuple[str, ...] = ("item_id", "transcript")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's file.

    Attributes:
        file: The file (or dataset) name.
        row: 1-based data row (see the module docstring), or None for the whole file.
        column: The column concerned, or None.
        message: What is wrong.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(EmpathyJudgeError, ValueError):
    """A user's file was rejected; :attr:`problems` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s):\n{shown}{tail}")


@dataclass(frozen=True)
class _Table:
    """A source read as strings: ``frame`` cells are str ("" = blank), ``rows`` the numbers."""

    name: str
    frame: pd.DataFrame
    rows: list[int]


# -- reading ----------------------------------------------------------------------------------


def _read(source: Any) -> tuple[_Table | None, list[Problem]]:
    if isinstance(source, str) and source.startswith("hf://"):
        return _from_hub(source)
    if isinstance(source, str | Path):
        path = Path(source)
        name = str(path)
        if path.is_dir():
            return _from_saved_dataset(path)
        if not path.is_file():
            return None, [Problem(name, None, None, "no such file")]
        suffix = path.suffix.lower()
        if suffix == ".csv":
            return _from_csv(path)
        if suffix in (".jsonl", ".ndjson"):
            return _from_jsonl(path)
        if suffix in (".parquet", ".pq"):
            return _from_parquet(path)
        return None, [
            Problem(
                name,
                None,
                None,
                f"unsupported file type {suffix!r}: use .csv, .jsonl, "
                ".parquet or a Hugging Face dataset folder",
            )
        ]
    if hasattr(source, "to_pandas") and hasattr(source, "column_names"):
        return _from_frame("<Hugging Face dataset>", source.to_pandas())
    raise TypeError(f"cannot read ratings or conversations from {type(source).__name__}")


def _decode(path: Path, header_lines: int) -> tuple[str | None, list[Problem]]:
    raw = path.read_bytes()
    if not raw.strip():
        return None, [Problem(str(path), None, None, "empty file")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        row = line - header_lines
        return None, [
            Problem(
                str(path),
                row if row >= 1 else None,
                None,
                f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}"
                " (save the file as UTF-8)",
            )
        ]


def _from_csv(path: Path) -> tuple[_Table | None, list[Problem]]:
    text, problems = _decode(path, header_lines=1)
    if text is None:
        return None, problems
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        return None, [Problem(str(path), None, None, "empty file")]
    except pd.errors.ParserError as exc:
        return None, [Problem(str(path), None, None, f"not valid CSV: {exc}")]
    frame.columns = [str(c).strip() for c in frame.columns]
    return _finish(str(path), frame, list(range(1, len(frame) + 1)))


def _from_jsonl(path: Path) -> tuple[_Table | None, list[Problem]]:
    text, problems = _decode(path, header_lines=0)
    if text is None:
        return None, problems
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), number, None, f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(str(path), number, None, "not a JSON object"))
            continue
        records.append(value)
        rows.append(number)
    if problems:
        return None, problems
    return _finish(str(path), pd.DataFrame.from_records(records), rows)


def _from_parquet(path: Path) -> tuple[_Table | None, list[Problem]]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        return None, [Problem(str(path), None, None, f"not a readable Parquet file: {exc}")]
    return _from_frame(str(path), frame)


def _hf_datasets() -> Any:
    # Imported by name: inside this package a plain `import datasets` reads as ambiguous to
    # type checkers, and the library is heavy, so load it only when a dataset is asked for.
    return importlib.import_module("datasets")


def _from_saved_dataset(path: Path) -> tuple[_Table | None, list[Problem]]:
    datasets = _hf_datasets()

    try:
        loaded = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises FileNotFoundError and its own errors
        return None, [Problem(str(path), None, None, f"not a saved Hugging Face dataset: {exc}")]
    if isinstance(loaded, datasets.DatasetDict):
        if len(loaded) != 1:
            return None, [
                Problem(str(path), None, None, f"holds splits {list(loaded)}: save one split")
            ]
        loaded = next(iter(loaded.values()))
    return _from_frame(str(path), loaded.to_pandas())


def _from_hub(source: str) -> tuple[_Table | None, list[Problem]]:
    datasets = _hf_datasets()

    name, _, split = source.removeprefix("hf://").partition(":")
    try:
        loaded = datasets.load_dataset(name, split=split or "train")
    except Exception as exc:  # network, missing dataset, missing split
        return None, [Problem(source, None, None, f"cannot load from the Hub: {exc}")]
    return _from_frame(source, loaded.to_pandas())


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _from_frame(name: str, frame: pd.DataFrame) -> tuple[_Table | None, list[Problem]]:
    as_text = pd.DataFrame(
        {str(c): [_cell(v) for v in frame[c].tolist()] for c in frame.columns}, dtype=object
    )
    return _finish(name, as_text, list(range(1, len(frame) + 1)))


def _finish(name: str, frame: pd.DataFrame, rows: list[int]) -> tuple[_Table | None, list[Problem]]:
    if len(frame) == 0:
        return None, [Problem(name, None, None, "no data rows")]
    frame = frame.map(lambda v: _cell(v).strip()).reset_index(drop=True)
    return _Table(name, frame, rows), []


# -- ratings ---------------------------------------------------------------------------------


def _missing(table: _Table, columns: Iterable[str], what: str) -> list[Problem]:
    return [
        Problem(table.name, None, column, f"missing column (needed by the {what} schema)")
        for column in columns
        if column not in table.frame.columns
    ]


def _rating_problem(
    table: _Table, row: int, column: str, raw: str, framework: Framework, sub: str
) -> tuple[float, Problem | None]:
    if raw == "":
        return math.nan, None
    try:
        value = float(raw)
    except ValueError:
        return math.nan, Problem(table.name, row, column, f"rating {raw!r} is not a number")
    if not math.isfinite(value):
        return math.nan, Problem(table.name, row, column, f"rating {raw!r} is not a number")
    spec = framework.sub_component(sub)
    if not spec.scale_min <= value <= spec.scale_max:
        return value, Problem(
            table.name,
            row,
            column,
            f"rating {raw} is outside {sub}'s scale {spec.scale_min}..{spec.scale_max}",
        )
    return value, None


def _ratings_from_table(
    table: _Table,
    framework: Framework,
    conversation_ids: set[str] | None,
    annotator: str | None,
    group: str,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    frame = table.frame
    columns = set(frame.columns)
    known = set(framework.columns)
    is_long = {"sub_component", "rating"} <= columns
    needed = ["item_id"] + ([] if annotator is not None else ["annotator"])
    problems: list[Problem] = []
    if is_long:
        problems += _missing(table, [*needed, "sub_component", "rating"], "long")
        sub_columns: list[str] = []
    else:
        sub_columns = [c for c in frame.columns if c in known]
        extra = [
            c
            for c in frame.columns
            if c not in known
            and c not in {*needed, "annotator", "group", "sub_component", "rating"}
        ]
        if not sub_columns:
            if "rating" in columns or "sub_component" in columns:
                problems += _missing(table, [*needed, "sub_component", "rating"], "long")
            else:
                problems.append(
                    Problem(
                        table.name,
                        None,
                        None,
                        "missing columns: use the long schema (item_id, sub_component, annotator,"
                        " rating) or the wide schema (item_id, annotator, then sub-component"
                        f" columns {list(framework.columns)})",
                    )
                )
        problems += _missing(table, needed, "wide")
        problems += [
            Problem(
                table.name,
                None,
                column,
                f"unknown sub-component for {framework.id}; known: {list(framework.columns)}",
            )
            for column in extra
        ]
    if problems:
        return None, problems
    records: list[tuple[str, str, str, str, float]] = []
    origin: dict[tuple[str, str, str], int] = {}
    groups = frame["group"] if "group" in columns else None
    for index, row_number in enumerate(table.rows):
        item_id = str(frame.at[index, "item_id"])
        who = str(frame.at[index, "annotator"]) if annotator is None else annotator
        row_group = str(groups.iat[index]) if groups is not None and groups.iat[index] else group
        if not item_id:
            problems.append(Problem(table.name, row_number, "item_id", "empty item id"))
            continue
        if not who:
            problems.append(Problem(table.name, row_number, "annotator", "empty annotator"))
            continue
        if row_group not in GROUPS:
            problems.append(
                Problem(table.name, row_number, "group", f"group {row_group!r} not in {GROUPS}")
            )
        if conversation_ids is not None and item_id not in conversation_ids:
            problems.append(
                Problem(table.name, row_number, "item_id", f"item {item_id!r} has no conversation")
            )
        if is_long:
            cells = [(str(frame.at[index, "sub_component"]), "rating")]
        else:
            cells = [(sub, sub) for sub in sub_columns]
        for sub, column in cells:
            if sub not in known:
                problems.append(
                    Problem(
                        table.name,
                        row_number,
                        "sub_component",
                        f"unknown sub-component {sub!r} for {framework.id};"
                        f" known: {list(framework.columns)}",
                    )
                )
                continue
            value, problem = _rating_problem(
                table, row_number, column, str(frame.at[index, column]), framework, sub
            )
            if problem is not None:
                problems.append(problem)
            key = (item_id, who, sub)
            if key in origin:
                problems.append(
                    Problem(
                        table.name,
                        row_number,
                        column if not is_long else "sub_component",
                        f"duplicated rating for item {item_id!r}, annotator {who!r},"
                        f" sub-component {sub!r} (first at row {origin[key]})",
                    )
                )
                continue
            origin[key] = row_number
            records.append((item_id, sub, row_group, who, value))
    if problems:
        return None, problems
    ratings = pd.DataFrame.from_records(
        records, columns=["item_id", "sub_component", "group", "annotator", "rating"]
    )
    ratings.insert(0, "framework", framework.id)
    ratings = ratings[list(RATINGS_COLUMNS)].astype(
        {c: str for c in RATINGS_COLUMNS[:-1]} | {"rating": np.float64}
    )
    return ratings, []


# -- conversations ---------------------------------------------------------------------------


def _conversation(framework: Framework, item_id: str, turns: tuple[Turn, ...]) -> Conversation:
    meta: dict[str, Any] = {"supporter_word_count": supporter_word_count(turns)}
    if framework.id == "lend_an_ear":
        meta["scenario"] = next((t.text for t in turns if t.speaker == "Seeker"), "")
    return Conversation(framework.id, item_id, turns, meta)


def _conversations_from_table(
    table: _Table, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    frame = table.frame
    if "transcript" in frame.columns:
        return _from_transcripts(table, framework)
    problems = _missing(table, TURN_COLUMNS, "turns")
    if problems:
        if "item_id" in frame.columns and "speaker" not in frame.columns:
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
    has_turn = "turn" in frame.columns
    turns: dict[str, list[tuple[float, int, Turn]]] = {}
    seen: dict[tuple[str, float], int] = {}
    for index, row_number in enumerate(table.rows):
        item_id = str(frame.at[index, "item_id"])
        if not item_id:
            problems.append(Problem(table.name, row_number, "item_id", "empty item id"))
            continue
        raw_speaker = str(frame.at[index, "speaker"])
        speaker = normalize_speaker(raw_speaker)
        if speaker is None:
            problems.append(
                Problem(
                    table.name,
                    row_number,
                    "speaker",
                    f"speaker {raw_speaker!r} is neither 'Seeker' nor 'Supporter'",
                )
            )
        text = str(frame.at[index, "text"])
        if not text:
            problems.append(Problem(table.name, row_number, "text", "empty text"))
        order = float(index)
        if has_turn:
            raw_turn = str(frame.at[index, "turn"])
            try:
                order = float(int(raw_turn))
            except ValueError:
                problems.append(
                    Problem(table.name, row_number, "turn", f"turn {raw_turn!r} is not an integer")
                )
                continue
            if (item_id, order) in seen:
                problems.append(
                    Problem(
                        table.name,
                        row_number,
                        "turn",
                        f"item {item_id!r} repeats turn {raw_turn}"
                        f" (first at row {seen[(item_id, order)]})",
                    )
                )
                continue
            seen[(item_id, order)] = row_number
        if speaker is not None and text:
            turns.setdefault(item_id, []).append((order, index, Turn(speaker, text)))
    if problems:
        return None, problems
    result = [
        _conversation(framework, item_id, tuple(t for _, _, t in sorted(items)))
        for item_id, items in turns.items()
    ]
    return result, []


def _from_transcripts(
    table: _Table, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    frame = table.frame
    problems = _missing(table, TRANSCRIPT_COLUMNS, "transcript")
    if problems:
        return None, problems
    result: list[Conversation] = []
    first_row: dict[str, int] = {}
    for index, row_number in enumerate(table.rows):
        item_id = str(frame.at[index, "item_id"])
        if not item_id:
            problems.append(Problem(table.name, row_number, "item_id", "empty item id"))
            continue
        if item_id in first_row:
            problems.append(
                Problem(
                    table.name,
                    row_number,
                    "item_id",
                    f"item {item_id!r} repeated (first at row {first_row[item_id]})",
                )
            )
            continue
        first_row[item_id] = row_number
        try:
            turns = parse_transcript(str(frame.at[index, "transcript"]))
        except TranscriptError as exc:
            problems.append(Problem(table.name, row_number, "transcript", str(exc)))
            continue
        if not turns:
            problems.append(Problem(table.name, row_number, "transcript", "no turns"))
            continue
        result.append(_conversation(framework, item_id, turns))
    if problems:
        return None, problems
    return result, []


# -- public API ------------------------------------------------------------------------------


def _conversations(
    source: Any, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    table, problems = _read(source)
    if table is None:
        return None, problems
    return _conversations_from_table(table, framework)


def _ratings(
    source: Any,
    framework: Framework,
    conversations: Any,
    annotator: str | None,
    group: str,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    problems: list[Problem] = []
    conversation_ids: set[str] | None = None
    if conversations is not None:
        if isinstance(conversations, str | Path) or hasattr(conversations, "to_pandas"):
            loaded, problems = _conversations(conversations, framework)
            if loaded is not None:
                conversation_ids = {c.item_id for c in loaded}
        else:
            conversation_ids = {c.item_id for c in cast(Iterable[Conversation], conversations)}
    table, read_problems = _read(source)
    problems += read_problems
    if table is None:
        return None, problems
    ratings, rating_problems = _ratings_from_table(
        table, framework, conversation_ids, annotator, group
    )
    problems += rating_problems
    return (None if problems else ratings), problems


def validate_ratings(
    source: Any,
    framework: str,
    *,
    conversations: Any = None,
    annotator: str | None = None,
    group: str = "expert",
) -> list[Problem]:
    """Check a ratings file without raising.

    Args:
        source: Path, ``hf://`` name or ``datasets.Dataset`` (see the module docstring).
        framework: Framework id or task name.
        conversations: The items' conversations (a source like ``source``, or a sequence of
            :class:`Conversation`); when given, ratings of items without one are problems.
        annotator: Annotator name for files without an ``annotator`` column.
        group: Group for rows without a ``group`` column.

    Returns:
        Every problem found (empty when the file is fine).
    """
    return _ratings(source, load_framework(framework), conversations, annotator, group)[1]


def load_user_ratings(
    source: Any,
    framework: str,
    *,
    conversations: Any = None,
    annotator: str | None = None,
    group: str = "expert",
) -> pd.DataFrame:
    """Load a user's ratings into the long ratings table.

    Args:
        source: Path, ``hf://`` name or ``datasets.Dataset`` (see the module docstring).
        framework: Framework id or task name.
        conversations: Optional conversations to check item ids against (see
            :func:`validate_ratings`).
        annotator: Annotator name for files without an ``annotator`` column.
        group: Group for rows without a ``group`` column.

    Returns:
        Columns ``framework, item_id, sub_component, group, annotator, rating``.

    Raises:
        DataValidationError: Anything is wrong; nothing is loaded.
    """
    ratings, problems = _ratings(source, load_framework(framework), conversations, annotator, group)
    if problems or ratings is None:
        raise DataValidationError(problems)
    return ratings


def validate_conversations(source: Any, framework: str) -> list[Problem]:
    """Check a conversations file without raising; returns every problem found."""
    return _conversations(source, load_framework(framework))[1]


def load_user_conversations(source: Any, framework: str) -> list[Conversation]:
    """Load a user's conversations.

    Args:
        source: Path, ``hf://`` name or ``datasets.Dataset`` with the turns schema
            (``item_id, speaker, text[, turn]``) or the transcript schema
            (``item_id, transcript``).
        framework: Framework id or task name (e.g. "perceived_empathy", whose texts the
            release does not include).

    Returns:
        One conversation per item, in first-appearance order.

    Raises:
        DataValidationError: Anything is wrong; nothing is loaded.
    """
    conversations, problems = _conversations(source, load_framework(framework))
    if problems or conversations is None:
        raise DataValidationError(problems)
    return conversations


def load_user_data(
    ratings: Any,
    framework: str,
    conversations: Any,
    *,
    annotator: str | None = None,
    group: str = "expert",
) -> tuple[pd.DataFrame, list[Conversation]]:
    """Load a user's ratings and conversations together, checking that they match.

    Args:
        ratings: The ratings source (long or wide schema).
        framework: Framework id or task name.
        conversations: The conversations source.
        annotator: Annotator name for ratings files without an ``annotator`` column.
        group: Group for rating rows without a ``group`` column.

    Returns:
        The long ratings table and the conversations.

    Raises:
        DataValidationError: Either file has a problem (problems of both are reported).
    """
    spec = load_framework(framework)
    loaded, problems = _conversations(conversations, spec)
    # With broken conversations, still check the ratings file on its own.
    table, rating_problems = _ratings(ratings, spec, loaded, annotator, group)
    problems += rating_problems
    if problems or table is None or loaded is None:
        raise DataValidationError(problems)
    return table, loaded


def looks_like_conversations(source: Any) -> bool:
    """Whether a source has conversation columns and no rating columns (for the CLI)."""
    table, _ = _read(source)
    if table is None:
        return False
    columns = set(table.frame.columns)
    has_text = "transcript" in columns or {"speaker", "text"} <= columns
    return has_text and "rating" not in columns and "sub_component" not in columns


def problems_as_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """Problems as a table (file, row, column, message), e.g. to save as CSV."""
    return pd.DataFrame(
        [(p.file, p.row, p.column, p.message) for p in problems],
        columns=["file", "row", "column", "message"],
    )
