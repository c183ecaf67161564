"""End to end against a real OpenAI-compatible server: ``python -m llama_cpp.server``.

The server runs on 127.0.0.1 (a free port) with the bundled SmolLM2 GGUF, and the tasks reach
it through Inspect's own ``openai-api/<service>/<model>`` provider, configured the way a user
would: ``LLAMACPP_API_KEY`` and ``LLAMACPP_BASE_URL``. llama.cpp's server takes a plain
JSON-object response format but answers every JSON-schema request with HTTP 500, which is the
case ``-T structured=`` exists for.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.event import ModelEvent
from inspect_ai.log import EvalLog

from empathy_judge.evals.tasks import TASKS

pytestmark = [pytest.mark.release, pytest.mark.gguf]

SERVICE = "llamacpp"
MODEL = f"openai-api/{SERVICE}/smollm2"
#: Bounded waits: the server loads a 135M model in well under this on two busy cores.
STARTUP_SECONDS = 180
STOP_SECONDS = 30


@dataclass(frozen=True)
class Server:
    """A running llama.cpp server."""

    base_url: str
    log_file: Path

    def rejected_requests(self) -> int:
        """Chat requests the server answered with HTTP 500 so far (from its access log)."""
        lines = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        return sum('"POST /v1/chat/completions HTTP/1.1" 500' in line for line in lines)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the llama.cpp server test: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`python -m llama_cpp.server` serving smollm2 on 127.0.0.1, stopped after the module."""
    if importlib.util.find_spec("llama_cpp") is None:
        _unavailable('llama-cpp-python is not installed: pip install -e ".[local]"')
    try:
        import llama_cpp.server.app  # noqa: F401
    except ImportError as error:
        _unavailable(f'llama_cpp.server cannot be imported ({error}): pip install -e ".[local]"')
    from inspect_ai._util.error import PrerequisiteError

    from empathy_judge.evals.providers.gguf import resolve_model_path

    try:
        model_path = resolve_model_path("smollm2")
    except PrerequisiteError as error:
        _unavailable(str(error.message))

    port = _free_port()
    log_file = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log_file.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                # llama_cpp.server's own command line, safe on CPUs with AMX (see llama_amx).
                "empathy_judge.evals.providers.llama_amx",
                "--model",
                str(model_path),
                "--model_alias",
                "smollm2",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "4096",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(f"{base_url}/models"):
            if process.poll() is not None:
                pytest.fail(
                    f"llama_cpp.server exited ({process.returncode}):\n{log_file.read_text()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within {STARTUP_SECONDS} s")
            time.sleep(0.5)
        yield Server(base_url=base_url, log_file=log_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)


@pytest.fixture
def server_env(server: Server, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The provider's settings, as a user sets them for `openai-api/llamacpp/...`."""
    settings = {
        f"{SERVICE.upper()}_API_KEY": "unused",
        f"{SERVICE.upper()}_BASE_URL": server.base_url,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return settings


def _requests(log: EvalLog) -> list[dict[str, Any]]:
    """The chat requests the provider sent, as the log records them."""
    assert log.samples is not None
    return [
        event.call.request
        for sample in log.samples
        for event in sample.events
        if isinstance(event, ModelEvent) and event.call is not None
    ]


def _parse_rate(log: EvalLog) -> float:
    assert log.results is not None
    (score,) = log.results.scores
    return float(score.metrics["parse_rate"].value)


def test_json_object_format_parses_ratings(
    release_dir: Path, tmp_path: Path, server_env: dict[str, str]
) -> None:
    (log,) = inspect_eval(
        TASKS["epitome"](data_dir=str(release_dir), structured="json"),
        model=MODEL,
        log_dir=str(tmp_path),
        display="none",
        limit=2,
        max_connections=1,
        max_tokens=64,
    )
    assert log.status == "success", log.error
    assert log.eval.metadata is not None and log.eval.metadata["structured"] == "json"
    requests = _requests(log)
    assert len(requests) == 2
    for request in requests:
        assert request["extra_body"] == {"response_format": {"type": "json_object"}}
        assert "response_format" not in request
    # Under llama.cpp's JSON grammar the answers are JSON objects with ratings in them.
    assert _parse_rate(log) > 0.0


def test_no_format_runs_on_the_prompt_alone(
    release_dir: Path, tmp_path: Path, server_env: dict[str, str]
) -> None:
    (log,) = inspect_eval(
        TASKS["epitome"](data_dir=str(release_dir), structured="none"),
        model=MODEL,
        log_dir=str(tmp_path),
        display="none",
        limit=1,
        max_tokens=48,
    )
    assert log.status == "success", log.error
    (request,) = _requests(log)
    assert "response_format" not in request and "extra_body" not in request
    assert 0.0 <= _parse_rate(log) <= 1.0


def test_rejected_schema_fails_fast_with_one_message(
    release_dir: Path, server: Server, tmp_path: Path, server_env: dict[str, str]
) -> None:
    rejected_before = server.rejected_requests()
    env = {**os.environ, **server_env, "EMPATHY_JUDGE_DATA": str(release_dir), "COLUMNS": "300"}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "inspect"),
            "eval",
            "empathy_judge/epitome",
            "--model",
            MODEL,
            "-T",
            "structured=schema",
            "--limit",
            "2",
            "--log-dir",
            str(tmp_path),
            "--log-format",
            "json",
            "--display",
            "plain",
        ],
        capture_output=True,
        text=True,
        env=env,
        # Without the fast failure Inspect retries for far longer than this (unbounded backoff).
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    output = " ".join((result.stdout + result.stderr).split())
    expected = (
        "the server rejected the JSON-schema response format that -T structured=schema sends"
        " (a request without it succeeds); rerun with -T structured=json or -T structured=none."
    )
    assert expected in output, output[-3000:]
    (log_file,) = tmp_path.glob("*.json")
    log = json.loads(log_file.read_text(encoding="utf-8"))
    assert log["status"] == "error"
    # The message is the log's error, or (errored samples being scored, issue 20) the samples'.
    errors = [log.get("error") or {}] + [s.get("error") or {} for s in log.get("samples") or []]
    messages = " ".join(str(e.get("message", "")) for e in errors)
    assert expected in messages
    assert "Input should be 'text' or 'json_object'" in messages  # llama.cpp's
    # Two schema requests reach the server (the rating request once, the probe once), each with
    # the OpenAI client's own two quick retries; never Inspect's retry loop.
    assert server.rejected_requests() - rejected_before <= 6
