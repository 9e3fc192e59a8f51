"""The sign-in cookie routes of ``ui/server.py`` over HTTP (Starlette's test client on the
same route functions and middleware): the hand-off sets an HttpOnly, SameSite=Strict cookie
once, only for the browser it was made for; redirects stay on this site; another site cannot
start either route; sign-out ends the session in the store and drops the cookie."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tutor.access import School
from tutor.domain import ClassGroup, Teacher
from tutor.engine import Engine
from tutor.errors import SessionExpired
from tutor.graph import open_store
from tutor.settings import Settings


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, School]]:
    """The routes on a store with one student, and a School of a "second process" on it."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route
    from starlette.testclient import TestClient

    url = f"sqlite:///{tmp_path / 'kptutor.db'}"
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TUTOR_STORE", url)
    monkeypatch.setenv("TUTOR_LLM", "template")
    store = open_store(url, Settings(data_dir=tmp_path))
    store.add_teacher(Teacher("t1", "Ms Li"))
    store.add_class(ClassGroup("c1", "5A", "t1"))
    school = School(Engine(store))
    school.add_student_with_password("s1", "Ann", "c1", "ann-password")
    import ui.server as server

    os.environ.pop("TUTOR_AUTH_ROUTES", None)  # set by importing ui.server; not for others
    web = Starlette(
        routes=[
            Route("/auth/session", server.take_session),
            Route("/auth/sign-out", server.drop_session),
            Route("/", lambda request: server.PlainTextResponse("page")),
        ],
        middleware=[Middleware(server.DeviceCookie)],
    )
    with TestClient(web, base_url="http://127.0.0.1", follow_redirects=False) as client:
        yield client, school
    store.close()


def _set_cookies(response: Any) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_every_browser_gets_a_device_cookie_once(app: tuple[Any, School]) -> None:
    client, _ = app
    first = client.get("/")
    (cookie,) = _set_cookies(first)
    assert cookie.startswith("kpt_device=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert _set_cookies(client.get("/")) == []  # the browser sends it back: no new one


def test_a_hand_off_sets_the_session_cookie_once(app: tuple[Any, School]) -> None:
    client, school = app
    client.cookies.set("kpt_device", "device-1")
    token = school.sign_in("s1", "ann-password").token
    code = school.hand_off(token, "device-1")
    reply = client.get(
        "/auth/session", params={"code": code, "next": "/my-path", "lang": "zh-Hans"}
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/my-path?lang=zh-Hans"
    (cookie,) = _set_cookies(reply)
    assert cookie.startswith("kpt_session=")
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1; Secure behind HTTPS
    new_token = cookie.split(";")[0].split("=", 1)[1]
    assert new_token not in (token, code)
    assert school.session(new_token).user_id == "s1"  # another process accepts it
    # The code is spent: the same link again sets nothing.
    again = client.get("/auth/session", params={"code": code})
    assert again.status_code == 303 and _set_cookies(again) == []


def test_a_code_for_another_browser_sets_nothing(app: tuple[Any, School]) -> None:
    client, school = app
    client.cookies.set("kpt_device", "victim-browser")
    code = school.hand_off(school.sign_in("s1", "ann-password").token, "attacker-browser")
    reply = client.get("/auth/session", params={"code": code})
    assert reply.status_code == 303 and _set_cookies(reply) == []


@pytest.mark.parametrize(
    "target", ["//e.vil/x", "https://e.vil", "/../x", "javascript:alert(1)", "/a b"]
)
def test_redirects_stay_on_this_site(app: tuple[Any, School], target: str) -> None:
    client, _ = app
    client.cookies.set("kpt_device", "d")
    reply = client.get("/auth/session", params={"code": "x", "next": target, "lang": "xx"})
    assert reply.headers["location"] == "/?lang=en"


def test_another_site_cannot_start_either_route(app: tuple[Any, School]) -> None:
    client, school = app
    client.cookies.set("kpt_device", "device-1")
    code = school.hand_off(school.sign_in("s1", "ann-password").token, "device-1")
    for route, params in (("/auth/session", {"code": code}), ("/auth/sign-out", {})):
        reply = client.get(route, params=params, headers={"Sec-Fetch-Site": "cross-site"})
        assert reply.status_code == 403 and _set_cookies(reply) == []
    # The refused request did not spend the code.
    assert client.get("/auth/session", params={"code": code}).status_code == 303


def test_sign_out_ends_the_session_and_drops_the_cookie(app: tuple[Any, School]) -> None:
    client, school = app
    token = school.sign_in("s1", "ann-password").token
    client.cookies.set("kpt_device", "d")
    client.cookies.set("kpt_session", token)
    reply = client.get("/auth/sign-out", params={"lang": "zh-Hans"})
    assert reply.status_code == 303 and reply.headers["location"] == "/?lang=zh-Hans"
    (cookie,) = _set_cookies(reply)
    assert cookie.startswith('kpt_session="";') and "Max-Age=0" in cookie
    with pytest.raises(SessionExpired):
        school.session(token)
