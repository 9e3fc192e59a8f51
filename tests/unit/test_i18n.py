"""The message catalogs (tutor.i18n): every code in every language with the same
placeholders, every code the source uses present, and the renderer's rules (languages,
parameters, lists, fallbacks)."""

from __future__ import annotations

import ast
import logging
import re
import string
from pathlib import Path

import numpy as np
import pytest

from tutor.i18n import CATALOGS, LANGUAGES, known, language_of, render
from tutor.i18n.catalog import CODE_SPEC, Catalog, counts_one, fill

ROOT = Path(__file__).resolve().parents[2]
EN = CATALOGS["en"]
ZH = CATALOGS["zh-Hans"]
CJK = re.compile(r"[\u4e00-\u9fff]")
#: A string literal that is a message code (the catalogs' namespaces).
CODE = re.compile(r"(?:answer|policy|roster|report|ui)\.[A-Za-z0-9_.\-]+")
#: Chinese templates that are names in both languages (no Chinese characters to expect).
SAME_IN_BOTH = {"ui.app_title", "ui.lang_en", "ui.lang_zh-Hans", "ui.col_seq"}


def placeholders(template: str) -> set[tuple[str, str]]:
    """``(field, format spec)`` of every placeholder (``{days:.0f}`` → ``("days", ".0f")``)."""
    return {
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def words(template: str) -> str:
    """The template's own text, placeholders taken out."""
    return "".join(text for text, *_ in string.Formatter().parse(template))


# -- the catalogs --------------------------------------------------------------------------


def test_the_languages() -> None:
    assert LANGUAGES == ("en", "zh-Hans")
    assert {c.language for c in CATALOGS.values()} == set(LANGUAGES)


def test_every_code_has_every_language() -> None:
    # Singular forms are a language's own (Chinese has none); every other code is in all.
    for catalog in CATALOGS.values():
        singular = {code + "_one" for code in catalog.singular}
        assert singular <= set(catalog.messages), catalog.language
        missing = (set(EN.messages) - {code + "_one" for code in EN.singular}) ^ (
            set(catalog.messages) - singular
        )
        assert not missing, f"{catalog.language}: {sorted(missing)}"
    assert all(t.strip() for c in CATALOGS.values() for t in c.messages.values())


def test_placeholders_are_the_same_in_every_language() -> None:
    for code, english in EN.messages.items():
        for catalog in CATALOGS.values():
            if code not in catalog.messages:  # a singular form English has and Chinese not
                assert code.endswith("_one") and catalog.language != "en", code
                continue
            assert placeholders(catalog.messages[code]) == placeholders(english), (
                catalog.language,
                code,
            )


def test_every_format_a_template_names_exists() -> None:
    assert set(EN.formats) == set(ZH.formats)
    for catalog in CATALOGS.values():
        for code, template in catalog.messages.items():
            for name, spec in placeholders(template):
                if spec and not re.fullmatch(r"[.\d]*[dfs%]?", spec):
                    assert spec == CODE_SPEC or spec in catalog.formats, (code, name, spec)


def test_chinese_is_chinese() -> None:
    for code, template in ZH.messages.items():
        if code in SAME_IN_BOTH or code.startswith("ui.kp_") or not words(template).strip():
            continue
        assert CJK.search(words(template)), f"{code}: {template!r}"


def test_the_placeholder_check_sees_a_difference() -> None:
    # Guards the checks above: a renamed or dropped placeholder, or another format.
    assert placeholders("{a} and {b:or}") != placeholders("{a}和{b}")
    assert placeholders("{days:.0f} days") == placeholders("{days:.0f}天")
    assert words("你可以学“{point}”了") == "你可以学“”了"


# -- every code the source uses is in the catalogs ------------------------------------------


def codes_in(source: str, app: bool = True) -> set[str]:
    """The message codes a Python source names: string literals shaped like a code, and (in
    the ``app``) the keys of ``t("key")`` / ``text(lang, "key")`` calls (code ``ui.key``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if CODE.fullmatch(node.value):
                found.add(node.value)
        elif app and isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            key_at = {"t": 0, "text": 1}.get(name)
            if key_at is not None and len(node.args) > key_at:
                key = node.args[key_at]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found.add("ui." + key.value)
    return found


def used_codes() -> dict[str, set[str]]:
    """Codes by the file naming them, over ``tutor/`` (the catalogs aside) and ``ui/``."""
    used: dict[str, set[str]] = {}
    for folder in ("tutor", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if "i18n" in path.relative_to(ROOT).parts[:2]:
                continue
            codes = codes_in(path.read_text(encoding="utf-8"), app=folder == "ui")
            if codes:
                used[str(path.relative_to(ROOT))] = codes
    return used


USED = used_codes()


def test_every_code_the_source_uses_is_in_the_catalogs() -> None:
    unknown = {path: sorted(c for c in codes if not known(c)) for path, codes in USED.items()}
    assert {p: c for p, c in unknown.items() if c} == {}


def test_the_scan_finds_the_codes() -> None:
    # Guards the scan: these files are known to give codes.
    assert "answer.hint.double_slash" in USED["tutor/content/answers.py"]
    assert "policy.goal_reached" in USED["tutor/policy/select.py"]
    assert "roster.id_control" in USED["tutor/roster.py"]
    assert "report.class_model" in USED["tutor/reports.py"]
    assert any(
        c.startswith("ui.") for path, c_ in USED.items() if path.startswith("ui/") for c in c_
    )
    # and it catches a code with no text (a mutated source)
    assert codes_in('fail("answer.hint.no_such_hint")\nt("no_such_key")') == {
        "answer.hint.no_such_hint",
        "ui.no_such_key",
    }
    assert not known("answer.hint.no_such_hint") and not known("ui.no_such_key")


def test_no_checker_policy_roster_or_report_code_is_stale() -> None:
    # Every answer, policy, roster and report code is used where it is given (the app's
    # strings are checked per page).
    # A singular form is used wherever its plural is (the catalog picks it).
    used = set().union(*USED.values())
    used |= {c + "_one" for c in used if c in EN.singular}
    given = ("answer.", "policy.", "roster.", "report.")
    stale = {c for c in EN.messages if c.startswith(given) and c not in used}
    assert stale == set()


# -- rendering -------------------------------------------------------------------------------


def test_language_tags() -> None:
    assert language_of("zh") == language_of("zh-Hans") == language_of("ZH-cn") == "zh-Hans"
    assert language_of("en") == language_of("fr") == language_of("") == "en"
    assert render("answer.correct", {}, "fr") == "Correct!"  # another language: English
    assert render("answer.correct", None, "zh") == "答对了！"
    assert render("answer.correct") == "Correct!"


def test_parameters_formats_and_names_in_each_language() -> None:
    letters = {"letter": "z", "letters": ("x", "y", "n")}
    assert render("answer.letter_not_used", letters, "en") == (
        'The letter "z" isn\'t used in this answer — use x, y or n.'
    )
    assert render("answer.letter_not_used", letters, "zh") == (
        "这道题的答案用不到字母“z”——请用 x、y 或 n。"
    )
    names = [{"en": f"P{k}", "zh-Hans": f"点{k}"} for k in range(5)]
    ready = {"point": {"en": "Fractions", "zh-Hans": "分数"}, "prerequisites": names}
    assert render("policy.ready", ready, "en") == (
        "You're ready for Fractions: you've mastered its prerequisites P0, P1 and P2 (and more)."
    )
    assert (
        render("policy.ready", ready, "zh-Hans")
        == "你可以学“分数”了：它的前提点0、点1、点2等你都已经掌握。"
    )
    one = {"point": {"en": "A"}, "prerequisites": [{"en": "B"}]}  # no Chinese name: English
    assert render("policy.ready", one, "zh") == "你可以学“A”了：它的前提B你已经掌握。"
    assert render("policy.review", {"point": "A", "days": 2.6}, "en").endswith("it's been 3 days.")
    assert render("roster.duplicate_id", {"student_id": "s1", "first_line": 3}) == (
        "'s1' is already on line 3"
    )
    gaps = {"points": ["A", "B", "C", "D"]}
    assert render("report.gap_not_repaired", gaps).endswith(": A, B and 2 more")
    assert render("report.gap_not_repaired", gaps, "zh").endswith("：A、B等4个")
    reasons = {"reasons": ["one", "two"]}
    assert (render("report.reasons", reasons), render("report.reasons", reasons, "zh")) == (
        "one; two",
        "one；two",
    )


def test_one_prerequisite_is_its_prerequisite_in_both_languages() -> None:
    """With one prerequisite a student read "its prerequisites Teen Numbers as a Ten and
    Ones": the catalog picks the singular when the counted list has one name; Chinese words
    it as for many."""
    one = {
        "point": {"en": "Two-Digit Numbers", "zh-Hans": "两位数"},
        "prerequisites": [{"en": "Teen Numbers as a Ten and Ones", "zh-Hans": "十几的组成"}],
    }
    two = {**one, "prerequisites": ["A", "B"]}
    assert render("policy.ready", one, "en") == (
        "You're ready for Two-Digit Numbers: you've mastered its prerequisite "
        "Teen Numbers as a Ten and Ones."
    )
    assert render("policy.ready", two, "en").endswith("its prerequisites A and B.")
    assert render("policy.ready", one, "zh-Hans") == (
        "你可以学“两位数”了：它的前提十几的组成你已经掌握。"  # 都 (all) only for several
    )
    assert render("policy.ready", two, "zh-Hans").endswith("它的前提A、B你都已经掌握。")
    # A singular code asked for by name reads as the plural where a language has none.
    assert render("ui.placement_counts_one", {"n": 1}, "zh") == "共答 1 题"
    assert render("policy.ready_one", one, "en") == render("policy.ready", one, "en")
    # A number counts one when it reads "1": 1.2 days is "1 day", 1.5 rounds to 2.
    assert render("policy.review", {"point": "A", "days": 1.2}).endswith("it's been 1 day.")
    assert render("policy.review", {"point": "A", "days": 1.5}).endswith("it's been 2 days.")
    assert render("policy.review", {"point": "A", "days": 0.4}).endswith("it's been 0 days.")


@pytest.mark.parametrize(
    ("value", "one"),
    [
        (1, True),
        (1.0, True),
        (1.49, True),
        (0.5, False),
        (1.5, False),
        (2, False),
        (0, False),
        (["x"], True),
        (("x",), True),
        ([], False),
        (["x", "y"], False),
        (True, False),
        ("1", False),
        (None, False),
        (np.int64(1), True),
        (np.float64(0.9), True),
    ],
)
def test_what_counts_one(value: object, one: bool) -> None:
    assert counts_one(value) is one


def test_each_singular_says_one_where_its_plural_says_many() -> None:
    """Every ``…_one`` code is the singular of the code without it: the same placeholders,
    other words, and the catalog names the parameter that counts, which the plural uses."""
    singles = [code for code in EN.messages if code.endswith("_one")]
    assert "policy.ready_one" in singles and "ui.student_summary_one" in singles
    assert sorted(singles) == sorted(code + "_one" for code in EN.singular)
    for code in singles:
        many = code.removesuffix("_one")
        assert many in EN.messages, code
        assert placeholders(EN.messages[code]) == placeholders(EN.messages[many]), code
        assert EN.messages[code] != EN.messages[many], code
        assert EN.singular[many] in {name for name, _ in placeholders(EN.messages[many])}, code
    assert set(ZH.singular) <= set(EN.singular)  # Chinese words most counts alike
    # A goal with nothing before it: one topic on the way (a stored placement re-renders so).
    assert render("placement.summary_done", {"total": 1}) == (
        "You already know the 1 topic on the way to your goal; pick a new goal!"
    )
    assert render("placement.summary", {"known": 0, "total": 1, "start": ["A"]}).startswith(
        "You already know 0 of 1 topic on the way"
    )
    summary = {"name": "Ann", "goal": "G", "correct": 0}
    assert render("ui.student_summary", {**summary, "n": 1}).endswith("· 1 answer, 0 correct")
    assert render("ui.student_summary", {**summary, "n": 3}).endswith("· 3 answers, 0 correct")
    assert render("ui.student_summary", {**summary, "n": 1}, "zh") == render(
        "ui.student_summary", {**summary, "n": 3}, "zh"
    ).replace("3", "1")


#: Counts that are never one where the message is used: limits and windows set in the code,
#: and the days since a goal point was last answered (asked again after 7 days or more).
_NEVER_ONE = {"limit", "window", "recent", "days"}


def test_every_english_count_before_a_plural_noun_has_its_singular() -> None:
    """A count reads "1 student", not "1 students", for one: an English message that puts a counted
    parameter before a plural noun either has a ``_one`` form for that parameter, or counts
    something that is never one. Messages that count two things say one of them as
    "topics known: 1 of 1" (no noun after the number) so that no form reads "1 topics"."""
    count_then_noun = re.compile(r"\{(\w+)(?::[^}]*)?\}\s+(?:more\s+|new\s+)?([a-z]+s)\b")
    verbs = {"as", "is", "was", "has", "does", "comes", "appears", "contains", "runs", "practises"}
    unpaired = []
    for code, message in EN.messages.items():
        if code.endswith("_one"):
            continue
        for name, noun in count_then_noun.findall(message):
            if noun in verbs or name in _NEVER_ONE or EN.singular.get(code) == name:
                continue
            unpaired.append(f"{code}: {{{name}}} {noun}")
    assert unpaired == []
    assert render("ui.placement_when", {"when": "today", "n": 1, "known": 1, "total": 1}).endswith(
        "· 1 question · topics known: 1 of 1"
    )


def test_a_nested_code_is_rendered_with_the_same_parameters() -> None:
    params = {"text": "3 +* 4", "hint": "answer.hint.two_signs", "first": "+", "second": "*"}
    assert render("answer.unreadable", params) == (
        'I couldn\'t read "3 +* 4" — there are two signs in a row ("+ *").'
    )
    assert render("answer.unreadable", params, "zh") == (
        "我没能读懂“3 +* 4”——有两个符号连在了一起（“+ *”）。"
    )


def test_an_unknown_code_or_a_missing_parameter_is_shown_and_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="tutor.i18n.catalog"):
        assert render("answer.no_such_code", {"text": "my secret 42"}, "zh") == (
            "answer.no_such_code"
        )
        assert render("answer.equation_form", {}, "en") == (
            "Right value — now write it as an equation: {letter} = …"
        )
    assert len(caplog.records) >= 2
    assert "secret" not in caplog.text  # what a student typed never reaches the log


def test_a_code_missing_from_one_language_falls_back_to_english(
    caplog: pytest.LogCaptureFixture,
) -> None:
    partial = Catalog("zh-Hans", {"answer.incorrect": "还不太对——再仔细看看。"}, ZH.formats)
    with caplog.at_level(logging.ERROR, logger="tutor.i18n.catalog"):
        assert fill("answer.incorrect", {}, partial, EN) == "还不太对——再仔细看看。"
        assert fill("answer.correct", {}, partial, EN) == "Correct!"
    assert "answer.correct" in caplog.text


# -- roster and class-report codes: the words those wrote by hand, unchanged ----------------

#: (code, params, English, Chinese) as tutor/roster.py's parse_roster and tutor/reports.py's
#: class report worded them by hand, before they used the codes: the text must not change.
TODAYS_WORDS = [
    ("roster.file_too_large", {"kb": 1000}, "the file is larger than 1000 kB; split the class",
     "文件超过 1000 kB，请把班级分成几个文件"),
    ("roster.not_text", {}, "the file is not text (it contains NUL bytes)", "文件不是文本文件"),
    ("roster.empty", {}, "the file is empty: the first line must be a header",
     "文件是空的：第一行应是表头"),
    ("roster.missing_column", {"column": "name"}, "the header has no 'name' column",
     "表头缺少“name”列"),
    ("roster.unknown_column", {"column": "age"},
     "unknown column 'age'; the columns are student_id, name, password and goal",
     "未知的列“age”；可用的列是 student_id、name、password 和 goal"),
    ("roster.doubled_column", {"column": "name"}, "the column 'name' appears twice",
     "“name”列重复"),
    ("roster.too_many_rows", {"limit": 2000}, "more than 2000 rows; split the class",
     "超过 2000 行，请把班级分成几个文件"),
    ("roster.cell_count", {"cells": 2, "columns": 3}, "2 cells where the header has 3",
     "这一行有 2 格，表头有 3 格"),
    ("roster.cell_count", {"cells": 1, "columns": 3}, "1 cell where the header has 3",
     "这一行有 1 格，表头有 3 格"),
    ("roster.duplicate_id", {"student_id": "s1", "first_line": 2}, "'s1' is already on line 2",
     "“s1”已在第 2 行出现"),
    ("roster.id_taken", {"student_id": "s1"}, "'s1' is already taken; choose another id",
     "“s1”已被使用，请换一个编号"),
    ("roster.no_students", {}, "the file has a header but no students", "文件只有表头，没有学生"),
    ("roster.cell_too_long", {"limit": 200}, "longer than 200 characters", "超过 200 个字符"),
    ("roster.password_too_short", {"limit": 8}, "shorter than 8 characters", "密码少于 8 个字符"),
    ("roster.password_too_long", {"limit": 128}, "longer than 128 characters",
     "密码超过 128 个字符"),
    ("roster.unknown_goal", {"goal": "nope"},
     "no knowledge point 'nope'; find ids with `tutor graph list`",
     "没有知识点“nope”；可用 `tutor graph list` 查看编号"),
    ("roster.id_empty", {}, "student id is empty", None),
    ("roster.id_too_long", {"limit": 100}, "the student id is longer than 100 characters", None),
    ("roster.id_control", {"student_id": "a\tb"}, "student id 'a\\tb' contains control characters",
     None),
    ("roster.id_characters", {}, "use only letters, digits, '-', '_' and '.' in a student id",
     None),
    ("roster.name_empty", {}, "the student name is empty: give a name", None),
    ("roster.name_too_long", {"limit": 100}, "the student name is longer than 100 characters",
     None),
    ("roster.name_control", {},
     "the student name contains control characters (such as a line break)", None),
    ("report.wrong_in_a_row", {"count": 3}, "3 wrong answers in a row", "连续答错3题"),
    ("report.gap_not_repaired", {"points": [{"en": "Adding", "zh-Hans": "加法"}]},
     "a diagnosed gap not yet repaired: Adding", "诊断出的漏洞还没补上：加法"),
    ("report.gap_not_repaired", {"points": ["A", "B", "C"]},
     "a diagnosed gap not yet repaired: A, B and 1 more", "诊断出的漏洞还没补上：A、B等3个"),
    ("report.no_progress", {"right": 2, "window": 8},
     "no progress: only 2 of the last 8 answers right", "没有进步：最近8题只答对2题"),
    ("report.class_model", {"points": ["A", "B"]},
     "the class model finds these not yet mastered: A, B", "班级诊断模型认为还没掌握：A、B"),
    ("policy.no_goal", {}, "You have no goal yet: your teacher can set one.",
     "你还没有学习目标：请老师帮你设定一个。"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "params", "english", "chinese"), TODAYS_WORDS)
def test_roster_and_report_codes_give_todays_words(
    code: str, params: dict[str, object], english: str, chinese: str | None
) -> None:
    assert render(code, params, "en") == english
    if chinese is not None:  # (the id and name checks had one Chinese line for all cases)
        assert render(code, params, "zh-Hans") == chinese
    else:
        assert CJK.search(render(code, params, "zh-Hans"))


def test_a_code_that_nests_itself_stops(caplog: pytest.LogCaptureFixture) -> None:
    loop = Catalog("en", {"a.loop": "again {x:code}"}, {})
    with caplog.at_level(logging.ERROR, logger="tutor.i18n.catalog"):
        assert fill("a.loop", {"x": "a.loop"}, loop, loop) == "again again again again a.loop"
    assert "nests too deep" in caplog.text
