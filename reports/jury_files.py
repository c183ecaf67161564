"""The jury files: CSV tables, JSON, a correlation heat map per framework, HTML and Markdown.

``jury.csv``, ``judge_error_correlation.csv`` and ``jury_members.csv`` (each member's κ, how
often it is the best, its marginal gain).

Every figure comes from `reports.juries.FormedJury` (the engine's assessment and
`scorers.jury.jury_worth`); nothing is computed here. Text from models (labels) passes through
`safe_text` as everywhere in the reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.verdicts import Estimate
from .formatting import interval, number
from .juries import FormedJury, JuryReport
from .logs import RunSet
from .safe_text import csv_cell, html_text, markdown_text

if TYPE_CHECKING:
    from .charts import Chart

#: ``jury.csv``: the issue's columns first, then the jury-specific figures.
JURY_COLUMNS = [
    "framework",
    "sub_component",
    "jury",
    "members",
    "rule",
    "candidate_kappa",
    "expert_kappa",
    "difference",
    "lower",
    "upper",
    "verdict",
    "gain_over_best",
    "gain_lower",
    "gain_upper",
    "best_member",
    "n_items",
    "mean_error_correlation",
    "effective_judges",
    "effective_lower",
    "effective_upper",
    "swap_alpha",
    "swap_lower",
    "swap_upper",
    "swap_gain_over_best",
    "swap_gain_lower",
    "swap_gain_upper",
    "gain_cross_fitted",
]
CORRELATION_COLUMNS = [
    "framework",
    "sub_component",
    "judge_a",
    "judge_b",
    "correlation",
    "lower",
    "upper",
]
MEMBER_COLUMNS = [
    "framework",
    "sub_component",
    "jury",
    "rule",
    "member",
    "member_kappa",
    "best_share",
    "marginal_gain",
    "marginal_lower",
    "marginal_upper",
]
#: Members joined in the ``members`` column.
MEMBER_SEPARATOR = " + "


def _value(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def jury_frame(report: JuryReport) -> pd.DataFrame:
    """``jury.csv``: one row per jury × rule × sub-component."""
    rows: list[dict[str, Any]] = []
    for jury in report.juries:
        by_sub = {s.sub_component: s for s in jury.assessment.sub_components}
        for worth in jury.worth.sub_components:
            sub = by_sub[worth.sub_component]
            rows.append(
                {
                    "framework": jury.framework,
                    "sub_component": worth.sub_component,
                    "jury": jury.name,
                    "members": MEMBER_SEPARATOR.join(jury.member_labels),
                    "rule": jury.rule,
                    "candidate_kappa": sub.loo_candidate.value,
                    "expert_kappa": sub.loo_experts.value,
                    "difference": sub.difference.value,
                    "lower": sub.difference.low,
                    "upper": sub.difference.high,
                    "verdict": sub.verdict,
                    "gain_over_best": worth.gain_over_best.value,
                    "gain_lower": worth.gain_over_best.low,
                    "gain_upper": worth.gain_over_best.high,
                    "best_member": worth.best_member,
                    "n_items": worth.n_items,
                    "mean_error_correlation": worth.mean_correlation.value,
                    "effective_judges": worth.effective.value,
                    "effective_lower": worth.effective.low,
                    "effective_upper": worth.effective.high,
                    "swap_alpha": worth.swap.value,
                    "swap_lower": worth.swap.low,
                    "swap_upper": worth.swap.high,
                    "swap_gain_over_best": worth.swap_gain_over_best.value,
                    "swap_gain_lower": worth.swap_gain_over_best.low,
                    "swap_gain_upper": worth.swap_gain_over_best.high,
                    "gain_cross_fitted": worth.gain_cross_fitted,
                }
            )
    return _safe(pd.DataFrame(rows, columns=JURY_COLUMNS))


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(csv_cell)
    return frame


def _correlation_juries(report: JuryReport) -> list[FormedJury]:
    """One jury per framework × member set (the errors do not depend on the rule)."""
    seen: dict[tuple[str, tuple[str, ...]], FormedJury] = {}
    for jury in report.juries:
        seen.setdefault((jury.framework, jury.member_labels), jury)
    return list(seen.values())


def correlation_frame(report: JuryReport) -> pd.DataFrame:
    """``judge_error_correlation.csv``: every pair of members per framework × sub-component."""
    rows: list[dict[str, Any]] = []
    written: set[tuple[str, str, str, str]] = set()
    for jury in _correlation_juries(report):
        labels = jury.member_labels
        for worth in jury.worth.sub_components:
            for a in range(len(labels)):
                for b in range(a + 1, len(labels)):
                    key = (jury.framework, worth.sub_component, labels[a], labels[b])
                    if key in written:
                        continue
                    written.add(key)
                    rows.append(
                        {
                            "framework": jury.framework,
                            "sub_component": worth.sub_component,
                            "judge_a": labels[a],
                            "judge_b": labels[b],
                            "correlation": worth.correlation[a, b],
                            "lower": worth.correlation_low[a, b],
                            "upper": worth.correlation_high[a, b],
                        }
                    )
    return _safe(pd.DataFrame(rows, columns=CORRELATION_COLUMNS))


def member_frame(report: JuryReport) -> pd.DataFrame:
    """``jury_members.csv``: each member's κ, how often it is best, and its marginal gain."""
    rows: list[dict[str, Any]] = []
    for jury in report.juries:
        for worth in jury.worth.sub_components:
            for label, name in zip(jury.member_labels, jury.worth.members, strict=True):
                marginal = worth.marginal[name]
                rows.append(
                    {
                        "framework": jury.framework,
                        "sub_component": worth.sub_component,
                        "jury": jury.name,
                        "rule": jury.rule,
                        "member": label,
                        "member_kappa": worth.member_kappa[name].value,
                        "best_share": worth.best_share[name],
                        "marginal_gain": marginal.value,
                        "marginal_lower": marginal.low,
                        "marginal_upper": marginal.high,
                    }
                )
    return _safe(pd.DataFrame(rows, columns=MEMBER_COLUMNS))


def _estimate_json(estimate: Estimate) -> dict[str, float | None]:
    return {
        "value": _value(estimate.value),
        "low": _value(estimate.low),
        "high": _value(estimate.high),
    }


def juries_json(report: JuryReport) -> dict[str, Any]:
    """The juries as JSON (``results.json``'s ``juries``, or ``jury.json``)."""
    juries = []
    for jury in report.juries:
        by_sub = {s.sub_component: s for s in jury.assessment.sub_components}
        subs = []
        for worth in jury.worth.sub_components:
            sub = by_sub[worth.sub_component]
            names = jury.worth.members
            subs.append(
                {
                    "sub_component": worth.sub_component,
                    "n_items": worth.n_items,
                    "candidate_kappa": _estimate_json(sub.loo_candidate),
                    "expert_kappa": _estimate_json(sub.loo_experts),
                    "difference": _estimate_json(sub.difference),
                    "verdict": sub.verdict,
                    "gain_over_best": _estimate_json(worth.gain_over_best),
                    "gain_cross_fitted": _value(worth.gain_cross_fitted),
                    "best_member": worth.best_member,
                    "members": [
                        {
                            "member": label,
                            "kappa": _estimate_json(worth.member_kappa[n]),
                            "best_share": _value(worth.best_share[n]),
                            "marginal_gain": _estimate_json(worth.marginal[n]),
                        }
                        for label, n in zip(jury.member_labels, names, strict=True)
                    ],
                    "error_correlation": {
                        "judges": list(jury.member_labels),
                        "value": _matrix(worth.correlation),
                        "low": _matrix(worth.correlation_low),
                        "high": _matrix(worth.correlation_high),
                    },
                    "mean_error_correlation": _estimate_json(worth.mean_correlation),
                    "effective_judges": _estimate_json(worth.effective),
                    "swap_alpha": _estimate_json(worth.swap),
                    "swap_gain_over_best": _estimate_json(worth.swap_gain_over_best),
                }
            )
        juries.append(
            {
                "jury": jury.name,
                "label": jury.label,
                "framework": jury.framework,
                "rule": jury.rule,
                "members": list(jury.member_labels),
                "n_items": len(jury.panel.items),
                "mean_difference": _estimate_json(jury.assessment.mean_difference),
                "selection_interval": jury.worth.selection_interval,
                "sub_components": subs,
                "notes": list(jury.notes),
            }
        )
    return {
        "settings": dict(report.settings or {}),
        "juries": juries,
        "notes": list(report.notes),
    }


def _matrix(values: np.ndarray) -> list[list[float | None]]:
    return [[_value(float(v)) for v in row] for row in values]


def correlation_charts(report: JuryReport) -> list[Chart]:
    """A small heat map per framework × member set: error correlation per sub-component."""
    import matplotlib

    matplotlib.use("Agg")  # reports are written on headless machines
    import matplotlib.pyplot as pyplot

    from .charts import Chart, _png, _short, file_stem

    charts: list[Chart] = []
    numbers: dict[str, int] = {}
    for jury in _correlation_juries(report):
        numbers[jury.framework] = n = numbers.get(jury.framework, 0) + 1
        subs = jury.worth.sub_components
        labels = [_short(m, 18) for m in jury.member_labels]
        m = len(labels)
        if m < 2:
            continue
        figure, axes = pyplot.subplots(
            1, len(subs), figsize=(1.25 * m * len(subs) + 1.5, 1.0 * m + 1.4), squeeze=False
        )
        image = None
        for axis, worth in zip(axes[0], subs, strict=True):
            image = axis.imshow(worth.correlation, vmin=-1.0, vmax=1.0, cmap="RdBu_r")
            for a in range(m):
                for b in range(m):
                    value = float(worth.correlation[a, b])
                    axis.text(
                        b,
                        a,
                        number(value),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if abs(value) > 0.6 else "black",
                    )
            axis.set_title(_short(worth.sub_component, 22), fontsize=8)
            axis.set_xticks(range(m))
            axis.set_yticks(range(m))
            axis.set_xticklabels(labels, rotation=45, ha="right", fontsize=7)
            axis.set_yticklabels(labels if axis is axes[0][0] else [], fontsize=7)
        if image is not None:
            figure.colorbar(image, ax=list(axes[0]), shrink=0.8, label="error correlation")
        charts.append(
            Chart(
                name=f"jury_correlation_{file_stem(jury.framework)}_{n}",
                section=jury.framework,
                title=f"{jury.framework}: correlation of the judges' errors (rating − expert "
                f"consensus) per sub-component, {len(jury.panel.items)} items",
                png=_png(figure),
            )
        )
    return charts


JURY_INTRO = (
    "A jury combines several judges' ratings of the same items (mean, median, majority, or a "
    "weighted mean whose weights are learned on the experts out of sample) and is judged like "
    "any candidate: Δ = jury − experts like for like, with its verdict. Gain over best = κ(jury) "
    "− κ(best member), with a simultaneous interval over the members (whichever is truly best); "
    "the point is conservative when members are close (the member that looks best overshoots), "
    "gain_cross_fitted in jury.csv is the unbiased but noisier figure. n_eff = n / (1 + (n − 1) "
    "ρ̄), ρ̄ the mean correlation of the judges' errors (rating − expert consensus). Swap α: "
    "Krippendorff's α with the jury in an expert's place, minus the experts' own."
)
_HEADER = [
    "jury",
    "rule",
    "sub-component",
    "Δ [interval]",
    "verdict",
    "gain over best [interval]",
    "best member",
    "n_eff [interval]",
    "swap α [interval]",
]


def _rows(report: JuryReport) -> list[list[str]]:
    rows = []
    for jury in report.juries:
        by_sub = {s.sub_component: s for s in jury.assessment.sub_components}
        for worth in jury.worth.sub_components:
            sub = by_sub[worth.sub_component]
            rows.append(
                [
                    f"{jury.name} ({MEMBER_SEPARATOR.join(jury.member_labels)})",
                    jury.rule,
                    worth.sub_component,
                    interval(sub.difference, signed=True),
                    sub.verdict,
                    interval(worth.gain_over_best, signed=True),
                    worth.best_member,
                    interval(worth.effective),
                    interval(worth.swap, signed=True),
                ]
            )
    return rows


def juries_html(report: JuryReport, charts: Sequence[Chart]) -> str:
    """The juries' section of the HTML report: heat maps and one row per jury × sub-component."""
    from .html import image_tag

    parts = ["<h2 id='juries'>Juries</h2>", f"<p class='muted'>{html_text(JURY_INTRO)}</p>"]
    for framework in dict.fromkeys(j.framework for j in report.juries):
        parts.append(f"<h3>{html_text(framework)}</h3>")
        for chart in charts:
            if chart.section == framework:
                parts.append(
                    f"<figure>{image_tag(chart)}<figcaption>{html_text(chart.title)}"
                    "</figcaption></figure>"
                )
        rows = [
            r
            for r, j in zip(_rows(report), _row_juries(report), strict=True)
            if j.framework == framework
        ]
        parts.append(
            "<table><tr>"
            + "".join(f"<th>{html_text(h)}</th>" for h in _HEADER)
            + "</tr>"
            + "".join(
                "<tr>" + "".join(f"<td>{html_text(c)}</td>" for c in row) + "</tr>" for row in rows
            )
            + "</table>"
        )
    if report.notes:
        parts.append(
            "<ul class='notes'>"
            + "".join(f"<li>{html_text(n)}</li>" for n in report.notes)
            + "</ul>"
        )
    return "\n".join(parts)


def _row_juries(report: JuryReport) -> list[FormedJury]:
    return [j for j in report.juries for _ in j.worth.sub_components]


def juries_markdown(report: JuryReport) -> str:
    """The juries as a Markdown table (what ``empathy-judge jury`` prints)."""
    lines = ["## Juries", "", markdown_text(JURY_INTRO), ""]
    lines.append("| framework | " + " | ".join(_HEADER) + " |")
    lines.append("|" + "---|" * (len(_HEADER) + 1))
    for jury, row in zip(_row_juries(report), _rows(report), strict=True):
        cells = [jury.framework, *row]
        lines.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
    for note in report.notes:
        lines.append(f"- {markdown_text(note)}")
    return "\n".join(lines) + "\n"


def write_jury_files(
    report: JuryReport, folder: Path, charts: Sequence[Chart] | None = None
) -> list[Path]:
    """Write ``jury.csv``, ``judge_error_correlation.csv``, ``jury_members.csv`` and heat maps.

    Returns:
        The files written.
    """
    from .charts import write_charts

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (
        ("jury.csv", jury_frame(report)),
        ("judge_error_correlation.csv", correlation_frame(report)),
        ("jury_members.csv", member_frame(report)),
    ):
        path = folder / name
        frame.to_csv(path, index=False)
        paths.append(path)
    chosen = list(charts) if charts is not None else correlation_charts(report)
    paths += write_charts(chosen, folder)
    return paths


def jury_page(report: JuryReport, charts: Sequence[Chart]) -> str:
    """``jury.html``: the juries alone, self-contained (no script, charts inline)."""
    from .html import CSP, CSS

    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<title>Empathy-judge juries</title>"
        f"<style>{CSS}</style></head><body><h1>Empathy-judge juries</h1>"
        + juries_html(report, charts)
        + "</body></html>"
    )


def write_jury_report(
    runs: RunSet,
    out: str | Path,
    juries: Sequence[str],
    *,
    rules: Sequence[str] | None = None,
    folds: int | None = None,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
) -> tuple[JuryReport, str]:
    """Form the juries and write their files alone (``empathy-judge jury``).

    Args:
        runs: The runs.
        out: Output folder (created).
        juries: ``NAME=MODEL,MODEL`` or ``all`` texts.
        rules: Combination rules (None: every rule that fits the scale).
        folds: Cross-fitting folds of the weighted rule (None: leave one item out).
        settings: Bootstrap resamples, seed and the intervals' coverage.

    Returns:
        The juries and their Markdown summary.

    Raises:
        JuryError: A jury that cannot be formed.
    """
    from .juries import form_juries, parse_jury
    from .render_json import dumps_json

    folder = Path(out)
    report = form_juries(
        runs,
        [parse_jury(text) for text in juries],
        rules=rules,
        folds=folds,
        settings=settings,
    )
    charts = correlation_charts(report)
    write_jury_files(report, folder, charts)
    (folder / "jury.json").write_text(dumps_json(juries_json(report)), encoding="utf-8")
    (folder / "jury.html").write_text(jury_page(report, charts), encoding="utf-8")
    markdown = juries_markdown(report)
    (folder / "jury.md").write_text(markdown, encoding="utf-8")
    return report, markdown
