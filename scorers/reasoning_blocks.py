"""Separate a completion's reasoning blocks from its answer: reasoning is never a source of ratings.

Reasoning models write their chain of thought into the completion in several conventions:

- **XML-like tags**: ``<think>`` (DeepSeek R1, Qwen3, QwQ; Inspect's own ``ContentReasoning``
  is written back into text as ``<think signature="..." redacted="true">`` ... ``</think>``),
  ``<thinking>``, ``<reasoning>``, ``<thought>``, ``<reflection>``, ``<scratchpad>``; attributes
  on the opening tag are allowed, names are case-insensitive, blocks may nest.
- **A block opened by the chat template**: the output starts inside the block, so it holds only
  the closing tag (``...draft...</think>{"answer": ...}``); everything before it is reasoning.
- **An unterminated block**: the output was cut off (or the model never closed it) inside the
  block; everything from the opening tag to the end is reasoning.
- **Harmony channels** (gpt-oss): ``<|channel|>analysis<|message|>...`` is reasoning; only the
  text of the last ``<|channel|>final<|message|>`` is the answer, and without one there is none.

One pass over the text (a single regular expression over the tags), so a 10 MB output costs
linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Tag names whose content is a chain of thought, never an answer.
REASONING_TAGS: tuple[str, ...] = (
    "think",
    "thinking",
    "reasoning",
    "thought",
    "reflection",
    "scratchpad",
)

#: Most reasoning tags read from one completion (a real one holds a few).
MAX_TAGS = 1000

_TAG_RE = re.compile(
    r"<(?P<close>/?)\s*(?P<name>" + "|".join(REASONING_TAGS) + r")(?:\s[^<>]{0,500})?\s*>",
    re.IGNORECASE,
)
_HARMONY_FINAL = "<|channel|>final<|message|>"
_HARMONY_REASONING_RE = re.compile(r"<\|channel\|>\s*(?:analysis|commentary)", re.IGNORECASE)
_HARMONY_END_RE = re.compile(r"<\|(?:return|end|call)\|>")


@dataclass(frozen=True)
class SplitCompletion:
    """A completion split into its answer and its reasoning.

    Attributes:
        answer: The text outside every reasoning block (the only text ratings are read from).
        reasoning_chars: Characters of reasoning removed (0 when there was none).
        unterminated: The output ended inside a reasoning block (or in a Harmony analysis
            channel without a final channel).
        tag: The first reasoning tag seen (``think``, ``harmony``), or None.
    """

    answer: str
    reasoning_chars: int = 0
    unterminated: bool = False
    tag: str | None = None

    @property
    def had_reasoning(self) -> bool:
        """Whether any reasoning was removed."""
        return self.reasoning_chars > 0 or self.tag is not None


def split_reasoning(text: str) -> SplitCompletion:
    """Remove every reasoning block from a completion.

    Args:
        text: The raw completion.

    Returns:
        The answer text and what was removed.
    """
    if "<|channel|>" in text:
        return _split_harmony(text)
    if "<" not in text:
        return SplitCompletion(text)
    answer: list[str] = []
    depth = 0
    at = 0
    removed = 0
    first_tag: str | None = None
    for count, match in enumerate(_TAG_RE.finditer(text)):
        if count == MAX_TAGS:
            # A runaway output: everything from the first tag on counts as reasoning, so that
            # no rating is ever read from inside a block, and the work stays bounded.
            first = _TAG_RE.search(text)
            head = text[: first.start()] if first else ""
            return SplitCompletion(head, len(text) - len(head), unterminated=True, tag=first_tag)
        name = match["name"].lower()
        first_tag = first_tag or name
        if match["close"]:
            if depth == 0:
                # A closing tag with no opening: the chat template opened the block, so the
                # output so far was reasoning.
                removed += sum(len(piece) for piece in answer) + match.start() - at
                answer = []
            else:
                depth -= 1
                if depth == 0:
                    removed += match.start() - at
            at = match.end()
            continue
        if depth == 0:
            answer.append(text[at : match.start()])
        else:
            removed += match.start() - at
        depth += 1
        at = match.end()
    if depth > 0:
        return SplitCompletion(
            "".join(answer), removed + len(text) - at, unterminated=True, tag=first_tag
        )
    answer.append(text[at:])
    return SplitCompletion("".join(answer), removed, tag=first_tag)


def _split_harmony(text: str) -> SplitCompletion:
    final = text.rfind(_HARMONY_FINAL)
    if final == -1:
        if _HARMONY_REASONING_RE.search(text):
            return SplitCompletion("", len(text), unterminated=True, tag="harmony")
        return SplitCompletion(text)
    start = final + len(_HARMONY_FINAL)
    end = _HARMONY_END_RE.search(text, start)
    answer = text[start : end.start() if end else len(text)]
    return SplitCompletion(answer, len(text) - len(answer), tag="harmony")
