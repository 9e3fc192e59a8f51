"""What one turn of practice gives back: the next item with its reason (:class:`NextItem`),
the feedback on an answer (:class:`Feedback`) and where the tutoring turn on an item stands
(:class:`Turn`); and of the initial knowledge check, one question (:class:`PlacementTurn`) and
the result (:class:`Placement`).

Plain results of :meth:`tutor.engine.Engine.next_item` and
:meth:`tutor.engine.Engine.submit`, with their JSON forms (the CLI's contract); kept apart
from the engine so the facade stays a list of decisions.

**A tutoring turn teaches before it tells** (issue 15). The first answer to an item is the
attempt that counts (knowledge tracing and mastery see only it, as in ASSISTments). After
a wrong first answer the turn is in its ``second`` stage: the student reads feedback about
their answer, may climb the hint ladder (:data:`~tutor.domain.HINT_LEVELS` rungs: a nudge,
the next step with a blank, the worked step) and has one second try; the worked solution
comes after the second miss or when the student asks for it, and either ends the turn. A
right first answer ends the turn at once. So does the student's next answer to another
item: only the latest item can be tried again. :func:`turn_of` reads the stage from the
stored attempt, so a reloaded page, another tab and the CLI all see the same turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from tutor.content.items import Item
from tutor.content.misconceptions import Misconception
from tutor.diagnosis.lines import WrongLine
from tutor.domain import HINT_LEVELS, Attempt, StoredPath
from tutor.policy.select import Choice

__all__ = [
    "Feedback",
    "NextItem",
    "Placement",
    "PlacementTurn",
    "Turn",
    "TurnStage",
    "WrongLine",
    "same_answer",
    "turn_of",
]

#: ``first``: no answer yet; ``second``: the first answer was wrong and a second try,
#: hints and the solution are open; ``over``: nothing more counts for this item.
TurnStage = Literal["first", "second", "over"]


@dataclass(frozen=True)
class Turn:
    """Where a student's tutoring turn on one item stands.

    ``attempt`` is the recorded first answer with what followed it (None before one).
    """

    item_id: str
    stage: TurnStage
    attempt: Attempt | None = None

    @property
    def hints(self) -> tuple[int, ...]:
        """The hint levels asked for so far, in order."""
        return self.attempt.hints if self.attempt is not None else ()

    @property
    def next_hint(self) -> int | None:
        """The next rung of the hint ladder the student may ask for (None: none now)."""
        if self.stage != "second":
            return None
        level = max(self.hints, default=0) + 1
        return level if level <= HINT_LEVELS else None

    @property
    def first_correct(self) -> bool:
        """Whether the first answer was right."""
        return self.attempt is not None and self.attempt.correct

    @property
    def solved(self) -> bool:
        """Whether the first answer or the second try was right."""
        a = self.attempt
        return a is not None and (a.correct or a.retry_status == "correct")

    @property
    def solution_open(self) -> bool:
        """Whether the worked solution may be shown: the first answer was wrong (then it
        ends the turn when asked for), or it was shown already."""
        a = self.attempt
        return a is not None and (not a.correct or a.solution_shown)

    @property
    def solution_due(self) -> bool:
        """Whether the page shows the worked solution now: the turn ended without the
        right answer (the second try missed), or the student asked for it."""
        a = self.attempt
        if a is None or a.correct:
            return False
        return a.solution_shown or (a.retry_answer is not None and a.retry_status != "correct")

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        a = self.attempt
        return {
            "item_id": self.item_id,
            "stage": self.stage,
            "attempt": None if a is None else a.seq,
            "hints": list(self.hints),
            "retry_answer": None if a is None else a.retry_answer,
            "retry_status": None if a is None else a.retry_status,
            "solution_shown": a is not None and a.solution_shown,
        }


def turn_of(item_id: str, attempt: Attempt | None, *, latest: bool) -> Turn:
    """The turn on ``item_id`` given its recorded first answer (None: not answered yet);
    ``latest``: that answer is still the student's latest attempt."""
    if attempt is None:
        return Turn(item_id, "first")
    open_ = (
        not attempt.correct
        and attempt.retry_answer is None
        and not attempt.solution_shown
        and latest
    )
    return Turn(item_id, "second" if open_ else "over", attempt)


def same_answer(first: str, second: str) -> bool:
    """Whether a second try only repeats the first answer (a double click, or Enter
    pressed twice): spacing and letter case aside, the same text."""
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


@dataclass(frozen=True)
class NextItem:
    """The policy's choice and the item made for it (None when the goal is reached).

    ``example`` is a worked example to show before the item (a similar item of the same
    point and level, with its verified steps) when the choice's approach is
    ``"worked_example"`` (a student stuck on the point); None otherwise.
    """

    choice: Choice
    item: Item | None
    example: Item | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the item without its answer and steps: those are the engine's)."""
        item = None
        if self.item is not None:
            item = {
                "item_id": self.item.item_id,
                "kp": self.item.kp,
                "difficulty": self.item.difficulty,
                "prompt": self.item.prompt,
                "prompt_zh": self.item.prompt_zh,
            }
        return {"choice": self.choice.to_json(), "item": item}


@dataclass(frozen=True)
class Feedback:
    """What the student sees after answering, and what changed."""

    status: str
    message: str
    recorded: bool
    misconception: Misconception | None = None
    gap_kps: tuple[str, ...] = ()
    mastery_before: Mapping[str, float] = field(default_factory=dict)
    mastery_after: Mapping[str, float] = field(default_factory=dict)
    attempt_seq: int | None = None
    #: the learning path as revised after this answer (None when nothing was recorded)
    path: StoredPath | None = None
    #: the checker's message as a code and parameters (``message`` is its English): a
    #: page renders it in its own language with :func:`tutor.i18n.render`
    code: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    #: which try of the tutoring turn this answer was: 1 the first (the one that counts),
    #: 2 the second try after a wrong first answer, 0 neither (not counted)
    try_no: int = 1
    #: the tutoring turn after this answer (None for an answer that was not read)
    turn: Turn | None = None
    #: why an answer to an answered item did not count, as a message code (``turn.over``:
    #: the turn is over; ``turn.same_answer``: the second try repeated the first answer)
    note: str = ""
    #: the first wrong line of the shown working (issue 20): its number, the line, what it
    #: should have been and the misconception a buggy rule reads in it; also under a right
    #: answer (a slip worth a gentle word). None: no working, or no line shown wrong
    working: WrongLine | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        mc = self.misconception
        return {
            "status": self.status,
            "message": self.message,
            "recorded": self.recorded,
            "misconception": None
            if mc is None
            else {"id": mc.id, "description": mc.description, "description_zh": mc.description_zh},
            "gap_kps": list(self.gap_kps),
            "mastery": {
                kp: {"before": round(self.mastery_before[kp], 4), "after": round(p, 4)}
                for kp, p in sorted(self.mastery_after.items())
            },
            "attempt": self.attempt_seq,
            "path": None if self.path is None else self.path.to_json(),
            "try": self.try_no,
            "turn": None if self.turn is None else self.turn.to_json(),
            "note": self.note or None,
            "working": None if self.working is None else self.working.to_json(),
        }


def _item_json(item: Item) -> dict[str, object]:
    return {
        "item_id": item.item_id,
        "kp": item.kp,
        "difficulty": item.difficulty,
        "prompt": item.prompt,
        "prompt_zh": item.prompt_zh,
    }


@dataclass(frozen=True)
class Placement:
    """The result of an initial knowledge check (:mod:`tutor.policy.placement`).

    ``known`` and ``not_known`` split the points on the way to ``goal`` (those with items);
    ``frontier`` is where practice starts (the policy's frontier after the check). The
    summary is ``code`` with ``params`` (rendered by :func:`tutor.i18n.render`);
    ``summary`` and ``summary_zh`` are its English and Chinese words.
    """

    goal: str
    known: tuple[str, ...]
    not_known: tuple[str, ...]
    frontier: tuple[str, ...]
    items_used: int
    finished_at: float
    grade: float = 0.0
    code: str = "placement.summary"
    params: Mapping[str, object] = field(default_factory=dict)
    summary: str = ""
    summary_zh: str = ""

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (also the stored form: :meth:`from_json` reads it back)."""
        return {
            "goal": self.goal,
            "known": list(self.known),
            "not_known": list(self.not_known),
            "frontier": list(self.frontier),
            "items_used": self.items_used,
            "finished_at": self.finished_at,
            "grade": self.grade,
            "code": self.code,
            "params": dict(self.params),
            "summary": self.summary,
            "summary_zh": self.summary_zh,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Placement:
        """A placement from :meth:`to_json`'s form."""

        def ids(key: str) -> tuple[str, ...]:
            value = data.get(key) or []
            return tuple(str(x) for x in value) if isinstance(value, list) else ()

        params = data.get("params")
        return cls(
            goal=str(data["goal"]),
            known=ids("known"),
            not_known=ids("not_known"),
            frontier=ids("frontier"),
            items_used=int(str(data.get("items_used", 0))),
            finished_at=float(str(data.get("finished_at", 0.0))),
            grade=float(str(data.get("grade", 0.0))),
            code=str(data.get("code", "placement.summary")),
            params=dict(params) if isinstance(params, Mapping) else {},
            summary=str(data.get("summary", "")),
            summary_zh=str(data.get("summary_zh", "")),
        )


@dataclass(frozen=True)
class PlacementTurn:
    """One step of the initial knowledge check: the next question, or the result.

    ``item`` is the question (an :class:`~tutor.content.items.Item`, asked like a
    practice item but with no right/wrong feedback), None once ``done``; ``asked`` counts
    the questions answered so far, ``max_items`` is the cap; ``result`` is the placement
    once ``done``. ``retry`` is True when the last answer could not be read (the same
    question is asked again; nothing was counted).
    """

    done: bool
    item: Item | None
    asked: int
    max_items: int
    result: Placement | None = None
    retry: bool = False

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the item without its answer)."""
        return {
            "done": self.done,
            "item": None if self.item is None else _item_json(self.item),
            "asked": self.asked,
            "max_items": self.max_items,
            "result": None if self.result is None else self.result.to_json(),
            "retry": self.retry,
        }
