"""`empathy-judge estimate`: the experts' mean over a whole corpus, from a judge and a few labels.

A validated judge is used to *score* a corpus (say a companion chatbot's conversations) that the
experts rated only in part. Per framework and sub-component, the estimand is the mean of the
expert consensus over the corpus's population of items. On the labelled items (those with an
expert consensus and a judge rating) the judge's bias is measured; on the unlabelled ones (a
judge rating, no consensus) the judge stands in for the experts; prediction-powered inference
with power tuning (`empathy_judge.scorers.prediction_powered`, PPI++) combines the two into an
unbiased estimate with a valid CLT interval, never wider than the experts-only one as n grows.
Beside it: the experts-only mean and interval (the labelled items alone) and the judge-only mean
(every item the judge rated; biased by the judge's leniency, labelled as such).

Decisions:

* The labelled items must be a random subset of the corpus: PPI corrects the judge's bias, not
  a choice of which items the experts rated.
* The consensus is the panel's rule (`Panel.consensus`: the rubric's median by default) over at
  least a majority of the panel; an item with fewer expert ratings is unlabelled. A panel of one
  expert is refused: the estimand is the consensus of several experts, and one rater's mean is
  not that (`EstimateError`).
* Items the experts rated but the judge did not are left out (PPI needs f on every labelled
  item), and counted in the notes.

Two systems' corpora rated by the same judge (``--compare-to``) give the difference of their
estimates, a − b, from independent samples: SE² = SE_a² + SE_b² (Welch–Satterthwaite degrees of
freedom), with each side's own λ̂ (the λ that minimises each variance minimises their sum).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from ..datasets.errors import EmpathyJudgeError
from ..scorers.prediction_powered import (
    DEFAULT_LEVEL,
    MeanIntervals,
    as_float,
    difference_of,
    ppi_mean,
)
from .corpora import JudgedCorpus

#: Fewest labelled items a sub-component's estimate is given on.
MIN_LABELLED = 2


class EstimateError(EmpathyJudgeError, ValueError):
    """A corpus cannot give an estimate (no experts, one expert, no overlap with the judge)."""


@dataclass(frozen=True)
class EstimateRow:
    """One sub-component's estimates of the mean expert consensus over the corpus.

    Attributes:
        framework: Framework id.
        sub_component: Sub-component.
        judge: The judge whose ratings powered the estimate.
        estimate: PPI++ estimate of the mean consensus.
        lower: Its interval's lower bound.
        upper: Its upper bound.
        std_error: Its standard error.
        lam: The power-tuning λ̂ (0: the judge was not used; 1: plain PPI).
        experts_only: Mean consensus of the labelled items.
        experts_only_lower: Its CLT interval's lower bound.
        experts_only_upper: Its upper bound.
        experts_only_std_error: Its standard error.
        judge_only: Mean of the judge over every item it rated (biased: no correction).
        judge_bias: Mean judge − consensus on the labelled items.
        n_labelled: Items with a consensus and a judge rating.
        n_unlabelled: Items with a judge rating only.
        level: Interval coverage.
        withheld_truth: With experts withheld for a demonstration (``--labelled``), the mean
            consensus over every judged item before withholding: what the estimate should
            recover; NaN otherwise.
    """

    framework: str
    sub_component: str
    judge: str
    estimate: float
    lower: float
    upper: float
    std_error: float
    lam: float
    experts_only: float
    experts_only_lower: float
    experts_only_upper: float
    experts_only_std_error: float
    judge_only: float
    judge_bias: float
    n_labelled: int
    n_unlabelled: int
    level: float
    withheld_truth: float = math.nan


@dataclass(frozen=True)
class DifferenceRow:
    """One sub-component's difference between two corpora (a − b), same judge.

    Attributes:
        framework: ``a`` framework id (``a vs b`` when they differ).
        sub_component: Sub-component.
        difference: PPI++ estimate a − b.
        lower: Its interval's lower bound.
        upper: Its upper bound.
        experts_only_difference: Experts-only a − b.
        experts_only_lower: Its lower bound.
        experts_only_upper: Its upper bound.
        judge_only_difference: Judge-only a − b (biased only if the judge's bias differs).
        n_labelled_a: Labelled items of a.
        n_unlabelled_a: Unlabelled items of a.
        n_labelled_b: Labelled items of b.
        n_unlabelled_b: Unlabelled items of b.
    """

    framework: str
    sub_component: str
    difference: float
    lower: float
    upper: float
    experts_only_difference: float
    experts_only_lower: float
    experts_only_upper: float
    judge_only_difference: float
    n_labelled_a: int
    n_unlabelled_a: int
    n_labelled_b: int
    n_unlabelled_b: int


@dataclass(frozen=True)
class EstimateReport:
    """Everything `estimate` prints.

    Attributes:
        rows: One per framework × sub-component of the source.
        compared: The second corpus's rows (``--compare-to``), if any.
        differences: a − b per shared sub-component, if compared.
        notes: What the reader must know.
        sources: The sources read.
    """

    rows: tuple[EstimateRow, ...]
    compared: tuple[EstimateRow, ...] = ()
    differences: tuple[DifferenceRow, ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default_factory=tuple)


def _checked(corpus: JudgedCorpus) -> None:
    panel = corpus.panel
    where = f"{corpus.source} ({corpus.framework})"
    if panel.n_raters < 2:
        names = ", ".join(panel.raters) or "none"
        raise EstimateError(
            f"{where}: one expert ({names}); estimate targets the consensus of several experts, "
            "and one rater's mean is not that: add a second expert's ratings of the labelled items"
        )
    consensus = panel.consensus()
    if np.isnan(consensus).all():
        raise EstimateError(
            f"{where}: no item has an expert consensus (at least {panel.needed} of the "
            f"{panel.n_raters} experts); estimate needs experts on some items"
        )
    both = ~np.isnan(consensus) & ~np.isnan(corpus.ratings)
    if not both.any():
        raise EstimateError(
            f"{where}: no item is rated by both {corpus.judge} and the experts "
            f"({int((~np.isnan(consensus)).any(axis=1).sum())} expert-rated items, "
            f"{int((~np.isnan(corpus.ratings)).any(axis=1).sum())} judge-rated, none shared)"
        )


def estimate_corpus(
    corpus: JudgedCorpus, *, level: float = DEFAULT_LEVEL
) -> tuple[list[EstimateRow], list[str]]:
    """PPI++ estimates per sub-component of one corpus.

    Args:
        corpus: The judged corpus.
        level: Interval coverage.

    Returns:
        The rows (in the panel's order) and notes.

    Raises:
        EstimateError: One expert, no expert consensus anywhere, or no item rated by both.
    """
    _checked(corpus)
    consensus = corpus.panel.consensus()
    rows: list[EstimateRow] = []
    notes: list[str] = []
    for j, sub in enumerate(corpus.sub_components):
        y, f = consensus[:, j], corpus.ratings[:, j]
        judged = ~np.isnan(f)
        labelled = judged & ~np.isnan(y)
        unlabelled = judged & np.isnan(y)
        dropped = int((~judged & ~np.isnan(y)).sum())
        if dropped:
            notes.append(
                f"{corpus.framework}/{sub}: {dropped} expert-rated items have no judge rating "
                "and are left out"
            )
        if labelled.sum() < MIN_LABELLED:
            notes.append(
                f"{corpus.framework}/{sub}: {int(labelled.sum())} labelled item(s); an estimate "
                f"needs {MIN_LABELLED}"
            )
            nan = math.nan
            rows.append(
                EstimateRow(
                    corpus.framework, sub, corpus.judge, nan, nan, nan, nan, nan, nan, nan, nan,
                    nan, nan, nan, int(labelled.sum()), int(unlabelled.sum()), level,
                )
            )  # fmt: skip
            continue
        if not unlabelled.any():
            notes.append(
                f"{corpus.framework}/{sub}: the experts rated every judged item; the estimate "
                "is their mean (the judge has nothing to add; --labelled N withholds some)"
            )
        result = ppi_mean(y[labelled], f[labelled], f[unlabelled], level=level)
        rows.append(
            EstimateRow(
                framework=corpus.framework,
                sub_component=sub,
                judge=corpus.judge,
                estimate=as_float(result.ppi.estimate),
                lower=as_float(result.ppi.lower),
                upper=as_float(result.ppi.upper),
                std_error=as_float(result.ppi.std_error),
                lam=as_float(result.lam),
                experts_only=as_float(result.experts_only.estimate),
                experts_only_lower=as_float(result.experts_only.lower),
                experts_only_upper=as_float(result.experts_only.upper),
                experts_only_std_error=as_float(result.experts_only.std_error),
                judge_only=as_float(result.judge_only),
                judge_bias=as_float(result.judge_bias),
                n_labelled=result.n_labelled,
                n_unlabelled=result.n_unlabelled,
                level=level,
                withheld_truth=corpus.withheld_means.get(sub, math.nan),
            )
        )
    return rows, notes


def _intervals(row: EstimateRow, experts_only: bool) -> MeanIntervals:
    """The row's estimate and standard error (its bounds are rebuilt by `difference_of`)."""
    value = row.experts_only if experts_only else row.estimate
    se = row.experts_only_std_error if experts_only else row.std_error
    nan = np.asarray(math.nan)
    return MeanIntervals(
        np.asarray(value), np.asarray(se), nan, nan, np.asarray(row.n_labelled - 1.0)
    )


def differences(
    a: Sequence[EstimateRow], b: Sequence[EstimateRow], *, level: float = DEFAULT_LEVEL
) -> list[DifferenceRow]:
    """The differences a − b per sub-component two corpora share (independent samples, CLT).

    Rows are paired by (framework, sub-component); when each side holds one framework and
    their ids differ (two packs of one rubric), by sub-component alone.

    Raises:
        EstimateError: No sub-component in common.
    """
    single = len({r.framework for r in a}) == 1 and len({r.framework for r in b}) == 1
    index = {(("" if single else r.framework), r.sub_component): r for r in b}
    out = []
    for row in a:
        other = index.get((("" if single else row.framework), row.sub_component))
        if other is None:
            continue
        ppi = difference_of(_intervals(row, False), _intervals(other, False), level=level)
        classical = difference_of(_intervals(row, True), _intervals(other, True), level=level)
        name = (
            row.framework
            if row.framework == other.framework
            else f"{row.framework} vs {other.framework}"
        )
        out.append(
            DifferenceRow(
                framework=name,
                sub_component=row.sub_component,
                difference=as_float(ppi.estimate),
                lower=as_float(ppi.lower),
                upper=as_float(ppi.upper),
                experts_only_difference=as_float(classical.estimate),
                experts_only_lower=as_float(classical.lower),
                experts_only_upper=as_float(classical.upper),
                judge_only_difference=row.judge_only - other.judge_only,
                n_labelled_a=row.n_labelled,
                n_unlabelled_a=row.n_unlabelled,
                n_labelled_b=other.n_labelled,
                n_unlabelled_b=other.n_unlabelled,
            )
        )
    if not out:
        raise EstimateError("the two corpora share no sub-component to compare")
    return out


def estimate_report(
    corpora: Sequence[JudgedCorpus],
    compare_to: Sequence[JudgedCorpus] = (),
    *,
    level: float = DEFAULT_LEVEL,
) -> EstimateReport:
    """Estimates for every corpus, and the differences with a second source's corpora.

    Raises:
        EstimateError: See `estimate_corpus`; no shared sub-component when comparing.
    """
    rows: list[EstimateRow] = []
    notes: list[str] = [n for c in corpora for n in c.notes]
    for corpus in corpora:
        found, said = estimate_corpus(corpus, level=level)
        rows += found
        notes += said
    compared: list[EstimateRow] = []
    diffs: list[DifferenceRow] = []
    if compare_to:
        notes += [f"compared: {n}" for c in compare_to for n in c.notes]
        for corpus in compare_to:
            found, said = estimate_corpus(corpus, level=level)
            compared += found
            notes += [f"compared: {n}" for n in said]
        diffs = differences(rows, compared, level=level)
    return EstimateReport(
        rows=tuple(rows),
        compared=tuple(compared),
        differences=tuple(diffs),
        notes=tuple(notes),
        sources=tuple(dict.fromkeys(c.source for c in [*corpora, *compare_to])),
    )


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def report_json(report: EstimateReport) -> str:
    """The report as JSON: ``rows``, ``compared``, ``differences`` (NaN as null), ``notes``."""

    def clean(rows: Sequence[EstimateRow | DifferenceRow]) -> list[dict[str, object]]:
        return [
            {k: _number(v) if isinstance(v, float) else v for k, v in asdict(r).items()}
            for r in rows
        ]

    return json.dumps(
        {
            "estimand": "mean of the expert consensus over the corpus",
            "method": "PPI++ (power-tuned λ), CLT interval with t at n − 1 df",
            "rows": clean(report.rows),
            "compared": clean(report.compared),
            "differences": clean(report.differences),
            "notes": list(report.notes),
            "sources": list(report.sources),
        },
        indent=2,
    )


def _f(value: float, digits: int = 2) -> str:
    return "—" if math.isnan(value) else f"{value:.{digits}f}"


def report_text(report: EstimateReport) -> str:
    """A plain-text table per corpus (and the differences), then the notes."""
    lines: list[str] = []
    level = report.rows[0].level if report.rows else DEFAULT_LEVEL

    def table(rows: Sequence[EstimateRow], title: str) -> None:
        lines.append(title)
        demo = any(not math.isnan(r.withheld_truth) for r in rows)
        lines.append(
            f"{'framework':<20} {'sub_component':<28} {'estimate':>8} {f'{level:.0%} interval':>16}"
            f" {'experts only':>22} {'judge only*':>11} {'λ':>5} {'labelled':>8} {'unlabelled':>10}"
            + (f" {'all items†':>10}" if demo else "")
        )
        for r in rows:
            interval = f"[{_f(r.lower)}, {_f(r.upper)}]"
            experts = (
                f"{_f(r.experts_only)} [{_f(r.experts_only_lower)}, {_f(r.experts_only_upper)}]"
            )
            lines.append(
                f"{r.framework:<20} {r.sub_component:<28} {_f(r.estimate):>8} {interval:>16}"
                f" {experts:>22} {_f(r.judge_only):>11} {_f(r.lam):>5} {r.n_labelled:>8}"
                f" {r.n_unlabelled:>10}" + (f" {_f(r.withheld_truth):>10}" if demo else "")
            )
        if demo:
            lines.append(
                "† all items: the experts' mean over every judged item before they were "
                "withheld, what the estimate should recover (a demonstration's check)."
            )
        lines.append("")

    judge = report.rows[0].judge if report.rows else "?"
    table(report.rows, f"Mean expert consensus over the corpus (PPI++, judge {judge})")
    if report.compared:
        table(report.compared, "Compared corpus")
        lines.append("Difference (source − compared), PPI++ beside experts only and judge only*")
        for d in report.differences:
            lines.append(
                f"{d.framework:<20} {d.sub_component:<28} {_f(d.difference):>7} "
                f"[{_f(d.lower)}, {_f(d.upper)}]   experts only {_f(d.experts_only_difference)} "
                f"[{_f(d.experts_only_lower)}, {_f(d.experts_only_upper)}]   judge only* "
                f"{_f(d.judge_only_difference)}"
            )
        lines.append("")
    lines.append(
        "* judge only: the judge's mean over every item it rated, uncorrected (biased by its "
        "leniency); no interval."
    )
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)
