"""`-T structured=`: a server that rejects the response format stops at once, with one message.

The fake servers below count the requests they receive, which is the oracle: a rejected format
costs exactly three requests (the first rating request, sent once, and the two probes), never a
retry loop; a server that is down keeps every retry Inspect would make anyway.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log import EvalLog
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ResponseSchema,
    modelapi,
)
from inspect_ai.scorer import Score, Target, accuracy, scorer
from inspect_ai.solver import TaskState
from inspect_ai.tool import ToolChoice, ToolInfo
from inspect_ai.util import JSONSchema
from tenacity.wait import WaitBaseT, wait_none

from empathy_judge.evals.structured import StructuredMode, format_config, rate

SCHEMA = ResponseSchema(
    name="ratings",
    json_schema=JSONSchema(type="object", properties={"empathy": JSONSchema(type="integer")}),
)
#: A runaway retry loop would spin forever against a fake server; stop it loudly instead.
MAX_REQUESTS = 25


class ServerError(Exception):
    """Stands for an HTTP 5xx: providers classify those as transient (retried)."""


class RateLimitError(Exception):
    """Stands for an HTTP 429."""

    status_code = 429


class RunawayError(Exception):
    """The fake server saw more requests than any correct run sends."""


class FakeServerAPI(ModelAPI):
    """An OpenAI-compatible server stand-in that logs the kind of each request."""

    requests: ClassVar[list[str]] = []
    rejects: ClassVar[frozenset[str]] = frozenset()
    #: Failures forced on the first requests, in order ("503", "429" or None for no forcing).
    script: ClassVar[list[str | None]] = []

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        kind = "schema" if config.response_schema else "json" if config.extra_body else "plain"
        self.requests.append(kind)
        if len(self.requests) > MAX_REQUESTS:
            raise RunawayError(f"{len(self.requests)} requests: {self.requests}")
        forced = (
            self.script[len(self.requests) - 1] if len(self.requests) <= len(self.script) else None
        )
        if forced == "429":
            raise RateLimitError("429: too many requests")
        if forced == "503":
            raise ServerError("503: overloaded")
        if kind in self.rejects:
            raise ServerError(f"500: response_format {kind!r} is not supported")
        return ModelOutput.from_content(self.model_name, '{"empathy": 3}')

    def should_retry(self, ex: BaseException) -> bool:
        return isinstance(ex, ServerError | RateLimitError)

    def retry_wait(self) -> WaitBaseT:
        return wait_none()


@modelapi(name="fake_server")
def _fake_server() -> type[ModelAPI]:
    return FakeServerAPI


@scorer(metrics=[accuracy()])
def _answered():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=1, answer=state.output.completion)

    return score


@pytest.fixture
def server() -> type[FakeServerAPI]:
    FakeServerAPI.requests = []
    FakeServerAPI.rejects = frozenset()
    FakeServerAPI.script = []
    return FakeServerAPI


def _run(structured: StructuredMode, log_dir: Path, samples: int = 3, **eval_args: Any) -> EvalLog:
    task = Task(
        dataset=MemoryDataset([Sample(id=i, input=f"Rate item {i}.") for i in range(samples)]),
        solver=rate(structured, SCHEMA),
        scorer=_answered(),
        config=format_config(structured, SCHEMA),
    )
    (log,) = inspect_eval(
        task,
        model="fake_server/judge",
        display="none",
        log_dir=str(log_dir),
        max_connections=1,
        **eval_args,
    )
    return log


def test_rejected_schema_stops_after_three_requests(
    server: type[FakeServerAPI], tmp_path: Path
) -> None:
    server.rejects = frozenset({"schema"})
    log = _run("schema", tmp_path)
    assert log.status == "error"
    assert log.error is not None
    message = log.error.message
    assert "the server rejected the JSON-schema response format that -T structured=schema" in (
        message
    )
    assert "rerun with -T structured=json or -T structured=none" in message
    assert "response_format 'schema' is not supported" in message
    # The rating request once, a plain probe, the same probe with the schema: no retries.
    assert server.requests == ["schema", "plain", "schema"]


def test_rejected_json_object_points_to_none(server: type[FakeServerAPI], tmp_path: Path) -> None:
    server.rejects = frozenset({"json"})
    log = _run("json", tmp_path)
    assert log.status == "error"
    assert log.error is not None
    assert "JSON-object response format that -T structured=json sends" in log.error.message
    assert "rerun with -T structured=none." in log.error.message
    assert server.requests == ["json", "plain", "json"]


def test_accepted_format_is_probed_never(server: type[FakeServerAPI], tmp_path: Path) -> None:
    log = _run("schema", tmp_path)
    assert log.status == "success", log.error
    assert server.requests == ["schema"] * 3


def test_none_sends_no_format(server: type[FakeServerAPI], tmp_path: Path) -> None:
    server.rejects = frozenset({"schema", "json"})
    log = _run("none", tmp_path)
    assert log.status == "success", log.error
    assert server.requests == ["plain"] * 3


def test_one_transient_failure_is_not_blamed_on_the_format(
    server: type[FakeServerAPI], tmp_path: Path
) -> None:
    server.script = ["503"]  # the very first request fails, everything after succeeds
    log = _run("schema", tmp_path, samples=2)
    assert log.status == "success", log.error
    # First request fails; both probes answer (so the schema is not the cause); the sample is
    # generated again with full retries; the next sample's first request is accepted.
    assert server.requests == ["schema", "plain", "schema", "schema", "schema"]


def test_a_server_that_is_down_keeps_its_retries(
    server: type[FakeServerAPI], tmp_path: Path
) -> None:
    server.script = ["503"] * MAX_REQUESTS  # every request fails with a transient error
    log = _run("schema", tmp_path, samples=1, max_retries=3)
    assert log.status == "error"
    assert log.error is not None
    assert "raised ServerError" in log.error.message  # Inspect's own message after retries
    assert "structured" not in log.error.message
    # The first request once, the plain probe (fails, so no format probe), then the sample with
    # Inspect's retries as configured: 1 + 3 retries.
    assert server.requests == ["schema", "plain"] + ["schema"] * 4


def test_a_rate_limited_first_request_is_not_probed(
    server: type[FakeServerAPI], tmp_path: Path
) -> None:
    server.script = ["429"]
    log = _run("schema", tmp_path, samples=1)
    assert log.status == "success", log.error
    # A rate limit says nothing about the format: no probes, straight to the full retries.
    assert server.requests == ["schema", "schema"]


def test_a_rate_limited_probe_is_not_blamed_on_the_format(
    server: type[FakeServerAPI], tmp_path: Path
) -> None:
    server.script = ["503", None, "429"]  # first request fails, the format probe is rate limited
    log = _run("schema", tmp_path, samples=1)
    assert log.status == "success", log.error
    assert server.requests == ["schema", "plain", "schema", "schema"]


def test_schema_config_shares_its_schema_through_merges_and_serialises_unchanged() -> None:
    level = {"type": "integer", "enum": [1, 2, 3, 4, 5]}
    schema = ResponseSchema(
        name="ratings",
        json_schema=JSONSchema.model_validate(
            {"type": "object", "properties": {"a": level, "b": level}, "required": ["a", "b"]}
        ),
        description="two ratings",
    )
    config = GenerateConfig(temperature=0.0, seed=3).merge(format_config("schema", schema))
    # Inspect merges the task config with each request's settings: the schema stays one object.
    merged = config.merge(GenerateConfig(seed=4)).merge(config)
    assert merged.response_schema is config.response_schema
    assert merged.seed == 3
    # ... while the JSON (the request's and the log's) is the plain schema's.
    plain = GenerateConfig(temperature=0.0, seed=3, response_schema=schema)
    assert config.model_dump_json(exclude_none=True) == plain.model_dump_json(exclude_none=True)
    # Sharing is only sound because nothing can edit it in place.
    with pytest.raises(ValueError, match="frozen"):
        config.response_schema.name = "other"  # type: ignore[union-attr]
