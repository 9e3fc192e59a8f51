"""ui.working: the note on the shown working (issue 20) — kept with the item after the
answer, the template at once and the model's words when ready, the student's line shown as
typed (AppTest with a fake, slow model behind a fake facade)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import ClassVar

from streamlit.testing.v1 import AppTest

from tests.unit.test_app import read
from ui.i18n import text
from ui.working import literal_line

#: Released by the test when the fake model may answer.
RELEASE = threading.Event()
TIMEOUT = 30
ITEM = "fraction_add_unlike:2:10"
WORKING = "2/5 = 4/10\n2/5 + 1/10 = 3/15"
LINE = "2/5 + 1/10 = 3/15"


@dataclass(frozen=True)
class _Said:
    text: str
    guard: str = "accepted"


class FakeSlowFacade:
    """A fake of the StudentAPI's wording calls: the template at once (with the line), the
    model's text only after :data:`RELEASE`; it records the options it was asked with."""

    asked: ClassVar[list[object]] = []

    @property
    def user_id(self) -> str:
        return "s-fake"

    def words_with_model(self, language: str) -> bool:
        return True

    def explain(
        self, item_id: str, answer: str | None, options: object, *, template: bool = False
    ) -> _Said:
        FakeSlowFacade.asked.append(options)
        if template:
            return _Said(f"Line 2: {LINE}. It should be 1/2. Keep *one* size.")
        RELEASE.wait(TIMEOUT)
        return _Said(f"Look at line 2: {LINE}. It should be 1/2.")


def _page(with_feedback: bool) -> None:
    import streamlit as st

    from tests.unit.test_working_note import ITEM, WORKING, FakeSlowFacade
    from tutor.diagnosis.lines import WrongLine
    from tutor.llm.options import ExplainOptions
    from tutor.turns import Feedback, turn_of
    from ui import working

    if with_feedback and "u_feedback" not in st.session_state:
        # What ui.views.practice leaves after the first answer: the engine's feedback, and
        # the working box's text (read in the run that follows the answer).
        line = WrongLine(2, "2/5 + 1/10 = 3/15", "3/15", "1/2", "mc.frac_add_across")
        st.session_state["u_feedback"] = Feedback(
            "incorrect", "", True, turn=turn_of(ITEM, None, latest=True), working=line
        )
        st.session_state[f"u_working:{ITEM}"] = WORKING
    working.show(FakeSlowFacade(), ITEM, "11/10", ExplainOptions(language="en"))  # type: ignore[arg-type]


def _said(at: AppTest) -> list[str]:
    """What the page says, each typeset formula as its plain form (as a screen reader)."""
    return [read(str(m.value)) for m in at.markdown] + [str(c.value) for c in at.caption]


def test_the_note_shows_the_template_then_the_model_with_the_line_as_typed() -> None:
    RELEASE.clear()
    FakeSlowFacade.asked.clear()
    at = AppTest.from_function(_page, args=(True,), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    said = _said(at)
    assert said[0] == f"**{text('en', 'working_title')}**"
    # The line as typed (a code span), the rest as plain text ("*one*" is not emphasis).
    assert said[1] == r"Line 2: `2/5 + 1/10 = 3/15`. It should be 1/2. Keep \*one\* size."
    assert [(s.label, s.state) for s in at.status] == [(text("en", "wording_spinner"), "running")]
    asked = FakeSlowFacade.asked[0]
    assert (asked.kind, asked.working) == ("working", WORKING)  # type: ignore[attr-defined]
    # The working box is gone on later runs: the note is kept with the item.
    del at.session_state[f"u_working:{ITEM}"]
    RELEASE.set()
    made = next(iter(at.session_state["u_texts"].values()))
    assert made.model is not None and made.model.wait(TIMEOUT)
    at.run()
    assert _said(at)[1:] == ["Look at line 2: `2/5 + 1/10 = 3/15`. It should be 1/2."]


def test_no_wrong_line_no_note() -> None:
    at = AppTest.from_function(_page, args=(False,), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception and _said(at) == []


def test_a_line_with_markdown_in_it_is_shown_as_typed() -> None:
    line = "[1](http://e.vil) * $2$ = 3"
    shown = literal_line(f"Line 1: {line}. It should be 2.", line)
    assert shown == "Line 1: `[1](http://e.vil) * $2$ = 3`. It should be 2."
    # Not in the text (a model reworded it): everything is escaped plain text.
    assert literal_line("Line 1: *x*", "y = 2") == r"Line 1: \*x\*"
