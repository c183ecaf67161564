"""How the report writes its figures and symbols, and the legend that explains every one of them.

The Markdown and the HTML share these functions, so a symbol means the same thing in both, and
the legend (`LEGEND`) is the one place that defines them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..scorers.agreement import Assessment
from ..scorers.shown_statistics import Statistic
from ..scorers.verdicts import Estimate, RankRange, Verdict
from .results import RunResult, Settings

#: Shown where a figure does not exist (not computed, or undefined on these items).
MISSING = "n/a"
#: Marks a flag (e.g. a low parse rate) beside a run.
FLAG = "⚠"
#: How often the Alternative Annotator Test (ε = 0.2) passes a candidate exactly as good as an
#: expert, by number of scale points (three experts, 50 items): `benchmarks/bench_verdicts.py`
#: under its two data models, and the outside check in the verdict notes.
ALT_TEST_EQUAL_PASS: dict[int, str] = {3: "69–90%", 5: "46–74%", 7: "32–47%"}
ALT_TEST_CAVEAT = ", ".join(
    f"{rate} on a {points}-point scale" for points, rate in ALT_TEST_EQUAL_PASS.items()
)


def number(value: float | None, digits: int = 2, *, signed: bool = False) -> str:
    """A figure with `digits` decimals (a sign on demand), or "n/a"."""
    if value is None or not math.isfinite(value):
        return MISSING
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", "−")


def interval(estimate: Estimate, *, signed: bool = False, digits: int = 2) -> str:
    """``0.64 [0.51, 0.75]``: the point estimate and its bootstrap interval."""
    if not math.isfinite(estimate.value):
        return MISSING
    low = number(estimate.low, digits, signed=signed)
    high = number(estimate.high, digits, signed=signed)
    return f"{number(estimate.value, digits, signed=signed)} [{low}, {high}]"


def statistic_text(statistic: Statistic, estimate: Estimate) -> str:
    """A registry statistic as the report writes it: with its interval when it has one."""
    if statistic.count:
        return str(int(estimate.value)) if math.isfinite(estimate.value) else MISSING
    if statistic.interval:
        return interval(estimate, signed=statistic.signed, digits=statistic.digits)
    return number(estimate.value, statistic.digits, signed=statistic.signed)


def rank_text(
    rank: RankRange | None, of: int | None = None, at_expert_level: int | None = None
) -> str:
    """``2 of 3 (1–3)``: the rank out of how many were ranked, and its bootstrap range.

    Args:
        rank: The rank (None: not ranked, shown "n/a").
        of: How many runs were ranked together.
        at_expert_level: How many of the run's sub-components are at or above expert level;
            0 adds "none at expert level", so that a first place is never read as a medal.
    """
    if rank is None:
        return MISSING
    where = f"{rank.rank} of {of}" if of is not None else str(rank.rank)
    span = f"{rank.low}" if rank.low == rank.high else f"{rank.low}–{rank.high}"
    text = f"{where} ({span})"
    if at_expert_level == 0:
        text += " · none at expert level"
    return text


def at_expert_level(counts: Mapping[Verdict, int]) -> int:
    """How many sub-components are at or above expert level."""
    return counts["at"] + counts["above"]


def verdict_summary(counts: Mapping[Verdict, int]) -> str:
    """``4/6 at or above expert level · 1 below · 1 inconclusive`` (zero parts left out)."""
    total = sum(counts.values())
    if total == 0:
        return MISSING
    parts = [f"{counts['above'] + counts['at']}/{total} at or above expert level"]
    if counts["above"]:
        parts[0] += f" ({counts['above']} above)"
    words: tuple[Verdict, ...] = ("below", "inconclusive", "not assessed")
    for word in words:
        n = counts[word]
        if n:
            parts.append(f"{n} {word}")
    return " · ".join(parts)


#: How a framework's single verdict reads in the primary column.
FRAMEWORK_VERDICT_TEXT: dict[str, str] = {
    "above": "framework above expert level",
    "at": "framework at expert level",
    "below": "framework below expert level",
    "inconclusive": "framework inconclusive",
    "not assessed": "framework not assessed",
}


def run_verdicts(result: RunResult) -> str:
    """A run's framework verdict and sub-component counts, or why it has none."""
    if result.assessment is None:
        return "no usable ratings: never at expert level"
    counts = verdict_summary(result.verdict_counts())
    verdict = result.framework_verdict
    if verdict is None:
        return counts
    return f"{FRAMEWORK_VERDICT_TEXT[verdict]}; sub-components: {counts}"


def alt_test_by_scale(
    assessment: Assessment, scales: Mapping[str, tuple[float, float]]
) -> list[str]:
    """The Alternative Annotator Test's passes counted per scale granularity, with the caveat.

    Args:
        assessment: A run's assessment (sub-components without the test are left out).
        scales: (low, high) per sub-component, from the panel description.

    Returns:
        One phrase per number of scale points, fewest points first, e.g. ``2/3 pass on the
        3-point scale (an expert-level candidate passes 69–90% of the time there)``.
    """
    groups: dict[int, list[bool]] = {}
    for sub in assessment.sub_components:
        if sub.alt_test is None or sub.sub_component not in scales:
            continue
        low, high = scales[sub.sub_component]
        groups.setdefault(round(high - low) + 1, []).append(sub.alt_test.passes)
    out = []
    for points in sorted(groups):
        passes = groups[points]
        rate = ALT_TEST_EQUAL_PASS.get(points)
        caveat = f" (an expert-level candidate passes {rate} of the time there)" if rate else ""
        out.append(f"{sum(passes)}/{len(passes)} pass on the {points}-point scale{caveat}")
    return out


def parse_rate_text(value: float, settings: Settings) -> str:
    """The parse rate, flagged when low."""
    text = number(value, 3)
    if math.isfinite(value) and value < settings.flag_parse_rate:
        text = f"{FLAG} {text}"
    return text


def kind_text(kind: str) -> str:
    """The kind of a row as shown."""
    return {
        "model": "model",
        "panel member": "reference: panel member (replay)",
        "crowd": "reference: crowd (replay)",
    }.get(kind, f"reference: {kind}")


def legend(settings: Settings) -> list[tuple[str, str]]:
    """Every symbol and word the report uses, with its meaning.

    Args:
        settings: The report's settings (the thresholds and interval coverage it quotes).

    Returns:
        (symbol, meaning) pairs, in the order the page shows them.
    """
    level = f"{settings.bootstrap.confidence:.0%}"
    return [
        (
            "κ",
            "value-based quadratic weighted κ (unweighted Cohen's κ on nominal scales).",
        ),
        (
            "Δ (leave one out)",
            "like-for-like difference candidate − experts: for each expert k, R_k is the mean "
            "of the other experts' ratings; candidate = mean_k κ(candidate, R_k), experts = "
            "mean_k κ(expert k, R_k) on the same items. 0 is expert level; negative is worse. "
            "The mean Δ over a framework's sub-components is the ranking key.",
        ),
        (
            "[a, b]",
            f"{level} interval. Of Δ: the skewness-corrected jackknife-t interval (the "
            "jackknife standard error, Hall's correction for the skewness of the items' "
            "pseudo-values, Student t quantiles at the variance estimate's effective degrees of "
            "freedom; skewness and kurtosis pooled over the framework's sub-components): a "
            "percentile interval narrows when the candidate happens to agree well and "
            "calls an equal candidate 'above' too often. Of κ and the other figures: the "
            f"percentile item bootstrap ({settings.bootstrap.n_resamples:,} resamples, seed "
            f"{settings.bootstrap.seed}).",
        ),
        (
            "above",
            "expert level or better: the whole Δ interval lies above 0.",
        ),
        (
            "at",
            f"at expert level: the Δ interval's lower bound is at or above −δ "
            f"(δ = {settings.margin:g} κ, the non-inferiority margin).",
        ),
        (
            "below",
            "below expert level: the whole Δ interval lies below 0 and its lower bound below −δ.",
        ),
        (
            "inconclusive",
            "the interval cannot tell (too wide), or the sub-component has fewer than "
            f"{settings.min_verdict_items} items with both a rating and a consensus.",
        ),
        (
            "not assessed",
            "the panel has one expert: there is no leave-one-out benchmark.",
        ),
        (
            "framework above/at/below expert level",
            "the framework's single verdict: the rules above applied to the mean Δ over its "
            "sub-components and that mean's own interval (one test: read it as it stands).",
        ),
        (
            "≈N items would settle it",
            "beside an inconclusive verdict: the items at which a verdict like it is conclusive "
            "80% of the time, if its Δ is the truth and its standard error shrinks as 1/√n "
            "(`empathy-judge plan` gives the plan in full).",
        ),
        (
            "a/n at or above expert level · b below · c inconclusive",
            "the sub-component verdicts counted, like for like (the inconclusive ones shown, "
            "never dropped), under false-discovery control: each kind of claim (above; at; "
            "below) gets Benjamini–Hochberg's step-up over the framework's sub-components (in "
            "the overall table: over all of a model's sub-components together) at "
            f"{(1 - settings.bootstrap.confidence) / 2:.1%} one-sided: of the sub-components "
            "counted "
            "'above', the expected share of false ones is meant to stay at most that. By "
            "simulation (benchmarks/bench_verdicts.py) a candidate exactly as good as an expert "
            "still shows some 'above' among the 21 sub-components of the overall row in 5–7% "
            "of runs (about half of runs without the control), so read '1 above' as weak and "
            "the framework verdict first.",
        ),
        ("·", "separates the parts of one cell (e.g. the verdict counts)."),
        (
            "r of n (lo–hi)",
            f"rank by the ranking key (1 = best) among the n runs ranked together and, in "
            f"brackets, the {level} range of the rank over the bootstrap resamples (the same "
            "resamples for every ranked run). A rank orders judges; it says nothing of expert "
            "level: a first place with no sub-component at expert level says so.",
        ),
        (
            "Wall time",
            "from the first run's start to the last run's end (the runs of a benchmark "
            "overlap, so their durations are not added up).",
        ),
        (
            "κ vs consensus",
            "κ against the per-item consensus of the experts (their median), the figure the "
            "paper publishes; the paper's own comparison (this κ against the median expert-pair "
            "κ) favours the candidate and is shown only as the paper's.",
        ),
        (
            FLAG,
            f"a warning: a parse rate below {settings.flag_parse_rate:.2f} is flagged; below "
            f"{settings.rank_parse_rate:.2f} the run is not ranked. A run with no usable rating "
            "is never ranked and never at expert level.",
        ),
        (
            "reference",
            "a row that is not a ranked candidate: a replay of a panel member (scored against "
            "the other experts, never against a consensus containing its own ratings), a replay "
            "of the crowd, the crowd carried in the reference, or the experts themselves.",
        ),
        (
            "×",
            "'items × sub-components': the size of a comparison; 'model × framework': one run.",
        ),
        (
            MISSING,
            "not applicable, or undefined on these items (e.g. κ when a rater gives one value).",
        ),
        (
            "#2",
            "a framework section whose runs carry a reference different from the first "
            "section's: they are judged and ranked apart.",
        ),
        (
            "⟨U+202E⟩",
            "a bidirectional control character found in a name, replaced by a visible marker.",
        ),
        (
            "ω, ρ, ε",
            "the Alternative Annotator Test: ω = share of experts the candidate beats "
            "(Benjamini–Yekutieli corrected), ρ = advantage probability, ε = the allowance; "
            "passes when ω ≥ 0.5. Its passes are counted per scale granularity: by simulation "
            f"(benchmarks/bench_verdicts.py) it passes a candidate exactly as good as an expert "
            f"{ALT_TEST_CAVEAT} of the time, so a pass on a coarse scale is weaker evidence and "
            "counts over different scales do not add up.",
        ),
        (
            "swap α",
            "Krippendorff's α of the panel with the candidate in place of each expert in turn, "
            "averaged, minus the experts' own α.",
        ),
    ]
