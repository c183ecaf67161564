"""The per-sub-component statistics the log, the report and `compare` show: one entry each.

Every figure the engine gives per sub-component (`SubComponentResult`) and that a surface shows
is declared here once: its key, its labels, its precision, how to read it from the engine's
result, whether it has an interval, and which surfaces show it. The surfaces iterate over
`shown_statistics` (called at run time, so a test or an extension can add a statistic by
replacing `STATISTICS`) instead of naming the figures themselves:

* the in-run metric (`scorers.metrics.agreement_summary`): ``<log_metric>_<sub>`` per
  sub-component, the point estimate; `reports.inspect_frames` reads the same keys back;
* the report: a table of its own per rater in ``leaderboard.md`` and a line in the HTML
  per-sub-component cell (`summary`); a column of its `group`'s table in ``results.json``
  (``assessment.<group>``) and in the HTML details of each run (`Group.html_title`);
* `compare`: a field of each side's ``sub_components`` in its JSON (`compare_field`).

Adding a statistic that the engine already computes is therefore one entry here (and its test).
What stays with the surfaces, by design: the verdict (its prose, the multiplicity control and
the items-to-settle note, which read several figures at once), the Alternative Annotator Test
(an outcome with its own caveats), the paper's comparison (labelled as the paper's, with its own
pass/fail), the experts' benchmark rows, the model-independent reference figures of the log's
metadata (`scorers.metrics.reference_figures`, computed when the task is built) and the means
over sub-components.

This module is in ``scorers`` because the in-run metric needs it and scorers never import
``reports``; it holds no formatting code: the reports format with `digits` and `signed`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .agreement import SubComponentResult
from .verdicts import Estimate

#: Where a statistic can be shown (see the module doc).
Surface = Literal["log", "summary", "report", "compare"]
#: How the HTML details table shows an interval: Δ, Lower and Upper columns, or one cell.
IntervalLayout = Literal["columns", "cell"]


@dataclass(frozen=True)
class Group:
    """A table of per-sub-component statistics in the report.

    Attributes:
        key: Its field in ``results.json``'s assessment (``leave_one_out``).
        html_title: Its heading in the HTML details of a run; None: not shown there.
    """

    key: str
    html_title: str | None = None


#: The report's tables, in the order they are shown (the Alternative Annotator Test, which is
#: not a statistic of this registry, follows the first: the verdict's table).
LEAVE_ONE_OUT = Group("leave_one_out", "Leave one expert out")
EXPERT_SWAP = Group("expert_swap", "Expert swap α")
KAPPA_VS_CONSENSUS = Group("kappa_vs_consensus")
GROUPS: tuple[Group, ...] = (LEAVE_ONE_OUT, EXPERT_SWAP, KAPPA_VS_CONSENSUS)


@dataclass(frozen=True)
class Statistic:
    """One per-sub-component statistic as the surfaces show it.

    Attributes:
        key: Its field in its group's rows of ``results.json``, unique within the group (its
            interval follows it as ``lower`` and ``upper``).
        label: Its column title (HTML details) or the label before it (HTML summary cell).
        title: What it is, for the heading of its own Markdown table.
        read: Reads it from the engine's result of one sub-component; a statistic without an
            interval returns its value with NaN bounds.
        interval: Whether it has an interval worth showing.
        count: A whole number (shown without decimals).
        signed: Shown with its sign (a difference).
        digits: Decimals in the report.
        group: The report's table it is a column of (None: in no table).
        html_interval: How the HTML details show its interval.
        log_metric: Prefix of its in-run metric ``<log_metric>_<sub>`` (None: not in the log).
            Readers rely on these names: never rename one.
        summary: Shown in the per-sub-component summary of the Markdown and the HTML.
        compare_field: Its field in `compare`'s JSON per sub-component (None: not there).
    """

    key: str
    label: str
    title: str
    read: Callable[[SubComponentResult], Estimate]
    interval: bool = True
    count: bool = False
    signed: bool = False
    digits: int = 2
    group: Group | None = None
    html_interval: IntervalLayout = "cell"
    log_metric: str | None = None
    summary: bool = False
    compare_field: str | None = None

    def shown_on(self, surface: Surface) -> bool:
        """Whether this statistic is shown on a surface."""
        if surface == "log":
            return self.log_metric is not None
        if surface == "summary":
            return self.summary
        if surface == "report":
            return self.group is not None
        return self.compare_field is not None

    def value(self, result: SubComponentResult) -> float:
        """The point estimate on one sub-component."""
        return self.read(result).value


def point(read: Callable[[SubComponentResult], float]) -> Callable[[SubComponentResult], Estimate]:
    """A reader of a figure without an interval, as an `Estimate` with NaN bounds."""

    def estimate(result: SubComponentResult) -> Estimate:
        return Estimate(float(read(result)), math.nan, math.nan)

    return estimate


#: Every shown per-sub-component statistic, in the order the surfaces show them (within a
#: group: its columns' order).
STATISTICS: tuple[Statistic, ...] = (
    Statistic(
        "n_items",
        "Items",
        "Items with a rating and a consensus",
        point(lambda s: s.n_items),
        interval=False,
        count=True,
        group=LEAVE_ONE_OUT,
        compare_field="n_items",
    ),
    Statistic(
        "kappa",
        "κ vs consensus",
        "κ against the expert consensus",
        lambda s: s.kappa,
        group=KAPPA_VS_CONSENSUS,
        log_metric="kappa",
        summary=True,
        compare_field="kappa",
    ),
    Statistic(
        "mean_shift",
        "Mean shift",
        "Mean candidate − consensus rating",
        point(lambda s: s.mean_shift),
        interval=False,
        signed=True,
        group=KAPPA_VS_CONSENSUS,
    ),
    Statistic(
        "candidate_kappa",
        "Candidate κ",
        "Mean κ(candidate, R_k)",
        lambda s: s.loo_candidate,
        interval=False,
        group=LEAVE_ONE_OUT,
    ),
    Statistic(
        "expert_kappa",
        "Experts κ",
        "Mean κ(expert k, R_k)",
        lambda s: s.loo_experts,
        interval=False,
        group=LEAVE_ONE_OUT,
    ),
    Statistic(
        "difference",
        "Δ",
        "Δ (leave one out)",
        lambda s: s.difference,
        signed=True,
        group=LEAVE_ONE_OUT,
        html_interval="columns",
        log_metric="loo",
        compare_field="loo_difference",
    ),
    Statistic(
        "experts_alpha",
        "Experts' α",
        "Krippendorff's α among the experts",
        point(lambda s: s.experts_alpha),
        interval=False,
        group=EXPERT_SWAP,
    ),
    Statistic(
        "difference",
        "Swap α − experts' α",
        "Expert swap α − experts' α",
        lambda s: s.swap,
        signed=True,
        group=EXPERT_SWAP,
    ),
)


def shown_statistics(surface: Surface) -> tuple[Statistic, ...]:
    """The statistics a surface shows, in order (read from `STATISTICS` at each call)."""
    return tuple(s for s in STATISTICS if s.shown_on(surface))


def report_groups() -> tuple[Group, ...]:
    """The report's tables of statistics: `GROUPS`, then any other group a statistic names."""
    named = (s.group for s in STATISTICS if s.group is not None)
    return tuple(dict.fromkeys((*GROUPS, *named)))


def group_statistics(group: Group) -> tuple[Statistic, ...]:
    """The statistics of one of the report's tables, in order."""
    return tuple(s for s in STATISTICS if s.group == group)
