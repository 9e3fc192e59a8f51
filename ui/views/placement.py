"""The initial knowledge check in the app (students): "Let's find where to start".

Not a page of its own: the practice page calls :func:`show` first, and shows nothing else
while it returns True. A new student (or one whose teacher asked for a re-check) gets one
question at a time with a progress bar and **no right/wrong feedback** (as ALEKS does: the
check measures, it does not teach); at the end, a summary in the tab's language ("you
already know 41 of 58 topics …; we start with …") and a button to start practising at the
frontier. Everything is decided by the engine (:meth:`tutor.access.StudentAPI.start_placement`
and friends); the check is stored, so a student who reloads and signs in again resumes
at the same question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import state, widgets
from ui.state import t

if TYPE_CHECKING:
    from tutor.access import StudentAPI
    from tutor.service import Placement, PlacementTurn

#: This tab's finished placement, kept until the student starts practising.
RESULT = "placement_result"


def show(api: StudentAPI) -> bool:
    """Show the knowledge check or its summary when the student is in one; False when
    practice can go on (the caller then shows practice)."""
    result: Placement | None = state.user_state(RESULT)
    if result is not None:
        _summary(result)
        return True
    try:
        if not api.needs_placement():
            return False
        turn = api.placement_turn() or api.start_placement()
    except TutorError as exc:
        state.show_error(exc)
        return True
    _question(api, turn)
    return True


def _summary(result: Placement) -> None:
    """The check is over: what the student knows, where practice starts, and a button."""
    st.title(t("placement_title"))
    st.progress(1.0, text=t("placement_finished"))
    st.success(result.summary_zh if state.zh() and result.summary_zh else result.summary)
    st.caption(t("placement_counts", n=result.items_used))
    if st.button(t("placement_start_practice"), type="primary", key=state.USER_PREFIX + "go"):
        state.clear_user_state(RESULT, "next")
        st.rerun()


def _question(api: StudentAPI, turn: PlacementTurn) -> None:
    """One question of the check, with the progress bar and no verdict."""
    st.title(t("placement_title"))
    item = turn.item
    if turn.done or item is None:  # finished elsewhere (another tab): show the result
        if turn.result is not None:
            state.set_user_state(RESULT, turn.result)
            st.rerun()
        return
    st.markdown(t("placement_intro", total=turn.max_items))
    shown = min(turn.asked + 1, turn.max_items)
    st.progress(
        turn.asked / max(turn.max_items, 1),
        text=t("placement_progress", n=shown, total=turn.max_items),
    )
    st.subheader(t("placement_question", n=shown))
    widgets.maths(item.prompt_zh if state.zh() and item.prompt_zh else item.prompt)
    if state.user_state("placement_retry") == item.item_id:
        st.info(t("placement_retry"))
    with st.form(state.USER_PREFIX + "placement_form", clear_on_submit=True):
        answer = st.text_input(t("your_answer"), key=f"{state.USER_PREFIX}placement:{item.item_id}")
        left, right = st.columns(2)
        submitted = left.form_submit_button(t("placement_next"), type="primary")
        skipped = right.form_submit_button(t("placement_dont_know"))
    with st.expander(t("syntax_title")):
        st.markdown(t("syntax_help"))
    if not (submitted or skipped):
        return
    try:
        # An empty answer is "I don't know" to the engine: counted, never marked.
        after = api.answer_placement(item.item_id, "" if skipped else answer)
    except TutorError as exc:
        state.show_error(exc)
        return
    if after.retry:
        state.set_user_state("placement_retry", item.item_id)
    else:
        state.clear_user_state("placement_retry")
    if after.done and after.result is not None:
        state.set_user_state(RESULT, after.result)
    st.rerun()
