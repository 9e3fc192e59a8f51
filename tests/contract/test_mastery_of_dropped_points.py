"""Mastery of a knowledge point that a newly loaded curriculum no longer has is not shown
(the embedded engine joins mastery with the points; the Neo4j engine keeps mastery on the
student's node and filters it by the stored points), and shows again if the point comes
back. Both engines, the same answers."""

from __future__ import annotations

from dataclasses import replace

from tests.contract.test_learner_state import attempt, school
from tests.factories import diamond
from tutor.domain import MasteryState
from tutor.graph import GraphStore


def test_mastery_of_a_dropped_point_is_hidden_and_kept(store: GraphStore) -> None:
    school(store)
    c = MasteryState(0.6, 1, 1.0)
    iso = MasteryState(0.4, 1, 1.0, gap=True)
    store.record_attempt(attempt("s1", "c", True, 1.0), {"c": c, "iso": iso})
    full = diamond()
    without_iso = replace(
        full,
        knowledge_points=tuple(kp for kp in full.knowledge_points if kp.id != "iso"),
        related=(),
    )
    store.load_curriculum(without_iso)
    assert store.mastery("s1") == {"c": c}
    assert store.learner_state("s1").mastery == {"c": c}
    assert len(store.attempts("s1")) == 1
    store.load_curriculum(full)
    assert store.mastery("s1") == {"c": c, "iso": iso}
    assert store.learner_state("s1").mastery == {"c": c, "iso": iso}
