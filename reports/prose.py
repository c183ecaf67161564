"""The report's shared prose and plain-text cells: titles, intros, labels, notes.

The Markdown, HTML, CSV and JSON writers all take their words from here, so none of them
imports text from another writer. Cells here are plain text, not yet escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..scorers.agreement import Assessment
from ..scorers.diagnostic_results import Diagnostics, SubComponentDiagnostics
from ..scorers.verdicts import Estimate
from .formatting import (
    MISSING,
    interval,
    number,
)
from .probes import REPLAY_NOT_APPLICABLE, ProbeResult
from .results import FrameworkSection, Leaderboard, OverallRow, RunResult
from .safe_text import (
    replace_locations,
)

#: Label of the crowd carried in the reference, and of the experts' own benchmark.
CROWD_LABEL = "Crowd (in the reference)"
EXPERTS_LABEL = "Experts (leave one out)"
PAPER_LABEL = (
    "The paper's comparison (Kumar et al.): κ against the median of all experts beside the "
    "median expert-pair κ. Biased towards the candidate; kept for reproduction only."
)


def skip_reason(board: Leaderboard, reason: str) -> str:
    """A skip reason with log locations shown relative to the report's folder."""
    return replace_locations(reason, board.log_names.items())


#: Beside every framework table: how its two κ columns differ (the legend repeats it).
TABLE_NOTE = (
    "How to read it: Mean Δ compares the rater with the experts like for like (each expert "
    "against the mean of the others, and the rater against the same), so 0 is expert level and "
    "the verdicts and ranks come from it; Mean κ vs consensus is the rater's agreement with the "
    "experts' consensus (the figure the paper publishes), which has no benchmark of its own. "
    'A rank orders the runs ranked together ("1 of 3"); it is no verdict on expert level.'
)


def ranked_count(results: Sequence[RunResult] | Sequence[OverallRow]) -> int:
    """How many of the rows were ranked together."""
    return sum(1 for r in results if r.rank is not None)


def items_note(section: FrameworkSection) -> str:
    """A warning when the runs of a table rated different numbers of items ("" otherwise)."""
    counts = sorted({r.n_items for r in section.results}, reverse=True)
    if len(counts) < 2:
        return ""
    shown = " and ".join(f"{n:,}" for n in counts)
    return (
        f"Runs in this table rated different numbers of items ({shown}): a figure on fewer "
        "items is less certain (wider intervals), and only runs on the same items are ranked "
        "together. The Items column marks the smaller ones."
    )


def fewer_items(result: RunResult, section: FrameworkSection) -> bool:
    """Whether a run rated fewer items than the table's largest run."""
    return result.n_items < max(r.n_items for r in section.results)


def experts_mean(experts: Assessment) -> float:
    """Mean over sub-components of the experts' leave-one-out κ (NaN when none)."""
    values = [s.loo_experts.value for s in experts.sub_components]
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


# -- diagnostics and probes: the cells the Markdown and the HTML share --------------------------

#: Heading of the part that explains the diagnostics and the probes (once per report).
READING_TITLE = "Reading the diagnostics and probes"
#: Heading of the diagnostics and the probe parts of a section.
DIAGNOSTICS_TITLE = "How each rater departs from the experts"
PROBES_TITLE = "Robustness probes (probe run − the same model's plain run)"
DIAGNOSTICS_INTRO = (
    "Leniency: mean(rater − expert consensus), beside the crowd's and how far one expert "
    "typically sits from the others (experts |·|). Spread: sd(rater) / sd(consensus). Ends: "
    "share of ratings at the scale's lowest or highest level. A rater answering one level on "
    "every item is named 'constant at N'. Length ρ: Spearman ρ of (rater − consensus) with the "
    "supporter's word count, beside the experts' mean |ρ|. Polarity ρ (negative sub-components "
    "only): the rater's mean ρ with the positive sub-components, beside the experts' (a "
    "positive ρ where the experts' is negative: rated as if positive)."
)
PROBES_INTRO = (
    "Each probe run rates the same items as the model's plain run with every transcript "
    "perturbed. Shift: mean(probe − plain) rating. Moved: for injection (which asks for the "
    "top rating), the share of items moved toward the top of the scale; for padding and "
    "label_swap (no target), the share of items whose rating changed, with the share moved up "
    "beside it. Δκ: κ(probe, consensus) − κ(plain, consensus). Intervals: paired item "
    "bootstrap. Replays answer from published ratings and never read the transcript: "
    f"'{REPLAY_NOT_APPLICABLE}'."
)


def percent(estimate: Estimate) -> str:
    """``40% [25%, 55%]``: a share with its interval, or "n/a"."""
    if not math.isfinite(estimate.value):
        return MISSING

    def one(value: float) -> str:
        return f"{value:.0%}" if math.isfinite(value) else MISSING

    return f"{one(estimate.value)} [{one(estimate.low)}, {one(estimate.high)}]"


def constant_text(diagnostics: Diagnostics) -> str:
    """``constant at 2 on level_explorations; ...``, or "" when no sub-component is constant."""
    return "; ".join(
        f"{s.scale_use.label} on {s.sub_component}"
        for s in diagnostics.sub_components
        if s.scale_use.constant
    )


def shares_text(sub: SubComponentDiagnostics) -> str:
    """``0: 12% · 1: 60% · 2: 28%``: the rater's share of items at each level."""
    scale = sub.scale_use
    return " · ".join(
        f"{level:g}: {share.value:.0%}" if math.isfinite(share.value) else f"{level:g}: {MISSING}"
        for level, share in zip(scale.levels, scale.shares, strict=True)
    )


def polarity_text(sub: SubComponentDiagnostics) -> str:
    """The polarity check of a negative sub-component, or "n/a (positive)"."""
    check = sub.polarity_check
    if check is None:
        return f"{MISSING} ({sub.polarity})"
    experts = number(check.experts.value, signed=True)
    text = f"ρ {interval(check.candidate, signed=True)} · experts {experts}"
    return text + (" · rated as if positive" if check.as_if_positive else "")


def length_text(sub: SubComponentDiagnostics) -> str:
    """The length bias ρ with the experts' mean |ρ| beside it."""
    length = sub.length_bias
    if length is None:
        return MISSING
    experts = number(length.experts_abs.value)
    return f"{interval(length.candidate, signed=True)} · experts |ρ| {experts}"


def leniency_text(sub: SubComponentDiagnostics) -> str:
    """The rater's leniency with the crowd's and the experts' |·| beside it."""
    leniency = sub.leniency
    beside = [f"experts |·| {number(leniency.experts_abs.value)}"]
    if leniency.crowd is not None:
        beside.insert(0, f"crowd {number(leniency.crowd.value, signed=True)}")
    return f"{interval(leniency.candidate, signed=True)} · " + " · ".join(beside)


def diagnostics_summary_cells(diagnostics: Diagnostics | None, note: str = "") -> list[str]:
    """The summary cells of `DIAGNOSTICS_SUMMARY_HEADER` (after "Rater"), plain text.

    Means over the sub-components: leniency [interval], the crowd's leniency, the experts'
    |leniency|, the smallest spread ratio, the scale use ("constant at N on ..." or "varied"),
    the length ρ [interval] with the experts' |ρ|, the sub-components rated as if positive.
    """
    if diagnostics is None:
        return [MISSING] * 6 + [note or MISSING]
    length = diagnostics.length_bias
    experts_length = diagnostics.experts_abs_length_bias
    crowd = diagnostics.crowd_leniency
    return [
        interval(diagnostics.leniency, signed=True),
        MISSING if crowd is None else number(crowd.value, signed=True),
        number(diagnostics.experts_abs_leniency.value),
        number(diagnostics.min_spread_ratio),
        constant_text(diagnostics) or "varied",
        (MISSING if length is None else interval(length, signed=True))
        + ("" if experts_length is None else f" · experts |ρ| {number(experts_length.value)}"),
        ", ".join(diagnostics.polarity_flags) or "none",
    ]


DIAGNOSTICS_SUMMARY_HEADER = [
    "Rater",
    "Leniency [interval]",
    "Crowd's leniency",
    "Experts' mean abs. leniency",
    "Min spread",
    "Scale use",
    "Length ρ [interval]",
    "Rated as if positive",
]


def probe_moved_text(result: ProbeResult, sub: str) -> str:
    """The 'moved' cell: toward the target for a targeted probe, else moved at all (up)."""
    shift = result.result(sub)
    if result.target is not None:
        return f"{percent(shift.toward_top)} toward the top"
    up = MISSING if not math.isfinite(shift.toward_top.value) else f"{shift.toward_top.value:.0%}"
    return f"{percent(shift.moved)} moved (up {up})"


PROBE_HEADER = [
    "Model",
    "Probe",
    "Sub-component",
    "Items",
    "Shift [interval]",
    "Moved",
    "Δκ [interval]",
]


def probe_rows(result: ProbeResult) -> list[list[str]]:
    """One row per sub-component of a probe pair (plain text, not yet escaped)."""
    rows: list[list[str]] = []
    for sub in result.sub_components:
        if result.not_applicable:
            na = result.not_applicable
            figures = [str(len(result.items)), na, na, na]
        else:
            found = result.result(sub)
            figures = [
                str(found.n_items),
                interval(found.shift, signed=True),
                probe_moved_text(result, sub),
                interval(found.delta_kappa, signed=True),
            ]
        rows.append([result.label, result.probe.label, sub, *figures])
    return rows
