"""The outbox owns delivery: outside `app/outbox` no module writes `outbound_message` rows.

Everything a domain module sends goes through `app.outbox.delivery`, the one place that decides
between free-form, template and held (Meta's 24-hour window). A row built, inserted, updated or
queued anywhere else would slip past that decision, so it is refused here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import app

ROOT = Path(app.__file__).parent
OWNER = ROOT / "outbox"
MODEL = "OutboundMessage"
STATEMENTS = {"insert", "update", "delete"}
OUTBOX_SERVICE = "app.outbox.service"


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _service_aliases(tree: ast.Module) -> set[str]:
    """Names under which the module imports `app.outbox.service` itself."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "app.outbox":
            aliases.update(a.asname or a.name for a in node.names if a.name == "service")
        elif isinstance(node, ast.Import):
            aliases.update(a.asname for a in node.names if a.name == OUTBOX_SERVICE and a.asname)
    return aliases


def writes_outbox(source: str) -> list[str]:
    """What in `source` writes outbox rows: `line: reason`, in order."""
    tree = ast.parse(source)
    aliases = _service_aliases(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module == OUTBOX_SERVICE and any(a.name == "enqueue" for a in node.names):
                found.append((node.lineno, "imports enqueue"))
            continue
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name == MODEL:
            found.append((node.lineno, f"builds {MODEL}"))
        elif name in STATEMENTS and any(
            isinstance(arg, ast.Name) and arg.id == MODEL for arg in node.args
        ):
            found.append((node.lineno, f"{name}({MODEL})"))
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "enqueue"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in aliases
        ):
            found.append((node.lineno, "calls the outbox's enqueue"))
    return [f"{line}: {reason}" for line, reason in sorted(found)]


def test_only_the_outbox_writes_outbound_messages() -> None:
    offenders = [
        f"{path.relative_to(ROOT.parent).as_posix()}:{finding}"
        for path in sorted(ROOT.rglob("*.py"))
        if not path.is_relative_to(OWNER)
        for finding in writes_outbox(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_the_check_sees_each_way_of_writing_a_row() -> None:
    source = """
from sqlalchemy import update
from app.outbox import service as outbox
from app.outbox.service import enqueue
from app.outbox.models import OutboundMessage

async def f(session, resident):
    session.add(OutboundMessage(resident_id=1))
    await session.execute(update(OutboundMessage).values(state="pending"))
    await outbox.enqueue(session, resident=resident, bodies=[])
    await session.execute(select(OutboundMessage))
"""
    assert writes_outbox(source) == [
        "4: imports enqueue",
        "8: builds OutboundMessage",
        "9: update(OutboundMessage)",
        "10: calls the outbox's enqueue",
    ]
