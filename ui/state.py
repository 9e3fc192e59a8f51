"""What the app shares across users (the tutor, its store and model) and what each user keeps.

The tutor — its store, language model and engine, opened by :func:`tutor.service.open_school`
— is made once per server process with ``st.cache_resource`` (keyed by the store URL, so
a test that points ``TUTOR_STORE`` somewhere else gets its own). Pages reach it only
through :func:`school` (sign-in), :func:`catalog` (the curriculum anyone may read) and
the signed-in user's role facade (:func:`require_student`, :func:`require_teacher`).
Everything about one browser tab — the session token, the language, the current item,
the hints shown — lives in ``st.session_state``. Per-user keys start with
:data:`USER_PREFIX`, so signing out forgets all of them at once.

What must outlive the tab's websocket lives in the browser: the session token in the
HttpOnly ``kpt_session`` cookie (set by ``ui/server.py`` after a sign-in, read here from
``st.context.cookies``; the session itself is in the store, so any app process accepts
it), the page in the URL's path and the language in the ``lang`` query parameter. So a
reload, a bookmark or a second app process keeps the user signed in, on the same page,
in the same language.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

import streamlit as st

from tutor.errors import AuthError, TutorError
from tutor.settings import Settings
from ui.i18n import DEFAULT_LANG, LANGUAGES, message, text

if TYPE_CHECKING:
    from tutor.access import Designer, StudentAPI, TeacherAPI
    from tutor.service import Catalog, LanguageModel, School, Session

#: Session-state key of the signed-in user's token (absent when signed out).
TOKEN = "token"  # noqa: S105 (a session-state key name, not a secret)
#: Session-state key (and widget key) of the interface language.
LANG = "lang"
#: Prefix of every per-user session-state key; cleared on sign-in and sign-out.
USER_PREFIX = "u_"
#: Set when the last session expired, so the sign-in page can say why.
EXPIRED = "session_expired"
#: The HttpOnly cookie that carries the session token (set by ui/server.py).
SESSION_COOKIE = "kpt_session"
#: The HttpOnly cookie that names the browser (binds a hand-off code to it).
DEVICE_COOKIE = "kpt_device"
#: Session-state key: a cookie token this tab already found dead or signed out.
_DEAD_COOKIE = "dead_cookie"
#: Session-state key: where the browser must go next (hand-off or sign-out), once.
_REDIRECT = "auth_redirect"


def cookie_max_age() -> int:
    """How long the browser keeps the session cookie: the longest a session may live."""
    from tutor.access import SESSION_MAX_S

    return int(SESSION_MAX_S)


def _auth_routes() -> bool:
    # Set by ui/server.py: only then do /auth/session and /auth/sign-out exist.
    return os.environ.get("TUTOR_AUTH_ROUTES") == "1"


def client_address() -> str:
    """Where this tab's requests come from, for the per-client sign-in throttle.

    Behind the reverse proxy (``TUTOR_TRUSTED_PROXY=1``, set by ``make serve``) that is
    the address the proxy saw (X-Forwarded-For, last entry: the one the proxy added);
    otherwise the peer's own address. A header is never trusted without the proxy.
    """
    if os.environ.get("TUTOR_TRUSTED_PROXY") == "1":
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        if isinstance(forwarded, str) and forwarded:
            return forwarded.split(",")[-1].strip()
    address = st.context.ip_address
    return address if isinstance(address, str) else ""  # none in a test run (AppTest)


@st.cache_resource(show_spinner=False)
def _model(models_dir: str) -> LanguageModel:
    # Keyed by the models folder: a pulled model there is the default (else the template).
    from tutor.service import app_model

    return app_model(Settings.from_env())


@st.cache_resource(show_spinner=False)
def _school(url: str) -> School:
    from tutor.service import open_school

    settings = Settings.from_env()
    return open_school(settings, url, model=_model(str(settings.resolved_models_dir)))


def school() -> School:
    """The process-wide tutor on the configured store (opened on first use)."""
    return _school(Settings.from_env().resolved_store_url)


def catalog() -> Catalog:
    """The curriculum and content, read-only: what every visitor may look up."""
    return school().catalog


def designer() -> Designer:
    """The curriculum designer's read-only views (domain maps) of the stored curriculum."""
    return school().designer


# -- language ---------------------------------------------------------------------------


def lang() -> str:
    """The interface language of this tab (``en`` or ``zh-Hans``)."""
    value = st.session_state.get(LANG, DEFAULT_LANG)
    return value if value in LANGUAGES else DEFAULT_LANG


def t(key: str, **values: object) -> str:
    """The string ``key`` in this tab's language, formatted with ``values``."""
    return text(lang(), key, **values)


def zh() -> bool:
    """Whether this tab shows Chinese (for content that carries both languages)."""
    return lang() != "en"


def kp_name(kp_id: str) -> str:
    """A knowledge point's name in this tab's language (its id if it is not stored)."""
    return catalog().name(kp_id, zh=zh())


# -- signing in and out -------------------------------------------------------------------


def _forget_user() -> None:
    for key in [k for k in st.session_state if str(k).startswith(USER_PREFIX)]:
        del st.session_state[key]
    st.session_state.pop(TOKEN, None)


def sign_in(user_id: str, password: str) -> Session:
    """Check the credentials and keep the new session's token (raises ``AuthError``;
    ``SignInLocked`` while the account or this client is locked out).

    Under ``ui/server.py`` the browser is then sent once through ``/auth/session``, which
    swaps the token for a fresh one in the HttpOnly cookie (:func:`auth_redirect`).
    """
    session = school().sign_in(user_id.strip(), password, client=client_address())
    _forget_user()
    st.session_state[TOKEN] = session.token
    st.session_state.pop(EXPIRED, None)
    device = st.context.cookies.get(DEVICE_COOKIE, "")
    if _auth_routes() and isinstance(device, str) and device:
        code = school().hand_off(session.token, device)
        st.session_state[_REDIRECT] = ("/auth/session", {"code": code})
    return session


def sign_out() -> None:
    """End this tab's session in the store (every process) and forget everything about
    the user; under ``ui/server.py`` the browser then drops its cookie too."""
    token = st.session_state.get(TOKEN)
    if token:
        school().sign_out(token)
        st.session_state[_DEAD_COOKIE] = token
    _forget_user()
    if _auth_routes():
        st.session_state[_REDIRECT] = ("/auth/sign-out", {})


def current_session() -> Session | None:
    """The signed-in user's session, or None (an expired one is forgotten and noted).

    A tab that holds no token yet takes the one in the session cookie (a reload, a
    bookmark, or a websocket that a second app process now serves).
    """
    token = st.session_state.get(TOKEN)
    from_cookie = False
    if not token:
        cookie = st.context.cookies.get(SESSION_COOKIE, "")
        if (
            not isinstance(cookie, str)
            or not cookie
            or cookie == st.session_state.get(_DEAD_COOKIE)
        ):
            return None
        token, from_cookie = cookie, True
    try:
        session = school().session(token)
    except AuthError:
        _forget_user()
        st.session_state[_DEAD_COOKIE] = token if from_cookie else ""
        st.session_state[EXPIRED] = True
        return None
    st.session_state[TOKEN] = token
    return session


def auth_redirect(page_path: str) -> None:
    """Send the browser once to the hand-off or sign-out route, if one is due (the JS is
    ours; no user text goes into it). ``page_path`` is where to come back to."""
    due = st.session_state.pop(_REDIRECT, None)
    if due is None:
        return
    from urllib.parse import urlencode

    route, params = due
    query = urlencode({**params, "next": page_path, "lang": lang()})
    target = json.dumps(f"{route}?{query}")
    st.html(f"<script>window.location.replace({target});</script>", unsafe_allow_javascript=True)


def sync_lang_with_url() -> None:
    """Keep the language in the URL (``?lang=``): a reload or a bookmark keeps it."""
    wanted = st.query_params.get(LANG)
    if LANG not in st.session_state and wanted in LANGUAGES:
        st.session_state[LANG] = wanted


def denied(message_key: str = "access_denied") -> NoReturn:
    """Say the page is not for this user, show nothing else, and stop the page."""
    st.error(t(message_key))
    st.stop()


def require_student() -> StudentAPI:
    """The signed-in student's facade; any other visitor is refused and the page stops."""
    from tutor.access import StudentAPI

    api = _facade()
    if not isinstance(api, StudentAPI):
        denied()
    return api


def require_teacher() -> TeacherAPI:
    """The signed-in teacher's facade; any other visitor is refused and the page stops."""
    from tutor.access import TeacherAPI

    api = _facade()
    if not isinstance(api, TeacherAPI):
        denied()
    return api


def _facade() -> StudentAPI | TeacherAPI:
    if current_session() is None:
        denied("sign_in_first")
    return school().as_user(st.session_state[TOKEN])


def show_error(exc: TutorError) -> None:
    """Show an engine error: a refusal, an answer the checker could not read, a lost race
    between two answers and a store too busy to answer in time in the tab's language,
    anything else as it says."""
    from tutor.errors import AccessDenied, CodedInputError, StoreBusy, StoreConflict

    if isinstance(exc, AccessDenied):
        st.error(t("access_denied"))
    elif isinstance(exc, CodedInputError):
        st.error(checker_message(exc.code, exc.params))
    elif isinstance(exc, StoreConflict):
        st.error(t("answer_not_saved"))
    elif isinstance(exc, StoreBusy):
        st.error(t("store_busy"))
    else:
        st.error(str(exc))


def checker_message(code: str, params: Mapping[str, object]) -> str:
    """One of the answer checker's messages (a code and its parameters) in this tab's
    language."""
    return message(lang(), code, params)


def user_state(key: str, default: Any = None) -> Any:
    """A per-user value of this tab (forgotten on sign-out)."""
    return st.session_state.get(USER_PREFIX + key, default)


def set_user_state(key: str, value: Any) -> None:
    """Keep a per-user value for this tab."""
    st.session_state[USER_PREFIX + key] = value


def clear_user_state(*keys: str) -> None:
    """Forget some per-user values."""
    for key in keys:
        st.session_state.pop(USER_PREFIX + key, None)


def words(text_: str) -> Iterator[str]:
    """Split verified text into word pieces for ``st.write_stream`` (keeps the spacing)."""
    piece = ""
    for char in text_:
        piece += char
        if char.isspace() or ord(char) > 0x2E80:
            # Chinese has no spaces: one character is one piece.
            yield piece
            piece = ""
    if piece:
        yield piece
