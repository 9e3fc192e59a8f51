"""The app's web server: Streamlit's ASGI app (``st.App``) with two small HTTP routes that
put a sign-in into an HttpOnly cookie and take it out again.

Run with ``streamlit run ui/server.py`` (``make app``, ``make serve``): Streamlit finds
the ``app`` below and serves ``ui/app.py`` through uvicorn, plus:

* ``GET /auth/session?code=…&next=…&lang=…`` — a page has just signed someone in over its
  websocket, which cannot set cookies, and sent the browser here with a single-use code
  bound to this browser's device cookie. The code is exchanged for a NEW session token
  (:meth:`tutor.access.School.redeem_hand_off`), set as the ``kpt_session`` cookie
  (HttpOnly, SameSite=Strict, Secure over HTTPS), and the browser goes back to the page.
* ``GET /auth/sign-out?lang=…`` — ends the cookie's session in the store (every app
  process sees that) and deletes the cookie.

Every response that finds no ``kpt_device`` cookie sets one (random, HttpOnly,
SameSite=Strict): it binds a hand-off code to the browser that asked for it, so a code
someone else obtained cannot sign this browser in as them (login CSRF). Both routes refuse
requests that another site started (``Sec-Fetch-Site``). The session cookie never comes
from a URL or from script, only from the hand-off, so it cannot be fixed by an attacker
(see docs/ARCHITECTURE.md, "Sessions and sign-in security").
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

# ``streamlit run ui/server.py`` puts ui/ itself on sys.path; ``ui.*`` needs the folder above.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

# The pages (run in this process) may hand sign-ins over to these routes.
os.environ["TUTOR_AUTH_ROUTES"] = "1"

import streamlit as st  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import PlainTextResponse, RedirectResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from tutor.errors import AuthError  # noqa: E402
from ui.i18n import DEFAULT_LANG, LANGUAGES  # noqa: E402
from ui.state import DEVICE_COOKIE, SESSION_COOKIE, cookie_max_age, school  # noqa: E402

#: Pages a redirect may go back to: a path of the app, never another site.
_LOCAL_PATH = re.compile(r"^/[a-z0-9][a-z0-9\-/]{0,60}$|^/$")
_ASGI = Any


def _secure(request: Request) -> bool:
    # Behind the proxy the browser's scheme arrives as X-Forwarded-Proto.
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto == "https"


def _from_this_site(request: Request) -> bool:
    """False when another site started the request (browsers send Sec-Fetch-Site)."""
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def _back(request: Request) -> str:
    """Where to send the browser afterwards: a local path, with the language kept."""
    path = request.query_params.get("next", "/")
    if not _LOCAL_PATH.match(path):
        path = "/"
    lang = request.query_params.get("lang", DEFAULT_LANG)
    return f"{path}?lang={lang if lang in LANGUAGES else DEFAULT_LANG}"


async def take_session(request: Request) -> Response:
    """Exchange a hand-off code for the session cookie, then go back to the page."""
    if not _from_this_site(request):
        return PlainTextResponse("refused: this link must be opened from kptutor itself", 403)
    code = request.query_params.get("code", "")
    device = request.cookies.get(DEVICE_COOKIE, "")
    response = RedirectResponse(_back(request), status_code=303)
    try:
        session = await run_in_threadpool(school().redeem_hand_off, code, device)
    except AuthError:
        # A used, expired or foreign code: no cookie; the page shows the sign-in form.
        return response
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=cookie_max_age(),
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def drop_session(request: Request) -> Response:
    """End the cookie's session in the store and delete the cookie."""
    if not _from_this_site(request):
        return PlainTextResponse("refused: sign out from kptutor itself", 403)
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await run_in_threadpool(school().sign_out, token)
    response = RedirectResponse(_back(request), status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


class DeviceCookie:
    """ASGI middleware: give every browser a random ``kpt_device`` cookie (HTTP only)."""

    def __init__(self, app: _ASGI) -> None:
        self.app = app

    async def __call__(self, scope: _ASGI, receive: _ASGI, send: _ASGI) -> None:
        if scope["type"] != "http" or _has_device_cookie(scope):
            await self.app(scope, receive, send)
            return
        cookie = SimpleCookie()
        cookie[DEVICE_COOKIE] = secrets.token_urlsafe(24)
        morsel = cookie[DEVICE_COOKIE]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Strict"
        morsel["max-age"] = str(400 * 24 * 3600)
        header = morsel.OutputString().encode("latin-1")

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"set-cookie", header)],
                }
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _has_device_cookie(scope: _ASGI) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"cookie" and DEVICE_COOKIE in SimpleCookie(value.decode("latin-1")):
            return True
    return False


app = st.App(
    "app.py",
    routes=[
        Route("/auth/session", take_session, methods=["GET"]),
        Route("/auth/sign-out", drop_session, methods=["GET"]),
    ],
    middleware=[Middleware(DeviceCookie)],
)
