"""How an explanation is asked for: :class:`ExplainOptions`, checked in one place.

Five kinds of text (issue 15): ``explanation`` (the worked solution), ``hint`` (one rung of
the hint ladder: ``hint_level`` 1 a nudge toward the idea, 2 the next step with a blank
"□", 3 the worked step), ``feedback`` (the words addressed to the student right after a
wrong answer; never the answer), ``why`` (the short reason after a correct answer) and
``working`` (issue 20: the first wrong line of the shown ``working``, what it should have
been, and the misconception it shows).
``grade`` is the student's school grade (1–12), which sets the reading level the guard
allows; ``None`` means "the grade of the item's knowledge point".

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
    "HINT_LEVELS",
    "KINDS",
    "LANGUAGES",
    "MAX_GRADE",
    "MAX_TEMPERATURE",
    "MAX_WORKING_CHARS",
    "MIN_GRADE",
    "MIN_TEMPERATURE",
    "STYLES",
    "ExplainOptions",
    "Kind",
    "Language",
    "Style",
]

Kind = Literal["explanation", "hint", "feedback", "why", "working"]
Style = Literal["formal", "casual", "friendly"]
Language = Literal["en", "zh"]

KINDS: tuple[Kind, ...] = ("explanation", "hint", "feedback", "why", "working")
#: Longest shown working a ``working`` text is asked about (a child's working is a few lines).
MAX_WORKING_CHARS = 4000
#: The hint ladder: 1 a nudge toward the idea, 2 the next step with a blank, 3 the worked step.
HINT_LEVELS: tuple[int, ...] = (1, 2, 3)
MIN_GRADE = 1
MAX_GRADE = 12
STYLES: tuple[Style, ...] = ("formal", "casual", "friendly")
LANGUAGES: tuple[Language, ...] = ("en", "zh")
DEFAULT_TEMPERATURE = 0.3
MIN_TEMPERATURE = 0.1
MAX_TEMPERATURE = 1.0


@dataclass(frozen=True)
class ExplainOptions:
    """A text of ``kind`` (explanation, hint, feedback or why) about step ``hint_index``
    (0-based) for a hint, at ladder rung ``hint_level`` (1–3), in a style and a language,
    for a student in ``grade`` (1–12, or None: the item's grade), sampled at
    ``temperature`` (0.1–1.0).

    Raises:
        InputError: an unknown style, language or kind, a temperature outside 0.1–1.0,
            a hint index that is not a whole number, a hint level outside 1–3 or a grade
            outside 1–12; the message says what is allowed.
    """

    kind: Kind = "explanation"
    hint_index: int = 0
    style: Style = "friendly"
    language: Language = "en"
    temperature: float = DEFAULT_TEMPERATURE
    hint_level: int = 1
    grade: int | None = None
    #: For ``kind="working"`` (issue 20): the student's shown working, one step a line; the
    #: engine finds its first wrong line.
    working: str = ""

    def __post_init__(self) -> None:
        # Values arrive from pages, the CLI and JSON, so the Literal types are checked here.
        if self.style not in STYLES:
            raise InputError(f"style must be one of {', '.join(STYLES)}, not {self.style!r}")
        if self.language not in LANGUAGES:
            raise InputError(f"language must be en or zh, not {self.language!r}")
        if self.kind not in KINDS:
            raise InputError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
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
        if self.hint_level not in HINT_LEVELS or isinstance(self.hint_level, bool):
            raise InputError(
                "hint level must be 1 (a nudge), 2 (the next step with a blank) or "
                f"3 (the worked step), not {self.hint_level!r}"
            )
        if self.grade is not None and (
            isinstance(self.grade, bool)
            or not isinstance(self.grade, int)
            or not MIN_GRADE <= self.grade <= MAX_GRADE
        ):
            raise InputError(
                f"grade must be a whole number from {MIN_GRADE} to {MAX_GRADE}, not {self.grade!r}"
            )

        if not isinstance(self.working, str) or len(self.working) > MAX_WORKING_CHARS:
            raise InputError(
                f"working is text of at most {MAX_WORKING_CHARS} characters, one step a line"
            )

    def check_hint(self, item_id: str, steps: int) -> None:
        """For a hint, refuse an index that names none of the item's ``steps`` steps."""
        if self.kind == "hint" and not 0 <= self.hint_index < steps:
            raise InputError(
                f"item {item_id} has {steps} step(s): ask for a hint "
                f"0 to {steps - 1}, not {self.hint_index}"
            )
