"""A packaged rubric's ``[release]`` table, read and checked (`release_layout`).

The table says where a packaged framework's files sit in the authors' release
(`release_layout.ReleaseLayout` documents its keys); a pack's rubric has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, Literal

from .release_layout import READER_COLUMNS, ReleaseLayout
from .rubric_fields import RubricError, reject_unknown, require

#: Where a rubric's data comes from: the authors' release (packaged) or a pack's own files.
DataSource = Literal["release", "pack"]

_RELEASE_FIELDS = frozenset(
    {
        "annotations",
        "conversations",
        "no_conversations",
        "reader",
        "columns",
        "crowd_raters",
        "crowd_rater_column",
    }
)


def _release_path(table: Mapping[str, Any], key: str, file: str) -> str:
    value = str(require(table, key, str, "release.", file))
    parts = PurePosixPath(value).parts
    if value != value.strip() or "\\" in value or value.startswith("/") or ".." in parts:
        raise RubricError(
            file,
            f"field 'release.{key}' must be a path inside the release folder, written with '/'"
            f" (relative, no '..'), got {value!r}",
        )
    return value.rstrip("/")


def _release_columns(raw: Mapping[str, Any], reader: str, file: str) -> tuple[tuple[str, str], ...]:
    roles = READER_COLUMNS[reader]
    columns = raw.get("columns", {})
    if not isinstance(columns, Mapping):
        raise RubricError(
            file,
            f"field 'release.columns' must be a table {{role = \"column\"}} (roles {list(roles)})",
        )
    where = "release.columns."
    for role in columns:
        if role not in roles:
            raise RubricError(
                file,
                f"unknown field '{where}{role}': reader {reader!r} has the column roles"
                f" {list(roles)}",
            )
    return tuple((role, require(columns, role, str, where, file).strip()) for role in roles)


def release_layout(data: Mapping[str, Any], source: DataSource, file: str) -> ReleaseLayout | None:
    """A rubric's ``[release]`` table, checked: needed by packaged rubrics, refused in packs.

    Args:
        data: The parsed rubric document.
        source: The rubric's ``data`` field ("release": packaged; "pack": a user's pack).
        file: The rubric file, for error messages.

    Returns:
        The layout, or None for a pack's rubric.

    Raises:
        RubricError: The table is missing, misplaced or malformed (the message names the key).
    """
    raw = data.get("release")
    if raw is None:
        if source == "release":
            raise RubricError(
                file,
                "field 'release' is needed when data = \"release\": a [release] table saying"
                " where the framework's files sit in the release (annotations = ...)",
            )
        return None
    if source != "release":
        raise RubricError(
            file,
            "field 'release' belongs to packaged rubrics (data = \"release\"); a pack's data"
            " sits beside its rubric",
        )
    if not isinstance(raw, Mapping):
        raise RubricError(file, "field 'release' must be a table (annotations = ..., ...)")
    reject_unknown(raw, _RELEASE_FIELDS, "release.", file)
    annotations = _release_path(raw, "annotations", file)
    has_texts = "conversations" in raw
    if has_texts == ("no_conversations" in raw):
        raise RubricError(
            file,
            "field 'release.conversations': give either conversations (the file of texts, with"
            " its reader) or no_conversations (why the release has none), not "
            + ("both" if has_texts else "neither"),
        )
    conversations = reader = None
    columns: tuple[tuple[str, str], ...] = ()
    no_conversations = ""
    if has_texts:
        conversations = _release_path(raw, "conversations", file)
        reader = require(raw, "reader", str, "release.", file).strip()
        if reader not in READER_COLUMNS:
            raise RubricError(
                file,
                f"field 'release.reader' must be one of {list(READER_COLUMNS)}, got {reader!r}",
            )
        columns = _release_columns(raw, reader, file)
    else:
        for key in ("reader", "columns"):
            if key in raw:
                raise RubricError(
                    file, f"field 'release.{key}' needs release.conversations (a file to read)"
                )
        no_conversations = require(raw, "no_conversations", str, "release.", file).strip()
    crowd_raters = None
    crowd_rater_column = ""
    if "crowd_raters" in raw:
        crowd_raters = _release_path(raw, "crowd_raters", file)
        crowd_rater_column = require(raw, "crowd_rater_column", str, "release.", file).strip()
    elif "crowd_rater_column" in raw:
        raise RubricError(
            file, "field 'release.crowd_rater_column' needs release.crowd_raters (the file)"
        )
    return ReleaseLayout(
        annotations=annotations,
        conversations=conversations,
        reader=reader,
        columns=columns,
        no_conversations=no_conversations,
        crowd_raters=crowd_raters,
        crowd_rater_column=crowd_rater_column,
    )
