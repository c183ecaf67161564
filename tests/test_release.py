"""The authors' release parsed into the long ratings table and conversations.

Expected values are read by hand from the CSV files of the shared copy (file and line noted),
or taken from the paper (counts); the synthetic GPT/Claude stand-ins are described in
tests/fixtures/data/make_llm_fixtures.py.
"""

from __future__ import annotations

import csv
import itertools
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import empathy_judge.datasets.checksums as checksums_module
import empathy_judge.datasets.rubric as rubric_module
from empathy_judge.datasets.checksums import RELEASE_CHECKSUMS, sha256_file
from empathy_judge.datasets.conversation import parse_transcript
from empathy_judge.datasets.release import (
    DATA_ENV,
    ConversationsUnavailableError,
    ReleaseFormatError,
    ReleaseNotFoundError,
    ReleaseWarning,
    load_conversations,
    load_ratings,
    load_release,
    resolve_release,
)
from empathy_judge.datasets.release_layout import READER_COLUMNS
from empathy_judge.datasets.release_readers import READERS
from empathy_judge.datasets.rubric import all_frameworks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LLM_FIXTURES = FIXTURES / "data" / "llm"
FIFTH_RUBRIC = FIXTURES / "fifth_framework" / "active_listening.toml"
#: The study's four frameworks, whose counts the paper gives (other packaged ones may follow).
STUDY = ("empatheticdialogues", "epitome", "perceived_empathy", "lend_an_ear")


def symlinked_copy(release: Path, dest: Path) -> Path:
    """A release folder of symlinks to the real files."""
    for path in release.rglob("*"):
        if path.is_file():
            target = dest / path.relative_to(release)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
    return dest


def copy_with_llm_files(release: Path, dest: Path) -> Path:
    """A release folder of symlinks to the real files plus the synthetic gpt/claude files."""
    symlinked_copy(release, dest)
    for path in LLM_FIXTURES.rglob("*.csv"):
        target = dest / "annotations" / path.relative_to(LLM_FIXTURES)
        shutil.copyfile(path, target)
    return dest


def rating(table: pd.DataFrame, framework: str, item: str, annotator: str, sub: str) -> float:
    hit = table[
        (table["framework"] == framework)
        & (table["item_id"] == item)
        & (table["annotator"] == annotator)
        & (table["sub_component"] == sub)
    ]
    assert len(hit) == 1, hit
    return float(hit["rating"].iloc[0])


@pytest.fixture(scope="module")
def ratings(release_dir: Path) -> pd.DataFrame:
    return load_ratings(release_dir)


@pytest.mark.release
def test_columns_and_types(ratings: pd.DataFrame) -> None:
    assert list(ratings.columns) == [
        "framework",
        "item_id",
        "sub_component",
        "group",
        "annotator",
        "rating",
    ]
    assert ratings["rating"].dtype == np.float64
    assert set(ratings["group"]) == {"expert", "crowd", "llm"}


@pytest.mark.release
def test_counts_from_the_paper(ratings: pd.DataFrame) -> None:
    ratings = ratings[ratings["framework"].isin(STUDY)]
    experts = ratings[ratings["group"] == "expert"]
    assert ratings["item_id"].nunique() == 200
    assert ratings.groupby("framework")["item_id"].nunique().to_dict() == {
        "empatheticdialogues": 50,
        "epitome": 50,
        "perceived_empathy": 50,
        "lend_an_ear": 50,
    }
    assert ratings["sub_component"].nunique() == 21
    assert len(experts) == 3150
    assert experts["rating"].notna().all()
    # The shared copy has Gemini but not GPT-4o or Claude.
    per_annotator = ratings[~ratings["annotator"].str.startswith("crowd-rater:")]
    assert per_annotator.groupby("annotator").size().to_dict() == {
        "expert1": 1050,
        "expert2": 1050,
        "expert3": 1050,
        "crowd": 1050,
        "gemini-2.5-pro": 1050,
    }


@pytest.mark.release
def test_spot_values_read_by_hand(ratings: pd.DataFrame) -> None:
    # epitome/expert1_ratings.csv line 2: 97keuy,e48xfwa,0,0,0
    for sub in ("level_emotional_reactions", "level_interpretations", "level_explorations"):
        assert rating(ratings, "epitome", "97keuy", "expert1", sub) == 0
    # epitome/crowd_ratings.csv orders the columns ER, explorations, interpretations: 2,0,0
    assert rating(ratings, "epitome", "97keuy", "crowd", "level_emotional_reactions") == 2
    # empatheticdialogues/crowd_ratings.csv is conv_id,empathy,fluency,relevance:
    # line 3: hit:478_conv:956,3.5,4.0,4.0
    assert rating(ratings, "empatheticdialogues", "hit:478_conv:956", "crowd", "empathy") == 3.5
    # empatheticdialogues/expert1_ratings.csv line 2: hit:401_conv:803,3,4,3.0 (fluency a float)
    ed = "hit:401_conv:803"
    assert rating(ratings, "empatheticdialogues", ed, "expert1", "relevance") == 4
    assert rating(ratings, "empatheticdialogues", ed, "expert1", "fluency") == 3
    # gemini_ratings.csv: multi-line full_conversation, then ",3,5,5" (empathy, relevance, fluency)
    assert rating(ratings, "empatheticdialogues", ed, "gemini-2.5-pro", "empathy") == 3
    # expert3_ratings.csv has no final newline; its last line: hit:12276_conv:24553,5,5,5
    assert rating(ratings, "empatheticdialogues", "hit:12276_conv:24553", "expert3", "fluency") == 5
    # lend_an_ear/crowd_ratings.csv line 2: a fractional crowd mean 2.6666666666666665
    lae = "20241031124050492385"
    assert rating(ratings, "lend_an_ear", lae, "crowd", "validating_emotions") == pytest.approx(
        8 / 3
    )
    # lend_an_ear/gemini_ratings.csv ("Unnamed: 0" index first), record ending ",1,1,1,5,2,5"
    assert rating(ratings, "lend_an_ear", lae, "gemini-2.5-pro", "advice_giving") == 5
    assert rating(ratings, "lend_an_ear", lae, "gemini-2.5-pro", "self_oriented") == 2
    # perceived_empathy/expert3_ratings.csv last line: 609122350e5b8e743ab41f79,5,4,4,3,3,2,4,3,5
    pe = "609122350e5b8e743ab41f79"
    assert rating(ratings, "perceived_empathy", pe, "expert3", "m_practical") == 3
    assert rating(ratings, "perceived_empathy", pe, "expert3", "m_motivation") == 5


@pytest.mark.release
def test_lend_an_ear_individual_crowd_raters(ratings: pd.DataFrame) -> None:
    raters = ratings[ratings["annotator"].str.startswith("crowd-rater:")]
    assert set(raters["group"]) == {"crowd"}
    assert set(raters["framework"]) == {"lend_an_ear"}
    assert raters["annotator"].nunique() == 116
    assert len(raters) == 196 * 6
    # sample_lend_an_ear_annotations.csv row 1: user f1a0015e..., validating 4, self_oriented 2.0
    first = "crowd-rater:f1a0015e51cf59791c0484c4f69d18a9"
    item = "20241031144237228364"
    assert rating(ratings, "lend_an_ear", item, first, "validating_emotions") == 4
    assert rating(ratings, "lend_an_ear", item, first, "self_oriented") == 2
    # A rater who left self_oriented blank: a NaN row, not a missing row and not a zero.
    blank = "crowd-rater:258890d7939c0f0ef5fbf7b694704175"
    item = "20241031150832963315"
    assert math.isnan(rating(ratings, "lend_an_ear", item, blank, "self_oriented"))
    assert rating(ratings, "lend_an_ear", item, blank, "encouraging_elaboration") == 2
    assert int(raters["rating"].isna().sum()) == 14


@pytest.mark.release
def test_crowd_means_are_the_individual_raters_means(ratings: pd.DataFrame) -> None:
    # An independent consistency check of two release files: crowd_ratings.csv holds, for each
    # item, the NaN-skipping mean of the individual raters.
    lae = ratings[ratings["framework"] == "lend_an_ear"]
    raters = lae[lae["annotator"].str.startswith("crowd-rater:")]
    means = raters.groupby(["item_id", "sub_component"])["rating"].mean()
    crowd = lae[lae["annotator"] == "crowd"].set_index(["item_id", "sub_component"])["rating"]
    np.testing.assert_allclose(means.reindex(crowd.index).to_numpy(), crowd.to_numpy())


@pytest.mark.release
def test_gpt_and_claude_files_load_when_present(release_dir: Path, tmp_path: Path) -> None:
    copy = copy_with_llm_files(release_dir, tmp_path / "release")
    table = load_ratings(copy)
    counts = table.groupby("annotator").size()
    assert counts["gpt-4o"] == 1050
    assert counts["claude-3.7-sonnet"] == 1050
    assert set(table.loc[table["annotator"] == "gpt-4o", "group"]) == {"llm"}
    assert len(table[table["group"] == "expert"]) == 3150
    # fixtures llm/epitome/gpt_ratings.csv row "0,97keuy,0.0,1.0,2.0" (no rp_id column)
    assert rating(table, "epitome", "97keuy", "gpt-4o", "level_interpretations") == 1
    assert rating(table, "epitome", "97keuy", "gpt-4o", "level_explorations") == 2
    # llm/lend_an_ear/claude_ratings.csv: scale_max - i % 5; the second row (i=1) is all 4.0
    assert (
        rating(
            table, "lend_an_ear", "20241031145050008738", "claude-3.7-sonnet", "dismissing_emotions"
        )
        == 4
    )


@pytest.mark.release
def test_duplicated_ids_and_short_files_are_reported_not_fatal(
    release_dir: Path, tmp_path: Path
) -> None:
    copy = copy_with_llm_files(release_dir, tmp_path / "release")
    target = copy / "annotations" / "epitome" / "gpt_ratings.csv"
    lines = target.read_text().splitlines()
    # Repeat item row 1 with a different rating, and drop the last item.
    header, first = lines[0], lines[1]
    conflicting = first.replace("0,97keuy,0.0", "50,97keuy,2.0")
    target.write_text("\n".join([header, first, conflicting, *lines[2:-1]]) + "\n")
    with pytest.warns(ReleaseWarning):
        release = load_release(copy)
    assert any(
        "1 duplicated row(s) for 1 key(s) (1 with differing ratings)" in note
        for note in release.notes
    )
    assert any("49 items, expected 50" in note for note in release.notes)
    gpt = release.ratings[
        (release.ratings["annotator"] == "gpt-4o") & (release.ratings["framework"] == "epitome")
    ]
    assert gpt["item_id"].nunique() == 49
    # The first row of a duplicated id is kept.
    assert rating(gpt, "epitome", "97keuy", "gpt-4o", "level_emotional_reactions") == 0


@pytest.mark.release
def test_non_numeric_rating_names_file_row_and_column(release_dir: Path, tmp_path: Path) -> None:
    copy = copy_with_llm_files(release_dir, tmp_path / "release")
    target = copy / "annotations" / "empatheticdialogues" / "claude_ratings.csv"
    lines = target.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",high"
    target.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReleaseFormatError, match=r"claude_ratings\.csv: row 3.*'fluency'.*high"):
        load_release(copy)


@pytest.mark.release
def test_missing_column_is_an_error(release_dir: Path, tmp_path: Path) -> None:
    copy = copy_with_llm_files(release_dir, tmp_path / "release")
    target = copy / "annotations" / "epitome" / "gpt_ratings.csv"
    frame = pd.read_csv(target, dtype=str).drop(columns=["level_explorations"])
    frame.to_csv(target, index=False)
    with pytest.raises(ReleaseFormatError, match="level_explorations"):
        load_release(copy)


@pytest.mark.release
def test_parsed_release_is_cached_until_a_file_changes(release_dir: Path, tmp_path: Path) -> None:
    copy = copy_with_llm_files(release_dir, tmp_path / "release")
    assert load_release(copy) is load_release(copy)
    before = load_release(copy)
    (copy / "annotations" / "perceived_empathy" / "claude_ratings.csv").unlink()
    after = load_release(copy)
    assert after is not before
    assert "claude-3.7-sonnet" not in set(
        after.ratings.loc[after.ratings["framework"] == "perceived_empathy", "annotator"]
    )


# -- conversations --------------------------------------------------------------------------


@pytest.mark.release
def test_conversation_counts_and_ids_match_the_ratings(
    release_dir: Path, ratings: pd.DataFrame
) -> None:
    conversations = [c for c in load_conversations(release_dir) if c.framework in STUDY]
    assert len(conversations) == 150
    for framework in ("empatheticdialogues", "epitome", "lend_an_ear"):
        ids = {c.item_id for c in conversations if c.framework == framework}
        expected = set(ratings.loc[ratings["framework"] == framework, "item_id"])
        assert ids == expected, framework


@pytest.mark.release
def test_empatheticdialogues_turns(release_dir: Path) -> None:
    conversation = next(
        c
        for c in load_conversations(release_dir, "empathetic_dialogues")
        if c.item_id == "hit:401_conv:803"
    )
    # original_data/sample_empatheticdialogues.csv: the prompt, then 4 utterances.
    assert [(t.speaker, t.text) for t in conversation.turns] == [
        (
            "Seeker",
            "The result of my final college exams was to be published the next day,I could"
            " hardly sleep due to expectations",
        ),
        ("Seeker", "The night WS the longest to me back then,eager to know my score!"),
        ("Supporter", "Did you think you did well?"),
        ("Seeker", "Sure,I put in my best ! I was positive!"),
        ("Supporter", "That's awesome! It can be nerve racking"),
    ]
    # 6 + 7 supporter words; the release's response_length column says 13 too.
    assert conversation.metadata["supporter_word_count"] == 13
    assert conversation.metadata["response_length"] == 13


@pytest.mark.release
def test_empatheticdialogues_speakers_agree_with_gemini_transcripts(release_dir: Path) -> None:
    # gemini_ratings.csv holds each dialogue as a "Seeker:/Supporter:" transcript written by the
    # authors: our speaker assignment (prompt, then alternating from the Seeker) must match it.
    gemini = pd.read_csv(
        release_dir / "annotations" / "empatheticdialogues" / "gemini_ratings.csv",
        dtype=str,
        keep_default_na=False,
    ).set_index("conv_id")["full_conversation"]
    conversations = load_conversations(release_dir, "empatheticdialogues")
    assert len(conversations) == 50
    for conversation in conversations:
        theirs = parse_transcript(gemini[conversation.item_id].replace("_comma_", ","))
        assert [(t.speaker, t.text) for t in conversation.turns] == [
            (t.speaker, t.text) for t in theirs
        ], conversation.item_id


@pytest.mark.release
def test_epitome_and_lend_an_ear_conversations(release_dir: Path) -> None:
    epitome = {c.item_id: c for c in load_conversations(release_dir, "epitome")}
    post = epitome["97keuy"]
    assert [t.speaker for t in post.turns] == ["Seeker", "Supporter"]
    assert post.turns[0].text.startswith("For 10 years I have been questioning why my sister")
    assert post.metadata["rp_id"] == "e48xfwa"
    # sample_epitome.csv response_length for 97keuy is 5.
    assert post.metadata["supporter_word_count"] == 5

    lae = {c.item_id: c for c in load_conversations(release_dir, "lend_an_ear")}
    assert len(lae) == 50
    talk = lae["20241031150832963315"]
    assert talk.metadata["scenario"] == (
        "I'm feeling so discouraged.. I just got passed over for the promotion I was working"
        " hard for"
    )
    # A supporter message typed over two lines stays one turn.
    assert talk.turns[3].text == (
        "yes but understanding why would help you justify your hard work \n"
        "when you believe in something do not just let it go just like that"
    )
    for conversation in lae.values():
        assert all(t.text for t in conversation.turns)
        speakers = [t.speaker for t in conversation.turns]
        assert all(a != b for a, b in itertools.pairwise(speakers))
        assert 9 <= len(conversation.turns) <= 21


@pytest.mark.release
def test_supporter_word_count_matches_response_length_everywhere(release_dir: Path) -> None:
    # Measured: the release's response_length equals whitespace-split supporter words for all
    # 150 conversations with text.
    for conversation in load_conversations(release_dir):
        if conversation.framework not in STUDY:
            continue
        meta = conversation.metadata
        assert meta["supporter_word_count"] == meta["response_length"], conversation.item_id


@pytest.mark.release
def test_perceived_empathy_has_no_text(release_dir: Path) -> None:
    with pytest.raises(ConversationsUnavailableError, match="on request"):
        load_conversations(release_dir, "perceived_empathy")


# -- a fifth packaged framework -------------------------------------------------------------

FIFTH = "active_listening"


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _write_fifth_release(root: Path) -> list[str]:
    """The synthetic release files of tests/fixtures/fifth_framework/active_listening.toml."""
    ids = [[f"p{i:02d}", f"t{i:02d}"] for i in range(50)]
    header = ["pair_id", "thread_id", "reflection", "interrupting"]
    folder = root / "annotations" / "listening"
    written = []
    for k in (1, 2, 3):
        rows = [[*ids[i], 1 + (i + k) % 4, 1 + (i * k) % 4] for i in range(50)]
        written.append(_write_csv(folder / f"expert{k}_ratings.csv", header, rows))
    rows = [[*ids[i], 1 + (3 * i) % 4, 1 + (i + 1) % 4] for i in range(50)]
    written.append(_write_csv(folder / "gemini_ratings.csv", header, rows))
    raters = [["r1", ids[i][0], 1 + i % 4, 4] for i in range(50)]
    raters += [["r2", ids[i][0], 2, "" if i == 3 else 1] for i in range(50)]
    raters_file = root / "original_data" / "listening_raters.csv"
    written.append(_write_csv(raters_file, ["rater", "pair_id", *header[2:]], raters))
    pairs = [
        [*ids[i], f"Post {i}: I lost my keys, again.", f"Reply {i}: that sounds annoying.", 5]
        for i in range(50)
    ]
    pairs_file = root / "original_data" / "listening_pairs.csv"
    columns = ["pair_id", "thread_id", "post", "reply", "response_length"]
    written.append(_write_csv(pairs_file, columns, pairs))
    return [path.relative_to(root).as_posix() for path in written]


def _forget_rubrics() -> None:
    for cached in (
        rubric_module.packaged_ids,
        rubric_module.load_framework,
        rubric_module._load_packaged,
    ):
        cached.cache_clear()


@pytest.mark.release
def test_a_fifth_framework_needs_only_its_rubric_and_checksums(
    release_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    study = load_ratings(release_dir)
    copy = symlinked_copy(release_dir, tmp_path / "release")
    written = _write_fifth_release(copy)
    # What a fifth framework adds, and nothing else: its rubric in datasets/rubrics/ ...
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    for framework in all_frameworks():
        shutil.copyfile(framework.source, rubrics / Path(framework.source).name)
    shutil.copyfile(FIFTH_RUBRIC, rubrics / FIFTH_RUBRIC.name)
    monkeypatch.setattr(rubric_module, "_rubrics_folder", lambda: rubrics)
    request.addfinalizer(_forget_rubrics)
    _forget_rubrics()
    # ... and its files' SHA-256 and sizes in the two tables of checksums.py.
    for rel in written:
        monkeypatch.setitem(checksums_module._SHA256, rel, sha256_file(copy / rel))
        monkeypatch.setitem(checksums_module._SIZES, rel, (copy / rel).stat().st_size)
    assert len(written) == 6

    release = load_release(copy)
    assert release.notes == ()
    assert set(written) <= set(release.files)
    others = release.ratings[release.ratings["framework"] != FIFTH].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, study)
    fifth = release.ratings[release.ratings["framework"] == FIFTH]
    assert fifth.groupby(["group", "annotator"]).size().to_dict() == {
        ("crowd", "crowd-rater:r1"): 100,
        ("crowd", "crowd-rater:r2"): 100,
        ("expert", "expert1"): 100,
        ("expert", "expert2"): 100,
        ("expert", "expert3"): 100,
        ("llm", "gemini-2.5-pro"): 100,
    }
    # expert2 on item 7: reflection 1 + (7 + 2) % 4, interrupting 1 + (7 * 2) % 4.
    assert rating(fifth, FIFTH, "p07", "expert2", "reflection") == 2
    assert rating(fifth, FIFTH, "p07", "expert2", "interrupting") == 3
    assert math.isnan(rating(fifth, FIFTH, "p03", "crowd-rater:r2", "interrupting"))
    assert int(fifth["rating"].isna().sum()) == 1

    # Its conversations are parsed by the reader its rubric names, with its column names.
    conversations = load_conversations(copy, FIFTH)
    assert [c.item_id for c in conversations] == [f"p{i:02d}" for i in range(50)]
    assert [(t.speaker, t.text) for t in conversations[7].turns] == [
        ("Seeker", "Post 7: I lost my keys, again."),
        ("Supporter", "Reply 7: that sounds annoying."),
    ]
    assert conversations[7].metadata == {
        "supporter_word_count": 5,
        "response_length": 5,
        "thread_id": "t07",
    }

    # Its files are verified like the study's: an edited rating that still parses is refused.
    target = copy / "annotations" / "listening" / "expert1_ratings.csv"
    target.write_text(target.read_text().replace("p07,t07,1,4", "p07,t07,2,4"))
    with pytest.raises(ReleaseFormatError, match=r"expert1_ratings\.csv: differs from the pinned"):
        load_release(copy)


def test_the_files_packaged_rubrics_name_are_pinned() -> None:
    # A file without its checksum would load when present and never be required or verified.
    for framework in all_frameworks():
        layout = framework.release
        assert layout is not None, framework.id
        named = [f for f in (layout.conversations, layout.crowd_raters) if f is not None]
        named += [f"{layout.annotations}/expert{k}_ratings.csv" for k in (1, 2, 3)]
        assert set(named) <= set(RELEASE_CHECKSUMS), framework.id


def test_every_reader_a_rubric_can_name_exists() -> None:
    assert set(READERS) == set(READER_COLUMNS)
    layouts = {f.id: f.release for f in all_frameworks() if f.id in STUDY}
    assert {i: None if r is None else r.reader for i, r in layouts.items()} == {
        "empatheticdialogues": "utterance_rows",
        "epitome": "seeker_response",
        "perceived_empathy": None,
        "lend_an_ear": "transcript",
    }


# -- resolution -----------------------------------------------------------------------------


def test_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    explicit = tmp_path / "explicit"
    env = tmp_path / "env"
    for folder in (explicit, env):
        # Resolution checks presence only; contents are checked when the folder is loaded.
        for rel in RELEASE_CHECKSUMS:
            if not rel.endswith(("gpt_ratings.csv", "claude_ratings.csv")):
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text("")
    monkeypatch.setenv(DATA_ENV, str(env))
    assert resolve_release(explicit) == resolve_release(explicit, download=False)
    assert resolve_release(explicit).origin == "argument"
    assert resolve_release().path == env
    assert resolve_release().origin == "environment"

    monkeypatch.delenv(DATA_ENV)
    with pytest.raises(ReleaseNotFoundError, match="EMPATHY_JUDGE_DATA"):
        resolve_release(download=False)
    cache = tmp_path / "cache" / "empathy-judge" / "release"
    commit_dir = cache / "713458108e28897fccf136a6337296b5199cb617"
    for rel in RELEASE_CHECKSUMS:
        if not rel.endswith(("gpt_ratings.csv", "claude_ratings.csv")):
            (commit_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (commit_dir / rel).write_text("")
    found = resolve_release(download=False)
    assert (found.path, found.origin) == (commit_dir, "cache")


def test_a_folder_that_is_not_the_release_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReleaseNotFoundError, match="no annotations/ folder"):
        resolve_release(tmp_path)
    with pytest.raises(ReleaseNotFoundError, match="is not a folder"):
        resolve_release(tmp_path / "missing")
