"""The openai backend against a real OpenAI-compatible server: ``transformers serve`` started
on 127.0.0.1 in a subprocess, serving a tiny random Hunyuan checkpoint built by the test.

Nothing is mocked: the request goes over TCP to a FastAPI server that runs the model. The
server needs transformers' serving extras (fastapi, uvicorn, openai, pydantic); without them it
does not start and the test fails with the server's log (it never skips).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.integration.test_llm_transformers import build_tiny_checkpoint
from tutor.llm import Message, ServerUnavailable, complete
from tutor.llm.backends.openai_backend import OpenAIModel
from tutor.llm.backends.transformers_backend import TransformersModel

ASK = [Message("user", "What is two plus three?")]
STARTUP_S = 180


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_checkpoint(tmp_path_factory.mktemp("served"), "moe")


@pytest.fixture
def server(checkpoint: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    command = [
        sys.executable,
        "-c",
        "from transformers.cli.transformers import main; main()",
        "serve",
        str(checkpoint),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--device",
        "cpu",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"`transformers serve` exited at start:\n{log_path.read_text()[-3000:]}"
                )
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"`transformers serve` did not come up in {STARTUP_S} s")
            time.sleep(0.5)
        yield f"{url}/v1", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_openai_backend_streams_from_a_real_server_then_reports_it_down(
    server: tuple[str, subprocess.Popen[bytes]], checkpoint: Path
) -> None:
    url, process = server
    model = OpenAIModel(url, retries=1)
    pieces = list(model.generate(ASK, temperature=0.0, max_new_tokens=10))
    assert model.name == f"openai:{checkpoint}"  # the id the server lists
    assert len(pieces) > 1 and "".join(pieces).strip()
    # Greedy over HTTP: the same text as the same checkpoint decoded in this process.
    local = TransformersModel(str(checkpoint), device="cpu")
    assert "".join(pieces) == complete(local, ASK, temperature=0.0, max_new_tokens=10)

    process.terminate()
    process.wait(timeout=20)
    with pytest.raises(ServerUnavailable) as err:
        complete(model, ASK, temperature=0.0, max_new_tokens=10)
    message = str(err.value)
    assert f"no language-model server at {url}" in message
    assert "transformers serve" in message and "TUTOR_LLM=template" in message
