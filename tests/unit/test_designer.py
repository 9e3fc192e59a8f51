"""The designer's three questions and the domain map, on real embedded stores.

The hand-made ``diamond`` curriculum (tests/factories.py) gives exact answers for the
graph questions; the default pack with a stored class gives them for the class question:
attempts are recorded through the store as the engine records them, with the gaps the
diagnosis would have blamed; and a small demo school (simulated students answering the
real engine) checks the same call against an independent count.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import diamond
from tutor.designer import COVERAGE_COLOURS, COVERAGE_KINDS, Designer
from tutor.domain import (
    Attempt,
    ClassGroup,
    ContentBank,
    ItemFamily,
    MisconceptionInfo,
    Student,
    Teacher,
)
from tutor.errors import InputError, NotFoundError
from tutor.graph import GraphStore, open_store
from tutor.settings import Settings


@pytest.fixture
def small(tmp_path: Path) -> Iterator[GraphStore]:
    """The diamond, with an item family on a and b and a misconception on c."""
    store = open_store(f"sqlite:///{tmp_path / 'small.db'}", Settings(data_dir=tmp_path))
    store.load_curriculum(diamond())
    store.load_content(
        ContentBank(
            families=(
                ItemFamily("fam.b", "gen_b", "b", (1,), (("b", 1.0),)),
                ItemFamily("fam.e", "gen_e", "e", (1, 2), (("c", 0.5), ("e", 1.0))),
            ),
            misconceptions=(MisconceptionInfo("mc.c", "x", "x", ("c",)),),
        )
    )
    yield store
    store.close()


# -- what breaks if I remove an edge or a point -------------------------------------------


def test_removing_an_edge_loses_the_pairs_only_it_connected(small: GraphStore) -> None:
    impact = Designer(small).removal_impact(edge=("c", "e"))
    # a still reaches e through d; b and c reached e and f only through c → e.
    assert impact.lost_pairs == (("b", "e"), ("b", "f"), ("c", "e"), ("c", "f"))
    assert impact.new_starting_points == ()  # e keeps d
    assert impact.new_dead_ends == ("c",)  # e was c's only dependent
    assert impact.item_families == impact.misconceptions == impact.goals == ()


def test_removing_a_point_with_a_second_route_loses_nothing(small: GraphStore) -> None:
    impact = Designer(small).removal_impact(point="d")
    assert impact.lost_pairs == ()
    assert impact.new_starting_points == impact.new_dead_ends == ()


def test_removing_a_bottleneck_point(small: GraphStore) -> None:
    small.add_teacher(Teacher("t", "T"))
    small.add_class(ClassGroup("k", "K", "t"))
    small.add_student(Student("s1", "S", "k", goal="e"))
    impact = Designer(small).removal_impact(point="e")
    assert impact.removed == ("e",)
    assert impact.lost_pairs == (("a", "f"), ("b", "f"), ("c", "f"), ("d", "f"))
    assert impact.new_starting_points == ("f",)
    assert impact.new_dead_ends == ("c", "d")
    # What names the point and would have to change with it:
    assert impact.item_families == ("fam.e",)
    assert impact.goals == ("s1",)
    assert Designer(small).removal_impact(point="c").item_families == ("fam.e",)  # weight 0.5
    assert Designer(small).removal_impact(point="c").misconceptions == ("mc.c",)


def test_removal_bad_input_says_what_to_do(small: GraphStore) -> None:
    designer = Designer(small)
    with pytest.raises(InputError, match="no prerequisite edge e → c"):
        designer.removal_impact(edge=("e", "c"))
    with pytest.raises(InputError, match="either an edge"):
        designer.removal_impact()
    with pytest.raises(InputError, match="either an edge"):
        designer.removal_impact(edge=("c", "e"), point="c")
    with pytest.raises(NotFoundError):
        designer.removal_impact(point="nowhere")


# -- which standards have no items ---------------------------------------------------------


def test_standards_without_items(small: GraphStore) -> None:
    designer = Designer(small)
    # S1 is aligned to a, which has no family of its own (b's and e's don't name a);
    # S0 is aligned to nothing.
    rows = {r.standard.id: r for r in designer.standard_coverage()}
    assert rows["S1"].points == ("a",) and rows["S1"].points_with_items == ()
    assert rows["S0"].points == ()
    # By grade (S0 has none: last), then id.
    assert [r.standard.id for r in designer.standards_without_items()] == ["S1", "S0"]
    assert [r.standard.id for r in designer.standards_without_items(aligned_only=True)] == ["S1"]


def test_the_default_pack_standards_without_items(store: GraphStore) -> None:
    designer = Designer(store)
    rows = designer.standard_coverage()
    with_items = {f.kp for f in store.item_families()}
    gaps = designer.standards_without_items(aligned_only=True)
    assert gaps, "today some aligned standards have no practisable point"
    for row in gaps:
        assert row.points and not set(row.points) & with_items
    covered = [r for r in rows if r.has_items]
    assert all(set(r.points_with_items) <= with_items for r in covered)
    assert len(rows) == len(covered) + len(designer.standards_without_items())


# -- which prerequisite is most often missing in my classes -----------------------------


def _record(store: GraphStore, student: str, kp: str, gaps: tuple[str, ...]) -> None:
    seq = len(store.attempts(student))
    store.record_attempt(
        Attempt(student, f"item:{seq}", kp, "0", "incorrect", False, gap_kps=gaps),
        {},
        expected_seq=seq,
    )


def test_missing_prerequisites_of_a_point_in_stored_classes(store: GraphStore) -> None:
    target = "fractions.add_unlike"
    prereqs = set(store.prerequisites(target))
    assert {"fractions.common_denominator", "fractions.add_like"} <= prereqs
    store.add_teacher(Teacher("t", "T"))
    for class_id in ("a", "b", "other"):
        store.add_class(ClassGroup(class_id, class_id, "t"))
    for sid, class_id in (("s1", "a"), ("s2", "a"), ("s3", "b"), ("x", "other")):
        store.add_student(Student(sid, sid, class_id))
    _record(store, "s1", target, ("fractions.common_denominator",))
    _record(store, "s1", target, ("fractions.common_denominator", target))  # target: no prereq
    _record(store, "s2", "fractions.add_like", ("fractions.common_denominator",))
    _record(store, "s3", target, ("fractions.add_like",))
    _record(store, "s3", "fractions.add_like", ("fractions.add_like",))
    _record(store, "x", target, ("fractions.add_like",))  # another teacher's class
    _record(store, "s2", "ratio.unit_rate", ("ratio.ratio_concept",))  # not a prerequisite
    found = Designer(store).missing_prerequisites(target, ["a", "b"])
    assert [(m.kp, m.students, m.attempts, m.on_target) for m in found] == [
        ("fractions.common_denominator", 2, 3, 2),
        ("fractions.add_like", 1, 2, 1),
    ]
    assert found[0].name and found[0].grade == "5"
    only_b = Designer(store).missing_prerequisites(target, ["b"])
    assert [(m.kp, m.students) for m in only_b] == [("fractions.add_like", 1)]


def test_missing_prerequisites_of_a_domain_are_those_outside_it(store: GraphStore) -> None:
    store.add_teacher(Teacher("t", "T"))
    store.add_class(ClassGroup("a", "a", "t"))
    store.add_student(Student("s1", "s1", "a"))
    _record(store, "s1", "fractions.add_like", ("fractions.unit_fractions",))  # inside
    _record(store, "s1", "fractions.improper_to_mixed", ("mult_div.divide_with_remainder",))
    found = Designer(store).missing_prerequisites("fractions", ["a"])
    assert [(m.kp, m.attempts, m.on_target) for m in found] == [
        ("mult_div.divide_with_remainder", 1, 1)
    ]


def test_missing_prerequisites_bad_input(store: GraphStore) -> None:
    designer = Designer(store)
    with pytest.raises(NotFoundError, match="neither a knowledge point nor a domain"):
        designer.missing_prerequisites("fractionz", ["a"])
    with pytest.raises(InputError, match="at least one class"):
        designer.missing_prerequisites("fractions", [])
    with pytest.raises(NotFoundError):
        designer.missing_prerequisites("fractions", ["no-such-class"])


def test_missing_prerequisites_on_a_demo_school(tmp_path: Path) -> None:
    """Simulated students answered the real engine; the call agrees with a direct count."""
    from tutor.demo import seed_demo
    from tutor.engine import Engine

    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}", Settings(data_dir=tmp_path))
    try:
        seed_demo(Engine(store), n_students=6)
        target = "fractions.add_unlike"
        classes = [c.id for c in store.list_classes()]
        found = Designer(store).missing_prerequisites(target, classes)
        prereqs = set(store.prerequisites(target))
        expected: dict[str, int] = {}
        for c in classes:
            for s in store.list_students(c):
                for a in store.attempts(s.id):
                    for gap in set(a.gap_kps) & prereqs:
                        expected[gap] = expected.get(gap, 0) + 1
        assert {m.kp: m.attempts for m in found} == expected
        assert expected, "the demo histories diagnose some prerequisite gaps"
    finally:
        store.close()


# -- the map ---------------------------------------------------------------------------------


def test_domain_map_lays_points_out_by_grade(store: GraphStore) -> None:
    dmap = Designer(store).domain_map("fractions")
    assert dmap.grades == tuple(sorted(dmap.grades, key=lambda g: int(g)))
    column = {g: i for i, g in enumerate(dmap.grades)}
    for p in dmap.points:
        assert column[p.grade] <= p.x < column[p.grade] + 1
    where = {p.id: p for p in dmap.points}
    for pre, dep in dmap.edges:
        # Arrows never point left, and point right whenever they cross grades.
        assert where[pre].x <= where[dep].x
        assert where[pre].grade == where[dep].grade or int(where[pre].x) < int(where[dep].x)
    families = {f.kp for f in store.item_families()}
    for p in dmap.points:
        assert (p.item_families > 0) == (p.id in families)
    assert sum(dmap.counts().values()) == len(dmap.points)
    assert len(set(COVERAGE_COLOURS.values())) == len(COVERAGE_KINDS)
    with pytest.raises(InputError, match="domains:"):
        Designer(store).domain_map("no-such-domain")


def test_domain_map_html_opens_offline(store: GraphStore) -> None:
    html = Designer(store).domain_map_html("fractions", "zh-Hans")
    # plotly.js is inside (a few MB), no script is fetched (the only URL in the bundle is
    # the topojson base for geographic maps, which this figure does not use).
    assert "<script src=" not in html and len(html) > 1_000_000
    assert "Plotly.newPlot" in html
    # Chinese names and words are in the figure's JSON (plotly writes them as \\uXXXX).
    for word in ("通分", "年级"):
        assert json.dumps(word)[1:-1] in html


def test_a_teacher_asks_about_their_own_classes_only(store: GraphStore) -> None:
    from tutor.access import School, TeacherAPI
    from tutor.engine import Engine
    from tutor.errors import AccessDenied

    school = School(Engine(store))
    for tid in ("t1", "t2"):
        school.add_teacher(tid, tid)
        school.set_password(tid, f"{tid}-password")
    school.create_class("c1", "5A", "t1")
    school.create_class("c2", "5B", "t2")
    school.add_student("s1", "Ann", "c1")
    school.add_student("s3", "Cy", "c2")
    target = "fractions.add_unlike"
    _record(store, "s1", target, ("fractions.common_denominator",))
    _record(store, "s3", target, ("fractions.add_like",))
    api = school.as_user(school.sign_in("t1", "t1-password").token)
    assert isinstance(api, TeacherAPI)
    assert [m.kp for m in api.missing_prerequisites(target)] == ["fractions.common_denominator"]
    assert [m.kp for m in api.missing_prerequisites(target, "c1")] == [
        "fractions.common_denominator"
    ]
    with pytest.raises(AccessDenied):
        api.missing_prerequisites(target, "c2")
