r"""Text from logs made safe for the report's Markdown, HTML and CSV, and log paths made relative.

Model names, notes and log locations come from files anyone can write, so every one of them goes
through this module before it reaches a report file:

* **Bidirectional controls** (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) can make a
  model name or a note read differently from what it is (a right-to-left override turns
  ``gpt-4o`` followed by reversed text into something else). They are *replaced* by a visible
  marker ``⟨U+202E⟩`` in Markdown, HTML and CSV alike, so the reader sees that something was there
  and the text can no longer reorder what follows it.
* **Markdown** (`markdown_text`): the characters that start Markdown or HTML syntax inline
  (``\ ` * _ [ ] < > & | ~``) are backslash-escaped, so a model name can neither open raw HTML
  (``<img ...>``), a link, emphasis nor a new table cell; newlines and carriage returns become
  spaces, so a name cannot end a table row.
* **Paths in Markdown** (`markdown_code`): a code span whose fence is longer than any run of
  backticks in the path, so the path shows verbatim and cannot close it.
* **HTML** (`html_text`): `html.escape` with quotes, after the bidi replacement.
* **CSV** (`csv_cell`): a text cell that a spreadsheet would read as a formula — one whose first
  non-space character is ``=``, ``+``, ``-`` or ``@``, or that starts with a tab or a carriage
  return — is prefixed with a single quote ``'`` (the OWASP recommendation), which spreadsheets
  show as text. Numbers stay numbers: a negative κ is a number cell, not text.
* **Log paths** (`display_path`): relative to the report's folder (``../logs/x.eval``), never
  absolute; where no relative path exists (another drive) only the file name is shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

#: Bidirectional control characters: marks, embeddings, overrides and isolates.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_BIDI_PATTERN = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
#: Characters that open inline Markdown or HTML syntax.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@")


def neutralise_bidi(text: str) -> str:
    """Replace every bidirectional control character by a visible ``⟨U+XXXX⟩`` marker."""
    return _BIDI_PATTERN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def markdown_text(value: object) -> str:
    """Text for a Markdown table cell or list item: no HTML, no syntax, one line.

    Args:
        value: Anything; it is converted with `str`.

    Returns:
        The escaped text.
    """
    text = neutralise_bidi(str(value)).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_code(value: object) -> str:
    """Text as a Markdown code span (for paths), outside tables: shown verbatim, never parsed.

    The fence is one backtick longer than the longest run of backticks in the text, so the text
    cannot close it; newlines become spaces and bidi controls visible markers.
    """
    text = neutralise_bidi(str(value)).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    return (
        f"{fence} {text} {fence}"
        if text.startswith("`") or text.endswith("`")
        else (f"{fence}{text}{fence}")
    )


def html_text(value: object) -> str:
    """Text for HTML content or a quoted attribute (bidi controls replaced, then escaped)."""
    return escape(neutralise_bidi(str(value)), quote=True)


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula (numbers and None pass unchanged).

    Args:
        value: A cell value.

    Returns:
        Non-text values unchanged; text with bidi controls replaced and, when it would be read
        as a formula, a leading single quote.
    """
    if not isinstance(value, str):
        return value
    text = neutralise_bidi(value)
    if text.startswith(("\t", "\r")) or text.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def display_path(location: str, base: Path | None) -> str:
    """A log location as the report shows it: relative to `base`, else its file name.

    Args:
        location: The log's path (absolute or not).
        base: The report's folder; None shows the file name only.

    Returns:
        A path relative to `base` with ``/`` separators, or the file name.
    """
    name = Path(location).name
    if base is None:
        return name
    if "://" in location and not location.startswith("file://"):
        return location  # a remote log (s3://...): its URL, there is no relative path
    try:
        relative = os.path.relpath(os.path.abspath(location), os.path.abspath(base))
    except ValueError:  # another drive on Windows: there is no relative path
        return name
    return Path(relative).as_posix()


def replace_locations(text: str, names: Iterable[tuple[str, str]]) -> str:
    """Replace every occurrence of a log location in a message by its display name.

    Args:
        text: A message (e.g. why a log was skipped) that may quote absolute paths.
        names: (location, display name) pairs; longer locations are replaced first.

    Returns:
        The message without those locations.
    """
    for location, shown in sorted(names, key=lambda pair: -len(pair[0])):
        if location:
            text = text.replace(location, shown)
    return text
