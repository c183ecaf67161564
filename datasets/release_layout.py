"""Where a packaged framework's data sits in the authors' release: a rubric's ``[release]`` table.

A packaged rubric (``data = "release"``) says where its files are, so that the release loader
(:mod:`empathy_judge.datasets.release`) iterates the rubrics instead of listing frameworks::

    [release]
    annotations = "annotations/epitome"            # folder of the annotator files
    conversations = "original_data/sample_epitome.csv"
    reader = "seeker_response"                      # how that file is parsed
    columns = { seeker = "seeker_post", supporter = "response_post" }

=====================  ========  ==========================================================
key                    required  meaning
=====================  ========  ==========================================================
annotations            yes       release folder holding the annotator files
                                 (``expert1_ratings.csv`` .. ``claude_ratings.csv``, see
                                 :data:`~empathy_judge.datasets.release.ANNOTATOR_FILES`)
conversations          one of    release file holding the conversation texts
no_conversations       the two   why the release has no texts (ends the sentence "the
                                 release has no <title> conversation text: ...")
reader                 with      a reader of :data:`READER_COLUMNS` that parses
                       texts     ``conversations``
columns                with      ``{role = "column"}`` for every column role of the reader;
                       texts     the item id is always the first of ``item_id_columns``
crowd_raters           no        release file of individual crowd raters' ratings (one row
                                 per rater and item, the rubric's sub-component columns)
crowd_rater_column     with      the column naming the rater in ``crowd_raters``
                       raters
=====================  ========  ==========================================================

Paths are relative to the release folder. The files a layout names must be listed in
:data:`~empathy_judge.datasets.checksums.RELEASE_CHECKSUMS` to be required and verified; a file
the table does not list is loaded when present but never checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

#: Every conversation reader (implemented in :mod:`empathy_judge.datasets.release_readers`) and
#: the column roles a rubric's ``[release] columns`` must name for it.
READER_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # One row per utterance (EmpatheticDialogues): the situation prompt is the first Seeker
        # turn, then the utterances alternate Seeker, Supporter in `order`; `emotion` becomes
        # metadata. "_comma_" in a text is a comma.
        "utterance_rows": ("order", "prompt", "utterance", "emotion"),
        # One row per item holding the seeker's post and the response (EPITOME); the item id
        # columns after the first become metadata.
        "seeker_response": ("seeker", "supporter"),
        # One row per item holding a "Seeker: ... / Supporter: ..." transcript (Lend an Ear).
        "transcript": ("transcript",),
    }
)


@dataclass(frozen=True)
class ReleaseLayout:
    """Where one framework's files are in the release (its rubric's ``[release]`` table).

    Attributes:
        annotations: Release folder holding the framework's annotator files.
        conversations: Release file of the conversation texts (None: no texts in the release).
        reader: Name of the reader that parses ``conversations`` (a key of
            :data:`READER_COLUMNS`), None without texts.
        columns: ``(role, column)`` pairs, one per column role of the reader.
        no_conversations: Why the release has no texts (empty when it has them).
        crowd_raters: Release file of individual crowd raters' ratings, if any.
        crowd_rater_column: The column of ``crowd_raters`` naming the rater.
    """

    annotations: str
    conversations: str | None = None
    reader: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    no_conversations: str = ""
    crowd_raters: str | None = None
    crowd_rater_column: str = ""

    def column(self, role: str) -> str:
        """The release column that plays ``role`` for the reader.

        Raises:
            KeyError: The layout names no column for that role.
        """
        for known, column in self.columns:
            if known == role:
                return column
        raise KeyError(f"no column for the role {role!r}; known: {[r for r, _ in self.columns]}")

    def files(self, annotator_files: tuple[str, ...]) -> tuple[str, ...]:
        """Every release file the layout names, given the annotator files' names.

        Args:
            annotator_files: The annotator file names looked up in :attr:`annotations`.

        Returns:
            Release-relative paths: the annotator files, then the crowd raters' file and the
            conversations file when there are such.
        """
        files = [f"{self.annotations}/{name}" for name in annotator_files]
        files += [f for f in (self.crowd_raters, self.conversations) if f is not None]
        return tuple(files)
