"""Settings fields with a fixed set of values refuse anything else, from the environment
(naming the variable) and when made directly."""

from __future__ import annotations

import pytest

from tutor.errors import InputError
from tutor.settings import LLM_CPU_DECODES, LLM_DEVICES, Settings


def test_fixed_values_are_read_from_the_environment() -> None:
    assert LLM_DEVICES == ("auto", "cpu", "cuda")
    assert LLM_CPU_DECODES == ("quantized", "float32", "generate")
    read = Settings.from_env({"TUTOR_LLM_DEVICE": " CUDA ", "TUTOR_LLM_CPU_DECODE": "float32"})
    assert (read.llm_device, read.llm_cpu_decode) == ("cuda", "float32")
    assert (Settings().llm_device, Settings().llm_cpu_decode) == ("auto", "quantized")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TUTOR_LLM_DEVICE": "gpu"}, "TUTOR_LLM_DEVICE must be one of auto, cpu, cuda, not 'gpu'"),
        ({"TUTOR_LLM_CPU_DECODE": "int8"}, "TUTOR_LLM_CPU_DECODE must be one of quantized"),
    ],
)
def test_other_values_from_the_environment_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        Settings.from_env(env)


def test_other_values_are_refused_when_made_directly() -> None:
    with pytest.raises(InputError, match="llm_device must be one of auto, cpu, cuda, not 'gpu'"):
        Settings(llm_device="gpu")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="llm_cpu_decode must be one of"):
        Settings().with_(llm_cpu_decode="fast")
