"""What is wrong with a user's file: :class:`Problem` records and the error that carries them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .errors import EmpathyJudgeError

# imports needed:

# Values quoted in messages are cut to this many characters.
SHOWN_CHARS = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's file.

    Attributes:
        file: The file (or dataset) name.
        row: Where in the file (see the module docstring): the 1-based line number in a CSV or
            JSONL file (the line a text editor shows; a CSV's header is line 1), the 1-based
            row index in Parquet and Hugging Face data; None for the whole file.
        column: The column concerned, or None.
        message: What is wrong.
        unit: "line" (CSV, JSONL) or "row" (Parquet, Hugging Face datasets), as printed.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    unit: str = "row"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(EmpathyJudgeError, ValueError):
    """A user's file was rejected; :attr:`problems` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s):\n{shown}{tail}")


def shown(value: str) -> str:
    """A value for a message: quoted with escapes, and cut when long."""
    if len(value) > SHOWN_CHARS:
        return repr(value[: SHOWN_CHARS - 1] + "…") + f" ({len(value):,} characters)"
    return repr(value)


def problems_as_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """Problems as a table (file, row, column, message), e.g. to save as CSV."""
    return pd.DataFrame(
        [(p.file, p.row, p.column, p.message) for p in problems],
        columns=["file", "row", "column", "message"],
    )
