"""`empathy-judge data fetch | info | validate`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from empathy_judge.reports.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"


def release_with_llm_files(release: Path, dest: Path) -> Path:
    """Symlinks to the real release plus the synthetic gpt/claude stand-ins."""
    for path in release.rglob("*"):
        if path.is_file():
            target = dest / path.relative_to(release)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
    for path in (FIXTURES / "llm").rglob("*.csv"):
        shutil.copyfile(path, dest / "annotations" / path.relative_to(FIXTURES / "llm"))
    return dest


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.release
def test_info_reports_the_papers_counts(release_dir: Path) -> None:
    code, out = run("data", "info", env={"EMPATHY_JUDGE_DATA": str(release_dir), "COLUMNS": "120"})
    assert code == 0
    assert "(from the environment)" in out
    assert "200 items, 21 sub-components, 3,150 expert ratings" in out
    assert "116 individual crowd raters" in out
    assert "gpt-4o" not in out


@pytest.mark.release
def test_info_lists_gpt_and_claude_when_present(release_dir: Path, tmp_path: Path) -> None:
    copy = release_with_llm_files(release_dir, tmp_path / "release")
    code, out = run("data", "info", "--data-dir", str(copy), env={"COLUMNS": "120"})
    assert code == 0
    assert "(from the argument)" in out
    lines = [line for line in out.splitlines() if "gpt-4o" in line or "claude-3.7-sonnet" in line]
    # Per framework rows plus one overall row each, the overall one with 1,050 ratings.
    overall = [line for line in lines if "1,050" in line]
    assert len(overall) == 2


def test_validate_good_file_exits_0() -> None:
    code, out = run(
        "data",
        "validate",
        str(FIXTURES / "user" / "ratings_long.csv"),
        "--framework",
        "empatheticdialogues",
        "--conversations",
        str(FIXTURES / "user" / "conversations_turns.csv"),
    )
    assert code == 0, out
    assert "valid ratings" in out


def test_validate_conversations_file() -> None:
    path = FIXTURES / "user" / "conversations_transcript.jsonl"
    code, out = run("data", "validate", str(path), "--framework", "empathetic_dialogues")
    assert code == 0, out
    assert "valid conversations" in out


def test_validate_broken_file_exits_1_naming_file_row_and_column() -> None:
    path = FIXTURES / "user" / "ratings_broken.csv"
    code, out = run("data", "validate", str(path), "--framework", "empatheticdialogues")
    assert code == 1
    assert "4 problem(s)" in out
    assert f"{path}, line 5, column 'rating': rating 'high' is not a number" in out
    assert f"{path}, line 6, column 'rating'" in out


def test_validate_unknown_framework_is_a_usage_error() -> None:
    path = FIXTURES / "user" / "ratings_long.csv"
    code, out = run("data", "validate", str(path), "--framework", "nope")
    assert code == 2
    assert "unknown framework" in out


def test_info_without_any_copy_explains(tmp_path: Path) -> None:
    code, out = run("data", "info", "--data-dir", str(tmp_path))
    assert code == 1
    assert "no annotations/ folder" in out


def test_fetch_uses_the_cache_when_complete(tmp_path: Path, release_dir: Path) -> None:
    # A cache holding the shared copy (symlinks) verifies, so fetch downloads nothing.
    cache = tmp_path / "cache"
    target = cache / "empathy-judge" / "release" / "713458108e28897fccf136a6337296b5199cb617"
    release_with_llm_files(release_dir, target)
    for path in (FIXTURES / "llm").rglob("*.csv"):
        (target / "annotations" / path.relative_to(FIXTURES / "llm")).unlink()
    code, out = run(
        "data",
        "fetch",
        env={"XDG_CACHE_HOME": str(cache), "EMPATHY_JUDGE_RELEASE_URL": "http://127.0.0.1:9"},
    )
    assert code == 0, out
    assert "already in the cache" in out


def test_fetch_offline_fails_cleanly(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cache = tmp_path / "cache"
    code, out = run(
        "data",
        "fetch",
        env={"XDG_CACHE_HOME": str(cache), "EMPATHY_JUDGE_RELEASE_URL": f"http://127.0.0.1:{port}"},
    )
    assert code == 1
    assert "EMPATHY_JUDGE_DATA" in out
    assert "--data-dir" in out
    release = cache / "empathy-judge" / "release"
    assert list(release.iterdir()) == []


@pytest.mark.release
@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_info_on_a_damaged_copy_is_one_line_and_fails(
    release_dir: Path, tmp_path: Path, damage: str
) -> None:
    # Before: with an expert file deleted, `data info` exited 0 and showed two experts.
    copy = tmp_path / "release"
    for path in release_dir.rglob("*"):
        if path.is_file():  # real copies: writing through a symlink would change the original
            target = copy / path.relative_to(release_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    damaged = copy / "annotations" / "epitome" / "expert2_ratings.csv"
    if damage == "deleted":
        damaged.unlink()
    else:  # line 2 "97keuy,e48xfwa,1,1,0": one rating changed, the file still parses
        damaged.write_text(damaged.read_text().replace("e48xfwa,1,1,0", "e48xfwa,2,1,0"))
    result = CliRunner().invoke(
        main, ["data", "info"], env={"EMPATHY_JUDGE_DATA": str(copy)}, catch_exceptions=False
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert "annotations/epitome/expert2_ratings.csv" in lines[0]
    expected = "incomplete copy" if damage == "deleted" else "differs from the pinned release"
    assert expected in lines[0]
    assert "Traceback" not in result.output
