"""Widgets more than one page uses: picking a class, a student, a knowledge point."""

from __future__ import annotations

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
