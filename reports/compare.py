"""The regression gate: a candidate model's runs against a baseline's, on their shared items.

For every framework both sides ran on the same reference panel (the same reference fingerprint
in their log contracts, `reports.reference_sets.same_reference`, the rule that keeps the
report's sections apart), the items both rated and the sub-components both rated are handed to
`empathy_judge.scorers.gate.regression_gate` in one call: reference = the consensus of the
engine's `Panel` rebuilt from the logs (the rubric's consensus rule), κ as the panel's level of
measurement asks (unweighted Cohen's κ on nominal scales), one column per framework ×
sub-component, the frameworks' items stacked (NaN outside their own columns) and resampled
within their framework, each framework a group. So every sub-component's Δκw = κw(candidate) −
κw(baseline) and every framework's mean Δκw gets a verdict — ``regressed``, ``improved``,
``equivalent`` (both simultaneous bounds inside ±T), ``inconclusive`` or ``not comparable`` —
with the probability of any false "regressed" in the whole invocation at most 5% (the gate's
module docstring gives the test; its error rates come from `benchmarks/bench_gate.py`). Each
side is also assessed on its own against that panel by the engine (`scorers.agreement.assess`:
κ against the consensus and the like-for-like verdicts), the figures the report and the in-run
metric give for the same ratings.

Besides agreement, a candidate regresses when its **parse rate** (the share of requested
ratings that parsed, `Run.parse_rate`) fell by more than `DEFAULT_PARSE_DROP` (0.05 absolute)
in a framework: unparsed answers leave the κw comparison silently, so a model that stops
answering the hard items could otherwise look as good as before.

Exit codes (`Comparison.exit_code`): 0 nothing regressed (inconclusive verdicts are counted in
the output; with ``strict`` they fail with 1), 1 a sub-component, a framework mean or a parse
rate regressed, 2 not comparable: a sub-component with no paired items (e.g. every answer of one
side failed to parse there), a framework both ran on no common item or scored against
different reference panels (each side's κ against its own reference is printed beside the
reason); a side with no usable rating at all, different frameworks, unreadable logs and no
shared items raise `CompareError` (also exit 2). Exit 2 wins over 1: the comparison is incomplete.

**Probe runs** (``-T probe=NAME``) perturb the transcripts a model rates; they measure how far
the text can push that model, so a probe run is never compared with a plain run as if the two
were different models, nor runs of two different probes (or probe versions) with each other:
both raise `CompareError` (exit 2) and point to `empathy-judge report`, which pairs a probe run
with its plain run. Two models under the same probe are comparable. A side that mixes plain and
probe runs is ambiguous and refused too (name its log files instead).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..datasets.errors import EmpathyJudgeError
from ..scorers.agreement import Assessment, assess, shared_counts
from ..scorers.arrays import FloatArray
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.gate import (
    DEFAULT_CORRECTION,
    DEFAULT_TOLERANCE,
    Correction,
    GateEntry,
    GateResult,
    regression_gate,
)
from ..scorers.panel import Panel
from .logs import LogError, Run, RunSet, is_log_file, is_remote, load_runs
from .reference_sets import why_different

#: A fall of the parse rate larger than this (absolute share) is a regression.
DEFAULT_PARSE_DROP = 0.05
#: How many items whose ratings moved most the output lists.
DEFAULT_MOVED_ITEMS = 5


class CompareError(EmpathyJudgeError, ValueError):
    """The two sides cannot be compared (usage or data error: exit code 2)."""


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a model's runs, one per framework.

    Attributes:
        spec: What the user gave (path or ``DIR:MODEL``).
        model: The model label.
        runs: Runs by framework id.
        probe: The probe every run was made with (``injection v1``), None for plain runs.
    """

    spec: str
    model: str
    runs: dict[str, Run]
    probe: str | None = None

    @property
    def kind(self) -> str:
        """``a plain run`` or ``a probe run (injection v1)``, for messages."""
        return "a plain run" if self.probe is None else f"a probe run ({self.probe})"


@dataclass(frozen=True)
class ParseRate:
    """Parse rates of one framework on both sides.

    Attributes:
        framework: Framework id.
        baseline: Baseline's share of requested ratings that parsed.
        candidate: Candidate's share.
        regressed: The candidate's rate is below the baseline's by more than the threshold.
    """

    framework: str
    baseline: float
    candidate: float
    regressed: bool


@dataclass(frozen=True)
class MovedItem:
    """An item whose ratings changed between the two sides.

    Attributes:
        framework: Framework id.
        item_id: The item.
        change: Mean over the sub-components both sides rated of |candidate − baseline| /
            (scale width): 1.0 means every rating jumped from one end of its scale to the
            other.
        changes: (sub-component, baseline rating, candidate rating) where they differ.
    """

    framework: str
    item_id: str
    change: float
    changes: tuple[tuple[str, float, float], ...]


@dataclass(frozen=True)
class Comparison:
    """The result of comparing two sides.

    Attributes:
        baseline: Baseline side.
        candidate: Candidate side.
        gate: The gate's verdicts: one column per framework × sub-component (named
            ``framework/sub_component``), one group per framework.
        columns: (framework, sub_component) of each gate column.
        parse_rates: Per framework compared.
        max_parse_drop: The parse-rate threshold.
        moved: Items whose ratings moved most, largest change first.
        unmatched: Frameworks both sides ran that could not be compared, with the reason (no
            common item, or different reference panels).
        assessments: Per framework compared, each side against the panel on the compared
            items (``{framework: (baseline, candidate)}``): κ and the like-for-like verdict.
        strict: Whether inconclusive verdicts fail (exit 1).
        seed: Bootstrap seed.
        notes: Frameworks only one side ran, and similar remarks.
    """

    baseline: Side
    candidate: Side
    gate: GateResult
    columns: tuple[tuple[str, str], ...]
    parse_rates: tuple[ParseRate, ...]
    max_parse_drop: float
    moved: tuple[MovedItem, ...]
    unmatched: tuple[str, ...]
    assessments: dict[str, tuple[Assessment, Assessment]]
    strict: bool
    seed: int
    notes: tuple[str, ...]

    @property
    def entries(self) -> list[tuple[str, str, GateEntry]]:
        """(framework, sub-component or "(mean)", entry): per framework, its mean first."""
        rows: list[tuple[str, str, GateEntry]] = []
        for group in self.gate.groups:
            rows.append((group.name, "(mean)", group))
            for column, (framework, sub) in zip(self.gate.columns, self.columns, strict=True):
                if framework == group.name:
                    rows.append((framework, sub, column))
        return rows

    @property
    def regressed(self) -> list[GateEntry]:
        """Framework means and sub-components that regressed, each mean before its parts."""
        return [e for _, _, e in self.entries if e.verdict == "regressed"]

    @property
    def parse_regressed(self) -> list[ParseRate]:
        """Frameworks whose parse rate fell by more than the threshold."""
        return [p for p in self.parse_rates if p.regressed]

    @property
    def not_comparable(self) -> list[str]:
        """What could not be compared, with the reason."""
        return [f"{e.name} ({e.reason})" for e in self.gate.not_comparable] + list(self.unmatched)

    @property
    def inconclusive(self) -> int:
        """Inconclusive sub-components plus inconclusive framework means."""
        return self.gate.inconclusive + self.gate.inconclusive_groups

    @property
    def exit_code(self) -> int:
        """2 not comparable, else 1 regressed (or inconclusive with `strict`), else 0."""
        if self.not_comparable:
            return 2
        if self.regressed or self.parse_regressed:
            return 1
        if self.strict and self.inconclusive:
            return 1
        return 0


def _split_spec(spec: str) -> tuple[str, str | None]:
    if is_remote(spec):
        # s3://bucket/logs or s3://bucket/logs:MODEL (the scheme's own colon is no separator).
        scheme, _, rest = spec.partition("://")
        folder, sep, model = rest.partition(":")
        if sep and model:
            return f"{scheme}://{folder}", model
        return spec, None
    path = Path(spec)
    if path.exists():
        return str(path), None
    folder, sep, model = spec.partition(":")
    if sep and model and Path(folder).is_dir():
        return folder, model
    raise CompareError(f"{spec}: no such log file or folder (nor DIR:MODEL with an existing DIR)")


def resolve_side(spec: str) -> Side:
    """Read one side: a log file, a log folder (one model), or ``DIR:MODEL``.

    Raises:
        CompareError: Nothing usable, unreadable logs, or a folder holding several models.
    """
    path, model = _split_spec(spec)
    try:
        runs: RunSet = load_runs([path], model=model, strict=is_log_file(path))
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
    probes = sorted({"plain" if r.probe is None else r.probe.label for r in runs.runs})
    if len(probes) > 1:
        raise CompareError(
            f"{spec}: holds {' and '.join(probes)} runs of {models[0]}; a probe run is not "
            "another model — give the log files of one kind (or use `empathy-judge report`, "
            "which pairs probe runs with plain runs)"
        )
    probe = None if probes == ["plain"] else probes[0]
    return Side(spec=spec, model=models[0], runs={r.framework: r for r in runs.runs}, probe=probe)


def check_probes(baseline: Side, candidate: Side) -> None:
    """Refuse to compare a probe run with a plain run, or runs of two different probes.

    Raises:
        CompareError: The sides were made with different probes (or one with none).
    """
    if baseline.probe == candidate.probe:
        return
    if baseline.probe is None or candidate.probe is None:
        raise CompareError(
            f"cannot compare {baseline.spec} ({baseline.kind}) with {candidate.spec} "
            f"({candidate.kind}): a probe run perturbs the transcripts of the same model, it is "
            "not another model; `empathy-judge report` pairs a probe run with its model's "
            "plain run and shows the rating shifts"
        )
    raise CompareError(
        f"cannot compare {baseline.spec} ({baseline.kind}) with {candidate.spec} "
        f"({candidate.kind}): different probes perturb the transcripts differently; compare "
        "runs made with the same probe, or plain runs"
    )


@dataclass(frozen=True)
class _Block:
    """One framework's shared items × shared sub-components on both sides, and their panel."""

    framework: str
    panel: Panel
    widths: tuple[float, ...]
    baseline: FloatArray
    candidate: FloatArray

    @property
    def items(self) -> tuple[str, ...]:
        return self.panel.items

    @property
    def sub_components(self) -> tuple[str, ...]:
        return self.panel.sub_components

    @property
    def reference(self) -> FloatArray:
        return self.panel.consensus()


def _rows(run: Run, items: Sequence[str], subs: Sequence[str]) -> FloatArray:
    matrix = run.rating_matrix(subs)
    position = {item: row for row, item in enumerate(s.item_id for s in run.samples)}
    return np.asarray(matrix[[position[i] for i in items]], dtype=np.float64)


def _block(baseline: Run, candidate: Run, notes: list[str]) -> _Block:
    framework = baseline.framework
    candidate_items = {s.item_id for s in candidate.samples}
    items = tuple(
        dict.fromkeys(s.item_id for s in baseline.samples if s.item_id in candidate_items)
    )
    subs = tuple(s for s in baseline.sub_components if s in set(candidate.sub_components))
    for side, run, other in (("baseline", baseline, candidate), ("candidate", candidate, baseline)):
        only = [s for s in run.sub_components if s not in set(other.sub_components)]
        if only:
            notes.append(f"{framework}: only the {side} rated {', '.join(only)}; not compared")
        extra = len({s.item_id for s in run.samples}) - len(items)
        if extra and items:
            notes.append(f"{framework}: {extra} item(s) only the {side} rated; not compared")
    references = {s.item_id: s.reference for s in baseline.samples}
    panel = baseline.panel_spec().panel(framework, items, [references[i] for i in items], subs)
    entries = [baseline.contract.entry(s) for s in subs]
    return _Block(
        framework=framework,
        panel=panel,
        widths=tuple(e.width if e is not None and e.width > 0 else 1.0 for e in entries),
        baseline=_rows(baseline, items, subs),
        candidate=_rows(candidate, items, subs),
    )


def _own_kappa(run: Run) -> str:
    """A run's mean κ against its own reference, for a refusal's message."""
    panel = run.panel()
    try:
        value = assess(
            panel,
            run.rating_matrix(panel.sub_components),
            run.candidate_name,
            # A refusal's message quotes the point κ only: few resamples suffice.
            settings=BootstrapSettings(n_resamples=200),
            alt_epsilon=None,
            swap=False,
        ).mean_kappa.value
    except EmpathyJudgeError:
        return "n/a"
    return kappa_text(value)


def kappa_text(value: float) -> str:
    """A κ as the comparison prints it: three decimals, or "n/a"."""
    return f"{value:.3f}" if math.isfinite(value) else "n/a"


def _reference_mismatch(baseline: Run, candidate: Run) -> str:
    why = why_different(baseline, candidate)
    return (
        f"{baseline.framework} (not comparable: the candidate was scored against {why}; "
        f"each side's κ against its own reference: baseline {_own_kappa(baseline)}, "
        f"candidate {_own_kappa(candidate)})"
    )


def _stack(blocks: Sequence[_Block]) -> tuple[FloatArray, FloatArray, FloatArray, list[str]]:
    rows = sum(len(b.items) for b in blocks)
    width = sum(len(b.sub_components) for b in blocks)
    out = [np.full((rows, width), np.nan) for _ in range(3)]
    strata: list[str] = []
    row = column = 0
    for block in blocks:
        n, s = len(block.items), len(block.sub_components)
        for target, source in zip(
            out, (block.reference, block.baseline, block.candidate), strict=True
        ):
            target[row : row + n, column : column + s] = source
        strata += [block.framework] * n
        row, column = row + n, column + s
    return out[0], out[1], out[2], strata


def moved_items(blocks: Sequence[_Block], limit: int) -> list[MovedItem]:
    """The items whose ratings changed most between baseline and candidate.

    Args:
        blocks: The frameworks compared.
        limit: How many to return.

    Returns:
        Items with a change, largest first (ties by framework and item id); sub-components
        where either side is missing do not count.
    """
    found: list[MovedItem] = []
    for block in blocks:
        widths = np.array(block.widths)
        moved = np.abs(block.candidate - block.baseline) / widths[None, :]
        rated = (~np.isnan(moved)).sum(axis=1)
        moved = np.where(np.isnan(moved), 0.0, moved)
        totals = moved.sum(axis=1) / np.maximum(rated, 1)
        for row in np.flatnonzero(totals > 0):
            changes = tuple(
                (sub, float(block.baseline[row, j]), float(block.candidate[row, j]))
                for j, sub in enumerate(block.sub_components)
                if moved[row, j] > 0
            )
            found.append(MovedItem(block.framework, block.items[row], float(totals[row]), changes))
    found.sort(key=lambda m: (-m.change, m.framework, m.item_id))
    return found[:limit]


def _usable_or_raise(side: Side, blocks: Sequence[_Block], values: Sequence[FloatArray]) -> None:
    total = sum(v.size for v in values)
    if total and all(np.isnan(v).all() for v in values):
        rates = ", ".join(f"{b.framework} {side.runs[b.framework].parse_rate:.0%}" for b in blocks)
        raise CompareError(
            f"{side.spec}: no usable ratings — every one of its {total} ratings on the shared "
            f"items is missing (parse rate {rates})"
        )


def compare_sides(
    baseline: Side,
    candidate: Side,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
    correction: Correction = DEFAULT_CORRECTION,
    max_parse_drop: float = DEFAULT_PARSE_DROP,
    strict: bool = False,
    n_moved: int = DEFAULT_MOVED_ITEMS,
) -> Comparison:
    """Compare a candidate with a baseline per framework and sub-component (one gate call).

    Args:
        baseline: The reference side (e.g. the model in production).
        candidate: The side under test (e.g. its update).
        tolerance: T, in κw units.
        settings: Paired-bootstrap resamples and seed, and as `confidence` the gate's
            family-wise confidence level.
        correction: The gate's multiplicity correction.
        max_parse_drop: A parse-rate fall larger than this is a regression.
        strict: Inconclusive verdicts fail (exit 1).
        n_moved: How many most-moved items to list.

    Returns:
        The comparison.

    Raises:
        CompareError: No framework in common, no shared items, a side without any usable
            rating, or sides made with different probes (or a probe run against a plain run).
    """
    if tolerance < 0:
        raise CompareError(f"tolerance must be >= 0, got {tolerance}")
    check_probes(baseline, candidate)
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
    if baseline.probe is not None:
        notes.append(
            f"both sides are probe runs ({baseline.probe}): two models compared under the same "
            "perturbation of the transcripts"
        )
    unmatched: list[str] = []
    same = []
    for f in shared:
        if why_different(baseline.runs[f], candidate.runs[f]):
            unmatched.append(_reference_mismatch(baseline.runs[f], candidate.runs[f]))
        else:
            same.append(f)
    if not same:
        raise CompareError(
            f"cannot compare {baseline.spec} with {candidate.spec}: " + "; ".join(unmatched)
        )
    blocks = [_block(baseline.runs[f], candidate.runs[f], notes) for f in same]
    unmatched += [
        f"{b.framework} (no item rated by both sides)"
        for b in blocks
        if not b.items or not b.sub_components
    ]
    blocks = [b for b in blocks if b.items and b.sub_components]
    if not blocks:
        raise CompareError(
            f"no shared items between {baseline.spec} and {candidate.spec} (frameworks {shared})"
        )
    _usable_or_raise(baseline, blocks, [b.baseline for b in blocks])
    _usable_or_raise(candidate, blocks, [b.candidate for b in blocks])
    reference, base, cand, strata = _stack(blocks)
    columns = tuple((b.framework, s) for b in blocks for s in b.sub_components)
    try:
        gate = regression_gate(
            reference,
            base,
            cand,
            tolerance=tolerance,
            settings=settings,
            groups=[f for f, _ in columns],
            names=[f"{f}/{s}" for f, s in columns],
            strata=strata,
            correction=correction,
            measurement=[b.panel.level for b in blocks for _ in b.sub_components],
        )
    except EmpathyJudgeError as error:
        raise CompareError(str(error)) from error
    assessments = {}
    for b in blocks:
        counts = shared_counts(b.panel, settings)
        own_baseline, own_candidate = (
            assess(
                b.panel,
                values,
                side.runs[b.framework].candidate_name,
                counts=counts,
                alt_epsilon=None,
                swap=False,
            )
            for side, values in ((baseline, b.baseline), (candidate, b.candidate))
        )
        assessments[b.framework] = (own_baseline, own_candidate)
    parse_rates = tuple(
        ParseRate(
            framework=b.framework,
            baseline=baseline.runs[b.framework].parse_rate,
            candidate=candidate.runs[b.framework].parse_rate,
            regressed=candidate.runs[b.framework].parse_rate
            < baseline.runs[b.framework].parse_rate - max_parse_drop,
        )
        for b in blocks
    )
    return Comparison(
        baseline=baseline,
        candidate=candidate,
        gate=gate,
        columns=columns,
        parse_rates=parse_rates,
        max_parse_drop=max_parse_drop,
        moved=tuple(moved_items(blocks, n_moved)),
        unmatched=tuple(unmatched),
        assessments=assessments,
        strict=strict,
        seed=settings.seed,
        notes=tuple(notes),
    )


def compare_paths(baseline: str, candidate: str, **options: Any) -> Comparison:
    """Resolve both sides from their specs and compare them (options as `compare_sides`)."""
    return compare_sides(resolve_side(baseline), resolve_side(candidate), **options)


# -- output ----------------------------------------------------------------------------------


__all__: Sequence[str] = (
    "DEFAULT_MOVED_ITEMS",
    "DEFAULT_PARSE_DROP",
    "DEFAULT_TOLERANCE",
    "CompareError",
    "Comparison",
    "MovedItem",
    "ParseRate",
    "Side",
    "compare_paths",
    "compare_sides",
    "moved_items",
    "resolve_side",
)
