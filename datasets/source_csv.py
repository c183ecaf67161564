"""Reading a CSV file as text, with the line on which each record starts (quotes respected)."""

from __future__ import annotations

import csv
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .data_problems import Problem
from .source_table import SourceTable, arrow, as_text_array, finish_table, read_text


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


def read_csv_table(path: Path) -> tuple[SourceTable | None, list[Problem]]:
    """A CSV file as text cells, each row numbered by the line it starts on; or its problems."""
    raw, text, problems = read_text(path)
    if raw is None or text is None:
        return None, problems
    pa = arrow()
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
    columns = [as_text_array(column) for column in table.columns]
    header = [column[0].as_py() for column in columns]
    columns = [column.slice(1) for column in columns]
    if ragged:
        return None, [_ragged_problem(str(path), starts, *row) for row in ragged]
    # Record k (the header is record 0) starts on line starts[k]: a quoted field may span lines.
    if len(starts) >= table.num_rows:
        rows = starts[1 : table.num_rows].astype(np.int64)
    else:  # a quote the scan read otherwise than the parser: number the records instead
        rows = np.arange(2, table.num_rows + 1, dtype=np.int64)
    return finish_table(str(path), header, columns, rows, unit="line")


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
