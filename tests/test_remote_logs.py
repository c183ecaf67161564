"""Logs on an S3-compatible object store: benchmark writes there, report and compare read there.

The store is moto's server mode, started by the test on 127.0.0.1 (no network beyond loopback);
Inspect reaches it through fsspec/s3fs like any S3 endpoint (``AWS_ENDPOINT_URL``).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.release

BUCKET = "judge-logs"
GEMINI = "replay/gemini-2.5-pro"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    pytest.importorskip("moto.server")
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    saved |= {k: os.environ.get(k) for k in ("AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL")}
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=endpoint,
    )
    import boto3

    boto3.client("s3").create_bucket(Bucket=BUCKET)
    try:
        yield endpoint
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _keys(prefix: str) -> list[str]:
    import boto3

    listed = boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def test_benchmark_report_and_compare_on_s3(
    s3_endpoint: str, release_dir: Path, tmp_path: Path
) -> None:
    from inspect_ai.log import read_eval_log, write_eval_log

    from empathy_judge.reports.cli.benchmark import benchmark
    from empathy_judge.reports.cli.compare import compare
    from empathy_judge.reports.cli.report import report

    remote = f"s3://{BUCKET}/bench"
    args = ["--model", GEMINI, "--model", "replay/expert2", "--framework", "epitome"]
    args += ["--limit", "6", "--log-dir", remote, "--data-dir", str(release_dir)]
    args += ["--display", "none", "--resamples", "200", "--out", str(tmp_path / "bench")]
    result = CliRunner().invoke(benchmark, args)
    assert result.exit_code == 0, result.output
    written = [k for k in _keys("bench/") if k.endswith(".eval")]
    assert len(written) == 2, written
    assert f"run finished: {GEMINI} on " in result.output
    bench = json.loads((tmp_path / "bench" / "results.json").read_text())
    assert bench["frameworks"]["epitome"]["n_items"] == 6

    # Shards and retries: a copy of one log under another prefix (the same eval_id), a later
    # attempt of the same run that failed, and an unfinished one: each run still counts once.
    gemini_key = next(
        k for k in written if "gemini" in read_eval_log(f"s3://{BUCKET}/{k}").eval.model
    )
    original = read_eval_log(f"s3://{BUCKET}/{gemini_key}")
    write_eval_log(original, f"s3://{BUCKET}/bench/shard-b/copy.eval")
    failed = original.model_copy(deep=True)
    failed.status = "error"
    failed.eval.eval_id = "a-failed-retry"
    failed.eval.created = "2099-01-01T00:00:00+00:00"
    write_eval_log(failed, f"s3://{BUCKET}/bench/shard-c/failed.eval")

    out = tmp_path / "report"
    result = CliRunner().invoke(report, [remote, "--out", str(out), "--resamples", "200"])
    assert result.exit_code == 0, result.output
    rows = json.loads((out / "results.json").read_text())["overall"]["rows"]
    labels = [r["label"] for r in rows]
    assert sorted(labels) == sorted([GEMINI, "replay/expert2"]), labels
    assert "the same run as" in result.output and "shard-b/copy.eval" in result.output
    assert "status 'error'" in result.output
    # Remote logs are named by their URL in the report (there is no path relative to it).
    assert f"s3://{BUCKET}/{gemini_key}" in (out / "results.json").read_text()

    # DIR:MODEL with a URL: the scheme's colon is not the separator.
    result = CliRunner().invoke(compare, [f"{remote}:{GEMINI}", f"{remote}:{GEMINI}"])
    assert f"baseline:  {GEMINI} ({remote}:{GEMINI})" in result.output
    mean = next(line for line in result.output.splitlines() if "(mean)" in line)
    # Six items are below the engine's minimum for a verdict: inconclusive, never "equivalent".
    assert mean.split()[-1] == "inconclusive" and mean.split()[-2] == "6", mean


def test_missing_remote_folder_is_named(s3_endpoint: str) -> None:
    from empathy_judge.reports.logs import LogError, load_runs

    with pytest.raises(LogError, match=f"s3://{BUCKET}/absent: no such log file or folder"):
        load_runs([f"s3://{BUCKET}/absent"])
