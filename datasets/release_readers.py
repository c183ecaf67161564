"""The release's conversation readers, by name: a rubric's ``[release] reader`` picks one.

Each reader parses one framework's conversations file into
:class:`~empathy_judge.datasets.conversation.Conversation` records, with the column names the
rubric's ``[release] columns`` give for the reader's roles (listed in
:data:`~empathy_judge.datasets.release_layout.READER_COLUMNS`) and the item id from the first of
the rubric's ``item_id_columns``. Only files that differ in structure need a reader of their own:

- ``utterance_rows`` (EmpatheticDialogues): one row per utterance (``_comma_`` -> ``,``); the
  situation ``prompt`` is the first Seeker turn, then the utterances alternate Seeker,
  Supporter in ``order``; metadata ``emotion`` and ``situation``.
- ``seeker_response`` (EPITOME): the seeker's post and the response; the item id columns after
  the first become metadata (``rp_id``).
- ``transcript`` (Lend an Ear): a ``Seeker:``/``Supporter:`` transcript (empty turns dropped;
  lines without a label continue the previous turn); metadata ``scenario``, the Seeker's first
  turn.

Every reader adds ``supporter_word_count`` and, when the file has a ``response_length`` column
holding an integer, ``response_length`` to the metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .conversation import Conversation, Turn, parse_transcript, supporter_word_count
from .release_files import ReleaseFormatError, one_line, read_release_csv, require_columns
from .release_layout import READER_COLUMNS, ReleaseLayout
from .rubric import Framework

#: The release's column of each conversation's supporter word count, where a file has it.
RESPONSE_LENGTH_COLUMN = "response_length"

#: A reader: the release folder, the framework, its layout (whose ``conversations`` is set).
Reader = Callable[[Path, Framework, ReleaseLayout], list[Conversation]]


def read_conversations(root: Path, framework: Framework) -> list[Conversation]:
    """The framework's conversations, parsed by the reader its rubric names.

    Args:
        root: The release folder.
        framework: A packaged framework whose ``[release]`` table names a conversations file.

    Returns:
        The conversations in the file's order.

    Raises:
        ValueError: The framework has no conversations file in the release.
        ReleaseFormatError: The file cannot be parsed; the message names file, row and column.
    """
    layout = framework.release
    if layout is None or layout.conversations is None or layout.reader is None:
        raise ValueError(f"{framework.id}: the release holds no conversations for it")
    return READERS[layout.reader](root, framework, layout)


def _read(root: Path, layout: ReleaseLayout) -> tuple[pd.DataFrame, str]:
    """The conversations file's table and how messages name it (its full path)."""
    rel = str(layout.conversations)
    return read_release_csv(root, rel), str(root / rel)


def _int_or_none(value: str) -> int | None:
    try:
        return int(float(value))
    except (ValueError, OverflowError):
        return None


def _metadata(turns: tuple[Turn, ...], response_length: str, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"supporter_word_count": supporter_word_count(turns)}
    length = _int_or_none(response_length)
    if length is not None:
        meta[RESPONSE_LENGTH_COLUMN] = length
    meta.update(extra)
    return meta


def _utterance_rows(root: Path, framework: Framework, layout: ReleaseLayout) -> list[Conversation]:
    frame, where = _read(root, layout)
    id_column = framework.item_id_columns[0]
    order, prompt, utterance, emotion = (layout.column(r) for r in READER_COLUMNS["utterance_rows"])
    require_columns(frame, where, [id_column, order, prompt, utterance, emotion])
    position = pd.to_numeric(frame[order], errors="coerce")
    bad = ~np.isfinite(position.to_numpy(dtype=np.float64, na_value=np.nan))
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise ReleaseFormatError(f"{where}: row {row}, column {order!r}: not a finite number")
    frame = frame.assign(_order=position)
    out = []
    for item_id, group in frame.groupby(id_column, sort=False):
        rows = group.sort_values("_order", kind="stable")
        first = rows.iloc[0]
        texts = [_ed_text(first[prompt])] + [_ed_text(u) for u in rows[utterance]]
        # The prompt is the Seeker's; utterances then alternate, the Seeker speaking first
        # (checked against the transcripts in EmpatheticDialogues' gemini_ratings.csv).
        turns = tuple(
            Turn("Seeker" if i == 0 or i % 2 == 1 else "Supporter", text)
            for i, text in enumerate(texts)
        )
        meta = _metadata(
            turns,
            first.get(RESPONSE_LENGTH_COLUMN, ""),
            emotion=first[emotion],
            situation=texts[0],
        )
        out.append(Conversation(framework.id, str(item_id), turns, meta))
    return out


def _ed_text(text: str) -> str:
    return text.replace("_comma_", ",").strip()


def _seeker_response(root: Path, framework: Framework, layout: ReleaseLayout) -> list[Conversation]:
    frame, where = _read(root, layout)
    id_columns = framework.item_id_columns
    seeker, supporter = (layout.column(r) for r in READER_COLUMNS["seeker_response"])
    require_columns(frame, where, [*id_columns, seeker, supporter])
    out = []
    for record in frame.to_dict("records"):
        turns = (
            Turn("Seeker", str(record[seeker]).strip()),
            Turn("Supporter", str(record[supporter]).strip()),
        )
        extra = {column: record[column] for column in id_columns[1:]}
        meta = _metadata(turns, str(record.get(RESPONSE_LENGTH_COLUMN, "")), **extra)
        out.append(Conversation(framework.id, str(record[id_columns[0]]).strip(), turns, meta))
    return out


def _transcript(root: Path, framework: Framework, layout: ReleaseLayout) -> list[Conversation]:
    frame, where = _read(root, layout)
    id_column = framework.item_id_columns[0]
    (transcript,) = (layout.column(r) for r in READER_COLUMNS["transcript"])
    require_columns(frame, where, [id_column, transcript])
    out = []
    for number, record in enumerate(frame.to_dict("records"), start=1):
        try:
            turns = parse_transcript(str(record[transcript]))
        except ValueError as exc:
            raise ReleaseFormatError(
                one_line(f"{where}: row {number}, column {transcript!r}: {exc}")
            ) from exc
        scenario = next((t.text for t in turns if t.speaker == "Seeker"), "")
        meta = _metadata(turns, str(record.get(RESPONSE_LENGTH_COLUMN, "")), scenario=scenario)
        out.append(Conversation(framework.id, str(record[id_column]).strip(), turns, meta))
    return out


#: Reader name (a rubric's ``[release] reader``) -> reader; the names are those of
#: :data:`~empathy_judge.datasets.release_layout.READER_COLUMNS` (tests check they agree).
READERS: Mapping[str, Reader] = MappingProxyType(
    {
        "utterance_rows": _utterance_rows,
        "seeker_response": _seeker_response,
        "transcript": _transcript,
    }
)
