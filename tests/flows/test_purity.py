"""The engine is pure: importing every app.flows module pulls in no web, database or I/O layer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import app.flows

FORBIDDEN = ("fastapi", "sqlalchemy", "httpx", "starlette", "app.db", "app.locker", "app.bot")


def flows_modules() -> list[str]:
    """Every module of the app.flows package, by dotted name."""
    root = Path(app.flows.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def forbidden_after_importing(modules: list[str]) -> list[str]:
    """Import `modules` in a fresh interpreter; list the forbidden modules that got loaded."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"forbidden = {FORBIDDEN!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules\n"
        "    if any(m == f or m.startswith(f + '.') for f in forbidden))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    found: list[str] = json.loads(done.stdout)
    return found


def test_every_flows_module_imports_without_io_layers():
    modules = flows_modules()
    assert {"app.flows.engine", "app.flows.catalog.loader", "app.flows.intents"} <= set(modules)
    assert forbidden_after_importing(modules) == []


def test_the_check_catches_a_forbidden_import():
    assert "httpx" in forbidden_after_importing(["app.flows.engine", "httpx"])
