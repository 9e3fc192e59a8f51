"""Widgets more than one page uses: picking a class, a student, a knowledge point; and
:func:`plain`, which every page uses to echo what a person typed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import streamlit as st

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


#: Markdown's syntax characters are all ASCII punctuation.
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def plain(text: object) -> str:
    """What a student or teacher typed, made safe to put into Markdown: shown as the very
    characters typed — no link (``[win](http://e.vil)``, a bare ``http://…``), no maths
    (``$\\frac12$``), no emphasis, no HTML, no colour directive (``:red[…]``).

    The text becomes an inline code span, fenced with more backticks than it holds: inside
    one, Markdown interprets nothing (backslash escapes would not do: Streamlit links a bare
    URL even when its characters are escaped); text with no ASCII punctuation at all, which
    no Markdown construct can come from, stays as it is. Line breaks become spaces. Use it wherever
    text a person entered (answers, names) is echoed inside ``st.markdown``,
    ``st.caption``, ``st.info`` and the like.
    """
    one_line = " ".join(str(text).splitlines())
    if not _ASCII_PUNCTUATION.search(one_line):
        # Every Markdown construct needs ASCII punctuation: "Li Wei 李伟" can stay as it is.
        return one_line
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    # A span that starts or ends with a backtick (or is blank) needs a space inside the
    # fence; CommonMark strips exactly that one space again.
    pad = " " if one_line[:1] == "`" or one_line[-1:] == "`" or not one_line.strip() else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"
