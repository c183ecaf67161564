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

``rating`` is a number on the sub-component's scale (fractions allowed, e.g. crowd means), written
with ASCII digits (``4``, ``4.5``, ``45e-1``); a blank cell (in JSON ``null``, in Parquet and
Hugging Face data a null) is a missing rating (NaN). ``NaN``/``Infinity`` — as text, as JSON
literals or as floats — are not ratings and are rejected, as is a number so small that it reads
as 0 (``1e-400``). A file needs at least one rating. ``group`` is one of expert, crowd, llm,
gold, model (default: the ``group`` argument, "expert"). Without an ``annotator`` column, pass
``annotator=``.

**Conversations** — either one row per turn::

    item_id, speaker, text [, turn]

(``speaker`` "Seeker" or "Supporter", case-insensitive; ``turn`` an integer giving the order,
else file order), or one row per conversation::

    item_id, transcript

with ``transcript`` lines starting "Seeker:" or "Supporter:" (unlabelled lines continue the
previous turn; empty turns are dropped, as for the release).

**Ids** (``item_id``, ``annotator``). Every cell loses its surrounding whitespace, so ``" c1 "``
is ``"c1"``. An id must then be printable text (:meth:`str.isprintable`): control characters
(tab, line breaks, NUL), format characters (zero-width spaces and joiners, byte-order marks,
bidirectional controls), line and paragraph separators, private-use or unassigned code points,
and spaces other than U+0020 are rejected, because two ids that look the same must be the same
id. Two ids that differ only in runs of spaces or in Unicode compatibility forms (NFKC: e.g.
full-width ``ｃ１`` and ``c1``) are reported as a collision rather than merged; rename one.
Quotes and other printable characters are allowed.

**Files.** A header must not name a column twice (a JSON object must not repeat a key); every CSV
row must have as many fields as the header (a quoted field may span lines); rows whose cells are
all blank (blank lines) are skipped but keep their number. In JSONL, numbers are read as written
(so 5,000-digit integers and ``1e-400`` do not break or change on the way in), and a value
nested too deeply to read is reported at its row and key.

**Validation** rejects a file whole: every problem is collected and
:class:`DataValidationError` carries them as :class:`Problem` records (file, row, column,
message). Each problem says where it is as a text editor shows it: in a CSV or JSONL file,
"line N" is the 1-based line number in the file where the record starts (a CSV's header is
line 1, so its first record is on line 2, and a quoted field spanning lines moves the next
records down); in Parquet and Hugging Face datasets, "row N" is the 1-based row index.
Checked: empty files, undecodable text,
duplicated columns, ragged CSV rows, invalid JSON, missing columns, unknown sub-components, ids
(above), non-numeric ratings, ratings outside the framework's scale, files without any rating,
duplicated (item, annotator, sub-component) ratings, ratings for items without a conversation
(when conversations are given), unknown speakers, empty or unparsable conversation text. Checks
run column-wise (pyarrow/numpy), so a million-row file validates in seconds
(``benchmarks/bench_validate.py``).
"""

from __future__ import annotations

import codecs
import csv
import importlib
import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .conversation import (
    Conversation,
    TranscriptError,
    Turn,
    normalize_speaker,
    parse_transcript,
    supporter_word_count,
)
from .errors import EmpathyJudgeError
from .ratings_table import GROUPS, RATINGS_COLUMNS
from .rubric import Framework, load_framework

#: Groups a rating may belong to.
LONG_COLUMNS: tuple[str, ...] = ("item_id", "sub_component", "annotator", "rating")
TURN_COLUMNS: tuple[str, ...] = ("item_id", "speaker", "text")
TRANSCRIPT_COLUMNS: tuple[str, ...] = ("item_id", "transcript")

# A rating in ASCII digits, as pyarrow's regular expressions (RE2) read it.
_NUMBER_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_NON_FINITE_PATTERN = r"^[+-]?(?:nan|inf|infinity)$"
# A mantissa with a nonzero digit: such a number is not 0, whatever its float says.
_NONZERO_MANTISSA_PATTERN = r"^[+-]?[0-9.]*[1-9]"
# Values quoted in messages are cut to this many characters.
_SHOWN_CHARS = 60
# A JSON value nested deeper than this is reported with its key when the reader gives up.
_JSON_DEPTH_SHOWN = 100
# Columns whose JSON values must be text or numbers (other keys may hold anything).
_SCALAR_COLUMNS = frozenset(
    {"item_id", "annotator", "group", "sub_component", "rating"}
    | {"speaker", "text", "turn", "transcript"}
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's file.

    Attributes:
        file: The file (or dataset) name.
        row: Where in the file (see the module docstring): the 1-based line number in a CSV or
            JSONL file (the line a text editor shows; a CSV's header is line 1), the 1-based
            row index in Parquet and Hugging Face data; None for the whole file.
        column: The column concerned, or None.
        message: What is wrong.
        unit: "line" (CSV, JSONL) or "row" (Parquet, Hugging Face datasets), as printed.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    unit: str = "row"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
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


def _shown(value: str) -> str:
    """A value for a message: quoted with escapes, and cut when long."""
    if len(value) > _SHOWN_CHARS:
        return repr(value[: _SHOWN_CHARS - 1] + "…") + f" ({len(value):,} characters)"
    return repr(value)


def _pa() -> Any:
    # pyarrow.compute takes a fifth of a second to import: load it when a file is read.
    return importlib.import_module("pyarrow")


def _pc() -> Any:
    return importlib.import_module("pyarrow.compute")


@dataclass(frozen=True)
class _Table:
    """A source read as text.

    Attributes:
        name: The file or dataset name used in problems.
        columns: Column name -> pyarrow string array of the cells, without nulls, surrounding
            whitespace stripped ("" is a blank cell); in the source's column order.
        rows: Where each array position sits in the source (int64): its first line in a CSV
            or JSONL file, its 1-based row index otherwise.
        unit: "line" or "row": what ``rows`` counts.
    """

    name: str
    columns: dict[str, Any]
    rows: np.ndarray[Any, np.dtype[np.int64]]
    unit: str = "row"

    def __len__(self) -> int:
        return len(self.rows)


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
    if hasattr(source, "with_format") and hasattr(source, "column_names"):
        return _from_arrow("<Hugging Face dataset>", source.with_format("arrow")[:])
    raise TypeError(f"cannot read ratings or conversations from {type(source).__name__}")


def _read_text(path: Path) -> tuple[bytes | None, str | None, list[Problem]]:
    """The file's bytes (without a byte-order mark) and text, or the problem with them."""
    raw = path.read_bytes()
    if not raw.strip():
        return None, None, [Problem(str(path), None, None, "empty file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return (
            None,
            None,
            [
                Problem(
                    str(path),
                    line,
                    None,
                    f"not UTF-8 text: byte 0x{raw[exc.start]:02x} (save the file as UTF-8)",
                    unit="line",
                )
            ],
        )
    return raw.removeprefix(codecs.BOM_UTF8), text, []


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their ends, lazily (for csv.reader on a huge text)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        yield text[start:end]
        start = end


def _csv_header_width(text: str) -> int:
    """Number of fields in a CSV text's first record, or its commas + 1 if it cannot be read."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(max(limit, len(text) + 1))
        for record in csv.reader(_lines(text)):
            if record:
                return len(record)
    except csv.Error:
        pass
    finally:
        csv.field_size_limit(limit)
    end = text.find("\n")
    return text.count(",", 0, len(text) if end == -1 else end) + 1


def _from_csv(path: Path) -> tuple[_Table | None, list[Problem]]:
    raw, text, problems = _read_text(path)
    if raw is None or text is None:
        return None, problems
    pa = _pa()
    pa_csv = importlib.import_module("pyarrow.csv")
    width = _csv_header_width(text)
    del text
    ragged: list[tuple[int | None, int, int, str]] = []

    def on_ragged_row(row: Any) -> str:
        ragged.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    body = raw.lstrip(b"\r\n")
    starts = _record_lines(body, first_line=1 + raw.count(b"\n", 0, len(raw) - len(body)))

    # The header is read as row 0 of the data (generated names f0, f1, ...), so that every
    # cell, the header's included, stays text: no type is inferred, "007" stays "007".
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(
                use_threads=False,  # single-threaded: ragged rows get their row numbers
                autogenerate_column_names=True,
                block_size=min(len(raw) + 1, 2**31 - 1),  # a quoted field may be any length
            ),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True,
                ignore_empty_lines=False,  # blank lines keep their number, then are dropped
                invalid_row_handler=on_ragged_row,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException as exc:
        return None, [Problem(str(path), None, None, f"not valid CSV: {exc}")]
    del raw
    columns = [_as_text_array(column) for column in table.columns]
    header = [column[0].as_py() for column in columns]
    columns = [column.slice(1) for column in columns]
    if ragged:
        return None, [_ragged_problem(str(path), starts, *row) for row in ragged]
    # Record k (the header is record 0) starts on line starts[k]: a quoted field may span lines.
    if len(starts) >= table.num_rows:
        rows = starts[1 : table.num_rows].astype(np.int64)
    else:  # a quote the scan read otherwise than the parser: number the records instead
        rows = np.arange(2, table.num_rows + 1, dtype=np.int64)
    return _finish(str(path), header, columns, rows, unit="line")


def _record_lines(body: bytes, first_line: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The line on which each CSV record starts (the header's first), quotes respected.

    A line break ends a record unless it sits inside a quoted field, i.e. after an odd number
    of ``"`` (an escaped ``""`` counts twice, so it changes nothing).
    """
    data = np.frombuffer(body, dtype=np.uint8)
    newline = data == ord("\n")
    inside = np.cumsum(data == ord('"')) % 2 == 1
    ends = np.flatnonzero(newline & ~inside)
    lines_before = np.cumsum(newline)  # line breaks up to and including each byte
    starts = np.concatenate([[0], lines_before[ends]]) + first_line
    return starts.astype(np.int64)


def _ragged_problem(
    name: str,
    starts: np.ndarray[Any, np.dtype[np.int64]],
    number: int | None,
    expected: int,
    actual: int,
    text: str,
) -> Problem:
    line = None
    if number is not None:  # pyarrow numbers records from 1, the header included
        line = int(starts[number - 1]) if number - 1 < len(starts) else number
    message = f"has {actual} field(s) but the header has {expected}"
    if text.count('"') % 2 == 1:
        message += ': a quoted field never closes (a " is missing)'
    elif actual > expected:
        message += ": quote values that contain a comma"
    return Problem(name, line, None, message, unit="line")


def _as_text_array(column: Any) -> Any:
    """One pyarrow string array, whatever a reader returned."""
    pa = _pa()
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    if not pa.types.is_string(column.type):
        column = pa.array([_cell(v) for v in column.to_pylist()], type=pa.string())
    if column.null_count:
        column = _pc().fill_null(column, "")
    return column


class _RepeatedKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _RepeatedKeyError(key)
        result[key] = value
    return result


class _JsonLiteral(str):
    """A JSON number or NaN/Infinity literal, kept as written."""

    __slots__ = ()


def _key_nested_too_deep(line: str) -> str | None:
    """The top-level key whose value nests deeper than _JSON_DEPTH_SHOWN, found by scanning."""
    depth = 0
    in_string = False
    escaped = False
    start = 0
    last_string: str | None = None
    key: str | None = None
    for index, char in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                last_string = line[start : index + 1]
            continue
        if char == '"':
            in_string = True
            start = index
        elif char == ":" and depth == 1 and last_string is not None:
            try:
                key = str(json.loads(last_string))
            except ValueError:
                key = last_string
        elif char in "[{":
            depth += 1
            if depth > _JSON_DEPTH_SHOWN:
                return key
        elif char in "]}":
            depth -= 1
    return None


def _from_jsonl(path: Path) -> tuple[_Table | None, list[Problem]]:
    _, text, problems = _read_text(path)
    if text is None:
        return None, problems
    name = str(path)
    cells: dict[str, list[str]] = {}
    rows: list[int] = []
    # Split on "\n" only: str.splitlines() would also split inside a JSON string at U+2028.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(
                line,
                parse_int=_JsonLiteral,
                parse_float=_JsonLiteral,
                parse_constant=_JsonLiteral,
                object_pairs_hook=_object_without_repeats,
            )
        except _RepeatedKeyError as exc:
            problems.append(
                Problem(name, number, exc.key, "key repeated in the same object", unit="line")
            )
            continue
        except RecursionError:
            problems.append(
                Problem(
                    name,
                    number,
                    _key_nested_too_deep(line),
                    f"value nested more than {_JSON_DEPTH_SHOWN} levels deep",
                    unit="line",
                )
            )
            continue
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    name,
                    number,
                    None,
                    f"not valid JSON: {exc.msg} (character {exc.colno})",
                    unit="line",
                )
            )
            continue
        except ValueError as exc:  # any other refusal of the JSON reader
            problems.append(Problem(name, number, None, f"not valid JSON: {exc}", unit="line"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(name, number, None, "not a JSON object", unit="line"))
            continue
        nested = [
            k for k, v in value.items() if k in _SCALAR_COLUMNS and isinstance(v, list | dict)
        ]
        if nested:
            problems += [
                Problem(
                    name,
                    number,
                    key,
                    "a JSON array or object where text or a number belongs",
                    unit="line",
                )
                for key in nested
            ]
            continue
        seen = len(rows)
        for key, item in value.items():
            column = cells.get(key)
            if column is None:
                column = cells[key] = [""] * seen
            column.append(_cell(item))
        rows.append(number)
        for column in cells.values():
            if len(column) == seen:
                column.append("")
    if problems:
        return None, problems
    pa = _pa()
    arrays = [pa.array(column, type=pa.string()) for column in cells.values()]
    return _finish(name, list(cells), arrays, np.asarray(rows, dtype=np.int64), unit="line")


def _from_parquet(path: Path) -> tuple[_Table | None, list[Problem]]:
    parquet = importlib.import_module("pyarrow.parquet")
    try:
        table = parquet.read_table(path)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        return None, [Problem(str(path), None, None, f"not a readable Parquet file: {exc}")]
    return _from_arrow(str(path), table)


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
    return _from_arrow(str(path), loaded.with_format("arrow")[:])


def _from_hub(source: str) -> tuple[_Table | None, list[Problem]]:
    datasets = _hf_datasets()

    name, _, split = source.removeprefix("hf://").partition(":")
    try:
        loaded = datasets.load_dataset(name, split=split or "train")
    except Exception as exc:  # network, missing dataset, missing split
        return None, [Problem(source, None, None, f"cannot load from the Hub: {exc}")]
    return _from_arrow(source, loaded.with_format("arrow")[:])


def _cell(value: Any) -> str:
    """A cell as text: null is blank; a float NaN stays "nan" (rejected as a rating)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return f"<{type(value).__name__}>"
    return str(value)


def _from_arrow(name: str, table: Any) -> tuple[_Table | None, list[Problem]]:
    columns = [_as_text_array(column) for column in table.columns]
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return _finish(name, [str(c) for c in table.column_names], columns, rows)


def _finish(
    name: str,
    header: Sequence[str],
    columns: Sequence[Any],
    rows: np.ndarray[Any, Any],
    unit: str = "row",
) -> tuple[_Table | None, list[Problem]]:
    """Check the header, strip every cell, drop blank rows."""
    pc = _pc()
    names = [column.strip() or f"(unnamed column {i})" for i, column in enumerate(header, start=1)]
    positions: dict[str, list[int]] = {}
    for i, column in enumerate(names, start=1):
        positions.setdefault(column, []).append(i)
    repeated = [
        Problem(
            name,
            None,
            column,
            f"column named {len(where)} times in the header (columns "
            + ", ".join(str(i) for i in where)
            + "): rename or remove the copies",
        )
        for column, where in positions.items()
        if len(where) > 1
    ]
    if repeated:
        return None, repeated
    stripped = [pc.utf8_trim_whitespace(column) for column in columns]
    if stripped:
        filled = np.zeros(len(rows), dtype=bool)
        for column in stripped:
            filled |= pc.binary_length(column).to_numpy(zero_copy_only=False) > 0
        if not filled.all():
            keep = _pa().array(filled)
            stripped = [column.filter(keep) for column in stripped]
            rows = rows[filled]
    if len(rows) == 0:
        return None, [Problem(name, None, None, "no data rows")]
    return _Table(name, dict(zip(names, stripped, strict=True)), rows, unit), []


# -- problems found column-wise -----------------------------------------------------------------


#: Writes the messages of a check's flagged array positions, in the order given.
_Messages = Callable[[np.ndarray[Any, np.dtype[np.int64]]], list[str]]


class _Issues:
    """Problems found column-wise, put back in row order when listed.

    Each check adds the array positions it flags, a rank (its place among the checks of one
    row), the column, and its message or a function writing the messages of many positions at
    once; :meth:`problems` sorts by (row, rank), the order a row-by-row check would find them in.
    """

    def __init__(self, table: _Table) -> None:
        self.table = table
        self._checks: list[
            tuple[np.ndarray[Any, np.dtype[np.int64]], int, str | None, _Messages]
        ] = []

    def add(
        self,
        where: np.ndarray[Any, Any],
        rank: int,
        column: str | None,
        message: str | _Messages,
    ) -> None:
        """Flag the positions of a boolean mask (or the given positions) with a message."""
        positions = np.flatnonzero(where) if where.dtype == bool else where.astype(np.int64)
        if len(positions) == 0:
            return
        if isinstance(message, str):
            text = message
            self._checks.append((positions, rank, column, lambda ps: [text] * len(ps)))
        else:
            self._checks.append((positions, rank, column, message))

    def add_one(self, position: int, rank: int, column: str | None, message: str) -> None:
        """Flag one array position."""
        self.add(np.array([position], dtype=np.int64), rank, column, message)

    def __bool__(self) -> bool:
        return bool(self._checks)

    def problems(self) -> list[Problem]:
        """Every problem, in row order, and by rank within a row."""
        if not self._checks:
            return []
        name = self.table.name
        found: list[Problem] = []
        for positions, _, column, messages in self._checks:
            rows = self.table.rows[positions].tolist()
            found += [
                Problem(name, row, column, message, unit=self.table.unit)
                for row, message in zip(rows, messages(positions), strict=True)
            ]
        positions = np.concatenate([check[0] for check in self._checks])
        ranks = np.concatenate([np.full(len(check[0]), check[1]) for check in self._checks])
        return [found[i] for i in np.lexsort((ranks, positions)).tolist()]


def _texts(column: Any, positions: np.ndarray[Any, np.dtype[np.int64]]) -> list[str]:
    """The cells of a string array at some positions, as Python strings."""
    return cast(list[str], column.take(_pa().array(positions)).to_pylist())


def _blank(column: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(_pc().binary_length(column).to_numpy(zero_copy_only=False) == 0)


def _mask(array: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


@dataclass(frozen=True)
class _Ids:
    """An id column dictionary-encoded: ``values[codes[i]]`` is row i's id."""

    values: list[str]
    codes: np.ndarray[Any, np.dtype[np.int64]]
    first: np.ndarray[Any, np.dtype[np.int64]]  # first array position of each value
    counts: np.ndarray[Any, np.dtype[np.int64]]


def _encode(column: Any) -> _Ids:
    encoded = _pc().dictionary_encode(column)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = encoded.dictionary.to_pylist()
    _, first = np.unique(codes, return_index=True)  # codes follow first appearance
    counts = np.bincount(codes, minlength=len(values))
    return _Ids(values, codes, first.astype(np.int64), counts.astype(np.int64))


_CATEGORY_NAMES = {
    "Cc": "control character",
    "Cf": "format character",
    "Cs": "surrogate",
    "Co": "private-use character",
    "Cn": "unassigned code point",
    "Zl": "line separator",
    "Zp": "paragraph separator",
    "Zs": "space",
}


def _describe_unprintable(value: str) -> str:
    chars = list(dict.fromkeys(ch for ch in value if not ch.isprintable()))
    named = [
        f"U+{ord(ch):04X} "
        + unicodedata.name(ch, _CATEGORY_NAMES.get(unicodedata.category(ch), "unprintable"))
        for ch in chars
    ]
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    return ", ".join(named[:3]) + more


def _id_key(value: str) -> str:
    """The spelling two ids must not share: NFKC, runs of spaces as one."""
    if value.isascii() and "  " not in value:
        return value
    return " ".join(unicodedata.normalize("NFKC", value).split())


def _check_ids(issues: _Issues, ids: _Ids, column: str, what: str, rank: int) -> None:
    """Report unprintable ids and ids that collide after normalisation, once each."""
    rows = issues.table.rows
    # Fast path for the usual file: every id printable, no two with the same spelling.
    if all(value.isprintable() for value in ids.values) and len(
        {_id_key(value) for value in ids.values}
    ) == len(ids.values):
        return
    spelled: dict[str, int] = {}
    for code, value in enumerate(ids.values):
        if not value:
            continue
        position = int(ids.first[code])
        count = int(ids.counts[code])
        where = f" (first of {count:,} rows)" if count > 1 else ""
        if not value.isprintable():
            message = (
                f"{what} {_shown(value)} contains {_describe_unprintable(value)}{where}:"
                " ids must be printable text, without control, zero-width, bidirectional or"
                " line-break characters and with no spaces other than U+0020"
            )
            issues.add_one(position, rank, column, message)
            continue
        key = _id_key(value)
        other = spelled.setdefault(key, code)
        if other != code:
            first_value = ids.values[other]
            message = (
                f"{what} {_shown(value)}{where} differs from {_shown(first_value)}"
                f" ({issues.table.unit} {rows[ids.first[other]]}) only in spacing or Unicode"
                " compatibility forms: use one spelling"
            )
            issues.add_one(position, rank, column, message)


# -- ratings ---------------------------------------------------------------------------------


def _missing(table: _Table, columns: Iterable[str], what: str) -> list[Problem]:
    return [
        Problem(table.name, None, column, f"missing column (needed by the {what} schema)")
        for column in columns
        if column not in table.columns
    ]


def _schema_problems(
    table: _Table, framework: Framework, annotator: str | None
) -> tuple[bool, list[str], list[Problem]]:
    """Which schema the table uses, its sub-component columns, and what it lacks."""
    columns = set(table.columns)
    known = set(framework.columns)
    is_long = {"sub_component", "rating"} <= columns
    needed = ["item_id"] + ([] if annotator is not None else ["annotator"])
    problems: list[Problem] = []
    if is_long:
        problems += _missing(table, [*needed, "sub_component", "rating"], "long")
        return True, [], problems
    sub_columns = [c for c in table.columns if c in known]
    extra = [
        c
        for c in table.columns
        if c not in known and c not in {*needed, "annotator", "group", "sub_component", "rating"}
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
    return False, sub_columns, problems


@dataclass(frozen=True)
class _RatingCells:
    """One rating column read as numbers, with what is wrong with each cell."""

    values: np.ndarray[Any, np.dtype[np.float64]]  # NaN where blank or not a number
    blank: np.ndarray[Any, np.dtype[np.bool_]]
    not_a_number: np.ndarray[Any, np.dtype[np.bool_]]
    non_finite: np.ndarray[Any, np.dtype[np.bool_]]  # NaN / Infinity written out
    underflow: np.ndarray[Any, np.dtype[np.bool_]]  # a nonzero literal whose float is 0


def _read_ratings(column: Any) -> _RatingCells:
    pa, pc = _pa(), _pc()
    blank = _blank(column)
    number = _mask(pc.match_substring_regex(column, _NUMBER_PATTERN))
    try:
        values = pc.cast(pc.if_else(pa.array(number), column, "nan"), pa.float64())
        floats = np.array(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    except pa.ArrowInvalid:  # not expected after the pattern; fall back to Python
        floats = np.array(
            [float(v) if ok else math.nan for v, ok in zip(column.to_pylist(), number, strict=True)]
        )
    floats[~number] = math.nan
    non_finite = ~number & _mask(
        pc.match_substring_regex(column, _NON_FINITE_PATTERN, ignore_case=True)
    )
    zero = number & (floats == 0)
    underflow = np.zeros_like(zero)
    if zero.any():
        underflow = zero & _mask(pc.match_substring_regex(column, _NONZERO_MANTISSA_PATTERN))
    return _RatingCells(
        values=np.where(underflow, math.nan, floats),
        blank=blank,
        not_a_number=~blank & ~number & ~non_finite,
        non_finite=non_finite,
        underflow=underflow,
    )


def _check_ratings(
    issues: _Issues,
    column: Any,
    column_name: str,
    subs: str | Any,
    scale_min: np.ndarray[Any, Any] | float,
    scale_max: np.ndarray[Any, Any] | float,
    alive: np.ndarray[Any, np.dtype[np.bool_]],
    rank: int,
) -> _RatingCells:
    """Flag the rating cells of live rows that are not a number on their sub-component's scale.

    ``subs`` is the sub-component of the whole column (wide schema), or the string array of
    each row's sub-component (long schema), with ``scale_min``/``scale_max`` per row.
    """
    cells = _read_ratings(column)
    values = cells.values
    outside = alive & ~np.isnan(values) & ((values < scale_min) | (values > scale_max))

    def explained(template: str) -> _Messages:
        return lambda ps: [template.format(_shown(raw)) for raw in _texts(column, ps)]

    def outside_messages(ps: np.ndarray[Any, np.dtype[np.int64]]) -> list[str]:
        names = [subs] * len(ps) if isinstance(subs, str) else _texts(subs, ps)
        lows = np.broadcast_to(scale_min, alive.shape)[ps].tolist()
        highs = np.broadcast_to(scale_max, alive.shape)[ps].tolist()
        return [
            f"rating {raw if len(raw) <= _SHOWN_CHARS else _shown(raw)} is outside"
            f" {sub}'s scale {int(low)}..{int(high)}"
            for raw, sub, low, high in zip(_texts(column, ps), names, lows, highs, strict=True)
        ]

    issues.add(
        alive & cells.not_a_number, rank, column_name, explained("rating {} is not a number")
    )
    issues.add(
        alive & cells.non_finite,
        rank,
        column_name,
        explained(
            "rating {} is not a number (NaN and Infinity are not ratings;"
            " leave the cell blank for a missing rating)"
        ),
    )
    issues.add(
        alive & cells.underflow,
        rank,
        column_name,
        explained("rating {} is too small to tell from 0 (not a rating)"),
    )
    issues.add(outside, rank, column_name, outside_messages)
    return cells


def _check_duplicates(
    issues: _Issues,
    key: np.ndarray[Any, np.dtype[np.int64]],
    alive: np.ndarray[Any, np.dtype[np.bool_]],
    rank: int,
    column: str,
    describe: Callable[[np.ndarray[Any, np.dtype[np.int64]], list[int]], list[str]],
) -> None:
    """Flag every live position whose key an earlier live position has.

    ``describe(positions, first_rows)`` writes the messages, given the row of each key's first
    occurrence.
    """
    live = np.flatnonzero(alive)
    if len(live) == 0:
        return
    _, first_index, inverse = np.unique(key[live], return_index=True, return_inverse=True)
    first = live[first_index][inverse.reshape(-1)]
    repeated = first != live
    if repeated.any():
        origin = dict(zip(live[repeated].tolist(), first[repeated].tolist(), strict=True))
        rows = issues.table.rows

        def messages(ps: np.ndarray[Any, np.dtype[np.int64]]) -> list[str]:
            return describe(ps, [int(rows[origin[p]]) for p in ps.tolist()])

        issues.add(live[repeated], rank, column, messages)


def _ratings_from_table(
    table: _Table,
    framework: Framework,
    conversation_ids: set[str] | None,
    annotator: str | None,
    group: str,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    is_long, sub_columns, problems = _schema_problems(table, framework, annotator)
    if annotator is not None:
        annotator = annotator.strip()
        if not annotator or not annotator.isprintable():
            problems.append(
                Problem(
                    table.name,
                    None,
                    None,
                    f"the annotator name given, {_shown(annotator)}, must be non-empty printable"
                    " text (see the id rules)",
                )
            )
    if problems:
        return None, problems
    pa, pc = _pa(), _pc()
    n = len(table)
    issues = _Issues(table)
    name = table.name

    # Ranks give the order of a row's problems: ids, group, conversation, then each cell.
    item = table.columns["item_id"]
    items = _encode(item)
    item_blank = _blank(item)
    issues.add(item_blank, 0, "item_id", "empty item id")
    _check_ids(issues, items, "item_id", "item id", 0)
    alive = ~item_blank
    if annotator is None:
        who = table.columns["annotator"]
        annotators = _encode(who)
        who_blank = _blank(who) & alive
        issues.add(who_blank, 1, "annotator", "empty annotator")
        _check_ids(issues, annotators, "annotator", "annotator", 1)
        alive &= ~who_blank
        who_codes = annotators.codes
        who_values = who
    else:
        who_codes = np.zeros(n, dtype=np.int64)
        who_values = pa.array([annotator] * n, type=pa.string())
    if "group" in table.columns:
        groups = pc.if_else(pc.equal(table.columns["group"], ""), group, table.columns["group"])
    else:
        groups = pa.array([group] * n, type=pa.string())
    bad_group = alive & ~_mask(pc.is_in(groups, value_set=pa.array(GROUPS)))
    issues.add(
        bad_group,
        2,
        "group",
        lambda ps: [f"group {_shown(g)} not in {GROUPS}" for g in _texts(groups, ps)],
    )
    if conversation_ids is not None:
        known_items = pa.array(sorted(conversation_ids), type=pa.string())
        orphan = alive & ~_mask(pc.is_in(item, value_set=known_items))
        issues.add(
            orphan,
            3,
            "item_id",
            lambda ps: [f"item {_shown(i)} has no conversation" for i in _texts(item, ps)],
        )

    known = list(framework.columns)
    specs = [framework.sub_component(column) for column in known]
    pair_key = items.codes * (int(who_codes.max(initial=0)) + 1) + who_codes

    def duplicated(subs: str | Any) -> Callable[[np.ndarray[Any, Any], list[int]], list[str]]:
        def describe(ps: np.ndarray[Any, Any], first_rows: list[int]) -> list[str]:
            names = [subs] * len(ps) if isinstance(subs, str) else _texts(subs, ps)
            return [
                f"duplicated rating for item {_shown(i)}, annotator {_shown(w)},"
                f" sub-component {sub!r} (first at {table.unit} {first})"
                for i, w, sub, first in zip(
                    _texts(item, ps), _texts(who_values, ps), names, first_rows, strict=True
                )
            ]

        return describe

    cell_values: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    any_rating = False
    if is_long:
        subs = table.columns["sub_component"]
        sub_codes = np.asarray(
            pc.fill_null(pc.index_in(subs, value_set=pa.array(known)), -1).to_numpy(
                zero_copy_only=False
            ),
            dtype=np.int64,
        )
        issues.add(
            alive & (sub_codes < 0),
            4,
            "sub_component",
            lambda ps: [
                f"unknown sub-component {_shown(sub)} for {framework.id}; known: {known}"
                for sub in _texts(subs, ps)
            ],
        )
        cell_alive = alive & (sub_codes >= 0)
        lows = np.array([s.scale_min for s in specs] + [0], dtype=np.float64)[sub_codes]
        highs = np.array([s.scale_max for s in specs] + [0], dtype=np.float64)[sub_codes]
        cells = _check_ratings(
            issues, table.columns["rating"], "rating", subs, lows, highs, cell_alive, 5
        )
        any_rating = bool((~cells.blank).any())
        _check_duplicates(
            issues,
            pair_key * len(known) + np.maximum(sub_codes, 0),
            cell_alive,
            6,
            "sub_component",
            duplicated(subs),
        )
        cell_values.append(cells.values)
    else:
        for j, sub in enumerate(sub_columns):
            spec = framework.sub_component(sub)
            cells = _check_ratings(
                issues,
                table.columns[sub],
                sub,
                sub,
                float(spec.scale_min),
                float(spec.scale_max),
                alive,
                5 + 2 * j,
            )
            any_rating = any_rating or bool((~cells.blank).any())
            _check_duplicates(issues, pair_key, alive, 6 + 2 * j, sub, duplicated(sub))
            cell_values.append(cells.values)

    found = issues.problems()
    if not any_rating:
        found.insert(
            0,
            Problem(
                name,
                None,
                "rating" if is_long else None,
                "no ratings: every rating cell is blank (a blank cell is a missing rating)",
            ),
        )
    if found:
        return None, found
    return _ratings_frame(
        framework, table, is_long, sub_columns, who_values, groups, cell_values
    ), []


def _ratings_frame(
    framework: Framework,
    table: _Table,
    is_long: bool,
    sub_columns: list[str],
    who: Any,
    groups: Any,
    cell_values: list[np.ndarray[Any, np.dtype[np.float64]]],
) -> pd.DataFrame:
    """The long ratings table, one row per rating cell in file order."""
    item = table.columns["item_id"]
    if is_long:
        columns = {
            "item_id": item,
            "sub_component": table.columns["sub_component"],
            "group": groups,
            "annotator": who,
        }
        ratings = cell_values[0]
    else:
        k = len(sub_columns)
        take = np.repeat(np.arange(len(table)), k)
        columns = {
            "item_id": item.take(take),
            "sub_component": _pa().array(
                np.tile(np.array(sub_columns, dtype=object), len(table)), type=_pa().string()
            ),
            "group": groups.take(take),
            "annotator": who.take(take),
        }
        ratings = np.column_stack(cell_values).reshape(-1)
    frame = pd.DataFrame({name: column.to_pandas() for name, column in columns.items()})
    frame.insert(0, "framework", framework.id)
    frame["rating"] = ratings
    return frame[list(RATINGS_COLUMNS)].astype(
        {c: str for c in RATINGS_COLUMNS[:-1]} | {"rating": np.float64}
    )


# -- conversations ---------------------------------------------------------------------------


def _conversation(framework: Framework, item_id: str, turns: tuple[Turn, ...]) -> Conversation:
    meta: dict[str, Any] = {"supporter_word_count": supporter_word_count(turns)}
    if framework.id == "lend_an_ear":
        meta["scenario"] = next((t.text for t in turns if t.speaker == "Seeker"), "")
    return Conversation(framework.id, item_id, turns, meta)


def _conversations_from_table(
    table: _Table, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    if "transcript" in table.columns:
        return _from_transcripts(table, framework)
    problems = _missing(table, TURN_COLUMNS, "turns")
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
    issues = _Issues(table)
    _check_ids(issues, _encode(table.columns["item_id"]), "item_id", "item id", 0)
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
                "speaker", f"speaker {_shown(raw_speaker)} is neither '{seeker}' nor '{supporter}'"
            )
        text = texts[index]
        if not text:
            report("text", "empty text")
        order = float(index)
        if orders is not None:
            raw_turn = orders[index]
            if not (raw_turn.isascii() and raw_turn.lstrip("+-").isdigit()) or len(raw_turn) > 18:
                report("turn", f"turn {_shown(raw_turn)} is not an integer")
                continue
            order = float(int(raw_turn))
            if (item_id, order) in seen:
                report(
                    "turn",
                    f"item {_shown(item_id)} repeats turn {raw_turn}"
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
    table: _Table, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    problems = _missing(table, TRANSCRIPT_COLUMNS, "transcript")
    if problems:
        return None, problems
    issues = _Issues(table)
    _check_ids(issues, _encode(table.columns["item_id"]), "item_id", "item id", 0)
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
                f"item {_shown(item_id)} repeated (first at {table.unit} {first_row[item_id]})",
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


# -- public API ------------------------------------------------------------------------------


def _framework(framework: Framework | str) -> Framework:
    # A pack's rubric arrives as a Framework; a packaged one may be named by its id.
    return framework if isinstance(framework, Framework) else load_framework(framework)


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
        if isinstance(conversations, str | Path) or hasattr(conversations, "with_format"):
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
    framework: Framework | str,
    *,
    conversations: Any = None,
    annotator: str | None = None,
    group: str = "expert",
) -> list[Problem]:
    """Check a ratings file without raising.

    Args:
        source: Path, ``hf://`` name or ``datasets.Dataset`` (see the module docstring).
        framework: A packaged framework id or task name, or a pack's rubric.
        conversations: The items' conversations (a source like ``source``, or a sequence of
            :class:`Conversation`); when given, ratings of items without one are problems.
        annotator: Annotator name for files without an ``annotator`` column.
        group: Group for rows without a ``group`` column.

    Returns:
        Every problem found (empty when the file is fine).
    """
    return _ratings(source, _framework(framework), conversations, annotator, group)[1]


def load_user_ratings(
    source: Any,
    framework: Framework | str,
    *,
    conversations: Any = None,
    annotator: str | None = None,
    group: str = "expert",
) -> pd.DataFrame:
    """Load a user's ratings into the long ratings table.

    Args:
        source: Path, ``hf://`` name or ``datasets.Dataset`` (see the module docstring).
        framework: A packaged framework id or task name, or a pack's rubric.
        conversations: Optional conversations to check item ids against (see
            :func:`validate_ratings`).
        annotator: Annotator name for files without an ``annotator`` column.
        group: Group for rows without a ``group`` column.

    Returns:
        Columns ``framework, item_id, sub_component, group, annotator, rating``.

    Raises:
        DataValidationError: Anything is wrong; nothing is loaded.
    """
    ratings, problems = _ratings(source, _framework(framework), conversations, annotator, group)
    if problems or ratings is None:
        raise DataValidationError(problems)
    return ratings


def validate_conversations(source: Any, framework: Framework | str) -> list[Problem]:
    """Check a conversations file without raising; returns every problem found."""
    return _conversations(source, _framework(framework))[1]


def load_user_conversations(source: Any, framework: Framework | str) -> list[Conversation]:
    """Load a user's conversations.

    Args:
        source: Path, ``hf://`` name or ``datasets.Dataset`` with the turns schema
            (``item_id, speaker, text[, turn]``) or the transcript schema
            (``item_id, transcript``).
        framework: A packaged framework id or task name (e.g. "perceived_empathy", whose texts the
            release does not include).

    Returns:
        One conversation per item, in first-appearance order.

    Raises:
        DataValidationError: Anything is wrong; nothing is loaded.
    """
    conversations, problems = _conversations(source, _framework(framework))
    if problems or conversations is None:
        raise DataValidationError(problems)
    return conversations


def load_user_data(
    ratings: Any,
    framework: Framework | str,
    conversations: Any,
    *,
    annotator: str | None = None,
    group: str = "expert",
) -> tuple[pd.DataFrame, list[Conversation]]:
    """Load a user's ratings and conversations together, checking that they match.

    Args:
        ratings: The ratings source (long or wide schema).
        framework: A packaged framework id or task name, or a pack's rubric.
        conversations: The conversations source.
        annotator: Annotator name for ratings files without an ``annotator`` column.
        group: Group for rating rows without a ``group`` column.

    Returns:
        The long ratings table and the conversations.

    Raises:
        DataValidationError: Either file has a problem (problems of both are reported).
    """
    spec = _framework(framework)
    loaded, problems = _conversations(conversations, spec)
    # With broken conversations, still check the ratings file on its own.
    table, rating_problems = _ratings(ratings, spec, loaded, annotator, group)
    problems += rating_problems
    if problems or table is None or loaded is None:
        raise DataValidationError(problems)
    return table, loaded


@dataclass(frozen=True)
class TextTable:
    """A source read as text cells, for tools that reshape a user's table (``pack convert``).

    Attributes:
        name: The file or dataset name.
        columns: Column name -> its cells (surrounding whitespace stripped; "" when blank), in
            the source's column order; rows whose cells are all blank are dropped.
        rows: Where each row sits in the source: its line (CSV, JSONL) or row index.
        unit: "line" or "row": what ``rows`` counts.
    """

    name: str
    columns: dict[str, list[str]]
    rows: list[int]
    unit: str

    def where(self, index: int) -> str:
        """``table.csv, line 7``: where row `index` of the table sits in the source."""
        return f"{self.name}, {self.unit} {self.rows[index]}"


def read_text_table(source: Any) -> TextTable:
    """Read a CSV, JSONL or Parquet file (or a Hugging Face dataset) as text cells.

    The same reader and checks as the ratings and conversations files (encoding, repeated
    columns, ragged rows, invalid JSON), so problems name the same lines.

    Args:
        source: See the module docstring.

    Returns:
        The table.

    Raises:
        DataValidationError: The source cannot be read.
    """
    table, problems = _read(source)
    if table is None:
        raise DataValidationError(problems)
    return TextTable(
        name=table.name,
        columns={name: column.to_pylist() for name, column in table.columns.items()},
        rows=table.rows.tolist(),
        unit=table.unit,
    )


def looks_like_conversations(source: Any) -> bool:
    """Whether a source has conversation columns and no rating columns (for the CLI).

    Files are judged by their header alone (a CSV's first record, a JSONL file's first object,
    a Parquet schema), so that the CLI does not read a large file twice.
    """
    columns = _column_names(source)
    if columns is None:
        return False
    has_text = "transcript" in columns or {"speaker", "text"} <= columns
    return has_text and "rating" not in columns and "sub_component" not in columns


def _column_names(source: Any) -> set[str] | None:
    """A source's column names, from its header where the format has one; None if unreadable."""
    if isinstance(source, str | Path) and not str(source).startswith("hf://"):
        path = Path(source)
        suffix = path.suffix.lower()
        try:
            if path.is_file() and suffix == ".csv":
                with path.open(encoding="utf-8-sig", newline="") as handle:
                    limit = csv.field_size_limit()
                    try:
                        csv.field_size_limit(max(limit, path.stat().st_size + 1))
                        record = next((r for r in csv.reader(handle) if r), [])
                    finally:
                        csv.field_size_limit(limit)
                return {name.strip() for name in record}
            if path.is_file() and suffix in (".jsonl", ".ndjson"):
                with path.open(encoding="utf-8-sig") as handle:
                    line = next((line for line in handle if line.strip()), "{}")
                value = json.loads(line, parse_int=str, parse_float=str, parse_constant=str)
                return {str(key).strip() for key in value} if isinstance(value, dict) else None
            if path.is_file() and suffix in (".parquet", ".pq"):
                schema = importlib.import_module("pyarrow.parquet").read_schema(path)
                return {str(name).strip() for name in schema.names}
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, csv.Error):
            return None
        except Exception:  # pyarrow's errors for a corrupt Parquet file
            return None
    table, _ = _read(source)
    return None if table is None else set(table.columns)


def problems_as_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """Problems as a table (file, row, column, message), e.g. to save as CSV."""
    return pd.DataFrame(
        [(p.file, p.row, p.column, p.message) for p in problems],
        columns=["file", "row", "column", "message"],
    )
