"""How an explanation is asked for: :class:`ExplainOptions`, checked in one place.

The same options travel from the page or the CLI through the role facade and the engine to
:func:`tutor.llm.explain.explain` and the prompt; they are one frozen value, validated when it
is made, so every layer passes it on without checking it again. The one check that needs the
item — a hint index must name one of its steps — is :meth:`ExplainOptions.check_hint`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tutor.errors import InputError

__all__ = [
    "DEFAULT_TEMPERATURE",
    "KINDS",
    "LANGUAGES",
    "MAX_TEMPERATURE",
    "MIN_TEMPERATURE",
    "STYLES",
    "ExplainOptions",
    "Kind",
    "Language",
    "Style",
]

Kind = Literal["explanation", "hint"]
Style = Literal["formal", "casual", "friendly"]
Language = Literal["en", "zh"]

KINDS: tuple[Kind, ...] = ("explanation", "hint")
STYLES: tuple[Style, ...] = ("formal", "casual", "friendly")
LANGUAGES: tuple[Language, ...] = ("en", "zh")
DEFAULT_TEMPERATURE = 0.3
MIN_TEMPERATURE = 0.1
MAX_TEMPERATURE = 1.0


@dataclass(frozen=True)
class ExplainOptions:
    """A worked explanation or hint ``hint_index`` (0-based), in a style and a language,
    sampled at ``temperature`` (0.1–1.0).

    Raises:
        InputError: an unknown style, language or kind, a temperature outside 0.1–1.0, or
            a hint index that is not a whole number; the message says what is allowed.
    """

    kind: Kind = "explanation"
    hint_index: int = 0
    style: Style = "friendly"
    language: Language = "en"
    temperature: float = DEFAULT_TEMPERATURE

    def __post_init__(self) -> None:
        # Values arrive from pages, the CLI and JSON, so the Literal types are checked here.
        if self.style not in STYLES:
            raise InputError(f"style must be one of {', '.join(STYLES)}, not {self.style!r}")
        if self.language not in LANGUAGES:
            raise InputError(f"language must be en or zh, not {self.language!r}")
        if self.kind not in KINDS:
            raise InputError(f"kind must be explanation or hint, not {self.kind!r}")
        temperature = self.temperature
        if not isinstance(temperature, int | float) or not (
            MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE
        ):
            raise InputError(
                f"temperature must be between {MIN_TEMPERATURE} and {MAX_TEMPERATURE}, "
                f"not {temperature!r}"
            )
        if isinstance(self.hint_index, bool) or not isinstance(self.hint_index, int):
            raise InputError(f"a hint index is a whole number, not {self.hint_index!r}")

    def check_hint(self, item_id: str, steps: int) -> None:
        """For a hint, refuse an index that names none of the item's ``steps`` steps."""
        if self.kind == "hint" and not 0 <= self.hint_index < steps:
            raise InputError(
                f"item {item_id} has {steps} step(s): ask for a hint "
                f"0 to {steps - 1}, not {self.hint_index}"
            )
