"""Packaging: the wheel ships `empathy_judge.*` only, with its rubric files, and never shadows
Hugging Face `datasets`; the entry points are declared.

The wheel is built once per session from a copy of the files a build needs (so the build never
writes `build/` or egg-info into the working tree), with pip's default build isolation, exactly as
`pip install .` does.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SUB_PACKAGES = ("datasets", "evals", "scorers", "reports")
# Every rubric file of the tree must ship (a fifth packaged framework's too), the study's four
# among them.
RUBRICS = tuple(sorted(p.stem for p in (REPO_ROOT / "datasets" / "rubrics").glob("*.toml")))
STUDY_SUB_COMPONENTS = {"empatheticdialogues": 3, "epitome": 3, "perceived_empathy": 9,
                        "lend_an_ear": 6}  # fmt: skip
# The repo's folders, which must never be installed under their own names.
FORBIDDEN_TOP_LEVEL = set(SUB_PACKAGES)


def _build_sources(destination: Path) -> Path:
    """Copy what a build reads (pyproject, readme, licence, mapped package folders)."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders = set(pyproject["tool"]["setuptools"]["package-dir"].values())
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    destination.mkdir()
    for entry in REPO_ROOT.iterdir():
        if entry.name in folders:
            shutil.copytree(entry, destination / entry.name, ignore=ignore)
        elif entry.is_file() and (
            entry.name in {"pyproject.toml", "setup.cfg", "setup.py", "MANIFEST.in"}
            or entry.name.upper().startswith(("README", "LICENSE", "LICENCE"))
        ):
            shutil.copy2(entry, destination / entry.name)
    return destination


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the project's wheel once (a few seconds: one setuptools build, no dependencies)."""
    root = tmp_path_factory.mktemp("wheel")
    sources = _build_sources(root / "src")
    out = root / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(sources)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"pip wheel failed:\n{result.stdout}\n{result.stderr}"
    wheels = sorted(out.glob("empathy_judge-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {out}, found {wheels}"
    return wheels[0]


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _dist_info_text(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(f".dist-info/{member}")]
        return archive.read(name).decode("utf-8")


def test_wheel_ships_the_four_sub_packages_and_the_rubrics(wheel: Path) -> None:
    names = set(_names(wheel))
    assert set(STUDY_SUB_COMPONENTS) <= set(RUBRICS)
    for package in SUB_PACKAGES:
        assert f"empathy_judge/{package}/__init__.py" in names
        assert f"empathy_judge/{package}/py.typed" in names
    for rubric in RUBRICS:
        assert f"empathy_judge/datasets/rubrics/{rubric}.toml" in names
    # empathy_judge is a namespace package: no __init__ of its own.
    assert "empathy_judge/__init__.py" not in names


def test_wheel_has_no_top_level_datasets_evals_scorers_or_reports(wheel: Path) -> None:
    names = _names(wheel)
    top_level = {n.split("/", 1)[0] for n in names}
    assert not top_level & FORBIDDEN_TOP_LEVEL
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"empathy_judge"}
    declared = set(_dist_info_text(wheel, "top_level.txt").split())
    assert not declared & FORBIDDEN_TOP_LEVEL


def test_wheel_declares_the_entry_points(wheel: Path) -> None:
    text = _dist_info_text(wheel, "entry_points.txt")
    sections = _parse_entry_points(text)
    assert sections["inspect_ai"]["empathy_judge"] == "empathy_judge.evals._registry"
    assert sections["console_scripts"]["empathy-judge"] == "empathy_judge.reports.cli:main"


def _parse_entry_points(text: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif "=" in line:
            key, value = line.split("=", 1)
            current[key.strip()] = value.strip()
    return sections


def test_rubrics_load_from_the_unpacked_wheel(wheel: Path, tmp_path: Path) -> None:
    # The unpacked wheel first on the path takes precedence over the editable install, so this
    # reads the rubric files through importlib.resources from where a real install puts them.
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    code = (
        "import json, empathy_judge.datasets as d\n"
        "from empathy_judge.datasets.rubric import all_frameworks\n"
        "fs = all_frameworks()\n"
        "print(json.dumps({'file': d.__file__,"
        " 'subs': {f.id: len(f.sub_components) for f in fs},"
        " 'sources': [f.source for f in fs]}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-P", "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(found["file"]).is_relative_to(site)
    assert sorted(found["subs"]) == sorted(RUBRICS)
    assert {k: found["subs"][k] for k in STUDY_SUB_COMPONENTS} == STUDY_SUB_COMPONENTS
    assert all(Path(source).is_relative_to(site) for source in found["sources"])


def test_import_datasets_is_hugging_face_in_this_environment(tmp_path: Path) -> None:
    # From a neutral directory, as any user or tool would run it: the installed project must not
    # provide a top-level `datasets`.
    code = (
        "import json, datasets, empathy_judge.datasets as ours\n"
        "print(json.dumps({'hf_file': datasets.__file__,"
        " 'has_load_dataset': callable(getattr(datasets, 'load_dataset', None)),"
        " 'ours_file': ours.__file__, 'ours_name': ours.__name__,"
        " 'ours_has_load_framework': hasattr(ours, 'load_framework')}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    hf_file = Path(found["hf_file"])
    assert found["has_load_dataset"]
    assert "site-packages" in hf_file.parts
    assert not hf_file.is_relative_to(REPO_ROOT / "datasets")
    assert found["ours_name"] == "empathy_judge.datasets"
    assert found["ours_has_load_framework"]
    assert Path(found["ours_file"]) != hf_file


def test_import_datasets_is_hugging_face_inside_the_test_process() -> None:
    # However pytest was started (`python -m pytest` from the root puts the root on sys.path),
    # `import datasets` gives Hugging Face's: datasets/__init__.py hands the top-level name over.
    import datasets

    assert datasets.__file__ is not None
    assert not Path(datasets.__file__).is_relative_to(REPO_ROOT / "datasets")
    assert callable(getattr(datasets, "load_dataset", None))


def test_wheel_ships_every_python_folder_of_the_mapped_packages(wheel: Path) -> None:
    # Before: evals/providers/ (the gguf/ and replay/ providers) was missing from the wheel.
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = set(_names(wheel))
    expected = []
    for package, folder in pyproject["tool"]["setuptools"]["package-dir"].items():
        for source in sorted((REPO_ROOT / folder).rglob("*.py")):
            if "__pycache__" in source.parts:
                continue
            relative = source.relative_to(REPO_ROOT / folder).as_posix()
            expected.append(f"{package.replace('.', '/')}/{relative}")
    assert "empathy_judge/evals/providers/replay.py" in expected
    assert [name for name in expected if name not in names] == []


def test_the_unpacked_wheel_runs_the_command_line_and_registers_the_providers(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    code = (
        "import json, sys\n"
        "import empathy_judge.evals._registry\n"
        "from inspect_ai.model import get_model\n"
        "from empathy_judge.reports.cli import main\n"
        "from empathy_judge.reports.cli.tasks import tasks_text\n"
        "import empathy_judge.evals.providers.replay as replay\n"
        "print(json.dumps({'cli': sys.modules[main.__module__].__file__,"
        " 'replay': replay.__file__, 'tasks': tasks_text(columns=200)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-P", "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(found["cli"]).is_relative_to(site)
    assert Path(found["replay"]).is_relative_to(site)
    # Not installed (only on PYTHONPATH), Inspect registers the tasks without the package prefix.
    assert "lend_an_ear" in found["tasks"]


def test_inspect_ai_entry_point_is_declared() -> None:
    entry_points = importlib.metadata.entry_points(group="inspect_ai")
    by_name = {ep.name: ep for ep in entry_points}
    assert "empathy_judge" in by_name
    assert by_name["empathy_judge"].value == "empathy_judge.evals._registry"


def test_console_script_help_lists_the_data_command() -> None:
    script = Path(sys.executable).parent / "empathy-judge"
    command = (
        [str(script)] if script.exists() else [shutil.which("empathy-judge") or "empathy-judge"]
    )
    result = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    commands = result.stdout.split("Commands:", 1)[1]
    assert "data" in commands.split()
