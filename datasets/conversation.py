"""Conversations: the items an LLM judge reads, as immutable records.

A :class:`Conversation` is one rated item — a whole dialogue, or a seeker post and one response —
made of :class:`Turn` records in order. Every loader (the authors' release, the EPITOME Reddit
corpus, a user's own files) produces these, so tasks never see a source's own format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, cast

from .errors import EmpathyJudgeError

Speaker = Literal["Seeker", "Supporter"]

#: The two speaker roles, in the order a conversation starts.
SPEAKERS: tuple[Speaker, Speaker] = ("Seeker", "Supporter")

# A transcript line opens a turn when it starts with a speaker label; any other non-blank line
# continues the previous turn (Lend an Ear supporters sometimes pressed Enter mid-message).
_TURN_START = re.compile(r"^\s*(Seeker|Supporter)\s*:(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    """One message of a conversation.

    Attributes:
        speaker: "Seeker" (the person sharing a problem) or "Supporter" (the person responding).
        text: What the speaker wrote, stripped of surrounding whitespace.
    """

    speaker: Speaker
    text: str


@dataclass(frozen=True)
class Conversation:
    """One rated item.

    Attributes:
        framework: The framework id (release folder name, e.g. "epitome").
        item_id: The item's id, as in the ratings table.
        turns: The messages in order.
        metadata: Read-only extra facts. Always "supporter_word_count" (int: whitespace-separated
            words over the Supporter turns); for Lend an Ear "scenario" (str: the first Seeker
            turn); "response_length" (int) when the source states it.
    """

    framework: str
    item_id: str
    turns: tuple[Turn, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Freeze the metadata too, so a cached conversation cannot be altered by a caller.
        if not isinstance(self.metadata, MappingProxyType):
            object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))

    @property
    def transcript(self) -> str:
        """The turns as "Speaker: text" lines."""
        return "\n".join(f"{t.speaker}: {t.text}" for t in self.turns)

    @property
    def supporter_word_count(self) -> int:
        """Whitespace-separated words over the Supporter turns."""
        return supporter_word_count(self.turns)


def supporter_word_count(turns: Iterable[Turn]) -> int:
    """Count whitespace-separated words in the Supporter turns.

    This is how the release's ``response_length`` column is computed: on the release it
    matches for every EmpatheticDialogues, EPITOME and Lend an Ear item.
    """
    return sum(len(t.text.split()) for t in turns if t.speaker == "Supporter")


def normalize_speaker(value: str, names: tuple[str, str] = SPEAKERS) -> Speaker | None:
    """Map a speaker label to its role, "Seeker" or "Supporter"; None if unknown.

    Args:
        value: The label as written (case-insensitive, surrounding spaces ignored).
        names: How the framework names the (seeker, supporter) roles, e.g. ("Client",
            "Therapist"); the default names are the roles themselves.
    """
    wanted = value.strip().lower()
    for role, name in zip(SPEAKERS, names, strict=True):
        if name.lower() == wanted:
            return role
    return None


class TranscriptError(EmpathyJudgeError, ValueError):
    """A transcript does not start with a "Seeker:" or "Supporter:" line."""


def parse_transcript(
    text: str, *, keep_empty: bool = False, names: tuple[str, str] = SPEAKERS
) -> tuple[Turn, ...]:
    """Split a "Seeker: ..." / "Supporter: ..." transcript into turns.

    A line starting with a speaker label opens a turn; other non-blank lines continue the
    previous turn (joined with a newline). Turns whose text is empty (the release's
    ``gemini_ratings.csv`` for Lend an Ear holds "Seeker: " / "Supporter: " placeholders) are
    dropped unless ``keep_empty`` is set: they carry nothing a judge could rate.

    Args:
        text: The transcript.
        keep_empty: Keep turns with no text.
        names: The framework's names of the (seeker, supporter) roles, as the lines label them.

    Returns:
        The turns in order (their speaker is the role).

    Raises:
        TranscriptError: Text appears before the first speaker label.
    """
    start = (
        _TURN_START
        if names == SPEAKERS
        else re.compile(
            rf"^\s*({re.escape(names[0])}|{re.escape(names[1])})\s*:(.*)$", re.IGNORECASE
        )
    )
    turns: list[tuple[Speaker, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = start.match(line)
        if match:
            speaker = cast(Speaker, normalize_speaker(match.group(1), names))
            turns.append((speaker, [match.group(2)]))
        elif line.strip():
            if not turns:
                raise TranscriptError(
                    f"line {number} ({line.strip()[:40]!r}) comes before any '{names[0]}:' or"
                    f" '{names[1]}:' label"
                )
            turns[-1][1].append(line)
    result = tuple(Turn(speaker, "\n".join(lines).strip()) for speaker, lines in turns)
    if keep_empty:
        return result
    return tuple(t for t in result if t.text)
