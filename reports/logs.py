"""Finding and reading the Inspect logs of rating runs, grouped by model × framework.

A report or a comparison starts from log files or folders. Every log is read through Inspect's
public API (`inspect_ai.log`): `.eval` logs are zip archives of zstd-compressed members, which
the standard library cannot read. Each successful log of a rating task becomes a `Run`: the
model's per-item ratings and the expert reference carried in each sample's metadata. When several
runs share a model and a framework the latest (by the log's creation time) wins, and the runs
left out are recorded so that a report can say which logs it used.

The reference travels with the run, and the log says everything about it: a reader trusts only
the task's log contract (`empathy_judge.scorers.log_contract.LogContract`): the framework's
title and the rated sub-components' labels, scales and polarity, the panel description and the
reference's fingerprint. A log without a contract, of another contract version, whose
fingerprint does not match its panel, or whose samples carry reference ratings other than those
the task recorded is refused with one line naming it (`LogError`); the packaged rubrics are
never consulted to label or rebuild a logged run.

A run made with a robustness probe (``-T probe=NAME``; ``log.eval.metadata["probe"]``) carries
its `ProbeRecord`; it is kept apart from the same model's plain runs (the latest run is chosen per
model × framework × probe), so that a report pairs it with the plain run instead of taking it
for a second model (`empathy_judge.reports.probes`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..datasets.errors import EmpathyJudgeError
from ..datasets.ratings_table import EXPERT_GROUP
from ..evals import transcript_tag
from ..scorers.arrays import as_float
from ..scorers.log_contract import (
    REFERENCE_KEY,
    REFERENCE_KEYS,
    SCORER_NAME,
    WORD_COUNT_KEY,
    LogContract,
    LogContractError,
    ProbeRecord,
    RubricEntry,
)
from ..scorers.panel import Panel, PanelSpec

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog, EvalSample

LOG_SUFFIXES = (".eval", ".json")
#: JSON files Inspect itself writes beside logs (listings, eval-set manifests): not logs.
INSPECT_SIDECARS = frozenset({"logs.json", "eval-set.json", "_summary.json", "_scan.json"})


class LogError(EmpathyJudgeError, ValueError):
    """A log cannot be found, read or understood as a rating run."""


@dataclass(frozen=True)
class SampleRecord:
    """One rated conversation of a run, as the report shows it.

    Attributes:
        item_id: The release's item id.
        ratings: The model's rating per sub-component (NaN when missing or invalid).
        reference: Per sub-component the experts', their median's and the crowd's ratings.
        answer: The raw completion.
        explanation: The model's rationale, if any.
        parse_status: "ok", "partial" or "failed"; "error" for a sample that errored unscored.
        transcript: The rated conversation's text, recovered from the prompt.
        word_count: The supporter's word count (sample metadata ``supporter_word_count``;
            NaN when the log has none).
    """

    item_id: str
    ratings: Mapping[str, float]
    reference: Mapping[str, Mapping[str, float]]
    answer: str
    explanation: str
    parse_status: str
    transcript: str
    word_count: float = math.nan


@dataclass(frozen=True, eq=False)
class Run:
    """One model's ratings of one framework, read from one log.

    Attributes:
        model: Model label: the model name plus its model args (``replay/x[shuffle_seed=1]``),
            so that runs of one provider with different arguments stay apart.
        model_name: ``EvalLog.eval.model``.
        framework: Framework id (release folder name).
        location: Path of the log file.
        created: The log's creation time (ISO 8601).
        sub_components: The sub-components the run rated, in the task's order.
        samples: The rated conversations.
        input_tokens: Prompt tokens over the run.
        output_tokens: Completion tokens over the run.
        total_tokens: All tokens over the run.
        contract: What the task recorded about itself: title, labels, scales, the panel
            description, the reference's fingerprint, the probe (`LogContract`).
        seconds: Wall time of the run, when the log records it.
        started: When the run started (ISO 8601; "" when the log does not say).
        base_model: The model label before a repeat suffix (``--all-runs`` labels repeated
            runs ``model @ time``); "" when the label has none.
    """

    model: str
    model_name: str
    framework: str
    location: str
    created: str
    sub_components: tuple[str, ...]
    samples: tuple[SampleRecord, ...]
    contract: LogContract
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    seconds: float | None = None
    base_model: str = ""
    started: str = ""

    @property
    def probe(self) -> ProbeRecord | None:
        """The robustness probe the run was made with (None: a plain run)."""
        return self.contract.probe

    @property
    def title(self) -> str:
        """The framework's human-readable name, as the task's rubric gave it."""
        return self.contract.title

    @property
    def fingerprint(self) -> str:
        """The identity of the reference panel the run was scored against."""
        return self.contract.reference_fingerprint

    @property
    def pair_label(self) -> str:
        """The model label a probe run and its plain run share (no repeat suffix)."""
        return self.base_model or self.model

    @property
    def probe_name(self) -> str | None:
        """The probe's name, or None for a plain run."""
        return None if self.probe is None else self.probe.name

    def word_counts(self) -> NDArray[np.float64]:
        """The supporter's word count per sample, in `samples` order (NaN where unknown)."""
        return np.array([s.word_count for s in self.samples], dtype=np.float64)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The rated items' ids, in `samples` order."""
        return tuple(s.item_id for s in self.samples)

    @property
    def references(self) -> tuple[Mapping[str, Mapping[str, float]], ...]:
        """Per sample, ``{sub_component: {annotator: rating}}`` (the samples' reference)."""
        return tuple(s.reference for s in self.samples)

    def panel_spec(self) -> PanelSpec:
        """The panel description this run was scored against (the log contract's)."""
        return self.contract.panel

    def panel(self) -> Panel:
        """The reference panel on exactly the items and sub-components this run rated."""
        return self.panel_spec().panel(
            self.framework, self.item_ids, self.references, self.sub_components
        )

    @property
    def replayed_annotator(self) -> str | None:
        """The annotator a ``replay/<annotator>`` run replays, else None."""
        provider, _, name = self.model_name.partition("/")
        return name if provider == "replay" and name else None

    @property
    def candidate_name(self) -> str:
        """The name the engine assesses this run under (the report's and `compare`'s).

        A replayed panel member goes by its rater name, so that the engine scores it against
        the panel without itself; any other run by its model label.
        """
        name = self.replayed_annotator
        spec = self.panel_spec()
        if name is not None and (name in spec.raters or spec.groups.get(name) == EXPERT_GROUP):
            return name
        return self.model

    def ratings(self) -> pd.DataFrame:
        """The run's ratings with their reference, one row per item and sub-component.

        Returns:
            Columns item_id, sub_component, rating, expert1, expert2, expert3, expert_median,
            crowd (float64, NaN when missing).
        """
        rows: list[dict[str, Any]] = []
        for sample in self.samples:
            for sub in self.sub_components:
                reference = sample.reference.get(sub, {})
                row: dict[str, Any] = {
                    "item_id": sample.item_id,
                    "sub_component": sub,
                    "rating": as_float(sample.ratings.get(sub)),
                }
                for key in REFERENCE_KEYS:
                    row[key] = as_float(reference.get(key))
                rows.append(row)
        frame = pd.DataFrame(rows, columns=["item_id", "sub_component", "rating", *REFERENCE_KEYS])
        return frame.astype({k: "float64" for k in ("rating", *REFERENCE_KEYS)})

    def rating_matrix(
        self, sub_components: Sequence[str], reference: str | None = None
    ) -> NDArray[np.float64]:
        """Items × sub-components array of the model's ratings (or of a reference rater).

        Args:
            sub_components: Column order.
            reference: None for the model's ratings, else a key of the sample metadata's
                reference ("expert1", ..., "expert_median", "crowd").

        Returns:
            Rows in `samples` order; NaN where missing.
        """
        if reference is None:
            values = [[as_float(s.ratings.get(c)) for c in sub_components] for s in self.samples]
        else:
            values = [
                [as_float(s.reference.get(c, {}).get(reference)) for c in sub_components]
                for s in self.samples
            ]
        return np.array(values, dtype=np.float64).reshape(len(self.samples), len(sub_components))

    @property
    def parse_rate(self) -> float:
        """Share of the requested ratings that parsed into a valid rating."""
        total = len(self.samples) * len(self.sub_components)
        if total == 0:
            return math.nan
        valid = sum(
            not math.isnan(as_float(s.ratings.get(sub)))
            for s in self.samples
            for sub in self.sub_components
        )
        return valid / total


def contract_from_samples(
    framework: str,
    spec: PanelSpec,
    samples: Sequence[SampleRecord],
    sub_components: Sequence[str],
    *,
    title: str | None = None,
    probe: ProbeRecord | None = None,
) -> LogContract:
    """A log contract for a run built in code (a benchmark, a notebook, a test), not read.

    The reference is the samples' own; each rated sub-component is scaled as `spec` says and
    labelled by its column name.

    Args:
        framework: Framework id.
        spec: The panel description.
        samples: The run's samples (their references become the contract's).
        sub_components: The rated sub-components.
        title: The framework's name (default: its id).
        probe: The robustness probe, None for a plain run.
    """
    rubric = [
        RubricEntry(
            s, s, *spec.scales.get(s, (math.nan, math.nan)), spec.polarity.get(s, "positive")
        )
        for s in sub_components
    ]
    return LogContract.build(
        framework,
        spec,
        {record.item_id: record.reference for record in samples},
        sub_components,
        rubric,
        title=title,
        pack="memory",
        transcript_tag=transcript_tag.TRANSCRIPT_TAG_VERSION,
        probe=probe,
    )


@dataclass(frozen=True)
class SkippedLog:
    """A log that was found but not used, and why."""

    location: str
    reason: str


@dataclass(frozen=True)
class RunSet:
    """The runs a report uses, one per model × framework, and the logs left out.

    Attributes:
        runs: The runs used, sorted by model then framework.
        skipped: Logs not used (superseded by a later run, failed, or not a rating task).
    """

    runs: tuple[Run, ...]
    skipped: tuple[SkippedLog, ...] = field(default_factory=tuple)

    @property
    def models(self) -> list[str]:
        """Model labels in first-seen order."""
        return list(dict.fromkeys(r.model for r in self.runs))

    @property
    def frameworks(self) -> list[str]:
        """Framework ids in first-seen order."""
        return list(dict.fromkeys(r.framework for r in self.runs))

    @property
    def plain(self) -> tuple[Run, ...]:
        """The runs made without a robustness probe."""
        return tuple(r for r in self.runs if r.probe is None)

    @property
    def probed(self) -> tuple[Run, ...]:
        """The runs made with a robustness probe."""
        return tuple(r for r in self.runs if r.probe is not None)

    def get(self, model: str, framework: str, probe: str | None = None) -> Run | None:
        """The run of one model on one framework (plain, or with the named probe), if any."""
        for run in self.runs:
            if run.model == model and run.framework == framework and run.probe_name == probe:
                return run
        return None


def strip_file_scheme(location: str) -> str:
    """A log location as a plain path (Inspect sometimes prefixes ``file://``)."""
    return location[len("file://") :] if location.startswith("file://") else location


def is_remote(location: str | Path) -> bool:
    """Whether a log location is a URL of another filesystem (``s3://...``), not a local path."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def _remote_kind(location: str) -> str:
    """The kind of a remote location: "dir", "file" or "" (absent), through fsspec."""
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(location)
        if fs.isdir(root):
            return "dir"
        return "file" if fs.isfile(root) else ""
    except (OSError, ValueError, ImportError) as error:
        raise LogError(f"{location}: cannot reach the log folder or file: {error}") from error


def is_log_file(location: str | Path) -> bool:
    """Whether a location (a local path or a URL) is one log file rather than a folder."""
    text = strip_file_scheme(str(location))
    if is_remote(text):
        return _remote_kind(text) == "file"
    return Path(text).is_file()


def find_log_files(paths: Iterable[str | Path]) -> list[str]:
    """Every log file among files and folders, local or remote (folders are searched recursively).

    A folder may be any log directory Inspect can read (``s3://bucket/logs``, or another fsspec
    URL, listed with `inspect_ai.log.list_eval_logs`).

    Args:
        paths: Log files (``.eval`` or ``.json``) and folders holding them.

    Returns:
        The log locations (absolute local paths, or URLs), without duplicates, in the order
        found.

    Raises:
        LogError: A path does not exist, or a file is not an Inspect log by its suffix.
    """
    from inspect_ai.log import list_eval_logs

    found: dict[str, None] = {}
    for raw in paths:
        text = strip_file_scheme(str(raw))
        if is_remote(text):
            kind = _remote_kind(text)
            if kind == "dir":
                for info in list_eval_logs(text, recursive=True, descending=False):
                    found[info.name] = None
                continue
            if not kind:
                raise LogError(f"{text}: no such log file or folder")
            if not text.endswith(LOG_SUFFIXES):
                raise LogError(f"{text}: not an Inspect log (expected .eval or .json)")
            found[text] = None
            continue
        path = Path(text)
        if path.is_dir():
            for info in list_eval_logs(str(path), recursive=True, descending=False):
                found[str(Path(strip_file_scheme(info.name)).resolve())] = None
            # Inspect lists a .json file only when its name starts with a timestamp; any other
            # .json is read too (and skipped with a reason if it is no log), never ignored.
            for extra in sorted(path.rglob("*.json")):
                if extra.name not in INSPECT_SIDECARS and extra.is_file():
                    found.setdefault(str(extra.resolve()), None)
        elif path.is_file():
            if path.suffix not in LOG_SUFFIXES:
                raise LogError(f"{path}: not an Inspect log (expected .eval or .json)")
            found[str(path.resolve())] = None
        else:
            raise LogError(f"{path}: no such log file or folder")
    return list(found)


def model_label(log: EvalLog) -> str:
    """The model's name plus its model args, e.g. ``replay/gemini-2.5-pro[shuffle_seed=1]``."""
    args = log.eval.model_args or {}
    if not args:
        return log.eval.model
    inner = ",".join(f"{k}={args[k]}" for k in sorted(args))
    return f"{log.eval.model}[{inner}]"


def _message_text(sample: EvalSample) -> str:
    if isinstance(sample.input, str):
        return sample.input
    for message in reversed(sample.input):
        if message.role == "user":
            return message.text
    return ""


def transcript_from_prompt(prompt: str) -> str:
    """The rated conversation's lines from a rating prompt, as the speakers wrote them.

    Args:
        prompt: The user message the task built.

    Returns:
        The ``Seeker:`` / ``Supporter:`` lines (delimiter escapes undone), or "" when the prompt
        has no tagged transcript.
    """
    return transcript_tag.transcript_from_prompt(prompt)


def _reduced_scores(log: EvalLog) -> dict[str, tuple[Any, Mapping[str, Any]]]:
    # With epochs, the reduced score (NaN-aware median) lives in `reductions`; its metadata is
    # the first epoch's plus `epoch_ratings`.
    reduced: dict[str, tuple[Any, Mapping[str, Any]]] = {}
    for reduction in log.reductions or []:
        if reduction.scorer != SCORER_NAME:
            continue
        for score in reduction.samples:
            reduced[str(score.sample_id)] = (score.value, score.metadata or {})
    return reduced


def _records(log: EvalLog, location: str, contract: LogContract) -> list[SampleRecord]:
    reduced = _reduced_scores(log)
    records: dict[str, SampleRecord] = {}
    for sample in log.samples or []:
        sample_id = str(sample.id)
        if sample_id in records:
            continue  # one record per item: further epochs are in the reduction
        score = (sample.scores or {}).get(SCORER_NAME)
        if score is None and sample.error is not None and sample_id not in reduced:
            # An errored sample that was not scored (a log written without score_on_error):
            # its ratings are missing, as in the in-run metric of a task that scores errors.
            records[sample_id] = _errored_record(sample, sample_id)
            continue
        if score is None:
            raise LogError(f"{location}: sample {sample_id} has no {SCORER_NAME!r} score")
        value, metadata = reduced.get(sample_id, (score.value, score.metadata or {}))
        if not isinstance(value, dict):
            raise LogError(
                f"{location}: sample {sample_id}: score value is {type(value).__name__}, "
                "expected a dict sub-component -> rating"
            )
        parse = metadata.get("parse", {})
        sample_metadata = sample.metadata or {}
        item_id = str(metadata.get("item_id", sample_id))
        try:
            reference = {
                str(sub): {str(k): as_float(v) for k, v in dict(ref or {}).items()}
                for sub, ref in dict(sample_metadata.get(REFERENCE_KEY) or {}).items()
            }
        except (TypeError, ValueError) as error:
            raise LogError(
                f"{location}: sample {sample_id}: malformed reference ratings ({error})"
            ) from error
        try:
            contract.check_reference(item_id, reference, location)
        except LogContractError as error:
            raise LogError(str(error)) from error
        records[sample_id] = SampleRecord(
            item_id=item_id,
            ratings={str(k): as_float(v) for k, v in value.items()},
            reference=reference,
            answer=str(score.answer or ""),
            explanation=str(score.explanation or ""),
            parse_status=str(parse.get("status", "ok")) if isinstance(parse, dict) else "ok",
            transcript=transcript_from_prompt(_message_text(sample)),
            word_count=as_float(sample_metadata.get(WORD_COUNT_KEY)),
        )
    return list(records.values())


def _errored_record(sample: EvalSample, sample_id: str) -> SampleRecord:
    sample_metadata = sample.metadata or {}
    message = (sample.error.message if sample.error else "").strip().splitlines()
    return SampleRecord(
        item_id=sample_id,
        ratings={},
        reference={
            str(sub): {k: as_float(v) for k, v in dict(ref).items()}
            for sub, ref in dict(sample_metadata.get("reference", {})).items()
        },
        answer="",
        explanation="the sample errored: " + (message[0] if message else "unknown error"),
        parse_status="error",
        transcript=transcript_from_prompt(_message_text(sample)),
        word_count=as_float(sample_metadata.get("supporter_word_count")),
    )


def _seconds(log: EvalLog) -> float | None:
    try:
        started = datetime.fromisoformat(log.stats.started_at)
        completed = datetime.fromisoformat(log.stats.completed_at)
    except (TypeError, ValueError):
        return None
    return (completed - started).total_seconds()


def run_from_log(log: EvalLog, location: str) -> Run:
    """Turn a successful rating log into a `Run`.

    Args:
        log: A log read with its samples.
        location: Where it was read from (for messages and the report).

    Raises:
        LogError: The log is not a successful run of an empathy-judge rating task.
    """
    if log.status != "success":
        raise LogError(f"{location}: status {log.status!r}, not 'success'")
    try:
        contract = LogContract.from_metadata(log.eval.metadata, location)
    except LogContractError as error:
        raise LogError(str(error)) from error
    if contract.transcript_tag != transcript_tag.TRANSCRIPT_TAG_VERSION:
        raise LogError(
            f"{location}: transcript tag version {contract.transcript_tag}; this empathy-judge "
            f"reads version {transcript_tag.TRANSCRIPT_TAG_VERSION}"
        )
    records = _records(log, location, contract)
    if not records:
        raise LogError(f"{location}: the log holds no samples")
    usage = log.stats.model_usage or {}
    return Run(
        model=model_label(log),
        model_name=log.eval.model,
        framework=contract.framework,
        location=location,
        created=str(log.eval.created),
        sub_components=contract.sub_components,
        samples=tuple(records),
        contract=contract,
        input_tokens=sum(u.input_tokens for u in usage.values()),
        output_tokens=sum(u.output_tokens for u in usage.values()),
        total_tokens=sum(u.total_tokens for u in usage.values()),
        seconds=_seconds(log),
        started=str(log.stats.started_at or ""),
    )


def read_run(path: str | Path) -> Run:
    """Read one log file as a `Run`.

    Raises:
        LogError: The file cannot be read or is not a successful rating run.
    """
    from inspect_ai.log import read_eval_log

    location = strip_file_scheme(str(path))
    try:
        log = read_eval_log(location)
    except Exception as error:  # Inspect raises several types for corrupt or foreign files
        raise LogError(f"{location}: cannot read as an Inspect log: {error}") from error
    return run_from_log(log, location)


def _kind_key(run: Run) -> tuple[str, str, str]:
    return (run.model, run.framework, run.probe_name or "")


def select_latest(runs: Sequence[Run]) -> tuple[list[Run], list[SkippedLog]]:
    """Keep the latest run per model × framework × probe (plain runs apart from probe runs).

    Args:
        runs: Runs in any order.

    Returns:
        (kept, superseded): kept sorted by model, framework, then probe (plain first).
    """
    latest: dict[tuple[str, str, str], Run] = {}
    superseded: list[SkippedLog] = []
    for run in sorted(runs, key=lambda r: (r.created, r.location)):
        key = _kind_key(run)
        if key in latest:
            old = latest[key]
            superseded.append(SkippedLog(old.location, f"superseded by {run.location}"))
        latest[key] = run
    kept = sorted(latest.values(), key=_kind_key)
    return kept, superseded


def _label_repeats(runs: list[Run]) -> list[Run]:
    # Several runs of one model on one framework (with one probe, or none) become distinct
    # rows, named by their time; `base_model` keeps the label a probe run is paired by.
    counts: dict[tuple[str, str, str], int] = {}
    for run in runs:
        counts[_kind_key(run)] = counts.get(_kind_key(run), 0) + 1
    return [
        replace(run, model=f"{run.model} @ {run.created}", base_model=run.model)
        if counts[_kind_key(run)] > 1
        else run
        for run in runs
    ]


@dataclass(frozen=True)
class _Listed:
    """A log found by `load_runs`, known by its header only (no samples read yet)."""

    location: str
    eval_id: str
    key: tuple[str, str, str]  # model label, plain model name, framework
    probe: str
    created: str


def _header(location: str) -> tuple[_Listed | None, str]:
    """The header of a log as a `_Listed`, or (None, why it cannot be a usable rating run)."""
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(location, header_only=True)
    except Exception as error:  # Inspect raises several types for corrupt or foreign files
        return None, f"{location}: cannot read as an Inspect log: {error}"
    if log.status != "success":
        return None, f"{location}: status {log.status!r}, not 'success'"
    try:
        contract = LogContract.from_metadata(log.eval.metadata, location)
    except LogContractError as error:
        return None, str(error)
    probe = contract.probe
    listed = _Listed(
        location=location,
        eval_id=str(log.eval.eval_id or location),
        key=(model_label(log), log.eval.model, contract.framework),
        probe=probe.name if probe is not None else "",
        created=str(log.eval.created),
    )
    return listed, ""


def load_runs(
    paths: Iterable[str | Path],
    *,
    model: str | None = None,
    latest_only: bool = True,
    strict: bool = False,
) -> RunSet:
    """Find, read and group the rating runs among log files and folders (local or remote).

    Each run counts once, however many logs a folder holds of it: copies of one log (the same
    ``eval_id``, e.g. a shard folder synced twice) are one run, and with ``latest_only`` only the
    latest successful log per model × framework × probe is read in full (an attempt that
    failed, was cancelled or is still running is never used; Inspect's retries write new
    logs). The others are read by their header alone, so the cost grows with the number of
    logs, and the memory with the number of runs kept.

    Args:
        paths: Log files and folders (paths, or URLs Inspect can read such as ``s3://...``).
        model: Keep only this model (matched against the label or the plain model name).
        latest_only: Keep only the latest run per model × framework × probe; otherwise
            repeated runs of a model on a framework are kept apart, labelled with their
            creation time.
        strict: Raise on a log that cannot be used instead of recording it as skipped.

    Returns:
        The runs used and the logs skipped, with reasons (a log that reads but holds values no
        report can use, `empathy_judge.reports.run_checks.run_problem`, is skipped too).

    Raises:
        LogError: A path does not exist; with ``strict``, any unusable log.
    """
    from .run_checks import run_problem

    skipped: list[SkippedLog] = []

    def skip(location: str, reason: str) -> None:
        if strict:
            raise LogError(reason)
        skipped.append(SkippedLog(location, reason))

    listed: list[_Listed] = []
    for location in find_log_files(paths):
        header, why = _header(location)
        if header is None:
            skip(location, why)
            continue
        listed.append(header)
    if model is not None:
        # An exact label wins over the plain model name, so that "replay/x" does not also pick
        # up "replay/x[shuffle_seed=1]".
        exact = [h for h in listed if h.key[0] == model]
        listed = exact or [h for h in listed if h.key[1] == model]
    groups: dict[tuple[str, str, str], list[_Listed]] = {}
    for header in listed:
        groups.setdefault((header.key[0], header.key[2], header.probe), []).append(header)
    runs: list[Run] = []
    for group in groups.values():
        newest_first = sorted(group, key=lambda h: (h.created, h.location), reverse=True)
        # One eval_id, model, framework, probe and creation time: copies of one log (a log
        # edited into another model's, or re-dated, keeps its eval_id and is another run). A copy
        # is passed over only once one of its copies was read: an edited copy that is refused
        # must not hide the intact one.
        read: dict[tuple[str, ...], str] = {}
        for n, header in enumerate(newest_first):
            identity = (header.eval_id, *header.key, header.probe, header.created)
            if identity in read:
                skipped.append(
                    SkippedLog(header.location, f"the same run as {read[identity]} (one eval_id)")
                )
                continue
            try:
                run = read_run(header.location)
                problem = run_problem(run)
                if problem is not None:
                    raise LogError(f"{header.location}: malformed log: {problem}")
            except LogError as error:
                skip(header.location, str(error))
                continue
            read[identity] = header.location
            runs.append(run)
            if latest_only:
                skipped.extend(
                    SkippedLog(
                        older.location,
                        f"the same run as {run.location} (one eval_id)"
                        if (older.eval_id, *older.key, older.probe, older.created) == identity
                        else f"superseded by {run.location}",
                    )
                    for older in newest_first[n + 1 :]
                )
                break
    if latest_only:
        runs = sorted(runs, key=_kind_key)
    else:
        runs = _label_repeats(sorted(runs, key=lambda r: (*_kind_key(r), r.created)))
    return RunSet(runs=tuple(runs), skipped=tuple(skipped))
