"""Show your working, in a real browser, in English and in Chinese (issue 20): a wrong
answer with a wrong line in the working → under the feedback, the tutor names the line
("Line 2: 2/5 + 1/10 = 3/15. It should be 1/2."), the misconception it shows, and the line
is shown exactly as typed (a code span, not read as Markdown); the note stays after a hint.
The next problem answered right with a slip in a line: the line is named, gently.
Screenshots go to ``artifacts/e2e/`` (``working-<lang>-…png``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import seed_class, start_app
from tests.e2e.test_browser import TEACHER, Page
from tests.e2e.test_tutoring_turn import _no_ids
from tutor.content.answers import check_answer
from tutor.content.items import Item
from tutor.content.misconceptions import get_misconception
from tutor.diagnosis.lines import first_wrong_line
from ui.i18n import text

pytestmark = pytest.mark.e2e

STUDENT = ("s07", "student-pass")
GOAL = "fractions.add_unlike"
#: Working with a wrong second line, and what the tutor must say it should be; the first
#: whose value is not the item's answer is typed (a value that is the answer is held back
#: until the student has it).
WORKINGS = (
    ("2/5 = 4/10\n2/5 + 1/10 = 3/15", "2/5 + 1/10 = 3/15", "1/2"),
    ("2/3 = 4/6\n2/3 + 1/6 = 3/9", "2/3 + 1/6 = 3/9", "5/6"),
)
WRONG_ANSWER = "12345"


def _seed(data_dir: Path) -> None:
    engine = seed_class(data_dir, TEACHER, {STUDENT[0]: ("Mei", STUDENT[1])}, GOAL)
    # The knowledge check: every question right but the goal's ("I don't know"), so practice
    # starts at the goal, adding unlike fractions.
    turn = engine.start_placement(STUDENT[0])
    while not turn.done:
        assert turn.item is not None
        known = turn.item.kp != GOAL
        answer = turn.item.answer if known else ""
        turn = engine.answer_placement(STUDENT[0], turn.item.item_id, answer)
    for _ in range(30):
        item = engine.next_item(STUDENT[0]).item
        assert item is not None
        if len(item.steps) > 1:
            break  # this problem shows the working box (more than one step)
        engine.submit(STUDENT[0], item.item_id, item.answer)
    engine.store.close()


def _working_for(item: Item) -> tuple[str, str, str]:
    for working, line, expected in WORKINGS:
        found = first_wrong_line(item, working)
        assert found is not None and found.expected == expected
        if check_answer(expected, item.answer, item.policy).status == "incorrect":
            return working, line, expected
    raise AssertionError(f"every working's value is the answer of {item.item_id}")


def _type_working(driver: Any, label: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, f'textarea[aria-label="{label}"]')
    box.click()
    for n, line in enumerate(value.split("\n")):
        if n:
            box.send_keys("\n")  # a new line in the box (Ctrl+Enter would send the form)
        box.send_keys(line)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_first_wrong_line_of_the_working_is_named(
    driver: Any, tmp_path: Path, lang: str
) -> None:
    _seed(tmp_path)
    process, url = start_app(tmp_path, tmp_path / "streamlit.log")
    tag = "en" if lang == "en" else "zh"

    def say(key: str, **values: object) -> str:
        return text(lang, key, **values)

    try:
        page = Page(driver, url, tmp_path)
        driver.get(url)
        if lang != "en":
            page.click_radio("简体中文")
            page.wait_text(say("user_id"))
        page.sign_in(*STUDENT, lang=lang)
        page.wait_text(say("page_practice"), say("check"), say("show_working"))
        item = page.item(STUDENT[0], zh=lang != "en")
        working, line, expected = _working_for(item)
        page.idle()
        page.type(say("your_answer"), WRONG_ANSWER)
        _type_working(driver, say("show_working"), working)
        page.shot(f"working-{tag}-typed")
        page.click(say("check"))

        if lang == "en":
            said = [f"Line 2: {line}. It should be {expected}.", "you added the numerators"]
        else:
            said = [f"第2行：{line}，应该是 {expected}。", "分子加分子"]
        body = page.wait_text(say("fb_incorrect"), say("working_title"), *said)
        # Under the feedback, before the hints and the second try.
        assert body.index(say("fb_incorrect")) < body.index(say("working_title"))
        assert body.index(said[0]) < body.index(say("try_again_title"))
        assert body.count(say("working_title")) == 1
        _no_ids(body)
        # The student's line is shown as typed: a code span holding exactly the line.
        from selenium.webdriver.common.by import By

        spans = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "code")]
        assert line in spans, spans
        page.shot(f"working-{tag}-line-named")

        # A hint later, the note is still there (kept with the item in this tab).
        page.idle()
        page.click(say("hint_button", n=1))
        body = page.wait_text(say("hint_n", n=1), say("working_title"), said[0])
        page.shot(f"working-{tag}-after-hint")

        # The gap read in the working leads the path: the next problem is on one of the
        # points adding across signals (the tutor says so).
        page.idle()
        page.click(say("show_solution"))
        page.wait_text(say("solution_title"), say("next_problem"))
        page.idle()
        page.click(say("next_problem"))
        second = page.item(STUDENT[0], other_than=item.item_id, zh=lang != "en")
        assert second.kp in get_misconception("mc.frac_add_across").signals, second.item_id
        page.shot(f"working-{tag}-gap-next")
        # Right answers until a problem with more than one step (the working box), then a
        # right answer with a slip in the working: said gently.
        for _ in range(12):
            if len(second.steps) > 1:
                break
            page.idle()
            page.type(say("your_answer"), second.answer)
            page.click(say("check"))
            page.wait_text(say("fb_correct"), say("next_problem"))
            page.idle()
            page.click(say("next_problem"))
            second = page.item(STUDENT[0], other_than=second.item_id, zh=lang != "en")
        assert len(second.steps) > 1, second.item_id
        page.wait_text(say("show_working"))
        page.idle()
        page.type(say("your_answer"), second.answer)
        slip = "2/3 + 1/6 = 3/9"
        _type_working(driver, say("show_working"), slip)
        page.click(say("check"))
        if lang == "en":
            gentle = ["Your answer is right!", f"Line 1: {slip}. It should be 5/6."]
        else:
            gentle = ["你的答案是对的！", f"第1行：{slip}，应该是 5/6。"]
        body = page.wait_text(say("fb_correct"), say("working_title"), *gentle)
        assert body.index(say("fb_correct")) < body.index(gentle[0])
        assert say("fb_incorrect") not in body
        _no_ids(body)
        page.shot(f"working-{tag}-right-answer-slip")
    finally:
        process.terminate()
        process.wait(timeout=20)
