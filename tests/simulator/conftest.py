"""A simulated phone against the app in sandbox mode, with the workers driven step by step."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from tests.support.clients import running
from tests.support.simulator import Simulator


@pytest.fixture
async def simulator(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Simulator]:
    async with running(settings) as (app, client):
        yield Simulator(client, app.state.runtime, sessionmaker)
