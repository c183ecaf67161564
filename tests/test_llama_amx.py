"""The AMX guard: models load without weight repacking when llama.cpp runs on AMX."""

from __future__ import annotations

import ctypes
from types import SimpleNamespace
from typing import Any

import pytest

from empathy_judge.evals.providers.llama_amx import REPACK_ENV, safe_model_params, uses_amx


class _Params(ctypes.Structure):
    _fields_ = [("n_gpu_layers", ctypes.c_int32), ("use_extra_bufts", ctypes.c_bool)]


def _fake_llama_cpp(system_info: bytes, params: type[ctypes.Structure] = _Params) -> Any:
    def defaults() -> ctypes.Structure:
        names = {field[0] for field in params._fields_}
        return params(0, True) if "use_extra_bufts" in names else params(0)

    bindings = SimpleNamespace(llama_model_params=params, llama_model_default_params=defaults)
    return SimpleNamespace(llama_cpp=bindings, llama_print_system_info=lambda: system_info)


AMX_INFO = b"CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | LLAMAFILE = 1 | "
PLAIN_INFO = b"CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | LLAMAFILE = 1 | "


def test_amx_build_loads_without_repacking_inside_the_block_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(REPACK_ENV, raising=False)
    fake = _fake_llama_cpp(AMX_INFO)
    original = fake.llama_cpp.llama_model_default_params
    with safe_model_params(fake):
        assert fake.llama_cpp.llama_model_default_params().use_extra_bufts is False
    assert fake.llama_cpp.llama_model_default_params is original
    assert original().use_extra_bufts is True


def test_restored_when_loading_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REPACK_ENV, raising=False)
    fake = _fake_llama_cpp(AMX_INFO)
    original = fake.llama_cpp.llama_model_default_params
    with pytest.raises(ValueError, match="bad file"), safe_model_params(fake):
        raise ValueError("bad file")
    assert fake.llama_cpp.llama_model_default_params is original


@pytest.mark.parametrize(
    ("info", "env", "repacks"),
    [(PLAIN_INFO, None, True), (AMX_INFO, "1", True), (AMX_INFO, "0", False)],
)
def test_repacking_kept_without_amx_or_on_request(
    info: bytes, env: str | None, repacks: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is None:
        monkeypatch.delenv(REPACK_ENV, raising=False)
    else:
        monkeypatch.setenv(REPACK_ENV, env)
    fake = _fake_llama_cpp(info)
    with safe_model_params(fake):
        assert fake.llama_cpp.llama_model_default_params().use_extra_bufts is repacks


def test_older_bindings_without_the_field_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    class Old(ctypes.Structure):
        _fields_ = [("n_gpu_layers", ctypes.c_int32)]

    monkeypatch.delenv(REPACK_ENV, raising=False)
    fake = _fake_llama_cpp(AMX_INFO, Old)
    original = fake.llama_cpp.llama_model_default_params
    with safe_model_params(fake):
        assert fake.llama_cpp.llama_model_default_params is original


def test_reads_llama_cpp_system_information() -> None:
    assert uses_amx(_fake_llama_cpp(AMX_INFO)) is True
    assert uses_amx(_fake_llama_cpp(PLAIN_INFO)) is False
    assert uses_amx(SimpleNamespace(llama_print_system_info=lambda: "AMX_INT8 = 0 |")) is False
