"""Item generators: seeded, reproducible practice items with verified worked steps.

An item is made by a named generator at a difficulty level from a seed, so its id
``"{generator}:{difficulty}:{seed}"`` is enough to make it again (:func:`regenerate`).
Every item is checked by :func:`verify_item` before it leaves :func:`generate`: each step's
claim is read with the safe answer parser (never ``sympify``) and proved with sympy, and the
canonical answer must be accepted by :func:`~tutor.content.answers.check_answer`. A generator
bug therefore raises here instead of reaching a student.

Generators register themselves by name in :data:`~tutor.content.registry.GENERATORS` (with
``register`` or the ``generator`` decorator of :mod:`tutor.content.registry`, re-exported
here); nothing dispatches on names with ``if``/``elif``. The registry imports no generator;
:func:`ensure_generators_loaded` imports them all (the package ``tutor.content.generators``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import sympy as sp

from tutor.content.answers import (
    AnswerPolicy,
    UnreadableAnswer,
    check_answer,
    normalize,
    parse_answer,
)
from tutor.content.registry import (
    GENERATORS,
    ITEM_ID,
    Draft,
    FunctionGenerator,
    Generator,
    Step,
    generator,
    register,
)
from tutor.errors import InputError, NotFoundError, TutorError

__all__ = [
    "GENERATORS",
    "Draft",
    "FunctionGenerator",
    "Generator",
    "Item",
    "ItemVerificationError",
    "Step",
    "ensure_generators_loaded",
    "generate",
    "generator",
    "generators_by_kp",
    "generators_for_kp",
    "items_for_kp",
    "levels_by_kp",
    "make_item_id",
    "parse_item_id",
    "regenerate",
    "register",
    "verify_item",
]

ITEM_ID_HELP = (
    'an item id looks like "generator_name:difficulty:seed", e.g. "fraction_add_like:2:17" '
    "(difficulty and seed are whole numbers, seed 0 or more)"
)


class ItemVerificationError(TutorError):
    """A generated item failed verification: a generator bug, never the student's fault."""


@dataclass(frozen=True)
class Item:
    """A concrete practice item, reproducible from ``item_id``."""

    item_id: str
    generator: str
    kp: str
    difficulty: int
    seed: int
    prompt: str
    prompt_zh: str
    answer: str
    policy: AnswerPolicy
    steps: tuple[Step, ...]
    assesses: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def to_json(self) -> dict[str, Any]:
        """The shape the CLI prints (``tutor content items --json``)."""
        return {
            "item_id": self.item_id,
            "kp": self.kp,
            "difficulty": self.difficulty,
            "prompt": self.prompt,
            "prompt_zh": self.prompt_zh,
            "answer": self.answer,
            "steps": [step.to_json() for step in self.steps],
        }


def ensure_generators_loaded() -> None:
    """Import the generator modules, which register themselves in :data:`GENERATORS`.

    (Imported when first needed, not at the top: loading ~200 generators is not free, and
    a program that only reads item ids should not pay for it.)
    """
    import tutor.content.generators  # noqa: F401


def make_item_id(name: str, difficulty: int, seed: int) -> str:
    """The id of the item ``name`` makes at ``difficulty`` from ``seed``."""
    return f"{name}:{difficulty}:{seed}"


def parse_item_id(text: str) -> tuple[str, int, int]:
    """Split an item id into ``(generator, difficulty, seed)``.

    Raises:
        InputError: ``text`` is not an item id; the message says what one looks like.
    """
    m = ITEM_ID.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise InputError(f"{str(text)[:60]!r} is not an item id: {ITEM_ID_HELP}")
    return m.group(1), int(m.group(2)), int(m.group(3))


def _lookup(name: str) -> Generator:
    ensure_generators_loaded()
    gen = GENERATORS.get(name)
    if gen is None:
        raise NotFoundError(
            f"there is no item generator named {name!r}: run `tutor content items --kp ID` "
            "to see the items for a knowledge point"
        )
    return gen


#: Items made recently. An item is a pure function of its id and immutable, so the engine
#: can ask for it again (``next_item`` makes it, ``submit`` and ``explain`` regenerate it)
#: without paying for generation and sympy verification each time.
_ITEM_CACHE = 4096


def generate(name: str, difficulty: int, seed: int) -> Item:
    """Make (and verify) the item of generator ``name`` at ``difficulty`` from ``seed``.

    The random stream is seeded with the string ``"{name}:{difficulty}:{seed}"``, which is
    deterministic across runs and Python versions, so an id always gives the same item.
    Recently made items come from a bounded cache (they are immutable).

    Raises:
        NotFoundError: no generator has that name.
        InputError: the generator has no such difficulty level, or the seed is negative.
        ItemVerificationError: the generator made an item that fails :func:`verify_item`.
    """
    return _generate_cached(name, difficulty, seed)


@lru_cache(maxsize=_ITEM_CACHE)
def _generate_cached(name: str, difficulty: int, seed: int) -> Item:
    gen = _lookup(name)
    if difficulty not in gen.levels:
        levels = ", ".join(str(level) for level in gen.levels)
        raise InputError(f"generator {name!r} has difficulty levels {levels}, not {difficulty}")
    if seed < 0:
        raise InputError(f"an item seed is a whole number 0 or more, not {seed}")
    item_id = make_item_id(name, difficulty, seed)
    rng = random.Random(item_id)  # noqa: S311 - reproducible practice items, not security
    draft = gen.make(difficulty, rng)
    item = Item(
        item_id=item_id,
        generator=name,
        kp=gen.kp,
        difficulty=difficulty,
        seed=seed,
        prompt=draft.prompt,
        prompt_zh=draft.prompt_zh,
        answer=draft.answer,
        policy=draft.policy,
        steps=draft.steps,
        assesses=MappingProxyType(dict(gen.assesses)),
        params=MappingProxyType(dict(draft.params)),
    )
    verify_item(item)
    return item


def regenerate(item_id: str) -> Item:
    """Make again the item that ``item_id`` names."""
    return generate(*parse_item_id(item_id))


def generators_by_kp() -> dict[str, list[Generator]]:
    """Every generator by its primary knowledge point, each list by name."""
    ensure_generators_loaded()
    by_kp: dict[str, list[Generator]] = {}
    for gen in sorted(GENERATORS.values(), key=lambda g: g.name):
        by_kp.setdefault(gen.kp, []).append(gen)
    return by_kp


def generators_for_kp(kp: str) -> list[Generator]:
    """The generators whose primary knowledge point is ``kp``, by name."""
    ensure_generators_loaded()
    return sorted((g for g in GENERATORS.values() if g.kp == kp), key=lambda g: g.name)


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------

_RELATION_SPLIT = re.compile(r"(<=|>=|<|>|=)")
_WORDS = re.compile(r"sqrt|pi", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-z]")


def _claim_values(claim: str) -> tuple[list[Any], list[str]]:
    """Read each side of a claim with the safe parser; return the sides and the relations."""
    text = normalize(claim)
    pieces = _RELATION_SPLIT.split(text)
    sides_text, relations = pieces[0::2], pieces[1::2]
    if not relations:
        raise ItemVerificationError(f"step claim {claim!r} has no =, <, >, ≤ or ≥")
    letters = tuple(sorted(set(_LETTER.findall(_WORDS.sub("", text)))))
    sides = []
    for side in sides_text:
        try:
            parsed = parse_answer(side, variables=letters)
        except UnreadableAnswer as exc:
            raise ItemVerificationError(f"step claim {claim!r} is unreadable: {exc}") from None
        if parsed.kind not in ("number", "expression"):
            raise ItemVerificationError(f"step claim {claim!r}: {side!r} is not a value")
        sides.append(parsed.value)
    return sides, relations


def _relation_holds(lhs: Any, relation: str, rhs: Any) -> bool:
    diff = sp.expand(lhs - rhs)
    if not diff.is_Rational:  # plain numbers need no simplify (which is slow)
        diff = sp.simplify(diff)
    if relation == "=":
        return bool(diff == 0)
    if diff.free_symbols:
        return False  # comparisons are between numbers only
    table: dict[str, Callable[[Any], Any]] = {
        "<": lambda d: d.is_negative,
        "<=": lambda d: d.is_nonpositive,
        ">": lambda d: d.is_positive,
        ">=": lambda d: d.is_nonnegative,
    }
    return bool(table[relation](diff))


def verify_claim(claim: str) -> bool:
    """Whether the step claim is true (sides read by the safe parser, compared with sympy)."""
    sides, relations = _claim_values(claim)
    return all(_relation_holds(sides[k], rel, sides[k + 1]) for k, rel in enumerate(relations))


def verify_item(item: Item) -> None:
    """Check an item before a student sees it.

    Every step's claim must be true, the prompts must be non-empty, and the canonical answer
    must be judged correct against itself under the item's policy.

    Raises:
        ItemVerificationError: what is wrong, naming the item.
    """
    if not item.prompt.strip() or not item.prompt_zh.strip():
        raise ItemVerificationError(f"item {item.item_id}: empty prompt")
    if not item.steps:
        raise ItemVerificationError(f"item {item.item_id}: no worked steps")
    for step in item.steps:
        if not verify_claim(step.claim):
            raise ItemVerificationError(
                f"item {item.item_id}: step claim {step.claim!r} is not true"
            )
    try:
        result = check_answer(item.answer, item.answer, item.policy)
    except InputError as exc:
        raise ItemVerificationError(f"item {item.item_id}: {exc}") from None
    if result.status != "correct":
        raise ItemVerificationError(
            f"item {item.item_id}: answer {item.answer!r} is not accepted ({result.status})"
        )


def levels_by_kp() -> dict[str, tuple[int, ...]]:
    """For every point some generator makes items for, the difficulty levels available."""
    ensure_generators_loaded()
    levels: dict[str, set[int]] = {}
    for gen in GENERATORS.values():
        levels.setdefault(gen.kp, set()).update(gen.levels)
    return {kp: tuple(sorted(ls)) for kp, ls in levels.items()}


def items_for_kp(
    kp_id: str, count: int, *, seed: int = 0, difficulty: int | None = None
) -> list[Item]:
    """``count`` items for ``kp_id``, rotating over its generators and difficulty levels.

    Item ``k`` uses seed ``seed + k``; with ``difficulty`` every item has that level.

    Raises:
        NotFoundError: no generator makes items for ``kp_id``.
        InputError: a count below 1, a negative seed, or a level no generator has.
    """
    if count < 1:
        raise InputError(f"ask for 1 item or more, not {count}")
    if seed < 0:
        raise InputError(f"an item seed is a whole number 0 or more, not {seed}")
    gens = generators_for_kp(kp_id)
    if not gens:
        raise NotFoundError(
            f"no item generator makes items for {kp_id!r}; `tutor content stats` lists "
            "the knowledge points that have them"
        )
    if difficulty is not None:
        gens = [g for g in gens if difficulty in g.levels]
        if not gens:
            raise InputError(f"no generator for {kp_id!r} has difficulty level {difficulty}")
    items = []
    for k in range(count):
        gen = gens[k % len(gens)]
        levels = (difficulty,) if difficulty is not None else tuple(gen.levels)
        level = levels[(k // len(gens)) % len(levels)]
        items.append(generate(gen.name, level, seed + k))
    return items
