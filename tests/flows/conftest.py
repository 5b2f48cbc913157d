"""Fixtures for the flow engine tests: a fixed clock, sequential ids, the shipped catalog.

`pytest tests/flows --update-golden` (or LOKET_UPDATE_GOLDEN=1) rewrites the expected events of
the golden conversation files instead of comparing them; review the diff before committing.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.flows.catalog import Catalog, shipped_catalog
from app.flows.engine import Engine
from tests.support.engine_data import START


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected events of tests/flows/golden/*.yaml",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten rather than compared."""
    flag = bool(request.config.getoption("--update-golden", default=False))
    return flag or os.environ.get("LOKET_UPDATE_GOLDEN") == "1"


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def catalog() -> Catalog:
    return shipped_catalog()


@pytest.fixture
def make_engine(clock: Clock) -> Callable[..., Engine]:
    """Build an engine with the fixed clock and ids "id-1", "id-2", ..."""

    def build(catalog: Catalog | None = None, **options: object) -> Engine:
        counter = itertools.count(1)
        return Engine(
            catalog or shipped_catalog(),
            clock=clock,
            new_id=lambda: f"id-{next(counter)}",
            timezone=ZoneInfo("Asia/Jakarta"),
            **options,  # type: ignore[arg-type]
        )

    return build
