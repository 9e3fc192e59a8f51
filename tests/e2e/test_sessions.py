"""Sessions that outlive a page and a process, in a real browser: two app processes behind
Debian's HAProxy (``deploy/serve.sh``, what ``make serve`` runs) on one store.

A student signs in; the session cookie is HttpOnly and SameSite=Strict; a reload keeps
the student signed in, on the same page and in the same language; the tab is then served by
the other process (its sticky cookie switched), and by it alone once the first process is
stopped, still signed in. Signing out ends the session everywhere. Failed sign-ins lock the
account with a message (English and Chinese) that says when to try again and not which part
was wrong. Screenshots go to ``artifacts/e2e/``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPO
from tests.e2e.test_browser import GOAL, STUDENT, TEACHER, Page, seed
from ui.i18n import text

pytestmark = pytest.mark.e2e

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
#: A student whose name is Markdown a page must not render: a link and maths.
LINK, MATHS = "[win](http://e.vil)", r"$\frac12$"
EVIL = ("s66", f"{LINK} {MATHS}", "evil-password")


def _add_student(data_dir: Path, sid: str, name: str, password: str) -> None:
    from tutor.access import School
    from tutor.engine import Engine
    from tutor.graph import open_store
    from tutor.settings import Settings

    store = open_store(f"sqlite:///{data_dir / 'kptutor.db'}", Settings(data_dir=data_dir))
    engine = Engine(store)
    School(engine).add_student_with_password(sid, name, "c1", password, GOAL)
    # One answer already given: the student practises at once (a new one would first take
    # the knowledge check, tests/e2e/test_placement_browser.py).
    shown = engine.next_item(sid).item
    engine.submit(sid, shown.item_id, shown.answer)
    store.close()


def _free_run_of_ports(count: int) -> int:
    """A port p with p … p+count-1 all free (the proxy and its app processes)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base: int = sock.getsockname()[1]
        if base + count >= 65535:
            continue
        try:
            for p in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", p))
        except OSError:
            continue
        return base
    raise RuntimeError("no run of free ports")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Two app processes behind HAProxy on a seeded SQLite store: (url, run folder)."""
    if not Path(HAPROXY).is_file():
        reason = "HAProxy is not installed (apt-get install haproxy)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the several-processes test, but {reason}")
        pytest.skip(reason)
    seed(tmp_path)
    _add_student(tmp_path, *EVIL)
    run = tmp_path / "serve"
    port = int(os.environ.get("TUTOR_E2E_SERVE_PORT", "0")) or _free_run_of_ports(3)
    env = {
        **os.environ,
        "SERVE_RUN": str(run),
        "SERVE_PORT": str(port),
        "SERVE_SEED": "0",
        "BIN": str(Path(sys.executable).parent),
        "HAPROXY": HAPROXY,
        "TUTOR_DATA_DIR": str(tmp_path),
        "TUTOR_STORE": f"sqlite:///{tmp_path / 'kptutor.db'}",
        "TUTOR_LLM": "template",
    }
    script = str(REPO / "deploy" / "serve.sh")
    started = subprocess.run(
        [script, "up", "2"], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield f"http://127.0.0.1:{port}", run
    finally:
        subprocess.run([script, "down"], env=env, capture_output=True, timeout=60, check=False)


def _signed_in_on(page: Page, heading: str) -> str:
    return page.wait_text(heading, text("en", "sign_out"))


def test_a_session_survives_reload_and_a_process_switch(
    driver: Any, served: tuple[str, Path]
) -> None:
    url, run = served
    page = Page(driver, url)
    driver.get(url)
    page.sign_in(*STUDENT)
    page.signed_in()  # the hand-off route set the session cookie,
    page.wait_text(text("en", "check"))
    cookie = driver.get_cookie("kpt_session")
    # HttpOnly and SameSite=Strict
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict", cookie
    assert driver.execute_script("return document.cookie").find("kpt_session") < 0
    first = driver.get_cookie("kpt_backend")["value"]
    assert first in ("app1", "app2")

    page.open_page("my-path")
    page.wait_text(text("en", "page_progress"))
    page.wait_for(lambda _: driver.current_url.split("?")[0].endswith("/my-path"), "the page URL")
    page.shot("session-signed-in")

    driver.refresh()
    body = _signed_in_on(page, text("en", "page_progress"))
    assert text("en", "user_id") not in body
    assert driver.current_url.split("?")[0].endswith("/my-path")
    page.shot("session-after-reload")

    # The language survives a reload too.
    page.click_label("简体中文")
    page.wait_text(text("zh-Hans", "sign_out"))
    page.wait_for(lambda _: "lang=zh-Hans" in driver.current_url, "the language in the URL")
    driver.refresh()
    page.wait_text(text("zh-Hans", "sign_out"), text("zh-Hans", "page_progress"))
    page.shot("session-after-reload-zh")

    # Served by the other process (its sticky cookie), still signed in.
    other = "app2" if first == "app1" else "app1"
    driver.delete_cookie("kpt_backend")
    driver.add_cookie({"name": "kpt_backend", "value": other, "path": "/"})
    driver.refresh()
    page.wait_text(text("zh-Hans", "sign_out"), text("zh-Hans", "page_progress"))
    assert driver.get_cookie("kpt_backend")["value"] == other

    # Stop the process that served the sign-in: only the other one is left.
    pid = int((run / f"{first}.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    page.wait_for(lambda _: not _alive(pid), f"{first} to stop")
    driver.delete_cookie("kpt_backend")
    driver.refresh()
    page.wait_text(text("zh-Hans", "sign_out"), text("zh-Hans", "page_progress"))
    assert driver.get_cookie("kpt_backend")["value"] == other
    page.shot("session-other-process")

    # Signing out ends the session: the cookie goes, a reload shows the sign-in form.
    page.click(text("zh-Hans", "sign_out"))
    page.wait_for(lambda _: driver.get_cookie("kpt_session") is None, "the cookie to go")
    page.wait_text(text("zh-Hans", "user_id"))
    driver.refresh()
    page.wait_text(text("zh-Hans", "user_id"))
    assert text("zh-Hans", "sign_out") not in page.body()


def test_failed_sign_ins_lock_the_account_with_a_message(
    driver: Any, served: tuple[str, Path]
) -> None:
    url, run = served
    store = run.parent / "kptutor.db"
    page = Page(driver, url)
    driver.get(url)
    teacher, _password = TEACHER
    tries = 0
    while "Too many failed sign-ins" not in page.body() and tries < 8:
        page.sign_in(teacher, "not-the-password")
        tries += 1
        _wait_for_the_run(page)
    body = page.body()
    assert tries == 6, f"locked after {tries} tries, not after the 6th (5 are free)"
    assert _failures_counted(store) == 6
    assert text("en", "sign_in_locked", seconds=30) in body
    assert text("en", "wrong_credentials") not in body
    page.shot("lockout-en")
    # Even the right password is refused while the lock lasts, in the tab's language.
    page.click_label("简体中文")
    page.wait_text(text("zh-Hans", "user_id"))
    page.sign_in(*TEACHER, lang="zh-Hans")
    _wait_for_the_run(page)
    body = page.wait_text("登录失败次数过多")
    assert text("zh-Hans", "page_dashboard") not in body
    page.shot("lockout-zh")


def _wait_for_the_run(page: Page) -> None:
    """Wait until the app has started and finished the run a click asked for."""
    from selenium.webdriver.common.by import By

    def state() -> str:
        app = page.driver.find_element(By.CSS_SELECTOR, '[data-testid="stApp"]')
        return str(app.get_attribute("data-test-script-state"))

    # A refused sign-in runs for a few tens of milliseconds: too short to be sure to see
    # the "running" state, so give the click time to reach the app, then wait it out.
    time.sleep(1.0)
    page.wait_for(lambda _: state() != "running", "the run to end")


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, stopped but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _failures_counted(db: Path) -> int:
    """The failed sign-ins the store counted for the one account tried (read directly)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT failures FROM sign_in_failure WHERE key LIKE 'account:%'"
        ).fetchall()
    assert len(rows) == 1, rows
    return int(rows[0][0])


def test_what_a_student_typed_is_shown_as_typed(driver: Any, served: tuple[str, Path]) -> None:
    """A name and an answer that are Markdown (a link, maths) come back as plain text."""
    from selenium.webdriver.common.by import By

    url, _ = served
    page = Page(driver, url)
    driver.get(url)
    sid, name, password = EVIL
    page.sign_in(sid, password)
    page.signed_in()
    page.wait_text(text("en", "check"), text("en", "signed_in_as", name=name))
    for typed in (LINK, MATHS):
        # The previous check's run redraws the answer box: text typed while it still runs
        # can be lost with the old box.
        page.idle()
        page.type(text("en", "your_answer"), typed)
        page.click(text("en", "check"))
        page.wait_text(f'"{typed}"')  # the checker's "I couldn't read "…"", literally
    page.shot("plain-text-echo")
    assert not driver.find_elements(By.CSS_SELECTOR, 'a[href*="e.vil"]')
    # The tutor's own maths is typeset (the problem); what the student typed never is: no
    # formula on the page was made from the typed TeX (KaTeX keeps its source).
    sources = [
        a.get_attribute("textContent")
        for a in driver.find_elements(By.CSS_SELECTOR, ".katex annotation")
    ]
    assert not [src for src in sources if "frac12" in (src or "")], sources
