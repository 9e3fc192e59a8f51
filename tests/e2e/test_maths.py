"""Maths typeset by KaTeX in a real browser (issue 18): a practice turn on a fraction
problem in English and Chinese — the problem, a wrong answer (echoed as typed, never
typeset), two hints and the worked solution — with every formula drawn by KaTeX and
labelled with its plain form for a screen reader; and every item's prompt and worked steps
drawn without a KaTeX error. Screenshots go to ``artifacts/e2e/`` (``maths-<lang>-…``).

The demo store is the one ``make app`` serves (``tutor graph load default && tutor demo
seed``); the app runs on port 8611 (``TUTOR_E2E_PORT`` to change it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, REPO, START_TIMEOUT, start_app
from tests.e2e.test_browser import Page, _buggy
from tutor.content.items import GENERATORS, Item, ensure_generators_loaded, generate
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.mathtext import segments
from tutor.settings import Settings
from ui.i18n import text

pytestmark = pytest.mark.e2e

PORT = int(os.environ.get("TUTOR_E2E_PORT", "8611"))
DEMO_PASSWORD = "student-demo"
#: Demo students, in the order they are tried for a fraction problem.
DEMO_STUDENTS = [f"s{n:02d}" for n in range(1, 31)]


def _tutor(*args: str, data_dir: Path) -> None:
    tutor = shutil.which("tutor", path=str(Path(sys.executable).parent)) or "tutor"
    env = {**os.environ, "TUTOR_DATA_DIR": str(data_dir)}
    env.pop("TUTOR_STORE", None)
    subprocess.run([tutor, *args], env=env, check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo school, made once as ``make app`` makes it."""
    folder = tmp_path_factory.mktemp("demo")
    _tutor("graph", "load", "default", data_dir=folder)
    _tutor("demo", "seed", data_dir=folder)
    return folder


def _copy(store: Path, to: Path) -> Path:
    for path in store.glob("kptutor.db*"):
        shutil.copy(path, to / path.name)
    return to


def _fraction_turn(data_dir: Path) -> tuple[str, Item]:
    """A demo student whose next problem is a fraction sum."""
    store = open_store(f"sqlite:///{data_dir / 'kptutor.db'}", Settings(data_dir=data_dir))
    try:
        engine = Engine(store)
        for student in DEMO_STUDENTS:
            item = engine.next_item(student).item
            if item is not None and "/" in item.prompt and "+" in item.prompt:
                return student, item
    finally:
        store.close()
    raise AssertionError("the demo school should have a student on fraction sums")


def _css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def _typeset(driver: Any) -> int:
    """How many formulas KaTeX drew in the main area (and none failed)."""
    errors = _css(driver, ".katex-error")
    assert not errors, [e.get_attribute("title") for e in errors]
    return len(_css(driver, '[data-testid="stMain"] .katex'))


def _labels(driver: Any) -> list[str]:
    return [
        str(e.get_attribute("aria-label"))
        for e in _css(driver, '[data-testid="stMain"] span[role="img"][aria-label]')
    ]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_fraction_turn_is_typeset(
    driver: Any, demo_store: Path, tmp_path: Path, lang: str
) -> None:
    data_dir = _copy(demo_store, tmp_path)
    student, item = _fraction_turn(data_dir)
    tag = "en" if lang == "en" else "zh"
    prompt = item.prompt_zh if lang != "en" and item.prompt_zh else item.prompt
    formulas = [s.plain for s in segments(prompt) if s.kind == "math"]
    assert any("/" in f for f in formulas), formulas

    def say(key: str, **values: object) -> str:
        return text(lang, key, **values)

    process, url = start_app(data_dir, tmp_path / "streamlit.log", port=PORT)
    try:
        page = Page(driver, url, data_dir)
        driver.get(url)
        if lang != "en":
            page.click_radio("简体中文")
            page.wait_text(say("user_id"))
        page.sign_in(student, DEMO_PASSWORD, lang=lang)
        body = page.wait_text(say("check"), prompt)  # read as a screen reader reads it
        assert item.item_id not in body
        page.wait_for(lambda _: _typeset(driver) >= len(formulas), "KaTeX to draw the problem")
        for formula in formulas:  # each formula says its plain form
            assert formula in _labels(driver), (formula, _labels(driver))
        on_problem = _typeset(driver)
        page.shot(f"maths-{tag}-problem")

        bug = _buggy(item)
        wrong = bug[1] if bug else "1/99"
        page.idle()
        page.type(say("your_answer"), wrong)
        page.click(say("check"))
        page.wait_text(say("fb_incorrect"), say("hint_button", n=1))
        # The student's own answer is echoed as typed: a code span, never a formula.
        echo = [c for c in _css(driver, '[data-testid="stCaptionContainer"] code')]
        assert wrong in [c.text for c in echo], [c.text for c in echo]
        assert not any(_css_in(c, ".katex") for c in echo)
        # ...and where the tutor's feedback quotes it, too.
        page.wait_for(lambda _: wrong in _code_texts(driver), "the quoted answer as typed")
        assert wrong not in _labels(driver)
        page.shot(f"maths-{tag}-wrong-answer")

        for n in (1, 2):
            page.idle()
            page.click(say("hint_button", n=n))
            page.wait_text(say("hint_n", n=n))
        page.idle()
        page.shot(f"maths-{tag}-hints")
        page.click(say("show_solution"))
        body = page.wait_text(say("solution_title"), say("next_problem"))
        page.idle()
        solution = body.split(say("solution_title"), 1)[1]
        assert "/" in solution, solution  # the fractions of the worked solution, read plainly
        page.wait_for(lambda _: _typeset(driver) > on_problem + 1, "KaTeX in the solution")
        # The solution's fractions are typeset: a KaTeX fraction bar under the heading.
        fractions = _css(driver, '[data-testid="stMain"] .katex .mfrac')
        assert len(fractions) > len(formulas), len(fractions)
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});",
            _css(driver, '[data-testid="stMain"] .katex')[-1],
        )
        page.shot(f"maths-{tag}-solution")
    finally:
        process.terminate()
        process.wait(timeout=20)


def _code_texts(driver: Any) -> list[str]:
    return [str(c.text) for c in _css(driver, '[data-testid="stMain"] p code')]


def _css_in(element: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(element.find_elements(By.CSS_SELECTOR, selector))


# -- every item's maths, drawn ------------------------------------------------------------

#: The item texts are drawn in this many pages (one page of ~5,000 formulas keeps a loaded
#: machine's renderer busy past the driver's 60 s).
PARTS = 5

_ALL_ITEMS_PAGE = """
import streamlit as st
from tests.e2e.test_maths import PARTS, item_texts
from tutor.mathtext import to_markdown

part = int(st.query_params.get("part", "0"))
lines = [to_markdown(t, accessible=True) for t in item_texts()[part::PARTS]]
for start in range(0, len(lines), 200):
    st.markdown("  \\n".join(lines[start : start + 200]), unsafe_allow_html=True)
st.caption("all drawn")
"""


def item_texts() -> list[str]:
    """Every generator's prompt and worked steps, English and Chinese, at every level
    (seed 1), in a fixed order."""
    ensure_generators_loaded()
    texts: list[str] = []
    for name, gen in sorted(GENERATORS.items()):
        for level in gen.levels:
            item = generate(name, level, 1)
            texts += [item.prompt, item.prompt_zh]
            for step in item.steps:
                texts += [step.text, step.text_zh]
    return [t for t in texts if t]


def _formulas(texts: list[str]) -> int:
    return sum(s.kind == "math" for t in texts for line in t.splitlines() for s in segments(line))


@pytest.fixture
def all_items_app(tmp_path: Path) -> Iterator[str]:
    script = tmp_path / "all_items.py"
    script.write_text(_ALL_ITEMS_PAGE, encoding="utf-8")
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [
        streamlit, "run", str(script), "--server.address", "127.0.0.1",
        "--server.port", str(PORT), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_every_items_maths_is_drawn_without_a_katex_error(driver: Any, all_items_app: str) -> None:
    """Every generator's prompt and worked steps (en and zh, every level): KaTeX draws
    each formula the converter writes — as many ``.katex`` as formulas, each inside its
    labelled span, and no ``.katex-error`` (KaTeX's red message for LaTeX it cannot read)."""
    from selenium.webdriver.support.ui import WebDriverWait

    texts = item_texts()
    assert _formulas(texts) > 4000

    def count(selector: str) -> int:  # in the page: thousands of WebElements are slow
        return int(driver.execute_script(f"return document.querySelectorAll('{selector}').length"))

    for part in range(PARTS):
        expected = _formulas(texts[part::PARTS])
        driver.get(f"{all_items_app}/?part={part}")
        WebDriverWait(driver, 120, poll_frequency=1).until(
            lambda _: count(".katex") + count(".katex-error") >= expected  # noqa: B023
        )
        errors = driver.execute_script(
            "return [...document.querySelectorAll('.katex-error')].slice(0, 10).map(e => e.title)"
        )
        assert not errors, errors
        assert count(".katex") == expected
        assert count('span[role="img"][aria-label] .katex') == expected
        if part == 0:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(ARTIFACTS / "maths-all-items.png"))
