"""Smoke test of benchmarks/bench_harness.py: its bare task rates the same items as the task."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from inspect_ai import eval as inspect_eval

from empathy_judge.evals.tasks import TASKS

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_harness.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_harness", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module


def test_bare_task_has_the_same_samples_and_answers(
    bench: ModuleType, release_dir: Path, tmp_path: Path
) -> None:
    task = TASKS["epitome"](data_dir=str(release_dir))
    bare = bench.bare_task(task, limit=2)
    first_two = list(task.dataset)[:2]
    assert [s.id for s in bare.dataset] == [s.id for s in first_two]
    assert [s.input for s in bare.dataset] == [s.input for s in first_two]
    assert all(not s.metadata for s in bare.dataset)

    logs = {
        name: inspect_eval(
            t, model="replay/gemini-2.5-pro", log_dir=str(tmp_path), display="none", limit=2
        )[0]
        for name, t in (("harness", task), ("bare", bare))
    }
    for log in logs.values():
        assert log.status == "success", log.error
    # The replayed Gemini answers are per item, so equal answers mean the same items were rated
    # (the bare task has no response schema, so only the key order may differ).
    answers = {
        name: {str(s.id): json.loads(s.output.completion) for s in log.samples or []}
        for name, log in logs.items()
    }
    assert len(answers["bare"]) == 2
    assert answers["bare"] == answers["harness"]
    # The bare task's trivial scorer: every sample scores 1, Inspect's mean metric over them.
    assert logs["bare"].results is not None
    assert logs["bare"].results.scores[0].metrics["mean"].value == 1.0


def test_ladder_ends_with_every_part_of_the_task(
    bench: ModuleType, release_dir: Path, tmp_path: Path
) -> None:
    task = TASKS["epitome"](data_dir=str(release_dir))
    ladder = bench.harness_ladder(task, limit=1)
    # The scorer step counts its scores instead of computing agreement, and building it leaves
    # the framework task's own metric in place (Inspect records a task's metrics on the scorer).
    steps = dict(ladder)
    scorer_only = steps["+ rating scorer (answer parser, a counting metric)"]
    keys_only = steps[
        "+ the agreement metric's keys, constant (its rows in Inspect's results table)"
    ]
    metrics = {}
    for name, t in (("scorer", scorer_only), ("keys", keys_only), ("task", task)):
        (log,) = inspect_eval(
            t, model="replay/gemini-2.5-pro", log_dir=str(tmp_path), display="none", limit=1
        )
        assert log.status == "success" and log.results is not None, log.error
        metrics[name] = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    assert metrics["scorer"] == {"count": 1.0}
    assert metrics["task"]["parse_rate"] == 1.0 and "kappa" in metrics["task"]
    # The keys-only step tabulates as many rows as the agreement metric, computing none of them.
    assert list(metrics["keys"]) == list(metrics["task"])
    assert len(metrics["keys"]) == 24 and set(metrics["keys"].values()) == {0.5}
    assert [step for step, _ in ladder] == list(bench.LADDER_STEPS)
    _, full = ladder[-1]
    assert full.config == task.config
    assert full.epochs_reducer == task.epochs_reducer
    (sample,) = list(full.dataset)
    first = next(iter(task.dataset))
    assert sample.metadata == first.metadata
    assert sample.target == first.target  # the expert consensus, as JSON
    _, bare = ladder[0]
    (plain,) = list(bare.dataset)
    assert plain.target == "" and not plain.metadata
