"""`empathy-judge report`: leaderboard figures against published values, files, escaping."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from empathy_judge.reports.charts import all_charts
from empathy_judge.reports.html import largest_disagreements, render_html
from empathy_judge.reports.leaderboard import build_leaderboard
from empathy_judge.reports.logs import (
    LogError,
    Run,
    RunSet,
    SampleRecord,
    load_runs,
    select_latest,
)
from empathy_judge.reports.cli.report import report

pytestmark = pytest.mark.release

# Run labels of the shared replay logs (tests/conftest.py): model[model args].
DEGRADED = "replay/gemini-2.5-pro[shuffle_seed=1]"
EXPERT1 = "replay/expert1"
GEMINI = "replay/gemini-2.5-pro"


@pytest.fixture(scope="session")
def report_dir(
    replay_logs_dir: Path, release_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    result = CliRunner().invoke(
        report, [str(replay_logs_dir), "--out", str(out), "--data-dir", str(release_dir)]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def results(report_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((report_dir / "results.json").read_text())
    return data


def _row(results: dict[str, Any], label: str) -> dict[str, Any]:
    rows = [r for r in results["rows"] if r["label"] == label]
    assert len(rows) == 1, [r["label"] for r in results["rows"]]
    row: dict[str, Any] = rows[0]
    return row


def test_degraded_candidate_ranks_last(results: dict[str, Any]) -> None:
    models = [r for r in results["rows"] if r["kind"] == "model"]
    assert {r["label"] for r in models} == {GEMINI, EXPERT1, DEGRADED}
    assert _row(results, DEGRADED)["rank"] == 3
    # Expert 1 against the median of a panel it belongs to beats Gemini.
    assert _row(results, EXPERT1)["rank"] == 1


@pytest.mark.parametrize(
    ("sub_component", "published"),
    [
        ("level_emotional_reactions", 0.64),
        ("level_explorations", 0.76),
        ("level_interpretations", 0.59),
    ],
)
def test_gemini_epitome_kappa_equals_published(
    results: dict[str, Any], sub_component: str, published: float
) -> None:
    # Kumar et al. (2025), Experts–Gemini κw on EPITOME; integer ratings with every level
    # observed, so the value-based κw shown and the study's computation agree.
    sub = _row(results, GEMINI)["frameworks"]["epitome"]["sub_components"][sub_component]
    assert sub["kappa"] == pytest.approx(published, abs=0.005)
    assert sub["paper_kappa"] == pytest.approx(published, abs=0.005)
    low, high = sub["interval"]
    assert low < sub["kappa"] < high
    assert sub["n_items"] == 50


def test_reference_rows_match_published_figures(results: dict[str, Any]) -> None:
    ceiling = results["expert_ceilings"]["epitome"]["level_emotional_reactions"]
    # Expert pairs 0.35 / 0.56 / 0.53: the ceiling is their median.
    assert ceiling["median"] == pytest.approx(0.53, abs=0.005)
    assert ceiling["min"] == pytest.approx(0.35, abs=0.005)
    assert ceiling["max"] == pytest.approx(0.56, abs=0.005)
    crowd = _row(results, "Crowd (mean of crowdworkers)")
    assert crowd["reference"] is True
    # Experts–Crowd 0.70 in the study's computation (crowd means are fractional, so the
    # value-based κw differs from it).
    emotional = crowd["frameworks"]["epitome"]["sub_components"]["level_emotional_reactions"]
    assert emotional["paper_kappa"] == pytest.approx(0.70, abs=0.005)
    lae = crowd["frameworks"]["lend_an_ear"]["sub_components"]["encouraging_elaboration"]
    assert lae["paper_kappa"] == pytest.approx(0.43, abs=0.005)
    published = _row(results, "gemini-2.5-pro (published)")
    assert published["kind"] == "published LLM"
    # The published row covers Perceived Empathy, which no run could rate (no texts).
    m_practical = published["frameworks"]["perceived_empathy"]["sub_components"]["m_practical"]
    assert m_practical["paper_kappa"] == pytest.approx(0.74, abs=0.005)
    assert "perceived_empathy" not in _row(results, GEMINI)["frameworks"]


def test_markdown_labels_reference_rows(report_dir: Path) -> None:
    markdown = (report_dir / "leaderboard.md").read_text()
    lines = {line.split(" | ")[1]: line for line in markdown.splitlines() if line.startswith("| ")}
    assert "reference: expert ceiling" in lines["Expert ceiling (median expert pair)"]
    assert "reference: crowd" in lines["Crowd (mean of crowdworkers)"]
    assert "reference: published LLM" in lines["gemini-2.5-pro (published)"]
    assert lines[GEMINI].startswith("| 2 | ") and "| model |" in lines[GEMINI]
    assert "Perceived Empathy" in markdown.splitlines()[4]


def test_report_files_and_logs_used(report_dir: Path, results: dict[str, Any]) -> None:
    for name in ("index.html", "leaderboard.md", "leaderboard.csv", "results.json"):
        assert (report_dir / name).stat().st_size > 0
    pngs = sorted(p.name for p in report_dir.glob("*.png"))
    assert "kappa_epitome.png" in pngs and "ratings_perceived_empathy.png" in pngs
    assert len(results["logs_used"]) == 9
    assert {Path(u["log"]).suffix for u in results["logs_used"]} == {".eval"}
    html = (report_dir / "index.html").read_text()
    assert html.count("data:image/png;base64,") == len(pngs)
    assert "<script" not in html.lower()
    assert 'src="http' not in html and 'href="http' not in html


def test_crowd_inflation_in_distributions(replay_logs_dir: Path, release_dir: Path) -> None:
    from empathy_judge.datasets.release import load_ratings

    board = build_leaderboard(
        load_runs([replay_logs_dir]), load_ratings(release_dir), n_resamples=50
    )
    # Published: Perceived Empathy crowd mean 4.99 against the experts' ~3.39.
    crowd = board.distributions["perceived_empathy"]["Crowd"]
    experts = board.distributions["perceived_empathy"]["Experts"]
    assert float(crowd.mean()) == pytest.approx(4.99, abs=0.005)
    assert float(experts.mean()) == pytest.approx(3.39, abs=0.02)


def test_transcript_recovered_from_log(replay_logs_dir: Path) -> None:
    runs = load_runs([replay_logs_dir])
    run = runs.get(GEMINI, "epitome")
    assert run is not None
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


def _run(model: str, created: str, records: tuple[SampleRecord, ...]) -> Run:
    return Run(
        model=model,
        model_name=model,
        framework="epitome",
        location=f"/logs/{model.replace('/', '_')}-{created}.eval",
        created=created,
        sub_components=("level_emotional_reactions",),
        samples=records,
    )


def test_latest_run_wins() -> None:
    record = (_record("a", 2.0, "", ""),)
    old = _run("m/x", "2026-01-01T00:00:00", record)
    new = _run("m/x", "2026-02-01T00:00:00", record)
    other = _run("m/y", "2025-01-01T00:00:00", record)
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
    run = _run("m/x", "2026-01-01T00:00:00", records)
    ranked = largest_disagreements(run, count=3)
    # Distance as a share of the 0–2 range: failed parse 1.0, |0 − 2|/2 = 1.0, |2 − 2| = 0.
    assert [(d.sample.item_id, d.distance) for d in ranked] == [
        ("far", 1.0),
        ("unparsed", 1.0),
        ("close", 0.0),
    ]
    assert run.parse_rate == pytest.approx(2 / 3)


def test_html_escapes_everything_from_data(replay_logs_dir: Path) -> None:
    runs = load_runs([replay_logs_dir])
    hostile = "Seeker: <script>document.title='PWNED'</script>\nSupporter: <b>bold</b> & co"
    gemini = runs.get(GEMINI, "epitome")
    assert gemini is not None
    poisoned = Run(
        model="evil/<script>alert(1)</script>",
        model_name="evil/model",
        framework="epitome",
        location="/tmp/<img src=x onerror=alert(2)>.eval",
        created="2026-01-01T00:00:00",
        sub_components=gemini.sub_components,
        samples=tuple(
            SampleRecord(
                s.item_id,
                {k: (2.0 - v if v == v else v) for k, v in s.ratings.items()},
                s.reference,
                "<script>alert(3)</script>",
                "<img src=x onerror=alert(4)>",
                s.parse_status,
                hostile,
            )
            for s in gemini.samples
        ),
    )
    board = build_leaderboard(RunSet((poisoned,)), None, n_resamples=20)
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

    run = load_runs([replay_logs_dir]).get(GEMINI, "epitome")
    assert run is not None
    copy = tmp_path / "copy.json"
    write_eval_log(read_eval_log(run.location), str(copy))
    [again] = load_runs([copy]).runs
    assert again.model == GEMINI and again.framework == "epitome"
    assert again.location == str(copy.resolve())
    np.testing.assert_array_equal(
        again.rating_matrix(run.sub_components), run.rating_matrix(run.sub_components)
    )
