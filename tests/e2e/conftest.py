"""The browser end-to-end test's fixtures: the system Chromium and a running app.

The browser is Debian's ``chromium`` with its ``chromedriver`` (no download at test time:
the driver path is given, and Selenium Manager is told to stay offline). Without them the
test is skipped locally, with the reason, and FAILS when ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tutor.engine import Engine

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "e2e"
CHROMIUM = os.environ.get("TUTOR_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TUTOR_CHROMEDRIVER", "/usr/bin/chromedriver")
#: Seconds the app may take to start answering its health check.
START_TIMEOUT = 45


def pytest_configure(config: pytest.Config) -> None:
    # Also listed in pyproject.toml; registered here too so --strict-markers never trips.
    config.addinivalue_line("markers", "e2e: drives the app in headless Chromium (system browser)")


def _missing_browser() -> str:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
    if not missing:
        return ""
    return (
        f"{', '.join(missing)} not found: install Debian's chromium and chromium-driver "
        "(apt-get install chromium chromium-driver) or set TUTOR_CHROMIUM/TUTOR_CHROMEDRIVER"
    )


@pytest.fixture(scope="session")
def browser_paths() -> tuple[str, str]:
    """The system browser and driver, or skip (fail in CI) when they are not installed."""
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but {reason}")
        pytest.skip(reason)
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture
def driver(browser_paths: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A headless Chromium session (1400×1000, so the sidebar is open)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not go online
    binary, chromedriver = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",  # containers run as root, where the sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    browser = webdriver.Chrome(options=options, service=Service(chromedriver))
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_app(
    data_dir: Path,
    log_path: Path,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """``streamlit run ui/server.py`` (the app and its sign-in cookie routes) on 127.0.0.1
    and ``port`` (default: a free one), on the store in ``data_dir``; returns the process
    and the app's URL once it answers."""
    port = port or _free_port()
    env = {
        **os.environ,
        "TUTOR_DATA_DIR": str(data_dir),
        "TUTOR_STORE": f"sqlite:///{data_dir / 'kptutor.db'}",
        **(env or {}),
    }
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    command = [
        streamlit, "run", str(REPO / "ui" / "server.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    log = log_path.open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}: see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"the app did not answer within {START_TIMEOUT} s: see {log_path}")


def seed_class(
    data_dir: Path,
    teacher: tuple[str, str],
    students: Mapping[str, tuple[str, str]],
    goal: str,
    class_name: str = "Class 1",
) -> Engine:
    """A fresh SQLite store in ``data_dir`` with the default curriculum and its content, a
    teacher (id, password) named Ms Lin and class ``c1`` of ``students`` (id -> (name,
    password)) working toward ``goal``, all through the engine as the app would. The caller
    closes ``engine.store``."""
    from tutor.access import School
    from tutor.content.bank import content_bank_for
    from tutor.content.curricula import default_curriculum
    from tutor.engine import Engine
    from tutor.graph import open_store
    from tutor.settings import Settings

    store = open_store(f"sqlite:///{data_dir / 'kptutor.db'}", Settings(data_dir=data_dir))
    curriculum = default_curriculum()
    store.load_curriculum(curriculum)
    store.load_content(content_bank_for(curriculum.name))
    engine = Engine(store)
    school = School(engine)
    school.add_teacher(teacher[0], "Ms Lin")
    school.set_password(*teacher)
    school.create_class("c1", class_name, teacher[0])
    for sid, (name, password) in students.items():
        school.add_student_with_password(sid, name, "c1", password, goal)
    return engine
