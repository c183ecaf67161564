"""Benchmark: the rating harness's cost per sample, prompt sizes, and the local model's speed.

One run measures, on the authors' release, for each framework with public text
(empatheticdialogues, epitome, lend_an_ear):

1. Harness overhead: the framework task (system prompt, response schema, parsing scorer with
   reference metadata, NaN-aware median reducer, run-level agreement metric) run with
   ``replay/gemini-2.5-pro`` on all samples through ``inspect_ai.eval``, against a *bare* Inspect
   task on the same sample ids and inputs with the same provider instance: ``generate()`` only, a
   scorer that returns 1, Inspect's ``mean`` metric and default reducer, no metadata, no config.
   Harness and bare runs are interleaved (order alternating per repeat) after one discarded
   warm-up run of each, and medians over the repeats are reported because the machine is shared.
   One-sample runs of both estimate Inspect's fixed cost per ``eval()`` call, so the marginal
   cost per sample is reported too.
2. Prompt tokens per conversation, with the SmolLM2 tokenizer applied to the chat-formatted
   messages the harness sent (all samples), and the prompt and completion tokens that
   ``gguf/smollm2`` reports on its first ``--gguf-samples`` samples.
3. Wall time per sample of ``gguf/smollm2`` (the same runs, ``max_connections=1``: Inspect's
   adaptive concurrency ignores the provider's own limit).

Inspect places an external task's module in its installed distribution on every ``eval()``
call. When the imported ``empathy_judge`` is not the installed one (a git worktree on
``PYTHONPATH``, a clone run without installing), that falls through to
``importlib.metadata.packages_distributions()``, a scan of every installed distribution's
files (0.5-0.7 s a call here), which an installed package (regular or editable) never pays.
The benchmark memoises that scan for the process (:func:`memoise_distribution_scan`) and
reports how often Inspect asked for it and what the first call cost, so that the figure is
the one an installed harness has.

``--calls`` also counts, under ``cProfile``, the Python function calls each extra sample costs
(all-sample run − one-sample run, over n − 1) in the harness and the bare task: a count, which
moves by 1-2 % between runs (the event loop's scheduling) where the timings of a shared machine
move by 10 %, so that a per-sample saving of a few percent shows.

``--breakdown`` also times the cumulative steps from the bare task to the harness (rating
solver with its system message, generation config, sample metadata and target, scorer, the
agreement metric's keys with constant values (the rows Inspect tabulates at the end of every run),
the metric's computation, reducer).

Run from the repository root (a few minutes on 2 cores, mostly the local model; under a minute
with ``--skip-gguf``)::

    .venv/bin/python benchmarks/bench_harness.py [--repeats 5] [--gguf-samples 3] [--skip-gguf]
        [--breakdown] [--calls] [--data-dir PATH] [--json PATH]

The release is ``--data-dir``, else ``EMPATHY_JUDGE_DATA``, else ``../shared/data/replication``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

from inspect_ai import Epochs, Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log import EvalLog
from inspect_ai.model import ChatMessageAssistant, GenerateConfig, Model, get_model
from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    Scorer,
    Target,
    mean,
    metric,
    scorer,
)
from inspect_ai.solver import TaskState, generate

from empathy_judge.evals.tasks import TASKS
from empathy_judge.scorers.metrics import agreement, agreement_summary, gather_run_ratings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RELEASE = REPO_ROOT.parent / "shared" / "data" / "replication"
#: Frameworks whose conversation texts are public (Perceived Empathy's are shared on request).
FRAMEWORKS = ("empatheticdialogues", "epitome", "lend_an_ear")
REPLAY_MODEL = "replay/gemini-2.5-pro"
GGUF_MODEL = "gguf/smollm2"
OVERHEAD_GOAL = 1.2


@dataclass
class DistributionScan:
    """Inspect's scan of the installed distributions, memoised (see the module docstring)."""

    calls: int = 0
    first_call_s: float = float("nan")


def memoise_distribution_scan() -> DistributionScan:
    """Make Inspect's ``packages_distributions()`` lookup run once per process.

    Its answer (which distributions ship which import names) cannot change while the benchmark
    runs. Only uninstalled imports of the package reach it: for them every ``eval()`` call of a
    framework task paid the scan, the bare task (not a registered task) never did.

    Returns:
        The counter of Inspect's calls (all of them, the memoised ones included).
    """
    import inspect_ai._util.package as inspect_package

    record = DistributionScan()
    # Imported by name into Inspect's module, so it is replaced there.
    scan = cast(Callable[[], Any], getattr(inspect_package, "packages_distributions"))  # noqa: B009
    cached: list[Any] = []

    def memoised() -> Any:
        record.calls += 1
        if not cached:
            started = time.perf_counter()
            cached.append(scan())
            record.first_call_s = time.perf_counter() - started
        return cached[0]

    setattr(inspect_package, "packages_distributions", memoised)  # noqa: B010
    return record


def resolve_release(data_dir: str | None) -> Path:
    """The release folder: the argument, else ``EMPATHY_JUDGE_DATA``, else the sibling copy."""
    found = Path(data_dir or os.environ.get("EMPATHY_JUDGE_DATA") or DEFAULT_RELEASE)
    if not found.is_dir():
        raise SystemExit(f"release folder {str(found)!r} not found: pass --data-dir")
    return found


@scorer(metrics=[mean()], name="constant_one")
def constant_one() -> Scorer:
    """A scorer that does no work: every sample scores 1."""

    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=1)

    return score


@metric(name="count")
def _count() -> Metric:
    """A metric that does no work: the number of scores."""

    def compute(scores: list[SampleScore]) -> float:
        return float(len(scores))

    return compute


@metric(name="constant_keys")
def _constant_keys(keys: Sequence[str]) -> Metric:
    """A metric that does no work but returns the agreement metric's keys (each 0.5)."""
    names = list(keys)

    def compute(scores: list[SampleScore]) -> dict[str, float]:
        return dict.fromkeys(names, 0.5)

    return compute


def agreement_keys(task: Task) -> list[str]:
    """The keys the agreement metric logs for a framework task (its run-level figures).

    Read from the metric itself, applied to the task's samples rated as the expert consensus
    (their targets), so that a keys-only step shows exactly as many rows in Inspect's results.
    """
    scores = [
        SampleScore(
            score=Score(
                value=json.loads(str(s.target)),
                metadata={"framework": (s.metadata or {})["framework"]},
            ),
            sample_id=s.id,
            sample_metadata=s.metadata,
        )
        for s in task.dataset
    ]
    return list(agreement_summary(gather_run_ratings(scores)))


def rating_scorer_only(task: Task, keys: Sequence[str] | None = None) -> Scorer:
    """The task's scorer under a metric that computes nothing, instead of the agreement metric.

    Args:
        task: A built framework task.
        keys: None: a counting metric (one key); else a metric returning these keys with
            constant values (the agreement metric's rows in Inspect's results, no computation).

    A wrapper rather than ``Task(metrics=...)``: Inspect records a task's metrics on the scorer
    object itself, which would take the agreement metric away from the framework task.
    """
    (inner,) = task.scorer or []
    stand_in = _count() if keys is None else _constant_keys(keys)

    @scorer(metrics=[stand_in], name="rating_scorer_only")
    def wrapped() -> Scorer:
        async def score(state: TaskState, target: Target) -> Score:
            return cast(Score, await inner(state, target))

        return score

    return wrapped()


def _variant(
    task: Task,
    name: str,
    limit: int | None = None,
    *,
    solver: bool = False,
    config: bool = False,
    metadata: bool = False,
    scorer: bool = False,
    metric_keys: Sequence[str] | None = None,
    agreement_metric: bool = False,
    reducer: bool = False,
) -> Task:
    """The task's samples (ids, inputs) with only the chosen parts of the task kept."""
    samples = [
        Sample(
            id=s.id,
            input=s.input,
            target=s.target if metadata else "",
            metadata=dict(s.metadata or {}) if metadata else None,
        )
        for s in task.dataset
    ]
    if limit is not None:
        samples = samples[:limit]
    return Task(
        name=name,
        dataset=MemoryDataset(samples, name=f"bare_{task.dataset.name}"),
        solver=task.solver if solver else generate(),
        scorer=(task.scorer if agreement_metric else rating_scorer_only(task, metric_keys))
        if scorer
        else constant_one(),
        config=task.config if config else GenerateConfig(),
        epochs=Epochs(task.epochs or 1, task.epochs_reducer) if reducer else None,
    )


def bare_task(task: Task, limit: int | None = None) -> Task:
    """The baseline for a framework task: the same samples, and nothing of the harness.

    Args:
        task: A built framework task.
        limit: Keep only the first ``limit`` samples.

    Returns:
        A task with the same sample ids and inputs (no metadata), ``generate()`` as its only
        solver, a constant scorer with Inspect's ``mean`` metric, and the default reducer and
        generation config.
    """
    return _variant(task, f"bare_{task.name}", limit)


#: The cumulative steps from the bare task to the harness, for ``--breakdown``.
LADDER_STEPS: tuple[str, ...] = (
    "bare",
    "+ rating solver (system message)",
    "+ generation config (response schema)",
    "+ sample metadata and target (references, consensus)",
    "+ rating scorer (answer parser, a counting metric)",
    "+ the agreement metric's keys, constant (its rows in Inspect's results table)",
    "+ the agreement metric's computation",
    "+ NaN-median epoch reducer (= harness)",
)


def harness_ladder(task: Task, limit: int | None = None) -> list[tuple[str, Task]]:
    """Tasks that add the harness's parts to the bare task one at a time, cumulatively.

    Args:
        task: A built framework task.
        limit: Keep only the first ``limit`` samples.

    Returns:
        ``(step, task)`` pairs in the order of :data:`LADDER_STEPS`; the last has every part
        of the framework task (solver, config, metadata and target, scorer, metric, reducer).
    """
    keys = agreement_keys(task)
    return [
        (
            step,
            _variant(
                task,
                f"ladder{i}_{task.name}",
                limit,
                solver=i >= 1,
                config=i >= 2,
                metadata=i >= 3,
                scorer=i >= 4,
                metric_keys=keys if i >= 5 else None,
                agreement_metric=i >= 6,
                reducer=i >= 7,
            ),
        )
        for i, step in enumerate(LADDER_STEPS)
    ]


def timed_eval(
    task: Task, model: Model, log_dir: str, **kwargs: Any
) -> tuple[EvalLog, float, float]:
    """Run one ``eval()`` call.

    Returns:
        The log, the wall seconds, and the CPU seconds of this process (all its threads): the
        CPU time is far less sensitive than wall time to other jobs on a shared machine.
    """
    gc.collect()  # garbage from earlier runs (their logs) is not this call's cost
    started, cpu_started = time.perf_counter(), time.process_time()
    (log,) = inspect_eval(task, model=model, log_dir=log_dir, display="none", **kwargs)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if log.status != "success":
        raise RuntimeError(f"{task.name} with {model}: status {log.status}: {log.error}")
    return log, elapsed, cpu


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


@dataclass
class OverheadRow:
    """Harness vs bare task with the replay model, one framework (seconds, medians)."""

    framework: str
    samples: int
    task_build_s: float
    cold_harness_s: float
    cold_bare_s: float
    harness_runs_s: list[float] = field(default_factory=list)
    bare_runs_s: list[float] = field(default_factory=list)
    harness_one_runs_s: list[float] = field(default_factory=list)
    bare_one_runs_s: list[float] = field(default_factory=list)
    harness_cpu_runs_s: list[float] = field(default_factory=list)
    bare_cpu_runs_s: list[float] = field(default_factory=list)
    agreement_metric_s: float = float("nan")
    harness_log_kb: float = float("nan")
    bare_log_kb: float = float("nan")

    @property
    def harness_s(self) -> float:
        return _median(self.harness_runs_s)

    @property
    def bare_s(self) -> float:
        return _median(self.bare_runs_s)

    @property
    def ratio(self) -> float:
        """Wall time of the whole eval() call, harness over bare (includes fixed costs)."""
        return self.harness_s / self.bare_s

    @property
    def harness_marginal_s(self) -> float:
        """Seconds per extra sample: (all-sample run - one-sample run) / (samples - 1)."""
        return (self.harness_s - _median(self.harness_one_runs_s)) / (self.samples - 1)

    @property
    def bare_marginal_s(self) -> float:
        return (self.bare_s - _median(self.bare_one_runs_s)) / (self.samples - 1)

    def summary(self) -> dict[str, float]:
        return {
            "harness_s": self.harness_s,
            "bare_s": self.bare_s,
            "harness_per_sample_s": self.harness_s / self.samples,
            "bare_per_sample_s": self.bare_s / self.samples,
            "ratio": self.ratio,
            "harness_one_sample_s": _median(self.harness_one_runs_s),
            "bare_one_sample_s": _median(self.bare_one_runs_s),
            "harness_marginal_per_sample_s": self.harness_marginal_s,
            "bare_marginal_per_sample_s": self.bare_marginal_s,
            "marginal_ratio": self.harness_marginal_s / self.bare_marginal_s,
            "harness_cpu_s": _median(self.harness_cpu_runs_s),
            "bare_cpu_s": _median(self.bare_cpu_runs_s),
            "cpu_ratio": _median(self.harness_cpu_runs_s) / _median(self.bare_cpu_runs_s),
        }


def _log_kb(log: EvalLog) -> float:
    path = Path(log.location.removeprefix("file://"))
    return path.stat().st_size / 1024 if path.is_file() else float("nan")


def _time_agreement_metric(log: EvalLog) -> float:
    """Seconds the run-level agreement metric takes on this run's reduced scores."""
    scores = [
        SampleScore(score=s.scores["empathy_ratings"], sample_id=s.id, sample_metadata=s.metadata)
        for s in log.samples or []
        if s.scores
    ]
    # Metric is a union with Inspect's deprecated list[Score] form; this one takes SampleScores.
    panel = (log.eval.metadata or {}).get("panel")
    compute = cast(Callable[[list[SampleScore]], Any], agreement(panel=panel))
    started = time.perf_counter()
    compute(scores)
    return time.perf_counter() - started


def measure_overhead(
    data_dir: Path, repeats: int, log_dir: str, progress: Callable[[str], None]
) -> tuple[list[OverheadRow], dict[str, EvalLog], float]:
    """Harness vs bare runs with the replay model, interleaved.

    Returns:
        The rows, the last harness log per framework (for its messages), and the seconds the
        replay provider took to load.
    """
    started = time.perf_counter()
    model = get_model(REPLAY_MODEL, data_dir=str(data_dir))
    model_load_s = time.perf_counter() - started
    tasks: dict[str, tuple[Task, Task]] = {}
    rows: dict[str, OverheadRow] = {}
    last_logs: dict[str, EvalLog] = {}
    for fw in FRAMEWORKS:
        started = time.perf_counter()
        task = TASKS[fw](data_dir=str(data_dir))
        build_s = time.perf_counter() - started
        bare = bare_task(task)
        # The first eval() of a process pays for lazy imports and caches: kept apart.
        _, cold_harness, _ = timed_eval(task, model, log_dir)
        _, cold_bare, _ = timed_eval(bare, model, log_dir)
        tasks[fw] = (task, bare)
        rows[fw] = OverheadRow(fw, len(task.dataset), build_s, cold_harness, cold_bare)
        progress(f"{fw}: built in {build_s:.2f} s, warm-up done")
    for r in range(repeats):
        for fw in FRAMEWORKS:
            task, bare = tasks[fw]
            row = rows[fw]
            runs: list[tuple[Task, list[float], list[float] | None, int | None]] = [
                (task, row.harness_runs_s, row.harness_cpu_runs_s, None),
                (bare, row.bare_runs_s, row.bare_cpu_runs_s, None),
                (task, row.harness_one_runs_s, None, 1),
                (bare, row.bare_one_runs_s, None, 1),
            ]
            if r % 2:  # alternate which goes first, so drift in machine load hits both
                runs = [runs[1], runs[0], runs[3], runs[2]]
            for t, times, cpu_times, limit in runs:
                log, elapsed, cpu = timed_eval(t, model, log_dir, limit=limit)
                times.append(elapsed)
                if cpu_times is not None:
                    cpu_times.append(cpu)
                if limit is None and t is task:
                    last_logs[fw] = log
                    row.harness_log_kb = _log_kb(log)
                elif limit is None:
                    row.bare_log_kb = _log_kb(log)
        progress(f"repeat {r + 1}/{repeats} done")
    for fw, row in rows.items():
        row.agreement_metric_s = _median([_time_agreement_metric(last_logs[fw]) for _ in range(3)])
    return list(rows.values()), last_logs, model_load_s


def measure_breakdown(
    data_dir: Path, repeats: int, log_dir: str, progress: Callable[[str], None]
) -> dict[str, dict[str, float]]:
    """Median CPU seconds of each cumulative ladder step, per framework (all samples).

    CPU time rather than wall time: a step adds a few hundredths of a second, less than the
    wall-time noise of a shared machine.

    Returns:
        ``{framework: {step: seconds}}`` in the order of :data:`LADDER_STEPS`.
    """
    model = get_model(REPLAY_MODEL, data_dir=str(data_dir))
    ladders = {fw: harness_ladder(TASKS[fw](data_dir=str(data_dir))) for fw in FRAMEWORKS}
    times: dict[str, dict[str, list[float]]] = {
        fw: {step: [] for step in LADDER_STEPS} for fw in FRAMEWORKS
    }
    for ladder in ladders.values():
        for _, t in ladder:  # warm-up, discarded
            timed_eval(t, model, log_dir)
    for r in range(repeats):
        for fw, ladder in ladders.items():
            for step, t in ladder if r % 2 == 0 else ladder[::-1]:
                times[fw][step].append(timed_eval(t, model, log_dir)[2])
        progress(f"breakdown repeat {r + 1}/{repeats} done")
    return {fw: {step: _median(xs) for step, xs in steps.items()} for fw, steps in times.items()}


@dataclass(frozen=True)
class CallCount:
    """Python function calls per extra sample (marginal), harness and bare, one framework."""

    framework: str
    harness_calls: float
    bare_calls: float
    harness_deepcopies: float
    bare_deepcopies: float
    #: Calls per extra sample at each step of :data:`LADDER_STEPS` (first: bare, last: harness).
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.harness_calls / self.bare_calls


def profiled_calls(task: Task, model: Model, log_dir: str, limit: int | None) -> tuple[int, int]:
    """Function calls of one ``eval()`` call under ``cProfile``: all of them, and deep copies."""
    profile = cProfile.Profile()
    gc.collect()
    profile.enable()
    try:
        inspect_eval(task, model=model, log_dir=log_dir, display="none", limit=limit)
    finally:
        profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    calls = sum(int(v[1]) for v in stats.values())
    deepcopies = sum(
        int(v[1]) for k, v in stats.items() if k[0].endswith("copy.py") and k[2] == "deepcopy"
    )
    return calls, deepcopies


def measure_calls(data_dir: Path, log_dir: str) -> list[CallCount]:
    """Marginal function calls per sample of the harness, the bare task and the ladder steps.

    The first and last steps are the bare task and the framework task themselves; the steps
    between are those of :func:`harness_ladder`.
    """
    model = get_model(REPLAY_MODEL, data_dir=str(data_dir))
    rows = []
    for fw in FRAMEWORKS:
        task = TASKS[fw](data_dir=str(data_dir))
        n = len(task.dataset)
        middle = harness_ladder(task)[1:-1]
        per_sample: list[tuple[float, float]] = []
        for t in (bare_task(task), *(t for _, t in middle), task):
            timed_eval(t, model, log_dir)  # warm-up: first-call caches are not per-sample costs
            all_calls, all_copies = profiled_calls(t, model, log_dir, None)
            one_calls, one_copies = profiled_calls(t, model, log_dir, 1)
            extra = n - 1
            per_sample.append(((all_calls - one_calls) / extra, (all_copies - one_copies) / extra))
        (bc, bd), (hc, hd) = per_sample[0], per_sample[-1]
        steps = {step: calls for step, (calls, _) in zip(LADDER_STEPS, per_sample, strict=True)}
        rows.append(CallCount(fw, hc, bc, hd, bd, steps))
    return rows


@dataclass
class TokenRow:
    """Prompt and completion tokens per conversation, SmolLM2 tokenizer and gguf runs."""

    framework: str
    samples: int
    prompt_median: float
    prompt_max: int
    prompt_min: int
    reference_answer_median: float
    gguf_samples: int = 0
    gguf_prompt_median: float = float("nan")
    gguf_prompt_max: float = float("nan")
    gguf_completion_median: float = float("nan")
    gguf_completion_max: float = float("nan")
    gguf_tokenizer_agrees: bool | None = None
    gguf_wall_s: float = float("nan")
    gguf_wall_per_sample_s: float = float("nan")
    gguf_sample_working_median_s: float = float("nan")
    gguf_parse_rate: float = float("nan")


class ChatTokenizer:
    """Counts the prompt tokens llama.cpp feeds a GGUF model for a list of chat messages."""

    def __init__(self, model_path: Path) -> None:
        from llama_cpp import Llama, llama_chat_format

        self._llama: Any = Llama(model_path=str(model_path), vocab_only=True, verbose=False)
        eos_id, bos_id = self._llama.token_eos(), self._llama.token_bos()
        # The same formatter llama.cpp builds from the file's own chat template.
        self._formatter: Any = llama_chat_format.Jinja2ChatFormatter(
            template=self._llama.metadata["tokenizer.chat_template"],
            eos_token=self._llama._model.token_get_text(eos_id) if eos_id != -1 else "",
            bos_token=self._llama._model.token_get_text(bos_id) if bos_id != -1 else "",
            stop_token_ids=[eos_id],
        )

    def prompt_tokens(self, messages: Sequence[dict[str, str]]) -> int:
        """Tokens of the chat-formatted prompt, as the provider's chat completion counts them."""
        result = self._formatter(messages=list(messages))
        tokens = self._llama.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )
        return len(tokens)

    def text_tokens(self, text: str) -> int:
        """Tokens of a plain text (no special tokens)."""
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def close(self) -> None:
        """Free the vocabulary."""
        self._llama.close()


def _prompt_messages(log: EvalLog) -> dict[str, list[dict[str, str]]]:
    """Per sample id, the messages sent to the model (the answer left out)."""
    return {
        str(s.id): [
            {"role": m.role, "content": m.text}
            for m in s.messages
            if not isinstance(m, ChatMessageAssistant)
        ]
        for s in log.samples or []
    }


def measure_tokens(harness_logs: dict[str, EvalLog], tokenizer: ChatTokenizer) -> list[TokenRow]:
    """Prompt tokens over all samples and the replayed answers' length, per framework."""
    rows = []
    for fw, log in harness_logs.items():
        counts = [tokenizer.prompt_tokens(m) for m in _prompt_messages(log).values()]
        answers = [tokenizer.text_tokens(s.output.completion) for s in log.samples or []]
        rows.append(
            TokenRow(
                framework=fw,
                samples=len(counts),
                prompt_median=_median(counts),
                prompt_max=max(counts),
                prompt_min=min(counts),
                reference_answer_median=_median(answers),
            )
        )
    return rows


def measure_gguf(
    data_dir: Path,
    n_samples: int,
    log_dir: str,
    token_rows: list[TokenRow],
    tokenizer: ChatTokenizer,
    progress: Callable[[str], None],
) -> float:
    """Run ``gguf/smollm2`` on the first samples of each framework; fills the token rows.

    Returns:
        Seconds the model took to load.
    """
    started = time.perf_counter()
    model = get_model(GGUF_MODEL)
    load_s = time.perf_counter() - started
    for row in token_rows:
        task = TASKS[row.framework](data_dir=str(data_dir))
        log, elapsed, _ = timed_eval(task, model, log_dir, limit=n_samples, max_connections=1)
        samples = log.samples or []
        usage = [s.model_usage[GGUF_MODEL] for s in samples]
        prompt = [u.input_tokens for u in usage]
        completion = [u.output_tokens for u in usage]
        counted = [tokenizer.prompt_tokens(m) for m in _prompt_messages(log).values()]
        row.gguf_samples = len(samples)
        row.gguf_prompt_median = _median(prompt)
        row.gguf_prompt_max = max(prompt)
        row.gguf_completion_median = _median(completion)
        row.gguf_completion_max = max(completion)
        row.gguf_tokenizer_agrees = counted == prompt
        row.gguf_wall_s = elapsed
        row.gguf_wall_per_sample_s = elapsed / len(samples)
        row.gguf_sample_working_median_s = _median([s.working_time or 0.0 for s in samples])
        assert log.results is not None
        row.gguf_parse_rate = float(log.results.scores[0].metrics["parse_rate"].value)
        progress(f"gguf {row.framework}: {len(samples)} samples in {elapsed:.1f} s")
    return load_s


def _f(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}"


def render_markdown(
    overhead: list[OverheadRow],
    tokens: list[TokenRow],
    *,
    repeats: int,
    replay_load_s: float,
    gguf_load_s: float | None,
    gguf_note: str,
    breakdown: dict[str, dict[str, float]] | None = None,
    load_average: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
    scan: DistributionScan | None = None,
    calls: list[CallCount] | None = None,
) -> str:
    """The benchmark's results as Markdown tables with their reading notes."""
    lines = []
    if load_average is not None:
        before, after = (" / ".join(f"{x:.2f}" for x in la) for la in load_average)
        lines += [
            f"Machine: {os.cpu_count()} cores; load average (1/5/15 min) at start {before}, "
            f"at end {after}.",
            "",
        ]
    lines += [
        f"## Harness overhead: `{REPLAY_MODEL}`, all samples, median of {repeats} runs",
        "",
        "| framework | n | harness eval (s) | bare eval (s) | harness s/sample | "
        "bare s/sample | ratio | 1-sample harness / bare (s) | marginal s/sample "
        "harness / bare | marginal ratio | CPU s harness / bare | CPU ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in overhead:
        s = row.summary()
        lines.append(
            f"| {row.framework} | {row.samples} | {_f(s['harness_s'])} | {_f(s['bare_s'])} | "
            f"{_f(s['harness_per_sample_s'], 4)} | {_f(s['bare_per_sample_s'], 4)} | "
            f"{_f(s['ratio'], 2)}× | {_f(s['harness_one_sample_s'])} / "
            f"{_f(s['bare_one_sample_s'])} | {_f(s['harness_marginal_per_sample_s'], 4)} / "
            f"{_f(s['bare_marginal_per_sample_s'], 4)} | {_f(s['marginal_ratio'], 2)}× | "
            f"{_f(s['harness_cpu_s'])} / {_f(s['bare_cpu_s'])} | {_f(s['cpu_ratio'], 2)}× |"
        )
    total_h = sum(r.harness_s for r in overhead)
    total_b = sum(r.bare_s for r in overhead)
    cpu_h = sum(r.summary()["harness_cpu_s"] for r in overhead)
    cpu_b = sum(r.summary()["bare_cpu_s"] for r in overhead)
    lines += [
        f"| **all** | {sum(r.samples for r in overhead)} | {_f(total_h)} | {_f(total_b)} | "
        f"{_f(total_h / sum(r.samples for r in overhead), 4)} | "
        f"{_f(total_b / sum(r.samples for r in overhead), 4)} | "
        f"**{_f(total_h / total_b, 2)}×** (goal ≤ {OVERHEAD_GOAL}×) | | | | "
        f"{_f(cpu_h)} / {_f(cpu_b)} | **{_f(cpu_h / cpu_b, 2)}×** |",
        "",
        "| framework | task build (s) | first harness / bare eval of the process (s) | "
        "agreement metric (s) | log size harness / bare (KB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in overhead:
        lines.append(
            f"| {row.framework} | {_f(row.task_build_s)} | {_f(row.cold_harness_s)} / "
            f"{_f(row.cold_bare_s)} | {_f(row.agreement_metric_s, 4)} | "
            f"{_f(row.harness_log_kb, 0)} / {_f(row.bare_log_kb, 0)} |"
        )
    lines += [
        "",
        f"Replay provider load: {_f(replay_load_s)} s (once, outside every timing).",
        *(
            [
                f"Inspect's installed-distribution scan: asked {scan.calls} times, run once "
                f"({_f(scan.first_call_s)} s) and memoised: `empathy_judge` is imported from "
                "outside its installed distribution (a worktree or an uninstalled clone), which "
                "an installed package never is (without the memo every harness `eval()` call "
                "paid it, the bare task's never).",
            ]
            if scan is not None and scan.calls
            else []
        ),
        "The ratio compares whole `eval()` calls (warm process, one shared model instance): both",
        "include Inspect's fixed cost per call (task/plan resolution, log file open and write,",
        "scheduling; the one-sample runs estimate it) and the replay lookup; the harness adds its",
        "system message, response schema, answer parser, reference metadata in samples and",
        "scores, NaN-aware median reducer and run-level agreement metric (κw/α; shown apart).",
        "Task building (reading the release) and provider loading are outside both. The marginal",
        "ratio, (all-sample run − one-sample run) / (n − 1), removes the fixed cost per call.",
        "CPU s: this process's CPU time over the same calls (all threads), steadier than wall",
        "time when other jobs share the machine.",
    ]
    if breakdown:
        lines += [
            "",
            f"### Where the overhead goes: cumulative steps, CPU s per eval, median of {repeats}",
            "",
            "| step | " + " | ".join(breakdown) + " |",
            "|---|" + "---:|" * len(breakdown),
        ]
        for step in LADDER_STEPS:
            cells = " | ".join(
                f"{_f(b[step])} ({_f(b[step] / b[LADDER_STEPS[0]], 2)}×)"
                for b in breakdown.values()
            )
            lines.append(f"| {step} | {cells} |")
    if calls:
        lines += [
            "",
            "### Python function calls per extra sample (cProfile; a count, steadier than timings)",
            "",
            "| framework | harness | bare | ratio | of which deep copies harness / bare |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {c.framework} | {_f(c.harness_calls, 0)} | {_f(c.bare_calls, 0)} | "
            f"{_f(c.ratio, 2)}× | {_f(c.harness_deepcopies, 0)} / {_f(c.bare_deepcopies, 0)} |"
            for c in calls
        ]
        lines += [
            "",
            "| step (cumulative) | " + " | ".join(c.framework for c in calls) + " |",
            "|---|" + "---:|" * len(calls),
        ]
        for step in LADDER_STEPS:
            cells = " | ".join(
                f"{_f(c.steps[step], 0)} (+{_f(c.steps[step] - c.bare_calls, 0)})" for c in calls
            )
            lines.append(f"| {step} | {cells} |")
    lines += [
        "",
        "## Tokens per conversation (SmolLM2 tokenizer) and `gguf/smollm2` speed",
        "",
        "| framework | n | prompt tokens median / max (all samples) | reference answer tokens "
        "(median) | gguf n | gguf prompt median / max | gguf completion median / max | "
        "tokenizer = gguf usage | gguf wall s/sample | gguf sample working s (median) | "
        "gguf parse rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in tokens:
        ran = t.gguf_samples > 0
        lines.append(
            f"| {t.framework} | {t.samples} | {_f(t.prompt_median, 0)} / {t.prompt_max} | "
            f"{_f(t.reference_answer_median, 0)} | {t.gguf_samples if ran else '–'} | "
            + (
                f"{_f(t.gguf_prompt_median, 0)} / {_f(t.gguf_prompt_max, 0)} | "
                f"{_f(t.gguf_completion_median, 0)} / {_f(t.gguf_completion_max, 0)} | "
                f"{'yes' if t.gguf_tokenizer_agrees else 'NO'} | "
                f"{_f(t.gguf_wall_per_sample_s, 2)} | "
                f"{_f(t.gguf_sample_working_median_s, 2)} | {_f(t.gguf_parse_rate, 2)} |"
                if ran
                else "– | – | – | – | – | – |"
            )
        )
    lines += [
        "",
        "Prompt tokens: the system and user messages the harness sent, chat-formatted with the",
        "GGUF file's template and tokenized as llama.cpp does (BOS and special tokens included).",
        "Reference answer: the replayed Gemini JSON answer (the length of a well-formed answer).",
    ]
    if gguf_load_s is not None:
        lines.append(
            f"`gguf/smollm2`: model load {_f(gguf_load_s, 2)} s (outside the timings), "
            "`max_connections=1`; wall s/sample = the `eval()` call's wall time / samples "
            "(includes Inspect's fixed cost per call); working s = Inspect's per-sample time."
        )
    if gguf_note:
        lines.append(gguf_note)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data-dir", help="the authors' release folder")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per variant")
    parser.add_argument(
        "--gguf-samples", type=int, default=3, help="gguf/smollm2 samples per framework"
    )
    parser.add_argument("--skip-gguf", action="store_true", help="no gguf/smollm2 runs")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time the steps from the bare task to the harness (about 1 min more)",
    )
    parser.add_argument(
        "--calls",
        action="store_true",
        help="also count the Python function calls per extra sample under cProfile",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.gguf_samples < 1:
        parser.error("--repeats and --gguf-samples must be >= 1")

    data_dir = resolve_release(args.data_dir)
    # Providers resolve the release on their own; point them at the same copy.
    os.environ["EMPATHY_JUDGE_DATA"] = str(data_dir)

    def progress(message: str) -> None:
        print(f"[bench_harness] {message}", file=sys.stderr, flush=True)

    scan = memoise_distribution_scan()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-harness-") as log_dir:
        overhead, harness_logs, replay_load_s = measure_overhead(
            data_dir, args.repeats, log_dir, progress
        )
        breakdown = (
            measure_breakdown(data_dir, args.repeats, log_dir, progress) if args.breakdown else None
        )
        calls = measure_calls(data_dir, log_dir) if args.calls else None
        tokens: list[TokenRow] = []
        gguf_load_s: float | None = None
        note = ""
        try:
            from empathy_judge.evals.providers.gguf import resolve_model_path

            tokenizer = ChatTokenizer(resolve_model_path("smollm2"))
        except Exception as exc:  # llama-cpp-python or the model file is missing
            tokenizer = None
            note = f"Token counts and gguf runs skipped: {exc}"
        if tokenizer is not None:
            try:
                tokens = measure_tokens(harness_logs, tokenizer)
                if args.skip_gguf:
                    note = "gguf runs skipped (--skip-gguf)."
                else:
                    gguf_load_s = measure_gguf(
                        data_dir, args.gguf_samples, log_dir, tokens, tokenizer, progress
                    )
            finally:
                tokenizer.close()
    load_after = os.getloadavg()

    print(
        render_markdown(
            overhead,
            tokens,
            repeats=args.repeats,
            replay_load_s=replay_load_s,
            gguf_load_s=gguf_load_s,
            gguf_note=note,
            breakdown=breakdown,
            load_average=(load_before, load_after),
            scan=scan,
            calls=calls,
        )
    )
    if args.json:
        payload = {
            "data_dir": str(data_dir),
            "repeats": args.repeats,
            "cpu_count": os.cpu_count(),
            "load_average_start": load_before,
            "load_average_end": load_after,
            "replay_model": REPLAY_MODEL,
            "replay_load_s": replay_load_s,
            "distribution_scan": asdict(scan),
            "overhead": [{**asdict(r), **r.summary()} for r in overhead],
            "overhead_total_ratio": sum(r.harness_s for r in overhead)
            / sum(r.bare_s for r in overhead),
            "overhead_total_cpu_ratio": sum(r.summary()["harness_cpu_s"] for r in overhead)
            / sum(r.summary()["bare_cpu_s"] for r in overhead),
            "gguf_model": None if gguf_load_s is None else GGUF_MODEL,
            "gguf_load_s": gguf_load_s,
            "breakdown": breakdown,
            "calls_per_sample": None
            if calls is None
            else [{**asdict(c), "ratio": c.ratio} for c in calls],
            "tokens": [asdict(t) for t in tokens],
            "note": note,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
