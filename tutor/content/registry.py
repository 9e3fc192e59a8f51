"""The item-generator registry: the parts a generator returns and the table of generators.

A generator module (``tutor/content/generators/*.py``) imports only this module (and the
answer checker's types) to describe its items — :class:`Step`, :class:`Draft` — and to add
itself to :data:`GENERATORS` with :func:`register` or the :func:`generator` decorator.
This module imports no generator module: loading them all is the job of the package
``tutor.content.generators`` (imported by :func:`tutor.content.items.ensure_generators_loaded`),
so the registry and the generators never import each other.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from tutor.content.answers import AnswerPolicy

__all__ = [
    "GENERATORS",
    "ITEM_ID",
    "Draft",
    "FunctionGenerator",
    "Generator",
    "Step",
    "generator",
    "register",
]

#: An item id: ``generator_name:difficulty:seed``.
ITEM_ID = re.compile(r"([a-z][a-z0-9_.]*):(\d{1,3}):(\d{1,18})")


@dataclass(frozen=True)
class Step:
    """One worked step: what to do (en, zh), the equation it rests on, and the skill it uses.

    ``claim`` is written in the answer syntax: ``3/4 + 1/6 = 11/12`` (both sides equal, for
    every value of any letters), a chain ``a = b = c``, or a comparison of numbers such as
    ``3/4 > 2/3``.
    """

    text: str
    text_zh: str
    claim: str
    kp: str

    def to_json(self) -> dict[str, str]:
        """The step as a plain dict."""
        return {"text": self.text, "text_zh": self.text_zh, "claim": self.claim, "kp": self.kp}


@dataclass(frozen=True)
class Draft:
    """What a generator's ``make`` returns: the parts of an item that depend on the draw."""

    prompt: str
    prompt_zh: str
    answer: str
    steps: tuple[Step, ...]
    policy: AnswerPolicy = field(default_factory=AnswerPolicy)
    #: The drawn parameters (operands, etc.) as JSON-ready values; misconception rules read
    #: them to compute the answer a buggy procedure would give.
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@runtime_checkable
class Generator(Protocol):
    """Makes items for one knowledge point at several difficulty levels."""

    @property
    def name(self) -> str: ...

    @property
    def kp(self) -> str: ...

    @property
    def assesses(self) -> Mapping[str, float]: ...

    @property
    def levels(self) -> tuple[int, ...]: ...

    def make(self, difficulty: int, rng: random.Random) -> Draft: ...


@dataclass(frozen=True)
class FunctionGenerator:
    """A :class:`Generator` whose ``make`` is a plain function ``(difficulty, rng) -> Draft``."""

    name: str
    kp: str
    assesses: Mapping[str, float]
    levels: tuple[int, ...]
    func: Callable[[int, random.Random], Draft]

    def make(self, difficulty: int, rng: random.Random) -> Draft:
        """Draw one item's parts."""
        return self.func(difficulty, rng)


GENERATORS: dict[str, Generator] = {}


def register(gen: Generator) -> Generator:
    """Add ``gen`` to :data:`GENERATORS` under its name (names must be unique)."""
    if not ITEM_ID.fullmatch(f"{gen.name}:1:0"):
        raise ValueError(f"generator name {gen.name!r} must be lower-case letters, digits, _ or .")
    if gen.name in GENERATORS:
        raise ValueError(f"a generator named {gen.name!r} is already registered")
    if len(gen.levels) < 3 or any(level < 1 for level in gen.levels):
        raise ValueError(f"generator {gen.name!r} needs at least 3 levels, each 1 or more")
    if gen.assesses.get(gen.kp) != 1.0:
        raise ValueError(f"generator {gen.name!r} must assess its own kp {gen.kp!r} with 1.0")
    GENERATORS[gen.name] = gen
    return gen


def generator(
    name: str,
    kp: str,
    *,
    also: Mapping[str, float] | None = None,
    levels: tuple[int, ...] = (1, 2, 3),
) -> Callable[[Callable[[int, random.Random], Draft]], FunctionGenerator]:
    """Decorator: register a function as the generator ``name`` for knowledge point ``kp``.

    ``also`` gives the other knowledge points the items assess, with weights below 1.
    """

    def wrap(func: Callable[[int, random.Random], Draft]) -> FunctionGenerator:
        assesses = MappingProxyType({kp: 1.0, **(also or {})})
        gen = FunctionGenerator(name, kp, assesses, levels, func)
        register(gen)
        return gen

    return wrap
