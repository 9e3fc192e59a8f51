"""End to end in a real browser: ``streamlit run`` on 127.0.0.1, headless Chromium driven by
Selenium. A student signs in, answers one problem right and one wrong with a misconception's
buggy answer, sees the misconception, asks for the worked solution, signs out; the teacher
signs in and sees those answers. Screenshots of every step go to ``artifacts/e2e/``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, seed_class, start_app
from tutor.content.curricula import default_curriculum
from tutor.content.items import Item, generate, generators_for_kp
from tutor.content.misconceptions import buggy_answer, misconceptions_for_generator
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.i18n import domain_name
from tutor.settings import Settings
from ui.i18n import text

pytestmark = pytest.mark.e2e

#: Seconds to wait for the page to show something after an action.
WAIT = 30
GOAL = "whole_ops.add_2digit_regroup"
#: Correct answers seeded before the test: the tutor's next items then come from a
#: generator with buggy rules, so the wrong answer is a diagnosable one.
HISTORY = 24
TEACHER = ("teacher", "teacher-pass")
STUDENT = ("s01", "student-pass")
ITEM_ID = re.compile(r"\b([a-z0-9_]+:\d+:\d+)\b")


def seed(data_dir: Path) -> None:
    """A class with one practised student, through the engine (as `tutor demo seed` does)."""
    engine = seed_class(data_dir, TEACHER, {STUDENT[0]: ("Ann", STUDENT[1])}, GOAL)
    for _ in range(HISTORY):
        item = engine.next_item(STUDENT[0]).item
        assert item is not None
        engine.submit(STUDENT[0], item.item_id, item.answer)
    engine.store.close()


#: The body's text with each ``<span role="img" aria-label=…>`` (a formula, see
#: tutor.mathtext) read as its label: swapped for a text node, read, swapped back, all in
#: one synchronous script (the app cannot draw in between).
READ_MATHS_AS_PLAIN = """
const swaps = [...document.querySelectorAll('span[role="img"][aria-label]')].map((span) => {
  const plain = document.createTextNode(span.getAttribute("aria-label"));
  span.replaceWith(plain);
  return [span, plain];
});
const text = document.body.innerText;
for (const [span, plain] of swaps) plain.replaceWith(span);
return text;
"""


class Page:
    """The app in the browser, with the few gestures the test needs."""

    def __init__(self, driver: Any, url: str, data_dir: Path | None = None) -> None:
        self.driver = driver
        self.url = url
        self.data_dir = data_dir
        self.shots = 0

    def body(self) -> str:
        """The page's text, each typeset formula read as its plain form (its label, as a
        screen reader says it: "2/12 + 6/12", not KaTeX's pieces)."""
        return str(self.driver.execute_script(READ_MATHS_AS_PLAIN))

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            # A sign-in reloads the page once (the cookie hand-off): an element may go stale.
            WebDriverWait(
                self.driver,
                WAIT,
                poll_frequency=0.25,
                ignored_exceptions=(StaleElementReferenceException,),
            ).until(lambda _: condition(self.body()))
        except TimeoutException:
            self.shot("timeout-" + re.sub(r"\W+", "-", what)[:40])
            raise AssertionError(f"the page never showed {what}:\n{self.body()[-2000:]}") from None
        return self.body()

    def wait_text(self, *needles: str) -> str:
        return self.wait_for(lambda body: all(n in body for n in needles), repr(needles))

    def type(self, label: str, value: str, *, enter: bool = False) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        # A run still drawing the page replaces the box: typing into the old one is lost
        # or fails as a stale element (seen on a busy CI machine).
        self.idle()
        box = self.driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]')
        # clear() does not reach React's state; select-all and delete does.
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        box.send_keys(value)
        if enter:  # a text box outside a form sends its value on Enter
            box.send_keys(Keys.ENTER)

    def click(self, label: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        xpath = f'//button[normalize-space(.)="{label}"]'
        self.idle()  # a click while a run is still drawing the page can be lost
        WebDriverWait(self.driver, WAIT).until(ec.element_to_be_clickable((By.XPATH, xpath)))
        self.driver.find_element(By.XPATH, xpath).click()

    def wait_charts(self, count: int) -> None:
        """Wait until ``count`` Vega charts are drawn (for screenshots people can read)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        drawn = ".vega-embed canvas, .vega-embed svg.marks"
        WebDriverWait(self.driver, WAIT).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, drawn)) >= count
        )

    def wait_graph(self) -> None:
        """Wait until a graphviz drawing is on the page."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        drawn = '[data-testid="stGraphVizChart"] svg'
        WebDriverWait(self.driver, WAIT).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, drawn)) >= 1
        )

    def open_expander(self, label: str) -> None:
        """Scroll to the expander labelled ``label`` and open it."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        xpath = f'//details/summary[contains(normalize-space(.), "{label}")]'
        self.idle()
        WebDriverWait(self.driver, WAIT).until(ec.presence_of_element_located((By.XPATH, xpath)))
        summary = self.driver.find_element(By.XPATH, xpath)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
        summary.click()

    def open_page(self, url_path: str) -> None:
        """Follow the sidebar's link to ``url_path``. After a sign-in the page reloads once
        (the cookie hand-off) and the sidebar is drawn after the page's words, so the link is
        waited for, not expected at once (a CI run failed on "no such element" here)."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        link = (By.CSS_SELECTOR, f'a[href$="/{url_path}"]')
        self.idle()
        WebDriverWait(
            self.driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)
        ).until(ec.element_to_be_clickable(link))
        self.driver.find_element(*link).click()

    def shot(self, name: str) -> None:
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(ARTIFACTS / f"{self.shots:02d}-{name}.png"))

    def sign_in(self, user: str, password: str, *, lang: str = "en") -> None:
        self.wait_text(text(lang, "user_id"))
        self.type(text(lang, "user_id"), user)
        self.type(text(lang, "password"), password)
        self.click(text(lang, "sign_in"))

    def signed_in(self) -> None:
        """Wait until the sign-in has moved into the session cookie (the page reloads once
        through /auth/session) and the reloaded page has loaded."""
        self.wait_for(lambda _: self.driver.get_cookie("kpt_session") is not None, "the cookie")
        self.wait_for(
            lambda _: self.driver.execute_script("return document.readyState") == "complete",
            "the page to load",
        )

    def signed_out(self) -> None:
        """Wait until /auth/sign-out has dropped the cookie and the sign-in page has loaded."""
        self.wait_for(lambda _: self.driver.get_cookie("kpt_session") is None, "no cookie")
        self.wait_for(
            lambda _: self.driver.execute_script("return document.readyState") == "complete",
            "the page to load",
        )
        self.wait_text(text("en", "user_id"))

    def click_label(self, label: str) -> None:
        """Click a radio option or checkbox by its label."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        xpath = f'//label[contains(normalize-space(.), "{label}")]'
        WebDriverWait(self.driver, WAIT).until(ec.element_to_be_clickable((By.XPATH, xpath)))
        self.driver.find_element(By.XPATH, xpath).click()

    def idle(self) -> None:
        """Wait until the app has finished its run (the app root says ``notRunning``): a
        click while a run is still drawing the page can be lost."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
        WebDriverWait(self.driver, WAIT, poll_frequency=0.1).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, idle)
        )

    def click_radio(self, label: str) -> None:
        """Choose the radio option labelled ``label`` (e.g. the language switch)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        xpath = f'//div[@role="radiogroup"]//label[contains(normalize-space(.), "{label}")]'
        WebDriverWait(self.driver, WAIT).until(ec.element_to_be_clickable((By.XPATH, xpath)))
        self.driver.find_element(By.XPATH, xpath).click()

    def item(self, student: str, other_than: str | None = None, *, zh: bool = False) -> Item:
        """The item the practice page shows: the one the engine picks for ``student`` now
        (read from the app's store), once its prompt is on the page. A child never sees an
        item id, so the page is checked to show none."""
        assert self.data_dir is not None, "Page(data_dir=...) to read the app's store"
        found: list[Item] = []

        def shown(body: str) -> bool:
            store = open_store(
                f"sqlite:///{self.data_dir / 'kptutor.db'}", Settings(data_dir=self.data_dir)
            )
            try:
                item = Engine(store).next_item(student).item
            finally:
                store.close()
            if item is None or item.item_id == other_than:
                return False
            found[:] = [item]
            prompt = item.prompt_zh if zh and item.prompt_zh else item.prompt
            return prompt in body

        body = self.wait_for(shown, "the engine's next item")
        assert not ITEM_ID.search(body), f"an id on the student's page: {body}"
        return found[0]


def _buggy(item: Item) -> tuple[str, str] | None:
    for mc in misconceptions_for_generator(item.generator):
        wrong = buggy_answer(mc.id, item)
        if wrong:
            return mc.description, wrong
    return None


def test_student_then_teacher_in_chromium(driver: Any, tmp_path: Path) -> None:
    seed(tmp_path)
    process, url = start_app(tmp_path, tmp_path / "streamlit.log")
    try:
        page = Page(driver, url, tmp_path)
        driver.get(url)
        page.sign_in(*STUDENT)
        page.signed_in()
        page.wait_text(text("en", "page_practice"), text("en", "check"))
        first = page.item(STUDENT[0])
        assert first.prompt.split()[0] in page.body()
        page.shot("student-problem")

        page.type(text("en", "your_answer"), first.answer)
        page.click(text("en", "check"))
        page.wait_text(text("en", "fb_correct"))
        page.shot("student-right")

        page.click(text("en", "next_problem"))
        second = page.item(STUDENT[0], other_than=first.item_id)
        bug = _buggy(second)
        assert bug is not None, f"no buggy rule applies to {second.item_id}"
        description, wrong = bug
        page.type(text("en", "your_answer"), wrong)
        page.click(text("en", "check"))
        from tests.unit.test_app import names_the_misconception

        body = page.wait_text(text("en", "fb_incorrect"), text("en", "show_solution"))
        assert names_the_misconception(second.item_id, wrong, "en", body), body
        page.click(text("en", "show_solution"))
        body = page.wait_text(text("en", "solution_title"), text("en", "next_problem"))
        explanation = body.split(text("en", "solution_title"), 1)[-1]
        assert len(explanation) > 80, explanation  # the worked solution is there
        page.shot("student-misconception-and-solution")

        page.click(text("en", "sign_out"))
        page.signed_out()
        page.shot("signed-out")

        page.sign_in(*TEACHER)
        page.signed_in()
        page.wait_text(text("en", "page_dashboard"), text("en", "top_misconceptions"))
        page.wait_text(description.rstrip("."), wrong)  # the misconception, with the answer
        page.wait_charts(2)  # heatmap and weakest points drawn
        page.shot("teacher-dashboard")

        page.open_page("student")
        body = page.wait_text(text("en", "page_student"), first.prompt, second.prompt)
        assert wrong in body and first.answer in body
        page.shot("teacher-drill-down")

        # The curriculum: search for the goal, see its neighbourhood and a worked item per
        # level (the first level's item is the one the catalog previews: seed 1).
        page.open_page("curriculum")
        page.wait_text(text("en", "page_curriculum"), text("en", "search"))
        page.type(text("en", "search"), GOAL, enter=True)
        preview = generate(next(g for g in generators_for_kp(GOAL) if 1 in g.levels).name, 1, 1)
        page.wait_text(
            f"{GOAL} · grade",
            text("en", "prereqs_and_dependents"),
            text("en", "item_level", level=1, prompt=preview.prompt),
        )
        page.wait_graph()
        page.shot("teacher-curriculum")
        page.open_expander(text("en", "item_level", level=1, prompt=preview.prompt))
        page.wait_text(*(step.text for step in preview.steps))  # the worked steps
        page.shot("teacher-curriculum-items")

        # The map of a domain (issue 19): the first domain, drawn by plotly in the page.
        points = default_curriculum().knowledge_points
        domain = min(kp.domain for kp in points if kp.domain)
        size = sum(kp.domain == domain for kp in points)
        page.open_expander(text("en", "map_header"))
        page.wait_text(
            text("en", "map_title", domain=domain_name(domain, "en"), n=size),
            text("en", "map_grade", grade="5"),
            text("en", "map_download"),
        )
        page.shot("teacher-curriculum-map")
    finally:
        process.terminate()
        process.wait(timeout=20)
