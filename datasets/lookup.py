"""Finding one entry of a small tuple (a sub-component's result, a section, a run)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def find(items: Iterable[T], matches: Callable[[T], bool], missing: Callable[[], str]) -> T:
    """The first item that matches.

    Args:
        items: Where to look.
        matches: Whether an item is the one wanted.
        missing: Writes the error message when none matches (called only then).

    Returns:
        The first matching item.

    Raises:
        KeyError: No item matches; the message is ``missing()``.
    """
    for item in items:
        if matches(item):
            return item
    raise KeyError(missing())
