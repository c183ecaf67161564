"""The `empathy-judge` command line: one click group; each room contributes its subcommands."""

from __future__ import annotations

from typing import Any

import click

from empathy_judge.datasets.errors import EmpathyJudgeError


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


def _register() -> None:
    from empathy_judge.datasets.commands import data
    from empathy_judge.reports.benchmark_command import benchmark
    from empathy_judge.reports.compare_command import compare
    from empathy_judge.reports.report_command import report
    from empathy_judge.reports.reproduce_command import reproduce

    for command in (data, benchmark, report, compare, reproduce):
        main.add_command(command)


_register()
