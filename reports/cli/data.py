"""`empathy-judge data ...`: fetch, inspect and validate data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from .options import data_dir_option

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from ...datasets.pack_summary import PackSummary


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
    from ...datasets.checksums import RELEASE_COMMIT
    from ...datasets.download import (
        ReleaseDownloadError,
        download_release,
        verify_files,
    )
    from ...datasets.release import cache_dir, is_complete_release

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
@click.argument("pack", required=False, type=click.Path(path_type=Path))
@data_dir_option
def info(pack: Path | None, data_dir: str | None) -> None:
    """Describe a framework pack (PACK, a folder), or the release and what it holds.

    Without PACK: where the authors' release resolves from, its counts and its annotators.
    With PACK: the rubric (title, version, speakers, the rated turn, the prompt's framing,
    sub-components with scales), its files and what they hold.
    """
    if pack is not None:
        _pack_info(pack)
        return
    from rich.console import Console

    from ...datasets.release import (
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
    from ...datasets.pack import check_pack, is_pack_folder, load_rubric
    from ...datasets.user_data import (
        conversations_problems,
        looks_like_conversations,
        ratings_problems,
    )

    summary: PackSummary | None = None
    if path.is_dir() and framework is None:
        problems, summary = check_pack(path)
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
            problems = conversations_problems(path, rubric)
            kind = "conversations"
        else:
            problems = ratings_problems(
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
    if summary is not None:
        for line in summary.lines():
            click.echo(f"  {line}")


def _pack_info(path: Path) -> None:
    """`data info PACK`: the rubric, the files and the counts of one pack folder."""
    from ...datasets.pack import RUBRIC_FILE, check_pack, find_data_file

    problems, summary = check_pack(path)
    if summary is None:
        click.echo(f"{path}: {len(problems)} problem(s) (empathy-judge data validate {path}):")
        for problem in problems[:20]:
            click.echo(f"  {problem}")
        sys.exit(1)
    f = summary.framework
    click.echo(f"pack: {path.resolve()}")
    click.echo(f"  rubric: {path / RUBRIC_FILE}")
    for stem in ("conversations", "ratings"):
        click.echo(f"  {stem}: {find_data_file(path, stem)}")
    for line in summary.lines():
        click.echo(line)
    click.echo(f"unit: {f.unit}")
    if f.framing is not None:
        for part in ("role", "context", "rated"):
            text = getattr(f.framing, part)
            click.echo(f"framing.{part}: {text or '(the packaged wording)'}")
    else:
        click.echo("framing: none (the packaged system prompt, with the rubric's speaker names)")
    for sub in f.sub_components:
        polarity = ", negative" if sub.polarity == "negative" else ""
        click.echo(f"- {sub.column} ({sub.label}; {sub.scale_min}–{sub.scale_max}{polarity})")
        for level, anchor in sub.anchors.items():
            click.echo(f"    {level} = {anchor}")
    click.echo(
        f"run it: inspect eval empathy_judge/custom -T framework={path} --model MODEL"
        " (replay/ANNOTATOR replays one of the annotators above)"
    )


def _warnings(path: Path, kind: str, framework: str, annotator: str | None) -> list[str]:
    """What a valid pack or ratings file may still lack (sub-components no expert rated)."""
    from ...datasets.pack import (
        load_pack,
        load_rubric,
        unrated_sub_components,
        unrated_warning,
    )
    from ...datasets.user_data import load_user_ratings

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
