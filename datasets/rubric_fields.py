"""The field checks every rubric table shares, and the error that names the file and the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import EmpathyJudgeError


class RubricError(EmpathyJudgeError, ValueError):
    """A rubric file is malformed; the message names the file and the field.

    Attributes:
        file: The rubric file.
        detail: What is wrong, without the file name (for listings that show the file apart).
    """

    def __init__(self, file: str, detail: str) -> None:
        super().__init__(f"{file}: {detail}")
        self.file = file
        self.detail = detail

    def __reduce__(self) -> tuple[type[RubricError], tuple[str, str]]:
        return type(self), (self.file, self.detail)


def require(table: Mapping[str, Any], key: str, kind: type, where: str, file: str) -> Any:
    """The value of a required field, of the given type and, for text, not blank.

    Raises:
        RubricError: The field is missing, of another type, or blank text.
    """
    if key not in table:
        raise RubricError(file, f"missing field '{where}{key}'")
    value = table[key]
    if kind is int and isinstance(value, bool):
        raise RubricError(file, f"field '{where}{key}' must be int, got bool")
    if not isinstance(value, kind):
        raise RubricError(
            file, f"field '{where}{key}' must be {kind.__name__}, got {type(value).__name__}"
        )
    if isinstance(value, str) and not value.strip():
        raise RubricError(file, f"field '{where}{key}' is empty")
    return value


def reject_unknown(table: Mapping[str, Any], known: frozenset[str], where: str, file: str) -> None:
    """Refuse a field the table does not know (named with its place, ``where``).

    Raises:
        RubricError: For the first unknown field, in sorted order.
    """
    # A misspelt optional-looking key (e.g. "defintion") must not pass silently.
    unknown = sorted(set(table) - known)
    if unknown:
        raise RubricError(file, f"unknown field '{where}{unknown[0]}' (known: {sorted(known)})")
