"""The house rules of the code, read from its imports (README, "Layout").

Each package may lean only on the ones below it; evaluation reaches the service only
through its public factories; no two modules import each other, directly or round a
circle. A new import that breaks one of these fails here, naming the modules.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cli", "evaluation", "matching", "models", "service", "training_data")
# package -> the packages it may import (besides itself)
MAY_IMPORT: dict[str, frozenset[str]] = {
    "models": frozenset(),
    "matching": frozenset({"models"}),
    "training_data": frozenset({"matching.domain"}),
    "service": frozenset({"matching", "models", "training_data"}),
    # the service's public doors: its app, demo and runtime, and the CV reader an upload
    # goes through (real CV files are measured as they would be uploaded)
    "evaluation": frozenset(
        {
            "matching",
            "models",
            "training_data",
            "service.app",
            "service.demo",
            "service.runtime",
            "service.cv_files",
        }
    ),
    "cli": frozenset(PACKAGES),
}
ENGINE_MODULE_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports anywhere in its body (a function-level
    import is still a dependency)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            else:
                continue
            edges[name].update(f for f in found if f in modules and f != name)
    return edges


def _allowed(importer: str, imported: str) -> bool:
    own, other = importer.split(".")[0], imported.split(".")[0]
    if own == other:
        return True
    return any(imported == p or imported.startswith(p + ".") for p in MAY_IMPORT[own])


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two modules or more (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_packages_import_only_what_lies_below_them():
    modules = _modules()
    assert {"matching.engine", "service.app", "cli.main"} <= modules.keys()
    wrong = sorted(
        f"{importer} -> {imported}"
        for importer, imported_set in _imports(modules).items()
        for imported in imported_set
        if not _allowed(importer, imported)
    )
    assert wrong == []


def test_no_two_modules_import_each_other():
    assert _circles(_imports(_modules())) == []


def test_circle_finder_sees_a_circle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(edges) == [["a", "b", "c"]]
    assert not _allowed("matching.engine", "service.app")
    assert _allowed("evaluation.benchmarks", "service.app")
    assert not _allowed("evaluation.benchmarks", "service.operations")


def test_engine_modules_stay_small():
    long = {
        name: lines
        for name, path in _modules().items()
        if name.startswith("matching.")
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > ENGINE_MODULE_LINES
    }
    assert long == {}
