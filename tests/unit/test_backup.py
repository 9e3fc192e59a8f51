"""`tutor backup` / `tutor restore` on the embedded store, and the class-export CLI.

The backup is taken while another thread keeps recording answers: each backup must be a
sound, self-contained database in which the stored mastery of every student equals the
mastery recomputed from their attempt log (no attempt without its mastery update, no
update without its attempt). A restore must refuse anything that is not a sound kptutor
database and leave the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.contract.test_class_export import answer, school
from tests.factories import diamond, run_cli
from tutor.domain import Student, prerequisite_layers
from tutor.errors import InputError
from tutor.graph import GraphStore, open_store
from tutor.graph.sqlite_backup import backup_sqlite, check_backup_file, restore_sqlite
from tutor.graph.sqlite_store import SCHEMA_VERSION
from tutor.learner.mastery import UP_DEPTH, Observation, replay
from tutor.settings import Settings


def open_db(path: Path) -> GraphStore:
    return open_store(f"sqlite:///{path}", Settings(data_dir=path.parent))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Path]:
    """A store file with a small school in it (closed again, so it can be restored over)."""
    path = tmp_path / "live" / "kptutor.db"
    store = open_db(path)
    school(store)
    store.close()
    yield path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(store: GraphStore) -> dict[str, object]:
    """The learner state of the whole store, through the protocol."""
    return {s.id: (s, store.attempts(s.id), store.mastery(s.id)) for s in store.list_students()}


def assert_mastery_matches_attempt_log(store: GraphStore) -> int:
    """Recompute every student's mastery from their attempts; the number of attempts."""
    layers: dict[str, list[list[str]]] = {}
    total = 0
    for student in store.list_students():
        log = store.attempts(student.id)
        total += len(log)
        for a in log:
            if a.kp not in layers:
                layers[a.kp] = prerequisite_layers(a.kp, store.direct_prerequisites, UP_DEPTH)
        observations = [Observation(a.kp, a.correct, a.at, {a.kp: 1.0}, a.gap_kps) for a in log]
        assert replay(observations, layers) == store.mastery(student.id), student.id
        assert [a.seq for a in log] == list(range(1, len(log) + 1))
    return total


def test_backup_taken_while_writing_is_a_consistent_snapshot(live: Path, tmp_path: Path) -> None:
    store = open_db(live)
    store.add_student(Student("busy", "Busy Bee", "c1", "f"))
    stop = threading.Event()
    written = [0]
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            n = 0
            while not stop.is_set():
                answer(store, "busy", n, 1_800_000_000.0 + n)
                n += 1
                written[0] = n
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    counts = []
    try:
        for k in range(3):
            while written[0] < 5 * (k + 1) and thread.is_alive():
                stop.wait(0.01)
            before = written[0]
            report = backup_sqlite(live, tmp_path / f"backup{k}.db")
            counts.append((before, report.counts["attempt"], written[0]))
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    base = 18 + 1  # the school's attempts (3 students: 5 + 6 + 7) and "other"'s one
    for k, (before, in_backup, after) in enumerate(counts):
        path = tmp_path / f"backup{k}.db"
        # One self-contained file in rollback-journal mode (header bytes 18-19 are 1, 1).
        assert path.read_bytes()[18:20] == b"\x01\x01"
        assert not Path(f"{path}-wal").exists()
        assert check_backup_file(path)[1]["attempt"] == in_backup
        assert base + before <= in_backup <= base + after
        copy = open_db(path)
        try:
            assert assert_mastery_matches_attempt_log(copy) == in_backup
        finally:
            copy.close()
    # The writer went on past the last backup, and the live store is consistent too.
    assert written[0] > counts[-1][1] - base
    assert assert_mastery_matches_attempt_log(store) == base + written[0]
    store.close()


def test_restore_brings_back_the_backup(live: Path, tmp_path: Path) -> None:
    store = open_db(live)
    before = state(store)
    store.close()
    report = backup_sqlite(live, tmp_path / "b.db")
    assert report.counts["student"] == 4 and report.schema_version == SCHEMA_VERSION
    store = open_db(live)
    store.add_student(Student("late", "Late", "c1", "f"))
    answer(store, "s0", 99, 1_900_000_000.0)
    assert state(store) != before
    store.close()
    live.chmod(0o640)
    restored = restore_sqlite(tmp_path / "b.db", live)
    assert restored.replaced and restored.counts == report.counts
    assert live.stat().st_mode & 0o777 == 0o640  # the store keeps its permissions
    # A backup holds password hashes: only its owner may read it.
    assert (tmp_path / "b.db").stat().st_mode & 0o077 == 0
    store = open_db(live)
    try:
        assert state(store) == before
    finally:
        store.close()


def test_restore_recovers_a_damaged_store(live: Path, tmp_path: Path) -> None:
    backup_sqlite(live, tmp_path / "b.db")
    store = open_db(live)
    before = state(store)
    store.close()
    live.write_bytes(b"\0" * 4096)  # e.g. a disk fault wiped the file
    Path(f"{live}-wal").write_bytes(b"stale log of the lost database")
    restore_sqlite(tmp_path / "b.db", live)
    assert not Path(f"{live}-wal").exists()  # kept aside, never replayed onto the backup
    assert Path(f"{live}-wal.damaged").exists()
    store = open_db(live)
    try:
        assert state(store) == before
    finally:
        store.close()


def test_restore_into_a_new_place(live: Path, tmp_path: Path) -> None:
    backup_sqlite(live, tmp_path / "b.db")
    target = tmp_path / "fresh" / "new.db"
    assert not restore_sqlite(tmp_path / "b.db", target).replaced
    a, b = open_db(live), open_db(target)
    try:
        assert state(a) == state(b)
    finally:
        a.close()
        b.close()


def _random_bytes(path: Path, good: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _text(path: Path, good: Path) -> None:
    path.write_text("name,grade\nAnn,5\n", encoding="utf-8")


def _other_app(path: Path, good: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()


def _truncated(path: Path, good: Path) -> None:
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt_page(path: Path, good: Path) -> None:
    data = bytearray(good.read_bytes())
    conn = sqlite3.connect(good)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'attempt'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    start = page * (root - 1) + 8  # past the b-tree page header: scramble the cell pointers
    data[start : start + 192] = b"\x07" * 192
    path.write_bytes(bytes(data))


def _newer_schema(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def _missing_column(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE attempt DROP COLUMN gap_kps")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (None, "no backup file"),
        (_random_bytes, "not a kptutor backup"),
        (_text, "not a kptutor backup"),
        (_other_app, "not a kptutor database"),
        (_truncated, "is damaged"),
        (_corrupt_page, "is damaged"),
        (_newer_schema, "newer kptutor"),
        (_missing_column, "has no column 'gap_kps'"),
    ],
)
def test_restore_refuses_bad_files_and_changes_nothing(
    live: Path, tmp_path: Path, make: Callable[[Path, Path], None] | None, message: str
) -> None:
    good = tmp_path / "good.db"
    backup_sqlite(live, good)
    bad = tmp_path / "bad.db"
    if make is not None:
        make(bad, good)
    before = digest(live)
    listing = sorted(p.name for p in live.parent.iterdir())
    with pytest.raises(InputError, match=message) as caught:
        restore_sqlite(bad, live)
    assert "\n" not in str(caught.value)
    assert digest(live) == before
    assert sorted(p.name for p in live.parent.iterdir()) == listing  # no temp file left


def test_restore_refuses_a_store_in_use(live: Path, tmp_path: Path) -> None:
    backup_sqlite(live, tmp_path / "b.db")
    store = open_db(live)
    try:
        store.add_student(Student("new", "New", "c1"))
        with pytest.raises(InputError, match="is in use"):
            restore_sqlite(tmp_path / "b.db", live)
        assert store.get_student("new").name == "New"
    finally:
        store.close()


def test_backup_refusals(live: Path, tmp_path: Path) -> None:
    (tmp_path / "taken.db").write_text("keep me")
    with pytest.raises(InputError, match=r"already exists.*--force"):
        backup_sqlite(live, tmp_path / "taken.db")
    assert (tmp_path / "taken.db").read_text() == "keep me"
    backup_sqlite(live, tmp_path / "taken.db", overwrite=True)
    assert check_backup_file(tmp_path / "taken.db")[1]["student"] == 4
    with pytest.raises(InputError, match="no store at"):
        backup_sqlite(tmp_path / "nothing.db", tmp_path / "x.db")
    with pytest.raises(InputError, match="the store itself"):
        backup_sqlite(live, live)
    other = tmp_path / "other.db"
    _other_app(other, live)
    with pytest.raises(InputError, match="not a kptutor database"):
        backup_sqlite(other, tmp_path / "y.db")
    assert not (tmp_path / "y.db").exists() and not (tmp_path / "x.db").exists()


# -- the commands, as a user runs them -----------------------------------------------------


@pytest.fixture
def env(tmp_path: Path, live: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    e["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    e["TUTOR_STORE"] = f"sqlite:///{live}"
    return e


def test_backup_and_restore_commands(env: dict[str, str], tmp_path: Path, live: Path) -> None:
    out = run_cli(["backup", str(tmp_path / "b.db"), "--json"], env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["file"] == str(tmp_path / "b.db") and report["counts"]["attempt"] == 19
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 10)
    before = digest(live)
    out = run_cli(["restore", str(tmp_path / "junk.db")], env)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().count("\n") == 0 and "not a kptutor backup" in out.stderr
    assert digest(live) == before
    out = run_cli(["restore", str(tmp_path / "b.db"), "--json"], env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts"] == report["counts"]
    out = run_cli(["backup", str(tmp_path / "n.db"), "--store", "neo4j://127.0.0.1:1"], env)
    assert out.returncode == 2 and "tutor export --class" in out.stderr


def test_export_and_import_class_commands(env: dict[str, str], tmp_path: Path, live: Path) -> None:
    target = tmp_path / "target.db"
    store = open_db(target)
    store.load_curriculum(diamond())
    store.close()
    out = run_cli(["export", "--class", "c1", str(tmp_path / "c1.json"), "--json"], env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "file": str(tmp_path / "c1.json"),
        "bytes": (tmp_path / "c1.json").stat().st_size,
        "class": "c1",
        "teacher": "t1",
        "students": 3,
        "attempts": 18,
        "credentials": False,
    }
    into = ["--store", f"sqlite:///{target}", "--json"]
    out = run_cli(["import-class", str(tmp_path / "c1.json"), *into], env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["class"], report["students"], report["attempts"]) == ("c1", 3, 18)
    assert report["credentials"] == 0 and report["teacher_created"]
    out = run_cli(["import-class", str(tmp_path / "c1.json"), *into], env)
    assert out.returncode == 2 and "already exists" in out.stderr
    # A credentials export is readable by its owner only.
    out = run_cli(
        ["export", "--class", "c1", str(tmp_path / "k.json"), "--include-credentials"], env
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "k.json").stat().st_mode & 0o077 == 0
    assert "$argon2id$" in (tmp_path / "k.json").read_text(encoding="utf-8")


def test_import_class_refuses_a_bad_document_in_one_line(
    env: dict[str, str], tmp_path: Path, live: Path
) -> None:
    """A broken export is refused before the store is touched, saying where and what."""
    target = tmp_path / "target.db"
    store = open_db(target)
    store.load_curriculum(diamond())
    store.close()
    out = run_cli(["export", "--class", "c1", str(tmp_path / "c1.json")], env)
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "c1.json").read_text(encoding="utf-8"))
    data["students"][1]["attempts"][2]["correct"] = "yes"
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    before = digest(target)
    out = run_cli(
        ["import-class", str(tmp_path / "bad.json"), "--store", f"sqlite:///{target}"], env
    )
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().count("\n") == 0
    assert "students[1].attempts[2].correct must be true or false" in out.stderr
    assert "export the class again" in out.stderr
    assert digest(target) == before
