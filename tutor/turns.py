"""What one turn of practice gives back: the next item with its reason (:class:`NextItem`)
and the feedback on an answer (:class:`Feedback`); and of the initial knowledge check, one
question (:class:`PlacementTurn`) and the result (:class:`Placement`).

Plain results of :meth:`tutor.engine.Engine.next_item` and
:meth:`tutor.engine.Engine.submit`, with their JSON forms (the CLI's contract); kept apart
from the engine so the facade stays a list of decisions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tutor.content.items import Item
from tutor.content.misconceptions import Misconception
from tutor.domain import StoredPath
from tutor.policy.select import Choice

__all__ = ["Feedback", "NextItem", "Placement", "PlacementTurn"]


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
