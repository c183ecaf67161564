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

**Where things live.** This module is the public face; the work sits beside it by job: reading
(:mod:`sources`, :mod:`source_table`, :mod:`source_csv`, :mod:`source_jsonl`), problem records
(:mod:`data_problems`), column-wise checks and id rules (:mod:`column_checks`), and the two
validations (:mod:`ratings_checks`, :mod:`conversations_checks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import pandas as pd

from .conversation import (
    Conversation,
)
from .conversations_checks import TRANSCRIPT_COLUMNS, TURN_COLUMNS, conversations_from_table
from .data_problems import DataValidationError, Problem, problems_as_frame
from .ratings_checks import LONG_COLUMNS, ratings_from_table
from .rubric import Framework, load_framework
from .sources import TextTable, column_names, read_source, read_text_table

__all__ = [
    "LONG_COLUMNS",
    "TRANSCRIPT_COLUMNS",
    "TURN_COLUMNS",
    "DataValidationError",
    "Problem",
    "TextTable",
    "conversations_problems",
    "load_user_conversations",
    "load_user_data",
    "load_user_ratings",
    "looks_like_conversations",
    "problems_as_frame",
    "ratings_problems",
    "read_text_table",
]


def _framework(framework: Framework | str) -> Framework:
    # A pack's rubric arrives as a Framework; a packaged one may be named by its id.
    return framework if isinstance(framework, Framework) else load_framework(framework)


def _conversations(
    source: Any, framework: Framework
) -> tuple[list[Conversation] | None, list[Problem]]:
    table, problems = read_source(source)
    if table is None:
        return None, problems
    return conversations_from_table(table, framework)


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
    table, read_problems = read_source(source)
    problems += read_problems
    if table is None:
        return None, problems
    ratings, rating_problems = ratings_from_table(
        table, framework, conversation_ids, annotator, group
    )
    problems += rating_problems
    return (None if problems else ratings), problems


def ratings_problems(
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
            :func:`ratings_problems`).
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


def conversations_problems(source: Any, framework: Framework | str) -> list[Problem]:
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


def looks_like_conversations(source: Any) -> bool:
    """Whether a source has conversation columns and no rating columns (for the CLI).

    Files are judged by their header alone (a CSV's first record, a JSONL file's first object,
    a Parquet schema), so that the CLI does not read a large file twice.
    """
    columns = column_names(source)
    if columns is None:
        return False
    has_text = "transcript" in columns or {"speaker", "text"} <= columns
    return has_text and "rating" not in columns and "sub_component" not in columns
