"""`empathy-judge plan SOURCE`: items (and expert ratings) that would make the verdicts conclusive.

Exit codes: 0 planned; 2 the source cannot be planned from (one expert, no item with both a
consensus and a judge rating, an unknown judge or framework), with a one-line message on stderr.
"""

from __future__ import annotations

import sys

import click

from .options import (
    USAGE_ERROR,
    data_dir_option,
    frameworks_option,
    judge_option,
    resamples_option,
    seed_option,
)


@click.command("plan")
@click.argument("source")
@judge_option
@frameworks_option
@click.option(
    "--margin",
    type=click.FloatRange(min=0.0, min_open=True),
    default=0.10,
    show_default=True,
    help="The like-for-like verdict's non-inferiority margin (κ).",
)
@click.option(
    "--power",
    type=click.FloatRange(min=0.5, max=0.99, min_open=True),
    default=0.8,
    show_default=True,
    help="The wanted share of conclusive verdicts (and of detected drops).",
)
@click.option(
    "--level",
    type=click.FloatRange(min=0.5, max=0.999),
    default=0.95,
    show_default=True,
    help="The verdict's interval coverage.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON rows instead of a table.")
@resamples_option("Bootstrap resamples of the pilot's verdicts.")
@seed_option
@data_dir_option
def plan(
    source: str,
    judge: str | None,
    frameworks: tuple[str, ...],
    margin: float,
    power: float,
    level: float,
    as_json: bool,
    resamples: int,
    seed: int,
    data_dir: str | None,
) -> None:
    """Plan the items a like-for-like verdict (and the regression gate) needs, from a pilot.

    SOURCE is a pilot run's log file or folder, a pack folder, a packaged framework id
    (epitome, ...) or 'release' (every packaged framework), with --judge naming the judge
    (an annotator of the ratings, or a model of the logs). Per sub-component and per
    framework mean: the items for the verdict to be conclusive with the given power if the
    judge is as good as an expert (Δ = 0) and if the pilot's Δ is the truth, the items for
    `compare` to detect a drop of 0.1 and 0.2 κ, and the expert ratings each costs
    (items × experts).
    """
    from ...datasets.errors import EmpathyJudgeError
    from ...scorers.bootstrap_settings import BootstrapSettings
    from ..corpora import load_corpora
    from ..plan import plan_corpus
    from ..plan_output import plan_json, plan_text

    bootstrap = BootstrapSettings(n_resamples=resamples, seed=seed, confidence=level)
    try:
        corpora = load_corpora(source, judge=judge, frameworks=frameworks, data_dir=data_dir)
        rows = [
            row
            for corpus in corpora
            for row in plan_corpus(corpus, margin=margin, power=power, settings=bootstrap)
        ]
    except EmpathyJudgeError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_ERROR)
    settings = {"margin": margin, "power": power, "level": level}
    click.echo(plan_json(rows, **settings) if as_json else plan_text(rows, **settings))
