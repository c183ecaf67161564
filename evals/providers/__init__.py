"""The project's own Inspect model providers: ``gguf/<name>`` and ``replay/<annotator>``.

Importing this package registers both providers with Inspect. The provider classes are imported
only when a model is created, so that llama-cpp-python (an optional extra) and the release are
needed only by runs that use them.
"""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="gguf")
def gguf() -> type[ModelAPI]:
    """A GGUF model run in-process with llama-cpp-python (``gguf/smollm2`` is bundled)."""
    from .gguf import GGUFAPI

    return GGUFAPI


@modelapi(name="replay")
def replay() -> type[ModelAPI]:
    """An annotator's published ratings replayed as completions (``replay/gemini-2.5-pro``)."""
    from .replay import ReplayAPI

    return ReplayAPI


__all__ = ["gguf", "replay"]
