"""`empathy-judge compare`: verdicts, exit codes 0/1/2, parse rates and moved items."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log, write_eval_log
from sklearn.metrics import cohen_kappa_score

from empathy_judge.datasets.rubric import load_framework
from empathy_judge.reports.cli.compare import compare
from empathy_judge.reports.compare import compare_paths
from empathy_judge.reports.logs import Run, load_runs
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings

pytestmark = pytest.mark.release

# Run labels of the shared replay logs (tests/conftest.py): model[model args].
DEGRADED = "replay/gemini-2.5-pro[shuffle_seed=1]"
EXPERT1 = "replay/expert1"
GEMINI = "replay/gemini-2.5-pro"

#: Changes one rating: (sample position, sub-component, rating) -> new rating.
Change = Callable[[int, str, float], float]


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(compare, list(args))
    return result.exit_code, result.output


def _run(logs: Path, model: str, framework: str) -> Run:
    run = load_runs([logs]).get(model, framework)
    assert run is not None
    return run


def _rewritten(source: str, target: Path, change: Change) -> str:
    """A copy of a log whose ratings (sample scores and their reductions) went through `change`."""
    log = read_eval_log(source)
    position = {str(s.id): i for i, s in enumerate(log.samples or [])}
    scores = [(position[str(s.id)], (s.scores or {})["empathy_ratings"]) for s in log.samples or []]
    for reduction in log.reductions or []:
        scores += [(position[str(s.sample_id)], s) for s in reduction.samples]
    for i, score in scores:
        assert isinstance(score.value, dict)
        score.value = {k: change(i, k, float(v)) for k, v in score.value.items()}
    write_eval_log(log, str(target))
    return str(target)


def test_degraded_candidate_regresses(replay_logs_dir: Path) -> None:
    code, output = _invoke(f"{replay_logs_dir}:{GEMINI}", f"{replay_logs_dir}:{DEGRADED}")
    assert code == 1, output
    assert "REGRESSED" in output
    # Shuffling ratings across items destroys agreement where Gemini had plenty.
    for name in (
        "epitome (mean)",
        "epitome/level_explorations",
        "lend_an_ear (mean)",
        "lend_an_ear/encouraging_elaboration",
    ):
        assert name in output
    assert "smallest drop in κw detectable with 80% power:" in output
    assert "items whose ratings moved most:" in output


def test_same_model_is_equivalent_and_passes_strict(replay_logs_dir: Path) -> None:
    code, output = _invoke(
        f"{replay_logs_dir}:{GEMINI}", f"{replay_logs_dir}:{GEMINI}", "--format", "json", "--strict"
    )
    assert code == 0, output
    data = json.loads(output)
    assert data["regressed"] == [] and data["not_comparable"] == []
    assert len(data["sub_components"]) == 12  # 3 + 3 + 6 sub-components
    assert [f["framework"] for f in data["frameworks"]] == [
        "empatheticdialogues",
        "epitome",
        "lend_an_ear",
    ]
    # Identical ratings: Δκw is exactly 0 and cannot move, so every verdict is "equivalent".
    entries = data["sub_components"] + data["frameworks"]
    assert {d["verdict"] for d in entries} == {"equivalent"}
    assert {d["delta"] for d in entries} == {0.0}
    assert data["inconclusive"] == 0 and data["moved_items"] == []


def test_strict_fails_on_inconclusive(replay_logs_dir: Path) -> None:
    args = (f"{replay_logs_dir}:{GEMINI}", f"{replay_logs_dir}:{EXPERT1}")
    code, output = _invoke(*args, "--format", "json")
    data = json.loads(output)
    assert code == 0 and data["regressed"] == []
    assert data["inconclusive"] > 0  # 50 items cannot tell most sub-components apart
    assert "--strict fails on these" in _invoke(*args)[1]
    code, output = _invoke(*args, "--strict")
    assert code == 1 and "FAILED (--strict)" in output


def test_single_log_files_and_markdown(replay_logs_dir: Path) -> None:
    base = _run(replay_logs_dir, GEMINI, "epitome")
    cand = _run(replay_logs_dir, DEGRADED, "epitome")
    code, output = _invoke(base.location, cand.location, "--format", "md")
    assert code == 1
    assert "| epitome | level_explorations |" in output and "**regressed**" in output
    assert "| epitome | (mean) |" in output


def test_delta_matches_sklearn_oracle(replay_logs_dir: Path) -> None:
    comparison = compare_paths(
        f"{replay_logs_dir}:{GEMINI}",
        f"{replay_logs_dir}:{EXPERT1}",
        settings=BootstrapSettings(n_resamples=200),
    )
    gemini = _run(replay_logs_dir, GEMINI, "epitome")
    expert = _run(replay_logs_dir, EXPERT1, "epitome")
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
    [delta] = [d for d in comparison.gate.columns if d.name == f"epitome/{sub}"]
    assert delta.delta == pytest.approx(expected, abs=1e-9)
    assert delta.baseline_kappa == pytest.approx(0.64, abs=0.005)
    assert delta.low <= delta.delta <= delta.high
    assert np.isfinite(delta.low) and delta.n_items == 50
    [mean] = [g for g in comparison.gate.groups if g.name == "epitome"]
    epitome = [d.delta for d in comparison.gate.columns if d.name.startswith("epitome/")]
    assert mean.delta == pytest.approx(float(np.mean(epitome)), abs=1e-12)


def test_all_nan_candidate_exits_2(replay_logs_dir: Path, tmp_path: Path) -> None:
    base = _run(replay_logs_dir, GEMINI, "epitome")
    failed = _rewritten(base.location, tmp_path / "failed.eval", lambda i, k, v: math.nan)
    code, output = _invoke(base.location, failed)
    assert code == 2, output
    assert "failed.eval: no usable ratings" in output and "parse rate epitome 0%" in output


def test_sub_component_without_paired_items_exits_2(replay_logs_dir: Path, tmp_path: Path) -> None:
    base = _run(replay_logs_dir, GEMINI, "epitome")

    def drop_interpretations(i: int, sub: str, value: float) -> float:
        return math.nan if sub == "level_interpretations" else value

    partial = _rewritten(base.location, tmp_path / "partial.eval", drop_interpretations)
    code, output = _invoke(base.location, partial)
    # The parse rate fell too (a regression), but an incomplete comparison is not comparable.
    assert code == 2, output
    assert "NOT COMPARABLE: epitome/level_interpretations (no paired items)" in output
    assert "epitome parse rate 100.0% → 66.7%" in output


def test_parse_rate_drop_is_a_regression(replay_logs_dir: Path, tmp_path: Path) -> None:
    base = _run(replay_logs_dir, GEMINI, "epitome")
    # The first 10 of 50 items fail to parse; the other 40 keep Gemini's ratings.
    fewer = _rewritten(
        base.location, tmp_path / "fewer.eval", lambda i, k, v: math.nan if i < 10 else v
    )
    code, output = _invoke(base.location, fewer, "--format", "json")
    assert code == 1, output
    data = json.loads(output)
    assert data["parse_rate_regressed"] == ["epitome"] and data["regressed"] == []
    assert data["parse_rates"][0]["candidate"] == pytest.approx(0.8)
    assert {d["n_items"] for d in data["sub_components"]} == {40}
    assert {d["delta"] for d in data["sub_components"]} == {0.0}
    # One item of 50 (a 0.02 fall) stays under the 0.05 threshold; a stricter one catches it.
    one = _rewritten(
        base.location, tmp_path / "one.eval", lambda i, k, v: math.nan if i == 0 else v
    )
    assert _invoke(base.location, one)[0] == 0
    assert _invoke(base.location, one, "--max-parse-drop", "0.01")[0] == 1


def test_items_that_moved_most(replay_logs_dir: Path) -> None:
    _, output = _invoke(
        f"{replay_logs_dir}:{GEMINI}", f"{replay_logs_dir}:{DEGRADED}", "--format", "json"
    )
    moved = json.loads(output)["moved_items"]
    assert len(moved) == 5
    # Independently: per item, the mean over sub-components of |Δ rating| / scale width.
    best: list[tuple[float, str, str]] = []
    for framework in ("empatheticdialogues", "epitome", "lend_an_ear"):
        rubric = load_framework(framework)
        a = _run(replay_logs_dir, GEMINI, framework).ratings()
        b = _run(replay_logs_dir, DEGRADED, framework).ratings()
        both = a.merge(b, on=["item_id", "sub_component"], suffixes=("_a", "_b"))
        widths = {s.column: s.scale_max - s.scale_min for s in rubric.sub_components}
        width = both["sub_component"].map(widths)
        both["moved"] = (both["rating_b"] - both["rating_a"]).abs() / width
        per_item = both.groupby("item_id")["moved"].mean()
        best += [(float(v), framework, str(k)) for k, v in per_item.items()]
    best.sort(key=lambda t: (-t[0], t[1], t[2]))
    assert [(m["framework"], m["item_id"]) for m in moved] == [(f, i) for _, f, i in best[:5]]
    assert moved[0]["change"] == pytest.approx(best[0][0])
    top = _run(replay_logs_dir, GEMINI, moved[0]["framework"]).ratings()
    top = top[top["item_id"] == moved[0]["item_id"]].set_index("sub_component")["rating"]
    for change in moved[0]["changes"]:
        assert change["baseline"] == top[change["sub_component"]]
        assert change["candidate"] != change["baseline"]


def test_different_frameworks_exit_2(replay_logs_dir: Path) -> None:
    epitome = _run(replay_logs_dir, GEMINI, "epitome")
    lae = _run(replay_logs_dir, EXPERT1, "lend_an_ear")
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


def _probed(source: str, target: Path, probe: str) -> str:
    """A copy of a log recorded as a run made with `probe` (the task's probe metadata)."""
    log = read_eval_log(source)
    log.eval.metadata = {**(log.eval.metadata or {}), "probe": {"name": probe, "version": 1}}
    target.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(log, str(target))
    return str(target)


def test_probe_run_is_not_another_model(replay_logs_dir: Path, tmp_path: Path) -> None:
    base = _run(replay_logs_dir, GEMINI, "epitome")
    injected = _probed(base.location, tmp_path / "injection.eval", "injection")
    padded = _probed(base.location, tmp_path / "padding.eval", "padding")
    code, output = _invoke(base.location, injected)
    assert code == 2, output
    assert "(a plain run)" in output and "(a probe run (injection v1))" in output
    assert "not another model" in output and "empathy-judge report" in output
    code, output = _invoke(injected, base.location)
    assert code == 2 and "not another model" in output
    code, output = _invoke(padded, injected)
    assert code == 2 and "different probes" in output
    # A folder holding a model's plain and probe runs is ambiguous.
    mixed = tmp_path / "mixed"
    _probed(base.location, mixed / "injection.eval", "injection")
    write_eval_log(read_eval_log(base.location), str(mixed / "plain.eval"))
    code, output = _invoke(f"{mixed}:{GEMINI}", injected)
    assert code == 2 and "holds injection v1 and plain runs" in output


def test_two_models_under_the_same_probe_are_compared(
    replay_logs_dir: Path, tmp_path: Path
) -> None:
    base = _run(replay_logs_dir, GEMINI, "epitome")
    cand = _run(replay_logs_dir, DEGRADED, "epitome")
    a = _probed(base.location, tmp_path / "a.eval", "injection")
    b = _probed(cand.location, tmp_path / "b.eval", "injection")
    code, output = _invoke(a, b, "--format", "json")
    assert code == 1, output  # the shuffled ratings regress under the probe as without it
    data = json.loads(output)
    assert data["baseline"]["probe"] == data["candidate"]["probe"] == "injection v1"
