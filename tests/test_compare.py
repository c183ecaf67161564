"""`empathy-judge compare`: verdicts, exit codes 0/1/2, and Δκw against an external oracle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from sklearn.metrics import cohen_kappa_score

from empathy_judge.reports.compare import compare_paths, verdict_of
from empathy_judge.reports.cli.compare import compare
from empathy_judge.reports.logs import load_runs

pytestmark = pytest.mark.release

# Run labels of the shared replay logs (tests/conftest.py): model[model args].
DEGRADED = "replay/gemini-2.5-pro[shuffle_seed=1]"
EXPERT1 = "replay/expert1"
GEMINI = "replay/gemini-2.5-pro"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(compare, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (-0.30, -0.06, "regressed"),
        (-0.30, -0.04, "unchanged"),  # certain, but within the tolerance
        (-0.30, 0.10, "unchanged"),  # too uncertain to call
        (0.06, 0.30, "improved"),
        (0.04, 0.30, "unchanged"),
    ],
)
def test_verdict_with_default_tolerance(low: float, high: float, expected: str) -> None:
    assert verdict_of(low, high, 0.05) == expected


def test_degraded_candidate_regresses(replay_logs_dir: Path) -> None:
    code, output = _invoke(f"{replay_logs_dir}:{GEMINI}", f"{replay_logs_dir}:{DEGRADED}")
    assert code == 1, output
    assert "REGRESSED" in output
    # Shuffling ratings across items destroys agreement where Gemini had plenty.
    for name in ("epitome/level_explorations", "lend_an_ear/encouraging_elaboration"):
        assert name in output


def test_same_model_is_unchanged(replay_logs_dir: Path) -> None:
    code, output = _invoke(
        f"{replay_logs_dir}:{GEMINI}", f"{replay_logs_dir}:{GEMINI}", "--format", "json"
    )
    assert code == 0, output
    data = json.loads(output)
    assert data["regressed"] == []
    assert len(data["sub_components"]) == 12  # 3 + 3 + 6 sub-components
    assert {d["verdict"] for d in data["sub_components"]} == {"unchanged"}
    assert {d["delta"] for d in data["sub_components"]} == {0.0}


def test_single_log_files_and_markdown(replay_logs_dir: Path) -> None:
    runs = load_runs([replay_logs_dir])
    base = runs.get(GEMINI, "epitome")
    cand = runs.get(DEGRADED, "epitome")
    assert base is not None and cand is not None
    code, output = _invoke(base.location, cand.location, "--format", "md")
    assert code == 1
    assert "| epitome | level_explorations |" in output and "**regressed**" in output


def test_delta_matches_sklearn_oracle(replay_logs_dir: Path) -> None:
    comparison = compare_paths(
        f"{replay_logs_dir}:{GEMINI}", f"{replay_logs_dir}:{EXPERT1}", n_resamples=200
    )
    runs = load_runs([replay_logs_dir])
    gemini = runs.get(GEMINI, "epitome")
    expert = runs.get(EXPERT1, "epitome")
    assert gemini is not None and expert is not None
    sub = "level_emotional_reactions"
    g = gemini.ratings().query("sub_component == @sub").set_index("item_id")
    e = expert.ratings().query("sub_component == @sub").set_index("item_id").loc[g.index]
    median = g["expert_median"].to_numpy()
    # Integer 0–2 ratings with every level observed: sklearn's index weights = value weights.
    expected = cohen_kappa_score(
        median.astype(int), e["rating"].to_numpy().astype(int), weights="quadratic"
    ) - cohen_kappa_score(
        median.astype(int), g["rating"].to_numpy().astype(int), weights="quadratic"
    )
    delta = next(
        d for d in comparison.deltas if d.framework == "epitome" and d.sub_component == sub
    )
    assert delta.delta == pytest.approx(expected, abs=1e-9)
    assert delta.baseline_kappa == pytest.approx(0.64, abs=0.005)
    assert delta.low <= delta.delta <= delta.high
    assert np.isfinite(delta.low) and delta.n_items == 50


def test_different_frameworks_exit_2(replay_logs_dir: Path) -> None:
    runs = load_runs([replay_logs_dir])
    epitome = runs.get(GEMINI, "epitome")
    lae = runs.get(EXPERT1, "lend_an_ear")
    assert epitome is not None and lae is not None
    code, output = _invoke(epitome.location, lae.location)
    assert code == 2
    assert "different frameworks" in output


def test_no_shared_items_exit_2(tmp_path: Path, release_dir: Path) -> None:
    from empathy_judge.evals.tasks import TASKS

    folders: dict[str, Path] = {}
    known = [str(s.id) for s in TASKS["epitome"](data_dir=str(release_dir)).dataset]
    for name, chosen in (("first", known[:2]), ("second", known[2:4])):
        folders[name] = tmp_path / name
        [log] = inspect_eval(
            TASKS["epitome"](data_dir=str(release_dir)),
            model=GEMINI,
            sample_id=chosen,
            log_dir=str(folders[name]),
            display="none",
        )
        assert log.status == "success"
    first = {s.item_id for s in load_runs([folders["first"]]).runs[0].samples}
    second = {s.item_id for s in load_runs([folders["second"]]).runs[0].samples}
    assert not first & second
    code, output = _invoke(str(folders["first"]), str(folders["second"]))
    assert code == 2
    assert "no shared items" in output


def test_unreadable_or_ambiguous_sides_exit_2(replay_logs_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.eval"
    broken.write_bytes(b"\x00garbage")
    code, output = _invoke(str(broken), f"{replay_logs_dir}:{GEMINI}")
    assert code == 2 and "broken.eval" in output
    code, output = _invoke(str(tmp_path / "absent"), f"{replay_logs_dir}:{GEMINI}")
    assert code == 2 and "no such log" in output
    code, output = _invoke(str(replay_logs_dir), f"{replay_logs_dir}:{GEMINI}")
    assert code == 2 and "several models" in output
    code, output = _invoke(f"{replay_logs_dir}:replay/nobody", f"{replay_logs_dir}:{GEMINI}")
    assert code == 2 and "replay/nobody" in output
