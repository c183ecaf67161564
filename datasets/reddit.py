"""The EPITOME Reddit corpus (Sharma et al., EMNLP 2020) in the canonical shapes.

Source: GitHub ``behavioral-data/Empathy-Mental-Health``, folder ``dataset/`` (academic use):
three CSVs, one per communication mechanism, each with the columns
``sp_id, rp_id, seeker_post, response_post, level, rationales`` and 3,084 rows:

==================================  ===========================
file                                sub_component
==================================  ===========================
emotional-reactions-reddit.csv      level_emotional_reactions
interpretations-reddit.csv          level_interpretations
explorations-reddit.csv             level_explorations
==================================  ===========================

Each row is one consolidated label (0 none, 1 weak, 2 strong) for a (seeker post, response)
pair, so the corpus loads as framework "epitome", group "gold", annotator "reddit-gold", with
item id ``f"{sp_id}_{rp_id}"`` (a seeker post can have several responses here, unlike in the
release's 50-item sample, so ``sp_id`` alone is not a key).

**Duplicated pairs.** 3,023 unique pairs sit in 3,084 rows: some pairs appear two or three
times in a file. Identical labels are kept once. For pairs whose duplicates carry *different*
labels (10, 10 and 5 pairs in the three files on the published corpus) there is no way to tell
which label is right, so the default policy ``conflicts="drop"`` drops that pair's label for
that mechanism (the pair's other mechanisms and its conversation stay) and counts what it
dropped in :attr:`RedditCorpus.dropped`. One pair (``8w0orm_e1ruepi``) conflicts in all three
files, so under "drop" 3,023 conversations carry ratings for 3,022 items.
``conflicts="first"`` keeps the first row's label; ``conflicts="error"`` raises
:class:`RedditConflictError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .conversation import Conversation, Turn, supporter_word_count
from .errors import EmpathyJudgeError
from .ratings_table import RATINGS_COLUMNS

#: File name -> sub-component (the release's column name).
REDDIT_FILES: Mapping[str, str] = {
    "emotional-reactions-reddit.csv": "level_emotional_reactions",
    "interpretations-reddit.csv": "level_interpretations",
    "explorations-reddit.csv": "level_explorations",
}
REDDIT_ANNOTATOR = "reddit-gold"
REDDIT_GROUP = "gold"
_COLUMNS = ("sp_id", "rp_id", "seeker_post", "response_post", "level")

ConflictPolicy = Literal["drop", "first", "error"]


class RedditConflictError(EmpathyJudgeError, ValueError):
    """Duplicated pairs carry conflicting labels and the policy is "error"."""


@dataclass(frozen=True)
class RedditCorpus:
    """The EPITOME Reddit corpus, parsed.

    Attributes:
        ratings: Long ratings table (same columns as the release's).
        conversations: One conversation per unique pair, in first-appearance order.
        duplicates: Sub-component -> rows dropped as exact repeats of a pair's label.
        dropped: Sub-component -> pairs whose conflicting labels were dropped ("drop" policy).
    """

    ratings: pd.DataFrame
    conversations: tuple[Conversation, ...]
    duplicates: Mapping[str, int]
    dropped: Mapping[str, int]


def load_reddit(path: str | Path, *, conflicts: ConflictPolicy = "drop") -> RedditCorpus:
    """Load the three EPITOME Reddit CSVs.

    Args:
        path: Folder holding the three files.
        conflicts: What to do with a pair labelled differently by its duplicate rows: "drop"
            its label for that mechanism (default), keep the "first", or raise ("error").

    Returns:
        The corpus.

    Raises:
        FileNotFoundError: A file is missing.
        ValueError: A file lacks a column or holds a label outside 0..2 (names file, row and
            column).
        RedditConflictError: Conflicting labels under ``conflicts="error"``.
    """
    root = Path(path)
    pieces = []
    texts: dict[str, tuple[str, str]] = {}
    duplicates: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for filename, sub_component in REDDIT_FILES.items():
        file = root / filename
        if not file.is_file():
            raise FileNotFoundError(f"{file}: missing (expected the three EPITOME Reddit CSVs)")
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
        missing = [c for c in _COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"{file}: missing column(s) {missing}")
        levels = pd.to_numeric(frame["level"].str.strip(), errors="coerce")
        bad = ~levels.isin([0, 1, 2])
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{file}: row {row + 1} (data rows numbered from 1 after the header), column"
                f" 'level': {frame['level'].iloc[row]!r} is not 0, 1 or 2"
            )
        item_ids = frame["sp_id"].str.strip() + "_" + frame["rp_id"].str.strip()
        frame = frame.assign(item_id=item_ids, rating=levels.astype(np.float64))
        labels_per_pair = frame.groupby("item_id", sort=False)["rating"].nunique()
        conflicting = labels_per_pair.index[labels_per_pair > 1]
        if len(conflicting) and conflicts == "error":
            raise RedditConflictError(
                f"{file}: {len(conflicting)} pair(s) carry conflicting labels, e.g."
                f" {list(conflicting[:3])}; use conflicts='drop' or 'first'"
            )
        unique = frame.drop_duplicates("item_id")
        for item_id, seeker, response in zip(
            unique["item_id"], unique["seeker_post"], unique["response_post"], strict=True
        ):
            texts.setdefault(str(item_id), (str(seeker), str(response)))
        duplicates[sub_component] = int(frame.duplicated(["item_id", "rating"]).sum())
        if conflicts == "drop":
            unique = unique[~unique["item_id"].isin(conflicting)]
            dropped[sub_component] = len(conflicting)
        else:
            dropped[sub_component] = 0
        pieces.append(
            pd.DataFrame(
                {
                    "framework": "epitome",
                    "item_id": unique["item_id"].to_numpy(dtype=object),
                    "sub_component": sub_component,
                    "group": REDDIT_GROUP,
                    "annotator": REDDIT_ANNOTATOR,
                    "rating": unique["rating"].to_numpy(dtype=np.float64),
                }
            )
        )
    ratings = pd.concat(pieces, ignore_index=True)[list(RATINGS_COLUMNS)]
    ratings = ratings.astype({c: str for c in RATINGS_COLUMNS[:-1]})
    conversations = []
    for item_id, (seeker, response) in texts.items():
        turns = (Turn("Seeker", seeker.strip()), Turn("Supporter", response.strip()))
        conversations.append(
            Conversation(
                "epitome",
                item_id,
                turns,
                {"supporter_word_count": supporter_word_count(turns), "source": "epitome-reddit"},
            )
        )
    return RedditCorpus(ratings, tuple(conversations), duplicates, dropped)
