"""`empathy-judge estimate SOURCE --judge NAME`: the experts' mean over a corpus, judge-powered.

Exit codes: 0 estimated; 2 the source cannot give an estimate (no expert-rated item, one expert,
no item rated by both the judge and the experts, an unknown judge or framework), with a
one-line message on stderr.
"""

from __future__ import annotations

import sys

import click

from .options import (
    USAGE_ERROR,
    data_dir_option,
    frameworks_option,
    judge_option,
)


@click.command("estimate")
@click.argument("source")
@judge_option
@frameworks_option
@click.option(
    "--labelled",
    type=click.IntRange(min=2),
    default=None,
    help="Demo: keep the experts' ratings on N items drawn at random, withhold the rest.",
)
@click.option(
    "--labelled-items",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Keep the experts' ratings on the items listed in FILE (one id a line), withhold "
    "the rest.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --labelled's draw.")
@click.option(
    "--compare-to",
    default=None,
    help="A second corpus rated by the same judge (same kinds of SOURCE): prints source − "
    "compared per sub-component; --labelled applies to it too.",
)
@click.option(
    "--level",
    type=click.FloatRange(min=0.5, max=0.999),
    default=0.95,
    show_default=True,
    help="Interval coverage.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON rows instead of a table.")
@data_dir_option
def estimate(
    source: str,
    judge: str | None,
    frameworks: tuple[str, ...],
    labelled: int | None,
    labelled_items: str | None,
    seed: int,
    compare_to: str | None,
    level: float,
    as_json: bool,
    data_dir: str | None,
) -> None:
    """Estimate the mean expert consensus per sub-component over SOURCE's whole corpus.

    SOURCE is a log file or folder (a judge's run; its samples carry the experts' ratings
    where there are some), a pack folder, a packaged framework id (epitome, ...) or
    'release' (every packaged framework). Items with an expert consensus are the labelled
    set; items the judge rated without one are unlabelled. Prediction-powered inference with
    power tuning (PPI++) uses the judge on every item and corrects its bias with the labelled
    ones: an unbiased estimate with a valid interval, beside the experts-only interval and
    the judge-only mean (biased). The labelled items must be a random subset of the corpus.
    """
    from ...datasets.errors import EmpathyJudgeError
    from ..corpora import JudgedCorpus, load_corpora, read_item_list, withhold_experts
    from ..estimate import estimate_report, report_json, report_text

    if labelled is not None and labelled_items is not None:
        raise click.UsageError("give --labelled or --labelled-items, not both")
    try:
        items = read_item_list(labelled_items) if labelled_items is not None else None

        def read(spec: str) -> list[JudgedCorpus]:
            corpora = load_corpora(spec, judge=judge, frameworks=frameworks, data_dir=data_dir)
            if labelled is None and items is None:
                return corpora
            return [
                withhold_experts(c, labelled=labelled, labelled_items=items, seed=seed)
                for c in corpora
            ]

        corpora = read(source)
        others = read(compare_to) if compare_to is not None else []
        report = estimate_report(corpora, others, level=level)
    except EmpathyJudgeError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_ERROR)
    click.echo(report_json(report) if as_json else report_text(report))
