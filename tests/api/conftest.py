"""The app in sandbox mode behind an httpx client, and the office tree with its operators."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from tests.support.clients import Api, running, world  # noqa: F401  (`world`: a fixture)


@pytest.fixture
async def api(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Api]:
    async with running(settings) as (app, client):
        yield Api(app, client, sessionmaker)
