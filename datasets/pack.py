"""Framework packs: a rubric plus where its conversations and ratings come from.

A *pack* is what a rating task runs on. There are two kinds, behind one interface:

* a **packaged framework** (the four of Kumar et al. 2025): its rubric ships with the package
  (``datasets/rubrics/<id>.toml`` with ``data = "release"``) and its conversations and ratings
  come from the authors' release (:mod:`empathy_judge.datasets.release`);
* a **folder pack** (your own framework and expert panel): a folder holding

  - ``rubric.toml`` — the rubric schema of :mod:`empathy_judge.datasets.rubric` (the
    release-only fields are optional; ``speakers``, ``consensus`` and
    ``level_of_measurement`` say how transcripts are labelled, how the experts' ratings of an
    item become its consensus, and which κ weights and α metric apply);
  - ``conversations.csv`` (or ``.jsonl`` / ``.parquet``) — the schemas of
    :mod:`empathy_judge.datasets.user_data` (one row per turn ``item_id, speaker, text[, turn]``
    or one per conversation ``item_id, transcript``), with the rubric's speaker names;
  - ``ratings.csv`` (or ``.jsonl`` / ``.parquet``) — long (``item_id, sub_component,
    annotator, group, rating``) or wide (``item_id, annotator, group, <sub>...``); ``group`` is
    ``expert`` for the reference panel, ``crowd``, ``llm`` or anything else for the others.

`load_pack` accepts a packaged id (``epitome``), a task name (``empathetic_dialogues``), a
folder, or the path of a folder's ``rubric.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .conversation import Conversation
from .errors import EmpathyJudgeError
from .rubric import Framework, RubricError, load_framework, load_rubric_file

if TYPE_CHECKING:
    from .data_problems import Problem
    from .pack_summary import PackSummary

RUBRIC_FILE = "rubric.toml"
DATA_SUFFIXES: tuple[str, ...] = (".csv", ".jsonl", ".parquet")


class PackError(EmpathyJudgeError, ValueError):
    """A framework pack cannot be found or is incomplete; the message says what to fix."""


@dataclass(frozen=True)
class Pack:
    """A framework and the source of its conversations and reference ratings.

    Attributes:
        framework: The rubric.
        root: The pack's folder; None for a packaged framework (data from the release).
        data_dir: The release folder to use (packaged frameworks; None: default resolution).
        conversations_file: The folder pack's conversations file.
        ratings_file: The folder pack's ratings file.
    """

    framework: Framework
    root: Path | None = None
    data_dir: Path | None = None
    conversations_file: Path | None = None
    ratings_file: Path | None = None

    @property
    def is_release(self) -> bool:
        """Whether the data comes from the authors' release."""
        return self.root is None

    @property
    def source(self) -> str:
        """Where the data comes from, for logs and messages: "release" or the folder."""
        return "release" if self.root is None else str(self.root)

    def conversations(self) -> list[Conversation]:
        """The pack's conversations.

        Raises:
            ConversationsUnavailableError: A packaged framework whose texts are not public.
            DataValidationError: A folder pack's conversations file is malformed.
        """
        if self.root is None:
            from .release import load_conversations

            return load_conversations(self.data_dir, self.framework.id)
        from .user_data import load_user_conversations

        assert self.conversations_file is not None
        return load_user_conversations(self.conversations_file, self.framework)

    def ratings(self) -> pd.DataFrame:
        """The long ratings table of this framework (every annotator, every group).

        Raises:
            DataValidationError: A folder pack's ratings file is malformed.
        """
        if self.root is None:
            from .release import load_ratings

            table = load_ratings(self.data_dir)
            return table[table["framework"] == self.framework.id].reset_index(drop=True)
        from .user_data import load_user_ratings

        assert self.ratings_file is not None
        return load_user_ratings(self.ratings_file, self.framework)


def find_data_file(root: Path, stem: str) -> Path:
    """The one ``<stem>.csv|.jsonl|.parquet`` file of a pack folder.

    Raises:
        PackError: None, or more than one.
    """
    candidates = [root / f"{stem}{suffix}" for suffix in DATA_SUFFIXES]
    found = [path for path in candidates if path.is_file()]
    if not found:
        raise PackError(
            f"{root}: no {stem} file; a pack holds {RUBRIC_FILE}, conversations.csv|.jsonl|.parquet"
            " and ratings.csv|.jsonl|.parquet"
        )
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise PackError(f"{root}: several {stem} files ({names}); keep one")
    return found[0]


def is_pack_folder(spec: str | Path) -> bool:
    """Whether `spec` names a pack folder (or its rubric file) rather than a packaged id."""
    path = Path(spec).expanduser()
    return (path.is_dir() and (path / RUBRIC_FILE).is_file()) or (
        path.is_file() and path.suffix == ".toml"
    )


def load_rubric(spec: str | Path) -> Framework:
    """Only the rubric of a packaged id or a pack folder (no data is read).

    Raises:
        KeyError: Neither a pack folder nor a packaged id.
        RubricError: The rubric is malformed.
    """
    if is_pack_folder(spec):
        path = Path(spec).expanduser()
        return load_rubric_file(path if path.is_file() else path / RUBRIC_FILE)
    return load_framework(str(spec))


def load_pack(spec: str | Path, *, data_dir: str | Path | None = None) -> Pack:
    """Resolve a packaged framework id or a pack folder.

    Args:
        spec: A packaged id or task name, a pack folder, or a pack's ``rubric.toml``.
        data_dir: The release folder for packaged frameworks (default resolution when None).

    Raises:
        PackError: Neither a packaged framework nor a pack folder; files missing.
        RubricError: The rubric is malformed.
    """
    if isinstance(spec, str) and not is_pack_folder(spec):
        try:
            framework = load_framework(spec)
        except KeyError:
            framework = None
        if framework is not None:
            if framework.data != "release":
                raise PackError(
                    f"{framework.id}: a packaged rubric without data; pass the pack folder"
                )
            return Pack(framework, data_dir=None if data_dir is None else Path(data_dir))
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".toml":
        path = path.parent
    if not path.is_dir():
        from .rubric import packaged_ids

        raise PackError(
            f"{spec}: not a packaged framework ({', '.join(packaged_ids())}) nor a pack folder"
        )
    rubric_path = path / RUBRIC_FILE
    if not rubric_path.is_file():
        raise PackError(f"{path}: no {RUBRIC_FILE}; a pack folder holds its rubric")
    framework = load_rubric_file(rubric_path)
    if framework.data == "release":
        raise RubricError(str(rubric_path), "field 'data': a pack's data sits beside its rubric")
    return Pack(
        framework,
        root=path.resolve(),
        conversations_file=find_data_file(path, "conversations"),
        ratings_file=find_data_file(path, "ratings"),
    )


def pack_specs(specs: Sequence[str | Path], *, data_dir: str | Path | None = None) -> list[Pack]:
    """Resolve several pack specs (see `load_pack`)."""
    return [load_pack(spec, data_dir=data_dir) for spec in specs]


def validate_pack(path: str | Path) -> list[Problem]:
    """Check a whole pack folder without raising: rubric, conversations, ratings, agreement.

    See :func:`check_pack`, which also counts what the pack holds.

    Args:
        path: The pack folder (or its ``rubric.toml``).

    Returns:
        Every problem found, each naming its file, line (or row) and column (empty when the
        pack is fine).
    """
    return check_pack(path)[0]


def check_pack(path: str | Path) -> tuple[list[Problem], PackSummary | None]:
    """Check a whole pack folder and count what it holds.

    The rubric must load; the conversations file must parse with the rubric's speaker names and
    hold the turn the rubric rates (``rated_turn``); every rating must name a known item and
    sub-component and lie on its scale; at least one annotator must be in group ``expert`` (the
    reference panel). Items no expert rated are counted in the summary, not rejected: the task
    rates them and leaves them out of agreement, as it says when it runs.

    Args:
        path: The pack folder (or its ``rubric.toml``).

    Returns:
        Every problem found (empty when the pack is fine), and the pack's counts when it is.
    """
    from .pack_summary import summarize_pack
    from .user_data import (
        Problem,
        conversations_problems,
        load_user_conversations,
        load_user_ratings,
        ratings_problems,
    )

    root = Path(path).expanduser()
    if root.is_file():
        root = root.parent
    rubric_path = root / RUBRIC_FILE
    if not rubric_path.is_file():
        return [
            Problem(str(root), None, None, f"no {RUBRIC_FILE}: a pack folder holds its rubric")
        ], None
    try:
        framework = load_rubric_file(rubric_path)
    except RubricError as error:
        return [Problem(str(rubric_path), None, None, error.detail)], None
    if framework.data == "release":
        detail = "field 'data': a pack's data sits beside its rubric (remove data = \"release\")"
        return [Problem(str(rubric_path), None, None, detail)], None
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    for stem in ("conversations", "ratings"):
        try:
            files[stem] = find_data_file(root, stem)
        except PackError as error:
            problems.append(Problem(str(root), None, None, str(error).removeprefix(f"{root}: ")))
    if problems:
        return problems, None
    conversation_problems = conversations_problems(files["conversations"], framework)
    problems += conversation_problems
    problems += ratings_problems(
        files["ratings"],
        framework,
        conversations=None if conversation_problems else files["conversations"],
    )
    if problems:
        return problems, None
    conversations = load_user_conversations(files["conversations"], framework)
    if framework.rated_turn is not None:
        turn = framework.rated_turn
        missing = [
            c.item_id for c in conversations if turn.index([t.speaker for t in c.turns]) is None
        ]
        if missing:
            problems.append(
                Problem(
                    str(files["conversations"]),
                    None,
                    "speaker",
                    f"{len(missing)} conversation(s) have no {turn.name} turn to rate"
                    f" (rated_turn = {turn.spec!r}), e.g. {missing[0]!r}",
                )
            )
    ratings = load_user_ratings(files["ratings"], framework)
    experts = ratings[ratings["group"] == "expert"]
    if experts.empty:
        groups = sorted(str(g) for g in ratings["group"].unique())
        problems.append(
            Problem(
                str(files["ratings"]),
                None,
                "group",
                f"no annotator of group 'expert' (groups: {groups}): the reference panel is the"
                " experts",
            )
        )
    if problems:
        return problems, None
    return [], summarize_pack(framework, conversations, ratings)


def unrated_sub_components(framework: Framework, ratings: pd.DataFrame) -> list[str]:
    """The rubric's sub-components that no expert rated (in the rubric's order).

    The model is still asked for them, but with no reference no agreement can be computed: a
    warning in ``data validate`` and when the task is built, not an error (a pack may be rated
    in stages).

    Args:
        framework: The rubric.
        ratings: The long ratings table (columns sub_component, group, rating).

    Returns:
        The column names no annotator of group ``expert`` gave a rating for.
    """
    rated = ratings.loc[(ratings["group"] == "expert") & ratings["rating"].notna(), "sub_component"]
    present = set(rated.astype(str))
    return [column for column in framework.columns if column not in present]


def unrated_warning(framework: Framework, columns: Sequence[str]) -> str:
    """The one-line warning for sub-components no expert rated."""
    return (
        f"{framework.id}: no expert rated sub-component(s) {', '.join(columns)}: the model is "
        "asked for them, but they have no reference and give no agreement"
    )
