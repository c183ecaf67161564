#!/usr/bin/env bash
# Set up (into the active environment) and run every check: install, ruff, mypy, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[dev,local]"
python -c "import importlib.metadata as m; print('inspect-ai', m.version('inspect-ai'))"
# Headless Chromium (Debian's package) for the HTML report's browser test, when missing.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium) \
    || echo "warning: could not install chromium; the browser test will fail" >&2
fi
ruff check .
ruff format --check .
mypy
set +e
# -P: the repo root must not shadow Hugging Face `datasets` with our datasets/ folder.
python -P -m pytest "$@"
rc=$?
set -e
# pytest exits 5 when it collected no test: that is a failure of the suite, not a pass.
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi
exit "$rc"
