"""The app's strings and drawings, checked without running Streamlit: every key a page uses is
in the catalog (tutor.i18n, codes ``ui.<key>``) in both languages, no page writes English of
its own, graphs are valid DOT. (Same placeholders in every language: tests/unit/test_i18n.py.)"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from tutor.i18n import CATALOGS
from ui import graphs
from ui.i18n import LANGUAGES, PREFIX, text

UI = Path(__file__).resolve().parents[2] / "ui"

#: Streamlit calls whose text arguments a person reads.
DISPLAY_CALLS = {
    "title", "header", "subheader", "write", "markdown", "caption", "text", "info",
    "warning", "error", "success", "button", "text_input", "text_area", "selectbox",
    "radio", "metric", "expander", "tabs", "form_submit_button", "download_button",
    "file_uploader", "checkbox", "toggle", "number_input", "multiselect", "Page",
    "toast", "spinner",
}  # fmt: skip
#: Keyword arguments people read.
DISPLAY_KWARGS = {"label", "title", "help", "placeholder", "caption"}


def _literal_words(node: ast.AST) -> str:
    """The letters a literal (or the literal parts of an f-string) would show."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_words(v) for v in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return "".join(_literal_words(v) for v in node.elts)
    return ""


def hard_coded_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every display call given literal text with letters in it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        if name not in DISPLAY_CALLS or (
            isinstance(owner, ast.Name) and owner.id in {"logger", "logging", "log"}
        ):
            continue
        args = [*node.args, *(k.value for k in node.keywords if k.arg in DISPLAY_KWARGS)]
        for arg in args:
            words = _literal_words(arg)
            if re.search(r"[A-Za-z\u4e00-\u9fff]", words):
                found.append((node.lineno, words))
    return found


def _own_singulars(lang: str) -> set[str]:
    """The singular forms (``…_one``) a language's catalog picks for a count of one
    (tests/unit/test_i18n.py checks them): each language has its own, English more."""
    return {code + "_one" for code in CATALOGS[lang].singular}


#: The app's strings by language: key (without the ``ui.`` prefix) -> template, without the
#: language's own singular forms.
STRINGS = {
    lang: {
        code.removeprefix(PREFIX): template
        for code, template in CATALOGS[lang].messages.items()
        if code.startswith(PREFIX) and code not in _own_singulars(lang)
    }
    for lang in ("en", "zh-Hans")
}


def test_both_languages_have_the_same_keys() -> None:
    assert set(LANGUAGES) == set(CATALOGS)  # the switch offers every catalog
    keys = {lang: set(table) for lang, table in STRINGS.items()}
    assert len(keys["en"]) > 100
    assert keys["en"] == keys["zh-Hans"], keys["en"] ^ keys["zh-Hans"]
    assert all(value.strip() for table in STRINGS.values() for value in table.values())


def test_placeholders_are_the_same_in_both_languages() -> None:
    def fields(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    for key, english in STRINGS["en"].items():
        assert fields(english) == fields(STRINGS["zh-Hans"][key]), key


def test_chinese_strings_are_chinese() -> None:
    # Short labels that are names in both languages (the app's name, the language names),
    # and "list": only a placeholder, which the catalog joins with the language's own 、.
    same = {"app_title", "lang_en", "lang_zh-Hans", "col_seq", "list"}
    for key, value in STRINGS["zh-Hans"].items():
        if key not in same and not key.startswith("kp_"):
            assert re.search(r"[\u4e00-\u9fff]", value), f"{key}: {value!r}"


def test_every_key_the_pages_use_exists() -> None:
    used: set[str] = set()
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) in {"t", "text"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.add(node.args[0].value)
    assert used, "the scan found no t() calls: it is broken"
    assert used <= set(STRINGS["en"]), used - set(STRINGS["en"])


def test_no_page_writes_english_of_its_own() -> None:
    offenders = {
        str(path.relative_to(UI)): hard_coded_strings(path.read_text(encoding="utf-8"))
        for path in UI.rglob("*.py")
    }
    assert {p: found for p, found in offenders.items() if found} == {}


def test_the_scan_catches_hard_coded_text() -> None:
    source = (
        'st.title("Hello")\ncol.button(label=f"Go {x}")\nst.caption(t("ok"))\nst.write("**")\n'
        'logger.info("not shown %s", x)\n'
    )
    assert hard_coded_strings(source) == [(1, "Hello"), (2, "Go ")]


def test_text_formats_and_falls_back() -> None:
    assert text("zh-Hans", "signed_in_as", name="小明") == "当前用户：小明"
    assert text("fr", "sign_out") == "Sign out"  # an unknown language gets English
    assert text("en", "no-such-key") == "no-such-key"


def test_the_engines_codes_are_shown_in_the_tabs_language() -> None:
    from ui.i18n import message

    params = {"text": "3//4", "hint": "answer.hint.double_slash"}
    assert (
        message("zh-Hans", "answer.unreadable", params) == "我没能读懂“3//4”——分数请写成 3/4 这样。"
    )
    assert message("en", "answer.unreadable", params) == (
        'I couldn\'t read "3//4" — write a fraction like 3/4.'
    )


@pytest.mark.parametrize(("p", "colour"), [(None, "#e0e0e0"), (0.0, "#e45756"), (1.0, "#54a24b")])
def test_mastery_colour_ends(p: float | None, colour: str) -> None:
    assert graphs.mastery_colour(p) == colour


def test_mastery_colour_gets_greener_with_mastery() -> None:
    def green_minus_red(p: float) -> int:
        c = graphs.mastery_colour(p)
        return int(c[3:5], 16) - int(c[1:3], 16)

    values = [green_minus_red(p / 10) for p in range(11)]
    assert values == sorted(values) and values[0] < 0 < values[-1]


def test_neighbourhood_graph_colours_prerequisites_and_dependents() -> None:
    dot = graphs.neighbourhood_graph(
        "m", {"p": "P", "m": "M", "d": "D"}, [("p", "m"), ("m", "d")], ["p"], ["d"]
    )
    lines = {line.split()[0]: line for line in dot.splitlines() if "[" in line}
    assert "#9ecae9" in lines['"p"'] and "#ffbf79" in lines['"d"'] and "#f58518" in lines['"m"']


@pytest.mark.parametrize(
    "sample", ["Add 3/4 and 1/6:  the answer is 11/12.", "先通分：3/4 = 9/12。", ""]
)
def test_streamed_pieces_join_to_the_checked_text(sample: str) -> None:
    from ui.state import words

    pieces = list(words(sample))
    assert "".join(pieces) == sample  # nothing added or lost on the way to the page
    if "先" in sample:
        assert "先" in pieces and "通" in pieces  # Chinese streams character by character
    else:
        assert all(p.count(" ") <= 1 or not p.strip() for p in pieces)
