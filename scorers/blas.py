"""BLAS on one thread for the bootstrap's small matrix products.

The bootstrap's products are small (resamples × items by items × statistics): a BLAS thread
pool only adds its threads' start-up and spin-waiting, which on a machine whose cores are busy
made the in-run metric 2-3 times slower in CPU time and the report about twice as slow (the
figures are the same).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from typing import Any, cast


@functools.cache
def _blas_threads() -> Any:
    """A controller of the BLAS thread pools numpy and scipy loaded (None without threadpoolctl)."""
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")  # optional, and ships no types
    except ImportError:
        return None
    return threadpoolctl.ThreadpoolController()


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """A context in which BLAS runs on one thread (when threadpoolctl is installed)."""
    controller = _blas_threads()
    if controller is None:
        return contextlib.nullcontext()
    return cast(contextlib.AbstractContextManager[Any], controller.limit(limits=1, user_api="blas"))
