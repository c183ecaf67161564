"""`empathy-judge reproduce`: the study's agreement tables from the release, in one command."""

from __future__ import annotations

from pathlib import Path

import click

from .options import data_dir_option, resamples_option, seed_option


@click.command("reproduce")
@data_dir_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reproduce"),
    show_default=True,
    help="Folder for kappa.csv, alpha.csv and summary.md.",
)
@seed_option
@resamples_option("Bootstrap resamples for the confidence intervals.")
def reproduce(data_dir: str | None, out_dir: Path, seed: int, resamples: int) -> None:
    """Write the study's κw and α tables and a summary from the release's annotation files."""
    from ...datasets.release import load_ratings
    from ...scorers.bootstrap_settings import BootstrapSettings
    from ..reproduce import reproduce as run

    ratings = load_ratings(data_dir)
    result = run(ratings, out_dir, settings=BootstrapSettings(n_resamples=resamples, seed=seed))
    click.echo(
        f"wrote {len(result.kappa)} κ rows, {len(result.alpha)} α rows and summary.md "
        f"to {result.out_dir}"
    )
