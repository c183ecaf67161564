"""Charts of the report, drawn with matplotlib's Agg backend (no display needed).

* `kappa_chart`: per sub-component, each model's κw with its bootstrap interval against the
  expert ceiling (a band spanning the three expert pairs, its median as a line) and the crowd
  (the floor to beat), as in the study's main figure.
* `distribution_chart`: how often each scale level is used by the experts, the crowd, the
  published LLMs and the models on one framework; the crowd's leniency shows as a shift right.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: reports are written on headless machines

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from empathy_judge.datasets.rubric import load_framework
from empathy_judge.reports.leaderboard import Leaderboard, LeaderboardRow

CEILING_COLOUR = "#9aa5b1"
CROWD_COLOUR = "#c0392b"
MODEL_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "<", ">", "h")


@dataclass(frozen=True)
class Chart:
    """A rendered chart.

    Attributes:
        name: File stem (e.g. "kappa_epitome").
        title: Caption.
        png: PNG bytes.
    """

    name: str
    title: str
    png: bytes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kappa_chart(board: Leaderboard, framework: str) -> Chart:
    """κw per sub-component for every model and published LLM against the experts and crowd.

    Args:
        board: The leaderboard.
        framework: Framework id.

    Returns:
        The chart as PNG.
    """
    rubric = load_framework(framework)
    subs = list(board.sub_components[framework])
    labels = {s.column: s.label for s in rubric.sub_components}
    ceilings = board.ceilings[framework]
    candidates: list[LeaderboardRow] = [
        r for r in board.rows if framework in r.frameworks and r.kind in ("model", "published LLM")
    ]
    crowd = next((r for r in board.rows if r.kind == "crowd" and framework in r.frameworks), None)

    figure, axes = plt.subplots(figsize=(max(6.0, 1.5 * len(subs) + 2.5), 4.2))
    x = np.arange(len(subs), dtype=np.float64)
    half = 0.4
    for i, sub in enumerate(subs):
        ceiling = ceilings[sub]
        if math.isfinite(ceiling.low) and math.isfinite(ceiling.high):
            axes.fill_between(
                [x[i] - half, x[i] + half],
                ceiling.low,
                ceiling.high,
                color=CEILING_COLOUR,
                alpha=0.35,
                linewidth=0,
                label="expert pairs (range)" if i == 0 else "_pairs",
            )
            axes.hlines(
                ceiling.median,
                x[i] - half,
                x[i] + half,
                colors="#4a5561",
                linewidth=2,
                # Matplotlib leaves "_"-prefixed labels out of the legend.
                label="expert ceiling (median pair)" if i == 0 else "_ceiling",
            )
    if crowd is not None:
        by_sub = {s.sub_component: s for s in crowd.frameworks[framework].sub_components}
        values = [by_sub[s].kappa if s in by_sub else math.nan for s in subs]
        axes.hlines(
            values,
            x - half,
            x + half,
            colors=CROWD_COLOUR,
            linestyles="dashed",
            linewidth=1.6,
            label="crowd (floor)",
        )
    # One colour and marker per rater across every framework's chart.
    everyone = [r.label for r in board.rows if r.kind in ("model", "published LLM")]
    spread = np.linspace(-0.28, 0.28, max(len(candidates), 1)) if len(candidates) > 1 else [0.0]
    for k, row in enumerate(candidates):
        style = everyone.index(row.label)
        by_sub = {s.sub_component: s for s in row.frameworks[framework].sub_components}
        kappa = np.array([by_sub[s].kappa if s in by_sub else math.nan for s in subs])
        low = np.array([by_sub[s].low if s in by_sub else math.nan for s in subs])
        high = np.array([by_sub[s].high if s in by_sub else math.nan for s in subs])
        errors = np.vstack([np.clip(kappa - low, 0, None), np.clip(high - kappa, 0, None)])
        published = row.kind == "published LLM"
        axes.errorbar(
            x + spread[k],
            kappa,
            yerr=np.nan_to_num(errors),
            fmt=MODEL_MARKERS[style % len(MODEL_MARKERS)],
            color=f"C{style % 10}",
            markersize=6,
            capsize=3,
            mfc="white" if published else None,
            label=_short(row.label, 40),
        )
    axes.axhline(0.0, color="black", linewidth=0.6)
    axes.set_xticks(x)
    axes.set_xticklabels([_short(labels.get(s, s), 26) for s in subs], rotation=20, ha="right")
    axes.set_xlim(-0.6, len(subs) - 0.4)
    axes.set_ylabel("κw with the expert median")
    axes.set_title(f"{rubric.title}: agreement with experts per sub-component")
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    axes.grid(axis="y", alpha=0.3)
    return Chart(
        name=f"kappa_{framework}",
        title=f"{rubric.title}: κw per sub-component (bars: {board.confidence:.0%} interval)",
        png=_png(figure),
    )


def distribution_chart(board: Leaderboard, framework: str) -> Chart:
    """Share of ratings at each scale level per rater on one framework (pooled sub-components).

    Fractional ratings (the crowd's per-item means) are counted at the nearest level.

    Args:
        board: The leaderboard.
        framework: Framework id.

    Returns:
        The chart as PNG.
    """
    rubric = load_framework(framework)
    low = min(s.scale_min for s in rubric.sub_components)
    high = max(s.scale_max for s in rubric.sub_components)
    levels = np.arange(low, high + 1)
    raters = {k: v for k, v in board.distributions.get(framework, {}).items() if v.size}
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
    axes.set_title(f"{rubric.title}: rating distribution")
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    axes.grid(axis="y", alpha=0.3)
    return Chart(
        name=f"ratings_{framework}",
        title=f"{rubric.title}: how often each level is used (leniency)",
        png=_png(figure),
    )


def all_charts(board: Leaderboard) -> list[Chart]:
    """Both charts for every framework of the leaderboard, κw charts first."""
    return [
        *(kappa_chart(board, f) for f in board.frameworks),
        *(distribution_chart(board, f) for f in board.frameworks),
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
