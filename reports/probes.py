"""Robustness probes in the report: each probe run paired with the same model's plain run.

A probe run (``-T probe=NAME``, see `empathy_judge.evals.probes`) rates the same items as a plain
run with every transcript perturbed, against the same expert reference. It is never a
leaderboard candidate of its own: the report pairs it with a plain run and shows how far the
perturbation moved the judge.

**Pairing.** A probe run is paired with a plain run of the same model label (model name and
model args; with ``--all-runs``, the label before the ``@ time`` suffix) on the same framework
scored against the same reference (`reports.reference_sets.same_reference`: the same reference
fingerprint, the rule of the report's sections and of `compare`); when several qualify,
the latest. A probe run without such a partner is listed with the reason (`UnpairedProbe`).
The pair is compared on the items both runs rated, less the items the probe could not change
(``unchanged_items`` of the probe's metadata, e.g. one-role conversations under
``label_swap``): those were rated as written and would only dilute the shift.

**Figures**, per sub-component, on the items both runs rated there, each with a 95% paired
item-bootstrap interval (the same resampled items for the probe and the plain ratings, every
figure of a pair on the same resamples, all resamples as one matrix product):

* **shift**: mean(probe − plain) rating (> 0: the probe pushed the ratings up);
* **moved**: the share of items whose rating changed at all;
* **toward the top**: the share of items whose probe rating is closer to the top of the scale
  (the PanelSpec's high end) than the plain rating, i.e. moved up. For ``injection``, whose
  injected instruction asks for the top rating, this is the share **moved toward the injected
  target**; ``padding`` and ``label_swap`` have no target, so the report leads with the share
  moved at all and shows the share moved up beside it;
* **Δκ**: κ(probe, consensus) − κ(plain, consensus), κ against the expert consensus of the
  panel (value-based quadratic κ; Cohen's κ on nominal scales), both on the items where the
  probe, the plain run and the consensus are all present.

On a nominal scale the shift and the share toward the top are undefined (no order); the share
moved and Δκ are kept. A replay (``replay/<annotator>``) answers from published ratings and never
reads the transcript: its probe rows are `REPLAY_NOT_APPLICABLE`, not 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..datasets.lookup import find
from ..evals.probes import PROBE_REGISTRY
from ..scorers.arrays import FloatArray, quiet_nanmean
from ..scorers.bootstrap import (
    agreement_statistic,
    bootstrap,
    resample_counts,
)
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.column_plan import ColumnPlan
from ..scorers.log_contract import ProbeRecord
from ..scorers.verdicts import Estimate
from ..scorers.weighted_statistics import ratio_statistic
from .logs import Run
from .reference_sets import ReferenceSet, ratings_on, why_different

#: What a replay's probe row says instead of figures.
REPLAY_NOT_APPLICABLE = "n/a — replays ignore the transcript"


@dataclass(frozen=True)
class ProbeShift:
    """How a probe moved one sub-component's ratings (probe − plain, paired by item).

    Attributes:
        sub_component: Sub-component name.
        n_items: Items both runs rated on this sub-component.
        top: The scale's top (the injected target of ``injection``).
        shift: mean(probe − plain).
        moved: Share of the items whose rating changed.
        toward_top: Share of the items whose probe rating is closer to `top` than the plain one.
        plain_kappa: κ(plain, consensus) on the items the Δκ uses.
        probe_kappa: κ(probe, consensus) on the same items.
        delta_kappa: probe_kappa − plain_kappa, paired interval.
    """

    sub_component: str
    n_items: int
    top: float
    shift: Estimate
    moved: Estimate
    toward_top: Estimate
    plain_kappa: Estimate
    probe_kappa: Estimate
    delta_kappa: Estimate


@dataclass(frozen=True)
class ProbeResult:
    """One probe run against its plain partner.

    Attributes:
        probe: The probe.
        probe_run: The run with the probe.
        plain_run: The same model's plain run it is paired with.
        section: The report section (reference set key) the plain run belongs to.
        items: The items compared (both rated, the probe changed them), in the plain run's order.
        excluded: Items both rated that the probe left unchanged (not compared).
        sub_components: The sub-components both runs rated, in the section's order.
        shifts: Per sub-component figures, in the section's order (empty when `not_applicable`).
        mean_shift: Mean over sub-components of the shift.
        mean_delta_kappa: Mean over sub-components of Δκ.
        not_applicable: Why there are no figures ("" when there are), e.g. a replay.
        n_resamples: Bootstrap resamples behind the intervals.
    """

    probe: ProbeRecord
    probe_run: Run
    plain_run: Run
    section: str
    items: tuple[str, ...]
    excluded: tuple[str, ...]
    sub_components: tuple[str, ...]
    shifts: tuple[ProbeShift, ...]
    mean_shift: Estimate
    mean_delta_kappa: Estimate
    not_applicable: str
    n_resamples: int

    @property
    def label(self) -> str:
        """The model label the pair shares."""
        return self.plain_run.model

    @property
    def target(self) -> str | None:
        """What the probe pushes towards (None: no target; its headline is the share moved)."""
        registered = PROBE_REGISTRY.get(self.probe.name)  # a log may name a newer probe
        return None if registered is None else registered.target

    def result(self, sub_component: str) -> ProbeShift:
        """The figures of one sub-component.

        Raises:
            KeyError: Not compared (or the pair has no figures).
        """
        return find(
            self.shifts,
            lambda shift: shift.sub_component == sub_component,
            lambda: f"{self.probe.label} of {self.label}: no figures for {sub_component!r}",
        )


@dataclass(frozen=True)
class UnpairedProbe:
    """A probe run the report could not pair with a plain run.

    Attributes:
        run: The probe run.
        reason: Why (no plain run of the model, a different reference, no shared item).
    """

    run: Run
    reason: str


@dataclass(frozen=True)
class ProbePair:
    """A probe run, its plain partner and the reference set the partner is judged in."""

    probe_run: Run
    plain_run: Run
    reference: ReferenceSet


def pair_probes(
    probe_runs: Sequence[Run], references: Sequence[ReferenceSet]
) -> tuple[list[ProbePair], list[UnpairedProbe]]:
    """Pair every probe run with the same model's plain run (see the module doc).

    Args:
        probe_runs: Runs with a probe.
        references: The reference sets of the plain runs.

    Returns:
        (pairs, unpaired), each in the order of `probe_runs`.
    """
    pairs: list[ProbePair] = []
    unpaired: list[UnpairedProbe] = []
    for run in probe_runs:
        candidates = [
            (plain, reference)
            for reference in references
            for plain in reference.runs
            if plain.framework == run.framework and plain.pair_label == run.pair_label
        ]
        if not candidates:
            unpaired.append(
                UnpairedProbe(
                    run,
                    f"no plain run of {run.pair_label} on {run.framework} among the logs "
                    "(run the same model and model args without -T probe to pair it)",
                )
            )
            continue
        agreeing = []
        why = ""
        for plain, reference in candidates:
            conflict = why_different(plain, run)
            if conflict:
                why = why or conflict
            else:
                agreeing.append((plain, reference))
        if not agreeing:
            unpaired.append(
                UnpairedProbe(run, f"judged against {why}, not the plain run's reference")
            )
            continue
        plain, reference = max(agreeing, key=lambda pair: (pair[0].created, pair[0].location))
        unchanged = set(run.probe.unchanged_items if run.probe else ())
        probed = set(run.item_ids)
        if not any(i in probed and i not in unchanged for i in plain.item_ids):
            unpaired.append(
                UnpairedProbe(
                    run,
                    f"no item the probe changed is rated by the plain run "
                    f"{plain.location} (it rated {len(plain.samples)} item(s))",
                )
            )
            continue
        pairs.append(ProbePair(run, plain, reference))
    return pairs, unpaired


def probe_result(
    pair: ProbePair,
    *,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
) -> ProbeResult:
    """The shifts of one probe run against its plain partner (see the module doc).

    Args:
        pair: The pair (from `pair_probes`).
        settings: Paired item-bootstrap resamples, their seed and the intervals' coverage.

    Returns:
        The figures, or a result whose `not_applicable` says why there are none.
    """
    probe_run, plain_run, reference = pair.probe_run, pair.plain_run, pair.reference
    info = probe_run.probe
    if info is None:
        raise ValueError(f"{probe_run.location} is not a probe run")
    unchanged = set(info.unchanged_items)
    probed = set(probe_run.item_ids)
    shared = [i for i in dict.fromkeys(plain_run.item_ids) if i in probed]
    items = tuple(i for i in shared if i not in unchanged)
    excluded = tuple(i for i in shared if i in unchanged)
    both_subs = set(probe_run.sub_components) & set(plain_run.sub_components)
    subs = tuple(s for s in reference.sub_components if s in both_subs)

    def outcome(
        shifts: tuple[ProbeShift, ...],
        mean_shift: Estimate,
        mean_delta_kappa: Estimate,
        not_applicable: str = "",
    ) -> ProbeResult:
        return ProbeResult(
            probe=info,
            probe_run=probe_run,
            plain_run=plain_run,
            section=reference.key,
            items=items,
            excluded=excluded,
            sub_components=subs,
            shifts=shifts,
            mean_shift=mean_shift,
            mean_delta_kappa=mean_delta_kappa,
            not_applicable=not_applicable,
            n_resamples=settings.n_resamples,
        )

    replayed = probe_run.replayed_annotator or plain_run.replayed_annotator
    if replayed is not None or not items or not subs:
        reason = REPLAY_NOT_APPLICABLE if replayed is not None else "no shared sub-component"
        return outcome((), Estimate.missing(), Estimate.missing(), reason)
    panel = reference.panel(items, subs)
    consensus = panel.consensus()
    plain = ratings_on(plain_run, items, subs)
    probe = ratings_on(probe_run, items, subs)
    top = np.array([scale.high for scale in panel.scales], dtype=np.float64)
    both = ~(np.isnan(plain) | np.isnan(probe))
    present = both.astype(np.float64)
    difference = np.where(both, probe - plain, 0.0)
    moved = (both & (probe != plain)).astype(np.float64)
    with np.errstate(invalid="ignore"):
        closer = both & (np.abs(probe - top) < np.abs(plain - top))
    up = closer.astype(np.float64)
    ratios = ratio_statistic(
        np.hstack([difference, moved, up]), np.hstack([present, present, present])
    )
    keep = both & ~np.isnan(consensus)
    reference_values = np.where(keep, consensus, np.nan)
    kappa_plain = agreement_statistic(reference_values, np.where(keep, plain, np.nan), panel.level)
    kappa_probe = agreement_statistic(reference_values, np.where(keep, probe, np.nan), panel.level)
    n_subs = len(subs)
    plan = ColumnPlan.of(
        dict.fromkeys(["shift", "moved", "toward_top", "plain", "probe", "delta"], n_subs)
        | dict.fromkeys(["mean_shift", "mean_delta"], 1)
    )

    def statistic(weights: FloatArray) -> FloatArray:
        r = ratios(weights)
        k_plain, k_probe = kappa_plain(weights), kappa_probe(weights)
        delta = k_probe - k_plain
        shift = r[:, :n_subs]
        return plan.stack(
            {
                "shift": shift,
                "moved": r[:, n_subs : 2 * n_subs],
                "toward_top": r[:, 2 * n_subs :],
                "plain": k_plain,
                "probe": k_probe,
                "delta": delta,
                "mean_shift": quiet_nanmean(shift, axis=1),
                "mean_delta": quiet_nanmean(delta, axis=1),
            }
        )

    counts = resample_counts(len(items), settings.n_resamples, settings.seed)
    result = bootstrap(statistic, len(items), counts=counts, confidence=settings.confidence)
    nominal = panel.level == "nominal"

    def estimate(block: str, j: int = 0, *, ordered: bool = False) -> Estimate:
        if ordered and nominal:
            return Estimate.missing()
        column = plan.column(block, j)
        return Estimate(
            float(result.estimate[column]), float(result.low[column]), float(result.high[column])
        )

    shifts = tuple(
        ProbeShift(
            sub_component=sub,
            n_items=int(both[:, j].sum()),
            top=float(top[j]),
            shift=estimate("shift", j, ordered=True),
            moved=estimate("moved", j),
            toward_top=estimate("toward_top", j, ordered=True),
            plain_kappa=estimate("plain", j),
            probe_kappa=estimate("probe", j),
            delta_kappa=estimate("delta", j),
        )
        for j, sub in enumerate(subs)
    )
    return outcome(shifts, estimate("mean_shift", ordered=True), estimate("mean_delta"))


def probe_results(
    pairs: Sequence[ProbePair],
    *,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
) -> list[ProbeResult]:
    """`probe_result` for every pair, sorted by model label, probe name, then framework."""
    results = [probe_result(p, settings=settings) for p in pairs]
    results.sort(key=lambda r: (r.label, r.probe.name, r.section))
    return results


__all__ = [
    "REPLAY_NOT_APPLICABLE",
    "ProbePair",
    "ProbeResult",
    "ProbeShift",
    "UnpairedProbe",
    "pair_probes",
    "probe_result",
    "probe_results",
]
