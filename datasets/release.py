"""The authors' release (Kumar et al. 2025): find it, then parse it into the canonical shapes.

Where the data comes from, first match wins:

1. an explicit ``data_dir`` argument (``--data-dir`` on the command line);
2. the ``EMPATHY_JUDGE_DATA`` environment variable;
3. the user cache, ``platformdirs.user_cache_dir("empathy-judge")/release/<commit>``, when it
   holds every required file;
4. a download of the pinned commit into that cache (verified, atomic; see
   :mod:`empathy_judge.datasets.download`).

A release folder holds ``annotations/<framework>/`` and ``original_data/`` exactly as upstream.

**Ratings** (:func:`load_ratings`) come back as one long table with the columns
``framework, item_id, sub_component, group, annotator, rating`` (strings, ``rating`` float64
with NaN for a missing rating). Annotator files map to annotators as follows; whichever are
present load, absent ones are simply not there:

=========================  =====================  =======
file in annotations/<fw>/  annotator              group
=========================  =====================  =======
expert{1,2,3}_ratings.csv  expert1 .. expert3     expert
crowd_ratings.csv          crowd (per-item mean)  crowd
gemini_ratings.csv         gemini-2.5-pro         llm
gpt_ratings.csv            gpt-4o                 llm
claude_ratings.csv         claude-3.7-sonnet      llm
=========================  =====================  =======

``sample_ratings_crowdsourced.csv`` repeats ``crowd_ratings.csv`` (plus ``response_length``) and
is not read as ratings. Individual crowd raters (a rubric's ``[release] crowd_raters``: the Lend
an Ear crowd's ``original_data/sample_lend_an_ear_annotations.csv``) are annotators
``crowd-rater:<user_id>`` in group ``crowd``; their blank cells are NaN rows (the rater saw the
item, gave no rating).

Nothing here names a framework: the loader iterates the packaged rubrics, and each one's
``[release]`` table (:mod:`empathy_judge.datasets.release_layout`) says which folder holds its
annotator files, which file its conversations and which named reader parses them
(:mod:`empathy_judge.datasets.release_readers`). A fifth packaged framework is its rubric file
plus its files' checksums in :mod:`empathy_judge.datasets.checksums`.

Item ids are the first of the rubric's ``item_id_columns``: ``conv_id`` (EmpatheticDialogues),
``sp_id`` (EPITOME — GPT/Claude files have no ``rp_id``), ``id`` (Perceived Empathy),
``conversation_id`` (Lend an Ear, kept as a string: it does not fit in an int64).

Every resolved folder is checked the same way (:mod:`empathy_judge.datasets.release_files`):
all required files present when it is resolved, each file's CSV shape when it is parsed, and
the required files' SHA-256 against the pinned release once it parsed — so a missing, truncated
or edited expert file is an error, never a panel of two experts.

Quirks handled: columns in any order; leading unnamed index columns; floats written as ``2.0``;
quoted multi-line text; files without a final newline. An optional (GPT-4o, Claude) file with
duplicated item ids or not exactly 50 items is loaded (first row per item kept) and reported in
:attr:`Release.notes` and as a :class:`ReleaseWarning`; a non-numeric, non-finite or
off-scale rating or a missing column raises :class:`ReleaseFormatError` naming file, row and
column.

**Conversations** (:func:`load_conversations`) are
:class:`~empathy_judge.datasets.conversation.Conversation` records built from
``original_data/`` by the reader each rubric names: EmpatheticDialogues from one row per
utterance (``utterance_rows``: ``_comma_`` -> ``,``; the situation ``prompt`` is the first Seeker
turn, then the utterances alternate Seeker, Supporter in ``utterance_idx`` order); EPITOME as
the seeker post and the response (``seeker_response``); Lend an Ear from the
``Seeker:``/``Supporter:`` transcript (``transcript``: empty turns dropped; lines without a
label continue the previous turn). Perceived Empathy texts are not public (its rubric says
``no_conversations``), see :func:`load_conversations`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .checksums import RELEASE_CHECKSUMS, RELEASE_COMMIT
from .conversation import Conversation
from .errors import EmpathyJudgeError
from .ratings_table import RATINGS_COLUMNS
from .release_files import (
    ReleaseFormatError as ReleaseFormatError,
)
from .release_files import (
    ReleaseNotFoundError as ReleaseNotFoundError,
)
from .release_files import (
    incomplete_message,
    missing_required_files,
    read_release_csv,
    require_columns,
    verify_required_files,
)
from .release_layout import ReleaseLayout
from .release_readers import read_conversations
from .rubric import Framework, all_frameworks, load_framework

#: Environment variable naming a local copy of the release.
DATA_ENV = "EMPATHY_JUDGE_DATA"
#: Items per framework in the study.
ITEMS_PER_FRAMEWORK = 50

Origin = Literal["argument", "environment", "cache", "download"]


@dataclass(frozen=True)
class AnnotatorFile:
    """How one per-framework annotator file maps to an annotator."""

    filename: str
    annotator: str
    group: str


#: The annotator files of a framework's ``[release] annotations`` folder, in table order.
ANNOTATOR_FILES: tuple[AnnotatorFile, ...] = (
    AnnotatorFile("expert1_ratings.csv", "expert1", "expert"),
    AnnotatorFile("expert2_ratings.csv", "expert2", "expert"),
    AnnotatorFile("expert3_ratings.csv", "expert3", "expert"),
    AnnotatorFile("crowd_ratings.csv", "crowd", "crowd"),
    AnnotatorFile("gemini_ratings.csv", "gemini-2.5-pro", "llm"),
    AnnotatorFile("gpt_ratings.csv", "gpt-4o", "llm"),
    AnnotatorFile("claude_ratings.csv", "claude-3.7-sonnet", "llm"),
)

#: Prefix of individual crowd raters' annotator names (Lend an Ear's).
CROWD_RATER_PREFIX = "crowd-rater:"


class ReleaseWarning(UserWarning):
    """Something odd but loadable in the release (duplicated ids, unexpected item counts)."""


class ConversationsUnavailableError(EmpathyJudgeError, LookupError):
    """The release has no conversation text for this framework (Perceived Empathy)."""


@dataclass(frozen=True)
class ResolvedRelease:
    """Where the release was found.

    Attributes:
        path: The release folder (holds ``annotations/``).
        origin: Which rule found it: "argument", "environment", "cache" or "download".
    """

    path: Path
    origin: Origin


@dataclass(frozen=True)
class Release:
    """The whole release, parsed.

    Attributes:
        path: The release folder.
        ratings: The long ratings table (see the module docstring). Treat it as read-only;
            :func:`load_ratings` returns a copy.
        conversations: Every conversation with text (EmpatheticDialogues, EPITOME, Lend an Ear).
        files: Release-relative paths that were read.
        notes: Loadable oddities found while parsing (also emitted as warnings).
    """

    path: Path
    ratings: pd.DataFrame
    conversations: tuple[Conversation, ...]
    files: tuple[str, ...]
    notes: tuple[str, ...]


# -- resolution ---------------------------------------------------------------------------


def cache_dir() -> Path:
    """The cache folder for the pinned release: ``<user cache>/release/<commit>``."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("empathy-judge")) / "release" / RELEASE_COMMIT


def is_complete_release(path: Path) -> bool:
    """Whether ``path`` holds every required (non-optional) release file."""
    return not missing_required_files(path)


def _checked(path: Path, how: str) -> Path:
    where = f"{how}={path}"
    if not path.is_dir():
        raise ReleaseNotFoundError(f"{where} is not a folder")
    if not (path / "annotations").is_dir():
        raise ReleaseNotFoundError(
            f"{where} does not look like the release: it has no annotations/ folder"
            " (point at the folder holding annotations/ and original_data/)"
        )
    missing = missing_required_files(path)
    if missing:
        raise ReleaseNotFoundError(incomplete_message(where, missing))
    return path


def resolve_release(
    data_dir: str | Path | None = None, *, download: bool = True
) -> ResolvedRelease:
    """Find the release: argument, then ``$EMPATHY_JUDGE_DATA``, then the cache, then download.

    Args:
        data_dir: An explicit release folder; wins over everything else.
        download: Download into the cache when nothing else is found.

    Returns:
        The folder and which rule found it.

    Raises:
        ReleaseNotFoundError: An explicit or environment path is not a release folder or lacks
            a required file, or no copy exists and ``download`` is false.
        ReleaseDownloadError: The download failed (nothing was written to the cache).
    """
    if data_dir is not None:
        return ResolvedRelease(_checked(Path(data_dir).expanduser(), "data_dir"), "argument")
    env = os.environ.get(DATA_ENV)
    if env:
        return ResolvedRelease(_checked(Path(env).expanduser(), DATA_ENV), "environment")
    cached = cache_dir()
    if is_complete_release(cached):
        return ResolvedRelease(cached, "cache")
    if not download:
        from .download import OFFLINE_HINT

        raise ReleaseNotFoundError(
            f"no copy of the release: {DATA_ENV} is not set and the cache {cached} is empty."
            f" Run `empathy-judge data fetch` to download it. {OFFLINE_HINT}"
        )
    from .download import download_release

    return ResolvedRelease(download_release(cached), "download")


def resolve_data_dir(data_dir: str | Path | None = None, *, download: bool = True) -> Path:
    """The release folder (see :func:`resolve_release`)."""
    return resolve_release(data_dir, download=download).path


# -- loading --------------------------------------------------------------------------------


def load_release(data_dir: str | Path | None = None) -> Release:
    """Parse the whole release (cached in-process per folder and file modification times).

    Args:
        data_dir: The release folder; resolved with :func:`resolve_data_dir` when None.

    Returns:
        The parsed release.

    Raises:
        ReleaseNotFoundError: No copy of the release, or one lacking a required file.
        ReleaseFormatError: A file cannot be parsed, or a required file differs from the
            pinned release.
    """
    root = resolve_data_dir(data_dir).resolve()
    return _load_cached(str(root), _signature(root))


def load_ratings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The release's ratings as one long table (a fresh copy; see the module docstring).

    Args:
        data_dir: The release folder; resolved with :func:`resolve_data_dir` when None.

    Returns:
        Columns ``framework, item_id, sub_component, group, annotator, rating``.
    """
    return load_release(data_dir).ratings.copy()


def load_conversations(
    data_dir: str | Path | None = None, framework: str | None = None
) -> list[Conversation]:
    """The release's conversations, for one framework or all that have text.

    Perceived Empathy has no text in the release: the authors share it on request. Supply it
    yourself with :func:`empathy_judge.datasets.user_data.load_user_conversations` (framework
    "perceived_empathy"), with either the columns ``item_id, speaker, text[, turn]`` (one row
    per turn; ``speaker`` is "Seeker" for the disclosure and "Supporter" for the response) or
    ``item_id, transcript`` (lines starting "Seeker:" / "Supporter:"). ``item_id`` is the
    release's ``id`` column (e.g. "63fb73b8e64f455117b045b9").

    Args:
        data_dir: The release folder; resolved with :func:`resolve_data_dir` when None.
        framework: A framework id or task name; None for every framework with text
            (EmpatheticDialogues, EPITOME, Lend an Ear).

    Returns:
        The conversations in the source files' order.

    Raises:
        ConversationsUnavailableError: ``framework``'s rubric says the release has no texts
            for it (``[release] no_conversations``: Perceived Empathy).
        KeyError: Unknown framework.
    """
    wanted = None if framework is None else load_framework(framework)
    if wanted is not None and wanted.release is not None and wanted.release.conversations is None:
        raise ConversationsUnavailableError(_no_text_message(wanted, wanted.release))
    conversations = load_release(data_dir).conversations
    return [c for c in conversations if wanted is None or c.framework == wanted.id]


def _no_text_message(framework: Framework, layout: ReleaseLayout) -> str:
    return (
        f"the release has no {framework.title} conversation text: {layout.no_conversations}."
        " Supply it with empathy_judge.datasets.user_data.load_user_conversations("
        f"path, '{framework.id}'), columns item_id (the release's"
        f" `{framework.item_id_columns[0]}`), speaker (Seeker|Supporter), text [, turn] — or"
        " item_id, transcript."
    )


def _release_frameworks() -> list[tuple[Framework, ReleaseLayout]]:
    """The packaged frameworks with data in the release, with their layouts, in their order."""
    return [(f, f.release) for f in all_frameworks() if f.release is not None]


def _candidate_files() -> list[str]:
    names = tuple(a.filename for a in ANNOTATOR_FILES)
    return [rel for _, layout in _release_frameworks() for rel in layout.files(names)]


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    # Re-parse (and re-verify) when any listed file appears, disappears or changes.
    entries = []
    for rel in sorted(set(_candidate_files()) | set(RELEASE_CHECKSUMS)):
        try:
            stat = (root / rel).stat()
        except FileNotFoundError:
            continue
        entries.append((rel, stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


@cache
def _load_cached(root: str, signature: tuple[tuple[str, int, int], ...]) -> Release:
    path = Path(root)
    present = {rel for rel, _, _ in signature} & set(_candidate_files())
    notes: list[str] = []
    pieces: list[pd.DataFrame] = []
    conversations: list[Conversation] = []
    for framework, layout in _release_frameworks():
        expected_ids: set[str] | None = None
        for spec in ANNOTATOR_FILES:
            rel = f"{layout.annotations}/{spec.filename}"
            if rel not in present:
                continue
            piece = _annotator_ratings(path, rel, framework, spec.annotator, spec.group, notes)
            ids = set(piece["item_id"])
            if expected_ids is None:
                expected_ids = ids
            elif ids != expected_ids:
                notes.append(
                    f"{rel}: item ids differ from the framework's first file"
                    f" ({len(ids - expected_ids)} extra, {len(expected_ids - ids)} missing)"
                )
            pieces.append(piece)
        if layout.crowd_raters is not None and layout.crowd_raters in present:
            pieces.append(_crowd_rater_ratings(path, framework, layout, notes))
    ratings = _concat(pieces)
    # Conversations after all ratings, so that a damaged ratings file is reported first.
    for framework, layout in _release_frameworks():
        if layout.conversations is not None and layout.conversations in present:
            conversations += read_conversations(path, framework)
    # After parsing, so that a file that does not parse is reported by row and column.
    verify_required_files(path)
    for note in notes:
        warnings.warn(note, ReleaseWarning, stacklevel=3)
    return Release(
        path=path,
        ratings=ratings,
        conversations=tuple(conversations),
        files=tuple(sorted(present)),
        notes=tuple(notes),
    )


def _read_csv(root: Path, rel: str) -> tuple[pd.DataFrame, str]:
    """The file's table and how messages name it (its full path)."""
    return read_release_csv(root, rel), str(root / rel)


def _numeric(frame: pd.DataFrame, where: str, framework: Framework) -> np.ndarray[Any, Any]:
    """Ratings as a float matrix; blank cells are NaN, anything else off-scale is an error.

    Data rows are numbered from 1 after the header (``frame`` keeps the file's row positions:
    its index is the row number minus one). The first bad cell in file order is reported.
    """
    columns = list(framework.columns)
    n, k = len(frame), len(columns)
    text = np.char.strip(frame[columns].to_numpy(dtype=str).reshape(n, k))
    given = text != ""
    cells = text.astype(object)
    cells[~given] = None
    parsed = pd.to_numeric(pd.Series(cells.ravel(), dtype=object), errors="coerce")
    values = parsed.to_numpy(dtype=np.float64, na_value=np.nan).reshape(n, k)
    low = np.array([framework.sub_component(c).scale_min for c in columns], dtype=np.float64)
    high = np.array([framework.sub_component(c).scale_max for c in columns], dtype=np.float64)
    not_number = given & np.isnan(values)
    infinite = np.isinf(values)
    off_scale = np.isfinite(values) & ((values < low) | (values > high))
    bad = not_number | infinite | off_scale
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        if not_number[i, j]:
            what = "is not a number"
        elif infinite[i, j]:
            what = "is not a finite number"
        else:
            what = f"is outside the scale {int(low[j])}..{int(high[j])}"
        raise ReleaseFormatError(
            f"{where}: row {int(frame.index[i]) + 1} (data rows numbered from 1 after the"
            f" header), column {columns[j]!r}: {str(text[i, j])[:40]!r} {what}"
        )
    return values


def _dedupe(
    frame: pd.DataFrame, keys: Sequence[str], columns: Sequence[str], rel: str, notes: list[str]
) -> pd.DataFrame:
    duplicated = frame.duplicated(list(keys), keep=False)
    if duplicated.any():
        dupes = frame[duplicated]
        per_key = dupes.groupby(list(keys))[list(columns)].nunique()
        conflicting = int((per_key > 1).any(axis=1).sum())
        notes.append(
            f"{rel}: {int(frame.duplicated(list(keys)).sum())} duplicated row(s) for"
            f" {dupes[list(keys)].drop_duplicates().shape[0]} key(s)"
            f" ({conflicting} with differing ratings); the first row of each is kept"
        )
        frame = frame[~frame.duplicated(list(keys))]
    return frame


def _long(
    framework: str,
    item_ids: np.ndarray[Any, Any],
    annotators: np.ndarray[Any, Any],
    group: str,
    columns: Sequence[str],
    values: np.ndarray[Any, Any],
) -> pd.DataFrame:
    n, k = values.shape
    return pd.DataFrame(
        {
            "framework": np.full(n * k, framework, dtype=object),
            "item_id": np.repeat(item_ids, k),
            "sub_component": np.tile(np.asarray(columns, dtype=object), n),
            "group": np.full(n * k, group, dtype=object),
            "annotator": np.repeat(annotators, k),
            "rating": values.reshape(-1),
        }
    )


def _annotator_ratings(
    root: Path, rel: str, framework: Framework, annotator: str, group: str, notes: list[str]
) -> pd.DataFrame:
    frame, where = _read_csv(root, rel)
    id_column = framework.item_id_columns[0]
    columns = framework.columns
    require_columns(frame, where, [id_column, *columns])
    frame = frame.assign(**{id_column: frame[id_column].str.strip()})
    blank = (frame[id_column] == "").to_numpy()
    if blank.any():
        row = int(np.flatnonzero(blank)[0]) + 1
        raise ReleaseFormatError(f"{where}: row {row}, column {id_column!r}: empty item id")
    frame = _dedupe(frame, [id_column], columns, rel, notes)
    if len(frame) != ITEMS_PER_FRAMEWORK:
        notes.append(f"{rel}: {len(frame)} items, expected {ITEMS_PER_FRAMEWORK}")
    values = _numeric(frame, where, framework)
    ids = frame[id_column].to_numpy(dtype=object)
    return _long(
        framework.id, ids, np.full(len(ids), annotator, dtype=object), group, columns, values
    )


def _crowd_rater_ratings(
    root: Path, framework: Framework, layout: ReleaseLayout, notes: list[str]
) -> pd.DataFrame:
    rel = str(layout.crowd_raters)
    rater = layout.crowd_rater_column
    frame, where = _read_csv(root, rel)
    id_column = framework.item_id_columns[0]
    columns = framework.columns
    require_columns(frame, where, [rater, id_column, *columns])
    frame = _dedupe(frame, [rater, id_column], columns, rel, notes)
    values = _numeric(frame, where, framework)
    annotators = (CROWD_RATER_PREFIX + frame[rater].str.strip()).to_numpy(dtype=object)
    ids = frame[id_column].str.strip().to_numpy(dtype=object)
    return _long(framework.id, ids, annotators, "crowd", columns, values)


def _concat(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    if not pieces:
        empty: dict[str, Any] = {c: pd.Series(dtype=str) for c in RATINGS_COLUMNS[:-1]}
        empty["rating"] = pd.Series(dtype=np.float64)
        return pd.DataFrame(empty)
    table = pd.concat(pieces, ignore_index=True)
    return table.astype({c: str for c in RATINGS_COLUMNS[:-1]} | {"rating": np.float64})
