"""The language model: it words what the engine decided, and nothing it says is trusted.

Backends (``template``, ``transformers``, ``openai``) implement :class:`LanguageModel` and are
picked by name with :func:`get_model` (``TUTOR_LLM``); :func:`default_model` gives SmolLM2
when ``tutor model pull smollm2`` has been run, else the template. Importing this package
imports no torch, transformers or httpx.
"""

from __future__ import annotations

from tutor.llm.backends import ModelUnavailable, ServerUnavailable
from tutor.llm.base import LanguageModel, Message, complete
from tutor.llm.registry import available, default_model, get_model, register_backend

__all__ = [
    "LanguageModel",
    "Message",
    "ModelUnavailable",
    "ServerUnavailable",
    "available",
    "complete",
    "default_model",
    "get_model",
    "register_backend",
]
