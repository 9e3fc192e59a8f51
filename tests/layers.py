"""The import-layer checker behind ``tests/unit/test_layers.py``.

It reads every ``.py`` file under ``tutor/`` and ``ui/`` with :mod:`ast` (nothing is
imported or run), collects every import of a project module — at module level, inside
functions and under ``if TYPE_CHECKING:`` alike — and compares each one with a table of
layers: which modules may import which. It also finds import cycles among ``tutor``
modules (counting every import, lazy ones too: a cycle that is only hidden by a lazy
import is still a cycle in the design).

The table lives in the test (it mirrors DESIGN's layer table); this module only knows how
to apply one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The top-level packages the checker reads and whose imports it judges.
ROOTS = ("tutor", "ui")
#: The root package itself (its ``__init__``) is a layer of its own; its name is not a
#: prefix of the other layers (``tutor.engine`` is not "in" the layer ``tutor``).
ROOT_PACKAGE = "tutor"


@dataclass(frozen=True, order=True)
class Import:
    """One import statement's project target, where it is written."""

    path: str  # relative to the tree's root, with '/' separators
    line: int
    importer: str  # dotted module name of the importing file
    imported: str  # dotted module name imported


@dataclass(frozen=True, order=True)
class Violation:
    """An import the table does not allow (or a module the table does not place)."""

    path: str
    line: int
    importer: str
    imported: str
    rule: str

    def __str__(self) -> str:
        if self.importer == self.imported:  # a module the table does not place
            return f"{self.path}:{self.line}: {self.importer}: {self.rule}"
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}: {self.rule}"


def module_name(root: Path, file: Path) -> str:
    """``tutor/content/items.py`` -> ``tutor.content.items``; a package's ``__init__.py``
    is the package itself."""
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path) -> dict[str, Path]:
    """Every module of the checked packages under ``root``, by dotted name."""
    found: dict[str, Path] = {}
    for package in ROOTS:
        for file in sorted((root / package).rglob("*.py")):
            found[module_name(root, file)] = file
    return found


def _resolve_relative(importer: str, is_package: bool, level: int, module: str | None) -> str:
    """The absolute name of ``from .mod import x`` written in ``importer``."""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(root: Path, modules: Mapping[str, Path]) -> list[Import]:
    """Every import of a project module in the files of ``modules`` (all nesting levels)."""
    found: list[Import] = []
    for name, file in modules.items():
        rel = file.relative_to(root).as_posix()
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=rel)
        is_package = file.name == "__init__.py"
        # ast.walk visits every node: module level, function bodies, `if TYPE_CHECKING:`.
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = (
                    _resolve_relative(name, is_package, node.level, node.module)
                    if node.level
                    else node.module or ""
                )
                for alias in node.names:
                    # `from tutor import engine` imports the module tutor.engine;
                    # `from tutor.engine import Engine` imports from tutor.engine.
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                if target.split(".")[0] in ROOTS:
                    found.append(Import(rel, node.lineno, name, target))
    return sorted(set(found))


def layer_of(module: str, layers: Iterable[str]) -> str | None:
    """The table entry a module belongs to: the longest entry that is the module itself or
    a package above it (the root package matches only itself)."""
    best: str | None = None
    for layer in layers:
        inside = module == layer or (layer != ROOT_PACKAGE and module.startswith(layer + "."))
        if inside and (best is None or len(layer) > len(best)):
            best = layer
    return best


def _allowed(imported: str, targets: Iterable[str]) -> bool:
    """Whether ``imported`` is one of ``targets`` or inside one of them."""
    return any(
        imported == t or (t != ROOT_PACKAGE and imported.startswith(t + ".")) for t in targets
    )


def check_layers(
    root: Path, table: Mapping[str, Sequence[str]], foundation: Sequence[str]
) -> list[Violation]:
    """Every import under ``root`` that ``table`` does not allow.

    ``table`` maps a layer (a module or package name) to the layers it may import besides
    itself and ``foundation`` (which every layer may import). A module in no layer of the
    table is a violation too (a new module must be placed in the table).
    """
    modules = source_files(root)
    out: list[Violation] = []
    for name, file in modules.items():
        if layer_of(name, table) is None:
            rel = file.relative_to(root).as_posix()
            out.append(Violation(rel, 1, name, name, "this module is in no layer of the table"))
    for imp in imports_of(root, modules):
        source = layer_of(imp.importer, table)
        if source is None:
            continue  # reported once above
        target = layer_of(imp.imported, table)
        if target == source or _allowed(imp.imported, foundation):
            continue
        if target is not None and _allowed(imp.imported, table[source]):
            continue
        allowed = table[source]
        may = f"{', '.join(allowed)} and the foundation" if allowed else "the foundation"
        rule = f"{source} may import only {may}"
        if target is None:
            rule = f"{imp.imported} is in no layer of the table"
        out.append(Violation(imp.path, imp.line, imp.importer, imp.imported, rule))
    return sorted(out)


def import_cycles(root: Path, package: str = ROOT_PACKAGE) -> list[list[str]]:
    """The import cycles among the modules of ``package``: one cycle (a list of modules,
    the first repeated at the end) per strongly connected group of modules, sorted."""
    import networkx as nx

    modules = source_files(root)
    graph: nx.DiGraph = nx.DiGraph()
    for imp in imports_of(root, modules):
        inside = [m.split(".")[0] == package for m in (imp.importer, imp.imported)]
        if all(inside) and imp.imported in modules and imp.importer != imp.imported:
            graph.add_edge(imp.importer, imp.imported)
    cycles: list[list[str]] = []
    for group in nx.strongly_connected_components(graph):
        if len(group) < 2:
            continue
        sub = graph.subgraph(group)
        start = min(group)
        edges = nx.find_cycle(sub, source=start)
        cycles.append([edges[0][0], *(b for _, b in edges)])
    return sorted(cycles)
