"""Checks run column-wise over a :class:`SourceTable`, with their problems put back in row order.

Also the id rules shared by ratings and conversations (see :mod:`user_data`): printable text, and
no two ids that differ only in spacing or Unicode compatibility forms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from .data_problems import Problem, shown
from .source_table import SourceTable, arrow, arrow_compute

#: Writes the messages of a check's flagged array positions, in the order given.
Messages = Callable[[np.ndarray[Any, np.dtype[np.int64]]], list[str]]


class Issues:
    """Problems found column-wise, put back in row order when listed.

    Each check adds the array positions it flags, a rank (its place among the checks of one
    row), the column, and its message or a function writing the messages of many positions at
    once; :meth:`problems` sorts by (row, rank), the order a row-by-row check would find them in.
    """

    def __init__(self, table: SourceTable) -> None:
        self.table = table
        self._checks: list[
            tuple[np.ndarray[Any, np.dtype[np.int64]], int, str | None, Messages]
        ] = []

    def add(
        self,
        where: np.ndarray[Any, Any],
        rank: int,
        column: str | None,
        message: str | Messages,
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


def texts_at(column: Any, positions: np.ndarray[Any, np.dtype[np.int64]]) -> list[str]:
    """The cells of a string array at some positions, as Python strings."""
    return cast(list[str], column.take(arrow().array(positions)).to_pylist())


def blank_cells(column: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which cells of a string array are blank ("")."""
    return np.asarray(arrow_compute().binary_length(column).to_numpy(zero_copy_only=False) == 0)


def as_mask(array: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """A pyarrow boolean array as a numpy mask."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def missing_columns(table: SourceTable, columns: Iterable[str], what: str) -> list[Problem]:
    """One problem per column of a schema (named `what` in the message) the table lacks."""
    return [
        Problem(table.name, None, column, f"missing column (needed by the {what} schema)")
        for column in columns
        if column not in table.columns
    ]


@dataclass(frozen=True)
class Ids:
    """An id column dictionary-encoded: ``values[codes[i]]`` is row i's id."""

    values: list[str]
    codes: np.ndarray[Any, np.dtype[np.int64]]
    first: np.ndarray[Any, np.dtype[np.int64]]  # first array position of each value
    counts: np.ndarray[Any, np.dtype[np.int64]]


def encode_ids(column: Any) -> Ids:
    """An id column, dictionary-encoded in order of first appearance."""
    encoded = arrow_compute().dictionary_encode(column)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = encoded.dictionary.to_pylist()
    _, first = np.unique(codes, return_index=True)  # codes follow first appearance
    counts = np.bincount(codes, minlength=len(values))
    return Ids(values, codes, first.astype(np.int64), counts.astype(np.int64))


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


def check_ids(issues: Issues, ids: Ids, column: str, what: str, rank: int) -> None:
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
                f"{what} {shown(value)} contains {_describe_unprintable(value)}{where}:"
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
                f"{what} {shown(value)}{where} differs from {shown(first_value)}"
                f" ({issues.table.unit} {rows[ids.first[other]]}) only in spacing or Unicode"
                " compatibility forms: use one spelling"
            )
            issues.add_one(position, rank, column, message)
