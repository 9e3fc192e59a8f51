"""The tutoring turn (issue 15) through the engine on the embedded store: a wrong first
answer opens a second try, a hint ladder and the worked solution on request; knowledge
tracing sees only first answers; what happened is kept with the attempt."""

from __future__ import annotations

import pytest

from tests.unit.test_engine import make_engine
from tutor.content.items import regenerate
from tutor.content.misconceptions import buggy_answer
from tutor.engine import Engine, TurnRefused
from tutor.graph import GraphStore
from tutor.learner.mastery import Observation, replay

#: 2/3 + 5/6: "adding across" gives 7/9.
ITEM = "fraction_add_unlike:1:65"


@pytest.fixture
def engine(store: GraphStore) -> Engine:
    return make_engine(store)


def _wrong(item_id: str = ITEM) -> str:
    wrong = buggy_answer("mc.frac_add_across", regenerate(item_id))
    assert wrong is not None
    return wrong


def test_a_wrong_first_answer_opens_the_second_stage(engine: Engine) -> None:
    assert engine.turn("s1", ITEM).stage == "first"
    fb = engine.submit("s1", ITEM, _wrong())
    assert fb.recorded and fb.try_no == 1 and fb.turn is not None
    assert fb.turn.stage == "second" and fb.turn.next_hint == 1
    assert not fb.turn.solution_due and fb.turn.solution_open
    assert fb.to_json()["turn"] == {
        "item_id": ITEM,
        "stage": "second",
        "attempt": 1,
        "hints": [],
        "retry_answer": None,
        "retry_status": None,
        "solution_shown": False,
    }
    assert engine.turn("s1", ITEM) == fb.turn  # read back from the store


def test_the_hint_ladder_has_three_rungs_in_order(engine: Engine) -> None:
    with pytest.raises(TurnRefused, match="first answer") as before:
        engine.hint("s1", ITEM)
    assert before.value.code == "turn.answer_first"
    engine.submit("s1", ITEM, _wrong())
    assert [engine.hint("s1", ITEM).hints for _ in range(3)] == [(1,), (1, 2), (1, 2, 3)]
    with pytest.raises(TurnRefused, match="last hint") as fourth:
        engine.hint("s1", ITEM)
    assert fourth.value.code == "turn.no_more_hints"
    assert engine.store.attempts("s1")[-1].hints == (1, 2, 3)
    assert engine.turn("s1", ITEM).stage == "second"  # hints leave the second try open


def test_the_second_try_is_kept_and_only_the_first_answer_counts(engine: Engine) -> None:
    item = regenerate(ITEM)
    first = engine.submit("s1", ITEM, _wrong())
    after_first = engine.store.mastery("s1")
    path_after_first = engine.store.get_path("s1")
    engine.hint("s1", ITEM)
    second = engine.submit("s1", ITEM, item.answer)
    assert second.status == "correct" and second.try_no == 2 and not second.recorded
    assert second.attempt_seq == first.attempt_seq and not second.mastery_after
    assert second.turn is not None and second.turn.stage == "over" and second.turn.solved
    assert not second.turn.solution_due  # right on the second try: no solution pushed
    # Knowledge tracing saw the first (wrong) answer only: nothing moved.
    assert engine.store.mastery("s1") == after_first
    assert engine.store.get_path("s1") == path_after_first
    (stored,) = engine.store.attempts("s1")
    assert (stored.answer, stored.correct, stored.retry_answer, stored.retry_status) == (
        _wrong(),
        False,
        item.answer,
        "correct",
    )
    assert stored.hints == (1,) and not stored.solution_shown


def test_mastery_is_a_replay_of_first_answers_only(engine: Engine) -> None:
    """Every wrong first answer is followed by a right second try; the stored mastery is
    still exactly the replay of the first answers (as ASSISTments scores first tries)."""
    for n in range(8):
        nxt = engine.next_item("s1")
        assert nxt.item is not None
        if n % 2:
            engine.submit("s1", nxt.item.item_id, nxt.item.answer)
        else:
            engine.submit("s1", nxt.item.item_id, "0")
            retry = engine.submit("s1", nxt.item.item_id, nxt.item.answer)
            assert retry.try_no == 2 and retry.status == "correct"
    log = engine.store.attempts("s1")
    assert len(log) == 8 and sum(a.retry_status == "correct" for a in log) == 4
    observations = [
        Observation(a.kp, a.correct, a.at, regenerate(a.item_id).assesses, a.gap_kps) for a in log
    ]
    layers = {a.kp: engine.index().prerequisite_layers(a.kp) for a in log}
    assert replay(observations, layers) == engine.store.mastery("s1")


def test_a_second_miss_brings_the_solution_and_ends_the_turn(engine: Engine) -> None:
    engine.submit("s1", ITEM, _wrong())
    second = engine.submit("s1", ITEM, "1/2")
    assert second.try_no == 2 and second.status == "incorrect"
    assert second.turn is not None and second.turn.stage == "over"
    assert second.turn.solution_due and not second.turn.solved
    with pytest.raises(TurnRefused):
        engine.hint("s1", ITEM)
    shown = engine.show_solution("s1", ITEM)
    assert shown.attempt is not None and shown.attempt.solution_shown
    assert engine.store.attempts("s1")[-1].solution_shown
    # A third answer is checked, not kept, and says so.
    late = engine.submit("s1", ITEM, regenerate(ITEM).answer)
    assert late.status == "correct" and late.try_no == 0 and late.note == "turn.over"
    assert engine.store.attempts("s1")[-1].retry_answer == "1/2"


def test_asking_for_the_solution_ends_the_turn(engine: Engine) -> None:
    engine.submit("s1", ITEM, _wrong())
    turn = engine.show_solution("s1", ITEM)
    assert turn.stage == "over" and turn.solution_due
    late = engine.submit("s1", ITEM, regenerate(ITEM).answer)
    assert late.note == "turn.over" and not late.recorded
    assert engine.store.attempts("s1")[-1].retry_answer is None


def test_a_repeated_or_unreadable_second_try_does_not_use_it_up(engine: Engine) -> None:
    wrong = _wrong()
    engine.submit("s1", ITEM, wrong)
    again = engine.submit("s1", ITEM, f" {wrong} ")  # a double click
    assert again.note == "turn.same_answer" and again.try_no == 0
    unreadable = engine.submit("s1", ITEM, "3//4")
    assert unreadable.status == "unreadable" and not unreadable.recorded
    assert engine.turn("s1", ITEM).stage == "second"
    assert engine.submit("s1", ITEM, regenerate(ITEM).answer).try_no == 2


def test_a_right_first_answer_ends_the_turn(engine: Engine) -> None:
    item = regenerate(ITEM)
    fb = engine.submit("s1", ITEM, item.answer)
    assert fb.turn is not None and fb.turn.stage == "over" and fb.turn.first_correct
    for ask in (engine.hint, engine.show_solution):
        with pytest.raises(TurnRefused) as refused:
            ask("s1", ITEM)
        assert refused.value.code == "turn.already_right"
    late = engine.submit("s1", ITEM, "7/9")
    assert late.note == "turn.over" and late.try_no == 0
    assert engine.store.attempts("s1")[-1].retry_answer is None


def test_answering_another_item_closes_the_turn(engine: Engine) -> None:
    engine.submit("s1", ITEM, _wrong())
    other = "fraction_add_unlike:1:6"
    engine.submit("s1", other, regenerate(other).answer)
    assert engine.turn("s1", ITEM).stage == "over"
    late = engine.submit("s1", ITEM, regenerate(ITEM).answer)
    assert late.note == "turn.over"


def test_a_second_try_that_lost_a_race_is_not_kept_twice(engine: Engine) -> None:
    """Another tab's second try got in first: this one is checked, not kept."""
    first = engine.submit("s1", ITEM, _wrong())
    assert first.attempt_seq is not None
    engine.store.record_turn("s1", first.attempt_seq, retry=("1/2", "incorrect"))
    late = engine.submit("s1", ITEM, regenerate(ITEM).answer)
    assert late.note == "turn.over" and late.try_no == 0
    assert engine.store.attempts("s1")[-1].retry_answer == "1/2"


def test_a_new_page_goes_on_with_the_unfinished_turn(engine: Engine) -> None:
    """A reload (or another app process) asks ``open_turn`` first: the item of a turn left
    with its second try to come, with a reason in both languages; nothing once it is over."""
    assert engine.open_turn("s1") is None  # no answer yet
    engine.submit("s1", ITEM, _wrong())
    engine.hint("s1", ITEM)
    resumed = engine.open_turn("s1")
    assert resumed is not None and resumed.item is not None
    assert resumed.item.item_id == ITEM and resumed.choice.code == "policy.resume"
    name = engine.catalog.name(resumed.item.kp)
    assert name in resumed.choice.reason and resumed.choice.reason_zh
    assert engine.turn("s1", ITEM).hints == (1,)  # the page reads the turn as it was left
    second = engine.submit("s1", ITEM, "5/9")  # a second, different wrong answer
    assert second.try_no == 2 and second.turn is not None and second.turn.stage == "over"
    assert engine.open_turn("s1") is None


@pytest.mark.parametrize("end", ["right", "solution"])
def test_no_turn_is_open_after_a_right_answer_or_the_solution(engine: Engine, end: str) -> None:
    if end == "right":
        engine.submit("s1", ITEM, regenerate(ITEM).answer)
    else:
        engine.submit("s1", ITEM, _wrong())
        engine.show_solution("s1", ITEM)
    assert engine.open_turn("s1") is None
