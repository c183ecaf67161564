"""The shared contract of every room: the long ratings table and the names of its groups.

Every loader (the release, a framework pack, the EPITOME Reddit corpus, a user's file) produces
one long table with `RATINGS_COLUMNS`; every statistic starts from it. Small and free of heavy
imports, so that any room may import it.
"""

from __future__ import annotations

#: Columns of the long ratings table, in order (``rating`` is a float, NaN when missing).
RATINGS_COLUMNS: tuple[str, ...] = (
    "framework",
    "item_id",
    "sub_component",
    "group",
    "annotator",
    "rating",
)
#: The groups an annotator may belong to.
GROUPS: tuple[str, ...] = ("expert", "crowd", "llm", "gold", "model")
#: The group whose annotators form the reference panel.
EXPERT_GROUP = "expert"
#: The study's three experts (the panel of logs that predate the panel description).
STUDY_EXPERTS: tuple[str, str, str] = ("expert1", "expert2", "expert3")
