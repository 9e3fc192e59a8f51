"""No import cycle in ``tutor/`` (every import counts: lazy ones and TYPE_CHECKING too)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_graph", ROOT / "benchmarks" / "import_graph.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tutor_has_no_import_cycle(capsys: pytest.CaptureFixture[str]) -> None:
    status = _script().main(["--modules"])
    out = capsys.readouterr().out
    assert status == 0 and out.rstrip().endswith("no cycles"), out


def test_the_script_finds_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import f\n")
    (package / "b.py").write_text("def f():\n    from pkg import a\n")  # a lazy import counts
    (package / "c.py").write_text("import pkg.a\n")
    graph = _script()
    modules = graph.module_names(package)
    edges = {name: graph.imports_of(name, path, modules) for name, path in modules.items()}
    assert edges["pkg.a"] == {"pkg.b"} and edges["pkg.b"] == {"pkg.a"}
    assert graph.cycles(edges) == [["pkg.a", "pkg.b"]]
    assert graph.main(["--modules", "--root", str(package)]) == 1
