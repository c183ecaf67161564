"""Downloading the release: a local HTTP server on 127.0.0.1 serves small files made here.

Every failure mode must leave the cache folder's parent exactly as it was: no partial files,
no staging folders. Hostile servers (slow drips, endless or oversized bodies) are bounded
loops on loopback, so a test that fails does so within seconds, not forever.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from empathy_judge.datasets import download as download_module
from empathy_judge.datasets.checksums import (
    DEFAULT_BASE_URL,
    OPTIONAL_FILES,
    RELEASE_CHECKSUMS,
    RELEASE_URL_ENV,
    base_url,
    file_url,
)
from empathy_judge.datasets.download import (
    LOCK_NAME,
    ReleaseDownloadError,
    download_release,
    verify_files,
)

FILES = {
    "annotations/epitome/expert1_ratings.csv": b"sp_id,rp_id,level_emotional_reactions\nab,cd,1\n",
    "original_data/sample_epitome.csv": b"sp_id,rp_id,seeker_post,response_post\nab,cd,hi,yo\n",
    "annotations/epitome/gpt_ratings.csv": b",sp_id,level_emotional_reactions\n0,ab,1.0\n",
}
OPTIONAL = {"annotations/epitome/gpt_ratings.csv"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CHECKSUMS = {path: sha(data) for path, data in FILES.items()}


Behaviour = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """Serves ``files``; ``truncate`` paths declare a longer Content-Length than they send;
    ``behaviours`` paths answer with a custom (hostile) function instead."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = dict(FILES)
        self.truncate: set[str] = set()
        self.behaviours: dict[str, Behaviour] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.removeprefix("/release/")
                server.requests.append(path)
                if path in server.behaviours:
                    server.behaviours[path](self)
                    return
                if path not in server.files:
                    self.send_error(404)
                    return
                body = server.files[path]
                self.send_response(200)
                declared = len(body) + 100 if path in server.truncate else len(body)
                self.send_header("Content-Length", str(declared))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                if path in server.truncate:
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/release"


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
    thread.join()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_clean(cache_parent: Path) -> None:
    leftovers = sorted(p.name for p in cache_parent.iterdir()) if cache_parent.exists() else []
    assert leftovers == []


def download(dest: Path, url: str, **kwargs: Any) -> Path:
    return download_release(
        dest, checksums=CHECKSUMS, optional=OPTIONAL, url=url, progress=False, timeout=5, **kwargs
    )


def test_success_lands_every_file(server: Server, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "release" / "abc"
    assert download(dest, server.url) == dest
    for path, data in FILES.items():
        assert (dest / path).read_bytes() == data
    assert verify_files(dest, CHECKSUMS) == []
    # Only the destination exists beside it: the staging folder was renamed, not copied.
    assert sorted(p.name for p in dest.parent.iterdir()) == ["abc"]


def test_optional_file_404_is_simply_absent(server: Server, tmp_path: Path) -> None:
    del server.files["annotations/epitome/gpt_ratings.csv"]
    dest = tmp_path / "cache" / "abc"
    download(dest, server.url)
    assert not (dest / "annotations/epitome/gpt_ratings.csv").exists()
    assert (dest / "annotations/epitome/expert1_ratings.csv").is_file()


def test_required_file_404_fails_and_leaves_nothing(server: Server, tmp_path: Path) -> None:
    del server.files["original_data/sample_epitome.csv"]
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError, match=r"HTTP 404.*EMPATHY_JUDGE_DATA"):
        download(dest, server.url)
    assert_clean(dest.parent)


def test_checksum_mismatch_fails_and_leaves_nothing(server: Server, tmp_path: Path) -> None:
    server.files["annotations/epitome/expert1_ratings.csv"] = b"tampered\n"
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError, match="SHA-256 mismatch"):
        download(dest, server.url)
    assert_clean(dest.parent)


def test_mismatching_optional_file_also_fails(server: Server, tmp_path: Path) -> None:
    server.files["annotations/epitome/gpt_ratings.csv"] = b"not the real file\n"
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError, match="SHA-256 mismatch"):
        download(dest, server.url)
    assert_clean(dest.parent)


def test_truncated_body_fails_and_leaves_nothing(server: Server, tmp_path: Path) -> None:
    server.truncate.add("original_data/sample_epitome.csv")
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError, match="truncated download: received 50 of 150 bytes"):
        download(dest, server.url)
    assert_clean(dest.parent)


def test_connection_refused_says_how_to_work_offline(tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "abc"
    url = f"http://127.0.0.1:{closed_port()}/release"
    with pytest.raises(ReleaseDownloadError) as excinfo:
        download(dest, url)
    message = str(excinfo.value)
    assert "EMPATHY_JUDGE_DATA" in message
    assert "--data-dir" in message
    assert_clean(dest.parent)


def test_failed_download_keeps_the_previous_copy(server: Server, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "abc"
    download(dest, server.url)
    server.files["original_data/sample_epitome.csv"] = b"changed upstream\n"
    with pytest.raises(ReleaseDownloadError):
        download(dest, server.url)
    assert (dest / "original_data/sample_epitome.csv").read_bytes() == FILES[
        "original_data/sample_epitome.csv"
    ]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["abc"]


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RELEASE_URL_ENV, raising=False)
    assert base_url() == DEFAULT_BASE_URL
    monkeypatch.setenv(RELEASE_URL_ENV, "http://mirror.example/rel/")
    assert file_url("a/b.csv") == "http://mirror.example/rel/a/b.csv"
    assert file_url("a/b.csv", "http://other/") == "http://other/a/b.csv"


def test_env_url_is_used_by_download(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RELEASE_URL_ENV, server.url)
    download_release(tmp_path / "c", checksums=CHECKSUMS, optional=OPTIONAL, progress=False)
    assert sorted(server.requests) == sorted(FILES)


def test_pinned_url_and_embedded_checksums() -> None:
    assert DEFAULT_BASE_URL == (
        "https://raw.githubusercontent.com/aakriti1kumar/replication-data-and-code-when-LLMs-"
        "reliable-empathic-communication/713458108e28897fccf136a6337296b5199cb617"
    )
    assert len(RELEASE_CHECKSUMS) == 38
    assert len(OPTIONAL_FILES) == 8
    assert RELEASE_CHECKSUMS["annotations/epitome/expert1_ratings.csv"] == (
        "6c2c45535ab85049a590d3be6d3f2054c8537f8d2ce945b6479c7718ebd19d1e"
    )


@pytest.mark.release
def test_embedded_checksums_agree_with_the_list_and_the_shared_copy(release_dir: Path) -> None:
    listing = release_dir.parent / "replication.sha256"
    if listing.is_file():
        parsed = {}
        for line in listing.read_text().splitlines():
            if line.strip():
                digest, path = line.split()
                parsed[path] = digest
        assert parsed == dict(RELEASE_CHECKSUMS)
    assert verify_files(release_dir) == []


# -- hostile servers ------------------------------------------------------------------------

SLOW = "annotations/epitome/expert1_ratings.csv"


def drip_body(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then one byte every 0.3 s: 20 bytes, 6 s in all (bounded)."""
    handler.send_response(200)
    handler.send_header("Content-Length", "20")
    handler.end_headers()
    for _ in range(20):
        try:
            handler.wfile.write(b"x")
        except OSError:
            return
        time.sleep(0.3)


def drip_headers(handler: BaseHTTPRequestHandler) -> None:
    """The status line and headers one byte every 0.2 s (8 s in all, bounded)."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc":
        try:
            handler.wfile.write(bytes([byte]))
        except OSError:
            return
        time.sleep(0.2)
    handler.close_connection = True


def test_slow_drip_body_hits_the_deadline(server: Server, tmp_path: Path) -> None:
    # Each byte arrives well within the 5 s read timeout; only the deadline can stop it.
    # Before: the 6 s drip completed and failed later as a checksum mismatch.
    server.behaviours[SLOW] = drip_body
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError) as excinfo:
        download(dest, server.url, deadline=1.0)
    message = str(excinfo.value)
    assert message.startswith(f"{server.url}/{SLOW}: not received within the 1 s allowed per file")
    arrived = re.search(r"\((\d+) bytes arrived\)", message)
    assert arrived is not None and int(arrived.group(1)) < 20  # stopped before the drip ended
    assert "EMPATHY_JUDGE_DATA" in message
    assert_clean(dest.parent)


def test_slow_drip_headers_hit_the_deadline(server: Server, tmp_path: Path) -> None:
    server.behaviours[SLOW] = drip_headers
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError, match="not received within the 1 s allowed"):
        download(dest, server.url, deadline=1.0)
    assert_clean(dest.parent)


def test_announced_oversized_body_is_refused_before_reading(server: Server, tmp_path: Path) -> None:
    def announce_2gb(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(2 * 1024**3))
        handler.end_headers()
        handler.wfile.write(b"x" * 1000)
        handler.close_connection = True

    server.behaviours[SLOW] = announce_2gb
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError) as excinfo:
        download(dest, server.url, sizes={SLOW: 46})
    assert str(excinfo.value) == (
        f"{server.url}/{SLOW}: the server announces 2,147,483,648 bytes, more than the 46 this"
        " file may have; nothing was read or written"
    )
    assert_clean(dest.parent)


def test_endless_body_stops_at_the_cap(server: Server, tmp_path: Path) -> None:
    # No Content-Length (HTTP/1.0, the body ends when the connection closes): up to 64 MiB.
    total = 64 * 1024 * 1024
    sent = [0]
    done = threading.Event()

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        block = b"y" * 65536
        try:
            while sent[0] < total:
                handler.wfile.write(block)
                sent[0] += len(block)
        except OSError:
            pass
        finally:
            handler.close_connection = True
            done.set()

    server.behaviours[SLOW] = endless
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError) as excinfo:
        download(dest, server.url, sizes={}, max_bytes=1000)
    assert str(excinfo.value) == (
        f"{server.url}/{SLOW}: more than the 1,000 bytes this file may have arrived; download"
        " stopped, nothing was written to the cache"
    )
    assert_clean(dest.parent)
    # The client hung up instead of reading on: the server could not send everything.
    assert done.wait(60)
    assert sent[0] < total


def test_invalid_content_length_is_an_error(server: Server, tmp_path: Path) -> None:
    def nonsense(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "12abc")
        handler.end_headers()
        handler.close_connection = True

    server.behaviours[SLOW] = nonsense
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError, match=r"invalid Content-Length '12abc'"):
        download(dest, server.url)
    assert_clean(dest.parent)


@pytest.mark.parametrize(
    ("status_line", "shown"),
    [
        # A terminal escape and 500 characters in the reason phrase.
        (b"HTTP/1.1 500 \x1b[31mred " + b"z" * 500, "HTTP 500 ?[31mred zzz"),
        # Not HTTP at all: http.client quotes the line with its line break (before: 2 lines).
        (b"HELLO", "HELLO. To work offline"),
    ],
)
def test_hostile_status_line_gives_one_printable_line(
    server: Server, tmp_path: Path, status_line: bytes, shown: str
) -> None:
    def evil(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(status_line + b"\r\n\r\n")
        handler.close_connection = True

    server.behaviours[SLOW] = evil
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(ReleaseDownloadError) as excinfo:
        download(dest, server.url)
    message = str(excinfo.value)
    assert message.startswith(f"could not download {server.url}/{SLOW}: {shown}")
    assert message.isprintable()
    assert len(message) < 600
    assert_clean(dest.parent)


# -- leftovers ------------------------------------------------------------------------------


def age(folder: Path, seconds: float) -> None:
    then = time.time() - seconds
    for path in (folder, *folder.rglob("*")):
        os.utime(path, (then, then))


def staging(parent: Path, name: str, *, lock: bool) -> Path:
    folder = parent / name
    (folder / "annotations" / "epitome").mkdir(parents=True)
    (folder / "annotations" / "epitome" / "expert1_ratings.csv").write_bytes(b"partial")
    if lock:
        (folder / LOCK_NAME).write_bytes(b"")
    return folder


def test_stale_staging_folders_are_removed_live_ones_kept(server: Server, tmp_path: Path) -> None:
    parent = tmp_path / "cache"
    dest = parent / "abc"
    staging(parent, ".abc.download-dead", lock=True)  # lock file free: its process is gone
    live = staging(parent, ".abc.download-live", lock=True)
    age(staging(parent, ".abc.download-old", lock=False), 3600)  # no lock, untouched for 1 h
    staging(parent, ".abc.download-new", lock=False)  # no lock yet, just created: kept
    age(staging(parent, ".abc.old-zz", lock=False), 3600)
    age(staging(parent, ".other.download-1", lock=True), 3600)  # another destination's
    with (live / LOCK_NAME).open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        download(dest, server.url)
        assert sorted(p.name for p in parent.iterdir()) == [
            ".abc.download-live",
            ".abc.download-new",
            ".other.download-1",
            "abc",
        ]


def test_killed_download_is_cleaned_up_by_the_next(server: Server, tmp_path: Path) -> None:
    server.behaviours[SLOW] = drip_body
    dest = tmp_path / "cache" / "abc"
    code = (
        "from empathy_judge.datasets.download import download_release\n"
        f"download_release({str(dest)!r}, checksums={CHECKSUMS!r}, optional=set(),"
        f" url={server.url!r}, progress=False, timeout=30, deadline=60)\n"
    )
    child = subprocess.Popen([sys.executable, "-P", "-c", code])
    try:
        for _ in range(600):  # until the child sits in the drip, at most 60 s
            if SLOW in server.requests or child.poll() is not None:
                break
            time.sleep(0.1)
        assert child.poll() is None, "the child ended before it could be killed"
        left = [p for p in dest.parent.iterdir() if p.name.startswith(".abc.download-")]
        assert len(left) == 1 and (left[0] / LOCK_NAME).is_file()
    finally:
        child.kill()
        child.wait()
    assert [p.name for p in dest.parent.iterdir()] == [left[0].name]  # killed: left behind
    del server.behaviours[SLOW]
    download(dest, server.url)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["abc"]


def test_interrupted_download_removes_its_own_staging(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    fetch = download_module._fetch

    def interrupted(*args: Any, **kwargs: Any) -> str:
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return fetch(*args, **kwargs)

    monkeypatch.setattr(download_module, "_fetch", interrupted)
    dest = tmp_path / "cache" / "abc"
    with pytest.raises(KeyboardInterrupt):
        download(dest, server.url)
    assert_clean(dest.parent)


@pytest.mark.release
def test_sizes_agree_with_the_shared_copy(release_dir: Path) -> None:
    from empathy_judge.datasets.checksums import MAX_FILE_BYTES, RELEASE_SIZES

    assert set(RELEASE_SIZES) == set(RELEASE_CHECKSUMS) - set(OPTIONAL_FILES)
    for rel, size in RELEASE_SIZES.items():
        assert (release_dir / rel).stat().st_size == size, rel
    # ls -l: the largest file of the release.
    assert RELEASE_SIZES["original_data/sample_lend_an_ear_annotations.csv"] == 557682
    assert max(RELEASE_SIZES.values()) * 15 < MAX_FILE_BYTES
