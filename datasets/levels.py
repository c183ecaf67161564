"""Levels of measurement and polarities: the vocabulary rubrics, packs and the statistics share."""

from __future__ import annotations

from typing import Literal, get_args

#: How a sub-component's ratings compare: categories, ranks, or distances.
Level = Literal["nominal", "ordinal", "interval", "ratio"]
#: Every level, in order of the information a rating carries.
LEVELS: tuple[Level, ...] = get_args(Level)
#: Whether a higher rating means more of a good behaviour ("positive") or of a bad one.
Polarity = Literal["positive", "negative"]
#: Both polarities.
POLARITIES: tuple[Polarity, ...] = get_args(Polarity)
