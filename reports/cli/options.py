"""Options shared by several commands, and an option whose default lives in a heavy module.

Command modules import only click and this module when the command line starts; the default of
``--resamples`` is a constant of the statistics engine (which needs numpy), so it is read through
:class:`ImportedDefault` only when a command runs or its own ``--help`` is shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..logs import RunSet

F = TypeVar("F", bound=Callable[..., Any])

#: Where the bootstrap's default number of resamples is defined.
RESAMPLES_DEFAULT_FROM = "empathy_judge.scorers.bootstrap:DEFAULT_RESAMPLES"


def imported_constant(reference: str) -> Any:
    """The value of ``module:NAME``, importing the module.

    Args:
        reference: ``package.module:NAME``.

    Returns:
        The module attribute.
    """
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


class ImportedDefault(click.Option):
    """An option whose default is a constant of another module, imported only when needed.

    Pass ``default_from="package.module:NAME"`` instead of ``default``; the module is imported
    when the command runs or when its help shows the default, never when the command line
    merely starts.
    """

    def __init__(self, *args: Any, default_from: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_from = default_from

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        """The imported constant (``call`` is irrelevant: it is never a callable)."""
        return imported_constant(self.default_from)


#: ``--data-dir``: every command that reads the authors' release.
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="The authors' release folder (default: $EMPATHY_JUDGE_DATA, the cache, or a download).",
)

#: ``--seed``: the bootstrap seed.
seed_option = click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")

#: The exit code of a data error (click already exits with 2 on a usage error): sides that
#: cannot be compared, a corpus that cannot be planned from or estimated on.
USAGE_ERROR = 2

#: The judge of a corpus command (`plan`, `estimate`).
judge_option = click.option(
    "--judge",
    default=None,
    help="The judge: an annotator of the pack's ratings, or a model among the logs "
    "(optional when the logs hold one model).",
)

#: The frameworks a corpus command looks at.
frameworks_option = click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Only this framework (repeatable; default: every framework of SOURCE).",
)


def resamples_option(help: str = "Bootstrap resamples per interval.") -> Callable[[F], F]:
    """``--resamples``, defaulting to the statistics engine's number of bootstrap resamples.

    Args:
        help: The option's help text.
    """
    return click.option(
        "--resamples",
        cls=ImportedDefault,
        default_from=RESAMPLES_DEFAULT_FROM,
        show_default=True,
        type=click.IntRange(min=1),
        help=help,
    )


def format_option(
    choices: Sequence[str], default: str, help: str = "Output format."
) -> Callable[[F], F]:
    """``--format``: one of ``choices``, stored in the parameter ``output``.

    Args:
        choices: The formats the command writes.
        default: The format when none is given.
        help: The option's help text.
    """
    return click.option(
        "--format",
        "output",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help,
    )


def jury_options(*, default_all: bool = False) -> Callable[[F], F]:
    """``--jury`` (repeatable), ``--jury-rule`` (repeatable) and ``--jury-folds``.

    Args:
        default_all: Say in the help that no ``--jury`` means ``--jury all``.
    """
    default = " Default: all." if default_all else ""

    def decorate(function: F) -> F:
        function = click.option(
            "--jury-folds",
            type=click.IntRange(min=2),
            default=None,
            help="Cross-fitting folds of the weighted rule's weights (default: leave one item "
            "out).",
        )(function)
        function = click.option(
            "--jury-rule",
            "jury_rules",
            multiple=True,
            type=click.Choice(["mean", "median", "majority", "weighted"]),
            help="Combination rule (repeatable; default: mean, median and weighted, or majority "
            "on nominal scales).",
        )(function)
        return click.option(
            "--jury",
            "juries",
            multiple=True,
            metavar="NAME=MODEL,MODEL[,...]|all",
            help="A jury of these runs' models, judged like a candidate (repeatable); 'all': "
            "every candidate run per framework." + default,
        )(function)

    return decorate


def usable_runs(logs: Sequence[str | Path], *, latest_only: bool = True) -> RunSet:
    """The rating runs among `logs`, for the commands that read logs (`report`, `jury`).

    Each log not used is named on stderr with the reason; none usable exits with 2.

    Raises:
        click.UsageError: A path does not exist.
    """
    from ..logs import LogError, load_runs

    try:
        runs = load_runs(logs, latest_only=latest_only)
    except LogError as error:
        raise click.UsageError(str(error)) from error
    for skipped in runs.skipped:
        click.echo(f"not used: {skipped.location}: {skipped.reason}", err=True)
    if not runs.runs:
        click.echo("error: no usable rating run among the logs given", err=True)
        raise SystemExit(USAGE_ERROR)
    return runs
