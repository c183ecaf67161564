"""The ratings each task runs on, registered for the ``replay/`` provider of the same process.

``inspect eval`` builds the model before the task, so ``replay/<annotator>`` cannot be told at
start-up which data the task will rate; a task registers its pack's ratings table here when it
is built, and the provider looks up the framework a prompt's transcript tag names. Which *item*
is rated still comes only from the tag the task wrote (conversation text cannot forge one); this
registry only says where that framework's ratings live, so a replay of a user's pack needs no
extra flag. Frameworks nobody registered fall back to the authors' release.
"""

from __future__ import annotations

import threading

import pandas as pd

_lock = threading.Lock()
_registered: dict[str, pd.DataFrame] = {}


def register_ratings(framework: str, ratings: pd.DataFrame) -> None:
    """Record the long ratings table a task of `framework` runs on (the last one wins)."""
    with _lock:
        _registered[framework] = ratings


def registered_ratings(framework: str) -> pd.DataFrame | None:
    """The ratings table registered for `framework`, if a task registered one."""
    with _lock:
        return _registered.get(framework)
