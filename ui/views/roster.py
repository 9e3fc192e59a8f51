"""Roster (teachers): create a class, add a student, or upload a CSV roster — checked as a
whole first, with a report of every bad row, and nothing written unless all rows are good."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import state, widgets
from ui.state import t

if TYPE_CHECKING:
    from tutor.access import RosterReport, TeacherAPI

#: Besides letters and digits, what an id may hold: the roster's rule (tutor.roster), which
#: the forms' labels state.
ID_PUNCTUATION = "-_."
#: Largest roster file read (a class list is a few kB; this refuses a wrong file early,
#: before decoding it; the engine checks the same limit on the text).
MAX_ROSTER_BYTES = 1_000_000


def _create_class(api: TeacherAPI) -> None:
    with st.form(state.USER_PREFIX + "create_class_form", clear_on_submit=True):
        st.subheader(t("create_class"))
        class_id = st.text_input(t("class_id"), key=state.USER_PREFIX + "new_class_id")
        name = st.text_input(t("class_name"), key=state.USER_PREFIX + "new_class_name")
        if st.form_submit_button(t("create")):
            if not all(ch.isalnum() or ch in ID_PUNCTUATION for ch in class_id.strip()):
                st.error(t("class_id_characters"))  # what the label says an id may hold
                return
            try:
                api.create_class(class_id.strip(), name.strip())
            except TutorError as exc:
                state.show_error(exc)
            else:
                st.success(t("class_created", class_id=class_id.strip()))


def _add_student(api: TeacherAPI, class_id: str) -> None:
    with st.form(state.USER_PREFIX + "add_student_form", clear_on_submit=True):
        st.subheader(t("add_student"))
        student_id = st.text_input(t("student_id"), key=state.USER_PREFIX + "new_student_id")
        name = st.text_input(t("student_name"), key=state.USER_PREFIX + "new_student_name")
        password = st.text_input(
            t("password"),
            type="password",
            help=t("password_rules"),
            key=state.USER_PREFIX + "new_student_password",
        )
        if st.form_submit_button(t("add")):
            _add_one(api, class_id, student_id, name, password)


def _add_one(api: TeacherAPI, class_id: str, student_id: str, name: str, password: str) -> None:
    """One student, checked by the roster's rules (a one-row roster): the same id rule the
    label states, an empty password called empty, each problem in the page's language."""
    rows = io.StringIO()
    csv.writer(rows).writerows([("student_id", "name", "password"), (student_id, name, password)])
    try:
        report = api.import_roster(class_id, rows.getvalue())
    except TutorError as exc:
        state.show_error(exc)
        return
    if report.ok:
        st.success(t("student_added", student_id=student_id.strip(), class_id=class_id))
        return
    fields = {"student_id": t("student_id"), "name": t("student_name"), "password": t("password")}
    for problem in report.problems:
        reason = problem.reason_zh if state.zh() else problem.reason
        st.error(
            t("field_problem", field=fields.get(problem.column, problem.column), reason=reason)
        )


def _upload(api: TeacherAPI, class_id: str) -> None:
    st.subheader(t("upload_roster"))
    st.caption(t("roster_format"))
    upload = st.file_uploader(
        t("roster_file"), type=["csv"], key=state.USER_PREFIX + "roster_upload"
    )
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > MAX_ROSTER_BYTES:
        st.error(t("roster_too_big"))
        return
    try:
        csv_text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        st.error(t("roster_not_utf8"))
        return
    if not st.button(t("import_roster"), type="primary", key=state.USER_PREFIX + "import"):
        return
    try:
        report = api.import_roster(class_id, csv_text)
    except TutorError as exc:
        state.show_error(exc)
        return
    show_report(report)


def show_report(report: RosterReport) -> None:
    """A roster report: how many were added, or every bad row (and that nothing was)."""
    import pandas as pd

    if report.ok:
        n = len(report.added)
        st.success(t("roster_imported", n=n))
        return
    bad = len({p.line for p in report.problems})
    st.error(t("roster_rejected", n=bad))
    rows = [
        {
            t("col_line"): p.line,
            t("col_column"): p.column,
            t("col_reason"): p.reason_zh if state.zh() else p.reason,
        }
        for p in report.problems
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render() -> None:
    """The roster tools for the signed-in teacher's classes."""
    api = state.require_teacher()
    st.title(t("page_roster"))
    _create_class(api)
    group = widgets.pick_class(api, key="roster_class")
    if group is None:
        return
    students = api.students(group.id)
    st.caption(t("roster_size", n=len(students), class_id=group.id))
    if students:
        st.markdown(t("list", items=[f"{widgets.plain(s.name)} (`{s.id}`)" for s in students]))
    _add_student(api, group.id)
    _upload(api, group.id)


render()
