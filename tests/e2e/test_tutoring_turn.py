"""The tutoring turn in a real browser, in English and in Chinese (issue 15): a wrong
answer → the verdict once and feedback → hint 1, hint 2 (in order, the newest under the
older) → a wrong second try → the worked solution. What a child sees is checked at each
step: the order, one verdict, no solution before the second miss, no ids. Screenshots of
every step go to ``artifacts/e2e/`` (``turn-<lang>-NN-…png``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import start_app
from tests.e2e.test_browser import STUDENT, TEACHER, Page, _buggy, seed
from tests.unit.test_app import names_the_misconception, states
from ui.i18n import text

pytestmark = pytest.mark.e2e

#: Ids a child must never see: item ids (family:level:seed), misconception and point ids.
IDS = re.compile(r"\b[a-z0-9_]+:\d+:\d+\b|\bmc\.[a-z_]+\b|\b[a-z_]+\.[a-z0-9_]+_[a-z0-9_]+\b")


def _in_order(page: Page, *parts: str) -> str:
    """Wait until all of ``parts`` are on the page; each must be there exactly once, in
    this order. The page's text."""
    body = page.wait_text(*parts)
    places = []
    for part in parts:
        assert body.count(part) == 1, f"{part!r} is on the page {body.count(part)} times:\n{body}"
        places.append(body.index(part))
    assert places == sorted(places), f"not in the order {parts}:\n{body}"
    return body


def _no_ids(body: str) -> None:
    found = IDS.search(body)
    assert found is None, f"the child's page shows an id ({found.group(0)!r}):\n{body}"


def _answer(page: Page, label: str, button: str, value: str) -> None:
    page.idle()
    page.type(label, value)
    page.click(button)


def _click(page: Page, label: str) -> None:
    page.idle()
    page.click(label)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_wrong_answer_feedback_hints_retry_solution(driver: Any, tmp_path: Path, lang: str) -> None:
    seed(tmp_path)
    process, url = start_app(tmp_path, tmp_path / "streamlit.log")
    tag = "en" if lang == "en" else "zh"

    def say(key: str, **values: object) -> str:
        return text(lang, key, **values)

    try:
        page = Page(driver, url, tmp_path)
        driver.get(url)
        if lang != "en":
            page.click_radio("简体中文")
            page.wait_text(text(lang, "user_id"))
        page.sign_in(*STUDENT, lang=lang)
        page.wait_text(say("page_practice"), say("check"))
        first = page.item(STUDENT[0], zh=lang != "en")
        _no_ids(page.body())
        page.shot(f"turn-{tag}-problem")

        # A right answer: the verdict once, then "why" on request.
        _answer(page, say("your_answer"), say("check"), first.answer)
        body = page.wait_text(say("fb_correct"), say("why_button"), say("wording_settings"))
        assert say("try_again_title") not in body
        _click(page, say("why_button"))
        body = page.wait_text(say("why_title"), say("wording_settings"))
        why = body.split(say("why_title"), 1)[1].split(say("wording_settings"), 1)[0]
        assert len(why.strip()) > 10, body
        _no_ids(body)
        page.shot(f"turn-{tag}-right-and-why")

        # A wrong answer with a misconception's buggy rule.
        _click(page, say("next_problem"))
        item = page.item(STUDENT[0], other_than=first.item_id, zh=lang != "en")
        bug = _buggy(item)
        assert bug is not None, f"no buggy rule applies to {item.item_id}"
        _, wrong = bug
        _answer(page, say("your_answer"), say("check"), wrong)
        body = _in_order(
            page,
            say("you_answered", answer=wrong),
            say("fb_incorrect"),
            say("hint_button", n=1),
            say("try_again_title"),
            say("check_again"),
            say("show_solution"),
        )
        feedback = body.split(say("fb_incorrect"), 1)[1].split(say("hint_button", n=1), 1)[0]
        assert len(feedback.strip()) > 20, body  # feedback addressed to the student
        assert names_the_misconception(item.item_id, wrong, lang, feedback), feedback
        assert not states(item.answer, body), body
        assert say("solution_title") not in body and say("next_problem") not in body
        assert render_verdict(lang) not in body  # the checker's verdict is not said again
        _no_ids(body)
        page.shot(f"turn-{tag}-wrong-feedback")

        _click(page, say("hint_button", n=1))
        _in_order(
            page,
            say("fb_incorrect"),
            say("hint_n", n=1),
            say("hint_button", n=2),
            say("show_solution"),
        )
        page.shot(f"turn-{tag}-hint-1")

        # A reload in the middle of the turn: still signed in, same problem, same hint, the
        # second try still there (the page asks the engine for the unfinished turn first).
        driver.refresh()
        body = _in_order(
            page,
            say("fb_incorrect"),
            say("hint_n", n=1),
            say("hint_button", n=2),
            say("try_again_title"),
            say("show_solution"),
        )
        prompt = item.prompt_zh if lang != "en" and item.prompt_zh else item.prompt
        assert prompt in body, body
        page.shot(f"turn-{tag}-reloaded")

        _click(page, say("hint_button", n=2))
        body = _in_order(
            page,
            say("fb_incorrect"),
            say("hint_n", n=1),
            say("hint_n", n=2),
            say("hint_button", n=3),
            say("try_again_title"),
            say("show_solution"),
        )
        assert say("solution_title") not in body
        assert not states(item.answer, body), body  # no answer before the second miss
        _no_ids(body)
        page.shot(f"turn-{tag}-hint-2")

        # A wrong second try: now the worked solution.
        _answer(page, say("your_second_try"), say("check_again"), "12345")
        body = _in_order(
            page,
            say("fb_incorrect"),
            say("hint_n", n=2),
            say("your_second_answer", answer="12345"),
            say("retry_incorrect"),
            say("solution_title"),
            say("next_problem"),
        )
        solution = body.split(say("solution_title"), 1)[1].split(say("wording_settings"), 1)[0]
        assert len(solution.strip()) > 40, body
        assert say("try_again_title") not in body and say("hint_button", n=3) not in body
        if lang != "en":
            assert re.search(r"[\u4e00-\u9fff]", solution), solution  # worded in Chinese
        _no_ids(body)
        page.shot(f"turn-{tag}-second-miss-solution")

        # The teacher sees the turn in the drill-down: the hints and the second try.
        _click(page, say("sign_out"))
        page.sign_in(*TEACHER, lang=lang)
        page.wait_text(say("page_dashboard"))
        page.open_page("student")
        page.wait_text(
            say("page_student"),
            say("col_second_try"),
            say("second_try_cell", answer="12345", verdict=say("status_incorrect")),
            item.prompt_zh if lang != "en" and item.prompt_zh else item.prompt,
        )
        page.shot(f"turn-{tag}-teacher-drill-down")
    finally:
        process.terminate()
        process.wait(timeout=20)


def render_verdict(lang: str) -> str:
    """The answer checker's own "not quite" line in ``lang`` (the page says its verdict
    once, in its own words)."""
    from tutor.i18n import render

    return render("answer.incorrect", {}, "zh-Hans" if lang != "en" else "en")
