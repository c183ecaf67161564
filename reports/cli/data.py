"""`empathy-judge data ...`: fetch, inspect and validate data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from empathy_judge.reports.cli.options import data_dir_option

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table


@click.group()
def data() -> None:
    """Fetch, describe and validate the data behind the evaluations."""


@data.command()
@click.option("--force", is_flag=True, help="Download again even if the cache is complete.")
@click.option(
    "--url",
    default=None,
    help="Base URL to fetch from (default: $EMPATHY_JUDGE_RELEASE_URL or GitHub at the pinned"
    " commit).",
)
def fetch(force: bool, url: str | None) -> None:
    """Download and verify the authors' release into the user cache."""
    from empathy_judge.datasets.checksums import RELEASE_COMMIT
    from empathy_judge.datasets.download import (
        ReleaseDownloadError,
        download_release,
        verify_files,
    )
    from empathy_judge.datasets.release import cache_dir, is_complete_release

    target = cache_dir()
    if not force and is_complete_release(target):
        problems = verify_files(target)
        if not problems:
            click.echo(f"release {RELEASE_COMMIT[:12]} already in the cache: {target}")
            return
        click.echo("cached copy does not verify; downloading again:", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    try:
        download_release(target, url=url)
    except ReleaseDownloadError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"release {RELEASE_COMMIT[:12]} downloaded and verified: {target}")


@data.command()
@data_dir_option
def info(data_dir: str | None) -> None:
    """Where the release resolves from, and what it holds."""
    from rich.console import Console

    from empathy_judge.datasets.release import (
        CROWD_RATER_PREFIX,
        ReleaseFormatError,
        ReleaseNotFoundError,
        load_release,
        resolve_release,
    )

    try:
        resolved = resolve_release(data_dir)
        release = load_release(resolved.path)
    except (ReleaseNotFoundError, ReleaseFormatError) as exc:
        raise click.ClickException(str(exc)) from exc
    ratings = release.ratings
    console = Console()
    console.print(f"release: {resolved.path}  (from the {resolved.origin})")
    experts = ratings[ratings["group"] == "expert"]
    console.print(
        f"{ratings['item_id'].nunique()} items, {ratings['sub_component'].nunique()}"
        f" sub-components, {len(experts):,} expert ratings, {len(ratings):,} ratings in all,"
        f" {len(release.conversations)} conversations with text"
    )
    shown = ratings.assign(
        annotator=ratings["annotator"].where(
            ~ratings["annotator"].str.startswith(CROWD_RATER_PREFIX), CROWD_RATER_PREFIX + "*"
        )
    )
    raters = ratings.loc[ratings["annotator"].str.startswith(CROWD_RATER_PREFIX), "annotator"]
    console.print(_summary(shown, ["framework", "group", "annotator"]))
    console.print(_summary(shown, ["group", "annotator"]))
    if len(raters):
        console.print(f"{CROWD_RATER_PREFIX}* = {raters.nunique()} individual crowd raters")
    for note in release.notes:
        console.print(f"[yellow]note:[/yellow] {note}")


@data.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--framework",
    "framework",
    default=None,
    help="Framework id, task name or pack folder (not needed when PATH is a pack folder).",
)
@click.option(
    "--conversations",
    type=click.Path(path_type=Path),
    default=None,
    help="The conversations the ratings refer to (checked too, and item ids cross-checked).",
)
@click.option(
    "--annotator", default=None, help="Annotator name for files without an annotator column."
)
def validate(
    path: Path, framework: str | None, conversations: Path | None, annotator: str | None
) -> None:
    """Check a framework pack, or a user's ratings or conversations file; exit 1 listing problems.

    PATH is a pack folder (rubric.toml, conversations, ratings: everything is checked, and that
    they agree on ids, sub-components and scales), or a ratings file in the long schema
    (item_id, sub_component, annotator, rating[, group]) or the wide one (item_id, annotator,
    <sub-component columns>), or a conversations file (speaker/text or transcript columns).
    """
    from empathy_judge.datasets.pack import is_pack_folder, load_rubric, validate_pack
    from empathy_judge.datasets.user_data import (
        looks_like_conversations,
        validate_conversations,
        validate_ratings,
    )

    if path.is_dir() and framework is None:
        problems = validate_pack(path)
        kind = "framework pack"
        framework = str(path)
    else:
        if framework is None:
            raise click.UsageError("--framework is needed when PATH is a file, not a pack folder")
        try:
            rubric = load_rubric(framework)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--framework") from exc
        framework = str(framework) if is_pack_folder(framework) else rubric.id
        if conversations is None and looks_like_conversations(path):
            problems = validate_conversations(path, rubric)
            kind = "conversations"
        else:
            problems = validate_ratings(
                path, rubric, conversations=conversations, annotator=annotator
            )
            kind = "ratings"
    if problems:
        click.echo(f"{len(problems)} problem(s); the file is rejected:", err=True)
        for problem in problems[:200]:
            click.echo(f"  {problem}", err=True)
        if len(problems) > 200:
            click.echo(f"  ... and {len(problems) - 200} more", err=True)
        sys.exit(1)
    for warning in _warnings(path, kind, framework, annotator):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{path}: valid {kind}" + ("" if kind == "framework pack" else f" for {framework}"))


def _warnings(path: Path, kind: str, framework: str, annotator: str | None) -> list[str]:
    """What a valid pack or ratings file may still lack (sub-components no expert rated)."""
    from empathy_judge.datasets.pack import (
        load_pack,
        load_rubric,
        unrated_sub_components,
        unrated_warning,
    )
    from empathy_judge.datasets.user_data import load_user_ratings

    if kind == "framework pack":
        pack = load_pack(path)
        rubric, ratings = pack.framework, pack.ratings()
    elif kind == "ratings":
        rubric = load_rubric(framework)
        ratings = load_user_ratings(path, rubric, annotator=annotator)
    else:
        return []
    unrated = unrated_sub_components(rubric, ratings)
    return [unrated_warning(rubric, unrated)] if unrated else []


def _summary(ratings: pd.DataFrame, keys: list[str]) -> Table:
    """Counts of items, sub-components and ratings per ``keys``, as a rich table."""
    from rich.table import Table

    table = Table(title=f"ratings per {', '.join(keys)}")
    for column in keys:
        table.add_column(column, no_wrap=True)
    for column in ("items", "sub-comp.", "ratings"):
        table.add_column(column, justify="right", no_wrap=True)
    summary = ratings.groupby(keys, sort=False).agg(
        items=("item_id", "nunique"),
        sub_components=("sub_component", "nunique"),
        ratings=("rating", "size"),
    )
    for key, row in summary.iterrows():
        labels = [str(k) for k in cast(tuple[object, ...], key)]
        table.add_row(
            *labels,
            str(row["items"]),
            str(row["sub_components"]),
            f"{int(row['ratings']):,}",
        )
    return table
