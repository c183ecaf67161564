"""A judge's ratings of a corpus beside the experts' ratings of (some of) its items.

`empathy-judge estimate` and `empathy-judge plan` start from the same thing: per framework, the
expert panel on the corpus's items (NaN where the experts did not rate an item) and one judge's
ratings of the same items. It comes from one of three sources:

* **logs** (a log file or folder): a judge run's ratings, and the panel the run carries in its
  samples (`empathy_judge.reports.logs.Run.panel`): a run on a pack whose experts rated some
  items only has the other items as unlabelled ones;
* **a pack folder** or a **packaged framework id** (``epitome``), or ``release`` for every
  packaged framework: the pack's ratings table, its group ``expert`` as the panel
  (`empathy_judge.scorers.panel.panel_from_table`, with the rubric's scales, level and
  consensus rule) and the annotator named by ``--judge`` as the judge;
* any of these with the experts **withheld** on all but some items (`withhold_experts`), so
  that a fully labelled corpus such as the release works as a demonstration.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..datasets.errors import EmpathyJudgeError
from ..scorers.arrays import FloatArray
from ..scorers.panel import Panel

#: The SOURCE that names every packaged framework of the authors' release.
RELEASE = "release"


class CorpusError(EmpathyJudgeError, ValueError):
    """A source cannot give a judge's ratings beside an expert panel; the message says why."""


@dataclass(frozen=True, eq=False)
class JudgedCorpus:
    """One framework's corpus: the experts' panel and one judge's ratings of its items.

    Attributes:
        framework: Framework id.
        source: Where it came from (a log, a pack folder, ``release``).
        judge: The judge's name (a model label or an annotator).
        panel: The expert panel on the corpus items (NaN where an expert did not rate).
        ratings: The judge's items × sub-components ratings, aligned with `panel.items`.
        notes: What the reader must know (items withheld, items without a judge rating...).
        withheld_means: After `withhold_experts`, per sub-component the mean consensus over
            every item the judge rated *before* the experts were withheld: what the estimate
            should recover (a demonstration's check); empty otherwise.
    """

    framework: str
    source: str
    judge: str
    panel: Panel
    ratings: FloatArray
    notes: tuple[str, ...] = ()
    withheld_means: Mapping[str, float] = field(default_factory=dict)

    @property
    def sub_components(self) -> tuple[str, ...]:
        """The sub-components, in the panel's order."""
        return self.panel.sub_components


def is_log_source(source: str) -> bool:
    """Whether SOURCE names Inspect logs (a log file, or a folder that is not a pack)."""
    from ..datasets.pack import is_pack_folder
    from .logs import LOG_SUFFIXES

    path = Path(source).expanduser()
    if path.is_file():
        return path.suffix in LOG_SUFFIXES
    return path.is_dir() and not is_pack_folder(path)


def load_corpora(
    source: str,
    *,
    judge: str | None = None,
    frameworks: Sequence[str] = (),
    data_dir: str | None = None,
) -> list[JudgedCorpus]:
    """The judged corpora a SOURCE holds, one per framework.

    Args:
        source: A log file or folder, a pack folder, a packaged framework id, or ``release``.
        judge: The judge: a model label or name among the logs (optional when the logs hold
            one model), or an annotator of the pack's ratings (required for packs).
        frameworks: Keep only these framework ids (default: all the source holds).
        data_dir: The release folder for packaged frameworks.

    Raises:
        CorpusError: Nothing usable, an unknown judge or framework, a judge that is an expert.
    """
    if is_log_source(source):
        corpora = _from_logs(source, judge)
    else:
        corpora = _from_packs(source, judge, data_dir, frameworks)
    if frameworks:
        unknown = sorted(set(frameworks) - {c.framework for c in corpora})
        if unknown:
            known = ", ".join(c.framework for c in corpora)
            raise CorpusError(f"{source}: no framework {', '.join(unknown)} here (has {known})")
        corpora = [c for c in corpora if c.framework in set(frameworks)]
    for corpus in corpora:
        if np.isnan(corpus.ratings).all():
            raise CorpusError(
                f"{source}: {corpus.judge} has no usable rating on {corpus.framework}"
            )
    return corpora


def _from_logs(source: str, judge: str | None) -> list[JudgedCorpus]:
    from .logs import LogError, load_runs

    try:
        runs = [r for r in load_runs([source]).runs if r.probe is None]
    except LogError as error:
        raise CorpusError(str(error)) from error
    if not runs:
        raise CorpusError(f"{source}: no successful rating run among the logs")
    models = list(dict.fromkeys(r.model for r in runs))
    if judge is not None:
        runs = [r for r in runs if judge in (r.model, r.model_name, r.replayed_annotator)]
        if not runs:
            raise CorpusError(f"{source}: no run of judge {judge!r}; the logs hold {models}")
    elif len(models) > 1:
        raise CorpusError(f"{source}: runs of several models {models}; pick one with --judge")
    chosen = list(dict.fromkeys(r.model for r in runs))
    if len(chosen) > 1:
        raise CorpusError(f"{source}: {judge!r} matches several runs {chosen}; give the label")
    out = []
    for run in runs:
        panel = run.panel()
        out.append(
            JudgedCorpus(
                framework=run.framework,
                source=run.location,
                judge=run.model,
                panel=panel,
                ratings=run.rating_matrix(panel.sub_components),
            )
        )
    return out


def _from_packs(
    source: str, judge: str | None, data_dir: str | None, frameworks: Sequence[str] = ()
) -> list[JudgedCorpus]:
    from ..datasets.pack import PackError, load_pack
    from ..datasets.ratings_table import EXPERT_GROUP
    from ..datasets.rubric import RubricError, packaged_ids
    from ..scorers.panel import PanelError, Scale, panel_from_table

    specs = list(packaged_ids()) if source == RELEASE else [source]
    if source == RELEASE and frameworks and set(frameworks) <= set(specs):
        # Only the frameworks asked for are read and checked (an unknown one keeps them all,
        # so that the caller's message lists what the release has).
        specs = [spec for spec in specs if spec in frameworks]
    try:
        packs = [load_pack(spec, data_dir=data_dir) for spec in specs]
    except (PackError, RubricError) as error:
        raise CorpusError(
            f"{error} (SOURCE is a log file or folder, a pack folder, a packaged framework id "
            f"or {RELEASE!r})"
        ) from error
    out = []
    for pack in packs:
        rubric = pack.framework
        ratings = pack.ratings()
        groups = dict(zip(ratings["annotator"].astype(str), ratings["group"], strict=True))
        others = sorted(a for a, g in groups.items() if g != EXPERT_GROUP)
        experts = sorted(a for a, g in groups.items() if g == EXPERT_GROUP)
        if judge is None:
            raise CorpusError(
                f"{pack.source}: pass the judge with --judge (annotators of {rubric.id}: "
                f"{', '.join(others) or 'none but experts'})"
            )
        if judge in experts:
            raise CorpusError(
                f"{pack.source}: {judge!r} is one of the {rubric.id} experts; the judge must be "
                f"another annotator ({', '.join(others) or 'none'})"
            )
        if judge not in others:
            raise CorpusError(
                f"{pack.source}: no annotator {judge!r} in the {rubric.id} ratings; "
                f"annotators besides the experts: {', '.join(others) or 'none'}"
            )
        try:
            data = panel_from_table(
                ratings,
                rubric.id,
                sub_components=list(rubric.columns),
                scales=[Scale(s.scale_min, s.scale_max) for s in rubric.sub_components],
                level=rubric.level_of_measurement,
                rule=rubric.consensus,
                annotators=[judge],
            )
        except PanelError as error:
            raise CorpusError(f"{pack.source}: {error}") from error
        out.append(
            JudgedCorpus(
                framework=rubric.id,
                source=pack.source,
                judge=judge,
                panel=data.panel,
                ratings=data.others[judge],
            )
        )
    return out


def read_item_list(path: str) -> list[str]:
    """Item ids from a file: one per line, blank lines and ``#`` comments ignored.

    A CSV whose first line is a header holding ``item_id`` is read by that column.

    Raises:
        CorpusError: The file cannot be read or lists no item.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CorpusError(f"{path}: cannot read the item list: {error}") from error
    rows = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if rows and "," in rows[0] and "item_id" in rows[0].split(","):
        column = rows[0].split(",").index("item_id")
        rows = [row.split(",")[column].strip() for row in rows[1:]]
    if not rows:
        raise CorpusError(f"{path}: lists no item id")
    return rows


def withhold_experts(
    corpus: JudgedCorpus,
    *,
    labelled: int | None = None,
    labelled_items: Sequence[str] | None = None,
    seed: int = 0,
) -> JudgedCorpus:
    """The corpus with the experts' ratings kept on some items only (the others unlabelled).

    Args:
        corpus: A corpus.
        labelled: Keep the experts on this many items, drawn at random (seeded) among the
            items with a consensus and a judge rating.
        labelled_items: Keep the experts on these items only (ids not in the corpus are
            ignored, and counted in a note).
        seed: Seed of the random draw.

    Raises:
        CorpusError: Both or neither of `labelled` and `labelled_items`; fewer than 2 asked.
    """
    if (labelled is None) == (labelled_items is None):
        raise CorpusError("withhold the experts with either a number of items or an item list")
    panel = corpus.panel
    eligible = np.flatnonzero(
        ~np.isnan(panel.consensus()).all(axis=1) & ~np.isnan(corpus.ratings).all(axis=1)
    )
    notes = list(corpus.notes)
    if labelled is not None:
        if labelled < 2:
            raise CorpusError(f"--labelled {labelled}: at least 2 labelled items are needed")
        rng = np.random.default_rng(seed)
        take = min(labelled, eligible.size)
        keep = np.sort(rng.choice(eligible, size=take, replace=False))
        if take < labelled:
            notes.append(
                f"{corpus.framework}: asked for {labelled} labelled items, the corpus has "
                f"{eligible.size} rated by both the experts and the judge"
            )
        notes.append(
            f"{corpus.framework}: experts kept on {take} items drawn at random (seed {seed}), "
            f"withheld on the other {len(panel.items) - take}"
        )
    else:
        assert labelled_items is not None
        wanted = set(labelled_items)
        keep = np.array([i for i, item in enumerate(panel.items) if item in wanted], dtype=int)
        missing = len(wanted - set(panel.items))
        notes.append(
            f"{corpus.framework}: experts kept on the {keep.size} listed items, withheld on the "
            f"other {len(panel.items) - keep.size}"
            + (f" ({missing} listed ids are not {corpus.framework} items)" if missing else "")
        )
    values = np.full(panel.values.shape, np.nan)
    values[keep] = panel.values[keep]
    consensus = np.where(np.isnan(corpus.ratings), np.nan, panel.consensus())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column without consensus: NaN
        means = np.nanmean(consensus, axis=0)
    return replace(
        corpus,
        panel=replace(panel, values=values),
        notes=tuple(notes),
        withheld_means={s: float(m) for s, m in zip(panel.sub_components, means, strict=True)},
    )
