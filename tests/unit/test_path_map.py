"""*My path* (issue 18): the map's drawing functions on plain data, and the page on the real
curriculum through AppTest — every point of the path is on the map with a way toward the
goal, labels are wrapped (Chinese too) in a readable font, the steps list names every point
(the next one and the goal marked), and a direct prerequisite without items of its own
(rewriting fractions with a common denominator) is on both."""

from __future__ import annotations

import re

import pytest

from tests.unit import test_app as app
from tests.unit.test_app import PASSWORDS, shown, sign_in, start
from tutor.engine import Engine
from ui import graphs
from ui.i18n import text

# The app's store fixtures (a copy of one seeded world per test).
world, store_url, other_store = app.world, app.store_url, app.other_store

EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)";$')
NODE = re.compile(r'^\s*"([^"]+)" \[(.*)\];$')


def _edges(dot: str) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in map(EDGE.match, dot.splitlines()) if m]


def _nodes(dot: str) -> dict[str, str]:
    return {m[1]: m[2] for m in map(NODE.match, dot.splitlines()) if m}


def _reaches(edges: list[tuple[str, str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        kp = todo.pop()
        for a, b in edges:
            if a == kp and b not in seen:
                seen.add(b)
                todo.append(b)
    return goal in seen


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Rewrite Fractions with a Common Denominator", 4),
        ("120以内数的认识（数、读、写）", 2),
        ("平均分成2份、3份、4份", 2),
    ],
)
def test_labels_wrap_in_both_scripts(label: str, lines: int) -> None:
    wrapped = graphs._wrap(label, 16).split("\n")
    assert len(wrapped) == lines
    assert "".join(wrapped).replace(" ", "") == label.replace(" ", "")  # nothing lost
    assert all(graphs._cells(line) <= 17 for line in wrapped)  # at most one wide char over
    assert not any(line[0] in "、）" for line in wrapped[1:])  # Chinese line-start rule


def test_a_wrapped_label_stays_wrapped_in_dot() -> None:
    dot = graphs.path_map({"a": "Rewrite Fractions with a Common Denominator"}, [], {})
    assert 'label="Rewrite\\nFractions with a\\nCommon\\nDenominator"' in dot
    assert f"fontsize={graphs.PATH_FONT}" in dot and graphs.PATH_FONT >= 14


def test_see_through_edges_keep_every_shown_point_on_its_way_to_the_goal() -> None:
    # a -> h (hidden) -> g; b -> a; c -> g; b -> g is implied by b -> a -> h -> g
    edges = [("a", "h"), ("h", "g"), ("b", "a"), ("c", "g"), ("b", "g")]
    drawn = graphs.see_through_edges(["b", "a", "c", "g"], edges)
    assert sorted(drawn) == [("a", "g"), ("b", "a"), ("c", "g")]
    for kp in "abc":
        assert _reaches(drawn, kp, "g")


def test_path_map_marks_next_goal_and_points_without_exercises() -> None:
    dot = graphs.path_map(
        {"a": "A", "b": "B", "g": "G"},
        [("a", "b"), ("b", "g")],
        {"a": 0.4},
        focus="a",
        goal="g",
        inside={"b"},
        tips={"a": "A: 40%"},
    )
    nodes = _nodes(dot)
    assert "penwidth=4" in nodes["a"] and 'tooltip="A: 40%"' in nodes["a"]
    assert "dashed" in nodes["b"] and graphs.mastery_colour(None) in nodes["b"]
    assert "doubleoctagon" in nodes["g"]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_path_page_shows_every_step_and_maps_each_toward_the_goal(
    store_url: str, other_store: Engine, lang: str
) -> None:
    goal = "fractions.add_unlike"
    other_store.store.set_goal("s1", goal)
    path = other_store.path("s1")
    assert "fractions.common_denominator" in path.kps
    at = sign_in(start(lang), "s1", PASSWORDS["s1"], lang)
    at.switch_page("views/progress.py").run()
    assert not at.exception, at.exception
    page = shown(at)
    catalog = other_store.store
    names = {
        kp: (catalog.get_node(kp).name_zh or "") if lang != "en" else catalog.get_node(kp).name
        for kp in path.kps
    }
    steps = next(m.value for m in at.markdown if m.value.startswith("1. "))
    lines = steps.splitlines()
    assert len(lines) == len(path.kps)  # one numbered step per point, in the path's order
    for n, kp in enumerate(path.kps):
        assert lines[n].startswith(f"{n + 1}. ") and names[kp] in lines[n], lines[n]
    assert text(lang, "step_next") in lines[0] and text(lang, "step_goal") in lines[-1]
    inside = lines[path.kps.index("fractions.common_denominator")]
    assert text(lang, "step_inside", points=names[goal]) in inside
    assert text(lang, "path_map_legend") in page

    dot = at.get("graphviz_chart")[0].proto.spec
    nodes, edges = _nodes(dot), _edges(dot)
    assert set(path.kps) <= set(nodes)  # every point of the path is on the map
    for kp in path.kps:
        assert kp == goal or _reaches(edges, kp, goal), f"{kp} has no way to the goal"
    assert ("fractions.common_denominator", goal) in edges
    assert "dashed" in nodes["fractions.common_denominator"]
    assert "penwidth=4" in nodes[path.kps[0]] and "doubleoctagon" in nodes[goal]
    assert f"fontsize={graphs.PATH_FONT}" in dot
    labels = [re.search(r'label="([^"]*)"', attrs) for attrs in nodes.values()]
    lines = [line for m in labels if m for line in m[1].split("\\n")]
    assert lines and all(graphs._cells(line) <= 17 for line in lines)  # wrapped: narrow boxes
    if lang == "en":
        assert "\\n" in nodes["fractions.common_denominator"]
    else:  # the hover text is worded in Chinese, with Chinese punctuation
        assert 'tooltip="通分：' in nodes["fractions.common_denominator"]
