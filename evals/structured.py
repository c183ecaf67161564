"""How a rating task asks for its JSON answer (``-T structured=``), and a fast, clear failure.

Three modes:

- ``schema`` (default): Inspect's structured output (``GenerateConfig.response_schema``), sent
  to OpenAI-compatible servers as ``response_format={"type": "json_schema", ...}``.
- ``json``: a plain JSON-object response format. Inspect 0.3.285 has no field for it, so the
  task sends ``extra_body={"response_format": {"type": "json_object"}}``, which the
  OpenAI-compatible chat providers (``openai-api/``, ``vllm/``, ``ollama/``, ``llama-cpp-python/``
  ...) merge into the request body as it is. Providers that do not speak OpenAI's chat API
  ignore or reject it (the local ``gguf/`` and ``replay/`` providers ignore it).
- ``none``: no response format at all; the prompt alone states the format.

A server that rejects the response format (``python -m llama_cpp.server`` answers every
JSON-schema request with HTTP 500) would otherwise have Inspect retry each sample for minutes.
:func:`rate` therefore sends a model's first rating request with ``max_retries=0``; only when
that request fails does it probe the server with two tiny requests, one without and one with the
response format, each sent once (``Model.api.generate``, outside Inspect's retry loop). When the
first succeeds and the second fails (other than by a rate limit, a timeout or a lost connection),
the format is the cause: every sample stops at once with a
:class:`ResponseFormatRejectedError` naming ``-T structured``. Any other failure (a server that is
down, a rate limit, an error unrelated to the format) leaves the verdict open and the sample is
generated again with Inspect's full retries, so real transient errors are retried exactly as
before. Requests after the first successful one run with the full retries from the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import (
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ResponseSchema,
    RetryDecision,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import JSONSchema
from pydantic import ConfigDict

from ..datasets.errors import EmpathyJudgeError
from .modes import STRUCTURED_MODES, StructuredMode

__all__ = [
    "STRUCTURED_MODES",
    "ResponseFormatRejectedError",
    "StructuredMode",
    "format_config",
    "rate",
]


#: What ``structured=json`` adds to the request body of an OpenAI-compatible chat request.
JSON_OBJECT_BODY: dict[str, Any] = {"response_format": {"type": "json_object"}}

#: What each mode's request carries, for messages.
FORMAT_NAMES: dict[StructuredMode, str] = {
    "schema": "JSON-schema response format",
    "json": "JSON-object response format",
    "none": "prompt alone",
}

#: The probes' prompt and length: just enough to show the server answers at all.
PROBE_PROMPT = 'Answer with the JSON object {"ok": 1}.'
PROBE_MAX_TOKENS = 16
_ERROR_EXCERPT_CHARS = 300


class ResponseFormatRejectedError(EmpathyJudgeError, PrerequisiteError):
    """The model's server rejects the response format that ``-T structured=`` asks for.

    A :class:`~inspect_ai._util.error.PrerequisiteError` too, so that Inspect shows the message.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


def shared_properties(schema: ResponseSchema) -> ResponseSchema:
    """The same schema, with identical property schemas held as one object.

    A rating schema repeats one property schema per sub-component (e.g. an integer from 1 to
    5). Inspect deep-copies the generation config several times per request; deep copies keep
    shared objects shared, so this halves that cost for a six-property schema. The schema's
    JSON is unchanged.

    Args:
        schema: A response schema.

    Returns:
        The schema with equal properties shared (the input itself when none repeat).
    """
    properties = schema.json_schema.properties
    if not properties:
        return schema
    seen: dict[str, JSONSchema] = {}
    shared = {
        name: seen.setdefault(prop.model_dump_json(exclude_none=True), prop)
        for name, prop in properties.items()
    }
    if len(seen) == len(properties):
        return schema
    json_schema = schema.json_schema.model_copy(update={"properties": shared})
    return schema.model_copy(update={"json_schema": json_schema})


class SharedResponseSchema(ResponseSchema):
    """A response schema that deep copies share instead of copying.

    Inspect deep-copies the generation config on every merge, four to five times per request
    (`GenerateConfig.merge` copies both sides), and the response schema is most of a rating
    config's objects. The task's schema is never modified in place (it is frozen here, and
    Inspect's providers that adapt a schema copy it first), so every copy can be the one
    object. It serialises as a `ResponseSchema`: the log and the request are unchanged.
    """

    model_config = ConfigDict(frozen=True)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> SharedResponseSchema:
        return self


def shared_schema(schema: ResponseSchema) -> SharedResponseSchema:
    """The schema as one shared, frozen object, with equal property schemas shared too.

    Args:
        schema: A response schema.

    Returns:
        A `SharedResponseSchema` with the same fields (the same JSON).
    """
    if isinstance(schema, SharedResponseSchema):
        return schema
    shared = shared_properties(schema)
    return SharedResponseSchema(
        **{name: getattr(shared, name) for name in ResponseSchema.model_fields}
    )


def format_config(mode: StructuredMode, schema: ResponseSchema) -> GenerateConfig:
    """The generation settings that carry one mode's response format.

    Args:
        mode: ``schema``, ``json`` or ``none``.
        schema: The answer's JSON schema (used by ``schema`` only).

    Returns:
        A config holding only the response-format fields of the mode.
    """
    if mode == "schema":
        return GenerateConfig(response_schema=shared_schema(schema))
    if mode == "json":
        return GenerateConfig(extra_body=dict(JSON_OBJECT_BODY))
    return GenerateConfig()


def rejection_message(mode: StructuredMode, model: str, error: BaseException) -> str:
    """The one message shown when a server rejects a mode's response format.

    Args:
        mode: ``schema`` or ``json``.
        model: The model, as Inspect names it.
        error: The server's error on the rating request.

    Returns:
        A one-paragraph message naming ``-T structured`` and the modes to try instead.
    """
    others = [m for m in STRUCTURED_MODES if m not in ("schema", mode)]
    options = " or ".join(f"-T structured={m}" for m in others)
    detail = " ".join(str(error).split())[:_ERROR_EXCERPT_CHARS]
    return (
        f"{model}: the server rejected the {FORMAT_NAMES[mode]} that -T structured={mode} sends "
        f"(a request without it succeeds); rerun with {options}. Server error: {detail}"
    )


def _root_cause(error: BaseException) -> BaseException:
    # Inspect's retry loop wraps the last failure in tenacity's RetryError.
    last_attempt = getattr(error, "last_attempt", None)
    if last_attempt is not None:
        inner = last_attempt.exception()
        if isinstance(inner, BaseException):
            return inner
    return error


_CONNECTION_ERRORS = frozenset({"APIConnectionError", "APITimeoutError"})


def says_nothing_about_the_format(model: Model, error: BaseException) -> bool:
    """Whether a failure is one the request's format cannot explain.

    A rate limit (HTTP 429, or the provider's own classification), a timeout or a connection
    failure would have happened with any request.

    Args:
        model: The model whose provider classifies the error.
        error: The failure.

    Returns:
        True for rate limits, timeouts and connection failures.
    """
    if isinstance(error, TimeoutError | ConnectionError):
        return True
    if any(cls.__name__ in _CONNECTION_ERRORS for cls in type(error).__mro__):
        return True
    if getattr(error, "status_code", None) == 429:
        return True
    if not isinstance(error, Exception):
        return False
    decision = model.api.should_retry(error)
    return isinstance(decision, RetryDecision) and decision.kind == "rate_limit"


async def _probe(model: Model, config: GenerateConfig) -> BaseException | None:
    """Send one tiny request with these settings, once, without retries; its failure if any."""
    try:
        result = await model.api.generate(
            [ChatMessageUser(content=PROBE_PROMPT)], [], "none", config
        )
    except Exception as error:
        return error
    output = result[0] if isinstance(result, tuple) else result
    if isinstance(output, BaseException):
        return output
    if output.error is not None:
        return RuntimeError(output.error)
    return None


async def format_is_rejected(model: Model, mode: StructuredMode, schema: ResponseSchema) -> bool:
    """Whether the model's server answers without the mode's response format but not with it.

    Args:
        model: The model under evaluation.
        mode: ``schema`` or ``json``.
        schema: The answer's JSON schema.

    Returns:
        True only when a plain probe succeeds and the same probe with the format fails for a
        reason other than a rate limit, a timeout or a lost connection.
    """
    plain = GenerateConfig(max_tokens=PROBE_MAX_TOKENS, temperature=0.0)
    if await _probe(model, plain) is not None:
        return False
    failure = await _probe(model, plain.merge(format_config(mode, schema)))
    return failure is not None and not says_nothing_about_the_format(model, failure)


@dataclass
class _Verdict:
    """What is known of one model's support for the response format."""

    lock: anyio.Lock = field(default_factory=anyio.Lock)
    state: Literal["unknown", "accepted", "rejected"] = "unknown"
    message: str = ""


def add_system_message(state: TaskState, text: str) -> None:
    """Insert a system message after the conversation's system messages (first if none).

    The placement of Inspect's ``system_message()`` solver, without its template substitution
    (the task's system prompt is plain text).
    """
    position = 0
    for index, message in enumerate(state.messages):
        if isinstance(message, ChatMessageSystem):
            position = index + 1
    state.messages.insert(position, ChatMessageSystem(content=text))


@solver
def rate(
    structured: StructuredMode,
    schema: ResponseSchema,
    seed: int | None = None,
    system: str | None = None,
) -> Solver:
    """Generate the rating; stop fast and clearly when the server rejects the response format.

    Args:
        structured: The task's ``-T structured`` mode.
        schema: The answer's JSON schema (the task config carries the format itself).
        seed: With several epochs, the base seed: epoch k generates with seed + k − 1, so the
            epochs are independent samples rather than one answer repeated (None: the task's
            seed for every epoch).
        system: A system message to insert before generating (as Inspect's
            ``system_message()`` would, but in the same solver step: a separate step costs
            every sample a solver span and a state snapshot in the transcript).

    Returns:
        A solver that generates once per sample, like ``generate()``.
    """
    verdicts: dict[str, _Verdict] = {}

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if system is not None:
            add_system_message(state, system)
        settings: dict[str, Any] = {} if seed is None else {"seed": seed + state.epoch - 1}
        if structured == "none":
            return await generate(state, **settings)
        model = get_model()
        verdict = verdicts.setdefault(f"{model}@{model.api.base_url}", _Verdict())
        if verdict.state == "unknown":
            async with verdict.lock:
                if verdict.state == "unknown":
                    try:
                        # The first request, sent once: a rejected format fails in seconds.
                        state = await generate(state, max_retries=0, **settings)
                    except Exception as error:
                        cause = _root_cause(error)
                        if not says_nothing_about_the_format(
                            model, cause
                        ) and await format_is_rejected(model, structured, schema):
                            verdict.state = "rejected"
                            verdict.message = rejection_message(structured, str(model), cause)
                            raise ResponseFormatRejectedError(verdict.message) from None
                    else:
                        verdict.state = "accepted"
                        return state
        if verdict.state == "rejected":
            raise ResponseFormatRejectedError(verdict.message)
        return await generate(state, **settings)

    return solve
