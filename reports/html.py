"""The self-contained HTML report (`index.html`): inline CSS, charts as data URIs, no script.

Every piece of text that comes from data or from a model — model names, transcripts, answers,
rationales, log paths, notes — passes through `safe_text.html_text` (`html.escape`, after
bidirectional control characters are replaced by visible markers), so a transcript containing
``<script>`` shows as text. A Content-Security-Policy that allows no script at all backs this
up. Log paths are shown relative to the report's folder.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..scorers.agreement import Assessment, SubComponentResult
from ..scorers.diagnostic_results import Diagnostics
from ..scorers.shown_statistics import (
    Group,
    Statistic,
    group_statistics,
    report_groups,
    shown_statistics,
)
from .formatting import (
    MISSING,
    alt_test_by_scale,
    at_expert_level,
    interval,
    kind_text,
    legend,
    number,
    parse_rate_text,
    rank_text,
    run_verdicts,
    statistic_text,
    verdict_summary,
)
from .logs import Run, SampleRecord
from .probes import ProbeResult
from .prose import (
    CROWD_LABEL,
    DIAGNOSTICS_INTRO,
    DIAGNOSTICS_TITLE,
    EXPERTS_LABEL,
    PAPER_LABEL,
    PROBE_HEADER,
    PROBES_INTRO,
    PROBES_TITLE,
    READING_TITLE,
    TABLE_NOTE,
    constant_text,
    experts_mean,
    fewer_items,
    items_note,
    length_text,
    leniency_text,
    percent,
    polarity_text,
    probe_rows,
    ranked_count,
    shares_text,
)
from .results import FrameworkSection, Leaderboard, RunResult
from .safe_text import html_text, replace_locations
from .verdict_plan import settle_note

if TYPE_CHECKING:
    from .charts import Chart

TRANSCRIPT_EXCERPT_CHARS = 1500
DISAGREEMENTS_PER_RUN = 3

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;
 padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d5dbe1}
table{border-collapse:collapse;margin:.8rem 0;font-size:.86rem}
th,td{border:1px solid #d5dbe1;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f6}tr.reference td{background:#f7f7f2;font-style:italic}
tr.unranked td{background:#fbf4f4}
.tag{display:inline-block;font-size:.72rem;padding:0 .35rem;border-radius:.3rem;
 background:#e5e0c8;color:#5a4e1a;font-style:normal}
figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #e3e7eb}
figcaption{font-size:.85rem;color:#52606d}
pre{white-space:pre-wrap;word-wrap:break-word;background:#f5f7f9;border:1px solid #e3e7eb;
 padding:.6rem;font-size:.8rem;max-height:22rem;overflow:auto}
.muted{color:#6b7785;font-size:.85rem}.item{margin:1rem 0 2rem 0}
dl.legend dt{font-weight:600;margin-top:.4rem}dl.legend dd{margin-left:1.5rem}
details{margin:.4rem 0}summary{cursor:pointer}
.panel{margin:.6rem 0 1.2rem 0}.panel h4{margin:.2rem 0}
.warn{color:#8a2c0d;font-weight:600;margin:.2rem 0}
.fewer{background:#fde7c2;font-weight:600;padding:0 .25rem}
"""

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class Disagreement:
    """One conversation where a model and the experts disagree.

    Attributes:
        run: The run the item belongs to.
        sample: The rated conversation.
        distance: Mean absolute difference from the expert consensus across sub-components, as
            a share of each scale's range (1 for a sub-component without a valid rating).
    """

    run: Run
    sample: SampleRecord
    distance: float


def largest_disagreements(run: Run, count: int = DISAGREEMENTS_PER_RUN) -> list[Disagreement]:
    """The conversations of a run farthest from the consensus of the panel it carries.

    Args:
        run: A model's run on one framework.
        count: How many to return.

    Returns:
        At most `count` items, largest distance first (ties by item id).
    """
    panel = run.panel()
    consensus = panel.consensus()
    ratings = run.rating_matrix(panel.sub_components)
    ranges = np.array(
        [max(s.high - s.low, 1.0) if math.isfinite(s.high - s.low) else 1.0 for s in panel.scales]
    )
    present = ~np.isnan(consensus)
    distance = np.where(np.isnan(ratings), 1.0, np.abs(ratings - consensus) / ranges)
    found: list[Disagreement] = []
    for i, sample in enumerate(run.samples):
        if present[i].any():
            found.append(Disagreement(run, sample, float(distance[i, present[i]].mean())))
    found.sort(key=lambda d: (-d.distance, d.sample.item_id))
    return found[:count]


_e = html_text


def _rating(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{value:g}"


def image_tag(chart: Chart) -> str:
    """An ``<img>`` with the chart's PNG embedded as a base64 data URI."""
    data = base64.b64encode(chart.png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(chart.title)}">'


def _figure(chart: Chart) -> str:
    return f"<figure>{image_tag(chart)}<figcaption>{_e(chart.title)}</figcaption></figure>"


def _table(header: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]], css: str = "") -> str:
    """A table of already-escaped cells; each row is (css class, cells)."""
    out = [f"<table{f' class={chr(39)}{css}{chr(39)}' if css else ''}><thead><tr>"]
    out += [f"<th>{_e(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row_css, cells in rows:
        klass = f" class='{row_css}'" if row_css else ""
        out.append(f"<tr{klass}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _label(text: str, tag: str = "") -> str:
    return _e(text) + (f" <span class='tag'>{_e(tag)}</span>" if tag else "")


def _overall_table(board: Leaderboard) -> str:
    header = [
        "Rank of n (range)",
        "Model",
        "Frameworks",
        "Verdicts (like for like)",
        "Mean Δ",
        "Parse rate",
        "Tokens",
        "Wall time",
        "Not ranked because",
    ]
    rows = []
    for row in board.overall:
        reference = row.kind != "model"
        css = "reference" if reference else ("unranked" if row.rank is None else "")
        rows.append(
            (
                css,
                [
                    _e(
                        rank_text(
                            row.rank, ranked_count(board.overall), at_expert_level(row.verdicts)
                        )
                    ),
                    _label(row.label, kind_text(row.kind) if reference else ""),
                    _e(", ".join(row.frameworks)),
                    _e(verdict_summary(row.verdicts)),
                    _e(number(row.score, signed=True)),
                    _e(parse_rate_text(row.parse_rate, board.settings)),
                    _e(MISSING if row.total_tokens is None else f"{row.total_tokens:,}"),
                    _e(MISSING if row.seconds is None else f"{row.seconds:.1f} s"),
                    _e(row.unranked),
                ],
            )
        )
    return _table(header, rows, "leaderboard")


def _run_row(
    result: RunResult, board: Leaderboard, section: FrameworkSection
) -> tuple[str, list[str]]:
    a = result.assessment
    css = "reference" if result.is_reference else ("unranked" if result.rank is None else "")
    note = "; ".join(x for x in (*result.flags, result.unranked) if x)
    rank = rank_text(
        result.rank, ranked_count(section.results), at_expert_level(result.verdict_counts())
    )
    items = _e(result.n_items)
    if fewer_items(result, section):
        items = f"<span class='fewer' title='fewer items than other rows'>{items}</span>"
    return (
        css,
        [
            _e(rank),
            _label(result.label, kind_text(result.kind) if result.is_reference else ""),
            items,
            _e(run_verdicts(result)),
            _e(interval(a.mean_difference, signed=True) if a else MISSING),
            _e(interval(a.mean_kappa) if a else MISSING),
            _e(parse_rate_text(result.parse_rate, board.settings)),
            _e(note),
        ],
    )


def _section_table(section: FrameworkSection, board: Leaderboard) -> str:
    header = [
        "Rank of n (range)",
        "Rater",
        "Items",
        "Verdicts (like for like)",
        "Mean Δ [interval]",
        "Mean κ vs consensus [interval]",
        "Parse rate",
        "Note",
    ]
    rows = [_run_row(r, board, section) for r in section.results]
    n = _e(len(section.items))
    if section.crowd is not None:
        crowd = section.crowd
        rows.append(
            (
                "reference",
                [
                    _e(MISSING),
                    _label(CROWD_LABEL, "reference: crowd"),
                    n,
                    _e(verdict_summary(crowd.verdict_counts())),
                    _e(interval(crowd.mean_difference, signed=True)),
                    _e(interval(crowd.mean_kappa)),
                    _e(MISSING),
                    _e("the crowd's ratings carried in the runs' reference"),
                ],
            )
        )
    if section.experts is not None:
        rows.append(
            (
                "reference",
                [
                    _e(MISSING),
                    _label(EXPERTS_LABEL, "reference: experts"),
                    n,
                    _e(
                        f"benchmark: mean κ(expert k, R_k) = "
                        f"{number(experts_mean(section.experts))}"
                    ),
                    _e("0 (the benchmark itself)"),
                    _e(MISSING),
                    _e(MISSING),
                    _e("each expert against the mean of the others"),
                ],
            )
        )
    return _table(header, rows)


def _per_sub_table(section: FrameworkSection) -> str:
    subs = section.sub_components
    header = ["Rater", *(section.sub_component_labels[s] for s in subs)]
    rows: list[tuple[str, list[str]]] = []

    def cells(assessment: Assessment | None, verdicts: dict[str, str]) -> list[str]:
        out = []
        for sub in subs:
            if assessment is None:
                out.append(_e(MISSING))
                continue
            try:
                found = assessment.result(sub)
            except KeyError:
                out.append(_e(MISSING))
                continue
            out.append(
                _e(interval(found.difference, signed=True))
                + f"<br><strong>{_e(verdicts.get(sub, found.verdict))}</strong>"
                + (
                    f"<br><span class='muted'>{_e(note)}</span>"
                    if (note := settle_note(found, verdicts.get(sub, found.verdict)))
                    else ""
                )
                + "".join(
                    f"<br><span class='muted'>{_e(statistic.label)} "
                    f"{_e(statistic_text(statistic, statistic.read(found)))}</span>"
                    for statistic in shown_statistics("summary")
                )
            )
        return out

    for result in section.results:
        rows.append(
            (
                "reference" if result.is_reference else "",
                [_e(result.label), *cells(result.assessment, dict(result.verdicts))],
            )
        )
    if section.crowd is not None:
        rows.append(("reference", [_e(CROWD_LABEL), *cells(section.crowd, {})]))
    if section.experts is not None:
        rows.append(
            (
                "reference",
                [
                    _e(f"{EXPERTS_LABEL}: κ(expert k, R_k)"),
                    *(_e(interval(section.experts.result(s).loo_experts)) for s in subs),
                ],
            )
        )
    return _table(header, rows)


def _statistic_columns(statistic: Statistic) -> list[str]:
    if statistic.interval and statistic.html_interval == "columns":
        return [statistic.label, "Lower", "Upper"]
    return [statistic.label + (" [interval]" if statistic.interval else "")]


def _statistic_cells(statistic: Statistic, result: SubComponentResult) -> list[str]:
    estimate = statistic.read(result)
    if statistic.interval and statistic.html_interval == "columns":
        return [
            _e(number(v, statistic.digits, signed=statistic.signed))
            for v in (estimate.value, estimate.low, estimate.high)
        ]
    return [_e(statistic_text(statistic, estimate))]


def _group_table(
    group: Group, subs: Sequence[SubComponentResult], verdicts: dict[str, str] | None
) -> str:
    """One of the report's tables of statistics, ending with the verdicts when given."""
    statistics = group_statistics(group)
    header = [
        "Sub-component",
        *(c for statistic in statistics for c in _statistic_columns(statistic)),
        *(["Verdict"] if verdicts is not None else []),
    ]
    rows = [
        (
            "",
            [
                _e(s.sub_component),
                *(c for statistic in statistics for c in _statistic_cells(statistic, s)),
                *([_e(verdicts.get(s.sub_component, s.verdict))] if verdicts is not None else []),
            ],
        )
        for s in subs
    ]
    return _table(header, rows)


def assessment_details(assessment: Assessment, verdicts: dict[str, str], title: str) -> str:
    """A collapsible block with every per-sub-component figure of one assessment.

    The registry's tables that the HTML shows (`shown_statistics.Group.html_title`: the
    leave-one-out table, then the expert swap), the Alternative Annotator Test after the first
    (the verdict's) and the paper's comparison.

    Args:
        assessment: The engine's assessment.
        verdicts: The report's verdict per sub-component.
        title: The summary line (escaped here).

    Returns:
        HTML.
    """
    subs = assessment.sub_components
    # The first table is the verdict's: its rows end with the verdict.
    tables = [
        f"<h4>{_e(group.html_title)}</h4>" + _group_table(group, subs, verdicts if i == 0 else None)
        for i, group in enumerate(report_groups())
        if group.html_title is not None
    ]
    alt_rows = [
        (
            "",
            [
                _e(s.sub_component),
                _e(number(s.alt_test.epsilon)),
                _e(number(s.alt_test.omega)),
                _e(number(s.alt_test.rho)),
                _e("passes" if s.alt_test.passes else "fails"),
                _e(s.alt_test.note),
            ],
        )
        for s in subs
        if s.alt_test is not None
    ]
    alt = (
        _table(["Sub-component", "ε", "ω", "ρ", "Outcome", "Note"], alt_rows)
        if alt_rows
        else "<p class='muted'>Not run.</p>"
    )
    paper = _table(
        ["Sub-component", "κ vs median of experts", "Median expert-pair κ", "Reaches it"],
        [
            (
                "",
                [
                    _e(s.sub_component),
                    _e(number(s.paper_kappa)),
                    _e(number(s.paper_ceiling)),
                    _e(
                        ("yes" if s.paper_reaches_ceiling else "no")
                        if math.isfinite(s.paper_kappa) and math.isfinite(s.paper_ceiling)
                        else MISSING
                    ),
                ],
            )
            for s in subs
        ],
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in assessment.notes)
    return (
        f"<details><summary>{_e(title)}</summary>"
        + (f"<ul class='muted'>{notes}</ul>" if notes else "")
        + f"<p class='muted'>Judged against {_e(', '.join(assessment.raters))} on "
        f"{_e(assessment.n_items)} items.</p>"
        + "".join(tables[:1])
        + "<h4>Alternative Annotator Test</h4>"
        + alt
        + "".join(tables[1:])
        + "<h4>The paper's comparison</h4>"
        + f"<p class='muted'>{_e(PAPER_LABEL)}</p>"
        + paper
        + "</details>"
    )


def diagnostics_panel(diagnostics: Diagnostics, title: str, tag: str = "") -> str:
    """One rater's small diagnostics panel: a line naming constant answers, a compact table.

    Args:
        diagnostics: The rater's diagnostics.
        title: The rater's label (escaped here).
        tag: A tag shown beside it (e.g. the reference kind).

    Returns:
        HTML.
    """
    rows = [
        (
            "",
            [
                _e(s.sub_component)
                + (" <span class='muted'>(negative)</span>" if s.polarity == "negative" else ""),
                _e(leniency_text(s)),
                _e(s.scale_use.label) + f"<br><span class='muted'>{_e(shares_text(s))}</span>",
                _e(percent(s.scale_use.ends))
                + f"<br><span class='muted'>experts {_e(percent(s.scale_use.experts_ends))}</span>",
                _e(interval(s.scale_use.spread_ratio)),
                _e(length_text(s)),
                _e(polarity_text(s)),
            ],
        )
        for s in diagnostics.sub_components
    ]
    constant = constant_text(diagnostics)
    flags = ", ".join(diagnostics.polarity_flags)
    warnings = ""
    if constant:
        warnings += f"<p class='warn'>Answers one level everywhere: {_e(constant)}</p>"
    if flags:
        warnings += f"<p class='warn'>Rates as if positive: {_e(flags)}</p>"
    notes = "".join(f"<li>{_e(n)}</li>" for n in diagnostics.notes)
    return (
        f"<div class='panel'><h4>{_label(title, tag)}</h4>"
        + warnings
        + (f"<ul class='muted'>{notes}</ul>" if notes else "")
        + _table(
            [
                "Sub-component",
                "Leniency [interval] · crowd · experts |·|",
                "Scale use (shares)",
                "Ends",
                "Spread ratio",
                "Length ρ · experts |ρ|",
                "Polarity ρ · experts",
            ],
            rows,
            "diagnostics",
        )
        + "</div>"
    )


def _diagnostics_html(section: FrameworkSection) -> list[str]:
    parts = [
        f"<h3>{_e(DIAGNOSTICS_TITLE)}</h3>",
        "<p class='muted'>See <a href='#reading'>reading the diagnostics</a>.</p>",
    ]
    for result in section.results:
        tag = kind_text(result.kind) if result.is_reference else ""
        if result.diagnostics is not None:
            parts.append(diagnostics_panel(result.diagnostics, result.label, tag))
        else:
            note = result.diagnostics_note or "no usable ratings"
            parts.append(
                f"<div class='panel'><h4>{_label(result.label, tag)}</h4>"
                f"<p class='muted'>{_e(note)}</p></div>"
            )
    if section.crowd_diagnostics is not None:
        parts.append(diagnostics_panel(section.crowd_diagnostics, CROWD_LABEL, "reference: crowd"))
    return parts


def probe_table(results: Sequence[ProbeResult]) -> str:
    """The probe rows of one model (every probe it was run with), as a small table."""
    rows = [
        ("reference" if r.not_applicable else "", [_e(c) for c in row[1:]])
        for r in results
        for row in probe_rows(r)
    ]
    return _table(PROBE_HEADER[1:], rows, "probes")


def _probes_html(section: FrameworkSection) -> list[str]:
    if not section.probes:
        return []
    parts = [
        f"<h3>{_e(PROBES_TITLE)}</h3>",
        "<p class='muted'>See <a href='#reading'>reading the probes</a>.</p>",
    ]
    for label in dict.fromkeys(p.label for p in section.probes):
        mine = [p for p in section.probes if p.label == label]
        parts.append(f"<div class='panel'><h4>{_e(label)}</h4>{probe_table(mine)}</div>")
    return parts


def _disagreement_block(item: Disagreement) -> str:
    sample = item.sample
    transcript = sample.transcript or "(transcript not found in the prompt)"
    if len(transcript) > TRANSCRIPT_EXCERPT_CHARS:
        transcript = transcript[:TRANSCRIPT_EXCERPT_CHARS] + " …"
    spec = item.run.panel_spec()
    panel = item.run.panel()
    row = item.run.item_ids.index(sample.item_id)
    consensus = panel.consensus()[row]
    head = ["Sub-component", "Model", *spec.raters, "Consensus"]
    rows = []
    for j, sub in enumerate(panel.sub_components):
        reference = sample.reference.get(sub, {})
        cells = [
            sub,
            _rating(sample.ratings.get(sub)),
            *(_rating(reference.get(k)) for k in spec.raters),
            _rating(float(consensus[j])),
        ]
        rows.append(("", [_e(c) for c in cells]))
    rationale = sample.explanation or "(no rationale given)"
    return (
        "<div class='item'>"
        f"<h4>{_e(item.run.framework)} · item {_e(sample.item_id)} "
        f"<span class='muted'>distance {item.distance:.2f} · parse {_e(sample.parse_status)}"
        "</span></h4>"
        f"<pre class='transcript'>{_e(transcript)}</pre>"
        + _table(head, rows)
        + f"<p><strong>Rationale:</strong> <span class='rationale'>{_e(rationale)}</span></p>"
        f"<details><summary>Raw answer</summary><pre>{_e(sample.answer)}</pre></details>"
        "</div>"
    )


def _alt_test_html(section: FrameworkSection) -> list[str]:
    """Alternative Annotator Test passes per scale granularity, one item per rater."""
    items = [
        f"<li>{_e(result.label)}: {_e('; '.join(parts))}</li>"
        for result in section.results
        if result.assessment is not None
        and (parts := alt_test_by_scale(result.assessment, section.spec.scales))
    ]
    if not items:
        return []
    return [
        "<h3>Alternative Annotator Test, per scale granularity</h3>",
        "<p>Counts over different scales do not add up: the test passes an expert-level "
        "candidate more often on a coarse scale.</p>",
        "<ul>" + "".join(items) + "</ul>",
    ]


def _section_html(
    section: FrameworkSection, board: Leaderboard, charts: Sequence[Chart]
) -> list[str]:
    parts = [f"<h2 id='{_e(section.key)}'>{_e(section.title)}</h2>"]
    parts.append(
        "<ul class='notes'>" + "".join(f"<li>{_e(n)}</li>" for n in section.notes) + "</ul>"
    )
    parts.append(f"<p class='muted'>{_e(TABLE_NOTE)}</p>")
    if items_note(section):
        parts.append(f"<p class='warn'>{_e(items_note(section))}</p>")
    parts.append(_section_table(section, board))
    parts += [_figure(c) for c in charts if c.section == section.key and c.name.startswith("loo_")]
    parts.append("<h3>Per sub-component: Δ [interval], verdict, κ against the consensus</h3>")
    parts.append(_per_sub_table(section))
    parts += _alt_test_html(section)
    parts += _diagnostics_html(section)
    parts += _probes_html(section)
    parts.append("<h3>Details per run</h3>")
    for result in section.results:
        if result.assessment is not None:
            parts.append(
                assessment_details(
                    result.assessment,
                    dict(result.verdicts),
                    f"{result.label} ({kind_text(result.kind)})",
                )
            )
    if section.crowd is not None:
        parts.append(assessment_details(section.crowd, {}, CROWD_LABEL))
    parts += [
        _figure(c) for c in charts if c.section == section.key and c.name.startswith("ratings_")
    ]
    return parts


def render_html(
    board: Leaderboard, charts: Sequence[Chart], extra_sections: Sequence[str] = ()
) -> str:
    """The whole report as one HTML document.

    Args:
        board: The leaderboard.
        charts: Charts to embed (PNG bytes, embedded as data URIs).
        extra_sections: HTML blocks placed after the framework sections (e.g. the juries'),
            already escaped by whoever built them.

    Returns:
        HTML text with no external resource and no script.
    """
    settings = board.settings
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>Empathy-judge report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Empathy-judge report</h1>",
        *(f"<p class='warning' role='alert'><strong>{_e(w)}</strong></p>" for w in board.warnings),
        "<p class='muted'>Which model can judge empathic communication like the experts? Every "
        "run is judged against the expert panel carried in its own log, on exactly the items it "
        "scored, like for like: each expert is compared with the mean of the other experts, and "
        "so is the candidate (Δ = candidate − experts). The primary column counts the verdicts "
        "per sub-component; ranks compare only runs over the same items, by the mean Δ, with "
        f"the {settings.bootstrap.confidence:.0%} range of the rank over "
        f"{settings.bootstrap.n_resamples:,} item resamples. Every symbol is explained in the "
        "<a href='#legend'>legend</a>.</p>",
        "<h2 id='overall'>Overall</h2>",
        "<p>"
        + (
            "Ranked overall: models ranked on each of "
            + _e(", ".join(board.overall_frameworks))
            + "; key: the mean over these frameworks of the mean Δ."
            if board.overall_frameworks
            else "No model is ranked on any framework, so there is no overall rank."
        )
        + "</p>",
        _overall_table(board),
    ]
    for section in board.sections:
        parts += _section_html(section, board, charts)
    parts += list(extra_sections)
    if board.unpaired_probes:
        parts.append("<h2 id='unpaired-probes'>Probe runs not paired</h2><ul>")
        for unpaired in board.unpaired_probes:
            run = unpaired.run
            reason = replace_locations(unpaired.reason, board.log_names.items())
            parts.append(
                f"<li><code>{_e(run.model)}</code> × {_e(run.framework)}, probe "
                f"{_e(run.probe.label if run.probe else '')} "
                f"(<code>{_e(board.log_name(run.location))}</code>): {_e(reason)}</li>"
            )
        parts.append("</ul>")
    parts.append(
        f"<h2 id='reading'>{_e(READING_TITLE)}</h2><dl class='legend'>"
        f"<dt>Diagnostics</dt><dd>{_e(DIAGNOSTICS_INTRO)}</dd>"
        f"<dt>Probes</dt><dd>{_e(PROBES_INTRO)}</dd></dl>"
    )
    parts.append("<h2 id='legend'>Legend</h2><dl class='legend'>")
    for symbol, meaning in legend(settings):
        parts.append(f"<dt>{_e(symbol)}</dt><dd>{_e(meaning)}</dd>")
    parts.append("</dl>")
    parts.append(
        "<h2 id='notes'>Notes</h2><ul class='notes'>"
        + "".join(f"<li>{_e(n)}</li>" for n in board.notes)
        + "</ul>"
    )
    parts.append("<h2 id='disagreements'>Largest disagreements with the experts</h2>")
    plain = board.runs.plain
    for model in dict.fromkeys(r.model for r in plain):
        parts.append(f"<h3>{_e(model)}</h3>")
        for run in plain:
            if run.model == model:
                parts.extend(_disagreement_block(d) for d in largest_disagreements(run))
    parts.append("<h2 id='logs'>Logs used</h2><ul>")
    for run in board.runs.runs:
        probe = f" (probe {run.probe.label})" if run.probe else ""
        parts.append(
            f"<li><code>{_e(run.model)}</code> × {_e(run.framework)}{_e(probe)}: "
            f"<code>{_e(board.log_name(run.location))}</code> ({_e(run.created)})</li>"
        )
    for skipped in board.runs.skipped:
        reason = replace_locations(skipped.reason, board.log_names.items())
        parts.append(
            f"<li class='muted'>not used: <code>{_e(board.log_name(skipped.location))}</code> — "
            f"{_e(reason)}</li>"
        )
    parts.append("</ul></body></html>")
    return "\n".join(parts)
