"""Sign-in page: who are you (a teacher or student id and password), and what is loaded."""

from __future__ import annotations

import streamlit as st

from tutor.errors import AuthError, SignInLocked, TutorError
from tutor.service import demo_ready
from ui import state
from ui.state import t


def _demo_hint() -> None:
    """Tell a newcomer the demo accounts, but only when the demo class is really there."""
    if demo_ready(state.school()):
        st.info(t("demo_hint"))


def render() -> None:
    """The sign-in form, the curriculum's size, and what to do on an empty store."""
    st.title(t("app_title"))
    st.caption(t("tagline"))
    catalog = state.catalog()
    info = catalog.info()
    if info is None:
        st.warning(t("no_curriculum"))
    if st.session_state.pop(state.EXPIRED, False):
        st.warning(t("session_expired"))
    with st.form("sign_in"):
        user_id = st.text_input(t("user_id"), key="sign_in_user")
        password = st.text_input(t("password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("sign_in"), type="primary")
    if submitted:
        try:
            state.sign_in(user_id, password)
        except SignInLocked as exc:
            # Says when to try again, never whether the id or the password was wrong.
            st.error(t("sign_in_locked", seconds=int(exc.retry_after_s)))
        except AuthError:
            # One message for a wrong id and a wrong password: no hint which one it was.
            st.error(t("wrong_credentials"))
        except TutorError as exc:
            state.show_error(exc)
        else:
            st.rerun()
    _demo_hint()
    if info is not None:
        st.subheader(t("curriculum_loaded", name=info.name))
        stats = catalog.stats().to_json()
        cols = st.columns(len(stats))
        for col, (key, value) in zip(cols, stats.items(), strict=True):
            col.metric(t(f"stat_{key}"), value)


render()
