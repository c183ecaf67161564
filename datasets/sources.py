"""Reading any source a user names (file, saved dataset, ``hf://`` name, ``Dataset``) as text."""

from __future__ import annotations

import csv
import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .data_problems import DataValidationError, Problem
from .source_csv import read_csv_table
from .source_jsonl import read_jsonl_table
from .source_table import SourceTable, as_text_array, finish_table


def read_source(source: Any) -> tuple[SourceTable | None, list[Problem]]:
    """Any source a user names (see `user_data`) as text cells, or every problem found.

    Raises:
        TypeError: An object that is neither a path, an ``hf://`` name nor a ``Dataset``.
    """
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
            return read_csv_table(path)
        if suffix in (".jsonl", ".ndjson"):
            return read_jsonl_table(path)
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


def _from_parquet(path: Path) -> tuple[SourceTable | None, list[Problem]]:
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


def _from_saved_dataset(path: Path) -> tuple[SourceTable | None, list[Problem]]:
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


def _from_hub(source: str) -> tuple[SourceTable | None, list[Problem]]:
    datasets = _hf_datasets()

    name, _, split = source.removeprefix("hf://").partition(":")
    try:
        loaded = datasets.load_dataset(name, split=split or "train")
    except Exception as exc:  # network, missing dataset, missing split
        return None, [Problem(source, None, None, f"cannot load from the Hub: {exc}")]
    return _from_arrow(source, loaded.with_format("arrow")[:])


def _from_arrow(name: str, table: Any) -> tuple[SourceTable | None, list[Problem]]:
    columns = [as_text_array(column) for column in table.columns]
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return finish_table(name, [str(c) for c in table.column_names], columns, rows)


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
    table, problems = read_source(source)
    if table is None:
        raise DataValidationError(problems)
    return TextTable(
        name=table.name,
        columns={name: column.to_pylist() for name, column in table.columns.items()},
        rows=table.rows.tolist(),
        unit=table.unit,
    )


def column_names(source: Any) -> set[str] | None:
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
    table, _ = read_source(source)
    return None if table is None else set(table.columns)
