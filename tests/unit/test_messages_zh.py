"""The answer checker's messages in Simplified Chinese (tutor.content.messages).

A scan of ``answers.py`` finds every message the checker can build (constants, the hints of
"I couldn't read …", the f-strings with a value inside) and requires a Chinese version of
each, so an English message added without one fails here. Real answers then go through
``check_answer`` and come out in Chinese with their values kept.
"""

from __future__ import annotations

import ast
import logging
import re
from collections import Counter
from pathlib import Path

import pytest

from tutor.content import answers
from tutor.content.answers import (
    UNIT_SETS,
    AnswerPolicy,
    UnreadableAnswer,
    check_answer,
    parse_answer,
)
from tutor.content.messages import (
    CONSTANTS_ZH,
    COULD_NOT_READ,
    HINT_TEMPLATES,
    HINTS_ZH,
    TEMPLATES,
    localize,
    to_chinese,
)

ANSWERS_PY = Path(answers.__file__)
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Characters of maths notation that must survive translation (prose brackets, colons and
#: full stops change shape in Chinese, so they are not compared).
MATHS = set("0123456789=<>≤≥≠%^√+−×÷/-")

# -- what answers.py can say -----------------------------------------------------------------

#: Calls whose argument (by position) is a whole message for the student.
MESSAGE_ARGS = {"UnreadableAnswer": 0, "AnswerTooLong": 0, "_verdict": 1, "CheckResult": 1}
#: Calls whose argument is the hint after "I couldn't read "…" —".
HINT_ARGS = {"fail": 0, "_could_not_read": 1}
#: Arguments that pass on a message made elsewhere (already covered where it was made).
PASS_THROUGH = {"hint", "message", "exc.message"}


def _skeleton(node: ast.expr) -> str | None:
    """A literal as it reads, an f-string with ``{}`` for each value; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def scan() -> dict[str, set[str]]:
    """Every message and hint ``answers.py`` builds, sorted by how it is built."""
    found: dict[str, set[str]] = {
        "msg_names": set(),
        "messages": set(),
        "message_templates": set(),
        "hints": set(),
        "hint_templates": set(),
        "pass_through": set(),
    }
    for node in ast.walk(ast.parse(ANSWERS_PY.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        name = name or getattr(node.func, "id", "")
        for table, kind in ((MESSAGE_ARGS, "message"), (HINT_ARGS, "hint")):
            if name not in table or len(node.args) <= table[name]:
                continue
            arg = node.args[table[name]]
            text = _skeleton(arg)
            if isinstance(arg, ast.Name) and arg.id.startswith("MSG_"):
                found["msg_names"].add(arg.id)
            elif isinstance(arg, ast.JoinedStr) and text is not None:
                found[f"{kind}_templates"].add(text)
            elif text is not None:
                found[f"{kind}s"].add(text)
            else:
                found["pass_through"].add(ast.unparse(arg))
    return found


SCANNED = scan()
MSG_CONSTANTS = {name: value for name, value in vars(answers).items() if name.startswith("MSG_")}


def test_the_scan_finds_the_checkers_messages() -> None:
    # Guards the scan itself: these are known to be in answers.py.
    assert "MSG_NOT_SIMPLIFIED" in SCANNED["msg_names"]
    assert "write a fraction like 3/4." in SCANNED["hints"]
    assert 'something is missing after "{}".' in SCANNED["hint_templates"]
    assert "Please write the number too, like {}." in SCANNED["message_templates"]
    # Only these pass a message on; anything else must be one of the kinds above.
    assert SCANNED["pass_through"] == PASS_THROUGH


def test_every_constant_message_has_chinese() -> None:
    assert len(MSG_CONSTANTS) >= 18
    assert SCANNED["msg_names"] <= set(MSG_CONSTANTS), "a MSG_ name used but not defined?"
    assert set(CONSTANTS_ZH) == set(MSG_CONSTANTS.values())  # none missing, none stale
    for name, english in MSG_CONSTANTS.items():
        assert localize(english, "zh-Hans") == CONSTANTS_ZH[english], name


def test_every_literal_message_is_a_constant() -> None:
    # A message written inline (not a MSG_ constant) would have no Chinese: keep them named.
    assert SCANNED["messages"] <= set(CONSTANTS_ZH), SCANNED["messages"] - set(CONSTANTS_ZH)


def test_every_hint_has_chinese() -> None:
    assert set(HINTS_ZH) == SCANNED["hints"], set(HINTS_ZH) ^ SCANNED["hints"]
    for hint, chinese in HINTS_ZH.items():
        message = f'I couldn\'t read "abc" — {hint}'
        assert localize(message, "zh-Hans") == f"我没能读懂“abc”——{chinese}"


def test_every_message_with_a_value_has_a_template() -> None:
    templates = {t.skeleton for t in TEMPLATES} | {COULD_NOT_READ.skeleton}
    assert templates == SCANNED["message_templates"], templates ^ SCANNED["message_templates"]
    hint_templates = {t.skeleton for t in HINT_TEMPLATES}
    assert hint_templates == SCANNED["hint_templates"], hint_templates ^ SCANNED["hint_templates"]


@pytest.mark.parametrize(
    ("english", "chinese"), [*CONSTANTS_ZH.items(), *HINTS_ZH.items()], ids=lambda s: s[:30]
)
def test_chinese_is_chinese_and_keeps_the_maths(english: str, chinese: str) -> None:
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
    english = check_answer(given, expected, policy).message
    shown = localize(english, "zh-Hans")
    assert shown == chinese
    assert localize(english, "zh") == shown  # the explanation's language code works too
    assert localize(english, "en") == english  # English pages keep the engine's words


def test_every_template_is_reached_by_a_real_answer() -> None:
    said = [check_answer(g, e, p).message for g, e, p, _ in EXAMPLES]
    hints = [m.split('" — ', 1)[1] for m in said if COULD_NOT_READ.match(m) is not None]
    for template in TEMPLATES:
        assert any(template.match(m) for m in said), template.en
    for template in HINT_TEMPLATES:
        assert any(template.match(h) for h in hints), template.en


@pytest.mark.parametrize(
    ("given", "chinese"),
    [
        ("q", "这道题的答案用不到字母“q”——只写数就可以了。"),
        ("3 & 4", "我没能读懂“3 & 4”——答案里不能用“&”。请只用数字、+ − × ÷ ^ 和括号。"),
        ("eval(1)", "我没能读懂“eval(1)”——请只写答案，只用数字。"),
    ],
)
def test_answers_without_letters_say_so(given: str, chinese: str) -> None:
    with pytest.raises(UnreadableAnswer) as info:
        parse_answer(given, variables=())
    assert localize(info.value.message, "zh-Hans") == chinese


def test_the_students_text_may_hold_the_separator() -> None:
    # The checker maps dashes to "-" first, but the reading must not depend on it.
    message = 'I couldn\'t read "a" — b" — the brackets are empty.'
    assert to_chinese(message) == '我没能读懂“a" — b”——括号里是空的。'


def test_an_unknown_message_stays_english_and_is_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    private = 'I couldn\'t read "my secret 42" — some hint nobody wrote yet.'
    with caplog.at_level(logging.WARNING, logger="tutor.content.messages"):
        assert localize(private, "zh-Hans") == private
        assert localize("A brand-new message.", "zh-Hans") == "A brand-new message."
    assert len(caplog.records) == 2
    assert "secret" not in caplog.text  # what the student typed never reaches the log
    assert to_chinese("Correct! ") is None  # exact messages only, not near misses


def test_other_languages_get_the_english() -> None:
    assert localize(answers.MSG_CORRECT, "fr") == answers.MSG_CORRECT
    assert localize("", "zh-Hans") == ""
