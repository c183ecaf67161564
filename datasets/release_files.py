"""The files of a release folder: which must be there, how each is read, and that each is intact.

Every folder the release resolves to — ``data_dir`` (``--data-dir``), ``$EMPATHY_JUDGE_DATA``,
the cache, a fresh download — passes the same three checks, so a damaged copy fails with one
line naming the file (and the row, line or column where one applies), never with a traceback
and never by silently loading fewer annotators:

1. **Presence**, when the folder is resolved (:func:`missing_required_files`): every file of
   :data:`~empathy_judge.datasets.checksums.RELEASE_CHECKSUMS` except the
   :data:`~empathy_judge.datasets.checksums.OPTIONAL_FILES` (the GPT-4o and Claude annotations)
   must exist, else :class:`ReleaseNotFoundError` lists what is missing. Files the release
   does not list (its derived tables and notebook, a user's notes, stand-ins added by tests)
   are ignored.
2. **Shape**, when a file is parsed (:func:`read_release_csv`): at most
   :data:`~empathy_judge.datasets.checksums.MAX_FILE_BYTES`, UTF-8 text without NUL
   characters, well-formed CSV quoting, a header without duplicated names, and as many fields
   in every record as in the header. Anything else is a :class:`ReleaseFormatError` naming the
   file and the line or row.
3. **Bytes**, after the folder parsed (:func:`verify_required_files`): every required file must
   be byte-identical (SHA-256) to the pinned release.

Why the SHA-256 of local copies is verified: it is the only check that catches an edited
rating that still parses, or a file cut at a line boundary (which otherwise reads as a short
file), and the release is the *reference* of a replication, so numbers computed on a silently
different copy would be reported as the paper's. It is cheap: the 30 required files hold about
1.2 MB (a few milliseconds to hash), and it runs once per change, because the parsed release
is cached by every file's modification time and size. Deliberately changed ratings belong in
a user file (:func:`~empathy_judge.datasets.user_data.load_user_ratings`), where they are
labelled as such. The optional GPT-4o and Claude files are parsed but *not* verified: most
copies lack them, tests and users supply stand-ins, and they are candidates compared with the
experts, not the reference (a download does verify them: their checksums are known). One
consequence to know: a copy whose line endings were rewritten (``git clone`` with
``core.autocrlf`` on Windows) is refused; use ``empathy-judge data fetch`` or the ZIP archive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .checksums import (
    MAX_FILE_BYTES,
    OPTIONAL_FILES,
    RELEASE_CHECKSUMS,
    RELEASE_DOI,
    RELEASE_SIZES,
    sha256_file,
)
from .errors import EmpathyJudgeError

#: How else to get an intact copy, appended to messages about a damaged one.
VERIFIED_DOWNLOAD_HINT = (
    "or use a verified download: `empathy-judge data fetch` fills the cache, which is used"
    " when neither EMPATHY_JUDGE_DATA nor --data-dir is set"
)
#: Most missing files a message names before it summarises the rest.
_NAMED = 3


class ReleaseNotFoundError(EmpathyJudgeError, FileNotFoundError):
    """No usable copy of the release was found (and none could be downloaded)."""


class ReleaseFormatError(EmpathyJudgeError, ValueError):
    """A release file cannot be parsed; the message names file, row and column."""


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(text.split())


def required_files() -> tuple[str, ...]:
    """Release-relative paths every copy must hold (all listed files but the optional ones)."""
    return tuple(sorted(p for p in RELEASE_CHECKSUMS if p not in OPTIONAL_FILES))


def missing_required_files(root: Path) -> list[str]:
    """The required files that are not regular files under ``root`` (sorted)."""
    return [rel for rel in required_files() if not (root / rel).is_file()]


def incomplete_message(where: str, missing: Sequence[str]) -> str:
    """One line saying which required files a folder lacks.

    Args:
        where: How the folder was named, e.g. "EMPATHY_JUDGE_DATA=/data/replication".
        missing: The missing release-relative paths.

    Returns:
        The message (the first few files named, the rest counted).
    """
    named = ", ".join(missing[:_NAMED])
    more = f" and {len(missing) - _NAMED} more" if len(missing) > _NAMED else ""
    return (
        f"{where} is an incomplete copy of the release: {len(missing)} required file(s)"
        f" missing: {named}{more}; restore them from the release (DOI {RELEASE_DOI}),"
        f" {VERIFIED_DOWNLOAD_HINT}"
    )


def read_release_csv(root: Path, rel: str) -> pd.DataFrame:
    """Read one release CSV file as strings, checking its shape first.

    Columns named "" or "Unnamed: <n>" (a pandas index written to the file) are dropped;
    blank lines are skipped; values are kept verbatim (no stripping, no NA conversion).

    Args:
        root: The release folder.
        rel: The file's release-relative path.

    Returns:
        One object-dtype column of ``str`` per named header field, one row per record.

    Raises:
        ReleaseNotFoundError: The file cannot be read.
        ReleaseFormatError: The file is too large, not UTF-8, holds NUL characters, has
            malformed quoting, a duplicated column name or a record whose field count differs
            from the header's; the message names the file and the line or row.
    """
    path = root / rel
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    try:
        for record in reader:
            if not record:
                continue
            if header is None:
                header = record
                continue
            if len(record) != len(header):
                raise ReleaseFormatError(
                    f"{path}: row {len(rows) + 1} (line {reader.line_num}): {len(record)}"
                    f" field(s) where the header has {len(header)}; the file is damaged or"
                    " truncated"
                )
            rows.append(record)
    except csv.Error as exc:
        raise ReleaseFormatError(
            one_line(f"{path}: line {reader.line_num}: not valid CSV ({exc})")
        ) from exc
    if header is None:
        raise ReleaseFormatError(f"{path}: the file is empty (no header line)")
    keep = _named_columns(path, header)
    matrix = np.array(rows, dtype=object).reshape(len(rows), len(header))
    return pd.DataFrame({header[j]: matrix[:, j] for j in keep}, index=pd.RangeIndex(len(rows)))


def require_columns(frame: pd.DataFrame, where: str, columns: Sequence[str]) -> None:
    """Raise unless ``frame`` has every one of ``columns``.

    Args:
        frame: A table read by :func:`read_release_csv`.
        where: How messages name the file (its path).
        columns: The column names the parser needs.

    Raises:
        ReleaseFormatError: Columns are missing; the message lists them and the header.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        found = [str(c)[:40] for c in frame.columns[:12]]
        more = f" and {len(frame.columns) - 12} more" if len(frame.columns) > 12 else ""
        raise ReleaseFormatError(
            f"{where}: line 1: missing column(s) {missing}; the header has {found}{more}"
        )


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReleaseFormatError(
                f"{path}: {size:,} bytes, more than the {MAX_FILE_BYTES:,} any release file may"
                " have; it is not a file of the release"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ReleaseNotFoundError(one_line(f"{path}: cannot be read ({exc.strerror})")) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReleaseFormatError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset"
            f" {exc.start:,}); the file is damaged or not a CSV file"
        ) from exc
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ReleaseFormatError(
            f"{path}: line {line}: a NUL character (binary data); the file is damaged"
        )
    return text


def _named_columns(path: Path, header: list[str]) -> list[int]:
    """Indices of the header's named columns; a duplicated name is an error."""
    seen: dict[str, int] = {}
    keep = []
    for j, name in enumerate(header):
        if not name.strip() or name.startswith("Unnamed:"):
            continue
        if name in seen:
            raise ReleaseFormatError(
                f"{path}: line 1: column {name!r} appears twice in the header (fields"
                f" {seen[name] + 1} and {j + 1})"
            )
        seen[name] = j
        keep.append(j)
    return keep


def verify_required_files(root: Path) -> None:
    """Check that every required file under ``root`` is byte-identical to the pinned release.

    Args:
        root: A release folder holding every required file.

    Raises:
        ReleaseFormatError: A file differs; the message names the first one, its size against
            the release's, and counts the others.
        ReleaseNotFoundError: A file cannot be read.
    """
    differing: list[tuple[str, int]] = []
    for rel in required_files():
        path = root / rel
        try:
            if sha256_file(path) != RELEASE_CHECKSUMS[rel]:
                differing.append((rel, path.stat().st_size))
        except OSError as exc:
            raise ReleaseNotFoundError(
                one_line(f"{path}: cannot be read ({exc.strerror})")
            ) from exc
    if not differing:
        return
    rel, size = differing[0]
    expected = RELEASE_SIZES.get(rel)
    if expected is None or expected == size:
        sizes = f"{size:,} bytes like the release's, but different bytes"
    else:
        sizes = f"{size:,} bytes, the release's has {expected:,}"
    more = f" ({len(differing) - 1} more file(s) differ too)" if len(differing) > 1 else ""
    raise ReleaseFormatError(
        f"{root / rel}: differs from the pinned release ({sizes}; SHA-256 mismatch){more}:"
        f" the copy is damaged or edited; restore the file from the release (DOI {RELEASE_DOI}),"
        f" {VERIFIED_DOWNLOAD_HINT}"
    )
