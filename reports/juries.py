"""Juries from logs: runs of several judges on the same items and reference, combined.

``--jury NAME=MODEL,MODEL[,...]`` names a jury by its members' model labels (the label a report
shows, e.g. ``replay/gemini-2.5-pro``, or the plain model name when that is unambiguous);
``--jury all`` forms, on each framework, the jury of every candidate run (every run but a replay of
a panel member) that shares its items and reference with another. Probe runs never sit on a jury.

Runs combine only when they rated the same items and sub-components of the same framework and
were judged against the same reference (the same reference fingerprint in their log contracts,
`reports.reference_sets.same_reference`, the report's and `compare`'s rule); anything
else is refused with a one-line `JuryError`. A replay of a panel member cannot sit on a jury (it
is part of the reference); a jury whose two members gave identical ratings everywhere (a judge and
its own replay) is refused, and identical ratings on some sub-components are flagged.

A formed jury is then a candidate like any other: its ratings (`scorers.jury.combine`) become a
`Run` labelled ``jury NAME (rule): A + B``, which the leaderboard judges, diagnoses and ranks
as it does every run, and `scorers.agreement.assess` gives its verdict on the same panel and the
same resample counts (`shared_counts`) as the leaderboard, so the two agree to the digit. What is
particular to juries (error correlations, effective number of judges, gain over the best member,
marginal gains, mixed panels) comes from `scorers.jury.jury_worth` on the same resamples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..scorers.agreement import Assessment, assess, shared_counts
from ..scorers.arrays import FloatArray
from ..scorers.bootstrap_settings import DEFAULT_BOOTSTRAP, BootstrapSettings
from ..scorers.jury import JuryWorth, identical_pairs, jury_worth
from ..scorers.jury_rules import JuryError, JuryRule, check_rule, rules_for
from ..scorers.panel import Panel
from ..scorers.verdicts import MARGIN
from .leaderboard import ALT_EPSILON, run_kind
from .logs import Run, RunSet, SampleRecord
from .reference_sets import ratings_on, why_different

#: The spec that forms a jury of every candidate run per framework.
ALL = "all"
#: The provider part of a jury's model name (``jury/NAME``).
JURY_PROVIDER = "jury"


@dataclass(frozen=True)
class JurySpec:
    """A jury asked for on the command line.

    Attributes:
        name: The jury's name.
        members: Model labels of its members (empty for ``all``).
    """

    name: str
    members: tuple[str, ...] = ()

    @property
    def is_all(self) -> bool:
        """Whether this is ``--jury all``."""
        return not self.members


def parse_jury(text: str) -> JurySpec:
    """Read ``NAME=MODEL,MODEL[,...]`` or ``all``.

    Raises:
        JuryError: No name, no member, or a member named twice.
    """
    text = text.strip()
    if text == ALL:
        return JurySpec(ALL)
    name, equals, rest = text.partition("=")
    name = name.strip()
    if not equals or not name:
        raise JuryError(f"--jury {text!r}: expected NAME=MODEL,MODEL[,...] or 'all'")
    if name == ALL:
        raise JuryError("--jury: 'all' is reserved for the jury of every run; choose another name")
    members = tuple(m.strip() for m in rest.split(",") if m.strip())
    if not members:
        raise JuryError(f"--jury {text!r}: the jury {name!r} has no member")
    repeated = sorted({m for m in members if members.count(m) > 1})
    if repeated:
        raise JuryError(f"--jury {text!r}: member(s) named twice: {', '.join(repeated)}")
    return JurySpec(name, members)


@dataclass(frozen=True)
class FormedJury:
    """One jury on one framework with one rule: its run, verdicts and worth.

    Attributes:
        name: The jury's name.
        framework: Framework id.
        rule: The combination rule.
        members: The member runs, in the order named.
        run: The jury as a run (its ratings; reference and transcripts of the first member).
        panel: The panel it was judged against (the members' items, sorted).
        assessment: The engine's assessment of the jury (shared resamples).
        worth: Error correlations, effective number, gains, mixed panels.
        notes: Flags (identical ratings on a sub-component, ...).
    """

    name: str
    framework: str
    rule: JuryRule
    members: tuple[Run, ...]
    run: Run
    panel: Panel
    assessment: Assessment
    worth: JuryWorth
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The jury's row label: ``jury NAME (rule): A + B``."""
        return self.run.model

    @property
    def member_labels(self) -> tuple[str, ...]:
        """The members' model labels."""
        return tuple(r.model for r in self.members)


@dataclass(frozen=True)
class JuryReport:
    """Every jury formed, and what could not be formed where.

    Attributes:
        juries: One per jury × framework × rule.
        notes: Frameworks skipped for a jury, and why.
        settings: n_resamples, seed, confidence, folds as used.
    """

    juries: tuple[FormedJury, ...]
    notes: tuple[str, ...] = ()
    settings: Mapping[str, object] | None = None

    @property
    def runs(self) -> tuple[Run, ...]:
        """The juries as runs, to add to a leaderboard."""
        return tuple(j.run for j in self.juries)


def jury_label(name: str, rule: str, members: Sequence[Run]) -> str:
    """``jury NAME (rule): A + B``."""
    return f"jury {name} ({rule}): " + " + ".join(r.model for r in members)


def _candidates(runs: Sequence[Run]) -> list[Run]:
    return [
        r
        for r in runs
        if r.probe is None
        and not r.model_name.startswith(f"{JURY_PROVIDER}/")
        and run_kind(r, r.panel_spec())[0] != "panel member"
    ]


def _match(member: str, runs: Sequence[Run], framework: str) -> Run | None:
    on = [r for r in runs if r.framework == framework and r.probe is None]
    exact = [r for r in on if r.model == member]
    if exact:
        return exact[0]
    by_name = [r for r in on if r.model_name == member]
    if len(by_name) > 1:
        labels = ", ".join(r.model for r in by_name)
        raise JuryError(f"jury member {member!r} matches several runs on {framework}: {labels}")
    return by_name[0] if by_name else None


def check_members(name: str, framework: str, members: Sequence[Run]) -> None:
    """Refuse runs that cannot sit on one jury (see the module doc).

    Raises:
        JuryError: A panel member; different items, sub-components or reference.
    """
    for run in members:
        kind, annotator = run_kind(run, run.panel_spec())
        if kind == "panel member":
            raise JuryError(
                f"jury {name} on {framework}: {run.model} replays panel member {annotator}, "
                "who is part of the reference and cannot sit on a jury judged against it"
            )
    first = members[0]
    items = tuple(sorted(first.item_ids))
    for run in members[1:]:
        if frozenset(run.item_ids) != frozenset(items):
            raise JuryError(
                f"jury {name} on {framework}: {run.model} rated {len(set(run.item_ids))} item(s), "
                f"{first.model} {len(items)}, not the same items: runs combine only on the same "
                "items"
            )
        if set(run.sub_components) != set(first.sub_components):
            raise JuryError(
                f"jury {name} on {framework}: {run.model} rated sub-components "
                f"{list(run.sub_components)}, {first.model} {list(first.sub_components)}"
            )
        why = why_different(first, run)
        if why:
            raise JuryError(
                f"jury {name} on {framework}: {run.model} and {first.model} were not judged "
                f"against the same reference ({run.model} was judged against {why})"
            )


def _answer(members: Sequence[Run], ratings: Sequence[Mapping[str, float]], rule: str) -> str:
    parts = []
    for run, values in zip(members, ratings, strict=True):
        shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
        parts.append(f"{run.model}: {shown}")
    return f"jury ({rule}) of " + "; ".join(parts)


def jury_run(
    name: str, rule: str, members: Sequence[Run], items: Sequence[str], ratings: FloatArray
) -> Run:
    """The jury as a `Run`: its ratings on `items`, the first member's reference and texts.

    Its tokens and time are the members' sums (a jury costs all its members' calls).
    """
    first = members[0]
    subs = first.sub_components
    by_item = [{s.item_id: s for s in run.samples} for run in members]
    samples = []
    for i, item in enumerate(items):
        base = by_item[0][item]
        values = {sub: float(ratings[i, j]) for j, sub in enumerate(subs)}
        present = sum(not np.isnan(v) for v in values.values())
        status = "ok" if present == len(subs) else ("failed" if present == 0 else "partial")
        samples.append(
            SampleRecord(
                item_id=item,
                ratings=values,
                reference=base.reference,
                answer=_answer(members, [b[item].ratings for b in by_item], rule),
                explanation="",
                parse_status=status,
                transcript=base.transcript,
                word_count=base.word_count,
            )
        )
    seconds = [r.seconds for r in members if r.seconds is not None]
    return replace(
        first,
        model=jury_label(name, rule, members),
        model_name=f"{JURY_PROVIDER}/{name}",
        created=max(r.created for r in members),
        samples=tuple(samples),
        input_tokens=sum(r.input_tokens for r in members),
        output_tokens=sum(r.output_tokens for r in members),
        total_tokens=sum(r.total_tokens for r in members),
        seconds=sum(seconds) if len(seconds) == len(members) else None,
        contract=replace(first.contract, probe=None),
        base_model="",
    )


def _groups_for_all(runs: Sequence[Run]) -> list[tuple[str, list[Run]]]:
    """Per framework, the candidate runs that share items, sub-components and reference."""
    out: list[tuple[str, list[Run]]] = []
    for framework in dict.fromkeys(r.framework for r in runs):
        groups: dict[tuple[object, ...], list[Run]] = {}
        for run in _candidates([r for r in runs if r.framework == framework]):
            items = tuple(sorted(run.item_ids))
            key = (items, frozenset(run.sub_components), run.fingerprint)
            groups.setdefault(key, []).append(run)
        for group in groups.values():
            if len(group) >= 2:
                out.append((framework, group))
    return out


def _member_sets(spec: JurySpec, runs: RunSet) -> tuple[list[tuple[str, list[Run]]], list[str]]:
    plain = list(runs.plain)
    if spec.is_all:
        groups = _groups_for_all(plain)
        if not groups:
            raise JuryError(
                "--jury all: no framework has two candidate runs on the same items and reference"
            )
        return groups, []
    found: list[tuple[str, list[Run]]] = []
    notes: list[str] = []
    for framework in dict.fromkeys(r.framework for r in plain):
        matched = {m: _match(m, plain, framework) for m in spec.members}
        missing = [m for m, r in matched.items() if r is None]
        if len(missing) == len(spec.members):
            continue
        if missing:
            notes.append(
                f"jury {spec.name}: not formed on {framework}, which has no run of "
                + ", ".join(missing)
            )
            continue
        found.append((framework, [r for r in matched.values() if r is not None]))
    if not found:
        known = ", ".join(sorted({r.model for r in plain}))
        raise JuryError(
            f"jury {spec.name}: no framework has a run of every member "
            f"({', '.join(spec.members)}); runs: {known}"
        )
    return found, notes


def form_juries(
    runs: RunSet,
    specs: Sequence[JurySpec],
    *,
    rules: Sequence[str] | None = None,
    settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
    folds: int | None = None,
    margin: float = MARGIN,
) -> JuryReport:
    """Form every jury asked for, on every framework where its members ran.

    Args:
        runs: The runs (from `reports.logs.load_runs`).
        specs: The juries asked for.
        rules: Combination rules (None: every rule that fits the scale: mean, median and
            weighted, majority on nominal scales; no median for two members, where it is the
            mean).
        settings: Bootstrap resamples and seed (the leaderboard's, so that the resamples are
            shared; the seed also assigns the weighted rule's folds) and the intervals'
            coverage.
        folds: Cross-fitting folds of the weighted rule (None: leave one item out).
        margin: Non-inferiority margin δ of the verdicts.

    Returns:
        The juries, one per jury × framework × rule.

    Raises:
        JuryError: A jury that cannot be formed (one line saying why).
    """
    formed: list[FormedJury] = []
    notes: list[str] = []
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise JuryError(f"--jury: a jury name is used twice: {names}")
    for spec in specs:
        groups, skipped = _member_sets(spec, runs)
        notes += skipped
        for number, (framework, members) in enumerate(groups, start=1):
            name = spec.name
            if spec.is_all and sum(f == framework for f, _ in groups) > 1:
                name = f"{spec.name}#{number}"
            formed += _form(name, framework, members, rules, settings, folds, margin)
    return JuryReport(
        juries=tuple(formed),
        notes=tuple(dict.fromkeys(notes + [n for j in formed for n in j.notes])),
        settings={
            "n_resamples": settings.n_resamples,
            "seed": settings.seed,
            "confidence": settings.confidence,
            "folds": "leave one item out" if folds is None else folds,
        },
    )


def _form(
    name: str,
    framework: str,
    members: Sequence[Run],
    rules: Sequence[str] | None,
    settings: BootstrapSettings,
    folds: int | None,
    margin: float,
) -> list[FormedJury]:
    check_members(name, framework, members)
    first = members[0]
    items = tuple(sorted(first.item_ids))
    subs = first.sub_components
    panel = first.panel().restrict(items).select(subs)
    values = {run.model: ratings_on(run, items, subs) for run in members}
    defaults = [r for r in rules_for(panel.level) if not (r == "median" and len(members) == 2)]
    chosen = [check_rule(r, panel.level) for r in (rules or defaults)]
    stacked = np.stack(list(values.values()))
    notes = _identical_notes(name, framework, identical_pairs(list(values), stacked, subs), subs)
    counts = shared_counts(panel, settings)
    out: list[FormedJury] = []
    for rule in chosen:
        worth = jury_worth(
            panel,
            values,
            rule,
            counts=counts,
            confidence=settings.confidence,
            folds=folds,
            seed=settings.seed,
        )
        run = jury_run(name, rule, members, items, worth.ratings)
        assessment = assess(
            panel,
            worth.ratings,
            run.model,
            margin=margin,
            settings=settings,
            counts=counts,
            alt_epsilon=ALT_EPSILON,
        )
        out.append(
            FormedJury(
                name, framework, rule, tuple(members), run, panel, assessment, worth, tuple(notes)
            )
        )
    return out


def _identical_notes(
    name: str, framework: str, identical: Sequence[tuple[str, str, str]], subs: Sequence[str]
) -> list[str]:
    by_pair: dict[tuple[str, str], list[str]] = {}
    for sub, a, b in identical:
        by_pair.setdefault((a, b), []).append(sub)
    notes = []
    for (a, b), found in by_pair.items():
        if len(set(found)) == len(subs):
            raise JuryError(
                f"jury {name} on {framework}: {a} and {b} gave identical ratings on every item "
                "and sub-component (a judge and its own replay?): the jury would count one "
                "judge twice"
            )
        notes.append(
            f"jury {name} on {framework}: {a} and {b} gave identical ratings on "
            f"{', '.join(found)} (error correlation 1 there: one judge counted twice)"
        )
    return notes
