"""The regression gate: a candidate model's runs against a baseline's, on their shared items.

For every framework both sides ran and every sub-component, Δκw = κw(candidate, expert median)
− κw(baseline, expert median) is computed on the items both rated, with a paired item bootstrap
(the same resamples for both sides, `scorers.bootstrap.kappa_difference_statistic`). The verdict
of a sub-component, with tolerance T (default 0.05 κw):

* **regressed** when the whole interval of Δκw lies below −T,
* **improved** when the whole interval lies above +T,
* **unchanged** otherwise (including a difference too uncertain to call).

T guards against flagging differences too small to matter even when they are certain.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from empathy_judge.datasets.errors import EmpathyJudgeError
from empathy_judge.reports.logs import LogError, Run, RunSet, load_runs
from empathy_judge.scorers.bootstrap import (
    DEFAULT_RESAMPLES,
    bootstrap,
    kappa_difference_statistic,
)
from empathy_judge.scorers.common import FloatArray
from empathy_judge.scorers.kappa import weighted_kappa

DEFAULT_TOLERANCE = 0.05
Verdict = Literal["regressed", "improved", "unchanged"]
OutputFormat = Literal["text", "md", "json"]


class CompareError(EmpathyJudgeError, ValueError):
    """The two sides cannot be compared (usage or data error: exit code 2)."""


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a model's runs, one per framework.

    Attributes:
        spec: What the user gave (path or ``DIR:MODEL``).
        model: The model label.
        runs: Runs by framework id.
    """

    spec: str
    model: str
    runs: dict[str, Run]


@dataclass(frozen=True)
class SubComponentDelta:
    """Δκw of one sub-component.

    Attributes:
        framework: Framework id.
        sub_component: Release column name.
        baseline_kappa: Baseline's κw on the shared items.
        candidate_kappa: Candidate's κw on the shared items.
        delta: candidate − baseline.
        low: Lower bound of Δκw's paired-bootstrap interval.
        high: Upper bound.
        n_items: Shared items with an expert median and both ratings.
        verdict: "regressed", "improved" or "unchanged".
    """

    framework: str
    sub_component: str
    baseline_kappa: float
    candidate_kappa: float
    delta: float
    low: float
    high: float
    n_items: int
    verdict: Verdict


@dataclass(frozen=True)
class Comparison:
    """The result of comparing two sides.

    Attributes:
        baseline: Baseline side.
        candidate: Candidate side.
        tolerance: T.
        n_resamples: Bootstrap resamples.
        confidence: Interval coverage.
        deltas: One entry per framework × sub-component compared.
        notes: Frameworks only one side ran, and similar remarks.
    """

    baseline: Side
    candidate: Side
    tolerance: float
    n_resamples: int
    confidence: float
    deltas: tuple[SubComponentDelta, ...]
    notes: tuple[str, ...]

    @property
    def regressed(self) -> list[SubComponentDelta]:
        """Sub-components that regressed."""
        return [d for d in self.deltas if d.verdict == "regressed"]

    @property
    def exit_code(self) -> int:
        """0 when nothing regressed, 1 otherwise."""
        return 1 if self.regressed else 0


def verdict_of(low: float, high: float, tolerance: float) -> Verdict:
    """Verdict from Δκw's interval: below −T regressed, above +T improved, else unchanged."""
    if math.isfinite(high) and high < -tolerance:
        return "regressed"
    if math.isfinite(low) and low > tolerance:
        return "improved"
    return "unchanged"


def _split_spec(spec: str) -> tuple[Path, str | None]:
    path = Path(spec)
    if path.exists():
        return path, None
    folder, sep, model = spec.partition(":")
    if sep and model and Path(folder).is_dir():
        return Path(folder), model
    raise CompareError(f"{spec}: no such log file or folder (nor DIR:MODEL with an existing DIR)")


def resolve_side(spec: str) -> Side:
    """Read one side: a log file, a log folder (one model), or ``DIR:MODEL``.

    Raises:
        CompareError: Nothing usable, unreadable logs, or a folder holding several models.
    """
    path, model = _split_spec(spec)
    try:
        runs: RunSet = load_runs([path], model=model, strict=path.is_file())
    except LogError as error:
        raise CompareError(str(error)) from error
    if not runs.runs:
        reasons = "; ".join(f"{s.location}: {s.reason}" for s in runs.skipped)
        what = f"model {model!r} in {path}" if model else str(path)
        raise CompareError(f"{what}: no usable rating run" + (f" ({reasons})" if reasons else ""))
    models = runs.models
    if len(models) > 1:
        raise CompareError(
            f"{spec}: holds runs of several models {models}; name one with DIR:MODEL"
        )
    return Side(spec=spec, model=models[0], runs={r.framework: r for r in runs.runs})


def _aligned(
    baseline: Run, candidate: Run
) -> tuple[list[str], list[str], FloatArray, FloatArray, FloatArray]:
    base = baseline.ratings().set_index(["item_id", "sub_component"])
    cand = candidate.ratings().set_index(["item_id", "sub_component"])
    items = sorted(set(base.index.get_level_values(0)) & set(cand.index.get_level_values(0)))
    subs = [s for s in baseline.sub_components if s in set(candidate.sub_components)]

    def matrix(table: Any, column: str) -> FloatArray:
        wide = table[column].unstack("sub_component").reindex(index=items, columns=subs)
        return np.asarray(wide.to_numpy(dtype=np.float64))

    return (
        items,
        subs,
        matrix(base, "expert_median"),
        matrix(base, "rating"),
        matrix(cand, "rating"),
    )


def compare_sides(
    baseline: Side,
    candidate: Side,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Paired comparison of a candidate with a baseline per framework and sub-component.

    Args:
        baseline: The reference side (e.g. the model in production).
        candidate: The side under test (e.g. its update).
        tolerance: T, in κw units.
        n_resamples: Bootstrap resamples.
        confidence: Interval coverage.
        seed: Bootstrap seed.

    Returns:
        The comparison.

    Raises:
        CompareError: No framework in common, or no shared items.
    """
    if tolerance < 0:
        raise CompareError(f"tolerance must be >= 0, got {tolerance}")
    shared = [f for f in baseline.runs if f in candidate.runs]
    if not shared:
        raise CompareError(
            f"different frameworks: baseline ran {sorted(baseline.runs)}, "
            f"candidate ran {sorted(candidate.runs)}"
        )
    notes = [
        f"{f}: only the {side} ran it; not compared"
        for side, mine, other in (
            ("baseline", baseline, candidate),
            ("candidate", candidate, baseline),
        )
        for f in sorted(mine.runs)
        if f not in other.runs
    ]
    deltas: list[SubComponentDelta] = []
    for framework in shared:
        items, subs, reference, base, cand = _aligned(
            baseline.runs[framework], candidate.runs[framework]
        )
        if not items or not subs:
            notes.append(f"{framework}: no shared items or sub-components; not compared")
            continue
        result = bootstrap(
            kappa_difference_statistic(reference, cand, base),
            len(items),
            n_resamples=n_resamples,
            seed=seed,
            confidence=confidence,
        )
        for j, sub in enumerate(subs):
            complete = ~(np.isnan(reference[:, j]) | np.isnan(base[:, j]) | np.isnan(cand[:, j]))
            low, high = float(result.low[j]), float(result.high[j])
            deltas.append(
                SubComponentDelta(
                    framework=framework,
                    sub_component=sub,
                    baseline_kappa=weighted_kappa(reference[complete, j], base[complete, j]),
                    candidate_kappa=weighted_kappa(reference[complete, j], cand[complete, j]),
                    delta=float(result.estimate[j]),
                    low=low,
                    high=high,
                    n_items=int(complete.sum()),
                    verdict=verdict_of(low, high, tolerance),
                )
            )
    if not deltas:
        raise CompareError(
            f"no shared items between {baseline.spec} and {candidate.spec} (frameworks {shared})"
        )
    return Comparison(
        baseline=baseline,
        candidate=candidate,
        tolerance=tolerance,
        n_resamples=n_resamples,
        confidence=confidence,
        deltas=tuple(deltas),
        notes=tuple(notes),
    )


def compare_paths(
    baseline: str,
    candidate: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Comparison:
    """Resolve both sides from their specs and compare them (see `compare_sides`)."""
    return compare_sides(
        resolve_side(baseline),
        resolve_side(candidate),
        tolerance=tolerance,
        n_resamples=n_resamples,
        seed=seed,
    )


def _f(value: float) -> str:
    return f"{value:+.3f}" if math.isfinite(value) else "n/a"


def _k(value: float) -> str:
    return f"{value:.3f}" if math.isfinite(value) else "n/a"


def _summary(comparison: Comparison) -> str:
    regressed = comparison.regressed
    if regressed:
        names = ", ".join(f"{d.framework}/{d.sub_component}" for d in regressed)
        return f"REGRESSED ({len(regressed)}): {names}"
    return "no regression"


def _columns(d: SubComponentDelta) -> list[str]:
    return [
        d.framework,
        d.sub_component,
        _k(d.baseline_kappa),
        _k(d.candidate_kappa),
        _f(d.delta),
        f"[{_f(d.low)}, {_f(d.high)}]",
        str(d.n_items),
        d.verdict,
    ]


HEADER = ["framework", "sub-component", "κw base", "κw cand", "Δκw", "interval", "n", "verdict"]


def format_text(comparison: Comparison) -> str:
    """A plain-text table for a terminal or a CI log."""
    rows = [HEADER, *(_columns(d) for d in comparison.deltas)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [
        f"baseline:  {comparison.baseline.model} ({comparison.baseline.spec})",
        f"candidate: {comparison.candidate.model} ({comparison.candidate.spec})",
        f"Δκw = κw(candidate) − κw(baseline) vs the expert median, paired bootstrap "
        f"({comparison.n_resamples} resamples, {comparison.confidence:.0%}); "
        f"tolerance T = {comparison.tolerance:g}",
        "",
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines += ["", *comparison.notes, _summary(comparison)]
    return "\n".join(line for line in lines if line is not None)


def format_markdown(comparison: Comparison) -> str:
    """A Markdown table (e.g. for a pull-request comment)."""
    lines = [
        f"**Baseline** `{comparison.baseline.model}` · **candidate** "
        f"`{comparison.candidate.model}` · tolerance T = {comparison.tolerance:g}",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(["---"] * len(HEADER)) + "|",
    ]
    for d in comparison.deltas:
        cells = _columns(d)
        if d.verdict == "regressed":
            cells[-1] = "**regressed**"
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *(f"- {n}" for n in comparison.notes), "", f"**{_summary(comparison)}**"]
    return "\n".join(lines)


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """Every figure of the comparison, machine-readable."""

    def side(s: Side) -> dict[str, Any]:
        return {
            "spec": s.spec,
            "model": s.model,
            "logs": {f: r.location for f, r in s.runs.items()},
        }

    return {
        "baseline": side(comparison.baseline),
        "candidate": side(comparison.candidate),
        "tolerance": comparison.tolerance,
        "n_resamples": comparison.n_resamples,
        "confidence": comparison.confidence,
        "regressed": [f"{d.framework}/{d.sub_component}" for d in comparison.regressed],
        "exit_code": comparison.exit_code,
        "sub_components": [
            {
                "framework": d.framework,
                "sub_component": d.sub_component,
                "baseline_kappa": _num(d.baseline_kappa),
                "candidate_kappa": _num(d.candidate_kappa),
                "delta": _num(d.delta),
                "interval": [_num(d.low), _num(d.high)],
                "n_items": d.n_items,
                "verdict": d.verdict,
            }
            for d in comparison.deltas
        ],
        "notes": list(comparison.notes),
    }


def format_comparison(comparison: Comparison, output: OutputFormat) -> str:
    """The comparison in the chosen format ("text", "md" or "json")."""
    if output == "json":
        return json.dumps(comparison_json(comparison), indent=2, ensure_ascii=False)
    if output == "md":
        return format_markdown(comparison)
    return format_text(comparison)


__all__: Sequence[str] = (
    "DEFAULT_TOLERANCE",
    "CompareError",
    "Comparison",
    "Side",
    "SubComponentDelta",
    "compare_paths",
    "compare_sides",
    "format_comparison",
    "resolve_side",
    "verdict_of",
)
