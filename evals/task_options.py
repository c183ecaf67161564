"""The ``-T`` options of every rating task, as one typed model.

`TaskOptions` declares each option once: its name, type, default and, in the docstring under the
field (as Inspect's own ``GenerateConfig`` does), what it means. Everything else reads it: the
builder's signature (`empathy_judge.evals.task_builder.build_task`), the signature each
registered task shows Inspect, ``empathy-judge tasks`` (which must not import Inspect, so this
module does not) and ``empathy-judge benchmark -T``. A new option is one field here, and its
use in the builder.

The builder checks the values itself (its messages name the option and the valid choices), so
the model is built without pydantic's validation: `of` refuses unknown names and fills in the
defaults.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from .modes import StructuredMode
from .probes import ProbeName
from .prompts import PromptStyle


class UnknownOptionError(ValueError):
    """Names that are not task options; `names` lists them."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        super().__init__(f"unknown task option(s) {self.names}; valid: {list(option_names())}")


class TaskOptions(BaseModel):
    """The options every rating task takes (``-T name=value``), besides the framework."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    data_dir: str | None = None
    """The authors' release, for packaged frameworks (default: ``EMPATHY_JUDGE_DATA``, the
    cache, download)."""

    prompt: PromptStyle = "zero_shot"
    """``zero_shot``, ``few_shot`` or ``cot``."""

    shots: int | None = None
    """Number of few-shot examples, drawn deterministically with ``seed`` from the same
    framework, labelled with the expert consensus and left out of scoring (default 3 for
    ``few_shot``, 0 otherwise)."""

    sub_components: str | Sequence[str] | None = None
    """A subset of the framework's sub-components to rate."""

    conversations: str | None = None
    """A file with conversation texts (required for Perceived Empathy)."""

    seed: int = 0
    """Seed of the few-shot draw and of the model's sampling; epoch k samples with seed + k − 1,
    so repeated epochs are not copies of each other."""

    epochs: int = 1
    """Ratings per conversation, reduced by a NaN-aware median."""

    structured: StructuredMode = "schema"
    """How the JSON answer is requested: ``schema`` (a JSON-schema response format), ``json`` (a
    plain JSON-object response format, for OpenAI-compatible servers that take no schema) or
    ``none`` (the prompt alone states the format)."""

    probe: ProbeName | None = None
    """A robustness probe applied to every rated transcript: ``injection``, ``padding`` or
    ``label_swap`` (see `empathy_judge.evals.probes`); the items and the expert reference stay
    those of the plain task."""

    max_tokens: int | None = None
    """The cap on one answer's tokens (default per prompt style: 256 for zero_shot and
    few_shot, 1536 for cot; Inspect's --max-tokens overrides it too); recorded in the log's
    metadata."""

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> TaskOptions:
        """The options given, the others at their defaults (values are not validated here).

        Raises:
            UnknownOptionError: A name that is not an option.
        """
        unknown = [name for name in options if name not in cls.model_fields]
        if unknown:
            raise UnknownOptionError(unknown)
        defaults = {name: field.default for name, field in cls.model_fields.items()}
        return cls.model_construct(**(defaults | dict(options)))


def option_names() -> tuple[str, ...]:
    """Every option's name, in declaration order."""
    return tuple(TaskOptions.model_fields)


def option_help(name: str) -> str:
    """What an option means, on one line (its field docstring)."""
    return " ".join((TaskOptions.model_fields[name].description or "").split())


def option_parameters() -> list[inspect.Parameter]:
    """The options as keyword-only parameters (annotation and default), for signatures."""
    return [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=field.default,
            annotation=field.annotation,
        )
        for name, field in TaskOptions.model_fields.items()
    ]


__all__ = [
    "TaskOptions",
    "UnknownOptionError",
    "option_help",
    "option_names",
    "option_parameters",
]
