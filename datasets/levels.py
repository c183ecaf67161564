"""Levels of measurement: the one list that rubrics, packs and Krippendorff's α share."""

from __future__ import annotations

from typing import Literal, get_args

#: How a sub-component's ratings compare: categories, ranks, or distances.
Level = Literal["nominal", "ordinal", "interval", "ratio"]
#: Every level, in order of the information a rating carries.
LEVELS: tuple[Level, ...] = get_args(Level)
