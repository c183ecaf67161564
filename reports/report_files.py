"""Write the comparative report (HTML, Markdown, CSV, JSON, charts) for a set of runs.

The report is computed from the logs alone (`reports.leaderboard.build_leaderboard`): it never
reads the data folder, so a run on a user's own pack reports against that pack's experts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from empathy_judge.reports.html import render_html
from empathy_judge.reports.leaderboard import build_leaderboard
from empathy_judge.reports.logs import RunSet
from empathy_judge.reports.results import Leaderboard
from empathy_judge.reports.tables import (
    dumps_json,
    leaderboard_frame,
    leaderboard_json,
    leaderboard_markdown,
)
from empathy_judge.scorers.bootstrap import DEFAULT_RESAMPLES

if TYPE_CHECKING:
    from empathy_judge.reports.juries import JuryReport


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


def write_report(
    runs: RunSet,
    out: str | Path,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    juries: JuryReport | None = None,
) -> ReportFiles:
    """Compute the leaderboard and write every report file into a folder.

    Args:
        runs: The runs to report on.
        out: Output folder (created). Log paths in the files are relative to it.
        n_resamples: Bootstrap resamples.
        seed: Bootstrap seed.
        juries: Juries formed from these runs (`reports.juries.form_juries`, with the same
            resamples and seed): added as rows of the leaderboard, with their own files.

    Returns:
        The files written and the leaderboard.
    """
    # matplotlib is imported only when a report is written.
    from empathy_judge.reports.charts import all_charts, write_charts

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if juries is not None:
        runs = RunSet(runs=(*runs.runs, *juries.runs), skipped=runs.skipped)
    board = build_leaderboard(runs, n_resamples=n_resamples, seed=seed, report_dir=folder)
    charts = all_charts(board)
    chart_paths = write_charts(charts, folder)
    jury_paths: list[Path] = []
    extra_html: list[str] = []
    json_data = leaderboard_json(board)
    if juries is not None:
        from empathy_judge.reports.jury_files import (
            correlation_charts,
            juries_html,
            juries_json,
            write_jury_files,
        )

        jury_charts = correlation_charts(juries)
        jury_paths = write_jury_files(juries, folder, jury_charts)
        extra_html.append(juries_html(juries, jury_charts))
        json_data = {**json_data, "juries": juries_json(juries)}
    markdown = folder / "leaderboard.md"
    markdown.write_text(leaderboard_markdown(board), encoding="utf-8")
    csv = folder / "leaderboard.csv"
    leaderboard_frame(board).to_csv(csv, index=False)
    results = folder / "results.json"
    results.write_text(dumps_json(json_data), encoding="utf-8")
    index = folder / "index.html"
    index.write_text(render_html(board, charts, extra_html), encoding="utf-8")
    return ReportFiles(index, markdown, csv, results, tuple(chart_paths), board, tuple(jury_paths))
