"""What a framework pack holds, counted: for ``empathy-judge data validate`` and ``data info``.

The counts a new user checks first: how many items (conversations) and turns, the
sub-components with their scales, the annotators of each group, how many ratings each group
gave of the cells it could have (items × sub-components × annotators) and so the missing share,
and the items no expert rated (they are rated by a model but count towards no agreement).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .conversation import Conversation
from .rubric import Framework


@dataclass(frozen=True)
class GroupCounts:
    """One group of annotators (expert, crowd, llm, ...) in a pack's ratings.

    Attributes:
        group: The group's name.
        annotators: Its annotators, in first-appearance order.
        ratings: Ratings given (non-blank cells).
        cells: Ratings it could have given: items × sub-components × annotators.
    """

    group: str
    annotators: tuple[str, ...]
    ratings: int
    cells: int

    @property
    def missing_share(self) -> float:
        """Share of the cells without a rating (blank, or no row at all)."""
        return 1.0 - self.ratings / self.cells if self.cells else float("nan")


@dataclass(frozen=True)
class PackSummary:
    """A pack's contents, counted.

    Attributes:
        framework: The rubric.
        items: Conversations.
        turns: Turns over all conversations.
        groups: The annotator groups, ``expert`` first.
        unrated: Items with no expert rating on any sub-component, in conversation order.
        rated_items: Items with at least one rating (any group) that have a conversation.
    """

    framework: Framework
    items: int
    turns: int
    groups: tuple[GroupCounts, ...]
    unrated: tuple[str, ...]
    rated_items: int

    @property
    def ratings(self) -> int:
        """Ratings given, all groups."""
        return sum(g.ratings for g in self.groups)

    def lines(self) -> list[str]:
        """The summary as the command line prints it, one fact per line."""
        f = self.framework
        seeker, supporter = f.speakers
        rated = (
            f"the {f.rated_turn.name}'s last turn (rated_turn = {f.rated_turn.spec!r})"
            if f.rated_turn is not None
            else f"the {supporter}'s communication as a whole"
        )
        scales = ", ".join(
            f"{s.column} {s.scale_min}–{s.scale_max}"
            + (" (negative)" if s.polarity == "negative" else "")
            for s in f.sub_components
        )
        out = [
            f"framework {f.id!r}: {f.title} (rubric version {f.version})",
            f"items: {self.items} conversations, {self.turns} turns; speakers {seeker} and"
            f" {supporter}; rated: {rated}",
            f"sub-components: {len(f.sub_components)} — {scales};"
            f" {f.level_of_measurement}, consensus {f.consensus}",
        ]
        for g in self.groups:
            names = ", ".join(g.annotators[:6]) + (" ..." if len(g.annotators) > 6 else "")
            out.append(
                f"{g.group}: {len(g.annotators)} annotator(s) ({names}); {g.ratings:,} ratings"
                f" of {g.cells:,} cells, {g.missing_share:.1%} missing"
            )
        out.append(f"ratings: {self.ratings:,} in all")
        unrated = f"items without an expert rating: {len(self.unrated)}"
        if self.unrated:
            unrated += (
                f" (e.g. {self.unrated[0]!r}): a model rates them, but they count towards no"
                " agreement"
            )
        out.append(unrated)
        return out


def summarize_pack(
    framework: Framework, conversations: Sequence[Conversation], ratings: pd.DataFrame
) -> PackSummary:
    """Count what a pack holds.

    Args:
        framework: The rubric.
        conversations: The pack's conversations.
        ratings: Its long ratings table (``item_id, sub_component, group, annotator, rating``).

    Returns:
        The counts.
    """
    items = [c.item_id for c in conversations]
    known = set(items)
    n_subs = len(framework.sub_components)
    table = ratings[ratings["item_id"].isin(known)]
    given = table[table["rating"].notna()]
    groups: list[GroupCounts] = []
    order = sorted(dict.fromkeys(ratings["group"].astype(str)), key=lambda g: (g != "expert", g))
    for group in order:
        members = tuple(dict.fromkeys(ratings.loc[ratings["group"] == group, "annotator"]))
        # A cell is one (item, sub-component, annotator); duplicates are rejected upstream.
        counted = given[given["group"] == group]
        groups.append(
            GroupCounts(
                group=group,
                annotators=tuple(str(a) for a in members),
                ratings=len(counted),
                cells=len(items) * n_subs * len(members),
            )
        )
    experts = given.loc[given["group"] == "expert", "item_id"]
    rated_by_experts = set(experts.astype(str))
    unrated = tuple(i for i in items if i not in rated_by_experts)
    return PackSummary(
        framework=framework,
        items=len(items),
        turns=int(np.sum([len(c.turns) for c in conversations])),
        groups=tuple(groups),
        unrated=unrated,
        rated_items=int(given["item_id"].nunique()),
    )
