"""Release ratings for the statistics tests: `load_ratings` when it exists, else a direct read.

The direct read is a stand-in with the same long-table contract, used only until the data
layer's loader is available; it reads the per-annotator CSVs of the four frameworks.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

_KEYS = {
    "empatheticdialogues": "conv_id",
    "epitome": "sp_id",
    "perceived_empathy": "id",
    "lend_an_ear": "conversation_id",
}
_FILES = {
    "expert1": ("expert", "expert1_ratings.csv"),
    "expert2": ("expert", "expert2_ratings.csv"),
    "expert3": ("expert", "expert3_ratings.csv"),
    "gemini-2.5-pro": ("llm", "gemini_ratings.csv"),
    "gpt-4o": ("llm", "gpt_ratings.csv"),
    "claude-3.7-sonnet": ("llm", "claude_ratings.csv"),
    "crowd": ("crowd", "crowd_ratings.csv"),
}
_SKIP = {"rp_id", "full_conversation", "Unnamed: 0", "response_length"}


def _read_csvs(release: Path) -> pd.DataFrame:
    frames = []
    for framework, key in _KEYS.items():
        for annotator, (group, name) in _FILES.items():
            path = release / "annotations" / framework / name
            if not path.is_file():
                continue
            table = pd.read_csv(path, dtype={key: str})
            value_columns = [c for c in table.columns if c != key and c not in _SKIP]
            long = table.melt(id_vars=[key], value_vars=value_columns)
            frames.append(
                pd.DataFrame(
                    {
                        "framework": framework,
                        "item_id": long[key].astype(str),
                        "sub_component": long["variable"].astype(str),
                        "group": group,
                        "annotator": annotator,
                        "rating": pd.to_numeric(long["value"], errors="coerce").astype(float),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def release_ratings(release: Path) -> pd.DataFrame:
    """The release's long ratings table."""
    try:
        from empathy_judge.datasets.release import load_ratings
    except ImportError:
        return _read_csvs(release)
    return load_ratings(release)
