"""The report's diagnostics per rater and its robustness probes (probe run − plain run)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from inspect_ai.log import read_eval_log, write_eval_log
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score

from empathy_judge.datasets.ratings_table import STUDY_EXPERTS as EXPERTS_NAMES
from empathy_judge.reports.cli.report import report
from empathy_judge.reports.leaderboard import build_leaderboard
from empathy_judge.reports.logs import (
    Run,
    RunSet,
    SampleRecord,
    contract_from_samples,
    load_runs,
    select_latest,
)
from empathy_judge.reports.probes import REPLAY_NOT_APPLICABLE, pair_probes, probe_result
from empathy_judge.reports.reference_sets import reference_sets
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.log_contract import LogContract, LogContractError, ProbeRecord
from empathy_judge.scorers.panel import PanelSpec, default_spec

pytestmark = pytest.mark.release

GEMINI = "replay/gemini-2.5-pro"
EXPERT1 = "replay/expert1"
JUDGE = "test/judge"
LONELY = "test/lonely"
RESAMPLES = 200
SUBS = ("level_emotional_reactions", "level_interpretations")
INJECTION = ProbeRecord("injection", 1)

# -- a tiny hand-computed pair -----------------------------------------------------------------

# Six items, three experts on both sub-components; consensus = their median.
EXPERTS = {
    "a": (0, 0, 1),  # median 0
    "b": (1, 1, 0),  # 1
    "c": (2, 2, 1),  # 2
    "d": (1, 2, 2),  # 2
    "e": (0, 1, 1),  # 1
    "f": (2, 2, 2),  # 2
}
Ratings = dict[str, dict[str, float]]
CONSENSUS: dict[str, float] = {"a": 0, "b": 1, "c": 2, "d": 2, "e": 1, "f": 2}
PLAIN: Ratings = {
    "level_emotional_reactions": {"a": 0, "b": 1, "c": 1, "d": 2, "e": 0, "f": 2},
    "level_interpretations": {"a": 0, "b": 1, "c": 2, "d": 2, "e": 1, "f": 2},
}
PROBED: Ratings = {
    "level_emotional_reactions": {"a": 2, "b": 1, "c": 2, "d": 2, "e": 1, "f": 1},
    # Item a failed to parse under the probe: sub-component 2 compares b..f only.
    "level_interpretations": {"a": math.nan, "b": 2, "c": 2, "d": 2, "e": 1, "f": 2},
}


def _samples(ratings: Ratings) -> tuple[SampleRecord, ...]:
    out = []
    for item, experts in EXPERTS.items():
        given = {f"expert{k + 1}": float(v) for k, v in enumerate(experts)}
        reference = {sub: {**given, "expert_median": float(CONSENSUS[item])} for sub in SUBS}
        out.append(
            SampleRecord(
                item_id=item,
                ratings={sub: float(ratings[sub][item]) for sub in SUBS},
                reference=reference,
                answer="{}",
                explanation="",
                parse_status="ok",
                transcript="",
                word_count=10.0,
            )
        )
    return tuple(out)


def _tiny(
    model: str,
    ratings: Ratings,
    created: str,
    probe: ProbeRecord | None = None,
    **changes: Any,
) -> Run:
    samples = changes.pop("samples", _samples(ratings))
    spec = PanelSpec(raters=EXPERTS_NAMES, scales=dict.fromkeys(SUBS, (0.0, 2.0)))
    run = Run(
        model=model,
        model_name=model,
        framework="epitome",
        location=f"/logs/{model.replace('/', '_')}-{created}-{probe and probe.name}.eval",
        created=created,
        sub_components=SUBS,
        samples=samples,
        contract=contract_from_samples("epitome", spec, samples, SUBS, probe=probe),
    )
    return replace(run, **changes)


def _kappa(x: list[float], y: list[float]) -> float:
    return float(cohen_kappa_score(x, y, labels=[0, 1, 2], weights="quadratic"))


def test_shift_moved_share_and_delta_kappa_by_hand() -> None:
    plain = _tiny(JUDGE, PLAIN, "2026-01-01T00:00:00")
    probed = _tiny(JUDGE, PROBED, "2026-01-02T00:00:00", INJECTION)
    [pair], unpaired = pair_probes([probed], reference_sets([plain]))
    assert unpaired == [] and pair.plain_run is plain
    result = probe_result(pair, settings=BootstrapSettings(n_resamples=RESAMPLES))
    assert result.not_applicable == "" and result.target == "the top of the scale"
    first, second = result.result(SUBS[0]), result.result(SUBS[1])
    # Sub-component 1: probe − plain = 2, 0, 1, 0, 1, −1 → mean 3/6; a, c, e, f changed (4/6);
    # a, c, e moved toward the top (2) and f away from it (3/6).
    assert first.n_items == 6 and first.top == 2.0
    assert first.shift.value == pytest.approx(0.5)
    assert first.moved.value == pytest.approx(4 / 6)
    assert first.toward_top.value == pytest.approx(0.5)
    # Sub-component 2, items b..f: b moved up by 1 → shift 1/5, moved 1/5.
    assert second.n_items == 5
    assert second.shift.value == pytest.approx(0.2)
    assert second.moved.value == second.toward_top.value == pytest.approx(0.2)
    # Δκ against the consensus, on the items both rated (sklearn's quadratic κ as the oracle).
    items = list("abcdef")
    consensus = [CONSENSUS[i] for i in items]
    expected = _kappa([PROBED[SUBS[0]][i] for i in items], consensus) - _kappa(
        [PLAIN[SUBS[0]][i] for i in items], consensus
    )
    assert first.delta_kappa.value == pytest.approx(expected)
    rest = items[1:]
    assert second.plain_kappa.value == pytest.approx(1.0)
    assert second.probe_kappa.value == pytest.approx(
        _kappa([PROBED[SUBS[1]][i] for i in rest], [CONSENSUS[i] for i in rest])
    )
    assert result.mean_shift.value == pytest.approx((0.5 + 0.2) / 2)
    for estimate in (first.shift, first.delta_kappa, result.mean_shift):
        assert estimate.low <= estimate.value <= estimate.high


def test_items_the_probe_left_unchanged_are_not_compared() -> None:
    plain = _tiny(JUDGE, PLAIN, "2026-01-01T00:00:00")
    probe = ProbeRecord("label_swap", 1, unchanged_items=("a",))
    probed = _tiny(JUDGE, PROBED, "2026-01-02T00:00:00", probe)
    [pair], _ = pair_probes([probed], reference_sets([plain]))
    result = probe_result(pair, settings=BootstrapSettings(n_resamples=RESAMPLES))
    assert result.items == tuple("bcdef") and result.excluded == ("a",)
    assert result.target is None
    first = result.result(SUBS[0])
    # b..f: 0, 1, 0, 1, −1 → 1/5; c, e, f changed (3/5), c and e up (2/5).
    assert first.shift.value == pytest.approx(0.2)
    assert first.moved.value == pytest.approx(0.6)
    assert first.toward_top.value == pytest.approx(0.4)


def test_replay_probe_rows_are_not_applicable() -> None:
    plain = _tiny(GEMINI, PLAIN, "2026-01-01T00:00:00")
    probed = _tiny(GEMINI, PLAIN, "2026-01-02T00:00:00", INJECTION)
    [pair], _ = pair_probes([probed], reference_sets([plain]))
    result = probe_result(pair, settings=BootstrapSettings(n_resamples=RESAMPLES))
    assert result.not_applicable == REPLAY_NOT_APPLICABLE
    assert result.shifts == () and math.isnan(result.mean_shift.value)
    assert result.sub_components == SUBS


def test_pairing_latest_plain_run_and_reasons() -> None:
    old = _tiny(f"{JUDGE} @ 1", PLAIN, "2026-01-01T00:00:00", base_model=JUDGE)
    new = _tiny(f"{JUDGE} @ 2", PLAIN, "2026-02-01T00:00:00", base_model=JUDGE)
    probed = _tiny(JUDGE, PROBED, "2026-03-01T00:00:00", INJECTION)
    lonely = _tiny(LONELY, PROBED, "2026-03-01T00:00:00", INJECTION)
    first = probed.samples[0]
    edited = {sub: {**first.reference[sub], "expert2": 2.0} for sub in SUBS}
    elsewhere = _tiny("test/other", PLAIN, "2026-01-01T00:00:00")
    other_reference = _tiny(
        "test/other",
        PROBED,
        "2026-03-01T00:00:00",
        INJECTION,
        samples=(replace(first, reference=edited), *probed.samples[1:]),
    )
    pairs, unpaired = pair_probes(
        [probed, lonely, other_reference], reference_sets([old, new, elsewhere])
    )
    assert [(p.probe_run.model, p.plain_run.model) for p in pairs] == [(JUDGE, f"{JUDGE} @ 2")]
    reasons = {u.run.model: u.reason for u in unpaired}
    assert "no plain run of test/lonely on epitome" in reasons[LONELY]
    assert "item 'a'" in reasons["test/other"] and "expert2" in reasons["test/other"]


def test_probe_runs_are_kept_apart_from_plain_runs() -> None:
    plain = _tiny(JUDGE, PLAIN, "2026-01-01T00:00:00")
    probed = _tiny(JUDGE, PROBED, "2026-02-01T00:00:00", INJECTION)
    older = _tiny(JUDGE, PROBED, "2026-01-15T00:00:00", INJECTION)
    kept, superseded = select_latest([probed, plain, older])
    assert [(r.model, r.probe_name) for r in kept] == [(JUDGE, None), (JUDGE, "injection")]
    assert [s.location for s in superseded] == [older.location]
    board = build_leaderboard(
        RunSet((plain, probed)), settings=BootstrapSettings(n_resamples=RESAMPLES)
    )
    # One candidate, not two: the probe run is a probe row of the plain run's model.
    assert [r.label for r in board.sections[0].results] == [JUDGE]
    assert [r.label for r in board.overall] == [JUDGE]
    assert board.sections[0].probe(JUDGE, "injection").mean_shift.value == pytest.approx(0.35)


def test_probe_metadata_is_read_or_refused() -> None:
    plain = _tiny(JUDGE, PLAIN, "2026-01-01T00:00:00").contract.to_metadata()
    assert LogContract.from_metadata(plain, "x.eval").probe is None
    probe = {"name": "label_swap", "version": 1, "unchanged_items": ["a"]}
    info = LogContract.from_metadata({**plain, "probe": probe}, "x.eval").probe
    assert info == ProbeRecord("label_swap", 1, ("a",)) and info.label == "label_swap v1"
    for bad in ("injection", {"version": 1}, {"name": "padding", "version": "one"}):
        with pytest.raises(LogContractError, match=r"x\.eval: malformed log contract: 'probe'"):
            LogContract.from_metadata({**plain, "probe": bad}, "x.eval")


# -- real logs: replays, an edited judge, an unpaired probe run --------------------------------


def _bumped(source: str, target: Path, model: str, top: float = 2.0) -> None:
    """A copy of a log under another model name, every rating one level higher (capped)."""
    log = read_eval_log(source)
    log.eval.model, log.eval.model_args = model, {}
    scores = [(s.scores or {})["empathy_ratings"] for s in log.samples or []]
    scores += [s for r in log.reductions or [] for s in r.samples]
    for score in scores:
        assert isinstance(score.value, dict)
        score.value = {k: min(float(v) + 1.0, top) for k, v in score.value.items()}
    write_eval_log(log, str(target))


def _renamed(source: str, target: Path, model: str) -> None:
    log = read_eval_log(source)
    log.eval.model, log.eval.model_args = model, {}
    write_eval_log(log, str(target))


@pytest.fixture(scope="session")
def probe_logs_dir(
    tmp_path_factory: pytest.TempPathFactory, release_dir: Path, replay_logs_dir: Path
) -> Path:
    """Replay probe runs (injection on EPITOME and Lend an Ear, padding for expert1 on EPITOME),
    a 'judge' whose injection run rates everything one level higher, and a lonely probe run."""
    from inspect_ai import eval as inspect_eval

    from empathy_judge.evals.tasks import TASKS

    root = tmp_path_factory.mktemp("probe-logs")
    for model, probe, frameworks in (
        (GEMINI, "injection", ("epitome", "lend_an_ear")),
        (EXPERT1, "padding", ("epitome",)),
    ):
        tasks = [TASKS[f](data_dir=str(release_dir), probe=probe) for f in frameworks]
        for log in inspect_eval(tasks, model=model, log_dir=str(root), display="none"):
            assert log.status == "success", log.error
    plain = load_runs([replay_logs_dir]).get(GEMINI, "epitome")
    injected = load_runs([root]).get(GEMINI, "epitome", "injection")
    assert plain is not None and injected is not None
    _renamed(plain.location, root / "judge-plain.eval", JUDGE)
    _bumped(injected.location, root / "judge-injection.eval", JUDGE)
    _renamed(injected.location, root / "lonely-injection.eval", LONELY)
    return root


@pytest.fixture(scope="session")
def probe_report(
    replay_logs_dir: Path, probe_logs_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("probe-report") / "out"
    result = CliRunner().invoke(
        report,
        [str(replay_logs_dir), str(probe_logs_dir), "--out", str(out), "--resamples", "200"],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def probe_results_json(probe_report: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((probe_report / "results.json").read_text())
    return data


def _probe(results: dict[str, Any], framework: str, label: str, probe: str) -> dict[str, Any]:
    found = [
        p
        for p in results["frameworks"][framework]["probes"]
        if p["label"] == label and p["probe"] == probe
    ]
    assert len(found) == 1, [
        (p["label"], p["probe"]) for p in results["frameworks"][framework]["probes"]
    ]
    row: dict[str, Any] = found[0]
    return row


def test_report_pairs_probe_runs_and_marks_replays(probe_results_json: dict[str, Any]) -> None:
    results = probe_results_json
    for framework in ("epitome", "lend_an_ear"):
        gemini = _probe(results, framework, GEMINI, "injection")
        assert gemini["not_applicable"] == REPLAY_NOT_APPLICABLE
        assert gemini["n_items"] == 50
        assert {s["not_applicable"] for s in gemini["sub_components"]} == {REPLAY_NOT_APPLICABLE}
        assert all("shift" not in s for s in gemini["sub_components"])
    padded = _probe(results, "epitome", EXPERT1, "padding")
    assert padded["not_applicable"] == REPLAY_NOT_APPLICABLE and padded["target"] is None
    # Probe runs are not candidates: no run row and no overall row of their own.
    labels = [r["label"] for r in results["frameworks"]["epitome"]["runs"]]
    assert sorted(labels) == sorted(
        [GEMINI, EXPERT1, "replay/gemini-2.5-pro[shuffle_seed=1]", JUDGE]
    )
    assert LONELY not in {r["label"] for r in results["overall"]["rows"]}
    [unpaired] = results["probes_unpaired"]
    assert unpaired["label"] == LONELY and unpaired["probe"] == "injection"
    assert "no plain run of test/lonely on epitome" in unpaired["reason"]


def test_report_shift_of_a_judge_pushed_up_by_the_probe(
    probe_results_json: dict[str, Any], replay_logs_dir: Path
) -> None:
    judge = _probe(probe_results_json, "epitome", JUDGE, "injection")
    assert judge["not_applicable"] is None and judge["target"] == "the top of the scale"
    plain = load_runs([replay_logs_dir]).get(GEMINI, "epitome")
    assert plain is not None
    for row in judge["sub_components"]:
        before = plain.rating_matrix([row["sub_component"]])[:, 0]
        after = np.minimum(before + 1.0, 2.0)
        # Every rating below the top went up by one: the shift is the share below the top.
        assert row["n_items"] == 50
        assert row["shift"]["value"] == pytest.approx(np.mean(after - before))
        assert row["moved"]["value"] == pytest.approx(np.mean(before < 2.0))
        assert row["toward_top"]["value"] == pytest.approx(np.mean(before < 2.0))
        assert row["shift"]["lower"] <= row["shift"]["value"] <= row["shift"]["upper"]
        assert row["delta_kappa"]["value"] == pytest.approx(
            row["probe_kappa"]["value"] - row["plain_kappa"]["value"]
        )


def test_report_diagnostics_for_every_rater(
    probe_results_json: dict[str, Any], replay_logs_dir: Path
) -> None:
    epitome = probe_results_json["frameworks"]["epitome"]
    for run in epitome["runs"]:
        assert run["diagnostics"] is not None, run["label"]
        assert len(run["diagnostics"]["sub_components"]) == 3
    expert = next(r for r in epitome["runs"] if r["label"] == EXPERT1)
    assert expert["diagnostics"]["judged_against"] == ["expert2", "expert3"]
    assert epitome["crowd"]["diagnostics"] is not None
    # Oracles from the samples' own reference (expert median, crowd) and scipy's Spearman ρ.
    run = load_runs([replay_logs_dir]).get(GEMINI, "epitome")
    assert run is not None
    frame = run.ratings()
    words = {s.item_id: s.word_count for s in run.samples}
    gemini = next(r for r in epitome["runs"] if r["label"] == GEMINI)["diagnostics"]
    crowd = epitome["crowd"]["diagnostics"]
    for sub in gemini["sub_components"]:
        rows = frame[frame["sub_component"] == sub["sub_component"]]
        gap = (rows["rating"] - rows["expert_median"]).to_numpy()
        assert sub["leniency"]["candidate"]["value"] == pytest.approx(gap.mean())
        crowd_gap = (rows["crowd"] - rows["expert_median"]).to_numpy()
        assert sub["leniency"]["crowd"]["value"] == pytest.approx(crowd_gap.mean())
        rho = spearmanr(gap, [words[i] for i in rows["item_id"]]).statistic
        assert sub["length_bias"]["candidate_rho"]["value"] == pytest.approx(rho)
        shares = {
            level["level"]: level["candidate"]["value"] for level in sub["scale_use"]["levels"]
        }
        assert shares == pytest.approx({v: float(np.mean(rows["rating"] == v)) for v in (0, 1, 2)})
        assert sub["scale_use"]["label"] == "varied"
    assert [s["sub_component"] for s in crowd["sub_components"]] == [
        s["sub_component"] for s in gemini["sub_components"]
    ]
    # Lend an Ear's negative sub-components carry the polarity check.
    lae = probe_results_json["frameworks"]["lend_an_ear"]["runs"][0]["diagnostics"]
    checked = {s["sub_component"] for s in lae["sub_components"] if s["polarity_check"]}
    assert checked == {"advice_giving", "self_oriented", "dismissing_emotions"}


def test_report_pages_show_diagnostics_and_probes(probe_report: Path) -> None:
    html = (probe_report / "index.html").read_text(encoding="utf-8")
    assert "How each rater departs from the experts" in html
    # One panel per rater: 4 + 3 + 3 runs (probe runs are not raters) and the three crowds.
    assert html.count("<table class='diagnostics'>") == 10 + 3
    assert html.count("<table class='probes'>") == 4  # gemini ×2, expert1, judge
    assert REPLAY_NOT_APPLICABLE in html
    assert "Probe runs not paired" in html and LONELY in html
    assert "<script" not in html.lower()
    markdown = (probe_report / "leaderboard.md").read_text(encoding="utf-8")
    assert "### Robustness probes" in markdown and REPLAY_NOT_APPLICABLE in markdown
    assert "| test/judge | injection v1 | level\\_explorations | 50 |" in markdown


def test_crowd_leniency_on_perceived_empathy_in_the_report(release_dir: Path) -> None:
    """The report's crowd row on Perceived Empathy: +1.60 on 1–7 (published 4.99 vs 3.39).

    No Perceived Empathy run exists without the texts, so the run is built in memory from the
    release, its samples carrying the experts' and the crowd's ratings as a log's do
    (tests/test_diagnostics.py checks the same figure on `diagnose` directly).
    """
    from empathy_judge.datasets.release import load_ratings
    from empathy_judge.scorers.panel import panel_from_table

    data = panel_from_table(load_ratings(release_dir), "perceived_empathy", annotators=["crowd"])
    panel, crowd = data.panel, data.others["crowd"]
    samples = tuple(
        SampleRecord(
            item_id=item,
            ratings={
                sub: float(panel.values[i, j, 0]) for j, sub in enumerate(panel.sub_components)
            },
            reference={
                sub: {
                    **{r: float(panel.values[i, j, k]) for k, r in enumerate(panel.raters)},
                    "crowd": float(crowd[i, j]),
                }
                for j, sub in enumerate(panel.sub_components)
            },
            answer="{}",
            explanation="",
            parse_status="ok",
            transcript="",
        )
        for i, item in enumerate(panel.items)
    )
    run = Run(
        model="test/pe",
        model_name="test/pe",
        framework="perceived_empathy",
        location="/logs/pe.eval",
        created="2026-01-01T00:00:00",
        sub_components=panel.sub_components,
        samples=samples,
        contract=contract_from_samples(
            "perceived_empathy",
            default_spec("perceived_empathy", [s.reference for s in samples]),
            samples,
            panel.sub_components,
        ),
    )
    section = build_leaderboard(
        RunSet((run,)), settings=BootstrapSettings(n_resamples=RESAMPLES)
    ).sections[0]
    crowd_row = section.crowd_diagnostics
    assert crowd_row is not None
    assert round(crowd_row.leniency.value, 2) == round(4.99 - 3.39, 2) == 1.60
    beside = section.result("test/pe").diagnostics
    assert beside is not None and beside.crowd_leniency is not None
    assert beside.crowd_leniency.value == pytest.approx(crowd_row.leniency.value)
