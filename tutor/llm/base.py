"""The one interface every language-model backend implements.

The engine decides, the model words: a backend only turns chat messages into text. Whatever it
says is checked by :mod:`tutor.llm.guard` before a student sees it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message."""

    role: Role
    content: str


@runtime_checkable
class LanguageModel(Protocol):
    """A chat model that streams its answer as text pieces."""

    @property
    def name(self) -> str:
        """What to report as ``model`` (backend and model id, e.g. ``transformers:smollm2``)."""
        ...

    def generate(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.3,
        max_new_tokens: int = 256,
    ) -> Iterator[str]:
        """Stream the reply to ``messages``; joining the pieces gives the whole reply."""
        ...


def complete(
    model: LanguageModel,
    messages: Sequence[Message],
    *,
    temperature: float = 0.3,
    max_new_tokens: int = 256,
) -> str:
    """The whole reply at once (joins the stream)."""
    return "".join(model.generate(messages, temperature=temperature, max_new_tokens=max_new_tokens))
