"""Charts of the report, drawn with matplotlib's Agg backend (no display needed).

* `difference_chart`: per sub-component, each run's like-for-like difference Δ = candidate −
  experts (leave one expert out) with its interval, around 0 (expert level), the band from −δ
  to 0 that still counts as "at expert level", and the crowd's Δ (dashed) as the floor to beat.
* `distribution_chart`: how often each scale level is used by the experts, the crowd and each
  run on one framework; the crowd's leniency shows as a shift right.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: reports are written on headless machines

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..scorers.agreement import Assessment
from .results import FrameworkSection, Leaderboard

CROWD_COLOUR = "#c0392b"
MARGIN_COLOUR = "#9aa5b1"
MODEL_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "<", ">", "h")


@dataclass(frozen=True)
class Chart:
    """A rendered chart.

    Attributes:
        name: File stem (e.g. "loo_epitome").
        section: The section key it belongs to.
        title: Caption.
        png: PNG bytes.
    """

    name: str
    section: str
    title: str
    png: bytes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _short(text: str, limit: int = 28) -> str:
    # "$" would start matplotlib's mathtext (and fail on unbalanced input): escape it.
    # Control characters (a tab in a model name) have no glyph: show them as spaces.
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def file_stem(key: str) -> str:
    """A section key as a safe file-name part (``epitome#2`` → ``epitome-2``)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", key)


def _differences(assessment: Assessment, subs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    by_sub = {s.sub_component: s.difference for s in assessment.sub_components}
    value = np.array([by_sub[s].value if s in by_sub else math.nan for s in subs])
    low = np.array([by_sub[s].low if s in by_sub else math.nan for s in subs])
    high = np.array([by_sub[s].high if s in by_sub else math.nan for s in subs])
    errors = np.vstack([np.clip(value - low, 0, None), np.clip(high - value, 0, None)])
    return value, np.nan_to_num(errors)


def difference_chart(section: FrameworkSection, board: Leaderboard) -> Chart:
    """Δ (candidate − experts, leave one out) per sub-component for every run of a section.

    Args:
        section: The framework section.
        board: The leaderboard (settings, and one style per model across charts).

    Returns:
        The chart as PNG.
    """
    subs = list(section.sub_components)
    margin = board.settings.margin
    runs = [(r, r.assessment) for r in section.results if r.assessment is not None]
    figure, axes = plt.subplots(figsize=(max(6.0, 1.4 * len(subs) + 2.5), 4.2))
    x = np.arange(len(subs), dtype=np.float64)
    half = 0.4
    axes.axhspan(
        -margin, 0.0, color=MARGIN_COLOUR, alpha=0.3, linewidth=0, label="at expert level (−δ to 0)"
    )
    axes.axhline(0.0, color="#4a5561", linewidth=1.5, label="expert level (Δ = 0)")
    if section.crowd is not None:
        value, _ = _differences(section.crowd, subs)
        axes.hlines(
            value,
            x - half,
            x + half,
            colors=CROWD_COLOUR,
            linestyles="dashed",
            linewidth=1.6,
            label="crowd (in the reference)",
        )
    everyone = [r.label for r in board.overall]
    spread = np.linspace(-0.28, 0.28, len(runs)) if len(runs) > 1 else np.zeros(1)
    for k, (result, assessment) in enumerate(runs):
        style = everyone.index(result.label) if result.label in everyone else k
        value, errors = _differences(assessment, subs)
        axes.errorbar(
            x + spread[k],
            value,
            yerr=errors,
            fmt=MODEL_MARKERS[style % len(MODEL_MARKERS)],
            color=f"C{style % 10}",
            markersize=6,
            capsize=3,
            mfc="white" if result.is_reference else None,
            label=_short(result.label + (" (reference)" if result.is_reference else ""), 44),
        )
    axes.set_xticks(x)
    labels = [_short(section.sub_component_labels.get(s, s), 26) for s in subs]
    axes.set_xticklabels(labels, rotation=20, ha="right")
    axes.set_xlim(-0.6, len(subs) - 0.4)
    axes.set_ylabel("Δ κ: candidate − experts (leave one out)")
    axes.set_title(f"{section.title}: like-for-like difference from the experts")
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    axes.grid(axis="y", alpha=0.3)
    return Chart(
        name=f"loo_{file_stem(section.key)}",
        section=section.key,
        title=f"{section.title}: Δ per sub-component on {len(section.items)} items "
        f"(bars: {board.settings.bootstrap.confidence:.0%} interval; open markers: reference rows)",
        png=_png(figure),
    )


def distribution_chart(section: FrameworkSection) -> Chart:
    """Share of ratings at each scale level per rater on one framework (pooled sub-components).

    Fractional ratings (the crowd's per-item means) are counted at the nearest level.

    Args:
        section: The framework section.

    Returns:
        The chart as PNG.
    """
    scales = [section.spec.scales[s] for s in section.sub_components if s in section.spec.scales]
    raters = {k: v for k, v in section.distributions.items() if v.size}
    if scales:
        low, high = min(s[0] for s in scales), max(s[1] for s in scales)
    else:
        pooled = np.concatenate(list(raters.values())) if raters else np.zeros(1)
        low, high = float(np.floor(pooled.min())), float(np.ceil(pooled.max()))
    levels = np.arange(low, high + 1)
    figure, axes = plt.subplots(figsize=(max(6.0, 0.9 * len(levels) + 3.0), 3.8))
    width = 0.8 / max(len(raters), 1)
    for k, (name, values) in enumerate(raters.items()):
        nearest = np.clip(np.rint(values), low, high)
        shares = np.array([(nearest == level).mean() for level in levels])
        offset = (k - (len(raters) - 1) / 2) * width
        colour = CROWD_COLOUR if name == "Crowd" else ("#34495e" if name == "Experts" else None)
        axes.bar(
            levels + offset,
            shares,
            width=width,
            color=colour,
            label=f"{_short(name, 36)} (mean {values.mean():.2f})",
        )
    axes.set_xticks(levels)
    axes.set_xlabel("rating (all sub-components pooled)")
    axes.set_ylabel("share of ratings")
    axes.set_title(f"{section.title}: rating distribution")
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    axes.grid(axis="y", alpha=0.3)
    return Chart(
        name=f"ratings_{file_stem(section.key)}",
        section=section.key,
        title=f"{section.title}: how often each level is used (leniency)",
        png=_png(figure),
    )


def all_charts(board: Leaderboard) -> list[Chart]:
    """Both charts for every section of the leaderboard, Δ charts first."""
    return [
        *(difference_chart(s, board) for s in board.sections),
        *(distribution_chart(s) for s in board.sections),
    ]


def write_charts(charts: list[Chart], folder: Path) -> list[Path]:
    """Write each chart as ``<name>.png`` in a folder.

    Returns:
        The files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for chart in charts:
        path = folder / f"{chart.name}.png"
        path.write_bytes(chart.png)
        paths.append(path)
    return paths
