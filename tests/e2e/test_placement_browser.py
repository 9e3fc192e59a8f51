"""The initial knowledge check in a real browser (issue 16): a new student's first session
goes check → summary → practice at the frontier, with a progress bar and no right/wrong
during the check; a reload mid-check (and signing in again) resumes at the same question;
a second student does the check in Chinese; the teacher sees both placements and asks for
a re-check, in English and in Chinese. Screenshots go to ``artifacts/e2e/placement/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, seed_class, start_app
from tests.e2e.test_browser import Page
from tutor.content.items import Item, regenerate
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.settings import Settings
from ui.i18n import text

pytestmark = pytest.mark.e2e

GOAL = "whole_ops.add_2digit_regroup"
TEACHER = ("teacher", "teacher-pass")
STUDENTS = {"n1": ("Nia", "student-pass"), "n2": ("Ned 小明", "student-pass-2")}
#: The newcomers answer right on these points and "I don't know" on the rest.
KNOWS = ("place_value.count_to_120", "place_value.teen_numbers", "whole_ops.add_within_10")
SHOTS = ARTIFACTS / "placement"


def seed(data_dir: Path) -> None:
    """A teacher and a class of two students who have never practised."""
    seed_class(data_dir, TEACHER, STUDENTS, GOAL, class_name="Class 2B").store.close()


class CheckPage(Page):
    """The app page, with the check's gestures and its own screenshot folder."""

    def __init__(self, driver: Any, url: str, engine: Engine, data_dir: Path) -> None:
        super().__init__(driver, url, data_dir)
        self.engine = engine

    def shot(self, name: str) -> None:
        self.shots += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SHOTS / f"{self.shots:02d}-{name}.png"))

    def language(self, lang: str) -> None:
        from selenium.webdriver.common.by import By

        label = {"en": "English", "zh-Hans": "简体中文"}[lang]
        self.driver.find_element(
            By.XPATH, f'//label[contains(normalize-space(.), "{label}")]'
        ).click()

    def question(self, student: str) -> Item:
        """The check's current question (as stored), once the page shows it."""
        turn = self.engine.placement_turn(student)
        assert turn is not None and turn.item is not None
        return regenerate(turn.item.item_id)

    def answer(self, student: str, lang: str, n: int) -> None:
        """Answer question ``n`` on the page as the newcomer would; never a verdict."""
        self.wait_text(text(lang, "placement_question", n=n))
        item = self.question(student)
        body = self.wait_text(item.prompt_zh if lang != "en" else item.prompt)
        for verdict in ("fb_correct", "fb_incorrect"):
            assert text(lang, verdict) not in body
        if item.kp in KNOWS:
            self.type(text(lang, "your_answer"), item.answer)
            self.click(text(lang, "placement_next"))
        else:
            self.click(text(lang, "placement_dont_know"))
        self.wait_for(
            lambda b: (
                text(lang, "placement_question", n=n + 1) in b
                or text(lang, "placement_start_practice") in b
            ),
            f"question {n + 1} or the summary",
        )

    def check(self, student: str, lang: str, first: int = 1) -> int:
        """Answer the questions from ``first`` until the summary; the number answered."""
        n = first
        while text(lang, "placement_start_practice") not in self.body():
            self.answer(student, lang, n)
            n += 1
            assert n <= 40
        return n - 1


def test_a_new_students_first_session_in_chromium(driver: Any, tmp_path: Path) -> None:
    seed(tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'kptutor.db'}", Settings(data_dir=tmp_path))
    process, url = start_app(tmp_path, tmp_path / "streamlit.log")
    try:
        page = CheckPage(driver, url, Engine(store), tmp_path)
        driver.get(url)
        page.sign_in("n1", STUDENTS["n1"][1])
        page.wait_text(text("en", "placement_title"), text("en", "placement_question", n=1))
        page.shot("student-en-first-question")
        page.answer("n1", "en", 1)
        page.answer("n1", "en", 2)
        waiting = page.question("n1")
        page.shot("student-en-third-question")

        # A reload mid-check: the session cookie keeps the student signed in, and the check
        # resumes at the question they had not answered.
        driver.get(url)
        page.wait_text(text("en", "placement_question", n=3), waiting.prompt)
        page.shot("student-en-resumed")
        asked = page.check("n1", "en", first=3)

        placed = page.engine.placement("n1")
        assert placed is not None and placed.items_used == asked
        page.wait_text(placed.summary, text("en", "placement_start_practice"))
        page.shot("student-en-summary")
        page.click(text("en", "placement_start_practice"))
        page.wait_text(text("en", "page_practice"), text("en", "check"))
        practised = page.item("n1")
        assert practised.kp in placed.frontier  # practice at the frontier
        page.shot("student-en-practice-at-frontier")
        page.click(text("en", "sign_out"))

        # The second newcomer takes the check in Chinese.
        page.wait_text(text("en", "user_id"))
        page.language("zh-Hans")
        page.wait_text(text("zh-Hans", "user_id"))
        from selenium.webdriver.common.by import By

        for label, value in (
            (text("zh-Hans", "user_id"), "n2"),
            (text("zh-Hans", "password"), STUDENTS["n2"][1]),
        ):
            driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]').send_keys(value)
        page.click(text("zh-Hans", "sign_in"))
        page.wait_text(
            text("zh-Hans", "placement_title"), text("zh-Hans", "placement_question", n=1)
        )
        page.shot("student-zh-first-question")
        page.check("n2", "zh-Hans")
        placed_zh = page.engine.placement("n2")
        assert placed_zh is not None
        page.wait_text(placed_zh.summary_zh)
        page.shot("student-zh-summary")
        page.click(text("zh-Hans", "placement_start_practice"))
        page.wait_text(text("zh-Hans", "page_practice"))
        assert page.item("n2", zh=True).kp in placed_zh.frontier
        page.shot("student-zh-practice")
        page.click(text("zh-Hans", "sign_out"))

        # The teacher, in Chinese then English: the placement and a confirmed re-check.
        page.wait_text(text("zh-Hans", "user_id"))
        for label, value in (
            (text("zh-Hans", "user_id"), TEACHER[0]),
            (text("zh-Hans", "password"), TEACHER[1]),
        ):
            driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]').send_keys(value)
        page.click(text("zh-Hans", "sign_in"))
        page.wait_text(text("zh-Hans", "page_dashboard"))
        page.open_page("student")
        page.wait_text(
            text("zh-Hans", "placement_teacher"), text("zh-Hans", "placement_starts_at", names="")
        )
        page.shot("teacher-zh-placement")
        page.language("en")
        page.wait_text(text("en", "placement_teacher"), text("en", "placement_starts_at", names=""))
        page.click(text("en", "placement_recheck"))
        page.wait_text(text("en", "placement_recheck_confirm", name="Nia"))
        page.shot("teacher-en-recheck-confirm")
        page.click(text("en", "placement_recheck_yes"))
        page.wait_text(
            text("en", "placement_recheck_done", name="Nia"),
            text("en", "placement_requested", name="Nia"),
        )
        page.shot("teacher-en-recheck-done")
        assert page.engine.needs_placement("n1")
    finally:
        process.terminate()
        process.wait(timeout=20)
        store.close()
