"""Tests share their support through tests/support (and the fakes of the outside world in
tests/fakes), never by importing one another: a test module, conftest included, imports no other
test module. Fixtures travel by pytest, or as functions a conftest imports from tests/support."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
SHARED = ("tests.support", "tests.fakes")


def _imported(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.append("." * node.level + (node.module or ""))
            elif node.module == "tests":
                names += [f"tests.{alias.name}" for alias in node.names]
            elif node.module:
                names.append(node.module)
    return names


def _shared(name: str) -> bool:
    return any(name == s or name.startswith(s + ".") for s in SHARED)


def test_no_test_module_imports_another() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent).as_posix()} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        if not _shared(".".join(path.relative_to(TESTS.parent).with_suffix("").parts))
        for name in _imported(path)
        if (name.startswith(".") or name == "tests" or name.startswith("tests."))
        and not _shared(name)
    ]
    assert offenders == []


def test_the_support_imports_no_test_module() -> None:
    offenders = [
        f"{path.name} imports {name}"
        for path in sorted((TESTS / "support").rglob("*.py"))
        for name in _imported(path)
        if (name.startswith(".") or name.startswith("tests.")) and not _shared(name)
    ]
    assert offenders == []
