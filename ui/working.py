"""The tutor's note on a student's shown working (issue 20), under the verdict.

After the first answer, the engine's :class:`~tutor.turns.Feedback` names the first wrong
line of the working (``Feedback.working``). This tab keeps that working with the item (the
working box is gone once the turn has moved on), and the note is worded like every text for
the student — a ``working`` plan, the template at once and the model's wording when it is
ready, both checked by the guard (:mod:`ui.wording`). The student's own line inside the note
is shown as typed (:func:`ui.widgets.plain`), never read as Markdown.

A right answer with a wrong line gets the note too, gently; working with no wrong line gets
none (nothing to say).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from ui import state, wording
from ui.state import t
from ui.widgets import plain

if TYPE_CHECKING:
    from tutor.access import ExplainOptions, StudentAPI
    from tutor.service import Feedback

__all__ = ["show"]

#: The per-user session-state key of this tab's working, by item id.
_NOTES = "working_notes"


def _working_box(item_id: str) -> str:
    # The first answer form's working box (ui.views.practice), read in the run that follows
    # the answer, before Streamlit forgets the box's value.
    return str(st.session_state.get(f"{state.USER_PREFIX}working:{item_id}") or "")


def _kept(item_id: str) -> tuple[str, str] | None:
    """``(working, wrong line)`` of the item's first answer in this tab, kept when the
    engine's feedback on it first shows a wrong line."""
    notes: dict[str, tuple[str, str]] = state.user_state(_NOTES, {})
    found = notes.get(item_id)
    if found is not None:
        return found
    fb: Feedback | None = state.user_state("feedback")
    if fb is None or fb.working is None or fb.try_no != 1 or fb.turn is None:
        return None
    if fb.turn.item_id != item_id:
        return None
    working = _working_box(item_id)
    if not working:
        return None
    found = (working, fb.working.text)
    # One item's note at a time: a new item starts without the old ones.
    state.set_user_state(_NOTES, {item_id: found})
    return found


def show(api: StudentAPI, item_id: str, answer: str, options: ExplainOptions) -> None:
    """The note on the working of ``answer`` (the first answer to ``item_id``), worded in
    ``options``' style and language (its kind and working are set here); nothing when the
    working had no wrong line."""
    from dataclasses import replace

    kept = _kept(item_id)
    if kept is None:
        return
    working, line = kept
    options = replace(options, kind="working", working=working)
    key = f"{item_id}|working|{options.style}|{options.language}|{answer}|{working}"
    made = wording.wording(api, key, item_id, answer, options)
    if made is None:
        return
    with st.container(border=True):
        st.markdown(f"**{t('working_title')}**")
        if made.pending:
            _pending(made, line)
        else:
            st.markdown(literal_line(made.text, line), unsafe_allow_html=True)


@st.fragment(run_every=wording.POLL_S)
def _pending(made: wording.Wording, line: str) -> None:
    if not made.pending:
        st.rerun()  # the model's words are ready: one full run shows them
    st.markdown(literal_line(made.template, line), unsafe_allow_html=True)
    # The same running spinner as every pending text (ui.wording.show).
    st.status(t("wording_spinner"), state="running")


def literal_line(text: str, line: str) -> str:
    """The tutor's ``text`` as Markdown, with the student's ``line`` in it shown exactly as
    typed (an inline code span: no maths, links or emphasis read into it) and the rest as
    plain text with its maths typeset (:func:`ui.wording.as_markdown`; HTML: show it with
    ``unsafe_allow_html=True``)."""
    if not line or line not in text:
        return wording.as_markdown(text)
    return plain(line).join(wording.as_markdown(part) for part in text.split(line))
