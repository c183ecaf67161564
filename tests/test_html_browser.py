"""The HTML report in headless Chromium: it renders, and an injected script does not run."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log, write_eval_log

from empathy_judge.reports.logs import load_runs
from empathy_judge.reports.report_files import write_report
from empathy_judge.scorers.bootstrap_settings import BootstrapSettings

pytestmark = [pytest.mark.release, pytest.mark.browser]

# Run label of the shared replay logs (tests/conftest.py).
GEMINI = "replay/gemini-2.5-pro"

INJECTED = (
    "<script>document.title='INJECTED';"
    "document.body.insertAdjacentHTML('beforeend','<p id=\"pwned\">PWNED</p>')</script>"
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--hide-scrollbars",
)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless chromium is required (apt-get install chromium; .ci/run installs it)")


def _run_chromium(args: list[str], profile: Path) -> str:
    result = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="session")
def poisoned_report(tmp_path_factory: pytest.TempPathFactory, replay_logs_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("browser")
    logs_dir = replay_logs_dir
    source = load_runs([logs_dir]).get(GEMINI, "epitome")
    assert source is not None
    log = read_eval_log(source.location)
    # The injected script sits in every transcript and rationale, and in the model's name.
    log.eval.model_args = {"note": "<b>x</b>"}
    for sample in log.samples or []:
        assert isinstance(sample.input, str)
        sample.input = sample.input.replace("Seeker: ", f"Seeker: {INJECTED} ", 1)
        score = (sample.scores or {})["empathy_ratings"]
        score.explanation = f"Rationale {INJECTED}"
    poisoned = root / "poisoned" / "poisoned.eval"
    poisoned.parent.mkdir()
    write_eval_log(log, str(poisoned))
    out = root / "report"
    write_report(load_runs([poisoned, logs_dir]), out, settings=BootstrapSettings(n_resamples=200))
    return out / "index.html"


def test_injected_script_does_not_run(poisoned_report: Path, tmp_path: Path) -> None:
    html = poisoned_report.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#x27;INJECTED&#x27;" in html
    dom = _run_chromium(
        ["--virtual-time-budget=3000", "--dump-dom", poisoned_report.as_uri()], tmp_path / "p1"
    )
    assert "<title>Empathy-judge report</title>" in dom
    assert '<p id="pwned">' not in dom and "INJECTED</title>" not in dom
    # The browser shows the script as text: the escaped form survives in the live DOM.
    assert "&lt;script&gt;document.title='INJECTED'" in dom
    assert "Rationale &lt;script&gt;" in dom
    assert "replay/gemini-2.5-pro[note=&lt;b&gt;x&lt;/b&gt;]" in dom


def test_report_renders_leaderboard_and_charts(poisoned_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _run_chromium(
        [f"--screenshot={shot}", "--window-size=1300,2600", poisoned_report.as_uri()],
        tmp_path / "p2",
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1300, 2600)
    # A blank page compresses to a few kB; the table and the charts take far more.
    assert len(data) > 100_000
    dom = _run_chromium(["--dump-dom", poisoned_report.as_uri()], tmp_path / "p3")
    assert dom.count('<img src="data:image/png;base64,') == 6  # 2 charts × 3 frameworks run
    assert "Experts (leave one out)" in dom and "Legend" in dom
    # One diagnostics panel per rater: 4 runs on EPITOME (the poisoned copy included), 3 on
    # each other framework, and the crowd of each.
    assert dom.count('<table class="diagnostics">') == 4 + 3 + 3 + 3
    assert "How each rater departs from the experts" in dom
