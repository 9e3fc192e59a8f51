"""Widgets more than one page uses: picking a class, a student, a knowledge point;
:func:`plain`, which every page uses to echo what a person typed (:func:`table_text` in a
table's cell); and :func:`maths`, which shows the tutor's own text (items, steps, hints)
with its maths typeset."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import streamlit as st

from tutor.mathtext import code_span, escape_markdown, to_markdown
from ui import state
from ui.state import t

if TYPE_CHECKING:
    from tutor.access import TeacherAPI
    from tutor.domain import ClassGroup, KnowledgePoint, Student


def pick_class(api: TeacherAPI, *, key: str = "class") -> ClassGroup | None:
    """A select box of the teacher's own classes (None, with a note, when there are none)."""
    classes = api.classes()
    if not classes:
        st.info(t("no_classes"))
        return None
    chosen: ClassGroup = st.selectbox(
        t("class"),
        classes,
        format_func=lambda c: f"{c.name} ({c.id})",
        key=state.USER_PREFIX + key,
    )
    return chosen


def pick_student(api: TeacherAPI, class_id: str, *, key: str = "student") -> Student | None:
    """A select box of one class's students."""
    students = api.students(class_id)
    if not students:
        st.info(t("no_students"))
        return None
    chosen: Student = st.selectbox(
        t("student"),
        students,
        format_func=lambda s: f"{s.name} ({s.id})",
        key=state.USER_PREFIX + key,
    )
    return chosen


def practisable_points() -> list[KnowledgePoint]:
    """The knowledge points items can be made for (so a goal can be practised), by grade."""
    return state.catalog().practisable_points()


def kp_label(kp: KnowledgePoint) -> str:
    """A point's name in the tab's language, with its grade and id."""
    name = (kp.name_zh or kp.name) if state.zh() else kp.name
    return t("kp_label", name=name, grade=kp.grade or "?", id=kp.id)


def pick_goal(*, key: str, default: str | None = None) -> str:
    """A select box over the practisable points; returns the chosen id."""
    points = practisable_points()
    ids = [kp.id for kp in points]
    by_id = {kp.id: kp for kp in points}
    index = ids.index(default) if default in by_id else 0
    # Labels made now, in this run's language: a format_func must not read session state
    # later (AppTest calls it outside the run).
    labels = {kp.id: kp_label(kp) for kp in points}
    chosen: str = st.selectbox(t("goal"), ids, index=index, format_func=labels.__getitem__, key=key)
    return chosen


def plain(text: object) -> str:
    """What a student or teacher typed, made safe to put into Markdown: shown as the very
    characters typed — no link, no maths, no emphasis, no HTML, no colour directive (an
    inline code span where Markdown could read anything, see
    :func:`tutor.mathtext.code_span`). Use it wherever text a person entered (answers,
    names) is echoed inside ``st.markdown``, ``st.caption``, ``st.info`` and the like."""
    return code_span(str(text))


def maths(text: str, *, prefix: str = "", suffix: str = "") -> None:
    """Show the tutor's text (a problem, a worked step, a hint) with its maths typeset by
    KaTeX ("2/12 + 6/12" as two fractions) and the rest as written; a screen reader gets
    each formula's plain form (see :func:`tutor.mathtext.to_markdown`). ``prefix`` is
    Markdown of the page's own put before it (a bold "Step 1."), ``suffix`` after it. Never
    for what a person typed: that is :func:`plain`'s."""
    st.markdown(prefix + to_markdown(text, accessible=True) + suffix, unsafe_allow_html=True)


def label_text(text: str) -> str:
    """The tutor's text for a widget label (an expander's title), shown as written: a label
    takes no HTML, so a formula there could not carry its plain form for a screen reader;
    the page typesets it with :func:`maths` where the label opens. (A "$" of money would
    start a formula in a label: escaped.)"""
    return escape_markdown(text)


#: ASCII punctuation: CommonMark lets a backslash escape any of it.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def table_text(text: str) -> str:
    """Text for a cell of ``st.table``, which draws every cell as Markdown, shown as
    written: each ASCII punctuation mark backslash-escaped (an answer "- 5" stays a minus,
    not a bullet; "2*3*4" keeps its stars; "# 7" is no heading) and each run of white space
    one space (four leading spaces would start a code block)."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))
