"""The four Inspect tasks end to end, offline: replayed annotations and the local model."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from empathy_judge.datasets.release import load_ratings
from empathy_judge.evals.task_builder import TaskConfigError, build_task
from empathy_judge.evals.tasks import TASKS
from empathy_judge.scorers.kappa import weighted_kappa

pytestmark = pytest.mark.release

# Published Experts–Gemini κw (paper-method.md; Kumar et al. 2025).
PUBLISHED_EPITOME_GEMINI = {
    "level_emotional_reactions": 0.64,
    "level_explorations": 0.76,
    "level_interpretations": 0.59,
}
PUBLISHED_LAE_GEMINI = {"encouraging_elaboration": 0.86}
PUBLISHED_ED_GEMINI = {"empathy": 0.34}


def _metrics(log: EvalLog) -> dict[str, float]:
    assert log.results is not None
    (score,) = log.results.scores
    return {name: m.value for name, m in score.metrics.items()}


def _run(framework: str, model: str, release_dir: Path, tmp: Path, **kwargs: Any) -> EvalLog:
    (log,) = inspect_eval(
        TASKS[framework](data_dir=str(release_dir)),
        model=model,
        log_dir=str(tmp),
        display="none",
        **kwargs,
    )
    assert log.status == "success", log.error
    return log


@pytest.fixture(scope="module")
def gemini_logs(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvalLog]:
    tmp = tmp_path_factory.mktemp("gemini-logs")
    return {
        fw: _run(fw, "replay/gemini-2.5-pro", release_dir, tmp)
        for fw in ("epitome", "lend_an_ear", "empatheticdialogues")
    }


@pytest.mark.parametrize(
    ("framework", "published"),
    [
        ("epitome", PUBLISHED_EPITOME_GEMINI),
        ("lend_an_ear", PUBLISHED_LAE_GEMINI),
        ("empatheticdialogues", PUBLISHED_ED_GEMINI),
    ],
)
def test_replayed_gemini_reproduces_published_kappa(
    gemini_logs: dict[str, EvalLog], framework: str, published: dict[str, float]
) -> None:
    metrics = _metrics(gemini_logs[framework])
    for sub, value in published.items():
        assert round(metrics[f"kappa_{sub}"], 2) == value
    assert metrics["parse_rate"] == 1.0
    samples = gemini_logs[framework].samples
    assert samples is not None
    assert len(samples) == 50


def test_log_metrics_equal_statistics_engine(
    gemini_logs: dict[str, EvalLog], release_dir: Path
) -> None:
    """The in-run metric equals the engine applied to the release's own ratings."""
    ratings = load_ratings(release_dir)
    epitome = ratings[ratings["framework"] == "epitome"]
    wide = epitome.pivot_table(
        index=["sub_component", "item_id"], columns="annotator", values="rating"
    )
    metrics = _metrics(gemini_logs["epitome"])
    for sub in PUBLISHED_EPITOME_GEMINI:
        rows = wide.loc[sub]
        median = np.median(rows[["expert1", "expert2", "expert3"]].to_numpy(), axis=1)
        expected = weighted_kappa(median, rows["gemini-2.5-pro"].to_numpy())
        assert metrics[f"kappa_{sub}"] == pytest.approx(expected)


def test_samples_carry_references_and_stable_ids(gemini_logs: dict[str, EvalLog]) -> None:
    samples = gemini_logs["epitome"].samples
    assert samples is not None
    by_id = {str(s.id): s for s in samples}
    sample = by_id["97keuy"]  # expert1 rated it 0, 0, 0 (read from expert1_ratings.csv)
    ref = sample.metadata["reference"]["level_emotional_reactions"]
    assert ref["expert1"] == 0.0
    assert sample.metadata["supporter_word_count"] == 5  # "So sorry for your loss"
    assert "<transcript" in str(sample.input) and "So sorry for your loss" in str(sample.input)
    score = sample.scores["empathy_ratings"]  # type: ignore[index]
    assert set(score.value) == set(PUBLISHED_EPITOME_GEMINI)  # type: ignore[arg-type]


def test_system_prompt_precedes_the_rating_prompt(gemini_logs: dict[str, EvalLog]) -> None:
    samples = gemini_logs["lend_an_ear"].samples
    assert samples is not None
    roles = [m.role for m in samples[0].messages]
    assert roles == ["system", "user", "assistant"]  # one system message, before the prompt
    assert samples[0].messages[0].text.startswith("You are an expert annotator of empathic")
    assert samples[0].messages[1].text == samples[0].input


def test_all_four_tasks_are_registered() -> None:
    from inspect_ai._util.entrypoints import ensure_entry_points
    from inspect_ai._util.registry import registry_lookup

    ensure_entry_points("empathy_judge")
    for name in ("empathetic_dialogues", "epitome", "perceived_empathy", "lend_an_ear"):
        assert registry_lookup("task", f"empathy_judge/{name}") is not None, name
    for provider in ("gguf", "replay"):
        assert registry_lookup("modelapi", f"empathy_judge/{provider}") is not None, provider


def test_perceived_empathy_without_texts_stops_clearly(release_dir: Path) -> None:
    with pytest.raises(TaskConfigError, match="conversations=PATH"):
        build_task("perceived_empathy", data_dir=str(release_dir))


def test_few_shot_examples_are_excluded_and_deterministic(release_dir: Path) -> None:
    a = build_task("epitome", data_dir=str(release_dir), prompt="few_shot", shots=2, seed=7)
    b = build_task("epitome", data_dir=str(release_dir), prompt="few_shot", shots=2, seed=7)
    assert a.metadata is not None and b.metadata is not None
    shots = a.metadata["shots"]
    assert shots == b.metadata["shots"] and len(shots) == 2
    ids = {str(s.id) for s in a.dataset}
    assert len(ids) == 48 and not ids & set(shots)
    assert "Expert ratings for example 2" in str(next(iter(a.dataset)).input)


def test_sub_component_subset_and_unknown(release_dir: Path) -> None:
    task = build_task("lend_an_ear", data_dir=str(release_dir), sub_components="advice_giving")
    prompt = str(next(iter(task.dataset)).input)
    assert '"advice_giving"' in prompt and '"validating_emotions"' not in prompt
    with pytest.raises(TaskConfigError, match="unknown sub-components"):
        build_task("lend_an_ear", data_dir=str(release_dir), sub_components=["empathy"])


def test_epochs_report_self_consistency(release_dir: Path, tmp_path: Path) -> None:
    (log,) = inspect_eval(
        TASKS["epitome"](data_dir=str(release_dir), epochs=2),
        model="replay/expert1",
        log_dir=str(tmp_path),
        display="none",
        limit=10,
    )
    assert log.status == "success", log.error
    # A replay answers identically every epoch: perfect self-consistency, perfect parse rate.
    assert _metrics(log)["self_consistency"] == pytest.approx(1.0)


def _inspect_cli(release_dir: Path, log_dir: Path, *args: str) -> dict[str, Any]:
    """Run `inspect eval ...` in a subprocess and return its JSON log."""
    env = {**os.environ, "EMPATHY_JUDGE_DATA": str(release_dir)}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "inspect"),
            "eval",
            *args,
            "--log-dir",
            str(log_dir),
            "--display",
            "plain",
            "--log-format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (log_file,) = log_dir.glob("*.json")
    log: dict[str, Any] = json.loads(log_file.read_text(encoding="utf-8"))
    assert log["status"] == "success"
    return log


def test_cli_inspect_eval_epitome(release_dir: Path, tmp_path: Path) -> None:
    """The documented command, through the `inspect` CLI and the entry point."""
    log = _inspect_cli(
        release_dir, tmp_path, "empathy_judge/epitome", "--model", "replay/gemini-2.5-pro"
    )
    metrics = log["results"]["scores"][0]["metrics"]
    assert round(metrics["kappa_level_emotional_reactions"]["value"], 2) == 0.64
    assert round(metrics["kappa_level_explorations"]["value"], 2) == 0.76
    assert round(metrics["kappa_level_interpretations"]["value"], 2) == 0.59


@pytest.mark.gguf
def test_cli_lend_an_ear_with_local_model(release_dir: Path, tmp_path: Path) -> None:
    """`inspect eval empathy_judge/lend_an_ear --model gguf/smollm2 --limit 5` succeeds."""
    pytest.importorskip("llama_cpp", reason="needs the [local] extra: pip install -e '.[local]'")
    log = _inspect_cli(
        release_dir,
        tmp_path,
        "empathy_judge/lend_an_ear",
        "--model",
        "gguf/smollm2",
        "--limit",
        "5",
        "--max-connections",
        "1",
    )
    assert len(log["samples"]) == 5
    metrics = log["results"]["scores"][0]["metrics"]
    assert 0.0 <= metrics["parse_rate"]["value"] <= 1.0
    assert log["stats"]["model_usage"]["gguf/smollm2"]["input_tokens"] > 5 * 1000


@pytest.mark.gguf
@pytest.mark.parametrize("framework", ["epitome", "empatheticdialogues"])
def test_local_gguf_model_runs_every_task(
    framework: str, release_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("llama_cpp", reason="needs the [local] extra: pip install -e '.[local]'")
    (log,) = inspect_eval(
        TASKS[framework](data_dir=str(release_dir)),
        model="gguf/smollm2",
        log_dir=str(tmp_path),
        display="none",
        limit=2,
        max_connections=1,
    )
    assert log.status == "success", log.error
    metrics = _metrics(log)
    assert 0.0 <= metrics["parse_rate"] <= 1.0
    assert log.stats.model_usage["gguf/smollm2"].output_tokens > 0
    assert log.samples is not None and len(log.samples) == 2
    for sample in log.samples:
        value = sample.scores["empathy_ratings"].value  # type: ignore[index]
        assert isinstance(value, dict)
        assert all(math.isnan(v) or float(v).is_integer() for v in value.values())
        assert not np.any([v == 0 and framework != "epitome" for v in value.values()])


PE_FIXTURE = Path(__file__).parent / "fixtures" / "perceived_empathy" / "conversations.csv"


def test_perceived_empathy_with_user_texts(
    release_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """User texts (hand-written stand-ins here) are rated; references come from the release."""
    with caplog.at_level("WARNING"):
        task = TASKS["perceived_empathy"](data_dir=str(release_dir), conversations=str(PE_FIXTURE))
    assert "nonexistent-item-id" in caplog.text
    (log,) = inspect_eval(
        task, model="replay/gemini-2.5-pro", log_dir=str(tmp_path), display="none"
    )
    assert log.status == "success", log.error
    assert log.samples is not None
    by_id = {str(s.id): s for s in log.samples}
    # gemini_ratings.csv, first data row: 63fb73b8e64f455117b045b9 -> m_understood 1, m_practical 7
    value = by_id["63fb73b8e64f455117b045b9"].scores["empathy_ratings"].value  # type: ignore[index]
    assert isinstance(value, dict)
    assert value["m_understood"] == 1
    assert value["m_practical"] == 7
    # expert1_ratings.csv, first data row: m_practical 7
    ref = by_id["63fb73b8e64f455117b045b9"].metadata["reference"]["m_practical"]
    assert ref["expert1"] == 7.0
    # The item without a release rating is rated, but has no reference.
    assert by_id["nonexistent-item-id"].metadata["reference"]["m_practical"] == {}


def test_user_texts_without_any_release_item_are_refused(release_dir: Path, tmp_path: Path) -> None:
    texts = tmp_path / "texts.csv"
    texts.write_text('item_id,transcript\nabc,"Seeker: hi\nSupporter: hello"\n', encoding="utf-8")
    with pytest.raises(TaskConfigError, match="none of the 1 conversations"):
        build_task("perceived_empathy", data_dir=str(release_dir), conversations=str(texts))


@pytest.mark.parametrize("structured", ["schema", "json", "none"])
def test_structured_modes_set_the_response_format(release_dir: Path, structured: str) -> None:
    task = build_task("epitome", data_dir=str(release_dir), structured=structured)
    assert task.metadata is not None and task.metadata["structured"] == structured
    schema = task.config.response_schema
    body = task.config.extra_body
    if structured == "schema":
        assert schema is not None and body is None
        assert list(schema.json_schema.properties or {}) == [
            "level_emotional_reactions",
            "level_interpretations",
            "level_explorations",
        ]
    elif structured == "json":
        assert schema is None
        assert body == {"response_format": {"type": "json_object"}}
    else:
        assert schema is None and body is None
    # The prompt states the format in every mode.
    assert "The keys are: " in str(next(iter(task.dataset)).input)
    with pytest.raises(TaskConfigError, match="structured must be one of"):
        build_task("epitome", data_dir=str(release_dir), structured="xml")


def test_response_schema_holds_equal_properties_once(release_dir: Path) -> None:
    task = build_task("lend_an_ear", data_dir=str(release_dir))
    schema = task.config.response_schema
    assert schema is not None
    properties = schema.json_schema.properties or {}
    assert len(properties) == 6
    assert len({id(p) for p in properties.values()}) == 1  # one object, six names
    # The JSON sent is unchanged: six integer properties on the 1-5 scale, all required.
    sent = json.loads(schema.json_schema.model_dump_json(exclude_none=True))
    assert sent["properties"]["advice_giving"] == {"type": "integer", "enum": [1, 2, 3, 4, 5]}
    assert sent["required"] == list(properties) and sent["additionalProperties"] is False


@pytest.mark.parametrize("structured", ["json", "none"])
def test_replay_without_a_schema_reproduces_published_kappa(
    release_dir: Path, tmp_path: Path, structured: str
) -> None:
    (log,) = inspect_eval(
        TASKS["epitome"](data_dir=str(release_dir), structured=structured),
        model="replay/gemini-2.5-pro",
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    metrics = _metrics(log)
    assert metrics["parse_rate"] == 1.0
    for sub, published in PUBLISHED_EPITOME_GEMINI.items():
        assert round(metrics[f"kappa_{sub}"], 2) == published


def test_unknown_task_parameter_is_refused_with_the_valid_ones(release_dir: Path) -> None:
    with pytest.raises(TaskConfigError) as info:
        TASKS["epitome"](data_dir=str(release_dir), promt="cot", shot=2)
    message = str(info.value)
    assert message.startswith("empathy_judge/epitome: unknown task parameters ")
    assert "'promt' (did you mean 'prompt'?)" in message
    assert "'shot' (did you mean 'shots'?)" in message
    valid = message.split("; valid: ", 1)[1].split(", ")
    for name in ("data_dir", "prompt", "shots", "sub_components", "conversations", "structured"):
        assert name in valid
