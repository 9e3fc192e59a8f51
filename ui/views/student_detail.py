"""Student drill-down (teachers): one student's answers, mastery, path (with why), and
their goal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import state, widgets
from ui.state import t

if TYPE_CHECKING:
    from tutor.access import TeacherAPI
    from tutor.domain import Attempt, Student


#: The drill-down lists this many of the latest answers (newest first).
LATEST = 30


def _misconception(mc_id: str | None) -> str:
    """A misconception's description in the tab's language."""
    if mc_id is None:
        return ""
    try:
        mc = state.catalog().misconception(mc_id)
    except TutorError:
        return mc_id
    # Whole: the table wraps it (a cut "Multiplication Fa…" told the teacher nothing).
    return (mc.description_zh or mc.description) if state.zh() else mc.description


def _question(item_id: str) -> str:
    """The question of an attempt in the tab's language (its id when it cannot be made
    again, e.g. an answer imported from elsewhere)."""
    try:
        item = state.catalog().item(item_id)
    except TutorError:
        return item_id
    # The whole question, as the student read it (the table wraps long ones).
    return (item.prompt_zh or item.prompt) if state.zh() else item.prompt


def _when(at: float) -> str:
    """When an answer was given, as the teacher's clock reads (to the minute)."""
    import datetime as dt

    return dt.datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M")


def _second_try(a: Attempt) -> str:
    """The second try of a tutoring turn and its verdict (empty when there was none)."""
    if a.retry_answer is None:
        return ""
    return t("second_try_cell", answer=a.retry_answer, verdict=t(f"status_{a.retry_status}"))


def _attempts_table(attempts: list[Attempt]) -> None:
    import pandas as pd

    rows = [
        {
            t("col_seq"): a.seq,
            t("col_when"): _when(a.at),
            t("col_kp"): state.kp_name(a.kp),
            t("col_question"): _question(a.item_id),
            t("col_answer"): a.answer,
            t("col_result"): t(f"status_{a.status}"),
            t("col_misconception"): _misconception(a.misconception),
            t("col_hints"): len(a.hints),
            t("col_second_try"): _second_try(a),
            t("col_solution"): t("yes") if a.solution_shown else "",
        }
        for a in attempts
    ]
    # A static table (not the canvas grid): a few dozen rows, readable, searchable with
    # the browser's find; the whole log is in the class CSV export. Streamlit draws each
    # cell as Markdown: an answer typed "2*3*4" showed as 2, an italic 3, 4.
    table = pd.DataFrame(rows).set_index(t("col_seq"))
    table = table.map(lambda cell: widgets.table_text(cell) if isinstance(cell, str) else cell)
    st.markdown(_short_columns_css(list(table.columns)), unsafe_allow_html=True)
    st.table(table)


def _short_columns_css(columns: list[str]) -> str:
    """CSS keeping the short columns' words (time, result, hints, solution shown) on one
    line, and every header's Chinese words whole: the browser may break Chinese between any
    two characters, and squeezed "正确" and "答案" to one character a line. Cells are counted
    from the row's end, so the rule holds whether or not the table draws its index
    column."""
    short = {t("col_when"), t("col_result"), t("col_hints"), t("col_solution")}
    cells = ",".join(
        f'[data-testid="stTable"] tr > :nth-last-child({len(columns) - i}) p'
        for i, column in enumerate(columns)
        if column in short
    )
    # (!important: Streamlit's own rule for a paragraph in a table cell is more specific.)
    headers = '[data-testid="stTable"] thead p'
    return (
        f"<style>{cells} {{white-space: nowrap !important}} "
        f"{headers} {{word-break: keep-all !important}}</style>"
    )


def _mastery_chart(mastery: dict[str, float]) -> None:
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(
        [{t("col_kp"): state.kp_name(kp), t("col_mastery"): p} for kp, p in mastery.items()]
    ).sort_values(t("col_mastery"))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{t('col_mastery')}:Q", scale=alt.Scale(domain=[0, 1])),
            # Whole names (never "Halves, Thirds an…"), one a row.
            y=alt.Y(
                f"{t('col_kp')}:N",
                sort=None,
                axis=alt.Axis(labelLimit=0, labelOverlap=False, labelFlush=False, title=None),
            ),
            color=alt.Color(
                f"{t('col_mastery')}:Q",
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=None,
            ),
        )
        .properties(height=24 * len(frame))
    )
    st.altair_chart(chart, width="stretch")


#: The words of asking for a knowledge check: a re-check, or a first one for a student who
#: already practises and never had one.
_RECHECK = {
    "ask": "placement_recheck",
    "confirm": "placement_recheck_confirm",
    "yes": "placement_recheck_yes",
    "done": "placement_recheck_done",
    "requested": "placement_requested",
}
_FIRST_CHECK = {
    "ask": "placement_first",
    "confirm": "placement_first_confirm",
    "yes": "placement_first_yes",
    "done": "placement_first_done",
    "requested": "placement_first_requested",
}


def _placement(api: TeacherAPI, student: Student, answered: int) -> None:
    """The student's knowledge check (its summary, when, where practice starts), the flag
    when they are stuck on a point, and a re-check the teacher can ask for (confirmed).
    ``answered``: how many answers the student has (a check starts on its own only for a
    student with none)."""
    import datetime

    try:
        placed = api.placement(student.id)
        pending = api.needs_placement(student.id)
        stuck = api.student_needs_help(student.id)
    except TutorError as exc:
        state.show_error(exc)
        return
    if stuck:
        names = t("list", items=[state.kp_name(kp) for kp in stuck])
        st.warning(t("stuck_flag", name=student.name, points=names))
    st.subheader(t("placement_teacher"))
    if placed is None and not answered:
        # A student with no answers gets the check when they first practise: nothing to ask.
        st.caption(t("placement_none"))
        return
    if placed is None:
        # One who already practises never gets a check on their own (issue 16): say so,
        # and that the teacher can ask for one.
        if not pending:
            st.caption(t("placement_none_history", name=widgets.plain(student.name), n=answered))
    else:
        # The student's own summary says "you"; the teacher reads the same facts plainly.
        when = datetime.datetime.fromtimestamp(placed.finished_at).strftime("%Y-%m-%d %H:%M")
        total = len(placed.known) + len(placed.not_known)
        known, n = len(placed.known), placed.items_used
        st.info(t("placement_when", when=when, n=n, known=known, total=total))
        if placed.frontier:
            names = t("list", items=[state.kp_name(kp) for kp in placed.frontier])
            st.caption(t("placement_starts_at", names=names))
    # A student who never had a check is asked for a first one, not a "re-check".
    words = _FIRST_CHECK if placed is None else _RECHECK
    if state.user_state("recheck_done") == student.id:
        st.success(t(words["done"], name=student.name))
    if pending:
        st.caption(t(words["requested"], name=student.name))
        return
    asking = state.USER_PREFIX + "recheck:" + student.id
    if not st.session_state.get(asking):
        if st.button(t(words["ask"]), key=state.USER_PREFIX + "recheck_button"):
            st.session_state[asking] = True
            st.rerun()
        return
    st.warning(t(words["confirm"], name=student.name))
    yes, no = st.columns(2)
    if yes.button(t(words["yes"]), type="primary", key=state.USER_PREFIX + "recheck_yes"):
        try:
            api.request_placement(student.id)
        except TutorError as exc:
            state.show_error(exc)
            return
        st.session_state.pop(asking, None)
        state.set_user_state("recheck_done", student.id)
        st.rerun()
    elif no.button(t("placement_recheck_no"), key=state.USER_PREFIX + "recheck_no"):
        st.session_state.pop(asking, None)
        st.rerun()


def render() -> None:
    """Pick one of the teacher's students and show everything about their practice."""
    api = state.require_teacher()
    st.title(t("page_student"))
    group = widgets.pick_class(api, key="detail_class")
    if group is None:
        return
    student = widgets.pick_student(api, group.id)
    if student is None:
        return
    try:
        attempts = api.student_attempts(student.id)
        mastery = api.student_mastery(student.id)
        stored = api.student_path(student.id)
    except TutorError as exc:
        state.show_error(exc)
        return
    st.markdown(
        t(
            "student_summary",
            name=widgets.plain(student.name),
            goal=state.kp_name(student.goal) if student.goal else t("none"),
            n=len(attempts),
            correct=sum(a.correct for a in attempts),
        )
    )
    _placement(api, student, len(attempts))
    st.subheader(t("path"))
    if stored is None or not stored.kps:
        st.caption(t("path_empty"))
    else:
        # The reason is worded for the student ("you"): say so on the teacher's page.
        st.caption(t("path_reason_teacher", name=widgets.plain(student.name)))
        st.info(stored.reason_zh if state.zh() and stored.reason_zh else stored.reason)
        if stored.diagnosed_gap:
            st.warning(t("path_gap_teacher", kp=state.kp_name(stored.diagnosed_gap)))
        st.markdown(" → ".join(state.kp_name(kp) for kp in stored.kps))
    st.subheader(t("attempts"))
    if attempts:
        _attempts_table(list(reversed(attempts[-LATEST:])))
    else:
        st.caption(t("no_attempts"))
    practised = {kp: s.p for kp, s in mastery.items() if s.attempts}
    if practised:  # (a placement alone sets mastery without answers on the points)
        st.subheader(t("mastery"))
        _mastery_chart(practised)
    with st.form(state.USER_PREFIX + "student_goal_form"):
        # One key per student: a shared key would keep the last student's choice, so the
        # box would not start on this student's goal.
        goal = widgets.pick_goal(
            key=f"{state.USER_PREFIX}student_goal:{student.id}", default=student.goal
        )
        if st.form_submit_button(t("set_student_goal")):
            try:
                api.set_goal(student.id, goal)
            except TutorError as exc:
                state.show_error(exc)
            else:
                st.success(
                    t("goal_set_student", kp=state.kp_name(goal), name=widgets.plain(student.name))
                )


render()
