"""*My path* and the teacher's views in a real browser (issue 18), on the demo school
(`tutor demo seed`), at a desktop width (1400×1000) and a phone's (390×844, Chrome's mobile
emulation), in English and Chinese:

- the student s05 reads every step of her path, "Rewrite Fractions with a Common
  Denominator" among them; the map's words are at least 13 px on screen at 1400 px, no
  label spills out of its box, and every point has an arrow toward the goal; on the phone
  the steps fit the screen and the map scrolls sideways inside its own box;
- the teacher sees the cells nobody tried counted apart, the class-goal selector on the
  class's goal, a confirmation before a change, the DINA profile's explanation, and the
  drill-down with the question and the right words about the knowledge check, its answers
  table's results and headers each on one line (Chinese was broken a character a line).

Screenshots go to ``artifacts/e2e/teacher-views/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, start_app
from tests.e2e.test_browser import Page
from tutor.demo import DEMO_STUDENT_PASSWORD, DEMO_TEACHER_PASSWORD, seed_demo
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.settings import Settings
from ui.i18n import text

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "teacher-views"
STUDENT = "s05"
GOAL = "fractions.add_unlike"
INSIDE = "fractions.common_denominator"
#: The smallest on-screen size (px) of the map's words at 1400 px (they were 6–7 px).
MIN_MAP_PX = 13
SIZES = {"desktop": (1400, 1000), "phone": (390, 844)}
#: The most lines a cell of the answers table's column is drawn on (arguments: the column's
#: header, which rows: "tr" for all of them, "thead tr" for the header alone).
LINES_IN_COLUMN = """
const rowsSeen = arguments[1];
const table = document.querySelector('[data-testid="stTable"] table');
const i = [...table.querySelectorAll('thead tr > *')].findIndex(
    (c) => c.textContent.trim() === arguments[0]);
if (i < 0) return -1;
let most = 0;
for (const row of table.querySelectorAll(rowsSeen)) {
  const tops = new Set();
  const walk = document.createTreeWalker(row.children[i], NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(walk.currentNode);
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
  }
  most = Math.max(most, tops.size);
}
return most;
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """The demo school in a store of its own, and the app on it."""
    data = tmp_path_factory.mktemp("demo")
    store = open_store(f"sqlite:///{data / 'kptutor.db'}", Settings(data_dir=data))
    engine = Engine(store)
    seed_demo(engine)
    process, url = start_app(data, data / "streamlit.log")
    try:
        yield url, engine
    finally:
        process.terminate()
        process.wait(timeout=20)
        store.close()


def _browser(browser_paths: tuple[str, str], size: str) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, chromedriver = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    width, height = SIZES[size]
    if size == "phone":  # a phone's viewport (a desktop window cannot be this narrow)
        metrics = {"width": width, "height": height, "pixelRatio": 1}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    else:
        options.add_argument(f"--window-size={width},{height}")
    browser = webdriver.Chrome(options=options, service=Service(chromedriver))
    browser.set_page_load_timeout(60)
    return browser


class ViewPage(Page):
    """The app page with this test's own screenshots (the whole page, not the window)."""

    def __init__(self, driver: Any, url: str, size: str, lang: str) -> None:
        super().__init__(driver, url)
        self.size, self.lang = size, lang

    def go(self, path: str) -> None:
        """Open a page by its navigation link (as a user would; on a phone the sidebar is
        folded away, so the link is clicked from script). Loading a page's URL directly
        shows "page not found" for a moment, while the signed-in pages are not yet known."""
        from selenium.webdriver.support.ui import WebDriverWait

        link = f'a[href$="/{path}"]'
        WebDriverWait(self.driver, 30).until(
            lambda d: d.execute_script(f"return !!document.querySelector('{link}')")
        )
        self.driver.execute_script(f"document.querySelector('{link}').click()")
        self.idle()

    def shot(self, name: str) -> None:
        """The whole page, as tall as it is (Streamlit scrolls inside its main block)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        tall = self.driver.execute_script(
            "return document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        width = SIZES[self.size][0]
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": min(int(tall) + 100, 8000),
                "deviceScaleFactor": 1,
                "mobile": self.size == "phone",
            },
        )
        self.driver.save_screenshot(str(SHOTS / f"{name}-{self.lang}-{self.size}.png"))
        if self.size == "phone":  # back to the phone's screen (clearing would drop it)
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": SIZES["phone"][1], "deviceScaleFactor": 1,
                 "mobile": True},
            )  # fmt: skip
        else:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def sign_in_as(self, user: str, password: str) -> None:
        from selenium.common.exceptions import WebDriverException

        self.driver.get(f"{self.url}/?lang={self.lang}")
        self.wait_text(text(self.lang, "user_id"))
        self.idle()  # the language from the URL reruns the page once: type after it
        try:
            self.sign_in(user, password, lang=self.lang)
        except WebDriverException:  # a box redrawn under the typing: once more, anew
            self.driver.get(f"{self.url}/?lang={self.lang}")
            self.wait_text(text(self.lang, "user_id"))
            self.idle()
            self.sign_in(user, password, lang=self.lang)
        self.signed_in()
        self.idle()


#: For each node of the map: its id, its shape's box and its words' box and size on screen.
_MAP_NODES = """
const out = [];
for (const g of document.querySelectorAll('[data-testid="stGraphVizChart"] g.node')) {
  const shape = g.querySelector('path, polygon, ellipse');
  const texts = [...g.querySelectorAll('text')];
  if (!shape || !texts.length) continue;
  const s = shape.getBoundingClientRect();
  const boxes = texts.map(t => t.getBoundingClientRect());
  out.push({
    id: g.querySelector('title').textContent,
    shape: [s.left, s.top, s.right, s.bottom],
    text: [Math.min(...boxes.map(b => b.left)), Math.min(...boxes.map(b => b.top)),
           Math.max(...boxes.map(b => b.right)), Math.max(...boxes.map(b => b.bottom))],
    px: Math.min(...boxes.map(b => b.height)),
  });
}
return out;
"""
#: Elements that stick out of the screen's right edge (outside a box that scrolls them).
_WIDER_THAN_SCREEN = """
const out = [];
for (const e of document.querySelectorAll('body *')) {
  if (e.closest('[data-testid="stGraphVizChart"]') || e.closest('[data-testid="stSidebar"]'))
    continue;
  const r = e.getBoundingClientRect();
  if (r.width && r.right > window.innerWidth + 1)
    out.push(e.tagName + '.' + (e.getAttribute('data-testid') || e.className) + ':' + r.right);
}
return out.slice(0, 10);
"""
_MAP_EDGES = """
return [...document.querySelectorAll('[data-testid="stGraphVizChart"] g.edge title')]
  .map(t => t.textContent.split('->'));
"""


def _reaches(edges: list[tuple[str, str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        kp = todo.pop()
        for a, b in edges:
            if a == kp and b not in seen:
                seen.add(b)
                todo.append(b)
    return goal in seen


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_my_path_reads_at_desktop_and_phone_width(
    browser_paths: tuple[str, str],
    demo: tuple[str, Engine],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    size: str,
) -> None:
    monkeypatch.setenv("SE_OFFLINE", "true")
    url, engine = demo
    path = engine.path(STUDENT)
    assert INSIDE in path.kps and path.kps[-1] == GOAL
    names = {
        kp: (node.name_zh or node.name) if lang != "en" else node.name
        for kp, node in ((kp, engine.store.get_node(kp)) for kp in path.kps)
    }
    driver = _browser(browser_paths, size)
    try:
        page = ViewPage(driver, url, size, lang)
        page.sign_in_as(STUDENT, DEMO_STUDENT_PASSWORD)
        page.go("my-path")
        body = page.wait_text(text(lang, "your_path"), names[INSIDE])
        page.wait_graph()
        page.shot("my-path")
        # Every step is on the page, in order, one list item each.
        items = [
            li.text
            for li in driver.find_elements("css selector", '[data-testid="stMarkdown"] ol > li')
        ]
        assert len(items) == len(path.kps), body[-2000:]
        for item, kp in zip(items, path.kps, strict=True):
            assert item.startswith(names[kp]), (item, names[kp])
        nodes = {n["id"]: n for n in driver.execute_script(_MAP_NODES)}
        edges = [(a, b) for a, b in driver.execute_script(_MAP_EDGES)]
        assert set(path.kps) <= set(nodes)  # every point of the path is on the map
        for kp in path.kps:
            assert kp == GOAL or _reaches(edges, kp, GOAL), f"{kp}: no arrow toward the goal"
        for kp, node in nodes.items():  # no label spills out of its box
            (sl, st, sr, sb), (tl, tt, tr, tb) = node["shape"], node["text"]
            assert sl <= tl + 1 and tr <= sr + 1 and st <= tt + 1 and tb <= sb + 1, kp
        if size == "desktop":
            smallest = min(n["px"] for n in nodes.values())
            assert smallest >= MIN_MAP_PX, f"map words {smallest:.1f} px on screen"
        else:
            # The page itself never scrolls sideways; the map scrolls inside its box, at
            # a size a child can read.
            wide = driver.execute_script(_WIDER_THAN_SCREEN)
            assert not wide, wide
            box = driver.execute_script(
                "const e = document.querySelector('[data-testid=\"stGraphVizChart\"]');"
                "return [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX];"
            )
            assert box[2] == "auto" and box[0] >= box[1]
            assert min(n["px"] for n in nodes.values()) >= MIN_MAP_PX
            font = driver.execute_script(
                "return parseFloat(getComputedStyle("
                "document.querySelector('[data-testid=\"stMarkdown\"] ol > li')).fontSize)"
            )
            assert font >= 14
    finally:
        driver.quit()


def _choose(page: ViewPage, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` (typed, then Enter)."""
    from selenium.common.exceptions import ElementClickInterceptedException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = page.driver.find_element(By.CSS_SELECTOR, f'input[aria-label^="{label}"]')
    page.idle()  # charts above it may still be growing: scroll once the page has settled
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    try:
        box.click()
    except ElementClickInterceptedException:
        # A chart drawn late moved the box under it: focus it as a keyboard user would.
        page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        page.driver.execute_script("arguments[0].focus();", box)
    box.send_keys(option)
    box.send_keys(Keys.ENTER)
    page.idle()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_teacher_reads_the_truth(
    browser_paths: tuple[str, str],
    demo: tuple[str, Engine],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    monkeypatch.setenv("SE_OFFLINE", "true")
    url, engine = demo
    report = engine.class_report("class-7a")
    goal = report.class_goal()
    assert goal is not None and report.cdm is not None
    goal_name = engine.store.get_node(goal)
    goal_label = (goal_name.name_zh or goal_name.name) if lang != "en" else goal_name.name
    driver = _browser(browser_paths, "desktop")
    try:
        page = ViewPage(driver, url, "desktop", lang)
        page.sign_in_as("teacher", DEMO_TEACHER_PASSWORD)
        # (the dashboard is the teacher's first page)
        total = len(report.kps) * len(report.students)
        legend = text(lang, "heatmap_legend", n=report.not_tried(), total=total)
        body = page.wait_text(text(lang, "metric_not_tried"), legend)
        page.wait_charts(2)
        assert re.search(rf"{text(lang, 'metric_not_tried')}\s+{report.not_tried()}\b", body)
        # The selector starts on the class's goal; a change waits for the confirmation.
        shown_goal = driver.find_element(
            "css selector", f'[data-testid="stSelectbox"] input[aria-label="{text(lang, "goal")}"]'
        ).get_attribute("value")
        assert goal in shown_goal and goal_label in shown_goal, shown_goal
        page.shot("dashboard")
        page.open_expander(text(lang, "cdm_title"))
        page.wait_text(text(lang, "cdm_vs_mastery", recent=report.cdm_recent).split("**")[1])
        page.wait_charts(3)
        _choose(page, text(lang, "goal"), "fractions.add_like")
        page.click(text(lang, "set_class_goal"))
        page.wait_text(text(lang, "class_goal_yes"), text(lang, "class_goal_no"))
        page.shot("dashboard-confirm")
        assert {s.goal for s in engine.store.list_students("class-7a")} == set(
            report.goals.values()
        )
        page.click(text(lang, "class_goal_no"))
        page.idle()
        assert {s.goal for s in engine.store.list_students("class-7a")} == set(
            report.goals.values()
        )

        page.go("student")
        page.wait_text(text(lang, "attempts"))
        _choose(page, text(lang, "student"), STUDENT)
        attempts = engine.store.attempts(STUDENT)
        student = engine.store.get_student(STUDENT)
        from ui.widgets import plain

        wording = text(lang, "placement_none_history", name=plain(student.name), n=len(attempts))
        latest = attempts[-1]
        from tutor.content.items import regenerate

        item = regenerate(latest.item_id)
        question = (item.prompt_zh or item.prompt) if lang != "en" else item.prompt
        # Both at once: the answers table (with the whole question, as the student read it)
        # draws after the words above it, later still on a busy machine.
        body = page.wait_text(wording.replace("`", ""), question)
        assert text(lang, "placement_none") not in body
        page.shot("drill-down")
        # The short columns keep their words on one line: the browser broke "正确" and its
        # header "结果" into a character a line; headers keep their Chinese words whole
        # (the answer column's "答案" was drawn "答" over "案").
        assert driver.execute_script(LINES_IN_COLUMN, text(lang, "col_result"), "tr") == 1
        assert driver.execute_script(LINES_IN_COLUMN, text(lang, "col_answer"), "thead tr") == 1
    finally:
        driver.quit()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_dashboard_on_a_phone(
    browser_paths: tuple[str, str],
    demo: tuple[str, Engine],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    """Screenshots of the dashboard at a phone's width (looked at; the page must not
    scroll sideways)."""
    monkeypatch.setenv("SE_OFFLINE", "true")
    url, _ = demo
    driver = _browser(browser_paths, "phone")
    try:
        page = ViewPage(driver, url, "phone", lang)
        page.sign_in_as("teacher", DEMO_TEACHER_PASSWORD)
        # (the dashboard is the teacher's first page)
        page.wait_text(text(lang, "metric_not_tried"))
        page.wait_charts(2)
        page.shot("dashboard")
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        # The heatmap keeps its cells and scrolls sideways inside its own box.
        box = driver.execute_script(
            "const e = document.querySelector('[data-testid=\"stVegaLiteChart\"]');"
            "return [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX];"
        )
        assert box[2] == "auto" and box[0] > box[1], box
    finally:
        driver.quit()
