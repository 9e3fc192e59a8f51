"""Words for people: one message catalog per language, and :func:`render`.

The layers below the engine never write a sentence a person reads: the answer checker
(:mod:`tutor.content.answers`), the policy (:mod:`tutor.policy.select`), the roster check
and the class report give a message **code** with **parameters**
(``"answer.letter_not_used", {"letter": "z", "letters": ("x", "y")}``). The layers that
talk to people (the engine, the CLI, the app) turn it into text here, in the language
wanted::

    render("answer.letter_not_used", {"letter": "z", "letters": ("x", "y")}, "zh-Hans")
    # '这道题的答案用不到字母“z”——请用 x 或 y。'

The choice: **a typed Python catalog**, not gettext/Babel. Each language is one module
(:mod:`tutor.i18n.en`, :mod:`tutor.i18n.zh_hans`) holding a ``code -> str.format
template`` dict and the few formats its grammar needs (how a list is joined, how a unit
is named). Reasons: two languages, a few hundred short strings, all written by the
project (no translators' tools to feed); it needs no compile step, no ``.mo`` files in
the wheel and no extraction pass; the catalogs are plain data that mypy types and unit
tests check (``tests/unit/test_i18n.py``: every code in every language, the same
placeholders in each, every code the source uses present, and Chinese that is Chinese).
gettext's key is the English sentence itself, which is exactly what the codes replace:
English is one more translation here, and a contract (the CLI prints it).

Languages: ``en`` and ``zh-Hans``; any ``zh…`` tag (``zh``, ``zh-CN``) means Simplified
Chinese, anything else English. A code missing from a language falls back to English,
then to the code itself, and is logged — the tests make sure that never happens.

This package imports nothing of the project (DESIGN.md's layer table): it can be used
from any layer above the ones that give codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

from tutor.i18n.catalog import Catalog, fill
from tutor.i18n.en import EN
from tutor.i18n.zh_hans import ZH_HANS

__all__ = [
    "CATALOGS",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Language",
    "domain_name",
    "known",
    "language_of",
    "render",
]

Language = Literal["en", "zh-Hans"]

DEFAULT_LANGUAGE: Final[Language] = "en"
#: Every language, by its code.
CATALOGS: Final[Mapping[Language, Catalog]] = {"en": EN, "zh-Hans": ZH_HANS}
LANGUAGES: Final[tuple[Language, ...]] = tuple(CATALOGS)


def language_of(tag: str) -> Language:
    """The catalog language for a language tag: ``zh``, ``zh-Hans``, ``zh-CN``… are
    Simplified Chinese; anything else (``en``, ``fr``, ``""``) is English."""
    return "zh-Hans" if tag.strip().lower().startswith("zh") else "en"


def known(code: str) -> bool:
    """Whether ``code`` is in the catalogs (the English one has every code)."""
    return code in EN.messages


def render(code: str, params: Mapping[str, object] | None = None, language: str = "en") -> str:
    """The message ``code`` with ``params`` in ``language`` (see :func:`language_of`).

    Never raises: an unknown code or a parameter its template lacks is logged and the
    person sees the English, or the code, rather than an error page.
    """
    return fill(code, params or {}, CATALOGS[language_of(language)], EN)


def domain_name(domain: str, language: str = "en") -> str:
    """A curriculum domain's name in ``language`` (``fractions`` -> "Fractions" / "分数").

    The names of the default curriculum's domains are catalog codes ``ui.domain_<id>``; a
    domain the catalog does not name (one of a curriculum someone imported) is shown by its
    id, as the curriculum spells it, in every language.
    """
    code = f"ui.domain_{domain}"
    return render(code, {}, language) if known(code) else domain
