"""A user's own ratings and conversations: formats, schemas, and every validation case.

Rows are data rows numbered from 1 (CSV: the first record after the header; JSONL: the line).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from empathy_judge.datasets.conversation import Conversation, Turn
from empathy_judge.datasets.user_data import (
    DataValidationError,
    Problem,
    conversations_problems,
    load_user_conversations,
    load_user_data,
    load_user_ratings,
    ratings_problems,
)

USER = Path(__file__).resolve().parent / "fixtures" / "data" / "user"
ED = "empatheticdialogues"


def where(problems: list[Problem]) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in problems]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


Row = tuple[str, str, str, str, str, float | None]


def expected_long() -> list[Row]:
    # ratings_long.csv, read by hand; conv-2 relevance is blank (None = NaN).
    rows: list[tuple[str, str, float | None]] = [
        ("conv-1", "empathy", 4.0),
        ("conv-1", "relevance", 5.0),
        ("conv-1", "fluency", 3.0),
        ("conv-2", "empathy", 2.0),
        ("conv-2", "relevance", None),
        ("conv-2", "fluency", 4.5),
    ]
    return sorted((ED, item, sub, "expert", "alice", value) for item, sub, value in rows)


def as_rows(table: pd.DataFrame) -> list[Row]:
    out: list[Row] = []
    for r in table.to_dict("records"):
        value = float(r["rating"])
        out.append(
            (
                str(r["framework"]),
                str(r["item_id"]),
                str(r["sub_component"]),
                str(r["group"]),
                str(r["annotator"]),
                None if math.isnan(value) else value,
            )
        )
    return sorted(out)


# -- good files, every format ---------------------------------------------------------------


def test_long_and_wide_csv_give_the_same_table() -> None:
    long = load_user_ratings(USER / "ratings_long.csv", ED)
    wide = load_user_ratings(USER / "ratings_wide.csv", "empathetic_dialogues")
    assert list(long.columns) == [
        "framework",
        "item_id",
        "sub_component",
        "group",
        "annotator",
        "rating",
    ]
    assert as_rows(long) == expected_long()
    assert as_rows(wide) == expected_long()


def test_jsonl_parquet_and_hugging_face(tmp_path: Path) -> None:
    import importlib

    datasets = importlib.import_module("datasets")  # Hugging Face, imported by name for mypy
    frame = pd.read_csv(USER / "ratings_long.csv", dtype=str, keep_default_na=False)
    jsonl = tmp_path / "ratings.jsonl"
    frame.assign(rating=pd.to_numeric(frame["rating"])).to_json(jsonl, orient="records", lines=True)
    parquet = tmp_path / "ratings.parquet"
    frame.assign(rating=pd.to_numeric(frame["rating"])).to_parquet(parquet)
    dataset = datasets.Dataset.from_pandas(frame.assign(rating=pd.to_numeric(frame["rating"])))
    saved = tmp_path / "saved"
    dataset.save_to_disk(str(saved))
    for source in (jsonl, parquet, dataset, saved):
        assert as_rows(load_user_ratings(source, ED)) == expected_long(), source


def test_group_column_and_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        "item_id,empathy,relevance,fluency,group\nconv-1,1,2,3,model\n",
    )
    table = load_user_ratings(path, ED, annotator="my-judge")
    assert set(table["group"]) == {"model"}
    assert set(table["annotator"]) == {"my-judge"}


def test_conversations_turns_and_transcript_schemas_agree() -> None:
    turns = load_user_conversations(USER / "conversations_turns.csv", ED)
    transcript = load_user_conversations(USER / "conversations_transcript.jsonl", ED)
    expected = [
        Conversation(
            ED,
            "conv-1",
            (
                Turn("Seeker", "I failed my driving test today."),
                Turn("Supporter", "That sounds hard, I'm sorry."),
                Turn("Seeker", "Thanks. I'll try again next month."),
            ),
            {"supporter_word_count": 5},
        ),
        Conversation(
            ED,
            "conv-2",
            (
                Turn("Seeker", "My cat is ill."),
                Turn("Supporter", "Oh no — what does the vet say?\nI hope she recovers soon."),
            ),
            {"supporter_word_count": 13},
        ),
    ]
    for loaded in (turns, transcript):
        assert [(c.item_id, c.turns) for c in loaded] == [(c.item_id, c.turns) for c in expected]
        # Whitespace-split words: the lone "—" counts as a word (8 + 5 = 13).
        assert [c.metadata["supporter_word_count"] for c in loaded] == [5, 13]


def test_perceived_empathy_and_lend_an_ear_conversations(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pe.csv",
        "item_id,speaker,text\n63fb73b8e64f455117b045b9,Seeker,I moved abroad.\n"
        "63fb73b8e64f455117b045b9,Supporter,That takes courage.\n",
    )
    (conversation,) = load_user_conversations(path, "perceived_empathy")
    assert conversation.framework == "perceived_empathy"
    assert conversation.metadata["supporter_word_count"] == 3
    lae = write(
        tmp_path / "lae.jsonl",
        '{"item_id": 7, "transcript": "Seeker: My boss ignores me.\\nSupporter: \\n'
        'Supporter: How long?"}\n',
    )
    (talk,) = load_user_conversations(lae, "lend_an_ear")
    assert talk.item_id == "7"
    assert talk.metadata["scenario"] == "My boss ignores me."
    assert [t.speaker for t in talk.turns] == ["Seeker", "Supporter"]


def test_ratings_with_conversations(tmp_path: Path) -> None:
    table, conversations = load_user_data(
        USER / "ratings_long.csv", ED, USER / "conversations_turns.csv"
    )
    assert len(table) == 6
    assert len(conversations) == 2


# -- every bad-input case --------------------------------------------------------------------


def test_broken_fixture_lists_every_problem() -> None:
    problems = ratings_problems(USER / "ratings_broken.csv", ED)
    assert where(problems) == [
        (3, "sub_component"),  # duplicate of line 2 (the header is line 1)
        (4, "sub_component"),  # warmth
        (5, "rating"),  # high
        (6, "rating"),  # 9 > 5
    ]
    assert all(p.unit == "line" for p in problems)
    assert "first at line 2" in problems[0].message
    assert "warmth" in problems[1].message
    assert "'high' is not a number" in problems[2].message
    assert "outside relevance's scale 1..5" in problems[3].message
    assert all(p.file.endswith("ratings_broken.csv") for p in problems)
    with pytest.raises(DataValidationError) as excinfo:
        load_user_ratings(USER / "ratings_broken.csv", ED)
    assert len(excinfo.value.problems) == 4
    assert "ratings_broken.csv, line 5, column 'rating'" in str(excinfo.value)


def test_missing_columns(tmp_path: Path) -> None:
    long = write(tmp_path / "long.csv", "item_id,sub_component,annotator\nconv-1,empathy,a\n")
    assert where(ratings_problems(long, ED)) == [(None, "rating")]
    wide = write(tmp_path / "wide.csv", "item_id,empathy\nconv-1,3\n")
    assert where(ratings_problems(wide, ED)) == [(None, "annotator")]
    neither = write(tmp_path / "neither.csv", "item_id,annotator,score\nconv-1,a,3\n")
    problems = ratings_problems(neither, ED)
    assert problems[0].column is None
    assert "long schema" in problems[0].message
    conversations = write(tmp_path / "conv.csv", "item_id,speaker\nconv-1,Seeker\n")
    assert (None, "text") in where(conversations_problems(conversations, ED))


def test_unknown_sub_component_column_in_wide_file(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", "item_id,annotator,empathy,warmth\nconv-1,a,3,2\n")
    problems = ratings_problems(path, ED)
    assert where(problems) == [(None, "warmth")]
    assert "unknown sub-component" in problems[0].message


def test_duplicated_rows_in_wide_file(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", "item_id,annotator,empathy\nc1,a,3\nc2,a,3\nc1,a,4\n")
    problems = ratings_problems(path, ED)
    assert where(problems) == [(4, "empathy")]
    assert "first at line 2" in problems[0].message


def test_ratings_for_items_without_a_conversation() -> None:
    problems = ratings_problems(
        USER / "ratings_wide.csv",
        ED,
        conversations=[Conversation(ED, "conv-2", (Turn("Seeker", "hi"),))],
    )
    assert where(problems) == [(2, "item_id")]
    assert "'conv-1' has no conversation" in problems[0].message


def test_empty_files(tmp_path: Path) -> None:
    for path in (write(tmp_path / "zero.csv", ""), write(tmp_path / "blank.jsonl", "\n\n")):
        assert [p.message for p in ratings_problems(path, ED)] == ["empty file"]
    header = write(tmp_path / "header.csv", "item_id,sub_component,annotator,rating\n")
    assert [p.message for p in ratings_problems(header, ED)] == ["no data rows"]


def test_undecodable_text_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"item_id,sub_component,annotator,rating\nconv-1,empathy,a,3\nconv-2,empathy,Ren\xe9,3\n"
    )
    (problem,) = ratings_problems(path, ED)
    assert (problem.row, problem.column) == (3, None)
    assert str(problem).startswith(f"{path}, line 3: not UTF-8")
    assert "0xe9" in problem.message


def test_csv_problems_name_the_line_an_editor_shows_after_a_multiline_field(
    tmp_path: Path,
) -> None:
    # Line 1 header, lines 2-3 one record (a quoted field with a line break, and an escaped
    # quote), line 4 the bad record.
    path = write(
        tmp_path / "c.csv",
        'item_id,speaker,text\nc1,Seeker,"two ""quoted""\nlines"\nc1,Moderator,hello\n',
    )
    (problem,) = conversations_problems(path, ED)
    assert (problem.row, problem.column, problem.unit) == (4, "speaker", "line")
    assert str(problem).startswith(f"{path}, line 4, column 'speaker': ")
    parquet = tmp_path / "c.parquet"
    pd.read_csv(path).to_parquet(parquet)
    (problem,) = conversations_problems(parquet, ED)
    assert (problem.row, problem.unit) == (2, "row")  # Parquet: the 1-based row index


def test_jsonl_rows_are_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.jsonl",
        '{"item_id": "c1", "sub_component": "empathy", "annotator": "a", "rating": 3}\n'
        "\n"
        '{"item_id": "c1", "sub_component": "fluency", "annotator": "a", "rating": "x"}\n'
        "{not json}\n",
    )
    problems = ratings_problems(path, ED)
    assert where(problems) == [(4, None)]
    assert "not valid JSON" in problems[0].message
    fixed = write(tmp_path / "r2.jsonl", path.read_text().replace("{not json}\n", ""))
    assert where(ratings_problems(fixed, ED)) == [(3, "rating")]


def test_conversation_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv",
        "item_id,speaker,text,turn\n"
        "c1,Seeker,hi,1\n"
        "c1,Supporter,hello,1\n"  # repeated turn number
        "c2,Bot,hello,1\n"  # unknown speaker
        "c3,Seeker,,1\n"  # empty text
        "c4,Seeker,hi,first\n",  # turn not an integer
    )
    assert where(conversations_problems(path, ED)) == [
        (3, "turn"),
        (4, "speaker"),
        (5, "text"),
        (6, "turn"),
    ]
    transcript = write(
        tmp_path / "t.jsonl",
        '{"item_id": "a", "transcript": "hello there\\nSeeker: hi"}\n'
        '{"item_id": "a", "transcript": "Seeker: hi"}\n',
    )
    problems = conversations_problems(transcript, ED)
    assert where(problems) == [(1, "transcript"), (2, "item_id")]


def test_a_bad_file_is_rejected_whole(tmp_path: Path) -> None:
    good = (USER / "ratings_long.csv").read_text()
    path = write(tmp_path / "r.csv", good + "conv-3,empathy,alice,0\n")
    with pytest.raises(DataValidationError) as excinfo:
        load_user_ratings(path, ED)
    assert where(excinfo.value.problems) == [(8, "rating")]


def test_both_files_are_reported_together(tmp_path: Path) -> None:
    conversations = write(tmp_path / "c.csv", "item_id,speaker,text\nconv-1,Bot,hi\n")
    with pytest.raises(DataValidationError) as excinfo:
        load_user_data(USER / "ratings_broken.csv", ED, conversations)
    files = {Path(p.file).name for p in excinfo.value.problems}
    assert files == {"c.csv", "ratings_broken.csv"}


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    assert (
        "unsupported file type" in ratings_problems(write(tmp_path / "r.xlsx", "x"), ED)[0].message
    )
    assert ratings_problems(tmp_path / "nope.csv", ED)[0].message == "no such file"
