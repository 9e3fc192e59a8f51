"""What the app shares across users (the tutor, its store and model) and what each user keeps.

The tutor — its store, language model and engine, opened by :func:`tutor.service.open_school`
— is made once per server process with ``st.cache_resource`` (keyed by the store URL, so
a test that points ``TUTOR_STORE`` somewhere else gets its own). Pages reach it only
through :func:`school` (sign-in), :func:`catalog` (the curriculum anyone may read) and
the signed-in user's role facade (:func:`require_student`, :func:`require_teacher`).
Everything about one browser tab — the session token, the language, the current item,
the hints shown — lives in ``st.session_state``. Per-user keys start with
:data:`USER_PREFIX`, so signing out forgets all of them at once.
"""

from __future__ import annotations

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
    """Check the credentials and keep the new session's token (raises ``AuthError``)."""
    session = school().sign_in(user_id.strip(), password)
    _forget_user()
    st.session_state[TOKEN] = session.token
    st.session_state.pop(EXPIRED, None)
    return session


def sign_out() -> None:
    """End this tab's session in the engine and forget everything about the user."""
    token = st.session_state.get(TOKEN)
    if token:
        school().sign_out(token)
    _forget_user()


def current_session() -> Session | None:
    """The signed-in user's session, or None (an expired one is forgotten and noted)."""
    token = st.session_state.get(TOKEN)
    if not token:
        return None
    try:
        return school().session(token)
    except AuthError:
        _forget_user()
        st.session_state[EXPIRED] = True
        return None


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
    """Show an engine error: a refusal, an answer the checker could not read and a lost
    race between two answers in the tab's language, anything else as it says."""
    from tutor.errors import AccessDenied, CodedInputError, StoreConflict

    if isinstance(exc, AccessDenied):
        st.error(t("access_denied"))
    elif isinstance(exc, CodedInputError):
        st.error(checker_message(exc.code, exc.params))
    elif isinstance(exc, StoreConflict):
        st.error(t("answer_not_saved"))
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
