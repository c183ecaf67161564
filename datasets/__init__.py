"""Where items and reference ratings come from: rubrics, the authors' release, other sources."""

from empathy_judge.datasets.conversation import Conversation, Turn, parse_transcript
from empathy_judge.datasets.download import ReleaseDownloadError, download_release
from empathy_judge.datasets.reddit import RedditCorpus, load_reddit
from empathy_judge.datasets.release import (
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
from empathy_judge.datasets.rubric import (
    FRAMEWORK_IDS,
    Framework,
    RubricError,
    SubComponent,
    all_frameworks,
    load_framework,
    load_rubric_file,
)
from empathy_judge.datasets.user_data import (
    DataValidationError,
    Problem,
    load_user_conversations,
    load_user_data,
    load_user_ratings,
    validate_conversations,
    validate_ratings,
)

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
    "resolve_data_dir",
    "resolve_release",
    "validate_conversations",
    "validate_ratings",
]
