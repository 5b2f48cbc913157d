"""Browser tests: a real uvicorn server on 127.0.0.1 and Debian's headless Chromium via Playwright.

Chromium comes from the system (`apt-get install chromium`), never from a Playwright download.
Without it these tests skip with a reason on a laptop and fail under CI=true.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.config import Settings
from tests.support.browser import (
    browser_context,
    serve,
)
from tests.support.environment import IN_CI


def _chromium() -> str | None:
    explicit = os.environ.get("LOKET_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium); browser tests need it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def live_server(settings: Settings, sessionmaker) -> Iterator[str]:
    """Loket served on a free port for one test; yields its base URL."""
    with serve(settings) as base:
        yield base


@pytest.fixture
async def page(chromium_path: str, live_server: str) -> AsyncIterator[object]:
    """A fresh Chromium page; it closes before `live_server` stops (no cut-off long polls)."""
    async with browser_context(chromium_path) as (context, errors):
        page = await context.new_page()
        yield page
        assert errors == [], f"the page reported errors: {errors}"
