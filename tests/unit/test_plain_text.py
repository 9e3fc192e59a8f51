"""``ui.widgets.plain`` and ``table_text``: what a person typed is echoed as the characters
typed, never as Markdown (checked with a CommonMark parser here; in Chromium by
tests/e2e/test_sessions.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.unit.test_app import drawn
from ui.widgets import plain, table_text


@pytest.mark.parametrize(
    "typed",
    [
        "[win](http://e.vil)",
        r"$\frac12$",
        "http://e.vil",
        "**bold** _it_ <b>x</b> :red[colour]",
        "a`b",
        "`x`",
        "``double`` ticks",
        "3/4",
    ],
)
def test_typed_text_is_one_literal_code_span(typed: str) -> None:
    tokens = MarkdownIt("commonmark").parseInline(f"you wrote {plain(typed)}!")
    children = tokens[0].children or []
    assert [c.type for c in children] == ["text", "code_inline", "text"]
    assert children[1].content == typed


def test_line_breaks_become_spaces() -> None:
    assert plain("one\ntwo\r\nthree") == "one two three"
    assert plain("a.\nb") == "`a. b`"


def test_text_without_ascii_punctuation_stays_as_it_is() -> None:
    for name in ("Li Wei 李伟", "Ann", "张三，好！"):
        assert plain(name) == name
        tokens = MarkdownIt("commonmark").parseInline(plain(name))
        assert [c.type for c in tokens[0].children or []] == ["text"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_a_table_cell_shows_any_text_as_typed(typed: str) -> None:
    # st.table draws each cell as Markdown; read as CommonMark, the cell is the text typed
    # (white space runs as one space, as HTML shows them anyway).
    assert drawn(table_text(typed)) == " ".join(typed.split())


@pytest.mark.parametrize("typed", ["2*3*4", "- 5", "5.", "# 7", "_x_", "<b>x</b>", "&amp;"])
def test_markdown_marks_in_a_table_cell_are_not_read(typed: str) -> None:
    assert drawn(typed) != typed  # what the cell showed before
    assert drawn(table_text(typed)) == typed
