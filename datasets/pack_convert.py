"""``empathy-judge pack convert``: one flat table of expert ratings -> a framework pack.

The common shape of an annotated corpus is one flat table: a row per (item, annotator), the
item's text in one or more columns, and one column per rated code::

    utterance_id, context, therapist_turn, coder, role, reflection, advice
    u1, "Client: I can't sleep.", "That sounds exhausting.", ann1, expert, 2, 0

`convert_table` maps the columns (``item``, ``annotator``, ``group``, the text columns and the
rating columns) to a pack folder: ``conversations.csv`` (one row per turn), ``ratings.csv``
(long schema) and a ``rubric.toml`` — a stub listing every rating column as a sub-component on
its scale (given, or read from the data) for the user to complete, or a copy of a rubric the
user wrote. A text column holds either one turn of a named speaker, or a whole transcript whose
lines are labelled with the speakers' names (``Client: ...``). Every row of an item must carry
the same text; the resulting pack is checked with
:func:`empathy_judge.datasets.pack.check_pack` before it is reported as written.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .conversation import (
    SPEAKERS,
    TranscriptError,
    normalize_speaker,
    parse_transcript,
)
from .errors import EmpathyJudgeError
from .levels import LEVELS
from .pack_template import pack_id
from .rubric import RubricError, load_rubric_file

#: The ``--speaker`` value of a text column holding a labelled transcript.
LABELLED = "labelled"


class PackConvertError(EmpathyJudgeError, ValueError):
    """The table cannot be turned into a pack; the message names the file, line and column."""


@dataclass(frozen=True)
class ColumnMap:
    """Which columns of the flat table are what.

    Attributes:
        item: The item id column.
        annotator: The annotator column.
        ratings: The rating columns; each becomes a sub-component of that name.
        texts: The text columns, in turn order.
        speakers: Per text column, the speaker name of its one turn, or ``labelled`` when it
            holds a transcript of ``Name: ...`` lines (empty: every text column is labelled).
        group: The column giving each row's group (expert, crowd, llm, ...); None: see
            ``experts``.
        experts: Without ``group``: the annotators who are experts (empty: every annotator);
            the others get ``other_group``.
        other_group: The group of annotators not in ``experts``.
    """

    item: str
    annotator: str
    ratings: tuple[str, ...]
    texts: tuple[str, ...]
    speakers: tuple[str, ...] = ()
    group: str | None = None
    experts: tuple[str, ...] = ()
    other_group: str = "llm"


@dataclass(frozen=True)
class RubricStub:
    """What a generated rubric says before the user edits it.

    Attributes:
        id: The pack id (default: the output folder's name).
        title: A readable name.
        names: The (seeker, supporter) speaker names.
        scales: Per rating column, its (min, max); columns not given are read from the data.
        level: The level of measurement.
        rated_turn: The rubric's ``rated_turn`` ("all", "last" or "last:NAME").
    """

    id: str | None = None
    title: str | None = None
    names: tuple[str, str] = SPEAKERS
    scales: Mapping[str, tuple[int, int]] | None = None
    level: str = "ordinal"
    rated_turn: str = "all"


@dataclass(frozen=True)
class Converted:
    """What `convert_table` wrote.

    Attributes:
        root: The pack folder.
        items: Conversations written.
        ratings: Rating rows written (blank cells included, as missing ratings).
        scales: Per sub-component, the scale the rubric got.
        inferred: The sub-components whose scale was read from the data.
        rubric_written: Whether a stub rubric was written (else the user's was copied).
    """

    root: Path
    items: int
    ratings: int
    scales: Mapping[str, tuple[int, int]]
    inferred: tuple[str, ...]
    rubric_written: bool


def parse_scale(text: str) -> tuple[int, int]:
    """``"0-2"`` (or ``0..2``, ``1–7``) as (0, 2).

    Raises:
        PackConvertError: Not two integers, the second larger.
    """
    match = re.fullmatch(r"\s*(-?\d+)\s*(?:-|\.\.|–)\s*(-?\d+)\s*", text)
    if not match or int(match[2]) <= int(match[1]):
        raise PackConvertError(f"scale {text!r}: write it MIN-MAX, e.g. 0-2 or 1-7")
    return int(match[1]), int(match[2])


def _need(table_columns: Sequence[str], name: str, option: str, file: str) -> None:
    if name not in table_columns:
        raise PackConvertError(
            f"{file}: no column {name!r} (given as {option}); columns: {list(table_columns)}"
        )


def _turns(
    text: str, speaker: str, names: tuple[str, str], where: str, column: str
) -> list[tuple[str, str]]:
    """The (name, text) turns of one text cell."""
    if not text:
        return []
    if speaker == LABELLED:
        try:
            parsed = parse_transcript(text, names=names)
        except TranscriptError as error:
            raise PackConvertError(
                f"{where}, column {column!r}: {error} (a transcript column labels each turn"
                f" with {names[0]!r} or {names[1]!r}; for one turn, name its --speaker)"
            ) from error
        label = dict(zip(SPEAKERS, names, strict=True))
        return [(label[turn.speaker], turn.text) for turn in parsed]
    return [(speaker, text)]


def _scale_from_data(values: list[str], column: str, file: str) -> tuple[int, int]:
    numbers = []
    for value in values:
        if value:
            try:
                numbers.append(float(value))
            except ValueError:
                continue  # reported by the pack's validation, with its line
    finite = [v for v in numbers if math.isfinite(v)]
    if not finite:
        raise PackConvertError(f"{file}: column {column!r} holds no numeric rating")
    low, high = math.floor(min(finite)), math.ceil(max(finite))
    if high == low:
        high = low + 1
    return low, high


def _toml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stub_rubric(
    stub: RubricStub, identifier: str, scales: Mapping[str, tuple[int, int]], source: str
) -> str:
    """A rubric listing the rating columns on their scales, commented for the user to finish."""
    seeker, supporter = stub.names
    title = stub.title or identifier.replace("_", " ").capitalize()
    lines = [
        f"# Written by `empathy-judge pack convert` from {source}.",
        "# Complete it before judging a real model: the label, definition and anchors of each",
        "# sub-component are placeholders, and the judge reads them. Every field is explained in",
        "# the rubric `empathy-judge pack init` writes; bump `version` whenever you edit a text.",
        f"id = {_toml_text(identifier)}",
        f"title = {_toml_text(title)}",
        f"unit = {_toml_text(f'A conversation between a {seeker} and a {supporter}.')}",
        f"level_of_measurement = {_toml_text(stub.level)}",
        'consensus = "' + ("majority" if stub.level == "nominal" else "median") + '"',
        "version = 1",
        f"rated_turn = {_toml_text(stub.rated_turn)}",
        'wording_note = "Placeholders written by pack convert; replace them with your wording."',
        "",
        "[speakers]",
        f"seeker = {_toml_text(seeker)}",
        f"supporter = {_toml_text(supporter)}",
    ]
    for column, (low, high) in scales.items():
        lines += [
            "",
            "[[sub_components]]",
            f"column = {_toml_text(column)}",
            f"label = {_toml_text(column.replace('_', ' ').capitalize())}",
            f"definition = {_toml_text(f'TODO: what {column} measures.')}",
            f"scale_min = {low}",
            f"scale_max = {high}",
            'polarity = "positive"',
            "[sub_components.anchors]",
            *(
                f"{level} = {_toml_text(f'TODO: what level {level} means.')}"
                for level in range(low, high + 1)
            ),
        ]
    return "\n".join(lines) + "\n"


def convert_table(
    source: str | Path,
    out: str | Path,
    columns: ColumnMap,
    stub: RubricStub = RubricStub(),
    *,
    rubric: str | Path | None = None,
    force: bool = False,
) -> Converted:
    """Turn one flat table of ratings into a pack folder.

    Args:
        source: The table (CSV, JSONL or Parquet; see `empathy_judge.datasets.user_data`).
        out: The pack folder to write.
        columns: Which columns are what.
        stub: What a generated rubric says (ignored when `rubric` is given).
        rubric: A rubric file to copy instead of writing a stub; its sub-component columns must
            be the rating columns and its speakers the text columns' speakers.
        force: Overwrite the pack's files when the folder holds some.

    Returns:
        What was written.

    Raises:
        PackConvertError: A column is missing, an item's rows disagree on its text, a speaker is
            not one of the rubric's, or the folder already holds a pack.
        DataValidationError: The table cannot be read.
    """
    from .sources import read_text_table

    table = read_text_table(source)
    names = list(table.columns)
    file = table.name
    _need(names, columns.item, "--item", file)
    _need(names, columns.annotator, "--annotator", file)
    if columns.group is not None:
        _need(names, columns.group, "--group", file)
    if not columns.ratings:
        raise PackConvertError("name at least one rating column")
    for column in columns.ratings:
        _need(names, column, "a rating column", file)
    if not columns.texts:
        raise PackConvertError("name the text column(s) with --text")
    if rubric is None and stub.level not in LEVELS:
        raise PackConvertError(f"--level must be one of {list(LEVELS)}, not {stub.level!r}")
    for column in columns.texts:
        _need(names, column, "--text", file)
    speakers = columns.speakers or tuple(LABELLED for _ in columns.texts)
    if len(speakers) != len(columns.texts):
        raise PackConvertError(
            f"{len(columns.texts)} --text column(s) but {len(speakers)} --speaker value(s):"
            " give one --speaker per --text (a name, or 'labelled' for a transcript column)"
        )

    template = None
    if rubric is not None:
        try:
            template = load_rubric_file(rubric)
        except RubricError as error:
            raise PackConvertError(str(error)) from error
        missing = sorted(set(columns.ratings) ^ set(template.columns))
        if missing:
            raise PackConvertError(
                f"{rubric}: its sub-components {list(template.columns)} are not the rating"
                f" columns {list(columns.ratings)}"
            )
    speaker_names = template.speakers if template is not None else stub.names
    for name in speakers:
        if name != LABELLED and normalize_speaker(name, speaker_names) is None:
            raise PackConvertError(
                f"--speaker {name!r} is neither {speaker_names[0]!r} nor {speaker_names[1]!r}"
                " (the rubric's speakers; set them with --speakers SEEKER,SUPPORTER)"
            )

    root = Path(out).expanduser()
    targets = [root / n for n in ("rubric.toml", "conversations.csv", "ratings.csv")]
    existing = [p.name for p in targets if p.exists()]
    if existing and not force:
        raise PackConvertError(
            f"{root}: already holds {', '.join(existing)}; choose another folder or pass --force"
        )

    item_ids = table.columns[columns.item]
    conversations: dict[str, tuple[int, list[tuple[str, str]]]] = {}
    for index, item in enumerate(item_ids):
        if not item:
            continue  # reported by the pack's validation (an empty item id)
        turns: list[tuple[str, str]] = []
        for column, speaker in zip(columns.texts, speakers, strict=True):
            turns += _turns(
                table.columns[column][index], speaker, speaker_names, table.where(index), column
            )
        if item not in conversations:
            if not turns:
                raise PackConvertError(f"{table.where(index)}: item {item!r} has no text")
            conversations[item] = (index, turns)
        elif turns and turns != conversations[item][1]:
            first = conversations[item][0]
            raise PackConvertError(
                f"{table.where(index)}: item {item!r} has another text than on"
                f" {table.unit} {table.rows[first]} (columns {list(columns.texts)}): every row of"
                " an item must carry the same conversation"
            )

    scales: dict[str, tuple[int, int]] = {}
    inferred: list[str] = []
    for column in columns.ratings:
        if template is not None:
            sub = template.sub_component(column)
            scales[column] = (sub.scale_min, sub.scale_max)
        elif stub.scales and column in stub.scales:
            scales[column] = stub.scales[column]
        else:
            scales[column] = _scale_from_data(table.columns[column], column, file)
            inferred.append(column)

    if columns.group is not None:
        groups = table.columns[columns.group]
    else:
        experts = set(columns.experts)
        groups = [
            "expert" if not experts or who in experts else columns.other_group
            for who in table.columns[columns.annotator]
        ]

    root.mkdir(parents=True, exist_ok=True)
    with (root / "conversations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["item_id", "speaker", "text", "turn"])
        for item, (_, turns) in conversations.items():
            for number, (speaker, text) in enumerate(turns, start=1):
                writer.writerow([item, speaker, text, number])
    written = 0
    with (root / "ratings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["item_id", "sub_component", "annotator", "group", "rating"])
        for index, item in enumerate(item_ids):
            for column in columns.ratings:
                writer.writerow(
                    [
                        item,
                        column,
                        table.columns[columns.annotator][index],
                        groups[index],
                        table.columns[column][index],
                    ]
                )
                written += 1
    identifier = stub.id or pack_id(root)
    if template is not None:
        assert rubric is not None
        (root / "rubric.toml").write_text(
            Path(rubric).read_text(encoding="utf-8"), encoding="utf-8"
        )
    else:
        (root / "rubric.toml").write_text(
            stub_rubric(stub, identifier, scales, file), encoding="utf-8"
        )
    return Converted(
        root=root,
        items=len(conversations),
        ratings=written,
        scales=scales,
        inferred=tuple(inferred),
        rubric_written=template is None,
    )
