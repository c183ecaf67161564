"""`empathy-judge reproduce` on the release: the study's published values in the tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from empathy_judge.datasets.release import load_ratings
from empathy_judge.reports.cli.reproduce import reproduce as reproduce_command
from empathy_judge.reports.reproduce import comparison_pairs, reproduce
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings

PUBLISHED = {
    ("empatheticdialogues", "empathy"): (0.51, 0.62, 0.53, 0.34, 0.15, 0.00),
    ("epitome", "level_emotional_reactions"): (0.35, 0.56, 0.53, 0.64, 0.70, 0.63),
    ("perceived_empathy", "m_practical"): (0.77, 0.69, 0.81, 0.74, 0.34, 0.45),
    ("lend_an_ear", "encouraging_elaboration"): (0.69, 0.73, 0.62, 0.86, 0.43, 0.40),
}
PAIRS = (
    "expert1-expert2",
    "expert2-expert3",
    "expert3-expert1",
    "experts-gemini-2.5-pro",
    "experts-crowd",
    "gemini-2.5-pro-crowd",
)


@pytest.fixture(scope="module")
def tables(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reproduce")
    result = CliRunner().invoke(
        reproduce_command,
        ["--data-dir", str(release_dir), "--out", str(out), "--seed", "1", "--resamples", "200"],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.release
def test_kappa_csv_has_the_published_values(tables: Path) -> None:
    kappa = pd.read_csv(tables / "kappa.csv")
    assert list(kappa.columns) == [
        "framework", "sub_component", "pair", "kappa_paper", "p_value", "kappa", "ci_low",
        "ci_high", "n",
    ]  # fmt: skip
    assert len(kappa) == 21 * 6
    lookup = {
        (r["framework"], r["sub_component"], r["pair"]): r["kappa_paper"]
        for r in kappa.to_dict(orient="records")
    }
    for (framework, sub), expected in PUBLISHED.items():
        got = [round(float(lookup[(framework, sub, p)]), 2) for p in PAIRS]
        assert got == pytest.approx(list(expected), abs=1e-9), (framework, sub)
    assert (kappa["n"] == 50).all()
    assert ((kappa["ci_low"] <= kappa["kappa"]) & (kappa["kappa"] <= kappa["ci_high"])).all()
    # crowd means are fractional: index weights and value weights give different κ
    crowd = kappa[kappa["pair"] == "experts-crowd"]
    assert not np.allclose(crowd["kappa"], crowd["kappa_paper"])
    # the study's headline medians
    expert_rows = kappa[kappa["pair"].isin(PAIRS[:3])]
    assert round(float(expert_rows["kappa_paper"].median()), 2) == 0.58
    by_pair = kappa.groupby("pair")["kappa_paper"].median()
    assert round(float(by_pair["experts-gemini-2.5-pro"]), 2) == 0.60
    assert round(float(by_pair["experts-crowd"]), 2) == 0.33


@pytest.mark.release
def test_paper_and_value_kappa_agree_when_no_scale_point_is_skipped(
    tables: Path, release_dir: Path
) -> None:
    kappa = pd.read_csv(tables / "kappa.csv")
    ratings = load_ratings(release_dir)
    pair = kappa[kappa["pair"] == "expert1-expert2"]
    for row in pair.to_dict(orient="records"):
        rows = ratings[
            (ratings["framework"] == row["framework"])
            & (ratings["sub_component"] == row["sub_component"])
            & ratings["annotator"].isin(["expert1", "expert2"])
        ]
        values = np.unique(rows["rating"].dropna())
        contiguous = bool((np.diff(values) == 1).all())
        same = abs(row["kappa"] - row["kappa_paper"]) < 1e-9
        assert same == contiguous, (row["framework"], row["sub_component"], values)


@pytest.mark.release
def test_alpha_csv_has_the_published_values(tables: Path) -> None:
    alpha = pd.read_csv(tables / "alpha.csv")
    experts = alpha[alpha["raters"] == "expert1+expert2+expert3"]
    got = {
        (r["framework"], r["sub_component"]): round(r["alpha"], 3)
        for r in experts.to_dict(orient="records")
    }
    assert got[("empatheticdialogues", "empathy")] == 0.529
    assert got[("epitome", "level_explorations")] == 0.780
    assert got[("perceived_empathy", "m_practical")] == 0.759
    assert got[("lend_an_ear", "validating_emotions")] == 0.361
    means = {f: a for (f, s), a in got.items() if s == "mean"}
    assert means == {
        "empatheticdialogues": 0.435,
        "epitome": 0.520,
        "perceived_empathy": 0.603,
        "lend_an_ear": 0.535,
    }
    assert (experts["level"] == "interval").all()


@pytest.mark.release
def test_summary_md(tables: Path) -> None:
    summary = (tables / "summary.md").read_text(encoding="utf-8")
    assert "| expert pairs (all) | 0.58 |" in summary
    assert "| Experts–gemini-2.5-pro | 0.60 |" in summary
    assert "| Experts–crowd | 0.33 |" in summary
    assert "| perceived_empathy | 3.39 |" in summary  # expert median mean, crowd 4.99 follows
    assert "4.99 (+1.60)" in summary


def test_pairs_extend_to_every_llm() -> None:
    pairs = comparison_pairs(["gemini-2.5-pro", "gpt-4o", "claude-3.7-sonnet"])
    names = [f"{a}-{b}" for a, b in pairs]
    assert names[:6] == list(PAIRS)
    for name in (
        "experts-gpt-4o",
        "experts-claude-3.7-sonnet",
        "gpt-4o-crowd",
        "gemini-2.5-pro-gpt-4o",
        "gpt-4o-claude-3.7-sonnet",
    ):
        assert name in names


@pytest.mark.release
def test_extra_llm_annotators_appear(release_dir: Path, tmp_path: Path) -> None:
    ratings = load_ratings(release_dir)
    ratings = ratings[ratings["framework"] == "epitome"]
    gemini = ratings[ratings["annotator"] == "gemini-2.5-pro"]
    extra = [gemini.assign(annotator=name) for name in ("gpt-4o", "claude-3.7-sonnet")]
    result = reproduce(
        pd.concat([ratings, *extra]), tmp_path, settings=BootstrapSettings(n_resamples=50)
    )
    pairs = set(result.kappa["pair"])
    assert {"experts-gpt-4o", "experts-claude-3.7-sonnet", "gemini-2.5-pro-gpt-4o"} <= pairs
    # a copy of Gemini agrees with Gemini perfectly
    copy = result.kappa[result.kappa["pair"] == "gemini-2.5-pro-gpt-4o"]
    assert np.allclose(copy["kappa_paper"], 1.0)
    assert "gemini-2.5-pro+gpt-4o+claude-3.7-sonnet" in set(result.alpha["raters"])
    assert "| Experts–gpt-4o |" in (tmp_path / "summary.md").read_text(encoding="utf-8")


@pytest.mark.release
def test_leave_one_out_csv(tables: Path) -> None:
    """Issue 8's oracle: candidate ≥ experts (point estimates) on 6/21 for Gemini, 2/21 crowd."""
    table = pd.read_csv(tables / "leave_one_out.csv")
    assert list(table.columns) == [
        "framework", "sub_component", "annotator", "candidate_kappa", "expert_kappa",
        "difference", "lower", "upper", "verdict",
    ]  # fmt: skip
    assert len(table) == 2 * 21
    at_least = (table["candidate_kappa"] >= table["expert_kappa"]).groupby(table["annotator"])
    assert at_least.sum().to_dict() == {"crowd": 2, "gemini-2.5-pro": 6}
    assert set(table["verdict"]) <= {"above", "at", "below", "inconclusive"}
    assert ((table["lower"] <= table["difference"]) & (table["difference"] <= table["upper"])).all()
    # A verdict of "below" needs the whole interval under zero.
    below = table[table["verdict"] == "below"]
    assert (below["upper"] < 0).all()


@pytest.mark.release
def test_alt_test_csv(tables: Path) -> None:
    table = pd.read_csv(tables / "alt_test.csv")
    assert list(table.columns) == [
        "framework", "sub_component", "annotator", "epsilon", "omega", "rho", "passes",
    ]  # fmt: skip
    # Counted independently (an item-by-item implementation with statsmodels' BY correction).
    assert table.groupby("annotator")["passes"].sum().to_dict() == {
        "crowd": 2,
        "gemini-2.5-pro": 8,
    }
    assert set(table["omega"].round(3)) <= {0.0, 0.333, 0.667, 1.0}  # three experts
    summary = (tables / "summary.md").read_text(encoding="utf-8")
    assert "## Like for like" in summary
    assert "the paper's comparison" in summary
