"""Keep llama.cpp off its AMX matrix kernels, which crash on some Intel Xeon CPUs.

A llama-cpp-python build compiled with ``-march=native`` on a CPU with AMX (Intel Sapphire
Rapids and later, common on cloud machines) repacks a model's weights into an AMX buffer at load
time, and on some of these machines the first generation then dies with a segmentation fault
inside ``ggml_backend_amx_mul_mat`` (ggml-org/llama.cpp#20824, unfixed; seen here with
llama-cpp-python 0.3.36 and SmolLM2). A crash takes the whole evaluation down, so when llama.cpp
reports ``AMX_INT8 = 1`` the model is loaded without weight repacking (llama.cpp's
``use_extra_bufts = false``, the ``--no-repack`` of its own command line). The weights then stay
in the ordinary CPU buffer and run on the AVX kernels; on the bundled Q4_1 model nothing else
changes. ``EMPATHY_JUDGE_LLAMA_REPACK=1`` keeps repacking on (for a machine where AMX works).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: What llama.cpp's system information says on a build that uses the AMX kernels.
AMX_MARKER = "AMX_INT8 = 1"
#: Set to 1 to keep llama.cpp's weight repacking on an AMX machine.
REPACK_ENV = "EMPATHY_JUDGE_LLAMA_REPACK"


def uses_amx(llama_cpp: Any) -> bool:
    """Whether this llama.cpp build runs matrix products on AMX (from its system information)."""
    info = llama_cpp.llama_print_system_info()
    text = info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)
    return AMX_MARKER in text


def repacking_is_unsafe(llama_cpp: Any) -> bool:
    """Whether models should load without weight repacking: AMX in use and no opt-in to it."""
    return os.environ.get(REPACK_ENV, "") != "1" and uses_amx(llama_cpp)


def _without_repacking(default_params: Callable[[], Any]) -> Callable[[], Any]:
    def params() -> Any:
        value = default_params()
        value.use_extra_bufts = False
        return value

    return params


@contextmanager
def safe_model_params(llama_cpp: Any) -> Iterator[None]:
    """Within this block, ``llama_cpp.Llama(...)`` loads without weight repacking if it must.

    ``Llama.__init__`` starts from ``llama_cpp.llama_cpp.llama_model_default_params()`` and takes
    no argument for ``use_extra_bufts``, so the defaults are wrapped for the block's duration. A
    build whose parameters have no such field (older than llama.cpp's repacking) is left alone.

    Args:
        llama_cpp: The imported ``llama_cpp`` package.
    """
    bindings = llama_cpp.llama_cpp
    fields = {name for name, *_ in bindings.llama_model_params._fields_}
    if "use_extra_bufts" not in fields or not repacking_is_unsafe(llama_cpp):
        yield
        return
    original = bindings.llama_model_default_params
    bindings.llama_model_default_params = _without_repacking(original)
    try:
        yield
    finally:
        bindings.llama_model_default_params = original


def serve() -> None:
    """``python -m empathy_judge.evals.providers.llama_amx ARGS``: llama-cpp-python's server.

    The same command line as ``python -m llama_cpp.server``, with models loaded as
    :func:`safe_model_params` loads them, so a machine with AMX serves instead of crashing.
    """
    import runpy

    import llama_cpp

    with safe_model_params(llama_cpp):
        runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    serve()
