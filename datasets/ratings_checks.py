"""Validating a ratings table (long or wide schema) and converting it to the long ratings table."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .column_checks import (
    Issues,
    Messages,
    as_mask,
    blank_cells,
    check_ids,
    encode_ids,
    missing_columns,
    texts_at,
)
from .data_problems import SHOWN_CHARS, Problem, shown
from .ratings_table import GROUPS, RATINGS_COLUMNS
from .rubric import Framework
from .source_table import SourceTable, arrow, arrow_compute

#: Groups a rating may belong to.
LONG_COLUMNS: tuple[str, ...] = ("item_id", "sub_component", "annotator", "rating")


# A rating in ASCII digits, as pyarrow's regular expressions (RE2) read it.
_NUMBER_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


_NON_FINITE_PATTERN = r"^[+-]?(?:nan|inf|infinity)$"


# A mantissa with a nonzero digit: such a number is not 0, whatever its float says.
_NONZERO_MANTISSA_PATTERN = r"^[+-]?[0-9.]*[1-9]"


def _schema_problems(
    table: SourceTable, framework: Framework, annotator: str | None
) -> tuple[bool, list[str], list[Problem]]:
    """Which schema the table uses, its sub-component columns, and what it lacks."""
    columns = set(table.columns)
    known = set(framework.columns)
    is_long = {"sub_component", "rating"} <= columns
    needed = ["item_id"] + ([] if annotator is not None else ["annotator"])
    problems: list[Problem] = []
    if is_long:
        problems += missing_columns(table, [*needed, "sub_component", "rating"], "long")
        return True, [], problems
    sub_columns = [c for c in table.columns if c in known]
    extra = [
        c
        for c in table.columns
        if c not in known and c not in {*needed, "annotator", "group", "sub_component", "rating"}
    ]
    if not sub_columns:
        if "rating" in columns or "sub_component" in columns:
            problems += missing_columns(table, [*needed, "sub_component", "rating"], "long")
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
    problems += missing_columns(table, needed, "wide")
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
    pa, pc = arrow(), arrow_compute()
    blank = blank_cells(column)
    number = as_mask(pc.match_substring_regex(column, _NUMBER_PATTERN))
    try:
        values = pc.cast(pc.if_else(pa.array(number), column, "nan"), pa.float64())
        floats = np.array(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    except pa.ArrowInvalid:  # not expected after the pattern; fall back to Python
        floats = np.array(
            [float(v) if ok else math.nan for v, ok in zip(column.to_pylist(), number, strict=True)]
        )
    floats[~number] = math.nan
    non_finite = ~number & as_mask(
        pc.match_substring_regex(column, _NON_FINITE_PATTERN, ignore_case=True)
    )
    zero = number & (floats == 0)
    underflow = np.zeros_like(zero)
    if zero.any():
        underflow = zero & as_mask(pc.match_substring_regex(column, _NONZERO_MANTISSA_PATTERN))
    return _RatingCells(
        values=np.where(underflow, math.nan, floats),
        blank=blank,
        not_a_number=~blank & ~number & ~non_finite,
        non_finite=non_finite,
        underflow=underflow,
    )


def _check_ratings(
    issues: Issues,
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

    def explained(template: str) -> Messages:
        return lambda ps: [template.format(shown(raw)) for raw in texts_at(column, ps)]

    def outside_messages(ps: np.ndarray[Any, np.dtype[np.int64]]) -> list[str]:
        names = [subs] * len(ps) if isinstance(subs, str) else texts_at(subs, ps)
        lows = np.broadcast_to(scale_min, alive.shape)[ps].tolist()
        highs = np.broadcast_to(scale_max, alive.shape)[ps].tolist()
        return [
            f"rating {raw if len(raw) <= SHOWN_CHARS else shown(raw)} is outside"
            f" {sub}'s scale {int(low)}..{int(high)}"
            for raw, sub, low, high in zip(texts_at(column, ps), names, lows, highs, strict=True)
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
    issues: Issues,
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


def ratings_from_table(
    table: SourceTable,
    framework: Framework,
    conversation_ids: set[str] | None,
    annotator: str | None,
    group: str,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The long ratings table of a table in either schema, or every problem found (then None).

    Args:
        table: The source, read as text.
        framework: The framework whose sub-components and scales the ratings must fit.
        conversation_ids: The items that have a conversation (None: not checked).
        annotator: The annotator of a file without an ``annotator`` column.
        group: The group of rows without a ``group`` column.
    """
    is_long, sub_columns, problems = _schema_problems(table, framework, annotator)
    if annotator is not None:
        annotator = annotator.strip()
        if not annotator or not annotator.isprintable():
            problems.append(
                Problem(
                    table.name,
                    None,
                    None,
                    f"the annotator name given, {shown(annotator)}, must be non-empty printable"
                    " text (see the id rules)",
                )
            )
    if problems:
        return None, problems
    pa, pc = arrow(), arrow_compute()
    n = len(table)
    issues = Issues(table)
    name = table.name

    # Ranks give the order of a row's problems: ids, group, conversation, then each cell.
    item = table.columns["item_id"]
    items = encode_ids(item)
    item_blank = blank_cells(item)
    issues.add(item_blank, 0, "item_id", "empty item id")
    check_ids(issues, items, "item_id", "item id", 0)
    alive = ~item_blank
    if annotator is None:
        who = table.columns["annotator"]
        annotators = encode_ids(who)
        who_blank = blank_cells(who) & alive
        issues.add(who_blank, 1, "annotator", "empty annotator")
        check_ids(issues, annotators, "annotator", "annotator", 1)
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
    bad_group = alive & ~as_mask(pc.is_in(groups, value_set=pa.array(GROUPS)))
    issues.add(
        bad_group,
        2,
        "group",
        lambda ps: [f"group {shown(g)} not in {GROUPS}" for g in texts_at(groups, ps)],
    )
    if conversation_ids is not None:
        known_items = pa.array(sorted(conversation_ids), type=pa.string())
        orphan = alive & ~as_mask(pc.is_in(item, value_set=known_items))
        issues.add(
            orphan,
            3,
            "item_id",
            lambda ps: [f"item {shown(i)} has no conversation" for i in texts_at(item, ps)],
        )

    known = list(framework.columns)
    specs = [framework.sub_component(column) for column in known]
    pair_key = items.codes * (int(who_codes.max(initial=0)) + 1) + who_codes

    def duplicated(subs: str | Any) -> Callable[[np.ndarray[Any, Any], list[int]], list[str]]:
        def describe(ps: np.ndarray[Any, Any], first_rows: list[int]) -> list[str]:
            names = [subs] * len(ps) if isinstance(subs, str) else texts_at(subs, ps)
            return [
                f"duplicated rating for item {shown(i)}, annotator {shown(w)},"
                f" sub-component {sub!r} (first at {table.unit} {first})"
                for i, w, sub, first in zip(
                    texts_at(item, ps), texts_at(who_values, ps), names, first_rows, strict=True
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
                f"unknown sub-component {shown(sub)} for {framework.id}; known: {known}"
                for sub in texts_at(subs, ps)
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
    table: SourceTable,
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
            "sub_component": arrow().array(
                np.tile(np.array(sub_columns, dtype=object), len(table)), type=arrow().string()
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
