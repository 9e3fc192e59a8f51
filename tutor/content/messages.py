"""The answer checker's messages in the student's language.

:mod:`tutor.content.answers` words every message in English, and that English is its
contract: the engine, the CLI (``tutor content check``), the stored attempts and the tests
all read it. This module puts a message into the student's language at the last moment,
where a page shows it: :func:`localize` maps

* each constant message (``answers.MSG_*``) exactly, through :data:`CONSTANTS_ZH`;
* each message built at run time with a value inside (the letter typed, the unit expected,
  the text that could not be read) through a :class:`Template`: the English pattern as
  ``answers`` builds it, with named fields, and a function that words it in Chinese with
  the same values. ``I couldn't read "…" — HINT`` is read in two parts: the student's text
  as typed, and the hint, itself a constant (:data:`HINTS_ZH`) or a template
  (:data:`HINT_TEMPLATES`).

A message that matches nothing here (a message added to ``answers`` without a Chinese
version) is shown in English rather than not at all; a unit test scans ``answers.py`` for
every message it can build, so that cannot pass unnoticed. Maths stays as written
(``2(x + 3) = 2x + 6``, ``x^2``, ``cm²``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tutor.content import answers

__all__ = [
    "CONSTANTS_ZH",
    "COULD_NOT_READ",
    "HINTS_ZH",
    "HINT_TEMPLATES",
    "TEMPLATES",
    "Template",
    "localize",
    "to_chinese",
]

logger = logging.getLogger(__name__)

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Template:
    """A message built at run time: its English form and how to word it in Chinese.

    ``en`` is the message exactly as :mod:`tutor.content.answers` builds it, with a
    ``{name}`` where a value goes in; ``zh`` gets the values by name and returns the
    Chinese message, or None when a value is not one it can word (the caller then keeps
    the English).
    """

    en: str
    zh: Callable[[Mapping[str, str]], str | None]
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _FIELD.split(self.en)
        regex = "".join(
            re.escape(part) if k % 2 == 0 else f"(?P<{part}>.+?)" for k, part in enumerate(parts)
        )
        object.__setattr__(self, "_pattern", re.compile(regex, re.DOTALL))

    @property
    def skeleton(self) -> str:
        """The English with every field as ``{}`` (how a unit test compares it with the
        f-strings in ``answers.py``)."""
        return _FIELD.sub("{}", self.en)

    def match(self, message: str) -> dict[str, str] | None:
        """The field values when ``message`` is this template filled in, else None."""
        found = self._pattern.fullmatch(message)
        return None if found is None else found.groupdict()

    def to_chinese(self, message: str) -> str | None:
        """``message`` in Chinese when it is this template filled in, else None."""
        values = self.match(message)
        return None if values is None else self.zh(values)


# -- words the templates share -------------------------------------------------------------

_LETTERS = re.compile(r"(?:(?P<first>[A-Za-z]+(?:, [A-Za-z]+)*) or )?(?P<last>[A-Za-z]+)")
_NO_LETTERS = "no letters"


def _letters_zh(allowed: str) -> str | None:
    """``x, y or n`` → ``x、y 或 n`` (the letters an answer may use); None for anything
    else, ``no letters`` included (each message words that case itself)."""
    found = _LETTERS.fullmatch(allowed)
    if found is None or allowed == _NO_LETTERS:
        return None
    if found["first"] is None:
        return found["last"]
    return "、".join(found["first"].split(", ")) + " 或 " + found["last"]


#: Units whose English symbol a Chinese page should not show as is.
_UNIT_NAMES_ZH = {
    "days": "天",
    "people/km²": "人/km²",
    "$": "美元（$）",
    "¢": "美分（¢）",
    "°": "度（°）",
}
#: A number written with a word unit ("12 days") and how Chinese writes it ("12天").
_UNIT_SUFFIX_ZH = {"days": "天", "people/km²": "人/km²"}


def _unit_zh(unit: str) -> str:
    """The unit as a Chinese sentence names it, with a space before a Latin symbol."""
    name = _UNIT_NAMES_ZH.get(unit, unit)
    return name if "\u4e00" <= name[0] <= "\u9fff" else f" {name}"


def _with_unit_zh(written: str) -> str:
    for en, zh in _UNIT_SUFFIX_ZH.items():
        if written.endswith(" " + en):
            return written[: -len(en) - 1] + zh
    return written


def _quoted_zh(shown: str) -> str | None:
    """``"&"`` → ``“&”``; ``that symbol`` → ``这个符号`` (the lexer's two ways of naming
    a character it refuses)."""
    if shown == "that symbol":
        return "这个符号"
    if len(shown) >= 3 and shown[0] == shown[-1] == '"':
        return f"“{shown[1:-1]}”"
    return None


# -- constant messages -----------------------------------------------------------------------

#: Every constant message of the checker (``answers.MSG_*``) in Simplified Chinese.
CONSTANTS_ZH: Mapping[str, str] = {
    answers.MSG_CORRECT: "答对了！",
    answers.MSG_INCORRECT: "还不太对——再仔细看看。",
    answers.MSG_NOT_SIMPLIFIED: "结果是对的——现在把它化成最简形式。",
    answers.MSG_WORK_IT_OUT: "结果是对的——现在把它算出来，写成一个数。",
    answers.MSG_AS_FRACTION: "结果是对的——现在把它写成分数。",
    answers.MSG_ADD_PERCENT: "数字是对的——现在加上百分号 %。",
    answers.MSG_NOT_SOLVED: "这样写没错，但还没有解完——最后要让字母单独留在一边。",
    answers.MSG_JUST_NUMBER: "结果是对的——现在只写这个数就可以了。",
    answers.MSG_WANT_POINT: "还不太对——这道题的答案是一个点，请写成 (x, y) 的样子。",
    answers.MSG_EMPTY: "请先输入答案。",
    answers.MSG_TOO_LONG: (
        f"这个答案太长了——请只写答案（最多 {answers.MAX_ANSWER_CHARS} 个字符）。"
    ),
    answers.MSG_TOO_BIG: "这个数太大了，没法计算——请检查答案里的乘方。",
    answers.MSG_DIVIDE_BY_ZERO: "这里除以了 0，得不到一个数——请检查你的答案。",
    answers.MSG_NOT_REAL: "这不是一个实数——看看是不是给负数开了平方根。",
    answers.MSG_TOO_DEEP: "这个答案里括号或乘方套了太多层——请写得简单一些。",
    answers.MSG_EXPAND: "结果是对的——现在把括号展开，比如 2(x + 3) = 2x + 6。",
    answers.MSG_SIMPLIFY_ROOT: "结果是对的——现在把平方根化简，比如 √12 = 2√3。",
    answers.MSG_CANNOT_CHECK: "抱歉——我没能检查这个答案，请写得简单一些。",
}

# -- messages with a value inside ------------------------------------------------------------


def _letter_not_used(v: Mapping[str, str]) -> str | None:
    letter = v["letter"]
    if v["allowed"] == _NO_LETTERS:
        return f"这道题的答案用不到字母“{letter}”——只写数就可以了。"
    letters = _letters_zh(v["allowed"])
    return None if letters is None else f"这道题的答案用不到字母“{letter}”——请用 {letters}。"


#: The checker's messages that carry a value, other than ``I couldn't read …``.
TEMPLATES: tuple[Template, ...] = (
    Template(
        'The letter "{letter}" isn\'t used in this answer — use {allowed}.',
        _letter_not_used,
    ),
    Template(
        "Right value — now write it as an equation: {letter} = …",
        lambda v: f"结果是对的——现在把它写成方程：{v['letter']} = …",
    ),
    Template(
        "Please write the number too, like {example}.",
        lambda v: f"请把数也写上，比如 {_with_unit_zh(v['example'])}。",
    ),
    Template(
        "This answer is in {unit} — write it like {number} or {example}.",
        lambda v: (
            f"这个答案的单位是{_unit_zh(v['unit'])}——请写成 {v['number']} 或 "
            f"{_with_unit_zh(v['example'])}。"
        ),
    ),
)

# -- "I couldn't read …": the hints ----------------------------------------------------------

#: What the checker says is wrong in text it could not read (after ``I couldn't read "…" —``).
HINTS_ZH: Mapping[str, str] = {
    "write a fraction like 3/4.": "分数请写成 3/4 这样。",
    '"≠" can\'t be used in an answer — use =, <, >, ≤ or ≥.': (
        "答案里不能用“≠”——请用 =、<、>、≤ 或 ≥。"
    ),
    '"<>" can\'t be used in an answer — use =, <, >, ≤ or ≥.': (
        "答案里不能用“<>”——请用 =、<、>、≤ 或 ≥。"
    ),
    "please use round brackets ( ) here.": "这里请用圆括号 ( )。",
    "a dot belongs inside a decimal number, like 0.5.": "小数点只能写在小数里，比如 0.5。",
    "a dot must have digits after it, like 2.5.": "小数点后面要有数字，比如 2.5。",
    "a number can have only one decimal point, like 2.5.": "一个数只能有一个小数点，比如 2.5。",
    "the brackets are empty.": "括号里是空的。",
    'there is a ")" without a "(" before it.': "有一个“)”，可是它前面没有“(”。",
    "use a dot for decimals (like 0.5) and brackets for points (like (2, -1)).": (
        "小数请用小数点（比如 0.5），点的坐标请加上括号（比如 (2, -1)）。"
    ),
    "a % sign goes right after a number, like 75%.": "百分号 % 要紧跟在数的后面，比如 75%。",
    "write a ratio with one colon between two numbers, like 3:4.": (
        "比要写成两个数，中间用一个冒号隔开，比如 3:4。"
    ),
    "there is a space between two numbers — write one number (like 1000) "
    "or a mixed number (like 1 1/2).": (
        "两个数之间有空格——请写成一个数（比如 1000）或者带分数（比如 1 1/2）。"
    ),
    "put numbers before letters and brackets (like 3x or 2(x+1)); for a power use ^ (like x^2).": (
        "数要写在字母和括号的前面（比如 3x 或 2(x+1)）；乘方请用 ^（比如 x^2）。"
    ),
    "please check it and try again.": "请检查一下，再试一次。",
    "write just the final answer (like 4), or use a letter (like x = 4).": (
        "请只写最后的答案（比如 4），或者用一个字母来写（比如 x = 4）。"
    ),
    'write just one "=" (like x = 4), or one inequality (like x > 3).': (
        "只写一个“=”（比如 x = 4），或者只写一个不等式（比如 x > 3）。"
    ),
    "both signs must point the same way, like 1 < x < 5.": (
        "两个不等号的方向要一致，比如 1 < x < 5。"
    ),
    "a ratio like 3:4 uses numbers only.": "像 3:4 这样的比只能用数来写。",
    "the power must be a number, like x^2.": "指数必须是一个数，比如 x^2。",
    "the power must be a whole number or a simple fraction, like x^2 or x^(1/2).": (
        "指数必须是整数或简单的分数，比如 x^2 或 x^(1/2)。"
    ),
    "commas only go between the numbers of a point, like (2, -1).": (
        "逗号只用来隔开点的坐标，比如 (2, -1)。"
    ),
    'brackets can\'t go around "=", "<" or ">" — write it like x = 4.': (
        "括号里不能有“=”、“<”或“>”——请写成 x = 4 这样。"
    ),
    'a bracket is missing — every "(" needs a ")".': "少了一个括号——每个“(”都要配一个“)”。",
}


def _symbol_not_used(v: Mapping[str, str]) -> str | None:
    shown = _quoted_zh(v["shown"])
    if shown is None:
        return None
    if v["allowed"] == _NO_LETTERS:
        return f"答案里不能用{shown}。请只用数字、+ − × ÷ ^ 和括号。"
    letters = _letters_zh(v["allowed"])
    if letters is None:
        return None
    return f"答案里不能用{shown}。请只用数字、+ − × ÷ ^、括号和字母 {letters}。"


def _just_the_answer(v: Mapping[str, str]) -> str | None:
    if v["allowed"] == _NO_LETTERS:
        return "请只写答案，只用数字。"
    letters = _letters_zh(v["allowed"])
    return None if letters is None else f"请只写答案，只用数字和字母 {letters}。"


#: Hints that carry a value (the character refused, the sign before the gap…).
HINT_TEMPLATES: tuple[Template, ...] = (
    Template(
        "{shown} isn't used in answers. Use numbers, + − × ÷ ^, brackets and the letters "
        "{allowed}.",
        _symbol_not_used,
    ),
    Template("write just the answer, with numbers and the letters {allowed}.", _just_the_answer),
    Template(
        'something is missing after "{sign}".',
        lambda v: f"“{v['sign']}”后面还少了东西。",
    ),
    Template(
        'an answer can\'t start with "{sign}".',
        lambda v: f"答案不能以“{v['sign']}”开头。",
    ),
    Template(
        'there are two signs in a row ("{first} {second}").',
        lambda v: f"有两个符号连在了一起（“{v['first']} {v['second']}”）。",
    ),
    Template(
        '"{sign}" can\'t come right after "(".',
        lambda v: f"“(”后面不能紧跟着“{v['sign']}”。",
    ),
)


def _hint_zh(hint: str) -> str | None:
    if hint in HINTS_ZH:
        return HINTS_ZH[hint]
    for template in HINT_TEMPLATES:
        words = template.to_chinese(hint)
        if words is not None:
            return words
    return None


_COULD_NOT_READ_HEAD = "I couldn't read \""
_COULD_NOT_READ_JOIN = '" — '


def _could_not_read_zh(v: Mapping[str, str]) -> str | None:
    hint = _hint_zh(v["hint"])
    return None if hint is None else f"我没能读懂“{v['text']}”——{hint}"


#: ``I couldn't read "TEXT" — HINT``: TEXT is the student's own (shortened) text, kept as
#: typed; HINT is one of :data:`HINTS_ZH` or :data:`HINT_TEMPLATES`.
COULD_NOT_READ = Template('I couldn\'t read "{text}" — {hint}', _could_not_read_zh)


def _could_not_read(message: str) -> str | None:
    """The ``I couldn't read`` message in Chinese. The student's text may itself hold
    ``" — ``, so every place it could end is tried; the hint after it must be one known."""
    if not message.startswith(_COULD_NOT_READ_HEAD):
        return None
    start = len(_COULD_NOT_READ_HEAD)
    end = message.find(_COULD_NOT_READ_JOIN, start)
    while end != -1:
        words = _could_not_read_zh(
            {"text": message[start:end], "hint": message[end + len(_COULD_NOT_READ_JOIN) :]}
        )
        if words is not None:
            return words
        end = message.find(_COULD_NOT_READ_JOIN, end + 1)
    return None


# -- the entry points ------------------------------------------------------------------------


def to_chinese(message: str) -> str | None:
    """A message of the answer checker in Simplified Chinese, or None when it is not one
    this module knows."""
    if message in CONSTANTS_ZH:
        return CONSTANTS_ZH[message]
    words = _could_not_read(message)
    if words is not None:
        return words
    for template in TEMPLATES:
        words = template.to_chinese(message)
        if words is not None:
            return words
    return None


def localize(message: str, language: str) -> str:
    """A message of the answer checker in ``language`` (``en``; ``zh-Hans`` or any ``zh``
    code for Simplified Chinese).

    English, an unknown language and a message with no Chinese version give ``message``
    unchanged: the student always reads something.
    """
    if not language.lower().startswith("zh") or not message:
        return message
    words = to_chinese(message)
    if words is None:
        # The message may quote what the student typed: log its size only.
        logger.warning("no Chinese for a checker message (%d characters)", len(message))
        return message
    return words
