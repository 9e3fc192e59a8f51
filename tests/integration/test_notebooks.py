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
EXPECTED = ("class_analytics.ipynb", "curriculum_analysis.ipynb", "kt_evaluation.ipynb")
#: Seconds any one cell may take (the slowest, the class simulation, takes about 30 s).
CELL_TIMEOUT = 240

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A Jupyter path whose "python3" kernel runs ``sys.executable``; the data folder."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(prefix=str(prefix), kernel_name="python3")
    spec = json.loads((prefix / "share/jupyter/kernels/python3/kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "TUTOR_SHARED_DATA", "MPLBACKEND")}
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
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
