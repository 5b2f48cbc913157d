"""Imports flow one way: the HTTP edges (the JSON API and the dashboard) use the domain, never
the other way round, and never each other. Only the application factory (app/main.py) mounts
them."""

from __future__ import annotations

import ast
from pathlib import Path

import app

EDGES = ("app.api", "app.dashboard")
ALLOWED = {"app/main.py"}
ROOT = Path(app.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _edge_of(path: Path) -> str | None:
    dotted = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
    return next((e for e in EDGES if dotted == e or dotted.startswith(e + ".")), None)


def test_no_domain_module_imports_the_api_or_the_dashboard() -> None:
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).as_posix()
        if relative in ALLOWED or _edge_of(path) is not None:
            continue
        for name in sorted(_imports(path)):
            if any(name == e or name.startswith(e + ".") for e in EDGES):
                offenders.append(f"{relative} imports {name}")
    assert offenders == []


def _crossings(folder: str, edge: str) -> list[str]:
    """Imports of `edge` by the modules under app/`folder`."""
    return [
        f"{path.relative_to(ROOT.parent).as_posix()} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in sorted(_imports(path))
        if name == edge or name.startswith(edge + ".")
    ]


def test_the_api_does_not_import_the_dashboard() -> None:
    offenders = _crossings("api", "app.dashboard")
    assert offenders == []


def test_the_dashboard_does_not_import_the_api() -> None:
    """The dashboard reads requests from the domain and presents them itself: a change to the
    API's wire schema cannot break a page."""
    offenders = _crossings("dashboard", "app.api")
    assert offenders == []
