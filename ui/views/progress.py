"""My path (students): the learning path and why, a map of the student's part of the graph
coloured by mastery, and the latest answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import graphs, state
from ui.state import t
from ui.widgets import plain

if TYPE_CHECKING:
    from tutor.domain import MasteryState

#: The map shows at most this many points (the path first), so it stays readable.
MAP_LIMIT = 30


def student_map(
    path: list[str], mastery: dict[str, MasteryState], goal: str | None, focus: str | None
) -> str:
    """DOT for the student's part of the graph: the path to the goal and the points with
    evidence, each filled by its mastery, with the prerequisite arrows between them."""
    kps: list[str] = []
    for kp in [*path, *(goal,), *sorted(mastery, key=lambda k: -mastery[k].attempts)]:
        if kp and kp not in kps:
            kps.append(kp)
    kps = kps[:MAP_LIMIT]
    edges = state.catalog().prerequisite_edges(kps)
    labels = {kp: state.kp_name(kp) for kp in kps}
    return graphs.mastery_graph(
        labels, edges, {kp: s.p for kp, s in mastery.items()}, focus=focus, goal=goal
    )


def render() -> None:
    """The signed-in student's path, map and recent answers."""
    api = state.require_student()
    st.title(t("page_progress"))
    me = api.me
    if me.goal is None:
        st.info(t("no_goal"))
    else:
        st.markdown(t("your_goal", goal=state.kp_name(me.goal)))
    try:
        stored = api.path()
        mastery = api.mastery()
        attempts = api.attempts(limit=10)
    except TutorError as exc:
        state.show_error(exc)
        return
    st.subheader(t("your_path"))
    if stored is None or not stored.kps:
        st.caption(t("path_empty"))
        path: list[str] = []
        focus = None
    else:
        path = list(stored.kps)
        focus = stored.next_kp
        st.info(stored.reason_zh if state.zh() and stored.reason_zh else stored.reason)
        if stored.diagnosed_gap:
            st.warning(t("path_gap", kp=state.kp_name(stored.diagnosed_gap)))
        st.markdown(
            " → ".join(
                f"**{state.kp_name(kp)}**" if kp == focus else state.kp_name(kp) for kp in path
            )
        )
    st.subheader(t("your_map"))
    st.caption(t("map_legend"))
    if path or mastery:
        st.graphviz_chart(student_map(path, mastery, me.goal, focus))
    else:
        st.caption(t("map_empty"))
    st.subheader(t("recent_answers"))
    if not attempts:
        st.caption(t("no_attempts"))
    for attempt in reversed(attempts):
        mark = "✅" if attempt.correct else "❌"
        st.markdown(f"{mark} {state.kp_name(attempt.kp)} — {plain(attempt.answer)}")


render()
