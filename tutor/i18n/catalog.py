"""What a language's catalog holds, and how a code with parameters becomes text.

A :class:`Catalog` is one language: a ``code -> template`` mapping (``str.format``
templates) and the named formats its templates may apply to a parameter
(``{letters:or}``, ``{prerequisites:and}``, ``{unit:unit}``). The formats are where a
language's grammar lives: how a list is joined ("x, y or n" / "x、y 或 n"), how a unit is
named in a sentence. Standard format specs (``{days:.0f}``) and conversions
(``{column!r}``) work as in ``str.format``.

Parameters are plain values, so the layers that choose a message (``tutor.content``,
``tutor.policy``…) need not import this package:

* ``str``, ``int``, ``float``: shown as they are (numbers, maths, what a student typed);
* a ``Mapping`` from language code to text (``{"en": "Fractions", "zh-Hans": "分数"}``):
  a name that is data, not a message (a knowledge point's name); the catalog's language
  is picked, English when it is missing;
* a ``list``/``tuple`` of the above: for the list formats;
* the spec ``code`` renders the parameter's value as another message code, with the same
  parameters (``'I couldn't read "{text}" — {hint:code}'``: ``hint`` names the hint).

Grammatical number is the catalog's too: where a language words a count of one apart
("1 question", "its prerequisite X"), its :attr:`Catalog.singular` names, for a message
code, the parameter that counts, and the catalog holds the singular as ``<code>_one``.
:func:`fill` picks it when that parameter counts one (a number that reads "1", a list of
one), so callers always pass the plain code. Chinese words most counts the same way for
every number; its map names only the few that change.
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "CODE_SPEC",
    "SINGULAR_SUFFIX",
    "Catalog",
    "Format",
    "as_list",
    "counts_one",
    "fill",
    "join_list",
    "localized",
]

logger = logging.getLogger(__name__)

#: A named format: the parameter's value (localized already) to the text shown.
Format = Callable[[object], str]

#: The spec that renders a parameter as a nested message code.
CODE_SPEC = "code"
#: The suffix of a message's singular form (``ui.placement_counts_one``).
SINGULAR_SUFFIX = "_one"
#: How deep messages may nest (``I couldn't read … — {hint:code}`` is one level).
_MAX_NESTING = 3


@dataclass(frozen=True)
class Catalog:
    """One language: its code (``en``, ``zh-Hans``), templates and named formats."""

    language: str
    messages: Mapping[str, str]
    formats: Mapping[str, Format]
    #: Message code -> the parameter whose count picks ``<code>_one`` when it counts one.
    singular: Mapping[str, str] = field(default_factory=dict)

    def template(self, code: str, params: Mapping[str, object]) -> str | None:
        """The template of ``code`` for these ``params`` (its singular form where the
        counted parameter counts one), or None when the catalog lacks the code. A singular
        code asked for by name in a language without one reads as its plural."""
        counted = self.singular.get(code)
        if counted is not None and counts_one(params.get(counted)):
            one = self.messages.get(code + SINGULAR_SUFFIX)
            if one is not None:
                return one
        found = self.messages.get(code)
        if found is None and code.endswith(SINGULAR_SUFFIX):
            return self.messages.get(code.removesuffix(SINGULAR_SUFFIX))
        return found


def counts_one(value: object) -> bool:
    """Whether a count parameter is one: a list or tuple of one, or a number that reads
    "1" (``{days:.0f}`` of 1.4 days is "1 day"; 1.5 rounds to 2, as formatting does)."""
    if isinstance(value, list | tuple):
        return len(value) == 1
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return round(value) == 1


def localized(value: object, language: str) -> object:
    """``value`` with every language mapping in it resolved to ``language`` (English when
    the mapping has no text for it)."""
    if isinstance(value, Mapping):
        text = value.get(language) or value.get("en")
        return "" if text is None else text
    if isinstance(value, list | tuple):
        return [localized(v, language) for v in value]
    return value


class _Value:
    """A parameter as ``str.format`` sees it: applies the catalog's named formats."""

    def __init__(
        self,
        value: object,
        catalog: Catalog,
        params: Mapping[str, object],
        fallback: Catalog,
        depth: int,
    ) -> None:
        self.value = localized(value, catalog.language)
        self.catalog = catalog
        self.params = params
        self.fallback = fallback
        self.depth = depth

    def __format__(self, spec: str) -> str:
        if spec == CODE_SPEC:
            return fill(str(self.value), self.params, self.catalog, self.fallback, self.depth + 1)
        named = self.catalog.formats.get(spec)
        if named is not None:
            return named(self.value)
        if isinstance(self.value, list):
            # A list with no format is joined as the language writes a list ("a、b" in
            # Chinese, never an ASCII comma between Chinese words).
            joined = self.catalog.formats.get("list")
            return joined(self.value) if joined else ", ".join(str(v) for v in self.value)
        return format(self.value, spec)

    def __str__(self) -> str:
        return format(self, "")

    def __repr__(self) -> str:
        return repr(self.value)


def fill(
    code: str,
    params: Mapping[str, object],
    catalog: Catalog,
    fallback: Catalog,
    depth: int = 0,
) -> str:
    """The template of ``code`` in ``catalog`` (else in ``fallback``, else the code itself),
    filled with ``params``. Never raises: a page always shows something, and the error is
    logged (the unit tests make sure no code or parameter is missing)."""
    if depth > _MAX_NESTING:  # a code that names itself through {x:code}
        logger.error("message code %r nests too deep", code)
        return code
    template = catalog.template(code, params)
    used = catalog
    if template is None:
        logger.error("no %s text for message code %r", catalog.language, code)
        template = fallback.template(code, params)
        used = fallback
        if template is None:
            return code
    values = {k: _Value(v, used, params, fallback, depth) for k, v in params.items()}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError, TypeError):
        # Parameter names are not personal; their values may be, so they are not logged.
        logger.error("message %r could not be filled with %s", code, sorted(params))
        return template


def join_list(items: Sequence[object], separator: str, last: str) -> str:
    """``a{separator}b{last}c``: a list as a sentence says it."""
    shown = [str(i) for i in items]
    if len(shown) <= 1:
        return "".join(shown)
    return separator.join(shown[:-1]) + last + shown[-1]


def as_list(value: object) -> list[object]:
    """The parameter as a list (one value is a list of one)."""
    return list(value) if isinstance(value, list | tuple) else [value]
