"""The `empathy-judge` command line: one click group; each room contributes its subcommands."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
