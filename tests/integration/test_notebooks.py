"""The analysis notebooks run top to bottom, and are committed without outputs.

Each notebook in ``notebooks/`` is executed with nbclient in a fresh kernel of *this*
interpreter (a "python3" kernelspec written into a temporary Jupyter path, so a system-wide
kernel of another Python can never be picked up), in an empty temporary working folder,
with a per-cell timeout. Any cell that raises fails the test. The ASSIST2015 notebook reads
the shared data through ``TUTOR_SHARED_DATA`` (set here to ``<repo>/../shared/data`` when
unset); without the data it fails, as it must in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
EXPECTED = (
    "class_analytics.ipynb",
    "class_gaps.ipynb",
    "curriculum_analysis.ipynb",
    "designer_impact.ipynb",
    "designer_map.ipynb",
    "kt_evaluation.ipynb",
)
#: Seconds any one cell may take (the slowest, the class simulation, takes about 30 s).
CELL_TIMEOUT = 240

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stored_school(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding classes with real answer histories, made before any notebook runs:
    ``class_gaps.ipynb`` reads a stored class and creates none (the demo school: simulated
    students answering the real engine, as ``tutor demo seed`` makes it)."""
    from tutor.demo import seed_demo
    from tutor.engine import Engine
    from tutor.graph import open_store
    from tutor.settings import Settings

    folder = tmp_path_factory.mktemp("school")
    url = f"sqlite:///{folder / 'school.db'}"
    store = open_store(url, Settings(data_dir=folder))
    try:
        seed_demo(Engine(store))
    finally:
        store.close()
    return url


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory, stored_school: str) -> Iterator[None]:
    """A Jupyter path whose "python3" kernel runs ``sys.executable``; the data folder; the
    stored school the class notebook reads (``TUTOR_STORE``)."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(prefix=str(prefix), kernel_name="python3")
    spec = json.loads((prefix / "share/jupyter/kernels/python3/kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    saved = {
        k: os.environ.get(k)
        for k in ("JUPYTER_PATH", "TUTOR_SHARED_DATA", "MPLBACKEND", "TUTOR_STORE")
    }
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    os.environ["TUTOR_STORE"] = stored_school
    os.environ.setdefault("TUTOR_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    # The inline backend renders figures into the outputs. Forced, not defaulted: importing
    # streamlit (other tests in the same run do) sets MPLBACKEND=Agg, and a kernel that
    # inherits Agg draws no figures into the notebook.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def committed_notebooks() -> list[str]:
    """The notebooks git tracks (all ``*.ipynb`` of the folder when git is not there)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--", "notebooks/*.ipynb"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    # Not yet committed ones count too: the check is about what will be committed.
    return sorted(
        {Path(p).name for p in out}
        | {p.name for p in NOTEBOOKS.glob("*.ipynb") if not p.name.endswith(".nbconvert.ipynb")}
    )


def test_every_expected_notebook_is_there() -> None:
    assert committed_notebooks() == sorted(EXPECTED)


@pytest.mark.parametrize("name", committed_notebooks())
def test_committed_notebook_has_no_outputs(name: str) -> None:
    import nbformat

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [], f"{name}: cell {cell.get('id')} has outputs; strip them"
        assert cell.execution_count is None, f"{name}: cell {cell.get('id')} has a count"


def test_notebooks_match_their_generator() -> None:
    """The committed notebooks are what ``notebooks/make_notebooks.py`` writes."""
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOKS / "make_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, cells in module.NOTEBOOKS.items():
        committed = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert committed == module.build(cells), f"{name} is stale: run make_notebooks.py"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_top_to_bottom(name: str, kernel_env: None, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    before = sorted(p.name for p in REPO.iterdir())
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell raises
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    figures = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    assert figures >= 3, f"{name} drew {figures} figures"
    # The notebook worked in its temporary folder: nothing new at the top of the repository.
    assert sorted(p.name for p in REPO.iterdir()) == before


def cypher_blocks(name: str) -> list[str]:
    """The ```cypher blocks of a notebook's markdown cells (the queries for Neo4j Browser)."""
    import re

    import nbformat

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return re.findall(r"```cypher\n(.*?)```", text, flags=re.DOTALL)


def test_the_cypher_examples_are_there() -> None:
    assert len(cypher_blocks("designer_impact.ipynb")) >= 6


@pytest.mark.neo4j
def test_the_cypher_examples_run_on_neo4j() -> None:
    """Every query the designer notebook offers for Neo4j Browser runs on the real server
    over the default pack and a small demo school, and answers what the Python API does."""
    import neo4j

    from tests.conftest import neo4j_settings_or_skip, wipe_neo4j
    from tutor import lab
    from tutor.demo import seed_demo
    from tutor.designer import Designer
    from tutor.engine import Engine
    from tutor.graph import open_store

    settings = neo4j_settings_or_skip()
    wipe_neo4j(settings)
    store = open_store(settings.store_url, settings)
    try:
        seed_demo(Engine(store), n_students=6)
        designer = Designer(store)
        lint = lab.lint_store(store)
        expected_gaps = [
            (m.kp, m.students, m.attempts)
            for m in designer.missing_prerequisites("fractions.add_unlike", ["class-7a"])
        ]
        no_items_standards = {s.standard.id for s in designer.standards_without_items()}
        dependents = len(store.dependents("mult_div.arrays"))
    finally:
        store.close()
    queries = cypher_blocks("designer_impact.ipynb")
    assert settings.store_url is not None and settings.neo4j_password is not None
    auth = (settings.neo4j_user, settings.neo4j_password)
    with neo4j.GraphDatabase.driver(settings.store_url, auth=auth) as driver:
        rows = [driver.execute_query(q).records for q in queries]
    domain, no_items, standards, depends, redundant, gaps, off_map = rows
    assert domain
    assert {r["point"] for r in no_items} == {f.ids[0] for f in lint.of_kind("no_items")}
    assert {r["standard"] for r in standards} == no_items_standards
    assert depends[0]["dependents"] == dependents
    assert len(redundant) == lint.counts()["redundant_edge"]
    assert [(r["prerequisite"], r["students"], r["attempts"]) for r in gaps] == expected_gaps
    assert off_map  # the map disagrees with some edges (lint counts them with substandards folded)
