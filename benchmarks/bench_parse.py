"""Speed of the completion parser on pathological outputs (issue 20), linear and bounded.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_parse.py [--sizes 100000,1000000,10000000] [--old REV]

Each shape below is built at each size (characters) and parsed once for the EPITOME rubric
(`empathy_judge.scorers.parse.parse_ratings`). The baseline, measured in the same run on the
same text, is one C-speed regular-expression pass over it (``re.findall`` of the characters the
parser cares about, ``[{}\\[\\]":|\\n<]``); the ratio parse / baseline says how far the parser
is from a single scan. With ``--old REV`` the parser of that git revision (e.g. the commit
before issue 20's changes) is timed too, on the sizes up to 1 MB only unless ``--old-all``.

Shapes: ``braces`` (``{`` repeated), ``open_objects`` (``{"a": `` repeated, never closed),
``nested`` (``{"a":`` repeated), ``pairs`` (``name: 1,`` repeated), ``table_rows`` (a Markdown
row repeated), ``one_line_table`` (``| x `` repeated), ``json_list`` (an unterminated list of
numbers), ``commas`` (a value followed by commas), ``think_tags`` (``<think>`` repeated, then an
answer), ``long_reasoning`` (one closed ``<think>`` block of prose, then a valid answer: the
realistic large case, which must still be read), ``prose``.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ER = "level_emotional_reactions"
ANSWER = f'{{"{ER}": 2, "level_interpretations": 1, "level_explorations": 0}}'
_BASELINE_RE = re.compile(r'[{}\[\]":|\n<]')


def shapes(size: int) -> dict[str, str]:
    """Every pathological shape at about `size` characters."""

    def fill(unit: str) -> str:
        return unit * max(1, size // len(unit))

    return {
        "braces": fill("{"),
        "open_objects": fill('{"a": '),
        "nested": fill('{"a":'),
        "pairs": fill(f"{ER}: 1, "),
        "table_rows": fill("| Emotional reactions | 2 |\n"),
        "one_line_table": fill("| x "),
        "json_list": '{"x": [' + fill("1,"),
        "commas": f"{ER}: 1" + fill(", "),
        "think_tags": fill("<think>") + ANSWER,
        "long_reasoning": "<think>" + fill("word ") + "</think>" + ANSWER,
        "prose": fill("word "),
    }


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _old_parser(revision: str) -> Callable[..., Any]:
    """`parse_ratings` as it was at a git revision (loaded from `git show`)."""
    source = subprocess.run(
        ["git", "show", f"{revision}:scorers/parse.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    folder = Path(tempfile.mkdtemp())
    path = folder / "old_parse.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_parse", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_parse"] = module
    spec.loader.exec_module(module)
    return module.parse_ratings  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """Print one line per shape and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--old", default=None, help="git revision of a parser to compare with")
    parser.add_argument("--old-all", action="store_true", help="time --old on every size")
    args = parser.parse_args(argv)
    from empathy_judge.datasets.rubric import load_framework
    from empathy_judge.scorers.parse import parse_ratings

    framework = load_framework("epitome")
    old = _old_parser(args.old) if args.old else None
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'shape':<16}{'chars':>12}{'baseline s':>12}{'parse s':>10}{'ratio':>9}  status")
    worst = 0.0
    for size in sizes:
        for name, text in shapes(size).items():
            base, _ = _timed(lambda t=text: _BASELINE_RE.findall(t))  # type: ignore[misc]
            seconds, parsed = _timed(lambda t=text: parse_ratings(t, framework))  # type: ignore[misc]
            worst = max(worst, seconds)
            line = (
                f"{name:<16}{len(text):>12,}{base:>12.4f}{seconds:>10.4f}"
                f"{seconds / base if base else float('nan'):>9.1f}  {parsed.status}"
                f" ({(parsed.reason or '')[:60]})"
            )
            if old is not None and (args.old_all or size <= 1_000_000):
                old_seconds, _ = _timed(lambda t=text: old(t, framework))  # type: ignore[misc]
                line += f"  old {old_seconds:.4f} s (x{old_seconds / seconds:.0f})"
            print(line, flush=True)
    print(f"slowest parse: {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
