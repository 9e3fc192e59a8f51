"""The ``openai`` backend: any OpenAI-compatible chat server over HTTP.

vLLM, the llama.cpp server, Ollama and ``transformers serve`` all speak
``POST /v1/chat/completions``; with ``"stream": true`` they answer with server-sent events,
one JSON chunk per ``data:`` line and ``data: [DONE]`` at the end. This is how a school runs
one model server for many machines.

Failures are told apart: a server that cannot be reached (connection refused, connect timeout)
or that answers 5xx/429 is retried a bounded number of times with exponential backoff — but
only before the first piece of text was streamed, so an answer is never sent twice; a 4xx is
the request's fault and is reported at once with the server's own message; a server that stops
answering mid-stream is reported as such.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from tutor.errors import InputError, TutorError
from tutor.llm.backends import ServerUnavailable
from tutor.llm.base import Message
from tutor.settings import Settings

log = logging.getLogger(__name__)

#: At or below this temperature the request asks for temperature 0 (greedy), as the
#: transformers backend does.
GREEDY_BELOW = 0.05


class _Retryable(Exception):
    """A failure worth another try (5xx, 429), raised before any text was streamed."""


def chat_completions_url(url: str) -> str:
    """The ``…/v1/chat/completions`` endpoint for a server URL given with or without ``/v1``."""
    base = url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"the language-model server URL must be http(s)://host:port[/v1], not {url!r}"
        )
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


def parse_sse(lines: Iterable[str]) -> Iterator[str]:
    """The ``data`` payload of each server-sent event in ``lines`` (the text/event-stream
    format: events end at a blank line, several ``data:`` lines join with newlines, lines
    starting with ``:`` are comments, other fields are ignored)."""
    data: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if name == "data":
            data.append(value.removeprefix(" "))
    if data:
        yield "\n".join(data)


def content_pieces(events: Iterable[str]) -> Iterator[str]:
    """The text in a stream of chat-completion chunks (choice 0's ``delta.content``), up to
    ``[DONE]``. Raises :class:`TutorError` for an error event or a payload that is not JSON."""
    for event in events:
        if event.strip() == "[DONE]":
            return
        try:
            chunk = json.loads(event)
        except json.JSONDecodeError:
            raise TutorError(
                f"the language-model server sent a stream event that is not JSON: {event[:80]!r}"
            ) from None
        if not isinstance(chunk, dict):
            continue
        if chunk.get("error"):
            error = chunk["error"]
            message = error.get("message", error) if isinstance(error, dict) else error
            raise TutorError(f"the language-model server reported an error: {message}")
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue
            content = (choice.get("delta") or {}).get("content")
            if content:
                yield str(content)


def _error_text(body: bytes) -> str:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return body[:200].decode("utf-8", errors="replace").strip()
    error = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(error, dict):
        return str(error.get("message") or error.get("detail") or error)
    return str(error)


class OpenAIModel:
    """A chat model behind an OpenAI-compatible HTTP server."""

    #: The tutor's ``<tutor-data>`` block is for the template backend: it is taken out of
    #: what this model reads (:func:`tutor.llm.prompts.without_payload`).
    reads_data_block = False

    def __init__(
        self,
        url: str,
        *,
        model: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        connect_timeout_s: float = 5.0,
        retries: int = 3,
        backoff_s: float = 0.5,
        transport: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``url``: the server (``http://host:8000`` or ``…/v1``). ``model``: the name sent in
        each request (default: the first model the server lists). ``timeout_s`` bounds the wait
        for each piece of the answer, ``connect_timeout_s`` the connection; connection failures
        and 5xx answers are tried ``retries`` more times, waiting ``backoff_s``, then twice as
        long each time. ``transport`` is an httpx transport (tests pass a fake one)."""
        if retries < 0:
            raise InputError(f"retries must be 0 or more, not {retries}")
        self.url = url.strip().rstrip("/")
        self.endpoint = chat_completions_url(url)
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._transport = transport
        self._sleep = sleep
        self._client: Any = None

    @classmethod
    def from_settings(cls, settings: Settings, arg: str | None) -> OpenAIModel:
        """The server in ``arg`` (a spec's ``openai:<url>``) or ``TUTOR_LLM_URL``, with
        ``TUTOR_LLM_MODEL`` and ``TUTOR_LLM_API_KEY``."""
        url = arg or settings.llm_url
        if not url:
            raise InputError(
                "the openai backend needs a server: set TUTOR_LLM_URL=http://host:8000/v1 "
                "or TUTOR_LLM=openai:<url>"
            )
        return cls(url, model=settings.llm_model, api_key=settings.llm_api_key)

    @property
    def name(self) -> str:
        """``openai:<model>`` (or ``openai:<url>`` until the model is known)."""
        return f"openai:{self.model or self.url}"

    def _http(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout_s, connect=self.connect_timeout_s),
                transport=self._transport,
                headers={"Authorization": f"Bearer {self.api_key}"} if self.api_key else None,
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP connections (a later call opens new ones)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _down(self, reason: str) -> ServerUnavailable:
        return ServerUnavailable(
            f"no language-model server at {self.url} ({reason}): start one (vLLM, llama.cpp, "
            "`transformers serve`) or set TUTOR_LLM=template"
        )

    def _model_name(self) -> str:
        """The configured model, else the first one ``GET /v1/models`` lists."""
        if self.model is None:
            import httpx

            models_url = self.endpoint.removesuffix("/chat/completions") + "/models"
            try:
                response = self._http().get(models_url)
                listed = response.json().get("data") or [] if response.status_code == 200 else []
            except (httpx.HTTPError, ValueError, AttributeError):
                listed = []
            # Servers that serve one model (llama.cpp) accept any name.
            self.model = str(listed[0]["id"]) if listed and "id" in listed[0] else "default"
        return self.model

    def generate(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.3,
        max_new_tokens: int = 256,
    ) -> Iterator[str]:
        """Stream the server's reply to ``messages``."""
        import httpx

        if max_new_tokens < 1:
            raise InputError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
        started = False
        last = "no answer"
        reachable = False  # the last failure was an HTTP answer, not a missing server
        for attempt in range(self.retries + 1):
            if attempt:
                wait = self.backoff_s * 2 ** (attempt - 1)
                log.info("retrying %s in %.1f s (%s)", self.endpoint, wait, last)
                self._sleep(wait)
            try:
                payload = {
                    "model": self._model_name(),
                    "messages": [{"role": m.role, "content": m.content} for m in messages],
                    "stream": True,
                    "max_tokens": max_new_tokens,
                    "temperature": temperature if temperature > GREEDY_BELOW else 0.0,
                }
                with self._http().stream("POST", self.endpoint, json=payload) as response:
                    status = response.status_code
                    if status >= 500 or status == 429:
                        response.read()
                        raise _Retryable(f"HTTP {status}: {_error_text(response.content)}")
                    if status >= 400:
                        response.read()
                        raise TutorError(
                            f"the language-model server at {self.url} refused the request "
                            f"(HTTP {status}: {_error_text(response.content)}): check "
                            "TUTOR_LLM_MODEL and TUTOR_LLM_API_KEY"
                        )
                    kind = response.headers.get("content-type", "")
                    if kind.startswith("application/json"):
                        # A server that ignores "stream" sends the whole answer at once.
                        response.read()
                        for piece in self._whole_answer(response.content):
                            started = True
                            yield piece
                        return
                    for piece in content_pieces(parse_sse(response.iter_lines())):
                        started = True
                        yield piece
                    return
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                if started:
                    raise ServerUnavailable(
                        f"the language-model server at {self.url} broke off mid-answer ({exc})"
                    ) from exc
                last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                reachable = False
            except _Retryable as exc:
                last = str(exc)
                reachable = True
            except httpx.TimeoutException as exc:
                raise ServerUnavailable(
                    f"the language-model server at {self.url} did not answer within "
                    f"{self.timeout_s:g} s ({type(exc).__name__}): it may be overloaded; try "
                    "again, use a smaller model, or set TUTOR_LLM=template"
                ) from exc
            except httpx.HTTPError as exc:
                raise ServerUnavailable(
                    f"talking to the language-model server at {self.url} failed: {exc}"
                ) from exc
        tries = f"{self.retries + 1} {'try' if self.retries == 0 else 'tries'}"
        if reachable:
            raise ServerUnavailable(
                f"the language-model server at {self.url} failed on {tries} ({last}): check "
                "its log, or set TUTOR_LLM=template"
            )
        raise self._down(f"{last}, after {tries}")

    def _whole_answer(self, body: bytes) -> Iterator[str]:
        try:
            data = json.loads(body)
            content = data["choices"][0]["message"]["content"]
        except (json.JSONDecodeError, KeyError, IndexError, TypeError):
            raise TutorError(
                f"the language-model server at {self.url} sent an answer we cannot read: "
                f"{body[:80]!r}"
            ) from None
        if content:
            yield str(content)
