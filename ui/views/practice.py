"""Practice (students): the next problem and why, an answer box, instant feedback, the
misconception named kindly, a streamed explanation, hints one at a time and, for items
with several steps, a box to show working."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import InputError, TutorError
from ui import state
from ui.state import t
from ui.widgets import plain

if TYPE_CHECKING:
    from tutor.access import StudentAPI
    from tutor.service import Feedback, Language, NextItem, Style

#: Interface language -> the language code the explanation is asked in.
EXPLAIN_LANG: dict[str, Language] = {"en": "en", "zh-Hans": "zh"}


def _next(api: StudentAPI) -> NextItem | None:
    """The current item of this tab, asking the engine for one when there is none."""
    current: NextItem | None = state.user_state("next")
    if current is None:
        try:
            current = api.next_item()
        except TutorError as exc:
            state.show_error(exc)
            return None
        state.set_user_state("next", current)
        state.clear_user_state("feedback", "hints", "explanation", "answer_given")
    return current


def _stream(text: str) -> None:
    """Stream verified text onto the page (the engine's guard already checked it)."""
    st.write_stream(state.words(text))


def _explain(api: StudentAPI, item_id: str, answer: str | None, style: Style, lang: str) -> None:
    from tutor.access import ExplainOptions

    try:
        options = ExplainOptions(kind="explanation", style=style, language=EXPLAIN_LANG[lang])
        explanation = api.explain(item_id, answer, options)
    except TutorError as exc:
        state.show_error(exc)
        return
    _stream(explanation.text)
    state.set_user_state("explanation", explanation.text)


#: The checker's codes that say no more than the verdict line itself.
PLAIN_VERDICTS = frozenset({"answer.correct", "answer.incorrect"})


def _feedback(fb: Feedback) -> None:
    """Correct / not quite / couldn't read, the checker's detail, and the misconception."""
    if fb.status == "correct":
        st.success(t("fb_correct"))
    elif fb.status == "incorrect":
        st.warning(t("fb_incorrect"))
    elif fb.status == "not_simplified":
        st.info(t("fb_not_simplified"))
    else:
        st.info(t("fb_unreadable"))
    if fb.misconception is not None:
        mc = fb.misconception
        description = (mc.description_zh or mc.description) if state.zh() else mc.description
        st.info(t("fb_misconception", description=description.rstrip(".。 ")))
    elif fb.message and fb.code not in PLAIN_VERDICTS:
        # The checker's own words (what it could not read, which form it wants), which
        # the engine gives as a code: worded in the tab's language. A bare "Correct!" or
        # "Not quite" would only repeat the verdict shown just above.
        # What the student typed comes back in some messages: shown as typed.
        st.caption(state.checker_message(fb.code, {**fb.params, **_typed(fb.params)}))
    if fb.gap_kps:
        names = ", ".join(state.kp_name(kp) for kp in fb.gap_kps)
        st.caption(t("fb_gaps", names=names))
    if fb.status in ("unreadable", "not_simplified"):
        st.caption(t("fb_try_again"))
    elif not fb.recorded:
        st.caption(t("fb_not_recorded"))


def _typed(params: Mapping[str, object]) -> dict[str, str]:
    """The checker's parameters that hold the student's own text, made plain."""
    return {k: plain(v) for k, v in params.items() if k == "text"}


def _hints(api: StudentAPI, item_id: str, steps: int) -> None:
    """Hints one at a time: each click asks for the next one; earlier ones stay shown."""
    shown: list[str] = state.user_state("hints", [])
    for number, hint in enumerate(shown, 1):
        st.markdown(f"**{t('hint_n', n=number)}** {hint}")
    if len(shown) >= max(steps, 1):
        st.caption(t("no_more_hints"))
        return
    if st.button(t("show_hint"), key=state.USER_PREFIX + "hint_button"):
        from tutor.access import ExplainOptions

        try:
            options = ExplainOptions(
                kind="hint", hint_index=len(shown), language=EXPLAIN_LANG[state.lang()]
            )
            hint_text = api.explain(item_id, options=options).text
        except InputError:
            st.caption(t("no_more_hints"))
            return
        except TutorError as exc:
            state.show_error(exc)
            return
        st.markdown(f"**{t('hint_n', n=len(shown) + 1)}**")
        _stream(hint_text)
        state.set_user_state("hints", [*shown, hint_text])


def render() -> None:
    """The practice page for the signed-in student."""
    api = state.require_student()
    from ui.views import placement

    if placement.show(api):  # a new student's knowledge check (or its summary) comes first
        return
    st.title(t("page_practice"))
    if api.me.goal is None:
        st.info(t("no_goal"))
        return
    current = _next(api)
    if current is None:
        return
    choice = current.choice
    st.caption(choice.reason_zh if state.zh() and choice.reason_zh else choice.reason)
    item = current.item
    if item is None:
        st.success(t("goal_reached"))
        return
    if current.example is not None:  # stuck on this point: a solved one of the same kind first
        with st.expander(t("worked_example"), expanded=True):
            ex = current.example
            st.markdown(ex.prompt_zh if state.zh() and ex.prompt_zh else ex.prompt)
            for n, step in enumerate(ex.steps, 1):
                st.markdown(f"**{t('step_n', n=n)}** {step.text_zh if state.zh() else step.text}")
    st.subheader(t("problem_on", kp=state.kp_name(item.kp)))
    st.markdown(item.prompt_zh if state.zh() and item.prompt_zh else item.prompt)
    # The id lets anyone regenerate exactly this item (`tutor content items`), e.g. a test.
    st.caption(t("item_caption", item_id=item.item_id, level=item.difficulty))
    feedback: Feedback | None = state.user_state("feedback")
    with st.form(state.USER_PREFIX + "answer_form", clear_on_submit=False):
        # Keyed by the item, so a new item starts with an empty box (the browser keeps a
        # widget's text for as long as its key lives).
        answer = st.text_input(t("your_answer"), key=f"{state.USER_PREFIX}answer:{item.item_id}")
        working = None
        if len(item.steps) > 1:
            working = st.text_area(
                t("show_working"),
                help=t("show_working_help"),
                key=f"{state.USER_PREFIX}working:{item.item_id}",
            )
        submitted = st.form_submit_button(t("check"), type="primary")
    with st.expander(t("syntax_title")):
        st.markdown(t("syntax_help"))
    if submitted:
        if not answer.strip():
            st.info(t("empty_answer"))
        else:
            try:
                feedback = api.submit(item.item_id, answer, working=working or None)
            except TutorError as exc:
                state.show_error(exc)
                return
            state.set_user_state("feedback", feedback)
            state.set_user_state("answer_given", answer)
            state.clear_user_state("explanation")
    if feedback is not None:
        _feedback(feedback)
    _hints(api, item.item_id, len(item.steps))
    if feedback is not None and feedback.status in ("correct", "incorrect"):
        _explanation_box(api, item.item_id, feedback, fresh=submitted)
        if st.button(t("next_problem"), type="primary", key=state.USER_PREFIX + "next_button"):
            state.clear_user_state("next", f"answer:{item.item_id}", f"working:{item.item_id}")
            st.rerun()


def _explanation_box(api: StudentAPI, item_id: str, fb: Feedback, *, fresh: bool) -> None:
    """The explanation: streamed at once after a wrong answer, on request otherwise, in the
    style and language the student picks."""
    styles = list(api.catalog.styles())
    st.subheader(t("explanation"))
    left, right = st.columns(2)
    style: Style = left.selectbox(
        t("style"),
        styles,
        index=styles.index("friendly"),
        format_func={s: t(f"style_{s}") for s in styles}.__getitem__,
        key=state.USER_PREFIX + "style",
    )
    lang = right.selectbox(
        t("explain_language"),
        list(EXPLAIN_LANG),
        index=list(EXPLAIN_LANG).index(state.lang()),
        format_func={code: t(f"lang_{code}") for code in EXPLAIN_LANG}.__getitem__,
        key=state.USER_PREFIX + "explain_lang",
    )
    answer = state.user_state("answer_given")
    if (fresh and fb.status == "incorrect") or st.button(
        t("explain_button"), key=state.USER_PREFIX + "explain_button"
    ):
        _explain(api, item_id, answer, style, lang)
    elif state.user_state("explanation"):
        st.markdown(state.user_state("explanation"))


render()
