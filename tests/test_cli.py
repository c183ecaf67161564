"""The command line: start-up stays light, `tasks` lists what exists, -T reads as inspect's does."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from empathy_judge.reports.cli import main
from empathy_judge.reports.task_params import (
    TaskParameterError,
    check_task_args,
    parse_task_args,
)
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"
HEAVY = ("pandas", "pyarrow", "numpy", "inspect_ai", "matplotlib", "datasets")
TASK_NAMES = (
    "empathy_judge/empathetic_dialogues",
    "empathy_judge/epitome",
    "empathy_judge/perceived_empathy",
    "empathy_judge/lend_an_ear",
)


def _modules_after(args: list[str]) -> list[str]:
    """The modules in sys.modules after `empathy-judge ARGS`, run in a fresh interpreter."""
    code = (
        "import json, sys\n"
        "from empathy_judge.reports.cli import main\n"
        f"sys.argv = ['empathy-judge', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,  # the repository root, where `datasets/` could shadow Hugging Face's
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    modules: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return modules


@pytest.mark.parametrize(
    "args", [["--help"], ["data", "--help"], ["tasks", "--help"], ["pack", "--help"]]
)
def test_help_loads_no_heavy_library(args: list[str]) -> None:
    # Before: `--help` loaded pandas and pyarrow through empathy_judge.datasets/__init__.py.
    modules = _modules_after(args)
    loaded = [name for name in HEAVY if name in modules]
    assert loaded == []
    project = [m for m in modules if m.startswith("empathy_judge.")]
    assert not [
        m for m in project if m.startswith(("empathy_judge.scorers", "empathy_judge.evals"))
    ]


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    commands = {
        line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line
    }
    assert commands == {
        "benchmark",
        "compare",
        "data",
        "estimate",
        "jury",
        "pack",
        "plan",
        "report",
        "reproduce",
        "tasks",
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        # The bootstrap's 2,000 resamples and the gate's tolerance 0.05 (README, "Using it"),
        # read from the statistics modules only when the subcommand's help is shown.
        (["compare", "--help"], ["[default: 2000; x>=1]", "[default: 0.05;"]),
        (["reproduce", "--help"], ["[default: 2000; x>=1]"]),
        (["report", "--help"], ["[default: 2000; x>=1]"]),
    ],
)
def test_subcommand_help_shows_the_imported_defaults(
    command: list[str], expected: list[str]
) -> None:
    result = CliRunner().invoke(main, command, terminal_width=200)
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output


def test_compare_runs_with_the_imported_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    import empathy_judge.reports.compare as compare_module

    seen: dict[str, object] = {}

    def fake_compare_paths(baseline: str, candidate: str, **kwargs: object) -> object:
        seen.update(kwargs)
        raise compare_module.CompareError("stop here")

    monkeypatch.setattr(compare_module, "compare_paths", fake_compare_paths)
    result = CliRunner().invoke(main, ["compare", "a.eval", "b.eval"])
    assert result.exit_code == 2
    assert seen["tolerance"] == 0.05
    settings = seen["settings"]
    assert isinstance(settings, BootstrapSettings)
    assert settings.n_resamples == 2000
    assert settings.seed == 0


# -- `empathy-judge tasks` -----------------------------------------------------------------------


def _tasks(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(
        main, ["tasks", *args], env={"COLUMNS": "200", **env}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def _parameter_block(output: str, name: str) -> str:
    block = output.split("Task parameters", 1)[1].split("Model providers", 1)[0]
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [name])
    return "\n".join([lines[start], lines[start + 1]])


@pytest.mark.release
def test_tasks_lists_tasks_parameters_and_the_releases_annotators(release_dir: Path) -> None:
    out = _tasks({"EMPATHY_JUDGE_DATA": str(release_dir)})
    for name in TASK_NAMES:
        assert f"  {name}  " in out
    # Every parameter of build_task, with its default and the meaning its docstring gives.
    prompt = _parameter_block(out, "prompt")
    assert "zero_shot | few_shot | cot; default: zero_shot" in prompt
    assert "default: 1" in _parameter_block(out, "epochs")
    assert "Ratings per conversation" in _parameter_block(out, "epochs")
    assert "default: 0" in _parameter_block(out, "seed")
    shots = _parameter_block(out, "shots")
    assert "default: none" in shots
    assert "Number of few-shot examples" in shots
    assert "required for Perceived Empathy" in _parameter_block(out, "conversations")
    # The shared copy has the experts, the crowd and Gemini; not GPT-4o or Claude.
    replay = out.split("replay/ANNOTATOR", 1)[1]
    assert (
        f"In {release_dir}: replay/expert1, replay/expert2, replay/expert3, replay/crowd,"
        " replay/gemini-2.5-pro." in " ".join(replay.split())
    )
    assert "replay/gpt-4o" not in replay
    assert "gguf/smollm2" in out


@pytest.mark.release
def test_tasks_lists_gpt_and_claude_when_the_copy_has_them(
    release_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "release"
    for path in release_dir.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(release_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
    for path in (FIXTURES / "llm").rglob("*.csv"):
        shutil.copyfile(path, copy / "annotations" / path.relative_to(FIXTURES / "llm"))
    out = _tasks({}, "--data-dir", str(copy))
    assert "replay/gemini-2.5-pro, replay/gpt-4o, replay/claude-3.7-sonnet." in " ".join(
        out.split()
    )


def test_tasks_without_a_local_copy_says_how_and_downloads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EMPATHY_JUDGE_DATA", raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cache = tmp_path / "cache"
    out = _tasks(
        {"XDG_CACHE_HOME": str(cache), "EMPATHY_JUDGE_RELEASE_URL": f"http://127.0.0.1:{port}"}
    )
    assert "No local copy of the release yet" in out
    assert "empathy-judge data info" in out
    assert not list(cache.rglob("*.csv"))
    for name in TASK_NAMES:
        assert name in out


# -- reading -T ----------------------------------------------------------------------------------


def test_parse_task_args_reads_values_as_inspect_eval_does() -> None:
    args = parse_task_args(
        [
            "shots=3",
            "seed=-1",
            "prompt=cot",
            "sub_components=emotional_reactions,explorations",
            "sub-components-x=a",
            "flag=true",
            "ratio=0.5",
            "text=a=b",
            "empty=",
        ]
    )
    assert args == {
        "shots": 3,
        "seed": -1,
        "prompt": "cot",
        "sub_components": ["emotional_reactions", "explorations"],
        "sub_components_x": "a",
        "flag": True,
        "ratio": 0.5,
        "text": "a=b",
        "empty": None,
    }


def test_parse_task_args_agrees_with_inspect() -> None:
    from inspect_ai._util.config import parse_cli_args

    pairs = ["shots=3", "prompt=cot", "sub_components=a,b", "x-y=[1, 2]", "n=2.0", "t=a=b"]
    assert parse_task_args(pairs) == parse_cli_args(pairs)


@pytest.mark.parametrize("pair", ["prompt", "=cot", "x=[1, 2"])
def test_parse_task_args_rejects_malformed_pairs(pair: str) -> None:
    with pytest.raises(TaskParameterError, match=r"-T"):
        parse_task_args([pair])


def test_check_task_args_names_the_valid_parameters_and_the_likely_one() -> None:
    valid = ["prompt", "shots", "seed", "epochs"]
    check_task_args({"prompt": "cot", "epochs": 2}, valid)
    with pytest.raises(TaskParameterError) as error:
        check_task_args({"promt": "cot", "epoch": 2, "nothing_like_it": 1}, valid)
    message = str(error.value)
    assert "'promt' (did you mean 'prompt'?)" in message
    assert "'epoch' (did you mean 'epochs'?)" in message
    assert "'nothing_like_it'," not in message
    assert message.endswith("valid: prompt, shots, seed, epochs")


def test_task_options_declare_each_option_once_with_its_meaning() -> None:
    from empathy_judge.evals.task_options import (
        TaskOptions,
        UnknownOptionError,
        option_help,
        option_names,
    )

    # The field docstring is the help, on one line.
    assert option_help("epochs") == "Ratings per conversation, reduced by a NaN-aware median."
    assert option_help("seed").startswith("Seed of the few-shot draw and of the model's sampling;")
    assert "\n" not in option_help("structured")
    assert option_names()[:3] == ("data_dir", "prompt", "shots")
    given = TaskOptions.of({"prompt": "cot", "epochs": 3})
    assert (given.prompt, given.epochs, given.seed, given.probe) == ("cot", 3, 0, None)
    with pytest.raises(UnknownOptionError) as error:
        TaskOptions.of({"promt": "cot"})
    assert error.value.names == ["promt"]
    assert str(error.value).startswith("unknown task option(s) ['promt']; valid: ['data_dir',")


# -- `import datasets` from the repository root ----------------------------------------------


def test_import_datasets_in_the_repository_root_is_hugging_face() -> None:
    # Before: `python` started in the root imported the project's datasets/ folder.
    code = (
        "import json, sys, datasets, datasets.arrow_dataset\n"
        "import empathy_judge.datasets as ours\n"
        "print(json.dumps({'file': datasets.__file__, 'sub': datasets.arrow_dataset.__file__,"
        " 'load_dataset': callable(getattr(datasets, 'load_dataset', None)),"
        " 'ours': ours.__file__, 'framework': ours.load_framework('epitome').id,"
        " 'root_first': sys.path[0] == ''}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["root_first"]
    for key in ("file", "sub"):
        path = Path(found[key])
        assert "site-packages" in path.parts
        assert not path.is_relative_to(REPO_ROOT / "datasets")
    assert found["load_dataset"]
    assert Path(found["ours"]) == REPO_ROOT / "datasets" / "__init__.py"
    assert found["framework"] == "epitome"


def test_task_parameters_are_every_keyword_of_build_task_with_its_meaning() -> None:
    import inspect

    from empathy_judge.evals.task_builder import build_task
    from empathy_judge.reports.task_params import task_parameters

    keywords = [
        name
        for name, p in inspect.signature(build_task).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    listed = task_parameters()
    assert [p.name for p in listed] == keywords
    assert all(p.help for p in listed), [p.name for p in listed if not p.help]
    defaults = {p.name: p.default for p in listed}
    assert defaults["prompt"] == "zero_shot"
    assert defaults["epochs"] == 1


def test_tasks_listing_without_inspect_says_what_the_registered_tasks_say() -> None:
    # `empathy-judge tasks` reads a catalogue (rubrics, build_task's source) instead of
    # importing Inspect; it must list exactly the registered tasks and parameters.
    from empathy_judge.reports.task_params import (
        framework_tasks,
        listed_framework_tasks,
        listed_task_parameters,
        task_parameters,
    )

    assert listed_task_parameters() == task_parameters()
    assert listed_framework_tasks() == framework_tasks()
    names = [p.name for p in listed_task_parameters()]
    assert "max_tokens" in names and "framework" not in names


def test_tasks_lists_the_custom_tasks_framework_parameter_and_imports_no_inspect() -> None:
    code = (
        "import sys\n"
        "from empathy_judge.reports.cli.tasks import tasks_text\n"
        "text = tasks_text(columns=200)\n"
        "assert 'inspect_ai' not in sys.modules, 'inspect_ai was imported'\n"
        "print(text)\n"
    )
    result = subprocess.run(
        [sys.executable, "-P", "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    framework = _parameter_block(result.stdout, "framework")
    assert "empathy_judge/custom only, required: a pack folder" in framework
    assert "`inspect list tasks` lists only @task functions" in " ".join(result.stdout.split())


def test_inspect_list_tasks_finds_the_tasks_in_the_repository() -> None:
    # What `inspect list tasks` runs in the repository root: a scan of the .py files' source.
    from inspect_ai._eval.list import list_tasks

    listed = {f"{t.file}@{t.name}" for t in list_tasks(root_dir=REPO_ROOT)}
    assert {f"evals/tasks.py@{name.split('/')[1]}" for name in TASK_NAMES} <= listed
    assert "evals/tasks.py@custom" in listed
