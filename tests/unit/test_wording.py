"""ui.wording: the template's words show at once, the model's replace them when ready, and
the page never waits on the model (AppTest with a fake, slow model behind a fake facade)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import text

#: Released by the test when the fake model may answer.
RELEASE = threading.Event()
TIMEOUT = 30


@dataclass(frozen=True)
class _Said:
    text: str
    guard: str = "accepted"


class FakeSlowFacade:
    """A fake of the StudentAPI's wording calls: the template at once; the model's text
    only after :data:`RELEASE` (or an error, when ``fails``)."""

    def __init__(self, fails: bool = False) -> None:
        self.fails = fails

    @property
    def user_id(self) -> str:
        return "s-fake"

    def words_with_model(self, language: str) -> bool:
        return True

    def explain(
        self, item_id: str, answer: str | None, options: object, *, template: bool = False
    ) -> _Said:
        if template:
            return _Said("Template words: keep the bottom, 2/5 + 1/5 = 3/5 and not $5 *each*.")
        RELEASE.wait(TIMEOUT)
        if self.fails:
            raise RuntimeError("the fake model broke")
        return _Said("Model words, checked by the guard.")


def _page(fails: bool) -> None:
    from tests.unit.test_wording import FakeSlowFacade
    from tutor.llm.options import ExplainOptions
    from ui import wording

    made = wording.wording(
        FakeSlowFacade(fails),  # type: ignore[arg-type]
        "item|hint|1",
        "fraction_add_unlike:1:65",
        None,
        ExplainOptions(kind="hint"),
    )
    assert made is not None
    wording.show(made)


def _said(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]


@pytest.mark.parametrize("fails", [False, True])
def test_template_first_then_the_model_without_waiting(fails: bool) -> None:
    RELEASE.clear()
    at = AppTest.from_function(_page, args=(fails,), default_timeout=TIMEOUT)
    started = time.monotonic()
    at.run()
    assert not at.exception, at.exception
    assert time.monotonic() - started < TIMEOUT / 2  # the run did not wait for the model
    said = _said(at)
    # The maths typeset (labelled with its plain form); "$" and "*" of the words are not
    # Markdown here.
    template = (
        'Template words: keep the bottom, <span role="img" aria-label="2/5 + 1/5 = 3/5">'
        r"$\frac{2}{5} + \frac{1}{5} = \frac{3}{5}$</span> and not \$5 \*each\*."
    )
    assert said[0] == template
    # A running spinner while the model words it.
    assert [(s.label, s.state) for s in at.status] == [(text("en", "wording_spinner"), "running")]
    RELEASE.set()
    made = next(iter(at.session_state["u_texts"].values()))
    assert made.model is not None
    assert made.model.wait(TIMEOUT)  # the server's worker finished (or failed) the wording
    assert made.model.state == ("failed" if fails else "done")
    at.run()
    said = _said(at)
    expected = template if fails else "Model words, checked by the guard."
    assert said == [expected]  # a failed model leaves the template
    assert not at.status  # the spinner is gone
