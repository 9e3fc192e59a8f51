"""The import graph of ``tutor/``, read from source (nothing is imported), and its cycles.

Every ``import`` and ``from ... import`` counts, wherever it stands: at module level, inside a
function (a lazy import), or under ``if TYPE_CHECKING:``. A cycle among them is a design
smell even when Python happens to resolve it at run time, so all of them are edges here.

By default modules are collapsed to their top-level package (``tutor.content.items`` →
``tutor.content``; top-level modules such as ``tutor.engine`` stay themselves) and edges
inside one package are dropped; ``--modules`` shows module → module edges instead. Then
every cycle is listed (one strongly connected component of more than one node per line), or
"no cycles".

Run: ``python benchmarks/import_graph.py [--modules] [--root tutor]``. The exit status is 1
when there is a cycle, so CI can use it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from pathlib import Path


def module_names(root: Path) -> dict[str, Path]:
    """Every module under ``root`` (a package folder) by dotted name."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The known modules that module ``name`` imports (resolving ``from pkg import submodule``)."""
    known = set(known)
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: climb from this module's package
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            # ``from a import b`` imports the module a.b when there is one, else a.
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [t if t in known else base for t in targets]
        else:
            continue
        for target in targets:
            # ``import a.b.c`` names a.b.c; the nearest known module is the edge.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def collapse(name: str) -> str:
    """The top-level part a module belongs to: ``tutor.content.generators.algebra`` →
    ``tutor.content``; a top-level module such as ``tutor.engine`` stays itself."""
    return ".".join(name.split(".")[:2])


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    """Print the edges and the cycles; exit status 1 when there is a cycle."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", action="store_true", help="module level, not packages")
    parser.add_argument("--root", type=Path, default=Path(__file__).parent.parent / "tutor")
    args = parser.parse_args(argv)
    modules = module_names(args.root)
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        source = name if args.modules else collapse(name)
        for target in imports_of(name, path, modules):
            target = target if args.modules else collapse(target)
            edges.setdefault(source, set())
            if target != source:
                edges[source].add(target)
    for source in sorted(edges):
        if edges[source]:
            print(f"{source} -> {', '.join(sorted(edges[source]))}")
    found = cycles(edges)
    print()
    if not found:
        print("no cycles")
    for component in found:
        print("cycle: " + " <-> ".join(component))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
