"""Named blocks of a bootstrap statistic's columns, so that no caller counts offsets by hand.

A vectorised statistic returns every figure of an assessment side by side (resamples × S). A
:class:`ColumnPlan` names the blocks in order with their widths; the statistic stacks its blocks
through the plan, and readers ask the plan where a block sits. Adding a statistic is one more
name: nothing after it shifts by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .arrays import FloatArray


@dataclass(frozen=True)
class ColumnPlan:
    """Blocks of columns, by name, in order.

    Attributes:
        widths: (name, number of columns) of every block, in column order.
    """

    widths: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, widths: Mapping[str, int]) -> ColumnPlan:
        """A plan with these blocks, in the mapping's order.

        Raises:
            ValueError: A negative width (an empty block, of width 0, is allowed).
        """
        bad = [name for name, width in widths.items() if width < 0]
        if bad:
            raise ValueError(f"column blocks cannot have a negative width: {bad}")
        return cls(tuple(widths.items()))

    @property
    def width(self) -> int:
        """Columns in all."""
        return sum(width for _, width in self.widths)

    def columns(self, name: str) -> slice:
        """Where one block sits.

        Raises:
            KeyError: No such block.
        """
        start = 0
        for block, width in self.widths:
            if block == name:
                return slice(start, start + width)
            start += width
        raise KeyError(f"no column block {name!r}; blocks: {[b for b, _ in self.widths]}")

    def indices(self, *names: str) -> list[int]:
        """The column indices of some blocks, block after block in the order named."""
        return [i for name in names for i in range(self.width)[self.columns(name)]]

    def column(self, name: str, j: int = 0) -> int:
        """The index of column `j` of one block.

        Raises:
            KeyError: No such block.
            IndexError: The block has fewer than ``j + 1`` columns.
        """
        where = self.columns(name)
        if not 0 <= j < where.stop - where.start:
            raise IndexError(
                f"block {name!r} has {where.stop - where.start} column(s), not {j + 1}"
            )
        return int(where.start + j)

    def stack(self, blocks: Mapping[str, ArrayLike]) -> FloatArray:
        """Every block side by side in plan order (R × width); a 1-D block is one column.

        Raises:
            ValueError: A block missing, unknown, or of the wrong width.
        """
        names = [name for name, _ in self.widths]
        if set(blocks) != set(names):
            raise ValueError(f"blocks {sorted(blocks)} do not match the plan's {names}")
        parts = []
        for name, width in self.widths:
            block = np.asarray(blocks[name], dtype=np.float64)
            block = block[:, None] if block.ndim == 1 else block
            if block.shape[1] != width:
                raise ValueError(f"block {name!r} has {block.shape[1]} column(s), not {width}")
            parts.append(block)
        return np.hstack(parts)
