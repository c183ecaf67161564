"""The `empathy-judge` command line: one click group, one module per command or command group.

``data`` (fetch, info, validate), ``pack`` (init, convert), ``tasks``, ``benchmark``,
``report``, ``compare``, ``jury``, ``reproduce``, ``estimate`` and ``plan`` each live in their
own module here; options several commands share (``--data-dir``, ``--seed``, ``--resamples``,
``--format``, the ``--jury`` options) live in
:mod:`empathy_judge.reports.cli.options`.
These modules import only click at start-up: pandas, numpy, Inspect and the statistics load
inside the command that needs them, so ``empathy-judge --help`` starts quickly
(``benchmarks/bench_cli.py`` measures it; ``tests/test_cli.py`` checks what it imports).
"""

from __future__ import annotations

from typing import Any

import click

from ...datasets.errors import EmpathyJudgeError
from . import (
    benchmark,
    compare,
    data,
    estimate,
    jury,
    pack,
    plan,
    report,
    reproduce,
    tasks,
)


class _Main(click.Group):
    """Shows a user-fixable error (bad data, no release, offline) as a message, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EmpathyJudgeError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="empathy-judge")
def main() -> None:
    """Evaluate LLM judges of empathic communication against expert agreement."""


main.add_command(data.data)
main.add_command(pack.pack)
main.add_command(tasks.tasks)
main.add_command(benchmark.benchmark)
main.add_command(report.report)
main.add_command(compare.compare)
main.add_command(jury.jury)
main.add_command(reproduce.reproduce)
main.add_command(estimate.estimate)
main.add_command(plan.plan)

__all__ = ["main"]
