"""One log format for the whole process, libraries included (Alembic here; uvicorn in
tests/test_serve.py), and no per-connection chatter at INFO."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.environment import _backend

pytestmark = pytest.mark.skipif(
    _backend() != "sqlite", reason="migrates its own SQLite database; the backend does not matter"
)

UPGRADES = [
    "Running upgrade  -> 0001_foundation, foundation: residents, inbox, outbox, conversations",
    "Running upgrade 0001_foundation -> 0002_requests, requests and offices",
]
# ConsoleRenderer: "2026-01-02T03:04:05.678901Z [info     ] event [logger]"
PLAIN_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \[(\w+) *\] (.*)$")


def _migrate(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        env={**clean, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'loket.db'}", **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def _json_lines(stderr: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stderr.splitlines()]
    assert all(isinstance(line, dict) for line in lines)
    return lines


def test_migrate_logs_json_lines_only(tmp_path: Path) -> None:
    result = _migrate(tmp_path, LOKET_LOG_JSON="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "database is at head\n"
    lines = _json_lines(result.stderr)
    assert [line["event"] for line in lines][:2] == UPGRADES
    first = lines[0]
    assert (first["level"], first["logger"]) == ("info", "alembic.runtime.migration")
    assert set(first) == {"event", "level", "logger", "timestamp"}
    assert not [line for line in lines if not line["event"].startswith("Running upgrade")]


def test_migrate_logs_plain_lines_when_asked(tmp_path: Path) -> None:
    result = _migrate(tmp_path, LOKET_LOG_JSON="false")
    assert result.returncode == 0, result.stderr
    parsed = [PLAIN_LINE.match(line) for line in result.stderr.splitlines()]
    assert all(parsed), result.stderr
    assert [m.group(2) for m in parsed if m][:2] == [
        f"{event} [alembic.runtime.migration]" for event in UPGRADES
    ]
    assert {m.group(1) for m in parsed if m} == {"info"}


def test_alembic_dialect_chatter_is_debug_detail(tmp_path: Path) -> None:
    result = _migrate(tmp_path, LOKET_LOG_JSON="true", LOKET_LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    chatter = [
        (line["level"], line["event"])
        for line in _json_lines(result.stderr)
        if line["event"].startswith(("Context impl", "Will assume"))
    ]
    assert chatter == [
        ("debug", "Context impl SQLiteImpl."),
        ("debug", "Will assume non-transactional DDL."),
    ]
