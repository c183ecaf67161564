"""Benchmark: error rates of the like-for-like expert verdict (`scorers.agreement`), by simulation.

The verdict reads the interval of Δ = mean_k κ(candidate, R_k) − mean_k κ(expert k, R_k) (R_k =
mean of the other experts) against the margin δ = 0.10: ``above`` when the interval lies above 0,
``at`` when its lower bound is at or above −δ, ``below`` when it lies below 0. This script
measures it under TWO data models, each with a known truth:

**project** (the model of `../shared/docs/verdict-notes.md`): each item has a latent level per
sub-component, standard normal, correlation 0.5 between an item's sub-components; a rater adds
independent normal noise (experts sd 0.8) and cuts the sum to the scale, cut points evenly
spaced over [−2, 2] (0–2 cuts at ±0.667, 1–5 at ±0.4 and ±1.2, 1–7 at ±0.286, ±0.857, ±1.429).

**harder** (deliberately unkind): right-skewed latent levels (a standardised log-normal of the
same correlated normals, log-sd 0.8); item difficulty d_i = exp(0.6·z_i − 0.18) scales every
rater's noise on that item, so easy items tie; halo: a rater's error on an item is
sd·d_i·(√h·u + √(1−h)·v_j) with a shared u over the item's sub-components (h = 0.5); each rater
has its own leniency (normal, sd 0.2) and its own cut points (the pooled cut points plus normal
jitter sd 0.15), fixed for the run by a seed; the pooled cut points make the category marginals
skewed like the release: 0–2 at 72/16/12%, 1–5 at 34/28/18/12/8%, 1–7 at 22/20/17/14/12/9/6%.

In both, the candidate is one more rater with its own noise sd (and, in the harder model, its
own leniency and cut points); its sd per scale is calibrated by bisection on 100,000 items so
that the population Δ is the target (0: exactly as good as an expert; −0.10: exactly at the
margin; −0.20: clearly worse), then checked on fresh items (printed).

A simulated study has the release's layout: one framework per scale, each of
`SUBS_PER_FRAMEWORK` = 3 sub-components on its scale, judged by one `assess` call (so the
interval's shape is pooled over the framework, as the report's is); a rate counts every
sub-component (its ± is computed over the replications, conservatively: a replication's three
sub-components are correlated). (a′) and (b′) judge one framework of one sub-component per
scale instead: its shape pooled over unlike pseudo-values, a robustness check.

Per scenario it prints the share of each verdict of the engine (`assess`, the skewness-corrected
jackknife-t interval, `MIN_VERDICT_ITEMS`), the coverage of Δ by its 95% interval, and, on the
same data, the rule before: the 95% paired item-bootstrap PERCENTILE interval read the same way
("before"). Each rate has its Monte Carlo standard error √(p(1−p)/reps). Goals (the issue's): an
equal candidate called ``above`` ≤ 3%, coverage 93–97%, a candidate at −0.10 called ``at`` (or
``above``) ≤ 3%, at 50 items and 3 experts; also 25 and 100 items, and 5 experts. The
Alternative Annotator Test's pass rate (ε = 0.2) is printed per scale for the equal candidate.

**Multiplicity** (--family): the release's layout — 21 sub-components (EPITOME 3 on 0–2,
EmpatheticDialogues 3 on 1–5, Perceived Empathy 9 on 1–7, Lend an Ear 6 on 1–5), 50 items per
framework — and an equal candidate on all of them: the share of runs with at least one false
``above`` anywhere among the 21, for the verdicts alone (no control), for the counted verdicts
(Benjamini–Hochberg over each framework's sub-components, what a section counts) and for the
overall row's control (Benjamini–Hochberg over all 21), and for the four framework verdicts.

Run: `python benchmarks/bench_verdicts.py [--reps 400] [--family-reps 200] [--resamples 500]
[--seed 0] [--models project,harder] [--quick]`. With the defaults both models took 2,455 s of
wall time on the shared 2 cores at load 5–7 (`nice -n 10`; three `assess` calls per
replication); a rate's standard error over the replications is then at most 2.5 points (0.85
near 3%). `bench_interval_shape.py` measures the interval alone at 20,000 replications.
"""

from __future__ import annotations

import os

# Small matrix products on a shared 2-core machine run faster on one BLAS thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from empathy_judge.scorers.agreement import assess, shared_counts
from empathy_judge.scorers.arrays import FloatArray
from empathy_judge.scorers.bootstrap import kappa_statistic
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.kappa import kappa_from_moment_arrays
from empathy_judge.scorers.panel import Panel, Scale
from empathy_judge.scorers.verdicts import MARGIN, Verdict, family_verdicts, verdict_of

EXPERT_SD = 0.8
N_ITEMS = 50
CORRELATION = 0.5
#: The project model's scale bins split the latent interval [−SPAN, SPAN] evenly.
SPAN = 2.0
SCALES: tuple[Scale, ...] = (Scale(0, 2), Scale(1, 5), Scale(1, 7))
#: Items of the large samples that calibrate σ and check the population Δ.
CALIBRATION_ITEMS = 100_000
VERDICT_NAMES: tuple[Verdict, ...] = ("above", "at", "below", "inconclusive")
#: The harder model's category marginals per scale (the release's skew on 0–2).
MARGINALS: tuple[tuple[float, ...], ...] = (
    (0.72, 0.16, 0.12),
    (0.34, 0.28, 0.18, 0.12, 0.08),
    (0.22, 0.20, 0.17, 0.14, 0.12, 0.09, 0.06),
)
#: Sub-components of each simulated framework (one framework per scale, like EPITOME's 3).
SUBS_PER_FRAMEWORK = 3
#: Raters the harder model has parameters for (experts first, the candidate last).
MAX_RATERS = 8
#: The release's frameworks: (name, number of sub-components, index into SCALES).
RELEASE: tuple[tuple[str, int, int], ...] = (
    ("epitome", 3, 0),
    ("empatheticdialogues", 3, 1),
    ("perceived_empathy", 9, 2),
    ("lend_an_ear", 6, 1),
)


def scale_label(scale: Scale) -> str:
    """ "0–2", "1–5"... for printing."""
    return f"{scale.low:g}–{scale.high:g}"


def cut_points(scale: Scale) -> FloatArray:
    """The project model's thresholds: [−SPAN, SPAN] in k equal bins."""
    k = int(scale.high - scale.low) + 1
    return np.linspace(-SPAN, SPAN, k + 1)[1:-1]


def cut(values: FloatArray, scale: Scale, cuts: FloatArray | None = None) -> FloatArray:
    """Values cut to the scale's points (a value on a cut point goes up)."""
    thresholds = cut_points(scale) if cuts is None else cuts
    return scale.low + np.searchsorted(thresholds, values, side="right").astype(np.float64)


def correlated_normals(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
    """Standard normals over (..., items, sub-components), correlated across sub-components."""
    common = rng.standard_normal((*shape[:-1], 1))
    own = rng.standard_normal(shape)
    return math.sqrt(CORRELATION) * common + math.sqrt(1.0 - CORRELATION) * own


class ProjectModel:
    """The project's simulation model (module doc)."""

    name = "project"

    def draw(
        self,
        rng: np.random.Generator,
        shape: tuple[int, int, int],
        scale_of: Sequence[int],
        sds: Sequence[FloatArray],
    ) -> FloatArray:
        """Ratings, reps × items × sub-components × raters.

        Args:
            rng: Random generator.
            shape: (reps, items, sub-components).
            scale_of: Index into SCALES of each sub-component.
            sds: One noise sd per rater, each an array with one value per scale of SCALES.
        """
        latent = correlated_normals(rng, shape)
        out = []
        for sd in sds:
            noisy = latent + np.asarray(sd)[list(scale_of)] * rng.standard_normal(shape)
            out.append(
                np.stack([cut(noisy[..., j], SCALES[s]) for j, s in enumerate(scale_of)], -1)
            )
        return np.stack(out, axis=-1)


class HarderModel:
    """Skew, rater-specific leniency and cut points, item difficulty and halo (module doc)."""

    name = "harder"
    halo = 0.5
    log_sd = 0.8

    def __init__(self, seed: int = 12345) -> None:
        rng = np.random.default_rng(seed)
        self.leniency = rng.normal(0.0, 0.2, MAX_RATERS)
        self.jitter = rng.normal(0.0, 0.15, (MAX_RATERS, len(SCALES), 6))
        pooled = np.random.default_rng(seed + 1)
        shape = (1, 200_000, len(SCALES))
        total = self.latent(pooled, shape) + EXPERT_SD * self.difficulty(
            pooled, shape
        ) * pooled.standard_normal(shape)
        self.base = [
            np.quantile(total[0, :, j], np.cumsum(MARGINALS[j])[:-1]) for j in range(len(SCALES))
        ]

    def latent(self, rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
        """Right-skewed levels with mean 0 and sd 1 (a standardised log-normal)."""
        s = self.log_sd
        mean, var = math.exp(s * s / 2), (math.exp(s * s) - 1.0) * math.exp(s * s)
        return (np.exp(s * correlated_normals(rng, shape)) - mean) / math.sqrt(var)

    @staticmethod
    def difficulty(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
        """Per item, the factor on every rater's noise (mean about 1; small = easy)."""
        return np.exp(0.6 * rng.standard_normal((*shape[:-1], 1)) - 0.18)

    def cuts(self, rater: int, scale: int) -> FloatArray:
        """Rater `rater`'s cut points on scale `scale`."""
        base = self.base[scale]
        return np.sort(base + self.jitter[rater, scale, : base.shape[0]])

    def draw(
        self,
        rng: np.random.Generator,
        shape: tuple[int, int, int],
        scale_of: Sequence[int],
        sds: Sequence[FloatArray],
        raters: Sequence[int] | None = None,
    ) -> FloatArray:
        """As `ProjectModel.draw`; rater r < len(sds) − 1 is expert r, the last the candidate.

        `raters` names each position's parameters (leniency, cut points) instead: e.g. two
        positions with the same rater are two judges alike but for their noise.
        """
        latent = self.latent(rng, shape)
        hard = self.difficulty(rng, shape)
        out = []
        for position, sd in enumerate(sds):
            rater = position if position < len(sds) - 1 else MAX_RATERS - 1
            if raters is not None:
                rater = raters[position]
            shared = rng.standard_normal((*shape[:-1], 1))
            own = rng.standard_normal(shape)
            noise = math.sqrt(self.halo) * shared + math.sqrt(1.0 - self.halo) * own
            noisy = latent + self.leniency[rater] + np.asarray(sd)[list(scale_of)] * hard * noise
            out.append(
                np.stack(
                    [
                        cut(noisy[..., j], SCALES[s], self.cuts(rater, s))
                        for j, s in enumerate(scale_of)
                    ],
                    -1,
                )
            )
        return np.stack(out, axis=-1)


Model = ProjectModel | HarderModel


def kappa_columns(x: FloatArray, y: FloatArray) -> FloatArray:
    """Value-based quadratic κ over the first (items) axis of same-shaped arrays, no NaN."""
    n = np.full(x.shape[1:], float(x.shape[0]))
    return kappa_from_moment_arrays(
        n,
        ((x - y) ** 2).sum(axis=0),
        x.sum(axis=0),
        y.sum(axis=0),
        (x * x).sum(axis=0),
        (y * y).sum(axis=0),
    )


def loo_difference(experts: FloatArray, candidate: FloatArray) -> FloatArray:
    """Per sub-component Δ = mean_k κ(candidate, R_k) − mean_k κ(expert k, R_k), on all items.

    Args:
        experts: items × sub-components × raters.
        candidate: items × sub-components.
    """
    differences = []
    for k in range(experts.shape[-1]):
        reference = np.delete(experts, k, axis=-1).mean(axis=-1)
        differences.append(
            kappa_columns(candidate, reference) - kappa_columns(experts[..., k], reference)
        )
    return np.asarray(np.mean(differences, axis=0), dtype=np.float64)


def population_difference(
    model: Model, n_experts: int, candidate_sd: FloatArray, *, seed: int, n_items: int
) -> FloatArray:
    """Δ per scale of a candidate with these sds, on one large sample."""
    sds = [np.full(len(SCALES), EXPERT_SD)] * n_experts + [candidate_sd]
    ratings = model.draw(
        np.random.default_rng(seed), (1, n_items, len(SCALES)), range(len(SCALES)), sds
    )[0]
    return loo_difference(ratings[..., :n_experts], ratings[..., n_experts])


def calibrate(
    model: Model,
    n_experts: int,
    target: float,
    *,
    n_items: int = CALIBRATION_ITEMS,
    steps: int = 16,
    seed: int = 1,
) -> FloatArray:
    """The candidate's sd per scale whose population Δ is `target` (bisection, all scales at once).

    The same seed at every step (common random numbers), so Δ moves monotonely with the sd.
    """
    low, high = np.full(len(SCALES), 0.05), np.full(len(SCALES), 4.0)
    for _ in range(steps):
        middle = 0.5 * (low + high)
        delta = population_difference(model, n_experts, middle, seed=seed, n_items=n_items)
        better = delta > target
        low = np.where(better, middle, low)
        high = np.where(better, high, middle)
    return np.asarray(0.5 * (low + high), dtype=np.float64)


def make_panel(experts: FloatArray, scale_of: Sequence[int]) -> Panel:
    """A panel of simulated experts (items × sub-components × raters)."""
    n_items, n_subs, n_raters = experts.shape
    return Panel(
        framework="simulated",
        items=tuple(f"item{i}" for i in range(n_items)),
        sub_components=tuple(f"s{j}" for j in range(n_subs)),
        raters=tuple(f"expert{k + 1}" for k in range(n_raters)),
        values=np.ascontiguousarray(experts),
        scales=tuple(SCALES[s] for s in scale_of),
    )


def percentile_interval(
    experts: FloatArray, candidate: FloatArray, counts: FloatArray, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """The rule before: 95% paired item-bootstrap percentile interval of Δ per sub-component."""
    n_raters = experts.shape[-1]
    xs, ys = [], []
    for k in range(n_raters):
        reference = np.delete(experts, k, axis=-1).mean(axis=-1)
        xs += [candidate, experts[..., k]]
        ys += [reference, reference]
    kappas = kappa_statistic(np.hstack(xs), np.hstack(ys))(counts)
    n_subs = candidate.shape[1]
    blocks = kappas.reshape(counts.shape[0], n_raters, 2, n_subs)
    delta = (blocks[:, :, 0] - blocks[:, :, 1]).mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.nanquantile(delta, [tail, 1.0 - tail], axis=0)
    return np.asarray(low), np.asarray(high)


@dataclass
class Tally:
    """Outcomes of one scenario over its replications, per scale.

    Attributes:
        n_scales: Sub-components (one per scale).
        verdicts: Per verdict, how many replications got it (the engine), per scale.
        before: Per verdict, the same from the percentile interval.
        covered: How often the engine's interval contained the population Δ.
        covered_before: The same for the percentile interval.
        alt_passes: How often the Alternative Annotator Test passed, per scale.
        alt_runs: How often it was run.
        lows: Per replication, the engine's lower bounds per scale.
        highs: Per replication, its upper bounds.
        reps: Replications so far.
        per_rep: Sub-components per scale in one replication (each counted).
    """

    n_scales: int
    per_rep: int = 1
    verdicts: dict[str, FloatArray] = field(init=False)
    before: dict[str, FloatArray] = field(init=False)
    covered: FloatArray = field(init=False)
    covered_before: FloatArray = field(init=False)
    alt_passes: FloatArray = field(init=False)
    alt_runs: FloatArray = field(init=False)
    lows: list[FloatArray] = field(init=False, default_factory=list)
    highs: list[FloatArray] = field(init=False, default_factory=list)
    reps: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        names = (*VERDICT_NAMES, "not assessed")
        self.verdicts = {v: np.zeros(self.n_scales) for v in names}
        self.before = {v: np.zeros(self.n_scales) for v in names}
        self.covered = np.zeros(self.n_scales)
        self.covered_before = np.zeros(self.n_scales)
        self.alt_passes = np.zeros(self.n_scales)
        self.alt_runs = np.zeros(self.n_scales)

    def rate(self, verdict: str, *, before: bool = False) -> FloatArray:
        """Share of sub-components with `verdict`, per scale."""
        return (self.before if before else self.verdicts)[verdict] / max(
            self.reps * self.per_rep, 1
        )


def run_scenario(
    model: Model,
    n_experts: int,
    candidate_sd: FloatArray,
    truth: FloatArray,
    reps: int,
    *,
    n_items: int = N_ITEMS,
    resamples: int,
    seed: int,
    alt_epsilon: float | None = None,
    expert_sd: float = EXPERT_SD,
    mixed: bool = False,
) -> Tally:
    """Simulate `reps` studies and candidates; judge each with `assess` and the percentile rule.

    A study is one framework per scale of `SUBS_PER_FRAMEWORK` sub-components on that scale
    (the release's layout: a framework's sub-components share its scale), each framework one
    `assess` call; a rate counts every sub-component. `mixed`: one framework of one
    sub-component per scale instead (its interval's shape pooled over unlike scales: a check
    that pooling does not hurt a sub-component whose pseudo-values are unlike the others').
    """
    rng = np.random.default_rng(seed)
    subs = 1 if mixed else SUBS_PER_FRAMEWORK
    scale_of = [s for s in range(len(SCALES)) for _ in range(subs)]
    blocks = (
        [slice(0, len(SCALES))]
        if mixed
        else [slice(s * subs, (s + 1) * subs) for s in range(len(SCALES))]
    )
    sds = [np.full(len(SCALES), expert_sd)] * n_experts + [candidate_sd]
    ratings = model.draw(rng, (reps, n_items, len(scale_of)), scale_of, sds)
    tally = Tally(len(SCALES), per_rep=subs)
    counts = shared_counts(
        make_panel(ratings[0, :, blocks[0], :n_experts], scale_of[blocks[0]]),
        BootstrapSettings(n_resamples=resamples, seed=seed),
    )
    for r in range(reps):
        lows, highs = np.zeros(len(SCALES)), np.zeros(len(SCALES))
        for block in blocks:
            experts, candidate = ratings[r, :, block, :n_experts], ratings[r, :, block, n_experts]
            result = assess(
                make_panel(experts, scale_of[block]),
                candidate,
                "candidate",
                counts=counts,
                alt_epsilon=alt_epsilon,
                swap=False,
            )
            old_low, old_high = percentile_interval(experts, candidate, counts)
            for j, sub in enumerate(result.sub_components):
                scale = scale_of[block][j]
                low, high = sub.difference.low, sub.difference.high
                tally.verdicts[sub.marginal_verdict][scale] += 1
                tally.before[verdict_of(float(old_low[j]), float(old_high[j]))][scale] += 1
                if sub.alt_test is not None:
                    tally.alt_runs[scale] += 1
                    tally.alt_passes[scale] += float(sub.alt_test.passes)
                tally.covered[scale] += low <= truth[scale] <= high
                tally.covered_before[scale] += old_low[j] <= truth[scale] <= old_high[j]
                if j == 0 or mixed:
                    lows[scale], highs[scale] = low, high
        tally.lows.append(lows)
        tally.highs.append(highs)
        tally.reps += 1
    return tally


def standard_error(p: float, n: int) -> float:
    """Monte Carlo standard error of a rate p over n replications."""
    return math.sqrt(max(p * (1.0 - p), 0.0) / n) if n else math.nan


def with_se(p: float, n: int) -> str:
    """A rate and its standard error, e.g. "12.3% ± 1.0"."""
    return f"{p:6.1%} ±{standard_error(p, n) * 100:4.1f}"


@dataclass(frozen=True)
class Case:
    """A candidate of known quality at one design point."""

    title: str
    target: float
    n_items: int
    n_experts: int
    alt_epsilon: float | None = None
    mixed: bool = False


def report(case: Case, sd: FloatArray, truth: FloatArray, tally: Tally) -> None:
    """Print one scenario: verdict rates now and before, coverage, the goal that applies."""
    n = tally.reps
    print(
        f"\n  {case.title}: {case.n_items} items, {case.n_experts} experts, {n} replications "
        f"(σ per scale {', '.join(f'{s:.3f}' for s in sd)}; Δ on fresh items "
        f"{', '.join(f'{d:+.3f}' for d in truth)})"
    )
    header = "".join(f"{v:>15}" for v in VERDICT_NAMES)
    print(f"    {'scale':<6}{'':8}{header}{'covers Δ':>15}{'AltTest pass':>15}")
    for j, scale in enumerate(SCALES):
        for before in (False, True):
            cells = "".join(
                f"{with_se(float(tally.rate(v, before=before)[j]), n):>15}" for v in VERDICT_NAMES
            )
            covered = (tally.covered_before if before else tally.covered)[j] / (n * tally.per_rep)
            runs = int(tally.alt_runs[j])
            alt = with_se(float(tally.alt_passes[j]) / runs, runs) if runs and not before else ""
            label = "before" if before else "now"
            print(
                f"    {scale_label(scale) if not before else '':<6}{label:<8}{cells}"
                f"{with_se(float(covered), n):>15}{alt:>15}"
            )
    if case.target == 0.0:
        print("    goals: 'above' ≤ 3%, coverage 93–97%")
    elif math.isclose(case.target, -MARGIN):
        print("    goals: 'at' + 'above' ≤ 3%, coverage 93–97%")


def family_run(
    model: Model, sd: FloatArray, reps: int, *, resamples: int, seed: int
) -> dict[str, float]:
    """Share of runs with any false 'above' over the release's 21 sub-components (module doc)."""
    rng = np.random.default_rng(seed)
    any_marginal = any_framework = any_overall = any_framework_verdict = 0
    draws = []
    for _, n_subs, scale in RELEASE:
        scale_of = [scale] * n_subs
        sds = [np.full(len(SCALES), EXPERT_SD)] * 3 + [sd]
        draws.append((scale_of, model.draw(rng, (reps, N_ITEMS, n_subs), scale_of, sds)))
    counts = shared_counts(
        make_panel(draws[0][1][0, ..., :3], draws[0][0]),
        BootstrapSettings(n_resamples=resamples, seed=seed),
    )
    for r in range(reps):
        singles = []
        marginal = framework = framework_verdict = False
        for scale_of, ratings in draws:
            result = assess(
                make_panel(ratings[r, ..., :3], scale_of),
                ratings[r, ..., 3],
                "candidate",
                counts=counts,
                alt_epsilon=None,
                swap=False,
            )
            marginal |= any(s.marginal_verdict == "above" for s in result.sub_components)
            framework |= any(s.verdict == "above" for s in result.sub_components)
            framework_verdict |= bool(
                result.framework_verdict and result.framework_verdict.verdict == "above"
            )
            singles += [s.like_for_like for s in result.sub_components if s.like_for_like]
        any_marginal += marginal
        any_framework += framework
        any_overall += "above" in family_verdicts(singles)
        any_framework_verdict += framework_verdict
    return {
        "no control (each sub-component alone)": any_marginal / reps,
        "counted: Benjamini–Hochberg within each framework": any_framework / reps,
        "overall row: Benjamini–Hochberg over all 21": any_overall / reps,
        "the four framework verdicts (mean Δ)": any_framework_verdict / reps,
    }


def main() -> None:
    """Calibrate, simulate every scenario under each model and print the rates."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--reps", type=int, default=400, help="replications per scenario")
    parser.add_argument("--family-reps", type=int, default=200, help="replications of --family")
    parser.add_argument("--resamples", type=int, default=500, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", default="project,harder")
    parser.add_argument(
        "--quick", action="store_true", help="only the 50-item, 3-expert design and no family"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    models: list[Model] = []
    for name in args.models.split(","):
        models.append(ProjectModel() if name.strip() == "project" else HarderModel())
    cases = [
        Case("(a) exactly as good as an expert", 0.0, N_ITEMS, 3, alt_epsilon=0.2),
        Case("(b) exactly at the margin, Δ = −0.10", -MARGIN, N_ITEMS, 3),
        Case("(c) clearly worse, Δ = −0.20", -0.20, N_ITEMS, 3),
    ]
    if not args.quick:
        for n_items in (25, 100):
            cases += [
                Case("(a) exactly as good as an expert", 0.0, n_items, 3),
                Case("(b) exactly at the margin, Δ = −0.10", -MARGIN, n_items, 3),
            ]
        cases += [
            Case("(a) exactly as good as an expert", 0.0, N_ITEMS, 5),
            Case("(b) exactly at the margin, Δ = −0.10", -MARGIN, N_ITEMS, 5),
            Case("(a') as (a), one framework of the three scales", 0.0, N_ITEMS, 3, mixed=True),
            Case("(b') as (b), one framework of the three scales", -MARGIN, N_ITEMS, 3, mixed=True),
        ]
    print(
        f"Verdict margin δ = {MARGIN}; 'now' = the engine (skewness-corrected jackknife-t "
        f"interval), 'before' = the {args.resamples}-resample percentile interval; ± is the "
        "Monte Carlo standard error"
    )
    for m, model in enumerate(models):
        print(f"\n=== model: {model.name} ===")
        base_seed = args.seed + 1000 * m  # the models' draws are independent
        calibrated: dict[tuple[int, float], tuple[FloatArray, FloatArray]] = {}
        for k, case in enumerate(cases):
            key = (case.n_experts, case.target)
            if key not in calibrated:
                sd = calibrate(model, case.n_experts, case.target)
                truth = population_difference(
                    model, case.n_experts, sd, seed=2, n_items=CALIBRATION_ITEMS
                )
                calibrated[key] = (sd, truth)
            sd, truth = calibrated[key]
            tally = run_scenario(
                model,
                case.n_experts,
                sd,
                truth,
                args.reps,
                n_items=case.n_items,
                resamples=args.resamples,
                seed=base_seed + 10 * k,
                alt_epsilon=case.alt_epsilon,
                mixed=case.mixed,
            )
            report(case, sd, truth, tally)
        if not args.quick:
            sd = calibrated[(3, 0.0)][0]
            rates = family_run(
                model, sd, args.family_reps, resamples=args.resamples, seed=base_seed + 99
            )
            print(
                f"\n  Multiplicity: an equal candidate on the release's 21 sub-components "
                f"(4 frameworks, {N_ITEMS} items each), {args.family_reps} replications: share "
                "of runs with at least one false 'above'"
            )
            for label, p in rates.items():
                print(f"    {label:<52}{with_se(p, args.family_reps)}")
    print(f"\nwall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
