"""A user's table read as text: the shape every reader returns, and the checks all share.

Cells stay text (pyarrow string arrays) until a check reads them, so nothing is inferred on the
way in ("007" stays "007", a 5,000-digit number is not cut). pyarrow is imported when a file is
read, not when the package is.
"""

from __future__ import annotations

import codecs
import importlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .data_problems import Problem


def arrow() -> Any:
    """pyarrow, imported when a file is first read (pyarrow.compute takes a fifth of a second)."""
    return importlib.import_module("pyarrow")


def arrow_compute() -> Any:
    """pyarrow.compute, imported when first needed."""
    return importlib.import_module("pyarrow.compute")


@dataclass(frozen=True)
class SourceTable:
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


def read_text(path: Path) -> tuple[bytes | None, str | None, list[Problem]]:
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


def as_text_array(column: Any) -> Any:
    """One pyarrow string array, whatever a reader returned."""
    pa = arrow()
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    if not pa.types.is_string(column.type):
        column = pa.array([cell_text(v) for v in column.to_pylist()], type=pa.string())
    if column.null_count:
        column = arrow_compute().fill_null(column, "")
    return column


def cell_text(value: Any) -> str:
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


def finish_table(
    name: str,
    header: Sequence[str],
    columns: Sequence[Any],
    rows: np.ndarray[Any, Any],
    unit: str = "row",
) -> tuple[SourceTable | None, list[Problem]]:
    """Check the header, strip every cell, drop blank rows."""
    pc = arrow_compute()
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
            keep = arrow().array(filled)
            stripped = [column.filter(keep) for column in stripped]
            rows = rows[filled]
    if len(rows) == 0:
        return None, [Problem(name, None, None, "no data rows")]
    return SourceTable(name, dict(zip(names, stripped, strict=True)), rows, unit), []
