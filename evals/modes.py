"""The answer-request modes of ``-T structured=``, as plain types (no Inspect import).

`empathy_judge.evals.structured` implements them; `empathy_judge.evals.catalogue` lists them
without importing Inspect.
"""

from __future__ import annotations

from typing import Literal

StructuredMode = Literal["schema", "json", "none"]
STRUCTURED_MODES: tuple[StructuredMode, ...] = ("schema", "json", "none")
