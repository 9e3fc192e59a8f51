"""The kptutor Streamlit app: a thin router that shows the pages a user's role allows.

Run with ``make app`` (or ``streamlit run ui/app.py``). Signed out, a visitor sees the
sign-in page and the curriculum; a student sees Practice and My path; a teacher sees the
class dashboard, the student drill-down, the roster and the curriculum. Hiding pages is
only convenience: every page asks the engine's facade for data, and the engine refuses
what the user may not see.

A reload keeps the user signed in (the session cookie, see :mod:`ui.state`), on the same
page (the URL's path) and in the same language (``?lang=``). Serve it with
``streamlit run ui/server.py``, which adds the routes that set and drop the cookie.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# ``streamlit run ui/app.py`` puts ui/ itself on sys.path; the pages import ``ui.*``, so the
# folder above it (the checkout, or the wheel's ``_shipped`` folder) must be there too.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from ui import state  # noqa: E402
from ui.i18n import LANGUAGES  # noqa: E402
from ui.widgets import plain  # noqa: E402

#: (file under ui/, url path, title key, icon) of each page, by who may see it. Icons are
#: Material Symbols (Streamlit ships the font): emoji drew as empty boxes in a browser
#: without an emoji font, headless Chromium among them.
_PUBLIC = [("views/signin.py", "sign-in", "page_sign_in", ":material/login:")]
_CURRICULUM = ("views/curriculum.py", "curriculum", "page_curriculum", ":material/account_tree:")
_STUDENT = [
    ("views/practice.py", "practice", "page_practice", ":material/edit_note:"),
    ("views/progress.py", "my-path", "page_progress", ":material/route:"),
]
_TEACHER = [
    ("views/dashboard.py", "dashboard", "page_dashboard", ":material/monitoring:"),
    ("views/student_detail.py", "student", "page_student", ":material/person_search:"),
    ("views/roster.py", "roster", "page_roster", ":material/groups:"),
]


def _pages(role: str | None) -> list[st.Page]:
    specs = {
        None: [*_PUBLIC, _CURRICULUM],
        "student": _STUDENT,
        "teacher": [*_TEACHER, _CURRICULUM],
    }[role]
    return [
        st.Page(path, title=state.t(title), icon=icon, url_path=url, default=i == 0)
        for i, (path, url, title, icon) in enumerate(specs)
    ]


def _sidebar(name: str | None) -> None:
    """The language switch and, when signed in, who is signed in and a sign-out button."""
    with st.sidebar:
        st.radio(
            state.t("language"),
            list(LANGUAGES),
            format_func=lambda code: LANGUAGES[code],
            key=state.LANG,
            horizontal=True,
        )
        if name is not None:
            st.caption(state.t("signed_in_as", name=plain(name)))
            if st.button(state.t("sign_out"), key="sign_out"):
                state.sign_out()
                st.rerun()


def _document_language() -> None:
    """Set ``<html lang>`` to the tab's language, so screen readers speak the page in it and
    the browser picks Chinese or English fonts and line breaking. Streamlit's page says
    ``lang="en"`` whatever the app shows; the script is ours (no user text goes into it)
    and runs again whenever the language changes (the element's content changes)."""
    code = json.dumps(state.lang())
    with st.sidebar:
        st.html(
            f"<script>document.documentElement.lang = {code};</script>",
            unsafe_allow_javascript=True,
        )


def main() -> None:
    """Route this run to the page the user asked for among those their role allows."""
    st.set_page_config(page_title="kptutor", page_icon=":material/school:", layout="wide")
    state.sync_lang_with_url()
    session = state.current_session()
    _sidebar(session.name if session else None)
    _document_language()
    if st.query_params.get(state.LANG) != state.lang():
        st.query_params[state.LANG] = state.lang()
    page = st.navigation(_pages(session.role if session else None))
    state.auth_redirect("/" + page.url_path)
    page.run()


main()
