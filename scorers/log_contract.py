"""The log contract: what a rating task writes into an Inspect log, and how every reader checks it.

A rating task (the writer, `empathy_judge.evals.task_builder`) records in its task metadata
everything a reader needs to label a run and to rebuild the reference panel it was scored
against; the readers (`empathy_judge.reports.logs`, and through it the report, `compare`,
`plan`, `jury`, `estimate`) trust only that record and never look a packaged rubric up by id.
The record is
`LogContract`, versioned by `CONTRACT_VERSION`:

* the framework: id, title, where its data came from (``pack``), and per rated sub-component its
  label, scale and polarity (`RubricEntry`);
* the panel: its description (`PanelSpec`: raters, scales, level of measurement, consensus rule,
  crowd key, groups, polarity) and the reference's identity, ``reference_fingerprint``;
* the prompt style and version, the probe (name, version, items it could not change) and the
  version of the transcript tag the prompts use;
* ``reference_hashes``: per item of the reference panel, one short hash per sub-component of the
  reference ratings that item's samples carry (`reference_hash`).

**Integrity.** The fingerprint is a hash of the panel description and of every item's reference
hashes (`reference_fingerprint`), so it names the whole reference (every item and sub-component
the task could rate), whatever subset a run rated (``--limit``, ``-T sub_components=``). A reader
recomputes it from the record, and checks every sample's reference ratings against the item's
hashes (`LogContract.check_reference`): a log whose panel description, hashes or sample
references were edited is refused (`LogContractError`), and one edited consistently (hashes and
fingerprint recomputed) carries a different fingerprint — a different reference, never
comparable with the original's runs. A log without a contract (written before it existed) or of
another contract version is refused too: there is no guessing the panel.

Only the standard library and numpy-free modules are imported here, so that the task, the
in-run metric and the log readers can share it without importing Inspect.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..datasets.errors import EmpathyJudgeError
from ..datasets.ratings_table import STUDY_EXPERTS
from .arrays import as_float
from .panel import PanelError, PanelSpec

#: The rating tasks' scorer, as it is named in Inspect logs.
SCORER_NAME = "empathy_ratings"
#: The reference ratings a rating sample carries in its metadata, per sub-component.
REFERENCE_KEYS: tuple[str, ...] = (*STUDY_EXPERTS, "expert_median", "crowd")

#: The version of the contract this code writes and reads.
CONTRACT_VERSION = 1
#: Task-metadata key of the contract's version.
VERSION_KEY = "log_contract"
#: Sample-metadata key of the reference ratings ``{sub_component: {name: rating}}``.
REFERENCE_KEY = "reference"
#: Sample-metadata key of the supporter's word count.
WORD_COUNT_KEY = "supporter_word_count"
#: Reference key of the expert consensus (by the rubric's rule) in a sample's reference.
CONSENSUS_KEY = "expert_median"
#: Reference key of the crowd benchmark, when the data has one.
CROWD_KEY = "crowd"
#: Eval-metadata key of the model-independent figures (`scorers.metrics.reference_figures`: per
#: sub-component the experts' ceiling and the crowd's κ over the task's items). Written by the
#: task beside the contract; a description of the panel, not part of its identity.
REFERENCE_FIGURES_KEY = "reference_figures"

Reference = Mapping[str, Mapping[str, Any]]


class LogContractError(EmpathyJudgeError, ValueError):
    """A log's contract is missing, of another version, malformed, or does not match the log."""


@dataclass(frozen=True)
class RubricEntry:
    """How a rated sub-component is labelled and scaled, as the task's rubric said.

    Attributes:
        column: The data's column name.
        label: Human-readable name.
        scale_min: Lowest level.
        scale_max: Highest level.
        polarity: ``positive`` or ``negative`` (higher = worse).
    """

    column: str
    label: str
    scale_min: float
    scale_max: float
    polarity: str = "positive"

    @property
    def width(self) -> float:
        """scale_max − scale_min."""
        return self.scale_max - self.scale_min


@dataclass(frozen=True)
class ProbeRecord:
    """The robustness probe a run was made with.

    Attributes:
        name: Probe name (``injection``, ``padding``, ``label_swap``).
        version: The probe's version (its text or rule changed between versions).
        unchanged_items: Items the probe could not apply to (rated as written).
    """

    name: str
    version: int
    unchanged_items: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``injection v1``."""
        return f"{self.name} v{self.version}"


def _canonical(value: float) -> str:
    number = as_float(value)
    return "nan" if math.isnan(number) else repr(number)


def reference_hash(item_id: str, sub_component: str, ratings: Mapping[str, Any]) -> str:
    """A short hash of one item's reference ratings on one sub-component.

    Args:
        item_id: The item.
        sub_component: The sub-component.
        ratings: ``{name: rating}`` (raters, consensus, crowd) as a sample carries them.

    Returns:
        16 hex digits; equal for equal ratings whatever their order or numeric type.
    """
    body = ";".join(f"{k}={_canonical(ratings[k])}" for k in sorted(ratings))
    digest = hashlib.sha256(f"{item_id}\x1f{sub_component}\x1f{body}".encode())
    return digest.hexdigest()[:16]


def _spec_identity(spec: PanelSpec) -> dict[str, Any]:
    # Groups are left out: they classify the data's other annotators (which replay is the
    # crowd), not the reference; adding an LLM's ratings to a pack keeps its reference.
    data = spec.to_dict()
    data.pop("groups", None)
    return data


def reference_fingerprint(
    framework: str,
    spec: PanelSpec,
    sub_components: Sequence[str],
    hashes: Mapping[str, Sequence[str]],
) -> str:
    """The identity of a whole reference panel (see the module docstring).

    Args:
        framework: Framework id.
        spec: The panel description.
        sub_components: The sub-components the hashes are aligned with.
        hashes: Per item, one `reference_hash` per sub-component.

    Returns:
        16 hex digits.
    """
    body = json.dumps(
        {
            "framework": framework,
            "panel": _spec_identity(spec),
            "sub_components": list(sub_components),
            "items": {item: list(hashes[item]) for item in sorted(hashes)},
        },
        sort_keys=True,
        allow_nan=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LogContract:
    """What a rating task records about itself (see the module docstring).

    Attributes:
        framework: Framework id.
        title: Human-readable framework name.
        pack: ``release`` or where the pack's data came from.
        rubric: Label, scale and polarity of every rated sub-component, in the task's order.
        panel: The reference panel's description.
        hashed_sub_components: The sub-components `reference_hashes` are aligned with (every
            sub-component of the framework).
        reference_hashes: Per item of the reference, one hash per hashed sub-component.
        reference_fingerprint: The reference's identity.
        prompt: The prompt style (``zero_shot``, ``few_shot``, ``cot``).
        prompt_version: The prompts' version.
        transcript_tag: The version of the transcript tag format the prompts use.
        probe: The robustness probe, None for a plain run.
        version: The contract's version.
    """

    framework: str
    title: str
    pack: str
    rubric: tuple[RubricEntry, ...]
    panel: PanelSpec
    hashed_sub_components: tuple[str, ...]
    reference_hashes: Mapping[str, tuple[str, ...]] = field(repr=False)
    reference_fingerprint: str
    prompt: str
    prompt_version: int
    transcript_tag: int
    probe: ProbeRecord | None = None
    version: int = CONTRACT_VERSION

    @staticmethod
    def build(
        framework: str,
        panel: PanelSpec,
        references: Mapping[str, Reference],
        hashed_sub_components: Sequence[str],
        rubric: Sequence[RubricEntry],
        *,
        title: str | None = None,
        pack: str = "release",
        prompt: str = "zero_shot",
        prompt_version: int = 0,
        transcript_tag: int = 1,
        probe: ProbeRecord | None = None,
    ) -> LogContract:
        """The contract of a task whose samples carry `references` (hashes and fingerprint).

        Args:
            framework: Framework id.
            panel: The panel description.
            references: ``{item_id: {sub_component: {name: rating}}}`` for every item of the
                reference panel (the samples carry each item's entries for the rated
                sub-components).
            hashed_sub_components: Every sub-component of the framework (the hashes' order).
            rubric: The rated sub-components' labels and scales, in the task's order.
            title: The framework's name (default: its id).
            pack: ``release`` or where the pack's data came from.
            prompt: The prompt style.
            prompt_version: The prompts' version.
            transcript_tag: The transcript tag format's version.
            probe: The robustness probe, None for a plain run.
        """
        hashes = reference_hashes(references, hashed_sub_components)
        return LogContract(
            framework=framework,
            title=framework if title is None else title,
            pack=pack,
            rubric=tuple(rubric),
            panel=panel,
            hashed_sub_components=tuple(hashed_sub_components),
            reference_hashes=hashes,
            reference_fingerprint=reference_fingerprint(
                framework, panel, hashed_sub_components, hashes
            ),
            prompt=prompt,
            prompt_version=prompt_version,
            transcript_tag=transcript_tag,
            probe=probe,
        )

    def with_reference(
        self, references: Mapping[str, Reference], panel: PanelSpec | None = None
    ) -> LogContract:
        """The contract the same task would have written on other reference data.

        Hashes and fingerprint are recomputed from `references` (and `panel`, when given), so
        the result names a different reference from this one whenever they differ: what a run
        on an edited copy of the data, or on another pack, carries.

        Args:
            references: ``{item_id: {sub_component: {name: rating}}}`` of every item.
            panel: Another panel description (default: this one's).
        """
        return LogContract.build(
            self.framework,
            self.panel if panel is None else panel,
            references,
            self.hashed_sub_components,
            self.rubric,
            title=self.title,
            pack=self.pack,
            prompt=self.prompt,
            prompt_version=self.prompt_version,
            transcript_tag=self.transcript_tag,
            probe=self.probe,
        )

    @property
    def sub_components(self) -> tuple[str, ...]:
        """The rated sub-components, in the task's order."""
        return tuple(e.column for e in self.rubric)

    def entry(self, sub_component: str) -> RubricEntry | None:
        """The rubric entry of a rated sub-component (None when the run did not rate it)."""
        return next((e for e in self.rubric if e.column == sub_component), None)

    def labels(self) -> dict[str, str]:
        """Label per rated sub-component."""
        return {e.column: e.label for e in self.rubric}

    def to_metadata(self) -> dict[str, Any]:
        """The task-metadata entries of this contract (merged into the task's metadata)."""
        return {
            VERSION_KEY: self.version,
            "framework": self.framework,
            "title": self.title,
            "pack": self.pack,
            "sub_components": list(self.sub_components),
            "rubric": [
                {
                    "column": e.column,
                    "label": e.label,
                    "scale": [float(e.scale_min), float(e.scale_max)],
                    "polarity": e.polarity,
                }
                for e in self.rubric
            ],
            "panel": self.panel.to_dict(),
            "reference_fingerprint": self.reference_fingerprint,
            "reference_hashes": {
                "sub_components": list(self.hashed_sub_components),
                "items": {item: list(h) for item, h in self.reference_hashes.items()},
            },
            "prompt": self.prompt,
            "prompt_version": self.prompt_version,
            "transcript_tag": self.transcript_tag,
            "probe": None
            if self.probe is None
            else {
                "name": self.probe.name,
                "version": self.probe.version,
                **(
                    {"unchanged_items": list(self.probe.unchanged_items)}
                    if self.probe.unchanged_items
                    else {}
                ),
            },
        }

    @staticmethod
    def from_metadata(metadata: Mapping[str, Any] | None, location: str) -> LogContract:
        """Read and check the contract a task wrote (the inverse of `to_metadata`).

        Args:
            metadata: The log's task metadata (``EvalLog.eval.metadata``).
            location: The log, for messages.

        Returns:
            The contract, its fingerprint verified against its panel and hashes.

        Raises:
            LogContractError: No contract, another version, a malformed entry, or a
                fingerprint that does not match.
        """
        data = dict(metadata or {})
        if VERSION_KEY not in data:
            raise LogContractError(
                f"{location}: no empathy-judge log contract (written by an empathy-judge older "
                f"than log contract {CONTRACT_VERSION}, or not by a rating task): the panel it "
                "was scored against cannot be trusted; re-run it"
            )
        version = data[VERSION_KEY]
        if version != CONTRACT_VERSION or isinstance(version, bool):
            raise LogContractError(
                f"{location}: log contract version {version!r}; this empathy-judge reads "
                f"version {CONTRACT_VERSION} (re-run the task, or use the matching empathy-judge)"
            )
        try:
            contract = _parse(data)
        except (KeyError, TypeError, ValueError, IndexError, PanelError) as error:
            detail = str(error) if str(error) else type(error).__name__
            raise LogContractError(f"{location}: malformed log contract: {detail}") from error
        expected = reference_fingerprint(
            contract.framework,
            contract.panel,
            contract.hashed_sub_components,
            contract.reference_hashes,
        )
        if expected != contract.reference_fingerprint:
            raise LogContractError(
                f"{location}: the reference fingerprint {contract.reference_fingerprint} does "
                f"not match the log's panel description and reference hashes ({expected}): "
                "the log was edited after it was written"
            )
        return contract

    def check_reference(self, item_id: str, reference: Reference, location: str) -> None:
        """Check one sample's reference ratings against the contract's hashes.

        Args:
            item_id: The sample's item.
            reference: Its ``{sub_component: {name: rating}}``.
            location: The log, for messages.

        Raises:
            LogContractError: The reference differs from the one the task recorded.
        """
        hashes = self.reference_hashes.get(item_id)
        if hashes is not None:
            dropped = [s for s in self.sub_components if s not in reference]
            if dropped:
                raise LogContractError(
                    f"{location}: sample {item_id!r} has no reference for {', '.join(dropped)}, "
                    "which the task recorded (edited log)"
                )
        for sub, ratings in reference.items():
            ratings = dict(ratings or {})
            if hashes is None:
                if ratings:
                    raise LogContractError(
                        f"{location}: sample {item_id!r} carries reference ratings for {sub} "
                        "but the log's contract has no reference for that item (edited log)"
                    )
                continue
            try:
                expected = hashes[self.hashed_sub_components.index(sub)]
            except ValueError:
                raise LogContractError(
                    f"{location}: sample {item_id!r} carries a reference for {sub!r}, which the "
                    "log's contract does not know (edited log)"
                ) from None
            if reference_hash(item_id, sub, ratings) != expected:
                raise LogContractError(
                    f"{location}: sample {item_id!r}: the reference ratings of {sub} differ "
                    f"from those the task recorded (fingerprint {self.reference_fingerprint}): "
                    "the log was edited after it was written"
                )


def _parse(data: Mapping[str, Any]) -> LogContract:
    rubric = tuple(
        RubricEntry(
            column=str(e["column"]),
            label=str(e["label"]),
            scale_min=float(e["scale"][0]),
            scale_max=float(e["scale"][1]),
            polarity=str(e.get("polarity", "positive")),
        )
        for e in data["rubric"]
    )
    if not rubric:
        raise ValueError("'rubric' lists no sub-component")
    hashes = data["reference_hashes"]
    hashed = tuple(str(s) for s in hashes["sub_components"])
    items = {
        str(item): tuple(str(h) for h in values) for item, values in dict(hashes["items"]).items()
    }
    if any(len(h) != len(hashed) for h in items.values()):
        raise ValueError("'reference_hashes' has an item with the wrong number of hashes")
    probe_data = data.get("probe")
    probe = None
    if probe_data is not None:
        if not isinstance(probe_data, Mapping):
            raise TypeError(f"'probe' is {type(probe_data).__name__}, not a dict")
        name, number = probe_data.get("name"), probe_data.get("version")
        if not isinstance(name, str) or not name:
            raise ValueError(f"'probe' has no valid 'name': {dict(probe_data)}")
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(f"'probe' has no valid 'version': {dict(probe_data)}")
        unchanged = probe_data.get("unchanged_items") or []
        if not isinstance(unchanged, list):
            raise TypeError("'probe': 'unchanged_items' is not a list")
        probe = ProbeRecord(name, number, tuple(str(i) for i in unchanged))
    if not isinstance(data["panel"], Mapping):
        raise TypeError("'panel' is not a dict")
    framework = data["framework"]
    if not isinstance(framework, str) or not framework:
        raise ValueError("'framework' is not a non-empty string")
    return LogContract(
        framework=framework,
        title=str(data["title"]),
        pack=str(data["pack"]),
        rubric=rubric,
        panel=PanelSpec.from_dict(data["panel"]),
        hashed_sub_components=hashed,
        reference_hashes=items,
        reference_fingerprint=str(data["reference_fingerprint"]),
        prompt=str(data["prompt"]),
        prompt_version=int(data["prompt_version"]),
        transcript_tag=int(data["transcript_tag"]),
        probe=probe,
    )


def reference_hashes(
    references: Mapping[str, Reference], sub_components: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Per item, the `reference_hash` of each sub-component (the writer's half of the contract).

    Args:
        references: ``{item_id: {sub_component: {name: rating}}}``, as the samples carry them.
        sub_components: The order of the hashes.
    """
    return {
        item: tuple(reference_hash(item, sub, per_sub.get(sub) or {}) for sub in sub_components)
        for item, per_sub in references.items()
    }
