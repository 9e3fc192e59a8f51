"""What one turn of practice gives back: the next item with its reason (:class:`NextItem`)
and the feedback on an answer (:class:`Feedback`).

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

__all__ = ["Feedback", "NextItem"]


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
