"""The registry of shown per-sub-component statistics: one entry reaches every surface."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from inspect_ai.analysis import evals_df

from empathy_judge.evals.tasks import TASKS
from empathy_judge.reports.cli.report import report
from empathy_judge.reports.compare import compare_paths
from empathy_judge.reports.compare_output import comparison_json
from empathy_judge.reports.inspect_frames import columns, sub_component_figures
from empathy_judge.scorers import shown_statistics as registry
from empathy_judge.scorers.agreement import SubComponentResult
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.shown_statistics import (
    Group,
    Statistic,
    report_groups,
    shown_statistics,
)
from empathy_judge.scorers.verdicts import Estimate

GEMINI = "replay/gemini-2.5-pro"
DEGRADED = "replay/gemini-2.5-pro[shuffle_seed=1]"


def test_log_metric_names_are_the_ones_readers_rely_on() -> None:
    # kappa_<sub> and loo_<sub> are read by inspect_frames, evals_df users and old notebooks.
    assert [s.log_metric for s in shown_statistics("log")] == ["kappa", "loo"]
    assert [s.key for s in shown_statistics("compare")] == ["n_items", "kappa", "difference"]
    assert [g.key for g in report_groups()] == [
        "leave_one_out",
        "expert_swap",
        "kappa_vs_consensus",
    ]


def test_each_report_table_has_at_most_one_interval_and_unique_fields() -> None:
    # A table's row writes an interval as "lower"/"upper" after its statistic: two would clash.
    for group in report_groups():
        statistics = registry.group_statistics(group)
        assert sum(s.interval for s in statistics) <= 1, group.key
        keys = [s.key for s in statistics]
        assert len(keys) == len(set(keys)) and not {"sub_component", "lower", "upper"} & set(keys)


def _one_minus_kappa(result: SubComponentResult) -> Estimate:
    kappa = result.kappa
    return Estimate(1.0 - kappa.value, 1.0 - kappa.high, 1.0 - kappa.low)


#: The new statistic of the extension test: 1 − κ against the consensus, with its interval
#: flipped; every surface shows it.
DISAGREEMENT = Statistic(
    "disagreement",
    "1 − κ",
    "One minus κ against the consensus",
    _one_minus_kappa,
    signed=True,
    digits=3,
    group=Group("disagreement", "Disagreement"),
    log_metric="disagreement",
    summary=True,
    compare_field="disagreement",
)


@pytest.fixture(scope="module")
def extended(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Logs, a report and a comparison made with `DISAGREEMENT` added to the registry."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry, "STATISTICS", (*registry.STATISTICS, DISAGREEMENT))
        logs = tmp_path_factory.mktemp("extended-logs")
        made = {}
        for args in ({}, {"shuffle_seed": 1}):
            (log,) = inspect_eval(
                TASKS["epitome"](data_dir=str(release_dir)),
                model=GEMINI,
                model_args=args,
                log_dir=str(logs),
                display="none",
                limit=20,
            )
            assert log.status == "success"
            made[bool(args)] = log
        out = tmp_path_factory.mktemp("extended-report")
        result = CliRunner().invoke(report, [str(logs), "--out", str(out), "--resamples", "200"])
        assert result.exit_code == 0, result.output
        comparison = comparison_json(
            compare_paths(
                f"{logs}:{GEMINI}",
                f"{logs}:{DEGRADED}",
                settings=BootstrapSettings(n_resamples=200),
            )
        )
        frames = sub_component_figures(evals_df(str(logs)))
        frame_columns = columns()
    return made[False], out, comparison, frames, frame_columns


def test_a_new_statistic_is_in_the_log_metric(extended: Any) -> None:
    log = extended[0]
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    subs = log.eval.metadata["sub_components"]
    assert subs
    for sub in subs:
        assert metrics[f"disagreement_{sub}"] == pytest.approx(1.0 - metrics[f"kappa_{sub}"])
    frames, frame_columns = extended[3], extended[4]
    assert frame_columns[-2:] == ("disagreement", "parse_rate")
    gemini = frames[frames["log"].str.endswith(Path(log.location).name)]
    for row in gemini.to_dict("records"):
        assert row["disagreement"] == pytest.approx(1.0 - row["kappa"])
        assert row["disagreement"] == pytest.approx(metrics[f"disagreement_{row['sub_component']}"])


def _run_assessment(results: dict[str, Any], label: str) -> dict[str, Any]:
    (run,) = [r for r in results["frameworks"]["epitome"]["runs"] if r["label"] == label]
    assessment: dict[str, Any] = run["assessment"]
    return assessment


def test_a_new_statistic_is_in_the_report(extended: Any) -> None:
    log, out = extended[0], extended[1]
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assessment = _run_assessment(results, GEMINI)
    kappas = {r["sub_component"]: r for r in assessment["kappa_vs_consensus"]}
    rows = assessment["disagreement"]
    assert [r["sub_component"] for r in rows] == list(kappas)
    for row in rows:
        kappa = kappas[row["sub_component"]]
        assert row["disagreement"] == pytest.approx(1.0 - kappa["kappa"])
        assert row["lower"] == pytest.approx(1.0 - kappa["upper"])
        assert row["upper"] == pytest.approx(1.0 - kappa["lower"])
        # The report's point estimate is the in-run metric's: same ratings, same κ.
        assert row["disagreement"] == pytest.approx(metrics[f"disagreement_{row['sub_component']}"])
    markdown = (out / "leaderboard.md").read_text(encoding="utf-8")
    assert "One minus κ against the consensus per sub-component [interval]:" in markdown
    first = rows[0]
    cell = f"{first['disagreement']:+.3f} [{first['lower']:+.3f}, {first['upper']:+.3f}]"
    assert cell.replace("-", "−") in markdown
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<h4>Disagreement</h4>" in html
    assert f"1 − κ {cell.replace('-', '−')}" in html


def test_a_new_statistic_is_in_compare(extended: Any) -> None:
    comparison = extended[2]
    (framework,) = comparison["assessments"]
    for role in ("baseline", "candidate"):
        subs = framework[role]["sub_components"]
        assert subs
        for sub in subs:
            kappa, new = sub["kappa"], sub["disagreement"]
            assert list(sub) == [
                *("sub_component", "n_items", "kappa", "loo_difference"),
                *("disagreement", "verdict"),
            ]
            assert new["value"] == pytest.approx(1.0 - kappa["value"])
            assert new["low"] == pytest.approx(1.0 - kappa["high"])
            assert new["high"] == pytest.approx(1.0 - kappa["low"])
    # The degraded candidate disagrees more than the baseline on average.
    means = [
        sum(s["disagreement"]["value"] for s in framework[role]["sub_components"])
        for role in ("baseline", "candidate")
    ]
    assert means[1] > means[0] and all(math.isfinite(m) for m in means)
