"""Write the comparative report (HTML, Markdown, CSV, JSON, charts) for a set of runs.

The report is computed from the logs alone (`reports.leaderboard.build_leaderboard`): it never
reads the data folder, so a run on a user's own pack reports against that pack's experts.

Writing is all or nothing:

- **Rendered first, in memory.** Every file is rendered before anything is written. A run that
  makes the rendering fail (a malformed log no check foresaw) is found by rendering each run on
  its own, skipped with the error as its reason, and the others are reported.
- **Written beside, then moved into place.** The files go into a temporary folder beside the
  target (``.<name>.tmp-<pid>-...``), which then replaces the target by renames: a report
  killed or failing mid-write (a full disk, a read-only folder) leaves the previous report
  whole, never a mix of old and new files. A folder that holds other files than a report's is
  refused rather than replaced.
- **One writer per folder.** A lock file beside the target (``.<name>.report-lock``, holding
  the writer's pid) makes a second report into the same folder fail at once with a one-line
  error; a lock left by a process that is no longer running is stale and taken over.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets.errors import EmpathyJudgeError
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from .html import render_html
from .leaderboard import build_leaderboard
from .logs import RunSet, SkippedLog
from .render_csv import leaderboard_frame
from .render_json import dumps_json, leaderboard_json
from .render_markdown import leaderboard_markdown
from .results import Leaderboard

if TYPE_CHECKING:
    from .juries import JuryReport

MARKDOWN_NAME = "leaderboard.md"
CSV_NAME = "leaderboard.csv"
JSON_NAME = "results.json"
HTML_NAME = "index.html"
#: Resamples used when each run is rendered on its own to find the one that breaks a report.
_ISOLATION_RESAMPLES = 20


class ReportWriteError(EmpathyJudgeError, OSError):
    """The report cannot be written where asked; the message is one line naming the folder."""


@dataclass(frozen=True)
class ReportFiles:
    """What `write_report` wrote."""

    index_html: Path
    markdown: Path
    csv: Path
    json: Path
    charts: tuple[Path, ...]
    leaderboard: Leaderboard
    jury_files: tuple[Path, ...] = ()


def _render(
    runs: RunSet,
    folder: Path,
    settings: BootstrapSettings,
    juries: JuryReport | None = None,
) -> tuple[Leaderboard, dict[str, bytes]]:
    """Every report file's name and content, rendered in memory."""
    # matplotlib is imported only when a report is written.
    from .charts import all_charts

    if juries is not None:
        runs = RunSet(runs=(*runs.runs, *juries.runs), skipped=runs.skipped)
    board = build_leaderboard(runs, settings=settings, report_dir=folder)
    charts = all_charts(board)
    files = {f"{chart.name}.png": chart.png for chart in charts}
    files[MARKDOWN_NAME] = leaderboard_markdown(board).encode("utf-8")
    files[CSV_NAME] = leaderboard_frame(board).to_csv(index=False).encode("utf-8")
    json_data = leaderboard_json(board)
    extra_html: list[str] = []
    if juries is not None:
        from .jury_files import (
            correlation_charts,
            juries_html,
            juries_json,
            write_jury_files,
        )

        jury_charts = correlation_charts(juries)
        # The jury files are written by their own module; they join the report in memory so
        # that the whole folder is still published at once.
        with tempfile.TemporaryDirectory() as scratch:
            for path in write_jury_files(juries, Path(scratch), jury_charts):
                files[path.name] = path.read_bytes()
        extra_html.append(juries_html(juries, jury_charts))
        json_data = {**json_data, "juries": juries_json(juries)}
    files[JSON_NAME] = dumps_json(json_data).encode("utf-8")
    files[HTML_NAME] = render_html(board, charts, extra_html).encode("utf-8")
    return board, files


def _render_skipping_bad_runs(
    runs: RunSet, folder: Path, settings: BootstrapSettings, juries: JuryReport | None = None
) -> tuple[Leaderboard, dict[str, bytes]]:
    try:
        return _render(runs, folder, settings, juries)
    except Exception as error:  # a malformed log that no check foresaw: find it, skip it
        failure = error
    bad: list[SkippedLog] = []
    # Each run alone, on few resamples: only whether it renders matters, not its figures.
    isolation = replace(settings, n_resamples=_ISOLATION_RESAMPLES)
    for run in runs.runs:
        try:
            _render(RunSet((run,)), folder, isolation)
        except Exception as error:
            reason = f"{run.location}: cannot be reported: {type(error).__name__}: {error}"
            bad.append(SkippedLog(run.location, reason.splitlines()[0]))
    if not bad or len(bad) == len(runs.runs):
        raise failure
    names = {skipped.location for skipped in bad}
    kept = replace(
        runs,
        runs=tuple(r for r in runs.runs if r.location not in names),
        skipped=(*runs.skipped, *bad),
    )
    return _render(kept, folder, settings, juries)


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return True


def lock_path(folder: Path) -> Path:
    """The lock file of a report folder (beside it, so that it survives the folder's swap)."""
    return folder.parent / f".{folder.name}.report-lock"


@contextmanager
def report_lock(folder: Path) -> Iterator[None]:
    """Hold the report folder for this process.

    Raises:
        ReportWriteError: Another running report holds it, or the lock cannot be created.
    """
    lock = lock_path(folder)
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = int(lock.read_text(encoding="utf-8").strip() or "0")
            except (OSError, ValueError):
                holder = 0
            if holder > 0 and holder != os.getpid() and _pid_running(holder):
                raise ReportWriteError(
                    f"{folder}: another report (pid {holder}) is writing into this folder; "
                    f"wait for it, or delete {lock} if that process is not a report"
                ) from None
            lock.unlink(missing_ok=True)  # stale: its writer is gone
            continue
        except OSError as error:
            raise _write_error(folder, error) from error
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")
        break
    else:
        raise ReportWriteError(f"{folder}: cannot take the lock {lock}")
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _write_error(folder: Path, error: OSError) -> ReportWriteError:
    if error.errno == errno.ENOSPC:
        why = "the disk is full"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "the folder is not writable"
    else:
        why = error.strerror or str(error)
    return ReportWriteError(
        f"cannot write the report into {folder}: {why} ({type(error).__name__}); "
        "the previous report there, if any, is unchanged"
    )


def _is_report_folder(folder: Path) -> bool:
    names = {entry.name for entry in folder.iterdir()}
    return not names or {JSON_NAME, HTML_NAME} <= names


def _clean_leftovers(folder: Path) -> None:
    # Temporary folders of a report that was killed: safe to remove while we hold the lock.
    for pattern in (f".{folder.name}.tmp-*", f".{folder.name}.old-*"):
        for leftover in folder.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _publish(folder: Path, files: dict[str, bytes]) -> None:
    """Write the files into a folder beside `folder`, then move it into place."""
    if folder.exists() and not folder.is_dir():
        raise ReportWriteError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and not _is_report_folder(folder):
        raise ReportWriteError(
            f"{folder}: holds files that are not an empathy-judge report; give a new or empty "
            "folder (a report replaces its folder's contents)"
        )
    _clean_leftovers(folder)
    staging: Path | None = None
    try:
        prefix = f".{folder.name}.tmp-{os.getpid()}-"
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
        for name, content in files.items():
            (staging / name).write_bytes(content)
        staging.chmod(0o755)
        if folder.exists():
            previous = folder.parent / f".{folder.name}.old-{os.getpid()}"
            os.rename(folder, previous)
            try:
                os.rename(staging, folder)
            except OSError:
                os.rename(previous, folder)
                raise
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.rename(staging, folder)
        staging = None
    except OSError as error:
        raise _write_error(folder, error) from error
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def write_report(
    runs: RunSet,
    out: str | Path,
    *,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
    juries: JuryReport | None = None,
) -> ReportFiles:
    """Compute the leaderboard and write every report file into a folder, all or nothing.

    Args:
        runs: The runs to report on.
        out: Output folder (created, or replaced when it holds a previous report). Log paths
            in the files are relative to it.
        settings: Bootstrap resamples, seed and the intervals' coverage.
        juries: Juries formed from these runs (`reports.juries.form_juries`, with the same
            settings): added as rows of the leaderboard, with their own files.

    Returns:
        The files written and the leaderboard (its ``runs.skipped`` includes runs that could
        not be rendered, with the reason).

    Raises:
        ReportWriteError: The folder cannot be written (read-only, disk full, not a report's
            folder) or another running report holds it; the previous report is left intact.
    """
    folder = Path(out).absolute()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _write_error(folder, error) from error
    with report_lock(folder):
        board, files = _render_skipping_bad_runs(runs, Path(out), settings, juries)
        _publish(folder, files)
    shown = Path(out)
    jury_names = {name for name in files if name.startswith(("jury", "judge_error"))}
    charts = tuple(
        shown / name for name in files if name.endswith(".png") and name not in jury_names
    )
    return ReportFiles(
        shown / HTML_NAME,
        shown / MARKDOWN_NAME,
        shown / CSV_NAME,
        shown / JSON_NAME,
        charts,
        board,
        tuple(shown / name for name in sorted(jury_names)),
    )
