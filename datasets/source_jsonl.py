"""Reading a JSON Lines file as text: numbers as written, repeated keys and deep values reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .data_problems import Problem
from .source_table import SourceTable, arrow, cell_text, finish_table, read_text

# A JSON value nested deeper than this is reported with its key when the reader gives up.
_JSON_DEPTH_SHOWN = 100


# Columns whose JSON values must be text or numbers (other keys may hold anything).
_SCALAR_COLUMNS = frozenset(
    {"item_id", "annotator", "group", "sub_component", "rating"}
    | {"speaker", "text", "turn", "transcript"}
)


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


def read_jsonl_table(path: Path) -> tuple[SourceTable | None, list[Problem]]:
    """A JSON Lines file as text cells, each row numbered by its line; or every problem."""
    _, text, problems = read_text(path)
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
            column.append(cell_text(item))
        rows.append(number)
        for column in cells.values():
            if len(column) == seen:
                column.append("")
    if problems:
        return None, problems
    pa = arrow()
    arrays = [pa.array(column, type=pa.string()) for column in cells.values()]
    return finish_table(name, list(cells), arrays, np.asarray(rows, dtype=np.int64), unit="line")
