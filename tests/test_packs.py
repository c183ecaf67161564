"""Issue 9 end to end: a framework pack the project has never seen, and the example pack.

The generated pack (below) has a rubric of two 0–2 ordinal sub-components, a unit of a
therapist's turn with the turns before it (speakers Client/Therapist), 220 items, a panel of
nine experts and two LLM annotators in ``ratings.csv``. Its figures are checked against an
independent computation: scikit-learn's quadratic κ (value weights equal index weights here,
every level being observed) against the per-item median of the nine experts, and the median of
the 36 expert-pair κ.
"""

from __future__ import annotations

import csv
import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from sklearn.metrics import cohen_kappa_score

from empathy_judge.datasets.pack import load_pack, validate_pack
from empathy_judge.reports.cli import main
from empathy_judge.scorers.log_contract import REFERENCE_FIGURES_KEY

RUBRIC = """\
id = "therapist_turns"
title = "Therapist turns (test pack)"
unit = "One therapist's turn, read with the client's and therapist's turns before it."
level_of_measurement = "ordinal"
consensus = "median"

[speakers]
seeker = "Client"
supporter = "Therapist"

[[sub_components]]
column = "warmth"
label = "Warmth"
definition = "How warmly the therapist's last turn responds to the client."
scale_min = 0
scale_max = 2
polarity = "positive"
[sub_components.anchors]
0 = "Cold or dismissive."
1 = "Polite but neutral."
2 = "Clearly warm and caring."

[[sub_components]]
column = "focus"
label = "Focus on the client"
definition = "How much the therapist's last turn stays with what the client said."
scale_min = 0
scale_max = 2
polarity = "positive"
[sub_components.anchors]
0 = "Changes the subject."
1 = "Partly on the client's concern."
2 = "Entirely on the client's concern."
"""

SUB_COMPONENTS = ("warmth", "focus")
EXPERTS = tuple(f"clinician{k}" for k in range(1, 10))
LLMS = ("llm-close", "llm-far")
N_ITEMS = 220

_CLIENT = (
    "I keep arguing with my brother about our mother's care.",
    "Work has been so stressful I can't switch off at night.",
    "I don't feel like going out with friends any more.",
    "Since the move I feel like I don't belong anywhere.",
)
_THERAPIST_EARLY = (
    "What happens when the arguments start?",
    "Tell me more about the evenings.",
    "When did you notice that change?",
)
_THERAPIST_LAST = (
    "That sounds exhausting, and it makes sense you feel worn down.",
    "Let's talk about your diet instead.",
    "Mm. Go on.",
    "It sounds lonely; what do you miss most?",
)


def _cut(values: np.ndarray) -> np.ndarray:
    return np.clip(np.round(values), 0, 2)


def write_pack(root: Path, *, seed: int = 7) -> dict[str, np.ndarray]:
    """Write the pack into `root` and return every rater's ratings (items × 2).

    Returns:
        Ratings by annotator name, rows in item order ``t000``..``t219``.
    """
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "rubric.toml").write_text(RUBRIC, encoding="utf-8")
    latent = rng.normal(1.0, 0.75, size=(N_ITEMS, 1)) + rng.normal(0, 0.35, size=(N_ITEMS, 2))
    ratings = {name: _cut(latent + rng.normal(0, 0.45, latent.shape)) for name in EXPERTS}
    ratings["llm-close"] = _cut(latent + rng.normal(0, 0.4, latent.shape))
    ratings["llm-far"] = _cut(rng.permutation(latent) + rng.normal(0, 0.6, latent.shape))
    ids = [f"t{i:03d}" for i in range(N_ITEMS)]
    with (root / "conversations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "transcript"])
        for i, item in enumerate(ids):
            lines = [
                f"Client: {_CLIENT[i % len(_CLIENT)]} (session {i})",
                f"Therapist: {_THERAPIST_EARLY[i % len(_THERAPIST_EARLY)]}",
                "Client: It's hard to explain.",
                f"Therapist: {_THERAPIST_LAST[i % len(_THERAPIST_LAST)]}",
            ]
            writer.writerow([item, "\n".join(lines)])
    with (root / "ratings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "sub_component", "annotator", "group", "rating"])
        for name, values in ratings.items():
            group = "expert" if name in EXPERTS else "llm"
            for i, item in enumerate(ids):
                for j, sub in enumerate(SUB_COMPONENTS):
                    writer.writerow([item, sub, name, group, int(values[i, j])])
    return ratings


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    root = tmp_path_factory.mktemp("packs") / "therapist_turns"
    return root, write_pack(root)


@pytest.fixture(scope="module")
def pack_logs(
    pack: tuple[Path, dict[str, np.ndarray]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, EvalLog]:
    root, _ = pack
    log_dir = tmp_path_factory.mktemp("pack-logs")
    logs = {}
    for llm in LLMS:
        (log,) = inspect_eval(
            "empathy_judge/custom",
            task_args={"framework": str(root)},
            model=f"replay/{llm}",
            log_dir=str(log_dir / llm),
            display="none",
        )
        assert log.status == "success", log.error
        logs[llm] = log
    return logs


def test_the_pack_validates(pack: tuple[Path, dict[str, np.ndarray]]) -> None:
    root, _ = pack
    assert validate_pack(root) == []
    loaded = load_pack(root)
    assert loaded.framework.speakers == ("Client", "Therapist")
    conversations = loaded.conversations()
    assert len(conversations) == N_ITEMS
    assert [t.speaker for t in conversations[0].turns] == [
        "Seeker", "Supporter", "Seeker", "Supporter",
    ]  # fmt: skip
    result = CliRunner().invoke(main, ["data", "validate", str(root)])
    assert result.exit_code == 0, result.output
    assert "valid framework pack" in result.output


def test_validation_names_file_row_and_column(tmp_path: Path) -> None:
    root = tmp_path / "broken"
    write_pack(root)
    with (root / "ratings.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["t000", "warmth", "clinician1b", "expert", 3])
    problems = validate_pack(root)
    assert problems, "a rating of 3 on a 0-2 scale must be reported"
    assert any(p.column == "rating" and p.row is not None for p in problems)
    result = CliRunner().invoke(main, ["data", "validate", str(root)])
    assert result.exit_code == 1


def test_kappa_and_ceiling_in_the_log_are_independent_figures(
    pack: tuple[Path, dict[str, np.ndarray]], pack_logs: dict[str, EvalLog]
) -> None:
    _, ratings = pack
    experts = np.stack([ratings[e] for e in EXPERTS])  # 9 × items × 2
    median = np.median(experts, axis=0)
    for llm, log in pack_logs.items():
        assert log.results is not None
        metrics = log.results.scores[0].metrics
        for j, sub in enumerate(SUB_COMPONENTS):
            expected = cohen_kappa_score(median[:, j], ratings[llm][:, j], weights="quadratic")
            assert metrics[f"kappa_{sub}"].value == pytest.approx(expected, abs=1e-9), (llm, sub)
            pairs = [
                cohen_kappa_score(experts[a, :, j], experts[b, :, j], weights="quadratic")
                for a, b in combinations(range(9), 2)
            ]
            assert len(pairs) == 36
            assert log.eval.metadata is not None
            ceiling = log.eval.metadata[REFERENCE_FIGURES_KEY]["ceiling"][sub]
            assert ceiling == pytest.approx(np.median(pairs), abs=1e-9)
            assert f"ceiling_{sub}" not in metrics  # not re-tabulated by every run
        assert metrics["parse_rate"].value == 1.0
        assert log.eval.metadata is not None
        assert log.eval.metadata["panel"]["raters"] == list(EXPERTS)


def test_report_ranks_the_two_annotators_on_the_pack(
    pack: tuple[Path, dict[str, np.ndarray]], pack_logs: dict[str, EvalLog], tmp_path: Path
) -> None:
    _, ratings = pack
    logs = [str(Path(log.location)) for log in pack_logs.values()]
    result = CliRunner().invoke(main, ["report", *logs, "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "report" / "results.json").read_text(encoding="utf-8"))
    section = results["frameworks"]["therapist_turns"]
    assert section["n_items"] == N_ITEMS
    ranked = sorted(section["runs"], key=lambda run: run["rank"]["rank"])
    assert [run["label"] for run in ranked] == ["replay/llm-close", "replay/llm-far"]
    assert ranked[1]["verdicts"]["below"] == 2
    # The ceiling shown is the pack's own: the median of its 36 expert-pair κ.
    experts = np.stack([ratings[e] for e in EXPERTS])
    for j, entry in enumerate(section["experts"]["sub_components"]):
        pairs = [
            cohen_kappa_score(experts[a, :, j], experts[b, :, j], weights="quadratic")
            for a, b in combinations(range(9), 2)
        ]
        assert entry["median_expert_pair_kappa"]["value"] == pytest.approx(np.median(pairs))


def test_compare_exits_1_when_one_annotator_is_clearly_worse(
    pack_logs: dict[str, EvalLog],
) -> None:
    close = str(Path(pack_logs["llm-close"].location))
    far = str(Path(pack_logs["llm-far"].location))
    result = CliRunner().invoke(main, ["compare", close, far])
    assert result.exit_code == 1, result.output
    assert "regressed" in result.output


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "peer_listening"


def test_example_pack_runs_end_to_end_with_replay(tmp_path: Path) -> None:
    assert validate_pack(EXAMPLE) == []
    (log,) = inspect_eval(
        "empathy_judge/custom",
        task_args={"framework": str(EXAMPLE)},
        model="replay/rater_a",
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    assert log.results is not None
    metrics = log.results.scores[0].metrics
    # rater_a belongs to the panel: it is scored against the other two raters only.
    assert metrics["parse_rate"].value == 1.0
    assert log.samples is not None
    first = log.samples[0]
    assert first.target == '{"reflects_feelings": 2, "invites_more": 2}'
    prompt = first.input if isinstance(first.input, str) else first.input[-1].text
    assert "Client: I failed my driving test" in prompt
    assert "Volunteer:" in prompt and "Supporter:" not in prompt


@pytest.mark.gguf
def test_example_pack_runs_with_the_local_model(tmp_path: Path) -> None:
    (log,) = inspect_eval(
        "empathy_judge/custom",
        task_args={"framework": str(EXAMPLE)},
        model="gguf/smollm2",
        limit=2,
        max_connections=1,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    assert log.results is not None
    assert log.results.scores[0].metrics["parse_rate"].value >= 0.5
