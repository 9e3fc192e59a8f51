"""Language-model backends, one module per backend, picked by :mod:`tutor.llm.registry`.

Each backend implements :class:`tutor.llm.base.LanguageModel`. A backend that needs settings
has a ``from_settings(settings, arg)`` class method (``arg`` is what follows ``name:`` in a
spec such as ``openai:http://host:8000/v1``); one that needs none is built with no arguments.
Nothing here imports torch, transformers or httpx: each backend imports what it needs when it
is built or used, so ``import tutor`` stays light.
"""

from __future__ import annotations

from tutor.errors import TutorError


class ModelUnavailable(TutorError):
    """The model's weights cannot be found or loaded (not downloaded, wrong path, bad file)."""


class ServerUnavailable(TutorError):
    """The language-model server cannot be reached, or it failed on every retry."""


__all__ = ["ModelUnavailable", "ServerUnavailable"]
