"""One typed settings object, read from ``TUTOR_*`` environment variables.

Nothing reads the environment at import time: call :meth:`Settings.from_env`
where a program starts (the CLI, the app) and pass the object down.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, get_args

from tutor.errors import InputError

APP_NAME = "kptutor"

#: Where the transformers backend runs (``TUTOR_LLM_DEVICE``).
LlmDevice = Literal["auto", "cpu", "cuda"]
#: How it decodes on the CPU (``TUTOR_LLM_CPU_DECODE``).
LlmCpuDecode = Literal["quantized", "float32", "generate"]
LLM_DEVICES: tuple[LlmDevice, ...] = get_args(LlmDevice)
LLM_CPU_DECODES: tuple[LlmCpuDecode, ...] = get_args(LlmCpuDecode)


def default_data_dir() -> Path:
    """The per-user data directory (e.g. ``~/.local/share/kptutor`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Settings:
    """Configuration for one process. Immutable; use :meth:`with_` to derive."""

    data_dir: Path = field(default_factory=default_data_dir)
    store_url: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    #: Most connections one process keeps to Neo4j (``TUTOR_NEO4J_POOL_SIZE``); a request
    #: that finds none free waits at most :attr:`neo4j_tx_timeout_s` for one.
    neo4j_pool_size: int = 100
    #: Seconds a student's request may hold a Neo4j transaction before the server cuts it
    #: and the student is asked to try again (``TUTOR_NEO4J_TX_TIMEOUT_S``).
    neo4j_tx_timeout_s: float = 5.0
    max_import_bytes: int = 64 * 1024 * 1024
    #: Where the shared data sets live (OATutor, GSM8K, ASSISTments…). The default is the
    #: development layout: a ``shared/data`` folder beside the checkout.
    shared_data_dir: Path = field(default_factory=lambda: Path("..") / "shared" / "data")
    #: The OATutor content folder, when it is not ``<shared_data_dir>/oatutor-content``.
    oatutor_dir: Path | None = None
    #: The language-model backend spec (``TUTOR_LLM``): ``template``, ``transformers``,
    #: ``openai``, ``smollm2``, ``transformers:<id-or-path>`` or ``openai:<url>``; None picks
    #: :func:`tutor.llm.default_model` (SmolLM2 when pulled, else the template).
    llm: str | None = None
    #: The model: a Hugging Face id, a local directory or ``.gguf`` file (transformers), or the
    #: model name sent to an OpenAI-compatible server (``TUTOR_LLM_MODEL``).
    llm_model: str | None = None
    #: The OpenAI-compatible server, e.g. ``http://127.0.0.1:8000/v1`` (``TUTOR_LLM_URL``).
    llm_url: str | None = None
    #: Bearer token for that server, if it wants one (``TUTOR_LLM_API_KEY``).
    llm_api_key: str | None = None
    #: Where the transformers backend runs: ``auto`` (CUDA when present), ``cpu`` or ``cuda``.
    llm_device: LlmDevice = "auto"
    #: How it decodes on the CPU (``TUTOR_LLM_CPU_DECODE``): ``quantized`` (4-bit weights where
    #: the model's lie on a 4-bit grid, as the pulled SmolLM2's do), ``float32`` or ``generate``.
    llm_cpu_decode: LlmCpuDecode = "quantized"
    #: A LoRA adapter folder merged into the transformers model (``TUTOR_LLM_ADAPTER``), or
    #: ``none``; None uses the adapter that ships for a pulled model (issue 15).
    llm_adapter: str | None = None
    #: Where pulled model weights are cached; None means ``<data_dir>/models``.
    models_dir: Path | None = None

    def __post_init__(self) -> None:
        # The Literal fields are checked when the object is made, not only when read from
        # the environment (where the message names the variable instead).
        for name, allowed in (("llm_device", LLM_DEVICES), ("llm_cpu_decode", LLM_CPU_DECODES)):
            value = getattr(self, name)
            if value not in allowed:
                raise InputError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")

    @property
    def resolved_store_url(self) -> str:
        """The store URL, defaulting to a SQLite file in :attr:`data_dir`."""
        if self.store_url:
            return self.store_url
        return f"sqlite:///{self.data_dir / 'kptutor.db'}"

    @property
    def resolved_models_dir(self) -> Path:
        """Where pulled model weights live: :attr:`models_dir` or ``<data_dir>/models``."""
        return self.models_dir if self.models_dir is not None else self.data_dir / "models"

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``TUTOR_DATA_DIR``, ``TUTOR_STORE``, ``TUTOR_NEO4J_USER``,
        ``TUTOR_NEO4J_PASSWORD``, ``TUTOR_NEO4J_DATABASE``, ``TUTOR_NEO4J_POOL_SIZE``,
        ``TUTOR_NEO4J_TX_TIMEOUT_S``, ``TUTOR_MAX_IMPORT_MB``,
        ``TUTOR_SHARED_DATA`` and ``TUTOR_OATUTOR_DIR``."""
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        if env.get("TUTOR_DATA_DIR"):
            kwargs["data_dir"] = Path(env["TUTOR_DATA_DIR"]).expanduser()
        if env.get("TUTOR_STORE"):
            kwargs["store_url"] = env["TUTOR_STORE"]
        if env.get("TUTOR_NEO4J_USER"):
            kwargs["neo4j_user"] = env["TUTOR_NEO4J_USER"]
        if env.get("TUTOR_NEO4J_PASSWORD"):
            kwargs["neo4j_password"] = env["TUTOR_NEO4J_PASSWORD"]
        if env.get("TUTOR_NEO4J_DATABASE"):
            kwargs["neo4j_database"] = env["TUTOR_NEO4J_DATABASE"]
        kwargs.update(_neo4j_limits_from_env(env))
        if env.get("TUTOR_SHARED_DATA"):
            kwargs["shared_data_dir"] = Path(env["TUTOR_SHARED_DATA"]).expanduser()
        if env.get("TUTOR_OATUTOR_DIR"):
            kwargs["oatutor_dir"] = Path(env["TUTOR_OATUTOR_DIR"]).expanduser()
        if env.get("TUTOR_MAX_IMPORT_MB"):
            raw = env["TUTOR_MAX_IMPORT_MB"]
            try:
                kwargs["max_import_bytes"] = int(float(raw) * 1024 * 1024)
            except ValueError:
                raise InputError(
                    f"TUTOR_MAX_IMPORT_MB must be a number of megabytes, not {raw!r}"
                ) from None
        kwargs.update(_llm_from_env(env))
        return cls(**kwargs)  # type: ignore[arg-type]


def _neo4j_limits_from_env(env: Mapping[str, str]) -> dict[str, object]:
    """``TUTOR_NEO4J_POOL_SIZE`` (a whole number, at least 1) and ``TUTOR_NEO4J_TX_TIMEOUT_S``
    (seconds, more than 0)."""
    kwargs: dict[str, object] = {}
    raw = env.get("TUTOR_NEO4J_POOL_SIZE", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise InputError(
                f"TUTOR_NEO4J_POOL_SIZE must be a whole number of connections (1 or more), "
                f"not {raw!r}"
            )
        kwargs["neo4j_pool_size"] = int(raw)
    raw = env.get("TUTOR_NEO4J_TX_TIMEOUT_S", "").strip()
    if raw:
        try:
            seconds = float(raw)
        except ValueError:
            seconds = 0.0
        if not 0 < seconds < float("inf"):
            raise InputError(
                f"TUTOR_NEO4J_TX_TIMEOUT_S must be a number of seconds above 0, not {raw!r}"
            )
        kwargs["neo4j_tx_timeout_s"] = seconds
    return kwargs


def _llm_from_env(env: Mapping[str, str]) -> dict[str, object]:
    """The language-model settings: ``TUTOR_LLM``, ``TUTOR_LLM_MODEL``, ``TUTOR_LLM_URL``,
    ``TUTOR_LLM_API_KEY``, ``TUTOR_LLM_ADAPTER``, ``TUTOR_LLM_DEVICE``, ``TUTOR_LLM_CPU_DECODE`` and
    ``TUTOR_MODELS_DIR``."""
    kwargs: dict[str, object] = {}
    for var, key in (
        ("TUTOR_LLM", "llm"),
        ("TUTOR_LLM_MODEL", "llm_model"),
        ("TUTOR_LLM_URL", "llm_url"),
        ("TUTOR_LLM_API_KEY", "llm_api_key"),
        ("TUTOR_LLM_ADAPTER", "llm_adapter"),
    ):
        if env.get(var, "").strip():
            kwargs[key] = env[var].strip()
    device = env.get("TUTOR_LLM_DEVICE", "").strip().lower()
    if device:
        if device not in LLM_DEVICES:
            raise InputError(
                f"TUTOR_LLM_DEVICE must be one of {', '.join(LLM_DEVICES)}, not {device!r}"
            )
        kwargs["llm_device"] = device
    cpu_decode = env.get("TUTOR_LLM_CPU_DECODE", "").strip().lower()
    if cpu_decode:
        if cpu_decode not in LLM_CPU_DECODES:
            raise InputError(
                f"TUTOR_LLM_CPU_DECODE must be one of {', '.join(LLM_CPU_DECODES)}, "
                f"not {cpu_decode!r}"
            )
        kwargs["llm_cpu_decode"] = cpu_decode
    if env.get("TUTOR_MODELS_DIR", "").strip():
        kwargs["models_dir"] = Path(env["TUTOR_MODELS_DIR"].strip()).expanduser()
    return kwargs
