"""`empathy-judge estimate`: PPI++ means from a pack, the release and logs; its clear errors."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from click.testing import CliRunner

from empathy_judge.reports.cli import main

CORPUS = Path(__file__).resolve().parent / "fixtures" / "ppi_corpus"
PACK_A = CORPUS / "system_a"
PACK_B = CORPUS / "system_b"
ROW_KEYS = {
    "framework",
    "sub_component",
    "estimate",
    "lower",
    "upper",
    "experts_only_lower",
    "experts_only_upper",
    "judge_only",
    "n_labelled",
    "n_unlabelled",
}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["estimate", *args])
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = _run(*args, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _independent(ratings: pd.DataFrame, judge: str) -> pd.DataFrame:
    """The means by plain pandas: consensus = median of the experts, PPI++ by its formula."""
    experts = ratings[ratings["group"] == "expert"]
    counts = experts.groupby(["item_id", "sub_component"])["rating"].count()
    consensus = experts.groupby(["item_id", "sub_component"])["rating"].median()[counts >= 2]
    f = ratings[ratings["annotator"] == judge].set_index(["item_id", "sub_component"])["rating"]
    out = {}
    for sub, judged in f.groupby(level="sub_component"):
        labels = consensus.xs(sub, level="sub_component")
        judged = judged.droplevel("sub_component")
        lab = judged.index.intersection(labels.index)
        unl = judged.index.difference(labels.index)
        y, fl, fu = labels[lab], judged[lab], judged[unl]
        n, big_n = len(lab), len(unl)
        lam = np.cov(y, fl)[0, 1] / ((1 + n / big_n) * judged.var())
        out[sub] = {
            "estimate": y.mean() + lam * (fu.mean() - fl.mean()),
            "experts_only": y.mean(),
            "judge_only": judged.mean(),
            "lam": lam,
            "n_labelled": n,
            "n_unlabelled": big_n,
        }
    return pd.DataFrame(out).T


def test_pack_with_experts_on_a_subset_matches_an_independent_computation() -> None:
    data = _json(str(PACK_A), "--judge", "judge-llm")
    assert all(r["withheld_truth"] is None for r in data["rows"])
    expected = _independent(pd.read_csv(PACK_A / "ratings.csv"), "judge-llm")
    assert [r["sub_component"] for r in data["rows"]] == ["warmth", "follow_up"]
    for row in data["rows"]:
        assert set(row) >= ROW_KEYS
        want = expected.loc[row["sub_component"]]
        assert row["framework"] == "chatbot_support"
        assert (row["n_labelled"], row["n_unlabelled"]) == (15, 25)
        for key in ("estimate", "experts_only", "judge_only", "lam"):
            assert row[key] == pytest.approx(want[key], abs=1e-6), key
        assert row["lower"] < row["estimate"] < row["upper"]
        # The judge is informative here: PPI++ is narrower than the experts alone.
        assert row["upper"] - row["lower"] < row["experts_only_upper"] - row["experts_only_lower"]


def test_compare_to_gives_the_difference_with_its_interval() -> None:
    data = _json(str(PACK_A), "--judge", "judge-llm", "--compare-to", str(PACK_B))
    a = {r["sub_component"]: r for r in data["rows"]}
    b = {r["sub_component"]: r for r in data["compared"]}
    for d in data["differences"]:
        sub = d["sub_component"]
        assert d["difference"] == pytest.approx(a[sub]["estimate"] - b[sub]["estimate"], abs=1e-6)
        va, vb = a[sub]["std_error"] ** 2, b[sub]["std_error"] ** 2
        df = (va + vb) ** 2 / (va**2 / 14 + vb**2 / 14)  # Welch–Satterthwaite, 15 labelled each
        assert d["upper"] == pytest.approx(
            d["difference"] + scipy.stats.t.ppf(0.975, df) * np.sqrt(va + vb), abs=1e-5
        )
        assert d["n_labelled_b"] == 15


def test_release_with_experts_withheld(release_dir: Path) -> None:
    data = _json(
        "epitome", "--judge", "gemini-2.5-pro", "--labelled", "20", "--seed", "1",
        "--data-dir", str(release_dir),
    )  # fmt: skip
    assert len(data["rows"]) == 3
    assert {(r["n_labelled"], r["n_unlabelled"]) for r in data["rows"]} == {(20, 30)}
    assert any("experts kept on 20 items" in n for n in data["notes"])
    # The judge-only mean uses every item: Gemini's published mean on EPITOME's 50 items.
    from empathy_judge.datasets.release import load_ratings

    table = load_ratings(release_dir)
    gemini = table[(table["framework"] == "epitome") & (table["annotator"] == "gemini-2.5-pro")]
    means = gemini.groupby("sub_component")["rating"].mean()
    experts = table[(table["framework"] == "epitome") & (table["group"] == "expert")]
    truth = experts.groupby(["sub_component", "item_id"])["rating"].median().groupby(level=0).mean()
    for row in data["rows"]:
        assert row["judge_only"] == pytest.approx(means[row["sub_component"]], abs=1e-6)
        # The demonstration's check: the consensus mean over all 50 items before withholding.
        assert row["withheld_truth"] == pytest.approx(truth[row["sub_component"]], abs=1e-6)


def test_labelled_items_file(tmp_path: Path) -> None:
    ratings = pd.read_csv(PACK_A / "ratings.csv")
    rated = sorted(ratings.loc[ratings["group"] == "expert", "item_id"].unique())
    listing = tmp_path / "items.txt"
    listing.write_text("# the labelled items\n" + "\n".join(rated[:6]) + "\n", encoding="utf-8")
    data = _json(str(PACK_A), "--judge", "judge-llm", "--labelled-items", str(listing))
    assert {(r["n_labelled"], r["n_unlabelled"]) for r in data["rows"]} == {(6, 34)}


def test_text_output_labels_the_judge_only_mean_as_biased() -> None:
    code, out, _ = _run(str(PACK_A), "--judge", "judge-llm")
    assert code == 0
    assert "judge only*" in out and "uncorrected" in out


def _pack_copy(tmp_path: Path, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(PACK_A, folder)
    ratings = pd.read_csv(folder / "ratings.csv")
    edit(ratings).to_csv(folder / "ratings.csv", index=False)
    return folder


def test_no_expert_rated_item_is_a_clear_error(tmp_path: Path) -> None:
    def relabel(r: pd.DataFrame) -> pd.DataFrame:
        r.loc[r["group"] == "expert", "group"] = "crowd"
        return r

    code, _, err = _run(str(_pack_copy(tmp_path, relabel)), "--judge", "judge-llm")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "group 'expert'" in err


def test_withholding_every_expert_is_a_clear_error(tmp_path: Path) -> None:
    listing = tmp_path / "none.txt"
    listing.write_text("not-an-item\n", encoding="utf-8")
    code, _, err = _run(str(PACK_A), "--judge", "judge-llm", "--labelled-items", str(listing))
    assert code == 2
    assert "no item has an expert consensus" in err and err.count("\n") == 1


def test_one_expert_is_refused(tmp_path: Path) -> None:
    def one(r: pd.DataFrame) -> pd.DataFrame:
        return r[~r["annotator"].isin(["expert_b", "expert_c"])]

    code, _, err = _run(str(_pack_copy(tmp_path, one)), "--judge", "judge-llm")
    assert code == 2
    assert "one expert (expert_a)" in err and err.count("\n") == 1


def test_no_overlap_between_judge_and_experts(tmp_path: Path) -> None:
    def apart(r: pd.DataFrame) -> pd.DataFrame:
        rated = set(r.loc[r["group"] == "expert", "item_id"])
        return r[(r["group"] == "expert") | ~r["item_id"].isin(rated)]

    code, _, err = _run(str(_pack_copy(tmp_path, apart)), "--judge", "judge-llm")
    assert code == 2
    assert "no item is rated by both judge-llm and the experts" in err
    assert "15 expert-rated items, 25 judge-rated" in err


def test_unknown_judge_lists_the_annotators() -> None:
    code, _, err = _run(str(PACK_A), "--judge", "gpt-5")
    assert code == 2
    assert "no annotator 'gpt-5'" in err and "judge-llm" in err


def test_from_a_judge_runs_log(tmp_path: Path) -> None:
    from inspect_ai import eval as inspect_eval

    from empathy_judge.evals.tasks import custom

    logs = inspect_eval(
        custom(framework=str(PACK_A)),
        model="replay/judge-llm",
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert logs[0].status == "success"
    from_logs = _json(str(tmp_path / "logs"))
    from_pack = _json(str(PACK_A), "--judge", "judge-llm")
    assert from_logs["rows"][0]["judge"] == "replay/judge-llm"
    for a, b in zip(from_logs["rows"], from_pack["rows"], strict=True):
        for key in ("estimate", "lower", "upper", "experts_only", "n_labelled", "n_unlabelled"):
            assert a[key] == pytest.approx(b[key]), key


def test_example_pack_with_experts_withheld() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "peer_listening"
    data = _json(str(example), "--judge", "my-llm", "--labelled", "8", "--seed", "2")
    ratings = pd.read_csv(example / "ratings.csv")
    experts = ratings[ratings["group"] == "expert"]
    truth = experts.groupby(["sub_component", "item_id"])["rating"].median().groupby(level=0).mean()
    for row in data["rows"]:
        assert (row["n_labelled"], row["n_unlabelled"]) == (8, 12)
        assert row["withheld_truth"] == pytest.approx(truth[row["sub_component"]])
        assert row["lower"] < row["estimate"] < row["upper"]
    # Without withholding, every item is labelled: PPI++ is the experts' mean, and says so.
    full = _json(str(example), "--judge", "my-llm")
    for row in full["rows"]:
        assert row["estimate"] == pytest.approx(truth[row["sub_component"]])
        assert row["lam"] == 0.0 and row["n_unlabelled"] == 0
    assert any("rated every judged item" in n for n in full["notes"])
