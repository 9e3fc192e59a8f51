"""The app's words: a thin door to :mod:`tutor.i18n`, the project's one message catalog.

Pages never write text themselves: they call ``t(key, **values)`` (see :mod:`ui.state`),
which renders the catalog code ``ui.<key>`` in the tab's language and fills its
``{placeholders}``. The engine's own messages (the answer checker's, the policy's) come as
codes with parameters and are rendered with :func:`message`. Every language has every
code with the same placeholders (``tests/unit/test_i18n.py``), so switching language
never shows a missing string.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from tutor.i18n import known, render

__all__ = ["DEFAULT_LANG", "LANGUAGES", "message", "text"]

logger = logging.getLogger(__name__)

DEFAULT_LANG = "en"
#: Language code -> how the switch shows it (each in its own language).
LANGUAGES = {"en": "English", "zh-Hans": "简体中文"}
#: The catalog codes of the app's strings start with this.
PREFIX = "ui."


def text(lang: str, key: str, **values: object) -> str:
    """The app string ``key`` in ``lang`` (English if the language is unknown), formatted.

    A key missing from the catalog is a bug; the key itself is shown (and logged)
    rather than breaking the page.
    """
    code = PREFIX + key
    if not known(code):
        logger.error("missing UI string %r for %s", key, lang)
        return key
    return render(code, values, lang)


def message(lang: str, code: str, params: Mapping[str, object]) -> str:
    """A message the engine gave as a code with parameters (the answer checker's, a
    policy reason), in ``lang``."""
    return render(code, params, lang)
