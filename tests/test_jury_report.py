"""Juries from real logs: `empathy-judge jury` and `empathy-judge report --jury` (replay runs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from empathy_judge.reports.cli import main
from empathy_judge.reports.jury_files import CORRELATION_COLUMNS
from empathy_judge.reports.logs import read_run

pytestmark = pytest.mark.release

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"
GEMINI = "replay/gemini-2.5-pro"
CROWD = "replay/crowd"
RESAMPLES = 300
ISSUE_COLUMNS = [
    "framework",
    "sub_component",
    "jury",
    "members",
    "rule",
    "candidate_kappa",
    "expert_kappa",
    "difference",
    "lower",
    "upper",
    "verdict",
    "gain_over_best",
    "gain_lower",
    "gain_upper",
]


def _edited_copy(
    source: Path, target: Path, model: str, edit_reference: bool = False, shift: str = ""
) -> None:
    """A copy of a log under another model name (one expert rating, or a sub-component's ratings
    changed on request)."""
    from inspect_ai.log import read_eval_log, write_eval_log

    log = read_eval_log(str(source))
    log.eval.model, log.eval.model_args = model, {}
    if shift:
        scores = [(s.scores or {})["empathy_ratings"] for s in log.samples or []]
        scores += [s for reduction in log.reductions or [] for s in reduction.samples]
        for score in scores:
            assert isinstance(score.value, dict)
            score.value = {**score.value, shift: 2.0 - float(score.value[shift])}
    if edit_reference:
        sample = (log.samples or [])[0]
        reference = (sample.metadata or {})["reference"]
        sub = next(iter(reference))
        reference[sub]["expert1"] = 2.0 if reference[sub]["expert1"] != 2.0 else 0.0
        # As a run on an edited copy of the data would be written: a contract of its own.
        contract = read_run(source).contract.with_reference(
            {str(s.id): (s.metadata or {})["reference"] for s in log.samples or []}
        )
        log.eval.metadata = {**(log.eval.metadata or {}), **contract.to_metadata()}
    write_eval_log(log, str(target))


@pytest.fixture(scope="module")
def jury_logs(tmp_path_factory: pytest.TempPathFactory, release_dir: Path) -> dict[str, Path]:
    """EPITOME logs: Gemini, the crowd, the fixture GPT-4o and Claude, and broken partners."""
    from inspect_ai import eval as inspect_eval

    from empathy_judge.evals.tasks import TASKS

    root = tmp_path_factory.mktemp("jury-logs")
    good = root / "good"
    locations = {}
    for model in (GEMINI, CROWD):
        [log] = inspect_eval(
            TASKS["epitome"](data_dir=str(release_dir)),
            model=model,
            log_dir=str(good),
            display="none",
        )
        assert log.status == "success", log.error
        locations[model] = Path(log.location.removeprefix("file://"))
    # The synthetic GPT-4o and Claude ratings, in a copy of the release that holds them.
    copy = root / "release"
    for path in release_dir.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(release_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
    for path in (FIXTURES / "llm").rglob("*.csv"):
        shutil.copyfile(path, copy / "annotations" / path.relative_to(FIXTURES / "llm"))
    llm = root / "llm"
    for model in ("replay/gpt-4o", "replay/claude-3.7-sonnet"):
        [log] = inspect_eval(
            TASKS["epitome"](data_dir=str(copy)), model=model, log_dir=str(llm), display="none"
        )
        assert log.status == "success", log.error
    [limited] = inspect_eval(
        TASKS["epitome"](data_dir=str(release_dir)),
        model=GEMINI,
        model_args={"shuffle_seed": 2},
        limit=10,
        log_dir=str(root / "limited"),
        display="none",
    )
    assert limited.status == "success"
    gemini_log = locations[GEMINI]
    for name, model, edit, shift in (
        ("twin", "google/gemini-2.5-pro", False, ""),
        ("other_reference", "other/judge", True, ""),
        ("expert", "replay/expert1", False, ""),
        ("half_twin", "google/gemini-2.5-flash", False, "level_explorations"),
    ):
        (root / name).mkdir()
        _edited_copy(gemini_log, root / name / f"{name}.eval", model, edit, shift)
    names = ("limited", "twin", "other_reference", "expert", "half_twin")
    return {"good": good, "llm": llm, **{n: root / n for n in names}}


def _epitome_runs(results: dict[str, Any]) -> list[dict[str, Any]]:
    return list(results["frameworks"]["epitome"]["runs"])


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(main, [*args, "--resamples", str(RESAMPLES)])


@pytest.fixture(scope="module")
def report_out(jury_logs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jury-report")
    result = _invoke(
        "report",
        str(jury_logs["good"]),
        "--out",
        str(out),
        "--jury",
        f"gc={GEMINI},{CROWD}",
        "--jury",
        f"solo={GEMINI}",
    )
    assert result.exit_code == 0, result.output
    return out


def test_jury_rows_in_the_leaderboard_are_the_jury_files_figures(report_out: Path) -> None:
    board = pd.read_csv(report_out / "leaderboard.csv")
    juries = pd.read_csv(report_out / "jury.csv")
    assert list(juries.columns[: len(ISSUE_COLUMNS)]) == ISSUE_COLUMNS
    gc = juries[(juries["jury"] == "gc") & (juries["rule"] == "mean")]
    assert set(gc["members"]) == {f"{GEMINI} + {CROWD}"}
    assert set(juries.loc[juries["jury"] == "gc", "rule"]) == {"mean", "weighted"}  # no median of 2
    label = f"jury gc (mean): {GEMINI} + {CROWD}"
    text = (report_out / "leaderboard.md").read_text(encoding="utf-8")
    assert label in text
    results = json.loads((report_out / "results.json").read_text(encoding="utf-8"))
    [row] = [r for r in _epitome_runs(results) if r["label"] == label]
    for sub in row["assessment"]["leave_one_out"]:
        mine = gc[gc["sub_component"] == sub["sub_component"]].iloc[0]
        assert mine["candidate_kappa"] == pytest.approx(sub["candidate_kappa"], abs=1e-12)
        assert mine["difference"] == pytest.approx(sub["difference"], abs=1e-12)
        assert mine["lower"] == pytest.approx(sub["lower"], abs=1e-12)
        assert mine["upper"] == pytest.approx(sub["upper"], abs=1e-12)
        assert mine["verdict"] == sub["verdict"]
    assert results["juries"]["juries"][0]["label"] == label
    assert label in set(board.astype(str).to_numpy().ravel())


def test_a_jury_of_one_member_equals_that_member_exactly(report_out: Path) -> None:
    results = json.loads((report_out / "results.json").read_text(encoding="utf-8"))
    runs = {r["label"]: r["assessment"] for r in _epitome_runs(results)}
    solo, gemini = runs[f"jury solo (mean): {GEMINI}"], runs[GEMINI]
    for key in ("leave_one_out", "kappa_vs_consensus", "expert_swap", "mean_difference"):
        assert solo[key] == gemini[key], key
    juries = pd.read_csv(report_out / "jury.csv")
    alone = juries[juries["jury"] == "solo"]
    assert (alone["gain_over_best"] == 0).all() and (alone["effective_judges"] == 1).all()


def test_correlation_file_heat_map_and_html(report_out: Path) -> None:
    correlations = pd.read_csv(report_out / "judge_error_correlation.csv")
    assert list(correlations.columns) == CORRELATION_COLUMNS
    assert len(correlations) == 3  # one pair × three sub-components
    assert (correlations["lower"] <= correlations["correlation"]).all()
    html = (report_out / "index.html").read_text(encoding="utf-8")
    assert "<h2 id='juries'>Juries</h2>" in html
    assert html.count("data:image/png;base64") >= 3  # Δ, ratings and the heat map
    assert (report_out / "jury_correlation_epitome_1.png").stat().st_size > 1000


def test_jury_command_all_forms_the_jury_of_every_candidate(
    jury_logs: dict[str, Path], tmp_path: Path
) -> None:
    result = _invoke(
        "jury",
        str(jury_logs["good"]),
        str(jury_logs["llm"]),
        "--out",
        str(tmp_path),
        "--jury-rule",
        "mean",
    )
    assert result.exit_code == 0, result.output
    juries = pd.read_csv(tmp_path / "jury.csv")
    members = set(juries["members"])
    assert len(members) == 1
    assert set(next(iter(members)).split(" + ")) == {
        GEMINI,
        CROWD,
        "replay/gpt-4o",
        "replay/claude-3.7-sonnet",
    }
    correlations = pd.read_csv(tmp_path / "judge_error_correlation.csv")
    assert len(correlations) == 6 * 3
    for name in ("jury.json", "jury.html", "jury.md", "jury_members.csv"):
        assert (tmp_path / name).is_file()
    assert "| epitome | all (" in result.output


@pytest.mark.parametrize(
    ("partner", "member", "message"),
    [
        ("twin", "google/gemini-2.5-pro", "identical ratings on every item"),
        ("limited", f"{GEMINI}[shuffle_seed=2]", "not the same items"),
        ("other_reference", "other/judge", "not judged against the same reference"),
        ("expert", "replay/expert1", "replays panel member expert1"),
    ],
)
def test_runs_that_cannot_sit_on_one_jury_are_refused_in_one_line(
    jury_logs: dict[str, Path], tmp_path: Path, partner: str, member: str, message: str
) -> None:
    result = _invoke(
        "jury",
        str(jury_logs["good"]),
        str(jury_logs[partner]),
        "--out",
        str(tmp_path),
        "--jury",
        f"bad={GEMINI},{member}",
    )
    assert result.exit_code != 0
    error = result.output.strip().splitlines()[-1]
    assert message in error and error.startswith("Error: jury bad on epitome")
    assert not (tmp_path / "jury.csv").exists()


def test_unknown_member_and_malformed_spec(jury_logs: dict[str, Path], tmp_path: Path) -> None:
    result = _invoke("jury", str(jury_logs["good"]), "--out", str(tmp_path), "--jury", "x=nope")
    assert result.exit_code != 0 and "no framework has a run of every member" in result.output
    result = _invoke("jury", str(jury_logs["good"]), "--out", str(tmp_path), "--jury", "nonsense")
    assert result.exit_code != 0 and "expected NAME=MODEL,MODEL" in result.output


def test_members_identical_on_some_sub_components_are_flagged(
    jury_logs: dict[str, Path], tmp_path: Path
) -> None:
    result = _invoke(
        "jury",
        str(jury_logs["good"]),
        str(jury_logs["half_twin"]),
        "--out",
        str(tmp_path),
        "--jury",
        f"pair={GEMINI},google/gemini-2.5-flash",
        "--jury-rule",
        "mean",
    )
    assert result.exit_code == 0, result.output
    notes = json.loads((tmp_path / "jury.json").read_text(encoding="utf-8"))["notes"]
    assert notes == [
        f"jury pair on epitome: {GEMINI} and google/gemini-2.5-flash gave identical ratings on "
        "level_emotional_reactions, level_interpretations (error correlation 1 there: one judge "
        "counted twice)"
    ]
    correlations = pd.read_csv(tmp_path / "judge_error_correlation.csv")
    assert correlations.set_index("sub_component").loc["level_interpretations", "correlation"] == 1
