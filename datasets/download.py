"""Download the authors' release into the cache: verified file by file, landed atomically.

Every file is fetched from the pinned commit (or a base URL given for tests and mirrors) into a
staging folder *beside* the destination, its length checked against ``Content-Length`` and its
SHA-256 against the embedded list. Only when the whole set verifies is the folder renamed onto
the destination — one ``os.replace`` on the same file system — so an interrupted, truncated or
tampered download never leaves anything in the cache.

A hostile or broken server cannot hold a download or fill the disk:

- **Time.** Each socket operation has a timeout (``timeout``), and each file an overall
  deadline (``deadline``): a watchdog shuts the connection down when it passes, whether the
  server stalls in the headers or sends one byte at a time. (Name resolution and the connect
  itself are bounded by ``timeout`` alone.)
- **Size.** Each file may have at most its known size
  (:data:`~empathy_judge.datasets.checksums.RELEASE_SIZES`), or
  :data:`~empathy_judge.datasets.checksums.MAX_FILE_BYTES` when its size is not known. A
  ``Content-Length`` above that is refused before the body is read; without one, reading stops
  at the first byte past the limit, so no more than the limit is ever written.
- **Leftovers.** A failing download removes its own staging folder. A killed one cannot, so the
  next download removes stale ones first: the staging folder holds a lock file that its
  process keeps locked (``fcntl.flock``; the kernel releases it when the process dies), and a
  folder whose lock is free is stale. Where locks are not available (Windows), or for a folder
  without a lock file, a folder in which nothing changed for :data:`STALE_AFTER` seconds is
  stale.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import importlib
import os
import shutil
import socket
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from types import ModuleType, TracebackType
from typing import IO

from .checksums import (
    MAX_FILE_BYTES,
    OPTIONAL_FILES,
    RELEASE_CHECKSUMS,
    RELEASE_SIZES,
    base_url,
    sha256_file,
)
from .errors import EmpathyJudgeError

# File locks where the platform has them (not on Windows, where staging folders go unlocked).
fcntl: ModuleType | None
try:
    fcntl = importlib.import_module("fcntl")
except ImportError:  # pragma: no cover - Windows
    fcntl = None

_CHUNK = 64 * 1024
#: Default overall time allowed for one file, in seconds.
DEFAULT_DEADLINE = 300.0
#: Seconds without any change after which an unlocked staging folder counts as abandoned.
STALE_AFTER = 600.0
#: The lock file inside a staging folder, held by the downloading process.
LOCK_NAME = ".download.lock"

OFFLINE_HINT = (
    "To work offline, point at a local copy of the release (the folder holding annotations/ and "
    "original_data/): set EMPATHY_JUDGE_DATA=/path/to/replication, or pass "
    "--data-dir /path/to/replication (data_dir=... in Python)."
)

__all__ = [
    "DEFAULT_DEADLINE",
    "LOCK_NAME",
    "OFFLINE_HINT",
    "STALE_AFTER",
    "ReleaseDownloadError",
    "download_release",
    "remove_stale_staging",
    "sha256_file",
    "verify_files",
]


class ReleaseDownloadError(EmpathyJudgeError, RuntimeError):
    """The release could not be downloaded or verified; nothing was written to the cache."""


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


# -- one file ---------------------------------------------------------------------------------


class _Watchdog:
    """Shuts down every socket it watches once ``seconds`` have passed (from ``__enter__``)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        #: Body bytes received so far (for the message when the deadline passes).
        self.received = 0
        self._done = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._ends = 0.0

    def __enter__(self) -> _Watchdog:
        self._ends = time.monotonic() + self.seconds
        self._timer.start()
        _active.watchdog = self
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        _active.watchdog = None
        with self._lock:
            self._done = True
        self._timer.cancel()

    def check(self) -> None:
        """Mark the deadline as passed if it has (for reads the timer has not yet cut)."""
        if time.monotonic() >= self._ends:
            self.expired = True

    def watch(self, sock: socket.socket) -> None:
        """Watch a freshly connected socket (shut down at once if the deadline passed)."""
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for TLS sockets: it wakes a blocked read (which then
    # sees the end of the stream) without touching the TLS object another thread is using.
    # A socket already closed has no descriptor any more, so this cannot hit a reused one.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Active(threading.local):
    """The watchdog of the fetch running in this thread (urllib connects in the caller's)."""

    watchdog: _Watchdog | None = None


_active = _Active()


def _watch(sock: socket.socket) -> None:
    if _active.watchdog is not None:
        _active.watchdog.watch(sock)


class _WatchedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)


class _WatchedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_WatchedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_WatchedHTTPSConnection, req, context=_tls_context())


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The context urllib would use by default (system CA certificates, host names checked)."""
    return ssl.create_default_context()


def _opener() -> urllib.request.OpenerDirector:
    # Only what a release download needs: proxies from the environment, HTTP(S) with the
    # watchdog, redirects, errors as exceptions, and file:// for local mirrors (no FTP).
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _HTTPHandler(),
        _HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.FileHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _content_length(url: str, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        declared = int(value.strip())
    except ValueError:
        declared = -1
    if declared < 0:
        raise ReleaseDownloadError(
            f"{url}: the server sent an invalid Content-Length {value[:40]!r}; nothing was"
            " written to the cache"
        )
    return declared


def _fetch(url: str, target: Path, *, timeout: float, deadline: float, limit: int) -> str:
    """Stream ``url`` into ``target`` within ``deadline`` and ``limit`` bytes; return its SHA-256.

    Raises:
        ReleaseDownloadError: The deadline passed, the body is (announced as) larger than
            ``limit``, or it is shorter than its ``Content-Length``.
        urllib.error.HTTPError: The server answered with an error status.
        OSError: Network or disk failure (``URLError`` and ``http.client`` errors included).
    """
    written = 0
    digest = ""
    declared: int | None = None
    with _Watchdog(deadline) as watchdog:
        try:
            with _opener().open(url, timeout=timeout) as response:
                declared = _content_length(url, response.headers.get("Content-Length"))
                if declared is not None and declared > limit:
                    raise ReleaseDownloadError(
                        f"{url}: the server announces {declared:,} bytes, more than the"
                        f" {limit:,} this file may have; nothing was read or written"
                    )
                with target.open("wb") as out:
                    written, digest = _stream(response, out, limit, url, watchdog)
        except ReleaseDownloadError:
            raise
        except Exception as exc:
            # Whatever the cut connection raised, the deadline is the cause.
            if watchdog.expired:
                raise _too_slow(url, watchdog) from exc
            raise
        if watchdog.expired:
            raise _too_slow(url, watchdog)
    # http.client does not raise when a body ends early, so check here.
    if declared is not None and written != declared:
        raise ReleaseDownloadError(
            f"{url}: truncated download: received {written} of {declared} bytes"
        )
    return digest


def _stream(
    response: IO[bytes], out: IO[bytes], limit: int, url: str, watchdog: _Watchdog
) -> tuple[int, str]:
    """Copy ``response`` to ``out`` until its end, the deadline or ``limit`` bytes.

    Returns:
        Bytes written and their SHA-256 (hex).
    """
    digest = hashlib.sha256()
    written = 0
    while not watchdog.expired:
        # Never ask for more than one byte past the limit: that byte is the proof.
        chunk = response.read(min(_CHUNK, limit + 1 - written))
        if not chunk:
            break
        if written + len(chunk) > limit:
            raise ReleaseDownloadError(
                f"{url}: more than the {limit:,} bytes this file may have arrived; download"
                " stopped, nothing was written to the cache"
            )
        out.write(chunk)
        digest.update(chunk)
        written += len(chunk)
        watchdog.received = written
        watchdog.check()
    return written, digest.hexdigest()


def _printable(value: object, limit: int = 200) -> str:
    """``value`` as one printable line of at most ``limit`` characters (servers choose it)."""
    text = " ".join(str(value).split())
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _too_slow(url: str, watchdog: _Watchdog) -> ReleaseDownloadError:
    return ReleaseDownloadError(
        f"{url}: not received within the {watchdog.seconds:g} s allowed per file"
        f" ({watchdog.received:,} bytes arrived); the server or the network is too slow."
        f" {OFFLINE_HINT}"
    )


# -- the whole release ----------------------------------------------------------------------


def download_release(
    dest: str | Path,
    *,
    checksums: Mapping[str, str] = RELEASE_CHECKSUMS,
    optional: Collection[str] = OPTIONAL_FILES,
    sizes: Mapping[str, int] = RELEASE_SIZES,
    max_bytes: int = MAX_FILE_BYTES,
    url: str | None = None,
    timeout: float = 60.0,
    deadline: float = DEFAULT_DEADLINE,
    progress: bool = True,
) -> Path:
    """Download and verify the release into ``dest``, atomically.

    Stale staging folders of earlier, killed downloads beside ``dest`` are removed first
    (see :func:`remove_stale_staging`).

    Args:
        dest: Destination folder (e.g. the user cache's ``release/<commit>``). Replaced as a
            whole when the download succeeds; untouched when it fails.
        checksums: Release-relative path -> SHA-256 of every file to fetch.
        optional: Paths whose HTTP 404 means "not published" (the file is then simply absent).
        sizes: Release-relative path -> size in bytes, where known: the most a file may have.
        max_bytes: The most bytes a file missing from ``sizes`` may have.
        url: Base URL; default ``$EMPATHY_JUDGE_RELEASE_URL`` or the pinned raw GitHub URL.
        timeout: Socket timeout per operation (connect, each read), in seconds.
        deadline: Overall time allowed per file, in seconds.
        progress: Show a progress bar (rich, on stderr).

    Returns:
        ``dest``.

    Raises:
        ReleaseDownloadError: A required file is missing (404), the network is unreachable,
            a file takes longer than ``deadline`` or is larger than allowed, a body is
            truncated or a checksum differs. The message says how to use a local copy.
    """
    dest = Path(dest)
    base = base_url(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(dest)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(dest), dir=dest.parent))
    try:
        with _locked(staging):
            _download_all(
                staging, base, checksums, optional, sizes, max_bytes, timeout, deadline, progress
            )
        _land(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def _staging_prefix(dest: Path) -> str:
    return f".{dest.name}.download-"


def _old_prefix(dest: Path) -> str:
    return f".{dest.name}.old-"


@contextlib.contextmanager
def _locked(staging: Path) -> Iterator[None]:
    """Hold ``staging``'s lock file locked; remove it on the way out (before landing)."""
    lock = staging / LOCK_NAME
    with lock.open("wb") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)


def remove_stale_staging(dest: str | Path, *, stale_after: float = STALE_AFTER) -> list[Path]:
    """Remove what killed downloads left beside ``dest``: stale staging and set-aside folders.

    A staging folder (``.<dest name>.download-*``) is stale when its lock file exists and is
    not locked (its process is gone), or — without a lock file or where locks are not
    available — when nothing in it changed for ``stale_after`` seconds. A set-aside old copy
    (``.<dest name>.old-*``, alive only while a download lands) is stale after
    ``stale_after`` seconds. Other folders are never touched.

    Args:
        dest: The download's destination folder.
        stale_after: Seconds without change after which an unlocked folder is abandoned.

    Returns:
        The folders removed.
    """
    dest = Path(dest)
    if not dest.parent.is_dir():
        return []
    removed = []
    now = time.time()
    for entry in sorted(dest.parent.iterdir()):
        if not entry.is_dir() or entry.is_symlink():
            continue
        if entry.name.startswith(_staging_prefix(dest)):
            stale = _abandoned(entry, now, stale_after)
        elif entry.name.startswith(_old_prefix(dest)):
            stale = now - _last_change(entry) > stale_after
        else:
            continue
        if stale:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _abandoned(staging: Path, now: float, stale_after: float) -> bool:
    lock = staging / LOCK_NAME
    if fcntl is not None and lock.is_file():
        try:
            with lock.open("rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                # Free and still in place: its owner died. (An owner that finishes unlinks the
                # file while still holding the lock, so a free lock on an unlinked file means
                # the folder is about to be landed, not abandoned.)
                return os.fstat(handle.fileno()).st_ino == lock.stat().st_ino
        except BlockingIOError:
            return False  # a live download holds it
        except OSError:
            pass  # the lock file vanished or cannot be opened: judge by age
    return now - _last_change(staging) > stale_after


def _last_change(folder: Path) -> float:
    """The latest modification time of ``folder`` and everything in it."""
    latest = 0.0
    for path in (folder, *folder.rglob("*")):
        with contextlib.suppress(OSError):
            latest = max(latest, path.lstat().st_mtime)
    return latest


def _download_all(
    staging: Path,
    base: str,
    checksums: Mapping[str, str],
    optional: Collection[str],
    sizes: Mapping[str, int],
    max_bytes: int,
    timeout: float,
    deadline: float,
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
            limit = sizes.get(rel, max_bytes)
            try:
                actual = _fetch(file_url, target, timeout=timeout, deadline=deadline, limit=limit)
            except urllib.error.HTTPError as exc:
                target.unlink(missing_ok=True)
                if exc.code == 404 and rel in optional:
                    bar.advance(task)
                    continue
                raise ReleaseDownloadError(
                    f"could not download {file_url}: HTTP {exc.code} {_printable(exc.reason)}."
                    f" {OFFLINE_HINT}"
                ) from exc
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise ReleaseDownloadError(
                    f"could not download {file_url}: {_printable(reason)}. {OFFLINE_HINT}"
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
        old = Path(tempfile.mkdtemp(prefix=_old_prefix(dest), dir=dest.parent))
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
