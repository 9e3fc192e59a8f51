"""The class roster importer, fuzzed: 10,000 generated CSV texts through the checker (2,500 in
``make test``, see :data:`tests.reliability.test_fuzz.CASES`), and a
few hundred whole imports through the engine. Nothing crashes; a refused roster names each
bad row and writes nobody; an accepted one adds exactly its rows, verbatim."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.test_fuzz import CASES, INJECTIONS
from tutor.access import School
from tutor.auth import verify_password
from tutor.domain import check_name, check_person_id
from tutor.engine import Engine
from tutor.errors import InputError
from tutor.graph import GraphStore, open_store
from tutor.roster import parse_roster
from tutor.settings import Settings

KPS = {"fractions.add_unlike", "equations.two_step"}

CELL = st.one_of(
    st.sampled_from(["s1", "s2", "ann", "bo-2", "x.y", "", " ", "fractions.add_unlike"]),
    st.text(max_size=20),
    st.sampled_from(INJECTIONS),
    st.sampled_from(["password1", "correct horse", "短密码", "12345678", "p" * 130]),
)
HEADERS = st.sampled_from(
    [
        ["student_id", "name", "password"],
        ["student_id", "name", "password", "goal"],
        ["name", "password", "student_id"],
        ["student_id", "name"],
        ["id", "name", "password"],
        ["student_id", "name", "password", "extra"],
    ]
)


def _roster(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


ROSTERS = st.one_of(
    st.builds(
        _roster,
        HEADERS,
        st.lists(st.lists(CELL, min_size=2, max_size=5), max_size=4),
    ),
    st.text(max_size=200),
)


@pytest.mark.slow
@pytest.mark.timeout(1200)
@settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=ROSTERS)
def test_roster_checker_never_crashes(text: str) -> None:
    rows, problems = parse_roster(text, known_kps=KPS, taken=lambda ids: {"taken"} & set(ids))
    if problems:
        for p in problems:
            assert p.reason and p.line >= 0  # what was wrong, and where
        return
    ids = [r.student_id for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        check_person_id("student", r.student_id)
        check_name("student", r.name)
        assert 8 <= len(r.password) <= 128
        assert r.goal is None or r.goal in KPS
        assert r.student_id != "taken"


@pytest.fixture(scope="module")
def roster_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from tutor.content.curricula import default_curriculum

    tmp = tmp_path_factory.mktemp("roster")
    store: GraphStore = open_store(f"sqlite:///{tmp / 'r.db'}", Settings(data_dir=tmp))
    store.load_curriculum(default_curriculum())
    engine = Engine(store)
    School(engine).add_teacher("roster-teacher", "Teacher")
    School(engine).create_class("roster-class", "Class", "roster-teacher")
    yield engine
    store.close()


@pytest.mark.slow
@settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=ROSTERS, tag=st.integers(0, 10**9))
def test_roster_import_is_all_or_nothing(roster_engine: Engine, text: str, tag: int) -> None:
    store = roster_engine.store
    before = {s.id for s in store.list_students()}
    try:
        report = School(roster_engine).import_roster("roster-class", text)
    except InputError as exc:  # e.g. a file too big or not text: refused as a whole
        assert str(exc)
        assert {s.id for s in store.list_students()} == before
        return
    after = {s.id for s in store.list_students()}
    if not report.ok:
        assert after == before  # nobody written
        assert report.problems
        return
    rows, _ = parse_roster(text, known_kps={kp.id for kp in store.list_nodes()}, taken=set)
    assert after == before | set(report.added)
    for r in rows:
        got = store.get_student(r.student_id)
        assert (got.name, got.class_id) == (r.name, "roster-class")
        stored = store.password_hash(r.student_id)
        assert stored is not None and r.password not in stored
        assert verify_password(r.password, stored)


def test_roster_with_one_bad_row_writes_nobody(roster_engine: Engine, tmp_path: Path) -> None:
    store = roster_engine.store
    before = len(store.list_students())
    text = "student_id,name,password\ngood-1,Ann,password-one\nbad id!,Bo,password-two\n"
    report = School(roster_engine).import_roster("roster-class", text)
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [(3, "student_id")]
    assert len(store.list_students()) == before
