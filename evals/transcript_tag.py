"""The tag that opens a transcript in a rating prompt, and how to find it again.

The task builder wraps each conversation in ``<transcript framework="..." item="...">`` ...
``</transcript>``. The tag marks the transcript as data to rate, and it tells the ``replay``
provider which released item a prompt is about without any side channel: the provider reads the
last tag of the last user message, so few-shot examples earlier in the prompt do not confuse it.
"""

from __future__ import annotations

import re

TRANSCRIPT_OPEN = '<transcript framework="{framework}" item="{item_id}">'
TRANSCRIPT_CLOSE = "</transcript>"

_TAG_RE = re.compile(r'<transcript framework="(?P<framework>[^"\n]+)" item="(?P<item>[^"\n]+)">')


def format_transcript_open(framework: str, item_id: str) -> str:
    """The opening tag of one item's transcript.

    Args:
        framework: The framework id (release folder name, e.g. "epitome").
        item_id: The release's item id (e.g. "97keuy").

    Returns:
        The tag, e.g. ``<transcript framework="epitome" item="97keuy">``.

    Raises:
        ValueError: An id contains a double quote or a line break, which the tag cannot carry.
    """
    for name, value in (("framework", framework), ("item_id", item_id)):
        if not value or '"' in value or "\n" in value:
            raise ValueError(f"{name} {value!r} cannot be written in a transcript tag")
    return TRANSCRIPT_OPEN.format(framework=framework, item_id=item_id)


def find_transcript_item(text: str) -> tuple[str, str] | None:
    """The (framework, item_id) of the last transcript tag in a text.

    Args:
        text: A prompt, typically the last user message.

    Returns:
        The framework id and item id of the last opening tag, or None when there is none.
    """
    last: tuple[str, str] | None = None
    for match in _TAG_RE.finditer(text):
        last = (match["framework"], match["item"])
    return last
