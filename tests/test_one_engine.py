"""One engine, one log contract (issue 14): every surface says the same thing for the same ratings.

Two small packs written here — a nominal one (30 items, unweighted Cohen's κ, majority
consensus) and an ordinal one of 8 items (below the engine's minimum for a verdict) — are rated
by two replayed LLM annotators through real Inspect runs. For each, the in-run metric (the log's
results), the report and `compare` must give the same κ and the same like-for-like verdicts;
on the release, `reproduce`'s leave-one-out table agrees with the report too. The log contract:
a run on a pack that differs from another in one expert rating is a different reference
(`compare` exits 2 and says why), and an edited log is refused.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log, write_eval_log
from sklearn.metrics import cohen_kappa_score

from empathy_judge.reports.cli import main
from empathy_judge.reports.compare import compare_paths
from empathy_judge.reports.leaderboard import build_leaderboard
from empathy_judge.reports.logs import LogError, load_runs, read_run
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.panel import consensus_of
from empathy_judge.scorers.verdicts import MIN_VERDICT_ITEMS, VERDICTS

SUBS = ("mode", "stance")
EXPERTS = ("ann1", "ann2", "ann3")
LLMS = ("judge-a", "judge-b")


SUB_LABELS = {"mode": "Reply mode", "stance": "Stance towards the writer"}


def _rubric(level: str, consensus: str, low: int, high: int, framework: str = "") -> str:
    head = f"""\
id = "{framework or f"engine_{level}"}"
title = "Engine test ({level})"
unit = "One reply to a message."
level_of_measurement = "{level}"
consensus = "{consensus}"
"""
    anchors = "\n".join(f'{v} = "Level {v}."' for v in range(low, high + 1))
    subs = [
        f"""
[[sub_components]]
column = "{column}"
label = "{label}"
definition = "What the reply does: {label.lower()}."
scale_min = {low}
scale_max = {high}
polarity = "positive"
[sub_components.anchors]
{anchors}
"""
        for column, label in SUB_LABELS.items()
    ]
    return head + "".join(subs)


def write_pack(
    root: Path,
    *,
    level: str,
    consensus: str,
    n_items: int,
    high: int,
    seed: int,
    framework: str = "",
) -> dict[str, np.ndarray]:
    """A pack of `n_items` items rated by three experts and two LLMs (items × 2 each)."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    rubric = _rubric(level, consensus, 0, high, framework)
    (root / "rubric.toml").write_text(rubric, encoding="utf-8")
    truth = rng.integers(0, high + 1, size=(n_items, 2))

    def noisy(p_keep: float) -> np.ndarray:
        keep = rng.random(truth.shape) < p_keep
        return np.where(keep, truth, rng.integers(0, high + 1, size=truth.shape))

    ratings = {name: noisy(0.75) for name in EXPERTS}
    ratings["judge-a"] = noisy(0.8)
    ratings["judge-b"] = noisy(0.4)
    ids = [f"m{i:02d}" for i in range(n_items)]
    with (root / "conversations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "transcript"])
        for i, item in enumerate(ids):
            writer.writerow([item, f"Seeker: message {i}\nSupporter: reply {i}"])
    with (root / "ratings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "sub_component", "annotator", "group", "rating"])
        for name, values in ratings.items():
            group = "expert" if name in EXPERTS else "llm"
            for i, item in enumerate(ids):
                for j, sub in enumerate(SUBS):
                    writer.writerow([item, sub, name, group, int(values[i, j])])
    return ratings


def _run(root: Path, model: str, log_dir: Path) -> EvalLog:
    (log,) = inspect_eval(
        "empathy_judge/custom",
        task_args={"framework": str(root)},
        model=f"replay/{model}",
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success", log.error
    return log


def _logged(log: EvalLog) -> dict[str, float]:
    assert log.results is not None
    return {k: float(v.value) for k, v in log.results.scores[0].metrics.items()}


PackCase = tuple[Path, dict[str, np.ndarray], dict[str, EvalLog]]


@pytest.fixture(scope="module", params=["nominal", "eight_items"])
def pack_case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> PackCase:
    base = tmp_path_factory.mktemp(f"engine-{request.param}")
    if request.param == "nominal":
        ratings = write_pack(
            base / "pack", level="nominal", consensus="majority", n_items=30, high=3, seed=3
        )
    else:
        ratings = write_pack(
            base / "pack", level="ordinal", consensus="median", n_items=8, high=2, seed=5
        )
    logs = {m: _run(base / "pack", m, base / "logs" / m) for m in LLMS}
    return base / "pack", ratings, logs


def test_the_log_the_report_and_compare_agree(pack_case: PackCase) -> None:
    root, _, logs = pack_case
    framework = read_run(logs["judge-a"].location).framework
    board = build_leaderboard(
        load_runs([root.parent / "logs"]), settings=BootstrapSettings(n_resamples=2000)
    )
    [section] = board.sections
    comparison = compare_paths(logs["judge-b"].location, logs["judge-a"].location)
    base_side, cand_side = comparison.assessments[framework]
    for model, engine in (("judge-a", cand_side), ("judge-b", base_side)):
        logged = _logged(logs[model])
        result = section.result(f"replay/{model}")
        assert result.assessment is not None
        counts = dict.fromkeys(VERDICTS, 0)
        for sub in SUBS:
            reported = result.assessment.result(sub)
            compared = engine.result(sub)
            # κ against the consensus: the same number in the log, the report and compare.
            assert logged[f"kappa_{sub}"] == pytest.approx(reported.kappa.value, abs=1e-12)
            assert compared.kappa.value == pytest.approx(reported.kappa.value, abs=1e-12)
            assert compared.difference.low == pytest.approx(reported.difference.low, abs=1e-12)
            assert compared.verdict == reported.verdict == result.verdicts[sub]
            counts[reported.verdict] += 1
        assert logged["n_at_expert_level"] == counts["above"] + counts["at"]
        assert logged["n_below"] == counts["below"]
        assert logged["n_inconclusive"] == counts["inconclusive"] + counts["not assessed"]
        assert logged["kappa"] == pytest.approx(result.assessment.mean_kappa.value, abs=1e-12)
        assert logged["loo_low"] == pytest.approx(engine.mean_difference.low, abs=1e-12)
    # The gate's κ is the engine's κ for the pack's level of measurement.
    for column, (_, sub) in zip(comparison.gate.columns, comparison.columns, strict=True):
        assert column.candidate_kappa == pytest.approx(cand_side.result(sub).kappa.value)
        assert column.baseline_kappa == pytest.approx(base_side.result(sub).kappa.value)


def test_nominal_kappa_is_cohens_against_the_majority(pack_case: PackCase) -> None:
    root, ratings, logs = pack_case
    if "nominal" not in str(root):
        pytest.skip("the nominal pack only")
    experts = np.stack([ratings[e] for e in EXPERTS], axis=2).astype(float)
    majority = consensus_of(experts, "majority", 1)
    logged = _logged(logs["judge-a"])
    for j, sub in enumerate(SUBS):
        keep = ~np.isnan(majority[:, j])
        # scikit-learn's unweighted κ is the oracle (a quadratic κ would differ here).
        expected = cohen_kappa_score(majority[keep, j], ratings["judge-a"][keep, j].astype(float))
        quadratic = cohen_kappa_score(
            majority[keep, j], ratings["judge-a"][keep, j].astype(float), weights="quadratic"
        )
        assert logged[f"kappa_{sub}"] == pytest.approx(expected)
        assert not math.isclose(expected, quadratic, abs_tol=1e-6)


def test_eight_items_are_inconclusive_everywhere(pack_case: PackCase) -> None:
    root, _, logs = pack_case
    if "nominal" in str(root):
        pytest.skip("the 8-item pack only")
    assert MIN_VERDICT_ITEMS > 8
    for log in logs.values():
        logged = _logged(log)
        assert logged["n_at_expert_level"] == 0 and logged["n_below"] == 0
        assert logged["n_inconclusive"] == len(SUBS)
    comparison = compare_paths(logs["judge-b"].location, logs["judge-a"].location)
    verdicts = {c.verdict for c in comparison.gate.columns} | {
        g.verdict for g in comparison.gate.groups
    }
    assert verdicts == {"inconclusive"}


def test_reproduce_agrees_with_the_report(release_dir: Path, replay_logs_dir: Path) -> None:
    from empathy_judge.datasets.release import load_ratings
    from empathy_judge.reports.reproduce import assessments, leave_one_out_table

    table = leave_one_out_table(
        assessments(load_ratings(release_dir), settings=BootstrapSettings(n_resamples=2000))
    )
    board = build_leaderboard(
        load_runs([replay_logs_dir]), settings=BootstrapSettings(n_resamples=2000)
    )
    section = board.section("epitome")
    result = section.result("replay/gemini-2.5-pro")
    assert result.assessment is not None
    rows = table[(table["framework"] == "epitome") & (table["annotator"] == "gemini-2.5-pro")]
    assert len(rows) == 3
    for row in rows.itertuples():
        sub = result.assessment.result(str(row.sub_component))
        assert sub.difference.value == pytest.approx(row.difference, abs=1e-12)
        assert sub.difference.low == pytest.approx(row.lower, abs=1e-12)
        assert sub.verdict == row.verdict


# -- the log contract ---------------------------------------------------------------------------


def test_compare_refuses_runs_on_packs_that_differ_in_one_expert_rating(
    tmp_path: Path,
) -> None:
    first = tmp_path / "first"
    write_pack(first, level="ordinal", consensus="median", n_items=20, high=2, seed=11)
    second = tmp_path / "second"
    shutil.copytree(first, second)
    lines = (second / "ratings.csv").read_text(encoding="utf-8").splitlines()
    # Change one expert rating on an item both runs rate: m05, mode, ann2.
    row = next(i for i, line in enumerate(lines) if line.startswith("m05,mode,ann2,"))
    old = int(lines[row].rsplit(",", 1)[1])
    lines[row] = f"m05,mode,ann2,expert,{(old + 1) % 3}"
    (second / "ratings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    a = _run(first, "judge-a", tmp_path / "logs-first")
    b = _run(second, "judge-a", tmp_path / "logs-second")
    assert read_run(a.location).fingerprint != read_run(b.location).fingerprint
    result = CliRunner().invoke(main, ["compare", a.location, b.location, "--format", "json"])
    assert result.exit_code == 2, result.output
    assert "not comparable" in result.output
    assert "m05" in result.output and "mode" in result.output and "ann2" in result.output
    assert "own reference" in result.output


def _tamper(source: str, target: Path, change: Any) -> Path:
    log = read_eval_log(source)
    change(log)
    write_eval_log(log, str(target))
    return target


def test_edited_logs_are_refused(pack_case: PackCase, tmp_path: Path) -> None:
    _, _, logs = pack_case
    source = logs["judge-a"].location

    def expert_rating(log: EvalLog) -> None:
        sample = (log.samples or [])[0]
        reference = (sample.metadata or {})["reference"]
        reference["mode"]["ann1"] = float(reference["mode"]["ann1"]) + 1.0

    def panel(log: EvalLog) -> None:
        metadata = dict(log.eval.metadata or {})
        metadata["panel"] = {**metadata["panel"], "raters": ["ann1", "ann2"]}
        log.eval.metadata = metadata

    def no_contract(log: EvalLog) -> None:
        log.eval.metadata = {
            k: v for k, v in (log.eval.metadata or {}).items() if k != "log_contract"
        }

    def newer_contract(log: EvalLog) -> None:
        log.eval.metadata = {**(log.eval.metadata or {}), "log_contract": 99}

    expected = {
        "expert_rating": "differ from those the task recorded",
        "panel": "does not match the log's panel description",
        "no_contract": "no empathy-judge log contract",
        "newer_contract": "log contract version 99",
    }
    changes = {
        "expert_rating": expert_rating,
        "panel": panel,
        "no_contract": no_contract,
        "newer_contract": newer_contract,
    }
    for name, change in changes.items():
        path = _tamper(source, tmp_path / f"{name}.eval", change)
        with pytest.raises(LogError, match=r"edited|contract") as caught:
            read_run(path)
        message = str(caught.value)
        assert str(path) in message and expected[name] in message
        assert "\n" not in message
    # The report skips them with the reason, and the untouched run is reported.
    runs = load_runs([tmp_path, source])
    assert len(runs.runs) == 1 and len(runs.skipped) == len(changes)


def test_the_log_carries_titles_and_labels(pack_case: PackCase) -> None:
    _, _, logs = pack_case
    log = logs["judge-a"]
    metadata = log.eval.metadata or {}
    assert metadata["log_contract"] == 1
    assert [e["label"] for e in metadata["rubric"]] == list(SUB_LABELS.values())
    run = read_run(log.location)
    assert run.title.startswith("Engine test (")
    board = build_leaderboard(load_runs([log.location]), settings=BootstrapSettings(n_resamples=50))
    section = board.sections[0]
    assert section.title == run.title
    assert section.sub_component_labels == SUB_LABELS
    assert json.loads(json.dumps(metadata["reference_hashes"]))["sub_components"] == list(SUBS)


def test_a_pack_reusing_a_packaged_id_keeps_its_own_title_and_labels(
    tmp_path: Path, replay_logs_dir: Path
) -> None:
    write_pack(
        tmp_path / "mine",
        level="ordinal",
        consensus="median",
        n_items=12,
        high=2,
        seed=2,
        framework="epitome",
    )
    mine = _run(tmp_path / "mine", "judge-a", tmp_path / "logs")
    runs = load_runs([replay_logs_dir, mine.location])
    board = build_leaderboard(runs, settings=BootstrapSettings(n_resamples=50))
    released = board.section("epitome")
    ours = board.section("epitome#2")
    assert released.title == "EPITOME"
    assert ours.title == "Engine test (ordinal) (reference 2)"
    assert ours.sub_component_labels["mode"] == "Reply mode"
    assert "replay/judge-a" in [r.label for r in ours.results]
