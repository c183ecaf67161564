"""The delimiters around a transcript in a rating prompt, and how to read them back safely.

The task builder wraps the conversation being rated in
``<transcript framework="..." item="...">`` ... ``</transcript>``. The tag marks the transcript as
data to rate, and it tells the ``replay`` provider which item a prompt is about without any side
channel. Conversation text must never be able to forge it, so two rules hold:

- **Conversation text is neutralised** (:func:`escape_text`): every ``<`` that would open a
  ``transcript`` delimiter (``<transcript``, ``</transcript``, ``< / TRANSCRIPT``, with
  whitespace or invisible format characters in between) is written ``&lt;``. Nothing else
  changes, so ordinary text reads exactly as written. The escape is exactly reversible
  (:func:`unescape_text`): an ``&`` is written ``&amp;`` only where it starts an already escaped
  delimiter (``&lt;transcript``, ``&amp;lt;transcript``, ...).
- **Attribute values are escaped** (:func:`escape_attribute`): ``&``, ``"``, ``<``, ``>`` and
  control or line-separator characters become character references, so any item id (one holding
  a double quote, say) fits in the tag and comes back unchanged.

Together they make the task's opening tag the only one a prompt can hold: few-shot examples use a
plain ``<transcript>`` without attributes, and text cannot produce a ``<transcript`` at all.
:func:`locate_transcript` therefore refuses a prompt with more than one tagged opening rather
than guessing which to trust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRANSCRIPT_OPEN = '<transcript framework="{framework}" item="{item_id}">'
TRANSCRIPT_UNTAGGED_OPEN = "<transcript>"
TRANSCRIPT_CLOSE = "</transcript>"
#: The version of this tag format (the log contract records it; readers refuse another).
TRANSCRIPT_TAG_VERSION = 1


class TranscriptTagError(ValueError):
    """A prompt's transcript tags are ambiguous (more than one tagged opening)."""


# Whitespace, "/" and invisible format characters a reader might skip between "<" and the name.
_DELIMITER_GAP = r"[\s/\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]*"
_DELIMITER_NAME = _DELIMITER_GAP + "transcript"
_TEXT_ESCAPE_RE = re.compile(
    rf"<(?={_DELIMITER_NAME})|&(?=(?:amp;)*lt;{_DELIMITER_NAME})", re.IGNORECASE
)
_TEXT_UNESCAPE_RE = re.compile(rf"&((?:amp;)*)lt;(?={_DELIMITER_NAME})", re.IGNORECASE)

_ATTRIBUTE_NAMED = {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;"}
_ATTRIBUTE_ESCAPE_RE = re.compile(r'[&"<>\x00-\x1f\x7f-\x9f\u2028\u2029]')
_ATTRIBUTE_UNESCAPE_RE = re.compile(r"&(?:(amp|quot|lt|gt)|#([0-9]{1,7}));")
_NAMED_CHARACTERS = {"amp": "&", "quot": '"', "lt": "<", "gt": ">"}

# An attribute value as escape_attribute writes it: no raw quote, angle bracket or line break.
_VALUE = r'[^"<>\r\n]*'
_TAG_RE = re.compile(rf'<transcript framework="(?P<framework>{_VALUE})" item="(?P<item>{_VALUE})">')


def escape_text(text: str) -> str:
    """Neutralise transcript delimiters in conversation text (exactly reversible).

    Args:
        text: Text that goes inside a transcript (a turn, a speaker label, a whole line).

    Returns:
        The text with every ``<`` that would open a ``transcript`` delimiter written ``&lt;``
        (and ``&`` written ``&amp;`` where it starts an already escaped one); otherwise unchanged.
    """
    return _TEXT_ESCAPE_RE.sub(lambda m: "&lt;" if m[0] == "<" else "&amp;", text)


def unescape_text(text: str) -> str:
    """Undo :func:`escape_text`.

    Args:
        text: Text written by :func:`escape_text`.

    Returns:
        The original text.
    """

    def one_level(match: re.Match[str]) -> str:
        ampersands = match[1]
        return "&" + ampersands[len("amp;") :] + "lt;" if ampersands else "<"

    return _TEXT_UNESCAPE_RE.sub(one_level, text)


def escape_attribute(value: str) -> str:
    """Write a value so that it fits between the double quotes of a tag attribute.

    Args:
        value: Any string (e.g. an item id holding a double quote or a line break).

    Returns:
        The value with ``&``, ``"``, ``<``, ``>`` as named references and control and line
        separator characters as numeric ones (``&#10;``).
    """
    return _ATTRIBUTE_ESCAPE_RE.sub(
        lambda m: _ATTRIBUTE_NAMED.get(m[0]) or f"&#{ord(m[0])};", value
    )


def unescape_attribute(value: str) -> str:
    """Undo :func:`escape_attribute`.

    Args:
        value: An attribute value as written in a tag.

    Returns:
        The original string.
    """

    def character(match: re.Match[str]) -> str:
        if match[1]:
            return _NAMED_CHARACTERS[match[1]]
        code = int(match[2])
        return chr(code) if code <= 0x10FFFF else match[0]

    return _ATTRIBUTE_UNESCAPE_RE.sub(character, value)


def format_transcript_open(framework: str, item_id: str) -> str:
    """The opening tag of one item's transcript.

    Args:
        framework: The framework id (release folder name, e.g. "epitome").
        item_id: The item id (e.g. "97keuy"); any characters, escaped as needed.

    Returns:
        The tag, e.g. ``<transcript framework="epitome" item="97keuy">``.

    Raises:
        ValueError: The framework id or the item id is empty.
    """
    for name, value in (("framework", framework), ("item_id", item_id)):
        if not value:
            raise ValueError(f"{name} must not be empty in a transcript tag")
    return TRANSCRIPT_OPEN.format(
        framework=escape_attribute(framework), item_id=escape_attribute(item_id)
    )


@dataclass(frozen=True)
class TaggedTranscript:
    """The tagged transcript of a rating prompt, located.

    Attributes:
        framework: The framework id of the tag (unescaped).
        item_id: The item id of the tag (unescaped).
        start: Offset of the first character after the opening tag.
        end: Offset of the closing ``</transcript>`` (the prompt's length when it has none).
    """

    framework: str
    item_id: str
    start: int
    end: int


def locate_transcript(text: str) -> TaggedTranscript | None:
    """Find the one tagged transcript of a prompt.

    Args:
        text: A prompt, typically the last user message.

    Returns:
        Where the tagged transcript sits and what its tag names, or None when there is no tag.

    Raises:
        TranscriptTagError: The text holds more than one tagged opening, which a prompt built by
            the task never does (text is escaped): there is no telling which one to trust.
    """
    matches = list(_TAG_RE.finditer(text))
    if not matches:
        return None
    if len(matches) > 1:
        raise TranscriptTagError(
            f"the prompt holds {len(matches)} tagged transcript openings; a rating prompt has "
            "exactly one (conversation text cannot contain one)"
        )
    (match,) = matches
    end = text.find(TRANSCRIPT_CLOSE, match.end())
    return TaggedTranscript(
        framework=unescape_attribute(match["framework"]),
        item_id=unescape_attribute(match["item"]),
        start=match.end(),
        end=end if end >= 0 else len(text),
    )


def find_transcript_item(text: str) -> tuple[str, str] | None:
    """The (framework, item_id) of the prompt's one transcript tag.

    Args:
        text: A prompt, typically the last user message.

    Returns:
        The framework id and item id (unescaped), or None when there is no tag or more than one
        (use :func:`locate_transcript` to tell the two apart).
    """
    try:
        found = locate_transcript(text)
    except TranscriptTagError:
        return None
    return None if found is None else (found.framework, found.item_id)


def transcript_from_prompt(prompt: str) -> str:
    """The rated conversation's lines from a rating prompt, as the speakers wrote them.

    Args:
        prompt: The user message the task built.

    Returns:
        The ``Seeker:`` / ``Supporter:`` lines with delimiter escapes undone, or "" when the
        prompt has no tagged transcript, or more than one.
    """
    try:
        found = locate_transcript(prompt)
    except TranscriptTagError:
        return ""
    if found is None:
        return ""
    return unescape_text(prompt[found.start : found.end].strip("\n"))
