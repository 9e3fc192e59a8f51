"""My path (students): the learning path as numbered steps (readable at any width, phone
included), a map of the way to the goal coloured by mastery, and the latest answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import graphs, state
from ui.state import t
from ui.widgets import plain

if TYPE_CHECKING:
    from tutor.domain import MasteryState

#: Points the map adds to the path: the latest mastered ones of the way (green), so a
#: student sees what they have done; the path's own points are always all drawn.
KNOWN_ON_MAP = 4


#: On a phone the map keeps its natural size and scrolls sideways (shrunk to 390 px its
#: words would be 6–7 px again; the numbered steps are the phone's reading view); on a
#: desktop column it is at most shrunk a little.
_PHONE_MAP_CSS = (
    "<style>@media (max-width: 640px) {"
    '[data-testid="stGraphVizChart"]{display:block!important;overflow-x:auto}'
    '[data-testid="stGraphVizChart"] svg{display:block;max-width:none!important;height:auto}'
    "}</style>"
)


@dataclass(frozen=True)
class Way:
    """What the page draws of the way to the goal: the ``path`` (stored order, the next
    point first), the goal's learning ``order``, its direct prerequisite ``edges``, and
    the points with no exercises of their own (``inside``: learnt in the practice of
    ``needed_by``'s points)."""

    path: list[str]
    order: list[str]
    edges: list[tuple[str, str]]
    inside: set[str]
    needed_by: dict[str, list[str]]


def way(path: list[str], goal: str | None) -> Way:
    """Read the graph around the student's path (the goal's learning order and its arrows,
    which points have exercises)."""
    catalog = state.catalog()
    order = catalog.learning_order(goal) if goal else list(path)
    edges = catalog.prerequisite_edges(order)
    practisable = catalog.levels_by_point()
    inside = {kp for kp in path if kp not in practisable}
    needed_by: dict[str, list[str]] = {}
    for pre, kp in edges:
        if pre in inside and kp in path:
            needed_by.setdefault(pre, []).append(kp)
    return Way(path, order, edges, inside, needed_by)


def _status(kp: str, w: Way, mastery: dict[str, MasteryState]) -> str:
    """A step's state in words: what it is learnt with, or how far the student is."""
    if kp in w.inside:
        names = "、" if state.zh() else ", "
        return t(
            "step_inside", points=names.join(state.kp_name(d) for d in w.needed_by.get(kp, []))
        )
    s = mastery.get(kp)
    if s is None or s.attempts == 0:
        return t("step_not_tried")
    return t("step_progress", p=f"{s.p:.0%}", n=s.attempts)


def _line(name: str, tags: list[str], status: str) -> str:
    """One step: its name, its tags (next, goal) and its state, punctuated for the tab's
    language (Chinese: full-width brackets and colon)."""
    if state.zh():
        return name + "".join(f"（{tag}）" for tag in tags) + f"：{status}"
    return name + "".join(f" · {tag}" for tag in tags) + f" — {status}"


def _md(name: str) -> str:
    """A curriculum name in Markdown as written (its few Markdown characters escaped)."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|~$" else ch for ch in name)


def path_steps(
    w: Way, mastery: dict[str, MasteryState], goal: str | None, focus: str | None
) -> str:
    """The path as a numbered Markdown list: one step a line, the next one marked, the
    goal last; plain text, so it wraps at any width and a screen reader reads it."""
    lines = []
    for n, kp in enumerate(w.path, 1):
        name = _md(state.kp_name(kp))
        tags = []
        if kp == focus:
            tags.append(t("step_next"))
        if kp == goal:
            tags.append(t("step_goal"))
        head = f"**{name}**" if kp in (focus, goal) else name
        lines.append(f"{n}. {_line(head, tags, _status(kp, w, mastery))}")
    return "\n".join(lines)


def student_map(
    w: Way, mastery: dict[str, MasteryState], goal: str | None, focus: str | None
) -> str:
    """DOT for the way to the goal: every point of the path and the goal, with the latest
    mastered points of the way; arrows look through points not drawn, so each point
    keeps its arrow toward the goal."""
    known = sorted(
        (kp for kp in w.order if kp not in w.path and mastery.get(kp) and mastery[kp].attempts),
        key=lambda kp: -mastery[kp].updated_at,
    )[:KNOWN_ON_MAP]
    shown = [kp for kp in w.order if kp in w.path or kp in known]
    shown += [kp for kp in w.path if kp not in shown]
    if goal and goal not in shown:
        shown.append(goal)
    labels = {kp: state.kp_name(kp) for kp in shown}
    tips = {kp: _line(labels[kp], [], _status(kp, w, mastery)) for kp in shown}
    return graphs.path_map(
        labels,
        graphs.see_through_edges(shown, w.edges),
        {kp: s.p for kp, s in mastery.items() if s.attempts},  # grey: not tried
        focus=focus,
        goal=goal,
        inside=w.inside,
        tips=tips,
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
    path: list[str] = [] if stored is None else list(stored.kps)
    focus = None if stored is None else stored.next_kp
    w = way(path, me.goal)
    if not path:
        st.caption(t("path_empty"))
    else:
        assert stored is not None
        st.info(stored.reason_zh if state.zh() and stored.reason_zh else stored.reason)
        if stored.diagnosed_gap:
            st.warning(t("path_gap", kp=state.kp_name(stored.diagnosed_gap)))
        st.markdown(path_steps(w, mastery, me.goal, focus))
    st.subheader(t("your_map"))
    if path:
        st.caption(t("path_map_legend"))
        st.markdown(_PHONE_MAP_CSS, unsafe_allow_html=True)
        st.graphviz_chart(student_map(w, mastery, me.goal, focus))
    else:
        st.caption(t("map_empty"))
    st.subheader(t("recent_answers"))
    if not attempts:
        st.caption(t("no_attempts"))
    for attempt in reversed(attempts):
        mark = "✅" if attempt.correct else "❌"
        st.markdown(f"{mark} {state.kp_name(attempt.kp)} — {plain(attempt.answer)}")


render()
