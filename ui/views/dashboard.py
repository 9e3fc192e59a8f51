"""Class dashboard (teachers): a students × knowledge points mastery heatmap, the weakest
points, the most frequent misconceptions with example wrong answers, who needs help now
and why, the class goal, and the attempts as CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import state, widgets
from ui.state import t

if TYPE_CHECKING:
    import altair as alt

    from tutor.service import ClassReport


def heatmap(
    students: list[str],
    kps: list[str],
    values: dict[str, dict[str, float]],
    names: dict[str, str],
) -> alt.Chart:
    """Students (rows) × knowledge points (columns, curriculum order) coloured by mastery."""
    import altair as alt
    import pandas as pd

    rows = [
        {
            t("col_student"): student,
            t("col_kp"): names[kp],
            t("col_mastery"): values.get(student, {}).get(kp),
        }
        for student in students
        for kp in kps
    ]
    frame = pd.DataFrame(rows).dropna()
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X(f"{t('col_kp')}:N", sort=[names[kp] for kp in kps]),
            y=alt.Y(f"{t('col_student')}:N", sort=list(students)),
            color=alt.Color(
                f"{t('col_mastery')}:Q",
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
            ),
            tooltip=[t("col_student"), t("col_kp"), alt.Tooltip(t("col_mastery"), format=".0%")],
        )
    )
    return chart


def weakest_chart(report: ClassReport, names: dict[str, str]) -> alt.Chart:
    """The weakest points as bars (mean mastery), lowest first."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(
        [
            {t("col_kp"): names[kp], t("col_mean_mastery"): mean, t("col_students"): n}
            for kp, mean, n in report.weakest
        ]
    )
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{t('col_mean_mastery')}:Q", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y(f"{t('col_kp')}:N", sort=None),
            color=alt.Color(
                f"{t('col_mean_mastery')}:Q",
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=None,
            ),
            tooltip=[t("col_kp"), t("col_mean_mastery"), t("col_students")],
        )
    )
    return chart


def _misconceptions(report: ClassReport) -> None:
    if not report.misconceptions:
        st.caption(t("no_misconceptions"))
        return
    for mc_id, count, examples in report.misconceptions:
        try:
            mc = state.catalog().misconception(mc_id)
            description = (mc.description_zh or mc.description) if state.zh() else mc.description
        except TutorError:
            description = mc_id
        shown = t("list", items=[widgets.plain(e) for e in examples[:5]])
        st.markdown(t("misconception_line", description=description, count=count, examples=shown))


def render() -> None:
    """The dashboard of one of the signed-in teacher's classes."""
    api = state.require_teacher()
    st.title(t("page_dashboard"))
    group = widgets.pick_class(api)
    if group is None:
        return
    try:
        report = api.class_report(group.id)
    except TutorError as exc:
        state.show_error(exc)
        return
    names = {kp: state.kp_name(kp) for kp in report.kps}
    names.update({kp: state.kp_name(kp) for kp, _, _ in report.weakest})
    cols = st.columns(3)
    cols[0].metric(t("metric_students"), len(report.students))
    cols[1].metric(t("metric_points"), len(report.kps))
    cols[2].metric(t("metric_need_help"), len(report.needs_help))

    st.subheader(t("needs_help"))
    if not report.needs_help:
        st.caption(t("nobody_needs_help"))
    for student_id, reason, reason_zh in report.needs_help:
        st.warning(f"**{student_id}** — {reason_zh if state.zh() else reason}")

    st.subheader(t("heatmap"))
    if report.kps and report.students:
        st.altair_chart(
            heatmap(report.students, report.kps, report.mastery, names), width="stretch"
        )
    else:
        st.caption(t("no_attempts"))

    left, right = st.columns(2)
    with left:
        st.subheader(t("weakest"))
        if report.weakest:
            st.altair_chart(weakest_chart(report, names), width="stretch")
        else:
            st.caption(t("no_attempts"))
    with right:
        st.subheader(t("top_misconceptions"))
        _misconceptions(report)

    if report.cdm:
        with st.expander(t("cdm_title")):
            st.caption(t("cdm_help"))
            st.altair_chart(
                heatmap(report.students, report.kps, report.cdm, names), width="stretch"
            )

    st.subheader(t("class_goal"))
    with st.form(state.USER_PREFIX + "class_goal_form"):
        goal = widgets.pick_goal(key=state.USER_PREFIX + "class_goal")
        if st.form_submit_button(t("set_class_goal")):
            try:
                api.set_class_goal(group.id, goal)
            except TutorError as exc:
                state.show_error(exc)
            else:
                st.success(t("goal_set_class", kp=state.kp_name(goal), class_id=group.id))

    st.download_button(
        t("export_csv"),
        data=api.export_class_csv(group.id),
        file_name=f"{group.id}-attempts.csv",
        mime="text/csv",
        key=state.USER_PREFIX + "export",
    )


render()
