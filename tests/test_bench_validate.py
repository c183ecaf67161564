"""Smoke test of benchmarks/bench_validate.py: its file has the documented schema, and it runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from empathy_judge.datasets.user_data import LONG_COLUMNS, ratings_problems

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_validate.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_validate", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_generated_file_is_a_long_ratings_file(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    bad_rows = bench.write_long_csv(path, rows=90, bad_fraction=0.2, seed=3)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["item_id", "sub_component", "annotator", "group", "rating"]
    assert set(LONG_COLUMNS) <= set(frame.columns)
    assert len(frame) == 90
    # Ten items, each rated by three annotators on three sub-components.
    assert frame.groupby("item_id").size().to_dict() == {f"conv-{i}": 9 for i in range(10)}
    assert frame.groupby(["item_id", "annotator", "sub_component"]).size().max() == 1
    assert bad_rows == [i + 2 for i in frame.index[frame["rating"] == "x"]]  # header = line 1
    assert len(bad_rows) > 0
    problems = ratings_problems(path, "empatheticdialogues")
    assert [(p.row, p.column) for p in problems] == [(row, "rating") for row in bad_rows]


def test_the_script_runs_on_a_tiny_file() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "45", "--repeats", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rows: 45 (")
    labels = [line[:28].strip() for line in lines[2:6]]
    assert labels == [
        "pandas.read_csv (baseline)",
        "data validate",
        "load_user_ratings",
        "data validate (bad)",
    ]
    assert lines[2].split()[-3] == "1.00"  # the baseline's ratio to itself
