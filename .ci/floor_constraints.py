"""Print pip constraints that pin every ``>=`` floor of the project's Inspect dependency.

`.ci/run` installs with these constraints (``PIP_CONSTRAINT``), so CI tests the lowest
``inspect-ai`` the project declares it supports, however new the index's newest release is.
The floor is read from pyproject.toml, so the two cannot drift apart.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

#: Dependencies whose floor CI pins (the project is a plug-in of this framework).
PINNED = ("inspect-ai",)


def floor_constraints(pyproject: Path) -> list[str]:
    """``name==floor`` for each pinned dependency, from its ``>=`` specifier."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    lines = []
    for name in PINNED:
        spec = next((d for d in dependencies if re.match(rf"{re.escape(name)}\b", d)), None)
        floor = re.search(r">=\s*([^,;\s]+)", spec or "")
        if floor is None:
            raise SystemExit(f"pyproject.toml: no '>=' floor for {name} ({spec!r})")
        lines.append(f"{name}=={floor.group(1)}")
    return lines


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    print("\n".join(floor_constraints(root / "pyproject.toml")))
