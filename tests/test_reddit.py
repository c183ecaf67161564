"""The EPITOME Reddit corpus: shapes, hand-read labels, and the duplicate-pair policy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from empathy_judge.datasets.reddit import RedditConflictError, load_reddit

HEADER = "sp_id,rp_id,seeker_post,response_post,level,rationales\n"


def label(ratings: pd.DataFrame, item: str, sub: str) -> list[float]:
    hit = ratings[(ratings["item_id"] == item) & (ratings["sub_component"] == sub)]
    return hit["rating"].tolist()


@pytest.fixture(scope="module")
def corpus_ratings(reddit_dir: Path) -> pd.DataFrame:
    return load_reddit(reddit_dir).ratings


def test_real_corpus_counts(reddit_dir: Path) -> None:
    corpus = load_reddit(reddit_dir)
    # 3,023 unique (sp_id, rp_id) pairs in 3,084 rows per file (data README).
    assert len(corpus.conversations) == 3023
    # 8w0orm,e1ruepi is labelled twice in every file, differently each time (ER 0/1,
    # IP 2/0, EX 0/2): under "drop" it keeps its conversation but has no rating at all.
    assert corpus.ratings["item_id"].nunique() == 3022
    assert "8w0orm_e1ruepi" in {c.item_id for c in corpus.conversations}
    # Pairs whose duplicates disagree, counted with pandas by hand: 10, 10, 5.
    assert dict(corpus.dropped) == {
        "level_emotional_reactions": 10,
        "level_interpretations": 10,
        "level_explorations": 5,
    }
    sizes = corpus.ratings.groupby("sub_component").size().to_dict()
    assert sizes == {
        "level_emotional_reactions": 3013,
        "level_interpretations": 3013,
        "level_explorations": 3018,
    }
    assert set(corpus.ratings["group"]) == {"gold"}
    assert set(corpus.ratings["annotator"]) == {"reddit-gold"}
    assert set(corpus.ratings["framework"]) == {"epitome"}
    assert list(corpus.ratings.columns) == [
        "framework",
        "item_id",
        "sub_component",
        "group",
        "annotator",
        "rating",
    ]


def test_real_corpus_labels_read_by_hand(corpus_ratings: pd.DataFrame) -> None:
    # Line 2 of each file: 65m92s,dgbdk7z ... level 0 (ER), 0 (IP), 2 (EX).
    assert label(corpus_ratings, "65m92s_dgbdk7z", "level_emotional_reactions") == [0]
    assert label(corpus_ratings, "65m92s_dgbdk7z", "level_interpretations") == [0]
    assert label(corpus_ratings, "65m92s_dgbdk7z", "level_explorations") == [2]
    # 5aliuq,d9hmspc appears at lines 7 and 2285: ER 0 vs 1 and IP 0 vs 2 (dropped),
    # EX 0 and 0 (kept once).
    assert label(corpus_ratings, "5aliuq_d9hmspc", "level_emotional_reactions") == []
    assert label(corpus_ratings, "5aliuq_d9hmspc", "level_interpretations") == []
    assert label(corpus_ratings, "5aliuq_d9hmspc", "level_explorations") == [0]


def test_first_policy_keeps_every_pair(reddit_dir: Path) -> None:
    corpus = load_reddit(reddit_dir, conflicts="first")
    assert len(corpus.ratings) == 3 * 3023
    # Line 7 comes before line 2285: its ER label is 0.
    assert label(corpus.ratings, "5aliuq_d9hmspc", "level_emotional_reactions") == [0]


def write_corpus(folder: Path, rows: dict[str, str]) -> Path:
    folder.mkdir()
    for name in (
        "emotional-reactions-reddit.csv",
        "interpretations-reddit.csv",
        "explorations-reddit.csv",
    ):
        (folder / name).write_text(HEADER + rows.get(name, "a,b,post,reply,1,\n"))
    return folder


def test_policies_on_a_small_fixture(tmp_path: Path) -> None:
    er = (
        "s1,r1,I lost my job,That is hard,2,\n"
        "s1,r1,I lost my job,That is hard,2,\n"  # identical duplicate: kept once
        "s2,r2,I feel alone,Me too,0,\n"
        "s2,r2,I feel alone,Me too,1,\n"  # conflicting duplicate
    )
    folder = write_corpus(tmp_path / "corpus", {"emotional-reactions-reddit.csv": er})
    dropped = load_reddit(folder)
    assert label(dropped.ratings, "s1_r1", "level_emotional_reactions") == [2]
    assert label(dropped.ratings, "s2_r2", "level_emotional_reactions") == []
    assert dropped.dropped["level_emotional_reactions"] == 1
    # The conversation stays even when a label is dropped.
    texts = {c.item_id: [t.text for t in c.turns] for c in dropped.conversations}
    assert texts["s2_r2"] == ["I feel alone", "Me too"]
    first = load_reddit(folder, conflicts="first")
    assert label(first.ratings, "s2_r2", "level_emotional_reactions") == [0]
    with pytest.raises(RedditConflictError, match="1 pair"):
        load_reddit(folder, conflicts="error")


def test_bad_level_names_file_row_and_column(tmp_path: Path) -> None:
    rows = {"interpretations-reddit.csv": "a,b,post,reply,1,\nc,d,post,reply,3,\n"}
    folder = write_corpus(tmp_path / "corpus", rows)
    with pytest.raises(ValueError, match=r"interpretations-reddit\.csv: row 2.*'level'.*'3'"):
        load_reddit(folder)
