"""The ``openai`` backend: any OpenAI-compatible chat server, through the official client.

vLLM, SGLang, the llama.cpp server, Ollama and ``transformers serve`` all speak
``POST /v1/chat/completions`` with streaming; this is how a school runs one model server for
many machines (README, "Serving a class"). The official ``openai`` Python client does the HTTP
work: connection pooling (one client is shared by every thread), timeouts, streaming
(server-sent events) and retries with exponential backoff and jitter. It retries a server that
cannot be reached, times out, or answers 408/409/429/5xx — only while sending the request,
before any text was streamed, so an answer is never sent twice.

What this module adds is the tutor's contract: the spec and settings (``openai:<url>``,
``TUTOR_LLM_URL``, ``TUTOR_LLM_MODEL``, ``TUTOR_LLM_API_KEY``), the model the server lists when
none is configured, and failures turned into messages that say what to do:
:class:`~tutor.llm.backends.ServerUnavailable` for a server that is down, overloaded or broke
off mid-answer (the explainer then keeps the template's text, which a student sees anyway), a
plain :class:`~tutor.errors.TutorError` for a request the server refused (4xx: a wrong model
name or key, which retrying cannot mend).

``openai`` is imported when the first request is made, so ``import tutor`` stays light.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from tutor.errors import InputError, MissingDependency, TutorError
from tutor.llm.backends import ServerUnavailable
from tutor.llm.base import Message
from tutor.settings import Settings

log = logging.getLogger(__name__)

#: At or below this temperature the request asks for temperature 0 (greedy), as the
#: transformers backend does.
GREEDY_BELOW = 0.05


def base_url(url: str) -> str:
    """The ``…/v1`` base URL the client needs, for a server URL given with or without ``/v1``
    (or as the whole ``…/v1/chat/completions`` endpoint)."""
    base = url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"the language-model server URL must be http(s)://host:port[/v1], not {url!r}"
        )
    base = base.removesuffix("/chat/completions")
    return base if base.endswith("/v1") else base + "/v1"


def _openai() -> Any:
    try:
        import openai
    except ImportError as exc:
        raise MissingDependency(
            "the openai backend needs the official client: `pip install 'kptutor[llm]'` "
            "(or `pip install openai`), or set TUTOR_LLM=template"
        ) from exc
    return openai


def _status_text(exc: Any) -> str:
    """``HTTP 502: busy`` for an :class:`openai.APIStatusError` (the server's own message)."""
    body = getattr(exc, "body", None)
    message: Any = None
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") or error.get("detail") if isinstance(error, dict) else error
    if not message:
        message = getattr(exc, "message", None) or str(exc)
    return f"HTTP {exc.status_code}: {message}"


class OpenAIModel:
    """A chat model behind an OpenAI-compatible HTTP server. Thread-safe: many students'
    requests share one client and its connection pool."""

    #: The tutor's ``<tutor-data>`` block is for the template backend: it is taken out of
    #: what this model reads (:func:`tutor.llm.prompts.without_payload`).
    reads_data_block = False
    #: Wordings to run at once (:func:`tutor.llm.serving.concurrency`): the server batches
    #: concurrent requests (continuous batching in vLLM, SGLang, ``transformers serve``).
    max_concurrency = 32

    def __init__(
        self,
        url: str,
        *,
        model: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        connect_timeout_s: float = 5.0,
        retries: int = 3,
        http_client: Any = None,
    ) -> None:
        """``url``: the server (``http://host:8000`` or ``…/v1``). ``model``: the name sent in
        each request (default: the first model the server lists). ``timeout_s`` bounds the wait
        for each piece of the answer, ``connect_timeout_s`` the connection; a failed request is
        tried ``retries`` more times by the client (0.5 s, then twice as long each time, with
        jitter; a server's ``Retry-After`` is obeyed). ``http_client``: an ``httpx2.Client``
        for the openai client to use (tests pass one with a fake transport)."""
        if retries < 0:
            raise InputError(f"retries must be 0 or more, not {retries}")
        if timeout_s <= 0 or connect_timeout_s <= 0:
            raise InputError("timeouts must be more than 0 seconds")
        self.url = url.strip().rstrip("/")
        self.base_url = base_url(url)
        self.model = model
        # A server without keys (vLLM, llama.cpp, transformers serve) takes any; the client
        # refuses to start without one, and must not pick up OPENAI_API_KEY meant for others.
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.retries = retries
        self._http_client = http_client
        self._client: Any = None
        self._lock = threading.Lock()

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

    def client(self) -> Any:
        """The shared ``openai.OpenAI`` client (made on first use)."""
        with self._lock:
            if self._client is None:
                openai = _openai()
                self._client = openai.OpenAI(
                    base_url=self.base_url,
                    api_key=self.api_key or "not-needed",
                    timeout=openai.Timeout(self.timeout_s, connect=self.connect_timeout_s),
                    max_retries=self.retries,
                    http_client=self._http_client,
                )
            return self._client

    def close(self) -> None:
        """Close the HTTP connections (a later call opens new ones)."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _tries(self) -> str:
        return f"{self.retries + 1} {'try' if self.retries == 0 else 'tries'}"

    def _down(self, reason: str) -> ServerUnavailable:
        return ServerUnavailable(
            f"no language-model server at {self.url} ({reason}, after {self._tries()}): start "
            "one (vLLM, llama.cpp, `transformers serve`) or set TUTOR_LLM=template"
        )

    def _model_name(self) -> str:
        """The configured model, else the first one ``GET /v1/models`` lists."""
        if self.model is None:
            openai = _openai()
            try:
                listed = [m.id for m in self.client().models.list()]
            except openai.APIConnectionError as exc:
                raise self._down(type(exc).__name__) from exc
            except openai.APIError:
                listed = []
            # Servers that serve one model (llama.cpp) accept any name.
            self.model = str(listed[0]) if listed else "default"
        return self.model

    def generate(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.3,
        max_new_tokens: int = 256,
    ) -> Iterator[str]:
        """Stream the server's reply to ``messages``.

        Raises :class:`~tutor.llm.backends.ServerUnavailable` when the server cannot be
        reached, times out, fails on every try or breaks off mid-answer, and
        :class:`~tutor.errors.TutorError` when it refuses the request (4xx) or reports an error.
        """
        if max_new_tokens < 1:
            raise InputError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
        openai = _openai()
        started = False
        try:
            stream = self.client().chat.completions.create(
                model=self._model_name(),
                messages=[{"role": m.role, "content": m.content} for m in messages],
                stream=True,
                max_tokens=max_new_tokens,
                temperature=temperature if temperature > GREEDY_BELOW else 0.0,
            )
            with stream:
                for chunk in stream:
                    for choice in chunk.choices or []:
                        if choice.index == 0 and choice.delta and choice.delta.content:
                            started = True
                            yield str(choice.delta.content)
        except openai.APITimeoutError as exc:
            raise ServerUnavailable(
                f"the language-model server at {self.url} did not answer within "
                f"{self.timeout_s:g} s: it may be overloaded; try again, use a smaller model, "
                "or set TUTOR_LLM=template"
            ) from exc
        except openai.APIConnectionError as exc:
            if started:
                raise ServerUnavailable(
                    f"the language-model server at {self.url} broke off mid-answer ({exc})"
                ) from exc
            cause = exc.__cause__
            raise self._down(type(cause).__name__ if cause else str(exc)) from exc
        except openai.APIStatusError as exc:
            if exc.status_code >= 500 or exc.status_code in (408, 409, 429):
                raise ServerUnavailable(
                    f"the language-model server at {self.url} failed on {self._tries()} "
                    f"({_status_text(exc)}): check its log, or set TUTOR_LLM=template"
                ) from exc
            raise TutorError(
                f"the language-model server at {self.url} refused the request "
                f"({_status_text(exc)}): check TUTOR_LLM_MODEL and TUTOR_LLM_API_KEY"
            ) from exc
        except openai.APIError as exc:  # an error event inside the stream
            raise TutorError(f"the language-model server reported an error: {exc.message}") from exc
