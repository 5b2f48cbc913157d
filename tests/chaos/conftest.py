"""Chaos fixtures: a fresh database per run (the backend of LOKET_TEST_DATABASE), and a summary.

Each run gets its own database because the processes under test commit for real and the final
count reads the whole inbox and outbox. Without PostgreSQL these tests skip outside CI and fail
in CI, like every other PostgreSQL test (tests/conftest.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db import migrate
from tests.support.chaos.harness import REPORTS
from tests.support.environment import _backend, _pg_admin


@pytest.fixture
def chaos_database(tmp_path: Path) -> Iterator[str]:
    """The async URL of a fresh, migrated database for one chaos run."""
    backend = _backend()
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'chaos.db'}"
        migrate.upgrade(url)
        yield url
        return
    server = backend.rstrip("/")
    name = f"loket_chaos_{uuid.uuid4().hex[:10]}"
    _pg_admin(server, f'CREATE DATABASE "{name}"')
    try:
        url = f"{server}/{name}"
        migrate.upgrade(url)
        yield url
    finally:
        _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not REPORTS:
        return
    terminalreporter.section("chaos figures (test-artifacts/chaos-*.json)")
    for report in REPORTS:
        terminalreporter.write_line(report.line())
