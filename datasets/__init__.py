"""Where items and reference ratings come from: rubrics, the authors' release, other sources."""

from empathy_judge.datasets.rubric import (
    FRAMEWORK_IDS,
    Framework,
    RubricError,
    SubComponent,
    all_frameworks,
    load_framework,
    load_rubric_file,
)

__all__ = [
    "FRAMEWORK_IDS",
    "Framework",
    "RubricError",
    "SubComponent",
    "all_frameworks",
    "load_framework",
    "load_rubric_file",
]
