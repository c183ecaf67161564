"""`empathy-judge tasks`: the framework tasks, their parameters and the model providers."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import click

from .options import data_dir_option

_LITERAL = re.compile(r"``([^`]+)``")


def _plain(text: str) -> str:
    """Docstring markup (``name``) as plain text."""
    return _LITERAL.sub(r"\1", text)


def _entry(name: str, width: int, lines: list[str], columns: int) -> list[str]:
    """``name`` in a column of ``width``, each of ``lines`` wrapped beside it."""
    indent = " " * (width + 4)
    out: list[str] = []
    for number, line in enumerate(lines):
        first = f"  {name:<{width}}  " if number == 0 else indent
        out += textwrap.wrap(
            line,
            width=max(columns, width + 30),
            initial_indent=first,
            subsequent_indent=indent,
            break_on_hyphens=False,
        ) or [first.rstrip()]
    return out


def _default_text(value: Any) -> str:
    return "none" if value is None else str(value)


def _replay_annotators(data_dir: str | None) -> tuple[Path | None, list[str]]:
    """The release folder found without downloading, and the annotators whose files it holds."""
    from ...datasets.release import (
        ANNOTATOR_FILES,
        ReleaseNotFoundError,
        resolve_release,
    )
    from ...datasets.rubric import all_frameworks

    try:
        root = resolve_release(data_dir, download=False).path
    except ReleaseNotFoundError:
        return None, []
    folders = [f.release.annotations for f in all_frameworks() if f.release is not None]
    present = [
        entry.annotator
        for entry in ANNOTATOR_FILES
        if any((root / folder / entry.filename).is_file() for folder in folders)
    ]
    return root, present


def tasks_text(data_dir: str | None = None, columns: int | None = None) -> str:
    """What `empathy-judge tasks` prints.

    Args:
        data_dir: The release folder whose replay annotators to list (never downloaded).
        columns: Line width (default: the terminal's).

    Returns:
        The listing: tasks, task parameters with defaults and meanings, model providers.
    """
    # Nothing here imports Inspect (5-10 s on a busy machine): see empathy_judge.evals.catalogue.
    from ...evals.catalogue import BUNDLED_MODELS
    from ..task_params import (
        TaskParameter,
        listed_framework_tasks,
        listed_task_parameters,
    )

    columns = columns or shutil.get_terminal_size((100, 24)).columns
    lines = ["Tasks (inspect eval TASK --model MODEL; empathy-judge benchmark runs them all):"]
    infos = listed_framework_tasks()
    width = max(len(info.name) for info in infos)
    for info in infos:
        lines += _entry(info.name, width, [_plain(info.summary)], columns)
    lines += _entry(
        "empathy_judge/custom",
        width,
        [
            "Any framework pack: -T framework=PATH (required), a folder holding rubric.toml,"
            " conversations.csv|jsonl|parquet and ratings.csv|jsonl|parquet (make one with"
            " `empathy-judge pack init DIR` or `empathy-judge pack convert TABLE`, check it with"
            " `empathy-judge data validate PATH`; an example: examples/peer_listening), or a"
            " packaged id (-T framework=epitome). benchmark takes pack folders with --framework."
        ],
        columns,
    )
    lines += [
        "",
        *textwrap.wrap(
            "These tasks are installed through Inspect's registry: run them by name from any"
            " folder. `inspect list tasks` lists only @task functions in the .py files under"
            " the current folder (it reads source, it imports no package), so it shows them"
            " only in a checkout of this repository (evals/tasks.py@NAME); this command lists"
            " them wherever the package is installed.",
            width=max(columns, 60),
        ),
    ]

    lines += [
        "",
        *textwrap.wrap(
            "Task parameters (-T NAME=VALUE, for inspect eval and empathy-judge benchmark;"
            " benchmark takes data_dir and conversations as --data-dir and --conversations):",
            width=max(columns, 60),
        ),
    ]
    framework_parameter = TaskParameter(
        name="framework",
        default=None,
        type="str",
        help="empathy_judge/custom only, required: a pack folder (or its rubric.toml) or a"
        " packaged framework id.",
    )
    parameters = (framework_parameter, *listed_task_parameters())
    width = max(len(p.name) for p in parameters)
    for p in parameters:
        text = [f"{p.type}; default: {_default_text(p.default)}"]
        lines += _entry(p.name, width, text + ([_plain(p.help)] if p.help else []), columns)

    root, annotators = _replay_annotators(data_dir)
    if root is None:
        replay = (
            "No local copy of the release yet: `empathy-judge data fetch` downloads it, and"
            " `empathy-judge data info` then lists its annotators."
        )
    else:
        replay = f"In {root}: " + ", ".join(f"replay/{name}" for name in annotators) + "."
    bundled = ", ".join(f"gguf/{name}" for name in sorted(BUNDLED_MODELS))
    providers = [
        (
            "gguf/NAME",
            [
                "A local GGUF model run in-process by llama.cpp (the [local] extra).",
                f"Bundled: {bundled}. Any other file: gguf/NAME -M model_path=FILE.gguf.",
            ],
        ),
        ("replay/ANNOTATOR", ["An annotator's published ratings replayed as answers.", replay]),
        (
            "any other",
            [
                "Any Inspect provider: openai/gpt-4o, anthropic/claude-sonnet-4-0, or"
                " openai-api/SERVICE/MODEL for an OpenAI-compatible server."
            ],
        ),
    ]
    width = max(len(name) for name, _ in providers)
    lines += ["", "Model providers (--model):"]
    for name, text in providers:
        lines += _entry(name, width, text, columns)
    return "\n".join(lines)


@click.command("tasks")
@data_dir_option
def tasks(data_dir: str | None) -> None:
    """List the framework tasks, every task parameter (-T) and the model providers."""
    click.echo(tasks_text(data_dir))
