"""Damaged copies of the release: every resolved folder fails with one line naming the file.

Each test builds a real copy (not symlinks: writing through a link would change the shared
copy) of the release inside ``tmp_path`` and damages one file. Expected line and row numbers
are read by hand from the shared copy's files, quoted in the comments.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from empathy_judge.datasets.errors import EmpathyJudgeError
from empathy_judge.datasets.release import (
    DATA_ENV,
    ReleaseFormatError,
    ReleaseNotFoundError,
    load_ratings,
    load_release,
    resolve_release,
)

LLM_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data" / "llm"
COMMIT = "713458108e28897fccf136a6337296b5199cb617"
EPITOME_EXPERT2 = "annotations/epitome/expert2_ratings.csv"
EPITOME_GPT = "annotations/epitome/gpt_ratings.csv"

pytestmark = pytest.mark.release


def real_copy(release: Path, dest: Path, *, llm: bool = False) -> Path:
    """A writable byte-for-byte copy of the release (plus the GPT/Claude stand-ins if ``llm``)."""
    for path in release.rglob("*"):
        if path.is_file():
            target = dest / path.relative_to(release)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    if llm:
        for path in LLM_FIXTURES.rglob("*.csv"):
            shutil.copyfile(path, dest / "annotations" / path.relative_to(LLM_FIXTURES))
    return dest


def one_line_error(copy: Path) -> str:
    with pytest.raises(EmpathyJudgeError) as excinfo:
        load_ratings(copy)
    message = str(excinfo.value)
    assert "\n" not in message
    return message


@pytest.fixture
def copy(release_dir: Path, tmp_path: Path) -> Path:
    return real_copy(release_dir, tmp_path / "release")


# -- presence -------------------------------------------------------------------------------


def test_deleted_expert_file_is_an_error_from_the_environment(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: the consensus silently used two experts.
    (copy / EPITOME_EXPERT2).unlink()
    monkeypatch.setenv(DATA_ENV, str(copy))
    with pytest.raises(ReleaseNotFoundError) as excinfo:
        load_ratings()
    assert str(excinfo.value).startswith(
        f"EMPATHY_JUDGE_DATA={copy} is an incomplete copy of the release: 1 required file(s)"
        f" missing: {EPITOME_EXPERT2}; restore them from the release (DOI 10.5281/zenodo.17230987),"
        " or use a verified download: `empathy-judge data fetch` fills the cache"
    )


def test_missing_files_from_an_argument_are_listed(copy: Path) -> None:
    (copy / EPITOME_EXPERT2).unlink()
    (copy / "annotations/lend_an_ear/expert1_ratings.csv").unlink()
    shutil.rmtree(copy / "original_data")
    with pytest.raises(ReleaseNotFoundError) as excinfo:
        resolve_release(copy)
    # 2 annotation files + all 6 original_data files; the first three named, sorted.
    assert (
        f"data_dir={copy} is an incomplete copy of the release: 8 required file(s) missing:"
        f" {EPITOME_EXPERT2}, annotations/lend_an_ear/expert1_ratings.csv,"
        " original_data/perceived_empathy_self_ratings.csv and 5 more;"
    ) in str(excinfo.value)


def test_a_folder_in_place_of_a_file_counts_as_missing(copy: Path) -> None:
    (copy / EPITOME_EXPERT2).unlink()
    (copy / EPITOME_EXPERT2).mkdir()
    with pytest.raises(ReleaseNotFoundError, match="1 required file"):
        resolve_release(copy)


def test_optional_and_unknown_extra_files_keep_working(release_dir: Path, tmp_path: Path) -> None:
    copy = real_copy(release_dir, tmp_path / "release", llm=True)
    (copy / "annotations" / "table_kappa.csv").write_bytes(b"\x00garbage\xff")
    (copy / "notes.txt").write_text("mine")
    (copy / "annotations/perceived_empathy/claude_ratings.csv").unlink()
    table = load_ratings(copy)
    assert table.groupby("annotator").size()["gpt-4o"] == 1050
    # Claude lacks perceived_empathy here: 1050 - 9 sub-components x 50 items.
    assert table.groupby("annotator").size()["claude-3.7-sonnet"] == 600


# -- shape ----------------------------------------------------------------------------------


def test_file_cut_mid_row_names_row_and_line(copy: Path) -> None:
    target = copy / EPITOME_EXPERT2
    lines = target.read_text().splitlines()
    # Line 11 is "79ws1b,dp5j55v,1,1,0"; cut it after its third field.
    target.write_text("\n".join([*lines[:10], "79ws1b,dp5j55v,1"]))
    assert one_line_error(copy) == (
        f"{target}: row 10 (line 11): 3 field(s) where the header has 5; the file is damaged or"
        " truncated"
    )


def test_binary_garbage_is_not_utf8(copy: Path) -> None:
    target = copy / "annotations/empatheticdialogues/expert1_ratings.csv"
    target.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert one_line_error(copy) == (
        f"{target}: line 1: not UTF-8 text (byte 0x89 at offset 0); the file is damaged or not"
        " a CSV file"
    )


def test_nul_character_names_its_line(copy: Path) -> None:
    target = copy / "annotations/empatheticdialogues/expert1_ratings.csv"
    # Line 3 is "hit:478_conv:956,4,3,3.0".
    target.write_bytes(target.read_bytes().replace(b"hit:478_conv:956,4", b"hit:478_conv:956,\x00"))
    assert one_line_error(copy) == (
        f"{target}: line 3: a NUL character (binary data); the file is damaged"
    )


def test_empty_file(copy: Path) -> None:
    target = copy / EPITOME_EXPERT2
    target.write_bytes(b"")
    assert one_line_error(copy) == f"{target}: the file is empty (no header line)"


def test_huge_file_is_refused_before_reading(copy: Path) -> None:
    target = copy / EPITOME_EXPERT2
    with target.open("r+b") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: nothing is written
    assert one_line_error(copy) == (
        f"{target}: 9,437,184 bytes, more than the 8,388,608 any release file may have; it is"
        " not a file of the release"
    )


def test_text_garbage_has_the_wrong_columns(copy: Path) -> None:
    target = copy / "annotations/empatheticdialogues/expert1_ratings.csv"
    target.write_text("hello world\nthis is not the file\n")
    assert one_line_error(copy) == (
        f"{target}: line 1: missing column(s) ['conv_id', 'empathy', 'relevance', 'fluency'];"
        " the header has ['hello world']"
    )


def test_renamed_column_is_named(copy: Path) -> None:
    target = copy / EPITOME_EXPERT2
    target.write_text(target.read_text().replace("level_explorations", "level_exploration", 1))
    assert "line 1: missing column(s) ['level_explorations']" in one_line_error(copy)


def test_unterminated_quote_is_not_valid_csv(copy: Path) -> None:
    target = copy / "original_data/sample_lend_an_ear_conversations.csv"
    data = target.read_bytes()
    # Cut inside the first quoted transcript (line 2 opens it: 20241031124050492385,"Seeker: ...).
    target.write_bytes(data[: data.index(b"Seeker:") + 40])
    message = one_line_error(copy)
    assert message.startswith(f"{target}: line ")
    assert "not valid CSV (unexpected end of data)" in message


def test_duplicated_column_in_an_optional_file(release_dir: Path, tmp_path: Path) -> None:
    copy = real_copy(release_dir, tmp_path / "release", llm=True)
    target = copy / EPITOME_GPT
    lines = target.read_text().splitlines()
    # Before: pandas renamed the second one "level_interpretations.1" and it was dropped.
    target.write_text(
        "\n".join(
            f"{line},{'level_interpretations' if i == 0 else '2.0'}" for i, line in enumerate(lines)
        )
        + "\n"
    )
    assert one_line_error(copy) == (
        f"{target}: line 1: column 'level_interpretations' appears twice in the header (fields 4"
        " and 6)"
    )


def test_long_row_in_an_optional_file(release_dir: Path, tmp_path: Path) -> None:
    copy = real_copy(release_dir, tmp_path / "release", llm=True)
    target = copy / EPITOME_GPT
    lines = target.read_text().splitlines()
    lines[3] += ",9"
    target.write_text("\n".join(lines) + "\n")
    assert one_line_error(copy).startswith(
        f"{target}: row 3 (line 4): 6 field(s) where the header has 5;"
    )


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("7.0", "'7.0' is outside the scale 0..2"),
        ("-1", "'-1' is outside the scale 0..2"),
        ("inf", "'inf' is not a finite number"),
        ("1e400", "'1e400' is not a finite number"),
        ("nan", "'nan' is not a number"),
        ("2 or 3", "'2 or 3' is not a number"),
    ],
)
def test_bad_rating_in_an_optional_file(
    release_dir: Path, tmp_path: Path, value: str, what: str
) -> None:
    copy = real_copy(release_dir, tmp_path / "release", llm=True)
    target = copy / EPITOME_GPT
    # Row 1 of the stand-in is "0,97keuy,0.0,1.0,2.0"; the last field is level_explorations.
    text = target.read_text()
    assert "0,97keuy,0.0,1.0,2.0\n" in text
    target.write_text(text.replace("0,97keuy,0.0,1.0,2.0\n", f"0,97keuy,0.0,1.0,{value}\n"))
    assert one_line_error(copy) == (
        f"{target}: row 1 (data rows numbered from 1 after the header), column"
        f" 'level_explorations': {what}"
    )


def test_utterance_index_must_be_finite(copy: Path) -> None:
    target = copy / "original_data/sample_empatheticdialogues.csv"
    lines = target.read_bytes().split(b"\n")
    header = lines[0].decode().split(",")
    column = header.index("utterance_idx")
    fields = lines[1].split(b",")
    fields[column] = b"inf"
    lines[1] = b",".join(fields)
    target.write_bytes(b"\n".join(lines))
    assert one_line_error(copy) == (f"{target}: row 1, column 'utterance_idx': not a finite number")


# -- bytes ----------------------------------------------------------------------------------


def test_file_cut_at_a_line_boundary_differs_from_the_release(copy: Path) -> None:
    target = copy / EPITOME_EXPERT2
    kept = b"".join(target.read_bytes().splitlines(keepends=True)[:26])  # header + 25 rows
    target.write_bytes(kept)
    message = one_line_error(copy)
    assert message.startswith(
        f"{target}: differs from the pinned release ({len(kept):,} bytes, the release's has"
        " 1,129; SHA-256 mismatch): the copy is damaged or edited; restore the file from the"
        " release"
    )


def test_edited_rating_that_still_parses_differs_from_the_release(copy: Path) -> None:
    # Before: loaded silently. Line 2 is "97keuy,e48xfwa,1,1,0": expert2's ER rating 1 -> 2.
    target = copy / EPITOME_EXPERT2
    target.write_text(target.read_text().replace("97keuy,e48xfwa,1,1,0", "97keuy,e48xfwa,2,1,0"))
    other = copy / "annotations/lend_an_ear/expert3_ratings.csv"
    other.write_bytes(other.read_bytes() + b"\n")
    assert (
        f"{target}: differs from the pinned release (1,129 bytes like the release's, but"
        " different bytes; SHA-256 mismatch) (1 more file(s) differ too):"
    ) in one_line_error(copy)


def test_overflowing_response_length_is_not_a_crash(copy: Path) -> None:
    # Before: OverflowError from int(float("inf")) while reading the metadata.
    target = copy / "original_data/sample_epitome.csv"
    lines = target.read_text().split("\n")
    header = lines[0].split(",")
    assert header[-1] == "response_length"
    lines[1] = lines[1].rsplit(",", 1)[0] + ",inf"
    target.write_text("\n".join(lines))
    with pytest.raises(ReleaseFormatError, match=r"sample_epitome\.csv: differs from the pinned"):
        load_release(copy)


def test_damaged_cache_is_checked_too(
    release_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    copy = real_copy(release_dir, cache / "empathy-judge" / "release" / COMMIT)
    target = copy / EPITOME_EXPERT2
    target.write_text(target.read_text().replace("97keuy,e48xfwa,1,1,0", "97keuy,e48xfwa,2,1,0"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv(DATA_ENV, raising=False)
    assert resolve_release(download=False).origin == "cache"
    with pytest.raises(ReleaseFormatError, match="differs from the pinned release"):
        load_ratings()


def test_intact_copy_loads_and_a_repair_is_picked_up(copy: Path, release_dir: Path) -> None:
    target = copy / EPITOME_EXPERT2
    target.write_text("sp_id,rp_id\n")
    with pytest.raises(ReleaseFormatError):
        load_ratings(copy)
    shutil.copyfile(release_dir / EPITOME_EXPERT2, target)
    assert len(load_ratings(copy).query("annotator == 'expert2'")) == 1050
