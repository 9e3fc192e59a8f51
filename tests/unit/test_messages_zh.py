"""The answer checker's messages in Simplified Chinese (codes rendered by tutor.i18n).

A scan of ``answers.py`` finds every message code the checker can give (the verdicts, the
unreadable answers and the hints of "I couldn't read …") and requires that each is declared
(``AnswerCode``/``HintCode``) and has natural Chinese in the catalog, so a message added
without one fails here. Real answers then go through ``check_answer`` and come out in
Chinese with their values kept.
"""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from tutor.content import answers
from tutor.content.answers import (
    UNIT_SETS,
    AnswerCode,
    AnswerPolicy,
    HintCode,
    UnreadableAnswer,
    check_answer,
    parse_answer,
)
from tutor.i18n import CATALOGS, render

ANSWERS_PY = Path(answers.__file__)
EN = CATALOGS["en"].messages
ZH = CATALOGS["zh-Hans"].messages
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Characters of maths notation that must survive translation (prose brackets, colons and
#: full stops change shape in Chinese, so they are not compared).
MATHS = set("0123456789=<>≤≥≠%^√+−×÷/-")
DECLARED = set(get_args(AnswerCode)) | set(get_args(HintCode))

# -- what answers.py can say -----------------------------------------------------------------

#: Calls whose argument (by position) is a message code.
CODE_ARGS = {"UnreadableAnswer": 0, "AnswerTooLong": 0, "_verdict": 1, "CheckResult": 1}
#: Calls whose argument is the hint code of "I couldn't read "…" —".
HINT_ARGS = {"fail": 0, "_could_not_read": 1}
#: Arguments that pass on a code given elsewhere (already covered where it was given).
PASS_THROUGH = {"hint", "code", "exc.code"}


def scan() -> dict[str, set[str]]:
    """Every code ``answers.py`` gives, by kind, and what it passes on."""
    found: dict[str, set[str]] = {"codes": set(), "hints": set(), "pass_through": set()}
    for node in ast.walk(ast.parse(ANSWERS_PY.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        name = name or getattr(node.func, "id", "")
        for table, kind in ((CODE_ARGS, "codes"), (HINT_ARGS, "hints")):
            if name not in table or len(node.args) <= table[name]:
                continue
            arg = node.args[table[name]]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found[kind].add(arg.value)
            else:
                found["pass_through"].add(ast.unparse(arg))
    return found


SCANNED = scan()


def test_the_scan_finds_the_checkers_codes() -> None:
    # Guards the scan itself: these are known to be in answers.py.
    assert {"answer.not_simplified", "answer.unreadable", "answer.wrong_unit"} <= SCANNED["codes"]
    assert {"answer.hint.double_slash", "answer.hint.two_signs"} <= SCANNED["hints"]
    # Only these pass a code on; every other message is a literal code.
    assert SCANNED["pass_through"] == PASS_THROUGH


def test_every_code_given_is_declared_and_every_declared_code_is_given() -> None:
    assert SCANNED["codes"] == set(get_args(AnswerCode)), SCANNED["codes"] ^ set(
        get_args(AnswerCode)
    )
    assert SCANNED["hints"] == set(get_args(HintCode)), SCANNED["hints"] ^ set(get_args(HintCode))
    assert all(c.startswith("answer.hint.") for c in get_args(HintCode))


def test_every_code_has_english_and_chinese() -> None:
    assert len(DECLARED) >= 50
    assert set(EN) >= DECLARED, DECLARED - set(EN)
    assert set(ZH) >= DECLARED, DECLARED - set(ZH)
    # and the catalogs hold no checker code the checker cannot give
    assert {c for c in EN if c.startswith("answer.")} == DECLARED


def _words(template: str) -> str:
    return "".join(text for text, *_ in string.Formatter().parse(template))


@pytest.mark.parametrize("code", sorted(DECLARED))
def test_chinese_is_chinese_and_keeps_the_maths(code: str) -> None:
    english, chinese = _words(EN[code]), _words(ZH[code])
    assert CJK.search(chinese)
    assert not re.search(r"[A-Za-z]{2,}", chinese), "an English word was left in"
    wanted = Counter(c for c in english if c in MATHS)
    kept = Counter(c for c in chinese if c in MATHS)
    assert not wanted - kept, f"maths lost: {wanted - kept}"


# -- real answers through the checker ----------------------------------------------------------

AREA = AnswerPolicy(units=UNIT_SETS["cm²"])
DAYS = AnswerPolicy(units=UNIT_SETS["days"])
MONEY = AnswerPolicy(units=UNIT_SETS["$"])
YUAN = AnswerPolicy(units=UNIT_SETS["元"])
EQUATION = AnswerPolicy(allow_equation_form=False)
SIMPLE = AnswerPolicy(require_simplified=True)
ANY = AnswerPolicy()

#: The end of "isn't used in answers" for the checker's default letters.
USE_LETTERS = "请只用数字、+ − × ÷ ^、括号和字母 x、y、n、a 或 b。"
#: (answer, expected, policy, the Chinese message shown).
EXAMPLES: list[tuple[str, str, AnswerPolicy, str]] = [
    ("2/4", "1/2", SIMPLE, "结果是对的——现在把它化成最简形式。"),
    ("2z", "3/4", ANY, "这道题的答案用不到字母“z”——请用 x、y、n、a 或 b。"),
    ("4", "x = 4", EQUATION, "结果是对的——现在把它写成方程：x = …"),
    ("24 cm", "24", AREA, "这个答案的单位是 cm²——请写成 24 或 24 cm²。"),
    ("cm²", "24", AREA, "请把数也写上，比如 12 cm²。"),
    ("3 min", "3", DAYS, "这个答案的单位是天——请写成 3 或 3天。"),
    ("12 cm", "12", MONEY, "这个答案的单位是美元（$）——请写成 12 或 $12。"),
    ("$", "12", MONEY, "请把数也写上，比如 $12。"),
    ("12 kg", "12", YUAN, "这个答案的单位是元——请写成 12 或 12元。"),
    ("3//4", "3/4", ANY, "我没能读懂“3//4”——分数请写成 3/4 这样。"),
    ("3 & 4", "3/4", ANY, "我没能读懂“3 & 4”——答案里不能用“&”。" + USE_LETTERS),
    ('3"', "3", ANY, '我没能读懂“3"”——答案里不能用这个符号。' + USE_LETTERS),
    ("eval(1)", "1", ANY, "我没能读懂“eval(1)”——请只写答案，只用数字和字母 x、y、n、a 或 b。"),
    ("2+", "1", ANY, "我没能读懂“2+”——“+”后面还少了东西。"),
    ("*3", "3", ANY, "我没能读懂“*3”——答案不能以“*”开头。"),
    ("3 +* 4", "7", ANY, "我没能读懂“3 +* 4”——有两个符号连在了一起（“+ *”）。"),
    ("(*3)", "3", ANY, "我没能读懂“(*3)”——“(”后面不能紧跟着“*”。"),
    ("1" * 300, "1", ANY, "这个答案太长了——请只写答案（最多 200 个字符）。"),
    ("", "1", ANY, "请先输入答案。"),
    ("√-4", "2", ANY, "这不是一个实数——看看是不是给负数开了平方根。"),
    (
        "x" * 50 + "&",
        "1",
        ANY,
        "我没能读懂“" + "x" * 37 + "…”——答案里不能用“&”。" + USE_LETTERS,
    ),
]


@pytest.mark.parametrize(("given", "expected", "policy", "chinese"), EXAMPLES)
def test_checker_messages_come_out_in_chinese(
    given: str, expected: str, policy: AnswerPolicy, chinese: str
) -> None:
    result = check_answer(given, expected, policy)
    shown = render(result.code, result.params, "zh-Hans")
    assert shown == chinese
    assert render(result.code, result.params, "zh") == shown  # the explanation's tag works too
    # English pages get the English template (the student's text and units as written)
    opening = next(string.Formatter().parse(EN[result.code]))[0]
    assert render(result.code, result.params, "en").startswith(opening)


#: Answers read with no letters allowed (``parse_answer(..., variables=())``), in Chinese.
NO_LETTERS = [
    ("q", "这道题的答案用不到字母“q”——只写数就可以了。"),
    ("3 & 4", "我没能读懂“3 & 4”——答案里不能用“&”。请只用数字、+ − × ÷ ^ 和括号。"),
    ("eval(1)", "我没能读懂“eval(1)”——请只写答案，只用数字。"),
]


@pytest.mark.parametrize(("given", "chinese"), NO_LETTERS)
def test_answers_without_letters_say_so(given: str, chinese: str) -> None:
    with pytest.raises(UnreadableAnswer) as info:
        parse_answer(given, variables=())
    assert render(info.value.code, info.value.params, "zh-Hans") == chinese


def _given(given: str, expected: str, policy: AnswerPolicy) -> set[str]:
    result = check_answer(given, expected, policy)
    return {result.code, str(result.params.get("hint", ""))}


def _given_without_letters(given: str) -> set[str]:
    with pytest.raises(UnreadableAnswer) as info:
        parse_answer(given, variables=())
    return {info.value.code, str(info.value.params.get("hint", ""))}


def test_every_message_with_a_value_is_reached_by_a_real_answer() -> None:
    reached = set().union(
        *(_given(g, e, p) for g, e, p, _ in EXAMPLES),
        *(_given_without_letters(g) for g, _ in NO_LETTERS),
    )
    with_values = {
        code
        for code in DECLARED
        if any(name for _, name, _, _ in string.Formatter().parse(EN[code]))
    }
    assert len(with_values) >= 12
    assert with_values <= reached, with_values - reached


def test_the_students_text_may_hold_the_separator() -> None:
    # The checker maps dashes to "-" first, but the wording must not depend on it.
    params = {"text": 'a" — b', "hint": "answer.hint.empty_brackets"}
    assert render("answer.unreadable", params, "zh-Hans") == '我没能读懂“a" — b”——括号里是空的。'
    assert render("answer.unreadable", params, "en") == (
        'I couldn\'t read "a" — b" — the brackets are empty.'
    )
