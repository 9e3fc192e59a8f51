"""The simulator: population config, reproducibility, hidden truth, and the CLI contract."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from tests.factories import run_cli
from tutor.engine import Engine
from tutor.errors import InputError
from tutor.sim.classroom import Classroom, goal_set_id
from tutor.sim.config import DEFAULT_POPULATION, load_population, parse_population
from tutor.sim.policies import BASELINES, POLICIES, make_tutor
from tutor.sim.run import simulate
from tutor.sim.student import SimStudent
from tutor.sim.world import build_world

GRADE2 = dataclasses.replace(DEFAULT_POPULATION, goal_grade=2)


def test_world_is_closed_under_prerequisites_and_has_items() -> None:
    world = build_world(2)
    position = {kp: i for i, kp in enumerate(world.path)}
    for kp in world.path:
        assert world.levels[kp] and all(world.items(kp, lv) for lv in world.levels[kp])
        for p in world.prerequisites[kp]:
            assert position[p] < position[kp]  # learning order
    assert set(world.goal) <= set(world.path)


def test_same_seed_same_result_and_different_seed_differs() -> None:
    args = {"students": 6, "policies": ["adaptive", "linear"], "config": GRADE2, "budget": 300}
    first = simulate(seed=3, **args).to_json()  # type: ignore[arg-type]
    assert simulate(seed=3, **args).to_json() == first  # type: ignore[arg-type]
    assert simulate(seed=4, **args).to_json() != first  # type: ignore[arg-type]


def test_baselines_never_hold_the_hidden_student() -> None:
    world = build_world(2)
    import random

    assert set(POLICIES) == {"adaptive", *BASELINES}
    for name in BASELINES:
        tutor = make_tutor(name, world, random.Random(0))
        for f in dataclasses.fields(tutor):  # type: ignore[arg-type]
            value = getattr(tutor, f.name)
            assert not isinstance(value, SimStudent), (name, f.name)


def test_the_goal_set_point_leads_the_engine_along_the_worlds_path() -> None:
    world = build_world(2)
    with Classroom(2, world.goal) as room:
        order = room.store.learning_order(goal_set_id(2))
        assert order[-1] == goal_set_id(2)
        # Every point the simulation can teach is on the engine's path (the engine's path
        # also holds the points without items, which its policy passes over).
        assert set(world.path) <= set(order)
        assert set(room.store.direct_prerequisites([goal_set_id(2)])[goal_set_id(2)]) == set(
            world.goal
        )


def test_adaptive_is_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every adaptive item comes from Engine.next_item and every answer goes to submit;
    the engine sees student ids and answers, never the simulated student."""
    calls = {"items": 0, "submits": 0}
    next_item, submit = Engine.next_item, Engine.submit

    def counted_next_item(self: Engine, student_id: str):  # type: ignore[no-untyped-def]
        found = next_item(self, student_id)
        calls["items"] += found.item is not None
        return found

    def counted_submit(self: Engine, student_id: str, item_id: str, answer: str, **kw):  # type: ignore[no-untyped-def]
        assert isinstance(answer, str) and isinstance(student_id, str)
        calls["submits"] += 1
        return submit(self, student_id, item_id, answer, **kw)

    monkeypatch.setattr(Engine, "next_item", counted_next_item)
    monkeypatch.setattr(Engine, "submit", counted_submit)
    result = simulate(students=3, seed=1, policies=["adaptive"], config=GRADE2, budget=80)
    practised = sum(result.policies["adaptive"].practised)
    assert practised > 0
    assert calls["items"] == practised
    assert calls["submits"] >= practised  # an answer the engine cannot take is written again
    before = dict(calls)
    simulate(students=3, seed=1, policies=["linear"], config=GRADE2, budget=80)
    assert calls == before  # the baselines are not the engine


def test_adaptive_teaches_more_than_random_on_a_small_goal() -> None:
    result = simulate(
        students=20,
        seed=0,
        policies=["adaptive", "random"],
        config=GRADE2,
        budget=600,
    )
    adaptive, rnd = result.policies["adaptive"], result.policies["random"]
    assert sum(adaptive.reached) > sum(rnd.reached)
    assert adaptive.curve[-1] > rnd.curve[-1]
    assert all(0 <= x <= 1 for x in adaptive.curve)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"prior": [0.1, 0.2]}, "unknown key 'prior'"),
        ({"slip": [0.1]}, "must be a number or a range"),
        ({"slip": [0.2, 0.6]}, "0.5"),
        ({"guess": [0.3, 0.1]}, "low ≤ high"),
        ({"learn_rate": ["a", 0.2]}, "two numbers"),
        ({"goal_grade": 12}, "1 to 9"),
        ({"goal_grade": 2.5}, "whole number"),
        ([1, 2], "mapping"),
    ],
)
def test_bad_population_configs_are_refused(data: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_population(data)


def test_population_yaml_keeps_defaults_for_missing_keys(tmp_path: Path) -> None:
    path = tmp_path / "pop.yaml"
    path.write_text("goal_grade: 3\nprior_known: [0.1, 0.2]\n", encoding="utf-8")
    config = load_population(path)
    assert config.goal_grade == 3 and config.prior_known == (0.1, 0.2)
    assert config.slip == DEFAULT_POPULATION.slip
    (tmp_path / "bad.yaml").write_text("goal_grade: [", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_population(tmp_path / "bad.yaml")
    with pytest.raises(InputError, match="does not exist"):
        load_population(tmp_path / "missing.yaml")


def test_cli_json_contract(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    pop = tmp_path / "pop.yaml"
    pop.write_text("goal_grade: 2\n", encoding="utf-8")
    out = run_cli(
        [
            "simulate",
            "--students",
            "4",
            "--seed",
            "7",
            "--policies",
            "adaptive,linear,mastery,random",
            "--config",
            str(pop),
            "--budget",
            "200",
            "--json",
        ],
        env,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"policies", "students", "seed"}
    assert data["students"] == 4 and data["seed"] == 7
    assert set(data["policies"]) == {"adaptive", "linear", "mastery", "random"}
    for r in data["policies"].values():
        assert set(r) == {
            "items_to_mastery_mean",
            "items_to_mastery_ci95",
            "mastered_fraction_at_budget",
            "post_test_score",
        }
        lo, hi = r["items_to_mastery_ci95"]
        assert lo <= r["items_to_mastery_mean"] <= hi
    bad = run_cli(["simulate", "--policies", "adaptive,smart", "--students", "2"], env)
    assert bad.returncode == 2 and "unknown policy 'smart'" in bad.stderr


def test_a_single_number_is_a_fixed_value() -> None:
    config = parse_population({"slip": 0.1, "prior_known": 1, "guess": [0.05, 0.1]})
    assert config.slip == (0.1, 0.1) and config.prior_known == (1.0, 1.0)
    assert config.guess == (0.05, 0.1)
    with pytest.raises(InputError, match=r"below 0\.5"):
        parse_population({"guess": 0.5})
