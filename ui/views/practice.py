"""Practice (students): the next problem and why, and a tutoring turn that teaches before
it tells (:mod:`tutor.turns`).

In the order a child reads it: the problem; the answer box; then, after a wrong first
answer, the verdict (once), feedback about their answer, the hint buttons (each hint under
the ones before it), a second try, and a button for the worked solution (which ends the
turn). The worked solution shows by itself only after the second miss. After a right
answer, "Why is it right?" gives the short reason. Where the turn stands is read from the
engine on every run, so a reload or a second tab shows the same turn; every text comes
through :mod:`ui.wording` (the template at once, the model's wording when it is ready).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import state, wording
from ui import working as working_note
from ui.state import t
from ui.widgets import maths, plain

if TYPE_CHECKING:
    from tutor.access import ExplainOptions, StudentAPI
    from tutor.service import Feedback, Kind, Language, NextItem, Style, Turn

#: Interface language -> the language code the explanation is asked in.
EXPLAIN_LANG: dict[str, Language] = {"en": "en", "zh-Hans": "zh"}


def _next(api: StudentAPI) -> NextItem | None:
    """The current item of this tab, asking the engine for one when there is none: the
    item of an unfinished turn first (a reload or another process goes on with it), else
    the next one."""
    current: NextItem | None = state.user_state("next")
    if current is None:
        try:
            current = api.open_turn() or api.next_item()
        except TutorError as exc:
            state.show_error(exc)
            return None
        state.set_user_state("next", current)
        state.clear_user_state("feedback", "error")
        wording.forget()
    return current


# -- what the buttons do (callbacks: they run before the page is drawn again, so the page
# -- is drawn once, from the turn as it is after the click) ------------------------------


def _answer_key(item_id: str, try_no: int) -> str:
    return f"{state.USER_PREFIX}answer:{item_id}:{try_no}"


def _submit(api: StudentAPI, item_id: str, try_no: int) -> None:
    answer = str(st.session_state.get(_answer_key(item_id, try_no), "")).strip()
    working = st.session_state.get(f"{state.USER_PREFIX}working:{item_id}") or None
    state.clear_user_state("feedback", "error")
    if not answer:
        state.set_user_state("error", t("empty_answer"))
        return
    try:
        feedback = api.submit(item_id, answer, working=working if try_no == 1 else None)
    except TutorError as exc:
        state.set_user_state("error", exc)
        return
    state.set_user_state("feedback", feedback)


def _hint(api: StudentAPI, item_id: str) -> None:
    state.clear_user_state("feedback", "error")
    try:
        api.hint(item_id)
    except TutorError as exc:
        state.set_user_state("error", exc)


def _solution(api: StudentAPI, item_id: str) -> None:
    state.clear_user_state("feedback", "error")
    try:
        api.show_solution(item_id)
    except TutorError as exc:
        state.set_user_state("error", exc)


def _ask_why() -> None:
    state.set_user_state("why", True)


def _next_problem(item_id: str) -> None:
    state.clear_user_state("next", "why", *(f"answer:{item_id}:{n}" for n in (1, 2)))
    state.clear_user_state(f"working:{item_id}")


# -- drawing ------------------------------------------------------------------------------


def _explain_lang_key() -> str:
    # Per interface language: switching the page to Chinese switches the tutor's words too,
    # unless the student picked another language for them on this page.
    return f"explain_lang:{state.lang()}"


def _options(kind: Kind, *, level: int = 1) -> ExplainOptions:
    from tutor.access import ExplainOptions

    style: Style = state.user_state("style", "friendly")
    language = EXPLAIN_LANG.get(state.user_state(_explain_lang_key(), state.lang()), "en")
    return ExplainOptions(kind=kind, hint_level=level, style=style, language=language)


def _text(api: StudentAPI, item_id: str, answer: str | None, kind: Kind, level: int = 1) -> None:
    """One text for the student (see :mod:`ui.wording`), in the chosen style and language."""
    options = _options(kind, level=level)
    key = f"{item_id}|{kind}|{level}|{options.style}|{options.language}|{answer}"
    made = wording.wording(api, key, item_id, answer, options)
    if made is not None:
        wording.show(made, literal=answer)  # their answer, where quoted, as typed


def _last_message() -> None:
    """What the last click brought that the turn itself does not show: an answer that could
    not be read or is not simplified (it did not count), a repeated or late answer, an error."""
    error = state.user_state("error")
    if isinstance(error, TutorError):
        state.show_error(error)
    elif error:
        st.info(error)
    fb: Feedback | None = state.user_state("feedback")
    if fb is None:
        return
    if fb.status in ("unreadable", "not_simplified"):
        st.info(t("fb_not_simplified" if fb.status == "not_simplified" else "fb_unreadable"))
        if fb.message:
            st.caption(state.checker_message(fb.code, {**fb.params, **_typed(fb.params)}))
        st.caption(t("fb_try_again"))
    elif fb.note:
        st.info(state.checker_message(fb.note, {}))


def _typed(params: Mapping[str, object]) -> dict[str, str]:
    """The checker's parameters that hold the student's own text, made plain."""
    return {k: plain(v) for k, v in params.items() if k == "text"}


def _answer_form(api: StudentAPI, item_id: str, try_no: int, *, working: bool) -> None:
    """The answer box: the first answer, or the second try."""
    with st.form(f"{state.USER_PREFIX}answer_form:{try_no}", clear_on_submit=False):
        # Keyed by the item and the try, so each starts with an empty box.
        st.text_input(
            t("your_answer" if try_no == 1 else "your_second_try"),
            key=_answer_key(item_id, try_no),
        )
        if working:
            st.text_area(
                t("show_working"),
                help=t("show_working_help"),
                key=f"{state.USER_PREFIX}working:{item_id}",
            )
        st.form_submit_button(
            t("check" if try_no == 1 else "check_again"),
            type="primary",
            on_click=_submit,
            args=(api, item_id, try_no),
        )
    _last_message()


def _wording_choices(api: StudentAPI) -> None:
    """The style and language of the tutor's words (kept per tab)."""
    styles = list(api.catalog.styles())
    with st.expander(t("wording_settings")):
        left, right = st.columns(2)
        left.selectbox(
            t("style"),
            styles,
            index=styles.index(state.user_state("style", "friendly")),
            format_func={s: t(f"style_{s}") for s in styles}.__getitem__,
            key=state.USER_PREFIX + "style",
        )
        langs = list(EXPLAIN_LANG)
        right.selectbox(
            t("explain_language"),
            langs,
            index=langs.index(state.user_state(_explain_lang_key(), state.lang())),
            format_func={code: t(f"lang_{code}") for code in EXPLAIN_LANG}.__getitem__,
            key=state.USER_PREFIX + _explain_lang_key(),
        )


def _after_right(api: StudentAPI, item_id: str, answer: str) -> None:
    """A right answer: on request, the short reason why it is right."""
    if state.user_state("why"):
        st.markdown(f"**{t('why_title')}**")
        _text(api, item_id, answer, "why")
    else:
        st.button(t("why_button"), key=state.USER_PREFIX + "why_button", on_click=_ask_why)


def _turn(api: StudentAPI, item_id: str, turn: Turn) -> None:
    """Everything after the first answer, in the order a child reads it."""
    first = turn.attempt
    assert first is not None  # a turn past its first stage has its first answer
    st.caption(t("you_answered", answer=plain(first.answer)))  # as typed, never typeset
    if first.correct:
        st.success(t("fb_correct"))
        working_note.show(api, item_id, first.answer, _options("working"))  # a slip, gently
        _after_right(api, item_id, first.answer)
        return
    st.warning(t("fb_incorrect"))
    _text(api, item_id, first.answer, "feedback")
    working_note.show(api, item_id, first.answer, _options("working"))  # first wrong line
    for level in turn.hints:  # in order: the newest under the older ones
        with st.container(border=True):
            st.markdown(f"**{t('hint_n', n=level)}**")
            _text(api, item_id, first.answer, "hint", level)
    if turn.stage == "second":
        if turn.next_hint is not None:
            st.button(
                t("hint_button", n=turn.next_hint),
                key=state.USER_PREFIX + "hint_button",
                on_click=_hint,
                args=(api, item_id),
            )
        else:
            st.caption(t("no_more_hints"))
        st.markdown(f"**{t('try_again_title')}**")
        _answer_form(api, item_id, 2, working=False)
        st.button(
            t("show_solution"),
            key=state.USER_PREFIX + "solution_button",
            help=t("show_solution_help"),
            on_click=_solution,
            args=(api, item_id),
        )
        return
    if first.retry_answer is not None:
        st.caption(t("your_second_answer", answer=plain(first.retry_answer)))
        if first.retry_status == "correct":
            st.success(t("retry_correct"))
        else:
            st.warning(t("retry_incorrect"))
    _last_message()
    if turn.solution_due:
        if not first.solution_shown:
            # After the second miss the solution shows by itself; the teacher's log says so.
            _solution(api, item_id)
        st.subheader(t("solution_title"))
        wrong = first.retry_answer if first.retry_answer is not None else first.answer
        _text(api, item_id, wrong, "explanation")
    elif first.retry_status == "correct":
        _after_right(api, item_id, first.retry_answer or "")


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
            maths(ex.prompt_zh if state.zh() and ex.prompt_zh else ex.prompt)
            for n, step in enumerate(ex.steps, 1):
                maths(step.text_zh if state.zh() else step.text, prefix=f"**{t('step_n', n=n)}** ")
    st.subheader(t("problem_on", kp=state.kp_name(item.kp)))
    maths(item.prompt_zh if state.zh() and item.prompt_zh else item.prompt)
    st.caption(t("level_caption", level=item.difficulty))
    try:
        turn = api.turn(item.item_id)
    except TutorError as exc:
        state.show_error(exc)
        return
    working = len(item.steps) > 1
    if turn.stage == "first":
        _answer_form(api, item.item_id, 1, working=working)
        with st.expander(t("syntax_title")):
            st.markdown(t("syntax_help"))
    else:
        _turn(api, item.item_id, turn)
    _wording_choices(api)
    if turn.stage == "over":
        st.button(
            t("next_problem"),
            type="primary",
            key=state.USER_PREFIX + "next_button",
            on_click=_next_problem,
            args=(item.item_id,),
        )


render()
