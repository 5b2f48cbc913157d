"""Chaos fixtures: a fresh database per run (the backend of LOKET_TEST_DATABASE), and a summary.

Each run gets its own database because the processes under test commit for real and the final
count reads the whole inbox and outbox. Without PostgreSQL these tests skip outside CI and fail
in CI, like every other PostgreSQL test (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos.harness import REPORTS
from tests.support.environment import fresh_database


@pytest.fixture
def chaos_database(tmp_path: Path) -> Iterator[str]:
    """The async URL of a fresh, migrated database for one chaos run."""
    with fresh_database(tmp_path, "loket_chaos") as url:
        yield url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not REPORTS:
        return
    terminalreporter.section("chaos figures (test-artifacts/chaos-*.json)")
    for report in REPORTS:
        terminalreporter.write_line(report.line())
