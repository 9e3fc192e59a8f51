"""The read facade the pages and the CLI use (``tutor.catalog``) and the app's way in
(``tutor.service``), over a store with the default curriculum."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.access import StudentAPI, TeacherAPI
from tutor.auth import hash_password
from tutor.catalog import Catalog
from tutor.content.items import generators_for_kp
from tutor.domain import ClassGroup, Student, Teacher
from tutor.engine import Engine
from tutor.errors import AuthError, NotFoundError
from tutor.graph import GraphStore, open_store
from tutor.service import School, app_model, demo_ready, open_school
from tutor.settings import Settings

GOAL = "whole_ops.add_2digit_regroup"


@pytest.fixture
def catalog(store: GraphStore) -> Catalog:
    return Catalog(store)


def test_search_matches_ids_names_and_chinese_and_filters(catalog: Catalog) -> None:
    everything = catalog.points()
    assert catalog.search("") == everything
    assert catalog.search("   ") == everything
    goal = catalog.point(GOAL)
    assert goal.name_zh  # the default pack names every point in Chinese too
    for query in (GOAL.upper(), goal.name.lower(), goal.name_zh):
        assert goal in catalog.search(query)
    by_grade = catalog.search(grade=goal.grade)
    assert goal in by_grade and all(kp.grade == goal.grade for kp in by_grade)
    assert catalog.search(goal.name, grade="no such grade") == []
    assert catalog.search("zzz-no-such-words") == []


def test_details_and_neighbourhood_are_the_graph(catalog: Catalog, store: GraphStore) -> None:
    details = catalog.details(GOAL)
    assert details.prerequisites == store.prerequisites(GOAL, 1) != []
    assert details.dependents == store.dependents(GOAL, 1) != []
    data = details.to_json()
    assert data["id"] == GOAL and data["prerequisites"] == details.prerequisites
    near = catalog.neighbourhood(GOAL, 2)
    assert set(details.prerequisites) <= set(near.prerequisites)
    assert near.points == [*near.prerequisites, GOAL, *near.dependents]
    # Every drawn arrow is a stored prerequisite edge between drawn points, and the
    # point's own direct prerequisites are all drawn.
    drawn = set(near.points)
    for pre, kp in near.edges:
        assert pre in drawn and kp in drawn
        assert pre in store.prerequisites(kp, 1)
    assert {(pre, GOAL) for pre in details.prerequisites} <= set(near.edges)
    with pytest.raises(NotFoundError):
        catalog.details("no.such.point")


def test_names_never_fail(catalog: Catalog) -> None:
    goal = catalog.point(GOAL)
    assert catalog.name(GOAL) == goal.name
    assert catalog.name(GOAL, zh=True) == goal.name_zh
    assert catalog.name("no.such.point", zh=True) == "no.such.point"


def test_item_previews_one_per_level_fixed_seed(catalog: Catalog) -> None:
    previews = catalog.item_previews(GOAL)
    levels = sorted({level for gen in generators_for_kp(GOAL) for level in gen.levels})
    assert [item.difficulty for item in previews] == levels
    assert all(item.kp == GOAL and item.steps for item in previews)
    assert [i.item_id for i in catalog.item_previews(GOAL)] == [i.item_id for i in previews]
    assert catalog.item_previews("no.such.point") == []


def test_library_reads(catalog: Catalog) -> None:
    practisable = catalog.practisable_points()
    levels = catalog.levels_by_point()
    assert practisable and all(kp.id in levels for kp in practisable)
    stored = catalog.misconceptions(GOAL)
    assert stored, "the default pack has misconceptions for two-digit addition"
    library = catalog.misconception(stored[0].id)
    assert library.description == stored[0].description
    with pytest.raises(NotFoundError):
        catalog.misconception("mc.no_such_thing")
    assert "friendly" in catalog.styles()
    assert catalog.info() is not None and catalog.stats().to_json()


def _accounts(store: GraphStore) -> None:
    """Teacher t1 with class c1 and student s1, written straight to the store."""
    store.add_teacher(Teacher("t1", "T"))
    store.set_password_hash("t1", hash_password("teacher-pass"))
    store.add_class(ClassGroup("c1", "C", "t1"))
    store.add_students([Student("s1", "Ann", "c1", GOAL)], {"s1": hash_password("student-pass")})


def test_the_engine_and_the_facades_share_one_read_only_catalog(store: GraphStore) -> None:
    _accounts(store)
    school = School(Engine(store))
    teacher = school.as_user(school.sign_in("t1", "teacher-pass").token)
    student = school.as_user(school.sign_in("s1", "student-pass").token)
    assert isinstance(teacher, TeacherAPI) and isinstance(student, StudentAPI)
    assert teacher.catalog is school.engine.catalog is student.catalog is school.catalog
    with pytest.raises(AttributeError):
        student.catalog = Catalog(store)  # type: ignore[misc]


def test_open_school_signs_in_and_knows_the_demo(template_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kptutor.db"
    copy.write_bytes(template_db.read_bytes())
    settings = Settings(data_dir=tmp_path)
    school = open_school(settings)  # the settings' store: <data_dir>/kptutor.db
    try:
        assert school.engine.store.url.endswith("kptutor.db")
        assert school.catalog.point(GOAL).id == GOAL
        assert not demo_ready(school)
        with pytest.raises(AuthError):
            school.sign_in("teacher", "teacher-demo")
        other = open_store(settings.resolved_store_url, settings)  # as `tutor demo seed`
        other.add_teacher(Teacher("teacher", "Demo"))
        other.set_password_hash("teacher", hash_password("teacher-demo"))
        other.close()
        assert demo_ready(school)
        session = school.sign_in("teacher", "teacher-demo")
        assert isinstance(school.as_user(session.token), TeacherAPI)
        school.sign_out(session.token)
        with pytest.raises(AuthError):
            school.session(session.token)
    finally:
        school.engine.store.close()


def test_app_model_falls_back_to_the_template(tmp_path: Path) -> None:
    model = app_model(Settings(data_dir=tmp_path, llm="no-such-backend"))
    assert type(model).__name__ == "TemplateModel"
