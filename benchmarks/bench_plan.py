"""Benchmark: does `plan`'s number of items give the stated power? Simulation with a known truth.

Data models: those of `bench_verdicts.py` (imported from it, ``--models project,harder``).
**project**: per item a latent level per sub-component, standard normal, correlation 0.5 across
the item's three sub-components (one per scale: 0–2, 1–5, 1–7); a rater adds normal noise and
cuts the sum to the scale ([−2, 2] in k equal bins); three experts (σ = 0.8). **harder**:
skewed latent levels and category marginals, rater-specific leniency and cut points, item
difficulty and halo (`bench_verdicts.HarderModel`). Candidates with a known population Δ
(like-for-like κ difference, `scorers.agreement`): ``equal`` (Δ = 0: under the project model
σ = 0.8, an expert's twin, exactly; under the harder one the candidate has its own leniency and
cut points and its σ is calibrated) and ``worse`` (Δ = −0.10, the margin), σ calibrated per
scale by bisection on 1,000,000 items (common random numbers) and Δ checked on 1,000,000 fresh
items (printed).

Per model, scenario and scale:

1. **The plan in expectation.** `--pilots` pilots of 50 items, each judged by `assess`; the
   plan (`scorers.sample_size.items_for_verdict_resampled`, what `empathy-judge plan` uses)
   is run on their pseudo-values of Δ, each pilot's centred and then pooled (the
   population's, seen through 50-item pilots), at the true Δ, giving n*. Then `--reps`
   fresh studies of n* items, judged by `assess`, measure the conclusive share: the oracle
   is |share − power| ≤ 5 points.
2. **The plan from one pilot**, as a user runs it: the first `--spread-pilots` pilots' own
   pseudo-values at the true Δ give their own n; printed are the median and 10–90% range of
   those n, and the mean power they give (the pooled plan's share at those n, checked by 1).
3. **Resampling one pilot** (the pilot with the median Δ̂ on the 1–5 scale): its 50 items
   resampled with replacement to the plan's n at its own Δ̂, judged by `assess`
   `--reps`/2 times; the conclusive share beside the share the plan promised for that pilot
   (the plan resamples the pilot's pseudo-values, a linear shortcut of this).
4. **The gate** (``--gate-reps``, project model only): a baseline judge (σ = 0.7) and a
   candidate whose κ against the expert median is 0.2 lower on each sub-component (σ calibrated
   on 200,000 items); the plan's n for a 0.2 drop of the framework mean, from 40 pilots of 50
   items with the experts and the baseline judge only (`reports.gate_plan.gate_pilots`), then
   fresh studies of that n through `scorers.gate.regression_gate`: the share "regressed".

Every share is printed with its Monte Carlo standard error √(p(1 − p)/reps). The verdict does
not read `assess`'s bootstrap (its interval is the jackknife's), so `--resamples` is small.

Run: `nice -n 5 python -P benchmarks/bench_plan.py --reps 600 --gate-reps 0 --seed 1
--models project` (126 s) and ``--models harder`` (186 s), at load average about 2 on the 2
shared cores. The studies are frameworks of three sub-components per scale, the verdict's
interval shape pooled over them (the plan holds the pilot's pooled shape). Conclusive share at
n* for a stated 80% (± about 1.6, Monte Carlo):

    project  Δ = 0:     81.3% (0–2, n* 350)  76.5% (1–5, 269)  81.2% (1–7, 263)
             Δ = −0.10: 80.7% (0–2, 372)     82.7% (1–5, 289)  81.7% (1–7, 275)
    harder   Δ = 0:     86.3% (0–2, 586)     78.8% (1–5, 436)  79.2% (1–7, 437)
             Δ = −0.10: 83.2% (0–2, 479)     78.3% (1–5, 395)  81.8% (1–7, 418)

Planned from a single pilot, with the allowance for the pilot's own uncertainty about its
spread (`scorers.sample_size.pilot_variance_inflation`), the mean power is 77.1–82.4%
(72.7–79.4% without it). Details in benchmarks/README.md.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# The data models are bench_verdicts.py's; the repository root makes it importable however
# this script is run (`python -P` puts no script folder on the path). Appended, so that the
# repository's folders never shadow an installed package.
sys.path.append(str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_verdicts import (
    SCALES,
    SUBS_PER_FRAMEWORK,
    HarderModel,
    Model,
    ProjectModel,
    calibrate,
    kappa_columns,
    make_panel,
    population_difference,
    scale_label,
)
from empathy_judge.reports.verdict_plan import pooled_shape
from empathy_judge.scorers.agreement import assess
from empathy_judge.scorers.arrays import FloatArray
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.sample_size import (
    VerdictShape,
    items_for_verdict_resampled,
    resampled_conclusive_share,
)
from empathy_judge.scorers.verdicts import MARGIN, ExpertLevelVerdict

EXPERT_SD = 0.8
PILOT_ITEMS = 50
POWER = 0.8
LEVEL = 0.95
#: Items of the samples that calibrate a candidate's σ and check its Δ.
CALIBRATION_ITEMS = 1_000_000
SCALE_OF = list(range(len(SCALES)))
#: The verdict's studies: one framework per scale of `SUBS_PER_FRAMEWORK` sub-components on it.
FRAMEWORK_SCALES = [s for s in range(len(SCALES)) for _ in range(SUBS_PER_FRAMEWORK)]


def draw(
    model: Model, rng: np.random.Generator, n_items: int, candidate_sd: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Three experts (items × scales × 3) and a candidate (items × scales) on the same items."""
    sds = [np.full(len(SCALES), EXPERT_SD)] * 3 + [candidate_sd]
    ratings = model.draw(rng, (1, n_items, len(SCALES)), SCALE_OF, sds)[0]
    return np.ascontiguousarray(ratings[..., :3]), np.ascontiguousarray(ratings[..., 3])


def draw_frameworks(
    model: Model, rng: np.random.Generator, n_items: int, candidate_sd: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """As `draw`, for one framework per scale (items × `FRAMEWORK_SCALES` [× 3 experts])."""
    sds = [np.full(len(SCALES), EXPERT_SD)] * 3 + [candidate_sd]
    ratings = model.draw(rng, (1, n_items, len(FRAMEWORK_SCALES)), FRAMEWORK_SCALES, sds)[0]
    return np.ascontiguousarray(ratings[..., :3]), np.ascontiguousarray(ratings[..., 3])


def judged(
    experts: FloatArray, candidate: FloatArray, resamples: int, seed: int
) -> list[ExpertLevelVerdict]:
    """Per scale, its framework's first sub-component's own verdict (no family control).

    Its interval's shape is pooled over the framework's sub-components, as the report's is.
    """
    out = []
    for scale in range(len(SCALES)):
        block = slice(scale * SUBS_PER_FRAMEWORK, (scale + 1) * SUBS_PER_FRAMEWORK)
        result = assess(
            make_panel(experts[:, block], FRAMEWORK_SCALES[block]),
            candidate[:, block],
            "candidate",
            settings=BootstrapSettings(n_resamples=resamples, seed=seed),
            alt_epsilon=None,
            swap=False,
        )
        verdict = result.sub_components[0].like_for_like
        assert verdict is not None
        out.append(verdict)
    return out


def share(flags: Sequence[bool]) -> str:
    """A share in percent with its Monte Carlo standard error."""
    p, n = float(np.mean(flags)), len(flags)
    return f"{100 * p:5.1f}% ± {100 * math.sqrt(p * (1 - p) / n):.1f}"


def conclusive(verdict: ExpertLevelVerdict) -> bool:
    """Not inconclusive."""
    return verdict.verdict != "inconclusive"


def pseudo(verdict: ExpertLevelVerdict) -> FloatArray:
    """A verdict's pseudo-values (every simulated pilot has them)."""
    assert verdict.pseudo_values is not None
    return verdict.pseudo_values


def plan_items(
    pseudo_values: FloatArray, delta: float, seed: int, draws: int, shape: VerdictShape | None
) -> int | None:
    """The plan's n (`items_for_verdict_resampled`) at the stated power."""
    return items_for_verdict_resampled(
        pseudo_values,
        delta,
        margin=MARGIN,
        power=POWER,
        level=LEVEL,
        seed=seed,
        draws=draws,
        shape=shape,
    )


def plan_share(
    pseudo_values: FloatArray,
    delta: float,
    n: int,
    seed: int,
    draws: int,
    shape: VerdictShape | None,
) -> float:
    """The conclusive share the plan promises at n items."""
    return resampled_conclusive_share(
        pseudo_values, delta, n, margin=MARGIN, level=LEVEL, seed=seed, draws=draws, shape=shape
    )


def mean_shape(verdicts: Sequence[ExpertLevelVerdict]) -> VerdictShape | None:
    """The pilots' pooled shapes averaged (the plan in expectation holds it fixed)."""
    shapes = [pooled_shape(v) for v in verdicts]
    found = [s for s in shapes if s is not None]
    if not found:
        return None
    return VerdictShape(
        float(np.mean([s.skewness for s in found])),
        float(np.mean([s.kurtosis for s in found])),
        pooled=True,
    )


def scenarios(model: Model) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Per scenario: the candidate's σ per scale and its Δ on fresh items."""
    out: dict[str, tuple[FloatArray, FloatArray]] = {}
    for name, target in (("equal (Δ = 0)", 0.0), ("worse (Δ = −0.10)", -MARGIN)):
        if isinstance(model, ProjectModel) and target == 0.0:
            sd = np.full(len(SCALES), EXPERT_SD)  # an expert's twin: Δ = 0 exactly
            out[name] = (sd, np.zeros(len(SCALES)))
            continue
        sd = calibrate(model, 3, target, n_items=CALIBRATION_ITEMS, steps=20, seed=11)
        truth = population_difference(model, 3, sd, seed=12, n_items=CALIBRATION_ITEMS)
        out[name] = (sd, truth)
    return out


def run_model(model: Model, args: argparse.Namespace, rng: np.random.Generator) -> None:
    """Sections 1–3 of the module doc under one data model."""
    print(f"\n=== model: {model.name} ===")
    for name, (sd, delta) in scenarios(model).items():
        print(
            f"\n{name}: candidate σ per scale {np.round(sd, 4).tolist()}, Δ on "
            f"{CALIBRATION_ITEMS:,} fresh items {np.round(delta, 4).tolist()}"
        )
        pilots = []
        reads: list[list[ExpertLevelVerdict]] = []
        for p in range(args.pilots):
            experts, candidate = draw_frameworks(model, rng, PILOT_ITEMS, sd)
            pilots.append((experts, candidate))
            reads.append(judged(experts, candidate, args.resamples, p))
        for j, scale in enumerate(SCALES):
            truth = float(delta[j])
            # Each pilot's own pseudo-values centred, as its plan shifts them: the pooled set
            # has the spread a plan resamples, not also the spread of the pilots' means.
            pooled = np.concatenate([pseudo(r[j]) - pseudo(r[j]).mean() for r in reads])
            shape = mean_shape([r[j] for r in reads])
            n_star = plan_items(pooled, truth, args.seed, args.draws, shape)
            assert n_star is not None
            flags = []
            for r in range(args.reps):
                experts, candidate = draw_frameworks(model, rng, n_star, sd)
                flags.append(conclusive(judged(experts, candidate, args.resamples, 10_000 + r)[j]))
            promised = plan_share(pooled, truth, n_star, args.seed + 1, args.draws, shape)
            se = np.mean([r[j].std_error for r in reads])
            print(
                f"  {scale_label(scale)}: n* = {n_star} (jackknife SE at {PILOT_ITEMS} "
                f"{se:.4f}): conclusive {share(flags)} (stated {POWER:.0%}; the plan's own "
                f"share at n*, fresh draws: {100 * promised:.1f}%)"
            )
            own = [
                plan_items(pseudo(r[j]), truth, args.seed, args.spread_draws, pooled_shape(r[j]))
                for r in reads[: args.spread_pilots]
            ]
            finite = [n for n in own if n is not None]
            if finite:
                powers = [
                    plan_share(pooled, truth, n, args.seed + 2, args.draws, shape) for n in finite
                ]
                print(
                    f"        planned from each of {len(own)} pilots: n median "
                    f"{np.median(finite):.0f} (10–90% {np.percentile(finite, 10):.0f}–"
                    f"{np.percentile(finite, 90):.0f}, {len(own) - len(finite)} beyond the "
                    f"search), mean power at those n {100 * np.mean(powers):.1f}%"
                )
        # Resampling one pilot (1–5; the pilot whose Δ̂ is the median) to the plan's n at its
        # own Δ̂, through `assess`, beside what the plan promised for it.
        j = 1
        d_arr = np.array([r[j].difference for r in reads])
        typical = int(np.argmin(np.abs(d_arr - np.median(d_arr))))
        experts, candidate = pilots[typical]
        d0, psi0 = float(d_arr[typical]), pseudo(reads[typical][j])
        shape0 = pooled_shape(reads[typical][j])
        n_obs = plan_items(psi0, d0, args.seed, args.draws, shape0)
        if n_obs is not None:
            flags = []
            for r in range(max(args.reps // 2, 1)):
                rows = rng.integers(0, PILOT_ITEMS, size=n_obs)
                v = judged(experts[rows], candidate[rows], args.resamples, 20_000 + r)
                flags.append(conclusive(v[j]))
            promised_one = plan_share(psi0, d0, n_obs, args.seed + 1, args.draws, shape0)
            print(
                f"  resampling the median pilot (1–5, Δ̂ {d0:+.3f}) to n = {n_obs} through "
                f"assess: conclusive {share(flags)}; the plan's {100 * promised_one:.1f}%"
            )


BASELINE_SD = 0.7


def consensus_kappa(sd: float, n_items: int = 200_000, seed: int = 21) -> FloatArray:
    """κ(judge with noise sd, median of the experts) per scale, on a large sample (project)."""
    experts, judge = draw(
        ProjectModel(), np.random.default_rng(seed), n_items, np.full(len(SCALES), sd)
    )
    return kappa_columns(judge, np.median(experts, axis=-1))


def calibrate_drop(drop: float) -> FloatArray:
    """Candidate σ per scale whose κ against the expert median is `drop` below the baseline's."""
    target = consensus_kappa(BASELINE_SD) - drop
    sds = np.empty(len(SCALES))
    for j in range(len(SCALES)):
        low, high = BASELINE_SD, 5.0
        for _ in range(22):
            middle = 0.5 * (low + high)
            if consensus_kappa(middle)[j] > target[j]:
                low = middle
            else:
                high = middle
        sds[j] = 0.5 * (low + high)
    return sds


def gate_check(rng: np.random.Generator, reps: int, resamples: int) -> None:
    """Section 4 of the module doc: the plan's n for a 0.2 drop, and the gate's detection."""
    from empathy_judge.reports.corpora import JudgedCorpus
    from empathy_judge.reports.gate_plan import gate_pilots
    from empathy_judge.scorers.gate import DEFAULT_TOLERANCE, regression_gate
    from empathy_judge.scorers.sample_size import items_for_gate

    drop = 0.2
    worse = calibrate_drop(drop)
    model = ProjectModel()
    print(
        f"\ngate: baseline σ {BASELINE_SD}, candidate σ per scale {np.round(worse, 3).tolist()} "
        f"(κ vs the expert median {drop} lower on each scale); {reps} studies"
    )
    planned = []
    for p in range(40):
        experts, baseline = draw(model, rng, PILOT_ITEMS, np.full(len(SCALES), BASELINE_SD))
        corpus = JudgedCorpus(
            "simulated", "bench", "baseline", make_panel(experts, SCALE_OF), baseline
        )
        _, mean = gate_pilots(
            corpus,
            drop=drop,
            settings=BootstrapSettings(confidence=LEVEL, n_resamples=resamples, seed=p),
        )
        planned.append(
            items_for_gate(
                drop,
                mean.std_error,
                mean.n_items,
                critical=mean.critical,
                power=POWER,
                tolerance=DEFAULT_TOLERANCE,
            )
        )
    finite = [n for n in planned if n is not None]
    n_gate = int(np.median(finite))
    flags = []
    for r in range(reps):
        # Experts, baseline and candidate rate the same items: one latent sample.
        sds = [np.full(len(SCALES), EXPERT_SD)] * 3 + [np.full(len(SCALES), BASELINE_SD), worse]
        ratings = model.draw(rng, (1, n_gate, len(SCALES)), SCALE_OF, sds)[0]
        result = regression_gate(
            np.median(ratings[..., :3], axis=-1), ratings[..., 3], ratings[..., 4],
            settings=BootstrapSettings(confidence=LEVEL, n_resamples=resamples, seed=r),
        )  # fmt: skip
        flags.append(result.groups[0].verdict == "regressed")
    print(
        f"  planned n for a {drop} drop of the framework mean (median of 40 pilots, 10–90% "
        f"{np.percentile(finite, 10):.0f}–{np.percentile(finite, 90):.0f}): {n_gate}; "
        f"detected {share(flags)} (stated {POWER:.0%})"
    )


def main() -> None:
    """Run every model's scenarios and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=400, help="fresh studies at the planned n")
    parser.add_argument("--pilots", type=int, default=300, help="pilots pooled for the plan")
    parser.add_argument("--spread-pilots", type=int, default=60, help="pilots planned alone")
    parser.add_argument("--draws", type=int, default=4000, help="the plan's simulated studies")
    parser.add_argument("--spread-draws", type=int, default=1000, help="the same, one pilot")
    parser.add_argument("--resamples", type=int, default=50, help="assess's bootstrap")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", default="project,harder")
    parser.add_argument("--gate-reps", type=int, default=300)
    args = parser.parse_args()
    start = time.perf_counter()
    print(
        f"plan: items for a conclusive like-for-like verdict at {POWER:.0%} power "
        f"(margin {MARGIN}, {LEVEL:.0%} interval); {args.reps} studies per n, "
        f"{args.pilots} pilots of {PILOT_ITEMS} items; the plan simulates {args.draws} studies"
    )
    for name in args.models.split(","):
        model: Model = HarderModel() if name.strip() == "harder" else ProjectModel()
        # Each model its own stream, the same whether run alone or with the other.
        offset = 1000 if model.name == "harder" else 0
        run_model(model, args, np.random.default_rng(args.seed + offset))
    if args.gate_reps:
        gate_check(np.random.default_rng(args.seed + 7), args.gate_reps, 1000)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
