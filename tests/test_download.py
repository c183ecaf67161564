"""Downloading the release: a local HTTP server on 127.0.0.1 serves small files made here.

Every failure mode must leave the cache folder's parent exactly as it was: no partial files,
no staging folders.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from empathy_judge.datasets.checksums import (
    DEFAULT_BASE_URL,
    OPTIONAL_FILES,
    RELEASE_CHECKSUMS,
    RELEASE_URL_ENV,
    base_url,
    file_url,
)
from empathy_judge.datasets.download import ReleaseDownloadError, download_release, verify_files

FILES = {
    "annotations/epitome/expert1_ratings.csv": b"sp_id,rp_id,level_emotional_reactions\nab,cd,1\n",
    "original_data/sample_epitome.csv": b"sp_id,rp_id,seeker_post,response_post\nab,cd,hi,yo\n",
    "annotations/epitome/gpt_ratings.csv": b",sp_id,level_emotional_reactions\n0,ab,1.0\n",
}
OPTIONAL = {"annotations/epitome/gpt_ratings.csv"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CHECKSUMS = {path: sha(data) for path, data in FILES.items()}


class Server:
    """Serves ``files``; ``truncate`` paths declare a longer Content-Length than they send."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = dict(FILES)
        self.truncate: set[str] = set()
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.removeprefix("/release/")
                server.requests.append(path)
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


def download(dest: Path, url: str, **kwargs: object) -> Path:
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
