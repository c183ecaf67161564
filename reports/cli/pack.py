"""`empathy-judge pack ...`: start a framework pack, or build one from a flat table."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def pack() -> None:
    """Write a framework pack: a commented example (init) or one from a flat table (convert)."""


def _check_and_report(root: Path) -> None:
    """Validate the written pack; print its counts, or its problems and exit 1."""
    from ...datasets.pack import check_pack

    problems, summary = check_pack(root)
    if summary is None:
        click.echo(f"{root}: written, but {len(problems)} problem(s) to fix:", err=True)
        for problem in problems[:50]:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(f"{root}: valid framework pack")
    for line in summary.lines():
        click.echo(f"  {line}")


@pack.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the pack's files if the folder has them.")
def init(folder: Path, force: bool) -> None:
    """Write an example pack into FOLDER, to edit: it validates and runs as written.

    The files: rubric.toml (every field commented: which are required, the level of
    measurement, how to mark the rated turn, the prompt's framing), conversations.csv (one row
    per turn), ratings.csv (three experts and one LLM, long schema) and a README.md stub.
    """
    from ...datasets.pack_template import write_pack_template

    written = write_pack_template(folder, force=force)
    for path in written.files:
        click.echo(f"wrote {path}")
    _check_and_report(written.root)
    click.echo(
        f"next: edit {folder / 'rubric.toml'} and replace the example data, then"
        f" `empathy-judge data validate {folder}`; try it with"
        f" `inspect eval empathy_judge/custom -T framework={folder} --model replay/my-llm`"
    )


@pack.command()
@click.argument("table", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("rating_columns", nargs=-1, required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The pack folder.")
@click.option("--item", "item", required=True, help="Column of the item (conversation) id.")
@click.option("--annotator", required=True, help="Column of the annotator's name.")
@click.option(
    "--group",
    "group",
    default=None,
    help="Column of each row's group: expert (the reference panel), crowd, llm, gold or model."
    " Without it, --expert names the experts (default: every annotator is one).",
)
@click.option(
    "--expert",
    "experts",
    multiple=True,
    help="Without --group: an annotator who is an expert (repeat); the others are --other-group.",
)
@click.option(
    "--other-group", default="llm", show_default=True, help="Group of annotators not --expert."
)
@click.option(
    "--text",
    "texts",
    multiple=True,
    required=True,
    help="A column holding the conversation's text, in turn order (repeat for several).",
)
@click.option(
    "--speaker",
    "speakers",
    multiple=True,
    help="Per --text column, in order: the speaker of its one turn (e.g. Therapist), or"
    " 'labelled' for a transcript of 'Name: ...' lines (default: every text column is labelled).",
)
@click.option(
    "--speakers",
    "names",
    default="Seeker,Supporter",
    show_default=True,
    help="The two roles' names, SEEKER,SUPPORTER (the supporter's communication is rated).",
)
@click.option(
    "--rated-turn",
    default="all",
    show_default=True,
    help='Which turn is rated: "all", "last" (the supporter\'s last turn) or "last:NAME".',
)
@click.option(
    "--scale",
    "scales",
    multiple=True,
    help="MIN-MAX for every rating column, or COLUMN=MIN-MAX (repeat); default: read from the"
    " data (check it).",
)
@click.option(
    "--level",
    type=click.Choice(["ordinal", "interval", "nominal", "ratio"]),
    default="ordinal",
    show_default=True,
    help="Level of measurement of the ratings.",
)
@click.option("--id", "pack_id", default=None, help="The pack id (default: the folder's name).")
@click.option("--title", default=None, help="A readable name.")
@click.option(
    "--rubric",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Copy this rubric (e.g. one written with `pack init`) instead of writing a stub.",
)
@click.option("--force", is_flag=True, help="Overwrite the pack's files if the folder has them.")
def convert(
    table: Path,
    rating_columns: tuple[str, ...],
    out: Path,
    item: str,
    annotator: str,
    group: str | None,
    experts: tuple[str, ...],
    other_group: str,
    texts: tuple[str, ...],
    speakers: tuple[str, ...],
    names: str,
    rated_turn: str,
    scales: tuple[str, ...],
    level: str,
    pack_id: str | None,
    title: str | None,
    rubric: Path | None,
    force: bool,
) -> None:
    """Build a pack from one flat TABLE (CSV, JSONL or Parquet) of ratings.

    TABLE has a row per (item, annotator): the item's id, the annotator, optionally the group,
    the conversation's text (one or more columns), and RATING_COLUMNS, each a sub-component.
    Example (one row per coder and therapist turn, the context a labelled transcript):

        empathy-judge pack convert codes.csv --out mi_pack --item utterance_id
        --annotator coder --group role --text context --speaker labelled
        --text therapist_turn --speaker Therapist --speakers Client,Therapist
        --rated-turn last --scale 0-2 reflection advice
    """
    from ...datasets.pack_convert import (
        ColumnMap,
        PackConvertError,
        RubricStub,
        convert_table,
        parse_scale,
    )

    parts = [p.strip() for p in names.split(",")]
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter(
            "write it SEEKER,SUPPORTER, e.g. Client,Therapist", param_hint="--speakers"
        )
    per_column: dict[str, tuple[int, int]] = {}
    try:
        for spec in scales:
            column, sep, text = spec.rpartition("=")
            targets = [column] if sep else list(rating_columns)
            for target in targets:
                per_column[target] = parse_scale(text)
        converted = convert_table(
            table,
            out,
            ColumnMap(
                item=item,
                annotator=annotator,
                ratings=rating_columns,
                texts=texts,
                speakers=speakers,
                group=group,
                experts=experts,
                other_group=other_group,
            ),
            RubricStub(
                id=pack_id,
                title=title,
                names=(parts[0], parts[1]),
                scales=per_column,
                level=level,
                rated_turn=rated_turn,
            ),
            rubric=rubric,
            force=force,
        )
    except PackConvertError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"wrote {converted.root}: {converted.items} conversations, {converted.ratings:,} rating"
        " rows"
    )
    for column in converted.inferred:
        low, high = converted.scales[column]
        click.echo(f"  scale of {column} read from the data: {low}..{high} (--scale to set it)")
    _check_and_report(converted.root)
    if converted.rubric_written:
        click.echo(
            f"next: write the labels, definitions and anchors in {out / 'rubric.toml'} (the judge"
            " reads them), then `empathy-judge data validate` it again"
        )
