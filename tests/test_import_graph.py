"""No import circles: between modules of app/, and between its top-level packages.

Every `import` counts, also one inside a function or under `TYPE_CHECKING`: a late import hides a
circle from Python, not from the reader. A package is `app.X` (a folder or a top-level module).
Alembic's scripts (app/db/migrations) are a package of their own: Alembic runs them from their
folder, nothing imports them, and their environment needs every table (app.models), so they sit
on top like the `loket` command, not inside the database plumbing they happen to live under.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import app

ROOT = Path(app.__file__).parent
SCRIPTS = "app.db.migrations"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _targets(module: str, path: Path) -> Iterator[str]:
    """Dotted names `module` imports (a module, or a name inside one)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def module_graph() -> dict[str, set[str]]:
    """Each module of app/ and the modules of app/ it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        for target in _targets(module, path):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add(target)
    return graph


def package_of(module: str) -> str:
    if module == SCRIPTS or module.startswith(SCRIPTS + "."):
        return SCRIPTS
    return ".".join(module.split(".")[:2])


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, targets in module_graph().items():
        edges = graph.setdefault(package_of(module), set())
        edges.update(package_of(t) for t in targets if package_of(t) != package_of(module))
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]


def test_no_import_circle_between_modules() -> None:
    assert circles(module_graph()) == []


def test_no_import_circle_between_packages() -> None:
    assert circles(package_graph()) == []


def test_nothing_imports_the_migration_scripts() -> None:
    importers = [
        f"{module} imports {target}"
        for module, targets in sorted(module_graph().items())
        for target in sorted(targets)
        if package_of(target) == SCRIPTS and package_of(module) != SCRIPTS
    ]
    assert importers == []


def test_the_graph_sees_late_imports() -> None:
    graph = module_graph()
    assert "app.models" in graph["app.cli"]  # imported inside main()
    assert graph["app.models"] >= {"app.db", "app.locker", "app.requests.models"}
