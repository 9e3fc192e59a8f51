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

    from tutor.access import TeacherAPI
    from tutor.service import ClassReport


#: Height of one point's row in the heatmaps (px): a full name fits on it.
ROW_PX = 24
#: On a phone a heatmap keeps its cells and scrolls sideways inside its own box.
_PHONE_CHART_CSS = (
    "<style>@media (max-width: 640px) {"
    '[data-testid="stVegaLiteChart"]{overflow-x:auto!important;max-width:100%!important}'
    "}</style>"
)
#: Width of one student's column in the heatmaps (px).
CELL_PX = 30
#: A cell with no answer of the student: light grey, dashed, with a dash in it; never a
#: colour of the mastery scale (a point never tried is not a weak point).
NOT_TRIED_FILL = "#f4f4f4"


def _axis_full_names() -> alt.Axis:
    """A points axis that shows every name whole: never cut ("Multiplication Fa…"), never
    thinned out to every other row."""
    import altair as alt

    return alt.Axis(
        labelLimit=0, labelOverlap=False, labelFlush=False, labelFontSize=12, title=None
    )


def heatmap(
    report: ClassReport,
    values: dict[str, dict[str, float]],
    names: dict[str, str],
) -> alt.Chart:
    """Knowledge points (rows, curriculum order, full names) × students (columns) coloured
    by ``values``; a cell where the student never answered the point is not coloured but
    drawn apart (grey, dashed, "–") and says "not tried" on hover."""
    import altair as alt
    import pandas as pd

    kp, student, value, status = t("col_kp"), t("col_student"), t("col_mastery"), t("col_status")
    rows = []
    for sid in report.students:
        for point in report.kps:
            tried = bool(report.answers.get(sid, {}).get(point))
            p = values.get(sid, {}).get(point)
            if p is None and tried:
                continue
            rows.append(
                {
                    student: sid,
                    kp: names[point],
                    value: p if tried else None,
                    status: t("cell_tried", n=report.answers[sid][point])
                    if tried
                    else t("cell_not_tried"),
                }
            )
    frame = pd.DataFrame(rows)
    y = alt.Y(
        f"{kp}:N",
        sort=[names[point] for point in report.kps],
        axis=_axis_full_names(),
    )
    x = alt.X(f"{student}:N", sort=list(report.students), axis=alt.Axis(orient="top"))
    base = alt.Chart(frame).encode(x=x, y=y)
    tried_cells = (
        base.transform_filter(f"datum['{value}'] != null")
        .mark_rect()
        .encode(
            color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1])),
            tooltip=[student, kp, alt.Tooltip(value, format=".0%"), status],
        )
    )
    untried = base.transform_filter(f"datum['{value}'] == null")
    blank = untried.mark_rect(
        fill=NOT_TRIED_FILL, stroke="#9e9e9e", strokeDash=[2, 2], strokeWidth=0.6
    ).encode(tooltip=[student, kp, status])
    dash = untried.mark_text(text="–", color="#9e9e9e").encode(tooltip=[student, kp, status])
    chart: alt.Chart = (tried_cells + blank + dash).properties(
        # A fixed cell size, so a cell stays a cell at any screen width (a phone scrolls
        # the chart sideways instead of squeezing the cells away behind the names).
        height=ROW_PX * max(1, len(report.kps)),
        width=alt.Step(CELL_PX),
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
            y=alt.Y(f"{t('col_kp')}:N", sort=None, axis=_axis_full_names()),
            color=alt.Color(
                f"{t('col_mean_mastery')}:Q",
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=None,
            ),
            tooltip=[
                t("col_kp"),
                alt.Tooltip(t("col_mean_mastery"), format=".0%"),
                t("col_students"),
            ],
        )
        .properties(height=ROW_PX * max(1, len(report.weakest)))
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


def _class_goal(api: TeacherAPI, class_id: str, report: ClassReport) -> None:
    """The class's current goal, a selector that starts on it, and a change only after
    the teacher confirms it (it changes every student's path)."""
    st.subheader(t("class_goal"))
    current = report.class_goal()
    if current is None:
        st.caption(t("class_goal_none"))
    else:
        having = sum(1 for g in report.goals.values() if g == current)
        st.markdown(
            t("class_goal_now", kp=state.kp_name(current), n=having, total=len(report.goals))
        )
    asking = state.USER_PREFIX + "class_goal_pending:" + class_id
    done = state.user_state("class_goal_done")
    if done and done[0] == class_id:
        st.success(t("goal_set_class", kp=state.kp_name(done[1]), class_id=class_id))
        state.clear_user_state("class_goal_done")
    pending = st.session_state.get(asking)
    if pending is None:
        with st.form(state.USER_PREFIX + "class_goal_form:" + class_id):
            # Keyed by class: the selector starts on each class's own goal.
            goal = widgets.pick_goal(
                key=state.USER_PREFIX + "class_goal:" + class_id, default=current
            )
            if st.form_submit_button(t("set_class_goal")):
                if goal == current and having_all(report, goal):
                    st.info(t("class_goal_same", kp=state.kp_name(goal)))
                else:
                    st.session_state[asking] = goal
                    st.rerun()
        return
    st.warning(
        t(
            "class_goal_confirm",
            kp=state.kp_name(pending),
            n=len(report.goals),
            class_id=class_id,
            now=state.kp_name(current) if current else t("none"),
        )
    )
    yes, no = st.columns(2)
    if yes.button(t("class_goal_yes"), type="primary", key=asking + ":yes"):
        try:
            api.set_class_goal(class_id, pending)
        except TutorError as exc:
            state.show_error(exc)
            return
        st.session_state.pop(asking, None)
        # The selector starts on the new goal.
        st.session_state.pop(state.USER_PREFIX + "class_goal:" + class_id, None)
        state.set_user_state("class_goal_done", (class_id, pending))
        st.rerun()
    elif no.button(t("class_goal_no"), key=asking + ":no"):
        st.session_state.pop(asking, None)
        st.rerun()


def having_all(report: ClassReport, goal: str) -> bool:
    """Whether every student of the class already has ``goal``."""
    return all(g == goal for g in report.goals.values())


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
    cols = st.columns(4)
    cols[0].metric(t("metric_students"), len(report.students))
    cols[1].metric(t("metric_points"), len(report.kps))
    cols[2].metric(t("metric_need_help"), len(report.needs_help))
    cols[3].metric(t("metric_not_tried"), report.not_tried())

    st.subheader(t("needs_help"))
    if not report.needs_help:
        st.caption(t("nobody_needs_help"))
    for student_id, reason, reason_zh in report.needs_help:
        st.warning(
            t("needs_help_line", student=student_id, reason=reason_zh if state.zh() else reason)
        )

    st.subheader(t("heatmap"))
    if report.kps and report.students:
        st.caption(
            t(
                "heatmap_legend",
                n=report.not_tried(),
                total=len(report.kps) * len(report.students),
            )
        )
        st.markdown(_PHONE_CHART_CSS, unsafe_allow_html=True)
        st.altair_chart(heatmap(report, report.mastery, names), width="content")
    else:
        st.caption(t("no_attempts"))

    # One below the other: each gets the page's width, so the points' full names fit.
    st.subheader(t("weakest"))
    if report.weakest:
        st.caption(t("weakest_help"))
        st.altair_chart(weakest_chart(report, names), width="stretch")
    else:
        st.caption(t("no_attempts"))
    st.subheader(t("top_misconceptions"))
    _misconceptions(report)

    if report.cdm:
        with st.expander(t("cdm_title")):
            st.caption(t("cdm_help"))
            st.markdown(t("cdm_vs_mastery", recent=report.cdm_recent))
            st.altair_chart(heatmap(report, report.cdm, names), width="content")

    _class_goal(api, group.id, report)

    st.download_button(
        t("export_csv"),
        data=api.export_class_csv(group.id),
        file_name=f"{group.id}-attempts.csv",
        mime="text/csv",
        key=state.USER_PREFIX + "export",
    )


render()
