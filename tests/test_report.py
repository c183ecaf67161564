"""`empathy-judge report`: like-for-like verdicts and ranks from the logs, files, hardening."""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from empathy_judge.datasets.ratings_table import STUDY_EXPERTS as EXPERTS
from empathy_judge.reports.charts import all_charts
from empathy_judge.reports.cli.report import report
from empathy_judge.reports.html import largest_disagreements, render_html
from empathy_judge.reports.leaderboard import build_leaderboard
from empathy_judge.reports.logs import (
    LogError,
    Run,
    RunSet,
    SampleRecord,
    contract_from_samples,
    load_runs,
    select_latest,
)
from empathy_judge.reports.report_files import write_report
from empathy_judge.reports.safe_text import (
    csv_cell,
    display_path,
    markdown_code,
    markdown_text,
    neutralise_bidi,
)
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings
from empathy_judge.scorers.panel import PanelSpec

pytestmark = pytest.mark.release

# Run labels of the shared replay logs (tests/conftest.py): model[model args].
DEGRADED = "replay/gemini-2.5-pro[shuffle_seed=1]"
EXPERT1 = "replay/expert1"
GEMINI = "replay/gemini-2.5-pro"
FRAMEWORKS = ("empatheticdialogues", "epitome", "lend_an_ear")
# Limited runs built by the `limited_logs_dir` fixture.
LIMITED = "replay/gemini-2.5-pro[shuffle_seed=7]"
CONSTANT = "test/constant"
RESAMPLES = 400


@pytest.fixture(scope="session")
def report_dir(replay_logs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    result = CliRunner().invoke(
        report, [str(replay_logs_dir), "--out", str(out), "--resamples", str(RESAMPLES)]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def results(report_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((report_dir / "results.json").read_text())
    return data


def _run(results: dict[str, Any], framework: str, label: str) -> dict[str, Any]:
    runs = [r for r in results["frameworks"][framework]["runs"] if r["label"] == label]
    assert len(runs) == 1, [r["label"] for r in results["frameworks"][framework]["runs"]]
    run: dict[str, Any] = runs[0]
    return run


def _overall(results: dict[str, Any], label: str) -> dict[str, Any]:
    rows = [r for r in results["overall"]["rows"] if r["label"] == label]
    assert len(rows) == 1
    row: dict[str, Any] = rows[0]
    return row


def _loo(run: dict[str, Any], sub: str) -> dict[str, Any]:
    rows = [r for r in run["assessment"]["leave_one_out"] if r["sub_component"] == sub]
    assert len(rows) == 1
    row: dict[str, Any] = rows[0]
    return row


# -- judging and ranking ----------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_replayed_expert_is_a_reference_row_scored_without_itself(
    results: dict[str, Any], framework: str
) -> None:
    expert = _run(results, framework, EXPERT1)
    assert expert["kind"] == "panel member" and expert["reference"] is True
    assert expert["rank"] is None
    assert expert["assessment"]["judged_against"] == ["expert2", "expert3"]
    assert any("belongs to the panel" in n for n in expert["assessment"]["notes"])
    assert _overall(results, EXPERT1)["rank"] is None


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_shuffled_gemini_ranks_below_gemini_with_rank_ranges(
    results: dict[str, Any], framework: str
) -> None:
    ranked = [r for r in results["frameworks"][framework]["runs"] if r["rank"] is not None]
    # Only the two candidates are ranked; the replayed expert is not.
    assert [r["label"] for r in ranked] == [GEMINI, DEGRADED]
    for position, run in enumerate(ranked, start=1):
        rank = run["rank"]
        assert rank["rank"] == position
        assert 1 <= rank["low"] <= position <= rank["high"] <= 2


def test_overall_rank_over_the_three_frameworks(results: dict[str, Any]) -> None:
    assert results["overall"]["frameworks"] == list(FRAMEWORKS)
    assert _overall(results, GEMINI)["rank"]["rank"] == 1
    assert _overall(results, DEGRADED)["rank"]["rank"] == 2
    # The overall key is the mean over frameworks of each framework's mean Δ.
    per_framework = [
        _run(results, f, GEMINI)["assessment"]["mean_difference"]["value"] for f in FRAMEWORKS
    ]
    assert _overall(results, GEMINI)["score"] == pytest.approx(np.mean(per_framework))


def test_verdict_counts_of_shuffled_and_expert(results: dict[str, Any]) -> None:
    def counts(label: str) -> dict[str, int]:
        total = dict.fromkeys(("above", "at", "below", "inconclusive", "not assessed"), 0)
        for framework in FRAMEWORKS:
            for verdict, n in _run(results, framework, label)["verdicts"].items():
                total[verdict] += n
        return total

    shuffled, expert, gemini = counts(DEGRADED), counts(EXPERT1), counts(GEMINI)
    # 12 sub-components over the three frameworks. Ratings shuffled across items carry no
    # information: never at expert level, and clearly below on most sub-components.
    assert sum(shuffled.values()) == sum(expert.values()) == 12
    assert shuffled["above"] + shuffled["at"] == 0
    # (8 of 12 with the calibrated interval; the percentile interval, narrower, gave 10.)
    assert shuffled["below"] >= 8
    # An expert against the other two is no worse than them on most sub-components.
    assert expert["below"] <= 3
    assert gemini["above"] + gemini["at"] >= 1
    # The overall row counts the 12 under one false-discovery control over all of them (a
    # larger family than each framework's), so it may call fewer "below" than the sections.
    overall = _overall(results, DEGRADED)["verdicts"]
    assert sum(overall.values()) == 12
    assert overall["above"] + overall["at"] == 0
    assert 7 <= overall["below"] <= shuffled["below"] + 1


@pytest.mark.parametrize(
    ("sub_component", "published"),
    [
        ("level_emotional_reactions", 0.638),
        ("level_explorations", 0.764),
        ("level_interpretations", 0.595),
    ],
)
def test_gemini_epitome_kappa_vs_consensus_equals_published(
    results: dict[str, Any], sub_component: str, published: float
) -> None:
    # Kumar et al. (2025), Experts–Gemini κw on EPITOME against the expert median; integer
    # ratings with every level observed, so the value-based κ and the study's agree.
    run = _run(results, "epitome", GEMINI)
    kappa = [
        k for k in run["assessment"]["kappa_vs_consensus"] if k["sub_component"] == sub_component
    ]
    assert kappa[0]["kappa"] == pytest.approx(published, abs=0.0005)
    assert kappa[0]["lower"] < kappa[0]["kappa"] < kappa[0]["upper"]
    paper = run["assessment"]["papers_comparison"]
    assert "paper" in paper["label"]
    row = next(r for r in paper["rows"] if r["sub_component"] == sub_component)
    assert row["kappa"] == pytest.approx(published, abs=0.0005)
    assert run["n_items"] == 50 and _loo(run, sub_component)["n_items"] == 50


def test_reference_rows_from_the_logs(results: dict[str, Any]) -> None:
    epitome = results["frameworks"]["epitome"]
    experts = {s["sub_component"]: s for s in epitome["experts"]["sub_components"]}
    emotional = experts["level_emotional_reactions"]
    # Expert pairs 0.35 / 0.56 / 0.53 on Emotional Reactions: their median is 0.53.
    assert emotional["median_expert_pair_kappa"]["value"] == pytest.approx(0.53, abs=0.005)
    loo = emotional["expert_kappa"]
    assert loo["lower"] < loo["value"] < loo["upper"]
    crowd = epitome["crowd"]["assessment"]
    # Experts–Crowd 0.70 in the study's computation (crowd means are fractional).
    paper = {r["sub_component"]: r for r in crowd["papers_comparison"]["rows"]}
    assert paper["level_emotional_reactions"]["kappa"] == pytest.approx(0.70, abs=0.005)
    lae = results["frameworks"]["lend_an_ear"]["crowd"]["assessment"]
    paper = {r["sub_component"]: r for r in lae["papers_comparison"]["rows"]}
    assert paper["encouraging_elaboration"]["kappa"] == pytest.approx(0.43, abs=0.005)
    # No framework without runs, and no published row: published annotators are replays.
    assert set(results["frameworks"]) == set(FRAMEWORKS)
    assert any("no separate published row" in n for n in results["notes"])


def test_leave_one_out_table_and_alt_test_per_run(results: dict[str, Any]) -> None:
    run = _run(results, "lend_an_ear", GEMINI)
    assessment = run["assessment"]
    assert [r["sub_component"] for r in assessment["leave_one_out"]] == [
        r["sub_component"] for r in assessment["alt_test"]
    ]
    for row in assessment["leave_one_out"]:
        assert row["difference"] == pytest.approx(row["candidate_kappa"] - row["expert_kappa"])
        assert row["lower"] <= row["difference"] <= row["upper"]
        assert row["verdict"] in ("above", "at", "below", "inconclusive")
    for row in assessment["alt_test"]:
        assert row["epsilon"] == 0.2
        # Three experts: ω is a share of three.
        assert min(abs(row["omega"] - k / 3) for k in range(4)) < 1e-9
        assert row["passes"] == (row["omega"] >= 0.5)
    for row in assessment["expert_swap"]:
        assert row["lower"] <= row["difference"] <= row["upper"]


# -- like for like: limited runs, parse rates, unusable runs ----------------------------------


@pytest.fixture(scope="session")
def limited_logs_dir(tmp_path_factory: pytest.TempPathFactory, release_dir: Path) -> Path:
    """Two EPITOME runs with --limit 3: shuffled Gemini, and a constant answer (every 1)."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import write_eval_log

    from empathy_judge.evals.tasks import TASKS

    log_dir = tmp_path_factory.mktemp("limited-logs")
    [log] = inspect_eval(
        TASKS["epitome"](data_dir=str(release_dir)),
        model="replay/gemini-2.5-pro",
        model_args={"shuffle_seed": 7},
        limit=3,
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success"
    log.eval.model, log.eval.model_args = CONSTANT, {}
    # The report reads the reduced scores: change them with the samples' own.
    scores = [(s.scores or {})["empathy_ratings"] for s in log.samples or []]
    scores += [s for reduction in log.reductions or [] for s in reduction.samples]
    for score in scores:
        assert isinstance(score.value, dict)
        score.value = dict.fromkeys(score.value, 1.0)
    write_eval_log(log, str(log_dir / "constant.eval"))
    return log_dir


@pytest.fixture(scope="session")
def limited_board(replay_logs_dir: Path, limited_logs_dir: Path) -> Any:
    return build_leaderboard(
        load_runs([replay_logs_dir, limited_logs_dir]), settings=BootstrapSettings(n_resamples=200)
    )


@pytest.mark.parametrize("label", [LIMITED, CONSTANT])
def test_limited_run_is_judged_on_exactly_its_items(limited_board: Any, label: str) -> None:
    result = limited_board.section("epitome").result(label)
    assert result.n_items == 3
    assert result.assessment is not None and result.assessment.n_items == 3
    assert all(s.n_items == 3 for s in result.assessment.sub_components)
    # Not ranked with the 50-item runs, and the reason says so.
    assert result.rank is None
    assert "3 item(s)" in result.unranked and "50" in result.unranked
    # Three items cannot show expert level, whatever the interval says.
    counts = result.verdict_counts()
    assert counts["above"] == counts["at"] == 0
    assert counts["inconclusive"] == 3
    row = limited_board.overall_row(label)
    assert row.rank is None and "epitome" in row.unranked


def test_constant_judge_is_named_as_such(limited_board: Any) -> None:
    # The fixture's constant run answers 1 on every item and sub-component.
    section = limited_board.section("epitome")
    diagnostics = section.result(CONSTANT).diagnostics
    assert set(diagnostics.constant_sub_components) == set(section.sub_components)
    assert {s.scale_use.label for s in diagnostics.sub_components} == {"constant at 1"}
    assert diagnostics.min_spread_ratio == 0.0
    html = render_html(limited_board, [])
    assert "Answers one level everywhere: constant at 1 on level_emotional_reactions" in html
    assert "constant at 1 on level_explorations" in html
    assert section.result(GEMINI).diagnostics.constant_sub_components == ()


def test_limited_runs_leave_the_full_ranking_alone(limited_board: Any) -> None:
    section = limited_board.section("epitome")
    assert [r.label for r in section.ranked] == [GEMINI, DEGRADED]
    assert len(section.items) == 50


def _epitome_run(replay_logs_dir: Path, label: str = GEMINI) -> Run:
    run = load_runs([replay_logs_dir]).get(label, "epitome")
    assert run is not None
    return run


def _with_ratings(run: Run, model: str, keep: float) -> Run:
    """A copy of `run` under another label, with only the first `keep` share of ratings."""
    cells = [(i, sub) for i in range(len(run.samples)) for sub in run.sub_components]
    kept = set(cells[: round(keep * len(cells))])
    samples = tuple(
        replace(
            s,
            ratings={sub: (v if (i, sub) in kept else math.nan) for sub, v in s.ratings.items()},
        )
        for i, s in enumerate(run.samples)
    )
    return replace(run, model=model, model_name=model, samples=samples)


def test_parse_rate_flags_and_thresholds(replay_logs_dir: Path) -> None:
    gemini = _epitome_run(replay_logs_dir)
    runs = RunSet(
        (
            gemini,
            _with_ratings(gemini, "test/flagged", 0.90),
            _with_ratings(gemini, "test/unranked", 0.70),
            _with_ratings(gemini, "test/nothing", 0.0),
        )
    )
    section = build_leaderboard(runs, settings=BootstrapSettings(n_resamples=100)).section(
        "epitome"
    )
    flagged = section.result("test/flagged")
    assert flagged.parse_rate == pytest.approx(0.90)
    assert flagged.rank is not None and any("parse rate" in f for f in flagged.flags)
    unranked = section.result("test/unranked")
    assert unranked.rank is None and "0.70" in unranked.unranked
    nothing = section.result("test/nothing")
    assert nothing.rank is None and nothing.assessment is None
    assert "no usable ratings" in nothing.unranked
    assert nothing.verdict_counts()["at"] == nothing.verdict_counts()["above"] == 0
    assert section.result(GEMINI).flags == ()
    assert {r.label for r in section.ranked} == {GEMINI, "test/flagged"}


def test_overall_rank_only_over_the_same_frameworks(replay_logs_dir: Path) -> None:
    runs = load_runs([replay_logs_dir])
    solo = replace(_epitome_run(replay_logs_dir, DEGRADED), model="test/epitome-only")
    board = build_leaderboard(
        RunSet((*runs.runs, solo)), settings=BootstrapSettings(n_resamples=100)
    )
    assert board.overall_frameworks == FRAMEWORKS
    row = board.overall_row("test/epitome-only")
    assert row.rank is None
    assert "empatheticdialogues: not run" in row.unranked
    assert "lend_an_ear: not run" in row.unranked
    # Ranked on EPITOME with the others, though.
    assert board.section("epitome").result("test/epitome-only").rank is not None


def test_runs_on_different_references_are_kept_apart(replay_logs_dir: Path) -> None:
    gemini = _epitome_run(replay_logs_dir)
    first = gemini.samples[0]
    sub = gemini.sub_components[0]
    changed = {**first.reference[sub], "expert2": 5.0 - first.reference[sub]["expert2"]}
    edited = replace(first, reference={**first.reference, sub: changed})
    samples = (edited, *gemini.samples[1:])
    # Other data: its own contract, whose fingerprint names the edited reference.
    contract = contract_from_samples("epitome", gemini.panel_spec(), samples, gemini.sub_components)
    other = replace(gemini, model="test/other-data", samples=samples, contract=contract)
    assert other.fingerprint != gemini.fingerprint
    board = build_leaderboard(RunSet((gemini, other)), settings=BootstrapSettings(n_resamples=100))
    assert [s.key for s in board.sections] == ["epitome", "epitome#2"]
    assert [r.label for r in board.section("epitome").results] == [GEMINI]
    apart = board.section("epitome#2")
    assert [r.label for r in apart.results] == ["test/other-data"]
    assert any(first.item_id in n and "kept apart" in n for n in apart.notes)


def test_one_expert_panel_gives_no_verdict_and_no_rank(replay_logs_dir: Path) -> None:
    gemini = _epitome_run(replay_logs_dir)
    samples = tuple(
        replace(s, reference={sub: {"expert1": r["expert1"]} for sub, r in s.reference.items()})
        for s in gemini.samples
    )
    # The log's panel description names three experts: the one-expert panel says so too.
    spec = replace(gemini.panel_spec(), raters=("expert1",))
    contract = contract_from_samples("epitome", spec, samples, gemini.sub_components)
    one = replace(gemini, samples=samples, contract=contract)
    section = build_leaderboard(RunSet((one,)), settings=BootstrapSettings(n_resamples=50))
    [result] = section.sections[0].results
    assert set(result.verdicts.values()) == {"not assessed"}
    assert result.rank is None and "1 expert(s)" in result.unranked


def test_panel_description_in_the_log_is_used(replay_logs_dir: Path, tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log, write_eval_log

    from empathy_judge.scorers.panel import PanelSpec

    gemini = _epitome_run(replay_logs_dir)
    log = read_eval_log(gemini.location)
    spec = PanelSpec(
        raters=("expert1", "expert2"),
        scales={s: (0.0, 2.0) for s in gemini.sub_components},
        crowd="crowd",
        groups={"expert1": "expert", "expert2": "expert", "expert3": "expert", "crowd": "crowd"},
    )
    metadata = dict(log.eval.metadata or {})
    # A panel description edited by hand, fingerprint left alone: refused as an edited log.
    log.eval.metadata = {**metadata, "panel": spec.to_dict()}
    write_eval_log(log, str(tmp_path / "edited.eval"))
    # The same panel written as a task would: hashes and fingerprint of its own.
    rebuilt = gemini.contract.with_reference({s.item_id: s.reference for s in gemini.samples}, spec)
    log.eval.metadata = {**metadata, **rebuilt.to_metadata()}
    write_eval_log(log, str(tmp_path / "two-experts.eval"))
    broken = {**log.eval.metadata, "panel": {"raters": ["expert1"]}}  # no scales
    log.eval.metadata = broken
    # The latest log is read first (older ones by their header only): make the broken one the
    # latest, so that it is read, refused, and the one before it used.
    log.eval.created = "2099-01-01T00:00:00+00:00"
    write_eval_log(log, str(tmp_path / "broken.eval"))
    runs = load_runs([tmp_path])
    [run] = runs.runs
    assert run.location.endswith("two-experts.eval")
    assert run.panel_spec() == spec and run.panel().raters == ("expert1", "expert2")
    reasons = {Path(s.location).name: s.reason for s in runs.skipped}
    assert "the log was edited after it was written" in reasons["edited.eval"]
    assert "malformed log contract" in reasons["broken.eval"]
    board = build_leaderboard(RunSet((gemini, run)), settings=BootstrapSettings(n_resamples=50))
    # A different panel is a different reference: its own section, judged by two experts.
    assert [s.key for s in board.sections] == ["epitome", "epitome#2"]
    judged = board.section("epitome#2").results[0].assessment
    assert judged is not None and judged.raters == ("expert1", "expert2")
    # An annotator of the expert group is a panel member even when it is not a rater.
    replayed = replace(run, model="replay/expert3", model_name="replay/expert3")
    result = build_leaderboard(
        RunSet((run, replayed)), settings=BootstrapSettings(n_resamples=50)
    ).sections[0]
    assert result.result("replay/expert3").kind == "panel member"


# -- files and hardening ----------------------------------------------------------------------


def test_report_files(report_dir: Path, results: dict[str, Any]) -> None:
    for name in ("index.html", "leaderboard.md", "leaderboard.csv", "results.json"):
        assert (report_dir / name).stat().st_size > 0
    pngs = sorted(p.name for p in report_dir.glob("*.png"))
    assert pngs == sorted(
        [*(f"loo_{f}.png" for f in FRAMEWORKS), *(f"ratings_{f}.png" for f in FRAMEWORKS)]
    )
    assert len(results["logs_used"]) == 9
    html = (report_dir / "index.html").read_text()
    assert html.count("data:image/png;base64,") == len(pngs)
    assert "<script" not in html.lower()
    assert 'src="http' not in html and 'href="http' not in html


def test_every_symbol_is_in_the_legend(report_dir: Path) -> None:
    markdown = (report_dir / "leaderboard.md").read_text()
    legend = markdown.split("## Legend", 1)[1].split("## Notes", 1)[0]
    for symbol in (
        "·",
        "×",
        "\\[a, b\\]",
        "r of n (lo–hi)",
        "Wall time",
        "n/a",
        "⚠",
        "above",
        "at",
        "below",
        "inconclusive",
        "Δ",
        "κ",
        "reference",
    ):
        assert f"**{symbol}" in legend, symbol
    html = (report_dir / "index.html").read_text()
    assert "<h2 id='legend'>Legend</h2>" in html


def _hostile_runs(replay_logs_dir: Path, names: list[str]) -> RunSet:
    gemini = _epitome_run(replay_logs_dir)
    return RunSet(tuple(replace(gemini, model=name, model_name=name) for name in names))


FORMULA = '=HYPERLINK("http://evil.example","click")'
MARKUP = "<img src=x onerror=alert(1)>|col\nnext | row"
BIDI = "good\u202emodel\u2066x\u2069"


@pytest.fixture(scope="session")
def hostile_report(replay_logs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "report"
    names = [FORMULA, "+cmd", "-2+3", "@SUM(A1)", "\tx", MARKUP, BIDI]
    write_report(
        _hostile_runs(replay_logs_dir, names), out, settings=BootstrapSettings(n_resamples=50)
    )
    return out


def test_csv_has_no_formula_cells(hostile_report: Path) -> None:
    with (hostile_report / "leaderboard.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    labels = {row["label"] for row in rows}
    assert "'" + FORMULA in labels and "'+cmd" in labels and "'-2+3" in labels
    assert "'@SUM(A1)" in labels and "'\tx" in labels
    for row in rows:
        for value in row.values():
            if value and value[0] in "=+-@\t\r":
                float(value)  # only numbers (e.g. a negative κ) may start so


def test_markdown_has_no_raw_html_and_one_line_per_row(hostile_report: Path) -> None:
    markdown = (hostile_report / "leaderboard.md").read_text(encoding="utf-8")
    assert re.search(r"(?<!\\)<", markdown) is None  # no unescaped "<": no raw HTML
    assert "\\<img src=x onerror=alert(1)\\>\\|col next \\| row" in markdown
    # Every table row has as many unescaped cell separators as its header.
    for block in re.split(r"\n\n", markdown):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if lines:
            widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
            assert len(widths) == 1, lines


def test_bidi_overrides_are_neutralised(hostile_report: Path) -> None:
    for name in ("leaderboard.md", "index.html", "leaderboard.csv"):
        text = (hostile_report / name).read_text(encoding="utf-8")
        assert not set(text) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
        assert "⟨U+202E⟩" in text, name


def test_no_absolute_log_paths(hostile_report: Path, replay_logs_dir: Path) -> None:
    location = _epitome_run(replay_logs_dir).location
    assert Path(location).is_absolute()
    relative = Path(location).relative_to(replay_logs_dir).as_posix()
    for name in ("leaderboard.md", "index.html", "results.json", "leaderboard.csv"):
        text = (hostile_report / name).read_text(encoding="utf-8")
        assert str(replay_logs_dir) not in text, name
        assert relative in text, name


def test_safe_text_units(tmp_path: Path) -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("  =1") == "'  =1"
    assert csv_cell("\r=1") == "'\r=1"
    assert csv_cell("model") == "model"
    assert csv_cell(-0.5) == -0.5 and csv_cell(None) is None
    assert markdown_text("a|b\r\nc*d_e`f") == "a\\|b c\\*d\\_e\\`f"
    assert markdown_code("a_b.eval") == "`a_b.eval`"
    assert markdown_code("x``y") == "```x``y```"
    assert neutralise_bidi("a\u202eb") == "a⟨U+202E⟩b"
    log = tmp_path / "logs" / "x.eval"
    assert display_path(str(log), tmp_path / "report") == "../logs/x.eval"
    assert display_path(str(log), None) == "x.eval"


# -- logs -------------------------------------------------------------------------------------


def test_transcript_recovered_from_log(replay_logs_dir: Path) -> None:
    run = _epitome_run(replay_logs_dir)
    sample = next(s for s in run.samples if s.item_id == "97keuy")
    assert sample.transcript.startswith("Seeker: ")
    assert "\nSupporter: " in sample.transcript
    assert "</transcript>" not in sample.transcript


def _record(item: str, rating: float, transcript: str, rationale: str) -> SampleRecord:
    reference = {
        "level_emotional_reactions": {
            "expert1": 2.0,
            "expert2": 2.0,
            "expert3": 1.0,
            "expert_median": 2.0,
            "crowd": 1.5,
        }
    }
    return SampleRecord(
        item_id=item,
        ratings={"level_emotional_reactions": rating},
        reference=reference,
        answer='{"level_emotional_reactions": 0}',
        explanation=rationale,
        parse_status="ok" if not math.isnan(rating) else "failed",
        transcript=transcript,
    )


def _synthetic(model: str, created: str, records: tuple[SampleRecord, ...]) -> Run:
    subs = ("level_emotional_reactions",)
    spec = PanelSpec(raters=EXPERTS, scales={subs[0]: (0.0, 2.0)})
    return Run(
        model=model,
        model_name=model,
        framework="epitome",
        location=f"/logs/{model.replace('/', '_')}-{created}.eval",
        created=created,
        sub_components=subs,
        samples=records,
        contract=contract_from_samples("epitome", spec, records, subs),
    )


def test_latest_run_wins() -> None:
    record = (_record("a", 2.0, "", ""),)
    old = _synthetic("m/x", "2026-01-01T00:00:00", record)
    new = _synthetic("m/x", "2026-02-01T00:00:00", record)
    other = _synthetic("m/y", "2025-01-01T00:00:00", record)
    kept, superseded = select_latest([new, other, old])
    assert [r.location for r in kept] == [new.location, other.location]
    assert [s.location for s in superseded] == [old.location]
    assert new.location in superseded[0].reason


def test_largest_disagreement_and_parse_failure_first() -> None:
    records = (
        _record("close", 2.0, "", ""),
        _record("far", 0.0, "", ""),
        _record("unparsed", math.nan, "", ""),
    )
    run = _synthetic("m/x", "2026-01-01T00:00:00", records)
    ranked = largest_disagreements(run, count=3)
    # Consensus: median of 2, 2, 1 = 2. Distance as a share of the 0–2 range: failed parse 1.0,
    # |0 − 2|/2 = 1.0, |2 − 2| = 0.
    assert [(d.sample.item_id, d.distance) for d in ranked] == [
        ("far", 1.0),
        ("unparsed", 1.0),
        ("close", 0.0),
    ]
    assert run.parse_rate == pytest.approx(2 / 3)


def test_html_escapes_everything_from_data(replay_logs_dir: Path) -> None:
    hostile = "Seeker: <script>document.title='PWNED'</script>\nSupporter: <b>bold</b> & co"
    gemini = _epitome_run(replay_logs_dir)
    poisoned = replace(
        gemini,
        model="evil/<script>alert(1)</script>",
        model_name="evil/model",
        location="/tmp/<img src=x onerror=alert(2)>.eval",
        samples=tuple(
            replace(
                s,
                ratings={k: (2.0 - v if v == v else v) for k, v in s.ratings.items()},
                answer="<script>alert(3)</script>",
                explanation="<img src=x onerror=alert(4)>",
                transcript=hostile,
            )
            for s in gemini.samples
        ),
    )
    board = build_leaderboard(RunSet((poisoned,)), settings=BootstrapSettings(n_resamples=20))
    html = render_html(board, all_charts(board))
    assert "<script" not in html.lower()
    assert "<img src=x" not in html
    assert "&lt;script&gt;document.title=&#x27;PWNED&#x27;&lt;/script&gt;" in html
    assert "evil/&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html


def test_unreadable_and_missing_logs(tmp_path: Path) -> None:
    bad = tmp_path / "broken.eval"
    bad.write_bytes(b"not a zip")
    with pytest.raises(LogError, match=r"broken\.eval"):
        load_runs([bad], strict=True)
    skipped = load_runs([tmp_path])
    assert skipped.runs == () and "broken.eval" in skipped.skipped[0].location
    with pytest.raises(LogError, match="no such log"):
        load_runs([tmp_path / "absent"])
    result = CliRunner().invoke(report, [str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no usable rating run" in result.output


def test_json_logs_read_like_eval_logs(replay_logs_dir: Path, tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log, write_eval_log

    run = _epitome_run(replay_logs_dir)
    copy = tmp_path / "copy.json"
    write_eval_log(read_eval_log(run.location), str(copy))
    [again] = load_runs([copy]).runs
    assert again.model == GEMINI and again.framework == "epitome"
    assert again.location == str(copy.resolve())
    np.testing.assert_array_equal(
        again.rating_matrix(run.sub_components), run.rating_matrix(run.sub_components)
    )
