"""tutor.graph.checks: the argument checks run before an engine's method, once for all."""

from __future__ import annotations

import inspect

import pytest

from tutor.errors import InputError
from tutor.graph import GraphStore
from tutor.graph.checks import ArgumentChecks, checked_inputs
from tutor.graph.neo4j_store import Neo4jStore
from tutor.graph.sqlite_store import SqliteStore


def test_every_check_has_the_signature_of_its_store_method() -> None:
    """So a call's arguments pass to the check unchanged, however they are given."""
    for name, check in vars(ArgumentChecks).items():
        if isinstance(check, staticmethod):
            store_method = inspect.signature(getattr(GraphStore, name))
            params = list(store_method.parameters.values())[1:]  # without self
            expected = store_method.replace(parameters=params, return_annotation="None")
            assert str(inspect.signature(check)) == str(expected), name


@pytest.mark.parametrize("engine", [SqliteStore, Neo4jStore])
def test_both_engines_are_checked(engine: type) -> None:
    for name, check in vars(ArgumentChecks).items():
        if isinstance(check, staticmethod):
            # functools.wraps on the decorator's guard leaves the engine's own method here
            assert getattr(getattr(engine, name), "__wrapped__", None) is not None, name


class FakeEngine:
    """A fake engine: records the calls that got past the checks."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []


def _fake_with_every_method() -> type:
    def method(name: str) -> object:
        def call(self: FakeEngine, *args: object, **kwargs: object) -> None:
            self.calls.append((name, (args, kwargs)))

        return call

    names = [n for n, v in vars(ArgumentChecks).items() if isinstance(v, staticmethod)]
    return type("FakeCheckedEngine", (FakeEngine,), {n: method(n) for n in names})


def test_a_failed_check_stops_the_call_and_a_passed_one_lets_it_through() -> None:
    fake = checked_inputs(_fake_with_every_method())()
    with pytest.raises(InputError, match="depth must be 1 or more, not 0"):
        fake.prerequisites("a", depth=0)
    with pytest.raises(InputError, match="limit must be 0 or more, not -3"):
        fake.learner_state("s", recent=-3)
    assert fake.calls == []
    fake.prerequisites("a", 2)
    fake.attempts("s", limit=0)
    assert fake.calls == [("prerequisites", (("a", 2), {})), ("attempts", (("s",), {"limit": 0}))]


def test_an_engine_without_a_checked_method_is_refused_at_import() -> None:
    class Incomplete:
        def prerequisites(self, kp_id: str, depth: int | None = None) -> list[str]:
            return []

    with pytest.raises(TypeError, match="Incomplete has no method 'load_curriculum'"):
        checked_inputs(Incomplete)
