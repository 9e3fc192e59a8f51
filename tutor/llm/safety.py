"""A K12 safety filter for model output and for what students type.

Children read what the tutor says, so every model text passes :func:`check_text` before it is
shown (a blocked text falls back to the template explanation), and students' free text is
checked too: a hit is flagged to the teacher and never echoed back.

The lists are short, hand-written English and Simplified Chinese patterns for the categories
that matter in a maths classroom: ``violence``, ``sexual``, ``self_harm``, ``personal_data``
(asking for or giving an address, phone number, e-mail, password, a meeting), ``link`` (URLs,
web addresses and e-mail addresses) and ``profanity``.

False positives on maths text are the main design constraint. English patterns are matched on
whole words (``skill`` is not ``kill``, ``Sussex`` is not ``sex``), and words with an innocent
maths or sports meaning are only blocked in a harmful phrase: ``shoots 10 free throws`` and
``a water gun holds 2 litres`` pass, ``shoot him`` does not. Chinese patterns use whole
words such as ``杀人``/``杀死`` rather than single characters (``杀菌`` passes). The unit
tests run every generated practice item (English and Chinese) through the filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["CATEGORIES", "SafetyResult", "check_text"]

Source = Literal["model", "student"]

_OBJ = r"(?:you|him|her|them|me|us|people|someone|somebody|everyone|everybody|myself|yourself)"


def _en(*patterns: str) -> re.Pattern[str]:
    """English patterns, matched case-insensitively on whole words."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


def _zh(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns))


# Order matters only for reporting: categories come back in this order.
_RULES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    (
        "self_harm",
        (
            _en(
                r"suicid(?:e|al)",
                r"kill(?:ing)?\s+(?:myself|yourself|himself|herself|themselves|ourselves)",
                r"self[-\s]?harm(?:ing)?",
                r"(?:cut|cutting|hurt|hurting|harm|harming)\s+(?:myself|yourself)",
                r"(?:want|wants|wanted)\s+to\s+die",
                r"end\s+(?:my|your|his|her|their)\s+(?:own\s+)?life",
            ),
            _zh(r"自杀", r"自残", r"割腕", r"不想活", r"想死", r"轻生", r"结束(?:自己的)?生命"),
        ),
    ),
    (
        "violence",
        (
            _en(
                r"kill(?:s|ed|ing|er|ers)?",
                r"murder(?:s|ed|ing|er|ers)?",
                r"stab(?:s|bed|bing)?",
                r"strangl(?:e|es|ed|ing)",
                r"behead(?:s|ed|ing)?",
                r"tortur(?:e|es|ed|ing)",
                r"massacre",
                r"terroris[mt]s?",
                r"(?:shoot|shooting|shot)\s+(?:at\s+)?" + _OBJ,
                r"(?:beat|punch|kick|hit|hurt|choke)\s+" + _OBJ + r"(?:\s+up)?",
                r"blow\s+(?:up\s+)?(?:the\s+)?(?:school|building|house|people)",
                r"bomb(?:s|ing)?\s+(?:the|a|your|my)\s+(?:school|building|house|class)",
                r"weapons?",
            ),
            _zh(
                r"杀人",
                r"杀死",
                r"杀了",
                r"杀掉",
                r"谋杀",
                r"枪杀",
                r"砍死",
                r"砍人",
                r"打死",
                r"捅死",
                r"炸死",
                r"炸弹",
                r"恐怖袭击",
                r"暴力",
                r"揍你",
            ),
        ),
    ),
    (
        "sexual",
        (
            _en(
                r"sex(?:y|ual|ually)?",
                r"porn(?:o|ography|ographic)?",
                r"nudes?",
                r"naked",
                r"erotic",
                r"boobs?",
                r"penis",
                r"vagina",
                r"make\s+love",
            ),
            _zh(r"色情", r"性交", r"做爱", r"裸体", r"裸照", r"黄片", r"性行为", r"性感"),
        ),
    ),
    (
        "personal_data",
        (
            _en(
                r"where\s+(?:do|does)\s+(?:you|u)\s+live",
                r"where\s+you\s+live",
                r"(?:what'?s|what\s+is|tell\s+me|give\s+me|send\s+me|share)\s+(?:your|ur)\s+"
                r"(?:home\s+|full\s+|real\s+|last\s+)?"
                r"(?:address|phone|phone\s+number|number|e-?mail|password|name|school|surname)",
                r"(?:your|ur)\s+(?:home\s+)?address",
                r"(?:your|ur)\s+(?:phone|mobile|cell)\s*(?:number)?",
                r"(?:your|ur)\s+password",
                r"(?:my|our)\s+(?:home\s+)?address\s+is",
                r"my\s+(?:phone|mobile|cell)\s+(?:number\s+)?is",
                r"my\s+password\s+is",
                r"what\s+school\s+do\s+you\s+go\s+to",
                r"send\s+(?:me\s+)?(?:a\s+)?(?:photo|picture|pic|selfie)",
                r"meet\s+(?:me|up)\s+(?:in\s+person|after\s+school|alone|somewhere)",
            ),
            _zh(
                r"你(?:家)?住(?:在)?(?:哪|什么地方)",
                r"你家(?:的)?(?:地址|在哪)",
                r"你的(?:电话|手机|邮箱|密码|住址|地址|真名|全名)",
                r"(?:电话|手机)号码?是多少",
                r"你在哪(?:个|所)?学校",
                r"我家(?:住)?在.{0,12}(?:路|街|号|小区)",
                r"我的(?:电话|手机)(?:号码)?是",
                r"我的密码是",
                r"发(?:一)?张?(?:你的)?(?:照片|自拍)",
                r"(?:单独|偷偷)见面",
            ),
        ),
    ),
    (
        "link",
        (
            re.compile(r"https?://|\bwww\.", re.IGNORECASE),
            re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b"),
            # A bare domain: a name with at least one letter, then a common top-level domain.
            re.compile(
                r"\b(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]{2,}\."
                r"(?:com|net|org|cn|io|ru|xyz|info|top|me|co|edu|gov|app|link|ly)\b(?!\.\d)",
                re.IGNORECASE,
            ),
        ),
    ),
    (
        "profanity",
        (
            _en(r"fuck(?:s|ed|ing|er)?", r"shit(?:s|ty)?", r"bitch(?:es)?", r"cunt", r"asshole"),
            _zh(r"操你", r"傻逼", r"他妈的", r"妈的", r"去死"),
        ),
    ),
)

#: Every category :func:`check_text` can report.
CATEGORIES: tuple[str, ...] = tuple(name for name, _ in _RULES)

#: Text longer than this is checked in full but reported as ``too_long`` as well: nothing
#: a tutor says or reads in one go is that long, and it bounds the regex work.
MAX_CHECK_CHARS = 20_000


@dataclass(frozen=True)
class SafetyResult:
    """The verdict: ``ok`` is False when any category matched."""

    ok: bool
    categories: tuple[str, ...]

    def reasons(self) -> tuple[str, ...]:
        """Guard reasons such as ``"unsafe: self_harm"``."""
        return tuple(f"unsafe: {c}" for c in self.categories)


def check_text(text: str, *, source: Source) -> SafetyResult:
    """Check ``text`` (model output or a student's free text) against the K12 filter.

    ``source`` says who wrote it; both are held to the same lists. The caller decides what a
    hit means: model output is not shown (template fallback); student text is flagged to the
    teacher and never echoed back.
    """
    if source not in ("model", "student"):
        raise ValueError(f"source must be 'model' or 'student', not {source!r}")
    found = [name for name, patterns in _RULES if any(p.search(text) for p in patterns)]
    if len(text) > MAX_CHECK_CHARS:
        found.append("too_long")
    return SafetyResult(ok=not found, categories=tuple(found))
