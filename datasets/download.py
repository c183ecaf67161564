"""Download the authors' release into the cache: verified file by file, landed atomically.

Every file is fetched from the pinned commit (or a base URL given for tests and mirrors) into a
temporary folder *beside* the destination, its length checked against ``Content-Length`` and its
SHA-256 against the embedded list. Only when the whole set verifies is the folder renamed onto
the destination — one ``os.replace`` on the same file system — so an interrupted, truncated or
tampered download never leaves anything in the cache.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Collection, Mapping
from pathlib import Path

from empathy_judge.datasets.checksums import OPTIONAL_FILES, RELEASE_CHECKSUMS, base_url
from empathy_judge.datasets.errors import EmpathyJudgeError

_CHUNK = 64 * 1024

OFFLINE_HINT = (
    "To work offline, point at a local copy of the release (the folder holding annotations/ and "
    "original_data/): set EMPATHY_JUDGE_DATA=/path/to/replication, or pass "
    "--data-dir /path/to/replication (data_dir=... in Python)."
)


class ReleaseDownloadError(EmpathyJudgeError, RuntimeError):
    """The release could not be downloaded or verified; nothing was written to the cache."""


def sha256_file(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_files(root: Path, checksums: Mapping[str, str] = RELEASE_CHECKSUMS) -> list[str]:
    """Check the files present under ``root`` against their checksums.

    Args:
        root: A release folder.
        checksums: Release-relative path -> expected SHA-256.

    Returns:
        One message per file whose bytes differ (absent files are not reported).
    """
    problems = []
    for rel, expected in sorted(checksums.items()):
        path = root / rel
        if path.is_file():
            actual = sha256_file(path)
            if actual != expected:
                problems.append(f"{rel}: SHA-256 {actual} != expected {expected}")
    return problems


def _fetch(url: str, target: Path, timeout: float) -> tuple[int, str]:
    """Stream ``url`` into ``target``; return (bytes written, sha256)."""
    digest = hashlib.sha256()
    written = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        declared = response.headers.get("Content-Length")
        with target.open("wb") as out:
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                written += len(chunk)
    # http.client does not raise when a body ends early during chunked reads, so check here.
    if declared is not None and written != int(declared):
        raise ReleaseDownloadError(
            f"{url}: truncated download: received {written} of {declared} bytes"
        )
    return written, digest.hexdigest()


def download_release(
    dest: str | Path,
    *,
    checksums: Mapping[str, str] = RELEASE_CHECKSUMS,
    optional: Collection[str] = OPTIONAL_FILES,
    url: str | None = None,
    timeout: float = 60.0,
    progress: bool = True,
) -> Path:
    """Download and verify the release into ``dest``, atomically.

    Args:
        dest: Destination folder (e.g. the user cache's ``release/<commit>``). Replaced as a
            whole when the download succeeds; untouched when it fails.
        checksums: Release-relative path -> SHA-256 of every file to fetch.
        optional: Paths whose HTTP 404 means "not published" (the file is then simply absent).
        url: Base URL; default ``$EMPATHY_JUDGE_RELEASE_URL`` or the pinned raw GitHub URL.
        timeout: Socket timeout per request, in seconds.
        progress: Show a progress bar (rich, on stderr).

    Returns:
        ``dest``.

    Raises:
        ReleaseDownloadError: A required file is missing (404), the network is unreachable,
            a body is truncated or a checksum differs. The message says how to use a local copy.
    """
    dest = Path(dest)
    base = base_url(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.download-", dir=dest.parent))
    try:
        _download_all(staging, base, checksums, optional, timeout, progress)
        _land(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def _download_all(
    staging: Path,
    base: str,
    checksums: Mapping[str, str],
    optional: Collection[str],
    timeout: float,
    progress: bool,
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("[bold]release[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not progress,
    ) as bar:
        task = bar.add_task("", total=len(checksums))
        # Required files first: when the network is down, the error then names a file the
        # release cannot do without, not an optional one.
        for rel, expected in sorted(checksums.items(), key=lambda kv: (kv[0] in optional, kv[0])):
            bar.update(task, description=rel)
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            file_url = f"{base}/{rel}"
            try:
                _, actual = _fetch(file_url, target, timeout)
            except urllib.error.HTTPError as exc:
                target.unlink(missing_ok=True)
                if exc.code == 404 and rel in optional:
                    bar.advance(task)
                    continue
                raise ReleaseDownloadError(
                    f"could not download {file_url}: HTTP {exc.code} {exc.reason}. {OFFLINE_HINT}"
                ) from exc
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise ReleaseDownloadError(
                    f"could not download {file_url}: {reason}. {OFFLINE_HINT}"
                ) from exc
            if actual != expected:
                raise ReleaseDownloadError(
                    f"{file_url}: SHA-256 mismatch (got {actual}, expected {expected}); nothing"
                    f" was written to the cache. {OFFLINE_HINT}"
                )
            bar.advance(task)


def _land(staging: Path, dest: Path) -> None:
    """Move the verified staging folder onto ``dest`` (same parent, so renames are atomic)."""
    if dest.exists():
        # Move the old copy aside first: os.replace cannot replace a non-empty folder.
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.replace(dest, old / "release")
        try:
            os.replace(staging, dest)
        except BaseException:
            os.replace(old / "release", dest)
            raise
        finally:
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, dest)
