"""Where items and reference ratings come from: rubrics, the authors' release, other sources.

The public names below are loaded on first use (PEP 562), so importing one light submodule
(``empathy_judge.datasets.errors``, say) does not load pandas, and ``empathy-judge --help``
stays quick.

Why this file hands ``import datasets`` over to Hugging Face
-------------------------------------------------------------
The repository keeps this sub-package in a folder named ``datasets/`` (installed as
``empathy_judge.datasets``; nothing named ``datasets`` is installed). A Python or notebook
started in the repository root has the root first on ``sys.path``, so ``import datasets``
finds this folder before Hugging Face's ``datasets``. When this file is imported under the name
``datasets``, it therefore loads Hugging Face's package from the rest of ``sys.path`` and
puts it in its place in ``sys.modules``: ``import datasets`` gives Hugging Face's everywhere,
and no ``python -P`` is needed.

The alternative weighed was deleting this file, which makes the folder a namespace portion that
a regular package later on ``sys.path`` wins over. It was not taken because (1) every existing
editable install would stop finding ``empathy_judge.datasets`` until reinstalled (setuptools'
editable finder records at install time which mapped packages are namespaces), and (2) a
namespace package has no place for the public names below, which would then live only in the
submodules. The one thing this choice leaves: ``importlib.util.find_spec("datasets")`` started
in the root still names this folder (it does not import); the import itself is Hugging Face's.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if __name__ == "datasets":  # imported from the repository root: hand over to Hugging Face.
    import os
    from importlib.machinery import PathFinder
    from importlib.util import module_from_spec

    _root = os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    _rest = [
        entry
        for entry in sys.path
        if isinstance(entry, str) and os.path.realpath(entry or os.curdir) != _root
    ]
    _spec = PathFinder.find_spec(__name__, _rest)
    if _spec is None or _spec.loader is None:
        raise ModuleNotFoundError(
            "No module named 'datasets' besides the repository's datasets/ folder (which is"
            " empathy_judge.datasets): install Hugging Face datasets",
            name=__name__,
        )
    _module = module_from_spec(_spec)
    sys.modules[__name__] = _module
    _spec.loader.exec_module(_module)

if TYPE_CHECKING:
    from .conversation import Conversation, Turn, parse_transcript
    from .download import ReleaseDownloadError, download_release
    from .reddit import RedditCorpus, load_reddit
    from .release import (
        ConversationsUnavailableError,
        Release,
        ReleaseFormatError,
        ReleaseNotFoundError,
        ReleaseWarning,
        load_conversations,
        load_ratings,
        load_release,
        resolve_data_dir,
        resolve_release,
    )
    from .rubric import (
        FRAMEWORK_IDS,
        Framework,
        RubricError,
        SubComponent,
        all_frameworks,
        load_framework,
        load_rubric_file,
    )
    from .user_data import (
        DataValidationError,
        Problem,
        conversations_problems,
        load_user_conversations,
        load_user_data,
        load_user_ratings,
        ratings_problems,
    )

#: Public name -> the submodule that defines it.
_SOURCES: dict[str, str] = {
    **dict.fromkeys(["Conversation", "Turn", "parse_transcript"], "conversation"),
    **dict.fromkeys(["ReleaseDownloadError", "download_release"], "download"),
    **dict.fromkeys(["RedditCorpus", "load_reddit"], "reddit"),
    **dict.fromkeys(
        [
            "ConversationsUnavailableError",
            "Release",
            "ReleaseFormatError",
            "ReleaseNotFoundError",
            "ReleaseWarning",
            "load_conversations",
            "load_ratings",
            "load_release",
            "resolve_data_dir",
            "resolve_release",
        ],
        "release",
    ),
    **dict.fromkeys(
        [
            "FRAMEWORK_IDS",
            "Framework",
            "RubricError",
            "SubComponent",
            "all_frameworks",
            "load_framework",
            "load_rubric_file",
        ],
        "rubric",
    ),
    **dict.fromkeys(
        [
            "DataValidationError",
            "Problem",
            "load_user_conversations",
            "load_user_data",
            "load_user_ratings",
            "conversations_problems",
            "ratings_problems",
        ],
        "user_data",
    ),
}

__all__ = [
    "FRAMEWORK_IDS",
    "Conversation",
    "ConversationsUnavailableError",
    "DataValidationError",
    "Framework",
    "Problem",
    "RedditCorpus",
    "Release",
    "ReleaseDownloadError",
    "ReleaseFormatError",
    "ReleaseNotFoundError",
    "ReleaseWarning",
    "RubricError",
    "SubComponent",
    "Turn",
    "all_frameworks",
    "conversations_problems",
    "download_release",
    "load_conversations",
    "load_framework",
    "load_ratings",
    "load_reddit",
    "load_release",
    "load_rubric_file",
    "load_user_conversations",
    "load_user_data",
    "load_user_ratings",
    "parse_transcript",
    "ratings_problems",
    "resolve_data_dir",
    "resolve_release",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its submodule on first use."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{source}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
