"""The study's tables from the release's annotation files: kappa.csv, alpha.csv, summary.md.

Every number comes from `empathy_judge.scorers`; this module only decides which comparisons to
make and lays them out. Annotators are discovered from the ratings table, so extra LLM files
(GPT-4o, Claude 3.7 Sonnet, or any other annotator in group "llm") add their rows without code
changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..datasets.levels import Level
from ..datasets.ratings_table import STUDY_EXPERTS as EXPERTS
from ..datasets.rubric import load_framework
from ..scorers.agreement import Assessment, assess_many
from ..scorers.alpha import krippendorff_alpha
from ..scorers.bootstrap import (
    alpha_statistic,
    kappa_statistic,
    resample_counts,
)
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.classification import threshold_f1, weighted_f1
from ..scorers.kappa import paper_weighted_kappa, weighted_kappa_n
from ..scorers.panel import (
    CONSENSUS,
    PanelData,
    Scale,
    panel_from_table,
    validate_ratings,
)
from ..scorers.verdicts import MARGIN

#: LLMs in the order the study lists them; any other "llm" annotator follows, sorted.
KNOWN_LLMS: tuple[str, ...] = ("gemini-2.5-pro", "gpt-4o", "claude-3.7-sonnet")
CROWD = "crowd"
KAPPA_COLUMNS = [
    "framework",
    "sub_component",
    "pair",
    "kappa_paper",
    "p_value",
    "kappa",
    "ci_low",
    "ci_high",
    "n",
]
ALPHA_COLUMNS = ["framework", "sub_component", "raters", "level", "alpha", "ci_low", "ci_high"]
LEAVE_ONE_OUT_COLUMNS = [
    "framework",
    "sub_component",
    "annotator",
    "candidate_kappa",
    "expert_kappa",
    "difference",
    "lower",
    "upper",
    "verdict",
]
ALT_TEST_COLUMNS = ["framework", "sub_component", "annotator", "epsilon", "omega", "rho", "passes"]
#: The study's three expert pairs, in its order and orientation.
EXPERT_PAIRS: tuple[tuple[str, str], ...] = (
    ("expert1", "expert2"),
    ("expert2", "expert3"),
    ("expert3", "expert1"),
)
#: The `sub_component` value of a framework-mean row in alpha.csv.
FRAMEWORK_MEAN = "mean"


def llm_annotators(ratings: pd.DataFrame) -> list[str]:
    """The LLM annotators present: the study's three first (when present), then others sorted."""
    present = {str(a) for a in ratings.loc[ratings["group"] == "llm", "annotator"].unique()}
    known = [name for name in KNOWN_LLMS if name in present]
    return known + sorted(present - set(known))


def comparison_pairs(llms: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of kappa.csv, in the study's order, extended to every LLM present."""
    pairs: list[tuple[str, str]] = list(EXPERT_PAIRS)
    if llms:
        pairs.append((CONSENSUS, llms[0]))
    pairs.append((CONSENSUS, CROWD))
    if llms:
        pairs.append((llms[0], CROWD))
    for llm in llms[1:]:
        pairs.extend([(CONSENSUS, llm), (llm, CROWD)])
    pairs.extend(itertools.combinations(llms, 2))
    return pairs


def pair_name(a: str, b: str) -> str:
    """The name of a pair as in kappa.csv, e.g. experts-gemini-2.5-pro."""
    return f"{a}-{b}"


def framework_panels(ratings: pd.DataFrame, annotators: Sequence[str]) -> list[PanelData]:
    """Each framework's expert panel and the given other annotators, with the rubric's scales."""
    out = []
    for framework in pd.unique(ratings["framework"]):
        rubric = load_framework(str(framework))
        present = set(ratings.loc[ratings["framework"] == framework, "sub_component"])
        subs = [s for s in rubric.sub_components if s.column in present]
        out.append(
            panel_from_table(
                ratings,
                str(framework),
                sub_components=[s.column for s in subs],
                scales=[Scale(s.scale_min, s.scale_max) for s in subs],
                level=rubric.level_of_measurement,
                annotators=annotators,
            )
        )
    return out


def _series(data: PanelData, sub: str, name: str) -> np.ndarray:
    return np.ascontiguousarray(data.ratings_of(name)[:, data.panel.sub_components.index(sub)])


def kappa_table(
    ratings: pd.DataFrame,
    *,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
) -> pd.DataFrame:
    """kappa.csv: paper-mode κw with p-value, value-based κw with a bootstrap CI, and n.

    Items are resampled per framework (one resample matrix shared by all of the framework's
    sub-components and pairs), with the same seed for every framework.

    Args:
        ratings: The long ratings table.
        settings: Bootstrap resamples, seed and the CI's coverage.

    Returns:
        One row per framework, sub-component and pair.
    """
    validate_ratings(ratings)
    llms = llm_annotators(ratings)
    pairs = comparison_pairs(llms)
    rows: list[dict[str, object]] = []
    tail = (1.0 - settings.confidence) / 2.0
    for data in framework_panels(ratings, [CROWD, *llms]):
        present = [(a, b) for a, b in pairs if data.has(a) and data.has(b)]
        keys = [(sub, a, b) for sub in data.panel.sub_components for a, b in present]
        x = np.column_stack([_series(data, sub, a) for sub, a, _ in keys])
        y = np.column_stack([_series(data, sub, b) for sub, _, b in keys])
        counts = resample_counts(len(data.panel.items), settings.n_resamples, settings.seed)
        replicates = kappa_statistic(x, y)(counts)
        with np.errstate(all="ignore"):
            low = np.nanquantile(replicates, tail, axis=0)
            high = np.nanquantile(replicates, 1.0 - tail, axis=0)
        for column, (sub, a, b) in enumerate(keys):
            paper = paper_weighted_kappa(x[:, column], y[:, column])
            value, n = weighted_kappa_n(x[:, column], y[:, column])
            rows.append(
                {
                    "framework": data.panel.framework,
                    "sub_component": sub,
                    "pair": pair_name(a, b),
                    "kappa_paper": paper.kappa,
                    "p_value": paper.p_value,
                    "kappa": value,
                    "ci_low": float(low[column]),
                    "ci_high": float(high[column]),
                    "n": n,
                }
            )
    return pd.DataFrame(rows, columns=KAPPA_COLUMNS)


def alpha_table(
    ratings: pd.DataFrame,
    *,
    level: Level = "interval",
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
) -> pd.DataFrame:
    """alpha.csv: α among the experts, and among the LLMs when two or more are present.

    Each framework also gets a row with sub_component "mean": the mean α over its
    sub-components (the study's framework value), its CI from the same resamples.

    Args:
        ratings: The long ratings table.
        level: Level of measurement for α.
        settings: Bootstrap resamples, seed and the CI's coverage.

    Returns:
        One row per framework, rater set and sub-component (and the framework mean).
    """
    validate_ratings(ratings)
    llms = llm_annotators(ratings)
    panels = [list(EXPERTS)] + ([llms] if len(llms) >= 2 else [])
    rows: list[dict[str, object]] = []
    tail = (1.0 - settings.confidence) / 2.0
    for data in framework_panels(ratings, [CROWD, *llms]):
        counts = resample_counts(len(data.panel.items), settings.n_resamples, settings.seed)
        framework = data.panel.framework
        for panel in panels:
            raters = "+".join(panel)
            estimates = []
            replicate_columns = []
            for sub in data.panel.sub_components:
                matrix = np.vstack([_series(data, sub, r) for r in panel])
                estimates.append(krippendorff_alpha(matrix, level))
                replicate_columns.append(alpha_statistic(matrix, level)(counts)[:, 0])
            replicates = np.column_stack(replicate_columns)
            with np.errstate(all="ignore"):
                low = np.nanquantile(replicates, tail, axis=0)
                high = np.nanquantile(replicates, 1.0 - tail, axis=0)
                mean_replicates = np.nanmean(replicates, axis=1)
            for i, sub in enumerate(data.panel.sub_components):
                rows.append(
                    _alpha_row(framework, sub, raters, level, estimates[i], low[i], high[i])
                )
            rows.append(
                _alpha_row(
                    framework,
                    FRAMEWORK_MEAN,
                    raters,
                    level,
                    float(np.nanmean(estimates)),
                    float(np.nanquantile(mean_replicates, tail)),
                    float(np.nanquantile(mean_replicates, 1.0 - tail)),
                )
            )
    return pd.DataFrame(rows, columns=ALPHA_COLUMNS)


def _alpha_row(
    framework: str, sub: str, raters: str, level: str, alpha: float, low: float, high: float
) -> dict[str, object]:
    return {
        "framework": framework,
        "sub_component": sub,
        "raters": raters,
        "level": level,
        "alpha": float(alpha),
        "ci_low": float(low),
        "ci_high": float(high),
    }


def assessments(
    ratings: pd.DataFrame, *, settings: BootstrapSettings = DEFAULT_BOOTSTRAP
) -> dict[str, dict[str, Assessment]]:
    """Every non-expert annotator (crowd, each LLM) against each framework's expert panel.

    Args:
        ratings: The long ratings table.
        settings: Bootstrap resamples, seed and the intervals' coverage.

    Returns:
        ``{framework: {annotator: Assessment}}`` (see `empathy_judge.scorers.agreement`).
    """
    candidates = [CROWD, *llm_annotators(ratings)]
    out: dict[str, dict[str, Assessment]] = {}
    for data in framework_panels(ratings, candidates):
        present = {name: data.ratings_of(name) for name in candidates if data.has(name)}
        out[data.panel.framework] = assess_many(data.panel, present, settings=settings)
    return out


def leave_one_out_table(results: dict[str, dict[str, Assessment]]) -> pd.DataFrame:
    """leave_one_out.csv: the like-for-like expert benchmark per annotator and sub-component."""
    rows = [
        {
            "framework": framework,
            "sub_component": sub.sub_component,
            "annotator": name,
            "candidate_kappa": sub.loo_candidate.value,
            "expert_kappa": sub.loo_experts.value,
            "difference": sub.difference.value,
            "lower": sub.difference.low,
            "upper": sub.difference.high,
            "verdict": sub.verdict,
        }
        for framework, by_name in results.items()
        for name, assessment in by_name.items()
        for sub in assessment.sub_components
    ]
    return pd.DataFrame(rows, columns=LEAVE_ONE_OUT_COLUMNS)


def alt_test_table(results: dict[str, dict[str, Assessment]]) -> pd.DataFrame:
    """alt_test.csv: the Alternative Annotator Test per annotator and sub-component."""
    rows = [
        {
            "framework": framework,
            "sub_component": sub.sub_component,
            "annotator": name,
            "epsilon": sub.alt_test.epsilon,
            "omega": sub.alt_test.omega,
            "rho": sub.alt_test.rho,
            "passes": sub.alt_test.passes,
        }
        for framework, by_name in results.items()
        for name, assessment in by_name.items()
        for sub in assessment.sub_components
        if sub.alt_test is not None
    ]
    return pd.DataFrame(rows, columns=ALT_TEST_COLUMNS)


def _like_for_like(results: dict[str, dict[str, Assessment]]) -> list[str]:
    names = list(dict.fromkeys(n for by_name in results.values() for n in by_name))
    lines = [
        "## Like for like: each candidate against the same reference as an expert",
        "",
        "Leave one expert out: for each expert k, the reference is the mean of the other experts;"
        " κw(candidate, reference) is set beside κw(expert k, reference) on the same items and"
        " averaged over k (`leave_one_out.csv`). Verdicts read the 95% paired item-bootstrap"
        f" interval of the difference with a non-inferiority margin of {MARGIN:.2f} κw: above"
        " (interval above 0), at (lower bound ≥ −margin), below (interval below 0 and past the"
        " margin), inconclusive (otherwise). The Alternative Annotator Test (Calderon et al.,"
        " 2025; `alt_test.csv`) passes when the candidate beats at least half of the experts.",
        "",
        "| candidate | sub-components | candidate ≥ experts (point) | above | at | below "
        "| inconclusive | alt-test passes | paper's test: κw ≥ own expert median |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        subs = [
            s
            for by_name in results.values()
            if name in by_name
            for s in by_name[name].sub_components
        ]
        point = sum(s.loo_candidate.value >= s.loo_experts.value for s in subs)
        counts = {
            v: sum(s.verdict == v for s in subs) for v in ("above", "at", "below", "inconclusive")
        }
        passes = sum(bool(s.alt_test and s.alt_test.passes) for s in subs)
        paper = sum(s.paper_reaches_ceiling for s in subs)
        lines.append(
            f"| {name} | {len(subs)} | {point} | {counts['above']} | {counts['at']} "
            f"| {counts['below']} | {counts['inconclusive']} | {passes} | {paper} |"
        )
    lines += [
        "",
        "The last column is the study's comparison (κw against the median of the three experts"
        " set beside the median expert pair), kept for reproduction: the median of three experts"
        " is less noisy than one expert, so it favours the candidate.",
        "",
    ]
    return lines


def summary_markdown(
    ratings: pd.DataFrame,
    kappa: pd.DataFrame,
    alpha: pd.DataFrame,
    results: dict[str, dict[str, Assessment]],
) -> str:
    """summary.md: medians, the like-for-like verdicts, F1 contrast, inflation, expert swap."""
    llms = llm_annotators(ratings)
    candidates = [*llms, CROWD]
    lines = ["# Reproduction of Kumar et al. (2025): agreement with experts", ""]
    lines += [
        "κw in the study's computation (×100, rounded, category-index quadratic weights); "
        "`kappa.csv` also has the value-based κw with bootstrap intervals.",
        "",
    ]
    expert_pairs = {pair_name(a, b) for a, b in EXPERT_PAIRS}
    expert_rows = kappa[kappa["pair"].isin(expert_pairs)]
    threshold = float(np.nanmedian(expert_rows["kappa_paper"]))
    ceilings = expert_rows.groupby(["framework", "sub_component"])["kappa_paper"].median()
    lines += ["## Medians over sub-components", "", "| comparison | median κw | sub-components |"]
    lines += ["|---|---|---|"]
    lines.append(f"| expert pairs (all) | {threshold:.2f} | {len(expert_rows)} values |")
    by_pair = {str(p): g for p, g in kappa.groupby("pair")}
    for name in [*candidates]:
        rows = by_pair.get(pair_name(CONSENSUS, name))
        if rows is not None:
            median = float(np.nanmedian(rows["kappa_paper"]))
            lines.append(f"| Experts–{name} | {median:.2f} | {len(rows)} |")
    for llm in llms:
        rows = by_pair.get(pair_name(llm, CROWD))
        if rows is not None:
            lines.append(
                f"| {llm}–crowd | {float(np.nanmedian(rows['kappa_paper'])):.2f} | {len(rows)} |"
            )
    lines += ["", f"High-agreement threshold (median of expert-pair κw): **{threshold:.2f}**.", ""]

    crowd = by_pair.get(pair_name(CONSENSUS, CROWD))
    crowd_kappa = (
        crowd.set_index(["framework", "sub_component"])["kappa_paper"]
        if crowd is not None
        else None
    )
    lines += _like_for_like(results)
    lines += [
        "## Candidates against the expert benchmark (the paper's comparison)",
        "",
        "| candidate | sub-components | κw ≥ threshold | κw ≥ own expert median "
        "| beats the crowd |",
        "|---|---|---|---|---|",
    ]
    for name in candidates:
        rows = by_pair.get(pair_name(CONSENSUS, name))
        if rows is None:
            continue
        indexed = rows.set_index(["framework", "sub_component"])["kappa_paper"]
        reach = int((indexed >= threshold).sum())
        own = int((indexed >= ceilings.reindex(indexed.index)).sum())
        beats = (
            "—"
            if name == CROWD or crowd_kappa is None
            else str(int((indexed > crowd_kappa.reindex(indexed.index)).sum()))
        )
        lines.append(f"| {name} | {len(indexed)} | {reach} | {own} | {beats} |")
    lines.append("")

    lines += _f1_contrast(ratings, candidates)
    lines += _inflation(ratings, candidates)
    lines += _swap(results, llms)
    experts_alpha = alpha[
        (alpha["raters"] == "+".join(EXPERTS)) & (alpha["sub_component"] == FRAMEWORK_MEAN)
    ]
    lines += [
        "## Krippendorff's α among the experts (framework means)",
        "",
        "| framework | α | 95% CI |",
    ]
    lines += ["|---|---|---|"]
    for row in experts_alpha.itertuples(index=False):
        lines.append(
            f"| {row.framework} | {row.alpha:.3f} | [{row.ci_low:.3f}, {row.ci_high:.3f}] |"
        )
    lines.append("")
    return "\n".join(lines)


def _f1_contrast(ratings: pd.DataFrame, candidates: Sequence[str]) -> list[str]:
    lines = [
        "## κw against the standard classification metrics",
        "",
        "Means over each framework's sub-components; F1 on labels rounded half up against the "
        "rounded expert median; threshold F1 = binary F1 of rating ≥ t, mean [min, max] over t.",
        "",
        "| framework | candidate | κw | weighted F1 | threshold F1 |",
        "|---|---|---|---|---|",
    ]
    for data in framework_panels(ratings, candidates):
        for name in candidates:
            if not data.has(name):
                continue
            kappas, f1s, means, lows, highs = [], [], [], [], []
            for j, sub in enumerate(data.panel.sub_components):
                reference = _series(data, sub, CONSENSUS)
                rated = _series(data, sub, name)
                scale = data.panel.scales[j]
                low, high = int(scale.low), int(scale.high)
                kappas.append(paper_weighted_kappa(reference, rated).kappa)
                f1s.append(weighted_f1(reference, rated))
                thresholds = threshold_f1(reference, rated, low, high)
                means.append(thresholds.mean)
                lows.append(thresholds.min)
                highs.append(thresholds.max)
            lines.append(
                f"| {data.panel.framework} | {name} | {np.nanmean(kappas):.2f} | "
                f"{np.nanmean(f1s):.2f} | "
                f"{np.nanmean(means):.2f} [{np.nanmin(lows):.2f}, {np.nanmax(highs):.2f}] |"
            )
    lines.append("")
    return lines


def _inflation(ratings: pd.DataFrame, candidates: Sequence[str]) -> list[str]:
    header = " | ".join(["framework", "expert median", *candidates])
    lines = [
        "## Mean rating per annotator (leniency; the crowd's inflation)",
        "",
        f"| {header} |",
        "|" + "---|" * (2 + len(candidates)),
    ]
    for data in framework_panels(ratings, candidates):
        consensus = data.ratings_of(CONSENSUS)
        cells = [f"{np.nanmean(consensus):.2f}"]
        for name in candidates:
            if not data.has(name):
                cells.append("—")
                continue
            values = data.ratings_of(name)
            if np.isnan(values).all():
                cells.append("—")
                continue
            both = ~np.isnan(values) & ~np.isnan(consensus)
            shift = float(np.mean(values[both] - consensus[both]))
            cells.append(f"{np.nanmean(values):.2f} ({shift:+.2f})")
        lines.append(f"| {data.panel.framework} | " + " | ".join(cells) + " |")
    lines += ["", "In brackets: mean shift against the expert median on the same items.", ""]
    return lines


def _swap(results: dict[str, dict[str, Assessment]], llms: Sequence[str]) -> list[str]:
    if not llms:
        return []
    lines = [
        "## Expert swap: the panel's α with an LLM in place of each expert",
        "",
        "Framework means of α; the swapped value is the mean over the three experts replaced.",
        "",
        "| framework | experts' α | " + " | ".join(f"with {llm}" for llm in llms) + " |",
        "|" + "---|" * (2 + len(llms)),
    ]
    for framework, by_name in results.items():
        cells = []
        base: list[float] = []
        for llm in llms:
            if llm not in by_name:
                cells.append("—")
                continue
            subs = by_name[llm].sub_components
            base = [s.experts_alpha for s in subs]
            cells.append(f"{np.nanmean([s.experts_alpha + s.swap.value for s in subs]):.3f}")
        experts = f"{np.nanmean(base):.3f}" if base else "—"
        lines.append(f"| {framework} | {experts} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


@dataclass(frozen=True)
class Reproduction:
    """The tables written by `reproduce`.

    Attributes:
        kappa: The kappa.csv table.
        alpha: The alpha.csv table.
        leave_one_out: The leave_one_out.csv table.
        alt_test: The alt_test.csv table.
        summary: The summary.md text.
        out_dir: Where they were written.
    """

    kappa: pd.DataFrame
    alpha: pd.DataFrame
    leave_one_out: pd.DataFrame
    alt_test: pd.DataFrame
    summary: str
    out_dir: Path


def reproduce(
    ratings: pd.DataFrame,
    out_dir: str | Path,
    *,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
    level: Level = "interval",
) -> Reproduction:
    """Compute and write kappa.csv, alpha.csv, leave_one_out.csv, alt_test.csv and summary.md.

    Args:
        ratings: The long ratings table (from `load_ratings`).
        out_dir: Output folder (created if needed).
        settings: Bootstrap resamples, their seed and the intervals' coverage.
        level: Level of measurement for α (the study used interval throughout).
    """
    # Individual crowd raters are not part of the study's tables (the crowd is its per-item mean).
    table = ratings[ratings["annotator"].isin([*EXPERTS, CROWD, *llm_annotators(ratings)])]
    kappa = kappa_table(table, settings=settings)
    alpha = alpha_table(table, level=level, settings=settings)
    results = assessments(table, settings=settings)
    leave_one_out = leave_one_out_table(results)
    alt = alt_test_table(results)
    summary = summary_markdown(table, kappa, alpha, results)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    kappa.to_csv(out / "kappa.csv", index=False)
    alpha.to_csv(out / "alpha.csv", index=False)
    leave_one_out.to_csv(out / "leave_one_out.csv", index=False)
    alt.to_csv(out / "alt_test.csv", index=False)
    (out / "summary.md").write_text(summary, encoding="utf-8")
    return Reproduction(kappa, alpha, leave_one_out, alt, summary, out)
