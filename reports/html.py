"""The self-contained HTML report (`index.html`): inline CSS, charts as data URIs, no script.

Every piece of text that comes from data or from a model — model names, transcripts, answers,
rationales, log paths, notes — passes through `html.escape`, so a transcript containing
``<script>`` shows as text. A Content-Security-Policy that allows no script at all backs this
up; the escaping alone is what the tests check.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from empathy_judge.datasets.rubric import load_framework
from empathy_judge.reports.leaderboard import Leaderboard, LeaderboardRow
from empathy_judge.reports.logs import Run, SampleRecord
from empathy_judge.reports.tables import (
    format_seconds,
    format_tokens,
    framework_cell,
    framework_title,
    kind_label,
)
from empathy_judge.scorers.common import EXPERTS

if TYPE_CHECKING:
    from empathy_judge.reports.charts import Chart

TRANSCRIPT_EXCERPT_CHARS = 1500
DISAGREEMENTS_PER_RUN = 3

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;
 padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d5dbe1}
table{border-collapse:collapse;margin:.8rem 0;font-size:.86rem}
th,td{border:1px solid #d5dbe1;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f6}tr.reference td{background:#f7f7f2;font-style:italic}
.tag{display:inline-block;font-size:.72rem;padding:0 .35rem;border-radius:.3rem;
 background:#e5e0c8;color:#5a4e1a;font-style:normal}
figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #e3e7eb}
figcaption{font-size:.85rem;color:#52606d}
pre{white-space:pre-wrap;word-wrap:break-word;background:#f5f7f9;border:1px solid #e3e7eb;
 padding:.6rem;font-size:.8rem;max-height:22rem;overflow:auto}
.muted{color:#6b7785;font-size:.85rem}.item{margin:1rem 0 2rem 0}
"""

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class Disagreement:
    """One conversation where a model and the experts disagree.

    Attributes:
        run: The run the item belongs to.
        sample: The rated conversation.
        distance: Mean absolute difference from the expert median across sub-components, as a
            share of each scale's range (1 for a sub-component without a valid rating).
    """

    run: Run
    sample: SampleRecord
    distance: float


def largest_disagreements(run: Run, count: int = DISAGREEMENTS_PER_RUN) -> list[Disagreement]:
    """The conversations of a run farthest from the expert median.

    Args:
        run: A model's run on one framework.
        count: How many to return.

    Returns:
        At most `count` items, largest distance first (ties by item id).
    """
    rubric = load_framework(run.framework)
    ranges = {s.column: max(s.scale_max - s.scale_min, 1) for s in rubric.sub_components}
    found: list[Disagreement] = []
    for sample in run.samples:
        distances = []
        for sub in run.sub_components:
            rating = sample.ratings.get(sub, math.nan)
            median = sample.reference.get(sub, {}).get("expert_median", math.nan)
            if math.isnan(median):
                continue
            distances.append(
                1.0 if math.isnan(rating) else abs(rating - median) / ranges.get(sub, 1)
            )
        if distances:
            found.append(Disagreement(run, sample, sum(distances) / len(distances)))
    found.sort(key=lambda d: (-d.distance, d.sample.item_id))
    return found[:count]


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _n(value: float | None, digits: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f}"


def _rating(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:g}"


def image_tag(chart: Chart) -> str:
    """An ``<img>`` with the chart's PNG embedded as a base64 data URI."""
    data = base64.b64encode(chart.png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(chart.title)}">'


def _leaderboard_table(board: Leaderboard) -> str:
    header = ["Rank", "Model", *(framework_title(f) for f in board.frameworks)]
    header += ["Parse rate", "Tokens", "Time (Σ runs)"]
    out = ["<table class='leaderboard'><thead><tr>"]
    out += [f"<th>{_e(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in board.rows:
        css = " class='reference'" if row.is_reference else ""
        label = _e(row.label)
        if row.is_reference:
            label += f" <span class='tag'>{_e(kind_label(row))}</span>"
        cells = [
            _e(row.rank if row.rank is not None else "—"),
            label,
            *(_e(framework_cell(row.frameworks.get(f))) for f in board.frameworks),
            _e("—" if row.is_reference else _n(row.parse_rate, 3)),
            _e(format_tokens(row.total_tokens)),
            _e(format_seconds(row.seconds)),
        ]
        out.append(f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _sub_component_table(board: Leaderboard, framework: str) -> str:
    subs = board.sub_components[framework]
    labels = {s.column: s.label for s in load_framework(framework).sub_components}
    out = ["<table><thead><tr><th>Rater</th>"]
    out += [f"<th>{_e(labels.get(s, s))}</th>" for s in subs]
    out.append("</tr></thead><tbody>")
    rows: Iterable[LeaderboardRow] = (r for r in board.rows if framework in r.frameworks)
    for row in rows:
        by_sub = {s.sub_component: s for s in row.frameworks[framework].sub_components}
        css = " class='reference'" if row.is_reference else ""
        cells = []
        for sub in subs:
            result = by_sub.get(sub)
            cells.append(
                "—"
                if result is None
                else f"{_n(result.kappa)} [{_n(result.low)}, {_n(result.high)}]"
                + (" ★" if result.at_expert_level and row.kind != "expert ceiling" else "")
            )
        out.append(
            f"<tr{css}><td>{_e(row.label)}</td>"
            + "".join(f"<td>{_e(c)}</td>" for c in cells)
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _disagreement_block(item: Disagreement) -> str:
    sample = item.sample
    transcript = sample.transcript or "(transcript not found in the prompt)"
    if len(transcript) > TRANSCRIPT_EXCERPT_CHARS:
        transcript = transcript[:TRANSCRIPT_EXCERPT_CHARS] + " …"
    head = ["Sub-component", "Model", "Expert 1", "Expert 2", "Expert 3", "Expert median"]
    rows = []
    for sub in item.run.sub_components:
        reference = sample.reference.get(sub, {})
        cells = [
            sub,
            _rating(sample.ratings.get(sub)),
            *(_rating(reference.get(k)) for k in (*EXPERTS, "expert_median")),
        ]
        rows.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    rationale = sample.explanation or "(no rationale given)"
    return (
        "<div class='item'>"
        f"<h4>{_e(framework_title(item.run.framework))} · item {_e(sample.item_id)} "
        f"<span class='muted'>distance {item.distance:.2f} · parse {_e(sample.parse_status)}"
        "</span></h4>"
        f"<pre class='transcript'>{_e(transcript)}</pre>"
        "<table><thead><tr>"
        + "".join(f"<th>{_e(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        f"<p><strong>Rationale:</strong> <span class='rationale'>{_e(rationale)}</span></p>"
        f"<details><summary>Raw answer</summary><pre>{_e(sample.answer)}</pre></details>"
        "</div>"
    )


def _source(board: Leaderboard) -> str:
    if board.reference_source == "release":
        return "the authors' published release"
    return "the experts' and crowd's ratings carried in the logs (release unavailable)"


def render_html(board: Leaderboard, charts: Sequence[Chart]) -> str:
    """The whole report as one HTML document.

    Args:
        board: The leaderboard.
        charts: Charts to embed (PNG bytes, embedded as data URIs).

    Returns:
        HTML text with no external resource and no script.
    """
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>Empathy-judge report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Empathy-judge report</h1>",
        "<p class='muted'>Which model can judge empathic communication like the experts? "
        "κw is the quadratic weighted κ of a rater's ratings with the per-item expert median; "
        f"intervals are {board.confidence:.0%} percentile item-bootstrap intervals "
        f"({board.n_resamples:,} resamples, seed {board.seed}). "
        "Cells: median κw across the framework's sub-components [interval] · sub-components "
        "at expert level (κw ≥ the median expert-pair κw) · κw relative to the expert ceiling. "
        "Rows marked <span class='tag'>reference</span> are not runs: they come from "
        f"{_e(_source(board))}.</p>",
        "<h2 id='leaderboard'>Leaderboard</h2>",
        _leaderboard_table(board),
    ]
    if board.notes:
        parts.append("<ul class='notes'>" + "".join(f"<li>{_e(n)}</li>" for n in board.notes))
        parts.append("</ul>")
    parts.append("<h2 id='charts'>Agreement per sub-component</h2>")
    for framework in board.frameworks:
        parts.append(f"<h3>{_e(framework_title(framework))}</h3>")
        for chart in charts:
            if chart.name == f"kappa_{framework}":
                parts.append(
                    f"<figure>{image_tag(chart)}<figcaption>{_e(chart.title)}</figcaption></figure>"
                )
        parts.append(_sub_component_table(board, framework))
    parts.append("<h2 id='distributions'>Rating distributions</h2>")
    for chart in charts:
        if chart.name.startswith("ratings_"):
            parts.append(
                f"<figure>{image_tag(chart)}<figcaption>{_e(chart.title)}</figcaption></figure>"
            )
    parts.append("<h2 id='disagreements'>Largest disagreements with the experts</h2>")
    for model in board.runs.models:
        parts.append(f"<h3>{_e(model)}</h3>")
        for run in board.runs.runs:
            if run.model == model:
                parts.extend(_disagreement_block(d) for d in largest_disagreements(run))
    parts.append("<h2 id='logs'>Logs used</h2><ul>")
    for run in board.runs.runs:
        parts.append(
            f"<li><code>{_e(run.model)}</code> × {_e(run.framework)}: "
            f"<code>{_e(run.location)}</code> ({_e(run.created)})</li>"
        )
    for skipped in board.runs.skipped:
        parts.append(
            f"<li class='muted'>not used: <code>{_e(skipped.location)}</code> — "
            f"{_e(skipped.reason)}</li>"
        )
    parts.append("</ul></body></html>")
    return "\n".join(parts)
